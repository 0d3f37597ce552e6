//! One giant gradient step on the first layer (THEORY.md §2).
//!
//! Squared loss `L = (1/2n0) Σ_ν (y_ν − f(x_ν))²` on a batch of `n0` fresh samples,
//! learning rate `η = η̃ sqrt(p)`:
//!
//! `W^1 = W^0 + η̃ diag(a) Ĝ`, `Ĝ_i = (1/n0) Σ_ν r_ν σ'(<w_i^0, x_ν>) x_ν`,
//!
//! with `r = y − f` (full gradient) or `r = y` (labels-only gradient). The batch is
//! processed in chunks (two GEMMs per chunk: `W^0 X_c` and `M X_c^T`), so `n0 = 64 d` never
//! sits in memory at once. Sample `ν` of the batch is the same whatever the chunk size
//! (see [`crate::seed`]).
//!
//! Diagnostics ([`StepDiagnostics`]): top singular pair of `W^1 − W^0`, the overlap of its
//! right singular vector with `θ`, the predicted spike `u_i = η̃ a_i μ1(σ) μ1(σ*)`, and the
//! finite-batch prediction of the overlap
//! `cos_c² = c μ1(σ*)² / (c μ1(σ*)² + E[σ*²] + Δ)`, `c = n0/d` (symmetric initialization).

use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::evd::{ComputeEigenvectors, self_adjoint_evd, self_adjoint_evd_scratch};
use faer::linalg::matmul::matmul;
use faer::{Accum, Mat, MatRef};
use giantstep_hermite::Activation;
use giantstep_hermite::coefficients::{hermite_coefficients, mu_star_sq};
use rayon::prelude::*;

use crate::error::{SpikedError, check_finite, check_matrix, check_nonnegative, check_size};
use crate::network::Network;
use crate::par::{faer_par, fixed_par, matvec};
use crate::sampling::labeled_chunk;
use crate::seed::{derive_seed, tags};

/// Which residual enters the gradient.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum Gradient {
    /// `r = y − f(x)`: the true gradient of the squared loss.
    Full,
    /// `r = y`: the network output is dropped (equivalent to `Full` under the symmetric
    /// initialization, where `f ≡ 0`).
    LabelsOnly,
}

/// Settings of the one-step update.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct OneStepConfig {
    /// Rescaled learning rate `η̃` (`η = η̃ sqrt(p)`).
    pub eta_tilde: f64,
    /// Batch size `n0`.
    pub n0: usize,
    /// Label noise variance `Δ`.
    pub delta: f64,
    /// Residual used in the gradient.
    pub gradient: Gradient,
    /// Samples per chunk (memory: `(d + p) × chunk` doubles).
    pub chunk: usize,
}

impl OneStepConfig {
    /// `η̃`, `n0`, noiseless labels, full gradient, chunks of 1024 samples.
    pub fn new(eta_tilde: f64, n0: usize) -> Self {
        Self {
            eta_tilde,
            n0,
            delta: 0.0,
            gradient: Gradient::Full,
            chunk: 1024,
        }
    }
}

/// Applies one giant step to `net` with a fresh batch drawn from `derive_seed(seed,
/// STEP_DATA)`; returns `W^1` (the second layer is unchanged).
///
/// ```
/// use giantstep_hermite::Activation;
/// use giantstep_spiked::network::{GroupSampling, Initialization, Network};
/// use giantstep_spiked::onestep::{OneStepConfig, one_step};
/// use giantstep_spiked::sampling::{SecondLayerLaw, unit_direction};
/// let net = Network::sample(20, 10, &SecondLayerLaw::rademacher(), Initialization::Symmetric, GroupSampling::Exact, 1).unwrap();
/// let theta = unit_direction(10, 2).unwrap();
/// let w1 = one_step(&net, &theta, &Activation::Relu, &Activation::Tanh, &OneStepConfig::new(1.0, 100), 3).unwrap();
/// assert_eq!((w1.nrows(), w1.ncols()), (20, 10));
/// ```
pub fn one_step(
    net: &Network,
    theta: &[f64],
    sigma: &Activation,
    target: &Activation,
    cfg: &OneStepConfig,
    seed: u64,
) -> Result<Mat<f64>, SpikedError> {
    let (p, d) = (net.width(), net.dim());
    if theta.len() != d {
        return Err(SpikedError::DimensionMismatch {
            what: "theta vs input dimension",
            expected: d,
            got: theta.len(),
        });
    }
    check_finite("eta_tilde", cfg.eta_tilde)?;
    check_nonnegative("delta", cfg.delta)?;
    let n0 = check_size("n0", cfg.n0)?;
    let chunk = check_size("chunk", cfg.chunk)?.min(n0);
    check_matrix("one-step chunk", d + p, chunk)?;
    let data_seed = derive_seed(seed, tags::STEP_DATA);
    let inv_sqrt_p = 1.0 / (p as f64).sqrt();
    let a = &net.a;
    let full = cfg.gradient == Gradient::Full;
    let mut g = Mat::<f64>::zeros(p, d);
    let mut z = Mat::<f64>::zeros(p, chunk);
    let mut start = 0usize;
    while start < n0 {
        let b = chunk.min(n0 - start);
        let batch = labeled_chunk(
            theta,
            |k| target.eval(k),
            cfg.delta,
            start as u64,
            b,
            data_seed,
        )?;
        let mut zb = z.as_mut().subcols_mut(0, b);
        matmul(
            zb.as_mut(),
            Accum::Replace,
            net.w(),
            batch.x.as_ref(),
            1.0,
            faer_par(),
        );
        // z_{iν} <- r_ν σ'(z_{iν}), r = y − f (full) or y.
        zb.as_mut()
            .par_col_chunks_mut(8)
            .enumerate()
            .for_each(|(c, mut block)| {
                for k in 0..block.ncols() {
                    let nu = c * 8 + k;
                    let mut col = block.as_mut().col_mut(k);
                    let f = if full {
                        (0..p).map(|i| a[i] * sigma.eval(col[i])).sum::<f64>() * inv_sqrt_p
                    } else {
                        0.0
                    };
                    let r = batch.y[nu] - f;
                    for i in 0..p {
                        col[i] = r * sigma.derivative(col[i]);
                    }
                }
            });
        matmul(
            g.as_mut(),
            Accum::Add,
            zb.as_ref(),
            batch.x.as_ref().transpose(),
            1.0,
            faer_par(),
        );
        start += b;
    }
    let scale = cfg.eta_tilde / n0 as f64;
    let w1 = Mat::from_fn(p, d, |i, j| net.w[(i, j)] + scale * a[i] * g[(i, j)]);
    if !w1.as_ref().is_all_finite() {
        return Err(SpikedError::NonFinite {
            what: "one-step weights",
        });
    }
    Ok(w1)
}

