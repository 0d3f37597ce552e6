//! Running the jobs of a planned sweep: all pending ones, one by index (a Slurm array task,
//! a GNU parallel line) or one shard, in parallel on local threads.
//!
//! A job computes its points one after the other ([`super::compute`]) and writes its result
//! file atomically ([`super::store`]); a failing point makes the job write an error file
//! instead, and the other jobs go on. Jobs already done are skipped, so a killed run resumes
//! where it stopped; failed jobs are skipped too unless `retry_failed`.

use super::compute::compute;
use super::manifest::{Job, Manifest};
use super::store::{self, JobFailure, JobResult, PointResult, Store};
use crate::error::{Error, Result};
use crate::progress::Progress;
use rayon::prelude::*;
use std::path::Path;
use std::time::Instant;

/// Which jobs of the manifest a run takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Selection {
    /// Every job.
    All,
    /// The job with this index.
    Index(usize),
    /// Jobs whose index is `i mod k` (`Shard(i, k)`, `i < k`).
    Shard(usize, usize),
}

impl Selection {
    fn takes(self, index: usize) -> bool {
        match self {
            Selection::All => true,
            Selection::Index(i) => index == i,
            Selection::Shard(i, k) => index % k == i,
        }
    }
}

/// Settings of [`run`].
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// Worker threads (jobs in parallel); `None`: one per core.
    pub workers: Option<usize>,
    /// The jobs to take.
    pub selection: Selection,
    /// Rerun jobs that failed before.
    pub retry_failed: bool,
}

/// What a run did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunReport {
    /// Jobs selected.
    pub selected: usize,
    /// Jobs computed now that succeeded.
    pub succeeded: usize,
    /// Jobs computed now that failed.
    pub failed: Vec<String>,
    /// Selected jobs skipped because they were done.
    pub skipped_done: usize,
    /// Selected jobs skipped because they had failed before (no `retry_failed`).
    pub skipped_failed: Vec<String>,
}

impl RunReport {
    /// True if every selected job is done.
    pub fn complete(&self) -> bool {
        self.failed.is_empty() && self.skipped_failed.is_empty()
    }
}

/// Computes one job. On success the result file is written (and an old error file removed);
/// on failure the error file is written and returned as `Err`.
pub fn run_job(dir: &Path, job: &Job) -> Result<std::result::Result<JobResult, JobFailure>> {
    let start = Instant::now();
    let mut points = Vec::with_capacity(job.points.len());
    for p in &job.points {
        match compute(&p.config) {
            Ok(outputs) => points.push(PointResult {
                id: p.id.clone(),
                params: p.params.clone(),
                config: p.config.clone(),
                seeds: p.config.experiment.seeds.clone(),
                outputs,
            }),
            Err(e) => {
                let failure = JobFailure {
                    id: job.id.clone(),
                    index: job.index,
                    giantstep_version: env!("CARGO_PKG_VERSION").to_string(),
                    point: p.id.clone(),
                    params: p.params.clone(),
                    error: e.to_string(),
                };
                let text = serde_json::to_string_pretty(&failure)
                    .map_err(|e| Error::field("json", e.to_string()))?;
                store::write_atomic(&store::error_path(dir, &job.id), text.as_bytes())?;
                return Ok(Err(failure));
            }
        }
    }
    let result = JobResult {
        id: job.id.clone(),
        index: job.index,
        giantstep_version: env!("CARGO_PKG_VERSION").to_string(),
        wall_seconds: start.elapsed().as_secs_f64(),
        points,
    };
    let text = serde_json::to_string(&result).map_err(|e| Error::field("json", e.to_string()))?;
    store::write_atomic(&store::result_path(dir, &job.id), text.as_bytes())?;
    let old_error = store::error_path(dir, &job.id);
    if old_error.exists() {
        std::fs::remove_file(&old_error)
            .map_err(|e| Error::io("could not remove", old_error, e))?;
    }
    Ok(Ok(result))
}

/// Runs the selected pending jobs of the sweep in `dir`.
pub fn run(dir: &Path, opts: &RunOptions, progress: &dyn Progress) -> Result<RunReport> {
    let manifest = Manifest::load(dir)?;
    let n = manifest.jobs.len();
    match opts.selection {
        Selection::Index(i) if i >= n => {
            return Err(Error::field(
                "index",
                format!("{i} is past the last job (the sweep has {n} jobs, indices 0..{n})"),
            ));
        }
        Selection::Shard(i, k) if k == 0 || i >= k => {
            return Err(Error::field("shard", format!("{i}/{k}: need 0 <= I < K")));
        }
        _ => {}
    }
    let store = Store::scan(dir)?;
    let mut report = RunReport::default();
    let mut pending: Vec<&Job> = Vec::new();
    for job in manifest
        .jobs
        .iter()
        .filter(|j| opts.selection.takes(j.index))
    {
        report.selected += 1;
        if store.is_done(job) {
            report.skipped_done += 1;
        } else if store.failures.contains_key(&job.id) && !opts.retry_failed {
            report.skipped_failed.push(job.id.clone());
        } else {
            pending.push(job);
        }
    }
    let mut builder = rayon::ThreadPoolBuilder::new();
    if let Some(w) = opts.workers {
        builder = builder.num_threads(w.max(1));
    }
    let pool = builder
        .build()
        .map_err(|e| Error::kernel("sweep", format!("could not start workers: {e}")))?;
    progress.start("sweep jobs", pending.len() as u64);
    let outcomes: Vec<Result<std::result::Result<JobResult, JobFailure>>> = pool.install(|| {
        pending
            .par_iter()
            .map(|job| {
                let r = run_job(dir, job);
                progress.inc(1);
                r
            })
            .collect()
    });
    progress.finish();
    for outcome in outcomes {
        match outcome? {
            Ok(_) => report.succeeded += 1,
            Err(f) => report.failed.push(f.id),
        }
    }
    Ok(report)
}
