//! Quadrature in κ and construction of the [`Profile`] table from activations
//! (THEORY.md §4-5: `E_κ` over `κ ~ N(0,1)`).
//!
//! The integrands of §5b are smooth in κ except where the target `σ*` has a kink (the
//! profiles `μ_k(u_a κ)` are Gaussian-smoothed, hence analytic). The default rule is
//! piecewise Gauss-Legendre against the Gaussian density on `[-L, L]` with breakpoints at
//! 0 and at the target's kinks (`GaussianRule::piecewise_legendre` of giantstep-hermite).
//!
//! **Node count.** For [`KappaQuadrature::PiecewiseLegendre`], `[-L, L]` is cut at the
//! breakpoints and into panels of width at most 1, each with `nodes_per_piece` nodes: with
//! the default `L = 10` and breakpoint 0 that is `20 × nodes_per_piece` nodes (default
//! `nodes_per_piece = 10`, 200 nodes). For [`KappaQuadrature::GaussHermite`] it is `nodes`.
//! Accuracy: the reference value of the crate (ReLU, `u = 3`, kinked pieces in the profile
//! scale `1/u`) is reproduced to < 1e-8 with the default; see the tests.

use crate::error::{MAX_NODES, RiskError};
use crate::profile::{Profile, check_pi};
use giantstep_hermite::Activation;
use giantstep_hermite::quadrature::GaussianRule;
use giantstep_hermite::shifted::ShiftedCoefficients;
use serde::{Deserialize, Serialize};

/// Default truncation `L` of the κ rule.
pub const DEFAULT_KAPPA_CUTOFF: f64 = 10.0;
/// Default Gauss-Legendre nodes per panel of the κ rule.
pub const DEFAULT_NODES_PER_PIECE: usize = 10;

/// How `E_κ` is discretized.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum KappaQuadrature {
    /// Gauss-Hermite with `nodes` nodes (fine for smooth targets).
    GaussHermite {
        /// Number of nodes.
        nodes: usize,
    },
    /// Piecewise Gauss-Legendre against the Gaussian density on `[-cutoff, cutoff]`, with
    /// breakpoints at 0, at the target's kinks and at `extra_breakpoints`.
    PiecewiseLegendre {
        /// Legendre nodes per panel (panels have width <= 1).
        nodes_per_piece: usize,
        /// Truncation `L`.
        cutoff: f64,
        /// Additional breakpoints.
        extra_breakpoints: Vec<f64>,
    },
    /// A user-supplied rule (nodes, weights summing to 1), e.g. the empirical κ of a sample.
    Custom {
        /// Nodes.
        nodes: Vec<f64>,
        /// Weights (>= 0, sum 1).
        weights: Vec<f64>,
    },
}

impl Default for KappaQuadrature {
    fn default() -> Self {
        Self::PiecewiseLegendre {
            nodes_per_piece: DEFAULT_NODES_PER_PIECE,
            cutoff: DEFAULT_KAPPA_CUTOFF,
            extra_breakpoints: Vec::new(),
        }
    }
}

impl KappaQuadrature {
    /// Build the rule `(nodes, weights)` for a target with kinks at `target_kinks`.
    ///
    /// ```
    /// use giantstep_risk::kappa::KappaQuadrature;
    /// let (x, w) = KappaQuadrature::default().rule(&[]).unwrap();
    /// assert_eq!(x.len(), 200);
    /// assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-14);
    /// ```
    pub fn rule(&self, target_kinks: &[f64]) -> Result<(Vec<f64>, Vec<f64>), RiskError> {
        let herr = |e: giantstep_hermite::HermiteError| RiskError::Hermite(e.to_string());
        match self {
            Self::GaussHermite { nodes } => {
                if *nodes > MAX_NODES {
                    return Err(RiskError::TooLarge {
                        what: "kappa nodes",
                        value: *nodes,
                        limit: MAX_NODES,
                    });
                }
                let r = GaussianRule::gauss_hermite(*nodes).map_err(herr)?;
                Ok((r.nodes().to_vec(), r.weights().to_vec()))
            }
            Self::PiecewiseLegendre {
                nodes_per_piece,
                cutoff,
                extra_breakpoints,
            } => {
                let mut bp = vec![0.0];
                bp.extend_from_slice(target_kinks);
                bp.extend_from_slice(extra_breakpoints);
                if bp.iter().any(|b| !b.is_finite()) {
                    return Err(RiskError::BadInput("non-finite breakpoint".into()));
                }
                bp.sort_by(f64::total_cmp);
                bp.dedup();
                // panels: at most (2L + #breakpoints + 1) pieces of width <= 1
                let est = ((2.0 * cutoff.abs().min(1e6)).ceil() as usize + bp.len() + 1)
                    .saturating_mul(*nodes_per_piece);
                if est > MAX_NODES {
                    return Err(RiskError::TooLarge {
                        what: "kappa nodes",
                        value: est,
                        limit: MAX_NODES,
                    });
                }
                let r = GaussianRule::piecewise_legendre(&bp, *nodes_per_piece, *cutoff)
                    .map_err(herr)?;
                Ok((r.nodes().to_vec(), r.weights().to_vec()))
            }
            Self::Custom { nodes, weights } => {
                if nodes.len() > MAX_NODES {
                    return Err(RiskError::TooLarge {
                        what: "kappa nodes",
                        value: nodes.len(),
                        limit: MAX_NODES,
                    });
                }
                Ok((nodes.clone(), weights.clone()))
            }
        }
    }
}

