//! Shifted coefficient functions `μ_k(c)` and the nonlinear variance `μ*(c)²`
//! (THEORY.md §3, used by §4 as `d_a(κ) = μ1(u_a κ)`, `e_a(κ)² = μ*(u_a κ)²` and by §5 as
//! `m_a(κ) = μ0(u_a κ)`).
//!
//! With input scale `s > 0` (default 1) and `Z ~ N(0,1)`:
//!
//! * `μ_k(c) = E[σ(sZ + c) He_k(Z)] = s^k (d/dc)^k E[σ(sZ + c)]` (Stein's lemma),
//! * `E[σ(sZ+c)²]` (the second moment) and
//!   `μ*(c)² = E[σ(sZ+c)²] - μ0(c)² - μ1(c)²` (Bessel: `≥ 0`).
//!
//! # Methods ([`Method`])
//! * **Closed forms** ([`Method::Auto`]) where they exist:
//!   - ReLU (THEORY.md §3, `t = c/s`, `relu(sZ+c) = s relu(Z+t)`): `μ0 = s(tΦ(t) + φ(t))`,
//!     `μ1 = sΦ(t)`, `μ_k = s(-1)^k He_{k-2}(t) φ(t)` (`k ≥ 2`),
//!     `E σ² = s²((1+t²)Φ(t) + tφ(t))`, and the cancellation-free
//!     `μ*² = s²[(1+t²)Φ(t)Φ(-t) - tφ(t)(Φ(t)-Φ(-t)) - φ(t)²]`
//!     (relative round-off about `(1+t⁴) ε`), evaluated as `μ0 = cΦ + sφ`,
//!     `E σ² = (s²+c²)Φ + csφ` etc. so that nothing overflows when `c/s` is huge, and with
//!     `He_{k-2}(t) φ(t) = 0` once `φ(t)` underflows (exact limits, not `0·∞`). For `t < 0`
//!     `μ0` and `E σ²` are differences of nearly equal terms (`μ0 ≈ sφ(t)/t²`,
//!     `E σ² ≈ 2s²φ(t)/|t|³`): relative round-off about `t²ε` and `t⁴ε` while `φ(t)` is a
//!     normal number (`t ≳ -37.5`; tested against the asymptotic series at `t = -20..-35`);
//!     further left they are below `1e-300` in absolute value and clamped at 0, so they
//!     never come out negative.
//!   - abs `= 2 relu(x) - x`: `μ_k = 2μ_k^{relu} - c δ_{k0} - s δ_{k1}`, `E σ² = s² + c²`,
//!     `μ*² = 4 μ*²_{relu}`.
//!   - linear: `μ0 = c`, `μ1 = s`, `μ_{k≥2} = 0`, `μ*² = 0`.
//!   - erf `σ(z) = erf(z/√2)`: with `a = 1/sqrt(2(1+s²))`, `E σ(sZ+c) = erf(a c)` and
//!     `μ_k = s^k (2a/√π) (-√2 a)^{k-1} He_{k-1}(√2 a c) e^{-a²c²}` (`k ≥ 1`); `E σ² =
//!     1 - 8 T(h, 1/sqrt(1+2s²))`, `h = c/sqrt(1+s²)`, `T` = Owen's T function (evaluated by
//!     64-point Gauss-Legendre on its defining integral; relative error `≤ 4ε(1 + h²)`,
//!     tested against the identities `T(0, a) = arctan(a)/2π` and `T(h, 1) = Φ(h)Φ(-h)/2`).
//!   - Hermite polynomials `Σ a_j He_j`: Gauss-Hermite with enough nodes to be exact
//!     (degree `≤ 2K-1`), and `μ*² = Σ_{k≥2} μ_k²/k!` (a finite sum of squares).
//! * **Quadrature** ([`Method::Quadrature`], also what `Auto` uses for tanh, sigmoid,
//!   softplus, GELU, SiLU and closures): for activations with kinks (relu, abs, custom with
//!   declared kinks) piecewise Gauss-Legendre on `[-12, 12]`, [`DEFAULT_NODES_PER_PIECE`]
//!   nodes per panel of width ≤ 1, the panels containing a kink `(κ - c)/s` split there
//!   ([`Method::PiecewiseLegendre`]); Gauss-Hermite with [`default_gh_nodes`] nodes otherwise.
//!
//! # Accuracy (measured in `tests/shifted.rs` against an independent composite rule)
//! * Smooth built-ins (tanh, erf, sigmoid, softplus, GELU, SiLU), Gauss-Hermite `K = 200`,
//!   `μ_k(c)` for `k ≤ 5`, `|c| ≤ 10`: error ≤ 1.2e-14 `max(1, |μ_k|)` (test bound 1e-12).
//! * ReLU by plain Gauss-Hermite converges only algebraically (the kink; `μ1` integrates a
//!   step, error ~ the weight of the node nearest `-c/s`, i.e. `~K^{-1/2}`). Max error over
//!   `c ∈ [-10, 10]`:
//!
//!   | K | μ0 | μ1 | μ*² |
//!   |---|----|----|-----|
//!   | 10 | 2.7e-2 | 1.4e-2 | 1.8e-2 |
//!   | 100 | 1.7e-3 | 9.4e-4 | 1.3e-3 |
//!   | 1000 | 2.9e-4 | 1.3e-4 | 2.2e-4 |
//!   | 10 000 | 1.6e-5 | 7.6e-6 | 1.3e-5 |
//!   | kink-aware (16 nodes/panel, 384 nodes) | 7e-15 | 4e-15 | 1.7e-13 (`≈ 2ε(1+c²)`) |
//!
//!   which is why [`Method::Quadrature`] is kink-aware for relu and abs, and `Auto` uses the
//!   closed forms.
//!
//! # Round-off clamp
//! `μ*(c)²` is computed as a difference; if it comes out negative but above
//! `-ROUNDOFF_FACTOR · ε · (E σ² + μ0² + μ1²)` it is set to 0, and below that a
//! [`HermiteError::NegativeVariance`] is returned (it would be a bug).
//!
//! ```
//! use giantstep_hermite::{activation::Activation, shifted::ShiftedCoefficients};
//! let sc = ShiftedCoefficients::new(Activation::Relu, 3)?;
//! let table = sc.eval_many(&[-1.0, 0.0, 2.0])?;
//! // μ1(0) = Φ(0) = 1/2, μ*(0)² = 1/2 - 1/(2π) - 1/4
//! assert!((table.mu(1, 1) - 0.5).abs() < 1e-15);
//! let expected = 0.25 - 1.0 / (2.0 * std::f64::consts::PI);
//! assert!((table.mu_star_sq()[1] - expected).abs() < 1e-15);
//! # Ok::<(), giantstep_hermite::HermiteError>(())
//! ```

