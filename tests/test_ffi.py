"""Compiled code calling C functions given as ctypes or cffi objects: by library and symbol
(resolved when the code loads, so cached code stays valid), with ctypes' conversions."""

import ctypes
import math
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from difftest import ON_NUMBA, errors, impl, jit, no_leaks  # noqa: F401

pytestmark = pytest.mark.skipif(ON_NUMBA, reason="ember's own ctypes/cffi conversions")

libm = ctypes.CDLL("libm.so.6")
libc = ctypes.CDLL("libc.so.6")

c_cos = libm.cos
c_cos.argtypes = [ctypes.c_double]
c_cos.restype = ctypes.c_double
c_ldexpf = libm.ldexpf
c_ldexpf.argtypes = [ctypes.c_float, ctypes.c_int]
c_ldexpf.restype = ctypes.c_float
c_labs = libc.labs
c_labs.argtypes = [ctypes.c_long]
c_labs.restype = ctypes.c_long
c_abs32 = libc.abs
c_abs32.argtypes = [ctypes.c_int]
c_abs32.restype = ctypes.c_int
c_memset = libc.memset   # a GNU indirect function: found by name, not by dladdr
c_memset.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_size_t]
c_memset.restype = ctypes.c_void_p
c_sin = libm.sin         # libm's sin is an indirect function too
c_sin.argtypes = [ctypes.c_double]
c_sin.restype = ctypes.c_double


def numbers(x, n):
    s = 0.0
    for i in range(n):
        s += c_cos(x * i) + c_sin(x)
    return s, c_ldexpf(x, 3), c_labs(-n), c_abs32(n - 70), libm.cos(0.0)


def test_ctypes_numbers():
    f = jit(numbers)
    got = f(0.5, 10)
    want = (sum(math.cos(0.5 * i) + math.sin(0.5) for i in range(10)), float(np.float32(4.0)), 10,
            60, 1.0)
    assert got[0] == pytest.approx(want[0], rel=1e-15) and got[1:] == want[1:]
    assert f(0.5, 10) == numbers(0.5, 10)


def fill(a, k):
    c_memset(a, k, a.size * 8)
    return a.sum()


def test_pointer_arguments_take_arrays():
    a = np.ones(5)
    r = jit(fill)(a, 0)
    assert r == 0.0 and not a.any()


def test_cffi_abi_mode():
    cffi = pytest.importorskip("cffi")
    ffi = cffi.FFI()
    ffi.cdef("double hypot(double, double); double sin(double); int abs(int);")
    lib = ffi.dlopen("libm.so.6")
    libc_ = ffi.dlopen("libc.so.6")
    sin = lib.sin

    def f(x, y):
        return lib.hypot(x, y) + sin(x), libc_.abs(-7)

    assert jit(f)(3.0, 4.0) == f(3.0, 4.0)


def test_argtypes_must_be_set():
    g = libm.tan   # no argtypes

    def f(x):
        return g(x)
    with pytest.raises(errors.UnsupportedError, match="has no argtypes"):
        jit(f)(1.0)


def test_a_python_callback_is_refused():
    cb = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double)(lambda x: x)

    def f(x):
        return cb(x)
    with pytest.raises(errors.UnsupportedError, match="exports by name"):
        jit(f)(1.0)


def test_a_float_to_an_int_parameter_is_refused():
    def f(x):
        return c_labs(x)
    with pytest.raises(errors.TypingError, match="C integer: float64 does not convert"):
        jit(f)(1.5)


def test_the_cache_resolves_the_symbol_in_a_new_process(tmp_path):
    (tmp_path / "ffimod.py").write_text(textwrap.dedent('''
        import ctypes, ember
        m = ctypes.CDLL("libm.so.6")
        sqrt = m.sqrt
        sqrt.argtypes = [ctypes.c_double]
        sqrt.restype = ctypes.c_double

        @ember.njit(cache=True)
        def f(x):
            return sqrt(x) * 2.0
    '''))
    run = [sys.executable, "-c", "import ffimod; print(ffimod.f(9.0), ffimod.f.stats['cache_hits'])"]
    env = dict(os.environ, PYTHONPATH=str(tmp_path), EMBER_CACHE_DIR=str(tmp_path / "cache"))
    first = subprocess.run(run, capture_output=True, text=True, env=env, cwd=tmp_path)
    second = subprocess.run(run, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert first.stdout.split() == ["6.0", "0"], first.stderr
    assert second.stdout.split() == ["6.0", "1"], second.stderr


def test_c_functions_as_arguments():
    def apply(f, x):
        return f(x) * 2.0

    g = jit(apply)
    assert g(c_cos, 0.0) == 2.0 and g(c_sin, 0.0) == 0.0
    assert len(g.signatures) == 2   # one specialisation per function, as for compiled functions
    cffi = pytest.importorskip("cffi")
    ffi = cffi.FFI()
    ffi.cdef("double fabs(double);")
    lib = ffi.dlopen("libm.so.6")
    assert g(lib.fabs, -3.0) == 6.0


def test_cython_functions_by_address():
    # numba-stats' pattern: scipy.special's Cython exports wrapped in a ctypes prototype; the code
    # names them by module and function, so a cached function finds them again in a new process
    pytest.importorskip("scipy.special.cython_special")
    addr = impl.extending.get_cython_function_address("scipy.special.cython_special", "gammaln")
    gammaln = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double)(addr)

    def lgammas(x):
        out = np.empty_like(x)
        for i in range(x.size):
            out[i] = gammaln(x[i])
        return out

    x = np.linspace(0.5, 30.0, 7)
    got = impl.njit(lgammas)(x)
    assert np.allclose(got, [math.lgamma(v) for v in x], rtol=1e-14)
