//! Shifted coefficient functions μ_k(c), μ*(c)²: closed forms vs quadrature vs an
//! independent composite rule; Parseval; derivative identity; symmetry; errors.

#![allow(clippy::needless_range_loop)] // index loops mirror the formulas

mod common;

use common::{big_phi, he, reference_expectation, small_phi};
use giantstep_hermite::HermiteError;
use giantstep_hermite::activation::Activation;
use giantstep_hermite::coefficients::{hermite_coefficients, mu_star_sq};
use giantstep_hermite::shifted::{MAX_K_MAX, Method, ShiftedCoefficients};
use proptest::prelude::*;

/// THEORY.md §3 ReLU closed forms written out independently of the crate.
fn relu_reference(c: f64) -> (f64, f64, f64) {
    let (p, d) = (big_phi(c), small_phi(c));
    let mu0 = c * p + d;
    let mu1 = p;
    let m2 = (1.0 + c * c) * p + c * d;
    (mu0, mu1, m2 - mu0 * mu0 - mu1 * mu1)
}

fn shifts_grid() -> Vec<f64> {
    (0..=80).map(|i| -10.0 + 0.25 * i as f64).collect()
}

#[test]
fn relu_closed_forms_match_theory_formulas_on_c_in_minus_10_10() {
    let sc = ShiftedCoefficients::new(Activation::Relu, 6).unwrap();
    let table = sc.eval_many(&shifts_grid()).unwrap();
    for (i, &c) in table.shifts().iter().enumerate() {
        let (mu0, mu1, ms) = relu_reference(c);
        assert!(
            (table.mu(i, 0) - mu0).abs() < 1e-14 * (1.0 + c.abs()),
            "c={c}"
        );
        assert!((table.mu(i, 1) - mu1).abs() < 1e-15, "c={c}");
        // the reference μ*² is a cancelling difference of O(1 + c²) numbers
        assert!(
            (table.mu_star_sq()[i] - ms).abs() < 4e-15 * (1.0 + c * c),
            "c={c}"
        );
        for k in 2..=6 {
            let expected = if k % 2 == 0 { 1.0 } else { -1.0 } * he(k - 2, c) * small_phi(c);
            assert!(
                (table.mu(i, k) - expected).abs() < 1e-14 * (1.0 + expected.abs()),
                "c={c} k={k}"
            );
        }
        assert!(table.mu_star_sq()[i] >= 0.0);
    }
}

/// ReLU by plain Gauss-Hermite converges slowly (kink); the kink-aware rule is at round-off.
/// Prints the error table (max over c ∈ [-10, 10] in steps of 0.25).
#[test]
fn relu_quadrature_error_decreases_with_k_and_kink_aware_rule_is_at_roundoff() {
    let closed = ShiftedCoefficients::new(Activation::Relu, 1)
        .unwrap()
        .eval_many(&shifts_grid())
        .unwrap();
    let max_err = |t: &giantstep_hermite::shifted::ShiftedTable| {
        let mut e = [0.0f64; 3];
        for i in 0..t.len() {
            e[0] = e[0].max((t.mu(i, 0) - closed.mu(i, 0)).abs());
            e[1] = e[1].max((t.mu(i, 1) - closed.mu(i, 1)).abs());
            e[2] = e[2].max((t.mu_star_sq()[i] - closed.mu_star_sq()[i]).abs());
        }
        e
    };
    // μ1(c) = P(Z > -c) is a step-function integral: Gauss-Hermite errors are of the size of
    // the weight of the node nearest to -c (~ φ(c) π/√K), so they fall like K^{-1/2} and
    // oscillate with K; compared per decade of K.
    let mut previous = [f64::INFINITY; 3];
    eprintln!("ReLU, max |error| over c in [-10, 10]:  K | mu0 | mu1 | mu*^2");
    for k in [10, 20, 50, 100, 200, 500, 1000, 2000, 10_000] {
        let sc = ShiftedCoefficients::with_options(
            Activation::Relu,
            1,
            1.0,
            Method::GaussHermite { nodes: k },
        )
        .unwrap();
        let e = max_err(&sc.eval_many(&shifts_grid()).unwrap());
        eprintln!("GH {k:5} | {:.2e} | {:.2e} | {:.2e}", e[0], e[1], e[2]);
        if [10, 100, 1000, 10_000].contains(&k) {
            for j in 0..3 {
                assert!(
                    e[j] < previous[j],
                    "K={k}: error {} did not decrease over a decade",
                    e[j]
                );
            }
            previous = e;
        }
    }
    // slow algebraic convergence: still above 1e-6 at K = 1000 for mu1 (a step function)
    assert!(previous[1] > 1e-6);
    let kink =
        ShiftedCoefficients::with_options(Activation::Relu, 1, 1.0, Method::Quadrature).unwrap();
    let t = kink.eval_many(&shifts_grid()).unwrap();
    let e = max_err(&t);
    eprintln!(
        "kink-aware (16 nodes/panel) | {:.2e} | {:.2e} | {:.2e}",
        e[0], e[1], e[2]
    );
    // round-off relative to the integrand's scale m = E relu(Z+c)² (≈ 1 + c²): μ0, μ1 are sums
    // of terms of size sqrt(m), μ*² a difference of numbers of size m
    for i in 0..t.len() {
        let m = closed.second_moment()[i];
        let c = t.shifts()[i];
        assert!(
            (t.mu(i, 0) - closed.mu(i, 0)).abs() < 1e-14 * (1.0 + m).sqrt(),
            "c={c}"
        );
        assert!(
            (t.mu(i, 1) - closed.mu(i, 1)).abs() < 1e-14 * (1.0 + m).sqrt(),
            "c={c}"
        );
        assert!(
            (t.mu_star_sq()[i] - closed.mu_star_sq()[i]).abs() < 1e-14 * (1.0 + m),
            "c={c}"
        );
    }
}

