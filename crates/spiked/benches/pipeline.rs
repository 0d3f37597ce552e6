//! Features + covariance + all eigenvalues (values only) at p = n = 1000 and 2000, d = 1000:
//! the work of `benches/numpy_reference.py` (same sizes, ReLU, eigvalsh). Two variants:
//! `fresh` allocates the features and the covariance on every call (`features`,
//! `covariance_eigenvalues`); `reuse` keeps them between calls (`features_into`,
//! `CovarianceWorkspace`), as a loop over seeds would.
//!
//! `cargo bench -p giantstep-spiked --bench pipeline -- --warm-up-time 1 --measurement-time 3`

use criterion::{Criterion, criterion_group, criterion_main};
use faer::Mat;
use giantstep_spiked::features::{features, features_into};
use giantstep_spiked::sampling::{gaussian_data, sphere_rows};
use giantstep_spiked::spectrum::{CovarianceWorkspace, covariance_eigenvalues};
use std::hint::black_box;

fn pipeline(c: &mut Criterion) {
    let mut group = c.benchmark_group("features_covariance_eigenvalues");
    group.sample_size(10);
    let d = 1000;
    for size in [1000usize, 2000] {
        let w = sphere_rows(size, d, 1).unwrap();
        let x = gaussian_data(d, size, 2).unwrap();
        group.bench_function(format!("fresh/p=n={size},d={d}"), |b| {
            b.iter(|| {
                let f = features(w.as_ref(), x.as_ref(), |z| z.max(0.0)).unwrap();
                black_box(covariance_eigenvalues(f.as_ref()).unwrap())
            })
        });
        let (mut f, mut workspace) = (Mat::new(), CovarianceWorkspace::new());
        group.bench_function(format!("reuse/p=n={size},d={d}"), |b| {
            b.iter(|| {
                features_into(w.as_ref(), x.as_ref(), |z| z.max(0.0), &mut f).unwrap();
                black_box(workspace.covariance_eigenvalues(f.as_ref()).unwrap())
            })
        });
    }
    group.finish();
}

criterion_group!(benches, pipeline);
criterion_main!(benches);
