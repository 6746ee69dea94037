"""Differential testing against CPython: the helper every test file uses.

A test hands a plain Python function and its arguments to `check`. The helper runs the
function twice, once in CPython (the reference) and once compiled by the backend under test,
and compares what came back:

  - int and bool exactly, and the result's Python type must match (int vs bool vs float);
  - float within rel 1e-12 / abs 1e-300, NaN equal to NaN, -0.0 distinct from 0.0,
    infinities exactly;
  - complex component-wise like float; tuples element by element, recursively;
  - if CPython raises, the compiled call must raise the same exception type, and the same
    args when every arg is a string constant written in the user's code (a raise or assert
    message); messages CPython makes up itself ("division by zero") are not compared.

The reference run replaces every compiled callee the function reaches through its module
globals by its plain Python original, so a broken compiled callee cannot make the reference
agree with it.

Unaligned sweep: env EMBER_TEST_UNALIGNED=1 moves every array `layouts` makes (elements wider
than a byte) to an odd address, same strides, so the array tests run over unaligned arrays.

Backend: env EMBER_TEST_BACKEND, "ember" (default) or "numba". The numba backend only serves
to validate the tests themselves against a mature compiler; `ON_NUMBA` lets a test mark the
places where ember's documented semantics differ from numba's.

Compiled dispatchers are cached per (function, options), so a test parametrised over values
compiles once per distinct argument-type signature.

NumPy arrays (see "arrays" below for the details):

  - an ndarray result matches when dtype, shape and every element match: exactly for bool
    and integer dtypes, by the float rule above for float and complex ones (component-wise;
    float32/complex64 elements with the looser REL_TOL_32 / ABS_TOL_32); `rtol=`/`atol=` of
    `check` override the float tolerances and `shape_only=True` compares dtype and shape only
    (for np.empty). The memory layout of a result is not compared;
  - a NumPy scalar matches a Python or NumPy scalar of the same kind (bool, int, float,
    complex, str) and value: the Python type need not match, because numba returns Python scalars
    (an element of a float32 array comes back as a Python float) where NumPy returns np.float32;
    a float kind compares with the tolerance of the NumPy dtype involved;
  - each run gets its own copy of every array argument, with the same shape, strides,
    dtype, alignment and read-only flag (a view of a base array is rebuilt as the same view
    of a copy of that base; arguments that share memory still share it); after the runs the
    copies must agree, base arrays included, so in-place writes are compared too;
  - `no_leaks` is an autouse fixture for array test files (import it into the module): the
    runtime's count of live memory blocks must not grow across a test.
"""

import gc
import math
import os
import sys
import types

import pytest

try:
    import numpy as np
except ImportError:  # the scalar tests do not need NumPy
    np = None

BACKEND = os.environ.get("EMBER_TEST_BACKEND", "ember").strip().lower()
UNALIGNED_SWEEP = os.environ.get("EMBER_TEST_UNALIGNED", "") not in ("", "0")
ON_NUMBA = BACKEND == "numba"

if BACKEND == "ember":
    import ember as impl
    import ember.errors as _errors

    errors = types.SimpleNamespace(
        EmberError=_errors.EmberError,
        TypingError=_errors.TypingError,
        UnsupportedError=_errors.UnsupportedError,
    )
elif BACKEND == "numba":
    import numba as impl
    from numba.core import errors as _errors

    errors = types.SimpleNamespace(
        EmberError=_errors.NumbaError,
        TypingError=_errors.TypingError,
        UnsupportedError=_errors.UnsupportedError,
    )
else:
    raise RuntimeError(f"EMBER_TEST_BACKEND must be 'ember' or 'numba', not {BACKEND!r}")

#: The backend's decorator, for callees that compiled code calls (`@njit def helper...`).
njit = impl.njit

REL_TOL = 1e-12
ABS_TOL = 1e-300
#: float32 / complex64 elements and scalars: about 80 units in the last place, so NumPy's own
#: SIMD float32 kernels and a compiler's libm (or float64-then-round) agree.
REL_TOL_32 = 1e-5
ABS_TOL_32 = 1e-38
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


def numba_xfail(reason):
    """Mark a test (or a pytest.param) that follows ember's semantics where numba's differ."""
    return pytest.mark.xfail(ON_NUMBA, reason=f"numba differs: {reason}", strict=True)


