//! The κ-nodes the spiked equations sum over (THEORY.md §4: every κ-average is
//! `Σ_k w_k f(φ_k, δ_k)` with `φ_k = (d_a d_b (a ≤ b), e_a²)` at node `κ_k`).
//!
//! Two reductions of the profile's nodes, both fixed when the problem is built:
//!
//! * **Merged nodes.** When every node has the same `φ_k` (bit for bit), the equations see one
//!   node with the total weight. This is exact (up to the order of the additions); it turns the
//!   `K` nodes of a spike-free problem (all `u_a = 0`, `φ` constant in κ) into one. (Partial
//!   repeats are not looked for: they do not arise from the κ-rules of the integration, and the
//!   search would cost more than it saves on one solve.)
//! * **Negligible nodes.** A Gaussian rule puts weights far below round-off on its outer nodes
//!   (Gauss-Hermite with 160 nodes: 86 of them have `w_k < 1e-20`). Node `k` is *negligible*
//!   when `w_k |φ_jk| ≤ ε_tail B_j / K` for every feature `j`, with `B_j = Σ_k w_k |φ_jk|` and
//!   [`NEGLIGIBLE_SHARE`] `ε_tail = 1e-19`. The negligible nodes together then carry at most
//!   `ε_tail B_j` of every feature, and the iteration sums over the others only (the
//!   *kept* nodes; the κ-sums are most of the cost of an evaluation).
//!
//! The neglected part of `g_j = Σ_k w_k φ_jk/(1 + δ_k)` is bounded a posteriori, at every
//! accepted solution (the branch check): with `δ_k` computed at the negligible nodes from
//! the same `θ`, if `min_neg |1 + δ_k| ≥ ρ max_kept |1 + δ_k|` ([`TAIL_DENOMINATOR_RATIO`]
//! `ρ = 1e-3`), then
//!
//! ```text
//! |Σ_neg w_k φ_jk/(1+δ_k)| ≤ ε_tail B_j / min_neg|1+δ|
//!                          ≤ (ε_tail/ρ)/(1 - ε_tail) · Σ_kept w_k |φ_jk|/|1+δ_k|,
//! ```
//!
//! that is below `1e-16` of the sum of the magnitudes of the terms of `g_j`: below the
//! round-off of the sum itself. The negligible nodes must also satisfy the branch signs. If
//! either fails, the solution is rejected and the workspace switches to all nodes (the
//! solvers retry from there). `δ` is still reported at every node of the profile.

use super::branch::delta_signs_ok;
use super::{SpikedProblem, Workspace};
use num_complex::Complex64 as C64;

/// Share of every feature's weighted magnitude `B_j` that the negligible nodes may carry.
pub(super) const NEGLIGIBLE_SHARE: f64 = 1e-19;
/// Smallest `|1 + δ_k|` at a negligible node, relative to the largest at a kept node, for the
/// neglected terms to stay below `1e-16` of the sums (module docs).
pub(super) const TAIL_DENOMINATOR_RATIO: f64 = 1e-3;

/// The distinct nodes of a problem, the kept ones first.
#[derive(Debug, Clone)]
pub(super) struct KappaNodes {
    /// `φ` over all distinct nodes, feature-major `[j K + k]` (kept nodes `k < kept`).
    all_phi: Vec<f64>,
    all_weights: Vec<f64>,
    /// `φ` over the kept nodes, feature-major `[j kept + k]` (empty when all are kept): a
    /// copy, because the κ-sums over these compact rows measured 6 % faster than over the
    /// first `kept` entries of the rows of `all_phi`.
    kept_phi: Vec<f64>,
    kept: usize,
    m: usize,
    /// For each node of the profile, its distinct node.
    pub(super) node_of: Vec<usize>,
}

