//! Eigenvalues of the feature covariance, the empirical Stieltjes transform, histograms and
//! outliers (THEORY.md §4).
//!
//! Empirical Stieltjes transform of `Σ̂ = F F^T / n` (p×p):
//! `m_p(z) = (1/p) tr (Σ̂ - z I)^{-1} = (1/p) Σ_i 1 / (λ_i - z)`.

use faer::{Mat, MatRef};
use num_complex::Complex64;

use crate::covariance::syrk_lower_into;
use crate::error::{SpikedError, check_matrix, check_size};
use crate::par::faer_par;
use giantstep_symeig::{
    eigenvalues_lower_in_place, eigenvalues_lower_with_scratch, lower_to_buffer,
};

/// All eigenvalues (ascending) of a symmetric matrix, of which only the lower triangle is
/// read. Values only: no eigenvectors are formed.
///
/// ```
/// use giantstep_spiked::spectrum::symmetric_eigenvalues;
/// let a = faer::mat![[2.0, 0.0], [1.0, 2.0]]; // lower triangle of [[2,1],[1,2]]
/// let ev = symmetric_eigenvalues(a.as_ref()).unwrap();
/// assert!((ev[0] - 1.0).abs() < 1e-14 && (ev[1] - 3.0).abs() < 1e-14);
/// ```
pub fn symmetric_eigenvalues(a: MatRef<'_, f64>) -> Result<Vec<f64>, SpikedError> {
    let n = a.nrows();
    if a.ncols() != n {
        return Err(SpikedError::DimensionMismatch {
            what: "square matrix",
            expected: n,
            got: a.ncols(),
        });
    }
    check_size("matrix dimension", n)?;
    check_matrix("eigenvalue workspace", n, n)?;
    let mut buf = lower_to_buffer(a);
    sorted_finite(eigenvalues_lower_in_place(&mut buf, n, faer_par())?)
}

/// Eigenvalues in ascending order, or `NonFinite` if any is NaN or infinite.
fn sorted_finite(mut ev: Vec<f64>) -> Result<Vec<f64>, SpikedError> {
    if ev.iter().any(|v| !v.is_finite()) {
        return Err(SpikedError::NonFinite {
            what: "eigenvalues",
        });
    }
    ev.sort_by(f64::total_cmp);
    Ok(ev)
}

/// The `p` eigenvalues (ascending) of `Σ̂ = F F^T / n` for `F ∈ R^{p×n}`.
///
/// Works on the smaller side: if `p > n` it diagonalizes the n×n Gram matrix `F^T F / n`
/// and adds the `p − n` exact zeros (THEORY.md §4: atom of mass `1 − α/ψ` at 0).
///
/// ```
/// use giantstep_spiked::{features::features, sampling::{gaussian_data, sphere_rows}};
/// use giantstep_spiked::spectrum::covariance_eigenvalues;
/// let w = sphere_rows(40, 20, 1).unwrap();
/// let x = gaussian_data(20, 30, 2).unwrap();
/// let f = features(w.as_ref(), x.as_ref(), f64::tanh).unwrap();
/// let ev = covariance_eigenvalues(f.as_ref()).unwrap();
/// assert_eq!(ev.len(), 40);
/// assert_eq!(ev[..10], [0.0; 10]);
/// ```
pub fn covariance_eigenvalues(f: MatRef<'_, f64>) -> Result<Vec<f64>, SpikedError> {
    CovarianceWorkspace::new().covariance_eigenvalues(f)
}

