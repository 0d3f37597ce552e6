//! The resolved model: an [`Experiment`] turned into activations, spike groups and κ-profiles
//! for the kernels.
//!
//! - Activations are parsed by `giantstep-hermite` (`"relu"`, `"hermite:0,1,0.7071"`, ...).
//! - Spike groups come from the experiment, or from one giant step (THEORY.md §2):
//!   `u_a = η̃ a μ1(σ) μ1(σ*)`, `γ_a = 1 + η̃ a μ2(σ) μ2(σ*)`, `π_a` = law of `a`.
//! - Profiles (THEORY.md §4): per κ-node and group, `d_a(κ) = μ1(u_a κ)`,
//!   `e_a(κ)² = μ*(u_a κ)²` and (for §5) `m_a(κ) = μ0(u_a κ)`, on a Gaussian κ-rule
//!   (Gauss-Hermite; piecewise Gauss-Legendre with breakpoints at the target's kinks) or on
//!   a simulation's own `κ_ν` (conditional theory).

use crate::config::{Experiment, Group, SpikeSource};
use crate::error::{Error, Result};
use giantstep_hermite::{Activation, GaussianRule, ShiftedCoefficients};
use giantstep_stieltjes::{Profile, SpikedProblem};
use serde::{Deserialize, Serialize};

/// Gauss-Hermite nodes of the Gaussian κ-rule for smooth integrands.
pub const KAPPA_GH_NODES: usize = 160;
/// Legendre nodes per panel of the piecewise κ-rule (targets with kinks).
pub const KAPPA_NODES_PER_PIECE: usize = 24;
/// Truncation of the piecewise κ-rule.
pub const KAPPA_CUTOFF: f64 = 10.0;

/// A model ready for the kernels.
#[derive(Debug, Clone)]
pub struct Model {
    /// Student activation `σ`.
    pub activation: Activation,
    /// Target `σ*`.
    pub target: Activation,
    /// Spike groups `(u_a, π_a, γ_a)`.
    pub groups: Vec<Group>,
    /// `ψ = p/d`.
    pub psi: f64,
    /// `α = n/d`.
    pub alpha: f64,
    /// Ridge `λ`.
    pub lambda: f64,
    /// Noise `Δ`.
    pub noise: f64,
    /// Hermite coefficients `μ0..μ2` of `σ`.
    pub mu_sigma: [f64; 3],
    /// Hermite coefficients `μ0..μ2` of `σ*`.
    pub mu_target: [f64; 3],
    shifted: ShiftedCoefficients,
}

/// Summary of a resolved model (serializable, for `--json` outputs and reports).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ModelSummary {
    /// Activation name.
    pub activation: String,
    /// Target name.
    pub target: String,
    /// Spike groups.
    pub groups: Vec<Group>,
    /// `ψ`.
    pub psi: f64,
    /// `α`.
    pub alpha: f64,
    /// `λ`.
    pub lambda: f64,
    /// `Δ`.
    pub noise: f64,
}

/// Parses an activation, mapping the error to the named field.
pub fn parse_activation(field: &str, s: &str) -> Result<Activation> {
    s.trim()
        .parse::<Activation>()
        .map_err(|e| Error::field(field, crate::error::one_line(&e.to_string())))
}

fn mu012(field: &str, act: &Activation) -> Result<[f64; 3]> {
    let mu = giantstep_hermite::coefficients::hermite_coefficients(act, 2)
        .map_err(|e| Error::field(field, crate::error::one_line(&e.to_string())))?;
    Ok([mu[0], mu[1], mu[2]])
}

