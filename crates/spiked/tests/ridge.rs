//! Ridge on the second layer (THEORY.md §5): estimator, training and streamed test errors.

use faer::linalg::solvers::Solve;
use faer::{Col, Mat};
use giantstep_hermite::Activation;
use giantstep_spiked::features::features;
use giantstep_spiked::ridge::{mean_squared_residual, ridge, test_error};
use giantstep_spiked::sampling::{gaussian_data, labeled_chunk, sphere_rows, unit_direction};

/// Primal normal equations solved with an LU factorization (independent of the crate's
/// Cholesky / kernel-form paths).
fn primal_beta(f: &Mat<f64>, y: &[f64], lambda: f64) -> Vec<f64> {
    let (p, n) = (f.nrows(), f.ncols());
    let mut a = f * f.transpose() * faer::Scale(1.0 / n as f64);
    for i in 0..p {
        a[(i, i)] += lambda;
    }
    let yc = Col::<f64>::from_fn(n, |i| y[i]);
    let rhs = f * &yc * faer::Scale(1.0 / n as f64);
    let sol = a.partial_piv_lu().solve(&rhs);
    (0..p).map(|i| sol[i]).collect()
}

#[test]
fn ridge_matches_primal_lu_solution_on_both_sides() {
    for &(p, n) in &[(40usize, 90usize), (90, 40)] {
        let d = 30;
        let w = sphere_rows(p, d, 1).unwrap();
        let x = gaussian_data(d, n, 2).unwrap();
        let f = features(w.as_ref(), x.as_ref(), f64::tanh).unwrap();
        let y: Vec<f64> = (0..n).map(|j| (j as f64 * 0.37).sin()).collect();
        let lambda = 0.05;
        let fit = ridge(f.as_ref(), &y, lambda).unwrap();
        let reference = primal_beta(&f, &y, lambda);
        for (b, r) in fit.beta.iter().zip(&reference) {
            assert!(
                (b - r).abs() < 1e-9 * (1.0 + r.abs()),
                "p = {p}, n = {n}: {b} vs {r}"
            );
        }
        assert!(
            (fit.train_error - mean_squared_residual(f.as_ref(), &reference, &y)).abs() < 1e-10
        );
    }
}

#[test]
fn ridge_rejects_bad_input() {
    let f = faer::mat![[1.0, 2.0], [2.0, 4.0]];
    assert!(ridge(f.as_ref(), &[1.0, 2.0], -1.0).is_err());
    assert!(ridge(f.as_ref(), &[1.0, 2.0], f64::NAN).is_err());
    assert!(ridge(f.as_ref(), &[1.0], 0.1).is_err());
    // rank-one F F^T with lambda = 0 is singular
    assert!(ridge(f.as_ref(), &[1.0, 2.0], 0.0).is_err());
}

#[test]
fn test_error_of_zero_predictor_is_second_moment_of_labels() {
    // y = He1(κ) + He2(κ)/√2 + sqrt(Δ) ε: E y² = 1 + 1 + Δ = 2.25 for Δ = 0.25;
    // 10^5 test points streamed in chunks of 4096; tolerance 4 standard errors.
    let d = 40;
    let theta = unit_direction(d, 1).unwrap();
    let w = sphere_rows(10, d, 2).unwrap();
    let target = Activation::hermite(vec![0.0, 1.0, std::f64::consts::FRAC_1_SQRT_2]).unwrap();
    let e = test_error(
        w.as_ref(),
        &[0.0; 10],
        &theta,
        &Activation::Relu,
        &target,
        0.25,
        100_000,
        4096,
        3,
    )
    .unwrap();
    assert!(
        (e.mean - 2.25).abs() < 4.0 * e.std_error,
        "{} ± {}",
        e.mean,
        e.std_error
    );
    // Var(y²) ≈ 46 (numerical integration), so the standard error is ≈ 0.0214.
    assert!(
        (e.std_error - 0.0214).abs() < 0.003,
        "std error {}",
        e.std_error
    );
}

#[test]
fn test_error_does_not_depend_on_chunking() {
    let d = 20;
    let theta = unit_direction(d, 4).unwrap();
    let w = sphere_rows(15, d, 5).unwrap();
    let beta: Vec<f64> = (0..15).map(|i| 0.1 * i as f64 - 0.5).collect();
    let a = test_error(
        w.as_ref(),
        &beta,
        &theta,
        &Activation::Tanh,
        &Activation::Relu,
        0.1,
        5000,
        5000,
        6,
    )
    .unwrap();
    let b = test_error(
        w.as_ref(),
        &beta,
        &theta,
        &Activation::Tanh,
        &Activation::Relu,
        0.1,
        5000,
        333,
        6,
    )
    .unwrap();
    assert!((a.mean - b.mean).abs() < 1e-12 * a.mean);
}

#[test]
fn test_error_of_fitted_readout_matches_its_population_value_for_linear_features() {
    // σ = identity and σ* linear: ŷ = β^T W x, y = <θ, x> + sqrt(Δ) ε, so
    // E_gen = |W^T β − θ|² + Δ exactly. d = 50, p = 30, 10^5 test points, 4 std errors.
    let (d, p, n) = (50, 30, 200);
    let theta = unit_direction(d, 7).unwrap();
    let w = sphere_rows(p, d, 8).unwrap();
    let train = labeled_chunk(&theta, |k| k, 0.3, 0, n, 9).unwrap();
    let f = features(w.as_ref(), train.x.as_ref(), |z| z).unwrap();
    let fit = ridge(f.as_ref(), &train.y, 0.01).unwrap();
    let b = Col::<f64>::from_fn(p, |i| fit.beta[i]);
    let wtb = w.transpose() * &b;
    let exact: f64 = (0..d).map(|j| (wtb[j] - theta[j]).powi(2)).sum::<f64>() + 0.3;
    let e = test_error(
        w.as_ref(),
        &fit.beta,
        &theta,
        &Activation::Linear,
        &Activation::Linear,
        0.3,
        100_000,
        8192,
        10,
    )
    .unwrap();
    assert!(
        (e.mean - exact).abs() < 4.0 * e.std_error,
        "{} ± {} vs {exact}",
        e.mean,
        e.std_error
    );
}
