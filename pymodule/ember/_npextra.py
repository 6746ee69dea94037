"""np.histogram2d, np.block and np.nditer in compiled code, from Python implementations.

Entries join ember/_nplib.py's IMPLS (pymodule/driver.c reads the tables) and follow its protocol:
an `Impl` picks, from example values of the call's arguments and its keyword names, the plain
implementation for that form (generated per form where the form decides the code); any other
form raises a TypeError here, which the compile reports at the call's line.

Written from NumPy's documented behaviour; no NumPy source is copied. Results are NumPy's to the
bit (tests/test_np_funcs.py compares them).
"""
import numpy as np

from . import njit
from ._nplib import Impl, _is_array, _refuse
from ._npfuncs import _positional_or_keyword, _source


# ---- np.histogram2d -----------------------------------------------------------------------------

def _count_edges(v, bins, axis, lo, hi, ranged):
    # NumPy's edges for `bins` equal bins over the range (given, else the data's; widened by
    # 0.5 each side when empty)
    if bins < 1:
        raise ValueError(f"`bins[{axis}]` must be positive, when an integer")
    if ranged:
        first = lo
        last = hi
        if first > last:
            raise ValueError("max must be larger than min in range parameter.")
        if not (np.isfinite(first) and np.isfinite(last)):
            raise ValueError("supplied range is not finite")
    elif v.size == 0:
        first = 0.0
        last = 1.0
    else:
        first = v.min() * 1.0
        last = v.max() * 1.0
        if not (np.isfinite(first) and np.isfinite(last)):
            raise ValueError("autodetected range is not finite")
    if first == last:
        first -= 0.5
        last += 0.5
    return np.linspace(first, last, bins + 1)


def _given_edges(edges, axis):
    if edges.size <= 2:   # (NumPy takes an array of one or two items as per-axis counts)
        raise ValueError("histogram2d: bins as an array of 1 or 2 items: pass a tuple of counts")
    e = edges.copy()
    for i in range(e.size - 1):
        if e[i] > e[i + 1]:
            raise ValueError(f"`bins[{axis}]` must be monotonically increasing, when an array")
    return e


def _bin_of(edges, v):
    # NumPy's bin of v: searchsorted right, the last edge in the last bin; 0 and len(edges):
    # outside
    i = np.searchsorted(edges, v, side="right")
    if v == edges[edges.size - 1]:
        i -= 1
    return i


def _hist2d_counts(x, y, ex, ey, weights, weighted, density):
    if x.shape[0] != y.shape[0]:
        raise ValueError("x and y must have the same length.")
    if weighted and weights.shape[0] != x.shape[0]:
        raise ValueError("The weights and list don't have the same length.")
    nx = ex.size - 1
    ny = ey.size - 1
    h = np.zeros((nx, ny))
    for k in range(x.shape[0]):
        i = _bin_of_c(ex, x[k])
        j = _bin_of_c(ey, y[k])
        if 1 <= i <= nx and 1 <= j <= ny:
            if weighted:
                h[i - 1, j - 1] += weights[k]
            else:
                h[i - 1, j - 1] += 1.0
    if density:
        s = h.sum()
        h = h / np.diff(ex).reshape((nx, 1))
        h = h / np.diff(ey).reshape((1, ny))
        h /= s
    return h


def _hist2d_source(bins_kind, ranged, weighted, common):
    """bins_kind: 'int' (both axes), 'edges' (one array for both), or a pair of 'int'/'edges' (a
    tuple); common: the samples' common dtype, as NumPy stacks x and y."""
    kinds = (bins_kind, bins_kind) if isinstance(bins_kind, str) else bins_kind
    lines = ["def histogram2d(x, y, bins=10, range=None, density=None, weights=None):",
             f"    xs = x.astype(np.{common})",
             f"    ys = y.astype(np.{common})"]
    for axis, (v, kind) in enumerate(zip(("xs", "ys"), kinds)):
        b = "bins" if isinstance(bins_kind, str) else f"bins[{axis}]"
        if kind == "edges":
            lines.append(f"    e{axis} = _given_edges_c({b}, {axis})")
        else:
            lo, hi = (f"range[{axis}][0]", f"range[{axis}][1]") if ranged else ("0.0", "1.0")
            lines.append(f"    e{axis} = _count_edges_c({v}, {b}, {axis}, {lo}, {hi}, {ranged})")
    lines += [f"    h = _hist2d_counts_c(xs, ys, e0, e1, {'weights' if weighted else 'xs'}, {weighted}, density is not None and density)",
              "    return h, e0, e1"]
    return _source("histogram2d", lines, globals())


