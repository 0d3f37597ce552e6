//! The computations, each on a validated `giantstep::config::Experiment` and through the
//! same library call the CLI makes (so the same inputs give the same bits): the GIL is
//! released while Rust works, and the results are converted to numpy / result objects.

use crate::args::Values;
use crate::errors::run;
use crate::results::{Density, Risk, SimulatedRisk};
use giantstep::config::Experiment;
use giantstep::experiments::{learning, risk, simulation, spectrum};
use giantstep::model::Model;
use giantstep::progress::Silent;
use numpy::{PyArray1, PyArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyAny;
use rayon::prelude::*;

/// `m(z)` at every point of `z` (THEORY.md §4), as a Python complex for a scalar `z` or a
/// complex array of `z`'s shape.
pub fn stieltjes(
    py: Python<'_>,
    e: &Experiment,
    z: Values<num_complex::Complex64>,
) -> PyResult<Py<PyAny>> {
    let m = run(py, || {
        let model = Model::new(e)?;
        spectrum::theory_m(&model, &z.values)
    })?;
    if z.scalar {
        return Ok(m[0].into_pyobject(py)?.into_any().unbind());
    }
    let arr = PyArray1::from_vec(py, m).reshape(z.shape)?;
    Ok(arr.into_any().unbind())
}

/// The limiting spectrum (the CLI's `density`), on `x` or the default grid.
pub fn density(py: Python<'_>, e: &Experiment, x: Option<Vec<f64>>) -> PyResult<Density> {
    let th = run(py, || {
        let model = Model::new(e)?;
        spectrum::theory_spectrum(&model, x.as_deref(), &Silent)
    })?;
    Ok(Density::new(py, th))
}

/// The CLI's `risk` at each experiment (independent points, computed in parallel; each
/// point's numbers do not depend on the others or on the thread count).
pub fn risk(py: Python<'_>, points: Vec<Experiment>, curve: bool) -> PyResult<Risk> {
    let results = run(py, || {
        points
            .par_iter()
            .map(|e| risk::risk(&Model::new(e)?))
            .collect::<giantstep::Result<Vec<_>>>()
    })?;
    Risk::new(py, results, curve)
}

/// Eigenvalues (ascending) of `F F^T / n` for one simulated draw, as `simulate spectrum`
/// draws them for `seed` at dimension `e.d`.
pub fn simulate_spectrum(py: Python<'_>, e: &Experiment, seed: u64) -> PyResult<Py<PyArray1<f64>>> {
    let draw = run(py, || simulation::draw(&Model::new(e)?, e.d, seed))?;
    Ok(PyArray1::from_vec(py, draw.eigenvalues).unbind())
}

/// The CLI's `simulate risk` over `e.seeds` at dimension `e.d`.
pub fn simulate_risk(py: Python<'_>, e: &Experiment, n_test: usize) -> PyResult<SimulatedRisk> {
    let cmp = run(py, || {
        learning::compare_risk(&Model::new(e)?, e.d, &e.seeds, n_test, &Silent)
    })?;
    Ok(SimulatedRisk::new(py, cmp))
}
