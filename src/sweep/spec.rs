//! The sweep file: a base experiment (the `--config` schema of [`Experiment`]), axes over its
//! fields, how the axes combine, and the computation run at every point.
//!
//! ```toml
//! computation = "risk"        # stieltjes | density | risk | simulate spectrum | simulate risk
//! combine = "grid"            # grid (product, first axis slowest; default) or zip
//! points_per_job = 100        # points computed by one job (default 100 for risk and
//!                             # stieltjes, 1 for the others)
//! [base]                      # any experiment description, as in --config
//! activation = "relu"
//! eta = 3.0
//! [axes]                      # in this order
//! lambda = [0.01, 0.1]                                   # a list of values
//! alpha = { start = 0.5, stop = 4.0, num = 50 }          # linear range, both ends included
//! noise = { start = 1e-3, stop = 1.0, num = 4, log = true }  # geometric range
//! ```
//!
//! An axis names a field of the experiment (`alpha`, `psi`, `eta`, `groups`, ...), `seed`
//! (one seed per point: `seeds = [seed]`), or an option of the computation: `z`
//! (stieltjes: `"x"` or `"x,y"`; simulate spectrum: `"z1;z2;..."`), `grid` (density:
//! `"start:end:count"`) and `n_test` (simulate risk); options may also be given once at the
//! top level. Every point is resolved and validated when the file is read, so an unknown
//! field or a bad value is an error naming it (`axes.alpha[3]`, `base.psi`, ...) before any
//! job is written.

use crate::config::Experiment;
use crate::error::{Error, Result};
use crate::parse;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use std::path::Path;

/// Largest number of points a sweep may expand to.
pub const MAX_POINTS: usize = 1_000_000;
/// Largest sweep file read (1 MiB).
pub const MAX_SWEEP_BYTES: u64 = 1 << 20;

/// What is computed at each point: the CLI subcommand of the same name, whose `--json`
/// output is the point's output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Computation {
    /// `giantstep stieltjes`: `m(z)` at the option `z`.
    #[serde(rename = "stieltjes")]
    Stieltjes,
    /// `giantstep density`: the limiting spectrum on the option `grid` (default grid if absent).
    #[serde(rename = "density")]
    Density,
    /// `giantstep risk`: the asymptotic errors.
    #[serde(rename = "risk")]
    Risk,
    /// `giantstep simulate spectrum` at the option `z` (default `-0.5;0.5,0.5;2,1`).
    #[serde(rename = "simulate spectrum")]
    SimulateSpectrum,
    /// `giantstep simulate risk` with the option `n_test` (default 10000).
    #[serde(rename = "simulate risk")]
    SimulateRisk,
}

impl Computation {
    const ALL: [(&'static str, Computation); 5] = [
        ("stieltjes", Computation::Stieltjes),
        ("density", Computation::Density),
        ("risk", Computation::Risk),
        ("simulate spectrum", Computation::SimulateSpectrum),
        ("simulate risk", Computation::SimulateRisk),
    ];

    /// The name used in sweep files (and the CLI subcommand).
    pub fn name(self) -> &'static str {
        Self::ALL
            .iter()
            .find(|(_, c)| *c == self)
            .map_or("", |(n, _)| n)
    }

    fn from_name(s: &str) -> Option<Self> {
        Self::ALL.iter().find(|(n, _)| *n == s).map(|(_, c)| *c)
    }

    /// Options this computation accepts.
    pub fn options(self) -> &'static [&'static str] {
        match self {
            Computation::Stieltjes | Computation::SimulateSpectrum => &["z"],
            Computation::Density => &["grid"],
            Computation::Risk => &[],
            Computation::SimulateRisk => &["n_test"],
        }
    }

    /// Default points per job: theory points that take microseconds are grouped.
    pub fn default_points_per_job(self) -> usize {
        match self {
            Computation::Risk | Computation::Stieltjes => 100,
            _ => 1,
        }
    }
}

/// How the axes combine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Combine {
    /// Cartesian product, first axis slowest.
    Grid,
    /// Element by element (all axes of equal length).
    Zip,
}

/// One axis: a name and its values (already expanded from ranges).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Axis {
    /// Field of the experiment, `seed`, or an option of the computation.
    pub name: String,
    /// Values in order.
    pub values: Vec<Value>,
}

/// Options of a computation (`z`, `grid`, `n_test`), as given in the sweep file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Options {
    /// Spectral argument(s): `x`, `x,y`, or for simulate spectrum `z1;z2;...`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub z: Option<String>,
    /// Density grid `start:end:count`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grid: Option<String>,
    /// Fresh test samples per seed (simulate risk).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub n_test: Option<usize>,
}