/// Finite-batch prediction of the squared overlap of the spike direction with `θ`
/// (THEORY.md §2, symmetric initialization):
/// `cos_c² = c μ1(σ*)² / (c μ1(σ*)² + E[σ*²] + Δ)`, `c = n0/d`.
///
/// ```
/// use giantstep_spiked::onestep::finite_batch_cos2;
/// // sigma* = He1 + He2/sqrt2: mu1* = 1, E[sigma*^2] = 2; c = 32, noiseless.
/// assert!((finite_batch_cos2(32.0, 1.0, 2.0, 0.0) - 32.0 / 34.0).abs() < 1e-15);
/// ```
pub fn finite_batch_cos2(c: f64, mu1_star: f64, second_moment_star: f64, delta: f64) -> f64 {
    let s = c * mu1_star * mu1_star;
    s / (s + second_moment_star + delta)
}

/// Diagnostics of a one-step update `W^1 − W^0` (THEORY.md §2).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct StepDiagnostics {
    /// Top singular value of `W^1 − W^0`.
    pub singular_value: f64,
    /// Second singular value of `W^1 − W^0` (the bulk edge of the update).
    pub second_singular_value: f64,
    /// Top left singular vector (length `p`).
    pub left: Vec<f64>,
    /// Top right singular vector (length `d`), signed so that `<right, θ> ≥ 0`.
    pub right: Vec<f64>,
    /// Overlap `|<right, θ>|`.
    pub overlap: f64,
    /// Finite-batch prediction `cos_c = sqrt(cos_c²)` of the overlap ([`finite_batch_cos2`]).
    pub predicted_overlap: f64,
    /// `(W^1 − W^0) θ` (length `p`), the measured spike along `θ`.
    pub spike_along_theta: Vec<f64>,
    /// Predicted spike `u_i = η̃ a_i μ1(σ) μ1(σ*)`.
    pub predicted_u: Vec<f64>,
    /// `|(W^1 − W^0) θ − u| / |u|` (`NaN`-free: `+inf` if `u = 0` and the spike is not).
    pub spike_relative_error: f64,
}

/// Top singular pair `(s1, s2, left, right)` of `m` (p×d) via the eigendecomposition of the
/// smaller Gram matrix (fixed-degree parallelism: thread-count independent).
fn top_singular_pair(m: MatRef<'_, f64>) -> Result<(f64, f64, Vec<f64>, Vec<f64>), SpikedError> {
    let (p, d) = (m.nrows(), m.ncols());
    let wide = d > p;
    let g = if wide { m } else { m.transpose() };
    let k = g.nrows();
    let mut gram = Mat::<f64>::zeros(k, k);
    matmul(
        gram.as_mut(),
        Accum::Replace,
        g,
        g.transpose(),
        1.0,
        faer_par(),
    );
    let par = fixed_par();
    let mut s = faer::Col::<f64>::zeros(k);
    let mut u = Mat::<f64>::zeros(k, k);
    let mut mem = MemBuffer::new(self_adjoint_evd_scratch::<f64>(
        k,
        ComputeEigenvectors::Yes,
        par,
        Default::default(),
    ));
    self_adjoint_evd(
        gram.as_ref(),
        s.as_diagonal_mut(),
        Some(u.as_mut()),
        par,
        MemStack::new(&mut mem),
        Default::default(),
    )
    .map_err(|_| SpikedError::EigenNotConverged)?;
    let s1 = s[k - 1].max(0.0).sqrt();
    let s2 = if k >= 2 {
        s[k - 2].max(0.0).sqrt()
    } else {
        0.0
    };
    let top: Vec<f64> = (0..k).map(|i| u[(i, k - 1)]).collect();
    let other: Vec<f64> = matvec(g.transpose(), &top)
        .into_iter()
        .map(|v| v / s1)
        .collect();
    Ok(if wide {
        (s1, s2, top, other)
    } else {
        (s1, s2, other, top)
    })
}

