//! Fuzzing harness: every public entry point must return a typed error or a correct answer
//! on any input, never panic, hang or return a silent NaN (issue 7, CONTRIBUTING "Bad input").
//!
//! Each function here decodes arbitrary bytes into inputs of one family of entry points,
//! calls them and asserts the contract: `Ok` ⇒ finite outputs satisfying the documented
//! invariants (weights sum to 1, `μ*(c)² ≥ 0`, `Im m > 0` for `Im z > 0`,
//! `|m(z)| ≤ 1/dist(z, [0, ∞))`, ...); `Err` ⇒ fine; a panic is a bug. The same functions
//! back the cargo-fuzz targets in `fuzz/fuzz_targets/` (nightly) and the corpus replay in
//! `tests/fuzz_replay.rs` (stable), so every committed crash input stays a regression test.
//!
//! Work is bounded inside the decoders (at most [`MAX_FUZZ_NODES`] κ-nodes, 4 groups,
//! [`MAX_FUZZ_GH`] Gauss-Hermite nodes, ...), except for sizes chosen on purpose above the
//! kernels' documented limits, which must be rejected up front with a typed error naming
//! the limit (`K = 10^9` nodes, `k_max = usize::MAX`, ...).
//!
//! ```
//! // any bytes are valid input; a panic would be a bug in a kernel
//! giantstep::fuzzing::stieltjes_entry(&[3, 1, 4, 1, 5, 9, 2, 6]);
//! giantstep::fuzzing::hermite_entry(b"relu and some bytes");
//! giantstep::fuzzing::config_bytes(b"psi = 1.5\nalpha = 2.0\n");
//! ```

use crate::config::Experiment;
use crate::model::Model;
use giantstep_hermite::quadrature::{GaussHermite, GaussianRule};
use giantstep_hermite::shifted::{MAX_K_MAX, Method, ShiftedCoefficients};
use giantstep_hermite::{Activation, HermiteError};
use giantstep_stieltjes::{Profile, SolverConfig, SpikedProblem, SpikedSolution, StieltjesError};
use num_complex::Complex64 as C64;

/// Largest number of κ-nodes built by [`stieltjes_entry`] (besides deliberate over-limit sizes).
pub const MAX_FUZZ_NODES: usize = 24;
/// Largest Gauss-Hermite rule built by [`hermite_entry`] (besides deliberate over-limit sizes).
pub const MAX_FUZZ_GH: usize = 300;
/// Largest number of shifts evaluated per [`hermite_entry`] call.
pub const MAX_FUZZ_SHIFTS: usize = 8;
/// Largest number of command-line arguments built by [`cli_args`].
pub const MAX_FUZZ_ARGS: usize = 24;

/// A byte reader that never fails: past the end it yields zeros.
#[derive(Debug, Clone)]
pub struct Bytes<'a> {
    data: &'a [u8],
    pos: usize,
}

/// Values that probe edge cases of floating-point input.
const SPECIAL: [f64; 24] = [
    0.0,
    -0.0,
    1.0,
    -1.0,
    0.5,
    2.0,
    f64::NAN,
    f64::INFINITY,
    f64::NEG_INFINITY,
    f64::MIN_POSITIVE,
    5e-324,
    f64::MAX,
    f64::MIN,
    1e-300,
    1e300,
    1e-6,
    1e6,
    20.0,
    0.05,
    8.0,
    -1e-6,
    1e-12,
    1e154,
    -1e154,
];

