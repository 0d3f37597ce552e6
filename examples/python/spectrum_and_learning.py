"""Spectrum before/after one giant step and learning curves, from the Python API only.

    python examples/python/spectrum_and_learning.py [--out FIGURE.png] [--d 600]

Left: eigenvalues of F F^T/n of a simulated draw (histogram) with the theory density (line)
for random features (u = 0) and after one step with learning rate eta = 3 (ReLU student,
tanh(2z)-like target through its Hermite coefficients). Right: test error of the retrained
second layer against alpha = n/d, theory curves (one call each) with simulation points.
"""

import argparse
import time

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402

import giantstep as gs  # noqa: E402

ACTIVATION = "relu"
TARGET = "hermite:0,1,0.7071067811865476"  # He1 + He2/sqrt 2
PSI, ALPHA, ETA, LAM, NOISE = 1.0, 2.0, 3.0, 0.05, 0.1


def spectrum_panel(ax, d):
    for label, spike, color in [("random features", {}, "tab:blue"),
                                (f"after one step, eta = {ETA:g}", {"eta": ETA}, "tab:red")]:
        theory = gs.density(activation=ACTIVATION, target=TARGET, psi=PSI, alpha=ALPHA, **spike)
        ev = gs.simulate_spectrum(activation=ACTIVATION, target=TARGET, psi=PSI, alpha=ALPHA,
                                  d=d, seed=1, **spike)
        hi = theory.x[-1]
        bulk = ev[ev <= hi]
        outliers = ev[ev > hi]
        ax.hist(bulk, bins=60, range=(0, hi), density=False, color=color, alpha=0.3,
                weights=np.full(bulk.shape, 1.0 / (len(ev) * hi / 60)),
                label=f"simulation d = {d} ({len(outliers)} outliers beyond the plot)")
        ax.plot(theory.x, theory.density, color=color, lw=1.5, label=f"theory: {label}")
    ax.set_xlabel("eigenvalue of F F^T / n")
    ax.set_ylabel("density")
    ax.set_title("spectrum before and after the step")
    ax.legend(fontsize=7)


def learning_panel(ax, d):
    alphas = np.linspace(0.25, 4.0, 100)
    kw = dict(activation=ACTIVATION, target=TARGET, psi=PSI, lam=LAM, noise=NOISE)
    for label, spike, color in [("random features", {}, "tab:blue"),
                                ("learned features", {"eta": ETA}, "tab:red")]:
        curve = gs.risk(alpha=alphas, **kw, **spike)  # one call, the loop in Rust
        ax.plot(alphas, curve.gen, color=color, label=f"theory: {label}")
        ax.plot(alphas, curve.irreducible + NOISE, color=color, ls="--", lw=0.8)
        pts = [0.5, 1.5, 3.0]
        sims = [gs.simulate_risk(alpha=a, d=d, seeds=[1, 2, 3, 4], n_test=4000, **kw, **spike)
                for a in pts]
        ax.errorbar(pts, [s.gen_mean for s in sims], yerr=[2 * s.gen_stderr for s in sims],
                    fmt="o", color=color, ms=4, label=f"simulation d = {d}")
    ax.set_xlabel("alpha = n / d")
    ax.set_ylabel("test error E_gen")
    ax.set_title(f"ridge lambda = {LAM:g}, noise = {NOISE:g} (dashed: not learnable)")
    ax.legend(fontsize=7)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default="giantstep_python_example.png")
    parser.add_argument("--d", type=int, default=600, help="simulation dimension")
    args = parser.parse_args()
    start = time.perf_counter()
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 4.5))
    spectrum_panel(left, args.d)
    learning_panel(right, min(args.d, 400))
    fig.tight_layout()
    fig.savefig(args.out, dpi=120)
    print(f"wrote {args.out} in {time.perf_counter() - start:.1f} s")


if __name__ == "__main__":
    main()