def _choose_histogram2d(values, kwnames):
    names = ("x", "y", "bins", "range", "density", "weights")
    given = _positional_or_keyword(values, kwnames, names)
    if not set(given) <= set(names) or len(given) != len(set(given)) or len(values) < 2:
        _refuse("np.histogram2d", "these arguments")
    bound = dict(zip(given, values))
    x, y = bound["x"], bound["y"]
    for v in (x, y):
        if not _is_array(v) or v.ndim != 1 or v.dtype.kind not in "biuf" or v.dtype == np.float32:
            _refuse("np.histogram2d", "x and y other than 1-d float64 or integer arrays")
    common = "float64" if "f" in (x.dtype.kind, y.dtype.kind) else "int64"

    def kind_of(b):
        if isinstance(b, int) and not isinstance(b, bool):
            return "int"
        if _is_array(b) and b.ndim == 1 and b.dtype.kind in "iuf":
            return "edges"
        _refuse("np.histogram2d", "bins other than an int, a 1-d array or a tuple of two of them")
    b = bound.get("bins", 10)
    bins_kind = tuple(kind_of(v) for v in b) if isinstance(b, tuple) else kind_of(b)
    if isinstance(bins_kind, tuple) and len(bins_kind) != 2:
        _refuse("np.histogram2d", "a tuple of bins other than a pair")
    r = bound.get("range")
    ranged = r is not None
    if ranged and not (isinstance(r, tuple) and len(r) == 2 and all(
            isinstance(p, tuple) and len(p) == 2 and all(isinstance(q, (int, float)) for q in p) for p in r)):
        _refuse("np.histogram2d", "range other than a pair of (min, max) pairs")
    d = bound.get("density")
    if d is not None and not isinstance(d, bool):
        _refuse("np.histogram2d", "density other than a bool")
    w = bound.get("weights")
    if w is not None and not (_is_array(w) and w.ndim == 1 and w.dtype.kind in "biuf"):
        _refuse("np.histogram2d", "weights other than a 1-d real array")
    return _hist2d_source(bins_kind, ranged, w is not None, common)


# ---- np.block ------------------------------------------------------------------------------------
# Nested lists of arrays or numbers, all leaves equally deep: each leaf gets leading 1s up to the
# result's ndim, max(depth, the leaves' ndims); the innermost lists join along the last axis, the
# next ones out along the one before, and so on. A list written in the call ([[a, b], [c, d]])
# reaches here as a tuple, its shape known: its joins are unrolled (leaves of any ndim and dtype);
# a list value (its length known at run time) joins through a compiled loop (_concat).

_CONCATS = {}


def _concat(nd, axis):
    """A compiled function joining a list of nd-d arrays along axis, with NumPy's ValueErrors for
    an empty list and for other dimensions that differ."""
    key = (nd, axis)
    if key not in _CONCATS:
        others = [d for d in range(nd) if d != axis]
        mismatch = " or ".join(f"p.shape[{d}] != first.shape[{d}]" for d in others) or "False"
        shape = ", ".join("total" if d == axis else f"first.shape[{d}]" for d in range(nd))
        at = ", ".join("off:off + k" if d == axis else ":" for d in range(nd))
        lines = ["def concat(parts):",
                 "    if len(parts) == 0:",
                 "        raise ValueError('List at arrays cannot be empty')",
                 "    first = parts[0]",
                 "    total = 0",
                 "    for p in parts:",
                 f"        if {mismatch}:",
                 "            raise ValueError('all the input array dimensions except for the concatenation axis must match exactly')",
                 f"        total += p.shape[{axis}]",
                 f"    out = np.empty(({shape},), dtype=first.dtype)",
                 "    off = 0",
                 "    for p in parts:",
                 f"        k = p.shape[{axis}]",
                 f"        out[{at}] = p",
                 "        off += k",
                 "    return out"]
        _CONCATS[key] = njit(_source("concat", lines, globals()))
    return _CONCATS[key]


