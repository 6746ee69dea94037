"""NumPy's statistics and searching functions, compiled vs NumPy: histogram bincount digitize
interp cov corrcoef, nansum nanprod nanmin nanmax nanmean nanvar nanstd ptp (axis=None or one
axis), nonzero / np.where(cond) / argwhere / flatnonzero, convolve correlate cross; over
dtypes, layouts, empty and one-element arrays, NaN, keyword forms and NumPy's run-time errors.

Differences from NumPy checked here: bincount of an empty array with weights is float64 (NumPy:
int64); cov/corrcoef of a 2-d input give a 2-d result even for one
variable (NumPy squeezes it to 0-d)."""

import math
import warnings

import numpy as np
import pytest

from ember.errors import TypingError

from difftest import ON_NUMBA, check, check_all, errors, jit, layouts, no_leaks, sample  # noqa: F401

pytestmark = pytest.mark.skipif(ON_NUMBA, reason="ember's NumPy function set (numba lacks several)")

nan, inf = math.nan, math.inf
REAL = ["bool", "int8", "uint16", "int64", "float32", "float64"]


def with_nans(dtype, shape, seed=0):
    a = sample(dtype, shape, seed)
    if a.dtype.kind == "f" and a.size:
        a.flat[::3] = nan
    return a


# ------------------------------------------------------------------ histogram and friends


def hists(a):
    return np.histogram(a), np.histogram(a, 4, range=(-5, 5)), np.histogram(a, bins=3, density=True)


@pytest.mark.parametrize("dtype", ["int8", "uint16", "int64", "float32", "float64"])
def test_histogram(dtype):
    check_all(hists, [(v,) for _, v in layouts(sample(dtype, (5, 7)))] + [(np.zeros(0, dtype),), (np.ones(1, dtype),)])


def test_histogram_edges_weights():
    a = sample("float64", (40,))
    check_all(lambda a, b: np.histogram(a, b), [(a, np.array([-20.0, -1, 0, 0.5, 3, 30])), (a, np.array([-5, 0, 5])),
                                                (a, np.array([0.0, 0.0, 1.0])), (np.array([1.0, 2.0, 2.0]), np.array([0.0, 1.0, 2.0]))])
    check(lambda a, w: np.histogram(a, 6, weights=w), a, a * 0.5)
    check(lambda a, w: np.histogram(a, 6, weights=w), a, np.arange(40))
    check(lambda a, w: np.histogram(a, np.array([-3.0, 0, 3]), weights=w), a, a * 0.5)
    check(lambda a: np.histogram(a, 5)[0], sample("float32", (20,)))   # the counts (NumPy's float32 edges differ)


def equal_bins(a, lo, hi):
    return (np.histogram(a, 10, range=(lo, hi)), np.histogram(a, 7, range=(lo, hi)), np.histogram(a, 1, range=(lo, hi)),
            np.histogram(a, 1000, range=(lo, hi)), np.histogram(a, 10))


@pytest.mark.parametrize("dtype", ["int64", "int8", "uint64", "float32", "float64"])
@pytest.mark.parametrize("n", [0, 1, 7, 100_000])
def test_histogram_equal_bins_exact(dtype, n):
    # counts as NumPy's, exactly (int64), over the lane as it is (no float64 copy): long lanes
    # take four copies of the counters, strided ones the strided loop
    x = np.random.default_rng(n).standard_normal(n) * 3
    a = x.astype(dtype) if dtype[0] == "f" else np.round(x).astype(dtype) if dtype[0] == "i" else np.abs(np.round(x)).astype(dtype)
    if n == 0:
        check(lambda a: tuple(np.histogram(a, 10, range=(-3.0, 3.0))) + tuple(np.histogram(a, 4)), a)
        return
    check(equal_bins, a, -3.0, 3.0)
    check(equal_bins, a[::3], -1.3, 2.1)
    check(equal_bins, a, 2, 2)   # an empty range widens by a half each side


def test_histogram_values_on_edges():
    # values on every edge, one ulp either side, outside the range, the range's bounds, inf, NaN:
    # searchsorted(edges, x, 'right') - 1 as NumPy, the last bin closed
    for lo, hi, nb in ((-5.0, 5.0, 100), (-5.0, 5.0, 7), (0.1, 0.7, 3), (-1e-3, 3e5, 977), (1.0, 1.0 + 2**-40, 5)):
        e = np.linspace(lo, hi, nb + 1)
        x = np.concatenate([e, np.nextafter(e, -inf), np.nextafter(e, inf), [nan, inf, -inf, lo - 1, hi + 1]])
        check(lambda x, lo, hi, nb: np.histogram(x, nb, range=(lo, hi)), x, lo, hi, nb)
        check(lambda x, lo, hi, nb: np.histogram(x, nb, range=(lo, hi)), x.astype(np.float32), lo, hi, nb)
        check(lambda x, nb: np.histogram(x, nb), x[np.isfinite(x)].astype(np.float32), nb)   # float32 edges made in float32
        check(lambda x, w: np.histogram(x, 9, range=(0.1, 0.7), weights=w), x, np.arange(x.size) * 0.5)
        check(lambda x, b: np.histogram(x, b), x, e)


