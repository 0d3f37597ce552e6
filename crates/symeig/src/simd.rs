//! The only module of this crate with `unsafe` code (the crate is `#![deny(unsafe_code)]`
//! outside it): the x86-64 AVX2/FMA code paths and their runtime dispatch. It sits above
//! `reduction`, `packed` and `kernels`, which it compiles a second time with the features
//! enabled; they never import it.
//!
//! # Safety contract
//! - Every `#[target_feature(enable = "avx2,fma")]` function here is private and called
//!   only with an [`Avx2`] value in hand. That type's one constructor, [`Avx2::detect`],
//!   returns a value only after `is_x86_feature_detected!("avx2")` and
//!   `is_x86_feature_detected!("fma")` both returned true on this CPU, so holding one proves
//!   the features. On any other CPU (or architecture, or with `GIANTSTEP_SYMEIG_PORTABLE=1`)
//!   [`tridiagonalize`] runs the portable code of [`crate::kernels`] and
//!   [`crate::reduction`] with the [`Portable`] kernels, which compute the same values (the
//!   AVX2 paths use fused multiply-adds, so the last bits may differ between the two kinds
//!   of CPU, never between runs or thread counts on one machine).
//! - The wrappers other than [`symv_cols_avx2`] only recompile safe code with the features
//!   enabled; all their memory accesses are bounds-checked slice accesses.
//! - [`symv_cols_avx2`] reads and writes through raw pointers with unaligned 256-bit loads
//!   and stores; its bounds are asserted on entry (`c1 <= m <= lda`, `x` and `y` of length
//!   at least `m`, `a` holding column `c1 - 1` up to row `m`), and every access stays inside
//!   them (argued at the `unsafe` block).

use crate::kernels::{Kernels, Portable, panel_dots_body, subtract_combination, symv_one_col};
use crate::reduction::tridiagonalize_body;
use faer::Par;

/// The CPU has AVX2 and FMA and the environment does not ask for the portable path
/// ([`crate::PORTABLE_ENV`]); decided once per process.
#[cfg(target_arch = "x86_64")]
fn has_avx2_fma() -> bool {
    static DETECTED: std::sync::OnceLock<bool> = std::sync::OnceLock::new();
    *DETECTED.get_or_init(|| {
        !crate::portable_requested()
            && std::is_x86_feature_detected!("avx2")
            && std::is_x86_feature_detected!("fma")
    })
}

/// [`tridiagonalize`] takes the AVX2/FMA path.
pub(crate) fn accelerated() -> bool {
    #[cfg(target_arch = "x86_64")]
    {
        Avx2::detect().is_some()
    }
    #[cfg(not(target_arch = "x86_64"))]
    {
        false
    }
}

/// AVX2/FMA path of [`Kernels::symv_cols`]: four columns per pass with explicit 256-bit intrinsics,
/// so `x` and `y` are streamed once per four columns and the four dot products run in
/// independent accumulators (single-thread throughput on the 2000×2000 matrix: about
/// 16 GB/s for the autovectorized pair loop, 36-41 GB/s for this kernel).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn symv_cols_avx2(a: &[f64], lda: usize, m: usize, c0: usize, c1: usize, x: &[f64], y: &mut [f64]) {
    use std::arch::x86_64::*;
    assert!(c1 <= m && m <= lda && x.len() >= m && y.len() >= m);
    assert!(c1 == 0 || a.len() >= (c1 - 1) * lda + m);
    let mut j = c0;
    while j + 4 <= c1 {
        // 4×4 diagonal block (lower part), scalar.
        for c in 0..4 {
            let col = (j + c) * lda;
            y[j + c] += a[col + j + c] * x[j + c];
            for r in c + 1..4 {
                let v = a[col + j + r];
                y[j + r] += v * x[j + c];
                y[j + c] += v * x[j + r];
            }
        }
        let start = j + 4;
        let len = m - start;
        let body = len - len % 4;
        // SAFETY: every load/store below reads `a[(j + c) lda + start + k .. + 4]` with
        // `start + k + 4 <= m` (so inside column j + c < c1, checked by the asserts above) and
        // `x`, `y` at indices `< m`.
        unsafe {
            let ap = a.as_ptr();
            let (xp, yp) = (x.as_ptr(), y.as_mut_ptr());
            let c0p = ap.add(j * lda + start);
            let c1p = ap.add((j + 1) * lda + start);
            let c2p = ap.add((j + 2) * lda + start);
            let c3p = ap.add((j + 3) * lda + start);
            let xb0 = _mm256_set1_pd(x[j]);
            let xb1 = _mm256_set1_pd(x[j + 1]);
            let xb2 = _mm256_set1_pd(x[j + 2]);
            let xb3 = _mm256_set1_pd(x[j + 3]);
            let mut acc0 = _mm256_setzero_pd();
            let mut acc1 = _mm256_setzero_pd();
            let mut acc2 = _mm256_setzero_pd();
            let mut acc3 = _mm256_setzero_pd();
            let (xs, ys) = (xp.add(start), yp.add(start));
            let mut k = 0;
            while k < body {
                let xv = _mm256_loadu_pd(xs.add(k));
                let a0 = _mm256_loadu_pd(c0p.add(k));
                let a1 = _mm256_loadu_pd(c1p.add(k));
                let a2 = _mm256_loadu_pd(c2p.add(k));
                let a3 = _mm256_loadu_pd(c3p.add(k));
                acc0 = _mm256_fmadd_pd(a0, xv, acc0);
                acc1 = _mm256_fmadd_pd(a1, xv, acc1);
                acc2 = _mm256_fmadd_pd(a2, xv, acc2);
                acc3 = _mm256_fmadd_pd(a3, xv, acc3);
                let mut yv = _mm256_loadu_pd(ys.add(k));
                yv = _mm256_fmadd_pd(a0, xb0, yv);
                yv = _mm256_fmadd_pd(a1, xb1, yv);
                yv = _mm256_fmadd_pd(a2, xb2, yv);
                yv = _mm256_fmadd_pd(a3, xb3, yv);
                _mm256_storeu_pd(ys.add(k), yv);
                k += 4;
            }
            let mut sums = [[0.0f64; 4]; 4];
            _mm256_storeu_pd(sums[0].as_mut_ptr(), acc0);
            _mm256_storeu_pd(sums[1].as_mut_ptr(), acc1);
            _mm256_storeu_pd(sums[2].as_mut_ptr(), acc2);
            _mm256_storeu_pd(sums[3].as_mut_ptr(), acc3);
            for (c, s) in sums.iter().enumerate() {
                y[j + c] += (s[0] + s[1]) + (s[2] + s[3]);
            }
        }
        for k in start + body..m {
            let xk = x[k];
            let mut yk = y[k];
            for c in 0..4 {
                let v = a[(j + c) * lda + k];
                y[j + c] = v.mul_add(xk, y[j + c]);
                yk = v.mul_add(x[j + c], yk);
            }
            y[k] = yk;
        }
        j += 4;
    }
    while j < c1 {
        symv_one_col::<true>(a, lda, m, j, x, y);
        j += 1;
    }
}

