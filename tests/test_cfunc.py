"""@cfunc: compiled functions with a C signature. .address, .ctypes, .native_name,
.inspect_llvm(); scalars of every C width converted as NumPy casts them; CPointer arguments read
and written through ember.carray/farray; scipy.LowLevelCallable with scipy.integrate.quad and
scipy.ndimage.generic_filter, compared with the same Python callback; an exception inside a cfunc
goes to sys.unraisablehook and the cfunc returns 0; bad signatures are TypeErrors."""

import ctypes
import math

import numpy as np
import pytest

from difftest import ON_NUMBA, impl

pytestmark = pytest.mark.skipif(ON_NUMBA, reason="ember's messages and error handling")
cfunc, types, carray, farray = impl.cfunc, impl.types, impl.carray, impl.farray


def gauss(x):
    return math.exp(-x * x / 2)


def test_attributes_and_calls():
    f = cfunc("float64(float64)")(gauss)
    assert isinstance(f.address, int) and f.address != 0
    assert f.native_name.endswith(".cfunc") and "gauss" in f.native_name
    assert "define double @" in f.inspect_llvm() and "ret double" in f.inspect_llvm()
    assert f.ctypes(0.5) == gauss(0.5) and f(1.5) == gauss(1.5)
    same_address = ctypes.cast(f.ctypes, ctypes.c_void_p).value
    assert same_address == f.address
    proto = ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double)
    assert proto(f.address)(2.0) == gauss(2.0)


@pytest.mark.parametrize("t, value, expected", [
    (types.int8, 100, -56),                    # 200 wraps as NumPy casts it
    (types.uint8, 100, 200),
    (types.int16, -20000, 25536),
    (types.int32, -7, -14),
    (types.uint32, 3_000_000_000, 6_000_000_000 - 2**32),
    (types.int64, -2**40, -2**41),
    (types.uint64, 2**63, 0),
    (types.float32, 1.1, float(np.float32(np.float32(1.1) * 2.0))),
])
def test_c_scalar_types(t, value, expected):
    f = cfunc(t(t))(lambda x: x * 2)
    assert f(value) == expected


def test_locals():
    f = cfunc("int64(float64)", locals={"y": types.int64})(_scaled)
    assert f(3.0) == 7    # y = 7.5 stored in an int64 local
    assert cfunc("int64(float64)")(_scaled)(3.0) == 7   # 7.5 returned: truncated, as Numba


def _scaled(x):
    y = x * 2.5
    return y


def test_bool_and_void():
    seen = np.zeros(1)
    flag = cfunc(types.boolean(types.float64, types.float64))(lambda a, b: a < b)
    assert flag(1.0, 2.0) is True and flag(2.0, 1.0) is False
    store = cfunc(types.void(types.CPointer(types.float64), types.float64))(lambda p, v: _set0(p, v))
    store(seen.ctypes.data_as(ctypes.POINTER(ctypes.c_double)), 4.5)
    assert seen[0] == 4.5


@impl.njit
def _set0(p, v):
    p[0] = v


def test_pointers_through_carray_and_farray():
    @cfunc(types.float64(types.CPointer(types.float64), types.int64, types.int64))
    def weighted(p, m, n):
        a = carray(p, (m, n))
        f = farray(p, (n, m))
        s = 0.0
        for i in range(m):
            for j in range(n):
                s += a[i, j] * (i + 1) + f[j, i] * 0.5
        return s + carray(p, m * n)[-1]

    data = np.arange(12.0)
    ptr = data.ctypes.data_as(ctypes.POINTER(ctypes.c_double))
    a = data.reshape(3, 4)
    f = data.reshape(4, 3, order="F")
    expected = sum(a[i, j] * (i + 1) + f[j, i] * 0.5 for i in range(3) for j in range(4)) + data[-1]
    assert weighted(ptr, 3, 4) == expected


def test_scipy_quad():
    scipy = pytest.importorskip("scipy")
    from scipy import integrate

    f = cfunc("float64(float64)")(gauss)
    got = integrate.quad(scipy.LowLevelCallable(f.ctypes), -3, 3)
    expected = integrate.quad(gauss, -3, 3)
    assert got[0] == pytest.approx(expected[0], rel=1e-14)

    g = cfunc(types.float64(types.intc, types.CPointer(types.float64)))(lambda n, xs: _poly(carray(xs, n)))
    got = integrate.quad(scipy.LowLevelCallable(g.ctypes), 0, 1, args=(2.0,))
    assert got[0] == pytest.approx(integrate.quad(lambda x, k: x * x * k, 0, 1, args=(2.0,))[0], rel=1e-14)


