"""Advanced indexing, compiled vs CPython: boolean-mask reads `a[a > 0]` (a copy, in C
order) and writes `a[a > 0] = v`; integer-array reads `a[idx]` (negative indices too, repeats)
and writes `a[idx] = v`, on 1-D and 2-D arrays."""

import numpy as np
import pytest

from difftest import check, check_all, layouts, no_leaks, numba_leaks, numba_xfail, sample  # noqa: F401

# no_leaks (imported above) is an autouse fixture: every test here must free what it allocates.

RAISE_LEAKS = "numba does not free the arrays live where compiled code raises"


def mask_read(a):
    return a[a > 0]


def mask_given(a, m):
    return a[m]


def mask_read_is_copy(a):
    b = a[a > 0]
    if b.size:
        b[0] = 0
    return a, b


@pytest.mark.parametrize("dtype", ["int8", "int64", "uint16", "float32", "float64"])
def test_mask_read(dtype):
    check_all(mask_read, [(v,) for _, v in layouts(sample(dtype, (7,)), ["C", "strided"])]
              + [(np.zeros(0, dtype),), (np.zeros(3, dtype),)])


def test_mask_read_is_copy():
    check(mask_read_is_copy, sample("int64", (6,)))


@numba_xfail("a 2-D boolean mask on a 2-D array fails an internal assertion")
@numba_leaks(RAISE_LEAKS)
def test_mask_read_2d():
    # A 2-D mask over a 2-D array gives the selected elements in C order, as a 1-D array.
    check_all(mask_read, [(v,) for _, v in layouts(sample("float64", (3, 4)), ["C", "F", "strided"])])


def test_mask_given():
    a = sample("float64", (5,))
    check_all(mask_given, [(a, np.array([True, False, True, True, False])), (a, np.zeros(5, bool)),
                           (a, np.ones(5, bool))])


@pytest.mark.parametrize("dtype", ["bool", "int8", "float64", "complex128"])
def test_mask_read_every_mask(dtype):
    # Reading writes every element to the next free place and lets the mask advance it: every
    # mask of up to 6 elements (picks first, last, none, all), over each layout.
    cases = []
    for n in range(7):
        for _, a in layouts(sample(dtype, (n,)), ["C", "reversed", "strided"]):
            cases += [(a, np.array([(bits >> i) & 1 for i in range(n)], bool)) for bits in range(2 ** n)]
    check_all(mask_given, cases)


@numba_xfail("a 2-D boolean mask on a 2-D array fails an internal assertion")
def test_mask_read_2d_every_density():
    rng = np.random.default_rng(3)
    cases = []
    for p in (0.0, 0.1, 0.5, 0.9, 1.0):
        for _, a in layouts(sample("int32", (5, 6)), ["C", "F", "strided"]):
            cases.append((a, rng.random((5, 6)) < p))
    check_all(mask_given, cases)


@numba_xfail("a mask of the wrong length is not checked, even under boundscheck")
@numba_leaks(RAISE_LEAKS)
def test_mask_wrong_length():
    check(mask_given, np.arange(5.0), np.array([True, False]), jit_opts={"boundscheck": True})


def mask_write(a):
    a[a > 0] = 0
    return a


def mask_write_value(a, m, v):
    a[m] = v
    return a


def mask_write_array(a, v):
    a[a < 0] = v
    return a


def test_mask_write():
    check_all(mask_write, [(v,) for _, v in layouts(sample("float64", (6,)), ["C", "reversed", "strided"])])
    a = sample("int64", (5,))
    check_all(mask_write_value, [(a, np.array([True, False, True, False, True]), 7),
                                 (a, np.zeros(5, bool), 7)])
    check(mask_write_value, sample("float64", (4,)), np.array([True, True, False, False]), 2.5)


@numba_xfail("a 2-D boolean mask on a 2-D array fails an internal assertion")
@numba_leaks(RAISE_LEAKS)
def test_mask_write_2d():
    check_all(mask_write, [(sample("int32", (3, 4)),), (np.asfortranarray(sample("float64", (3, 4))),)])


def test_mask_write_array():
    # The values fill the selected places in order: a[mask] = v with len(v) == mask.sum().
    a = np.array([1.0, -2.0, 3.0, -4.0, -5.0])
    check(mask_write_array, a, np.array([10.0, 20.0, 30.0]))


def take(a, idx):
    return a[idx]


def take_rows(a, idx):
    return a[idx], a[idx, 1]


def test_int_array_read():
    a = sample("float64", (6,))
    idx = np.array([0, 5, 2, 2, -1, -6])
    check_all(take, [(v, idx) for _, v in layouts(a, ["C", "reversed", "strided"])])
    check_all(take, [(a, np.zeros(0, np.int64)), (a, idx.astype(np.int32)), (a, idx[::2]),
                     (sample("int8", (4,)), np.array([3, 0]))])


