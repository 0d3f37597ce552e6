//! Reusable buffers of the spiked solver (THEORY.md §4): the `r × r` algebra at the current
//! point, the κ-node values `δ_k`, the Jacobian and its LU factors, so that one evaluation of
//! the map and one Newton or chord step allocate nothing.

use super::{SpikedProblem, ZERO};
use crate::linalg::DenseLu;
use num_complex::Complex64 as C64;

/// `Σ a_k b_k` with four independent accumulators (lets the compiler vectorize).
#[inline]
pub(super) fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut s = [0.0_f64; 4];
    let ca = a.chunks_exact(4);
    let cb = b.chunks_exact(4);
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        s[0] += x[0] * y[0];
        s[1] += x[1] * y[1];
        s[2] += x[2] * y[2];
        s[3] += x[3] * y[3];
    }
    let mut t = (s[0] + s[1]) + (s[2] + s[3]);
    for (x, y) in ra.iter().zip(rb) {
        t += x * y;
    }
    t
}

/// Reusable buffers of the solver (allocation-free inner step).
#[derive(Debug, Clone)]
pub struct Workspace {
    pub(super) r: usize,
    pub(super) k: usize,
    pub(super) t: Vec<C64>,
    pub(super) ainv: Vec<C64>,
    pub(super) mm: Vec<C64>,
    pub(super) theta: Vec<C64>,
    pub(super) g: Vec<C64>,
    pub(super) tn: Vec<C64>,
    pub(super) binv: Vec<C64>,
    pub(super) nn: Vec<C64>,
    pub(super) qt: Vec<C64>,
    pub(super) psi_mat: Vec<C64>,
    /// `I - DΦ(x)`, then its LU factors (valid if `jac_fresh`).
    pub(crate) jac: DenseLu,
    pub(super) rhs: Vec<C64>,
    pub(crate) y: Vec<C64>,
    pub(super) xt: Vec<C64>,
    // tangent scratch
    pub(super) dt: Vec<C64>,
    pub(super) da: Vec<C64>,
    pub(super) tmp: Vec<C64>,
    pub(super) tmp2: Vec<C64>,
    pub(super) dm: Vec<C64>,
    pub(super) dtheta: Vec<C64>,
    pub(super) dg: Vec<C64>,
    pub(super) dtn: Vec<C64>,
    pub(super) db: Vec<C64>,
    pub(super) dq: Vec<C64>,
    /// LU of the `r × r` systems `I + TQ` and `I + QT'`.
    pub(super) lu_r: DenseLu,
    pub(super) d_re: Vec<f64>,
    pub(super) d_im: Vec<f64>,
    pub(super) c_re: Vec<f64>,
    pub(super) c_im: Vec<f64>,
    pub(super) c2_re: Vec<f64>,
    pub(super) c2_im: Vec<f64>,
    /// The factors in `jac` are those of the last Newton Jacobian.
    pub(crate) jac_fresh: bool,
}

impl Workspace {
    /// Buffers for `problem`.
    pub fn new(problem: &SpikedProblem) -> Self {
        let r = problem.r;
        let (m, n, k) = (problem.m, problem.n, problem.profile.len());
        let rr = vec![ZERO; r * r];
        Self {
            r,
            k,
            t: rr.clone(),
            ainv: rr.clone(),
            mm: rr.clone(),
            theta: vec![ZERO; m],
            g: vec![ZERO; m],
            tn: rr.clone(),
            binv: rr.clone(),
            nn: rr.clone(),
            qt: vec![ZERO; r],
            psi_mat: vec![ZERO; m * m],
            jac: DenseLu::new(n),
            rhs: vec![ZERO; n],
            y: vec![ZERO; n],
            xt: vec![ZERO; n],
            dt: rr.clone(),
            da: rr.clone(),
            tmp: rr.clone(),
            tmp2: rr.clone(),
            dm: rr.clone(),
            dtheta: vec![ZERO; m],
            dg: vec![ZERO; m],
            dtn: rr.clone(),
            db: rr.clone(),
            dq: vec![ZERO; r],
            lu_r: DenseLu::new(r),
            d_re: vec![0.0; k],
            d_im: vec![0.0; k],
            c_re: vec![0.0; k],
            c_im: vec![0.0; k],
            c2_re: vec![0.0; k],
            c2_im: vec![0.0; k],
            jac_fresh: false,
        }
    }

    /// A placeholder without buffers (to move a workspace out temporarily).
    pub(crate) fn new_empty() -> Self {
        Self {
            r: 0,
            k: 0,
            t: Vec::new(),
            ainv: Vec::new(),
            mm: Vec::new(),
            theta: Vec::new(),
            g: Vec::new(),
            tn: Vec::new(),
            binv: Vec::new(),
            nn: Vec::new(),
            qt: Vec::new(),
            psi_mat: Vec::new(),
            jac: DenseLu::new(0),
            rhs: Vec::new(),
            y: Vec::new(),
            xt: Vec::new(),
            dt: Vec::new(),
            da: Vec::new(),
            tmp: Vec::new(),
            tmp2: Vec::new(),
            dm: Vec::new(),
            dtheta: Vec::new(),
            dg: Vec::new(),
            dtn: Vec::new(),
            db: Vec::new(),
            dq: Vec::new(),
            lu_r: DenseLu::new(0),
            d_re: Vec::new(),
            d_im: Vec::new(),
            c_re: Vec::new(),
            c_im: Vec::new(),
            c2_re: Vec::new(),
            c2_im: Vec::new(),
            jac_fresh: false,
        }
    }

    pub(crate) fn fits(&self, problem: &SpikedProblem) -> bool {
        self.r == problem.r && self.k == problem.profile.len()
    }
}
