"""Side-by-side timing of the Python package against the same library calls in Rust.

    python examples/python/bench.py [ROUNDS] [REPS]

Each round runs the Rust side (`cargo run --release --example theory_timing REPS`, the
library calls in process) and then the Python calls (REPS each), so both see the machine in
the same state; it prints the medians and their ratio per round. Work: the 1000-point
`density` of `giantstep density --activation relu --eta 3 --psi 1 --alpha 2 --grid 0:5:1000`
and a 100-point learning curve `risk(alpha=<100 values>)` in one call.
"""

import json
import pathlib
import statistics
import subprocess
import sys
import time

import numpy as np

import giantstep as gs

REPO = pathlib.Path(__file__).resolve().parents[2]


def median_ns(reps, f):
    f()  # warm-up
    times = []
    for _ in range(reps):
        start = time.perf_counter_ns()
        f()
        times.append(time.perf_counter_ns() - start)
    return statistics.median(times)


def python_side(reps):
    # the same grid as `--grid 0:5:1000` (start + (end - start) * i / (count - 1))
    x = np.array([5.0 * (i / 999) for i in range(999)] + [5.0])
    alphas = np.array([0.5 + 3.5 * i / 99.0 for i in range(100)])
    density = median_ns(reps, lambda: gs.density(x, activation="relu", eta=3, psi=1, alpha=2))
    curve = median_ns(reps, lambda: gs.risk(activation="relu", target="tanh", eta=3, psi=1,
                                            alpha=alphas, lam=0.1, noise=0.1))
    return {"density_ns": density, "risk_curve_ns": curve}


def rust_side(reps):
    out = subprocess.run(
        ["cargo", "run", "--release", "--quiet", "--example", "theory_timing", "--", str(reps)],
        cwd=REPO, capture_output=True, text=True, check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    reps = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    ratios = {"density_ns": [], "risk_curve_ns": []}
    for r in range(rounds):
        rust, py = rust_side(reps), python_side(reps)
        for k in ratios:
            ratios[k].append(py[k] / rust[k])
        print(f"round {r}: density rust {rust['density_ns'] / 1e6:.2f} ms, python "
              f"{py['density_ns'] / 1e6:.2f} ms; risk curve rust "
              f"{rust['risk_curve_ns'] / 1e6:.2f} ms, python {py['risk_curve_ns'] / 1e6:.2f} ms")
    for k, v in ratios.items():
        print(f"{k}: median ratio python/rust {statistics.median(v):.3f} "
              f"(rounds: {', '.join(f'{x:.3f}' for x in v)})")


if __name__ == "__main__":
    main()
