//! `giantstep verify`: the theory-vs-simulation table of `cargo xtask verify`. Every formula
//! of the project is compared with a simulation at a stated `d` with a stated tolerance
//! (constants in [`crate::checks`] and below); the command fails if any row fails.
//!
//! Rows: Marchenko-Pastur (`μ1 = 0`) and spiked deterministic equivalents (`m(z)` Gaussian
//! and conditional theory, Kolmogorov distance of the density, largest bulk eigenvalue,
//! mass beyond the random-features edge, mean outliers), `E_gen`/`E_train` of the retrained
//! second layer (THEORY.md §5), and the one-step network vs its spiked equivalent (overlap
//! `cos_c²`, `m(z)` gap, test error).

use crate::checks::{spectrum_rows, stat_row};
use crate::config::{Experiment, Group};
use crate::error::Result;
use crate::experiments::learning::{compare_risk, one_step_equivalence};
use crate::experiments::simulation::simulate_spectrum;
use crate::model::{Model, fmt_num};
use crate::progress::Progress;
use crate::table::Row;
use num_complex::Complex64;

/// Dimension of the spectrum rows.
pub const D_SPECTRUM: usize = 1000;
/// Seeds of the spectrum rows.
pub const SEEDS_SPECTRUM: [u64; 4] = [11, 12, 13, 14];
/// Dimension of the risk rows.
pub const D_RISK: usize = 800;
/// Seeds of the risk rows.
pub const SEEDS_RISK: [u64; 16] = [
    21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33, 34, 35, 36,
];
/// Test samples per seed for `E_gen`.
pub const N_TEST: usize = 10_000;
/// `E_gen` / `E_train`: finite-size allowance on the relative gap (THEORY.md §5d: 0.1-0.6%
/// at d = 400-1600 for these kinds of configurations, up to 2% in slow cases). The row's
/// tolerance is this plus three standard errors of the seed mean (relative), the
/// statistical error of 16 seeds × 10⁴ test points.
pub const TOL_RISK: f64 = 2e-2;
/// One-step network retrained vs the θ-rescaled theory at `c = 16`: finite-batch allowance
/// (THEORY.md §2/§5d: 1-3% at c = 64, shrinking like c^{-1/2}, so about twice that at
/// c = 16), plus three standard errors.
pub const TOL_ONESTEP_GEN: f64 = 5e-2;

/// Dimension of the one-step rows.
pub const D_ONESTEP: usize = 600;
/// Seeds of the one-step rows.
pub const SEEDS_ONESTEP: [u64; 2] = [31, 32];
/// Overlap `<v, θ>²` vs `cos_c²`: absolute gap (THEORY.md §2: within 0.01 at d = 1200).
pub const TOL_OVERLAP: f64 = 3e-2;
/// One-step `m(z)` vs the spiked theory at `c = 16`: relative gap (THEORY.md §2 reports
/// 0.028 at c = 16 for ReLU with a tanh(2z) target, η̃ = 3; gaps shrink about 4× per 4× c).
pub const TOL_ONESTEP_M: f64 = 6e-2;

fn exp(activation: &str, groups: &[(f64, f64)], psi: f64, alpha: f64) -> Experiment {
    Experiment {
        activation: activation.into(),
        groups: Some(
            groups
                .iter()
                .map(|&(u, pi)| Group { u, pi, gamma: 1.0 })
                .collect(),
        ),
        psi,
        alpha,
        ..Experiment::default()
    }
}

/// The spectrum configurations.
pub fn spectrum_configs() -> Vec<(String, Experiment)> {
    vec![
        ("".into(), exp("relu", &[(0.0, 1.0)], 1.5, 2.0)),
        ("".into(), exp("relu", &[(0.5, 0.3), (3.0, 0.7)], 1.5, 2.0)),
        ("".into(), exp("tanh", &[(-2.0, 0.5), (2.0, 0.5)], 1.5, 2.0)),
        ("".into(), exp("tanh", &[(-2.0, 0.5), (2.0, 0.5)], 3.0, 2.0)),
    ]
}

