//! `giantstep.Experiment`: the experiment description of the CLI's `--config` (the same
//! TOML/JSON schema, `giantstep::config::Experiment`), with the computations as methods, and
//! [`Overrides`], the keyword arguments that set its fields (the CLI's flags).

use crate::args::{self, real_scalar, real_vector};
use crate::compute;
use crate::errors::{invalid, to_py};
use crate::results::{Density, Risk, SimulatedRisk, json_object};
use giantstep::config::{self, Experiment};
use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::{PyAny, PyDict};
use std::path::{Path, PathBuf};

/// Fields to set on an experiment, as given by Python keyword arguments (`None` keeps the
/// field). `lam` is the ridge `lambda` (a Python keyword).
#[derive(Default)]
pub struct Overrides<'py> {
    /// Student activation `sigma`.
    pub activation: Option<String>,
    /// Target `sigma*`.
    pub target: Option<String>,
    /// Label noise `Delta`.
    pub noise: Option<Bound<'py, PyAny>>,
    /// Spike groups `(u, pi[, gamma])`.
    pub groups: Option<Bound<'py, PyAny>>,
    /// Learning rate of the giant step.
    pub eta: Option<Bound<'py, PyAny>>,
    /// Support of the second-layer law.
    pub a_values: Option<Bound<'py, PyAny>>,
    /// Probabilities of `a_values`.
    pub a_probs: Option<Bound<'py, PyAny>>,
    /// `psi = p/d`.
    pub psi: Option<Bound<'py, PyAny>>,
    /// `alpha = n/d`.
    pub alpha: Option<Bound<'py, PyAny>>,
    /// Ridge `lambda`.
    pub lam: Option<Bound<'py, PyAny>>,
    /// Simulation dimension.
    pub d: Option<Bound<'py, PyAny>>,
    /// Seeds (an int or a sequence of ints).
    pub seeds: Option<Bound<'py, PyAny>>,
}

const FIELDS: [&str; 12] = [
    "activation",
    "target",
    "noise",
    "groups",
    "eta",
    "a_values",
    "a_probs",
    "psi",
    "alpha",
    "lam",
    "d",
    "seeds",
];

fn whole(name: &str, obj: &Bound<'_, PyAny>) -> PyResult<u64> {
    obj.extract::<u64>()
        .map_err(|_| invalid(format!("`{name}` must be a whole number >= 0, got {obj}")))
}

impl<'py> Overrides<'py> {
    /// Reads `**kwargs`; an unknown name is `InvalidParameter` listing the known ones.
    pub fn from_kwargs(kwargs: Option<&Bound<'py, PyDict>>) -> PyResult<Self> {
        let mut o = Overrides::default();
        let Some(kwargs) = kwargs else {
            return Ok(o);
        };
        for (key, value) in kwargs.iter() {
            let key: String = key.extract()?;
            if value.is_none() {
                continue;
            }
            let text = || -> PyResult<String> {
                value
                    .extract()
                    .map_err(|_| invalid(format!("`{key}` must be a string")))
            };
            match key.as_str() {
                "activation" => o.activation = Some(text()?),
                "target" => o.target = Some(text()?),
                "noise" => o.noise = Some(value),
                "groups" => o.groups = Some(value),
                "eta" => o.eta = Some(value),
                "a_values" => o.a_values = Some(value),
                "a_probs" => o.a_probs = Some(value),
                "psi" => o.psi = Some(value),
                "alpha" => o.alpha = Some(value),
                "lam" | "lambda" => o.lam = Some(value),
                "d" => o.d = Some(value),
                "seeds" => o.seeds = Some(value),
                other => {
                    return Err(invalid(format!(
                        "unknown experiment field `{other}` (known: {})",
                        FIELDS.join(", ")
                    )));
                }
            }
        }
        Ok(o)
    }

