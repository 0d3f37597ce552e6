//! Assembly of the test and training error from a profile table and the spectral point at
//! `z = -λ`: THEORY.md §5b steps 2, 4, 5, 6 (derivation `ridge-error.md` §1 and §3).
//!
//! ```text
//! Ĥ = E[h hᵀ/(1+δ)],  ā = E[h σ*/(1+δ)],  J = diag(0_r, 1/q),  v = (J + Ĥ)⁺ ā
//! ε(κ) = (σ*(κ) - h(κ)ᵀv)² + Δ + Σ_a (v_{g,a}/q_a)² Σ_j ν_{aj} φ_j(κ)
//! Φ = E[φ φᵀ/(1+δ)²],  w = E[φ ε/(1+δ)²],  t* = Ξ (I - ΦΞ)^{-1} w
//! e(κ) = ε(κ) + φ(κ)ᵀ t*,   E_gen = E[e],   E_train = E[e/(1+δ)²]
//! ```

use crate::error::{RiskError, check_noise};
use crate::linalg::{pinv_sym_solve, solve, sym_eigen, to_rows};
use crate::profile::Profile;
use crate::response::{LinearResponse, linear_response};
use crate::terms::{phi_at, terms};
use faer::Mat;
use serde::{Deserialize, Serialize};

/// The spectral fixed point of THEORY.md §4 at real `z = -λ` (from giantstep-stieltjes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SpectralPoint {
    /// `q_a = ψ π_a q̃_a > 0` (length r).
    pub q: Vec<f64>,
    /// `T` (r × r, row-major, symmetric).
    pub t: Vec<f64>,
    /// `s_a` (length r).
    pub s: Vec<f64>,
    /// `δ(κ_i) > 0` at every node of the profile's rule.
    pub delta: Vec<f64>,
}

/// The four parts of `E_gen` (THEORY.md §5b, "Decomposition"); they sum to `E_gen`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Decomposition {
    /// Approximation + shrinkage bias `E[(σ* - hᵀv)²]`.
    pub bias: f64,
    /// Price of building the `g` components, `E[β̄ᵀ C(κ) β̄]`.
    pub g_price: f64,
    /// Variance `φ̄ᵀ t*` (amplified by `(I - ΦΞ)^{-1}`).
    pub variance: f64,
    /// Label noise `Δ`.
    pub noise: f64,
}

/// Result of the asymptotic computation (all κ-indexed vectors are at the rule's nodes).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RiskResult {
    /// Test error `E_gen = E[(y - ŷ)²]` (includes `Δ`).
    pub e_gen: f64,
    /// Training error `E_train = (1/n)|y - Fᵀβ|²`.
    pub e_train: f64,
    /// `E_gen = bias + g_price + variance + noise`.
    pub decomposition: Decomposition,
    /// `min_{f ∈ span{μ0(u_a κ), γ_a κ μ1(u_a κ)}} E[(σ* - f)²]` (without `Δ`): the part of
    /// the target no ridge can learn; `E_gen >= irreducible + Δ`.
    pub irreducible: f64,
    /// Spectral radius of `ΦΞ` (→ 1 at the interpolation peak).
    pub spectral_radius: f64,
    /// `v = (v_m, v_g)`, length 2r.
    pub v: Vec<f64>,
    /// κ nodes of the rule.
    pub kappa: Vec<f64>,
    /// Weights of the rule.
    pub weights: Vec<f64>,
    /// The learned function `f̂(κ) = h(κ)ᵀ v` at the nodes.
    pub f_hat: Vec<f64>,
    /// Mean-estimator conditional error `ε(κ)` at the nodes.
    pub eps: Vec<f64>,
    /// Conditional test error `e(κ)` at the nodes.
    pub cond_error: Vec<f64>,
    /// The spectral point used.
    pub spectral: SpectralPoint,
    /// `ν` (r × m).
    pub nu: Vec<Vec<f64>>,
    /// `Ξ` (m × m).
    pub xi: Vec<Vec<f64>>,
    /// `Φ` (m × m).
    pub phi_mat: Vec<Vec<f64>>,
    /// `t*` (length m).
    pub t_star: Vec<f64>,
    /// Directions dropped by the pseudo-inverse of `J + Ĥ` (collinear or vanishing `m_a`).
    pub dropped_directions: usize,
}

