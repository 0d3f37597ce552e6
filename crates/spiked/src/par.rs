//! Parallelism settings for faer kernels.

use faer::Par;

/// The faer parallelism used by the crate's dense kernels: rayon on the current pool.
pub fn faer_par() -> Par {
    Par::rayon(0)
}
