//! End-to-end benchmarks of the integration layer: experiment description in, result out.
//! `cargo bench -p giantstep` (medians go into the README's table).

use criterion::{Criterion, criterion_group, criterion_main};
use giantstep::config::{Experiment, Group};
use giantstep::experiments::{risk, simulation, spectrum};
use giantstep::model::Model;
use giantstep::parse;
use giantstep::progress::Silent;
use giantstep_stieltjes::{Density, DensityConfig, SpikedProblem};
use num_complex::Complex64;
use std::hint::black_box;

fn model(groups: &[(f64, f64)]) -> Model {
    let e = Experiment {
        activation: "relu".into(),
        groups: Some(
            groups
                .iter()
                .map(|&(u, pi)| Group { u, pi, gamma: 1.0 })
                .collect(),
        ),
        psi: 1.5,
        alpha: 2.0,
        ..Experiment::default()
    };
    Model::new(&e).expect("valid experiment")
}

fn benches(c: &mut Criterion) {
    let rf = model(&[(0.0, 1.0)]);
    let spiked = model(&[(0.5, 0.3), (3.0, 0.7)]);
    c.bench_function("stieltjes_point_relu_r2_from_experiment", |b| {
        b.iter(|| spectrum::stieltjes(black_box(&spiked), Complex64::new(0.5, 0.5)).unwrap())
    });
    let mut g = c.benchmark_group("slow");
    g.sample_size(10);
    g.bench_function("theory_spectrum_relu_r2_800_points", |b| {
        b.iter(|| spectrum::theory_spectrum(black_box(&spiked), None, &Silent).unwrap())
    });
    g.bench_function("risk_point_relu_r2", |b| {
        b.iter(|| risk::risk(black_box(&spiked)).unwrap())
    });
    g.bench_function("simulated_draw_relu_u0_d400", |b| {
        b.iter(|| simulation::draw(black_box(&rf), 400, 1).unwrap())
    });
    g.finish();
    // The goals of issue 15 (README "Speed of the whole call"): the CLI's density command
    // as one library call, one risk point and a 100-point learning curve (warm starts).
    let e = Experiment {
        activation: "relu".into(),
        eta: Some(3.0),
        psi: 1.0,
        alpha: 2.0,
        ..Experiment::default()
    };
    let stepped = Model::new(&e).expect("valid experiment");
    let grid = parse::parse_grid("grid", "0:5:1000").expect("grid");
    let mut g = c.benchmark_group("goals");
    g.sample_size(20);
    g.bench_function("density_command_relu_eta3_1000_points", |b| {
        b.iter(|| spectrum::theory_spectrum(black_box(&stepped), Some(&grid), &Silent).unwrap())
    });
    let curve = Model::new(&Experiment {
        target: "tanh".into(),
        noise: 0.1,
        psi: 1.0,
        ..e.clone()
    })
    .expect("valid experiment");
    g.bench_function("risk_point_relu_eta3_r2", |b| {
        b.iter(|| risk::risk(black_box(&curve)).unwrap())
    });
    let alphas: Vec<f64> = (0..100).map(|i| 0.25 + 3.75 * i as f64 / 99.0).collect();
    g.bench_function("risk_curve_100_alpha_warm", |b| {
        b.iter(|| risk::curve_alpha(black_box(&curve), "bench", &alphas, &Silent).unwrap())
    });
    g.finish();
    // The anchor's problem: the density kernel alone on the density command's profile tables,
    // and those tables written for benches/anchor_density.py (run next by `cargo xtask bench`).
    let problem = stepped.spectral_problem().expect("spectral problem");
    let cfg = DensityConfig::default();
    write_anchor_problem(
        &problem,
        &grid,
        &problem.density(&grid, &cfg).expect("density"),
    );
    let mut g = c.benchmark_group("anchor");
    g.sample_size(20);
    g.bench_function("density_kernel_relu_eta3_1000_points", |b| {
        b.iter(|| black_box(&problem).density(&grid, &cfg).unwrap())
    });
    g.finish();
}

/// `target/anchor/density_problem.json`: the profile tables, `π, ψ, α`, the grid, `η` and
/// this crate's `ρ` (which the anchor must reproduce).
fn write_anchor_problem(p: &SpikedProblem, grid: &[f64], dens: &Density) {
    let prof = p.profile();
    let (k, r) = (prof.len(), prof.groups());
    let table = |f: &dyn Fn(usize, usize) -> f64| -> Vec<Vec<f64>> {
        (0..k)
            .map(|kk| (0..r).map(|a| f(kk, a)).collect())
            .collect()
    };
    let json = serde_json::json!({
        "weights": prof.weights(),
        "d": table(&|kk, a| prof.d(kk, a)),
        "e2": table(&|kk, a| prof.e2(kk, a)),
        "pi": p.pi(),
        "psi": p.psi(),
        "alpha": p.alpha(),
        "eta": dens.eta,
        "x": grid,
        "rho": dens.rho,
    });
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("target/anchor");
    std::fs::create_dir_all(&dir).expect("target/anchor");
    std::fs::write(dir.join("density_problem.json"), json.to_string()).expect("write");
}

criterion_group! {
    name = all;
    // plotters is built with `ab_glyph` here (feature unification with the figures), so
    // criterion's plots need the embedded font registered.
    config = {
        giantstep::plot::register_fonts();
        Criterion::default()
    };
    targets = benches
}
criterion_main!(all);
