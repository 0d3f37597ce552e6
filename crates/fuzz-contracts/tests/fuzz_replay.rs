//! Replays every fuzz corpus and regression input on stable (issue 7): each file of
//! `fuzz/corpus/<target>/` and `fuzz/regressions/<target>/` goes through the same function
//! as the cargo-fuzz target (`giantstep_fuzz_contracts::*`), which asserts the contract (typed
//! error or a finite, invariant-respecting answer). Crashes found by fuzzing are committed
//! under `fuzz/regressions/<target>/` and also have a named test below.

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::PathBuf;

/// The cargo-fuzz project `fuzz/` at the workspace root (corpora and regressions).
fn fuzz_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fuzz")
}

fn inputs(target: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let root = fuzz_root();
    let mut out = Vec::new();
    for dir in ["corpus", "regressions"] {
        let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
            continue;
        };
        for e in entries.filter_map(Result::ok) {
            let path = e.path();
            if path.is_file() {
                let data = std::fs::read(&path).expect("readable corpus file");
                out.push((path, data));
            }
        }
    }
    out.sort();
    out
}

/// Runs `f` on every input of `target`; fails listing every input that panicked.
fn replay(target: &str, f: impl Fn(&[u8])) {
    let all = inputs(target);
    assert!(all.len() >= 10, "{target}: only {} corpus files", all.len());
    let failed: Vec<String> = all
        .iter()
        .filter(|(_, data)| catch_unwind(AssertUnwindSafe(|| f(data))).is_err())
        .map(|(p, _)| p.display().to_string())
        .collect();
    assert!(
        failed.is_empty(),
        "{target}: contract violated by {failed:#?}"
    );
}

#[test]
fn replay_config_bytes_corpus() {
    replay("config_bytes", giantstep_fuzz_contracts::config_bytes);
}

#[test]
fn replay_stieltjes_entry_corpus() {
    replay("stieltjes_entry", giantstep_fuzz_contracts::stieltjes_entry);
}

#[test]
fn replay_hermite_entry_corpus() {
    replay("hermite_entry", giantstep_fuzz_contracts::hermite_entry);
}

#[test]
fn replay_cli_args_corpus() {
    replay("cli_args", giantstep_fuzz_contracts::cli_args);
}

#[test]
fn replay_risk_entry_corpus() {
    replay("risk_entry", giantstep_fuzz_contracts::risk_entry);
}

/// `check_risk_result` accepts the crate's reference problem and rejects a negative
/// training error or a decomposition that does not sum to `E_gen` (the check can fail).
#[test]
fn risk_contract_check_accepts_reference_and_rejects_tampering() {
    use giantstep_hermite::Activation;
    use giantstep_risk::{Group, RiskProblem};
    let p = RiskProblem::new(
        Activation::Relu,
        Activation::Hermite(vec![0.0, 1.0, std::f64::consts::FRAC_1_SQRT_2]),
        0.25,
        vec![Group::plain(3.0, 1.0)],
        0.5,
        3.0,
        0.1,
    );
    let res = p.solve().expect("reference problem solves");
    giantstep_fuzz_contracts::check_risk_result(&p, &res);
    let mut neg = res.clone();
    neg.e_train = -1e-3;
    assert!(
        catch_unwind(AssertUnwindSafe(|| {
            giantstep_fuzz_contracts::check_risk_result(&p, &neg)
        }))
        .is_err()
    );
    let mut off = res.clone();
    off.decomposition.variance += 1e-6;
    assert!(
        catch_unwind(AssertUnwindSafe(|| {
            giantstep_fuzz_contracts::check_risk_result(&p, &off)
        }))
        .is_err()
    );
    let mut nan = res;
    nan.f_hat[0] = f64::NAN;
    assert!(
        catch_unwind(AssertUnwindSafe(|| {
            giantstep_fuzz_contracts::check_risk_result(&p, &nan)
        }))
        .is_err()
    );
}

