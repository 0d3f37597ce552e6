//! Quick timing of the features + covariance + eigenvalues pipeline (not a benchmark; see
//! benches/). Usage: cargo run --release -p giantstep-spiked --example pipeline_timing -- p n d reps
use giantstep_spiked::{features::features, sampling, spectrum::covariance_eigenvalues};
use std::time::Instant;

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().unwrap())
        .collect();
    let (p, n, d, reps) = (args[0], args[1], args[2], args[3]);
    let w = sampling::sphere_rows(p, d, 1).unwrap();
    let x = sampling::gaussian_data(d, n, 2).unwrap();
    let mut times = vec![];
    for _ in 0..reps {
        let t0 = Instant::now();
        let f = features(w.as_ref(), x.as_ref(), |z| z.max(0.0)).unwrap();
        let t1 = Instant::now();
        let ev = covariance_eigenvalues(f.as_ref()).unwrap();
        let t2 = Instant::now();
        times.push((t2 - t0).as_secs_f64());
        println!(
            "features {:.1} ms, cov+eig {:.1} ms, top {:.4}",
            (t1 - t0).as_secs_f64() * 1e3,
            (t2 - t1).as_secs_f64() * 1e3,
            ev[p - 1]
        );
    }
    times.sort_by(f64::total_cmp);
    println!("median total {:.1} ms", times[reps / 2] * 1e3);
}
