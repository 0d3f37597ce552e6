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
//! Cost of one evaluation: `O(K m)` with `m = r(r+1)/2 + r`, plus `O(r³)`.
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
use crate::fixed_point::{FixedPointConfig, solve_fixed_point};
use crate::linalg::{DenseLu, matmul, max_norm, rm_mut};
use crate::marchenko_pastur::check_z;
use crate::profile::Profile;
use num_complex::Complex64 as C64;

const ZERO: C64 = C64 { re: 0.0, im: 0.0 };
const ONE: C64 = C64 { re: 1.0, im: 0.0 };
/// Relative sign tolerance of the branch check along a continuous path.
const BRANCH_TOL_PATH: f64 = 1e-9;
/// Relative sign tolerance of the branch check after a warm-start jump (spurious roots of the
/// real-axis equations have sign violations of order `Im z`, so this must stay well below
/// the `η/scale` of the density sweep).
const BRANCH_TOL_JUMP: f64 = 1e-11;

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
    /// `φ_j(κ_k)` stored feature-major: `phi[j*K + k]` (vectorizable κ-loops).
    phi: Vec<f64>,
    scale: f64,
}

/// `Σ a_k b_k` with four independent accumulators (lets the compiler vectorize).
#[inline]
fn dot(a: &[f64], b: &[f64]) -> f64 {
    let n = a.len().min(b.len());
    let (a, b) = (&a[..n], &b[..n]);
    let mut s = [0.0_f64; 4];
    let ca = a.chunks_exact(4);
    let cb = b.chunks_exact(4);
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        s[0] += x[0] * y[0];
        s[1] += x[1] * y[1];
        s[2] += x[2] * y[2];
        s[3] += x[3] * y[3];
    }
    let mut t = (s[0] + s[1]) + (s[2] + s[3]);
    for (x, y) in ra.iter().zip(rb) {
        t += x * y;
    }
    t
}

/// Reusable buffers of the solver (allocation-free inner step).
#[derive(Debug, Clone)]
pub struct Workspace {
    r: usize,
    k: usize,
    t: Vec<C64>,
    ainv: Vec<C64>,
    mm: Vec<C64>,
    theta: Vec<C64>,
    g: Vec<C64>,
    tn: Vec<C64>,
    binv: Vec<C64>,
    nn: Vec<C64>,
    qt: Vec<C64>,
    psi_mat: Vec<C64>,
    /// `I - DΦ(x)`, then its LU factors (valid if `jac_fresh`).
    pub(crate) jac: DenseLu,
    rhs: Vec<C64>,
    pub(crate) y: Vec<C64>,
    xt: Vec<C64>,
    // tangent scratch
    dt: Vec<C64>,
    da: Vec<C64>,
    tmp: Vec<C64>,
    tmp2: Vec<C64>,
    dm: Vec<C64>,
    dtheta: Vec<C64>,
    dg: Vec<C64>,
    dtn: Vec<C64>,
    db: Vec<C64>,
    dq: Vec<C64>,
    /// LU of the `r × r` systems `I + TQ` and `I + QT'`.
    lu_r: DenseLu,
    d_re: Vec<f64>,
    d_im: Vec<f64>,
    c_re: Vec<f64>,
    c_im: Vec<f64>,
    c2_re: Vec<f64>,
    c2_im: Vec<f64>,
    /// The factors in `jac` are those of the last Newton Jacobian.
    pub(crate) jac_fresh: bool,
}

