#!/usr/bin/env python
"""Whole-array reductions and small matrix products: ember vs NumPy, interleaved in one process.

The memory-bound reductions (sum, mean, prod, dot, var, max, argmin, nanmax, ...) over 10^5..10^8
elements of float64 and float32 (10^5 in L2, 10^6 in L3, 10^7 and 10^8 streamed from DRAM),
and stacks of small products (`a @ b` of (n, m, k) by (n, k, n2)) of every float dtype. Each
kernel is a one-line lambda; ember compiles it, NumPy runs it; their repeats alternate, and the
ratio printed is the median over repeats of ember's time over NumPy's in that repeat (load that
hits one repeat hits both). The result column says whether ember's result equals NumPy's bit for
bit ("bit-equal") or how far it is.

    python bench/bench_reductions.py                       # 10^5, 10^6, 10^7
    python bench/bench_reductions.py --sizes 100000000 --kernels sum,mean
    python bench/bench_reductions.py --products-only
    python bench/bench_reductions.py --kernels max,min,argmin,argmax,nanmax --dtypes float64,float32,int8,int64 --sizes 10000,100000
    python bench/bench_reductions.py --axis-only --dtypes float64,float32,int8

--axis-only runs the arg-reductions along an axis of 2-d arrays (argmax(axis=0) of a C array row
by row, argmin(axis=1), nanargmax with and without axis) at three shapes, with numba's time too
where numba is installed (its ratio is numba's time over NumPy's, in the same repeats).
--last-axis runs them along the last axis (argmax(axis=1), np.argmin(a, -1) of rows of 100, 300
and 1000, and a.argmin() of one such row), the same way:

    python bench/bench_reductions.py --last-axis --dtypes float64,float32
"""

import argparse
import os
import statistics
import sys
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import ember  # noqa: E402

REDUCTIONS = {
    "sum": lambda a: a.sum(),
    "np.sum": lambda a: np.sum(a),
    "mean": lambda a: a.mean(),
    "prod": lambda a: np.prod(a),
    "dot": lambda a: np.dot(a, a),
    "var": lambda a: a.var(),
    "sum_sq": lambda a: (a * a).sum(),
    "max": lambda a: a.max(),
    "min": lambda a: np.min(a),
    "argmin": lambda a: a.argmin(),
    "argmax": lambda a: np.argmax(a),
    "nanmax": lambda a: np.nanmax(a),
    "count": lambda a: (a > 1.0).sum(),
}

ARG_AXIS = {
    "argmax(axis=0)": lambda a: a.argmax(axis=0),
    "np.argmin(axis=0)": lambda a: np.argmin(a, axis=0),
    "argmin(axis=1)": lambda a: a.argmin(axis=1),
    "nanargmax": lambda a: np.nanargmax(a),
    "nanargmax(axis=0)": lambda a: np.nanargmax(a, axis=0),
}
ARG_SHAPES = [(1000, 100), (1000, 1000), (100000, 8)]

# --last-axis: along the last axis, rows of 100, 300 and 1000 (and one such row, 1-d)
ARG_LAST = {
    "argmax(axis=1)": lambda a: a.argmax(axis=1),
    "np.argmin(a, -1)": lambda a: np.argmin(a, -1),
    "argmin() 1-d": lambda a: a.argmin(),
}
LAST_SHAPES = [(1000, 100), (330, 300), (100, 1000)]   # 0.1M elements: in L2, not bound by memory

PRODUCTS = [((5000, 3, 3), (5000, 3, 4)), ((2000, 8, 8), (2000, 8, 8)), ((500, 4, 30), (500, 30, 4)),
            ((200, 16, 16), (200, 16, 16))]


def per_call(f, args, reps):
    t = time.perf_counter()
    for _ in range(reps):
        f(*args)
    return (time.perf_counter() - t) / reps


