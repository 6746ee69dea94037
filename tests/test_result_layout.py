"""Result layouts as NumPy (order 'K') and Numba give them: an elementwise result of arrays that
are all F-contiguous is F-contiguous (X.T * 2.0, np.sqrt(F) + F, np.where, np.clip, astype),
as are np.empty_like/zeros_like/ones_like/full_like and np.copy of one; any other mix is C. The
values are NumPy's, whatever the layout, also where operands broadcast along length-1 axes."""

import numpy as np
import pytest


from difftest import njit, no_leaks  # noqa: F401  (autouse: every test frees what it allocates)


def layout(a):
    if a.flags.c_contiguous and a.flags.f_contiguous:
        return "CF"
    return "C" if a.flags.c_contiguous else "F" if a.flags.f_contiguous else "A"


F = np.asfortranarray(np.arange(1.0, 13.0).reshape(3, 4))
C = np.ascontiguousarray(F)
CASES = {
    "add": (lambda f, c: f + f, "F"),
    "scalar": (lambda f, c: f * 2.0, "F"),
    "transposed": (lambda f, c: c.T * 2.0, "F"),
    "neg": (lambda f, c: -f, "F"),
    "ufunc": (lambda f, c: np.sqrt(f) + f, "F"),
    "ufunc_call": (lambda f, c: np.add(f, f), "F"),
    "compare": (lambda f, c: f > 3.0, "F"),
    "where": (lambda f, c: np.where(f > 2.0, f, 0.0), "F"),
    "clip": (lambda f, c: np.clip(f, 2.0, 9.0), "F"),
    "astype": (lambda f, c: f.astype(np.int32) + 1, "F"),
    "divmod": (lambda f, c: np.divmod(f, 2.5)[1], "F"),
    "mixed": (lambda f, c: f + c, "C"),
    "row": (lambda f, c: f + c[0], "C"),
    "symmetrize": (lambda f, c: (c[:3, :3] + c[:3, :3].T) * 0.5, "C"),
    "empty_like_fill": (lambda f, c: np.full_like(f, 7.0), "F"),
    "zeros_like": (lambda f, c: np.zeros_like(f), "F"),
    "ones_like": (lambda f, c: np.ones_like(f, dtype=np.int64), "F"),
    "np_copy": (lambda f, c: np.copy(f), "F"),
    "method_copy": (lambda f, c: f.copy(), "C"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_layout_and_values(name):
    fn, want = CASES[name]
    got = njit(fn)(F, C)
    ref = fn(F, C)
    assert layout(got) == want, (name, got.flags)
    assert got.dtype == ref.dtype and got.shape == ref.shape
    assert np.array_equal(got, ref)


def test_f_operands_broadcast_along_length_one_axes():
    """All F, but of different shapes: the loop nest reads them in place, NumPy's values."""
    @njit
    def f(a, b):
        return a * b + 1.0

    a = np.asfortranarray(np.arange(60.0).reshape(3, 4, 5))
    for shape in ((3, 4, 1), (1, 4, 5), (3, 1, 5)):
        b = np.asfortranarray(np.arange(float(np.prod(shape))).reshape(shape))
        got = f(a, b)
        assert np.array_equal(got, a * b + 1.0)
        assert layout(got) == "F"
        assert np.array_equal(f(b, a), b * a + 1.0)


@pytest.mark.parametrize("shape", [(1, 5), (5, 1), (0, 3), (4, 6, 3)])
def test_f_results_of_odd_shapes(shape):
    @njit
    def f(a):
        return np.exp(a) - a * 2

    a = np.asfortranarray(np.random.default_rng(1).standard_normal(shape))
    got = f(a)
    np.testing.assert_allclose(got, np.exp(a) - a * 2, rtol=1e-15)
    assert got.flags.f_contiguous


def test_f_variable_rebound_in_a_loop():
    """Y = Y * 0.5 + X.T each trip: F stays F, values as NumPy's."""
    @njit
    def f(X, k):
        Y = X.T * 1.0
        for _ in range(k):
            Y = Y * 0.5 + X.T
        return Y

    X = np.random.default_rng(2).standard_normal((40, 30))
    got = f(X, 5)
    want = X.T * 1.0
    for _ in range(5):
        want = want * 0.5 + X.T
    assert np.array_equal(got, want)
    assert layout(got) == "F"


def test_f_results_feed_reductions_and_reshapes():
    @njit
    def f(X):
        Y = X.T * 3.0
        return Y.sum(), Y.sum(axis=0), Y.ravel(), Y.reshape(-1), Y[1], Y.T.copy()

    X = np.random.default_rng(3).standard_normal((6, 5))
    got = f(X)
    Y = X.T * 3.0
    want = (Y.sum(), Y.sum(axis=0), Y.ravel(), Y.reshape(-1), Y[1], Y.T.copy())
    for g, w in zip(got, want):
        np.testing.assert_allclose(g, w, rtol=1e-14)
    assert layout(got[5]) == "C"


def test_parallel_f_expression():
    @njit(parallel=True)
    def f(F):
        return np.sqrt(F) * 2.0 + F

    a = np.asfortranarray(np.random.default_rng(4).random((300, 200)))
    got = f(a)
    assert layout(got) == "F"
    np.testing.assert_allclose(got, np.sqrt(a) * 2.0 + a, rtol=1e-15)
