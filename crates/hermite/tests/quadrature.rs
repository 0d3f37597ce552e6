//! Gauss-Hermite and piecewise rules: fast vs slow algorithms, exactness, invariants.

#![allow(clippy::needless_range_loop)] // index loops mirror the formulas

use giantstep_hermite::HermiteError;
use giantstep_hermite::quadrature::{GaussHermite, GaussLegendre, GaussianRule, GhAlgorithm};
use proptest::prelude::*;

/// `E Z^j` for `Z ~ N(0,1)`: `(j-1)!!` for even `j`, 0 for odd `j` (independent of the rules).
fn gaussian_moment(j: usize) -> f64 {
    if j % 2 == 1 {
        return 0.0;
    }
    (1..j).step_by(2).map(|i| i as f64).product()
}

fn assert_rule_invariants(gh: &GaussHermite) {
    let k = gh.len();
    let (x, w) = (gh.nodes(), gh.weights());
    assert_eq!(x.len(), k);
    let sum: f64 = w.iter().sum();
    assert!((sum - 1.0).abs() < 1e-14, "K={k}: weights sum to {sum}");
    for i in 0..k {
        assert_eq!(x[i], -x[k - 1 - i], "K={k}: nodes not symmetric at {i}");
        assert_eq!(w[i], w[k - 1 - i], "K={k}: weights not symmetric at {i}");
        assert!(
            w[i] >= 0.0 && w[i].is_finite(),
            "K={k}: weight {i} = {}",
            w[i]
        );
        if i > 0 {
            assert!(x[i] > x[i - 1], "K={k}: nodes not increasing at {i}");
        }
    }
    // the central weights never underflow
    assert!(w[k / 2] > 0.0);
}

/// Compare two rules: nodes to `tol_x max(1, |x|)`, weights to `1e-15` absolute and to the
/// relative `4ε (sqrt(K) + x²)`: both algorithms accumulate the amplitude of `h_{K-1}` over
/// `O(K)` steps with independent rounding (random walk, `ε sqrt(K)`), and an ulp of `x`
/// moves `ln w` by `|x| ulp(x)` (conditioning of `w ~ e^{-x²/2}`).
fn assert_rules_agree(a: &GaussHermite, b: &GaussHermite, tol_x: f64) {
    let k = a.len();
    for i in 0..k {
        let (xa, xb) = (a.nodes()[i], b.nodes()[i]);
        assert!(
            (xa - xb).abs() <= tol_x * xa.abs().max(1.0),
            "K={k} node {i}: {xa} vs {xb}"
        );
        let (wa, wb) = (a.weights()[i], b.weights()[i]);
        assert!((wa - wb).abs() <= 1e-15, "K={k} weight {i}: {wa} vs {wb}");
        if wa > 1e-280 {
            let rel = ((wa - wb) / wa).abs();
            let tol = 4.0 * f64::EPSILON * ((k as f64).sqrt() + xa * xa);
            assert!(rel <= tol, "K={k} weight {i} at x={xa}: rel {rel:e}");
        }
    }
}

#[test]
fn golub_welsch_and_fast_sweep_agree_for_every_k_up_to_300() {
    for k in 1..=300 {
        let gw = GaussHermite::with_algorithm(k, GhAlgorithm::GolubWelsch).unwrap();
        let fast = GaussHermite::with_algorithm(k, GhAlgorithm::GlaserLiuRokhlin).unwrap();
        assert_rule_invariants(&gw);
        assert_rule_invariants(&fast);
        // tolerance: 4 ulps relative
        assert_rules_agree(&gw, &fast, 8.9e-16);
    }
}

#[test]
fn fast_sweep_matches_newton_on_recurrence_at_k_1000_and_10000() {
    for k in [1000, 2501, 10_000] {
        let fast = GaussHermite::with_algorithm(k, GhAlgorithm::GlaserLiuRokhlin).unwrap();
        let slow = GaussHermite::with_algorithm(k, GhAlgorithm::NewtonRecurrence).unwrap();
        assert_rule_invariants(&fast);
        assert_rules_agree(&fast, &slow, 8.9e-16);
    }
}

