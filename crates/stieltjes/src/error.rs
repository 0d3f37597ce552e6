//! Typed errors of the crate.

use thiserror::Error;

/// Everything that can go wrong in giantstep-stieltjes.
///
/// Invalid input is rejected when an object is built (profiles, problems, configurations), so
/// the solvers only report numerical failures afterwards.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum StieltjesError {
    /// A scalar parameter is out of its domain (negative ratio, NaN, ...).
    #[error("invalid parameter `{name}` = {value}: {reason}")]
    InvalidParameter {
        /// Parameter name as in THEORY.md (`psi`, `alpha`, `tol`, ...).
        name: &'static str,
        /// The offending value.
        value: f64,
        /// What the domain is.
        reason: &'static str,
    },
    /// A table or vector entry is invalid (non-finite, negative variance, ...).
    #[error("invalid entry in `{name}` at index {index}: {value} ({reason})")]
    InvalidEntry {
        /// Name of the table.
        name: &'static str,
        /// Flat index of the entry.
        index: usize,
        /// The offending value.
        value: f64,
        /// What was expected.
        reason: &'static str,
    },
    /// Weights or fractions do not sum to one.
    #[error("`{name}` must sum to 1 (within {tolerance}), got {sum}")]
    NotNormalized {
        /// Name of the weight vector (`weights`, `pi`).
        name: &'static str,
        /// Their sum.
        sum: f64,
        /// Accepted deviation.
        tolerance: f64,
    },
    /// Lengths of the inputs do not match.
    #[error("length mismatch for `{name}`: expected {expected}, got {got}")]
    LengthMismatch {
        /// Name of the input.
        name: &'static str,
        /// Expected length.
        expected: usize,
        /// Actual length.
        got: usize,
    },
    /// Work too large to be done in reasonable time/memory, rejected up front.
    #[error("`{name}` = {value} exceeds the limit {limit}")]
    TooLarge {
        /// What is too large (`kappa nodes`, `groups`, `grid points`).
        name: &'static str,
        /// Requested size.
        value: usize,
        /// The limit.
        limit: usize,
    },
    /// The spectral argument `z` is not allowed (the solvers need `z ∉ [0, ∞)`).
    #[error("z = {re} + {im}i is not in C \\ [0, inf) (or not finite)")]
    InvalidZ {
        /// Real part.
        re: f64,
        /// Imaginary part.
        im: f64,
    },
    /// The fixed-point / Newton iteration did not reach the tolerance.
    #[error("not converged after {iterations} iterations (residual {residual:e})")]
    NotConverged {
        /// Residual of the equations at the last iterate.
        residual: f64,
        /// Iterations performed.
        iterations: usize,
    },
    /// The iteration produced a non-finite number (overflow, division by zero).
    #[error("non-finite value after {iterations} iterations")]
    NonFinite {
        /// Iterations performed before the failure.
        iterations: usize,
    },
    /// A solution was found but it is not on the Herglotz branch (`Im q̃_a < 0` for `Im z > 0`).
    #[error("solution left the Herglotz branch at z = {re} + {im}i")]
    WrongBranch {
        /// Real part of z.
        re: f64,
        /// Imaginary part of z.
        im: f64,
    },
    /// Failure reported by giantstep-hermite when building a profile from an activation.
    #[error("giantstep-hermite: {0}")]
    Hermite(String),
}

/// Crate result type.
pub type Result<T> = std::result::Result<T, StieltjesError>;

/// Checks that `value` is finite and `> 0`.
pub(crate) fn check_positive(name: &'static str, value: f64) -> Result<()> {
    if value.is_finite() && value > 0.0 {
        Ok(())
    } else {
        Err(StieltjesError::InvalidParameter {
            name,
            value,
            reason: "must be finite and > 0",
        })
    }
}
