//! The experiment description (THEORY.md §1-§2): activation `σ`, target `σ*`, noise `Δ`,
//! the spike (groups `u_a, π_a, γ_a` given directly, or derived from a learning rate `η̃` and
//! the second-layer law), ratios `ψ = p/d`, `α = n/d`, ridge `λ`, simulation size `d`, seeds.
//!
//! An [`Experiment`] is plain serde data (TOML or JSON file, or built in code);
//! [`Experiment::validate`] checks every field and names the offending one.
//!
//! ```
//! use giantstep::config::Experiment;
//! let e: Experiment = toml::from_str(r#"
//!     activation = "relu"
//!     psi = 1.5
//!     alpha = 2.0
//!     groups = [{ u = 0.5, pi = 0.3 }, { u = 3.0, pi = 0.7 }]
//! "#).unwrap();
//! e.validate().unwrap();
//! assert_eq!(e.groups.as_ref().unwrap()[1].gamma, 1.0);
//! ```

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Largest simulation dimension `d` accepted (work grows like `d^3`).
pub const MAX_D: usize = 10_000;
/// Largest width `p = ψ d` and sample count `n = α d` accepted in a simulation.
pub const MAX_SIDE: usize = 20_000;
/// Largest number of seeds accepted.
pub const MAX_SEEDS: usize = 1_000;
/// Largest number of spike groups `r` accepted.
pub const MAX_GROUPS: usize = 16;
/// Tolerance on probabilities summing to one.
pub const PROB_SUM_TOL: f64 = 1e-9;

/// One spike group of THEORY.md §2: spike `u_a`, fraction `π_a`, θ-rescaling `γ_a`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Spike size `u_a`.
    pub u: f64,
    /// Fraction `π_a` of the neurons in the group.
    pub pi: f64,
    /// θ-rescaling `γ_a` (1 for the paper's isotropic spiked model).
    #[serde(default = "one")]
    pub gamma: f64,
}

fn one() -> f64 {
    1.0
}

/// Where the spike groups come from.
#[derive(Debug, Clone, PartialEq)]
pub enum SpikeSource {
    /// Groups given directly.
    Groups(Vec<Group>),
    /// One giant step with learning rate `η̃` and second layer `a` with law (values, probs):
    /// `u_a = η̃ a μ1(σ) μ1(σ*)`, `γ_a = 1 + η̃ a μ2(σ) μ2(σ*)` (THEORY.md §2).
    Step {
        /// Learning rate `η̃`.
        eta: f64,
        /// Support of the second-layer law.
        a_values: Vec<f64>,
        /// Probabilities of the support points.
        a_probs: Vec<f64>,
    },
}

/// Text formats of an experiment description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// TOML (files ending in `.toml`).
    Toml,
    /// JSON (any other file).
    Json,
}

/// The experiment description. Missing fields take the defaults of [`Experiment::default`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Experiment {
    /// Student activation `σ` (`"relu"`, `"tanh"`, ..., or `"hermite:c0,c1,..."`).
    pub activation: String,
    /// Target `σ*` (same notation as `activation`).
    pub target: String,
    /// Label noise variance `Δ ≥ 0`.
    pub noise: f64,
    /// Spike groups given directly (excludes `eta`).
    pub groups: Option<Vec<Group>>,
    /// Learning rate `η̃` of the giant step (excludes `groups`).
    pub eta: Option<f64>,
    /// Support of the second-layer law (default `[1, -1]`).
    pub a_values: Vec<f64>,
    /// Probabilities of `a_values` (default uniform).
    pub a_probs: Option<Vec<f64>>,
    /// Width ratio `ψ = p/d > 0`.
    pub psi: f64,
    /// Sample ratio `α = n/d > 0`.
    pub alpha: f64,
    /// Ridge `λ > 0`.
    pub lambda: f64,
    /// Simulation dimension `d`.
    pub d: usize,
    /// Seeds of the simulations (one run per seed).
    pub seeds: Vec<u64>,
}

impl Default for Experiment {
    fn default() -> Self {
        Experiment {
            activation: "relu".into(),
            target: "hermite:0,1,0.7071067811865476".into(),
            noise: 0.0,
            groups: None,
            eta: None,
            a_values: vec![1.0, -1.0],
            a_probs: None,
            psi: 1.5,
            alpha: 2.0,
            lambda: 0.1,
            d: 600,
            seeds: vec![1],
        }
    }
}

impl Experiment {
    /// Largest experiment description `from_file` reads (1 MiB); larger files are an error.
    pub const MAX_CONFIG_BYTES: u64 = 1 << 20;

