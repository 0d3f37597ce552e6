//! The κ-sums of one evaluation of the spiked map (THEORY.md §4, module docs of
//! [`super`]): at every node `δ_k = Σ_j θ_j φ_j(κ_k)/α`, then `c_k = w_k/(1 + δ_k)` and
//! `g_j = Σ_k c_k φ_j(κ_k)` (that is `(T', s')`), and for the Jacobian
//! `Ψ_ij = Σ_k w_k φ_i(κ_k) φ_j(κ_k)/(1 + δ_k)²`.
//!
//! These loops are `O(K m)` of the `O(K m + r³)` of an evaluation (`O(K m²)` of a Jacobian)
//! and most of its time. They
//! are written as structure-of-arrays loops over the nodes and run under
//! [`pulp::Arch::dispatch`], which compiles them a second time with the widest vector
//! instructions the processor has (AVX2 on x86-64) and picks that copy at run time. The
//! arithmetic is the same in both copies, in the same order: Rust never reassociates or
//! contracts floating-point operations (no FMA without asking for it), and the four partial
//! sums of [`dot_pair`] are explicit, so the result does not depend on the vector width (tested:
//! the dispatched and the plain call agree bit for bit).

use num_complex::Complex64 as C64;

/// Nodes per block: a sum over `k` is kept in `LANES` partial sums (lane `l` takes the nodes
/// `k ≡ l mod LANES` of the full blocks), added as `(s₀ + s₁) + (s₂ + s₃)`, then the nodes
/// past the last full block in order. The order is fixed by the code, not by the vector
/// width.
const LANES: usize = 4;
/// Sums computed side by side in one pass over the nodes: `2 GROUP` independent chains of
/// additions (one chain is bound by the latency of the add, not by its throughput).
const GROUP: usize = 4;

type Block = [f64; LANES];

/// The block of `v` starting at `base`.
#[inline(always)]
fn block(v: &[f64], base: usize) -> &Block {
    v[base..base + LANES].try_into().expect("a full block")
}

/// `(s₀ + s₁) + (s₂ + s₃)`.
#[inline(always)]
fn fold(s: &Block) -> f64 {
    (s[0] + s[1]) + (s[2] + s[3])
}

/// Length of the scratch buffer of [`KappaSums`] and [`PsiMatrix`] for `k` nodes.
pub(super) fn scratch_len(k: usize) -> usize {
    2 * k
}

/// `Σ_k c_k a_k b_k` (complex `c`, real `a`, `b`; `a = 1` when `None`) for up to `GROUP`
/// pairs `(a, b)` at once, in the order described at [`LANES`].
#[inline(always)]
fn weighted_sums(c_re: &[f64], c_im: &[f64], pairs: &[(Option<&[f64]>, &[f64])], out: &mut [C64]) {
    // a fixed count, so that the partial sums stay in registers
    match (pairs.len(), pairs[0].0.is_some()) {
        (1, false) => weighted_sums_n::<1, false>(c_re, c_im, pairs, out),
        (2, false) => weighted_sums_n::<2, false>(c_re, c_im, pairs, out),
        (3, false) => weighted_sums_n::<3, false>(c_re, c_im, pairs, out),
        (4, false) => weighted_sums_n::<4, false>(c_re, c_im, pairs, out),
        (1, true) => weighted_sums_n::<1, true>(c_re, c_im, pairs, out),
        (2, true) => weighted_sums_n::<2, true>(c_re, c_im, pairs, out),
        (3, true) => weighted_sums_n::<3, true>(c_re, c_im, pairs, out),
        (4, true) => weighted_sums_n::<4, true>(c_re, c_im, pairs, out),
        _ => unreachable!("1 to GROUP pairs"),
    }
}