use crate::activation::Activation;
use crate::error::{HermiteError, Result, check_finite};
use crate::polynomials::{hermite_normalized_into, sqrt_factorials};
use crate::quadrature::{DEFAULT_CUTOFF, GaussHermite, GaussLegendre, GaussianRule};

mod closed_forms;
mod piecewise;
mod table;

use piecewise::PiecewiseBase;
pub use table::{ShiftedTable, ShiftedValues};

/// Largest accepted `k_max` (`μ_k` grows like `sqrt(k!)`; `sqrt(150!) ≈ 2.4e131`).
pub const MAX_K_MAX: usize = 150;
/// Largest accepted degree of a [`Activation::Hermite`] polynomial.
pub const MAX_HERMITE_DEGREE: usize = 1_000;
/// Default Gauss-Legendre nodes per panel of the kink-aware rule.
pub const DEFAULT_NODES_PER_PIECE: usize = 16;
/// Multiple of `ε (E σ² + μ0² + μ1²)` within which a negative `μ*²` is clamped to 0.
pub const ROUNDOFF_FACTOR: f64 = 256.0;

/// Default number of Gauss-Hermite nodes for smooth activations: `max(200, 2 k_max + 50)`.
pub fn default_gh_nodes(k_max: usize) -> usize {
    200.max(2 * k_max + 50)
}

