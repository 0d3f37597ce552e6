"""Paired side-by-side timing of the features + covariance + eigenvalues pipeline:
numpy (this process) and giantstep (`examples/pipeline_timing p n d 0`, a long-lived child
process) run one pipeline each in turn, so both see the same machine state; on a shared
machine whose speed drifts by 10-20% over minutes, that pairing is what makes the two
medians comparable. Each run is followed by a short pause (see PAUSE) so that neither
side's idle worker threads are still spinning when the other starts.

Usage (in a throwaway venv with numpy; build the example first with
`cargo build --release -p giantstep-spiked --example pipeline_timing`):
    python crates/spiked/benches/numpy_paired.py p n d pairs [path/to/pipeline_timing]
Prints both medians, their ratio, and in how many pairs giantstep was faster.
"""

import os
import subprocess
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from numpy_reference import pipeline  # noqa: E402


# Pause after each pipeline: OpenBLAS worker threads keep spinning for a while after a call
# returns (and rayon's briefly), and would otherwise take the cores from the other side's
# next run (measured: without it, giantstep's features stage took 130-150 ms instead of
# ~100 ms right after a numpy run).
PAUSE = 0.3


def main():
    p, n, d, pairs = (int(a) for a in sys.argv[1:5])
    exe = sys.argv[5] if len(sys.argv) > 5 else "target/release/examples/pipeline_timing"
    rng = np.random.default_rng(0)
    w = rng.standard_normal((p, d))
    w /= np.linalg.norm(w, axis=1, keepdims=True)
    x = rng.standard_normal((d, n))
    child = subprocess.Popen([exe, str(p), str(n), str(d), "0"], stdin=subprocess.PIPE,
                             stdout=subprocess.PIPE, text=True, bufsize=1)

    def rust_once():
        child.stdin.write("\n")
        child.stdin.flush()
        total, feat = (float(v) for v in child.stdout.readline().split())
        return total, feat

    def numpy_once():
        t0 = time.perf_counter()
        f = w @ x
        np.maximum(f, 0.0, out=f)
        t1 = time.perf_counter()
        c = f @ f.T
        c /= f.shape[1]
        np.linalg.eigvalsh(c)
        t2 = time.perf_counter()
        return 1e3 * (t2 - t0), 1e3 * (t1 - t0)

    pipeline(w, x)  # warm-up, both sides
    rust_once()
    ours, theirs, ours_f, theirs_f = [], [], [], []
    for _ in range(pairs):
        total, feat = numpy_once()
        theirs.append(total)
        theirs_f.append(feat)
        time.sleep(PAUSE)
        total, feat = rust_once()
        ours.append(total)
        ours_f.append(feat)
        time.sleep(PAUSE)
    child.stdin.close()
    child.wait()
    med = lambda v: sorted(v)[len(v) // 2]
    wins = sum(o < t for o, t in zip(ours, theirs))
    print(f"p={p} n={n} d={d}, {pairs} pairs: numpy median {med(theirs):.1f} ms, "
          f"giantstep median {med(ours):.1f} ms, ratio {med(ours) / med(theirs):.3f}; "
          f"giantstep faster in {wins}/{pairs} pairs")
    print(f"  features stage (W X, activation): numpy {med(theirs_f):.1f} ms, giantstep "
          f"{med(ours_f):.1f} ms; covariance + eigenvalues: numpy "
          f"{med([t - f for t, f in zip(theirs, theirs_f)]):.1f} ms, giantstep "
          f"{med([t - f for t, f in zip(ours, ours_f)]):.1f} ms")


if __name__ == "__main__":
    main()
