//! `ν` and `Ξ` closed forms (THEORY.md §5b step 3) against central finite differences of an
//! independent implementation of the stage-2 map (`ridge-error.md` §2) with `(T, s)` free:
//! `q_a = ψ π_a / ([T (I + QT)^{-1}]_aa + s_a + λ)` solved by plain (monotone) iteration,
//! `G_j = (1/α)[tr(A^(j) Q (I + TQ)^{-1}) + c^(j)·q]`, `ν_{aj} = -∂q_a/∂θ_j`,
//! `Ξ_jk = -∂G_j/∂θ_k`.

#![allow(clippy::needless_range_loop)] // index-heavy small dense algebra

use giantstep_risk::response::linear_response;
use giantstep_risk::terms::{Term, terms};
use proptest::prelude::*;

/// Inverse of a small dense matrix by Gauss-Jordan with partial pivoting (independent of faer).
fn inv(a: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let n = a.len();
    let mut m: Vec<Vec<f64>> = a
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let mut r = row.clone();
            r.extend((0..n).map(|j| if i == j { 1.0 } else { 0.0 }));
            r
        })
        .collect();
    for c in 0..n {
        let p = (c..n)
            .max_by(|&x, &y| m[x][c].abs().partial_cmp(&m[y][c].abs()).unwrap())
            .unwrap();
        m.swap(c, p);
        let pv = m[c][c];
        for v in m[c].iter_mut() {
            *v /= pv;
        }
        for rr in 0..n {
            if rr != c {
                let f = m[rr][c];
                if f != 0.0 {
                    let rowc = m[c].clone();
                    for (v, w) in m[rr].iter_mut().zip(rowc) {
                        *v -= f * w;
                    }
                }
            }
        }
    }
    m.into_iter().map(|r| r[n..].to_vec()).collect()
}

fn matmul(a: &[Vec<f64>], b: &[Vec<f64>]) -> Vec<Vec<f64>> {
    let n = a.len();
    let k = b.len();
    let m = b[0].len();
    (0..n)
        .map(|i| {
            (0..m)
                .map(|j| (0..k).map(|l| a[i][l] * b[l][j]).sum())
                .collect()
        })
        .collect()
}

struct Stage2 {
    pi: Vec<f64>,
    psi: f64,
    alpha: f64,
    lambda: f64,
}

impl Stage2 {
    /// Solve the q equation for given (T, s).
    fn q(&self, t: &[Vec<f64>], s: &[f64]) -> Vec<f64> {
        let r = s.len();
        let mut q = vec![0.5; r];
        for _ in 0..100_000 {
            // N = T (I + Q T)^{-1}
            let iqt: Vec<Vec<f64>> = (0..r)
                .map(|i| {
                    (0..r)
                        .map(|j| (if i == j { 1.0 } else { 0.0 }) + q[i] * t[i][j])
                        .collect()
                })
                .collect();
            let n = matmul(t, &inv(&iqt));
            let new: Vec<f64> = (0..r)
                .map(|a| self.psi * self.pi[a] / (n[a][a] + s[a] + self.lambda))
                .collect();
            let diff: f64 = new
                .iter()
                .zip(&q)
                .map(|(x, y)| (x - y).abs())
                .fold(0.0, f64::max);
            for a in 0..r {
                q[a] = 0.5 * q[a] + 0.5 * new[a];
            }
            if diff < 1e-15 {
                break;
            }
        }
        q
    }

    /// (q, G) at θ = (T, s).
    fn map(&self, t: &[Vec<f64>], s: &[f64], ts: &[Term]) -> (Vec<f64>, Vec<f64>) {
        let r = s.len();
        let q = self.q(t, s);
        let itq: Vec<Vec<f64>> = (0..r)
            .map(|i| {
                (0..r)
                    .map(|j| (if i == j { 1.0 } else { 0.0 }) + t[i][j] * q[j])
                    .collect()
            })
            .collect();
        let p = inv(&itq);
        let ms: Vec<Vec<f64>> = (0..r)
            .map(|i| (0..r).map(|j| q[i] * p[i][j]).collect())
            .collect();
        let g = ts
            .iter()
            .map(|t| match *t {
                Term::Pair(a, b) if a == b => ms[a][a] / self.alpha,
                Term::Pair(a, b) => (ms[a][b] + ms[b][a]) / self.alpha,
                Term::Diag(a) => q[a] / self.alpha,
            })
            .collect();
        (q, g)
    }
}

