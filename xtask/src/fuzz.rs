//! Fuzzing tasks: the deterministic smoke run inside `verify` (also `cargo xtask fuzz
//! --smoke`) and the exploratory campaign `cargo xtask fuzz --seconds N`.
//!
//! The targets live in `fuzz/fuzz_targets/*.rs` (a cargo-fuzz project outside the workspace
//! members). They need the nightly toolchain (`cargo +nightly`) and `cargo-fuzz`, which is
//! installed from crates.io when missing.
//!
//! **Smoke (CI).** All targets are built once (`cargo +nightly fuzz build`, ASan), then every
//! binary is run directly from a fresh, empty scratch corpus
//! (`fuzz/target/corpus-smoke/<target>`, deleted and recreated before each run) plus the
//! committed seed corpus `fuzz/corpus/<target>` and crash inputs `fuzz/regressions/<target>`
//! (read, never written), with a fixed libFuzzer seed ([`SMOKE_SEED`]) and a fixed number of
//! executions per target ([`SMOKE_PLAN`], sized to 15-30 s each under ASan on the 2-core
//! development machine) and `-reload=0`. Whatever else steers libFuzzer is pinned too: no
//! address-space randomization, no ASan fake stacks, a fixed environment and relative paths
//! ([`deterministic_command`]), and a binary that does not depend on where the checkout
//! lives ([`cargo_fuzz`]). The same commit therefore executes the same
//! inputs on every run and in every checkout location (checked: identical
//! `DONE cov: .. ft: .. corp: ..` lines from `/work/main` and from a clone at
//! `/check/work/main`): CI cannot fail because a random seed happened to find a new input,
//! and a local `cargo xtask fuzz --smoke` runs exactly what CI will run. A wall-clock cap
//! (`-max_total_time`, about 3× the expected time) keeps a slow machine from overrunning;
//! with a fixed seed a capped run executes a prefix of the full one, so it still cannot
//! see an input the full run would not.
//!
//! **Campaign (exploration).** `cargo xtask fuzz --seconds N` runs every target for `N`
//! seconds with a random seed and a persistent scratch corpus
//! (`fuzz/target/corpus-scratch/<target>`, kept between campaigns, gitignored). Crashes it
//! finds go to `fuzz/artifacts/<target>/`; copy each into `fuzz/regressions/<target>/` once
//! it is fixed, so the smoke and `crates/fuzz-contracts/tests/fuzz_replay.rs` replay it from then on.

use crate::{Status, workspace_root};
use std::path::Path;
use std::process::{Command, ExitCode};

/// libFuzzer seed of the smoke run (`-seed=`).
const SMOKE_SEED: u64 = 1;

/// Executions (`-runs=`) and expected seconds of each target in the smoke run, measured on the
/// development machine (2 cores, ASan). A target missing here runs [`DEFAULT_SMOKE`].
const SMOKE_PLAN: &[(&str, SmokeRuns)] = &[
    // measured 2026-11-29 with -seed=1 from an empty scratch (execution rates of that
    // trajectory: cli_args ~1100/s, config_bytes ~11500/s, hermite_entry ~2800/s,
    // risk_entry ~240/s falling to ~70/s, stieltjes_entry ~35/s with the faer-based solver;
    // risk_entry re-measured below after the binary changed)
    (
        "cli_args",
        SmokeRuns {
            runs: 22_000,
            seconds: 20,
        },
    ),
    (
        "config_bytes",
        SmokeRuns {
            runs: 230_000,
            seconds: 20,
        },
    ),
    (
        "hermite_entry",
        SmokeRuns {
            runs: 58_000,
            seconds: 20,
        },
    ),
    (
        "risk_entry",
        SmokeRuns {
            // the seed-1 trajectory of the current binary meets a 12 s input (the solver's
            // bounded worst case under ASan) and runs at ~20-30/s: 2 500 runs hit the 75 s
            // cap at run 2 328, so how far CI got depended on its speed. 1 500 runs take
            // ~60 s, inside the cap, and are a prefix of the verified 2 328.
            runs: 1_500,
            seconds: 30,
        },
    ),
    (
        "stieltjes_entry",
        SmokeRuns {
            runs: 900,
            seconds: 25,
        },
    ),
];

/// Plan of a target that has no entry in [`SMOKE_PLAN`] yet (a new target: add one).
const DEFAULT_SMOKE: SmokeRuns = SmokeRuns {
    runs: 1_000,
    seconds: 20,
};

/// Fixed work of one target in the smoke run.
#[derive(Debug, Clone, Copy)]
struct SmokeRuns {
    /// Executions (`-runs=`), seed corpus included.
    runs: u64,
    /// Expected wall-clock seconds (the cap is [`SMOKE_CAP_FACTOR`] times this).
    seconds: u64,
}

