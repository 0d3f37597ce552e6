//! `cargo xtask bench`: runs the criterion benches of the speed goals (the workspace benches
//! `experiments` and `sweep`, and the kernel benches of giantstep-stieltjes and
//! giantstep-risk), then writes `target/bench-summary.json`: one entry per bench with its
//! name, median in ns and, for the goals of the README's speed table, the goal in ns.
//!
//! Right after the workspace benches (whose group `anchor` times the density kernel and
//! writes its problem to `target/anchor/density_problem.json`), it runs the NumPy/SciPy
//! anchor `benches/anchor_density.py` on the same problem, in the venv of `verify`'s Python
//! step (with `benches/requirements-anchor.txt`), and adds its median to the summary with the
//! ratio to the Rust kernel. The anchor fails, and so does this task, if its density differs
//! from the Rust one by more than 1e-6 of max ρ.

use serde_json::{Value, json};
use std::path::Path;
use std::process::ExitCode;

/// The speed goals (bench id → goal in ns).
const GOALS: [(&str, f64); 4] = [
    ("goals/density_command_relu_eta3_1000_points", 10e6),
    ("goals/risk_point_relu_eta3_r2", 100e3),
    ("goals/risk_curve_100_alpha_warm", 10e6),
    ("sweep/risk_points_2_workers/10000", 5e9),
];

fn collect(dir: &Path, out: &mut Vec<Value>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        if path.is_dir() {
            if path.file_name().is_some_and(|n| n == "new") {
                let read = |name: &str| -> Option<Value> {
                    serde_json::from_str(&std::fs::read_to_string(path.join(name)).ok()?).ok()
                };
                if let (Some(b), Some(est)) = (read("benchmark.json"), read("estimates.json")) {
                    let name = b["full_id"].as_str().unwrap_or_default().to_string();
                    let median = est["median"]["point_estimate"].as_f64();
                    let goal = GOALS.iter().find(|(g, _)| *g == name).map(|(_, v)| *v);
                    out.push(json!({ "name": name, "median_ns": median, "goal_ns": goal }));
                }
            } else {
                collect(&path, out);
            }
        }
    }
}

/// The Rust bench the anchor is compared with.
const ANCHORED: &str = "anchor/density_kernel_relu_eta3_1000_points";

/// Runs `benches/anchor_density.py` (its result goes to `target/anchor/density_numpy.json`).
fn run_anchor() -> bool {
    let Some(python) = crate::python::venv_with("benches/requirements-anchor.txt") else {
        return false;
    };
    eprintln!("\n==> {} benches/anchor_density.py", python.display());
    std::process::Command::new(&python)
        .args(["benches/anchor_density.py", "--repeat", "5"])
        .current_dir(crate::workspace_root())
        .status()
        .map(|s| s.success())
        .unwrap_or(false)
}

/// Adds the anchor's row, with `ratio_to_rust` = anchor median / Rust median.
fn add_anchor(rows: &mut Vec<Value>) {
    let Some(mut a) = std::fs::read_to_string("target/anchor/density_numpy.json")
        .ok()
        .and_then(|t| serde_json::from_str::<Value>(&t).ok())
    else {
        return;
    };
    let rust = rows
        .iter()
        .find(|r| r["name"] == ANCHORED)
        .and_then(|r| r["median_ns"].as_f64());
    if let (Some(rust), Some(med)) = (rust, a["median_ns"].as_f64()) {
        a["ratio_to_rust"] = json!(med / rust);
        println!(
            "anchor: NumPy/SciPy {:.1} ms, Rust {:.2} ms, ratio {:.0}",
            med / 1e6,
            rust / 1e6,
            med / rust
        );
    }
    a["goal_ns"] = Value::Null;
    rows.push(a);
}

/// Runs the benches and writes the summary; fails if a goal bench is missing.
pub fn run() -> ExitCode {
    let ok = crate::cargo(&[
        "bench",
        "-p",
        "giantstep",
        "--bench",
        "experiments",
        "--bench",
        "sweep",
    ]) && crate::cargo(&["bench", "-p", "giantstep-stieltjes", "-p", "giantstep-risk"]);
    let anchor = ok && run_anchor();
    let mut rows = Vec::new();
    collect(Path::new("target/criterion"), &mut rows);
    add_anchor(&mut rows);
    rows.sort_by(|a, b| a["name"].as_str().cmp(&b["name"].as_str()));
    let text = serde_json::to_string_pretty(&rows).unwrap_or_default();
    if let Err(e) = std::fs::write("target/bench-summary.json", text + "\n") {
        eprintln!("could not write target/bench-summary.json: {e}");
        return ExitCode::FAILURE;
    }
    println!("\n{:<56} {:>14} {:>14}", "bench", "median", "goal");
    for r in rows.iter().filter(|r| !r["goal_ns"].is_null()) {
        let med = r["median_ns"].as_f64().unwrap_or(f64::NAN);
        let goal = r["goal_ns"].as_f64().unwrap_or(f64::NAN);
        let verdict = if med <= goal { "" } else { "  (over goal)" };
        println!(
            "{:<56} {:>11.3} ms {:>11.3} ms{verdict}",
            r["name"].as_str().unwrap_or_default(),
            med / 1e6,
            goal / 1e6
        );
    }
    let missing: Vec<&str> = GOALS
        .iter()
        .map(|(g, _)| *g)
        .filter(|g| !rows.iter().any(|r| r["name"] == *g))
        .collect();
    println!("wrote target/bench-summary.json ({} benches)", rows.len());
    if ok && anchor && missing.is_empty() {
        ExitCode::SUCCESS
    } else {
        eprintln!("benches failed or goal benches missing: {missing:?}");
        ExitCode::FAILURE
    }
}
