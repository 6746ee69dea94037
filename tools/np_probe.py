"""Probe issue 18's NumPy surface: every function, argument form and indexing form it lists,
compiled by ember and run by NumPy on the same arguments, over dtypes and layouts.

    python tools/np_probe.py                 # the quick set of dtypes; prints gaps and mismatches
    python tools/np_probe.py --all-dtypes    # every dtype NumPy has that ember takes
    python tools/np_probe.py -k linalg       # entries whose name holds 'linalg'
    python tools/np_probe.py -v              # every case, not only the failing ones

Each case is classified:
  ok        same values, dtype and shape (tests/difftest.py's comparison), or both raised (NumPy
            an exception, ember the same type at run time or a located compile error);
  gap       NumPy computes it, ember refuses it at compile time (coverage to build);
  known     a documented difference (docs/differences.md): NumPy's float16 results (ember
            computes them in float32), a list NumPy gives as a tuple, IndexError of unchecked
            basic indexing;
  MISMATCH  both ran and differ, ember raised where NumPy did not (at run time), raised another
            exception type, or returned where NumPy raised.
The exit status is 1 when any MISMATCH is found. Entries are data (ENTRIES below): add forms there.
"""
import argparse
import math  # noqa: F401  (used by probe sources)
import os
import sys
import textwrap
import warnings

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests"))
import difftest  # noqa: E402
import ember  # noqa: E402

QUICK = ["bool", "int8", "int64", "uint64", "float32", "float64", "complex128"]
ALL = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "float32", "float64",
       "complex64", "complex128"]
REAL = [d for d in ALL if not d.startswith("complex")]
FLOATS = ["float32", "float64", "complex64", "complex128"]
INTS = [d for d in ALL if d.startswith(("int", "uint"))]


def arr(dtype, shape, seed=0):
    return difftest.sample(dtype, shape, seed)


def views(dtype, shape, seed=0):
    """C, F and strided views of one array, and an empty and a one-element array of its ndim."""
    out = [x for _, x in difftest.layouts(arr(dtype, shape, seed), ("C", "F", "strided"))]
    if len(shape):
        out.append(np.zeros((0,) + tuple(shape[1:]), dtype))
        out.append(arr(dtype, (1,) * len(shape), seed))
    return out


def square(dtype, n=3, stack=()):
    a = arr(dtype, stack + (n, n)) / 10 + 3 * np.eye(n)
    return a.astype(dtype)


def spd(dtype, n=3):
    a = arr(dtype, (n, n)) / 10
    return (a @ a.conj().T + n * np.eye(n)).astype(dtype)


# name, source of `f`, arguments for a dtype (a list of argument tuples), dtypes
# (the source is a def or a lambda over the arguments; np and math are in scope)
def one(shape):
    return lambda dt: [(x,) for x in views(dt, shape)]


def two(sa, sb):
    return lambda dt: [(x, arr(dt, sb, 1)) for x in views(dt, sa)]


UFUNCS2 = """add subtract multiply divide true_divide floor_divide power float_power remainder mod fmod
    maximum minimum fmax fmin arctan2 hypot copysign nextafter ldexp heaviside logaddexp logaddexp2 bitwise_and
    bitwise_or bitwise_xor left_shift right_shift logical_and logical_or logical_xor equal not_equal less
    less_equal greater greater_equal gcd lcm""".split()
UFUNCS1 = """negative positive absolute abs fabs sign sqrt cbrt square reciprocal exp exp2 expm1 log log2 log10
    log1p sin cos tan arcsin arccos arctan sinh cosh tanh arcsinh arccosh arctanh deg2rad rad2deg degrees
    radians rint floor ceil trunc isnan isinf isfinite signbit logical_not bitwise_not invert conjugate
    spacing""".split()


