//! Unit tests of the solver internals: the analytic Jacobian against central differences,
//! Newton against the Anderson cold start, typed errors.

use super::*;

fn problem(r: usize) -> SpikedProblem {
    let nodes = vec![-2.0, -0.7, 0.3, 1.1, 2.4];
    let weights = vec![0.1, 0.25, 0.3, 0.25, 0.1];
    let profile = Profile::from_fn(nodes, weights, r, |k, a| {
        let c = (a as f64 + 1.0) * 0.7 * k;
        (0.4 + 0.3 * c.tanh(), 0.2 + 0.1 * (c * 0.5).sin().powi(2))
    })
    .unwrap();
    let pi: Vec<f64> = (0..r).map(|a| (a + 1) as f64).collect();
    let tot: f64 = pi.iter().sum();
    SpikedProblem::new(profile, pi.iter().map(|v| v / tot).collect(), 1.3, 0.8).unwrap()
}

#[test]
fn analytic_jacobian_matches_central_differences_for_r_1_2_3() {
    for r in 1..=3 {
        let p = problem(r);
        let z = C64::new(0.8, 0.3);
        let n = p.unknowns();
        let mut ws = Workspace::new(&p);
        // an arbitrary (not converged) complex point
        let x: Vec<C64> = (0..n)
            .map(|i| C64::new(0.3 + 0.1 * i as f64, 0.05 * (i as f64 + 1.0)))
            .collect();
        assert!(p.eval(z, &x, &mut ws));
        p.jacobian(&x, &mut ws);
        let jac = ws.jac.matrix().to_owned();
        let h = 1e-6;
        for col in 0..n {
            let mut xp = x.clone();
            let mut xm = x.clone();
            xp[col] += h;
            xm[col] -= h;
            assert!(p.eval(z, &xp, &mut ws));
            let yp = ws.y.clone();
            assert!(p.eval(z, &xm, &mut ws));
            let ym = ws.y.clone();
            for row in 0..n {
                let fd = (yp[row] - ym[row]) / (2.0 * h);
                let id = if row == col { ONE } else { ZERO };
                let analytic = id - jac[(row, col)];
                assert!(
                    (fd - analytic).norm() < 1e-7 * (1.0 + fd.norm()),
                    "r {r} row {row} col {col}: fd {fd} analytic {analytic}"
                );
            }
        }
    }
}

#[test]
fn newton_from_a_perturbed_start_agrees_with_anderson_cold_start() {
    for r in 1..=3 {
        let p = problem(r);
        for &z in &[C64::new(-0.4, 0.0), C64::new(0.6, 0.2), C64::new(2.0, 1.0)] {
            let cold = p.solve(z).unwrap();
            let mut warm = cold.clone();
            for v in warm.q.iter_mut().chain(warm.t.iter_mut()) {
                *v *= 1.05;
            }
            let w = p
                .solve_with(z, Some(&warm), &SolverConfig::default())
                .unwrap();
            assert!((w.m - cold.m).norm() < 1e-10 * cold.m.norm(), "r {r} z {z}");
            assert!(w.residual < 1e-12 && cold.residual < 1e-12);
        }
    }
}

#[test]
fn invalid_z_and_inputs_are_typed_errors() {
    let p = problem(2);
    assert!(matches!(
        p.solve(C64::new(1.0, 0.0)),
        Err(StieltjesError::InvalidZ { .. })
    ));
    assert!(matches!(
        p.solve(C64::new(0.0, 0.0)),
        Err(StieltjesError::InvalidZ { .. })
    ));
    assert!(matches!(
        p.solve(C64::new(f64::NAN, 1.0)),
        Err(StieltjesError::InvalidZ { .. })
    ));
    let prof = p.profile().clone();
    assert!(matches!(
        SpikedProblem::new(prof.clone(), vec![0.5, 0.6], 1.0, 1.0),
        Err(StieltjesError::NotNormalized { .. })
    ));
    assert!(matches!(
        SpikedProblem::new(prof.clone(), vec![1.0], 1.0, 1.0),
        Err(StieltjesError::LengthMismatch { .. })
    ));
    assert!(SpikedProblem::new(prof.clone(), vec![0.5, 0.5], f64::NAN, 1.0).is_err());
    assert!(SpikedProblem::new(prof, vec![0.5, 0.5], 1.0, 0.0).is_err());
}

