//! The eigenvalues against faer's `self_adjoint_eigenvalues` (an independent one-level
//! solver) on seeded matrices: every size around the block edges of the reduction (panel
//! width 32, packed blocks of 32, the parallel threshold 384, row chunks of 256, the last
//! panel of at most 33 columns), several kinds of spectrum (indefinite Gaussian, Wishart,
//! low rank, repeated eigenvalues), and random sizes under proptest. Agreement: `1e-12`
//! times the largest eigenvalue in absolute value.

use faer::{Mat, Par, Side};
use proptest::prelude::*;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// Eigenvalues of the symmetric matrix `a` (full storage), ascending, by faer.
fn faer_eigenvalues(a: &Mat<f64>) -> Vec<f64> {
    let mut ev: Vec<f64> = a
        .self_adjoint_eigenvalues(Side::Lower)
        .expect("faer converges")
        .into_iter()
        .collect();
    ev.sort_by(f64::total_cmp);
    ev
}

/// Kinds of test matrix, all symmetric, built from a seeded generator.
#[derive(Debug, Clone, Copy)]
enum Kind {
    /// `(G + Gᵀ)/2` with Gaussian-like entries: eigenvalues of both signs.
    Indefinite,
    /// `G Gᵀ/k` with `G` n×(2n): a Wishart matrix.
    Wishart,
    /// `G Gᵀ` with `G` n×3: rank 3, `n − 3` zero eigenvalues.
    LowRank,
    /// `I + 1 1ᵀ`: eigenvalue 1 repeated `n − 1` times and `n + 1`.
    Repeated,
}

fn matrix(kind: Kind, n: usize, seed: u64) -> Mat<f64> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut gaussian = |rows: usize, cols: usize| {
        Mat::<f64>::from_fn(rows, cols, |_, _| {
            // sum of uniforms: symmetric, light-tailed
            (0..4).map(|_| rng.random::<f64>() - 0.5).sum::<f64>()
        })
    };
    match kind {
        Kind::Indefinite => {
            let g = gaussian(n, n);
            Mat::from_fn(n, n, |i, j| 0.5 * (g[(i, j)] + g[(j, i)]))
        }
        Kind::Wishart => {
            let g = gaussian(n, 2 * n);
            &g * g.transpose() * (1.0 / (2 * n) as f64)
        }
        Kind::LowRank => {
            let g = gaussian(n, 3.min(n));
            &g * g.transpose()
        }
        Kind::Repeated => Mat::from_fn(n, n, |i, j| if i == j { 2.0 } else { 1.0 }),
    }
}

fn check(kind: Kind, n: usize, seed: u64) {
    let a = matrix(kind, n, seed);
    let want = faer_eigenvalues(&a);
    for par in [Par::Seq, Par::rayon(2)] {
        let got = giantstep_symeig::eigenvalues(a.as_ref(), par).expect("eigenvalues");
        assert_eq!(got.len(), n);
        let scale = want.iter().fold(1e-300f64, |m, v| m.max(v.abs()));
        for (i, (g, w)) in got.iter().zip(&want).enumerate() {
            assert!(
                (g - w).abs() <= 1e-12 * scale,
                "{kind:?} n = {n} seed {seed} par {par:?}: eigenvalue {i}: {g} vs faer {w}"
            );
        }
    }
}

#[test]
fn every_block_edge_size_matches_faer() {
    every_block_edge_size();
}

/// The portable kernels (selected by `GIANTSTEP_SYMEIG_PORTABLE=1`) over the same sizes: this
/// test re-runs this test binary with the variable set, filtered to
/// `portable_child_every_block_edge_size`, which is a no-op unless the variable is set.
#[test]
fn portable_fallback_matches_faer_on_every_block_edge_size() {
    let exe = std::env::current_exe().expect("test binary path");
    let out = std::process::Command::new(exe)
        .args([
            "--exact",
            "portable_child_every_block_edge_size",
            "--nocapture",
        ])
        .env(giantstep_symeig::PORTABLE_ENV, "1")
        .output()
        .expect("re-run the test binary");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "portable run failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("portable path checked"),
        "child did not run:\n{stdout}"
    );
}

#[test]
fn portable_child_every_block_edge_size() {
    if std::env::var_os(giantstep_symeig::PORTABLE_ENV).is_some_and(|v| v == "1") {
        assert!(
            !giantstep_symeig::accelerated(),
            "the variable must select the portable path"
        );
        every_block_edge_size();
        println!("portable path checked");
    }
}

fn every_block_edge_size() {
    let sizes = [
        1usize, 2, 3, 4, 5, 31, 32, 33, 34, 35, 36, 63, 64, 65, 66, 67, 95, 96, 97, 98, 255, 256,
        257, 258, 383, 384, 385, 386, 417, 418, 449, 513,
    ];
    for (k, &n) in sizes.iter().enumerate() {
        check(Kind::Wishart, n, 100 + k as u64);
        check(Kind::Indefinite, n, 200 + k as u64);
    }
}

#[test]
fn low_rank_and_repeated_spectra_match_faer() {
    for &n in &[1usize, 2, 7, 33, 64, 65, 130, 390] {
        check(Kind::LowRank, n, n as u64);
        check(Kind::Repeated, n, 0);
    }
}

#[test]
fn zero_matrix_has_zero_eigenvalues_and_bad_input_is_an_error() {
    let z = Mat::<f64>::zeros(40, 40);
    let ev = giantstep_symeig::eigenvalues(z.as_ref(), Par::Seq).unwrap();
    assert!(ev.iter().all(|&v| v == 0.0));
    let mut short = vec![0.0; 5];
    assert!(matches!(
        giantstep_symeig::eigenvalues_lower_in_place(&mut short, 3, Par::Seq),
        Err(giantstep_symeig::SymEigError::DimensionMismatch {
            expected: 9,
            got: 5
        })
    ));
    let rect = Mat::<f64>::zeros(3, 4);
    assert!(giantstep_symeig::eigenvalues(rect.as_ref(), Par::Seq).is_err());
    let mut nan = Mat::<f64>::zeros(4, 4);
    nan[(2, 1)] = f64::NAN;
    assert_eq!(
        giantstep_symeig::eigenvalues(nan.as_ref(), Par::Seq),
        Err(giantstep_symeig::SymEigError::NonFinite)
    );
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn random_sizes_and_seeds_match_faer(n in 1usize..160, seed in any::<u64>(), kind in 0u8..3) {
        let kind = [Kind::Indefinite, Kind::Wishart, Kind::LowRank][kind as usize];
        check(kind, n, seed);
    }

    /// The trace is the sum of the eigenvalues.
    #[test]
    fn eigenvalues_sum_to_the_trace(n in 1usize..120, seed in any::<u64>()) {
        let a = matrix(Kind::Indefinite, n, seed);
        let ev = giantstep_symeig::eigenvalues(a.as_ref(), Par::Seq).unwrap();
        let trace: f64 = (0..n).map(|i| a[(i, i)]).sum();
        let scale: f64 = ev.iter().map(|v| v.abs()).sum::<f64>().max(1.0);
        prop_assert!((ev.iter().sum::<f64>() - trace).abs() <= 1e-12 * scale);
    }
}
