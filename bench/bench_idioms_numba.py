#!/usr/bin/env python3
"""Numba idioms against numba: 110 kernels in styles bench/bench_loops_numba.py lacks.

NumPy calls on small arrays inside loops (np.dot, argmax/argmin, per-iteration allocation,
np.linalg.solve/inv/det on 3x3, np.sort, np.searchsorted, np.cumsum, np.where), control flow
(while/break/continue, early return from nested loops, tuple-returning helpers, recursion on
arrays, byte state machines, bit tricks, uint64/int64 wraparound hashes, gcd/modpow), containers
(list -> np.array, typed Dict and inferred dict, sets, sorted tuple lists, CSR DFS/BFS, heapq
Dijkstra, union-find), numeric kernels (RGB stencils, uint8 5x5 convolution, RK4 with per-step
arrays, Lennard-Jones with cutoff, SPH cell lists, histogram2d, Taylor expm, power iteration,
Jacobi eigenvalues, 1-D convolution, logistic regression, Black-Scholes with erf, random walk)
and types (float32, int16/int32/uint32, complex64, bool, mixed int/float); helpers doing maths called
in loops over arrays; sums under a mask; jitclasses (array state with methods, small objects, a linked list).

Same harness as bench_loops_numba.py (its comparison helpers are imported from it): each kernel
is source text exec'd in three namespaces, CPython (prange = range, typed = plain list/dict shim),
ember and numba (every function of the source wrapped in that backend's njit). Each namespace
also has `typed`, `types` and `heapq`.

    python bench/bench_idioms_numba.py --check [--kernels a,b]   # small sizes: ember, numba, CPython agree
    python bench/bench_idioms_numba.py [--kernels a,b] [--small] # ember vs numba, steady state

Written for ember's bench in session 25 (a suite ember was not tuned on); generators and record
arrays, which ember does not compile, are reported as errors, not failures.
"""
import heapq
import math
import sys

import numpy as np

import ember
import numba

sys.path.insert(0, __import__("os").path.dirname(__import__("os").path.abspath(__file__)))
import bench_loops_numba as B  # noqa: E402  (its harness: --check, timing, the command line)


# ---------------------------------------------------------------------------
# registry
# ---------------------------------------------------------------------------
class _PyDict:
    @staticmethod
    def empty(key_type=None, value_type=None):
        return {}


class _PyList(list):
    @staticmethod
    def empty_list(item_type=None):
        return []


class _PyTyped:
    Dict = _PyDict
    List = _PyList


def _plain_class(spec):
    """CPython's jitclass: the class itself (with a class_type, for deferred_type.define)."""
    def plain(cls):
        cls.class_type = __import__("types").SimpleNamespace(instance_type=numba.types.int64)
        return cls
    return plain


def _new_ns(backend):
    if backend == "python":
        pr, typed, tys, jc = range, _PyTyped, numba.types, _plain_class
    elif backend == "ember":
        pr, typed, tys = ember.prange, ember.typed, ember.types
        from ember.experimental import jitclass as jc
    else:
        pr, typed, tys = numba.prange, numba.typed, numba.types
        from numba.experimental import jitclass as jc
    vec = ember.vectorize if backend == "ember" else numba.vectorize if backend == "numba" else \
        (lambda sigs: np.vectorize)
    mod = ember if backend == "ember" else numba
    threads = (lambda: 1, lambda: 0) if backend == "python" else (mod.get_num_threads, mod.get_thread_id)
    return {"np": np, "math": math, "heapq": heapq, "prange": pr, "typed": typed,
            "types": tys, "jitclass": jc, "vectorize": vec, "get_num_threads": threads[0],
            "get_thread_id": threads[1], "__name__": __name__}


KERNELS, META, kernel, build = B.registry(_new_ns)


def _rng(seed=0):
    return np.random.default_rng(seed)


# ---------------------------------------------------------------------------
# NumPy calls on small arrays inside loops
# ---------------------------------------------------------------------------
def _a_sig(small):
    n, d = (20, 8) if small else (40000, 8)
    r = _rng(101)
    return r.standard_normal((n, d)), r.standard_normal(d), 0.3


kernel("sigmoid_dot_rows", """
def sigmoid_dot_rows(X, w, b):
    n = X.shape[0]
    out = np.empty(n)
    for i in range(n):
        z = np.dot(X[i], w) + b
        out[i] = 1.0 / (1.0 + np.exp(-z))
    return out
""", _a_sig)


kernel("interp_one_x_in_loop", """
def interp_one_x_in_loop(xs, xp, fp):
    s = 0.0
    for v in xs:
        s += np.interp(v, xp, fp)
    return s
""", lambda small: (_rng(140).random(50 if small else 1000), np.linspace(0.0, 1.0, 100 if small else 100000),
                    np.sin(np.linspace(0.0, 1.0, 100 if small else 100000))))


kernel("heapq_n_best", """
def heapq_n_best(x):
    l = [v for v in x]
    return heapq.nsmallest(10, l), heapq.nlargest(10, l)
""", lambda small: (_rng(141).random(200 if small else 300000),))


kernel("count_above_int_threshold", """
def count_above_int_threshold(x, n):
    c = 0
    for i in range(x.shape[0]):
        if x[i] >= n:
            c += 1
    return c
""", lambda small: (_rng(142).random(100 if small else 1000000) * 100, 50))


kernel("wrapped_phase_oscillator", """
def wrapped_phase_oscillator(table, inc, n):
    L = table.shape[0] - 1
    out = np.empty(n)
    ph = 0.0
    for i in range(n):
        k = int(ph)
        frac = ph - k
        out[i] = table[k] * (1.0 - frac) + table[k + 1] * frac
        ph += inc
        if ph >= L:
            ph -= L
    return out
""", lambda small: (np.sin(np.linspace(0.0, 2 * np.pi, 257)), 3.7, 100 if small else 200000))


kernel("vectorize_called_in_njit", """
@vectorize(["float64(float64, float64)"])
def _minmod(a, b):
    if a * b <= 0.0:
        return 0.0
    return a if abs(a) < abs(b) else b

def vectorize_called_in_njit(a, b):
    return _minmod(a, b)
""", lambda small: (_rng(143).standard_normal((8, 10) if small else (1000, 1000)),
                    _rng(144).standard_normal((8, 10) if small else (1000, 1000))))


kernel("branch_between_helper_calls", """
def _flux(x, r):
    return x * (1.0 - x / r)

def branch_between_helper_calls(a, r):
    out = np.empty(a.shape[0])
    out[0] = 0.0
    for i in range(1, a.shape[0]):
        x = a[i - 1]
        y = a[i]
        if x <= y:
            out[i] = _flux(x, r)
        else:
            out[i] = _flux(y, r)
    return out
""", lambda small: (_rng(145).random(50 if small else 1000000), 2.0))


kernel("row_normalize_helper", """
def _norm(v):
    return np.sqrt(np.sum(v * v))

def _scale_into(dst, src, s):
    for k in range(src.shape[0]):
        dst[k] = src[k] * s

def row_normalize_helper(X):
    n = X.shape[0]
    out = np.empty_like(X)
    for i in range(n):
        nv = _norm(X[i, :])
        if nv > 0.0:
            _scale_into(out[i, :], X[i, :], 1.0 / nv)
        else:
            out[i, :] = 0.0
    return out
""", lambda small: (np.vstack([_rng(102).standard_normal((9 if small else 50000, 6)), np.zeros((1, 6))]),))


kernel("row_extrema", """
def row_extrema(X):
    n = X.shape[0]
    imax = np.empty(n, dtype=np.int64)
    imin = np.empty(n, dtype=np.int64)
    rng = np.empty(n)
    l1 = np.empty(n)
    for i in range(n):
        row = X[i]
        imax[i] = np.argmax(row)
        imin[i] = np.argmin(row)
        rng[i] = row.max() - row.min()
        l1[i] = np.abs(row).sum()
    return imax, imin, rng, l1
""", lambda small: (_rng(103).standard_normal((12 if small else 30000, 16)),))


def _a_alloc(small):
    n = 10 if small else 4000
    r = _rng(104)
    return r.standard_normal((n, 3)), r.standard_normal((n, 3)), 0.05, 10


kernel("alloc_in_loop", """
def alloc_in_loop(P, V, dt, steps):
    n = P.shape[0]
    out = np.zeros(n)
    for i in range(n):
        p = np.zeros(3)
        v = np.empty(3)
        for k in range(3):
            p[k] = P[i, k]
            v[k] = V[i, k]
        for s in range(steps):
            a = -p * 0.5
            v = v + a * dt
            p = p + v * dt
        out[i] = np.sqrt((p * p).sum())
    return out
""", _a_alloc)


def _a_solve(small):
    m = 8 if small else 3000
    r = _rng(105)
    A = r.standard_normal((m, 3, 3)) + 3.0 * np.eye(3)
    return A, r.standard_normal((m, 3))


kernel("solve3x3_batch", """
def solve3x3_batch(A, b):
    m = A.shape[0]
    x = np.empty((m, 3))
    for i in range(m):
        x[i] = np.linalg.solve(A[i], b[i])
    return x
""", _a_solve)


kernel("inv_det3x3_batch", """
def inv_det3x3_batch(A, v):
    m = A.shape[0]
    out = np.empty((m, 3))
    dets = np.empty(m)
    for i in range(m):
        Ai = np.linalg.inv(A[i])
        out[i] = Ai @ v[i]
        dets[i] = np.linalg.det(A[i])
    return out, dets
""", _a_solve)


kernel("running_median_sort", """
def running_median_sort(x, w):
    n = x.shape[0]
    out = np.empty(n - w + 1)
    h = w // 2
    for i in range(n - w + 1):
        s = np.sort(x[i:i + w])
        out[i] = s[h]
    return out
""", lambda small: (_rng(106).standard_normal(40 if small else 40000), 7))


def _a_ss(small):
    r = _rng(107)
    edges = np.sort(r.uniform(-3, 3, 65))
    x = r.standard_normal(50 if small else 100000) * 1.5
    x[:3] = [edges[0], edges[-1], edges[10]]
    return x, edges


kernel("searchsorted_hist", """
def searchsorted_hist(x, edges):
    nb = edges.shape[0] - 1
    counts = np.zeros(nb, dtype=np.int64)
    for i in range(x.shape[0]):
        k = np.searchsorted(edges, x[i], side='right') - 1
        if k >= 0 and k < nb:
            counts[k] += 1
        elif x[i] == edges[nb]:
            counts[nb - 1] += 1
    return counts
""", _a_ss)


kernel("cumsum_first_cross", """
def cumsum_first_cross(X, thr):
    n = X.shape[0]
    idx = np.full(n, -1, dtype=np.int64)
    tot = np.empty(n)
    for i in range(n):
        c = np.cumsum(X[i])
        tot[i] = c[-1]
        for j in range(c.shape[0]):
            if c[j] > thr:
                idx[i] = j
                break
    return idx, tot
""", lambda small: (_rng(108).random((10 if small else 30000, 20)), 6.0))


kernel("where_clip_rows", """
def where_clip_rows(X, lo, hi):
    n = X.shape[0]
    s = np.empty(n)
    cnt = np.empty(n, dtype=np.int64)
    for i in range(n):
        row = X[i]
        y = np.where(row > hi, hi, np.where(row < lo, lo, row))
        s[i] = y.sum()
        cnt[i] = np.count_nonzero(row > hi)
    return s, cnt
""", lambda small: (_rng(109).standard_normal((10 if small else 30000, 12)), -1.0, 0.8))


# ---------------------------------------------------------------------------
# control flow, bytes, bits, integers
# ---------------------------------------------------------------------------
kernel("collatz_while", """
def collatz_while(start, count, cap):
    best_n = 0
    best_len = 0
    total = 0
    for n0 in range(start, start + count):
        if n0 % 7 == 0:
            continue
        n = n0
        steps = 0
        while n != 1:
            if n & 1:
                n = 3 * n + 1
            else:
                n >>= 1
            steps += 1
            if steps >= cap:
                break
        total += steps
        if steps > best_len:
            best_len = steps
            best_n = n0
    return best_n, best_len, total
""", lambda small: (1, 300 if small else 20000, 150))


