"""Sets, compiled vs CPython: literals, comprehensions, set() typed by its first add, methods,
operators (also in place), membership, len, set arguments and results, KeyError from remove
and pop. Iteration order is insertion order in ember (CPython's follows its hash table), so
tests compare sets, or sorted lists."""

import pytest

from difftest import check, check_all, no_leaks  # noqa: F401 -- autouse fixture

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
