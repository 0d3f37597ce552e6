//! Reference values of issue 4 (computed outside this crate; 160 Gauss-Hermite κ-nodes).

use giantstep_hermite::Activation;
use giantstep_stieltjes::SpikedProblem;
use num_complex::Complex64 as C64;

#[test]
fn relu_u0_psi_1_5_alpha_2_at_z_minus_half_matches_reference_to_1e_5() {
    let p = SpikedProblem::from_activation(&Activation::Relu, &[0.0], vec![1.0], 1.5, 2.0, 160)
        .unwrap();
    let sol = p.solve(C64::new(-0.5, 0.0)).unwrap();
    assert!(
        (sol.m - C64::new(1.411028, 0.0)).norm() < 1e-5,
        "m = {}",
        sol.m
    );
    assert!(sol.residual < 1e-12);
}

#[test]
fn tanh_u_pm2_psi_1_5_alpha_2_at_z_half_plus_half_i_matches_reference_to_1e_5() {
    let p = SpikedProblem::from_activation(
        &Activation::Tanh,
        &[2.0, -2.0],
        vec![0.5, 0.5],
        1.5,
        2.0,
        160,
    )
    .unwrap();
    let sol = p.solve(C64::new(0.5, 0.5)).unwrap();
    assert!(
        (sol.m - C64::new(-0.717587, 1.241277)).norm() < 1e-5,
        "m = {}",
        sol.m
    );
    assert!(sol.residual < 1e-12);
    // Schwarz reflection
    let low = p.solve(C64::new(0.5, -0.5)).unwrap();
    assert!((low.m - sol.m.conj()).norm() < 1e-12);
}
