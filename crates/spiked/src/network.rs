//! The two-layer network `f(x) = p^{-1/2} Σ_i a_i σ(<w_i, x>)` at initialization
//! (THEORY.md §1-2): rows `w_i^0` uniform on the sphere, second layer from a finitely
//! supported law, optionally with the symmetric initialization (neurons in pairs `(w, a)`,
//! `(w, −a)`, so that `f ≡ 0` at initialization).

use faer::{Mat, MatRef};

use crate::error::{SpikedError, check_size};
use crate::sampling::{SecondLayerLaw, sphere_rows};
use crate::seed::{derive_seed, tags};

/// How the second-layer weights are drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum GroupSampling {
    /// Exact group counts (largest remainder), contiguous blocks.
    Exact,
    /// I.i.d. draws from the law.
    Iid,
}

/// Initialization scheme of the network.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[non_exhaustive]
pub enum Initialization {
    /// Neurons in pairs `(w, a)`, `(w, −a)`: `f ≡ 0` at initialization (THEORY.md §2,
    /// the default, which makes the one-step network equivalent to the spiked model).
    Symmetric,
    /// All rows and weights independent (`f ≠ 0` at initialization).
    Independent,
}

/// A two-layer network: first layer `W ∈ R^{p×d}` (rows `w_i`), second layer `a ∈ R^p`,
/// and the group index of each neuron in the law of `a` (used to compare with the spiked
/// model, whose groups are the support points of the law).
#[derive(Debug, Clone)]
pub struct Network {
    /// First-layer weights `W ∈ R^{p×d}`.
    pub w: Mat<f64>,
    /// Second-layer weights `a_i`.
    pub a: Vec<f64>,
    /// Group of each neuron: for [`Initialization::Symmetric`] the second neuron of a pair
    /// has weight `−a` and the group of the law value `−a` if it exists, else `None`.
    pub groups: Vec<Option<usize>>,
}

impl Network {
    /// Samples a network with `p` neurons in dimension `d` from master seed `seed`
    /// (first layer from `derive_seed(seed, FIRST_LAYER)`, second layer from
    /// `derive_seed(seed, SECOND_LAYER)`).
    ///
    /// With [`Initialization::Symmetric`], `p` must be even: `p/2` rows and weights are drawn
    /// and neuron `2k+1` copies row `2k` with weight `−a_{2k}`.
    ///
    /// ```
    /// use giantstep_spiked::network::{GroupSampling, Initialization, Network};
    /// use giantstep_spiked::sampling::SecondLayerLaw;
    /// let net = Network::sample(8, 5, &SecondLayerLaw::rademacher(), Initialization::Symmetric, GroupSampling::Exact, 3).unwrap();
    /// assert_eq!(net.a[1], -net.a[0]);
    /// assert_eq!(net.w[(1, 2)], net.w[(0, 2)]);
    /// ```
    pub fn sample(
        p: usize,
        d: usize,
        law: &SecondLayerLaw,
        init: Initialization,
        groups: GroupSampling,
        seed: u64,
    ) -> Result<Self, SpikedError> {
        check_size("p", p)?;
        check_size("d", d)?;
        let w_seed = derive_seed(seed, tags::FIRST_LAYER);
        let a_seed = derive_seed(seed, tags::SECOND_LAYER);
        let draw_groups = |count: usize| match groups {
            GroupSampling::Exact => law.exact_groups(count),
            GroupSampling::Iid => law.iid_groups(count, a_seed),
        };
        match init {
            Initialization::Independent => {
                let w = sphere_rows(p, d, w_seed)?;
                let g = draw_groups(p);
                let a = law.weights(&g);
                Ok(Self {
                    w,
                    a,
                    groups: g.into_iter().map(Some).collect(),
                })
            }
            Initialization::Symmetric => {
                if !p.is_multiple_of(2) {
                    return Err(SpikedError::InvalidParameter {
                        name: "p",
                        value: p as f64,
                        reason: "the symmetric initialization needs an even number of neurons",
                    });
                }
                let half = p / 2;
                let w_half = sphere_rows(half, d, w_seed)?;
                let g = draw_groups(half);
                let w = Mat::from_fn(p, d, |i, j| w_half[(i / 2, j)]);
                let mut a = Vec::with_capacity(p);
                let mut gr = Vec::with_capacity(p);
                for &gk in &g {
                    let ak = law.values()[gk];
                    a.push(ak);
                    a.push(-ak);
                    gr.push(Some(gk));
                    gr.push(law.values().iter().position(|&v| v == -ak));
                }
                Ok(Self { w, a, groups: gr })
            }
        }
    }

    /// Builds a network from given weights (checked for matching sizes and finiteness).
    pub fn from_parts(w: Mat<f64>, a: Vec<f64>) -> Result<Self, SpikedError> {
        if a.len() != w.nrows() {
            return Err(SpikedError::DimensionMismatch {
                what: "a vs rows of W",
                expected: w.nrows(),
                got: a.len(),
            });
        }
        if !w.as_ref().is_all_finite() || a.iter().any(|v| !v.is_finite()) {
            return Err(SpikedError::NonFinite {
                what: "network weights",
            });
        }
        let p = a.len();
        Ok(Self {
            w,
            a,
            groups: vec![None; p],
        })
    }

    /// Width `p`.
    pub fn width(&self) -> usize {
        self.w.nrows()
    }

    /// Input dimension `d`.
    pub fn dim(&self) -> usize {
        self.w.ncols()
    }

    /// First-layer weights as a view.
    pub fn w(&self) -> MatRef<'_, f64> {
        self.w.as_ref()
    }
}
