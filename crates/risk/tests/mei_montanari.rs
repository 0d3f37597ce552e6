//! `u = 0` through the full pipeline (`RiskProblem::solve`: hermite profiles, stieltjes
//! fixed point at `z = -λ`, assembly) against the independent Mei-Montanari (2019) closed
//! form of `giantstep_risk::mei_montanari` (THEORY.md §5c, `ridge-error.md` §4a).
//! Tolerance: 1e-10 relative, over a proptest range of `(ψ, α, λ, σ ∈ {relu, tanh}, target)`.

use giantstep_hermite::Activation;
use giantstep_hermite::coefficients::hermite_coefficients;
use giantstep_hermite::quadrature::GaussianRule;
use giantstep_risk::mei_montanari::{MmInputs, bias_variance, test_error};
use giantstep_risk::{Group, RiskProblem};
use proptest::prelude::*;

fn mm_value(
    sigma: &Activation,
    target: &Activation,
    noise: f64,
    psi: f64,
    alpha: f64,
    lambda: f64,
) -> f64 {
    let mu = hermite_coefficients(sigma, 1).unwrap();
    let e2 = giantstep_hermite::coefficients::mu_star_sq(sigma).unwrap();
    let rule = GaussianRule::piecewise_legendre(&target.kinks(), 30, 14.0).unwrap();
    let f0 = rule.expect(|x| target.eval(x));
    let f1 = rule.expect(|x| x * target.eval(x));
    let m2 = rule.expect(|x| target.eval(x).powi(2));
    let inp = MmInputs {
        mu0: if sigma.is_odd() { 0.0 } else { mu[0] },
        mu1: mu[1],
        mustar2: e2,
        f0,
        f1,
        second_moment: m2,
    };
    test_error(&inp, noise, psi, alpha, lambda).unwrap()
}

fn check(sigma: Activation, target: Activation, noise: f64, psi: f64, alpha: f64, lambda: f64) {
    let p = RiskProblem::new(
        sigma.clone(),
        target.clone(),
        noise,
        vec![Group::plain(0.0, 1.0)],
        psi,
        alpha,
        lambda,
    );
    let ours = p.solve().unwrap().e_gen;
    let mm = mm_value(&sigma, &target, noise, psi, alpha, lambda);
    let rel = (ours - mm).abs() / mm;
    assert!(
        rel < 1e-10,
        "{} target {:?} psi {psi} alpha {alpha} lambda {lambda}: spiked {ours} vs MM {mm} (rel {rel:e})",
        sigma.name(),
        target.name()
    );
}

#[test]
fn mm_bias_variance_limits() {
    // λ -> ∞: B -> 1, V -> 0; B, V > 0 (B may exceed 1 near interpolation)
    let (b, v) = bias_variance(0.8, 1.3, 2.1, 1e9);
    assert!((b - 1.0).abs() < 1e-6 && v.abs() < 1e-6);
    for &(z, p1, p2, l) in &[
        (0.5, 0.5, 3.0, 0.1),
        (1.2, 2.0, 1.0, 1e-3),
        (0.9, 1.0, 1.0, 1e-4),
    ] {
        let (b, v) = bias_variance(z, p1, p2, l);
        assert!(b > 0.0 && v > 0.0, "B = {b}, V = {v}");
    }
}

#[test]
fn u0_matches_mei_montanari_fixed_cases() {
    let he = |c: &[f64]| Activation::Hermite(c.to_vec());
    check(
        Activation::Relu,
        he(&[0.0, 1.0, std::f64::consts::FRAC_1_SQRT_2]),
        0.25,
        0.5,
        3.0,
        0.1,
    );
    check(
        Activation::Relu,
        he(&[0.3, 0.8, 0.0, 0.2]),
        0.0,
        2.0,
        1.0,
        1e-3,
    );
    check(
        Activation::Tanh,
        he(&[0.4, 0.8, 0.0, 0.2]),
        0.0,
        2.0,
        1.0,
        1e-3,
    );
    check(Activation::Tanh, Activation::Relu, 0.1, 1.0, 1.0, 1e-2);
    check(Activation::Relu, Activation::Tanh, 0.1, 3.0, 0.5, 0.3);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn u0_matches_mei_montanari_1e10(
        relu in any::<bool>(),
        coeffs in proptest::collection::vec(-1.0f64..1.0, 4),
        kinked_target in any::<bool>(),
        noise in 0.0f64..1.0,
        psi in 0.2f64..4.0,
        alpha in 0.2f64..4.0,
        log_lambda in -3.0f64..1.0,
    ) {
        let sigma = if relu { Activation::Relu } else { Activation::Tanh };
        let target = if kinked_target { Activation::Relu } else { Activation::Hermite(coeffs) };
        check(sigma, target, noise, psi, alpha, 10f64.powf(log_lambda));
    }
}