/// Assemble `E_gen`, `E_train` and the decomposition (THEORY.md §5b) from the profile table,
/// the spectral point at `z = -λ`, the ratios `ψ`, `α` and the noise `Δ`.
///
/// The ridge `λ` enters only through the spectral point.
pub fn assemble(
    profile: &Profile,
    spectral: &SpectralPoint,
    psi: f64,
    alpha: f64,
    noise: f64,
) -> Result<RiskResult, RiskError> {
    crate::error::check_pos("psi", psi)?;
    crate::error::check_pos("alpha", alpha)?;
    check_noise(noise)?;
    let r = profile.r();
    let k = profile.n_nodes();
    if spectral.q.len() != r || spectral.s.len() != r || spectral.t.len() != r * r {
        return Err(RiskError::BadInput(
            "spectral point dimensions do not match r".into(),
        ));
    }
    if spectral.delta.len() != k {
        return Err(RiskError::BadInput(format!(
            "spectral point has {} delta values for {k} nodes",
            spectral.delta.len()
        )));
    }
    if spectral.delta.iter().any(|d| !(d.is_finite() && *d > -1.0)) {
        return Err(RiskError::BadInput(
            "delta(kappa) must be finite and > -1".into(),
        ));
    }
    let lr = linear_response(&spectral.q, &spectral.t, profile.pi(), psi, alpha)?;
    assemble_with_response(profile, spectral, &lr, noise)
}

