//! Limits and facts of THEORY.md §5c (`ridge-error.md` §4), each computed independently in
//! the test (ReLU closed forms `μ0(c) = cΦ(c) + φ(c)`, `μ1(c) = Φ(c)`; least squares in the
//! span on a Gauss-Hermite rule).

#![allow(clippy::needless_range_loop)] // index-heavy small dense algebra

use giantstep_hermite::Activation;
use giantstep_hermite::quadrature::GaussianRule;
use giantstep_risk::{Group, RiskProblem};
use statrs::distribution::{ContinuousCDF, Normal};

fn relu_mu0(c: f64) -> f64 {
    let n = Normal::standard();
    c * n.cdf(c) + (-0.5 * c * c).exp() / (2.0 * std::f64::consts::PI).sqrt()
}
fn relu_mu1(c: f64) -> f64 {
    Normal::standard().cdf(c)
}

/// min over coefficients of E[(s - Σ c_i f_i)²] by normal equations (Gauss-Jordan).
fn ls_residual(funcs: &[Box<dyn Fn(f64) -> f64>], s: &dyn Fn(f64) -> f64) -> f64 {
    let rule = GaussianRule::piecewise_legendre(&[0.0], 30, 12.0).unwrap();
    let n = funcs.len();
    let mut a = vec![vec![0.0; n + 1]; n];
    for (&x, &w) in rule.nodes().iter().zip(rule.weights()) {
        let f: Vec<f64> = funcs.iter().map(|g| g(x)).collect();
        for i in 0..n {
            for j in 0..n {
                a[i][j] += w * f[i] * f[j];
            }
            a[i][n] += w * f[i] * s(x);
        }
    }
    for c in 0..n {
        let p = (c..n)
            .max_by(|&x, &y| a[x][c].abs().total_cmp(&a[y][c].abs()))
            .unwrap();
        a.swap(c, p);
        for r in 0..n {
            if r != c {
                let f = a[r][c] / a[c][c];
                for k in 0..=n {
                    a[r][k] -= f * a[c][k];
                }
            }
        }
    }
    let coef: Vec<f64> = (0..n).map(|i| a[i][n] / a[i][i]).collect();
    rule.nodes()
        .iter()
        .zip(rule.weights())
        .map(|(&x, &w)| {
            let f: f64 = funcs.iter().zip(&coef).map(|(g, c)| g(x) * c).sum();
            w * (s(x) - f).powi(2)
        })
        .sum()
}

fn target(x: f64) -> f64 {
    x + (x * x - 1.0) * std::f64::consts::FRAC_1_SQRT_2
}

fn base(lambda: f64) -> RiskProblem {
    RiskProblem::new(
        Activation::Relu,
        Activation::Hermite(vec![0.0, 1.0, std::f64::consts::FRAC_1_SQRT_2]),
        0.25,
        vec![Group::plain(0.5, 0.3), Group::plain(3.0, 0.7)],
        0.5,
        3.0,
        lambda,
    )
}

#[test]
fn large_lambda_limit_is_projection_on_means_not_second_moment() {
    // E_gen -> E[(s - Π s)^2] + Δ, Π onto span{μ0(0.5 κ), μ0(3 κ)}; O(1/λ) approach.
    let proj: Vec<Box<dyn Fn(f64) -> f64>> = vec![
        Box::new(|x| relu_mu0(0.5 * x)),
        Box::new(|x| relu_mu0(3.0 * x)),
    ];
    let limit = ls_residual(&proj, &target) + 0.25;
    let ey2 = 1.0 + 1.0 + 0.25;
    assert!(
        ey2 - limit > 0.3,
        "limit {limit} should be well below E[y^2] = {ey2}"
    );
    let e6 = base(1e6).solve().unwrap().e_gen;
    let e5 = base(1e5).solve().unwrap().e_gen;
    assert!(
        (e6 - limit).abs() < 1e-4 * limit,
        "E_gen(1e6) = {e6}, limit {limit}"
    );
    // error shrinks ~10x per decade
    assert!((e6 - limit).abs() < 0.2 * (e5 - limit).abs() + 1e-12);
}

