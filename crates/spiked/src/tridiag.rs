//! Blocked Householder tridiagonalization of a symmetric matrix, values only.
//!
//! The eigenvalue-only path of [`crate::spectrum`]: the classic two-level scheme of LAPACK's
//! `dsytrd` (panel factorization as in `dlatrd`, then a rank-`2b` symmetric update of the
//! trailing matrix by GEMMs), followed by a values-only QL iteration on
//! the tridiagonal matrix. Compared with a one-level reduction it reads the trailing matrix
//! once per column (a fused symmetric matrix-vector product) instead of reading and writing
//! it, and moves half of the flops into level-3 products. The tridiagonal eigenvalues come
//! from the root-free rational QL iteration (EISPACK `tqlrat`), about 4× faster than a QR
//! iteration with rotations when no eigenvectors are wanted.
//!
//! Memory layout of the products: each trailing update also copies the updated trailing
//! matrix into contiguous column blocks ([`PackedLower`]), which all of the next panel's
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

use faer::linalg::matmul::matmul;
use faer::{Accum, MatMut, MatRef, Par};
use rayon::prelude::*;

use crate::error::SpikedError;

/// Panel width `b` of the blocked reduction.
const BLOCK: usize = 32;
/// Column count below which a symmetric matrix-vector product runs as a single task.
const SYMV_PAR_MIN: usize = 384;
/// Number of tasks a large symmetric matrix-vector product is split into (fixed, so that the
/// summation order never depends on the machine's thread count).
const SYMV_TASKS: usize = 4;

#[inline(always)]
fn fmadd<const FMA: bool>(a: f64, b: f64, c: f64) -> f64 {
    if FMA { a.mul_add(b, c) } else { a * b + c }
}

/// Column `j` of the lower-stored symmetric block: `y[j] += A[j.., j] · x[j..]`,
/// `y[j+1..] += x[j] A[j+1.., j]`.
#[inline(always)]
fn symv_one_col<const FMA: bool>(
    a: &[f64],
    lda: usize,
    m: usize,
    j: usize,
    x: &[f64],
    y: &mut [f64],
) {
    let col = &a[j * lda + j..j * lda + m];
    let xj = x[j];
    let (diag, below) = col.split_first().expect("nonempty column");
    let xs = &x[j + 1..m];
    let ys = &mut y[j + 1..m];
    let mut dot = 0.0;
    for k in 0..below.len() {
        dot = fmadd::<FMA>(below[k], xs[k], dot);
        ys[k] = fmadd::<FMA>(xj, below[k], ys[k]);
    }
    y[j] += fmadd::<FMA>(*diag, xj, dot);
}