impl<'a> Bytes<'a> {
    /// Reader over `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Self { data, pos: 0 }
    }

    /// Whether every byte has been read.
    pub fn is_empty(&self) -> bool {
        self.pos >= self.data.len()
    }

    /// Next byte (0 past the end).
    pub fn u8(&mut self) -> u8 {
        let b = self.data.get(self.pos).copied().unwrap_or(0);
        self.pos += 1;
        b
    }

    /// Next little-endian `u16`.
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.u8(), self.u8()])
    }

    /// Next little-endian `u64`.
    pub fn u64(&mut self) -> u64 {
        let mut b = [0u8; 8];
        for x in &mut b {
            *x = self.u8();
        }
        u64::from_le_bytes(b)
    }

    /// Any `f64`, chosen by a tag byte: raw bits (NaN, subnormals, infinities included), a
    /// special value, a small fixed-point number or a signed power of ten.
    pub fn f64(&mut self) -> f64 {
        match self.u8() % 4 {
            0 => f64::from_bits(self.u64()),
            1 => SPECIAL[self.u8() as usize % SPECIAL.len()],
            2 => f64::from(self.u16() as i16) / 256.0,
            _ => {
                let e = f64::from(self.u8() as i8) / 8.0;
                let s = if self.u8().is_multiple_of(2) {
                    1.0
                } else {
                    -1.0
                };
                s * 10f64.powf(e)
            }
        }
    }

    /// A size in `0..=max`, or (rarely) one of `extra` (sizes above documented limits).
    pub fn size(&mut self, max: usize, extra: &[usize]) -> usize {
        let b = self.u8();
        if b >= 250 && !extra.is_empty() {
            extra[b as usize % extra.len()]
        } else {
            b as usize % (max + 1)
        }
    }

    /// The rest of the bytes.
    pub fn rest(&mut self) -> &'a [u8] {
        let r = self.data.get(self.pos..).unwrap_or(&[]);
        self.pos = self.data.len();
        r
    }

    /// A probability vector of length `n` (normalized from positive draws), or raw draws
    /// (usually invalid) when the mode byte says so.
    pub fn weights(&mut self, n: usize) -> Vec<f64> {
        match self.u8() % 4 {
            0 => vec![1.0 / n.max(1) as f64; n],
            1 => (0..n).map(|_| self.f64()).collect(),
            _ => {
                let raw: Vec<f64> = (0..n).map(|_| 1.0 + f64::from(self.u8())).collect();
                let s: f64 = raw.iter().sum();
                raw.into_iter().map(|w| w / s).collect()
            }
        }
    }
}

fn all_finite(v: &[C64]) -> bool {
    v.iter().all(|c| c.re.is_finite() && c.im.is_finite())
}

/// Distance from `z` to `[0, ∞)`.
fn dist_to_half_line(z: C64) -> f64 {
    if z.re >= 0.0 { z.im.abs() } else { z.norm() }
}

/// Checks the contract of a successful spiked solve at `z` (panics on violation).
///
/// - every output finite, residual finite and at most `100 tol`;
/// - `|m(z)| ≤ 1/dist(z, [0, ∞))` (Stieltjes transform of a probability law on `[0, ∞)`);
/// - `Im z > 0` ⇒ `Im m ≥ -1e-9 |m|` (the solver's documented sign tolerance), and `Im m > 0`
///   wherever the smallest possible `Im m ≈ Im z/(|z| + scale)²` exceeds that tolerance;
/// - real `z < 0` ⇒ `m` real and `> 0` (up to `1e-8 |m|`).
pub fn check_spiked_solution(problem: &SpikedProblem, z: C64, sol: &SpikedSolution, tol: f64) {
    let r = problem.groups();
    assert_eq!(sol.q.len(), r);
    assert_eq!(sol.q_tilde.len(), r);
    assert_eq!(sol.s.len(), r);
    assert_eq!(sol.t.len(), r * r);
    assert_eq!(sol.delta.len(), problem.profile().len());
    assert!(
        sol.m.re.is_finite() && sol.m.im.is_finite(),
        "non-finite m = {} at z = {z}",
        sol.m
    );
    for v in [&sol.q, &sol.q_tilde, &sol.t, &sol.s, &sol.delta] {
        assert!(all_finite(v), "non-finite output at z = {z}: {sol:?}");
    }
    assert!(
        sol.residual.is_finite() && sol.residual <= 100.0 * tol,
        "Ok with residual {} (tol {tol}) at z = {z}",
        sol.residual
    );
    let dist = dist_to_half_line(z);
    let bound = 1.0 / dist;
    assert!(
        sol.m.norm() <= bound * (1.0 + 1e-6) + 1e-300,
        "|m| = {} > 1/dist(z, [0,inf)) = {bound} at z = {z} (psi {}, alpha {})",
        sol.m.norm(),
        problem.psi(),
        problem.alpha()
    );
    if z.im > 0.0 {
        // the solver's documented branch tolerance is 1e-9 relative
        assert!(
            sol.m.im >= -1e-9 * sol.m.norm(),
            "Im m = {} < 0 at z = {z} (|m| = {})",
            sol.m.im,
            sol.m.norm()
        );
        // the smallest possible Im m is about Im z / (|z| + scale)^2 (law on [0, scale]);
        // strict positivity is only resolvable where that floor exceeds the solver's
        // documented sign tolerance 1e-9 |m| (below it, Im m may be -1e-9 |m| ≤ Im m ≤ 0:
        // found by the CI fuzz smoke at z = 1e-16 i, m ≈ 24 - 1.5e-10 i)
        let scale = problem.first_moment().max(1.0);
        let floor = z.im / (z.norm() + scale * 1e3).powi(2);
        if floor > 1e-250 && floor > 1e-9 * sol.m.norm() {
            assert!(sol.m.im > 0.0, "Im m = 0 at z = {z}");
        }
    }
    if z.im == 0.0 && z.re < 0.0 {
        assert!(
            sol.m.im.abs() <= 1e-8 * sol.m.norm() + 1e-300,
            "m = {} not real at real z = {z}",
            sol.m
        );
        assert!(sol.m.re > 0.0, "m = {} <= 0 at real z = {z}", sol.m);
    }
}