/// [`weighted_sums`] for `N` pairs, all with (`A`) or all without a factor `a`.
#[inline(always)]
fn weighted_sums_n<const N: usize, const A: bool>(
    c_re: &[f64],
    c_im: &[f64],
    pairs: &[(Option<&[f64]>, &[f64])],
    out: &mut [C64],
) {
    let k = c_re.len();
    let full = k - k % LANES;
    let a: [&[f64]; N] = std::array::from_fn(|p| pairs[p].0.unwrap_or(&[]));
    let b: [&[f64]; N] = std::array::from_fn(|p| &pairs[p].1[..k]);
    let mut acc_re = [[0.0; LANES]; N];
    let mut acc_im = [[0.0; LANES]; N];
    for base in (0..full).step_by(LANES) {
        let (cr, ci) = (block(c_re, base), block(c_im, base));
        for p in 0..N {
            let fb = block(b[p], base);
            let (mut sr, mut si) = (*cr, *ci);
            if A {
                let fa = block(a[p], base);
                for l in 0..LANES {
                    sr[l] *= fa[l];
                    si[l] *= fa[l];
                }
            }
            for l in 0..LANES {
                acc_re[p][l] += sr[l] * fb[l];
                acc_im[p][l] += si[l] * fb[l];
            }
        }
    }
    for p in 0..N {
        let mut v = C64::new(fold(&acc_re[p]), fold(&acc_im[p]));
        for kk in full..k {
            let (mut sr, mut si) = (c_re[kk], c_im[kk]);
            if A {
                sr *= a[p][kk];
                si *= a[p][kk];
            }
            v += C64::new(sr * b[p][kk], si * b[p][kk]);
        }
        out[p] = v;
    }
}

/// Inputs and outputs of [`KappaSums::run`]; `phi` is column-major `m × K` (`phi[j K + k]`).
pub(super) struct KappaSums<'a> {
    pub phi: &'a [f64],
    pub weights: &'a [f64],
    pub theta: &'a [C64],
    pub inv_alpha: f64,
    pub d_re: &'a mut [f64],
    pub d_im: &'a mut [f64],
    pub g: &'a mut [C64],
    /// At least [`scratch_len`]`(K)` values.
    pub scratch: &'a mut [f64],
}

impl KappaSums<'_> {
    /// `δ_k` into `d_re, d_im`, `g_j` into `g`, with the vector instructions of the running
    /// processor.
    pub(super) fn run(self) {
        pulp::Arch::new().dispatch(
            #[inline(always)]
            || self.run_plain(),
        )
    }

    /// The same loops compiled for the baseline target only.
    #[inline(always)]
    pub(super) fn run_plain(self) {
        let k = self.weights.len();
        let (c_re, rest) = self.scratch.split_at_mut(k);
        let c_im = &mut rest[..k];
        // δ_k, then c_k = w_k/(1 + δ_k), a block of nodes at a time (δ in registers)
        let full = k - k % LANES;
        for base in (0..full).step_by(LANES) {
            let (mut dr, mut di) = ([0.0; LANES], [0.0; LANES]);
            for (j, th) in self.theta.iter().enumerate() {
                let (tr, ti) = (th.re * self.inv_alpha, th.im * self.inv_alpha);
                let f = block(self.phi, j * k + base);
                for l in 0..LANES {
                    dr[l] += tr * f[l];
                    di[l] += ti * f[l];
                }
            }
            let w = block(self.weights, base);
            let (mut cr, mut ci) = ([0.0; LANES], [0.0; LANES]);
            for l in 0..LANES {
                let (inv_re, inv_im) = inverse_of_one_plus(dr[l], di[l]);
                cr[l] = inv_re * w[l];
                ci[l] = inv_im * w[l];
            }
            self.d_re[base..base + LANES].copy_from_slice(&dr);
            self.d_im[base..base + LANES].copy_from_slice(&di);
            c_re[base..base + LANES].copy_from_slice(&cr);
            c_im[base..base + LANES].copy_from_slice(&ci);
        }
        for kk in full..k {
            let (mut dr, mut di) = (0.0, 0.0);
            for (j, th) in self.theta.iter().enumerate() {
                let f = self.phi[j * k + kk];
                dr += th.re * self.inv_alpha * f;
                di += th.im * self.inv_alpha * f;
            }
            let (inv_re, inv_im) = inverse_of_one_plus(dr, di);
            self.d_re[kk] = dr;
            self.d_im[kk] = di;
            c_re[kk] = inv_re * self.weights[kk];
            c_im[kk] = inv_im * self.weights[kk];
        }
        // g_j = Σ_k c_k φ_j(κ_k), GROUP features per pass
        let m = self.theta.len();
        for j0 in (0..m).step_by(GROUP) {
            let n = GROUP.min(m - j0);
            let pairs: [(Option<&[f64]>, &[f64]); GROUP] = std::array::from_fn(|p| {
                let j = (j0 + p).min(m - 1);
                (None, &self.phi[j * k..(j + 1) * k])
            });
            weighted_sums(c_re, c_im, &pairs[..n], &mut self.g[j0..j0 + n]);
        }
    }
}

