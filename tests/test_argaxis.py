"""argmin/argmax along a slow axis row by row, and np.nanargmin/np.nanargmax on vectors
(codegen/lower_extreme.c, issue 17), compiled vs NumPy: every int and float dtype, one row,
widths around the vector width (the masked last columns), ties (the first row), NaN first, last,
everywhere in a column (the first NaN wins; nanarg* skip it, a column of NaN raises), signed
zeros (equal: the first), F order, views that are not contiguous (the lane-by-lane fallback),
3-d arrays along every axis, negative axes, an empty axis (NumPy's ValueError)."""

import numpy as np
import pytest

from difftest import ON_NUMBA, check, check_all, impl, no_leaks  # noqa: F401

INTS = ["int8", "int16", "int32", "int64", "uint8"]
FLOATS = ["float32", "float64"]
# rows x columns: one row, widths below, at and above 8/16 lanes and four-vector tiles, odd ones
SHAPES_2D = [(1, 5), (1, 40), (2, 1), (3, 7), (5, 16), (6, 17), (9, 33), (4, 64), (13, 65), (70, 3), (31, 130)]
nan = np.nan
MIXED = np.array([1.0, np.inf, -np.inf, nan, 0.0, -0.0, 1e-9, 1.0 + 1e-6, 2.0])


def arg_rows(a):
    return a.argmax(axis=0), a.argmin(axis=0), np.argmax(a, axis=0), np.argmin(a, axis=-2)


def arg_3d(a):
    return (a.argmax(axis=0), a.argmin(axis=1), np.argmax(a, axis=2), a.argmin(axis=-3), np.argmax(a, axis=-2),
            np.argmin(a, axis=-1))


def nan_args(a):
    return np.nanargmax(a), np.nanargmin(a), np.nanargmax(a, axis=0), np.nanargmin(a, axis=0)


def nan_args_last(a):
    return np.nanargmax(a, axis=-1), np.nanargmin(a, axis=1)


def nan_args_1d(a):
    return np.nanargmax(a), np.nanargmin(a)


def sample(dtype, shape, rng, span=4):
    """small values (many ties); ints reach the dtype's limits"""
    if dtype in FLOATS:
        return rng.integers(-span, span, shape).astype(dtype)
    info = np.iinfo(dtype)
    a = rng.integers(-span, span, shape).astype(dtype)
    a[rng.random(shape) < 0.2] = info.max
    a[rng.random(shape) < 0.2] = info.min
    return a


def layouts(a, every=True):
    """a, and (every) F order, a reversed view, every other column (not contiguous along the
    last axis); each layout is a compile, so the other dtypes take C arrays only"""
    yield a
    if every:
        yield np.asfortranarray(a)
        yield a[::-1]
        yield a[..., ::2]


@pytest.mark.parametrize("dtype", INTS + FLOATS)
def test_slow_axis_every_dtype(dtype):
    rng = np.random.default_rng(7)
    cases = []
    for shape in SHAPES_2D:
        a = sample(dtype, shape, rng)
        cases += [(x,) for x in layouts(a, dtype in ("float64", "int8"))]
        if dtype in FLOATS:   # the extremes apart from ties
            cases.append((rng.standard_normal(shape).astype(dtype),))
    check_all(arg_rows, cases)


