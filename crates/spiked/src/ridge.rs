//! Ridge regression of the second layer on features (THEORY.md §5):
//!
//! `β̂ = argmin (1/n)|y − F^T β|² + λ|β|² = (F F^T/n + λ I)^{-1} F y / n`
//! `     = F (F^T F/n + λ I)^{-1} y / n`  (kernel form, used when `p > n`),
//!
//! `E_train = (1/n)|y − F^T β̂|²`, and `E_gen = E[(y − β̂^T σ(W x))²]` (noise included)
//! estimated on a fresh test set streamed in chunks.

use faer::dyn_stack::{MemBuffer, MemStack, StackReq};
use faer::linalg::cholesky::llt::{factor as llt_factor, solve as llt_solve};
use faer::linalg::matmul::matmul;
use faer::{Accum, Col, Conj, Mat, MatRef};
use giantstep_hermite::Activation;

use crate::covariance::syrk_lower;
use crate::error::{SpikedError, check_matrix, check_nonnegative, check_size};
use crate::features::apply_in_place;
use crate::par::{faer_par, fixed_par, matvec};
use crate::sampling::labeled_chunk;

/// A fitted ridge readout.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RidgeFit {
    /// `β̂ ∈ R^p`.
    pub beta: Vec<f64>,
    /// `E_train = (1/n)|y − F^T β̂|²`.
    pub train_error: f64,
}

/// Ridge estimator on features `F ∈ R^{p×n}` (one sample per column) with labels `y`
/// (THEORY.md §5). Solves on the smaller side (Cholesky of a `min(p, n)` matrix).
/// `lambda = 0` is accepted when the system is positive definite, otherwise
/// [`SpikedError::Singular`].
///
/// ```
/// use giantstep_spiked::ridge::ridge;
/// // p = 1, n = 2: beta = (sum f y / n) / (sum f^2 / n + lambda)
/// let f = faer::mat![[1.0, 2.0]];
/// let fit = ridge(f.as_ref(), &[1.0, 3.0], 0.5).unwrap();
/// assert!((fit.beta[0] - (7.0 / 2.0) / (5.0 / 2.0 + 0.5)).abs() < 1e-14);
/// ```
pub fn ridge(f: MatRef<'_, f64>, y: &[f64], lambda: f64) -> Result<RidgeFit, SpikedError> {
    let (p, n) = (f.nrows(), f.ncols());
    check_size("p (rows of F)", p)?;
    check_size("n (columns of F)", n)?;
    check_nonnegative("lambda", lambda)?;
    if y.len() != n {
        return Err(SpikedError::DimensionMismatch {
            what: "y vs columns of F",
            expected: n,
            got: y.len(),
        });
    }
    let small = p.min(n);
    check_matrix("ridge system", small, small)?;
    let inv_n = 1.0 / n as f64;
    let beta: Vec<f64> = if p <= n {
        let mut a = syrk_lower(f, inv_n);
        let rhs: Vec<f64> = matvec(f, y).into_iter().map(|v| v * inv_n).collect();
        cholesky_solve(&mut a, lambda, rhs, "F F^T/n + lambda I")?
    } else {
        let mut a = syrk_lower(f.transpose(), inv_n);
        let alpha = cholesky_solve(&mut a, lambda, y.to_vec(), "F^T F/n + lambda I")?;
        matvec(f, &alpha).into_iter().map(|v| v * inv_n).collect()
    };
    if beta.iter().any(|b| !b.is_finite()) {
        return Err(SpikedError::NonFinite {
            what: "ridge coefficients",
        });
    }
    let train_error = mean_squared_residual(f, &beta, y);
    Ok(RidgeFit { beta, train_error })
}

/// Solves `(A + λ I) x = rhs` for the symmetric positive definite `A` whose lower triangle
/// is stored in `a` (overwritten by its Cholesky factor); fixed-degree parallelism.
fn cholesky_solve(
    a: &mut Mat<f64>,
    lambda: f64,
    rhs: Vec<f64>,
    what: &'static str,
) -> Result<Vec<f64>, SpikedError> {
    let m = a.nrows();
    for i in 0..m {
        a[(i, i)] += lambda;
    }
    let par = fixed_par();
    let mut mem = MemBuffer::new(StackReq::any_of(&[
        llt_factor::cholesky_in_place_scratch::<f64>(m, par, Default::default()),
        llt_solve::solve_in_place_scratch::<f64>(m, 1, par),
    ]));
    llt_factor::cholesky_in_place(
        a.as_mut(),
        Default::default(),
        par,
        MemStack::new(&mut mem),
        Default::default(),
    )
    .map_err(|_| SpikedError::Singular { what })?;
    let mut x = Col::<f64>::from_fn(m, |i| rhs[i]);
    llt_solve::solve_in_place_with_conj(
        a.as_ref(),
        Conj::No,
        x.as_mat_mut(),
        par,
        MemStack::new(&mut mem),
    );
    Ok((0..m).map(|i| x[i]).collect())
}

