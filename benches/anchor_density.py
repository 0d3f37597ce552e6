"""NumPy/SciPy anchor of the density kernel bench (issue 15; not part of the library).

The same fixed point as giantstep-stieltjes (THEORY.md section 4), written the way a
per-paper script would write it: NumPy over the kappa-nodes, SciPy's MINPACK `hybr` root
finder (finite-difference Jacobian) on the real and imaginary parts, warm-started from the
previous grid point, with a continuation in Im z when a point leaves the Herglotz branch.

    delta_k = phi_k . theta / alpha,  theta = (M_aa, M_ab + M_ba (a < b), q_a),
    M = Q (I + T Q)^{-1},  (T', s') = sum_k w_k phi_k / (1 + delta_k),
    q~_a = 1 / ([T' (I + Q T')^{-1}]_aa + s'_a - z),  q'_a = psi pi_a q~_a,
    rho(x) = Im m(x + i eta) / pi,  m = sum_a pi_a q~_a.

Input: target/anchor/density_problem.json, written by `cargo bench --bench experiments`
(group `anchor`): the profile tables of the density command's problem, the grid, eta and the
Rust density. Output: target/anchor/density_numpy.json with the median wall time of the
whole 1000-point density over the repetitions and the largest difference from the Rust
density. Exit status 1 if the two densities differ by more than 1e-6 (relative to max rho):
the anchor must compute the same thing to be an anchor.

Usage: python benches/anchor_density.py [--repeat N]
"""

import argparse
import json
import pathlib
import statistics
import sys
import time

import numpy as np
from scipy.optimize import root

ROOT = pathlib.Path(__file__).resolve().parent.parent
IN = ROOT / "target" / "anchor" / "density_problem.json"
OUT = ROOT / "target" / "anchor" / "density_numpy.json"
AGREE = 1e-6


class Problem:
    def __init__(self, data):
        self.w = np.asarray(data["weights"])
        d = np.asarray(data["d"])  # K x r
        e2 = np.asarray(data["e2"])
        self.r = d.shape[1]
        self.tri = [(a, b) for a in range(self.r) for b in range(a, self.r)]
        self.mt = len(self.tri)
        # phi: m x K, rows (d_a d_b for a <= b, then e_a^2)
        self.phi = np.vstack([d[:, a] * d[:, b] for a, b in self.tri] + [e2[:, a] for a in range(self.r)])
        self.pi = np.asarray(data["pi"])
        self.psi = data["psi"]
        self.alpha = data["alpha"]

    def unpack(self, x):
        r = self.r
        q = x[:r]
        t = np.zeros((r, r), complex)
        for j, (a, b) in enumerate(self.tri):
            t[a, b] = t[b, a] = x[r + j]
        return q, t

    def phi_map(self, z, x):
        """Phi(x) and the intermediates (q~, delta)."""
        r = self.r
        q, t = self.unpack(x)
        eye = np.eye(r)
        m_mat = np.diag(q) @ np.linalg.inv(eye + t @ np.diag(q))
        theta = np.array(
            [m_mat[a, a] if a == b else m_mat[a, b] + m_mat[b, a] for a, b in self.tri] + list(q)
        )
        delta = theta @ self.phi / self.alpha
        g = self.phi @ (self.w / (1.0 + delta))
        tn = np.zeros((r, r), complex)
        for j, (a, b) in enumerate(self.tri):
            tn[a, b] = tn[b, a] = g[j]
        n_mat = tn @ np.linalg.inv(eye + np.diag(q) @ tn)
        qt = 1.0 / (np.diag(n_mat) + g[self.mt :] - z)
        y = np.concatenate([self.psi * self.pi * qt, g[: self.mt]])
        return y, qt, delta

    def initial(self, z):
        qt = -1.0 / z * np.ones(self.r)
        return np.concatenate([self.psi * self.pi * qt, self.phi[: self.mt] @ self.w + 0j])

    def solve(self, z, x0):
        n = len(x0)

        def f(v):
            x = v[:n] + 1j * v[n:]
            y, _, _ = self.phi_map(z, x)
            d = y - x
            return np.concatenate([d.real, d.imag])

        sol = root(f, np.concatenate([x0.real, x0.imag]), method="hybr", options={"xtol": 1e-13})
        x = sol.x[:n] + 1j * sol.x[n:]
        _, qt, delta = self.phi_map(z, x)
        scale = max(1.0, np.abs(x).max())
        ok = (
            sol.success
            and np.abs(f(sol.x)).max() <= 1e-10 * scale
            and (qt.imag >= -1e-9 * np.abs(qt)).all()
            and (delta.imag >= -1e-9 * np.abs(delta)).all()
        )
        return x, qt, ok

    def solve_cold(self, z):
        """Continuation from z + 2i max(|z|, 1) down to z."""
        h = 2.0 * max(abs(z), 1.0)
        x = self.initial(z + 1j * h)
        while True:
            x, qt, ok = self.solve(z + 1j * h, x)
            if not ok:
                raise RuntimeError(f"continuation failed at z = {z}, h = {h}")
            if h == 0.0:
                return x, qt
            h = 0.0 if h < 1e-3 * max(abs(z), 1e-3) else 0.3 * h

    def density(self, xs, eta):
        rho = np.empty(len(xs))
        x = None
        for i, t in enumerate(xs):
            z = t + 1j * eta
            ok = False
            if x is not None:
                x_new, qt, ok = self.solve(z, x)
            if not ok:
                x_new, qt = self.solve_cold(z)
            x = x_new
            rho[i] = max(0.0, float(np.dot(self.pi, qt).imag) / np.pi)
        return rho


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    if not IN.exists():
        sys.exit(f"{IN} is missing: run `cargo bench -p giantstep --bench experiments -- anchor` first")
    data = json.loads(IN.read_text())
    prob = Problem(data)
    xs, eta, rust = np.asarray(data["x"]), data["eta"], np.asarray(data["rho"])
    times, rho = [], None
    for _ in range(args.repeat):
        t0 = time.perf_counter()
        rho = prob.density(xs, eta)
        times.append(time.perf_counter() - t0)
    diff = float(np.abs(rho - rust).max() / rust.max())
    result = {
        "name": "anchor/numpy_scipy_density_relu_eta3_1000_points",
        "median_ns": statistics.median(times) * 1e9,
        "repeat": args.repeat,
        "max_rel_diff_from_rust": diff,
        "numpy": np.__version__,
    }
    OUT.write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result, indent=2))
    if not diff <= AGREE:
        sys.exit(f"the anchor's density differs from the Rust density by {diff:.3e} > {AGREE}")


if __name__ == "__main__":
    main()