/// The decoders must reject over-limit sizes with a typed error naming the limit.
#[test]
fn over_limit_sizes_are_typed_errors_naming_the_limit() {
    use giantstep_hermite::GaussHermite;
    let e = GaussHermite::new(1_000_000_000).unwrap_err().to_string();
    assert!(e.contains("100000"), "{e}");
    let e = giantstep_hermite::coefficients::hermite_coefficients(
        &giantstep_hermite::Activation::Relu,
        usize::MAX,
    )
    .unwrap_err()
    .to_string();
    assert!(e.contains("150"), "{e}");
    let exp = giantstep::config::Experiment {
        d: 10_000_000,
        ..Default::default()
    };
    let e = exp.validate().unwrap_err().to_string();
    assert!(e.contains("10000"), "{e}");
}

/// Found by the hermite_entry corpus: `hermite_normalized_pair_scaled(n, f64::MAX)` returned
/// NaN (`x * cur` overflowed before the rescaling) although documented finite for any `x`.
#[test]
fn regression_pair_scaled_finite_at_huge_x() {
    use giantstep_hermite::polynomials::hermite_normalized_pair_scaled;
    for x in [f64::MAX, -f64::MAX, 1e200, 1e101] {
        for n in [1, 2, 3, 36_925] {
            let (a, b, s) = hermite_normalized_pair_scaled(n, x);
            assert!(a.is_finite() && b.is_finite() && s.is_finite(), "{n} {x}");
        }
    }
    // n = 2, x = 1e200: h_2 = (x^2 - 1)/sqrt 2, h_1 = x
    let (a, b, s) = hermite_normalized_pair_scaled(2, 1e200);
    let ln_h2 = 2.0 * 1e200f64.ln() - 0.5 * 2f64.ln();
    assert!(((a.abs().ln() + s) - ln_h2).abs() < 1e-12, "{a} {s}");
    assert!(
        ((b.abs().ln() + s) - 1e200f64.ln()).abs() < 1e-12,
        "{b} {s}"
    );
    // moderate x unchanged: h_3(2) = (8 - 6)/sqrt 6
    let (a, _, s) = hermite_normalized_pair_scaled(3, 2.0);
    assert!((a * s.exp() - 2.0 / 6f64.sqrt()).abs() < 1e-15);
}

/// Found by the hermite_entry corpus: `ShiftedCoefficients` on `hermite:1e300,-1e300` at
/// `s = 2, c = 30` returned `Ok` with `E σ² = inf` and `μ*² = inf`; overflow is now the typed
/// `HermiteError::NonFinite`.
#[test]
fn regression_shifted_overflow_is_typed_error() {
    use giantstep_hermite::{Activation, HermiteError, ShiftedCoefficients};
    let act = Activation::hermite(vec![1e300, -1e300]).unwrap();
    let sc = ShiftedCoefficients::with_scale(act, 3, 2.0).unwrap();
    let err = sc.eval_many(&[30.0]).unwrap_err();
    assert!(matches!(err, HermiteError::NonFinite { .. }), "{err:?}");
    assert!(matches!(sc.eval(30.0), Err(HermiteError::NonFinite { .. })));
    // relu at a shift whose square overflows
    let relu = ShiftedCoefficients::new(Activation::Relu, 2).unwrap();
    assert!(matches!(
        relu.eval(1e300),
        Err(HermiteError::NonFinite { .. })
    ));
    // ordinary shifts still work
    let v = relu.eval(0.3).unwrap();
    assert!(
        (v.mu[1] - 0.617_911_422_188_952_7).abs() < 1e-15,
        "Φ(0.3) = {}",
        v.mu[1]
    );
}

/// Found by the cli_args seed corpus: `--grid -1e308:1e308:100` produced a grid of NaN and
/// infinities (`end - start` overflowed); it is now an invalid-field error naming `grid`.
#[test]
fn regression_grid_width_overflow_is_rejected() {
    let err = giantstep::parse::parse_grid("grid", "-1e308:1e308:100").unwrap_err();
    assert!(err.to_string().contains("`grid`"), "{err}");
    let g = giantstep::parse::parse_grid("grid", "-1e307:1e307:3").unwrap();
    assert_eq!(g, vec![-1e307, 0.0, 1e307]);
}

