//! The Python exception hierarchy and the conversion of `giantstep::Error` into it.
//!
//! ```text
//! GiantstepError(Exception)                 any failure of a giantstep call
//! ├── InvalidParameter(GiantstepError, ValueError)   bad input: ratios, NaN, weights,
//! │                                                  activations, array dtype/shape, z
//! ├── NotConverged(GiantstepError, ArithmeticError)  .residual, .iterations
//! └── ConfigFileError(GiantstepError, OSError)       a config file that cannot be read
//! ```
//!
//! The classes with two bases are made with Python's `type(name, bases, namespace)` when the
//! module is imported (PyO3's `create_exception!` takes a single base). A Rust panic inside a
//! call (a bug) is caught and raised as `GiantstepError`, so no input can abort the
//! interpreter.

use giantstep::Error;
use pyo3::exceptions::{PyArithmeticError, PyException, PyOSError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyDict, PyTuple, PyType};

static GIANTSTEP_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static INVALID_PARAMETER: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static NOT_CONVERGED: PyOnceLock<Py<PyType>> = PyOnceLock::new();
static CONFIG_FILE_ERROR: PyOnceLock<Py<PyType>> = PyOnceLock::new();

/// Makes the exception classes and adds them to module `m`.
pub fn register<'py>(m: &Bound<'py, PyModule>) -> PyResult<()> {
    let py = m.py();
    let module_name = "giantstep";
    let base = make_class(
        py,
        module_name,
        "GiantstepError",
        &[py.get_type::<PyException>()],
        "Base class of every error raised by giantstep.",
    )?;
    let derived = |name: &str, other: Bound<'py, PyType>, doc: &str| {
        make_class(py, module_name, name, &[base.clone(), other], doc)
    };
    let invalid = derived(
        "InvalidParameter",
        py.get_type::<PyValueError>(),
        "Bad input: a ratio that is not finite and > 0, NaN or inf, weights or probabilities \
         that do not sum to 1, an unknown activation, an array of the wrong dtype or shape, \
         z on the support [0, inf).",
    )?;
    let not_converged = derived(
        "NotConverged",
        py.get_type::<PyArithmeticError>(),
        "A solver stopped before its tolerance was met. Attributes: residual (float), \
         iterations (int).",
    )?;
    let config = derived(
        "ConfigFileError",
        py.get_type::<PyOSError>(),
        "An experiment file could not be read.",
    )?;
    for (cell, class) in [
        (&GIANTSTEP_ERROR, &base),
        (&INVALID_PARAMETER, &invalid),
        (&NOT_CONVERGED, &not_converged),
        (&CONFIG_FILE_ERROR, &config),
    ] {
        m.add(class.name()?, class)?;
        let _ = cell.set(py, class.clone().unbind());
    }
    Ok(())
}

fn make_class<'py>(
    py: Python<'py>,
    module: &str,
    name: &str,
    bases: &[Bound<'py, PyType>],
    doc: &str,
) -> PyResult<Bound<'py, PyType>> {
    let namespace = PyDict::new(py);
    namespace.set_item("__module__", module)?;
    namespace.set_item("__doc__", doc)?;
    let class = py
        .get_type::<PyType>()
        .call1((name, PyTuple::new(py, bases)?, namespace))?;
    Ok(class.cast_into::<PyType>()?)
}

fn class<'py>(py: Python<'py>, cell: &PyOnceLock<Py<PyType>>) -> Bound<'py, PyType> {
    match cell.get(py) {
        Some(c) => c.bind(py).clone(),
        // Only reachable if a function runs before module init, which Python never does.
        None => py.get_type::<PyException>(),
    }
}

/// An `InvalidParameter` with `message`.
pub fn invalid(message: impl Into<String>) -> PyErr {
    Python::attach(|py| raise(py, &INVALID_PARAMETER, message.into()))
}

fn raise(py: Python<'_>, cell: &PyOnceLock<Py<PyType>>, message: String) -> PyErr {
    match class(py, cell).call1((message,)) {
        Ok(instance) => PyErr::from_value(instance),
        Err(e) => e,
    }
}

/// The Python exception for a giantstep error.
pub fn to_py(err: Error) -> PyErr {
    Python::attach(|py| {
        let message = err.to_string();
        match err {
            Error::InvalidField { .. } | Error::ConfigParse { .. } | Error::InvalidInput { .. } => {
                raise(py, &INVALID_PARAMETER, message)
            }
            Error::Io { .. } => raise(py, &CONFIG_FILE_ERROR, message),
            Error::NotConverged {
                residual,
                iterations,
                ..
            } => {
                let made = class(py, &NOT_CONVERGED).call1((message,)).and_then(|e| {
                    e.setattr("residual", residual)?;
                    e.setattr("iterations", iterations)?;
                    Ok(e)
                });
                match made {
                    Ok(instance) => PyErr::from_value(instance),
                    Err(e) => e,
                }
            }
            _ => raise(py, &GIANTSTEP_ERROR, message),
        }
    })
}

/// Runs `f` without the GIL (other Python threads go on meanwhile), turning its error into
/// the matching Python exception and a panic into `GiantstepError`.
pub fn run<T, F>(py: Python<'_>, f: F) -> PyResult<T>
where
    T: Send,
    F: FnOnce() -> giantstep::Result<T> + Send,
{
    let outcome = py.detach(|| std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)));
    match outcome {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(e)) => Err(to_py(e)),
        Err(panic) => {
            let what = panic
                .downcast_ref::<&str>()
                .map(|s| s.to_string())
                .or_else(|| panic.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "unknown panic".to_string());
            Err(raise(
                py,
                &GIANTSTEP_ERROR,
                format!("internal error (a bug in giantstep, please report it): {what}"),
            ))
        }
    }
}
