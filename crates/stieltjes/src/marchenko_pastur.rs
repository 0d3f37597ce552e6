//! Marchenko-Pastur law of `F F^T / n`, `F` a `p × n` matrix with i.i.d. entries of variance
//! `σ²`, ratio `γ = p/n` (THEORY.md §4: the `μ1 = 0` case, `γ = ψ/α`, `σ² = μ*²`).
//!
//! Stieltjes transform `m(z) = (1/p) tr (F F^T/n - z)^{-1}` solves
//!
//! ```text
//! γ σ² z m² + (z - σ²(1 - γ)) m + 1 = 0,     equivalently   m = 1 / ( σ²/(1 + γ σ² m) - z )
//! ```
//!
//! Closed form: `m = (σ²(1-γ) - z + √(z - x₋)√(z - x₊)) / (2 γ σ² z)`, `x± = σ²(1 ± √γ)²`,
//! with principal square roots (the product behaves like `z` at infinity and has its cut on
//! `[x₋, x₊]`). Density `ρ(x) = √((x₊ - x)(x - x₋)) / (2π γ σ² x)` on `[x₋, x₊]`, plus an atom
//! `1 - 1/γ` at 0 when `γ > 1`.

use crate::error::{Result, StieltjesError, check_positive};
use crate::fixed_point::{FixedPointConfig, solve_fixed_point};
use num_complex::Complex64 as C64;

fn check(gamma: f64, sigma2: f64) -> Result<()> {
    check_positive("gamma", gamma)?;
    check_positive("sigma2", sigma2)
}

pub(crate) fn check_z(z: C64) -> Result<()> {
    if !(z.re.is_finite() && z.im.is_finite()) || (z.im == 0.0 && z.re >= 0.0) {
        return Err(StieltjesError::InvalidZ { re: z.re, im: z.im });
    }
    Ok(())
}

/// Closed-form Marchenko-Pastur Stieltjes transform at `z ∈ C \ [0, ∞)`.
///
/// ```
/// use giantstep_stieltjes::marchenko_pastur;
/// use num_complex::Complex64 as C64;
/// let m = marchenko_pastur::stieltjes(C64::new(-1.0, 0.0), 0.5, 1.0).unwrap();
/// // root of 0.5 z m^2 + (z - 0.5) m + 1 = 0 at z = -1: m = (-1.5 + sqrt(4.25)) / (-1) ... > 0
/// assert!(m.im.abs() < 1e-15 && m.re > 0.0);
/// let resid = 0.5 * -1.0 * m * m + (-1.0 - 0.5) * m + 1.0;
/// assert!(resid.norm() < 1e-14);
/// ```
pub fn stieltjes(z: C64, gamma: f64, sigma2: f64) -> Result<C64> {
    check(gamma, sigma2)?;
    check_z(z)?;
    let w = z / sigma2;
    let sg = gamma.sqrt();
    let lo = (1.0 - sg) * (1.0 - sg);
    let hi = (1.0 + sg) * (1.0 + sg);
    let root = (w - lo).sqrt() * (w - hi).sqrt();
    // m = (b + root)/(2γw), b = (1 - γ) - w; when b + root cancels (|w| huge or tiny, γ
    // huge) use the other form of the same root, 2/(b - root) (product of the roots 1/(γw))
    let b = (1.0 - gamma) - w;
    let m = if (b + root).norm() >= (b - root).norm() {
        (b + root) / (2.0 * gamma * w)
    } else {
        2.0 / (b - root)
    };
    let m = m / sigma2;
    // overflow/underflow of the closed form (e.g. |z| subnormal) is a typed error
    if !(m.re.is_finite() && m.im.is_finite()) {
        return Err(StieltjesError::NonFinite { iterations: 0 });
    }
    Ok(m)
}

