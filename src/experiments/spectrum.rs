//! Theory side of the spectrum (THEORY.md §4): `m(z)` of the spiked deterministic equivalent,
//! the limiting density, atom at 0, right edge, the mass beyond the random-features edge (the
//! tail that moves out as `η̃` grows), and the leading-order outliers from the feature means.
//!
//! Mean outliers: the features' mean `m_{a(i)}(κ_ν) = μ0(u_a κ_ν)` adds to `F Fᵀ/n` the
//! block-constant rank-`r` matrix with blocks `G_ab = E_κ[m_a(κ) m_b(κ)]`; its nonzero
//! eigenvalues are `p · eig(Π^{1/2} G Π^{1/2})`, `Π = diag(π)`. These are the `r` outliers of
//! order `p` (leading order; the corrections are `O(1)`).

use super::{C, c};
use crate::error::{Error, Result};
use crate::model::{Model, ModelSummary};
use crate::progress::Progress;
use giantstep_stieltjes::{DensityConfig, SpikedProblem};
use num_complex::Complex64;
use serde::{Deserialize, Serialize};

/// `m(z)` of the spiked deterministic equivalent, with solver diagnostics.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StieltjesPoint {
    /// The model.
    pub model: ModelSummary,
    /// Spectral argument `z`.
    pub z: C,
    /// `m(z)`.
    pub m: C,
    /// `q̃_a` per group.
    pub q_tilde: Vec<C>,
    /// Solver work (fixed-point evaluations plus Newton steps).
    pub iterations: usize,
    /// A-posteriori residual of the fixed point.
    pub residual: f64,
}

/// Solves the spiked equations at `z` (Gaussian κ-rule).
pub fn stieltjes(model: &Model, z: Complex64) -> Result<StieltjesPoint> {
    let problem = model.spectral_problem()?;
    stieltjes_on(model, &problem, z)
}

/// As [`stieltjes`], on a prepared problem.
pub fn stieltjes_on(
    model: &Model,
    problem: &SpikedProblem,
    z: Complex64,
) -> Result<StieltjesPoint> {
    let sol = problem.solve(z).map_err(Error::stieltjes)?;
    Ok(StieltjesPoint {
        model: model.summary(),
        z: c(z),
        m: c(sol.m),
        q_tilde: sol.q_tilde.iter().map(|&q| c(q)).collect(),
        iterations: sol.iterations,
        residual: sol.residual,
    })
}

/// Theory `m(z)` (Gaussian κ-rule) at each point of `zs`.
pub fn theory_m(model: &Model, zs: &[Complex64]) -> Result<Vec<Complex64>> {
    let problem = model.spectral_problem()?;
    zs.iter()
        .map(|&z| problem.solve(z).map(|s| s.m).map_err(Error::stieltjes))
        .collect()
}

/// The limiting spectrum predicted by the theory.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TheorySpectrum {
    /// The model.
    pub model: ModelSummary,
    /// Grid.
    pub x: Vec<f64>,
    /// Density of the continuous part (atom removed).
    pub density: Vec<f64>,
    /// Mass of the atom at 0 (`max(0, 1 - α/ψ)`).
    pub atom: f64,
    /// Right edge of the bulk.
    pub right_edge: f64,
    /// Right edge of the random-features bulk (`u = 0`, same `σ, ψ, α`).
    pub rf_edge: f64,
    /// Mass of the limiting spectrum beyond `rf_edge`.
    pub tail_mass: f64,
    /// Continuous mass below the first grid point, `1 − atom − μ((x_0, ∞))` (spiked spectra
    /// can pile up mass near 0, below any reasonable grid).
    pub mass_below_grid: f64,
    /// Leading-order mean outliers divided by `p` (multiply by `p = ψ d`).
    pub outliers_over_p: Vec<f64>,
    /// Newton steps of the density sweep.
    pub newton_steps: usize,
}

impl TheorySpectrum {
    /// Leading-order outlier positions for width `p`.
    pub fn outliers(&self, p: usize) -> Vec<f64> {
        self.outliers_over_p.iter().map(|o| o * p as f64).collect()
    }

    /// Quantile of the limiting spectrum (atom included): the first grid point where the CDF
    /// reaches `q`, linearly interpolated with the previous one (the last grid point if the
    /// CDF never reaches `q`).
    pub fn quantile(&self, q: f64) -> f64 {
        let cdf = self.cdf();
        match cdf.iter().position(|&(_, f)| f >= q) {
            Some(0) => cdf[0].0,
            Some(j) => {
                let (x0, f0) = cdf[j - 1];
                let (x1, f1) = cdf[j];
                if f1 > f0 {
                    x0 + (x1 - x0) * (q - f0) / (f1 - f0)
                } else {
                    x1
                }
            }
            None => cdf.last().map_or(f64::NAN, |c| c.0),
        }
    }

    /// The point `x` with mass `tail` beyond it, integrating the density from the right end
    /// of the grid (accurate for small `tail`, where a CDF accumulated from 0 is not).
    pub fn upper_quantile(&self, tail: f64) -> f64 {
        let mut acc = 0.0;
        for i in (1..self.x.len()).rev() {
            let step = 0.5 * (self.density[i] + self.density[i - 1]) * (self.x[i] - self.x[i - 1]);
            if acc + step >= tail {
                let frac = if step > 0.0 { (tail - acc) / step } else { 0.0 };
                return self.x[i] - frac * (self.x[i] - self.x[i - 1]);
            }
            acc += step;
        }
        self.x.first().copied().unwrap_or(f64::NAN)
    }

