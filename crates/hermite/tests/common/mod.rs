//! Independent reference integrator for the tests: composite Gauss-Legendre against the
//! Gaussian density, written here from scratch (Newton on the Legendre recurrence), not
//! using the crate's rules.

#![allow(dead_code)]

/// Nodes and weights of the `n`-point Gauss-Legendre rule on [-1, 1].
pub fn legendre_rule(n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut x = vec![0.0; n];
    let mut w = vec![0.0; n];
    for i in 0..n {
        let mut t = (std::f64::consts::PI * (i as f64 + 0.75) / (n as f64 + 0.5)).cos();
        let mut dp = 1.0;
        for _ in 0..50 {
            let (mut p0, mut p1) = (1.0, t);
            for k in 1..n {
                let kf = k as f64;
                let p2 = ((2.0 * kf + 1.0) * t * p1 - kf * p0) / (kf + 1.0);
                p0 = p1;
                p1 = p2;
            }
            dp = n as f64 * (t * p1 - p0) / (t * t - 1.0);
            let dt = p1 / dp;
            t -= dt;
            if dt.abs() < 1e-16 {
                break;
            }
        }
        x[i] = t;
        w[i] = 2.0 / ((1.0 - t * t) * dp * dp);
    }
    (x, w)
}

/// `E[g(Z)]` by composite 20-point Gauss-Legendre on panels of width 0.25 of [-16, 16],
/// extra breakpoints allowed (for kinks). Truncation below 1e-55, quadrature error near
/// machine precision for integrands smooth on each panel.
pub fn reference_expectation(g: impl Fn(f64) -> f64, breakpoints: &[f64]) -> f64 {
    let (x, w) = legendre_rule(20);
    let mut cuts: Vec<f64> = (0..=128).map(|i| -16.0 + 0.25 * i as f64).collect();
    cuts.extend(breakpoints.iter().copied().filter(|b| b.abs() < 16.0));
    cuts.sort_by(f64::total_cmp);
    let norm = 1.0 / (2.0 * std::f64::consts::PI).sqrt();
    let mut total = 0.0;
    for p in cuts.windows(2) {
        let (a, b) = (p[0], p[1]);
        if b <= a {
            continue;
        }
        let (mid, half) = (0.5 * (a + b), 0.5 * (b - a));
        let mut s = 0.0;
        for (xi, wi) in x.iter().zip(&w) {
            let z = mid + half * xi;
            s += wi * g(z) * (-0.5 * z * z).exp();
        }
        total += s * half;
    }
    total * norm
}

/// `He_k(z)` by the recurrence (test-local copy).
pub fn he(k: usize, z: f64) -> f64 {
    let (mut a, mut b) = (0.0, 1.0);
    for j in 0..k {
        let c = z * b - j as f64 * a;
        a = b;
        b = c;
    }
    b
}

/// Standard normal cdf via libm's `erfc` (checked against independent high-precision
/// values in `tests/activation.rs`).
pub fn big_phi(x: f64) -> f64 {
    0.5 * libm::erfc(-x / std::f64::consts::SQRT_2)
}

/// Standard normal density.
pub fn small_phi(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}
