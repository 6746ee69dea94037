"""0-d arrays as NumPy treats them, compiled vs NumPy: np.array/np.asarray of a number, operators
and ufuncs of 0-d arrays giving scalars (with scalars, 0-d and n-d operands), chains of them,
x[()] of a 0-d array and of the scalar it gives, out= and in-place operators keeping the 0-d
array."""

import numpy as np
import pytest

from difftest import ON_NUMBA, check, no_leaks  # noqa: F401

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
