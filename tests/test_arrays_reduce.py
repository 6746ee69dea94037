"""Array reductions, compiled vs CPython: sum prod min max mean std var argmin argmax cumsum
cumprod all any count_nonzero, as np functions and as methods, over the whole array and along
an axis (0, 1, -1) of 2-D and 3-D arrays; empty arrays (the identity, or ValueError where there
is none); NaN propagation."""

import math

import numpy as np
import pytest

from difftest import (check, check_all, ember_gap, impl, jit, layouts, no_leaks, numba_leaks,  # noqa: F401
                      numba_skip, numba_xfail, sample)

# no_leaks (imported above) is an autouse fixture: every test here must free what it allocates.

RAISE_LEAKS = "numba does not free the arrays live where compiled code raises"
nan, inf = math.nan, math.inf

# Sums of a few dozen values: NumPy sums pairwise, a compiled loop may sum in order.
SUM_TOL = {"rtol": 1e-10, "atol": 1e-9}


def whole_functions(a):
    return (np.sum(a), np.prod(a), np.min(a), np.max(a), np.mean(a), np.argmin(a), np.argmax(a),
            np.all(a), np.any(a), np.count_nonzero(a))


def whole_methods(a):
    return (a.sum(), a.prod(), a.min(), a.max(), a.mean(), a.argmin(), a.argmax(), a.all(),
            a.any())


def spread(a):
    return np.std(a), np.var(a), a.std(), a.var()


def cumulative(a):
    return np.cumsum(a), np.cumprod(a), a.cumsum(), a.cumprod()


@pytest.mark.parametrize("dtype", ["bool", "int8", "int64", "uint8",
                                   "uint64",
                                   "float32", "float64"])
def test_whole_array(dtype):
    kw = {"rtol": 1e-4} if dtype == "float32" else SUM_TOL
    check_all(whole_functions, [(sample(dtype, (7,)),), (sample(dtype, (1,)),)], **kw)


def test_whole_array_layouts():
    check_all(whole_methods, [(v,) for _, v in layouts(sample("float64", (2, 3)), ["C", "F", "strided"])]
              + [(sample("int32", (2, 2, 2)),)], **SUM_TOL)


def complex_whole(a):
    return np.sum(a), np.prod(a), np.mean(a), np.min(a), np.max(a), a.sum(), np.all(a), np.any(a)


def complex_arg(a):
    return np.argmin(a), np.argmax(a)


def test_whole_array_complex():
    # min/max of complex values order them lexicographically (real part, then imaginary).
    check_all(complex_whole, [(sample("complex128", (5,)),),
                              (np.array([1 + 2j, 1 - 3j, -1 + 9j, -1 + 0j]),)], **SUM_TOL)


@numba_xfail("argmin/argmax of complex arrays are not supported")
def test_argmin_complex():
    check(complex_arg, np.array([1 + 2j, 1 - 3j, -1 + 9j, -1 + 0j]))


@pytest.mark.parametrize("dtype", ["int16", "float64", "complex128"])
def test_spread_and_cumulative(dtype):
    cases = [(sample(dtype, (6,)),), (sample(dtype, (2, 3)).T,)]
    check_all(spread, cases, **SUM_TOL)
    check_all(cumulative, cases, **SUM_TOL)


def test_cumulative_bool_and_small_ints():
    # The running total of a small integer dtype is accumulated in int64 (uint64 for unsigned).
    check_all(cumulative, [(np.array([True, False, True]),), (np.array([100, 100, 100], np.int8),),
                           (np.array([200, 200], np.uint8),)])


def test_sum_dtype():
    check_all(whole_functions, [(np.array([100, 100, 100], np.int8),),
                                (np.array([200, 200, 7], np.uint8),)])


def sum_axis(a, axis):
    return np.sum(a, axis=axis), a.sum(axis=axis)


AXIS_UNSUPPORTED = numba_xfail("this reduction does not take axis=")

