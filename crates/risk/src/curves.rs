//! Optimal ridge `λ* = argmin_λ E_gen(λ)` and learning curves over `α`, `ψ`, `λ` or `η̃`
//! (THEORY.md §6), returned as plain data.

use crate::assembly::{Decomposition, RiskResult};
use crate::error::{RiskError, check_lambda};
use crate::kappa::one_step_groups;
use crate::problem::{RiskProblem, solve_profile};
use serde::{Deserialize, Serialize};

/// Search interval and precision of [`optimal_ridge`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct RidgeSearch {
    /// Smallest `λ` considered (> 0).
    pub lambda_min: f64,
    /// Largest `λ` considered.
    pub lambda_max: f64,
    /// Points of the initial log-spaced bracketing grid (>= 3).
    pub grid: usize,
    /// Target width of the final bracket in `log λ`.
    pub log_tol: f64,
}

impl Default for RidgeSearch {
    fn default() -> Self {
        Self {
            lambda_min: 1e-4,
            lambda_max: 1e3,
            grid: 22,
            log_tol: 1e-6,
        }
    }
}

/// Result of [`optimal_ridge`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OptimalRidge {
    /// `λ*`.
    pub lambda: f64,
    /// Full result at `λ*`.
    pub result: RiskResult,
    /// `true` if the minimum is at an end of the interval (widen it).
    pub at_boundary: bool,
    /// Number of `E_gen` evaluations.
    pub evaluations: usize,
}

/// `λ*` minimizing `E_gen`: log-spaced grid to bracket the minimum, then golden-section
/// search on `log λ` inside the bracket. (The problem's own `λ` is ignored.)
///
/// ```
/// use giantstep_hermite::Activation;
/// use giantstep_risk::{Group, RiskProblem, curves::{optimal_ridge, RidgeSearch}};
/// let p = RiskProblem::new(Activation::Relu, Activation::Hermite(vec![0.0, 1.0]), 0.5,
///     vec![Group::plain(0.0, 1.0)], 1.0, 1.0, 1.0);
/// let opt = optimal_ridge(&p, &RidgeSearch::default()).unwrap();
/// assert!(!opt.at_boundary && opt.lambda > 1e-3 && opt.lambda < 1e2);
/// ```
pub fn optimal_ridge(
    problem: &RiskProblem,
    search: &RidgeSearch,
) -> Result<OptimalRidge, RiskError> {
    check_lambda(search.lambda_min)?;
    check_lambda(search.lambda_max)?;
    if search.lambda_max <= search.lambda_min || search.grid < 3 || search.grid > 10_000 {
        return Err(RiskError::BadInput(
            "ridge search: need lambda_min < lambda_max and 3 <= grid <= 10000".into(),
        ));
    }
    if !(search.log_tol.is_finite() && search.log_tol > 0.0) {
        return Err(RiskError::BadInput(
            "ridge search: log_tol must be > 0".into(),
        ));
    }
    let mut p = problem.clone();
    p.lambda = search.lambda_min;
    p.validate()?;
    let profile = p.profile()?;
    let mut evals = 0usize;
    let mut eval = |log_l: f64, warm: Option<&RiskResult>| -> Result<RiskResult, RiskError> {
        evals += 1;
        solve_profile(
            &profile,
            p.psi,
            p.alpha,
            log_l.exp(),
            p.noise,
            &p.solver,
            warm,
        )
    };
    let (a, b) = (search.lambda_min.ln(), search.lambda_max.ln());
    let xs: Vec<f64> = (0..search.grid)
        .map(|i| a + (b - a) * i as f64 / (search.grid - 1) as f64)
        .collect();
    let mut results: Vec<RiskResult> = Vec::with_capacity(xs.len());
    for &x in &xs {
        let r = eval(x, results.last())?;
        results.push(r);
    }
    let ibest = (0..xs.len())
        .min_by(|&i, &j| results[i].e_gen.total_cmp(&results[j].e_gen))
        .unwrap_or(0);
    if ibest == 0 || ibest == xs.len() - 1 {
        return Ok(OptimalRidge {
            lambda: xs[ibest].exp(),
            result: results.swap_remove(ibest),
            at_boundary: true,
            evaluations: evals,
        });
    }
    // golden section on [x_{i-1}, x_{i+1}]
    let g = (5f64.sqrt() - 1.0) / 2.0;
    let (mut lo, mut hi) = (xs[ibest - 1], xs[ibest + 1]);
    let warm = results[ibest].clone();
    let mut x1 = hi - g * (hi - lo);
    let mut x2 = lo + g * (hi - lo);
    let mut r1 = eval(x1, Some(&warm))?;
    let mut r2 = eval(x2, Some(&warm))?;
    let mut iters = 0;
    while hi - lo > search.log_tol && iters < 200 {
        iters += 1;
        if r1.e_gen <= r2.e_gen {
            hi = x2;
            x2 = x1;
            r2 = r1;
            x1 = hi - g * (hi - lo);
            r1 = eval(x1, Some(&r2))?;
        } else {
            lo = x1;
            x1 = x2;
            r1 = r2;
            x2 = lo + g * (hi - lo);
            r2 = eval(x2, Some(&r1))?;
        }
    }
    let (x, r) = if r1.e_gen <= r2.e_gen {
        (x1, r1)
    } else {
        (x2, r2)
    };
    Ok(OptimalRidge {
        lambda: x.exp(),
        result: r,
        at_boundary: false,
        evaluations: evals,
    })
}