/// `1/(1 + δ)` as `(re, im)` for `δ = re + i im`.
#[inline(always)]
fn inverse_of_one_plus(re: f64, im: f64) -> (f64, f64) {
    let a = 1.0 + re;
    let den = 1.0 / (a * a + im * im);
    (a * den, -im * den)
}

/// Inputs and outputs of the Jacobian's κ-sum `Ψ_ij = Σ_k c²_k φ_i(κ_k) φ_j(κ_k)`,
/// `c²_k = w_k/(1 + δ_k)²`, from the `δ_k` left by [`KappaSums::run`].
pub(super) struct PsiMatrix<'a> {
    pub phi: &'a [f64],
    pub weights: &'a [f64],
    pub d_re: &'a [f64],
    pub d_im: &'a [f64],
    /// `m × m`, row-major, symmetric.
    pub psi: &'a mut [C64],
    /// At least [`scratch_len`]`(K)` values.
    pub scratch: &'a mut [f64],
}

impl PsiMatrix<'_> {
    /// `Ψ` into `psi`, with the vector instructions of the running processor.
    pub(super) fn run(self) {
        pulp::Arch::new().dispatch(
            #[inline(always)]
            || self.run_plain(),
        )
    }

    /// The same loops compiled for the baseline target only.
    #[inline(always)]
    pub(super) fn run_plain(self) {
        let k = self.weights.len();
        let m = self.phi.len() / k;
        let (c2_re, rest) = self.scratch.split_at_mut(k);
        let c2_im = &mut rest[..k];
        for kk in 0..k {
            let (inv_re, inv_im) = inverse_of_one_plus(self.d_re[kk], self.d_im[kk]);
            let w = self.weights[kk];
            let (c_re, c_im) = (inv_re * w, inv_im * w);
            c2_re[kk] = inv_re * c_re - inv_im * c_im;
            c2_im[kk] = inv_re * c_im + inv_im * c_re;
        }
        // the pairs i ≤ j in row order, GROUP per pass
        let col = |j: usize| &self.phi[j * k..(j + 1) * k];
        let mut out = [C64::new(0.0, 0.0); GROUP];
        let mut chunk = [(0, 0); GROUP];
        let mut n = 0;
        let mut flush = |chunk: &[(usize, usize)], psi: &mut [C64]| {
            let pairs: [(Option<&[f64]>, &[f64]); GROUP] = std::array::from_fn(|p| {
                let (i, j) = chunk[p.min(chunk.len() - 1)];
                (Some(col(i)), col(j))
            });
            weighted_sums(c2_re, c2_im, &pairs[..chunk.len()], &mut out[..chunk.len()]);
            for (p, &(i, j)) in chunk.iter().enumerate() {
                psi[i * m + j] = out[p];
                psi[j * m + i] = out[p];
            }
        };
        for i in 0..m {
            for j in i..m {
                chunk[n] = (i, j);
                n += 1;
                if n == GROUP {
                    flush(&chunk, self.psi);
                    n = 0;
                }
            }
        }
        if n > 0 {
            flush(&chunk[..n], self.psi);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Case {
        m: usize,
        k: usize,
        phi: Vec<f64>,
        weights: Vec<f64>,
        theta: Vec<C64>,
    }

    fn case(m: usize, k: usize) -> Case {
        Case {
            m,
            k,
            phi: (0..m * k)
                .map(|i| ((i * 7919) % 113) as f64 / 17.0 - 2.0)
                .collect(),
            weights: (0..k).map(|i| 1.0 / (1.0 + i as f64).powi(2)).collect(),
            theta: (0..m)
                .map(|j| C64::new(0.3 - 0.1 * j as f64, 0.05 * j as f64))
                .collect(),
        }
    }

    /// `(δ_re, δ_im, g, Ψ)` by the kernels, dispatched or plain.
    fn kernels(c: &Case, dispatch: bool) -> (Vec<f64>, Vec<f64>, Vec<C64>, Vec<C64>) {
        let (m, k) = (c.m, c.k);
        let (mut d_re, mut d_im) = (vec![0.0; k], vec![0.0; k]);
        let mut g = vec![C64::new(0.0, 0.0); m];
        let mut psi = vec![C64::new(0.0, 0.0); m * m];
        let mut scratch = vec![f64::NAN; scratch_len(k)];
        let sums = KappaSums {
            phi: &c.phi,
            weights: &c.weights,
            theta: &c.theta,
            inv_alpha: 1.0 / 1.7,
            d_re: &mut d_re,
            d_im: &mut d_im,
            g: &mut g,
            scratch: &mut scratch,
        };
        if dispatch {
            sums.run()
        } else {
            sums.run_plain()
        }
        let jac = PsiMatrix {
            phi: &c.phi,
            weights: &c.weights,
            d_re: &d_re,
            d_im: &d_im,
            psi: &mut psi,
            scratch: &mut scratch,
        };
        if dispatch {
            jac.run()
        } else {
            jac.run_plain()
        }
        (d_re, d_im, g, psi)
    }

    fn bits(v: &[C64]) -> Vec<(u64, u64)> {
        v.iter().map(|x| (x.re.to_bits(), x.im.to_bits())).collect()
    }

    #[test]
    fn dispatched_and_plain_kernels_agree_bit_for_bit() {
        // K below, at and off a multiple of the block; m below, at and past GROUP
        for (m, k) in [(1, 3), (2, 4), (5, 37), (9, 160), (14, 41)] {
            let c = case(m, k);
            let (a, b) = (kernels(&c, true), kernels(&c, false));
            let fb = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            assert_eq!(fb(&a.0), fb(&b.0), "δ re, m = {m}, K = {k}");
            assert_eq!(fb(&a.1), fb(&b.1), "δ im, m = {m}, K = {k}");
            assert_eq!(bits(&a.2), bits(&b.2), "g, m = {m}, K = {k}");
            assert_eq!(bits(&a.3), bits(&b.3), "Ψ, m = {m}, K = {k}");
        }
    }

    #[test]
    fn kernels_compute_the_sums_they_claim() {
        for (m, k) in [(1, 3), (5, 37), (9, 160), (14, 41)] {
            let c = case(m, k);
            let (d_re, d_im, g, psi) = kernels(&c, true);
            let delta: Vec<C64> = (0..k)
                .map(|kk| (0..m).map(|i| c.theta[i] * c.phi[i * k + kk]).sum::<C64>() / 1.7)
                .collect();
            for kk in 0..k {
                assert!(
                    (C64::new(d_re[kk], d_im[kk]) - delta[kk]).norm()
                        < 1e-14 * (1.0 + delta[kk].norm())
                );
            }
            for i in 0..m {
                let gi: C64 = (0..k)
                    .map(|kk| c.weights[kk] * c.phi[i * k + kk] / (1.0 + delta[kk]))
                    .sum();
                assert!(
                    (g[i] - gi).norm() < 1e-13 * gi.norm().max(1.0),
                    "g[{i}], m = {m}, K = {k}"
                );
                for j in 0..m {
                    let pij: C64 = (0..k)
                        .map(|kk| {
                            c.weights[kk] * c.phi[i * k + kk] * c.phi[j * k + kk]
                                / ((1.0 + delta[kk]) * (1.0 + delta[kk]))
                        })
                        .sum();
                    let got = psi[i * m + j];
                    assert!(
                        (got - pij).norm() < 1e-13 * pij.norm().max(1.0),
                        "Ψ[{i},{j}], m = {m}, K = {k}"
                    );
                }
            }
        }
    }
}
