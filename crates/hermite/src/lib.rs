//! # giantstep-hermite
//!
//! Gaussian-integral toolkit of THEORY.md §3: probabilists' Hermite polynomials
//! ([`polynomials`]), Gauss-Hermite and piecewise Gaussian quadrature ([`quadrature`]),
//! activation functions with derivatives ([`activation`]), Hermite coefficients
//! `μ_k = E[σ(Z) He_k(Z)]` ([`coefficients`]) and the shifted coefficient functions
//! `μ_k(c) = E[σ(sZ + c) He_k(Z)]`, `μ*(c)² = E σ(sZ+c)² - μ0(c)² - μ1(c)²` ([`shifted`]).
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
pub mod shifted;

pub use activation::Activation;
pub use error::{HermiteError, Result};
pub use quadrature::{GaussHermite, GaussianRule};
pub use shifted::ShiftedCoefficients;
