"""More NumPy functions compiled code runs from Python implementations: set routines, window
functions, resizing, take_along_axis, fill_diagonal, gradient, unwrap, the NaN-
ignoring cumulative sums, and small predicates (isreal, iscomplex, isscalar, asarray_chkfinite).

Entries join ember/_nplib.py's IMPLS (pymodule/driver.c reads both tables) and follow its
protocol: an `Impl` picks, from example values of the call's arguments and its keyword names,
the plain implementation for that form, compiled once per kind of arguments; any other form
raises a TypeError here, which the compile reports at the call's line.

Written from NumPy's documented behaviour and formulas; no NumPy source is copied. Results are
NumPy's to the bit where the formulas are (tests/test_np_funcs.py compares them).
"""
import cmath
import math

import numpy as np

from . import njit
from ._nplib import COMPLEX_SORT, ConstImpl, Impl, _is_array, _lanes, _refuse

_lanes_c = njit(_lanes)


def _source(name, lines, names=None):
    """The function `name` defined by `lines` (generated per number of dimensions or dtype), seeing
    this module's names (numpy, the compiled helpers), or those of the dict `names`."""
    ns = dict(globals() if names is None else names)
    exec("\n".join(lines), ns)
    return ns[name]


def _positional_or_keyword(values, kwnames, names):
    """The parameter names the call gives, in order: positional ones then keywords."""
    npos = len(values) - len(kwnames)
    return list(names[:npos]) + list(kwnames)


# ---- set routines -------------------------------------------------------------------------------

def _union1d(ar1, ar2):
    return np.unique(np.concatenate((ar1.ravel(), ar2.ravel())))


def _intersect1d(ar1, ar2, assume_unique=False):
    if assume_unique:
        aux = np.concatenate((ar1.ravel(), ar2.ravel()))
    else:
        aux = np.concatenate((np.unique(ar1), np.unique(ar2)))
    aux = np.sort(aux)
    return aux[:-1][aux[1:] == aux[:-1]]


def _setdiff1d(ar1, ar2, assume_unique=False):
    a = ar1.ravel() if assume_unique else np.unique(ar1)
    return a[np.isin(a, ar2.ravel(), invert=True)]


def _setxor1d(ar1, ar2, assume_unique=False):
    if assume_unique:
        aux = np.sort(np.concatenate((ar1.ravel(), ar2.ravel())))
    else:
        aux = np.sort(np.concatenate((np.unique(ar1), np.unique(ar2))))
    n = aux.size
    if n == 0:
        return aux
    alone = np.empty(n + 1, dtype=np.bool_)   # aux[i] differs from its left neighbour
    alone[0] = True
    alone[n] = True
    alone[1:n] = aux[1:] != aux[:-1]
    return aux[alone[1:] & alone[:-1]]


def _choose_set(name, fn, values, kwnames):
    given = _positional_or_keyword(values, kwnames, ("ar1", "ar2", "assume_unique"))
    if not set(given) <= {"ar1", "ar2", "assume_unique"} or len(values) < 2:
        _refuse(name, "return_indices= or a missing argument")
    if not (_is_array(values[0]) and _is_array(values[1])):
        _refuse(name, "arguments other than arrays")
    if values[0].dtype.kind == "c" or values[1].dtype.kind == "c":
        _refuse(name, "complex arrays")
    return fn


# ---- window functions ---------------------------------------------------------------------------

def _bartlett(M):
    if M < 1:
        return np.zeros(0)
    if M == 1:
        return np.ones(1)
    n = np.arange(1 - M, M, 2)   # the points the symmetric windows are evaluated at
    return np.where(n <= 0, 1 + n / (M - 1), 1 - n / (M - 1))


def _blackman(M):
    if M < 1:
        return np.zeros(0)
    if M == 1:
        return np.ones(1)
    n = np.arange(1 - M, M, 2)   # the points the symmetric windows are evaluated at
    return 0.42 + 0.5 * np.cos(np.pi * n / (M - 1)) + 0.08 * np.cos(2.0 * np.pi * n / (M - 1))


def _hamming(M):
    if M < 1:
        return np.zeros(0)
    if M == 1:
        return np.ones(1)
    n = np.arange(1 - M, M, 2)   # the points the symmetric windows are evaluated at
    return 0.54 + 0.46 * np.cos(np.pi * n / (M - 1))


def _hanning(M):
    if M < 1:
        return np.zeros(0)
    if M == 1:
        return np.ones(1)
    n = np.arange(1 - M, M, 2)   # the points the symmetric windows are evaluated at
    return 0.5 + 0.5 * np.cos(np.pi * n / (M - 1))


def _choose_window(name, fn):
    def choose(values, kwnames):
        if len(values) != 1 or not isinstance(values[0], int) or isinstance(values[0], bool):
            _refuse(name, "M other than an int")
        return fn
    return choose


# NumPy's Chebyshev coefficients of i0 (Cephes'), read from NumPy itself so that the values are
# its own to the bit
_I0A = np.array(np.lib._function_base_impl._i0A, dtype=np.float64)
_I0B = np.array(np.lib._function_base_impl._i0B, dtype=np.float64)


def _chbevl(x, vals):
    b0 = vals[0]
    b1 = 0.0
    b2 = 0.0
    for i in range(1, vals.shape[0]):
        b2 = b1
        b1 = b0
        b0 = x * b1 - b2 + vals[i]
    return 0.5 * (b0 - b2)


def _i0_one(x):
    # NumPy's piecewise form: one expansion up to 8, the other above (NaN there too)
    x = abs(x)
    if x <= 8.0:
        return np.exp(x) * _chbevl_c(x / 2.0 - 2, _I0A)
    return np.exp(x) * _chbevl_c(32.0 / x - 2.0, _I0B) / np.sqrt(x)


def _i0_array(x):
    flat = np.ascontiguousarray(x).reshape(-1)
    out = np.empty(flat.size)
    for i in range(flat.size):
        out[i] = _i0_one_c(float(flat[i]))
    return out.reshape(x.shape)


def _i0_array_f32(x):   # (NumPy computes in float32: this rounds the float64 values, within its error)
    return _i0_array_c(x).astype(np.float32)


def _i0_scalar(x):
    return _i0_one_c(float(x))


def _choose_i0(values, kwnames):
    if len(values) != 1:
        _refuse("np.i0", "these arguments")
    x = values[0]
    kind = x.dtype.kind if _is_array(x) else {bool: "b", int: "i", float: "f"}.get(type(x), "?")
    if kind == "c":
        return _source("i0", ["def i0(x):", "    raise TypeError('i0 not supported for complex values')",
                              "    return 0.0"])
    if kind not in "biuf" or (_is_array(x) and x.dtype == np.float16):
        _refuse("np.i0", f"{x.dtype if _is_array(x) else type(x).__name__} values")
    if _is_array(x):
        return _i0_array_f32 if x.dtype == np.float32 else _i0_array
    return _i0_scalar


def _kaiser(M, beta):
    if M == 1:
        return np.ones(1)
    n = np.arange(0.0, float(M))
    alpha = (M - 1) / 2.0
    return _i0_array_c(beta * np.sqrt(1 - ((n - alpha) / alpha) ** 2.0)) / _i0_one_c(float(beta))


def _choose_kaiser(values, kwnames):
    if len(values) != 2 or not all(isinstance(v, (int, float)) for v in values):
        _refuse("np.kaiser", "M and beta other than numbers")
    return _kaiser


# ---- shapes, resizing, trimming -----------------------------------------------------------------

def _shape_array(a):
    return a.shape


def _shape_scalar(a):
    return ()


def _size_array(a, axis=None):
    if axis is None:
        return a.size
    return a.shape[axis]


def _size_scalar(a, axis=None):
    return 1


def _ndim_array(a):
    return a.ndim


def _ndim_scalar(a):
    return 0


def _choose_by_array(name, array_fn, scalar_fn, params):
    def choose(values, kwnames):
        given = _positional_or_keyword(values, kwnames, params)
        if not set(given) <= set(params) or not values:
            _refuse(name, "these arguments")
        if _is_array(values[0]):
            return array_fn
        if isinstance(values[0], (bool, int, float, complex)):
            if len(values) > 1:
                _refuse(name, "axis= of a scalar")
            return scalar_fn
        _refuse(name, "a list or tuple (pass an array)")
    return choose


def _resize(a, new_shape):
    flat = np.asarray(a).ravel()
    out = np.empty(new_shape, dtype=flat.dtype)
    dest = out.reshape(-1)
    n = flat.size
    m = dest.size
    if n == 0:
        dest[:] = 0
        return out
    for i in range(m):
        dest[i] = flat[i % n]
    return out


def _choose_resize(values, kwnames):
    if len(values) != 2 or kwnames or not _is_array(values[0]):
        _refuse("np.resize", "anything but an array and a shape")
    s = values[1]
    if not (isinstance(s, int) or (isinstance(s, tuple) and all(isinstance(x, int) for x in s))):
        _refuse("np.resize", "a shape other than an int or a tuple of ints")
    return _resize


def _trim_zeros(filt, trim="fb"):
    n = filt.shape[0]
    first = 0
    last = n
    if "f" in trim or "F" in trim:
        while first < n and filt[first] == 0:
            first += 1
    if "b" in trim or "B" in trim:
        while last > first and filt[last - 1] == 0:
            last -= 1
    return filt[first:last]


def _choose_trim_zeros(values, kwnames):
    given = _positional_or_keyword(values, kwnames, ("filt", "trim"))
    if not set(given) <= {"filt", "trim"} or not _is_array(values[0]) or values[0].ndim != 1:
        _refuse("np.trim_zeros", "axis= or an array other than 1-d")
    return _trim_zeros


def _extract(condition, arr):
    return arr.ravel()[np.flatnonzero(condition)]


def _choose_extract(values, kwnames):
    if len(values) != 2 or kwnames or not _is_array(values[1]) or not _is_array(values[0]):
        _refuse("np.extract", "arguments other than two arrays")
    return _extract


# ---- take_along_axis ----------------------------------------------------------------------------

def _take_along_flat(arr, indices, axis):
    if indices.ndim != 1:
        raise ValueError("when axis=None, `indices` must have a single dimension.")
    return arr.ravel()[indices]


def _take_along_source(nd):
    """take_along_axis(arr, indices, axis) of nd-d arrays: the other axes broadcast against each
    other as NumPy's do, then each lane of arr is indexed by the lane of indices."""
    lines = ["def take_along_axis(arr, indices, axis=-1):",
             f"    if axis < -{nd} or axis >= {nd}:",
             f"        raise np.exceptions.AxisError('axis ' + str(axis) + ' is out of bounds for array of dimension {nd}')",
             f"    ax = axis + {nd} if axis < 0 else axis"]
    for d in range(nd):
        lines += [f"    a{d} = arr.shape[{d}]",
                  f"    i{d} = indices.shape[{d}]",
                  f"    if {d} != ax and a{d} != i{d} and a{d} != 1 and i{d} != 1:",
                  "        raise IndexError('shape mismatch: indexing arrays could not be broadcast together')",
                  f"    s{d} = a{d} if i{d} == 1 else i{d}"]
    sa = ", ".join(f"(a{d} if {d} == ax else s{d})" for d in range(nd))
    si = ", ".join(f"(i{d} if {d} == ax else s{d})" for d in range(nd))
    lines += [f"    A = np.broadcast_to(arr, ({sa},))",
              f"    I = np.broadcast_to(indices, ({si},))",
              "    c, shape = _lanes_c(A, ax)",
              "    k, ishape = _lanes_c(I, ax)",
              "    out = np.empty(k.shape, dtype=arr.dtype)",
              "    for r in range(k.shape[0]):",
              "        out[r] = c[r][k[r]]",
              f"    return np.swapaxes(out.reshape(ishape), ax, {nd - 1})"]
    return _source("take_along_axis", lines)


