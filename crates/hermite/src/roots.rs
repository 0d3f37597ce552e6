//! Algorithms for the Gauss-Hermite nodes and weights (used by [`crate::quadrature`]).
//!
//! * Golub-Welsch, `O(K²)`: implicit QL on the Jacobi matrix, Newton polishing on the
//!   normalized recurrence, Christoffel weights.
//! * Glaser-Liu-Rokhlin type ODE sweep, `O(K)`: walks from `x = 0` to the largest node along
//!   the normalized Hermite function, solving the Weber equation by local Taylor series.
//! * Newton on the recurrence, `O(K²)`: polishes given nodes with the three-term recurrence
//!   (the slow, obviously correct reference for large `K`).

use crate::error::{HermiteError, Result};
use crate::polynomials::hermite_normalized_pair_scaled;
use crate::rule::GaussianRule;

/// Newton step `h_K(x) / h_K'(x)` (`h_K' = sqrt(K) h_{K-1}`) and `ln w(x)` with
/// `w = 1/(K h_{K-1}(x)²)` (Christoffel weight of the probability-normalized rule).
fn newton_step_and_log_weight(k: usize, x: f64) -> (f64, f64) {
    let (a, b, log_scale) = hermite_normalized_pair_scaled(k, x);
    let kf = k as f64;
    let step = a / (kf.sqrt() * b);
    let log_w = -kf.ln() - 2.0 * (b.abs().ln() + log_scale);
    (step, log_w)
}

/// Mirror the non-negative half (`half`, increasing, with 0 first for odd `k`) and its
/// log-weights into a full rule; weights are divided by their sum (smallest first).
fn assemble(k: usize, half: &[f64], log_w: &[f64]) -> GaussianRule {
    let odd = k % 2 == 1;
    let mut nodes = Vec::with_capacity(k);
    let mut weights = Vec::with_capacity(k);
    for i in (0..half.len()).rev() {
        if odd && i == 0 {
            continue;
        }
        nodes.push(-half[i]);
        weights.push(log_w[i].exp());
    }
    for i in 0..half.len() {
        nodes.push(half[i]);
        weights.push(log_w[i].exp());
    }
    // weights decrease away from 0: summing from the outside in adds the smallest first
    let mut total = 0.0;
    for i in 0..k / 2 {
        total += weights[i] + weights[k - 1 - i];
    }
    if odd {
        total += weights[k / 2];
    }
    weights.iter_mut().for_each(|w| *w /= total);
    GaussianRule::from_parts(nodes, weights)
}

/// Polish the non-negative nodes with Newton on the normalized recurrence (`O(K)` per
/// node), then Christoffel weights; assemble the full rule.
pub(crate) fn newton_recurrence(k: usize, half: &mut [f64], newton_steps: usize) -> GaussianRule {
    let mut log_w = vec![0.0; half.len()];
    for (x, lw) in half.iter_mut().zip(log_w.iter_mut()) {
        if *x != 0.0 {
            for _ in 0..newton_steps {
                let (step, _) = newton_step_and_log_weight(k, *x);
                *x -= step;
                if step.abs() <= 4.0 * f64::EPSILON * x.abs() {
                    break;
                }
            }
        }
        *lw = newton_step_and_log_weight(k, *x).1;
    }
    assemble(k, half, &log_w)
}

/// Golub-Welsch: eigenvalues of the symmetric tridiagonal Jacobi matrix (zero diagonal,
/// off-diagonal `sqrt(j)`) by implicit QL, symmetrized, then [`newton_recurrence`].
pub(crate) fn golub_welsch(k: usize) -> Result<GaussianRule> {
    if k == 1 {
        return Ok(GaussianRule::from_parts(vec![0.0], vec![1.0]));
    }
    let mut d = vec![0.0_f64; k];
    let mut e: Vec<f64> = (1..=k)
        .map(|j| if j < k { (j as f64).sqrt() } else { 0.0 })
        .collect();
    tridiagonal_ql_eigenvalues(&mut d, &mut e)?;
    d.sort_by(f64::total_cmp);
    let m = k.div_ceil(2);
    let mut half: Vec<f64> = (0..m)
        .map(|i| {
            if k % 2 == 1 && i == 0 {
                0.0
            } else {
                0.5 * (d[k / 2 + i] - d[(k - 1) / 2 - i])
            }
        })
        .collect();
    Ok(newton_recurrence(k, &mut half, 3))
}