/// The same transform computed by the fixed-point engine from `m = 1/(σ²/(1 + γσ²m) - z)`
/// (a test of the engine against the closed form).
///
/// ```
/// use giantstep_stieltjes::{marchenko_pastur, FixedPointConfig};
/// use num_complex::Complex64 as C64;
/// let z = C64::new(0.7, 0.3);
/// let a = marchenko_pastur::stieltjes(z, 0.75, 2.0).unwrap();
/// let b = marchenko_pastur::stieltjes_fixed_point(z, 0.75, 2.0, &FixedPointConfig::default()).unwrap();
/// assert!((a - b).norm() < 1e-10);
/// ```
pub fn stieltjes_fixed_point(
    z: C64,
    gamma: f64,
    sigma2: f64,
    cfg: &FixedPointConfig,
) -> Result<C64> {
    check(gamma, sigma2)?;
    check_z(z)?;
    let sol = solve_fixed_point(
        |m: &[C64], out: &mut [C64]| {
            out[0] = 1.0 / (sigma2 / (1.0 + gamma * sigma2 * m[0]) - z);
        },
        &[-1.0 / z],
        cfg,
    )?;
    Ok(sol.value[0])
}

/// Density of the continuous part at `x` (0 outside `[x₋, x₊]`; the atom `max(0, 1 - 1/γ)` at
/// 0 is not included).
///
/// ```
/// use giantstep_stieltjes::marchenko_pastur;
/// assert_eq!(marchenko_pastur::density(5.0, 0.5, 1.0).unwrap(), 0.0);
/// assert!(marchenko_pastur::density(1.0, 0.5, 1.0).unwrap() > 0.0);
/// ```
pub fn density(x: f64, gamma: f64, sigma2: f64) -> Result<f64> {
    check(gamma, sigma2)?;
    let (lo, hi) = edges(gamma, sigma2)?;
    if !x.is_finite() {
        return Err(StieltjesError::InvalidParameter {
            name: "x",
            value: x,
            reason: "must be finite",
        });
    }
    if x <= lo || x >= hi {
        return Ok(0.0);
    }
    let rho = ((hi - x) * (x - lo)).sqrt() / (2.0 * std::f64::consts::PI * gamma * sigma2 * x);
    if !rho.is_finite() {
        // under/overflow (x or γσ² subnormal): a typed error, never NaN
        return Err(StieltjesError::InvalidParameter {
            name: "x",
            value: x,
            reason: "density not representable at this x (under/overflow)",
        });
    }
    Ok(rho)
}

/// Support edges `(x₋, x₊) = σ²(1 ∓ √γ)²`.
pub fn edges(gamma: f64, sigma2: f64) -> Result<(f64, f64)> {
    check(gamma, sigma2)?;
    let sg = gamma.sqrt();
    let (lo, hi) = (sigma2 * (1.0 - sg).powi(2), sigma2 * (1.0 + sg).powi(2));
    if !hi.is_finite() {
        return Err(StieltjesError::InvalidParameter {
            name: "sigma2 (1 + sqrt(gamma))^2",
            value: hi,
            reason: "the right edge overflows",
        });
    }
    Ok((lo, hi))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_form_solves_the_quadratic_and_is_herglotz() {
        for &gamma in &[0.3, 1.0, 2.5] {
            for &(re, im) in &[
                (-2.0, 0.0),
                (0.5, 0.1),
                (3.0, 1e-3),
                (-0.1, 2.0),
                (10.0, 0.5),
            ] {
                let z = C64::new(re, im);
                let m = stieltjes(z, gamma, 1.0).unwrap();
                let p = gamma * z * m * m + (z - (1.0 - gamma)) * m + 1.0;
                assert!(
                    p.norm() < 1e-12 * (1.0 + m.norm_sqr()),
                    "gamma {gamma} z {z}"
                );
                if im > 0.0 {
                    assert!(m.im > 0.0);
                } else {
                    assert!(m.re > 0.0 && m.im == 0.0);
                }
            }
        }
    }

    #[test]
    fn density_integrates_to_one_minus_atom() {
        for &gamma in &[0.25, 0.8, 2.0] {
            let (lo, hi) = edges(gamma, 1.5).unwrap();
            // substitution x = c + h cos(t) removes the square-root edges
            let n = 4000;
            let (c, h) = ((lo + hi) / 2.0, (hi - lo) / 2.0);
            let mut mass = 0.0;
            for i in 0..n {
                let t = std::f64::consts::PI * (i as f64 + 0.5) / n as f64;
                let x = c + h * t.cos();
                mass +=
                    density(x, gamma, 1.5).unwrap() * h * t.sin() * std::f64::consts::PI / n as f64;
            }
            let atom = (1.0 - 1.0 / gamma).max(0.0);
            assert!(
                (mass + atom - 1.0).abs() < 1e-6,
                "gamma {gamma}: {mass} + {atom}"
            );
        }
    }
}
