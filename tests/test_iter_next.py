"""iter() and next() of any iterable, against CPython: an iterator is the iterable's own loop
state, so a `for` loop, zip() or next() goes on from where another left it; next() at the end
raises StopIteration, or gives its default."""

import numpy as np
import pytest

from difftest import ON_NUMBA, check, no_leaks  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.skipif(ON_NUMBA, reason="numba types few of these (a for loop over iter(array), dict arguments)")


def first_and_rest(a):
    it = iter(a)
    first = next(it)
    s = 0.0
    for x in it:
        s += x
    return first, s, next(it, -1.0)


def first_items_then_rest(l, n):
    it = iter(l)
    head = [(x, i) for i, x in zip(range(n), it)]
    rest = 0
    for x in it:
        rest += x
    return head, rest


def strings(l):
    it = iter(l)
    a = next(it)
    b = next(it, "none")
    return a + b + next(it, "none")


def first_key(d):
    return next(iter(d))


def past_the_end(a):
    it = iter(a)
    next(it)
    return next(it)


def iter_of_an_iterator(t):
    it = iter(t)
    it2 = iter(it)             # the same iterator
    return next(it), next(it2), next(it), next(it2, 99)


def over_a_range_and_a_string(n, s):
    r = iter(range(n))
    c = iter(s)
    return next(r), next(r, -5), next(c), [x for x in c]


def rows(a):
    it = iter(a)
    top = next(it)
    return top.sum(), sum([r.sum() for r in it])


@pytest.mark.parametrize("n", [1, 2, 5])
def test_iter_next_of_sequences(n):
    check(first_and_rest, np.arange(float(n)))
    check(first_and_rest, [float(x) for x in range(n)])
    check(first_items_then_rest, list(range(5, 5 + n)), 3)
    check(strings, ["x", "yy", "zzz"][:n] if n <= 3 else ["x"])
    check(rows, np.arange(6.0 * n).reshape(n * 2, 3))


def test_iter_next_of_other_iterables():
    check(first_key, {3: 1.0, 5: 2.0})
    check(iter_of_an_iterator, (4, 5, 6))
    check(over_a_range_and_a_string, 1, "abc")
    check(over_a_range_and_a_string, 3, "a")


def test_next_past_the_end_raises_stop_iteration():
    check(past_the_end, np.arange(1.0))
    check(past_the_end, [1])