/// One group of neurons: spike `u_a`, fraction `π_a`, θ-rescaling `γ_a` (THEORY.md §2, §5a).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Group {
    /// Spike `u_a`.
    pub u: f64,
    /// Fraction `π_a` of the neurons (fractions sum to 1).
    pub pi: f64,
    /// Rescaling of the θ-component `γ_a` (`1` for the plain spiked model).
    pub gamma: f64,
}

impl Group {
    /// A plain spiked-model group (`γ = 1`).
    pub fn plain(u: f64, pi: f64) -> Self {
        Self { u, pi, gamma: 1.0 }
    }
}

/// Groups of the one-step network (THEORY.md §2): second-layer values `a_values` with
/// fractions `fractions`, learning rate `η̃`: `u_a = η̃ a μ1(σ) μ1(σ*)` and, if
/// `theta_rescaled`, `γ_a = 1 + η̃ a μ2(σ) μ2(σ*)` (else `γ_a = 1`).
///
/// ```
/// use giantstep_hermite::Activation;
/// use giantstep_risk::kappa::one_step_groups;
/// let g = one_step_groups(&Activation::Relu, &Activation::Hermite(vec![0.0, 1.0, 0.5]),
///     3.0, &[1.0, -1.0], &[0.5, 0.5], true).unwrap();
/// assert!((g[0].u - 1.5).abs() < 1e-12); // 3 * 1 * mu1(relu)=1/2 * mu1(target)=1
/// ```
pub fn one_step_groups(
    sigma: &Activation,
    target: &Activation,
    eta: f64,
    a_values: &[f64],
    fractions: &[f64],
    theta_rescaled: bool,
) -> Result<Vec<Group>, RiskError> {
    if a_values.len() != fractions.len() || !eta.is_finite() {
        return Err(RiskError::BadGroups(
            "a_values / fractions mismatch or eta not finite".into(),
        ));
    }
    check_pi(fractions)?;
    let herr = |e: giantstep_hermite::HermiteError| RiskError::Hermite(e.to_string());
    let ms = giantstep_hermite::coefficients::hermite_coefficients(sigma, 2).map_err(herr)?;
    let mt = giantstep_hermite::coefficients::hermite_coefficients(target, 2).map_err(herr)?;
    Ok(a_values
        .iter()
        .zip(fractions)
        .map(|(&a, &pi)| Group {
            u: eta * a * ms[1] * mt[1],
            pi,
            gamma: if theta_rescaled {
                1.0 + eta * a * ms[2] * mt[2]
            } else {
                1.0
            },
        })
        .collect())
}

/// Validate groups: finite spikes and gammas, fractions > 0 summing to 1.
pub fn check_groups(groups: &[Group]) -> Result<(), RiskError> {
    if groups
        .iter()
        .any(|g| !(g.u.is_finite() && g.gamma.is_finite()))
    {
        return Err(RiskError::BadGroups(
            "spikes u_a and gamma_a must be finite".into(),
        ));
    }
    let pi: Vec<f64> = groups.iter().map(|g| g.pi).collect();
    check_pi(&pi)
}

/// Tabulate `μ0(u_a κ)`, `μ1(u_a κ)`, `μ*(u_a κ)²` and `σ*(κ)` on the given κ rule.
pub fn build_profile(
    sigma: &Activation,
    target: &Activation,
    groups: &[Group],
    nodes: Vec<f64>,
    weights: Vec<f64>,
) -> Result<Profile, RiskError> {
    check_groups(groups)?;
    let herr = |e: giantstep_hermite::HermiteError| RiskError::Hermite(e.to_string());
    let r = groups.len();
    let k = nodes.len();
    let sc = ShiftedCoefficients::new(sigma.clone(), 1).map_err(herr)?;
    let mut m0 = vec![0.0; k * r];
    let mut d = vec![0.0; k * r];
    let mut e2 = vec![0.0; k * r];
    // one table per group (groups u_b = ±u_a share one evaluation, u = 0 costs two)
    let us: Vec<f64> = groups.iter().map(|g| g.u).collect();
    let tables = sc.eval_products(&us, &nodes).map_err(herr)?;
    for (a, tab) in tables.iter().enumerate() {
        let ms2 = tab.mu_star_sq();
        for i in 0..k {
            m0[i * r + a] = tab.mu(i, 0);
            d[i * r + a] = tab.mu(i, 1);
            e2[i * r + a] = ms2[i];
        }
    }
    let tv: Vec<f64> = nodes.iter().map(|&x| target.eval(x)).collect();
    Profile::new(
        nodes,
        weights,
        m0,
        d,
        e2,
        tv,
        groups.iter().map(|g| g.gamma).collect(),
        groups.iter().map(|g| g.pi).collect(),
    )
}