#[test]
fn abs_closed_form_matches_kink_aware_quadrature_and_is_four_times_relu_mu_star() {
    for &s in &[0.5, 1.0, 3.0] {
        let closed = ShiftedCoefficients::with_scale(Activation::Abs, 4, s)
            .unwrap()
            .eval_many(&shifts_grid())
            .unwrap();
        let quad = ShiftedCoefficients::with_options(Activation::Abs, 4, s, Method::Quadrature)
            .unwrap()
            .eval_many(&shifts_grid())
            .unwrap();
        for i in 0..closed.len() {
            let c = closed.shifts()[i];
            let reference = reference_expectation(|z| (s * z + c).abs(), &[-c / s]);
            assert!(
                (closed.mu(i, 0) - reference).abs() < 1e-13 * (1.0 + c.abs()),
                "s={s} c={c}"
            );
            for k in 0..=4 {
                assert!(
                    (closed.mu(i, k) - quad.mu(i, k)).abs() < 1e-13 * (1.0 + c.abs()),
                    "s={s} c={c} k={k}"
                );
            }
            assert!(
                (closed.mu_star_sq()[i] - quad.mu_star_sq()[i]).abs() < 1e-14 * (s * s + c * c),
                "s={s} c={c}"
            );
            let (_, _, relu_ms) = relu_reference(c / s);
            assert!(
                (closed.mu_star_sq()[i] - 4.0 * s * s * relu_ms).abs()
                    < 1e-13 * (1.0 + (c / s).powi(2)) * s * s
            );
        }
    }
}

fn smooth_activations() -> Vec<Activation> {
    vec![
        Activation::Tanh,
        Activation::Erf,
        Activation::Sigmoid,
        Activation::Softplus,
        Activation::Gelu,
        Activation::Silu,
    ]
}

