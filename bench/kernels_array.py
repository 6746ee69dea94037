"""Array benchmark kernels for bench_array.py.

Every kernel is a plain Python function that uses only NumPy features that
Numba's nopython mode supports: 1-D/2-D float64 and int64 arrays, indexing
(scalar, integer-array and boolean-mask), ``.shape``, allocation with
``np.empty``/``np.zeros``/``np.empty_like``, element-wise ufunc expressions,
``np.where``, ``np.sum``, ``.mean()``/``.std()``, plus scalar code with the
``math`` module.  No kernel mutates its arguments, so the same inputs can be
passed to every call.

Each entry of ``KERNELS`` (a :class:`Kernel`) records:

``name``    the name used on the command line and in the report;
``group``   reduction, stencil, pairwise, expr, fancy or loop;
``fn``      the kernel function (each backend decorates it in its own fresh
            process; ``None`` as decorator means it runs uncompiled);
``args``    ``args(n) -> tuple``: deterministic inputs (seeded generator) for
            size parameter ``n``;
``full``/``quick``  the size parameter for the default run and for --quick;
``desc``    renders ``n`` for the table;
``numpy``   the pure-NumPy baseline: ``SELF`` when the kernel body is itself
            NumPy code (array expressions, ``np.sum``, fancy indexing, ...), so
            running it uncompiled *is* the NumPy baseline; otherwise a separate
            vectorised function computing the same result (e.g. ``np.cumsum``
            for the cumulative-sum loop), or ``None`` if there is none.

Sizes are chosen so that a steady-state call takes roughly 5-50 ms under
numba on a current x86 core; ``quick`` sizes are about 10x smaller.
"""

import math
from collections import OrderedDict, namedtuple

import numpy as np

SELF = "self"

Kernel = namedtuple("Kernel", "name group fn args full quick desc numpy")


def _rng(seed):
    return np.random.default_rng(seed)


