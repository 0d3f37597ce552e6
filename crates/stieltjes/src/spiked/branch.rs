//! The Herglotz branch checks of THEORY.md §4: for `Im z > 0` a solution must have
//! `Im(N_aa + s_a) ≤ 0` (so `Im q̃_a > 0`) and `Im δ(κ) ≥ 0`; for real `z < 0`, `q̃_a > 0` and
//! `δ(κ) ≥ 0` (relative tolerances below; module docs of `spiked`, Branch).

use super::{SpikedProblem, Workspace};
use num_complex::Complex64 as C64;

/// Relative sign tolerance of the branch check along a continuous path.
pub(super) const BRANCH_TOL_PATH: f64 = 1e-9;
/// Relative sign tolerance of the branch check after a warm-start jump (spurious roots of the
/// real-axis equations have sign violations of order `Im z`, so this must stay well below
/// the `η/scale` of the density sweep).
pub(super) const BRANCH_TOL_JUMP: f64 = 1e-11;

impl SpikedProblem {
    /// Branch check on the intermediates of the last `eval`, with relative tolerance `tol`.
    ///
    /// For `Im z > 0` the physical solution satisfies `Im(N_aa + s_a) ≤ 0` (so that
    /// `Im q̃_a ≥ Im z |q̃_a|²`) and `Im δ(κ) ≥ 0`; for real `z < 0`, `q̃_a > 0`, `δ ≥ 0`.
    /// (`|δ_k|` is computed only where `Im δ_k < 0`: the check runs on every node after every
    /// accepted step.) It also checks the bound on the negligible κ-nodes (module docs of
    /// `nodes`); when that fails, the solution is rejected and `ws` switches to all nodes.
    pub(crate) fn on_branch_tol(&self, z: C64, ws: &mut Workspace, tol: f64) -> bool {
        let r = self.r;
        let k = self.nodes.active(ws.all_nodes).1.len();
        let ok = if z.im > 0.0 {
            (0..r).all(|a| {
                let den = ws.nn[a * r + a] + ws.g[self.mt + a];
                den.im <= tol * (den - z).norm()
            }) && delta_signs_ok(z, &ws.d_re[..k], &ws.d_im[..k], tol)
        } else {
            ws.qt.iter().all(|v| v.re > 0.0) && delta_signs_ok(z, &ws.d_re[..k], &ws.d_im[..k], tol)
        };
        if !ok || ws.all_nodes || !self.nodes.has_negligible() {
            return ok;
        }
        if self.negligible_nodes_ok(z, ws, tol) {
            return true;
        }
        ws.all_nodes = true;
        false
    }

    /// Lenient branch check (`1e-9`), for points reached by a continuous path.
    pub(crate) fn on_branch(&self, z: C64, ws: &mut Workspace) -> bool {
        self.on_branch_tol(z, ws, BRANCH_TOL_PATH)
    }

    /// Strict branch check (`1e-11`), for warm starts that may jump between roots.
    pub(crate) fn on_branch_strict(&self, z: C64, ws: &mut Workspace) -> bool {
        self.on_branch_tol(z, ws, BRANCH_TOL_JUMP)
    }
}

/// The sign of `δ_k` on the branch: `Im δ_k ≥ 0` (relative tolerance `tol`) for `Im z > 0`,
/// `δ_k ≥ 0` (`Re δ_k ≥ -tol`) for real `z < 0`.
pub(super) fn delta_signs_ok(z: C64, d_re: &[f64], d_im: &[f64], tol: f64) -> bool {
    if z.im > 0.0 {
        d_re.iter()
            .zip(d_im)
            // -im ≤ tol |re| is sufficient (|δ| ≥ |re|) and spares the hypot
            .all(|(&re, &im)| {
                im >= 0.0 || -im <= tol * re.abs() || im >= -tol * re.hypot(im) - 1e-300
            })
    } else {
        d_re.iter().all(|&re| re >= -tol)
    }
}
