//! Activation functions `σ` and their derivatives `σ'` (THEORY.md §1-§3).
//!
//! Built-ins: `relu(z) = max(z, 0)`, `tanh`, `erf(z/√2)` (= `2Φ(z) - 1`), `sigmoid =
//! 1/(1+e^{-z})`, `softplus = ln(1+e^z)`, `gelu = z Φ(z)` (exact, not the tanh
//! approximation), `silu = z sigmoid(z)`, `abs`, `linear = z`, a Hermite polynomial
//! `Σ_k c_k He_k(z)` (plain `He_k`), and user closures.
//!
//! Names round-trip through [`std::str::FromStr`], [`std::fmt::Display`] and serde:
//! `"relu"`, `"tanh"`, ..., `"hermite:0,1,0.7071067811865476"`.
//!
//! Derivative conventions at kinks: `relu'(0) = 0`, `abs'(0) = 0`.
//!
//! ```
//! use giantstep_hermite::activation::Activation;
//! let relu: Activation = "relu".parse()?;
//! assert_eq!(relu.eval(-1.0), 0.0);
//! assert_eq!(relu.derivative(2.0), 1.0);
//! let he: Activation = "hermite:0,1,0.5".parse()?; // z + 0.5 (z² - 1)
//! assert_eq!(he.eval(2.0), 3.5);
//! assert_eq!(he.to_string(), "hermite:0,1,0.5");
//! # Ok::<(), giantstep_hermite::HermiteError>(())
//! ```

use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use crate::error::{HermiteError, Result};
use crate::rule::FRAC_1_SQRT_2PI;

/// A user function `f64 -> f64`, shareable across threads.
pub type ScalarFn = Arc<dyn Fn(f64) -> f64 + Send + Sync>;

/// A user-defined activation: a closure, an optional derivative (otherwise a central
/// difference is used), and optional kink locations (used to place quadrature breakpoints).
///
/// ```
/// use giantstep_hermite::activation::{Activation, CustomActivation};
/// let leaky = CustomActivation::new("leaky", |z: f64| if z > 0.0 { z } else { 0.1 * z })
///     .with_derivative(|z: f64| if z > 0.0 { 1.0 } else { 0.1 })
///     .with_kinks(vec![0.0]);
/// let act = Activation::Custom(leaky);
/// assert_eq!(act.eval(-2.0), -0.2);
/// assert_eq!(act.derivative(-2.0), 0.1);
/// assert_eq!(act.kinks(), vec![0.0]);
/// ```
#[derive(Clone)]
pub struct CustomActivation {
    name: String,
    f: ScalarFn,
    df: Option<ScalarFn>,
    kinks: Vec<f64>,
}

impl CustomActivation {
    /// A custom activation `f` called `name` (no derivative, no kinks).
    pub fn new(name: impl Into<String>, f: impl Fn(f64) -> f64 + Send + Sync + 'static) -> Self {
        Self {
            name: name.into(),
            f: Arc::new(f),
            df: None,
            kinks: Vec::new(),
        }
    }

    /// Attach the exact derivative `σ'`.
    pub fn with_derivative(mut self, df: impl Fn(f64) -> f64 + Send + Sync + 'static) -> Self {
        self.df = Some(Arc::new(df));
        self
    }

    /// Declare points where `σ` is not smooth (quadrature puts breakpoints there).
    pub fn with_kinks(mut self, kinks: Vec<f64>) -> Self {
        self.kinks = kinks;
        self
    }

    /// The user-given name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Whether an exact derivative was supplied.
    pub fn has_derivative(&self) -> bool {
        self.df.is_some()
    }
}

impl fmt::Debug for CustomActivation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CustomActivation")
            .field("name", &self.name)
            .field("has_derivative", &self.df.is_some())
            .field("kinks", &self.kinks)
            .finish()
    }
}

