//! Module-level functions: keyword arguments in the CLI's notation turned into an
//! experiment, then the same computation as the `Experiment` methods (see `compute`).
//! The docstrings are what `help(giantstep.<name>)` shows.

use crate::args::{self, ScalarOrVector, real_vector, scalar_or_vector};
use crate::compute;
use crate::errors::invalid;
use crate::experiment::{Overrides, validated};
use crate::results::{Density, Risk, SimulatedRisk};
use numpy::PyArray1;
use pyo3::prelude::*;
use pyo3::types::PyAny;

/// Stieltjes transform m(z) of the spiked deterministic equivalent (THEORY.md §4).
///
/// Solves, for q in C^r and symmetric T in C^{r x r} (Q = diag(q)),
///
///     delta(k) = (1/alpha) [ d(k)^T Q (I + T Q)^{-1} d(k) + sum_a e_a(k)^2 q_a ]
///     T_ab     = E_k[ d_a(k) d_b(k) / (1 + delta(k)) ]
///     s_a      = E_k[ e_a(k)^2 / (1 + delta(k)) ]
///     qt_a     = 1 / ( [T (I + Q T)^{-1}]_aa + s_a - z ),   q_a = psi pi_a qt_a
///     m(z)     = sum_a pi_a qt_a
///
/// with d_a(k) = mu_1(u_a k), e_a(k)^2 = mu*(u_a k)^2 and k ~ N(0, 1); m(z) is the limit of
/// (1/p) tr (F F^T/n - z)^{-1}.
///
/// Parameters
/// ----------
/// z : complex, float, or array-like of them
///     Points in C minus [0, inf). A scalar gives a Python complex; an array gives a
///     complex128 array of the same shape.
/// activation : str
///     sigma: relu, tanh, erf, sigmoid, softplus, gelu, silu, abs, linear, or
///     "hermite:c0,c1,..." (sum_k c_k He_k).
/// psi, alpha : float
///     psi = p/d, alpha = n/d, finite and > 0.
/// groups : list of (u, pi) or (u, pi, gamma), optional
///     Spike groups; the fractions pi sum to 1. Default (and without eta): u = 0.
/// eta : float, optional
///     Learning rate of the giant step instead of groups: u_a = eta a mu_1(sigma) mu_1(target)
///     over the second-layer law (a_values, a_probs; default +-1 uniform).
/// target : str, optional
///     sigma* (matters only with eta). Default "hermite:0,1,0.7071067811865476".
///
/// Raises
/// ------
/// InvalidParameter
///     Bad ratios, NaN/inf, probabilities not summing to 1, unknown activation, z on
///     [0, inf) or not a number.
/// NotConverged
///     The fixed point was not reached (with .residual and .iterations).
#[pyfunction]
#[pyo3(signature = (z, *, activation, psi, alpha, groups=None, eta=None, a_values=None, a_probs=None, target=None))]
#[allow(clippy::too_many_arguments)]
pub fn stieltjes<'py>(
    py: Python<'py>,
    z: &Bound<'py, PyAny>,
    activation: String,
    psi: Bound<'py, PyAny>,
    alpha: Bound<'py, PyAny>,
    groups: Option<Bound<'py, PyAny>>,
    eta: Option<Bound<'py, PyAny>>,
    a_values: Option<Bound<'py, PyAny>>,
    a_probs: Option<Bound<'py, PyAny>>,
    target: Option<String>,
) -> PyResult<Py<PyAny>> {
    let e = Overrides {
        activation: Some(activation),
        target,
        groups,
        eta,
        a_values,
        a_probs,
        psi: Some(psi),
        alpha: Some(alpha),
        ..Overrides::default()
    }
    .experiment()?;
    compute::stieltjes(py, &e, args::complex_values("z", z)?)
}

