//! Theory vs simulation (giantstep-spiked) at d = 1000, p = 1500 (ψ = 1.5), n = 2000 (α = 2).
//!
//! - Gaussian theory (160 Gauss-Hermite κ-nodes) vs the seed average of 3 simulations of
//!   `m(z) = (1/p) tr (F Fᵀ/n - z)^{-1}`: relative gap < 1% at z ∈ {-0.5, 0.5+0.5i, 2+i}.
//! - Conditional theory (κ-rule = the simulation's own κ_ν, weights 1/n) vs each single
//!   seed: relative gap < 0.5%.
//! - Density vs eigenvalues: Kolmogorov distance between the empirical CDF (eigenvalues
//!   above 1.05 × the theoretical right edge removed as outliers) and the theoretical CDF
//!   `atom + ∫_0^x ρ` < 0.02.
//!
//! Features are the raw `σ(<w_i, x_ν> + u_a κ_ν)` (mean included): the means and the θ part
//! are finite rank and only create outliers, whose weight in `m(z)` is O(r/p).

use giantstep_hermite::Activation;
use giantstep_spiked::{
    features::features,
    sampling::{gaussian_data, kappa, sphere_rows, unit_direction},
    spectrum::Spectrum,
    spike::{SpikeGroups, spiked_weights},
};
use giantstep_stieltjes::{DensityConfig, Profile, SpikedProblem};
use num_complex::Complex64 as C64;

const D: usize = 1000;
const PSI: f64 = 1.5;
const ALPHA: f64 = 2.0;
const SEEDS: u64 = 3;
const ZS: [(f64, f64); 3] = [(-0.5, 0.0), (0.5, 0.5), (2.0, 1.0)];

fn simulate(act: &Activation, u: &[f64], pi: &[f64], seed: u64) -> (Spectrum, Vec<f64>) {
    simulate_at(D, act, u, pi, seed)
}

fn simulate_at(
    dim: usize,
    act: &Activation,
    u: &[f64],
    pi: &[f64],
    seed: u64,
) -> (Spectrum, Vec<f64>) {
    let (p, n) = ((PSI * dim as f64) as usize, (ALPHA * dim as f64) as usize);
    let groups = SpikeGroups::new(u.to_vec(), pi.to_vec()).unwrap();
    let g = groups.exact_groups(p);
    let u_per = groups.u_per_neuron(&g);
    let w0 = sphere_rows(p, dim, 1000 * seed + 1).unwrap();
    let theta = unit_direction(dim, 1000 * seed + 2).unwrap();
    let w = spiked_weights(w0.as_ref(), &theta, &u_per, None).unwrap();
    let x = gaussian_data(dim, n, 1000 * seed + 3).unwrap();
    let kap = kappa(&theta, x.as_ref()).unwrap();
    let f = features(w.as_ref(), x.as_ref(), |t| act.eval(t)).unwrap();
    (Spectrum::of_features(f.as_ref()).unwrap(), kap)
}

