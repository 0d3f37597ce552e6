"""The example script runs from the Python API alone and writes its figure."""

import subprocess
import sys

from conftest import REPO


def test_example_writes_its_figure(tmp_path):
    out = tmp_path / "figure.png"
    script = REPO / "examples" / "python" / "spectrum_and_learning.py"
    run = subprocess.run([sys.executable, str(script), "--out", str(out)],
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr
    assert out.exists() and out.stat().st_size > 10_000
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
