//! Theory vs simulation of the retrained second layer (THEORY.md §5) and the one-step
//! equivalence of THEORY.md §2: learning curves `E_gen(α)` for random vs learned features,
//! and the one-step network vs the spiked model as the batch `n0 = c d` grows.

use super::network::{self, RidgeOutcome};
use super::risk::{self, Curve};
use super::{C, c};
use crate::error::{Error, Result};
use crate::model::{Model, ModelSummary};
use crate::progress::Progress;
use crate::stats::mean_and_stderr;
use giantstep_hermite::ShiftedCoefficients;
use giantstep_spiked::spectrum::empirical_stieltjes;
use giantstep_spiked::{features, onestep, sampling, spectrum};
use num_complex::Complex64;
use serde::{Deserialize, Serialize};

/// Theory vs simulation of `E_gen`, `E_train` at one configuration.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskComparison {
    /// The model.
    pub model: ModelSummary,
    /// Dimension.
    pub d: usize,
    /// Seeds.
    pub seeds: Vec<u64>,
    /// Theory `E_gen`.
    pub theory_gen: f64,
    /// Theory `E_train`.
    pub theory_train: f64,
    /// Simulated `E_gen` (seed mean) and its standard error.
    pub sim_gen: (f64, f64),
    /// Simulated `E_train` (seed mean) and its standard error.
    pub sim_train: (f64, f64),
    /// Simulated `E_gen` per seed (in the order of `seeds`).
    pub seed_gen: Vec<f64>,
    /// Simulated `E_train` per seed (in the order of `seeds`).
    pub seed_train: Vec<f64>,
}

/// Ridge on the spiked model's features for every seed.
pub fn simulate_risk(
    model: &Model,
    d: usize,
    seeds: &[u64],
    n_test: usize,
) -> Result<Vec<RidgeOutcome>> {
    seeds
        .iter()
        .map(|&s| {
            let layer = network::spiked_layer(model, d, s)?;
            network::ridge(model, &layer, s, n_test)
        })
        .collect()
}

/// Largest number of fresh test samples per seed accepted by [`compare_risk`].
pub const MAX_N_TEST: usize = 10_000_000;

/// `E_gen`, `E_train`: theory and simulation at dimension `d`, with `n_test` fresh test
/// samples per seed (`1..=MAX_N_TEST`, else an `InvalidField` error naming `n_test`).
pub fn compare_risk(
    model: &Model,
    d: usize,
    seeds: &[u64],
    n_test: usize,
    progress: &dyn Progress,
) -> Result<RiskComparison> {
    if n_test == 0 || n_test > MAX_N_TEST {
        return Err(Error::field(
            "n_test",
            format!("{n_test} is outside 1..={MAX_N_TEST}"),
        ));
    }
    let th = risk::risk(model)?;
    progress.start("simulation: ridge", seeds.len() as u64);
    let mut outs = Vec::new();
    for &s in seeds {
        outs.extend(simulate_risk(model, d, &[s], n_test)?);
        progress.inc(1);
    }
    let gens: Vec<f64> = outs.iter().map(|o| o.e_gen).collect();
    let trains: Vec<f64> = outs.iter().map(|o| o.e_train).collect();
    Ok(RiskComparison {
        model: model.summary(),
        d,
        seeds: seeds.to_vec(),
        theory_gen: th.r#gen,
        theory_train: th.train,
        sim_gen: mean_and_stderr(&gens),
        sim_train: mean_and_stderr(&trains),
        seed_gen: gens,
        seed_train: trains,
    })
}

/// Learning curves `E_gen(α)`: theory line and simulation points, with the unlearnable part.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LearningCurve {
    /// Theory curve.
    pub theory: Curve,
    /// Simulation points `(α, mean E_gen, stderr)`.
    pub simulation: Vec<(f64, f64, f64)>,
    /// Dimension of the simulations.
    pub d: usize,
}

/// `E_gen(α)` for `model`: theory on `alphas_theory`, simulation at `alphas_sim`.
#[allow(clippy::too_many_arguments)]
pub fn learning_curve(
    model: &Model,
    label: &str,
    alphas_theory: &[f64],
    alphas_sim: &[f64],
    d: usize,
    seeds: &[u64],
    n_test: usize,
    progress: &dyn Progress,
) -> Result<LearningCurve> {
    let theory = risk::curve_alpha(model, label, alphas_theory, progress)?;
    progress.start(
        &format!("simulation: {label}"),
        (alphas_sim.len() * seeds.len()) as u64,
    );
    let mut simulation = Vec::new();
    for &alpha in alphas_sim {
        let mut m = model.clone();
        m.alpha = alpha;
        let mut gens = Vec::new();
        for &s in seeds {
            gens.push(simulate_risk(&m, d, &[s], n_test)?[0].e_gen);
            progress.inc(1);
        }
        let (g, se) = mean_and_stderr(&gens);
        simulation.push((alpha, g, se));
    }
    Ok(LearningCurve {
        theory,
        simulation,
        d,
    })
}

