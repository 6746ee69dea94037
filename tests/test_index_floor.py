"""Negative-index wrapping in loops whose indices have a loop-invariant lower bound
(codegen/lower_floor.c): range values from a start that is a parameter, variables that only grow
(i = lo; ... i += 1), and + - of those. Lowering tests the bound >= 0 before each index's own
sign test so that LLVM versions the loop on it; both copies must keep Python's semantics:
negative starts wrap, decreasing variables and overwritten variables wrap, swaps through two
views of one array see each other's stores. Compared with CPython."""

import re

import numpy as np
import pytest

from difftest import ON_NUMBA, check, check_all, jit, njit, numba_leaks
from difftest import no_leaks  # noqa: F401  (autouse: every test frees what it allocates)


def partition(a, lo, hi):
    """Lomuto: j from range(lo, hi), i from lo, growing; the tuple swap."""
    p = a[hi]
    i = lo
    for j in range(lo, hi):
        if a[j] < p:
            a[i], a[j] = a[j], a[i]
            i += 1
    a[i], a[hi] = a[hi], a[i]
    return i


@njit
def quicksort(a, lo, hi):
    if lo >= hi:
        return
    mid = (lo + hi) // 2
    a[mid], a[hi] = a[hi], a[mid]
    p = a[hi]
    i = lo
    for j in range(lo, hi):
        if a[j] < p:
            a[i], a[j] = a[j], a[i]
            i += 1
    a[i], a[hi] = a[hi], a[i]
    quicksort(a, lo, i - 1)
    quicksort(a, i + 1, hi)


def sort_range(a, lo, hi):
    quicksort(a, lo, hi)
    return a[0]