def ember_gap(reason):
    """A case ember does not handle yet (a known gap listed in docs/differences.md, "Not yet"), strict on ember."""
    return pytest.mark.xfail(not ON_NUMBA, reason=f"not yet in ember: {reason}", strict=True)


def numba_leaks(reason):
    """Decorate a test whose compiled code numba leaks runtime memory in (it does not free on
    the paths that raise): `no_leaks` then checks it on ember only."""
    def mark(test):
        test.numba_leaks = reason
        return test
    return mark


def numba_skip(reason):
    return pytest.mark.skipif(ON_NUMBA, reason=f"not checkable under numba: {reason}")


def wrap64(v):
    """v reduced to int64 the way machine arithmetic wraps: ((v + 2**63) mod 2**64) - 2**63."""
    return ((v + 2**63) % 2**64) - 2**63


# ---------------------------------------------------------------------------- compiling

_compiled = {}


def is_dispatcher(obj):
    return callable(obj) and hasattr(obj, "py_func") and not isinstance(obj, types.FunctionType)


def jit(fn, **opts):
    """fn compiled lazily by the backend's njit(**opts); one dispatcher per (fn, opts).

    A function that already is a dispatcher (a module-level @njit callee) is used as it is.
    """
    if is_dispatcher(fn) and not opts:
        return fn
    key = (fn, tuple(sorted((k, repr(v)) for k, v in opts.items())))
    disp = _compiled.get(key)
    if disp is None:
        disp = impl.njit(**opts)(fn)
        _compiled[key] = disp
    return disp


def pure(fn):
    """A copy of fn whose module-level compiled callees run as plain Python.

    Every dispatcher in fn's module globals is swapped for a function with the same code over
    one shared copy of the globals, so recursion and chains of callees stay in CPython too.
    """
    if is_dispatcher(fn):
        fn = fn.py_func
    g = dict(fn.__globals__)
    for name, val in list(g.items()):
        if is_dispatcher(val):
            py = val.py_func
            home = g if py.__globals__ is fn.__globals__ else py.__globals__
            g[name] = _clone(py, home)
    return _clone(fn, g)


def _clone(fn, g):
    new = types.FunctionType(fn.__code__, g, fn.__name__, fn.__defaults__, fn.__closure__)
    new.__kwdefaults__ = fn.__kwdefaults__
    return new


def user_constants(fn):
    """The string constants written in fn's code, its nested code and its global callees."""
    out = set()
    seen = set()

    def visit(code, g):
        if code in seen:
            return
        seen.add(code)
        for c in code.co_consts:
            if isinstance(c, str):
                out.add(c)
            elif isinstance(c, types.CodeType):
                visit(c, g)
            elif isinstance(c, tuple):
                out.update(x for x in c if isinstance(x, str))
        for name in code.co_names:
            val = g.get(name)
            if is_dispatcher(val):
                val = val.py_func
            if isinstance(val, types.FunctionType):
                visit(val.__code__, val.__globals__)
            elif isinstance(val, str):
                out.add(val)

    if is_dispatcher(fn):
        fn = fn.py_func
    visit(fn.__code__, fn.__globals__)
    return out


# ---------------------------------------------------------------------------- comparing


def float_same(e, g, rtol=REL_TOL, atol=ABS_TOL):
    if math.isnan(e) or math.isnan(g):
        return math.isnan(e) and math.isnan(g)
    if math.isinf(e) or math.isinf(g):
        return e == g
    if e == 0.0 and g == 0.0:
        return math.copysign(1.0, e) == math.copysign(1.0, g)
    return abs(e - g) <= max(rtol * abs(e), atol)


def _tolerances(dtype, rtol, atol):
    """The float tolerances for elements of dtype, unless the caller overrides them."""
    narrow = dtype is not None and np.dtype(dtype).itemsize <= (8 if np.dtype(dtype).kind == "c" else 4)
    return (rtol if rtol is not None else (REL_TOL_32 if narrow else REL_TOL),
            atol if atol is not None else (ABS_TOL_32 if narrow else ABS_TOL))


_SCALAR_KINDS = (("bool", bool), ("int", int), ("float", float), ("complex", complex), ("str", str))


