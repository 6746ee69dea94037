#!/usr/bin/env python3
"""Loop kernels against numba: 45 kernels written the way Numba users write them.

Dynamic programming (floyd_warshall, nussinov, levenshtein, lcs, knapsack, sieve), linear algebra
in loops (lu, cholesky, trisolv, durbin, gramschmidt, syrk, syr2k, symm, trmm), stencils and
solvers (deriche in float32, adi, heat_3d, fdtd_2d, jacobi_1d, seidel_2d), sparse, particle and
binning loops (spmv_csr, nbody, azimint, pic_deposit, kmeans_assign), NumPy calls and complex
numbers in loops (softmax_rows, conv2d_bias in float32, fft_radix2, arc_distance, go_fast,
mandelbrot, horner, monte_carlo), scans, sorts and images (prefix_scan, insertion_sort,
quicksort_rec, bilinear_resize, median3_filter, cumsum_2d, welford), three prange kernels.
They are in the style of the public suites (NPBench, Polybench, Numba's examples), each written
for ember's bench (session 25): a suite ember was not tuned on, to find the loop classes where it
trails numba.

Each kernel is source text exec'd in three namespaces, CPython (prange = range), ember and
numba (every function of the source wrapped in that backend's njit, prange its prange), so
helpers, recursion and prange resolve to the right backend.

    python bench/bench_loops_numba.py --check [--kernels a,b]   # small sizes: ember, numba, CPython agree
    python bench/bench_loops_numba.py [--kernels a,b] [--small] # ember vs numba, steady state
"""
import argparse
import math
import sys
import textwrap
import time
import types
import warnings

import numpy as np

import ember
import numba

# ---------------------------------------------------------------------------
# registry
# ---------------------------------------------------------------------------
def registry(new_ns):
    """A suite's kernel list, its META, and its kernel() and build(): new_ns(backend) is the
    namespace a kernel's source runs in for "python", "ember" or "numba"."""
    kernels = []   # (name, python_function, make_args)
    meta_of = {}   # name -> dict(src=..., parallel=..., mutates=..., stat_atol=...)

    def kernel(name, src, make_args, parallel=False, mutates=False, stat_atol=None, fastmath=False):
        """Register a kernel. `src` defines a function called `name` plus any helpers (fastmath:
        each compiled with fastmath=True)."""
        src = textwrap.dedent(src)
        ns = new_ns("python")
        exec(compile(src, "<kernel %s>" % name, "exec"), ns)
        kernels.append((name, ns[name], make_args))
        meta_of[name] = dict(src=src, parallel=parallel, mutates=mutates, stat_atol=stat_atol, fastmath=fastmath)

    def build(name, backend):
        """Return the jitted entry function of kernel `name` for backend 'ember' or 'numba'."""
        mod = ember if backend == "ember" else numba
        meta = meta_of[name]
        ns = new_ns(backend)
        exec(compile(meta["src"], "<kernel %s/%s>" % (name, backend), "exec"), ns)
        funcs = [k for k, v in list(ns.items())
                 if isinstance(v, types.FunctionType) and v.__globals__ is ns]
        # replace every function defined by the source with its jitted dispatcher, so that
        # helper and recursive calls are looked up as dispatchers at compile time
        for k in funcs:
            opts = dict(fastmath=True) if meta["fastmath"] else {}
            if k == name and meta["parallel"]:
                opts["parallel"] = True
            ns[k] = mod.njit(**opts)(ns[k])
        return ns[name]

    return kernels, meta_of, kernel, build


def _new_ns(backend):
    prange = {"python": range, "ember": ember.prange, "numba": numba.prange}[backend]
    return {"np": np, "math": math, "prange": prange, "__name__": __name__}


KERNELS, META, kernel, build = registry(_new_ns)


def _rng(seed=0):
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------
# dynamic programming / graph
# ---------------------------------------------------------------------------
def _a_floyd(small):
    n = 12 if small else 150
    r = _rng(1)
    d = r.integers(1, 100, (n, n)).astype(np.int64)
    d[r.random((n, n)) < 0.5] = 10 ** 9      # many missing edges
    np.fill_diagonal(d, 0)
    return (d,)


kernel("floyd_warshall", """
def floyd_warshall(d):
    n = d.shape[0]
    for k in range(n):
        for i in range(n):
            dik = d[i, k]
            for j in range(n):
                alt = dik + d[k, j]
                if alt < d[i, j]:
                    d[i, j] = alt
    return d
""", _a_floyd, mutates=True)


def _a_nussinov(small):
    n = 16 if small else 180
    return (_rng(2).integers(0, 4, n).astype(np.int8),)


kernel("nussinov", """
def nussinov(seq):
    # seq: 0=A 1=C 2=G 3=U ; A-U and C-G pair (codes sum to 3)
    n = seq.shape[0]
    tab = np.zeros((n, n), dtype=np.int32)
    for i in range(n - 1, -1, -1):
        for j in range(i + 1, n):
            best = tab[i, j - 1]
            if i + 1 < n and tab[i + 1, j] > best:
                best = tab[i + 1, j]
            pair = 1 if seq[i] + seq[j] == 3 else 0
            if j - i > 1:
                cand = tab[i + 1, j - 1] + pair
            else:
                cand = pair
            if cand > best:
                best = cand
            for k in range(i + 1, j):
                cand = tab[i, k] + tab[k + 1, j]
                if cand > best:
                    best = cand
            tab[i, j] = best
    return tab
""", _a_nussinov)


def _a_lev(small):
    n, m = (25, 31) if small else (1200, 1100)
    r = _rng(3)
    return (r.integers(0, 6, n).astype(np.int32), r.integers(0, 6, m).astype(np.int32))


kernel("levenshtein", """
def levenshtein(a, b):
    n = a.shape[0]
    m = b.shape[0]
    prev = np.arange(m + 1)
    cur = np.empty(m + 1, dtype=np.int64)
    for i in range(1, n + 1):
        cur[0] = i
        ai = a[i - 1]
        for j in range(1, m + 1):
            cost = 0 if ai == b[j - 1] else 1
            v = prev[j] + 1
            w = cur[j - 1] + 1
            if w < v:
                v = w
            w = prev[j - 1] + cost
            if w < v:
                v = w
            cur[j] = v
        prev, cur = cur, prev
    return prev
""", _a_lev)


