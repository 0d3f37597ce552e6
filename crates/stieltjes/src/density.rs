//! The limiting density on the real axis, its right edge and its tail (THEORY.md §4).
//!
//! `ρ(x) = lim_{η↓0} Im m(x + iη)/π`. The sweep solves at `z_j = x_j + iη` with
//! `η = eta_rel · scale` (`scale` = first moment of the spectrum; default `eta_rel = 1e-9`),
//! walking along the grid with Newton warm starts (quadratic predictor through the three
//! previous points, a secant after the first two). A point is accepted only if Newton
//! converges and the solution is on the Herglotz branch (`Im q̃_a ≥ 0`, `Im δ(κ) ≥ 0`, see
//! [`crate::spiked`]); otherwise it is recomputed from scratch by continuation from large
//! `Im z` down to `η` ("restart").
//!
//! When `ψ > α` the atom `1 - α/ψ` at 0 is removed analytically: the density reported is
//! `Im[m(z) + (1 - α/ψ)/z]/π`, so it integrates to `α/ψ` on `(0, ∞)`. Values that are
//! negative by round-off (`|·| ≤ 1e-9 |m|`, guaranteed by the branch check) are set to 0.
//!
//! Cost per grid point (`m = r(r+1)/2 + r`, `n = r + r(r+1)/2`): first up to
//! `chord_max_iter` (default 4) chord steps `x ← x + J₀⁻¹(Φ(x) - x)` with the LU factors of
//! the last Jacobian (one evaluation each, `O(K m)` + `O(n²)`), then, if they do not contract
//! by 2 per step or do not converge, Newton steps (`O(K m²/2 + n (r³ + m²))` each, and a fresh
//! Jacobian for the next chords). Measured on ReLU, `u = ±1.5`, `ψ = 1`, `α = 2`, `K = 160`,
//! 1000 points on `[0, 5]`: 2.8 chord steps and 0.43 Newton steps per point, about 5 ms per
//! 1000 points on one core (the κ-sums run over the 76 nodes of weight above round-off; with
//! all 160 nodes it was 11-12 ms, and 13 ms with at most 6 chord steps: 4.5 and 0.28 per
//! point).
//!
//! Right edge `E`: a scan from an upper bound of the support down a 400-point grid at the
//! sweep's `η` (solved to `1e-9` only) stops at the first point with `ρ > 1e-6 / scale`; the
//! edge is then refined at `η = 1e-13 · scale` by secants of `ρ²` through the last two points
//! inside (at a square-root edge `ρ² ≈ A (E - x)` is linear, so the secant's root is `E` up
//! to `O((E - x₁)(E - x₂))`), each probe placed 1 % of the way back from the estimate towards
//! the last inside point, with bisection when a probe overshoots; a point is inside when
//! `ρ > 1e-9 / scale`. It stops when two estimates agree to `1e-13 E`, or the probes are
//! `1e-11 · scale` from the estimate (closer, `η` blurs `ρ²`); 6-8 probes. Measured: the
//! Marchenko-Pastur edge to `4.7e-13` (relative), and on spiked ReLU spectra `ρ` at
//! `η = 1e-14 · scale` is above `1e-6` at `E (1 - 1e-10)` and below `1e-8` at
//! `E (1 + 1e-10)` (tests). The former rule, bisection on `ρ = 1e-6 max ρ`, was `8e-12` low
//! on Marchenko-Pastur and `1.6e-10` low where `A ≈ 0.03`.
//!
//! Tail: `μ((x, ∞)) = (1/π) Im ∫_γ m_c(z) dz + [atom if x < 0]`, with `m_c = m + atom/z` the
//! transform of the continuous part and `γ` the upper half circle from `x₀ = max(x, 0)` to
//! `b = E + (E - x₀)/4` beyond the right edge `E` (for a mass at `λ ∈ (x₀, b)`,
//! `∫_γ dz/(λ - z)` gains `iπ`; outside it gains nothing). The contour stays away from the
//! support except at its ends, so interior edges and gaps cost nothing; the end at `x₀` may
//! sit on a square-root edge or a hard edge (`ρ ~ x^{-1/2}`), which the substitution
//! `t = s²` of the arc parameter `t ∈ [0, 1]` makes smooth. The integral in `s` is adaptive
//! Gauss-Kronrod (7/15 points, panels bisected until `|K15 - G7| ≤ TAIL_TOL ·` panel length,
//! visited left to right so that each solve is warm-started from the previous one), with
//! absolute accuracy target [`TAIL_TOL`] `= 1e-10`, or the round-off floor `1e-12` of the
//! terms `|m| + atom/|z|` where the atom's pole cancels near 0; a panel narrower than
//! `1e-12` that meets neither, or more than 4000 panels, is `NotConverged`. Measured: 4-6 panels
//! (60-90 solves at complex `z`) from an edge, 12-40 from near 0 (previously 8193 solves on
//! the real axis, accurate to about `4e-6`: on tanh `u = ±2`, `ψ = 2`, `α = 1` the mass below
//! the grid moved from 0.00581 to 0.0057556, the same to 1e-12 on a circle 4× larger).

