//! A quadrature rule for `E[g(Z)]`, `Z ~ N(0,1)` (THEORY.md §3): nodes `z_i` and weights
//! `w_i >= 0` with `Σ w_i = 1`, `E[g(Z)] ≈ Σ_i w_i g(z_i)`. The type lives here, below both
//! the algorithms that build Gauss-Hermite rules (`roots`) and the constructors of
//! `quadrature` (Gauss-Hermite, piecewise Gauss-Legendre), so neither imports the other.

use crate::error::{HermiteError, Result};

/// `1/sqrt(2π)`.
pub(crate) const FRAC_1_SQRT_2PI: f64 = 0.398_942_280_401_432_7;

/// A quadrature rule for `E[g(Z)]`, `Z ~ N(0,1)`: nodes and positive weights summing to 1.
///
/// ```
/// use giantstep_hermite::quadrature::GaussianRule;
/// let rule = GaussianRule::new(vec![-1.0, 1.0], vec![0.5, 0.5])?; // exact for degree <= 3
/// assert_eq!(rule.expect(|z| z * z), 1.0);
/// # Ok::<(), giantstep_hermite::HermiteError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct GaussianRule {
    nodes: Vec<f64>,
    weights: Vec<f64>,
}

impl GaussianRule {
    /// A rule from explicit nodes and weights. Checks equal lengths, at least one node,
    /// finite nodes, finite non-negative weights and `|Σ w - 1| ≤ 1e-12`.
    pub fn new(nodes: Vec<f64>, weights: Vec<f64>) -> Result<Self> {
        if nodes.len() != weights.len() {
            return Err(HermiteError::InvalidRule(format!(
                "{} nodes but {} weights",
                nodes.len(),
                weights.len()
            )));
        }
        if nodes.is_empty() {
            return Err(HermiteError::ZeroNodes);
        }
        if let Some(x) = nodes.iter().find(|x| !x.is_finite()) {
            return Err(HermiteError::NonFinite {
                what: "quadrature node",
                value: *x,
            });
        }
        if let Some(w) = weights.iter().find(|w| !(w.is_finite() && **w >= 0.0)) {
            return Err(HermiteError::InvalidRule(format!(
                "weight {w} is not finite and non-negative"
            )));
        }
        let total: f64 = weights.iter().sum();
        if (total - 1.0).abs() > 1e-12 {
            return Err(HermiteError::InvalidRule(format!(
                "weights sum to {total}, not 1"
            )));
        }
        Ok(Self { nodes, weights })
    }

    /// Internal constructor for rules built by this crate (already valid).
    pub(crate) fn from_parts(nodes: Vec<f64>, weights: Vec<f64>) -> Self {
        debug_assert_eq!(nodes.len(), weights.len());
        Self { nodes, weights }
    }

    /// The nodes `z_i`.
    pub fn nodes(&self) -> &[f64] {
        &self.nodes
    }

    /// The weights `w_i` (positive, summing to 1).
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// Number of nodes.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Always `false` (a rule has at least one node); present for API completeness.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// `Σ_i w_i g(z_i) ≈ E[g(Z)]`.
    pub fn expect<F: FnMut(f64) -> f64>(&self, mut g: F) -> f64 {
        self.nodes
            .iter()
            .zip(&self.weights)
            .map(|(&z, &w)| w * g(z))
            .sum()
    }
}
