"""Time scipy.special.roots_hermitenorm(K) on this machine (reference for benches/gauss_hermite.rs).

Usage (throwaway venv):
    python3 -m venv /tmp/venv && /tmp/venv/bin/pip install scipy
    /tmp/venv/bin/python crates/hermite/benches/scipy_reference.py

Prints, for each K, the median over `repeat` timeit runs of one call (in ms).
"""
import statistics
import timeit

import scipy
from scipy.special import roots_hermitenorm

print(f"scipy {scipy.__version__}")
for k in (20, 100, 1000, 10000):
    number = max(1, 2000 // k)
    times = timeit.repeat(lambda: roots_hermitenorm(k), number=number, repeat=51)
    per_call = [t / number for t in times]
    print(f"K = {k:6d}: median {1e3 * statistics.median(per_call):9.4f} ms "
          f"(min {1e3 * min(per_call):9.4f} ms, {len(per_call)} runs of {number} calls)")
