"""The NaN-ignoring reductions (np.nansum, nanprod, nanmean, nanvar, nanstd, nanmin, nanmax) and
np.ptp along an axis that is not the last, which run row by row (lower_npstats.c, nan_rows):
one walk over the array in C order folds each element into its result's accumulators. Compiled
vs NumPy over dtypes, layouts (C, F, reversed, strided), 3-d arrays along the middle axis, empty
and single dimensions, all-NaN columns, -0.0 and ddof= past the count; bit for bit where NumPy
also adds row by row (C and strided views); and bit for bit against the lane-at-a-time fold that
an F array's middle axis still takes."""

import warnings

import numpy as np
import pytest

from difftest import check, check_all, layouts, no_leaks, numba_xfail, sample  # noqa: F401
from difftest import ON_NUMBA, jit

DTYPES = ["bool", "int8", "uint8", "int32", "int64", "uint64", "float32", "float64"]
NO_AXIS = numba_xfail("numba's nan-functions take no axis=")


def nan_sums0(a):
    return (np.nansum(a, axis=0), np.nanmean(a, axis=0), np.nanvar(a, axis=0), np.nanstd(a, 0),
            np.nanvar(a, axis=0, ddof=1), np.nanstd(a, axis=0, ddof=2))


def nan_sums1(a):
    return np.nansum(a, axis=1), np.nanmean(a, axis=1), np.nanvar(a, 1), np.nanstd(a, axis=-2, ddof=1)


def nan_prod0(a):
    return np.nanprod(a, axis=0), np.nanprod(a, 1) if a.ndim == 3 else np.nanprod(a, -2)


def nan_extremes0(a):
    return np.nanmin(a, axis=0), np.nanmax(a, axis=0)


def nan_extremes1(a):
    return np.nanmin(a, axis=1), np.nanmax(a, axis=-2)


def ptp01(a):
    return np.ptp(a, axis=0), np.ptp(a, axis=1) if a.ndim == 3 else np.ptp(a, axis=0)


def all0(a):
    return (np.nansum(a, axis=0), np.nanmean(a, 0), np.nanvar(a, 0), np.nanstd(a, 0, ddof=1), np.nanmin(a, 0),
            np.nanmax(a, 0), np.nanprod(a, 0), np.ptp(a, 0))


def data(dtype, shape, seed=0):
    """Unrounded values (so sums round), NaN in about a fifth of a float array's places, one
    all-NaN column (index 1 of the last axis) and a -0.0."""
    dt = np.dtype(dtype)
    if dt.kind != "f":
        return sample(dtype, shape, seed)
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(shape) * 10
    a[rng.random(shape) < 0.2] = np.nan
    if shape[-1] > 1:
        a[..., 1] = np.nan
    if a.size:
        a.flat[0] = -0.0
    return a.astype(dt)


def cases2(dtype):
    a = data(dtype, (7, 5), seed=1)
    return ([(v,) for _, v in layouts(a)]
            + [(data(dtype, (1, 4)),), (data(dtype, (6, 1)),), (np.zeros((3, 0), dtype),)])


def cases3(dtype):
    t = data(dtype, (4, 6, 5), seed=2)
    return [(v,) for _, v in layouts(t)] + [(np.zeros((2, 0, 3), dtype),), (data(dtype, (2, 1, 3)),)]


def exact(cases):
    """The cases NumPy also adds row by row in index order (C arrays, positive-stride views)."""
    return [c for c in cases if c[0].flags.c_contiguous or min(c[0].strides) > 0 and not c[0].flags.f_contiguous]


def run(fn, cases, **kw):
    # NumPy warns of all-NaN slices, empty means and ddof past the count; ember does not
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        check_all(fn, cases, **kw)


@NO_AXIS
@pytest.mark.parametrize("dtype", DTYPES)
def test_nan_sums_axis0(dtype):
    run(nan_sums0, exact(cases2(dtype) + cases3(dtype)), rtol=0, atol=0)
    run(nan_sums0, cases2(dtype) + cases3(dtype), rtol=1e-5)


@NO_AXIS
@pytest.mark.parametrize("dtype", DTYPES)
def test_nan_sums_middle_axis(dtype):
    run(nan_sums1, exact(cases3(dtype)), rtol=0, atol=0)
    run(nan_sums1, cases3(dtype), rtol=1e-5)