use crate::error::{Result, StieltjesError};
use crate::spiked::{SolverConfig, SpikedProblem, Workspace};
use num_complex::Complex64 as C64;
use std::f64::consts::PI;

/// Configuration of the density sweep.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct DensityConfig {
    /// `η / scale` with `scale = first_moment()` of the problem.
    pub eta_rel: f64,
    /// Newton steps allowed for a warm-started grid point before a restart.
    pub sweep_newton_max_iter: usize,
    /// Chord steps (reusing the previous point's Jacobian) tried before Newton; 0 disables.
    pub chord_max_iter: usize,
    /// Solver settings (tolerance, restarts).
    pub solver: SolverConfig,
}

impl Default for DensityConfig {
    fn default() -> Self {
        Self {
            eta_rel: 1e-9,
            sweep_newton_max_iter: 8,
            chord_max_iter: 4,
            solver: SolverConfig::default(),
        }
    }
}

impl DensityConfig {
    /// Checks every field: `eta_rel` finite and `> 0`, and the solver settings.
    pub fn validate(&self) -> Result<()> {
        self.solver.validate()?;
        if !(self.eta_rel.is_finite() && self.eta_rel > 0.0) {
            return Err(StieltjesError::InvalidParameter {
                name: "eta_rel",
                value: self.eta_rel,
                reason: "must be finite and > 0",
            });
        }
        Ok(())
    }
}

/// Largest accepted density grid.
pub const MAX_GRID: usize = 10_000_000;

/// A density curve.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Density {
    /// Grid points.
    pub x: Vec<f64>,
    /// `ρ(x)` of the continuous part (atom removed).
    pub rho: Vec<f64>,
    /// `m(x + iη)` (atom included).
    pub m: Vec<C64>,
    /// Mass of the atom at 0, `max(0, 1 - α/ψ)`.
    pub atom: f64,
    /// The `η` used.
    pub eta: f64,
    /// Total Newton steps (each with a fresh Jacobian).
    pub newton_steps: usize,
    /// Total chord steps (reusing the Jacobian of a previous point).
    pub chord_steps: usize,
    /// Grid points recomputed from scratch (continuation in `Im z`).
    pub restarts: usize,
}

impl Density {
    /// Trapezoid integral of `ρ` over the grid (grid must be increasing for a positive
    /// result).
    pub fn integral(&self) -> f64 {
        self.x
            .windows(2)
            .zip(self.rho.windows(2))
            .map(|(x, r)| 0.5 * (x[1] - x[0]) * (r[0] + r[1]))
            .sum()
    }
}

/// A density sweep in chunks (from [`SpikedProblem::density_sweep`]).
pub struct DensitySweep<'a> {
    tracker: Tracker<'a>,
}

impl DensitySweep<'_> {
    /// `ρ(x)` (atom removed) at the points of `grid`, continuing from the last point of the
    /// previous call.
    pub fn extend(&mut self, grid: &[f64]) -> Result<Vec<f64>> {
        grid.iter()
            .map(|&t| self.tracker.rho_at(t).map(|(r, _)| r))
            .collect()
    }

    /// Newton steps so far.
    pub fn newton_steps(&self) -> usize {
        self.tracker.newton_steps
    }

    /// Grid points recomputed from scratch so far.
    pub fn restarts(&self) -> usize {
        self.tracker.restarts
    }
}