def compare(f, args, nbytes, repeats):
    """(ember best, NumPy best, median ratio, agreement) of f(*args)."""
    e = ember.njit(f)
    got, want = e(*args), f(*args)
    g, w = np.asarray(got), np.asarray(want)
    if np.array_equal(g, w):
        same = "bit-equal" if g.dtype == w.dtype else f"equal values ({g.dtype}, NumPy {w.dtype})"
    else:
        same = f"differs by {np.max(np.abs(g - w)):.2g}"
    reps = max(1, int(2e8 // max(nbytes, 1)))
    te, tn, rs = [], [], []
    for _ in range(repeats):
        x, y = per_call(e, args, reps), per_call(f, args, reps)
        te.append(x)
        tn.append(y)
        rs.append(x / y)
    return min(te), min(tn), statistics.median(rs), same


def compare3(f, args, nbytes, repeats):
    """(ember, NumPy, numba or None best times; ember/NumPy and numba/NumPy median ratios) of f(*args)."""
    try:
        import numba
        nb = numba.njit(f)
        assert np.array_equal(nb(*args), f(*args))
    except Exception:  # noqa: BLE001 -- not installed, or not this form
        nb = None
    e = ember.njit(f)
    assert np.array_equal(e(*args), f(*args))
    reps = max(1, int(1e8 // max(nbytes, 1)))
    te, tn, tb, re, rb = [], [], [], [], []
    for _ in range(repeats):
        x, y = per_call(e, args, reps), per_call(f, args, reps)
        z = per_call(nb, args, reps) if nb else None
        te.append(x)
        tn.append(y)
        re.append(x / y)
        if nb:
            tb.append(z)
            rb.append(z / y)
    return min(te), min(tn), min(tb) if nb else None, statistics.median(re), statistics.median(rb) if nb else None


def arg_axis(a, rng, kernels=ARG_AXIS, shapes=ARG_SHAPES):
    print("| kernel | dtype | shape | ember us | NumPy us | numba us | ember/NumPy | numba/NumPy |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    ratios = []
    for dt in a.dtypes.split(","):
        for full in shapes:
            for name, f in kernels.items():
                shape = full[1:] if name.endswith("1-d") else full
                one(a, rng, dt, shape, name, f, ratios)
    print(f"\ngeomean ember/NumPy {statistics.geometric_mean(ratios):.2f}; slowest {max(ratios):.2f}")


def one(a, rng, dt, shape, name, f, ratios):
    """One row of the table: kernel f on an array of dt and shape."""
    if name.startswith("nan") and not dt.startswith("float"):
        return   # nanargmax of ints is argmax
    if dt.startswith(("int", "uint")):
        x = rng.integers(np.iinfo(dt).min, np.iinfo(dt).max, shape, dtype=dt, endpoint=True)
    else:
        x = rng.standard_normal(shape).astype(dt)
        x[rng.random(shape) < 0.01] = np.nan   # nanargmax skips them; the others get them as 0
        x[0] = 0   # no column of NaN (nanargmax(axis=0) raises then)
    y = x if name.startswith("nan") or not dt.startswith("float") else np.where(np.isnan(x), 0, x).astype(dt)
    te, tn, tb, r, rb = compare3(f, (y,), y.nbytes, a.repeats)
    ratios.append(r)
    nbs = f"{tb * 1e6:.2f} | " if tb else "- | "
    nbr = f"{rb:.2f}" if rb else "-"
    print(f"| {name} | {dt} | {'x'.join(map(str, shape))} | {te * 1e6:.2f} | {tn * 1e6:.2f} | {nbs}{r:.2f} | {nbr} |",
          flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", default="100000,1000000,10000000")
    ap.add_argument("--kernels", default=",".join(REDUCTIONS))
    ap.add_argument("--dtypes", default="float64,float32")
    ap.add_argument("--repeats", type=int, default=9)
    ap.add_argument("--products-only", action="store_true")
    ap.add_argument("--axis-only", action="store_true")
    ap.add_argument("--last-axis", action="store_true")
    a = ap.parse_args()
    rng = np.random.default_rng(0)
    print(f"`python {' '.join(sys.argv)}`; NumPy {np.__version__}; {os.cpu_count()} CPUs; load average "
          f"{os.getloadavg()[0]:.1f}; {a.repeats} interleaved repeats\n")
    if a.axis_only:
        arg_axis(a, rng)
        return
    if a.last_axis:
        arg_axis(a, rng, ARG_LAST, LAST_SHAPES)
        return
    print("| kernel | dtype | n | ember ms | NumPy ms | ember/NumPy | result |")
    print("|---|---|---:|---:|---:|---:|---|")
    ratios = []
    if not a.products_only:
        for dt in a.dtypes.split(","):
            for n in map(int, a.sizes.split(",")):
                if dt.startswith(("int", "uint")):   # the min/max kernels: --dtypes int8,... --kernels max,argmin
                    x = rng.integers(np.iinfo(dt).min, np.iinfo(dt).max, n, dtype=dt, endpoint=True)
                else:
                    x = rng.uniform(0.999, 1.001, n).astype(dt)   # products stay finite
                for name in a.kernels.split(","):
                    te, tn, r, same = compare(REDUCTIONS[name], (x,), x.nbytes, a.repeats)
                    ratios.append(r)
                    print(f"| {name} | {dt} | {n} | {te * 1e3:.3f} | {tn * 1e3:.3f} | {r:.2f} | {same} |", flush=True)
    for dt in [d for d in a.dtypes.split(",") if d.startswith("float")] + ["complex128", "complex64"]:
        for sa, sb in PRODUCTS:
            x, y = rng.standard_normal(sa), rng.standard_normal(sb)
            if dt.startswith("complex"):
                x, y = x + 1j * rng.standard_normal(sa), y + 1j * rng.standard_normal(sb)
            x, y = x.astype(dt), y.astype(dt)
            te, tn, r, same = compare(lambda p, q: p @ q, (x, y), x.nbytes + y.nbytes, a.repeats)
            ratios.append(r)
            shape = f"{sa[0]}x({sa[1]}x{sa[2]} @ {sb[1]}x{sb[2]})"
            print(f"| a @ b | {dt} | {shape} | {te * 1e3:.3f} | {tn * 1e3:.3f} | {r:.2f} | {same} |", flush=True)
    gm = statistics.geometric_mean(ratios)
    print(f"\ngeomean ember/NumPy {gm:.2f}; slowest {max(ratios):.2f}")


if __name__ == "__main__":
    main()