/// An activation function `σ`.
#[derive(Clone, Debug)]
#[non_exhaustive]
pub enum Activation {
    /// `max(z, 0)`.
    Relu,
    /// `tanh(z)`.
    Tanh,
    /// `erf(z/√2) = 2Φ(z) - 1`.
    Erf,
    /// `1/(1 + e^{-z})`.
    Sigmoid,
    /// `ln(1 + e^z)`.
    Softplus,
    /// `z Φ(z)` (exact GELU).
    Gelu,
    /// `z/(1 + e^{-z})` (SiLU / swish).
    Silu,
    /// `|z|`.
    Abs,
    /// `z`.
    Linear,
    /// `Σ_k c_k He_k(z)` with plain probabilists' `He_k`; `c_k` are the entries.
    Hermite(Vec<f64>),
    /// A user closure (not serializable).
    Custom(CustomActivation),
}

/// Names accepted by [`Activation::from_str`] (plus the `hermite:c0,c1,...` syntax).
pub const KNOWN_ACTIVATIONS: [&str; 10] = [
    "relu",
    "tanh",
    "erf",
    "sigmoid",
    "softplus",
    "gelu",
    "silu",
    "abs",
    "linear",
    "hermite:<c0>,<c1>,...",
];

const SQRT_2: f64 = std::f64::consts::SQRT_2;

/// Standard normal cdf `Φ(x)`, accurate in both tails.
pub(crate) fn normal_cdf(x: f64) -> f64 {
    0.5 * libm::erfc(-x / SQRT_2)
}

/// Where libm's `erfc` switches to its tail form (`|y| ≥ 0.84375`), in which
/// `erfc(-|y|) = 2 - erfc(|y|)`.
const ERFC_TAIL: f64 = 0.84375;

/// `(Φ(x), Φ(-x))`, each accurate in both tails, with one `erfc` tail evaluation instead of
/// two: in the tail form the larger of the two is `1 - ` the smaller (`0.5 (2 - e)`, which is
/// what `erfc` of the negative argument computes), so the pair equals two
/// [`normal_cdf`] calls bit for bit (tested).
pub(crate) fn normal_cdf_pair(x: f64) -> (f64, f64) {
    let y = x / SQRT_2;
    if y.abs() >= ERFC_TAIL {
        let e = libm::erfc(y.abs());
        let (small, large) = (0.5 * e, 0.5 * (2.0 - e));
        if x > 0.0 {
            (large, small)
        } else {
            (small, large)
        }
    } else {
        (normal_cdf(x), normal_cdf(-x))
    }
}

/// Standard normal density `φ(x)`.
pub(crate) fn normal_pdf(x: f64) -> f64 {
    FRAC_1_SQRT_2PI * (-0.5 * x * x).exp()
}

fn sigmoid(z: f64) -> f64 {
    if z >= 0.0 {
        1.0 / (1.0 + (-z).exp())
    } else {
        let e = z.exp();
        e / (1.0 + e)
    }
}

/// `Σ c_k He_k(z)` by the recurrence.
fn hermite_series(c: &[f64], z: f64) -> f64 {
    let (mut prev, mut cur) = (0.0, 1.0);
    let mut acc = 0.0;
    for (k, &ck) in c.iter().enumerate() {
        acc += ck * cur;
        let next = z * cur - k as f64 * prev;
        prev = cur;
        cur = next;
    }
    acc
}

/// `d/dz Σ c_k He_k(z) = Σ k c_k He_{k-1}(z)`.
fn hermite_series_derivative(c: &[f64], z: f64) -> f64 {
    let (mut prev, mut cur) = (0.0, 1.0); // He_{k-1} for k = 1
    let mut acc = 0.0;
    for (k, &ck) in c.iter().enumerate().skip(1) {
        acc += k as f64 * ck * cur;
        let j = k - 1;
        let next = z * cur - j as f64 * prev;
        prev = cur;
        cur = next;
    }
    acc
}

impl Activation {
    /// A Hermite-polynomial activation `Σ c_k He_k`, checking that coefficients are finite
    /// and that there is at least one.
    ///
    /// ```
    /// let a = giantstep_hermite::activation::Activation::hermite(vec![0.0, 0.0, 1.0])?;
    /// assert_eq!(a.eval(3.0), 8.0);
    /// # Ok::<(), giantstep_hermite::HermiteError>(())
    /// ```
    pub fn hermite(coefficients: Vec<f64>) -> Result<Self> {
        if coefficients.is_empty() {
            return Err(HermiteError::ParseActivation {
                input: "hermite:".into(),
                reason: "at least one coefficient is needed".into(),
            });
        }
        for &c in &coefficients {
            crate::error::check_finite("Hermite coefficient", c)?;
        }
        Ok(Self::Hermite(coefficients))
    }

