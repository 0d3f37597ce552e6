//! Quadrature rules for `E[g(Z)]`, `Z ~ N(0,1)` (THEORY.md §3).
//!
//! A rule is a list of nodes `z_i` and positive weights `w_i` with `Σ w_i = 1`:
//! `E[g(Z)] ≈ Σ_i w_i g(z_i)`, the Gaussian weight `e^{-z²/2}/sqrt(2π)` being folded into
//! the weights.
//!
//! * [`GaussHermite`]: the `K`-node Gauss rule for the Gaussian weight, exact for polynomials
//!   of degree `≤ 2K-1`, any `1 ≤ K ≤ 100 000`. Default algorithm
//!   ([`GhAlgorithm::GlaserLiuRokhlin`]): an `O(K)` ODE sweep in the manner of Glaser, Liu &
//!   Rokhlin (2007) along the normalized Hermite function `ψ = h_K e^{-z²/4}`, which solves
//!   the Weber equation `ψ'' = (z²/4 - K - 1/2) ψ`: from the exact values at `z = 0` it steps
//!   from zero to zero with local Taylor series (coefficients from the ODE) and Newton, the
//!   next zero predicted by the WKB phase; weights `w_i = e^{-z_i²/2}/ψ'(z_i)²`. Golub-Welsch
//!   (`O(K²)`, eigenvalues of the Jacobi matrix `J_{k,k+1} = sqrt(k)` by implicit QL, Newton
//!   polish, Christoffel weights `1/(K h_{K-1}(z_i)²)`) and Newton on the three-term
//!   recurrence (`O(K²)`) are kept as slow references.
//!
//!   **Accuracy** (tested): nodes within an ulp or two of double-double Newton at
//!   `K = 10 000`, and identical to Golub-Welsch within 4 ulps for every `K ≤ 300`; weights
//!   to a relative `~4ε (sqrt(K) + z²)` (about 1e-14 near the centre; the `z²` part is the
//!   conditioning of `e^{-z²/2}` to an ulp of `z`).
//!   **Underflow**: weights below the smallest subnormal are exactly 0: for `|z| ≳ 38.6`
//!   (first at `K ≈ 400`), 28% of the weights at `K = 1000` and 76% at `K = 10 000` (nodes up
//!   to 199.5).
//!   The nodes are still returned; the lost mass is below 1e-300.
//!   **Speed** (criterion, 2-core machine): `K = 1000` in ~0.4 ms, `K = 10 000` in ~4 ms
//!   (scipy's `roots_hermitenorm(10000)`: ~30 ms, see `benches/scipy_reference.py`).
//! * [`GaussianRule::piecewise_legendre`]: Gauss-Legendre on panels of `[-L, L]` split at
//!   given breakpoints, weights multiplied by the Gaussian density: converges fast for
//!   integrands with kinks at the breakpoints (e.g. `relu(Z + c)` at `Z = -c`).
//!
//! ```
//! use giantstep_hermite::quadrature::GaussHermite;
//! let gh = GaussHermite::new(10)?;
//! // E[Z^4] = 3, exact for K = 10 (degree 4 <= 19)
//! assert!((gh.expect(|z| z.powi(4)) - 3.0).abs() < 1e-13);
//! # Ok::<(), giantstep_hermite::HermiteError>(())
//! ```

use crate::error::{HermiteError, Result};
use crate::roots;
use crate::rule::FRAC_1_SQRT_2PI;
pub use crate::rule::GaussianRule;

/// Largest `nodes_per_piece` accepted by [`GaussianRule::piecewise_legendre`].
pub const MAX_NODES_PER_PIECE: usize = 1_000;
/// Largest cutoff `L` accepted by [`GaussianRule::piecewise_legendre`] (the Gaussian density
/// underflows `f64` beyond about 38.6).
pub const MAX_CUTOFF: f64 = 40.0;
/// Default cutoff `L` of the piecewise rules: truncation error at most
/// `‖g‖₂ sqrt(2Φ(-12)) ≈ 6e-17 ‖g‖₂` (see [`GaussianRule::piecewise_legendre`]).
pub const DEFAULT_CUTOFF: f64 = 12.0;
/// Panels of the piecewise rules are at most this wide.
pub const MAX_PANEL_WIDTH: f64 = 1.0;

impl GaussianRule {
    /// The `k`-node Gauss-Hermite rule (see [`GaussHermite::new`]).
    ///
    /// ```
    /// let r = giantstep_hermite::quadrature::GaussianRule::gauss_hermite(3)?;
    /// assert_eq!(r.len(), 3);
    /// # Ok::<(), giantstep_hermite::HermiteError>(())
    /// ```
    pub fn gauss_hermite(k: usize) -> Result<Self> {
        Ok(GaussHermite::new(k)?.into_rule())
    }