    /// CDF table of the limiting spectrum on the grid (atom included) for the
    /// Kolmogorov distance.
    pub fn cdf(&self) -> Vec<(f64, f64)> {
        let mut t = crate::stats::cdf_from_density(&self.x, &self.density, self.atom);
        t.iter_mut().for_each(|(_, f)| *f += self.mass_below_grid);
        t
    }
}

/// Right edge of a problem's bulk.
pub fn right_edge(problem: &SpikedProblem) -> Result<f64> {
    problem
        .right_edge(&DensityConfig::default())
        .map_err(Error::stieltjes)
}

/// Number of points of the default density grid.
pub const DEFAULT_GRID_POINTS: usize = 800;

/// The default density grid: `x_i = hi · (i/(N-1))²`, `i = 1..N-1` (0 itself is left out: with
/// an atom there the density is a difference of two huge numbers), dense near 0 where spiked spectra
/// (and the lower edge for `ψ ≈ α`) concentrate mass; trapezoid sums on it integrate
/// `x^{-1/2}`-type singularities accurately.
pub fn default_grid(hi: f64) -> Vec<f64> {
    let n = DEFAULT_GRID_POINTS;
    (1..n)
        .map(|i| {
            let t = i as f64 / (n - 1) as f64;
            hi * t * t
        })
        .collect()
}

/// Limiting spectrum of `model`. `grid` = `None`: [`default_grid`] up to
/// `1.15 · max(edge, rf_edge)`; a given grid is checked by [`crate::parse::check_grid`]
/// (finite, non-decreasing, at most `MAX_GRID_POINTS` points).
pub fn theory_spectrum(
    model: &Model,
    grid: Option<&[f64]>,
    progress: &dyn Progress,
) -> Result<TheorySpectrum> {
    if let Some(g) = grid {
        crate::parse::check_grid("grid", g)?;
    }
    let problem = model.spectral_problem()?;
    let cfg = DensityConfig::default();
    progress.start("theory: edges", 3);
    let edge = right_edge(&problem)?;
    progress.inc(1);
    let rf = model.with_groups(vec![crate::config::Group {
        u: 0.0,
        pi: 1.0,
        gamma: 1.0,
    }])?;
    let rf_problem = rf.spectral_problem()?;
    let rf_edge = right_edge(&rf_problem)?;
    progress.inc(1);
    let tail_mass = if rf_edge < edge {
        problem
            .tail_mass_below_edge(rf_edge, edge, &cfg)
            .map_err(Error::stieltjes)?
    } else {
        0.0
    };
    progress.inc(1);
    let x: Vec<f64> = match grid {
        Some(g) => g.to_vec(),
        None => default_grid(1.15 * edge.max(rf_edge).max(1e-12)),
    };
    progress.start("theory: density", x.len() as u64);
    let mut density = Vec::with_capacity(x.len());
    // Chunks so the progress bar moves; the sweep continues across them.
    let mut sweep = problem.density_sweep(&cfg).map_err(Error::stieltjes)?;
    for chunk in x.chunks(100) {
        density.extend(sweep.extend(chunk).map_err(Error::stieltjes)?);
        progress.inc(chunk.len() as u64);
    }
    let newton_steps = sweep.newton_steps();
    let mass_below_grid = match x.first() {
        Some(&x0) if x0 > 0.0 => {
            let above = problem
                .tail_mass_below_edge(x0, edge, &cfg)
                .map_err(Error::stieltjes)?;
            (1.0 - problem.atom() - above).max(0.0)
        }
        _ => 0.0,
    };
    progress.finish();
    Ok(TheorySpectrum {
        mass_below_grid,
        model: model.summary(),
        x,
        density,
        atom: problem.atom(),
        right_edge: edge,
        rf_edge,
        tail_mass,
        outliers_over_p: mean_outliers_over_p(model)?,
        newton_steps,
    })
}

/// `eig(Π^{1/2} G Π^{1/2})`, `G_ab = E_κ[μ0(u_a κ) μ0(u_b κ)]`, in decreasing order (zero
/// eigenvalues dropped).
pub fn mean_outliers_over_p(model: &Model) -> Result<Vec<f64>> {
    let rule = model.kappa_rule()?;
    let r = model.groups.len();
    let t = model.profile_tables(rule.nodes())?;
    let pi = model.pi();
    let m = faer::Mat::<f64>::from_fn(r, r, |a, b| {
        let g: f64 = rule
            .weights()
            .iter()
            .enumerate()
            .map(|(k, w)| w * t.m0[k * r + a] * t.m0[k * r + b])
            .sum();
        (pi[a] * pi[b]).sqrt() * g
    });
    let ev = m
        .self_adjoint_eigenvalues(faer::Side::Lower)
        .map_err(|e| Error::kernel("faer", format!("{e:?}")))?;
    let mut ev: Vec<f64> = ev.into_iter().filter(|&v| v > 1e-12).collect();
    ev.sort_by(|a, b| b.total_cmp(a));
    Ok(ev)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Experiment;

    #[test]
    fn relu_rf_mean_outlier_is_p_over_2pi() {
        // u = 0: G = mu0^2 = 1/(2 pi), one outlier p/(2 pi).
        let m = Model::new(&Experiment::default()).unwrap();
        let o = mean_outliers_over_p(&m).unwrap();
        assert_eq!(o.len(), 1);
        assert!((o[0] - 1.0 / (2.0 * std::f64::consts::PI)).abs() < 1e-12);
    }

    #[test]
    fn tanh_has_no_mean_outlier_at_u_0() {
        let e = Experiment {
            activation: "tanh".into(),
            ..Experiment::default()
        };
        let m = Model::new(&e).unwrap();
        assert!(mean_outliers_over_p(&m).unwrap().is_empty());
    }
}
