"""Array expressions whose operands' maths is constant along a broadcast dimension, compiled vs
NumPy: such an operand (np.sin(v) added to the rows of a 2-d A, np.log(b[None, :]) over an
outer grid) is made once over its own shape and read broadcast, as NumPy computes it, not at
every element of the result; the values are NumPy's either way. Over dtypes, layouts, views as
targets, reductions of the result and shapes with length-1 dimensions at run time."""
import numpy as np
import pytest

from difftest import check, no_leaks  # noqa: F401


def rows_plus_maths(A, v):
    return A + np.sin(v) * np.exp(-v)


def outer_grid(a, b):
    return np.exp(-a[:, None]) * np.cos(b[None, :]) + np.log1p(np.abs(b))[None, :]


def divided_columns(A, w):
    return A * (1.0 / w) - np.sqrt(w)


def into_view(out, a, b):
    out[1:, :] = np.tanh(a[:, np.newaxis]) - b ** 0.5
    return out


def reduced(a, b):
    return (np.arctan2(a[:, None], 1.0) * np.exp(b[None, :])).sum(axis=1)


def three_d(x, y):
    return np.sqrt(x) + np.exp(y[:, None, :]) * 2.0


RNG = np.random.default_rng(7)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_rows_and_columns(dtype):
    A = RNG.standard_normal((5, 4)).astype(dtype)
    v = RNG.uniform(0.5, 2.0, 4).astype(dtype)
    check(rows_plus_maths, A, v)
    check(rows_plus_maths, np.asfortranarray(A), v)
    check(rows_plus_maths, A[:, :1], v[:1])
    check(rows_plus_maths, A[::2], v[::-1])
    if dtype == "float64":   # (Numba's 1.0 / w of float32 w is a float64)
        check(divided_columns, A, v)
        check(divided_columns, A[:1], v)


def test_outer_grids():
    a, b = RNG.standard_normal(6), RNG.standard_normal(5)
    check(outer_grid, a, b)
    check(outer_grid, a[:1], b)
    check(outer_grid, a, b[:1])
    check(reduced, a, b)
    check(into_view, np.zeros((7, 5)), a, np.abs(b))
    check(three_d, RNG.uniform(0, 1, (3, 4, 5)), RNG.standard_normal((3, 5)))
    check(three_d, RNG.uniform(0, 1, (3, 1, 5)), RNG.standard_normal((3, 5)))
