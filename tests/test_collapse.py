"""Two nested loops over the last two axes of arrays, run as one loop (codegen/lower_collapse.c).

`for j in range(w): for k in range(c): out[.., j, k] = f(a[.., j, k])` runs as one loop over the
merged axis when every array's rows are c elements apart; otherwise (a view, another c, a j range
that wraps or steps) the loops run as written. Either way the result, the exception and what was
written before it must be CPython's: each case is compared with CPython, argument arrays too."""

import math
import re

import numpy as np
import pytest

from difftest import ON_NUMBA, check, impl, jit, no_leaks, sample  # noqa: F401

prange = impl.prange


def merged(fn, *args, **opts):
    """Whether the compiled fn has a merged loop (its blocks are named flat...)."""
    f = jit(fn, **opts)
    f(*args)
    ir = "\n".join(f.inspect_llvm().values())
    return re.search(r"^flat", ir, re.M) is not None


def power3(img, g):
    h, w, c = img.shape
    out = np.empty((h, w, c))
    for i in range(h):
        for j in range(w):
            for k in range(c):
                out[i, j, k] = img[i, j, k] ** g
    return out


def affine2(a, s, t):
    out = np.empty_like(a)
    for j in range(a.shape[0]):
        for k in range(a.shape[1]):
            out[j, k] = a[j, k] * s + t
    return out


def inplace3(a, x):
    n, m, c = a.shape
    for i in range(n):
        for j in range(m):
            for k in range(c):
                a[i, j, k] += x
    return a


def total2(a):
    s = 0.0
    n, m = a.shape
    for j in range(n):
        for k in range(m):
            s += a[j, k] * a[j, k]
    return s


def mixed_dtypes(src, gain):
    h, w, c = src.shape
    out = np.empty((h, w, c), dtype=np.float32)
    for i in range(h):
        for j in range(w):
            for k in range(c):
                out[i, j, k] = src[i, j, k] * gain
    return out


def clamp_branch(a, lo, hi):
    h, w, c = a.shape
    out = np.zeros((h, w, c))
    for i in range(h):
        for j in range(w):
            for k in range(c):
                v = a[i, j, k]
                if v < lo:
                    v = lo
                elif v > hi:
                    continue
                out[i, j, k] = v
    return out


def more_in_j(a):
    h, w, c = a.shape
    out = np.zeros((h, w, c))
    for i in range(h):
        for j in range(w):
            for k in range(c):
                out[i, j, k] = a[i, j, k] + 1.0
            out[i, j, 0] += 1.0
    return out


def four_d(a):
    out = np.zeros_like(a)
    for n in range(a.shape[0]):
        for i in range(a.shape[1]):
            for j in range(a.shape[2]):
                for k in range(a.shape[3]):
                    out[n, i, j, k] = math.exp(a[n, i, j, k]) - a[n, i, -1, -1]
    return out


def rows(a, lo, hi, c):
    out = np.zeros(a.shape)
    for j in range(lo, hi):
        for k in range(c):
            out[j, k] = a[j, k] + 1.0
    return out


def stepped(a):
    out = np.zeros(a.shape)
    for j in range(0, a.shape[0], 2):
        for k in range(a.shape[1]):
            out[j, k] = a[j, k] * 2.0
    return out


def first_big(a, x):
    n, m = a.shape
    for j in range(n):
        for k in range(m):
            if a[j, k] > x:
                return a[j, k]
    return -1.0


def divide_into(out, a):
    n, m = a.shape
    for j in range(n):
        for k in range(m):
            out[j, k] = 100 // int(a[j, k])
    return out


def uses_j(a):
    out = np.empty(a.shape)
    n, m = a.shape
    for j in range(n):
        for k in range(m):
            out[j, k] = a[j, k] * j
    return out


def j_after(a):
    n, m = a.shape
    s = 0.0
    for j in range(n):
        for k in range(m):
            s += a[j, k]
    return s + j + k


def j_reused(a):
    n, m = a.shape
    s = 0.0
    for j in range(n):
        for k in range(m):
            s += a[j, k]
    for j in range(n):
        s += a[j, 0] * j
    return s


