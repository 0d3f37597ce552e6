//! End-to-end simulations: the spiked random-features model and the one-step network,
//! each followed by ridge on the second layer (THEORY.md §2, §5).
//!
//! Seeds: from the master `seed`, `derive_seed(seed, tag)` with the tags of
//! [`crate::seed::tags`] for `θ`, `W0`, `a`, the one-step batch, training and test data.

use giantstep_hermite::Activation;

use crate::error::{SpikedError, check_nonnegative, check_positive, check_size};
use crate::features::features;
use crate::network::{GroupSampling, Initialization, Network};
use crate::onestep::{OneStepConfig, StepDiagnostics, one_step, step_diagnostics};
use crate::ridge::{RidgeFit, TestError, ridge, test_error};
use crate::sampling::{SecondLayerLaw, labeled_chunk, sphere_rows, unit_direction};
use crate::seed::{derive_seed, tags};
use crate::spike::{SpikeGroups, spiked_weights};

/// Largest input dimension accepted by the simulation routines.
pub const MAX_DIMENSION: usize = 20_000;

/// Settings shared by the ridge stage of all simulations.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RidgeStage {
    /// `α = n/d` (training samples of the ridge stage).
    pub alpha: f64,
    /// Ridge penalty `λ ≥ 0`.
    pub lambda: f64,
    /// Number of fresh test points for `E_gen`.
    pub n_test: usize,
    /// Test points per chunk.
    pub test_chunk: usize,
}

/// A spiked random-features experiment (THEORY.md §2 spiked model + §5 ridge).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SpikedRfConfig {
    /// Activation `σ`.
    pub sigma: Activation,
    /// Target `σ*`.
    pub target: Activation,
    /// Label noise variance `Δ`.
    pub delta: f64,
    /// Spike groups `(u_a, π_a, γ_a)` (`γ_a = 1`: plain spiked model).
    pub groups: SpikeGroups,
    /// `ψ = p/d`.
    pub psi: f64,
    /// Ridge stage.
    pub ridge: RidgeStage,
    /// Input dimension `d`.
    pub d: usize,
    /// Master seed.
    pub seed: u64,
}

/// Result of a simulation followed by ridge.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RidgeOutcome {
    /// Width `p = round(ψ d)`.
    pub p: usize,
    /// Training samples `n = round(α d)`.
    pub n: usize,
    /// Training error `E_train`.
    pub e_train: f64,
    /// Test error estimate `E_gen` (with standard error).
    pub e_gen: TestError,
    /// The fitted readout.
    pub fit: RidgeFit,
    /// Empirical `κ_ν = <θ, x_ν>` of the training set (for the conditional theory, §4).
    pub kappa: Vec<f64>,
}

fn sizes(d: usize, psi: f64, alpha: f64) -> Result<(usize, usize), SpikedError> {
    check_size("d", d)?;
    if d > MAX_DIMENSION {
        return Err(SpikedError::TooLarge {
            what: "dimension d",
            requested: d,
            limit: MAX_DIMENSION,
        });
    }
    check_positive("psi", psi)?;
    check_positive("alpha", alpha)?;
    let p = (psi * d as f64).round().max(1.0) as usize;
    let n = (alpha * d as f64).round().max(1.0) as usize;
    crate::error::check_matrix("features", p, n)?;
    Ok((p, n))
}

/// Ridge stage on given first-layer weights `w` (shared by the spiked and one-step runs).
#[allow(clippy::too_many_arguments)]
fn ridge_stage(
    w: faer::MatRef<'_, f64>,
    theta: &[f64],
    sigma: &Activation,
    target: &Activation,
    delta: f64,
    n: usize,
    stage: &RidgeStage,
    seed: u64,
) -> Result<RidgeOutcome, SpikedError> {
    check_nonnegative("lambda", stage.lambda)?;
    let train = labeled_chunk(
        theta,
        |k| target.eval(k),
        delta,
        0,
        n,
        derive_seed(seed, tags::TRAIN_DATA),
    )?;
    let f = features(w, train.x.as_ref(), |z| sigma.eval(z))?;
    let fit = ridge(f.as_ref(), &train.y, stage.lambda)?;
    drop(f);
    let e_gen = test_error(
        w,
        &fit.beta,
        theta,
        sigma,
        target,
        delta,
        stage.n_test,
        stage.test_chunk,
        derive_seed(seed, tags::TEST_DATA),
    )?;
    Ok(RidgeOutcome {
        p: w.nrows(),
        n,
        e_train: fit.train_error,
        e_gen,
        fit,
        kappa: train.kappa,
    })
}

