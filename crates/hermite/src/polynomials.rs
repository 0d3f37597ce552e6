//! Probabilists' Hermite polynomials (THEORY.md §3).
//!
//! `He_0 = 1`, `He_1 = z`, `He_{k+1}(z) = z He_k(z) - k He_{k-1}(z)`, orthogonal for the
//! standard Gaussian: `E[He_j(Z) He_k(Z)] = k! δ_jk`.
//!
//! The normalized polynomials `h_k = He_k / sqrt(k!)` are orthonormal and satisfy
//! `h_{k+1}(z) = (z h_k(z) - sqrt(k) h_{k-1}(z)) / sqrt(k+1)`; this recurrence never forms
//! `k!` and stays finite wherever the result itself is representable (no overflow at
//! `k = 200` for `|z|` up to about `10^{1.5}`, where `h_200` is about `1e113`).
//! Use the normalized form for `k` beyond about 150, where `He_k` and `k!` overflow.
//!
//! ```
//! use giantstep_hermite::polynomials::{hermite_all, hermite_normalized_all};
//! let he = hermite_all(2.0, 3); // 1, z, z^2-1, z^3-3z
//! assert_eq!(he, vec![1.0, 2.0, 3.0, 2.0]);
//! let h = hermite_normalized_all(2.0, 3);
//! assert!((h[3] - 2.0 / 6f64.sqrt()).abs() < 1e-15);
//! ```

/// `[He_0(x), ..., He_{k_max}(x)]` by the three-term recurrence.
///
/// Plain (unnormalized) values: they grow like `sqrt(k!)` and overflow `f64` for `k` around
/// 170-300 depending on `x`; use [`hermite_normalized_all`] there.
pub fn hermite_all(x: f64, k_max: usize) -> Vec<f64> {
    let mut out = vec![0.0; k_max + 1];
    hermite_into(x, &mut out);
    out
}

/// Allocation-free [`hermite_all`]: fills `out[k] = He_k(x)` for `k < out.len()`.
///
/// ```
/// let mut buf = [0.0; 4];
/// giantstep_hermite::polynomials::hermite_into(1.0, &mut buf);
/// assert_eq!(buf, [1.0, 1.0, 0.0, -2.0]);
/// ```
pub fn hermite_into(x: f64, out: &mut [f64]) {
    if out.is_empty() {
        return;
    }
    out[0] = 1.0;
    if out.len() > 1 {
        out[1] = x;
    }
    for k in 1..out.len().saturating_sub(1) {
        out[k + 1] = x * out[k] - k as f64 * out[k - 1];
    }
}

/// `He_k(x)` for a single `k` (three-term recurrence, `O(k)`).
///
/// ```
/// assert_eq!(giantstep_hermite::polynomials::hermite(3, 2.0), 2.0);
/// ```
pub fn hermite(k: usize, x: f64) -> f64 {
    let (mut prev, mut cur) = (0.0, 1.0);
    for j in 0..k {
        let next = x * cur - j as f64 * prev;
        prev = cur;
        cur = next;
    }
    cur
}

/// `[h_0(x), ..., h_{k_max}(x)]` with `h_k = He_k / sqrt(k!)` (orthonormal for `N(0,1)`),
/// by the normalized recurrence (module docs).
pub fn hermite_normalized_all(x: f64, k_max: usize) -> Vec<f64> {
    let mut out = vec![0.0; k_max + 1];
    hermite_normalized_into(x, &mut out);
    out
}

/// Allocation-free [`hermite_normalized_all`]: fills `out[k] = He_k(x)/sqrt(k!)`.
///
/// ```
/// let mut buf = [0.0; 3];
/// giantstep_hermite::polynomials::hermite_normalized_into(0.0, &mut buf);
/// assert!((buf[2] + 1.0 / 2f64.sqrt()).abs() < 1e-16);
/// ```
pub fn hermite_normalized_into(x: f64, out: &mut [f64]) {
    if out.is_empty() {
        return;
    }
    out[0] = 1.0;
    if out.len() > 1 {
        out[1] = x;
    }
    for k in 1..out.len().saturating_sub(1) {
        let kf = k as f64;
        out[k + 1] = (x * out[k] - kf.sqrt() * out[k - 1]) / (kf + 1.0).sqrt();
    }
}

/// The pair `(h_n(x), h_{n-1}(x))` of normalized Hermite polynomials in scaled form:
/// returns `(a, b, log_scale)` with `h_n(x) = a e^{log_scale}`, `h_{n-1}(x) = b e^{log_scale}`.
///
/// The running rescaling keeps `a`, `b` finite for any `n` and `x` (e.g. `n = 10^5`,
/// `x = 600`, where `h_n(x)` itself is far beyond `f64`). Used by the Newton iterations and
/// the Christoffel weights of [`crate::quadrature`]. For `n = 0`, `b = 0`.
///
/// ```
/// let (a, b, s) = giantstep_hermite::polynomials::hermite_normalized_pair_scaled(3, 2.0);
/// let h = giantstep_hermite::polynomials::hermite_normalized_all(2.0, 3);
/// assert!((a * s.exp() - h[3]).abs() < 1e-15 && (b * s.exp() - h[2]).abs() < 1e-15);
/// ```
pub fn hermite_normalized_pair_scaled(n: usize, x: f64) -> (f64, f64, f64) {
    const BIG: f64 = 1e150;
    const LN_BIG: f64 = 345.387_763_949_107; // ln(1e150)
    let (mut prev, mut cur) = (0.0_f64, 1.0_f64);
    let mut log_scale = 0.0;
    let mut sqrt_k = 0.0_f64; // sqrt(k)
    // for |x| > 1e100, x * cur could overflow before the rescaling below: normalize first
    let huge = 1e250 / x.abs().max(1.0);
    for k in 0..n {
        if cur.abs() > huge {
            let f = cur.abs();
            cur /= f;
            prev /= f;
            log_scale += f.ln();
        }
        let sqrt_k1 = ((k + 1) as f64).sqrt();
        let next = (x * cur - sqrt_k * prev) / sqrt_k1;
        prev = cur;
        cur = next;
        sqrt_k = sqrt_k1;
        if cur.abs() > BIG {
            cur /= BIG;
            prev /= BIG;
            log_scale += LN_BIG;
        }
    }
    (cur, prev, log_scale)
}

/// `sqrt(k!)` for `k = 0..=k_max` (finite for `k_max ≤ 300`).
pub(crate) fn sqrt_factorials(k_max: usize) -> Vec<f64> {
    let mut out = Vec::with_capacity(k_max + 1);
    let mut acc = 1.0_f64;
    out.push(1.0);
    for k in 1..=k_max {
        acc *= (k as f64).sqrt();
        out.push(acc);
    }
    out
}
