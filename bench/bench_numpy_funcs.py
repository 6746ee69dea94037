#!/usr/bin/env python
"""NumPy-style kernels built on NumPy's library functions: ember vs NumPy vs numba, side by side.

Each kernel is a plain function whose body is NumPy code (np.histogram, np.roll, np.pad,
np.sort(axis=), np.linalg.*, @ on float32 and on stacks...). NumPy runs it uncompiled; ember and
numba compile it with @njit. Every backend runs in its own subprocess (nothing warm, a crash
in one does not stop the others); each reports the best steady time over several rounds after a
warm-up call (which also compiles), and whether its result agrees with NumPy's (np.allclose).
A backend that cannot compile a kernel is "unsupported" with its error's first line.

    python bench/bench_numpy_funcs.py                  # all kernels
    python bench/bench_numpy_funcs.py --quick          # smaller sizes, fewer rounds
    python bench/bench_numpy_funcs.py --kernels matmul_f32,histogram

The table prints milliseconds and the ratios ember/NumPy and ember/numba (below 1: ember is
faster). The machine is shared, so compare ratios taken in the same run.
"""

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

# ------------------------------------------------------------------ kernels


def matmul_f32(a, b):
    return a @ b


def matmul_c128(a, b):
    return a @ b


def matmul_stack(a, b):
    return np.matmul(a, b)


def histogram(x):
    h, e = np.histogram(x, 64, range=(-4.0, 4.0))
    return h


def bincount(k, w):
    return np.bincount(k, w)


def roll_laplacian(u):
    return np.roll(u, 1, axis=0) + np.roll(u, -1, axis=0) + np.roll(u, 1, axis=1) + np.roll(u, -1, axis=1) - 4.0 * u


def pad_blur(img):
    p = np.pad(img, 1, mode="edge")
    return (p[:-2, :-2] + p[:-2, 1:-1] + p[:-2, 2:] + p[1:-1, :-2] + p[1:-1, 1:-1] + p[1:-1, 2:] + p[2:, :-2] + p[2:, 1:-1]
            + p[2:, 2:]) / 9.0


def sort_columns(a):
    return np.sort(a, axis=0)


def median_rows(a):
    return np.median(a, axis=1)


def nanmean_cols(a):
    return np.nanmean(a, axis=0)


def nanstd_cols_f32(a):
    return np.nanstd(a, axis=0)


def nanmax_cols(a):
    return np.nanmax(a, axis=0)


def nansum_middle(t):
    return np.nansum(t, axis=1)


def convolve(x, k):
    return np.convolve(x, k, mode="same")


def interp(x, xp, fp):
    return np.interp(x, xp, fp)


def cov(m):
    return np.cov(m)


def solve_f32(a, b):
    return np.linalg.solve(a, b)


def eigh(a):
    return np.linalg.eigvalsh(a)


def svd_values(a):
    return np.linalg.svd(a, compute_uv=False)


def lstsq(a, b):
    return np.linalg.lstsq(a, b)[0]


def assemble(x):
    y = np.tile(x, (4, 1))
    z = np.repeat(x, 3)
    return np.vstack((y, np.stack((x, x)))).sum() + z.sum()


def nonzero_mask(x):
    return np.argwhere(x > 0.5)


def grid_eval(n):
    xs, ys = np.meshgrid(np.linspace(-1.0, 1.0, n), np.linspace(-2.0, 2.0, n))
    return np.exp(-(xs * xs + ys * ys))


def cross_rows(a, b):
    return np.cross(a, b)


def cumsum_cols(a):
    return np.cumsum(a, axis=0)


def sort_rows(a):
    return np.sort(a, axis=1)


def percentile_cols(a):
    return np.percentile(a, [5.0, 50.0, 95.0], axis=0)


def solve_stack(a, b):
    return np.linalg.solve(a, b)


def inv_det_stack(a):
    # the inverse of each 3 x 3 matrix scaled by its determinant (the adjugate)
    return np.linalg.inv(a) * np.linalg.det(a)[:, None, None]


def solve_f32_rhs(a, b):
    # one float32 8 x 8 system per row of b's stack, b a stack of vectors
    return np.linalg.solve(a, b[:, :, None])[:, :, 0]


def unique_codes(c):
    # the distinct category codes of an int8 column
    return np.unique(c)


def coherence(z, w):
    # |<z, w>| / (|z| |w|) of two complex signals
    return abs(np.vdot(z, w)) / (np.linalg.norm(z) * np.linalg.norm(w))


def increments(x):
    # first differences of a path, scaled to unit mean square
    d = np.diff(x)
    return d / np.sqrt(np.mean(d * d))


def column_means_f32(a):
    # float32 column means and totals of a C array (an axis other than the last)
    return a.mean(axis=0), a.sum(axis=0)


def transposed_row_sums(a):
    # sums and variances along axis 1 of a transposed (F-ordered) matrix
    t = a.T
    return t.sum(axis=1), t.var(axis=1)


def spectrum_energy(z, w):
    # energy of a complex cross-spectrum, z * conj(w) summed
    return np.sum(z * np.conj(w)), np.sum(z * w)


