//! Independent implementation of Mei & Montanari (2019), *The generalization error of random
//! features regression: precise asymptotics and double descent curve*, Definition 1 /
//! Theorem 2, in their conventions: `ψ1 = p/d`, `ψ2 = n/d`, ridge `λ_MM` (penalty
//! `(N λ_MM / d)|a|²`), `ζ = μ1/μ*`, `λ̄ = λ_MM / μ*²`.
//!
//! Fixed point (`ξ ∈ C+`):
//! ```text
//! ν1 = ψ1 (-ξ - ν2 - ζ² ν2 / (1 - ζ² ν1 ν2))^{-1},   ν2 = ψ2 (-ξ - ν1 - ζ² ν1 / (1 - ζ² ν1 ν2))^{-1}
//! χ  = ν1(i (ψ1ψ2λ̄)^{1/2}) ν2(i (ψ1ψ2λ̄)^{1/2})
//! E0 = -χ⁵ζ⁶ + 3χ⁴ζ⁴ + (ψ1ψ2 - ψ2 - ψ1 + 1)χ³ζ⁶ - 2χ³ζ⁴ - 3χ³ζ²
//!      + (ψ1 + ψ2 - 3ψ1ψ2 + 1)χ²ζ⁴ + 2χ²ζ² + χ² + 3ψ1ψ2χζ² - ψ1ψ2
//! E1 = ψ2χ³ζ⁴ - ψ2χ²ζ² + ψ1ψ2χζ² - ψ1ψ2
//! E2 = χ⁵ζ⁶ - 3χ⁴ζ⁴ + (ψ1 - 1)χ³ζ⁶ + 2χ³ζ⁴ + 3χ³ζ² + (-ψ1 - 1)χ²ζ⁴ - 2χ²ζ² - χ²
//! B = E1/E0,  V = E2/E0,  R = F1² B + (τ² + F*²) V + F*²
//! ```
//! On the imaginary axis `ξ = iy`, `ν1 = i a`, `ν2 = i b` with `a, b > 0` solving
//! `a y + ab + ζ²ab/(1+ζ²ab) = ψ1`, `b y + ab + ζ²ab/(1+ζ²ab) = ψ2`; subtracting,
//! `y (a - b) = ψ1 - ψ2`, so one monotone scalar equation remains (solved by bisection).
//! `χ = -ab`.
//!
//! Mapping to this project (THEORY.md §5, `ridge-error.md` §4a): `ψ1 = ψ`, `ψ2 = α`,
//! `λ_MM = λ/ψ`, `τ² = Δ`, `E_gen = R + Δ`; `F1 = E[κ σ*]`, `F*² = Var σ* - F1²`; the mean
//! `F0 = E σ*` is learned when `μ0 ≠ 0`, otherwise it joins `F*²`.

use crate::error::{RiskError, check_lambda, check_noise, check_pos};

/// `(a, b)` with `ν1 = i a`, `ν2 = i b` at `ξ = i y`.
pub fn nu_imaginary_axis(y: f64, zeta: f64, psi1: f64, psi2: f64) -> (f64, f64) {
    let z2 = zeta * zeta;
    // parametrize by the smaller unknown x; the larger is x + c, c = |ψ1 - ψ2| / y >= 0
    let (small_psi, c) = if psi1 >= psi2 {
        (psi2, (psi1 - psi2) / y)
    } else {
        (psi1, (psi2 - psi1) / y)
    };
    let f = |x: f64| {
        let t = x * (x + c);
        x * y + t + z2 * t / (1.0 + z2 * t) - small_psi
    };
    // f increasing on [0, inf), f(0) = -small_psi < 0, f(small_psi / y) >= 0
    let (mut lo, mut hi) = (0.0_f64, small_psi / y);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if f(mid) < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    let x = 0.5 * (lo + hi);
    if psi1 >= psi2 { (x + c, x) } else { (x, x + c) }
}