@pytest.mark.parametrize("nedges", [2, 5, 21, 64, 65, 66])
def test_histogram_own_edges_long_lanes(nedges):
    # a long lane against up to 64 edges of its own: counts kept in copies, values on the edges,
    # outside them, inf and NaN as NumPy counts them; weights keep their order
    rng = np.random.default_rng(nedges)
    e = np.sort(rng.standard_normal(nedges)) * 2
    x = np.concatenate([rng.standard_normal(3000) * 2, e, e, [nan, inf, -inf, e[0] - 1, e[-1] + 1]])
    check(lambda x, b: np.histogram(x, b), x, e)
    check(lambda x, b: np.histogram(x, b), x[::3], e)
    check(lambda x, b: np.histogram(x, b), x.astype(np.float32), e)
    check(lambda x, b, w: np.histogram(x, b, weights=w), x, e, rng.random(x.size))
    check(lambda x, b: np.histogram(x, b), np.round(x * 3).astype(np.int64), np.round(e * 3))


def sprinkle(x, special, seed):
    # special values at random places of a long lane: some blocks of the lane meet none, some one
    x = x.copy()
    idx = np.random.default_rng(seed).choice(x.size, size=min(special.size, x.size // 4), replace=False)
    x[idx] = special[:idx.size].astype(x.dtype)
    return x


FAST_RANGES = ((-5.0, 5.0, 100), (0.0, 1.0, 8), (-1e-3, 3e5, 977), (-3.0, 4.0, 7), (0.0, 10.0, 10), (1e6, 1e6 + 1, 10),
               (1.0, 1.0 + 2**-40, 5), (-1e-300, 1e-300, 3))


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "uint64", "int16"])
def test_histogram_long_lanes_near_edges(dtype):
    # lanes of 32 elements or more (and at least the bins) take the fast loop, the floor of the
    # estimate with no edge test, where every value's estimate is more than eps from an edge; a
    # block with a value on an edge or one ulp beside it (the range's bounds, inf, NaN too) is
    # binned again exactly, and integers on integer edges keep to the exact loop: NumPy's counts
    rng = np.random.default_rng(11)
    for lo, hi, nb in FAST_RANGES:
        width = hi - lo
        x = rng.uniform(lo - 0.1 * width, hi + 0.1 * width, 3000)
        if dtype[0] in "iu":
            x = np.round(x * (1.0 if width >= 1 else 0.0))
            x = np.abs(x) if dtype[0] == "u" else x
            x = np.clip(x, *((0, 30000) if dtype == "int16" else (-2**62, 2**62)))
        x = x.astype(dtype)
        e = np.linspace(lo, hi, nb + 1)
        special = np.concatenate([e, np.nextafter(e, -inf), np.nextafter(e, inf)])
        if dtype[0] == "f":
            special = np.concatenate([[nan, inf, -inf], special])
        for a in (x, sprinkle(x, special, nb), np.sort(sprinkle(x, special, nb + 1))):
            check(lambda a, lo, hi, nb: np.histogram(a, nb, range=(lo, hi)), a, lo, hi, nb)
        check(lambda a, lo, hi, nb: np.histogram(a[::3], nb, range=(lo, hi)), sprinkle(x, special, 5), lo, hi, nb)
    if dtype[0] == "f":   # edges from the data's own range, float32 ones made in float32
        a = sprinkle(x, np.array([x.min(), x.max(), 0.5 * (x.min() + x.max())]), 3)
        check(lambda a: (np.histogram(a, 13), np.histogram(a, 100)), a)


def test_histogram_long_lanes_weights_density():
    # the fast loop's bins with weights (one copy of the counts, summed in order as NumPy's
    # bincount) and density
    rng = np.random.default_rng(5)
    x = rng.standard_normal(20_000)
    e = np.linspace(-3.0, 3.0, 41)
    x = sprinkle(x, np.concatenate([e, np.nextafter(e, inf), [nan, inf]]), 0)
    w = rng.uniform(0.0, 2.0, x.size)
    check(lambda a, w: np.histogram(a, 40, range=(-3.0, 3.0), weights=w), x, w)
    check(lambda a, w: np.histogram(a, 40, range=(-3.0, 3.0), weights=w, density=True), x, w)
    check(lambda a: np.histogram(a, 40, range=(-3.0, 3.0), density=True), x)
    check(lambda a: np.histogram(a, 5000, range=(-3.0, 3.0)), x)   # more bins than the counters' copies take
    check(lambda a: np.histogram(a, 40, range=(-3.0, 3.0))[0], x.reshape(100, 200)[:, ::2])   # a 2-d strided view


def test_histogram_weights_dtypes():
    a = sample("float64", (300,))
    for w in (a * 0.5, np.arange(300), np.arange(300).astype(np.float32)):
        check(lambda a, w: np.histogram(a, 6, range=(-1.0, 1.0), weights=w), a, w)
        check(lambda a, w: np.histogram(a, 6, weights=w, density=True), a, w)
    check(lambda a, w: np.histogram(a, 6, weights=w), a[:0], a[:0])


