//! Linear response of the stage-2 map: `ν` (r × m) and `Ξ` (m × m), THEORY.md §5b step 3,
//! derivation `ridge-error.md` §2.
//!
//! With `Q = diag(q)`, `P = (I + TQ)^{-1}`, `N = T (I + QT)^{-1}`, `M_s = Q P`,
//! `Λ = diag(q_a² / (ψ π_a))`, `R_{a j} = [P A^(j) P^T]_aa + c^(j)_a`:
//!
//! ```text
//! ν    = (I - Λ (N ∘ N))^{-1} Λ R
//! Ξ_jk = (1/α) [ tr(A^(j) M_s A^(k) M_s) + tr(A^(j) P^T diag(ν_{·k}) P) + c^(j) · ν_{·k} ]
//! ```
//!
//! These are `ν_{aj} = (1/d) tr(P_a Q0 L_j Q0) = -∂q_a/∂θ_j` and
//! `Ξ_jk = (1/n) tr(L_j Q0 L_k Q0) = -∂G_j/∂θ_k` where `θ` are the coordinates of `(T, s)`
//! (see [`crate::terms`]) and `G_j = (1/α)[tr(A^(j) Q (I + TQ)^{-1}) + c^(j)·q]`.
//! `Ξ` is symmetric positive semi-definite.

use crate::error::RiskError;
use crate::linalg::{mat_from_rows, solve};
use crate::terms::{Term, a_entries, terms};
use faer::Mat;

/// `ν` and `Ξ` at one spectral point.
#[derive(Debug, Clone)]
pub struct LinearResponse {
    /// Number of groups `r`.
    pub r: usize,
    /// Number of covariance terms `m = r(r+1)/2 + r`.
    pub m: usize,
    /// `ν`, `r × m`.
    pub nu: Mat<f64>,
    /// `Ξ`, `m × m` (symmetrized: the closed form is symmetric up to rounding).
    pub xi: Mat<f64>,
    /// Largest asymmetry `|Ξ_jk - Ξ_kj|` of the closed form before symmetrization.
    pub xi_asymmetry: f64,
}

/// Compute `ν` and `Ξ` from `q` (length r), `T` (r × r row-major, symmetric), group
/// fractions `π`, `ψ` and `α` (THEORY.md §5b step 3).
///
/// ```
/// use giantstep_risk::response::linear_response;
/// // one group: nu = Lam R / (1 - Lam N^2), R = (P^2, 1)
/// let lr = linear_response(&[0.4], &[0.3], &[1.0], 0.5, 2.0).unwrap();
/// assert_eq!((lr.r, lr.m), (1, 2));
/// assert!((lr.xi[(0, 1)] - lr.xi[(1, 0)]).abs() < 1e-14);
/// ```
pub fn linear_response(
    q: &[f64],
    t: &[f64],
    pi: &[f64],
    psi: f64,
    alpha: f64,
) -> Result<LinearResponse, RiskError> {
    let r = q.len();
    if t.len() != r * r || pi.len() != r || r == 0 {
        return Err(RiskError::BadInput(format!(
            "linear_response: q has {r} entries, T {} (want r*r), pi {}",
            t.len(),
            pi.len()
        )));
    }
    if q.iter().chain(t).chain(pi).any(|v| !v.is_finite()) || q.iter().any(|&v| v <= 0.0) {
        return Err(RiskError::BadInput(
            "linear_response: need finite q > 0, T, pi".into(),
        ));
    }
    let ts = terms(r);
    let m = ts.len();
    let tm = mat_from_rows(r, r, t);
    let qd = Mat::from_fn(r, r, |i, j| if i == j { q[i] } else { 0.0 });
    let id = Mat::<f64>::identity(r, r);
    // P = (I + T Q)^{-1}
    let i_tq = &id + &tm * &qd;
    let p = solve(&i_tq, &id, "I + TQ")?;
    // N = T (I + Q T)^{-1}
    let i_qt = &id + &qd * &tm;
    let n = &tm * solve(&i_qt, &id, "I + QT")?;
    // M_s = Q P
    let ms = &qd * &p;
    let lam: Vec<f64> = (0..r).map(|a| q[a] * q[a] / (psi * pi[a])).collect();

    // R_{a j}
    let rmat = Mat::from_fn(r, m, |a, j| match ts[j] {
        Term::Pair(x, y) if x == y => p[(a, x)] * p[(a, x)],
        Term::Pair(x, y) => 2.0 * p[(a, x)] * p[(a, y)],
        Term::Diag(b) => {
            if a == b {
                1.0
            } else {
                0.0
            }
        }
    });
    // nu = (I - Lam (N o N))^{-1} Lam R
    let lhs = Mat::from_fn(r, r, |a, b| {
        let dia = if a == b { 1.0 } else { 0.0 };
        dia - lam[a] * n[(a, b)] * n[(a, b)]
    });
    let lam_r = Mat::from_fn(r, m, |a, j| lam[a] * rmat[(a, j)]);
    let nu = solve(&lhs, &lam_r, "I - Lam (N o N)")?;

    // Xi
    let mut xi = Mat::<f64>::zeros(m, m);
    for (j, &tj) in ts.iter().enumerate() {
        let (ej, kj) = a_entries(tj);
        for (k, &tk) in ts.iter().enumerate() {
            let (ek, kk) = a_entries(tk);
            let mut acc = 0.0;
            // tr(E_xy Ms E_zw Ms) = Ms_yz Ms_wx
            for &(x, y) in &ej[..kj] {
                for &(z, w) in &ek[..kk] {
                    acc += ms[(y, z)] * ms[(w, x)];
                }
                // tr(E_xy P^T diag(nu_k) P) = sum_c P_cy nu_ck P_cx
                for c in 0..r {
                    acc += p[(c, y)] * nu[(c, k)] * p[(c, x)];
                }
            }
            if let Term::Diag(a) = tj {
                acc += nu[(a, k)];
            }
            xi[(j, k)] = acc / alpha;
        }
    }
    let mut asym = 0.0_f64;
    for j in 0..m {
        for k in 0..j {
            asym = asym.max((xi[(j, k)] - xi[(k, j)]).abs());
            let avg = 0.5 * (xi[(j, k)] + xi[(k, j)]);
            xi[(j, k)] = avg;
            xi[(k, j)] = avg;
        }
    }
    Ok(LinearResponse {
        r,
        m,
        nu,
        xi,
        xi_asymmetry: asym,
    })
}