def _a_lcs(small):
    n, m = (20, 27) if small else (1000, 1000)
    r = _rng(4)
    alpha = np.frombuffer(b"ACGT", dtype=np.uint8)
    return (alpha[r.integers(0, 4, n)], alpha[r.integers(0, 4, m)])


kernel("lcs", """
def lcs(a, b):
    n = a.shape[0]
    m = b.shape[0]
    L = np.zeros((n + 1, m + 1), dtype=np.int32)
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            if a[i - 1] == b[j - 1]:
                L[i, j] = L[i - 1, j - 1] + 1
            elif L[i - 1, j] >= L[i, j - 1]:
                L[i, j] = L[i - 1, j]
            else:
                L[i, j] = L[i, j - 1]
    return L[n].copy()
""", _a_lcs)


def _a_knap(small):
    n, cap = (8, 60) if small else (150, 10000)
    r = _rng(5)
    w = r.integers(1, 30 if small else 400, n).astype(np.int64)
    v = r.integers(1, 1000, n).astype(np.int64)
    return (w, v, cap)


kernel("knapsack", """
def knapsack(weights, values, cap):
    dp = np.zeros(cap + 1, dtype=np.int64)
    for i in range(weights.shape[0]):
        w = weights[i]
        v = values[i]
        for c in range(cap, w - 1, -1):
            cand = dp[c - w] + v
            if cand > dp[c]:
                dp[c] = cand
    return dp
""", _a_knap)


kernel("sieve", """
def sieve(n):
    is_p = np.ones(n + 1, dtype=np.uint8)
    is_p[0] = 0
    is_p[1] = 0
    i = 2
    while i * i <= n:
        if is_p[i]:
            for j in range(i * i, n + 1, i):
                is_p[j] = 0
        i += 1
    return is_p
""", lambda small: (200 if small else 1_000_000,))


# ---------------------------------------------------------------------------
# dense linear algebra in loops
# ---------------------------------------------------------------------------
def _a_lu(small):
    n = 10 if small else 160
    a = _rng(6).random((n, n)) + n * np.eye(n)
    return (a,)


kernel("lu", """
def lu(a):
    n = a.shape[0]
    for i in range(n):
        for j in range(i):
            s = a[i, j]
            for k in range(j):
                s -= a[i, k] * a[k, j]
            a[i, j] = s / a[j, j]
        for j in range(i, n):
            s = a[i, j]
            for k in range(i):
                s -= a[i, k] * a[k, j]
            a[i, j] = s
    return a
""", _a_lu, mutates=True)


def _a_chol(small):
    n = 10 if small else 200
    b = _rng(7).random((n, n))
    return (b @ b.T + n * np.eye(n),)


kernel("cholesky", """
def cholesky(a):
    n = a.shape[0]
    L = np.zeros_like(a)
    for i in range(n):
        for j in range(i + 1):
            s = a[i, j]
            for k in range(j):
                s -= L[i, k] * L[j, k]
            if i == j:
                L[i, i] = np.sqrt(s)
            else:
                L[i, j] = s / L[j, j]
    return L
""", _a_chol)


def _a_trisolv(small):
    n = 12 if small else 1500
    r = _rng(8)
    L = np.tril(r.random((n, n))) + n * np.eye(n)
    return (L, r.random(n))


kernel("trisolv", """
def trisolv(L, b):
    n = b.shape[0]
    x = np.empty_like(b)
    for i in range(n):
        s = b[i]
        for j in range(i):
            s -= L[i, j] * x[j]
        x[i] = s / L[i, i]
    return x
""", _a_trisolv)


def _a_durbin(small):
    n = 12 if small else 1200
    r = 0.6 ** np.arange(1, n + 1) * (1.0 + 0.05 * _rng(9).random(n))
    return (r,)


kernel("durbin", """
def durbin(r):
    n = r.shape[0]
    y = np.zeros(n)
    z = np.zeros(n)
    y[0] = -r[0]
    beta = 1.0
    alpha = -r[0]
    for k in range(1, n):
        beta = (1.0 - alpha * alpha) * beta
        s = 0.0
        for i in range(k):
            s += r[k - i - 1] * y[i]
        alpha = -(r[k] + s) / beta
        for i in range(k):
            z[i] = y[i] + alpha * y[k - i - 1]
        y[:k] = z[:k]
        y[k] = alpha
    return y
""", _a_durbin)


def _a_gs(small):
    m, n = (12, 8) if small else (160, 120)
    return (_rng(10).random((m, n)),)


kernel("gramschmidt", """
def gramschmidt(A_in):
    A = A_in.copy()
    m, n = A.shape
    Q = np.zeros((m, n))
    R = np.zeros((n, n))
    for k in range(n):
        nrm = 0.0
        for i in range(m):
            nrm += A[i, k] * A[i, k]
        R[k, k] = np.sqrt(nrm)
        for i in range(m):
            Q[i, k] = A[i, k] / R[k, k]
        for j in range(k + 1, n):
            s = 0.0
            for i in range(m):
                s += Q[i, k] * A[i, j]
            R[k, j] = s
            for i in range(m):
                A[i, j] -= Q[i, k] * s
    return Q, R
""", _a_gs)


def _a_syrk(small):
    n, m = (10, 8) if small else (150, 120)
    r = _rng(11)
    return (1.5, 1.2, r.random((n, n)), r.random((n, m)))


kernel("syrk", """
def syrk(alpha, beta, C, A):
    n, m = A.shape
    for i in range(n):
        for j in range(i + 1):
            C[i, j] *= beta
        for k in range(m):
            for j in range(i + 1):
                C[i, j] += alpha * A[i, k] * A[j, k]
    return C
""", _a_syrk, mutates=True)


def _a_syr2k(small):
    n, m = (10, 8) if small else (120, 100)
    r = _rng(12)
    return (1.5, 1.2, r.random((n, n)), r.random((n, m)), r.random((n, m)))