/// The fully resolved description of one point: what its job computes, nothing implicit.
/// Its canonical JSON is what the point id hashes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointConfig {
    /// The computation.
    pub computation: Computation,
    /// The experiment (every field explicit).
    pub experiment: Experiment,
    /// The computation's options.
    pub options: Options,
}

/// A parsed and validated sweep file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SweepSpec {
    /// The computation at each point.
    pub computation: Computation,
    /// How axes combine.
    pub combine: Combine,
    /// Points per job.
    pub points_per_job: usize,
    /// The base experiment as given (missing fields take their defaults; it is validated
    /// with each point's axis values, see [`SweepSpec::points`]).
    pub base: Value,
    /// Options given at the top level.
    pub options: Options,
    /// The axes in file order.
    pub axes: Vec<Axis>,
}

/// A point of the sweep: the swept values and the resolved configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct SweepPoint {
    /// `(axis name, value)` in axis order.
    pub params: Map<String, Value>,
    /// What is computed.
    pub config: PointConfig,
}

const TOP_LEVEL: [&str; 8] = [
    "computation",
    "combine",
    "points_per_job",
    "base",
    "axes",
    "z",
    "grid",
    "n_test",
];

impl SweepSpec {
    /// Reads a sweep file: TOML if it ends in `.toml`, JSON otherwise.
    pub fn from_file(path: &Path) -> Result<Self> {
        use std::io::Read;
        let file = std::fs::File::open(path)
            .map_err(|e| Error::io("could not read sweep file", path, e))?;
        let mut text = String::new();
        file.take(MAX_SWEEP_BYTES + 1)
            .read_to_string(&mut text)
            .map_err(|e| Error::io("could not read sweep file", path, e))?;
        if text.len() as u64 > MAX_SWEEP_BYTES {
            return Err(Error::ConfigParse {
                path: path.into(),
                message: format!("file is larger than the {MAX_SWEEP_BYTES} byte limit"),
            });
        }
        let toml = path.extension().is_some_and(|e| e == "toml");
        Self::parse(&text, toml, path)
    }

    /// Parses a sweep from text (`toml` selects the format; `origin` names it in errors)
    /// and validates every point it expands to.
    pub fn parse(text: &str, toml: bool, origin: &Path) -> Result<Self> {
        let parse_error = |message: String| Error::ConfigParse {
            path: origin.into(),
            message: crate::error::one_line(&message),
        };
        let value: Value = if toml {
            toml::from_str(text).map_err(|e| parse_error(e.to_string()))?
        } else {
            serde_json::from_str(text).map_err(|e| parse_error(e.to_string()))?
        };
        let spec = Self::from_value(value)?;
        spec.points()?;
        Ok(spec)
    }

    fn from_value(value: Value) -> Result<Self> {
        let Value::Object(top) = value else {
            return Err(Error::field("sweep", "must be a table of fields"));
        };
        if let Some(k) = top.keys().find(|k| !TOP_LEVEL.contains(&k.as_str())) {
            return Err(Error::field(
                k.clone(),
                format!("unknown field; a sweep has {}", TOP_LEVEL.join(", ")),
            ));
        }
        let names: Vec<&str> = Computation::ALL.iter().map(|(n, _)| *n).collect();
        let computation = match top.get("computation") {
            Some(Value::String(s)) => Computation::from_name(s).ok_or_else(|| {
                Error::field(
                    "computation",
                    format!("`{s}` is not one of {}", names.join(", ")),
                )
            })?,
            Some(v) => return Err(Error::field("computation", format!("`{v}` is not a name"))),
            None => {
                return Err(Error::field(
                    "computation",
                    format!("missing; one of {}", names.join(", ")),
                ));
            }
        };
        let combine = match top.get("combine") {
            None => Combine::Grid,
            Some(Value::String(s)) if s == "grid" => Combine::Grid,
            Some(Value::String(s)) if s == "zip" => Combine::Zip,
            Some(v) => return Err(Error::field("combine", format!("`{v}` is not grid or zip"))),
        };
        let points_per_job = match top.get("points_per_job") {
            None => computation.default_points_per_job(),
            Some(v) => match v.as_u64() {
                Some(n) if n >= 1 => n as usize,
                _ => {
                    return Err(Error::field(
                        "points_per_job",
                        format!("`{v}` is not a whole number >= 1"),
                    ));
                }
            },
        };
        let base = match top.get("base") {
            None => Value::Object(Map::new()),
            Some(v @ Value::Object(_)) => v.clone(),
            Some(_) => return Err(Error::field("base", "must be a table (an experiment)")),
        };
        let mut opts = Map::new();
        for key in ["z", "grid", "n_test"] {
            if let Some(v) = top.get(key) {
                check_option(computation, key, key)?;
                opts.insert(key.to_string(), v.clone());
            }
        }
        let options: Options = serde_json::from_value(Value::Object(opts))
            .map_err(|e| Error::field("options", crate::error::one_line(&e.to_string())))?;
        let axes = match top.get("axes") {
            None => Vec::new(),
            Some(Value::Object(m)) => m
                .iter()
                .map(|(name, v)| axis(computation, name, v))
                .collect::<Result<_>>()?,
            Some(_) => return Err(Error::field("axes", "must be a table of axis = values")),
        };
        if combine == Combine::Zip
            && let Some(first) = axes.first()
            && let Some(bad) = axes.iter().find(|a| a.values.len() != first.values.len())
        {
            return Err(Error::field(
                format!("axes.{}", bad.name),
                format!(
                    "zip needs axes of equal length: {} has {} values, {} has {}",
                    first.name,
                    first.values.len(),
                    bad.name,
                    bad.values.len()
                ),
            ));
        }
        Ok(SweepSpec {
            computation,
            combine,
            points_per_job,
            base,
            options,
            axes,
        })
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        match self.combine {
            _ if self.axes.is_empty() => 1,
            Combine::Grid => self
                .axes
                .iter()
                .map(|a| a.values.len())
                .fold(1usize, |acc, n| acc.saturating_mul(n)),
            Combine::Zip => self.axes[0].values.len(),
        }
    }