    /// Piecewise Gauss-Legendre rule against the Gaussian density on `[-L, L]`, `L = cutoff`.
    ///
    /// `[-L, L]` is split at every breakpoint lying strictly inside it, each piece is further
    /// split into equal panels of width at most [`MAX_PANEL_WIDTH`], and each panel gets
    /// `nodes_per_piece` Gauss-Legendre nodes; each weight is the Legendre weight times the
    /// density `φ(z_i)`, and the weights are finally divided by their sum so that they sum
    /// to 1 (this rescaling is `1 + O(Φ(-L))`).
    ///
    /// **Accuracy.** For `g` smooth on every piece with `n = nodes_per_piece` nodes the panel
    /// error decays like `(width/2)^{2n} ‖(gφ)^{(2n)}‖/(2n)!` (fast: 16 nodes give ~1e-16 for
    /// the activations of this crate). The truncation error is
    /// `|E[g(Z) 1{|Z|>L}]| ≤ ‖g‖₂ sqrt(2Φ(-L))` (Cauchy-Schwarz), about `6e-17 ‖g‖₂` for the
    /// default `L = 12` ([`DEFAULT_CUTOFF`]), plus the same order from the renormalization.
    /// Breakpoints outside `(-L, L)` are ignored.
    ///
    /// Errors: `nodes_per_piece` 0 or above [`MAX_NODES_PER_PIECE`], cutoff not in
    /// `(0, MAX_CUTOFF]`, non-finite breakpoints.
    ///
    /// ```
    /// use giantstep_hermite::quadrature::GaussianRule;
    /// // E[relu(Z + 0.3)] = 0.3 Φ(0.3) + φ(0.3); the kink is at z = -0.3
    /// let rule = GaussianRule::piecewise_legendre(&[-0.3], 16, 12.0)?;
    /// let v = rule.expect(|z| (z + 0.3f64).max(0.0));
    /// assert!((v - 0.5667612421172099).abs() < 1e-14);
    /// # Ok::<(), giantstep_hermite::HermiteError>(())
    /// ```
    pub fn piecewise_legendre(
        breakpoints: &[f64],
        nodes_per_piece: usize,
        cutoff: f64,
    ) -> Result<Self> {
        let gl = GaussLegendre::new(nodes_per_piece)?;
        gl.gaussian_rule(breakpoints, cutoff)
    }
}

/// A Gauss-Legendre rule on `[-1, 1]` (`n` nodes, Newton on the Legendre recurrence),
/// reusable to build many piecewise Gaussian rules cheaply.
///
/// ```
/// use giantstep_hermite::quadrature::GaussLegendre;
/// let gl = GaussLegendre::new(5)?;
/// let int: f64 = gl.nodes().iter().zip(gl.weights()).map(|(x, w)| w * x.powi(8)).sum();
/// assert!((int - 2.0 / 9.0).abs() < 1e-15);
/// # Ok::<(), giantstep_hermite::HermiteError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct GaussLegendre {
    nodes: Vec<f64>,
    weights: Vec<f64>,
}

impl GaussLegendre {
    /// The `n`-node rule on `[-1, 1]`, `1 ≤ n ≤ MAX_NODES_PER_PIECE`.
    pub fn new(n: usize) -> Result<Self> {
        if n == 0 {
            return Err(HermiteError::ZeroNodes);
        }
        if n > MAX_NODES_PER_PIECE {
            return Err(HermiteError::TooManyNodes {
                requested: n,
                limit: MAX_NODES_PER_PIECE,
            });
        }
        let mut nodes = vec![0.0; n];
        let mut weights = vec![0.0; n];
        let nf = n as f64;
        for i in 0..n.div_ceil(2) {
            let mut x = (std::f64::consts::PI * (i as f64 + 0.75) / (nf + 0.5)).cos();
            let mut dp = 1.0;
            for _ in 0..100 {
                let (p, d) = legendre_and_derivative(n, x);
                dp = d;
                let dx = p / d;
                x -= dx;
                if dx.abs() <= 1e-16 * x.abs().max(1.0) {
                    break;
                }
            }
            let (_, d) = legendre_and_derivative(n, x);
            if d.is_finite() {
                dp = d;
            }
            let w = 2.0 / ((1.0 - x * x) * dp * dp);
            nodes[i] = -x;
            nodes[n - 1 - i] = x;
            weights[i] = w;
            weights[n - 1 - i] = w;
        }
        if n % 2 == 1 {
            nodes[n / 2] = 0.0;
        }
        Ok(Self { nodes, weights })
    }