/// How the expectations are computed.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub enum Method {
    /// Closed forms where available (relu, abs, linear, erf, Hermite polynomials), else
    /// [`Method::Quadrature`].
    Auto,
    /// Kink-aware piecewise Gauss-Legendre for activations with kinks, Gauss-Hermite with
    /// [`default_gh_nodes`] nodes otherwise.
    Quadrature,
    /// Plain Gauss-Hermite with the given number of nodes (slow algebraic convergence on
    /// kinked activations: `~K^{-1/2}` for relu's `μ1`, see the module docs).
    GaussHermite {
        /// Number of nodes `K`.
        nodes: usize,
    },
    /// Piecewise Gauss-Legendre against the Gaussian density on `[-cutoff, cutoff]`: a fixed
    /// grid of equal panels of width ≤ [`MAX_PANEL_WIDTH`](crate::quadrature::MAX_PANEL_WIDTH) with `nodes_per_piece` nodes each
    /// (nodes, weights and Hermite values precomputed once), where the panels containing a
    /// kink `(κ - c)/s` of `σ(sZ + c)` are split there for each shift; weights renormalized
    /// to sum 1. Same accuracy as [`GaussianRule::piecewise_legendre`].
    PiecewiseLegendre {
        /// Legendre nodes per panel.
        nodes_per_piece: usize,
        /// Truncation point `L`.
        cutoff: f64,
    },
}

/// Internal resolved evaluation plan.
#[derive(Debug, Clone)]
enum Plan {
    Relu,
    Abs,
    Linear,
    Erf,
    /// Fixed rule with precomputed normalized Hermite values `h[i * (k+1) + k]`.
    Fixed {
        rule: GaussianRule,
        h: Vec<f64>,
        hermite_poly: bool,
    },
    /// Kink-aware piecewise rule: a fixed grid of panels with precomputed nodes, weights
    /// and Hermite values; only the panels containing a kink are re-split per shift.
    Piecewise(Box<PiecewiseBase>),
}

/// Evaluator of `μ_k(c)`, `k = 0..=k_max`, `E σ(sZ+c)²` and `μ*(c)²` for many shifts `c`.
///
/// Construction validates everything (an invalid evaluator cannot exist) and precomputes
/// the quadrature rule; evaluation only checks that shifts are finite.
#[derive(Debug, Clone)]
pub struct ShiftedCoefficients {
    activation: Activation,
    k_max: usize,
    /// Hermite indices computed internally (`max(k_max, 1)`, or the degree for polynomials).
    k_int: usize,
    scale: f64,
    method: Method,
    plan: Plan,
    sqrt_fact: Vec<f64>,
}

impl ShiftedCoefficients {
    /// Evaluator for `σ = activation`, `k = 0..=k_max`, scale `s = 1`, [`Method::Auto`].
    pub fn new(activation: Activation, k_max: usize) -> Result<Self> {
        Self::with_options(activation, k_max, 1.0, Method::Auto)
    }

    /// Same with input scale `s` (finite, `> 0`).
    pub fn with_scale(activation: Activation, k_max: usize, scale: f64) -> Result<Self> {
        Self::with_options(activation, k_max, scale, Method::Auto)
    }

