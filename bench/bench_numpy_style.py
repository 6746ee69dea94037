#!/usr/bin/env python
"""NumPy-style kernels (whole-array expressions, reductions with axis=, masked updates): ember vs
numba vs NumPy, side by side in one process.

Each kernel is a plain function written the way NumPy users write it. NumPy runs it undecorated;
ember and numba compile the same source with their njit. All three run in this one process and
their repeats are interleaved (ember, numba, NumPy, ember, numba, NumPy, ...), so load on the
shared machine hits them alike. Results are checked against
NumPy's (np.allclose, rtol 1e-9; exact for integers) before timing.

    python bench/bench_numpy_style.py                 # all kernels
    python bench/bench_numpy_style.py --quick         # smaller sizes, fewer repeats
    python bench/bench_numpy_style.py --kernels row_norms,sum_method

Prints milliseconds (each backend's best repeat), ember/NumPy and ember/numba (below 1: ember is
faster; the median over repeats of the ratio of that repeat's adjacent times) and the geometric
means. Targets (issue 17): ember/NumPy geomean <= 1/1.5 and no kernel above 1.0; ember/numba
<= 1.0.
"""

import argparse
import math
import os
import statistics
import sys
import time

# BLAS on one thread for every backend (set before NumPy loads OpenBLAS): threaded BLAS timings
# are chaotic on a shared machine
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_numpy_funcs import best_time  # noqa: E402  (one round: a repeat of >= 50 ms or 50 calls)

# ------------------------------------------------------------------ kernels (one per class)


def row_norms(x):
    return np.sqrt(np.sum(np.abs(x) ** 2, 1))


def sq_distances(a, b):
    # |a_i - b_j|^2 through one product: the broadcast sums around np.dot
    aa = np.sum(a * a, axis=1)
    bb = np.sum(b * b, axis=1)
    return aa[:, np.newaxis] + bb[np.newaxis, :] - 2.0 * np.dot(a, b.T)


def unit_phasors(z):
    r = np.abs(z)
    return z / r, r.max()


def grid_laplacian(u):
    # a 3-component field on a 2-d grid: the last axis is short
    out = np.zeros_like(u)
    out[1:-1, 1:-1, :] = (u[2:, 1:-1, :] + u[:-2, 1:-1, :] + u[1:-1, 2:, :] + u[1:-1, :-2, :]
                          - 4.0 * u[1:-1, 1:-1, :])
    return out


def mandelbrot_masked(c, iters):
    z = np.zeros_like(c)
    counts = np.zeros(c.shape, np.int64)
    for _ in range(iters):
        inside = np.abs(z) <= 2.0
        z[inside] = z[inside] ** 2 + c[inside]
        counts[inside] += 1
    return counts


def interleave(a, b, c):
    out = np.empty(3 * a.size)
    out[0::3] = a
    out[1::3] = b
    out[2::3] = c
    return out


def sum_function(x):
    return np.sum(x)


def sum_method(x):
    return x.sum()


def standardise(x):
    mu = x.mean(axis=0, keepdims=True)
    sd = x.std(axis=0, keepdims=True)
    return (x - mu) / sd


def histogram(x):
    h, _ = np.histogram(x, 100, range=(-5.0, 5.0))
    return h


def histogram_few_bins(x):
    # uniform data in 8 bins: neighbouring values share a bin one time in eight
    h, _ = np.histogram(x, 8, range=(0.0, 1.0))
    return h


def histogram_loop(x, lo, hi, nb):
    # the same counting written as a loop (NumPy's column: CPython running it)
    h = np.zeros(nb, np.int64)
    scale = nb / (hi - lo)
    for v in x:
        if lo <= v < hi:
            h[int((v - lo) * scale)] += 1
    return h


def stacked_matmul(a, b):
    return a @ b