impl Workspace {
    /// Buffers for `problem`.
    pub fn new(problem: &SpikedProblem) -> Self {
        let r = problem.r;
        let (m, n, k) = (problem.m, problem.n, problem.profile.len());
        let rr = vec![ZERO; r * r];
        Self {
            r,
            k,
            t: rr.clone(),
            ainv: rr.clone(),
            mm: rr.clone(),
            theta: vec![ZERO; m],
            g: vec![ZERO; m],
            tn: rr.clone(),
            binv: rr.clone(),
            nn: rr.clone(),
            qt: vec![ZERO; r],
            psi_mat: vec![ZERO; m * m],
            jac: DenseLu::new(n),
            rhs: vec![ZERO; n],
            y: vec![ZERO; n],
            xt: vec![ZERO; n],
            dt: rr.clone(),
            da: rr.clone(),
            tmp: rr.clone(),
            tmp2: rr.clone(),
            dm: rr.clone(),
            dtheta: vec![ZERO; m],
            dg: vec![ZERO; m],
            dtn: rr.clone(),
            db: rr.clone(),
            dq: vec![ZERO; r],
            lu_r: DenseLu::new(r),
            d_re: vec![0.0; k],
            d_im: vec![0.0; k],
            c_re: vec![0.0; k],
            c_im: vec![0.0; k],
            c2_re: vec![0.0; k],
            c2_im: vec![0.0; k],
            jac_fresh: false,
        }
    }

    /// A placeholder without buffers (to move a workspace out temporarily).
    pub(crate) fn new_empty() -> Self {
        Self {
            r: 0,
            k: 0,
            t: Vec::new(),
            ainv: Vec::new(),
            mm: Vec::new(),
            theta: Vec::new(),
            g: Vec::new(),
            tn: Vec::new(),
            binv: Vec::new(),
            nn: Vec::new(),
            qt: Vec::new(),
            psi_mat: Vec::new(),
            jac: DenseLu::new(0),
            rhs: Vec::new(),
            y: Vec::new(),
            xt: Vec::new(),
            dt: Vec::new(),
            da: Vec::new(),
            tmp: Vec::new(),
            tmp2: Vec::new(),
            dm: Vec::new(),
            dtheta: Vec::new(),
            dg: Vec::new(),
            dtn: Vec::new(),
            db: Vec::new(),
            dq: Vec::new(),
            lu_r: DenseLu::new(0),
            d_re: Vec::new(),
            d_im: Vec::new(),
            c_re: Vec::new(),
            c_im: Vec::new(),
            c2_re: Vec::new(),
            c2_im: Vec::new(),
            jac_fresh: false,
        }
    }

    pub(crate) fn fits(&self, problem: &SpikedProblem) -> bool {
        self.r == problem.r && self.k == problem.profile.len()
    }
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
            phi: {
                // transpose to feature-major
                let mut t = vec![0.0; k * m];
                for kk in 0..k {
                    for j in 0..m {
                        t[j * k + kk] = phi[kk * m + j];
                    }
                }
                t
            },
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

    /// Core: solve at `z` (Im z ≥ 0) into `x`, which holds a warm start if `warm`.
    pub(crate) fn solve_x(
        &self,
        z: C64,
        x: &mut [C64],
        warm: bool,
        cfg: &SolverConfig,
        ws: &mut Workspace,
    ) -> Result<(usize, f64)> {
        let tol = cfg.fixed_point.tol;
        let mut work = 0usize;
        if warm {
            // one Jacobian at the warm start, then chord steps (cheap for every r); full
            // Newton only if they do not contract
            ws.xt.copy_from_slice(x);
            let mut xt = std::mem::take(&mut ws.xt);
            if self.factor_jacobian_at(z, &xt, ws) {
                if let Some((it, r)) = self.chord(z, &mut xt, 8, tol, ws) {
                    work += it + 1;
                    if self.on_branch_strict(z, ws) {
                        x.copy_from_slice(&xt);
                        ws.xt = xt;
                        return Ok((work, r));
                    }
                }
                xt.copy_from_slice(x);
            }
            let res = self.newton(z, &mut xt, cfg.newton_max_iter, tol, ws);
            let ok = match res {
                Ok((it, r)) => {
                    work += it;
                    self.on_branch_strict(z, ws).then_some(r)
                }
                Err(_) => None,
            };
            if let Some(r) = ok {
                x.copy_from_slice(&xt);
                ws.xt = xt;
                return Ok((work, r));
            }
            ws.xt = xt;
        }
        // cold start by Anderson when not too close to the positive real axis
        self.initial_guess(z, x);
        let near_axis = z.re > 0.0 && z.im < 1e-2 * z.re.max(self.scale());
        if !near_axis {
            let mut fp_cfg = cfg.fixed_point;
            fp_cfg.max_iter = fp_cfg.max_iter.min(500);
            let res = {
                let mut ws2 = Workspace::new(self);
                solve_fixed_point(
                    |xx: &[C64], out: &mut [C64]| {
                        if self.eval(z, xx, &mut ws2) {
                            out.copy_from_slice(&ws2.y);
                        } else {
                            out.fill(C64::new(f64::NAN, 0.0));
                        }
                    },
                    x,
                    &fp_cfg,
                )
            };
            if let Ok(sol) = res {
                work += sol.iterations;
                // refresh the workspace at the returned point for the branch check
                if self.eval(z, &sol.value, ws) && self.on_branch(z, ws) {
                    x.copy_from_slice(&sol.value);
                    let r = block_residual(self.r, x, &ws.y);
                    if r <= tol {
                        return Ok((work, r));
                    }
                    // polish the T block to its own scale (Anderson stops on the joint norm)
                    if let Ok((it, r)) = self.newton(z, x, cfg.newton_max_iter, tol, ws) {
                        work += it;
                        if self.on_branch(z, ws) {
                            return Ok((work, r));
                        }
                    }
                }
            }
        }
        let (it, r) = self.descend(z, x, cfg, ws)?;
        Ok((work + it, r))
    }

