//! Times the library calls behind `giantstep density` and a 100-point risk curve, in process,
//! for the side-by-side comparison with the Python package
//! (`examples/python/bench.py` runs this as its Rust side).
//!
//!     cargo run --release --example theory_timing -- REPS
//!
//! Prints one JSON line: median wall time (ns) over REPS calls of each computation.

use giantstep::config::Experiment;
use giantstep::experiments::{risk, spectrum};
use giantstep::model::Model;
use giantstep::parse::parse_grid;
use giantstep::progress::Silent;
use rayon::prelude::*;
use std::time::Instant;

fn median_ns(reps: usize, mut f: impl FnMut()) -> u128 {
    f(); // warm-up
    let mut t: Vec<u128> = (0..reps)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_nanos()
        })
        .collect();
    t.sort_unstable();
    t[t.len() / 2]
}

fn main() {
    let reps: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(20);
    // giantstep density --activation relu --eta 3 --psi 1 --alpha 2 --grid 0:5:1000
    let density_exp = Experiment {
        activation: "relu".into(),
        eta: Some(3.0),
        psi: 1.0,
        alpha: 2.0,
        ..Experiment::default()
    };
    let grid = parse_grid("grid", "0:5:1000").expect("valid grid");
    let density = median_ns(reps, || {
        let model = Model::new(&density_exp).expect("valid model");
        spectrum::theory_spectrum(&model, Some(&grid), &Silent).expect("density");
    });
    // risk over 100 values of alpha, as the Python package computes a curve
    let curve_exp = Experiment {
        activation: "relu".into(),
        target: "tanh".into(),
        eta: Some(3.0),
        psi: 1.0,
        lambda: 0.1,
        noise: 0.1,
        ..Experiment::default()
    };
    let alphas: Vec<f64> = (0..100).map(|i| 0.5 + 3.5 * i as f64 / 99.0).collect();
    let curve = median_ns(reps, || {
        alphas
            .par_iter()
            .map(|&alpha| {
                risk::risk(&Model::new(&Experiment {
                    alpha,
                    ..curve_exp.clone()
                })?)
            })
            .collect::<giantstep::Result<Vec<_>>>()
            .expect("risk curve");
    });
    println!("{{\"density_ns\": {density}, \"risk_curve_ns\": {curve}}}");
}
