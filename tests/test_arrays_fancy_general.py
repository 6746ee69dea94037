"""NumPy's general advanced indexing, compiled vs NumPy: several integer index arrays broadcast
together (a[i, j], a[rows[:, None], cols]), n-d index arrays, integers among them, mixed with
slices and None (adjacent advanced indices keep their place, separated ones go first), reading
and assigning (repeated indices: the last write wins); np.ix_; IndexError / ValueError as NumPy."""

import numpy as np
import pytest

from difftest import check, check_all, jit, layouts, no_leaks, numba_leaks, numba_skip, sample  # noqa: F401

RAISE_LEAKS = "numba does not free the arrays live where compiled code raises"


def reads_2d(a, i, j):
    return a[i, j], a[i[:, None], j], a[i, -1], a[1:, j], a[j[::-1], i[:1]]


def reads_3d(a, i, j):
    return a[i, j], a[:, i, j], a[0, :, j], a[i, :, j], a[i, None, j], a[:, :, j], a[i, 1]


def reads_nd_index(a, m):
    return a[m], a[m, 0], a[m, m % 3], a[:, m % 3]


@pytest.mark.parametrize("dtype", ["float64", "int16", "bool", "complex128"])
def test_read_2d(dtype):
    a = sample(dtype, (4, 5), seed=21)
    cases = [(v, np.array([0, 3, -1]), np.array([4, 0, 2])) for _, v in layouts(a)]
    cases += [(a, np.array([1]), np.array([0, 1, 2])), (a, np.zeros(0, np.int64), np.zeros(0, np.int64)),
              (a, np.array([1, 2], np.uint8), np.array([0, 4], np.int32))]
    check_all(reads_2d, cases)


@numba_leaks(RAISE_LEAKS)
def test_read_errors():
    a = sample("float64", (4, 5), seed=22)
    check_all(reads_2d, [(a, np.array([0, 4]), np.array([0, 1])),          # IndexError: 4 out of range
                         (a, np.array([0, 1, 2]), np.array([0, 1]))])      # IndexError: no broadcast


def test_read_3d():
    a = sample("float64", (3, 4, 5), seed=23)
    check_all(reads_3d, [(v, np.array([0, 2]), np.array([[1], [3]])) for _, v in layouts(a, ["C", "F", "strided"])])


def test_nd_index_array():
    a = sample("int64", (5, 3), seed=24)
    check_all(reads_nd_index, [(a, np.array([[0, 4], [2, 2]])), (a, np.array([[[1]]])), (a.T.copy().T, np.array([[3, 1, 0]]))])


def writes(a, i, j, v):
    a[i, j] = v
    a[i[:, None], j] = 5
    return a


def writes_3d(a, i, j, v):
    a[0, :, j] = v          # the advanced dimension first: v broadcasts to (len(j), a.shape[1])
    a[i, 1:, i] = 9
    return a


@numba_leaks(RAISE_LEAKS)
def test_write():
    a = np.zeros((4, 5))
    check_all(writes, [(a, np.array([0, 3, 3]), np.array([1, 2, 2]), np.array([1.0, 2.0, 3.0])),   # repeated: last wins
                       (a, np.array([1]), np.array([0, 4]), 7.0),
                       (a.T.copy().T, np.array([2, -1]), np.array([[0], [1]]), np.array([[1.0, 2.0]])),
                       (a, np.array([0, 1]), np.array([0, 1]), np.array([1.0, 2.0, 3.0]))])   # ValueError
    b = np.zeros((2, 3, 4), np.int32)
    check_all(writes_3d, [(b, np.array([0, 1]), np.array([3, 0]), np.array([1, 2, 3])),
                          (b, np.array([1]), np.array([2]), 4)])


def ix(a, r, c):
    return a[np.ix_(r, c)], np.ix_(r, c)[0].shape, np.ix_(r, c)[1].shape


def ix_write(a, r, c):
    a[np.ix_(r, c)] = 0
    return a


def ix3(a, r, c, d):
    return a[np.ix_(r, c, d)]


def test_ix():
    a = sample("float64", (4, 5), seed=25)
    check_all(ix, [(a, np.array([0, 3]), np.array([4, 1, 1])), (a.T.copy().T, np.array([2]), np.zeros(0, np.int64))])
    check(ix_write, a, np.array([1, 2]), np.array([0, 4]))
    check(ix3, sample("int64", (3, 4, 5), seed=26), np.array([2, 0]), np.array([1]), np.array([4, 3, 0]))


def bad_mixed_bool(a, i):
    return a[a[:, 0] > 0, i]


@numba_skip("ember's own diagnostics")
def test_bool_among_arrays_is_refused():
    from ember.errors import UnsupportedError
    with pytest.raises(UnsupportedError, match="boolean array among other index arrays"):
        jit(bad_mixed_bool)(np.ones((3, 3)), np.array([0, 1, 2]))
