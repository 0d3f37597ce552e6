//! Portable (safe) kernels of the reduction: the symmetric matrix-vector product by column
//! ranges of a lower-stored block, dot products with independent partial sums, and
//! combinations of columns. The AVX2/FMA builds of the same code are in `simd`, the one
//! module with `unsafe` code; these are also its fallback on CPUs without AVX2/FMA.
//!
//! The reduction reaches the three kernels it runs on rayon tasks through the [`Kernels`]
//! trait: [`Portable`] here, `simd::Avx2` (a value that exists only once the CPU features
//! were detected) there. So `reduction` and `packed` import only this module, and `simd`
//! sits above them.

/// The kernels the reduction calls from rayon tasks (which do not inherit the target
/// features of the function that spawned them), chosen once per reduction.
pub(crate) trait Kernels: Copy + Send + Sync {
    /// `y += A x` for columns `c0..c1` of a lower-stored block ([`symv_cols_portable`]).
    #[allow(clippy::too_many_arguments)]
    fn symv_cols(
        self,
        a: &[f64],
        lda: usize,
        m: usize,
        c0: usize,
        c1: usize,
        x: &[f64],
        y: &mut [f64],
    );
    /// Partial dot products of the panel pairs ([`panel_dots_body`]).
    fn panel_dots(
        self,
        pairs: &[(&[f64], &[f64])],
        x: &[f64],
        r0: usize,
        r1: usize,
        dots: &mut [f64],
    );
    /// `target -= Σ_k c_k col_k` ([`subtract_combination`]).
    fn subtract_combination(self, target: &mut [f64], terms: &[(&[f64], f64)]);
}

/// The portable kernels of this module (any CPU).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Portable;

impl Kernels for Portable {
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
        symv_cols_portable(a, lda, m, c0, c1, x, y)
    }
    fn panel_dots(
        self,
        pairs: &[(&[f64], &[f64])],
        x: &[f64],
        r0: usize,
        r1: usize,
        dots: &mut [f64],
    ) {
        panel_dots_body(pairs, x, r0, r1, dots)
    }
    fn subtract_combination(self, target: &mut [f64], terms: &[(&[f64], f64)]) {
        subtract_combination(target, terms)
    }
}

#[inline(always)]
pub(crate) fn fmadd<const FMA: bool>(a: f64, b: f64, c: f64) -> f64 {
    if FMA { a.mul_add(b, c) } else { a * b + c }
}

/// Column `j` of the lower-stored symmetric block: `y[j] += A[j.., j] · x[j..]`,
/// `y[j+1..] += x[j] A[j+1.., j]`.
#[inline(always)]
pub(crate) fn symv_one_col<const FMA: bool>(
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
pub(crate) fn symv_cols_portable(
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

/// Partial dot products of the panel pairs over indices `r0..r1`:
/// `dots[2k] = w_k · x`, `dots[2k + 1] = a_k · x` (restricted to `r0..r1`) (portable body of
/// [`Kernels::panel_dots`]).
#[inline(always)]
pub(crate) fn panel_dots_body(
    pairs: &[(&[f64], &[f64])],
    x: &[f64],
    r0: usize,
    r1: usize,
    dots: &mut [f64],
) {
    let xs = &x[r0..r1];
    for (&(ak, wk), d) in pairs.iter().zip(dots.chunks_mut(2)) {
        d[0] = dot(&wk[r0..r1], xs);
        d[1] = dot(&ak[r0..r1], xs);
    }
}

/// `Σ a_r b_r` with eight independent partial sums (vectorizes; a single running sum is a
/// serial dependency chain of one addition latency per element).
#[inline(always)]
pub(crate) fn dot(a: &[f64], b: &[f64]) -> f64 {
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
pub(crate) fn subtract_combination(target: &mut [f64], terms: &[(&[f64], f64)]) {
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