def ufunc_entries():
    out = []
    for u in UFUNCS2:
        second = "np.int64(2)" if u in ("ldexp",) else "b"
        out.append(("ufunc." + u, "lambda a, b: np.%s(a, %s)" % (u, second), two((2, 3), (2, 3)), ALL))
    for u in UFUNCS1:
        out.append(("ufunc." + u, "lambda a: np.%s(a)" % u, one((2, 3)), ALL))
    out += [
        ("ufunc.divmod", "lambda a, b: np.divmod(a, b)", two((2, 3), (2, 3)), REAL),
        ("ufunc.modf_frexp", "lambda a: (np.modf(a), np.frexp(a))", one((4,)), ["float32", "float64"]),
        ("ufunc.out_kw", "def f(a, b):\n    o = np.empty_like(a)\n    np.multiply(a, b, out=o)\n    return o", two((2, 3), (2, 3)), ALL),
        ("ufunc.out_pos_inplace", "def f(a, b):\n    z = a.copy()\n    np.multiply(z, z, z)\n    np.add(z, b, z)\n    return z", two((2, 3), (2, 3)), ALL),
        ("ufunc.where", "def f(a, b):\n    o = np.zeros_like(a)\n    np.add(a, b, out=o, where=b > a)\n    return o", two((2, 3), (2, 3)), REAL),
        ("ufunc.outer", "lambda a, b: (np.add.outer(a, b), np.multiply.outer(a, b))", two((3,), (4,)), ALL),
        ("ufunc.reduce", "lambda a: (np.add.reduce(a), np.add.reduce(a, axis=1), np.multiply.reduce(a, 0), np.maximum.reduce(a, axis=0))", one((3, 4)), REAL),
        ("ufunc.accumulate", "lambda a: (np.add.accumulate(a), np.multiply.accumulate(a, axis=1))", one((3, 4)), REAL),
        ("ufunc.at", "def f(a, i):\n    b = a.copy()\n    np.add.at(b, i, 1)\n    np.multiply.at(b, i, 2)\n    return b",
         lambda dt: [(x, np.array([0, 2, 0, -1])) for x in views(dt, (5,))[:3]], ["int8", "int64", "float32", "float64", "complex128"]),
    ]
    return out


REDUCTIONS = "sum prod min max mean std var all any argmin argmax".split()


def reduction_entries():
    out = []
    for r in REDUCTIONS:
        tup = "" if r.startswith("arg") else ", np.%s(a, axis=(0, 2)), np.%s(a, axis=(-1, 0), keepdims=True)" % (r, r)
        kd = "" if r.startswith("arg") else ", a.%s(axis=1, keepdims=True)" % r
        src = "lambda a: (np.%s(a), np.%s(a, axis=0), np.%s(a, -1), np.%s(a, axis=1, keepdims=True)%s%s)" % (r, r, r, r, tup, kd)
        out.append(("reduce." + r, src, one((2, 3, 4)), ALL))
        for nd in (1, 2, 3, 4):
            out.append(("reduce.%s.axis_%dd" % (r, nd), "lambda a: (np.%s(a, axis=0), np.%s(a, axis=-1))" % (r, r),
                        one((2, 3, 2, 2)[:nd]), ["int64", "float64"]))
        out.append(("reduce.%s.bad_axis" % r, "lambda a, k: np.%s(a, axis=k)" % r,
                    lambda dt: [(arr(dt, (2, 3)), 2), (arr(dt, (2, 3)), -3)], ["float64"]))
    out += [
        ("reduce.ddof", "lambda a: (np.std(a, ddof=1), np.var(a, axis=0, ddof=1), a.std(ddof=2, axis=(0, 1)))", one((3, 4, 2)), REAL + ["complex128"]),
        ("reduce.dtype", "lambda a: (np.sum(a, dtype=np.float64), np.prod(a, axis=0, dtype=np.int64), np.mean(a, dtype=np.float32), a.sum(dtype=np.int32))", one((3, 4)), REAL),
        ("reduce.out", "def f(a):\n    o = np.zeros(a.shape[1], a.dtype)\n    np.sum(a, axis=0, out=o)\n    m = np.empty(a.shape[0], a.dtype)\n    np.max(a, axis=1, out=m)\n    return o, m",
         lambda dt: [(x,) for x in views(dt, (3, 4))[:3]], REAL),
        ("reduce.average", "lambda a, w: (np.average(a), np.average(a, axis=0), np.average(a, weights=w, axis=0), np.average(a, 1, w[:, None] * np.ones(a.shape[1])))",
         lambda dt: [(x, arr("float64", (x.shape[0],), 2) + 6) for x in views(dt, (3, 4))[:3]], ["int64", "float32", "float64", "complex128"]),
    ]
    return out