/// Runs every row.
pub fn verification_rows(progress: &dyn Progress) -> Result<Vec<Row>> {
    let mut rows = Vec::new();
    let zs = [Complex64::new(-0.5, 0.0), Complex64::new(0.5, 0.5)];
    rows.extend(mp_rows(&zs, progress)?);
    for (label, e) in spectrum_configs() {
        let model = Model::new(&e)?;
        let sim = simulate_spectrum(&model, D_SPECTRUM, &SEEDS_SPECTRUM, &zs, progress)?;
        let config = if label.is_empty() {
            model.short()
        } else {
            format!(
                "{label}, psi={}, alpha={}",
                fmt_num(e.psi),
                fmt_num(e.alpha)
            )
        };
        rows.extend(spectrum_rows(&sim, &config));
    }
    let target = "hermite:0,1,0.7071067811865476";
    let risk_configs = vec![
        Experiment {
            target: target.into(),
            noise: 0.25,
            lambda: 0.1,
            ..exp("relu", &[(3.0, 1.0)], 0.5, 3.0)
        },
        Experiment {
            target: target.into(),
            noise: 0.1,
            lambda: 1.0,
            ..exp("relu", &[(-2.0, 0.5), (2.0, 0.5)], 1.0, 3.0)
        },
        Experiment {
            target: "tanh".into(),
            noise: 0.1,
            lambda: 0.1,
            ..exp("relu", &[(0.0, 1.0)], 2.0, 1.0)
        },
        Experiment {
            target: target.into(),
            noise: 0.1,
            lambda: 0.1,
            ..exp("tanh", &[(0.5, 0.3), (3.0, 0.7)], 1.0, 3.0)
        },
        // theta-rescaled spiked model (gamma != 1) from one step, eta = 3, a = +-1
        Experiment {
            target: target.into(),
            noise: 0.0,
            lambda: 0.1,
            groups: None,
            eta: Some(3.0),
            a_values: vec![1.0, -1.0],
            a_probs: Some(vec![0.5, 0.5]),
            psi: 1.0,
            alpha: 3.0,
            ..Experiment::default()
        },
    ];
    for e in &risk_configs {
        let model = Model::new(e)?;
        let cmp = compare_risk(&model, D_RISK, &SEEDS_RISK, N_TEST, progress)?;
        let config = format!(
            "{}, target={}, lambda={}, noise={}",
            model.short(),
            short_target(&e.target),
            fmt_num(e.lambda),
            fmt_num(e.noise)
        );
        rows.push(stat_row(
            "E_gen",
            &config,
            D_RISK,
            cmp.theory_gen,
            cmp.sim_gen,
            TOL_RISK,
        ));
        rows.push(stat_row(
            "E_train",
            &config,
            D_RISK,
            cmp.theory_train,
            cmp.sim_train,
            TOL_RISK,
        ));
    }
    // One step: ReLU, target z + He2/sqrt2, a = ±1, eta = 3, psi = 1.5, alpha = 2.
    let eta = 3.0;
    let e = Experiment {
        target: target.into(),
        eta: Some(eta),
        a_values: vec![1.0, -1.0],
        a_probs: Some(vec![0.5, 0.5]),
        psi: 1.5,
        alpha: 2.0,
        lambda: 0.1,
        ..Experiment::default()
    };
    let model = Model::new(&e)?;
    let os = one_step_equivalence(
        &model,
        eta,
        &[1.0, -1.0],
        &[4.0, 16.0],
        D_ONESTEP,
        &SEEDS_ONESTEP,
        &[Complex64::new(-0.5, 0.0)],
        N_TEST,
        progress,
    )?;
    let config = format!(
        "one step: relu, target=z+He2/sqrt2, eta={}, a=+-1",
        fmt_num(eta)
    );
    for pt in &os.points {
        let (ov, _) = crate::stats::mean_and_stderr(&pt.overlap);
        rows.push(Row::absolute(
            format!("overlap <v,theta>^2 vs cos_c^2, c={}", fmt_num(pt.c)),
            &config,
            D_ONESTEP,
            pt.overlap_theory,
            ov,
            (ov - pt.overlap_theory).abs(),
            TOL_OVERLAP,
        ));
    }
    if let Some(pt) = os.points.iter().find(|p| p.c == 16.0) {
        let m = &pt.m_onestep;
        let mean_re = m.iter().map(|v| v[0][0]).sum::<f64>() / m.len() as f64;
        let mut row = Row::relative(
            "m(-0.5): one-step network vs spiked theory, c=16",
            &config,
            D_ONESTEP,
            os.m_theory[0][0],
            mean_re,
            TOL_ONESTEP_M,
        );
        row.gap = pt.m_gap[0];
        row.pass = row.gap <= TOL_ONESTEP_M;
        rows.push(row);
        rows.push(stat_row(
            "E_gen: one-step network vs theta-rescaled theory, c=16",
            &config,
            D_ONESTEP,
            os.e_gen_theory,
            pt.e_gen,
            TOL_ONESTEP_GEN,
        ));
    }
    Ok(rows)
}

