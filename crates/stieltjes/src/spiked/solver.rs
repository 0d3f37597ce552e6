//! How the spiked equations are solved (module docs of `spiked`, Method): the cold start by
//! damped Anderson iteration, Newton with the exact Jacobian and backtracking, chord steps on
//! a kept LU factorization, the continuation in `Im z` from far above the real axis, and the
//! packaging of a converged point into a [`SpikedSolution`].

use super::{SolverConfig, SpikedProblem, SpikedSolution, Workspace, ZERO, block_residual};
use crate::error::{Result, StieltjesError};
use crate::fixed_point::{FixedPointConfig, FixedPointSolution, solve_fixed_point};
use num_complex::Complex64 as C64;

impl SpikedProblem {
    /// Core: solve at `z` (Im z ≥ 0) into `x`, which holds a warm start if `warm`.
    pub(crate) fn solve_x(
        &self,
        z: C64,
        x: &mut [C64],
        warm: bool,
        cfg: &SolverConfig,
        ws: &mut Workspace,
    ) -> Result<(usize, f64)> {
        let tol = cfg.fixed_point.tol;
        let mut work = 0usize;
        if warm {
            // one Jacobian at the warm start, then chord steps (cheap for every r); full
            // Newton only if they do not contract
            ws.xt.copy_from_slice(x);
            let mut xt = std::mem::take(&mut ws.xt);
            if self.factor_jacobian_at(z, &xt, ws) {
                if let Some((it, r)) = self.chord(z, &mut xt, 8, tol, ws) {
                    work += it + 1;
                    if self.on_branch_strict(z, ws) {
                        x.copy_from_slice(&xt);
                        ws.xt = xt;
                        return Ok((work, r));
                    }
                }
                xt.copy_from_slice(x);
            }
            let res = self.newton(z, &mut xt, cfg.newton_max_iter, tol, ws);
            let ok = match res {
                Ok((it, r)) => {
                    work += it;
                    self.on_branch_strict(z, ws).then_some(r)
                }
                Err(_) => None,
            };
            if let Some(r) = ok {
                x.copy_from_slice(&xt);
                ws.xt = xt;
                return Ok((work, r));
            }
            ws.xt = xt;
        }
        // cold start by Anderson when not too close to the positive real axis
        self.initial_guess(z, x);
        let near_axis = z.re > 0.0 && z.im < 1e-2 * z.re.max(self.scale());
        if !near_axis {
            let mut fp_cfg = cfg.fixed_point;
            fp_cfg.max_iter = fp_cfg.max_iter.min(500);
            let res = self.anderson(z, x, &fp_cfg, ws);
            if let Ok(sol) = res {
                work += sol.iterations;
                // refresh the workspace at the returned point for the branch check
                if self.eval(z, &sol.value, ws) && self.on_branch(z, ws) {
                    x.copy_from_slice(&sol.value);
                    let r = block_residual(self.r, x, &ws.y);
                    if r <= tol {
                        return Ok((work, r));
                    }
                    // polish the T block to its own scale (Anderson stops on the joint norm)
                    if let Ok((it, r)) = self.newton(z, x, cfg.newton_max_iter, tol, ws) {
                        work += it;
                        if self.on_branch(z, ws) {
                            return Ok((work, r));
                        }
                    }
                }
            }
        }
        let (it, r) = self.descend(z, x, cfg, ws)?;
        Ok((work + it, r))
    }

    /// Damped Anderson iteration of the map at `z` from `x`, evaluating in `ws` (a
    /// non-finite or singular step is a NaN image, which the iteration reports).
    fn anderson(
        &self,
        z: C64,
        x: &[C64],
        cfg: &FixedPointConfig,
        ws: &mut Workspace,
    ) -> Result<FixedPointSolution> {
        solve_fixed_point(
            |xx: &[C64], out: &mut [C64]| {
                if self.eval(z, xx, ws) {
                    out.copy_from_slice(&ws.y);
                } else {
                    out.fill(C64::new(f64::NAN, 0.0));
                }
            },
            x,
            cfg,
        )
    }

    /// Continuation in `Im z` from far above down to `z`.
    fn descend(
        &self,
        z: C64,
        x: &mut [C64],
        cfg: &SolverConfig,
        ws: &mut Workspace,
    ) -> Result<(usize, f64)> {
        let tol = cfg.fixed_point.tol;
        let dist = if z.re > 0.0 { z.im } else { z.norm() };
        let mut h = 2.0 * z.norm().max(self.scale());
        let zt = z + C64::new(0.0, h);
        self.initial_guess(zt, x);
        let top = self.anderson(zt, x, &cfg.fixed_point, ws)?;
        x.copy_from_slice(&top.value);
        let mut work = top.iterations;
        let mut ratio = 0.25_f64;
        let mut last_res = top.residual;
        let mut steps = 0usize;
        let mut off_branch;
        while h > 0.0 {
            steps += 1;
            if steps > cfg.max_continuation_steps {
                return Err(StieltjesError::NotConverged {
                    residual: last_res,
                    iterations: work,
                });
            }
            let mut hn = h * ratio;
            if hn < 0.25 * dist {
                hn = 0.0;
            }
            let zn = z + C64::new(0.0, hn);
            ws.xt.copy_from_slice(x);
            let mut xt = std::mem::take(&mut ws.xt);
            let res = self.newton(zn, &mut xt, cfg.newton_max_iter, tol, ws);
            let accepted = match res {
                Ok((it, r)) => {
                    work += it;
                    last_res = r;
                    let on = self.on_branch(zn, ws);
                    off_branch = !on;
                    on
                }
                Err(StieltjesError::NotConverged {
                    residual,
                    iterations,
                }) => {
                    work += iterations;
                    last_res = residual;
                    off_branch = false;
                    false
                }
                Err(_) => {
                    off_branch = false;
                    false
                }
            };
            if accepted {
                x.copy_from_slice(&xt);
                h = hn;
                ratio = (ratio * 0.5).max(0.01);
            } else {
                ratio = ratio.sqrt();
                if ratio > 0.999 {
                    ws.xt = xt;
                    return Err(if off_branch {
                        StieltjesError::WrongBranch {
                            re: zn.re,
                            im: zn.im,
                        }
                    } else {
                        StieltjesError::NotConverged {
                            residual: last_res,
                            iterations: work,
                        }
                    });
                }
            }
            ws.xt = xt;
        }
        Ok((work, last_res))
    }

