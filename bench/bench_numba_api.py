#!/usr/bin/env python
"""Numba API costs, ember vs numba in one run:

  cfunc via ctypes   calling a @cfunc("float64(float64)") through its .ctypes wrapper (ns/call),
                     and from compiled code through a ctypes function pointer to it
  function argument  a compiled function passed as an argument and called in a loop, against
                     the same loop calling it directly (ratio; 1.0 means the call is free)

    python bench/bench_numba_api.py [-n 1000000]
"""
import argparse
import ctypes
import sys
import time


def best(f, *args, repeat=7):
    f(*args)
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f(*args)
        ts.append(time.perf_counter() - t0)
    return min(ts)


def run(mod, n):
    @mod.cfunc("float64(float64)")
    def half(x):
        return x * 0.5

    cf = half.ctypes
    t_ctypes = best(lambda: [cf(1.0) for _ in range(100000)]) / 100000

    @mod.njit
    def step(x):
        return x * 0.999 + 1.0

    @mod.njit
    def direct(n):
        s = 0.0
        for _ in range(n):
            s = step(s)
        return s

    @mod.njit
    def via_arg(f, n):
        s = 0.0
        for _ in range(n):
            s = f(s)
        return s

    assert direct(1000) == via_arg(step, 1000)
    t_direct = best(direct, n)
    t_arg = best(via_arg, step, n)
    return t_ctypes, t_direct, t_arg


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=1_000_000)
    args = ap.parse_args()
    import ember
    rows = {"ember": run(ember, args.n)}
    try:
        import numba
        rows["numba"] = run(numba, args.n)
    except ImportError:
        pass
    print(f"n={args.n}; best of 7")
    print("| | cfunc through .ctypes, ns/call | direct calls, ms | function argument, ms | argument/direct |")
    print("|---|---|---|---|---|")
    for name, (tc, td, ta) in rows.items():
        print(f"| {name} | {tc * 1e9:.0f} | {td * 1e3:.3f} | {ta * 1e3:.3f} | {ta / td:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
