"""Shared fixtures: the giantstep CLI binary (for Python-vs-CLI parity) and the repo root."""

import json
import os
import pathlib
import subprocess

import pytest

REPO = pathlib.Path(__file__).resolve().parents[3]


def cli_path() -> pathlib.Path:
    """The CLI built by `cargo build --release` (or $GIANTSTEP_CLI, which xtask sets)."""
    path = pathlib.Path(os.environ.get("GIANTSTEP_CLI", REPO / "target" / "release" / "giantstep"))
    if not path.exists():
        raise RuntimeError(
            f"giantstep CLI not found at {path}: run `cargo build --release` first "
            "(cargo xtask verify does) or set GIANTSTEP_CLI"
        )
    return path


@pytest.fixture(scope="session")
def cli():
    """cli(*args) runs `giantstep ARGS --json --quiet` and returns the parsed JSON."""
    exe = cli_path()

    def run(*args: str):
        out = subprocess.run(
            [str(exe), *args, "--json", "--quiet"], capture_output=True, text=True, check=False
        )
        assert out.returncode == 0, f"giantstep {' '.join(args)} failed: {out.stderr}"
        return json.loads(out.stdout)

    return run
