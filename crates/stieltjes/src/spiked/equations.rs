//! The equations of THEORY.md §4 as a map `x = (q, T_upper) ↦ Φ(x)` and its exact
//! (holomorphic) Jacobian `DΦ`:
//!
//! ```text
//! M = Q (I + T Q)^{-1},   δ_k = φ_k · θ / α,   θ = (M_aa, M_ab + M_ba (a < b), q_a),
//! (T', s') = Σ_k w_k φ_k / (1 + δ_k),   φ_k = (d_a d_b (a ≤ b), e_a²),
//! q̃'_a = 1 / ([T (I + Q T)^{-1}]_aa + s'_a - z),   q'_a = ψ π_a q̃'_a,
//! ```
//!
//! `DΦ` by forward propagation of the unit tangents through the `r × r` algebra and the
//! κ-sum `Ψ = Σ_k w_k φ_k φ_kᵀ / (1 + δ_k)²` (`dT', ds' = -Ψ dθ / α`); the starting point of
//! the cold solve.

use super::kappa_sum::{KappaSums, PsiMatrix};
use super::{ONE, SpikedProblem, Workspace, ZERO};
use crate::linalg::{matmul, rm_mut};
use num_complex::Complex64 as C64;

impl SpikedProblem {
    /// Default starting point: `q̃ = -1/z`, `T = E[d dᵀ]` (δ = 0).
    pub(super) fn initial_guess(&self, z: C64, x: &mut [C64]) {
        let qt = -1.0 / z;
        for a in 0..self.r {
            x[a] = qt * self.psi * self.pi[a];
        }
        let (phi, weights) = self.nodes.active(false);
        for j in 0..self.mt {
            let mut acc = 0.0;
            for (kk, &w) in weights.iter().enumerate() {
                acc += w * phi[j * weights.len() + kk];
            }
            x[self.r + j] = C64::new(acc, 0.0);
        }
    }

    /// Evaluates `Φ(x)` into `ws.y`, leaving the intermediates (δ, T', s', q̃, inverses) in
    /// `ws`. Returns false on a singular/non-finite step.
    pub(crate) fn eval(&self, z: C64, x: &[C64], ws: &mut Workspace) -> bool {
        let r = self.r;
        let q = &x[..r];
        for (j, &(a, b)) in self.tri.iter().enumerate() {
            ws.t[a * r + b] = x[r + j];
            ws.t[b * r + a] = x[r + j];
        }
        // A = I + T Q
        let mut a = ws.lu_r.matrix_mut(r);
        for j in 0..r {
            for i in 0..r {
                a[(i, j)] = ws.t[i * r + j] * q[j] + if i == j { ONE } else { ZERO };
            }
        }
        if !(ws.lu_r.factor() && ws.lu_r.inverse_into(rm_mut(&mut ws.ainv, r, r))) {
            return false;
        }
        // M = Q A^{-1}
        for i in 0..r {
            for j in 0..r {
                ws.mm[i * r + j] = q[i] * ws.ainv[i * r + j];
            }
        }
        for (j, &(a, b)) in self.tri.iter().enumerate() {
            ws.theta[j] = if a == b {
                ws.mm[a * r + a]
            } else {
                ws.mm[a * r + b] + ws.mm[b * r + a]
            };
        }
        for a in 0..r {
            ws.theta[self.mt + a] = q[a];
        }
        // κ-sums: δ_k = Σ_j θ_j φ_j(κ_k)/α, c_k = w_k/(1+δ_k), g_j = Σ_k c_k φ_j(κ_k)
        let m = self.m;
        let (phi, weights) = self.nodes.active(ws.all_nodes);
        KappaSums {
            phi,
            weights,
            theta: &ws.theta[..m],
            inv_alpha: 1.0 / self.alpha,
            d_re: &mut ws.d_re,
            d_im: &mut ws.d_im,
            g: &mut ws.g[..m],
            scratch: &mut ws.kappa_scratch,
        }
        .run();
        // T', s' -> B = I + Q T', N = T' B^{-1}
        for (j, &(a, b)) in self.tri.iter().enumerate() {
            ws.tn[a * r + b] = ws.g[j];
            ws.tn[b * r + a] = ws.g[j];
        }
        let mut b = ws.lu_r.matrix_mut(r);
        for j in 0..r {
            for i in 0..r {
                b[(i, j)] = q[i] * ws.tn[i * r + j] + if i == j { ONE } else { ZERO };
            }
        }
        if !(ws.lu_r.factor() && ws.lu_r.inverse_into(rm_mut(&mut ws.binv, r, r))) {
            return false;
        }
        matmul(&ws.tn, &ws.binv, &mut ws.nn, r);
        for a in 0..r {
            let qt = (ws.nn[a * r + a] + ws.g[self.mt + a] - z).inv();
            ws.qt[a] = qt;
            ws.y[a] = qt * (self.psi * self.pi[a]);
        }
        for j in 0..self.mt {
            ws.y[r + j] = ws.g[j];
        }
        ws.y.iter().all(|v| v.re.is_finite() && v.im.is_finite())
    }

