#!/usr/bin/env python
"""@vectorize benchmark: the same scalar kernel as an ember ufunc (serial and target='parallel'),
a numba ufunc (both targets) and the NumPy expression it stands for, on 10^6 and 10^7 float64
elements. Steady times (best of 3 rounds of 5 calls in a row, the variants taking turns, all in one
process, so ratios are taken side by side) in a Markdown table on stdout, with the machine and the command.

    PYTHONPATH=pymodule python bench/bench_vectorize.py            # full sizes
    PYTHONPATH=pymodule python bench/bench_vectorize.py --quick    # a smoke run
"""

import argparse
import math
import os
import platform
import shlex
import sys
import time

import numpy as np

import ember

try:
    import numba
except ImportError:   # numba is only a comparison
    numba = None

SIGS = ["float64(float64, float64)"]


def smooth_step(x, y):
    t = x * y
    if t < 0.0:
        return 0.0
    if t > 1.0:
        return 1.0
    return t * t * (3.0 - 2.0 * t)


def softplus(x, y):
    return math.log1p(math.exp(x)) * y


def numpy_smooth_step(x, y):
    t = np.clip(x * y, 0.0, 1.0)
    return t * t * (3.0 - 2.0 * t)


def numpy_softplus(x, y):
    return np.log1p(np.exp(x)) * y


# (name, kernel, NumPy expression, whether y is a scalar: NumPy passes it to the loop with step 0)
KERNELS = [("smooth_step", smooth_step, numpy_smooth_step, False), ("softplus", softplus, numpy_softplus, False),
           ("smooth_step, scalar y", smooth_step, numpy_smooth_step, True)]


def interleaved(calls, rounds, inner=5):
    """Best time of each call over `rounds` rounds in which every call runs `inner` times in a row
    (after one untimed call: a parallel runtime's threads still spinning from the call before
    must not be timed), so load from other processes falls on all of them alike."""
    best_t = {k: float("inf") for k in calls}
    for _ in range(rounds):
        for k, f in calls.items():
            f()
            for _ in range(inner):
                t = time.perf_counter()
                f()
                best_t[k] = min(best_t[k], time.perf_counter() - t)
    return best_t


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    sizes = [10**5] if args.quick else [10**6, 10**7]
    repeat = 1 if args.quick else 3
    rng = np.random.default_rng(0)
    print(f"`{shlex.join([os.path.basename(sys.executable)] + sys.argv)}` on {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} CPUs, ember threads {ember.get_num_threads()}, "
          f"numba {numba.__version__ if numba else 'absent'}, NumPy {np.__version__}\n")
    print("| kernel | n | NumPy ms | ember ms | ember parallel ms | numba ms | numba parallel ms | "
          "parallel speedup (ember) | parallel speedup (numba) | ember / numba |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, kernel, npfn, scalar_y in KERNELS:
        impls = {"ember": ember.vectorize(SIGS)(kernel),
                 "ember_par": ember.vectorize(SIGS, target="parallel")(kernel)}
        if numba:
            impls["numba"] = numba.vectorize(SIGS)(kernel)
            impls["numba_par"] = numba.vectorize(SIGS, target="parallel")(kernel)
        for n in sizes:
            x, y = rng.standard_normal(n), (0.7 if scalar_y else rng.random(n))
            out = np.empty(n)
            ref = npfn(x, y)
            calls = {"numpy": lambda: npfn(x, y)}
            for key, f in impls.items():
                assert np.allclose(f(x, y), ref, rtol=1e-12, atol=1e-15), (name, key)
                calls[key] = lambda f=f: f(x, y, out=out)
            row = interleaved(calls, repeat)
            ms = {k: "%.2f" % (v * 1e3) for k, v in row.items()}
            vs_numba = "%.2fx" % (row["ember"] / row["numba"]) if numba else "-"
            numba_speedup = "%.2fx" % (row["numba"] / row["numba_par"]) if numba else "-"
            print(f"| {name} | {n:.0e} | {ms['numpy']} | {ms['ember']} | {ms['ember_par']} | {ms.get('numba', '-')} | "
                  f"{ms.get('numba_par', '-')} | {row['ember'] / row['ember_par']:.2f}x | {numba_speedup} | {vs_numba} |")


if __name__ == "__main__":
    main()