/// Follows the solution along real `x` at fixed `η`.
pub(crate) struct Tracker<'a> {
    problem: &'a SpikedProblem,
    cfg: DensityConfig,
    pub(crate) ws: Workspace,
    eta: f64,
    cur: Vec<C64>,
    saved: Vec<C64>,
    p1: Vec<C64>,
    p2: Vec<C64>,
    p3: Vec<C64>,
    t1: f64,
    t2: f64,
    t3: f64,
    have: usize,
    pub(crate) newton_steps: usize,
    pub(crate) chord_steps: usize,
    pub(crate) restarts: usize,
}

impl<'a> Tracker<'a> {
    pub(crate) fn new(
        problem: &'a SpikedProblem,
        cfg: DensityConfig,
        eta: f64,
        ws: Workspace,
    ) -> Self {
        let n = problem.unknowns();
        Self {
            problem,
            cfg,
            ws,
            eta,
            cur: vec![C64::new(0.0, 0.0); n],
            saved: vec![C64::new(0.0, 0.0); n],
            p1: vec![C64::new(0.0, 0.0); n],
            p2: vec![C64::new(0.0, 0.0); n],
            p3: vec![C64::new(0.0, 0.0); n],
            t1: 0.0,
            t2: 0.0,
            t3: 0.0,
            have: 0,
            newton_steps: 0,
            chord_steps: 0,
            restarts: 0,
        }
    }

    /// Solves at `t + iη`; returns `m`.
    pub(crate) fn m_at(&mut self, t: f64) -> Result<C64> {
        if !t.is_finite() {
            return Err(StieltjesError::InvalidParameter {
                name: "x",
                value: t,
                reason: "grid points must be finite",
            });
        }
        let z = C64::new(t, self.eta);
        let p = self.problem;
        let tol = self.cfg.solver.fixed_point.tol;
        let maxit = self.cfg.sweep_newton_max_iter;
        let mut ok = false;
        if self.have >= 1 {
            let mut tries = 0;
            while !ok && tries < 2 {
                if tries == 0
                    && self.have >= 3
                    && self.t1 != self.t2
                    && self.t2 != self.t3
                    && self.t1 != self.t3
                {
                    // quadratic through the last three points (Lagrange weights at t)
                    let (t1, t2, t3) = (self.t1, self.t2, self.t3);
                    let l1 = (t - t2) * (t - t3) / ((t1 - t2) * (t1 - t3));
                    let l2 = (t - t1) * (t - t3) / ((t2 - t1) * (t2 - t3));
                    let l3 = (t - t1) * (t - t2) / ((t3 - t1) * (t3 - t2));
                    for i in 0..self.cur.len() {
                        self.cur[i] = self.p1[i] * l1 + self.p2[i] * l2 + self.p3[i] * l3;
                    }
                } else if tries == 0 && self.have >= 2 && self.t1 != self.t2 {
                    let f = (t - self.t1) / (self.t1 - self.t2);
                    for i in 0..self.cur.len() {
                        self.cur[i] = self.p1[i] + (self.p1[i] - self.p2[i]) * f;
                    }
                } else {
                    if tries == 0 {
                        tries = 1;
                    }
                    self.cur.copy_from_slice(&self.p1);
                }
                // cheap chord steps with the previous Jacobian first, then full Newton
                self.saved.copy_from_slice(&self.cur);
                if let Some((it, _)) =
                    p.chord(z, &mut self.cur, self.cfg.chord_max_iter, tol, &mut self.ws)
                {
                    self.chord_steps += it;
                    ok = p.on_branch_strict(z, &mut self.ws);
                }
                if !ok {
                    self.cur.copy_from_slice(&self.saved);
                    if let Ok((it, _)) = p.newton(z, &mut self.cur, maxit, tol, &mut self.ws) {
                        self.newton_steps += it;
                        ok = p.on_branch_strict(z, &mut self.ws);
                    }
                }
                tries += 1;
            }
        }
        if !ok {
            let (it, _) = p.solve_x(z, &mut self.cur, false, &self.cfg.solver, &mut self.ws)?;
            self.newton_steps += it;
            self.restarts += 1;
        }
        std::mem::swap(&mut self.p3, &mut self.p2);
        std::mem::swap(&mut self.p2, &mut self.p1);
        self.p1.copy_from_slice(&self.cur);
        (self.t3, self.t2, self.t1) = (self.t2, self.t1, t);
        self.have = (self.have + 1).min(3);
        Ok(p.m_from(&self.ws))
    }