    /// Fully specified evaluator.
    ///
    /// ```
    /// use giantstep_hermite::{activation::Activation, shifted::{Method, ShiftedCoefficients}};
    /// let gh = ShiftedCoefficients::with_options(Activation::Tanh, 2, 0.5, Method::Auto)?;
    /// let v = gh.eval(0.3)?;
    /// assert!(v.mu_star_sq >= 0.0 && v.mu.len() == 3);
    /// # Ok::<(), giantstep_hermite::HermiteError>(())
    /// ```
    pub fn with_options(
        activation: Activation,
        k_max: usize,
        scale: f64,
        method: Method,
    ) -> Result<Self> {
        if k_max > MAX_K_MAX {
            return Err(HermiteError::KMaxTooLarge {
                requested: k_max,
                limit: MAX_K_MAX,
            });
        }
        if !(scale.is_finite() && scale > 0.0) {
            return Err(HermiteError::InvalidScale(scale));
        }
        if let Activation::Hermite(c) = &activation {
            if c.len() > MAX_HERMITE_DEGREE + 1 {
                return Err(HermiteError::KMaxTooLarge {
                    requested: c.len() - 1,
                    limit: MAX_HERMITE_DEGREE,
                });
            }
            for &x in c {
                check_finite("Hermite coefficient", x)?;
            }
        }
        for &kink in &activation.kinks() {
            check_finite("kink", kink)?;
        }
        let mut k_int = k_max.max(1);
        let plan = match (method, &activation) {
            (Method::Auto, Activation::Relu) => Plan::Relu,
            (Method::Auto, Activation::Abs) => Plan::Abs,
            (Method::Auto, Activation::Linear) => Plan::Linear,
            (Method::Auto, Activation::Erf) => Plan::Erf,
            (Method::Auto, Activation::Hermite(c)) => {
                let degree = c.len().saturating_sub(1);
                k_int = k_int.max(degree);
                // exact: degree of σ(sZ+c) He_k(Z) is at most degree + k_int <= 2K - 1
                let nodes = (degree + k_int) / 2 + 1;
                fixed_plan(nodes, k_int, true)?
            }
            (Method::Auto | Method::Quadrature, act) if !act.kinks().is_empty() => {
                Plan::Piecewise(Box::new(PiecewiseBase::new(
                    GaussLegendre::new(DEFAULT_NODES_PER_PIECE)?,
                    DEFAULT_CUTOFF,
                    k_int,
                )))
            }
            (Method::Auto | Method::Quadrature, _) => {
                fixed_plan(default_gh_nodes(k_max), k_int, false)?
            }
            (Method::GaussHermite { nodes }, _) => fixed_plan(nodes, k_int, false)?,
            (
                Method::PiecewiseLegendre {
                    nodes_per_piece,
                    cutoff,
                },
                _,
            ) => {
                // validate the cutoff once
                let gl = GaussLegendre::new(nodes_per_piece)?;
                gl.gaussian_rule(&[], cutoff)?;
                Plan::Piecewise(Box::new(PiecewiseBase::new(gl, cutoff, k_int)))
            }
        };
        Ok(Self {
            activation,
            k_max,
            k_int,
            scale,
            method,
            plan,
            sqrt_fact: sqrt_factorials(k_int),
        })
    }

    /// The activation.
    pub fn activation(&self) -> &Activation {
        &self.activation
    }
    /// `k_max`.
    pub fn k_max(&self) -> usize {
        self.k_max
    }
    /// The input scale `s`.
    pub fn scale(&self) -> f64 {
        self.scale
    }
    /// The requested method.
    pub fn method(&self) -> Method {
        self.method
    }

    /// Values at one shift `c` (finite).
    pub fn eval(&self, c: f64) -> Result<ShiftedValues> {
        check_finite("shift c", c)?;
        let mut mu = vec![0.0; self.k_int + 1];
        let (second_moment, mu_star_sq) = self.values_into(c, &mut mu)?;
        mu.truncate(self.k_max + 1);
        check_overflow(&mu, second_moment, mu_star_sq)?;
        Ok(ShiftedValues {
            shift: c,
            mu,
            second_moment,
            mu_star_sq,
        })
    }