/// The AVX2/FMA kernels. A value of this type is a proof that the CPU has AVX2 and FMA:
/// its only constructor is [`Avx2::detect`], so the `unsafe` calls of its methods are sound
/// whoever holds one.
#[cfg(target_arch = "x86_64")]
#[derive(Debug, Clone, Copy)]
pub(crate) struct Avx2 {
    _detected: (),
}

#[cfg(target_arch = "x86_64")]
impl Avx2 {
    /// `Some` if the CPU has AVX2 and FMA and the portable path was not requested.
    pub(crate) fn detect() -> Option<Self> {
        has_avx2_fma().then_some(Self { _detected: () })
    }
}

#[cfg(target_arch = "x86_64")]
impl Kernels for Avx2 {
    fn symv_cols(
        self,
        a: &[f64],
        lda: usize,
        m: usize,
        c0: usize,
        c1: usize,
        x: &[f64],
        y: &mut [f64],
    ) {
        // SAFETY: `self` exists, so the CPU has AVX2 and FMA (type invariant).
        unsafe { symv_cols_avx2(a, lda, m, c0, c1, x, y) }
    }

    /// [`panel_dots_body`] compiled with AVX2/FMA (it runs on rayon worker threads,
    /// outside the AVX2-compiled reduction).
    fn panel_dots(
        self,
        pairs: &[(&[f64], &[f64])],
        x: &[f64],
        r0: usize,
        r1: usize,
        dots: &mut [f64],
    ) {
        #[target_feature(enable = "avx2,fma")]
        fn avx2(pairs: &[(&[f64], &[f64])], x: &[f64], r0: usize, r1: usize, dots: &mut [f64]) {
            panel_dots_body(pairs, x, r0, r1, dots)
        }
        // SAFETY: `self` exists, so the CPU has AVX2 and FMA (type invariant).
        unsafe { avx2(pairs, x, r0, r1, dots) }
    }

    /// [`subtract_combination`] compiled with AVX2/FMA (for rayon worker threads, outside
    /// the AVX2-compiled reduction).
    fn subtract_combination(self, target: &mut [f64], terms: &[(&[f64], f64)]) {
        #[target_feature(enable = "avx2,fma")]
        fn avx2(target: &mut [f64], terms: &[(&[f64], f64)]) {
            subtract_combination(target, terms)
        }
        // SAFETY: `self` exists, so the CPU has AVX2 and FMA (type invariant).
        unsafe { avx2(target, terms) }
    }
}

/// Reduces the symmetric matrix stored (lower triangle) in the column-major buffer `a`
/// (`n×n`, leading dimension `n`) to tridiagonal form; returns `(diag, offdiag)`.
/// `a` is destroyed. The AVX2/FMA build with [`Avx2`] kernels when the CPU has them, else
/// the portable build with [`Portable`] kernels.
pub(crate) fn tridiagonalize(
    a: &mut [f64],
    n: usize,
    par: Par,
    scratch: &mut Vec<f64>,
) -> (Vec<f64>, Vec<f64>) {
    #[cfg(target_arch = "x86_64")]
    {
        if let Some(kernels) = Avx2::detect() {
            // SAFETY: `kernels` exists, so the CPU has AVX2 and FMA (type invariant).
            return unsafe { tridiagonalize_avx2(kernels, a, n, par, scratch) };
        }
    }
    tridiagonalize_body(Portable, a, n, par, scratch)
}

/// [`tridiagonalize_body`] compiled with AVX2 (vectorized panel updates).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn tridiagonalize_avx2(
    kernels: Avx2,
    a: &mut [f64],
    n: usize,
    par: Par,
    scratch: &mut Vec<f64>,
) -> (Vec<f64>, Vec<f64>) {
    tridiagonalize_body(kernels, a, n, par, scratch)
}