    /// Density of the continuous part at `t` (atom removed, round-off negatives set to 0).
    pub(crate) fn rho_at(&mut self, t: f64) -> Result<(f64, C64)> {
        let m = self.m_at(t)?;
        let z = C64::new(t, self.eta);
        let mc = m + self.problem.atom() / z;
        Ok(((mc.im / PI).max(0.0), m))
    }
}

impl SpikedProblem {
    /// `ρ(x)` on `grid` (any order; continuation follows the given order, so a monotone grid
    /// is fastest).
    ///
    /// ```
    /// use giantstep_stieltjes::{DensityConfig, Profile, SpikedProblem};
    /// // mu1 = 0, e2 = 1: Marchenko-Pastur with ratio psi/alpha = 0.5
    /// let profile = Profile::new(vec![0.0], vec![1.0], 1, vec![0.0], vec![1.0]).unwrap();
    /// let problem = SpikedProblem::new(profile, vec![1.0], 1.0, 2.0).unwrap();
    /// let grid: Vec<f64> = (0..=600).map(|i| 3.5 * i as f64 / 600.0).collect();
    /// let dens = problem.density(&grid, &DensityConfig::default()).unwrap();
    /// assert!((dens.integral() - 1.0).abs() < 2e-3);
    /// ```
    pub fn density(&self, grid: &[f64], cfg: &DensityConfig) -> Result<Density> {
        let mut ws = Workspace::new(self);
        self.density_in(grid, cfg, &mut ws)
    }

    /// As [`density`](Self::density), reusing `ws`.
    pub fn density_in(
        &self,
        grid: &[f64],
        cfg: &DensityConfig,
        ws: &mut Workspace,
    ) -> Result<Density> {
        cfg.validate()?;
        if grid.len() > MAX_GRID {
            return Err(StieltjesError::TooLarge {
                name: "grid points",
                value: grid.len(),
                limit: MAX_GRID,
            });
        }
        let eta = cfg.eta_rel * self.scale();
        let mut owned = if ws.fits(self) {
            std::mem::replace(ws, Workspace::new_empty())
        } else {
            Workspace::new(self)
        };
        owned.all_nodes = false;
        let mut tr = Tracker::new(self, *cfg, eta, owned);
        let mut rho = Vec::with_capacity(grid.len());
        let mut ms = Vec::with_capacity(grid.len());
        for &t in grid {
            let (r, m) = match tr.rho_at(t) {
                Ok(v) => v,
                Err(e) => {
                    *ws = tr.ws;
                    return Err(e);
                }
            };
            rho.push(r);
            ms.push(m);
        }
        let out = Density {
            x: grid.to_vec(),
            rho,
            m: ms,
            atom: self.atom(),
            eta,
            newton_steps: tr.newton_steps,
            chord_steps: tr.chord_steps,
            restarts: tr.restarts,
        };
        *ws = tr.ws;
        Ok(out)
    }

