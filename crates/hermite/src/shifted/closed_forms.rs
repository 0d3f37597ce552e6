//! The closed forms of THEORY.md §3 for `σ(sZ + c)` (module docs of `shifted`, Methods):
//! ReLU `μ0 = s(tΦ(t) + φ(t))`, `μ1 = sΦ(t)`, `μ_k = s(-1)^k He_{k-2}(t) φ(t)` with
//! `t = c/s` and the cancellation-free `μ*²`; abs `= 2 relu(x) - x`; linear; erf through
//! `a = 1/sqrt(2(1+s²))` and Owen's T function for `E σ²`. Each `*_into` fills
//! `mu[0..]` and returns `E σ(sZ+c)²` (ReLU and abs also `μ*²`, from the same `Φ`, `φ`).

use std::sync::OnceLock;

use crate::activation::{normal_cdf_pair, normal_pdf};
use crate::polynomials::hermite;
use crate::quadrature::GaussLegendre;

/// `Φ(t)`, `Φ(-t)` and `φ(t)` at `t = c/s`, each evaluated once per shift: they are the
/// whole cost of the ReLU and abs closed forms (one `erfc` tail and one `exp`).
struct NormalAt {
    t: f64,
    p: f64,
    q: f64,
    pdf: f64,
}

impl NormalAt {
    fn new(c: f64, s: f64) -> Self {
        // written with c and s (not t = c/s) downstream so that t² never overflows
        let t = c / s;
        let (p, q) = normal_cdf_pair(t);
        Self {
            t,
            p,
            q,
            pdf: normal_pdf(t),
        }
    }
}

/// ReLU: `μ_k(c)` into `mu`, returns `(E relu(sZ+c)², μ*(c)²)`.
pub(super) fn relu_into(c: f64, s: f64, mu: &mut [f64]) -> (f64, f64) {
    let n = NormalAt::new(c, s);
    relu_closed_form(&n, mu);
    mu.iter_mut().for_each(|m| *m *= s);
    // both are ≥ 0 but differences for t ≪ 0; once Φ(t), φ(t) are subnormal
    // (t ≲ -37.5) round-off can leave a tiny negative: clamped (module docs)
    mu[0] = (c * n.p + s * n.pdf).max(0.0);
    let m2 = ((s * s + c * c) * n.p + c * s * n.pdf).max(0.0);
    (m2, relu_mu_star_sq(c, s, &n))
}

/// abs `= 2 relu(x) - x`: `μ_k(c)` into `mu`, returns `(E |sZ+c|² = s² + c², μ*(c)²)`.
pub(super) fn abs_into(c: f64, s: f64, mu: &mut [f64]) -> (f64, f64) {
    let n = NormalAt::new(c, s);
    relu_closed_form(&n, mu);
    mu.iter_mut().for_each(|m| *m *= 2.0 * s);
    mu[0] = c * (n.p - n.q) + 2.0 * s * n.pdf;
    mu[1] = s * (n.p - n.q);
    (s * s + c * c, 4.0 * relu_mu_star_sq(c, s, &n))
}

/// linear: `μ0 = c`, `μ1 = s`, `μ_{k≥2} = 0`; returns `s² + c²`.
pub(super) fn linear_into(c: f64, s: f64, mu: &mut [f64]) -> f64 {
    mu.iter_mut().for_each(|m| *m = 0.0);
    mu[0] = c;
    mu[1] = s;
    s * s + c * c
}

/// erf `σ(z) = erf(z/√2)`: `μ_k = s^k (2a/√π) (-√2 a)^{k-1} He_{k-1}(√2 a c) e^{-a²c²}`,
/// returns `E σ² = 1 - 8 T(h, 1/sqrt(1+2s²))`, `h = c/sqrt(1+s²)`.
pub(super) fn erf_into(c: f64, s: f64, mu: &mut [f64]) -> f64 {
    let a = 1.0 / (2.0 * (1.0 + s * s)).sqrt();
    mu[0] = libm::erf(a * c);
    let b = std::f64::consts::SQRT_2 * a;
    let g = (-a * a * c * c).exp() * 2.0 * a / std::f64::consts::PI.sqrt();
    let mut fac = 1.0; // s^k (-b)^{k-1}
    for (k, m) in mu.iter_mut().enumerate().skip(1) {
        if k > 1 {
            fac *= -b * s;
        } else {
            fac = s;
        }
        // e^{-a²c²} = 0 would meet an overflowing He_{k-1}: the product is 0
        *m = if g == 0.0 {
            0.0
        } else {
            fac * hermite(k - 1, b * c) * g
        };
    }
    let h = c / (1.0 + s * s).sqrt();
    1.0 - 8.0 * owens_t(h, 1.0 / (1.0 + 2.0 * s * s).sqrt())
}

