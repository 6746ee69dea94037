#!/usr/bin/env python
"""Memory of compiled code over many short-lived functions: a loop defines a closure, compiles
it (its first call), calls it and drops it, N times, in this one process. Every `--every`
functions it prints the process's resident memory (/proc/self/statm), its number of memory
mappings (lines of /proc/self/maps) and, where this ember has it, the loader's own counters
(ember._ember.code_stats(): live objects, mapped bytes, mappings).

    python bench/bench_codefree.py [-n 10000] [--every 1000] [--calls] [--keep]

--calls makes each closure call a second closure made with it (a compiled callee whose
dispatcher lives only as long as its caller's). --keep keeps every function alive instead of
dropping it, to show what live code costs (objects packed into shared mappings). RSS and mappings that stay flat mean compiled
code is freed when its dispatcher goes; ember before the code arena grew by about two mappings
and 15-22 kB per function until the kernel's map limit (vm.max_map_count, 65530) stopped it.
"""
import argparse
import gc
import os
import platform
import sys
import time

import ember
from ember import njit


def rss_mib():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20


def mappings():
    with open("/proc/self/maps") as f:
        return sum(1 for _ in f)


def make(k):
    @njit
    def f(x, n):
        s = x
        for i in range(n):
            s = s * 0.5 + k + i
        return s
    return f


def make_calling(k):
    @njit
    def step(x):
        return x * 0.5 + k

    @njit
    def f(x, n):
        s = x
        for i in range(n):
            s = step(s) + i
        return s
    return f


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", type=int, default=10000, help="functions to define, compile, call and drop")
    ap.add_argument("--every", type=int, default=1000, help="print a row every this many functions")
    ap.add_argument("--calls", action="store_true", help="each function calls a compiled callee")
    ap.add_argument("--keep", action="store_true", help="keep every function alive instead of dropping it")
    args = ap.parse_args()
    stats = getattr(ember._ember, "code_stats", None)
    factory = make_calling if args.calls else make
    print("# bench_codefree: %s" % " ".join([os.path.basename(sys.executable)] + sys.argv))
    print("# %s, Python %s, ember %s, %d CPUs" % (platform.machine(), platform.python_version(),
                                                 ember.__version__, os.cpu_count()))
    print("| functions | RSS MiB | mappings | live objects | code mapped KiB | code mappings | s |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    f = factory(0.0)
    f(1.0, 3)   # load the code generator before the baseline row
    del f
    gc.collect()
    t0 = time.perf_counter()

    def row(i):
        s = stats() if stats else None
        live = "%d | %.0f | %d" % (s["objects"], s["mapped_bytes"] / 1024, s["mappings"]) if s else "- | - | -"
        print("| %d | %.1f | %d | %s | %.1f |" % (i, rss_mib(), mappings(), live, time.perf_counter() - t0),
              flush=True)

    row(0)
    kept = []
    for i in range(1, args.n + 1):
        f = factory(float(i))
        r = f(1.0, 3)
        assert r == ((1.0 * 0.5 + i) * 0.5 + i + 1) * 0.5 + i + 2, r
        if args.keep:
            kept.append(f)
        del f
        if i % args.every == 0:
            gc.collect()
            row(i)


if __name__ == "__main__":
    main()
