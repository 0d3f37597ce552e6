//! The theory sweep's inner loop: `sweep::run` of N independent risk points (100 per job)
//! on 2 worker threads, plan made beforehand, result files written each time.
//! N = 1000 and 10000 show the cost is linear in the count (goal: 10^4 points < 5 s).

use criterion::{BatchSize, BenchmarkId, Criterion, criterion_group, criterion_main};
use giantstep::progress::Silent;
use giantstep::sweep::{self, RunOptions, Selection, SweepSpec};

fn spec(n_alpha: usize) -> SweepSpec {
    let text = format!(
        "computation = \"risk\"\n[base]\nactivation = \"relu\"\ntarget = \"tanh\"\neta = 3.0\n\
         psi = 1.0\nnoise = 0.1\n[axes]\nlambda = {{ start = 0.001, stop = 1.0, num = 10, log = true }}\n\
         alpha = {{ start = 0.25, stop = 4.0, num = {n_alpha} }}\n"
    );
    SweepSpec::parse(&text, true, "bench.toml".as_ref()).expect("valid sweep")
}

fn benches(c: &mut Criterion) {
    let mut g = c.benchmark_group("sweep");
    g.sample_size(10);
    for points in [1_000usize, 10_000] {
        let dir = std::env::temp_dir().join(format!("giantstep-bench-sweep-{points}"));
        let _ = std::fs::remove_dir_all(&dir);
        sweep::plan(&spec(points / 10), &dir, None).expect("plan");
        let opts = RunOptions {
            workers: Some(2),
            selection: Selection::All,
            retry_failed: false,
        };
        g.bench_with_input(
            BenchmarkId::new("risk_points_2_workers", points),
            &dir,
            |b, dir| {
                b.iter_batched(
                    || {
                        let results = dir.join(sweep::store::RESULTS_DIR);
                        std::fs::remove_dir_all(&results).expect("clear results");
                        std::fs::create_dir_all(&results).expect("results dir");
                    },
                    |()| assert!(sweep::run(dir, &opts, &Silent).expect("run").complete()),
                    BatchSize::PerIteration,
                )
            },
        );
    }
    g.finish();
}

criterion_group!(all, benches);
criterion_main!(all);