    /// A density sweep that keeps its continuation state between calls of
    /// [`DensitySweep::extend`], so a grid computed in chunks (to report progress) costs the
    /// same as one call of [`density`](Self::density) and gives the same values within the
    /// solver tolerance (bit for bit when the grid is given in one chunk).
    pub fn density_sweep(&self, cfg: &DensityConfig) -> Result<DensitySweep<'_>> {
        cfg.validate()?;
        let eta = cfg.eta_rel * self.scale();
        Ok(DensitySweep {
            tracker: Tracker::new(self, *cfg, eta, Workspace::new(self)),
        })
    }

    /// Upper bound used to start the edge search:
    /// `1.2 (1 + √(ψ/α))² max_k [ (1+√ψ)² max_a d_a(κ_k)² + max_a e_a(κ_k)² ]`
    /// over nodes with weight `> 1e-14 max w` (a heuristic bound, checked by the scan).
    fn support_bound(&self) -> f64 {
        let p = self.profile();
        let wmax = p.weights().iter().cloned().fold(0.0, f64::max);
        let mut c = 0.0_f64;
        for k in 0..p.len() {
            if p.weights()[k] <= 1e-14 * wmax {
                continue;
            }
            let mut dm = 0.0_f64;
            let mut em = 0.0_f64;
            for a in 0..p.groups() {
                if self.pi()[a] > 0.0 {
                    dm = dm.max(p.d(k, a).powi(2));
                    em = em.max(p.e2(k, a));
                }
            }
            c = c.max((1.0 + self.psi().sqrt()).powi(2) * dm + em);
        }
        1.2 * (1.0 + (self.psi() / self.alpha()).sqrt()).powi(2) * c
    }

    /// Right edge of the bulk (see the module docs for the criterion); 0 if the spectrum is
    /// the atom at 0 only.
    ///
    /// ```
    /// use giantstep_stieltjes::{DensityConfig, Profile, SpikedProblem};
    /// let profile = Profile::new(vec![0.0], vec![1.0], 1, vec![0.0], vec![1.0]).unwrap();
    /// let problem = SpikedProblem::new(profile, vec![1.0], 1.0, 4.0).unwrap();
    /// let edge = problem.right_edge(&DensityConfig::default()).unwrap();
    /// assert!((edge - 2.25).abs() < 1e-6); // (1 + sqrt(1/4))^2
    /// ```
    pub fn right_edge(&self, cfg: &DensityConfig) -> Result<f64> {
        let mut hi = self.support_bound();
        if hi <= 0.0 {
            return Ok(0.0);
        }
        let eta = cfg.eta_rel * self.scale();
        let mut tau = EDGE_DENSITY / self.scale();
        // the scan only tells ρ > τ from ρ ≈ 0: solved to EDGE_SCAN_TOL, not to the density's
        // tolerance
        let mut scan_cfg = *cfg;
        let fp = &mut scan_cfg.solver.fixed_point;
        fp.tol = fp.tol.max(EDGE_SCAN_TOL);
        for _ in 0..12 {
            // walk down from the bound; stop at the first point inside the support
            let mut tr = Tracker::new(self, scan_cfg, eta, Workspace::new(self));
            let (mut rmax, mut found) = (0.0_f64, None);
            for j in 0..EDGE_SCAN {
                let x = hi * (EDGE_SCAN - j) as f64 / EDGE_SCAN as f64;
                let (r, _) = tr.rho_at(x)?;
                rmax = rmax.max(r);
                if r > tau {
                    found = Some(j);
                    break;
                }
            }
            match found {
                Some(0) => hi *= 2.0,
                Some(j) => {
                    let x = |j: usize| hi * (EDGE_SCAN - j) as f64 / EDGE_SCAN as f64;
                    return self.refine_edge(x(j), x(j - 1), x(j + 1), cfg);
                }
                // no point above τ: the atom alone, or a continuous part too thin for τ
                // (then the threshold is taken relative to its largest value)
                None if rmax <= 0.0 => return Ok(0.0),
                None if tau > EDGE_DENSITY * rmax => tau = EDGE_DENSITY * rmax,
                None => break,
            }
        }
        Err(StieltjesError::NotConverged {
            residual: f64::NAN,
            iterations: 12,
        })
    }

    /// The edge in `(lo, hi]` (`lo` inside at the scan's `η`, `hi` outside) by secants of
    /// `ρ²` through the two last points inside at `η = 1e-13 · scale` (module docs, Right
    /// edge), safeguarded by bisection; `below` is the scan point under `lo`, used if `lo`
    /// is inside at the scan's `η` only.
    fn refine_edge(
        &self,
        mut lo: f64,
        mut hi: f64,
        below: f64,
        cfg: &DensityConfig,
    ) -> Result<f64> {
        let eta = EDGE_ETA * self.scale();
        let tau = EDGE_DENSITY_FINE / self.scale();
        let mut inside = Tracker::new(self, *cfg, eta, Workspace::new(self));
        let mut probe = Tracker::new(self, *cfg, eta, Workspace::new(self));
        let (mut r, _) = inside.rho_at(lo)?;
        if r <= tau {
            // within ~1e-9 · scale above the edge (the scan's η leaks density there)
            (lo, hi) = (below.max(0.0), lo);
            (r, _) = inside.rho_at(lo)?;
            if r <= tau {
                return Err(StieltjesError::NotConverged {
                    residual: hi - lo,
                    iterations: 0,
                });
            }
        }
        // (x, ρ²) of the last two points inside, the older first
        let mut older: Option<(f64, f64)> = None;
        let mut last = (lo, r * r);
        let mut estimate = f64::NAN;
        let tol = EDGE_TOL * hi;
        let floor = EDGE_FLOOR * self.scale();
        for _ in 0..EDGE_MAX_PROBES {
            let secant = older.and_then(|(x1, r1)| {
                let (x2, r2) = last;
                (r1 > r2).then(|| x2 + r2 * (x2 - x1) / (r1 - r2))
            });
            let next = match secant {
                Some(e) if e > lo && e < hi => {
                    // converged, or so close that η = 1e-13 · scale blurs ρ² (then the
                    // secant through points ~1e-11 · scale inside is as good as it gets)
                    if (e - estimate).abs() <= tol || hi - lo <= tol || e - lo <= floor {
                        return Ok(e);
                    }
                    estimate = e;
                    // just inside the estimate: the distance to the edge drops by ~100
                    lo + (1.0 - EDGE_STEP_BACK) * (e - lo)
                }
                _ => {
                    if hi - lo <= tol {
                        return Ok(0.5 * (lo + hi));
                    }
                    0.5 * (lo + hi)
                }
            };
            probe.seed_from(&inside);
            let (r, _) = probe.rho_at(next)?;
            if r > tau {
                older = Some(last);
                last = (next, r * r);
                lo = next;
                std::mem::swap(&mut inside, &mut probe);
            } else {
                // outside: a secant probe overshot, and the next one bisects
                hi = next;
            }
        }
        Err(StieltjesError::NotConverged {
            residual: hi - lo,
            iterations: EDGE_MAX_PROBES,
        })
    }

    /// Mass of the limiting spectrum in `(x, ∞)` (the atom at 0 counts for `x < 0`).
    ///
    /// ```
    /// use giantstep_stieltjes::{DensityConfig, Profile, SpikedProblem};
    /// let profile = Profile::new(vec![0.0], vec![1.0], 1, vec![0.0], vec![1.0]).unwrap();
    /// let problem = SpikedProblem::new(profile, vec![1.0], 2.0, 1.0).unwrap(); // atom 1/2
    /// let t = problem.tail_mass(0.0, &DensityConfig::default()).unwrap();
    /// assert!((t - 0.5).abs() < 1e-5);
    /// ```
    pub fn tail_mass(&self, x: f64, cfg: &DensityConfig) -> Result<f64> {
        let edge = self.right_edge(cfg)?;
        self.tail_mass_below_edge(x, edge, cfg)
    }

    /// [`tail_mass`](Self::tail_mass) with a known right edge `edge` (from
    /// [`right_edge`](Self::right_edge)), to avoid recomputing it.
    pub fn tail_mass_below_edge(&self, x: f64, edge: f64, cfg: &DensityConfig) -> Result<f64> {
        if !x.is_finite() {
            return Err(StieltjesError::InvalidParameter {
                name: "x",
                value: x,
                reason: "must be finite",
            });
        }
        let atom_part = if x < 0.0 { self.atom() } else { 0.0 };
        let x0 = x.max(0.0);
        if x0 >= edge {
            return Ok(atom_part);
        }
        self.contour_tail(x0, edge, cfg).map(|t| t + atom_part)
    }

    /// `μ_c((x0, ∞)) = (1/π) Im ∫_γ m_c(z) dz` on the upper half circle `γ` from `x0` to
    /// `b = E + (E - x0)/4` (module docs, Tail), by adaptive Gauss-Kronrod in `s`, `t = s²`.
    fn contour_tail(&self, x0: f64, edge: f64, cfg: &DensityConfig) -> Result<f64> {
        let b = edge + 0.25 * (edge - x0);
        let (c, radius) = (0.5 * (x0 + b), 0.5 * (b - x0));
        let atom = self.atom();
        let mut ws = Workspace::new(self);
        let mut x = vec![C64::new(0.0, 0.0); self.unknowns()];
        let mut warm = false;
        // integrand in s: Im[m_c(z(t)) z'(t)] 2s / π, t = s², z = c + R e^{iπ(1-t)}
        // (value, size of the terms it is computed from: the round-off scale)
        let mut f = |s: f64| -> Result<(f64, f64)> {
            let t = s * s;
            let e = C64::from_polar(1.0, PI * (1.0 - t));
            let z = c + radius * e;
            let dz = C64::new(0.0, -PI * radius) * e;
            self.solve_x(z, &mut x, warm, &cfg.solver, &mut ws)?;
            warm = true;
            let m = self.m_from(&ws);
            let jac = dz.norm() * 2.0 * s / PI;
            Ok((
                ((m + atom / z) * dz).im * 2.0 * s / PI,
                (m.norm() + atom / z.norm()) * jac,
            ))
        };
        let tol = TAIL_TOL;
        // depth-first, left to right: each panel starts next to the last point solved
        let mut stack: Vec<(f64, f64)> = (0..TAIL_START_PANELS)
            .rev()
            .map(|i| {
                let h = 1.0 / TAIL_START_PANELS as f64;
                (i as f64 * h, (i + 1) as f64 * h)
            })
            .collect();
        let mut total = 0.0;
        let mut panels = 0usize;
        while let Some((lo, hi)) = stack.pop() {
            let (k15, g7, k_abs) = gauss_kronrod_15(lo, hi, &mut f)?;
            panels += 1;
            let err = (k15 - g7).abs();
            // converged, or at the round-off floor: 1e-12 of the size of the terms (near an
            // atom at 0, m_c = m + atom/z cancels two terms of size atom/|z|); a panel that
            // is neither when it is already narrower than TAIL_MIN_PANEL is an error, not a
            // value
            if err <= tol * (hi - lo) || err <= 1e-12 * k_abs {
                total += k15;
            } else if panels >= TAIL_MAX_PANELS || hi - lo < TAIL_MIN_PANEL {
                return Err(StieltjesError::NotConverged {
                    residual: err,
                    iterations: panels,
                });
            } else {
                let mid = 0.5 * (lo + hi);
                stack.push((mid, hi));
                stack.push((lo, mid));
            }
        }
        Ok(total)
    }
}