/// μ_k(c), k ≤ 5, and E σ(Z+c)², |c| ≤ 10: the default path (Gauss-Hermite K = 200 or closed
/// forms) and forced Gauss-Hermite K = 200, against the independent composite rule.
/// Tolerance 1e-12 max(1, |value|).
#[test]
fn smooth_activations_mu_k_accurate_to_1e_12_at_k_200_for_c_up_to_10() {
    let shifts: Vec<f64> = (0..=40).map(|i| -10.0 + 0.5 * i as f64).collect();
    for act in smooth_activations() {
        let default = ShiftedCoefficients::new(act.clone(), 5)
            .unwrap()
            .eval_many(&shifts)
            .unwrap();
        let gh = ShiftedCoefficients::with_options(
            act.clone(),
            5,
            1.0,
            Method::GaussHermite { nodes: 200 },
        )
        .unwrap()
        .eval_many(&shifts)
        .unwrap();
        let mut worst = 0.0f64;
        for (i, &c) in shifts.iter().enumerate() {
            for k in 0..=5 {
                let reference = reference_expectation(|z| act.eval(z + c) * he(k, z), &[]);
                for (name, t) in [("default", &default), ("GH200", &gh)] {
                    let err = (t.mu(i, k) - reference).abs();
                    worst = worst.max(err / reference.abs().max(1.0));
                    assert!(
                        err <= 1e-12 * reference.abs().max(1.0),
                        "{act} {name} c={c} k={k}: {} vs {reference}",
                        t.mu(i, k)
                    );
                }
            }
            let m2 = reference_expectation(|z| act.eval(z + c).powi(2), &[]);
            for t in [&default, &gh] {
                assert!(
                    (t.second_moment()[i] - m2).abs() <= 1e-12 * m2.max(1.0),
                    "{act} c={c}: E sigma^2"
                );
            }
        }
        eprintln!("{act}: max error of mu_k(c), k<=5, |c|<=10, K=200: {worst:.2e}");
    }
}

#[test]
fn erf_closed_forms_are_derivatives_of_erf_c_over_2() {
    // E[erf((Z+c)/√2)] = erf(c/2); μ_k(c) = d^k/dc^k erf(c/2): derivatives written out by hand
    // μ1 = e^{-c²/4}/√π, μ2 = -(c/2) e^{-c²/4}/√π, μ3 = (c²/4 - 1/2) e^{-c²/4}/√π
    let sc = ShiftedCoefficients::new(Activation::Erf, 3).unwrap();
    let sqrt_pi = std::f64::consts::PI.sqrt();
    for i in 0..=40 {
        let c = -10.0 + 0.5 * i as f64;
        let v = sc.eval(c).unwrap();
        let g = (-c * c / 4.0).exp() / sqrt_pi;
        assert!((v.mu[0] - libm::erf(c / 2.0)).abs() < 1e-15, "c={c}");
        assert!((v.mu[1] - g).abs() < 1e-15, "c={c}");
        assert!((v.mu[2] + 0.5 * c * g).abs() < 1e-15, "c={c}");
        assert!((v.mu[3] - (c * c / 4.0 - 0.5) * g).abs() < 1e-15, "c={c}");
    }
    // unshifted: E erf(Z/√2)² = (2/π) arcsin(1/2) = 1/3
    let v = sc.eval(0.0).unwrap();
    assert!((v.second_moment - 1.0 / 3.0).abs() < 1e-15);
}

/// Parseval: Σ_{k ≤ n} μ_k²/k! increases to E σ(Z)² (THEORY.md §3).
#[test]
fn parseval_partial_sums_converge_to_second_moment() {
    for act in [
        Activation::Tanh,
        Activation::Erf,
        Activation::Sigmoid,
        Activation::Gelu,
        Activation::Relu,
        Activation::Abs,
    ] {
        let mu = hermite_coefficients(&act, MAX_K_MAX).unwrap();
        let m2 = reference_expectation(|z| act.eval(z).powi(2), &[0.0]);
        let mut partial = 0.0;
        let mut fact = 1.0f64;
        let mut gaps = Vec::new();
        for (k, m) in mu.iter().enumerate() {
            if k > 0 {
                fact *= k as f64;
            }
            partial += m * m / fact;
            if [10, 50, 150].contains(&k) {
                gaps.push(m2 - partial);
            }
        }
        eprintln!(
            "{act}: E sigma^2 - partial Parseval sums at k = 10, 50, 150: {:.2e} {:.2e} {:.2e}",
            gaps[0], gaps[1], gaps[2]
        );
        assert!(
            gaps.iter().all(|g| *g > -1e-14),
            "{act}: partial sum above E sigma^2: {gaps:?}"
        );
        assert!(gaps[1] <= gaps[0] && gaps[2] <= gaps[1], "{act}: {gaps:?}");
        match act {
            // kinked: the tail of μ_k²/k! ~ k^{-5/2} sums to O(n^{-3/2}); 0.1 n^{-3/2} bound
            Activation::Relu | Activation::Abs => {
                assert!(gaps[2] < 0.1 * 150f64.powf(-1.5) * 4.0, "{act}: {gaps:?}")
            }
            // analytic in a strip: geometric decay
            _ => assert!(gaps[2] < 1e-13, "{act}: {gaps:?}"),
        }
    }
}