# One small function per reduction, so each is its own (x)fail.
AXIS_FUNCS = [
    ("prod", lambda a, axis: np.prod(a, axis=axis), AXIS_UNSUPPORTED),
    ("min", lambda a, axis: np.min(a, axis=axis), AXIS_UNSUPPORTED),
    ("max", lambda a, axis: a.max(axis=axis), AXIS_UNSUPPORTED),
    ("mean", lambda a, axis: np.mean(a, axis=axis), AXIS_UNSUPPORTED),
    ("std", lambda a, axis: np.std(a, axis=axis), AXIS_UNSUPPORTED),
    ("var", lambda a, axis: a.var(axis=axis), AXIS_UNSUPPORTED),
    ("argmin", lambda a, axis: np.argmin(a, axis=axis), None),
    ("argmax", lambda a, axis: a.argmax(axis=axis), None),
    ("cumsum", lambda a, axis: np.cumsum(a, axis=axis), None),
    ("cumprod", lambda a, axis: np.cumprod(a, axis=axis), AXIS_UNSUPPORTED),
    ("all", lambda a, axis: np.all(a > 0, axis=axis), AXIS_UNSUPPORTED),
    ("any", lambda a, axis: np.any(a > 0, axis=axis), AXIS_UNSUPPORTED),
    ("count_nonzero", lambda a, axis: np.count_nonzero(a > 0, axis=axis), None),
]


def test_sum_axis():
    m = sample("float64", (3, 4))
    t = sample("int64", (2, 3, 4))
    check_all(sum_axis, [(v, ax) for _, v in layouts(m, ["C", "F", "strided"]) for ax in [0, 1, -1]],
              **SUM_TOL)
    check_all(sum_axis, [(t, ax) for ax in [0, 1, 2, -1]] + [(t.T, 1)])
    check_all(sum_axis, [(np.zeros((0, 3)), 0), (np.zeros((0, 3)), 1)])


@pytest.mark.parametrize("name, fn", [pytest.param(n, f, marks=m or (), id=n) for n, f, m in AXIS_FUNCS])
def test_axis_reductions(name, fn):
    m = sample("float64", (3, 4))
    t = sample("float64", (2, 3, 4), seed=1)
    check_all(fn, [(m, 0), (m, 1), (m, -1), (t, 1)], **SUM_TOL)


@numba_leaks(RAISE_LEAKS)
def test_axis_out_of_range():
    check(sum_axis, np.ones((2, 2)), 2)


def empty_identities(a):
    return np.sum(a), np.prod(a), np.all(a), np.any(a), np.count_nonzero(a), np.cumsum(a)


def empty_min(a):
    return np.min(a)


def empty_max(a):
    return a.max()


def empty_argmin(a):
    return np.argmin(a)


def test_empty_identities():
    check_all(empty_identities, [(np.zeros(0),), (np.zeros(0, np.int32),), (np.zeros((0, 2)),)])


@numba_leaks(RAISE_LEAKS)
def test_empty_min_max_raise():
    check_all(empty_min, [(np.zeros(0),), (np.zeros((2, 0), np.int64),)])
    check_all(empty_max, [(np.zeros(0),)])
    check_all(empty_argmin, [(np.zeros(0),)])


EMPTY_AXIS_REDUCTIONS = [
    lambda a: np.max(a, axis=1), lambda a: a.min(axis=1), lambda a: np.amin(a, axis=(1, 2)),
    lambda a: np.min(a, axis=(0, 1)), lambda a: np.minimum.reduce(a, axis=1),
    lambda a: np.subtract.reduce(a, axis=1), lambda a: np.max(a * 2.0, axis=2), lambda a: np.max(a, axis=0),
    lambda a: np.sum(a, axis=1), lambda a: np.bitwise_or.reduce(a.astype(np.int64), axis=1),
]


@numba_skip("numba lacks axis= tuples and ufunc reduce along an axis")
@numba_leaks(RAISE_LEAKS)
@pytest.mark.parametrize("k", range(len(EMPTY_AXIS_REDUCTIONS)))
def test_empty_axis_without_identity_raises_with_no_results(k):
    # NumPy raises when the reduced dimensions hold no element, even where the result is empty
    # (shape (2, 0, 0) along axis 1); the identity-less lanes' own test never runs there
    check_all(EMPTY_AXIS_REDUCTIONS[k], [(np.zeros(s),) for s in [(0, 0, 2), (2, 0, 0), (0, 3, 2), (2, 3, 0), (2, 3, 4)]])


def max_along(a, ax):
    return np.max(a, axis=ax)


@numba_leaks(RAISE_LEAKS)
def test_empty_axis_known_at_run_time():
    a = np.zeros((2, 0, 0))
    check_all(max_along, [(a, 0), (a, 1), (a, 2), (a, -1), (np.zeros((3, 0)), 1), (np.zeros((3, 0)), 0)])


def mean_empty(a):
    return np.mean(a)