/// Implicit QL iteration (eigenvalues only) for a symmetric tridiagonal matrix with
/// diagonal `d` and off-diagonal `e[i]` coupling `i` and `i+1` (`e[n-1]` ignored). `O(n²)`.
fn tridiagonal_ql_eigenvalues(d: &mut [f64], e: &mut [f64]) -> Result<()> {
    let n = d.len();
    const MAX_ITER: usize = 60;
    e[n - 1] = 0.0;
    for l in 0..n {
        let mut iter = 0;
        loop {
            let mut m = l;
            while m + 1 < n {
                let dd = d[m].abs() + d[m + 1].abs();
                if e[m].abs() <= f64::EPSILON * dd {
                    break;
                }
                m += 1;
            }
            if m == l {
                break;
            }
            iter += 1;
            if iter > MAX_ITER {
                return Err(HermiteError::NotConverged {
                    residual: e[l].abs(),
                    iterations: iter,
                });
            }
            let mut g = (d[l + 1] - d[l]) / (2.0 * e[l]);
            let mut r = g.hypot(1.0);
            g = d[m] - d[l] + e[l] / (g + r.copysign(g));
            let (mut s, mut c, mut p) = (1.0, 1.0, 0.0);
            let mut early = false;
            let mut i = m;
            while i > l {
                i -= 1;
                let f = s * e[i];
                let b = c * e[i];
                r = f.hypot(g);
                e[i + 1] = r;
                if r == 0.0 {
                    d[i + 1] -= p;
                    e[m] = 0.0;
                    early = true;
                    break;
                }
                s = f / r;
                c = g / r;
                g = d[i + 1] - p;
                r = (d[i] - g) * s + 2.0 * c * b;
                p = s * r;
                d[i + 1] = g + p;
                g = c * r - b;
            }
            if early {
                continue;
            }
            d[l] -= p;
            e[l] = g;
            e[m] = 0.0;
        }
    }
    Ok(())
}

/// Most Taylor terms used per step of the ODE sweep.
const MAX_TAYLOR_TERMS: usize = 160;