SHAPE = [
    ("roll", "lambda a: (np.roll(a, 2), np.roll(a, -1, axis=1), np.roll(a, (1, 2), axis=(0, 1)))", one((3, 4))),
    ("tile", "lambda a: (np.tile(a, 2), np.tile(a, (2, 1)), np.tile(a, (2, 1, 3)))", one((2, 3))),
    ("repeat", "lambda a: (np.repeat(a, 2), np.repeat(a, 2, axis=1), np.repeat(a, np.array([1, 0, 2]), axis=1), a.repeat(3, 0))", one((2, 3))),
    ("flip", "lambda a: (np.flip(a), np.flip(a, 1), np.fliplr(a), np.flipud(a), np.rot90(a), np.rot90(a, 3, (1, 0)))", one((3, 4))),
    ("stacks", "lambda a, b: (np.hstack((a, b)), np.vstack([a, b]), np.dstack((a, b)), np.stack((a, b)), np.stack((a, b), axis=-1), np.column_stack((a, b)))", two((2, 3), (2, 3))),
    ("concatenate", "lambda a, b: (np.concatenate((a, b)), np.concatenate([a, b], axis=1), np.concatenate((a, b), axis=None), np.concatenate((a, b), -1))", two((2, 3), (2, 3))),
    ("split", "lambda a: (np.split(a, 2), np.split(a, 3, axis=1), np.array_split(a, 3), np.array_split(a, 4, axis=1))", one((4, 6))),
    ("dims", "lambda a: (np.expand_dims(a, 0), np.expand_dims(a, (0, 3)), np.squeeze(a[:1]), np.squeeze(a[:, :1], axis=1), np.swapaxes(a, 0, 1), np.moveaxis(a, 0, -1))", one((3, 4))),
    ("broadcast_atleast", "lambda a: (np.broadcast_to(a, (2, 3, 4)), np.atleast_1d(a), np.atleast_2d(a), np.atleast_3d(a))", one((3, 4))),
    ("triangles", "lambda a: (np.triu(a), np.tril(a, -1), np.triu(a, 1), np.diag(a), np.diag(a, 1), np.diag(a[0]), np.diagonal(a), np.diagonal(a, 1), np.trace(a), np.trace(a, 1))", one((4, 4))),
    ("pad", "lambda a: (np.pad(a, 1), np.pad(a, (1, 2)), np.pad(a, ((1, 0), (0, 2)), mode='edge'), np.pad(a, 2, mode='wrap'), np.pad(a, 1, constant_values=7))", one((2, 3))),
    ("meshgrid_indices", "lambda a, b: (np.meshgrid(a, b), np.meshgrid(a, b, indexing='ij'), np.indices((2, 3)))", lambda dt: [(arr(dt, (3,)), arr(dt, (4,), 1))]),
    ("mgrid_ogrid", "lambda: (np.mgrid[0:4, 0:3], np.mgrid[-1:1:5j], np.mgrid[0:1:0.25, 0:2:3j], np.ogrid[0:5, 0:3], np.ogrid[0:1:4j])", lambda dt: [()]),
    ("linspace_arange", "lambda: (np.linspace(0, 1, 5), np.linspace(0, 10, 4, endpoint=False), np.linspace(0, 9, 4, dtype=np.int32), np.arange(5, dtype=np.float32), np.arange(1, 7, 2, dtype=np.uint8))", lambda dt: [()]),
    ("full_empty", "lambda a: (np.full(3, a[0]), np.full((2, 2), 1, dtype=a.dtype), np.empty(3, a.dtype).shape, np.zeros((2, 3), dtype=a.dtype), np.ones(2, a.dtype))", one((3,))),
]

