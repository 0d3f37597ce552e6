//! The κ-profile table: everything the error formulas need from `σ`, `σ*` and the groups,
//! tabulated at the nodes of a rule for `E_κ`, `κ ~ N(0,1)` (THEORY.md §5a).
//!
//! Per node `κ_i` and group `a`: `m_a(κ) = μ0(u_a κ)`, `d_a(κ) = μ1(u_a κ)`,
//! `e_a(κ)² = μ*(u_a κ)²`, and the target `σ*(κ)`; per group `π_a` and `γ_a`.
//! The learned-feature vector is `h(κ) = (m_1..m_r, γ_1 κ d_1 .. γ_r κ d_r)`.

use crate::error::{MAX_GROUPS, MAX_NODES, RiskError};
use serde::{Deserialize, Serialize};

/// Tabulated profiles at the κ nodes (node-major: entry `[i * r + a]` is node `i`, group `a`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    r: usize,
    nodes: Vec<f64>,
    weights: Vec<f64>,
    m0: Vec<f64>,
    d: Vec<f64>,
    e2: Vec<f64>,
    target: Vec<f64>,
    gamma: Vec<f64>,
    pi: Vec<f64>,
}

/// Fractions must sum to one within this tolerance.
pub const PI_SUM_TOL: f64 = 1e-9;

impl Profile {
    /// Validate and build a profile table.
    ///
    /// `nodes`, `weights`: a rule for `E[g(κ)]`, `κ ~ N(0,1)` (weights `>= 0`, summing to 1);
    /// `m0`, `d`, `e2`: node-major `n_nodes × r` tables of `μ0(u_a κ)`, `μ1(u_a κ)`,
    /// `μ*(u_a κ)²`; `target`: `σ*(κ_i)`; `gamma`, `pi`: per group.
    ///
    /// ```
    /// use giantstep_risk::profile::Profile;
    /// let p = Profile::new(vec![-1.0, 1.0], vec![0.5, 0.5], vec![0.4, 0.4], vec![0.5, 0.5],
    ///     vec![0.2, 0.2], vec![-1.0, 1.0], vec![1.0], vec![1.0]).unwrap();
    /// assert_eq!(p.r(), 1);
    /// ```
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        nodes: Vec<f64>,
        weights: Vec<f64>,
        m0: Vec<f64>,
        d: Vec<f64>,
        e2: Vec<f64>,
        target: Vec<f64>,
        gamma: Vec<f64>,
        pi: Vec<f64>,
    ) -> Result<Self, RiskError> {
        let r = pi.len();
        let k = nodes.len();
        if r == 0 {
            return Err(RiskError::BadGroups("no groups".into()));
        }
        if r > MAX_GROUPS {
            return Err(RiskError::TooLarge {
                what: "groups r",
                value: r,
                limit: MAX_GROUPS,
            });
        }
        if k == 0 {
            return Err(RiskError::BadInput("no kappa nodes".into()));
        }
        if k > MAX_NODES {
            return Err(RiskError::TooLarge {
                what: "kappa nodes",
                value: k,
                limit: MAX_NODES,
            });
        }
        if weights.len() != k || target.len() != k {
            return Err(RiskError::BadInput(format!(
                "{k} nodes but {} weights and {} target values",
                weights.len(),
                target.len()
            )));
        }
        for (name, t) in [("m0", &m0), ("d", &d), ("e2", &e2)] {
            if t.len() != k * r {
                return Err(RiskError::BadInput(format!(
                    "{name} has {} entries, want nodes*r = {}",
                    t.len(),
                    k * r
                )));
            }
        }
        if gamma.len() != r {
            return Err(RiskError::BadGroups(format!(
                "{} gammas for {r} groups",
                gamma.len()
            )));
        }
        let all = nodes
            .iter()
            .chain(&weights)
            .chain(&m0)
            .chain(&d)
            .chain(&e2)
            .chain(&target);
        if all.chain(&gamma).chain(&pi).any(|v| !v.is_finite()) {
            return Err(RiskError::BadInput("non-finite entry in profile".into()));
        }
        if weights.iter().any(|&w| w < 0.0) || (weights.iter().sum::<f64>() - 1.0).abs() > 1e-9 {
            return Err(RiskError::BadInput(
                "kappa weights must be >= 0 and sum to 1".into(),
            ));
        }
        if e2.iter().any(|&v| v < 0.0) {
            return Err(RiskError::BadInput("e_a(kappa)^2 must be >= 0".into()));
        }
        check_pi(&pi)?;
        Ok(Self {
            r,
            nodes,
            weights,
            m0,
            d,
            e2,
            target,
            gamma,
            pi,
        })
    }

    /// Number of groups `r`.
    pub fn r(&self) -> usize {
        self.r
    }
    /// Number of κ nodes.
    pub fn n_nodes(&self) -> usize {
        self.nodes.len()
    }
    /// κ nodes.
    pub fn nodes(&self) -> &[f64] {
        &self.nodes
    }
    /// κ weights (sum to 1).
    pub fn weights(&self) -> &[f64] {
        &self.weights
    }
    /// `μ0(u_a κ_i)` at node `i` (length r).
    pub fn m0_at(&self, i: usize) -> &[f64] {
        &self.m0[i * self.r..(i + 1) * self.r]
    }
    /// `μ1(u_a κ_i)` at node `i` (length r).
    pub fn d_at(&self, i: usize) -> &[f64] {
        &self.d[i * self.r..(i + 1) * self.r]
    }
    /// `μ*(u_a κ_i)²` at node `i` (length r).
    pub fn e2_at(&self, i: usize) -> &[f64] {
        &self.e2[i * self.r..(i + 1) * self.r]
    }
    /// Node-major `μ1` table (`n_nodes × r`), the input of the spectral solver.
    pub fn d_table(&self) -> &[f64] {
        &self.d
    }
    /// Node-major `μ*²` table (`n_nodes × r`), the input of the spectral solver.
    pub fn e2_table(&self) -> &[f64] {
        &self.e2
    }
    /// `σ*(κ_i)`.
    pub fn target(&self) -> &[f64] {
        &self.target
    }
    /// `γ_a`.
    pub fn gamma(&self) -> &[f64] {
        &self.gamma
    }
    /// `π_a`.
    pub fn pi(&self) -> &[f64] {
        &self.pi
    }
    /// `h(κ_i) = (m_1..m_r, γ_1 κ d_1 .. γ_r κ d_r)` written into `out` (length 2r).
    pub fn h_at(&self, i: usize, out: &mut [f64]) {
        let r = self.r;
        let k = self.nodes[i];
        out[..r].copy_from_slice(self.m0_at(i));
        for a in 0..r {
            // κ μ1 first: where μ1(u κ) has underflowed to 0 the term is its limit 0 even if
            // γ κ alone would overflow (the order γ κ μ1 gave ∞ · 0 = NaN)
            out[r + a] = self.gamma[a] * (k * self.d[i * r + a]);
        }
    }
}

pub(crate) fn check_pi(pi: &[f64]) -> Result<(), RiskError> {
    if pi.iter().any(|&p| !(p.is_finite() && p > 0.0)) {
        return Err(RiskError::BadGroups(format!(
            "fractions must be > 0, got {pi:?}"
        )));
    }
    let s: f64 = pi.iter().sum();
    if (s - 1.0).abs() > PI_SUM_TOL {
        return Err(RiskError::BadGroups(format!("fractions sum to {s}, not 1")));
    }
    Ok(())
}