    /// Continuation in `Im z` from far above down to `z`.
    fn descend(
        &self,
        z: C64,
        x: &mut [C64],
        cfg: &SolverConfig,
        ws: &mut Workspace,
    ) -> Result<(usize, f64)> {
        let tol = cfg.fixed_point.tol;
        let dist = if z.re > 0.0 { z.im } else { z.norm() };
        let mut h = 2.0 * z.norm().max(self.scale());
        let zt = z + C64::new(0.0, h);
        self.initial_guess(zt, x);
        let mut w = Workspace::new(self);
        let top = solve_fixed_point(
            |xx: &[C64], out: &mut [C64]| {
                if self.eval(zt, xx, &mut w) {
                    out.copy_from_slice(&w.y);
                } else {
                    out.fill(C64::new(f64::NAN, 0.0));
                }
            },
            x,
            &cfg.fixed_point,
        )?;
        x.copy_from_slice(&top.value);
        let mut work = top.iterations;
        let mut ratio = 0.25_f64;
        let mut last_res = top.residual;
        let mut steps = 0usize;
        let mut off_branch;
        while h > 0.0 {
            steps += 1;
            if steps > cfg.max_continuation_steps {
                return Err(StieltjesError::NotConverged {
                    residual: last_res,
                    iterations: work,
                });
            }
            let mut hn = h * ratio;
            if hn < 0.25 * dist {
                hn = 0.0;
            }
            let zn = z + C64::new(0.0, hn);
            ws.xt.copy_from_slice(x);
            let mut xt = std::mem::take(&mut ws.xt);
            let res = self.newton(zn, &mut xt, cfg.newton_max_iter, tol, ws);
            let accepted = match res {
                Ok((it, r)) => {
                    work += it;
                    last_res = r;
                    let on = self.on_branch(zn, ws);
                    off_branch = !on;
                    on
                }
                Err(StieltjesError::NotConverged {
                    residual,
                    iterations,
                }) => {
                    work += iterations;
                    last_res = residual;
                    off_branch = false;
                    false
                }
                Err(_) => {
                    off_branch = false;
                    false
                }
            };
            if accepted {
                x.copy_from_slice(&xt);
                h = hn;
                ratio = (ratio * 0.5).max(0.01);
            } else {
                ratio = ratio.sqrt();
                if ratio > 0.999 {
                    ws.xt = xt;
                    return Err(if off_branch {
                        StieltjesError::WrongBranch {
                            re: zn.re,
                            im: zn.im,
                        }
                    } else {
                        StieltjesError::NotConverged {
                            residual: last_res,
                            iterations: work,
                        }
                    });
                }
            }
            ws.xt = xt;
        }
        Ok((work, last_res))
    }