def _scalar_kind(x):
    """'bool' 'int' 'float' 'complex' 'str' for a Python or NumPy scalar (np.str_, an element of a
    string array, matches a str), else None."""
    if np is not None and isinstance(x, np.generic):
        k = x.dtype.kind
        return {"b": "bool", "i": "int", "u": "int", "f": "float", "c": "complex", "U": "str"}.get(k)
    for name, t in _SCALAR_KINDS:
        if type(x) is t:
            return name
    return None


def _show(v):
    """v for a message: small arrays in full with their layout, large ones summarised."""
    if np is not None and isinstance(v, np.ndarray):
        f = v.flags
        layout = "C" if f.c_contiguous else "F" if f.f_contiguous else "A"
        ro = "" if f.writeable else ",readonly"
        if v.size <= 12:
            body = np.array2string(v, separator=", ", threshold=12).replace("\n", "")
            return f"array({body}, {v.dtype}, {layout}{ro})"
        return f"array({v.dtype}{list(v.shape)}, {layout}{ro})"
    if isinstance(v, tuple):
        inner = ", ".join(_show(x) for x in v)
        return f"({inner},)" if len(v) == 1 else f"({inner})"
    return repr(v)


def _float_ok(e, g, rtol, atol):
    """Element-wise float_same for float arrays of one shape (computed in float64)."""
    e = np.asarray(e, dtype=np.float64)
    g = np.asarray(g, dtype=np.float64)
    with np.errstate(invalid="ignore", over="ignore"):
        en, gn = np.isnan(e), np.isnan(g)
        ei, gi = np.isinf(e), np.isinf(g)
        zero = (e == 0.0) & (g == 0.0)
        close = np.abs(e - g) <= np.maximum(rtol * np.abs(e), atol)
        return np.where(en | gn, en & gn,
                        np.where(ei | gi, e == g,
                                 np.where(zero, np.signbit(e) == np.signbit(g), close)))


def array_mismatch(expected, got, rtol=None, atol=None, shape_only=False):
    """None when ndarray got matches ndarray expected (dtype, shape, elements), else why."""
    if expected.dtype != got.dtype:
        return f"expected dtype {expected.dtype}, got {got.dtype}: {_show(expected)} vs {_show(got)}"
    if expected.shape != got.shape:
        return f"expected shape {expected.shape}, got {got.shape}: {_show(expected)} vs {_show(got)}"
    if shape_only or expected.size == 0:
        return None
    kind = expected.dtype.kind
    if kind in "biu":
        bad = expected != got
    elif kind in "fc":
        r, a = _tolerances(expected.dtype, rtol, atol)
        if kind == "f":
            bad = ~_float_ok(expected, got, r, a)
        else:
            bad = ~(_float_ok(expected.real, got.real, r, a) & _float_ok(expected.imag, got.imag, r, a))
    else:
        bad = ~np.asarray(expected == got, dtype=bool)
    bad = np.asarray(bad)
    if not bad.any():
        return None
    first = tuple(int(i) for i in np.argwhere(bad)[0])
    return (f"{int(bad.sum())} of {expected.size} elements differ, first at {list(first)}: "
            f"expected {expected[first]!r}, got {got[first]!r} ({_show(expected)} vs {_show(got)})")


