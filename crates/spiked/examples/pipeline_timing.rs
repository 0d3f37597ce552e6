//! Quick timing of the features + covariance + eigenvalues pipeline (not a benchmark; see
//! benches/): wall-clock and process CPU time (from /proc/self/stat, 10 ms resolution) per
//! stage, useful on a shared machine with `RAYON_NUM_THREADS=1`.
//! Usage: cargo run --release -p giantstep-spiked --example pipeline_timing -- p n d reps [reuse]
//! With `reps = 0` it serves `benches/numpy_paired.py`: one pipeline per line read from
//! stdin, printing its wall time in ms, so that numpy and giantstep runs alternate.
//! With `reuse`, the pipelines reuse their memory (`features_into` and a
//! `CovarianceWorkspace`) instead of allocating the features and the covariance each time.
use faer::Mat;
use giantstep_spiked::features::{features, features_into};
use giantstep_spiked::sampling;
use giantstep_spiked::spectrum::{CovarianceWorkspace, covariance_eigenvalues};
use std::time::Instant;

/// Where a pipeline's matrices live: fresh allocations each time, or kept between pipelines.
enum Memory {
    Fresh,
    Reused(Mat<f64>, CovarianceWorkspace),
}

impl Memory {
    /// Features (timed separately by the caller through `mark`) then all eigenvalues.
    fn pipeline(&mut self, w: &Mat<f64>, x: &Mat<f64>, mark: &mut impl FnMut()) -> Vec<f64> {
        let relu = |z: f64| z.max(0.0);
        match self {
            Memory::Fresh => {
                let f = features(w.as_ref(), x.as_ref(), relu).unwrap();
                mark();
                covariance_eigenvalues(f.as_ref()).unwrap()
            }
            Memory::Reused(f, workspace) => {
                features_into(w.as_ref(), x.as_ref(), relu, f).unwrap();
                mark();
                workspace.covariance_eigenvalues(f.as_ref()).unwrap()
            }
        }
    }
}

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
    let args: Vec<String> = std::env::args().skip(1).collect();
    let size = |i: usize| args[i].parse::<usize>().unwrap();
    let (p, n, d, reps) = (size(0), size(1), size(2), size(3));
    let mut memory = match args.get(4).map(String::as_str) {
        Some("reuse") => Memory::Reused(Mat::new(), CovarianceWorkspace::new()),
        _ => Memory::Fresh,
    };
    let w = sampling::sphere_rows(p, d, 1).unwrap();
    let x = sampling::gaussian_data(d, n, 2).unwrap();
    if reps == 0 {
        serve(&w, &x, &mut memory);
        return;
    }
    // One untimed warm-up pipeline, as numpy_reference.py does.
    memory.pipeline(&w, &x, &mut || ());
    let mut times = vec![];
    for _ in 0..reps {
        let (t0, c0) = (Instant::now(), cpu_seconds());
        let (mut t1, mut c1) = (t0, c0);
        let ev = memory.pipeline(&w, &x, &mut || (t1, c1) = (Instant::now(), cpu_seconds()));
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
fn serve(w: &Mat<f64>, x: &Mat<f64>, memory: &mut Memory) {
    use std::io::{BufRead, Write};
    let stdin = std::io::stdin();
    let mut out = std::io::stdout();
    for line in stdin.lock().lines() {
        if line.is_err() {
            break;
        }
        let t0 = Instant::now();
        let mut t1 = t0;
        let ev = memory.pipeline(w, x, &mut || t1 = Instant::now());
        std::hint::black_box(ev);
        let ms = |a: Instant| a.elapsed().as_secs_f64() * 1e3;
        writeln!(out, "{:.3} {:.3}", ms(t0), (t1 - t0).as_secs_f64() * 1e3).unwrap();
        out.flush().unwrap();
    }
}
