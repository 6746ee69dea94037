"""Cumulative sums, products and ufunc accumulates along an axis that is not the last one
(np.cumsum(a, axis=0), np.maximum.accumulate(a, 1) of a 3-d array, ...), which run row by row:
out[..., i, ...] = out[..., i-1, ...] op a[..., i, ...], the inner loop along the last
dimension. Compiled vs CPython over dtypes, layouts, shapes with empty and single dimensions and
edge values (NaN, inf, -0.0, integer wrap), and bit for bit against the lane-at-a-time loop that
an axis known only at run time still takes."""

import math

import numpy as np
import pytest

from difftest import check_all, layouts, no_leaks, numba_xfail, sample  # noqa: F401
from difftest import ON_NUMBA, jit

NO_AXIS = numba_xfail("numba's cumsum/cumprod/accumulate take no axis=")

DTYPES = ["bool", "int8", "uint8", "int32", "int64", "uint64", "float32", "float64", "complex64", "complex128"]


def cum_axis0(a):
    return np.cumsum(a, axis=0), np.cumprod(a, axis=0), a.cumsum(0), a.cumprod(axis=-a.ndim)


def cum_middle(a):
    return np.cumsum(a, axis=1), np.cumprod(a, 1), np.cumsum(a, axis=-2)


def cum_dtype(a):
    return np.cumsum(a, axis=0, dtype=np.float32), np.cumprod(a, 0, np.int64), np.cumsum(a, 0, np.uint8)


def accumulates0(a):
    return (np.add.accumulate(a, 0), np.multiply.accumulate(a, axis=0), np.maximum.accumulate(a, 0),
            np.minimum.accumulate(a, axis=0), np.subtract.accumulate(a, 0))


def accumulates_middle(a):
    return np.maximum.accumulate(a, 1), np.add.accumulate(a, axis=1), np.fmin.accumulate(a, 1)


def shapes2(dtype):
    """2-d cases: every layout of a 5 x 4 array, one row, one column, empty either way."""
    a = sample(dtype, (5, 4), seed=3)
    return ([(v,) for _, v in layouts(a)]
            + [(sample(dtype, (1, 4)),), (sample(dtype, (6, 1)),), (np.zeros((0, 3), dtype),), (np.zeros((3, 0), dtype),)])


def shapes3(dtype):
    t = sample(dtype, (3, 4, 5), seed=4)
    return [(v,) for _, v in layouts(t, ["C", "F", "strided"])] + [(np.zeros((2, 0, 3), dtype),), (sample(dtype, (2, 1, 3)),)]


@NO_AXIS
@pytest.mark.parametrize("dtype", DTYPES)
def test_cumulative_axis0(dtype):
    with np.errstate(all="ignore"):
        check_all(cum_axis0, shapes2(dtype) + shapes3(dtype))


@NO_AXIS
@pytest.mark.parametrize("dtype", DTYPES)
def test_cumulative_middle_axis(dtype):
    with np.errstate(all="ignore"):
        check_all(cum_middle, shapes3(dtype))


@NO_AXIS
@pytest.mark.parametrize("dtype", ["bool", "int8", "uint8", "int64", "float64", "float32"])
def test_cumulative_dtype(dtype):
    with np.errstate(all="ignore"):
        check_all(cum_dtype, shapes2(dtype))


@NO_AXIS
@pytest.mark.parametrize("dtype", ["int8", "uint8", "int64", "float32", "float64"])
def test_accumulate_not_last(dtype):
    with np.errstate(all="ignore"):
        check_all(accumulates0, shapes2(dtype) + shapes3(dtype))
        check_all(accumulates_middle, shapes3(dtype))


def edge_values(dtype):
    nan, inf = math.nan, math.inf
    col = [-0.0, 0.0, nan, 1.5, -inf, inf, -0.0, 2.0] if dtype.startswith("f") else \
          [127, 100, -128, 1, -1, 3, 127, 2]
    a = np.array(col, dtype=dtype).reshape(4, 2)
    return [(a,), (np.ascontiguousarray(a.T),), (a[::-1],), (np.array([[-0.0]] if dtype.startswith("f") else [[-1]], dtype),)]


@NO_AXIS
@pytest.mark.parametrize("dtype", ["float32", "float64", "int8", "int64"])
def test_cumulative_edge_values(dtype):
    """NaN and inf propagate down each column, -0.0 as the first element keeps its sign (or not,
    as NumPy's), int8 sums wrap in the dtype NumPy gives them."""
    with np.errstate(all="ignore"):
        check_all(cum_axis0, edge_values(dtype))
        check_all(accumulates0, edge_values(dtype))


def cum_at(a, ax):
    return np.cumsum(a, axis=ax), np.cumprod(a, axis=ax), np.maximum.accumulate(a, ax)


def cum_const(a):
    return np.cumsum(a, axis=0), np.cumprod(a, axis=0), np.maximum.accumulate(a, 0)


@pytest.mark.skipif(ON_NUMBA, reason="ember's two loops")
@pytest.mark.parametrize("dtype", ["float32", "float64", "complex64", "complex128", "int16"])
def test_rows_bitwise_as_lanes(dtype):
    """The row-by-row loop (a constant axis) and the lane loop (an axis known at run time) give
    the same bits: each element sees the same operations in the same order."""
    rows, lanes = jit(cum_const), jit(cum_at)
    rng = np.random.default_rng(5)
    a = (rng.standard_normal((40, 33)) * 1.7).astype(dtype) if dtype != "complex64" and dtype != "complex128" else \
        (rng.standard_normal((40, 33)) + 1j * rng.standard_normal((40, 33))).astype(dtype)
    if dtype == "int16":
        a = rng.integers(-5, 6, (40, 33)).astype(dtype)
    for v in (a, a[:, ::2], a[::-1]):
        with np.errstate(all="ignore"):
            got, ref = rows(v), lanes(v, 0)
        for g, r in zip(got, ref):
            assert g.dtype == r.dtype and g.shape == r.shape
            assert g.tobytes() == r.tobytes()
