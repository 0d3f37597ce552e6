//! Activations (values, derivatives, names, parsing, serde) and Hermite polynomials.

#![allow(clippy::needless_range_loop)] // index loops mirror the formulas

use giantstep_hermite::HermiteError;
use giantstep_hermite::activation::{Activation, CustomActivation, KNOWN_ACTIVATIONS};
use giantstep_hermite::polynomials::{
    hermite, hermite_all, hermite_normalized_all, hermite_normalized_pair_scaled,
};
use proptest::prelude::*;

fn builtins() -> Vec<Activation> {
    [
        "relu",
        "tanh",
        "erf",
        "sigmoid",
        "softplus",
        "gelu",
        "silu",
        "abs",
        "linear",
        "hermite:0.5,-1,0.25,0.125",
    ]
    .iter()
    .map(|s| s.parse().unwrap())
    .collect()
}

#[test]
fn builtin_values_at_reference_points() {
    // erf(1/√2) = 0.682689492137085897 (P(|Z| < 1)), Φ(1) = 0.841344746068542949
    let erf: Activation = "erf".parse().unwrap();
    assert!((erf.eval(1.0) - 0.682_689_492_137_085_9).abs() < 2e-16);
    let gelu: Activation = "gelu".parse().unwrap();
    assert!((gelu.eval(1.0) - 0.841_344_746_068_542_9).abs() < 2e-16);
    // libm erfc against tabulated values (Abramowitz-Stegun / high precision)
    assert!((libm::erfc(1.0) - 0.157_299_207_050_285_13).abs() < 1e-17 * 3.0);
    assert!((libm::erfc(3.0) / 2.209_049_699_858_544e-5 - 1.0).abs() < 1e-15);
    assert!((libm::erfc(5.0) / 1.537_459_794_428_035e-12 - 1.0).abs() < 1e-15);
    // overflow-free softplus / sigmoid
    let softplus: Activation = "softplus".parse().unwrap();
    assert_eq!(softplus.eval(1000.0), 1000.0);
    assert!(softplus.eval(-1000.0) >= 0.0 && softplus.eval(-1000.0) < 1e-300);
    assert!((softplus.eval(0.0) - std::f64::consts::LN_2).abs() < 1e-16);
    let sigmoid: Activation = "sigmoid".parse().unwrap();
    assert_eq!(sigmoid.eval(-1000.0), 0.0);
    assert_eq!(sigmoid.eval(1000.0), 1.0);
    let silu: Activation = "silu".parse().unwrap();
    assert!((silu.eval(-800.0)).abs() < 1e-300);
    let he: Activation = "hermite:0.5,-1,0.25,0.125".parse().unwrap();
    // 0.5 - z + 0.25 (z² - 1) + 0.125 (z³ - 3z) at z = 2
    assert!((he.eval(2.0) - (0.5 - 2.0 + 0.75 + 0.25)).abs() < 1e-15);
}

#[test]
fn kink_derivative_conventions() {
    let relu = Activation::Relu;
    assert_eq!(relu.derivative(0.0), 0.0);
    assert_eq!(relu.derivative(1e-300), 1.0);
    assert_eq!(Activation::Abs.derivative(0.0), 0.0);
    assert_eq!(Activation::Abs.derivative(-3.0), -1.0);
    assert_eq!(Activation::Linear.derivative(7.0), 1.0);
}

#[test]
fn custom_derivative_is_used_or_falls_back_to_central_difference() {
    let with = Activation::Custom(CustomActivation::new("sin", f64::sin).with_derivative(f64::cos));
    assert_eq!(with.derivative(0.3), 0.3f64.cos());
    let without = Activation::custom("sin", f64::sin);
    // h = ε^{1/3} max(1, |z|): error h² |sin'''| / 6 + ε / h ≲ 7e-10 for |z| ≤ 10
    for z in [-3.0, 0.0, 0.3, 10.0] {
        assert!((without.derivative(z) - z.cos()).abs() < 1e-9, "z={z}");
    }
    assert_eq!(without.name(), "sin");
    assert_eq!(without.to_string(), "sin");
}

