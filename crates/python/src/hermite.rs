//! The Hermite layer (THEORY.md §3): coefficients `mu_k`, Gauss-Hermite rules and shifted
//! coefficient functions `mu_k(c)`, straight from `giantstep-hermite`.

use crate::args::real_values;
use crate::errors::run;
use crate::results::ShiftedTable;
use giantstep::Error;
use giantstep::model::parse_activation;
use giantstep_hermite::{GaussHermite, ShiftedCoefficients, coefficients};
use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::PyAny;

/// Hermite coefficients mu_k = E[sigma(Z) He_k(Z)], k = 0..k, Z ~ N(0, 1) (THEORY.md §3).
///
/// sigma = sum_k mu_k He_k / k! in L^2(N(0,1)) and E sigma(Z)^2 = sum_k mu_k^2 / k!
/// (Parseval). Closed forms for relu, abs, linear, erf and Hermite polynomials; quadrature
/// otherwise (accurate to about 1e-14 relative for the smooth built-ins).
///
/// Parameters
/// ----------
/// activation : str
///     As in `giantstep.stieltjes`.
/// k : int
///     Highest order, 0 <= k <= 150.
///
/// Returns
/// -------
/// numpy.ndarray
///     [mu_0, ..., mu_k].
#[pyfunction]
pub fn hermite_coefficients(
    py: Python<'_>,
    activation: String,
    k: usize,
) -> PyResult<Py<PyArray1<f64>>> {
    let mu = run(py, || {
        let act = parse_activation("activation", &activation)?;
        coefficients::hermite_coefficients(&act, k).map_err(Error::hermite)
    })?;
    Ok(PyArray1::from_vec(py, mu).unbind())
}

/// A 1-D float64 numpy array.
type Array = Py<PyArray1<f64>>;

/// Gauss-Hermite rule for E[g(Z)], Z ~ N(0, 1): sum_i w_i g(z_i), exact for polynomials of
/// degree <= 2k - 1; the weights sum to 1 (THEORY.md §3).
///
/// Parameters
/// ----------
/// k : int
///     Number of nodes, 1 <= k <= 100000 (an O(k) algorithm; weights of nodes beyond
///     |z| ~ 38.6 underflow to 0).
///
/// Returns
/// -------
/// (numpy.ndarray, numpy.ndarray)
///     Nodes (ascending) and weights.
#[pyfunction]
pub fn gauss_hermite(py: Python<'_>, k: usize) -> PyResult<(Array, Array)> {
    let rule = run(py, || GaussHermite::new(k).map_err(Error::hermite))?;
    Ok((
        PyArray1::from_slice(py, rule.nodes()).unbind(),
        PyArray1::from_slice(py, rule.weights()).unbind(),
    ))
}

/// Shifted coefficient functions (THEORY.md §3):
///
///     mu_k(c)    = E[sigma(s Z + c) He_k(Z)],   k = 0..k
///     mu*(c)^2   = E[sigma(s Z + c)^2] - mu_0(c)^2 - mu_1(c)^2
///
/// (s = 1 is the model's case: mu_k(c) = (d/dc)^k E[sigma(Z + c)]).
///
/// Parameters
/// ----------
/// activation : str
///     As in `giantstep.stieltjes`.
/// c : float or 1-D array-like of float
///     Shifts (finite).
/// k : int
///     Highest order, 0 <= k <= 150.
/// scale : float, optional
///     s > 0 (default 1).
///
/// Returns
/// -------
/// ShiftedTable
///     .c, .mu (shape (len(c), k + 1); (k + 1,) for a scalar c), .second_moment,
///     .mu_star_sq.
#[pyfunction]
#[pyo3(signature = (activation, c, k, scale=1.0))]
pub fn shifted_coefficients(
    py: Python<'_>,
    activation: String,
    c: &Bound<'_, PyAny>,
    k: usize,
    scale: f64,
) -> PyResult<ShiftedTable> {
    let shifts = real_values("c", c)?;
    if shifts.shape.len() > 1 {
        return Err(crate::errors::invalid(format!(
            "`c` must be a number or a 1-D array, got shape {:?}",
            shifts.shape
        )));
    }
    let table = run(py, || {
        let act = parse_activation("activation", &activation)?;
        let method = giantstep_hermite::shifted::Method::Auto;
        ShiftedCoefficients::with_options(act, k, scale, method)
            .and_then(|s| s.eval_many(&shifts.values))
            .map_err(Error::hermite)
    })?;
    ShiftedTable::new(py, &shifts.values, &table, k, shifts.scalar)
}
