//! # giantstep-symeig
//!
//! All eigenvalues (values only, no eigenvectors) of a dense real symmetric matrix, fast:
//! the eigenvalue path of `giantstep-spiked`'s feature spectra (`F Fᵀ/n`). The classic two-level scheme of LAPACK's
//! `dsytrd` (panel factorization as in `dlatrd`, then a rank-`2b` symmetric update of the
//! trailing matrix by GEMMs), followed by a values-only QL iteration on
//! the tridiagonal matrix. Compared with a one-level reduction it reads the trailing matrix
//! once per column (a fused symmetric matrix-vector product) instead of reading and writing
//! it, and moves half of the flops into level-3 products. The tridiagonal eigenvalues come
//! from the root-free rational QL iteration (EISPACK `tqlrat`), about 4× faster than a QR
//! iteration with rotations when no eigenvectors are wanted.
//!
//! Memory layout of the products: each trailing update also copies the updated trailing
//! matrix into contiguous column blocks (`packed::PackedLower`), which all of the next panel's
//! symmetric products then read (20-40% faster than the column-major matrix). The update
//! runs by column blocks of that copy, one sequential GEMM per block and the blocks in
//! parallel, each block copied while still in cache. The copy is `n²/2` values of scratch
//! memory, which `CovarianceWorkspace` keeps between calls.
//!
//! Parallelism: the reduction runs on a rayon worker (`rayon::scope`), so that the
//! per-column fork-joins (the symmetric product, the panel combinations) stay inside the
//! pool instead of waking a worker from outside each time.
//!
//! Determinism: the matrix-vector products are split into a number of tasks that depends
//! only on the size, reduced in a fixed order, the panel combinations are split over rows
//! (each row computed exactly as in one piece), and each block of the trailing update is
//! one sequential GEMM, so results do not depend on the number of rayon threads.
//!
//! Accuracy: the eigenvalues agree with faer's `self_adjoint_eigenvalues` to `1e-12`
//! relative to the largest one (tested on seeded random, low-rank and Wishart matrices of
//! sizes that hit every block edge, `tests/against_faer.rs`).
//!
//! Safety: the crate is `#![deny(unsafe_code)]` except for the module `simd`, which holds
//! every `unsafe` block (the AVX2/FMA code paths, chosen at run time by CPU-feature
//! detection, with a portable fallback); its module doc states the safety contract.
//! Setting the environment variable [`PORTABLE_ENV`] to `1` before the first call selects
//! the portable path on any CPU (the same bits as on a machine without AVX2/FMA; tested
//! against faer in `tests/against_faer.rs`).
//!
//! Modules: `reduction` (the blocked reduction), `packed` (the blocked copy of the
//! trailing matrix and the trailing update), `kernels` (portable kernels), `simd` (the
//! AVX2/FMA builds and their dispatch), `ql` (the tridiagonal eigenvalues), [`error`].

#![deny(unsafe_code)]

pub mod error;
mod kernels;
mod packed;
mod ql;
mod reduction;
#[allow(unsafe_code)]
mod simd;
#[cfg(test)]
mod tests;

pub use error::SymEigError;

/// Environment variable that, set to `1` when the process first computes eigenvalues,
/// selects the portable kernels even where the CPU has AVX2 and FMA.
pub const PORTABLE_ENV: &str = "GIANTSTEP_SYMEIG_PORTABLE";

/// The AVX2/FMA kernels are in use in this process (the CPU has them and [`PORTABLE_ENV`]
/// is not set); `false` means the portable kernels.
pub fn accelerated() -> bool {
    simd::accelerated()
}

/// [`PORTABLE_ENV`] is set to `1`.
fn portable_requested() -> bool {
    std::env::var_os(PORTABLE_ENV).is_some_and(|v| v == "1")
}

use faer::{MatRef, Par};
use ql::tridiagonal_eigenvalues;
use simd::tridiagonalize;

