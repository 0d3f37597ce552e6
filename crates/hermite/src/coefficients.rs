//! Hermite coefficients `μ_k = E[σ(Z) He_k(Z)]` of an activation (THEORY.md §3), so that
//! `σ = Σ_k μ_k He_k / k!` in `L²(N(0,1))` and `E σ(Z)² = Σ_k μ_k²/k!` (Parseval).
//!
//! Closed forms: ReLU `μ0 = 1/√(2π)`, `μ1 = 1/2`, `μ_k = (-1)^k He_{k-2}(0)/√(2π)`
//! (`k ≥ 2`, zero for odd `k ≥ 3`); abs `= 2 relu - z`; linear `μ1 = 1`; Hermite polynomial
//! `Σ a_j He_j`: `μ_k = a_k k!`; erf(z/√2): `μ_k = (1/√π)(-1/√2)^{k-1} He_{k-1}(0)` for odd
//! `k` (`μ1 = 1/√π`), zero for even `k`. Other activations use the quadrature of
//! [`crate::shifted`] at `c = 0`.
//!
//! ```
//! use giantstep_hermite::{activation::Activation, coefficients::hermite_coefficients};
//! let mu = hermite_coefficients(&Activation::Relu, 2)?;
//! assert!((mu[1] - 0.5).abs() < 1e-16);
//! assert!((mu[2] - 1.0 / (2.0 * std::f64::consts::PI).sqrt()).abs() < 1e-16);
//! # Ok::<(), giantstep_hermite::HermiteError>(())
//! ```

use crate::activation::Activation;
use crate::error::{HermiteError, Result};
use crate::shifted::{MAX_K_MAX, ShiftedCoefficients};

/// `[μ_0, ..., μ_{k_max}]`, `μ_k = E[σ(Z) He_k(Z)]`, `k_max ≤ MAX_K_MAX`.
pub fn hermite_coefficients(activation: &Activation, k_max: usize) -> Result<Vec<f64>> {
    if k_max > MAX_K_MAX {
        return Err(HermiteError::KMaxTooLarge {
            requested: k_max,
            limit: MAX_K_MAX,
        });
    }
    if let Activation::Hermite(a) = activation {
        for &x in a {
            crate::error::check_finite("Hermite coefficient", x)?;
        }
        let mut fact = 1.0;
        return Ok((0..=k_max)
            .map(|k| {
                if k > 0 {
                    fact *= k as f64;
                }
                a.get(k).copied().unwrap_or(0.0) * fact
            })
            .collect());
    }
    let mut mu = ShiftedCoefficients::new(activation.clone(), k_max)?
        .eval(0.0)?
        .mu;
    // exact zeros by symmetry for the closed-form odd/even cases
    match activation {
        Activation::Relu => mu
            .iter_mut()
            .enumerate()
            .filter(|(k, _)| *k >= 3 && k % 2 == 1)
            .for_each(|(_, m)| *m = 0.0),
        Activation::Erf | Activation::Linear => mu
            .iter_mut()
            .enumerate()
            .filter(|(k, _)| k % 2 == 0)
            .for_each(|(_, m)| *m = 0.0),
        _ => {}
    }
    Ok(mu)
}

/// `μ*² = E σ(Z)² - μ0² - μ1²` (unshifted).
///
/// ```
/// use giantstep_hermite::{activation::Activation, coefficients::mu_star_sq};
/// // erf(z/√2): E σ² = 1/3, μ1 = 1/√π
/// let v = mu_star_sq(&Activation::Erf)?;
/// assert!((v - (1.0 / 3.0 - 1.0 / std::f64::consts::PI)).abs() < 1e-15);
/// # Ok::<(), giantstep_hermite::HermiteError>(())
/// ```
pub fn mu_star_sq(activation: &Activation) -> Result<f64> {
    crate::shifted::mu_star_sq(activation, 0.0)
}