def _fmt_n(n):
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return "%dM" % (n // 1_000_000)
    if n >= 1_000_000 and n % 100_000 == 0:
        return "%.1fM" % (n / 1e6)
    if n >= 1000 and n % 1000 == 0:
        return "%dk" % (n // 1000)
    return str(n)


# ==========================================================================
# reductions
# ==========================================================================

def loop_sum(a):
    """Explicit-loop sum of a 1-D float64 array."""
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i]
    return s


def loop_sum_np(a):
    return np.sum(a)


def np_sum(a):
    """np.sum of a 1-D float64 array."""
    return np.sum(a)


def min_max_argmin(a):
    """Loop-based min, max and argmin in one pass -> (min, max, argmin)."""
    lo = a[0]
    hi = a[0]
    arg = 0
    for i in range(1, a.shape[0]):
        v = a[i]
        if v < lo:
            lo = v
            arg = i
        if v > hi:
            hi = v
    return lo, hi, arg


def min_max_argmin_np(a):
    return a.min(), a.max(), a.argmin()


def mean_std(a):
    """a.mean() and a.std() -> (mean, std)."""
    return a.mean(), a.std()


def sum_axes(a):
    """np.sum over a tuple of axes and a.mean over two others, of a 3-D array."""
    return np.sum(a, axis=(0, 2)), a.mean(axis=(1, 2))


def _cube(n):
    return (_rng(7).standard_normal((n, 100, 100)),)


def ufunc_out(a, b, o):
    """np.multiply(a, b, out=o); np.add(o, a, o): in place, no temporary arrays."""
    np.multiply(a, b, out=o)
    np.add(o, a, o)
    return o


def _out_args(n):
    rng = _rng(8)
    return rng.standard_normal(n), rng.standard_normal(n), np.zeros(n)


def _vec(n, seed=1):
    return (_rng(seed).standard_normal(n),)


# ==========================================================================
# stencils
# ==========================================================================

def smooth3(a):
    """1-D 3-point smoothing (0.25, 0.5, 0.25); the end points are copied."""
    n = a.shape[0]
    out = np.empty_like(a)
    out[0] = a[0]
    out[n - 1] = a[n - 1]
    for i in range(1, n - 1):
        out[i] = 0.25 * a[i - 1] + 0.5 * a[i] + 0.25 * a[i + 1]
    return out


def smooth3_np(a):
    out = a.copy()
    out[1:-1] = 0.25 * a[:-2] + 0.5 * a[1:-1] + 0.25 * a[2:]
    return out


def jacobi2d(u):
    """One Jacobi step of the 2-D Laplace equation (5-point stencil) on a
    2-D float64 grid; the boundary rows/columns are copied unchanged."""
    m, n = u.shape
    out = np.empty_like(u)
    for j in range(n):
        out[0, j] = u[0, j]
        out[m - 1, j] = u[m - 1, j]
    for i in range(1, m - 1):
        out[i, 0] = u[i, 0]
        out[i, n - 1] = u[i, n - 1]
        for j in range(1, n - 1):
            out[i, j] = 0.25 * (u[i - 1, j] + u[i + 1, j]
                                + u[i, j - 1] + u[i, j + 1])
    return out


def jacobi2d_np(u):
    out = u.copy()
    out[1:-1, 1:-1] = 0.25 * (u[:-2, 1:-1] + u[2:, 1:-1]
                              + u[1:-1, :-2] + u[1:-1, 2:])
    return out


def _grid(n):
    return (_rng(2).random((n, n)),)


# ==========================================================================
# pairwise distances
# ==========================================================================

def pairwise_dist(p):
    """N x D points -> N x N Euclidean distance matrix, explicit loops."""
    n = p.shape[0]
    d = p.shape[1]
    out = np.empty((n, n))
    for i in range(n):
        for j in range(n):
            s = 0.0
            for k in range(d):
                t = p[i, k] - p[j, k]
                s += t * t
            out[i, j] = math.sqrt(s)
    return out


def pairwise_dist_np(p):
    diff = p[:, None, :] - p[None, :, :]
    return np.sqrt((diff * diff).sum(axis=-1))


def _points(n):
    return (_rng(3).random((n, 3)),)


# ==========================================================================
# array expressions (the kernel itself is the NumPy baseline)
# ==========================================================================

def expr_axpb(a, b, c):
    """a * b + c"""
    return a * b + c


def expr_hypot(a, b):
    """np.sqrt(a*a + b*b)"""
    return np.sqrt(a * a + b * b)


def expr_where(a):
    """np.where(a > 0, a, 0.0) (ReLU)"""
    return np.where(a > 0, a, 0.0)


def expr_gauss_sin(x, y):
    """np.exp(-x*x) * np.sin(y)"""
    return np.exp(-x * x) * np.sin(y)


def _vecs(k):
    def build(n):
        rng = _rng(4)
        return tuple(rng.standard_normal(n) for _ in range(k))
    return build


# ==========================================================================
# fancy indexing (the kernel itself is the NumPy baseline)
# ==========================================================================

def gather(a, idx):
    """a[idx] with a random int64 index array."""
    return a[idx]


def mask_select(a):
    """a[a > 0.5] (boolean mask, about half the elements survive)."""
    return a[a > 0.5]


def gather_sum(a, idx):
    """np.sum(a[idx]): a reduction over a gathered array."""
    return np.sum(a[idx])


def _gather_args(n):
    # a 1M-element table (8 MB) and n random indices into it
    rng = _rng(5)
    a = rng.random(1_000_000)
    idx = rng.integers(0, a.shape[0], size=n)
    return a, idx


def _uniform(n):
    return (_rng(6).random(n),)


# ==========================================================================
# classic loops
# ==========================================================================

def saxpy(alpha, x, y):
    """out[i] = alpha * x[i] + y[i], explicit loop."""
    n = x.shape[0]
    out = np.empty(n)
    for i in range(n):
        out[i] = alpha * x[i] + y[i]
    return out


def saxpy_np(alpha, x, y):
    return alpha * x + y


def _saxpy_args(n):
    rng = _rng(7)
    return 2.5, rng.standard_normal(n), rng.standard_normal(n)


def matvec(A, x):
    """y = A @ x with two explicit loops (row-major inner product)."""
    m, n = A.shape
    y = np.empty(m)
    for i in range(m):
        s = 0.0
        for j in range(n):
            s += A[i, j] * x[j]
        y[i] = s
    return y


def matvec_np(A, x):
    return A @ x


def _matvec_args(n):
    rng = _rng(8)
    return rng.standard_normal((n, n)), rng.standard_normal(n)


def newton_solve(p, q):
    """Newton's method per point on x^2 + y^2 = p, x*y = q: six 2x2 np.linalg.solve calls each,
    the Jacobian and residual built as small arrays in the loop."""
    out = np.empty((p.size, 2))
    for i in range(p.size):
        x = np.array([1.0, 0.5])
        for _ in range(6):
            J = np.array([[2 * x[0], 2 * x[1]], [x[1], x[0]]])
            r = np.array([x[0] * x[0] + x[1] * x[1] - p[i], x[0] * x[1] - q[i]])
            x = x - np.linalg.solve(J, r)
        out[i] = x
    return out


def newton_solve_np(p, q):
    x = np.empty((p.size, 2))
    x[:, 0], x[:, 1] = 1.0, 0.5
    for _ in range(6):
        J = np.empty((p.size, 2, 2))
        J[:, 0, 0], J[:, 0, 1], J[:, 1, 0], J[:, 1, 1] = 2 * x[:, 0], 2 * x[:, 1], x[:, 1], x[:, 0]
        r = np.stack([x[:, 0] ** 2 + x[:, 1] ** 2 - p, x[:, 0] * x[:, 1] - q], axis=1)
        x = x - np.linalg.solve(J, r[:, :, None])[:, :, 0]
    return x


def _newton_args(n):
    rng = _rng(9)
    return rng.uniform(2.0, 3.0, n), rng.uniform(0.1, 0.5, n)


def cumsum(a):
    """Running sum, explicit loop."""
    n = a.shape[0]
    out = np.empty(n)
    s = 0.0
    for i in range(n):
        s += a[i]
        out[i] = s
    return out


def cumsum_np(a):
    return np.cumsum(a)


def histogram(x, lo, hi, nbins):
    """Counts of x in nbins equal bins on [lo, hi); values outside are
    clamped into the first/last bin.  Integer bin index per element."""
    counts = np.zeros(nbins, np.int64)
    scale = nbins / (hi - lo)
    for i in range(x.shape[0]):
        b = int((x[i] - lo) * scale)
        if b < 0:
            b = 0
        elif b >= nbins:
            b = nbins - 1
        counts[b] += 1
    return counts


def histogram_np(x, lo, hi, nbins):
    scale = nbins / (hi - lo)
    b = ((x - lo) * scale).astype(np.int64)  # truncates like int()
    np.clip(b, 0, nbins - 1, out=b)
    return np.bincount(b, minlength=nbins)


def _hist_args(n):
    return _rng(9).standard_normal(n), -4.0, 4.0, 100


# ==========================================================================
# buffers: the same kernels over unaligned arrays (np.frombuffer at an odd
# offset, what Dask distributed hands a worker); ember compiles them as
# 'unaligned array(...)' with align-1 loads, numba types them as aligned
# ==========================================================================

def _unaligned(a):
    raw = np.empty(a.nbytes + 128, np.uint8)
    start = (-raw.__array_interface__["data"][0]) % 64 + 1
    b = np.ndarray(a.shape, a.dtype, buffer=raw, offset=start)
    b[...] = a
    return b


def _unaligned_args(make):
    def build(n):
        return tuple(_unaligned(v) if isinstance(v, np.ndarray) else v for v in make(n))
    return build


# ==========================================================================
# table
# ==========================================================================

def _k(name, group, fn, args, full, quick, desc, numpy):
    return name, Kernel(name, group, fn, args, full, quick, desc, numpy)


KERNELS = OrderedDict([
    # reductions
    _k("loop_sum", "reduction", loop_sum, _vec, 10_000_000, 1_000_000,
       "n={}", loop_sum_np),
    _k("np_sum", "reduction", np_sum, _vec, 10_000_000, 1_000_000,
       "n={}", SELF),
    _k("min_max_argmin", "reduction", min_max_argmin, _vec, 10_000_000,
       1_000_000, "n={}", min_max_argmin_np),
    _k("mean_std", "reduction", mean_std, _vec, 5_000_000, 500_000,
       "n={}", SELF),
    _k("sum_axes", "reduction", sum_axes, _cube, 500, 100,
       "{}x100x100", SELF),
    # stencils
    _k("smooth3", "stencil", smooth3, _vec, 5_000_000, 500_000,
       "n={}", smooth3_np),
    _k("jacobi2d", "stencil", jacobi2d, _grid, 3000, 1000,
       "{0}x{0}", jacobi2d_np),
    # pairwise distances
    _k("pairwise_dist", "pairwise", pairwise_dist, _points, 2000, 600,
       "{0}x3 -> {0}x{0}", pairwise_dist_np),
    # array expressions
    _k("expr_axpb", "expr", expr_axpb, _vecs(3), 8_000_000, 800_000,
       "n={}", SELF),
    _k("expr_hypot", "expr", expr_hypot, _vecs(2), 8_000_000, 800_000,
       "n={}", SELF),
    _k("expr_where", "expr", expr_where, _vecs(1), 8_000_000, 800_000,
       "n={}", SELF),
    _k("expr_gauss_sin", "expr", expr_gauss_sin, _vecs(2), 1_000_000,
       100_000, "n={}", SELF),
    _k("ufunc_out", "expr", ufunc_out, _out_args, 8_000_000, 800_000,
       "n={}", SELF),
    # fancy indexing
    _k("gather", "fancy", gather, _gather_args, 4_000_000, 400_000,
       "{} of 1M", SELF),
    _k("mask_select", "fancy", mask_select, _uniform, 4_000_000, 400_000,
       "n={}", SELF),
    _k("gather_sum", "fancy", gather_sum, _gather_args, 4_000_000, 400_000,
       "{} of 1M", SELF),
    # classic loops
    _k("saxpy", "loop", saxpy, _saxpy_args, 5_000_000, 500_000,
       "n={}", saxpy_np),
    _k("matvec", "loop", matvec, _matvec_args, 3000, 1000,
       "{0}x{0}", matvec_np),
    _k("cumsum", "loop", cumsum, _vec, 5_000_000, 500_000,
       "n={}", cumsum_np),
    _k("newton_solve", "loop", newton_solve, _newton_args, 20_000, 2_000,
       "n={}, 6 steps", newton_solve_np),
    _k("histogram", "loop", histogram, _hist_args, 10_000_000, 1_000_000,
       "n={}, 100 bins", histogram_np),
    # unaligned buffers
    _k("loop_sum_unaligned", "buffers", loop_sum, _unaligned_args(_vec),
       10_000_000, 1_000_000, "n={}, offset 1", loop_sum_np),
    _k("saxpy_unaligned", "buffers", saxpy, _unaligned_args(_saxpy_args),
       5_000_000, 500_000, "n={}, offset 1", saxpy_np),
    _k("expr_axpb_unaligned", "buffers", expr_axpb, _unaligned_args(_vecs(3)),
       8_000_000, 800_000, "n={}, offset 1", SELF),
])

GROUPS = OrderedDict()
for _name, _kern in KERNELS.items():
    GROUPS.setdefault(_kern.group, []).append(_name)


def describe(kernel, n):
    return kernel.desc.format(_fmt_n(n))


def numpy_label(kernel):
    """How the NumPy column of ``kernel`` is obtained, for the report."""
    if kernel.numpy is None:
        return None
    if kernel.numpy == SELF:
        return "kernel run uncompiled"
    doc = {
        "loop_sum": "np.sum(a)",
        "min_max_argmin": "a.min(), a.max(), a.argmin()",
        "smooth3": "slices",
        "jacobi2d": "slices",
        "pairwise_dist": "broadcast N x N x 3",
        "saxpy": "alpha * x + y",
        "loop_sum_unaligned": "np.sum(a)",
        "saxpy_unaligned": "alpha * x + y",
        "matvec": "A @ x",
        "cumsum": "np.cumsum(a)",
        "newton_solve": "np.linalg.solve over the stack of points",
        "histogram": "astype + clip + np.bincount",
    }
    return doc.get(kernel.name, kernel.numpy.__name__)