def mismatch(expected, got, rtol=None, atol=None, shape_only=False):
    """None when got matches expected under the rules above, else a description."""
    if np is not None and (isinstance(expected, np.ndarray) or isinstance(got, np.ndarray)):
        if not (isinstance(expected, np.ndarray) and isinstance(got, np.ndarray)):
            return f"expected {_show(expected)}, got {_show(got)}"
        return array_mismatch(expected, got, rtol, atol, shape_only)
    if np is not None and (isinstance(expected, np.generic) or isinstance(got, np.generic)):
        ke, kg = _scalar_kind(expected), _scalar_kind(got)
        if ke is None or ke != kg:
            return (f"expected {ke or type(expected).__name__} {expected!r}, "
                    f"got {kg or type(got).__name__} {got!r}")
        dt = expected.dtype if isinstance(expected, np.generic) else got.dtype
        e = expected.item() if isinstance(expected, np.generic) else expected
        g = got.item() if isinstance(got, np.generic) else got
        r, a = _tolerances(dt, rtol, atol)
        if ke == "float":
            ok = float_same(float(e), float(g), r, a)
        elif ke == "complex":
            e, g = complex(e), complex(g)
            ok = float_same(e.real, g.real, r, a) and float_same(e.imag, g.imag, r, a)
        else:
            ok = e == g
        return None if ok else f"expected {expected!r}, got {got!r}"
    te, tg = type(expected), type(got)
    if te is not tg:
        return f"expected {te.__name__} {expected!r}, got {tg.__name__} {got!r}"
    r = rtol if rtol is not None else REL_TOL
    a = atol if atol is not None else ABS_TOL
    if te is float:
        return None if float_same(expected, got, r, a) else f"expected {expected!r}, got {got!r}"
    if te is complex:
        ok = float_same(expected.real, got.real, r, a) and float_same(expected.imag, got.imag, r, a)
        return None if ok else f"expected {expected!r}, got {got!r}"
    if te is dict:
        if list(expected) != list(got):
            return f"expected dict with keys {list(expected)}, got {list(got)}"
        for k in expected:
            m = mismatch(expected[k], got[k], rtol, atol, shape_only)
            if m:
                return f"[{k!r}]: {m}"
        return None
    if issubclass(te, (tuple, list)):   # (a namedtuple too: its class matched above)
        if len(expected) != len(got):
            return f"expected {te.__name__} of {len(expected)} {_show(expected)}, got {len(got)} {_show(got)}"
        for i, (e, g) in enumerate(zip(expected, got)):
            m = mismatch(e, g, rtol, atol, shape_only)
            if m:
                return f"[{i}]: {m}"
        return None
    return None if expected == got else f"expected {expected!r}, got {got!r}"


def assert_same(expected, got, what="result", **tol):
    """Raise AssertionError unless got matches expected; tol: rtol, atol, shape_only."""
    m = mismatch(expected, got, **tol)
    if m:
        raise AssertionError(f"{what}: {m}")


def _wrap_ints(v):
    if type(v) is int:
        return wrap64(v)
    if type(v) is tuple:
        return tuple(_wrap_ints(x) for x in v)
    return v


# ---------------------------------------------------------------------------- array arguments


def _address(a):
    return a.__array_interface__["data"][0]


def _extent(a):
    """[lo, hi): the bytes a's elements occupy (an empty range for an empty array)."""
    lo = hi = _address(a)
    if a.size == 0:
        return lo, hi
    for n, s in zip(a.shape, a.strides):
        if s < 0:
            lo += (n - 1) * s
        else:
            hi += (n - 1) * s
    return lo, hi + a.itemsize


def _root(a):
    """The last ndarray on a's chain of bases: the array whose memory a views."""
    while isinstance(a.base, np.ndarray):
        a = a.base
    return a


class _Raw:
    """Bytes [lo, hi) of the process's memory as an array-interface object (read, then copied)."""

    def __init__(self, lo, hi):
        self.__array_interface__ = {"shape": (hi - lo,), "typestr": "|u1",
                                    "data": (lo, True), "version": 3}


class ArgCopies:
    """Independent copies of the array arguments of one call, layout preserved.

    Arrays are grouped by the base array whose memory they view; each group's memory (the
    union of the base's bytes and its views' bytes) is copied once into a fresh buffer with the
    same alignment modulo 64, and every array is rebuilt over it with its own offset, shape,
    strides, dtype and read-only flag. So `a[::-1]`, `a[:, 2]`, Fortran arrays and aliasing
    arguments (`f(a, a[1:])`) arrive as they would have. Tuples are copied element-wise.
    """

    def __init__(self, args, kwargs):
        self.args, self.kwargs = args, kwargs
        self.groups = {}  # id(root) -> [root, lo, hi]
        for v in list(args) + list(kwargs.values()):
            self._collect(v)

    def _collect(self, v):
        if isinstance(v, tuple):
            for x in v:
                self._collect(x)
        elif np is not None and isinstance(v, np.ndarray) and v.size:
            root = _root(v)
            lo, hi = _extent(v)
            rlo, rhi = _extent(root)
            if root.size:
                lo, hi = min(lo, rlo), max(hi, rhi)
            g = self.groups.setdefault(id(root), [root, lo, hi])
            g[1], g[2] = min(g[1], lo), max(g[2], hi)

    def make(self):
        """(args, kwargs, bases): fresh copies, and the copied base arrays to compare later."""
        buffers = {}
        for key, (root, lo, hi) in self.groups.items():
            raw = np.empty(hi - lo + 64, np.uint8)
            start = (lo - _address(raw)) % 64
            region = raw[start:start + hi - lo]
            region[:] = np.asarray(_Raw(lo, hi))
            buffers[key] = (region, lo)
        memo = {}

        def rebuild(a):
            if id(a) in memo:
                return memo[id(a)]
            if a.size == 0:
                b = np.empty(a.shape, a.dtype)
            else:
                region, lo = buffers[id(_root(a))]
                b = np.ndarray(a.shape, a.dtype, buffer=region, offset=_address(a) - lo,
                               strides=a.strides)
            b.flags.writeable = a.flags.writeable
            memo[id(a)] = b
            return b

        def copy(v):
            if isinstance(v, tuple):   # a namedtuple stays one
                items = [copy(x) for x in v]
                return type(v)(*items) if hasattr(type(v), "_fields") else tuple(items)
            if isinstance(v, list):   # each run changes its own list (reflected lists)
                return [copy(x) for x in v]
            if isinstance(v, dict):
                return {k: copy(x) for k, x in v.items()}
            if isinstance(v, set):
                return set(v)
            if np is not None and isinstance(v, np.ndarray):
                return rebuild(v)
            return v

        args = tuple(copy(v) for v in self.args)
        kwargs = {k: copy(v) for k, v in self.kwargs.items()}
        bases = []
        for root, _, _ in self.groups.values():
            b = rebuild(root) if root.size else None
            bases.append(b)
        return args, kwargs, bases