    /// True if the sweep has no point (an axis with no values).
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Expands the axes into points, resolving and validating each; the first bad point's
    /// error names the axis values that made it.
    pub fn points(&self) -> Result<Vec<SweepPoint>> {
        let total = self.len();
        if total == 0 {
            return Err(Error::field(
                "axes",
                "an axis has no values: the sweep is empty",
            ));
        }
        if total > MAX_POINTS {
            return Err(Error::field(
                "axes",
                format!("{total} points; a sweep has at most {MAX_POINTS}"),
            ));
        }
        let mut points = Vec::with_capacity(total);
        for i in 0..total {
            let picks: Vec<usize> = match self.combine {
                Combine::Zip => vec![i; self.axes.len()],
                Combine::Grid => {
                    let mut rest = i;
                    let mut picks = vec![0; self.axes.len()];
                    for (j, a) in self.axes.iter().enumerate().rev() {
                        picks[j] = rest % a.values.len();
                        rest /= a.values.len();
                    }
                    picks
                }
            };
            points.push(self.point(&picks)?);
        }
        Ok(points)
    }

    fn point(&self, picks: &[usize]) -> Result<SweepPoint> {
        let mut experiment = self.base.as_object().cloned().unwrap_or_default();
        let mut options = serde_json::to_value(&self.options)
            .ok()
            .and_then(|v| v.as_object().cloned())
            .unwrap_or_default();
        let mut params = Map::new();
        for (a, &j) in self.axes.iter().zip(picks) {
            let v = a.values[j].clone();
            params.insert(a.name.clone(), v.clone());
            match a.name.as_str() {
                "seed" => {
                    experiment.insert("seeds".into(), Value::Array(vec![v]));
                }
                "z" | "grid" | "n_test" => {
                    options.insert(a.name.clone(), v);
                }
                name => {
                    // `eta` and `groups` exclude each other: the axis replaces the base's choice
                    if name == "eta" {
                        experiment.remove("groups");
                    } else if name == "groups" {
                        experiment.remove("eta");
                    }
                    experiment.insert(name.into(), v);
                }
            }
        }
        let at = || {
            if params.is_empty() {
                "base".to_string()
            } else {
                let p: Vec<String> = params.iter().map(|(k, v)| format!("{k} = {v}")).collect();
                format!("the point {}", p.join(", "))
            }
        };
        let experiment: Experiment =
            serde_json::from_value(Value::Object(experiment)).map_err(|e| {
                Error::field(
                    "base",
                    format!("{} (at {})", crate::error::one_line(&e.to_string()), at()),
                )
            })?;
        experiment.validate().map_err(|e| match e {
            Error::InvalidField { field, message } => {
                let origin = if params.contains_key(&field)
                    || (field == "seeds" && params.contains_key("seed"))
                {
                    "axes"
                } else {
                    "base"
                };
                Error::field(
                    format!("{origin}.{field}"),
                    format!("{message} (at {})", at()),
                )
            }
            other => other,
        })?;
        let options: Options = serde_json::from_value(Value::Object(options)).map_err(|e| {
            Error::field(
                "options",
                format!("{} (at {})", crate::error::one_line(&e.to_string()), at()),
            )
        })?;
        let config = PointConfig {
            computation: self.computation,
            experiment,
            options,
        };
        config.check_options()?;
        Ok(SweepPoint { params, config })
    }
}