#[test]
fn nodes_with_equal_profiles_are_merged_without_changing_the_solution() {
    // five nodes with one profile row: one node of weight 1
    let dup = Profile::new(
        vec![-2.0, -0.7, 0.3, 1.1, 2.4],
        vec![0.1, 0.25, 0.3, 0.25, 0.1],
        1,
        vec![0.6; 5],
        vec![0.3; 5],
    )
    .unwrap();
    let one = Profile::new(vec![0.0], vec![1.0], 1, vec![0.6], vec![0.3]).unwrap();
    let p = SpikedProblem::new(dup, vec![1.0], 1.3, 0.8).unwrap();
    let q = SpikedProblem::new(one, vec![1.0], 1.3, 0.8).unwrap();
    assert_eq!(p.nodes.len(), 1);
    assert_eq!(p.nodes.node_of, vec![0; 5]);
    // distinct rows are kept
    assert_eq!(problem(2).nodes.len(), 5);
    for z in [C64::new(0.8, 0.3), C64::new(-0.5, 0.0), C64::new(2.0, 1e-6)] {
        let (a, b) = (p.solve(z).unwrap(), q.solve(z).unwrap());
        assert!(
            (a.m - b.m).norm() < 1e-13 * b.m.norm(),
            "{z}: {} vs {}",
            a.m,
            b.m
        );
        // δ is reported at every node of the profile
        assert_eq!(a.delta.len(), 5);
        assert!(
            a.delta
                .iter()
                .all(|d| (d - b.delta[0]).norm() < 1e-12 * (1.0 + b.delta[0].norm()))
        );
    }
}

/// Residual of `sol` in the equations summed over every κ-node (negligible ones included).
fn residual_over_all_nodes(p: &SpikedProblem, sol: &SpikedSolution) -> f64 {
    let r = p.groups();
    let mut x = sol.q.clone();
    x.extend(p.tri.iter().map(|&(a, b)| sol.t(a, b)));
    let mut ws = Workspace::new(p);
    ws.all_nodes = true;
    assert!(p.eval(sol.z, &x, &mut ws));
    block_residual(r, &x, &ws.y)
}

/// A Gauss-Hermite-like rule: nodes on [-12, 12] with Gaussian weights, most of them far
/// below round-off.
fn gaussian_tail_problem(r: usize, psi: f64, alpha: f64) -> SpikedProblem {
    let nodes: Vec<f64> = (0..97).map(|i| -12.0 + 0.25 * i as f64).collect();
    let raw: Vec<f64> = nodes.iter().map(|k| (-0.5 * k * k).exp()).collect();
    let tot: f64 = raw.iter().sum();
    let weights = raw.iter().map(|w| w / tot).collect();
    let profile = Profile::from_fn(nodes, weights, r, |k, a| {
        let c = if a == 0 { 1.5 } else { -1.5 } * k;
        (
            0.5 * (1.0 + (c / 2f64.sqrt()).tanh()),
            0.15 + 0.05 * c.tanh(),
        )
    })
    .unwrap();
    SpikedProblem::new(profile, vec![1.0 / r as f64; r], psi, alpha).unwrap()
}

#[test]
fn negligible_nodes_are_left_out_and_the_solution_solves_the_full_equations() {
    let p = gaussian_tail_problem(2, 1.0, 2.0);
    // negligible: w_k |φ_jk| ≤ 1e-19 B_j / 97, that is w_k ≲ 1e-21 (|φ| ~ B): |κ| ≳ 9.6,
    // about 20 of the 97 nodes
    let kept = p.nodes.kept();
    assert!((70..=85).contains(&kept), "{kept} kept");
    for z in [
        C64::new(0.8, 0.3),
        C64::new(-0.5, 0.0),
        C64::new(1.2, 1e-6),
        C64::new(3.0, 1e-3),
    ] {
        let mut ws = Workspace::new(&p);
        let sol = p
            .solve_in(z, None, &SolverConfig::default(), &mut ws)
            .unwrap();
        assert!(!ws.all_nodes, "{z}: the bound held");
        let res = residual_over_all_nodes(&p, &sol);
        assert!(res <= 1e-12, "{z}: residual over all nodes {res:e}");
        // δ reported at every node of the profile, the negligible ones from the same θ
        assert_eq!(sol.delta.len(), 97);
        assert!(
            sol.delta
                .iter()
                .all(|d| d.re.is_finite() && d.im >= -1e-9 * d.norm())
        );
    }
}

#[test]
fn a_negligible_node_with_a_small_denominator_switches_to_all_nodes() {
    // node 1 has weight 1e-3 but φ ~ 1e-24: negligible; δ there stays ~0 while at the other
    // nodes δ ~ 1e4 (z → 0⁻, ψ > α), so |1 + δ| is 1e-4 of the kept nodes' and the bound of
    // the module docs fails: the solver must fall back to all nodes
    let profile = Profile::new(
        vec![-1.0, 0.0, 1.0],
        vec![0.4995, 1e-3, 0.4995],
        1,
        vec![0.8, 1e-12, 1.0],
        vec![0.5, 1e-25, 1.0],
    )
    .unwrap();
    let p = SpikedProblem::new(profile, vec![1.0], 4.0, 1.0).unwrap();
    assert_eq!(p.nodes.kept(), 2);
    let z = C64::new(-1e-6, 0.0);
    let mut ws = Workspace::new(&p);
    let sol = p
        .solve_in(z, None, &SolverConfig::default(), &mut ws)
        .unwrap();
    let big = sol.delta[0].norm().min(sol.delta[2].norm());
    assert!(big > 1e3, "δ at the kept nodes {big:e}");
    assert!(ws.all_nodes, "the bound failed and the workspace switched");
    let res = residual_over_all_nodes(&p, &sol);
    assert!(res <= 1e-12, "residual over all nodes {res:e}");
}
