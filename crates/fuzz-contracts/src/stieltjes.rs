//! Fuzz entry of giantstep-stieltjes (THEORY.md §4): profile tables, the spiked problem,
//! cold and warm solves, Marchenko-Pastur closed forms; and the contract of a spiked solution
//! (finite, Herglotz, bounded by `1/dist(z, [0, ∞))`).

use crate::MAX_FUZZ_NODES;
use crate::bytes::Bytes;
use crate::hermite::{activation_from, check_hermite_error};
use giantstep_hermite::Activation;
use giantstep_hermite::ShiftedCoefficients;
use giantstep_hermite::quadrature::GaussHermite;
use giantstep_stieltjes::{Profile, SolverConfig, SpikedProblem, SpikedSolution, StieltjesError};
use num_complex::Complex64 as C64;

pub(crate) fn all_finite(v: &[C64]) -> bool {
    v.iter().all(|c| c.re.is_finite() && c.im.is_finite())
}

/// Distance from `z` to `[0, ∞)`.
pub(crate) fn dist_to_half_line(z: C64) -> f64 {
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
