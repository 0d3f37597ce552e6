//! Fuzz entry of giantstep-hermite (THEORY.md §3): Gauss-Hermite and piecewise rules,
//! Hermite coefficients, shifted coefficient functions, the scaled normalized recurrence.

use crate::bytes::Bytes;
use crate::{MAX_FUZZ_GH, MAX_FUZZ_SHIFTS};
use giantstep_hermite::quadrature::{GaussHermite, GaussianRule};
use giantstep_hermite::shifted::{MAX_K_MAX, Method, ShiftedCoefficients};
use giantstep_hermite::{Activation, HermiteError};

const ACTIVATION_NAMES: [&str; 9] = [
    "relu", "tanh", "erf", "sigmoid", "softplus", "gelu", "silu", "abs", "linear",
];

/// An activation: a built-in, `hermite:` with arbitrary coefficients (parsed from text, so
/// the parser is exercised), or whatever the raw bytes parse to (falls back to relu).
pub(crate) fn activation_from(b: &mut Bytes<'_>) -> Activation {
    let spec = match b.u8() % 4 {
        0 | 1 => ACTIVATION_NAMES[b.u8() as usize % ACTIVATION_NAMES.len()].to_string(),
        2 => {
            let n = b.size(6, &[0, 1_002]);
            let cs: Vec<String> = (0..n)
                .map(|i| {
                    if i < 8 {
                        format!("{}", b.f64())
                    } else {
                        "0".into()
                    }
                })
                .collect();
            format!("hermite:{}", cs.join(","))
        }
        _ => {
            let n = b.size(24, &[]);
            let bytes: Vec<u8> = (0..n).map(|_| b.u8()).collect();
            String::from_utf8_lossy(&bytes).into_owned()
        }
    };
    match spec.parse::<Activation>() {
        Ok(a) => {
            // Display is the parseable spec: it must round-trip
            let again: Activation = a
                .to_string()
                .parse()
                .unwrap_or_else(|e| panic!("{a} does not re-parse: {e}"));
            assert_eq!(again.name(), a.name());
            a
        }
        Err(e) => {
            assert!(!e.to_string().is_empty());
            Activation::Relu
        }
    }
}

pub(crate) fn check_hermite_error(e: &HermiteError) {
    assert!(!e.to_string().is_empty());
}

fn check_rule(nodes: &[f64], weights: &[f64], what: &str) {
    assert_eq!(nodes.len(), weights.len());
    assert!(
        nodes.iter().all(|x| x.is_finite()),
        "{what}: non-finite node"
    );
    assert!(
        weights.iter().all(|w| w.is_finite() && *w >= 0.0),
        "{what}: bad weight"
    );
    let s: f64 = weights.iter().sum();
    assert!((s - 1.0).abs() <= 1e-12, "{what}: weights sum to {s}");
}

