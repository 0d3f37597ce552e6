//! One giant step (THEORY.md §2) against its predictions.

use giantstep_hermite::Activation;
use giantstep_spiked::network::{GroupSampling, Initialization, Network};
use giantstep_spiked::onestep::{Gradient, OneStepConfig, one_step, step_diagnostics};
use giantstep_spiked::sampling::{SecondLayerLaw, unit_direction};

/// `σ* = He1 + He2/√2` (μ1* = 1, μ2* = √2, E σ*² = 2).
fn target() -> Activation {
    Activation::hermite(vec![0.0, 1.0, std::f64::consts::FRAC_1_SQRT_2]).unwrap()
}

fn run(
    d: usize,
    p: usize,
    c: usize,
    eta: f64,
    seed: u64,
) -> (
    giantstep_spiked::onestep::StepDiagnostics,
    Network,
    Vec<f64>,
) {
    let net = Network::sample(
        p,
        d,
        &SecondLayerLaw::rademacher(),
        Initialization::Symmetric,
        GroupSampling::Exact,
        seed,
    )
    .unwrap();
    let theta = unit_direction(d, seed + 1000).unwrap();
    let cfg = OneStepConfig::new(eta, c * d);
    let w1 = one_step(&net, &theta, &Activation::Relu, &target(), &cfg, seed).unwrap();
    let diag = step_diagnostics(
        net.w(),
        w1.as_ref(),
        &theta,
        &net.a,
        &Activation::Relu,
        &target(),
        &cfg,
    )
    .unwrap();
    (diag, net, theta)
}

#[test]
fn relu_step_overlap_above_0_9_at_d_500_n0_32d() {
    // ReLU, σ* = He1 + He2/√2, η̃ = 2, n0 = 32 d, d = 500, p = 500 (symmetric init).
    let (diag, _, _) = run(500, 500, 32, 2.0, 1);
    assert!(diag.overlap > 0.9, "overlap {}", diag.overlap);
    // Finite-batch prediction cos_c = sqrt(32 / 34) = 0.970; tolerance 0.03 at d = 500.
    assert!((diag.predicted_overlap - (32.0f64 / 34.0).sqrt()).abs() < 1e-12);
    assert!(
        (diag.overlap - diag.predicted_overlap).abs() < 0.03,
        "{} vs {}",
        diag.overlap,
        diag.predicted_overlap
    );
}

#[test]
fn overlap_increases_with_batch_ratio_and_follows_cos_c_within_0_05_at_d_400() {
    // c = n0/d in {1, 4, 16}, d = p = 400, two seeds averaged; predicted cos_c = .577, .816, .943.
    let mut last = 0.0;
    for c in [1usize, 4, 16] {
        let (mut sum, mut pred) = (0.0, 0.0);
        for seed in [11u64, 12] {
            let (diag, _, _) = run(400, 400, c, 2.0, seed);
            sum += diag.overlap / 2.0;
            pred = diag.predicted_overlap;
        }
        assert!(sum > last, "c = {c}: overlap {sum} not above {last}");
        assert!(
            (sum - pred).abs() < 0.05,
            "c = {c}: overlap {sum} vs predicted {pred}"
        );
        last = sum;
    }
}