def conv_layer(img, w, bias):
    # img (C, H, W), w (K, C, 3, 3): a 3x3 'valid' convolution, bias, ReLU
    nc, h, wd = img.shape
    nk = w.shape[0]
    out = np.zeros((nk, h - 2, wd - 2))
    for k in range(nk):
        for c in range(nc):
            for i in range(3):
                for j in range(3):
                    out[k] += w[k, c, i, j] * img[c, i:i + h - 2, j:j + wd - 2]
        out[k] += bias[k]
    return np.maximum(out, 0.0)


# fused reductions along an axis (no temporary for the expression feeding them)


def rms_rows(x):
    return np.sqrt(np.mean(x ** 2, axis=-1))


def column_dots(a, b):
    return (a * b).sum(axis=0)


def max_abs_diff(x, y):
    return np.max(np.abs(x - y), axis=1)


def outlier_columns(x, mu, sd):
    return np.any(np.abs(x - mu) > 3.0 * sd, axis=0)


def cube_energy(v):
    # a (frames, points, 3) array of velocities: kinetic energy per frame
    return 0.5 * np.sum(v * v, axis=2).sum(axis=1)


# masked updates repeated in a loop


def newton_sqrt_masked(a, iters):
    x = a.copy()
    for _ in range(iters):
        active = np.abs(x * x - a) > 1e-12 * a
        x[active] = 0.5 * (x[active] + a[active] / x[active])
    return x


def damp_masked(u0, f, iters):
    u = u0.copy()
    for _ in range(iters):
        far = np.abs(f - u) > 0.05
        u[far] = 0.75 * u[far] + 0.25 * f[far]
    return u


# broadcast of columns (x[:, None], keepdims results) against rows: the class of sq_distances


def normalise_rows(x):
    s = np.abs(x).sum(axis=1)
    return x / s[:, np.newaxis]


def gauss_kernel(x, y, h):
    # a Gaussian kernel matrix between two 1-d samples
    return np.exp(-((x[:, np.newaxis] - y[np.newaxis, :]) / h) ** 2)


def log_likelihood(p, w):
    # a weighted log-likelihood and a log-sum-exp (session 51: a maths function under a sum)
    return (w * np.log(p)).sum(), np.log(np.exp(w - w.max()).sum(axis=-1))


def named_steps_rms(x, y):
    # each step named, as NumPy users write them (session 34: the steps fuse as one expression)
    d = x - y
    sq = d * d
    scaled = sq * 0.5 + 1e-12
    return np.sqrt(scaled.mean())


def named_steps_rows(x, mu, sd):
    z = x - mu
    zs = z / sd
    clipped = np.minimum(np.abs(zs), 3.0)
    return clipped.sum(axis=1)


def outer_maths(a, b):
    # maths of each broadcast operand, combined over the outer grid (session 53: NumPy computes
    # each operand's maths once, a fused loop did it at every element)
    return np.exp(-a[:, np.newaxis]) * np.cos(b[np.newaxis, :])


def scale_columns(x, w):
    # per-column weights from maths of a 1-d array, broadcast over the rows
    return x * np.sqrt(w) + np.log1p(w)


# small matrices in stacks


def rotate_points(r, p):
    # r (n, 3, 3) rotations, p (n, 3, 4) points as columns
    return r @ p