impl PointConfig {
    /// Parses the options the computation will use (errors name the option).
    pub fn check_options(&self) -> Result<()> {
        let o = &self.options;
        match self.computation {
            Computation::Stieltjes => {
                let z = o
                    .z
                    .as_deref()
                    .ok_or_else(|| Error::field("z", "stieltjes needs z (top level or axis)"))?;
                parse::parse_complex("z", z)?;
            }
            Computation::SimulateSpectrum => {
                for t in self.z_list().split(';') {
                    parse::parse_complex("z", t)?;
                }
            }
            Computation::Density => {
                if let Some(g) = &o.grid {
                    parse::parse_grid("grid", g)?;
                }
            }
            Computation::SimulateRisk => {
                let max = crate::experiments::learning::MAX_N_TEST;
                if let Some(n) = o.n_test
                    && !(1..=max).contains(&n)
                {
                    return Err(Error::field("n_test", format!("{n} is outside 1..={max}")));
                }
            }
            Computation::Risk => {}
        }
        Ok(())
    }

    /// The `z` list of simulate spectrum (the CLI's default when not given).
    pub fn z_list(&self) -> &str {
        self.options.z.as_deref().unwrap_or("-0.5;0.5,0.5;2,1")
    }
}

fn check_option(computation: Computation, key: &str, field: &str) -> Result<()> {
    if computation.options().contains(&key) {
        Ok(())
    } else {
        Err(Error::field(
            field,
            format!(
                "not an option of {} (its options: {})",
                computation.name(),
                if computation.options().is_empty() {
                    "none".to_string()
                } else {
                    computation.options().join(", ")
                }
            ),
        ))
    }
}

fn experiment_fields() -> Vec<String> {
    match serde_json::to_value(Experiment::default()) {
        Ok(Value::Object(m)) => m.keys().cloned().collect(),
        _ => Vec::new(),
    }
}

fn axis(computation: Computation, name: &str, v: &Value) -> Result<Axis> {
    let field = format!("axes.{name}");
    let known = experiment_fields();
    if ["z", "grid", "n_test"].contains(&name) {
        check_option(computation, name, &field)?;
    } else if name != "seed" && !known.iter().any(|k| k == name) {
        return Err(Error::field(
            field,
            format!(
                "unknown field; an axis is seed, an option of the computation, or one of {}",
                known.join(", ")
            ),
        ));
    }
    let values = match v {
        Value::Array(list) => list.clone(),
        Value::Object(range) => expand_range(&field, range)?,
        other => {
            return Err(Error::field(
                field,
                format!("`{other}` is neither a list of values nor {{ start, stop, num }}"),
            ));
        }
    };
    if values.is_empty() {
        return Err(Error::field(field, "has no values"));
    }
    Ok(Axis {
        name: name.to_string(),
        values,
    })
}

/// `{ start, stop, num[, log] }`: `num` values from `start` to `stop`, both included, evenly
/// spaced (or evenly spaced in `log` when `log = true`; then `0 < start, stop`).
fn expand_range(field: &str, range: &Map<String, Value>) -> Result<Vec<Value>> {
    if let Some(k) = range
        .keys()
        .find(|k| !["start", "stop", "num", "log"].contains(&k.as_str()))
    {
        return Err(Error::field(
            format!("{field}.{k}"),
            "unknown field; a range has start, stop, num and log",
        ));
    }
    let number = |k: &str| -> Result<f64> {
        match range.get(k).and_then(Value::as_f64) {
            Some(x) if x.is_finite() => Ok(x),
            Some(x) => Err(Error::field(
                format!("{field}.{k}"),
                format!("{x} is not finite"),
            )),
            None => Err(Error::field(
                format!("{field}.{k}"),
                "missing or not a number",
            )),
        }
    };
    let (start, stop) = (number("start")?, number("stop")?);
    let num = match range.get("num").and_then(Value::as_u64) {
        Some(n) if (1..=MAX_POINTS as u64).contains(&n) => n as usize,
        _ => {
            return Err(Error::field(
                format!("{field}.num"),
                format!("missing or not a whole number between 1 and {MAX_POINTS}"),
            ));
        }
    };
    let log = match range.get("log") {
        None => false,
        Some(Value::Bool(b)) => *b,
        Some(v) => {
            return Err(Error::field(
                format!("{field}.log"),
                format!("`{v}` is not true/false"),
            ));
        }
    };
    if log && !(start > 0.0 && stop > 0.0) {
        return Err(Error::field(
            field,
            format!("a log range needs start > 0 and stop > 0 (got {start}, {stop})"),
        ));
    }
    let at = |i: usize| -> f64 {
        if i == 0 {
            return start;
        }
        if i + 1 == num {
            return stop;
        }
        let t = i as f64 / (num - 1) as f64;
        if log {
            (start.ln() + (stop.ln() - start.ln()) * t).exp()
        } else {
            start + (stop - start) * t
        }
    };
    Ok((0..num).map(|i| Value::from(at(i))).collect())
}
