//! Indexing of the `m = r(r+1)/2 + r` covariance terms of THEORY.md §5a.
//!
//! `C(κ) = Σ_j φ_j(κ) L_j` with, in this order,
//! - `j = (a,b)`, `a <= b` (lexicographic): `L_j = P_a K P_b + P_b K P_a` (`a<b`) or
//!   `P_a K P_a`, `φ_j = d_a d_b`, direction `A^(j) = E_ab + E_ba` (`a<b`) or `E_aa`, `c^(j) = 0`;
//! - `j = (e,a)`: `L_j = P_a`, `φ_j = e_a²`, `A^(j) = 0`, `c^(j) = e_a` (unit vector).

/// One covariance term `j`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Term {
    /// `(a,b)` with `a <= b`: the `P_a K P_b` block(s), `φ_j = d_a d_b`.
    Pair(usize, usize),
    /// `(e,a)`: the diagonal `P_a`, `φ_j = e_a²`.
    Diag(usize),
}

/// The ordered list of the `m` terms for `r` groups.
pub fn terms(r: usize) -> Vec<Term> {
    let mut out = Vec::with_capacity(n_terms(r));
    for a in 0..r {
        for b in a..r {
            out.push(Term::Pair(a, b));
        }
    }
    for a in 0..r {
        out.push(Term::Diag(a));
    }
    out
}

/// `m = r(r+1)/2 + r`.
pub fn n_terms(r: usize) -> usize {
    r * (r + 1) / 2 + r
}

/// `φ_j(κ)` for all `j`, from `d_a(κ)` and `e_a(κ)²` at one node.
pub fn phi_at(terms: &[Term], d: &[f64], e2: &[f64], out: &mut [f64]) {
    for (o, t) in out.iter_mut().zip(terms) {
        *o = match *t {
            Term::Pair(a, b) => d[a] * d[b],
            Term::Diag(a) => e2[a],
        };
    }
}

/// The entries `(x, y)` of the direction `A^(j)` that equal one (empty for a diagonal term).
pub(crate) fn a_entries(t: Term) -> ([(usize, usize); 2], usize) {
    match t {
        Term::Pair(a, b) if a == b => ([(a, a), (a, a)], 1),
        Term::Pair(a, b) => ([(a, b), (b, a)], 2),
        Term::Diag(_) => ([(0, 0), (0, 0)], 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn term_count_matches_formula_for_small_r() {
        for r in 1..6 {
            assert_eq!(terms(r).len(), r * (r + 1) / 2 + r);
        }
        assert_eq!(
            terms(2),
            vec![
                Term::Pair(0, 0),
                Term::Pair(0, 1),
                Term::Pair(1, 1),
                Term::Diag(0),
                Term::Diag(1)
            ]
        );
    }

    #[test]
    fn phi_reconstructs_quadratic_form() {
        // sum_j phi_j G_j with G from a symmetric M must equal d^T M d + sum e2_a c_a.
        let r = 3;
        let ts = terms(r);
        let d = [0.3, -1.2, 0.7];
        let e2 = [0.5, 0.25, 2.0];
        let mut phi = vec![0.0; ts.len()];
        phi_at(&ts, &d, &e2, &mut phi);
        let m = [[1.0, 0.2, -0.3], [0.2, 2.0, 0.4], [-0.3, 0.4, 0.5]];
        let c = [0.1, 0.2, 0.3];
        let mut lhs = 0.0;
        for (j, t) in ts.iter().enumerate() {
            let g = match *t {
                Term::Pair(a, b) => {
                    let (ent, k) = a_entries(*t);
                    ent[..k].iter().map(|&(x, y)| m[y][x]).sum::<f64>() + 0.0 * (a + b) as f64
                }
                Term::Diag(a) => c[a],
            };
            lhs += phi[j] * g;
        }
        let mut rhs = 0.0;
        for a in 0..r {
            rhs += e2[a] * c[a];
            for b in 0..r {
                rhs += d[a] * m[a][b] * d[b];
            }
        }
        assert!((lhs - rhs).abs() < 1e-14, "{lhs} vs {rhs}");
    }
}