def _a_pair(small):
    r = _rng(110)
    n = 40 if small else 400
    a = r.integers(0, 1000, n).astype(np.int64)
    t = r.integers(0, 2000, 12 if small else 60).astype(np.int64)
    t[::5] = -1           # never found: full scan
    return a, t


kernel("find_pair_early_return", """
def find_pair_early_return(a, targets):
    m = targets.shape[0]
    out = np.full((m, 2), -1, dtype=np.int64)
    for t in range(m):
        i, j = _first_pair(a, targets[t])
        out[t, 0] = i
        out[t, 1] = j
    return out

def _first_pair(a, target):
    n = a.shape[0]
    for i in range(n):
        ai = a[i]
        for j in range(i + 1, n):
            if ai + a[j] == target:
                return i, j
    return -1, -1
""", _a_pair)


def _a_quad(small):
    n = 20 if small else 100000
    r = _rng(111)
    return r.uniform(0.5, 2.0, n), r.standard_normal(n) * 2.0, r.standard_normal(n)


kernel("quad_roots_helpers", """
def _cmul(ar, ai, br, bi):
    return ar * br - ai * bi, ar * bi + ai * br

def _cadd(ar, ai, br, bi):
    return ar + br, ai + bi

def _disc(a, b, c):
    return b * b - 4.0 * a * c

def _roots(a, b, c):
    d = _disc(a, b, c)
    if d >= 0.0:
        s = math.sqrt(d)
        q = -0.5 * (b + math.copysign(s, b))
        return q / a, 0.0, c / q, 0.0
    s = math.sqrt(-d)
    return -b / (2.0 * a), s / (2.0 * a), -b / (2.0 * a), -s / (2.0 * a)

def _resid(a, b, c, zr, zi):
    z2r, z2i = _cmul(zr, zi, zr, zi)
    pr, pi = _cadd(a * z2r, a * z2i, b * zr, b * zi)
    return math.hypot(pr + c, pi)

def quad_roots_helpers(A, Bc, C):
    n = A.shape[0]
    out = np.empty((n, 4))
    worst = 0.0
    nreal = 0
    for i in range(n):
        r1r, r1i, r2r, r2i = _roots(A[i], Bc[i], C[i])
        out[i, 0] = r1r
        out[i, 1] = r1i
        out[i, 2] = r2r
        out[i, 3] = r2i
        if r1i == 0.0:
            nreal += 1
        e = max(_resid(A[i], Bc[i], C[i], r1r, r1i), _resid(A[i], Bc[i], C[i], r2r, r2i))
        if e > worst:
            worst = e
    return out, nreal, worst < 1e-9
""", _a_quad)


def _a_flood(small):
    h, w = (12, 14) if small else (300, 300)
    grid = (_rng(112).random((h, w)) < 0.45).astype(np.uint8)
    return grid, np.zeros((h, w), dtype=np.int32)


kernel("flood_fill_rec", """
def _fill(grid, lab, i, j, c):
    if i < 0 or j < 0 or i >= grid.shape[0] or j >= grid.shape[1]:
        return 0
    if grid[i, j] == 0 or lab[i, j] != 0:
        return 0
    lab[i, j] = c
    return (1 + _fill(grid, lab, i + 1, j, c) + _fill(grid, lab, i - 1, j, c)
            + _fill(grid, lab, i, j + 1, c) + _fill(grid, lab, i, j - 1, c))

def flood_fill_rec(grid, lab):
    h, w = grid.shape
    c = 0
    biggest = 0
    for i in range(h):
        for j in range(w):
            if grid[i, j] != 0 and lab[i, j] == 0:
                c += 1
                sz = _fill(grid, lab, i, j, c)
                if sz > biggest:
                    biggest = sz
    return lab, c, biggest
""", _a_flood, mutates=True)


def _csv_bytes(small):
    r = np.random.default_rng(113)
    rows = 8 if small else 6000
    parts = []
    for _ in range(rows):
        fields = []
        for _ in range(int(r.integers(3, 9))):
            kind = r.integers(0, 4)
            if kind == 0:
                fields.append('"%s, %s"' % ("x" * int(r.integers(0, 5)), "y" * int(r.integers(0, 4))))
            elif kind == 1:
                fields.append('"a""b%d"' % r.integers(0, 100))
            elif kind == 2:
                fields.append("")
            else:
                fields.append("f%d" % r.integers(0, 10 ** int(r.integers(1, 7))))
        parts.append(",".join(fields))
    s = "\n".join(parts) + "\n"
    return np.frombuffer(s.encode(), dtype=np.uint8).copy()


kernel("csv_state_machine", """
def csv_state_machine(buf):
    # states: 0 start of field, 1 unquoted field, 2 inside quotes, 3 quote seen inside quotes
    state = 0
    rows = 0
    fields = 0
    quoted = 0
    flen = 0
    maxlen = 0
    for k in range(buf.shape[0]):
        ch = buf[k]
        if state == 2:
            if ch == 34:
                state = 3
            else:
                flen += 1
            continue
        if state == 3:
            if ch == 34:
                flen += 1
                state = 2
                continue
            state = 1
        if ch == 44 or ch == 10:
            fields += 1
            if flen > maxlen:
                maxlen = flen
            flen = 0
            state = 0
            if ch == 10:
                rows += 1
        elif ch == 34 and state == 0:
            state = 2
            quoted += 1
        else:
            flen += 1
            state = 1
    return rows, fields, quoted, maxlen
""", lambda small: (_csv_bytes(small),))


def _num_bytes(small):
    r = np.random.default_rng(114)
    n = 30 if small else 40000
    vals = r.standard_normal(n) * 10 ** r.integers(0, 5, n)
    toks = []
    for k, v in enumerate(vals):
        toks.append("%d" % int(v) if k % 3 == 0 else "%.*f" % (int(r.integers(1, 7)), v))
    s = ""
    for k, t in enumerate(toks):
        s += t + ("\n" if k % 7 == 6 else "  " if k % 5 == 0 else " ")
    return np.frombuffer(s.encode(), dtype=np.uint8).copy()


kernel("parse_numbers_bytes", """
def parse_numbers_bytes(buf):
    n = buf.shape[0]
    out = np.empty(n // 2 + 1)
    cnt = 0
    i = 0
    while i < n:
        ch = buf[i]
        if ch == 45 or (ch >= 48 and ch <= 57):
            neg = False
            if ch == 45:
                neg = True
                i += 1
            ip = 0
            while i < n and buf[i] >= 48 and buf[i] <= 57:
                ip = ip * 10 + (int(buf[i]) - 48)
                i += 1
            frac = 0.0
            if i < n and buf[i] == 46:
                i += 1
                scale = 0.1
                while i < n and buf[i] >= 48 and buf[i] <= 57:
                    frac += (int(buf[i]) - 48) * scale
                    scale *= 0.1
                    i += 1
            v = ip + frac
            out[cnt] = -v if neg else v
            cnt += 1
        else:
            i += 1
    return out[:cnt]
""", lambda small: (_num_bytes(small),))


kernel("popcount_bitrev", """
def popcount_bitrev(x):
    n = x.shape[0]
    pc = np.empty(n, dtype=np.int64)
    rv = np.empty(n, dtype=np.uint32)
    for i in range(n):
        v = x[i]
        c = 0
        while v:
            v &= v - np.uint64(1)
            c += 1
        pc[i] = c
        w = np.uint32(x[i] & np.uint64(0xFFFFFFFF))
        r = np.uint32(0)
        for b in range(32):
            r = (r << np.uint32(1)) | (w & np.uint32(1))
            w >>= np.uint32(1)
        rv[i] = r
    return pc, rv
""", lambda small: (_rng(115).integers(0, 2 ** 63, 30 if small else 30000, dtype=np.uint64) * np.uint64(2)
                    + np.uint64(1),))


kernel("fnv1a_records", """
def fnv1a_records(recs):
    n, m = recs.shape
    out = np.empty(n, dtype=np.uint64)
    prime = np.uint64(1099511628211)
    for i in range(n):
        h = np.uint64(0xcbf29ce484222325)
        for j in range(m):
            h = h ^ np.uint64(recs[i, j])
            h = h * prime
        out[i] = h
    return out
""", lambda small: (_rng(116).integers(0, 256, (10 if small else 20000, 48)).astype(np.uint8),))


kernel("xorshift_stream", """
def xorshift_stream(seed, n, nb):
    s = np.uint64(seed)
    hist = np.zeros(nb, dtype=np.int64)
    acc = 0.0
    mult = np.uint64(0x2545F4914F6CDD1D)
    for i in range(n):
        s ^= s >> np.uint64(12)
        s ^= s << np.uint64(25)
        s ^= s >> np.uint64(27)
        r = s * mult
        u = (r >> np.uint64(11)) * (1.0 / 9007199254740992.0)
        acc += u
        hist[int(u * nb)] += 1
    return hist, acc / n, s
""", lambda small: (88172645463325252, 500 if small else 300000, 16))


def _a_gcd(small):
    r = _rng(117)
    n = 20 if small else 20000
    return (r.integers(1, 10 ** 9, n).astype(np.int64), r.integers(1, 10 ** 9, n).astype(np.int64),
            1000000007)


kernel("gcd_modpow", """
def _modpow(b, e, m):
    r = 1
    b %= m
    while e > 0:
        if e & 1:
            r = r * b % m
        b = b * b % m
        e >>= 1
    return r

def gcd_modpow(a, b, m):
    n = a.shape[0]
    g = np.empty(n, dtype=np.int64)
    p = np.empty(n, dtype=np.int64)
    for i in range(n):
        g[i] = math.gcd(a[i], b[i])
        p[i] = _modpow(a[i], b[i], m)
    return g, p
""", _a_gcd)


kernel("int64_wrap_hash", """
def int64_wrap_hash(a):
    n, m = a.shape
    out = np.empty(n, dtype=np.int64)
    for i in range(n):
        h = np.int64(17)
        for j in range(m):
            h = h * np.int64(31) + a[i, j]
            h ^= h >> np.int64(29)
        out[i] = h
    return out
""", lambda small: (_rng(118).integers(-2 ** 40, 2 ** 40, (10 if small else 20000, 40)).astype(np.int64),))


# ---------------------------------------------------------------------------
# containers
# ---------------------------------------------------------------------------
kernel("list_append_to_array", """
def list_append_to_array(x, thr):
    idx = []
    vals = []
    for i in range(x.shape[0]):
        if x[i] > thr:
            idx.append(i)
            vals.append(x[i] * 2.0)
    return np.array(idx), np.array(vals)
""", lambda small: (_rng(119).standard_normal(50 if small else 200000), 0.5))


def _a_keys(small):
    r = _rng(120)
    return (r.zipf(1.3, 200 if small else 100000) % 5000).astype(np.int64),


kernel("typed_dict_count", """
def typed_dict_count(keys):
    d = typed.Dict.empty(key_type=types.int64, value_type=types.int64)
    for i in range(keys.shape[0]):
        k = keys[i]
        d[k] = d.get(k, 0) + 1
    n = len(d)
    ks = np.empty(n, dtype=np.int64)
    vs = np.empty(n, dtype=np.int64)
    j = 0
    for k, v in d.items():
        ks[j] = k
        vs[j] = v
        j += 1
    order = np.argsort(ks)
    return ks[order], vs[order]
""", _a_keys)


def _words(small):
    r = np.random.default_rng(121)
    vocab = ["w%d%s" % (k, "abcdefgh"[: k % 8]) for k in range(400)]
    n = 60 if small else 60000
    picks = (r.zipf(1.4, n) - 1) % len(vocab)
    s = " ".join(vocab[p] + ("." if k % 13 == 0 else "") for k, p in enumerate(picks))
    return np.frombuffer(s.encode(), dtype=np.uint8).copy()


kernel("word_count_dict", """
def word_count_dict(buf):
    d = {np.uint64(0): 0}          # inferred (literal) dict; key 0 is a seed entry
    del d[np.uint64(0)]
    n = buf.shape[0]
    i = 0
    words = 0
    while i < n:
        while i < n and (buf[i] == 32 or buf[i] == 46):
            i += 1
        if i >= n:
            break
        h = np.uint64(0xcbf29ce484222325)
        while i < n and buf[i] != 32 and buf[i] != 46:
            h = (h ^ np.uint64(buf[i])) * np.uint64(1099511628211)
            i += 1
        words += 1
        d[h] = d.get(h, 0) + 1
    top = 0
    common = 0
    for v in d.values():
        if v > top:
            top = v
        if v >= 5:
            common += v
    return len(d), top, common, words
""", lambda small: (_words(small),))