kernel("syr2k", """
def syr2k(alpha, beta, C, A, B):
    n, m = A.shape
    for i in range(n):
        for j in range(i + 1):
            C[i, j] *= beta
        for k in range(m):
            for j in range(i + 1):
                C[i, j] += A[j, k] * alpha * B[i, k] + B[j, k] * alpha * A[i, k]
    return C
""", _a_syr2k, mutates=True)


def _a_symm(small):
    m, n = (9, 11) if small else (140, 160)
    r = _rng(13)
    return (1.5, 1.2, r.random((m, n)), r.random((m, m)), r.random((m, n)))


kernel("symm", """
def symm(alpha, beta, C, A, B):
    m, n = C.shape
    for i in range(m):
        for j in range(n):
            t = 0.0
            for k in range(i):
                C[k, j] += alpha * B[i, j] * A[i, k]
                t += B[k, j] * A[i, k]
            C[i, j] = beta * C[i, j] + alpha * B[i, j] * A[i, i] + alpha * t
    return C
""", _a_symm, mutates=True)


def _a_trmm(small):
    m, n = (9, 11) if small else (150, 150)
    r = _rng(14)
    return (1.5, r.random((m, m)), r.random((m, n)))


kernel("trmm", """
def trmm(alpha, A, B):
    m, n = B.shape
    for i in range(m):
        for j in range(n):
            for k in range(i + 1, m):
                B[i, j] += A[k, i] * B[k, j]
            B[i, j] = alpha * B[i, j]
    return B
""", _a_trmm, mutates=True)


# ---------------------------------------------------------------------------
# stencils / PDE solvers
# ---------------------------------------------------------------------------
def _a_deriche(small):
    w, h = (12, 10) if small else (320, 320)
    return (_rng(15).random((w, h)).astype(np.float32), 0.25)


kernel("deriche", """
def deriche(img, alpha):
    w, h = img.shape
    ea = np.exp(-alpha)
    e2a = np.exp(-2.0 * alpha)
    k = (1.0 - ea) * (1.0 - ea) / (1.0 + 2.0 * alpha * ea - e2a)
    a1 = np.float32(k)
    a2 = np.float32(k * ea * (alpha - 1.0))
    a3 = np.float32(k * ea * (alpha + 1.0))
    a4 = np.float32(-k * e2a)
    b1 = np.float32(2.0 ** (-alpha))
    b2 = np.float32(-e2a)
    c1 = np.float32(1.0)
    zero = np.float32(0.0)
    y1 = np.empty((w, h), dtype=np.float32)
    y2 = np.empty((w, h), dtype=np.float32)
    out = np.empty((w, h), dtype=np.float32)
    for i in range(w):
        ym1 = zero
        ym2 = zero
        xm1 = zero
        for j in range(h):
            y1[i, j] = a1 * img[i, j] + a2 * xm1 + b1 * ym1 + b2 * ym2
            xm1 = img[i, j]
            ym2 = ym1
            ym1 = y1[i, j]
    for i in range(w):
        yp1 = yp2 = xp1 = xp2 = zero
        for j in range(h - 1, -1, -1):
            y2[i, j] = a3 * xp1 + a4 * xp2 + b1 * yp1 + b2 * yp2
            xp2 = xp1
            xp1 = img[i, j]
            yp2 = yp1
            yp1 = y2[i, j]
    for i in range(w):
        for j in range(h):
            out[i, j] = c1 * (y1[i, j] + y2[i, j])
    for j in range(h):
        tm1 = ym1 = ym2 = zero
        for i in range(w):
            y1[i, j] = a1 * out[i, j] + a2 * tm1 + b1 * ym1 + b2 * ym2
            tm1 = out[i, j]
            ym2 = ym1
            ym1 = y1[i, j]
    for j in range(h):
        tp1 = tp2 = yp1 = yp2 = zero
        for i in range(w - 1, -1, -1):
            y2[i, j] = a3 * tp1 + a4 * tp2 + b1 * yp1 + b2 * yp2
            tp2 = tp1
            tp1 = out[i, j]
            yp2 = yp1
            yp1 = y2[i, j]
    for i in range(w):
        for j in range(h):
            out[i, j] = c1 * (y1[i, j] + y2[i, j])
    return out
""", _a_deriche)


def _a_adi(small):
    n, t = (10, 2) if small else (160, 4)
    return (_rng(16).random((n, n)), t, 0.4)


kernel("adi", """
def adi(u, tsteps, r):
    # Peaceman-Rachford style: implicit along rows, then along columns (Thomas algorithm)
    n = u.shape[0]
    a = -r
    b = 1.0 + 2.0 * r
    c = -r
    cp = np.empty(n)
    dp = np.empty(n)
    v = np.empty_like(u)
    for t in range(tsteps):
        v[0, :] = u[0, :]
        v[n - 1, :] = u[n - 1, :]
        for i in range(1, n - 1):
            cp[0] = 0.0
            dp[0] = u[i, 0]
            for j in range(1, n - 1):
                rhs = u[i, j] + r * (u[i - 1, j] - 2.0 * u[i, j] + u[i + 1, j])
                den = b - a * cp[j - 1]
                cp[j] = c / den
                dp[j] = (rhs - a * dp[j - 1]) / den
            v[i, 0] = u[i, 0]
            v[i, n - 1] = u[i, n - 1]
            for j in range(n - 2, 0, -1):
                v[i, j] = dp[j] - cp[j] * v[i, j + 1]
        u[:, 0] = v[:, 0]
        u[:, n - 1] = v[:, n - 1]
        for j in range(1, n - 1):
            cp[0] = 0.0
            dp[0] = v[0, j]
            for i in range(1, n - 1):
                rhs = v[i, j] + r * (v[i, j - 1] - 2.0 * v[i, j] + v[i, j + 1])
                den = b - a * cp[i - 1]
                cp[i] = c / den
                dp[i] = (rhs - a * dp[i - 1]) / den
            u[0, j] = v[0, j]
            u[n - 1, j] = v[n - 1, j]
            for i in range(n - 2, 0, -1):
                u[i, j] = dp[i] - cp[i] * u[i + 1, j]
    return u
""", _a_adi, mutates=True)


