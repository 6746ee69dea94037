"""Reductions' arguments as NumPy takes them, compiled vs NumPy: axis as a tuple of ints
(constant or known at run time, negative, out of range, repeated), keepdims=True, ddof= on
std/var, dtype= on sum/prod/mean/cumsum, out= on all of them; as functions and as methods,
over dtypes and layouts (empty, one element, F order, strided)."""

import numpy as np
import pytest

from difftest import check, check_all, jit, layouts, no_leaks, numba_leaks, numba_skip, sample  # noqa: F401

SUM_TOL = {"rtol": 1e-10, "atol": 1e-9}
RAISE_LEAKS = "numba does not free the arrays live where compiled code raises"


def tuple_axes_fns(a):
    return (np.sum(a, axis=(0, 2)), a.prod(axis=(0, -1)), np.min(a, axis=(1, 2)), a.max(axis=(-1, 0)),
            np.mean(a, axis=(0, 1)), np.std(a, axis=(2, 0)), a.var(axis=(0, 1, 2)), np.all(a > 0, axis=(0, 2)),
            (a > 0).any(axis=(1,)), np.count_nonzero(a > 0, axis=(0, 1)), np.amax(a, axis=()))


def tuple_axes_runtime(a, ax):
    return (np.sum(a, axis=ax), a.prod(axis=ax), np.min(a, axis=ax), a.max(axis=ax), np.mean(a, axis=ax),
            np.std(a, axis=ax), a.var(axis=ax), np.all(a > 0, axis=ax), np.any(a > 0, axis=ax))


@pytest.mark.parametrize("dtype", ["float64", "int32", "uint8", "float32"])
def test_tuple_axes_constant(dtype):
    t = sample(dtype, (2, 3, 4), seed=3)
    tol = {"rtol": 1e-4, "atol": 1e-4} if dtype == "float32" else SUM_TOL
    check_all(tuple_axes_fns, [(v,) for _, v in layouts(t)] + [(np.zeros((2, 0, 3), dtype),)], **tol)


@numba_leaks(RAISE_LEAKS)
def test_tuple_axes_runtime():
    t = sample("float64", (2, 3, 4), seed=4)
    axes = [(0, 1), (1, 0), (0, 2), (-1, -3), (2,), (0, 1, 2), (1, 1), (0, 3), (-4, 0)]
    cases = [(v, ax) for _, v in layouts(t, ["C", "F", "strided"]) for ax in axes]
    check_all(tuple_axes_runtime, cases, **SUM_TOL)
    check_all(tuple_axes_runtime, [(sample("int64", (3, 2)), (0, 1)), (sample("int64", (3, 2)), (1,)),
                                   (sample("int64", (1, 1)), (1, 0))], **SUM_TOL)


def keep_all(a):
    return (np.sum(a, keepdims=True), a.prod(axis=1, keepdims=True), np.min(a, axis=(0,), keepdims=True),
            a.max(axis=-1, keepdims=True), np.mean(a, axis=(0, 1), keepdims=True), np.std(a, 0, keepdims=True),
            a.var(keepdims=True), np.argmin(a, axis=1, keepdims=True), a.argmax(0, None, keepdims=True),
            np.all(a, axis=0, keepdims=True), a.any(keepdims=True), np.count_nonzero(a, axis=1, keepdims=True),
            np.amin(a, 0, None, True))


def keep_runtime(a, ax):
    return np.sum(a, axis=ax, keepdims=True), a.max(axis=ax, keepdims=True), np.argmax(a, axis=ax[0], keepdims=True)


@pytest.mark.parametrize("dtype", ["float64", "int64", "bool"])
def test_keepdims(dtype):
    m = sample(dtype, (3, 4), seed=5)
    check_all(keep_all, [(v,) for _, v in layouts(m)] + [(sample(dtype, (1, 1)),)], **SUM_TOL)


def test_keepdims_runtime_axes():
    t = sample("float64", (2, 3, 4), seed=6)
    check_all(keep_runtime, [(t, (0, 2)), (t, (2,)), (t.T, (1, 0)), (t, (-1, 0, 1))], **SUM_TOL)


