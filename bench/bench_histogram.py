#!/usr/bin/env python
"""Histogram-shaped kernels, ember vs numba, timed call by call.

    python bench/bench_histogram.py                      # 2M elements
    python bench/bench_histogram.py --n 50000 --kernels normal100,float32

Each kernel is compiled by both; their calls alternate (ember, numba, ember, ...) and each call
is timed alone, so on a shared machine a preempted call only loses its own time: the table gives
each backend's best call and the median of the per-pair ratios. Counts are checked against
NumPy's (exactly) before timing. Kernels: np.histogram with a range (normal float64 in 100 bins,
uniform in 8 bins, float32, int64), a loop written by hand (h[k] += 1), np.bincount.
"""

import argparse
import statistics
import time

import numpy as np


def hist100(x):
    h, _ = np.histogram(x, 100, range=(-5.0, 5.0))
    return h


def hist8(x):
    h, _ = np.histogram(x, 8, range=(0.0, 1.0))
    return h


def hist_loop(x):
    h = np.zeros(100, np.int64)
    for v in x:
        if -5.0 <= v < 5.0:
            h[int((v + 5.0) * 10.0)] += 1
    return h


def bincount(k):
    return np.bincount(k)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2_000_000)
    ap.add_argument("--kernels", default="")
    ap.add_argument("--calls", type=int, default=0, help="calls per backend (default: 6e8 / n)")
    a = ap.parse_args()
    rng = np.random.default_rng(0)
    n = a.n
    kernels = {
        "normal100": (hist100, rng.standard_normal(n)),
        "uniform8": (hist8, rng.uniform(0.0, 1.0, n)),
        "float32": (hist100, rng.standard_normal(n).astype(np.float32)),
        "int64": (hist8, rng.integers(-3, 5, n)),   # integers on the edges: the exact loop
        "loop": (hist_loop, rng.standard_normal(n)),
        "bincount": (bincount, rng.integers(0, 1000, n)),
    }
    names = a.kernels.split(",") if a.kernels else list(kernels)
    import ember
    import numba
    calls = a.calls or max(20, int(6e8 / n))
    print(f"n={n}, {calls} calls each, alternating")
    print("| kernel | ember ms | numba ms | ember/numba (best) | ember/numba (median pair) |")
    print("|---|---:|---:|---:|---:|")
    for name in names:
        fn, x = kernels[name]
        e, nb = ember.njit(fn), numba.njit(fn)
        ref = fn(x[:20000]) if name == "loop" else fn(x)
        got = e(x[:20000]) if name == "loop" else e(x)
        assert np.array_equal(got, ref), name
        e(x), nb(x)
        best = {"ember": float("inf"), "numba": float("inf")}
        ratios = []
        for _ in range(calls):
            t = {}
            for k, g in (("ember", e), ("numba", nb)):
                t0 = time.perf_counter()
                g(x)
                t[k] = time.perf_counter() - t0
                best[k] = min(best[k], t[k])
            ratios.append(t["ember"] / t["numba"])
        print(f"| {name} | {best['ember'] * 1e3:.3f} | {best['numba'] * 1e3:.3f} | {best['ember'] / best['numba']:.2f} | "
              f"{statistics.median(ratios):.2f} |", flush=True)


if __name__ == "__main__":
    main()