/// Safety cap of a smoke run, in multiples of its expected time.
const SMOKE_CAP_FACTOR: u64 = 3;

/// Seconds after which a single input counts as a hang (a failure).
///
/// Above the documented worst case of bounded work under instrumentation: the spiked
/// solver may run its whole continuation fallback (`max_continuation_steps ×
/// newton_max_iter` Newton steps) before returning `NotConverged`; at `r = 5`, `K = 21`
/// that is ~0.6 s in release but ~27 s in the ASan + debug-assertion fuzz build on the
/// 2-core machine, and `stieltjes_entry` solves up to 3 points per input (was 10 s, which
/// flagged such an input as a hang: see `regression_tiny_z_after_warm_start_is_bounded_typed_error`
/// in `crates/fuzz-contracts/tests/fuzz_replay.rs`). An endless loop is still caught.
const HANG_SECONDS: u64 = 120;

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

/// How one target is run.
#[derive(Debug, Clone, Copy)]
enum Mode {
    /// Deterministic smoke: fixed seed and executions, fresh scratch corpus.
    Smoke(SmokeRuns),
    /// Exploratory campaign: random seed, `seconds` of wall clock, persistent scratch.
    Campaign { seconds: u64 },
}

/// Deletes and recreates `dir` (an empty scratch corpus).
fn fresh_dir(dir: &Path) -> std::io::Result<()> {
    if dir.exists() {
        std::fs::remove_dir_all(dir)?;
    }
    std::fs::create_dir_all(dir)
}

/// Runs one target; `true` when it found no crash or hang.
///
/// New corpus units go to a scratch directory under `fuzz/target` (gitignored), so the
/// committed seed corpus `fuzz/corpus/<name>` and the crash inputs `fuzz/regressions/<name>`
/// are read but never grown by a run.
fn run_target(name: &str, mode: Mode) -> bool {
    let fuzz = workspace_root().join("fuzz");
    let started = std::time::Instant::now();
    let ok = match mode {
        Mode::Smoke(plan) => run_smoke(&fuzz, name, plan),
        Mode::Campaign { seconds } => run_campaign(&fuzz, name, seconds),
    };
    eprintln!(
        "==> {name}: {} in {:.1} s",
        if ok { "ok" } else { "FAILED" },
        started.elapsed().as_secs_f64()
    );
    ok
}

