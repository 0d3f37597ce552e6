//! A small fixed-point engine over complex vectors: damped iteration with Anderson
//! acceleration (Walker & Ni 2011, "type II", depth `m`).
//!
//! For `x = g(x)` with residual `f(x) = g(x) - x`, one step with the last `m` differences
//! `ΔF = [f_k - f_{k-1}, ...]`, `ΔG = [g_k - g_{k-1}, ...]` is
//!
//! ```text
//! γ       = argmin_γ |f_k - ΔF γ|₂           (regularized normal equations)
//! x_{k+1} = (g_k - ΔG γ) - (1 - β) (f_k - ΔF γ)
//! ```
//!
//! with damping (mixing) `β ∈ (0, 1]`; depth 0 is plain damped iteration
//! `x_{k+1} = x_k + β f_k`. The history is restarted when the residual grows by more than
//! `1e4` over the best one seen.
//!
//! The reported residual is a posteriori: `|g(x) - x|_∞ / max(|x|_∞, 1)` *at the returned
//! point* `x` (not the size of the last step).

use crate::error::{Result, StieltjesError, check_positive};
use crate::linalg::{DenseLu, max_norm};
use num_complex::Complex64 as C64;

/// Configuration of [`solve_fixed_point`] (and of the cold-start phase of the spectral solvers).
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FixedPointConfig {
    /// Relative residual at which the iteration stops (`|g(x)-x|_∞ / max(|x|_∞, 1)`).
    pub tol: f64,
    /// Maximal number of evaluations of `g`.
    pub max_iter: usize,
    /// Mixing `β ∈ (0, 1]` (1 = undamped).
    pub damping: f64,
    /// Anderson depth `m` (0 = plain damped iteration), at most 32.
    pub anderson_depth: usize,
}

impl Default for FixedPointConfig {
    fn default() -> Self {
        Self {
            tol: 1e-13,
            max_iter: 5000,
            damping: 0.5,
            anderson_depth: 6,
        }
    }
}

impl FixedPointConfig {
    /// Checks the configuration (`tol > 0`, `max_iter ≥ 1`, `0 < damping ≤ 1`, depth ≤ 32).
    ///
    /// ```
    /// use giantstep_stieltjes::FixedPointConfig;
    /// assert!(FixedPointConfig::default().validate().is_ok());
    /// let bad = FixedPointConfig { damping: 0.0, ..Default::default() };
    /// assert!(bad.validate().is_err());
    /// ```
    pub fn validate(&self) -> Result<()> {
        check_positive("tol", self.tol)?;
        if self.max_iter == 0 {
            return Err(StieltjesError::InvalidParameter {
                name: "max_iter",
                value: 0.0,
                reason: "must be >= 1",
            });
        }
        if !(self.damping > 0.0 && self.damping <= 1.0) {
            return Err(StieltjesError::InvalidParameter {
                name: "damping",
                value: self.damping,
                reason: "must be in (0, 1]",
            });
        }
        if self.anderson_depth > 32 {
            return Err(StieltjesError::TooLarge {
                name: "anderson_depth",
                value: self.anderson_depth,
                limit: 32,
            });
        }
        Ok(())
    }
}

/// Result of a fixed-point solve.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct FixedPointSolution {
    /// The solution `x ≈ g(x)`.
    pub value: Vec<C64>,
    /// Number of evaluations of `g`.
    pub iterations: usize,
    /// A posteriori relative residual `|g(x)-x|_∞ / max(|x|_∞, 1)` at `value`.
    pub residual: f64,
}

/// Relative residual used throughout the crate.
pub(crate) fn relative_residual(x: &[C64], gx: &[C64]) -> f64 {
    let mut num = 0.0_f64;
    for (a, b) in x.iter().zip(gx) {
        num = num.max((b - a).norm());
    }
    num / max_norm(x).max(1.0)
}