def _take_along_const_source(nd, ax):
    """take_along_axis along a constant axis: one loop nest over the broadcast result, each element
    read from arr at its index along ax (wrapped, NumPy's IndexError out of range), the other
    axes broadcast (views, no copies: the lanes were copied, and each indexed into a new array)."""
    lines = ["def take_along_axis(arr, indices, axis=-1):"]
    for d in range(nd):
        lines += [f"    a{d} = arr.shape[{d}]",
                  f"    i{d} = indices.shape[{d}]"]
        if d != ax:
            lines += [f"    if a{d} != i{d} and a{d} != 1 and i{d} != 1:",
                      "        raise IndexError('shape mismatch: indexing arrays could not be broadcast together')",
                      f"    s{d} = a{d} if i{d} == 1 else i{d}"]
        else:
            lines.append(f"    s{d} = i{d}")
    sa = ", ".join(f"a{d}" if d == ax else f"s{d}" for d in range(nd))
    shape = ", ".join(f"s{d}" for d in range(nd))
    lines += [f"    A = np.broadcast_to(arr, ({sa},))",
              f"    I = np.broadcast_to(indices, ({shape},))",
              f"    out = np.empty(({shape},), dtype=arr.dtype)",
              f"    n = a{ax}"]
    for d in range(nd):
        lines.append("    " * (d + 1) + f"for j{d} in range(s{d}):")
    ind = "    " * (nd + 1)
    here = ", ".join(f"j{d}" for d in range(nd))
    src = ", ".join("k" if d == ax else f"j{d}" for d in range(nd))
    lines += [f"{ind}k = I[{here}]",
              f"{ind}if k < 0:",
              f"{ind}    k += n",
              f"{ind}if k < 0 or k >= n:",
              f"{ind}    raise IndexError('index ' + str(I[{here}]) + ' is out of bounds for axis {ax} with size ' + str(n))",
              f"{ind}out[{here}] = A[{src}]",
              "    return out"]
    return _source("take_along_axis", lines)


def _choose_take_along(values, kwnames, consts=None):
    given = _positional_or_keyword(values, kwnames, ("arr", "indices", "axis"))
    if not {"arr", "indices"} <= set(given) <= {"arr", "indices", "axis"}:
        _refuse("np.take_along_axis", "these arguments")
    arr, indices = values[given.index("arr")], values[given.index("indices")]
    axis = values[given.index("axis")] if "axis" in given else -1
    if not (_is_array(arr) and _is_array(indices)) or indices.dtype.kind not in "iu":
        _refuse("np.take_along_axis", "arguments other than an array and an integer index array")
    if axis is None:
        return _take_along_flat
    if arr.ndim != indices.ndim:
        raise TypeError("np.take_along_axis: `indices` and `arr` must have the same number of dimensions")
    if arr.ndim == 0 or not isinstance(axis, int):
        _refuse("np.take_along_axis", "a 0-d array or an axis other than an int or None")
    const = consts[given.index("axis")] if consts is not None and "axis" in given else -1 if "axis" not in given else None
    if const is not None and -arr.ndim <= const < arr.ndim:   # (out of range: the generic form's AxisError)
        return _take_along_const_source(arr.ndim, const % arr.ndim)
    return _take_along_source(arr.ndim)


# ---- fill_diagonal ------------------------------------------------------------------------------

