#!/usr/bin/env python
"""Parallel benchmark: prange loops, array expressions and reductions under ember and numba with
parallel=True, side by side.

For each kernel and each thread count (1, 2, ... up to the machine's cores, doubling), the
steady time (best of several runs after a warm-up) of ember and of numba in the same process,
the speedup over one thread, and ember/numba. Prints a Markdown table with the command and the
machine on stdout.

    PYTHONPATH=pymodule python bench/bench_parallel.py            # full sizes
    PYTHONPATH=pymodule python bench/bench_parallel.py --quick    # small sizes, a smoke run

Per thread against the serial code (issue 17): --vs-serial times each array kernel (the last
group below: broadcast columns, keepdims results, in-place updates, reductions of expressions)
compiled three ways, ember parallel=True, ember serial and numba parallel=True, all on one
thread (set_num_threads(1)), interleaved round by round, and prints the median of each round's
ratios; --callgrind counts instructions per call of ember parallel and serial instead, each
process under valgrind with EMBER_NUM_THREADS=1 (deterministic on a busy machine).

    python bench/bench_parallel.py --vs-serial [--kernels softmax_rows,...] [--rounds 15]
    python bench/bench_parallel.py --callgrind [--kernels ...] [--repeat 3]
"""

import argparse
import math
import os
import platform
import shlex
import sys
import time

import numpy as np

import ember

try:
    import numba
except ImportError:  # numba is only a comparison
    numba = None


def sum_squares(a):
    s = 0.0
    for i in prange(a.shape[0]):
        s += a[i] * a[i]
    return s


def row_work(m, out):
    for i in prange(m.shape[0]):
        acc = 0.0
        for j in range(m.shape[1]):
            x = m[i, j]
            acc += math.sin(x) * math.exp(-x * x)
        out[i] = acc
    return out


def relax_rows(path):             # an array expression per row of a prange body (npbench's floyd_warshall)
    for k in range(path.shape[0]):
        for i in prange(path.shape[0]):
            path[i, :] = np.minimum(path[i, :], path[i, k] + path[k, :])
    return path


def monte_carlo_pi(n):
    inside = 0
    for i in prange(n):
        x = np.random.random()
        y = np.random.random()
        if x * x + y * y <= 1.0:
            inside += 1
    return 4.0 * inside / n


def expr_axpy(a, b, c):
    return a + b * c


def expr_ufuncs(a, b):
    return np.sqrt(a) * np.exp(-b) + np.sin(a)


def expr_2d_where(m):
    return np.where(m > 0.5, m * 2.0, 1.0 - m)


def array_sum(a):
    return np.sum(a)


def array_std(a):
    return np.std(a)


def array_argmax(a):
    return np.argmax(a)


# ---- array kernels, per thread against the serial code (--vs-serial, --callgrind) --------------

def col_divide(x, s):            # s of shape (n, 1) passed in: stretched at run time
    return x / s


def col_divide_view(x):          # x[:, :1]: a column only the run time knows
    return x / x[:, :1]