#[test]
fn odd_activations_have_even_mu_1_and_the_parity_rule() {
    // σ odd ⇒ μ_k(-c) = (-1)^{k+1} μ_k(c)
    let odd_custom = Activation::custom("cubic", |z: f64| z * z * z - 0.5 * z);
    for act in [
        Activation::Tanh,
        Activation::Erf,
        Activation::Linear,
        Activation::Hermite(vec![0.0, 1.0, 0.0, 0.3]),
        odd_custom,
    ] {
        let sc = ShiftedCoefficients::new(act.clone(), 4).unwrap();
        for i in 0..=20 {
            let c = 0.5 * i as f64;
            let (a, b) = (sc.eval(c).unwrap(), sc.eval(-c).unwrap());
            // round-off relative to the size of the integrand, sqrt(E σ(Z+c)²)
            let scale = 1.0 + a.second_moment.sqrt();
            assert!((a.mu[1] - b.mu[1]).abs() < 1e-14 * scale, "{act} c={c}");
            for k in 0..=4 {
                let sign = if k % 2 == 1 { 1.0 } else { -1.0 };
                assert!(
                    (b.mu[k] - sign * a.mu[k]).abs() < 1e-13 * scale,
                    "{act} c={c} k={k}"
                );
            }
            assert!((a.mu_star_sq - b.mu_star_sq).abs() < 1e-13 * (1.0 + a.second_moment));
        }
    }
}

#[test]
fn hermite_polynomial_activation_is_exact_and_mu_star_is_sum_of_squares() {
    // σ = He_2 + 0.5 He_3: σ(Z + c) expanded by hand:
    // He_2(Z+c) = He_2(Z) + 2c Z + c² - 1 + 1 ... use μ_k(c) = (d/dc)^k E σ(Z+c) instead:
    // E He_j(Z + c) = c^j, so E σ(Z+c) = c² + 0.5 c³, μ1 = 2c + 1.5c², μ2 = 2 + 3c, μ3 = 3.
    let act = Activation::Hermite(vec![0.0, 0.0, 1.0, 0.5]);
    let sc = ShiftedCoefficients::new(act, 3).unwrap();
    for i in 0..=20 {
        let c = -5.0 + 0.5 * i as f64;
        let v = sc.eval(c).unwrap();
        let expected = [
            c * c + 0.5 * c.powi(3),
            2.0 * c + 1.5 * c * c,
            2.0 + 3.0 * c,
            3.0,
        ];
        for k in 0..=3 {
            assert!(
                (v.mu[k] - expected[k]).abs() < 1e-12 * (1.0 + expected[k].abs()),
                "c={c} k={k}"
            );
        }
        let ms = expected[2].powi(2) / 2.0 + expected[3].powi(2) / 6.0;
        assert!((v.mu_star_sq - ms).abs() < 1e-12 * (1.0 + ms), "c={c}");
    }
}

#[test]
fn unshifted_coefficients_closed_forms() {
    let pi = std::f64::consts::PI;
    let relu = hermite_coefficients(&Activation::Relu, 6).unwrap();
    let r = 1.0 / (2.0 * pi).sqrt();
    let expected = [r, 0.5, r, 0.0, -r, 0.0, 3.0 * r];
    for k in 0..=6 {
        assert!((relu[k] - expected[k]).abs() < 1e-16, "relu k={k}");
    }
    let erf = hermite_coefficients(&Activation::Erf, 5).unwrap();
    // μ1 = 1/√π, μ3 = -1/(2√π), μ5 = 3/(4√π)
    let e = [
        0.0,
        1.0 / pi.sqrt(),
        0.0,
        -0.5 / pi.sqrt(),
        0.0,
        0.75 / pi.sqrt(),
    ];
    for k in 0..=5 {
        assert!((erf[k] - e[k]).abs() < 1e-15, "erf k={k}: {}", erf[k]);
    }
    let lin = hermite_coefficients(&Activation::Linear, 3).unwrap();
    assert_eq!(lin, vec![0.0, 1.0, 0.0, 0.0]);
    // tanh by quadrature vs the composite reference
    let tanh = hermite_coefficients(&Activation::Tanh, 7).unwrap();
    for (k, m) in tanh.iter().enumerate() {
        let reference = reference_expectation(|z| z.tanh() * he(k, z), &[]);
        assert!(
            (m - reference).abs() < 1e-13 * reference.abs().max(1.0),
            "tanh k={k}"
        );
    }
    assert!((mu_star_sq(&Activation::Relu).unwrap() - (0.25 - 1.0 / (2.0 * pi))).abs() < 1e-16);
}