/// For columns `c0..c1` of the lower-stored symmetric block `a` (size `m`, leading
/// dimension `lda`), accumulate `y += A x` (the columns' contributions, both the column and
/// its mirrored row). Portable path (no AVX2/FMA): columns are processed in pairs so that
/// `x` and `y` are streamed once per two columns of `A`.
fn symv_cols_portable(
    a: &[f64],
    lda: usize,
    m: usize,
    c0: usize,
    c1: usize,
    x: &[f64],
    y: &mut [f64],
) {
    let mut j = c0;
    while j + 1 < c1 {
        let col0 = &a[j * lda..j * lda + m];
        let col1 = &a[(j + 1) * lda..(j + 1) * lda + m];
        let (x0, x1) = (x[j], x[j + 1]);
        let (a00, a10, a11) = (col0[j], col0[j + 1], col1[j + 1]);
        let mut d0 = fmadd::<false>(a10, x1, a00 * x0);
        let mut d1 = fmadd::<false>(a11, x1, a10 * x0);
        let start = j + 2;
        let len = m - start;
        let b0 = &col0[start..m];
        let b1 = &col1[start..m];
        let xs = &x[start..m];
        let ys = &mut y[start..m];
        let mut acc0 = [0.0f64; 8];
        let mut acc1 = [0.0f64; 8];
        let chunks = len / 8;
        for c in 0..chunks {
            let o = c * 8;
            let (p0, p1, xx, yy) = (
                &b0[o..o + 8],
                &b1[o..o + 8],
                &xs[o..o + 8],
                &mut ys[o..o + 8],
            );
            for l in 0..8 {
                acc0[l] = fmadd::<false>(p0[l], xx[l], acc0[l]);
                acc1[l] = fmadd::<false>(p1[l], xx[l], acc1[l]);
                yy[l] = fmadd::<false>(x1, p1[l], fmadd::<false>(x0, p0[l], yy[l]));
            }
        }
        for k in chunks * 8..len {
            d0 = fmadd::<false>(b0[k], xs[k], d0);
            d1 = fmadd::<false>(b1[k], xs[k], d1);
            ys[k] = fmadd::<false>(x1, b1[k], fmadd::<false>(x0, b0[k], ys[k]));
        }
        y[j] += d0 + acc0.iter().sum::<f64>();
        y[j + 1] += d1 + acc1.iter().sum::<f64>();
        j += 2;
    }
    if j < c1 {
        symv_one_col::<false>(a, lda, m, j, x, y);
    }
}
/// AVX2/FMA path of [`symv_cols`]: four columns per pass with explicit 256-bit intrinsics,
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

fn symv_cols(a: &[f64], lda: usize, m: usize, c0: usize, c1: usize, x: &[f64], y: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU supports the enabled target features (checked just above).
            unsafe { symv_cols_avx2(a, lda, m, c0, c1, x, y) };
            return;
        }
    }
    symv_cols_portable(a, lda, m, c0, c1, x, y)
}

/// Width of the column blocks of [`PackedLower`].
const PACK_WIDTH: usize = 32;

/// The lower triangle of a trailing matrix `A(o.., o..)`, copied into contiguous column
/// blocks: block `k` holds columns `o + k·PACK_WIDTH ..` (at most `PACK_WIDTH` of them),
/// rows from its first column to the end, column-major with the block's row count as
/// leading dimension.
///
/// During a panel the symmetric products read only the trailing matrix as it was when the
/// panel started (the panel's own changes enter through the correction terms), so one copy
/// per panel serves all of the panel's products. In this layout consecutive columns follow
/// each other in memory, which the hardware prefetchers stream far better than column
/// segments one leading dimension apart: the product runs 20-40% faster at m = 600-2000
/// (2 threads, measured), for a copy made by the trailing update while the updated blocks
/// are in cache.
struct PackedLower<'a> {
    data: &'a mut [f64],
    /// Start of each block in `data`.
    offsets: Vec<usize>,
    /// First row and column of the copied matrix.
    origin: usize,
    /// Order of the full matrix.
    n: usize,
}

impl<'a> PackedLower<'a> {
    /// Number of values needed for the trailing matrices of an `n×n` matrix (the largest,
    /// `A(1.., 1..)`, is the first copied).
    fn len(n: usize) -> usize {
        let m = n.saturating_sub(1);
        (0..m.div_ceil(PACK_WIDTH))
            .map(|k| (m - k * PACK_WIDTH) * PACK_WIDTH.min(m - k * PACK_WIDTH))
            .sum()
    }

    /// An empty copy for an `n×n` matrix in `storage` (at least [`PackedLower::len`] values).
    fn new(n: usize, storage: &'a mut [f64]) -> Self {
        Self {
            data: storage,
            offsets: Vec::with_capacity(n.div_ceil(PACK_WIDTH)),
            origin: n,
            n,
        }
    }

