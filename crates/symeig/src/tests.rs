//! Unit tests of the internals: the blocked product on any window, column ranges of the
//! symmetric product, bit-identity of the row-split combinations, the strict upper triangle
//! never read, and independence of the parallelism degree.

use crate::kernels::{Kernels, Portable, subtract_combination};
use crate::packed::PackedLower;
use crate::reduction::{COMBINATION_CHUNK, SYMV_PAR_MIN, subtract_combination_par};
use crate::{eigenvalues_lower_in_place, lower_to_buffer};
use faer::Par;
use faer::dyn_stack::{MemBuffer, MemStack};
use faer::linalg::evd::{ComputeEigenvectors, self_adjoint_evd, self_adjoint_evd_scratch};
use rand::RngExt;
use rand::SeedableRng;

/// Reference: faer's one-level self-adjoint eigenvalue solver.
fn faer_eigenvalues(a: &faer::Mat<f64>) -> Vec<f64> {
    let n = a.nrows();
    let mut s = faer::Col::<f64>::zeros(n);
    let par = Par::Seq;
    let mut mem = MemBuffer::new(self_adjoint_evd_scratch::<f64>(
        n,
        ComputeEigenvectors::No,
        par,
        Default::default(),
    ));
    self_adjoint_evd(
        a.as_ref(),
        s.as_diagonal_mut(),
        None,
        par,
        MemStack::new(&mut mem),
        Default::default(),
    )
    .unwrap();
    let mut v: Vec<f64> = (0..n).map(|i| s[i]).collect();
    v.sort_by(f64::total_cmp);
    v
}

#[test]
fn strict_upper_triangle_is_never_read() {
    // A reused covariance buffer keeps stale values above the diagonal: they must not
    // matter. Sizes on both sides of the parallel threshold and of a panel boundary.
    let mut rng = stream_rng(7, 0);
    for &n in &[33usize, 100, SYMV_PAR_MIN + 66] {
        let g = faer::Mat::<f64>::from_fn(n, n, |_, _| rng.random::<f64>() - 0.5);
        let a = &g + g.transpose();
        let mut clean = lower_to_buffer(a.as_ref());
        let mut dirty = clean.clone();
        for j in 0..n {
            dirty[j * n..j * n + j].fill(f64::NAN);
        }
        let ev_clean = eigenvalues_lower_in_place(&mut clean, n, Par::rayon(2)).unwrap();
        let ev_dirty = eigenvalues_lower_in_place(&mut dirty, n, Par::rayon(2)).unwrap();
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&ev_clean), bits(&ev_dirty), "n = {n}");
    }
}

#[test]
fn blocked_tridiagonalization_matches_faer_eigenvalues_to_1e_12() {
    let mut rng = stream_rng(99, 0);
    for &n in &[1usize, 2, 3, 5, 31, 32, 33, 34, 65, 100, 257, 450] {
        let g = faer::Mat::<f64>::from_fn(n, n, |_, _| rng.random::<f64>() - 0.5);
        let a = &g + g.transpose();
        let mut buf = lower_to_buffer(a.as_ref());
        let mut ev = eigenvalues_lower_in_place(&mut buf, n, Par::rayon(2)).unwrap();
        ev.sort_by(f64::total_cmp);
        let reference = faer_eigenvalues(&a);
        let scale = reference.iter().fold(1.0f64, |m, v| m.max(v.abs()));
        for (x, y) in ev.iter().zip(&reference) {
            assert!(
                (x - y).abs() < 1e-12 * scale * (n as f64).sqrt(),
                "n = {n}: {x} vs {y}"
            );
        }
    }
}

#[test]
fn rank_deficient_covariance_matches_faer_eigenvalues_to_1e_12() {
    // G G^T with G 300×100: 200 zero eigenvalues and a Marchenko-Pastur-like bulk.
    let mut rng = stream_rng(5, 0);
    let g = faer::Mat::<f64>::from_fn(300, 100, |_, _| rng.random::<f64>() - 0.5);
    let a = &g * g.transpose();
    let mut buf = lower_to_buffer(a.as_ref());
    let mut ev = eigenvalues_lower_in_place(&mut buf, 300, Par::Seq).unwrap();
    ev.sort_by(f64::total_cmp);
    let reference = faer_eigenvalues(&a);
    let scale = reference[299];
    for (x, y) in ev.iter().zip(&reference) {
        assert!((x - y).abs() < 1e-12 * scale * 300f64.sqrt(), "{x} vs {y}");
    }
}

/// Runs the block once with `$k` bound to each kernel set this CPU has (the portable one,
/// and the AVX2/FMA one where the CPU has it) and `$name` to its name.
macro_rules! for_each_kernels {
    (|$name:ident, $k:ident| $body:block) => {{
        {
            let ($name, $k) = ("portable", Portable);
            $body
        }
        #[cfg(target_arch = "x86_64")]
        if let Some($k) = crate::simd::Avx2::detect() {
            let $name = "avx2";
            $body
        }
    }};
}