impl Model {
    /// Resolves and validates an experiment.
    pub fn new(e: &Experiment) -> Result<Self> {
        e.validate()?;
        let activation = parse_activation("activation", &e.activation)?;
        let target = parse_activation("target", &e.target)?;
        let mu_sigma = mu012("activation", &activation)?;
        let mu_target = mu012("target", &target)?;
        let groups = match e.spike_source() {
            SpikeSource::Groups(g) => g,
            SpikeSource::Step {
                eta,
                a_values,
                a_probs,
            } => a_values
                .iter()
                .zip(&a_probs)
                .map(|(&a, &pi)| Group {
                    u: eta * a * mu_sigma[1] * mu_target[1],
                    pi,
                    gamma: 1.0 + eta * a * mu_sigma[2] * mu_target[2],
                })
                .collect(),
        };
        crate::config::validate_groups("groups", &groups)?;
        let shifted = ShiftedCoefficients::new(activation.clone(), 1)
            .map_err(|err| Error::field("activation", crate::error::one_line(&err.to_string())))?;
        Ok(Model {
            activation,
            target,
            groups,
            psi: e.psi,
            alpha: e.alpha,
            lambda: e.lambda,
            noise: e.noise,
            mu_sigma,
            mu_target,
            shifted,
        })
    }

    /// The same model with other spike groups.
    pub fn with_groups(&self, groups: Vec<Group>) -> Result<Self> {
        crate::config::validate_groups("groups", &groups)?;
        Ok(Model {
            groups,
            ..self.clone()
        })
    }

    /// Serializable summary.
    pub fn summary(&self) -> ModelSummary {
        ModelSummary {
            activation: self.activation.to_string(),
            target: self.target.to_string(),
            groups: self.groups.clone(),
            psi: self.psi,
            alpha: self.alpha,
            lambda: self.lambda,
            noise: self.noise,
        }
    }

    /// Short one-line description (`relu, u=0.5:0.3,3:0.7, psi=1.5, alpha=2`).
    pub fn short(&self) -> String {
        let g: Vec<String> = self
            .groups
            .iter()
            .map(|g| {
                if g.gamma == 1.0 {
                    format!("{}:{}", fmt_num(g.u), fmt_num(g.pi))
                } else {
                    format!("{}:{}:{}", fmt_num(g.u), fmt_num(g.pi), fmt_num(g.gamma))
                }
            })
            .collect();
        format!(
            "{}, u={}, psi={}, alpha={}",
            self.activation.name(),
            g.join(","),
            fmt_num(self.psi),
            fmt_num(self.alpha)
        )
    }

    /// `u_a`.
    pub fn u(&self) -> Vec<f64> {
        self.groups.iter().map(|g| g.u).collect()
    }

    /// `π_a`.
    pub fn pi(&self) -> Vec<f64> {
        self.groups.iter().map(|g| g.pi).collect()
    }

    /// `γ_a`.
    pub fn gamma(&self) -> Vec<f64> {
        self.groups.iter().map(|g| g.gamma).collect()
    }

    /// The Gaussian κ-rule: piecewise Gauss-Legendre with breakpoints at the target's kinks
    /// when it has any, Gauss-Hermite otherwise.
    pub fn kappa_rule(&self) -> Result<GaussianRule> {
        let kinks = self.target.kinks();
        let rule = if kinks.is_empty() {
            GaussianRule::gauss_hermite(KAPPA_GH_NODES)
        } else {
            GaussianRule::piecewise_legendre(&kinks, KAPPA_NODES_PER_PIECE, KAPPA_CUTOFF)
        };
        rule.map_err(Error::hermite)
    }

    /// `(μ0, μ1, μ*²)` at shift `c` for the student activation.
    pub fn shifted(&self, c: f64) -> Result<(f64, f64, f64)> {
        let v = self.shifted.eval(c).map_err(Error::hermite)?;
        Ok((v.mu[0], v.mu[1], v.mu_star_sq))
    }

    /// Per node `κ_k` and group `a`: `(m_a, d_a, e_a²)` flattened as `[k * r + a]`.
    pub fn profile_tables(&self, nodes: &[f64]) -> Result<ProfileTables> {
        let r = self.groups.len();
        let mut t = ProfileTables {
            m0: Vec::with_capacity(nodes.len() * r),
            d: Vec::with_capacity(nodes.len() * r),
            e2: Vec::with_capacity(nodes.len() * r),
        };
        // one table per group (groups u_b = ±u_a share one evaluation), then node-major
        let us: Vec<f64> = self.groups.iter().map(|g| g.u).collect();
        let tables = self
            .shifted
            .eval_products(&us, nodes)
            .map_err(Error::hermite)?;
        for i in 0..nodes.len() {
            for tab in &tables {
                t.m0.push(tab.mu(i, 0));
                t.d.push(tab.mu(i, 1));
                t.e2.push(tab.mu_star_sq()[i]);
            }
        }
        Ok(t)
    }

