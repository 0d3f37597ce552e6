//! Errors of the eigenvalue computation.

/// What can go wrong (typed; never a panic on user input).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum SymEigError {
    /// The buffer or matrix does not have the stated size.
    #[error("expected {expected} entries (or columns), got {got}")]
    DimensionMismatch {
        /// Expected count.
        expected: usize,
        /// Given count.
        got: usize,
    },
    /// The QL iteration did not converge (60 sweeps for one eigenvalue).
    #[error(
        "tridiagonal QL iteration did not converge: residual {residual:e} after {iterations} iterations"
    )]
    NotConverged {
        /// Last off-diagonal magnitude.
        residual: f64,
        /// Iterations performed.
        iterations: usize,
    },
    /// The eigenvalues came out NaN or infinite (non-finite input).
    #[error("eigenvalues are not finite (the matrix holds NaN or infinite entries)")]
    NonFinite,
}