def test_mean_empty_is_nan():
    with np.errstate(all="ignore"):
        check(mean_empty, np.zeros(0))


def nan_funcs(a):
    return np.sum(a), np.prod(a), np.min(a), np.max(a), np.mean(a), np.std(a), np.argmin(a), np.argmax(a)


def test_nan_propagates():
    with np.errstate(all="ignore"):
            check_all(nan_funcs, [(np.array([1.0, nan, -2.0]),), (np.array([nan, 3.0]),),
                              (np.array([2.0, 5.0, nan]),), (np.array([inf, -inf, 1.0]),),
                              (np.array([-inf, 2.0]),)])


# ---- every axis form over ndim 1-4 (issue 15: np.sum(x, axis=0) of a 1-d x crashed at compile
# time). Each function takes all the reductions at one axis, so the sweep is a few compiles.

ALL_AT_AXIS = ("np.sum(a, axis={k}), np.prod(a, axis={k}), np.min(a, axis={k}), a.max(axis={k}), "
               "np.mean(a, axis={k}), np.std(a, axis={k}), a.var(axis={k}), np.argmin(a, axis={k}), "
               "a.argmax(axis={k}), np.cumsum(a, axis={k}), np.cumprod(a, axis={k}), "
               "np.all(a > 0.5, axis={k}), np.any(a > 0.5, axis={k}), np.count_nonzero(a > 0.5, axis={k})")
ND_SHAPES = {1: (5,), 2: (3, 4), 3: (2, 3, 4), 4: (2, 3, 2, 3)}


def reductions_at(k):
    """A function computing every reduction along axis k: a constant, or the argument 'axis'."""
    name = "reductions_along" if k == "axis" else f"at_axis_{k + 10}"
    src = f"def {name}(a{', axis' if k == 'axis' else ''}):\n    return ({ALL_AT_AXIS.format(k=k)})\n"
    scope = {"np": np}
    exec(compile(src, f"<reductions at axis {k}>", "exec"), scope)
    return scope[name]


reductions_along = reductions_at("axis")


@pytest.mark.parametrize("nd", [1, 2, 3, 4])
def test_every_constant_axis(nd):
    a = sample("float64", ND_SHAPES[nd], seed=nd)
    for k in range(-nd, nd):
        check(reductions_at(k), a, **SUM_TOL)


@numba_leaks(RAISE_LEAKS)
@pytest.mark.parametrize("nd", [1, 2, 3, 4])
def test_every_runtime_axis(nd):
    a = sample("float64", ND_SHAPES[nd], seed=nd)
    check_all(reductions_along, [(a, k) for k in range(-nd - 1, nd + 1)], **SUM_TOL)


@numba_skip("ember's own diagnostic")
@pytest.mark.parametrize("nd, k", [(1, 1), (1, -2), (2, 2), (3, -4), (4, 4)])
def test_constant_axis_out_of_range(nd, k):
    """A constant axis out of range is a located compile-time error (NumPy raises AxisError
    when the call runs)."""
    from ember.errors import TypingError

    f = jit(reductions_at(k))
    with pytest.raises(TypingError, match=f"axis {k} is out of bounds for an array of dimension {nd}"):
        f(sample("float64", ND_SHAPES[nd]))


def sum_axis0_1d(a):
    return np.sum(a, axis=0) + a.max(axis=0) + np.mean(a, axis=-1) + a.argmin(axis=0)


def test_axis_of_1d_with_signature():
    f = impl.njit("float64(float64[:])")(sum_axis0_1d)
    a = np.array([3.0, -1.0, 2.0])
    assert f(a) == sum_axis0_1d(a)


# ---- argmin/argmax scan contiguous lanes in vector blocks of 32 (issue 17): first occurrence,
# ties across vector lanes and blocks, NaN anywhere (the first one wins), the scalar tail.

