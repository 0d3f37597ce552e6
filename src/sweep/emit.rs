//! Job descriptions for the engines that run a sweep unchanged: a Slurm batch script for a
//! job array, and a GNU parallel job list. Both call `giantstep sweep run DIR --index I`
//! (or `--shard I/K` when a Slurm array may not hold every job), with absolute paths, so
//! they run from any working directory.

use super::manifest::Manifest;
use super::store::write_atomic;
use crate::error::{Error, Result};
use std::path::{Path, PathBuf};

/// Name of the Slurm script written into the sweep directory.
pub const SLURM_FILE: &str = "sweep.slurm";
/// Name of the GNU parallel job list written into the sweep directory.
pub const PARALLEL_FILE: &str = "parallel-jobs.txt";

/// Settings of the Slurm batch script.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlurmOptions {
    /// Largest number of array tasks (Slurm's `MaxArraySize` is 1001 by default); with more
    /// jobs, task `I` runs shard `I/array_max`.
    pub array_max: usize,
    /// `--time` of each task (e.g. `00:30:00`).
    pub time: Option<String>,
    /// `--mem` of each task (e.g. `2G`).
    pub mem: Option<String>,
    /// `--cpus-per-task`.
    pub cpus: Option<usize>,
    /// `--job-name`.
    pub name: String,
}

impl Default for SlurmOptions {
    fn default() -> Self {
        Self {
            array_max: 1000,
            time: None,
            mem: None,
            cpus: None,
            name: "giantstep-sweep".into(),
        }
    }
}

fn absolute(path: &Path) -> Result<PathBuf> {
    std::path::absolute(path).map_err(|e| Error::io("could not resolve", path, e))
}

fn quote(path: &Path) -> String {
    let s = path.to_string_lossy();
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn check_value(field: &str, v: &str) -> Result<()> {
    if v.is_empty()
        || v.chars()
            .any(|c| c.is_whitespace() || c == '\'' || c == '"')
    {
        return Err(Error::field(field, format!("`{v}` is not a Slurm value")));
    }
    Ok(())
}

/// Writes `DIR/sweep.slurm` for `sbatch`; `exe` is the giantstep binary the tasks run.
/// Returns its path.
pub fn slurm(dir: &Path, exe: &Path, opts: &SlurmOptions) -> Result<PathBuf> {
    let manifest = Manifest::load(dir)?;
    let n = manifest.jobs.len();
    if opts.array_max == 0 {
        return Err(Error::field("array_max", "must be >= 1"));
    }
    check_value("name", &opts.name)?;
    let (dir, exe) = (absolute(dir)?, absolute(exe)?);
    let tasks = n.min(opts.array_max);
    let logs = dir.join("logs");
    std::fs::create_dir_all(&logs).map_err(|e| Error::io("could not create", &logs, e))?;
    let mut s = String::from("#!/bin/bash\n");
    s.push_str(&format!("#SBATCH --job-name={}\n", opts.name));
    s.push_str(&format!("#SBATCH --array=0-{}\n", tasks.saturating_sub(1)));
    s.push_str(&format!(
        "#SBATCH --output={}/slurm-%A_%a.out\n",
        logs.to_string_lossy()
    ));
    if let Some(t) = &opts.time {
        check_value("time", t)?;
        s.push_str(&format!("#SBATCH --time={t}\n"));
    }
    if let Some(m) = &opts.mem {
        check_value("mem", m)?;
        s.push_str(&format!("#SBATCH --mem={m}\n"));
    }
    if let Some(c) = opts.cpus {
        s.push_str(&format!("#SBATCH --cpus-per-task={c}\n"));
    }
    s.push_str(&format!(
        "# giantstep sweep: {n} jobs in {tasks} array tasks. Submit with: sbatch {}\n",
        quote(&dir.join(SLURM_FILE))
    ));
    s.push_str("set -euo pipefail\n");
    let task = if tasks == n {
        "--index \"$SLURM_ARRAY_TASK_ID\"".to_string()
    } else {
        format!("--shard \"$SLURM_ARRAY_TASK_ID/{tasks}\"")
    };
    let workers = opts.cpus.map_or("1".into(), |c| c.to_string());
    s.push_str(&format!(
        "exec {} sweep run {} {task} --jobs {workers} --quiet\n",
        quote(&exe),
        quote(&dir)
    ));
    if n == 0 {
        return Err(Error::field("sweep", "the plan has no jobs"));
    }
    let path = dir.join(SLURM_FILE);
    write_atomic(&path, s.as_bytes())?;
    Ok(path)
}

/// Writes `DIR/parallel-jobs.txt`: one `giantstep sweep run DIR --index I` per line, for
/// `parallel --joblog LOG --resume < DIR/parallel-jobs.txt`. Returns its path.
pub fn gnu_parallel(dir: &Path, exe: &Path) -> Result<PathBuf> {
    let manifest = Manifest::load(dir)?;
    let (dir, exe) = (absolute(dir)?, absolute(exe)?);
    let mut s = String::new();
    for job in &manifest.jobs {
        s.push_str(&format!(
            "{} sweep run {} --index {} --jobs 1 --quiet\n",
            quote(&exe),
            quote(&dir),
            job.index
        ));
    }
    let path = dir.join(PARALLEL_FILE);
    write_atomic(&path, s.as_bytes())?;
    Ok(path)
}