    /// Default starting point: `q̃ = -1/z`, `T = E[d dᵀ]` (δ = 0).
    fn initial_guess(&self, z: C64, x: &mut [C64]) {
        let qt = -1.0 / z;
        for a in 0..self.r {
            x[a] = qt * self.psi * self.pi[a];
        }
        for j in 0..self.mt {
            let mut acc = 0.0;
            for (kk, &w) in self.profile.weights().iter().enumerate() {
                acc += w * self.phi[j * self.profile.len() + kk];
            }
            x[self.r + j] = C64::new(acc, 0.0);
        }
    }

    /// Evaluates `Φ(x)` into `ws.y`, leaving the intermediates (δ, T', s', q̃, inverses) in
    /// `ws`. Returns false on a singular/non-finite step.
    pub(crate) fn eval(&self, z: C64, x: &[C64], ws: &mut Workspace) -> bool {
        let r = self.r;
        let q = &x[..r];
        for (j, &(a, b)) in self.tri.iter().enumerate() {
            ws.t[a * r + b] = x[r + j];
            ws.t[b * r + a] = x[r + j];
        }
        // A = I + T Q
        let mut a = ws.lu_r.matrix_mut(r);
        for j in 0..r {
            for i in 0..r {
                a[(i, j)] = ws.t[i * r + j] * q[j] + if i == j { ONE } else { ZERO };
            }
        }
        if !(ws.lu_r.factor() && ws.lu_r.inverse_into(rm_mut(&mut ws.ainv, r, r))) {
            return false;
        }
        // M = Q A^{-1}
        for i in 0..r {
            for j in 0..r {
                ws.mm[i * r + j] = q[i] * ws.ainv[i * r + j];
            }
        }
        for (j, &(a, b)) in self.tri.iter().enumerate() {
            ws.theta[j] = if a == b {
                ws.mm[a * r + a]
            } else {
                ws.mm[a * r + b] + ws.mm[b * r + a]
            };
        }
        for a in 0..r {
            ws.theta[self.mt + a] = q[a];
        }
        // κ-sum, vectorizable structure-of-arrays loops:
        // δ_k = Σ_j θ_j φ_j(κ_k)/α, c_k = w_k/(1+δ_k), g_j = Σ_k c_k φ_j(κ_k)
        let m = self.m;
        let k = self.profile.len();
        let inv_alpha = 1.0 / self.alpha;
        ws.d_re.fill(0.0);
        ws.d_im.fill(0.0);
        for j in 0..m {
            let (tr, ti) = (ws.theta[j].re * inv_alpha, ws.theta[j].im * inv_alpha);
            let col = &self.phi[j * k..(j + 1) * k];
            for ((dr, di), &f) in ws.d_re.iter_mut().zip(ws.d_im.iter_mut()).zip(col) {
                *dr += tr * f;
                *di += ti * f;
            }
        }
        let weights = self.profile.weights();
        for kk in 0..k {
            let (re, im) = (ws.d_re[kk], ws.d_im[kk]);
            let a = 1.0 + re;
            let den = 1.0 / (a * a + im * im);
            let (inv_re, inv_im) = (a * den, -im * den);
            let w = weights[kk];
            let (c_re, c_im) = (inv_re * w, inv_im * w);
            ws.c_re[kk] = c_re;
            ws.c_im[kk] = c_im;
            ws.c2_re[kk] = inv_re * c_re - inv_im * c_im;
            ws.c2_im[kk] = inv_re * c_im + inv_im * c_re;
        }
        for j in 0..m {
            let col = &self.phi[j * k..(j + 1) * k];
            ws.g[j] = C64::new(dot(&ws.c_re, col), dot(&ws.c_im, col));
        }
        // T', s' -> B = I + Q T', N = T' B^{-1}
        for (j, &(a, b)) in self.tri.iter().enumerate() {
            ws.tn[a * r + b] = ws.g[j];
            ws.tn[b * r + a] = ws.g[j];
        }
        let mut b = ws.lu_r.matrix_mut(r);
        for j in 0..r {
            for i in 0..r {
                b[(i, j)] = q[i] * ws.tn[i * r + j] + if i == j { ONE } else { ZERO };
            }
        }
        if !(ws.lu_r.factor() && ws.lu_r.inverse_into(rm_mut(&mut ws.binv, r, r))) {
            return false;
        }
        matmul(&ws.tn, &ws.binv, &mut ws.nn, r);
        for a in 0..r {
            let qt = (ws.nn[a * r + a] + ws.g[self.mt + a] - z).inv();
            ws.qt[a] = qt;
            ws.y[a] = qt * (self.psi * self.pi[a]);
        }
        for j in 0..self.mt {
            ws.y[r + j] = ws.g[j];
        }
        ws.y.iter().all(|v| v.re.is_finite() && v.im.is_finite())
    }

