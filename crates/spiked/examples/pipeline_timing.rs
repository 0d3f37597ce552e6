//! Quick timing of the features + covariance + eigenvalues pipeline (not a benchmark; see
//! benches/). Usage: cargo run --release -p giantstep-spiked --example pipeline_timing -- p n d reps
use giantstep_spiked::{covariance::covariance, features::features, sampling, spectrum};
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
        let c = covariance(f.as_ref()).unwrap();
        let t2 = Instant::now();
        let ev = spectrum::symmetric_eigenvalues(c.as_ref()).unwrap();
        let t3 = Instant::now();
        let ev2 = spectrum::covariance_eigenvalues(f.as_ref()).unwrap();
        let t4 = Instant::now();
        let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1e3;
        times.push(ms(t0, t1) + ms(t3, t4));
        println!(
            "features {:.1} ms, cov {:.1} ms, eig {:.1} ms, cov+eig {:.1} ms, top {:.6} {:.6}",
            ms(t0, t1),
            ms(t1, t2),
            ms(t2, t3),
            ms(t3, t4),
            ev[ev.len() - 1],
            ev2[ev2.len() - 1]
        );
    }
    times.sort_by(f64::total_cmp);
    println!("median pipeline {:.1} ms", times[reps / 2]);
}