def einsum_stats(x, y, v):
    # per-row dot products, column and row totals, an outer product: np.einsum in NumPy code
    return (np.einsum("ij,ij->i", x, y), np.einsum("ij->j", x), np.einsum("ij->i", y),
            np.einsum("ij,ij->i", np.einsum("i,j->ij", v, v), x))


def make_inputs(quick):
    rng = np.random.default_rng(0)
    s = 2 if quick else 1   # quick: smaller

    def f32(*shape):
        return rng.standard_normal(shape).astype(np.float32)

    n = 512 // s
    m = rng.standard_normal((n, n))
    spd = m @ m.T + n * np.eye(n)
    return {
        "matmul_f32": (matmul_f32, (f32(n, n), f32(n, n))),
        "matmul_c128": (matmul_c128, ((rng.standard_normal((n // 2, n // 2)) + 1j * rng.standard_normal((n // 2, n // 2))),
                                      (rng.standard_normal((n // 2, n // 2)) + 1j * rng.standard_normal((n // 2, n // 2))))),
        "matmul_stack": (matmul_stack, (rng.standard_normal((256 // s, 16, 16)), rng.standard_normal((256 // s, 16, 16)))),
        "histogram": (histogram, (rng.standard_normal(2_000_000 // s),)),
        "bincount": (bincount, (rng.integers(0, 1000, 2_000_000 // s), rng.random(2_000_000 // s))),
        "roll_laplacian": (roll_laplacian, (rng.standard_normal((n, n)),)),
        "pad_blur": (pad_blur, (rng.standard_normal((n, n)),)),
        "sort_columns": (sort_columns, (rng.standard_normal((n, n)),)),
        "median_rows": (median_rows, (rng.standard_normal((n, n)),)),
        "nanmean_cols": (nanmean_cols, (np.where(rng.random((n, n)) < 0.1, np.nan, rng.standard_normal((n, n))),)),
        "nanstd_cols_f32": (nanstd_cols_f32, (np.where(rng.random((n, n)) < 0.1, np.nan, f32(n, n)).astype(np.float32),)),
        "nanmax_cols": (nanmax_cols, (np.where(rng.random((n, n)) < 0.1, np.nan, rng.standard_normal((n, n))),)),
        "nansum_middle": (nansum_middle, (np.where(rng.random((n // 8, n, 64)) < 0.1, np.nan, rng.standard_normal((n // 8, n, 64))),)),
        "convolve": (convolve, (rng.standard_normal(200_000 // s), rng.standard_normal(31))),
        "interp": (interp, (rng.random(1_000_000 // s) * 10, np.linspace(0, 10, 1000), rng.standard_normal(1000))),
        "cov": (cov, (rng.standard_normal((32, 20_000 // s)),)),
        "solve_f32": (solve_f32, (spd[:256 // s, :256 // s].astype(np.float32), f32(256 // s, 8))),
        "eigvalsh": (eigh, (spd[:200 // s, :200 // s].copy(),)),
        "svd_values": (svd_values, (rng.standard_normal((300 // s, 150 // s)),)),
        "lstsq": (lstsq, (rng.standard_normal((400 // s, 50)), rng.standard_normal(400 // s))),
        "assemble": (assemble, (rng.standard_normal(100_000 // s),)),
        "argwhere": (nonzero_mask, (rng.random((n, n)),)),
        "grid_eval": (grid_eval, (n,)),
        "cross_rows": (cross_rows, (rng.standard_normal((200_000 // s, 3)), rng.standard_normal((200_000 // s, 3)))),
        "cumsum_cols": (cumsum_cols, (rng.standard_normal((n, n)),)),
        "sort_rows": (sort_rows, (rng.standard_normal((n, n)),)),
        "percentile_cols": (percentile_cols, (rng.standard_normal((n, n)),)),
        "solve_stack": (solve_stack, (rng.standard_normal((2000 // s, 4, 4)) + 4 * np.eye(4), rng.standard_normal((2000 // s, 4, 2)))),
        "inv_det_stack": (inv_det_stack, (rng.standard_normal((3000 // s, 3, 3)),)),
        "solve_f32_rhs": (solve_f32_rhs, (f32(1000 // s, 8, 8), f32(1000 // s, 8))),
        "unique_codes": (unique_codes, (rng.integers(-20, 100, 1_000_000 // s).astype(np.int8),)),
        "coherence": (coherence, (rng.standard_normal(500_000 // s) + 1j * rng.standard_normal(500_000 // s),
                                  rng.standard_normal(500_000 // s) + 1j * rng.standard_normal(500_000 // s))),
        "increments": (increments, (np.cumsum(rng.standard_normal(1_000_000 // s)),)),
        "column_means_f32": (column_means_f32, (f32(2 * n, 2 * n),)),
        "transposed_row_sums": (transposed_row_sums, (rng.standard_normal((2 * n, 2 * n)),)),
        "spectrum_energy": (spectrum_energy, (rng.standard_normal(1_000_000 // s) + 1j * rng.standard_normal(1_000_000 // s),
                                              rng.standard_normal(1_000_000 // s) + 1j * rng.standard_normal(1_000_000 // s))),
        "einsum_stats": (einsum_stats, (rng.standard_normal((2 * n, 2 * n)), rng.standard_normal((2 * n, 2 * n)),
                                        rng.standard_normal(2 * n))),
    }


# ------------------------------------------------------------------ one backend (child process)


def best_time(fn, args, rounds):
    best = float("inf")
    for _ in range(rounds):
        reps, t0 = 0, time.perf_counter()
        while True:
            fn(*args)
            reps += 1
            dt = time.perf_counter() - t0
            if dt > 0.05 or reps >= 50:
                break
        best = min(best, dt / reps)
    return best


def run_backend(backend, names, quick):
    inputs = make_inputs(quick)
    if backend == "ember":
        from ember import njit
    elif backend == "numba":
        from numba import njit
    out = {}
    for name in names:
        fn, args = inputs[name]
        try:
            f = fn if backend == "numpy" else njit(fn)
            t0 = time.perf_counter()
            got = f(*args)
            first = time.perf_counter() - t0
            ref = fn(*args)
            ok = bool(np.allclose(np.asarray(got), np.asarray(ref), rtol=1e-3, atol=1e-3, equal_nan=True)) \
                if np.shape(got) == np.shape(ref) else False
            t = best_time(f, args, 3 if quick else 5)
            out[name] = {"ms": t * 1e3, "first_ms": first * 1e3, "ok": ok}
        except Exception as exc:  # noqa: BLE001 -- report and go on
            out[name] = {"error": f"{type(exc).__name__}: {str(exc).splitlines()[0][:90]}"}
        print(f"  {backend:6s} {name}", file=sys.stderr, flush=True)
    print(json.dumps(out))


# ------------------------------------------------------------------ the report


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--kernels", default="")
    ap.add_argument("--backends", default="numpy,ember,numba")
    ap.add_argument("--blas-threads", default="1",
                    help="OPENBLAS_NUM_THREADS for every backend (default 1: multi-threaded BLAS timings are chaotic "
                         "on a shared machine; 'auto' leaves it alone)")
    ap.add_argument("--child", default="")
    ap.add_argument("--base-python", default="",
                    help="also run ember from another interpreter (an install of an older ember) as 'before'")
    a = ap.parse_args()
    known = list(make_inputs(True))
    names = known if not a.kernels else a.kernels.split(",")
    if set(names) - set(known):
        ap.error(f"unknown kernels {sorted(set(names) - set(known))}; known: {', '.join(known)}")
    if a.child:
        run_backend(a.child, names, a.quick)
        return
    results = {}
    runs = [(b, sys.executable, b) for b in a.backends.split(",")]
    if a.base_python:
        runs.append(("before", a.base_python, "ember"))
    for backend, python, child in runs:
        cmd = [python, os.path.abspath(__file__), "--child", child, "--kernels", ",".join(names)] + (["--quick"] if a.quick else [])
        env = dict(os.environ)
        if a.blas_threads != "auto":
            env["OPENBLAS_NUM_THREADS"] = a.blas_threads
        p = subprocess.run(cmd, capture_output=True, text=True, env=env)
        try:
            results[backend] = json.loads(p.stdout.strip().splitlines()[-1])
        except (ValueError, IndexError):
            results[backend] = {n: {"error": (p.stderr.strip().splitlines() or ["crashed"])[-1][:90]} for n in names}

    def cell(b, n):
        r = results.get(b, {}).get(n)
        if not r:
            return "-"
        if "error" in r:
            return "unsupported"
        return f"{r['ms']:.3f}" + ("" if r["ok"] else " (differs)")

    def ratio(x, y, n):
        rx, ry = results.get(x, {}).get(n, {}), results.get(y, {}).get(n, {})
        if "ms" not in rx or "ms" not in ry:
            return "-"
        return f"{rx['ms'] / ry['ms']:.2f}"

    print(f"# NumPy-function kernels ({'quick' if a.quick else 'full'}), {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"`{' '.join(sys.argv)}`; NumPy {np.__version__}; {os.cpu_count()} CPUs; OPENBLAS_NUM_THREADS={a.blas_threads}\n")
    before = "before" in results
    print("| kernel | NumPy ms | ember ms | numba ms | ember/NumPy | ember/numba | ember first call ms |"
          + (" ember before ms | before/NumPy |" if before else ""))
    print("|---|---:|---:|---:|---:|---:|---:|" + ("---:|---:|" if before else ""))
    for n in names:
        first = results.get("ember", {}).get(n, {}).get("first_ms")
        extra = f" {cell('before', n)} | {ratio('before', 'numpy', n)} |" if before else ""
        print(f"| {n} | {cell('numpy', n)} | {cell('ember', n)} | {cell('numba', n)} | {ratio('ember', 'numpy', n)} | "
              f"{ratio('ember', 'numba', n)} | {first and f'{first:.0f}' or '-'} |" + extra)
    errs = [(b, n, r["error"]) for b in results for n, r in results[b].items() if "error" in r]
    if errs:
        print("\nunsupported:")
        for b, n, e in errs:
            print(f"- {b} {n}: {e}")


if __name__ == "__main__":
    main()
