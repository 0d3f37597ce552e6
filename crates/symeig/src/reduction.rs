//! The blocked Householder reduction to tridiagonal form (LAPACK `dsytrd` with `dlatrd`
//! panels): panel columns, the fused symmetric product with its panel correction, and the
//! rank-`2b` trailing update by GEMMs.

use crate::kernels::{Kernels, dot, subtract_combination};
use crate::packed::{PackedLower, update_trailing_and_pack};
use faer::{MatRef, Par};
use rayon::prelude::*;

/// Panel width `b` of the blocked reduction.
pub(crate) const BLOCK: usize = 32;
/// Column count below which a symmetric matrix-vector product runs as a single task.
pub(crate) const SYMV_PAR_MIN: usize = 384;
/// Number of tasks a large symmetric matrix-vector product is split into (fixed, so that the
/// summation order never depends on the machine's thread count).
pub(crate) const SYMV_TASKS: usize = 4;

/// `y = tau (A x − Σ_k (a_k (w_k · x) + w_k (a_k · x)))` for the `m×m` trailing matrix
/// `A = A(top.., top..)` held in `packed`, and the panel column pairs `(a_k, w_k)` (each of
/// length at least `m`): the `dlatrd` product of a panel column,
/// `tau (A22 v − A_panel (W_panel^T v) − W_panel (A_panel^T v))`. Returns `y · x`.
///
/// `work` holds `SYMV_TASKS * m` scratch values. Large products run as `SYMV_TASKS` tasks
/// over column ranges of equal triangle area; each task also forms the panel dot products
/// over its own index range. The partial results are then summed, corrected, scaled and
/// dotted with `x` in one pass split over rows, each row computed in a fixed order and the
/// chunks' dot products added in chunk order: results do not depend on the thread count.
/// Small products run sequentially.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
pub(crate) fn symv_panel<K: Kernels>(
    kernels: K,
    packed: &PackedLower,
    top: usize,
    m: usize,
    x: &[f64],
    y: &mut [f64],
    work: &mut [f64],
    pairs: &[(&[f64], &[f64])],
    tau: f64,
) -> f64 {
    let y = &mut y[..m];
    let mut dots = vec![0.0; 2 * pairs.len()];
    if m < SYMV_PAR_MIN {
        y.fill(0.0);
        packed.symv_cols(kernels, top, top, top + m, x, y);
        kernels.panel_dots(pairs, x, 0, m, &mut dots);
        subtract_combination(y, &panel_terms(pairs, &dots));
        y.iter_mut().for_each(|v| *v *= tau);
        return dot(y, x);
    }
    // Column ranges with equal triangle area: column j costs (m - j).
    let bounds: Vec<usize> = (0..=SYMV_TASKS)
        .map(|t| {
            let frac = t as f64 / SYMV_TASKS as f64;
            ((1.0 - (1.0 - frac).sqrt()) * m as f64).round() as usize
        })
        .collect();
    let parts = &mut work[..SYMV_TASKS * m];
    // One row of partial dots per task (at least one slot, so that the zip below always
    // yields SYMV_TASKS items).
    let width = dots.len().max(1);
    let mut task_dots = vec![0.0; SYMV_TASKS * width];
    parts
        .par_chunks_mut(m)
        .zip(task_dots.par_chunks_mut(width))
        .enumerate()
        .for_each(|(t, (buf, d))| {
            // Task t touches rows bounds[t].. only.
            buf[bounds[t]..].fill(0.0);
            packed.symv_cols(
                kernels,
                top,
                top + bounds[t],
                top + bounds[t + 1],
                x,
                &mut buf[..],
            );
            kernels.panel_dots(pairs, x, bounds[t], bounds[t + 1], d);
        });
    for d in task_dots.chunks(width) {
        for (total, part) in dots.iter_mut().zip(d) {
            *total += part;
        }
    }
    let terms = panel_terms(pairs, &dots);
    let parts = &work[..SYMV_TASKS * m];
    let chunk_dots: Vec<f64> = y
        .par_chunks_mut(COMBINATION_CHUNK)
        .enumerate()
        .map(|(c, chunk)| {
            let r0 = c * COMBINATION_CHUNK;
            let r1 = r0 + chunk.len();
            chunk.fill(0.0);
            for (t, part) in parts.chunks(m).enumerate() {
                // Rows below bounds[t] of part t are not written (zero contributions).
                let from = bounds[t].clamp(r0, r1);
                for (yi, pi) in chunk[from - r0..].iter_mut().zip(&part[from..r1]) {
                    *yi += pi;
                }
            }
            let rows: Vec<(&[f64], f64)> =
                terms.iter().map(|&(col, k)| (&col[r0..r1], k)).collect();
            kernels.subtract_combination(chunk, &rows);
            chunk.iter_mut().for_each(|v| *v *= tau);
            dot(chunk, &x[r0..r1])
        })
        .collect();
    chunk_dots.iter().sum()
}

