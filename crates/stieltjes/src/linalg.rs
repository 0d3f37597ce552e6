//! Tiny dense complex linear algebra for the `r × r` and `n × n` systems of the solvers
//! (`n = r + r(r+1)/2` unknowns, `r ≤ Profile::MAX_GROUPS`). Row-major slices, no allocation.

use num_complex::Complex64 as C64;

/// Solves `A X = B` in place by Gaussian elimination with partial pivoting.
///
/// `a` is `n × n` row-major (destroyed), `b` is `n × k` row-major and receives `X`.
/// Returns `false` if a pivot is zero or not finite (singular or NaN input).
pub(crate) fn lu_solve(a: &mut [C64], n: usize, b: &mut [C64], k: usize) -> bool {
    debug_assert!(a.len() >= n * n && b.len() >= n * k);
    for col in 0..n {
        // pivot
        let mut piv = col;
        let mut best = a[col * n + col].norm_sqr();
        for row in col + 1..n {
            let v = a[row * n + col].norm_sqr();
            if v > best {
                best = v;
                piv = row;
            }
        }
        if !(best.is_finite() && best > 0.0) {
            return false;
        }
        if piv != col {
            for j in 0..n {
                a.swap(col * n + j, piv * n + j);
            }
            for j in 0..k {
                b.swap(col * k + j, piv * k + j);
            }
        }
        let inv = a[col * n + col].inv();
        for row in col + 1..n {
            let f = a[row * n + col] * inv;
            if f == C64::new(0.0, 0.0) {
                continue;
            }
            a[row * n + col] = f;
            for j in col + 1..n {
                let v = a[col * n + j];
                a[row * n + j] -= f * v;
            }
            for j in 0..k {
                let v = b[col * k + j];
                b[row * k + j] -= f * v;
            }
        }
    }
    // back substitution
    for col in (0..n).rev() {
        let inv = a[col * n + col].inv();
        for j in 0..k {
            let mut acc = b[col * k + j];
            for l in col + 1..n {
                acc -= a[col * n + l] * b[l * k + j];
            }
            b[col * k + j] = acc * inv;
        }
    }
    true
}

/// In-place LU factorization with partial pivoting (`P A = L U`, unit lower `L` below the
/// diagonal); `piv[i]` is the row swapped with row `i` at step `i`. Returns `false` if singular.
pub(crate) fn lu_factor(a: &mut [C64], n: usize, piv: &mut [usize]) -> bool {
    for col in 0..n {
        let mut p = col;
        let mut best = a[col * n + col].norm_sqr();
        for row in col + 1..n {
            let v = a[row * n + col].norm_sqr();
            if v > best {
                best = v;
                p = row;
            }
        }
        if !(best.is_finite() && best > 0.0) {
            return false;
        }
        piv[col] = p;
        if p != col {
            for j in 0..n {
                a.swap(col * n + j, p * n + j);
            }
        }
        let inv = a[col * n + col].inv();
        for row in col + 1..n {
            let f = a[row * n + col] * inv;
            a[row * n + col] = f;
            if f == C64::new(0.0, 0.0) {
                continue;
            }
            for j in col + 1..n {
                let v = a[col * n + j];
                a[row * n + j] -= f * v;
            }
        }
    }
    true
}

/// Solves `A x = b` in place with the factors of [`lu_factor`].
pub(crate) fn lu_apply(lu: &[C64], n: usize, piv: &[usize], b: &mut [C64]) {
    for i in 0..n {
        if piv[i] != i {
            b.swap(i, piv[i]);
        }
    }
    for i in 0..n {
        let mut acc = b[i];
        for j in 0..i {
            acc -= lu[i * n + j] * b[j];
        }
        b[i] = acc;
    }
    for i in (0..n).rev() {
        let mut acc = b[i];
        for j in i + 1..n {
            acc -= lu[i * n + j] * b[j];
        }
        b[i] = acc / lu[i * n + i];
    }
}

/// Inverse of the `n × n` matrix `a` (destroyed) into `inv`.
pub(crate) fn invert(a: &mut [C64], n: usize, inv: &mut [C64]) -> bool {
    for i in 0..n {
        for j in 0..n {
            inv[i * n + j] = if i == j {
                C64::new(1.0, 0.0)
            } else {
                C64::new(0.0, 0.0)
            };
        }
    }
    lu_solve(a, n, inv, n)
}

/// `out = a · b` for `n × n` row-major matrices.
pub(crate) fn matmul(a: &[C64], b: &[C64], out: &mut [C64], n: usize) {
    for i in 0..n {
        for j in 0..n {
            let mut acc = C64::new(0.0, 0.0);
            for l in 0..n {
                acc += a[i * n + l] * b[l * n + j];
            }
            out[i * n + j] = acc;
        }
    }
}

/// Max-norm of a complex slice.
pub(crate) fn max_norm(x: &[C64]) -> f64 {
    x.iter().fold(0.0_f64, |m, v| m.max(v.norm()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lu_solve_inverts_a_known_complex_system() {
        // A = [[2, i], [1, 3]], x = [1, 1 - i]; b = A x = [2 + i + 1, 1 + 3 - 3i]
        let mut a = vec![
            C64::new(2.0, 0.0),
            C64::new(0.0, 1.0),
            C64::new(1.0, 0.0),
            C64::new(3.0, 0.0),
        ];
        let mut b = vec![C64::new(3.0, 1.0), C64::new(4.0, -3.0)];
        assert!(lu_solve(&mut a, 2, &mut b, 1));
        assert!((b[0] - C64::new(1.0, 0.0)).norm() < 1e-14);
        assert!((b[1] - C64::new(1.0, -1.0)).norm() < 1e-14);
    }

    #[test]
    fn lu_factor_then_apply_equals_lu_solve() {
        let n = 4;
        let a: Vec<C64> = (0..n * n)
            .map(|i| {
                C64::new(
                    (i as f64 * 0.37).sin() + if i % 5 == 0 { 3.0 } else { 0.0 },
                    (i as f64 * 0.11).cos(),
                )
            })
            .collect();
        let b: Vec<C64> = (0..n).map(|i| C64::new(i as f64, 1.0 - i as f64)).collect();
        let mut a1 = a.clone();
        let mut x1 = b.clone();
        assert!(lu_solve(&mut a1, n, &mut x1, 1));
        let mut a2 = a.clone();
        let mut piv = vec![0; n];
        assert!(lu_factor(&mut a2, n, &mut piv));
        let mut x2 = b.clone();
        lu_apply(&a2, n, &piv, &mut x2);
        for i in 0..n {
            assert!((x1[i] - x2[i]).norm() < 1e-13);
        }
    }

    #[test]
    fn singular_matrix_is_reported() {
        let mut a = vec![C64::new(1.0, 0.0); 4];
        let mut b = vec![C64::new(1.0, 0.0); 2];
        assert!(!lu_solve(&mut a, 2, &mut b, 1));
    }
}
