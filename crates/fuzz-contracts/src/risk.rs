//! Fuzz entry of giantstep-risk (THEORY.md §5) and the contract of a risk result.

use crate::bytes::Bytes;
use crate::hermite::activation_from;

/// Largest number of groups built by [`risk_entry`] (besides the deliberate over-limit size).
pub const MAX_FUZZ_RISK_GROUPS: usize = 4;

/// Fuzz entry of giantstep-risk's one-call API: a [`giantstep_risk::RiskProblem`] from
/// arbitrary activations `σ`, targets `σ*` (built-ins, `hermite:` with arbitrary
/// coefficients, raw spec text), groups `(u_a, π_a, γ_a)` (including NaN/∞/subnormal
/// entries, fractions not summing to 1, and `r` above [`giantstep_risk::error::MAX_GROUPS`]),
/// `ψ`, `α`, `λ`, `Δ`, and a κ quadrature (default, Gauss-Hermite, piecewise Legendre with
/// arbitrary cutoff and breakpoints, or a custom rule); then `solve`, a warm-started solve
/// at a second `λ`, and `learned_function` on a small arbitrary grid. Asserts
/// [`check_risk_result`] on every `Ok`.
///
/// Work is bounded in the decoder: at most [`MAX_FUZZ_RISK_GROUPS`] groups (or 33, over the
/// limit), small node counts, and piecewise cutoffs `|L| ≤ 50` unless `|L|` is so large that
/// the node count is over [`giantstep_risk::error::MAX_NODES`] (a typed error).
pub fn risk_entry(data: &[u8]) {
    use giantstep_risk::error::{MAX_GROUPS, MAX_NODES};
    use giantstep_risk::{Group, KappaQuadrature, RiskProblem};
    let mut b = Bytes::new(data);
    let mode = b.u8();
    let sigma = activation_from(&mut b);
    let target = activation_from(&mut b);
    let r = b.size(MAX_FUZZ_RISK_GROUPS, &[MAX_GROUPS + 1]);
    let pi = b.weights(r);
    let groups: Vec<Group> = pi
        .iter()
        .map(|&pi| {
            let u = b.f64();
            let gamma = if mode & 1 == 0 { 1.0 } else { b.f64() };
            Group { u, pi, gamma }
        })
        .collect();
    let noise = b.f64();
    let (psi, alpha, lambda) = (b.f64(), b.f64(), b.f64());
    let quadrature = match (mode >> 1) % 4 {
        0 => KappaQuadrature::default(),
        1 => KappaQuadrature::GaussHermite {
            nodes: b.size(48, &[0, MAX_NODES + 1, usize::MAX]),
        },
        2 => {
            let nodes_per_piece = b.size(12, &[0, MAX_NODES + 1, usize::MAX]);
            let mut cutoff = b.f64();
            // bounded work: |L| > 50 is clamped unless it is far over the node limit
            if cutoff.is_finite() && cutoff.abs() > 50.0 && cutoff.abs() < 1e7 {
                cutoff = 50.0f64.copysign(cutoff);
            }
            let nbp = b.size(2, &[]);
            let extra_breakpoints = (0..nbp).map(|_| b.f64()).collect();
            KappaQuadrature::PiecewiseLegendre {
                nodes_per_piece,
                cutoff,
                extra_breakpoints,
            }
        }
        _ => {
            let n = b.size(8, &[]);
            let nodes = (0..n).map(|_| b.f64()).collect();
            let weights = b.weights(n);
            KappaQuadrature::Custom { nodes, weights }
        }
    };
    let mut problem = RiskProblem::new(sigma, target, noise, groups, psi, alpha, lambda);
    problem.quadrature = quadrature;
    let first = match problem.solve() {
        Ok(res) => {
            check_risk_result(&problem, &res);
            res
        }
        Err(e) => return check_risk_error(&e),
    };
    // warm start at a second ridge
    let lambda2 = b.f64();
    let mut second = problem.clone();
    second.lambda = lambda2;
    match second.solve_warm(Some(&first)) {
        Ok(res) => check_risk_result(&second, &res),
        Err(e) => check_risk_error(&e),
    }
    // the learned function on a small arbitrary grid
    let n = b.size(4, &[]);
    let grid: Vec<f64> = (0..n).map(|_| b.f64()).collect();
    match problem.learned_function(&first, &grid) {
        Ok(f) => {
            assert_eq!(f.len(), grid.len());
            assert!(
                f.iter().all(|x| x.is_finite()),
                "learned function not finite on {grid:?}: {f:?}"
            );
        }
        Err(e) => check_risk_error(&e),
    }
}

