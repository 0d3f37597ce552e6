//! Invariants of the §5b solution over random problems (proptest):
//! `E_train <= E_gen` (since δ(κ) > 0), `E_gen >= irreducible + Δ` (expressivity),
//! the decomposition sums to `E_gen` with non-negative parts, `0 <= ρ(ΦΞ) < 1`,
//! `Ξ` and `Φ` symmetric, `ν_aj >= 0` for PSD `L_j`, and `E_gen = Σ_i w_i e(κ_i)`.

use giantstep_hermite::Activation;
use giantstep_risk::terms::Term;
use giantstep_risk::{Group, RiskProblem};
use proptest::prelude::*;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(40))]
    #[test]
    fn solution_invariants_hold(
        relu in any::<bool>(),
        r in 1usize..4,
        us in proptest::collection::vec(-3.0f64..3.0, 3),
        piw in proptest::collection::vec(0.2f64..1.0, 3),
        gam in proptest::collection::vec(0.5f64..2.0, 3),
        coeffs in proptest::collection::vec(-1.0f64..1.0, 4),
        noise in 0.0f64..0.5,
        psi in 0.3f64..3.0,
        alpha in 0.3f64..3.0,
        log_lambda in -2.0f64..1.0,
    ) {
        let tot: f64 = piw[..r].iter().sum();
        let groups: Vec<Group> = (0..r)
            .map(|a| Group { u: us[a], pi: piw[a] / tot, gamma: gam[a] })
            .collect();
        let sigma = if relu { Activation::Relu } else { Activation::Tanh };
        let p = RiskProblem::new(sigma, Activation::Hermite(coeffs), noise, groups, psi, alpha, 10f64.powf(log_lambda));
        let res = p.solve().unwrap();
        let tol = 1e-10 * res.e_gen.max(1.0);
        prop_assert!(res.e_train <= res.e_gen + tol);
        prop_assert!(res.e_gen + tol >= res.irreducible + noise);
        let d = res.decomposition;
        prop_assert!((d.bias + d.g_price + d.variance + d.noise - res.e_gen).abs() < tol);
        prop_assert!(d.bias >= 0.0 && d.g_price >= -tol && d.variance >= -tol);
        prop_assert!(res.spectral_radius >= 0.0 && res.spectral_radius < 1.0);
        let m = res.xi.len();
        for j in 0..m {
            for k in 0..m {
                prop_assert!((res.xi[j][k] - res.xi[k][j]).abs() <= 1e-12 * (1.0 + res.xi[j][k].abs()));
                prop_assert!((res.phi_mat[j][k] - res.phi_mat[k][j]).abs() <= 1e-12 * (1.0 + res.phi_mat[j][k].abs()));
            }
        }
        // ν_aj = (1/d) tr(P_a Q0 L_j Q0) >= 0 whenever L_j is PSD (diagonal pairs, P_a terms)
        for (j, t) in giantstep_risk::terms::terms(r).iter().enumerate() {
            if matches!(t, Term::Pair(a, b) if a == b) || matches!(t, Term::Diag(_)) {
                prop_assert!(res.nu.iter().all(|row| row[j] >= -1e-14));
            }
        }
        let sum: f64 = res.weights.iter().zip(&res.cond_error).map(|(w, e)| w * e).sum();
        prop_assert!((sum - res.e_gen).abs() < tol);
    }
}
