//! Integration tests driving the `giantstep` binary on good and bad input.

use assert_cmd::Command;

fn giantstep() -> Command {
    Command::cargo_bin("giantstep").expect("binary builds")
}

/// Runs the binary and returns (exit code, stdout, stderr).
fn run(args: &[&str]) -> (i32, String, String) {
    let out = giantstep().args(args).output().expect("runs");
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A bad-input run: non-zero exit, one `error:` line naming `needle`, no panic.
fn assert_rejected(args: &[&str], needle: &str) {
    let (code, _, err) = run(args);
    assert_ne!(code, 0, "{args:?} should fail");
    assert!(!err.contains("panicked"), "{args:?} panicked: {err}");
    assert!(
        err.contains(needle),
        "{args:?}: expected `{needle}` in: {err}"
    );
    let error_lines = err.lines().filter(|l| l.starts_with("error")).count();
    assert_eq!(error_lines, 1, "{args:?}: {err}");
}

#[test]
fn show_config_merges_file_and_flags() {
    let dir = std::env::temp_dir().join(format!("giantstep-cli-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("exp.toml");
    std::fs::write(&path, "psi = 0.5\nalpha = 3.0\nnoise = 0.25\n").unwrap();
    let (code, out, err) = run(&[
        "show-config",
        "--config",
        path.to_str().unwrap(),
        "--alpha",
        "4",
        "--groups",
        "3:1:1.5",
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["psi"], 0.5);
    assert_eq!(v["alpha"], 4.0);
    assert_eq!(v["noise"], 0.25);
    assert_eq!(v["groups"][0]["gamma"], 1.5);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn bad_inputs_give_one_line_errors_naming_the_field() {
    assert_rejected(&["show-config", "--psi=-1"], "psi");
    assert_rejected(&["show-config", "--alpha", "abc"], "alpha");
    assert_rejected(&["show-config", "--groups", "1:0.5"], "groups.pi");
    assert_rejected(&["show-config", "--groups", "1:0.5,x:0.5"], "groups[1].u");
    assert_rejected(&["show-config", "--a-probs", "0.2,0.2"], "a_probs");
    assert_rejected(&["show-config", "--d", "100000000"], "`d`");
    assert_rejected(&["show-config", "--lambda", "nan"], "lambda");
    assert_rejected(
        &["show-config", "--config", "/nonexistent/x.toml"],
        "x.toml",
    );
}

#[test]
fn bad_config_file_is_reported_with_its_path() {
    let dir = std::env::temp_dir().join(format!("giantstep-cli-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bad.json");
    std::fs::write(&path, "{\"psy\": 1}").unwrap();
    assert_rejected(
        &["show-config", "--config", path.to_str().unwrap()],
        "bad.json",
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

fn json(args: &[&str]) -> serde_json::Value {
    let (code, out, err) = run(args);
    assert_eq!(code, 0, "{args:?}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{args:?}: {e}: {out}"))
}

/// The two reference values of the Stieltjes issue (computed outside the project).
#[test]
fn stieltjes_json_answers_the_reference_values() {
    let v = json(&[
        "stieltjes",
        "--activation",
        "relu",
        "--groups",
        "0:1",
        "--psi",
        "1.5",
        "--alpha",
        "2",
        "--z=-0.5",
        "--json",
    ]);
    assert!((v["m"][0].as_f64().unwrap() - 1.411028).abs() < 1e-6, "{v}");
    assert!(v["m"][1].as_f64().unwrap().abs() < 1e-12);
    assert!(v["iterations"].as_u64().is_some() && v["residual"].as_f64().unwrap() < 1e-8);
    let v = json(&[
        "stieltjes",
        "--activation",
        "tanh",
        "--groups=-2:0.5,2:0.5",
        "--psi",
        "1.5",
        "--alpha",
        "2",
        "--z",
        "0.5,0.5",
        "--json",
    ]);
    assert!((v["m"][0].as_f64().unwrap() + 0.717587).abs() < 1e-6, "{v}");
    assert!((v["m"][1].as_f64().unwrap() - 1.241277).abs() < 1e-6, "{v}");
}

/// `--eta` derives the groups of THEORY.md §2; written out by hand for ReLU
/// (μ1 = 1/2, μ2 = 1/sqrt(2π)) and the target z + He2/√2 (μ1* = 1, μ2* = √2).
#[test]
fn risk_from_eta_equals_risk_from_explicit_groups() {
    let base = [
        "risk",
        "--activation",
        "relu",
        "--target",
        "hermite:0,1,0.7071067811865476",
        "--psi",
        "0.5",
        "--alpha",
        "3",
        "--lambda",
        "0.1",
        "--noise",
        "0.25",
        "--json",
    ];
    let mut a = base.to_vec();
    a.extend(["--eta", "3"]);
    let g = 3.0 * (1.0 / (2.0 * std::f64::consts::PI).sqrt()) * 2f64.sqrt();
    let groups = format!("1.5:0.5:{},-1.5:0.5:{}", 1.0 + g, 1.0 - g);
    let mut b = base.to_vec();
    b.extend(["--groups", groups.as_str()]);
    let (va, vb) = (json(&a), json(&b));
    for key in ["gen", "train"] {
        let (x, y) = (va[key].as_f64().unwrap(), vb[key].as_f64().unwrap());
        assert!((x - y).abs() < 1e-9 * x.abs(), "{key}: {x} vs {y}");
    }
    // E_gen is at least the unlearnable part plus the noise, and above the training error.
    let gen_ = va["gen"].as_f64().unwrap();
    assert!(gen_ >= va["irreducible"].as_f64().unwrap() + 0.25 - 1e-12);
    assert!(va["train"].as_f64().unwrap() < gen_);
}

#[test]
fn risk_accepts_optional_gamma() {
    let v = json(&[
        "risk",
        "--activation",
        "relu",
        "--target",
        "hermite:0,1,0.7071067811865476",
        "--groups",
        "3:1:1.5",
        "--psi",
        "0.5",
        "--alpha",
        "3",
        "--lambda",
        "0.1",
        "--noise",
        "0.25",
        "--json",
    ]);
    assert_eq!(v["model"]["groups"][0]["gamma"], 1.5);
    assert!(v["gen"].as_f64().unwrap().is_finite());
}

/// u = 0 with σ = He3 (μ1 = μ2 = 0, μ*² = 6): Marchenko-Pastur with variance 6 and ratio
/// ψ/α = 0.5: right edge 6 (1 + √0.5)², density of mass 1.
#[test]
fn density_csv_is_marchenko_pastur_for_he3() {
    let (code, out, err) = run(&[
        "density",
        "--activation",
        "hermite:0,0,0,1",
        "--groups",
        "0:1",
        "--psi",
        "1",
        "--alpha",
        "2",
        "--grid",
        "0.001:25:4000",
    ]);
    assert_eq!(code, 0, "{err}");
    let edge = 6.0 * (1.0 + 0.5f64.sqrt()).powi(2);
    let header = out.lines().nth(1).unwrap();
    let reported: f64 = header
        .split("right edge: ")
        .nth(1)
        .and_then(|t| t.split(',').next())
        .and_then(|t| t.trim().parse().ok())
        .unwrap_or_else(|| panic!("{header}"));
    assert!(
        (reported - edge).abs() < 1e-4 * edge,
        "{reported} vs {edge}"
    );
    let pts: Vec<(f64, f64)> = out
        .lines()
        .filter(|l| !l.starts_with('#') && !l.starts_with('x'))
        .map(|l| {
            let mut it = l.split(',').map(|t| t.parse::<f64>().unwrap());
            (it.next().unwrap(), it.next().unwrap())
        })
        .collect();
    assert_eq!(pts.len(), 4000);
    let mass: f64 = pts
        .windows(2)
        .map(|w| 0.5 * (w[0].1 + w[1].1) * (w[1].0 - w[0].0))
        .sum();
    assert!((mass - 1.0).abs() < 5e-3, "{mass}");
}

/// Small simulation (d = 120): shapes and the theory alongside; m(z) within 3% of the
/// theory at z = -0.5 (finite-size gap at this d is below 1%).
#[test]
fn simulate_spectrum_json_has_eigenvalues_and_theory() {
    let v = json(&[
        "simulate",
        "spectrum",
        "--activation",
        "relu",
        "--groups",
        "0.5:0.3,3:0.7",
        "--psi",
        "1.5",
        "--alpha",
        "2",
        "--d",
        "120",
        "--seeds",
        "1,2",
        "--z=-0.5",
        "--json",
    ]);
    assert_eq!(v["p"], 180);
    assert_eq!(v["eigenvalues"].as_array().unwrap().len(), 2);
    assert_eq!(v["eigenvalues"][0].as_array().unwrap().len(), 180);
    let th = v["z"][0]["theory"][0].as_f64().unwrap();
    let sim = v["z"][0]["simulation"][0].as_f64().unwrap();
    assert!((th - sim).abs() < 0.03 * th, "{th} vs {sim}");
}

#[test]
fn bad_kernel_inputs_are_one_line_errors() {
    // z on the support (real, positive): the transform is not defined there.
    assert_rejected(&["stieltjes", "--z", "1"], "error");
    assert_rejected(&["stieltjes", "--z", "1,2,3"], "`z`");
    assert_rejected(
        &["stieltjes", "--activation", "relux", "--z=-1"],
        "`activation`",
    );
    assert_rejected(&["density", "--grid", "5:0:10"], "`grid`");
    assert_rejected(&["density", "--grid", "0:1:1000000000"], "`grid`");
    assert_rejected(&["risk", "--lambda", "0"], "`lambda`");
    assert_rejected(&["risk", "--groups", "1:0.7,2:0.7"], "groups");
    assert_rejected(&["simulate", "spectrum", "--d", "20000000"], "`d`");
    assert_rejected(
        &[
            "reproduce",
            "--out",
            "/proc/giantstep-cannot-write",
            "--quiet",
        ],
        "giantstep-cannot-write",
    );
}

/// The main job, shrunk: `reproduce --d 120` writes the report, the figures (SVG and PNG)
/// and the data.
#[test]
fn reproduce_writes_report_figures_and_data() {
    let dir = std::env::temp_dir().join(format!("giantstep-reproduce-{}", std::process::id()));
    let (code, out, err) = run(&[
        "reproduce",
        "--out",
        dir.to_str().unwrap(),
        "--d",
        "120",
        "--quiet",
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("report.md"), "{out}");
    for f in [
        "report.md",
        "data.json",
        "theory_vs_simulation.csv",
        "spectrum_before_after.png",
        "spectrum_before_after.svg",
        "tail_vs_eta.png",
        "learning_curves.png",
        "onestep_equivalence.png",
    ] {
        let meta = std::fs::metadata(dir.join(f)).unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(meta.len() > 100, "{f} is too small");
    }
    let report = std::fs::read_to_string(dir.join("report.md")).unwrap();
    assert!(report.contains("![spectrum before and after](spectrum_before_after.png)"));
    assert!(report.contains("| quantity | configuration |"));
    std::fs::remove_dir_all(&dir).unwrap();
}
