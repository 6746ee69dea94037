#!/usr/bin/env python
"""Lists in compiled code and across the boundary: ember vs numba vs CPython, one run.

    python bench/bench_containers.py [-n 1000000] [--repeat 5]

  build_sum   append n floats to an empty list inside the function, then sum it in a loop
  list_in     pass a Python list of n floats in (reflected back afterwards), sum it
  list_out    pass it in and return a new list of n floats (a comprehension)
  dict_hist   count the values of an int array of n elements (1000 distinct) in a dict

numba takes a Python list as a reflected list (deprecated there, still the default). Times are
the best of --repeat calls after a warm-up call; results must agree between backends.
"""
import argparse
import platform
import time
import warnings


def build_sum(n):
    l = []
    for i in range(n):
        l.append(i * 0.5)
    s = 0.0
    for x in l:
        s += x
    return s


def list_in(l):
    s = 0.0
    for x in l:
        s += x
    return s


def list_out(l):
    return [x + 1.0 for x in l]


def dict_hist(a):
    d = {a[0]: 0}   # (numba cannot type `{}` from the uses below)
    for x in a:
        d[x] = d.get(x, 0) + 1
    return len(d), d[a[0]]


def best(f, args, repeat):
    f(*args)
    t = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = f(*args)
        t.append(time.perf_counter() - t0)
    return min(t), r


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    o = ap.parse_args()
    import ember
    backends = {"cpython": lambda f: f, "ember": ember.njit}
    try:
        import numba
        warnings.simplefilter("ignore")
        backends["numba"] = numba.njit
    except ImportError:
        pass
    import numpy as np
    data = [i * 0.25 for i in range(o.n)]
    ints = np.random.default_rng(0).integers(0, 1000, o.n)
    cases = [("build_sum", build_sum, (o.n,)), ("list_in", list_in, (data,)), ("list_out", list_out, (data,)),
             ("dict_hist", dict_hist, (ints,))]
    print(f"n={o.n}  {platform.processor() or platform.machine()}  best of {o.repeat}, ms")
    print(f"{'kernel':12}" + "".join(f"{b:>10}" for b in backends) + f"{'numba/ember':>13}")
    for name, f, args in cases:
        times, results = {}, {}
        for b, wrap in backends.items():
            times[b], results[b] = best(wrap(f), args, o.repeat)
        ref = results["cpython"]
        for b, r in results.items():
            assert r == ref, f"{name}: {b} disagrees"
        ratio = times["numba"] / times["ember"] if "numba" in times else float("nan")
        print(f"{name:12}" + "".join(f"{times[b] * 1e3:10.2f}" for b in backends) + f"{ratio:13.2f}")


def length(l):
    return len(l)


def typed_fill(List, float64, data):
    tl = List.empty_list(float64)
    for x in data:
        tl.append(x)
    return len(tl)


def typed_main():
    """typed.List across the boundary and from Python, each backend with its own typed.List:

      typed_in    pass a typed.List of n floats (made beforehand) to a compiled sum: no conversion
                  (cpython: the same loop over a Python list)
      typed_fill  append n floats to an empty typed.List from Python, one append call each
                  (cpython: a Python list)
      typed_call  10^4 calls of a compiled len() of that typed.List of n floats: the cost of the
                  boundary alone (cpython: len of a Python list)
    """
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=1_000_000)
    ap.add_argument("--repeat", type=int, default=5)
    o, _ = ap.parse_known_args()
    import ember
    import ember.typed
    mods = {"cpython": None, "ember": ember}
    try:
        import numba
        import numba.typed
        warnings.simplefilter("ignore")
        mods["numba"] = numba
    except ImportError:
        pass
    data = [i * 0.25 for i in range(o.n)]
    plain = type("PlainList", (), {"empty_list": staticmethod(lambda t: [])})
    print(f"typed containers, n={o.n}, best of {o.repeat}, ms")
    for name in ("typed_in", "typed_fill", "typed_call"):
        times, results = {}, {}
        for b, mod in mods.items():
            if name == "typed_call":
                f = length if mod is None else mod.njit(length)
                arg = data if mod is None else mod.typed.List(data)
                times[b], results[b] = best(lambda: [f(arg) for _ in range(10_000)][-1], (), o.repeat)
            elif name == "typed_in":
                f = list_in if mod is None else mod.njit(list_in)
                times[b], results[b] = best(f, (data if mod is None else mod.typed.List(data),), o.repeat)
            else:
                args = (plain, None, data) if mod is None else (mod.typed.List, mod.types.float64, data)
                times[b], results[b] = best(typed_fill, args, o.repeat)
        for b, r in results.items():
            assert r == results["cpython"], f"{name}: {b} disagrees"
        ratio = times["numba"] / times["ember"] if "numba" in times else float("nan")
        print(f"{name:12}" + "".join(f"{times[b] * 1e3:10.2f}" for b in mods) + f"{ratio:13.2f}")


if __name__ == "__main__":
    main()
    typed_main()
