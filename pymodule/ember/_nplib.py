"""NumPy functions that compiled code runs from Python implementations in this file.

A call in compiled code to a NumPy function listed in IMPLS goes to an implementation here,
compiled by ember like any callee: typeinfer/calls.c finds the entry through the host's
kernel_of (pymodule/driver.c) and asks it, with example values of the call's argument types and
the keyword names, which compiled function to call (the protocol @stencil uses). An entry picks
the implementation for those argument kinds, so each one is plain code over one set of types,
with NumPy's semantics for every form it accepts; any other form raises a TypeError here, which
the compile reports at the call's line.

Written from NumPy's documented behaviour; no NumPy source is copied.
"""
import math

import numpy as np

from . import njit


def _kind(v):
    """What a compiled implementation depends on: the kind of one example argument."""
    if isinstance(v, np.ndarray):   # (the example's layout: C, F or strided)
        return ("array", v.dtype.str, v.ndim, "C" if v.flags.c_contiguous else "F" if v.flags.f_contiguous else "A")
    if isinstance(v, (list, tuple)):
        return (type(v).__name__, tuple(_kind(x) for x in v))
    if isinstance(v, type):   # a dtype, as its scalar type
        return ("type", v.__name__)
    return type(v).__name__


def _is_array(v):
    return isinstance(v, np.ndarray)


def _dtype_kind(v):
    """'b', 'i', 'u', 'f', 'c' of an example array or number."""
    if isinstance(v, np.ndarray):
        return v.dtype.kind
    if isinstance(v, bool):
        return "b"
    return {int: "i", float: "f", complex: "c"}.get(type(v), "?")


class Impl:
    """A NumPy function as compiled code sees it: `choose(values, kwnames)` returns the Python
    function that implements the call form (or raises TypeError); each is compiled once per kind
    of arguments. A ConstImpl's choose also gets the constant arguments (see there)."""

    __ember_keywords__ = True   # typeinfer/calls.c passes the call's keyword names

    def __init__(self, name, choose):
        self.__name__ = self.__qualname__ = name
        self._choose = choose
        self._compiled = {}

    def __repr__(self):
        return f"<ember implementation of {self.__name__}>"

    def __ember_dispatcher__(self, values, parallel, kwnames=(), consts=None):
        key = (tuple(_kind(v) for v in values), tuple(kwnames), consts)
        d = self._compiled.get(key)
        if d is None:
            chosen = self._choose(values, tuple(kwnames), consts) if consts is not None else self._choose(values, tuple(kwnames))
            d = self._compiled[key] = njit(chosen)
        return d


class ConstImpl(Impl):
    """An Impl whose `choose(values, kwnames, consts)` also sees, per argument, its value where
    the call gives a constant int or str (None elsewhere): forms that depend on a constant (an
    order='F', a number of axes) are chosen and compiled per constant."""

    __ember_consts__ = True


def _plain(fn):
    """An entry with one implementation for every form."""
    return lambda values, kwnames: fn


def _refuse(name, what):
    raise TypeError(f"{name}: {what} is not supported in compiled code")


# ---- comparisons -------------------------------------------------------------------------------

def _isclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    # |a - b| <= atol + rtol * |b| where b is finite; equal values (infinities of one sign) are
    # close; NaNs only with equal_nan
    close = (np.abs(a - b) <= atol + rtol * np.abs(b)) & np.isfinite(b)
    return close | (a == b) | (equal_nan & np.isnan(a) & np.isnan(b))


def _allclose(a, b, rtol=1e-05, atol=1e-08, equal_nan=False):
    return bool(np.all(np.atleast_1d(_isclose_c(a, b, rtol, atol, equal_nan))))


def _array_equal_arrays(a1, a2, equal_nan=False):
    if a1.shape != a2.shape:
        return False
    if equal_nan:
        return bool(np.all((a1 == a2) | (np.isnan(a1) & np.isnan(a2))))
    return bool(np.all(a1 == a2))


def _array_equal_scalars(a1, a2, equal_nan=False):
    return bool(a1 == a2) or (equal_nan and bool(np.isnan(a1)) and bool(np.isnan(a2)))


def _array_equal_mixed(a1, a2, equal_nan=False):
    return False   # a scalar's shape () differs from any array's that compiled code has


def _choose_array_equal(values, kwnames):
    arrays = [_is_array(v) for v in values[:2]]
    if all(arrays):
        return _array_equal_arrays
    return _array_equal_mixed if any(arrays) else _array_equal_scalars


# ---- rounding ----------------------------------------------------------------------------------

def _round_float(a, decimals=0):
    # NumPy scales by 10**decimals, rounds half to even, and scales back
    if decimals >= 0:
        f = 10.0 ** decimals
        return np.rint(a * f) / f
    f = 10.0 ** -decimals
    return np.rint(a / f) * f


def _round_int_array(a, decimals=0):
    if decimals >= 0:
        return a.copy()
    return _round_float_c(a, decimals).astype(a.dtype)


def _round_int(a, decimals=0):
    if decimals >= 0:
        return a
    return int(_round_float_c(a, decimals))


def _round_float_out(a, decimals=0, out=None):
    out[...] = _round_float_c(a, decimals)
    return out


def _round_complex_array(a, decimals=0):   # each part as a float's (NumPy's)
    re = _round_float_c(a.real, decimals).ravel()
    im = _round_float_c(a.imag, decimals).ravel()
    out = np.empty(a.shape, dtype=a.dtype)
    flat = out.ravel()
    for i in range(flat.shape[0]):
        flat[i] = complex(re[i], im[i])
    return out


def _round_complex(a, decimals=0):
    return complex(_round_float_c(a.real, decimals), _round_float_c(a.imag, decimals))


def _choose_round(values, kwnames):
    if len(values) > 2 or "out" in kwnames:   # np.round(a, 0, out): into out, returned (statsforecast's fourier)
        if len(values) == 3 and _is_array(values[0]) and _is_array(values[2]) and _dtype_kind(values[0]) == "f":
            return _round_float_out
        _refuse("np.round", "out= other than an array for a float array")
    kind = _dtype_kind(values[0])
    if kind == "f":
        return _round_float
    if kind in "iu":
        return _round_int_array if _is_array(values[0]) else _round_int
    if kind == "c":
        return _round_complex_array if _is_array(values[0]) else _round_complex
    _refuse("np.round", "rounding bool values")


# ---- ranges ------------------------------------------------------------------------------------

def _logspace(start, stop, num=50, endpoint=True, base=10.0):
    return np.power(base, np.linspace(start, stop, num, endpoint=endpoint))


def _tri(N, M=-1, k=0):
    m = N if M < 0 else M
    out = np.zeros((N, m))
    for i in range(N):
        for j in range(min(m, max(0, i + k + 1))):
            out[i, j] = 1.0
    return out


def _choose_tri(values, kwnames):
    if "dtype" in kwnames or len(values) > 3:
        _refuse("np.tri", "dtype=")
    if len(values) > 1 and kwnames[:1] != ("k",) and values[1] is None:
        _refuse("np.tri", "M=None as a value")
    return _tri


def _vander(x, N=-1, increasing=False):
    n = x.shape[0] if N < 0 else N
    out = np.empty((x.shape[0], n), dtype=(x[:1] * 1).dtype)
    for i in range(x.shape[0]):
        v = x[i] * 0 + 1
        for j in range(n):
            out[i, j if increasing else n - 1 - j] = v
            v = v * x[i]
    return out


def _choose_vander(values, kwnames):
    if not _is_array(values[0]) or values[0].ndim != 1:
        _refuse("np.vander", "x other than a 1-d array")
    return _vander


# ---- searching ---------------------------------------------------------------------------------

def _isin_array(element, test_elements, assume_unique=False, invert=False):
    t = np.sort(test_elements.ravel())
    e = element.ravel()
    out = np.empty(e.size, dtype=np.bool_)
    for i in range(e.size):
        j = np.searchsorted(t, e[i])
        out[i] = (j < t.size and t[j] == e[i]) != invert
    return out.reshape(element.shape)