    /// `e` with these fields set, as the CLI's flags set them (`groups` and `eta` exclude
    /// each other; `a_values` without `a_probs` resets the law to uniform). Not validated.
    pub fn set_on(&self, mut e: Experiment) -> PyResult<Experiment> {
        if self.groups.is_some() && self.eta.is_some() {
            return Err(invalid(
                "give the spike either as `groups` or through `eta`, not both",
            ));
        }
        if let Some(s) = &self.activation {
            e.activation = s.clone();
        }
        if let Some(s) = &self.target {
            e.target = s.clone();
        }
        if let Some(v) = &self.noise {
            e.noise = real_scalar("noise", v)?;
        }
        if let Some(g) = &self.groups {
            e.groups = Some(args::groups(g)?);
            e.eta = None;
        }
        if let Some(v) = &self.eta {
            e.eta = Some(real_scalar("eta", v)?);
            e.groups = None;
        }
        if let Some(v) = &self.a_values {
            e.a_values = real_vector("a_values", v)?;
            if self.a_probs.is_none() {
                e.a_probs = None;
            }
        }
        if let Some(v) = &self.a_probs {
            e.a_probs = Some(real_vector("a_probs", v)?);
        }
        if let Some(v) = &self.psi {
            e.psi = real_scalar("psi", v)?;
        }
        if let Some(v) = &self.alpha {
            e.alpha = real_scalar("alpha", v)?;
        }
        if let Some(v) = &self.lam {
            e.lambda = real_scalar("lam", v)?;
        }
        if let Some(v) = &self.d {
            e.d = usize::try_from(whole("d", v)?).map_err(|_| invalid("`d` is too large"))?;
        }
        if let Some(v) = &self.seeds {
            e.seeds = if v.extract::<u64>().is_ok() {
                vec![whole("seeds", v)?]
            } else {
                v.try_iter()
                    .map_err(|_| invalid("`seeds` must be an int or a sequence of ints"))?
                    .map(|s| whole("seeds", &s?))
                    .collect::<PyResult<_>>()?
            };
        }
        Ok(e)
    }

    /// [`Overrides::set_on`] the CLI's defaults, validated.
    pub fn experiment(&self) -> PyResult<Experiment> {
        validated(self.set_on(Experiment::default())?)
    }
}

/// `e` if it is valid; else `InvalidParameter` naming the first bad field.
pub fn validated(e: Experiment) -> PyResult<Experiment> {
    e.validate().map_err(to_py)?;
    Ok(e)
}

/// An experiment description: the schema of the CLI's `--config` files.
///
/// `Experiment(**fields)` starts from the CLI's defaults; fields: activation, target, noise,
/// groups, eta, a_values, a_probs, psi, alpha, lam, d, seeds. `Experiment.from_file(path)`
/// reads TOML (`.toml`) or JSON; `Experiment.from_dict(d)` takes the same keys as the file
/// (`lambda`, groups as `{"u", "pi", "gamma"}` tables). Every constructor validates.
#[pyclass(module = "giantstep", name = "Experiment", frozen)]
pub struct PyExperiment {
    inner: Experiment,
}

#[pymethods]
impl PyExperiment {
    #[new]
    #[pyo3(signature = (**fields))]
    fn new(fields: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        Ok(PyExperiment {
            inner: Overrides::from_kwargs(fields)?.experiment()?,
        })
    }

    /// Reads a TOML (`.toml`) or JSON (any other extension) experiment file, exactly as the
    /// CLI's `--config` does.
    #[staticmethod]
    fn from_file(py: Python<'_>, path: PathBuf) -> PyResult<Self> {
        let inner = crate::errors::run(py, || Experiment::from_file(&path))?;
        Ok(PyExperiment { inner })
    }

    /// Builds an experiment from a dict with the keys of the config file schema.
    #[staticmethod]
    fn from_dict(py: Python<'_>, fields: &Bound<'_, PyDict>) -> PyResult<Self> {
        let text: String = py
            .import("json")?
            .call_method1("dumps", (fields,))
            .map_err(|e| invalid(format!("the experiment dict is not JSON data: {e}")))?
            .extract()?;
        let inner =
            Experiment::parse(&text, config::Format::Json, Path::new("<dict>")).map_err(to_py)?;
        Ok(PyExperiment { inner })
    }