    /// Jacobian `I - DΦ(x)` into `ws.jac`, after `eval` at the same `x`.
    fn jacobian(&self, x: &[C64], ws: &mut Workspace) {
        let (r, m, n, mt) = (self.r, self.m, self.n, self.mt);
        let q = &x[..r];
        // Ψ_ij = Σ_k w_k φ_i(κ_k) φ_j(κ_k) / (1+δ_k)²  (symmetric)
        let k = self.profile.len();
        for i in 0..m {
            let ci = &self.phi[i * k..(i + 1) * k];
            for kk in 0..k {
                ws.c_re[kk] = ws.c2_re[kk] * ci[kk];
                ws.c_im[kk] = ws.c2_im[kk] * ci[kk];
            }
            for j in i..m {
                let cj = &self.phi[j * k..(j + 1) * k];
                let v = C64::new(dot(&ws.c_re, cj), dot(&ws.c_im, cj));
                ws.psi_mat[i * m + j] = v;
                ws.psi_mat[j * m + i] = v;
            }
        }
        let inv_alpha = 1.0 / self.alpha;
        for col in 0..n {
            // unit tangent
            ws.dq.fill(ZERO);
            ws.dt.fill(ZERO);
            if col < r {
                ws.dq[col] = ONE;
            } else {
                let (a, b) = self.tri[col - r];
                ws.dt[a * r + b] = ONE;
                ws.dt[b * r + a] = ONE;
            }
            // dA = dT Q + T dQ
            for i in 0..r {
                for l in 0..r {
                    ws.da[i * r + l] = ws.dt[i * r + l] * q[l] + ws.t[i * r + l] * ws.dq[l];
                }
            }
            // dM = dQ Ainv - M dA Ainv
            matmul(&ws.mm, &ws.da, &mut ws.tmp, r);
            matmul(&ws.tmp, &ws.ainv, &mut ws.tmp2, r);
            for i in 0..r {
                for j in 0..r {
                    ws.dm[i * r + j] = ws.dq[i] * ws.ainv[i * r + j] - ws.tmp2[i * r + j];
                }
            }
            for (j, &(a, b)) in self.tri.iter().enumerate() {
                ws.dtheta[j] = if a == b {
                    ws.dm[a * r + a]
                } else {
                    ws.dm[a * r + b] + ws.dm[b * r + a]
                };
            }
            for a in 0..r {
                ws.dtheta[mt + a] = ws.dq[a];
            }
            // dG = -Ψ dθ / α
            for i in 0..m {
                let mut acc = ZERO;
                for j in 0..m {
                    acc += ws.psi_mat[i * m + j] * ws.dtheta[j];
                }
                ws.dg[i] = -acc * inv_alpha;
            }
            for (j, &(a, b)) in self.tri.iter().enumerate() {
                ws.dtn[a * r + b] = ws.dg[j];
                ws.dtn[b * r + a] = ws.dg[j];
            }
            // dB = dQ T' + Q dT';  dN = (dT' - N dB) Binv
            for i in 0..r {
                for l in 0..r {
                    ws.db[i * r + l] = ws.dq[i] * ws.tn[i * r + l] + q[i] * ws.dtn[i * r + l];
                }
            }
            matmul(&ws.nn, &ws.db, &mut ws.tmp, r);
            for i in 0..r * r {
                ws.tmp[i] = ws.dtn[i] - ws.tmp[i];
            }
            for a in 0..r {
                let mut dn = ZERO;
                for l in 0..r {
                    dn += ws.tmp[a * r + l] * ws.binv[l * r + a];
                }
                let dqt = -ws.qt[a] * ws.qt[a] * (dn + ws.dg[mt + a]);
                let dy = dqt * (self.psi * self.pi[a]);
                ws.jac.set(a, col, if a == col { ONE - dy } else { -dy });
            }
            for j in 0..mt {
                let row = r + j;
                let dy = ws.dg[j];
                ws.jac
                    .set(row, col, if row == col { ONE - dy } else { -dy });
            }
        }
    }

