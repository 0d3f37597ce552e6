//! # giantstep-python
//!
//! The Python module `giantstep._native` (re-exported as `giantstep`): the giantstep
//! kernels with numpy arrays in and out. It is a thin layer: every number comes from the
//! same library call the CLI makes (`giantstep::experiments`, `giantstep-hermite`); this
//! crate only converts arguments, raises typed exceptions and releases the GIL while Rust
//! computes.
//!
//! Modules: [`args`] (Python values to Rust), [`errors`] (exception hierarchy),
//! [`experiment`] (`giantstep.Experiment`), [`compute`] (the library calls),
//! [`functions`] (module-level functions), [`hermite`] (the Hermite layer), [`results`]
//! (result objects).

pub mod args;
pub mod compute;
pub mod errors;
pub mod experiment;
pub mod functions;
pub mod hermite;
pub mod results;

use pyo3::prelude::*;

/// Random-matrix theory of feature learning after one giant gradient step (Rust kernels).
#[pymodule]
#[pyo3(name = "_native")]
fn giantstep_native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    errors::register(m)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add_class::<experiment::PyExperiment>()?;
    m.add_class::<results::Density>()?;
    m.add_class::<results::Risk>()?;
    m.add_class::<results::SimulatedRisk>()?;
    m.add_class::<results::ShiftedTable>()?;
    m.add_function(wrap_pyfunction!(functions::stieltjes, m)?)?;
    m.add_function(wrap_pyfunction!(functions::density, m)?)?;
    m.add_function(wrap_pyfunction!(functions::risk, m)?)?;
    m.add_function(wrap_pyfunction!(functions::simulate_spectrum, m)?)?;
    m.add_function(wrap_pyfunction!(functions::simulate_risk, m)?)?;
    m.add_function(wrap_pyfunction!(hermite::hermite_coefficients, m)?)?;
    m.add_function(wrap_pyfunction!(hermite::gauss_hermite, m)?)?;
    m.add_function(wrap_pyfunction!(hermite::shifted_coefficients, m)?)?;
    Ok(())
}