fn perturb(t: &[Vec<f64>], s: &[f64], term: Term, h: f64) -> (Vec<Vec<f64>>, Vec<f64>) {
    let mut t = t.to_vec();
    let mut s = s.to_vec();
    match term {
        Term::Pair(a, b) if a == b => t[a][a] += h,
        Term::Pair(a, b) => {
            t[a][b] += h;
            t[b][a] += h;
        }
        Term::Diag(a) => s[a] += h,
    }
    (t, s)
}

/// Check ν, Ξ against 4th-order central differences; relative tolerance 1e-7.
fn check(r: usize, tfac: &[f64], s: &[f64], pi: &[f64], psi: f64, alpha: f64, lambda: f64) {
    // T = F F^T (PSD), F from the generated factors
    let f: Vec<Vec<f64>> = (0..r)
        .map(|i| (0..r).map(|j| tfac[i * r + j]).collect())
        .collect();
    let ft: Vec<Vec<f64>> = (0..r).map(|i| (0..r).map(|j| f[j][i]).collect()).collect();
    let t = matmul(&f, &ft);
    let st = Stage2 {
        pi: pi.to_vec(),
        psi,
        alpha,
        lambda,
    };
    let ts = terms(r);
    let (q, _) = st.map(&t, s, &ts);
    let tflat: Vec<f64> = t.iter().flatten().copied().collect();
    let lr = linear_response(&q, &tflat, pi, psi, alpha).unwrap();
    assert!(lr.xi_asymmetry < 1e-12, "Xi asymmetry {}", lr.xi_asymmetry);
    // step relative to the smallest denominator scale s_a + λ of the q equation, so that the
    // 4th-order truncation error stays ~1e-12 relative even when q is large
    let h = 1e-3 * (s.iter().fold(f64::INFINITY, |m, &v| m.min(v)) + lambda);
    for (k, &tk) in ts.iter().enumerate() {
        let mut dq = vec![0.0; r];
        let mut dg = vec![0.0; ts.len()];
        for (c, sh) in [
            (-1.0 / 12.0, 2.0),
            (8.0 / 12.0, 1.0),
            (-8.0 / 12.0, -1.0),
            (1.0 / 12.0, -2.0),
        ] {
            let (tp, sp) = perturb(&t, s, tk, sh * h);
            let (qp, gp) = st.map(&tp, &sp, &ts);
            for a in 0..r {
                dq[a] += c * qp[a] / h;
            }
            for j in 0..ts.len() {
                dg[j] += c * gp[j] / h;
            }
        }
        for a in 0..r {
            let want = -dq[a];
            let got = lr.nu[(a, k)];
            assert!(
                (got - want).abs() <= 1e-7 * (1.0 + want.abs()),
                "nu[{a},{k}]: closed form {got} vs finite difference {want}"
            );
        }
        for j in 0..ts.len() {
            let want = -dg[j];
            let got = lr.xi[(j, k)];
            assert!(
                (got - want).abs() <= 1e-7 * (1.0 + want.abs()),
                "Xi[{j},{k}]: closed form {got} vs finite difference {want}"
            );
        }
    }
}

#[test]
fn nu_xi_match_finite_differences_one_group() {
    check(1, &[0.7], &[0.4], &[1.0], 0.5, 3.0, 0.1);
}

#[test]
fn nu_xi_match_finite_differences_two_groups() {
    check(
        2,
        &[0.7, 0.2, -0.3, 0.9],
        &[0.4, 0.15],
        &[0.3, 0.7],
        2.0,
        1.0,
        0.01,
    );
}

#[test]
fn nu_xi_match_finite_differences_three_groups() {
    check(
        3,
        &[0.5, 0.1, 0.2, -0.3, 0.8, 0.05, 0.3, -0.2, 0.6],
        &[0.2, 0.35, 0.1],
        &[0.2, 0.5, 0.3],
        1.5,
        2.5,
        0.3,
    );
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]
    #[test]
    fn nu_xi_match_finite_differences_random(
        r in 1usize..4,
        tfac in proptest::collection::vec(-1.0f64..1.0, 9),
        s in proptest::collection::vec(0.05f64..1.0, 3),
        piw in proptest::collection::vec(0.2f64..1.0, 3),
        psi in 0.2f64..4.0,
        alpha in 0.2f64..4.0,
        lambda in 0.01f64..2.0,
    ) {
        let tot: f64 = piw[..r].iter().sum();
        let pi: Vec<f64> = piw[..r].iter().map(|p| p / tot).collect();
        check(r, &tfac[..r * r], &s[..r], &pi, psi, alpha, lambda);
    }
}
