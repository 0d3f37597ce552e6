//! Step 5 of `cargo xtask verify`: the Python package's pytest suite, in a virtual
//! environment that this step makes under `target/python-venv` (nothing installed by hand):
//!
//! 1. `python3 -m venv target/python-venv` (once; `$PYTHON` overrides the interpreter);
//! 2. `pip install -r crates/python/requirements-test.txt` (numpy, pytest, matplotlib);
//! 3. `pip install --force-reinstall --no-deps ./crates/python` (maturin builds the
//!    extension from this checkout's sources, into the workspace's `target/`);
//! 4. `python -m pytest crates/python/tests` with `GIANTSTEP_CLI` set to the release CLI
//!    (built by the step before), for the Python-vs-CLI comparisons.

use crate::{count_before, workspace_root};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

/// Counts read from pytest's closing line.
#[derive(Debug, Clone, Copy, Default)]
pub struct PytestCounts {
    /// The whole step succeeded (venv, installs and tests).
    pub ok: bool,
    /// Tests passed.
    pub passed: u64,
    /// Tests failed or errored.
    pub failed: u64,
}

fn venv_dir(root: &Path) -> PathBuf {
    root.join("target").join("python-venv")
}

fn run(program: &Path, args: &[&str], root: &Path) -> bool {
    eprintln!("\n==> {} {}", program.display(), args.join(" "));
    match Command::new(program).args(args).current_dir(root).status() {
        Ok(status) => status.success(),
        Err(e) => {
            eprintln!("could not run {}: {e}", program.display());
            false
        }
    }
}

/// The venv's interpreter, after making the venv (once) and installing the requirements
/// file `requirements` (a path from the workspace root) into it; `None` if either failed.
pub fn venv_with(requirements: &str) -> Option<PathBuf> {
    let root = workspace_root();
    let venv = venv_dir(&root);
    let python = venv.join("bin").join("python");
    if !python.exists() {
        let base = PathBuf::from(std::env::var("PYTHON").unwrap_or_else(|_| "python3".into()));
        let venv_arg = venv.to_string_lossy().into_owned();
        if !run(&base, &["-m", "venv", &venv_arg], &root) {
            return None;
        }
    }
    pip(&python, &["-r", requirements], &root).then_some(python)
}

fn pip(python: &Path, args: &[&str], root: &Path) -> bool {
    let mut all = vec!["-m", "pip", "install", "--disable-pip-version-check", "-q"];
    all.extend_from_slice(args);
    run(python, &all, root)
}

/// Makes the venv, installs the package and its test requirements, runs pytest.
pub fn pytest() -> PytestCounts {
    let root = workspace_root();
    let Some(python) = venv_with("crates/python/requirements-test.txt") else {
        return PytestCounts::default();
    };
    if !pip(
        &python,
        &["--force-reinstall", "--no-deps", "./crates/python"],
        &root,
    ) {
        return PytestCounts::default();
    }
    let cli = root.join("target").join("release").join("giantstep");
    eprintln!("\n==> {} -m pytest crates/python/tests", python.display());
    let child = Command::new(&python)
        .args([
            "-m",
            "pytest",
            "crates/python/tests",
            "-q",
            "-p",
            "no:cacheprovider",
        ])
        .env("GIANTSTEP_CLI", cli)
        .current_dir(&root)
        .stdout(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            eprintln!("could not run pytest: {e}");
            return PytestCounts::default();
        }
    };
    let mut counts = PytestCounts::default();
    if let Some(out) = child.stdout.take() {
        for line in BufReader::new(out).lines().map_while(Result::ok) {
            println!("{line}");
            if line.contains(" passed") || line.contains(" failed") || line.contains(" error") {
                counts.passed += count_before(&line, " passed");
                counts.failed += count_before(&line, " failed") + count_before(&line, " error");
            }
        }
    }
    counts.ok = child.wait().map(|s| s.success()).unwrap_or(false);
    counts
}

#[cfg(test)]
mod tests {
    use crate::count_before;

    #[test]
    fn reads_pytest_closing_lines() {
        let line = "2 failed, 90 passed, 1 error in 4.17s";
        assert_eq!(count_before(line, " passed"), 90);
        assert_eq!(count_before(line, " failed"), 2);
        assert_eq!(count_before(line, " error"), 1);
        assert_eq!(count_before("94 passed in 4.17s", " failed"), 0);
    }
}
