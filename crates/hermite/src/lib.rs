//! # giantstep-hermite
//!
//! Gaussian-integral toolkit of THEORY.md §3: probabilists' Hermite polynomials
//! ([`polynomials`]), Gauss-Hermite and piecewise Gaussian quadrature ([`quadrature`]),
//! activation functions with derivatives ([`activation`]), Hermite coefficients
//! `μ_k = E[σ(Z) He_k(Z)]` ([`coefficients`]) and the shifted coefficient functions
//! `μ_k(c) = E[σ(sZ + c) He_k(Z)]`, `μ*(c)² = E σ(sZ+c)² - μ0(c)² - μ1(c)²` ([`shifted`]).
//!
//! | what | method | accuracy (tested) |
//! |------|--------|-------------------|
//! | Gauss-Hermite, any `K ≤ 100 000` | `O(K)` Glaser-Liu-Rokhlin-type ODE sweep | nodes 1-2 ulps, weights `~4ε(sqrt(K) + z²)` relative; `K = 10 000` in ~4 ms |
//! | relu, abs, linear, erf, Hermite polynomials | closed forms | round-off (`μ*²` cancellation-free for relu/abs) |
//! | tanh, sigmoid, softplus, GELU, SiLU | Gauss-Hermite `K = 200` | `μ_k(c)`, `k ≤ 5`, `|c| ≤ 10`: ≤ 1.2e-14 `max(1, |μ_k|)` |
//! | kinked closures | piecewise Gauss-Legendre split at the kinks | round-off (`~1e-14` of the integrand's scale) |
//!
//! ```
//! use giantstep_hermite::{activation::Activation, shifted::ShiftedCoefficients};
//! let tanh: Activation = "tanh".parse()?;
//! let sc = ShiftedCoefficients::new(tanh, 2)?;
//! let v = sc.eval(0.0)?;
//! assert!(v.mu[0].abs() < 1e-15); // tanh is odd
//! assert!(v.mu_star_sq > 0.0);
//! # Ok::<(), giantstep_hermite::HermiteError>(())
//! ```
#![warn(missing_docs)]

pub mod activation;
pub mod coefficients;
pub mod error;
pub mod polynomials;
pub mod quadrature;
mod roots;
mod rule;
pub mod shifted;

pub use activation::Activation;
pub use error::{HermiteError, Result};
pub use quadrature::{GaussHermite, GaussianRule};
pub use shifted::ShiftedCoefficients;
