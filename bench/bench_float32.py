#!/usr/bin/env python
"""float32 against float64: ember vs numba vs NumPy, in one run.

Each kernel is written once and run on float32 and on float64 data of the same size. Timing is
interleaved: every round runs each (kernel, dtype, backend) once, in a shuffled order, and a
cell is the best round of the calling thread's CPU time (time.thread_time: on a shared machine
the time spent waiting for a core does not count; cache and memory-bandwidth contention still
does, and every cell had the same chances to meet a quiet moment). Reported per kernel: steady times, ember/numba and ember/NumPy on float32, and
the float64/float32 speedup of each backend (the target: ember >= 1.6x, ember <= 1.0x numba).

Evidence that does not depend on the machine's load:
  --ir         the vector types in ember's optimised LLVM IR of each kernel (<16 x float> where
               float64 has <8 x double>), the libmvec calls it makes, and the zmm registers in
               its assembly.

    python bench/bench_float32.py                   # timing, about a minute on 2 cores
    python bench/bench_float32.py --quick           # smaller, fewer rounds
    python bench/bench_float32.py --ir              # plus the IR/asm evidence
"""

import argparse
import math
import random
import re
import sys
import time

import numpy as np

# ---------------------------------------------------------------------------------- kernels
# Each maker takes (n, dtype) and returns (args, kernel). The kernel body is NumPy code
# (array expressions) or a loop; NumPy runs array kernels as they are and loops as the
# equivalent expression given by NUMPY_EQUIV.


def saxpy(a, x, y):
    return a * x + y


def poly(x):
    return ((((x * 0.5 + 1.25) * x - 0.75) * x + 2.0) * x - 1.0) * x + 0.125


def expsin(x, y):
    return np.exp(-x * x) * np.sin(3.0 * y) + np.cos(y)


def tanh_log(x):
    return np.tanh(x) + np.log1p(x * x)


def stencil(u):
    out = np.zeros_like(u)
    out[1:-1, 1:-1] = 0.25 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:]) - u[1:-1, 1:-1]
    return out


def norm_rows(x):
    return np.sqrt(np.sum(x * x, axis=1))


def loop_blend(a, b, out):
    for i in range(a.size):
        out[i] = a[i] * b[i] - b[i] * b[i]
    return out


def reduction(x):
    return np.sum(x * 1.5)


def numpy_loop_blend(a, b, out):
    np.subtract(a * b, b * b, out=out)
    return out


NUMPY_EQUIV = {loop_blend: numpy_loop_blend}


def make(name, n, dt):
    rng = np.random.default_rng(42)
    x = rng.standard_normal(n).astype(dt)
    y = rng.standard_normal(n).astype(dt)
    side = int(math.sqrt(n))
    if name == "saxpy":
        return (dt(2.5), x, y), saxpy
    if name == "poly":
        return (x,), poly
    if name == "exp_sin_cos":
        return (x, y), expsin
    if name == "tanh_log1p":
        return (x,), tanh_log
    if name == "stencil2d":
        return (x[: side * side].reshape(side, side),), stencil
    if name == "row_norms":
        return (x[: side * side].reshape(side, side),), norm_rows
    if name == "scalar_loop":
        return (x, y, np.empty_like(x)), loop_blend
    if name == "sum_expr":
        return (x,), reduction
    raise KeyError(name)


KERNELS = ["saxpy", "poly", "exp_sin_cos", "tanh_log1p", "stencil2d", "row_norms", "scalar_loop", "sum_expr"]
DTYPES = [np.float32, np.float64]


def backends():
    import ember
    out = {"ember": ember.njit}
    try:
        import numba
        out["numba"] = numba.njit
    except ImportError:  # pragma: no cover - numba is a comparison tool only
        pass
    return out


# ----------------------------------------------------------------------------------- timing

def time_call(f, args, inner):
    # the calling thread's CPU time: on a machine shared with other jobs, the time this thread
    # waits for a core does not count (every kernel here runs on the calling thread)
    t0 = time.thread_time()
    for _ in range(inner):
        f(*args)
    return (time.thread_time() - t0) / inner