def hoare(a, lo, hi):
    """Two indices from both ends in while loops: i grows from lo, j falls from hi."""
    p = a[(lo + hi) // 2]
    i = lo
    j = hi
    while True:
        while a[i] < p:
            i += 1
        while a[j] > p:
            j -= 1
        if i >= j:
            return j
        a[i], a[j] = a[j], a[i]
        i += 1
        j -= 1


def neighbours(a, lo, hi, k):
    """a[j - 1], a[j + 1], a[j + k], a[j - k] around a range value."""
    s = 0.0
    for j in range(lo, hi):
        s += a[j - 1] * 2.0 + a[j + 1] + a[j + k] * 0.5 - a[j - k]
    return s


def down(a, start, stop):
    """A negative step: the floor is the last value."""
    s = 0.0
    for j in range(start, stop, -1):
        s = s * 0.5 + a[j]
    for j in range(start, stop, -3):
        s += a[j - 1]
    return s


def unknown_step(a, start, stop, step):
    s = 0.0
    for j in range(start, stop, step):
        s = s * 0.5 + a[j]
    return s


def falling(a, i):
    """A variable that only falls: i -= 1 (no floor), wrapping once it is negative."""
    s = 0.0
    n = a.shape[0]
    for _ in range(n):
        s = s * 0.5 + a[i]
        i -= 1
    return s


def reset(a, idx, lo):
    """A growing variable overwritten from an int array inside the loop."""
    s = 0.0
    i = lo
    for k in range(idx.shape[0]):
        s += a[i]
        i += 1
        if idx[k] < 0:
            i = idx[k]
        s += a[i] * 0.25
    return s


def grow_by(a, lo, steps):
    """i grows by non-negative amounts read from an array (typing knows only their sign)."""
    s = 0.0
    i = lo
    for k in range(steps.shape[0]):
        s += a[i]
        i += steps[k] % 3
    return s, i


def two_views(a, lo, hi):
    """Swaps through two views of one array: each store is seen by the other view."""
    b = a[::-1]
    n = a.shape[0]
    i = lo
    for j in range(lo, hi):
        if a[j] < b[j]:
            a[i], b[j] = b[j], a[i]
            i += 1
    return i, a[0] + 2.0 * b[0] + 3.0 * a[n - 1]


def grid(m, lo, hi):
    s = 0.0
    for i in range(lo, hi):
        for j in range(lo, hi):
            s = s * 0.75 + m[i, j] - m[j - 1, i + 1]
    return s


def saturating(a, lo, hi):
    """Floor arithmetic near int64's ends: - then + of a huge constant (the value stays small)."""
    s = 0.0
    big = 9223372036854775000
    for j in range(lo, hi):
        s += a[(j - big) + big]
    return s


def in_try(a, lo, hi):
    """Inside a try an index out of range raises IndexError, caught here."""
    s = 0.0
    try:
        for j in range(lo, hi):
            s += a[j]
    except IndexError:
        s = -1.0
    return s


def ints(n, seed=1):
    return np.random.default_rng(seed).integers(-50, 50, n).astype(np.int64)


def floats(n, seed=2):
    return np.random.default_rng(seed).random(n)


@pytest.mark.parametrize("make", [floats, ints])
@pytest.mark.parametrize("lo,hi", [(0, 29), (5, 29), (-30, -1), (-12, 29), (3, -2), (0, 0), (7, 7), (-1, -1)])
def test_partition(make, lo, hi):
    check(partition, make(30), lo, hi)


@pytest.mark.parametrize("lo,hi", [(0, 199), (10, 150), (-200, -1), (-60, 120), (-1, -1), (150, 10)])
def test_quicksort_negative_bounds(lo, hi):
    a = floats(200)
    a[::17] = np.nan if lo == 10 else 0.5      # NaN compares false: partitions stay in range
    check(sort_range, a, lo, hi)


def test_quicksort_views():
    base = floats(300, 5)
    check_all(sort_range, [(base[::2], 0, 149), (base[::-3], -100, -1), (base[:1], 0, 0), (base[:2], -2, -1)])


@pytest.mark.parametrize("lo,hi", [(0, 39), (-40, -1), (-25, 10), (3, 33)])
def test_hoare_while_loops(lo, hi):
    a = ints(40, 7)
    check(hoare, a, lo, hi)


@pytest.mark.parametrize("lo,hi,k", [(1, 20, 3), (-15, 15, 2), (-19, -2, 1), (0, 0, 5), (4, 19, 0)])
def test_neighbours(lo, hi, k):
    check(neighbours, floats(24), lo, hi, k)


def test_ranges_down_and_unknown_step():
    a = floats(20)
    check_all(down, [(a, 19, -1), (a, 10, -20), (a, -1, -20), (a, 5, 5), (a, 0, -3)])
    check_all(unknown_step, [(a, 0, 20, 3), (a, 19, -20, -2), (a, -20, 19, 4), (a, -5, 5, 1), (a, 5, -5, -1)])


def test_falling_and_reset():
    a = floats(16)
    check_all(falling, [(a, 15), (a, 3), (a, -1)])
    idx = np.array([0, 1, -3, 2, -16, 4, 0, -1], dtype=np.int64)
    check_all(reset, [(a, idx, 0), (a, idx, 4), (a, idx, -8), (a, idx[:0], 0)])


def test_grow_by_array_steps():
    a = floats(40)
    steps = np.array([2, -1, 5, -7, 0, 4, 8, -2], dtype=np.int64)
    check_all(grow_by, [(a, 0, steps), (a, -20, steps), (a, -40, steps[:3]), (a, 5, steps[:0])])


@pytest.mark.parametrize("lo,hi", [(0, 30), (-30, -1), (-10, 20), (5, 6)])
def test_two_views_of_one_array(lo, hi):
    check(two_views, floats(30, 9), lo, hi)


def test_two_dimensions():
    m = floats(64).reshape(8, 8)
    check_all(grid, [(m, 1, 7), (m, -7, 7), (m, -7, -1), (m.T, -3, 4), (m[::2, ::-1].copy(), 1, 3)])


def test_floor_arithmetic_saturates():
    check_all(saturating, [(floats(10), 0, 10), (floats(10), -10, 10), (floats(10), -10, -2)])


def test_out_of_range_still_raises_in_try():
    a = floats(8)
    check_all(in_try, [(a, 0, 8), (a, -8, 8), (a, 0, 9), (a, -9, 0)])


def test_boundscheck_raises():
    f = jit(partition, boundscheck=True)
    a = floats(10)
    with pytest.raises(IndexError):
        f(a, -11, 5)
    b = a.copy()
    assert f(b, -10, 9) == partition(a, -10, 9)
    assert np.array_equal(a, b)


def test_partition_loop_is_versioned():
    """The loop of partition has a copy without sign tests (LLVM's unswitching on lo >= 0)."""
    if ON_NUMBA:
        return
    f = jit(partition)
    f(floats(5), 0, 4)
    ir = "".join(f.inspect_llvm().values())
    assert ".us" in ir


def knapsack_down(weights, values, cap):
    dp = np.zeros(cap + 1, dtype=np.int64)
    for i in range(len(weights)):
        w = weights[i]
        v = values[i]
        for c in range(cap, w - 1, -1):   # c >= w: dp[c - w] never wraps (the range's stop bounds c)
            if dp[c - w] + v > dp[c]:
                dp[c] = dp[c - w] + v
    return dp


def differences_that_wrap(a, k):
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i - k] * (i + 1)   # negative for i < k: wraps to the end, as Python's
    for i in range(a.shape[0] - 1, -1, -2):
        s += a[k - i]
    out = [0.0] * a.shape[0]
    for i in range(len(out)):
        out[i - k] = a[i]
    return s, out