    /// Newton with backtracking from `x`; on success `ws` holds the intermediates at `x`.
    pub(crate) fn newton(
        &self,
        z: C64,
        x: &mut [C64],
        max_iter: usize,
        tol: f64,
        ws: &mut Workspace,
    ) -> Result<(usize, f64)> {
        let n = self.n;
        if !self.eval(z, x, ws) {
            return Err(StieltjesError::NonFinite { iterations: 0 });
        }
        let mut res = block_residual(self.r, x, &ws.y);
        let mut it = 0usize;
        let mut trial = vec![ZERO; n];
        loop {
            if res <= tol {
                return Ok((it, res));
            }
            if it >= max_iter {
                return Err(StieltjesError::NotConverged {
                    residual: res,
                    iterations: it,
                });
            }
            ws.jac_fresh = false;
            self.jacobian(x, ws);
            for i in 0..n {
                ws.rhs[i] = ws.y[i] - x[i];
            }
            if !ws.jac.factor() {
                return Err(StieltjesError::NotConverged {
                    residual: res,
                    iterations: it,
                });
            }
            ws.jac.solve_vec_in_place(&mut ws.rhs);
            ws.jac_fresh = true;
            let mut step = 1.0;
            let mut accepted = false;
            for _ in 0..12 {
                for i in 0..n {
                    trial[i] = x[i] + ws.rhs[i] * step;
                }
                if self.eval(z, &trial, ws) {
                    let rt = block_residual(self.r, &trial, &ws.y);
                    if rt.is_finite() && (rt < res || rt <= tol) {
                        res = rt;
                        accepted = true;
                        break;
                    }
                }
                step *= 0.5;
            }
            it += 1;
            if !accepted {
                // restore the intermediates at x before reporting
                self.eval(z, x, ws);
                return Err(StieltjesError::NotConverged {
                    residual: res,
                    iterations: it,
                });
            }
            x.copy_from_slice(&trial);
        }
    }

    /// Evaluates at `x` and stores the LU factors of `I - DΦ(x)` in `ws` (for [`Self::chord`]).
    pub(crate) fn factor_jacobian_at(&self, z: C64, x: &[C64], ws: &mut Workspace) -> bool {
        ws.jac_fresh = false;
        if !self.eval(z, x, ws) {
            return false;
        }
        self.jacobian(x, ws);
        ws.jac_fresh = ws.jac.factor();
        ws.jac_fresh
    }

    /// Chord iteration `x ← x + J₀⁻¹ (Φ(x) - x)` with the LU factors of the last Newton
    /// Jacobian kept in `ws` (from a nearby point of a sweep). Gives up (returns `None`) as
    /// soon as the residual does not shrink by half per step. On success `ws` holds the
    /// intermediates at `x`.
    pub(crate) fn chord(
        &self,
        z: C64,
        x: &mut [C64],
        max_iter: usize,
        tol: f64,
        ws: &mut Workspace,
    ) -> Option<(usize, f64)> {
        if !ws.jac_fresh {
            return None;
        }
        let n = self.n;
        if !self.eval(z, x, ws) {
            return None;
        }
        let mut res = block_residual(self.r, x, &ws.y);
        for it in 0..=max_iter {
            if res <= tol {
                return Some((it, res));
            }
            if it == max_iter {
                break;
            }
            for i in 0..n {
                ws.rhs[i] = ws.y[i] - x[i];
            }
            ws.jac.solve_vec_in_place(&mut ws.rhs);
            for i in 0..n {
                x[i] += ws.rhs[i];
            }
            if !self.eval(z, x, ws) {
                return None;
            }
            let new = block_residual(self.r, x, &ws.y);
            if new.is_nan() || (new > 0.5 * res && new > tol) {
                return None;
            }
            res = new;
        }
        None
    }