STATS = [
    ("histogram", "lambda a, w: (np.histogram(a), np.histogram(a, 5), np.histogram(a, np.array([-3.0, 0.0, 1.0, 5.0])), np.histogram(a, 4, range=(-2, 2)), np.histogram(a, 3, weights=w))",
     lambda dt: [(x, arr("float64", (8,), 1)) for x in views(dt, (8,))[:3]], [d for d in REAL if d != "bool"]),
    ("bincount_digitize", "lambda a: (np.bincount(a), np.bincount(a, minlength=9), np.digitize(a, np.array([1, 3, 5])), np.digitize(a, np.array([1, 3, 5]), right=True))",
     lambda dt: [(np.abs(x) % 7,) for x in views(dt, (8,))[:3]], ["int8", "int64", "uint8", "uint64"]),
    ("cov_corrcoef", "lambda a: (np.cov(a), np.corrcoef(a), np.cov(a, rowvar=False), np.cov(a[0], a[1]), np.cov(a, ddof=0))", one((3, 5)), ["int64", "float32", "float64"]),
    ("nan_functions", "lambda a: (np.nanmean(a), np.nansum(a), np.nanmax(a), np.nanmin(a), np.nanstd(a), np.nanmean(a, axis=0), np.nansum(a, 1))", one((3, 4)), ["float32", "float64"]),
    ("searching", "lambda a: (np.ptp(a), np.ptp(a, axis=0), np.argwhere(a), np.nonzero(a), np.flatnonzero(a), np.where(a > 0))", one((3, 4)), REAL),
    ("interp_conv", "lambda a, b: (np.interp(b, np.sort(a), a), np.convolve(a, b), np.convolve(a, b, 'same'), np.convolve(a, b, mode='valid'), np.correlate(a, b), np.correlate(a, b, 'full'))",
     lambda dt: [(arr(dt, (6,)), arr(dt, (4,), 1))], ["float64", "int64", "complex128"]),
    ("cross", "lambda a, b: (np.cross(a, b), np.cross(a[0], b[0]))", two((4, 3), (4, 3)), ["int64", "float32", "float64", "complex128"]),
    ("sort_axis", "lambda a: (np.sort(a), np.sort(a, axis=0), np.sort(a, None), np.argsort(a, axis=0), np.argsort(a, -1), np.sort(a, kind='stable'))", one((3, 4)), REAL),
    ("quantiles", "lambda a: (np.median(a), np.median(a, axis=0), np.percentile(a, 30, axis=1), np.quantile(a, 0.25, axis=0), np.quantile(a, 0.5), np.median(a, axis=(0, 1)))", one((3, 4)), REAL),
]

