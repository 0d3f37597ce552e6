//! Seed derivation and per-stream generators.
//!
//! Every random draw of the crate comes from a [`ChaCha8Rng`] keyed by a 64-bit seed and
//! positioned on a 64-bit *stream*. Samplers use one stream per column of data (sample
//! `ν` ↦ stream `ν`) or per row of weights (neuron `i` ↦ stream `i`), so
//!
//! - the result does not depend on the number of rayon threads (each column is filled from
//!   its own stream, in a fixed order inside the column), and
//! - the data of sample `ν` do not depend on how a long batch is cut into chunks: the
//!   `10^5`-point test set streamed 2 048 samples at a time is the same as the one drawn at once.
//!
//! Independent quantities of one simulation (training data, test data, first-layer weights,
//! target direction, ...) use seeds derived from the master seed with [`derive_seed`] and a
//! tag from [`tags`].

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Tags used by the crate to derive independent seeds from one master seed.
pub mod tags {
    /// Inputs `x` (and their label noise) of the ridge training set.
    pub const TRAIN_DATA: u64 = 1;
    /// Inputs of the fresh test set used to estimate `E_gen`.
    pub const TEST_DATA: u64 = 2;
    /// First-layer rows `w_i^0` (uniform on the sphere).
    pub const FIRST_LAYER: u64 = 3;
    /// Second-layer weights `a_i`.
    pub const SECOND_LAYER: u64 = 4;
    /// Target direction `θ`.
    pub const TARGET: u64 = 5;
    /// Inputs of the one-step batch (`n0` samples).
    pub const STEP_DATA: u64 = 6;
}

/// SplitMix64 finalizer: a bijective 64-bit mixer.
#[inline]
fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Derives a child seed from a master `seed` and a `tag` (deterministic, well mixed).
///
/// ```
/// use giantstep_spiked::seed::{derive_seed, tags};
/// let a = derive_seed(7, tags::TRAIN_DATA);
/// let b = derive_seed(7, tags::TEST_DATA);
/// assert_ne!(a, b);
/// assert_eq!(a, derive_seed(7, tags::TRAIN_DATA));
/// ```
pub fn derive_seed(seed: u64, tag: u64) -> u64 {
    splitmix64(splitmix64(seed) ^ tag.wrapping_mul(0xD6E8_FEB8_6659_FD93))
}

/// The generator of stream `stream` under key `seed`.
///
/// ```
/// use giantstep_spiked::seed::stream_rng;
/// use rand::RngExt;
/// let x: f64 = stream_rng(1, 5).random();
/// let y: f64 = stream_rng(1, 5).random();
/// assert_eq!(x, y);
/// ```
pub fn stream_rng(seed: u64, stream: u64) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream);
    rng
}