/// Fuzz entry of the spiked Stieltjes solver: a profile table (κ-nodes, weights,
/// `d_a(κ)`, `e_a(κ)²`) from arbitrary `f64` (NaN and infinities included), `π`, `ψ`, `α`,
/// `z`; sometimes a profile from an activation with arbitrary spikes `u_a`; plus the
/// Marchenko-Pastur closed forms. Asserts [`check_spiked_solution`] on every `Ok`.
pub fn stieltjes_entry(data: &[u8]) {
    let mut b = Bytes::new(data);
    let mode = b.u8();
    let r = match b.u8() % 8 {
        0 => 0,
        7 => Profile::MAX_GROUPS + 1,
        x => 1 + (x as usize - 1) % 4,
    };
    let profile = if mode % 4 == 3 {
        // from an activation: arbitrary u, kappa nodes small or over the limit
        let act = activation_from(&mut b);
        let u: Vec<f64> = (0..r.min(5)).map(|_| b.f64()).collect();
        let k = b.size(MAX_FUZZ_NODES, &[0, Profile::MAX_NODES + 1, 1_000_000_000]);
        match profile_from_activation(&act, &u, k) {
            Some(p) => p,
            None => return,
        }
    } else {
        let k = b.size(MAX_FUZZ_NODES, &[Profile::MAX_NODES + 1]);
        if k > MAX_FUZZ_NODES {
            // must be rejected up front, before touching the (absent) tables
            let err = Profile::new(vec![0.0; k], vec![], 1, vec![], vec![]).unwrap_err();
            assert!(matches!(err, StieltjesError::TooLarge { .. }), "{err:?}");
            return;
        }
        let nodes: Vec<f64> = (0..k).map(|_| b.f64()).collect();
        let weights = b.weights(k);
        let rr = r.min(5);
        let d: Vec<f64> = (0..k * rr).map(|_| b.f64()).collect();
        let e2: Vec<f64> = if b.u8().is_multiple_of(4) {
            (0..k * rr).map(|_| b.f64()).collect()
        } else {
            (0..k * rr).map(|_| b.f64().abs()).collect()
        };
        match Profile::new(nodes, weights, r, d, e2) {
            Ok(p) => p,
            Err(e) => return check_stieltjes_error(&e),
        }
    };
    let pi = b.weights(profile.groups());
    let (psi, alpha) = (b.f64(), b.f64());
    let problem = match SpikedProblem::new(profile, pi, psi, alpha) {
        Ok(p) => p,
        Err(e) => return check_stieltjes_error(&e),
    };
    let atom = problem.atom();
    assert!((0.0..=1.0).contains(&atom), "atom {atom}");
    assert!(problem.first_moment().is_finite() && problem.first_moment() >= 0.0);
    let cfg = SolverConfig::default();
    let tol = cfg.fixed_point.tol;
    let mut previous: Option<SpikedSolution> = None;
    for _ in 0..(1 + mode as usize % 3) {
        let z = C64::new(b.f64(), b.f64());
        let warm = if b.u8().is_multiple_of(2) {
            previous.as_ref()
        } else {
            None
        };
        match problem.solve_with(z, warm, &cfg) {
            Ok(sol) => {
                check_spiked_solution(&problem, z, &sol, tol);
                previous = Some(sol);
            }
            Err(e) => check_stieltjes_error(&e),
        }
    }
    marchenko_pastur_entry(&mut b);
}

