"""Variables are versioned (one type per live range), compiled vs CPython: a name re-assigned to
a value of another type (an array of another ndim or dtype, an int then a tuple, a float then an
array) is a new variable where the two assignments never meet; where they meet at a join they
unify as in Numba (int and float give float), and a mismatch there is a located error."""

import numpy as np
import pytest

from difftest import ON_NUMBA, check_all, errors, jit, no_leaks  # noqa: F401

def int_then_array(n):
    x = n + 1
    y = x * 2
    x = np.arange(n)
    x[0] = y
    return x


def array_ndim_changes(a):
    a = a.reshape(2, -1)
    s = a.sum()
    a = a.ravel()
    return a[1] + s


def dtype_changes(n):
    x = np.zeros(n, np.int32)
    t = x.sum()
    x = np.ones(n) * 0.5
    return x.sum() + t


def scalar_then_tuple(a, b):
    v = a + b
    w = v * 2
    v = (a, b)
    return v[0] + v[1] + w


def loop_variable_reused(n):
    total = 0.0
    for i in range(n):
        total += i
    for i in np.linspace(0.0, 1.0, n):
        total += i
    return total


def join_unifies(c):
    x = 1
    if c:
        x = 2.5
    return x * 2


def versions_in_branches(c, n):
    if c:
        v = np.ones(n)
        r = v.sum()
    else:
        v = n * 3
        r = float(v)
    return r


def test_reassigned_with_another_type():
    check_all(int_then_array, [(3,), (1,)])
    check_all(array_ndim_changes, [(np.arange(6.0),), (np.arange(8),)])
    check_all(dtype_changes, [(4,), (0,)])
    check_all(scalar_then_tuple, [(1, 2), (-3, 5)])
    check_all(loop_variable_reused, [(4,), (1,)])
    check_all(versions_in_branches, [(True, 3), (False, 3)])


def test_join_still_unifies():
    """int and float meeting at a join unify to float, as in Numba (CPython keeps the int)."""
    f = jit(join_unifies)
    assert f(1) == 5.0
    assert f(0) == 2 and type(f(0)) is float


def join_mismatch(c, n):
    x = n
    if c:
        x = np.ones(n)
    return x


@pytest.mark.skipif(ON_NUMBA, reason="ember's message")
def test_join_mismatch_is_located():
    with pytest.raises(errors.TypingError, match=r"test_variables.py:\d+ in join_mismatch: cannot unify"):
        jit(join_mismatch)(True, 3)