/// Found by `cargo fuzz run stieltjes_entry` (regressions/stieltjes_entry/crash-1a74d085...):
/// the Marchenko-Pastur closed form at `z = 3.06e-308 i` (subnormal) returned `Ok(NaN - inf i)`;
/// now `StieltjesError::NonFinite`.
#[test]
fn regression_mp_closed_form_subnormal_z_is_typed_error() {
    use giantstep_stieltjes::{StieltjesError, marchenko_pastur};
    use num_complex::Complex64 as C64;
    for (gamma, sigma2) in [(0.5, 1.0), (1.0, 1.0), (2.0, 0.5)] {
        match marchenko_pastur::stieltjes(C64::new(0.0, 3.061_940_872_892_737e-308), gamma, sigma2)
        {
            Ok(m) => assert!(m.re.is_finite() && m.im.is_finite() && m.im >= 0.0, "{m}"),
            Err(e) => assert!(matches!(e, StieltjesError::NonFinite { .. }), "{e:?}"),
        }
    }
    // ordinary points unchanged: m(-1) for gamma = 0.5, sigma2 = 1 solves 0.5 z m^2 + (z - 0.5) m + 1 = 0
    let m = marchenko_pastur::stieltjes(C64::new(-1.0, 0.0), 0.5, 1.0).unwrap();
    assert!((-0.5 * m * m - 1.5 * m + 1.0).norm() < 1e-14);
}

/// Found by `cargo fuzz run hermite_entry` (regressions/hermite_entry/crash-910ba088...):
/// a kinked activation (relu) with the piecewise rule at a shift where `(kink - c)/s`
/// overflows to `-inf` panicked on an `expect` inside giantstep-hermite; such breakpoints lie
/// outside `[-L, L]` and are now ignored (the values are then finite or overflow into a
/// typed error).
#[test]
fn regression_piecewise_infinite_breakpoint_does_not_panic() {
    use giantstep_hermite::shifted::{Method, ShiftedCoefficients};
    use giantstep_hermite::{Activation, HermiteError};
    for method in [
        Method::Quadrature,
        Method::PiecewiseLegendre {
            nodes_per_piece: 16,
            cutoff: 12.0,
        },
    ] {
        let sc = ShiftedCoefficients::with_options(Activation::Relu, 2, 1e-300, method).unwrap();
        for c in [1e300, -1e300, f64::MAX] {
            match sc.eval(c) {
                Ok(v) => assert!(v.mu.iter().all(|m| m.is_finite()) && v.mu_star_sq >= 0.0),
                // overflow of E σ² (inf - inf in μ*²) is reported by either typed error
                Err(e) => assert!(
                    matches!(
                        e,
                        HermiteError::NonFinite { .. } | HermiteError::NegativeVariance { .. }
                    ),
                    "{e:?}"
                ),
            }
        }
        // relu(s Z + c) with c = -1e300: identically 0
        let v = sc.eval(-1e300).unwrap();
        assert_eq!((v.mu[0], v.mu[1], v.mu_star_sq), (0.0, 0.0, 0.0));
    }
}

/// Found by `cargo fuzz run stieltjes_entry` (crash-539b014b...): a profile with finite but
/// huge `d_a(κ)` (~1e300) was accepted although `d²` overflows, leaving an infinite first
/// moment in the problem; `SpikedProblem::new` now rejects it with `InvalidEntry`.
#[test]
fn regression_spiked_problem_rejects_overflowing_profile() {
    use giantstep_stieltjes::{Profile, SpikedProblem, StieltjesError};
    let p = Profile::new(vec![0.0], vec![1.0], 1, vec![1e300], vec![0.5]).unwrap();
    let err = SpikedProblem::new(p, vec![1.0], 1.0, 1.0).unwrap_err();
    assert!(
        matches!(err, StieltjesError::InvalidEntry { .. }),
        "{err:?}"
    );
    let p = Profile::new(vec![0.0], vec![1.0], 1, vec![0.5], vec![f64::MAX]).unwrap();
    let q = Profile::new(
        vec![0.0, 1.0],
        vec![0.5, 0.5],
        1,
        vec![0.5, 0.5],
        vec![f64::MAX; 2],
    );
    assert!(SpikedProblem::new(p, vec![1.0], 1.0, 1.0).is_ok()); // E e² = MAX is finite
    assert!(SpikedProblem::new(q.unwrap(), vec![1.0], 1.0, 1.0).is_ok());
}