def spread_ddof(a, d):
    return np.var(a, ddof=d), a.std(ddof=d), np.var(a, axis=0, ddof=d), a.std(0, None, None, d), np.std(a, (0, 1), ddof=d)


def test_ddof():
    m = sample("float64", (3, 4), seed=7)
    check_all(spread_ddof, [(m, 0), (m, 1), (m, 2.5), (m, 3), (m, 12), (m, 13), (m.T, 1),
                            (sample("int16", (4, 2)), 1), (sample("complex128", (3, 2)), 1)], **SUM_TOL)


def with_dtype(a):
    return (np.sum(a, dtype=np.float64), a.sum(axis=0, dtype=np.int8), np.prod(a, dtype=np.float32),
            a.prod(0, np.int64), np.mean(a, dtype=np.float32), a.mean(axis=1, dtype=np.float64),
            np.cumsum(a, dtype=np.int16), a.cumprod(axis=1, dtype=np.float64), np.sum(a, dtype=np.uint8),
            np.sum(a, (0, 1), np.complex128))


@pytest.mark.parametrize("dtype", ["int8", "int64", "uint16", "float64", "bool"])
def test_dtype(dtype):
    m = sample(dtype, (3, 5), seed=8)
    check_all(with_dtype, [(m,), (np.asfortranarray(m),), (sample(dtype, (1, 1)),)], rtol=1e-5, atol=1e-5)


def into_out(a, o1, o2, o3):
    r1 = np.sum(a, axis=0, out=o1)
    r2 = a.max(1, o2)
    np.mean(a, axis=(0, 1), out=o3, keepdims=True)
    np.cumsum(a, axis=1, out=np.empty_like(a))
    return (r1, r2, o1, o2, o3, a.std(axis=1, out=o2), np.all(a, axis=0, out=o1),
            np.argmin(a, axis=1, out=np.zeros(3, np.int64)))


@numba_leaks(RAISE_LEAKS)
def test_out():
    m = sample("float64", (3, 4), seed=9)
    check_all(into_out, [(m, np.zeros(4), np.zeros(3), np.zeros((1, 1))),
                         (m, np.zeros(4, np.int64), np.zeros(3, np.float32), np.zeros((1, 1))),
                         (m, np.zeros(8)[::2], np.zeros(3), np.zeros((1, 1))),
                         (m, np.zeros(5), np.zeros(3), np.zeros((1, 1))),     # ValueError: wrong shape
                         (m, np.zeros(4), np.zeros(3), np.zeros((1, 2)))], rtol=1e-6, atol=1e-6)


def cumsum_out(a, o):
    return np.cumsum(a, out=o), a.cumprod(0, None, o[:a.shape[0]])


def test_cumulative_out():
    check(cumsum_out, np.arange(1.0, 5.0), np.zeros(4))


# ---- compile-time errors, located --------------------------------------------------------------

def bad_argmin_tuple(a):
    return np.argmin(a, axis=(0, 1))


def bad_duplicate(a):
    return np.sum(a, axis=(1, -1))


def bad_out_of_range(a):
    return a.mean(axis=(0, 2))


def bad_keepdims(a, k):
    return a.sum(axis=0, keepdims=k)


def bad_out_ndim(a):
    return np.sum(a, axis=0, out=np.zeros((2, 2)))


def bad_argmin_out(a):
    return np.argmin(a, axis=1, out=np.zeros(2))


def bad_cumsum_tuple(a):
    return np.cumsum(a, axis=(0,))


@numba_skip("ember's own diagnostics")
@pytest.mark.parametrize("fn, args, msg", [
    (bad_argmin_tuple, (), "axis must be an integer"),
    (bad_cumsum_tuple, (), "axis must be an integer"),
    (bad_duplicate, (), "duplicate value in 'axis'"),
    (bad_out_of_range, (), "axis 2 is out of bounds for an array of dimension 2"),
    (bad_keepdims, (True,), "keepdims must be a constant"),
    (bad_out_ndim, (), "out= has 2 dimensions, the result 1"),
    (bad_argmin_out, (), "out= must be an int64 array"),
])
def test_located_errors(fn, args, msg):
    from ember.errors import TypingError
    with pytest.raises(TypingError, match=msg) as e:
        jit(fn)(np.ones((2, 3)), *args)
    assert f"in {fn.__name__}" in str(e.value) and "^" in str(e.value)