/// One batch size of the one-step equivalence experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneStepPoint {
    /// `c = n0/d`.
    pub c: f64,
    /// Squared overlap of the learned spike direction with `θ`, per seed.
    pub overlap: Vec<f64>,
    /// Prediction `cos_c² = c μ1*² / (c μ1*² + E σ*² + Δ)` (THEORY.md §2).
    pub overlap_theory: f64,
    /// `m(z)` of the one-step network's features, per seed, per `z`.
    pub m_onestep: Vec<Vec<C>>,
    /// Relative gap `|m_onestep − m_theory| / |m_theory|` per `z` (seed mean).
    pub m_gap: Vec<f64>,
    /// Test error of the ridge retrained on the one-step features (seed mean, stderr).
    pub e_gen: (f64, f64),
}

/// The one-step vs spiked-model experiment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OneStepEquivalence {
    /// The θ-rescaled spiked model predicted by the step.
    pub model: ModelSummary,
    /// `η̃`.
    pub eta: f64,
    /// Dimension.
    pub d: usize,
    /// Seeds.
    pub seeds: Vec<u64>,
    /// Points `z`.
    pub z: Vec<C>,
    /// Theory `m(z)` of the spiked model.
    pub m_theory: Vec<C>,
    /// Theory `E_gen` of the θ-rescaled spiked model.
    pub e_gen_theory: f64,
    /// Theory `E_gen` of the plain (`γ = 1`) spiked model.
    pub e_gen_theory_plain: f64,
    /// Per batch size.
    pub points: Vec<OneStepPoint>,
}

/// `cos_c² = c μ1(σ*)² / (c μ1(σ*)² + E[σ*²] + Δ)`.
pub fn overlap_prediction(model: &Model, c: f64) -> Result<f64> {
    let sc = ShiftedCoefficients::new(model.target.clone(), 1).map_err(Error::hermite)?;
    let v = sc.eval(0.0).map_err(Error::hermite)?;
    Ok(onestep::finite_batch_cos2(
        c,
        model.mu_target[1],
        v.second_moment,
        model.noise,
    ))
}

/// Runs the one-step network at batch sizes `n0 = c d` for each `c` in `cs` and compares
/// with the θ-rescaled spiked model of `model` (whose groups must be the step's groups,
/// i.e. built from `eta` and the law `a_values`).
#[allow(clippy::too_many_arguments)]
pub fn one_step_equivalence(
    model: &Model,
    eta: f64,
    a_values: &[f64],
    cs: &[f64],
    d: usize,
    seeds: &[u64],
    zs: &[Complex64],
    n_test: usize,
    progress: &dyn Progress,
) -> Result<OneStepEquivalence> {
    let m_theory = super::spectrum::theory_m(model, zs)?;
    let e_gen_theory = risk::risk(model)?.r#gen;
    let plain = model.with_groups(
        model
            .groups
            .iter()
            .map(|g| crate::config::Group { gamma: 1.0, ..*g })
            .collect(),
    )?;
    let e_gen_theory_plain = risk::risk(&plain)?.r#gen;
    let (_, n) = network::sizes(model, d);
    progress.start("simulation: one step", (cs.len() * seeds.len()) as u64);
    let mut points = Vec::new();
    let (mut f, mut workspace) = (faer::Mat::new(), spectrum::CovarianceWorkspace::new());
    for &cval in cs {
        let n0 = (cval * d as f64).round().max(1.0) as usize;
        let mut overlap = Vec::new();
        let mut m_onestep = Vec::new();
        let mut gens = Vec::new();
        for &s in seeds {
            let layer = network::one_step_layer(model, d, s, eta, a_values, n0)?;
            overlap.push(network::spike_overlap(model, &layer)?);
            let x = sampling::gaussian_data(
                d,
                n,
                giantstep_spiked::seed::derive_seed(s, giantstep_spiked::seed::tags::TRAIN_DATA),
            )
            .map_err(|e| Error::kernel("spiked", e))?;
            let act = model.activation.clone();
            features::features_into(layer.w.as_ref(), x.as_ref(), |z| act.eval(z), &mut f)
                .map_err(|e| Error::kernel("spiked", e))?;
            let ev = workspace
                .covariance_eigenvalues(f.as_ref())
                .map_err(|e| Error::kernel("spiked", e))?;
            m_onestep.push(
                zs.iter()
                    .map(|&z| c(empirical_stieltjes(&ev, z)))
                    .collect::<Vec<C>>(),
            );
            gens.push(network::ridge(model, &layer, s, n_test)?.e_gen);
            progress.inc(1);
        }
        let m_gap = (0..zs.len())
            .map(|j| {
                let gaps: Vec<f64> = m_onestep
                    .iter()
                    .map(|ms| {
                        let v = Complex64::new(ms[j][0], ms[j][1]);
                        (v - m_theory[j]).norm() / m_theory[j].norm()
                    })
                    .collect();
                mean_and_stderr(&gaps).0
            })
            .collect();
        points.push(OneStepPoint {
            c: cval,
            overlap,
            overlap_theory: overlap_prediction(model, cval)?,
            m_onestep,
            m_gap,
            e_gen: mean_and_stderr(&gens),
        });
    }
    Ok(OneStepEquivalence {
        model: model.summary(),
        eta,
        d,
        seeds: seeds.to_vec(),
        z: zs.iter().map(|&z| c(z)).collect(),
        m_theory: m_theory.iter().map(|&z| c(z)).collect(),
        e_gen_theory,
        e_gen_theory_plain,
        points,
    })
}