def _leaves(v, depth, out):
    """(depth, ndim or None for a number) of every leaf of example v."""
    if isinstance(v, (list, tuple)):
        if not v:
            out.append((depth + 1, "empty"))
        for x in v:
            _leaves(x, depth + 1, out)
    elif _is_array(v):
        out.append((depth, v.ndim))
    elif isinstance(v, (bool, int, float, complex)):
        out.append((depth, None))
    else:
        _refuse("np.block", f"blocks of {type(v).__name__}")
    return out


def _block_expr(v, access, level, depth, nd, names):
    """The expression of np.block's part v (reached by `access`) at nesting level `level`."""
    if isinstance(v, tuple):
        parts = "".join(_block_expr(x, f"{access}[{i}]", level + 1, depth, nd, names) + ", " for i, x in enumerate(v))
        return f"np.concatenate(({parts}), axis={nd - depth + level})"
    if isinstance(v, list):
        name = f"concat{len(names)}"
        names[name] = _concat(nd, nd - depth + level)
        return f"{name}([{_block_expr(v[0], f'x{level}', level + 1, depth, nd, names)} for x{level} in {access}])"
    if not _is_array(v):
        return f"np.full(({'1, ' * nd}), {access})"
    return access if v.ndim == nd else f"{access}[{'None, ' * (nd - v.ndim)}...]"


def _choose_block(values, kwnames):
    if len(values) != 1 or kwnames:
        _refuse("np.block", "these arguments")
    arrays = values[0]
    if not isinstance(arrays, (list, tuple)):
        _refuse("np.block", "arrays other than a list (NumPy's nested lists of arrays)")
    leaves = _leaves(arrays, 0, [])
    depths = {d for d, _ in leaves}
    if any(nd == "empty" for _, nd in leaves):
        message = "List at arrays cannot be empty"
    elif len(depths) > 1:
        message = "List depths are mismatched"
    else:
        depth = depths.pop()
        nd = max([depth] + [k for _, k in leaves if k is not None])
        names = {}
        expr = _block_expr(arrays, "arrays", 0, depth, nd, names)
        return _source("block", ["def block(arrays):", f"    return {expr}"], {**globals(), **names})
    return _source("block", ["def block(arrays):", f"    raise ValueError({message!r})", "    return np.empty(0)"], globals())


# ---- np.nditer ----------------------------------------------------------------------------------
# The read-only loop `for x in np.nditer(a)`, or `for x, y in np.nditer((a, b))` over operands
# broadcast together: the elements in NumPy's order 'K', which follows memory. An axis every
# operand steps backwards along (none forwards) is walked reversed; the axes are ordered by
# NumPy's stable insertion (innermost first, from C order): an axis moves inward past another
# where every operand that steps along both (a length-1 or broadcast axis does not step) steps
# less along it. The loop gets the elements as numbers (NumPy's are 0-d arrays), a tuple of
# them per step for several operands.

def _k_order(strides):
    # strides: (operands, axes), 0 where an operand does not step; the axes outermost first
    nop, nd = strides.shape
    perm = np.arange(nd)[::-1].copy()
    for i0 in range(1, nd):
        ax0 = perm[i0]
        pos = i0
        for i1 in range(i0 - 1, -1, -1):
            ax1 = perm[i1]
            ambiguous = True
            swap = False
            for op in range(nop):
                s0 = strides[op, ax0]
                s1 = strides[op, ax1]
                if s0 != 0 and s1 != 0:
                    if abs(s1) <= abs(s0):
                        swap = False
                    elif ambiguous:
                        swap = True
                    ambiguous = False
            if not ambiguous:
                if swap:
                    pos = i1
                else:
                    break
        for k in range(i0, pos, -1):
            perm[k] = perm[k - 1]
        perm[pos] = ax0
    return perm[::-1].copy()