def _a_heat3d(small):
    n, t = (8, 2) if small else (40, 5)
    A = _rng(17).random((n, n, n))
    return (A, A.copy(), t)


kernel("heat_3d", """
def heat_3d(A, B, tsteps):
    n = A.shape[0]
    for t in range(tsteps):
        for i in range(1, n - 1):
            for j in range(1, n - 1):
                for k in range(1, n - 1):
                    B[i, j, k] = (0.125 * (A[i + 1, j, k] - 2.0 * A[i, j, k] + A[i - 1, j, k])
                                  + 0.125 * (A[i, j + 1, k] - 2.0 * A[i, j, k] + A[i, j - 1, k])
                                  + 0.125 * (A[i, j, k + 1] - 2.0 * A[i, j, k] + A[i, j, k - 1])
                                  + A[i, j, k])
        for i in range(1, n - 1):
            for j in range(1, n - 1):
                for k in range(1, n - 1):
                    A[i, j, k] = (0.125 * (B[i + 1, j, k] - 2.0 * B[i, j, k] + B[i - 1, j, k])
                                  + 0.125 * (B[i, j + 1, k] - 2.0 * B[i, j, k] + B[i, j - 1, k])
                                  + 0.125 * (B[i, j, k + 1] - 2.0 * B[i, j, k] + B[i, j, k - 1])
                                  + B[i, j, k])
    return A
""", _a_heat3d, mutates=True)


def _a_fdtd(small):
    nx, ny, t = (10, 12, 3) if small else (250, 250, 10)
    r = _rng(18)
    return (r.random((nx, ny)), r.random((nx, ny)), r.random((nx, ny)), r.random(t))


kernel("fdtd_2d", """
def fdtd_2d(ex, ey, hz, fict):
    nx, ny = ex.shape
    for t in range(fict.shape[0]):
        for j in range(ny):
            ey[0, j] = fict[t]
        for i in range(1, nx):
            for j in range(ny):
                ey[i, j] -= 0.5 * (hz[i, j] - hz[i - 1, j])
        for i in range(nx):
            for j in range(1, ny):
                ex[i, j] -= 0.5 * (hz[i, j] - hz[i, j - 1])
        for i in range(nx - 1):
            for j in range(ny - 1):
                hz[i, j] -= 0.7 * (ex[i, j + 1] - ex[i, j] + ey[i + 1, j] - ey[i, j])
    return ex, ey, hz
""", _a_fdtd, mutates=True)


def _a_jac1d(small):
    n, t = (20, 3) if small else (30000, 40)
    A = _rng(19).random(n)
    return (A, A.copy(), t)


kernel("jacobi_1d", """
def jacobi_1d(A, B, tsteps):
    n = A.shape[0]
    for t in range(tsteps):
        for i in range(1, n - 1):
            B[i] = (A[i - 1] + A[i] + A[i + 1]) / 3.0
        for i in range(1, n - 1):
            A[i] = (B[i - 1] + B[i] + B[i + 1]) / 3.0
    return A
""", _a_jac1d, mutates=True)


def _a_seidel(small):
    n, t = (10, 2) if small else (160, 4)
    return (_rng(20).random((n, n)), t)


kernel("seidel_2d", """
def seidel_2d(A, tsteps):
    n = A.shape[0]
    for t in range(tsteps):
        for i in range(1, n - 1):
            for j in range(1, n - 1):
                A[i, j] = (A[i - 1, j - 1] + A[i - 1, j] + A[i - 1, j + 1]
                           + A[i, j - 1] + A[i, j] + A[i, j + 1]
                           + A[i + 1, j - 1] + A[i + 1, j] + A[i + 1, j + 1]) / 9.0
    return A
""", _a_seidel, mutates=True)


# ---------------------------------------------------------------------------
# sparse / particles / binning
# ---------------------------------------------------------------------------
def _a_spmv(small):
    n = 40 if small else 30000
    r = _rng(21)
    per_row = r.integers(5, 26, n)
    indptr = np.zeros(n + 1, dtype=np.int64)
    indptr[1:] = np.cumsum(per_row)
    nnz = int(indptr[-1])
    indices = r.integers(0, n, nnz).astype(np.int32)
    return (indptr, indices, r.standard_normal(nnz), r.standard_normal(n))


kernel("spmv_csr", """
def spmv_csr(indptr, indices, data, x):
    n = indptr.shape[0] - 1
    y = np.zeros(n)
    for i in range(n):
        s = 0.0
        for p in range(indptr[i], indptr[i + 1]):
            s += data[p] * x[indices[p]]
        y[i] = s
    return y
""", _a_spmv)


def _a_nbody(small):
    n = 12 if small else 500
    r = _rng(22)
    return (r.standard_normal((n, 3)), 0.1 * r.standard_normal((n, 3)), r.random(n) + 0.5, 0.01, 0.05)


kernel("nbody_step", """
def nbody_step(pos, vel, mass, dt, soft):
    n = pos.shape[0]
    acc = np.zeros_like(pos)
    for i in range(n):
        ax = 0.0
        ay = 0.0
        az = 0.0
        for j in range(n):
            if i != j:
                dx = pos[j, 0] - pos[i, 0]
                dy = pos[j, 1] - pos[i, 1]
                dz = pos[j, 2] - pos[i, 2]
                r2 = dx * dx + dy * dy + dz * dz + soft * soft
                inv = mass[j] / (r2 * np.sqrt(r2))
                ax += dx * inv
                ay += dy * inv
                az += dz * inv
        acc[i, 0] = ax
        acc[i, 1] = ay
        acc[i, 2] = az
    vel += acc * dt
    pos += vel * dt
    return pos, vel
""", _a_nbody, mutates=True)


def _a_nbody_pr(small):
    n = 12 if small else 1000
    r = _rng(23)
    return (r.standard_normal((n, 3)), r.random(n) + 0.5, 0.05)


