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


# ---- the last two dimensions run as one where they are one run of memory ------------------
# (u[1:-1, 1:-1, :] of a C array: rows of 3 items whose row stride is 3 items) for the target
# and every operand; an operand that is not (a broadcast column, a strided view) keeps the nest.

def short_axis(u):
    return u[1:-1, 1:-1, :] * 2.0 - u[:-2, 1:-1, :]


def with_row(u, c):
    return u[1:, 1:, :] + c            # c of shape (3,): constant along the middle axis


def with_column(u, y):
    return u[1:, 1:, :] + y[1:, 1:, None]     # a column by construction (Leaf.col)


def with_keepdims(u):
    v = u[1:-1, 1:, :]
    return v - v.mean(axis=2, keepdims=True)


def with_stretched(u, s):
    return u[1:, 1:, :] * s            # s's shape chosen by the caller: (1, 1, 1), (n, 1, 1), (n, m, 1)


def merged_into_target(out, u):
    out[:, 1:, :] = u[:, :-1, :] + 1.0
    return out


@pytest.mark.parametrize("dt", [np.float64, np.float32, np.int64])
def test_merged_last_dims(dt):
    u = (R.standard_normal((9, 11, 3)) * 10).astype(dt)
    check(short_axis, u, rtol=0, atol=0)
    check(short_axis, u[:, :, ::-1], rtol=0, atol=0)        # inner stride -1 item: no merge
    check(short_axis, u[:, ::2, :], rtol=0, atol=0)         # rows two apart: no merge
    check(short_axis, u[:, :, :1], rtol=0, atol=0)          # last axis of 1
    check(with_row, u, R.standard_normal(3).astype(dt), rtol=0, atol=0)
    check(with_column, u, (R.standard_normal((9, 11)) * 5).astype(dt), rtol=0, atol=0)
    check(with_keepdims, u.astype(np.float64), rtol=1e-12, atol=1e-12)
    for s in [(1, 1, 1), (8, 1, 1), (8, 10, 1), (1, 10, 3), (8, 10, 3)]:
        check(with_stretched, u, (R.standard_normal(s) * 3).astype(dt), rtol=0, atol=0)
    check(merged_into_target, np.zeros((4, 6, 3), dt), u[:4, :6, :], rtol=0, atol=0)
    check(merged_into_target, np.zeros((4, 6, 2), dt), u[:4, :6, :2], rtol=0, atol=0)   # u's rows are 3 apart: no merge
    check(merged_into_target, np.zeros((4, 6, 3), dt)[:, :, ::-1], u[:4, :6, :], rtol=0, atol=0)


# ---- operands stretched along the last axis at run time, several of them -------------------
# The unit-stride nest comes twice where some operand may be stretched: without the selects
# where none is, with them (or index 0 for the only candidate) where one is.

def three_leaves(x, w, b):
    return x * w + b


def one_candidate(x, s):
    return x[:, 1:] * 2.0 + s


@pytest.mark.parametrize("dt", [np.float64, np.float32])
def test_several_stretched_at_run_time(dt):
    x = R.standard_normal((5, 7)).astype(dt)
    shapes = [(5, 7), (5, 1), (1, 7), (1, 1), (7,), (1,)]
    for ws in shapes:
        for bs in shapes:
            check(three_leaves, x, R.standard_normal(ws).astype(dt), R.standard_normal(bs).astype(dt), rtol=0, atol=0)
    for ss in [(5, 6), (5, 1), (1, 6), (1, 1), (6,)]:
        check(one_candidate, x, R.standard_normal(ss).astype(dt), rtol=0, atol=0)
        check(one_candidate, x[::-1], R.standard_normal(ss).astype(dt), rtol=0, atol=0)
