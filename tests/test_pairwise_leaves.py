"""Float sums whose leaves are summed side by side (codegen/lower_pairwise.c), bit for bit NumPy's.

NumPy sums a lane by halving it down to leaves of at most 128 elements, each leaf with 8 partial
sums. Where a leaf's 8 float partials are one vector register (float32 on AVX and AVX-512),
ember sums the two leaves of a twin node (129 to 256 elements) or the four of a quad node in one
loop. The lane lengths below reach every shape: a leaf alone, a twin, a quad, deeper trees whose
nodes are twins, quads or neither, leaves with and without a tail past their last group of 8 and
with group counts that differ. The values span twelve orders of magnitude, so any other order
of adds gives other bits. The references are NumPy's own calls."""

import numpy as np
import pytest

from difftest import jit, no_leaks  # noqa: F401

FLOATS = [np.float32, np.float64]
# leaf only; twins (equal and unequal halves, tails); a leaf beside a node; quads; deeper trees
LENGTHS = [0, 1, 7, 8, 9, 127, 128, 129, 136, 143, 144, 200, 255, 256, 257, 263, 271, 272, 300, 316, 383,
           384, 500, 511, 512, 513, 520, 1000, 1021, 1024, 1031, 2047, 4096, 10007]


def spread(n, dt, seed=3):
    rng = np.random.default_rng(seed + n)
    return (rng.standard_normal(n) * 10.0 ** rng.integers(-6, 7, n)).astype(dt)


def same_bits(got, want):
    want = np.asarray(want)
    g = np.asarray(got)
    if g.ndim:
        assert g.dtype == want.dtype, (g.dtype, want.dtype)
    else:
        assert g.dtype.kind == want.dtype.kind, (g.dtype, want.dtype)
        g = g.astype(want.dtype)
    assert g.shape == want.shape
    assert np.array_equal(g.reshape(-1).view(np.uint8), np.ascontiguousarray(want).reshape(-1).view(np.uint8)), (g, want)


def sums(a):
    return a.sum(), np.sum(a * a), np.sum(a * 1.5), np.mean(a), a[::2].sum(), a[::-1].sum()


def stats(a):
    return np.var(a), np.std(a, ddof=1), np.nansum(a), np.nanmean(a)


@pytest.mark.parametrize("dt", FLOATS)
def test_lane_sums_are_numpys(dt):
    f = jit(sums)
    for n in LENGTHS:
        a = spread(n, dt)
        with np.errstate(all="ignore"):
            want = sums(a)
        for g, w in zip(f(a), want):
            same_bits(g, w)


@pytest.mark.parametrize("dt", FLOATS)
def test_variances_and_nan_sums_are_numpys(dt):
    f = jit(stats)
    for n in [2, 9, 129, 257, 316, 513, 1021, 4096]:
        a = spread(n, dt) * 1e-3
        a[::17] = np.nan if n > 100 else a[::17]
        with np.errstate(all="ignore"):
            want = stats(a)
        for g, w in zip(f(a), want):
            same_bits(g, w)
        b = a.copy()
        b[np.isnan(b)] = 1.0
        for g, w in zip(f(b), stats(b)):
            same_bits(g, w)


def rows_of(cols, dt, layout):
    m = spread(5 * cols * 2, dt).reshape(5, 2 * cols)
    return {"C": m[:, :cols], "F": np.asfortranarray(m[:, :cols]), "rev": m[::-1, ::-1][:, :cols], "step": m[:, ::2]}[layout]


def row_stats(m):
    return np.sum(m, axis=1), m.mean(axis=1), np.var(m, axis=1), np.sqrt(np.sum(m * m, axis=1))


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("layout", ["C", "F", "rev", "step"])
def test_row_sums_are_numpys(dt, layout):
    f = jit(row_stats)
    for cols in [1, 8, 129, 200, 263, 316, 512, 1000]:
        m = rows_of(cols, dt, layout)
        got, want = f(m), row_stats(m)
        for g, w in zip(got if layout != "F" else got[:3], want):
            same_bits(g, w)


@pytest.mark.xfail(strict=True, reason="NumPy makes m * m of an F-ordered m F-ordered and sums its rows "
                   "column by column in memory order; ember's fused sum runs each row pairwise")
