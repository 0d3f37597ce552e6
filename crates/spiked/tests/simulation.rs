//! End-to-end simulations: the one-step network is closer to the θ-rescaled spiked model
//! than to the plain one (THEORY.md §2, §5d).

use giantstep_hermite::Activation;
use giantstep_spiked::network::{GroupSampling, Initialization};
use giantstep_spiked::onestep::OneStepConfig;
use giantstep_spiked::sampling::SecondLayerLaw;
use giantstep_spiked::simulation::{
    OneStepRfConfig, RidgeStage, SpikedRfConfig, simulate_one_step_rf, simulate_spiked_rf,
};
use giantstep_spiked::spike::SpikeGroups;

#[test]
fn one_step_network_test_error_is_closer_to_rescaled_than_plain_spiked_model_at_d_300() {
    // ReLU, σ* = He1 + He2/√2, η̃ = 3, a = ±1, n0 = 64 d, ψ = 1, α = 2, λ = 0.1, d = 300,
    // 2 seeds, 20 000 test points. THEORY.md §5d: the θ-rescaling moves E_gen by O(1)
    // (≈ 0.2 in the reference configuration); the one-step network follows the rescaled model.
    let target = Activation::hermite(vec![0.0, 1.0, std::f64::consts::FRAC_1_SQRT_2]).unwrap();
    let eta = 3.0;
    let ridge = RidgeStage {
        alpha: 2.0,
        lambda: 0.1,
        n_test: 20_000,
        test_chunk: 4096,
    };
    let law = SecondLayerLaw::rademacher();
    let mu_sigma = [0.5, 1.0 / (2.0 * std::f64::consts::PI).sqrt()];
    let mu_star = [1.0, std::f64::consts::SQRT_2];
    let (mut net, mut resc, mut plain) = (0.0, 0.0, 0.0);
    for seed in [1u64, 2] {
        let cfg = OneStepRfConfig {
            sigma: Activation::Relu,
            target: target.clone(),
            delta: 0.0,
            law: law.clone(),
            init: Initialization::Symmetric,
            group_sampling: GroupSampling::Exact,
            step: OneStepConfig::new(eta, 64 * 300),
            psi: 1.0,
            ridge: ridge.clone(),
            d: 300,
            seed,
        };
        net += simulate_one_step_rf(&cfg).unwrap().ridge.e_gen.mean / 2.0;
        for (rescaled, acc) in [(true, &mut resc), (false, &mut plain)] {
            let groups = SpikeGroups::from_step(&law, eta, mu_sigma, mu_star, rescaled).unwrap();
            let scfg = SpikedRfConfig {
                sigma: Activation::Relu,
                target: target.clone(),
                delta: 0.0,
                groups,
                psi: 1.0,
                ridge: ridge.clone(),
                d: 300,
                seed,
            };
            *acc += simulate_spiked_rf(&scfg).unwrap().e_gen.mean / 2.0;
        }
    }
    println!("E_gen: one-step {net:.4}, rescaled spiked {resc:.4}, plain spiked {plain:.4}");
    assert!(
        (net - resc).abs() < (net - plain).abs(),
        "one-step {net}, rescaled {resc}, plain {plain}"
    );
}