/// The correction terms `(a_k, w_k · x)`, `(w_k, a_k · x)` of the panel pairs, from the dot
/// products laid out as in [`Kernels::panel_dots`].
pub(crate) fn panel_terms<'a>(
    pairs: &[(&'a [f64], &'a [f64])],
    dots: &[f64],
) -> Vec<(&'a [f64], f64)> {
    pairs
        .iter()
        .zip(dots.chunks(2))
        .flat_map(|(&(ak, wk), d)| [(ak, d[0]), (wk, d[1])])
        .collect()
}

/// Rows per task of [`subtract_combination_par`].
pub(crate) const COMBINATION_CHUNK: usize = 256;

/// [`subtract_combination`] split over rows into rayon tasks when `target` is long (at
/// least [`SYMV_PAR_MIN`] entries). Rows are independent and each row is computed with the
/// same terms in the same order as in the serial version, so the result is bit-identical
/// whatever the split or the thread count.
pub(crate) fn subtract_combination_par<K: Kernels>(
    kernels: K,
    target: &mut [f64],
    terms: &[(&[f64], f64)],
) {
    if target.len() < SYMV_PAR_MIN {
        kernels.subtract_combination(target, terms);
        return;
    }
    target
        .par_chunks_mut(COMBINATION_CHUNK)
        .enumerate()
        .for_each(|(c, part)| {
            let r0 = c * COMBINATION_CHUNK;
            let rows: Vec<(&[f64], f64)> = terms
                .iter()
                .map(|&(col, k)| (&col[r0..r0 + part.len()], k))
                .collect();
            kernels.subtract_combination(part, &rows);
        });
}

/// Householder reflector (LAPACK `dlarfg`): given `alpha` and `x`, returns `(beta, tau)` and
/// overwrites `x` with `v[1..]` so that `(I − tau v v^T) (alpha, x) = (beta, 0)`, `v[0] = 1`.
pub(crate) fn householder(alpha: f64, x: &mut [f64]) -> (f64, f64) {
    let xnorm = x.iter().map(|v| v * v).sum::<f64>().sqrt();
    if xnorm == 0.0 {
        return (alpha, 0.0);
    }
    let beta = -alpha.signum() * alpha.hypot(xnorm);
    let tau = (beta - alpha) / beta;
    let scale = 1.0 / (alpha - beta);
    x.iter_mut().for_each(|v| *v *= scale);
    (beta, tau)
}

