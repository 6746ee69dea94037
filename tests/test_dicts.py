"""Dicts, compiled vs CPython: literals, comprehensions, `{}` typed by its first use, items,
every method, membership, iteration in insertion order, keys of int, float, bool and tuples,
values of numbers, lists and arrays, dict arguments and results, KeyError with its key, and
no leak when a dict of arrays raises halfway."""

import numpy as np
import pytest

from difftest import check, check_all, no_leaks  # noqa: F401 -- autouse fixture

import ember


def histogram(a):
    d = {}
    for x in a:
        d[x] = d.get(x, 0) + 1
    return d


def build(n):
    d = {i: i * 0.5 for i in range(n) if i != 2}
    e = {1: 2, 3: 4, 1: 5}
    f = dict()
    f[(1, 2.5)] = True
    return d, e, f, {}


def test_building():
    check_all(histogram, [(np.array([3, 1, 3, 2, 1, 3]),), (np.array([], dtype=np.int64),), (np.array([7]),)])
    check_all(build, [(0,), (5,)])


def methods(n, k):
    d = {i: i * 1.5 for i in range(n)}
    d[100] = 2.5
    a = d.pop(k, -1.0)
    b = d.get(k + 1, -2.0)
    c = d.setdefault(k, 9.0)
    g = d.setdefault(100, 0.0)
    d.update({7: 7.5, 100: 0.5})
    keys = list(d.keys())
    vals = list(d.values())
    items = list(d.items())
    e = d.copy()
    last = d.popitem()
    total = 0
    for key in d:
        total += key
    n_before = len(d)
    e.clear()
    return d, a, b, c, g, keys, vals, items, e, last, total, n_before, k in d, (k + 50) not in d, bool(e)


@pytest.mark.parametrize("n,k", [(0, 0), (3, 1), (5, 4), (5, -1)])
def test_methods(n, k):
    check(methods, n, k)


def getitem(d, k):
    return d[k]


def delitem(d, k):
    del d[k]
    return d


def pop_missing(d, k):
    return d.pop(k)


def popitem_empty(n):
    d = {i: i for i in range(n)}
    return d.popitem()


def test_key_error():
    check_all(getitem, [({1: 2.0, 3: 4.0}, 3), ({1: 2.0}, 5), ({(1, 2): 1}, (1, 2)), ({(1, 2): 1}, (2, 1))])
    check_all(delitem, [({1: 2.0, 3: 4.0}, 1), ({1: 2.0}, 7)])
    check_all(pop_missing, [({1: 2.0}, 1), ({1: 2.0}, 2)])
    check_all(popitem_empty, [(0,), (2,)])
    with pytest.raises(KeyError) as e:
        ember.njit(getitem)({1: 2.0}, 42)
    assert e.value.args == (42,)


def keys_of_kinds(x):
    d = {x: 1, -x: 2, 0.0: 3}
    b = {True: 1, False: 2}
    t = {(1, x): 1, (2, x): 2}
    t[(1, x)] += 10
    return d, b, t, -0.0 in d, (2, x) in t


def test_keys():
    check_all(keys_of_kinds, [(1.5,), (0.0,), (-2.0,)])


def values_of_kinds(n):
    lists = {}
    for i in range(n):
        lists.setdefault(i % 3, [0]).append(i)
    arrs = {i: np.ones(i) for i in range(n)}
    arrs[0] = np.zeros(3)
    del arrs[1]
    return lists, arrs


def test_values():
    check_all(values_of_kinds, [(0,), (2,), (7,)])


def raise_halfway(n):
    d = {i: np.ones(i) for i in range(4)}
    for i in range(n):
        d[i] = np.zeros(2)
        if i == 2:
            raise ValueError("stop")
    return d


def test_raises_without_leaks():
    check_all(raise_halfway, [(2,), (5,)])


def hashes(x):
    return {x: 1}


def test_argument_and_iteration_order():
    check_all(getitem, [({5: 1.0, 2: 3.0, 9: 4.0}, 2)])
    d = {5: 1.0, 2: 3.0, 9: 4.0}
    assert list(ember.njit(delitem)(d, 2)) == [5, 9]
    assert d == {5: 1.0, 2: 3.0, 9: 4.0}   # a dict argument is converted, not reflected