/// As [`assemble`], with `ν`, `Ξ` already computed.
pub fn assemble_with_response(
    profile: &Profile,
    spectral: &SpectralPoint,
    lr: &LinearResponse,
    noise: f64,
) -> Result<RiskResult, RiskError> {
    let r = profile.r();
    let k = profile.n_nodes();
    let two_r = 2 * r;
    let ts = terms(r);
    let m = ts.len();
    let q = &spectral.q;
    let w = profile.weights();
    let s = profile.target();

    // --- learned function: v = (J + Ĥ)^+ ā -------------------------------------------
    // the κ sums accumulate in plain row-major buffers (faer's checked indexing in this
    // loop was a tenth of a risk point), then become matrices
    let mut hsum = vec![0.0; two_r * two_r];
    let mut gsum = vec![0.0; two_r * two_r];
    let mut abar = vec![0.0; two_r];
    let mut hs_plain = vec![0.0; two_r];
    let mut hs_all = vec![0.0; k * two_r];
    for (i, h) in hs_all.chunks_exact_mut(two_r).enumerate() {
        profile.h_at(i, h);
        let c = w[i] / (1.0 + spectral.delta[i]);
        for x in 0..two_r {
            abar[x] += c * h[x] * s[i];
            hs_plain[x] += w[i] * h[x] * s[i];
            let (hrow, grow) = (
                &mut hsum[x * two_r..(x + 1) * two_r],
                &mut gsum[x * two_r..(x + 1) * two_r],
            );
            for y in 0..two_r {
                hrow[y] += c * h[x] * h[y];
                grow[y] += w[i] * h[x] * h[y];
            }
        }
    }
    let mut hmat = Mat::from_fn(two_r, two_r, |x, y| hsum[x * two_r + y]);
    let gram = Mat::from_fn(two_r, two_r, |x, y| gsum[x * two_r + y]);
    for a in 0..r {
        hmat[(r + a, r + a)] += 1.0 / q[a];
    }
    let (v, dropped) = pinv_sym_solve(&hmat, &abar, "J + H")?;

    // irreducible part: least squares in the span (plain Gaussian measure)
    let (c_ls, _) = pinv_sym_solve(&gram, &hs_plain, "E[h h^T]")?;
    let mut irreducible = 0.0;
    for i in 0..k {
        let hi = &hs_all[i * two_r..(i + 1) * two_r];
        let f: f64 = hi.iter().zip(&c_ls).map(|(a, b)| a * b).sum();
        irreducible += w[i] * (s[i] - f).powi(2);
    }

    // --- mean-estimator conditional error ε(κ) ---------------------------------------
    // coefficient of φ_j in β̄ᵀCβ̄: b_j = Σ_a (v_{g,a}/q_a)² ν_{aj}
    let bcoef: Vec<f64> = (0..m)
        .map(|j| {
            (0..r)
                .map(|a| (v[r + a] / q[a]).powi(2) * lr.nu[(a, j)])
                .sum()
        })
        .collect();
    let mut phi = vec![0.0; m];
    let mut phis_all = vec![0.0; k * m];
    let mut f_hat = vec![0.0; k];
    let mut eps = vec![0.0; k];
    let mut bias = 0.0;
    let mut g_price = 0.0;
    let mut phisum = vec![0.0; m * m];
    let mut wsum = vec![0.0; m];
    let mut phibar = vec![0.0; m];
    for i in 0..k {
        phi_at(&ts, profile.d_at(i), profile.e2_at(i), &mut phi);
        phis_all[i * m..(i + 1) * m].copy_from_slice(&phi);
        let hi = &hs_all[i * two_r..(i + 1) * two_r];
        f_hat[i] = hi.iter().zip(&v).map(|(a, b)| a * b).sum();
        let res2 = (s[i] - f_hat[i]).powi(2);
        let price: f64 = phi.iter().zip(&bcoef).map(|(a, b)| a * b).sum();
        eps[i] = res2 + noise + price;
        bias += w[i] * res2;
        g_price += w[i] * price;
        let c2 = w[i] / (1.0 + spectral.delta[i]).powi(2);
        for x in 0..m {
            phibar[x] += w[i] * phi[x];
            wsum[x] += c2 * phi[x] * eps[i];
            let row = &mut phisum[x * m..(x + 1) * m];
            for y in 0..m {
                row[y] += c2 * phi[x] * phi[y];
            }
        }
    }
    let phimat = Mat::from_fn(m, m, |x, y| phisum[x * m + y]);
    let wvec = Mat::from_fn(m, 1, |x, _| wsum[x]);

    // --- variance: t* = Ξ (I - ΦΞ)^{-1} w ----------------------------------------------
    let spectral_radius = spectral_radius_psd_product(&phimat, &lr.xi)?;
    if spectral_radius >= 1.0 - 1e-13 {
        return Err(RiskError::Singular(format!(
            "I - Phi Xi is singular: spectral radius of Phi Xi = {spectral_radius}"
        )));
    }
    let id = Mat::<f64>::identity(m, m);
    let lhs = &id - &phimat * &lr.xi;
    let sol = solve(&lhs, &wvec, "I - Phi Xi")?;
    let tstar_m = &lr.xi * &sol;
    let t_star: Vec<f64> = (0..m).map(|j| tstar_m[(j, 0)]).collect();

    let mut e_gen = 0.0;
    let mut train = 0.0;
    let mut cond_error = vec![0.0; k];
    for i in 0..k {
        let ph = &phis_all[i * m..(i + 1) * m];
        let e = eps[i] + ph.iter().zip(&t_star).map(|(a, b)| a * b).sum::<f64>();
        cond_error[i] = e;
        e_gen += w[i] * e;
        train += w[i] * e / (1.0 + spectral.delta[i]).powi(2);
    }
    let variance: f64 = phibar.iter().zip(&t_star).map(|(a, b)| a * b).sum();
    if !(e_gen.is_finite() && train.is_finite()) {
        return Err(RiskError::Singular("non-finite error".into()));
    }
    Ok(RiskResult {
        e_gen,
        e_train: train,
        decomposition: Decomposition {
            bias,
            g_price,
            variance,
            noise,
        },
        irreducible,
        spectral_radius,
        v,
        kappa: profile.nodes().to_vec(),
        weights: w.to_vec(),
        f_hat,
        eps,
        cond_error,
        spectral: spectral.clone(),
        nu: to_rows(&lr.nu),
        xi: to_rows(&lr.xi),
        phi_mat: to_rows(&phimat),
        t_star,
        dropped_directions: dropped,
    })
}

/// Spectral radius of `A B` for symmetric PSD `A`, `B`: the largest eigenvalue of
/// `A^{1/2} B A^{1/2}` (the eigenvalues of `AB` are real and `>= 0`).
pub fn spectral_radius_psd_product(a: &Mat<f64>, b: &Mat<f64>) -> Result<f64, RiskError> {
    let n = a.nrows();
    let (vals, vecs) = sym_eigen(a, "Phi")?;
    // A^{1/2} = U diag(sqrt(max(ev,0))) U^T
    let sq = Mat::from_fn(n, n, |i, j| {
        (0..n)
            .map(|l| vecs[(i, l)] * vals[l].max(0.0).sqrt() * vecs[(j, l)])
            .sum::<f64>()
    });
    let c = &sq * b * &sq;
    let (ev, _) = sym_eigen(&c, "Phi^1/2 Xi Phi^1/2")?;
    Ok(ev.iter().fold(0.0_f64, |mx, v| mx.max(v.abs())))
}
