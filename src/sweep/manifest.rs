//! The plan of a sweep on disk: `DIR/jobs.jsonl` (one job per line, in order) and
//! `DIR/sweep.json` (the resolved sweep).
//!
//! Ids are content hashes, so they are stable: a point's id is the first 16 hex digits of the
//! SHA-256 of its resolved [`PointConfig`]'s canonical JSON (every experiment field explicit),
//! and a job's id hashes the ids of its points. Re-planning the same file gives the same ids;
//! adding values to an axis adds points, and results already computed for the other points are
//! found again by point id.

use super::spec::{PointConfig, SweepSpec};
use super::store::write_atomic;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Manifest file name inside a sweep directory.
pub const JOBS_FILE: &str = "jobs.jsonl";
/// Resolved sweep file name inside a sweep directory.
pub const SWEEP_FILE: &str = "sweep.json";

/// One point of a job.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedPoint {
    /// Point id (hash of `config`).
    pub id: String,
    /// Swept values, in axis order.
    pub params: Map<String, Value>,
    /// What is computed.
    pub config: PointConfig,
}

/// One job: consecutive points computed one after the other by one process.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Job {
    /// Position in the manifest (the `--index` of `sweep run`).
    pub index: usize,
    /// Job id (hash of the point ids).
    pub id: String,
    /// The points.
    pub points: Vec<PlannedPoint>,
}

/// The resolved sweep written next to the manifest.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepSummary {
    /// giantstep version that planned it.
    pub giantstep_version: String,
    /// Number of points.
    pub points: usize,
    /// Number of jobs.
    pub jobs: usize,
    /// Names of the swept parameters (the first columns of the merged table).
    pub params: Vec<String>,
    /// The sweep as read (ranges expanded).
    pub sweep: SweepSpec,
}

/// A planned sweep: its jobs and summary.
#[derive(Debug, Clone, PartialEq)]
pub struct Manifest {
    /// The sweep directory.
    pub dir: PathBuf,
    /// Jobs in order.
    pub jobs: Vec<Job>,
    /// The resolved sweep.
    pub summary: SweepSummary,
}

fn hex16(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// The id of a point: 16 hex digits of the SHA-256 of its canonical JSON.
pub fn point_id(config: &PointConfig) -> Result<String> {
    let json = serde_json::to_string(config).map_err(|e| Error::field("json", e.to_string()))?;
    Ok(hex16(json.as_bytes()))
}

/// Expands `spec` into jobs of `points_per_job` consecutive points (without writing).
pub fn jobs(spec: &SweepSpec, points_per_job: usize) -> Result<Vec<Job>> {
    if points_per_job == 0 {
        return Err(Error::field("points_per_job", "must be >= 1"));
    }
    let points = spec
        .points()?
        .into_iter()
        .map(|p| {
            Ok(PlannedPoint {
                id: point_id(&p.config)?,
                params: p.params,
                config: p.config,
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(points
        .chunks(points_per_job)
        .enumerate()
        .map(|(index, chunk)| {
            let ids: Vec<&str> = chunk.iter().map(|p| p.id.as_str()).collect();
            Job {
                index,
                id: hex16(ids.join(",").as_bytes()),
                points: chunk.to_vec(),
            }
        })
        .collect())
}

/// Plans `spec` into `dir` (created if missing): writes `jobs.jsonl` and `sweep.json`
/// atomically. `points_per_job` overrides the sweep file's. Results already in `dir` are kept.
pub fn plan(spec: &SweepSpec, dir: &Path, points_per_job: Option<usize>) -> Result<Manifest> {
    let mut spec = spec.clone();
    if let Some(n) = points_per_job {
        spec.points_per_job = n;
    }
    let jobs = jobs(&spec, spec.points_per_job)?;
    std::fs::create_dir_all(dir.join(super::store::RESULTS_DIR))
        .map_err(|e| Error::io("could not create sweep directory", dir, e))?;
    let mut text = String::new();
    for job in &jobs {
        text.push_str(
            &serde_json::to_string(job).map_err(|e| Error::field("json", e.to_string()))?,
        );
        text.push('\n');
    }
    let summary = SweepSummary {
        giantstep_version: env!("CARGO_PKG_VERSION").to_string(),
        points: jobs.iter().map(|j| j.points.len()).sum(),
        jobs: jobs.len(),
        params: spec.axes.iter().map(|a| a.name.clone()).collect(),
        sweep: spec,
    };
    let summary_text =
        serde_json::to_string_pretty(&summary).map_err(|e| Error::field("json", e.to_string()))?;
    write_atomic(&dir.join(SWEEP_FILE), summary_text.as_bytes())?;
    write_atomic(&dir.join(JOBS_FILE), text.as_bytes())?;
    Ok(Manifest {
        dir: dir.to_path_buf(),
        jobs,
        summary,
    })
}

impl Manifest {
    /// Reads the plan in `dir`.
    pub fn load(dir: &Path) -> Result<Self> {
        let read = |name: &str| {
            let path = dir.join(name);
            std::fs::read_to_string(&path).map_err(|e| {
                Error::io(
                    "could not read the sweep plan (run `giantstep sweep plan` first)",
                    path,
                    e,
                )
            })
        };
        let bad = |name: &str, e: serde_json::Error| Error::ConfigParse {
            path: dir.join(name),
            message: crate::error::one_line(&e.to_string()),
        };
        let summary: SweepSummary =
            serde_json::from_str(&read(SWEEP_FILE)?).map_err(|e| bad(SWEEP_FILE, e))?;
        let jobs = read(JOBS_FILE)?
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| serde_json::from_str::<Job>(l).map_err(|e| bad(JOBS_FILE, e)))
            .collect::<Result<Vec<_>>>()?;
        if let Some((i, j)) = jobs.iter().enumerate().find(|(i, j)| j.index != *i) {
            return Err(Error::ConfigParse {
                path: dir.join(JOBS_FILE),
                message: format!(
                    "line {} holds job index {} (edited by hand?)",
                    i + 1,
                    j.index
                ),
            });
        }
        Ok(Manifest {
            dir: dir.to_path_buf(),
            jobs,
            summary,
        })
    }
}