/// Reduces the symmetric matrix stored (lower triangle) in the column-major buffer `a`
/// (`n×n`, leading dimension `n`) to tridiagonal form with the given kernels; returns
/// `(diag, offdiag)`. `a` is destroyed. Inlined into `simd`'s dispatcher, which compiles
/// it once as is and once with AVX2/FMA enabled.
#[inline(always)]
pub(crate) fn tridiagonalize_body<K: Kernels>(
    kernels: K,
    a: &mut [f64],
    n: usize,
    par: Par,
    scratch: &mut Vec<f64>,
) -> (Vec<f64>, Vec<f64>) {
    let mut diag = vec![0.0; n];
    let mut offdiag = vec![0.0; n.saturating_sub(1)];
    // Scratch: the packed copies, W (n×(b+1)), the symmetric products' partial sums, and
    // [V, W, V] for the trailing update. Nothing in it is read before being written.
    let packed_len = PackedLower::len(n);
    let need = packed_len + n * (BLOCK + 1) + SYMV_TASKS * n + 3 * BLOCK * n;
    if scratch.len() < need {
        *scratch = Vec::new(); // free the old allocation first
        *scratch = vec![0.0; need];
    }
    let (packed_mem, rest) = scratch.split_at_mut(packed_len);
    let (w, rest) = rest.split_at_mut(n * (BLOCK + 1));
    let (work, rest) = rest.split_at_mut(SYMV_TASKS * n);
    let vwv = &mut rest[..3 * BLOCK * n];
    let mut packed = PackedLower::new(n, packed_mem);
    let mut s = 0;
    while s < n {
        let m = n - s;
        let last = m <= BLOCK + 1;
        let nb = if last { m } else { BLOCK };
        // The panel's symmetric products all read A(s+1.., s+1..) as it is now (copied by
        // the previous trailing update, or here for the first panel).
        if s == 0 {
            packed.fill(a, 1);
        }
        // Panel (dlatrd, lower): columns s..s+nb, W stored m×nb with leading dimension m.
        let wm = &mut w[..m * nb];
        for i in 0..nb {
            let g = s + i; // global column
            // A(i:m, i) -= A(i:m, 0:i) W(i, 0:i)^T + W(i:m, 0:i) A(i, 0:i)^T
            if i > 0 {
                let (left, right) = a.split_at_mut(g * n);
                let mut terms = Vec::with_capacity(2 * i);
                for k in 0..i {
                    let acol = &left[(s + k) * n + g..(s + k) * n + n];
                    terms.push((acol, wm[k * m + i]));
                    terms.push((&wm[k * m + i..k * m + m], acol[0]));
                }
                subtract_combination_par(kernels, &mut right[g..n], &terms);
            }
            diag[g] = a[g * n + g];
            if i + 1 >= m {
                break;
            }
            // Reflector annihilating A(i+2:m, i).
            let alpha = a[g * n + g + 1];
            let (beta, tau) = householder(alpha, &mut a[g * n + g + 2..g * n + n]);
            offdiag[g] = beta;
            a[g * n + g + 1] = 1.0;
            let len = m - i - 1;
            let left = &a[..(g + 1) * n];
            let v = &left[g * n + g + 1..g * n + n];
            let (wprev, wrest) = wm.split_at_mut(i * m);
            let wi = &mut wrest[i + 1..m];
            // W(i+1:m, i) = A22 v − A(i+1:m, 0:i) tmp − W(i+1:m, 0:i) tmp2, with
            // tmp = W(i+1:m, 0:i)^T v and tmp2 = A(i+1:m, 0:i)^T v (the correction needs only
            // v, so it runs beside the symmetric product)
            let pairs: Vec<(&[f64], &[f64])> = (0..i)
                .map(|k| {
                    (
                        &left[(s + k) * n + g + 1..(s + k) * n + n],
                        &wprev[k * m + i + 1..k * m + m],
                    )
                })
                .collect();
            let wv = symv_panel(kernels, &packed, g + 1, len, v, wi, work, &pairs, tau);
            let half = -0.5 * tau * wv;
            wi.iter_mut().zip(v).for_each(|(x, y)| *x += half * y);
        }
        if last {
            break;
        }
        // Trailing update: A(nb:m, nb:m) -= V W^T + W V^T (lower triangle), GEMMs with
        // k = 2 nb: [V, W] [W, V]^T.
        let rest = m - nb;
        // [V, W, V] (rest × 3 nb, column-major): its first 2 nb columns are [V, W], its last
        // 2 nb columns [W, V].
        let vwv = &mut vwv[..3 * nb * rest];
        for (c, col) in vwv.chunks_mut(rest).enumerate() {
            let src = match c / nb {
                1 => &wm[(c - nb) * m + nb..(c - nb) * m + m],
                _ => {
                    let k = s + c % nb;
                    &a[k * n + s + nb..k * n + n]
                }
            };
            col.copy_from_slice(src);
        }
        let vwv = MatRef::from_column_major_slice(vwv, rest, 3 * nb);
        let (lhs, rhs) = (vwv.subcols(0, 2 * nb), vwv.subcols(nb, 2 * nb));
        update_trailing_and_pack(a, n, s + nb, lhs, rhs, &mut packed, par);
        s += nb;
    }
    (diag, offdiag)
}