/// Points of the edge scan on `(0, bound]`.
const EDGE_SCAN: usize = 400;
/// Solver tolerance of the edge scan.
const EDGE_SCAN_TOL: f64 = 1e-9;
/// `τ · scale` of the scan: a point is inside the support when `ρ > τ` at the sweep's `η`.
const EDGE_DENSITY: f64 = 1e-6;
/// `τ · scale` of the refinement at `η = EDGE_ETA · scale`.
const EDGE_DENSITY_FINE: f64 = 1e-9;
/// `η / scale` of the edge refinement.
const EDGE_ETA: f64 = 1e-13;
/// Relative tolerance of the edge.
const EDGE_TOL: f64 = 1e-13;
/// `d / scale` below which a probe at distance `d` from the edge sees `η = EDGE_ETA · scale`
/// more than the square-root law.
const EDGE_FLOOR: f64 = 1e-11;
/// Fraction of the distance to the secant's estimate left between it and the next probe.
const EDGE_STEP_BACK: f64 = 1e-2;
/// Largest number of probes of one edge refinement.
const EDGE_MAX_PROBES: usize = 100;

/// Absolute accuracy target of the tail mass (the error bound of the adaptive rule is
/// `TAIL_TOL` summed over panels of total length 1).
pub const TAIL_TOL: f64 = 1e-10;
/// Panels of the tail rule before adaptive refinement.
const TAIL_START_PANELS: usize = 4;
/// Largest number of Gauss-Kronrod panels of one tail integral.
const TAIL_MAX_PANELS: usize = 4000;
/// Narrowest panel (in `s ∈ [0, 1]`) of the tail rule: a panel that has neither converged
/// nor reached the round-off floor at this width gives `NotConverged`.
const TAIL_MIN_PANEL: f64 = 1e-12;

