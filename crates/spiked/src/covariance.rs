//! Feature covariance `Σ̂ = F F^T / n` (p×p) and Gram matrix `F^T F / n` (n×n)
//! (THEORY.md §4).
//!
//! Both are computed with one symmetric rank-k product that fills only the lower triangle
//! (half the flops of a GEMM, faer's triangular matmul, rayon-parallel); the public
//! functions mirror it to a full symmetric matrix, the eigenvalue path uses the lower
//! triangle directly.

use faer::linalg::matmul::triangular::{BlockStructure, matmul};
use faer::{Accum, Mat, MatMut, MatRef};

use crate::error::{SpikedError, check_matrix, check_size};
use crate::par::faer_par;

/// Lower triangle of `A A^T * scale` (upper triangle left at zero).
pub(crate) fn syrk_lower(a: MatRef<'_, f64>, scale: f64) -> Mat<f64> {
    let m = a.nrows();
    let mut c = Mat::<f64>::zeros(m, m);
    matmul(
        c.as_mut(),
        BlockStructure::TriangularLower,
        Accum::Replace,
        a,
        BlockStructure::Rectangular,
        a.transpose(),
        BlockStructure::Rectangular,
        scale,
        faer_par(),
    );
    c
}

/// Lower triangle of `A A^T * scale` in the column-major `m×m` buffer `buf` (leading
/// dimension `m`), which is reused when it already holds `m²` entries and replaced by a
/// fresh zeroed one otherwise. Only the lower triangle is written: the strict upper triangle
/// keeps whatever it held (zero in a fresh buffer) and must not be read.
pub(crate) fn syrk_lower_into(buf: &mut Vec<f64>, a: MatRef<'_, f64>, scale: f64) {
    let m = a.nrows();
    if buf.len() != m * m {
        // A fresh allocation is zeroed lazily by the OS, so its pages are first touched by
        // the parallel product below rather than by one thread here.
        *buf = vec![0.0; m * m];
    }
    matmul(
        MatMut::from_column_major_slice_mut(buf, m, m),
        BlockStructure::TriangularLower,
        Accum::Replace,
        a,
        BlockStructure::Rectangular,
        a.transpose(),
        BlockStructure::Rectangular,
        scale,
        faer_par(),
    );
}

/// Copies the strict lower triangle onto the upper triangle.
pub(crate) fn mirror_lower(c: &mut Mat<f64>) {
    let m = c.nrows();
    for j in 0..m {
        for i in 0..j {
            c[(i, j)] = c[(j, i)];
        }
    }
}

/// Feature covariance `Σ̂ = F F^T / n` (p×p, full symmetric) for `F ∈ R^{p×n}`.
///
/// ```
/// use giantstep_spiked::covariance::covariance;
/// let f = faer::mat![[1.0, 2.0], [3.0, 4.0]];
/// let c = covariance(f.as_ref()).unwrap();
/// assert_eq!(c[(0, 1)], (1.0 * 3.0 + 2.0 * 4.0) / 2.0);
/// assert_eq!(c[(0, 1)], c[(1, 0)]);
/// ```
pub fn covariance(f: MatRef<'_, f64>) -> Result<Mat<f64>, SpikedError> {
    let n = check_size("n (columns of F)", f.ncols())?;
    check_size("p (rows of F)", f.nrows())?;
    check_matrix("covariance", f.nrows(), f.nrows())?;
    let mut c = syrk_lower(f, 1.0 / n as f64);
    mirror_lower(&mut c);
    Ok(c)
}

/// Gram matrix `F^T F / n` (n×n, full symmetric); same nonzero eigenvalues as
/// [`covariance`] (THEORY.md §4, "Gram side").
///
/// ```
/// use giantstep_spiked::covariance::gram;
/// let f = faer::mat![[1.0, 2.0], [3.0, 4.0]];
/// let g = gram(f.as_ref()).unwrap();
/// assert_eq!(g[(0, 1)], (1.0 * 2.0 + 3.0 * 4.0) / 2.0);
/// ```
pub fn gram(f: MatRef<'_, f64>) -> Result<Mat<f64>, SpikedError> {
    let n = check_size("n (columns of F)", f.ncols())?;
    check_size("p (rows of F)", f.nrows())?;
    check_matrix("gram", n, n)?;
    let mut c = syrk_lower(f.transpose(), 1.0 / n as f64);
    mirror_lower(&mut c);
    Ok(c)
}