    /// Splits the storage into the blocks of a copy of `A(origin.., origin..)`, as
    /// `(first column, block)` pairs, and records where they start.
    fn blocks_mut(&mut self, origin: usize) -> Vec<(usize, &mut [f64])> {
        let n = self.n;
        self.origin = origin;
        self.offsets.clear();
        let mut blocks = Vec::with_capacity((n - origin.min(n)).div_ceil(PACK_WIDTH));
        let mut rest = &mut *self.data;
        let mut offset = 0;
        let mut first = origin;
        while first < n {
            let width = PACK_WIDTH.min(n - first);
            let len = (n - first) * width;
            let (block, tail) = std::mem::take(&mut rest).split_at_mut(len);
            self.offsets.push(offset);
            blocks.push((first, block));
            offset += len;
            rest = tail;
            first += width;
        }
        blocks
    }

    /// Copies the lower triangle of `A(origin.., origin..)` from the column-major `n×n`
    /// buffer `a`, one rayon task per block.
    fn fill(&mut self, a: &[f64], origin: usize) {
        let n = self.n;
        self.blocks_mut(origin)
            .into_par_iter()
            .for_each(|(first, block)| pack_block(&a[first * n..], n, first, block));
    }

    /// `y += A(top.., top..)[:, c0 - top .. c1 - top] contribution` as in [`symv_cols`]:
    /// for global columns `c0..c1` (with `origin <= top <= c0`), the column and mirrored-row
    /// contributions to `y = A(top.., top..) x`, where `x` and `y` are indexed from `top`.
    fn symv_cols(&self, top: usize, c0: usize, c1: usize, x: &[f64], y: &mut [f64]) {
        debug_assert!(self.origin <= top && top <= c0 && c1 <= self.n);
        if c0 >= c1 {
            return;
        }
        let (n, origin) = (self.n, self.origin);
        let first_block = (c0 - origin) / PACK_WIDTH;
        let last_block = (c1 - 1 - origin) / PACK_WIDTH;
        for k in first_block..=last_block {
            let first = origin + k * PACK_WIDTH;
            let ld = n - first;
            let lo = c0.max(first);
            let hi = c1.min(first + PACK_WIDTH);
            // View with its origin on the diagonal at `o`: entry (r, c) of A(o.., o..) is
            // at `(c + o − first) ld + r + o − first` of the block.
            let o = top.max(first);
            let view = &self.data[self.offsets[k] + (o - first) * (ld + 1)..];
            symv_cols(
                view,
                ld,
                n - o,
                lo - o,
                hi - o,
                &x[o - top..],
                &mut y[o - top..],
            );
        }
    }
}

/// Copies the lower part of columns `first..` of a column-major matrix with `n` rows
/// (`cols` starts at column `first`) into the packed block `block` (leading dimension
/// `n − first`; column `c` of the block from row `first + c`).
fn pack_block(cols: &[f64], n: usize, first: usize, block: &mut [f64]) {
    let ld = n - first;
    for (c, dst) in block.chunks_mut(ld).enumerate() {
        dst[c..].copy_from_slice(&cols[c * n + first + c..c * n + n]);
    }
}

/// One task of [`update_trailing_and_pack`]: columns `first..` of the matrix (`cols` starts
/// at column `first`) and, unless it is the lone column `s1`, their packed block.
struct UpdateBlock<'a> {
    first: usize,
    cols: &'a mut [f64],
    packed: Option<&'a mut [f64]>,
}

