//! Sweeps through the real binary: plan determinism and id stability, an error for every kind
//! of bad sweep file (before any job is written), parity of merged numbers with the CLI run
//! point by point, failed jobs, and a run killed with SIGKILL part-way and resumed.

use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

mod common;

use common::{EXE, curve_sweep, s};

fn tmp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("giantstep-sweep-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn giantstep(args: &[&str]) -> Output {
    Command::new(EXE).args(args).output().unwrap()
}

fn ok(args: &[&str]) -> Output {
    let out = giantstep(args);
    assert!(
        out.status.success(),
        "giantstep {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn write(dir: &Path, name: &str, text: &str) -> String {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p.to_string_lossy().into_owned()
}

#[test]
fn plan_is_deterministic_and_a_new_axis_value_only_adds_points() {
    let dir = tmp("plan");
    let file = write(&dir, "curve.toml", &curve_sweep(7));
    let (a, b) = (dir.join("a"), dir.join("b"));
    ok(&["sweep", "plan", &file, "--out", s(&a)]);
    ok(&["sweep", "plan", &file, "--out", s(&b)]);
    let jobs_a = std::fs::read_to_string(a.join("jobs.jsonl")).unwrap();
    assert_eq!(
        jobs_a,
        std::fs::read_to_string(b.join("jobs.jsonl")).unwrap()
    );
    let point_ids = |text: &str| -> Vec<String> {
        text.lines()
            .flat_map(|l| {
                let v: Value = serde_json::from_str(l).unwrap();
                v["points"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|p| p["id"].as_str().unwrap().to_string())
                    .collect::<Vec<_>>()
            })
            .collect()
    };
    let ids = point_ids(&jobs_a);
    assert_eq!(ids.len(), 24);
    assert_eq!(jobs_a.lines().count(), 4); // ceil(24 / 7)
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), 24, "point ids collide");
    // the grid order: first axis slowest
    let first: Value = serde_json::from_str(jobs_a.lines().next().unwrap()).unwrap();
    assert_eq!(first["points"][1]["params"]["lambda"], 0.01);
    assert_eq!(
        first["points"][1]["params"]["alpha"].as_f64().unwrap(),
        0.5 + 3.5 / 11.0
    );
    // one more lambda: every old point keeps its id
    let file2 = write(
        &dir,
        "curve2.toml",
        &curve_sweep(7).replace("[0.01, 0.1]", "[0.01, 0.1, 1.0]"),
    );
    let c = dir.join("c");
    ok(&["sweep", "plan", &file2, "--out", s(&c)]);
    let ids2 = point_ids(&std::fs::read_to_string(c.join("jobs.jsonl")).unwrap());
    assert_eq!(ids2.len(), 36);
    assert!(ids.iter().all(|id| ids2.contains(id)));
    // --points-per-job regroups the same points
    let d = dir.join("d");
    ok(&[
        "sweep",
        "plan",
        &file,
        "--out",
        s(&d),
        "--points-per-job",
        "1",
    ]);
    let jobs_d = std::fs::read_to_string(d.join("jobs.jsonl")).unwrap();
    assert_eq!(jobs_d.lines().count(), 24);
    assert_eq!(point_ids(&jobs_d), ids);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn every_bad_sweep_file_is_refused_naming_the_field_before_any_job() {
    let dir = tmp("bad");
    let cases: &[(&str, &str, &str)] = &[
        ("no computation", "[axes]\nalpha = [1.0]\n", "`computation`"),
        (
            "unknown computation",
            "computation = \"riks\"\n",
            "`computation`",
        ),
        (
            "unknown top field",
            "computation = \"risk\"\naxis = 1\n",
            "`axis`",
        ),
        (
            "unknown axis",
            "computation = \"risk\"\n[axes]\nalpah = [1.0]\n",
            "`axes.alpah`",
        ),
        (
            "bad value",
            "computation = \"risk\"\n[axes]\nalpha = [1.0, -2.0]\n",
            "`axes.alpha`",
        ),
        (
            "bad base",
            "computation = \"risk\"\n[base]\npsi = 0.0\n",
            "`base.psi`",
        ),
        (
            "unknown base field",
            "computation = \"risk\"\n[base]\nphi = 1.0\n",
            "phi",
        ),
        (
            "range field",
            "computation = \"risk\"\n[axes]\nalpha = { start = 1, stop = 2, nun = 3 }\n",
            "`axes.alpha.nun`",
        ),
        (
            "range num",
            "computation = \"risk\"\n[axes]\nalpha = { start = 1, stop = 2, num = 0 }\n",
            "`axes.alpha.num`",
        ),
        (
            "log range",
            "computation = \"risk\"\n[axes]\nlambda = { start = 0, stop = 1, num = 3, log = true }\n",
            "`axes.lambda`",
        ),
        (
            "zip lengths",
            "computation = \"risk\"\ncombine = \"zip\"\n[axes]\nalpha = [1.0, 2.0]\npsi = [1.0]\n",
            "`axes.psi`",
        ),
        (
            "combine",
            "computation = \"risk\"\ncombine = \"cross\"\n",
            "`combine`",
        ),
        (
            "empty axis",
            "computation = \"risk\"\n[axes]\nalpha = []\n",
            "`axes.alpha`",
        ),
        ("missing z", "computation = \"stieltjes\"\n", "`z`"),
        (
            "bad z",
            "computation = \"stieltjes\"\n[axes]\nz = [\"1,x\"]\n",
            "`z`",
        ),
        (
            "option of another",
            "computation = \"risk\"\ngrid = \"0:1:10\"\n",
            "`grid`",
        ),
        (
            "bad grid",
            "computation = \"density\"\ngrid = \"0:1\"\n",
            "`grid`",
        ),
        (
            "bad seed",
            "computation = \"risk\"\n[axes]\nseed = [-1]\n",
            "seed",
        ),
        (
            "points per job",
            "computation = \"risk\"\npoints_per_job = 0\n",
            "`points_per_job`",
        ),
        (
            "n_test",
            "computation = \"simulate risk\"\nn_test = 2000000000\n",
            "`n_test`",
        ),
        ("toml syntax", "computation = \n", "could not parse"),
    ];
    for (i, (what, text, needle)) in cases.iter().enumerate() {
        let file = write(&dir, &format!("bad{i}.toml"), text);
        let out_dir = dir.join(format!("out{i}"));
        let out = giantstep(&["sweep", "plan", &file, "--out", s(&out_dir)]);
        let err = String::from_utf8_lossy(&out.stderr);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{what}: exit status, stderr {err}"
        );
        assert!(
            err.contains(needle),
            "{what}: `{err}` does not name {needle}"
        );
        assert!(!out_dir.exists(), "{what}: a plan was written");
    }
    // JSON sweep files are read too, with the same checks
    let file = write(
        &dir,
        "bad.json",
        r#"{"computation": "risk", "axes": {"psi": [0]}}"#,
    );
    let out = giantstep(&["sweep", "plan", &file, "--out", s(&dir.join("j"))]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("`axes.psi`"));
    std::fs::remove_dir_all(&dir).unwrap();
}

