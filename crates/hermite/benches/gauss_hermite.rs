//! Gauss-Hermite nodes and weights for K ∈ {20, 100, 1000, 10000}.
//! Reference: `benches/scipy_reference.py` times `scipy.special.roots_hermitenorm(K)`.

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use giantstep_hermite::quadrature::{GaussHermite, GhAlgorithm};
use std::hint::black_box;

fn bench_gauss_hermite(c: &mut Criterion) {
    let mut group = c.benchmark_group("gauss_hermite");
    for k in [20usize, 100, 1000, 10_000] {
        group.bench_with_input(BenchmarkId::new("auto", k), &k, |b, &k| {
            b.iter(|| GaussHermite::new(black_box(k)).unwrap())
        });
        group.bench_with_input(BenchmarkId::new("glaser_liu_rokhlin", k), &k, |b, &k| {
            b.iter(|| {
                GaussHermite::with_algorithm(black_box(k), GhAlgorithm::GlaserLiuRokhlin).unwrap()
            })
        });
        if k <= 1000 {
            group.bench_with_input(BenchmarkId::new("golub_welsch", k), &k, |b, &k| {
                b.iter(|| {
                    GaussHermite::with_algorithm(black_box(k), GhAlgorithm::GolubWelsch).unwrap()
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench_gauss_hermite);
criterion_main!(benches);