def test_histogram_many_bins_small_range():
    # NumPy refuses edges that do not increase (a range too small for its bins)
    check(lambda a: np.histogram(a, 3), np.array([2**64 - 3], np.uint64))
    check(lambda a: np.histogram(a, 4, range=(1.0, 1.0 + 2**-52)), np.ones(3))
    check(lambda a: np.histogram(a, 4, range=(1.0, 1.0 + 2**-50)), np.ones(3))


def test_histogram_errors():
    check(lambda a: np.histogram(a), np.array([1.0, nan]))             # autodetected range not finite
    for bad in ([nan, 1.0, 2.0], [1.0, inf, 0.5], [-inf, 2.0], [3.0, 1.0, nan, 0.0, 7.0, 2.0]):
        check(lambda a: np.histogram(a), np.array(bad))
        check(lambda a: np.histogram(a[::2]), np.repeat(np.array(bad), 2))   # a strided lane
    check(lambda a: np.histogram(a, 3, range=(2, 1)), np.arange(4.0))   # max < min
    check(lambda a: np.histogram(a, 0), np.arange(4.0))
    check(lambda a, b: np.histogram(a, b), np.arange(4.0), np.array([1.0, 0.0]))
    check(lambda a, w: np.histogram(a, weights=w), np.arange(4.0), np.ones(3))


def bincounts(x, w):
    return np.bincount(x), np.bincount(x, w), np.bincount(x, minlength=12), np.bincount(x, weights=w, minlength=2)


@pytest.mark.parametrize("dtype", ["bool", "uint8", "int8", "uint16", "int32", "int64", "uint64"])
def test_bincount(dtype):
    x = (sample("int64", (15,)) % 9).astype(dtype) if dtype != "bool" else sample("bool", (15,))
    check_all(bincounts, [(v, np.linspace(0, 1, 15)) for _, v in layouts(x, ("C", "reversed", "strided"))])
    check(lambda x: (np.bincount(x), np.bincount(x, minlength=3)), np.zeros(0, dtype))


def test_bincount_errors():
    check(lambda x: np.bincount(x), np.array([1, -1, 2]))
    check(lambda x: np.bincount(x, minlength=-1), np.array([1, 2]))
    check(lambda x, w: np.bincount(x, w), np.array([1, 2]), np.ones(3))
    check(lambda x: np.bincount(x), np.array([1, 2**63], dtype=np.uint64))   # ValueError, as NumPy's cast
    check(lambda x: np.bincount(x), np.array([1, -1, 2], dtype=np.int8))


def digitizes(x, bins):
    return np.digitize(x, bins), np.digitize(x, bins, right=True), np.digitize(x[0], bins)


def test_digitize():
    x = np.array([-1.0, 0.0, 0.5, 1.0, 2.5, nan, 4.0])
    check_all(digitizes, [(x, np.array([0.0, 1.0, 2.5])), (x, np.array([2.5, 1.0, 0.0])), (x, np.array([1.0])),
                          (x.reshape(7, 1), np.array([0.0, 0.0, 1.0])), (np.arange(6), np.array([1, 3, 3]))])
    check(digitizes, x, np.array([0.0, 2.0, 1.0]))   # not monotonic: ValueError


def interps(x, xp, fp):
    return np.interp(x, xp, fp), np.interp(x, xp, fp, left=-1.0, right=99), np.interp(2.25, xp, fp)


def test_interp():
    xp, fp = np.array([0.0, 1.0, 2.5, 4.0]), np.array([3.0, -1.0, 0.5, 10.0])
    x = np.array([-1.0, 0.0, 0.3, 1.0, 2.0, 4.0, 5.0, nan])
    check_all(interps, [(x, xp, fp), (x.reshape(2, 4), xp, fp), (x[::-2], xp[::-1][::-1], fp), (x, np.array([1.0]), np.array([7.0])),
                        (np.arange(5), np.array([0, 2, 4]), np.array([1, 5, 2]))])
    check(lambda x: np.interp(x, np.array([0.0, 1.0]), np.array([0.0, inf])), np.array([0.0, 0.5, 1.0]))


def test_interp_sorted_and_repeated_queries():
    # the runtime starts each search at the last interval found: sorted, repeated, backwards and
    # random queries, sample points with repeats, all as NumPy gives them
    rng = np.random.default_rng(3)
    xp = np.sort(rng.random(200)) * 10
    xp[50:53] = xp[50]
    fp = rng.standard_normal(200)
    x = np.concatenate([np.sort(rng.random(500) * 12 - 1), np.repeat(xp[50], 3), np.sort(rng.random(300) * 10)[::-1],
                        rng.random(200) * 10, xp])
    check(interps, x, xp, fp)


def complex_interps(x, xp, fp):
    return np.interp(x, xp, fp), np.interp(x, xp, fp, left=-1j, right=5.0), np.interp(x[0], xp, fp)


