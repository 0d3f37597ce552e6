//! One giant step at d = 1000, p = 1500, n0 = 8 d (ReLU, σ* = He1 + He2/√2, η̃ = 2).
//!
//! `cargo bench -p giantstep-spiked --bench onestep -- --warm-up-time 1 --measurement-time 3`

use criterion::{Criterion, criterion_group, criterion_main};
use giantstep_hermite::Activation;
use giantstep_spiked::network::{GroupSampling, Initialization, Network};
use giantstep_spiked::onestep::{OneStepConfig, one_step};
use giantstep_spiked::sampling::{SecondLayerLaw, unit_direction};
use std::hint::black_box;

fn step(c: &mut Criterion) {
    let (d, p) = (1000, 1500);
    let net = Network::sample(
        p,
        d,
        &SecondLayerLaw::rademacher(),
        Initialization::Symmetric,
        GroupSampling::Exact,
        1,
    )
    .unwrap();
    let theta = unit_direction(d, 2).unwrap();
    let target = Activation::hermite(vec![0.0, 1.0, std::f64::consts::FRAC_1_SQRT_2]).unwrap();
    let cfg = OneStepConfig::new(2.0, 8 * d);
    let mut group = c.benchmark_group("one_step");
    group.sample_size(10);
    group.bench_function("d=1000,p=1500,n0=8d", |b| {
        b.iter(|| black_box(one_step(&net, &theta, &Activation::Relu, &target, &cfg, 3).unwrap()))
    });
    group.finish();
}

criterion_group!(benches, step);
criterion_main!(benches);
