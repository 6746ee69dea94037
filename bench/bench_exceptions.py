#!/usr/bin/env python
"""Exceptions raised and caught inside a compiled loop: ember vs numba vs CPython, one run.

    python bench/bench_exceptions.py [-n 1000000] [--rate 0.01] [--repeat 7]

The kernel walks an array; an element below the threshold (a fraction --rate of them) makes a
checked division raise, and the loop's `except` counts it. The forms:

  builtin   `1.0 / x` raising ZeroDivisionError, caught by `except ZeroDivisionError`
  user      `raise BadSample(i, x)` with values, caught by `except ValueError` (a base class)
  message   `raise ValueError("zero sample")`, a string message, caught in the same function
  callee    the same raise in a compiled callee, caught by the caller's `except ValueError`
  items     the callee again, over the array's items (`for x in a`): no index to check inside
            the `try` (ember checks indices there, so that an IndexError can be caught)
  store     the callee's results stored, `out[i] = inv(a[i])`, 0 where it raises: no chain
            of additions, so the loop can vectorise
  none      the same loop without try and with no raise (what the hot path costs anyway)

numba runs each form with `except Exception` (it catches nothing else) where it compiles at
all. Times are the best of --repeat calls after a warm-up call; the last column is the time per
iteration in ns. Results must agree between backends; the script says so.
"""
import argparse
import platform
import sys
import time

import numpy as np


class BadSample(ValueError):
    pass


def k_builtin(a):
    total = 0.0
    bad = 0
    for i in range(len(a)):
        try:
            total += 1.0 / a[i]
        except ZeroDivisionError:
            bad += 1
    return total, bad


def k_user(a):
    total = 0.0
    bad = 0
    for i in range(len(a)):
        try:
            if a[i] == 0.0:
                raise BadSample(i, a[i])
            total += 1.0 / a[i]
        except ValueError:
            bad += 1
    return total, bad


def k_message(a):
    total = 0.0
    bad = 0
    for i in range(len(a)):
        try:
            if a[i] == 0.0:
                raise ValueError("zero sample")
            total += 1.0 / a[i]
        except ValueError:
            bad += 1
    return total, bad


def inverse(x):
    if x == 0.0:
        raise ValueError("zero sample")
    return 1.0 / x


def make_callee(jit, catch):
    """The caller of a compiled callee; jit(f) compiles f (identity for CPython)."""
    inv = jit(inverse)

    def k_callee(a):
        total = 0.0
        bad = 0
        for i in range(len(a)):
            try:
                total += inv(a[i])
            except catch:
                bad += 1
        return total, bad
    return jit(k_callee)


def make_items(jit, catch):
    """make_callee's loop over the items."""
    inv = jit(inverse)

    def k_items(a):
        total = 0.0
        bad = 0
        for x in a:
            try:
                total += inv(x)
            except catch:
                bad += 1
        return total, bad
    return jit(k_items)


def make_store(jit, catch):
    """make_callee's loop storing each result."""
    inv = jit(inverse)

    def k_store(a):
        out = np.empty(len(a))
        bad = 0
        for i in range(len(a)):
            try:
                out[i] = inv(a[i])
            except catch:
                out[i] = 0.0
                bad += 1
        return out[::1000].sum(), bad
    return jit(k_store)


def k_none(a):
    total = 0.0
    bad = 0
    for i in range(len(a)):
        if a[i] == 0.0:
            bad += 1
        else:
            total += 1.0 / a[i]
    return total, bad


def numba_versions():
    """numba catches only bare except / except Exception: the same kernels written so."""
    def n_builtin(a):
        total = 0.0
        bad = 0
        for i in range(len(a)):
            try:
                total += 1.0 / a[i]
            except Exception:
                bad += 1
        return total, bad

    def n_user(a):
        total = 0.0
        bad = 0
        for i in range(len(a)):
            try:
                if a[i] == 0.0:
                    raise BadSample("bad sample")
                total += 1.0 / a[i]
            except Exception:
                bad += 1
        return total, bad

    def n_message(a):
        total = 0.0
        bad = 0
        for i in range(len(a)):
            try:
                if a[i] == 0.0:
                    raise ValueError("zero sample")
                total += 1.0 / a[i]
            except Exception:
                bad += 1
        return total, bad

    return {"builtin": n_builtin, "user": n_user, "message": n_message, "none": k_none}


def best(f, a, repeat):
    r = f(a)   # warm-up (compiles)
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f(a)
        ts.append(time.perf_counter() - t0)
    return min(ts), r


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=1_000_000)
    ap.add_argument("--rate", type=float, default=0.01)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--no-numba", action="store_true")
    args = ap.parse_args()

    rng = np.random.default_rng(0)
    a = rng.uniform(1.0, 2.0, args.n)
    a[rng.random(args.n) < args.rate] = 0.0

    import ember
    forms = {"builtin": k_builtin, "user": k_user, "message": k_message, "none": k_none}
    backends = {"CPython": {**forms, "callee": make_callee(lambda f: f, ValueError),
                            "items": make_items(lambda f: f, ValueError), "store": make_store(lambda f: f, ValueError)},
                "ember": {**{k: ember.njit(f) for k, f in forms.items()}, "callee": make_callee(ember.njit, ValueError),
                          "items": make_items(ember.njit, ValueError), "store": make_store(ember.njit, ValueError)}}
    if not args.no_numba:
        try:
            import numba
            backends["numba"] = {**{k: numba.njit(f) for k, f in numba_versions().items()},
                                 "callee": make_callee(numba.njit, Exception), "items": make_items(numba.njit, Exception),
                                 "store": make_store(numba.njit, Exception)}
        except ImportError:
            pass

    print(f"n={args.n} (CPython: 200000 of them, scaled), rate={args.rate}, best of {args.repeat}; {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, NumPy {np.__version__}")
    print("| form | " + " | ".join(f"{b} ms" for b in backends) + " | ember/numba | ember/CPython | ember ns/iter |")
    print("|---|" + "---|" * (len(backends) + 3))
    ok = True
    for form in ["builtin", "user", "message", "callee", "items", "store", "none"]:
        times, results = {}, {}
        for b, fs in backends.items():
            n = args.n if b != "CPython" else min(args.n, 200_000)
            try:   # CPython on a list: its floats raise ZeroDivisionError as compiled code's do
                x = a[:n].tolist() if b == "CPython" else a[:n]
                t, r = best(fs[form], x, args.repeat if b != "CPython" else 3)
                times[b] = t * args.n / n
                results[b] = (n, r)
            except Exception as e:  # noqa: BLE001 -- a backend that cannot compile a form says so
                times[b] = None
                print(f"  {b} {form}: {type(e).__name__}: {str(e).splitlines()[0]}", file=sys.stderr)
        full = {b: r for b, (n, r) in results.items() if n == args.n}
        if len({(round(t, 6), c) for t, c in full.values()}) > 1:
            ok = False
            print(f"  results differ for {form}: {full}", file=sys.stderr)
        cells = [f"{times[b] * 1e3:.2f}" if times[b] is not None else "n/a" for b in backends]
        e, nb, py = times.get("ember"), times.get("numba"), times.get("CPython")
        cells.append(f"{e / nb:.2f}" if e and nb else "n/a")
        cells.append(f"{e / py:.3f}" if e and py else "n/a")
        cells.append(f"{e / args.n * 1e9:.2f}" if e else "n/a")
        print(f"| {form} | " + " | ".join(cells) + " |")
    print("results agree" if ok else "RESULTS DIFFER")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