def _isin_int_array(element, test_elements, assume_unique=False, invert=False):
    # ints whose test values span a short range (at most 6 x the sizes, NumPy's own rule for its
    # table method): a table of flags over the range, one lookup per element; else sorting
    t = test_elements.ravel()
    if t.size == 0:
        return np.full(element.shape, invert)
    lo = t.min()
    hi = t.max()
    if hi - lo > 6 * (element.size + t.size):
        return _isin_array_c(element, test_elements, assume_unique, invert)
    table = np.zeros(hi - lo + 1, dtype=np.bool_)
    for i in range(t.size):
        table[t[i] - lo] = True
    e = element.ravel()
    out = np.empty(e.size, dtype=np.bool_)
    for i in range(e.size):
        v = e[i]
        out[i] = (v >= lo and v <= hi and table[v - lo]) != invert
    return out.reshape(element.shape)


def _isin_scalar(element, test_elements, assume_unique=False, invert=False):
    t = test_elements.ravel()
    for i in range(t.size):
        if t[i] == element:
            return not invert
    return invert


def _choose_isin(values, kwnames):
    if len(values) < 2 or not _is_array(values[1]):
        _refuse("np.isin", "test_elements other than an array")
    e, t = values[0], values[1]
    if _is_array(e) and e.dtype.kind in "iu" and e.dtype.kind == t.dtype.kind and "u8" not in (e.dtype.str[1:], t.dtype.str[1:]):
        return _isin_int_array   # (of one signedness: no uint64 beside int64)
    return _isin_array if _is_array(e) else _isin_scalar


def _take_int(a, indices, axis=None):
    flat = a.ravel()
    i = indices
    if i < -flat.size or i >= flat.size:
        raise IndexError("index out of range for array")
    return flat[i]


def _take_array(a, indices, axis=None):
    return a.ravel()[indices]


def _take_axis_source(nd, ni):
    """np.take(a, indices, axis) of an nd-d a along a run-time axis: NumPy's AxisError, then a
    moved so that axis leads, each index checked (IndexError) and wrapped, the picked sub-arrays
    copied in order; an int index (ni None) drops the axis, an ni-d array of indices puts its
    shape in the axis's place (a.shape[:axis] + indices.shape + a.shape[axis+1:])."""
    lead = ", ".join(f"p[{d}]" for d in range(nd))
    lines = ["def take(a, indices, axis=None):",
             f"    r = axis + {nd} if axis < 0 else axis",
             f"    if r < 0 or r >= {nd}:",
             f"        raise np.exceptions.AxisError('axis ' + str(axis) + ' is out of bounds for array of dimension {nd}')",
             f"    p = np.empty({nd}, dtype=np.int64)", "    p[0] = r", "    j = 1", f"    for d in range({nd}):",
             "        if d != r:", "            p[j] = d", "            j += 1",
             f"    b = np.transpose(a, ({lead},))", "    n = b.shape[0]"]
    check = ["    if i < -n or i >= n:",
             "        raise IndexError('index ' + str(i) + ' is out of bounds for axis ' + str(r) + ' with size ' + str(n))",
             "    if i < 0:", "        i += n"]
    if ni is None:
        lines += ["    i = indices", *check]
        return lines + (["    return b[i]"] if nd == 1 else ["    return b[i].copy()"])
    rest = [f"b.shape[{d}]" for d in range(1, nd)]
    shape = [f"indices.shape[{d}]" for d in range(ni)] + rest
    ndo = nd - 1 + ni
    back = ", ".join(f"q[{t}]" for t in range(ndo))
    lines += ["    flat = indices.ravel()", "    m = flat.size",
              "    out = np.empty((%s), dtype=a.dtype)" % ", ".join(["m"] + rest + ([""] if nd == 1 else [])),
              "    for k in range(m):", "        i = flat[k]", *["    " + c for c in check], "        out[k] = b[i]",
              "    out = out.reshape((%s,))" % ", ".join(shape),
              # the index dimensions (first in out) go to positions r..r+ni-1
              f"    q = np.empty({ndo}, dtype=np.int64)", f"    for t in range({ndo}):",
              f"        q[t] = t + {ni} if t < r else (t - r if t < r + {ni} else t)",
              f"    return np.ascontiguousarray(np.transpose(out, ({back},)))"]
    return lines


def _choose_take(values, kwnames):
    """np.take(a, indices, axis=None): axis None takes from a flattened; an int axis (a run-time
    value, negative counting from the end) picks along that axis."""
    if len(values) > 3 or not set(kwnames) <= {"axis"}:
        _refuse("np.take", "out= or mode=")
    if not _is_array(values[0]):
        _refuse("np.take", "a scalar array argument")
    ind = values[1]
    if _is_array(ind) and (ind.dtype.kind not in "iu" or ind.ndim == 0) or \
            not _is_array(ind) and (not isinstance(ind, int) or isinstance(ind, bool)):
        _refuse("np.take", "indices other than an int or an integer array")
    if len(values) < 3 or values[2] is None:
        return _take_array if _is_array(ind) else _take_int
    if not isinstance(values[2], int) or isinstance(values[2], bool) or values[0].ndim == 0:
        _refuse("np.take", "axis= other than an int, or a 0-d array")
    ns = {"np": np}
    exec("\n".join(_take_axis_source(values[0].ndim, ind.ndim if _is_array(ind) else None)), ns)
    return ns["take"]


def _unravel_source(ndim):
    names = ", ".join(f"i{k}" for k in range(ndim))
    lines = ["def unravel_index(indices, shape):",
             "    size = 1",
             *(f"    size *= shape[{k}]" for k in range(ndim)),
             "    if indices < 0 or indices >= size:",
             "        raise ValueError('index ' + str(indices) + ' is out of bounds for array with size ' + str(size))",
             "    r = indices"]
    for k in reversed(range(ndim)):
        lines += [f"    i{k} = r % shape[{k}]", f"    r //= shape[{k}]"]
    lines.append(f"    return ({names},)")
    ns = {}
    exec("\n".join(lines), ns)
    return ns["unravel_index"]


def _choose_unravel(values, kwnames):
    if len(values) != 2 or not isinstance(values[0], int) or not isinstance(values[1], tuple):
        _refuse("np.unravel_index", "anything but an int index and a tuple shape")
    return _unravel_source(len(values[1]))


def _index_list_source(name, params, dims, item):
    """A generator function `name(params)` yielding, in C order, item(idx, sub) for every index
    of the shape dims (source expressions): idx the index tuple, sub the subscript. An iterator,
    as NumPy's np.ndenumerate and np.ndindex are; a `for` loop over it runs the nested loops in
    place (it was a list of every index: 8x numba's time over 10^6 indices)."""
    names = [f"i{k}" for k in range(len(dims))]
    lines = [f"def {name}({params}):"]
    for k, d in enumerate(dims):
        lines.append("    " * (k + 1) + f"for i{k} in range({d}):")
    idx = "(" + ", ".join(names) + ("," if len(dims) == 1 else "") + ")"
    lines.append("    " * (len(dims) + 1) + f"yield {item(idx, ', '.join(names) if dims else '()')}")
    ns = {}
    exec("\n".join(lines), ns)
    return ns[name]


def _ndenumerate_source(ndim):
    """np.ndenumerate(arr) of an ndim-d array: the (index tuple, element) pairs."""
    return _index_list_source("ndenumerate", "arr", [f"arr.shape[{k}]" for k in range(ndim)],
                              lambda idx, sub: f"({idx}, arr[{sub}])")


def _ndindex_source(ndim, as_tuple):
    """np.ndindex(shape) or np.ndindex(d0, d1, ...): every index tuple of that shape."""
    params = "shape" if as_tuple else ", ".join(f"d{k}" for k in range(ndim))
    dims = [f"shape[{k}]" if as_tuple else f"d{k}" for k in range(ndim)]
    return _index_list_source("ndindex", params, dims, lambda idx, sub: idx)