/// Found by `cargo fuzz run hermite_entry` (crash-6f8cc820...): a piecewise Gaussian rule
/// with a subnormal cutoff had every weight underflow to 0 and returned NaN weights
/// (0/0 normalization); now `HermiteError::InvalidCutoff`.
#[test]
fn regression_piecewise_rule_subnormal_cutoff_is_typed_error() {
    use giantstep_hermite::{GaussianRule, HermiteError};
    for cutoff in [5e-324, 1e-320] {
        match GaussianRule::piecewise_legendre(&[], 16, cutoff) {
            Ok(r) => {
                let s: f64 = r.weights().iter().sum();
                assert!(r.weights().iter().all(|w| w.is_finite()) && (s - 1.0).abs() < 1e-12);
            }
            Err(e) => assert!(matches!(e, HermiteError::InvalidCutoff { .. }), "{e:?}"),
        }
    }
    assert!(GaussianRule::piecewise_legendre(&[], 16, 1e-3).is_ok());
}

/// Found by `cargo fuzz run cli_args` (crash-5c97537e...): `--grid -1e308:1e08:1000` has a
/// finite width but `(b - a) * i` overflowed, giving infinite grid points; the grid is now
/// `a + (b - a) (i / (n - 1))` with the last point exactly `b`.
#[test]
fn regression_grid_huge_ends_stay_finite() {
    let g = giantstep::parse::parse_grid("grid", "-1e308:1e08:1000").unwrap();
    assert_eq!(g.len(), 1000);
    assert!(g.iter().all(|x| x.is_finite()));
    assert!(g.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!((g[0], g[999]), (-1e308, 1e8));
}

/// Found by `cargo fuzz run stieltjes_entry` (8 inputs, e.g. z = 1 + 54.2i, z = -1 + 1e-16 i,
/// |z| ~ 1e237): the Marchenko-Pastur closed form `((1-γ) - w + root)/(2γw)` cancelled
/// catastrophically and returned `Im m < 0` for `Im z > 0` (a wrong, non-Herglotz number);
/// it now takes the non-cancelling form of the same root. Also `edges` overflowing to `inf`
/// is a typed error.
#[test]
fn regression_mp_closed_form_is_herglotz_for_extreme_parameters() {
    use giantstep_stieltjes::marchenko_pastur;
    use num_complex::Complex64 as C64;
    let zs = [
        C64::new(1.0, 54.2109375),
        C64::new(-1.0, 1e-16),
        C64::new(126.0, 8.4e237),
        C64::new(0.0, 4.3e237),
        C64::new(-21.0859375, 1e-200),
        C64::new(-0.75, 1e-250),
        C64::new(0.5, 0.5),
    ];
    let mut checked = 0;
    for gamma in [1e-300, 1e-8, 0.5, 1.0, 2.0, 1e8, 1e300] {
        for sigma2 in [1e-300, 1e-6, 1.0, 1e6, 1e300] {
            for z in zs {
                if let Ok(m) = marchenko_pastur::stieltjes(z, gamma, sigma2) {
                    checked += 1;
                    // Im m >= 0 up to its rounding error ~ε|m| (z within ε of the axis)
                    let tol = 8.0 * f64::EPSILON * m.norm();
                    assert!(m.im >= -tol, "gamma {gamma} sigma2 {sigma2} z {z}: m = {m}");
                    // |m| <= 1/dist(z, [0, inf)) for a law on [0, inf)
                    let dist = if z.re >= 0.0 { z.im } else { z.norm() };
                    assert!(m.norm() <= (1.0 + 1e-9) / dist, "{gamma} {sigma2} {z}: {m}");
                }
            }
        }
    }
    assert!(checked > 150, "{checked}");
    // the quadratic γσ²z m² + (z - σ²(1-γ)) m + 1 = 0 at an ordinary point
    let (g, s2, z) = (0.5, 2.0, C64::new(0.7, 0.3));
    let m = marchenko_pastur::stieltjes(z, g, s2).unwrap();
    assert!((g * s2 * z * m * m + (z - s2 * (1.0 - g)) * m + 1.0).norm() < 1e-14);
    assert!(marchenko_pastur::edges(1e300, 1e300).is_err());
}

/// Found by `cargo fuzz run hermite_entry` (crash-00adb9bb...): the piecewise rule at a
/// subnormal cutoff passed construction (no breakpoints) but failed at evaluation once split
/// at the kink, hitting an `expect` inside giantstep-hermite; now a typed error.
#[test]
fn regression_piecewise_subnormal_cutoff_with_kink_is_typed_error() {
    use giantstep_hermite::Activation;
    use giantstep_hermite::shifted::{Method, ShiftedCoefficients};
    let method = Method::PiecewiseLegendre {
        nodes_per_piece: 16,
        cutoff: 5e-324,
    };
    if let Ok(sc) = ShiftedCoefficients::with_options(Activation::Relu, 2, 1.0, method)
        && let Ok(v) = sc.eval(0.0)
    {
        assert!(v.mu.iter().all(|m| m.is_finite()) && v.mu_star_sq >= 0.0);
    }
}

/// Found by `cargo fuzz run stieltjes_entry`: with subnormal `ψ = 2.8e-179`,
/// `α = 4.9e-309` and real `z = -3.5e-309` the spiked solver returned
/// `m = 2.54 + 7.4e134 i` at a real negative `z` (a non-real, wrong number); a solution
/// that is not real on the negative axis is now `WrongBranch`. Also the MP density at a
/// subnormal `x` returned NaN; now a typed error.
#[test]
fn regression_spiked_subnormal_inputs_not_a_wrong_number() {
    use giantstep_stieltjes::{Profile, SpikedProblem, marchenko_pastur};
    use num_complex::Complex64 as C64;
    let s3 = 3f64.sqrt();
    let nodes = vec![-s3, 0.0, s3];
    let weights = vec![1.0 / 6.0, 2.0 / 3.0, 1.0 / 6.0];
    let profile = Profile::from_fn(nodes, weights, 4, |_, _| {
        (0.6057055096021587, 0.02741532603543073)
    })
    .unwrap();
    let problem = SpikedProblem::new(
        profile,
        vec![0.25; 4],
        2.841321139066013e-179,
        4.856_470_592_34e-309,
    )
    .unwrap();
    if let Ok(sol) = problem.solve(C64::new(-3.476720509839705e-309, 0.0)) {
        assert!(sol.m.im.abs() <= 1e-8 * sol.m.norm(), "m = {}", sol.m);
        assert!(sol.m.re > 0.0 && sol.m.re.is_finite(), "m = {}", sol.m);
    }
    for x in [5e-324, 1e-310] {
        if let Ok(rho) = marchenko_pastur::density(x, 1.0, 1.0) {
            assert!(rho.is_finite() && rho >= 0.0, "{rho}");
        }
    }
    // ordinary density unchanged: gamma = 1, sigma2 = 1 at x = 1: sqrt(3)/(2 pi)
    let rho = marchenko_pastur::density(1.0, 1.0, 1.0).unwrap();
    assert!((rho - 3f64.sqrt() / (2.0 * std::f64::consts::PI)).abs() < 1e-15);
}

/// Found by a `stieltjes_entry` campaign as a libFuzzer *timeout* (27 s under the ASan +
/// debug-assertion build, `-timeout=10`): erf profile with five groups (spikes from 1e-306
/// to 1.78, K = 21), `ψ = α = 1`, a warm start from `z = 0.0078 + 1.78i` jumping to
/// `z ≈ 3e-303 + 4e-304i`. Not a hang: the solver runs its documented bounded worst case
/// (continuation fallback, `max_continuation_steps × newton_max_iter` Newton steps, 11107
/// iterations, ~0.6 s in release) and returns `NotConverged` — a typed error. The fix is the
/// harness's hang threshold (xtask `HANG_SECONDS`), which now exceeds that bound under
/// instrumentation. Kept here (not in `fuzz/regressions/`, where every smoke run would spend
/// ~30 s instrumented on it) so the contract on this input stays tested.
#[test]
fn regression_tiny_z_after_warm_start_is_bounded_typed_error() {
    const INPUT: [u8; 99] = [
        0x8b, 0xff, 0x01, 0x2f, 0x00, 0xec, 0xec, 0xec, 0x01, 0x00, 0x9c, 0x75, 0x00, 0x88, 0x3c,
        0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x32,
        0xb3, 0xff, 0x02, 0x00, 0x02, 0x02, 0x01, 0x2e, 0x2e, 0xe4, 0x37, 0x7e, 0x08, 0x00, 0x02,
        0x00, 0x01, 0x02, 0x00, 0x01, 0xde, 0x02, 0x00, 0xff, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x03, 0x00, 0x00, 0x00, 0x00, 0x32, 0xb3, 0xff, 0x02, 0x00,
        0x02, 0x02, 0x01, 0x2e, 0x2e, 0x2e, 0x3b, 0x6e, 0xff, 0x01, 0x02, 0x02, 0x88, 0x3c, 0xe4,
        0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x3b, 0x7e,
    ];
    giantstep_fuzz_contracts::stieltjes_entry(&INPUT);
}

/// Found by a `risk_entry` campaign (crash-295b8456...): sigmoid features, gelu target,
/// `Δ = 5e-324`, subnormal `ψ`, a custom κ rule with both nodes at 0. `E_gen` came out 0
/// (the subnormal `Δ` times the weight 1/2 rounds away) while the decomposition kept
/// `Δ = 5e-324`: not a library error (the absolute round-off of gradual underflow), but
/// `check_risk_result` allowed only relative round-off; it now also allows
/// `f64::MIN_POSITIVE`. A relative violation is still caught (see
/// `risk_contract_check_accepts_reference_and_rejects_tampering`).
#[test]
fn regression_risk_subnormal_noise_rounds_away() {
    replay("risk_entry", giantstep_fuzz_contracts::risk_entry);
    let input = [
        6, 0, 3, 0, 104, 101, 114, 109, 37, 116, 101, 58, 0, 4, 1, 0, 2, 0, 1, 2, 0, 0, 2, 128, 0,
        0, 4, 116, 97, 110, 163, 2, 2, 128, 2,
    ];
    giantstep_fuzz_contracts::risk_entry(&input);
}

/// Found by a `risk_entry` campaign (crash-b20e1f55...): tanh features, four groups, one with
/// `γ = 1.9e202` and `u = 3.3e-98`, solution `v = 0`, learned function asked at
/// `κ = -1.4e211`. `h` was computed as `(γ κ) μ1(u κ) = -∞ · 0 = NaN`. Now `γ (κ μ1)`, the
/// limit 0 where `μ1` underflows, and a non-finite `f̂` would be a typed `BadInput`
/// (`giantstep-risk` test `learned_function_takes_its_tail_limit_where_gamma_kappa_overflows`
/// checks the limit value).
#[test]
fn regression_risk_learned_function_gamma_kappa_overflow() {
    let input = std::fs::read(
        fuzz_root().join("regressions/risk_entry/crash-b20e1f55d52d3732f2ffc46a9410656f7539ebec"),
    )
    .expect("committed regression input");
    giantstep_fuzz_contracts::risk_entry(&input);
}