    /// Nodes on `[-1, 1]`, increasing.
    pub fn nodes(&self) -> &[f64] {
        &self.nodes
    }

    /// Weights on `[-1, 1]` (sum 2).
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }

    /// The piecewise Gaussian rule of [`GaussianRule::piecewise_legendre`] built from this
    /// Legendre rule.
    pub fn gaussian_rule(&self, breakpoints: &[f64], cutoff: f64) -> Result<GaussianRule> {
        if !(cutoff.is_finite() && cutoff > 0.0 && cutoff <= MAX_CUTOFF) {
            return Err(HermiteError::InvalidCutoff {
                value: cutoff,
                limit: MAX_CUTOFF,
            });
        }
        let mut cuts = vec![-cutoff, cutoff];
        for &b in breakpoints {
            if !b.is_finite() {
                return Err(HermiteError::NonFinite {
                    what: "breakpoint",
                    value: b,
                });
            }
            if b > -cutoff && b < cutoff {
                cuts.push(b);
            }
        }
        cuts.sort_by(f64::total_cmp);
        cuts.dedup();
        let mut nodes = Vec::new();
        let mut weights = Vec::new();
        for piece in cuts.windows(2) {
            let (a, b) = (piece[0], piece[1]);
            let panels = ((b - a) / MAX_PANEL_WIDTH).ceil().max(1.0) as usize;
            let h = (b - a) / panels as f64;
            for p in 0..panels {
                let lo = a + p as f64 * h;
                let mid = lo + 0.5 * h;
                for (&x, &w) in self.nodes.iter().zip(&self.weights) {
                    let z = mid + 0.5 * h * x;
                    nodes.push(z);
                    weights.push(0.5 * h * w * FRAC_1_SQRT_2PI * (-0.5 * z * z).exp());
                }
            }
        }
        let total: f64 = weights.iter().sum();
        if !(total.is_finite() && total > 0.0) {
            // a cutoff so small (subnormal) that every weight underflows
            return Err(HermiteError::InvalidCutoff {
                value: cutoff,
                limit: MAX_CUTOFF,
            });
        }
        weights.iter_mut().for_each(|w| *w /= total);
        Ok(GaussianRule::from_parts(nodes, weights))
    }
}

/// `(P_n(x), P_n'(x))` by the Legendre recurrence.
fn legendre_and_derivative(n: usize, x: f64) -> (f64, f64) {
    let (mut p0, mut p1) = (1.0, x);
    if n == 0 {
        return (1.0, 0.0);
    }
    for k in 1..n {
        let kf = k as f64;
        let p2 = ((2.0 * kf + 1.0) * x * p1 - kf * p0) / (kf + 1.0);
        p0 = p1;
        p1 = p2;
    }
    let nf = n as f64;
    (p1, nf * (x * p1 - p0) / (x * x - 1.0))
}

/// Which algorithm builds a [`GaussHermite`] rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum GhAlgorithm {
    /// The default: [`GhAlgorithm::GlaserLiuRokhlin`] (fastest for every `K`: ~10 µs at
    /// `K = 20` against ~45 µs for Golub-Welsch; tested against Golub-Welsch for every
    /// `K ≤ 300`).
    Auto,
    /// Golub-Welsch: eigenvalues of the Jacobi matrix (zero diagonal, off-diagonal
    /// `sqrt(k)`) by implicit QL, `O(K²)`, then Newton polishing on the normalized
    /// recurrence and Christoffel weights `1/(K h_{K-1}(z_i)²)`.
    GolubWelsch,
    /// `O(K)` ODE sweep after Glaser, Liu & Rokhlin (2007): walks outward from 0 along the
    /// normalized Hermite function `ψ = h_K e^{-z²/4}` (Weber equation
    /// `ψ'' = (z²/4 - K - 1/2) ψ`) with local Taylor series and Newton, predicting each zero
    /// from the WKB phase; weights `e^{-z_i²/2}/ψ'(z_i)²`.
    GlaserLiuRokhlin,
    /// The [`GhAlgorithm::GlaserLiuRokhlin`] nodes polished by two Newton steps on the
    /// three-term recurrence, Christoffel weights from the recurrence: `O(K²)`, the slow
    /// obviously-correct reference for large `K`.
    NewtonRecurrence,
}