impl KappaNodes {
    /// From node-major `phi` (`phi[k m + j]`, `m` features) and the profile's weights.
    pub(super) fn new(phi: &[f64], weights: &[f64], m: usize) -> Self {
        let first = &phi[..m];
        let same = |row: &[f64]| {
            row.iter()
                .zip(first)
                .all(|(a, b)| a.to_bits() == b.to_bits())
        };
        let k = weights.len();
        if phi.chunks_exact(m).all(same) {
            return Self {
                all_phi: first.to_vec(),
                all_weights: vec![weights.iter().sum()],
                kept_phi: Vec::new(),
                kept: 1,
                m,
                node_of: vec![0; k],
            };
        }
        let mut b = vec![0.0; m];
        for (row, &w) in phi.chunks_exact(m).zip(weights) {
            for (bj, f) in b.iter_mut().zip(row) {
                *bj += w * f.abs();
            }
        }
        let negligible = |kk: usize| {
            let row = &phi[kk * m..(kk + 1) * m];
            row.iter()
                .zip(&b)
                .all(|(f, bj)| weights[kk] * f.abs() <= NEGLIGIBLE_SHARE * bj / k as f64)
        };
        // kept nodes in the profile's order, then the negligible ones (none when φ = 0)
        let (mut kept, mut neg): (Vec<usize>, Vec<usize>) = (0..k).partition(|&kk| !negligible(kk));
        if kept.is_empty() {
            (kept, neg) = ((0..k).collect(), Vec::new());
        }
        let order: Vec<usize> = kept.iter().chain(&neg).copied().collect();
        let mut node_of = vec![0; k];
        for (pos, &kk) in order.iter().enumerate() {
            node_of[kk] = pos;
        }
        let feature_major = |nodes: &[usize]| {
            let mut t = Vec::with_capacity(nodes.len() * m);
            for j in 0..m {
                t.extend(nodes.iter().map(|&kk| phi[kk * m + j]));
            }
            t
        };
        Self {
            all_phi: feature_major(&order),
            all_weights: order.iter().map(|&kk| weights[kk]).collect(),
            kept_phi: if neg.is_empty() {
                Vec::new()
            } else {
                feature_major(&kept)
            },
            kept: kept.len(),
            m,
            node_of,
        }
    }

    /// Number of distinct nodes `K`.
    pub(super) fn len(&self) -> usize {
        self.all_weights.len()
    }

    /// Number of kept nodes.
    pub(super) fn kept(&self) -> usize {
        self.kept
    }

    /// Whether some nodes are negligible.
    pub(super) fn has_negligible(&self) -> bool {
        self.kept < self.len()
    }

    /// `(φ feature-major, weights)` of the nodes the iteration sums over: the kept nodes, or
    /// all of them.
    pub(super) fn active(&self, all: bool) -> (&[f64], &[f64]) {
        if all || !self.has_negligible() {
            (&self.all_phi, &self.all_weights)
        } else {
            (&self.kept_phi, &self.all_weights[..self.kept])
        }
    }

    /// Number of features `m`.
    pub(super) fn features(&self) -> usize {
        self.m
    }
}

impl SpikedProblem {
    /// `δ_k = φ_k · θ / α` at the negligible nodes into `ws.d_re`, `ws.d_im` (after the kept
    /// ones), from the `θ` of the last `eval`.
    pub(super) fn delta_at_negligible(&self, ws: &mut Workspace) {
        let nodes = &self.nodes;
        let (kept, k) = (nodes.kept(), nodes.len());
        let inv_alpha = 1.0 / self.alpha;
        let (d_re, d_im) = (&mut ws.d_re[kept..k], &mut ws.d_im[kept..k]);
        d_re.fill(0.0);
        d_im.fill(0.0);
        // feature by feature over contiguous rows (the sum over j in the order of `eval`)
        for (j, th) in ws.theta[..nodes.features()].iter().enumerate() {
            let row = &nodes.all_phi[j * k + kept..(j + 1) * k];
            for ((dr, di), &f) in d_re.iter_mut().zip(d_im.iter_mut()).zip(row) {
                *dr += th.re * inv_alpha * f;
                *di += th.im * inv_alpha * f;
            }
        }
    }

    /// The a-posteriori check of the module docs at the point of the last `eval` (summed
    /// over the kept nodes): the negligible nodes have the branch signs and
    /// `min_neg |1 + δ_k| ≥ ρ max_kept |1 + δ_k|`.
    pub(super) fn negligible_nodes_ok(&self, z: C64, ws: &mut Workspace, tol: f64) -> bool {
        self.delta_at_negligible(ws);
        let (kept, k) = (self.nodes.kept(), self.nodes.len());
        let den2 = |re: f64, im: f64| (1.0 + re) * (1.0 + re) + im * im;
        let max_kept = (0..kept).fold(0.0_f64, |m, i| m.max(den2(ws.d_re[i], ws.d_im[i])));
        let min_neg = (kept..k).fold(f64::INFINITY, |m, i| m.min(den2(ws.d_re[i], ws.d_im[i])));
        delta_signs_ok(z, &ws.d_re[kept..k], &ws.d_im[kept..k], tol)
            && min_neg >= TAIL_DENOMINATOR_RATIO * TAIL_DENOMINATOR_RATIO * max_kept
    }
}