@pytest.mark.parametrize("dtype", FLOATS)
def test_slow_axis_nan_first_wins(dtype):
    rng = np.random.default_rng(8)
    cases = []
    for rows, cols in [(5, 3), (9, 17), (40, 33), (7, 64)]:
        a = sample(dtype, (rows, cols), rng)
        a[0, 0] = nan                       # a NaN in the first row
        a[rows - 1, cols - 1] = nan         # in the last row of the last (masked) column
        a[:, 1] = nan                       # a column of NaN: index 0
        a[[2, rows - 2], cols // 2] = nan   # two NaN: the first
        a[rows // 2, 2] = np.inf
        a[rows // 2 + 1, 2] = -np.inf
        cases += [(x,) for x in layouts(a, dtype == "float64")]
    check_all(arg_rows, cases)


def test_slow_axis_signed_zeros_and_infinities():
    a = np.array([[0.0, -0.0, np.inf, -np.inf, 1.0], [-0.0, 0.0, np.inf, -np.inf, 1.0], [0.0, -0.0, -np.inf, np.inf, 1.0]])
    check_all(arg_rows, [(a,), (a.astype(np.float32),), (np.tile(a, (1, 7)),)])


@pytest.mark.parametrize("dtype", ["float64", "int16", "uint8"])
def test_3d_every_axis(dtype):
    rng = np.random.default_rng(9)
    cases = []
    for shape in [(2, 3, 5), (4, 1, 70), (3, 9, 2), (1, 6, 17), (5, 4, 33)]:
        a = sample(dtype, shape, rng)
        if dtype == "float64":
            a[rng.random(shape) < 0.1] = nan
        cases += [(a,), (np.asfortranarray(a),), (a[:, ::-1],), (a[..., ::3],), (a.transpose(1, 0, 2),)]
    check_all(arg_3d, cases)


def test_long_rows_many_tiles():
    # several whole tiles, the single-vector tiles and a masked rest; rows not a multiple of the
    # four row chains, the extremes in each chain and at the end
    rng = np.random.default_rng(10)
    cases = []
    for dtype in ["float64", "float32", "int8", "int32"]:
        for rows in (2, 3, 4, 5, 6, 101):
            a = sample(dtype, (rows, 301), rng, span=100)
            a[rows - 1, 7] = 120
            a[rows // 2, 8] = -120
            cases.append((a,))
    check_all(arg_rows, cases)


@pytest.mark.parametrize("shape", [(0, 3), (0, 0), (0,)])
def test_empty_axis_raises_like_numpy(shape):
    for fn in (lambda a: a.argmax(axis=0), lambda a: np.argmin(a, axis=0)):
        check(fn, np.zeros(shape))
    with pytest.raises(ValueError, match="attempt to get argmax of an empty sequence"):
        impl.njit(lambda a: a.argmax(axis=0))(np.zeros(shape))


def test_no_results_along_a_nonempty_axis():
    check_all(arg_rows, [(np.zeros((5, 0)),), (np.zeros((3, 0), dtype=np.int8),)])


# ---- nanargmin, nanargmax ----------------------------------------------------------------------

@pytest.mark.parametrize("dtype", FLOATS + ["int8", "int64", "uint8"])
def test_nanarg_whole_and_axis(dtype):
    rng = np.random.default_rng(11)
    cases = []
    for shape in [(1, 1), (3, 7), (9, 33), (40, 17), (2, 300), (31, 65)]:
        a = sample(dtype, shape, rng)
        if dtype in FLOATS:
            a[rng.random(shape) < 0.2] = nan
            a[rng.random(shape) < 0.05] = -np.inf
            a[rng.random(shape) < 0.05] = np.inf
            a[0, :] = np.where(np.isnan(a[1 % shape[0], :]), 1.0, a[0, :])   # no column of NaN
        cases += [(x,) for x in layouts(a, dtype in ("float64", "int8"))]
    check_all(nan_args, cases)
    check_all(nan_args_last, cases)


@pytest.mark.parametrize("dtype", FLOATS)
def test_nanarg_long_runs(dtype):
    # the vector blocks (8 KiB): the extreme in a later block, NaN before it, ties across blocks,
    # and NaN next to -inf/inf (NaN counts as the far end: the first of them is the answer)
    rng = np.random.default_rng(12)
    cases = []
    for n in (7, 64, 1000, 1025, 5000):
        a = rng.standard_normal(n).astype(dtype)
        a[rng.random(n) < 0.3] = nan
        cases.append((a,))
        b = a.copy()
        b[n - 1] = 50
        b[n // 2] = 50
        b[n // 3] = -50
        cases.append((b,))
        c = np.full(n, nan, dtype=dtype)
        c[n - 1] = -np.inf
        c[n // 2] = np.inf
        cases.append((c,))
        cases.append((np.where(rng.random(n) < 0.5, nan, -np.inf).astype(dtype),))
        cases.append((a[::3],))
    check_all(nan_args_1d, cases)


def test_nanarg_nan_and_infinity():
    cases = [(np.array([nan, -np.inf, 3.0]),), (np.array([nan, -np.inf]),), (np.array([np.inf, nan]),),
             (np.array([-np.inf, nan, np.inf]),), (np.array([0.0, -0.0, nan]),), (np.array([True, False, True]),),
             (MIXED,), (MIXED[::-1],), (MIXED.reshape(3, 3),), (np.array([4, 1, 9, 9, 0]),), (np.array([1.0]),)]
    check_all(nan_args_1d, cases)
    a = np.array([[nan, -np.inf, 1.0], [-np.inf, nan, nan], [2.0, nan, np.inf]])
    check_all(nan_args, [(a,), (a.astype(np.float32),)])
    check_all(nan_args_last, [(a,), (np.asfortranarray(a),)])


@pytest.mark.parametrize("a", [np.full(3, nan), np.full((4, 5), nan), np.array([[1.0, nan], [2.0, nan]]),
                               np.array([[nan, nan], [1.0, 2.0]]), np.zeros(0), np.zeros((0, 3))])
def test_nanarg_all_nan_and_empty_raise_like_numpy(a):
    for fn in (nan_args_1d, nan_args, nan_args_last):
        if fn is not nan_args_1d and a.ndim < 2:
            continue
        check(fn, a)
    try:
        np.nanargmax(a, axis=0)
    except ValueError as e:
        with pytest.raises(ValueError, match=str(e)):
            impl.njit(lambda x: np.nanargmax(x, axis=0))(a)


# ---- along the last axis: one pass per row (lower_extreme.c ext_argfold) -----------------------

# row lengths around the vector widths and the four-vector steps (4..64 lanes), and longer rows
LAST_LENGTHS = [1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 63, 64, 65, 100, 127, 128, 129, 300, 1000, 1025]


def arg_last(a):
    return a.argmax(axis=-1), np.argmin(a, -1), np.argmax(a, axis=a.ndim - 1), a.argmin(axis=-1)


def arg_whole_1d(a):
    return a.argmax(), a.argmin(), np.argmax(a), np.argmin(a)


@pytest.mark.parametrize("dtype", INTS + FLOATS + ["uint16", "uint32", "uint64", "bool"])
def test_last_axis_every_dtype(dtype):
    rng = np.random.default_rng(13)
    rows, ones = [], []
    for n in LAST_LENGTHS:
        a = sample(dtype, (3, n), rng, span=3) if dtype != "bool" else rng.random((3, n)) < 0.5
        rows.append((a,))
        ones.append((a[1].copy(),))
        if dtype in FLOATS:   # the extremes apart from ties
            rows.append((rng.standard_normal((4, n)).astype(dtype),))
    check_all(arg_last, rows)
    check_all(arg_whole_1d, ones)


@pytest.mark.parametrize("dtype", FLOATS)
def test_last_axis_nan_first_wins(dtype):
    # a NaN at the start, in a whole step, among the masked last elements, two (the first wins),
    # beside -inf/inf; the extreme after a NaN does not win
    rng = np.random.default_rng(14)
    cases = []
    for n in (1, 5, 16, 33, 64, 100, 129, 1000):
        a = rng.standard_normal((6, n)).astype(dtype)
        a[0, 0] = nan
        a[1, n - 1] = nan
        a[2, [n // 3, n // 2]] = nan
        a[3, n // 2] = nan
        a[3, n - 1] = 1e9
        a[4, :] = -np.inf
        a[4, n - 1] = nan
        a[5, ::2] = np.inf
        a[5, n // 2] = nan
        cases += [(a,), (a[::-1],), (a[:, ::2],)]
        cases.append((a[2].copy(),))
    check_all(arg_last, cases)


@pytest.mark.parametrize("dtype", FLOATS)
def test_last_axis_signed_zeros_infinities_ties(dtype):
    # -0.0 and 0.0 tie (the first index wins), rows all at the far end (-inf for argmax), the
    # extreme in several lanes (the first of them in a later vector than a later one's lane)
    rng = np.random.default_rng(15)
    cases = []
    for n in (3, 8, 17, 40, 100, 301):
        z = np.where(rng.random((4, n)) < 0.5, -0.0, 0.0).astype(dtype)
        z[1, rng.random(n) < 0.3] = -1.0
        z[2, rng.random(n) < 0.3] = 1.0
        cases.append((z,))
        cases.append((np.full((2, n), -np.inf, dtype=dtype),))
        cases.append((np.full((2, n), np.inf, dtype=dtype),))
        t = rng.integers(0, 3, (5, n)).astype(dtype)
        t[:, n - 1] = 2
        cases.append((t,))
    check_all(arg_last, cases)


@pytest.mark.parametrize("dtype", ["int8", "int32", "int64", "uint8", "uint32", "uint64"])
def test_last_axis_integer_limits(dtype):
    # rows all at the dtype's least value (argmax's start) or greatest (argmin's), and with one
    # extreme at the end
    info = np.iinfo(dtype)
    cases = []
    for n in (1, 9, 33, 100, 257):
        lo, hi = np.full((2, n), info.min, dtype=dtype), np.full((2, n), info.max, dtype=dtype)
        lo[1, n - 1] = info.max
        hi[1, n - 1] = info.min
        cases += [(lo,), (hi,), (np.concatenate([lo, hi]),)]
    check_all(arg_last, cases)


def test_last_axis_views_and_3d():
    rng = np.random.default_rng(16)
    cases = []
    for dtype in ("float64", "float32", "int32"):
        a = sample(dtype, (4, 5, 130), rng, span=50)
        cases += [(a,), (a[:, ::-1, ::-1],), (a[..., ::3],), (a.transpose(1, 0, 2),), (np.asfortranarray(a),)]
    check_all(arg_last, cases)


@pytest.mark.parametrize("shape", [(3, 0), (0,), (2, 4, 0)])
def test_last_axis_empty_raises_like_numpy(shape):
    check(arg_last, np.zeros(shape))
    with pytest.raises(ValueError, match="attempt to get argmin of an empty sequence"):
        impl.njit(lambda a: np.argmin(a, -1))(np.zeros(shape))
