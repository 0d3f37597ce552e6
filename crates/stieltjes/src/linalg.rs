//! faer glue for the small dense complex systems of the solvers: the `r × r` inverses and
//! the `n × n` Newton Jacobian of the spiked equations (`n = r + r(r+1)/2`,
//! `r ≤ Profile::MAX_GROUPS`) and the Anderson normal equations (`≤ 32 × 32`).
//!
//! The factorization is faer's LU with partial pivoting
//! ([`faer::linalg::lu::partial_pivoting`]), products are [`faer::linalg::matmul::matmul`],
//! all sequential ([`Par::Seq`]). [`DenseLu`] holds the factors, the permutation and a
//! preallocated scratch buffer, so the solvers' inner steps do not allocate.
//!
//! faer does not report singular systems; [`DenseLu::factor`] does: it returns `false`
//! unless every entry of the factors is finite and every pivot is nonzero, so a singular or
//! non-finite system is a typed error upstream, never a silent NaN.
//!
//! Cost. faer's generic kernels (blocked recursion, permutation through a temporary,
//! `nano-gemm` planning per product) carry a fixed per-call overhead that dominates at these
//! sizes (`r ≤ 4` in the benches: `1 × 1`…`14 × 14`). Measured with the crate bench
//! `spectra` (criterion medians, 2 shared cores, old hand-written LU → faer, best of three
//! interleaved runs each):
//!
//! | bench                           | hand-written | faer     | ratio |
//! |---------------------------------|--------------|----------|-------|
//! | density, 1000 points, r=2 K=40  | 5.91 ms      | 9.92 ms  | 1.68  |
//! | density, 1000 points, r=2 K=100 | 8.85 ms      | 13.96 ms | 1.58  |
//! | density, 1000 points, r=2 K=160 | 11.93 ms     | 17.49 ms | 1.47  |
//! | m(z) cold, r=1 K=40             | 10.92 µs     | 18.23 µs | 1.67  |
//! | m(z) cold, r=2 K=40             | 16.60 µs     | 26.31 µs | 1.58  |
//! | m(z) cold, r=4 K=40             | 47.27 µs     | 61.01 µs | 1.29  |
//! | m(z) warm, r=1 K=40             | 3.19 µs      | 5.78 µs  | 1.81  |
//! | m(z) warm, r=4 K=100            | 40.11 µs     | 43.80 µs | 1.09  |
//!
//! The inverses are computed as `A X = I` by the triangular solves, which is ~1.2× faster
//! here than faer's `partial_pivoting::inverse` (triangular inverses and a triangular
//! product; density r=2 K=40: 12.2 ms with it).

use faer::dyn_stack::{MemStack, StackReq};
use faer::linalg::lu::partial_pivoting::{factor, solve};
use faer::perm::PermRef;
use faer::reborrow::ReborrowMut;
use faer::{Accum, Mat, MatMut, MatRef, Par};
use num_complex::Complex64 as C64;
use std::mem::MaybeUninit;

/// In-place LU factorization with partial pivoting of a square system of dimension up to
/// `max_dim`, with its own scratch space (no allocation after [`DenseLu::new`]).
#[derive(Debug, Clone)]
pub(crate) struct DenseLu {
    /// Column-major `max_dim × max_dim` storage; the leading `dim × dim` block is in use.
    lu: Mat<C64>,
    dim: usize,
    perm: Vec<usize>,
    perm_inv: Vec<usize>,
    stack: Vec<MaybeUninit<u8>>,
}

impl DenseLu {
    /// Storage and scratch for systems of dimension `≤ max_dim` (factor, solve with up to
    /// `max_dim` right-hand sides, inverse).
    pub(crate) fn new(max_dim: usize) -> Self {
        let n = max_dim;
        let req = StackReq::any_of(&[
            factor::lu_in_place_scratch::<usize, C64>(n, n, Par::Seq, Default::default()),
            solve::solve_in_place_scratch::<usize, C64>(n, n, Par::Seq),
        ]);
        Self {
            lu: Mat::zeros(n, n),
            dim: n,
            perm: vec![0; n],
            perm_inv: vec![0; n],
            stack: vec![MaybeUninit::new(0); req.unaligned_bytes_required()],
        }
    }

