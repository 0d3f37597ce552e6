//! Small dense linear algebra (faer) used by the finite-dimensional equations of §5b.

use crate::error::RiskError;
use faer::linalg::solvers::Solve;
use faer::{Mat, Side};

/// Solve `a x = b` (LU with partial pivoting); error if the result is not finite.
pub(crate) fn solve(a: &Mat<f64>, b: &Mat<f64>, what: &str) -> Result<Mat<f64>, RiskError> {
    let x = a.partial_piv_lu().solve(b);
    if x.col_iter().all(|c| c.iter().all(|v| v.is_finite())) {
        Ok(x)
    } else {
        Err(RiskError::Singular(format!("{what}: non-finite solution")))
    }
}

/// Eigen-decomposition of a symmetric matrix: (eigenvalues ascending, eigenvectors as columns).
pub(crate) fn sym_eigen(a: &Mat<f64>, what: &str) -> Result<(Vec<f64>, Mat<f64>), RiskError> {
    let n = a.nrows();
    let sym = Mat::from_fn(n, n, |i, j| 0.5 * (a[(i, j)] + a[(j, i)]));
    let evd = sym
        .self_adjoint_eigen(Side::Lower)
        .map_err(|e| RiskError::Singular(format!("{what}: eigen-decomposition failed: {e:?}")))?;
    let s = evd.S().column_vector();
    let vals: Vec<f64> = (0..n).map(|i| s[i]).collect();
    Ok((vals, evd.U().to_owned()))
}

/// Relative eigenvalue cutoff of the pseudo-inverse of a symmetric PSD matrix.
pub const PINV_RTOL: f64 = 1e-11;

/// Minimum-norm least-squares solution of `a x = b` for symmetric PSD `a`
/// (pseudo-inverse with eigenvalues below `PINV_RTOL * max` dropped).
/// Returns the solution and the number of dropped directions.
pub(crate) fn pinv_sym_solve(
    a: &Mat<f64>,
    b: &[f64],
    what: &str,
) -> Result<(Vec<f64>, usize), RiskError> {
    let n = a.nrows();
    let (vals, vecs) = sym_eigen(a, what)?;
    let top = vals.iter().fold(0.0_f64, |m, v| m.max(v.abs()));
    if !(top.is_finite()) {
        return Err(RiskError::Singular(format!("{what}: non-finite matrix")));
    }
    let mut x = vec![0.0; n];
    let mut dropped = 0;
    for (k, &ev) in vals.iter().enumerate() {
        if ev <= PINV_RTOL * top || top == 0.0 {
            dropped += 1;
            continue;
        }
        let proj: f64 = (0..n).map(|i| vecs[(i, k)] * b[i]).sum::<f64>() / ev;
        for (i, xi) in x.iter_mut().enumerate() {
            *xi += proj * vecs[(i, k)];
        }
    }
    Ok((x, dropped))
}

/// Matrix from a row-major slice.
pub(crate) fn mat_from_rows(n: usize, m: usize, data: &[f64]) -> Mat<f64> {
    Mat::from_fn(n, m, |i, j| data[i * m + j])
}

/// Row-major `Vec<Vec<f64>>` copy of a matrix.
pub(crate) fn to_rows(a: &Mat<f64>) -> Vec<Vec<f64>> {
    (0..a.nrows())
        .map(|i| (0..a.ncols()).map(|j| a[(i, j)]).collect())
        .collect()
}
