//! Finite-`d` networks: first-layer weights of the spiked model or of the actual one-step
//! network (THEORY.md §2), and ridge regression of the second layer on their features with
//! test and training errors (THEORY.md §5). Thin glue over giantstep-spiked (`spike`,
//! `onestep`, `ridge`), the project's simulation ground truth.
//!
//! One step: independent (non-symmetric) rows `W0`, labels-only gradient (`r = y`, as under
//! the symmetric initialization where `f ≡ 0`), `a_i` in contiguous blocks with exact counts,
//! `n0 = c d` fresh samples: `W1 = W0 + η̃ diag(a) Ĝ` ([`giantstep_spiked::onestep::one_step`]).

use crate::error::{Error, Result};
use crate::model::Model;
use faer::Mat;
use giantstep_spiked::network::Network;
use giantstep_spiked::onestep::{self, Gradient, OneStepConfig};
use giantstep_spiked::seed::{derive_seed, tags};
use giantstep_spiked::{features, ridge as sridge, sampling, spike};

/// Group index per neuron: contiguous blocks with exact counts (largest remainders).
pub fn group_assignment(model: &Model, p: usize) -> Result<Vec<usize>> {
    let law = sampling::SecondLayerLaw::new(model.u(), model.pi())
        .or_else(|_| {
            // u values may repeat (e.g. u = 0 twice); the law only needs distinct labels.
            let labels: Vec<f64> = (0..model.groups.len()).map(|a| a as f64).collect();
            sampling::SecondLayerLaw::new(labels, model.pi())
        })
        .map_err(k)?;
    Ok(law.exact_groups(p))
}

fn k(e: impl std::fmt::Display) -> Error {
    Error::kernel("spiked", e)
}

/// Samples per chunk when streaming large batches.
const CHUNK: usize = 4096;

/// The first layer, its target direction and the group of each neuron.
#[derive(Debug, Clone)]
pub struct FirstLayer {
    /// `W ∈ R^{p×d}`.
    pub w: Mat<f64>,
    /// `W0` (before the step / spike).
    pub w0: Mat<f64>,
    /// `θ`.
    pub theta: Vec<f64>,
    /// Group index per neuron.
    pub groups: Vec<usize>,
    /// Second-layer weights `a_i` and the step settings, for one-step layers.
    step: Option<(Vec<f64>, OneStepConfig)>,
}

/// `(p, n)` for `model` at dimension `d`.
pub fn sizes(model: &Model, d: usize) -> (usize, usize) {
    crate::experiments::simulation::sizes(model, d)
}

fn init(model: &Model, d: usize, seed: u64) -> Result<(Mat<f64>, Vec<f64>, Vec<usize>)> {
    let (p, _) = sizes(model, d);
    let w0 = sampling::sphere_rows(p, d, derive_seed(seed, tags::FIRST_LAYER)).map_err(k)?;
    let theta = sampling::unit_direction(d, derive_seed(seed, tags::TARGET)).map_err(k)?;
    let groups = group_assignment(model, p)?;
    Ok((w0, theta, groups))
}

/// Spiked first layer `W0 + u θᵀ + diag(γ − 1) W0 θ θᵀ` with the model's groups.
pub fn spiked_layer(model: &Model, d: usize, seed: u64) -> Result<FirstLayer> {
    let (w0, theta, groups) = init(model, d, seed)?;
    let u: Vec<f64> = groups.iter().map(|&a| model.groups[a].u).collect();
    let gamma: Vec<f64> = groups.iter().map(|&a| model.groups[a].gamma).collect();
    let w = spike::spiked_weights(w0.as_ref(), &theta, &u, Some(&gamma)).map_err(k)?;
    Ok(FirstLayer {
        w,
        w0,
        theta,
        groups,
        step: None,
    })
}

/// The one-step network's first layer: `a` takes `a_values[g]` on group `g` of `model`
/// (whose fractions are the law's probabilities), batch `n0`, learning rate `eta`.
pub fn one_step_layer(
    model: &Model,
    d: usize,
    seed: u64,
    eta: f64,
    a_values: &[f64],
    n0: usize,
) -> Result<FirstLayer> {
    if a_values.len() != model.groups.len() {
        return Err(Error::field(
            "a_values",
            format!(
                "{} values for {} groups",
                a_values.len(),
                model.groups.len()
            ),
        ));
    }
    let (w0, theta, groups) = init(model, d, seed)?;
    let a: Vec<f64> = groups.iter().map(|&g| a_values[g]).collect();
    let net = Network::from_parts(w0, a).map_err(k)?;
    let cfg = OneStepConfig {
        delta: model.noise,
        gradient: Gradient::LabelsOnly,
        chunk: CHUNK,
        ..OneStepConfig::new(eta, n0)
    };
    let w =
        onestep::one_step(&net, &theta, &model.activation, &model.target, &cfg, seed).map_err(k)?;
    Ok(FirstLayer {
        w,
        w0: net.w,
        theta,
        groups,
        step: Some((net.a, cfg)),
    })
}

/// Squared overlap `<v, θ>²` of the top right-singular vector `v` of `W − W0` with `θ`
/// (the direction the step learned), from giantstep-spiked's step diagnostics. Layers that
/// are not one-step layers are diagnosed as a step with `a = 1`, `η̃ = 1`, `n0 = d` (the
/// overlap does not depend on them).
pub fn spike_overlap(model: &Model, layer: &FirstLayer) -> Result<f64> {
    let (p, d) = (layer.w.nrows(), layer.w.ncols());
    let (a, cfg) = match &layer.step {
        Some((a, cfg)) => (a.clone(), cfg.clone()),
        None => (vec![1.0; p], OneStepConfig::new(1.0, d)),
    };
    let diag = onestep::step_diagnostics(
        layer.w0.as_ref(),
        layer.w.as_ref(),
        &layer.theta,
        &a,
        &model.activation,
        &model.target,
        &cfg,
    )
    .map_err(k)?;
    Ok(diag.overlap * diag.overlap)
}

/// Result of ridge regression of the second layer on one draw.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RidgeOutcome {
    /// Test error on fresh noiseless samples, plus `Δ`.
    pub e_gen: f64,
    /// Training error `(1/n)|y − Fᵀβ|²` (this draw's noise).
    pub e_train: f64,
}

/// Ridge `β = (F Fᵀ/n + λ I)^{-1} F y / n` on `n = α d` fresh samples and its errors;
/// the test error uses `n_test` fresh noiseless samples, plus `Δ` (THEORY.md §5).
pub fn ridge(model: &Model, layer: &FirstLayer, seed: u64, n_test: usize) -> Result<RidgeOutcome> {
    let d = layer.w.ncols();
    let (_, n) = sizes(model, d);
    let sigma = &model.activation;
    let target = &model.target;
    let tr = sampling::labeled_chunk(
        &layer.theta,
        |kk| target.eval(kk),
        model.noise,
        0,
        n,
        derive_seed(seed, tags::TRAIN_DATA),
    )
    .map_err(k)?;
    let f = features::features(layer.w.as_ref(), tr.x.as_ref(), |z| sigma.eval(z)).map_err(k)?;
    let fit = sridge::ridge(f.as_ref(), &tr.y, model.lambda).map_err(k)?;
    drop(f);
    let test = sridge::test_error(
        layer.w.as_ref(),
        &fit.beta,
        &layer.theta,
        sigma,
        target,
        0.0,
        n_test.max(1),
        CHUNK,
        derive_seed(seed, tags::TEST_DATA),
    )
    .map_err(k)?;
    Ok(RidgeOutcome {
        e_gen: test.mean + model.noise,
        e_train: fit.train_error,
    })
}