def _choose_ndindex(values, kwnames):
    if kwnames or not values:
        _refuse("np.ndindex", "keywords or no shape")
    if len(values) == 1 and isinstance(values[0], tuple) and values[0] and all(isinstance(v, int) for v in values[0]):
        return _ndindex_source(len(values[0]), True)
    if all(isinstance(v, int) and not isinstance(v, bool) for v in values):
        return _ndindex_source(len(values), False)
    _refuse("np.ndindex", "a shape other than a tuple of ints or ints")


def _choose_ndenumerate(values, kwnames):
    if len(values) != 1 or kwnames or not _is_array(values[0]):
        _refuse("np.ndenumerate", "anything but one array")
    return _ndenumerate_source(values[0].ndim)


# ---- np.cross ----------------------------------------------------------------------------------

def _axis_perm_lines(name, nd, axis, what, to_last):
    """Lines that normalise `axis` (a run-time int) for an nd-d array `name` (NumPy's AxisError)
    and transpose `name` so that axis moves last (to_last) or its last axis moves there."""
    idx = ", ".join(f"p[{d}]" for d in range(nd))
    fill = (["        if d != r:", "            p[j] = d", "            j += 1", f"    p[{nd - 1}] = r"] if to_last else
            ["        if d == r:", f"            p[d] = {nd - 1}", "        else:", "            p[d] = j", "            j += 1"])
    return [f"    r = {axis} + {nd} if {axis} < 0 else {axis}",
            f"    if r < 0 or r >= {nd}:",
            f"        raise np.exceptions.AxisError('{what}: axis ' + str({axis}) + ' is out of bounds for array of dimension {nd}')",
            f"    p = np.empty({nd}, dtype=np.int64)", "    j = 0", f"    for d in range({nd}):", *fill,
            f"    {name} = np.transpose({name}, ({idx},))"]


def _cross_source(nda, ndb, axes, one_axis, dtype, seqs=(False, False)):
    """np.cross(a, b) of an nda-d a and an ndb-d b, the vectors along their last axes (or along
    axisa/axisb, the result's along axisc, all along `axis` when given: `axes`), broadcast over
    the leading dimensions: one loop nest over the result's leading dimensions (a dimension of
    length 1 reads index 0), NumPy's formulas per element, a 2-vector's third component 0.
    Two 2-vectors give NumPy a result without the last dimension, whose ndim would depend on
    run-time lengths: ValueError here, as in Numba."""
    n = max(nda, ndb)
    lines = ["def cross(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):"]
    lines += [f"    {name} = np.asarray({name})" for name, seq in zip("ab", seqs) if seq]
    if one_axis:
        lines += ["    axisa = axis", "    axisb = axis", "    axisc = axis"]
    if axes:
        lines += _axis_perm_lines("a", nda, "axisa", "axisa", True) + _axis_perm_lines("b", ndb, "axisb", "axisb", True)
    lines += ["    na = a.shape[-1]", "    nb = b.shape[-1]",
              "    if (na != 2 and na != 3) or (nb != 2 and nb != 3):",
              "        raise ValueError('incompatible dimensions for cross product\\n(dimension must be 2 or 3)')",
              "    if na == 2 and nb == 2:",
              "        raise ValueError('np.cross of two arrays of 2-vectors is not supported in compiled code (NumPy drops "
              "the last dimension of its result); give 3-vectors')"]
    ia, ib = [], []   # the subscripts of a's and b's vectors in the loop nest
    for k in range(n - 1):   # the result's leading dimension k, a's dimension ja, b's jb (aligned at the right)
        ja, jb = k - (n - nda), k - (n - ndb)
        da = f"a.shape[{ja}]" if ja >= 0 else "1"
        db = f"b.shape[{jb}]" if jb >= 0 else "1"
        lines += [f"    if {da} != {db} and {da} != 1 and {db} != 1:",
                  "        raise ValueError('shape mismatch: objects cannot be broadcast to a single shape')",
                  f"    d{k} = {da} if {db} == 1 else {db}"]
        if ja >= 0:
            lines.append(f"    ma{k} = 0 if {da} == 1 else 1")
            ia.append(f"i{k} * ma{k}")
        if jb >= 0:
            lines.append(f"    mb{k} = 0 if {db} == 1 else 1")
            ib.append(f"i{k} * mb{k}")
    lines.append(f"    cp = np.empty(({''.join(f'd{k}, ' for k in range(n - 1))}3), DTYPE)")
    pad = "    "
    for k in range(n - 1):
        lines.append(pad + f"for i{k} in range(d{k}):")
        pad += "    "
    sa, sb = "".join(x + ", " for x in ia), "".join(x + ", " for x in ib)
    sc = "".join(f"i{k}, " for k in range(n - 1))
    body = [f"x0 = a[{sa}0]", f"x1 = a[{sa}1]", f"y0 = b[{sb}0]", f"y1 = b[{sb}1]",
            "if na == 3 and nb == 3:",
            f"    x2 = a[{sa}2]", f"    y2 = b[{sb}2]",
            f"    cp[{sc}0] = x1 * y2 - x2 * y1", f"    cp[{sc}1] = x2 * y0 - x0 * y2",
            "elif na == 2:",
            f"    y2 = b[{sb}2]", f"    cp[{sc}0] = x1 * y2", f"    cp[{sc}1] = -(x0 * y2)",
            "else:",
            f"    x2 = a[{sa}2]", f"    cp[{sc}0] = -(x2 * y1)", f"    cp[{sc}1] = x2 * y0",
            f"cp[{sc}2] = x0 * y1 - x1 * y0"]
    lines += [pad + line for line in body]
    if axes:
        lines += _axis_perm_lines("cp", n, "axisc", "axisc", False)
    lines.append("    return cp")
    ns = {"np": np, "DTYPE": dtype}
    exec("\n".join(lines), ns)
    return ns["cross"]


def _choose_cross(values, kwnames):
    params = ["a", "b", "axisa", "axisb", "axisc", "axis"]
    npos = len(values) - len(kwnames)
    given = params[:npos] + list(kwnames)
    if npos > len(params) or not set(given) <= set(params) or len(set(given)) != len(given):
        _refuse("np.cross", "arguments other than a, b, axisa, axisb, axisc and axis")
    if npos < 2:
        raise TypeError("np.cross() needs the arrays a and b")
    a, b = values[0], values[1]
    seqs = tuple(isinstance(v, (list, tuple)) for v in (a, b))   # np.cross([0, 0, 1], h): as np.asarray's
    a, b = (np.asarray(v) if seq else v for v, seq in zip((a, b), seqs))
    if not (_is_array(a) and _is_array(b)) or a.ndim == 0 or b.ndim == 0 or "O" in (a.dtype.kind, b.dtype.kind):
        _refuse("np.cross", "an operand other than an array of vectors (or a list or tuple of numbers)")
    if a.dtype.kind == "b" and b.dtype.kind == "b":   # NumPy: TypeError (boolean subtract)
        raise TypeError("np.cross of two boolean arrays: NumPy's boolean subtract is not supported")
    axes = {name: values[given.index(name)] for name in params[2:] if name in given}
    for name, v in axes.items():
        if not (isinstance(v, int) and not isinstance(v, bool)) and not (name == "axis" and v is None):
            raise TypeError(f"np.cross(): {name} must be an integer" + (" or None" if name == "axis" else ""))
    one_axis = axes.get("axis") is not None
    return _cross_source(a.ndim, b.ndim, bool(axes) and (one_axis or len(axes) > ("axis" in axes)), one_axis,
                         np.result_type(a.dtype, b.dtype).type, seqs)


# ---- polynomials and products ------------------------------------------------------------------

def _polyval(p, x):
    y = x * 0 + p[0] * 0
    for i in range(p.shape[0]):
        y = y * x + p[i]
    return y


def _choose_polyval(values, kwnames):
    if not _is_array(values[0]) or values[0].ndim != 1:
        _refuse("np.polyval", "p other than a 1-d array")
    return _polyval


def _kron_1d(a, b):
    out = np.empty(a.size * b.size, dtype=(a[:1] * b[:1]).dtype)
    for i in range(a.size):
        for j in range(b.size):
            out[i * b.size + j] = a[i] * b[j]
    return out


