//! Typed errors of the simulation crate.

use thiserror::Error;

/// Largest number of `f64` entries a single dense matrix may hold (2^30 = 8 GiB).
///
/// Requests beyond this are rejected up front with [`SpikedError::TooLarge`] instead of
/// attempting the allocation.
pub const MAX_MATRIX_ENTRIES: usize = 1 << 30;

/// Errors raised by `giantstep-spiked` on invalid input or numerical failure.
#[derive(Debug, Clone, PartialEq, Error)]
#[non_exhaustive]
pub enum SpikedError {
    /// A size parameter was zero where a positive size is required.
    #[error("`{name}` must be positive (got 0)")]
    ZeroSize {
        /// Name of the parameter.
        name: &'static str,
    },
    /// A real parameter was NaN, infinite, or outside its admissible range.
    #[error("invalid parameter `{name}` = {value}: {reason}")]
    InvalidParameter {
        /// Name of the parameter.
        name: &'static str,
        /// The offending value.
        value: f64,
        /// What was expected.
        reason: &'static str,
    },
    /// Probabilities of a finitely supported law do not sum to one (or one is negative).
    #[error("probabilities must be >= 0 and sum to 1 (sum = {sum})")]
    ProbabilitiesNotNormalized {
        /// The sum of the given probabilities.
        sum: f64,
    },
    /// Two inputs that must have matching sizes do not.
    #[error("dimension mismatch for {what}: expected {expected}, got {got}")]
    DimensionMismatch {
        /// What was being compared.
        what: &'static str,
        /// Expected size.
        expected: usize,
        /// Actual size.
        got: usize,
    },
    /// The requested work or memory exceeds a hard limit.
    #[error("{what} needs {requested} entries, above the limit {limit}")]
    TooLarge {
        /// What would have been allocated.
        what: &'static str,
        /// Requested number of entries.
        requested: usize,
        /// The limit ([`MAX_MATRIX_ENTRIES`] unless stated).
        limit: usize,
    },
    /// The eigenvalue iteration did not converge.
    #[error("eigenvalue computation did not converge")]
    EigenNotConverged,
    /// A linear system was numerically singular (e.g. ridge with `lambda = 0` on a
    /// rank-deficient feature matrix).
    #[error("linear system is singular or not positive definite ({what})")]
    Singular {
        /// Which system.
        what: &'static str,
    },
    /// An iterative computation did not reach its tolerance.
    #[error("not converged after {iterations} iterations (residual {residual:e})")]
    NotConverged {
        /// Final residual.
        residual: f64,
        /// Iterations performed.
        iterations: usize,
    },
    /// Hermite coefficients of an activation could not be computed.
    #[error("hermite coefficients: {0}")]
    Hermite(#[from] giantstep_hermite::HermiteError),
    /// A computed quantity was not finite (e.g. an activation returned NaN).
    #[error("non-finite value produced in {what}")]
    NonFinite {
        /// Where it appeared.
        what: &'static str,
    },
}

/// Checks that `value` is finite.
pub(crate) fn check_finite(name: &'static str, value: f64) -> Result<f64, SpikedError> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(SpikedError::InvalidParameter {
            name,
            value,
            reason: "must be finite",
        })
    }
}

/// Checks that `value` is finite and strictly positive.
pub(crate) fn check_positive(name: &'static str, value: f64) -> Result<f64, SpikedError> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(SpikedError::InvalidParameter {
            name,
            value,
            reason: "must be finite and > 0",
        })
    }
}

/// Checks that `value` is finite and non-negative.
pub(crate) fn check_nonnegative(name: &'static str, value: f64) -> Result<f64, SpikedError> {
    if value.is_finite() && value >= 0.0 {
        Ok(value)
    } else {
        Err(SpikedError::InvalidParameter {
            name,
            value,
            reason: "must be finite and >= 0",
        })
    }
}

/// Checks that a size is positive.
pub(crate) fn check_size(name: &'static str, value: usize) -> Result<usize, SpikedError> {
    if value == 0 {
        Err(SpikedError::ZeroSize { name })
    } else {
        Ok(value)
    }
}

/// Checks that a `rows x cols` matrix stays below [`MAX_MATRIX_ENTRIES`].
pub(crate) fn check_matrix(
    what: &'static str,
    rows: usize,
    cols: usize,
) -> Result<(), SpikedError> {
    match rows.checked_mul(cols) {
        Some(e) if e <= MAX_MATRIX_ENTRIES => Ok(()),
        other => Err(SpikedError::TooLarge {
            what,
            requested: other.unwrap_or(usize::MAX),
            limit: MAX_MATRIX_ENTRIES,
        }),
    }
}

impl From<giantstep_symeig::SymEigError> for SpikedError {
    fn from(e: giantstep_symeig::SymEigError) -> Self {
        use giantstep_symeig::SymEigError as E;
        match e {
            E::DimensionMismatch { expected, got } => SpikedError::DimensionMismatch {
                what: "eigenvalue buffer",
                expected,
                got,
            },
            E::NotConverged {
                residual,
                iterations,
            } => SpikedError::NotConverged {
                residual,
                iterations,
            },
            _ => SpikedError::NonFinite {
                what: "eigenvalues",
            },
        }
    }
}