/// What a learning curve varies.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Sweep {
    /// Sample ratio `α = n/d`.
    Alpha(Vec<f64>),
    /// Width ratio `ψ = p/d`.
    Psi(Vec<f64>),
    /// Ridge `λ`.
    Lambda(Vec<f64>),
    /// Learning rate `η̃` of the giant step: groups from [`one_step_groups`].
    Eta {
        /// Values of `η̃`.
        etas: Vec<f64>,
        /// Second-layer values `a`.
        a_values: Vec<f64>,
        /// Their fractions.
        fractions: Vec<f64>,
        /// Use the θ-rescaled equivalent (`γ_a ≠ 1`, THEORY.md §2).
        theta_rescaled: bool,
    },
}

/// One point of a learning curve.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CurvePoint {
    /// The swept value.
    pub x: f64,
    /// `E_gen`.
    pub e_gen: f64,
    /// `E_train`.
    pub e_train: f64,
    /// Decomposition of `E_gen`.
    pub decomposition: Decomposition,
    /// `min_{f ∈ span} E[(σ* - f)²]` (without `Δ`).
    pub irreducible: f64,
    /// Spectral radius of `ΦΞ`.
    pub spectral_radius: f64,
}

impl CurvePoint {
    fn new(x: f64, r: &RiskResult) -> Self {
        Self {
            x,
            e_gen: r.e_gen,
            e_train: r.e_train,
            decomposition: r.decomposition,
            irreducible: r.irreducible,
            spectral_radius: r.spectral_radius,
        }
    }
}

/// Largest number of points of one curve.
pub const MAX_CURVE_POINTS: usize = 100_000;

/// A learning curve: `E_gen`, `E_train`, decomposition at every value of the sweep (warm
/// starts along the sweep; the profile table is built once unless `η̃` varies).
///
/// A warm start changes where the spectral solver starts, not what it must reach (block
/// residual `≤ 1e-12` at every point), so a curve point differs from the same point solved
/// cold only in its last digits: `E_gen`, `E_train` to `1e-10` relative (tested over α, ψ
/// and λ; measured `≤ 7e-12`).
///
/// ```
/// use giantstep_hermite::Activation;
/// use giantstep_risk::{Group, RiskProblem, curves::{learning_curve, Sweep}};
/// let p = RiskProblem::new(Activation::Relu, Activation::Hermite(vec![0.0, 1.0]), 0.1,
///     vec![Group::plain(0.0, 1.0)], 1.0, 1.0, 0.1);
/// let c = learning_curve(&p, &Sweep::Alpha(vec![0.5, 2.0, 8.0])).unwrap();
/// assert!(c[2].e_gen < c[0].e_gen);
/// ```
pub fn learning_curve(problem: &RiskProblem, sweep: &Sweep) -> Result<Vec<CurvePoint>, RiskError> {
    let n = match sweep {
        Sweep::Alpha(v) | Sweep::Psi(v) | Sweep::Lambda(v) => v.len(),
        Sweep::Eta { etas, .. } => etas.len(),
    };
    if n > MAX_CURVE_POINTS {
        return Err(RiskError::TooLarge {
            what: "curve points",
            value: n,
            limit: MAX_CURVE_POINTS,
        });
    }
    let mut out = Vec::with_capacity(n);
    let mut last: Option<RiskResult> = None;
    match sweep {
        Sweep::Eta {
            etas,
            a_values,
            fractions,
            theta_rescaled,
        } => {
            for &eta in etas {
                let mut p = problem.clone();
                p.groups = one_step_groups(
                    &p.sigma,
                    &p.target,
                    eta,
                    a_values,
                    fractions,
                    *theta_rescaled,
                )?;
                let r = p.solve()?;
                out.push(CurvePoint::new(eta, &r));
            }
        }
        Sweep::Alpha(v) | Sweep::Psi(v) | Sweep::Lambda(v) => {
            problem.validate()?;
            let profile = problem.profile()?;
            for &x in v {
                let mut p = problem.clone();
                match sweep {
                    Sweep::Alpha(_) => p.alpha = x,
                    Sweep::Psi(_) => p.psi = x,
                    _ => p.lambda = x,
                }
                p.validate()?;
                let r = solve_profile(
                    &profile,
                    p.psi,
                    p.alpha,
                    p.lambda,
                    p.noise,
                    &p.solver,
                    last.as_ref(),
                )?;
                out.push(CurvePoint::new(x, &r));
                last = Some(r);
            }
        }
    }
    Ok(out)
}