@pytest.mark.parametrize("seed", range(6))
def test_interp_of_complex_values(seed):
    rng = np.random.default_rng(seed)
    n = 1 + seed
    xp = np.sort(rng.integers(0, 6, n).astype(float))   # repeated sample points too
    fp = rng.standard_normal(n) + 1j * rng.standard_normal(n)
    if seed % 2:
        fp[0] = complex(inf, 1.0)
    x = np.concatenate([rng.uniform(-1, 7, 9), xp, [nan]])
    check(complex_interps, x, xp, fp)
    check(complex_interps, x.reshape(-1, 1)[::2], xp.astype(np.int64), fp)


def test_interp_errors():
    check(lambda x: np.interp(x, np.zeros(0), np.zeros(0)), np.ones(2))
    check(lambda x: np.interp(x, np.arange(3.0), np.arange(2.0)), np.ones(2))


def covs(m):
    return np.cov(m), np.cov(m, bias=True), np.cov(m, ddof=2), np.corrcoef(m)


def test_cov_corrcoef():
    check_all(covs, [(v,) for _, v in layouts(sample("float64", (3, 6)))] + [(sample("int32", (2, 5)),)], rtol=1e-10)
    check(covs, sample("float64", (7,)), rtol=1e-10)                   # one variable: 0-d
    check(lambda a, b: (np.cov(a, b), np.corrcoef(a, b)), sample("float64", (6,)), sample("float64", (6,), 1), rtol=1e-10)
    check(lambda m: (np.cov(m, rowvar=False), np.corrcoef(m, rowvar=False)), sample("float64", (6, 3)), rtol=1e-10)
    check(lambda a, b: np.cov(a, b), sample("float64", (6,)), sample("float64", (5,)))   # ValueError


# ------------------------------------------------------------------ NaN-ignoring reductions and ptp


def nanreds(a):
    return (np.nansum(a), np.nanprod(a), np.nanmin(a), np.nanmax(a), np.nanmean(a), np.nanvar(a), np.nanstd(a),
            np.nanvar(a, ddof=1), np.ptp(a))


def nanreds_axis(a):
    return (np.nansum(a, axis=0), np.nanprod(a, 1), np.nanmin(a, axis=-1), np.nanmax(a, 0), np.nanmean(a, axis=1),
            np.nanvar(a, 0), np.nanstd(a, axis=1, ddof=1), np.ptp(a, axis=0))


@pytest.mark.parametrize("dtype", ["int8", "uint16", "int64", "float32", "float64"])
def test_nan_reductions(dtype):
    check_all(nanreds, [(v,) for _, v in layouts(with_nans(dtype, (3, 4)))] + [(with_nans(dtype, (1,)),)], rtol=1e-5)
    check_all(nanreds_axis, [(v,) for _, v in layouts(with_nans(dtype, (3, 4)))], rtol=1e-5)


def test_nan_reductions_all_nan_and_empty():
    check(lambda a: (np.nansum(a), np.nanprod(a), np.nanmin(a), np.nanmax(a), np.nanmean(a), np.nanvar(a)), np.array([nan, nan]))
    check(lambda a: (np.nansum(a), np.nanprod(a), np.nanmean(a)), np.zeros(0))
    check(lambda a: np.nanmin(a), np.zeros(0))   # ValueError
    check(lambda a: np.ptp(a), np.zeros(0))      # ValueError
    check(lambda a: np.ptp(a), np.array([1.0, nan, 3.0]))


# ------------------------------------------------------------------ nonzero and friends


def sorts_of_ordered(a):
    b = a.copy()
    b.sort()
    return np.sort(a), b, np.argsort(a), np.argsort(a, kind="stable"), np.argsort(a[::2]), np.sort(a[::-1])


