"""Sets, compiled vs CPython: literals, comprehensions, set() typed by its first add, methods,
operators (also in place), comparisons (inclusion), membership, len, set arguments and
results, KeyError from remove and pop. Tests compare sets (test_set_order.py compares the
order of iteration)."""

import numpy as np
import pytest

from difftest import check, check_all, errors, jit, njit, no_leaks, numba_skip, numba_xfail  # noqa: F401 -- autouse fixture

import ember


def build(n):
    a = {1, 2, 3}
    b = {i % 4 for i in range(n)}
    c = set()
    for i in range(n):
        c.add(i * 0.5)
    d = set(range(n))
    e = {(1, 2.5), (1, 2.5)}
    return a, b, c, d, e, len(b), set()


def methods(n, k):
    s = {i for i in range(n)}
    s.add(k)
    s.discard(k + 1)
    s.update([k, k + 10])
    t = s.copy()
    t.clear()
    return (s, t, k in s, (k + 5) not in s, s.union({k, 42}), s.intersection({k, 1}), s.difference({k}),
            s.symmetric_difference({k, 77}), sorted(s), sum(s), bool(t))


@pytest.mark.parametrize("n,k", [(0, 0), (3, 1), (5, -2)])
def test_methods(n, k):
    check(methods, n, k)


def operators(a, b):
    c = a | b
    d = a & b
    e = a - b
    f = a ^ b
    g = a.copy()
    g |= b
    h = a.copy()
    h &= b
    i = a.copy()
    i -= b
    j = a.copy()
    j ^= b
    return c, d, e, f, g, h, i, j


def remove(s, x):
    s.remove(x)
    return s


def pop_all(n):
    s = set(range(n))
    total = 0
    for _ in range(n + 1):
        total += s.pop()
    return total


def test_building_and_operators():
    check_all(build, [(0,), (6,)])
    check_all(operators, [({1, 2, 3}, {2, 3, 4}), ({1.5}, {2.5}), ({(1, 2)}, {(1, 2), (3, 4)})])
    check_all(remove, [({1, 2}, 1), ({1, 2}, 3)])
    check_all(pop_all, [(0,), (3,)])
    with pytest.raises(KeyError) as e:
        ember.njit(remove)({1, 2}, 9)
    assert e.value.args == (9,)


# ---- inclusion: issubset, issuperset, isdisjoint, the comparisons; the in-place updates ---------
def inclusion(a, b):
    return (a.issubset(b), a.issuperset(b), a.isdisjoint(b), a <= b, a < b, a >= b, a > b, a == b, a != b,
            b.issubset(a), b.isdisjoint(a), b < a, b == a)


PAIRS = [({1, 2}, {1, 2}), ({1, 2}, {1, 2, 3}), ({1, 2, 3}, {1, 2}), ({1, 5}, {2, 3}), ({1, 2}, {2, 3}),
         ({-1}, {-1}), (set(range(0, 50, 2)), set(range(50))), ({(1, 2.5)}, {(1, 2.5), (2, 3.0)}),
         ({0.0, 1.5}, {-0.0, 1.5}), ({True}, {False, True})]
STR_PAIRS = [({"a", "b"}, {"b", "a", "c"}), ({"a"}, {"b"}), ({"a", "é"}, {"é", "a"})]


def test_inclusion():
    check_all(inclusion, PAIRS)


@numba_xfail("numba fails to compile these methods over sets of str")
def test_inclusion_of_str_sets():
    check_all(inclusion, STR_PAIRS)
    check_all(updates, STR_PAIRS)
    check_all(self_updates, [({"a"},)])
    check_all(update_argument, [({"a"}, {"a"}), ({"a", "b"}, {"c"})])


def inclusion_of_empty(n):
    e = set()
    s = {i for i in range(n)}
    return (e.issubset(s), e.issuperset(s), e.isdisjoint(s), s.issubset(e), s.isdisjoint(e), e <= s, e < s, s > e,
            s >= e, e == s, e != s, e == set(), e < set(), s == set(), s.issubset(set()), s.issuperset(set()))


@numba_skip("numba types neither set() left empty nor a set comprehension")
@pytest.mark.parametrize("n", [0, 1, 3])
def test_inclusion_of_empty_sets(n):
    check(inclusion_of_empty, n)


def updates(a, b):
    x = a.copy()
    x.difference_update(b)
    y = a.copy()
    y.intersection_update(b)
    z = a.copy()
    z.symmetric_difference_update(b)
    return x, y, z, a, b