def _array_args(v, path):
    """(path, array) for each array in argument v (tuples searched)."""
    if isinstance(v, (tuple, list)):
        for i, x in enumerate(v):
            yield from _array_args(x, f"{path}[{i}]")
    elif np is not None and isinstance(v, np.ndarray):
        yield path, v


def _compare_args(call, ref, got, tol):
    (ra, rk, rb), (ga, gk, gb) = ref, got
    pairs = [(f"argument {i}", r, g) for i, (r, g) in enumerate(zip(ra, ga))]
    pairs += [(f"argument {k}=", rk[k], gk[k]) for k in rk]
    for what, r, g in pairs:
        if isinstance(r, list):   # in-place changes of a list argument
            m = mismatch(r, g, **tol)
            if m:
                raise AssertionError(f"{call}: {what} after the call: {m}")
        for (path, x), (_, y) in zip(_array_args(r, what), _array_args(g, what)):
            m = mismatch(x, y, **tol)
            if m:
                raise AssertionError(f"{call}: {path} after the call: {m}")
    for i, (x, y) in enumerate(zip(rb, gb)):
        if x is not None:
            m = mismatch(x, y, **tol)
            if m:
                raise AssertionError(f"{call}: memory of base array {i} after the call: {m}")


# ---------------------------------------------------------------------------- checking


def _run(f, args, kwargs):
    try:
        return f(*args, **kwargs), None
    except Exception as e:  # noqa: BLE001 -- every exception is a value to compare
        return None, e


def _describe(exc):
    text = str(exc).strip()
    if len(text) > 400:
        text = text[:400] + " ..."
    return f"{type(exc).__module__}.{type(exc).__qualname__}: {text}"


def check(fn, *args, wrap=False, jit_opts=None, kwargs=None, rtol=None, atol=None,
          shape_only=False):
    """Assert that fn compiled behaves like fn in CPython on args.

    wrap=True: int results (also inside tuples) outside int64 are compared with their wrapped
    value, for code whose only int arithmetic is + - * ** << & | ^ (where reducing mod 2**64
    commutes with the operations).
    rtol, atol: float tolerances replacing the defaults (results and mutated arguments).
    shape_only=True: array results are compared by dtype and shape only (np.empty).
    Array arguments are copied for each run and compared after it (see ArgCopies).
    Returns the reference result.
    """
    kwargs = kwargs or {}
    tol = {"rtol": rtol, "atol": atol}
    copies = ArgCopies(args, kwargs)
    ref_args = copies.make()
    expected, exp_exc = _run(pure(fn), ref_args[0], ref_args[1])
    compiled = jit(fn, **(jit_opts or {}))
    got_args = copies.make()
    got, got_exc = _run(compiled, got_args[0], got_args[1])
    call = f"{fn.__name__}{_show(tuple(args))}" + (f" {kwargs!r}" if kwargs else "")
    if exp_exc is not None:
        if got_exc is None:
            raise AssertionError(
                f"{call}: CPython raised {_describe(exp_exc)}, compiled returned {_show(got)}"
            )
        if type(got_exc) is not type(exp_exc):
            raise AssertionError(
                f"{call}: CPython raised {_describe(exp_exc)}, compiled raised {_describe(got_exc)}"
            ) from got_exc
        consts = user_constants(fn)
        if exp_exc.args and all(isinstance(a, str) and a in consts for a in exp_exc.args):
            if got_exc.args != exp_exc.args:
                raise AssertionError(
                    f"{call}: CPython raised {type(exp_exc).__name__}{exp_exc.args!r}, "
                    f"compiled raised {type(got_exc).__name__}{got_exc.args!r}"
                )
        _compare_args(call, ref_args, got_args, tol)
        return exp_exc
    if got_exc is not None:
        raise AssertionError(
            f"{call}: CPython returned {_show(expected)}, compiled raised {_describe(got_exc)}"
        ) from got_exc
    if wrap:
        expected = _wrap_ints(expected)
    assert_same(expected, got, call, shape_only=shape_only, **tol)
    _compare_args(call, ref_args, got_args, tol)
    return expected