def _kron_2d(a, b):
    p, q = b.shape
    out = np.empty((a.shape[0] * p, a.shape[1] * q), dtype=(a[:1, :1] * b[:1, :1]).dtype)
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            for k in range(p):
                for m in range(q):
                    out[i * p + k, j * q + m] = a[i, j] * b[k, m]
    return out


def _kron_1d_2d(a, b):   # a as a (1, n) matrix, as NumPy prepends ones to the smaller ndim
    p, q = b.shape
    out = np.empty((p, a.size * q), dtype=(a[:1] * b[:1, :1]).dtype)
    for j in range(a.size):
        for k in range(p):
            for m in range(q):
                out[k, j * q + m] = a[j] * b[k, m]
    return out


def _kron_2d_1d(a, b):   # b as a (1, q) matrix
    q = b.size
    out = np.empty((a.shape[0], a.shape[1] * q), dtype=(a[:1, :1] * b[:1]).dtype)
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            for m in range(q):
                out[i, j * q + m] = a[i, j] * b[m]
    return out


def _choose_kron(values, kwnames):
    a, b = values[:2]
    forms = {(1, 1): _kron_1d, (2, 2): _kron_2d, (1, 2): _kron_1d_2d, (2, 1): _kron_2d_1d}
    if _is_array(a) and _is_array(b) and (a.ndim, b.ndim) in forms:
        return forms[a.ndim, b.ndim]
    _refuse("np.kron", "operands other than 1-d or 2-d arrays")


def _frombuffer(buffer, dtype):
    return buffer.view(dtype)   # a bytes argument is a read-only uint8 array: its bytes as dtype


def _frombuffer_f8(buffer):
    return buffer.view(np.float64)


def _choose_frombuffer(values, kwnames):
    npos = len(values) - len(kwnames)
    given = ["buffer", "dtype"][:npos] + list(kwnames)
    if not set(given) <= {"buffer", "dtype"} or not _is_array(values[0]) or values[0].ndim != 1 \
            or values[0].dtype != np.uint8:
        _refuse("np.frombuffer", "count=, offset= or a buffer other than bytes, a bytearray or a 1-d uint8 array")
    return _frombuffer if len(values) == 2 else _frombuffer_f8


def _angle(z, deg=False):
    r = np.arctan2(np.imag(z), np.real(z))
    return r * (180.0 / math.pi) if deg else r


def _angle_real(z, deg=False):   # NumPy's: arctan2(0, z), the Python 0 weak (bool: float64)
    r = np.arctan2(0, z)
    return r * (180.0 / math.pi) if deg else r


def _choose_angle(values, kwnames):
    z = values[0]
    complex_ = np.iscomplexobj(z) if _is_array(z) else isinstance(z, complex)
    return _angle if complex_ else _angle_real


def _select(condlist, choicelist, default=0):
    if len(condlist) != len(choicelist):
        raise ValueError("list of cases must be same length as list of conditions")
    if len(condlist) == 0:
        raise ValueError("select with an empty condition list is not possible")
    out = np.where(condlist[len(condlist) - 1], choicelist[len(condlist) - 1], default)
    for i in range(len(condlist) - 2, -1, -1):
        out = np.where(condlist[i], choicelist[i], out)
    return out


def _choose_select(values, kwnames):
    if not all(isinstance(v, (list, tuple)) for v in values[:2]):
        _refuse("np.select", "condlist and choicelist other than lists or tuples")
    return _select


def _nan_to_num_float(x, copy=True, nan=0.0, posinf=1.7976931348623157e308, neginf=-1.7976931348623157e308):
    out = np.where(np.isnan(x), nan, x)
    out = np.where(out == np.inf, posinf, out)
    return np.where(out == -np.inf, neginf, out)


def _nan_to_num_float_array(x, copy=True, nan=0.0, posinf=1.7976931348623157e308, neginf=-1.7976931348623157e308):
    out = _nan_to_num_float_c(x, copy, nan, posinf, neginf)
    if copy:
        return out
    x[...] = out   # copy=False: in place, x returned
    return x


def _nan_to_num_float32_array(x, copy=True, nan=0.0, posinf=3.4028234663852886e38, neginf=-3.4028234663852886e38):
    out = _nan_to_num_float_c(x, copy, nan, posinf, neginf).astype(np.float32)
    if copy:
        return out
    x[...] = out
    return x


def _nan_to_num_int(x, copy=True, nan=0.0, posinf=0.0, neginf=0.0):
    if copy:
        return x.copy()
    return x


def _finite_part(v, nan, posinf, neginf):
    if v != v:
        return nan
    if v == np.inf:
        return posinf
    if v == -np.inf:
        return neginf
    return v


def _nan_to_num_complex(x, copy=True, nan=0.0, posinf=1.7976931348623157e308, neginf=-1.7976931348623157e308):
    # each part as a float's (a number)
    return complex(_finite_part_c(x.real, nan, posinf, neginf), _finite_part_c(x.imag, nan, posinf, neginf))


def _fix_parts(out, nan, posinf, neginf):
    re = out.real
    re[...] = _nan_to_num_float_c(re, True, nan, posinf, neginf)
    im = out.imag
    im[...] = _nan_to_num_float_c(im, True, nan, posinf, neginf)


def _nan_to_num_complex_array(x, copy=True, nan=0.0, posinf=1.7976931348623157e308, neginf=-1.7976931348623157e308):
    if copy:
        out = x.copy()
        _fix_parts_c(out, nan, posinf, neginf)
        return out
    _fix_parts_c(x, nan, posinf, neginf)
    return x


def _nan_to_num_complex64_array(x, copy=True, nan=0.0, posinf=3.4028234663852886e38, neginf=-3.4028234663852886e38):
    return _nan_to_num_complex_c(x, copy, nan, posinf, neginf)


def _nan_to_num_number(x, copy=True, nan=0.0, posinf=0.0, neginf=0.0):
    return x


def _choose_nan_to_num(values, kwnames):
    x = values[0]
    if any(v is None for v in values[1:]):
        _refuse("np.nan_to_num", "None as posinf= or neginf= (leave them out)")
    if _is_array(x) and x.dtype.kind in "iub":
        return _nan_to_num_int
    if _is_array(x) and x.dtype == np.complex64:
        return _nan_to_num_complex64_array
    if _is_array(x) and x.dtype == np.complex128:
        return _nan_to_num_complex_array
    if not _is_array(x) and _dtype_kind(x) == "c":
        return _nan_to_num_complex
    if not _is_array(x) and _dtype_kind(x) in "iub":
        return _nan_to_num_number
    if _is_array(x) and x.dtype == np.float32:
        return _nan_to_num_float32_array
    if _is_array(x) and x.dtype == np.float64:
        return _nan_to_num_float_array
    if _dtype_kind(x) == "f" and not _is_array(x):
        return _nan_to_num_float
    _refuse("np.nan_to_num", "this argument")


# ---- assembling and copying -------------------------------------------------------------------

def _append(arr, values, axis=None):
    return np.concatenate((np.atleast_1d(arr).ravel(), np.atleast_1d(np.asarray(values)).ravel()))


def _append_axis_source(nd, ndv, axis):
    """np.append(arr, values, axis) for a constant axis: np.concatenate((arr, values), axis) with
    NumPy's checks in its order (a 0-d arr, the axis, the number of dimensions)."""
    lines = ["def append(arr, values, axis=None):"]
    if nd == 0:
        return lines + ["    raise ValueError('zero-dimensional arrays cannot be concatenated')"]
    if not -nd <= axis < nd:
        return lines + [f"    raise np.exceptions.AxisError('axis {axis} is out of bounds for array of dimension {nd}')"]
    if ndv != nd:
        return lines + ["    raise ValueError('all the input arrays must have same number of dimensions, but the array at "
                        f"index 0 has {nd} dimension(s) and the array at index 1 has {ndv} dimension(s)')"]
    return lines + [f"    return np.concatenate((arr, values), axis={axis % nd})"]