kernel("set_distinct", """
def set_distinct(a, window):
    nb = a.shape[0] // window
    out = np.empty(nb, dtype=np.int64)
    seen = set()
    seen.add(-1)
    hits = 0
    for b in range(nb):
        s = set()
        for i in range(b * window, (b + 1) * window):
            s.add(a[i])
        out[b] = len(s)
        for v in s:
            if v in seen:
                hits += 1
            else:
                seen.add(v)
    tot = 0
    for v in seen:
        tot += v
    return out, len(seen), tot, hits
""", lambda small: (_rng(122).integers(0, 3000, 200 if small else 100000).astype(np.int64), 50))


def _a_topk(small):
    r = _rng(123)
    n = 40 if small else 20000
    return np.round(r.random(n), 2), r.integers(0, 50, n).astype(np.int64), 10


def _a_cells(small):
    r = _rng(131)
    n = 60 if small else 40000
    return r.normal(0.0, 30.0, n), r.normal(0.0, 30.0, n), 1.5


kernel("occupied_cells_tuple_set", """
def occupied_cells_tuple_set(xs, ys, h):
    occ = set()
    for p in range(xs.shape[0]):
        occ.add((int(math.floor(xs[p] / h)), int(math.floor(ys[p] / h))))
    edges = 0
    lonely = 0
    for c in occ:
        nb = 0
        for dx in range(-1, 2):
            for dy in range(-1, 2):
                if (dx != 0 or dy != 0) and (c[0] + dx, c[1] + dy) in occ:
                    nb += 1
        edges += nb
        if nb == 0:
            lonely += 1
    return len(occ), edges, lonely
""", _a_cells)


def _a_bigrams(small):
    return (_rng(132).zipf(1.3, 200 if small else 100000) % 500).astype(np.int64),


kernel("bigram_tuple_dict", """
def bigram_tuple_dict(tok):
    counts = {(tok[0], tok[0]): 0}
    del counts[(tok[0], tok[0])]
    for i in range(tok.shape[0] - 1):
        k = (tok[i], tok[i + 1])
        counts[k] = counts.get(k, 0) + 1
    best = 0
    bk = (0, 0)
    for k, v in counts.items():
        if v > best:
            best = v
            bk = k
    return len(counts), best, bk[0], bk[1]
""", _a_bigrams)


def _a_walk(small):
    n = 300 if small else 200000
    return _rng(133).integers(0, n, 3 * n), n


kernel("visited_set_walk", """
def visited_set_walk(nbr, n):
    seen = {0}
    stack = [0]
    reached = 0
    depth_sum = 0
    while len(stack) > 0:
        v = stack.pop()
        reached += 1
        for j in range(3):
            u = nbr[3 * v + j]
            if u not in seen:
                seen.add(u)
                stack.append(u)
                depth_sum += u % 7
    return reached, len(seen), depth_sum
""", _a_walk)


def _a_quantised(small):
    return _rng(134).normal(0.0, 4.0, 300 if small else 200000),


kernel("quantised_float_dict", """
def quantised_float_dict(x):
    d = {0.0: 0}
    for i in range(x.shape[0]):
        q = math.floor(x[i] * 4.0) / 4.0
        d[q] = d.get(q, 0) + 1
    mode = 0.0
    best = -1
    for k, v in d.items():
        if v > best:
            best = v
            mode = k
    return len(d), mode, best
""", _a_quantised)


kernel("topk_sorted_tuples", """
def topk_sorted_tuples(score, label, k):
    lst = []
    for i in range(score.shape[0]):
        lst.append((score[i], label[i], i))
    srt = sorted(lst, reverse=True)
    out = np.empty((k, 3))
    for j in range(k):
        s, l, i = srt[j]
        out[j, 0] = s
        out[j, 1] = l
        out[j, 2] = i
    lst.sort()
    return out, lst[0][2], lst[len(lst) - 1][2]
""", _a_topk)


