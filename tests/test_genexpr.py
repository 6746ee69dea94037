"""Generator expressions, compiled vs CPython: consumed by sum, any, all, min, max, sorted, list,
set, dict, str.join, np.array(list(...)) and for loops; with conditions, nested loops, closure
variables and every iterable kind; an exception raised halfway leaks nothing. Each is a lazy
generator (codegen/lower_gen.c): any and all stop at the item that decides."""

import numpy as np
import pytest

from difftest import check, check_all, no_leaks  # noqa: F401 -- autouse fixture

import ember


def reducers(n):
    return (sum(i * i for i in range(n)), any(i > 3 for i in range(n)), all(i < 5 for i in range(n)),
            sum(i for i in range(n) if i % 2))


def min_max(a, k):
    return max(x * k for x in a if x > 0), min(abs(x) for x in a)


def nested(m):
    return sum((x for row in m for x in row if x != 2.0), 0.0)


def collections(n):
    return (sorted((i * 7) % 5 for i in range(n)), sorted(set(i % 3 for i in range(n))),
            list(i / 2 for i in range(n)), dict((i, i * i) for i in range(n)))


def join(words):
    return "-".join(w.upper() for w in words if w)


def for_loop(n):
    s = 0.0
    for v in (i / 2 for i in range(n)):
        s += v
    return s


def to_array(a):
    return np.array(list(x * 2 for x in a))


def over_dict(d):
    return sum(v for k, v in d.items() if k != "b"), max(len(k) for k in d)


def over_pairs(a, b):
    return sum(x * y for x, y in zip(a, b)), sum(i * x for i, x in enumerate(a))


def closure(a, lo, hi):
    scale = hi - lo
    return sum((x - lo) / scale for x in a if lo <= x <= hi)


def empty_any_all(n):
    return any(i > 0 for i in range(n)), all(i > 0 for i in range(n)), sum(i for i in range(n))


def raises_halfway(l):
    return sum(1.0 / x for x in l)


def max_of_empty(n):
    return max(i for i in range(n))


@pytest.mark.parametrize("n", [0, 1, 7])
def test_builtins_consume_generators(n):
    check(reducers, n)
    check(collections, n)
    check(for_loop, n)
    check(empty_any_all, n)


def test_generator_forms():
    a = np.array([-1.0, 2.0, 3.5, -0.5])
    check_all(min_max, [(a, 2.0), (a[::2], -1.0)])
    check_all(nested, [(np.ones((3, 4)),), (np.arange(6.0).reshape(2, 3),), (np.zeros((0, 2)),)])
    check_all(join, [(["a", "", "bc", "é"],), (["x"],)])
    check_all(to_array, [(np.arange(3.0),), (np.arange(0.0),)])
    check(over_dict, {"a": 1, "bb": 2, "c": 3})
    check_all(over_pairs, [(np.arange(4.0), np.ones(4)), (np.arange(1.0), np.ones(1))])
    check_all(closure, [(np.linspace(0, 10, 11), 2.0, 6.0)])


def test_errors_inside_generators():
    check_all(raises_halfway, [([1.0, 2.0, 0.0, 4.0],), ([0.0],), ([2.0],)])
    check_all(max_of_empty, [(0,), (3,)])


@ember.njit
def gen(n):
    for i in range(n):
        yield i


def use_gen(n):
    s = 0
    for v in gen(n):
        s += v
    return s


def test_generator_functions_compile():   # (test_generators.py covers them)
    assert ember.njit(use_gen)(5) == 10


def any_stops(a):   # the items after the first True would divide by zero
    return any(10 // (x - 5) > 0 or x == 2 for x in a)


def all_stops(a):
    return all(x < 4 and 10 // (x - 5) != 7 for x in a)


def sum_of_squares(a):
    return sum(x * x for x in a if x > 0), max(x for x in a), sorted((x for x in a), reverse=True)[:2]


@pytest.mark.parametrize("a", [[1, 2, 5, 6], [6, 7], [3], [5]])
def test_any_and_all_stop_at_the_deciding_item(a):
    check(any_stops, a)
    check(all_stops, a)


def test_generator_expressions_over_arrays():
    check(sum_of_squares, np.array([3.0, -1.0, 2.5, 0.0]))