/// Double-double arithmetic (error-free transformations), for an independent reference.
#[derive(Clone, Copy)]
struct Dd(f64, f64);
fn quick_two_sum(a: f64, b: f64) -> Dd {
    let s = a + b;
    Dd(s, b - (s - a))
}
fn dd_add(a: Dd, b: Dd) -> Dd {
    let s = a.0 + b.0;
    let bb = s - a.0;
    let e = (a.0 - (s - bb)) + (b.0 - bb);
    let t = quick_two_sum(s, e + a.1 + b.1);
    quick_two_sum(t.0, t.1)
}
fn dd_mul(a: Dd, b: Dd) -> Dd {
    let p = a.0 * b.0;
    let e = a.0.mul_add(b.0, -p);
    quick_two_sum(p, e + a.0 * b.1 + a.1 * b.0)
}
fn dd_scale(a: Dd, s: f64) -> Dd {
    Dd(a.0 * s, a.1 * s)
}

/// Newton step `He_K(x) / (K He_{K-1}(x))` with the plain integer recurrence in
/// double-double, rescaled by exact powers of two.
fn dd_newton_step(k: usize, x: Dd) -> Dd {
    let (mut prev, mut cur) = (Dd(0.0, 0.0), Dd(1.0, 0.0));
    for j in 0..k {
        let next = dd_add(dd_mul(x, cur), dd_scale(prev, -(j as f64)));
        prev = cur;
        cur = next;
        if cur.0.abs() > 1e200 {
            cur = dd_scale(cur, 2f64.powi(-600));
            prev = dd_scale(prev, 2f64.powi(-600));
        }
    }
    let den = dd_scale(prev, k as f64);
    let q1 = cur.0 / den.0;
    let r = dd_add(cur, dd_scale(den, -q1));
    quick_two_sum(q1, r.0 / den.0)
}

fn dd_sqrt(k: f64) -> Dd {
    if k == 0.0 {
        return Dd(0.0, 0.0);
    }
    let s = k.sqrt();
    quick_two_sum(s, (-s).mul_add(s, k) / (2.0 * s))
}
fn dd_div(a: Dd, d: Dd) -> Dd {
    let q1 = a.0 / d.0;
    let r = dd_add(a, dd_scale(d, -q1));
    quick_two_sum(q1, r.0 / d.0)
}

/// Christoffel weight `1/(K h_{K-1}(x)²)` with the normalized recurrence in double-double;
/// `None` if the values needed rescaling (then the weight is below ~1e-200 anyway).
fn dd_weight(k: usize, x: Dd) -> Option<f64> {
    let (mut prev, mut cur) = (Dd(0.0, 0.0), Dd(1.0, 0.0));
    for j in 0..k - 1 {
        let num = dd_add(
            dd_mul(x, cur),
            dd_mul(Dd(-1.0, 0.0), dd_mul(dd_sqrt(j as f64), prev)),
        );
        let next = dd_div(num, dd_sqrt((j + 1) as f64));
        prev = cur;
        cur = next;
        if cur.0.abs() > 1e150 {
            return None;
        }
    }
    Some(1.0 / (k as f64 * cur.0) / cur.0)
}

#[test]
fn fast_weights_at_k_10000_match_double_double_christoffel_weights() {
    let k = 10_000;
    let fast = GaussHermite::with_algorithm(k, GhAlgorithm::GlaserLiuRokhlin).unwrap();
    let mut checked = 0;
    for i in [
        k / 2,
        k / 2 + 7,
        k / 2 + 300,
        k / 2 + 1000,
        k / 2 + 1500,
        k / 2 + 1900,
    ] {
        let x = fast.nodes()[i];
        if let Some(w) = dd_weight(k, Dd(x, 0.0)) {
            let rel = (fast.weights()[i] - w).abs() / w;
            eprintln!("K={k} x={x:.3}: relative weight error {rel:.2e}");
            let tol = 4.0 * f64::EPSILON * ((k as f64).sqrt() + x * x);
            assert!(
                rel <= tol,
                "node {i} at {x}: weight {} vs {w}: rel {rel:e} > {tol:e}",
                fast.weights()[i]
            );
            checked += 1;
        }
    }
    assert!(checked >= 4);
}