/// `O(K)` ODE sweep in the spirit of Glaser, Liu & Rokhlin (SIAM J. Sci. Comput. 29, 2007).
///
/// The normalized Hermite function `ψ(x) = h_K(x) e^{-x²/4}` (`h_K = He_K/sqrt(K!)`) solves
/// the Weber equation `ψ'' = q(x) ψ`, `q = x²/4 - K - 1/2`, and has the same zeros as
/// `He_K`. Starting from the exact values at `x = 0` (`ψ(0) = ± sqrt((K-1)!!/K!!)`,
/// `ψ'(0) = 0` for even `K`; `ψ(0) = 0`, `ψ'(0) = sqrt(K (K-2)!!/(K-1)!!)` for odd `K`),
/// each step
/// 1. predicts the next zero from the WKB phase `∫ sqrt(-q) = Δθ` (Prüfer angle `Δθ = π`
///    from a zero, `π/2` from the maximum at 0) — GLR integrate the Prüfer ODE instead;
/// 2. expands `ψ` in a Taylor series at the current point, with coefficients from the
///    recurrence `c_{m+2} = (q c_m + (x/2) c_{m-1} + c_{m-2}/4) / ((m+1)(m+2))`, truncated
///    when two consecutive terms fall below `1e-17` of the leading ones on the step;
/// 3. runs Newton on that polynomial (safeguarded: the root must lie in `(0, 2h)` for the
///    predicted step `h` and `ψ` must cross it downward from the sign it has after the
///    current point, else a scan-and-bisect fallback), and carries `ψ`, `ψ'` to the stored
///    (rounded) node exactly.
///
/// Weights: `w_i = e^{-x_i²/2} / ψ'(x_i)²` (= `1/(K h_{K-1}(x_i)²)`), computed in log form
/// (they underflow to 0 beyond `|x| ≈ 38.6`), then divided by their sum.
/// The sweep goes outward, where the recessive/dominant pair of solutions is still
/// oscillatory, so errors grow only like a random walk.
pub(crate) fn glaser_liu_rokhlin(k: usize) -> Result<GaussianRule> {
    if k == 1 {
        return Ok(GaussianRule::from_parts(vec![0.0], vec![1.0]));
    }
    let n = k as f64;
    let energy = n + 0.5;
    let odd = k % 2 == 1;
    // sqrt(prod_{j=1}^{m} (2j-1)/(2j)) = sqrt((2m-1)!!/(2m)!!)
    let m0 = k / 2;
    let mut ratio = 1.0_f64;
    for j in 1..=m0 {
        let jf = j as f64;
        ratio *= (2.0 * jf - 1.0) / (2.0 * jf);
    }
    let (mut x, mut psi, mut dpsi) = if odd {
        // h_K'(0) = sqrt(K) h_{K-1}(0), |h_{K-1}(0)| = sqrt((K-2)!!/(K-1)!!)
        (0.0, 0.0, (n * ratio).sqrt())
    } else {
        (0.0, ratio.sqrt(), 0.0)
    };
    let n_pos = k / 2;
    let mut half = Vec::with_capacity(n_pos + 1);
    let mut log_w = Vec::with_capacity(n_pos + 1);
    if odd {
        half.push(0.0);
        log_w.push(-2.0 * dpsi.abs().ln());
    }
    let mut c = [0.0_f64; MAX_TAYLOR_TERMS + 1];
    for _ in 0..n_pos {
        // 1. predictor: Prüfer angle of the current point and WKB step
        let big_q = energy - 0.25 * x * x;
        if big_q <= 0.0 {
            return Err(HermiteError::NotConverged {
                residual: big_q,
                iterations: half.len(),
            });
        }
        let theta0 = if dpsi == 0.0 {
            std::f64::consts::FRAC_PI_2
        } else {
            (big_q.sqrt() * psi / dpsi).atan()
        };
        let dtheta = std::f64::consts::PI - theta0;
        let mut h = dtheta / big_q.sqrt();
        for _ in 0..3 {
            let xm = x + 0.5 * h;
            let qm = energy - 0.25 * xm * xm;
            if qm <= 0.0 {
                break;
            }
            h = dtheta / qm.sqrt();
        }
        // 2. Taylor coefficients at x
        let reach = 2.0 * h;
        let m_terms = taylor_coefficients(x, energy, psi, dpsi, reach, &mut c)?;
        let poly = &c[..=m_terms];
        // sign of psi just after the current point
        let side = if dpsi == 0.0 {
            psi.signum()
        } else {
            dpsi.signum()
        };
        // 3. safeguarded Newton
        let root = newton_on_polynomial(poly, h, x)
            .filter(|&(r, dp)| r > 0.0 && r < 2.0 * h && dp.signum() == -side)
            .map(|(r, _)| r)
            .or_else(|| scan_for_root(poly, side, reach))
            .ok_or(HermiteError::NotConverged {
                residual: f64::NAN,
                iterations: half.len(),
            })?;
        // carry the state to the stored (rounded) node exactly: h = fl(x + r) - x is exact
        let x_new = x + root;
        let (p, dp) = horner(poly, x_new - x);
        x = x_new;
        psi = p;
        dpsi = dp;
        half.push(x);
        log_w.push(-0.5 * x * x - 2.0 * dpsi.abs().ln());
    }
    Ok(assemble(k, &half, &log_w))
}

