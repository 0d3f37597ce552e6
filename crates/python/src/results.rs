//! Result objects returned to Python: read-only attributes (floats or numpy arrays) and
//! `to_dict()`, which gives exactly the JSON object the CLI prints with `--json` (the serde
//! form of the same Rust value, parsed by Python's `json`).

use giantstep::experiments::learning::RiskComparison;
use giantstep::experiments::risk::RiskPoint;
use giantstep::experiments::spectrum::TheorySpectrum;
use numpy::{PyArray1, PyArray2};
use pyo3::prelude::*;
use pyo3::types::PyAny;
use serde::Serialize;

/// A serde value as a Python object, through JSON (the CLI's `--json` form).
pub fn json_object<T: Serialize>(py: Python<'_>, value: &T) -> PyResult<Py<PyAny>> {
    let text = serde_json::to_string(value)
        .map_err(|e| crate::errors::to_py(giantstep::Error::field("json", e.to_string())))?;
    Ok(py.import("json")?.call_method1("loads", (text,))?.unbind())
}

fn array(py: Python<'_>, v: &[f64]) -> Py<PyArray1<f64>> {
    PyArray1::from_slice(py, v).unbind()
}

/// The limiting spectrum on a grid (THEORY.md §4): density of the continuous part, atom at 0,
/// right edge, the random-features edge and the mass beyond it, mean outliers / p.
#[pyclass(module = "giantstep", frozen)]
pub struct Density {
    /// Grid points.
    #[pyo3(get)]
    pub x: Py<PyArray1<f64>>,
    /// Density of the continuous part at `x` (the atom removed).
    #[pyo3(get)]
    pub density: Py<PyArray1<f64>>,
    /// Mass of the atom at 0, `max(0, 1 - alpha/psi)`.
    #[pyo3(get)]
    pub atom: f64,
    /// Right edge of the bulk.
    #[pyo3(get)]
    pub right_edge: f64,
    /// Right edge of the random-features bulk (u = 0, same sigma, psi, alpha).
    #[pyo3(get)]
    pub rf_edge: f64,
    /// Mass of the limiting spectrum beyond `rf_edge`.
    #[pyo3(get)]
    pub tail_mass: f64,
    /// Continuous mass below the first grid point.
    #[pyo3(get)]
    pub mass_below_grid: f64,
    /// Leading-order mean outliers divided by p (multiply by p = psi d).
    #[pyo3(get)]
    pub outliers: Py<PyArray1<f64>>,
    inner: TheorySpectrum,
}

impl Density {
    /// Wraps the library's result.
    pub fn new(py: Python<'_>, th: TheorySpectrum) -> Self {
        Density {
            x: array(py, &th.x),
            density: array(py, &th.density),
            atom: th.atom,
            right_edge: th.right_edge,
            rf_edge: th.rf_edge,
            tail_mass: th.tail_mass,
            mass_below_grid: th.mass_below_grid,
            outliers: array(py, &th.outliers_over_p),
            inner: th,
        }
    }
}

#[pymethods]
impl Density {
    /// Leading-order outlier positions for width `p` (`p * outliers`).
    fn outliers_at(&self, py: Python<'_>, p: usize) -> Py<PyArray1<f64>> {
        array(py, &self.inner.outliers(p))
    }

    /// The CLI's `density --json` object.
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        json_object(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        format!(
            "Density({} points, atom={:.6}, right_edge={:.6}, rf_edge={:.6}, tail_mass={:.6})",
            self.inner.x.len(),
            self.atom,
            self.right_edge,
            self.rf_edge,
            self.tail_mass
        )
    }
}

