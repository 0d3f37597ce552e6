//! Fuzzing harness: every public entry point must return a typed error or a correct answer
//! on any input, never panic, hang or return a silent NaN (issue 7, CONTRIBUTING "Bad input").
//!
//! Each function here decodes arbitrary bytes into inputs of one family of entry points,
//! calls them and asserts the contract: `Ok` ⇒ finite outputs satisfying the documented
//! invariants (weights sum to 1, `μ*(c)² ≥ 0`, `Im m > 0` for `Im z > 0`,
//! `|m(z)| ≤ 1/dist(z, [0, ∞))`, ...); `Err` ⇒ fine; a panic is a bug. The same functions
//! back the cargo-fuzz targets in `fuzz/fuzz_targets/` (nightly) and the corpus replay in
//! `tests/fuzz_replay.rs` (stable), so every committed crash input stays a regression test.
//!
//! Work is bounded inside the decoders (at most [`MAX_FUZZ_NODES`] κ-nodes, 4 groups,
//! [`MAX_FUZZ_GH`] Gauss-Hermite nodes, ...), except for sizes chosen on purpose above the
//! kernels' documented limits, which must be rejected up front with a typed error naming
//! the limit (`K = 10^9` nodes, `k_max = usize::MAX`, ...).
//!
//! ```
//! // any bytes are valid input; a panic would be a bug in a kernel
//! giantstep_fuzz_contracts::stieltjes_entry(&[3, 1, 4, 1, 5, 9, 2, 6]);
//! giantstep_fuzz_contracts::hermite_entry(b"relu and some bytes");
//! giantstep_fuzz_contracts::config_bytes(b"psi = 1.5\nalpha = 2.0\n");
//! ```

//!
//! This is a dev-only crate (not published, not a dependency of the product): the fuzz
//! targets in `fuzz/`, the corpus replay `tests/fuzz_replay.rs` and the robustness map
//! `tests/robustness_map.rs` (coarse) and `examples/robustness_map.rs` (fine) use it.
//!
//! Modules, one family of entry points each: [`bytes`] (the decoder), [`stieltjes`],
//! [`hermite`], [`config`], [`args`] (the command line), [`risk`], and [`robustness`] (the
//! robustness map and the independent residual of THEORY.md §4).

pub mod args;
pub mod bytes;
pub mod config;
pub mod hermite;
pub mod risk;
pub mod robustness;
pub mod stieltjes;

pub use args::{ResolvedArgs, cli_args, split_args};
pub use bytes::Bytes;
pub use config::{check_experiment, config_bytes};
pub use hermite::hermite_entry;
pub use risk::{MAX_FUZZ_RISK_GROUPS, RISK_ROUNDOFF, check_risk_result, risk_entry};
pub use robustness::{MapGrid, MapReport, independent_residual, robustness_map};
pub use stieltjes::{check_spiked_solution, stieltjes_entry};

/// Largest number of κ-nodes built by [`stieltjes_entry`] (besides deliberate over-limit sizes).
pub const MAX_FUZZ_NODES: usize = 24;
/// Largest Gauss-Hermite rule built by [`hermite_entry`] (besides deliberate over-limit sizes).
pub const MAX_FUZZ_GH: usize = 300;
/// Largest number of shifts evaluated per [`hermite_entry`] call.
pub const MAX_FUZZ_SHIFTS: usize = 8;
/// Largest number of command-line arguments built by [`cli_args`].
pub const MAX_FUZZ_ARGS: usize = 24;
