"""A negative index's wrap made in one block and read back in the blocks it dominates
(codegen/lower_array.c, wrapped_before): `if isnan(agg[y, x]): agg[y, x] = v else: agg[y, x] += v`
wraps y and x once. Against CPython with negative indices, indices and arrays stored again
between the reads (which must wrap again), loops, merged loops, handlers and generators."""

import math

import numpy as np
import pytest

from difftest import check, impl, no_leaks, numba_xfail  # noqa: F401

njit = impl.njit


@njit
def _add_cell(x, y, agg, v):   # (the sides read the wraps of the test's block)
    if math.isnan(v):
        return -1
    first = math.isnan(agg[y, x])
    if first:
        agg[y, x] = v
    else:
        agg[y, x] = agg[y, x] + v
    return int(first)


def nan_sum_cells(xs, ys, vals, agg):
    for i in range(xs.shape[0]):
        _add_cell(xs[i], ys[i], agg, vals[i])
    return agg


def test_nan_sum_with_negative_indices():
    r = np.random.default_rng(0)
    n = 400
    xs = r.integers(-6, 6, n)   # negative ones count from the end
    ys = r.integers(-4, 4, n)
    vals = r.standard_normal(n)
    vals[::7] = np.nan
    check(nan_sum_cells, xs, ys, vals, np.full((4, 6), np.nan))


def max_at_labels(labels, v, m):
    out = np.full(m, -np.inf)
    for k in range(labels.shape[0]):
        j = labels[k]
        if v[k] > out[j]:
            out[j] = v[k]
        else:
            out[j] -= 0.0
    return out


def index_stored_again(a, i, k):
    s = 0.0
    if a[i] > 0:
        s += a[i]
        i = k   # another element now: its own wrap
        a[i] = 7.0
    else:
        s -= a[i]
    return s, a


def array_stored_again(a, b, i):
    s = a[i]
    if s > 0:
        a = b   # another array: another length to wrap against
        a[i] = 3.0
    return s + a[i]


def loop_index_once_per_trip(a, idx):
    t = 0.0
    for k in range(idx.shape[0]):
        j = idx[k] - 3
        if a[j] > t:
            t = a[j]
            a[j] = 0.0
        elif a[j] < -t:
            a[j] += 1.0
    return t, a


def wrap_then_call_then_side(a, i):
    v = a[i]
    w = math.sqrt(abs(v))   # a call between the read and the sides
    if v > 0.5:
        a[i] = w
    else:
        a[i] += w
    return a


def guarded_by_try(a, i):
    try:
        v = a[i]
        if v > 0:
            a[i] = 1.0
        else:
            a[i] = 2.0
    except IndexError:
        return -1.0
    return a[i]


def gen_wraps(a, i):
    v = a[i]
    yield v
    if v > 0:
        a[i] = -v
    yield a[i]


def collapsed_pair(a, off):
    n, m = a.shape
    for j in range(n):
        for k in range(m):
            o = off
            if a[j, k - o] > 0:
                a[j, k - o] *= 2.0
            else:
                a[j, k - o] = 0.5
    return a


@pytest.mark.parametrize("i", [0, 2, -1, -5])
def test_wraps_across_blocks(i):
    r = np.random.default_rng(1)
    a = r.standard_normal(5)
    check(index_stored_again, a, i, -2)
    check(index_stored_again, -np.abs(a), i, -2)
    check(array_stored_again, np.abs(a) + 0.1, np.arange(8.0), i)
    check(array_stored_again, -np.abs(a), np.arange(8.0), i)
    check(wrap_then_call_then_side, a, i)
    assert list(njit(gen_wraps)(a.copy(), i)) == list(gen_wraps(a.copy(), i))


def test_wraps_in_loops():
    r = np.random.default_rng(2)
    check(max_at_labels, r.integers(-5, 5, 300), r.standard_normal(300), 5)
    check(loop_index_once_per_trip, r.standard_normal(9), r.integers(0, 9, 200))
    check(collapsed_pair, r.standard_normal((6, 7)), 3)
    check(collapsed_pair, r.standard_normal((6, 7)), 0)


@numba_xfail("numba catches only Exception and bare except (exception_match(none, IndexError))")
@pytest.mark.parametrize("i", [0, -1, -5, 9])
def test_wraps_under_a_handler(i):
    check(guarded_by_try, np.random.default_rng(3).standard_normal(5), i)


def flip_if_both(a, idx, c):
    s = 0.0
    for k in range(idx.shape[0]):
        j = idx[k]
        if c > 0 and a[j] > 0.0:   # the second test lowered into the first's block (branch_on_both)
            s += a[j]
            a[j] = -a[j]
    return s, a


def update_if_both(a, idx, c):
    s = 0.0
    for k in range(idx.shape[0]):
        j = idx[k]
        if a[j] > 0.0 and c > 0:
            s += a[j]
            a[j] = 1.0
        elif a[j] < -1.0:
            a[j] += 1.0
    return s, a


def test_wraps_of_blocks_lowered_into_their_predecessor():
    # a block whose work went into its predecessor keeps no wraps for the blocks after it (their
    # path no longer runs its own lowering)
    rng = np.random.default_rng(5)
    idx = rng.integers(-50, 50, 400)
    for c in (1, -1):
        check(flip_if_both, rng.standard_normal(50), idx, c)
        check(update_if_both, rng.standard_normal(50), idx, c)


def enumerate_indices(a, start):
    s = 0.0
    for k, x in enumerate(range(4, -1, -1), start):
        s += a[k] * (x + 1)   # k from enumerate: >= 0 only when start is
    for k, v in enumerate(a):
        s += a[k - 1] * v
    return s


@pytest.mark.parametrize("start", [0, 2, -3, -7])
def test_enumerate_counts_wrap_only_below_zero(start):
    check(enumerate_indices, np.arange(1.0, 13.0), start)