    /// Branch check on the intermediates of the last `eval`, with relative tolerance `tol`.
    ///
    /// For `Im z > 0` the physical solution satisfies `Im(N_aa + s_a) ≤ 0` (so that
    /// `Im q̃_a ≥ Im z |q̃_a|²`) and `Im δ(κ) ≥ 0`; for real `z < 0`, `q̃_a > 0`, `δ ≥ 0`.
    pub(crate) fn on_branch_tol(&self, z: C64, ws: &Workspace, tol: f64) -> bool {
        let r = self.r;
        if z.im > 0.0 {
            (0..r).all(|a| {
                let den = ws.nn[a * r + a] + ws.g[self.mt + a];
                den.im <= tol * (den - z).norm()
            }) && ws
                .d_re
                .iter()
                .zip(&ws.d_im)
                .all(|(&re, &im)| im >= -tol * re.hypot(im) - 1e-300)
        } else {
            ws.qt.iter().all(|v| v.re > 0.0) && ws.d_re.iter().all(|&re| re >= -tol)
        }
    }

    /// Lenient branch check (`1e-9`), for points reached by a continuous path.
    pub(crate) fn on_branch(&self, z: C64, ws: &Workspace) -> bool {
        self.on_branch_tol(z, ws, BRANCH_TOL_PATH)
    }

    /// Strict branch check (`1e-11`), for warm starts that may jump between roots.
    pub(crate) fn on_branch_strict(&self, z: C64, ws: &Workspace) -> bool {
        self.on_branch_tol(z, ws, BRANCH_TOL_JUMP)
    }

    /// Current `m(z) = Σ π_a q̃_a` from the intermediates of the last `eval`.
    pub(crate) fn m_from(&self, ws: &Workspace) -> C64 {
        let mut m = ZERO;
        for a in 0..self.r {
            m += ws.qt[a] * self.pi[a];
        }
        m
    }

    pub(crate) fn unknowns(&self) -> usize {
        self.n
    }