/// Fill `c[0..=m]` with the Taylor coefficients of `ψ` at `x`; returns `m`.
fn taylor_coefficients(
    x: f64,
    energy: f64,
    psi: f64,
    dpsi: f64,
    reach: f64,
    c: &mut [f64],
) -> Result<usize> {
    // single rounding: the phase accumulates the error of q over the whole sweep
    let q = (0.5 * x).mul_add(0.5 * x, -energy);
    let inv = inverse_products();
    let half_x = 0.5 * x;
    c[0] = psi;
    c[1] = dpsi;
    let scale = psi.abs() + dpsi.abs() * reach;
    let mut reach_pow = reach; // reach^m
    let mut prev_term = dpsi.abs() * reach;
    for m in 0..MAX_TAYLOR_TERMS - 1 {
        let cm1 = if m >= 1 { c[m - 1] } else { 0.0 };
        let cm2 = if m >= 2 { c[m - 2] } else { 0.0 };
        // t/((m+1)(m+2)) to within ~half an ulp via a double-double reciprocal: a plain
        // rounded reciprocal would bias every step the same way and the amplitude of ψ'
        // (hence the weights) would drift by ~1e-16 per step over the sweep
        let t = q * c[m] + half_x * cm1 + 0.25 * cm2;
        c[m + 2] = t.mul_add(inv[m].0, t * inv[m].1);
        reach_pow *= reach;
        let term = c[m + 2].abs() * reach_pow;
        if m + 2 >= 8 && term + prev_term <= 1e-17 * scale {
            return Ok(m + 2);
        }
        prev_term = term;
    }
    Err(HermiteError::NotConverged {
        residual: prev_term / scale,
        iterations: MAX_TAYLOR_TERMS,
    })
}

/// `1/((m+1)(m+2))` for `m < MAX_TAYLOR_TERMS` as an unevaluated sum `hi + lo`.
fn inverse_products() -> &'static [(f64, f64); MAX_TAYLOR_TERMS] {
    static TABLE: std::sync::OnceLock<[(f64, f64); MAX_TAYLOR_TERMS]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        std::array::from_fn(|m| {
            let d = (m as f64 + 1.0) * (m as f64 + 2.0);
            let hi = 1.0 / d;
            // exact residual 1 - hi d (d is a small integer)
            let lo = (-hi).mul_add(d, 1.0) / d;
            (hi, lo)
        })
    })
}

/// `(p(h), p'(h))` by Horner.
#[inline]
fn horner(c: &[f64], h: f64) -> (f64, f64) {
    let mut p = c[c.len() - 1];
    let mut dp = 0.0;
    for &cm in c[..c.len() - 1].iter().rev() {
        dp = dp * h + p;
        p = p * h + cm;
    }
    (p, dp)
}

/// Newton on the Taylor polynomial from `h`; converged when the step is below 4 ulps of the
/// node `x + h`. Returns the root offset and `p'` there (for the crossing-direction check).
fn newton_on_polynomial(c: &[f64], mut h: f64, x: f64) -> Option<(f64, f64)> {
    for _ in 0..30 {
        let (p, dp) = horner(c, h);
        if dp == 0.0 || !dp.is_finite() {
            return None;
        }
        let step = p / dp;
        h -= step;
        if step.abs() <= 4.0 * f64::EPSILON * (x.abs() + h.abs()) {
            return Some((h, dp));
        }
    }
    None
}

/// Fallback: scan `(0, reach]` for the first sign change away from `side`, then bisect and
/// finish with Newton.
fn scan_for_root(c: &[f64], side: f64, reach: f64) -> Option<f64> {
    const STEPS: usize = 64;
    let dh = reach / STEPS as f64;
    let mut lo = 0.5 * dh;
    for i in 1..=STEPS {
        let hi = i as f64 * dh + 0.5 * dh;
        if horner(c, hi).0.signum() != side {
            let (mut a, mut b) = (lo, hi);
            for _ in 0..200 {
                let mid = 0.5 * (a + b);
                if mid <= a || mid >= b {
                    break;
                }
                if horner(c, mid).0.signum() == side {
                    a = mid;
                } else {
                    b = mid;
                }
            }
            return Some(0.5 * (a + b));
        }
        lo = hi;
    }
    None
}
