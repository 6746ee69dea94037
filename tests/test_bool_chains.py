"""Chains of `or` and `and` over comparisons, compiled vs CPython: as conditions and as values
(`sp = c == 32 or c == 10 or c == 9`), of two to six tests, mixed with `not`, on ints, floats
(NaN), bools and array elements, in loops that vectorise. Tests that cannot fail are lowered as
one condition (codegen/lower.c branch_on_both): the values are Python's either way."""
import math

import numpy as np
import pytest

from difftest import check, no_leaks  # noqa: F401


def word_count(b):
    n = 0
    inword = False
    for i in range(b.size):
        ch = b[i]
        sp = ch == 32 or ch == 10 or ch == 9 or ch == 13
        if not sp and not inword:
            n += 1
        inword = not sp
    return n


def values(x, y):
    a = x == 1 or x == 2 or x == 3
    b = x > 0 and y > 0 and x < y
    c = x == 4 or y == 4 or x + y == 4 or x - y == 4 or x * y == 4 or -x == 4
    d = not (x == y or x < 0 or y < 0)
    e = x < 1 and y < 1 and x == y
    return a, b, c, d, e


def conditions(x, y):
    r = 0
    if x == 1 or x == 5 or y == 2:
        r += 1
    if x > 0 and y > 0 and x != y:
        r += 10
    if not (x == 0 or y == 0 or x == y):
        r += 100
    if x == 1 or (y == 2 and x > 2) or x == 7:
        r += 1000
    return r


def float_chain(x):
    return x == 0.5 or x < -1.0 or x != x, x > 0.0 and x < 1.0 and x == x


def classify(a):
    out = np.zeros(a.size, dtype=np.int64)
    for i in range(a.size):
        c = a[i]
        digit = c >= 48 and c <= 57
        space = c == 32 or c == 9 or c == 10 or c == 13 or c == 11 or c == 12
        out[i] = 2 if digit else 1 if space else 0
    return out


def test_word_count():
    rng = np.random.default_rng(3)
    for p in (0.02, 0.5, 0.0, 1.0):
        b = np.where(rng.random(1000) < p, rng.choice([32, 10, 9, 13], 1000), rng.integers(97, 123, 1000)).astype(np.uint8)
        check(word_count, b)
    check(word_count, np.frombuffer(b"  hello\tworld\n\n foo  ", dtype=np.uint8))
    check(word_count, np.zeros(0, np.uint8))


@pytest.mark.parametrize("x", [-1, 0, 1, 2, 3, 4, 5, 7])
@pytest.mark.parametrize("y", [-2, 0, 2, 4, 5])
def test_values_and_conditions(x, y):
    check(values, x, y)
    check(conditions, x, y)


@pytest.mark.parametrize("x", [0.5, -2.0, 0.25, math.nan, math.inf, -0.0, 1.0])
def test_floats(x):
    check(float_chain, x)


def test_classify_bytes():
    check(classify, np.frombuffer(b"a1 \t9\n\x0b\x0cZ0/:", dtype=np.uint8))
    check(classify, np.random.default_rng(5).integers(0, 128, 500).astype(np.uint8))


def nan_last_lt(x, y):
    return x < y or (y != y and x == x)


def mixed_values(x, y):
    return (x < y or (y != y and x == x), (x > 0 and y > 0) or x == y, x == 1 or (y == 2 and x > 2) or x == 7,
            not (x > 0 or y > 0) and x != y, (x == 0 or y == 0) and (x == 1 or y == 1))


@pytest.mark.parametrize("x", [-1.0, 0.0, 1.0, 2.0, 3.0, 7.0, math.nan])
@pytest.mark.parametrize("y", [-1.0, 0.0, 1.0, 2.0, math.nan])
def test_mixed_chains_keep_their_values(x, y):
    # a test of the other sense inside a chain gives its join False (or True), not the chain's
    # condition: such a chain is not taken as one condition
    check(nan_last_lt, x, y)
    check(mixed_values, x, y)
