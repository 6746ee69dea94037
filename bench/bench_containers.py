#!/usr/bin/env python
"""Lists in compiled code and across the boundary: ember vs numba vs CPython, one run.

    python bench/bench_containers.py [-n 1000000] [--words 100000] [--lines 10000] [--repeat 5]

  build_sum   append n floats to an empty list inside the function, then sum it in a loop
  list_in     pass a Python list of n floats in (reflected back afterwards), sum it
  list_out    pass it in and return a new list of n floats (a comprehension)
  dict_hist   count the values of an int array of n elements (1000 distinct) in a dict
  word_count  split a text of --words words (5000 distinct, 3 to 9 letters) and count each word
              in a dict of str -> int (hashing and comparing strings, allocating the words)
  sorted_str  sorted() of the --words words of that text, and the first and last (string order)
  print_loop  print(i, x, s) for --lines lines (to /dev/null: the formatting and writing)

numba takes a Python list as a reflected list (deprecated there, still the default). The
backends run interleaved, one call each per round after a warm-up call, so that a busy machine
slows them alike; the table gives each one's best round and the median over rounds of the
per-round ratio numba/ember (above 1: ember faster). Results must agree between backends.
"""
import argparse
import os
import platform
import statistics
import sys
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


def word_count(text):
    words = text.split()
    d = {words[0]: 0}   # (numba cannot type `{}` from the uses below)
    for w in words:
        d[w] = d.get(w, 0) + 1
    top = 0
    for w in d:
        top = max(top, d[w])
    return len(d), top


def sorted_str(text):
    s = sorted(text.split())
    return len(s), s[0], s[-1]


def print_loop(n):
    for i in range(n):
        print(i, i * 0.5, "line")
    return n


def make_text(words, seed=0):
    import numpy as np
    rng = np.random.default_rng(seed)
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    vocab = ["".join(rng.choice(letters, rng.integers(3, 10))) for _ in range(5000)]
    return " ".join(vocab[i] for i in rng.integers(0, len(vocab), words))


class Quiet:
    """fd 1 (and sys.stdout) to /dev/null for the timed calls: numba prints through C stdio."""
    def __enter__(self):
        sys.stdout.flush()
        self.saved = os.dup(1)
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, 1)
        os.close(null)

    def __exit__(self, *exc):
        sys.stdout.flush()
        os.dup2(self.saved, 1)
        os.close(self.saved)


def timed(f, args):
    t0 = time.perf_counter()
    r = f(*args)
    return time.perf_counter() - t0, r


def interleaved(fns, args, repeat, quiet):
    """{backend: best seconds}, {backend: result}, [numba/ember per round]."""
    times, results, ratios = {b: [] for b in fns}, {}, []
    with Quiet() if quiet else _Nothing():
        for f in fns.values():
            f(*args)   # compile and warm up
        for _ in range(repeat):
            for b, f in fns.items():
                t, results[b] = timed(f, args)
                times[b].append(t)
            if "numba" in fns:
                ratios.append(times["numba"][-1] / times["ember"][-1])
    return {b: min(t) for b, t in times.items()}, results, ratios


class _Nothing:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-n", type=int, default=1_000_000)
    ap.add_argument("--words", type=int, default=100_000)
    ap.add_argument("--lines", type=int, default=10_000)
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
    text = make_text(o.words)
    cases = [("build_sum", build_sum, (o.n,)), ("list_in", list_in, (data,)), ("list_out", list_out, (data,)),
             ("dict_hist", dict_hist, (ints,)), ("word_count", word_count, (text,)), ("sorted_str", sorted_str, (text,)),
             ("print_loop", print_loop, (o.lines,))]
    print(f"n={o.n} words={o.words} lines={o.lines}  {platform.processor() or platform.machine()}  "
          f"best of {o.repeat} interleaved rounds, ms")
    print(f"{'kernel':12}" + "".join(f"{b:>10}" for b in backends) + f"{'numba/ember':>13}")
    for name, f, args in cases:
        fns = {b: wrap(f) for b, wrap in backends.items()}
        times, results, ratios = interleaved(fns, args, o.repeat, name == "print_loop")
        ref = results["cpython"]
        for b, r in results.items():
            assert r == ref, f"{name}: {b} disagrees ({r} != {ref})"
        ratio = statistics.median(ratios) if ratios else float("nan")
        print(f"{name:12}" + "".join(f"{times[b] * 1e3:10.2f}" for b in backends) + f"{ratio:13.2f}", flush=True)


def length(l):
    return len(l)


def typed_fill(List, float64, data):
    tl = List.empty_list(float64)
    for x in data:
        tl.append(x)
    return len(tl)


def best(f, args, repeat):
    f(*args)
    t = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        r = f(*args)
        t.append(time.perf_counter() - t0)
    return min(t), r


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
