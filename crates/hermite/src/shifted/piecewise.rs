//! The kink-aware quadrature of [`Method::PiecewiseLegendre`](super::Method) (THEORY.md §3):
//! `E[f(Z)] ≈ Σ_i w_i f(z_i)` with Gauss-Legendre panels of width ≤ [`MAX_PANEL_WIDTH`] on
//! `[-L, L]` against the Gaussian density, the panels that contain a kink `(κ - c)/s` of
//! `σ(sZ + c)` split there for each shift `c`, weights renormalized to sum 1.

use crate::activation::{Activation, normal_pdf};
use crate::polynomials::hermite_normalized_into;
use crate::quadrature::{GaussLegendre, MAX_PANEL_WIDTH};

/// Precomputed part of the kink-aware rule: panels of width ≤ [`MAX_PANEL_WIDTH`] on
/// `[-L, L]`, `n` Gauss-Legendre nodes each, unnormalized weights `w_GL (h/2) φ(z)`.
#[derive(Debug, Clone)]
pub(super) struct PiecewiseBase {
    gl: GaussLegendre,
    edges: Vec<f64>,
    nodes: Vec<f64>,
    weights: Vec<f64>,
    /// `h_k(z_i)` at `i * stride + k`.
    h: Vec<f64>,
    panel_weight: Vec<f64>,
    stride: usize,
}

impl PiecewiseBase {
    pub(super) fn new(gl: GaussLegendre, cutoff: f64, k_int: usize) -> Self {
        let panels = ((2.0 * cutoff) / MAX_PANEL_WIDTH).ceil().max(1.0) as usize;
        let width = 2.0 * cutoff / panels as f64;
        let edges: Vec<f64> = (0..=panels)
            .map(|p| {
                if p == panels {
                    cutoff
                } else {
                    -cutoff + p as f64 * width
                }
            })
            .collect();
        let n = gl.nodes().len();
        let stride = k_int + 1;
        let mut nodes = Vec::with_capacity(panels * n);
        let mut weights = Vec::with_capacity(panels * n);
        let mut panel_weight = Vec::with_capacity(panels);
        for p in 0..panels {
            let before = weights.len();
            push_panel(&gl, edges[p], edges[p + 1], &mut nodes, &mut weights);
            panel_weight.push(weights[before..].iter().sum());
        }
        let mut h = vec![0.0; nodes.len() * stride];
        for (i, &z) in nodes.iter().enumerate() {
            hermite_normalized_into(z, &mut h[i * stride..(i + 1) * stride]);
        }
        Self {
            gl,
            edges,
            nodes,
            weights,
            h,
            panel_weight,
            stride,
        }
    }
}

/// Append the Gauss-Legendre nodes of `[a, b]` and weights `w (b-a)/2 φ(z)`.
fn push_panel(gl: &GaussLegendre, a: f64, b: f64, nodes: &mut Vec<f64>, weights: &mut Vec<f64>) {
    let (mid, half) = (0.5 * (a + b), 0.5 * (b - a));
    for (&x, &w) in gl.nodes().iter().zip(gl.weights()) {
        let z = mid + half * x;
        nodes.push(z);
        weights.push(half * w * normal_pdf(z));
    }
}

impl PiecewiseBase {
    /// Kink-aware rule at shift `c`: precomputed panels, except those containing a kink
    /// `(κ - c)/s`, which are split there; weights normalized to sum 1 at the end.
    pub(super) fn eval(
        &self,
        activation: &Activation,
        s: f64,
        sqrt_fact: &[f64],
        c: f64,
        mu: &mut [f64],
    ) -> f64 {
        let mut breaks: Vec<f64> = activation
            .kinks()
            .iter()
            .map(|k| (k - c) / s)
            // (k - c)/s = ±inf lies outside [-L, L], where breakpoints are ignored
            .filter(|b| b.is_finite())
            .collect();
        breaks.sort_by(f64::total_cmp);
        mu.iter_mut().for_each(|m| *m = 0.0);
        let (mut m2, mut total) = (0.0, 0.0);
        let n = self.gl.nodes().len();
        let stride = self.stride;
        let (mut split_nodes, mut split_weights) = (Vec::new(), Vec::new());
        for p in 0..self.edges.len() - 1 {
            let (a, b) = (self.edges[p], self.edges[p + 1]);
            let inside: Vec<f64> = breaks.iter().copied().filter(|&x| x > a && x < b).collect();
            if inside.is_empty() {
                total += self.panel_weight[p];
                for i in p * n..(p + 1) * n {
                    let v = activation.eval(s * self.nodes[i] + c);
                    let wv = self.weights[i] * v;
                    m2 += wv * v;
                    for (m, h) in mu.iter_mut().zip(&self.h[i * stride..(i + 1) * stride]) {
                        *m += wv * h;
                    }
                }
            } else {
                let mut lo = a;
                for &x in inside.iter().chain(std::iter::once(&b)) {
                    if x > lo {
                        push_panel(&self.gl, lo, x, &mut split_nodes, &mut split_weights);
                    }
                    lo = x;
                }
            }
        }
        let mut hk = vec![0.0; mu.len()];
        for (&z, &w) in split_nodes.iter().zip(&split_weights) {
            total += w;
            let v = activation.eval(s * z + c);
            let wv = w * v;
            m2 += wv * v;
            hermite_normalized_into(z, &mut hk);
            for (m, h) in mu.iter_mut().zip(&hk) {
                *m += wv * h;
            }
        }
        if total.is_nan() || total <= 0.0 {
            // every weight underflowed (subnormal cutoff): NaN, reported as a typed error
            mu.iter_mut().for_each(|m| *m = f64::NAN);
            return f64::NAN;
        }
        for (m, f) in mu.iter_mut().zip(sqrt_fact) {
            *m *= f / total;
        }
        m2 / total
    }
}
