//! The solver robustness map (issue 7) and the residual of the equations of THEORY.md §4
//! evaluated independently of the solver.

use crate::stieltjes::{all_finite, check_spiked_solution};
use giantstep::config::Experiment;
use giantstep::model::Model;
use giantstep_stieltjes::{SolverConfig, SpikedProblem, SpikedSolution, StieltjesError};
use num_complex::Complex64 as C64;

/// Residual of the spiked equations of THEORY.md §4 at a returned solution, computed here
/// independently of the solver: from `(q, T)` it evaluates
/// `δ(κ) = (1/α)[dᵀ Q (I + T Q)⁻¹ d + Σ_a e_a² q_a]`, `T' = E_κ[d dᵀ/(1+δ)]`,
/// `s = E_κ[e²/(1+δ)]`, `q̃' = 1/([T (I + Q T)⁻¹]_aa + s_a - z)`, `q' = ψ π q̃'`, and returns
/// `max(|q' - q|_∞ / max(|q|_∞, 1), |T' - T|_∞ / max(|T|_∞, 1/max(|q|_∞, 1)))` (the
/// solver's per-block residual convention, `giantstep_stieltjes::spiked::block_residual`).
pub fn independent_residual(problem: &SpikedProblem, sol: &SpikedSolution) -> f64 {
    let r = problem.groups();
    let prof = problem.profile();
    let (q, t, z) = (&sol.q, &sol.t, sol.z);
    let one = C64::new(1.0, 0.0);
    // A = I + T Q, B = I + Q T
    let mut a = vec![C64::new(0.0, 0.0); r * r];
    let mut bm = vec![C64::new(0.0, 0.0); r * r];
    for i in 0..r {
        for j in 0..r {
            let id = if i == j { one } else { C64::new(0.0, 0.0) };
            a[i * r + j] = id + t[i * r + j] * q[j];
            bm[i * r + j] = id + q[i] * t[i * r + j];
        }
    }
    let ainv = invert_small(&a, r);
    let binv = invert_small(&bm, r);
    let (Some(ainv), Some(binv)) = (ainv, binv) else {
        return f64::INFINITY;
    };
    let mut t_new = vec![C64::new(0.0, 0.0); r * r];
    let mut s = vec![C64::new(0.0, 0.0); r];
    for k in 0..prof.len() {
        let d: Vec<f64> = (0..r).map(|a| prof.d(k, a)).collect();
        // d^T Q A^{-1} d
        let mut quad = C64::new(0.0, 0.0);
        for i in 0..r {
            for j in 0..r {
                quad += d[i] * q[i] * ainv[i * r + j] * d[j];
            }
        }
        let noise: C64 = (0..r).map(|a| prof.e2(k, a) * q[a]).sum();
        let delta = (quad + noise) / problem.alpha();
        let w = prof.weights()[k];
        for i in 0..r {
            for j in 0..r {
                t_new[i * r + j] += w * d[i] * d[j] / (one + delta);
            }
            s[i] += w * prof.e2(k, i) / (one + delta);
        }
    }
    let q_new: Vec<C64> = (0..r)
        .map(|a_| {
            // [T B^{-1}]_aa
            let tb: C64 = (0..r).map(|j| t[a_ * r + j] * binv[j * r + a_]).sum();
            problem.psi() * problem.pi()[a_] / (tb + s[a_] - z)
        })
        .collect();
    // the solver's per-block norm (q, then every entry of T), applied to this independent Φ
    let x: Vec<C64> = q.iter().chain(t.iter()).copied().collect();
    let y: Vec<C64> = q_new.iter().chain(t_new.iter()).copied().collect();
    giantstep_stieltjes::spiked::block_residual(r, &x, &y)
}

/// Inverse of a small complex matrix (row-major) by faer's LU with partial pivoting; `None`
/// when the result is not finite (singular input).
fn invert_small(m: &[C64], n: usize) -> Option<Vec<C64>> {
    use faer::linalg::solvers::DenseSolveCore;
    let inv = faer::Mat::<C64>::from_fn(n, n, |i, j| m[i * n + j])
        .partial_piv_lu()
        .inverse();
    let out: Vec<C64> = (0..n * n).map(|k| inv[(k / n, k % n)]).collect();
    all_finite(&out).then_some(out)
}

/// Grid of the solver robustness map (issue 7): `ψ`, `α`, `η̃` (ReLU student, default
/// target, second layer `a = ±1`), ridge points `z = -λ`, and complex points
/// `z = x + i y` (`x` in units of the spectrum's first moment, `y` from far away down to
/// just above the real axis).
#[derive(Debug, Clone, PartialEq)]
pub struct MapGrid {
    /// Width ratios `ψ`.
    pub psi: Vec<f64>,
    /// Sample ratios `α`.
    pub alpha: Vec<f64>,
    /// Learning rates `η̃`.
    pub eta: Vec<f64>,
    /// Ridges `λ` (solved at `z = -λ`).
    pub lambda: Vec<f64>,
    /// Real parts `x / first_moment`.
    pub x: Vec<f64>,
    /// Imaginary parts `y` (absolute).
    pub y: Vec<f64>,
}

