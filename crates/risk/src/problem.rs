//! The one-call API: [`RiskProblem`] (activations, target, groups, ratios, ridge, noise,
//! quadrature) → [`RiskResult`] (THEORY.md §5b).
//!
//! Pipeline: κ rule ([`KappaQuadrature`]) → profile table ([`build_profile`], via
//! giantstep-hermite) → spectral fixed point at `z = -λ` (giantstep-stieltjes
//! `SpikedProblem`) → [`assemble`].

use crate::assembly::{RiskResult, SpectralPoint, assemble};
use crate::error::{RiskError, check_lambda, check_noise, check_pos};
use crate::kappa::{Group, KappaQuadrature, build_profile, check_groups};
use crate::profile::Profile;
use giantstep_hermite::Activation;
use giantstep_stieltjes::{SolverConfig, SpikedProblem, SpikedSolution};
use num_complex::Complex64 as C64;

/// Largest imaginary part (relative) tolerated in the spectral solution at real `z = -λ`.
pub const REAL_Z_IMAG_TOL: f64 = 1e-10;

/// Full description of one asymptotic ridge problem (THEORY.md §5).
#[derive(Debug, Clone)]
pub struct RiskProblem {
    /// Activation `σ` of the features.
    pub sigma: Activation,
    /// Target `σ*` (an activation, or `Activation::Hermite(coefficients)` in plain `He_k`).
    pub target: Activation,
    /// Label noise variance `Δ >= 0`.
    pub noise: f64,
    /// Groups `(u_a, π_a, γ_a)`.
    pub groups: Vec<Group>,
    /// `ψ = p/d`.
    pub psi: f64,
    /// `α = n/d`.
    pub alpha: f64,
    /// Ridge `λ > 0`.
    pub lambda: f64,
    /// κ quadrature (node count and breakpoints).
    pub quadrature: KappaQuadrature,
    /// Configuration of the spectral solver.
    pub solver: SolverConfig,
}

impl RiskProblem {
    /// A problem with the default quadrature and solver configuration.
    ///
    /// ```
    /// use giantstep_hermite::Activation;
    /// use giantstep_risk::{RiskProblem, kappa::Group};
    /// let p = RiskProblem::new(Activation::Relu, Activation::Hermite(vec![0.0, 1.0, 0.7071067811865476]),
    ///     0.25, vec![Group::plain(3.0, 1.0)], 0.5, 3.0, 0.1);
    /// let res = p.solve().unwrap();
    /// assert!((res.e_gen - 1.18678).abs() < 1e-4 * 1.18678);
    /// assert!((res.e_train - 0.93404).abs() < 1e-4 * 0.93404);
    /// ```
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        sigma: Activation,
        target: Activation,
        noise: f64,
        groups: Vec<Group>,
        psi: f64,
        alpha: f64,
        lambda: f64,
    ) -> Self {
        Self {
            sigma,
            target,
            noise,
            groups,
            psi,
            alpha,
            lambda,
            quadrature: KappaQuadrature::default(),
            solver: SolverConfig::default(),
        }
    }

    /// Validate the scalar inputs and groups.
    pub fn validate(&self) -> Result<(), RiskError> {
        check_pos("psi", self.psi)?;
        check_pos("alpha", self.alpha)?;
        check_lambda(self.lambda)?;
        check_noise(self.noise)?;
        check_groups(&self.groups)
    }

    /// The κ-profile table of this problem.
    pub fn profile(&self) -> Result<Profile, RiskError> {
        check_groups(&self.groups)?;
        let (x, w) = self.quadrature.rule(&self.target.kinks())?;
        build_profile(&self.sigma, &self.target, &self.groups, x, w)
    }

    /// Solve (cold start).
    pub fn solve(&self) -> Result<RiskResult, RiskError> {
        self.solve_warm(None)
    }

    /// Solve, warm-starting the spectral solver from a previous result (e.g. a nearby `λ`).
    pub fn solve_warm(&self, warm: Option<&RiskResult>) -> Result<RiskResult, RiskError> {
        self.validate()?;
        let profile = self.profile()?;
        solve_profile(
            &profile,
            self.psi,
            self.alpha,
            self.lambda,
            self.noise,
            &self.solver,
            warm,
        )
    }

    /// The learned function `f̂(κ) = h(κ)ᵀ v` on an arbitrary grid, from a result of this
    /// problem (THEORY.md §5a: `h = (μ0(u_a κ), γ_a κ μ1(u_a κ))`).
    ///
    /// Far in the tails `h(κ)` takes its limit values (`γ_a κ μ1(u_a κ) = 0` once
    /// `μ1(u_a κ)` underflows, whatever `γ_a κ`). Accuracy: `μ1` carries an absolute error of
    /// about `1e-16` where it comes from quadrature (tanh, sigmoid, softplus, GELU, SiLU,
    /// closures), and `f̂` multiplies it by `γ_a κ v_g`: negligible for the Gaussian range of
    /// `κ` (|κ| ≲ 10³: error ≲ 1e-13 |γ_a v_g|) but dominant at absurd `|κ|` (at `κ = -1e308`
    /// a tanh network gave `f̂ ≈ -1.8e299` instead of its limit `-v_m`); the closed-form
    /// activations (relu, abs, erf, linear, Hermite polynomials) reach their limits exactly.
    /// Errors: [`RiskError::BadInput`] when
    /// `result` belongs to another problem, or when `f̂(κ)` is not representable at a grid
    /// point (`h(κ)ᵀ v` overflows); grid values the activation layer rejects give its error.
    pub fn learned_function(
        &self,
        result: &RiskResult,
        grid: &[f64],
    ) -> Result<Vec<f64>, RiskError> {
        let r = self.groups.len();
        if result.v.len() != 2 * r {
            return Err(RiskError::BadInput(
                "result does not belong to this problem".into(),
            ));
        }
        let w = vec![1.0 / grid.len().max(1) as f64; grid.len()];
        let prof = build_profile(&self.sigma, &self.target, &self.groups, grid.to_vec(), w)?;
        let mut h = vec![0.0; 2 * r];
        (0..grid.len())
            .map(|i| {
                prof.h_at(i, &mut h);
                let f: f64 = h.iter().zip(&result.v).map(|(a, b)| a * b).sum();
                if f.is_finite() {
                    Ok(f)
                } else {
                    Err(RiskError::BadInput(format!(
                        "learned function not representable at kappa = {:e} (h = {h:?})",
                        grid[i]
                    )))
                }
            })
            .collect()
    }
}