/// The memory of [`covariance_eigenvalues`], kept between calls: the `min(p, n)²` buffer
/// that holds the covariance (or Gram) matrix while it is reduced, and the reduction's
/// scratch (about half as large).
///
/// A loop that computes many spectra of the same size (seeds, parameter sweeps) reuses them
/// instead of asking the allocator for 48 MB of fresh memory at p = n = 2000 each time,
/// whose pages the OS must then map and zero one by one on first touch (about 12 000 page
/// faults, 20-30 ms of one core on the development machine). Results are bit-identical
/// to [`covariance_eigenvalues`]. The buffers are resized when the size changes, and freed
/// with the workspace.
///
/// ```
/// use giantstep_spiked::{features::features, sampling::{gaussian_data, sphere_rows}};
/// use giantstep_spiked::spectrum::{covariance_eigenvalues, CovarianceWorkspace};
/// let mut workspace = CovarianceWorkspace::new();
/// for seed in 0..3 {
///     let w = sphere_rows(40, 20, seed).unwrap();
///     let x = gaussian_data(20, 60, seed + 100).unwrap();
///     let f = features(w.as_ref(), x.as_ref(), f64::tanh).unwrap();
///     let ev = workspace.covariance_eigenvalues(f.as_ref()).unwrap();
///     assert_eq!(ev, covariance_eigenvalues(f.as_ref()).unwrap());
/// }
/// ```
#[derive(Debug, Clone, Default)]
pub struct CovarianceWorkspace {
    /// Column-major buffer of the matrix being reduced (lower triangle).
    lower: Vec<f64>,
    /// Scratch memory of the reduction (blocked copies of the trailing matrices).
    scratch: Vec<f64>,
}

impl CovarianceWorkspace {
    /// An empty workspace; the buffers are allocated by the first call.
    pub fn new() -> Self {
        Self::default()
    }

    /// Same as [`covariance_eigenvalues`], in this workspace's buffer.
    pub fn covariance_eigenvalues(&mut self, f: MatRef<'_, f64>) -> Result<Vec<f64>, SpikedError> {
        let (p, n) = (f.nrows(), f.ncols());
        check_size("p (rows of F)", p)?;
        check_size("n (columns of F)", n)?;
        let small = p.min(n);
        check_matrix("covariance", small, small)?;
        if p <= n {
            syrk_lower_into(&mut self.lower, f, 1.0 / n as f64);
        } else {
            syrk_lower_into(&mut self.lower, f.transpose(), 1.0 / n as f64);
        }
        let ev = sorted_finite(eigenvalues_lower_with_scratch(
            &mut self.lower,
            small,
            faer_par(),
            &mut self.scratch,
        )?)?;
        if p <= n {
            Ok(ev)
        } else {
            let mut all = vec![0.0; p - n];
            all.extend(ev);
            // Rounding can leave tiny negative values below the exact zeros: keep ascending
            // order.
            all.sort_by(f64::total_cmp);
            Ok(all)
        }
    }
}

/// Empirical Stieltjes transform `m(z) = (1/p) Σ_i 1/(λ_i − z)` of any list of `p`
/// eigenvalues (THEORY.md §4); what [`Spectrum::stieltjes`] computes, for callers holding a
/// plain slice. An empty slice gives NaN.
///
/// ```
/// use giantstep_spiked::spectrum::empirical_stieltjes;
/// use num_complex::Complex64;
/// let m = empirical_stieltjes(&[1.0, 3.0], Complex64::new(0.0, 1.0));
/// assert!(m.im > 0.0); // Herglotz: Im z > 0 ⇒ Im m > 0
/// ```
pub fn empirical_stieltjes(eigenvalues: &[f64], z: Complex64) -> Complex64 {
    let sum: Complex64 = eigenvalues
        .iter()
        .map(|&l| 1.0 / (Complex64::new(l, 0.0) - z))
        .sum();
    sum / eigenvalues.len() as f64
}

/// A histogram of eigenvalues normalized as a density (integrates to the fraction of
/// eigenvalues inside `[lo, hi)`).
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Histogram {
    /// Bin edges (`bins + 1` values).
    pub edges: Vec<f64>,
    /// Density per bin: `count / (total * width)`.
    pub density: Vec<f64>,
    /// Raw counts per bin.
    pub counts: Vec<usize>,
}

/// The spectrum of a `p×p` covariance: eigenvalues in ascending order.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Spectrum {
    eigenvalues: Vec<f64>,
}

impl Spectrum {
    /// Wraps eigenvalues (sorted ascending on construction); rejects empty or non-finite input.
    pub fn new(eigenvalues: Vec<f64>) -> Result<Self, SpikedError> {
        check_size("number of eigenvalues", eigenvalues.len())?;
        Ok(Self {
            eigenvalues: sorted_finite(eigenvalues)?,
        })
    }

