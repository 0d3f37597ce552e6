//! Typed errors of the risk computation.

use thiserror::Error;

/// Everything that can go wrong when computing the asymptotic errors of THEORY.md §5.
#[derive(Debug, Error, Clone, PartialEq)]
#[non_exhaustive]
pub enum RiskError {
    /// The ridge `λ` must be finite and strictly positive.
    #[error("ridge lambda must be finite and > 0, got {0}")]
    BadLambda(f64),
    /// A ratio (`ψ`, `α`) is not finite and strictly positive.
    #[error("{name} must be finite and > 0, got {value}")]
    BadRatio {
        /// Which ratio.
        name: &'static str,
        /// The offending value.
        value: f64,
    },
    /// The label noise `Δ` must be finite and `>= 0`.
    #[error("noise Delta must be finite and >= 0, got {0}")]
    BadNoise(f64),
    /// Group description invalid (fractions not positive / not summing to 1, NaN spike, ...).
    #[error("bad groups: {0}")]
    BadGroups(String),
    /// Inconsistent dimensions or non-finite entries in an input table.
    #[error("bad input: {0}")]
    BadInput(String),
    /// A request for unbounded work (too many nodes or groups).
    #[error("{what} = {value} exceeds the limit {limit}")]
    TooLarge {
        /// What was too large.
        what: &'static str,
        /// Requested value.
        value: usize,
        /// The limit.
        limit: usize,
    },
    /// An iterative solver did not converge.
    #[error("{what} did not converge: residual {residual:e} after {iterations} iterations")]
    NotConverged {
        /// Which solver.
        what: &'static str,
        /// Final residual.
        residual: f64,
        /// Iterations performed.
        iterations: usize,
    },
    /// A linear system that cannot be resolved (e.g. `I - ΦΞ` singular: interpolation).
    #[error("singular system: {0}")]
    Singular(String),
    /// Error from the quadrature / activation layer (giantstep-hermite).
    #[error("hermite: {0}")]
    Hermite(String),
    /// Error from the spectral fixed point (giantstep-stieltjes).
    #[error("stieltjes: {0}")]
    Stieltjes(String),
}

/// Limit on the number of groups `r` (the linear-response matrices are `m x m`,
/// `m = r(r+1)/2 + r`).
pub const MAX_GROUPS: usize = 32;
/// Limit on the number of κ quadrature nodes.
pub const MAX_NODES: usize = 100_000;

pub(crate) fn check_pos(name: &'static str, value: f64) -> Result<(), RiskError> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(RiskError::BadRatio { name, value })
    }
}

pub(crate) fn check_lambda(lambda: f64) -> Result<(), RiskError> {
    if lambda.is_finite() && lambda > 0.0 {
        Ok(())
    } else {
        Err(RiskError::BadLambda(lambda))
    }
}

pub(crate) fn check_noise(noise: f64) -> Result<(), RiskError> {
    if noise.is_finite() && noise >= 0.0 {
        Ok(())
    } else {
        Err(RiskError::BadNoise(noise))
    }
}
