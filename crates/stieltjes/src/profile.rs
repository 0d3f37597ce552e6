//! Profile tables: the only thing the spectral solver knows about the activation.
//!
//! A profile is a κ-rule (nodes `κ_k`, weights `w_k ≥ 0`, `Σ w_k = 1`) and, per node and
//! group `a`, the two coefficient functions of THEORY.md §4
//!
//! ```text
//! d_a(κ) = μ1(u_a κ),     e_a(κ)² = μ*(u_a κ)²
//! ```
//!
//! so that `E_κ[g(κ)] ≈ Σ_k w_k g(κ_k)`. With Gauss-Hermite nodes this is the Gaussian
//! theory; with the `n` sampled `κ_ν` of a simulation and weights `1/n` it is the
//! "conditional" theory of THEORY.md §4 (Validation).

use crate::error::{Result, StieltjesError};

/// κ-rule with the per-node, per-group coefficients `d_a(κ)`, `e_a(κ)²`.
///
/// Invariants (checked by the constructors): `1 ≤ K ≤ MAX_NODES`, `1 ≤ r ≤ MAX_GROUPS`,
/// all entries finite, `w_k ≥ 0` with `|Σ w_k - 1| ≤ WEIGHT_TOL`, `e_a(κ)² ≥ 0`.
/// Serializes as its tables (deserialize through [`Profile::new`] to re-validate).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Profile {
    nodes: Vec<f64>,
    weights: Vec<f64>,
    groups: usize,
    d: Vec<f64>,
    e2: Vec<f64>,
}

impl Profile {
    /// Largest accepted number of κ-nodes (cost per solver step is `O(K r²)`).
    pub const MAX_NODES: usize = 1_000_000;
    /// Largest accepted number of groups `r` (the Newton system has `r + r(r+1)/2` unknowns).
    pub const MAX_GROUPS: usize = 16;
    /// Accepted deviation of `Σ w_k` from 1.
    pub const WEIGHT_TOL: f64 = 1e-9;

    /// Builds a profile from flat tables: `d[k * r + a] = d_a(κ_k)`, `e2[k * r + a] = e_a(κ_k)²`.
    ///
    /// ```
    /// use giantstep_stieltjes::Profile;
    /// // two nodes, one group
    /// let p = Profile::new(vec![-1.0, 1.0], vec![0.5, 0.5], 1, vec![0.4, 0.6], vec![0.1, 0.2]).unwrap();
    /// assert_eq!(p.len(), 2);
    /// assert!(Profile::new(vec![0.0], vec![0.9], 1, vec![0.5], vec![0.1]).is_err()); // weights
    /// assert!(Profile::new(vec![0.0], vec![1.0], 1, vec![0.5], vec![-0.1]).is_err()); // e2 < 0
    /// ```
    pub fn new(
        nodes: Vec<f64>,
        weights: Vec<f64>,
        groups: usize,
        d: Vec<f64>,
        e2: Vec<f64>,
    ) -> Result<Self> {
        let k = nodes.len();
        if k == 0 {
            return Err(StieltjesError::LengthMismatch {
                name: "nodes",
                expected: 1,
                got: 0,
            });
        }
        if k > Self::MAX_NODES {
            return Err(StieltjesError::TooLarge {
                name: "kappa nodes",
                value: k,
                limit: Self::MAX_NODES,
            });
        }
        if groups == 0 || groups > Self::MAX_GROUPS {
            return Err(StieltjesError::TooLarge {
                name: "groups (must be >= 1)",
                value: groups,
                limit: Self::MAX_GROUPS,
            });
        }
        for (name, len) in [
            ("weights", weights.len()),
            ("d", d.len() / groups),
            ("e2", e2.len() / groups),
        ] {
            if len != k {
                return Err(StieltjesError::LengthMismatch {
                    name,
                    expected: k,
                    got: len,
                });
            }
        }
        if d.len() != k * groups || e2.len() != k * groups {
            return Err(StieltjesError::LengthMismatch {
                name: "d/e2 (K * r)",
                expected: k * groups,
                got: d.len().min(e2.len()),
            });
        }
        for (i, &v) in nodes.iter().enumerate() {
            if !v.is_finite() {
                return Err(StieltjesError::InvalidEntry {
                    name: "nodes",
                    index: i,
                    value: v,
                    reason: "must be finite",
                });
            }
        }
        for (i, &v) in weights.iter().enumerate() {
            if !(v.is_finite() && v >= 0.0) {
                return Err(StieltjesError::InvalidEntry {
                    name: "weights",
                    index: i,
                    value: v,
                    reason: "must be finite and >= 0",
                });
            }
        }
        let sum: f64 = weights.iter().sum();
        if (sum - 1.0).abs() > Self::WEIGHT_TOL {
            return Err(StieltjesError::NotNormalized {
                name: "weights",
                sum,
                tolerance: Self::WEIGHT_TOL,
            });
        }
        for (i, &v) in d.iter().enumerate() {
            if !v.is_finite() {
                return Err(StieltjesError::InvalidEntry {
                    name: "d",
                    index: i,
                    value: v,
                    reason: "must be finite",
                });
            }
        }
        for (i, &v) in e2.iter().enumerate() {
            if !(v.is_finite() && v >= 0.0) {
                return Err(StieltjesError::InvalidEntry {
                    name: "e2",
                    index: i,
                    value: v,
                    reason: "must be finite and >= 0",
                });
            }
        }
        Ok(Self {
            nodes,
            weights,
            groups,
            d,
            e2,
        })
    }

