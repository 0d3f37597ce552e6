//! Linear features follow Marchenko-Pastur: spectrum pipeline (covariance, eigenvalues,
//! empirical Stieltjes transform) against closed forms written here.

use giantstep_spiked::features::features;
use giantstep_spiked::sampling::{gaussian_data, sphere_rows};
use giantstep_spiked::spectrum::Spectrum;
use num_complex::Complex64;

/// Marchenko-Pastur Stieltjes transform of `X X^T / n`, `X` p×n with i.i.d. N(0,1) entries,
/// ratio `c = p/n`: root of `c z m² + (z + c − 1) m + 1 = 0` with `Im m > 0` (Im z > 0) or
/// `m > 0` (z < 0).
fn mp_stieltjes(c: f64, z: Complex64) -> Complex64 {
    let a = c * z;
    let b = z + c - 1.0;
    let disc = (b * b - 4.0 * a).sqrt();
    let r1 = (-b + disc) / (2.0 * a);
    let r2 = (-b - disc) / (2.0 * a);
    let good = |m: Complex64| if z.im > 0.0 { m.im > 0.0 } else { m.re > 0.0 };
    if good(r1) { r1 } else { r2 }
}

fn zs() -> Vec<Complex64> {
    vec![
        Complex64::new(-0.5, 0.0),
        Complex64::new(0.5, 0.5),
        Complex64::new(2.0, 1.0),
        Complex64::new(1.0, 0.2),
    ]
}

#[test]
fn identity_features_follow_mp_at_d_1000_within_1_percent() {
    // sigma = identity, W = I_d (orthonormal rows), u = 0: F = X, p = d = 1000, n = 2000.
    let (d, n) = (1000, 2000);
    let x = gaussian_data(d, n, 11).unwrap();
    let f = features(faer::Mat::<f64>::identity(d, d).as_ref(), x.as_ref(), |z| z).unwrap();
    let s = Spectrum::of_features(f.as_ref()).unwrap();
    for z in zs() {
        let m_sim = s.stieltjes(z);
        let m_th = mp_stieltjes(d as f64 / n as f64, z);
        let rel = (m_sim - m_th).norm() / m_th.norm();
        assert!(
            rel < 0.01,
            "z = {z}: sim {m_sim} vs MP {m_th} (rel {rel:.2e})"
        );
    }
}

#[test]
fn wide_features_gram_side_follow_mp_with_zero_atom() {
    // p = 1500 > n = 1000 with F = [X; 0]-free construction: W has orthonormal rows only for
    // p <= d, so take p = d = 1500, n = 1000: the covariance has p - n exact zeros.
    let (d, n) = (1500, 1000);
    let x = gaussian_data(d, n, 12).unwrap();
    let f = features(faer::Mat::<f64>::identity(d, d).as_ref(), x.as_ref(), |z| z).unwrap();
    let s = Spectrum::of_features(f.as_ref()).unwrap();
    assert_eq!(
        s.eigenvalues()[..d - n]
            .iter()
            .filter(|&&l| l == 0.0)
            .count(),
        d - n
    );
    for z in zs() {
        let m_sim = s.stieltjes(z);
        let m_th = mp_stieltjes(d as f64 / n as f64, z);
        let rel = (m_sim - m_th).norm() / m_th.norm();
        assert!(
            rel < 0.01,
            "z = {z}: sim {m_sim} vs MP {m_th} (rel {rel:.2e})"
        );
    }
}

/// Generalized Marchenko-Pastur (Silverstein) equation for columns `N(0, C)`:
/// `m(z) = (1/p) Σ_k 1 / (t_k (1 − c − c z m) − z)`, `c = p/n`, `t_k` eigenvalues of `C`.
/// Solved by damped fixed-point iteration.
fn silverstein(t: &[f64], c: f64, z: Complex64) -> Complex64 {
    let mut m = Complex64::new(0.0, 0.0) - 1.0 / z;
    for _ in 0..20_000 {
        let new: Complex64 = t
            .iter()
            .map(|&tk| 1.0 / (tk * (1.0 - c - c * z * m) - z))
            .sum::<Complex64>()
            / t.len() as f64;
        let next = 0.5 * m + 0.5 * new;
        if (next - m).norm() < 1e-13 {
            return next;
        }
        m = next;
    }
    panic!("Silverstein iteration did not converge at z = {z}");
}

#[test]
fn sphere_rows_linear_features_follow_generalized_mp_at_d_1000_within_1_percent() {
    // sigma = identity, W0 uniform-sphere rows, u = 0: columns of F are N(0, W W^T);
    // reference: Silverstein's equation with the exact spectrum of C = W W^T. d = 1000.
    let (d, p, n) = (1000, 800, 1600);
    let w = sphere_rows(p, d, 21).unwrap();
    let x = gaussian_data(d, n, 22).unwrap();
    let f = features(w.as_ref(), x.as_ref(), |z| z).unwrap();
    let s = Spectrum::of_features(f.as_ref()).unwrap();
    let c_mat = &w * w.transpose();
    let t = giantstep_spiked::spectrum::matrix_eigenvalues(&c_mat).unwrap();
    for z in zs() {
        let m_sim = s.stieltjes(z);
        let m_th = silverstein(&t, p as f64 / n as f64, z);
        let rel = (m_sim - m_th).norm() / m_th.norm();
        assert!(
            rel < 0.01,
            "z = {z}: sim {m_sim} vs theory {m_th} (rel {rel:.2e})"
        );
    }
}
