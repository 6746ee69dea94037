"""An if/else whose two sides store the same element (a boundary condition beside a stencil),
lowered as each side's work under the branch and one store after it (codegen/lower.c,
branch_as_store): against CPython, with the forms that must keep their own stores."""

import numpy as np
import pytest

from difftest import ON_NUMBA, check, errors, jit, njit, no_leaks, numba_leaks  # noqa: F401


def boundary_1d(u, un, reps):
    n = u.shape[0]
    for r in range(reps):
        for j in range(n):
            if j == 0 or j == n - 1:
                un[j] = 0.0
            else:
                un[j] = u[j] + 0.2 * (u[j + 1] + u[j - 1] - 2 * u[j])
    return un


def boundary_2d(u):
    ny, nx = u.shape
    un = np.empty_like(u)
    for i in range(ny):
        for j in range(nx):
            if i == 0 or j == 0 or i == ny - 1 or j == nx - 1:
                un[i, j] = 1
            else:
                un[i, j] = 0.25 * (u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1])
    return un


def int_sides(a, t):
    out = np.zeros(a.shape[0], np.int64)
    for i in range(a.shape[0]):
        if a[i] > t:
            out[i] = a[i] - t
        else:
            out[i] = -1
    return out


def different_elements(a):
    out = np.zeros(a.shape[0] + 1)
    for i in range(a.shape[0]):
        if a[i] > 0:
            out[i] = a[i]
        else:
            out[i + 1] = -a[i]       # another element: two stores
    return out


def reads_past_the_end_on_one_side(a):
    out = np.zeros(a.shape[0])
    n = a.shape[0]
    for i in range(n):
        if i < n - 1:
            out[i] = a[i + 1] - a[i]
        else:
            out[i] = a[i + 1]        # IndexError under boundscheck, only on this side
    return out


@pytest.mark.parametrize("n", [1, 2, 3, 17, 100])
def test_boundary_condition_beside_a_stencil(n):
    u = np.random.default_rng(n).random(n)
    check(boundary_1d, u, np.empty(n), 3)


@pytest.mark.parametrize("shape", [(1, 1), (2, 5), (3, 3), (9, 14)])
def test_boundary_condition_2d(shape):
    check(boundary_2d, np.random.default_rng(1).random(shape))


def test_sides_of_other_forms():
    a = np.array([3, -1, 7, 0, 12, -5])
    check(int_sides, a, 2)
    check(int_sides, a.astype(np.float64), 2.5)
    check(different_elements, a.astype(np.float64))


@numba_leaks("the output array, when the loop raises")
def test_a_read_past_the_end_raises_only_on_its_side():
    a = np.arange(5.0)
    checked = jit(reads_past_the_end_on_one_side, boundscheck=True)
    with pytest.raises(IndexError):
        checked(a)
    assert np.array_equal(jit(reads_past_the_end_on_one_side, boundscheck=True)(np.arange(0.0)), np.zeros(0))


def int_or_float_into_ints(a, flag):
    for i in range(a.shape[0]):
        if flag:
            a[i] = 2**60 + 1         # exact only as an int: no float64 on the way
        else:
            a[i] = 1.5
    return a


def test_values_of_two_types_keep_their_own_conversion():
    check(int_or_float_into_ints, np.zeros(3, np.int64), True)
    check(int_or_float_into_ints, np.zeros(3, np.int64), False)