def _fill_diagonal_2d(a, val, wrap=False):
    n = a.shape[0]
    m = a.shape[1]
    end = n * m
    if not wrap and m * m < end:
        end = m * m
    v = np.asarray(val).ravel()
    if v.size == 0:
        return
    k = 0
    for p in range(0, end, m + 1):
        a[p // m, p % m] = v[k % v.size]
        k += 1


def _fill_diagonal_source(nd):
    idx = ", ".join(["i"] * nd)
    lines = ["def fill_diagonal(a, val, wrap=False):",
             "    n = a.shape[0]",
             *(f"    if a.shape[{d}] != n:\n        raise ValueError('All dimensions of input must be of equal length')"
               for d in range(1, nd)),
             "    v = np.asarray(val).ravel()",
             "    if v.size == 0:",
             "        return",
             "    for i in range(n):",
             f"        a[{idx}] = v[i % v.size]"]
    return _source("fill_diagonal", lines)


def _choose_fill_diagonal(values, kwnames):
    given = _positional_or_keyword(values, kwnames, ("a", "val", "wrap"))
    if not set(given) <= {"a", "val", "wrap"} or len(values) < 2 or not _is_array(values[0]):
        _refuse("np.fill_diagonal", "these arguments")
    a = values[0]
    if a.ndim < 2:
        raise TypeError("np.fill_diagonal: array must be at least 2-d")
    return _fill_diagonal_2d if a.ndim == 2 else _fill_diagonal_source(a.ndim)


# ---- calculus: gradient, unwrap, NaN-ignoring cumulative sums -----------------------------------

def _gradient_1d(f, h, edge_order, out):
    # NumPy's second-order central differences inside, one-sided differences of edge_order at the
    # ends, for a uniform spacing h; into out (float64, or float32 for float32 f)
    n = f.shape[0]
    if n < edge_order + 1:
        raise ValueError("Shape of array too small to calculate a numerical gradient, "
                         "at least (edge_order + 1) elements are required.")
    out[1:n - 1] = (f[2:] - f[:n - 2]) / (2.0 * h)
    if edge_order == 1:
        out[0] = (f[1] - f[0]) / h
        out[n - 1] = (f[n - 1] - f[n - 2]) / h
    else:
        out[0] = -1.5 / h * f[0] + 2.0 / h * f[1] + -0.5 / h * f[2]
        out[n - 1] = 0.5 / h * f[n - 3] + -2.0 / h * f[n - 2] + 1.5 / h * f[n - 1]
    return out


def _gradient_1d_x(f, x, edge_order, out):
    # coordinates x: evenly spaced ones as one spacing (as NumPy), else NumPy's formulas from the
    # two neighbouring steps
    n = f.shape[0]
    if x.shape[0] != n:
        raise ValueError("when 1d, distances must match the length of the corresponding dimension")
    if n < edge_order + 1:
        raise ValueError("Shape of array too small to calculate a numerical gradient, "
                         "at least (edge_order + 1) elements are required.")
    dx = np.diff(x.astype(np.float64))
    if (dx == dx[0]).all():
        return _gradient_1d_c(f, dx[0], edge_order, out)
    for i in range(1, n - 1):
        d1 = dx[i - 1]
        d2 = dx[i]
        a = -d2 / (d1 * (d1 + d2))
        b = (d2 - d1) / (d1 * d2)
        c = d1 / (d2 * (d1 + d2))
        out[i] = a * f[i - 1] + b * f[i] + c * f[i + 1]
    if edge_order == 1:
        out[0] = (f[1] - f[0]) / dx[0]
        out[n - 1] = (f[n - 1] - f[n - 2]) / dx[n - 2]
    else:
        d1 = dx[0]
        d2 = dx[1]
        a = -(2.0 * d1 + d2) / (d1 * (d1 + d2))
        b = (d1 + d2) / (d1 * d2)
        c = -d1 / (d2 * (d1 + d2))
        out[0] = a * f[0] + b * f[1] + c * f[2]
        d1 = dx[n - 3]
        d2 = dx[n - 2]
        a = d2 / (d1 * (d1 + d2))
        b = -(d2 + d1) / (d1 * d2)
        c = (2.0 * d2 + d1) / (d2 * (d1 + d2))
        out[n - 1] = a * f[n - 3] + b * f[n - 2] + c * f[n - 1]
    return out


def _edge_order_check(edge_order):
    if edge_order != 1 and edge_order != 2:
        raise ValueError("'edge_order' greater than 2 not supported")


def _gradient_source(nd, spacing, otype):
    """np.gradient(f, *varargs, edge_order=1) of an nd-d array giving otype: spacing is 'none'
    (unit), 'one' (one scalar for every axis), 'each' (a scalar per axis) or 'coords' (1-d only: x)."""
    if spacing == "none":
        params, hs = "f", ["1.0"] * nd
    elif spacing == "one":
        params, hs = "f, h", ["h"] * nd
    elif spacing == "each":
        params, hs = "f, " + ", ".join(f"h{d}" for d in range(nd)), [f"h{d}" for d in range(nd)]
    else:
        params, hs = "f, x", None
    lines = [f"def gradient({params}, edge_order=1):", "    _edge_order_check_c(edge_order)"]
    if hs is None:
        lines.append(f"    return _gradient_1d_x_c(f, x, edge_order, np.empty(f.shape[0], dtype=np.{otype}))")
        return _source("gradient", lines)
    if nd == 1:
        lines.append(f"    return _gradient_1d_c(f, {hs[0]}, edge_order, np.empty(f.shape[0], dtype=np.{otype}))")
        return _source("gradient", lines)
    outs = []
    for d in range(nd):
        lines += [f"    c, shape = _lanes_c(f, {d})",
                  f"    g = np.empty(c.shape, dtype=np.{otype})",
                  "    for r in range(c.shape[0]):",
                  f"        _gradient_1d_c(c[r], {hs[d]}, edge_order, g[r])",
                  f"    g{d} = np.swapaxes(g.reshape(shape), {d}, {nd - 1})"]
        outs.append(f"g{d}")
    lines.append(f"    return ({', '.join(outs)},)")
    return _source("gradient", lines)


def _choose_gradient(values, kwnames):
    if set(kwnames) - {"edge_order"} or not values or not _is_array(values[0]):
        _refuse("np.gradient", "axis= or a first argument other than an array")
    f = values[0]
    nvar = len(values) - len(kwnames) - 1
    if f.ndim == 0 or f.dtype.kind == "c" or f.dtype.kind == "b":
        _refuse("np.gradient", "a 0-d, complex or bool array")
    spacing = values[1:1 + nvar]
    otype = "float32" if f.dtype == np.float32 else "float64"
    if nvar == 0:
        return _gradient_source(f.ndim, "none", otype)
    if nvar == 1 and f.ndim == 1 and _is_array(spacing[0]):
        if spacing[0].ndim != 1:
            _refuse("np.gradient", "coordinates other than a 1-d array")
        return _gradient_source(1, "coords", otype)
    if all(isinstance(h, (int, float)) and not isinstance(h, bool) for h in spacing):
        if nvar == 1:
            return _gradient_source(f.ndim, "one", otype)
        if nvar == f.ndim:
            return _gradient_source(f.ndim, "each", otype)
        raise TypeError("np.gradient: invalid number of arguments")
    _refuse("np.gradient", "coordinate arrays for an array of more than one dimension")


def _unwrap(p, discont=None, axis=-1, period=2 * math.pi):
    if p.ndim != 1 or (axis != -1 and axis != 0):
        raise ValueError("np.unwrap in compiled code takes 1-d arrays")
    n = p.shape[0]
    up = p.astype(np.float64)
    if n < 2:
        return up
    d = period / 2 if discont is None else discont
    high = period / 2
    low = -high
    correction = 0.0
    for i in range(1, n):
        dd = float(p[i]) - float(p[i - 1])
        m = (dd - low) % period + low
        if m == low and dd > 0:
            m = high
        c = m - dd
        if abs(dd) < d:
            c = 0.0
        correction += c
        up[i] = p[i] + correction
    return up


def _choose_unwrap(values, kwnames):
    given = _positional_or_keyword(values, kwnames, ("p", "discont", "axis", "period"))
    if not set(given) <= {"p", "discont", "axis", "period"} or not _is_array(values[0]) or values[0].ndim != 1:
        _refuse("np.unwrap", "an array other than 1-d")
    if values[0].dtype.kind not in "iuf" or values[0].dtype.itemsize < 8 and values[0].dtype.kind == "f":
        _refuse("np.unwrap", "complex, bool or float32 values")
    return _unwrap


def _diff_lines(prepend, append):
    """np.diff(a, n, axis, prepend, append) along a run-time axis: the axis moved last, the values
    to prepend or append (a scalar, or an array of a's ndim) joined there, differences taken."""
    lines = ["def diff(a, n=1, axis=-1, prepend=None, append=None):",
             "    nd = a.ndim",
             "    if axis < -nd or axis >= nd:",
             "        raise np.exceptions.AxisError('axis ' + str(axis) + ' is out of bounds for array of dimension ' + str(nd))",
             "    ax = axis + nd if axis < 0 else axis",
             "    b = np.swapaxes(a, ax, nd - 1)"]
    for name, kind in (("prepend", prepend), ("append", append)):
        if kind is None:
            continue
        if kind == "scalar":
            part = f"np.full(b.shape[:-1] + (1,), {name})"
        else:
            part = f"np.swapaxes({name}, ax, nd - 1)"
        pair = f"({part}, b)" if name == "prepend" else f"(b, {part})"
        lines.append(f"    b = np.concatenate({pair}, axis=-1)")
    lines.append("    return np.swapaxes(np.diff(b, n), ax, nd - 1)")
    return lines


def _choose_diff(values, kwnames):
    given = _positional_or_keyword(values, kwnames, ("a", "n", "axis", "prepend", "append"))
    if not set(given) <= {"a", "n", "axis", "prepend", "append"} or not _is_array(values[0]) or values[0].ndim == 0:
        _refuse("np.diff", "these arguments")
    kinds = {}
    for name in ("prepend", "append"):
        v = values[given.index(name)] if name in given else None
        if v is None:
            kinds[name] = None
        elif _is_array(v):
            if v.ndim != values[0].ndim:
                _refuse("np.diff", f"{name}= of another number of dimensions than the array (give a scalar or "
                        "an array of the same ndim)")
            kinds[name] = "array"
        elif isinstance(v, (bool, int, float, complex)):
            kinds[name] = "scalar"
        else:
            _refuse("np.diff", f"{name}= other than a number or an array")
    return _source("diff", _diff_lines(kinds["prepend"], kinds["append"]))


def _nan_to(a, value):
    return np.where(np.isnan(a), value, a)


def _choose_nancum(name, op, neutral):
    lines_none = [f"def {name}(a, axis=None):", f"    return np.{op}(_nan_to_c(a, {neutral}))"]
    lines_axis = [f"def {name}(a, axis=None):",
                  "    if axis is None:",
                  f"        return np.{op}(_nan_to_c(a, {neutral}))",
                  "    c, shape = _lanes_c(a, axis)",
                  f"    out = np.{op}(_nan_to_c(c, {neutral}), axis=1)",
                  "    return np.swapaxes(out.reshape(shape), axis, a.ndim - 1)"]
    lines_int = [f"def {name}(a, axis=None):", f"    return np.{op}(a)"]
    lines_int_axis = [f"def {name}(a, axis=None):",
                      "    if axis is None:",
                      f"        return np.{op}(a)",
                      "    c, shape = _lanes_c(a, axis)",
                      f"    return np.swapaxes(np.{op}(c, axis=1).reshape(shape), axis, a.ndim - 1)"]

    def choose(values, kwnames):
        given = _positional_or_keyword(values, kwnames, ("a", "axis"))
        if not set(given) <= {"a", "axis"} or not _is_array(values[0]):
            _refuse(f"np.{name}", "dtype=, out= or a first argument other than an array")
        floats = values[0].dtype.kind in "fc"
        with_axis = "axis" in given and values[given.index("axis")] is not None
        if floats:
            return _source(name, lines_axis if with_axis else lines_none)
        return _source(name, lines_int_axis if with_axis else lines_int)
    return choose


# ---- small predicates, sinc, geomspace, inner, cond ---------------------------------------------

def _true(x):
    return True


def _false(x):
    return False


def _choose_iscomplexobj(values, kwnames):
    if len(values) != 1 or kwnames:
        _refuse("np.iscomplexobj", "these arguments")
    v = values[0]
    kind = v.dtype.kind if _is_array(v) else ("c" if isinstance(v, complex) else "x")
    return _true if kind == "c" else _false


def _choose_isrealobj(values, kwnames):
    return _false if _choose_iscomplexobj(values, kwnames) is _true else _true


def _isreal_array(x):
    return np.imag(x) == 0


def _iscomplex_array(x):
    return np.imag(x) != 0


def _isreal_scalar(x):
    return x.imag == 0


def _iscomplex_scalar(x):
    return x.imag != 0


def _real_array_false(x):
    return np.zeros(x.shape, np.bool_)


def _real_array_true(x):
    return np.ones(x.shape, np.bool_)


def _choose_isreal(name, complex_fns, real_fns):
    """np.isreal / np.iscomplex: per element, whether the imaginary part is (not) zero; for a real
    dtype a constant array (or bool)."""
    def choose(values, kwnames):
        if len(values) != 1 or kwnames:
            _refuse(name, "these arguments")
        v = values[0]
        if _is_array(v):
            return complex_fns[0] if v.dtype.kind == "c" else real_fns[0]
        if isinstance(v, (bool, int, float, complex)):
            return complex_fns[1] if isinstance(v, complex) else real_fns[1]
        _refuse(name, "a list or tuple (pass an array)")
    return choose


def _choose_isscalar(values, kwnames):
    """np.isscalar(x): decided by x's type (a number or a str is a scalar, an array is not)."""
    if len(values) != 1 or kwnames:
        _refuse("np.isscalar", "these arguments")
    return _true if isinstance(values[0], (bool, int, float, complex, str)) else _false


def _asarray_chkfinite(a):
    r = np.asarray(a)
    if not np.all(np.isfinite(r)):
        raise ValueError("array must not contain infs or NaNs")
    return r


def _isneginf(x):
    return x == -np.inf


def _isposinf(x):
    return x == np.inf


def _choose_signed_inf(name, fn):
    def choose(values, kwnames):
        if len(values) != 1 or kwnames:
            _refuse(name, "out=")
        v = values[0]
        if (_is_array(v) and v.dtype.kind == "c") or isinstance(v, complex):
            raise TypeError(f"{name}: this operation is not supported for complex values because it would be ambiguous")
        return fn
    return choose


def _sinc(x):
    y = np.pi * np.where(x == 0, 1.0e-20, x)
    return np.sin(y) / y


def _sinc_scalar(x):
    y = np.pi * (1.0e-20 if x == 0 else x)
    return math.sin(y) / y


def _sinc_complex_scalar(x):
    y = np.pi * (1.0e-20 if x == 0 else x)
    return cmath.sin(y) / y


def _choose_sinc(values, kwnames):
    if len(values) != 1 or kwnames:
        _refuse("np.sinc", "these arguments")
    v = values[0]
    return _sinc if _is_array(v) else _sinc_complex_scalar if np.iscomplexobj(v) else _sinc_scalar


def _geomspace(start, stop, num=50, endpoint=True):
    if start == 0 or stop == 0:
        raise ValueError("Geometric sequence cannot include zero")
    sign = 1.0 if start > 0 else -1.0
    lo = start / sign
    hi = stop / sign
    out = np.empty(num, dtype=np.float64)
    if num > 0:
        out[:] = np.logspace(math.log10(lo), math.log10(hi), num, endpoint)
        out[0] = lo
        if num > 1 and endpoint:
            out[num - 1] = hi
    return sign * out


def _cdiv_smith(a, b):
    """a / b of complex numbers as NumPy's complex divide computes it (Smith's method with the
    reciprocal of the scaled denominator), not as Python's complex division rounds."""
    if abs(b.real) >= abs(b.imag):
        if b.real == 0 and b.imag == 0:
            return complex(a.real / abs(b.real), a.imag / abs(b.real))
        rat = b.imag / b.real
        scl = 1.0 / (b.real + b.imag * rat)
        return complex((a.real + a.imag * rat) * scl, (a.imag - a.real * rat) * scl)
    rat = b.real / b.imag
    scl = 1.0 / (b.imag + b.real * rat)
    return complex((a.real * rat + a.imag) * scl, (a.imag * rat - a.real) * scl)


def _clog10_np(z):
    """np.log10 of a complex number: the C library's clog (its log1p forms near |z| = 1, else
    log(hypot)), both parts times log10(e)."""
    x, y = abs(z.real), abs(z.imag)
    if x < y:
        x, y = y, x
    if x == 1.0:
        re = math.log1p(y * y) / 2
    elif 1.0 < x < 2.0 and y < 1.0:
        d = (x - 1.0) * (x + 1.0)
        re = math.log1p(d + y * y if y >= 2.220446049250313e-16 else d) / 2
    elif 0.5 <= x < 1.0 and (y < 1.1102230246251565e-16 or x * x + y * y >= 0.5):
        re = math.log1p((x - 1.0) * (x + 1.0) + (y * y if y >= 1.1102230246251565e-16 else 0.0)) / 2
    else:
        re = math.log(math.hypot(x, y))
    e = 0.4342944819032518
    return complex(re * e, math.atan2(z.imag, z.real) * e)


def _pow10_np(y):
    """10.0 ** y for a complex y as NumPy's power computes it: an integral real y below 100 in
    magnitude by repeated squaring, any other by cexp(y * log(10))."""
    if y.real == 0 and y.imag == 0:
        return 1.0 + 0j
    n = int(y.real)
    if y.imag == 0 and n == y.real and -100 < n < 100:
        m = -n if n < 0 else n
        r = 1.0
        p = 10.0
        while True:
            if m & 1:
                r *= p
            m >>= 1
            if m == 0:
                break
            p *= p
        return complex(1.0 / r if n < 0 else r, 0.0)
    ln10 = 2.302585092994046
    e = math.exp(y.real * ln10)
    t = y.imag * ln10
    return complex(e * math.cos(t), e * math.sin(t))


def _fma(a, b, c):
    """a * b + c with (nearly always) one rounding, from the exact product (Veltkamp's split,
    Dekker's product) and an exact sum: the fused multiply-add NumPy's complex multiply uses."""
    ah = a * 134217729.0
    ah = ah - (ah - a)
    bh = b * 134217729.0
    bh = bh - (bh - b)
    p = a * b
    e = ((ah * bh - p) + ah * (b - bh) + (a - ah) * bh) + (a - ah) * (b - bh)
    s = p + c
    z = s - p
    t = (p - (s - z)) + (c - z)
    return s + (t + e)


def _cmul_np(a, b):
    """a * b of complex numbers as NumPy's vectorised multiply rounds it (each part one fused
    multiply-add)."""
    return complex(_fma_c(a.real, b.real, -(a.imag * b.imag)), _fma_c(a.real, b.imag, a.imag * b.real))


def _geomspace_complex(start, stop, num=50, endpoint=True):
    # NumPy's steps: rotate start onto the positive reals (divide both ends by start's sign
    # z/|z|), space the exponents of 10 evenly (np.linspace's i * step + start), raise 10 to
    # them, put the rotated ends back exactly, rotate back
    if start == 0 or stop == 0:
        raise ValueError("Geometric sequence cannot include zero")
    s = start + 0j
    mag = math.hypot(s.real, s.imag)
    sign = complex(s.real / mag, s.imag / mag)
    lo = _cdiv_smith_c(s, sign)
    hi = _cdiv_smith_c(stop + 0j, sign)
    a = _clog10_np_c(lo)
    b = _clog10_np_c(hi)
    div = num - 1 if endpoint else num
    out = np.empty(num, dtype=np.complex128)
    if div > 0:
        step = _cdiv_smith_c(b - a, div + 0j)
        for i in range(num):
            out[i] = _pow10_np_c(complex(i * step.real, i * step.imag) + a)
    elif num > 0:
        out[0] = _pow10_np_c(a)
    if num > 0:
        out[0] = lo
        if num > 1 and endpoint:
            out[num - 1] = hi
    for i in range(num):
        out[i] = _cmul_np_c(out[i], sign)
    return out


def _choose_geomspace(values, kwnames):
    """np.geomspace(start, stop, num=50, endpoint=True): real ends as before; a complex end makes
    the sequence complex, along the logarithmic spiral NumPy computes."""
    given = _positional_or_keyword(values, kwnames, ("start", "stop", "num", "endpoint"))
    if not set(given) <= {"start", "stop", "num", "endpoint"}:
        _refuse("np.geomspace", "dtype= or axis=")
    for v in values[:2]:
        if not isinstance(v, (int, float, complex)) or isinstance(v, bool):
            _refuse("np.geomspace", "start and stop other than numbers")
    if any(isinstance(v, complex) for v in values[:2]):
        return _geomspace_complex
    return _geomspace


def _inner_1d(a, b):
    return np.dot(a, b)


def _inner_scalar(a, b):
    return a * b


def _inner_source(nda, ndb):
    sa = " + ".join(f"(a.shape[{k}],)" for k in range(nda - 1)) or "()"
    sb = " + ".join(f"(b.shape[{k}],)" for k in range(ndb - 1)) or "()"
    lines = ["def inner(a, b):",
             f"    k = a.shape[{nda - 1}]",
             f"    if b.shape[{ndb - 1}] != k:",
             "        raise ValueError('shapes not aligned: the last dimensions of a and b differ')",
             "    a2 = np.ascontiguousarray(a).reshape((-1, k)) if k else np.zeros((a.size, 0), dtype=a.dtype)",
             "    b2 = np.ascontiguousarray(b).reshape((-1, k)) if k else np.zeros((b.size, 0), dtype=b.dtype)",
             f"    return (a2 @ b2.T).reshape({sa} + {sb})"]
    return _source("inner", lines)


def _choose_inner(values, kwnames):
    if len(values) != 2 or kwnames:
        _refuse("np.inner", "these arguments")
    a, b = values
    if not _is_array(a) and not _is_array(b):
        return _inner_scalar
    if not (_is_array(a) and _is_array(b)):
        _refuse("np.inner", "an array with a scalar (use a * b)")
    if a.ndim == 0 or b.ndim == 0:
        _refuse("np.inner", "0-d arrays")
    if a.ndim == 1 and b.ndim == 1:
        return _inner_1d
    return _inner_source(a.ndim, b.ndim)


def _tensordot_source(nda, ndb, n):
    """np.tensordot(a, b, axes=n): a's last n axes against b's first n, as one matrix product."""
    prod = lambda names: " * ".join(names) or "1"
    ka = [f"a.shape[{d}]" for d in range(nda)]
    kb = [f"b.shape[{d}]" for d in range(ndb)]
    lines = ["def tensordot(a, b, axes=2):"]
    for k in range(n):
        lines += [f"    if {ka[nda - n + k]} != {kb[k]}:", "        raise ValueError('shape-mismatch for sum')"]
    shape = " + ".join([f"({x},)" for x in ka[:nda - n] + kb[n:]]) or "()"
    lines += [f"    m = {prod(ka[:nda - n])}",
              f"    k = {prod(ka[nda - n:])}",
              f"    p = {prod(kb[n:])}",
              "    a2 = np.ascontiguousarray(a).reshape((m, k))",
              "    b2 = np.ascontiguousarray(b).reshape((k, p))",
              f"    return (a2 @ b2).reshape({shape})"]
    return _source("tensordot", lines)


def _choose_tensordot(values, kwnames, consts=None):
    given = _positional_or_keyword(values, kwnames, ("a", "b", "axes"))
    if not set(given) <= {"a", "b", "axes"} or len(values) < 2:
        _refuse("np.tensordot", "these arguments")
    a, b = values[given.index("a")], values[given.index("b")]
    if not (_is_array(a) and _is_array(b)):
        _refuse("np.tensordot", "arguments other than arrays")
    if "axes" in given:
        n = consts[given.index("axes")] if consts is not None else None
        if not isinstance(n, int):
            _refuse("np.tensordot", "axes other than a constant int")
    else:
        n = 2
    if n < 0 or n > a.ndim or n > b.ndim:
        raise TypeError(f"np.tensordot: axes={n} for arrays of {a.ndim} and {b.ndim} dimensions")
    return _tensordot_source(a.ndim, b.ndim, n)


def _broadcast_dims_lines(shapes, nd):
    """Lines computing s0..s{nd-1}, the broadcast of the shapes (expressions per array, aligned
    right), with NumPy's ValueError when two sizes other than 1 differ."""
    lines = []
    for d in range(nd):
        lines.append(f"    s{d} = 1")
        for sh in shapes:
            k = d - (nd - len(sh))
            if k < 0:
                continue
            lines += [f"    x = {sh[k]}",
                      "    if x != 1:",
                      f"        if s{d} != 1 and s{d} != x:",
                      "            raise ValueError('shape mismatch: objects cannot be broadcast to a single shape')",
                      f"        s{d} = x"]
    return lines


def _broadcast_shapes_source(lens):
    params = [f"t{i}" for i in range(len(lens))]
    shapes = [[f"t{i}[{k}]" for k in range(n)] if n is not None else [f"t{i}"] for i, n in enumerate(lens)]
    nd = max((len(s) for s in shapes), default=0)
    lines = [f"def broadcast_shapes({', '.join(params)}):", *_broadcast_dims_lines(shapes, nd),
             "    return (" + "".join(f"s{d}, " for d in range(nd)) + ")"]
    return _source("broadcast_shapes", lines)


def _choose_broadcast_shapes(values, kwnames):
    lens = []
    for v in values:
        if isinstance(v, int) and not isinstance(v, bool):
            lens.append(None)
        elif isinstance(v, tuple) and all(isinstance(x, int) and not isinstance(x, bool) for x in v):
            lens.append(len(v))
        else:
            _refuse("np.broadcast_shapes", "shapes other than ints or tuples of ints")
    if kwnames:
        _refuse("np.broadcast_shapes", "keywords")
    return _broadcast_shapes_source(lens)


def _broadcast_arrays_source(ndims):
    params = [f"a{i}" for i in range(len(ndims))]
    shapes = [[f"a{i}.shape[{k}]" for k in range(n)] for i, n in enumerate(ndims)]
    nd = max(ndims, default=0)
    target = "(" + "".join(f"s{d}, " for d in range(nd)) + ")"
    lines = [f"def broadcast_arrays({', '.join(params)}):", *_broadcast_dims_lines(shapes, nd),
             "    return (" + "".join(f"np.broadcast_to({p}, {target}), " for p in params) + ")"]
    return _source("broadcast_arrays", lines)


def _choose_broadcast_arrays(values, kwnames):
    if kwnames or not all(_is_array(v) for v in values):
        _refuse("np.broadcast_arrays", "subok= or arguments other than arrays")
    return _broadcast_arrays_source([v.ndim for v in values])


def _cond_checked(x, square):   # NumPy's checks, in its order
    if x.shape[0] == 0 or x.shape[1] == 0:
        raise np.linalg.LinAlgError("cond is not defined on empty arrays")
    if square and x.shape[0] != x.shape[1]:
        raise np.linalg.LinAlgError("Last 2 dimensions of the array must be square")


def _cond(x, p=None):
    _cond_checked_c(x, False)
    s = np.linalg.svd(x, compute_uv=False)
    last = s[s.shape[0] - 1]
    if last == 0 or np.isnan(last):   # NumPy: infinite for a singular matrix without NaN
        return np.nan if np.isnan(x).any() else np.inf
    return s[0] / last


def _cond_svd(x, p):   # p 2 or -2: the ratio of the extreme singular values
    s = np.linalg.svd(x, compute_uv=False)
    first, last = s[0], s[s.shape[0] - 1]
    r = first / last if p == 2 else last / first
    if np.isnan(r) and not np.isnan(x).any():   # NumPy: infinite for a singular matrix without NaN
        return np.inf
    return r


def _inverse_or_none(x):   # inv(x), or None where it is singular
    try:
        return np.linalg.inv(x)
    except np.linalg.LinAlgError:
        return None


def _cond_p(x, p):   # any other order: norm(x, p) * norm(inv(x), p)
    _cond_checked_c(x, not (p == 2 or p == -2))
    if p == 2 or p == -2:
        return _cond_svd_c(x, p)
    invx = _inverse_or_none_c(x)
    if invx is None:   # NumPy's inverse is then NaN: an infinite condition number
        return np.nan if np.isnan(x).any() else np.inf
    return np.linalg.norm(x, p) * np.linalg.norm(invx, p)


def _cond_fro(x, p):   # p 'fro' (a constant: _choose_cond)
    _cond_checked_c(x, True)
    invx = _inverse_or_none_c(x)
    if invx is None:
        return np.nan if np.isnan(x).any() else np.inf
    return np.linalg.norm(x, "fro") * np.linalg.norm(invx, "fro")


def _cond_nuc(x, p):   # p 'nuc'
    _cond_checked_c(x, True)
    invx = _inverse_or_none_c(x)
    if invx is None:
        return np.nan if np.isnan(x).any() else np.inf
    return np.linalg.norm(x, "nuc") * np.linalg.norm(invx, "nuc")


def _choose_cond(values, kwnames, consts):
    if not _is_array(values[0]) or values[0].ndim != 2:
        _refuse("np.linalg.cond", "an array other than 2-d")
    if len(values) == 1 or values[1] is None:
        return _cond
    if isinstance(values[1], str):
        if consts[1] not in ("fro", "nuc"):
            raise ValueError(f"np.linalg.cond: invalid norm order {consts[1]!r} for matrices")
        return _cond_fro if consts[1] == "fro" else _cond_nuc
    if isinstance(values[1], complex) or _is_array(values[1]):
        _refuse("np.linalg.cond", "p other than a real number, None, 'fro' or 'nuc'")
    return _cond_p


# np.linalg.norm(x, ord) of a matrix with ord a run-time number (typeinfer/nplib.c,
# ti_nplib_python_form; a vector's is compiled there): each order's branch is the constant-order
# norm, so results are the same bits
def _norm_sums_ord(x, ord):   # orders 1, -1, inf, -inf: extremes of column or row sums
    if ord == 1:
        return np.linalg.norm(x, 1)
    if ord == -1:
        return np.linalg.norm(x, -1)
    if ord == np.inf:
        return np.linalg.norm(x, np.inf)
    if ord == -np.inf:
        return np.linalg.norm(x, -np.inf)
    raise ValueError("Invalid norm order for matrices.")


def _norm_matrix_ord(x, ord=None):
    if ord == 2:
        return np.linalg.norm(x, 2)
    if ord == -2:
        return np.linalg.norm(x, -2)
    return _norm_sums_ord_c(x, ord)


def _choose_norm(values, kwnames):
    x = values[0]
    if len(values) != 2 or (kwnames and kwnames != ("ord",)) or not _is_array(x) or x.ndim != 2:
        _refuse("np.linalg.norm", "a run-time ord with axis= or keepdims=")
    return _norm_sums_ord if x.dtype.kind == "c" else _norm_matrix_ord   # (complex orders ±2 are not compiled)


def _rank_1d(A, tol=None, hermitian=False):   # NumPy: a vector has rank 1 unless it is all zeros
    return int(not np.all(A == 0))


def _choose_rank(values, kwnames):
    return _rank_1d


# np.interp with complex fp (typeinfer/nplib.c, ti_nplib_python_form; real fp is compiled in C):
# NumPy's complex interpolation, each part along the interval by the reciprocal of its width,
# and where that gives NaN (an infinite end) from the other end, then the equal ends' value.
def _interp_c1(v, xp, fp, lv, rv):
    n = xp.shape[0]
    if n == 1:   # one sample point: its value everywhere between left and right, NaN too
        return lv if v < xp[0] else rv if v > xp[0] else fp[0]
    if np.isnan(v):
        return complex(v, 0.0)
    if v < xp[0]:
        return lv
    if v > xp[n - 1]:
        return rv
    if v == xp[n - 1]:
        return fp[n - 1]
    j = np.searchsorted(xp, v, side="right") - 1   # the last j with xp[j] <= v
    if v == xp[j]:
        return fp[j]
    inv = 1.0 / (xp[j + 1] - xp[j])
    re = _interp_part_c(v, xp[j], xp[j + 1], fp[j].real, fp[j + 1].real, inv)
    im = _interp_part_c(v, xp[j], xp[j + 1], fp[j].imag, fp[j + 1].imag, inv)
    return complex(re, im)


def _interp_part(v, x0, x1, a, b, inv):
    s = (b - a) * inv
    r = s * (v - x0) + a
    if np.isnan(r):
        r = s * (v - x1) + b
        if np.isnan(r) and a == b:
            r = a
    return r


def _interp_ends(xp, fp, left, right):   # NumPy's checks, then the values outside xp
    n = fp.shape[0]
    if n != xp.shape[0]:
        raise ValueError("fp and xp are not of the same length.")
    if n == 0:
        raise ValueError("array of sample points is empty")
    return (fp[0] if left is None else complex(left)), (fp[n - 1] if right is None else complex(right))


def _interp_complex_scalar(x, xp, fp, left=None, right=None):
    lv, rv = _interp_ends_c(xp, fp, left, right)
    return _interp_c1_c(float(x), xp, fp, lv, rv)


def _interp_complex_array(x, xp, fp, left=None, right=None):
    lv, rv = _interp_ends_c(xp, fp, left, right)
    xs = x.ravel()
    out = np.empty(xs.size, np.complex128)
    for k in range(xs.size):
        out[k] = _interp_c1_c(float(xs[k]), xp, fp, lv, rv)
    return out.reshape(x.shape)


def _choose_interp(values, kwnames):
    x, xp = values[0], values[1]
    if not _is_array(xp) or xp.ndim != 1 or xp.dtype.kind not in "biuf" or isinstance(x, complex) or \
            (_is_array(x) and x.dtype.kind == "c"):
        _refuse("np.interp", "complex x or xp, or xp other than a 1-d array")
    return _interp_complex_array if _is_array(x) else _interp_complex_scalar


INTERP_FORMS = {"interp": Impl("np.interp", _choose_interp)}
NORM_FORMS = {"norm": Impl("np.linalg.norm", _choose_norm)}
RANK_FORMS = {"matrix_rank": Impl("np.linalg.matrix_rank", _choose_rank)}


# The NaN-skipping reductions and np.ptp of complex arrays, over all elements (typeinfer/nplib.c,
# ti_nplib_python_form; real ones are compiled in C): an element is NaN when either part is, as
# np.isnan says; NumPy's results for empty and all-NaN arrays.
def _nan_free(a):
    flat = a.ravel()
    return flat[~np.isnan(flat)]


def _nansum_c(a):
    return _nan_free_c(a).sum()


def _nanprod_c(a):
    return _nan_free_c(a).prod()


def _nanmean_c(a):
    v = _nan_free_c(a)
    if v.shape[0] == 0:
        return complex(np.nan, np.nan)
    return v.sum() / v.shape[0]


def _nanvar_c(a, ddof=0):
    v = _nan_free_c(a)
    n = v.shape[0] - ddof
    if n <= 0:
        return np.nan
    d = v - v.sum() / v.shape[0]
    return (d.real * d.real + d.imag * d.imag).sum() / n


def _nanstd_c(a, ddof=0):
    return np.sqrt(_nanvar_c_c(a, ddof))


def _nanextreme_c(a, big):
    flat = a.ravel()
    if flat.shape[0] == 0:
        raise ValueError("zero-size array to reduction operation " + ("fmax" if big else "fmin") + " which has no identity")
    v = _nan_free_c(a)
    if v.shape[0] == 0:
        return flat[0]   # fmin/fmax of NaNs only: the first
    return v.max() if big else v.min()


def _nanmin_c(a):
    return _nanextreme_c_c(a, False)


def _nanmax_c(a):
    return _nanextreme_c_c(a, True)


def _ptp_c(a):
    return a.max() - a.min()


def _choose_complex_nan(name, fn, extra=()):
    def choose(values, kwnames):
        npos = len(values) - len(kwnames)
        given = (["a", "axis"] + list(extra))[:npos] + list(kwnames)
        if "axis" in given or not set(given) <= {"a", *extra}:
            _refuse(f"np.{name}", "axis=, or an argument other than " + ", ".join(("a",) + tuple(extra)) + ", of a complex array")
        return fn
    return choose


COMPLEX_NAN_FORMS = {"nansum": Impl("np.nansum", _choose_complex_nan("nansum", _nansum_c)),
                     "nanprod": Impl("np.nanprod", _choose_complex_nan("nanprod", _nanprod_c)),
                     "nanmean": Impl("np.nanmean", _choose_complex_nan("nanmean", _nanmean_c)),
                     "nanvar": Impl("np.nanvar", _choose_complex_nan("nanvar", _nanvar_c, ("ddof",))),
                     "nanstd": Impl("np.nanstd", _choose_complex_nan("nanstd", _nanstd_c, ("ddof",))),
                     "nanmin": Impl("np.nanmin", _choose_complex_nan("nanmin", _nanmin_c)),
                     "nanmax": Impl("np.nanmax", _choose_complex_nan("nanmax", _nanmax_c)),
                     "ptp": Impl("np.ptp", _choose_complex_nan("ptp", _ptp_c))}


# compiled helpers the implementations call
_cond_svd_c = njit(_cond_svd)
_nan_free_c = njit(_nan_free)
_nanvar_c_c = njit(_nanvar_c)
_nanextreme_c_c = njit(_nanextreme_c)
_cond_checked_c = njit(_cond_checked)
_cdiv_smith_c = njit(_cdiv_smith)
_clog10_np_c = njit(_clog10_np)
_pow10_np_c = njit(_pow10_np)
_fma_c = njit(_fma)
_cmul_np_c = njit(_cmul_np)
_inverse_or_none_c = njit(_inverse_or_none)
_norm_sums_ord_c = njit(_norm_sums_ord)
_interp_part_c = njit(_interp_part)
_interp_c1_c = njit(_interp_c1)
_interp_ends_c = njit(_interp_ends)
_nan_to_c = njit(_nan_to)
_gradient_1d_c = njit(_gradient_1d)
_gradient_1d_x_c = njit(_gradient_1d_x)
_edge_order_check_c = njit(_edge_order_check)



# ---- put, putmask, place -----------------------------------------------------------------------

def _each_element_lines(nd, body, indent="    "):
    """Nested loops over every index (i0, ..., i{nd-1}) of `a` in C order, p the flat position,
    running `body` (lines written at one indent)."""
    lines = [f"{indent}p = 0"]
    for d in range(nd):
        lines.append(f"{indent}{'    ' * d}for i{d} in range(a.shape[{d}]):")
    inner = indent + "    " * nd
    lines += [inner + line for line in body] + [f"{inner}p += 1"]
    return lines


def _index(nd):
    return ", ".join(f"i{d}" for d in range(nd)) + ("," if nd == 1 else "")


def _put_source(nd, mode):
    unravel = ["    r = i"]
    for d in reversed(range(nd)):
        unravel += [f"    i{d} = r % a.shape[{d}]", f"    r //= a.shape[{d}]"]
    if mode == "raise":
        fix = ["        if i < -n or i >= n:",
               "            raise IndexError('index ' + str(i) + ' is out of bounds for axis 0 with size ' + str(n))",
               "        if i < 0:",
               "            i += n"]
    elif mode == "wrap":
        fix = ["        i = i % n"]
    else:
        fix = ["        i = 0 if i < 0 else n - 1 if i >= n else i"]
    lines = ["def put(a, ind, v, mode='raise'):",
             "    n = a.size",
             "    idx = np.asarray(ind).ravel()",
             "    vals = np.asarray(v).ravel()",
             "    if idx.size == 0:",
             "        return",
             "    if n == 0:",
             "        raise IndexError('cannot replace elements of an empty array')",
             "    if vals.size == 0:",
             "        return",
             "    for k in range(idx.size):",
             "        i = idx[k]",
             *fix,
             *("    " + line for line in unravel),
             f"        a[{_index(nd)}] = vals[k % vals.size]"]
    return _source("put", lines)


def _choose_put(values, kwnames, consts=None):
    given = _positional_or_keyword(values, kwnames, ("a", "ind", "v", "mode"))
    if not set(given) <= {"a", "ind", "v", "mode"} or len(values) < 3 or not _is_array(values[0]):
        _refuse("np.put", "these arguments")
    mode = consts[given.index("mode")] if "mode" in given and consts is not None else "raise"
    if mode not in ("raise", "wrap", "clip"):
        _refuse("np.put", "a mode other than a constant 'raise', 'wrap' or 'clip'")
    ind = values[given.index("ind")]
    if not ((isinstance(ind, int) and not isinstance(ind, bool)) or (_is_array(ind) and ind.dtype.kind in "iu")):
        _refuse("np.put", "indices other than an int or an integer array")
    if values[0].ndim == 0:
        _refuse("np.put", "a 0-d array")
    return _put_source(values[0].ndim, mode)


def _putmask_source(nd, counted):
    """np.putmask (counted False: the value at the element's flat position) or np.place (counted:
    the k-th value for the k-th masked element)."""
    pick = "vals[k % vals.size]" if counted else "vals[p % vals.size]"
    body = [f"if mask[{_index(nd)}]:",
            "    if vals.size == 0:",
            "        raise ValueError('Cannot insert from an empty array!')" if counted else "        return",
            f"    a[{_index(nd)}] = {pick}",
            "    k += 1"]
    name = "place" if counted else "putmask"
    params = "a, mask, vals" if counted else "a, mask, values"
    lines = [f"def {name}({params}):"]
    if not counted:
        lines.append("    vals = np.asarray(values).ravel()")
    else:
        lines.append("    vals = np.asarray(vals).ravel()")
    lines += ["    if mask.shape != a.shape:",
              f"        raise ValueError('{name}: mask and data must be the same size')",
              "    k = 0",
              *_each_element_lines(nd, body)]
    return _source(name, lines)


def _choose_putmask(counted):
    name = "np.place" if counted else "np.putmask"

    def choose(values, kwnames):
        if len(values) != 3 or not (_is_array(values[0]) and _is_array(values[1])) or values[0].ndim == 0:
            _refuse(name, "arguments other than an array, a mask array and values")
        if values[1].ndim != values[0].ndim:
            raise TypeError(f"{name}: mask and data must be the same size")
        return _putmask_source(values[0].ndim, counted)
    return choose


# ---- polynomials: polyder, polyint, poly, polyfit; diagflat, lexsort, histogram_bin_edges -------

def _polyder(p, m=1):
    if m < 0:
        raise ValueError("Order of derivative must be positive (see polyint)")
    y = p.copy()
    for _ in range(m):
        n = y.shape[0] - 1
        y = y[:n] * np.arange(n, 0, -1)
    return y


def _polyint(p, m=1, k=0.0):
    if m < 0:
        raise ValueError("Order of integral must be positive (see polyder)")
    y = p.astype(np.float64)
    for _ in range(m):
        n = y.shape[0]
        z = np.empty(n + 1)
        z[:n] = y / np.arange(n, 0, -1)
        z[n] = k
        y = z
    return y


def _poly_source(dtype):
    # NumPy's product of (x - z) over the roots, in the roots' float type; no roots: NumPy's
    # scalar 1.0, which an array of roots (its length known at run time) cannot give: a ValueError
    return _source("poly", [
        "def poly(seq_of_zeros):",
        "    if len(seq_of_zeros) == 0:",
        "        raise ValueError('np.poly of no roots is the number 1.0 in NumPy, not an array: compiled code "
        "returns it for an empty tuple, not for an empty array')",
        f"    a = np.ones(1, dtype=np.{dtype})",
        "    for z in seq_of_zeros:",
        f"        a = np.convolve(a, np.array([1.0, -z], dtype=np.{dtype}))",
        "    return a"])


def _poly_none(seq_of_zeros):
    return 1.0


def _poly_tuple(seq_of_zeros):
    return _poly_array_c(np.array(seq_of_zeros, dtype=np.float64))


def _choose_poly(values, kwnames):
    if len(values) != 1 or kwnames:
        _refuse("np.poly", "these arguments")
    v = values[0]
    if isinstance(v, tuple) and all(isinstance(x, (bool, int, float)) for x in v):
        return _poly_tuple if v else _poly_none   # (its length known here: NumPy's 1.0 for none)
    if not _is_array(v) or v.ndim != 1 or v.dtype.kind not in "biuf":
        _refuse("np.poly", "anything but a 1-d array or a tuple of real roots")
    return _poly_source("float32" if v.dtype == np.float32 else "float64")


def _choose_polyder(values, kwnames):
    given = _positional_or_keyword(values, kwnames, ("p", "m"))
    if not set(given) <= {"p", "m"} or not _is_array(values[0]) or values[0].ndim != 1:
        _refuse("np.polyder", "a poly1d or coefficients other than a 1-d array")
    if values[0].dtype not in (np.int64, np.float64, np.complex128):
        _refuse("np.polyder", "coefficients narrower than 64 bits (the product with arange widens them)")
    return _polyder


def _choose_polyint(values, kwnames):
    given = _positional_or_keyword(values, kwnames, ("p", "m", "k"))
    if not set(given) <= {"p", "m", "k"} or not _is_array(values[0]) or values[0].ndim != 1:
        _refuse("np.polyint", "a poly1d or coefficients other than a 1-d array")
    if "k" in given and not isinstance(values[given.index("k")], (int, float)):
        _refuse("np.polyint", "k other than one number")
    if values[0].dtype.kind == "c":
        _refuse("np.polyint", "complex coefficients")
    return _polyint


def _polyfit(x, y, deg):
    order = deg + 1
    if deg < 0:
        raise ValueError("expected deg >= 0")
    if x.shape[0] == 0:
        raise TypeError("expected non-empty vector for x")
    if x.shape[0] != y.shape[0]:
        raise TypeError("expected x and y to have same length")
    xf = x.astype(np.float64)
    lhs = np.vander(xf, order)
    scale = np.sqrt((lhs * lhs).sum(axis=0))
    lhs = lhs / scale
    c = np.linalg.lstsq(lhs, y.astype(np.float64), rcond=x.shape[0] * 2.220446049250313e-16)[0]
    return (c.T / scale).T


def _choose_polyfit(values, kwnames):
    if len(values) != 3 or kwnames:
        _refuse("np.polyfit", "rcond=, full=, w= or cov=")
    x, y, deg = values
    if not (_is_array(x) and _is_array(y)) or x.ndim != 1 or y.ndim not in (1, 2) or not isinstance(deg, int):
        _refuse("np.polyfit", "x other than a 1-d array, y other than a 1-d or 2-d array, or deg other than an int")
    if x.dtype.kind == "c" or y.dtype.kind == "c":
        _refuse("np.polyfit", "complex values")
    return _polyfit


def _diagflat(v, k=0):
    flat = v.ravel()
    n = flat.shape[0]
    size = n + (k if k >= 0 else -k)
    out = np.zeros((size, size), dtype=flat.dtype)
    for i in range(n):
        if k >= 0:
            out[i, i + k] = flat[i]
        else:
            out[i - k, i] = flat[i]
    return out


def _choose_diagflat(values, kwnames):
    given = _positional_or_keyword(values, kwnames, ("v", "k"))
    if not set(given) <= {"v", "k"} or not _is_array(values[0]):
        _refuse("np.diagflat", "v other than an array")
    return _diagflat


def _lexsort_source(nkeys, rows):
    keys = [f"keys[{i}]" for i in range(nkeys)]
    lines = ["def lexsort(keys, axis=-1):",
             f"    n = {keys[0]}.shape[0]" if not rows else "    n = keys.shape[1]"]
    if rows:
        lines += ["    idx = np.arange(n)",
                  "    for r in range(keys.shape[0]):",
                  "        idx = idx[np.argsort(keys[r][idx], kind='stable')]",
                  "    return idx"]
        return _source("lexsort", lines)
    for key in keys:
        lines += [f"    if {key}.shape[0] != n:", "        raise ValueError('all keys need to be the same shape')"]
    lines.append("    idx = np.arange(n)")
    for key in keys:
        lines.append(f"    idx = idx[np.argsort({key}[idx], kind='stable')]")
    lines.append("    return idx")
    return _source("lexsort", lines)


def _choose_lexsort(values, kwnames):
    if len(values) != 1 or kwnames:
        _refuse("np.lexsort", "axis=")
    keys = values[0]
    if isinstance(keys, tuple) and keys and all(_is_array(k) and k.ndim == 1 for k in keys):
        return _lexsort_source(len(keys), False)
    if _is_array(keys) and keys.ndim == 2:
        return _lexsort_source(0, True)
    _refuse("np.lexsort", "keys other than a tuple of 1-d arrays or a 2-d array")


def _histogram_bin_edges(a, bins=10, range=None):
    return np.histogram(a, bins, range)[1]


def _choose_bin_edges(values, kwnames):
    given = _positional_or_keyword(values, kwnames, ("a", "bins", "range"))
    if not set(given) <= {"a", "bins", "range"} or not _is_array(values[0]):
        _refuse("np.histogram_bin_edges", "weights= or a first argument other than an array")
    if "bins" in given and isinstance(values[given.index("bins")], str):
        _refuse("np.histogram_bin_edges", "bins named by a method ('auto', 'fd', ...)")
    return _histogram_bin_edges


# ---- np.pad's other modes: reflect, symmetric, maximum, minimum, mean, median, linear_ramp, empty --

_PAD_MODES = {"reflect": 0, "symmetric": 1, "maximum": 2, "minimum": 3, "mean": 4, "median": 5,
              "linear_ramp": 6, "empty": 7}


def _pad_source_index(x, n, symmetric):
    # position x (any int) of a lane of n > 0 items reflected into [0, n): NumPy's 'reflect'
    # (the edge item not repeated) or 'symmetric' (repeated)
    if n == 1:
        return 0
    period = 2 * n if symmetric else 2 * (n - 1)
    x = x % period
    if x >= n:
        x = period - 1 - x if symmetric else period - x
    return x


def _pad_reflect_odd(row, before, n, after, symmetric):
    # NumPy's odd reflection of row[before:before + n] into its pads, in its rounds: each round
    # mirrors at most a period of what is filled so far, about the current edge value (2 * edge - v)
    m = before + n + after
    left = before
    right = after
    edge_offset = 1 if symmetric else 0
    while left > 0 or right > 0:
        filled = m - left - right
        if symmetric:
            chunk = filled // n * n
        else:
            chunk = (filled - 1) // (n - 1) * (n - 1)
        if left > 0:
            k = min(chunk, left)
            edge = row[left]
            for j in range(k):
                row[left - k + j] = 2 * edge - row[left - edge_offset + k - j]
            left -= k
        if right > 0:
            k = min(chunk, right)
            edge = row[m - right - 1]
            for j in range(k):
                row[m - right + j] = 2 * edge - row[m - right + edge_offset - 2 - j]
            right -= k


def _pad_stat(chunk, mode, rounds):
    v = chunk.max() if mode == 2 else chunk.min() if mode == 3 else chunk.mean() if mode == 4 else np.median(chunk)
    if rounds:
        v = np.round(v)
    return v


def _pad_axis(x, axis, before, after, mode, end_value, rounds, stat_before, stat_after, odd):
    # stat_before, stat_after: stat_length's pair (-1: none given, the whole lane); odd: reflect_type='odd'
    if before < 0 or after < 0:
        raise ValueError("index can't contain negative values")
    c, shape = _lanes_c(x, axis)
    n = c.shape[1]
    m = before + n + after
    out = np.empty((c.shape[0], m), dtype=x.dtype)
    if n == 0 and m > n and mode != 7:
        raise ValueError("can't extend empty axis using modes other than 'constant' or 'empty'")
    lb = n if stat_before < 0 or stat_before > n else stat_before
    la = n if stat_after < 0 or stat_after > n else stat_after
    if 2 <= mode <= 3 and (lb == 0 or la == 0):
        raise ValueError("stat_length of 0 yields no value for padding")
    for r in range(c.shape[0]):
        lane = c[r]
        out[r, before:before + n] = lane
        if mode <= 1 and odd and n > 1:
            _pad_reflect_odd_c(out[r], before, n, after, mode == 1)
        elif mode <= 1:
            for j in range(before):
                out[r, j] = lane[_pad_source_index_c(j - before, n, mode == 1)]
            for j in range(before + n, m):
                out[r, j] = lane[_pad_source_index_c(j - before, n, mode == 1)]
        elif mode <= 5:
            out[r, :before] = _pad_stat_c(lane[:lb], mode, rounds)
            out[r, before + n:] = _pad_stat_c(lane[n - la:], mode, rounds)
        elif mode == 6:
            left = np.linspace(end_value, lane[0], before, endpoint=False)
            right = np.linspace(end_value, lane[n - 1], after, endpoint=False)[::-1]
            if rounds:   # (NumPy's linspace into an integer dtype floors)
                left = np.floor(left)
                right = np.floor(right)
            out[r, :before] = left
            out[r, before + n:] = right
        else:
            out[r, :before] = 0
            out[r, before + n:] = 0
    return np.swapaxes(out.reshape(shape[:-1] + (m,)), axis, x.ndim - 1)


def _pad_width_exprs(w, nd, name="pad_width"):
    """Per axis, the expressions of its (before, after) in pad_width (or stat_length: `name`),
    from the example's shape."""
    if isinstance(w, int):
        return [(name, name)] * nd
    if all(isinstance(x, int) for x in w):
        if len(w) == 1:
            return [(f"{name}[0]", f"{name}[0]")] * nd
        return [(f"{name}[0]", f"{name}[1]")] * nd
    pairs = []
    for d in range(nd):
        e = 0 if len(w) == 1 else d
        inner = w[e]
        pairs.append((f"{name}[{e}][0]", f"{name}[{e}][{1 if len(inner) == 2 else 0}]"))
    return pairs


def _pairs_shape_ok(w, nd):
    """Whether pad_width's (or stat_length's) example broadcasts to nd (before, after) pairs."""
    if isinstance(w, int) or w is None:
        return True
    if not isinstance(w, tuple) or not w:
        return False
    if all(isinstance(x, int) for x in w):
        return len(w) <= 2
    return (all(isinstance(x, tuple) and 1 <= len(x) <= 2 and all(isinstance(y, int) for y in x) for x in w)
            and len(w) in (1, nd))


_PAD_KEYWORDS = {"end_values": ("linear_ramp",), "stat_length": ("maximum", "minimum", "mean", "median"),
                 "reflect_type": ("reflect", "symmetric")}


def _choose_pad(values, kwnames, consts=None):
    given = _positional_or_keyword(values, kwnames, ("array", "pad_width", "mode"))
    extra = set(given) - {"array", "pad_width", "mode"} - set(_PAD_KEYWORDS)
    if extra or "mode" not in given or not _is_array(values[0]):
        _refuse("np.pad", "these arguments")
    a, w = values[0], values[given.index("pad_width")]
    mode = consts[given.index("mode")] if consts is not None else None
    if mode not in _PAD_MODES:
        _refuse("np.pad", "a mode other than a constant string NumPy names")
    keywords = [k for k in given if k in _PAD_KEYWORDS]
    params = "array, pad_width, mode" + "".join(f", {k}" for k in keywords)
    nd = a.ndim
    if nd == 0:
        _refuse("np.pad", "a 0-d array")
    wrong = [k for k in keywords if mode not in _PAD_KEYWORDS[k]]
    if wrong:   # NumPy's ValueError (unsupported keyword arguments for mode ...)
        return _source("pad", [f"def pad({params}):",
                               f"    raise ValueError(\"unsupported keyword arguments for mode '{mode}': {set(wrong)}\")"])
    if "end_values" in given and not isinstance(values[given.index("end_values")], (int, float)):
        _refuse("np.pad", "end_values= other than one number")
    stat = values[given.index("stat_length")] if "stat_length" in given else None
    reflect = consts[given.index("reflect_type")] if "reflect_type" in given else "even"
    if not isinstance(reflect, str):
        _refuse("np.pad", "reflect_type= other than a constant string")
    if a.dtype.kind in "cb" and mode in ("mean", "median", "linear_ramp"):
        _refuse("np.pad", f"mode '{mode}' of {a.dtype} values")
    if a.dtype.kind in "b" and reflect == "odd":
        _refuse("np.pad", "reflect_type='odd' of bool values")
    if not _pairs_shape_ok(w, nd) or not _pairs_shape_ok(stat, nd):
        if isinstance(w, tuple) and w and isinstance(w[0], tuple) or isinstance(stat, tuple):
            return _source("pad", [f"def pad({params}):",
                                   "    raise ValueError('operands could not be broadcast together with remapped shapes')"])
        _refuse("np.pad", "pad_width or stat_length other than ints and tuples of them")
    pairs = _pad_width_exprs(w, nd)
    stats = _pad_width_exprs(stat, nd, "stat_length") if stat is not None else [("-1", "-1")] * nd
    end = "end_values" if "end_values" in given else "0"
    rounds = a.dtype.kind in "iu"
    lines = [f"def pad({params}):", "    x = array"]
    for d, ((b, e), (sb, sa)) in enumerate(zip(pairs, stats)):
        if stat is not None:
            lines += [f"    if {sb} < 0 or {sa} < 0:", "        raise ValueError(\"index can't contain negative values\")"]
        lines.append(f"    x = _pad_axis_c(x, {d}, {b}, {e}, {_PAD_MODES[mode]}, {end}, {rounds}, {sb}, {sa}, {reflect == 'odd'})")
    lines.append("    return x")
    return _source("pad", lines)


_pad_source_index_c = njit(_pad_source_index)
_poly_array_c = njit(_poly_source("float64"))
_chbevl_c = njit(_chbevl)
_i0_one_c = njit(_i0_one)
_i0_array_c = njit(_i0_array)
_pad_reflect_odd_c = njit(_pad_reflect_odd)
_pad_stat_c = njit(_pad_stat)
_pad_axis_c = njit(_pad_axis)
PAD_FORMS = {"pad": ConstImpl("np.pad", _choose_pad)}


# ---- np.unique with return_index=, return_inverse=, return_counts= -----------------------------

def _unique_source(index, inverse, counts, equal_nan, nd):
    """np.unique(ar, ...) giving the flagged extras: a stable sort (so return_index finds first
    occurrences, as NumPy's mergesort), the start of each run of equal values, NaNs one run when
    equal_nan (they sort last)."""
    lines = ["def unique(ar, return_index=False, return_inverse=False, return_counts=False, axis=None, equal_nan=True):",
             "    flat = ar.ravel()",
             "    perm = np.argsort(flat, kind='stable')",
             "    aux = flat[perm]",
             "    n = aux.shape[0]",
             "    first = np.empty(n, dtype=np.bool_)",
             "    if n > 0:",
             "        first[0] = True",
             "        first[1:] = aux[1:] != aux[:-1]"]
    if equal_nan:
        lines += ["        if aux[n - 1] != aux[n - 1]:   # NaNs, last: one run from the first of them",
                  "            k = n - 1",
                  "            while k > 0 and aux[k - 1] != aux[k - 1]:",
                  "                k -= 1",
                  "            first[k + 1:] = False"]
    out = ["aux[first]"]
    if index:
        out.append("perm[first]")
    if inverse:
        lines += ["    inv = np.empty(n, dtype=np.int64)",
                  "    inv[perm] = np.cumsum(first) - 1"]
        out.append("inv.reshape(ar.shape)" if nd > 1 else "inv")
    if counts:
        lines += ["    starts = np.flatnonzero(first)",
                  "    ends = np.empty(starts.shape[0], dtype=np.int64)",
                  "    ends[:-1] = starts[1:]",
                  "    if starts.shape[0] > 0:",
                  "        ends[starts.shape[0] - 1] = n"]
        out.append("ends - starts")
    lines.append(f"    return ({', '.join(out)},)" if len(out) > 1 else f"    return {out[0]}")
    return _source("unique", lines)


def _choose_unique(values, kwnames, consts=None):
    names = ("ar", "return_index", "return_inverse", "return_counts", "axis", "equal_nan")
    given = _positional_or_keyword(values, kwnames, names)
    if not set(given) <= set(names) or not _is_array(values[0]):
        _refuse("np.unique", "these arguments")
    flags = {}
    for name, default in (("return_index", False), ("return_inverse", False), ("return_counts", False), ("equal_nan", True)):
        v = consts[given.index(name)] if name in given and consts is not None else (default if name not in given else None)
        if not isinstance(v, bool):
            _refuse("np.unique", f"{name}= other than a constant True or False")
        flags[name] = v
    if "axis" in given and values[given.index("axis")] is not None:
        _refuse("np.unique", "axis=")
    if values[0].dtype.kind == "c":
        _refuse("np.unique", "complex arrays with these flags")
    return _unique_source(flags["return_index"], flags["return_inverse"], flags["return_counts"], flags["equal_nan"],
                          values[0].ndim)


UNIQUE_FORMS = {"unique": ConstImpl("np.unique", _choose_unique)}


# ---- orders: ravel, flatten, copy, reshape with order=, astype with copy= ------------------------
# F order is the C order of the array with its axes reversed (np.transpose): a.ravel('F') is
# np.ravel(a.T), a.reshape(s, order='F') is a.T.reshape(reversed s).T.

def _order_arg(name, values, kwnames, consts, pos):
    """The constant order a call gives (at positional index pos, or as order=), 'C' when none,
    with 'A' and 'K' resolved from the array's layout (the example's flags)."""
    npos = len(values) - len(kwnames)
    if "order" in kwnames:
        i = npos + list(kwnames).index("order")
    elif pos is not None and npos > pos:
        i = pos
    else:
        return "C"
    o = consts[i] if consts is not None else None
    if o not in ("C", "F", "A", "K"):
        _refuse(name, "an order other than a constant 'C', 'F', 'A' or 'K'")
    if o in "AK":
        a = values[0]
        if a.flags.c_contiguous:
            return "C"
        if a.flags.f_contiguous:
            return "F"
        if o == "K":
            _refuse(name, "order='K' of a strided view (give 'C' or 'F')")
        return "A"
    return o


def _order_ravel(a, order="C"):
    return np.ravel(a)


def _order_ravel_f(a, order="C"):
    return np.ravel(np.transpose(a))


def _order_ravel_a(a, order="C"):
    if a.flags.f_contiguous and not a.flags.c_contiguous:
        return np.ravel(np.transpose(a))
    return np.ravel(a)


def _order_flatten(a, order="C"):
    return a.flatten()


def _order_flatten_f(a, order="C"):
    return np.transpose(a).flatten()


def _order_flatten_a(a, order="C"):
    if a.flags.f_contiguous and not a.flags.c_contiguous:
        return np.transpose(a).flatten()
    return a.flatten()


def _order_copy(a, order="C"):
    return a.copy()


def _order_copy_f(a, order="C"):
    return np.transpose(np.transpose(a).copy())


def _choose_order(name, forms, pos):
    def choose(values, kwnames, consts=None):
        npos = len(values) - len(kwnames)
        if set(kwnames) - {"order"} or npos > pos + 1 or not _is_array(values[0]):
            _refuse(name, "these arguments")
        o = _order_arg(name, values, kwnames, consts, pos)
        if o not in forms:
            _refuse(name, "order='A' of a strided view (give 'C' or 'F')")
        return forms[o]
    return choose


def _choose_reshape(values, kwnames, consts=None):
    npos = len(values) - len(kwnames)
    if set(kwnames) - {"order", "shape", "newshape"} or not _is_array(values[0]):
        _refuse("reshape", "these arguments")
    order_pos = npos - 1 if npos == 3 and isinstance(values[2], str) else None   # np.reshape(a, s, 'F')
    dims = values[1:order_pos or npos]
    shape_kw = [k for k in kwnames if k != "order"]
    if shape_kw:
        dims = [values[npos + list(kwnames).index(shape_kw[0])]]
    if len(dims) == 1 and isinstance(dims[0], tuple):
        n = len(dims[0])
        params, rev = "shape", "(" + "".join(f"shape[{k}], " for k in reversed(range(n))) + ")"
    elif all(isinstance(d, int) and not isinstance(d, bool) for d in dims) and dims:
        params = ", ".join(f"s{k}" for k in range(len(dims)))
        rev = "(" + "".join(f"s{k}, " for k in reversed(range(len(dims)))) + ")"
    else:
        _refuse("reshape", "a shape other than ints or a tuple of ints")
    if shape_kw:
        params = shape_kw[0]
        rev = rev.replace("shape[", f"{params}[")
    o = _order_arg("reshape", values, kwnames, consts, order_pos)
    if order_pos:
        params += ", order"
    if o == "C":
        body = f"    return np.reshape(a, {params.split(',')[0] if len(dims) == 1 else '(' + params + ',)'})"
    elif o == "F":
        body = f"    return np.transpose(np.reshape(np.transpose(a), {rev}))"
    else:
        _refuse("reshape", "order='A' of a strided view (give 'C' or 'F')")
    return _source("reshape", [f"def reshape(a, {params if order_pos else params + ', order=' + repr('C')}):", body])


def _choose_astype(values, kwnames, consts=None):
    npos = len(values) - len(kwnames)
    given = list(("a", "dtype", "order", "casting", "subok", "copy")[:npos]) + list(kwnames)
    if not set(given) <= {"a", "dtype", "order", "copy"} or "dtype" not in given:
        _refuse("astype", "casting= or subok=")
    a, dt = values[0], values[given.index("dtype")]
    target = "dtype"
    if isinstance(dt, str):   # a dtype named by a constant string: that dtype, in the code
        name = consts[given.index("dtype")] if consts is not None else None
        if name is None:
            _refuse("astype", "a dtype named by a run-time string")
        dt = np.dtype(name).type
        target = f"np.{np.dtype(name).name}"
    copy = consts[given.index("copy")] if "copy" in given and consts is not None else (True if "copy" not in given else None)
    if copy is None and np.dtype(dt) == a.dtype:
        _refuse("astype", "copy= other than a constant True or False")
    o = _order_arg("astype", values, kwnames, consts, 2) if "order" in given else "C"
    params = "a, dtype, order='K', copy=True" if "order" in given else "a, dtype, copy=True"
    if copy is False and np.dtype(dt) == a.dtype:
        body = "    return a"   # NumPy's copy=False: the array itself when nothing changes
    elif o == "F":
        body = f"    return np.transpose(np.transpose(a).astype({target}))"
    else:
        body = f"    return a.astype({target})"
    return _source("astype", [f"def astype({params}):", body])


ORDER_FORMS = {
    "ravel": ConstImpl("ravel", _choose_order("ravel", {"C": _order_ravel, "F": _order_ravel_f, "A": _order_ravel_a}, 1)),
    "flatten": ConstImpl("flatten", _choose_order("flatten", {"C": _order_flatten, "F": _order_flatten_f,
                                                              "A": _order_flatten_a}, 1)),
    "copy": ConstImpl("copy", _choose_order("copy", {"C": _order_copy, "F": _order_copy_f}, 1)),
    "reshape": ConstImpl("reshape", _choose_reshape),
    "astype": ConstImpl("astype", _choose_astype),
}

def _choose_tolist(values, kwnames):
    """a.tolist(): nested lists of the elements as Python scalars, one level per dimension."""
    if len(values) != 1 or not _is_array(values[0]):
        _refuse("tolist", "arguments")
    nd = values[0].ndim
    if nd == 0:
        return _source("tolist", ["def tolist(a):", "    return a[()]"])
    idx = [f"i{k}" for k in range(nd)]
    expr = f"a[{', '.join(idx)}]"
    for k in reversed(range(nd)):
        expr = f"[{expr} for {idx[k]} in range(a.shape[{k}])]"
    return _source("tolist", ["def tolist(a):", f"    return {expr}"])


# array methods that only exist here (typeinfer/calls.c, method_form)
def _sort_complex_in_place(a, axis=-1, kind=None):
    a[:] = np.sort(a, axis)   # (np.sort of a complex array: ember/_nplib.py's COMPLEX_SORT)


def _choose_sort_in_place(values, kwnames):
    """a.sort() of a complex array: NumPy's order (lexicographic, NaNs last), in place."""
    npos = len(values) - len(kwnames)
    given = ["a", "axis", "kind"][:npos] + list(kwnames)
    if not set(given) <= {"a", "axis", "kind"} or values[0].ndim == 0:
        _refuse("a.sort", "order=, stable= or a 0-d array")
    if "axis" in given and values[given.index("axis")] is None:
        _refuse("a.sort", "axis=None")
    return _sort_complex_in_place


METHOD_FORMS = {"tolist": Impl("tolist", _choose_tolist), "sort": Impl("a.sort", _choose_sort_in_place),
                "argsort": COMPLEX_SORT["argsort"]}   # a.argsort() of a complex array: np.argsort's


def _unique_complex(a):
    # NumPy 2's (a hash table, then sorted): each value once, the first of equal ones (0j and -0j)
    # in the order given; every element with a NaN part one value, the first given, last
    flat = a.ravel()
    s = np.sort(flat)   # (stable: equal values in the order given)
    n = s.shape[0]
    keep = np.ones(n, dtype=np.bool_)
    first_nan = -1
    for i in range(flat.shape[0]):
        if np.isnan(flat[i]):
            first_nan = i
            break
    for i in range(n):
        if np.isnan(s[i]):
            keep[i] = False
        elif i > 0 and s[i] == s[i - 1]:
            keep[i] = False
    u = s[keep]
    if first_nan < 0:
        return u
    out = np.empty(u.shape[0] + 1, dtype=u.dtype)
    out[:u.shape[0]] = u
    out[u.shape[0]] = flat[first_nan]
    return out


def _choose_unique_complex(values, kwnames):
    if len(values) != 1:
        _refuse("np.unique", "return_index=, return_inverse=, return_counts=, axis= or equal_nan= of a complex array")
    return _unique_complex


COMPLEX_UNIQUE = {"unique": Impl("np.unique", _choose_unique_complex)}

# NumPy functions typed in C whose other forms are here (typeinfer/nplib.c, ti_nplib_python_form)
DIFF_FORMS = {"diff": Impl("np.diff", _choose_diff)}

# ---- sliding_window_view ------------------------------------------------------------------------

def _choose_sliding_window_view(values, kwnames, consts=None):
    """np.lib.stride_tricks.sliding_window_view(x, window_shape, axis=None, *, subok=False,
    writeable=False): a view of x by as_strided, its shape and strides NumPy's; axis None or a
    constant int. Generated per x.ndim, window length and axis."""
    names = ("x", "window_shape", "axis")
    given = _positional_or_keyword(values, kwnames, names)
    if set(given) - {"x", "window_shape", "axis", "subok", "writeable"} or "window_shape" not in given:
        _refuse("sliding_window_view", "these arguments")
    x, w = values[0], values[given.index("window_shape")]
    if not _is_array(x):
        _refuse("sliding_window_view", "an argument other than an array")
    axis = consts[given.index("axis")] if "axis" in given and consts is not None else None
    if "axis" in given and axis is None and values[given.index("axis")] is not None:
        _refuse("sliding_window_view", "axis= other than None or a constant int")
    nw = len(w) if isinstance(w, tuple) else 1
    if isinstance(w, tuple) and not all(isinstance(v, int) for v in w) or not isinstance(w, (tuple, int)):
        _refuse("sliding_window_view", "window_shape other than an int or a tuple of ints")
    nd = x.ndim
    params = "x, window_shape" + "".join(f", {k}=None" for k in given[2:] if k == "axis") + \
        "".join(f", {k}=False" for k in given if k in ("subok", "writeable"))
    ws = [f"window_shape[{i}]" for i in range(nw)] if isinstance(w, tuple) else ["window_shape"]
    lines = ["def sliding_window_view(%s):" % params]
    if axis is None:
        if nw != nd:
            lines.append(f"    raise ValueError('Since axis is `None`, must provide window_shape for all dimensions of "
                         f"`x`; got {nw} window_shape elements and `x.ndim` is {nd}.')")
            return _source("sliding_window_view", lines)
        axes = list(range(nd))
    else:
        if nw != 1:
            _refuse("sliding_window_view", "several windows along one axis")
        if not -nd <= axis < nd:
            lines.append(f"    raise ValueError('axis {axis} is out of bounds for array of dimension {nd}')")
            return _source("sliding_window_view", lines)
        axes = [axis % nd]
    shape = [f"x.shape[{k}]" for k in range(nd)]
    for w_, ax in zip(ws, axes):
        lines += [f"    if {w_} < 0:", "        raise ValueError('`window_shape` cannot contain negative values')",
                  f"    if x.shape[{ax}] < {w_}:",
                  "        raise ValueError('window shape cannot be larger than input array shape')"]
        shape[ax] = f"x.shape[{ax}] - {w_} + 1"
    shape += ws
    strides = [f"x.strides[{k}]" for k in range(nd)] + [f"x.strides[{ax}]" for ax in axes]
    writeable = "False"
    if "writeable" in given:   # a constant: it decides whether the view's type is read-only
        c = consts[given.index("writeable")] if consts is not None else None
        if c is None:
            _refuse("sliding_window_view", "writeable= other than a constant")
        writeable = str(bool(c))
    lines.append("    return np.lib.stride_tricks.as_strided(x, (%s,), (%s,), writeable=%s)"
                 % (", ".join(shape), ", ".join(strides), writeable))
    return _source("sliding_window_view", lines)


IMPLS = {
    np.lib.stride_tricks.sliding_window_view: ConstImpl("sliding_window_view", _choose_sliding_window_view),
    np.union1d: Impl("np.union1d", lambda v, k: _choose_set("np.union1d", _union1d, v, k)),
    np.intersect1d: Impl("np.intersect1d", lambda v, k: _choose_set("np.intersect1d", _intersect1d, v, k)),
    np.setdiff1d: Impl("np.setdiff1d", lambda v, k: _choose_set("np.setdiff1d", _setdiff1d, v, k)),
    np.setxor1d: Impl("np.setxor1d", lambda v, k: _choose_set("np.setxor1d", _setxor1d, v, k)),
    np.bartlett: Impl("np.bartlett", _choose_window("np.bartlett", _bartlett)),
    np.blackman: Impl("np.blackman", _choose_window("np.blackman", _blackman)),
    np.hamming: Impl("np.hamming", _choose_window("np.hamming", _hamming)),
    np.hanning: Impl("np.hanning", _choose_window("np.hanning", _hanning)),
    np.kaiser: Impl("np.kaiser", _choose_kaiser),
    np.i0: Impl("np.i0", _choose_i0),
    np.shape: Impl("np.shape", _choose_by_array("np.shape", _shape_array, _shape_scalar, ("a",))),
    np.size: Impl("np.size", _choose_by_array("np.size", _size_array, _size_scalar, ("a", "axis"))),
    np.ndim: Impl("np.ndim", _choose_by_array("np.ndim", _ndim_array, _ndim_scalar, ("a",))),
    np.resize: Impl("np.resize", _choose_resize),
    np.trim_zeros: Impl("np.trim_zeros", _choose_trim_zeros),
    np.extract: Impl("np.extract", _choose_extract),
    np.take_along_axis: ConstImpl("np.take_along_axis", _choose_take_along),
    np.fill_diagonal: Impl("np.fill_diagonal", _choose_fill_diagonal),
    np.gradient: Impl("np.gradient", _choose_gradient),
    np.unwrap: Impl("np.unwrap", _choose_unwrap),
    np.nancumsum: Impl("np.nancumsum", _choose_nancum("nancumsum", "cumsum", 0)),
    np.nancumprod: Impl("np.nancumprod", _choose_nancum("nancumprod", "cumprod", 1)),
    np.iscomplexobj: Impl("np.iscomplexobj", _choose_iscomplexobj),
    np.isrealobj: Impl("np.isrealobj", _choose_isrealobj),
    np.isreal: Impl("np.isreal", _choose_isreal("np.isreal", (_isreal_array, _isreal_scalar), (_real_array_true, _true))),
    np.iscomplex: Impl("np.iscomplex", _choose_isreal("np.iscomplex", (_iscomplex_array, _iscomplex_scalar),
                                                      (_real_array_false, _false))),
    np.isscalar: Impl("np.isscalar", _choose_isscalar),
    np.asarray_chkfinite: Impl("np.asarray_chkfinite", lambda v, k: _asarray_chkfinite),
    np.isneginf: Impl("np.isneginf", _choose_signed_inf("np.isneginf", _isneginf)),
    np.isposinf: Impl("np.isposinf", _choose_signed_inf("np.isposinf", _isposinf)),
    np.sinc: Impl("np.sinc", _choose_sinc),
    np.geomspace: Impl("np.geomspace", _choose_geomspace),
    np.inner: Impl("np.inner", _choose_inner),
    np.linalg.cond: ConstImpl("np.linalg.cond", _choose_cond),
    np.tensordot: ConstImpl("np.tensordot", _choose_tensordot),
    np.put: ConstImpl("np.put", _choose_put),
    np.putmask: Impl("np.putmask", _choose_putmask(False)),
    np.place: Impl("np.place", _choose_putmask(True)),
    np.polyder: Impl("np.polyder", _choose_polyder),
    np.polyint: Impl("np.polyint", _choose_polyint),
    np.poly: Impl("np.poly", _choose_poly),
    np.polyfit: Impl("np.polyfit", _choose_polyfit),
    np.diagflat: Impl("np.diagflat", _choose_diagflat),
    np.lexsort: Impl("np.lexsort", _choose_lexsort),
    np.histogram_bin_edges: Impl("np.histogram_bin_edges", _choose_bin_edges),
    np.broadcast_shapes: Impl("np.broadcast_shapes", _choose_broadcast_shapes),
    np.broadcast_arrays: Impl("np.broadcast_arrays", _choose_broadcast_arrays),
}
