//! Seeded sampling of the model of THEORY.md §1.
//!
//! - inputs `x_ν ~ N(0, I_d)`, stored as the columns of `X ∈ R^{d×n}`;
//! - first-layer rows `w_i^0` uniform on the unit sphere `S^{d-1}` (rows of `W0 ∈ R^{p×d}`);
//! - a unit target direction `θ` (uniform on the sphere);
//! - second-layer weights `a_i` from a finitely supported law ([`SecondLayerLaw`]), drawn
//!   i.i.d. or with exact group counts;
//! - labels `y_ν = σ*(κ_ν) + sqrt(Δ) ε_ν`, `κ_ν = <θ, x_ν>`, `ε_ν ~ N(0, 1)`.
//!
//! Column `ν` of the data (and its noise `ε_ν`, drawn after the `d` entries of `x_ν`) comes
//! from stream `ν` of the data seed (see [`crate::seed`]), row `i` of `W0` from stream `i`:
//! results are bit-identical whatever the number of threads and however a batch is chunked.

use faer::{Mat, MatRef};
use rand::RngExt;
use rand_distr::StandardNormal;
use rayon::prelude::*;

use crate::error::{SpikedError, check_finite, check_matrix, check_nonnegative, check_size};
use crate::seed::stream_rng;

/// Columns handed to one rayon task when filling a matrix column by column.
const COLUMNS_PER_TASK: usize = 16;

/// Fills `count` Gaussian columns of dimension `d`: column `k` is sample `first + k`, drawn
/// from stream `first + k` of `seed`.
///
/// Calling it with (`first`, `count`) = (0, 100) or twice with (0, 50) and (50, 50) gives the
/// same numbers.
///
/// ```
/// use giantstep_spiked::sampling::gaussian_columns;
/// let all = gaussian_columns(10, 0, 8, 42).unwrap();
/// let tail = gaussian_columns(10, 5, 3, 42).unwrap();
/// assert_eq!(all[(4, 6)], tail[(4, 1)]);
/// ```
pub fn gaussian_columns(
    d: usize,
    first: u64,
    count: usize,
    seed: u64,
) -> Result<Mat<f64>, SpikedError> {
    check_size("d", d)?;
    check_matrix("gaussian data", d, count)?;
    let mut x = Mat::<f64>::zeros(d, count);
    x.par_col_chunks_mut(COLUMNS_PER_TASK)
        .enumerate()
        .for_each(|(chunk, mut block)| {
            for k in 0..block.ncols() {
                let nu = first + (chunk * COLUMNS_PER_TASK + k) as u64;
                let mut rng = stream_rng(seed, nu);
                let mut col = block.as_mut().col_mut(k);
                for i in 0..d {
                    col[i] = rng.sample(StandardNormal);
                }
            }
        });
    Ok(x)
}

/// Gaussian data `X ∈ R^{d×n}`, columns `x_ν ~ N(0, I_d)` (samples `0..n` of `seed`).
///
/// ```
/// use giantstep_spiked::sampling::gaussian_data;
/// let x = gaussian_data(50, 200, 1).unwrap();
/// assert_eq!((x.nrows(), x.ncols()), (50, 200));
/// ```
pub fn gaussian_data(d: usize, n: usize, seed: u64) -> Result<Mat<f64>, SpikedError> {
    check_size("n", n)?;
    gaussian_columns(d, 0, n, seed)
}

/// A labelled chunk of samples: inputs, projections `κ_ν = <θ, x_ν>` and labels.
#[derive(Debug, Clone)]
pub struct LabeledChunk {
    /// Inputs `X ∈ R^{d×count}` (one sample per column).
    pub x: Mat<f64>,
    /// `κ_ν = <θ, x_ν>` (THEORY.md §1), one per sample.
    pub kappa: Vec<f64>,
    /// Labels `y_ν = σ*(κ_ν) + sqrt(Δ) ε_ν`.
    pub y: Vec<f64>,
}