fn log_grid(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    (0..n)
        .map(|i| lo * (hi / lo).powf(i as f64 / (n - 1) as f64))
        .collect()
}

impl MapGrid {
    /// The coarse grid of the test suite: 3 × 3 × 3 problems, 3 ridges, 3 × 4 complex points
    /// (405 solves).
    pub fn coarse() -> Self {
        Self {
            psi: vec![0.05, 1.0, 20.0],
            alpha: vec![0.05, 1.0, 20.0],
            eta: vec![0.0, 3.0, 8.0],
            lambda: vec![1e-6, 1e-2, 10.0],
            x: vec![0.0, 0.5, 2.0],
            y: vec![1e3, 1.0, 1e-3, 1e-6],
        }
    }

    /// The fine grid of the report (`cargo run --release --example robustness_map`):
    /// 7 × 7 × 5 problems, 7 ridges, 7 × 7 complex points (13 720 solves).
    pub fn fine() -> Self {
        Self {
            psi: log_grid(0.05, 20.0, 7),
            alpha: log_grid(0.05, 20.0, 7),
            eta: vec![0.0, 1.0, 2.0, 4.0, 8.0],
            lambda: log_grid(1e-6, 10.0, 7),
            x: vec![-1.0, 0.0, 0.1, 0.5, 1.0, 2.0, 5.0],
            y: log_grid(1e-6, 1e3, 7),
        }
    }
}

/// Outcome of [`robustness_map`].
#[derive(Debug, Clone, Default, PartialEq)]
pub struct MapReport {
    /// Solves attempted.
    pub points: usize,
    /// Solves that returned a solution.
    pub converged: usize,
    /// Solves that returned `NotConverged`.
    pub not_converged: usize,
    /// Solves that returned another error, with the point and the message.
    pub other_errors: Vec<String>,
    /// Worst independent residual ([`independent_residual`]) over the converged points.
    pub worst_residual: f64,
    /// Where the worst residual occurred.
    pub worst_at: String,
    /// Worst independent residual over the converged points with moderate unknowns
    /// (`|q|_∞ ≤ 1e3`).
    pub worst_residual_moderate: f64,
    /// Points that returned `NotConverged` (for the report).
    pub failures: Vec<String>,
}

impl MapReport {
    /// Fraction of the points that converged.
    pub fn fraction_converged(&self) -> f64 {
        self.converged as f64 / self.points.max(1) as f64
    }
}

/// Sweeps the spiked solver over `grid` (cold start at every point). Every returned solution
/// is checked by [`check_spiked_solution`] (panics on violation) and its equations are
/// re-evaluated by [`independent_residual`]; errors are tallied by kind.
pub fn robustness_map(grid: &MapGrid) -> MapReport {
    let mut rep = MapReport::default();
    let cfg = SolverConfig::default();
    for &psi in &grid.psi {
        for &alpha in &grid.alpha {
            for &eta in &grid.eta {
                let e = Experiment {
                    psi,
                    alpha,
                    eta: Some(eta),
                    ..Experiment::default()
                };
                let problem = Model::new(&e)
                    .and_then(|m| m.spectral_problem())
                    .unwrap_or_else(|err| panic!("psi {psi} alpha {alpha} eta {eta}: {err}"));
                let scale = problem.first_moment().max(1e-300);
                let mut zs: Vec<C64> = grid.lambda.iter().map(|&l| C64::new(-l, 0.0)).collect();
                for &x in &grid.x {
                    for &y in &grid.y {
                        zs.push(C64::new(x * scale, y));
                    }
                }
                for z in zs {
                    rep.points += 1;
                    let at = format!("psi {psi} alpha {alpha} eta {eta} z {z}");
                    match problem.solve_with(z, None, &cfg) {
                        Ok(sol) => {
                            check_spiked_solution(&problem, z, &sol, cfg.fixed_point.tol);
                            rep.converged += 1;
                            let res = independent_residual(&problem, &sol);
                            let qmax = sol.q.iter().map(|v| v.norm()).fold(0.0, f64::max);
                            if qmax <= 1e3 && (res.is_nan() || res > rep.worst_residual_moderate) {
                                rep.worst_residual_moderate = res;
                            }
                            if res.is_nan() || res > rep.worst_residual {
                                rep.worst_residual = res;
                                rep.worst_at = at;
                            }
                        }
                        Err(StieltjesError::NotConverged { .. }) => {
                            rep.not_converged += 1;
                            rep.failures.push(at);
                        }
                        Err(err) => rep.other_errors.push(format!("{at}: {err}")),
                    }
                }
            }
        }
    }
    rep
}
