"""heapq in compiled code (ember/_pylib.py): heapify, heappush, heappop, heapreplace, heappushpop,
nsmallest and nlargest on lists of floats, ints and tuples, through `heapq.f` and `from heapq
import f`, against CPython: the values popped and the list's own layout after each operation
(the same as CPython's heapq leaves it), an empty heap's IndexError, and a Dijkstra search."""

import heapq
from heapq import heappop, heappush

import numpy as np
import pytest

from difftest import ON_NUMBA, check, check_all, errors, jit, no_leaks, numba_xfail  # noqa: F401


def push_pop(xs, k):
    h = [xs[0]]
    h.pop()
    for x in xs:
        heapq.heappush(h, x)
    layout = list(h)
    out = []
    for _ in range(k):
        out.append(heapq.heappop(h))
    return out, layout, h


def heapify_then(xs, extra):
    h = list(xs)
    heapq.heapify(h)
    first = list(h)
    a = heapq.heapreplace(h, extra)
    b = heapq.heappushpop(h, extra)
    c = heapq.heappushpop(h, h[0] - 1) if len(h) else extra
    return first, a, b, c, h


def smallest_largest(xs, n):
    return heapq.nsmallest(n, xs), heapq.nlargest(n, xs)


def from_imported(xs):
    h = [(0.0, 0)]
    h.pop()
    for i in range(len(xs)):
        heappush(h, (xs[i], i))
    order = []
    while h:
        order.append(heappop(h)[1])
    return order


def pop_empty(xs):
    h = list(xs)
    while True:
        heapq.heappop(h)


def dijkstra(indptr, indices, weights, src):
    n = indptr.shape[0] - 1
    dist = np.full(n, np.inf)
    dist[src] = 0.0
    h = [(0.0, src)]
    while h:
        d, u = heapq.heappop(h)
        if d > dist[u]:
            continue
        for e in range(indptr[u], indptr[u + 1]):
            v = indices[e]
            nd = d + weights[e]
            if nd < dist[v]:
                dist[v] = nd
                heapq.heappush(h, (nd, v))
    return dist


def lists(seed):
    rng = np.random.default_rng(seed)
    floats = [float(x) for x in rng.integers(0, 20, 37)]   # many ties
    ints = [int(x) for x in rng.integers(-50, 50, 64)]
    return floats, ints


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_push_pop_layouts(seed):
    floats, ints = lists(seed)
    check_all(push_pop, [(floats, 10), (floats, len(floats)), (ints, 5), (ints[:1], 1), ([2.5, -0.0, 0.0, -1.5], 4)])


@pytest.mark.parametrize("seed", [0, 3])
def test_heapify_replace_pushpop(seed):
    floats, ints = lists(seed)
    check_all(heapify_then, [(floats, 7.5), (ints, -100), (ints, 100), (ints[:2], 0), (floats[:1], 3.0)])


def test_nsmallest_nlargest():
    floats, ints = lists(4)
    check_all(smallest_largest, [(floats, 5), (floats, 0), (floats, -2), (floats, 100), (ints, 9), (ints[:1], 3)])


def test_tuples_and_from_import():
    floats, _ = lists(5)
    check(from_imported, floats)


def test_pop_of_an_empty_heap_raises():
    check(pop_empty, [1.0, 2.0, 3.0])


def test_dijkstra():
    rng = np.random.default_rng(6)
    n, m = 60, 240
    src, dst = rng.integers(0, n, m), rng.integers(0, n, m)
    order = np.argsort(src, kind="stable")
    indptr = np.searchsorted(src[order], np.arange(n + 1)).astype(np.int64)
    check(dijkstra, indptr, dst[order].astype(np.int64), rng.random(m) * 10, 0)


def push_onto_an_array(a):
    heapq.heappush(a, 1.0)
    return a


@pytest.mark.skipif(ON_NUMBA, reason="ember's message")
def test_a_heap_other_than_a_list_is_refused_at_the_call():
    with pytest.raises(errors.TypingError) as info:
        jit(push_onto_an_array)(np.zeros(3))
    text = str(info.value)
    assert "test_heapq.py:" in text and "a heap other than a list" in text, text


