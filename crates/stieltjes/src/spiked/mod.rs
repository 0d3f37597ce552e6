//! The spiked deterministic equivalent of THEORY.md §4.
//!
//! Unknowns `q ∈ C^r`, `T ∈ C^{r×r}` (symmetric), `Q = diag(q)`:
//!
//! ```text
//! δ(κ)  = (1/α) [ d(κ)^T Q (I + T Q)^{-1} d(κ) + Σ_a e_a(κ)² q_a ]
//! T_ab  = E_κ[ d_a(κ) d_b(κ) / (1 + δ(κ)) ]
//! s_a   = E_κ[ e_a(κ)² / (1 + δ(κ)) ]
//! q̃_a   = 1 / ( [T (I + Q T)^{-1}]_aa + s_a - z )
//! q_a   = ψ π_a q̃_a
//! m(z)  = Σ_a π_a q̃_a
//! ```
//!
//! # Method
//! The iteration variable is `x = (q, T_upper)` (`n = r + r(r+1)/2` complex numbers) and the
//! map `Φ(x)` is the right-hand side above: `M = Q(I+TQ)^{-1}` (symmetric), then at every
//! κ-node `δ_k = φ_k·θ/α` with `θ = (M_aa, M_ab + M_ba (a<b), q_a)` and
//! `φ_k = (d_a d_b (a≤b), e_a²)`, so that `(T', s') = Σ_k w_k φ_k/(1+δ_k)`, then `q'`.
//! Cost of one evaluation: `O(K m)` with `m = r(r+1)/2 + r`, plus `O(r³)`, where `K` counts
//! the distinct, non-negligible κ-nodes (`nodes` module: equal rows merged, nodes whose
//! weight is below round-off left out of the iteration with an a-posteriori bound; 76 of
//! the 160 Gauss-Hermite nodes of the density command).
//!
//! * Cold start: damped Anderson iteration ([`crate::solve_fixed_point`]) from
//!   `q̃ = -1/z`, `T = E[d dᵀ]`.
//! * Warm start / polishing: Newton on `x - Φ(x) = 0` with the exact (holomorphic) Jacobian
//!   `DΦ`, computed by forward propagation of the `n` unit tangents through the small
//!   `r×r` algebra and the κ-sum `Ψ = Σ_k w_k φ_k φ_kᵀ/(1+δ_k)²` (so `dT', ds' = -Ψ dθ/α`),
//!   with backtracking on the residual. Cost per Newton step `O(K m²/2 + n (r³ + m²))`.
//! * Fallback near the spectrum: continuation in `Im z` from `z + i h₀`
//!   (`h₀ = 2 max(|z|, scale)`) down to `z` by Newton steps, shrinking `h` geometrically and
//!   refining the step when Newton fails or leaves the Herglotz branch.
//! * Dense linear algebra (the two `r × r` inverses per evaluation, the LU of the `n × n`
//!   Jacobian kept for chord steps, the `r × r` products) is faer's, through the
//!   crate-private `linalg` module (its docs give the measured cost against the former
//!   hand-written LU: 1.4–1.7× on the r = 2 density sweep).
//!
//! Branch: for `Im z > 0` every returned solution has `Im(N_aa + s_a) ≤ 0` (hence
//! `Im q̃_a ≥ Im z |q̃_a|² > 0`) and `Im δ(κ) ≥ 0`, up to a relative tolerance of `1e-9` on a
//! continuous path and `1e-11` after a warm-start jump (spurious roots of the equations near
//! the real axis violate these signs by `O(Im z)`); for real `z < 0`, `q̃_a > 0` and
//! `δ(κ) ≥ 0`. For
//! `Im z < 0` the solver uses `m(z̄) = conj m(z)`.
//!
//! Residual (convergence test and reported value): per block,
//! `max(|Φ_q - q|_∞ / max(|q|_∞, 1), |Φ_T - T|_∞ / max(|T|_∞, 1/max(|q|_∞, 1)))` at the
//! returned point ([`block_residual`]). Each block is measured against its own scale: `T`
//! enters the equations only through `QT` and `T(I + QT)⁻¹`, so an error `ε/|q|` in `T`
//! moves them by `ε`. (A joint norm `|Φ(x) - x|_∞ / max(|x|_∞, 1)` hid the `T` block when
//! `|q| ~ 1e7` and `T ~ 1e-9`, e.g. `ψ/α = 400`, `z = -1e-6`: `T` was then resolved to
//! only ~1e-4 relative, moving `q̃` by ~2e-7.) The cold-start Anderson iteration still
//! stops on the joint norm; its result is then polished by Newton to the block residual.