/// Nodes (on `[-1, 1]`, positive half; the 8th is 0) and weights of the 7-point Gauss and
/// 15-point Kronrod rules (QUADPACK's `qk15`).
const XGK: [f64; 8] = [
    0.991_455_371_120_812_6,
    0.949_107_912_342_758_5,
    0.864_864_423_359_769_1,
    0.741_531_185_599_394_4,
    0.586_087_235_467_691_1,
    0.405_845_151_377_397_2,
    0.207_784_955_007_898_5,
    0.0,
];
const WGK: [f64; 8] = [
    0.022_935_322_010_529_22,
    0.063_092_092_629_978_55,
    0.104_790_010_322_250_2,
    0.140_653_259_715_525_9,
    0.169_004_726_639_267_9,
    0.190_350_578_064_785_4,
    0.204_432_940_075_298_9,
    0.209_482_141_084_727_8,
];
/// Gauss weights of the nodes `XGK[1], XGK[3], XGK[5], XGK[7]`.
const WG: [f64; 4] = [
    0.129_484_966_168_869_7,
    0.279_705_391_489_276_7,
    0.381_830_050_505_118_9,
    0.417_959_183_673_469_4,
];

/// `(K15, G7, K15 of the sizes)` on `[lo, hi]` for `f = (value, size)`, evaluating `f` at
/// the 15 nodes in increasing order.
fn gauss_kronrod_15(
    lo: f64,
    hi: f64,
    f: &mut impl FnMut(f64) -> Result<(f64, f64)>,
) -> Result<(f64, f64, f64)> {
    let (c, h) = (0.5 * (lo + hi), 0.5 * (hi - lo));
    let (mut k, mut g, mut a) = (0.0, 0.0, 0.0);
    // left half (x = -XGK[j]), the centre, right half: a monotone walk along the contour
    for j in 0..7 {
        let (v, size) = f(c - h * XGK[j])?;
        k += WGK[j] * v;
        a += WGK[j] * size;
        if j % 2 == 1 {
            g += WG[j / 2] * v;
        }
    }
    let (v, size) = f(c)?;
    k += WGK[7] * v;
    a += WGK[7] * size;
    g += WG[3] * v;
    for j in (0..7).rev() {
        let (v, size) = f(c + h * XGK[j])?;
        k += WGK[j] * v;
        a += WGK[j] * size;
        if j % 2 == 1 {
            g += WG[j / 2] * v;
        }
    }
    Ok((k * h, g * h, a * h))
}

