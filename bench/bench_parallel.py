#!/usr/bin/env python
"""Parallel benchmark: prange loops, array expressions and reductions under ember and numba with
parallel=True, side by side.

For each kernel and each thread count (1, 2, ... up to the machine's cores, doubling), the
steady time (best of several runs after a warm-up) of ember and of numba in the same process,
the speedup over one thread, and ember/numba. Prints a Markdown table with the command and the
machine on stdout.

    PYTHONPATH=pymodule python bench/bench_parallel.py            # full sizes
    PYTHONPATH=pymodule python bench/bench_parallel.py --quick    # small sizes, a smoke run
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
except ImportError:  # numba is only a comparison
    numba = None


def sum_squares(a):
    s = 0.0
    for i in prange(a.shape[0]):
        s += a[i] * a[i]
    return s


def row_work(m, out):
    for i in prange(m.shape[0]):
        acc = 0.0
        for j in range(m.shape[1]):
            x = m[i, j]
            acc += math.sin(x) * math.exp(-x * x)
        out[i] = acc
    return out


def monte_carlo_pi(n):
    inside = 0
    for i in prange(n):
        x = np.random.random()
        y = np.random.random()
        if x * x + y * y <= 1.0:
            inside += 1
    return 4.0 * inside / n


def expr_axpy(a, b, c):
    return a + b * c


def expr_ufuncs(a, b):
    return np.sqrt(a) * np.exp(-b) + np.sin(a)


def expr_2d_where(m):
    return np.where(m > 0.5, m * 2.0, 1.0 - m)


def array_sum(a):
    return np.sum(a)


def array_std(a):
    return np.std(a)


def array_argmax(a):
    return np.argmax(a)


def kernels(quick):
    rng = np.random.default_rng(0)
    n = 400_000 if quick else 4_000_000
    rows = (200, 500) if quick else (2000, 500)
    m = rng.random(rows)
    return [
        ("sum of squares, %d floats" % n, sum_squares, (rng.random(n),), 1e-9),
        ("per-row sin*exp, %dx%d" % rows, row_work, (m, np.empty(rows[0])), 1e-9),
        ("Monte-Carlo pi, %d draws" % n, monte_carlo_pi, (n,), 1e-2),
        ("array expr a + b * c, %d floats" % n, expr_axpy, (rng.random(n), rng.random(n), rng.random(n)), 1e-12),
        ("array expr sqrt*exp+sin, %d floats" % n, expr_ufuncs, (rng.random(n), rng.random(n)), 1e-12),
        ("array expr np.where, %dx%d F" % rows, expr_2d_where, (np.asfortranarray(m),), 1e-12),
        ("np.sum, %d floats" % n, array_sum, (rng.random(n),), 1e-9),
        ("np.std, %d floats" % n, array_std, (rng.random(n),), 1e-9),
        ("np.argmax, %d ints" % n, array_argmax, (rng.integers(0, 1 << 40, n),), 0),
    ]


def compile_with(mod, fn):
    g = dict(fn.__globals__, prange=mod.prange)
    f = type(fn)(fn.__code__, g, fn.__name__)
    return mod.njit(parallel=True)(f)


def steady(f, args, budget):
    f(*args)
    best, spent = math.inf, 0.0
    while spent < budget or best == math.inf:
        t0 = time.perf_counter()
        f(*args)
        dt = time.perf_counter() - t0
        best, spent = min(best, dt), spent + dt
        if spent > 5 * budget:
            break
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--budget", type=float, default=0.4, help="seconds of timing per cell")
    opts = ap.parse_args()
    maxt = ember.config.NUM_THREADS
    counts = [1]
    while counts[-1] * 2 <= maxt:
        counts.append(counts[-1] * 2)
    if counts[-1] != maxt:
        counts.append(maxt)
    lines = ["| kernel | threads | ember ms | ember speedup | numba ms | numba speedup | ember/numba |",
             "|---|--:|--:|--:|--:|--:|--:|"]
    for name, fn, args, tol in kernels(opts.quick):
        fe = compile_with(ember, fn)
        fnb = compile_with(numba, fn) if numba else None
        if fnb:   # the two compilers' results must agree
            got_e, got_n = fe(*args), fnb(*args)
            if not np.allclose(got_e, got_n, rtol=tol):
                print(f"RESULTS DIFFER for {name}: ember {got_e!r} numba {got_n!r}", file=sys.stderr)
        base_e = base_n = None
        for t in counts:
            ember.set_num_threads(t)
            te = steady(fe, args, opts.budget)
            tn = None
            if fnb:
                numba.set_num_threads(t)
                tn = steady(fnb, args, opts.budget)
            base_e = base_e or te
            base_n = base_n or tn
            lines.append(f"| {name} | {t} | {te * 1e3:.2f} | {base_e / te:.2f}x | "
                         + (f"{tn * 1e3:.2f} | {base_n / tn:.2f}x | {te / tn:.2f} |" if tn else "- | - | - |"))
            print(f"{name}: {t} threads done", file=sys.stderr)
    print("Command: `" + " ".join(shlex.quote(a) for a in [os.path.relpath(sys.argv[0])] + sys.argv[1:]) + "`")
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; "
          f"ember threading layer {ember.config.THREADING_LAYER}; "
          + (f"numba {numba.__version__} (threading layer {numba.threading_layer()})" if numba else "no numba")
          + f"; ember imported from {os.path.dirname(ember.__file__)}")
    print()
    print("\n".join(lines))


prange = range   # the kernels run under each module's prange (see compile_with)

if __name__ == "__main__":
    main()