/// Solves `x = g(x)` from `x0`. `g(x, out)` writes `g(x)` into `out`.
///
/// Returns [`StieltjesError::NotConverged`] with the best residual if `max_iter` evaluations
/// do not reach `tol`, [`StieltjesError::NonFinite`] if `g` produces NaN/∞.
///
/// ```
/// use giantstep_stieltjes::{FixedPointConfig, solve_fixed_point};
/// use num_complex::Complex64 as C64;
/// // x = cos(x) (real solution 0.739085...), as a complex fixed point
/// let sol = solve_fixed_point(
///     |x: &[C64], out: &mut [C64]| out[0] = x[0].cos(),
///     &[C64::new(1.0, 0.0)],
///     &FixedPointConfig::default(),
/// )
/// .unwrap();
/// assert!((sol.value[0].re - 0.7390851332151607).abs() < 1e-12);
/// assert!(sol.residual < 1e-13);
/// ```
pub fn solve_fixed_point<G>(
    mut g: G,
    x0: &[C64],
    cfg: &FixedPointConfig,
) -> Result<FixedPointSolution>
where
    G: FnMut(&[C64], &mut [C64]),
{
    cfg.validate()?;
    let n = x0.len();
    let depth = cfg.anderson_depth;
    let beta = cfg.damping;
    let zero = C64::new(0.0, 0.0);
    let mut x = x0.to_vec();
    let mut gx = vec![zero; n];
    let mut f = vec![zero; n];
    let mut f_prev = vec![zero; n];
    let mut g_prev = vec![zero; n];
    // histories (ring buffers of columns)
    let mut df: Vec<Vec<C64>> = vec![vec![zero; n]; depth];
    let mut dg: Vec<Vec<C64>> = vec![vec![zero; n]; depth];
    let mut hist = 0usize; // number of valid columns
    let mut head = 0usize; // next column to overwrite
    let mut normal = DenseLu::new(depth);
    let mut rhs = vec![zero; depth];
    let mut best = f64::INFINITY;
    let mut best_x = x.clone();
    let mut iterations = 0usize;
    let mut have_prev = false;
    if x.iter().any(|v| !(v.re.is_finite() && v.im.is_finite())) {
        return Err(StieltjesError::NonFinite { iterations: 0 });
    }
    while iterations < cfg.max_iter {
        g(&x, &mut gx);
        iterations += 1;
        if gx.iter().any(|v| !(v.re.is_finite() && v.im.is_finite())) {
            return Err(StieltjesError::NonFinite { iterations });
        }
        for i in 0..n {
            f[i] = gx[i] - x[i];
        }
        let res = relative_residual(&x, &gx);
        if res < best {
            best = res;
            best_x.copy_from_slice(&x);
        }
        if res <= cfg.tol {
            return Ok(FixedPointSolution {
                value: x,
                iterations,
                residual: res,
            });
        }
        if res > 1e4 * best {
            // diverging: restart from the best point without history
            hist = 0;
            have_prev = false;
            x.copy_from_slice(&best_x);
            continue;
        }
        if depth > 0 && have_prev {
            for i in 0..n {
                df[head][i] = f[i] - f_prev[i];
                dg[head][i] = gx[i] - g_prev[i];
            }
            head = (head + 1) % depth;
            hist = (hist + 1).min(depth);
        }
        f_prev.copy_from_slice(&f);
        g_prev.copy_from_slice(&gx);
        have_prev = true;
        let mut used = false;
        if hist > 0 {
            // normal equations (ΔF^H ΔF + ε I) γ = ΔF^H f
            let mut scale = 0.0_f64;
            let mut gram = normal.matrix_mut(hist);
            for a in 0..hist {
                for b in 0..hist {
                    let mut acc = zero;
                    for i in 0..n {
                        acc += df[a][i].conj() * df[b][i];
                    }
                    gram[(a, b)] = acc;
                }
                scale = scale.max(gram[(a, a)].re);
                let mut acc = zero;
                for i in 0..n {
                    acc += df[a][i].conj() * f[i];
                }
                rhs[a] = acc;
            }
            for a in 0..hist {
                gram[(a, a)] += C64::new(1e-12 * scale + f64::MIN_POSITIVE, 0.0);
            }
            if normal.factor() {
                normal.solve_vec_in_place(&mut rhs[..hist]);
                for i in 0..n {
                    let mut gi = gx[i];
                    let mut fi = f[i];
                    for a in 0..hist {
                        gi -= dg[a][i] * rhs[a];
                        fi -= df[a][i] * rhs[a];
                    }
                    x[i] = gi - fi * (1.0 - beta);
                }
                used = x.iter().all(|v| v.re.is_finite() && v.im.is_finite());
            }
            if !used {
                hist = 0;
            }
        }
        if !used {
            for i in 0..n {
                x[i] += f[i] * beta;
            }
        }
    }
    Err(StieltjesError::NotConverged {
        residual: best,
        iterations,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anderson_is_faster_than_plain_iteration_on_a_linear_contraction() {
        // x = A x + b with A = 0.95 * rotation-ish, solution known: (I - A)^{-1} b
        let a = [[0.9, 0.05], [0.02, 0.93]];
        let b = [1.0, -2.0];
        let map = |x: &[C64], out: &mut [C64]| {
            for i in 0..2 {
                out[i] = C64::new(b[i], 0.0) + x[0] * a[i][0] + x[1] * a[i][1];
            }
        };
        // exact solution of (I - A) x = b
        let det = (1.0 - 0.9) * (1.0 - 0.93) - 0.05 * 0.02;
        let ex = [
            ((1.0 - 0.93) * b[0] + 0.05 * b[1]) / det,
            (0.02 * b[0] + (1.0 - 0.9) * b[1]) / det,
        ];
        let x0 = [C64::new(0.0, 0.0); 2];
        let cfg = FixedPointConfig {
            anderson_depth: 4,
            damping: 1.0,
            ..Default::default()
        };
        let fast = solve_fixed_point(map, &x0, &cfg).unwrap();
        let plain = solve_fixed_point(
            map,
            &x0,
            &FixedPointConfig {
                anderson_depth: 0,
                damping: 1.0,
                ..Default::default()
            },
        )
        .unwrap();
        for i in 0..2 {
            assert!((fast.value[i].re - ex[i]).abs() < 1e-9 * ex[i].abs().max(1.0));
            assert!((plain.value[i].re - ex[i]).abs() < 1e-9 * ex[i].abs().max(1.0));
        }
        assert!(fast.iterations * 5 < plain.iterations);
    }

    #[test]
    fn non_convergence_is_a_typed_error_with_residual() {
        // x = x + 1 has no fixed point
        let err = solve_fixed_point(
            |x: &[C64], out: &mut [C64]| out[0] = x[0] + 1.0,
            &[C64::new(0.0, 0.0)],
            &FixedPointConfig {
                max_iter: 20,
                anderson_depth: 0,
                ..Default::default()
            },
        )
        .unwrap_err();
        match err {
            StieltjesError::NotConverged {
                residual,
                iterations,
            } => {
                assert_eq!(iterations, 20);
                assert!(residual > 0.0);
            }
            e => panic!("unexpected {e}"),
        }
    }

    #[test]
    fn nan_is_reported_not_returned() {
        let err = solve_fixed_point(
            |_x: &[C64], out: &mut [C64]| out[0] = C64::new(f64::NAN, 0.0),
            &[C64::new(0.0, 0.0)],
            &FixedPointConfig::default(),
        )
        .unwrap_err();
        assert!(matches!(err, StieltjesError::NonFinite { .. }));
    }
}