/// `(1/n) |y − F^T β|²`.
pub fn mean_squared_residual(f: MatRef<'_, f64>, beta: &[f64], y: &[f64]) -> f64 {
    let pred = matvec(f.transpose(), beta);
    let n = y.len();
    (0..n).map(|j| (y[j] - pred[j]).powi(2)).sum::<f64>() / n as f64
}

/// Test-error estimate with its Monte Carlo standard error.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct TestError {
    /// Mean of `(y − ŷ)²` over the test set (estimates `E_gen`, noise included).
    pub mean: f64,
    /// Standard error of the mean (`sd / sqrt(n_test)`).
    pub std_error: f64,
    /// Number of test points.
    pub n_test: usize,
}

/// Streams `n_test` fresh labelled points (samples `0..n_test` of `seed`) in chunks of
/// `chunk`, predicts `ŷ = β^T σ(W x)` and returns the mean squared error (THEORY.md §5:
/// `E_gen = E[(y − ŷ(x))²]`, `Δ` included). Memory: `(d + p) × chunk` doubles.
///
/// ```
/// use giantstep_hermite::Activation;
/// use giantstep_spiked::ridge::test_error;
/// use giantstep_spiked::sampling::{sphere_rows, unit_direction};
/// let theta = unit_direction(10, 1).unwrap();
/// let w = sphere_rows(5, 10, 2).unwrap();
/// // beta = 0 predicts 0: the error is E[y^2] = E[tanh(Z)^2] + delta ≈ 0.394 + 0.1
/// let e = test_error(w.as_ref(), &[0.0; 5], &theta, &Activation::Relu, &Activation::Tanh, 0.1, 20_000, 4096, 3).unwrap();
/// assert!((e.mean - 0.494).abs() < 5.0 * e.std_error);
/// ```
#[allow(clippy::too_many_arguments)]
pub fn test_error(
    w: MatRef<'_, f64>,
    beta: &[f64],
    theta: &[f64],
    sigma: &Activation,
    target: &Activation,
    delta: f64,
    n_test: usize,
    chunk: usize,
    seed: u64,
) -> Result<TestError, SpikedError> {
    let (p, d) = (w.nrows(), w.ncols());
    check_size("n_test", n_test)?;
    let chunk = check_size("chunk", chunk)?.min(n_test);
    if beta.len() != p {
        return Err(SpikedError::DimensionMismatch {
            what: "beta vs rows of W",
            expected: p,
            got: beta.len(),
        });
    }
    if theta.len() != d {
        return Err(SpikedError::DimensionMismatch {
            what: "theta vs columns of W",
            expected: d,
            got: theta.len(),
        });
    }
    check_matrix("test chunk", p + d, chunk)?;
    let mut z = Mat::<f64>::zeros(p, chunk);
    let (mut sum, mut sum_sq) = (0.0, 0.0);
    let mut start = 0;
    while start < n_test {
        let m = chunk.min(n_test - start);
        let batch = labeled_chunk(theta, |k| target.eval(k), delta, start as u64, m, seed)?;
        let mut zb = z.as_mut().subcols_mut(0, m);
        matmul(
            zb.as_mut(),
            Accum::Replace,
            w,
            batch.x.as_ref(),
            1.0,
            faer_par(),
        );
        apply_in_place(zb.as_mut(), |v| sigma.eval(v));
        let pred = matvec(zb.as_ref().transpose(), beta);
        for (yj, pj) in batch.y.iter().zip(&pred) {
            let e = (yj - pj).powi(2);
            sum += e;
            sum_sq += e * e;
        }
        start += m;
    }
    let nt = n_test as f64;
    let mean = sum / nt;
    if !mean.is_finite() {
        return Err(SpikedError::NonFinite { what: "test error" });
    }
    let var = (sum_sq / nt - mean * mean).max(0.0) * nt / (nt - 1.0).max(1.0);
    Ok(TestError {
        mean,
        std_error: (var / nt).sqrt(),
        n_test,
    })
}
