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
    /// accepted step.)
    pub(crate) fn on_branch_tol(&self, z: C64, ws: &Workspace, tol: f64) -> bool {
        let r = self.r;
        if z.im > 0.0 {
            (0..r).all(|a| {
                let den = ws.nn[a * r + a] + ws.g[self.mt + a];
                den.im <= tol * (den - z).norm()
            }) && ws
                .d_re
                .iter()
                .zip(&ws.d_im)
                .all(|(&re, &im)| im >= 0.0 || im >= -tol * re.hypot(im) - 1e-300)
        } else {
            ws.qt.iter().all(|v| v.re > 0.0) && ws.d_re.iter().all(|&re| re >= -tol)
        }
    }

    /// Lenient branch check (`1e-9`), for points reached by a continuous path.
    pub(crate) fn on_branch(&self, z: C64, ws: &Workspace) -> bool {
        self.on_branch_tol(z, ws, BRANCH_TOL_PATH)
    }

    /// Strict branch check (`1e-11`), for warm starts that may jump between roots.
    pub(crate) fn on_branch_strict(&self, z: C64, ws: &Workspace) -> bool {
        self.on_branch_tol(z, ws, BRANCH_TOL_JUMP)
    }
}