/// Trailing update `A(s1.., s1..) −= L R^T` (lower part; `L`, `R` have `n − s1` rows) of the
/// column-major `n×n` buffer `a`, by column blocks aligned with the packed copy of
/// `A(s1+1.., s1+1..)`, which each block then refreshes from its just-updated columns while
/// they are still in cache. One sequential GEMM per block (diagonal blocks are computed
/// whole, writing above the diagonal of `a`, which is never read); blocks run in parallel
/// unless `par` is sequential. Each block's result does not depend on the split.
fn update_trailing_and_pack(
    a: &mut [f64],
    n: usize,
    s1: usize,
    lhs: MatRef<'_, f64>,
    rhs: MatRef<'_, f64>,
    packed: &mut PackedLower<'_>,
    par: Par,
) {
    let (_, tail) = a.split_at_mut(s1 * n);
    let (column_s1, mut rest) = tail.split_at_mut(n);
    let mut tasks = vec![UpdateBlock {
        first: s1,
        cols: column_s1,
        packed: None,
    }];
    for (first, block) in packed.blocks_mut(s1 + 1) {
        let width = block.len() / (n - first);
        let (cols, tail) = std::mem::take(&mut rest).split_at_mut(width * n);
        tasks.push(UpdateBlock {
            first,
            cols,
            packed: Some(block),
        });
        rest = tail;
    }
    let run = |UpdateBlock {
                   first,
                   cols,
                   packed,
               }: UpdateBlock<'_>| {
        let width = cols.len() / n;
        let rows = n - first;
        let dst =
            MatMut::from_column_major_slice_with_stride_mut(&mut cols[first..], rows, width, n);
        let r0 = first - s1;
        matmul(
            dst,
            Accum::Add,
            lhs.subrows(r0, rows),
            rhs.subrows(r0, width).transpose(),
            -1.0,
            Par::Seq,
        );
        if let Some(block) = packed {
            pack_block(cols, n, first, block);
        }
    };
    match par {
        Par::Seq => tasks.into_iter().for_each(run),
        _ => tasks.into_par_iter().for_each(run),
    }
}

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
fn symv_panel(
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
        packed.symv_cols(top, top, top + m, x, y);
        panel_dots(pairs, x, 0, m, &mut dots);
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
            packed.symv_cols(top, top + bounds[t], top + bounds[t + 1], x, &mut buf[..]);
            panel_dots(pairs, x, bounds[t], bounds[t + 1], d);
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
            subtract_combination_dispatch(chunk, &rows);
            chunk.iter_mut().for_each(|v| *v *= tau);
            dot(chunk, &x[r0..r1])
        })
        .collect();
    chunk_dots.iter().sum()
}

/// The correction terms `(a_k, w_k · x)`, `(w_k, a_k · x)` of the panel pairs, from the dot
/// products laid out as in [`panel_dots`].
fn panel_terms<'a>(pairs: &[(&'a [f64], &'a [f64])], dots: &[f64]) -> Vec<(&'a [f64], f64)> {
    pairs
        .iter()
        .zip(dots.chunks(2))
        .flat_map(|(&(ak, wk), d)| [(ak, d[0]), (wk, d[1])])
        .collect()
}

/// Partial dot products of the panel pairs over indices `r0..r1`:
/// `dots[2k] = w_k · x`, `dots[2k + 1] = a_k · x` (restricted to `r0..r1`); compiled with
/// AVX2/FMA when the CPU has them (it runs on rayon worker threads, outside the
/// AVX2-compiled reduction).
fn panel_dots(pairs: &[(&[f64], &[f64])], x: &[f64], r0: usize, r1: usize, dots: &mut [f64]) {
    #[inline(always)]
    fn body(pairs: &[(&[f64], &[f64])], x: &[f64], r0: usize, r1: usize, dots: &mut [f64]) {
        let xs = &x[r0..r1];
        for (&(ak, wk), d) in pairs.iter().zip(dots.chunks_mut(2)) {
            d[0] = dot(&wk[r0..r1], xs);
            d[1] = dot(&ak[r0..r1], xs);
        }
    }
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx2,fma")]
        fn avx2(pairs: &[(&[f64], &[f64])], x: &[f64], r0: usize, r1: usize, dots: &mut [f64]) {
            body(pairs, x, r0, r1, dots)
        }
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU supports the enabled target features (checked just above).
            unsafe { avx2(pairs, x, r0, r1, dots) };
            return;
        }
    }
    body(pairs, x, r0, r1, dots)
}

