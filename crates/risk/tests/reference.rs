//! Reference value of issue 5 (computed outside the project, THEORY.md §5b): ReLU, one group
//! `u = 3`, target `z + He2/√2`, `ψ = 0.5`, `α = 3`, `λ = 0.1`, `Δ = 0.25`:
//! `E_gen = 1.18678`, `E_train = 0.93404` (to 1e-4 relative), and the κ quadrature is
//! converged at the default node count.

use giantstep_hermite::Activation;
use giantstep_risk::{Group, KappaQuadrature, RiskProblem};

fn problem() -> RiskProblem {
    RiskProblem::new(
        Activation::Relu,
        Activation::Hermite(vec![0.0, 1.0, std::f64::consts::FRAC_1_SQRT_2]),
        0.25,
        vec![Group::plain(3.0, 1.0)],
        0.5,
        3.0,
        0.1,
    )
}

#[test]
fn reference_value_relu_u3_matches_issue_1e4() {
    let res = problem().solve().unwrap();
    assert!(
        (res.e_gen / 1.18678 - 1.0).abs() < 1e-4,
        "E_gen = {}",
        res.e_gen
    );
    assert!(
        (res.e_train / 0.93404 - 1.0).abs() < 1e-4,
        "E_train = {}",
        res.e_train
    );
    let d = res.decomposition;
    let sum = d.bias + d.g_price + d.variance + d.noise;
    assert!(
        (sum - res.e_gen).abs() < 1e-12,
        "decomposition sums to {sum}, E_gen {}",
        res.e_gen
    );
    assert!(d.bias > 0.0 && d.g_price > 0.0 && d.variance > 0.0);
    assert!(res.e_gen >= res.irreducible + 0.25);
    assert!(res.spectral_radius > 0.0 && res.spectral_radius < 1.0);
}

#[test]
fn reference_value_converged_in_kappa_nodes() {
    // default: 10 nodes per unit panel on [-10, 10]; doubling must not move E_gen beyond 1e-9
    let base = problem().solve().unwrap();
    let mut p = problem();
    p.quadrature = KappaQuadrature::PiecewiseLegendre {
        nodes_per_piece: 20,
        cutoff: 12.0,
        extra_breakpoints: vec![],
    };
    let fine = p.solve().unwrap();
    assert!((fine.e_gen - base.e_gen).abs() < 1e-9 * base.e_gen);
    assert!((fine.e_train - base.e_train).abs() < 1e-9 * base.e_train);
    // Gauss-Hermite with many nodes agrees too (smooth target)
    p.quadrature = KappaQuadrature::GaussHermite { nodes: 400 };
    let gh = p.solve().unwrap();
    assert!(
        (gh.e_gen - base.e_gen).abs() < 1e-7 * base.e_gen,
        "{} vs {}",
        gh.e_gen,
        base.e_gen
    );
}

#[test]
fn kinked_target_needs_breakpoint_and_converges() {
    // target relu(κ) - E relu: kink at 0; the rule puts a breakpoint there, so 10 and 20
    // nodes per panel agree to 1e-9.
    let mut p = problem();
    p.target = Activation::Relu;
    let a = p.solve().unwrap();
    p.quadrature = KappaQuadrature::PiecewiseLegendre {
        nodes_per_piece: 20,
        cutoff: 12.0,
        extra_breakpoints: vec![],
    };
    let b = p.solve().unwrap();
    assert!(
        (a.e_gen - b.e_gen).abs() < 1e-9 * a.e_gen,
        "{} vs {}",
        a.e_gen,
        b.e_gen
    );
}

#[test]
fn bad_inputs_give_typed_errors() {
    use giantstep_risk::RiskError;
    let mut p = problem();
    p.lambda = 0.0;
    assert!(matches!(p.solve(), Err(RiskError::BadLambda(_))));
    p.lambda = f64::NAN;
    assert!(matches!(p.solve(), Err(RiskError::BadLambda(_))));
    let mut p = problem();
    p.psi = -1.0;
    assert!(matches!(
        p.solve(),
        Err(RiskError::BadRatio { name: "psi", .. })
    ));
    let mut p = problem();
    p.groups = vec![Group::plain(1.0, 0.4), Group::plain(2.0, 0.4)];
    assert!(matches!(p.solve(), Err(RiskError::BadGroups(_))));
    let mut p = problem();
    p.groups = vec![Group::plain(f64::NAN, 1.0)];
    assert!(matches!(p.solve(), Err(RiskError::BadGroups(_))));
    let mut p = problem();
    p.noise = -0.1;
    assert!(matches!(p.solve(), Err(RiskError::BadNoise(_))));
    let mut p = problem();
    p.quadrature = KappaQuadrature::GaussHermite {
        nodes: 1_000_000_000,
    };
    assert!(matches!(p.solve(), Err(RiskError::TooLarge { .. })));
}