kernel("nbody_accel_prange", """
def nbody_accel_prange(pos, mass, soft):
    n = pos.shape[0]
    acc = np.empty((n, 3))
    for i in prange(n):
        ax = 0.0
        ay = 0.0
        az = 0.0
        xi = pos[i, 0]
        yi = pos[i, 1]
        zi = pos[i, 2]
        for j in range(n):
            dx = pos[j, 0] - xi
            dy = pos[j, 1] - yi
            dz = pos[j, 2] - zi
            r2 = dx * dx + dy * dy + dz * dz + soft * soft
            inv = mass[j] / (r2 * math.sqrt(r2))
            ax += dx * inv
            ay += dy * inv
            az += dz * inv
        acc[i, 0] = ax
        acc[i, 1] = ay
        acc[i, 2] = az
    return acc
""", _a_nbody_pr, parallel=True)


def _a_azimint(small):
    n, npt = (500, 8) if small else (200000, 100)
    r = _rng(24)
    return (r.random(n), r.random(n) * 10.0, npt)


kernel("azimint_hist", """
def azimint_hist(data, radius, npt):
    rmax = radius.max()
    sums = np.zeros(npt)
    counts = np.zeros(npt, dtype=np.int64)
    for i in range(data.shape[0]):
        b = int(radius[i] / rmax * npt)
        if b >= npt:
            b = npt - 1
        sums[b] += data[i]
        counts[b] += 1
    res = np.zeros(npt)
    for b in range(npt):
        if counts[b] > 0:
            res[b] = sums[b] / counts[b]
    return res
""", _a_azimint)


def _a_azimint_m(small):
    n, npt = (500, 8) if small else (40000, 40)
    r = _rng(25)
    return (r.random(n), r.random(n) * 10.0, npt)


kernel("azimint_masks", """
def azimint_masks(data, radius, npt):
    rmax = radius.max()
    res = np.zeros(npt)
    for i in range(npt):
        r1 = rmax * i / npt
        r2 = rmax * (i + 1) / npt
        mask = (r1 <= radius) & (radius < r2)
        if i == npt - 1:
            mask = (r1 <= radius) & (radius <= r2)
        vals = data[mask]
        if vals.size > 0:
            res[i] = np.mean(vals)
    return res
""", _a_azimint_m)


def _a_pic(small):
    n, ng = (300, 8) if small else (150000, 64)
    r = _rng(26)
    L = 2.0
    return (r.uniform(-L, 2 * L, n), r.uniform(-L, 2 * L, n), r.random(n), ng, L)


kernel("pic_deposit", """
def pic_deposit(px, py, q, ng, L):
    # 2-D cloud-in-cell charge deposit on a periodic grid (particles may lie outside [0, L))
    rho = np.zeros((ng, ng))
    dx = L / ng
    for p in range(px.shape[0]):
        gx = px[p] / dx
        gy = py[p] / dx
        ix = int(np.floor(gx))
        iy = int(math.floor(gy))
        fx = gx - ix
        fy = gy - iy
        i0 = ix % ng
        i1 = (ix + 1) % ng
        j0 = iy % ng
        j1 = (iy + 1) % ng
        w = q[p]
        rho[i0, j0] += w * (1.0 - fx) * (1.0 - fy)
        rho[i1, j0] += w * fx * (1.0 - fy)
        rho[i0, j1] += w * (1.0 - fx) * fy
        rho[i1, j1] += w * fx * fy
    return rho / (dx * dx)
""", _a_pic)


def _a_kmeans(small):
    n, k = (60, 4) if small else (20000, 12)
    X = _rng(27).standard_normal((n, 3))
    return (X, X[:k].copy())


kernel("kmeans_assign", """
def kmeans_assign(X, C):
    n, d = X.shape
    k = C.shape[0]
    labels = np.empty(n, dtype=np.int64)
    sums = np.zeros((k, d))
    counts = np.zeros(k, dtype=np.int64)
    for i in range(n):
        best = np.inf
        bi = 0
        for c in range(k):
            dist = 0.0
            for t in range(d):
                diff = X[i, t] - C[c, t]
                dist += diff * diff
            if dist < best:
                best = dist
                bi = c
        labels[i] = bi
        counts[bi] += 1
        for t in range(d):
            sums[bi, t] += X[i, t]
    newC = np.empty_like(C)
    for c in range(k):
        if counts[c] > 0:
            newC[c] = sums[c] / counts[c]
        else:
            newC[c] = C[c]
    return labels, newC
""", _a_kmeans)


# ---------------------------------------------------------------------------
# numpy calls inside loops, transcendental, complex
# ---------------------------------------------------------------------------
def _a_softmax(small):
    n, m = (6, 9) if small else (400, 512)
    return (_rng(28).standard_normal((n, m)) * 3.0,)


kernel("softmax_rows", """
def softmax_rows(x):
    n, m = x.shape
    out = np.empty_like(x)
    for i in range(n):
        mx = np.max(x[i])
        e = np.exp(x[i] - mx)
        out[i] = e / np.sum(e)
    return out
""", _a_softmax)


def _a_conv(small):
    cin, cout, H, W = (2, 3, 7, 8) if small else (8, 8, 48, 48)
    r = _rng(29)
    return (r.standard_normal((cin, H, W)).astype(np.float32),
            r.standard_normal((cout, cin, 3, 3)).astype(np.float32),
            r.standard_normal(cout).astype(np.float32))


kernel("conv2d_bias", """
def conv2d_bias(x, w, b):
    cin, H, W = x.shape
    cout = w.shape[0]
    kh = w.shape[2]
    kw = w.shape[3]
    Ho = H - kh + 1
    Wo = W - kw + 1
    out = np.empty((cout, Ho, Wo), dtype=np.float32)
    zero = np.float32(0.0)
    for co in range(cout):
        for i in range(Ho):
            for j in range(Wo):
                s = b[co]
                for ci in range(cin):
                    for u in range(kh):
                        for v in range(kw):
                            s += x[ci, i + u, j + v] * w[co, ci, u, v]
                if s < zero:
                    s = zero
                out[co, i, j] = s
    return out
""", _a_conv)


