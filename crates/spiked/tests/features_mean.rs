//! Spiked features: group means concentrate on `μ0(u_a κ_ν)` (THEORY.md §4).

use giantstep_spiked::features::{features, group_means};
use giantstep_spiked::sampling::{gaussian_data, kappa, sphere_rows, unit_direction};
use giantstep_spiked::spike::{SpikeGroups, spiked_weights};

fn phi(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

/// Standard normal cdf via a continued-fraction-free erfc (Abramowitz-Stegun 7.1.26 is too
/// coarse): use the complementary error function from libm-free series of statrs.
fn cdf(x: f64) -> f64 {
    use statrs::distribution::{ContinuousCDF, Normal};
    Normal::standard().cdf(x)
}

/// ReLU: `μ0(c) = E relu(Z + c) = c Φ(c) + φ(c)` (THEORY.md §3).
fn relu_mu0(c: f64) -> f64 {
    c * cdf(c) + phi(c)
}

#[test]
fn group_means_match_mu0_of_u_kappa_at_d_1000() {
    // ReLU, groups u = (−2, 0.5, 3), π = (0.3, 0.3, 0.4), d = 1000, p = 4000, n = 200.
    // Per-sample noise of a group mean ≤ sd(relu(Z + 3 κ)) / sqrt(1200) ≈ 0.03 for |κ| ≲ 1:
    // RMS over samples < 0.05, mean bias < 0.01.
    let (d, p, n) = (1000, 4000, 200);
    let groups = SpikeGroups::new(vec![-2.0, 0.5, 3.0], vec![0.3, 0.3, 0.4]).unwrap();
    let theta = unit_direction(d, 1).unwrap();
    let w0 = sphere_rows(p, d, 2).unwrap();
    let g = groups.exact_groups(p);
    let w = spiked_weights(w0.as_ref(), &theta, &groups.u_per_neuron(&g), None).unwrap();
    let x = gaussian_data(d, n, 3).unwrap();
    let k = kappa(&theta, x.as_ref()).unwrap();
    let f = features(w.as_ref(), x.as_ref(), |z| z.max(0.0)).unwrap();
    let m = group_means(f.as_ref(), &g, 3).unwrap();
    for (a, &u) in groups.u().iter().enumerate() {
        let errs: Vec<f64> = (0..n).map(|nu| m[(a, nu)] - relu_mu0(u * k[nu])).collect();
        let rms = (errs.iter().map(|e| e * e).sum::<f64>() / n as f64).sqrt();
        let bias = errs.iter().sum::<f64>() / n as f64;
        assert!(rms < 0.05, "group {a} (u = {u}): rms {rms}");
        assert!(bias.abs() < 0.01, "group {a} (u = {u}): bias {bias}");
    }
}

#[test]
fn rescaled_weights_scale_the_theta_component_by_gamma() {
    let (d, p) = (30, 12);
    let groups = SpikeGroups::with_gamma(vec![1.0, -1.0], vec![0.5, 0.5], vec![3.0, 0.5]).unwrap();
    let theta = unit_direction(d, 4).unwrap();
    let w0 = sphere_rows(p, d, 5).unwrap();
    let g = groups.exact_groups(p);
    let w = spiked_weights(
        w0.as_ref(),
        &theta,
        &groups.u_per_neuron(&g),
        Some(&groups.gamma_per_neuron(&g)),
    )
    .unwrap();
    for i in 0..p {
        let dot = |m: &faer::Mat<f64>| (0..d).map(|j| m[(i, j)] * theta[j]).sum::<f64>();
        let (k0, k1) = (dot(&w0), dot(&w));
        assert!((k1 - (groups.gamma()[g[i]] * k0 + groups.u()[g[i]])).abs() < 1e-12);
        // the orthogonal part is unchanged
        for j in 0..d {
            let perp0 = w0[(i, j)] - k0 * theta[j];
            let perp1 = w[(i, j)] - k1 * theta[j];
            assert!((perp0 - perp1).abs() < 1e-12);
        }
    }
}