@numba_leaks("the list it returns in a tuple")
def test_indices_that_are_differences():
    w = np.array([3, 4, 7, 1, 9]), np.array([5, 6, 11, 1, 13])
    check_all(knapsack_down, [(w[0], w[1], 20), (w[0], w[1], 0), (w[0], w[1], 2)])
    a = np.arange(1.0, 8.0)
    check_all(differences_that_wrap, [(a, 0), (a, 3), (a, 6), (a, -2)])


# An index plus a parameter nothing assigns again: the parameter joins the floor, so `w >= 0` is
# the one test (unswitched); a negative w still wraps as Python's a[-k] does.
def window_diff(t, w):
    m = t.size - 16
    out = np.empty(m)
    for j in range(m):
        out[j] = (t[j + w] - t[j]) / w
    return out


def rows_shifted(a, w, k):
    out = np.zeros(a.shape[0])
    for i in range(a.shape[0]):
        s = 0.0
        for j in range(k, a.shape[0] - 16):   # in bounds for -40 <= w <= 16
            s += a[w + j] * (j + i)
        out[i] = s
    return out


def reassigned_param(t, w):
    s = 0.0
    for j in range(t.size - 40):   # in bounds for |w| <= 40
        s += t[j + w]
        w = -w   # no longer the same value through the call: no floor from it
    return s


@pytest.mark.parametrize("w", [3, 16, -3, -40, 1])
def test_index_plus_a_parameter(w):
    t = np.linspace(0.0, 1.0, 50) ** 2
    check(window_diff, t, w)
    check(rows_shifted, np.arange(30.0), w, 10)
    check(reassigned_param, t, w)


# the width is the target's: 8 doubles on Zen 4, 4 where LLVM tunes AVX-512 cores for 256 bits
VECTOR_OF_DOUBLES = re.compile(r"<([4-9]|[1-9]\d+) x double>")


def shifted_diff(t, w):
    out = np.empty(t.size - 16)
    for j in range(t.size - 16):
        out[j] = t[j + w] - t[j]
    return out


def test_index_plus_a_parameter_is_versioned():
    """The loop has a copy under w >= 0 without the sign test, and that copy vectorises."""
    if ON_NUMBA:
        return
    check(shifted_diff, np.arange(40.0), -5)
    f = jit(shifted_diff)
    f(np.arange(40.0), 3)
    ir = "".join(f.inspect_llvm().values())
    assert ".us" in ir and VECTOR_OF_DOUBLES.search(ir)


# A variable assigned once, outside every loop, is as fixed as a parameter: t[j + w] after
# `w = 2 * r + 1` has the floor w, tested once (the loop vectorised: 1.32 -> 0.40 ms over 10**6).
def window_from_radius(t, r):
    w = 2 * r + 1
    out = np.empty(t.size - 40)
    for j in range(t.size - 40):
        out[j] = (t[j + w] - t[j]) / w
    return out


