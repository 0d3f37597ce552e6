//! Features `F = σ(W X)` (THEORY.md §4): `F_{iν} = σ(<w_i, x_ν>)`, with `W` the (possibly
//! spiked) first layer, so for `W = W0 + u θ^T`, `F_{iν} = σ(<w_i^0, x_ν> + u_i κ_ν)`.
//!
//! One GEMM `W X` (faer, rayon-parallel) followed by a parallel in-place map of `σ`.

use faer::linalg::matmul::matmul;
use faer::{Accum, Mat, MatMut, MatRef};
use rayon::prelude::*;

use crate::error::{SpikedError, check_matrix};
use crate::par::faer_par;

/// Applies `sigma` to every entry of `m` in place (rayon over columns).
pub fn apply_in_place<S>(m: MatMut<'_, f64>, sigma: S)
where
    S: Fn(f64) -> f64 + Sync,
{
    apply_and_check_finite(m, sigma);
}

/// Applies `sigma` to every entry of `m` in place (rayon over columns) and reports whether
/// every result is finite (one pass over the matrix instead of two).
fn apply_and_check_finite<S>(m: MatMut<'_, f64>, sigma: S) -> bool
where
    S: Fn(f64) -> f64 + Sync,
{
    let nrows = m.nrows();
    m.par_col_chunks_mut(8)
        .map(|mut block| {
            let mut finite = true;
            for k in 0..block.ncols() {
                let mut col = block.as_mut().col_mut(k);
                for i in 0..nrows {
                    let v = sigma(col[i]);
                    finite &= v.is_finite();
                    col[i] = v;
                }
            }
            finite
        })
        .reduce(|| true, |a, b| a && b)
}

/// The `nrows×ncols` zero matrix, zeroed by rayon over columns: for a fresh 32 MB matrix
/// the first touch of its pages costs about as much as a third of the `W X` product
/// (page faults, measured 18 ms for p = n = 2000), and `Mat::zeros` pays it on one thread.
fn parallel_zeros(nrows: usize, ncols: usize) -> Mat<f64> {
    let mut m = Mat::<f64>::with_capacity(nrows, ncols);
    let stride = m.col_stride().unsigned_abs();
    assert!(stride >= nrows, "faer reserved fewer rows than asked");
    let base = m.as_ptr_mut() as usize;
    (0..ncols).into_par_iter().with_min_len(16).for_each(|j| {
        // SAFETY: the allocation holds `ncols` columns of `stride >= nrows` entries, so the
        // first `nrows` entries of column `j` are in bounds; each column is written by one
        // task only. All-zero bytes are the f64 value +0.0.
        unsafe { std::ptr::write_bytes((base as *mut f64).add(j * stride), 0, nrows) };
    });
    // SAFETY: the new dimensions are within the capacity reserved above, and every entry
    // that becomes in bounds was initialized by the loop.
    unsafe { m.set_dims(nrows, ncols) };
    m
}

/// Features `F = σ(W X) ∈ R^{p×n}` for `W ∈ R^{p×d}`, `X ∈ R^{d×n}` (THEORY.md §4).
///
/// ```
/// use giantstep_spiked::{features::features, sampling::{gaussian_data, sphere_rows}};
/// let w = sphere_rows(20, 30, 1).unwrap();
/// let x = gaussian_data(30, 50, 2).unwrap();
/// let f = features(w.as_ref(), x.as_ref(), |z| z.max(0.0)).unwrap();
/// assert_eq!((f.nrows(), f.ncols()), (20, 50));
/// ```
pub fn features<S>(
    w: MatRef<'_, f64>,
    x: MatRef<'_, f64>,
    sigma: S,
) -> Result<Mat<f64>, SpikedError>
where
    S: Fn(f64) -> f64 + Sync,
{
    let mut f = Mat::new();
    features_into(w, x, sigma, &mut f)?;
    Ok(f)
}

/// [`features`] written into `f`, whose memory is reused when it is already `p×n` (and
/// replaced by a fresh matrix otherwise): a loop over draws of the same size then asks the
/// allocator for nothing, and pays no first touch of fresh pages (32 MB at p = n = 2000,
/// about 8 000 page faults). The previous contents of `f` do not matter; on error, `f`
/// holds unspecified values.
///
/// ```
/// use giantstep_spiked::{features::{features, features_into}, sampling::{gaussian_data, sphere_rows}};
/// let mut f = faer::Mat::new();
/// for seed in 0..3 {
///     let w = sphere_rows(20, 30, seed).unwrap();
///     let x = gaussian_data(30, 50, seed + 100).unwrap();
///     features_into(w.as_ref(), x.as_ref(), f64::tanh, &mut f).unwrap();
///     assert_eq!(f, features(w.as_ref(), x.as_ref(), f64::tanh).unwrap());
/// }
/// ```
pub fn features_into<S>(
    w: MatRef<'_, f64>,
    x: MatRef<'_, f64>,
    sigma: S,
    f: &mut Mat<f64>,
) -> Result<(), SpikedError>
where
    S: Fn(f64) -> f64 + Sync,
{
    if w.ncols() != x.nrows() {
        return Err(SpikedError::DimensionMismatch {
            what: "columns of W vs rows of X",
            expected: w.ncols(),
            got: x.nrows(),
        });
    }
    check_matrix("features", w.nrows(), x.ncols())?;
    if (f.nrows(), f.ncols()) != (w.nrows(), x.ncols()) {
        *f = Mat::new(); // free the old allocation first
        *f = parallel_zeros(w.nrows(), x.ncols());
    }
    matmul(f.as_mut(), Accum::Replace, w, x, 1.0, faer_par());
    if !apply_and_check_finite(f.as_mut(), sigma) {
        return Err(SpikedError::NonFinite {
            what: "features (activation output)",
        });
    }
    Ok(())
}

/// Mean of the features over the neurons of each group, per sample: entry `(a, ν)` is
/// `(1/p_a) Σ_{i in group a} F_{iν}`, which concentrates on `μ0(u_a κ_ν)` (THEORY.md §4).
///
/// ```
/// use giantstep_spiked::features::group_means;
/// let f = faer::mat![[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]];
/// let m = group_means(f.as_ref(), &[0, 1, 1], 2).unwrap();
/// assert_eq!(m[(1, 0)], 4.0);
/// ```
pub fn group_means(
    f: MatRef<'_, f64>,
    groups: &[usize],
    r: usize,
) -> Result<Mat<f64>, SpikedError> {
    if groups.len() != f.nrows() {
        return Err(SpikedError::DimensionMismatch {
            what: "groups vs rows of F",
            expected: f.nrows(),
            got: groups.len(),
        });
    }
    if let Some(&g) = groups.iter().find(|&&g| g >= r) {
        return Err(SpikedError::DimensionMismatch {
            what: "group index vs number of groups",
            expected: r,
            got: g,
        });
    }
    let mut counts = vec![0usize; r];
    groups.iter().for_each(|&g| counts[g] += 1);
    let mut m = Mat::<f64>::zeros(r, f.ncols());
    for nu in 0..f.ncols() {
        for (i, &g) in groups.iter().enumerate() {
            m[(g, nu)] += f[(i, nu)];
        }
        for a in 0..r {
            if counts[a] > 0 {
                m[(a, nu)] /= counts[a] as f64;
            }
        }
    }
    Ok(m)
}
