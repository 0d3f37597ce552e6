"""Side-by-side timing of the features + covariance + eigenvalues pipeline, numpy against
giantstep, in interleaved blocks.

numpy and giantstep each run in a long-lived child process served the same way, one
pipeline per stdin line (`numpy_paired.py --serve p n d` and `examples/pipeline_timing
p n d 0`), so that neither side is favoured by being the parent. Each round runs a block
of `block` pipelines back to back on one side, then on the other: within a block each side
is in its steady state (worker threads awake, as in a timing loop), and alternating the
blocks lets both sides see the same machine state, which on a shared machine drifts by
10-20% over minutes. The first pipeline of every block is a warm-up and is not timed: it
absorbs the other side's worker threads, which keep spinning for a while after their last
call (OpenBLAS's notably), and the wake-up of one's own.

Usage (in a throwaway venv with numpy; build the example first with
`cargo build --release -p giantstep-spiked --example pipeline_timing`):
    python crates/spiked/benches/numpy_paired.py p n d rounds block [path/to/pipeline_timing] [reuse]
With `reuse`, giantstep's pipelines keep their memory between runs (`features_into` and a
`CovarianceWorkspace`), as numpy's do through the C allocator's free lists; without it, they
allocate the features and the covariance afresh.
Prints both medians over all timed pipelines, their ratio, the per-round ratios, and the
split between the features stage and covariance + eigenvalues.
"""

import subprocess
import sys
import time

import numpy as np


def numpy_once(w, x):
    """One numpy pipeline (as in numpy_reference.py); returns (total, features) in ms."""
    t0 = time.perf_counter()
    f = w @ x
    np.maximum(f, 0.0, out=f)
    t1 = time.perf_counter()
    c = f @ f.T  # numpy dispatches A @ A.T to syrk
    c /= f.shape[1]
    np.linalg.eigvalsh(c)
    t2 = time.perf_counter()
    return 1e3 * (t2 - t0), 1e3 * (t1 - t0)


def serve(p, n, d):
    """Child mode (`--serve p n d`): one numpy pipeline per line of stdin, printing its total
    and features-stage times in ms, exactly as `examples/pipeline_timing p n d 0` does."""
    rng = np.random.default_rng(0)
    w = rng.standard_normal((p, d))
    w /= np.linalg.norm(w, axis=1, keepdims=True)
    x = rng.standard_normal((d, n))
    for _ in sys.stdin:
        total, feat = numpy_once(w, x)
        print(f"{total:.3f} {feat:.3f}", flush=True)


def child_once(child):
    """Asks a serving child for one pipeline; returns (total, features) in ms."""
    child.stdin.write("\n")
    child.stdin.flush()
    total, feat = (float(v) for v in child.stdout.readline().split())
    return total, feat


def main():
    if sys.argv[1] == "--serve":
        serve(*(int(a) for a in sys.argv[2:5]))
        return
    p, n, d, rounds, block = (int(a) for a in sys.argv[1:6])
    extra = sys.argv[6:]
    mode = ["reuse"] if "reuse" in extra else []
    paths = [a for a in extra if a != "reuse"]
    exe = paths[0] if paths else "target/release/examples/pipeline_timing"
    spawn = lambda cmd: subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                         text=True, bufsize=1)
    # Both sides run in child processes served the same way, so that neither is favoured
    # by being the parent.
    giantstep_child = spawn([exe, str(p), str(n), str(d), "0"] + mode)
    numpy_child = spawn([sys.executable, __file__, "--serve", str(p), str(n), str(d)])

    def run_block(once):
        once()  # warm-up, not timed
        return [once() for _ in range(block)]

    med = lambda v: sorted(v)[len(v) // 2]
    ours, theirs, ratios = [], [], []
    for _ in range(rounds):
        theirs_round = run_block(lambda: child_once(numpy_child))
        ours_round = run_block(lambda: child_once(giantstep_child))
        theirs += theirs_round
        ours += ours_round
        ratios.append(med([t for t, _ in ours_round]) / med([t for t, _ in theirs_round]))
    for child in (giantstep_child, numpy_child):
        child.stdin.close()
        child.wait()
    total = lambda v: [t for t, _ in v]
    feats = lambda v: [f for _, f in v]
    rest = lambda v: [t - f for t, f in v]
    print(f"p={p} n={n} d={d}, {rounds} rounds of {block}{' (giantstep reusing memory)' if mode else ''}: numpy median "
          f"{med(total(theirs)):.1f} ms, giantstep median {med(total(ours)):.1f} ms, ratio "
          f"{med(total(ours)) / med(total(theirs)):.3f}; per round: "
          + " ".join(f"{r:.3f}" for r in ratios))
    print(f"  features stage (W X, activation): numpy {med(feats(theirs)):.1f} ms, giantstep "
          f"{med(feats(ours)):.1f} ms; covariance + eigenvalues: numpy "
          f"{med(rest(theirs)):.1f} ms, giantstep {med(rest(ours)):.1f} ms")


if __name__ == "__main__":
    main()