def _a_fft(small):
    n = 16 if small else 1 << 15
    r = _rng(30)
    return (r.standard_normal(n) + 1j * r.standard_normal(n),)


kernel("fft_radix2", """
def fft_radix2(x):
    n = x.shape[0]
    a = x.copy()
    j = 0
    for i in range(1, n):
        bit = n >> 1
        while j & bit:
            j ^= bit
            bit >>= 1
        j |= bit
        if i < j:
            t = a[i]
            a[i] = a[j]
            a[j] = t
    m = 2
    while m <= n:
        half = m // 2
        tw = np.exp(-2j * np.pi * np.arange(half) / m)
        for k in range(0, n, m):
            for jj in range(half):
                t = tw[jj] * a[k + jj + half]
                u = a[k + jj]
                a[k + jj] = u + t
                a[k + jj + half] = u - t
        m *= 2
    return a
""", _a_fft)


_HAV = """
def _hav(lat1, lon1, lat2, lon2):
    dlat = lat2 - lat1
    dlon = lon2 - lon1
    h = np.sin(dlat / 2.0) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin(dlon / 2.0) ** 2
    return 2.0 * np.arcsin(np.sqrt(h))
"""


def _a_arc(small):
    n = 50 if small else 100000
    r = _rng(31)
    return (r.uniform(-1.5, 1.5, n), r.uniform(-3.1, 3.1, n), r.uniform(-1.5, 1.5, n), r.uniform(-3.1, 3.1, n))


kernel("arc_distance", _HAV + """
def arc_distance(t0, p0, t1, p1):
    n = t0.shape[0]
    out = np.empty(n)
    for i in range(n):
        out[i] = 6371.0 * _hav(t0[i], p0[i], t1[i], p1[i])
    return out
""", _a_arc)


def _a_arc_pr(small):
    n = 50 if small else 200000
    r = _rng(32)
    return (r.uniform(-1.5, 1.5, n), r.uniform(-3.1, 3.1, n), r.uniform(-1.5, 1.5, n), r.uniform(-3.1, 3.1, n))


kernel("arc_distance_prange_sum", _HAV + """
def arc_distance_prange_sum(t0, p0, t1, p1):
    total = 0.0
    for i in prange(t0.shape[0]):
        total += 6371.0 * _hav(t0[i], p0[i], t1[i], p1[i])
    return total
""", _a_arc_pr, parallel=True)


kernel("go_fast", """
def go_fast(a):
    trace = 0.0
    for i in range(a.shape[0]):
        trace += np.tanh(a[i, i])
    return a + trace
""", lambda small: (_rng(33).random((8, 8) if small else (1000, 1000)),))


kernel("mandelbrot", """
def _escape(c, maxiter):
    z = 0j
    for k in range(maxiter):
        z = z * z + c
        if z.real * z.real + z.imag * z.imag > 4.0:
            return k
    return maxiter

def mandelbrot(xmin, xmax, ymin, ymax, w, h, maxiter):
    out = np.empty((h, w), dtype=np.int32)
    for i in range(h):
        y = ymin + (ymax - ymin) * i / (h - 1)
        for j in range(w):
            x = xmin + (xmax - xmin) * j / (w - 1)
            out[i, j] = _escape(complex(x, y), maxiter)
    return out
""", lambda small: (-2.0, 0.6, -1.2, 1.2) + ((16, 12, 40) if small else (240, 180, 100)))


kernel("mandelbrot_prange", """
def mandelbrot_prange(xmin, xmax, ymin, ymax, w, h, maxiter):
    out = np.zeros((h, w), dtype=np.uint16)
    for i in prange(h):
        cy = ymin + (ymax - ymin) * i / (h - 1)
        for j in range(w):
            c = complex(xmin + (xmax - xmin) * j / (w - 1), cy)
            z = 0j
            n = 0
            while n < maxiter and z.real * z.real + z.imag * z.imag <= 4.0:
                z = z * z + c
                n += 1
            out[i, j] = n
    return out
""", lambda small: (-2.0, 0.6, -1.2, 1.2) + ((16, 12, 40) if small else (480, 360, 100)), parallel=True)


def _a_horner(small):
    n, deg = (30, 6) if small else (100000, 16)
    r = _rng(34)
    return (r.random(deg), r.random(n))


kernel("horner", """
def horner(coef, x):
    out = np.empty_like(x)
    deg = coef.shape[0]
    for i in range(x.shape[0]):
        xi = x[i]
        acc = coef[deg - 1]
        for k in range(deg - 2, -1, -1):
            acc = acc * xi + coef[k]
        out[i] = acc
    return out
""", _a_horner)


kernel("monte_carlo", """
def monte_carlo(n, seed):
    np.random.seed(seed)
    hits = 0
    s = 0.0
    for i in range(n):
        x = np.random.random()
        y = np.random.random()
        if x * x + y * y <= 1.0:
            hits += 1
        s += np.random.normal(0.0, 1.0)
    return 4.0 * hits / n, s / n
""", lambda small: (20000 if small else 300000, 1234), stat_atol=0.1)


# ---------------------------------------------------------------------------
# scans, sorting, image ops, statistics
# ---------------------------------------------------------------------------
kernel("prefix_scan", """
def prefix_scan(x):
    out = np.empty_like(x)
    acc = 0
    for i in range(x.shape[0]):
        acc += x[i]
        out[i] = acc
    return out
""", lambda small: (_rng(35).integers(-1000, 1000, 40 if small else 1_000_000).astype(np.int64),))


kernel("insertion_sort", """
def insertion_sort(a):
    for i in range(1, a.shape[0]):
        key = a[i]
        j = i - 1
        while j >= 0 and a[j] > key:
            a[j + 1] = a[j]
            j -= 1
        a[j + 1] = key
    return a
""", lambda small: (_rng(36).random(40 if small else 1500),), mutates=True)