/// Samples `count` labelled points `first..first+count` of stream family `seed`:
/// `x_ν ~ N(0, I_d)`, `y_ν = σ*(<θ, x_ν>) + sqrt(Δ) ε_ν` (THEORY.md §1).
///
/// The inputs equal those of [`gaussian_columns`] with the same arguments; the noise `ε_ν`
/// is the next draw of stream `ν`, so chunking does not change anything.
///
/// ```
/// use giantstep_spiked::sampling::{labeled_chunk, unit_direction};
/// let theta = unit_direction(20, 3).unwrap();
/// let c = labeled_chunk(&theta, |k| k * k - 1.0, 0.1, 0, 64, 9).unwrap();
/// assert_eq!(c.y.len(), 64);
/// ```
pub fn labeled_chunk<S>(
    theta: &[f64],
    target: S,
    delta: f64,
    first: u64,
    count: usize,
    seed: u64,
) -> Result<LabeledChunk, SpikedError>
where
    S: Fn(f64) -> f64 + Sync,
{
    let d = check_size("d", theta.len())?;
    check_nonnegative("delta", delta)?;
    check_matrix("labelled data", d, count)?;
    let sqrt_delta = delta.sqrt();
    let mut x = Mat::<f64>::zeros(d, count);
    let mut kappa = vec![0.0; count];
    let mut y = vec![0.0; count];
    x.par_col_chunks_mut(COLUMNS_PER_TASK)
        .zip(kappa.par_chunks_mut(COLUMNS_PER_TASK))
        .zip(y.par_chunks_mut(COLUMNS_PER_TASK))
        .enumerate()
        .for_each(|(chunk, ((mut block, kap), ys))| {
            for k in 0..block.ncols() {
                let nu = first + (chunk * COLUMNS_PER_TASK + k) as u64;
                let mut rng = stream_rng(seed, nu);
                let mut col = block.as_mut().col_mut(k);
                let mut dot = 0.0;
                for i in 0..d {
                    let v: f64 = rng.sample(StandardNormal);
                    col[i] = v;
                    dot += theta[i] * v;
                }
                let eps: f64 = rng.sample(StandardNormal);
                kap[k] = dot;
                ys[k] = target(dot) + sqrt_delta * eps;
            }
        });
    if y.iter().any(|v| !v.is_finite()) {
        return Err(SpikedError::NonFinite {
            what: "labels (target function)",
        });
    }
    Ok(LabeledChunk { x, kappa, y })
}

/// `p` rows uniform on the unit sphere `S^{d-1}` (THEORY.md §1): `W0 ∈ R^{p×d}`, row `i`
/// from stream `i` of `seed` (a normalized Gaussian vector).
///
/// ```
/// use giantstep_spiked::sampling::sphere_rows;
/// let w = sphere_rows(30, 40, 5).unwrap();
/// let norm2: f64 = (0..40).map(|j| w[(7, j)] * w[(7, j)]).sum();
/// assert!((norm2 - 1.0).abs() < 1e-12);
/// ```
pub fn sphere_rows(p: usize, d: usize, seed: u64) -> Result<Mat<f64>, SpikedError> {
    check_size("p", p)?;
    check_size("d", d)?;
    // Columns of W0^T = rows of W0: fill column-major then transpose once.
    let mut wt = gaussian_columns(d, 0, p, seed)?;
    wt.par_col_chunks_mut(COLUMNS_PER_TASK)
        .for_each(|mut block| {
            for k in 0..block.ncols() {
                let mut col = block.as_mut().col_mut(k);
                let norm = (0..d).map(|i| col[i] * col[i]).sum::<f64>().sqrt();
                for i in 0..d {
                    col[i] /= norm;
                }
            }
        });
    Ok(wt.transpose().to_owned())
}

/// A unit vector uniform on `S^{d-1}` (the target direction `θ`), stream 0 of `seed`.
///
/// ```
/// use giantstep_spiked::sampling::unit_direction;
/// let t = unit_direction(100, 2).unwrap();
/// assert!((t.iter().map(|v| v * v).sum::<f64>() - 1.0).abs() < 1e-12);
/// ```
pub fn unit_direction(d: usize, seed: u64) -> Result<Vec<f64>, SpikedError> {
    check_size("d", d)?;
    let mut rng = stream_rng(seed, 0);
    let mut v: Vec<f64> = (0..d).map(|_| rng.sample(StandardNormal)).collect();
    let norm = v.iter().map(|x| x * x).sum::<f64>().sqrt();
    v.iter_mut().for_each(|x| *x /= norm);
    Ok(v)
}

/// Empirical projections `κ_ν = <θ, x_ν>` of the columns of `x` (THEORY.md §1, §4).
///
/// These are what the "conditional theory" of THEORY.md §4 averages over.
///
/// ```
/// use giantstep_spiked::sampling::{gaussian_data, kappa};
/// let x = gaussian_data(3, 4, 0).unwrap();
/// let k = kappa(&[1.0, 0.0, 0.0], x.as_ref()).unwrap();
/// assert_eq!(k[2], x[(0, 2)]);
/// ```
pub fn kappa(theta: &[f64], x: MatRef<'_, f64>) -> Result<Vec<f64>, SpikedError> {
    if theta.len() != x.nrows() {
        return Err(SpikedError::DimensionMismatch {
            what: "theta vs rows of X",
            expected: x.nrows(),
            got: theta.len(),
        });
    }
    Ok(crate::par::matvec(x.transpose(), theta))
}

