//! The spiked random-features weights of THEORY.md §2.
//!
//! Plain (isotropic) spiked model: `W = W0 + u θ^T`, `u_i = u_{a(i)}`.
//! θ-rescaled spiked model (the exact equivalent of the symmetric one-step network):
//! `W = W0 + u θ^T + diag(γ − 1) W0 θ θ^T`, i.e. each row's component along `θ` is
//! multiplied by `γ_i`. From a network with second layer `a` and learning rate `η̃`:
//!
//! `u_a = η̃ a μ1(σ) μ1(σ*)`, `γ_a = 1 + η̃ a μ2(σ) μ2(σ*)` (THEORY.md §2).

use faer::{Mat, MatRef};

use crate::error::{SpikedError, check_finite};
use crate::sampling::SecondLayerLaw;

/// Spike groups: strengths `u_a`, fractions `π_a` and θ-rescalings `γ_a` (`γ_a = 1` for the
/// plain spiked model).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SpikeGroups {
    u: Vec<f64>,
    pi: Vec<f64>,
    gamma: Vec<f64>,
}

impl SpikeGroups {
    /// Plain spiked groups (`γ_a = 1`). `pi` must be a probability vector.
    ///
    /// ```
    /// use giantstep_spiked::spike::SpikeGroups;
    /// let g = SpikeGroups::new(vec![-2.0, 2.0], vec![0.5, 0.5]).unwrap();
    /// assert_eq!(g.gamma(), &[1.0, 1.0]);
    /// ```
    pub fn new(u: Vec<f64>, pi: Vec<f64>) -> Result<Self, SpikedError> {
        let gamma = vec![1.0; u.len()];
        Self::with_gamma(u, pi, gamma)
    }

    /// Groups with θ-rescalings `γ_a` (THEORY.md §2, §5a).
    pub fn with_gamma(u: Vec<f64>, pi: Vec<f64>, gamma: Vec<f64>) -> Result<Self, SpikedError> {
        // Reuse the law's validation for (u, pi).
        SecondLayerLaw::new(u.clone(), pi.clone())?;
        if gamma.len() != u.len() {
            return Err(SpikedError::DimensionMismatch {
                what: "gamma vs u",
                expected: u.len(),
                got: gamma.len(),
            });
        }
        for &g in &gamma {
            check_finite("gamma", g)?;
        }
        Ok(Self { u, pi, gamma })
    }

    /// Groups predicted by one giant step (THEORY.md §2) from the Hermite coefficients:
    /// `u_a = η̃ a_a μ1(σ) μ1(σ*)`, and `γ_a = 1 + η̃ a_a μ2(σ) μ2(σ*)` if `rescaled`, else 1.
    ///
    /// ```
    /// use giantstep_spiked::{sampling::SecondLayerLaw, spike::SpikeGroups};
    /// let law = SecondLayerLaw::rademacher();
    /// // ReLU: mu1 = 1/2, mu2 = 1/sqrt(2 pi); target z + He2/sqrt2: mu1* = 1, mu2* = sqrt2.
    /// let g = SpikeGroups::from_step(&law, 2.0, [0.5, 0.3989422804014327], [1.0, 2f64.sqrt()], true).unwrap();
    /// assert_eq!(g.u(), &[-1.0, 1.0]);
    /// ```
    pub fn from_step(
        law: &SecondLayerLaw,
        eta_tilde: f64,
        mu_sigma: [f64; 2],
        mu_star: [f64; 2],
        rescaled: bool,
    ) -> Result<Self, SpikedError> {
        check_finite("eta_tilde", eta_tilde)?;
        let u = law
            .values()
            .iter()
            .map(|a| eta_tilde * a * mu_sigma[0] * mu_star[0])
            .collect();
        let gamma = law
            .values()
            .iter()
            .map(|a| {
                if rescaled {
                    1.0 + eta_tilde * a * mu_sigma[1] * mu_star[1]
                } else {
                    1.0
                }
            })
            .collect();
        Self::with_gamma(u, law.probs().to_vec(), gamma)
    }

    /// Spike strengths `u_a`.
    pub fn u(&self) -> &[f64] {
        &self.u
    }
    /// Group fractions `π_a`.
    pub fn pi(&self) -> &[f64] {
        &self.pi
    }
    /// θ-rescalings `γ_a`.
    pub fn gamma(&self) -> &[f64] {
        &self.gamma
    }
    /// Number of groups `r`.
    pub fn len(&self) -> usize {
        self.u.len()
    }
    /// Always false (at least one group).
    pub fn is_empty(&self) -> bool {
        self.u.is_empty()
    }
    /// Exact group assignment of `p` neurons (contiguous blocks, largest-remainder counts).
    pub fn exact_groups(&self, p: usize) -> Vec<usize> {
        SecondLayerLaw::new(self.u.clone(), self.pi.clone())
            .expect("validated at construction")
            .exact_groups(p)
    }
    /// Per-neuron `u_i` for a group assignment.
    pub fn u_per_neuron(&self, groups: &[usize]) -> Vec<f64> {
        groups.iter().map(|&a| self.u[a]).collect()
    }
    /// Per-neuron `γ_i` for a group assignment.
    pub fn gamma_per_neuron(&self, groups: &[usize]) -> Vec<f64> {
        groups.iter().map(|&a| self.gamma[a]).collect()
    }
}

/// The spiked weights `W = W0 + u θ^T + diag(γ − 1) W0 θ θ^T` (THEORY.md §2); `gamma = None`
/// gives the plain model `W0 + u θ^T`. `u`, `gamma` are per neuron (length `p`).
///
/// ```
/// use giantstep_spiked::{sampling::{sphere_rows, unit_direction}, spike::spiked_weights};
/// let w0 = sphere_rows(4, 6, 1).unwrap();
/// let theta = unit_direction(6, 2).unwrap();
/// let w = spiked_weights(w0.as_ref(), &theta, &[1.0; 4], Some(&[2.0; 4])).unwrap();
/// // <w_i, θ> = γ_i <w0_i, θ> + u_i
/// let dot = |m: &faer::Mat<f64>, i: usize| (0..6).map(|j| m[(i, j)] * theta[j]).sum::<f64>();
/// assert!((dot(&w, 1) - (2.0 * dot(&w0, 1) + 1.0)).abs() < 1e-12);
/// ```
pub fn spiked_weights(
    w0: MatRef<'_, f64>,
    theta: &[f64],
    u: &[f64],
    gamma: Option<&[f64]>,
) -> Result<Mat<f64>, SpikedError> {
    let (p, d) = (w0.nrows(), w0.ncols());
    if theta.len() != d {
        return Err(SpikedError::DimensionMismatch {
            what: "theta vs columns of W0",
            expected: d,
            got: theta.len(),
        });
    }
    if u.len() != p {
        return Err(SpikedError::DimensionMismatch {
            what: "u vs rows of W0",
            expected: p,
            got: u.len(),
        });
    }
    let mut coef = u.to_vec();
    if let Some(g) = gamma {
        if g.len() != p {
            return Err(SpikedError::DimensionMismatch {
                what: "gamma vs rows of W0",
                expected: p,
                got: g.len(),
            });
        }
        for i in 0..p {
            let proj: f64 = (0..d).map(|j| w0[(i, j)] * theta[j]).sum();
            coef[i] += (g[i] - 1.0) * proj;
        }
    }
    if coef.iter().any(|c| !c.is_finite()) {
        return Err(SpikedError::NonFinite {
            what: "spike coefficients",
        });
    }
    Ok(Mat::from_fn(p, d, |i, j| w0[(i, j)] + coef[i] * theta[j]))
}