/// Exploratory run through `cargo fuzz run`: random seed, persistent scratch corpus.
fn run_campaign(fuzz: &Path, name: &str, seconds: u64) -> bool {
    eprintln!("\n==> cargo +nightly fuzz run {name} (campaign: {seconds} s, random seed)");
    let scratch = fuzz.join("target").join("corpus-scratch").join(name);
    if let Err(e) = std::fs::create_dir_all(&scratch) {
        eprintln!("cannot create {}: {e}", scratch.display());
        return false;
    }
    // the same build as the smoke's: one fuzz build serves both
    let mut cmd = cargo_fuzz("run");
    cmd.arg(name)
        .arg(&scratch)
        // absolute, as the scratch: `cargo fuzz run` need not start the binary in `fuzz/`
        .args(seed_dirs(fuzz, name).iter().map(|d| fuzz.join(d)))
        .arg("--")
        .arg(format!("-max_total_time={seconds}"))
        .arg(format!("-timeout={HANG_SECONDS}"))
        .current_dir(fuzz)
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Deterministic run of the binary built by [`build_all`]: executed directly (not through
/// `cargo fuzz run`, whose `cargo run` hands the binary a dozen `CARGO_*` variables holding
/// absolute paths), from `fuzz/` with relative paths only and a fixed environment
/// ([`deterministic_command`]).
fn run_smoke(fuzz: &Path, name: &str, plan: SmokeRuns) -> bool {
    eprintln!(
        "\n==> fuzz smoke {name} (-seed={SMOKE_SEED} -runs={}, expected ~{} s, cap {} s)",
        plan.runs,
        plan.seconds,
        SMOKE_CAP_FACTOR * plan.seconds
    );
    let Some(binary) = built_binary(fuzz, name) else {
        eprintln!("no fuzz binary for {name} under fuzz/target/*/release (build failed?)");
        return false;
    };
    let scratch = format!("target/corpus-smoke/{name}");
    let artifacts = format!("artifacts/{name}");
    let made = fresh_dir(&fuzz.join(&scratch))
        .and_then(|()| std::fs::create_dir_all(fuzz.join(&artifacts)));
    if let Err(e) = made {
        eprintln!("cannot create fuzz/{scratch} or fuzz/{artifacts}: {e}");
        return false;
    }
    let mut cmd = deterministic_command(&binary);
    cmd.arg(format!("-artifact_prefix={artifacts}/"))
        .arg(format!("-seed={SMOKE_SEED}"))
        .arg(format!("-runs={}", plan.runs))
        .arg(format!(
            "-max_total_time={}",
            SMOKE_CAP_FACTOR * plan.seconds
        ))
        // no periodic re-read of the scratch directory (timing-dependent)
        .arg("-reload=0")
        .arg(format!("-timeout={HANG_SECONDS}"))
        .arg(&scratch)
        .args(seed_dirs(fuzz, name));
    cmd.current_dir(fuzz)
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// The committed input directories of `name` that exist, relative to `fuzz/`: the seed
/// corpus `corpus/<name>` and the crash inputs `regressions/<name>`, read but never written
/// by a run.
fn seed_dirs(fuzz: &Path, name: &str) -> Vec<String> {
    ["corpus", "regressions"]
        .iter()
        .filter(|dir| fuzz.join(dir).join(name).is_dir())
        .map(|dir| format!("{dir}/{name}"))
        .collect()
}

/// Builds every fuzz target once (`cargo +nightly fuzz build`: release, debug assertions,
/// ASan, the same build `cargo fuzz run` makes) through [`cargo_fuzz`].
fn build_all(fuzz: &Path) -> bool {
    eprintln!("\n==> cargo +nightly fuzz build (ASan)");
    cargo_fuzz("build")
        .current_dir(fuzz)
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// `target/<triple>/release/<name>` relative to `fuzz/` (the newest, if several triples).
fn built_binary(fuzz: &Path, name: &str) -> Option<String> {
    let target = fuzz.join("target");
    std::fs::read_dir(&target)
        .ok()?
        .filter_map(Result::ok)
        .filter_map(|triple| {
            let rel = format!("target/{}/release/{name}", triple.file_name().to_str()?);
            let modified = std::fs::metadata(fuzz.join(&rel)).ok()?.modified().ok()?;
            Some((modified, rel))
        })
        .max()
        .map(|(_, rel)| rel)
}

/// The fuzz binary `program` (relative to `fuzz/`), set up so that a fixed-seed libFuzzer
/// run executes the same inputs on every machine and in every checkout location:
///
/// * no address-space randomization (`setarch <arch> -R`, when it works here) and no ASan
///   fake stacks for use-after-return detection (`detect_stack_use_after_return=0`,
///   randomly placed): both move stack addresses, which reach libFuzzer through the
///   comparisons it traces (iterator bounds, pointer checks) and steer its mutations;
/// * a fixed environment (`env_clear`, then `PATH`, `ASAN_OPTIONS`, `RUST_BACKTRACE`,
///   `RAYON_NUM_THREADS=1` with fixed values) and relative paths in `argv`: with
///   address-space randomization off, the initial stack pointer still moves with the total
///   length of the environment and the argument strings. Through `cargo fuzz run` from
///   `/check/work/main` (CI) and from `/work/main` the same seed ran different trajectories,
///   and CI found a crash the local smoke never saw (hermite_entry, 2026-11-29).
fn deterministic_command(program: &str) -> Command {
    let arch = std::env::consts::ARCH;
    let setarch_works = Command::new("setarch")
        .args([arch, "-R", "true"])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    let mut cmd = if setarch_works {
        let mut c = Command::new("setarch");
        c.args([arch, "-R", program]);
        c
    } else {
        eprintln!(
            "note: `setarch {arch} -R` unavailable: address-space randomization stays on, so \
             the smoke's corpus may differ from run to run (its seed and run count do not)"
        );
        Command::new(Path::new(".").join(program))
    };
    cmd.env_clear()
        .env("PATH", "/usr/local/bin:/usr/bin:/bin")
        .env("ASAN_OPTIONS", "detect_stack_use_after_return=0")
        .env("RUST_BACKTRACE", "1")
        // one rayon worker: how work is stolen between threads changes how often the
        // (instrumented) rayon internals run, hence libFuzzer's hit-count features (two
        // risk_entry smokes differed in `ft` only); results do not depend on the thread
        // count (tested), so only the scheduling noise goes
        .env("RAYON_NUM_THREADS", "1");
    cmd
}

/// Fixed path through which the fuzz project is built: a symbolic link to the checkout's
/// root, (re)created by [`cargo_fuzz`]. Shared by every checkout on the machine, so two
/// checkouts must not run fuzz tasks at the same time.
const FIXED_ROOT: &str = "/tmp/giantstep-fuzz-root";

/// `cargo +nightly fuzz <subcommand>` building the same binary whatever the checkout's
/// location. The fuzz project is not a member of the workspace, so cargo hashes the
/// absolute paths of the `giantstep*` packages into their symbol names (`-C metadata`), and
/// rustc writes the directory it runs in into the debug info: built from `/work/main` and
/// from `/check/work/main` (CI) the binaries differed, and so did the smoke's trajectory
/// from the same seed (CI found a crash the local smoke never saw: hermite_entry,
/// 2026-11-29). Here cargo sees the sources through [`FIXED_ROOT`] (`--fuzz-dir`), and
/// `--remap-path-prefix=<physical root>=<FIXED_ROOT>` (appended to the caller's
/// `RUSTFLAGS`; cargo-fuzz appends those to its own) covers what rustc resolves itself.
/// Checked: bit-identical binaries from both checkouts. Where the link cannot be made
/// (no Unix symlinks, or a non-link in the way) the build uses the checkout's own path,
/// with a note.
fn cargo_fuzz(subcommand: &str) -> Command {
    let physical = std::fs::canonicalize(workspace_root()).unwrap_or_else(|_| workspace_root());
    let root = match link_fixed_root(&physical) {
        Ok(()) => std::path::PathBuf::from(FIXED_ROOT),
        Err(why) => {
            eprintln!(
                "note: cannot link {FIXED_ROOT} to the checkout ({why}): the fuzz binary, and \
                 the smoke's trajectory, depend on the checkout's path"
            );
            physical.clone()
        }
    };
    let mut flags = std::env::var("RUSTFLAGS").unwrap_or_default();
    if !flags.is_empty() {
        flags.push(' ');
    }
    flags.push_str(&format!(
        "--remap-path-prefix={}={}",
        physical.display(),
        root.display()
    ));
    let mut cmd = Command::new("cargo");
    cmd.env("RUSTFLAGS", flags)
        .args(["+nightly", "fuzz", subcommand, "--fuzz-dir"])
        .arg(root.join("fuzz"));
    cmd
}

/// Points [`FIXED_ROOT`] at `physical` (replacing a link to another checkout).
fn link_fixed_root(physical: &Path) -> Result<(), String> {
    #[cfg(unix)]
    {
        let link = Path::new(FIXED_ROOT);
        match std::fs::symlink_metadata(link) {
            Ok(meta) if meta.file_type().is_symlink() => {
                if std::fs::read_link(link).is_ok_and(|target| target == physical) {
                    return Ok(());
                }
                std::fs::remove_file(link).map_err(|e| e.to_string())?;
            }
            Ok(_) => return Err("it exists and is not a symbolic link".to_string()),
            Err(_) => {}
        }
        std::os::unix::fs::symlink(physical, link).map_err(|e| e.to_string())
    }
    #[cfg(not(unix))]
    {
        let _ = physical;
        Err("symbolic links are only made on Unix".to_string())
    }
}

/// Smoke plan of `name`.
fn smoke_plan(name: &str) -> SmokeRuns {
    SMOKE_PLAN
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(_, p)| *p)
        .unwrap_or(DEFAULT_SMOKE)
}

/// Runs every target (one at a time); the verify step's status.
fn run_all(campaign_seconds: Option<u64>) -> Status {
    let names = targets();
    if names.is_empty() {
        return Status::Skipped("no fuzz targets in fuzz/fuzz_targets".to_string());
    }
    if let Some(why) = unavailable() {
        return Status::Skipped(why);
    }
    if campaign_seconds.is_none() && !build_all(&workspace_root().join("fuzz")) {
        eprintln!("fuzz build failed");
        return Status::Failed;
    }
    let failures: Vec<&String> = names
        .iter()
        .filter(|n| {
            let mode = match campaign_seconds {
                Some(seconds) => Mode::Campaign { seconds },
                None => Mode::Smoke(smoke_plan(n)),
            };
            !run_target(n, mode)
        })
        .collect();
    if failures.is_empty() {
        Status::Passed
    } else {
        eprintln!("fuzz targets that failed: {failures:?}");
        Status::Failed
    }
}

/// The deterministic smoke run inside `cargo xtask verify`.
pub(crate) fn smoke() -> Status {
    run_all(None)
}

/// `cargo xtask fuzz [--seconds N | --smoke]`.
pub(crate) fn run_all_command(args: &[String]) -> ExitCode {
    let usage = || {
        eprintln!(
            "usage: cargo xtask fuzz [--seconds N]  (campaign, N a positive integer)\n       \
             cargo xtask fuzz --smoke        (the deterministic smoke of `verify`)"
        );
        ExitCode::from(2)
    };
    let mut campaign = Some(60);
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--smoke" => campaign = None,
            "--seconds" => match it.next().map(|v| v.parse::<u64>()) {
                Some(Ok(n)) if n > 0 => campaign = Some(n),
                _ => return usage(),
            },
            _ => return usage(),
        }
    }
    match run_all(campaign) {
        Status::Passed => ExitCode::SUCCESS,
        Status::Skipped(why) => {
            eprintln!("fuzzing skipped: {why}");
            ExitCode::FAILURE
        }
        Status::Failed => ExitCode::FAILURE,
    }
}