/// A finitely supported law for the second-layer weights `a_i` (THEORY.md §1): values
/// `a_1..a_r` with probabilities `π_1..π_r`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SecondLayerLaw {
    values: Vec<f64>,
    probs: Vec<f64>,
}

impl SecondLayerLaw {
    /// Validates and builds the law: same lengths, finite values, probabilities `>= 0`
    /// summing to 1 within `1e-12`.
    ///
    /// ```
    /// use giantstep_spiked::sampling::SecondLayerLaw;
    /// let law = SecondLayerLaw::new(vec![-1.0, 1.0], vec![0.5, 0.5]).unwrap();
    /// assert_eq!(law.exact_counts(7), vec![4, 3]);
    /// assert!(SecondLayerLaw::new(vec![1.0], vec![0.9]).is_err());
    /// ```
    pub fn new(values: Vec<f64>, probs: Vec<f64>) -> Result<Self, SpikedError> {
        if values.is_empty() {
            return Err(SpikedError::ZeroSize {
                name: "number of values",
            });
        }
        if values.len() != probs.len() {
            return Err(SpikedError::DimensionMismatch {
                what: "probabilities vs values",
                expected: values.len(),
                got: probs.len(),
            });
        }
        for &v in &values {
            check_finite("second-layer value", v)?;
        }
        let sum: f64 = probs.iter().sum();
        if probs.iter().any(|p| !(p.is_finite() && *p >= 0.0))
            || (sum - 1.0).abs() > 1e-12
            || sum.is_nan()
        {
            return Err(SpikedError::ProbabilitiesNotNormalized { sum });
        }
        Ok(Self { values, probs })
    }

    /// The `±1` law with equal probabilities.
    pub fn rademacher() -> Self {
        Self {
            values: vec![-1.0, 1.0],
            probs: vec![0.5, 0.5],
        }
    }

    /// The support values `a_1..a_r`.
    pub fn values(&self) -> &[f64] {
        &self.values
    }

    /// The probabilities `π_1..π_r`.
    pub fn probs(&self) -> &[f64] {
        &self.probs
    }

    /// Number of groups `r`.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Always false (a law has at least one value); present for API symmetry.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Exact group sizes for `p` neurons: `floor(π_a p)` plus the remaining units given to
    /// the largest remainders (ties to the lower index). Sums to `p`.
    pub fn exact_counts(&self, p: usize) -> Vec<usize> {
        let mut counts: Vec<usize> = self
            .probs
            .iter()
            .map(|pi| (pi * p as f64).floor() as usize)
            .collect();
        let assigned: usize = counts.iter().sum();
        let mut order: Vec<usize> = (0..self.len()).collect();
        let rem = |a: usize| self.probs[a] * p as f64 - counts[a] as f64;
        order.sort_by(|&a, &b| rem(b).total_cmp(&rem(a)).then(a.cmp(&b)));
        for &a in order.iter().take(p.saturating_sub(assigned)) {
            counts[a] += 1;
        }
        counts
    }

    /// Group index of each of `p` neurons with exact counts ([`Self::exact_counts`]), in
    /// contiguous blocks `0,0,..,1,1,..` (rows of `W0` are exchangeable, so order is free).
    pub fn exact_groups(&self, p: usize) -> Vec<usize> {
        self.exact_counts(p)
            .iter()
            .enumerate()
            .flat_map(|(a, &c)| std::iter::repeat_n(a, c))
            .collect()
    }

    /// Group index of each of `p` neurons drawn i.i.d. from the law (stream 0 of `seed`).
    pub fn iid_groups(&self, p: usize, seed: u64) -> Vec<usize> {
        let mut rng = stream_rng(seed, 0);
        (0..p)
            .map(|_| {
                let r: f64 = rng.random();
                let mut acc = 0.0;
                for (a, pi) in self.probs.iter().enumerate() {
                    acc += pi;
                    if r < acc {
                        return a;
                    }
                }
                // r in [acc_total, 1) only through rounding: last group with positive mass.
                self.probs.iter().rposition(|&pi| pi > 0.0).unwrap_or(0)
            })
            .collect()
    }

    /// The weights `a_i = values[group_i]`.
    pub fn weights(&self, groups: &[usize]) -> Vec<f64> {
        groups.iter().map(|&g| self.values[g]).collect()
    }
}
