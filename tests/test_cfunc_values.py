"""@cfunc objects as values in @njit code: a global (or closure) cfunc called by compiled code, a
cfunc passed as an argument; both run the cfunc's Python function compiled with its signature
(arguments convert to it, as a C caller's would), dispatched on the cfunc's identity, so no
address enters the object code and cache=True keeps working. The oracle is the cfunc called from
Python through ctypes; EMBER_TEST_BACKEND=numba runs the forms numba supports."""

import math
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from difftest import ON_NUMBA, errors, impl, no_leaks  # noqa: F401 (autouse fixture)

cfunc, njit, types = impl.cfunc, impl.njit, impl.types


@cfunc("float64(float64)")
def gauss(x):
    return math.exp(-x * x / 2)


@cfunc(types.int32(types.int32, types.int32))
def imul(a, b):
    return a * b


@cfunc("float64(float64)")
def cube(x):
    return x * x * x


def test_global_cfunc_called_from_njit():
    @njit
    def integrate(n):
        s = 0.0
        for i in range(n):
            s += gauss(-4.0 + 8.0 * i / n)
        return s * 8.0 / n

    expected = sum(gauss.ctypes(-4.0 + 8.0 * i / 1000) for i in range(1000)) * 8.0 / 1000
    assert math.isclose(integrate(1000), expected, rel_tol=1e-12)
    assert math.isclose(integrate(1000), math.sqrt(2 * math.pi), rel_tol=1e-3)


@pytest.mark.skipif(ON_NUMBA, reason="numba does not convert int64 arguments to a cfunc's int32")
def test_arguments_convert_to_the_signature():
    @njit
    def use(a, b):
        return imul(a, b) + gauss(3)   # ints to float64, as a C caller converts them

    assert use(6, 7) == 42 + gauss.ctypes(3.0)


def test_cfunc_as_argument():
    @njit
    def apply(f, a):
        out = np.empty_like(a)
        for i in range(a.size):
            out[i] = f(a[i])
        return out

    a = np.linspace(-2.0, 2.0, 9)
    np.testing.assert_allclose(apply(gauss, a), [gauss.ctypes(x) for x in a], rtol=1e-14)
    np.testing.assert_allclose(apply(cube, a), a ** 3, rtol=1e-14)


def test_cfunc_in_a_closure():
    def make(f):
        @njit
        def twice(x):
            return f(f(x))
        return twice

    assert make(cube)(2.0) == 512.0


@pytest.mark.skipif(ON_NUMBA, reason="ember's messages")
def test_cfunc_with_pointers_is_not_callable_from_njit():
    @cfunc(types.void(types.CPointer(types.float64), types.intp))
    def zero(p, n):
        for i in range(n):
            p[i] = 0.0

    @njit
    def use(x):
        zero(x, 3)

    with pytest.raises(errors.TypingError, match="it takes pointers") as e:
        use(np.ones(3))
    assert "zero(x, 3)" in str(e.value)

    @njit
    def call(f, x):
        return f(x)

    with pytest.raises(errors.TypingError, match="has type 'CFunc'"):
        call(zero, 1.0)


@pytest.mark.skipif(ON_NUMBA, reason="ember's on-disk cache")
def test_caller_of_a_global_cfunc_is_cached(tmp_path):
    src = tmp_path / "cfmod.py"
    src.write_text(textwrap.dedent("""
        import math
        from ember import cfunc, njit

        @cfunc("float64(float64)", cache=True)
        def gauss(x):
            return math.exp(-x * x / 2)

        @njit(cache=True)
        def total(n):
            s = 0.0
            for i in range(n):
                s += gauss(i * 0.1)
            return s
    """))
    script = ("import sys; sys.path.insert(0, %r); import cfmod; r = cfmod.total(10); "
              "print(r, cfmod.total.stats['cache_hits'])" % str(tmp_path))
    env = dict(os.environ, EMBER_CACHE_DIR=str(tmp_path / "cache"))
    first = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    second = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    expected = sum(math.exp(-(i * 0.1) ** 2 / 2) for i in range(10))
    assert math.isclose(float(first.stdout.split()[0]), expected, rel_tol=1e-12)
    assert second.stdout.split() == [first.stdout.split()[0], "1"]


# ---- tuples of compiled functions ---------------------------------------------------------------
@njit
def square(x):
    return x * x


def test_tuple_of_functions_constant_index_and_unroll():
    @njit
    def pick(x):
        fs = (cube, square, gauss)
        return fs[0](x) + fs[1](x) + fs[-1](x)

    assert pick(2.0) == 8.0 + 4.0 + gauss.ctypes(2.0)

    literal_unroll = impl.literal_unroll

    @njit
    def each(x):
        s = 0.0
        for f in literal_unroll((cube, square, cube)):
            s += f(x)
        return s

    assert each(3.0) == 27.0 + 9.0 + 27.0


@pytest.mark.skipif(ON_NUMBA, reason="numba calls through a function pointer here; ember does not yet")
def test_tuple_of_functions_run_time_index_is_a_located_error():
    @njit
    def pick(i, x):
        fs = (cube, square)
        return fs[i](x)

    with pytest.raises(errors.TypingError, match="cannot index the heterogeneous") as e:
        pick(1, 2.0)
    assert "return fs[i](x)" in str(e.value)