def test_numpy_agrees_on_the_errors():
    """The compile-time errors above are errors in NumPy too (so no program that runs is refused)."""
    for fn, args, exc in [(bad_argmin_tuple, (), TypeError), (bad_cumsum_tuple, (), TypeError),
                          (bad_duplicate, (), ValueError), (bad_out_of_range, (), np.exceptions.AxisError),
                          (bad_out_ndim, (), ValueError), (bad_argmin_out, (), TypeError)]:
        with pytest.raises(exc):
            fn(np.ones((2, 3)), *args)


def parallel_reductions(a):
    return np.sum(a, axis=(0, 1)), a.var(ddof=1), np.mean(a, keepdims=True), a.max(axis=(1,))


def test_parallel_forms():
    check(parallel_reductions, sample("float64", (40, 50), seed=10), jit_opts={"parallel": True}, **SUM_TOL)


# ---- np.average ---------------------------------------------------------------------------------

def averages(a, w, w1):
    return (np.average(a), np.average(a, axis=0), np.average(a, axis=(0, 1), returned=True), np.average(a, weights=w),
            np.average(a, 1, w, True), np.average(a, axis=1, weights=w1, keepdims=True),
            np.average(a, axis=-1, returned=True, keepdims=True), np.average(a, axis=0, weights=w, returned=True))


@pytest.mark.parametrize("dtype", ["float64", "int32", "float32", "complex128", "bool"])
def test_average(dtype):
    a = sample(dtype, (3, 4), seed=31)
    w = sample("float64", (3, 4), seed=32) ** 2 + 0.5
    w1 = np.array([1, 0, 2, 5])
    cases = [(v, w, w1) for _, v in layouts(a)] + [(a, w.astype(np.float32), w1.astype(np.float32))]
    tol = {"rtol": 1e-5, "atol": 1e-5} if dtype in ("float32",) else SUM_TOL
    check_all(averages, cases, **tol)


@numba_leaks(RAISE_LEAKS)
def test_average_errors():
    a = sample("float64", (3, 4), seed=33)
    check_all(averages, [(a, np.zeros((3, 4)), np.ones(4)),      # ZeroDivisionError
                         (a, np.ones((3, 4)), np.array([1.0, -1.0, 0.0, 0.0])),   # ZeroDivisionError (sums to 0)
                         (a, np.ones((4, 3)), np.ones(4)),       # TypeError: shapes differ without an axis
                         (a, np.ones((3, 4)), np.ones(3))])      # ValueError: 1-d weights of the wrong length


def average_1d(a, w):
    return np.average(a, weights=w), np.average(a, axis=0, weights=w, returned=True)


@numba_leaks(RAISE_LEAKS)
def test_average_1d():
    check_all(average_1d, [(np.arange(5.0), np.arange(1.0, 6.0)), (np.arange(5), np.array([1, 1, 1, 1, 0])),
                           (np.arange(5.0), np.arange(4.0))], **SUM_TOL)


def bad_average_weights(a):
    return np.average(a, weights=np.ones(3))


@numba_skip("ember's own diagnostics")
def test_average_weights_need_an_axis():
    from ember.errors import TypingError
    with pytest.raises(TypingError, match="1-d array with an integer axis"):
        jit(bad_average_weights)(np.ones((2, 3)))
    with pytest.raises(TypeError):
        bad_average_weights(np.ones((2, 3)))


def average_axis(a, ax):
    return np.average(a, axis=ax)


@numba_leaks(RAISE_LEAKS)
def test_average_of_empty():
    """NumPy divides a.size by the average's size: an empty average raises ZeroDivisionError."""
    with np.errstate(all="ignore"):
        check_all(average_axis, [(np.zeros((0, 3)), 0), (np.zeros((0, 3)), 1), (np.zeros((2, 0)), 1)])
