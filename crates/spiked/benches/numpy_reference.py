"""numpy reference for the features + covariance + eigenvalues pipeline.

Same work as the criterion bench `pipeline` of giantstep-spiked: given W (p x d, unit rows)
and X (d x n, Gaussian), compute F = relu(W X), C = F F^T / n, and all eigenvalues of C
(eigvalsh, values only). Reports the median over `reps` runs.

Usage (in a throwaway venv with numpy):
    python crates/spiked/benches/numpy_reference.py p n d reps
"""

import sys
import time

import numpy as np


def pipeline(w, x):
    f = w @ x
    np.maximum(f, 0.0, out=f)
    c = f @ f.T  # numpy dispatches A @ A.T to syrk
    c /= f.shape[1]
    return np.linalg.eigvalsh(c)


def main():
    p, n, d, reps = (int(a) for a in sys.argv[1:5])
    rng = np.random.default_rng(0)
    w = rng.standard_normal((p, d))
    w /= np.linalg.norm(w, axis=1, keepdims=True)
    x = rng.standard_normal((d, n))
    pipeline(w, x)  # warm-up
    times = []
    for _ in range(reps):
        t0 = time.perf_counter()
        ev = pipeline(w, x)
        times.append(time.perf_counter() - t0)
    times.sort()
    print(f"numpy p={p} n={n} d={d}: median {1e3 * times[len(times) // 2]:.1f} ms "
          f"(min {1e3 * times[0]:.1f}, max {1e3 * times[-1]:.1f}) over {reps} runs; top {ev[-1]:.4f}")


if __name__ == "__main__":
    main()