LINALG = [
    ("linalg.solve_inv_det", "lambda a, b: (np.linalg.solve(a, b), np.linalg.inv(a), np.linalg.det(a), np.linalg.slogdet(a)[1])", lambda dt: [(square(dt), arr(dt, (3, 2), 1)), (square(dt).T, arr(dt, (3,), 1))]),
    ("linalg.decompositions", "def f(a, h):\n    w, v = np.linalg.eigh(h)\n    q, r = np.linalg.qr(a)\n    s = np.linalg.svd(a, compute_uv=False)\n    return w, np.linalg.eigvalsh(h), np.linalg.cholesky(h), q @ r, s, np.sort(np.linalg.eigvals(h).real), np.linalg.pinv(a), np.linalg.matrix_rank(a), np.linalg.matrix_power(a, 3)",
     lambda dt: [(square(dt), spd(dt))]),
    ("linalg.lstsq", "lambda a, b: np.linalg.lstsq(a, b)[0]", lambda dt: [(arr(dt, (5, 3)), arr(dt, (5, 2), 1))]),
    ("linalg.stacks", "def f(a, b, h):\n    w, v = np.linalg.eigh(h)\n    u, s, vh = np.linalg.svd(a)\n    q, r = np.linalg.qr(a)\n    return (np.linalg.inv(a), np.linalg.det(a), np.linalg.solve(a, b), np.linalg.slogdet(a)[1], w, np.linalg.eigvalsh(h), np.linalg.cholesky(h), s, u.shape, q @ r, np.linalg.pinv(a), np.linalg.matrix_rank(a), np.linalg.matrix_power(a, 2), np.sort(np.linalg.eigvals(h).real), np.linalg.eig(h)[0].shape, np.linalg.norm(a, axis=(1, 2)), np.linalg.norm(a, axis=-1))",
     lambda dt: [(square(dt, 3, (2,)), arr(dt, (2, 3, 2), 1), np.stack([spd(dt), spd(dt, 3).T]))]),
    ("linalg.norm", "lambda a: (np.linalg.norm(a), np.linalg.norm(a, 'fro'), np.linalg.norm(a, 2), np.linalg.norm(a, np.inf), np.linalg.norm(a, axis=0), np.linalg.norm(a, 1, axis=1), np.linalg.norm(a, axis=(1, 0)))", one((3, 4)), REAL),
    ("matmul_dot", "lambda a, b: (a @ b, np.matmul(a, b), np.dot(a[0], b[0]), np.dot(a, b[0]), np.einsum('bij,bjk->bik', a, b), np.einsum('ij->ji', a[0]), np.einsum('bij->b', a))",
     lambda dt: [(arr(dt, (2, 3, 4)), arr(dt, (2, 4, 5), 1)), (arr(dt, (2, 3, 4)), np.swapaxes(arr(dt, (2, 5, 4), 1), 1, 2))], [d for d in ALL if d != "bool"]),
]

INDEXING = [
    ("index.arrays", "lambda a, i, j: (a[i, j], a[i[:, None], j], a[i], a[:, j], a[np.ix_(i, j)], a[1:, j])", lambda dt: [(x, np.array([0, 2, 1]), np.array([3, 0, 1])) for x in views(dt, (3, 4))[:3]]),
    ("index.assign", "def f(a, i, j):\n    a[i, j] = 0\n    a[i[:, None], j] += 1\n    a[np.ix_(i, j)] *= 2\n    return a", lambda dt: [(x, np.array([0, 2]), np.array([3, 1])) for x in views(dt, (3, 4))[:3]], [d for d in ALL if d != "bool"]),
    ("index.ellipsis", "lambda a, i: (a[..., 0], a[0, ...], a[...], a[..., None], a[1, ..., 2], a[..., 1:3], a[None, ..., 0], a[..., i], a[i, ..., 0])", lambda dt: [(x, np.array([0, -1])) for x in views(dt, (2, 3, 4))[:3]]),
    ("index.ellipsis_write", "def f(a, b):\n    a[..., 0] = b[0, 0]\n    a[1, ...] += 1\n    a[...] *= 2\n    a[..., 1:, None] = 3\n    return a", lambda dt: [(x, arr(dt, (2, 2), 1)) for x in views(dt, (2, 3, 4))[:3]], [d for d in ALL if d != "bool"]),
    ("index.bool_mask", "lambda a: (a[a > 0], a[:, a[0] > 0], np.where(a > 0, a, 0))", one((3, 4)), REAL),
]

TYPING = [
    ("typing.reassign_kinds", "def f(a):\n    x = a\n    s = x.sum()\n    x = a.astype(np.float32)[0]\n    t = x.sum()\n    x = 1\n    x = x * 2.5\n    return s, t, x", one((3, 4)), ["int64", "float64"]),
    ("typing.branch_kinds", "def f(a, c):\n    if c:\n        y = a\n        r = y.sum()\n    else:\n        y = a[0]\n        r = y.sum()\n    y = 3.5\n    return r + y", lambda dt: [(arr(dt, (3, 4)), True), (arr(dt, (3, 4)), False)], ["int64", "float64"]),
    ("typing.tuple_row", "def f(a):\n    b = np.zeros((3, 2), a.dtype)\n    for i in range(3):\n        b[i] = (a[i], a[i] * 2)\n    return b", one((3,)), ["int64", "float64"]),
    ("typing.shape_assign", "def f(a):\n    b = a.copy()\n    b.shape = (2, -1)\n    return b", lambda dt: [(arr(dt, (6,)),)], ["float64"]),
    ("typing.imports_inside", "def f(a):\n    import numpy as np\n    from math import sqrt\n    return np.sum(a) + sqrt(4.0)", one((3,)), ["float64"]),
    ("typing.ndarray_ctor", "lambda a: np.ndarray((2, 3), np.float64).shape", one((3,)), ["float64"]),
]