def self_updates(a):
    x = a.copy()
    x.difference_update(x)
    y = a.copy()
    y.intersection_update(y)
    z = a.copy()
    z.symmetric_difference_update(z)
    return x, y, z


def update_argument(a, b):
    a.symmetric_difference_update(b)
    b.intersection_update(a)
    return len(a), len(b)


def test_updates():
    check_all(updates, PAIRS)
    check_all(self_updates, [({1, 2},), ({(1, 2.5)},)])
    check_all(update_argument, [({1, 2, 3}, {3, 4}), ({1.5}, {1.5})])   # the arguments changed too


def empty_updates(n):
    e = set()
    s = {i for i in range(n)}
    e.symmetric_difference_update(s)
    s.difference_update(set())
    f = set()
    f.intersection_update(s)
    return e, s, f


@numba_skip("numba types neither set() left empty nor a set comprehension")
def test_updates_of_empty_sets():
    check_all(empty_updates, [(0,), (4,)])


@njit
def of_iterables(s, xs):
    x = s.copy()
    x.difference_update(xs)
    y = s.copy()
    y.intersection_update(xs)
    z = s.copy()
    z.symmetric_difference_update(xs)
    return (s.issubset(xs), s.issuperset(xs), s.isdisjoint(xs), x, y, z, s.union(xs), s.intersection(xs),
            s.difference(xs), s.symmetric_difference(xs))


def of_views_and_ranges(s, d, n):
    return (of_iterables(s, d), of_iterables(s, d.keys()), of_iterables(s, range(n)), of_iterables(s, (1, n, 1)))


@numba_skip("numba's set methods take only sets")
def test_methods_take_any_iterable():
    check_all(of_iterables, [({1, 2, 3}, [3, 4, 4, 5]), ({1, 2}, [1, 2, 1]), ({1, 2}, np.array([2, 9])),
                             ({1.5, 2.0}, [2, 3]), ({"a", "q"}, "abc"), ({(1, 2)}, [(1, 2), (3, 4)])])
    check_all(of_views_and_ranges, [({1, 2, 3}, {3: 0.5, 7: 1.5}, 2), ({5}, {5: 1.0}, 0)])


def set_equal_other(s):
    return s == 1, s != 1, s == [1], s == {1: 2}, s == None, {1: 2} == s   # noqa: E711


@numba_skip("numba refuses == between a set and another type")
def test_a_set_equals_no_other_type():
    check(set_equal_other, {1})


def keys_views(d, s):
    k = d.keys()
    return k == s, s == k, k <= s, k < s, k >= s, k > s, k != s, s.issubset(k), d.items() == {(1, 2.0)}


@numba_skip("numba does not compare keys views with sets")
def test_keys_and_items_views_compare_as_sets():
    check_all(keys_views, [({1: 2.0, 3: 4.0}, {1, 3}), ({1: 2.0}, {1, 3}), ({1: 2.0}, {3})])


def mixed_item_types(a):
    return a == {1.5}


def values_view(d):
    return d.values() == d.values()


@numba_skip("ember's messages")
def test_comparisons_refused():
    with pytest.raises(errors.TypingError, match=r"'==' is not supported between set\(int64\) and set\(float64\)"):
        jit(mixed_item_types)({1})
    with pytest.raises(errors.TypingError, match=r"issubset\(\) of set\(int64\) and set\(float64\)"):
        jit(lambda a: a.issubset({1.5}))({1})
    with pytest.raises(errors.UnsupportedError, match="values view"):
        jit(values_view)({1: 2})


def sets_made_empty_then_filled(n):
    adj = []
    for i in range(n):
        s = set()
        s.add(i)
        s.add(i * 2 % 5)
        adj.append(s)
    adj[0].add(7)
    return sum([len(s) for s in adj]), 7 in adj[0]


def dict_of_sets_made_empty(n):
    d = {}
    for i in range(n):
        s = set()
        d[i % 3] = s
        s.add(i)
    return len(d[0]), len(d[1])


def test_a_container_of_sets_made_empty_learns_their_item_type():
    """adj.append(s) of s = set() filled after: the list's item type comes from s.add (numba
    does this for a typed List())."""
    check(sets_made_empty_then_filled, 4)


@numba_xfail(reason="numba cannot type a reflected dict of sets")
def test_a_dict_of_sets_made_empty_learns_their_item_type():
    check(dict_of_sets_made_empty, 5)