use crate::error::{Result, StieltjesError, check_positive};
use crate::fixed_point::FixedPointConfig;
use crate::linalg::max_norm_of;
use crate::marchenko_pastur::check_z;
use crate::profile::Profile;
use num_complex::Complex64 as C64;

mod branch;
mod equations;
mod kappa_sum;
mod nodes;
mod solver;
#[cfg(test)]
mod tests;
mod workspace;

use nodes::KappaNodes;
pub use workspace::Workspace;

const ZERO: C64 = C64 { re: 0.0, im: 0.0 };
const ONE: C64 = C64 { re: 1.0, im: 0.0 };

/// Tolerances and caps of the spiked solver.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SolverConfig {
    /// Cold-start fixed-point configuration (its `tol` is also the Newton tolerance).
    pub fixed_point: FixedPointConfig,
    /// Maximal Newton steps per solve (per continuation step in the fallback).
    pub newton_max_iter: usize,
    /// Maximal continuation steps in the `Im z` descent fallback.
    pub max_continuation_steps: usize,
}

impl Default for SolverConfig {
    fn default() -> Self {
        Self {
            fixed_point: FixedPointConfig {
                tol: 1e-12,
                max_iter: 2000,
                damping: 0.5,
                anderson_depth: 6,
            },
            newton_max_iter: 30,
            max_continuation_steps: 400,
        }
    }
}

impl SolverConfig {
    /// Checks every field.
    pub fn validate(&self) -> Result<()> {
        self.fixed_point.validate()?;
        if self.newton_max_iter == 0 || self.max_continuation_steps == 0 {
            return Err(StieltjesError::InvalidParameter {
                name: "newton_max_iter/max_continuation_steps",
                value: 0.0,
                reason: "must be >= 1",
            });
        }
        Ok(())
    }
}

/// Solution of the spiked equations at one `z`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SpikedSolution {
    /// The spectral argument.
    pub z: C64,
    /// `m(z) = Σ_a π_a q̃_a` (Stieltjes transform of the limiting spectrum of `F Fᵀ/n`).
    pub m: C64,
    /// `q_a = ψ π_a q̃_a`.
    pub q: Vec<C64>,
    /// `q̃_a` (the block values of the deterministic equivalent `R̄ = blockdiag(q̃_a I)`).
    pub q_tilde: Vec<C64>,
    /// `T`, `r × r` row-major (symmetric).
    pub t: Vec<C64>,
    /// `s_a`.
    pub s: Vec<C64>,
    /// `δ(κ_k)` at every κ-node of the profile, in the profile's order.
    pub delta: Vec<C64>,
    /// Total work: fixed-point evaluations plus Newton steps.
    pub iterations: usize,
    /// A posteriori residual at the returned `(q, T)`, per block ([`block_residual`]).
    pub residual: f64,
}

impl SpikedSolution {
    /// Number of groups `r`.
    pub fn groups(&self) -> usize {
        self.q.len()
    }

    /// `T_ab`.
    pub fn t(&self, a: usize, b: usize) -> C64 {
        self.t[a * self.q.len() + b]
    }

    fn conj(mut self) -> Self {
        self.z = self.z.conj();
        self.m = self.m.conj();
        for v in self
            .q
            .iter_mut()
            .chain(self.q_tilde.iter_mut())
            .chain(self.t.iter_mut())
            .chain(self.s.iter_mut())
            .chain(self.delta.iter_mut())
        {
            *v = v.conj();
        }
        self
    }
}

/// The spiked spectral problem: a profile plus `π`, `ψ = p/d`, `α = n/d`.
#[derive(Debug, Clone)]
pub struct SpikedProblem {
    profile: Profile,
    pi: Vec<f64>,
    psi: f64,
    alpha: f64,
    r: usize,
    mt: usize,
    m: usize,
    n: usize,
    tri: Vec<(usize, usize)>,
    /// `φ_j(κ_k)` and weights over the distinct nodes, kept and negligible ([`KappaNodes`]).
    nodes: KappaNodes,
    scale: f64,
}

