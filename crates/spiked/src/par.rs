//! Parallelism settings for faer kernels, chosen so that results never depend on the number
//! of rayon threads.
//!
//! - [`faer_par`] (`Par::rayon(0)`, the whole pool) for the matrix products whose output
//!   blocks are split across threads without changing any summation order (faer's GEMM and
//!   triangular GEMM; checked by the reproducibility tests);
//! - [`fixed_par`] (a fixed degree) for kernels whose summation order follows the degree
//!   (matrix-vector products, Cholesky, eigen-solvers): the work is cut into the same pieces
//!   on every machine, whatever the pool size.

use faer::linalg::matmul::matmul;
use faer::{Accum, Col, MatRef, Par};

/// Degree of [`fixed_par`].
pub const FIXED_DEGREE: usize = 2;

/// The faer parallelism of the crate's GEMMs: rayon on the whole current pool.
pub fn faer_par() -> Par {
    Par::rayon(0)
}

/// A fixed-degree parallelism for order-sensitive kernels (see module docs).
pub fn fixed_par() -> Par {
    Par::rayon(FIXED_DEGREE)
}

/// `A x` with a thread-count-independent summation order.
pub(crate) fn matvec(a: MatRef<'_, f64>, x: &[f64]) -> Vec<f64> {
    assert_eq!(a.ncols(), x.len());
    let xc = Col::<f64>::from_fn(x.len(), |i| x[i]);
    let mut y = Col::<f64>::zeros(a.nrows());
    matmul(
        y.as_mat_mut(),
        Accum::Replace,
        a,
        xc.as_mat(),
        1.0,
        fixed_par(),
    );
    (0..a.nrows()).map(|i| y[i]).collect()
}
