"""`if a or b:` and `if a and b:` in loops, where codegen lowers a second test that cannot fail
with the first as one condition (codegen/lower.c second_test): every combination of and/or,
negations, == and ordered comparisons of ints, floats (NaN included) and bools, chains of
three and four tests, and the cases that must stay short-circuit (a call, an element read, an
optional value, a division) -- each against CPython."""

import math

import numpy as np
import pytest

from difftest import check, impl, jit, numba_xfail


def count_or(buf):
    n = 0
    for i in range(buf.size):
        c = buf[i]
        if c == 32 or c == 10:
            n += 1
    return n


def count_or4(buf):
    n = 0
    for i in range(buf.size):
        c = buf[i]
        if c == 32 or c == 10 or c == 9 or c == 13:
            n += 1
    return n


def count_and(buf):
    n = 0
    for i in range(buf.size):
        c = buf[i]
        if c >= 97 and c <= 122:
            n += 2
        else:
            n -= 1
    return n


def count_not(buf):
    n = 0
    for i in range(buf.size):
        c = buf[i]
        if not (c == 32 or c < 5):
            n += 1
        if not c == 7 and not c == 9:
            n += 3
    return n


def mixed_or_and(x, lo, hi):
    s = 0.0
    for i in range(x.size):
        v = x[i]
        if v < lo or v > hi:
            continue
        if v > 0.5 and v + 1.0 < hi * 2.0:
            s += v
        elif -v > lo or not v == v:
            s -= 1.0
    return s


def bounds_and(x, y, nb):
    h = np.zeros((nb, nb))
    for i in range(x.size):
        bx = int(x[i] * nb)
        by = int(y[i] * nb)
        if bx >= 0 and bx < nb and by >= 0 and by < nb:
            h[bx, by] += 1.0
    return h


def ternary_or(a, b):
    out = np.empty(a.size, np.int64)
    for i in range(a.size):
        out[i] = 1 if a[i] == b[i] or a[i] == -b[i] else 0
    return out


def bools(p, q):
    n = 0
    for i in range(p.size):
        if p[i] or q[i]:
            n += 1
        if p[i] and not q[i]:
            n += 10
    return n


def neighbours(g):
    # a game-of-life count: `di != 0 or dj != 0` in short loops, and the rule
    n, m = g.shape
    out = np.zeros_like(g)
    for i in range(1, n - 1):
        for j in range(1, m - 1):
            c = 0
            for di in range(-1, 2):
                for dj in range(-1, 2):
                    if di != 0 or dj != 0:
                        c += g[i + di, j + dj]
            out[i, j] = 1 if c == 3 or (c == 2 and g[i, j] == 1) else 0
    return out


def guarded_read(a, k):
    # the second test reads an element: it must not run when the first fails
    n = 0
    for i in range(k):
        if i >= a.size or a[i] > 0:
            n += 1
    return n


def guarded_division(a, b):
    n = 0
    for i in range(a.size):
        if b[i] == 0 or a[i] // b[i] > 2:
            n += 1
    return n


@jit
def _side(x, acc):
    acc[0] += 1
    return x > 0


def guarded_call(a, acc):
    n = 0
    for i in range(a.size):
        if a[i] < 0 or _side(a[i], acc):
            n += 1
    return n, acc[0]


def while_and(a):
    i = 0
    while i < a.size and a[i] != 0:
        i += 1
    return i


@jit
def _first_negative(a):
    for i in range(a.size):
        if a[i] < 0:
            return i
    return None


def optional_and(a, b):
    n = 0
    for r in range(a.shape[0]):
        k = _first_negative(a[r])
        if k is not None and k > b:
            n += k
    return n


BYTES = np.random.default_rng(0).integers(0, 128, 1000).astype(np.uint8)
FLOATS = np.concatenate([np.random.default_rng(1).normal(0.0, 1.0, 300), [np.nan, -np.inf, np.inf, 0.0, -0.0]])


@pytest.mark.parametrize("f", [count_or, count_or4, count_and, count_not])
@pytest.mark.parametrize("buf", [BYTES, BYTES.astype(np.int64), BYTES[:7], BYTES[:0], BYTES.astype(np.float64)],
                         ids=["u8", "i64", "short", "empty", "f64"])
def test_tests_on_one_value(f, buf):
    check(f, buf)


@pytest.mark.parametrize("lo, hi", [(-1.0, 1.0), (0.0, 0.0), (-math.inf, math.inf), (math.nan, 1.0)])
def test_floats_and_nans(lo, hi):
    check(mixed_or_and, FLOATS, lo, hi)


def test_chains_of_four_bounds():
    rng = np.random.default_rng(2)
    check(bounds_and, rng.random(2000) * 1.4 - 0.2, rng.random(2000) * 1.4 - 0.2, 16)


def test_ternaries_and_bools():
    rng = np.random.default_rng(3)
    a, b = rng.integers(-3, 4, 500), rng.integers(-3, 4, 500)
    check(ternary_or, a, b)
    check(bools, a > 0, b > 1)


def test_game_of_life_rule():
    check(neighbours, (np.random.default_rng(4).random((20, 30)) < 0.3).astype(np.int64))


def test_second_tests_that_must_stay_short():
    a = np.array([3, -1, 0, 5, 9, -7], dtype=np.int64)
    check(guarded_read, a, 10)
    check(guarded_division, np.array([5, 9, 1, 12]), np.array([0, 2, 0, 5]))
    check(guarded_call, a, np.zeros(1, np.int64))
    check(while_and, np.array([4, 2, 1, 0, 7]))
    check(while_and, np.array([4, 2, 1]))
    check(optional_and, np.array([[1, -2, 3], [4, 5, 6], [-1, 0, 0], [0, 0, -9]]), 0)


def test_the_switch_is_gone():
    # the byte count vectorises with equality tests, as `(c == 32) | (c == 10)` does; the switch
    # lowered again gave ordered tests (c < 32 ? c == 10 : c <= 32)
    f = impl.njit(count_or)
    f(BYTES)
    if not hasattr(f, "inspect_asm"):
        pytest.skip("backend without inspect_asm")
    asm = "\n".join(f.inspect_asm().values())
    assert "pcmpeqb" in asm and "pcmpgtb" not in asm and "pcmpltb" not in asm


def int_in_range(v):
    k = int(v)
    if k >= 0 and k < 3:
        return 1
    return 0


def int_out_of_range(v):
    k = int(v)
    if k < 0 or k >= 3:
        return 1
    return 0


def weighted_histogram(x, w, bins):
    counts = np.zeros(bins)
    for i in range(x.size):
        k = int(x[i] * bins)
        if k >= 0 and k < bins:
            counts[k] += w[i]
    return counts


@pytest.mark.parametrize("v", [1.5, -0.5, -2.0, 2.9, 3.0, -9.2e18] +
                         [pytest.param(x, marks=numba_xfail("numba's int() of NaN or inf is -2**63")) for x in (math.nan, -math.inf)])
def test_int_tested_by_and_or(v):
    """`k = int(v)` tested by `and`/`or` at once: the int() test that waits for the branch
    (cg_defer_int_check) goes with the first test; NaN and infinities still raise."""
    check(int_in_range, v)
    check(int_out_of_range, v)


def test_int_tested_in_a_loop():
    x = np.array([0.05, 0.5, -0.1, 0.99, 1.2, 0.7])
    check(weighted_histogram, x, np.arange(6.0), 4)
