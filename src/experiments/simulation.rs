//! Simulation side of the spectrum: spiked random features at finite `d` (giantstep-spiked),
//! eigenvalues of `F Fᵀ/n`, histogram, empirical `m(z) = (1/p) tr (F Fᵀ/n − z)^{-1}`, and the
//! theory on the same footing: the Gaussian theory (κ ~ N(0,1)) and the conditional theory
//! on the simulation's own `κ_ν` (THEORY.md §4, Validation).
//!
//! Model simulated (THEORY.md §2): `W = W0 + u θᵀ + diag(γ − 1) W0 θ θᵀ`, rows of `W0`
//! uniform on the sphere, groups in contiguous blocks with exact counts, `F = σ(W X)`.

use super::spectrum::{TheorySpectrum, theory_spectrum};
use super::{C, c};
use crate::error::{Error, Result};
use crate::model::{Model, ModelSummary};
use crate::progress::Progress;
use crate::stats::{Histogram, kolmogorov_distance_with_atom, mean_and_stderr};
use giantstep_spiked::seed::{derive_seed, tags};
use giantstep_spiked::{features, sampling, spectrum};
use num_complex::Complex64;
use serde::{Deserialize, Serialize};

/// One simulated draw of spiked features.
#[derive(Debug, Clone)]
pub struct Draw {
    /// `κ_ν = <θ, x_ν>` of the `n` samples.
    pub kappa: Vec<f64>,
    /// The `p` eigenvalues of `F Fᵀ/n`, ascending.
    pub eigenvalues: Vec<f64>,
}

pub use super::network::group_assignment;

/// Simulates the spiked features of `model` at dimension `d` with `seed`.
pub fn draw(model: &Model, d: usize, seed: u64) -> Result<Draw> {
    let (_, n) = sizes(model, d);
    let k = |e| Error::kernel("spiked", e);
    let layer = super::network::spiked_layer(model, d, seed)?;
    let x = sampling::gaussian_data(d, n, derive_seed(seed, tags::TRAIN_DATA)).map_err(k)?;
    let kappa = sampling::kappa(&layer.theta, x.as_ref()).map_err(k)?;
    let act = &model.activation;
    let f = features::features(layer.w.as_ref(), x.as_ref(), |z| act.eval(z)).map_err(k)?;
    let eigenvalues = spectrum::covariance_eigenvalues(f.as_ref()).map_err(k)?;
    Ok(Draw { kappa, eigenvalues })
}

/// `(p, n) = (round(ψ d), round(α d))`.
pub fn sizes(model: &Model, d: usize) -> (usize, usize) {
    (
        (model.psi * d as f64).round().max(1.0) as usize,
        (model.alpha * d as f64).round().max(1.0) as usize,
    )
}

/// Theory vs simulation of `m(z)` at one `z`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ZComparison {
    /// `z`.
    pub z: C,
    /// Gaussian theory `m(z)`.
    pub theory: C,
    /// Simulated `m(z)`, seed mean.
    pub simulation: C,
    /// Standard error of the seed mean (re, im).
    pub stderr: C,
    /// Simulated `m(z)` per seed.
    pub per_seed: Vec<C>,
    /// Conditional theory per seed (same `κ_ν`).
    pub conditional: Vec<C>,
}

/// The simulated spectrum with the theory alongside.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SimulatedSpectrum {
    /// The model.
    pub model: ModelSummary,
    /// Dimension `d`.
    pub d: usize,
    /// Width `p`.
    pub p: usize,
    /// Samples `n`.
    pub n: usize,
    /// Seeds.
    pub seeds: Vec<u64>,
    /// Eigenvalues per seed (ascending).
    pub eigenvalues: Vec<Vec<f64>>,
    /// Histogram of the nonzero eigenvalues of all seeds on the theory's grid range,
    /// normalized by the total count (so it integrates like the density without the atom).
    pub histogram: Histogram,
    /// `m(z)` comparisons.
    pub z: Vec<ZComparison>,
    /// Kolmogorov distance of the bulk (largest `r_out` eigenvalues dropped) to the theory
    /// CDF, per seed.
    pub kolmogorov: Vec<f64>,
    /// Largest eigenvalues per seed (as many as predicted outliers).
    pub top: Vec<Vec<f64>>,
    /// Predicted outliers at this `p`.
    pub predicted_outliers: Vec<f64>,
    /// The theory spectrum.
    pub theory: TheorySpectrum,
}