    /// Newton with backtracking from `x`; on success `ws` holds the intermediates at `x`.
    pub(crate) fn newton(
        &self,
        z: C64,
        x: &mut [C64],
        max_iter: usize,
        tol: f64,
        ws: &mut Workspace,
    ) -> Result<(usize, f64)> {
        let n = self.n;
        if !self.eval(z, x, ws) {
            return Err(StieltjesError::NonFinite { iterations: 0 });
        }
        let mut res = block_residual(self.r, x, &ws.y);
        let mut it = 0usize;
        let mut trial = vec![ZERO; n];
        loop {
            if res <= tol {
                return Ok((it, res));
            }
            if it >= max_iter {
                return Err(StieltjesError::NotConverged {
                    residual: res,
                    iterations: it,
                });
            }
            ws.jac_fresh = false;
            self.jacobian(x, ws);
            for i in 0..n {
                ws.rhs[i] = ws.y[i] - x[i];
            }
            if !ws.jac.factor() {
                return Err(StieltjesError::NotConverged {
                    residual: res,
                    iterations: it,
                });
            }
            ws.jac.solve_vec_in_place(&mut ws.rhs);
            ws.jac_fresh = true;
            let mut step = 1.0;
            let mut accepted = false;
            for _ in 0..12 {
                for i in 0..n {
                    trial[i] = x[i] + ws.rhs[i] * step;
                }
                if self.eval(z, &trial, ws) {
                    let rt = block_residual(self.r, &trial, &ws.y);
                    if rt.is_finite() && (rt < res || rt <= tol) {
                        res = rt;
                        accepted = true;
                        break;
                    }
                }
                step *= 0.5;
            }
            it += 1;
            if !accepted {
                // restore the intermediates at x before reporting
                self.eval(z, x, ws);
                return Err(StieltjesError::NotConverged {
                    residual: res,
                    iterations: it,
                });
            }
            x.copy_from_slice(&trial);
        }
    }

    /// Evaluates at `x` and stores the LU factors of `I - DΦ(x)` in `ws` (for [`Self::chord`]).
    pub(crate) fn factor_jacobian_at(&self, z: C64, x: &[C64], ws: &mut Workspace) -> bool {
        ws.jac_fresh = false;
        if !self.eval(z, x, ws) {
            return false;
        }
        self.jacobian(x, ws);
        ws.jac_fresh = ws.jac.factor();
        ws.jac_fresh
    }

    /// Chord iteration `x ← x + J₀⁻¹ (Φ(x) - x)` with the LU factors of the last Newton
    /// Jacobian kept in `ws` (from a nearby point of a sweep). Gives up (returns `None`) as
    /// soon as the residual does not shrink by half per step. On success `ws` holds the
    /// intermediates at `x`.
    pub(crate) fn chord(
        &self,
        z: C64,
        x: &mut [C64],
        max_iter: usize,
        tol: f64,
        ws: &mut Workspace,
    ) -> Option<(usize, f64)> {
        if !ws.jac_fresh {
            return None;
        }
        let n = self.n;
        if !self.eval(z, x, ws) {
            return None;
        }
        let mut res = block_residual(self.r, x, &ws.y);
        for it in 0..=max_iter {
            if res <= tol {
                return Some((it, res));
            }
            if it == max_iter {
                break;
            }
            for i in 0..n {
                ws.rhs[i] = ws.y[i] - x[i];
            }
            ws.jac.solve_vec_in_place(&mut ws.rhs);
            for i in 0..n {
                x[i] += ws.rhs[i];
            }
            if !self.eval(z, x, ws) {
                return None;
            }
            let new = block_residual(self.r, x, &ws.y);
            if new.is_nan() || (new > 0.5 * res && new > tol) {
                return None;
            }
            res = new;
        }
        None
    }

    pub(super) fn package(
        &self,
        z: C64,
        x: &[C64],
        ws: &mut Workspace,
        iterations: usize,
        residual: f64,
    ) -> SpikedSolution {
        // refresh intermediates at x (cheap), δ at every node
        let ok = self.eval(z, x, ws);
        debug_assert!(ok);
        if !ws.all_nodes {
            self.delta_at_negligible(ws);
        }
        let r = self.r;
        let residual = if ok {
            block_residual(r, x, &ws.y).max(residual.min(0.0))
        } else {
            residual
        };
        SpikedSolution {
            z,
            m: self.m_from(ws),
            q: x[..r].to_vec(),
            q_tilde: ws.qt.clone(),
            t: ws.t.clone(),
            s: ws.g[self.mt..].to_vec(),
            // per node of the profile (merged nodes share their δ)
            delta: self
                .nodes
                .node_of
                .iter()
                .map(|&i| C64::new(ws.d_re[i], ws.d_im[i]))
                .collect(),
            iterations,
            residual,
        }
    }
}