#[test]
fn custom_activation_with_kinks_uses_breakpoints() {
    let leaky = giantstep_hermite::activation::CustomActivation::new("leaky", |z: f64| {
        if z > 0.0 { z } else { 0.1 * z }
    })
    .with_kinks(vec![0.0]);
    let sc = ShiftedCoefficients::new(Activation::Custom(leaky), 2).unwrap();
    for c in [-3.0, -0.7, 0.0, 1.3] {
        // leaky = 0.9 relu + 0.1 z
        let (mu0, mu1, _) = relu_reference(c);
        let v = sc.eval(c).unwrap();
        assert!((v.mu[0] - (0.9 * mu0 + 0.1 * c)).abs() < 1e-14, "c={c}");
        assert!((v.mu[1] - (0.9 * mu1 + 0.1)).abs() < 1e-14, "c={c}");
    }
}

#[test]
fn invalid_inputs_give_typed_errors() {
    let sc = ShiftedCoefficients::new(Activation::Tanh, 2).unwrap();
    assert!(matches!(
        sc.eval(f64::NAN),
        Err(HermiteError::NonFinite { .. })
    ));
    assert!(matches!(
        sc.eval_many(&[0.0, f64::INFINITY]),
        Err(HermiteError::NonFinite { .. })
    ));
    for s in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert!(matches!(
            ShiftedCoefficients::with_scale(Activation::Relu, 2, s),
            Err(HermiteError::InvalidScale(_))
        ));
    }
    assert!(matches!(
        ShiftedCoefficients::new(Activation::Relu, MAX_K_MAX + 1),
        Err(HermiteError::KMaxTooLarge { .. })
    ));
    assert!(matches!(
        hermite_coefficients(&Activation::Relu, 10_000),
        Err(HermiteError::KMaxTooLarge { .. })
    ));
    assert!(matches!(
        ShiftedCoefficients::with_options(
            Activation::Tanh,
            2,
            1.0,
            Method::GaussHermite { nodes: 0 }
        ),
        Err(HermiteError::ZeroNodes)
    ));
    assert!(matches!(
        ShiftedCoefficients::with_options(
            Activation::Tanh,
            2,
            1.0,
            Method::GaussHermite { nodes: 1 << 40 }
        ),
        Err(HermiteError::TooManyNodes { .. })
    ));
    assert!(matches!(
        ShiftedCoefficients::with_options(
            Activation::Tanh,
            2,
            1.0,
            Method::PiecewiseLegendre {
                nodes_per_piece: 8,
                cutoff: -1.0
            }
        ),
        Err(HermiteError::InvalidCutoff { .. })
    ));
    assert!(matches!(
        ShiftedCoefficients::new(Activation::Hermite(vec![1.0, f64::NAN]), 2),
        Err(HermiteError::NonFinite { .. })
    ));
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, failure_persistence: None, ..ProptestConfig::default() })]

    /// μ_{k+1}(c) = s d/dc μ_k(c) (Stein), central differences with h = 1e-4:
    /// error O(h² μ_{k+3}) ≈ 1e-8; tolerance 1e-6 (1 + |μ_{k+1}|).
    #[test]
    fn mu_k_plus_1_is_derivative_of_mu_k(
        which in 0usize..8,
        c in -5.0f64..5.0,
        s in 0.5f64..2.0,
    ) {
        let act = [Activation::Tanh, Activation::Erf, Activation::Sigmoid, Activation::Softplus,
                   Activation::Gelu, Activation::Silu, Activation::Relu, Activation::Abs][which].clone();
        let sc = ShiftedCoefficients::with_scale(act.clone(), 5, s).unwrap();
        let h = 1e-4;
        let (up, down, mid) = (sc.eval(c + h).unwrap(), sc.eval(c - h).unwrap(), sc.eval(c).unwrap());
        for k in 0..5 {
            let fd = s * (up.mu[k] - down.mu[k]) / (2.0 * h);
            prop_assert!((fd - mid.mu[k + 1]).abs() < 1e-6 * (1.0 + mid.mu[k + 1].abs()),
                "{} s={} c={} k={}: fd {} vs {}", act, s, c, k, fd, mid.mu[k + 1]);
        }
    }

    /// μ*(c)² ≥ 0 and equals E σ² - μ0² - μ1² within the documented round-off bound.
    #[test]
    fn mu_star_sq_is_nonnegative_and_consistent(which in 0usize..8, c in -12.0f64..12.0, s in 0.2f64..4.0) {
        let act = [Activation::Tanh, Activation::Erf, Activation::Sigmoid, Activation::Softplus,
                   Activation::Gelu, Activation::Silu, Activation::Relu, Activation::Abs][which].clone();
        let v = ShiftedCoefficients::with_scale(act.clone(), 1, s).unwrap().eval(c).unwrap();
        prop_assert!(v.mu_star_sq >= 0.0);
        let diff = v.second_moment - v.mu[0] * v.mu[0] - v.mu[1] * v.mu[1];
        // The naive difference is only as accurate as E σ² itself. For relu (and abs, a sum
        // of two relus) the closed form E relu(sZ+c)² = s²[(1+t²)Φ(t) + tφ(t)], t = c/s,
        // cancels for t ≪ 0: its round-off is ε times the size of the cancelling terms.
        let cancelling = |t: f64| s * s * ((1.0 + t * t) * big_phi(t) + t.abs() * small_phi(t));
        let second_moment_scale = match act {
            Activation::Relu => cancelling(c / s),
            Activation::Abs => cancelling(c / s) + cancelling(-c / s),
            _ => 0.0,
        };
        let bound = 256.0
            * f64::EPSILON
            * (v.second_moment + v.mu[0] * v.mu[0] + v.mu[1] * v.mu[1] + second_moment_scale);
        prop_assert!((v.mu_star_sq - diff).abs() <= bound, "{} vs {}", v.mu_star_sq, diff);
    }
}

