//! Same seed → bit-identical results, whatever the number of rayon threads and however the
//! data are chunked.
//!
//! `fingerprint_child` computes a hash of the bits of every stage (sampling, features,
//! eigenvalues, one-step update, ridge, streamed test error); the parent test runs it in
//! subprocesses with `RAYON_NUM_THREADS=1` and `2` and compares.

use giantstep_hermite::Activation;
use giantstep_spiked::features::features;
use giantstep_spiked::network::{GroupSampling, Initialization, Network};
use giantstep_spiked::onestep::{OneStepConfig, one_step, step_diagnostics};
use giantstep_spiked::ridge::{ridge, test_error};
use giantstep_spiked::sampling::{
    SecondLayerLaw, gaussian_columns, gaussian_data, labeled_chunk, sphere_rows, unit_direction,
};
use giantstep_spiked::spectrum::covariance_eigenvalues;
use std::process::Command;

const CHILD_ENV: &str = "GIANTSTEP_SPIKED_FINGERPRINT_CHILD";

fn fnv(hash: &mut u64, values: impl IntoIterator<Item = f64>) {
    for v in values {
        for b in v.to_bits().to_le_bytes() {
            *hash ^= b as u64;
            *hash = hash.wrapping_mul(0x0000_0100_0000_01B3);
        }
    }
}

fn mat_values(m: &faer::Mat<f64>) -> Vec<f64> {
    (0..m.ncols())
        .flat_map(|j| (0..m.nrows()).map(move |i| m[(i, j)]))
        .collect()
}

/// Hashes of each stage, in order.
fn fingerprint() -> Vec<(&'static str, u64)> {
    let mut out = Vec::new();
    let mut push = |name: &'static str, values: Vec<f64>| {
        let mut h = 0xcbf2_9ce4_8422_2325u64;
        fnv(&mut h, values);
        out.push((name, h));
    };
    // Sizes above the parallel thresholds of every kernel (symv tasks start at 384).
    let (d, p, n) = (300, 520, 450);
    let theta = unit_direction(d, 1).unwrap();
    push("theta", theta.clone());
    let x = gaussian_data(d, n, 2).unwrap();
    push("data", mat_values(&x));
    let w = sphere_rows(p, d, 3).unwrap();
    push("sphere", mat_values(&w));
    let f = features(w.as_ref(), x.as_ref(), f64::tanh).unwrap();
    push("features", mat_values(&f));
    push(
        "eigenvalues p>n",
        covariance_eigenvalues(f.as_ref()).unwrap(),
    );
    let f2 = features(w.as_ref().subrows(0, 440), x.as_ref(), f64::tanh).unwrap();
    push(
        "eigenvalues p<n",
        covariance_eigenvalues(f2.as_ref()).unwrap(),
    );
    let law = SecondLayerLaw::new(vec![-1.0, 0.5, 2.0], vec![0.2, 0.5, 0.3]).unwrap();
    let net =
        Network::sample(p, d, &law, Initialization::Symmetric, GroupSampling::Iid, 4).unwrap();
    push(
        "network",
        mat_values(&net.w)
            .into_iter()
            .chain(net.a.iter().copied())
            .collect(),
    );
    let target = Activation::hermite(vec![0.0, 1.0, std::f64::consts::FRAC_1_SQRT_2]).unwrap();
    let mut cfg = OneStepConfig::new(2.0, 4 * d);
    cfg.chunk = 256;
    cfg.delta = 0.1;
    let w1 = one_step(&net, &theta, &Activation::Relu, &target, &cfg, 5).unwrap();
    push("one step", mat_values(&w1));
    let diag = step_diagnostics(
        net.w(),
        w1.as_ref(),
        &theta,
        &net.a,
        &Activation::Relu,
        &target,
        &cfg,
    )
    .unwrap();
    push(
        "diagnostics",
        diag.right
            .iter()
            .chain(&diag.left)
            .copied()
            .chain([diag.singular_value, diag.overlap])
            .collect(),
    );
    let train = labeled_chunk(&theta, |k| target.eval(k), 0.1, 0, n, 6).unwrap();
    push(
        "labels",
        train.y.iter().chain(&train.kappa).copied().collect(),
    );
    let ft = features(w1.as_ref(), train.x.as_ref(), |z| z.max(0.0)).unwrap();
    let fit = ridge(ft.as_ref(), &train.y, 0.05).unwrap();
    push(
        "ridge",
        fit.beta.iter().copied().chain([fit.train_error]).collect(),
    );
    let e = test_error(
        w1.as_ref(),
        &fit.beta,
        &theta,
        &Activation::Relu,
        &target,
        0.1,
        3000,
        1024,
        7,
    )
    .unwrap();
    push("test error", vec![e.mean, e.std_error]);
    out
}

#[test]
fn fingerprint_child() {
    if std::env::var(CHILD_ENV).is_err() {
        return; // only meaningful when spawned by `results_identical_with_1_and_2_threads`
    }
    for (name, h) in fingerprint() {
        println!("FINGERPRINT {name}: {h:016x}");
    }
}

fn run_child(threads: usize) -> Vec<String> {
    let exe = std::env::current_exe().unwrap();
    let out = Command::new(exe)
        .args([
            "--exact",
            "fingerprint_child",
            "--nocapture",
            "--test-threads",
            "1",
        ])
        .env(CHILD_ENV, "1")
        .env("RAYON_NUM_THREADS", threads.to_string())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "child failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| l.find("FINGERPRINT").map(|i| l[i..].to_string()))
        .collect();
    assert_eq!(lines.len(), 12, "unexpected child output: {lines:?}");
    lines
}

#[test]
fn results_identical_with_1_and_2_threads() {
    let one = run_child(1);
    let two = run_child(2);
    for (a, b) in one.iter().zip(&two) {
        assert_eq!(a, b, "stage differs between RAYON_NUM_THREADS=1 and 2");
    }
    // ... and identical to this process (default pool).
    let here: Vec<String> = fingerprint()
        .into_iter()
        .map(|(name, h)| format!("FINGERPRINT {name}: {h:016x}"))
        .collect();
    assert_eq!(one, here);
}

#[test]
fn chunked_sampling_is_bit_identical_to_one_draw() {
    let d = 37;
    let all = gaussian_columns(d, 0, 100, 9).unwrap();
    let mut start = 0;
    for len in [1usize, 15, 16, 17, 51] {
        let part = gaussian_columns(d, start as u64, len, 9).unwrap();
        for j in 0..len {
            for i in 0..d {
                assert_eq!(part[(i, j)].to_bits(), all[(i, start + j)].to_bits());
            }
        }
        start += len;
    }
    // labelled chunks draw the same inputs
    let theta = unit_direction(d, 1).unwrap();
    let lab = labeled_chunk(&theta, |k| k, 0.5, 10, 20, 9).unwrap();
    for j in 0..20 {
        for i in 0..d {
            assert_eq!(lab.x[(i, j)].to_bits(), all[(i, 10 + j)].to_bits());
        }
    }
}

#[test]
fn different_seeds_give_different_data() {
    let a = gaussian_data(5, 5, 1).unwrap();
    let b = gaussian_data(5, 5, 2).unwrap();
    assert_ne!(a[(0, 0)], b[(0, 0)]);
}
