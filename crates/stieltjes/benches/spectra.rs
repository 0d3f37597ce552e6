//! Benchmarks: one `m(z)` (cold start) for r ∈ {1, 2, 4} and K ∈ {40, 100} κ-nodes, and a
//! 1000-point density curve for r = 2 (K ∈ {40, 100, 160}).
//!
//! Run: `cargo bench -p giantstep-stieltjes --bench spectra -- --warm-up-time 1 --measurement-time 3`.
//!
//! Cost model (see `density` module docs): one evaluation of the map is `O(K m)` with
//! `m = r(r+1)/2 + r`; a Newton step adds `O(K m²/2 + n(r³ + m²))`, `n = r + r(r+1)/2`.
//! A density point costs ≈ 5.6 evaluations + 0.35 Newton steps (chord steps reuse the
//! previous point's Jacobian).

use criterion::{Criterion, criterion_group, criterion_main};
use giantstep_hermite::Activation;
use giantstep_stieltjes::{DensityConfig, SolverConfig, SpikedProblem, Workspace};
use num_complex::Complex64 as C64;
use std::hint::black_box;

fn problem(r: usize, k: usize) -> SpikedProblem {
    let u: Vec<f64> = (0..r)
        .map(|a| if a % 2 == 0 { 1.0 } else { -1.0 } * 2.0 * (a / 2 + 1) as f64)
        .collect();
    let pi = vec![1.0 / r as f64; r];
    SpikedProblem::from_activation(&Activation::Tanh, &u, pi, 1.5, 2.0, k).unwrap()
}

fn bench_m(c: &mut Criterion) {
    let mut g = c.benchmark_group("m_of_z");
    for &r in &[1usize, 2, 4] {
        for &k in &[40usize, 100] {
            let p = problem(r, k);
            let z = C64::new(0.5, 0.5);
            g.bench_function(format!("cold r={r} K={k}"), |b| {
                b.iter(|| black_box(p.solve(black_box(z)).unwrap().m))
            });
            // warm start from the solution at a nearby z (the situation of a sweep)
            let near = p.solve(C64::new(0.51, 0.5)).unwrap();
            let cfg = SolverConfig::default();
            let mut ws = Workspace::new(&p);
            g.bench_function(format!("warm r={r} K={k}"), |b| {
                b.iter(|| {
                    black_box(
                        p.solve_in(black_box(z), Some(&near), &cfg, &mut ws)
                            .unwrap()
                            .m,
                    )
                })
            });
        }
    }
    g.finish();
}

fn bench_density(c: &mut Criterion) {
    let mut g = c.benchmark_group("density_1000");
    let cfg = DensityConfig::default();
    for &k in &[40usize, 100, 160] {
        let p = problem(2, k);
        let edge = p.right_edge(&cfg).unwrap();
        let grid: Vec<f64> = (0..1000)
            .map(|i| 1.05 * edge * (i as f64 + 0.5) / 1000.0)
            .collect();
        let mut ws = Workspace::new(&p);
        g.bench_function(format!("r=2 K={k}"), |b| {
            b.iter(|| black_box(p.density_in(black_box(&grid), &cfg, &mut ws).unwrap().rho[500]))
        });
    }
    g.finish();
}

criterion_group!(benches, bench_m, bench_density);
criterion_main!(benches);