#[test]
fn extreme_shifts_and_scales_give_exact_limits_not_nan() {
    // relu(sZ + c) with c/s = 1e200: σ = sZ + c almost surely
    let v = ShiftedCoefficients::with_scale(Activation::Relu, 4, 1e-100)
        .unwrap()
        .eval(1e100)
        .unwrap();
    assert_eq!(v.mu, vec![1e100, 1e-100, 0.0, 0.0, 0.0]);
    assert_eq!(v.second_moment, 1e200);
    assert_eq!(v.mu_star_sq, 0.0);
    let v = ShiftedCoefficients::with_scale(Activation::Abs, 3, 1e-100)
        .unwrap()
        .eval(-1e100)
        .unwrap();
    assert_eq!(v.mu, vec![1e100, -1e-100, 0.0, 0.0]);
    assert_eq!(v.mu_star_sq, 0.0);
    // erf far in the tail: μ0 = ±1, derivatives 0
    let v = ShiftedCoefficients::new(Activation::Erf, 5)
        .unwrap()
        .eval(-1e10)
        .unwrap();
    assert_eq!(v.mu, vec![-1.0, 0.0, 0.0, 0.0, 0.0, 0.0]);
    assert!(v.mu_star_sq.abs() < 1e-15);
    // genuinely overflowing results are typed errors
    let sc = ShiftedCoefficients::new(Activation::Relu, 1).unwrap();
    assert!(matches!(
        sc.eval(1e200),
        Err(HermiteError::NonFinite { .. })
    ));
    let poly = ShiftedCoefficients::new(Activation::Hermite(vec![0.0, 0.0, 0.0, 1.0]), 1).unwrap();
    assert!(matches!(
        poly.eval(1e120),
        Err(HermiteError::NonFinite { .. })
    ));
}