/// Asymptotic errors of the retrained second layer (THEORY.md §5): at one point every
/// attribute is a float; over an array of `alpha` or `lam` every attribute is an array.
#[pyclass(module = "giantstep", frozen)]
pub struct Risk {
    /// Test error `E_gen` (includes the noise `Delta`).
    #[pyo3(get)]
    pub r#gen: Py<PyAny>,
    /// Training error `E_train`.
    #[pyo3(get)]
    pub train: Py<PyAny>,
    /// Part of the target outside the learnable span (without `Delta`).
    #[pyo3(get)]
    pub irreducible: Py<PyAny>,
    /// Spectral radius of `Phi Xi` (tends to 1 at the interpolation peak).
    #[pyo3(get)]
    pub spectral_radius: Py<PyAny>,
    /// Decomposition `E_gen = bias + g_price + variance + noise`: a dict of those four.
    #[pyo3(get)]
    pub decomposition: Py<PyAny>,
    /// The sample ratio(s) `alpha`.
    #[pyo3(get)]
    pub alpha: Py<PyAny>,
    /// The ridge(s) `lambda`.
    #[pyo3(get)]
    pub lam: Py<PyAny>,
    points: Vec<RiskPoint>,
    curve: bool,
}

impl Risk {
    /// One point (`curve = false`, floats) or a curve (arrays over the points).
    pub fn new(py: Python<'_>, points: Vec<RiskPoint>, curve: bool) -> PyResult<Self> {
        let field = |f: &dyn Fn(&RiskPoint) -> f64| -> PyResult<Py<PyAny>> {
            if curve {
                let v: Vec<f64> = points.iter().map(f).collect();
                Ok(PyArray1::from_vec(py, v).into_any().unbind())
            } else {
                Ok(f(&points[0]).into_pyobject(py)?.into_any().unbind())
            }
        };
        let decomposition = pyo3::types::PyDict::new(py);
        decomposition.set_item("bias", field(&|p| p.decomposition.bias)?)?;
        decomposition.set_item("g_price", field(&|p| p.decomposition.g_price)?)?;
        decomposition.set_item("variance", field(&|p| p.decomposition.variance)?)?;
        decomposition.set_item("noise", field(&|p| p.decomposition.noise)?)?;
        Ok(Risk {
            r#gen: field(&|p| p.r#gen)?,
            train: field(&|p| p.train)?,
            irreducible: field(&|p| p.irreducible)?,
            spectral_radius: field(&|p| p.spectral_radius)?,
            decomposition: decomposition.into_any().unbind(),
            alpha: field(&|p| p.model.alpha)?,
            lam: field(&|p| p.model.lambda)?,
            points,
            curve,
        })
    }
}

#[pymethods]
impl Risk {
    /// The CLI's `risk --json` object; for a curve, the list of those objects.
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        if self.curve {
            json_object(py, &self.points)
        } else {
            json_object(py, &self.points[0])
        }
    }

    fn __len__(&self) -> usize {
        self.points.len()
    }

    fn __repr__(&self) -> String {
        match self.points.as_slice() {
            [p] if !self.curve => format!(
                "Risk(gen={:.9}, train={:.9}, irreducible={:.9})",
                p.r#gen, p.train, p.irreducible
            ),
            ps => format!("Risk(curve of {} points)", ps.len()),
        }
    }
}

/// Ridge on simulated spiked features, theory alongside (the CLI's `simulate risk`).
#[pyclass(module = "giantstep", frozen)]
pub struct SimulatedRisk {
    /// Seeds, one simulation each.
    #[pyo3(get)]
    pub seeds: Vec<u64>,
    /// Dimension `d`.
    #[pyo3(get)]
    pub d: usize,
    /// Simulated `E_gen` per seed.
    #[pyo3(get)]
    pub r#gen: Py<PyArray1<f64>>,
    /// Simulated `E_train` per seed.
    #[pyo3(get)]
    pub train: Py<PyArray1<f64>>,
    /// Seed mean of `gen` and its standard error.
    #[pyo3(get)]
    pub gen_mean: f64,
    /// Standard error of `gen_mean`.
    #[pyo3(get)]
    pub gen_stderr: f64,
    /// Seed mean of `train`.
    #[pyo3(get)]
    pub train_mean: f64,
    /// Standard error of `train_mean`.
    #[pyo3(get)]
    pub train_stderr: f64,
    /// Theory `E_gen` (THEORY.md §5).
    #[pyo3(get)]
    pub theory_gen: f64,
    /// Theory `E_train`.
    #[pyo3(get)]
    pub theory_train: f64,
    inner: RiskComparison,
}