/// `Σ a_r b_r` with eight independent partial sums (vectorizes; a single running sum is a
/// serial dependency chain of one addition latency per element).
#[inline(always)]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let len = a.len().min(b.len());
    let (a, b) = (&a[..len], &b[..len]);
    let mut acc = [0.0f64; 8];
    let (ac, bc) = (a.chunks_exact(8), b.chunks_exact(8));
    let (ar, br) = (ac.remainder(), bc.remainder());
    for (x, y) in ac.zip(bc) {
        for l in 0..8 {
            acc[l] += x[l] * y[l];
        }
    }
    let tail: f64 = ar.iter().zip(br).map(|(x, y)| x * y).sum();
    ((acc[0] + acc[4]) + (acc[1] + acc[5])) + ((acc[2] + acc[6]) + (acc[3] + acc[7])) + tail
}

/// `target -= Σ_k c_k col_k` over the `(col_k, c_k)` pairs (each `col_k` at least as long as
/// `target`), four columns per pass so that `target` is read and written once per four.
#[inline(always)]
fn subtract_combination(target: &mut [f64], terms: &[(&[f64], f64)]) {
    let len = target.len();
    let mut quads = terms.chunks_exact(4);
    for q in quads.by_ref() {
        let (c0, c1, c2, c3) = (
            &q[0].0[..len],
            &q[1].0[..len],
            &q[2].0[..len],
            &q[3].0[..len],
        );
        let (k0, k1, k2, k3) = (q[0].1, q[1].1, q[2].1, q[3].1);
        for r in 0..len {
            target[r] -= (k0 * c0[r] + k1 * c1[r]) + (k2 * c2[r] + k3 * c3[r]);
        }
    }
    for &(col, k) in quads.remainder() {
        let col = &col[..len];
        for r in 0..len {
            target[r] -= k * col[r];
        }
    }
}

/// Rows per task of [`subtract_combination_par`].
const COMBINATION_CHUNK: usize = 256;

/// [`subtract_combination`] split over rows into rayon tasks when `target` is long (at
/// least [`SYMV_PAR_MIN`] entries). Rows are independent and each row is computed with the
/// same terms in the same order as in the serial version, so the result is bit-identical
/// whatever the split or the thread count.
fn subtract_combination_par(target: &mut [f64], terms: &[(&[f64], f64)]) {
    if target.len() < SYMV_PAR_MIN {
        subtract_combination_dispatch(target, terms);
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
            subtract_combination_dispatch(part, &rows);
        });
}

/// [`subtract_combination`] compiled with AVX2/FMA when the CPU has them (for rayon worker
/// threads, outside the AVX2-compiled reduction).
fn subtract_combination_dispatch(target: &mut [f64], terms: &[(&[f64], f64)]) {
    #[cfg(target_arch = "x86_64")]
    {
        #[target_feature(enable = "avx2,fma")]
        fn avx2(target: &mut [f64], terms: &[(&[f64], f64)]) {
            subtract_combination(target, terms)
        }
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU supports the enabled target features (checked just above).
            unsafe { avx2(target, terms) };
            return;
        }
    }
    subtract_combination(target, terms)
}