    fn package(
        &self,
        z: C64,
        x: &[C64],
        ws: &mut Workspace,
        iterations: usize,
        residual: f64,
    ) -> SpikedSolution {
        // refresh intermediates at x (cheap)
        let ok = self.eval(z, x, ws);
        debug_assert!(ok);
        let r = self.r;
        let residual = if ok {
            block_residual(r, x, &ws.y).max(residual.min(0.0))
        } else {
            residual
        };
        SpikedSolution {
            z,
            m: self.m_from(ws),
            q: x[..r].to_vec(),
            q_tilde: ws.qt.clone(),
            t: ws.t.clone(),
            s: ws.g[self.mt..].to_vec(),
            delta: ws
                .d_re
                .iter()
                .zip(&ws.d_im)
                .map(|(&re, &im)| C64::new(re, im))
                .collect(),
            iterations,
            residual,
        }
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
    let diff = |a: &[C64], b: &[C64]| {
        a.iter().zip(b).fold(0.0_f64, |m, (u, v)| {
            let d = (v - u).norm();
            if d.is_nan() || m.is_nan() {
                f64::NAN
            } else {
                m.max(d)
            }
        })
    };
    let (q, t) = x.split_at(r);
    let (gq, gt) = y.split_at(r.min(y.len()));
    let q_scale = max_norm(q).max(1.0);
    let t_scale = max_norm(t).max(1.0 / q_scale);
    let rq = diff(q, gq) / q_scale;
    let rt = diff(t, gt) / t_scale;
    // NaN propagates (f64::max would drop it)
    if rq.is_nan() || rt.is_nan() {
        f64::NAN
    } else {
        rq.max(rt)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(r: usize) -> SpikedProblem {
        let nodes = vec![-2.0, -0.7, 0.3, 1.1, 2.4];
        let weights = vec![0.1, 0.25, 0.3, 0.25, 0.1];
        let profile = Profile::from_fn(nodes, weights, r, |k, a| {
            let c = (a as f64 + 1.0) * 0.7 * k;
            (0.4 + 0.3 * c.tanh(), 0.2 + 0.1 * (c * 0.5).sin().powi(2))
        })
        .unwrap();
        let pi: Vec<f64> = (0..r).map(|a| (a + 1) as f64).collect();
        let tot: f64 = pi.iter().sum();
        SpikedProblem::new(profile, pi.iter().map(|v| v / tot).collect(), 1.3, 0.8).unwrap()
    }

    #[test]
    fn analytic_jacobian_matches_central_differences_for_r_1_2_3() {
        for r in 1..=3 {
            let p = problem(r);
            let z = C64::new(0.8, 0.3);
            let n = p.unknowns();
            let mut ws = Workspace::new(&p);
            // an arbitrary (not converged) complex point
            let x: Vec<C64> = (0..n)
                .map(|i| C64::new(0.3 + 0.1 * i as f64, 0.05 * (i as f64 + 1.0)))
                .collect();
            assert!(p.eval(z, &x, &mut ws));
            p.jacobian(&x, &mut ws);
            let jac = ws.jac.matrix().to_owned();
            let h = 1e-6;
            for col in 0..n {
                let mut xp = x.clone();
                let mut xm = x.clone();
                xp[col] += h;
                xm[col] -= h;
                assert!(p.eval(z, &xp, &mut ws));
                let yp = ws.y.clone();
                assert!(p.eval(z, &xm, &mut ws));
                let ym = ws.y.clone();
                for row in 0..n {
                    let fd = (yp[row] - ym[row]) / (2.0 * h);
                    let id = if row == col { ONE } else { ZERO };
                    let analytic = id - jac[(row, col)];
                    assert!(
                        (fd - analytic).norm() < 1e-7 * (1.0 + fd.norm()),
                        "r {r} row {row} col {col}: fd {fd} analytic {analytic}"
                    );
                }
            }
        }
    }

    #[test]
    fn newton_from_a_perturbed_start_agrees_with_anderson_cold_start() {
        for r in 1..=3 {
            let p = problem(r);
            for &z in &[C64::new(-0.4, 0.0), C64::new(0.6, 0.2), C64::new(2.0, 1.0)] {
                let cold = p.solve(z).unwrap();
                let mut warm = cold.clone();
                for v in warm.q.iter_mut().chain(warm.t.iter_mut()) {
                    *v *= 1.05;
                }
                let w = p
                    .solve_with(z, Some(&warm), &SolverConfig::default())
                    .unwrap();
                assert!((w.m - cold.m).norm() < 1e-10 * cold.m.norm(), "r {r} z {z}");
                assert!(w.residual < 1e-12 && cold.residual < 1e-12);
            }
        }
    }

    #[test]
    fn invalid_z_and_inputs_are_typed_errors() {
        let p = problem(2);
        assert!(matches!(
            p.solve(C64::new(1.0, 0.0)),
            Err(StieltjesError::InvalidZ { .. })
        ));
        assert!(matches!(
            p.solve(C64::new(0.0, 0.0)),
            Err(StieltjesError::InvalidZ { .. })
        ));
        assert!(matches!(
            p.solve(C64::new(f64::NAN, 1.0)),
            Err(StieltjesError::InvalidZ { .. })
        ));
        let prof = p.profile().clone();
        assert!(matches!(
            SpikedProblem::new(prof.clone(), vec![0.5, 0.6], 1.0, 1.0),
            Err(StieltjesError::NotNormalized { .. })
        ));
        assert!(matches!(
            SpikedProblem::new(prof.clone(), vec![1.0], 1.0, 1.0),
            Err(StieltjesError::LengthMismatch { .. })
        ));
        assert!(SpikedProblem::new(prof.clone(), vec![0.5, 0.5], f64::NAN, 1.0).is_err());
        assert!(SpikedProblem::new(prof, vec![0.5, 0.5], 1.0, 0.0).is_err());
    }
}