impl Tracker<'_> {
    fn seed_from(&mut self, other: &Tracker<'_>) {
        self.p1.copy_from_slice(&other.p1);
        self.t1 = other.t1;
        self.have = other.have.min(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kronrod_is_exact_to_degree_23_and_gauss_to_degree_13() {
        // symmetric rules: exact for one odd degree past 3n + 1 = 22 (K15) and 2n - 1 = 13 (G7)
        for deg in 0..=24 {
            let mut f = |x: f64| -> Result<(f64, f64)> { Ok((x.powi(deg), 0.0)) };
            let (k, g, _) = gauss_kronrod_15(-0.5, 1.5, &mut f).unwrap();
            let exact = (1.5f64.powi(deg + 1) - (-0.5f64).powi(deg + 1)) / (deg + 1) as f64;
            let scale = exact.abs().max(1.0);
            if deg <= 23 {
                assert!(
                    (k - exact).abs() < 1e-13 * scale,
                    "K15 degree {deg}: {k} vs {exact}"
                );
            } else {
                assert!((k - exact).abs() > 1e-12 * scale, "K15 exact at degree 24?");
            }
            if deg <= 13 {
                assert!(
                    (g - exact).abs() < 1e-13 * scale,
                    "G7 degree {deg}: {g} vs {exact}"
                );
            } else if deg == 14 {
                assert!((g - exact).abs() > 1e-10 * scale, "G7 exact at degree 14?");
            }
        }
    }
}