#[test]
fn expressivity_bound_holds_and_irreducible_matches_independent_ls() {
    let span: Vec<Box<dyn Fn(f64) -> f64>> = vec![
        Box::new(|x| relu_mu0(0.5 * x)),
        Box::new(|x| relu_mu0(3.0 * x)),
        Box::new(|x| x * relu_mu1(0.5 * x)),
        Box::new(|x| x * relu_mu1(3.0 * x)),
    ];
    let irr = ls_residual(&span, &target);
    for lambda in [1e-3, 1e-2, 0.1, 1.0, 10.0] {
        let res = base(lambda).solve().unwrap();
        assert!(
            (res.irreducible - irr).abs() < 1e-8,
            "irreducible {} vs {irr}",
            res.irreducible
        );
        assert!(
            res.e_gen >= irr + 0.25,
            "lambda {lambda}: E_gen {} < bound {}",
            res.e_gen,
            irr + 0.25
        );
    }
}

#[test]
fn even_target_unlearnable_with_odd_sigma_and_symmetric_spikes() {
    // tanh, u = ±2: span{μ0(±2κ), κ μ1(±2κ)} has only odd functions; He2 is not learned.
    let p = RiskProblem::new(
        Activation::Tanh,
        Activation::Hermite(vec![0.0, 0.0, 1.0]),
        0.1,
        vec![Group::plain(2.0, 0.5), Group::plain(-2.0, 0.5)],
        2.0,
        1.0,
        1e-3,
    );
    let res = p.solve().unwrap();
    let ey2 = 2.0 + 0.1;
    assert!(
        res.f_hat.iter().all(|f| f.abs() < 1e-9),
        "learned function not zero"
    );
    assert!((res.irreducible - 2.0).abs() < 1e-9);
    assert!(
        res.e_gen >= ey2 - 1e-12,
        "E_gen {} < E[y^2] {ey2}",
        res.e_gen
    );
    // the collinear means (μ0(-2κ) = -μ0(2κ)) were handled by the pseudo-inverse
    assert!(res.dropped_directions >= 1);
}

#[test]
fn interpolation_peak_diverges_at_psi_equal_alpha() {
    // relu, u = 0, psi = alpha = 1: E_gen grows ~ λ^{-1/2} and ρ(ΦΞ) -> 1; at psi = 0.5 the
    // ridgeless limit is finite.
    let mk = |psi: f64, lambda: f64| {
        RiskProblem::new(
            Activation::Relu,
            Activation::Hermite(vec![0.0, 1.0]),
            0.0,
            vec![Group::plain(0.0, 1.0)],
            psi,
            1.0,
            lambda,
        )
        .solve()
        .unwrap()
    };
    let r: Vec<_> = [1e-4, 1e-5, 1e-6].iter().map(|&l| mk(1.0, l)).collect();
    for w in r.windows(2) {
        assert!(
            w[1].e_gen > 2.5 * w[0].e_gen,
            "{} -> {}",
            w[0].e_gen,
            w[1].e_gen
        );
        assert!(1.0 - w[1].spectral_radius < 0.5 * (1.0 - w[0].spectral_radius));
    }
    assert!(r[2].spectral_radius > 0.99);
    let a = mk(0.5, 1e-5).e_gen;
    let b = mk(0.5, 1e-7).e_gen;
    assert!((a - b).abs() < 1e-3 * b, "psi != alpha: {a} vs {b}");
}

/// `f̂(κ) = v_m μ0(uκ) + v_g γ κ μ1(uκ)` far in the left tail of an erf network (closed-form
/// coefficients): `μ0 → -1` and `κ μ1(uκ) → 0` (μ1 decays like a Gaussian), so
/// `f̂(κ) → -v_m`. At κ = -1e308 with γ = 2, `γκ` alone overflows; the limit must still come
/// out (it was NaN, found by the risk_entry fuzz target), equal to `-v_m` to 1e-15 relative.
#[test]
fn learned_function_takes_its_tail_limit_where_gamma_kappa_overflows() {
    let mut p = RiskProblem::new(
        Activation::Erf,
        Activation::Erf,
        0.25,
        vec![Group {
            u: 0.5,
            pi: 1.0,
            gamma: 2.0,
        }],
        0.5,
        2.0,
        0.1,
    );
    p.solver = Default::default();
    let res = p.solve().unwrap();
    let f = p.learned_function(&res, &[-1e308, -1e3]).unwrap();
    let limit = -res.v[0];
    assert!(limit.abs() > 1e-3, "v_m = {}", res.v[0]);
    for (k, fk) in [-1e308, -1e3].iter().zip(&f) {
        assert!(
            ((fk - limit) / limit).abs() < 1e-15,
            "f̂({k}) = {fk}, limit {limit}"
        );
    }
}