    /// Reads a TOML (`.toml`) or JSON (any other extension) description; missing fields take
    /// their defaults. The result is validated.
    pub fn from_file(path: &Path) -> Result<Self> {
        use std::io::Read;
        let file = std::fs::File::open(path)
            .map_err(|e| Error::io("could not read config file", path, e))?;
        let mut text = String::new();
        // Read at most one byte past the limit, so `--config /dev/zero` cannot exhaust memory.
        file.take(Self::MAX_CONFIG_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(|e| Error::io("could not read config file", path, e))?;
        if text.len() as u64 > Self::MAX_CONFIG_BYTES {
            return Err(Error::ConfigParse {
                path: path.into(),
                message: format!(
                    "file is larger than the {} byte limit for experiment descriptions",
                    Self::MAX_CONFIG_BYTES
                ),
            });
        }
        let format = if path.extension().is_some_and(|e| e == "toml") {
            Format::Toml
        } else {
            Format::Json
        };
        Self::parse(&text, format, path)
    }

    /// Parses a description from text (`origin` names where it came from in errors:
    /// a file path, or e.g. `<dict>` for the Python package); missing fields take their
    /// defaults. The result is validated.
    pub fn parse(text: &str, format: Format, origin: &Path) -> Result<Self> {
        let parse_error = |message: String| Error::ConfigParse {
            path: origin.into(),
            message: crate::error::one_line(&message),
        };
        let parsed: Self = match format {
            Format::Toml => toml::from_str(text).map_err(|e| parse_error(e.to_string()))?,
            Format::Json => serde_json::from_str(text).map_err(|e| parse_error(e.to_string()))?,
        };
        parsed.validate()?;
        Ok(parsed)
    }

    /// Number of neurons `p = round(ψ d)`.
    pub fn p(&self) -> usize {
        (self.psi * self.d as f64).round() as usize
    }

    /// Number of samples `n = round(α d)`.
    pub fn n(&self) -> usize {
        (self.alpha * self.d as f64).round() as usize
    }

    /// The probabilities of the second-layer law (uniform when not given).
    pub fn a_probs(&self) -> Vec<f64> {
        self.a_probs.clone().unwrap_or_else(|| {
            let k = self.a_values.len().max(1);
            vec![1.0 / k as f64; self.a_values.len()]
        })
    }

    /// Where the spike comes from: explicit groups, a learning rate, or none (`u = 0`,
    /// random features) when neither is given.
    pub fn spike_source(&self) -> SpikeSource {
        match (&self.groups, self.eta) {
            (Some(g), _) => SpikeSource::Groups(g.clone()),
            (None, Some(eta)) => SpikeSource::Step {
                eta,
                a_values: self.a_values.clone(),
                a_probs: self.a_probs(),
            },
            (None, None) => SpikeSource::Groups(vec![Group {
                u: 0.0,
                pi: 1.0,
                gamma: 1.0,
            }]),
        }
    }

    /// Checks every field; the error names the first invalid one.
    pub fn validate(&self) -> Result<()> {
        check_name("activation", &self.activation)?;
        check_name("target", &self.target)?;
        nonneg("noise", self.noise)?;
        positive("psi", self.psi)?;
        positive("alpha", self.alpha)?;
        positive("lambda", self.lambda)?;
        if self.groups.is_some() && self.eta.is_some() {
            return Err(Error::field(
                "groups",
                "give either `groups` or `eta` (with `a_values`/`a_probs`), not both",
            ));
        }
        if let Some(groups) = &self.groups {
            validate_groups("groups", groups)?;
        }
        if let Some(eta) = self.eta
            && !eta.is_finite()
        {
            return Err(Error::field("eta", format!("{eta} is not finite")));
        }
        if self.a_values.is_empty() || self.a_values.len() > MAX_GROUPS {
            return Err(Error::field(
                "a_values",
                format!("needs between 1 and {MAX_GROUPS} values"),
            ));
        }
        for (i, a) in self.a_values.iter().enumerate() {
            if !a.is_finite() {
                return Err(Error::field(
                    format!("a_values[{i}]"),
                    format!("{a} is not finite"),
                ));
            }
        }
        if let Some(probs) = &self.a_probs {
            if probs.len() != self.a_values.len() {
                return Err(Error::field(
                    "a_probs",
                    format!(
                        "has {} entries but a_values has {}",
                        probs.len(),
                        self.a_values.len()
                    ),
                ));
            }
            check_probs("a_probs", probs)?;
        }
        if self.d < 2 || self.d > MAX_D {
            return Err(Error::field(
                "d",
                format!("{} is outside the accepted range 2..={MAX_D}", self.d),
            ));
        }
        let (p, n) = (self.p(), self.n());
        if !(1..=MAX_SIDE).contains(&p) {
            return Err(Error::field(
                "psi",
                format!("p = psi*d = {p} is outside the accepted range 1..={MAX_SIDE}"),
            ));
        }
        if !(1..=MAX_SIDE).contains(&n) {
            return Err(Error::field(
                "alpha",
                format!("n = alpha*d = {n} is outside the accepted range 1..={MAX_SIDE}"),
            ));
        }
        if self.seeds.is_empty() || self.seeds.len() > MAX_SEEDS {
            return Err(Error::field(
                "seeds",
                format!("needs between 1 and {MAX_SEEDS} seeds"),
            ));
        }
        Ok(())
    }
}

/// Validates a list of spike groups (`field` names it in errors).
pub fn validate_groups(field: &str, groups: &[Group]) -> Result<()> {
    if groups.is_empty() || groups.len() > MAX_GROUPS {
        return Err(Error::field(
            field,
            format!("needs between 1 and {MAX_GROUPS} groups"),
        ));
    }
    for (i, g) in groups.iter().enumerate() {
        if !g.u.is_finite() {
            return Err(Error::field(
                format!("{field}[{i}].u"),
                format!("{} is not finite", g.u),
            ));
        }
        if !g.gamma.is_finite() {
            return Err(Error::field(
                format!("{field}[{i}].gamma"),
                format!("{} is not finite", g.gamma),
            ));
        }
    }
    let pis: Vec<f64> = groups.iter().map(|g| g.pi).collect();
    check_probs(&format!("{field}.pi"), &pis)
}

fn check_probs(field: &str, probs: &[f64]) -> Result<()> {
    for (i, &p) in probs.iter().enumerate() {
        if !(p.is_finite() && p > 0.0 && p <= 1.0) {
            return Err(Error::field(
                format!("{field}[{i}]"),
                format!("{p} is not a probability in (0, 1]"),
            ));
        }
    }
    let sum: f64 = probs.iter().sum();
    if (sum - 1.0).abs() > PROB_SUM_TOL {
        return Err(Error::field(field, format!("sum to {sum}, not 1")));
    }
    Ok(())
}

fn check_name(field: &str, s: &str) -> Result<()> {
    if s.trim().is_empty() {
        return Err(Error::field(field, "empty activation name"));
    }
    Ok(())
}

fn positive(field: &str, v: f64) -> Result<()> {
    if !(v.is_finite() && v > 0.0) {
        return Err(Error::field(
            field,
            format!("{v} must be a finite number > 0"),
        ));
    }
    Ok(())
}

fn nonneg(field: &str, v: f64) -> Result<()> {
    if !(v.is_finite() && v >= 0.0) {
        return Err(Error::field(
            field,
            format!("{v} must be a finite number >= 0"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_is_valid() {
        Experiment::default().validate().unwrap();
    }

    #[test]
    fn each_bad_field_is_named() {
        type Mutation = Box<dyn Fn(&mut Experiment)>;
        let cases: Vec<(&str, Mutation)> = vec![
            ("psi", Box::new(|e| e.psi = -1.0)),
            ("alpha", Box::new(|e| e.alpha = f64::NAN)),
            ("lambda", Box::new(|e| e.lambda = 0.0)),
            ("noise", Box::new(|e| e.noise = -0.1)),
            ("d", Box::new(|e| e.d = 10_000_000)),
            ("seeds", Box::new(|e| e.seeds.clear())),
            ("a_probs", Box::new(|e| e.a_probs = Some(vec![0.5]))),
            ("a_probs", Box::new(|e| e.a_probs = Some(vec![0.5, 0.6]))),
            (
                "groups.pi",
                Box::new(|e| {
                    e.groups = Some(vec![Group {
                        u: 1.0,
                        pi: 0.5,
                        gamma: 1.0,
                    }])
                }),
            ),
            (
                "groups",
                Box::new(|e| {
                    e.groups = Some(vec![Group {
                        u: 1.0,
                        pi: 1.0,
                        gamma: 1.0,
                    }]);
                    e.eta = Some(1.0);
                }),
            ),
            ("activation", Box::new(|e| e.activation = " ".into())),
        ];
        for (field, mutate) in cases {
            let mut e = Experiment::default();
            mutate(&mut e);
            let msg = e.validate().unwrap_err().to_string();
            assert!(msg.contains(&format!("`{field}")), "{field}: {msg}");
        }
    }

    #[test]
    fn json_round_trip() {
        let e = Experiment {
            eta: Some(3.0),
            ..Experiment::default()
        };
        let s = serde_json::to_string(&e).unwrap();
        let back: Experiment = serde_json::from_str(&s).unwrap();
        assert_eq!(back, e);
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let r: std::result::Result<Experiment, _> = toml::from_str("psy = 1.0");
        assert!(r.is_err());
    }

    #[test]
    fn spike_source_defaults_to_random_features() {
        let e = Experiment::default();
        assert_eq!(
            e.spike_source(),
            SpikeSource::Groups(vec![Group {
                u: 0.0,
                pi: 1.0,
                gamma: 1.0
            }])
        );
    }
}

#[cfg(test)]
mod size_limit_tests {
    use super::*;

    #[test]
    fn endless_config_file_is_rejected_at_the_size_limit() {
        let err = Experiment::from_file(Path::new("/dev/zero")).unwrap_err();
        assert!(
            err.to_string().contains("byte limit"),
            "unexpected error: {err}"
        );
    }
}