/// `d_a(κ) = μ1(u_a κ)`, `e_a(κ)² = μ*(u_a κ)²` on a `k`-node Gauss-Hermite κ-rule (as the
/// model builds it); `None` after checking a typed error.
fn profile_from_activation(act: &Activation, u: &[f64], k: usize) -> Option<Profile> {
    let gh = match GaussHermite::new(k) {
        Ok(gh) => gh,
        Err(e) => {
            assert!(k == 0 || k > GaussHermite::MAX_NODES, "K = {k}: {e}");
            return None;
        }
    };
    let sc = ShiftedCoefficients::new(act.clone(), 1).ok()?;
    let shifts: Vec<f64> = gh
        .nodes()
        .iter()
        .flat_map(|&kappa| u.iter().map(move |&ua| ua * kappa))
        .collect();
    let tab = match sc.eval_many(&shifts) {
        Ok(t) => t,
        Err(e) => {
            check_hermite_error(&e);
            return None;
        }
    };
    let d: Vec<f64> = (0..shifts.len()).map(|i| tab.mu(i, 1)).collect();
    let e2 = tab.mu_star_sq().to_vec();
    match Profile::new(gh.nodes().to_vec(), gh.weights().to_vec(), u.len(), d, e2) {
        Ok(p) => Some(p),
        Err(e) => {
            check_stieltjes_error(&e);
            None
        }
    }
}

fn marchenko_pastur_entry(b: &mut Bytes<'_>) {
    use giantstep_stieltjes::marchenko_pastur as mp;
    let (z, gamma, sigma2) = (C64::new(b.f64(), b.f64()), b.f64(), b.f64());
    if let Ok(m) = mp::stieltjes(z, gamma, sigma2) {
        assert!(
            m.re.is_finite() && m.im.is_finite(),
            "MP m = {m} at z = {z}"
        );
        if z.im > 0.0 {
            // Im m carries an absolute rounding error ~ε|m| (complex square roots), which
            // can flip its sign when Im m << ε|m| (z within ε of the negative axis)
            assert!(
                m.im >= -8.0 * f64::EPSILON * m.norm(),
                "MP Im m = {} < 0 at z = {z} (gamma {gamma}, sigma2 {sigma2})",
                m.im
            );
        }
    }
    let x = b.f64();
    if let Ok(rho) = mp::density(x, gamma, sigma2) {
        assert!(rho.is_finite() && rho >= 0.0, "MP density {rho} at {x}");
    }
    if let Ok((lo, hi)) = mp::edges(gamma, sigma2) {
        assert!(
            lo.is_finite() && hi.is_finite() && lo <= hi,
            "MP edges {lo}, {hi}"
        );
    }
}

/// Errors the solver may return: anything typed; `NotConverged` must carry its numbers.
fn check_stieltjes_error(e: &StieltjesError) {
    if let StieltjesError::NotConverged { iterations, .. } = e {
        assert!(*iterations > 0, "{e:?}");
    }
    // Display must not panic and must be one non-empty message
    assert!(!e.to_string().is_empty());
}

const ACTIVATION_NAMES: [&str; 9] = [
    "relu", "tanh", "erf", "sigmoid", "softplus", "gelu", "silu", "abs", "linear",
];