def _choose_append(values, kwnames, consts=None):
    """np.append(arr, values, axis=None): axis None joins both flattened (either may be a
    scalar); a constant int axis joins them along it as np.concatenate does."""
    if len(values) == 3 and values[2] is not None:
        axis = consts[2] if consts is not None else None
        if not isinstance(axis, int):
            _refuse("np.append", "axis= other than None or a constant int")
        nd = [v.ndim if _is_array(v) else 0 for v in values[:2]]
        ns = {"np": np}
        exec("\n".join(_append_axis_source(nd[0], nd[1], axis)), ns)
        return ns["append"]
    if len(values) not in (2, 3) or not set(kwnames) <= {"axis"}:
        _refuse("np.append", "these arguments")
    return _append


def _copyto(dst, src):
    dst[:] = src


def _choose_copyto(values, kwnames):
    if len(values) != 2 or not _is_array(values[0]) or values[0].ndim == 0:
        _refuse("np.copyto", "casting=, where= or a destination other than an array")
    return _copyto


def _delete_int(arr, obj):
    flat = arr.ravel()
    n = flat.size
    if obj < -n or obj >= n:
        raise IndexError("index " + str(obj) + " is out of bounds for axis 0 with size " + str(n))
    i = obj + n if obj < 0 else obj
    return np.concatenate((flat[:i], flat[i + 1:]))


def _delete_array(arr, obj):
    flat = arr.ravel()
    keep = np.ones(flat.size, dtype=np.bool_)
    keep[obj] = False
    return flat[keep]


def _int_sequence(v):
    """A list or tuple of ints (NumPy takes it as the array of them)."""
    return isinstance(v, (list, tuple)) and len(v) > 0 and all(isinstance(x, int) and not isinstance(x, bool) for x in v)


def _delete_seq(arr, obj):
    return _delete_array_c(arr, np.array(obj))


def _choose_delete(values, kwnames):
    if len(values) != 2 or not _is_array(values[0]) or "axis" in kwnames:
        _refuse("np.delete", "axis=")
    if isinstance(values[1], bool) or (_is_array(values[1]) and values[1].dtype.kind == "b"):
        _refuse("np.delete", "a boolean obj")
    if isinstance(values[1], int):
        return _delete_int
    if _is_array(values[1]) and values[1].dtype.kind in "iu" and values[1].ndim == 1:
        return _delete_array
    if _int_sequence(values[1]):   # np.delete(a, [k]) (PaCMAP's sample_MN_pair)
        return _delete_seq
    _refuse("np.delete", "obj other than an int, a 1-d integer array or a list of ints")


def _insert(arr, obj, values):
    flat = arr.ravel()
    n = flat.size
    if obj < -n or obj > n:
        raise IndexError("index " + str(obj) + " is out of bounds for axis 0 with size " + str(n))
    i = obj + n if obj < 0 else obj
    return np.concatenate((flat[:i], np.atleast_1d(np.asarray(values)).ravel().astype(flat.dtype), flat[i:]))


def _insert_array(arr, obj, values):
    # NumPy's, for several indices: each value before the element its index names (indices into
    # the array as given, in any order, negative from the end); one index inserts values as a block
    flat = arr.ravel()
    n = flat.size
    idx = obj.ravel()
    m = idx.size
    if m == 1:
        return _insert_c(arr, idx[0], values)
    pos = np.empty(m, dtype=np.int64)
    for k in range(m):
        i = idx[k]
        if i < -n or i > n:
            raise IndexError("index " + str(i) + " is out of bounds for axis 0 with size " + str(n))
        pos[k] = i + n if i < 0 else i
    order = np.argsort(pos, kind="stable")
    shifted = pos.copy()
    for k in range(m):
        shifted[order[k]] = pos[order[k]] + k
    out = np.empty(n + m, dtype=flat.dtype)
    keep = np.ones(n + m, dtype=np.bool_)
    keep[shifted] = False
    out[shifted] = np.asarray(values).astype(flat.dtype)
    out[keep] = flat
    return out


def _insert_seq(arr, obj, values):
    return _insert_array_c(arr, np.array(obj), values)


def _choose_insert(values, kwnames):
    if len(values) != 3 or not _is_array(values[0]) or "axis" in kwnames:
        _refuse("np.insert", "axis=")
    obj = values[1]
    if isinstance(obj, int) and not isinstance(obj, bool):
        return _insert
    if _is_array(obj) and obj.dtype.kind in "iu":
        return _insert_array
    if _int_sequence(obj):
        return _insert_seq
    _refuse("np.insert", "obj other than an int, an integer array or a list of ints")


def _asfortranarray(a):
    return np.ascontiguousarray(a.T).T


def _asfortranarray_1d(a):
    return np.ascontiguousarray(a)   # a 0-d array: shape (1,), as NumPy's (ndim >= 1)


def _choose_asfortran(values, kwnames):
    if len(values) != 1 or not _is_array(values[0]):
        _refuse("np.asfortranarray", "dtype= or a scalar")
    return _asfortranarray_1d if values[0].ndim == 0 else _asfortranarray


# ---- integrals and differences ----------------------------------------------------------------

def _trapezoid_dx(y, dx=1.0):
    return ((y[1:] + y[:-1]) * dx).sum() / 2.0


def _trapezoid_x(y, x):
    return ((x[1:] - x[:-1]) * (y[1:] + y[:-1])).sum() / 2.0


def _trapezoid_nd_source(given, nd, axis, x_nd):
    """np.trapezoid along a constant axis of an nd-d y: that axis moved last, NumPy's
    d * (y[1:] + y[:-1]) / 2.0 summed along it; x (x_nd dimensions, 0 for none) 1-d along the
    axis or of y's shape, else dx (1.0 when not given)."""
    if axis < -nd or axis >= nd:
        raise np.exceptions.AxisError(f"axis {axis} is out of bounds for array of dimension {nd}")
    lines = [f"def trapezoid({', '.join(given)}):",
             f"    yy = np.moveaxis(y, {axis % nd}, -1)" if nd > 1 else "    yy = y"]
    if x_nd:
        lines.append(f"    xx = np.moveaxis(x, {axis % nd}, -1)" if x_nd == nd and nd > 1 else "    xx = x")
        lines.append("    d = xx[..., 1:] - xx[..., :-1]")
    else:
        lines.append("    d = dx" if "dx" in given else "    d = 1.0")
    lines.append("    return (d * (yy[..., 1:] + yy[..., :-1]) / 2.0).sum(axis=-1)")
    return lines


def _choose_trapezoid(values, kwnames, consts=None):
    npos = len(values) - len(kwnames)
    given = ["y", "x", "dx", "axis"][:npos] + list(kwnames)
    if not _is_array(values[0]) or values[0].ndim == 0 or not set(given) <= {"y", "x", "dx", "axis"}:
        _refuse("np.trapezoid", "y other than an array")
    x = values[given.index("x")] if "x" in given else None
    if x is not None and (not _is_array(x) or x.ndim not in (1, values[0].ndim)):
        _refuse("np.trapezoid", "x other than a 1-d array or one of y's dimensions")
    axis = -1
    if "axis" in given:
        axis = consts[given.index("axis")] if consts is not None else None
        if not isinstance(axis, int):
            _refuse("np.trapezoid", "axis= other than a constant int")
    if values[0].ndim == 1 and axis in (0, -1) and given in (["y"], ["y", "x"], ["y", "dx"]):
        return _trapezoid_x if x is not None else _trapezoid_dx
    ns = {"np": np}
    exec("\n".join(_trapezoid_nd_source(given, values[0].ndim, axis, 0 if x is None else x.ndim)), ns)
    return ns["trapezoid"]


def _ediff1d(ary, to_end=None, to_begin=None):
    flat = np.atleast_1d(ary).ravel()
    return flat[1:] - flat[:-1]


