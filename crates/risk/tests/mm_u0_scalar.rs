//! `u = 0` (r = 1): the assembly of THEORY.md §5b against the independent Mei-Montanari
//! closed form (`ridge-error.md` §4a), tolerance 1e-10 relative. The spectral point here is
//! the scalar `u = 0` case of the §4 fixed point (δ constant), solved in the test.

use giantstep_hermite::Activation;
use giantstep_hermite::coefficients::hermite_coefficients;
use giantstep_risk::kappa::{Group, KappaQuadrature, build_profile};
use giantstep_risk::mei_montanari::{MmInputs, test_error};
use giantstep_risk::{SpectralPoint, assemble};

/// Scalar fixed point for constant d, e²: δ = (1/α)[d² q/(1+Tq) + e² q], T = d²/(1+δ),
/// s = e²/(1+δ), q = ψ / (T/(1+qT) + s + λ).
fn spectral_u0(d: f64, e2: f64, psi: f64, alpha: f64, lambda: f64, k: usize) -> SpectralPoint {
    let mut q = psi / (1.0 + lambda);
    let mut delta = 0.0;
    let (mut t, mut s) = (0.0, 0.0);
    for _ in 0..1_000_000 {
        delta = (d * d * q / (1.0 + t * q) + e2 * q) / alpha;
        t = d * d / (1.0 + delta);
        s = e2 / (1.0 + delta);
        let qn = psi / (t / (1.0 + q * t) + s + lambda);
        let diff = (qn - q).abs();
        q = 0.5 * q + 0.5 * qn;
        if diff < 1e-16 * q {
            break;
        }
    }
    delta = (d * d * q / (1.0 + t * q) + e2 * q) / alpha;
    t = d * d / (1.0 + delta);
    s = e2 / (1.0 + delta);
    SpectralPoint { q: vec![q], t: vec![t], s: vec![s], delta: vec![delta; k] }
}

fn compare(sigma: Activation, target: Vec<f64>, psi: f64, alpha: f64, lambda: f64, noise: f64) {
    let tgt = Activation::Hermite(target.clone());
    let (x, w) = KappaQuadrature::GaussHermite { nodes: 40 }.rule(&[]).unwrap();
    let prof = build_profile(&sigma, &tgt, &[Group::plain(0.0, 1.0)], x, w).unwrap();
    let d = prof.d_at(0)[0];
    let e2 = prof.e2_at(0)[0];
    let sp = spectral_u0(d, e2, psi, alpha, lambda, prof.n_nodes());
    let res = assemble(&prof, &sp, psi, alpha, noise).unwrap();
    let mu = hermite_coefficients(&sigma, 1).unwrap();
    // target moments from the plain-He coefficients: E s = c0, E k s = c1, E s^2 = sum c_k^2 k!
    let mut second = 0.0;
    let mut fact = 1.0;
    for (k, c) in target.iter().enumerate() {
        if k > 0 {
            fact *= k as f64;
        }
        second += c * c * fact;
    }
    let inp = MmInputs {
        mu0: if sigma.is_odd() { 0.0 } else { mu[0] },
        mu1: mu[1],
        mustar2: e2,
        f0: target[0],
        f1: target.get(1).copied().unwrap_or(0.0),
        second_moment: second,
    };
    let mm = test_error(&inp, noise, psi, alpha, lambda).unwrap();
    let rel = (res.e_gen - mm).abs() / mm;
    assert!(rel < 1e-10, "spiked u=0 {} vs Mei-Montanari {mm}: rel {rel:e}", res.e_gen);
}

#[test]
fn u0_relu_matches_mei_montanari_1e10() {
    compare(Activation::Relu, vec![0.0, 1.0, 0.7071067811865476], 0.5, 3.0, 0.1, 0.25);
    compare(Activation::Relu, vec![0.3, 0.8, 0.0, 0.2], 2.0, 1.0, 1e-3, 0.0);
    compare(Activation::Relu, vec![0.0, 0.0, 1.0], 1.5, 1.5, 0.01, 0.1);
}

#[test]
fn u0_tanh_matches_mei_montanari_1e10() {
    compare(Activation::Tanh, vec![0.0, 1.0, 0.7071067811865476], 0.5, 3.0, 0.1, 0.25);
    compare(Activation::Tanh, vec![0.4, 0.8, 0.0, 0.2], 2.0, 1.0, 1e-3, 0.0);
}