impl SpikedProblem {
    /// Validates and builds the problem: `ψ, α > 0` finite, `π_a ≥ 0` with `|Σπ - 1| ≤ 1e-9`,
    /// `π.len() == profile.groups()`.
    ///
    /// ```
    /// use giantstep_stieltjes::{Profile, SpikedProblem};
    /// use num_complex::Complex64 as C64;
    /// // u = 0 ReLU: d = Phi(0) = 1/2, e2 = 1/4 - 1/(2 pi), one node
    /// let e2 = 0.25 - 1.0 / (2.0 * std::f64::consts::PI);
    /// let profile = Profile::new(vec![0.0], vec![1.0], 1, vec![0.5], vec![e2]).unwrap();
    /// let problem = SpikedProblem::new(profile, vec![1.0], 1.5, 2.0).unwrap();
    /// let sol = problem.solve(C64::new(-0.5, 0.0)).unwrap();
    /// assert!((sol.m.re - 1.411028).abs() < 1e-5);
    /// assert!(sol.residual < 1e-12);
    /// assert!(SpikedProblem::new(problem.profile().clone(), vec![1.0], -1.0, 2.0).is_err());
    /// ```
    pub fn new(profile: Profile, pi: Vec<f64>, psi: f64, alpha: f64) -> Result<Self> {
        check_positive("psi", psi)?;
        check_positive("alpha", alpha)?;
        let r = profile.groups();
        if pi.len() != r {
            return Err(StieltjesError::LengthMismatch {
                name: "pi",
                expected: r,
                got: pi.len(),
            });
        }
        for (i, &v) in pi.iter().enumerate() {
            if !(v.is_finite() && v >= 0.0) {
                return Err(StieltjesError::InvalidEntry {
                    name: "pi",
                    index: i,
                    value: v,
                    reason: "must be finite and >= 0",
                });
            }
        }
        let sum: f64 = pi.iter().sum();
        if (sum - 1.0).abs() > 1e-9 {
            return Err(StieltjesError::NotNormalized {
                name: "pi",
                sum,
                tolerance: 1e-9,
            });
        }
        let mt = r * (r + 1) / 2;
        let m = mt + r;
        let mut tri = Vec::with_capacity(mt);
        for a in 0..r {
            for b in a..r {
                tri.push((a, b));
            }
        }
        let k = profile.len();
        let mut phi = Vec::with_capacity(k * m);
        let mut scale = 0.0;
        for kk in 0..k {
            for &(a, b) in &tri {
                phi.push(profile.d(kk, a) * profile.d(kk, b));
            }
            for a in 0..r {
                phi.push(profile.e2(kk, a));
                scale +=
                    profile.weights()[kk] * pi[a] * (profile.d(kk, a).powi(2) + profile.e2(kk, a));
            }
        }
        if let Some((index, &value)) = phi.iter().enumerate().find(|(_, v)| !v.is_finite()) {
            return Err(StieltjesError::InvalidEntry {
                name: "d_a d_b / e2 (phi)",
                index,
                value,
                reason: "d_a(kappa) d_b(kappa) overflows",
            });
        }
        if !scale.is_finite() {
            return Err(StieltjesError::InvalidEntry {
                name: "first moment sum_a pi_a E[d_a^2 + e_a^2]",
                index: 0,
                value: scale,
                reason: "overflows",
            });
        }
        let nodes = KappaNodes::new(&phi, profile.weights(), m);
        Ok(Self {
            profile,
            pi,
            psi,
            alpha,
            r,
            mt,
            m,
            n: r + mt,
            tri,
            nodes,
            scale,
        })
    }

    /// The profile table.
    pub fn profile(&self) -> &Profile {
        &self.profile
    }
    /// Group fractions `π`.
    pub fn pi(&self) -> &[f64] {
        &self.pi
    }
    /// `ψ = p/d`.
    pub fn psi(&self) -> f64 {
        self.psi
    }
    /// `α = n/d`.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }
    /// Number of groups `r`.
    pub fn groups(&self) -> usize {
        self.r
    }
    /// Mass of the atom at 0 of the limiting spectrum, `max(0, 1 - α/ψ)`.
    pub fn atom(&self) -> f64 {
        (1.0 - self.alpha / self.psi).max(0.0)
    }
    /// First moment of the limiting spectrum `∫ x ρ(dx) = Σ_a π_a E_κ[d_a² + e_a²]`
    /// (`m(z) = -1/z - first_moment/z² + O(z⁻³)`); also the natural scale of `x`.
    pub fn first_moment(&self) -> f64 {
        self.scale
    }
    pub(crate) fn scale(&self) -> f64 {
        if self.scale > 0.0 { self.scale } else { 1.0 }
    }