def _reversed_axes(strides):
    # the axes some operand steps backwards along and none forwards
    nop, nd = strides.shape
    back = np.zeros(nd, dtype=np.bool_)
    for d in range(nd):
        neg = False
        pos = False
        for op in range(nop):
            neg = neg or strides[op, d] < 0
            pos = pos or strides[op, d] > 0
        back[d] = neg and not pos
    return back


def _nditer_source(nd, nop, several):
    index = ", ".join(f"idx[{d}]" for d in range(nd))
    ops = [f"np.asarray(op[{i}])" for i in range(nop)] if several else ["op"]
    lines = ["def nditer(op):"]
    if several:
        lines.append(f"    shp = np.broadcast_shapes({', '.join(o + '.shape' for o in ops)})")
        lines += [f"    b{i} = np.broadcast_to({o}, shp)" for i, o in enumerate(ops)]
    else:
        lines += ["    shp = op.shape", "    b0 = op"]
    lines += ["    if b0.size == 0:",
              "        raise ValueError('Iteration of zero-sized operands is not enabled')",
              f"    strides = np.zeros(({nop}, {nd}), dtype=np.int64)"]
    for i in range(nop):
        lines += [f"    if shp[{d}] != 1:\n        strides[{i}, {d}] = b{i}.strides[{d}]" for d in range(nd)]
    lines += ["    perm = _k_order_c(strides)",
              "    back = _reversed_axes_c(strides)"]
    lines += [f"    o{i} = np.empty(b0.size, dtype=b{i}.dtype)" for i in range(nop)]
    lines += [f"    idx = np.zeros({nd}, dtype=np.int64)", "    k = 0"]
    for m in range(nd):
        ind = "    " * (m + 1)
        lines += [f"{ind}p{m} = perm[{m}]",
                  f"{ind}for j{m} in range(shp[p{m}]):",
                  f"{ind}    idx[p{m}] = shp[p{m}] - 1 - j{m} if back[p{m}] else j{m}"]
    ind = "    " * (nd + 1)
    lines += [f"{ind}o{i}[k] = b{i}[{index}]" for i in range(nop)]
    lines.append(f"{ind}k += 1")
    if several:
        lines.append(f"    return [({', '.join(f'o{i}[k]' for i in range(nop))},) for k in range(b0.size)]")
    else:
        lines.append("    return o0")
    return _source("nditer", lines, globals())


def _choose_nditer(values, kwnames):
    op = values[0] if len(values) == 1 and not kwnames else None
    several = isinstance(op, tuple)
    arrays = tuple(np.asarray(a) if isinstance(a, (int, float, complex, np.generic)) else a
                   for a in (op if several else (op,)))   # (numbers, in a tuple: 0-d operands)
    if op is None or not arrays or not all(_is_array(a) for a in arrays) or max(a.ndim for a in arrays) == 0 or \
            not (several or _is_array(op)):
        _refuse("np.nditer", "anything but an array or a tuple of arrays, of 1 or more dimensions (flags, "
                "op_flags, order=)")
    return _nditer_source(max(a.ndim for a in arrays), len(arrays), several)


_k_order_c = njit(_k_order)
_reversed_axes_c = njit(_reversed_axes)
_count_edges_c = njit(_count_edges)
_given_edges_c = njit(_given_edges)
_bin_of_c = njit(_bin_of)
_hist2d_counts_c = njit(_hist2d_counts)


IMPLS = {
    np.histogram2d: Impl("np.histogram2d", _choose_histogram2d),
    np.block: Impl("np.block", _choose_block),
    np.nditer: Impl("np.nditer", _choose_nditer),
}