/// Computes the [`StepDiagnostics`] of `w1 − w0` for a network with second layer `a`,
/// activation `σ`, target `σ*`, and the step settings `cfg` (`η̃`, `n0`, `Δ`).
///
/// ```
/// use giantstep_hermite::Activation;
/// use giantstep_spiked::network::{GroupSampling, Initialization, Network};
/// use giantstep_spiked::onestep::{OneStepConfig, one_step, step_diagnostics};
/// use giantstep_spiked::sampling::{SecondLayerLaw, unit_direction};
/// let (p, d) = (60, 40);
/// let net = Network::sample(p, d, &SecondLayerLaw::rademacher(), Initialization::Symmetric, GroupSampling::Exact, 1).unwrap();
/// let theta = unit_direction(d, 2).unwrap();
/// let cfg = OneStepConfig::new(2.0, 16 * d);
/// let w1 = one_step(&net, &theta, &Activation::Relu, &Activation::Linear, &cfg, 3).unwrap();
/// let diag = step_diagnostics(net.w(), w1.as_ref(), &theta, &net.a, &Activation::Relu, &Activation::Linear, &cfg).unwrap();
/// assert!(diag.overlap > 0.8);
/// ```
pub fn step_diagnostics(
    w0: MatRef<'_, f64>,
    w1: MatRef<'_, f64>,
    theta: &[f64],
    a: &[f64],
    sigma: &Activation,
    target: &Activation,
    cfg: &OneStepConfig,
) -> Result<StepDiagnostics, SpikedError> {
    let (p, d) = (w0.nrows(), w0.ncols());
    if w1.nrows() != p || w1.ncols() != d {
        return Err(SpikedError::DimensionMismatch {
            what: "rows x columns of W1 vs W0",
            expected: p * d,
            got: w1.nrows() * w1.ncols(),
        });
    }
    if theta.len() != d {
        return Err(SpikedError::DimensionMismatch {
            what: "theta vs columns of W0",
            expected: d,
            got: theta.len(),
        });
    }
    if a.len() != p {
        return Err(SpikedError::DimensionMismatch {
            what: "a vs rows of W0",
            expected: p,
            got: a.len(),
        });
    }
    check_finite("eta_tilde", cfg.eta_tilde)?;
    check_nonnegative("delta", cfg.delta)?;
    check_size("n0", cfg.n0)?;
    let dw = w1 - w0;
    let mu = hermite_coefficients(sigma, 1)?;
    let mu_s = hermite_coefficients(target, 1)?;
    let (mu1, mu0_star, mu1_star) = (mu[1], mu_s[0], mu_s[1]);
    let (s1, s2, mut left, mut right) = top_singular_pair(dw.as_ref())?;
    let dot: f64 = right.iter().zip(theta).map(|(r, t)| r * t).sum();
    if dot < 0.0 {
        right.iter_mut().for_each(|v| *v = -*v);
        left.iter_mut().for_each(|v| *v = -*v);
    }
    let spike = matvec(dw.as_ref(), theta);
    let predicted_u: Vec<f64> = a
        .iter()
        .map(|ai| cfg.eta_tilde * ai * mu1 * mu1_star)
        .collect();
    let norm_u = predicted_u.iter().map(|v| v * v).sum::<f64>().sqrt();
    let diff = spike
        .iter()
        .zip(&predicted_u)
        .map(|(s, u)| (s - u) * (s - u))
        .sum::<f64>()
        .sqrt();
    let spike_relative_error = if norm_u > 0.0 {
        diff / norm_u
    } else if diff == 0.0 {
        0.0
    } else {
        f64::INFINITY
    };
    let second_moment = mu_star_sq(target)? + mu0_star * mu0_star + mu1_star * mu1_star;
    let c = cfg.n0 as f64 / d as f64;
    let cos2 = finite_batch_cos2(c, mu1_star, second_moment, cfg.delta);
    Ok(StepDiagnostics {
        singular_value: s1,
        second_singular_value: s2,
        left,
        right,
        overlap: dot.abs(),
        predicted_overlap: cos2.sqrt(),
        spike_along_theta: spike,
        predicted_u,
        spike_relative_error,
    })
}