    /// Values at many shifts (checked finite up front).
    pub fn eval_many(&self, shifts: &[f64]) -> Result<ShiftedTable> {
        for &c in shifts {
            check_finite("shift c", c)?;
        }
        let n = shifts.len();
        let mut mu = Vec::with_capacity(n * (self.k_max + 1));
        let mut second_moment = Vec::with_capacity(n);
        let mut mu_star_sq = Vec::with_capacity(n);
        let mut buf = vec![0.0; self.k_int + 1];
        for &c in shifts {
            let (m2, ms) = self.values_into(c, &mut buf)?;
            check_overflow(&buf[..=self.k_max], m2, ms)?;
            mu_star_sq.push(ms);
            second_moment.push(m2);
            mu.extend_from_slice(&buf[..=self.k_max]);
        }
        Ok(ShiftedTable {
            shifts: shifts.to_vec(),
            k_max: self.k_max,
            mu,
            second_moment,
            mu_star_sq,
        })
    }

    /// Tables at the shifts `c_i = u κ_i` of every `u` in `us` (one table per `u`, shifts in
    /// the order of `nodes`): the tables of spiked groups on a κ-rule. A `u` whose shifts are
    /// bit for bit those of an earlier one, in the same or the reverse order (`u_b = u_a`, or
    /// `u_b = -u_a` on a rule symmetric about 0 as the Gaussian rules are), reuses that
    /// table: equal shifts give equal values, so this is exact, and it halves the work of
    /// the one-step model's groups `a = ±1`. A spike-free `u = 0` costs two evaluations
    /// (its shifts are `+0` and `-0`).
    ///
    /// ```
    /// use giantstep_hermite::{Activation, ShiftedCoefficients};
    /// let sc = ShiftedCoefficients::new(Activation::Relu, 1).unwrap();
    /// let nodes = [-1.5, -0.5, 0.5, 1.5];
    /// let t = sc.eval_products(&[2.0, -2.0], &nodes).unwrap();
    /// for i in 0..4 {
    ///     let direct = sc.eval(-2.0 * nodes[i]).unwrap();
    ///     assert_eq!(t[1].mu(i, 1), direct.mu[1]);
    ///     assert_eq!(t[1].mu_star_sq()[i], direct.mu_star_sq);
    /// }
    /// ```
    pub fn eval_products(&self, us: &[f64], nodes: &[f64]) -> Result<Vec<ShiftedTable>> {
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        let mut tables: Vec<ShiftedTable> = Vec::with_capacity(us.len());
        let mut keys: Vec<Vec<u64>> = Vec::with_capacity(us.len());
        for &u in us {
            let shifts: Vec<f64> = nodes.iter().map(|&x| u * x).collect();
            let key = bits(&shifts);
            let mut rev_key = key.clone();
            rev_key.reverse();
            let table = if u == 0.0 {
                let (pos, neg) = (self.eval(0.0)?, self.eval(-0.0)?);
                ShiftedTable::at_zeros(shifts, &pos, &neg)
            } else if let Some(i) = keys.iter().position(|k| *k == key) {
                tables[i].clone()
            } else if let Some(i) = keys.iter().position(|k| *k == rev_key) {
                tables[i].reversed()
            } else {
                self.eval_many(&shifts)?
            };
            keys.push(key);
            tables.push(table);
        }
        Ok(tables)
    }

    /// `μ*(c)²` at one shift.
    pub fn mu_star_sq(&self, c: f64) -> Result<f64> {
        Ok(self.eval(c)?.mu_star_sq)
    }

    /// `μ*²` from the values, with the documented clamp; closed forms where exact (ReLU and
    /// abs compute theirs in [`Self::values_into`]).
    fn mu_star_sq_from(&self, c: f64, mu: &[f64], m2: f64) -> Result<f64> {
        match &self.plan {
            Plan::Linear => return Ok(0.0),
            Plan::Fixed {
                hermite_poly: true, ..
            } => {
                // Σ_{k≥2} μ_k²/k! (k_int >= degree)
                return Ok(mu
                    .iter()
                    .zip(&self.sqrt_fact)
                    .skip(2)
                    .map(|(m, f)| (m / f) * (m / f))
                    .sum());
            }
            _ => {}
        }
        let v = m2 - mu[0] * mu[0] - mu[1] * mu[1];
        if v >= 0.0 {
            return Ok(v);
        }
        let bound = ROUNDOFF_FACTOR * f64::EPSILON * (m2 + mu[0] * mu[0] + mu[1] * mu[1]);
        if v >= -bound {
            Ok(0.0)
        } else {
            Err(HermiteError::NegativeVariance {
                shift: c,
                value: v,
                bound,
            })
        }
    }

