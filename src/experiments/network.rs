//! Finite-`d` networks: first-layer weights of the spiked model or of the actual one-step
//! network (THEORY.md §2), and ridge regression of the second layer on their features with
//! test and training errors (THEORY.md §5). Built on giantstep-spiked's seeded sampling.
//!
//! One step (symmetric initialization, i.e. a labels-only gradient, `f ≡ 0` at init):
//! `W1 = W0 + η̃ diag(a) Ĝ`, `Ĝ_i = (1/n0) Σ_ν y_ν σ'(<w_i^0, x_ν>) x_ν`, `n0 = c d` fresh
//! samples, `a_i` in contiguous blocks with exact counts.

use crate::error::{Error, Result};
use crate::experiments::simulation::group_assignment;
use crate::model::Model;
use faer::linalg::solvers::Solve;
use faer::{Mat, Side};
use giantstep_spiked::seed::{derive_seed, tags};
use giantstep_spiked::{features, sampling, spike};

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
    let p = w0.nrows();
    let mut g = Mat::<f64>::zeros(p, d);
    let target = model.target.clone();
    let sigma = model.activation.clone();
    let mut first = 0;
    while first < n0 {
        let cnt = CHUNK.min(n0 - first);
        let c = sampling::labeled_chunk(
            &theta,
            |kk| target.eval(kk),
            model.noise,
            first as u64,
            cnt,
            derive_seed(seed, tags::STEP_DATA),
        )
        .map_err(k)?;
        let pre = &w0 * &c.x;
        let sp = Mat::from_fn(p, cnt, |i, j| sigma.derivative(pre[(i, j)]) * c.y[j]);
        g += &sp * c.x.transpose();
        first += cnt;
    }
    let w = Mat::from_fn(p, d, |i, j| {
        w0[(i, j)] + eta * a_values[groups[i]] * g[(i, j)] / n0 as f64
    });
    Ok(FirstLayer {
        w,
        w0,
        theta,
        groups,
    })
}

/// Squared overlap `<v, θ>²` of the top right-singular vector `v` of `W − W0` with `θ`
/// (the direction the step learned), by power iteration on `(W − W0)ᵀ(W − W0)`.
pub fn spike_overlap(layer: &FirstLayer) -> f64 {
    let delta = &layer.w - &layer.w0;
    let d = delta.ncols();
    let mut v = Mat::<f64>::from_fn(d, 1, |i, _| 1.0 + (i % 7) as f64 * 0.1);
    for _ in 0..200 {
        let t = &delta * &v;
        let mut nv = delta.transpose() * &t;
        let norm = nv.norm_l2();
        if norm == 0.0 {
            return 0.0;
        }
        nv *= faer::Scale(1.0 / norm);
        v = nv;
    }
    let dot: f64 = (0..d).map(|i| v[(i, 0)] * layer.theta[i]).sum();
    dot * dot
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
/// the test error uses `n_test` fresh samples (THEORY.md §5).
pub fn ridge(model: &Model, layer: &FirstLayer, seed: u64, n_test: usize) -> Result<RidgeOutcome> {
    let d = layer.w.ncols();
    let p = layer.w.nrows();
    let (_, n) = sizes(model, d);
    let target = model.target.clone();
    let sigma = model.activation.clone();
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
    let mut c = &f * f.transpose();
    c *= faer::Scale(1.0 / n as f64);
    for i in 0..p {
        c[(i, i)] += model.lambda;
    }
    let llt = c
        .llt(Side::Lower)
        .map_err(|e| Error::kernel("faer", format!("{e:?}")))?;
    let y = Mat::from_fn(n, 1, |j, _| tr.y[j]);
    let mut fy = &f * &y;
    fy *= faer::Scale(1.0 / n as f64);
    let beta = llt.solve(&fy);
    let pred = f.transpose() * &beta;
    let e_train = (0..n)
        .map(|j| (tr.y[j] - pred[(j, 0)]).powi(2))
        .sum::<f64>()
        / n as f64;
    let mut acc = 0.0;
    let mut first = 0;
    while first < n_test {
        let cnt = CHUNK.min(n_test - first);
        let te = sampling::labeled_chunk(
            &layer.theta,
            |kk| target.eval(kk),
            0.0,
            first as u64,
            cnt,
            derive_seed(seed, tags::TEST_DATA),
        )
        .map_err(k)?;
        let ft =
            features::features(layer.w.as_ref(), te.x.as_ref(), |z| sigma.eval(z)).map_err(k)?;
        let pr = ft.transpose() * &beta;
        acc += (0..cnt)
            .map(|j| (te.y[j] - pr[(j, 0)]).powi(2))
            .sum::<f64>();
        first += cnt;
    }
    Ok(RidgeOutcome {
        e_gen: acc / n_test.max(1) as f64 + model.noise,
        e_train,
    })
}