/// An activation: a built-in, `hermite:` with arbitrary coefficients (parsed from text, so
/// the parser is exercised), or whatever the raw bytes parse to (falls back to relu).
fn activation_from(b: &mut Bytes<'_>) -> Activation {
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

fn check_hermite_error(e: &HermiteError) {
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

/// Fuzz entry of the experiment description: the bytes as TOML and as JSON; whatever
/// deserializes must either fail [`Experiment::validate`] with a field name or resolve to a
/// [`Model`] with finite numbers (the model's Hermite coefficients included).
pub fn config_bytes(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let parsed = [
        toml::from_str::<Experiment>(text).ok(),
        serde_json::from_str::<Experiment>(text).ok(),
    ];
    for e in parsed.into_iter().flatten() {
        check_experiment(&e);
    }
}

/// Asserts the contract of a deserialized experiment: validation errors name a field; a
/// valid one resolves to a model with finite numbers or a typed error.
pub fn check_experiment(e: &Experiment) {
    match e.validate() {
        Ok(()) => {
            assert!(e.psi.is_finite() && e.psi > 0.0);
            assert!(e.alpha.is_finite() && e.alpha > 0.0);
            assert!(e.lambda.is_finite() && e.lambda > 0.0);
            assert!((1..=crate::config::MAX_SIDE).contains(&e.p()));
            assert!((1..=crate::config::MAX_SIDE).contains(&e.n()));
            match Model::new(e) {
                Ok(m) => {
                    assert!(
                        m.mu_sigma.iter().chain(&m.mu_target).all(|x| x.is_finite()),
                        "model with non-finite μ: {:?} {:?}",
                        m.mu_sigma,
                        m.mu_target
                    );
                    for g in &m.groups {
                        assert!(g.u.is_finite() && g.gamma.is_finite() && g.pi > 0.0);
                    }
                }
                Err(err) => assert!(!err.to_string().is_empty()),
            }
        }
        Err(err) => assert!(err.to_string().contains('`'), "unnamed field: {err}"),
    }
}

/// Splits bytes into command-line arguments: a subcommand chosen from the first byte, then
/// NUL-separated (lossy UTF-8) tokens; `--config` and its value are dropped (the fuzzer
/// must not read arbitrary files such as `/dev/zero`).
pub fn split_args(data: &[u8]) -> Vec<String> {
    const SUB: [&[&str]; 6] = [
        &["show-config"],
        &["stieltjes"],
        &["density"],
        &["risk"],
        &["simulate", "spectrum"],
        &[],
    ];
    let mut args = vec!["giantstep".to_string()];
    let Some((&first, rest)) = data.split_first() else {
        return args;
    };
    args.extend(
        SUB[first as usize % SUB.len()]
            .iter()
            .map(|s| s.to_string()),
    );
    let mut skip_next = false;
    for tok in rest.split(|&c| c == 0).take(MAX_FUZZ_ARGS) {
        let t = String::from_utf8_lossy(tok).into_owned();
        if skip_next {
            skip_next = false;
            continue;
        }
        if t.starts_with("--config") || t.starts_with("--con") {
            skip_next = !t.contains('=');
            continue;
        }
        args.push(t);
    }
    args
}

/// What the command-line front end resolved from its arguments without running anything.
#[derive(Debug, Clone, Default)]
pub struct ResolvedArgs {
    /// The validated experiment description (`None` for `--help`-like outcomes).
    pub experiment: Option<Experiment>,
    /// Spectral arguments `z` given on the command line.
    pub z: Vec<C64>,
    /// `--grid` points, if given.
    pub grid: Option<Vec<f64>>,
}

/// Fuzz entry of the CLI: splits the bytes into arguments ([`split_args`]) and hands them
/// to `resolve` (the binary's clap parser plus validation, `resolve_args` in `src/cli.rs`,
/// included by the fuzz target and the replay test). `Ok` ⇒ a valid experiment, finite
/// `z`, and a finite increasing grid.
pub fn cli_args<F>(data: &[u8], resolve: F)
where
    F: FnOnce(Vec<String>) -> Result<ResolvedArgs, String>,
{
    let args = split_args(data);
    match resolve(args.clone()) {
        Ok(res) => {
            if let Some(e) = &res.experiment {
                e.validate()
                    .unwrap_or_else(|err| panic!("{args:?}: accepted invalid experiment: {err}"));
            }
            for z in &res.z {
                assert!(z.re.is_finite() && z.im.is_finite(), "{args:?}: z = {z}");
            }
            if let Some(g) = &res.grid {
                assert!(g.len() >= 2, "{args:?}: grid of {} points", g.len());
                assert!(
                    g.iter().all(|x| x.is_finite()) && g.windows(2).all(|w| w[0] <= w[1]),
                    "{args:?}: grid not finite and increasing: {:?}",
                    &g[..g.len().min(4)]
                );
            }
        }
        Err(msg) => assert!(!msg.is_empty(), "{args:?}: empty error"),
    }
}

/// Residual of the spiked equations of THEORY.md §4 at a returned solution, computed here
/// independently of the solver: from `(q, T)` it evaluates
/// `δ(κ) = (1/α)[dᵀ Q (I + T Q)⁻¹ d + Σ_a e_a² q_a]`, `T' = E_κ[d dᵀ/(1+δ)]`,
/// `s = E_κ[e²/(1+δ)]`, `q̃' = 1/([T (I + Q T)⁻¹]_aa + s_a - z)`, `q' = ψ π q̃'`, and returns
/// `max(|q' - q|_∞ / max(|q|_∞, 1), |T' - T|_∞ / max(|T|_∞, 1/max(|q|_∞, 1)))` (the
/// solver's per-block residual convention, `giantstep_stieltjes::spiked::block_residual`).
pub fn independent_residual(problem: &SpikedProblem, sol: &SpikedSolution) -> f64 {
    let r = problem.groups();
    let prof = problem.profile();
    let (q, t, z) = (&sol.q, &sol.t, sol.z);
    let one = C64::new(1.0, 0.0);
    // A = I + T Q, B = I + Q T
    let mut a = vec![C64::new(0.0, 0.0); r * r];
    let mut bm = vec![C64::new(0.0, 0.0); r * r];
    for i in 0..r {
        for j in 0..r {
            let id = if i == j { one } else { C64::new(0.0, 0.0) };
            a[i * r + j] = id + t[i * r + j] * q[j];
            bm[i * r + j] = id + q[i] * t[i * r + j];
        }
    }
    let ainv = invert_small(&a, r);
    let binv = invert_small(&bm, r);
    let (Some(ainv), Some(binv)) = (ainv, binv) else {
        return f64::INFINITY;
    };
    let mut t_new = vec![C64::new(0.0, 0.0); r * r];
    let mut s = vec![C64::new(0.0, 0.0); r];
    for k in 0..prof.len() {
        let d: Vec<f64> = (0..r).map(|a| prof.d(k, a)).collect();
        // d^T Q A^{-1} d
        let mut quad = C64::new(0.0, 0.0);
        for i in 0..r {
            for j in 0..r {
                quad += d[i] * q[i] * ainv[i * r + j] * d[j];
            }
        }
        let noise: C64 = (0..r).map(|a| prof.e2(k, a) * q[a]).sum();
        let delta = (quad + noise) / problem.alpha();
        let w = prof.weights()[k];
        for i in 0..r {
            for j in 0..r {
                t_new[i * r + j] += w * d[i] * d[j] / (one + delta);
            }
            s[i] += w * prof.e2(k, i) / (one + delta);
        }
    }
    let q_new: Vec<C64> = (0..r)
        .map(|a_| {
            // [T B^{-1}]_aa
            let tb: C64 = (0..r).map(|j| t[a_ * r + j] * binv[j * r + a_]).sum();
            problem.psi() * problem.pi()[a_] / (tb + s[a_] - z)
        })
        .collect();
    // the solver's per-block norm (q, then every entry of T), applied to this independent Φ
    let x: Vec<C64> = q.iter().chain(t.iter()).copied().collect();
    let y: Vec<C64> = q_new.iter().chain(t_new.iter()).copied().collect();
    giantstep_stieltjes::spiked::block_residual(r, &x, &y)
}

/// Inverse of a small complex matrix (row-major) by faer's LU with partial pivoting; `None`
/// when the result is not finite (singular input).
fn invert_small(m: &[C64], n: usize) -> Option<Vec<C64>> {
    use faer::linalg::solvers::DenseSolveCore;
    let inv = faer::Mat::<C64>::from_fn(n, n, |i, j| m[i * n + j])
        .partial_piv_lu()
        .inverse();
    let out: Vec<C64> = (0..n * n).map(|k| inv[(k / n, k % n)]).collect();
    all_finite(&out).then_some(out)
}

/// Grid of the solver robustness map (issue 7): `ψ`, `α`, `η̃` (ReLU student, default
/// target, second layer `a = ±1`), ridge points `z = -λ`, and complex points
/// `z = x + i y` (`x` in units of the spectrum's first moment, `y` from far away down to
/// just above the real axis).
#[derive(Debug, Clone, PartialEq)]
pub struct MapGrid {
    /// Width ratios `ψ`.
    pub psi: Vec<f64>,
    /// Sample ratios `α`.
    pub alpha: Vec<f64>,
    /// Learning rates `η̃`.
    pub eta: Vec<f64>,
    /// Ridges `λ` (solved at `z = -λ`).
    pub lambda: Vec<f64>,
    /// Real parts `x / first_moment`.
    pub x: Vec<f64>,
    /// Imaginary parts `y` (absolute).
    pub y: Vec<f64>,
}

fn log_grid(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| lo * (hi / lo).powf(i as f64 / (n - 1) as f64))
        .collect()
}

impl MapGrid {
    /// The coarse grid of the test suite: 3 × 3 × 3 problems, 3 ridges, 3 × 4 complex points
    /// (405 solves).
    pub fn coarse() -> Self {
        Self {
            psi: vec![0.05, 1.0, 20.0],
            alpha: vec![0.05, 1.0, 20.0],
            eta: vec![0.0, 3.0, 8.0],
            lambda: vec![1e-6, 1e-2, 10.0],
            x: vec![0.0, 0.5, 2.0],
            y: vec![1e3, 1.0, 1e-3, 1e-6],
        }
    }

    /// The fine grid of the report (`cargo run --release --example robustness_map`):
    /// 7 × 7 × 5 problems, 7 ridges, 7 × 7 complex points (13 720 solves).
    pub fn fine() -> Self {
        Self {
            psi: log_grid(0.05, 20.0, 7),
            alpha: log_grid(0.05, 20.0, 7),
            eta: vec![0.0, 1.0, 2.0, 4.0, 8.0],
            lambda: log_grid(1e-6, 10.0, 7),
            x: vec![-1.0, 0.0, 0.1, 0.5, 1.0, 2.0, 5.0],
            y: log_grid(1e-6, 1e3, 7),
        }
    }
}

/// Outcome of [`robustness_map`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MapReport {
    /// Solves attempted.
    pub points: usize,
    /// Solves that returned a solution.
    pub converged: usize,
    /// Solves that returned `NotConverged`.
    pub not_converged: usize,
    /// Solves that returned another error, with the point and the message.
    pub other_errors: Vec<String>,
    /// Worst independent residual ([`independent_residual`]) over the converged points.
    pub worst_residual: f64,
    /// Where the worst residual occurred.
    pub worst_at: String,
    /// Worst independent residual over the converged points with moderate unknowns
    /// (`|q|_∞ ≤ 1e3`).
    pub worst_residual_moderate: f64,
    /// Points that returned `NotConverged` (for the report).
    pub failures: Vec<String>,
}

