"""Kernels for test_workflows.py, in a module of their own so that worker processes (spawn, loky,
Dask, mpirun) import them without importing the tests."""
import numpy as np

from ember import njit, prange


@njit(nogil=True)
def smooth(a):
    """A three-point moving average (ends kept): an array made in compiled code."""
    out = a.copy()
    for i in range(1, a.size - 1):
        out[i] = (a[i - 1] + a[i] + a[i + 1]) / 3.0
    return out


@njit(parallel=True)
def sum_sq(a):
    s = 0.0
    for i in prange(a.size):
        s += a[i] * a[i]
    return s


@njit
def ramp_sum(n):
    """The sum of squares of 0..n-1, from an array made here."""
    return sum_sq(np.arange(n) * 1.0)


def make_affine(k, c):
    """A closure: not importable by name, so it pickles by value."""
    @njit
    def affine(a):
        out = np.empty_like(a)
        for i in range(a.size):
            out[i] = a[i] * k + c
        return out
    return affine


def make_scaled_ramp(k):
    """A closure calling another compiled function (travelling with it)."""
    @njit
    def scaled_ramp(n):
        return k * ramp_sum(n)
    return scaled_ramp


def expected_smooth(a):
    out = a.copy()
    out[1:-1] = (a[:-2] + a[1:-1] + a[2:]) / 3.0
    return out