# small kernels written the way NumPy users write them (each function unchanged but for @njit)
KERNELS = [
    ("kernel.masked_rows", "def f(db):\n    out = np.zeros(db.shape[0], dtype=np.bool_)\n    for k in range(db.shape[0]):\n        v = db[k, 1:]\n        if (v == np.bitwise_and((1, 0, 1), v)).all():\n            out[k] = db[k, 0] == 1\n    return out",
     lambda dt: [(np.abs(arr("int64", (6, 4), 3)) % 2,)], ["int64"]),
    ("kernel.run_lengths", "def f(v):\n    d = np.concatenate(([1], np.diff(v)))\n    idx = np.concatenate((np.where(d)[0], [len(v)]))\n    return v[idx[:-1]], np.diff(idx)",
     lambda dt: [(np.sort(np.abs(arr(dt, (12,), 1)) % 4),)], ["int64", "uint8"]),
    ("kernel.unit_phase", "def f(z):\n    n = np.linalg.norm(z)\n    w = z / n\n    return np.abs(w * np.exp(-1j * np.angle(w[0]))), np.abs(np.sort(np.linalg.eigvals(np.outer(z, z.conj())))[-1])",
     lambda dt: [(arr(dt, (4,), 2),)], ["complex128"]),
    ("kernel.tolerance", "def f(a, b):\n    eps = np.finfo(a.dtype).eps\n    big = np.iinfo(np.int32).max\n    return np.abs(a - b) <= 4 * eps * np.maximum(np.abs(a), np.abs(b)), min(a.size, big)",
     lambda dt: [(arr(dt, (5,)), arr(dt, (5,)) * (1 + 1e-16))], ["float64", "float32"]),
    ("kernel.robust_center", "lambda x: (x - np.median(x, axis=(1, 2))[:, None, None]) / (np.percentile(x, 75, axis=(1, 2)) - np.percentile(x, 25, axis=(1, 2)) + 1)[:, None, None]",
     one((3, 4, 5)), ["float64", "int64"]),
    ("kernel.zero_d", "def f(a):\n    s = np.zeros(())\n    for i in range(a.shape[0]):\n        s += a[i, 0, ...]\n    return s, np.sqrt(s) + 1, np.array(2.0) * s",
     one((3, 2)), ["float64"]),
    ("kernel.partition_topk", "def f(a, k):\n    t = np.partition(a, a.size - k)[a.size - k:]\n    return np.sort(t), a[np.argpartition(a, k)[k]]",
     lambda dt: [(arr(dt, (9,), 4), 3)], ["float64", "int64"]),
    ("kernel.visit_all", "def f(a):\n    s = 0.0\n    for idx, v in np.ndenumerate(a):\n        s += v * (idx[0] - idx[-1])\n    for p in np.ndindex(a.shape):\n        s += a.item(p[0], p[1]) - a.item(0)\n    return s",
     one((2, 3)), ["float64", "int64"]),
    ("kernel.complex_spectrum", "lambda z: (np.log10(np.abs(z) + 1), np.arctan2(z.imag, z.real), np.sin(z) * np.cosh(z), np.sort(z), np.maximum(z, z[::-1]), np.modf(np.abs(z)))",
     one((6,)), ["complex128", "complex64"]),
]


def all_entries():
    out = []
    for name, src, mk, *dts in SHAPE + STATS + LINALG + INDEXING + TYPING + KERNELS:
        dflt = FLOATS if name.startswith("linalg") else ALL
        out.append((name, src, mk, dts[0] if dts else dflt))
    return ufunc_entries() + reduction_entries() + out