def check_all(fn, cases, **kw):
    """check(fn, *args) for every args tuple in cases; one failure listing every mismatch."""
    failures = []
    for args in cases:
        try:
            check(fn, *args, **kw)
        except AssertionError as e:
            failures.append(str(e))
    if failures:
        shown = "\n".join(failures[:40])
        more = f"\n... and {len(failures) - 40} more" if len(failures) > 40 else ""
        raise AssertionError(f"{len(failures)} of {len(cases)} cases differ:\n{shown}{more}")


# ---------------------------------------------------------------------------- leaks

_numba_stats_on = False


def live_blocks():
    """The runtime's allocated-minus-freed memory blocks, or None where it cannot count.

    ember: ember._ember.rt_stats() -> {'allocs': n, 'frees': m, ...}. numba: NRT's counters
    (switched on here on first use; they count from then), blocks and meminfos summed.
    """
    global _numba_stats_on
    if BACKEND == "ember":
        stats = getattr(impl._ember, "rt_stats", None)
        if stats is None:
            pytest.fail("ember._ember.rt_stats() is missing: the leak check needs it")
        s = stats()
        return s["allocs"] - s["frees"]
    try:
        from numba.core.runtime import _nrt_python, rtsys

        if not _numba_stats_on:
            _nrt_python.memsys_enable_stats()
            _numba_stats_on = True
        s = rtsys.get_allocation_stats()
        return (s.alloc - s.free) + (s.mi_alloc - s.mi_free)
    except Exception:  # noqa: BLE001 -- no counters in this numba: no check
        return None


_settled = 0


def settle():
    """gc.collect(), then gc.freeze() what survives: the next collections traverse only what later
    tests make. A full collection in a worker that has run a few hundred tests traverses every
    object they left (pytest's items and reports, modules, dispatchers): ~60 ms each, two per
    test, over half the suite's time. A frozen object that later becomes cyclic garbage stays
    until the next thaw (every 500 tests), which happens here, before a test's count is taken,
    so the blocks such garbage frees never count for or against one test."""
    global _settled
    _settled += 1
    if _settled % 500 == 0:
        gc.unfreeze()
    gc.collect()
    gc.freeze()


@pytest.fixture(autouse=True)
def no_leaks(request):
    """Autouse in a module that imports it: a test must free every runtime block it allocates.

    Counted after gc.collect() both before the test and after it (its results and arguments
    are dropped by then); growth fails the test. Under numba a test decorated with
    `numba_leaks` is not checked.
    """
    if ON_NUMBA and getattr(request.function, "numba_leaks", None):
        yield
        return
    settle()
    before = live_blocks()
    overruns, stale = overrun_count(), stale_count()
    yield
    # A failed test's traceback (kept by pytest in sys.last_*) holds check()'s frames and the
    # arrays in them; drop it so that only a real leak counts.
    for name in ("last_type", "last_value", "last_traceback", "last_exc"):
        if hasattr(sys, name):
            setattr(sys, name, None)
    gc.collect()
    after = live_blocks()
    if before is not None and after is not None and after > before:
        pytest.fail(f"runtime memory leaked: {after - before} more live blocks after the test "
                    f"than before ({BACKEND})", pytrace=False)
    if overrun_count() != overruns:
        pytest.fail("compiled code wrote past the end of a runtime block (its canary changed)",
                    pytrace=False)
    if stale_count() != stale:
        pytest.fail("compiled code changed a runtime block's count after the block was freed "
                    "(a reference dropped twice, or taken after the last went)", pytrace=False)


