//! Fine solver robustness map (issue 7): 7 × 7 × 5 problems over ψ, α ∈ [0.05, 20],
//! η̃ ∈ [0, 8], 7 ridges λ ∈ [1e-6, 10] and 7 × 7 complex points down to 1e-6 above the
//! real axis. Prints the fraction converged, the worst independent residual and the
//! points that returned `NotConverged`.
//!
//! `cargo run --release --example robustness_map`

use giantstep_fuzz_contracts::{MapGrid, robustness_map};

fn main() {
    let grid = MapGrid::fine();
    let t = std::time::Instant::now();
    let rep = robustness_map(&grid);
    println!(
        "{} points, {} converged (fraction {:.4}), {} NotConverged, {} other errors; worst \
         independent residual {:.3e} at {} ({:.3e} where |q| <= 1e3); {:.1} s",
        rep.points,
        rep.converged,
        rep.fraction_converged(),
        rep.not_converged,
        rep.other_errors.len(),
        rep.worst_residual,
        rep.worst_at,
        rep.worst_residual_moderate,
        t.elapsed().as_secs_f64()
    );
    for f in rep.failures.iter().chain(&rep.other_errors) {
        println!("  {f}");
    }
}
