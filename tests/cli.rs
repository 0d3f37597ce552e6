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
