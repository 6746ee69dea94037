"""A fresh array stored in a variable as its only use (t = np.empty(4)): codegen/lower_array.c
hands the producer's reference to the variable instead of taking one more and dropping the
producer's later. Differential against CPython, with the leak fixture (no block left, none freed
twice: the suite runs with EMBER_CHECK_FREES): stores in loops, in branches, chained, returned,
kept in a list, stored twice, and loops that raise halfway."""

import numpy as np
import pytest

from difftest import check, no_leaks  # noqa: F401


def fresh_each_trip(n):
    s = 0.0
    for i in range(n):
        t = np.empty(4)
        t[0] = i
        t[1:] = 2.0
        s += t.sum()
    return s


def keep_last(n):
    t = np.zeros(3)
    for i in range(n):
        t = np.full(3, float(i))
    return t


def two_names(n):
    a = b = np.ones(2)          # one value, two stores
    for i in range(n):
        a = np.arange(3.0) + i
        b = a
    return a, b


def branchy(n):
    out = np.zeros(2)
    for i in range(n):
        if i % 3 == 0:
            t = np.ones(2) * i
        else:
            t = np.zeros(2)
        out = out + t
    return out


def into_list(n):
    kept = []
    for i in range(n):
        t = np.full(2, i)
        kept.append(t)
    total = 0
    for t in kept:
        total += t.sum()
    return total


def raises_halfway(n, stop):
    s = 0.0
    for i in range(n):
        t = np.ones(5) * i
        if i == stop:
            raise ValueError("stop")
        s += t[0]
    return s


def swap_fresh(n):
    a = np.zeros(3)
    b = np.ones(3)
    for i in range(n):
        a, b = b, a + 1.0
    return a, b


@pytest.mark.parametrize("n", [0, 1, 2, 7])
def test_moves(n):
    check(fresh_each_trip, n)
    check(keep_last, n)
    check(two_names, n)
    check(branchy, n)
    check(into_list, n)
    check(swap_fresh, n)


def test_raise_after_a_move():
    check(raises_halfway, 10, 4)
    check(raises_halfway, 10, 0)
    check(raises_halfway, 3, 9)