#[test]
fn fast_nodes_at_k_10000_match_double_double_newton_to_an_ulp_or_two() {
    let k = 10_000;
    let fast = GaussHermite::with_algorithm(k, GhAlgorithm::GlaserLiuRokhlin).unwrap();
    for i in [
        k / 2,
        k / 2 + 1,
        k / 2 + 1234,
        k / 2 + 3000,
        k - 100,
        k - 3,
        k - 2,
        k - 1,
    ] {
        let mut x = Dd(fast.nodes()[i], 0.0);
        for _ in 0..3 {
            let s = dd_newton_step(k, x);
            x = dd_add(x, Dd(-s.0, -s.1));
        }
        let err = (fast.nodes()[i] - x.0) - x.1;
        // 2 ulps of the node (the largest node is 199.5: ulp 2.8e-14)
        let ulp = f64::EPSILON * x.0.abs().max(f64::MIN_POSITIVE);
        assert!(
            err.abs() <= 2.0 * ulp.max(1e-300) + 1e-300,
            "node {i} = {}: error {err:e}",
            x.0
        );
    }
}

#[test]
fn large_rules_are_valid_and_weights_underflow_only_in_the_tails() {
    for k in [20_000, 100_000] {
        let gh = GaussHermite::new(k).unwrap();
        assert_eq!(gh.algorithm(), GhAlgorithm::GlaserLiuRokhlin);
        assert_rule_invariants(&gh);
        // largest node just below the turning point sqrt(4K + 2)
        let top = gh.nodes()[k - 1];
        let turning = (4.0 * k as f64 + 2.0).sqrt();
        assert!(
            top < turning && top > turning - 3.0 * (4.0 * k as f64).powf(-1.0 / 6.0),
            "K={k}: {top}"
        );
        // weights are exactly 0 only where e^{-x²/2} underflows (|x| > 37)
        for (x, w) in gh.nodes().iter().zip(gh.weights()) {
            if *w == 0.0 {
                assert!(x.abs() > 37.0, "K={k}: zero weight at {x}");
            }
        }
        // E Z² = 1, E Z⁴ = 3 still exact
        assert!((gh.expect(|z| z * z) - 1.0).abs() < 1e-13);
        assert!((gh.expect(|z| z.powi(4)) - 3.0).abs() < 1e-12);
    }
}

#[test]
fn quadratic_algorithms_are_limited() {
    for alg in [GhAlgorithm::GolubWelsch, GhAlgorithm::NewtonRecurrence] {
        assert!(matches!(
            GaussHermite::with_algorithm(GaussHermite::MAX_NODES_QUADRATIC + 1, alg),
            Err(HermiteError::TooManyNodes { limit: 20_000, .. })
        ));
    }
}

#[test]
fn auto_algorithm_is_the_fast_sweep() {
    for k in [1, 2, 64, 65, 1000] {
        assert_eq!(
            GaussHermite::new(k).unwrap().algorithm(),
            GhAlgorithm::GlaserLiuRokhlin
        );
    }
}

#[test]
fn normalized_hermite_are_orthonormal_to_k_200_under_gauss_hermite_250() {
    // exact for j + k <= 2*250 - 1; tolerance 1e-12 absolute on the Gram matrix
    let gh = GaussHermite::new(250).unwrap();
    let kmax = 200;
    let mut gram = vec![0.0; (kmax + 1) * (kmax + 1)];
    let mut h = vec![0.0; kmax + 1];
    for (&z, &w) in gh.nodes().iter().zip(gh.weights()) {
        giantstep_hermite::polynomials::hermite_normalized_into(z, &mut h);
        for j in 0..=kmax {
            for k in 0..=kmax {
                gram[j * (kmax + 1) + k] += w * h[j] * h[k];
            }
        }
    }
    for j in 0..=kmax {
        for k in 0..=kmax {
            let expected = if j == k { 1.0 } else { 0.0 };
            let v = gram[j * (kmax + 1) + k];
            assert!((v - expected).abs() < 1e-12, "<h_{j}, h_{k}> = {v}");
        }
    }
}