@impl.njit
def _poly(xs):
    return xs[0] * xs[0] * xs[1]


def test_scipy_generic_filter():
    scipy = pytest.importorskip("scipy")
    from scipy import ndimage

    @cfunc(types.intc(types.CPointer(types.float64), types.intp, types.CPointer(types.float64), types.voidptr))
    def spread(values_ptr, n, result, user_data):
        values = carray(values_ptr, (n,), dtype=types.float64)
        lo, hi = values[0], values[0]
        for v in values:
            lo = min(lo, v)
            hi = max(hi, v)
        result[0] = hi - lo
        return 1

    image = np.random.default_rng(5).random((12, 9))
    got = ndimage.generic_filter(image, scipy.LowLevelCallable(spread.ctypes), size=3)
    expected = ndimage.generic_filter(image, lambda v: v.max() - v.min(), size=3)
    np.testing.assert_array_equal(got, expected)


def test_exception_is_unraisable_and_returns_zero(monkeypatch):
    seen = []
    monkeypatch.setattr("sys.unraisablehook", lambda u: seen.append(u))

    @cfunc("int64(int64, int64)")
    def div(a, b):
        return a // b

    assert div(7, 2) == 3 and not seen
    assert div(1, 0) == 0
    assert len(seen) == 1 and isinstance(seen[0].exc_value, ZeroDivisionError)
    assert "div" in str(seen[0].object) and "returned 0" in str(seen[0].object)


def test_bad_signatures():
    with pytest.raises(TypeError, match="complex numbers, arrays and tuples have no C type"):
        cfunc("complex128(complex128)")(lambda z: z)
    with pytest.raises(TypeError, match="complex numbers, arrays and tuples have no C type"):
        cfunc("float64(float64[:])")(lambda a: a[0])
    with pytest.raises(TypeError, match="names its return type"):
        cfunc("(float64)")(lambda x: x)
    with pytest.raises(TypeError, match="has 2 parameters but .*<lambda> takes 1"):
        cfunc("float64(float64, float64)")(lambda x: x)
    assert cfunc("int64(float64)")(lambda x: x / 2)(-7.0) == -3   # a float returned as an int: truncated
    with pytest.raises(TypeError, match="unknown option"):
        cfunc("float64(float64)", parallel=True)


def test_carray_of_a_voidptr_with_a_dtype():
    """carray(p, shape, dtype) of a voidptr (C callbacks' user data): its bytes as that dtype
    (it read bytes, so a float64 came back 0.0)."""
    import ctypes
    from ember import carray, farray

    @cfunc(types.float64(types.voidptr))
    def first(p):
        return carray(p, 1, types.float64)[0] + carray(p, (2,), np.float64)[1]

    @cfunc(types.float64(types.voidptr))
    def corner(p):
        return farray(p, (2, 2), types.float64)[1, 0] * 10 + carray(p, (2, 2), types.float64)[1, 0]

    @cfunc(types.intc(types.voidptr, types.voidptr))
    def order(a, b):
        x = carray(a, 1, types.float64)[0]
        y = carray(b, 1, types.float64)[0]
        return -1 if x < y else (1 if x > y else 0)

    x = np.array([1.5, 2.0, 3.0, 4.0])
    assert first.ctypes(x.ctypes.data) == 3.5
    assert corner.ctypes(x.ctypes.data) == 23.0
    arr = np.array([3.0, 1.0, 2.0, -5.0])
    ctypes.CDLL(None).qsort(arr.ctypes.data_as(ctypes.c_void_p), ctypes.c_size_t(4), ctypes.c_size_t(8),
                            ctypes.c_void_p(order.address))
    assert list(arr) == [-5.0, 1.0, 2.0, 3.0]


def _escaped_callbacks():
    @impl.cfunc("float64(float64)")
    def square(x):
        return x * x

    @impl.cfunc("float64(float64)")
    def cube(x):
        return x * x * x

    return square.ctypes, cube.address


def test_code_outlives_the_cfunc_object():
    # LowLevelCallable(f.ctypes) or f.address handed to C keeps only the code's address: the
    # CFunc object may be gone when C calls it (this crashed: the code was freed with the object)
    import gc
    square, cube_address = _escaped_callbacks()
    gc.collect()
    assert square(3.0) == 9.0
    assert ctypes.CFUNCTYPE(ctypes.c_double, ctypes.c_double)(cube_address)(2.0) == 8.0