/// Far left tail of relu(Z + t), `x = -t ≫ 1`, against the asymptotic (Mills-ratio) series
/// `μ0 = φ(x)(x⁻² - 3x⁻⁴ + 15x⁻⁶ - 105x⁻⁸ + 945x⁻¹⁰)` and
/// `E σ² = φ(x)(2x⁻³ - 12x⁻⁵ + 90x⁻⁷ - 840x⁻⁹ + 9450x⁻¹¹)` (truncation below 2e-9 relative
/// at x ≥ 20); the closed forms are differences of nearly equal terms there (relative
/// round-off ~ x⁴ε ≈ 3e-10 at x = 35). Tolerance 1e-7 relative.
#[test]
fn relu_left_tail_matches_asymptotic_series_and_never_goes_negative() {
    let sc = ShiftedCoefficients::new(Activation::Relu, 2).unwrap();
    for x in [20.0, 25.0, 30.0, 35.0] {
        let e = sc.eval(-x).unwrap();
        let d = small_phi(x);
        let mu0: f64 = d * [1.0, -3.0, 15.0, -105.0, 945.0]
            .iter()
            .enumerate()
            .map(|(j, a)| a * x.powi(-2 - 2 * j as i32))
            .sum::<f64>();
        let m2: f64 = d * [2.0, -12.0, 90.0, -840.0, 9450.0]
            .iter()
            .enumerate()
            .map(|(j, a)| a * x.powi(-3 - 2 * j as i32))
            .sum::<f64>();
        assert!(
            (e.mu[0] / mu0 - 1.0).abs() < 1e-7,
            "x = {x}: μ0 {} vs {mu0}",
            e.mu[0]
        );
        assert!(
            (e.second_moment / m2 - 1.0).abs() < 1e-7,
            "x = {x}: E σ² {} vs {m2}",
            e.second_moment
        );
    }
    // into and past the subnormal range of φ (x ≈ 37.5 .. 38.6): never negative
    // (the CI fuzz smoke found E σ² = -2e-322 at such a shift before the clamp)
    for i in 0..=400 {
        let t = -36.0 - 0.01 * i as f64;
        for s in [1.0, 0.5, 3.0] {
            let sc =
                ShiftedCoefficients::with_options(Activation::Relu, 3, s, Method::Auto).unwrap();
            let e = sc.eval(s * t).unwrap();
            assert!(
                e.mu[0] >= 0.0 && e.second_moment >= 0.0 && e.mu_star_sq >= 0.0,
                "t = {t}, s = {s}: μ0 {}, E σ² {}, μ*² {}",
                e.mu[0],
                e.second_moment,
                e.mu_star_sq
            );
        }
    }
}

#[test]
fn group_tables_equal_separate_evaluations_bit_for_bit() {
    // a symmetric rule (the Gauss-Hermite rule is), u = ±1.5 (the one-step model's a = ±1),
    // a repeated u and an unrelated one, for a closed form and a quadrature activation
    let rule = giantstep_hermite::GaussHermite::new(40)
        .unwrap()
        .into_rule();
    let nodes = rule.nodes();
    let us = [1.5, -1.5, 0.7, 1.5, 0.0];
    for act in [Activation::Relu, Activation::Tanh] {
        let sc = ShiftedCoefficients::new(act.clone(), 3).unwrap();
        let tables = sc.eval_products(&us, nodes).unwrap();
        assert_eq!(tables.len(), us.len());
        for (u, t) in us.iter().zip(&tables) {
            let shifts: Vec<f64> = nodes.iter().map(|x| u * x).collect();
            let direct = sc.eval_many(&shifts).unwrap();
            assert_eq!(t.shifts(), direct.shifts(), "{act} u = {u}");
            for i in 0..nodes.len() {
                for k in 0..=3 {
                    assert_eq!(
                        t.mu(i, k).to_bits(),
                        direct.mu(i, k).to_bits(),
                        "{act} u={u} i={i}"
                    );
                }
                assert_eq!(
                    t.mu_star_sq()[i].to_bits(),
                    direct.mu_star_sq()[i].to_bits()
                );
                assert_eq!(
                    t.second_moment()[i].to_bits(),
                    direct.second_moment()[i].to_bits()
                );
            }
        }
    }
}