#[test]
fn names_parse_display_and_serde_round_trip() {
    for act in builtins() {
        let s = act.to_string();
        let back: Activation = s.parse().unwrap();
        assert_eq!(back, act);
        let json = serde_json::to_string(&act).unwrap();
        assert_eq!(json, format!("\"{s}\""));
        let back: Activation = serde_json::from_str(&json).unwrap();
        assert_eq!(back, act);
    }
    // case and whitespace
    assert_eq!(" ReLU ".parse::<Activation>().unwrap(), Activation::Relu);
    // the documented example coefficient string round-trips exactly
    let a: Activation = "hermite:0,1,0.7071067811865476".parse().unwrap();
    assert_eq!(
        a,
        Activation::Hermite(vec![0.0, 1.0, std::f64::consts::FRAC_1_SQRT_2])
    );
    assert_eq!(a.to_string(), "hermite:0,1,0.7071067811865476");
    // a vector in a config
    let v: Vec<Activation> = serde_json::from_str(r#"["tanh", "hermite:1,2"]"#).unwrap();
    assert_eq!(
        v,
        vec![Activation::Tanh, Activation::Hermite(vec![1.0, 2.0])]
    );
}

#[test]
fn bad_names_give_typed_errors() {
    match "swishh".parse::<Activation>() {
        Err(HermiteError::UnknownActivation { name, known }) => {
            assert_eq!(name, "swishh");
            assert_eq!(known, KNOWN_ACTIVATIONS.to_vec());
            let msg = HermiteError::UnknownActivation { name, known }.to_string();
            assert!(msg.contains("relu") && msg.contains("hermite:"), "{msg}");
        }
        other => panic!("{other:?}"),
    }
    for bad in [
        "hermite",
        "hermite:",
        "hermite:1,x",
        "hermite:1,inf",
        "hermite:nan",
    ] {
        assert!(
            matches!(
                bad.parse::<Activation>(),
                Err(HermiteError::ParseActivation { .. })
            ),
            "{bad}"
        );
    }
    let err = serde_json::from_str::<Activation>("\"bogus\"")
        .unwrap_err()
        .to_string();
    assert!(err.contains("unknown activation"), "{err}");
    let custom = Activation::custom("mine", |z: f64| z);
    let err = serde_json::to_string(&custom).unwrap_err().to_string();
    assert!(err.contains("cannot be serialized"), "{err}");
    assert!(matches!(
        Activation::hermite(vec![]),
        Err(HermiteError::ParseActivation { .. })
    ));
    assert!(matches!(
        Activation::hermite(vec![f64::NAN]),
        Err(HermiteError::NonFinite { .. })
    ));
}

#[test]
fn hermite_polynomials_match_explicit_formulas() {
    for &x in &[-3.0, -0.5, 0.0, 1.0, 2.5] {
        let he = hermite_all(x, 5);
        let explicit = [
            1.0,
            x,
            x * x - 1.0,
            x.powi(3) - 3.0 * x,
            x.powi(4) - 6.0 * x * x + 3.0,
            x.powi(5) - 10.0 * x.powi(3) + 15.0 * x,
        ];
        let h = hermite_normalized_all(x, 5);
        let fact = [1.0, 1.0, 2.0, 6.0, 24.0, 120.0];
        for k in 0..=5 {
            assert!(
                (he[k] - explicit[k]).abs() < 1e-12 * (1.0 + explicit[k].abs()),
                "x={x} k={k}"
            );
            assert!(
                (h[k] - explicit[k] / f64::sqrt(fact[k])).abs() < 1e-12 * (1.0 + explicit[k].abs())
            );
            assert_eq!(hermite(k, x), he[k]);
        }
    }
    assert!(hermite_all(1.0, 0) == vec![1.0]);
}

/// h_200(x) stays finite and accurate for large x; checked against ln|He_200(x)| - ln(200!)/2
/// computed independently (log-scaled plain recurrence, ln k! as a sum of logs).
#[test]
fn normalized_recurrence_does_not_overflow_at_k_200_large_x() {
    let k = 200;
    let ln_sqrt_fact: f64 = 0.5 * (1..=k).map(|j| (j as f64).ln()).sum::<f64>();
    for &x in &[0.0, 1.0, 10.0, 28.0, 30.0, 40.0, 100.0] {
        let h = hermite_normalized_all(x, k);
        assert!(h.iter().all(|v| v.is_finite()), "x={x}");
        // plain recurrence with a running log-scale
        let (mut a, mut b, mut ls) = (0.0f64, 1.0f64, 0.0f64);
        for j in 0..k {
            let c = x * b - j as f64 * a;
            a = b;
            b = c;
            let m = b.abs().max(a.abs());
            if m > 1e100 {
                a /= m;
                b /= m;
                ls += m.ln();
            }
        }
        if x == 0.0 {
            // h_200(0) = (199!!)/sqrt(200!) = sqrt(199!!/200!!)
            let r: f64 = (1..=100)
                .map(|j| (2 * j - 1) as f64 / (2 * j) as f64)
                .product();
            assert!((h[k] - r.sqrt()).abs() < 1e-14);
            continue;
        }
        let ln_expected = b.abs().ln() + ls - ln_sqrt_fact;
        assert!(
            (h[k].abs().ln() - ln_expected).abs() < 1e-12,
            "x={x}: {} vs {}",
            h[k].abs().ln(),
            ln_expected
        );
        assert_eq!(h[k].signum(), b.signum());
    }
    // the scaled pair never overflows, even for K = 1e5 at x = 600
    let (a, b, s) = hermite_normalized_pair_scaled(100_000, 600.0);
    assert!(a.is_finite() && b.is_finite() && s.is_finite() && s > 700.0);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, failure_persistence: None, ..ProptestConfig::default() })]

    /// σ' against a central difference with h = 1e-5 (error O(h² σ''') ≲ 1e-9), away from kinks.
    #[test]
    fn derivatives_match_central_differences(which in 0usize..10, z in -8.0f64..8.0) {
        let act = builtins()[which].clone();
        prop_assume!(!(act.kinks().iter().any(|k| (z - k).abs() < 1e-3)));
        let h = 1e-5;
        let fd = (act.eval(z + h) - act.eval(z - h)) / (2.0 * h);
        let d = act.derivative(z);
        prop_assert!((fd - d).abs() < 1e-7 * (1.0 + d.abs() + act.eval(z).abs()), "{} at {}: {} vs {}", act, z, d, fd);
    }
}
