//! Theory (THEORY.md §5b) vs finite-d simulation (giantstep-spiked's sampling, spiked and
//! one-step weights, features, ridge and test error; harness in `tests/sim`), seed-averaged.
//!
//! `cargo run --release -p giantstep-risk --example validate -- [seeds] [n_test] [d...]`
//! (defaults: 8 seeds, 30000 test points, d = 400 1000). Prints, per configuration and d:
//! theory E_gen, simulated mean ± SE, relative gap, training error (noise-averaged) vs the
//! empirical-κ theory. The one-step configurations use the real network
//! (`giantstep_spiked::onestep::one_step`) at n0 = 32 d, 64 d and 256 d against the
//! θ-rescaled spiked theory: C8 with the symmetric initialization (full gradient), C8i with
//! independent rows and the labels-only gradient (C8s: the θ-rescaled spiked model itself).
//! `VALIDATE_ONLY=C8` restricts to configurations whose name starts with `C8`.

#[path = "../tests/sim/mod.rs"]
mod sim;

use giantstep_spiked::network::Initialization;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let seeds: u64 = args.first().and_then(|s| s.parse().ok()).unwrap_or(8);
    let n_test: usize = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(30_000);
    let ds: Vec<usize> = if args.len() > 2 {
        args[2..].iter().filter_map(|s| s.parse().ok()).collect()
    } else {
        vec![400, 1000]
    };
    let only: Option<String> = std::env::var("VALIDATE_ONLY").ok();
    let mut cfgs = sim::configs();
    cfgs.push(sim::rescaled_spiked_config());
    for init in [Initialization::Symmetric, Initialization::Independent] {
        for n0 in [32, 64, 256] {
            cfgs.push(sim::one_step_config(n0, init));
        }
    }
    cfgs.push(sim::slow_config());
    println!("seeds = {seeds}, n_test = {n_test}");
    println!(
        "{:<58} {:>5} {:>9} {:>9} {:>7} {:>8} {:>8} {:>8} {:>8} {:>8}",
        "config", "d", "theory", "sim", "SE", "rel", "train", "th_emp", "|dT|max", "SE(dT)"
    );
    for cfg in &cfgs {
        if let Some(o) = &only
            && !cfg.name.starts_with(o.as_str())
        {
            continue;
        }
        for &d in &ds {
            let t = std::time::Instant::now();
            let s = sim::run(cfg, d, n_test, seeds);
            let n0 = cfg
                .one_step
                .as_ref()
                .map(|o| format!(" n0={}d", o.n0_factor))
                .unwrap_or_default();
            println!(
                "{:<58} {:>5} {:>9.5} {:>9.5} {:>7.5} {:>+7.2}% {:>8.5} {:>8.5} {:>8.5} {:>8.5}  ({:.0}s){n0}",
                cfg.name,
                d,
                s.theory_gen,
                s.sim_gen,
                s.se_gen,
                100.0 * s.rel_gap,
                s.sim_train,
                s.theory_train_emp,
                s.train_gap_abs,
                s.train_gap_se,
                t.elapsed().as_secs_f64()
            );
        }
    }
}