def softmax_rows(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def keepdims_normalise(x):       # a keepdims sum, then the division of every row by it
    return x / np.sum(x, axis=1, keepdims=True)


def newaxis_centre(x, m):        # a column by construction (Leaf.col)
    return (x - m[:, None]) * 0.5


def short_last_3d(x, s):         # 3-d, a last axis of 3, s of shape (a, b, 1)
    return x * s + 1.0


def inplace_col(a, b):           # a += b[:, None]
    a += b[:, None]
    return a


def setitem_expr(a, x, s):       # a[:] = x / s
    a[:] = x / s
    return a


def sum_axis1_expr(x, y):
    return np.sum(x * y, axis=1)


def max_axis0_expr(x, y):
    return np.max(np.abs(x - y), axis=0)


def sum_whole_expr(x, y):
    return np.sum(x * y)


def max_whole_expr(x, y):
    return np.max(np.abs(x - y))


def array_kernels():
    rng = np.random.default_rng(1)
    x = rng.random((400, 2000))
    y = rng.random((400, 2000))
    s = rng.random((400, 1)) + 0.5
    f = x.astype(np.float32)
    x3 = rng.random((200, 400, 3))
    s3 = rng.random((200, 400, 1))
    return [
        ("col_divide", col_divide, lambda: (x, s)),
        ("col_divide_view", col_divide_view, lambda: (x,)),
        ("softmax_rows", softmax_rows, lambda: (x,)),
        ("softmax_rows_f32", softmax_rows, lambda: (f,)),
        ("keepdims_normalise", keepdims_normalise, lambda: (x,)),
        ("newaxis_centre", newaxis_centre, lambda: (x, x[:, 0].copy())),
        ("short_last_3d", short_last_3d, lambda: (x3, s3)),
        ("inplace_col", inplace_col, lambda: (x.copy(), x[:, 0].copy())),
        ("setitem_expr", setitem_expr, lambda: (np.empty_like(x), x, s)),
        ("sum_axis1_expr", sum_axis1_expr, lambda: (x, y)),
        ("max_axis0_expr", max_axis0_expr, lambda: (x, y)),
        ("sum_whole_expr", sum_whole_expr, lambda: (x, y)),
        ("max_whole_expr", max_whole_expr, lambda: (x, y)),
    ]


def array_compiled(fn, which):
    if which == "serial":
        return ember.njit(type(fn)(fn.__code__, dict(fn.__globals__), fn.__name__))
    return compile_with(ember if which == "parallel" else numba, fn)


def run_vs_serial(opts):
    import statistics
    table = [k for k in array_kernels() if not opts.kernels or k[0] in opts.kernels.split(",")]
    ember.set_num_threads(1)
    if numba:
        numba.set_num_threads(1)
    ways = ["parallel", "serial"] + (["numba"] if numba else [])
    print("| kernel | ember parallel us | ember serial us | numba parallel us | parallel/serial | parallel/numba |")
    print("|---|---:|---:|---:|---:|---:|")
    for name, fn, make in table:
        args = make()
        fs = {}
        for w in ways:
            try:
                fs[w] = array_compiled(fn, w)
                fs[w](*make())
            except Exception as e:   # numba refuses some forms
                print(f"{name}: {w} failed: {type(e).__name__}", file=sys.stderr)
                fs.pop(w, None)
        best = {w: math.inf for w in fs}
        ratios = {"serial": [], "numba": []}
        for _ in range(opts.rounds):
            t = {}
            for w in fs:
                f = fs[w]
                dt = math.inf
                for _ in range(3):
                    t0 = time.perf_counter()
                    f(*args)
                    dt = min(dt, time.perf_counter() - t0)
                t[w] = dt
                best[w] = min(best[w], dt)
            for w in ("serial", "numba"):
                if w in t and "parallel" in t:
                    ratios[w].append(t["parallel"] / t[w])
        med = {w: statistics.median(r) if r else math.nan for w, r in ratios.items()}
        us = lambda w: f"{best[w] * 1e6:.1f}" if w in best else "-"
        print(f"| {name} | {us('parallel')} | {us('serial')} | {us('numba')} | {med['serial']:.2f} | {med['numba']:.2f} |")
    print(f"\n{opts.rounds} interleaved rounds (best of 3 calls each), one thread each; "
          f"ratios: median over rounds. Machine load: {os.getloadavg()[0]:.1f}")


def run_count(opts):
    """Under callgrind: per kernel and way, a warm call, then --repeat calls between two
    os.getppid() marks (callgrind --dump-before=getppid cuts a profile part there)."""
    table = [k for k in array_kernels() if not opts.kernels or k[0] in opts.kernels.split(",")]
    for name, fn, make in table:
        f = array_compiled(fn, opts.count)
        args = make()
        f(*args)
        os.getppid()
        for _ in range(opts.repeat):
            f(*args)
        os.getppid()


def run_callgrind(opts):
    import shutil
    import subprocess
    import tempfile
    names = [k[0] for k in array_kernels() if not opts.kernels or k[0] in opts.kernels.split(",")]
    counts = {}
    for way in ("parallel", "serial"):
        tmp = tempfile.mkdtemp(prefix="ember-cg-")
        out = os.path.join(tmp, "cg")
        env = dict(os.environ, EMBER_NUM_THREADS="1", OMP_NUM_THREADS="1")
        subprocess.run(["valgrind", "--tool=callgrind", "--smc-check=all", "--dump-before=getppid", "--callgrind-out-file=" + out,
                        sys.executable, os.path.abspath(__file__), "--count", way, "--repeat", str(opts.repeat),
                        "--kernels", ",".join(names)], env=env, check=True, capture_output=True)
        parts = []
        for fname in sorted(os.listdir(tmp), key=lambda f: int(f.rsplit(".", 1)[1]) if "." in f else 10**9):
            with open(os.path.join(tmp, fname)) as fh:
                for line in fh:
                    if line.startswith(("summary:", "totals:")):
                        parts.append(int(line.split()[1]))
                        break
        shutil.rmtree(tmp, ignore_errors=True)
        counts[way] = {n: parts[1 + 2 * i] / opts.repeat for i, n in enumerate(names)}
    print("| kernel | parallel instructions/call | serial instructions/call | parallel/serial |\n|---|---:|---:|---:|")
    for n in names:
        a, b = counts["parallel"][n], counts["serial"][n]
        print(f"| {n} | {a:.0f} | {b:.0f} | {a / b:.3f} |")


def kernels(quick):
    rng = np.random.default_rng(0)
    n = 400_000 if quick else 4_000_000
    rows = (200, 500) if quick else (2000, 500)
    m = rng.random(rows)
    return [
        ("sum of squares, %d floats" % n, sum_squares, (rng.random(n),), 1e-9),
        ("per-row sin*exp, %dx%d" % rows, row_work, (m, np.empty(rows[0])), 1e-9),
        ("Monte-Carlo pi, %d draws" % n, monte_carlo_pi, (n,), 1e-2),
        ("array expr a + b * c, %d floats" % n, expr_axpy, (rng.random(n), rng.random(n), rng.random(n)), 1e-12),
        ("array expr sqrt*exp+sin, %d floats" % n, expr_ufuncs, (rng.random(n), rng.random(n)), 1e-12),
        ("array expr np.where, %dx%d F" % rows, expr_2d_where, (np.asfortranarray(m),), 1e-12),
        ("np.sum, %d floats" % n, array_sum, (rng.random(n),), 1e-9),
        ("np.std, %d floats" % n, array_std, (rng.random(n),), 1e-9),
        ("np.argmax, %d ints" % n, array_argmax, (rng.integers(0, 1 << 40, n),), 0),
        ("np.minimum of rows in a prange, %dx%d int32, %d sweeps" % ((rows[1] // 2,) * 3), relax_rows,
         (np.fromfunction(lambda i, j: i * j % 7 + 1, (rows[1] // 2,) * 2, dtype=np.int32),), 0),
    ]


def compile_with(mod, fn):
    g = dict(fn.__globals__, prange=mod.prange)
    f = type(fn)(fn.__code__, g, fn.__name__)
    return mod.njit(parallel=True)(f)


def steady(f, args, budget):
    f(*args)
    best, spent = math.inf, 0.0
    while spent < budget or best == math.inf:
        t0 = time.perf_counter()
        f(*args)
        dt = time.perf_counter() - t0
        best, spent = min(best, dt), spent + dt
        if spent > 5 * budget:
            break
    return best


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--budget", type=float, default=0.4, help="seconds of timing per cell")
    ap.add_argument("--vs-serial", action="store_true", help="array kernels: parallel=True against serial, one thread")
    ap.add_argument("--callgrind", action="store_true", help="array kernels: instructions per call, parallel and serial")
    ap.add_argument("--kernels", default="", help="comma-separated array kernels (--vs-serial, --callgrind)")
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--count", choices=["parallel", "serial"], help=argparse.SUPPRESS)
    opts = ap.parse_args()
    if opts.count:
        return run_count(opts)
    if opts.vs_serial:
        return run_vs_serial(opts)
    if opts.callgrind:
        return run_callgrind(opts)
    maxt = ember.config.NUM_THREADS
    counts = [1]
    while counts[-1] * 2 <= maxt:
        counts.append(counts[-1] * 2)
    if counts[-1] != maxt:
        counts.append(maxt)
    lines = ["| kernel | threads | ember ms | ember speedup | numba ms | numba speedup | ember/numba |",
             "|---|--:|--:|--:|--:|--:|--:|"]
    for name, fn, args, tol in kernels(opts.quick):
        fe = compile_with(ember, fn)
        fnb = compile_with(numba, fn) if numba else None
        if fnb:   # the two compilers' results must agree
            got_e, got_n = fe(*args), fnb(*args)
            if not np.allclose(got_e, got_n, rtol=tol):
                print(f"RESULTS DIFFER for {name}: ember {got_e!r} numba {got_n!r}", file=sys.stderr)
        base_e = base_n = None
        for t in counts:
            ember.set_num_threads(t)
            te = steady(fe, args, opts.budget)
            tn = None
            if fnb:
                numba.set_num_threads(t)
                tn = steady(fnb, args, opts.budget)
            base_e = base_e or te
            base_n = base_n or tn
            lines.append(f"| {name} | {t} | {te * 1e3:.2f} | {base_e / te:.2f}x | "
                         + (f"{tn * 1e3:.2f} | {base_n / tn:.2f}x | {te / tn:.2f} |" if tn else "- | - | - |"))
            print(f"{name}: {t} threads done", file=sys.stderr)
    print("Command: `" + " ".join(shlex.quote(a) for a in [os.path.relpath(sys.argv[0])] + sys.argv[1:]) + "`")
    print(f"Machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; "
          f"ember threading layer {ember.config.THREADING_LAYER}; "
          + (f"numba {numba.__version__} (threading layer {numba.threading_layer()})" if numba else "no numba")
          + f"; ember imported from {os.path.dirname(ember.__file__)}")
    print()
    print("\n".join(lines))


prange = range   # the kernels run under each module's prange (see compile_with)

if __name__ == "__main__":
    main()
