"""Complex arrays as NumPy computes them, compiled vs NumPy: the transcendental ufuncs (sin ...
arctanh, log2 log10 log1p exp2 expm1), sign and rint, power and float_power with a zero base,
and NumPy's lexicographic order (< <= > >=, np.less ..., maximum minimum fmax fmin, np.sort
and np.argsort) with NaN and infinite parts; complex64 and complex128, non-contiguous and empty arrays, scalars."""

import math
import warnings

import numpy as np
import pytest

from difftest import ON_NUMBA, check, errors, jit, no_leaks  # noqa: F401

inf, nan = math.inf, math.nan
Z = np.array([1 + 2j, 1 - 1j, -1 + 0j, 0j, -0.5 - 3j, 1e-10 + 1e-12j, complex(inf, 1), complex(1, inf),
              complex(nan, 1), complex(0, nan), 3 + 0j, -2.5 + 0j, complex(-inf, -inf), 1 + 2j, 0.5j])

UNARY = "sin cos tan sinh cosh tanh arcsin arccos arctan arcsinh arccosh arctanh log2 log10 log1p exp2 expm1 sign rint".split()


def all_unary(z):
    return (np.sin(z), np.cos(z), np.tan(z), np.sinh(z), np.cosh(z), np.tanh(z), np.arcsin(z), np.arccos(z),
            np.arctan(z), np.arcsinh(z), np.arccosh(z), np.arctanh(z), np.log2(z), np.log10(z), np.log1p(z),
            np.exp2(z), np.expm1(z), np.sign(z), np.rint(z))


@pytest.mark.skipif(ON_NUMBA, reason="numba lacks several complex ufuncs (sign, exp2, log1p ...)")
@pytest.mark.parametrize("z", [Z, Z.astype(np.complex64)[::2], Z[:0]], ids=["c16", "c8_strided", "empty"])
def test_transcendental_ufuncs(z):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(all_unary, z)


def scalars(z, w):
    return np.sin(z), np.arctanh(w), np.log10(z), np.expm1(w), np.sign(z)


@pytest.mark.skipif(ON_NUMBA, reason="numba lacks np.sign of complex values")
def test_complex_scalars():
    check(scalars, 1 + 2j, -0.25 + 3j)


def powers(a, b):
    return np.power(a, b), np.float_power(a, b), np.power(a, 2), a ** b


@pytest.mark.skipif(ON_NUMBA, reason="numba raises for 0 to a complex power")
def test_power_zero_base():
    a = np.array([0j, 0j, 0j, 1 + 1j, -1 + 0j, 1j])
    b = np.array([2 - 1j, -1 + 0j, 1j, 0.5 + 0j, 0.5 + 0j, 2 + 0j])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check(powers, a, b)


def order(a, b):
    return (a < b, a <= b, a > b, a >= b, np.less(a, b), np.greater_equal(a, b), np.maximum(a, b),
            np.minimum(a, b), np.fmax(a, b), np.fmin(a, b), np.maximum(a[0], b[1]))


@pytest.mark.skipif(ON_NUMBA, reason="numba refuses ordering complex arrays")
@pytest.mark.parametrize("shift", [1, 4])
@pytest.mark.parametrize("dtype", [np.complex128, np.complex64])
def test_lexicographic_order(shift, dtype):
    check(order, Z.astype(dtype), np.roll(Z, shift).astype(dtype))


def cbrt_of_complex(z):
    return np.cbrt(z)


def test_ufuncs_numpy_lacks_for_complex_stay_errors():
    with pytest.raises(errors.UnsupportedError, match="np.cbrt"):
        jit(cbrt_of_complex)(Z)
    with pytest.raises(TypeError):
        cbrt_of_complex(Z)


def sorts(z):
    return (np.sort(z), np.argsort(z), np.sort(z, axis=None), np.argsort(z, kind="stable"), np.sort(z, 0), np.argsort(z, axis=-1),
            z.argsort(), z.argsort(axis=0, kind="stable"), z.argsort(None))


ZS = np.array([1 + 2j, 1 - 1j, -1 + 0j, 0j, complex(nan, 1), complex(0, nan), 3 + 0j, complex(nan, nan),
               complex(-inf, -inf), 1 + 2j, complex(2, nan), complex(nan, -5), 0.5j, 1 + 0j, 1 - 1j, 2j])


@pytest.mark.skipif(ON_NUMBA, reason="numba refuses sorting complex arrays")
@pytest.mark.parametrize("z", [ZS, ZS.astype(np.complex64)[::2], ZS.reshape(4, 4), np.asfortranarray(ZS.reshape(2, 8)).T, ZS[:0]],
                         ids=["1d", "c8_strided", "2d", "F", "empty"])
def test_sort_argsort(z):
    # NumPy's order: no NaN part lexicographically, then a NaN imaginary part (by real), a NaN
    # real part (by imaginary), both NaN; argsort stable
    check(sorts, z)


@pytest.mark.skipif(ON_NUMBA, reason="numba refuses sorting complex arrays")
def test_sort_axis_out_of_range():
    check(lambda z: np.sort(z, axis=2), ZS.reshape(4, 4))   # AxisError


def sort_in_place_and_unique(z):
    b = z.copy()
    b.sort()
    c = z.copy()
    c.sort(axis=0)
    return b, c, np.unique(z)


@pytest.mark.skipif(ON_NUMBA, reason="numba refuses sorting complex arrays")
@pytest.mark.parametrize("z", [ZS, ZS.astype(np.complex64), ZS.reshape(4, 4), ZS[:0], np.array([1 + 1j, 1 + 1j, 0j])],
                         ids=["1d", "c8", "2d", "empty", "repeats"])
def test_sort_in_place_and_unique(z):
    # a.sort() in NumPy's order, in place; np.unique sorted, each value once, the values with a NaN
    # part one value (NumPy's equal_nan=True)
    check(sort_in_place_and_unique, z)
