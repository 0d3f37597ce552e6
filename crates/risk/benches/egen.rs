//! One `E_gen` evaluation (THEORY.md §5b) for r ∈ {1, 2, 4} groups, 200 κ-nodes (default
//! rule), ReLU features, target z + He2/√2, ψ = 0.5, α = 3, λ = 0.1, Δ = 0.25:
//! - `full`: profile table from the activation + spectral fixed point + assembly;
//! - `spectral+assembly`: from a prebuilt profile table (what λ/α sweeps cost per point);
//! - `assembly`: from a prebuilt profile and spectral point.
//!
//! Plus node scaling for r = 2 (100..800 nodes). Run: `cargo bench -p giantstep-risk`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use giantstep_hermite::Activation;
use giantstep_risk::problem::{solve_profile, spectral_point};
use giantstep_risk::{Group, KappaQuadrature, RiskProblem, assemble};
use std::hint::black_box;

fn problem(r: usize, nodes_per_piece: usize) -> RiskProblem {
    let groups = match r {
        1 => vec![Group::plain(3.0, 1.0)],
        2 => vec![Group::plain(0.5, 0.3), Group::plain(3.0, 0.7)],
        _ => (0..r)
            .map(|a| Group::plain(-2.0 + 5.0 * a as f64 / (r - 1) as f64, 1.0 / r as f64))
            .collect(),
    };
    let mut p = RiskProblem::new(
        Activation::Relu,
        Activation::Hermite(vec![0.0, 1.0, std::f64::consts::FRAC_1_SQRT_2]),
        0.25,
        groups,
        0.5,
        3.0,
        0.1,
    );
    p.quadrature = KappaQuadrature::PiecewiseLegendre {
        nodes_per_piece,
        cutoff: 10.0,
        extra_breakpoints: vec![],
    };
    p
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("egen_200_nodes");
    for r in [1usize, 2, 4] {
        let p = problem(r, 10);
        let prof = p.profile().unwrap();
        let sp = spectral_point(&prof, p.psi, p.alpha, p.lambda, &p.solver, None).unwrap();
        g.bench_with_input(BenchmarkId::new("full", r), &p, |b, p| {
            b.iter(|| black_box(p.solve().unwrap().e_gen))
        });
        g.bench_with_input(
            BenchmarkId::new("spectral+assembly", r),
            &prof,
            |b, prof| {
                b.iter(|| {
                    black_box(
                        solve_profile(prof, p.psi, p.alpha, p.lambda, p.noise, &p.solver, None)
                            .unwrap()
                            .e_gen,
                    )
                })
            },
        );
        g.bench_with_input(BenchmarkId::new("assembly", r), &sp, |b, sp| {
            b.iter(|| black_box(assemble(&prof, sp, p.psi, p.alpha, p.noise).unwrap().e_gen))
        });
    }
    g.finish();
    let mut g = c.benchmark_group("egen_r2_nodes");
    for npp in [5usize, 10, 20, 40] {
        let p = problem(2, npp);
        let nodes = p.profile().unwrap().n_nodes();
        g.bench_with_input(BenchmarkId::new("full", nodes), &p, |b, p| {
            b.iter(|| black_box(p.solve().unwrap().e_gen))
        });
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = Criterion::default().sample_size(20).warm_up_time(std::time::Duration::from_millis(300)).measurement_time(std::time::Duration::from_secs(1));
    targets = bench
}
criterion_main!(benches);
