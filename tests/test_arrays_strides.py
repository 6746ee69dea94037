"""Strides of C- and F-contiguous arrays are computed from the shape (codegen/lower_array.c
cg_arr_stride), so LLVM sees rows apart: values equal CPython's for arrays whose dimensions of
length 1 carry any stride (NumPy's flags allow it), for empty arrays, and for loops that read one
row while writing the next (vectorised without a run-time check) or the element before
(a recurrence that must stay in order)."""

import re

import numpy as np
import pytest

import ember
from difftest import no_leaks  # noqa: F401  (autouse: every test frees what it allocates)


def rows_down(u):
    for i in range(1, u.shape[0]):
        for j in range(u.shape[1]):
            u[i, j] = 0.5 * (u[i, j] + u[i - 1, j])
    return u


def rows_up(u):
    for i in range(u.shape[0] - 2, -1, -1):
        for j in range(u.shape[1]):
            u[i, j] = u[i, j] - u[i + 1, j]
    return u


def along_row(u):
    for i in range(u.shape[0]):
        for j in range(1, u.shape[1]):
            u[i, j] = u[i, j] + u[i, j - 1]   # a recurrence: in order
    return u


def shifted_diagonal(u):
    for i in range(1, u.shape[0]):
        for j in range(1, u.shape[1]):
            u[i, j] = u[i - 1, j - 1] * 0.5 + u[i, j]
    return u


def three_d(t):
    for i in range(1, t.shape[0]):
        for j in range(t.shape[1]):
            for k in range(t.shape[2]):
                t[i, j, k] += t[i - 1, j, k] * 0.25
    return t


def reads(a):
    s = 0.0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            s += a[i, j] * (i + 1) + j
    return s, a[0].sum(), a[:, 0].sum(), a.strides


COMPILED = {}


def compiled(fn):
    return COMPILED.setdefault(fn, ember.njit(fn))


def check(fn, u):
    want = fn(u.copy(order="K"))
    got = compiled(fn)(u.copy(order="K"))
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.int32])
@pytest.mark.parametrize("shape", [(5, 7), (40, 33), (3, 1000), (1, 9), (9, 1), (0, 4), (4, 0), (2, 2)])
def test_row_loops(dtype, shape):
    u = (np.arange(np.prod(shape)).reshape(shape) % 17 + 1).astype(dtype)
    for fn in (rows_down, rows_up, along_row, shifted_diagonal):
        check(fn, u)
        check(fn, np.asfortranarray(u))
        if shape[1] > 1:
            check(fn, np.ascontiguousarray(u[:, ::-1]))


@pytest.mark.parametrize("shape", [(4, 5, 6), (2, 1, 17), (1, 3, 3), (3, 0, 2), (6, 9, 1)])
def test_three_d(shape):
    t = np.arange(np.prod(shape), dtype=np.float64).reshape(shape)
    check(three_d, t)
    check(three_d, np.asfortranarray(t))


def odd_strides(shape, strides, order):
    """An array NumPy calls contiguous although a dimension of length 1 has a stride of its own."""
    base = np.arange(64.0)
    a = np.lib.stride_tricks.as_strided(base, shape, strides)
    assert a.flags["C_CONTIGUOUS" if order == "C" else "F_CONTIGUOUS"], a.strides
    return a


@pytest.mark.parametrize("shape,strides,order", [
    ((1, 8), (1000, 8), "C"), ((1, 8), (-8, 8), "C"), ((8, 1), (8, 1000), "F"), ((8, 1), (8, 8), "C"),
    ((1, 4, 4), (999 * 8, 32, 8), "C"), ((4, 1, 4), (32, 13, 8), "C"), ((4, 4, 1), (8, 32, 77), "F"),
])
def test_length_one_dims_with_any_stride(shape, strides, order):
    a = odd_strides(shape, strides, order)
    if a.ndim == 2:
        got, want = compiled(reads)(a), reads(a)
        assert got[:3] == want[:3]
        assert got[3] == a.strides   # the strides NumPy has, not the computed ones
    np.testing.assert_array_equal(ember.njit(lambda x: x * 2.0 + x[..., ::-1])(a), a * 2.0 + a[..., ::-1])
    np.testing.assert_array_equal(ember.njit(lambda x: x.sum(axis=-1))(a), a.sum(axis=-1))
    np.testing.assert_array_equal(ember.njit(lambda x: x.copy())(a), a)
    w = a.copy()
    ember.njit(lambda x: x.fill(3.0))(w)
    assert (w == 3.0).all()


def test_rows_apart_need_no_run_time_check():
    # u[i, j] from u[i - 1, j]: rows a stride apart, which LLVM proves from the computed stride;
    # a run-time overlap check (a comparison of two pointers) was hoisted over every row and failed
    f = ember.njit(rows_down)
    f(np.ones((4, 4)))
    llvm = "\n".join(f.inspect_llvm().values())
    assert re.search(r"store <\d+ x double>", llvm), "the row loop is not vectorised"
    assert not re.search(r"icmp u[lg][te] ptr", llvm), "a run-time overlap check remains"
