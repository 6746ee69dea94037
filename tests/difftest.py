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

Backend: env EMBER_TEST_BACKEND, "ember" (default) or "numba". The numba backend only serves
to validate the tests themselves against a mature compiler; `ON_NUMBA` lets a test mark the
places where ember's documented semantics differ from numba's.

Compiled dispatchers are cached per (function, options), so a test parametrised over values
compiles once per distinct argument-type signature.
"""

import math
import os
import types

import pytest

BACKEND = os.environ.get("EMBER_TEST_BACKEND", "ember").strip().lower()
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
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


def numba_xfail(reason):
    """Mark a test (or a pytest.param) that follows ember's semantics where numba's differ."""
    return pytest.mark.xfail(ON_NUMBA, reason=f"numba differs: {reason}", strict=True)


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


def float_same(e, g):
    if math.isnan(e) or math.isnan(g):
        return math.isnan(e) and math.isnan(g)
    if math.isinf(e) or math.isinf(g):
        return e == g
    if e == 0.0 and g == 0.0:
        return math.copysign(1.0, e) == math.copysign(1.0, g)
    return abs(e - g) <= max(REL_TOL * abs(e), ABS_TOL)


def mismatch(expected, got):
    """None when got matches expected under the rules above, else a description."""
    te, tg = type(expected), type(got)
    if te is not tg:
        return f"expected {te.__name__} {expected!r}, got {tg.__name__} {got!r}"
    if te is float:
        return None if float_same(expected, got) else f"expected {expected!r}, got {got!r}"
    if te is complex:
        ok = float_same(expected.real, got.real) and float_same(expected.imag, got.imag)
        return None if ok else f"expected {expected!r}, got {got!r}"
    if te is tuple:
        if len(expected) != len(got):
            return f"expected tuple of {len(expected)} {expected!r}, got {len(got)} {got!r}"
        for i, (e, g) in enumerate(zip(expected, got)):
            m = mismatch(e, g)
            if m:
                return f"[{i}]: {m} (in {expected!r} vs {got!r})"
        return None
    return None if expected == got else f"expected {expected!r}, got {got!r}"


def assert_same(expected, got, what="result"):
    m = mismatch(expected, got)
    if m:
        raise AssertionError(f"{what}: {m}")


def _wrap_ints(v):
    if type(v) is int:
        return wrap64(v)
    if type(v) is tuple:
        return tuple(_wrap_ints(x) for x in v)
    return v


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


def check(fn, *args, wrap=False, jit_opts=None, kwargs=None):
    """Assert that fn compiled behaves like fn in CPython on args.

    wrap=True: int results (also inside tuples) outside int64 are compared with their wrapped
    value, for code whose only int arithmetic is + - * ** << & | ^ (where reducing mod 2**64
    commutes with the operations).
    Returns the reference result.
    """
    kwargs = kwargs or {}
    expected, exp_exc = _run(pure(fn), args, kwargs)
    compiled = jit(fn, **(jit_opts or {}))
    got, got_exc = _run(compiled, args, kwargs)
    call = f"{fn.__name__}{args!r}" + (f" {kwargs!r}" if kwargs else "")
    if exp_exc is not None:
        if got_exc is None:
            raise AssertionError(
                f"{call}: CPython raised {_describe(exp_exc)}, compiled returned {got!r}"
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
        return exp_exc
    if got_exc is not None:
        raise AssertionError(
            f"{call}: CPython returned {expected!r}, compiled raised {_describe(got_exc)}"
        ) from got_exc
    if wrap:
        expected = _wrap_ints(expected)
    assert_same(expected, got, call)
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