/// All eigenvalues (in the unsorted order of the QL iteration) of the symmetric matrix whose
/// lower triangle is stored in the column-major `n×n` buffer `a` (destroyed; the strict
/// upper triangle is never read). `par` is the parallelism of the trailing updates; the
/// values do not depend on it nor on the rayon thread count.
///
/// ```
/// // lower triangle of [[2, 1], [1, 2]], column-major (the upper entry is ignored)
/// let mut a = vec![2.0, 1.0, f64::NAN, 2.0];
/// let mut ev = giantstep_symeig::eigenvalues_lower_in_place(&mut a, 2, faer::Par::Seq)?;
/// ev.sort_by(f64::total_cmp);
/// assert!((ev[0] - 1.0).abs() < 1e-14 && (ev[1] - 3.0).abs() < 1e-14);
/// # Ok::<(), giantstep_symeig::SymEigError>(())
/// ```
pub fn eigenvalues_lower_in_place(
    a: &mut [f64],
    n: usize,
    par: Par,
) -> Result<Vec<f64>, SymEigError> {
    eigenvalues_lower_with_scratch(a, n, par, &mut Vec::new())
}

/// [`eigenvalues_lower_in_place`] with the reduction's scratch memory (about `n²/2` values,
/// the blocked copies of the trailing matrices) taken from `scratch`, grown if needed and
/// kept for the next call.
pub fn eigenvalues_lower_with_scratch(
    a: &mut [f64],
    n: usize,
    par: Par,
    scratch: &mut Vec<f64>,
) -> Result<Vec<f64>, SymEigError> {
    if a.len() != n * n {
        return Err(SymEigError::DimensionMismatch {
            expected: n * n,
            got: a.len(),
        });
    }
    if n == 0 {
        return Ok(Vec::new());
    }
    let (diag, offdiag) = rayon::scope(|_| tridiagonalize(a, n, par, scratch));
    // NaN or infinite entries reach the tridiagonal form (the QL iteration would not
    // converge on them): report them as such.
    if diag.iter().chain(&offdiag).any(|v| !v.is_finite()) {
        return Err(SymEigError::NonFinite);
    }
    let ev = tridiagonal_eigenvalues(diag, &offdiag)?;
    Ok(ev)
}

/// Copies the lower triangle of `a` into a fresh column-major buffer (the input of
/// [`eigenvalues_lower_in_place`]).
pub fn lower_to_buffer(a: MatRef<'_, f64>) -> Vec<f64> {
    let n = a.nrows();
    let mut buf = vec![0.0; n * n];
    for j in 0..n {
        for i in j..n {
            buf[j * n + i] = a[(i, j)];
        }
    }
    buf
}

/// All eigenvalues, ascending, of the symmetric matrix whose lower triangle is `a` (the
/// strict upper triangle is not read); `NonFinite` if the matrix holds NaN or infinities.
///
/// ```
/// let a = faer::mat![[2.0, 0.0], [1.0, 2.0]]; // lower triangle of [[2,1],[1,2]]
/// let ev = giantstep_symeig::eigenvalues(a.as_ref(), faer::Par::Seq)?;
/// assert!((ev[0] - 1.0).abs() < 1e-14 && (ev[1] - 3.0).abs() < 1e-14);
/// # Ok::<(), giantstep_symeig::SymEigError>(())
/// ```
pub fn eigenvalues(a: MatRef<'_, f64>, par: Par) -> Result<Vec<f64>, SymEigError> {
    let n = a.nrows();
    if a.ncols() != n {
        return Err(SymEigError::DimensionMismatch {
            expected: n,
            got: a.ncols(),
        });
    }
    let mut buf = lower_to_buffer(a);
    let mut ev = eigenvalues_lower_in_place(&mut buf, n, par)?;
    if ev.iter().any(|v| !v.is_finite()) {
        return Err(SymEigError::NonFinite);
    }
    ev.sort_by(f64::total_cmp);
    Ok(ev)
}