def test_int_array_read_2d():
    m = sample("int64", (4, 3))
    check_all(take_rows, [(m, np.array([3, 0, -1])), (np.asfortranarray(m), np.array([1, 1]))])


@numba_leaks(RAISE_LEAKS)
def test_int_array_out_of_range():
    check_all(take, [(np.arange(4.0), np.array([0, 4])), (np.arange(4.0), np.array([-5]))],
              jit_opts={"boundscheck": True})


def put(a, idx, v):
    a[idx] = v
    return a


def put_add(a, idx):
    a[idx] += 1
    return a


def test_int_array_write():
    a = sample("float64", (6,))
    idx = np.array([0, 5, -2])
    check_all(put, [(v, idx, 9.5) for _, v in layouts(a, ["C", "reversed", "strided"])])
    check_all(put, [(a, idx, np.array([1.0, 2.0, 3.0])), (sample("int32", (5,)), np.array([4, 0]), 7),
                    (a, np.zeros(0, np.int64), 1.0)])


def test_int_array_write_repeated():
    # With repeated indices the last write wins, and a[idx] += 1 adds once per distinct index.
    check(put, np.zeros(4), np.array([1, 1, 2]), np.array([5.0, 6.0, 7.0]))
    check(put_add, np.zeros(4), np.array([1, 1, 3]))


def mixed_read(m, idx, mask):
    return m[1:, idx], m[idx, ::-1], m[mask], m.T[:, mask], m[None, idx]


def mixed_write(m, idx, mask):
    m = m.copy()
    m[:, idx] = 0
    m[mask, 1] = -1
    m[idx] = m[0]                  # a row broadcast over the picks (overlapping value)
    return m


def rows_from_columns(m, idx, v):
    m[idx] = v                     # v has one row per pick
    return m


def test_mixed_parts():
    m = sample("float64", (4, 5))
    idx = np.array([3, 0, -1])
    mask = np.array([True, False, True, True])
    for _, v in layouts(m, ["C", "F", "strided"]):
        check(mixed_read, v, idx, mask)
        check(mixed_write, v, idx, mask)
    check(rows_from_columns, np.zeros((4, 2)), np.array([2, 0]), np.array([[1.0, 2.0], [3.0, 4.0]]))
    check(rows_from_columns, np.zeros((4, 2)), np.array([2, 0]), np.array([[1.0, 2.0]]))


@numba_xfail("fancy indices are checked only under boundscheck=True")
@numba_leaks(RAISE_LEAKS)
def test_fancy_errors_without_boundscheck():
    # NumPy checks every fancy index and the value's shape, boundscheck or not.
    check(take, np.arange(4.0), np.array([0, 9]))
    check(mask_given, np.arange(4.0), np.array([True, False]))
    check(rows_from_columns, np.zeros((4, 2)), np.array([2, 0, 1]), np.ones((2, 2)))


def columns_picked(U, k):
    return U[:, k], U[1:, k], U[None, :, k], U[2, k]


def columns_set(U, k, V):
    U[:, k] = V
    U[1:, k[:1]] = -1.0
    return U


def test_index_array_after_a_kept_dimension():
    # a[:, idx] reads and writes in the result's C order (a row's picks gathered along it);
    # repeated and negative picks, values broadcast, the last write of a repeated pick wins
    U = np.arange(20.0).reshape(4, 5)
    for k in (np.array([4, 0, -1]), np.array([2, 2]), np.zeros(0, np.int64), np.array([1, 3], np.int32)):
        check(columns_picked, U, k)
    check(columns_set, U.copy(), np.array([0, 2, 0]), np.arange(12.0).reshape(4, 3))
    check(columns_set, U.copy(), np.array([3, -5]), np.array([7.0, 8.0]))


@numba_xfail("numba reads past the row for an index out of bounds")
def test_index_array_after_a_kept_dimension_checks_bounds():
    check(columns_picked, np.arange(20.0).reshape(4, 5), np.array([5]))   # IndexError


def put_0d(out, idx, v):
    out[idx] = np.asarray(v)
    return out


def put_0d_mask(out, v):
    out[out > 0.5] = v
    return out


def put_0d_pairs(out, i, j, v):
    out[i, j] = v
    return out


def test_a_0d_array_value_is_its_element():
    # out[idx] = np.asarray(9.0) wrote nothing (the 0-d array's descriptor read as the value)
    check(put_0d, np.zeros(5), np.array([0, 2, -1]), 9.0)
    check(put_0d, np.zeros(5, np.float32), np.array([1, 3]), np.array(2.5))
    check(put_0d_mask, np.linspace(0.0, 1.0, 7), np.array(7.0))
    check(put_0d_mask, np.linspace(0.0, 1.0, 7).astype(np.float32), np.array(2))
    check(put_0d_pairs, np.zeros((3, 3)), np.array([0, 2]), np.array([1, 2]), np.array(5.0))
