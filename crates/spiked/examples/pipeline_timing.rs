//! Quick timing of the features + covariance + eigenvalues pipeline (not a benchmark; see
//! benches/): wall-clock and process CPU time (from /proc/self/stat, 10 ms resolution) per
//! stage, useful on a shared machine with `RAYON_NUM_THREADS=1`.
//! Usage: cargo run --release -p giantstep-spiked --example pipeline_timing -- p n d reps
//! With `reps = 0` it serves `benches/numpy_paired.py`: one pipeline per line read from
//! stdin, printing its wall time in ms, so that numpy and giantstep runs alternate.
use giantstep_spiked::{features::features, sampling, spectrum};
use std::time::Instant;

/// Process CPU time (user + system) in seconds, from /proc/self/stat (Linux; 0 elsewhere).
fn cpu_seconds() -> f64 {
    let Ok(stat) = std::fs::read_to_string("/proc/self/stat") else {
        return 0.0;
    };
    let after = &stat[stat.rfind(')').map_or(0, |i| i + 2)..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    let ticks = |i: usize| {
        fields
            .get(i)
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    (ticks(11) + ticks(12)) / 100.0
}

fn main() {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().unwrap())
        .collect();
    let (p, n, d, reps) = (args[0], args[1], args[2], args[3]);
    let w = sampling::sphere_rows(p, d, 1).unwrap();
    let x = sampling::gaussian_data(d, n, 2).unwrap();
    if reps == 0 {
        serve(&w, &x);
        return;
    }
    let mut times = vec![];
    for _ in 0..reps {
        let (t0, c0) = (Instant::now(), cpu_seconds());
        let f = features(w.as_ref(), x.as_ref(), |z| z.max(0.0)).unwrap();
        let (t1, c1) = (Instant::now(), cpu_seconds());
        let ev = spectrum::covariance_eigenvalues(f.as_ref()).unwrap();
        let (t2, c2) = (Instant::now(), cpu_seconds());
        let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1e3;
        times.push(ms(t0, t2));
        println!(
            "rust features {:.1} ms (cpu {:.0}), cov+eig {:.1} ms (cpu {:.0}), total {:.1} ms (cpu {:.0}); top {:.6}",
            ms(t0, t1),
            (c1 - c0) * 1e3,
            ms(t1, t2),
            (c2 - c1) * 1e3,
            ms(t0, t2),
            (c2 - c0) * 1e3,
            ev[ev.len() - 1]
        );
    }
    times.sort_by(f64::total_cmp);
    println!("median pipeline {:.1} ms", times[reps / 2]);
}

/// One pipeline per line of stdin; prints its wall time and that of the features stage
/// (ms), and flushes.
fn serve(w: &faer::Mat<f64>, x: &faer::Mat<f64>) {
    use std::io::{BufRead, Write};
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    for line in stdin.lock().lines() {
        if line.is_err() {
            break;
        }
        let t0 = Instant::now();
        let f = features(w.as_ref(), x.as_ref(), |z| z.max(0.0)).unwrap();
        let t1 = Instant::now();
        let ev = spectrum::covariance_eigenvalues(f.as_ref()).unwrap();
        std::hint::black_box(ev);
        let ms = |a: Instant| a.elapsed().as_secs_f64() * 1e3;
        writeln!(out, "{:.3} {:.3}", ms(t0), (t1 - t0).as_secs_f64() * 1e3).unwrap();
        out.flush().unwrap();
    }
}