def arg_extremes(a):
    return np.argmin(a), a.argmax(), np.min(a), np.max(a)


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "int32", "uint8", "int8", "uint64"])
def test_arg_extremes_in_blocks(dtype):
    rng = np.random.default_rng(7)
    cases = []
    for n in [1, 7, 8, 15, 16, 17, 24, 31, 32, 33, 63, 64, 65, 100, 130]:
        a = (rng.random(n) * 100).astype(dtype)
        cases.append((a,))
        cases.append((np.full(n, 3, dtype),))              # every element ties: index 0
        if n > 2:
            b = a.copy()
            b[[1, n - 1]] = a.max()                          # a tie with the first maximum
            cases.append((b,))
            c = a.copy()
            c[n // 2] = c[-1] = a.min()
            cases.append((c,))
        if dtype.startswith("float") and n > 3:
            for ks in ([0], [n - 1], [n // 2, n - 1], [3, n // 3]):
                d = a.copy()
                d[ks] = np.nan
                cases.append((d,))
    cases.append((np.arange(40, dtype=dtype)[::-1],))
    cases.append((np.arange(40, dtype=dtype)[::2],))        # strided: the scalar scan
    check_all(arg_extremes, cases)


# ---- several axes of a C array with a kept axis between reduced ones: lanes visited in memory
# order, each folded into its result in place (codegen/lower_reduce.c, reduce_folded_inorder)

def axes_around_kept(a):
    return (np.sum(a, axis=(0, 2)), a.mean(axis=(0, 2)), np.prod(a, axis=(0, 2)), (a > 0).any(axis=(0, 2)),
            (a > 0).all(axis=(0, 2)), np.sum(a, axis=(0, 2), keepdims=True), np.max(a, axis=(0, 2)))


def axes_around_kept_4d(a):
    return np.sum(a, axis=(0, 2)), np.mean(a, axis=(0, 3)), np.sum(a, axis=(1, 3)), np.sum(a, axis=(0, 2, 3))


def test_axes_around_a_kept_axis():
    check_all(axes_around_kept, [(sample("float64", s),) for s in [(5, 4, 3), (7, 3, 130)]]
              + [(sample("int64", (4, 3, 5)),), (sample("float64", (5, 4, 3)).copy(order="F"),)], rtol=1e-12)
    check_all(lambda a: (np.sum(a, axis=(0, 2)), a.mean(axis=(0, 2))), [(np.zeros(s),) for s in [(0, 4, 3), (5, 0, 3), (5, 4, 0)]])
    check(axes_around_kept_4d, sample("float64", (3, 4, 5, 6)), rtol=1e-12)


def window_reductions(img, k):
    """Whole-array reductions of 2-d views of any strides, as a dilation or a box count takes
    them: one lane per row, no copy (ints, bools: exact in any order)."""
    h, w = img.shape
    hits = 0
    total = 0
    prod = 1
    nz = 0
    every = 0
    for y in range(h):
        for x in range(w):
            win = img[max(y - k, 0):y + k + 1, max(x - k, 0):x + k + 1]
            hits += win.any()
            every += np.all(win)
            total += win.sum()
            nz += np.count_nonzero(win)
            prod = (prod * (win[::-1, ::2].prod() % 1000003 + 1)) % 1000003
    return hits, every, total, nz, prod


@pytest.mark.parametrize("dtype", ["bool", "int8", "uint16", "int64"])
def test_reductions_of_strided_2d_windows(dtype):
    rng = np.random.default_rng(5)
    img = (rng.random((9, 11)) < 0.3).astype(dtype)
    if dtype != "bool":
        img = img * rng.integers(1, 5, (9, 11)).astype(dtype)
    check(window_reductions, img, 1)
    check(window_reductions, img[::2, 1:], 2)
    check(window_reductions, np.asfortranarray(img), 1)
    check(window_reductions, img[:0], 1)


def any_all_of_rows(m):
    hits = 0
    full = 0
    for i in range(m.shape[0]):
        hits += np.any(m[i])
        full += m[i].all()
    return hits, full, np.any(m > 0), (m >= 0).all(), m[:, ::3].any(), np.all(m[::2])


@pytest.mark.parametrize("dtype", [np.bool_, np.int8, np.float64])
def test_any_all_answer_at_every_position(dtype):
    # any/all stop after the element (the first 16) or the block of elements that decides: the
    # deciding element first, last, at the edges of the first 16 and of each block (blocks of
    # 256, 512, 1024 elements after them: 272, 784, 1808), or nowhere
    n = 5000
    for at in (None, 0, 1, 15, 16, 17, 255, 256, 257, 271, 272, 767, 768, 783, 784, 1791, 1792, 1807, 1808,
               4000, n - 1):
        m = np.zeros((3, n), dtype)
        full = np.ones((3, n), dtype)
        if at is not None:
            m[1, at] = 1
            full[2, at] = 0
        for a in (m, full, m[:, :at or 1], full[:, at or 0:]):
            check(any_all_of_rows, a)