fn cli_json(args: &[&str]) -> Value {
    serde_json::from_slice(&ok(args).stdout).unwrap()
}

#[test]
fn merged_numbers_are_the_cli_numbers_bit_for_bit() {
    let dir = tmp("parity");
    let file = write(&dir, "curve.toml", &curve_sweep(7));
    let sw = dir.join("sw");
    ok(&["sweep", "plan", &file, "--out", s(&sw)]);
    ok(&["sweep", "run", s(&sw), "--jobs", "2", "--quiet"]);
    ok(&["sweep", "merge", s(&sw), "--out", s(&sw.join("m.jsonl"))]);
    let rows: Vec<Value> = std::fs::read_to_string(sw.join("m.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(rows.len(), 24);
    for row in [&rows[0], &rows[5], &rows[17], &rows[23]] {
        let (lam, alpha) = (row["lambda"].to_string(), row["alpha"].to_string());
        let cli = cli_json(&[
            "risk",
            "--activation",
            "relu",
            "--target",
            "tanh",
            "--eta",
            "3",
            "--psi",
            "1",
            "--noise",
            "0.1",
            "--lambda",
            &lam,
            "--alpha",
            &alpha,
            "--json",
        ]);
        for key in [
            "gen",
            "train",
            "irreducible",
            "spectral_radius",
            "decomposition",
        ] {
            assert_eq!(row[key], cli[key], "{key} at lambda {lam}, alpha {alpha}");
        }
    }
    // a relative --out is written in the working directory
    let rel = Command::new(EXE)
        .args(["sweep", "merge", ".", "--out", "rel.csv"])
        .current_dir(&sw)
        .output()
        .unwrap();
    assert!(
        rel.status.success(),
        "{}",
        String::from_utf8_lossy(&rel.stderr)
    );
    assert!(sw.join("rel.csv").exists());
    // the CSV carries the same numbers (shortest round-trip text)
    ok(&["sweep", "merge", s(&sw), "--out", s(&sw.join("m.csv"))]);
    let csv = std::fs::read_to_string(sw.join("m.csv")).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(&header[..4], &["lambda", "alpha", "gen", "train"]);
    let first: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(
        first[2].parse::<f64>().unwrap(),
        rows[0]["gen"].as_f64().unwrap()
    );
    // a stieltjes sweep over z, against `giantstep stieltjes`
    let zfile = write(
        &dir,
        "z.toml",
        "computation = \"stieltjes\"\n[base]\nactivation = \"tanh\"\ngroups = [{ u = 2.0, pi = 1.0 }]\n[axes]\nz = [\"-0.5\", \"1,0.25\"]\n",
    );
    let zs = dir.join("zs");
    ok(&["sweep", "plan", &zfile, "--out", s(&zs)]);
    ok(&["sweep", "run", s(&zs), "--quiet"]);
    ok(&["sweep", "merge", s(&zs), "--out", s(&zs.join("m.jsonl"))]);
    let text = std::fs::read_to_string(zs.join("m.jsonl")).unwrap();
    let row: Value = serde_json::from_str(text.lines().nth(1).unwrap()).unwrap();
    let cli = cli_json(&[
        "stieltjes",
        "--activation",
        "tanh",
        "--groups",
        "2:1",
        "--z",
        "1,0.25",
        "--json",
    ]);
    assert_eq!(row["m"], cli["m"]);
    assert_eq!(row["q_tilde"], cli["q_tilde"]);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_failing_job_writes_its_error_and_the_others_finish() {
    let dir = tmp("fail");
    // z = 0 passes the plan's parsing but the solver refuses it (not in C \ [0, inf))
    let file = write(
        &dir,
        "f.toml",
        "computation = \"stieltjes\"\npoints_per_job = 1\n[axes]\nz = [\"-0.5\", \"0\"]\n",
    );
    let sw = dir.join("sw");
    ok(&["sweep", "plan", &file, "--out", s(&sw)]);
    let run = giantstep(&["sweep", "run", s(&sw), "--quiet"]);
    assert!(!run.status.success(), "a failed job must make the run fail");
    let status = String::from_utf8(ok(&["sweep", "status", s(&sw)]).stdout).unwrap();
    assert!(
        status.contains("2 jobs: 1 done, 0 pending, 1 failed"),
        "{status}"
    );
    assert!(status.contains("failed "), "{status}");
    // merge refuses, naming what is missing; --partial merges the rest
    let m = giantstep(&["sweep", "merge", s(&sw), "--out", s(&sw.join("m.csv"))]);
    assert!(!m.status.success());
    assert!(String::from_utf8_lossy(&m.stderr).contains("1 of 2 points have no result"));
    ok(&[
        "sweep",
        "merge",
        s(&sw),
        "--out",
        s(&sw.join("m.csv")),
        "--partial",
    ]);
    assert_eq!(
        std::fs::read_to_string(sw.join("m.csv"))
            .unwrap()
            .lines()
            .count(),
        2
    );
    // without --retry-failed the failed job is skipped (and still reported)
    let again = giantstep(&["sweep", "run", s(&sw), "--quiet"]);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("ran 0 jobs"));
    let retry = giantstep(&["sweep", "run", s(&sw), "--quiet", "--retry-failed"]);
    assert!(String::from_utf8_lossy(&retry.stderr).contains("ran 1 jobs (1 failed)"));
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Every complete-named file in `results/` parses as a whole result or error file.
fn check_results(dir: &Path) -> usize {
    let mut n = 0;
    for e in std::fs::read_dir(dir.join("results")).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue; // a temporary file being written
        }
        let text = std::fs::read_to_string(e.path()).unwrap();
        let v: Value = serde_json::from_str(&text)
            .unwrap_or_else(|err| panic!("truncated or corrupt {name}: {err}"));
        assert!(v["points"].is_array(), "{name} is not a result file");
        n += 1;
    }
    n
}

const KILL_SWEEP: &str = r#"
computation = "density"
grid = "0.01:6:400"
[base]
activation = "relu"
[axes]
eta = { start = 0.5, stop = 4.0, num = 12 }
psi = [0.5, 1.0, 2.0, 3.0]
"#;

#[test]
fn a_killed_run_resumes_with_only_the_missing_jobs_and_merges_identically() {
    let dir = tmp("kill");
    let file = write(&dir, "k.toml", KILL_SWEEP);
    let (killed, clean) = (dir.join("killed"), dir.join("clean"));
    ok(&["sweep", "plan", &file, "--out", s(&killed)]);
    ok(&["sweep", "plan", &file, "--out", s(&clean)]);
    let total = 48;
    let mut child = Command::new(EXE)
        .args(["sweep", "run", s(&killed), "--jobs", "2", "--quiet"])
        .spawn()
        .unwrap();
    let start = Instant::now();
    let mut done = 0;
    while done < 5 {
        done = check_results(&killed);
        assert!(start.elapsed() < Duration::from_secs(120), "no progress");
        assert!(
            child.try_wait().unwrap().is_none(),
            "the run ended before it was killed"
        );
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill().unwrap(); // SIGKILL
    child.wait().unwrap();
    let after_kill = check_results(&killed);
    assert!(
        after_kill < total,
        "the run finished before the kill: make the sweep longer"
    );
    let stamps: Vec<(PathBuf, std::time::SystemTime)> = std::fs::read_dir(killed.join("results"))
        .unwrap()
        .map(|e| e.unwrap())
        .filter(|e| !e.file_name().to_string_lossy().starts_with('.'))
        .map(|e| (e.path(), e.metadata().unwrap().modified().unwrap()))
        .collect();
    let status = String::from_utf8(ok(&["sweep", "status", s(&killed)]).stdout).unwrap();
    assert!(
        status.contains(&format!(
            "{after_kill} done, {} pending",
            total - after_kill
        )),
        "{status}"
    );
    let resume = ok(&["sweep", "run", s(&killed), "--jobs", "2", "--quiet"]);
    let report = String::from_utf8_lossy(&resume.stderr);
    assert!(
        report.contains(&format!(
            "ran {} jobs (0 failed); skipped {after_kill} done",
            total - after_kill
        )),
        "{report}"
    );
    for (path, t) in stamps {
        assert_eq!(
            std::fs::metadata(&path).unwrap().modified().unwrap(),
            t,
            "{path:?} was rewritten"
        );
    }
    assert_eq!(check_results(&killed), total);
    ok(&["sweep", "run", s(&clean), "--jobs", "1", "--quiet"]);
    for ext in ["csv", "jsonl"] {
        let (a, b) = (
            killed.join(format!("m.{ext}")),
            clean.join(format!("m.{ext}")),
        );
        ok(&["sweep", "merge", s(&killed), "--out", s(&a)]);
        ok(&["sweep", "merge", s(&clean), "--out", s(&b)]);
        assert_eq!(
            std::fs::read(&a).unwrap(),
            std::fs::read(&b).unwrap(),
            "{ext} differs"
        );
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn the_readme_sweep_file_plans_to_the_learning_curve_figure() {
    let dir = tmp("readme");
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/sweeps/learning_curve.toml"
    );
    let out = ok(&["sweep", "plan", file, "--out", s(&dir.join("curve"))]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("planned 400 points in 4 jobs"), "{text}");
    std::fs::remove_dir_all(&dir).unwrap();
}
