//! Profiles from a giantstep-hermite activation (cargo feature `hermite`).
//!
//! `d_a(κ) = μ1(u_a κ)`, `e_a(κ)² = μ*(u_a κ)²` (THEORY.md §4), evaluated by
//! [`giantstep_hermite::ShiftedCoefficients`] (closed forms for ReLU, erf, ...; quadrature
//! otherwise), on a Gauss-Hermite κ-rule (Gaussian theory) or on sampled `κ_ν` with
//! weights `1/n` (conditional theory).

use crate::error::{Result, StieltjesError};
use crate::profile::Profile;
use crate::spiked::SpikedProblem;
use giantstep_hermite::{Activation, GaussHermite, ShiftedCoefficients};

fn herr(e: giantstep_hermite::HermiteError) -> StieltjesError {
    StieltjesError::Hermite(e.to_string())
}

fn table(act: &Activation, u: &[f64], kappas: &[f64]) -> Result<(Vec<f64>, Vec<f64>)> {
    if u.is_empty() || u.len() > Profile::MAX_GROUPS {
        return Err(StieltjesError::TooLarge {
            name: "groups (must be >= 1)",
            value: u.len(),
            limit: Profile::MAX_GROUPS,
        });
    }
    if kappas.len() > Profile::MAX_NODES {
        return Err(StieltjesError::TooLarge {
            name: "kappa nodes",
            value: kappas.len(),
            limit: Profile::MAX_NODES,
        });
    }
    for (i, &v) in u.iter().enumerate() {
        if !v.is_finite() {
            return Err(StieltjesError::InvalidEntry {
                name: "u",
                index: i,
                value: v,
                reason: "must be finite",
            });
        }
    }
    let sc = ShiftedCoefficients::new(act.clone(), 1).map_err(herr)?;
    let mut shifts = Vec::with_capacity(kappas.len() * u.len());
    for &k in kappas {
        for &ua in u {
            shifts.push(ua * k);
        }
    }
    let tab = sc.eval_many(&shifts).map_err(herr)?;
    let d = (0..shifts.len()).map(|i| tab.mu(i, 1)).collect();
    Ok((d, tab.mu_star_sq().to_vec()))
}

impl Profile {
    /// Gaussian profile of `act` for spike sizes `u_a` on a `kappa_nodes`-point Gauss-Hermite
    /// rule (160 nodes in the reference values of the crate's tests).
    ///
    /// ```
    /// use giantstep_hermite::Activation;
    /// use giantstep_stieltjes::Profile;
    /// let p = Profile::from_activation(&Activation::Relu, &[2.0, -2.0], 40).unwrap();
    /// assert_eq!((p.len(), p.groups()), (40, 2));
    /// // d_a(κ) = Φ(u_a κ): the two groups are mirror images
    /// assert!((p.d(0, 0) - p.d(39, 1)).abs() < 1e-12);
    /// ```
    pub fn from_activation(act: &Activation, u: &[f64], kappa_nodes: usize) -> Result<Self> {
        if kappa_nodes > Profile::MAX_NODES {
            return Err(StieltjesError::TooLarge {
                name: "kappa nodes",
                value: kappa_nodes,
                limit: Profile::MAX_NODES,
            });
        }
        let gh = GaussHermite::new(kappa_nodes).map_err(herr)?;
        let (d, e2) = table(act, u, gh.nodes())?;
        Profile::new(gh.nodes().to_vec(), gh.weights().to_vec(), u.len(), d, e2)
    }

    /// Conditional profile of `act` on the sampled `κ_ν` (weights `1/n`).
    ///
    /// ```
    /// use giantstep_hermite::Activation;
    /// use giantstep_stieltjes::Profile;
    /// let p = Profile::conditional_from_activation(&Activation::Tanh, &[1.0], &[0.1, -0.4]).unwrap();
    /// assert_eq!(p.weights(), &[0.5, 0.5]);
    /// ```
    pub fn conditional_from_activation(
        act: &Activation,
        u: &[f64],
        kappas: &[f64],
    ) -> Result<Self> {
        let (d, e2) = table(act, u, kappas)?;
        let r = u.len();
        Profile::conditional(kappas, r, |_, _| (0.0, 0.0))
            .and_then(|p| Profile::new(p.nodes().to_vec(), p.weights().to_vec(), r, d, e2))
    }
}

impl SpikedProblem {
    /// Convenience: [`Profile::from_activation`] then [`SpikedProblem::new`].
    ///
    /// ```
    /// use giantstep_hermite::Activation;
    /// use giantstep_stieltjes::SpikedProblem;
    /// use num_complex::Complex64 as C64;
    /// let problem = SpikedProblem::from_activation(&Activation::Relu, &[0.0], vec![1.0], 1.5, 2.0, 160).unwrap();
    /// let m = problem.solve(C64::new(-0.5, 0.0)).unwrap().m;
    /// assert!((m.re - 1.411028).abs() < 1e-5);
    /// ```
    pub fn from_activation(
        act: &Activation,
        u: &[f64],
        pi: Vec<f64>,
        psi: f64,
        alpha: f64,
        kappa_nodes: usize,
    ) -> Result<Self> {
        SpikedProblem::new(
            Profile::from_activation(act, u, kappa_nodes)?,
            pi,
            psi,
            alpha,
        )
    }
}