@pytest.mark.parametrize("dt", FLOATS)
def test_fused_row_sums_of_f_arrays(dt):
    m = rows_of(1000, dt, "F")
    same_bits(jit(row_stats)(m)[3], row_stats(m)[3])


@pytest.mark.parametrize("dt", FLOATS)
def test_edge_values_in_every_leaf_position(dt):
    # NaN, inf, -inf, -0.0 and denormals placed in the first, a middle and the last leaf of a quad
    # and of a deeper tree, and lanes made of them alone
    f = jit(lambda v: (v.sum(), np.sum(v * v), v.mean()))
    tiny = np.finfo(dt).smallest_subnormal
    for n in [200, 316, 512, 1021]:
        for k in [0, n // 3, n // 2 + 5, n - 1]:
            for x in [np.nan, np.inf, -np.inf, -0.0, tiny, -tiny * 3]:
                a = spread(n, dt) * 1e-3
                a[k] = x
                with np.errstate(all="ignore"):
                    want = (a.sum(), np.sum(a * a), a.mean())
                for g, w in zip(f(a), want):
                    same_bits(g, w)
        with np.errstate(all="ignore"):
            for a in [np.full(n, -0.0, dt), np.full(n, tiny, dt), np.r_[np.full(n - 1, 1.0, dt), np.inf].astype(dt),
                      np.r_[np.inf, np.full(n - 2, 1.0, dt), -np.inf].astype(dt)]:
                for g, w in zip(f(a), (a.sum(), np.sum(a * a), a.mean())):
                    same_bits(g, w)


@pytest.mark.parametrize("dt", FLOATS + [np.complex64, np.complex128])
def test_sum_of_negative_zeros_is_positive_zero(dt):
    # NumPy adds the pairwise sum to the identity +0.0: -0.0 alone sums to +0.0 at every length
    # (a leaf of 8 or more starts from its elements, and they make -0.0)
    f = jit(lambda v: (v.sum(), np.sum(v, axis=0), v.mean(), v[::-1].sum(), np.sum(v.reshape(1, -1), axis=1)))
    nansum = jit(lambda v: np.nansum(v))
    for n in LENGTHS[1:]:
        a = np.full(n, complex(-0.0, -0.0) if np.dtype(dt).kind == "c" else -0.0, dt)
        for g, w in zip(f(a), (a.sum(), np.sum(a, axis=0), a.mean(), a[::-1].sum(), np.sum(a.reshape(1, -1), axis=1))):
            same_bits(g, w)
        if np.dtype(dt).kind == "f":
            same_bits(nansum(a), np.nansum(a))


@pytest.mark.parametrize("dt", [np.complex64, np.complex128])
def test_complex_lane_sums_are_numpys(dt):
    # (v + v: complex128's v * v is not NumPy's bits, a product question outside the sums)
    f = jit(lambda v: (v.sum(), np.sum(v + v), v.mean(), v[::3].sum()))
    for n in LENGTHS:
        a = (spread(n, np.float64) + 1j * spread(n, np.float64, seed=11)).astype(dt)
        with np.errstate(all="ignore"):
            want = (a.sum(), np.sum(a + a), a.mean(), a[::3].sum())
        for g, w in zip(f(a), want):
            same_bits(g, w)


def rows_summed(A):
    out = np.empty(A.shape[0], A.dtype)
    for i in range(A.shape[0]):
        out[i] = A[i].sum()
    return out


@pytest.mark.parametrize("dt", FLOATS)
@pytest.mark.parametrize("strided", [False, True])
def test_short_rows_summed_inline_are_numpys(dt, strided):
    """Rows of fewer than 8 are added in a loop of their own (no runtime call), from +0.0 in turn:
    NumPy's bits, signed zeros included; 8 and more still go to the runtime's tree."""
    f = jit(rows_summed)
    for n in range(0, 12):
        A = spread(7 * max(n, 1) * 2, dt).reshape(-1, max(n, 1))[:, :n] if n else np.zeros((5, 0), dt)
        if n:
            A[0] = -0.0
            A[1, 0] = np.inf
        if strided:
            A = np.asfortranarray(A)
        same_bits(f(A), [np.sum(r) for r in A])
