#!/usr/bin/env python
"""float32 against float64 (and complex64 against complex128, int8/int16 against int64): ember vs
numba vs NumPy, in one run.

Each kernel is written once and run on narrow and on wide data of the same size: float32 and
float64, complex64 and complex128 (the c_ kernels), int8 or int16 and int64 (i8_, i16_). Timing is
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


def cmul_add(z, w):
    return z * w + z * 0.5


def cexp_abs(z):
    return np.abs(np.exp(z * 0.1j)) + np.abs(z)


def cdiv(z, w):
    return (z - w) / (z + w)


def csum(z, w):
    return np.sum(z * w)


def int_blend(a, b):
    return a * 3 + (b >> 1) - a


def int_loop(a, b, out):
    for i in range(a.size):
        out[i] = (a[i] * b[i] + 7) // 4   # wraps in the array's type on the store, as NumPy's
    return out


def scalar_arg_loop(a, x, y, out):
    for i in range(x.size):
        out[i] = a * x[i] + y[i] * a   # a: an np.float32 argument is a float32 (Numba's typeof)
    return out


def c_abs_loop(z):
    c = 0
    for i in range(z.size):
        if abs(z[i]) < 1.0:            # abs of a complex64: hypotf, a float32
            c += 1
    return c


def c_julia(z0, c, out):
    for i in range(z0.size):           # complex64 scalars: z * z + c in complex64 (Numba's rule)
        z = z0[i]
        k = 0
        while k < 50 and (z.real * z.real + z.imag * z.imag) < 4.0:
            z = z * z + c
            k += 1
        out[i] = k
    return out


def numpy_c_julia(z0, c, out):
    z, alive = z0.copy(), np.ones(z0.size, bool)
    out[:] = 0
    for _ in range(50):
        alive &= (z.real * z.real + z.imag * z.imag) < 4.0
        z[alive] = z[alive] * z[alive] + c
        out += alive
    return out


def numpy_scalar_arg_loop(a, x, y, out):
    np.add(a * x, y * a, out=out)
    return out


def numpy_c_abs_loop(z):
    return np.count_nonzero(np.abs(z) < 1.0)


def numpy_int_loop(a, b, out):
    np.floor_divide(a * b + 7, 4, out=out, casting="unsafe")
    return out


def numpy_loop_blend(a, b, out):
    np.subtract(a * b, b * b, out=out)
    return out


NUMPY_EQUIV = {loop_blend: numpy_loop_blend, int_loop: numpy_int_loop, scalar_arg_loop: numpy_scalar_arg_loop,
               c_abs_loop: numpy_c_abs_loop, c_julia: numpy_c_julia}


def make(name, n, dt):
    rng = np.random.default_rng(42)
    if np.dtype(dt).kind in "iu":
        x = rng.integers(-100, 100, n).astype(dt)
        y = rng.integers(-100, 100, n).astype(dt)
    elif np.dtype(dt).kind == "c":
        x = (rng.standard_normal(n) + 1j * rng.standard_normal(n)).astype(dt)
        y = (rng.standard_normal(n) + 1j * rng.standard_normal(n)).astype(dt)
    else:
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
    if name == "scalar_arg_loop":
        return (dt(0.75), x, y, np.empty_like(x)), scalar_arg_loop
    if name == "c_abs_loop":
        return (x,), c_abs_loop
    if name == "c_julia":
        return (x * dt(0.7), dt(-0.8 + 0.156j), np.zeros(n, np.int64)), c_julia
    if name == "sum_expr":
        return (x,), reduction
    if name == "c_exp_abs":
        return (x,), cexp_abs
    if name in ("c_mul_add", "c_div", "c_sum"):
        return (x, y), {"c_mul_add": cmul_add, "c_div": cdiv, "c_sum": csum}[name]
    if name in ("i8_blend", "i16_blend"):
        return (x, y), int_blend
    if name in ("i8_loop", "i16_loop"):
        return (x, y, np.empty_like(x)), int_loop
    raise KeyError(name)


KERNELS = ["saxpy", "poly", "exp_sin_cos", "tanh_log1p", "stencil2d", "row_norms", "scalar_loop", "scalar_arg_loop",
           "sum_expr", "c_mul_add", "c_exp_abs", "c_div", "c_sum", "c_abs_loop", "c_julia", "i8_blend", "i16_blend", "i8_loop", "i16_loop"]
DTYPES = [np.float32, np.float64]
# each kernel runs on a narrow dtype and its wide counterpart: float32/float64 (the columns' "f32"
# and "f64"), complex64/complex128, and int8 or int16 against int64
PAIRS = {"c_": (np.complex64, np.complex128), "i8_": (np.int8, np.int64), "i16_": (np.int16, np.int64)}


def dtypes_of(kernel):
    for prefix, pair in PAIRS.items():
        if kernel.startswith(prefix):
            return list(pair)
    return DTYPES


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
        for slot, dt in zip(("float32", "float64"), dtypes_of(k)):
            args, fn = make(k, n, dt)
            fns = {b: deco(fn) for b, deco in comp.items()}
            fns["numpy"] = NUMPY_EQUIV.get(fn, fn)
            want = fns["numpy"](*args)
            for b, f in fns.items():
                got = f(*args)   # compile, and check the result against NumPy's
                tol = 1e-4 if np.dtype(dt).itemsize // (2 if np.dtype(dt).kind == "c" else 1) < 8 else 1e-10
                gd, wd = np.asarray(got).dtype, np.asarray(want).dtype
                if not np.allclose(got, want, rtol=tol, atol=tol, equal_nan=True):
                    print(f"MISMATCH {k} {np.dtype(dt).name} {b}: values differ", file=sys.stderr)
                if np.ndim(got) and gd != wd:   # numba types a Python float with a float32 array as float64
                    print(f"note: {k} {np.dtype(dt).name} {b} gives {gd}, NumPy {wd}", file=sys.stderr)
                t = time_call(f, args, 1)
                inner = max(1, int(0.01 / max(t, 1e-7)))
                cells[(k, slot, b)] = (f, args, inner)
    samples = {key: [] for key in cells}
    keys = list(cells)
    for r in range(rounds):
        random.shuffle(keys)
        for key in keys:
            f, args, inner = cells[key]
            samples[key].append(time_call(f, args, inner))
    return {key: min(v) for key, v in samples.items()}


def group_of(kernel):
    for prefix, pair in PAIRS.items():
        if kernel.startswith(prefix):
            return f"{np.dtype(pair[0]).name} vs {np.dtype(pair[1]).name}"
    return "float32 vs float64"


def report_timing(kernels, med, n, rounds):
    names = sorted({key[2] for key in med}, key=["ember", "numba", "numpy"].index)
    print(f"## narrow vs wide dtypes ({n} elements, best of {rounds} interleaved rounds, thread CPU microseconds)\n")
    print("Columns: `n` the narrow dtype (float32, complex64, int8 or int16), `w` its wide counterpart (float64,")
    print("complex128, int64); ratios ember/numba and ember/NumPy on the narrow dtype, and wide/narrow speedups.\n")
    head = "| kernel | " + " | ".join(f"{b} n | {b} w" for b in names)
    head += " | ember/numba n | ember/NumPy n | w/n ember | w/n numba | w/n NumPy |"
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    geo = {}
    for k in kernels:
        t = {(b, d): med[(k, d, b)] * 1e6 for b in names for d in ("float32", "float64")}
        row = f"| {k} | " + " | ".join(f"{t[(b, 'float32')]:.1f} | {t[(b, 'float64')]:.1f}" for b in names)
        en = t[("ember", "float32")] / t[("numba", "float32")] if "numba" in names else float("nan")
        ep = t[("ember", "float32")] / t[("numpy", "float32")]
        sp = {b: t[(b, "float64")] / t[(b, "float32")] for b in names}
        row += f" | {en:.2f} | {ep:.2f} | {sp['ember']:.2f} | {sp.get('numba', float('nan')):.2f} | {sp['numpy']:.2f} |"
        print(row)
        g = geo.setdefault(group_of(k), {"en": [], "ep": [], "se": [], "sn": [], "sp": []})
        for key, v in (("en", en), ("ep", ep), ("se", sp["ember"]), ("sn", sp.get("numba", float("nan"))), ("sp", sp["numpy"])):
            if v == v:
                g[key].append(v)
    print()
    for group, lists in geo.items():
        g = {k: math.exp(sum(map(math.log, v)) / len(v)) if v else float("nan") for k, v in lists.items()}
        print(f"geometric means, {group}: ember/numba {g['en']:.2f}, ember/NumPy {g['ep']:.2f}, "
              f"wide/narrow speedup: ember {g['se']:.2f}, numba {g['sn']:.2f}, NumPy {g['sp']:.2f}")
    print()


# --------------------------------------------------------------------------------- evidence

def report_ir(kernels):
    import ember
    print("## ember's optimised IR and assembly: vector types, zmm operands, libmvec calls\n")
    print("| kernel | narrow (float32, complex64, int8/16) | wide (float64, complex128, int64) |")
    print("|---|---|---|")
    for k in kernels:
        cells = []
        for dt in dtypes_of(k):
            args, fn = make(k, 64, dt)
            f = ember.njit(fn)
            f(*args)
            ir = "\n".join(f.inspect_llvm().values())
            vecs = {}
            for m in re.findall(r"<(\d+) x (float|double|i8|i16|i64)>", ir):
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
