//! Experiments: functions from a [`crate::model::Model`] (and sizes, seeds) to plain
//! serde-serializable data. They know nothing of files or terminals; progress goes through a
//! [`crate::progress::Progress`].

pub mod learning;
pub mod network;
pub mod risk;
pub mod simulation;
pub mod spectrum;

/// A complex number as `[re, im]` (JSON friendly).
pub type C = [f64; 2];

/// `[re, im]` of a complex number.
pub fn c(z: num_complex::Complex64) -> C {
    [z.re, z.im]
}
