//! Sweeps: a grid of experiments as independent seeded jobs that the local runner, GNU
//! parallel or a Slurm job array run unchanged, resumable, merged bit for bit.
//!
//! The life of a sweep, each step a function here and a `giantstep sweep` subcommand:
//! 1. [`SweepSpec::from_file`] reads the sweep file ([`spec`]: base experiment, axes,
//!    computation) and validates every point; [`plan`] writes `DIR/jobs.jsonl` and
//!    `DIR/sweep.json` with content-hash ids ([`manifest`]).
//! 2. [`run`] (or [`run_job`] for one job) computes jobs and writes `DIR/results/<id>.json`
//!    atomically ([`store`]); [`emit`] writes the Slurm script or GNU parallel job list that
//!    calls `giantstep sweep run DIR --index I` per job.
//! 3. [`status`] counts done, pending and failed jobs; [`merge`] writes one row per point in
//!    the manifest's order ([`merge`](mod@merge)).
//!
//! Every point is computed on its own, by the same library call as the CLI subcommand of the
//! same name (no warm start carried from one point to the next), so a merged number is the
//! number `giantstep <computation> --json` prints for that point, whatever engine, worker
//! count or interruption produced it.
//!
//! ```
//! use giantstep::sweep::{self, SweepSpec};
//! let spec = SweepSpec::parse(r#"
//!     computation = "risk"
//!     [base]
//!     activation = "relu"
//!     eta = 3.0
//!     [axes]
//!     alpha = { start = 0.5, stop = 2.0, num = 4 }
//! "#, true, "doc.toml".as_ref()).unwrap();
//! let dir = std::env::temp_dir().join(format!("giantstep-doc-sweep-{}", std::process::id()));
//! let plan = sweep::plan(&spec, &dir, None).unwrap();
//! assert_eq!(plan.summary.points, 4);
//! let opts = sweep::RunOptions { workers: Some(1), selection: sweep::Selection::All, retry_failed: false };
//! assert!(sweep::run(&dir, &opts, &giantstep::progress::Silent).unwrap().complete());
//! sweep::merge(&dir, &dir.join("curve.csv"), false).unwrap();
//! let csv = std::fs::read_to_string(dir.join("curve.csv")).unwrap();
//! assert!(csv.starts_with("alpha,gen,train,"));
//! # std::fs::remove_dir_all(&dir).unwrap();
//! ```

pub mod compute;
pub mod emit;
pub mod manifest;
pub mod merge;
pub mod runner;
pub mod spec;
pub mod store;

pub use compute::compute;
pub use manifest::{Job, Manifest, plan};
pub use merge::merge;
pub use runner::{RunOptions, RunReport, Selection, run, run_job};
pub use spec::{Computation, SweepSpec};
pub use store::{Status, status};