/// Limiting spectral density of F F^T/n (THEORY.md §4), as the CLI's `density` computes it.
///
/// rho(x) = lim_{eta -> 0+} Im m(x + i eta) / pi, with m(z) of `giantstep.stieltjes`; when
/// psi > alpha an atom of mass 1 - alpha/psi sits at 0 (reported as .atom, not in
/// .density).
///
/// Parameters
/// ----------
/// x : array-like of float, optional
///     Grid: finite, non-decreasing, at most 100000 points. Default: 799 points up to
///     1.15 x the right edge, dense near 0.
/// activation, psi, alpha, groups, eta, a_values, a_probs, target
///     As in `giantstep.stieltjes`.
///
/// Returns
/// -------
/// Density
///     .x, .density (arrays), .atom, .right_edge, .rf_edge (edge of the u = 0 bulk),
///     .tail_mass (mass beyond rf_edge), .mass_below_grid, .outliers (leading-order mean
///     outliers divided by p); .to_dict() is the CLI's `density --json` object.
#[pyfunction]
#[pyo3(signature = (x=None, *, activation, psi, alpha, groups=None, eta=None, a_values=None, a_probs=None, target=None))]
#[allow(clippy::too_many_arguments)]
pub fn density<'py>(
    py: Python<'py>,
    x: Option<Bound<'py, PyAny>>,
    activation: String,
    psi: Bound<'py, PyAny>,
    alpha: Bound<'py, PyAny>,
    groups: Option<Bound<'py, PyAny>>,
    eta: Option<Bound<'py, PyAny>>,
    a_values: Option<Bound<'py, PyAny>>,
    a_probs: Option<Bound<'py, PyAny>>,
    target: Option<String>,
) -> PyResult<Density> {
    let e = Overrides {
        activation: Some(activation),
        target,
        groups,
        eta,
        a_values,
        a_probs,
        psi: Some(psi),
        alpha: Some(alpha),
        ..Overrides::default()
    }
    .experiment()?;
    let x = x.map(|x| real_vector("x", &x)).transpose()?;
    compute::density(py, &e, x)
}

/// Asymptotic test and training error of the ridge-retrained second layer (THEORY.md §5).
///
/// With the spectral fixed point at z = -lambda, the learned function
/// v = (J + H)^{-1} a_bar, the mean-estimator error eps(k) and the variance correction
/// t* = Xi (I - Phi Xi)^{-1} w, the conditional test error is e(k) = eps(k) + phi(k)^T t*,
/// and
///
///     E_gen = E[e(k)],   E_train = E[e(k) / (1 + delta(k))^2],
///     E_gen = bias + g_price + variance + noise.
///
/// For u = 0 this is Mei & Montanari (2019).
///
/// Parameters
/// ----------
/// activation, target : str
///     sigma and sigma* (notation of `giantstep.stieltjes`).
/// psi : float
///     p/d.
/// alpha, lam : float or 1-D array of float
///     n/d and the ridge lambda (> 0). At most one of them may be an array: then every
///     attribute of the result is an array over it (a learning curve in one call).
/// noise : float
///     Label noise variance Delta >= 0.
/// groups, eta, a_values, a_probs
///     The spike, as in `giantstep.stieltjes` (eta gives the theta-rescaled groups
///     gamma_a = 1 + eta a mu_2(sigma) mu_2(target)).
///
/// Returns
/// -------
/// Risk
///     .gen, .train, .irreducible (part of the target outside the learnable span),
///     .spectral_radius, .decomposition (dict: bias, g_price, variance, noise), .alpha,
///     .lam; .to_dict() is the CLI's `risk --json` object (a list of them for a curve).
#[pyfunction]
#[pyo3(signature = (*, activation, target, psi, alpha, lam, noise, groups=None, eta=None, a_values=None, a_probs=None))]
#[allow(clippy::too_many_arguments)]
pub fn risk<'py>(
    py: Python<'py>,
    activation: String,
    target: String,
    psi: Bound<'py, PyAny>,
    alpha: Bound<'py, PyAny>,
    lam: Bound<'py, PyAny>,
    noise: Bound<'py, PyAny>,
    groups: Option<Bound<'py, PyAny>>,
    eta: Option<Bound<'py, PyAny>>,
    a_values: Option<Bound<'py, PyAny>>,
    a_probs: Option<Bound<'py, PyAny>>,
) -> PyResult<Risk> {
    let base = Overrides {
        activation: Some(activation),
        target: Some(target),
        noise: Some(noise),
        groups,
        eta,
        a_values,
        a_probs,
        psi: Some(psi),
        ..Overrides::default()
    }
    .set_on(giantstep::config::Experiment::default())?;
    let at = |alpha: f64, lambda: f64| giantstep::config::Experiment {
        alpha,
        lambda,
        ..base.clone()
    };
    let (points, curve) = match (
        scalar_or_vector("alpha", &alpha)?,
        scalar_or_vector("lam", &lam)?,
    ) {
        (ScalarOrVector::Scalar(a), ScalarOrVector::Scalar(l)) => (vec![at(a, l)], false),
        (ScalarOrVector::Vector(a), ScalarOrVector::Scalar(l)) => {
            (a.into_iter().map(|a| at(a, l)).collect(), true)
        }
        (ScalarOrVector::Scalar(a), ScalarOrVector::Vector(l)) => {
            (l.into_iter().map(|l| at(a, l)).collect(), true)
        }
        (ScalarOrVector::Vector(_), ScalarOrVector::Vector(_)) => {
            return Err(invalid(
                "give at most one of `alpha`, `lam` as an array (a curve over one of them)",
            ));
        }
    };
    let points = points
        .into_iter()
        .enumerate()
        .map(|(i, e)| {
            validated(e).map_err(|err| {
                if curve {
                    invalid(format!("curve point {i}: {err}"))
                } else {
                    err
                }
            })
        })
        .collect::<PyResult<Vec<_>>>()?;
    compute::risk(py, points, curve)
}

