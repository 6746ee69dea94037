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


def nans(a):
    return (np.nansum(a), np.nanmean(a), np.nanvar(a), np.nanstd(a, ddof=1), np.nanmean(a[::3]),
            np.nansum(a.reshape(7, 143), axis=1), np.nanmean(a.reshape(7, 143), axis=0),
            np.nanstd(a.reshape(11, 91), axis=1), np.nanvar(a.reshape(11, 91), axis=0))


@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_nan_reductions_are_numpys(dt):
    # NaN replaced by 0 and summed as np.sum sums (pairwise along a lane), the mean divided in float64
    a = X32[:1001].astype(dt) * 3
    a[::7] = np.nan
    for g, w in zip(jit(nans)(a), nans(a)):
        same_bits(g, w)
    f = np.asfortranarray(a.reshape(7, 143))   # NumPy's NaN-free copy keeps F order: summed in memory order
    for g, w in zip(jit(nans)(f.reshape(-1, order="F")), nans(f.reshape(-1, order="F"))):
        same_bits(g, w)
    g = jit(lambda v: (np.nansum(v), np.nanmean(v), np.nanstd(v)))(f)
    for x, w in zip(g, (np.nansum(f), np.nanmean(f), np.nanstd(f))):
        same_bits(x, w)


def hists(a):
    return np.histogram(a), np.histogram(a, bins=37, range=(-1.3, 2.1)), np.histogram(a, bins=5)


def test_float32_histogram_edges_are_float32():
    # NumPy's linspace in float32 (or, with range=, its float64 edges rounded), and counts by those edges
    f = jit(hists)
    for a in (X32 * 2, (X32[:999] * 1e-3 + 7).astype(np.float32), np.full(5, 3.3, np.float32)):
        for (c, e), (wc, we) in zip(f(a), hists(a)):
            same_bits(e, we)
            assert np.array_equal(c, wc)


def test_small_int_dot_wraps_to_its_dtype():
    rng = np.random.default_rng(3)
    f = jit(lambda x, y: (np.dot(x, y), np.vdot(x, y)))
    for dt in (np.int8, np.uint8, np.int16, np.uint16):
        x, y = rng.integers(0, 100, 500).astype(dt), rng.integers(0, 100, 500).astype(dt)
        got, want = f(x, y), (np.dot(x, y), np.vdot(x, y))
        assert got == tuple(int(w) for w in want), (dt, got, want)


def test_float32_angle_conversions_and_logaddexp():
    f = jit(lambda x, y: (np.deg2rad(x), np.rad2deg(x), np.radians(y), np.logaddexp(x, y), np.logaddexp2(x, y)))
    x, y = X32 * 50, X32[::-1] * 50
    got, want = f(x, y), (np.deg2rad(x), np.rad2deg(x), np.radians(y), np.logaddexp(x, y), np.logaddexp2(x, y))
    for g, w in zip(got[:3], want[:3]):
        same_bits(g, w)   # one float multiply by NumPy's float constant
    for g, w in zip(got[3:], want[3:]):   # float32 through libm or libmvec's expf and log1pf
        assert g.dtype == np.float32
        np.testing.assert_allclose(g, w, rtol=2e-6, atol=1e-6)


def test_vdot_is_numpys():
    """np.vdot through BLAS (?dotc for complex, in the arrays' own dtype: complex64 in float) where
    both steps are positive, NumPy's own loop in order otherwise: NumPy's value bit for bit."""
    rng = np.random.default_rng(4)
    f = jit(lambda x, y: np.vdot(x, y))
    for dt in (np.complex128, np.complex64, np.float64, np.float32):
        c = np.dtype(dt).kind == "c"
        x = (rng.standard_normal(1001) + (1j * rng.standard_normal(1001) if c else 0)).astype(dt)
        y = (rng.standard_normal(1001) - (2j * rng.standard_normal(1001) if c else 0)).astype(dt)
        for a, b in ((x, y), (x[::2], y[::2]), (x[1::2], y[:-1:2]), (x[::-2], y[::2]), (x[:0], y[:0]), (x.reshape(7, 143), y.reshape(11, 91))):
            if dt == np.complex64 and a.strides[0] < 0:
                continue   # NumPy's own complex64 loop (see differences.md)
            got, want = f(a, b), np.vdot(a, b)
            assert got == want, (dt, a.strides, got, want)