    /// Builds a profile by evaluating `f(κ, a) -> (d_a(κ), e_a(κ)²)` at every node and group.
    ///
    /// ```
    /// use giantstep_stieltjes::Profile;
    /// // u = 0 linear-plus-noise features: d = mu1, e2 = mu*^2 at a single node
    /// let p = Profile::from_fn(vec![0.0], vec![1.0], 1, |_k, _a| (0.5, 0.25)).unwrap();
    /// assert_eq!(p.d(0, 0), 0.5);
    /// ```
    pub fn from_fn<F>(nodes: Vec<f64>, weights: Vec<f64>, groups: usize, mut f: F) -> Result<Self>
    where
        F: FnMut(f64, usize) -> (f64, f64),
    {
        if nodes.len() > Self::MAX_NODES {
            return Err(StieltjesError::TooLarge {
                name: "kappa nodes",
                value: nodes.len(),
                limit: Self::MAX_NODES,
            });
        }
        if groups > Self::MAX_GROUPS {
            return Err(StieltjesError::TooLarge {
                name: "groups",
                value: groups,
                limit: Self::MAX_GROUPS,
            });
        }
        let mut d = Vec::with_capacity(nodes.len() * groups);
        let mut e2 = Vec::with_capacity(nodes.len() * groups);
        for &kappa in &nodes {
            for a in 0..groups {
                let (da, ea2) = f(kappa, a);
                d.push(da);
                e2.push(ea2);
            }
        }
        Self::new(nodes, weights, groups, d, e2)
    }

    /// The conditional profile of a simulation: nodes = the sampled `κ_ν`, weights `1/n`.
    ///
    /// ```
    /// use giantstep_stieltjes::Profile;
    /// let kappas = [0.3, -1.2, 0.8, 0.1];
    /// let p = Profile::conditional(&kappas, 1, |k, _a| (0.5 + 0.1 * k, 0.2)).unwrap();
    /// assert_eq!(p.weights(), &[0.25; 4]);
    /// ```
    pub fn conditional<F>(kappas: &[f64], groups: usize, f: F) -> Result<Self>
    where
        F: FnMut(f64, usize) -> (f64, f64),
    {
        let n = kappas.len();
        if n == 0 {
            return Err(StieltjesError::LengthMismatch {
                name: "kappas",
                expected: 1,
                got: 0,
            });
        }
        let w = 1.0 / n as f64;
        let mut weights = vec![w; n];
        // make the sum exactly representable-close to 1 regardless of rounding
        let sum: f64 = weights.iter().sum();
        weights[0] += 1.0 - sum;
        if weights[0] < 0.0 {
            weights[0] = 0.0;
        }
        Self::from_fn(kappas.to_vec(), weights, groups, f)
    }

    /// Number of κ-nodes `K`.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// Always false (a profile has at least one node); for clippy's `len_without_is_empty`.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    /// Number of groups `r`.
    pub fn groups(&self) -> usize {
        self.groups
    }

    /// κ-nodes.
    pub fn nodes(&self) -> &[f64] {
        &self.nodes
    }

    /// κ-weights (sum 1).
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// `d_a(κ_k)`.
    pub fn d(&self, k: usize, a: usize) -> f64 {
        self.d[k * self.groups + a]
    }

    /// `e_a(κ_k)²`.
    pub fn e2(&self, k: usize, a: usize) -> f64 {
        self.e2[k * self.groups + a]
    }

    /// Flat table `d[k * r + a]`.
    pub fn d_table(&self) -> &[f64] {
        &self.d
    }

    /// Flat table `e2[k * r + a]`.
    pub fn e2_table(&self) -> &[f64] {
        &self.e2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invalid_tables_are_typed_errors() {
        let ok = || {
            (
                vec![0.0, 1.0],
                vec![0.5, 0.5],
                vec![0.1, 0.2],
                vec![0.3, 0.4],
            )
        };
        let (n, w, d, e) = ok();
        assert!(Profile::new(n, w, 1, d, e).is_ok());
        let (n, w, mut d, e) = ok();
        d[1] = f64::NAN;
        assert!(matches!(
            Profile::new(n, w, 1, d, e),
            Err(StieltjesError::InvalidEntry { name: "d", .. })
        ));
        let (n, _, d, e) = ok();
        assert!(matches!(
            Profile::new(n, vec![1.5, -0.5], 1, d, e),
            Err(StieltjesError::InvalidEntry {
                name: "weights",
                ..
            })
        ));
        let (n, w, d, _) = ok();
        assert!(matches!(
            Profile::new(n, w, 1, d, vec![0.1]),
            Err(StieltjesError::LengthMismatch { .. })
        ));
        let (n, w, d, e) = ok();
        assert!(matches!(
            Profile::new(n, w, 0, d, e),
            Err(StieltjesError::TooLarge { .. })
        ));
        let (n, w, d, e) = ok();
        assert!(matches!(
            Profile::new(n, w, 17, d, e),
            Err(StieltjesError::TooLarge { .. })
        ));
        assert!(matches!(
            Profile::new(vec![], vec![], 1, vec![], vec![]),
            Err(StieltjesError::LengthMismatch { .. })
        ));
        let big = vec![0.0; Profile::MAX_NODES + 1];
        assert!(matches!(
            Profile::from_fn(big, vec![], 1, |_, _| (0.0, 0.0)),
            Err(StieltjesError::TooLarge { .. })
        ));
        assert!(Profile::conditional(&[], 1, |_, _| (0.0, 0.0)).is_err());
    }

    #[test]
    fn conditional_weights_sum_to_one_for_awkward_n() {
        let kappas: Vec<f64> = (0..2999).map(|i| i as f64 * 1e-3).collect();
        let p = Profile::conditional(&kappas, 2, |k, a| (k * a as f64, 0.1)).unwrap();
        let s: f64 = p.weights().iter().sum();
        assert!((s - 1.0).abs() < 1e-12);
        assert_eq!(p.d(10, 1), 10.0 * 1e-3);
    }
}