    /// A user closure (see [`CustomActivation`] for derivative and kinks).
    ///
    /// ```
    /// let a = giantstep_hermite::activation::Activation::custom("cube", |z: f64| z * z * z);
    /// assert!((a.derivative(2.0) - 12.0).abs() < 1e-8); // central difference
    /// ```
    pub fn custom(name: impl Into<String>, f: impl Fn(f64) -> f64 + Send + Sync + 'static) -> Self {
        Self::Custom(CustomActivation::new(name, f))
    }

    /// `σ(z)`.
    pub fn eval(&self, z: f64) -> f64 {
        match self {
            Self::Relu => z.max(0.0),
            Self::Tanh => z.tanh(),
            Self::Erf => libm::erf(z / SQRT_2),
            Self::Sigmoid => sigmoid(z),
            Self::Softplus => z.max(0.0) + (-z.abs()).exp().ln_1p(),
            Self::Gelu => z * normal_cdf(z),
            Self::Silu => z * sigmoid(z),
            Self::Abs => z.abs(),
            Self::Linear => z,
            Self::Hermite(c) => hermite_series(c, z),
            Self::Custom(c) => (c.f)(z),
        }
    }

    /// `σ'(z)` (used by the one-step gradient, THEORY.md §2). Exact for built-ins
    /// (`relu'(0) = abs'(0) = 0`); for a [`CustomActivation`] without derivative, the central
    /// difference `(σ(z+h) - σ(z-h))/(2h)`, `h = ε^{1/3} max(1, |z|)`: error about
    /// `h² |σ'''|/6 + ε |σ|/h`, i.e. ~1e-10 for `|z| ≲ 1` and O(1) derivatives, growing
    /// like `z²` for large `|z|` (supply the exact derivative there).
    pub fn derivative(&self, z: f64) -> f64 {
        match self {
            Self::Relu => {
                if z > 0.0 {
                    1.0
                } else {
                    0.0
                }
            }
            Self::Tanh => {
                let t = z.tanh();
                1.0 - t * t
            }
            Self::Erf => 2.0 * normal_pdf(z),
            Self::Sigmoid => {
                let s = sigmoid(z);
                s * (1.0 - s)
            }
            Self::Softplus => sigmoid(z),
            Self::Gelu => normal_cdf(z) + z * normal_pdf(z),
            Self::Silu => {
                let s = sigmoid(z);
                s + z * s * (1.0 - s)
            }
            Self::Abs => {
                if z > 0.0 {
                    1.0
                } else if z < 0.0 {
                    -1.0
                } else {
                    0.0
                }
            }
            Self::Linear => 1.0,
            Self::Hermite(c) => hermite_series_derivative(c, z),
            Self::Custom(c) => match &c.df {
                Some(df) => df(z),
                None => {
                    let h = f64::EPSILON.cbrt() * z.abs().max(1.0);
                    ((c.f)(z + h) - (c.f)(z - h)) / (2.0 * h)
                }
            },
        }
    }

    /// Short name: `"relu"`, ..., `"hermite"`, or the custom name. [`Display`](fmt::Display)
    /// gives the full parseable spec (with Hermite coefficients).
    pub fn name(&self) -> &str {
        match self {
            Self::Relu => "relu",
            Self::Tanh => "tanh",
            Self::Erf => "erf",
            Self::Sigmoid => "sigmoid",
            Self::Softplus => "softplus",
            Self::Gelu => "gelu",
            Self::Silu => "silu",
            Self::Abs => "abs",
            Self::Linear => "linear",
            Self::Hermite(_) => "hermite",
            Self::Custom(c) => &c.name,
        }
    }