    /// A copy with some fields changed (same keywords as the constructor).
    #[pyo3(signature = (**fields))]
    fn replace(&self, fields: Option<&Bound<'_, PyDict>>) -> PyResult<Self> {
        let e = Overrides::from_kwargs(fields)?.set_on(self.inner.clone())?;
        Ok(PyExperiment {
            inner: validated(e)?,
        })
    }

    /// The description as a dict in the config file schema (what `show-config --json` prints).
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        json_object(py, &self.inner)
    }

    /// `m(z)` of the spiked deterministic equivalent (see `giantstep.stieltjes`).
    fn stieltjes(&self, py: Python<'_>, z: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        compute::stieltjes(py, &self.inner, args::complex_values("z", z)?)
    }

    /// The limiting spectrum on `x` (default grid when `None`; see `giantstep.density`).
    #[pyo3(signature = (x=None))]
    fn density(&self, py: Python<'_>, x: Option<&Bound<'_, PyAny>>) -> PyResult<Density> {
        let x = x.map(|x| real_vector("x", x)).transpose()?;
        compute::density(py, &self.inner, x)
    }

    /// Asymptotic test and training error at this experiment (see `giantstep.risk`).
    fn risk(&self, py: Python<'_>) -> PyResult<Risk> {
        compute::risk(py, vec![self.inner.clone()], false)
    }

    /// Eigenvalues of `F F^T/n` of one simulated draw at dimension `d` (default: the first
    /// of `seeds`).
    #[pyo3(signature = (seed=None))]
    fn simulate_spectrum(
        &self,
        py: Python<'_>,
        seed: Option<&Bound<'_, PyAny>>,
    ) -> PyResult<Py<PyArray1<f64>>> {
        let seed = match seed {
            Some(s) => whole("seed", s)?,
            None => self.inner.seeds[0],
        };
        compute::simulate_spectrum(py, &self.inner, seed)
    }

    /// Ridge on simulated features for every seed, theory alongside (see
    /// `giantstep.simulate_risk`).
    #[pyo3(signature = (n_test=10_000))]
    fn simulate_risk(&self, py: Python<'_>, n_test: usize) -> PyResult<SimulatedRisk> {
        compute::simulate_risk(py, &self.inner, n_test)
    }

    #[getter]
    fn activation(&self) -> &str {
        &self.inner.activation
    }
    #[getter]
    fn target(&self) -> &str {
        &self.inner.target
    }
    #[getter]
    fn noise(&self) -> f64 {
        self.inner.noise
    }
    /// Spike groups as `(u, pi, gamma)` tuples, or `None` when the spike comes from `eta`.
    #[getter]
    fn groups(&self) -> Option<Vec<(f64, f64, f64)>> {
        self.inner
            .groups
            .as_ref()
            .map(|g| g.iter().map(|g| (g.u, g.pi, g.gamma)).collect())
    }
    #[getter]
    fn eta(&self) -> Option<f64> {
        self.inner.eta
    }
    #[getter]
    fn a_values(&self) -> Vec<f64> {
        self.inner.a_values.clone()
    }
    /// Probabilities of `a_values` (uniform when not given).
    #[getter]
    fn a_probs(&self) -> Vec<f64> {
        self.inner.a_probs()
    }
    #[getter]
    fn psi(&self) -> f64 {
        self.inner.psi
    }
    #[getter]
    fn alpha(&self) -> f64 {
        self.inner.alpha
    }
    #[getter]
    fn lam(&self) -> f64 {
        self.inner.lambda
    }
    #[getter]
    fn d(&self) -> usize {
        self.inner.d
    }
    #[getter]
    fn seeds(&self) -> Vec<u64> {
        self.inner.seeds.clone()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<PyExperiment>()
            .is_ok_and(|o| o.get().inner == self.inner)
    }

    fn __repr__(&self) -> String {
        let json = serde_json::to_string(&self.inner).unwrap_or_default();
        format!("Experiment.from_dict({json})")
    }
}