impl SimulatedRisk {
    /// Wraps the library's result.
    pub fn new(py: Python<'_>, c: RiskComparison) -> Self {
        SimulatedRisk {
            seeds: c.seeds.clone(),
            d: c.d,
            r#gen: array(py, &c.seed_gen),
            train: array(py, &c.seed_train),
            gen_mean: c.sim_gen.0,
            gen_stderr: c.sim_gen.1,
            train_mean: c.sim_train.0,
            train_stderr: c.sim_train.1,
            theory_gen: c.theory_gen,
            theory_train: c.theory_train,
            inner: c,
        }
    }
}

#[pymethods]
impl SimulatedRisk {
    /// The CLI's `simulate risk --json` object.
    fn to_dict(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        json_object(py, &self.inner)
    }

    fn __repr__(&self) -> String {
        format!(
            "SimulatedRisk(d={}, {} seeds, gen={:.6}±{:.6} vs theory {:.6}, train={:.6}±{:.6} vs theory {:.6})",
            self.d,
            self.seeds.len(),
            self.gen_mean,
            self.gen_stderr,
            self.theory_gen,
            self.train_mean,
            self.train_stderr,
            self.theory_train
        )
    }
}

/// Shifted Hermite coefficients `mu_k(c) = E[sigma(s Z + c) He_k(Z)]`, `k = 0..k`, and
/// `mu*(c)^2 = E[sigma(s Z + c)^2] - mu_0(c)^2 - mu_1(c)^2` at the shifts `c`.
#[pyclass(module = "giantstep", frozen)]
pub struct ShiftedTable {
    /// The shifts.
    #[pyo3(get)]
    pub c: Py<PyAny>,
    /// `mu_k(c)`: shape `(len(c), k + 1)` (or `(k + 1,)` for a scalar `c`).
    #[pyo3(get)]
    pub mu: Py<PyAny>,
    /// `E[sigma(s Z + c)^2]`.
    #[pyo3(get)]
    pub second_moment: Py<PyAny>,
    /// `mu*(c)^2`.
    #[pyo3(get)]
    pub mu_star_sq: Py<PyAny>,
}

impl ShiftedTable {
    /// Wraps the kernel's table; `scalar`: the shift was one number.
    pub fn new(
        py: Python<'_>,
        shifts: &[f64],
        table: &giantstep_hermite::shifted::ShiftedTable,
        k_max: usize,
        scalar: bool,
    ) -> PyResult<Self> {
        let rows: Vec<Vec<f64>> = (0..table.len()).map(|i| table.row(i).to_vec()).collect();
        let one = |v: &[f64]| -> PyResult<Py<PyAny>> {
            if scalar {
                Ok(v[0].into_pyobject(py)?.into_any().unbind())
            } else {
                Ok(PyArray1::from_slice(py, v).into_any().unbind())
            }
        };
        let mu = if scalar {
            PyArray1::from_slice(py, &rows[0]).into_any().unbind()
        } else if rows.is_empty() {
            PyArray2::<f64>::zeros(py, [0, k_max + 1], false)
                .into_any()
                .unbind()
        } else {
            PyArray2::from_vec2(py, &rows)
                .map_err(|e| crate::errors::invalid(e.to_string()))?
                .into_any()
                .unbind()
        };
        Ok(ShiftedTable {
            c: one(shifts)?,
            mu,
            second_moment: one(table.second_moment())?,
            mu_star_sq: one(table.mu_star_sq())?,
        })
    }
}

#[pymethods]
impl ShiftedTable {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        Ok(format!(
            "ShiftedTable(c={}, mu_star_sq={})",
            self.c.bind(py).repr()?,
            self.mu_star_sq.bind(py).repr()?
        ))
    }
}