    /// Jacobian `I - DΦ(x)` into `ws.jac`, after `eval` at the same `x`.
    pub(super) fn jacobian(&self, x: &[C64], ws: &mut Workspace) {
        let (r, m, n, mt) = (self.r, self.m, self.n, self.mt);
        let q = &x[..r];
        // Ψ_ij = Σ_k w_k φ_i(κ_k) φ_j(κ_k) / (1+δ_k)²  (symmetric)
        let (phi, weights) = self.nodes.active(ws.all_nodes);
        PsiMatrix {
            phi,
            weights,
            d_re: &ws.d_re,
            d_im: &ws.d_im,
            psi: &mut ws.psi_mat[..m * m],
            scratch: &mut ws.kappa_scratch,
        }
        .run();
        let inv_alpha = 1.0 / self.alpha;
        for col in 0..n {
            // unit tangent
            ws.dq.fill(ZERO);
            ws.dt.fill(ZERO);
            if col < r {
                ws.dq[col] = ONE;
            } else {
                let (a, b) = self.tri[col - r];
                ws.dt[a * r + b] = ONE;
                ws.dt[b * r + a] = ONE;
            }
            // dA = dT Q + T dQ
            for i in 0..r {
                for l in 0..r {
                    ws.da[i * r + l] = ws.dt[i * r + l] * q[l] + ws.t[i * r + l] * ws.dq[l];
                }
            }
            // dM = dQ Ainv - M dA Ainv
            matmul(&ws.mm, &ws.da, &mut ws.tmp, r);
            matmul(&ws.tmp, &ws.ainv, &mut ws.tmp2, r);
            for i in 0..r {
                for j in 0..r {
                    ws.dm[i * r + j] = ws.dq[i] * ws.ainv[i * r + j] - ws.tmp2[i * r + j];
                }
            }
            for (j, &(a, b)) in self.tri.iter().enumerate() {
                ws.dtheta[j] = if a == b {
                    ws.dm[a * r + a]
                } else {
                    ws.dm[a * r + b] + ws.dm[b * r + a]
                };
            }
            for a in 0..r {
                ws.dtheta[mt + a] = ws.dq[a];
            }
            // dG = -Ψ dθ / α
            for i in 0..m {
                let mut acc = ZERO;
                for j in 0..m {
                    acc += ws.psi_mat[i * m + j] * ws.dtheta[j];
                }
                ws.dg[i] = -acc * inv_alpha;
            }
            for (j, &(a, b)) in self.tri.iter().enumerate() {
                ws.dtn[a * r + b] = ws.dg[j];
                ws.dtn[b * r + a] = ws.dg[j];
            }
            // dB = dQ T' + Q dT';  dN = (dT' - N dB) Binv
            for i in 0..r {
                for l in 0..r {
                    ws.db[i * r + l] = ws.dq[i] * ws.tn[i * r + l] + q[i] * ws.dtn[i * r + l];
                }
            }
            matmul(&ws.nn, &ws.db, &mut ws.tmp, r);
            for i in 0..r * r {
                ws.tmp[i] = ws.dtn[i] - ws.tmp[i];
            }
            for a in 0..r {
                let mut dn = ZERO;
                for l in 0..r {
                    dn += ws.tmp[a * r + l] * ws.binv[l * r + a];
                }
                let dqt = -ws.qt[a] * ws.qt[a] * (dn + ws.dg[mt + a]);
                let dy = dqt * (self.psi * self.pi[a]);
                ws.jac.set(a, col, if a == col { ONE - dy } else { -dy });
            }
            for j in 0..mt {
                let row = r + j;
                let dy = ws.dg[j];
                ws.jac
                    .set(row, col, if row == col { ONE - dy } else { -dy });
            }
        }
    }

    /// Current `m(z) = Σ π_a q̃_a` from the intermediates of the last `eval`.
    pub(crate) fn m_from(&self, ws: &Workspace) -> C64 {
        let mut m = ZERO;
        for a in 0..self.r {
            m += ws.qt[a] * self.pi[a];
        }
        m
    }

    pub(crate) fn unknowns(&self) -> usize {
        self.n
    }
}
