//! Result files of a sweep, written atomically, and the state they describe.
//!
//! A job writes `DIR/results/<job id>.json` (a [`JobResult`]) or, if a point fails,
//! `DIR/results/<job id>.error.json` (a [`JobFailure`]). Each is written to a temporary file
//! in the same directory (`.<name>.tmp-<pid>-<n>`), flushed to disk (`fsync`), renamed over
//! the final name and the directory synced, so a reader sees either no file or a complete
//! one, whenever the writer dies. Temporary files left by a killed writer are ignored.

use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::collections::{HashMap, HashSet};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use super::manifest::Manifest;
use super::spec::PointConfig;

/// Directory of the result files inside a sweep directory.
pub const RESULTS_DIR: &str = "results";

/// The computed point inside a result file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PointResult {
    /// Point id.
    pub id: String,
    /// Swept values.
    pub params: Map<String, Value>,
    /// The resolved configuration computed.
    pub config: PointConfig,
    /// Seeds of the point's simulations (the experiment's `seeds`).
    pub seeds: Vec<u64>,
    /// The CLI subcommand's `--json` output.
    pub outputs: Value,
}

/// The file a finished job writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobResult {
    /// Job id.
    pub id: String,
    /// Job index in the manifest.
    pub index: usize,
    /// giantstep version that computed it.
    pub giantstep_version: String,
    /// Wall time of the job in seconds.
    pub wall_seconds: f64,
    /// The points, in order.
    pub points: Vec<PointResult>,
}

/// The file a failed job writes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobFailure {
    /// Job id.
    pub id: String,
    /// Job index in the manifest.
    pub index: usize,
    /// giantstep version.
    pub giantstep_version: String,
    /// Id of the point that failed.
    pub point: String,
    /// Its swept values.
    pub params: Map<String, Value>,
    /// The error message.
    pub error: String,
}

static TMP_COUNTER: AtomicU64 = AtomicU64::new(0);

/// Writes `bytes` to `path` atomically: temporary file in the same directory, `fsync`,
/// rename, directory `fsync`.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let n = TMP_COUNTER.fetch_add(1, Ordering::Relaxed);
    let tmp = dir.join(format!(".{name}.tmp-{}-{n}", std::process::id()));
    let result = (|| {
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(bytes)?;
        f.sync_all()?;
        drop(f);
        std::fs::rename(&tmp, path)?;
        // make the rename itself durable
        std::fs::File::open(dir)?.sync_all()
    })();
    result.map_err(|e| {
        let _ = std::fs::remove_file(&tmp);
        Error::io("could not write", path, e)
    })
}

/// Path of a job's result file.
pub fn result_path(dir: &Path, job_id: &str) -> PathBuf {
    dir.join(RESULTS_DIR).join(format!("{job_id}.json"))
}

/// Path of a job's error file.
pub fn error_path(dir: &Path, job_id: &str) -> PathBuf {
    dir.join(RESULTS_DIR).join(format!("{job_id}.error.json"))
}

/// What the result directory holds.
#[derive(Debug, Clone, Default)]
pub struct Store {
    /// Ids of jobs with a result file.
    pub done_jobs: HashSet<String>,
    /// Failures by job id.
    pub failures: HashMap<String, JobFailure>,
    /// Computed points by point id (from any result file).
    pub points: HashMap<String, PointResult>,
}

impl Store {
    /// Reads every result and error file of `dir` (temporary files are skipped).
    pub fn scan(dir: &Path) -> Result<Self> {
        let results = dir.join(RESULTS_DIR);
        let mut store = Store::default();
        let entries = match std::fs::read_dir(&results) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(store),
            Err(e) => return Err(Error::io("could not read", results, e)),
        };
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| !n.starts_with('.') && n.ends_with(".json"))
            .collect();
        names.sort();
        for name in names {
            let path = results.join(&name);
            let text = std::fs::read_to_string(&path)
                .map_err(|e| Error::io("could not read", &path, e))?;
            let corrupt = |e: serde_json::Error| Error::ConfigParse {
                path: path.clone(),
                message: format!(
                    "corrupt result file: {}",
                    crate::error::one_line(&e.to_string())
                ),
            };
            if let Some(id) = name.strip_suffix(".error.json") {
                let f: JobFailure = serde_json::from_str(&text).map_err(corrupt)?;
                store.failures.insert(id.to_string(), f);
            } else if let Some(id) = name.strip_suffix(".json") {
                let r: JobResult = serde_json::from_str(&text).map_err(corrupt)?;
                for p in r.points {
                    store.points.insert(p.id.clone(), p);
                }
                store.done_jobs.insert(id.to_string());
            }
        }
        Ok(store)
    }

    /// True if the job has a result file or every one of its points was computed.
    pub fn is_done(&self, job: &super::manifest::Job) -> bool {
        self.done_jobs.contains(&job.id)
            || job.points.iter().all(|p| self.points.contains_key(&p.id))
    }
}

/// Counts of a sweep's jobs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Status {
    /// Jobs in the manifest.
    pub total: usize,
    /// Jobs done.
    pub done: usize,
    /// Jobs failed (and not done since).
    pub failed: usize,
    /// Jobs neither done nor failed.
    pub pending: usize,
    /// The failed jobs.
    pub failures: Vec<JobFailure>,
}

/// Done / pending / failed counts of the sweep in `dir`.
pub fn status(dir: &Path) -> Result<Status> {
    let manifest = Manifest::load(dir)?;
    let store = Store::scan(dir)?;
    let mut s = Status {
        total: manifest.jobs.len(),
        done: 0,
        failed: 0,
        pending: 0,
        failures: Vec::new(),
    };
    for job in &manifest.jobs {
        if store.is_done(job) {
            s.done += 1;
        } else if let Some(f) = store.failures.get(&job.id) {
            s.failed += 1;
            s.failures.push(f.clone());
        } else {
            s.pending += 1;
        }
    }
    Ok(s)
}