@pytest.mark.parametrize("dtype", ["int8", "int64", "uint16", "float32", "float64"])
def test_sorts_of_data_already_in_order(dtype):
    """Ascending, strictly ascending, descending and strictly descending data (one pass finds
    them, NumPy's quicksort is not run), with ties, a NaN, and one value out of line at the end:
    NumPy's results, default argsort's ties included."""
    for n in (2, 3, 17, 300, 5000):
        up = np.arange(n).astype(dtype)
        ties = (np.arange(n) // 3).astype(dtype)
        cases = [up, up[::-1].copy(), ties, ties[::-1].copy(), np.concatenate((up[1:], up[:1]))]
        if dtype.startswith("float"):
            nan_end = up.copy()
            nan_end[-1] = np.nan
            cases += [nan_end, nan_end[::-1].copy()]
        for a in cases:
            got, want = jit(sorts_of_ordered)(a), sorts_of_ordered(a)
            for g, w in zip(got, want):
                assert np.array_equal(g, w, equal_nan=dtype.startswith("float")), (a, g, w)


def nonzeros(a):
    return np.nonzero(a), np.argwhere(a), np.flatnonzero(a), a.nonzero()


@pytest.mark.parametrize("dtype", ["bool", "int8", "float64", "complex128"])
def test_nonzero(dtype):
    check_all(nonzeros, [(v,) for shape in ((7,), (3, 4), (2, 2, 3)) for _, v in layouts(sample(dtype, shape))]
              + [(np.zeros((0, 3), dtype),), (np.zeros(4, dtype),)])


def test_where_one_argument():
    check(lambda a: np.where(a > 0), sample("float64", (3, 4)))
    check(lambda a: np.where(a)[0], sample("int16", (9,)))


# ------------------------------------------------------------------ convolve, correlate, cross


def convs(a, v):
    return (np.convolve(a, v), np.convolve(a, v, mode="same"), np.convolve(a, v, "valid"), np.correlate(a, v),
            np.correlate(a, v, mode="same"), np.correlate(a, v, mode="full"))


@pytest.mark.parametrize("dtype", ["int8", "int64", "float32", "float64", "complex64", "complex128"])
def test_convolve_correlate(dtype):
    for n, m in ((7, 3), (3, 7), (4, 4), (1, 5), (6, 1), (5, 2)):
        check_all(convs, [(x, y) for (_, x), (_, y) in zip(layouts(sample(dtype, (n,)), ("C", "reversed", "strided")),
                                                         layouts(sample(dtype, (m,), 1), ("strided", "C", "reversed")))],
                  # single precision: NumPy accumulates in float32, ember in float64 (cancellation: atol)
                  rtol=1e-5 if dtype in ("float32", "complex64") else None, atol=1e-4 if dtype == "complex64" else None)
    check(convs, sample("int8", (5,)), sample("float64", (3,)))


@pytest.mark.parametrize("dtype", ["int8", "int64", "float32", "float64", "complex128"])
def test_convolve_correlate_blocks(dtype):
    """600 outputs and more: several blocks of ember's summing loop, the last one partial. Integers
    are exact; floats sum in another order than NumPy's BLAS dot (cancellation: atol)."""
    for n, m in ((600, 31), (33, 700)):
        check_all(convs, [(x, y) for (_, x), (_, y) in zip(layouts(sample(dtype, (n,)), ("C", "reversed", "strided")),
                                                         layouts(sample(dtype, (m,), 1), ("strided", "C", "reversed")))],
                  atol=1e-3 if dtype == "float32" else 1e-9)


def test_convolve_errors():
    check(lambda a, v: np.convolve(a, v), np.zeros(0), np.ones(3))
    check(lambda a, v: np.correlate(a, v), np.ones(3), np.zeros(0))


def crosses(a, b):
    return np.cross(a, b)


def test_cross():
    check_all(crosses, [(sample("float64", (3,)), sample("float64", (3,), 1)), (sample("int32", (4, 3)), sample("int32", (4, 3), 1)),
                        (sample("float64", (4, 3)), np.array([1.0, 2.0, 3.0])), (np.arange(3), sample("float64", (2, 3)))])
    check(crosses, np.ones(4), np.ones(3))              # ValueError
    check(crosses, np.ones((2, 3)), np.ones((3, 3)))    # ValueError


def test_cross_shapes():
    a, b = sample("complex128", (4, 3)), sample("complex128", (4, 3), 1)
    check_all(crosses, [(x, b) for _, x in layouts(a)] + [(a[0], b[1]), (a[1], b), (a[:, :2], b), (a, b[:, :2]),
                                                          (a.reshape(2, 2, 3), b[:2]), (a[:, None], b[None]), (a[:0], b[:0])])


@pytest.mark.parametrize("da, db", [("complex64", "complex64"), ("float32", "float32"), ("int8", "int8"), ("uint8", "int64"),
                                    ("float32", "int8"), ("int64", "complex128"), ("bool", "float64")])
def test_cross_dtypes(da, db):
    a, b = sample(da, (4, 3)), sample(db, (4, 3), 1)
    check_all(crosses, [(a, b), (a[:, :2], b)])


def cross_axes(a, b):
    return (np.cross(a, b, axis=0), np.cross(a, b, axisa=0, axisb=0, axisc=-1), np.cross(a, b, 0, 0, 0),
            np.cross(a, b, axisa=-2, axisb=0, axisc=1, axis=None))


@pytest.mark.filterwarnings("ignore:Arrays of 2-dimensional vectors")
def test_cross_axes():
    a, b = sample("float64", (3, 4)), sample("complex128", (3, 4), 1)
    check_all(cross_axes, [(a, b), (a.T.copy().T, b), (a[:2], b), (a, b[:2])])
    check(lambda a, b, k: np.cross(a, b, axisa=k), a.T, b.T, 2)        # AxisError
    check(lambda a, b, k: np.cross(a, b, axisc=k), a.T, b.T, -3)       # AxisError


def test_cross_errors():
    check(crosses, np.ones((2, 4)), np.ones((2, 3)))    # ValueError: not 2 or 3
    check(crosses, np.ones((2, 2)), np.ones((2, 2, 3)))  # ValueError: shapes do not broadcast
    with pytest.raises(ValueError, match="2-vectors"):   # NumPy: the z components alone (deprecated), ndim - 1
        jit(crosses)(np.ones(2), np.ones(2))
    with pytest.raises(TypingError, match="boolean subtract"):   # NumPy: TypeError
        jit(crosses)(np.ones(3, bool), np.ones(3, bool))


# ------------------------------------------------------------------ compile-time errors


@pytest.mark.parametrize("fn, args, what", [
    (lambda a: np.histogram(a), (np.ones(3, np.complex128),), "complex"),
    (lambda a: np.histogram(a, 1.5), (np.ones(3),), "bins"),
    (lambda a: np.bincount(a), (np.ones(3),), "integers"),
    (lambda a, n: np.nansum(a, axis=n), (np.ones((2, 2)), 0), "constant"),
    (lambda a: np.nanmax(a, 2), (np.ones((2, 2)),), "out of bounds"),
    (lambda a: np.convolve(a, a, mode="middle"), (np.ones(3),), "mode"),
    (lambda a: np.correlate(a, a), (np.ones(3, np.bool_),), "numeric"),
    (lambda a: np.ptp(a), (np.ones(3, np.bool_),), "boolean"),
])
def test_compile_errors(fn, args, what):
    with pytest.raises((errors.TypingError, errors.UnsupportedError)) as info:
        jit(fn)(*args)
    text = str(info.value)
    assert "test_np_stats.py:" in text and "^" in text and what in text, text


# ------------------------------------------------------------------ sorting and order statistics along an axis


def sorts_axis(a):
    b = a.copy()
    b.sort(axis=0)
    return (np.sort(a, axis=0), np.sort(a, -1), np.sort(a, axis=None), np.argsort(a, axis=0, kind="stable"),
            np.argsort(a, kind="stable"), np.argsort(a, axis=None, kind="stable"), b)


@pytest.mark.parametrize("dtype", ["bool", "int8", "uint32", "int64", "float32", "float64"])
def test_sort_argsort_axis(dtype):
    a = (sample("int64", (3, 4, 5)) % 4).astype(dtype) if dtype != "bool" else sample("bool", (3, 4, 5))
    check_all(sorts_axis, [(v,) for _, v in layouts(a)] + [(np.zeros((0, 3, 2), dtype),), (sample(dtype, (1, 1, 1)),)])


def test_sort_nan_along_axis():
    check(sorts_axis, np.array([[3.0, nan, 1.0], [nan, -inf, 2.0]]))


def sorts_slow(a):
    b, c = a.copy(), np.asfortranarray(a)
    b.sort(axis=1)
    c.sort(axis=1)
    return np.sort(a, axis=0), np.sort(a, axis=1), np.sort(a, axis=-2), b, c


@pytest.mark.parametrize("dtype", ["bool", "int8", "uint16", "int64", "float32", "float64"])
def test_sort_slow_axis_in_blocks(dtype):
    # a slow axis sorts a block of up to 64 lanes at a time in a scratch buffer (lower_nplib.c,
    # sort_axis_blocks): 150 lanes are blocks of 64, 64 and 22; 5000 rows of float64 make
    # blocks of 6 lanes; NaN last; C, F, reversed and strided views, in place too
    a = sample(dtype, (3, 7, 150), seed=2)
    if dtype.startswith("float"):
        a[0, ::3, ::7] = nan
    cases = [(v,) for _, v in layouts(a)] + [(sample(dtype, (4, 5000, 9)),), (np.zeros((2, 0, 3), dtype),),
                                              (np.zeros((2, 3, 0), dtype),), (sample(dtype, (1, 1, 1)),)]
    check_all(sorts_slow, cases)


def order_stats_axis(a, q):
    return (np.median(a, axis=0), np.median(a, axis=-1), np.percentile(a, 30, axis=1), np.quantile(a, q, axis=0),
            np.quantile(a, q), np.percentile(a, q * 100, axis=2))


@pytest.mark.parametrize("dtype", ["int16", "float32", "float64"])
def test_order_stats_axis(dtype):
    q = np.array([0.0, 0.25, 0.5, 0.9, 1.0])
    # float32 data with float64 q: NumPy interpolates partly in float32, so float32's tolerance
    check_all(order_stats_axis, [(v, q) for _, v in layouts(sample(dtype, (3, 4, 5)))], rtol=1e-6 if dtype == "float32" else None)
    check(lambda a: np.median(a, axis=0), sample(dtype, (6,)))


def order_stats_long(a):
    return (np.median(a, axis=1), np.median(a), np.quantile(a, [0.0, 0.3, 0.99, 1.0], axis=1), np.percentile(a, 50, axis=0),
            np.quantile(a[0], 0.75))


def test_order_stats_long_lanes():
    """Lanes past the sort's insertion cutoff: rounds of quickselect, and a k at either end (the
    upper neighbour of a median or quantile index) found by one scan; ties, sorted and reversed."""
    rng = np.random.default_rng(3)
    down = -np.sort(rng.standard_normal((4, 90)))
    check_all(order_stats_long, [(rng.standard_normal((7, 101)),), (rng.standard_normal((6, 200)),),
                                 (rng.integers(0, 5, (5, 64)).astype(np.float64),), (down,), (np.sort(down),)])



def order_stats_axes(a):
    return (np.median(a, axis=(0, 2)), np.median(a, (-1, 0)), np.percentile(a, 30, axis=(1, 2)),
            np.quantile(a, np.array([0.1, 0.9]), axis=(2, 0)), np.median(a, axis=(0, 1, 2)), np.percentile(a, q=50, axis=(1,)))


@pytest.mark.skipif(ON_NUMBA, reason="numba lacks axis= on np.median")
@pytest.mark.parametrize("dtype", ["int64", "float32"])
def test_order_stats_tuple_of_axes(dtype):
    # ember/_nplib.py: the axes moved last and merged; empty and F-order too
    a = sample(dtype, (3, 4, 5), 2)
    check_all(order_stats_axes, [(a,), (np.asfortranarray(a),), (a[:, ::2],)], rtol=1e-6 if dtype == "float32" else None)
    with np.errstate(all="ignore"):
        check(lambda a: np.median(a, axis=(0, 1)), a[:0])
    check(lambda a: np.median(a, axis=(0, 3)), a)    # AxisError
    check(lambda a: np.median(a, axis=(0, -3)), a)   # ValueError: duplicate value


def order_stats_keepdims(a, q):
    return (np.median(a, axis=0, keepdims=True), np.median(a, keepdims=True), np.median(a, (0, 2), None, False, True),
            np.percentile(a, 30, axis=-1, keepdims=True), np.quantile(a, q, axis=(2, 0), keepdims=True),
            np.quantile(a, [0.25, 0.75], axis=1), np.percentile(a, (10, 50.0), keepdims=True),
            np.median(a, axis=1, keepdims=False), np.quantile(a, q, keepdims=False))


def nan_order_stats(a, q):
    return (np.nanmedian(a), np.nanmedian(a, axis=0), np.nanmedian(a, axis=(0, 2), keepdims=True),
            np.nanpercentile(a, 40, axis=1), np.nanpercentile(a, q * 100, axis=-1, keepdims=True), np.nanquantile(a, 0.3),
            np.nanquantile(a, q, axis=(1,)), np.nanmedian(a, 2, overwrite_input=False))


@pytest.mark.skipif(ON_NUMBA, reason="numba lacks keepdims= and axis= on np.median, and np.nanquantile's axis=")
@pytest.mark.parametrize("dtype", ["int64", "float32", "float64"])
def test_order_stats_keepdims_and_nan(dtype):
    # ember/_nplib.py: keepdims, q as a list or tuple, and the nan-variants (a lane of NaNs is NaN)
    a = sample(dtype, (3, 4, 5), 3)
    if dtype != "int64":
        a[0, 1] = nan
        a[1, :, 2] = nan
    q = np.array([0.0, 0.3, 1.0])
    tol = 1e-6 if dtype == "float32" else None
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        more = dtype == "float64"   # the layouts once (each form is a compiled function of its own)
        check_all(order_stats_keepdims, [(a, q)] + [(np.asfortranarray(a)[:, ::2], q)] * more, rtol=tol)
        check_all(nan_order_stats, [(a, q)] + [(np.asfortranarray(a)[:, ::-2], q), (a[:1, :1, :1], q)] * more, rtol=tol)
        # (NumPy leaves q's dimension out of a nan-variant of an empty array)
        check(lambda a: (np.nanmedian(a), np.nanmedian(a, (0, 1), keepdims=True), np.nanquantile(a, 0.5, axis=0)), a[:, :0])
    check(lambda a: np.nanmedian(a, axis=(0, 3)), a)    # AxisError
    check(lambda a: np.nanmedian(a, axis=(1, -2)), a)   # ValueError: duplicate value


@pytest.mark.skipif(ON_NUMBA, reason="ember's message")
def test_keepdims_must_be_a_constant():
    with pytest.raises(TypingError, match="keepdims must be a constant"):
        jit(lambda a, k: np.median(a, axis=0, keepdims=k))(np.ones((2, 2)), True)


@pytest.mark.skipif(ON_NUMBA, reason="ember's message")
def test_quantile_of_booleans_is_a_type_error():
    a = np.array([[True, False, True]])
    for fn in (lambda a: np.quantile(a, 0.5), lambda a: np.percentile(a, 30, axis=(0, 1))):
        with pytest.raises(TypeError):
            fn(a)
        with pytest.raises(errors.EmberError, match="boolean"):
            jit(fn)(a)
    check(lambda a: np.median(a, axis=(0, 1)), a)   # the median of booleans NumPy takes


def histogram_counts(a, n):
    return np.histogram(a, n)


@pytest.mark.parametrize("a", [np.array([1e-310, 2e-310, 3e-310, 5e-310]), np.array([0.0, 1e-320, 3e-320, 5e-321]),
                               np.array([-1e-300, 0.0, 1e-300])])
@pytest.mark.parametrize("n", [1, 3, 10])
def test_histogram_subnormal_range(a, n):
    check(histogram_counts, a, n)   # nbins / range overflows: the estimate is scaled


def default_and_stable_argsorts(a):
    return np.argsort(a), a.argsort(), np.argsort(a, kind="stable"), np.argsort(a, kind="quicksort")


@pytest.mark.parametrize("dtype", ["bool", "int8", "int32", "uint64", "float32", "float64"])
def test_default_argsort_orders_ties_as_numpy_or_stably(dtype):
    """np.argsort's default kind is NumPy's own argsort (its SIMD quicksort, whose ties come out
    in its order), but where one value dominates the data (a sample says), which slows that
    quicksort down 2-20x, a stable merge sort (ties in index order); kind="stable" always."""
    rng = np.random.default_rng(12)
    for n in (3, 17, 300, 20_000):
        skewed = np.where(rng.random(n) < 0.7, 0, rng.integers(0, 4, n)).astype(dtype)
        for a in (rng.integers(0, 4, n).astype(dtype), skewed, rng.permutation(n).astype(dtype)):   # ties, few
            if dtype.startswith("float"):
                a[::5] = np.nan
            got, want = jit(default_and_stable_argsorts)(a), default_and_stable_argsorts(a)
            stable = want[2]
            for g, w in zip(got, want):
                assert sorted(g) == list(range(n))    # a permutation
                assert np.array_equal(a[g], a[w], equal_nan=True)   # that sorts a
                assert np.array_equal(g, w) or np.array_equal(g, stable)


def nonzeros(a):
    return np.nonzero(a), np.argwhere(a), np.flatnonzero(a)


def test_nonzero_fills_without_branches():
    """nonzero/argwhere/flatnonzero write every element's index and advance by its truth; the
    writes past the last true element go to a scratch slot, never past the results. Fewer than 1
    in 16 true: a branch around each true element's writes instead."""
    rng = np.random.default_rng(13)
    for a in (rng.random(1001) > 0.8, rng.random((30, 41)) > 0.5, np.zeros(0), np.zeros(5), np.ones(7),
              (rng.random((4, 5, 6)) > 0.3)[:, ::2], rng.integers(0, 3, 100), np.arange(9.0) % 2 == 1,
              rng.random((3, 7, 500)) > 0.98, (rng.random((200, 33)) > 0.99)[:, ::3], rng.random(1000) > 0.94,
              # sparse 1-d: blocks of 16 tested at once (a vector compare where C-contiguous)
              rng.random(1003) > 0.99, (rng.random(999) > 0.995)[::-1], rng.random(17) > 0.99,
              np.where(rng.random(500) > 0.99, rng.standard_normal(500), 0.0), np.array([0.0] * 40 + [np.nan] + [-0.0] * 40),
              np.where(rng.random(300) > 0.98, rng.integers(1, 9, 300), 0).astype(np.int16),
              np.where(rng.random(600) > 0.99, 1 + 1j, 0j), (rng.random((2, 800)) > 0.995)[1],
              (rng.random(3000) > 0.999).view(np.uint8).view(np.bool_)):
        got, want = jit(nonzeros)(a), nonzeros(a)
        assert all(np.array_equal(g, w) for g, w in zip(got[0], want[0]))
        assert np.array_equal(got[1], want[1]) and np.array_equal(got[2], want[2])


def ptps(a):
    return np.ptp(a), np.ptp(a[::2])


def test_ptp_on_vectors_is_numpys():
    """np.ptp of a contiguous lane is np.max - np.min on vectors: NaN propagates, a zero's sign as
    NumPy's, integers wrap in their dtype."""
    rng = np.random.default_rng(14)
    for a in (rng.standard_normal(1001), np.array([0.0, -0.0]), np.array([-0.0] * 20 + [0.0] * 20),
              np.array([1.0, np.nan, 3.0] * 10), rng.standard_normal(1000).astype(np.float32),
              rng.integers(-128, 127, 1000).astype(np.int8), np.array([np.inf, -np.inf]), np.array([5.0])):
        with np.errstate(all="ignore"):
            got, want = jit(ptps)(a), ptps(a)
        for g, w in zip(got, want):
            assert (np.isnan(g) and np.isnan(w)) or (g == w and np.signbit(g) == np.signbit(w)), (a[:4], g, w)


def percentile_of(a, q):
    return np.percentile(a, q)


def test_percentile_out_of_range_says_percentiles():
    for q in (150.0, -1.0, np.array([10.0, 101.0])):
        with pytest.raises(ValueError, match=r"Percentiles must be in the range \[0, 100\]"):
            jit(percentile_of)(np.arange(5.0), q)


def complex_nan_reductions(a):
    return (np.nansum(a), np.nanprod(a), np.nanmean(a), np.nanvar(a), np.nanstd(a), np.nanvar(a, ddof=1),
            np.nanmin(a), np.nanmax(a), np.ptp(a))


def test_nan_reductions_of_complex_arrays():
    # an element is NaN where either part is (np.isnan); all-NaN: NumPy's NaN results
    cases = [np.array([1 + 2j, np.nan, 3 - 1j, 2 + 2j]), np.array([[1 + 1j, 2], [complex(np.nan, 1), -1j]]),
             np.array([1 + 2j, 3 - 1j, 0.5j], np.complex64), np.array([np.nan + 0j, complex(1, np.nan)])]
    with np.errstate(all="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for a in cases:
            check(complex_nan_reductions, a)
    check(lambda a: np.nanmin(a), np.zeros(0, complex))   # NumPy's ValueError
