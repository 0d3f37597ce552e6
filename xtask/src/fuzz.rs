//! Fuzzing tasks: `cargo xtask fuzz --seconds N` and the smoke run inside `verify`.
//!
//! The targets live in `fuzz/fuzz_targets/*.rs` (a cargo-fuzz project outside the workspace
//! members). They need the nightly toolchain (`cargo +nightly`) and `cargo-fuzz`, which is
//! installed from crates.io when missing.

use crate::{Status, workspace_root};
use std::process::{Command, ExitCode};

/// Seconds per target in the smoke run of `cargo xtask verify`.
const SMOKE_SECONDS: u64 = 20;

/// Names of the fuzz targets (file stems in `fuzz/fuzz_targets`), sorted.
fn targets() -> Vec<String> {
    let dir = workspace_root().join("fuzz").join("fuzz_targets");
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .filter_map(|e| {
                    let path = e.path();
                    (path.extension()? == "rs")
                        .then(|| path.file_stem()?.to_str().map(str::to_string))
                        .flatten()
                })
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

/// Why fuzzing cannot run here, or `None` when `cargo +nightly fuzz` works
/// (installing cargo-fuzz first if the nightly toolchain is there but cargo-fuzz is not).
fn unavailable() -> Option<String> {
    let nightly = Command::new("cargo")
        .args(["+nightly", "--version"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    if !nightly {
        return Some("no nightly toolchain (`cargo +nightly` failed)".to_string());
    }
    let has_fuzz = || {
        Command::new("cargo")
            .args(["+nightly", "fuzz", "--version"])
            .output()
            .map(|o| o.status.success())
            .unwrap_or(false)
    };
    if !has_fuzz() {
        eprintln!("\n==> cargo install cargo-fuzz --locked (not found)");
        let installed = Command::new("cargo")
            .args(["install", "cargo-fuzz", "--locked"])
            .status()
            .map(|s| s.success())
            .unwrap_or(false);
        if !installed || !has_fuzz() {
            return Some("cargo-fuzz is not installed and could not be installed".to_string());
        }
    }
    None
}

/// Seconds after which a single input counts as a hang (a failure).
const HANG_SECONDS: u64 = 10;

/// Runs one target for `seconds`; `true` when it found no crash or hang.
///
/// New corpus units go to a scratch directory under `fuzz/target` (gitignored), so the
/// committed seed corpus `fuzz/corpus/<name>` and the crash inputs `fuzz/regressions/<name>`
/// are read but never grown by a run.
fn run_target(name: &str, seconds: u64) -> bool {
    eprintln!("\n==> cargo +nightly fuzz run {name} ({seconds} s)");
    let fuzz = workspace_root().join("fuzz");
    let scratch = fuzz.join("target").join("corpus-scratch").join(name);
    if let Err(e) = std::fs::create_dir_all(&scratch) {
        eprintln!("cannot create {}: {e}", scratch.display());
        return false;
    }
    let mut cmd = Command::new("cargo");
    cmd.args(["+nightly", "fuzz", "run", name]).arg(&scratch);
    for dir in ["corpus", "regressions"] {
        let d = fuzz.join(dir).join(name);
        if d.is_dir() {
            cmd.arg(d);
        }
    }
    cmd.arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-timeout={HANG_SECONDS}"))
        .current_dir(&fuzz)
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Runs every target for `seconds`; the verify step's status.
fn run_all(seconds: u64) -> Status {
    let names = targets();
    if names.is_empty() {
        return Status::Skipped("no fuzz targets in fuzz/fuzz_targets".to_string());
    }
    if let Some(why) = unavailable() {
        return Status::Skipped(why);
    }
    let failures: Vec<&String> = names.iter().filter(|n| !run_target(n, seconds)).collect();
    if failures.is_empty() {
        Status::Passed
    } else {
        eprintln!("fuzz targets that failed: {failures:?}");
        Status::Failed
    }
}

/// The smoke run inside `cargo xtask verify`.
pub(crate) fn smoke() -> Status {
    run_all(SMOKE_SECONDS)
}

/// `cargo xtask fuzz [--seconds N]`.
pub(crate) fn run_all_command(args: &[String]) -> ExitCode {
    let mut seconds = 60;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match (arg.as_str(), it.next().map(|v| v.parse::<u64>())) {
            ("--seconds", Some(Ok(n))) if n > 0 => seconds = n,
            _ => {
                eprintln!("usage: cargo xtask fuzz [--seconds N]  (N a positive integer)");
                return ExitCode::from(2);
            }
        }
    }
    match run_all(seconds) {
        Status::Passed => ExitCode::SUCCESS,
        Status::Skipped(why) => {
            eprintln!("fuzzing skipped: {why}");
            ExitCode::FAILURE
        }
        Status::Failed => ExitCode::FAILURE,
    }
}
