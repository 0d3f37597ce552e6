//! # giantstep-risk
//!
//! Asymptotic generalization and training error of the second layer retrained by ridge on
//! (learned) spiked random features: THEORY.md §5 (final equations §5b; derivation in
//! `derivations/ridge-error.md`).
//!
//! Modules:
//! - [`profile`]: the κ-profile table (`μ0(u_a κ)`, `μ1(u_a κ)`, `μ*(u_a κ)²`, `σ*(κ)`).
//! - [`terms`]: indexing of the `m = r(r+1)/2 + r` covariance terms `φ_j`, `L_j`.
//! - [`response`]: the linear-response closed forms `ν`, `Ξ`.
//! - [`assembly`]: learned function `v`, `ε(κ)`, `t*`, `E_gen`, `E_train`, decomposition.
//! - [`kappa`]: the κ quadrature (breakpoints, node count), groups, profile construction.
//! - [`problem`]: the one-call API `RiskProblem::solve() -> RiskResult`.
//! - [`curves`]: optimal ridge `λ*` and learning curves over `α`, `ψ`, `λ`, `η̃`.
//! - [`mei_montanari`]: an independent implementation of Mei & Montanari (2019).

#![warn(missing_docs)]

pub mod assembly;
pub mod curves;
pub mod error;
pub mod kappa;
mod linalg;
pub mod mei_montanari;
pub mod problem;
pub mod profile;
pub mod response;
pub mod terms;

pub use assembly::{Decomposition, RiskResult, SpectralPoint, assemble};
pub use error::RiskError;
pub use kappa::{Group, KappaQuadrature};
pub use problem::RiskProblem;
pub use profile::Profile;