@NO_AXIS
@pytest.mark.parametrize("dtype", DTYPES)
def test_nanprod_not_last(dtype):
    # float32 products in float32, as NumPy's (each double product of two floats rounded once)
    run(nan_prod0, exact(cases2(dtype) + cases3(dtype)), rtol=0, atol=0)
    run(nan_prod0, cases2(dtype) + cases3(dtype), rtol=1e-5)


def test_nanprod_float32_whole():
    rng = np.random.default_rng(5)
    a = (1 + rng.standard_normal(1000) * 0.01).astype(np.float32)
    a[::7] = np.nan
    run(lambda x: (np.nanprod(x), np.nanprod(x.reshape(10, 100), axis=1)), [(a,), (a[::-1],)], rtol=0, atol=0)


@NO_AXIS
@pytest.mark.parametrize("dtype", DTYPES)
def test_nan_extremes_not_last(dtype):
    run(nan_extremes0, cases2(dtype) + cases3(dtype))
    run(nan_extremes1, cases3(dtype))
    if dtype != "bool":
        run(ptp01, cases2(dtype) + cases3(dtype))


@NO_AXIS
def test_empty_axis_and_all_nan():
    e = np.zeros((0, 3))
    run(lambda a: (np.nansum(a, axis=0), np.nanprod(a, 0), np.nanmean(a, 0), np.nanvar(a, 0)), [(e,), (e.astype(np.float32),),
                                                                                               (e.astype(np.int64),)])
    for f in (lambda a: np.nanmin(a, axis=0), lambda a: np.nanmax(a, 0), lambda a: np.ptp(a, 0)):
        run(f, [(e,), (np.zeros((2, 0, 3)),), (np.zeros((0, 3), np.int32),)])   # ValueError
    run(nan_extremes0, [(np.zeros((0, 0)),), (np.zeros((0, 2, 0)),)])        # no results: no error
    nan = np.full((3, 4), np.nan)
    run(all0, [(nan,), (nan.astype(np.float32),)], rtol=0, atol=0)


@NO_AXIS
def test_negative_zero_and_inf():
    a = np.array([[-0.0, 0.0, np.inf, -np.inf, np.nan], [-0.0, -0.0, -np.inf, 1.0, 2.0], [np.nan, 0.0, 1.0, np.nan, -0.0]])
    for v in (a, a.astype(np.float32)):
        run(all0, [(v,), (v[::-1],), (v[:, ::2],)], rtol=0, atol=0)


@NO_AXIS
def test_int_wraps_as_numpy():
    a = np.array([[120, -100, 127], [100, -100, 5], [7, -128, 127]], np.int8)
    run(lambda x: (np.nansum(x, 0), np.nanprod(x, 0), np.ptp(x, 0), np.nanmean(x, 0)), [(a,), (a.astype(np.uint8),),
                                                                                         (a.astype(np.uint64),)])


@NO_AXIS
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_rows_bitwise_as_lanes(dtype):
    # the middle axis of an F array still folds lane by lane in index order (not pairwise): the
    # rows' results must be its bits exactly
    t = data(dtype, (5, 9, 6), seed=7)
    f = jit(lambda a: (np.nansum(a, 1), np.nanmean(a, 1), np.nanvar(a, 1), np.nanstd(a, 1, ddof=1), np.nanprod(a, 1),
                       np.nanmin(a, 1), np.nanmax(a, 1), np.ptp(a, 1)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        rows, lanes = f(np.ascontiguousarray(t)), f(np.asfortranarray(t))
    for r, l in zip(rows, lanes):
        assert r.dtype == l.dtype
        assert np.array_equal(r.view(np.uint8), np.ascontiguousarray(l).view(np.uint8))


@pytest.mark.skipif(ON_NUMBA, reason="ember's typing message")
def test_nanargmin_axis0_unchanged():
    # nanargmin/nanargmax along a slow axis already ran row by row (lower_extreme.c): still so
    a = data("float64", (6, 4), seed=3)
    a[:, 1] = 0.5   # no all-NaN column: NumPy raises for one
    check_all(lambda x: (np.nanargmin(x, axis=0), np.nanargmax(x, 0)), [(v,) for _, v in layouts(a)])