def _csr_graph(n, m, seed, weights=False):
    r = np.random.default_rng(seed)
    u = r.integers(0, n, m)
    v = r.integers(0, n, m)
    keep = u != v
    u, v = u[keep], v[keep]
    src = np.concatenate([u, v])
    dst = np.concatenate([v, u])
    w = np.concatenate([r.uniform(0.1, 5.0, u.size)] * 2)
    order = np.argsort(src, kind="stable")
    src, dst, w = src[order], dst[order], w[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.add.at(indptr, src + 1, 1)
    indptr = np.cumsum(indptr)
    if weights:
        return indptr, dst.astype(np.int64), w
    return indptr, dst.astype(np.int64)


kernel("dfs_components_csr", """
def dfs_components_csr(indptr, indices):
    n = indptr.shape[0] - 1
    comp = np.full(n, -1, dtype=np.int64)
    stack = np.empty(n, dtype=np.int64)
    nc = 0
    for s in range(n):
        if comp[s] >= 0:
            continue
        top = 0
        stack[0] = s
        comp[s] = nc
        while top >= 0:
            u = stack[top]
            top -= 1
            for e in range(indptr[u], indptr[u + 1]):
                v = indices[e]
                if comp[v] < 0:
                    comp[v] = nc
                    top += 1
                    stack[top] = v
        nc += 1
    return comp, nc
""", lambda small: _csr_graph(30 if small else 60000, 20 if small else 45000, 124))


kernel("bfs_list_queue", """
def bfs_list_queue(indptr, indices, src):
    n = indptr.shape[0] - 1
    dist = np.full(n, -1, dtype=np.int64)
    dist[src] = 0
    q = [src]
    head = 0
    far = src
    while head < len(q):
        u = q[head]
        head += 1
        du = dist[u]
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            if dist[v] == -1:
                dist[v] = du + 1
                if du + 1 > dist[far]:
                    far = v
                q.append(v)
    return dist, far, len(q)
""", lambda small: _csr_graph(30 if small else 60000, 45 if small else 90000, 125) + (0,))


kernel("dijkstra_heapq", """
def dijkstra_heapq(indptr, indices, w, src):
    n = indptr.shape[0] - 1
    dist = np.full(n, np.inf)
    dist[src] = 0.0
    done = np.zeros(n, dtype=np.bool_)
    h = [(0.0, src)]
    pops = 0
    while len(h) > 0:
        d, u = heapq.heappop(h)
        pops += 1
        if done[u]:
            continue
        done[u] = True
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            nd = d + w[e]
            if nd < dist[v]:
                dist[v] = nd
                heapq.heappush(h, (nd, v))
    return dist, pops
""", lambda small: _csr_graph(40 if small else 15000, 80 if small else 30000, 126, weights=True) + (0,))


def _a_kruskal(small):
    n = 30 if small else 20000
    m = 90 if small else 80000
    r = _rng(127)
    return n, r.integers(0, n, m).astype(np.int64), r.integers(0, n, m).astype(np.int64), r.random(m)


kernel("kruskal_union_find", """
def _find(parent, x):
    root = x
    while parent[root] != root:
        root = parent[root]
    while parent[x] != root:
        nxt = parent[x]
        parent[x] = root
        x = nxt
    return root

def kruskal_union_find(n, eu, ev, ew):
    order = np.argsort(ew, kind='mergesort')
    parent = np.arange(n)
    rank = np.zeros(n, dtype=np.int8)
    total = 0.0
    used = 0
    for k in range(order.shape[0]):
        e = order[k]
        a = _find(parent, eu[e])
        b = _find(parent, ev[e])
        if a == b:
            continue
        if rank[a] < rank[b]:
            a, b = b, a
        parent[b] = a
        if rank[a] == rank[b]:
            rank[a] += 1
        total += ew[e]
        used += 1
        if used == n - 1:
            break
    return total, used
""", _a_kruskal)


# ---------------------------------------------------------------------------
# numeric kernels
# ---------------------------------------------------------------------------
kernel("rgb_box_blur", """
def rgb_box_blur(img):
    h, w, c = img.shape
    out = np.empty_like(img)
    for i in range(h):
        for j in range(w):
            for ch in range(c):
                s = 0.0
                for di in range(-1, 2):
                    ii = min(max(i + di, 0), h - 1)
                    for dj in range(-1, 2):
                        jj = min(max(j + dj, 0), w - 1)
                        s += img[ii, jj, ch]
                out[i, j, ch] = s / 9.0
    return out
""", lambda small: (_rng(128).random((9, 11, 3) if small else (250, 250, 3)),))


kernel("rgb_to_hsv_uint8", """
def rgb_to_hsv_uint8(img):
    h, w, _ = img.shape
    out = np.empty((h, w, 3))
    for i in range(h):
        for j in range(w):
            r = img[i, j, 0] / 255.0
            g = img[i, j, 1] / 255.0
            b = img[i, j, 2] / 255.0
            mx = max(r, g, b)
            mn = min(r, g, b)
            d = mx - mn
            if d == 0.0:
                hue = 0.0
            elif mx == r:
                hue = ((g - b) / d) % 6.0
            elif mx == g:
                hue = (b - r) / d + 2.0
            else:
                hue = (r - g) / d + 4.0
            out[i, j, 0] = hue * 60.0
            out[i, j, 1] = 0.0 if mx == 0.0 else d / mx
            out[i, j, 2] = mx
    return out
""", lambda small: (_rng(129).integers(0, 256, (8, 9, 3) if small else (400, 400, 3)).astype(np.uint8),))


def _a_conv5(small):
    r = _rng(130)
    img = r.integers(0, 256, (14, 15) if small else (300, 300)).astype(np.uint8)
    k = r.standard_normal((5, 5))
    return img, k / np.abs(k).sum()


kernel("conv5x5_uint8", """
def conv5x5_uint8(img, k):
    h, w = img.shape
    out = np.zeros((h - 4, w - 4))
    out8 = np.empty((h - 4, w - 4), dtype=np.uint8)
    for i in range(h - 4):
        for j in range(w - 4):
            s = 0.0
            for a in range(5):
                for b in range(5):
                    s += img[i + a, j + b] * k[a, b]
            out[i, j] = s
            v = int(s + 128.5)
            out8[i, j] = 0 if v < 0 else (255 if v > 255 else v)
    return out, out8
""", _a_conv5)


kernel("rk4_lorenz_alloc", """
def _lorenz(s, p):
    return np.array([p[0] * (s[1] - s[0]), s[0] * (p[1] - s[2]) - s[1], s[0] * s[1] - p[2] * s[2]])

def rk4_lorenz_alloc(s0, p, dt, nsteps):
    s = s0.copy()
    traj = np.empty((nsteps + 1, 3))
    traj[0] = s
    for t in range(nsteps):
        k1 = _lorenz(s, p)
        k2 = _lorenz(s + 0.5 * dt * k1, p)
        k3 = _lorenz(s + 0.5 * dt * k2, p)
        k4 = _lorenz(s + dt * k3, p)
        s = s + (dt / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4)
        traj[t + 1] = s
    return traj
""", lambda small: (np.array([1.0, 1.0, 1.0]), np.array([10.0, 28.0, 8.0 / 3.0]), 0.001,
                    100 if small else 5000))


def _a_lj(small):
    k = 4 if small else 9
    g = np.arange(k) * 1.2
    pos = np.array(np.meshgrid(g, g, g, indexing="ij")).reshape(3, -1).T.copy()
    pos += _rng(131).uniform(-0.15, 0.15, pos.shape)
    return pos, k * 1.2, 2.5


kernel("lj_forces_cutoff", """
def lj_forces_cutoff(pos, box, rc):
    n = pos.shape[0]
    f = np.zeros((n, 3))
    rc2 = rc * rc
    epot = 0.0
    npair = 0
    for i in range(n - 1):
        for j in range(i + 1, n):
            dx = pos[i, 0] - pos[j, 0]
            dy = pos[i, 1] - pos[j, 1]
            dz = pos[i, 2] - pos[j, 2]
            dx -= box * math.floor(dx / box + 0.5)
            dy -= box * math.floor(dy / box + 0.5)
            dz -= box * math.floor(dz / box + 0.5)
            r2 = dx * dx + dy * dy + dz * dz
            if r2 >= rc2:
                continue
            npair += 1
            inv2 = 1.0 / r2
            inv6 = inv2 * inv2 * inv2
            fm = 24.0 * inv2 * inv6 * (2.0 * inv6 - 1.0)
            epot += 4.0 * inv6 * (inv6 - 1.0)
            f[i, 0] += fm * dx
            f[i, 1] += fm * dy
            f[i, 2] += fm * dz
            f[j, 0] -= fm * dx
            f[j, 1] -= fm * dy
            f[j, 2] -= fm * dz
    return f, epot, npair
""", _a_lj)


kernel("sph_cell_list", """
def sph_cell_list(pos, h, L):
    n = pos.shape[0]
    nc = int(L / (2.0 * h))
    cs = L / nc
    cell = np.empty(n, dtype=np.int64)
    counts = np.zeros(nc * nc + 1, dtype=np.int64)
    for i in range(n):
        cx = min(int(pos[i, 0] / cs), nc - 1)
        cy = min(int(pos[i, 1] / cs), nc - 1)
        c = cx * nc + cy
        cell[i] = c
        counts[c + 1] += 1
    start = np.cumsum(counts)
    fill = start[:-1].copy()
    order = np.empty(n, dtype=np.int64)
    for i in range(n):
        c = cell[i]
        order[fill[c]] = i
        fill[c] += 1
    rho = np.zeros(n)
    sigma = 10.0 / (7.0 * math.pi * h * h)
    for i in range(n):
        cx = cell[i] // nc
        cy = cell[i] % nc
        for ox in range(-1, 2):
            x = cx + ox
            if x < 0 or x >= nc:
                continue
            for oy in range(-1, 2):
                y = cy + oy
                if y < 0 or y >= nc:
                    continue
                c = x * nc + y
                for k in range(start[c], start[c + 1]):
                    j = order[k]
                    dx = pos[i, 0] - pos[j, 0]
                    dy = pos[i, 1] - pos[j, 1]
                    q = math.sqrt(dx * dx + dy * dy) / h
                    if q < 1.0:
                        wq = 1.0 - 1.5 * q * q + 0.75 * q * q * q
                    elif q < 2.0:
                        wq = 0.25 * (2.0 - q) ** 3
                    else:
                        continue
                    rho[i] += sigma * wq
    return rho
""", lambda small: (_rng(132).random((60 if small else 8000, 2)) * 10.0, 0.12 if small else 0.06, 10.0))


def _a_h2d(small):
    r = _rng(133)
    n = 100 if small else 300000
    return r.standard_normal(n) * 1.2, r.standard_normal(n) * 0.8 + 0.3, 24, 18, -3.0, 3.0, -2.0, 2.5


kernel("histogram2d_manual", """
def histogram2d_manual(x, y, nx, ny, xmin, xmax, ymin, ymax):
    H = np.zeros((nx, ny), dtype=np.int64)
    sx = nx / (xmax - xmin)
    sy = ny / (ymax - ymin)
    outside = 0
    for i in range(x.shape[0]):
        xi = x[i]
        yi = y[i]
        if xi < xmin or xi >= xmax or yi < ymin or yi >= ymax:
            outside += 1
            continue
        ix = int((xi - xmin) * sx)
        iy = int((yi - ymin) * sy)
        if ix >= nx:
            ix = nx - 1
        if iy >= ny:
            iy = ny - 1
        H[ix, iy] += 1
    return H, outside
""", _a_h2d)


kernel("expm_taylor_batch", """
def expm_taylor_batch(M, terms):
    m, d, _ = M.shape
    out = np.empty_like(M)
    for b in range(m):
        A = M[b]
        nrm = np.abs(A).sum(axis=1).max()
        s = 0
        while nrm > 0.5:
            nrm *= 0.5
            s += 1
        As = A / (2.0 ** s)
        E = np.eye(d)
        T = np.eye(d)
        for k in range(1, terms + 1):
            T = T @ As / k
            E = E + T
        for _ in range(s):
            E = E @ E
        out[b] = E
    return out
""", lambda small: (_rng(134).standard_normal((6 if small else 2000, 4, 4)), 12))


def _a_power(small):
    n = 12 if small else 150
    r = _rng(135)
    Q, _ = np.linalg.qr(r.standard_normal((n, n)))
    ev = np.linspace(1.0, 2.0, n)
    ev[-1] = 4.0
    return (Q * ev) @ Q.T, 60 if small else 200


kernel("power_iteration", """
def power_iteration(A, iters):
    n = A.shape[0]
    v = np.ones(n) / math.sqrt(n)
    lam = 0.0
    for it in range(iters):
        w = A @ v
        lam_new = v @ w
        v = w / np.linalg.norm(w)
        if abs(lam_new - lam) < 1e-14 * abs(lam_new):
            lam = lam_new
            break
        lam = lam_new
    if v[0] < 0.0:
        v = -v
    return lam, v
""", _a_power)


def _a_jac(small):
    r = _rng(136)
    m = 5 if small else 1500
    A = r.standard_normal((m, 5, 5))
    return (A + A.transpose(0, 2, 1),)


kernel("jacobi_eigen_batch", """
def _jacobi_eig(A, tol, maxsweep):
    a = A.copy()
    n = a.shape[0]
    for sweep in range(maxsweep):
        off = 0.0
        for p in range(n):
            for q in range(p + 1, n):
                off += a[p, q] * a[p, q]
        if off < tol:
            break
        for p in range(n - 1):
            for q in range(p + 1, n):
                apq = a[p, q]
                if abs(apq) < 1e-300:
                    continue
                theta = (a[q, q] - a[p, p]) / (2.0 * apq)
                t = (1.0 if theta >= 0.0 else -1.0) / (abs(theta) + math.sqrt(theta * theta + 1.0))
                c = 1.0 / math.sqrt(t * t + 1.0)
                s = t * c
                for k in range(n):
                    akp = a[k, p]
                    akq = a[k, q]
                    a[k, p] = c * akp - s * akq
                    a[k, q] = s * akp + c * akq
                for k in range(n):
                    apk = a[p, k]
                    aqk = a[q, k]
                    a[p, k] = c * apk - s * aqk
                    a[q, k] = s * apk + c * aqk
    return np.sort(np.diag(a))

def jacobi_eigen_batch(M):
    m, n, _ = M.shape
    out = np.empty((m, n))
    for b in range(m):
        out[b] = _jacobi_eig(M[b], 1e-22, 50)
    return out
""", _a_jac)


kernel("conv1d_full", """
def conv1d_full(x, k):
    n = x.shape[0]
    m = k.shape[0]
    out = np.zeros(n + m - 1)
    for i in range(n + m - 1):
        lo = max(0, i - m + 1)
        hi = min(i, n - 1)
        s = 0.0
        for j in range(lo, hi + 1):
            s += x[j] * k[i - j]
        out[i] = s
    return out
""", lambda small: (_rng(137).standard_normal(30 if small else 20000), _rng(138).standard_normal(7 if small else 63)))


def _a_logreg(small):
    r = _rng(139)
    n, d = (30, 4) if small else (2000, 10)
    X = r.standard_normal((n, d))
    wt = r.standard_normal(d)
    y = (X @ wt + 0.5 * r.standard_normal(n) > 0).astype(np.float64)
    return X, y, 0.5, 20 if small else 100, 1e-3


kernel("logreg_gd", """
def logreg_gd(X, y, lr, iters, lam):
    n, d = X.shape
    w = np.zeros(d)
    b = 0.0
    for it in range(iters):
        z = X @ w + b
        p = 1.0 / (1.0 + np.exp(-z))
        r = p - y
        g = X.T @ r / n + lam * w
        gb = np.sum(r) / n
        w -= lr * g
        b -= lr * gb
    z = X @ w + b
    loss = np.mean(np.log(1.0 + np.exp(-z)) + (1.0 - y) * z)
    return w, b, loss
""", _a_logreg)


def _a_bs(small):
    r = _rng(140)
    n = 20 if small else 100000
    return r.uniform(50, 150, n), r.uniform(60, 140, n), r.uniform(0.1, 2.0, n), 0.03, r.uniform(0.1, 0.6, n)


kernel("black_scholes_erf", """
def _ncdf(x):
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))

def black_scholes_erf(S, K, T, r, sig):
    n = S.shape[0]
    call = np.empty(n)
    put = np.empty(n)
    for i in range(n):
        sq = sig[i] * math.sqrt(T[i])
        d1 = (math.log(S[i] / K[i]) + (r + 0.5 * sig[i] ** 2) * T[i]) / sq
        d2 = d1 - sq
        disc = K[i] * math.exp(-r * T[i])
        call[i] = S[i] * _ncdf(d1) - disc * _ncdf(d2)
        put[i] = disc * _ncdf(-d2) - S[i] * _ncdf(-d1)
    return call, put
""", _a_bs)


kernel("random_walk_normal", """
def random_walk_normal(nwalk, nstep, seed):
    np.random.seed(seed)
    final = np.empty(nwalk)
    for w in range(nwalk):
        x = 0.0
        for s in range(nstep):
            x += np.random.normal(0.0, 1.0)
        final[w] = x
    return np.array([final.mean() / math.sqrt(nstep), final.var() / nstep])
""", lambda small: (400 if small else 2000, 50 if small else 500, 7), stat_atol=0.5)


# ---------------------------------------------------------------------------
# types: float32, int16/int32/uint32, complex64, bool, mixed int/float
# ---------------------------------------------------------------------------
def _a_cos32(small):
    r = _rng(141)
    n, m, d = (6, 7, 5) if small else (200, 200, 32)
    return r.standard_normal((n, d)).astype(np.float32), r.standard_normal((m, d)).astype(np.float32)


kernel("float32_cosine_sim", """
def float32_cosine_sim(A, B):
    n, d = A.shape
    m = B.shape[0]
    out = np.empty((n, m), dtype=np.float32)
    na = np.empty(n, dtype=np.float32)
    nb = np.empty(m, dtype=np.float32)
    for i in range(n):
        s = np.float32(0.0)
        for k in range(d):
            s += A[i, k] * A[i, k]
        na[i] = np.sqrt(s)
    for j in range(m):
        s = np.float32(0.0)
        for k in range(d):
            s += B[j, k] * B[j, k]
        nb[j] = np.sqrt(s)
    for i in range(n):
        for j in range(m):
            s = np.float32(0.0)
            for k in range(d):
                s += A[i, k] * B[j, k]
            out[i, j] = s / (na[i] * nb[j])
    return out
""", _a_cos32)


def _a_iir(small):
    x = _rng(142).standard_normal((4 if small else 16, 40 if small else 20000)).astype(np.float32)
    coef = np.array([0.2, 0.3, 0.2, -0.5, 0.25], dtype=np.float32)   # b0 b1 b2 a1 a2
    return x, coef


kernel("float32_biquad", """
def float32_biquad(x, coef):
    nch, n = x.shape
    y = np.empty_like(x)
    b0 = coef[0]
    b1 = coef[1]
    b2 = coef[2]
    a1 = coef[3]
    a2 = coef[4]
    for c in range(nch):
        x1 = np.float32(0.0)
        x2 = np.float32(0.0)
        y1 = np.float32(0.0)
        y2 = np.float32(0.0)
        for t in range(n):
            xt = x[c, t]
            yt = b0 * xt + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2
            y[c, t] = yt
            x2 = x1
            x1 = xt
            y2 = y1
            y1 = yt
    return y
""", _a_iir)


kernel("int16_gradient", """
def int16_gradient(a, thr):
    h, w = a.shape
    mag = np.zeros((h, w), dtype=np.int32)
    strong = 0
    for i in range(1, h - 1):
        for j in range(1, w - 1):
            gx = np.int32(a[i, j + 1]) - np.int32(a[i, j - 1])
            gy = np.int32(a[i + 1, j]) - np.int32(a[i - 1, j])
            m = abs(gx) + abs(gy)
            mag[i, j] = m
            if m > thr:
                strong += 1
    return mag, strong
""", lambda small: (_rng(143).integers(-30000, 30000, (9, 10) if small else (600, 600)).astype(np.int16), 40000))


kernel("adler32_uint32", """
def adler32_uint32(recs):
    n, m = recs.shape
    out = np.empty(n, dtype=np.uint32)
    MOD = np.uint32(65521)
    for i in range(n):
        a = np.uint32(1)
        b = np.uint32(0)
        for j in range(m):
            a = (a + recs[i, j]) % MOD
            b = (b + a) % MOD
        out[i] = (b << np.uint32(16)) | a
    return out
""", lambda small: (_rng(144).integers(0, 256, (6 if small else 4000, 300)).astype(np.uint8),))


kernel("int32_lcg_table", """
def int32_lcg_table(n, seed, size):
    table = np.zeros(size, dtype=np.int32)
    x = np.int32(seed)
    for i in range(n):
        x = np.int32((np.int64(x) * 1103515245 + 12345) & 0x7FFFFFFF)
        k = x % size
        table[k] += np.int32(1)
        if table[k] > 3:
            table[k] = np.int32(0)
    return table
""", lambda small: (300 if small else 1000000, 42, 997))


def _a_c64(small):
    n = 64 if small else 4096
    r = _rng(145)
    x = (r.standard_normal(n) + 1j * r.standard_normal(n)).astype(np.complex64)
    tw = np.exp(-2j * np.pi * np.arange(n) / n).astype(np.complex64)
    return x, tw, np.arange(0, n, max(1, n // 64)).astype(np.int64)


kernel("complex64_dft_bins", """
def complex64_dft_bins(x, tw, bins):
    n = x.shape[0]
    k = bins.shape[0]
    out = np.empty(k, dtype=np.complex64)
    mag = np.empty(k, dtype=np.float32)
    for b in range(k):
        acc = np.complex64(0.0)
        f = bins[b]
        for t in range(n):
            acc += x[t] * tw[(f * t) % n]
        out[b] = acc
        mag[b] = abs(acc)
    return out, mag
""", _a_c64)


kernel("bool_life_steps", """
def bool_life_steps(grid, steps):
    g = grid.copy()
    h, w = g.shape
    new = np.empty_like(g)
    for s in range(steps):
        for i in range(h):
            for j in range(w):
                c = 0
                for di in range(-1, 2):
                    for dj in range(-1, 2):
                        if (di != 0 or dj != 0) and g[(i + di) % h, (j + dj) % w]:
                            c += 1
                new[i, j] = c == 3 or (g[i, j] and c == 2)
        g, new = new, g
    return g, np.count_nonzero(g)
""", lambda small: (_rng(146).random((10, 12) if small else (160, 160)) < 0.3, 4 if small else 10))


kernel("torus_count_tuple_offsets", """
def torus_count_tuple_offsets(g, reps):
    n, m = g.shape
    c = 0
    for r in range(reps):
        for i in range(n):
            for j in range(m):
                for di in (-1, 0, 1):
                    for dj in (-1, 0, 1):
                        if di or dj:
                            c += g[(i + di) % n, (j + dj) % m]
    return c
""", lambda small: ((np.arange(96 * 96).reshape(96, 96) % 3 == 0).astype(np.int64), 2 if small else 50))


kernel("saturating_add_int8", """
def saturating_add_int8(a, b):
    out = np.empty_like(a)
    for i in range(a.shape[0]):
        s = np.int16(a[i]) + np.int16(b[i])
        if s > 127:
            s = 127
        elif s < -128:
            s = -128
        out[i] = s
    return out
""", lambda small: (_rng(150).integers(-128, 128, 50 if small else 4000000).astype(np.int8),
                    _rng(151).integers(-128, 128, 50 if small else 4000000).astype(np.int8)))


kernel("life_rule_periodic_int8", """
def life_rule_periodic_int8(g, steps):
    h, w = g.shape
    nxt = np.empty_like(g)
    for s in range(steps):
        for i in range(h):
            for j in range(w):
                c = g[i, j] + g[i, (j + 1) % w] + g[(i + 1) % h, j] + g[(i - 1) % h, (j - 1) % w]
                nxt[i, j] = 1 if (c == 3 or (c == 2 and g[i, j])) else 0
        g, nxt = nxt, g
    return g
""", lambda small: ((_rng(152).random((9, 13) if small else (1024, 1024)) < 0.3).astype(np.int8), 2 if small else 4))


kernel("blur3x3_clamp_edges", """
def blur3x3_clamp_edges(img):
    ny, nx = img.shape
    out = np.empty_like(img)
    for i in range(ny):
        for j in range(nx):
            s = 0.0
            for di in range(-1, 2):
                for dj in range(-1, 2):
                    ii = i + di
                    jj = j + dj
                    if ii < 0:
                        ii = 0
                    if ii >= ny:
                        ii = ny - 1
                    if jj < 0:
                        jj = 0
                    if jj >= nx:
                        jj = nx - 1
                    s += img[ii, jj]
            out[i, j] = s / 9.0
    return out
""", lambda small: (_rng(153).random((7, 9) if small else (1000, 1000)),))


kernel("mixed_int_float", """
def mixed_int_float(a, x):
    n = a.shape[0]
    out = np.empty(n)
    q = np.empty(n, dtype=np.int64)
    for i in range(n):
        k = a[i]
        q[i] = k // 7 + (k % 7) * 3 - (-k) // 5
        v = x[i] * k + k / 3 - math.floor(x[i] * 2.5) + (k % 4) ** 2
        if k & 1:
            v = -v / (1 + abs(k))
        out[i] = v + divmod(k, 9)[1] + x[i] % 1.5
    return out, q
""", lambda small: (_rng(147).integers(-1000, 1000, 30 if small else 200000).astype(np.int64),
                    _rng(148).standard_normal(30 if small else 200000) * 4.0))


# ---------------------------------------------------------------------------
# more NumPy calls, ragged containers, records, strings, closures, generators
# ---------------------------------------------------------------------------
kernel("unique_bincount_rows", """
def unique_bincount_rows(A, nbins):
    n = A.shape[0]
    nuniq = np.empty(n, dtype=np.int64)
    mode = np.empty(n, dtype=np.int64)
    for i in range(n):
        u = np.unique(A[i])
        nuniq[i] = u.shape[0]
        bc = np.bincount(A[i], minlength=nbins)
        mode[i] = np.argmax(bc)
    return nuniq, mode
""", lambda small: (_rng(151).integers(0, 20, (8 if small else 20000, 24)).astype(np.int64), 20))


def _a_interp(small):
    r = _rng(152)
    n = 6 if small else 5000
    xp = np.cumsum(r.random(32)) 
    return r.uniform(xp[0] - 1, xp[-1] + 1, (n, 16)), xp, np.sin(xp)


kernel("interp_rows", """
def interp_rows(Q, xp, fp):
    n = Q.shape[0]
    out = np.empty_like(Q)
    tot = 0.0
    for i in range(n):
        out[i] = np.interp(Q[i], xp, fp)
        tot += np.interp(Q[i, 0], xp, fp)
    return out, tot
""", _a_interp)


kernel("np_histogram_blocks", """
def np_histogram_blocks(x, block, nb):
    nblk = x.shape[0] // block
    H = np.empty((nblk, nb), dtype=np.int64)
    for b in range(nblk):
        h, e = np.histogram(x[b * block:(b + 1) * block], bins=nb, range=(-3.0, 3.0))
        H[b] = h
    return H
""", lambda small: (_rng(153).standard_normal(300 if small else 200000), 50, 12))


def _a_cross(small):
    r = _rng(154)
    n = 10 if small else 20000
    return r.standard_normal((n, 3)), r.standard_normal((n, 3))


kernel("cross_outer_loop", """
def cross_outer_loop(U, V):
    n = U.shape[0]
    C = np.empty((n, 3))
    S = np.zeros((3, 3))
    for i in range(n):
        c = np.cross(U[i], V[i])
        C[i] = c
        S += np.outer(c, U[i])
    return C, S
""", _a_cross)


kernel("concatenate_grow", """
def concatenate_grow(x, thr):
    out = np.empty(0)
    chunk = np.empty(0, dtype=np.int64)
    for i in range(x.shape[0]):
        if x[i] > thr:
            out = np.concatenate((out, x[i:i + 2]))
        if i % 97 == 0:
            chunk = np.append(chunk, i)
    return out, chunk
""", lambda small: (_rng(155).standard_normal(60 if small else 6000), 1.5))


kernel("bool_mask_fancy_rows", """
def bool_mask_fancy_rows(X, idx):
    n = X.shape[0]
    pos = np.empty(n)
    pick = np.empty(n)
    for i in range(n):
        row = X[i]
        sel = row[row > 0.0]
        pos[i] = sel.sum() / max(sel.shape[0], 1)
        pick[i] = row[idx].sum()
        row2 = row.copy()
        row2[row2 < -1.0] = -1.0
        pick[i] += row2.min()
    return pos, pick
""", lambda small: (_rng(156).standard_normal((8 if small else 30000, 20)), np.array([0, 3, 3, 7, 19], dtype=np.int64)))


def _a_ragged(small):
    r = _rng(157)
    n = 12 if small else 20000
    lens = r.integers(1, 30, n)
    return r.standard_normal(int(lens.sum())), np.concatenate([[0], np.cumsum(lens)]).astype(np.int64)


kernel("typed_list_ragged", """
def typed_list_ragged(vals, offs):
    lst = typed.List()
    for i in range(offs.shape[0] - 1):
        lst.append(vals[offs[i]:offs[i + 1]].copy())
    out = np.empty(len(lst))
    k = 0
    for a in lst:
        a.sort()
        out[k] = a[a.shape[0] // 2] + a[-1]
        k += 1
    return out, len(lst)
""", _a_ragged)


kernel("closure_inner_func", """
def closure_inner_func(x, alpha, beta):
    def smooth(v):
        return alpha * v / (1.0 + beta * abs(v))
    n = x.shape[0]
    out = np.empty(n)
    acc = 0.0
    for i in range(n):
        acc = smooth(acc + x[i])
        out[i] = acc
    return out
""", lambda small: (_rng(158).standard_normal(50 if small else 300000), 0.9, 0.1))


kernel("generator_primes", """
def _primes_upto(n):
    for k in range(2, n):
        isp = True
        d = 2
        while d * d <= k:
            if k % d == 0:
                isp = False
                break
            d += 1
        if isp:
            yield k

def generator_primes(n):
    s = 0
    c = 0
    last = 0
    for p in _primes_upto(n):
        s += p
        c += 1
        last = p
    return s, c, last
""", lambda small: (200 if small else 60000,))


kernel("generator_windows", """
def _windows(n, w, step):
    start = 0
    while start + w <= n:
        yield start, start + w
        start += step

def generator_windows(x):
    best = -1e300
    at = -1
    for lo, hi in _windows(x.shape[0], 64, 16):
        s = 0.0
        for i in range(lo, hi):
            s += x[i]
        if s > best:
            best = s
            at = lo
    return best, at
""", lambda small: (_rng(162).standard_normal(300 if small else 400000),))


kernel("generator_per_item", """
def _neighbours(i, n):
    if i > 0:
        yield i - 1
    if i + 1 < n:
        yield i + 1

def generator_per_item(x):
    n = x.shape[0]
    out = np.empty(n)
    for i in range(n):
        s = 0.0
        for j in _neighbours(i, n):
            s += x[j]
        out[i] = 0.5 * x[i] + 0.25 * s
    return out
""", lambda small: (_rng(163).standard_normal(50 if small else 200000),))


_REC = np.dtype([("x", np.float64), ("y", np.float64), ("m", np.float32), ("tag", np.int32)])


def _a_rec(small):
    r = _rng(159)
    n = 20 if small else 100000
    a = np.empty(n, dtype=_REC)
    a["x"] = r.standard_normal(n)
    a["y"] = r.standard_normal(n)
    a["m"] = r.random(n).astype(np.float32)
    a["tag"] = r.integers(0, 4, n).astype(np.int32)
    return (a,)


kernel("record_array_com", """
def record_array_com(parts):
    n = parts.shape[0]
    cx = np.zeros(4)
    cy = np.zeros(4)
    mt = np.zeros(4)
    for i in range(n):
        p = parts[i]
        t = p['tag']
        cx[t] += p['x'] * p['m']
        cy[t] += p['y'] * p['m']
        mt[t] += p['m']
    for i in range(n):
        if parts[i]['tag'] == 0:
            parts[i]['x'] = 0.0
    return cx / mt, cy / mt, parts['x'].sum()
""", _a_rec, mutates=True)


_BODY = np.dtype([("px", np.float64), ("py", np.float64), ("vx", np.float64), ("vy", np.float64),
                  ("mass", np.float32), ("alive", np.bool_)])


def _a_bodies(small):
    r = _rng(161)
    n = 12 if small else 20000
    a = np.zeros(n, dtype=_BODY)
    for f in ("px", "py", "vx", "vy"):
        a[f] = r.standard_normal(n)
    a["mass"] = (r.random(n) + 0.5).astype(np.float32)
    a["alive"] = r.random(n) < 0.9
    return (a.view(np.recarray), 0.01)   # records by attribute in CPython too


kernel("record_leapfrog", """
def record_leapfrog(bodies, dt):
    ke = 0.0
    for step in range(10):
        for i in range(bodies.shape[0]):
            b = bodies[i]
            if not b.alive:
                continue
            r2 = b.px * b.px + b.py * b.py + 0.01
            inv = 1.0 / (r2 * np.sqrt(r2))
            b.vx -= dt * b.px * inv
            b.vy -= dt * b.py * inv
            b.px += dt * b.vx
            b.py += dt * b.vy
    for b in bodies:
        ke += 0.5 * b.mass * (b.vx * b.vx + b.vy * b.vy)
    return ke
""", _a_bodies, mutates=True)


kernel("record_field_views", """
def record_field_views(bodies, dt):
    out = np.zeros(bodies.shape[0], dtype=bodies.dtype)
    k = 0
    for i in range(bodies.shape[0]):
        if bodies[i]['alive'] and bodies[i]['mass'] > 0.8:
            out[k] = bodies[i]
            k += 1
    x = out['px'][:k]
    y = out['py'][:k]
    return np.sqrt(x * x + y * y).mean(), k
""", _a_bodies)


def _a_text(small):
    r = np.random.default_rng(160)
    words = ["alpha", "beta", "gamma", "delta", "eps", "zeta", "eta"]
    n = 40 if small else 20000
    return (" ".join(words[k] for k in r.integers(0, len(words), n)),)


kernel("unicode_word_lengths", """
def unicode_word_lengths(text):
    parts = text.split(' ')
    total = 0
    longest = ''
    nstart = 0
    for w in parts:
        total += len(w)
        if len(w) > len(longest):
            longest = w
        if w.startswith('e'):
            nstart += 1
    return total, longest, nstart, len(parts)
""", _a_text)


kernel("eigh_batch", """
def eigh_batch(M):
    m, n, _ = M.shape
    lam = np.empty((m, n))
    cond = np.empty(m)
    for b in range(m):
        w, v = np.linalg.eigh(M[b])
        lam[b] = w
        cond[b] = abs(w[-1]) / max(abs(w[0]), 1e-300)
    return lam, cond
""", lambda small: (_a_jac(small)[0],))


kernel("argsort_rank_rows", """
def argsort_rank_rows(X):
    n, d = X.shape
    R = np.empty((n, d), dtype=np.int64)
    for i in range(n):
        o = np.argsort(X[i])
        R[i, o] = np.arange(d)
    return R
""", lambda small: (_rng(161).standard_normal((8 if small else 30000, 12)),))


kernel("enumerate_zip_clip", """
def enumerate_zip_clip(x, y, lo, hi):
    s = 0.0
    acc = np.zeros(4)
    for i, (a, b) in enumerate(zip(x, y)):
        c = min(max(a * b, lo), hi)
        s += c
        acc[i % 4] += round(c, 2)
    z = np.clip(x, lo, hi)
    return s, acc, np.round(z, 3)
""", lambda small: (_rng(162).standard_normal(40 if small else 200000), _rng(163).standard_normal(40 if small else 200000), -0.5, 0.7))


kernel("murmur3_32_uint32", """
def _rotl32(x, r):
    return np.uint32((x << np.uint32(r)) | (x >> np.uint32(32 - r)))

def _fmix32(h):
    h ^= h >> np.uint32(16)
    h = np.uint32(h * np.uint32(0x85ebca6b))
    h ^= h >> np.uint32(13)
    h = np.uint32(h * np.uint32(0xc2b2ae35))
    h ^= h >> np.uint32(16)
    return h

def murmur3_32_uint32(keys, seed):
    n, m = keys.shape
    out = np.empty(n, dtype=np.uint32)
    c1 = np.uint32(0xcc9e2d51)
    c2 = np.uint32(0x1b873593)
    for i in range(n):
        h = np.uint32(seed)
        for j in range(m):
            k = np.uint32(keys[i, j] * c1)
            k = _rotl32(k, 15)
            k = np.uint32(k * c2)
            h ^= k
            h = _rotl32(h, 13)
            h = np.uint32(h * np.uint32(5) + np.uint32(0xe6546b64))
        h ^= np.uint32(4 * m)
        out[i] = _fmix32(h)
    return out
""", lambda small: (_rng(164).integers(0, 2 ** 32, (8 if small else 20000, 16)).astype(np.uint32), 0x9747b28c))


kernel("int16_wrap_saturate", """
def int16_wrap_saturate(a, b):
    n = a.shape[0]
    wrap = np.empty(n, dtype=np.int16)
    sat = np.empty(n, dtype=np.int16)
    nover = 0
    for i in range(n):
        wrap[i] = a[i] + b[i]
        t = int(a[i]) + int(b[i])
        if t > 32767:
            t = 32767
            nover += 1
        elif t < -32768:
            t = -32768
            nover += 1
        sat[i] = t
    return wrap, sat, nover
""", lambda small: (_rng(165).integers(-32768, 32768, 40 if small else 300000).astype(np.int16),
                    _rng(166).integers(-32768, 32768, 40 if small else 300000).astype(np.int16)))


# ---------------------------------------------------------------------------
# prange
# ---------------------------------------------------------------------------
kernel("row_median_prange", """
def row_median_prange(X):
    n, d = X.shape
    out = np.empty(n)
    for i in prange(n):
        tmp = np.empty(d)
        for k in range(d):
            tmp[k] = abs(X[i, k])
        s = np.sort(tmp)
        out[i] = 0.5 * (s[d // 2 - 1] + s[d // 2])
    return out
""", lambda small: (_rng(149).standard_normal((16 if small else 20000, 16)),), parallel=True)


kernel("reduce_prange_mixed", """
def reduce_prange_mixed(x, thr):
    n = x.shape[0]
    cnt = 0
    s = 0.0
    m = np.inf
    for i in prange(n):
        v = x[i]
        if v > thr:
            cnt += 1
            s += v * v
        m = min(m, v)
    return cnt, s, m
""", lambda small: (_rng(150).standard_normal(100 if small else 1000000), 0.7), parallel=True)


# ---------------------------------------------------------------------------
# session 26: int() of floats in vector loops, array helpers, short row reductions
# ---------------------------------------------------------------------------
kernel("tone_map_uint8", """
def tone_map_uint8(img, gain, gamma):
    h, w, c = img.shape
    out = np.empty((h, w, c), dtype=np.uint8)
    for i in range(h):
        for j in range(w):
            for k in range(c):
                v = int(255.0 * (img[i, j, k] * gain) ** gamma + 0.5)
                out[i, j, k] = 255 if v > 255 else v
    return out
""", lambda small: (_rng(160).random((8 if small else 400, 9 if small else 600, 3)), 1.1, 0.8))


kernel("helper_vec3_steps", """
def _accel(p, q, m):
    d = q - p
    r2 = d[0] * d[0] + d[1] * d[1] + d[2] * d[2] + 0.01
    return m * d / (r2 * np.sqrt(r2))

def helper_vec3_steps(p0, v0, q, m, dt, nsteps):
    p = p0.copy()
    v = v0.copy()
    for t in range(nsteps):
        a = _accel(p, q, m)
        v = v + dt * a
        p = p + dt * v
    return p, v
""", lambda small: (np.array([1.0, 0.0, 0.0]), np.array([0.0, 1.0, 0.2]), np.zeros(3), 1.0, 0.001,
                    50 if small else 20000))


kernel("short_row_stats", """
def short_row_stats(X):
    n = X.shape[0]
    out = np.empty((n, 3))
    for i in range(n):
        r = X[i]
        out[i, 0] = r.sum()
        out[i, 1] = r.mean()
        out[i, 2] = np.sqrt((r * r).sum())
    return out
""", lambda small: (_rng(161).standard_normal((20 if small else 200000, 4)),))


# session 27: two loops over the last two axes, the inner one over a few elements (channels,
# coordinates, columns) given at run time
kernel("srgb_to_linear", """
def srgb_to_linear(img):
    h, w, c = img.shape
    out = np.empty((h, w, c))
    for i in range(h):
        for j in range(w):
            for k in range(c):
                v = img[i, j, k]
                if v <= 0.04045:
                    out[i, j, k] = v / 12.92
                else:
                    out[i, j, k] = ((v + 0.055) / 1.055) ** 2.4
    return out
""", lambda small: (_rng(170).random((8 if small else 300, 9 if small else 400, 3)),))


kernel("particles_drift", """
def particles_drift(pos, vel, dt, damping, nsteps):
    n = pos.shape[0]
    for s in range(nsteps):
        for i in range(n):
            for d in range(pos.shape[1]):
                pos[i, d] += vel[i, d] * dt
                vel[i, d] *= damping
    return pos[0, 0] + vel[-1, -1]
""", lambda small: (_rng(171).random((30 if small else 100000, 3)), _rng(172).random((30 if small else 100000, 3)),
                    0.01, 0.999, 2 if small else 5))


kernel("blend_layers_f32", """
def blend_layers_f32(a, b, t):
    h, w, c = a.shape
    out = np.empty_like(a)
    u = np.float32(t)
    v = np.float32(1.0 - t)
    for i in range(h):
        for j in range(w):
            for k in range(c):
                out[i, j, k] = a[i, j, k] * u + b[i, j, k] * v
    return out
""", lambda small: (_rng(173).random((8 if small else 500, 9 if small else 500, 4)).astype(np.float32),
                    _rng(174).random((8 if small else 500, 9 if small else 500, 4)).astype(np.float32), 0.3))


kernel("exp_decay_columns", """
def exp_decay_columns(t, rates):
    n, m = t.shape
    out = np.empty((n, m))
    for j in range(n):
        for k in range(m):
            out[j, k] = math.exp(-t[j, k] * rates[j, k])
    return out
""", lambda small: (_rng(175).random((20 if small else 100000, 5)), _rng(176).random((20 if small else 100000, 5))))


# session 27: float division in loops (its ZeroDivisionError test is a side exit)
kernel("vec_angle", """
def vec_angle(U, V):
    n = U.shape[0]
    out = np.empty(n)
    for i in range(n):
        d = U[i, 0] * V[i, 0] + U[i, 1] * V[i, 1] + U[i, 2] * V[i, 2]
        nu = math.sqrt(U[i, 0] ** 2 + U[i, 1] ** 2 + U[i, 2] ** 2)
        nv = math.sqrt(V[i, 0] ** 2 + V[i, 1] ** 2 + V[i, 2] ** 2)
        out[i] = math.acos(min(1.0, max(-1.0, d / (nu * nv))))
    return out
""", lambda small: (_rng(180).random((30 if small else 200000, 3)), _rng(181).random((30 if small else 200000, 3))))


kernel("minmax_scale", """
def minmax_scale(x, lo, hi):
    out = np.empty_like(x)
    for i in range(x.shape[0]):
        out[i] = (x[i] - lo[i]) / (hi[i] - lo[i])
    return out
""", lambda small: (_rng(182).random(50 if small else 1000000), _rng(183).random(50 if small else 1000000) - 1.0,
                    _rng(184).random(50 if small else 1000000) + 1.0))


kernel("relative_error", """
def relative_error(a, b):
    s = 0.0
    worst = 0.0
    for i in range(a.shape[0]):
        e = abs(a[i] - b[i]) / abs(b[i])
        s += e
        worst = max(worst, e)
    return s / a.shape[0], worst
""", lambda small: (_rng(185).random(50 if small else 1000000), _rng(186).random(50 if small else 1000000) + 0.5))


# session 27: float sums under a condition (a threshold, NaN skipped)
kernel("sum_above_threshold", """
def sum_above_threshold(a, t):
    s = 0.0
    n = 0
    for i in range(a.shape[0]):
        if a[i] > t:
            s += a[i]
            n += 1
    return s, n
""", lambda small: (_rng(187).standard_normal(50 if small else 1000000), 0.25))


kernel("nan_skipping_stats", """
def nan_skipping_stats(x):
    s = 0.0
    s2 = 0.0
    n = 0
    for v in x:
        if not math.isnan(v):
            s += v
            s2 += v * v
            n += 1
    mean = s / n
    return mean, s2 / n - mean * mean
""", lambda small: (np.where(_rng(188).random(50 if small else 1000000) < 0.15, np.nan,
                             _rng(189).standard_normal(50 if small else 1000000)),))


# session 30: a helper with two calls of one maths function (SLP packs them into one 2-wide
# vector call when the helper is optimised alone, and that call stops the caller's loop
# vectoriser), called in a loop over arrays
kernel("gauss_pair_helper", """
def _g2(x, y, sx, sy):
    return math.exp(-0.5 * (x / sx) ** 2) * math.exp(-0.5 * (y / sy) ** 2)

def gauss_pair_helper(X, Y, sx, sy):
    out = np.empty(X.shape[0])
    for i in range(X.shape[0]):
        out[i] = _g2(X[i], Y[i], sx, sy)
    return out
""", lambda small: (_rng(190).standard_normal(40 if small else 200000), _rng(191).standard_normal(40 if small else 200000),
                    1.5, 0.7))


kernel("kl_terms_helper", """
def _kl(p, q):
    return p * (math.log(p) - math.log(q))

def kl_terms_helper(P, Q):
    s = 0.0
    for i in range(P.shape[0]):
        s += _kl(P[i], Q[i])
    return s
""", lambda small: (_rng(192).random(40 if small else 200000) + 0.01, _rng(193).random(40 if small else 200000) + 0.01))


kernel("polar_pairs_helper", """
def _chord(r1, t1, r2, t2):
    dx = r1 * math.cos(t1) - r2 * math.cos(t2)
    dy = r1 * math.sin(t1) - r2 * math.sin(t2)
    return math.sqrt(dx * dx + dy * dy), math.atan2(dy, dx)

def polar_pairs_helper(R, T):
    n = R.shape[0] - 1
    dist = np.empty(n)
    ang = np.empty(n)
    for i in range(n):
        d, a = _chord(R[i], T[i], R[i + 1], T[i + 1])
        dist[i] = d
        ang[i] = a
    return dist, ang
""", lambda small: (_rng(194).random(40 if small else 200000) + 0.5, _rng(195).uniform(-3.0, 3.0, 40 if small else 200000)))


# session 30: sums under a mask whose element is read only where the mask holds (the branch's
# side reads it): made an unconditional update, the element read whether or not it is added
kernel("masked_mean", """
def masked_mean(x, m):
    s = 0.0
    c = 0
    for i in range(x.shape[0]):
        if m[i]:
            s += x[i]
            c += 1
    return s / c
""", lambda small: (_rng(196).standard_normal(40 if small else 1000000), _rng(197).random(40 if small else 1000000) < 0.5))


kernel("masked_weighted_rows", """
def masked_weighted_rows(X, M, w):
    out = np.zeros(X.shape[0])
    for i in range(X.shape[0]):
        s = 0.0
        for j in range(X.shape[1]):
            if M[i, j] > 0:
                s += X[i, j] * w[j]
        out[i] = s
    return out
""", lambda small: (_rng(198).standard_normal((8 if small else 2000, 5 if small else 300)),
                    _rng(199).integers(-2, 3, (8 if small else 2000, 5 if small else 300)),
                    _rng(200).random(5 if small else 300)))


# ---------------------------------------------------------------------------
# jitclass: state objects with array fields, methods in loops, small objects made per step
# ---------------------------------------------------------------------------
kernel("jitclass_welford_groups", """
@jitclass([("n", types.int64[:]), ("mean", types.float64[:]), ("m2", types.float64[:])])
class Groups:
    def __init__(self, k):
        self.n = np.zeros(k, dtype=np.int64)
        self.mean = np.zeros(k)
        self.m2 = np.zeros(k)

    def push(self, g, x):
        self.n[g] += 1
        d = x - self.mean[g]
        self.mean[g] += d / self.n[g]
        self.m2[g] += d * (x - self.mean[g])

    def variance(self, g):
        return self.m2[g] / (self.n[g] - 1) if self.n[g] > 1 else 0.0

def jitclass_welford_groups(groups, x):
    acc = Groups(16)
    for i in range(x.shape[0]):
        acc.push(groups[i], x[i])
    out = np.empty(16)
    for g in range(16):
        out[g] = acc.variance(g)
    return out
""", lambda small: (_rng(201).integers(0, 16, 40 if small else 500000), _rng(202).standard_normal(40 if small else 500000)))


kernel("jitclass_particle_steps", """
@jitclass([("pos", types.float64[:, ::1]), ("vel", types.float64[:, ::1]), ("damping", types.float64)])
class Cloud:
    def __init__(self, pos, vel, damping):
        self.pos = pos.copy()
        self.vel = vel.copy()
        self.damping = damping

    def step(self, dt):
        for i in range(self.pos.shape[0]):
            for d in range(self.pos.shape[1]):
                self.vel[i, d] = self.vel[i, d] * self.damping - dt * self.pos[i, d]
                self.pos[i, d] += dt * self.vel[i, d]

    def energy(self):
        e = 0.0
        for i in range(self.pos.shape[0]):
            for d in range(self.pos.shape[1]):
                e += 0.5 * (self.vel[i, d] ** 2 + self.pos[i, d] ** 2)
        return e

def jitclass_particle_steps(pos, vel, dt):
    c = Cloud(pos, vel, 0.999)
    for _ in range(20):
        c.step(dt)
    return c.energy()
""", lambda small: (_rng(203).standard_normal((10 if small else 20000, 3)), _rng(204).standard_normal((10 if small else 20000, 3)), 0.01))


kernel("jitclass_small_objects", """
@jitclass([("x", types.float64), ("y", types.float64)])
class V2:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def plus(self, o):
        return V2(self.x + o.x, self.y + o.y)

    def times(self, k):
        return V2(self.x * k, self.y * k)

def jitclass_small_objects(xs, ys):
    acc = V2(0.0, 0.0)
    pts = []
    for i in range(xs.shape[0]):
        p = V2(xs[i], ys[i])
        acc = acc.plus(p.times(0.5))
        if i % 64 == 0:
            pts.append(p)
    far = 0.0
    for p in pts:
        far = max(far, p.x * p.x + p.y * p.y)
    return acc.x, acc.y, far, len(pts)
""", lambda small: (_rng(205).standard_normal(40 if small else 200000), _rng(206).standard_normal(40 if small else 200000)))


kernel("jitclass_linked_list", """
_node_t = types.deferred_type()

@jitclass([("key", types.int64), ("weight", types.float64), ("next", types.optional(_node_t))])
class Node:
    def __init__(self, key, weight, next):
        self.key = key
        self.weight = weight
        self.next = next

_node_t.define(Node.class_type.instance_type)

def jitclass_linked_list(keys, weights):
    head = None
    for i in range(keys.shape[0]):
        head = Node(keys[i], weights[i], head)
    total = 0.0
    count = 0
    node = head
    while node is not None:
        if node.key % 3 == 0:
            total += node.weight
            count += 1
        node = node.next
    return total, count
""", lambda small: (_rng(207).integers(0, 1000, 30 if small else 50000), _rng(208).random(30 if small else 50000)))


# ---------------------------------------------------------------------------
# A try around a call in a loop (numba catches only `except Exception` from a callee)
# ---------------------------------------------------------------------------
kernel("try_call_skip_bad", """
def _parse_ratio(num, den):
    if den == 0.0:
        raise ValueError("zero denominator")
    r = num / den
    if r != r:
        raise ValueError("not a number")
    return r

def try_call_skip_bad(nums, dens):
    total = 0.0
    bad = 0
    for i in range(nums.shape[0]):
        try:
            total += _parse_ratio(nums[i], dens[i])
        except Exception:
            bad += 1
    return total, bad
""", lambda small: (lambda r, n: (r.random(n), np.where(r.random(n) < 0.002, 0.0, r.random(n) + 0.5)))(
    _rng(209), 40 if small else 200000))


# ---------------------------------------------------------------------------
# Integer powers of floats
# ---------------------------------------------------------------------------
kernel("vandermonde_lstsq_cols", """
def vandermonde_lstsq_cols(x, deg):
    n = x.shape[0]
    V = np.empty((n, deg + 1))
    for j in range(deg + 1):
        V[:, j] = x ** j
    G = V.T @ V
    return G, V[:, deg].sum()
""", lambda small: (_rng(210).random(20 if small else 20000), 5))


kernel("lennard_jones_pow", """
def lennard_jones_pow(pos, sigma, eps):
    n = pos.shape[0]
    e = 0.0
    for i in range(n):
        for j in range(i + 1, n):
            dx = pos[i, 0] - pos[j, 0]
            dy = pos[i, 1] - pos[j, 1]
            dz = pos[i, 2] - pos[j, 2]
            r = math.sqrt(dx * dx + dy * dy + dz * dz)
            sr = sigma / r
            e += 4.0 * eps * (sr ** 12 - sr ** 6)
    return e
""", lambda small: (_rng(211).random((12 if small else 600, 3)) * 10.0, 1.0, 0.5))


kernel("generator_scaled_values", """
def _scaled(a, lo, scale):
    for x in a:
        if x >= lo:
            yield (x - lo) * scale

def generator_scaled_values(a, lo, scale):
    s = 0.0
    n = 0
    for v in _scaled(a, lo, scale):
        s += v
        n += 1
    return s, n
""", lambda small: (_rng(212).random(30 if small else 200000), 0.25, 4.0))


# ---------------------------------------------------------------------------
# Session 34: strided loads (a record array's fields, an (n, 2) polygon), a counting prange,
# selection, index iterators
# ---------------------------------------------------------------------------
_PARTICLE = np.dtype([("x", np.float64), ("y", np.float64), ("vx", np.float64), ("vy", np.float64),
                      ("m", np.float32), ("id", np.int32)])


def _a_particles(small):
    r = _rng(213)
    n = 20 if small else 5000
    p = np.zeros(n, dtype=_PARTICLE)
    p["x"] = r.random(n)
    p["y"] = r.random(n) * 10.0
    p["vx"] = r.standard_normal(n)
    p["vy"] = r.standard_normal(n)
    return (p,)


kernel("record_particles_step", """
def record_particles_step(parts):
    for k in range(20):
        for p in parts:
            p['vy'] -= 0.00981
            p['x'] += p['vx'] * 0.001
            p['y'] += p['vy'] * 0.001
    return parts['y'].sum()
""", _a_particles, mutates=True)


def _a_polygon(small):
    t = np.linspace(0.0, 2.0 * np.pi, 60, endpoint=False)
    poly = np.stack((np.cos(t) * (1.0 + 0.3 * np.sin(5.0 * t)), np.sin(t) * (1.0 + 0.3 * np.sin(5.0 * t))), axis=1)
    return _rng(214).uniform(-1.5, 1.5, (30 if small else 20000, 2)), poly


kernel("point_in_polygon_2d", """
def point_in_polygon_2d(pts, poly):
    c = 0
    n = poly.shape[0]
    for k in range(pts.shape[0]):
        px = pts[k, 0]
        py = pts[k, 1]
        inside = False
        j = n - 1
        for i in range(n):
            if (poly[i, 1] > py) != (poly[j, 1] > py):
                if px < (poly[j, 0] - poly[i, 0]) * (py - poly[i, 1]) / (poly[j, 1] - poly[i, 1]) + poly[i, 0]:
                    inside = not inside
            j = i
        if inside:
            c += 1
    return c
""", _a_polygon)


kernel("prange_count_above", """
def prange_count_above(a, thr):
    c = 0
    for i in prange(a.size):
        if a[i] > thr:
            c += 1
    return c
""", lambda small: (_rng(215).random(40 if small else 2000000), 0.5), parallel=True)


kernel("knn_argpartition", """
def knn_argpartition(train, q, k):
    d = np.empty(train.shape[0])
    for i in range(train.shape[0]):
        s = 0.0
        for j in range(train.shape[1]):
            t = train[i, j] - q[j]
            s += t * t
        d[i] = s
    idx = np.argpartition(d, k)[:k]
    return np.sort(d[idx])
""", lambda small: (_rng(216).random((50 if small else 100000, 4)), _rng(217).random(4), 5))


kernel("ndindex_weighted_sum", """
def ndindex_weighted_sum(a):
    s = 0.0
    for idx in np.ndindex(a.shape):
        s += a[idx] * (idx[0] + 1)
    return s
""", lambda small: (_rng(218).random((3, 4, 5) if small else (60, 80, 100)),))


kernel("window_mean_filter", """
def window_mean_filter(img, r):
    h, w = img.shape
    out = np.zeros((h - 2 * r, w - 2 * r))
    for y in range(r, h - r):
        for x in range(r, w - r):
            out[y - r, x - r] = img[y - r:y + r + 1, x - r:x + r + 1].mean()
    return out
""", lambda small: (_rng(218).random((12, 14) if small else (300, 300)), 1))


kernel("prange_column_sums", """
def prange_column_sums(a):
    acc = np.zeros(a.shape[1])
    for i in prange(a.shape[0]):
        acc += a[i] * a[i]
    return acc
""", lambda small: (_rng(219).random((40, 8) if small else (400000, 16)),), parallel=True)


kernel("radius_window_diff", """
def radius_window_diff(t, r):
    w = 2 * r + 1
    out = np.empty(t.shape[0] - w)
    for j in range(t.shape[0] - w):
        out[j] = (t[j + w] - t[j]) / w
    return out
""", lambda small: (_rng(220).random(50 if small else 1000000), 2))


kernel("naive_dft_complex_exp", """
def naive_dft_complex_exp(x):
    n = x.size
    X = np.zeros(n, np.complex128)
    for k in range(n):
        acc = 0j
        for t in range(n):
            acc += x[t] * np.exp(-2j * np.pi * k * t / n)
        X[k] = acc
    return X
""", lambda small: (_rng(221).standard_normal(16 if small else 512),))



def _laplacian_csr(m):
    """The 5-point Laplacian of an m x m grid in CSR form (indptr, indices int32, data)."""
    i, j = np.divmod(np.arange(m * m), m)
    rows, cols, vals = [np.arange(m * m)], [np.arange(m * m)], [np.full(m * m, 4.0)]
    for di, dj in ((-1, 0), (1, 0), (0, -1), (0, 1)):
        ok = (i + di >= 0) & (i + di < m) & (j + dj >= 0) & (j + dj < m)
        rows.append(np.flatnonzero(ok))
        cols.append((i[ok] + di) * m + j[ok] + dj)
        vals.append(np.full(ok.sum(), -1.0))
    r, c, v = np.concatenate(rows), np.concatenate(cols), np.concatenate(vals)
    order = np.lexsort((c, r))
    indptr = np.concatenate(([0], np.cumsum(np.bincount(r, minlength=m * m)))).astype(np.int32)
    return indptr, c[order].astype(np.int32), v[order]


kernel("csr_jacobi_skip_diag", """
def csr_jacobi_skip_diag(indptr, indices, data, b, niter):
    n = b.size
    x = np.zeros(n)
    xn = np.empty(n)
    for _ in range(niter):
        for i in range(n):
            s = b[i]
            for k in range(indptr[i], indptr[i + 1]):
                j = indices[k]
                if j != i:
                    s -= data[k] * x[j]
            xn[i] = s / 4.0
        x, xn = xn, x
    return x
""", lambda small: _laplacian_csr(4 if small else 80) + (_rng(222).standard_normal(16 if small else 6400), 3 if small else 50))


kernel("transposed_elementwise", """
def transposed_elementwise(X):
    Y = X.T * 2.0 + 1.0
    for _ in range(3):
        Y = np.sqrt(Y * Y + X.T)
    return Y
""", lambda small: (_rng(223).random((6, 5) if small else (1000, 1000)),))


kernel("prange_thread_local_hist", """
def prange_thread_local_hist(x, nbins, lo, hi):
    local = np.zeros((get_num_threads(), nbins), dtype=np.int64)
    w = nbins / (hi - lo)
    for i in prange(x.shape[0]):
        t = get_thread_id()
        b = int((x[i] - lo) * w)
        if b >= 0 and b < nbins:
            local[t, b] += 1
    return local.sum(axis=0)
""", lambda small: (_rng(224).standard_normal(100 if small else 2000000), 50, -4.0, 4.0), parallel=True)


kernel("spring_chain_strided", """
def spring_chain_strided(pos, acc, steps):
    for _ in range(steps):
        for i in range(pos.shape[0] - 1):
            f = pos[i + 1] - pos[i]
            acc[i] -= f
            acc[i + 1] += f
    return acc
""", lambda small: ((np.arange(20 if small else 1000) * 1.0)[::2], np.zeros(10 if small else 500), 3 if small else 2000),
       mutates=True)


kernel("any_negative_scan", """
def any_negative_scan(a):
    for x in a:
        if x < 0:
            return True
    return False
""", lambda small: (np.abs(_rng(225).standard_normal(50 if small else 1000000)),))


kernel("first_unsorted_scan", """
def first_unsorted_scan(a):
    for i in range(a.size - 1):
        if a[i] > a[i + 1]:
            return i
    return -1
""", lambda small: (np.sort(_rng(226).standard_normal(50 if small else 1000000)),))



kernel("any_row_flags", """
def any_row_flags(mask):
    rows = 0
    for i in range(mask.shape[0]):
        if np.any(mask[i]) and not mask[i].all():
            rows += 1
    return rows
""", lambda small: ((_rng(227).random((20 if small else 3000, 40 if small else 20000)) < 0.9),))


kernel("clamped_window_conv", """
def clamped_window_conv(data, kernel):
    nx, ny = data.shape
    wx, wy = kernel.shape[0] // 2, kernel.shape[1] // 2
    out = np.zeros(data.shape, dtype=np.float32)
    for i in range(wx, nx - wx):
        for j in range(wy, ny - wy):
            num = 0.0
            for ii in range(max(i - wx, 0), min(i + wx + 1, nx)):
                for jj in range(max(j - wy, 0), min(j + wy + 1, ny)):
                    num += kernel[wx + ii - i, wy + jj - j] * data[ii, jj]
            out[i, j] = num
    return out
""", lambda small: (_rng(228).random((12, 14) if small else (300, 400)).astype(np.float32), np.ones((5, 5)) / 25.0))

def _a_raster(small):
    r = _rng(229)
    n = 200 if small else 1000000
    vals = r.standard_normal(n)
    vals[::11] = np.nan
    return r.uniform(-1.0, 11.0, n), r.standard_normal(n), vals, np.full((40, 60) if small else (400, 600), np.nan)


kernel("raster_nan_sum", """
def _isnull(v):
    return not (v <= 0 or v > 0)


def _add_cell(x, y, agg, v):
    if not _isnull(v):
        if _isnull(agg[y, x]):
            agg[y, x] = v
        else:
            agg[y, x] += v


def raster_nan_sum(xs, ys, vals, agg):
    h, w = agg.shape
    sx = w / 10.0
    sy = h / 6.0
    for i in range(xs.shape[0]):
        x = xs[i]
        y = ys[i]
        if 0.0 <= x <= 10.0 and -3.0 <= y <= 3.0:
            xi = min(int(x * sx), w - 1)
            yi = min(int((y + 3.0) * sy), h - 1)
            _add_cell(xi, yi, agg, vals[i])
    return agg
""", _a_raster, mutates=True)


def _a_segmax(small):
    r = _rng(230)
    n, m = (300, 20) if small else (2000000, 50000)
    return r.integers(0, m, n), r.standard_normal(n), m


kernel("segment_max_by_label", """
def segment_max_by_label(labels, v, m):
    out = np.full(m, -np.inf)
    cnt = np.zeros(m, np.int64)
    for k in range(labels.shape[0]):
        j = labels[k]
        if v[k] > out[j]:
            out[j] = v[k]
        cnt[j] += 1
    return out, cnt
""", _a_segmax)


def _a_labels(small):
    names = np.array(["north", "south", "east", "west", "centre", "unknown"])
    return names[_rng(231).integers(0, 6, 60 if small else 200000)], np.array(["east", "west", "north"])


kernel("string_labels_to_codes", """
def string_labels_to_codes(labels, names):
    out = np.empty(labels.size, np.int64)
    for i in range(labels.size):
        out[i] = -1
        for j in range(names.size):
            if labels[i] == names[j]:
                out[i] = j
                break
    return out
""", _a_labels)


kernel("fastmath_std", """
def fastmath_std(x):
    m = 0.0
    for i in range(x.shape[0]):
        m += x[i]
    m /= x.shape[0]
    s = 0
    for i in range(x.shape[0]):
        s += (x[i] - m) ** 2
    return (s / x.shape[0]) ** 0.5
""", lambda small: (_rng(232).standard_normal(50 if small else 400000),), fastmath=True)


kernel("fastmath_row_distances", """
def fastmath_row_distances(P, q):
    out = np.empty(P.shape[0])
    for i in range(P.shape[0]):
        s = 0.0
        for j in range(P.shape[1]):
            d = P[i, j] - q[j]
            s += d * d
        out[i] = math.sqrt(s)
    return out
""", lambda small: (_rng(233).standard_normal((30 if small else 100000, 5)), np.ones(5)), fastmath=True)


# session 51: the classes its probes found
kernel("fastmath_gravity_pow", """
def fastmath_gravity_pow(pos, mass, eps):
    n = pos.shape[0]
    acc = np.zeros((n, 2))
    for i in range(n):
        ax = 0.0
        ay = 0.0
        for j in range(n):
            dx = pos[j, 0] - pos[i, 0]
            dy = pos[j, 1] - pos[i, 1]
            w = mass[j] * (dx * dx + dy * dy + eps) ** -1.5
            ax += w * dx
            ay += w * dy
        acc[i, 0] = ax
        acc[i, 1] = ay
    return acc
""", lambda small: (_rng(234).standard_normal((12 if small else 700, 2)), _rng(235).random(12 if small else 700), 1e-3),
    fastmath=True)


kernel("comprehension_filter_scale", """
def comprehension_filter_scale(x, lo):
    kept = [v * 2.0 for v in x if v > lo]
    idx = {i: v for i, v in enumerate(kept) if i % 3 == 0}
    return len(kept), len(idx)
""", lambda small: (_rng(236).random(40 if small else 200000), 0.2))


kernel("edit_distance_table", """
def edit_distance_table(a, b):
    n, m = a.shape[0], b.shape[0]
    D = np.zeros((n + 1, m + 1), dtype=np.int32)
    for i in range(n + 1):
        D[i, 0] = i
    for j in range(m + 1):
        D[0, j] = j
    for i in range(1, n + 1):
        for j in range(1, m + 1):
            if a[i - 1] == b[j - 1]:
                D[i, j] = D[i - 1, j - 1]
            else:
                D[i, j] = 1 + min(D[i - 1, j], D[i, j - 1], D[i - 1, j - 1])
    return D[n, m]
""", lambda small: (_rng(237).integers(0, 4, 9 if small else 700), _rng(238).integers(0, 4, 8 if small else 650)))



# added in session 53: a chain of equality tests as a value (simplifycfg made it a switch)
kernel("word_count_bytes", """
def word_count_bytes(b):
    n = 0
    inword = False
    for i in range(b.shape[0]):
        ch = b[i]
        sp = ch == 32 or ch == 10 or ch == 9 or ch == 13
        if not sp and not inword:
            n += 1
        inword = not sp
    return n
""", lambda small: (np.where(_rng(239).random(60 if small else 1 << 20) < 0.05, 32,
                             _rng(240).integers(97, 123, 60 if small else 1 << 20)).astype(np.uint8),))


if __name__ == "__main__":
    B.main(kernels=KERNELS, meta_of=META, build_fn=build, doc=__doc__)