/// Mei-Montanari bias and variance factors `(B, V)` at `(ζ, ψ1, ψ2, λ̄)`.
pub fn bias_variance(zeta: f64, psi1: f64, psi2: f64, lambda_bar: f64) -> (f64, f64) {
    let y = (psi1 * psi2 * lambda_bar).sqrt();
    let (a, b) = nu_imaginary_axis(y, zeta, psi1, psi2);
    let chi = -a * b;
    let z2 = zeta * zeta;
    let z4 = z2 * z2;
    let z6 = z4 * z2;
    let c2 = chi * chi;
    let c3 = c2 * chi;
    let c4 = c3 * chi;
    let c5 = c4 * chi;
    let pp = psi1 * psi2;
    let e0 = -c5 * z6 + 3.0 * c4 * z4 + (pp - psi2 - psi1 + 1.0) * c3 * z6
        - 2.0 * c3 * z4
        - 3.0 * c3 * z2
        + (psi1 + psi2 - 3.0 * pp + 1.0) * c2 * z4
        + 2.0 * c2 * z2
        + c2
        + 3.0 * pp * chi * z2
        - pp;
    let e1 = psi2 * c3 * z4 - psi2 * c2 * z2 + pp * chi * z2 - pp;
    let e2 = c5 * z6 - 3.0 * c4 * z4
        + (psi1 - 1.0) * c3 * z6
        + 2.0 * c3 * z4
        + 3.0 * c3 * z2
        + (-psi1 - 1.0) * c2 * z4
        - 2.0 * c2 * z2
        - c2;
    (e1 / e0, e2 / e0)
}

/// Hermite data of `σ` and the target needed by the `u = 0` formula.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct MmInputs {
    /// `μ0(σ) = E σ(Z)`.
    pub mu0: f64,
    /// `μ1(σ) = E σ(Z) Z`.
    pub mu1: f64,
    /// `μ*(σ)² = E σ² - μ0² - μ1²` (> 0).
    pub mustar2: f64,
    /// `F0 = E σ*(κ)`.
    pub f0: f64,
    /// `F1 = E κ σ*(κ)`.
    pub f1: f64,
    /// `E σ*(κ)²`.
    pub second_moment: f64,
}

/// `E_gen` of random-features ridge (`u = 0`) in this project's conventions, from the
/// Mei-Montanari closed form: `E_gen = F1² B + (Δ + F*²) V + F*² + Δ` with `ζ = μ1/μ*`,
/// `ψ1 = ψ`, `ψ2 = α`, `λ̄ = λ/(ψ μ*²)`.
///
/// ```
/// use giantstep_risk::mei_montanari::{MmInputs, test_error};
/// // ReLU: mu0 = 1/sqrt(2 pi), mu1 = 1/2, mustar^2 = 1/2 - 1/(2 pi) - 1/4; target kappa.
/// let relu = MmInputs { mu0: 0.3989422804014327, mu1: 0.5,
///     mustar2: 0.25 - 1.0 / (2.0 * std::f64::consts::PI), f0: 0.0, f1: 1.0, second_moment: 1.0 };
/// let e = test_error(&relu, 0.0, 2.0, 3.0, 1e8).unwrap();
/// assert!((e - 1.0).abs() < 1e-3); // huge ridge: nothing but the mean is learned
/// ```
pub fn test_error(
    inp: &MmInputs,
    noise: f64,
    psi: f64,
    alpha: f64,
    lambda: f64,
) -> Result<f64, RiskError> {
    check_pos("psi", psi)?;
    check_pos("alpha", alpha)?;
    check_lambda(lambda)?;
    check_noise(noise)?;
    if !(inp.mustar2.is_finite() && inp.mustar2 > 0.0) {
        return Err(RiskError::BadInput("Mei-Montanari needs mu*^2 > 0".into()));
    }
    let zeta = inp.mu1 / inp.mustar2.sqrt();
    let lambda_bar = lambda / psi / inp.mustar2;
    let (b, v) = bias_variance(zeta, psi, alpha, lambda_bar);
    let mut fstar2 = inp.second_moment - inp.f0 * inp.f0 - inp.f1 * inp.f1;
    if inp.mu0 == 0.0 {
        fstar2 += inp.f0 * inp.f0;
    }
    Ok(inp.f1 * inp.f1 * b + (noise + fstar2) * v + fstar2 + noise)
}