def stale_count():
    """How many freed blocks held back (EMBER_CHECK_FREES, set by conftest.py) were written after
    their free; 0 on numba."""
    if BACKEND != "ember":
        return 0
    return impl._ember.rt_stats()["stale"]


def overrun_count():
    """How many freed blocks had their canary (the bytes after the data) changed; 0 on numba."""
    if BACKEND != "ember":
        return 0
    return impl._ember.rt_stats()["overruns"]


# ---------------------------------------------------------------------------- array samples

#: Every dtype array tests sweep over, and the usual subsets.
DTYPE_NAMES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
               "float32", "float64", "complex64", "complex128"]
INT_NAMES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
FLOAT_NAMES = ["float32", "float64"]
COMPLEX_NAMES = ["complex64", "complex128"]
NUMBER_NAMES = INT_NAMES + FLOAT_NAMES + COMPLEX_NAMES


def sample(dtype, shape, seed=0):
    """A deterministic array of dtype and shape with varied values: both signs for signed
    types, values near the top of the range for unsigned ones, fractions for floats, nonzero
    imaginary parts for complex, a mix of True and False for bool."""
    dt = np.dtype(dtype)
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape, dtype=np.int64))
    if dt.kind == "b":
        flat = rng.integers(0, 2, n).astype(bool)
    elif dt.kind in "iu":
        info = np.iinfo(dt)
        lo, hi = max(info.min, -100), min(info.max, 100)
        flat = rng.integers(lo, hi + 1, n).astype(dt)
        if dt.kind == "u" and n > 1:
            flat[::3] = dt.type(info.max) - flat[::3] % dt.type(7)  # large unsigned values too
    elif dt.kind == "f":
        flat = (rng.standard_normal(n) * 10).round(3).astype(dt)
    else:
        flat = ((rng.standard_normal(n) + 1j * rng.standard_normal(n)) * 10).round(3).astype(dt)
    return flat.reshape(shape)


def layouts(a, which=("C", "F", "reversed", "strided")):
    """(name, array) pairs holding a's values in other memory layouts.

    C: C-contiguous; F: Fortran-contiguous (the same as C for 1-D); reversed: negative strides
    on every axis (a reversed copy, viewed reversed); strided: every other element of a base
    twice as long on every axis. Read-only is a separate flag: see `readonly`.
    """
    out = []
    for name in which:
        if name == "C":
            v = np.ascontiguousarray(a)
        elif name == "F":
            v = np.asfortranarray(a)
        elif name == "reversed":
            rev = (slice(None, None, -1),) * a.ndim
            v = np.ascontiguousarray(a[rev])[rev]
        elif name == "strided":
            base = np.zeros(tuple(2 * n + 1 for n in a.shape), a.dtype)
            base[tuple(slice(0, 2 * n, 2) for n in a.shape)] = a
            v = base[tuple(slice(0, 2 * n, 2) for n in a.shape)]
        else:
            raise ValueError(name)
        out.append((name, at_odd_address(v) if UNALIGNED_SWEEP else v))
    return out


def at_odd_address(a, offset=1):
    """a's values and strides over memory `offset` bytes past a 64-byte boundary: unaligned
    (NumPy's ALIGNED flag off) unless its elements are single bytes."""
    if a.dtype.itemsize == 1 or a.size == 0:
        return a
    lo = sum((n - 1) * s for n, s in zip(a.shape, a.strides) if s < 0)
    hi = sum((n - 1) * s for n, s in zip(a.shape, a.strides) if s > 0) + a.itemsize
    raw = np.zeros(hi - lo + 128, np.uint8)
    start = (-raw.__array_interface__["data"][0]) % 64 + offset - lo
    b = np.ndarray(a.shape, a.dtype, buffer=raw, offset=start, strides=a.strides)
    b[...] = a
    b.flags.writeable = a.flags.writeable
    return b


def readonly(a):
    """A read-only copy of a."""
    b = a.copy()
    b.flags.writeable = False
    return b
