"""0-d arrays as NumPy treats them, compiled vs NumPy: np.array/np.asarray of a number, operators
and ufuncs of 0-d arrays giving scalars (with scalars, 0-d and n-d operands), chains of them,
x[()] of a 0-d array and of the scalar it gives, out= and in-place operators keeping the 0-d
array."""

import numpy as np
import pytest

from difftest import ON_NUMBA, check, jit, no_leaks  # noqa: F401
from ember.errors import TypingError

pytestmark = pytest.mark.skipif(ON_NUMBA, reason="numba keeps 0-d arrays as arrays in operators")


def from_numbers(x, n, b, c):
    return (np.array(x), np.asarray(n), np.array(b), np.array(c), np.array(x, dtype=np.float32), np.array(n)[()],
            np.array(n) + 1)


def test_array_of_a_number():
    check(from_numbers, 3.5, 7, True, 1 + 2j)


def operators(z, w, a):
    return (z + 1, -z, z < 3, np.sin(z), z * w, z + a, np.maximum(z, w), z ** 2, np.add(z, w), z == w, abs(z),
            np.sqrt(z) + 1, (z * 2)[()], np.float32(1) + z)


@pytest.mark.parametrize("z, w", [(np.array(2.0), np.array(3)), (np.array(-1.5, np.float32), np.array(4.0)),
                                  (np.array(7), np.array(2, np.uint8))])
def test_operators_give_scalars(z, w):
    with np.errstate(all="ignore"):
        check(operators, z, w, np.arange(3.0))


def keeps_array(z):
    z += 1
    o = np.zeros(())
    np.add(z, 1, out=o)
    s = z * 0
    for i in range(3):
        s = s + z
    return z, o, s


def test_out_and_in_place_keep_the_array():
    check(keeps_array, np.array(2.0))


def scalar_accumulator(a):
    s = 0.0
    for i in range(a.shape[0]):
        x = np.array(a[i])      # a 0-d array ...
        s += x * 2              # ... whose product is a scalar, so s stays a float
        x = a[i] + 1.0          # the same name, a float in its own live range
        s += x
    return s


def branch_results(a, c):
    if c:
        x = np.array(a[0])
        r = x + 1               # a scalar, as the other branch's r
    else:
        x = a[1]
        r = x * 2
    return r


def test_zerod_results_meet_scalars():
    check(scalar_accumulator, np.arange(4.0))
    check(branch_results, np.arange(3.0), True)
    check(branch_results, np.arange(3.0), False)


def zerod_meets_scalar(c):
    if c:
        x = np.array(1.5)
    else:
        x = 2.5
    return x


def test_zerod_array_and_scalar_at_a_join():
    # NumPy's result has either kind; a compiled variable has one type (Numba refuses it too)
    with pytest.raises(TypingError, match=r"for x \(a 0-d array and a scalar meet here: read the array's element with \[\(\)\]"):
        jit(zerod_meets_scalar)(True)


def index_with_zerod(a, i):
    return a[i]


def index_pair_with_zerod(a, i, j):
    return a[i, j], a[i, 1:]


def store_with_zerod(a, i, v):
    a[i] = v
    return a


def test_zerod_integer_array_as_an_index():
    # a 0-d integer array indexes as its int, as in NumPy and Numba (it crashed the compiler)
    check(index_with_zerod, np.arange(3, 13), np.array(2))
    check(index_with_zerod, np.arange(3, 13), np.array(-1, np.int16))
    check(index_pair_with_zerod, np.arange(12).reshape(3, 4), np.array(1), np.array(2, np.uint16))
    check(store_with_zerod, np.zeros(3), np.array(1), 5.0)


def transposes(a, ax):
    return a.transpose(None).shape, np.transpose(a, axes=None).shape, a.transpose(ax).shape


def interp_zerod(x, xp, fp):
    return np.interp(x, xp, fp)


def bool_running(a):
    return a.cumsum(dtype=np.bool_), np.cumprod(a, dtype=np.bool_), np.cumsum(a.reshape(2, 2), axis=1, dtype=np.bool_)


def diff_of(a):
    return np.diff(a)


def test_forms_that_crashed_the_compiler():
    # axes=None given explicitly; a 0-d x of np.interp (NumPy's result: a scalar); a running sum
    # and product of dtype bool (or, and); np.diff of a 0-d array a clear error
    check(transposes, np.arange(6).reshape(2, 3), None)
    check(interp_zerod, np.array(0.3), np.linspace(0, 1, 5), np.linspace(0, 2, 5))
    check(bool_running, np.array([False, True, False, True]))
    with pytest.raises(Exception, match="one dimension or more"):
        jit(diff_of)(np.array(42))


def where_of(c, x, y):
    return np.where(c, x, y)


def test_where_of_zerod_arrays():
    # a 0-d array among np.where's operands: a 0-d array, as NumPy's (it read garbage)
    check(where_of, np.array(0.0), np.array(4.0), np.array(9.0))
    check(where_of, np.array(True), np.array(4.0), 9)
    check(where_of, np.array(1), np.array(4), np.array(9.5))


def likes_of_a_number(phi):
    o = np.zeros_like(phi, dtype=np.complex128)
    o += np.exp(1j * phi)
    return o, np.ones_like(phi), np.full_like(phi, 3), np.empty_like(phi).shape, np.zeros_like(3)


def test_like_functions_of_a_number():
    # np.zeros_like(0.5) & co: a 0-d array of the number's dtype, as NumPy's (lenstronomy)
    check(likes_of_a_number, 0.5)