/// The Gauss-Hermite rule for `E[g(Z)]`, `Z ~ N(0,1)` (probabilists' weight
/// `e^{-z²/2}/sqrt(2π)`): `K` nodes, exact for polynomials of degree `≤ 2K-1`, nodes
/// symmetric about 0 (to the last bit), increasing, weights non-negative and summing to 1.
///
/// Accuracy (module docs): nodes within one or two ulps, weights to a relative
/// `~4ε (sqrt(K) + z²)`, computed in log form so that tail weights stay accurate down to
/// `f64` underflow; weights of nodes beyond `|z| ≈ 38.6` underflow to exactly 0.
///
/// ```
/// use giantstep_hermite::quadrature::GaussHermite;
/// let gh = GaussHermite::new(2)?; // nodes ±1, weights 1/2
/// assert!((gh.nodes()[1] - 1.0).abs() < 1e-15);
/// assert!((gh.weights()[0] - 0.5).abs() < 1e-15);
/// # Ok::<(), giantstep_hermite::HermiteError>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct GaussHermite {
    rule: GaussianRule,
    algorithm: GhAlgorithm,
}

impl GaussHermite {
    /// Largest accepted number of nodes.
    pub const MAX_NODES: usize = 100_000;
    /// Largest `K` accepted by the `O(K²)` reference algorithms
    /// ([`GhAlgorithm::GolubWelsch`], [`GhAlgorithm::NewtonRecurrence`]): about 2 s.
    pub const MAX_NODES_QUADRATIC: usize = 20_000;

    /// The `k`-node rule, `1 ≤ k ≤ MAX_NODES` ([`GhAlgorithm::Auto`]).
    pub fn new(k: usize) -> Result<Self> {
        Self::with_algorithm(k, GhAlgorithm::Auto)
    }

    /// The `k`-node rule built by a specific algorithm (for cross-checks and benches);
    /// the `O(K²)` algorithms reject `k > MAX_NODES_QUADRATIC` with
    /// [`HermiteError::TooManyNodes`].
    ///
    /// ```
    /// use giantstep_hermite::quadrature::{GaussHermite, GhAlgorithm};
    /// let fast = GaussHermite::with_algorithm(50, GhAlgorithm::GlaserLiuRokhlin)?;
    /// let slow = GaussHermite::with_algorithm(50, GhAlgorithm::GolubWelsch)?;
    /// assert!((fast.nodes()[49] - slow.nodes()[49]).abs() < 1e-14);
    /// # Ok::<(), giantstep_hermite::HermiteError>(())
    /// ```
    pub fn with_algorithm(k: usize, algorithm: GhAlgorithm) -> Result<Self> {
        check_node_count(k)?;
        let algorithm = match algorithm {
            GhAlgorithm::Auto => GhAlgorithm::GlaserLiuRokhlin,
            other => other,
        };
        if matches!(
            algorithm,
            GhAlgorithm::GolubWelsch | GhAlgorithm::NewtonRecurrence
        ) && k > Self::MAX_NODES_QUADRATIC
        {
            return Err(HermiteError::TooManyNodes {
                requested: k,
                limit: Self::MAX_NODES_QUADRATIC,
            });
        }
        let rule = match algorithm {
            GhAlgorithm::GolubWelsch => roots::golub_welsch(k)?,
            GhAlgorithm::NewtonRecurrence => {
                let fast = roots::glaser_liu_rokhlin(k)?;
                let mut half: Vec<f64> = fast.nodes()[k / 2..].to_vec();
                roots::newton_recurrence(k, &mut half, 2)
            }
            _ => roots::glaser_liu_rokhlin(k)?,
        };
        Ok(Self { rule, algorithm })
    }

    /// The nodes `z_i`, increasing.
    pub fn nodes(&self) -> &[f64] {
        self.rule.nodes()
    }

    /// The weights `w_i`, summing to 1.
    pub fn weights(&self) -> &[f64] {
        self.rule.weights()
    }

    /// Number of nodes `K`.
    pub fn len(&self) -> usize {
        self.rule.len()
    }

    /// Always `false`.
    pub fn is_empty(&self) -> bool {
        self.rule.is_empty()
    }

    /// `Σ_i w_i g(z_i) ≈ E[g(Z)]`.
    pub fn expect<F: FnMut(f64) -> f64>(&self, g: F) -> f64 {
        self.rule.expect(g)
    }

    /// The algorithm that built this rule (never `Auto`).
    pub fn algorithm(&self) -> GhAlgorithm {
        self.algorithm
    }

    /// Borrow as a generic [`GaussianRule`].
    pub fn rule(&self) -> &GaussianRule {
        &self.rule
    }

    /// Convert into a generic [`GaussianRule`].
    pub fn into_rule(self) -> GaussianRule {
        self.rule
    }
}

fn check_node_count(k: usize) -> Result<()> {
    if k == 0 {
        return Err(HermiteError::ZeroNodes);
    }
    if k > GaussHermite::MAX_NODES {
        return Err(HermiteError::TooManyNodes {
            requested: k,
            limit: GaussHermite::MAX_NODES,
        });
    }
    Ok(())
}
