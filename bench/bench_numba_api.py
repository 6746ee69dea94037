#!/usr/bin/env python
"""Numba API costs, ember vs numba in one run:

  cfunc via ctypes   calling a @cfunc("float64(float64)") through its .ctypes wrapper (ns/call),
                     and from compiled code through a ctypes function pointer to it
  function argument  a compiled function passed as an argument and called in a loop, against
                     the same loop calling it directly (ratio; 1.0 means the call is free)
  cfunc argument     the same with the kernel a @cfunc passed as the argument (numba calls it
                     through a function pointer; ember compiles its Python function in, by identity)
  gufunc from njit   a @guvectorize "(n),()->(n)" called from @njit code on a (rows, 8) array with
                     its output passed, per call (ms), against the gufunc called from Python
  FunctionType       first-class functions called through a function pointer: a parameter declared
                     types.FunctionType(float64(float64)) called in a loop, against the loop calling
                     the function directly; and a tuple of two functions indexed by i % 2 at run
                     time, against the loop choosing between two direct calls by a branch

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

    @mod.cfunc("float64(float64)")
    def cstep(x):
        return x * 0.999 + 1.0

    assert direct(1000) == via_arg(step, 1000) == via_arg(cstep, 1000)
    t_direct = best(direct, n)
    t_arg = best(via_arg, step, n)
    t_carg = best(via_arg, cstep, n)

    @mod.guvectorize(["void(float64[:], float64, float64[:])"], "(n),()->(n)")
    def shift(x, k, out):
        for i in range(x.shape[0]):
            out[i] = x[i] * k + 1.0

    @mod.njit
    def gu_njit(x, k, out):
        shift(x, k, out)
        return out

    import numpy as np
    x = np.random.default_rng(0).random((max(n // 8, 1), 8))
    out, ref = np.empty_like(x), np.empty_like(x)
    shift(x, 0.5, ref)
    assert np.array_equal(gu_njit(x, 0.5, out), ref)
    t_gu_njit = best(gu_njit, x, 0.5, out)
    t_gu_py = best(shift, x, 0.5, out)
    return (t_ctypes, t_direct, t_arg, t_carg, t_gu_njit, t_gu_py), run_pointers(mod, n, direct)


def run_pointers(mod, n, direct):
    """`direct`: run()'s loop of direct calls of the same function."""
    f8 = mod.types.float64
    FT = mod.types.FunctionType(f8(f8))

    @mod.njit("float64(float64)")
    def stepa(x):
        return x * 0.999 + 1.0

    @mod.njit("float64(float64)")
    def stepb(x):
        return x * 0.998 + 1.0

    @mod.njit(f8(FT, mod.types.int64))
    def via_pointer(f, n):
        s = 0.0
        for _ in range(n):
            s = f(s)
        return s

    @mod.njit
    def branch(n):
        s = 0.0
        for i in range(n):
            s = stepa(s) if i % 2 == 0 else stepb(s)
        return s

    @mod.njit
    def indexed(fs, n):
        s = 0.0
        for i in range(n):
            s = fs[i % 2](s)
        return s

    assert via_pointer(stepa, 1000) == direct(1000) and branch(1001) == indexed((stepa, stepb), 1001)
    return best(direct, n), best(via_pointer, stepa, n), best(branch, n), best(indexed, (stepa, stepb), n)


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
    print("| | cfunc through .ctypes, ns/call | direct calls, ms | function argument, ms | argument/direct "
          "| cfunc argument, ms | cfunc argument/direct | gufunc from njit, ms | gufunc from Python, ms |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, ((tc, td, ta, tca, tgn, tgp), _) in rows.items():
        print(f"| {name} | {tc * 1e9:.0f} | {td * 1e3:.3f} | {ta * 1e3:.3f} | {ta / td:.2f} | {tca * 1e3:.3f} "
              f"| {tca / td:.2f} | {tgn * 1e3:.3f} | {tgp * 1e3:.3f} |")
    print()
    print("| | direct calls, ms | FunctionType argument, ms | pointer/direct | branch between two direct calls, ms "
          "| tuple indexed at run time, ms | indexed/branch |")
    print("|---|---|---|---|---|---|---|")
    for name, (_, (td, tp, tb, ti)) in rows.items():
        print(f"| {name} | {td * 1e3:.3f} | {tp * 1e3:.3f} | {tp / td:.2f} | {tb * 1e3:.3f} | {ti * 1e3:.3f} "
              f"| {ti / tb:.2f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
