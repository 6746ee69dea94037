#!/usr/bin/env python
"""A Monte Carlo kernel on np.random's distributions: ember vs numba vs NumPy, one run.

    python bench/bench_random_dists.py [-n 200000] [--repeat 7]

The kernel is a collective risk model: for each of n periods a Poisson number of claims, each
of gamma size, and a beta-distributed recovery on the period's total; it returns the mean loss
and the largest one. Forms:

  loop     the kernel as a scalar loop (ember and numba compile it; NumPy cannot run it fast)
  arrays   the same model written with size= draws (ember, numba, and NumPy itself)

Both compiled backends seed inside the kernel, so their numbers must equal NumPy's (ember's do
by construction; the script says whether numba's do). Times are the best of --repeat calls
after a warm-up call, the backends interleaved in each round so machine load hits them alike;
the ratio column is each time over ember's.
"""
import argparse
import platform
import sys
import time

import numpy as np


def risk_loop(seed, n, lam, shape, scale):
    np.random.seed(seed)
    total = 0.0
    worst = 0.0
    for _ in range(n):
        loss = 0.0
        for _ in range(np.random.poisson(lam)):
            loss += np.random.gamma(shape, scale)
        loss *= 1.0 - np.random.beta(2.0, 8.0)
        total += loss
        worst = max(worst, loss)
    return total / n, worst


def risk_arrays(seed, n, lam, shape, scale):
    np.random.seed(seed)
    counts = np.random.poisson(lam, n)
    sizes = np.random.gamma(shape, scale, counts.sum())
    recovery = np.random.beta(2.0, 8.0, n)
    losses = np.zeros(n)
    k = 0
    for i in range(n):
        for _ in range(counts[i]):
            losses[i] += sizes[k]
            k += 1
    losses *= 1.0 - recovery
    return losses.mean(), losses.max()


def risk_numpy(seed, n, lam, shape, scale):
    # NumPy's own vectorised form: the same draws as risk_arrays, summed per period by bincount.
    np.random.seed(seed)
    counts = np.random.poisson(lam, n)
    sizes = np.random.gamma(shape, scale, counts.sum())
    recovery = np.random.beta(2.0, 8.0, n)
    losses = np.bincount(np.repeat(np.arange(n), counts), weights=sizes, minlength=n) * (1.0 - recovery)
    return losses.mean(), losses.max()


def best(fn, args, repeat):
    fn(*args)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--rounds", type=int, default=3)
    opt = ap.parse_args()
    import ember
    backends = {"ember": ember.njit}
    try:
        import numba
        backends["numba"] = numba.njit
    except ImportError:
        print("numba not importable: ember and NumPy only", file=sys.stderr)
    args = (11, opt.n, 3.0, 2.0, 500.0)
    rows = {}
    want_loop = risk_loop(11, 2000, 3.0, 2.0, 500.0)
    want_arrays = risk_numpy(*args)
    agree = {}
    kernels = {}
    for name, dec in backends.items():
        kernels[(name, "loop")] = dec(risk_loop)
        kernels[(name, "arrays")] = dec(risk_arrays)
        agree[name] = (kernels[(name, "loop")](11, 2000, 3.0, 2.0, 500.0) == want_loop
                       and kernels[(name, "arrays")](*args) == want_arrays)
    kernels[("numpy", "arrays")] = risk_numpy
    for _ in range(opt.rounds):   # interleaved rounds: each keeps its best
        for key, fn in kernels.items():
            t = best(fn, args, opt.repeat)
            rows[key] = min(rows.get(key, t), t)
    print(f"# np.random Monte Carlo (n={opt.n}, best of {opt.repeat} x {opt.rounds} interleaved rounds)\n")
    print(f"`python {' '.join(sys.argv)}` on {platform.processor() or platform.machine()}, "
          f"numpy {np.__version__}, python {platform.python_version()}\n")
    print("| form | backend | time (ms) | / ember | same numbers as NumPy |")
    print("|---|---|---|---|---|")
    for (name, form), t in rows.items():
        base = rows[("ember", form)]
        same = "yes (reference)" if name == "numpy" else ("yes" if agree[name] else "NO")
        print(f"| {form} | {name} | {t * 1e3:.2f} | {t / base:.2f} | {same} |")


if __name__ == "__main__":
    main()