#[test]
fn piecewise_rule_errors_and_exactness() {
    assert_eq!(GaussLegendre::new(0).unwrap_err(), HermiteError::ZeroNodes);
    assert!(matches!(
        GaussianRule::piecewise_legendre(&[], 1001, 12.0),
        Err(HermiteError::TooManyNodes { .. })
    ));
    assert!(matches!(
        GaussianRule::piecewise_legendre(&[], 8, 0.0),
        Err(HermiteError::InvalidCutoff { .. })
    ));
    assert!(matches!(
        GaussianRule::piecewise_legendre(&[], 8, 41.0),
        Err(HermiteError::InvalidCutoff { .. })
    ));
    assert!(matches!(
        GaussianRule::piecewise_legendre(&[f64::NAN], 8, 12.0),
        Err(HermiteError::NonFinite { .. })
    ));
    // breakpoints outside the cutoff are ignored
    let r = GaussianRule::piecewise_legendre(&[-20.0, 0.3, 50.0], 12, 12.0).unwrap();
    for j in 0..=12 {
        let v = r.expect(|z| z.powi(j as i32));
        // round-off relative to E|Z|^j <= E Z^{j + j%2}
        assert!(
            (v - gaussian_moment(j)).abs() < 1e-14 * gaussian_moment(j + j % 2),
            "j={j}: {v}"
        );
    }
}

#[test]
fn gaussian_rule_new_validates() {
    assert!(GaussianRule::new(vec![0.0], vec![1.0]).is_ok());
    assert!(matches!(
        GaussianRule::new(vec![0.0, 1.0], vec![1.0]),
        Err(HermiteError::InvalidRule(_))
    ));
    assert!(matches!(
        GaussianRule::new(vec![0.0], vec![0.9]),
        Err(HermiteError::InvalidRule(_))
    ));
    assert!(matches!(
        GaussianRule::new(vec![0.0, 1.0], vec![1.5, -0.5]),
        Err(HermiteError::InvalidRule(_))
    ));
    assert!(matches!(
        GaussianRule::new(vec![f64::INFINITY], vec![1.0]),
        Err(HermiteError::NonFinite { .. })
    ));
    assert_eq!(
        GaussianRule::new(vec![], vec![]).unwrap_err(),
        HermiteError::ZeroNodes
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, failure_persistence: None, ..ProptestConfig::default() })]

    /// Exact for random polynomials of degree ≤ 2K - 1 (degree capped at 41 so that the
    /// moments stay below 1e25): relative error 1e-12 of Σ |a_j| E|Z|^j.
    #[test]
    fn gauss_hermite_is_exact_on_random_polynomials_of_degree_2k_minus_1(
        k in 1usize..=80,
        coeffs in prop::collection::vec(-1.0f64..1.0, 42),
    ) {
        let degree = (2 * k - 1).min(41);
        let a = &coeffs[..=degree];
        let gh = GaussHermite::new(k).unwrap();
        let quad = gh.expect(|z| a.iter().rev().fold(0.0, |acc, c| acc * z + c));
        let exact: f64 = a.iter().enumerate().map(|(j, c)| c * gaussian_moment(j)).sum();
        let scale: f64 = a.iter().enumerate().map(|(j, c)| c.abs() * gaussian_moment(j + j % 2)).sum();
        prop_assert!((quad - exact).abs() <= 1e-12 * scale.max(1.0), "K={} deg={}: {} vs {}", k, degree, quad, exact);
    }

    /// The fast sweep is exact too, at larger K (degree ≤ 41 ≤ 2K - 1).
    #[test]
    fn fast_sweep_is_exact_on_random_polynomials(
        k in 65usize..=3000,
        coeffs in prop::collection::vec(-1.0f64..1.0, 42),
    ) {
        let gh = GaussHermite::with_algorithm(k, GhAlgorithm::GlaserLiuRokhlin).unwrap();
        let quad = gh.expect(|z| coeffs.iter().rev().fold(0.0, |acc, c| acc * z + c));
        let exact: f64 = coeffs.iter().enumerate().map(|(j, c)| c * gaussian_moment(j)).sum();
        let scale: f64 = coeffs.iter().enumerate().map(|(j, c)| c.abs() * gaussian_moment(j + j % 2)).sum();
        prop_assert!((quad - exact).abs() <= 1e-12 * scale, "K={}: {} vs {}", k, quad, exact);
    }
}
