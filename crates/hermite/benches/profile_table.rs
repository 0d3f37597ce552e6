//! A spiked-model profile table (THEORY.md §4): `d_a(κ) = μ1(u_a κ)`, `e_a(κ)² = μ*(u_a κ)²`
//! for 4 spikes `u_a` and 200 Gauss-Hermite κ-nodes (800 shifts), with K = 100 inner nodes.

use criterion::{Criterion, criterion_group, criterion_main};
use giantstep_hermite::activation::Activation;
use giantstep_hermite::quadrature::GaussHermite;
use giantstep_hermite::shifted::{Method, ShiftedCoefficients};
use std::hint::black_box;

fn shifts() -> Vec<f64> {
    let kappa = GaussHermite::new(200).unwrap();
    let u = [0.5, 1.0, 2.0, 3.0];
    u.iter()
        .flat_map(|&ua| kappa.nodes().iter().map(move |&k| ua * k))
        .collect()
}

fn bench_profile(c: &mut Criterion) {
    let cs = shifts();
    let mut group = c.benchmark_group("profile_table_4x200");
    let cases = [
        (
            "tanh_gh100",
            Activation::Tanh,
            Method::GaussHermite { nodes: 100 },
        ),
        (
            "relu_gh100",
            Activation::Relu,
            Method::GaussHermite { nodes: 100 },
        ),
        ("relu_closed_form", Activation::Relu, Method::Auto),
        ("relu_kink_aware", Activation::Relu, Method::Quadrature),
        ("erf_closed_form", Activation::Erf, Method::Auto),
    ];
    for (name, act, method) in cases {
        let sc = ShiftedCoefficients::with_options(act, 1, 1.0, method).unwrap();
        group.bench_function(name, |b| {
            b.iter(|| {
                let t = sc.eval_many(black_box(&cs)).unwrap();
                (t.mu(0, 1), t.mu_star_sq()[0])
            })
        });
    }
    // including construction (rule + Hermite table)
    group.bench_function("tanh_gh100_with_setup", |b| {
        b.iter(|| {
            let sc = ShiftedCoefficients::with_options(
                Activation::Tanh,
                1,
                1.0,
                Method::GaussHermite { nodes: 100 },
            )
            .unwrap();
            sc.eval_many(black_box(&cs)).unwrap().mu_star_sq()[0]
        })
    });
    group.finish();
}

criterion_group!(benches, bench_profile);
criterion_main!(benches);