    /// Solves at `z ∈ C \ [0, ∞)` with the default configuration (cold start).
    pub fn solve(&self, z: C64) -> Result<SpikedSolution> {
        self.solve_with(z, None, &SolverConfig::default())
    }

    /// Solves at `z` with an optional warm start (e.g. the solution at a nearby `z`).
    pub fn solve_with(
        &self,
        z: C64,
        warm: Option<&SpikedSolution>,
        cfg: &SolverConfig,
    ) -> Result<SpikedSolution> {
        let mut ws = Workspace::new(self);
        self.solve_in(z, warm, cfg, &mut ws)
    }

    /// As [`solve_with`](Self::solve_with), reusing the buffers of `ws`.
    pub fn solve_in(
        &self,
        z: C64,
        warm: Option<&SpikedSolution>,
        cfg: &SolverConfig,
        ws: &mut Workspace,
    ) -> Result<SpikedSolution> {
        cfg.validate()?;
        check_z(z)?;
        if !ws.fits(self) {
            *ws = Workspace::new(self);
        }
        // the answer depends on the problem, not on what the workspace solved before
        ws.all_nodes = false;
        let flip = z.im < 0.0;
        let zz = if flip { z.conj() } else { z };
        let mut x = vec![ZERO; self.n];
        let warm_ok = match warm {
            Some(w) if w.q.len() == self.r => {
                for a in 0..self.r {
                    x[a] = if flip { w.q[a].conj() } else { w.q[a] };
                }
                for (j, &(a, b)) in self.tri.iter().enumerate() {
                    let v = w.t(a, b);
                    x[self.r + j] = if flip { v.conj() } else { v };
                }
                true
            }
            _ => false,
        };
        let (iterations, residual) = self.solve_x(zz, &mut x, warm_ok, cfg, ws)?;
        let sol = self.package(zz, &x, ws, iterations, residual);
        // on the negative real axis everything is real; a solution that is not (under/overflow
        // with subnormal ψ, α or z) is not on the branch, never returned as a number
        if zz.im == 0.0 && sol.m.im.abs() > 1e-8 * sol.m.norm() {
            return Err(StieltjesError::WrongBranch { re: z.re, im: z.im });
        }
        Ok(if flip { sol.conj() } else { sol })
    }
}

/// Residual of the spiked equations at `x = (q, T_upper)` with `y = Φ(x)`, each block against
/// its own scale (module docs): `max(|Δq|_∞ / max(|q|_∞, 1), |ΔT|_∞ / max(|T|_∞, 1/max(|q|_∞, 1)))`
/// for the first `r` entries (`q`) and the rest (`T`).
///
/// ```
/// use giantstep_stieltjes::spiked::block_residual;
/// use num_complex::Complex64 as C64;
/// let c = |v: f64| C64::new(v, 0.0);
/// // q ~ 1e7, T ~ 1e-9: a 1e-4 relative error in T is visible (a joint norm saw 1e-20)
/// let x = [c(1e7), c(1e-9)];
/// let y = [c(1e7), c(1e-9 * (1.0 + 1e-4))];
/// let r = block_residual(1, &x, &y);
/// assert!((r - 1e-6).abs() < 1e-9, "{r}");
/// ```
pub fn block_residual(r: usize, x: &[C64], y: &[C64]) -> f64 {
    let r = r.min(x.len());
    let diff = |a: &[C64], b: &[C64]| max_norm_of(a.iter().zip(b).map(|(u, v)| v - u));
    let (q, t) = x.split_at(r);
    let (gq, gt) = y.split_at(r.min(y.len()));
    let q_scale = max_norm_of(q.iter().copied()).max(1.0);
    let t_scale = max_norm_of(t.iter().copied()).max(1.0 / q_scale);
    let rq = diff(q, gq) / q_scale;
    let rt = diff(t, gt) / t_scale;
    // NaN propagates (f64::max would drop it)
    if rq.is_nan() || rt.is_nan() {
        f64::NAN
    } else {
        rq.max(rt)
    }
}
