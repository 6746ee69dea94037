#!/usr/bin/env python
"""Strings in compiled code: ember vs numba vs CPython, one run.

    python bench/bench_strings.py [-n 100000] [--repeat 5] [--no-numba]

  format   f"{i}:{x:.3f}" for n numbers, their lengths summed (formatting and making strings)
  words    count the words equal to "the" in a text of n words, by str.split (splitting,
           comparing)
  floats   str(x) of 10 n floats, their lengths summed (the shortest repr)
  concat   a string of n pieces built with + in chunks of 100, then its length (copying)
  chars    a Caesar shift of a text of 10 n letters, ord() and chr() per letter, the shifted
           letters counted (one-character strings)
  upper    s.upper() of a soft-masked DNA text of 2 n letters (ACGTacgt), its length (whole-string
           case mapping)
  isupper  s.isupper() of the same text upper-cased (a whole-string predicate)
  ljust    s.ljust(len(s) + 10) of the DNA text, its length (padding a long string)

numba runs what it compiles (it has no format specs or str(float)); "n/a" otherwise. Times are
the best of --repeat calls after a warm-up call. ember's results must equal CPython's; the
script says so (and where numba's differ).
"""
import argparse
import platform
import sys
import time

import numpy as np


def k_format(n):
    total = 0
    for i in range(n):
        s = f"{i}:{i * 0.37:.3f}"
        total += len(s)
    return total


def k_words(text):
    n = 0
    for w in text.split():
        if w == "the":
            n += 1
    return n


def k_floats(a):
    total = 0
    for x in a:
        total += len(str(x))
    return total


def k_concat(n):
    out = ""
    for j in range(n // 100):
        chunk = ""
        for i in range(100):
            chunk = chunk + str(j * 100 + i) + ","
        out = out + chunk
    return len(out)


def k_chars(text):
    count = 0
    for c in text:
        o = ord(c)
        if 97 <= o <= 122:
            if chr((o - 97 + 3) % 26 + 97) == "e":
                count += 1
    return count


def k_upper(s):
    return len(s.upper())


def k_isupper(s):
    return s.isupper()


def k_ljust(s):
    return len(s.ljust(len(s) + 10))


def best(f, arg, repeat):
    r = f(arg)   # warm-up (compiles)
    ts = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        f(arg)
        ts.append(time.perf_counter() - t0)
    return min(ts), r


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--no-numba", action="store_true")
    args = ap.parse_args()

    rng = np.random.default_rng(0)
    vocab = ["the", "a", "quick", "brown", "fox", "jumps", "über", "naïve", "😀", "lazy", "dog"]
    text = " ".join(vocab[k] for k in rng.integers(0, len(vocab), args.n))
    floats = rng.standard_normal(10 * args.n) * 10.0 ** rng.integers(-5, 6, 10 * args.n)
    forms = {"format": (k_format, args.n), "words": (k_words, text), "floats": (k_floats, floats),
             "concat": (k_concat, args.n), "chars": (k_chars, "".join(rng.choice(list("abcdefgh ,"), 10 * args.n)))}
    dna = "".join(rng.choice(list("ACGTacgt"), 2 * args.n))
    forms.update({"upper": (k_upper, dna), "isupper": (k_isupper, dna.upper()), "ljust": (k_ljust, dna)})

    import ember
    backends = {"CPython": {k: f for k, (f, _) in forms.items()},
                "ember": {k: ember.njit(f) for k, (f, _) in forms.items()}}
    if not args.no_numba:
        try:
            import numba
            backends["numba"] = {k: numba.njit(f) for k, (f, _) in forms.items()}
        except ImportError:
            pass

    print(f"n={args.n}, best of {args.repeat}; {platform.processor() or platform.machine()}, "
          f"Python {platform.python_version()}, NumPy {np.__version__}")
    print("| form | " + " | ".join(f"{b} ms" for b in backends) + " | ember/numba | ember/CPython |")
    print("|---|" + "---|" * (len(backends) + 2))
    ok = True
    for form, (_, arg) in forms.items():
        times, results = {}, {}
        for b, fs in backends.items():
            try:
                x = arg.tolist() if b == "CPython" and isinstance(arg, np.ndarray) else arg
                t, r = best(fs[form], x, args.repeat)
                times[b], results[b] = t, r
            except Exception as e:  # noqa: BLE001 -- a backend that cannot compile a form says so
                times[b] = None
                print(f"  {b} {form}: {type(e).__name__}: {str(e).splitlines()[0]}", file=sys.stderr)
        if "ember" in results and results["ember"] != results.get("CPython"):
            ok = False
            print(f"  ember differs from CPython for {form}: {results}", file=sys.stderr)
        if "numba" in results and results["numba"] != results.get("CPython"):
            print(f"  numba differs from CPython for {form} (its str(float) is not Python's): {results}",
                  file=sys.stderr)
        cells = [f"{times[b] * 1e3:.2f}" if times[b] is not None else "n/a" for b in backends]
        e, nb, py = times.get("ember"), times.get("numba"), times.get("CPython")
        cells.append(f"{e / nb:.2f}" if e and nb else "n/a")
        cells.append(f"{e / py:.3f}" if e and py else "n/a")
        print(f"| {form} | " + " | ".join(cells) + " |")
    print("results agree" if ok else "RESULTS DIFFER")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