def heap_filled_later(n):
    h = []
    for i in range(n):
        h.append((n - i, i))
    heapq.heapify(h)
    return heapq.heappop(h)


def heap_of_a_literal():
    return heapq.heappushpop([1.0, 5.0], 3.0), heapq.heapreplace([2, 7], 4)


def test_heap_typed_by_a_later_append():
    assert jit(heap_filled_later)(5) == (1, 4)


def test_heap_given_as_a_list_literal():
    assert jit(heap_of_a_literal)() == (1.0, 2)


def named_jobs(costs, names):
    h = [(costs[0], names[0])]
    for i in range(1, len(costs)):
        heapq.heappush(h, (costs[i], names[i]))
    order = []
    while h:
        order.append(heapq.heappop(h)[1])
    return order, max(list(zip(costs, names))), min([(n, c) for c, n in zip(costs, names)])


def test_tuples_holding_strings():
    """(priority, name) tuples: ties compare the names, as CPython's tuples do."""
    check(named_jobs, [3.0, 1.0, 2.0, 1.0, 3.0], ["c", "b", "x", "a", "ab"])


def tuple_str_compares(a, b):
    return a < b, a <= b, a == b, a != b, a > b, a >= b, ((a, 1) == (a, 1)), ((1, a), 2) < ((1, b), 0)


@pytest.mark.parametrize("a, b", [((1.0, "a"), (1.0, "b")), ((2.0, "b"), (1.0, "b")), ((1.0, "x"), (1.0, "x")),
                                  ((1.0, ""), (1.0, "é"))])
def test_tuple_compares_with_strings(a, b):
    check(tuple_str_compares, a, b)


def smallest_largest_of(xs, n):
    return heapq.nsmallest(n, xs), heapq.nlargest(n, xs), heapq.nsmallest(n, [x * 2.0 for x in xs])


@pytest.mark.parametrize("n", [1, 3, 7, 12, pytest.param(40, marks=numba_xfail("numba's sort swaps -0.0 and 0.0"))])
def test_nsmallest_nlargest_keep_equal_items_in_order(n):
    """sorted(xs)[:n] and sorted(xs, reverse=True)[:n]: -0.0 and 0.0 compare equal and keep
    their order (a bounded heap of (item, position) pairs; list.sort of floats is stable too)."""
    rng = np.random.default_rng(n)
    xs = [float(v) for v in rng.integers(-3, 3, 30)]
    for k in range(0, 30, 4):
        xs[k] = -0.0 if xs[k] == 0 else xs[k]
    got = jit(smallest_largest_of)(xs, n)
    want = smallest_largest_of(xs, n)
    assert [[repr(v) for v in part] for part in got] == [[repr(v) for v in part] for part in want]


@numba_xfail("numba's sort swaps -0.0 and 0.0")
def test_list_sort_of_floats_is_stable_for_zeros():
    xs = [0.0, -0.0, 1.0, -0.0, 0.0, -1.0] * 5
    got = jit(lambda xs: (sorted(xs), sorted(xs, reverse=True)))(xs)
    assert [[repr(v) for v in part] for part in got] == [[repr(v) for v in sorted(xs)], [repr(v) for v in sorted(xs, reverse=True)]]


def pushes_into_an_empty_list(n):
    h = []
    for i in range(n):
        heapq.heappush(h, (float((i * 7) % 5), i))
    out = []
    while h:
        out.append(heapq.heappop(h)[1])
    return out


def pushes_then_a_comprehension(x):
    h = []
    for v in x:
        heapq.heappush(h, v)
    return [heapq.heappop(h) for _ in range(min(3, len(h)))]


@numba_xfail("numba cannot type a list made empty and filled by heappush")
@pytest.mark.parametrize("n", [0, 1, 6])
def test_heappush_gives_an_empty_list_its_item_type(n):
    """h = [] then heappush(h, item): the item types the list, as append does (numba cannot type
    these); a comprehension using h waits for that type."""
    check(pushes_into_an_empty_list, n)
    check(pushes_then_a_comprehension, np.arange(float(n))[::-1].copy())
