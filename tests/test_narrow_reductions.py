"""float32 and complex64 reductions computed as NumPy computes them, compared bit for bit.

NumPy sums float32 in float32 and complex64 in complex64 (pairwise along a lane, row by row
across a slow axis), divides a mean's sum by the count in float64 and rounds it to float32,
makes var's deviations and their squares in float32, and runs cumulative sums and products in
the array's own width; a complex64 product multiplies each part's products rounded (its scalar
loop). The references are NumPy's own calls on the same arrays."""

import numpy as np
import pytest

from difftest import jit, no_leaks  # noqa: F401

RNG = np.random.default_rng(7)
X32 = RNG.standard_normal(1001).astype(np.float32)
M32 = RNG.standard_normal((37, 203)).astype(np.float32)
Z64 = (RNG.standard_normal(1001) + 1j * RNG.standard_normal(1001)).astype(np.complex64)
ZM64 = (RNG.standard_normal((21, 131)) + 1j * RNG.standard_normal((21, 131))).astype(np.complex64)


def same_bits(got, want):
    """Equal values in want's dtype, bit for bit (a scalar may come back as a Python float or
    complex holding the float32/complex64 value, as numba's do)."""
    want = np.asarray(want)
    g = np.asarray(got)
    if g.ndim:
        assert g.dtype == want.dtype, (g.dtype, want.dtype)
    else:
        assert g.dtype.kind == want.dtype.kind, (g.dtype, want.dtype)
        assert g.astype(want.dtype) == g, "a scalar result is not a value of NumPy's dtype"
        g = g.astype(want.dtype)
    assert g.shape == want.shape
    assert np.array_equal(g.reshape(-1).view(np.uint8), np.ascontiguousarray(want).reshape(-1).view(np.uint8)), (g, want)


def whole(a):
    return (a.mean(), np.mean(a), a.var(), np.std(a), np.var(a, ddof=1), np.std(a, ddof=3), a.sum(),
            np.prod(a[:40]), np.cumsum(a), np.cumprod(a[:40]), a[::3].mean(), a[::-2].var())


def along(a):
    return (a.mean(axis=0), a.mean(axis=1), np.var(a, axis=0), np.std(a, axis=1), np.std(a, axis=0, ddof=1),
            np.sum(a, axis=0), np.prod(a[:5, :9], axis=0), np.prod(a[:, :9], axis=1),
            np.cumsum(a, axis=0), np.cumsum(a, axis=1), np.cumprod(a[:, :7], axis=1), a.T.mean(axis=1), a.mean())


@pytest.mark.parametrize("a", [X32, Z64], ids=["float32", "complex64"])
def test_whole_array_statistics_are_numpys(a):
    for g, w in zip(jit(whole)(a), whole(a)):
        same_bits(g, w)


@pytest.mark.parametrize("a", [M32, ZM64], ids=["float32", "complex64"])
def test_axis_statistics_are_numpys(a):
    for g, w in zip(jit(along)(a), along(a)):
        same_bits(g, w)


def test_complex128_sums_and_means_are_numpys():
    # complex sums are pairwise as NumPy's complex loop; a mean divides as NumPy's complex division by n
    z = Z64.astype(np.complex128) * 1.1
    f = jit(lambda v: (v.sum(), np.mean(v), v[::2].sum(), np.sum(v.reshape(7, 143), axis=1)))
    for g, w in zip(f(z), (z.sum(), np.mean(z), z[::2].sum(), np.sum(z.reshape(7, 143), axis=1))):
        same_bits(g, w)


def test_short_and_empty_lanes():
    f = jit(lambda v: (v.sum(), v.mean(), np.cumsum(v), np.prod(v)))
    for n in (0, 1, 3, 4, 7, 8, 9, 64, 65, 129, 130):
        for a in (X32[:n], Z64[:n]):
            with np.errstate(all="ignore"):
                want = (a.sum(), np.mean(a) if n else np.nan, np.cumsum(a), np.prod(a))
                got = f(a)
            for k, (g, w) in enumerate(zip(got, want)):
                if n == 0 and k == 1:
                    assert np.isnan(g)
                else:
                    same_bits(g, w)