/// Relative round-off allowed in the signs and the sum of the risk decomposition: every
/// part is a quadrature sum of `O(1)` terms and the weights may sum to `1 ± 1e-9`
/// (`Profile::new`), so parts that are non-negative in exact arithmetic may come out
/// negative by a few ulps of the largest part.
pub const RISK_ROUNDOFF: f64 = 1e-8;

/// Checks the contract of a successful risk solve (panics on violation).
///
/// - the inputs were valid (`RiskProblem::validate` passes);
/// - `E_gen`, `E_train`, the decomposition, `irreducible`, `v`, `f̂`, `ε(κ)`, `e(κ)`, `t*`
///   and the spectral point are finite; `q_a > 0`; `0 ≤ ρ(ΦΞ) < 1`;
/// - `E_gen ≥ 0`, `E_train ≥ 0`, `bias ≥ 0`, `irreducible ≥ 0` and the decomposition sums to
///   `E_gen`, each up to [`RISK_ROUNDOFF`] times the largest part plus `f64::MIN_POSITIVE`
///   (gradual underflow). `E_train ≤ E_gen` is not
///   a theorem (it fails e.g. for tiny `α`) and is not asserted.
pub fn check_risk_result(problem: &giantstep_risk::RiskProblem, res: &giantstep_risk::RiskResult) {
    problem
        .validate()
        .unwrap_or_else(|e| panic!("Ok for an invalid problem ({e}): {problem:?}"));
    let d = &res.decomposition;
    let scalars = [
        res.e_gen,
        res.e_train,
        d.bias,
        d.g_price,
        d.variance,
        d.noise,
        res.irreducible,
        res.spectral_radius,
    ];
    assert!(
        scalars.iter().all(|x| x.is_finite()),
        "non-finite risk output {scalars:?} for {problem:?}"
    );
    let vectors = [
        &res.v,
        &res.f_hat,
        &res.eps,
        &res.cond_error,
        &res.t_star,
        &res.spectral.q,
        &res.spectral.t,
        &res.spectral.s,
        &res.spectral.delta,
    ];
    assert!(
        vectors.iter().all(|v| v.iter().all(|x| x.is_finite())),
        "non-finite vector output for {problem:?}"
    );
    assert!(
        res.spectral.q.iter().all(|&q| q > 0.0),
        "q = {:?}",
        res.spectral.q
    );
    assert!(
        (0.0..1.0).contains(&res.spectral_radius),
        "spectral radius {}",
        res.spectral_radius
    );
    let scale = [
        d.bias,
        d.g_price,
        d.variance,
        d.noise,
        res.e_gen,
        res.irreducible,
    ]
    .iter()
    .fold(0.0f64, |m, x| m.max(x.abs()));
    // relative round-off holds only for normal numbers: in the subnormal range every
    // operation may lose up to one unit 2^-1074 absolutely (found by the risk_entry
    // campaign: Δ = 5e-324 halved by a quadrature weight rounds E_gen to 0 while the
    // decomposition keeps Δ); K ≤ 1e5 such units stay far below f64::MIN_POSITIVE
    let slack = RISK_ROUNDOFF * scale + f64::MIN_POSITIVE;
    for (name, value) in [
        ("E_gen", res.e_gen),
        ("E_train", res.e_train),
        ("bias", d.bias),
        ("irreducible", res.irreducible),
    ] {
        assert!(
            value >= -slack,
            "{name} = {value} < 0 (scale {scale}) for {problem:?}"
        );
    }
    let sum = d.bias + d.g_price + d.variance + d.noise;
    assert!(
        (sum - res.e_gen).abs() <= slack,
        "decomposition sums to {sum}, E_gen = {} for {problem:?}",
        res.e_gen
    );
}

/// Errors of the risk computation: anything typed, with a non-empty message;
/// `NotConverged` must carry its iteration count.
fn check_risk_error(e: &giantstep_risk::RiskError) {
    if let giantstep_risk::RiskError::NotConverged { iterations, .. } = e {
        assert!(*iterations > 0, "{e:?}");
    }
    assert!(!e.to_string().is_empty());
}
