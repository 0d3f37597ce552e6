//! Basic checks of the public API against hand-derived values.

#![allow(clippy::needless_range_loop)] // index loops mirror the formulas

use giantstep_hermite::HermiteError;
use giantstep_hermite::activation::Activation;
use giantstep_hermite::coefficients::hermite_coefficients;
use giantstep_hermite::quadrature::{GaussHermite, GaussianRule};
use giantstep_hermite::shifted::{Method, ShiftedCoefficients};

fn double_factorial(n: i64) -> f64 {
    if n <= 0 {
        1.0
    } else {
        n as f64 * double_factorial(n - 2)
    }
}

#[test]
fn gauss_hermite_small_rules_match_known_nodes() {
    // K = 3: nodes 0, ±√3, weights 2/3, 1/6
    let gh = GaussHermite::new(3).unwrap();
    assert!((gh.nodes()[2] - 3f64.sqrt()).abs() < 1e-15);
    assert!(gh.nodes()[1].abs() < 1e-300);
    assert!((gh.weights()[1] - 2.0 / 3.0).abs() < 1e-15);
    assert!((gh.weights()[0] - 1.0 / 6.0).abs() < 1e-15);
}

#[test]
fn gauss_hermite_moments_exact_k_1_to_60() {
    for k in 1..=60usize {
        let gh = GaussHermite::new(k).unwrap();
        let sum: f64 = gh.weights().iter().sum();
        assert!((sum - 1.0).abs() < 1e-14, "k={k}");
        for m in 0..k.min(20) {
            // E Z^{2m} = (2m-1)!!, exact for 2m <= 2k-1
            let v = gh.expect(|z| z.powi(2 * m as i32));
            let exact = double_factorial(2 * m as i64 - 1);
            assert!(
                (v - exact).abs() < 1e-12 * exact,
                "k={k} m={m}: {v} vs {exact}"
            );
        }
    }
}

#[test]
fn gauss_hermite_rejects_bad_k() {
    assert_eq!(GaussHermite::new(0).unwrap_err(), HermiteError::ZeroNodes);
    assert!(matches!(
        GaussHermite::new(100_001),
        Err(HermiteError::TooManyNodes { .. })
    ));
}

#[test]
fn relu_closed_form_matches_kink_aware_quadrature() {
    let closed = ShiftedCoefficients::new(Activation::Relu, 4).unwrap();
    let quad =
        ShiftedCoefficients::with_options(Activation::Relu, 4, 1.0, Method::Quadrature).unwrap();
    for i in 0..=40 {
        let c = -10.0 + 0.5 * i as f64;
        let a = closed.eval(c).unwrap();
        let b = quad.eval(c).unwrap();
        for k in 0..=4 {
            assert!(
                (a.mu[k] - b.mu[k]).abs() < 1e-13,
                "c={c} k={k}: {} vs {}",
                a.mu[k],
                b.mu[k]
            );
        }
        // the quadrature value is a difference of O(1 + c²) numbers: round-off ~ ε (1 + c²)
        let tol = 1e-14 * (1.0 + a.second_moment);
        assert!(
            (a.mu_star_sq - b.mu_star_sq).abs() < tol,
            "c={c}: {} vs {}",
            a.mu_star_sq,
            b.mu_star_sq
        );
    }
}

#[test]
fn erf_closed_forms_match_gauss_hermite() {
    for &s in &[0.5, 1.0, 2.0] {
        let closed = ShiftedCoefficients::with_scale(Activation::Erf, 5, s).unwrap();
        let quad = ShiftedCoefficients::with_options(
            Activation::Erf,
            5,
            s,
            Method::GaussHermite { nodes: 300 },
        )
        .unwrap();
        for i in 0..=20 {
            let c = -5.0 + 0.5 * i as f64;
            let a = closed.eval(c).unwrap();
            let b = quad.eval(c).unwrap();
            for k in 0..=5 {
                assert!(
                    (a.mu[k] - b.mu[k]).abs() < 1e-12,
                    "s={s} c={c} k={k}: {} vs {}",
                    a.mu[k],
                    b.mu[k]
                );
            }
            assert!(
                (a.second_moment - b.second_moment).abs() < 1e-12,
                "s={s} c={c}"
            );
        }
    }
}

#[test]
fn hermite_coefficients_of_hermite_polynomial_are_a_k_k_factorial() {
    let act: Activation = "hermite:0,1,0.5,0.25".parse().unwrap();
    let mu = hermite_coefficients(&act, 4).unwrap();
    assert_eq!(mu, vec![0.0, 1.0, 1.0, 1.5, 0.0]);
}

#[test]
fn activation_parse_and_serde_round_trip() {
    for name in [
        "relu",
        "tanh",
        "erf",
        "sigmoid",
        "softplus",
        "gelu",
        "silu",
        "abs",
        "linear",
        "hermite:0,1,0.7071067811865476",
    ] {
        let a: Activation = name.parse().unwrap();
        assert_eq!(a.to_string(), name);
        let json = serde_json::to_string(&a).unwrap();
        let back: Activation = serde_json::from_str(&json).unwrap();
        assert_eq!(back, a);
    }
    match "reluu".parse::<Activation>() {
        Err(HermiteError::UnknownActivation { name, known }) => {
            assert_eq!(name, "reluu");
            assert!(known.contains(&"relu"));
        }
        other => panic!("unexpected {other:?}"),
    }
    let custom = Activation::custom("sq", |z: f64| z * z);
    assert!(serde_json::to_string(&custom).is_err());
}

#[test]
fn piecewise_rule_integrates_gaussian_moments() {
    let r = GaussianRule::piecewise_legendre(&[0.37], 16, 12.0).unwrap();
    assert!((r.expect(|z| z * z) - 1.0).abs() < 1e-14);
    assert!((r.expect(|z| z.powi(4)) - 3.0).abs() < 1e-13);
}

#[test]
fn public_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<Activation>();
    check::<ShiftedCoefficients>();
    check::<GaussHermite>();
    check::<GaussianRule>();
    check::<HermiteError>();
}

#[test]
fn erf_second_moment_at_zero_shift_is_arcsine_law() {
    // E[erf(sZ/√2)²] = (2/π) arcsin(s²/(1+s²))
    for &s in &[0.1, 0.5, 1.0, 2.0, 10.0] {
        let v = ShiftedCoefficients::with_scale(Activation::Erf, 1, s)
            .unwrap()
            .eval(0.0)
            .unwrap();
        let exact = 2.0 / std::f64::consts::PI * (s * s / (1.0 + s * s)).asin();
        assert!(
            (v.second_moment - exact).abs() < 4e-16,
            "s={s}: {} vs {exact}",
            v.second_moment
        );
    }
}