def _ediff1d_source(ends, fails):
    """np.ediff1d(ary, to_end, to_begin) with to_begin or to_end given: the differences of ary
    flattened in ary's dtype, after to_begin and before to_end (each flattened, cast to it);
    NumPy's TypeError (`fails`) for one that does not cast to ary's dtype by the same_kind rule."""
    lines = ["def ediff1d(ary, to_end=None, to_begin=None):"]
    if fails:
        return lines + [f"    raise TypeError('dtype of `{fails}` must be compatible with input `ary` under the `same_kind` rule.')"]
    lines += ["    flat = np.atleast_1d(ary).ravel()", "    nd = flat.size - 1 if flat.size > 1 else 0"]
    for name in ("to_begin", "to_end"):
        lines += [f"    {name}_ = np.atleast_1d({name}).ravel()", f"    n_{name} = {name}_.size"] if name in ends else \
            [f"    n_{name} = 0"]
    lines += ["    out = np.empty(n_to_begin + nd + n_to_end, dtype=flat.dtype)",
              "    out[n_to_begin:n_to_begin + nd] = flat[1:] - flat[:-1]"]
    if "to_begin" in ends:
        lines.append("    out[:n_to_begin] = to_begin_")
    if "to_end" in ends:
        lines.append("    out[n_to_begin + nd:] = to_end_")
    return lines + ["    return out"]


def _choose_ediff1d(values, kwnames):
    """np.ediff1d(ary, to_end=None, to_begin=None): ary (an array or a number) flattened, its
    consecutive differences; to_end and to_begin numbers or arrays."""
    names = ("ary", "to_end", "to_begin")
    npos = len(values) - len(kwnames)
    given = list(names[:npos]) + list(kwnames)
    if len(given) > 3 or not set(given) <= set(names):
        _refuse("np.ediff1d", "these arguments")
    ary = values[0]
    if not (_is_array(ary) or isinstance(ary, (int, float, complex))) or _dtype_kind(ary) == "b":
        _refuse("np.ediff1d", "ary other than a number or a numeric array")
    ends = {n: values[given.index(n)] for n in ("to_begin", "to_end") if n in given and values[given.index(n)] is not None}
    if not ends:
        return _ediff1d
    dt = np.asarray(ary).dtype
    fails = None
    for n in ("to_begin", "to_end"):
        if n in ends:
            v = ends[n]
            if not (_is_array(v) or isinstance(v, (bool, int, float, complex))):
                _refuse("np.ediff1d", f"{n} other than a number or an array")
            if fails is None and not np.can_cast(np.asarray(v).dtype, dt, casting="same_kind"):
                fails = n
    ns = {"np": np}
    exec("\n".join(_ediff1d_source(ends, fails)), ns)
    return ns["ediff1d"]


def _tri_indices(n, k=0, m=-1, lower=True):
    cols = n if m < 0 else m
    count = 0
    for i in range(n):
        for j in range(cols):
            if (j - i <= k) if lower else (j - i >= k):
                count += 1
    rows = np.empty(count, dtype=np.int64)
    colv = np.empty(count, dtype=np.int64)
    c = 0
    for i in range(n):
        for j in range(cols):
            if (j - i <= k) if lower else (j - i >= k):
                rows[c] = i
                colv[c] = j
                c += 1
    return rows, colv


def _tril_indices(n, k=0, m=-1):
    return _tri_indices_c(n, k, m, True)


def _triu_indices(n, k=0, m=-1):
    return _tri_indices_c(n, k, m, False)


def _tril_indices_from(arr, k=0):
    return _tri_indices_c(arr.shape[0], k, arr.shape[1], True)


def _triu_indices_from(arr, k=0):
    return _tri_indices_c(arr.shape[0], k, arr.shape[1], False)


def _choose_indices_from(fn, name):
    def choose(values, kwnames):
        if not _is_array(values[0]) or values[0].ndim != 2:
            _refuse(name, "an input other than a 2-d array")
        return fn
    return choose


# ---- partitions and polynomial roots ------------------------------------------------------------

def _kth_check(n, kth):
    if kth < -n or kth >= n:
        raise ValueError("kth(=" + str(kth) + ") out of bounds (" + str(n) + ")")


def _nan_last_lt(x, y):
    # x before y in NumPy's sort order: numbers ascending, NaN after every number
    return x < y or (y != y and x == x)


def _swap_both(r, idx, x, y):
    t = r[x]
    r[x] = r[y]
    r[y] = t
    u = idx[x]
    idx[x] = idx[y]
    idx[y] = u


def _quickselect(r, idx, lo, hi, kth):
    # Quickselect (median of three, Hoare's partition) of r[lo..hi] around position kth, idx
    # moved with r (argpartition), in NumPy's order: NaN after every number. Past a depth of
    # 2 log2(n) halvings the rest is sorted (introselect's guard against quadratic inputs).
    depth = 0
    limit = 2
    m = hi - lo + 1
    while m > 1:
        m //= 2
        limit += 2
    while hi > lo:
        if depth > limit:
            order = np.argsort(r[lo:hi + 1], kind="stable")
            r[lo:hi + 1] = r[lo:hi + 1][order]
            idx[lo:hi + 1] = idx[lo:hi + 1][order]
            return
        depth += 1
        mid = (lo + hi) // 2
        for x, y in ((lo, mid), (mid, hi), (lo, mid)):
            if _nan_last_lt_c(r[y], r[x]):
                _swap_both_c(r, idx, x, y)
        pivot = r[mid]
        i = lo
        j = hi
        while i <= j:
            while _nan_last_lt_c(r[i], pivot):
                i += 1
            while _nan_last_lt_c(pivot, r[j]):
                j -= 1
            if i <= j:
                _swap_both_c(r, idx, i, j)
                i += 1
                j -= 1
        if kth <= j:
            hi = j
        elif kth >= i:
            lo = i
        else:
            return


def _partition_int(a, kth):
    # every element before kth no greater, every one after no smaller, along the last axis
    # (NumPy's order within the two sides is unspecified): a quickselect per row
    n = a.shape[a.ndim - 1]
    _kth_check_c(n, kth)
    out = a.copy()
    if out.size == 0:
        return out
    k = kth + n if kth < 0 else kth
    rows = out.reshape(-1, n)
    idx = np.empty(n, dtype=np.int64)
    for row in range(rows.shape[0]):
        _quickselect_c(rows[row], idx, 0, n - 1, k)
    return out


def _partition_array(a, kth):
    for k in kth.ravel():
        _kth_check_c(a.shape[a.ndim - 1], k)
    return np.sort(a)


def _argpartition_int(a, kth):
    n = a.shape[0]
    _kth_check_c(n, kth)
    r = a.copy()
    idx = np.arange(n)
    if n > 0:
        _quickselect_c(r, idx, 0, n - 1, kth + n if kth < 0 else kth)
    return idx


def _argpartition_array(a, kth):
    for k in kth.ravel():
        _kth_check_c(a.shape[0], k)
    return np.argsort(a, kind="stable")


def _argpartition_int_rows(a, kth):   # along the last axis: each lane selected as a 1-d one
    c, shape = _lanes_c(a, -1)
    out = np.empty(c.shape, dtype=np.int64)
    _kth_check_c(c.shape[1], kth)
    for r in range(c.shape[0]):
        out[r] = _argpartition_int_c(c[r], kth)
    return out.reshape(shape)


def _choose_partition(values, kwnames, arg):
    name = "np.argpartition" if arg else "np.partition"
    if len(values) != 2 or not set(kwnames) <= {"a", "kth"}:   # np.partition(a, kth=k): numbagg
        _refuse(name, "axis=, kind= or order=")
    a, kth = values
    if not _is_array(a) or a.ndim == 0:
        _refuse(name, "a scalar")
    int_kth = isinstance(kth, int) and not isinstance(kth, bool)
    if arg and a.ndim != 1 and not int_kth and not (_is_array(kth) and kth.dtype.kind in "iu"):
        _refuse(name, "kth other than an int or an integer array, for an array of more than one dimension")
    if _is_array(kth) and kth.dtype.kind in "iu":
        return _argpartition_array if arg else _partition_array
    if int_kth:
        return (_argpartition_int if a.ndim == 1 else _argpartition_int_rows) if arg else _partition_int
    if _int_sequence(kth):   # np.partition(x, [2, 3]) (sktime's median and iqr)
        return _argpartition_seq if arg else _partition_seq
    _refuse(name, "kth other than an int, an integer array or a list of ints")


