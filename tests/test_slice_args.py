"""Slice objects as arguments, results and globals (Numba's SliceType), compiled vs CPython.

A slice argument's type says which of its parts are given (slice<start:stop>, slice<::step>):
each combination is its own specialisation, the parts given are read as PySlice_Unpack clamps
them, and a zero step is Python's ValueError at the call. Then slices returned to Python and a
slice held in a global.
"""
import numpy as np
import pytest

from difftest import ON_NUMBA, check, jit, no_leaks, numba_leaks, numba_xfail  # noqa: F401

SLICES = [slice(1, 8, 2), slice(None), slice(2, None), slice(None, -2), slice(None, None, -1),
          slice(-3, None, -2), slice(np.int32(2), np.int64(5)), slice(7, 2), slice(5, 5, 3)]
HUGE = [slice(10**30, None, -1), slice(-10**30, 10**30)]   # clamped, as Python's


def take(a, s):
    return a[s]


def take_sum(a, s):
    t = 0.0
    for v in a[s]:
        t += v
    return t


def write_through(a, s, v):
    a[s] = v
    return a


def rows_cols(m, t):
    return m[t[0], t[1]]


def of_list_and_str(s):
    xs = [1, 2, 3, 4, 5, 6]
    return xs[s], "abcdefg"[s]


def parts(s):
    return s.start, s.stop


def given_back(s):
    return s


@pytest.mark.parametrize("s", SLICES, ids=repr)
def test_slice_argument_indexes_like_python(s):
    a = np.arange(10.0)
    check(take, a, s)
    check(take_sum, a, s)
    check(write_through, a, s, -1.0)
    check(of_list_and_str, s)


@numba_xfail("Numba's unboxing raises OverflowError for parts beyond int64")
@pytest.mark.parametrize("s", HUGE, ids=repr)
def test_huge_parts_clamp_as_python(s):
    check(take, np.arange(10.0), s)


def test_slices_in_a_tuple_argument():
    m = np.arange(24).reshape(4, 6)
    check(rows_cols, m, (slice(1, 3), slice(None, None, 2)))
    check(rows_cols, m, (1, slice(None, None, -2)))
    check(rows_cols, m, (slice(None, None, -1), 2))


@pytest.mark.parametrize("s", [slice(1, 5), slice(-2, 9), slice(3, 1, -1)], ids=repr)
def test_slice_parts(s):
    check(parts, s)


@numba_xfail("Numba cannot box a slice")
@pytest.mark.parametrize("s", [slice(1, 5), slice(None, None, 3), slice(-1, None), slice(None)], ids=repr)
def test_slice_given_back(s):
    assert jit(given_back)(s) == s


def test_each_form_its_own_specialisation():
    def first_of(a, s):
        return a[s][0]
    f = jit(first_of)
    a = np.arange(6)
    for s in (slice(1, 4), slice(None, 4), slice(1, None, 2), slice(1, 4)):
        assert f(a, s) == a[s][0]
    assert len(f.signatures) == (2 if ON_NUMBA else 3)   # (Numba: slice<a:b> and slice<a:b:c>)


@numba_leaks("Numba's unboxing of a zero-step slice leaks the array argument")
def test_zero_step_raises_value_error():
    with pytest.raises(ValueError, match="slice step cannot be zero"):
        jit(take)(np.arange(5), slice(1, 4, 0))


def test_slice_of_non_ints_is_refused():
    with pytest.raises(Exception, match="slice" if not ON_NUMBA else "integer"):
        jit(take)(np.arange(5), slice("a", 3))


EVERY_THIRD = slice(1, None, 3)


def global_slice(a):
    return a[EVERY_THIRD].sum()


def test_global_slice():
    check(global_slice, np.arange(20))