/// ReLU at unit scale: `μ0(t) = tΦ + φ`, `μ1 = Φ`, `μ_k = (-1)^k He_{k-2}(t) φ(t)`.
fn relu_closed_form(n: &NormalAt, mu: &mut [f64]) {
    let (t, p, pdf) = (n.t, n.p, n.pdf);
    mu[0] = t * p + pdf;
    if mu.len() > 1 {
        mu[1] = p;
    }
    // He_{k-2}(t) by the recurrence
    let (mut prev, mut cur) = (0.0, 1.0);
    for (k, m) in mu.iter_mut().enumerate().skip(2) {
        let sign = if k % 2 == 0 { 1.0 } else { -1.0 };
        // φ(t) = 0 would meet an overflowing He_{k-2}(t): the product is 0
        *m = if pdf == 0.0 { 0.0 } else { sign * cur * pdf };
        let j = (k - 2) as f64;
        let next = t * cur - j * prev;
        prev = cur;
        cur = next;
    }
}

/// Cancellation-free `μ*(c)²` of `relu(sZ + c)` (module docs, multiplied out with
/// `s²(1 + t²) = s² + c²`, `s² t = c s`).
fn relu_mu_star_sq(c: f64, s: f64, n: &NormalAt) -> f64 {
    let (p, q, pdf) = (n.p, n.q, n.pdf);
    let v = (s * s + c * c) * p * q - c * s * pdf * (p - q) - s * s * pdf * pdf;
    v.max(0.0)
}

/// Owen's T function `T(h, a) = (1/2π) ∫_0^a e^{-h²(1+x²)/2}/(1+x²) dx` for `0 ≤ a ≤ 1`
/// (64-point Gauss-Legendre).
pub(super) fn owens_t(h: f64, a: f64) -> f64 {
    static GL: OnceLock<GaussLegendre> = OnceLock::new();
    let gl = GL.get_or_init(|| GaussLegendre::new(64).expect("64 <= MAX_NODES_PER_PIECE"));
    let half = 0.5 * a;
    let sum: f64 = gl
        .nodes()
        .iter()
        .zip(gl.weights())
        .map(|(&x, &w)| {
            let u = half * (x + 1.0);
            let one_u2 = 1.0 + u * u;
            w * (-0.5 * h * h * one_u2).exp() / one_u2
        })
        .sum();
    sum * half / (2.0 * std::f64::consts::PI)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::activation::normal_cdf;

    #[test]
    fn cdf_pair_is_two_cdf_calls_bit_for_bit() {
        // both sides of erfc's switch to its tail form (|t|/√2 = 0.84375), the deep tails and
        // the ends of the range
        let mut ts: Vec<f64> = (-4000..=4000).map(|i| i as f64 * 0.01).collect();
        let edge = 0.84375 * std::f64::consts::SQRT_2;
        for e in [edge, -edge] {
            ts.extend([e.next_down(), e, e.next_up()]);
        }
        ts.extend([-1e300, -40.0, -38.5, 38.5, 40.0, 1e300, 0.0, -0.0]);
        ts.extend([f64::INFINITY, f64::NEG_INFINITY, f64::MIN_POSITIVE]);
        for t in ts {
            let (p, q) = normal_cdf_pair(t);
            assert_eq!(p.to_bits(), normal_cdf(t).to_bits(), "Φ({t})");
            assert_eq!(q.to_bits(), normal_cdf(-t).to_bits(), "Φ(-{t})");
        }
    }

    #[test]
    fn owens_t_matches_exact_identities() {
        for i in 0..=20 {
            let a = 0.05 * i as f64;
            let exact = a.atan() / (2.0 * std::f64::consts::PI);
            let err = (owens_t(0.0, a) - exact).abs();
            assert!(err <= 8.0 * f64::EPSILON * exact, "a={a}");
        }
        for i in 0..=32 {
            let h = 0.25 * i as f64;
            let exact = 0.5 * normal_cdf(h) * normal_cdf(-h);
            let err = (owens_t(h, 1.0) - exact).abs();
            // exp(-h²(1+x²)/2) carries a relative error ~ε h² from its argument
            assert!(err <= 4.0 * f64::EPSILON * (1.0 + h * h) * exact, "h={h}");
        }
    }
}