fn short_target(t: &str) -> String {
    if t == "hermite:0,1,0.7071067811865476" {
        "z+He2/sqrt2".into()
    } else {
        t.into()
    }
}

/// Marchenko-Pastur closed form (giantstep-stieltjes) vs i.i.d. Gaussian `F` (p = 500,
/// n = 1000, variance 1): `m(z)`, Kolmogorov distance, largest eigenvalue vs the edge
/// `(1 + √γ)²` (Tracy-Widom scale p^{-2/3} ≈ 1.6%).
pub fn mp_rows(zs: &[Complex64], progress: &dyn Progress) -> Result<Vec<Row>> {
    use crate::error::Error;
    use giantstep_stieltjes::marchenko_pastur as mp;
    let (p, n) = (500usize, 1000usize);
    let gamma = p as f64 / n as f64;
    let seeds = SEEDS_SPECTRUM;
    let config = format!("MP, iid N(0,1) F, p={p}, n={n}");
    let st = Error::stieltjes;
    progress.start("simulation: Marchenko-Pastur", seeds.len() as u64);
    let mut evs = Vec::new();
    let mut workspace = giantstep_spiked::spectrum::CovarianceWorkspace::new();
    for &s in &seeds {
        let f = giantstep_spiked::sampling::gaussian_data(p, n, s)
            .map_err(|e| Error::kernel("spiked", e))?;
        evs.push(
            workspace
                .covariance_eigenvalues(f.as_ref())
                .map_err(|e| Error::kernel("spiked", e))?,
        );
        progress.inc(1);
    }
    let mut rows = Vec::new();
    for &z in zs {
        let th = mp::stieltjes(z, gamma, 1.0).map_err(st)?;
        let sims: Vec<Complex64> = evs
            .iter()
            .map(|ev| giantstep_spiked::spectrum::empirical_stieltjes(ev, z))
            .collect();
        let mean = sims.iter().sum::<Complex64>() / sims.len() as f64;
        let mut row = Row::relative(
            format!("|m(z)|, z={}{:+}i", z.re, z.im),
            &config,
            p,
            th.norm(),
            mean.norm(),
            crate::checks::TOL_M_GAUSSIAN,
        );
        row.gap = crate::checks::complex_gap(th, mean);
        row.pass = row.gap <= row.tolerance;
        rows.push(row);
    }
    let (lo, hi) = mp::edges(gamma, 1.0).map_err(st)?;
    let grid: Vec<f64> = (0..=2000)
        .map(|i| lo + (hi - lo) * i as f64 / 2000.0)
        .collect();
    let dens: Vec<f64> = grid
        .iter()
        .map(|&x| mp::density(x, gamma, 1.0))
        .collect::<std::result::Result<_, _>>()
        .map_err(st)?;
    let cdf = crate::stats::cdf_from_density(&grid, &dens, 0.0);
    let ks: Vec<f64> = evs
        .iter()
        .map(|ev| crate::stats::kolmogorov_distance(ev, &cdf))
        .collect();
    let (k, _) = crate::stats::mean_and_stderr(&ks);
    rows.push(Row::absolute(
        "Kolmogorov(density, eigenvalues)",
        &config,
        p,
        0.0,
        k,
        k,
        crate::checks::TOL_KOLMOGOROV,
    ));
    let tops: Vec<f64> = evs.iter().map(|ev| ev[ev.len() - 1]).collect();
    let (top, _) = crate::stats::mean_and_stderr(&tops);
    rows.push(Row::relative(
        "largest eigenvalue vs edge (1+sqrt(gamma))^2",
        &config,
        p,
        hi,
        top,
        crate::checks::TOL_EDGE,
    ));
    Ok(rows)
}