    /// The `dim × dim` matrix to fill before [`Self::factor`] (column-major view).
    pub(crate) fn matrix_mut(&mut self, dim: usize) -> MatMut<'_, C64> {
        assert!(dim <= self.lu.nrows(), "DenseLu: dim {dim} > capacity");
        self.dim = dim;
        self.lu.as_mut().submatrix_mut(0, 0, dim, dim)
    }

    /// The current `dim × dim` block (the matrix before [`Self::factor`], the factors after).
    pub(crate) fn matrix(&self) -> MatRef<'_, C64> {
        self.lu.as_ref().submatrix(0, 0, self.dim, self.dim)
    }

    /// Writes entry `(i, j)` of the matrix to factor.
    #[inline]
    pub(crate) fn set(&mut self, i: usize, j: usize, v: C64) {
        self.lu[(i, j)] = v;
    }

    /// Factors `P A = L U` in place. Returns `false` if a pivot is zero or any entry of the
    /// factors is not finite (singular or non-finite input); the factors are then unusable.
    pub(crate) fn factor(&mut self) -> bool {
        let n = self.dim;
        let a = self.lu.as_mut().submatrix_mut(0, 0, n, n);
        factor::lu_in_place(
            a,
            &mut self.perm[..n],
            &mut self.perm_inv[..n],
            Par::Seq,
            MemStack::new(&mut self.stack),
            Default::default(),
        );
        let lu = self.matrix();
        (0..n).all(|j| {
            let d = lu[(j, j)];
            d != C64::new(0.0, 0.0)
                && (0..n).all(|i| {
                    let v = lu[(i, j)];
                    v.re.is_finite() && v.im.is_finite()
                })
        })
    }

    /// Solves `A X = B` in place (`B` is `dim × k`, `k ≤ max_dim`) with the factors of a
    /// successful [`Self::factor`].
    pub(crate) fn solve_in_place(&mut self, rhs: MatMut<'_, C64>) {
        let n = self.dim;
        let lu = self.lu.as_ref().submatrix(0, 0, n, n);
        let perm = PermRef::new_checked(&self.perm[..n], &self.perm_inv[..n], n);
        solve::solve_in_place(lu, lu, perm, rhs, Par::Seq, MemStack::new(&mut self.stack));
    }

    /// Solves `A x = b` in place for one right-hand side.
    pub(crate) fn solve_vec_in_place(&mut self, b: &mut [C64]) {
        let n = self.dim;
        self.solve_in_place(faer::ColMut::from_slice_mut(&mut b[..n]).as_mat_mut());
    }

    /// `A⁻¹` into `out` (`dim × dim`, any strides) with the factors of a successful
    /// [`Self::factor`]. Returns `false` if an entry of the inverse is not finite.
    pub(crate) fn inverse_into(&mut self, mut out: MatMut<'_, C64>) -> bool {
        let n = self.dim;
        // A X = I by the triangular solves: on these tiny systems this is cheaper than
        // faer's `inverse` (triangular inverses and a triangular product).
        out.fill(C64::new(0.0, 0.0));
        out.rb_mut().diagonal_mut().fill(C64::new(1.0, 0.0));
        self.solve_in_place(out.rb_mut());
        let out = out.as_ref();
        (0..n).all(|j| {
            (0..n).all(|i| {
                let v = out[(i, j)];
                v.re.is_finite() && v.im.is_finite()
            })
        })
    }
}

/// Row-major `r × c` view of a slice.
#[inline]
pub(crate) fn rm(s: &[C64], r: usize, c: usize) -> MatRef<'_, C64> {
    MatRef::from_row_major_slice(&s[..r * c], r, c)
}

/// Row-major mutable `r × c` view of a slice.
#[inline]
pub(crate) fn rm_mut(s: &mut [C64], r: usize, c: usize) -> MatMut<'_, C64> {
    MatMut::from_row_major_slice_mut(&mut s[..r * c], r, c)
}

/// `out = a · b` for `n × n` row-major slices.
pub(crate) fn matmul(a: &[C64], b: &[C64], out: &mut [C64], n: usize) {
    faer::linalg::matmul::matmul(
        rm_mut(out, n, n),
        Accum::Replace,
        rm(a, n, n),
        rm(b, n, n),
        C64::new(1.0, 0.0),
        Par::Seq,
    );
}