def to_int(a):
    out = np.empty(a.shape, dtype=np.int64)
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            for k in range(a.shape[2]):
                out[i, j, k] = int(a[i, j, k])
    return out


SHAPES3 = [(4, 5, 3), (3, 7, 1), (2, 3, 8), (1, 1, 1), (0, 4, 3), (3, 0, 3), (3, 4, 0), (5, 33, 3)]


@pytest.mark.parametrize("shape", SHAPES3)
def test_power3(shape):
    img = sample(np.float64, shape, seed=1) + 1.5
    check(power3, img, 0.8, rtol=1e-15)


@pytest.mark.parametrize("shape", SHAPES3)
def test_inplace3(shape):
    check(inplace3, sample(np.float64, shape, seed=2), 0.25)
    check(inplace3, sample(np.int32, shape, seed=3), 7)


@pytest.mark.parametrize("shape", [(5, 3), (1, 9), (7, 1), (0, 3), (3, 0), (40, 17)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.uint8])
def test_affine2(shape, dtype):
    check(affine2, sample(dtype, shape, seed=4), 3, 1)


@pytest.mark.parametrize("shape", [(5, 3), (19, 7), (0, 2), (200, 3)])
def test_sum_order(shape):
    # the merged loop adds in CPython's order: bit for bit
    a = sample(np.float64, shape, seed=5) * 1e3 + 0.1
    assert jit(total2)(a) == total2(a)


def test_mixed_dtypes():
    src = (sample(np.float64, (6, 5, 3), seed=6) * 100).astype(np.uint8)
    check(mixed_dtypes, src, 0.5)


@pytest.mark.parametrize("shape", [(3, 4, 3), (2, 6, 5)])
def test_branches_and_continue(shape):
    check(clamp_branch, sample(np.float64, shape, seed=7), -0.3, 0.4)
    check(more_in_j, sample(np.float64, shape, seed=7))


def test_four_dims():
    check(four_d, sample(np.float64, (2, 3, 4, 3), seed=8), rtol=1e-15)


VIEWS = {
    "C": lambda a: a,
    "strided last axis": lambda a: np.repeat(a, 2, axis=-1)[..., ::2],
    "transposed": lambda a: np.ascontiguousarray(np.swapaxes(a, -1, -2)).swapaxes(-1, -2),
    "fortran": lambda a: np.asfortranarray(a),
    "row slice": lambda a: np.concatenate([a, a], axis=-1)[..., :a.shape[-1]],
    "reversed rows": lambda a: a[::-1],
}


@pytest.mark.parametrize("view", list(VIEWS))
def test_layouts(view):
    # the guard runs the nested loops when rows are not c elements apart
    a = VIEWS[view](sample(np.float64, (4, 6, 3), seed=9) + 1.0)
    check(power3, a, 1.7, rtol=1e-15)
    b = VIEWS[view](sample(np.float64, (5, 4), seed=10))
    check(affine2, b, 2.0, -1.0)
    check(total2, b)


@pytest.mark.parametrize("lo,hi,c", [(0, 6, 4), (2, 5, 4), (-2, 3, 4), (0, 6, 2), (4, 2, 4), (0, 0, 4), (-6, -1, 4)])
def test_ranges(lo, hi, c):
    # a j range that starts negative wraps, another c runs part of each row: as written
    check(rows, sample(np.float64, (6, 4), seed=11), lo, hi, c)


def test_stepped_outer():
    check(stepped, sample(np.float64, (7, 3), seed=12))


@pytest.mark.parametrize("x", [0.5, 0.99, 2.0])
def test_return_inside(x):
    check(first_big, sample(np.float64, (6, 5), seed=13), x)


@pytest.mark.parametrize("where", [(0, 0), (2, 3), (5, 4)])
def test_division_by_zero(where):
    # the first zero raises; the argument array holds what CPython wrote before it
    a = np.arange(1, 31, dtype=np.int64).reshape(6, 5)
    a[where] = 0
    check(divide_into, np.full((6, 5), -1, dtype=np.int64), a)


def test_loop_variables_used_otherwise():
    a = sample(np.float64, (5, 4), seed=14)
    check(uses_j, a)
    check(j_after, a)
    check(j_reused, a)


