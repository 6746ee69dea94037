"""min, max, argmin and argmax on explicit vectors (codegen/lower_extreme.c, issue 17), compiled
vs NumPy: every int and float dtype, lengths around the vector step and the argmin/argmax block,
ties (the first occurrence), NaN anywhere (it wins; the first one's index), signed zeros (the
sign NumPy's whole-array loop gives), infinities, empty arrays, views that are not contiguous,
the axis forms, and the parallel chunks."""

import warnings

import numpy as np
import pytest

from difftest import ON_NUMBA, check_all, impl, no_leaks  # noqa: F401

INTS = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
FLOATS = ["float64", "float32"]
SIZES = [1, 7, 16, 17, 31, 32, 33, 39, 40, 41, 63, 64, 65, 127, 129, 1000, 1023, 1024, 1025, 2049, 4099]


def extremes(a):
    return np.min(a), a.max(), np.argmin(a), a.argmax()


def values(dtype, n, rng):
    if dtype in FLOATS:
        return rng.uniform(-1e3, 1e3, n).astype(dtype)
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, n, dtype=dtype, endpoint=True)


def cases_for(dtype, sizes, rng):
    cases = []
    for n in sizes:
        a = values(dtype, n, rng)
        cases.append((a,))
        cases.append((np.sort(a),))
        cases.append((np.sort(a)[::-1].copy(),))
        if n > 3:
            b = a.copy()
            for k in (n - 1, n // 2, 2):       # ties of the extremes: the first one's index
                b[k] = a.max()
                b[k - 1] = a.min()
            cases.append((b,))
            c = np.full(n, a[0])
            c[[n // 3, n - 2]] = a.max()
            cases.append((c,))
    return cases


@pytest.mark.parametrize("dtype", INTS + FLOATS)
def test_extremes_every_dtype(dtype):
    rng = np.random.default_rng(17)
    check_all(extremes, cases_for(dtype, SIZES, rng))


@pytest.mark.parametrize("dtype", ["int8", "uint8", "int16"])
def test_narrow_ints_across_blocks(dtype):
    # argmin/argmax blocks hold 8 KiB: 8192 int8; the extremes in later blocks, and tied across them
    rng = np.random.default_rng(3)
    info = np.iinfo(dtype)
    cases = []
    for n in (8191, 8192, 8193, 20000):
        a = rng.integers(info.min + 1, info.max, n, dtype=dtype)
        for ks in ([n - 1], [9000 % n, n - 1], [5, 16384 % n]):
            b = a.copy()
            b[ks] = info.max
            b[[k // 2 for k in ks]] = info.min
            cases.append((b,))
    check_all(extremes, cases)


@pytest.mark.parametrize("dtype", FLOATS)
def test_nan_wins_first_nan_index(dtype):
    rng = np.random.default_rng(5)
    cases = []
    for n in (1, 2, 7, 32, 33, 39, 40, 41, 100, 1024, 1025, 3000):
        a = values(dtype, n, rng)
        for ks in ([0], [n - 1], [n // 2], [n // 2, n - 1], [n - 1, 0], list(range(n))):
            b = a.copy()
            b[ks] = np.nan
            cases.append((b,))
    check_all(extremes, cases)


@pytest.mark.parametrize("dtype", FLOATS)
def test_infinities(dtype):
    cases = []
    for n in (5, 40, 1500):
        a = np.linspace(-5, 5, n).astype(dtype)
        for fill in ([np.inf], [-np.inf], [np.inf, -np.inf]):
            b = a.copy()
            for k, v in enumerate(fill):
                b[(k * 7 + n // 3) % n] = v
            cases.append((b,))
        cases.append((np.full(n, np.inf, dtype),))
        cases.append((np.full(n, -np.inf, dtype),))
    check_all(extremes, cases)


def signs(a):
    return np.signbit(np.min(a)), np.signbit(np.max(a))


@pytest.mark.skipif(ON_NUMBA, reason="numba's loop keeps the first zero, NumPy's vector loop another")
@pytest.mark.parametrize("dtype", FLOATS)
def test_signed_zeros_as_numpy(dtype):
    # -0.0 and 0.0 tie; which one a whole-array min/max returns follows NumPy's reduction order
    rng = np.random.default_rng(11)
    f = impl.njit(lambda a: (np.min(a), a.max(), a.argmin(), np.argmax(a)))
    for n in (1, 2, 3, 5, 8, 9, 16, 17, 31, 33, 64, 100, 1000, 1025):
        for trial in range(12):
            a = np.where(rng.random(n) < 0.5, -0.0, 0.0).astype(dtype)
            if trial % 3 == 1:
                a[rng.random(n) < 0.3] = -1.0      # max: the zeros among negatives
            if trial % 3 == 2:
                a[rng.random(n) < 0.3] = 1.0       # min: the zeros among positives
            got = f(a)
            want = (np.min(a), a.max(), a.argmin(), np.argmax(a))
            assert got == want, (n, trial, got, want)
            assert (np.signbit(got[0]), np.signbit(got[1])) == signs(a), (dtype, n, trial, a.tolist())



@pytest.mark.parametrize("dtype", FLOATS)
def test_zeros_of_one_sign(dtype):
    # zeros all of one sign (a grid from 0.0, one -0.0 among positives) are the answer as they
    # are, without the rank scan mixed zeros take
    f = impl.njit(lambda a: (np.min(a), np.max(a)))
    for n in (1, 2, 17, 1000, 3001):
        for z in (0.0, -0.0):
            grid = np.linspace(0.0, 5.0, n).astype(dtype)
            grid[0] = z
            for a in (grid, -grid[::-1].copy(), np.full(n, z, dtype)):
                got, want = f(a), (np.min(a), np.max(a))
                assert got == want and [np.signbit(g) for g in got] == [np.signbit(w) for w in want], (n, z, a[:3])

def test_empty_raises():
    for f in (lambda a: a.min(), lambda a: np.max(a), lambda a: a.argmin(), lambda a: np.argmax(a)):
        g = impl.njit(f)
        for dt in ("float64", "float32", "int8", "uint64"):
            with pytest.raises(ValueError):
                g(np.zeros(0, dt))


@pytest.mark.parametrize("dtype", ["float64", "float32", "int16", "uint32"])
def test_views(dtype):
    rng = np.random.default_rng(2)
    a = values(dtype, 3001, rng)
    if dtype in FLOATS:
        a[1700] = np.nan
    cases = [(a[::2],), (a[::-1],), (a[1:],), (a[:2999],), (a[5:][::3],)]
    m = values(dtype, 40 * 70, rng).reshape(40, 70)
    cases += [(m,), (m.T,), (np.asfortranarray(m),), (m[:, 3:],), (m[::2],)]
    check_all(extremes, cases)


def along_axes(m):
    return (m.max(axis=0), np.min(m, axis=0), m.max(axis=1), np.min(m, axis=1), m.argmax(axis=1),
            np.argmin(m, axis=0), m.argmin(axis=-1), np.argmax(m, axis=0))


@pytest.mark.parametrize("dtype", ["float64", "float32", "int8", "int64", "uint16"])
def test_axis_forms(dtype):
    rng = np.random.default_rng(4)
    cases = []
    for shape in ((3, 1000), (1000, 3), (33, 65), (1, 7), (7, 1)):
        m = values(dtype, shape[0] * shape[1], rng).reshape(shape)
        cases.append((m,))
        cases.append((np.asfortranarray(m),))
        if dtype in FLOATS:
            n = m.copy()
            n[0, -1] = n[-1, 0] = np.nan
            cases.append((n,))
    check_all(along_axes, cases)


def arg_rows(a):
    return np.argmin(a, axis=1), a.argmax(axis=-1), np.argmax(a, axis=1, keepdims=True)


def value_rows(a):
    return np.min(a, axis=1), a.max(axis=-1)


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "int16", "uint8"])
def test_argaxis_rows_of_every_length(dtype):
    # rows from cg_extreme_min_run elements on take the vectors, shorter ones the scalar scan
    # (an index of floats from 40; min/max values of doubles too; of other dtypes from 64):
    # lengths on both sides of it, with ties, NaN and signed zeros in the rows
    rng = np.random.default_rng(11)
    cases = []
    for n in (1, 2, 5, 8, 9, 12, 15, 16, 17, 18, 19, 24, 31, 33, 39, 40, 41, 50, 63, 64, 65):
        m = values(dtype, 40 * n, rng).reshape(40, n)
        m[3] = m[3, 0]                       # a row of ties: index 0
        if n > 2:
            m[4, n // 2:] = m[4].max()       # ties of the best: the first one
            m[5, n // 3:] = m[5].min()
        if dtype in FLOATS:
            m[6, n // 2] = np.nan            # NaN wins, the first one
            m[6, -1] = np.nan
            m[7] = 0.0
            m[7, n // 2:] = -0.0             # -0.0 equals 0.0: the first
        cases.append((m,))
    check_all(arg_rows, cases)
    # the values: a row of tied signed zeros gives one of them (docs/differences.md)
    check_all(value_rows, [(np.where(m == 0, 0.0, m).astype(m.dtype),) for (m,) in cases])


def par_extremes(a):
    return np.min(a), a.max(), np.argmin(a), a.argmax()


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "uint8"])
def test_parallel_chunks(dtype):
    rng = np.random.default_rng(9)
    f = impl.njit(parallel=True)(par_extremes)
    for n in (100, 40000, 100001):
        a = values(dtype, n, rng)
        bs = [a, np.full(n, a[3])]
        b = a.copy()
        b[[n // 2, n - 1, 7]] = a.max()
        bs.append(b)
        if dtype in FLOATS:
            for ks in ([n - 1], [n // 2, 5], [n - 3, n // 3]):
                c = a.copy()
                c[ks] = np.nan
                bs.append(c)
        for x in bs:
            got, want = f(x), par_extremes(x)
            assert np.array_equal(np.array(got, dtype=np.float64), np.array(want, dtype=np.float64), equal_nan=True), (n, got, want)


def nan_extremes(a):
    return np.nanmin(a), np.nanmax(a)


@pytest.mark.parametrize("dtype", FLOATS + ["int16", "uint64"])
def test_nanmin_nanmax(dtype):
    # NaN ignored; NaN only where every element is; -inf and inf among NaNs; views element by element
    rng = np.random.default_rng(6)
    f = impl.njit(nan_extremes)
    cases = []
    for n in (1, 2, 7, 33, 100, 1025):
        a = values(dtype, n, rng)
        cases += [a, a[::2], a[::-1]]
        if dtype in FLOATS:
            for ks in ([0], [n - 1], [0, n // 2], list(range(n)), list(range(1, n))):
                b = a.copy()
                b[ks] = np.nan
                cases.append(b)
            c = np.full(n, np.nan, dtype)
            c[n - 1] = -np.inf
            cases.append(c)
            c = np.full(n, np.nan, dtype)
            c[n // 2] = np.inf
            cases.append(c)
            cases.append(np.full(n, -np.inf, dtype))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)   # NumPy's "All-NaN slice encountered"
        for x in cases:
            got, want = f(x), nan_extremes(x)
            assert np.array_equal(np.array(got, np.float64), np.array(want, np.float64), equal_nan=True), (x, got, want)



@pytest.mark.skipif(ON_NUMBA, reason="numba's loop keeps the first zero, NumPy's vector loop another")
def test_parallel_signed_zeros_as_numpy():
    # the chunks' zeros are combined, then a zero result takes NumPy's one-pass sign
    rng = np.random.default_rng(12)
    f = impl.njit(parallel=True)(lambda a: (np.min(a), a.max()))
    for dtype in FLOATS:
        for trial in range(6):
            a = np.where(rng.random(40001) < 0.5, -0.0, 0.0).astype(dtype)
            a[rng.random(a.size) < 0.4] = -1.0 if trial % 2 else 1.0
            got = f(a)
            assert [np.signbit(g) for g in got] == [np.signbit(np.min(a)), np.signbit(a.max())], (dtype, trial)