/// Runs the spiked random-features simulation: `θ`, `W0` (sphere rows), exact group
/// counts, `W = W0 + u θ^T + diag(γ−1) W0 θ θ^T`, ridge on `n = α d` fresh samples,
/// `E_gen` on `n_test` fresh test points.
///
/// ```
/// use giantstep_hermite::Activation;
/// use giantstep_spiked::simulation::{RidgeStage, SpikedRfConfig, simulate_spiked_rf};
/// use giantstep_spiked::spike::SpikeGroups;
/// let cfg = SpikedRfConfig {
///     sigma: Activation::Relu,
///     target: Activation::Tanh,
///     delta: 0.0,
///     groups: SpikeGroups::new(vec![-2.0, 2.0], vec![0.5, 0.5]).unwrap(),
///     psi: 1.0,
///     ridge: RidgeStage { alpha: 2.0, lambda: 0.1, n_test: 2000, test_chunk: 1000 },
///     d: 50,
///     seed: 1,
/// };
/// let out = simulate_spiked_rf(&cfg).unwrap();
/// assert!(out.e_train < out.e_gen.mean);
/// ```
pub fn simulate_spiked_rf(cfg: &SpikedRfConfig) -> Result<RidgeOutcome, SpikedError> {
    let (p, n) = sizes(cfg.d, cfg.psi, cfg.ridge.alpha)?;
    check_nonnegative("delta", cfg.delta)?;
    let theta = unit_direction(cfg.d, derive_seed(cfg.seed, tags::TARGET))?;
    let w0 = sphere_rows(p, cfg.d, derive_seed(cfg.seed, tags::FIRST_LAYER))?;
    let groups = cfg.groups.exact_groups(p);
    let u = cfg.groups.u_per_neuron(&groups);
    let gamma = cfg.groups.gamma_per_neuron(&groups);
    let rescaled = gamma.iter().any(|&g| g != 1.0);
    let w = spiked_weights(
        w0.as_ref(),
        &theta,
        &u,
        if rescaled { Some(&gamma) } else { None },
    )?;
    drop(w0);
    ridge_stage(
        w.as_ref(),
        &theta,
        &cfg.sigma,
        &cfg.target,
        cfg.delta,
        n,
        &cfg.ridge,
        cfg.seed,
    )
}

/// A one-step network experiment: sample the network, take one giant step on `n0` fresh
/// samples, then ridge on the second layer with the learned first layer (THEORY.md §2, §5d).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OneStepRfConfig {
    /// Activation `σ`.
    pub sigma: Activation,
    /// Target `σ*`.
    pub target: Activation,
    /// Label noise variance `Δ` (both stages).
    pub delta: f64,
    /// Law of the second-layer weights `a`.
    pub law: SecondLayerLaw,
    /// Initialization (symmetric by default in THEORY.md).
    pub init: Initialization,
    /// Exact or i.i.d. group counts.
    pub group_sampling: GroupSampling,
    /// The step (`η̃`, `n0`, gradient kind, chunk); its `delta` is overridden by `delta`.
    pub step: OneStepConfig,
    /// `ψ = p/d`.
    pub psi: f64,
    /// Ridge stage.
    pub ridge: RidgeStage,
    /// Input dimension `d`.
    pub d: usize,
    /// Master seed.
    pub seed: u64,
}

/// Result of [`simulate_one_step_rf`].
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OneStepOutcome {
    /// Ridge results with the learned first layer.
    pub ridge: RidgeOutcome,
    /// Diagnostics of the step.
    pub diagnostics: StepDiagnostics,
}

/// Runs the one-step network simulation (see [`OneStepRfConfig`]).
pub fn simulate_one_step_rf(cfg: &OneStepRfConfig) -> Result<OneStepOutcome, SpikedError> {
    let (p, n) = sizes(cfg.d, cfg.psi, cfg.ridge.alpha)?;
    check_nonnegative("delta", cfg.delta)?;
    let theta = unit_direction(cfg.d, derive_seed(cfg.seed, tags::TARGET))?;
    let net = Network::sample(p, cfg.d, &cfg.law, cfg.init, cfg.group_sampling, cfg.seed)?;
    let mut step = cfg.step.clone();
    step.delta = cfg.delta;
    let w1 = one_step(&net, &theta, &cfg.sigma, &cfg.target, &step, cfg.seed)?;
    let diagnostics = step_diagnostics(
        net.w(),
        w1.as_ref(),
        &theta,
        &net.a,
        &cfg.sigma,
        &cfg.target,
        &step,
    )?;
    drop(net);
    let ridge = ridge_stage(
        w1.as_ref(),
        &theta,
        &cfg.sigma,
        &cfg.target,
        cfg.delta,
        n,
        &cfg.ridge,
        cfg.seed,
    )?;
    Ok(OneStepOutcome { ridge, diagnostics })
}