/// The blocked product on windows of the packed copy, with each kernel set, against the
/// naive product with the mirrored lower triangle.
#[test]
fn packed_symv_matches_naive_product_on_any_window() {
    // n = 75: blocks of 32 columns from each origin, the last one ragged; products from
    // `top` (the first row of the window) over column ranges that start, end and
    // straddle anywhere relative to the blocks.
    let n = 75;
    let mut rng = stream_rng(12, 0);
    let g = faer::Mat::<f64>::from_fn(n, n, |_, _| rng.random_range(-1.0..1.0));
    let sym = &g + g.transpose();
    let a = lower_to_buffer(sym.as_ref());
    let mut storage = vec![0.0; PackedLower::len(n)];
    let mut packed = PackedLower::new(n, &mut storage);
    for origin in [1usize, 33, 70] {
        packed.fill(&a, origin);
        for top in [
            origin,
            origin + 1,
            origin + 4,
            origin + 31,
            origin + 32,
            n - 1,
        ] {
            if top > n - 1 || top < origin {
                continue;
            }
            let m = n - top;
            let x: Vec<f64> = (0..m).map(|_| rng.random_range(-1.0..1.0)).collect();
            for (c0, c1) in [(0, m), (0, 1), (3, 29), (30, 34), (31, 64), (m / 2, m)] {
                let (c0, c1) = (c0.min(m), c1.min(m));
                let mut results = Vec::new();
                for_each_kernels!(|name, kernels| {
                    let mut y = vec![0.0; m];
                    packed.symv_cols(kernels, top, top + c0, top + c1, &x, &mut y);
                    results.push((name, y));
                });
                let mut want = vec![0.0; m];
                for j in c0..c1 {
                    want[j] += sym[(top + j, top + j)] * x[j];
                    for i in j + 1..m {
                        want[i] += sym[(top + i, top + j)] * x[j];
                        want[j] += sym[(top + i, top + j)] * x[i];
                    }
                }
                for (name, y) in &results {
                    for i in 0..m {
                        assert!(
                            (y[i] - want[i]).abs() <= 1e-13 * (1.0 + want[i].abs()),
                            "{name}: origin {origin} top {top} cols {c0}..{c1} row {i}: {} vs {}",
                            y[i],
                            want[i]
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn symv_column_ranges_match_naive_symmetric_product() {
    let mut rng = stream_rng(11, 0);
    for &m in &[1usize, 2, 3, 4, 5, 7, 8, 9, 13, 37] {
        let lda = m + 3;
        let a: Vec<f64> = (0..lda * m).map(|_| rng.random_range(-1.0..1.0)).collect();
        let x: Vec<f64> = (0..m).map(|_| rng.random_range(-1.0..1.0)).collect();
        let lower = |i: usize, j: usize| {
            if i >= j {
                a[j * lda + i]
            } else {
                a[i * lda + j]
            }
        };
        for c0 in 0..=m {
            for c1 in c0..=m {
                let mut results = Vec::new();
                for_each_kernels!(|name, kernels| {
                    let mut y = vec![0.0; m];
                    kernels.symv_cols(&a, lda, m, c0, c1, &x, &mut y);
                    results.push((name, y));
                });
                // columns c0..c1 of the lower triangle and their mirrored rows
                let mut want = vec![0.0; m];
                for j in c0..c1 {
                    want[j] += lower(j, j) * x[j];
                    for i in j + 1..m {
                        want[i] += lower(i, j) * x[j];
                        want[j] += lower(i, j) * x[i];
                    }
                }
                for (path, got) in &results {
                    for i in 0..m {
                        assert!(
                            (got[i] - want[i]).abs() <= 1e-13 * (1.0 + want[i].abs()),
                            "{path}: m {m} c0 {c0} c1 {c1} row {i}: {} vs {}",
                            got[i],
                            want[i]
                        );
                    }
                }
            }
        }
    }
}

/// The row-split combination gives bit-identical results to the one-piece version, for
/// lengths on both sides of the parallel threshold and with a ragged last chunk.
#[test]
fn row_split_combination_is_bit_identical_to_one_piece() {
    let mut rng = stream_rng(13, 0);
    for &len in &[
        SYMV_PAR_MIN - 1,
        SYMV_PAR_MIN,
        1000,
        4 * COMBINATION_CHUNK + 7,
    ] {
        for &count in &[0usize, 1, 5, 64] {
            let cols: Vec<Vec<f64>> = (0..count)
                .map(|_| (0..len + 3).map(|_| rng.random_range(-1.0..1.0)).collect())
                .collect();
            let terms: Vec<(&[f64], f64)> = cols
                .iter()
                .map(|c| (&c[..], rng.random_range(-2.0..2.0)))
                .collect();
            let start: Vec<f64> = (0..len).map(|_| rng.random_range(-1.0..1.0)).collect();
            let mut serial = start.clone();
            subtract_combination(&mut serial, &terms);
            for_each_kernels!(|name, kernels| {
                let mut split = start.clone();
                subtract_combination_par(kernels, &mut split, &terms);
                assert!(
                    serial
                        .iter()
                        .zip(&split)
                        .all(|(a, b)| a.to_bits() == b.to_bits()),
                    "{name}: len {len}, {count} terms"
                );
            });
        }
    }
}

#[test]
fn tridiagonalization_is_independent_of_faer_parallelism_degree() {
    let n = 500;
    let mut rng = stream_rng(7, 0);
    let g = faer::Mat::<f64>::from_fn(n, n, |_, _| rng.random::<f64>());
    let a = &g * g.transpose();
    let run = |par| {
        let mut buf = lower_to_buffer(a.as_ref());
        eigenvalues_lower_in_place(&mut buf, n, par).unwrap()
    };
    let base = run(Par::Seq);
    for t in [1, 2, 3, 4] {
        assert_eq!(run(Par::rayon(t)), base, "degree {t}");
    }
}

/// A seeded generator for the tests.
fn stream_rng(seed: u64, stream: u64) -> rand_chacha::ChaCha8Rng {
    let mut rng = rand_chacha::ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}
