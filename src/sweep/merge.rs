//! Merging a sweep's results into one table: one row per point, in the manifest's order,
//! columns = the swept parameters, then the outputs.
//!
//! Outputs are the CLI's `--json` object without its `model` summary (the swept parameters
//! say what varies). In CSV, nested objects become dotted columns (`decomposition.bias`),
//! arrays one cell holding their JSON; in JSONL each line is an object with the parameters
//! then the outputs as they are. Numbers are written in serde_json's shortest round-trip
//! form (and result files are read back with serde_json's `float_roundtrip` parser), so a
//! merged value parses back to the bits computed, whatever engine computed it.

use super::manifest::Manifest;
use super::store::{Store, write_atomic};
use crate::error::{Error, Result};
use serde_json::{Map, Value};
use std::path::Path;

/// Output formats of [`merge`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MergeFormat {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

impl MergeFormat {
    /// From the output file's extension (`.csv` or `.jsonl`).
    pub fn from_path(path: &Path) -> Result<Self> {
        match path.extension().and_then(|e| e.to_str()) {
            Some("csv") => Ok(MergeFormat::Csv),
            Some("jsonl") => Ok(MergeFormat::Jsonl),
            _ => Err(Error::field(
                "out",
                format!("`{}` must end in .csv or .jsonl", path.display()),
            )),
        }
    }
}

/// What [`merge`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MergeReport {
    /// Rows written.
    pub rows: usize,
    /// Points of the manifest without a result (only with `partial`).
    pub missing: usize,
}

/// One merged row: the swept parameters, then the outputs.
pub type Row = Map<String, Value>;

/// The merged rows, in manifest order, and the ids of points without a result.
pub fn rows(dir: &Path) -> Result<(Vec<Row>, Vec<String>)> {
    let manifest = Manifest::load(dir)?;
    let store = Store::scan(dir)?;
    let mut rows = Vec::new();
    let mut missing = Vec::new();
    for job in &manifest.jobs {
        for p in &job.points {
            match store.points.get(&p.id) {
                Some(r) => {
                    let mut row = p.params.clone();
                    if let Value::Object(out) = &r.outputs {
                        for (k, v) in out {
                            if k != "model" {
                                row.insert(k.clone(), v.clone());
                            }
                        }
                    }
                    rows.push(row);
                }
                None => missing.push(format!("{} (job {} #{})", p.id, job.id, job.index)),
            }
        }
    }
    Ok((rows, missing))
}

/// Merges the results of the sweep in `dir` into `out` (written atomically). Refuses, listing
/// what is missing, when a point has no result, unless `partial`.
pub fn merge(dir: &Path, out: &Path, partial: bool) -> Result<MergeReport> {
    let format = MergeFormat::from_path(out)?;
    let (rows, missing) = rows(dir)?;
    if !missing.is_empty() && !partial {
        let shown: Vec<&str> = missing.iter().take(10).map(String::as_str).collect();
        return Err(Error::field(
            "merge",
            format!(
                "{} of {} points have no result (run `giantstep sweep run` or pass --partial); \
                 missing: {}{}",
                missing.len(),
                missing.len() + rows.len(),
                shown.join(", "),
                if missing.len() > shown.len() {
                    ", ..."
                } else {
                    ""
                }
            ),
        ));
    }
    let bytes = match format {
        MergeFormat::Jsonl => {
            let mut s = String::new();
            for row in &rows {
                s.push_str(
                    &serde_json::to_string(row).map_err(|e| Error::field("json", e.to_string()))?,
                );
                s.push('\n');
            }
            s.into_bytes()
        }
        MergeFormat::Csv => csv_bytes(&rows)?,
    };
    write_atomic(out, &bytes)?;
    Ok(MergeReport {
        rows: rows.len(),
        missing: missing.len(),
    })
}

fn flatten(prefix: &str, v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(&key, x, out);
            }
        }
        Value::String(s) => out.push((prefix.to_string(), s.clone())),
        Value::Null => out.push((prefix.to_string(), String::new())),
        other => out.push((prefix.to_string(), other.to_string())),
    }
}

fn csv_bytes(rows: &[Row]) -> Result<Vec<u8>> {
    let mut w = csv::Writer::from_writer(Vec::new());
    let flat: Vec<Vec<(String, String)>> = rows
        .iter()
        .map(|row| {
            let mut cells = Vec::new();
            for (k, v) in row {
                flatten(k, v, &mut cells);
            }
            cells
        })
        .collect();
    let csv_err = |e: csv::Error| Error::field("merge", format!("could not write CSV: {e}"));
    // header: the columns of the first row, then any column a later row adds
    let mut header: Vec<String> = Vec::new();
    for cells in &flat {
        for (k, _) in cells {
            if !header.contains(k) {
                header.push(k.clone());
            }
        }
    }
    w.write_record(&header).map_err(csv_err)?;
    for cells in &flat {
        let record: Vec<&str> = header
            .iter()
            .map(|h| {
                cells
                    .iter()
                    .find(|(k, _)| k == h)
                    .map_or("", |(_, v)| v.as_str())
            })
            .collect();
        w.write_record(&record).map_err(csv_err)?;
    }
    w.into_inner()
        .map_err(|e| Error::field("merge", format!("could not write CSV: {e}")))
}