def run_timing(kernels, n, rounds):
    comp = backends()
    cells = {}   # (kernel, dtype name, backend) -> (callable, args, inner)
    for k in kernels:
        for dt in DTYPES:
            args, fn = make(k, n, dt)
            fns = {b: deco(fn) for b, deco in comp.items()}
            fns["numpy"] = NUMPY_EQUIV.get(fn, fn)
            want = fns["numpy"](*args)
            for b, f in fns.items():
                got = f(*args)   # compile, and check the result against NumPy's
                tol = 1e-4 if dt == np.float32 else 1e-10
                gd, wd = np.asarray(got).dtype, np.asarray(want).dtype
                if not np.allclose(got, want, rtol=tol, atol=tol, equal_nan=True):
                    print(f"MISMATCH {k} {dt.__name__} {b}: values differ", file=sys.stderr)
                if np.ndim(got) and gd != wd:   # numba types a Python float with a float32 array as float64
                    print(f"note: {k} {dt.__name__} {b} gives {gd}, NumPy {wd}", file=sys.stderr)
                t = time_call(f, args, 1)
                inner = max(1, int(0.01 / max(t, 1e-7)))
                cells[(k, dt.__name__, b)] = (f, args, inner)
    samples = {key: [] for key in cells}
    keys = list(cells)
    for r in range(rounds):
        random.shuffle(keys)
        for key in keys:
            f, args, inner = cells[key]
            samples[key].append(time_call(f, args, inner))
    return {key: min(v) for key, v in samples.items()}


def report_timing(kernels, med, n, rounds):
    names = sorted({key[2] for key in med}, key=["ember", "numba", "numpy"].index)
    print(f"## float32 vs float64 ({n} elements, best of {rounds} interleaved rounds, thread CPU microseconds)\n")
    head = "| kernel | " + " | ".join(f"{b} f32 | {b} f64" for b in names)
    head += " | ember/numba f32 | ember/NumPy f32 | f64/f32 ember | f64/f32 numba | f64/f32 NumPy |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    geo = {"en": [], "ep": [], "se": [], "sn": [], "sp": []}
    for k in kernels:
        t = {(b, d): med[(k, d, b)] * 1e6 for b in names for d in ("float32", "float64")}
        row = f"| {k} | " + " | ".join(f"{t[(b, 'float32')]:.1f} | {t[(b, 'float64')]:.1f}" for b in names)
        en = t[("ember", "float32")] / t[("numba", "float32")] if "numba" in names else float("nan")
        ep = t[("ember", "float32")] / t[("numpy", "float32")]
        sp = {b: t[(b, "float64")] / t[(b, "float32")] for b in names}
        row += f" | {en:.2f} | {ep:.2f} | {sp['ember']:.2f} | {sp.get('numba', float('nan')):.2f} | {sp['numpy']:.2f} |"
        print(row)
        for key, v in (("en", en), ("ep", ep), ("se", sp["ember"]), ("sn", sp.get("numba", float("nan"))), ("sp", sp["numpy"])):
            if v == v:
                geo[key].append(v)
    g = {k: math.exp(sum(map(math.log, v)) / len(v)) if v else float("nan") for k, v in geo.items()}
    print(f"\ngeometric means: ember/numba (float32) {g['en']:.2f}, ember/NumPy (float32) {g['ep']:.2f}, "
          f"float64/float32 speedup: ember {g['se']:.2f}, numba {g['sn']:.2f}, NumPy {g['sp']:.2f}\n")


# --------------------------------------------------------------------------------- evidence

def report_ir(kernels):
    import ember
    print("## ember's optimised IR and assembly: vector types, zmm operands, libmvec calls\n")
    print("| kernel | float32 | float64 |")
    print("|---|---|---|")
    for k in kernels:
        cells = []
        for dt in DTYPES:
            args, fn = make(k, 64, dt)
            f = ember.njit(fn)
            f(*args)
            ir = "\n".join(f.inspect_llvm().values())
            vecs = {}
            for m in re.findall(r"<(\d+) x (float|double)>", ir):
                vecs[m] = vecs.get(m, 0) + 1
            widest = max(vecs, key=lambda m: (int(m[0]), vecs[m]), default=None)
            calls = sorted(set(re.findall(r"call <\d+ x \w+> @(_ZGV\w+)", ir)))
            asm = "\n".join(f.inspect_asm().values())
            cell = f"widest <{widest[0]} x {widest[1]}>" if widest else "scalar"
            cell += f", {len(re.findall(r'%zmm', asm))} zmm operands"
            if calls:
                cell += " " + ", ".join(calls)
            cells.append(cell)
        print(f"| {k} | {cells[0]} | {cells[1]} |")
    print()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--kernels", default=",".join(KERNELS))
    ap.add_argument("--n", type=int, default=None, help="elements per array (default 1M, quick 100k)")
    ap.add_argument("--rounds", type=int, default=None)
    ap.add_argument("--ir", action="store_true")
    ap.add_argument("--no-timing", action="store_true")
    opt = ap.parse_args()
    kernels = opt.kernels.split(",")
    n = opt.n or (100_000 if opt.quick else 1_000_000)
    rounds = opt.rounds or (5 if opt.quick else 15)
    print(f"command: {' '.join(sys.argv)}\n")
    if not opt.no_timing:
        report_timing(kernels, run_timing(kernels, n, rounds), n, rounds)
    if opt.ir:
        report_ir(kernels)


if __name__ == "__main__":
    main()
