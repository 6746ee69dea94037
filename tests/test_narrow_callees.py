"""Compiled helpers called with narrow values (elements of uint8 ... int32 and float32 arrays),
compiled vs CPython.

A helper given an np.uint8 is compiled for uint8, as when Python passes one (and as Numba types
it): its ~x and -x wrap at that width, and what it returns is an np.uint8 to its caller where
every return gives one, so a chain of helper calls (lo, hi = sort2(p, q) in a sorting network)
stays narrow. Values reaching a call through other calls' results are first guessed narrow; a
guess that the callee's results do not bear out is undone (accumulate below must not wrap).
"""
import numpy as np
import pytest

from difftest import check, impl, jit, no_leaks, numba_xfail  # noqa: F401

NARROW_INTS = ["uint8", "int8", "uint16", "int16", "uint32", "int32"]


@impl.njit
def invert(v):
    return ~v


@impl.njit
def negate(v):
    return -v


@impl.njit
def ident(v):
    return v


def through_helpers(a):
    return invert(a[0]), negate(a[1]), ~ident(a[2]), -ident(a[0]), invert(ident(a[1]))


@pytest.mark.parametrize("dtype", NARROW_INTS)
def test_helper_keeps_the_width_of_an_element(dtype):
    a = np.array([5, 200 if dtype.startswith("u") else -7, 0], dtype=dtype)
    check(through_helpers, a)


@impl.njit
def sort2(a, b):
    return min(a, b), max(a, b)


def median9(img):
    out = np.zeros_like(img)
    h, w = img.shape
    for i in range(1, h - 1):
        for j in range(1, w - 1):
            p0 = img[i - 1, j - 1]; p1 = img[i - 1, j]; p2 = img[i - 1, j + 1]  # noqa: E702
            p3 = img[i, j - 1]; p4 = img[i, j]; p5 = img[i, j + 1]  # noqa: E702
            p6 = img[i + 1, j - 1]; p7 = img[i + 1, j]; p8 = img[i + 1, j + 1]  # noqa: E702
            p1, p2 = sort2(p1, p2); p4, p5 = sort2(p4, p5); p7, p8 = sort2(p7, p8)  # noqa: E702
            p0, p1 = sort2(p0, p1); p3, p4 = sort2(p3, p4); p6, p7 = sort2(p6, p7)  # noqa: E702
            p1, p2 = sort2(p1, p2); p4, p5 = sort2(p4, p5); p7, p8 = sort2(p7, p8)  # noqa: E702
            p0, p3 = sort2(p0, p3); p5, p8 = sort2(p5, p8); p4, p7 = sort2(p4, p7)  # noqa: E702
            p3, p6 = sort2(p3, p6); p1, p4 = sort2(p1, p4); p2, p5 = sort2(p2, p5)  # noqa: E702
            p4, p7 = sort2(p4, p7); p4, p2 = sort2(p4, p2); p6, p4 = sort2(p6, p4)  # noqa: E702
            p4, p2 = sort2(p4, p2)
            out[i, j] = p4
    return out, p4


@pytest.mark.parametrize("dtype", ["uint8", "int16", "uint32", "float32", "float64"])
def test_sorting_network_through_a_helper(dtype):
    rng = np.random.default_rng(3)
    img = rng.integers(0, 250, (7, 9)).astype(dtype)
    if dtype == "int16":
        img -= 120
    check(median9, img)
    check(median9, img.T)


@impl.njit
def add(x, y):
    return x + y


def accumulate(a, b):
    s = a[0]   # an np.uint8; each step adds an np.int64: an int64 from the first step on
    for i in range(b.shape[0]):
        s = add(s, b[i])
    return s, ~s, -s


def accumulate32(a, b):
    s = a[0]   # an np.float32, then np.float64 sums
    for i in range(b.shape[0]):
        s = add(s, b[i])
    return s


@numba_xfail("s (uint8, then int64 sums) unifies to float64")
def test_a_guess_the_callee_does_not_bear_out_is_undone():
    check(accumulate, np.array([250], dtype=np.uint8), np.arange(1, 40, dtype=np.int64))
    check(accumulate, np.array([-100], dtype=np.int8), -np.arange(1, 40, dtype=np.int64))
    check(accumulate32, np.array([0.1], dtype=np.float32), np.full(10, 0.1))


def test_the_helper_is_compiled_for_the_narrow_type():
    first = jit(lambda a: invert(a[0]))
    assert first(np.array([5], dtype=np.uint8)) == 250
    names = [str(t) for sig in invert.signatures for t in sig]
    assert "uint8" in names