def assigned_in_the_loop(t, r):
    s = 0.0
    for j in range(t.size - 40):   # in bounds for |r| <= 19
        w = r if j % 2 else -r     # one store, but in the loop: not fixed
        s += t[j + w]
    return s


def assigned_after_a_loop(t, r):
    s = 0.0
    for i in range(3):
        s += t[i]
    w = r - 1                      # outside every loop, after one
    for j in range(t.size - 40):
        s += t[j + w]
    return s


@pytest.mark.parametrize("r", [0, 1, 7, -3, -20])
def test_index_plus_a_variable_assigned_once(r):
    t = np.linspace(0.0, 1.0, 80) ** 2
    check(window_from_radius, t, r)
    check(assigned_in_the_loop, t, r)
    check(assigned_after_a_loop, t, r)


def test_index_plus_a_variable_assigned_once_is_versioned():
    if ON_NUMBA:
        return
    f = jit(window_from_radius)
    f(np.arange(60.0), 2)
    ir = "".join(f.inspect_llvm().values())
    assert VECTOR_OF_DOUBLES.search(ir)


# An index minus a fixed variable: y[i - h + k] for i from h has the floor h - h = 0 (a
# Savitzky-Golay filter: 3.45 -> 2.45 ms over 10**6, numba 3.07); with i from 0 the floor is
# -h, and the negative indices still wrap.
def savgol(y, c, h, lo):
    out = np.zeros(y.size)
    for i in range(lo, y.size - h):
        s = 0.0
        for k in range(2 * h + 1):
            s += c[k] * y[i - h + k]
        out[i] = s
    return out


@pytest.mark.parametrize("h, lo", [(3, 3), (3, 0), (0, 0), (2, 1)])
def test_index_minus_a_parameter(h, lo):
    y = np.linspace(-1.0, 1.0, 40) ** 3
    check(savgol, y, np.linspace(0.1, 0.7, max(2 * h + 1, 1)), h, lo)


# An index plus or minus a variable of an enclosing loop: k[w + jj - j] for jj from max(j - w, 0)
# has the floor max(j - w, 0) + w - j >= 0, invariant in the jj loop (a convolution's kernel
# index: 3.8 -> 2.4 ms for 300x400 with a 5x5 kernel, numba 2.5); started below j - w, the
# negative kernel indices still wrap.
def convolve(data, kernel, below):
    nx, ny = data.shape
    wx, wy = kernel.shape[0] // 2, kernel.shape[1] // 2
    out = np.zeros(data.shape)
    for i in range(wx, nx - wx):
        for j in range(wy, ny - wy):
            num = 0.0
            for ii in range(max(i - wx - below, 0), min(i + wx + 1, nx)):
                for jj in range(max(j - wy - below, 0), min(j + wy + 1, ny)):
                    num += kernel[wx + ii - i, wy + jj - j] * data[ii, jj]
            out[i, j] = num
    return out


@pytest.mark.parametrize("below", [0, 1, 2])
def test_index_minus_an_enclosing_loops_variable(below):
    rng = np.random.default_rng(9)
    check(convolve, rng.random((9, 11)), rng.random((5, 5)), below)
    check(convolve, rng.random((6, 6)), rng.random((3, 3)), below)


def shifted_rows(i, m, x, A, Aout):
    # a row index fixed through the loop over s (t + i), from a start that may be negative:
    # wrapped once per row, outside the loop over s; two such nests under one if
    T, S = A.shape
    if i > 0:
        for t in range(m, T - i):
            for s in range(S):
                Aout[t, s] += x * A[t + i, s]
    else:
        for t in range(m - i, T):
            for s in range(S):
                Aout[t, s] += x * A[t + i, s]
    return Aout


@pytest.mark.parametrize("i, m", [(1, 0), (2, -3), (0, 0), (-1, 0), (-2, -5), (3, -7)])
def test_row_index_fixed_through_the_inner_loop(i, m):
    A = np.arange(56.0).reshape(7, 8)
    check(shifted_rows, i, m, 0.5, A, np.zeros((7, 8)))
    check(shifted_rows, i, m, 0.5, A[:, ::2], np.zeros((7, 4)))