/// Eigenvalues below `ZERO_REL · (right edge)` count as the atom at 0 (the exact zeros of a
/// rank-deficient `F Fᵀ/n` come out at round-off level).
pub const ZERO_REL: f64 = 1e-9;

/// Histogram bins of the simulated spectrum.
pub const HISTOGRAM_BINS: usize = 70;

/// Simulates `seeds.len()` draws at dimension `d` and compares them with the theory at `zs`.
pub fn simulate_spectrum(
    model: &Model,
    d: usize,
    seeds: &[u64],
    zs: &[Complex64],
    progress: &dyn Progress,
) -> Result<SimulatedSpectrum> {
    let theory = theory_spectrum(model, None, progress)?;
    let (p, n) = sizes(model, d);
    let theory_m = super::spectrum::theory_m(model, zs)?;
    progress.start("simulation: seeds", seeds.len() as u64);
    let mut eigenvalues = Vec::new();
    let mut conditional: Vec<Vec<C>> = vec![Vec::new(); zs.len()];
    for &seed in seeds {
        let dr = draw(model, d, seed)?;
        let weights = vec![1.0 / dr.kappa.len() as f64; dr.kappa.len()];
        let cond = normalized_problem(model, &dr.kappa, &weights)?;
        for (j, &z) in zs.iter().enumerate() {
            let s = cond.solve(z).map_err(Error::stieltjes)?;
            conditional[j].push(c(s.m));
        }
        eigenvalues.push(dr.eigenvalues);
        progress.inc(1);
    }
    progress.finish();
    let z = zs
        .iter()
        .enumerate()
        .map(|(j, &zz)| {
            let per: Vec<C> = eigenvalues
                .iter()
                .map(|ev| c(spectrum::empirical_stieltjes(ev, zz)))
                .collect();
            let (re, re_se) = mean_and_stderr(&per.iter().map(|v| v[0]).collect::<Vec<_>>());
            let (im, im_se) = mean_and_stderr(&per.iter().map(|v| v[1]).collect::<Vec<_>>());
            ZComparison {
                z: c(zz),
                theory: c(theory_m[j]),
                simulation: [re, im],
                stderr: [re_se, im_se],
                per_seed: per,
                conditional: conditional[j].clone(),
            }
        })
        .collect();
    let predicted_outliers = theory.outliers(p);
    let r_out = predicted_outliers.len();
    let cdf = theory.cdf();
    let scale = theory.right_edge.max(theory.rf_edge).max(1e-300);
    let kolmogorov = eigenvalues
        .iter()
        .map(|ev| {
            let bulk = &ev[..ev.len() - r_out.min(ev.len())];
            let positive: Vec<f64> = bulk
                .iter()
                .copied()
                .filter(|&l| l > ZERO_REL * scale)
                .collect();
            kolmogorov_distance_with_atom(&positive, bulk.len() - positive.len(), &cdf)
        })
        .collect();
    let top = eigenvalues
        .iter()
        .map(|ev| ev.iter().rev().take(r_out).copied().collect())
        .collect();
    let hi = theory.x[theory.x.len() - 1];
    let nonzero: Vec<f64> = eigenvalues
        .iter()
        .flatten()
        .copied()
        .filter(|&l| l > ZERO_REL * scale)
        .collect();
    let total: usize = eigenvalues.iter().map(Vec::len).sum();
    let mut histogram = Histogram::new(&nonzero, 0.0, hi, HISTOGRAM_BINS);
    let factor = nonzero.len() as f64 / total.max(1) as f64;
    histogram.density.iter_mut().for_each(|v| *v *= factor);
    histogram.outside += total - nonzero.len();
    histogram.total = total;
    Ok(SimulatedSpectrum {
        model: model.summary(),
        d,
        p,
        n,
        seeds: seeds.to_vec(),
        eigenvalues,
        histogram,
        z,
        kolmogorov,
        top,
        predicted_outliers,
        theory,
    })
}

/// The spectral problem on a simulation's `κ_ν` (conditional theory).
pub fn normalized_problem(
    model: &Model,
    kappa: &[f64],
    weights: &[f64],
) -> Result<giantstep_stieltjes::SpikedProblem> {
    model.spectral_problem_on(kappa, weights)
}