/// Fuzz entry of giantstep-hermite: Gauss-Hermite rules of arbitrary size `K` (small, or
/// over [`GaussHermite::MAX_NODES`], which must be a typed error), piecewise Gaussian rules
/// with arbitrary breakpoints, cutoffs and panel sizes, Hermite coefficients with arbitrary
/// `k_max`, shifted coefficients `μ_k(c)` with arbitrary scales `s`, shifts `c` and methods,
/// and the scaled normalized recurrence.
pub fn hermite_entry(data: &[u8]) {
    let mut b = Bytes::new(data);
    // Gauss-Hermite with arbitrary K
    let k = b.size(
        MAX_FUZZ_GH,
        &[
            GaussHermite::MAX_NODES + 1,
            1_000_000_000,
            usize::MAX,
            usize::MAX / 2 + 1,
        ],
    );
    match GaussHermite::new(k) {
        Ok(gh) => {
            assert!((1..=MAX_FUZZ_GH).contains(&k), "accepted K = {k}");
            check_rule(gh.nodes(), gh.weights(), "Gauss-Hermite");
            assert!(gh.nodes().windows(2).all(|w| w[0] < w[1]), "unsorted nodes");
            if k >= 2 {
                let v = gh.expect(|z| z * z);
                assert!((v - 1.0).abs() < 1e-10, "K = {k}: E Z^2 = {v}");
            }
        }
        Err(e) => {
            assert!(
                k == 0 || k > GaussHermite::MAX_NODES,
                "K = {k} rejected: {e}"
            );
            if k > GaussHermite::MAX_NODES {
                assert!(
                    e.to_string().contains(&GaussHermite::MAX_NODES.to_string()),
                    "error does not name the limit: {e}"
                );
            }
        }
    }
    // piecewise Gaussian rule
    let nbp = b.size(4, &[]);
    let bps: Vec<f64> = (0..nbp).map(|_| b.f64()).collect();
    let npp = b.size(32, &[1_001, usize::MAX]);
    let cutoff = b.f64();
    match GaussianRule::piecewise_legendre(&bps, npp, cutoff) {
        Ok(rule) => check_rule(rule.nodes(), rule.weights(), "piecewise Legendre"),
        Err(e) => check_hermite_error(&e),
    }
    // explicit rule
    let n = b.size(4, &[]);
    let nodes: Vec<f64> = (0..n).map(|_| b.f64()).collect();
    let weights = b.weights(n);
    if let Ok(rule) = GaussianRule::new(nodes, weights) {
        check_rule(rule.nodes(), rule.weights(), "explicit rule");
    }
    // coefficients and shifted coefficients
    let act = activation_from(&mut b);
    let k_max = b.size(12, &[MAX_K_MAX, MAX_K_MAX + 1, usize::MAX]);
    match giantstep_hermite::coefficients::hermite_coefficients(&act, k_max) {
        Ok(mu) => {
            assert_eq!(mu.len(), k_max + 1);
            // μ_k of a degree-n polynomial grows like k!: finite up to k_max = 150 only
            // for moderate coefficients, so only built-ins must stay finite
            if !matches!(act, Activation::Hermite(_)) {
                assert!(mu.iter().all(|m| m.is_finite()), "{act}: μ = {mu:?}");
            }
        }
        Err(e) => check_hermite_error(&e),
    }
    let scale = b.f64();
    let method = match b.u8() % 4 {
        0 => Method::Quadrature,
        1 => Method::GaussHermite {
            nodes: b.size(MAX_FUZZ_GH, &[0, GaussHermite::MAX_NODES + 1]),
        },
        2 => Method::PiecewiseLegendre {
            nodes_per_piece: b.size(24, &[0, 1_001]),
            cutoff: b.f64(),
        },
        _ => Method::Auto,
    };
    let nshift = b.size(MAX_FUZZ_SHIFTS, &[]);
    let shifts: Vec<f64> = (0..nshift).map(|_| b.f64()).collect();
    let k_small = k_max.min(4);
    match ShiftedCoefficients::with_options(act.clone(), k_small, scale, method) {
        Ok(sc) => {
            assert!(scale.is_finite() && scale > 0.0, "accepted scale {scale}");
            match sc.eval_many(&shifts) {
                Ok(tab) => {
                    assert!(shifts.iter().all(|c| c.is_finite()), "accepted {shifts:?}");
                    for (i, &c) in shifts.iter().enumerate() {
                        let m2 = tab.second_moment()[i];
                        let ms = tab.mu_star_sq()[i];
                        let row = tab.row(i);
                        // Ok must mean finite (a typed error is the answer to overflow)
                        assert!(
                            row.iter().all(|m| m.is_finite()) && m2.is_finite() && ms.is_finite(),
                            "{act} s = {scale} c = {c}: non-finite μ {row:?}, E σ² {m2}, μ*² {ms}"
                        );
                        assert!(ms >= 0.0 && m2 >= 0.0, "{act}: μ*² = {ms}, E σ² = {m2}");
                    }
                }
                Err(e) => check_hermite_error(&e),
            }
        }
        Err(e) => check_hermite_error(&e),
    }
    // scaled normalized recurrence: documented never to overflow
    let n = b.size(255, &[]) * (1 + b.u8() as usize);
    let x = b.f64();
    let (h1, h0, log_scale) = giantstep_hermite::polynomials::hermite_normalized_pair_scaled(n, x);
    if x.is_finite() {
        assert!(
            h1.is_finite() && h0.is_finite() && log_scale.is_finite(),
            "pair_scaled({n}, {x}) = {h1}, {h0}, {log_scale}"
        );
    }
}
