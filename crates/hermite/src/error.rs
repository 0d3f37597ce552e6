//! Typed errors of the crate.

/// Everything that can go wrong in `giantstep-hermite`.
///
/// Bad user input (zero or absurd node counts, non-finite shifts, unknown activation names)
/// is reported with a variant naming the offending value and, where relevant, the limit.
///
/// ```
/// use giantstep_hermite::{quadrature::GaussHermite, HermiteError};
/// let err = GaussHermite::new(1_000_000_000).unwrap_err();
/// assert!(matches!(err, HermiteError::TooManyNodes { limit: 100_000, .. }));
/// ```
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum HermiteError {
    /// A quadrature rule with zero nodes was requested.
    #[error("a quadrature rule needs at least one node (got 0)")]
    ZeroNodes,
    /// More quadrature nodes than the documented limit were requested.
    #[error("requested {requested} quadrature nodes, above the limit of {limit}")]
    TooManyNodes {
        /// Number of nodes asked for.
        requested: usize,
        /// The largest accepted number of nodes.
        limit: usize,
    },
    /// The largest Hermite index `k_max` is above the documented limit.
    #[error("k_max = {requested} is above the limit of {limit}")]
    KMaxTooLarge {
        /// `k_max` asked for.
        requested: usize,
        /// Largest accepted `k_max`.
        limit: usize,
    },
    /// A NaN or infinite value where a finite number is required.
    #[error("{what} must be finite (got {value})")]
    NonFinite {
        /// Which input was not finite (e.g. `"shift c"`).
        what: &'static str,
        /// The offending value.
        value: f64,
    },
    /// An input scale `s` that is not finite and strictly positive.
    #[error("input scale s must be finite and > 0 (got {0})")]
    InvalidScale(f64),
    /// A quadrature cutoff that is not in the accepted range.
    #[error("cutoff must be finite and in (0, {limit}] (got {value})")]
    InvalidCutoff {
        /// The offending cutoff.
        value: f64,
        /// Largest accepted cutoff.
        limit: f64,
    },
    /// A user-supplied quadrature rule that is not a probability rule.
    #[error("invalid quadrature rule: {0}")]
    InvalidRule(String),
    /// An activation name that is not known.
    #[error("unknown activation {name:?}; known activations: {}", known.join(", "))]
    UnknownActivation {
        /// The name that was given.
        name: String,
        /// Every accepted name (and the `hermite:` syntax).
        known: Vec<&'static str>,
    },
    /// An activation string with a known name but malformed parameters.
    #[error("cannot parse activation {input:?}: {reason}")]
    ParseActivation {
        /// The full input string.
        input: String,
        /// What was wrong with it.
        reason: String,
    },
    /// An iterative algorithm did not reach its tolerance.
    #[error("no convergence after {iterations} iterations (residual {residual:e})")]
    NotConverged {
        /// Last residual.
        residual: f64,
        /// Iterations performed.
        iterations: usize,
    },
    /// `mu*(c)^2` came out negative by more than the documented round-off bound: this is a
    /// bug (or an integrand the chosen rule cannot resolve), never silently clamped.
    #[error("mu*(c)^2 = {value:e} < 0 at shift c = {shift} beyond the round-off bound {bound:e}")]
    NegativeVariance {
        /// The shift `c` at which it happened.
        shift: f64,
        /// The computed (negative) value.
        value: f64,
        /// The round-off bound it exceeded.
        bound: f64,
    },
}

/// Convenience alias.
pub type Result<T> = std::result::Result<T, HermiteError>;

pub(crate) fn check_finite(what: &'static str, value: f64) -> Result<()> {
    if value.is_finite() {
        Ok(())
    } else {
        Err(HermiteError::NonFinite { what, value })
    }
}
