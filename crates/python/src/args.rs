//! Python arguments to Rust values: numbers and array-likes through `numpy.asarray`, with
//! the dtype and shape checked (a wrong one is `InvalidParameter`, naming the argument), and
//! spike groups as `(u, pi)` / `(u, pi, gamma)` tuples.

use crate::errors::invalid;
use giantstep::config::Group;
use num_complex::Complex64;
use numpy::{PyReadonlyArrayDyn, PyUntypedArrayMethods};
use pyo3::prelude::*;
use pyo3::types::PyAny;

/// Values of an array-like argument, flattened in C order, with its shape; `scalar` when
/// the argument was a Python or numpy scalar (the result is then a scalar too).
pub struct Values<T> {
    /// Entries in C order.
    pub values: Vec<T>,
    /// Shape of the argument (empty for a scalar).
    pub shape: Vec<usize>,
    /// The argument was a scalar, not an array.
    pub scalar: bool,
}

/// `numpy.asarray(obj)` and its dtype kind (`'f'`, `'i'`, `'c'`, ...).
fn as_array<'py>(name: &str, obj: &Bound<'py, PyAny>) -> PyResult<(Bound<'py, PyAny>, char)> {
    let py = obj.py();
    let np = py.import("numpy")?;
    let arr = np
        .call_method1("asarray", (obj,))
        .map_err(|e| invalid(format!("`{name}` is not an array of numbers: {e}")))?;
    let kind: String = arr.getattr("dtype")?.getattr("kind")?.extract()?;
    let dtype: String = arr.getattr("dtype")?.str()?.extract()?;
    let kind = kind.chars().next().unwrap_or('?');
    if !matches!(kind, 'f' | 'i' | 'u' | 'c') {
        return Err(invalid(format!(
            "`{name}` must hold numbers (float, int or complex), got dtype {dtype}"
        )));
    }
    Ok((arr, kind))
}

/// `obj` is a scalar (not an ndarray) whose array `arr` has no dimensions.
fn is_scalar(obj: &Bound<'_, PyAny>, arr: &Bound<'_, PyAny>) -> PyResult<bool> {
    let ndarray = obj.py().import("numpy")?.getattr("ndarray")?;
    Ok(!obj.is_instance(&ndarray)? && arr.getattr("ndim")?.extract::<usize>()? == 0)
}

/// A real argument: Python number or array-like of real numbers (complex is refused).
pub fn real_values(name: &str, obj: &Bound<'_, PyAny>) -> PyResult<Values<f64>> {
    let (arr, kind) = as_array(name, obj)?;
    let scalar = is_scalar(obj, &arr)?;
    if kind == 'c' {
        return Err(invalid(format!(
            "`{name}` must be real, got a complex array"
        )));
    }
    let arr = arr.call_method1("astype", ("float64",))?;
    let view: PyReadonlyArrayDyn<'_, f64> = arr.extract()?;
    Ok(Values {
        shape: view.shape().to_vec(),
        values: view.as_array().iter().copied().collect(),
        scalar,
    })
}

/// A complex argument: Python number or array-like of real or complex numbers.
pub fn complex_values(name: &str, obj: &Bound<'_, PyAny>) -> PyResult<Values<Complex64>> {
    let (arr, _) = as_array(name, obj)?;
    let scalar = is_scalar(obj, &arr)?;
    let arr = arr.call_method1("astype", ("complex128",))?;
    let view: PyReadonlyArrayDyn<'_, Complex64> = arr.extract()?;
    Ok(Values {
        shape: view.shape().to_vec(),
        values: view.as_array().iter().copied().collect(),
        scalar,
    })
}

/// A 1-D real array (a scalar is refused, naming the argument).
pub fn real_vector(name: &str, obj: &Bound<'_, PyAny>) -> PyResult<Vec<f64>> {
    let v = real_values(name, obj)?;
    if v.shape.len() != 1 {
        return Err(invalid(format!(
            "`{name}` must be a 1-D array, got shape {:?}",
            v.shape
        )));
    }
    Ok(v.values)
}

/// A real scalar or 1-D array (`alpha`, `lam` of a learning curve).
pub enum ScalarOrVector {
    /// One value.
    Scalar(f64),
    /// A 1-D array of values.
    Vector(Vec<f64>),
}

/// Reads `obj` as a real scalar or a 1-D real array.
pub fn scalar_or_vector(name: &str, obj: &Bound<'_, PyAny>) -> PyResult<ScalarOrVector> {
    let v = real_values(name, obj)?;
    match v.shape.len() {
        0 => Ok(ScalarOrVector::Scalar(v.values[0])),
        1 if !v.values.is_empty() => Ok(ScalarOrVector::Vector(v.values)),
        _ => Err(invalid(format!(
            "`{name}` must be a number or a non-empty 1-D array, got shape {:?}",
            v.shape
        ))),
    }
}

/// A real scalar argument (a number, or a 0-d array).
pub fn real_scalar(name: &str, obj: &Bound<'_, PyAny>) -> PyResult<f64> {
    match scalar_or_vector(name, obj)? {
        ScalarOrVector::Scalar(x) => Ok(x),
        ScalarOrVector::Vector(_) => Err(invalid(format!("`{name}` must be a number"))),
    }
}

/// Spike groups: a sequence of `(u, pi)` or `(u, pi, gamma)`.
pub fn groups(obj: &Bound<'_, PyAny>) -> PyResult<Vec<Group>> {
    let items: Vec<Bound<'_, PyAny>> = obj
        .try_iter()
        .map_err(|_| invalid("`groups` must be a list of (u, pi) or (u, pi, gamma) tuples"))?
        .collect::<PyResult<_>>()?;
    items
        .iter()
        .enumerate()
        .map(|(i, item)| {
            let name = format!("groups[{i}]");
            let v = real_vector(&name, item).map_err(|_| {
                invalid(format!(
                    "`{name}` must be a (u, pi) or (u, pi, gamma) tuple of numbers"
                ))
            })?;
            match v.as_slice() {
                [u, pi] => Ok(Group {
                    u: *u,
                    pi: *pi,
                    gamma: 1.0,
                }),
                [u, pi, gamma] => Ok(Group {
                    u: *u,
                    pi: *pi,
                    gamma: *gamma,
                }),
                _ => Err(invalid(format!(
                    "`{name}` has {} entries; a group is (u, pi) or (u, pi, gamma)",
                    v.len()
                ))),
            }
        })
        .collect()
}
