//! `giantstep sweep ...`: the command-line front end of [`giantstep::sweep`] (plan, run, emit,
//! status, merge). Each subcommand is one library call and a short report.

use clap::{Args, Subcommand};
use giantstep::progress::Bar;
use giantstep::sweep::{self, RunOptions, Selection, SweepSpec, emit};
use giantstep::{Error, Result};
use std::path::PathBuf;

/// The sweep subcommands.
#[derive(Debug, Subcommand)]
pub enum SweepCommand {
    /// Expand a sweep file (TOML or JSON) into jobs: DIR/jobs.jsonl and DIR/sweep.json.
    Plan(PlanArgs),
    /// Run pending jobs (all, one --index, or one --shard I/K), writing DIR/results/.
    Run(RunArgs),
    /// Write a Slurm array script (--slurm) or a GNU parallel job list (--gnu-parallel).
    Emit(EmitArgs),
    /// Done / pending / failed counts, and the failed jobs with their errors.
    Status(DirArg),
    /// One row per point, in the plan's order, to FILE.csv or FILE.jsonl.
    Merge(MergeArgs),
}

#[derive(Debug, Args)]
pub struct PlanArgs {
    /// The sweep file (TOML if it ends in .toml, JSON otherwise).
    sweep: PathBuf,
    /// Sweep directory (created if missing; results already there are kept).
    #[arg(long)]
    out: PathBuf,
    /// Points computed by one job (default: the file's points_per_job, or 100 for risk and
    /// stieltjes, 1 otherwise).
    #[arg(long)]
    points_per_job: Option<usize>,
}

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Sweep directory (from `sweep plan`).
    dir: PathBuf,
    /// Jobs run in parallel (default: one per core).
    #[arg(long)]
    jobs: Option<usize>,
    /// Run only the job with this index (a Slurm array task, a GNU parallel line).
    #[arg(long, conflicts_with = "shard")]
    index: Option<usize>,
    /// Run only the jobs with index = I mod K, given as I/K.
    #[arg(long)]
    shard: Option<String>,
    /// Rerun jobs that failed before.
    #[arg(long)]
    retry_failed: bool,
    /// No progress bar.
    #[arg(long)]
    quiet: bool,
}

#[derive(Debug, Args)]
pub struct EmitArgs {
    /// Sweep directory (from `sweep plan`).
    dir: PathBuf,
    /// Write DIR/sweep.slurm, a job array whose task I runs job I.
    #[arg(
        long,
        required_unless_present = "gnu_parallel",
        conflicts_with = "gnu_parallel"
    )]
    slurm: bool,
    /// Write DIR/parallel-jobs.txt, one command per job, for `parallel --joblog LOG --resume`.
    #[arg(long)]
    gnu_parallel: bool,
    /// Largest array (more jobs: each task runs a shard).
    #[arg(long, default_value = "1000")]
    array_max: usize,
    /// Slurm --time per task.
    #[arg(long)]
    time: Option<String>,
    /// Slurm --mem per task.
    #[arg(long)]
    mem: Option<String>,
    /// Slurm --cpus-per-task (also the task's worker threads).
    #[arg(long)]
    cpus: Option<usize>,
}

#[derive(Debug, Args)]
pub struct DirArg {
    /// Sweep directory.
    dir: PathBuf,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Sweep directory.
    dir: PathBuf,
    /// Output file: .csv or .jsonl.
    #[arg(long)]
    out: PathBuf,
    /// Merge the points that have results even if some are missing.
    #[arg(long)]
    partial: bool,
}

fn parse_shard(s: &str) -> Result<Selection> {
    let bad = || Error::field("shard", format!("`{s}` is not I/K with 0 <= I < K"));
    let (i, k) = s.split_once('/').ok_or_else(bad)?;
    let i: usize = i.trim().parse().map_err(|_| bad())?;
    let k: usize = k.trim().parse().map_err(|_| bad())?;
    if i >= k {
        return Err(bad());
    }
    Ok(Selection::Shard(i, k))
}

impl SweepCommand {
    /// Runs the subcommand.
    pub fn run(self) -> Result<()> {
        match self {
            SweepCommand::Plan(a) => {
                let spec = SweepSpec::from_file(&a.sweep)?;
                let m = sweep::plan(&spec, &a.out, a.points_per_job)?;
                println!(
                    "planned {} points in {} jobs ({} per job) in {}",
                    m.summary.points,
                    m.summary.jobs,
                    m.summary.sweep.points_per_job,
                    a.out.display()
                );
                Ok(())
            }
            SweepCommand::Run(a) => {
                let selection = match (a.index, &a.shard) {
                    (Some(i), _) => Selection::Index(i),
                    (None, Some(s)) => parse_shard(s)?,
                    (None, None) => Selection::All,
                };
                if a.jobs == Some(0) {
                    return Err(Error::field("jobs", "must be >= 1"));
                }
                let opts = RunOptions {
                    workers: a.jobs,
                    selection,
                    retry_failed: a.retry_failed,
                };
                let bar = Bar::new(a.quiet);
                let r = sweep::run(&a.dir, &opts, &bar)?;
                drop(bar);
                eprintln!(
                    "ran {} jobs ({} failed); skipped {} done and {} failed earlier",
                    r.succeeded + r.failed.len(),
                    r.failed.len(),
                    r.skipped_done,
                    r.skipped_failed.len()
                );
                if r.complete() {
                    Ok(())
                } else {
                    Err(Error::Kernel {
                        kernel: "sweep",
                        message: format!(
                            "{} jobs failed (see `giantstep sweep status {}`; rerun with \
                             --retry-failed)",
                            r.failed.len() + r.skipped_failed.len(),
                            a.dir.display()
                        ),
                    })
                }
            }
            SweepCommand::Emit(a) => {
                let exe = std::env::current_exe()
                    .map_err(|e| Error::io("could not locate", "giantstep", e))?;
                if a.gnu_parallel {
                    let path = emit::gnu_parallel(&a.dir, &exe)?;
                    println!(
                        "wrote {}; run it with\n  parallel --joblog {} --resume -j N < {}",
                        path.display(),
                        a.dir.join("parallel.log").display(),
                        path.display()
                    );
                } else {
                    let opts = emit::SlurmOptions {
                        array_max: a.array_max,
                        time: a.time,
                        mem: a.mem,
                        cpus: a.cpus,
                        ..Default::default()
                    };
                    let path = emit::slurm(&a.dir, &exe, &opts)?;
                    println!(
                        "wrote {}; submit it with\n  sbatch {}",
                        path.display(),
                        path.display()
                    );
                }
                Ok(())
            }
            SweepCommand::Status(a) => {
                let s = sweep::status(&a.dir)?;
                println!(
                    "{} jobs: {} done, {} pending, {} failed",
                    s.total, s.done, s.pending, s.failed
                );
                for f in &s.failures {
                    println!(
                        "failed {} (#{}, point {}): {}",
                        f.id, f.index, f.point, f.error
                    );
                }
                Ok(())
            }
            SweepCommand::Merge(a) => {
                let r = sweep::merge(&a.dir, &a.out, a.partial)?;
                println!("wrote {} rows to {}", r.rows, a.out.display());
                if r.missing > 0 {
                    eprintln!(
                        "warning: {} points without a result were left out",
                        r.missing
                    );
                }
                Ok(())
            }
        }
    }
}
