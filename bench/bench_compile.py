#!/usr/bin/env python
"""Compile-time benchmark: the first (uncached) call of small functions, ember vs numba, each in
fresh processes, side by side in one run.

Each process imports numpy and the backend, defines a few small functions and times the first
call of each (which compiles it; `filt` compiles the two helpers it calls too), in wall time and in CPU time of the process (getrusage: less
sensitive to other load on a shared machine). The first function also pays for loading the code
generator (ember: the _embercc module with LLVM linked in; numba: llvmlite's LLVM).

    python bench/bench_compile.py [--runs 9]
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys

CHILD = r'''
import json, resource, sys, time
import numpy as np
backend = sys.argv[1]
if backend == "ember":
    from ember import njit
else:
    from numba import njit

def cpu():
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime

@njit
def add(a, b):
    return a + b

@njit
def poly(x):
    s = 0.0
    for i in range(10):
        s = s * x + i
    return s

@njit
def norm(a):
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i] * a[i]
    return np.sqrt(s)

@njit
def clamp(x, lo, hi):
    return min(max(x, lo), hi)

@njit
def smooth(a, i):
    return (a[i - 1] + 2.0 * a[i] + a[i + 1]) * 0.25

@njit
def filt(a):   # compiles its two helpers too
    out = a.copy()
    for i in range(1, a.shape[0] - 1):
        out[i] = clamp(smooth(a, i), 0.0, 1.0)
    return out

out = {}
for name, f, args in (("add", add, (1.0, 2.0)), ("poly", poly, (0.5,)), ("norm", norm, (np.ones(8),)),
                      ("filt", filt, (np.ones(8),))):
    c, w = cpu(), time.perf_counter()
    f(*args)
    out[name] = ((time.perf_counter() - w) * 1e3, (cpu() - c) * 1e3)
print(json.dumps(out))
'''


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=9)
    args = ap.parse_args()
    backends = ["ember"]
    try:
        import numba  # noqa: F401
        backends.append("numba")
    except ImportError:
        pass
    env = dict(os.environ, EMBER_CACHE_DIR=os.devnull, NUMBA_CACHE_DIR=os.devnull,
               OPENBLAS_NUM_THREADS="1")   # no BLAS threads spinning in the CPU figures
    got = {b: [] for b in backends}
    for _ in range(args.runs):   # interleaved: the machine's load hits both alike
        for b in backends:
            r = subprocess.run([sys.executable, "-c", CHILD, b], env=env, capture_output=True, text=True, check=True)
            got[b].append(json.loads(r.stdout.strip().splitlines()[-1]))
    print(f"python bench/bench_compile.py --runs {args.runs}; {platform.processor() or platform.machine()}, "
          f"{os.cpu_count()} CPUs; medians over fresh processes, ms")
    print("\n| first call | " + " | ".join(f"{b} wall | {b} CPU" for b in backends)
          + (" | ember/numba (CPU) |" if len(backends) == 2 else " |"))
    print("|---" * (1 + 2 * len(backends) + (len(backends) == 2)) + "|")
    for name in ("add", "poly", "norm", "filt"):
        row = [name]
        med = {}
        for b in backends:
            w = statistics.median(r[name][0] for r in got[b])
            c = statistics.median(r[name][1] for r in got[b])
            med[b] = c
            row += [f"{w:.1f}", f"{c:.1f}"]
        if len(backends) == 2:
            row.append(f"{med['ember'] / med['numba']:.3f}")
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
