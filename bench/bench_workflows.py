#!/usr/bin/env python
"""Workflow benchmark: a nogil=True kernel under joblib's threading backend, 1 job against 2.

A compiled function with nogil=True releases the GIL while it runs, so joblib threads run it
at once: with 2 jobs on 2 free cores the wall time of a batch of tasks is about half that of
1 job. The same kernel without nogil is timed too (its threads take turns on the GIL), and the
plain Python loop as the baseline. Prints a Markdown table with the command and the machine.

    PYTHONPATH=pymodule python bench/bench_workflows.py            # 8 tasks of 4M elements
    PYTHONPATH=pymodule python bench/bench_workflows.py --quick    # a smoke run
"""

import argparse
import math
import os
import platform
import shlex
import sys
import time

import numpy as np
from joblib import Parallel, delayed

import ember


def energy(a):
    """Per-task work: a loop with transcendental calls, no allocation."""
    s = 0.0
    for i in range(a.size):
        x = a[i]
        s += math.sin(x) * math.exp(-x * x * 1e-3)
    return s


KERNELS = {
    "ember nogil=True": ember.njit(nogil=True)(energy),
    "ember (holds the GIL)": ember.njit(energy),
}


def wall(fn, chunks, jobs, repeat):
    """Best wall time of running fn over all chunks with `jobs` joblib threads."""
    best = math.inf
    with Parallel(n_jobs=jobs, backend="threading") as run:
        for _ in range(repeat):
            t0 = time.perf_counter()
            out = run(delayed(fn)(c) for c in chunks)
            best = min(best, time.perf_counter() - t0)
    return best, out


def python_progress(fn, chunk, calls):
    """Iterations a pure-Python thread makes per second while this thread runs fn: high when fn
    releases the GIL, near zero when it holds it (independent of how busy the cores are)."""
    import threading
    count, stop = [0], threading.Event()

    def spin():
        while not stop.is_set():
            count[0] += 1

    t = threading.Thread(target=spin)
    t0 = time.perf_counter()
    t.start()
    for _ in range(calls):
        fn(chunk)
    stop.set()
    t.join()
    return count[0] / (time.perf_counter() - t0)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="small sizes (a smoke run)")
    ap.add_argument("--tasks", type=int, default=8)
    ap.add_argument("--size", type=int, default=4_000_000, help="elements per task")
    ap.add_argument("--repeat", type=int, default=5)
    args = ap.parse_args()
    if args.quick:
        args.size, args.repeat = 200_000, 2
    rng = np.random.default_rng(0)
    chunks = [rng.standard_normal(args.size) for _ in range(args.tasks)]
    ref = [KERNELS["ember nogil=True"](c) for c in chunks]   # compiles
    KERNELS["ember (holds the GIL)"](chunks[0])

    rows = []
    for name, fn in KERNELS.items():
        t1, out1 = wall(fn, chunks, 1, args.repeat)
        t2, out2 = wall(fn, chunks, 2, args.repeat)
        if not (np.allclose(out1, ref) and np.allclose(out2, ref)):
            sys.exit("%s: results differ" % name)
        rows.append((name, t1, t2))
    py_chunks = [c[: max(1, args.size // 100)] for c in chunks[:2]]
    t0 = time.perf_counter()
    for c in py_chunks:
        energy(c)
    py_per_elem = (time.perf_counter() - t0) / sum(c.size for c in py_chunks)

    print("## joblib threading backend: %d tasks of %d float64 each\n" % (args.tasks, args.size))
    print("`%s`  " % " ".join(shlex.quote(a) for a in [sys.executable] + sys.argv))
    print("%s, %d cores (load average %.1f), Python %s, ember %s, numpy %s\n" % (
        platform.processor() or platform.machine(), os.cpu_count(), os.getloadavg()[0],
        platform.python_version(), ember.__version__, np.__version__))
    print("| kernel | 1 job (s) | 2 jobs (s) | 2 jobs / 1 job |")
    print("|---|---|---|---|")
    for name, t1, t2 in rows:
        print("| %s | %.3f | %.3f | %.2f |" % (name, t1, t2, t2 / t1))
    est = py_per_elem * args.size * args.tasks
    print("| CPython loop (1 job, extrapolated from %d elements) | %.1f | | |" % (sum(c.size for c in py_chunks), est))
    print("\nA Python thread's loop iterations per second while the main thread calls the kernel %d times:\n"
          % args.tasks)
    print("| kernel | Python thread (iterations/s) |")
    print("|---|---|")
    for name, fn in KERNELS.items():
        print("| %s | %.3g |" % (name, python_progress(fn, chunks[0], args.tasks)))


if __name__ == "__main__":
    main()