@pytest.mark.parametrize("bad", [np.nan, np.inf, 1e300])
def test_int_failure(bad):
    a = sample(np.float64, (3, 5, 3), seed=15) * 50
    a[1, 3, 2] = bad
    check(to_int, a)
    check(to_int, a[:2])


def par3(img, g):
    h, w, c = img.shape
    out = np.empty((h, w, c))
    for i in prange(h):
        for j in range(w):
            for k in range(c):
                out[i, j, k] = img[i, j, k] * g + 1.0
    return out


def test_parallel_outer():
    img = sample(np.float64, (8, 5, 3), seed=16)
    check(par3, img, 0.5, jit_opts={"parallel": True})
    check(par3, img[:, :, :2], 0.5, jit_opts={"parallel": True})


@pytest.mark.skipif(ON_NUMBA, reason="ember's loop names")
def test_merges_where_it_may():
    img = sample(np.float64, (3, 4, 3), seed=17)
    a2 = sample(np.float64, (3, 4), seed=18)
    assert merged(power3, img, 0.5)
    assert merged(affine2, a2, 1.0, 2.0)
    assert merged(total2, a2)
    assert merged(rows, a2, 0, 3, 4)
    assert merged(first_big, a2, 0.5)
    assert merged(clamp_branch, img, -0.3, 0.4)
    assert merged(divide_into, np.zeros((3, 4), dtype=np.int64), np.ones((3, 4), dtype=np.int64))
    assert not merged(more_in_j, img)
    assert not merged(uses_j, a2)
    assert not merged(j_after, a2)
    assert merged(j_reused, a2)   # the second loop stores j before it reads it
    assert merged(par3, img, 0.5, parallel=True)


@pytest.mark.skipif(ON_NUMBA, reason="ember's code")
def test_merged_loop_vectorises():
    # 3 channels: the merged loop calls the 8-lane pow (the nested loop's 3 trips would not)
    f = jit(power3)
    f(sample(np.float64, (2, 3, 3), seed=19) + 1.0, 0.5)
    asm = "\n".join(f.inspect_asm().values())
    assert "zmm" in asm or "ymm" in asm


@pytest.mark.parametrize("lo,hi,c", [(0, 7, 4), (0, 6, 5), (-7, 2, 4), (0, 6, 4), (3, 6, 4)])
def test_bounds_checked(lo, hi, c):
    # under boundscheck a row or column past the end raises IndexError: the guard leaves such
    # ranges to the nested loops, which check every index
    check(rows, sample(np.float64, (6, 4), seed=20), lo, hi, c, jit_opts={"boundscheck": True})


def channels_const(img):
    h, w, _ = img.shape
    out = np.zeros(img.shape)
    for i in range(h):
        for j in range(w):
            for k in range(3):
                out[i, j, k] = img[i, j, k] * 0.5 + 1.0
    return out


@pytest.mark.parametrize("shape", [(4, 5, 3), (2, 3, 4)])
def test_constant_channels(shape):
    # range(3) over 3 channels merges; over 4 (a row of another length) the guard says no
    check(channels_const, sample(np.float64, shape, seed=21))


def masked_count_and_sum(img, mask):
    s = 0.0
    c = 0
    for i in range(img.shape[0]):
        for j in range(img.shape[1]):
            if mask[i, j]:
                s += img[i, j]
                c += 1
    return s, c


def threshold_count_and_sum(img):
    s = 0.0
    c = 0
    for i in range(50):
        for j in range(40):
            if img[i, j] > 0.3:
                s += 1.0
                c += 1
    return s, c


def test_conditional_updates_of_a_float_and_an_int_in_merged_loops():
    """The merged copy of two nested loops (a second lowering) used index bounds the first copy
    computed: invalid IR ("Instruction does not dominate all uses") for a masked mean."""
    img = np.random.default_rng(1).random((50, 40))
    check(threshold_count_and_sum, img)
    check(masked_count_and_sum, img, img > 0.5)
    check(masked_count_and_sum, img[:, :7], img[:, :7] > 0.5)