impl MapReport {
    /// Fraction of the points that converged.
    pub fn fraction_converged(&self) -> f64 {
        self.converged as f64 / self.points.max(1) as f64
    }
}

/// Sweeps the spiked solver over `grid` (cold start at every point). Every returned solution
/// is checked by [`check_spiked_solution`] (panics on violation) and its equations are
/// re-evaluated by [`independent_residual`]; errors are tallied by kind.
pub fn robustness_map(grid: &MapGrid) -> MapReport {
    let mut rep = MapReport::default();
    let cfg = SolverConfig::default();
    for &psi in &grid.psi {
        for &alpha in &grid.alpha {
            for &eta in &grid.eta {
                let e = Experiment {
                    psi,
                    alpha,
                    eta: Some(eta),
                    ..Experiment::default()
                };
                let problem = Model::new(&e)
                    .and_then(|m| m.spectral_problem())
                    .unwrap_or_else(|err| panic!("psi {psi} alpha {alpha} eta {eta}: {err}"));
                let scale = problem.first_moment().max(1e-300);
                let mut zs: Vec<C64> = grid.lambda.iter().map(|&l| C64::new(-l, 0.0)).collect();
                for &x in &grid.x {
                    for &y in &grid.y {
                        zs.push(C64::new(x * scale, y));
                    }
                }
                for z in zs {
                    rep.points += 1;
                    let at = format!("psi {psi} alpha {alpha} eta {eta} z {z}");
                    match problem.solve_with(z, None, &cfg) {
                        Ok(sol) => {
                            check_spiked_solution(&problem, z, &sol, cfg.fixed_point.tol);
                            rep.converged += 1;
                            let res = independent_residual(&problem, &sol);
                            let qmax = sol.q.iter().map(|v| v.norm()).fold(0.0, f64::max);
                            if qmax <= 1e3 && (res.is_nan() || res > rep.worst_residual_moderate) {
                                rep.worst_residual_moderate = res;
                            }
                            if res.is_nan() || res > rep.worst_residual {
                                rep.worst_residual = res;
                                rep.worst_at = at;
                            }
                        }
                        Err(StieltjesError::NotConverged { .. }) => {
                            rep.not_converged += 1;
                            rep.failures.push(at);
                        }
                        Err(err) => rep.other_errors.push(format!("{at}: {err}")),
                    }
                }
            }
        }
    }
    rep
}

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
