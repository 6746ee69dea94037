"""literal_unroll: a loop over a tuple whose elements differ in type runs its body once per
element, typed for that element (as Numba's), compiled vs CPython."""

import math

import numpy as np
import pytest

from difftest import check, check_all, errors, impl, jit, no_leaks, numba_xfail  # noqa: F401

literal_unroll = impl.literal_unroll


def mixed_sum(t):
    s = 0.0
    n = 0
    for x in literal_unroll(t):
        y = x * 2
        s += y
        n += 1
    return s, n


@pytest.mark.parametrize("t", [(1, 2.5, True), (3,), (), (1.5, 2, 3, 4.5, False, 7)])
def test_numbers_of_different_types(t):
    check(mixed_sum, t)


def lengths(t):
    r = 0
    for x in literal_unroll(t):
        r += len(x)
    return r


def test_tuples_of_different_lengths():
    check(lengths, ((1,), (1, 2), (1, 2.0, 3)))


def by_kind(t):
    n = 0
    s = 0.0
    for x in literal_unroll(t):
        if isinstance(x, str):
            n += len(x)   # types only for the strings: each copy keeps the branch its item takes
        elif isinstance(x, (int, float)):
            s += x
        else:
            n += x.shape[0]
    return n, s


def test_isinstance_picks_each_copys_branch():
    check_all(by_kind, [(("ab", 3, "cde"),), ((1.5, "x", np.zeros(4), 2),), (("",),)])


def by_kind_written_here():
    n = 0
    s = 0.0
    for x in literal_unroll((1, "ab", 2.5, True, "cde")):
        if isinstance(x, str):
            n += len(x)   # a tuple written in the function decides its copies' branches too
        elif isinstance(x, bool):
            n += 100
        else:
            s += x
    return n, s


def test_isinstance_picks_each_copys_branch_of_a_tuple_written_here():
    check(by_kind_written_here)


def item_kind(t):
    y = t[1]
    if isinstance(y, str):
        return len(y)
    return y + 1


def test_isinstance_of_an_item_of_a_tuple_parameter():
    check_all(item_kind, [((1, "abc"),), ((1, 41),)])


def arrays(t, k):
    out = 0.0
    for a in literal_unroll(t):
        out += a.sum() * k
        if out > 1e6:
            break
    return out


def test_arrays_of_different_dtypes_and_ndim():
    t = (np.ones(3), np.arange(4).reshape(2, 2), np.arange(3, dtype=np.int32))
    check(arrays, t, 2.0)


def nested(t, u):
    total = 0.0
    for x in literal_unroll(t):
        for y in literal_unroll(u):
            total += x * y
        total += 1
    return total


def test_nested_and_continue():
    check(nested, (1, 2.5), (True, 3, 0.5))

    def skip(t):
        s = 0.0
        for x in literal_unroll(t):
            if x == 2:
                continue
            s += x
        return s
    check(skip, (1, 2, 3.5))


def test_homogeneous_and_non_tuple():
    check(mixed_sum, (1.0, 2.0))

    def over_array(a):
        s = 0.0
        for x in literal_unroll(a):
            s += x
        return s
    check(over_array, np.arange(5.0))


def test_outside_a_for_loop_it_is_the_tuple():
    def f(t):
        u = literal_unroll(t)
        return u[0] + u[1]
    check(f, (1, 2.5))


def sum_of_builtins(x):
    s = 0.0
    for g in literal_unroll((np.sin, np.cos, math.sqrt)):
        s += g(x)
    return s


def tuple_of_builtins(x):
    fs = (math.sin, math.cos)
    return fs[0](x) + fs[1](x)


def test_tuples_of_builtin_functions():
    # as in Numba: a tuple may hold functions such as np.sin and math.cos, unrolled or indexed by a constant
    check(sum_of_builtins, 0.5)
    check(tuple_of_builtins, 0.5)


def total(*args):
    s = 0.0
    for x in args:        # an empty *args: the body never runs, and is not typed
        s += x
    else:
        s += 0.5
    return s


def first_over(t, lim):
    s = 0.0
    for v in impl.literal_unroll(t):
        if v > lim:
            break         # (the iterator reaches the loop through more stack variables)
        s += v
    return s


@numba_xfail("numba types the body of a loop over an empty tuple (its x is none)")
def test_loop_over_an_empty_tuple():
    f = impl.njit(total)
    assert f() == 0.5 and f(1.0, 2.0) == 3.5


@numba_xfail("numba's literal_unroll of an argument tuple with a break in the body")
def test_literal_unroll_with_a_break():
    g = impl.njit(first_over)
    assert g((1, 2.5, 3), 2) == 1.0 and g((1, 2.5, 3), 5) == 6.5


def first_only(t):
    s = 0.0
    for v in impl.literal_unroll(t):
        s += v * 2
        break             # (no jump back: the body runs for the first item only)
    return s


def first_returned(t):
    for v in impl.literal_unroll(t):
        return v + 1
    return -1


@numba_xfail("numba rejects a literal_unroll loop over mixed types whose body always leaves it")
def test_literal_unroll_body_that_always_leaves():
    assert impl.njit(first_only)((1.5, 2, 3.5)) == 3.0
    assert impl.njit(first_returned)((2, 2.5, "a")) == 3
    assert impl.njit(first_returned)((2.5,)) == 3.5
