//! What the sweep tests share: the binary under test and the learning-curve sweep file they
//! plan (24 risk points over `α × λ`).

use std::path::Path;

/// The `giantstep` binary of this build.
pub const EXE: &str = env!("CARGO_BIN_EXE_giantstep");

/// A risk sweep over 12 values of `α` and 2 of `λ`, `points_per_job` points per job.
pub fn curve_sweep(points_per_job: usize) -> String {
    format!(
        r#"
computation = "risk"
points_per_job = {points_per_job}
[base]
activation = "relu"
target = "tanh"
eta = 3.0
psi = 1.0
noise = 0.1
[axes]
lambda = [0.01, 0.1]
alpha = {{ start = 0.5, stop = 4.0, num = 12 }}
"#
    )
}

/// A path as `&str` (the tests' paths are UTF-8).
pub fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}