    /// Fill `mu[0..=k_int]` and return the second moment and `μ*²`.
    fn values_into(&self, c: f64, mu: &mut [f64]) -> Result<(f64, f64)> {
        let s = self.scale;
        let m2 = match &self.plan {
            Plan::Relu => return Ok(closed_forms::relu_into(c, s, mu)),
            Plan::Abs => return Ok(closed_forms::abs_into(c, s, mu)),
            Plan::Linear => closed_forms::linear_into(c, s, mu),
            Plan::Erf => closed_forms::erf_into(c, s, mu),
            Plan::Fixed { rule, h, .. } => self.fixed_rule_into(rule, h, c, mu),
            Plan::Piecewise(base) => base.eval(&self.activation, s, &self.sqrt_fact, c, mu),
        };
        Ok((m2, self.mu_star_sq_from(c, mu, m2)?))
    }

    /// One fixed Gauss-Hermite rule (`h`: normalized `He_k` at its nodes, stride `k_int + 1`):
    /// `mu[0..=k_int]`, returns the second moment.
    fn fixed_rule_into(&self, rule: &GaussianRule, h: &[f64], c: f64, mu: &mut [f64]) -> f64 {
        let s = self.scale;
        let stride = self.k_int + 1;
        mu.iter_mut().for_each(|m| *m = 0.0);
        let mut m2 = 0.0;
        for (i, (&z, &w)) in rule.nodes().iter().zip(rule.weights()).enumerate() {
            let v = self.activation.eval(s * z + c);
            let wv = w * v;
            m2 += wv * v;
            for (m, hk) in mu.iter_mut().zip(&h[i * stride..(i + 1) * stride]) {
                *m += wv * hk;
            }
        }
        for (m, f) in mu.iter_mut().zip(&self.sqrt_fact) {
            *m *= f;
        }
        m2
    }
}
fn fixed_plan(nodes: usize, k_int: usize, hermite_poly: bool) -> Result<Plan> {
    let rule = GaussHermite::new(nodes)?.into_rule();
    let stride = k_int + 1;
    let mut h = vec![0.0; rule.len() * stride];
    for (i, &z) in rule.nodes().iter().enumerate() {
        hermite_normalized_into(z, &mut h[i * stride..(i + 1) * stride]);
    }
    Ok(Plan::Fixed {
        rule,
        h,
        hermite_poly,
    })
}

/// `μ*(c)² = E σ(Z+c)² - μ0(c)² - μ1(c)²` with default settings (scale 1, [`Method::Auto`]).
///
/// ```
/// use giantstep_hermite::{activation::Activation, shifted::mu_star_sq};
/// // linear activation: no nonlinear part
/// assert_eq!(mu_star_sq(&Activation::Linear, 1.5)?, 0.0);
/// # Ok::<(), giantstep_hermite::HermiteError>(())
/// ```
pub fn mu_star_sq(activation: &Activation, c: f64) -> Result<f64> {
    ShiftedCoefficients::new(activation.clone(), 1)?.mu_star_sq(c)
}

/// Overflow of `μ_k(c)`, `E σ(sZ+c)²` or `μ*(c)²` (huge shifts, scales or polynomial
/// coefficients) is reported as [`HermiteError::NonFinite`], never returned as `inf`/NaN.
fn check_overflow(mu: &[f64], second_moment: f64, mu_star_sq: f64) -> Result<()> {
    if let Some(&v) = mu.iter().find(|v| !v.is_finite()) {
        return Err(HermiteError::NonFinite {
            what: "mu_k(c) (overflow)",
            value: v,
        });
    }
    check_finite("E sigma(sZ+c)^2 (overflow)", second_moment)?;
    check_finite("mu*(c)^2 (overflow)", mu_star_sq)
}
