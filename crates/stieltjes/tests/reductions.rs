//! Reductions of the spiked equations (THEORY.md §4) to independent computations:
//! Marchenko-Pastur (μ1 = 0), the classical random-features law for `u = 0` written here
//! as Silverstein's equation with a Marchenko-Pastur population, and identical groups = r = 1.

use giantstep_hermite::Activation;
use giantstep_stieltjes::{Profile, SpikedProblem, marchenko_pastur};
use num_complex::Complex64 as C64;
use std::f64::consts::PI;

fn single(d: f64, e2: f64, psi: f64, alpha: f64) -> SpikedProblem {
    let profile = Profile::new(vec![0.0], vec![1.0], 1, vec![d], vec![e2]).unwrap();
    SpikedProblem::new(profile, vec![1.0], psi, alpha).unwrap()
}

const ZS: [(f64, f64); 6] = [
    (-0.5, 0.0),
    (-3.0, 0.0),
    (0.5, 0.5),
    (2.0, 1.0),
    (0.3, 0.05),
    (1.0, 0.01),
];

#[test]
fn mu1_zero_is_marchenko_pastur_closed_form_to_1e_10() {
    for &(psi, alpha, e2) in &[(0.5, 2.0, 1.0), (1.5, 2.0, 0.3), (3.0, 1.0, 2.0)] {
        let p = single(0.0, e2, psi, alpha);
        for &(re, im) in &ZS {
            let z = C64::new(re, im);
            let m = p.solve(z).unwrap().m;
            let mp = marchenko_pastur::stieltjes(z, psi / alpha, e2).unwrap();
            assert!(
                (m - mp).norm() < 1e-10 * mp.norm(),
                "psi {psi} alpha {alpha} z {z}: {m} vs {mp}"
            );
        }
    }
}

/// Silverstein: `m = ∫ dH(t) / (t (1 - c - c z m) - z)`, `c = p/n = ψ/α`, `H` the law of
/// `μ1² λ + μ*²` with `λ` Marchenko-Pastur of ratio `ψ` (spectrum of `W Wᵀ`, rows of `W` on
/// the unit sphere), integrated with `t = c0 + h cos θ` (spectrally accurate midpoint rule).
fn silverstein_rf(z: C64, mu1: f64, mustar2: f64, psi: f64, alpha: f64) -> C64 {
    let c = psi / alpha;
    let (lo, hi) = ((1.0 - psi.sqrt()).powi(2), (1.0 + psi.sqrt()).powi(2));
    let (c0, h) = ((lo + hi) / 2.0, (hi - lo) / 2.0);
    let n = 4000;
    let mut pts = Vec::with_capacity(n + 1);
    for i in 0..n {
        let th = PI * (i as f64 + 0.5) / n as f64;
        let lam = c0 + h * th.cos();
        let dens = ((hi - lam) * (lam - lo)).max(0.0).sqrt() / (2.0 * PI * psi * lam);
        pts.push((
            mu1 * mu1 * lam + mustar2,
            dens * h * th.sin() * PI / n as f64,
        ));
    }
    if psi > 1.0 {
        pts.push((mustar2, 1.0 - 1.0 / psi));
    }
    let total: f64 = pts.iter().map(|p| p.1).sum();
    assert!((total - 1.0).abs() < 1e-9, "population mass {total}");
    let mut m = -1.0 / z;
    for _ in 0..200_000 {
        let mut next = C64::new(0.0, 0.0);
        for &(t, w) in &pts {
            next += w / (t * (1.0 - c - c * z * m) - z);
        }
        let new = 0.5 * m + 0.5 * next;
        if (new - m).norm() < 1e-14 * m.norm() {
            return new;
        }
        m = new;
    }
    panic!("Silverstein iteration did not converge at z = {z}");
}

#[test]
fn u_zero_is_the_classical_random_features_law_silverstein_with_mp_population_to_1e_8() {
    let relu_e2 = 0.25 - 1.0 / (2.0 * PI);
    for &(mu1, e2) in &[(0.5, relu_e2), (0.6, 0.1)] {
        for &(psi, alpha) in &[(0.5, 2.0), (1.5, 2.0), (1.5, 3.0), (2.0, 1.0)] {
            let p = single(mu1, e2, psi, alpha);
            for &(re, im) in &[(-0.5, 0.0), (0.5, 0.5), (2.0, 1.0), (0.2, 0.2)] {
                let z = C64::new(re, im);
                let m = p.solve(z).unwrap().m;
                let s = silverstein_rf(z, mu1, e2, psi, alpha);
                assert!(
                    (m - s).norm() < 1e-8 * s.norm(),
                    "mu1 {mu1} psi {psi} alpha {alpha} z {z}: {m} vs {s}"
                );
            }
        }
    }
}

#[test]
fn u_zero_activation_profile_equals_single_node_profile() {
    let gauss =
        SpikedProblem::from_activation(&Activation::Tanh, &[0.0], vec![1.0], 1.5, 2.0, 40).unwrap();
    let d = gauss.profile().d(0, 0);
    let e2 = gauss.profile().e2(0, 0);
    let p = single(d, e2, 1.5, 2.0);
    for &(re, im) in &ZS {
        let z = C64::new(re, im);
        let a = gauss.solve(z).unwrap().m;
        let b = p.solve(z).unwrap().m;
        assert!((a - b).norm() < 1e-11 * b.norm());
    }
}

#[test]
fn identical_groups_give_the_r_equals_1_answer() {
    let one =
        SpikedProblem::from_activation(&Activation::Relu, &[1.5], vec![1.0], 1.5, 2.0, 60).unwrap();
    // r = 3 with the same u in every group and unequal fractions
    let three = SpikedProblem::from_activation(
        &Activation::Relu,
        &[1.5, 1.5, 1.5],
        vec![0.2, 0.3, 0.5],
        1.5,
        2.0,
        60,
    )
    .unwrap();
    for &(re, im) in &ZS {
        let z = C64::new(re, im);
        let a = one.solve(z).unwrap();
        let b = three.solve(z).unwrap();
        assert!(
            (a.m - b.m).norm() < 1e-10 * a.m.norm(),
            "z {z}: {} vs {}",
            a.m,
            b.m
        );
        let qsum: C64 = b.q.iter().sum();
        assert!((qsum - a.q[0]).norm() < 1e-10 * a.q[0].norm());
        for (da, db) in a.delta.iter().zip(&b.delta) {
            assert!((da - db).norm() < 1e-10 * (1.0 + da.norm()));
        }
        for g in 0..3 {
            assert!((b.q_tilde[g] - a.q_tilde[0]).norm() < 1e-10 * a.q_tilde[0].norm());
            assert!((b.s[g] - a.s[0]).norm() < 1e-10 * (1.0 + a.s[0].norm()));
        }
    }
}

#[test]
fn mirrored_spikes_are_symmetric_in_the_groups() {
    // u = (+2, -2) with equal fractions: the κ -> -κ symmetry of the Gaussian rule swaps the
    // groups, so q̃_1 = q̃_2 and s_1 = s_2 (an odd/even-independent structural check).
    let p = SpikedProblem::from_activation(
        &Activation::Tanh,
        &[2.0, -2.0],
        vec![0.5, 0.5],
        1.5,
        2.0,
        80,
    )
    .unwrap();
    let sol = p.solve(C64::new(0.7, 0.2)).unwrap();
    assert!((sol.q_tilde[0] - sol.q_tilde[1]).norm() < 1e-11);
    assert!((sol.t(0, 0) - sol.t(1, 1)).norm() < 1e-11);
}
