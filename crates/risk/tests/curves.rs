//! Optimal ridge and learning curves.

use giantstep_hermite::Activation;
use giantstep_hermite::coefficients::{hermite_coefficients, mu_star_sq};
use giantstep_risk::curves::{RidgeSearch, Sweep, learning_curve, optimal_ridge};
use giantstep_risk::mei_montanari::{MmInputs, test_error};
use giantstep_risk::{Group, RiskProblem};

#[test]
fn optimal_ridge_u0_matches_dense_scan_of_mei_montanari() {
    // u = 0, relu, target κ + 0.5 He2, Δ = 0.5, ψ = 1.5, α = 1: λ* from the golden-section
    // search vs a dense log-scan (4001 points over [1e-4, 1e3]) of the independent MM formula.
    let p = RiskProblem::new(
        Activation::Relu,
        Activation::Hermite(vec![0.0, 1.0, 0.5]),
        0.5,
        vec![Group::plain(0.0, 1.0)],
        1.5,
        1.0,
        1.0,
    );
    let opt = optimal_ridge(&p, &RidgeSearch::default()).unwrap();
    assert!(!opt.at_boundary);
    let mu = hermite_coefficients(&Activation::Relu, 1).unwrap();
    let inp = MmInputs {
        mu0: mu[0],
        mu1: mu[1],
        mustar2: mu_star_sq(&Activation::Relu).unwrap(),
        f0: 0.0,
        f1: 1.0,
        second_moment: 1.0 + 0.25 * 2.0,
    };
    let (mut best_l, mut best_e) = (0.0, f64::INFINITY);
    for i in 0..=4000 {
        let l = 10f64.powf(-4.0 + 7.0 * i as f64 / 4000.0);
        let e = test_error(&inp, 0.5, 1.5, 1.0, l).unwrap();
        if e < best_e {
            best_e = e;
            best_l = l;
        }
    }
    assert!(
        opt.result.e_gen <= best_e * (1.0 + 1e-9),
        "{} vs scan {best_e}",
        opt.result.e_gen
    );
    // the scan's resolution is 7/4000 decades
    assert!(
        (opt.lambda.log10() - best_l.log10()).abs() < 0.01,
        "{} vs {best_l}",
        opt.lambda
    );
}

#[test]
fn learning_curves_have_expected_shape() {
    let p = RiskProblem::new(
        Activation::Relu,
        Activation::Hermite(vec![0.0, 1.0, std::f64::consts::FRAC_1_SQRT_2]),
        0.25,
        vec![Group::plain(3.0, 1.0)],
        0.5,
        3.0,
        0.1,
    );
    // alpha: error decreases with more data (at this ridge)
    let c = learning_curve(&p, &Sweep::Alpha(vec![1.0, 2.0, 4.0, 8.0, 16.0])).unwrap();
    for w in c.windows(2) {
        assert!(
            w[1].e_gen < w[0].e_gen,
            "{:?}",
            c.iter().map(|x| x.e_gen).collect::<Vec<_>>()
        );
    }
    // lambda sweep point agrees with a direct solve
    let cl = learning_curve(&p, &Sweep::Lambda(vec![0.01, 0.1, 1.0])).unwrap();
    let direct = p.solve().unwrap();
    assert!((cl[1].e_gen - direct.e_gen).abs() < 1e-10);
    // eta sweep: eta = 0 is random features; a big step helps on this target
    let ce = learning_curve(
        &p,
        &Sweep::Eta {
            etas: vec![0.0, 3.0],
            a_values: vec![1.0, -1.0],
            fractions: vec![0.5, 0.5],
            theta_rescaled: false,
        },
    )
    .unwrap();
    assert!(
        ce[1].e_gen < ce[0].e_gen,
        "{} vs {}",
        ce[1].e_gen,
        ce[0].e_gen
    );
    assert!(ce.iter().all(|x| x.e_gen >= x.irreducible + 0.25));
}

#[test]
fn warm_started_curves_agree_with_cold_point_by_point_solves() {
    // Warm starts along a curve may change the last digits only within the solver tolerance
    // (block residual 1e-12 at every point): E_gen and E_train of every point of 60-point
    // curves over alpha, psi and lambda (two groups, through the interpolation region) agree
    // with a cold solve of that point alone to 1e-10 relative.
    let p = RiskProblem::new(
        Activation::Relu,
        Activation::Tanh,
        0.1,
        vec![
            Group {
                u: 1.5,
                pi: 0.5,
                gamma: 2.7,
            },
            Group {
                u: -1.5,
                pi: 0.5,
                gamma: -0.7,
            },
        ],
        1.0,
        2.0,
        0.05,
    );
    let grid = |lo: f64, hi: f64| -> Vec<f64> {
        (0..60)
            .map(|i| lo * (hi / lo).powf(i as f64 / 59.0))
            .collect()
    };
    let sweeps = [
        ("alpha", Sweep::Alpha(grid(0.2, 8.0))),
        ("psi", Sweep::Psi(grid(0.2, 8.0))),
        ("lambda", Sweep::Lambda(grid(1e-3, 10.0))),
    ];
    for (name, sweep) in sweeps {
        let curve = learning_curve(&p, &sweep).unwrap();
        let mut worst = 0.0_f64;
        for pt in &curve {
            let mut q = p.clone();
            match name {
                "alpha" => q.alpha = pt.x,
                "psi" => q.psi = pt.x,
                _ => q.lambda = pt.x,
            }
            let cold = q.solve().unwrap();
            for (w, c) in [(pt.e_gen, cold.e_gen), (pt.e_train, cold.e_train)] {
                worst = worst.max((w - c).abs() / c.abs());
            }
        }
        assert!(
            worst <= 1e-10,
            "{name}: warm vs cold differ by {worst:e} (relative)"
        );
    }
}
