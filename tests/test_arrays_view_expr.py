"""Array expressions over views whose strides typing cannot know ('A' layout: u[1:-1, :-2]).

Lowering runs such a nest twice over: with constant inner strides where every operand and the
target step their innermost dimension by the item size (checked when it runs: it vectorises),
else with the strides read from the arrays. Both must give NumPy's values."""

import numpy as np
import pytest

from difftest import check, no_leaks  # noqa: F401


def stencil(u):
    out = np.zeros_like(u)
    out[1:-1, 1:-1] = 0.25 * (u[:-2, 1:-1] + u[2:, 1:-1] + u[1:-1, :-2] + u[1:-1, 2:]) - u[1:-1, 1:-1]
    return out


def shifted(a, b):
    return a[1:] * b[:-1] - a[:-1]


def into_view(a, b):
    a[::2, 1:] = a[1::2, :-1] * 2.0 + b[::2, 1:]
    return a


def broadcast_row(m, v):
    return m[:, 1:] - v[1:]


R = np.random.default_rng(7)


@pytest.mark.parametrize("dt", [np.float32, np.float64, np.int32])
def test_stencil_views(dt):
    u = (R.standard_normal((37, 45)) * 10).astype(dt)
    check(stencil, u, rtol=0, atol=0)
    check(stencil, u[::2, ::3], rtol=0, atol=0)          # inner stride 3 items: the strided nest
    check(stencil, np.asfortranarray(u), rtol=0, atol=0)


@pytest.mark.parametrize("dt", [np.float32, np.float64])
def test_one_d_and_targets(dt):
    a, b = R.standard_normal(101).astype(dt), R.standard_normal(101).astype(dt)
    check(shifted, a, b, rtol=0, atol=0)
    check(shifted, a[::-1], b, rtol=0, atol=0)
    m, n = R.standard_normal((20, 17)).astype(dt), R.standard_normal((20, 17)).astype(dt)
    check(into_view, m, n, rtol=0, atol=0)
    check(into_view, m[:, ::2], n[:, ::2], rtol=0, atol=0)
    check(broadcast_row, m, n[0], rtol=0, atol=0)
    check(broadcast_row, m, n[:, 0][:17], rtol=0, atol=0)