#[test]
fn spike_along_theta_has_predicted_intercept_and_theta_rescaling_at_d_400() {
    // THEORY.md §2: (W1 − W0) θ / (η̃ a_i) = μ1(σ) μ1(σ*) + μ2(σ) μ2(σ*) <w_i^0, θ> + noise.
    // ReLU: μ1 = 1/2, μ2 = 1/√(2π); σ*: μ1* = 1, μ2* = √2 → intercept 0.5, slope 0.564.
    // Least-squares fit over the p = 400 neurons, d = 400, n0 = 64 d: noise sd ≈ 0.008 on
    // the intercept (common to all neurons) and ≈ 0.0125 on the slope; tolerances 4 sd.
    let eta = 2.0;
    let (diag, net, theta) = run(400, 400, 64, eta, 3);
    let p = net.a.len();
    let mut xs = Vec::with_capacity(p);
    let mut ys = Vec::with_capacity(p);
    for i in 0..p {
        let kappa_i: f64 = (0..theta.len()).map(|j| net.w[(i, j)] * theta[j]).sum();
        assert!((diag.predicted_u[i] - eta * net.a[i] * 0.5).abs() < 1e-12);
        xs.push(kappa_i);
        ys.push(diag.spike_along_theta[i] / (eta * net.a[i]));
    }
    let mx = xs.iter().sum::<f64>() / p as f64;
    let my = ys.iter().sum::<f64>() / p as f64;
    let sxy: f64 = xs.iter().zip(&ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let sxx: f64 = xs.iter().map(|x| (x - mx) * (x - mx)).sum();
    let slope = sxy / sxx;
    let intercept = my - slope * mx;
    let mu2 = 1.0 / (2.0 * std::f64::consts::PI).sqrt();
    assert!(
        (intercept - 0.5).abs() < 0.035,
        "intercept {intercept} vs mu1 mu1* = 0.5"
    );
    assert!(
        (slope - mu2 * std::f64::consts::SQRT_2).abs() < 0.05,
        "slope {slope} vs mu2 mu2* = {}",
        mu2 * std::f64::consts::SQRT_2
    );
    // Plain prediction u: relative error of order |κ_i| μ2 μ2* / (μ1 μ1*) ≈ 6% plus noise.
    assert!(
        diag.spike_relative_error < 0.15,
        "{}",
        diag.spike_relative_error
    );
}

#[test]
fn full_and_labels_only_gradients_agree_under_symmetric_init() {
    let (d, p) = (60, 80);
    let net = Network::sample(
        p,
        d,
        &SecondLayerLaw::rademacher(),
        Initialization::Symmetric,
        GroupSampling::Exact,
        5,
    )
    .unwrap();
    let theta = unit_direction(d, 6).unwrap();
    let mut cfg = OneStepConfig::new(3.0, 10 * d);
    let full = one_step(&net, &theta, &Activation::Tanh, &target(), &cfg, 7).unwrap();
    cfg.gradient = Gradient::LabelsOnly;
    let labels = one_step(&net, &theta, &Activation::Tanh, &target(), &cfg, 7).unwrap();
    let diff = (&full - &labels).norm_max();
    assert!(
        diff < 1e-12,
        "f ≡ 0 at init, so both gradients coincide (diff {diff})"
    );
}

#[test]
fn full_gradient_differs_from_labels_only_without_symmetric_init() {
    // f ≠ 0 at init: the full gradient rotates the spike toward E[(y − f) x] (THEORY.md §2).
    let (d, p) = (100, 200);
    let law = SecondLayerLaw::new(vec![1.0], vec![1.0]).unwrap(); // E a ≠ 0
    let net = Network::sample(
        p,
        d,
        &law,
        Initialization::Independent,
        GroupSampling::Exact,
        8,
    )
    .unwrap();
    let theta = unit_direction(d, 9).unwrap();
    let mut cfg = OneStepConfig::new(1.0, 8 * d);
    let full = one_step(&net, &theta, &Activation::Relu, &target(), &cfg, 10).unwrap();
    cfg.gradient = Gradient::LabelsOnly;
    let labels = one_step(&net, &theta, &Activation::Relu, &target(), &cfg, 10).unwrap();
    let rel = (&full - &labels).norm_l2() / (&labels - &net.w).norm_l2();
    assert!(rel > 0.1, "relative difference of the updates {rel}");
}

#[test]
fn chunk_size_does_not_change_the_step_beyond_rounding() {
    let (d, p) = (50, 40);
    let net = Network::sample(
        p,
        d,
        &SecondLayerLaw::rademacher(),
        Initialization::Symmetric,
        GroupSampling::Iid,
        2,
    )
    .unwrap();
    let theta = unit_direction(d, 3).unwrap();
    let mut cfg = OneStepConfig::new(2.0, 1000);
    cfg.chunk = 1000;
    let a = one_step(&net, &theta, &Activation::Relu, &target(), &cfg, 4).unwrap();
    cfg.chunk = 77;
    let b = one_step(&net, &theta, &Activation::Relu, &target(), &cfg, 4).unwrap();
    assert!((&a - &b).norm_max() < 1e-12);
}

#[test]
fn odd_width_with_symmetric_init_is_rejected() {
    let err = Network::sample(
        5,
        3,
        &SecondLayerLaw::rademacher(),
        Initialization::Symmetric,
        GroupSampling::Exact,
        0,
    );
    assert!(err.is_err());
}