/// Spectral point at `z = -λ` from giantstep-stieltjes, for a profile table.
pub fn spectral_point(
    profile: &Profile,
    psi: f64,
    alpha: f64,
    lambda: f64,
    solver: &SolverConfig,
    warm: Option<&SpectralPoint>,
) -> Result<SpectralPoint, RiskError> {
    check_lambda(lambda)?;
    let serr = |e: giantstep_stieltjes::StieltjesError| match e {
        giantstep_stieltjes::StieltjesError::NotConverged {
            residual,
            iterations,
        } => RiskError::NotConverged {
            what: "spectral fixed point at z = -lambda",
            residual,
            iterations,
        },
        other => RiskError::Stieltjes(other.to_string()),
    };
    let sp = giantstep_stieltjes::Profile::new(
        profile.nodes().to_vec(),
        profile.weights().to_vec(),
        profile.r(),
        profile.d_table().to_vec(),
        profile.e2_table().to_vec(),
    )
    .map_err(serr)?;
    let problem = SpikedProblem::new(sp, profile.pi().to_vec(), psi, alpha).map_err(serr)?;
    let z = C64::new(-lambda, 0.0);
    let warm_sol = warm.map(|w| {
        let c = |v: &Vec<f64>| v.iter().map(|&x| C64::new(x, 0.0)).collect::<Vec<_>>();
        SpikedSolution {
            z,
            m: C64::new(0.0, 0.0),
            q: c(&w.q),
            q_tilde: w
                .q
                .iter()
                .zip(profile.pi())
                .map(|(q, p)| C64::new(q / (psi * p), 0.0))
                .collect(),
            t: c(&w.t),
            s: c(&w.s),
            delta: c(&w.delta),
            iterations: 0,
            residual: 0.0,
        }
    });
    let sol = problem
        .solve_with(z, warm_sol.as_ref(), solver)
        .map_err(serr)?;
    let re = |v: &[C64]| -> Result<Vec<f64>, RiskError> {
        v.iter()
            .map(|c| {
                if c.im.abs() <= REAL_Z_IMAG_TOL * c.re.abs().max(1.0) && c.re.is_finite() {
                    Ok(c.re)
                } else {
                    Err(RiskError::Stieltjes(format!(
                        "complex value {c} at real z = -lambda"
                    )))
                }
            })
            .collect()
    };
    let out = SpectralPoint {
        q: re(&sol.q)?,
        t: re(&sol.t)?,
        s: re(&sol.s)?,
        delta: re(&sol.delta)?,
    };
    if out.q.iter().any(|&q| q <= 0.0) {
        return Err(RiskError::Stieltjes(format!(
            "non-positive q = {:?} at z = -lambda",
            out.q
        )));
    }
    Ok(out)
}

/// Spectral point + assembly for a given profile table.
pub fn solve_profile(
    profile: &Profile,
    psi: f64,
    alpha: f64,
    lambda: f64,
    noise: f64,
    solver: &SolverConfig,
    warm: Option<&RiskResult>,
) -> Result<RiskResult, RiskError> {
    let sp = spectral_point(
        profile,
        psi,
        alpha,
        lambda,
        solver,
        warm.map(|w| &w.spectral),
    )?;
    assemble(profile, &sp, psi, alpha, noise)
}
