#!/usr/bin/env python
"""`with objmode(...)` blocks, ember vs numba in one run, interleaved (best of 7 each):

  block        a loop whose body runs an objmode block that returns a float (us per block:
               take the GIL, box the live-in, run the body, unbox the output)
  array block  the same with a 1000-element array in and a new array out
  raise/catch  (ember only) a block that raises on every iteration, caught by class in compiled code

    python bench/bench_objmode.py [-n 100000]
"""
import argparse
import sys
import types

import numpy as np

from bench_numba_api import best   # bench/ is the script's directory: sys.path[0]


def scalar_blocks(n):
    s = 0.0
    for i in range(n):
        with objmode(v="float64"):
            v = i * 0.5
        s += v
    return s


def array_blocks(a, n):
    s = 0.0
    for i in range(n):
        with objmode(b="float64[:]"):
            b = a + 1.0
        s += b[0]
    return s


class Skip(ValueError):
    pass


def caught_blocks(n):
    c = 0
    for i in range(n):
        try:
            with objmode():
                raise Skip(i)
        except ValueError:
            c += 1
    return c


def compiled(mod, fn):
    return mod.njit(types.FunctionType(fn.__code__, dict(globals(), objmode=mod.objmode), fn.__name__))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=100_000)
    args = ap.parse_args()
    n = args.n
    a = np.arange(1000.0)
    import ember
    mods = {"ember": ember}
    try:
        import numba
        mods["numba"] = numba
    except ImportError:
        pass
    fns = {name: (compiled(m, scalar_blocks), compiled(m, array_blocks)) for name, m in mods.items()}
    py_s = types.FunctionType(scalar_blocks.__code__, dict(globals(), objmode=ember.objmode))
    py_a = types.FunctionType(array_blocks.__code__, dict(globals(), objmode=ember.objmode))
    for s, arr in fns.values():   # the same answers as the interpreter's
        assert s(1000) == py_s(1000) and arr(a, 100) == py_a(a, 100)
    times = {name: [[], []] for name in mods}
    for _ in range(3):   # interleaved rounds: the machine's load changes under both alike
        for name, (s, arr) in fns.items():
            times[name][0].append(best(s, n))
            times[name][1].append(best(arr, a, n // 10))
    caught = compiled(ember, caught_blocks)
    assert caught(10) == 10
    t_caught = best(caught, n // 10) / (n // 10)
    print(f"n={n}; us per block, best of 3 rounds of best of 7")
    print("| | block | array block (1000 float64 in and out) |")
    print("|---|---|---|")
    for name, (ts, ta) in times.items():
        print(f"| {name} | {min(ts) / n * 1e6:.2f} | {min(ta) / (n // 10) * 1e6:.2f} |")
    print(f"ember: a block raising on every iteration, caught by class in compiled code: {t_caught * 1e6:.2f} us")
    return 0


if __name__ == "__main__":
    sys.exit(main())
