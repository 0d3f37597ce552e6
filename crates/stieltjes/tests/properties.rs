//! Property tests of the spiked solver on random profile tables (THEORY.md §4 "Facts").

use giantstep_stieltjes::{DensityConfig, Profile, SpikedProblem};
use num_complex::Complex64 as C64;
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Case {
    r: usize,
    nodes: Vec<f64>,
    weights: Vec<f64>,
    d: Vec<f64>,
    e2: Vec<f64>,
    pi: Vec<f64>,
    psi: f64,
    alpha: f64,
}

impl Case {
    fn problem(&self) -> SpikedProblem {
        let prof = Profile::new(
            self.nodes.clone(),
            self.weights.clone(),
            self.r,
            self.d.clone(),
            self.e2.clone(),
        )
        .unwrap();
        SpikedProblem::new(prof, self.pi.clone(), self.psi, self.alpha).unwrap()
    }
}

fn normalize(v: Vec<f64>) -> Vec<f64> {
    let s: f64 = v.iter().sum();
    v.into_iter().map(|x| x / s).collect()
}

fn case() -> impl Strategy<Value = Case> {
    (1usize..=3, 1usize..=10)
        .prop_flat_map(|(r, k)| {
            (
                Just(r),
                prop::collection::vec(-3.0..3.0f64, k),
                prop::collection::vec(0.05..1.0f64, k),
                prop::collection::vec(-1.5..1.5f64, k * r),
                prop::collection::vec(0.0..1.0f64, k * r),
                prop::collection::vec(0.05..1.0f64, r),
                0.2..4.0f64,
                0.2..4.0f64,
            )
        })
        .prop_map(|(r, nodes, w, d, e2, pi, psi, alpha)| Case {
            r,
            nodes,
            weights: normalize(w),
            d,
            // keep some noise so the spectrum is not degenerate
            e2: e2.into_iter().map(|v| v + 0.02).collect(),
            pi: normalize(pi),
            psi,
            alpha,
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn herglotz_im_m_and_im_q_tilde_positive_for_im_z_positive(c in case(), re in -3.0..5.0f64, im in 1e-3..3.0f64) {
        let p = c.problem();
        let sol = p.solve(C64::new(re, im)).unwrap();
        prop_assert!(sol.m.im > 0.0, "m = {}", sol.m);
        for qt in &sol.q_tilde {
            prop_assert!(qt.im > 0.0);
        }
        for dl in &sol.delta {
            prop_assert!(dl.im >= -1e-12 * dl.norm());
        }
        prop_assert!(sol.residual < 1e-11);
    }

    #[test]
    fn real_and_positive_for_real_negative_z(c in case(), x in 0.01..5.0f64) {
        let p = c.problem();
        let sol = p.solve(C64::new(-x, 0.0)).unwrap();
        prop_assert!(sol.m.re > 0.0 && sol.m.im.abs() <= 1e-14 * sol.m.re);
        // m(-x) <= 1/x (a probability measure on [0, inf))
        prop_assert!(sol.m.re <= 1.0 / x * (1.0 + 1e-12));
        for (a, q) in sol.q.iter().enumerate() {
            prop_assert!(q.re >= 0.0 && q.im.abs() <= 1e-14 * (1.0 + q.re));
            prop_assert!(sol.q_tilde[a].re > 0.0);
        }
        for dl in &sol.delta {
            prop_assert!(dl.re >= 0.0 && dl.im.abs() <= 1e-14 * (1.0 + dl.re));
        }
    }

    #[test]
    fn large_z_expansion_minus_one_over_z_minus_first_moment_over_z_squared(c in case(), theta in 0.05..3.09f64) {
        let p = c.problem();
        let m1 = p.first_moment();
        let radius = 1e4 * (1.0 + m1) * (1.0 + c.psi) * (1.0 + c.psi / c.alpha);
        let z = C64::from_polar(radius, theta);
        let m = p.solve(z).unwrap().m;
        prop_assert!((z * m + 1.0).norm() < 1e-3, "z m = {}", z * m);
        // next order: z^2 m + z + m1 = O(m2 / |z|)
        prop_assert!((z * z * m + z + m1).norm() < 1e-2 * m1 + 1e-9, "{}", z * z * m + z + m1);
    }

    #[test]
    fn gram_side_identity_e_kappa_of_delta(c in case(), re in -3.0..5.0f64, im in 1e-2..3.0f64) {
        // (1/n) tr (F^T F/n - z)^{-1} = E_κ[-1/(z(1+δ(κ)))] = (ψ/α) m - (1 - ψ/α)/z
        let p = c.problem();
        let z = C64::new(re, im);
        let sol = p.solve(z).unwrap();
        let mut gram = C64::new(0.0, 0.0);
        for (w, dl) in c.weights.iter().zip(&sol.delta) {
            gram += -*w / (z * (1.0 + dl));
        }
        let ratio = c.psi / c.alpha;
        let rhs = ratio * sol.m - (1.0 - ratio) / z;
        prop_assert!((gram - rhs).norm() < 1e-9 * (1.0 + rhs.norm()), "{gram} vs {rhs}");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 10, ..ProptestConfig::default() })]

    #[test]
    fn density_nonnegative_with_total_mass_one_within_1e_3(
        c in case(),
        ratio in prop::sample::select(vec![0.3, 0.5, 2.0, 3.0]),
    ) {
        let mut c = c;
        c.alpha = c.psi * ratio;
        let p = c.problem();
        let cfg = DensityConfig::default();
        let edge = p.right_edge(&cfg).unwrap();
        prop_assert!(edge > 0.0);
        // Chebyshev-spaced grid on [0, edge]: resolves the square-root edges at both ends and
        // the narrow, tall components near 0 of nearly noiseless features
        let n = 4000;
        let grid: Vec<f64> = (0..=n)
            .map(|i| 0.5 * edge * (1.0 - (std::f64::consts::PI * i as f64 / n as f64).cos()))
            .collect();
        let dens = p.density(&grid, &cfg).unwrap();
        prop_assert!(dens.rho.iter().all(|&r| r >= 0.0 && r.is_finite()));
        let mass = dens.integral() + dens.atom;
        prop_assert!((mass - 1.0).abs() < 1e-3, "mass {} (atom {}) edge {}", mass, dens.atom, edge);
        // tail beyond 0 = continuous mass
        let tail = p.tail_mass_below_edge(0.0, edge, &cfg).unwrap();
        prop_assert!((tail - (1.0 - dens.atom)).abs() < 1e-4, "tail {}", tail);
    }
}