    /// Points where `σ` is not differentiable (`[0]` for relu and abs, the declared kinks of
    /// a custom activation, empty otherwise).
    pub fn kinks(&self) -> Vec<f64> {
        match self {
            Self::Relu | Self::Abs => vec![0.0],
            Self::Custom(c) => c.kinks.clone(),
            _ => Vec::new(),
        }
    }

    /// Whether `σ` is odd (`σ(-z) = -σ(z)`) for the built-ins, by construction (for
    /// `Hermite`, when all even-index coefficients vanish). `false` for custom closures.
    pub fn is_odd(&self) -> bool {
        match self {
            Self::Tanh | Self::Erf | Self::Linear => true,
            Self::Hermite(c) => c.iter().step_by(2).all(|&x| x == 0.0),
            _ => false,
        }
    }
}

impl PartialEq for Activation {
    /// Built-ins compare by value; custom activations are equal when they share the same
    /// closure (`Arc::ptr_eq`) and name.
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Hermite(a), Self::Hermite(b)) => a == b,
            (Self::Custom(a), Self::Custom(b)) => a.name == b.name && Arc::ptr_eq(&a.f, &b.f),
            (Self::Hermite(_), _) | (Self::Custom(_), _) => false,
            _ => std::mem::discriminant(self) == std::mem::discriminant(other),
        }
    }
}

impl fmt::Display for Activation {
    /// The parseable spec: the name, or `hermite:c0,c1,...` (shortest round-trip floats).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Hermite(c) => {
                write!(f, "hermite:")?;
                for (i, x) in c.iter().enumerate() {
                    if i > 0 {
                        write!(f, ",")?;
                    }
                    write!(f, "{x}")?;
                }
                Ok(())
            }
            other => f.write_str(other.name()),
        }
    }
}

impl FromStr for Activation {
    type Err = HermiteError;

    /// Parse a name (case-insensitive, surrounding whitespace ignored) or
    /// `hermite:c0,c1,...`. Unknown names give [`HermiteError::UnknownActivation`].
    fn from_str(s: &str) -> Result<Self> {
        let t = s.trim().to_ascii_lowercase();
        if let Some(rest) = t.strip_prefix("hermite:") {
            let mut coefficients = Vec::new();
            for part in rest.split(',') {
                let part = part.trim();
                let v: f64 = part.parse().map_err(|_| HermiteError::ParseActivation {
                    input: s.to_string(),
                    reason: format!("{part:?} is not a number"),
                })?;
                if !v.is_finite() {
                    return Err(HermiteError::ParseActivation {
                        input: s.to_string(),
                        reason: format!("coefficient {part:?} is not finite"),
                    });
                }
                coefficients.push(v);
            }
            return Ok(Self::Hermite(coefficients));
        }
        Ok(match t.as_str() {
            "relu" => Self::Relu,
            "tanh" => Self::Tanh,
            "erf" => Self::Erf,
            "sigmoid" => Self::Sigmoid,
            "softplus" => Self::Softplus,
            "gelu" => Self::Gelu,
            "silu" => Self::Silu,
            "abs" => Self::Abs,
            "linear" => Self::Linear,
            "hermite" => {
                return Err(HermiteError::ParseActivation {
                    input: s.to_string(),
                    reason: "expected hermite:<c0>,<c1>,...".into(),
                });
            }
            _ => {
                return Err(HermiteError::UnknownActivation {
                    name: s.to_string(),
                    known: KNOWN_ACTIVATIONS.to_vec(),
                });
            }
        })
    }
}

impl serde::Serialize for Activation {
    /// Serialized as its spec string; a custom closure is a serialization error.
    fn serialize<S: serde::Serializer>(
        &self,
        serializer: S,
    ) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Self::Custom(c) => Err(serde::ser::Error::custom(format!(
                "custom activation {:?} is a closure and cannot be serialized",
                c.name
            ))),
            other => serializer.serialize_str(&other.to_string()),
        }
    }
}

impl<'de> serde::Deserialize<'de> for Activation {
    /// Deserialized from a spec string via [`FromStr`].
    fn deserialize<D: serde::Deserializer<'de>>(
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}
