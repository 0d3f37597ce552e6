//! Asymptotic test and training error of the retrained second layer (THEORY.md §5, kernel
//! `giantstep-risk`), and learning curves over `α` or `η̃` for random features (`u = 0`) vs
//! learned features.

use crate::error::{Error, Result};
use crate::model::{Model, ModelSummary};
use crate::progress::Progress;
use giantstep_risk::curves::{CurvePoint, Sweep, learning_curve};
use giantstep_risk::{Decomposition, Group, RiskProblem};
use serde::{Deserialize, Serialize};

/// `E_gen`, `E_train` and the decomposition of `E_gen` at one configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskPoint {
    /// The model.
    pub model: ModelSummary,
    /// Test error `E_gen` (includes `Δ`).
    pub r#gen: f64,
    /// Training error `E_train`.
    pub train: f64,
    /// `E_gen = bias + g_price + variance + noise`.
    pub decomposition: Decomposition,
    /// Part of the target outside the learnable span (without `Δ`).
    pub irreducible: f64,
    /// Spectral radius of `ΦΞ` (→ 1 at the interpolation peak).
    pub spectral_radius: f64,
}

/// The risk kernel's problem for `model`.
pub fn risk_problem(model: &Model) -> RiskProblem {
    RiskProblem::new(
        model.activation.clone(),
        model.target.clone(),
        model.noise,
        model
            .groups
            .iter()
            .map(|g| Group {
                u: g.u,
                pi: g.pi,
                gamma: g.gamma,
            })
            .collect(),
        model.psi,
        model.alpha,
        model.lambda,
    )
}

/// Asymptotic `E_gen`, `E_train` of `model`.
pub fn risk(model: &Model) -> Result<RiskPoint> {
    let r = risk_problem(model).solve().map_err(Error::risk)?;
    Ok(RiskPoint {
        model: model.summary(),
        r#gen: r.e_gen,
        train: r.e_train,
        decomposition: r.decomposition,
        irreducible: r.irreducible,
        spectral_radius: r.spectral_radius,
    })
}

/// A theory learning curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Curve {
    /// Label (`random features`, `learned features`).
    pub label: String,
    /// The model.
    pub model: ModelSummary,
    /// Points.
    pub points: Vec<CurvePoint>,
}

/// `E_gen(α)` for `model` on `alphas`.
pub fn curve_alpha(
    model: &Model,
    label: &str,
    alphas: &[f64],
    progress: &dyn Progress,
) -> Result<Curve> {
    progress.start(&format!("theory: {label}"), 1);
    let points = learning_curve(&risk_problem(model), &Sweep::Alpha(alphas.to_vec()))
        .map_err(Error::risk)?;
    progress.inc(1);
    Ok(Curve {
        label: label.to_string(),
        model: model.summary(),
        points,
    })
}

/// `E_gen(η̃)` of the one-step model (θ-rescaled groups from the second-layer law
/// `a_values`, `a_probs`) on `etas`.
pub fn curve_eta(
    model: &Model,
    label: &str,
    etas: &[f64],
    a_values: &[f64],
    a_probs: &[f64],
    progress: &dyn Progress,
) -> Result<Curve> {
    progress.start(&format!("theory: {label}"), 1);
    let sweep = Sweep::Eta {
        etas: etas.to_vec(),
        a_values: a_values.to_vec(),
        fractions: a_probs.to_vec(),
        theta_rescaled: true,
    };
    let points = learning_curve(&risk_problem(model), &sweep).map_err(Error::risk)?;
    progress.inc(1);
    Ok(Curve {
        label: label.to_string(),
        model: model.summary(),
        points,
    })
}
