//! Project tasks for giantstep.
//!
//! `cargo xtask verify` is the project's test command (the README's second command and
//! what `.ci/run` calls). It runs, in order, and prints a summary table at the end:
//!
//! 1. `cargo fmt --all -- --check`
//! 2. `cargo clippy --workspace --all-targets --release -- -D warnings`
//! 3. the sweep engines the tests run for real (GNU parallel, Slurm, munge), installed with
//!    apt-get when missing (see `engines.rs`);
//! 4. `cargo test --workspace --release --no-fail-fast` (unit, integration and doc tests)
//! 5. the theory-vs-simulation table (`giantstep verify`), printed in full
//! 6. the Python package's pytest suite, in a venv under `target/` that it makes and fills
//!    from the project's own files (see `python.rs`);
//! 7. a short, deterministic fuzz smoke run of every cargo-fuzz target (fixed seed and
//!    execution count, see `fuzz.rs`), when the nightly toolchain and cargo-fuzz are
//!    available (installed on demand); otherwise it says it skipped it.
//!
//! Any failing step makes the command exit non-zero (all steps still run, so the table
//! shows everything that is wrong at once).
//!
//! `cargo xtask fuzz --seconds N` runs every fuzz target for `N` seconds (random seed);
//! `cargo xtask fuzz --smoke` runs only the smoke of step 7; `cargo xtask pytest` only
//! step 6 (after `cargo build --release`); `cargo xtask bench` the speed benches, summarised in
//! `target/bench-summary.json` (see `bench.rs`).

mod bench;
mod engines;
mod fuzz;
mod python;

use std::process::{Command, ExitCode};
use std::time::Instant;

/// Outcome of one verification step.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Status {
    Passed,
    Failed,
    Skipped(String),
}

/// One row of the summary table.
struct StepReport {
    name: &'static str,
    status: Status,
    seconds: f64,
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args.first().map(String::as_str) {
        Some("verify") => verify(&args[1..]),
        Some("fuzz") => fuzz::run_all_command(&args[1..]),
        Some("bench") => bench::run(),
        Some("pytest") => {
            // the Python step alone (needs the release CLI: `cargo build --release` first)
            if python::pytest().ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        _ => {
            eprintln!(
                "usage: cargo xtask verify [--no-fuzz]\n       cargo xtask fuzz [--seconds N | --smoke]\n       cargo xtask pytest\n       cargo xtask bench"
            );
            ExitCode::from(2)
        }
    }
}

/// Runs `cargo` with the given arguments in the workspace root; `true` on success.
pub(crate) fn cargo(args: &[&str]) -> bool {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    eprintln!("\n==> cargo {}", args.join(" "));
    match Command::new(cargo)
        .args(args)
        .current_dir(workspace_root())
        .status()
    {
        Ok(status) => status.success(),
        Err(e) => {
            eprintln!("could not run cargo: {e}");
            false
        }
    }
}

/// The workspace root (the parent of this crate's directory).
pub(crate) fn workspace_root() -> std::path::PathBuf {
    let manifest = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest
        .parent()
        .expect("xtask lives one level below the workspace root")
        .to_path_buf()
}

/// Test counts summed over every `test result:` line of a `cargo test` run.
#[derive(Debug, Clone, Copy, Default)]
struct TestCounts {
    ok: bool,
    passed: u64,
    failed: u64,
}

/// Runs `cargo test ...`, echoing its output, and sums the `test result:` lines.
fn cargo_test_counted(args: &[&str]) -> TestCounts {
    use std::io::{BufRead, BufReader};
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_string());
    eprintln!("\n==> cargo {}", args.join(" "));
    let child = Command::new(cargo)
        .args(args)
        .current_dir(workspace_root())
        .stdout(std::process::Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            eprintln!("could not run cargo: {e}");
            return TestCounts::default();
        }
    };
    let mut counts = TestCounts::default();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            println!("{line}");
            if let Some(rest) = line.trim().strip_prefix("test result: ") {
                counts.passed += count_before(rest, " passed");
                counts.failed += count_before(rest, " failed");
            }
        }
    }
    counts.ok = child.wait().map(|s| s.success()).unwrap_or(false);
    counts
}

/// In `"ok. 12 passed; 0 failed; ..."` (cargo) or `"2 failed, 90 passed in 4.2s"`
/// (pytest), the number written just before `label`.
pub(crate) fn count_before(text: &str, label: &str) -> u64 {
    text.find(label)
        .and_then(|end| text[..end].rsplit([' ', '.']).next())
        .and_then(|n| n.parse().ok())
        .unwrap_or(0)
}

fn timed(name: &'static str, f: impl FnOnce() -> Status) -> StepReport {
    let start = Instant::now();
    let status = f();
    StepReport {
        name,
        status,
        seconds: start.elapsed().as_secs_f64(),
    }
}

fn passed(ok: bool) -> Status {
    if ok { Status::Passed } else { Status::Failed }
}

fn verify(args: &[String]) -> ExitCode {
    let no_fuzz = args.iter().any(|a| a == "--no-fuzz");
    let mut test_counts = TestCounts::default();
    let mut steps = vec![
        timed("format (cargo fmt --check)", || {
            passed(cargo(&["fmt", "--all", "--", "--check"]))
        }),
        timed("lints (cargo clippy -D warnings)", || {
            passed(cargo(&[
                "clippy",
                "--workspace",
                "--all-targets",
                "--release",
                "--",
                "-D",
                "warnings",
            ]))
        }),
        timed(
            "sweep engines (GNU parallel, Slurm, munge)",
            engines::ensure,
        ),
        timed("tests (cargo test --workspace --release)", || {
            let counts =
                cargo_test_counted(&["test", "--workspace", "--release", "--no-fail-fast"]);
            test_counts = counts;
            passed(counts.ok)
        }),
        timed("theory vs simulation (giantstep verify)", || {
            passed(cargo(&[
                "run",
                "--release",
                "--quiet",
                "-p",
                "giantstep",
                "--",
                "verify",
                "--quiet",
            ]))
        }),
    ];
    let mut pytest_counts = python::PytestCounts::default();
    steps.push(timed("python (pytest in target/python-venv)", || {
        pytest_counts = python::pytest();
        passed(pytest_counts.ok)
    }));
    steps.push(timed("fuzz smoke (cargo +nightly fuzz)", || {
        if no_fuzz {
            Status::Skipped("--no-fuzz given".to_string())
        } else {
            fuzz::smoke()
        }
    }));

    println!("\nverify summary");
    println!("{:<44} {:>8} {:>9}", "step", "status", "seconds");
    for s in &steps {
        let status = match &s.status {
            Status::Passed => "passed".to_string(),
            Status::Failed => "FAILED".to_string(),
            Status::Skipped(_) => "skipped".to_string(),
        };
        println!("{:<44} {:>8} {:>9.1}", s.name, status, s.seconds);
        if let Status::Skipped(why) = &s.status {
            println!("    skipped because: {why}");
        }
    }
    let failed = steps.iter().filter(|s| s.status == Status::Failed).count();
    println!(
        "verify steps: {} of {} passed",
        steps.iter().filter(|s| s.status == Status::Passed).count(),
        steps.len()
    );
    println!(
        "tests: {} passed, {} failed",
        test_counts.passed + pytest_counts.passed,
        test_counts.failed + pytest_counts.failed
    );
    if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
