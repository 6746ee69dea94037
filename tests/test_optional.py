"""Returning None on some paths and a value on others (Numba's Optional): the result is
OptionalType(T), None or the value in Python, for numbers and tuples of numbers, also from the
on-disk cache; compiled callers test it with `is None` and use its value (TypeError where it is
None, as Numba's implicit cast); arrays and None do not unify (a located error)."""

import numpy as np
import pytest

from difftest import ON_NUMBA, errors, impl

njit = impl.njit


def find(a, x):
    for i in range(a.size):
        if a[i] == x:
            return i
    return None


def pair_or_none(x):
    if x > 0:
        return (x, 2.0)
    return None


def three_ways(x):
    if x > 0:
        return 1
    elif x < -5:
        return None
    return 2.5


FIND = njit(find)


@pytest.mark.parametrize("x", [3.0, 7.0, 0.0])
def test_find(x):
    a = np.arange(5.0)
    assert FIND(a, x) == find(a, x)
    assert FIND(np.zeros(0), x) is None


@pytest.mark.parametrize("x", [1.5, -1.0])
def test_tuples_and_unified_numbers(x):
    assert njit(pair_or_none)(x) == pair_or_none(x)
    f = njit(three_ways)
    for v in (1, -9, 0):
        got = f(v)
        assert got == three_ways(v) and type(got) is (type(None) if got is None else float)


@pytest.mark.skipif(ON_NUMBA, reason="ember's messages")
def test_compiled_callers_pass_it_on_test_it_and_use_it():
    def use(a):
        r = FIND(a, 1.0)
        return r

    assert njit(use)(np.arange(3.0)) == 1 and njit(use)(np.zeros(2)) is None

    def test_it(a):
        return FIND(a, 1.0) is None, FIND(a, 1.0) is not None

    assert njit(test_it)(np.arange(3.0)) == (False, True) and njit(test_it)(np.zeros(2)) == (True, False)

    def narrowed(a):
        r = FIND(a, 1.0)
        if r is None:
            return -1
        return r * 10 + 1

    assert njit(narrowed)(np.arange(3.0)) == 11 and njit(narrowed)(np.zeros(2)) == -1

    def unchecked(a):
        return FIND(a, 1.0) + 1

    assert njit(unchecked)(np.arange(3.0)) == 2
    with pytest.raises(TypeError, match="expected int64, got None"):
        njit(unchecked)(np.zeros(2))

    def array_or_none(flag):
        if flag:
            return np.zeros(2)
        return None

    with pytest.raises(errors.TypingError, match=r"cannot unify return types none and array\(float64, 1d, C\)"):
        njit(array_or_none)(True)


def non_negative(n):
    if n < 0:
        return None
    return n


@pytest.mark.skipif(ON_NUMBA, reason="ember's signature texts")
def test_optional_return_type_in_a_signature():
    t = impl.types
    f = njit(t.optional(t.float64)(t.int64))(non_negative)
    assert f(3) == 3.0 and type(f(3)) is float and f(-1) is None
    g = njit(t.optional(t.int64)(t.int64))(lambda n: n * 2)
    assert g(4) == 8