/// Householder reflector (LAPACK `dlarfg`): given `alpha` and `x`, returns `(beta, tau)` and
/// overwrites `x` with `v[1..]` so that `(I − tau v v^T) (alpha, x) = (beta, 0)`, `v[0] = 1`.
fn householder(alpha: f64, x: &mut [f64]) -> (f64, f64) {
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
/// (`n×n`, leading dimension `n`) to tridiagonal form; returns `(diag, offdiag)`.
/// `a` is destroyed.
fn tridiagonalize(
    a: &mut [f64],
    n: usize,
    par: Par,
    scratch: &mut Vec<f64>,
) -> (Vec<f64>, Vec<f64>) {
    #[cfg(target_arch = "x86_64")]
    {
        if std::is_x86_feature_detected!("avx2") && std::is_x86_feature_detected!("fma") {
            // SAFETY: the CPU supports the enabled target features (checked just above).
            return unsafe { tridiagonalize_avx2(a, n, par, scratch) };
        }
    }
    tridiagonalize_body(a, n, par, scratch)
}

/// [`tridiagonalize_body`] compiled with AVX2 (vectorized panel updates).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
fn tridiagonalize_avx2(
    a: &mut [f64],
    n: usize,
    par: Par,
    scratch: &mut Vec<f64>,
) -> (Vec<f64>, Vec<f64>) {
    tridiagonalize_body(a, n, par, scratch)
}

#[inline(always)]
fn tridiagonalize_body(
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
                subtract_combination_par(&mut right[g..n], &terms);
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
            let wv = symv_panel(&packed, g + 1, len, v, wi, work, &pairs, tau);
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

/// Eigenvalues of the symmetric tridiagonal matrix with diagonal `d` and off-diagonal `e`
/// (`e.len() == d.len() − 1`), by the root-free (rational) QL iteration of EISPACK's
/// `tqlrat` (Reinsch): values only, no square root per rotation. Returns them unsorted.
fn tridiagonal_eigenvalues(mut d: Vec<f64>, e: &[f64]) -> Result<Vec<f64>, SpikedError> {
    let n = d.len();
    if n <= 1 {
        return Ok(d);
    }
    let mut e2: Vec<f64> = e
        .iter()
        .map(|v| v * v)
        .chain(std::iter::once(0.0))
        .collect();
    let (mut f, mut t, mut b, mut c) = (0.0f64, 0.0f64, 0.0f64, 0.0f64);
    for l in 0..n {
        let mut iterations = 0;
        let h = d[l].abs() + e2[l].sqrt();
        if t <= h {
            t = h;
            b = f64::EPSILON * t;
            c = b * b;
        }
        // Small squared sub-diagonal element (e2[n-1] = 0 ends the search).
        let m = (l..n).find(|&m| e2[m] <= c).unwrap_or(n - 1);
        if m != l {
            loop {
                if iterations == 60 {
                    return Err(SpikedError::NotConverged {
                        residual: e2[l].abs().sqrt(),
                        iterations,
                    });
                }
                iterations += 1;
                // Shift.
                let s = e2[l].sqrt();
                let g = d[l];
                let p = (d[l + 1] - g) / (2.0 * s);
                let r = p.hypot(1.0);
                d[l] = s / (p + r.copysign(p));
                let h = g - d[l];
                for di in d[l + 1..n].iter_mut() {
                    *di -= h;
                }
                f += h;
                // Rational QL transformation.
                let mut g = d[m];
                if g == 0.0 {
                    g = b;
                }
                let mut h = g;
                let mut s = 0.0;
                for i in (l..m).rev() {
                    let p = g * h;
                    let r = p + e2[i];
                    e2[i + 1] = s * r;
                    s = e2[i] / r;
                    d[i + 1] = h + s * (h + d[i]);
                    g = d[i] - e2[i] / g;
                    if g == 0.0 {
                        g = b;
                    }
                    h = g * p / r;
                }
                e2[l] = s * g;
                d[l] = h;
                // Convergence test, guarded against underflow.
                if h == 0.0 || e2[l].abs() <= (c / h).abs() {
                    break;
                }
                e2[l] *= h;
                if e2[l] == 0.0 {
                    break;
                }
            }
        }
        d[l] += f;
    }
    Ok(d)
}

/// All eigenvalues (unsorted order from the QR iteration) of the symmetric matrix whose lower
/// triangle is stored in the column-major `n×n` buffer `a` (destroyed).
pub(crate) fn eigenvalues_lower_in_place(
    a: &mut [f64],
    n: usize,
    par: Par,
) -> Result<Vec<f64>, SpikedError> {
    eigenvalues_lower_with_scratch(a, n, par, &mut Vec::new())
}

/// [`eigenvalues_lower_in_place`] with the reduction's scratch memory (about `n²/2` values,
/// the blocked copies of the trailing matrices) taken from `scratch`, grown if needed and
/// kept for the next call.
pub(crate) fn eigenvalues_lower_with_scratch(
    a: &mut [f64],
    n: usize,
    par: Par,
    scratch: &mut Vec<f64>,
) -> Result<Vec<f64>, SpikedError> {
    assert_eq!(a.len(), n * n);
    if n == 0 {
        return Ok(Vec::new());
    }
    let (diag, offdiag) = rayon::scope(|_| tridiagonalize(a, n, par, scratch));
    let ev = tridiagonal_eigenvalues(diag, &offdiag)?;
    Ok(ev)
}

/// Copies the lower triangle of `a` into a fresh column-major buffer.
pub(crate) fn lower_to_buffer(a: MatRef<'_, f64>) -> Vec<f64> {
    let n = a.nrows();
    let mut buf = vec![0.0; n * n];
    for j in 0..n {
        for i in j..n {
            buf[j * n + i] = a[(i, j)];
        }
    }
    buf
}

#[cfg(test)]
mod tests {
    use super::*;
    use faer::dyn_stack::{MemBuffer, MemStack};
    use faer::linalg::evd::{ComputeEigenvectors, self_adjoint_evd, self_adjoint_evd_scratch};
    use rand::RngExt;

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
        let mut rng = crate::seed::stream_rng(7, 0);
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
        let mut rng = crate::seed::stream_rng(99, 0);
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
        let mut rng = crate::seed::stream_rng(5, 0);
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

    /// `symv_cols` (the AVX2 kernel where the CPU has it) and the portable path over every
    /// column range `c0..c1` (all residues mod 4, odd tails) against the naive product with
    /// the mirrored lower triangle.
    #[test]
    fn packed_symv_matches_naive_product_on_any_window() {
        // n = 75: blocks of 32 columns from each origin, the last one ragged; products from
        // `top` (the first row of the window) over column ranges that start, end and
        // straddle anywhere relative to the blocks.
        let n = 75;
        let mut rng = crate::seed::stream_rng(12, 0);
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
                    let mut y = vec![0.0; m];
                    packed.symv_cols(top, top + c0, top + c1, &x, &mut y);
                    let mut want = vec![0.0; m];
                    for j in c0..c1 {
                        want[j] += sym[(top + j, top + j)] * x[j];
                        for i in j + 1..m {
                            want[i] += sym[(top + i, top + j)] * x[j];
                            want[j] += sym[(top + i, top + j)] * x[i];
                        }
                    }
                    for i in 0..m {
                        assert!(
                            (y[i] - want[i]).abs() <= 1e-13 * (1.0 + want[i].abs()),
                            "origin {origin} top {top} cols {c0}..{c1} row {i}: {} vs {}",
                            y[i],
                            want[i]
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn symv_column_ranges_match_naive_symmetric_product() {
        let mut rng = crate::seed::stream_rng(11, 0);
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
                    let mut y = vec![0.0; m];
                    symv_cols(&a, lda, m, c0, c1, &x, &mut y);
                    let mut y_portable = vec![0.0; m];
                    symv_cols_portable(&a, lda, m, c0, c1, &x, &mut y_portable);
                    // columns c0..c1 of the lower triangle and their mirrored rows
                    let mut want = vec![0.0; m];
                    for j in c0..c1 {
                        want[j] += lower(j, j) * x[j];
                        for i in j + 1..m {
                            want[i] += lower(i, j) * x[j];
                            want[j] += lower(i, j) * x[i];
                        }
                    }
                    for (path, got) in [("dispatched", &y), ("portable", &y_portable)] {
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
        let mut rng = crate::seed::stream_rng(13, 0);
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
                let mut split = start;
                subtract_combination_par(&mut split, &terms);
                assert!(
                    serial
                        .iter()
                        .zip(&split)
                        .all(|(a, b)| a.to_bits() == b.to_bits()),
                    "len {len}, {count} terms"
                );
            }
        }
    }

    #[test]
    fn tridiagonalization_is_independent_of_faer_parallelism_degree() {
        let n = 500;
        let mut rng = crate::seed::stream_rng(7, 0);
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
}