def _partition_seq(a, kth):
    return _partition_array_c(a, np.array(kth))


def _argpartition_seq(a, kth):
    return _argpartition_array_c(a, np.array(kth))


def _roots(p):
    # the eigenvalues of the companion matrix of p without its leading zeros, and a zero root
    # for each trailing zero; always complex128 (NumPy's dtype depends on the values)
    nz = np.flatnonzero(p)
    if nz.size == 0:
        return np.zeros(0, dtype=np.complex128)
    q = p[nz[0]:nz[nz.size - 1] + 1] * 1.0
    n = q.size - 1
    out = np.zeros(n + p.size - 1 - nz[nz.size - 1], dtype=np.complex128)
    if n > 0:
        c = np.zeros((n, n), dtype=np.complex128)
        for i in range(1, n):
            c[i, i - 1] = 1.0
        for j in range(n):
            c[0, j] = -q[j + 1] / q[0]
        out[:n] = np.linalg.eigvals(c)
    return out


def _choose_roots(values, kwnames):
    if len(values) != 1 or not _is_array(values[0]) or values[0].ndim != 1 or values[0].dtype.kind == "b":
        _refuse("np.roots", "p other than a 1-d array of numbers")
    return _roots


# ---- order statistics: several axes, keepdims, NaN-ignoring ------------------------------------

_ORDER_PARAMS = {"median": ["a", "axis", "out", "overwrite_input", "keepdims"],
                 "percentile": ["a", "q", "axis", "out", "overwrite_input", "method", "keepdims"]}


def _order_stats_source(name, ndim, axes, qkind, keepdims, nan, dtype):
    """np.median(a, axis, ...), np.percentile/np.quantile(a, q, axis, ...) and their nan-
    variants of an ndim-d a. axes: None (all), an int (one run-time axis) or the length of a
    tuple of run-time axes; qkind: None (median), "scalar", "array" or "sequence" (a list or
    tuple, converted). The reduced axes move last (np.transpose with the axes found at run
    time) and merge into one: a matrix of K lanes by L values, whose statistic the function
    typed in C takes along axis 1 (NumPy's linear method), or per lane over its non-NaN values
    for the nan-variants (NaN for a lane with none, as NumPy's nanmean of an empty array; NumPy
    then also leaves q's dimension out, this keeps it). The result, (K,) or (len(q), K), is
    reshaped to the kept dims (with a 1 for each reduced one when keepdims), q's first.
    NumPy's AxisError, duplicate-axis ValueError and its reshape's ValueError of an empty kept
    shape with a tuple of axes."""
    stat = "median" if name.endswith("median") else "percentile" if name.endswith("percentile") else "quantile"
    params = _ORDER_PARAMS["median" if stat == "median" else "percentile"]
    defaults = {"axis": "None", "out": "None", "overwrite_input": "False", "method": "None", "keepdims": "False"}
    sig = ", ".join(p if p in ("a", "q") else f"{p}={defaults[p]}" for p in params)
    q = "" if stat == "median" else "q, "
    lines = [f"def {name}({sig}):"]
    if qkind == "sequence":
        lines.append("    q = np.array(q)")
    if axes is None:
        naxes, rs = ndim, [str(d) for d in range(ndim)]
        lines.append("    b = np.ascontiguousarray(a)")
    else:
        naxes = 1 if axes == "int" else axes
        rs = [f"r{k}" for k in range(naxes)]
        for k in range(naxes):
            ax = "axis" if axes == "int" else f"axis[{k}]"
            lines += [f"    r{k} = {ax} + {ndim} if {ax} < 0 else {ax}",
                      f"    if r{k} < 0 or r{k} >= {ndim}:",
                      f"        raise np.exceptions.AxisError('axis ' + str({ax}) + ' is out of bounds for array of dimension {ndim}')"]
            for j in range(k):
                lines += [f"    if r{k} == r{j}:", "        raise ValueError(\"duplicate value in 'axis'\")"]
        lines += [f"    p = np.empty({ndim}, dtype=np.int64)", "    j = 0", f"    for d in range({ndim}):",
                  f"        if {' and '.join(f'd != {r}' for r in rs)}:", "            p[j] = d", "            j += 1"]
        lines += [f"    p[{ndim - naxes + k}] = r{k}" for k in range(naxes)]
        lines += [f"    b = np.ascontiguousarray(np.transpose(a, ({', '.join(f'p[{d}]' for d in range(ndim))},)))"]
    nkept = ndim - naxes
    kept = [f"b.shape[{d}]" for d in range(nkept)]
    lines.append(f"    nk = {' * '.join(kept) or '1'}")
    if axes not in (None, "int") and nkept and not name.startswith("nan"):   # NumPy reshapes to (kept..., -1)
        lines += ["    if nk == 0:",
                  "        raise ValueError('cannot reshape array of size 0 into shape with an unknown (-1) dimension')"]
    lines.append(f"    m = b.reshape((nk, {' * '.join(f'b.shape[{d}]' for d in range(nkept, ndim)) or '1'}))")
    qshape = "" if qkind in (None, "scalar") else "q.shape[0], "
    if not name.startswith("nan"):
        lines.append(f"    res = np.{stat}(m, {q}axis=1)")
    else:
        lines += [f"    res = np.empty(({qshape}nk), DTYPE)",
                  "    for k in range(nk):",
                  "        lane = m[k]",
                  "        v = lane[~np.isnan(lane)]" if nan else "        v = lane",
                  "        if v.size == 0:",
                  "            res[..., k] = np.nan",
                  "        else:",
                  f"            res[..., k] = np.{stat}(v{', q' if q else ''})"]
    if keepdims:
        dims = [f"1 if {' or '.join(f'{d} == {r}' for r in rs)} else a.shape[{d}]" for d in range(ndim)]
    else:
        dims = kept
    if not qshape and not dims:
        lines.append("    return res[0]")
    else:
        lines.append(f"    return res.reshape(({qshape}{''.join(f'{x}, ' for x in dims)}))")
    ns = {"np": np, "DTYPE": dtype}
    exec("\n".join(lines), ns)
    return ns[name]


def _choose_order_stats(values, kwnames, name, keepdims):
    stat = "median" if name.endswith("median") else "percentile"
    params = _ORDER_PARAMS[stat]
    npos = len(values) - len(kwnames)
    given = params[:npos] + list(kwnames)
    if npos > len(params) or not set(given) <= set(params) or len(set(given)) != len(given):
        _refuse(f"np.{name}", "arguments other than " + ", ".join(params))
    arg = {p: values[given.index(p)] for p in given}
    a = arg.get("a")
    if not _is_array(a) or a.dtype.kind not in "biuf":
        _refuse(f"np.{name}", "an argument other than a real array")
    if arg.get("out") is not None or arg.get("method") not in (None, "linear"):
        _refuse(f"np.{name}", "out= or method=")
    if a.dtype.kind == "b" and stat != "median":   # NumPy: TypeError (boolean subtract)
        raise TypeError(f"np.{name} of a boolean array: NumPy's boolean subtract is not supported")
    axis = arg.get("axis")
    if axis is None:
        axes = None
    elif isinstance(axis, int) and not isinstance(axis, bool):
        axes = "int"
    elif isinstance(axis, tuple) and all(isinstance(x, int) and not isinstance(x, bool) for x in axis):
        if len(axis) > a.ndim:
            raise ValueError(f"np.{name}: {len(axis)} axes for an array of {a.ndim} dimensions")
        axes = len(axis)
    else:
        _refuse(f"np.{name}", "axis other than None, an int or a tuple of ints")
    qkind, qv = None, None
    if stat != "median":
        if "q" not in arg:
            raise TypeError(f"np.{name}() needs q")
        qv = arg["q"]
        if isinstance(qv, (int, float)) and not isinstance(qv, complex):
            qkind = "scalar"
        elif _is_array(qv) and qv.ndim == 1 and qv.dtype.kind in "iuf":
            qkind = "array"
        elif isinstance(qv, (list, tuple)) and len(qv) and all(isinstance(x, (int, float)) for x in qv):
            qkind, qv = "sequence", np.array(qv)
        else:
            _refuse(f"np.{name}", "q other than a number or a 1-d array, list or tuple of numbers")
    # the result's dtype, as NumPy computes it for these kinds of arguments
    ex = np.ones(3, a.dtype)
    nan = name.startswith("nan") and a.dtype.kind == "f"   # integers hold no NaN
    qex = None if qv is None else np.zeros(1, qv.dtype) if _is_array(qv) else type(qv)(0)
    dtype = (np.median(ex) if stat == "median" else getattr(np, name.removeprefix("nan"))(ex, qex)).dtype.type
    return _order_stats_source(name, a.ndim, axes, qkind, keepdims, nan, dtype)