kernel("quicksort_rec", """
def _partition(a, lo, hi):
    p = a[hi]
    i = lo
    for j in range(lo, hi):
        if a[j] < p:
            a[i], a[j] = a[j], a[i]
            i += 1
    a[i], a[hi] = a[hi], a[i]
    return i

def _qsort(a, lo, hi):
    if lo >= hi:
        return 0
    p = _partition(a, lo, hi)
    _qsort(a, lo, p - 1)
    _qsort(a, p + 1, hi)
    return 0

def quicksort_rec(a):
    _qsort(a, 0, a.shape[0] - 1)
    return a
""", lambda small: (_rng(37).random(60 if small else 50000),), mutates=True)


def _a_resize(small):
    h, w, oh, ow = (6, 7, 11, 9) if small else (200, 200, 500, 500)
    return (_rng(38).random((h, w)), oh, ow)


kernel("bilinear_resize", """
def bilinear_resize(img, oh, ow):
    h, w = img.shape
    out = np.empty((oh, ow))
    sy = (h - 1) / (oh - 1)
    sx = (w - 1) / (ow - 1)
    for i in range(oh):
        y = i * sy
        y0 = int(np.floor(y))
        y1 = min(y0 + 1, h - 1)
        fy = y - y0
        for j in range(ow):
            x = j * sx
            x0 = int(x)
            x1 = min(x0 + 1, w - 1)
            fx = x - x0
            top = img[y0, x0] * (1.0 - fx) + img[y0, x1] * fx
            bot = img[y1, x0] * (1.0 - fx) + img[y1, x1] * fx
            out[i, j] = top * (1.0 - fy) + bot * fy
    return out
""", _a_resize)


kernel("median3_filter", """
def median3_filter(img):
    # separable median-of-3: along rows, then along columns (uint8 image)
    h, w = img.shape
    tmp = img.copy()
    for i in range(h):
        for j in range(1, w - 1):
            a = img[i, j - 1]
            b = img[i, j]
            c = img[i, j + 1]
            tmp[i, j] = max(min(a, b), min(max(a, b), c))
    out = tmp.copy()
    for i in range(1, h - 1):
        for j in range(w):
            a = tmp[i - 1, j]
            b = tmp[i, j]
            c = tmp[i + 1, j]
            out[i, j] = max(min(a, b), min(max(a, b), c))
    return out
""", lambda small: (_rng(39).integers(0, 256, (9, 11) if small else (700, 700)).astype(np.uint8),))


kernel("cumsum_2d", """
def cumsum_2d(a):
    h, w = a.shape
    S = np.zeros((h + 1, w + 1))
    for i in range(h):
        for j in range(w):
            S[i + 1, j + 1] = a[i, j] + S[i, j + 1] + S[i + 1, j] - S[i, j]
    return S
""", lambda small: (_rng(40).random((9, 11) if small else (800, 800)),))


kernel("welford", """
def welford(x):
    n, d = x.shape
    mean = np.zeros(d)
    m2 = np.zeros(d)
    for i in range(n):
        cnt = i + 1
        for c in range(d):
            delta = x[i, c] - mean[c]
            mean[c] += delta / cnt
            m2[c] += delta * (x[i, c] - mean[c])
    return mean, m2 / (n - 1)
""", lambda small: (_rng(41).standard_normal((50, 3) if small else (200000, 4)) + 5.0,))


# ---------------------------------------------------------------------------
# comparison helpers
# ---------------------------------------------------------------------------
def _first_line(e):
    s = str(e).strip().splitlines()
    return "%s: %s" % (type(e).__name__, s[0] if s else "")


def _compare(ref, got, stat_atol=None):
    """None if `got` agrees with `ref`, else a short description."""
    if isinstance(ref, tuple):
        if not isinstance(got, tuple) or len(ref) != len(got):
            return "structure %s vs %s" % (type(ref).__name__, type(got).__name__)
        for i, (x, y) in enumerate(zip(ref, got)):
            r = _compare(x, y, stat_atol)
            if r:
                return "[%d] %s" % (i, r)
        return None
    A = np.asarray(ref)
    B = np.asarray(got)
    if A.shape != B.shape:
        return "shape %s vs %s" % (A.shape, B.shape)
    if stat_atol is not None:
        if np.allclose(B, A, rtol=0.0, atol=stat_atol):
            return None
        return "statistical diff %s vs %s" % (A, B)
    if A.dtype.kind in "fc" or B.dtype.kind in "fc":
        single = A.dtype in (np.float32, np.complex64) or B.dtype in (np.float32, np.complex64)
        rtol = 1e-5 if single else 1e-9
        scale = float(np.max(np.abs(A[np.isfinite(A)]))) if A.size and np.isfinite(A).any() else 1.0
        atol = rtol * 1e-3 * max(scale, 1e-300)
        if np.allclose(B, A, rtol=rtol, atol=atol, equal_nan=True):
            return None
        with np.errstate(all="ignore"):
            d = np.abs(B.astype(np.complex128) - A.astype(np.complex128))
            rel = d / np.maximum(np.abs(A), atol)
        k = int(np.nanargmax(rel)) if rel.size else 0
        return "max rel err %.3g at flat %d (ref %r got %r)" % (
            float(np.nanmax(rel)) if rel.size else 0.0, k, A.ravel()[k] if A.size else A, B.ravel()[k] if B.size else B)
    if np.array_equal(A, B):
        return None
    diff = np.flatnonzero(A.ravel() != B.ravel())
    return "%d/%d int elements differ (first at flat %d: ref %r got %r)" % (
        diff.size, A.size, diff[0], A.ravel()[diff[0]], B.ravel()[diff[0]])


def _type_sig(x):
    if isinstance(x, tuple):
        return "(" + ",".join(_type_sig(v) for v in x) + ")"
    if isinstance(x, np.ndarray):
        return "%s[%dd]" % (x.dtype, x.ndim)
    return type(x).__name__


def _selected(filter_str, kernels):
    if not filter_str:
        return list(kernels)
    subs = [s.strip() for s in filter_str.split(",") if s.strip()]
    return [k for k in kernels if any(s in k[0] for s in subs)]