def make_inputs(quick):
    rng = np.random.default_rng(0)
    s = 4 if quick else 1

    def cplx(*shape):
        return rng.standard_normal(shape) + 1j * rng.standard_normal(shape)

    re, im = np.meshgrid(np.linspace(-2.0, 0.6, 400 // s), np.linspace(-1.2, 1.2, 300 // s))
    return {
        "row_norms": (row_norms, (rng.standard_normal((4000 // s, 200)),)),
        "sq_distances": (sq_distances, (rng.standard_normal((600 // s, 16)), rng.standard_normal((500 // s, 16)))),
        "unit_phasors": (unit_phasors, (cplx(1_000_000 // s),)),
        "grid_laplacian": (grid_laplacian, (rng.standard_normal((400 // s, 400 // s, 3)),)),
        "mandelbrot_masked": (mandelbrot_masked, ((re + 1j * im).ravel(), 30)),
        "interleave": (interleave, (rng.standard_normal(500_000 // s), rng.standard_normal(500_000 // s),
                                    rng.standard_normal(500_000 // s))),
        "sum_function": (sum_function, (rng.standard_normal(10_000_000 // s),)),
        "sum_method": (sum_method, (rng.standard_normal((2500 // s, 4000)),)),
        "standardise": (standardise, (rng.standard_normal((2000 // s, 300)),)),
        "histogram": (histogram, (rng.standard_normal(2_000_000 // s),)),
        "stacked_matmul": (stacked_matmul, (rng.standard_normal((2000 // s, 8, 8)), rng.standard_normal((2000 // s, 8, 8)))),
        "conv_layer": (conv_layer, (rng.standard_normal((4, 64 // s * 2, 64 // s * 2)), rng.standard_normal((8, 4, 3, 3)),
                                    rng.standard_normal(8))),
        "rms_rows": (rms_rows, (rng.standard_normal((3000 // s, 250)),)),
        "column_dots": (column_dots, (rng.standard_normal((1500 // s, 400)), rng.standard_normal((1500 // s, 400)))),
        "max_abs_diff": (max_abs_diff, (rng.standard_normal((2000 // s, 300)), rng.standard_normal((2000 // s, 300)))),
        "outlier_columns": (outlier_columns, (rng.standard_normal((2000 // s, 300)), rng.standard_normal(300),
                                              rng.uniform(0.5, 2.0, 300))),
        "cube_energy": (cube_energy, (rng.standard_normal((200 // s, 500, 3)),)),
        "newton_sqrt_masked": (newton_sqrt_masked, (rng.uniform(0.01, 100.0, 200_000 // s), 12)),
        "damp_masked": (damp_masked, (rng.standard_normal(200_000 // s), rng.standard_normal(200_000 // s), 10)),
        "rotate_points": (rotate_points, (rng.standard_normal((5000 // s, 3, 3)), rng.standard_normal((5000 // s, 3, 4)))),
        "normalise_rows": (normalise_rows, (rng.standard_normal((2000 // s, 300)),)),
        "gauss_kernel": (gauss_kernel, (rng.standard_normal(1000 // s), rng.standard_normal(800 // s), 0.5)),
        # added in session 17 (last, so the inputs above are drawn as before)
        "histogram_few_bins": (histogram_few_bins, (rng.uniform(0.0, 1.0, 2_000_000 // s),)),
        "histogram_loop": (histogram_loop, (rng.standard_normal(200_000 // s), -5.0, 5.0, 100)),
        # added in session 34
        "named_steps_rms": (named_steps_rms, (rng.standard_normal(2_000_000 // s), rng.standard_normal(2_000_000 // s))),
        "named_steps_rows": (named_steps_rows, (rng.standard_normal((2000 // s, 300)), rng.standard_normal(300),
                                                rng.uniform(0.5, 2.0, 300))),
        # added in session 51
        "log_likelihood": (log_likelihood, (rng.uniform(0.01, 1.0, (400 // s, 2000)), rng.standard_normal((400 // s, 2000)))),
        # added in session 53
        "outer_maths": (outer_maths, (rng.standard_normal(1000 // s), rng.standard_normal(800 // s))),
        "scale_columns": (scale_columns, (rng.standard_normal((2000 // s, 300)), rng.uniform(0.1, 2.0, 300))),
    }


# ------------------------------------------------------------------ measuring


def agree(got, ref):
    if isinstance(ref, tuple):
        return isinstance(got, tuple) and len(got) == len(ref) and all(agree(g, r) for g, r in zip(got, ref))
    got, ref = np.asarray(got), np.asarray(ref)
    if got.shape != ref.shape:
        return False
    if ref.dtype.kind in "iub":
        return bool(np.array_equal(got, ref))
    return bool(np.allclose(got, ref, rtol=1e-9, atol=1e-12, equal_nan=True))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--kernels", default="")
    ap.add_argument("--repeats", type=int, default=0, help="interleaved repeats per backend (default 11, quick 3)")
    ap.add_argument("--backends", default="ember,numba,numpy")
    a = ap.parse_args()
    inputs = make_inputs(a.quick)
    names = list(inputs) if not a.kernels else a.kernels.split(",")
    unknown = set(names) - set(inputs)
    if unknown:
        ap.error(f"unknown kernels {sorted(unknown)}; known: {', '.join(inputs)}")
    backends = a.backends.split(",")
    jits = {}
    if "ember" in backends:
        import ember
        jits["ember"] = ember.njit
    if "numba" in backends:
        import numba
        jits["numba"] = numba.njit
    repeats = a.repeats or (3 if a.quick else 11)

    rows = []
    for name in names:
        fn, args = inputs[name]
        ref = fn(*args)
        fns, cells = {}, {}
        for b in backends:
            f = fn if b == "numpy" else jits[b](fn)
            try:
                got = f(*args)
            except Exception as exc:  # noqa: BLE001 -- report and go on
                cells[b] = "unsupported: " + f"{type(exc).__name__}: {(str(exc).splitlines() or [''])[0]}"[:80]
                continue
            if not agree(got, ref):
                cells[b] = "differs"
                continue
            fns[b] = f
        best = {b: math.inf for b in fns}
        runs = {b: [] for b in fns}
        for _ in range(repeats):
            for b, f in fns.items():
                runs[b].append(best_time(f, args, 1))
                best[b] = min(best[b], runs[b][-1])
        # a ratio is the median of the ratios of each repeat's adjacent measurements: load that
        # hits one repeat hits its backends alike, and the median drops repeats it hit unevenly
        for x, y in (("ember", "numpy"), ("ember", "numba")):
            if x in runs and y in runs:
                best[x + "/" + y] = statistics.median(a / b for a, b in zip(runs[x], runs[y]))
        rows.append((name, best, cells))
        print(f"  {name}: " + ", ".join(f"{b} {t * 1e3:.3f} ms" for b, t in best.items() if "/" not in b), file=sys.stderr, flush=True)

    def ratio(best, x, y):
        return best.get(x + "/" + y)

    print(f"# NumPy-style kernels ({'quick' if a.quick else 'full'}), {time.strftime('%Y-%m-%d %H:%M')}")
    print(f"`python {' '.join(sys.argv)}`; NumPy {np.__version__}; {os.cpu_count()} CPUs; "
          f"load average {os.getloadavg()[0]:.1f}; {repeats} interleaved repeats: times the best, ratios the median of "
          f"each repeat's ratio\n")
    print("| kernel | ember ms | numba ms | NumPy ms | ember/NumPy | ember/numba |")
    print("|---|---:|---:|---:|---:|---:|")
    geo = {"numpy": [], "numba": []}
    for name, best, cells in rows:
        ms = [f"{best[b] * 1e3:.3f}" if b in best else cells.get(b, "-") for b in ("ember", "numba", "numpy")]
        rs = []
        for other in ("numpy", "numba"):
            r = ratio(best, "ember", other)
            rs.append("-" if r is None else f"{r:.2f}")
            if r is not None:
                geo[other].append(r)
        print(f"| {name} | {' | '.join(ms)} | {' | '.join(rs)} |")
    gm = {k: math.exp(sum(map(math.log, v)) / len(v)) if v else float("nan") for k, v in geo.items()}
    print(f"| geomean | | | | {gm['numpy']:.2f} | {gm['numba']:.2f} |")
    worst = max(((r, n) for (n, best, _), r in zip(rows, [ratio(b, 'ember', 'numpy') for _, b, _ in rows]) if r),
                default=None)
    if worst:
        print(f"\nslowest against NumPy: {worst[1]} ({worst[0]:.2f})")


if __name__ == "__main__":
    main()
