//! Reusable buffers of the spiked solver (THEORY.md §4): the `r × r` algebra at the current
//! point, the κ-node values `δ_k`, the Jacobian and its LU factors, so that one evaluation of
//! the map and one Newton or chord step allocate nothing.

use super::{SpikedProblem, ZERO};
use crate::linalg::DenseLu;
use num_complex::Complex64 as C64;

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
    /// Partial sums of the κ-sums ([`super::kappa_sum`]).
    pub(super) kappa_scratch: Vec<f64>,
    /// The factors in `jac` are those of the last Newton Jacobian.
    pub(crate) jac_fresh: bool,
    /// Sum over all κ-nodes, negligible ones included (set when the a-posteriori bound on
    /// the negligible nodes failed; module docs of `nodes`).
    pub(crate) all_nodes: bool,
}

impl Workspace {
    /// Buffers for `problem`.
    pub fn new(problem: &SpikedProblem) -> Self {
        let r = problem.r;
        let (m, n, k) = (problem.m, problem.n, problem.nodes.len());
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
            kappa_scratch: vec![0.0; super::kappa_sum::scratch_len(k)],
            jac_fresh: false,
            all_nodes: false,
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
            kappa_scratch: Vec::new(),
            jac_fresh: false,
            all_nodes: false,
        }
    }

    pub(crate) fn fits(&self, problem: &SpikedProblem) -> bool {
        self.r == problem.r && self.k == problem.nodes.len()
    }
}