    /// The spectrum of `F F^T / n` ([`covariance_eigenvalues`]).
    ///
    /// ```
    /// use giantstep_spiked::spectrum::Spectrum;
    /// let f = faer::mat![[1.0, 0.0], [0.0, 2.0]];
    /// let s = Spectrum::of_features(f.as_ref()).unwrap();
    /// assert!((s.eigenvalues()[1] - 2.0).abs() < 1e-14); // 4 / n
    /// ```
    pub fn of_features(f: MatRef<'_, f64>) -> Result<Self, SpikedError> {
        Self::new(covariance_eigenvalues(f)?)
    }

    /// Eigenvalues, ascending.
    pub fn eigenvalues(&self) -> &[f64] {
        &self.eigenvalues
    }

    /// Empirical Stieltjes transform `m(z) = (1/p) Σ_i 1/(λ_i − z)` (THEORY.md §4), any
    /// complex `z` off the spectrum.
    ///
    /// ```
    /// use giantstep_spiked::spectrum::Spectrum;
    /// use num_complex::Complex64;
    /// let s = Spectrum::new(vec![1.0, 3.0]).unwrap();
    /// let m = s.stieltjes(Complex64::new(-1.0, 0.0));
    /// assert!((m.re - 0.5 * (0.5 + 0.25)).abs() < 1e-15);
    /// ```
    pub fn stieltjes(&self, z: Complex64) -> Complex64 {
        empirical_stieltjes(&self.eigenvalues, z)
    }

    /// Stieltjes transform on the Gram side, `(1/n) tr (F^T F/n − z)^{-1}
    /// = (p/n) m(z) − (1 − p/n)/z` (THEORY.md §4), for `n` samples.
    pub fn gram_stieltjes(&self, z: Complex64, n: usize) -> Complex64 {
        let ratio = self.eigenvalues.len() as f64 / n as f64;
        ratio * self.stieltjes(z) - (1.0 - ratio) / z
    }

    /// Histogram with `bins` equal bins on `[lo, hi)`; density normalized by the total number
    /// of eigenvalues (so bins over the whole support integrate to 1).
    ///
    /// ```
    /// use giantstep_spiked::spectrum::Spectrum;
    /// let s = Spectrum::new(vec![0.1, 0.2, 0.6, 0.9]).unwrap();
    /// let h = s.histogram(2, 0.0, 1.0).unwrap();
    /// assert_eq!(h.counts, vec![2, 2]);
    /// assert!((h.density[0] - 1.0).abs() < 1e-15);
    /// ```
    pub fn histogram(&self, bins: usize, lo: f64, hi: f64) -> Result<Histogram, SpikedError> {
        check_size("bins", bins)?;
        if !(lo.is_finite() && hi.is_finite() && hi > lo) {
            return Err(SpikedError::InvalidParameter {
                name: "hi",
                value: hi,
                reason: "histogram range needs finite lo < hi",
            });
        }
        let width = (hi - lo) / bins as f64;
        let mut counts = vec![0usize; bins];
        for &l in &self.eigenvalues {
            if l >= lo && l < hi {
                let b = (((l - lo) / width) as usize).min(bins - 1);
                counts[b] += 1;
            }
        }
        let total = self.eigenvalues.len() as f64;
        let edges = (0..=bins).map(|b| lo + b as f64 * width).collect();
        let density = counts.iter().map(|&c| c as f64 / (total * width)).collect();
        Ok(Histogram {
            edges,
            density,
            counts,
        })
    }

    /// Eigenvalues strictly above `edge` (e.g. the theoretical right edge of the bulk),
    /// descending (THEORY.md §4, outliers).
    ///
    /// ```
    /// use giantstep_spiked::spectrum::Spectrum;
    /// let s = Spectrum::new(vec![0.5, 1.0, 7.0, 30.0]).unwrap();
    /// assert_eq!(s.outliers(2.0), vec![30.0, 7.0]);
    /// ```
    pub fn outliers(&self, edge: f64) -> Vec<f64> {
        self.eigenvalues
            .iter()
            .rev()
            .take_while(|&&l| l > edge)
            .copied()
            .collect()
    }
}

/// Convenience: the eigenvalues of an explicit full covariance matrix (`Mat`), ascending.
pub fn matrix_eigenvalues(c: &Mat<f64>) -> Result<Vec<f64>, SpikedError> {
    symmetric_eigenvalues(c.as_ref())
}