fn check_config(act: &Activation, u: &[f64], pi: &[f64], label: &str) -> Vec<(Spectrum, f64)> {
    let theory = SpikedProblem::from_activation(act, u, pi.to_vec(), PSI, ALPHA, 160).unwrap();
    let m_th: Vec<C64> = ZS
        .iter()
        .map(|&(a, b)| theory.solve(C64::new(a, b)).unwrap().m)
        .collect();
    let mut avg = vec![C64::new(0.0, 0.0); ZS.len()];
    let mut spectra = Vec::new();
    for seed in 0..SEEDS {
        let (spec, kap) = simulate(act, u, pi, seed);
        let prof = Profile::conditional_from_activation(act, u, &kap).unwrap();
        let cond = SpikedProblem::new(prof, pi.to_vec(), PSI, ALPHA).unwrap();
        for (i, &(a, b)) in ZS.iter().enumerate() {
            let z = C64::new(a, b);
            let sim = spec.stieltjes(z);
            avg[i] += sim / SEEDS as f64;
            let mc = cond.solve(z).unwrap().m;
            let gap = (mc - sim).norm() / sim.norm();
            println!("{label} seed {seed} z {z}: sim {sim:.6} conditional {mc:.6} gap {gap:.2e}");
            assert!(
                gap < 5e-3,
                "{label} seed {seed} z {z}: conditional gap {gap:.3e}"
            );
        }
        spectra.push((spec, 0.0));
    }
    for (i, &(a, b)) in ZS.iter().enumerate() {
        let gap = (avg[i] - m_th[i]).norm() / m_th[i].norm();
        println!(
            "{label} z {a}+{b}i: seed-avg {:.6} theory {:.6} gap {gap:.2e}",
            avg[i], m_th[i]
        );
        assert!(
            gap < 1e-2,
            "{label} z {a}+{b}i: seed-averaged gap {gap:.3e}"
        );
    }
    // Kolmogorov distance for the first seed
    let cfg = DensityConfig::default();
    let edge = theory.right_edge(&cfg).unwrap();
    // cosine-spaced grid: the density has a tall peak near 0 (neurons with μ*(u κ) ≈ 0 and
    // ψ > 1 make C(κ) nearly singular) that a uniform grid under-resolves
    let ngrid = 8000;
    let grid: Vec<f64> = (0..=ngrid)
        .map(|i| 0.5 * edge * (1.0 - (std::f64::consts::PI * i as f64 / ngrid as f64).cos()))
        .collect();
    let dens = theory.density(&grid, &cfg).unwrap();
    let mut cdf = vec![dens.atom; grid.len()];
    for i in 1..grid.len() {
        cdf[i] = cdf[i - 1] + 0.5 * (grid[i] - grid[i - 1]) * (dens.rho[i] + dens.rho[i - 1]);
    }
    let total = cdf[ngrid];
    assert!(
        (total - 1.0).abs() < 1e-3,
        "{label}: theoretical mass {total}"
    );
    let eig: Vec<f64> = spectra[0]
        .0
        .eigenvalues()
        .iter()
        .cloned()
        .filter(|&l| l <= 1.05 * edge)
        .collect();
    let removed = spectra[0].0.eigenvalues().len() - eig.len();
    let cdf_at = |x: f64| -> f64 {
        if x < 0.0 {
            return 0.0;
        }
        if x >= edge {
            return total;
        }
        let i = grid.partition_point(|&g| g <= x).clamp(1, ngrid) - 1;
        let f = (x - grid[i]) / (grid[i + 1] - grid[i]);
        cdf[i] * (1.0 - f) + cdf[i + 1] * f
    };
    let m = eig.len() as f64;
    let mut ks = 0.0_f64;
    for (j, &l) in eig.iter().enumerate() {
        let th = cdf_at(l);
        ks = ks
            .max((th - j as f64 / m).abs())
            .max((th - (j + 1) as f64 / m).abs());
    }
    println!(
        "{label}: right edge {edge:.4}, outliers removed {removed}, Kolmogorov distance {ks:.4}"
    );
    assert!(ks < 0.02, "{label}: Kolmogorov distance {ks}");
    // right tail: the theory's mass beyond the largest bulk eigenvalue is O(1/p) (the tail of a
    // κ-mixture is thin, so the top eigenvalue sits at the 1 - 1/p quantile, not at the edge),
    // and the tail mass beyond 0.8 × edge matches the eigenvalue count (binomial error)
    let top = eig.last().copied().unwrap();
    let beyond_top = m * theory.tail_mass_below_edge(top, edge, &cfg).unwrap();
    let x8 = 0.8 * edge;
    let t8 = theory.tail_mass_below_edge(x8, edge, &cfg).unwrap();
    let f8 = eig.iter().filter(|&&l| l > x8).count() as f64 / m;
    println!(
        "{label}: top bulk eigenvalue {top:.4} (edge {edge:.4}), expected count beyond it {beyond_top:.2}; \
         tail(0.8 edge) theory {t8:.4} vs empirical {f8:.4}"
    );
    assert!(
        top <= edge * 1.03 && beyond_top < 6.0,
        "{label}: top {top}, expected beyond {beyond_top}"
    );
    assert!(
        (t8 - f8).abs() < 4.0 * (t8 * (1.0 - t8) / m).sqrt() + 2.0 / m,
        "{label}: tail {t8} vs {f8}"
    );
    assert!(
        removed <= 2 * u.len() + 2,
        "{label}: {removed} eigenvalues beyond 1.05 x edge"
    );
    spectra
}

#[test]
fn relu_r1_and_r2_theory_vs_simulation_d1000_seed_avg_1pct_conditional_half_pct_ks_0_02() {
    check_config(&Activation::Relu, &[2.0], &[1.0], "relu u=2");
    check_config(&Activation::Relu, &[2.0, -2.0], &[0.5, 0.5], "relu u=+-2");
}

#[test]
fn tanh_r1_and_r2_theory_vs_simulation_d1000_seed_avg_1pct_conditional_half_pct_ks_0_02() {
    check_config(&Activation::Tanh, &[1.0], &[1.0], "tanh u=1");
    check_config(
        &Activation::Tanh,
        &[0.5, 3.0],
        &[0.3, 0.7],
        "tanh u=(0.5,3)",
    );
}

/// Mean relative gap |m_sim - m_conditional| / |m_sim| over 3 seeds and the 3 z's.
fn mean_conditional_gap(dim: usize, act: &Activation, u: &[f64], pi: &[f64]) -> f64 {
    let mut total = 0.0;
    let mut count = 0.0;
    for seed in 0..SEEDS {
        let (spec, kap) = simulate_at(dim, act, u, pi, 100 + seed);
        let prof = Profile::conditional_from_activation(act, u, &kap).unwrap();
        let cond = SpikedProblem::new(prof, pi.to_vec(), PSI, ALPHA).unwrap();
        for &(a, b) in &ZS {
            let z = C64::new(a, b);
            let sim = spec.stieltjes(z);
            total += (cond.solve(z).unwrap().m - sim).norm() / sim.norm();
            count += 1.0;
        }
    }
    total / count
}

#[test]
fn conditional_theory_gap_shrinks_from_d250_to_d1000_relu_r2() {
    let (act, u, pi) = (Activation::Relu, [2.0, -2.0], [0.5, 0.5]);
    let small = mean_conditional_gap(250, &act, &u, &pi);
    let large = mean_conditional_gap(1000, &act, &u, &pi);
    println!("mean conditional gap: d=250 {small:.2e}, d=1000 {large:.2e}");
    assert!(
        large < 0.6 * small,
        "gap did not shrink: {small:.3e} -> {large:.3e}"
    );
}