    /// The spectral profile (THEORY.md §4) on a κ-rule `(nodes, weights)`.
    pub fn stieltjes_profile(&self, nodes: &[f64], weights: &[f64]) -> Result<Profile> {
        let t = self.profile_tables(nodes)?;
        Profile::new(
            nodes.to_vec(),
            weights.to_vec(),
            self.groups.len(),
            t.d,
            t.e2,
        )
        .map_err(Error::stieltjes)
    }

    /// The spiked spectral problem on the Gaussian κ-rule.
    pub fn spectral_problem(&self) -> Result<SpikedProblem> {
        let rule = self.kappa_rule()?;
        self.spectral_problem_on(rule.nodes(), rule.weights())
    }

    /// The spiked spectral problem on a given κ-rule (e.g. a simulation's own `κ_ν` with
    /// weights `1/n`: the conditional theory).
    pub fn spectral_problem_on(&self, nodes: &[f64], weights: &[f64]) -> Result<SpikedProblem> {
        let profile = self.stieltjes_profile(nodes, weights)?;
        SpikedProblem::new(profile, self.pi(), self.psi, self.alpha).map_err(Error::stieltjes)
    }
}

/// Per-node tables `[k * r + a]`.
#[derive(Debug, Clone, PartialEq)]
pub struct ProfileTables {
    /// `m_a(κ) = μ0(u_a κ)`.
    pub m0: Vec<f64>,
    /// `d_a(κ) = μ1(u_a κ)`.
    pub d: Vec<f64>,
    /// `e_a(κ)² = μ*(u_a κ)²`.
    pub e2: Vec<f64>,
}

/// Compact number formatting for labels (`0.5`, `3`, `1e-3`).
pub fn fmt_num(x: f64) -> String {
    if x == x.round() && x.abs() < 1e6 {
        format!("{}", x as i64)
    } else if x.abs() >= 1e-3 && x.abs() < 1e4 {
        let s = format!("{x:.4}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        format!("{x:.3e}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn step_spike_uses_hermite_coefficients() {
        // ReLU: mu1 = 1/2, mu2 = phi(0) = 1/sqrt(2 pi); target z + He2/sqrt2: mu1* = 1,
        // mu2* = 2!/sqrt2 = sqrt2. eta = 3, a = +-1.
        let e = Experiment {
            eta: Some(3.0),
            ..Experiment::default()
        };
        let m = Model::new(&e).unwrap();
        let mu2 = 1.0 / (2.0 * std::f64::consts::PI).sqrt();
        assert!((m.groups[0].u - 1.5).abs() < 1e-12);
        assert!((m.groups[1].u + 1.5).abs() < 1e-12);
        assert!((m.groups[0].gamma - (1.0 + 3.0 * mu2 * 2f64.sqrt())).abs() < 1e-12);
        assert_eq!(m.groups[0].pi, 0.5);
    }

    #[test]
    fn unknown_activation_names_the_field() {
        let e = Experiment {
            target: "relux".into(),
            ..Experiment::default()
        };
        let msg = Model::new(&e).unwrap_err().to_string();
        assert!(msg.contains("`target`"), "{msg}");
    }

    #[test]
    fn relu_profile_matches_closed_form() {
        // d(kappa) = Phi(u kappa) for ReLU; at kappa = 0, Phi(0) = 1/2.
        let e = Experiment {
            groups: Some(vec![Group {
                u: 2.0,
                pi: 1.0,
                gamma: 1.0,
            }]),
            ..Experiment::default()
        };
        let m = Model::new(&e).unwrap();
        let t = m.profile_tables(&[0.0]).unwrap();
        assert!((t.d[0] - 0.5).abs() < 1e-14);
        assert!((t.m0[0] - 1.0 / (2.0 * std::f64::consts::PI).sqrt()).abs() < 1e-14);
    }

    #[test]
    fn numbers_format_compactly() {
        assert_eq!(fmt_num(3.0), "3");
        assert_eq!(fmt_num(0.5), "0.5");
        assert_eq!(fmt_num(1e-5), "1.000e-5");
    }
}
