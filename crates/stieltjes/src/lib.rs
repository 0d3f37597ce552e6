//! # giantstep-stieltjes
//!
//! Fixed-point solvers that turn the spiked random-features model into spectra: the
//! deterministic equivalent of the feature covariance `F Fᵀ/n` after one giant gradient step
//! (THEORY.md §4), its Stieltjes transform `m(z)`, the limiting density, the atom at 0, the
//! right edge of the bulk and the mass beyond a point.
//!
//! Modules:
//! - [`fixed_point`]: damped Anderson-accelerated iteration over complex vectors;
//! - [`marchenko_pastur`]: the MP law in closed form and through the engine;
//! - [`profile`]: the κ-rule with `d_a(κ) = μ1(u_a κ)`, `e_a(κ)² = μ*(u_a κ)²` (the crate does
//!   not need the activation; the optional `hermite` feature builds profiles from a
//!   giantstep-hermite activation);
//! - [`spiked`]: the spiked equations for any `r`, Newton with the exact Jacobian;
//! - [`density`]: density sweep by continuation, right edge, tail mass.
//!
//! ```
//! use giantstep_stieltjes::{Profile, SpikedProblem};
//! use num_complex::Complex64 as C64;
//! // two groups with kappa-dependent coefficients on a 3-node rule
//! let nodes = vec![-1.7320508075688772, 0.0, 1.7320508075688772];
//! let weights = vec![1.0 / 6.0, 2.0 / 3.0, 1.0 / 6.0];
//! let profile = Profile::from_fn(nodes, weights, 2, |k, a| {
//!     let c = if a == 0 { 1.0 } else { -1.0 } * k;
//!     (0.5 + 0.2 * c.tanh(), 0.1 + 0.05 * c * c)
//! })
//! .unwrap();
//! let problem = SpikedProblem::new(profile, vec![0.5, 0.5], 1.5, 2.0).unwrap();
//! let sol = problem.solve(C64::new(0.5, 0.5)).unwrap();
//! assert!(sol.m.im > 0.0);
//! assert_eq!(sol.delta.len(), 3);
//! ```

// Index loops mirror the matrix formulas of THEORY.md (row/column indices a, b, i, j).
#![allow(clippy::needless_range_loop)]

#[cfg(feature = "hermite")]
pub mod activation;
pub mod density;
pub mod error;
pub mod fixed_point;
mod linalg;
pub mod marchenko_pastur;
pub mod profile;
pub mod spiked;

pub use density::{Density, DensityConfig, DensitySweep};
pub use error::{Result, StieltjesError};
pub use fixed_point::{FixedPointConfig, FixedPointSolution, solve_fixed_point};
pub use profile::Profile;
pub use spiked::{SolverConfig, SpikedProblem, SpikedSolution, Workspace};