# ---- sorting complex arrays ---------------------------------------------------------------------

def _argsort_complex_1d(z):
    # NumPy's order: values without NaN lexicographically by (real, imag), then those with a NaN
    # imaginary part by real, a NaN real part by imaginary, both NaN; stable throughout. Two
    # stable sorts give the lexicographic order (NaN parts last in each), a third the classes.
    re = z.real
    im = z.imag
    i1 = np.argsort(im, kind="stable")
    i2 = i1[np.argsort(re[i1], kind="stable")]
    cls = np.isnan(im[i2]) * 1 + np.isnan(re[i2]) * 2   # 0 no NaN, 1 imag, 2 real, 3 both
    return i2[np.argsort(cls, kind="stable")]


def _lanes(a, axis):
    # a's lanes along axis as the rows of a contiguous 2-d copy (NumPy's AxisError when axis is
    # out of range), and the shape they come back in once moved last
    nd = a.ndim
    if axis < -nd or axis >= nd:
        raise np.exceptions.AxisError("axis " + str(axis) + " is out of bounds for array of dimension " + str(nd))
    b = np.ascontiguousarray(np.swapaxes(a, axis, nd - 1))
    rows = 1   # (-1, n) cannot be inferred when n is 0 (NumPy's ValueError): the other sizes' product
    for k in range(nd - 1):
        rows *= b.shape[k]
    return b.reshape((rows, b.shape[nd - 1])), b.shape


def _argsort_complex(a, axis=-1, kind=None):
    c, shape = _lanes_c(a, axis)
    out = np.empty(c.shape, dtype=np.int64)
    for r in range(c.shape[0]):
        out[r] = _argsort_complex_1d_c(c[r])
    return np.swapaxes(out.reshape(shape), axis, a.ndim - 1)


def _sort_complex(a, axis=-1, kind=None):
    c, shape = _lanes_c(a, axis)
    out = np.empty_like(c)
    for r in range(c.shape[0]):
        out[r] = c[r][_argsort_complex_1d_c(c[r])]
    return np.swapaxes(out.reshape(shape), axis, a.ndim - 1)


def _argsort_complex_flat(a, axis=None, kind=None):
    return _argsort_complex_1d_c(a.ravel())


def _sort_complex_flat(a, axis=None, kind=None):
    flat = a.ravel()
    return flat[_argsort_complex_1d_c(flat)]


def _choose_sort_complex(values, kwnames, arg):
    name = "np.argsort" if arg else "np.sort"
    npos = len(values) - len(kwnames)
    given = ["a", "axis", "kind"][:npos] + list(kwnames)
    if not set(given) <= {"a", "axis", "kind"} or values[0].ndim == 0:
        _refuse(name, "order=, stable= or a 0-d array")
    if "axis" in given and values[given.index("axis")] is None:
        return _argsort_complex_flat if arg else _sort_complex_flat
    return _argsort_complex if arg else _sort_complex


COMPLEX_SORT = {"sort": Impl("np.sort", lambda v, k: _choose_sort_complex(v, k, False)),
                "argsort": Impl("np.argsort", lambda v, k: _choose_sort_complex(v, k, True))}


# NumPy functions compiled code takes in C (typeinfer/) and, in these forms, from here
# (typeinfer/nplib.c, order_stats_table)
_ORDER_NAMES = ("median", "percentile", "quantile", "nanmedian", "nanpercentile", "nanquantile")
ORDER_STATS = {name: Impl(f"np.{name}", lambda v, k, name=name: _choose_order_stats(v, k, name, False)) for name in _ORDER_NAMES}
ORDER_STATS_KEEPDIMS = {name: Impl(f"np.{name}", lambda v, k, name=name: _choose_order_stats(v, k, name, True))
                        for name in _ORDER_NAMES}


# compiled helpers the implementations call
_isclose_c = njit(_isclose)
_round_float_c = njit(_round_float)
_nan_to_num_float_c = njit(_nan_to_num_float)
_isin_array_c = njit(_isin_array)
_finite_part_c = njit(_finite_part)
_fix_parts_c = njit(_fix_parts)
_nan_to_num_complex_c = njit(_nan_to_num_complex_array)
_tri_indices_c = njit(_tri_indices)
_kth_check_c = njit(_kth_check)
_nan_last_lt_c = njit(_nan_last_lt)
_swap_both_c = njit(_swap_both)
_quickselect_c = njit(_quickselect)
_argsort_complex_1d_c = njit(_argsort_complex_1d)
_lanes_c = njit(_lanes)
_delete_array_c = njit(_delete_array)
_partition_array_c = njit(_partition_array)
_argpartition_array_c = njit(_argpartition_array)
_argpartition_int_c = njit(_argpartition_int)
_insert_c = njit(_insert)
_insert_array_c = njit(_insert_array)

IMPLS = {
    np.isclose: Impl("np.isclose", _plain(_isclose)),
    np.allclose: Impl("np.allclose", _plain(_allclose)),
    np.array_equal: Impl("np.array_equal", _choose_array_equal),
    np.round: Impl("np.round", _choose_round),
    np.around: Impl("np.around", _choose_round),
    np.logspace: Impl("np.logspace", _plain(_logspace)),
    np.tri: Impl("np.tri", _choose_tri),
    np.vander: Impl("np.vander", _choose_vander),
    np.isin: Impl("np.isin", _choose_isin),
    np.take: Impl("np.take", _choose_take),
    np.unravel_index: Impl("np.unravel_index", _choose_unravel),
    np.polyval: Impl("np.polyval", _choose_polyval),
    np.kron: Impl("np.kron", _choose_kron),
    np.cross: Impl("np.cross", _choose_cross),
    np.angle: Impl("np.angle", _choose_angle),
    np.frombuffer: Impl("np.frombuffer", _choose_frombuffer),
    np.select: Impl("np.select", _choose_select),
    np.nan_to_num: Impl("np.nan_to_num", _choose_nan_to_num),
    np.append: ConstImpl("np.append", _choose_append),
    np.copyto: Impl("np.copyto", _choose_copyto),
    np.delete: Impl("np.delete", _choose_delete),
    np.insert: Impl("np.insert", _choose_insert),
    np.asfortranarray: Impl("np.asfortranarray", _choose_asfortran),
    np.trapezoid: ConstImpl("np.trapezoid", _choose_trapezoid),
    np.ediff1d: Impl("np.ediff1d", _choose_ediff1d),
    np.tril_indices: Impl("np.tril_indices", _plain(_tril_indices)),
    np.triu_indices: Impl("np.triu_indices", _plain(_triu_indices)),
    np.tril_indices_from: Impl("np.tril_indices_from", _choose_indices_from(_tril_indices_from, "np.tril_indices_from")),
    np.triu_indices_from: Impl("np.triu_indices_from", _choose_indices_from(_triu_indices_from, "np.triu_indices_from")),
    np.partition: Impl("np.partition", lambda v, k: _choose_partition(v, k, False)),
    np.argpartition: Impl("np.argpartition", lambda v, k: _choose_partition(v, k, True)),
    np.roots: Impl("np.roots", _choose_roots),
    np.ndenumerate: Impl("np.ndenumerate", _choose_ndenumerate),
    np.ndindex: Impl("np.ndindex", _choose_ndindex),
}