def _py_ref(pyfn, args):
    """The CPython reference, its integer overflow warnings (hashes that wrap) silenced."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with np.errstate(all="ignore"):
            return pyfn(*args)


# ---------------------------------------------------------------------------
# --check (the harness bench_idioms_numba.py shares: its kernels, META and build)
# ---------------------------------------------------------------------------
def run_check(kernels, meta_of, build_fn):
    counts = {"ok": 0, "MISMATCH": 0, "ember ERROR": 0, "KERNEL BUG": 0}
    for name, pyfn, make_args in kernels:
        meta = meta_of[name]
        sat = meta["stat_atol"]
        try:
            ref = _py_ref(pyfn, make_args(True))
        except Exception as e:  # the kernel itself is broken
            print("%-26s KERNEL BUG (CPython raised %s)" % (name, _first_line(e)))
            counts["KERNEL BUG"] += 1
            continue
        results = {}
        ctimes = {}
        for backend in ("numba", "ember"):
            try:
                f = build_fn(name, backend)
                t0 = time.perf_counter()
                results[backend] = f(*make_args(True))
                ctimes[backend] = time.perf_counter() - t0
            except Exception as e:
                results[backend] = e
        nres = results["numba"]
        eres = results["ember"]
        notes = []
        if isinstance(nres, Exception):
            notes.append("numba ERROR %s" % _first_line(nres))
        else:
            d = _compare(ref, nres, sat)
            if d:
                notes.append("py-vs-numba: %s" % d)
        if notes:
            status = "KERNEL BUG"
            if isinstance(eres, Exception):
                notes.append("(ember: %s)" % _first_line(eres))
        elif isinstance(eres, Exception):
            status = "ember ERROR"
            notes.append(_first_line(eres))
        else:
            d = _compare(ref, eres, sat)
            status = "MISMATCH" if d else "ok"
            if d:
                notes.append("ember-vs-py: %s" % d)
            ts_e, ts_n = _type_sig(eres), _type_sig(nres)
            if ts_e != ts_n:
                notes.append("result types differ: ember %s numba %s" % (ts_e, ts_n))
            if sat is not None and _compare(nres, eres, None) is None:
                notes.append("(bit-for-bit same random stream as numba)")
            elif sat is not None:
                notes.append("(random stream differs from numba)")
        counts[status] += 1
        ct = "  [compile+run ember %.2fs numba %.2fs]" % (ctimes.get("ember", float("nan")),
                                                         ctimes.get("numba", float("nan")))
        print("%-26s %-11s %s%s" % (name, status, "; ".join(notes), ct if status == "ok" else ""))
        sys.stdout.flush()
    print("\nsummary: " + ", ".join("%s=%d" % kv for kv in counts.items()))


# ---------------------------------------------------------------------------
# timing
# ---------------------------------------------------------------------------
def _best_of(f, make_args, mutates, args0, reps=5):
    best = float("inf")
    for _ in range(reps):
        args = make_args() if mutates else args0
        t0 = time.perf_counter()
        f(*args)
        dt = time.perf_counter() - t0
        if dt < best:
            best = dt
    return best


def run_timing(kernels, small, meta_of, build_fn):
    print("%-26s %10s %10s %10s" % ("kernel", "ember ms", "numba ms", "ember/numba"))
    ratios = []
    slow = []
    errors = []
    for name, pyfn, make_args in kernels:
        mutates = meta_of[name]["mutates"]
        mk = lambda: make_args(small)
        fns = {}
        for backend in ("ember", "numba"):
            try:
                f = build_fn(name, backend)
                f(*mk())          # warm (compile)
                f(*mk())
                fns[backend] = f
            except Exception as e:
                fns[backend] = None
                errors.append((name, backend, _first_line(e)))
        if fns["ember"] is None or fns["numba"] is None:
            print("%-26s %10s %10s %10s" % (name, "ERROR" if fns["ember"] is None else "",
                                            "ERROR" if fns["numba"] is None else "", "-"))
            continue
        args0 = None if mutates else mk()
        best = {"ember": float("inf"), "numba": float("inf")}
        for rnd in range(5):
            order = ("ember", "numba") if rnd % 2 == 0 else ("numba", "ember")
            for backend in order:
                t = _best_of(fns[backend], mk, mutates, args0)
                best[backend] = min(best[backend], t)
        te, tn = best["ember"] * 1e3, best["numba"] * 1e3
        ratio = te / tn
        ratios.append(ratio)
        if ratio > 1.05:
            slow.append((name, ratio))
        print("%-26s %10.3f %10.3f %10.2f" % (name, te, tn, ratio))
        sys.stdout.flush()
    if ratios:
        print("\ngeometric mean ember/numba: %.3f over %d kernels" % (math.exp(np.mean(np.log(ratios))), len(ratios)))
    print("kernels with ember/numba > 1.05: " +
          (", ".join("%s (%.2f)" % s for s in sorted(slow, key=lambda s: -s[1])) if slow else "none"))
    for name, backend, msg in errors:
        print("ERROR %s [%s]: %s" % (name, backend, msg))


def main(argv=None, kernels=None, meta_of=None, build_fn=None, doc=None):
    """The command line; another suite passes its own kernels, META, build and docstring."""
    kernels = KERNELS if kernels is None else kernels
    meta_of = META if meta_of is None else meta_of
    build_fn = build if build_fn is None else build_fn
    p = argparse.ArgumentParser(description=doc or __doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--check", action="store_true", help="small-size correctness check vs CPython and numba")
    p.add_argument("--kernels", default="", help="comma-separated substrings selecting kernels")
    p.add_argument("--small", action="store_true", help="time at the check sizes")
    p.add_argument("--list", action="store_true", help="list kernel names")
    a = p.parse_args(argv)
    ks = _selected(a.kernels, kernels)
    if a.list:
        for k in ks:
            print(k[0] + ("  (prange)" if meta_of[k[0]]["parallel"] else ""))
        return
    if not ks:
        sys.exit("no kernel matches %r" % a.kernels)
    if a.check:
        run_check(ks, meta_of, build_fn)
    else:
        run_timing(ks, a.small, meta_of, build_fn)


if __name__ == "__main__":
    main()
