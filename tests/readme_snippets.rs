//! The Rust snippets of README.md, run as tests. `readme_snippets_are_these_tests` checks
//! that every ```rust block of the README appears verbatim (up to indentation) in this file,
//! so the README cannot drift from code that compiles and passes.

#[test]
fn hermite_snippet() {
    // snippet: hermite
    use giantstep_hermite::{Activation, ShiftedCoefficients, coefficients::hermite_coefficients};
    let relu: Activation = "relu".parse().unwrap();
    let mu = hermite_coefficients(&relu, 2).unwrap(); // μ_k = E[σ(Z) He_k(Z)]
    assert!((mu[1] - 0.5).abs() < 1e-14); // μ1(relu) = 1/2
    let shifted = ShiftedCoefficients::new(relu, 1).unwrap();
    let v = shifted.eval(0.0).unwrap(); // μ_k(c), μ*(c)² at c = 0
    assert!((v.mu_star_sq - (0.25 - 0.5 / std::f64::consts::PI)).abs() < 1e-14);
    // end
}

#[test]
fn spiked_snippet() {
    // snippet: spiked
    use giantstep_spiked::{features, sampling, spectrum::Spectrum};
    use num_complex::Complex64;
    let (d, p, n) = (200, 300, 400);
    let w = sampling::sphere_rows(p, d, 1).unwrap(); // rows uniform on the sphere
    let x = sampling::gaussian_data(d, n, 2).unwrap(); // x ~ N(0, I_d), one per column
    let f = features::features(w.as_ref(), x.as_ref(), f64::tanh).unwrap();
    let s = Spectrum::of_features(f.as_ref()).unwrap(); // eigenvalues of F Fᵀ/n
    let m = s.stieltjes(Complex64::new(-0.5, 0.0)); // (1/p) tr (F Fᵀ/n + 0.5)^{-1}
    assert!(m.re > 0.0 && m.re < 2.0);
    // end
}

#[test]
fn stieltjes_snippet() {
    // snippet: stieltjes
    use giantstep_stieltjes::{Profile, SpikedProblem, marchenko_pastur};
    use num_complex::Complex64;
    // μ1 = 0, μ*² = 1 at a single κ-node: the Marchenko-Pastur law with ratio ψ/α = 1/2.
    let profile = Profile::new(vec![0.0], vec![1.0], 1, vec![0.0], vec![1.0]).unwrap();
    let problem = SpikedProblem::new(profile, vec![1.0], 1.0, 2.0).unwrap();
    let z = Complex64::new(0.5, 0.5);
    let sol = problem.solve(z).unwrap();
    let closed = marchenko_pastur::stieltjes(z, 0.5, 1.0).unwrap();
    assert!((sol.m - closed).norm() < 1e-10);
    // end
}

#[test]
fn risk_snippet() {
    // snippet: risk
    use giantstep_hermite::Activation;
    use giantstep_risk::{Group, RiskProblem};
    // ReLU features with spike u = 3, target z + He2/√2, Δ = 0.25, ψ = 0.5, α = 3, λ = 0.1.
    let target = Activation::Hermite(vec![0.0, 1.0, std::f64::consts::FRAC_1_SQRT_2]);
    let problem = RiskProblem::new(
        Activation::Relu,
        target,
        0.25,
        vec![Group::plain(3.0, 1.0)],
        0.5,
        3.0,
        0.1,
    );
    let r = problem.solve().unwrap();
    assert!(r.e_gen >= r.irreducible + 0.25 && r.e_train < r.e_gen);
    // end
}

#[test]
fn giantstep_snippet() {
    // snippet: giantstep
    use giantstep::{config::Experiment, experiments::spectrum, model::Model};
    let e: Experiment = toml::from_str(
        "activation = \"relu\"\npsi = 1.5\nalpha = 2.0\ngroups = [{ u = 0.0, pi = 1.0 }]",
    )
    .unwrap();
    let model = Model::new(&e).unwrap();
    let point = spectrum::stieltjes(&model, num_complex::Complex64::new(-0.5, 0.0)).unwrap();
    assert!((point.m[0] - 1.411028).abs() < 1e-6); // the Stieltjes issue's reference value
    // end
}

/// Every ```rust block of the README is one of the snippets above.
#[test]
fn readme_snippets_are_these_tests() {
    let root = env!("CARGO_MANIFEST_DIR");
    let readme = std::fs::read_to_string(format!("{root}/README.md")).unwrap();
    let this = std::fs::read_to_string(format!("{root}/tests/readme_snippets.rs")).unwrap();
    let norm = |s: &str| -> Vec<String> {
        s.lines()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect()
    };
    let source = norm(&this).join("\n");
    let mut blocks = 0;
    let mut rest = readme.as_str();
    while let Some(start) = rest.find("```rust\n") {
        let body_start = start + "```rust\n".len();
        let end = rest[body_start..].find("```").expect("closed block") + body_start;
        let block = norm(&rest[body_start..end]).join("\n");
        assert!(
            source.contains(&block),
            "README block not in tests/readme_snippets.rs:\n{block}"
        );
        blocks += 1;
        rest = &rest[end + 3..];
    }
    assert!(
        blocks >= 5,
        "expected a snippet per kernel crate and one for giantstep, found {blocks}"
    );
}