/// Eigenvalues of F F^T/n for one simulated draw of spiked random features (THEORY.md §2).
///
/// W = W0 + u theta^T + diag(gamma - 1) W0 theta theta^T (rows of W0 uniform on the sphere,
/// groups in contiguous blocks with exact counts), x ~ N(0, I_d), F = sigma(W X) with
/// p = round(psi d), n = round(alpha d). Seeded exactly as the CLI's `simulate spectrum`:
/// the same seed gives the same bits, whatever the thread count.
///
/// Parameters
/// ----------
/// activation, psi, alpha, groups, eta, a_values, a_probs, target
///     As in `giantstep.stieltjes`.
/// d : int
///     Dimension (<= 10000; p, n <= 20000).
/// seed : int
///     Seed of the draw.
///
/// Returns
/// -------
/// numpy.ndarray
///     The p eigenvalues, ascending.
#[pyfunction]
#[pyo3(signature = (*, activation, psi, alpha, d, seed, groups=None, eta=None, a_values=None, a_probs=None, target=None))]
#[allow(clippy::too_many_arguments)]
pub fn simulate_spectrum<'py>(
    py: Python<'py>,
    activation: String,
    psi: Bound<'py, PyAny>,
    alpha: Bound<'py, PyAny>,
    d: Bound<'py, PyAny>,
    seed: Bound<'py, PyAny>,
    groups: Option<Bound<'py, PyAny>>,
    eta: Option<Bound<'py, PyAny>>,
    a_values: Option<Bound<'py, PyAny>>,
    a_probs: Option<Bound<'py, PyAny>>,
    target: Option<String>,
) -> PyResult<Py<PyArray1<f64>>> {
    let e = Overrides {
        activation: Some(activation),
        target,
        groups,
        eta,
        a_values,
        a_probs,
        psi: Some(psi),
        alpha: Some(alpha),
        d: Some(d),
        seeds: Some(seed),
        ..Overrides::default()
    }
    .experiment()?;
    compute::simulate_spectrum(py, &e, e.seeds[0])
}

/// Ridge on simulated spiked features, one run per seed, with the theory alongside
/// (THEORY.md §5): the CLI's `simulate risk`.
///
/// beta = (F F^T/n + lambda)^{-1} F y/n on n = round(alpha d) samples with
/// y = sigma*(<theta, x>) + sqrt(Delta) eps; E_train on the training set, E_gen on n_test
/// fresh samples (plus Delta).
///
/// Parameters
/// ----------
/// activation, target, psi, alpha, lam, noise, groups, eta, a_values, a_probs
///     As in `giantstep.risk` (scalars only).
/// d : int
///     Dimension.
/// seeds : int or sequence of int
///     One simulation per seed.
/// n_test : int
///     Fresh test samples per seed (1..=10000000).
///
/// Returns
/// -------
/// SimulatedRisk
///     .gen, .train (per seed arrays), .gen_mean, .gen_stderr, .train_mean, .train_stderr,
///     .theory_gen, .theory_train; .to_dict() is the CLI's `simulate risk --json` object.
#[pyfunction]
#[pyo3(signature = (*, activation, target, psi, alpha, lam, noise, d, seeds, groups=None, eta=None, a_values=None, a_probs=None, n_test=10_000))]
#[allow(clippy::too_many_arguments)]
pub fn simulate_risk<'py>(
    py: Python<'py>,
    activation: String,
    target: String,
    psi: Bound<'py, PyAny>,
    alpha: Bound<'py, PyAny>,
    lam: Bound<'py, PyAny>,
    noise: Bound<'py, PyAny>,
    d: Bound<'py, PyAny>,
    seeds: Bound<'py, PyAny>,
    groups: Option<Bound<'py, PyAny>>,
    eta: Option<Bound<'py, PyAny>>,
    a_values: Option<Bound<'py, PyAny>>,
    a_probs: Option<Bound<'py, PyAny>>,
    n_test: usize,
) -> PyResult<SimulatedRisk> {
    let e = Overrides {
        activation: Some(activation),
        target: Some(target),
        noise: Some(noise),
        groups,
        eta,
        a_values,
        a_probs,
        psi: Some(psi),
        alpha: Some(alpha),
        lam: Some(lam),
        d: Some(d),
        seeds: Some(seeds),
    }
    .experiment()?;
    compute::simulate_risk(py, &e, n_test)
}