def compile_src(src):
    ns = {"np": np, "math": math}
    src = textwrap.dedent(src)
    if src.startswith("lambda"):
        src = "f = " + src
    exec(compile(src, "<probe>", "exec"), ns)
    return ns["f"]



def has_float16(v):
    if isinstance(v, (tuple, list)):
        return any(has_float16(x) for x in v)
    return getattr(v, "dtype", None) == np.float16


def lists_as_tuples(exp, got):
    """NumPy's list results (np.split), also inside tuples, where ember gives a tuple."""
    if isinstance(exp, list) and isinstance(got, tuple):
        return tuple(exp)
    if isinstance(exp, tuple) and isinstance(got, tuple) and len(exp) == len(got):
        return tuple(lists_as_tuples(e, g) for e, g in zip(exp, got))
    return exp


def run_case(f, jf, args):
    """(status, detail) for one argument tuple."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            exp, exp_exc = f(*[a.copy() if isinstance(a, np.ndarray) else a for a in args]), None
        except Exception as e:   # NumPy's own refusal
            exp, exp_exc = None, e
    try:
        got, got_exc = jf(*[np.array(a, copy=True, order="K") if isinstance(a, np.ndarray) else a for a in args]), None
    except Exception as e:
        got, got_exc = None, e
    if exp_exc is not None:
        if got_exc is None and isinstance(exp_exc, IndexError):
            return "known", "NumPy's IndexError; ember's basic indexing is unchecked without boundscheck=True"
        if got_exc is None:
            return "MISMATCH", "NumPy raised %s, ember returned" % type(exp_exc).__name__
        if isinstance(got_exc, ember.errors.EmberError) or type(got_exc) is type(exp_exc):
            return "ok", "both raised"
        return "MISMATCH", "NumPy raised %s, ember %s" % (type(exp_exc).__name__, type(got_exc).__name__)
    if got_exc is not None:
        first = str(got_exc).splitlines()[0] if str(got_exc) else ""
        if isinstance(got_exc, ember.errors.EmberError):
            return "gap", first
        return "MISMATCH", "ember raised %s: %s" % (type(got_exc).__name__, first)
    if has_float16(exp):
        return "known", "float16 result (ember: float32)"
    exp = lists_as_tuples(exp, got)   # split / array_split
    why = difftest.mismatch(exp, got, rtol=2e-4 if any(getattr(a, "dtype", None) in (np.float32, np.complex64) for a in args) else None,
                            atol=2e-4 if any(getattr(a, "dtype", None) in (np.float32, np.complex64) for a in args) else None)
    return ("MISMATCH", why) if why else ("ok", "")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--all-dtypes", action="store_true")
    ap.add_argument("-k", default="", help="only entries whose name holds this")
    ap.add_argument("-v", action="store_true")
    opts = ap.parse_args()
    counts = {"ok": 0, "known": 0, "gap": 0, "MISMATCH": 0}
    for name, src, mk, dtypes in all_entries():
        if opts.k not in name:
            continue
        for dt in dtypes:
            if not opts.all_dtypes and dt not in QUICK and len(dtypes) > 2:
                continue
            try:
                cases = mk(dt)
            except Exception as e:   # NumPy cannot even make the arguments
                print("skip %-28s %-10s %s" % (name, dt, e))
                continue
            f = compile_src(src)
            jf = ember.njit(compile_src(src))
            seen = set()
            for args in cases:
                status, detail = run_case(f, jf, args)
                counts[status] += 1
                key = (status, detail)
                if (status not in ("ok", "known") or opts.v) and key not in seen:
                    seen.add(key)
                    shapes = ",".join("%s%s" % (a.shape, "F" if a.flags.f_contiguous and a.ndim > 1 and not a.flags.c_contiguous else "")
                                      if isinstance(a, np.ndarray) else repr(a) for a in args)
                    print("%-8s %-28s %-10s %-22s %s" % (status, name, dt, shapes, detail[:240]))
    print("probe: %(ok)d ok, %(known)d known, %(gap)d gap, %(MISMATCH)d MISMATCH" % counts)
    return 1 if counts["MISMATCH"] else 0


if __name__ == "__main__":
    sys.exit(main())