/// Max-norm of a complex slice.
pub(crate) fn max_norm(x: &[C64]) -> f64 {
    x.iter().fold(0.0_f64, |m, v| m.max(v.norm()))
}

/// `max |v|` over `values`, NaN if any is NaN. Computed as `sqrt(max |v|²)` (no `hypot` per
/// entry; the two agree to an ulp) unless `|v|²` leaves the range where squaring is safe,
/// then with `hypot`.
pub(crate) fn max_norm_of(values: impl Iterator<Item = C64> + Clone) -> f64 {
    let m2 = values.clone().fold(0.0_f64, |m, v| {
        let s = v.norm_sqr();
        if s.is_nan() || m.is_nan() {
            f64::NAN
        } else {
            m.max(s)
        }
    });
    if m2.is_nan() {
        f64::NAN
    } else if m2 == 0.0 || (1e-290..=1e290).contains(&m2) {
        m2.sqrt()
    } else {
        values.fold(0.0_f64, |m, v| m.max(v.norm()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(re: f64, im: f64) -> C64 {
        C64::new(re, im)
    }

    #[test]
    fn lu_solves_a_known_complex_system() {
        // A = [[2, i], [1, 3]], x = [1, 1 - i]; b = A x = [2 + i + 1, 1 + 3 - 3i]
        let mut lu = DenseLu::new(3);
        let a = [[c(2.0, 0.0), c(0.0, 1.0)], [c(1.0, 0.0), c(3.0, 0.0)]];
        let mut m = lu.matrix_mut(2);
        for i in 0..2 {
            for j in 0..2 {
                m[(i, j)] = a[i][j];
            }
        }
        assert!(lu.factor());
        let mut b = vec![c(3.0, 1.0), c(4.0, -3.0)];
        lu.solve_vec_in_place(&mut b);
        assert!((b[0] - c(1.0, 0.0)).norm() < 1e-14);
        assert!((b[1] - c(1.0, -1.0)).norm() < 1e-14);
    }

    #[test]
    fn inverse_of_a_known_complex_matrix() {
        // A = [[1, i], [0, 2]], A^{-1} = [[1, -i/2], [0, 1/2]]
        let mut lu = DenseLu::new(2);
        lu.set(0, 0, c(1.0, 0.0));
        lu.set(0, 1, c(0.0, 1.0));
        lu.set(1, 0, c(0.0, 0.0));
        lu.set(1, 1, c(2.0, 0.0));
        assert!(lu.factor());
        let mut inv = vec![c(0.0, 0.0); 4];
        assert!(lu.inverse_into(rm_mut(&mut inv, 2, 2)));
        let expected = [c(1.0, 0.0), c(0.0, -0.5), c(0.0, 0.0), c(0.5, 0.0)];
        for (v, e) in inv.iter().zip(&expected) {
            assert!((v - e).norm() < 1e-15, "{v} vs {e}");
        }
    }

    #[test]
    fn singular_and_non_finite_matrices_are_reported() {
        let mut lu = DenseLu::new(3);
        lu.matrix_mut(2).fill(c(1.0, 0.0));
        assert!(!lu.factor());
        // the identity with one non-finite entry, below and above the diagonal
        for (i, j, bad) in [(2, 0, f64::NAN), (0, 2, f64::INFINITY)] {
            let mut m = lu.matrix_mut(3);
            m.fill(c(0.0, 0.0));
            m.rb_mut().diagonal_mut().fill(c(1.0, 0.0));
            m[(i, j)] = c(bad, 0.0);
            assert!(!lu.factor(), "entry ({i}, {j}) = {bad}");
        }
    }

    #[test]
    fn matmul_of_row_major_slices() {
        // [[1, i], [2, 0]] · [[0, 1], [1, i]] = [[i, 1 - 1], [0, 2]]
        let a = [c(1.0, 0.0), c(0.0, 1.0), c(2.0, 0.0), c(0.0, 0.0)];
        let b = [c(0.0, 0.0), c(1.0, 0.0), c(1.0, 0.0), c(0.0, 1.0)];
        let mut out = [c(9.0, 9.0); 4];
        matmul(&a, &b, &mut out, 2);
        let expected = [c(0.0, 1.0), c(0.0, 0.0), c(0.0, 0.0), c(2.0, 0.0)];
        assert_eq!(out, expected);
    }
}
