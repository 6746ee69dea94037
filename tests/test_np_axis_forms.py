"""The axis and keyword forms of NumPy functions ember compiles from Python (ember/_nplib.py,
ember/_npfuncs.py), compiled vs NumPy: np.take(a, indices, axis), np.append(arr, values, axis)
and with a scalar first argument, np.ediff1d(ary, to_end, to_begin), np.geomspace with complex
ends; over dtypes, axes (negative ones too), layouts, empty arrays, and NumPy's run-time errors
(same exception class). Runs under EMBER_TEST_BACKEND=numba too; numba_xfail marks the forms
numba lacks or where its results differ."""

import numpy as np
import pytest

from difftest import ON_NUMBA, check, jit, layouts, numba_skip, numba_xfail, sample

DTYPES = ["int64", "float64", "complex128"]


# ---- np.take with axis ---------------------------------------------------------------------------

def take_axis(a, i, axis):
    return np.take(a, i, axis=axis)


def take_axis_positional(a, i):
    return np.take(a, i, 1), np.take(a, i, -1)


INDICES = [1, -1, np.array([0, 2, -1, 1]), np.array([[0, 1], [-2, 2]]), np.zeros(0, dtype=np.int64),
           np.array([[[1]], [[0]]], dtype=np.int32)]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("axis", [0, 1, 2, -1, -3])
@pytest.mark.parametrize("which", [pytest.param(k, marks=numba_xfail("np.take with axis and indices of "
                                                                        "several dimensions gives a wrong shape"))
                                   if k in (3, 5) else k for k in range(len(INDICES))])
def test_take_axis(dtype, axis, which):
    a = sample(dtype, (3, 4, 3), 1)
    for _, v in layouts(a, ("C", "F", "strided")):
        check(take_axis, v, INDICES[which], axis)


@pytest.mark.parametrize("which", [pytest.param(k, marks=numba_xfail("np.take with axis and indices of "
                                                                        "several dimensions gives a wrong shape"))
                                   if k in (3, 5) else k for k in range(len(INDICES))])
def test_take_axis_1d(which):
    check(take_axis, sample("float64", (5,), 2), INDICES[which], 0)
    check(take_axis, sample("int64", (5,), 2), INDICES[which], -1)


def test_take_axis_positional_and_empty():
    check(take_axis_positional, sample("float64", (2, 3), 3), np.array([2, 0]))
    check(take_axis, np.zeros((0, 3)), np.array([2, 0]), 1)
    check(take_axis, np.zeros((4, 3))[:, ::-1], np.array([-3, 0, 2]), 1)


@numba_xfail("np.take with axis does not check the indices")
@pytest.mark.parametrize("i", [3, -4, np.array([0, 3]), np.array([[-4]])])
def test_take_axis_out_of_range_raises_index_error(i):
    check(take_axis, sample("float64", (2, 3), 4), i, 1)


@numba_xfail("np.take's axis out of range is not NumPy's AxisError")
@pytest.mark.parametrize("axis", [2, -3])
def test_take_bad_axis_raises_axis_error(axis):
    check(take_axis, sample("float64", (2, 3), 4), np.array([0]), axis)


# ---- np.append with axis and a scalar first argument ----------------------------------------------

def append_axis0(a, b):
    return np.append(a, b, axis=0)


def append_axis_last(a, b):
    return np.append(a, b, axis=-1)


def append_axis2(a, b):
    return np.append(a, b, 2)


def append_scalar_first(x, b):
    return np.append(x, b), np.append(b, x, axis=None)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("other", ["int64", "float64", "complex128"])
def test_append_axis(dtype, other):
    a = sample(dtype, (2, 3), 1)
    for _, v in layouts(a, ("C", "F", "reversed", "strided")):
        check(append_axis0, v, sample(other, (4, 3), 2))
        check(append_axis_last, v, sample(other, (2, 5), 3)[:, ::2])
        check(append_axis0, v, np.zeros((0, 3), dtype=other))


def test_append_axis_1d_and_3d():
    check(append_axis0, np.arange(3), np.arange(4.0))
    check(append_axis_last, np.zeros(0), np.arange(2))
    check(append_axis2, sample("float64", (2, 2, 1), 1), sample("float64", (2, 2, 3), 2))


@pytest.mark.parametrize("fn, a, b", [
    (append_axis0, np.zeros((2, 3)), np.zeros((2, 2))),      # sizes differ off the axis
    *(pytest.param(*case, marks=numba_xfail("np.append with axis refuses these at compile time")) for case in [
        (append_axis0, np.zeros((2, 3)), np.zeros(3)),       # numbers of dimensions differ
        (append_axis0, np.zeros((2, 3)), 2.5),               # a 0-d values
        (append_axis0, 1.0, np.zeros(3)),                    # a 0-d arr
        (append_axis2, np.zeros((2, 3)), np.zeros((2, 3))),  # AxisError
    ]),
])
def test_append_axis_errors(fn, a, b):
    check(fn, a, b)


@pytest.mark.parametrize("x", [1.0, 7, 2 + 1j])
def test_append_scalar_first(x):
    check(append_scalar_first, x, sample("float64", (2, 2), 5))


# ---- np.ediff1d with to_end and to_begin ---------------------------------------------------------

def ediff_ends(a, end, begin):
    return np.ediff1d(a, to_end=end, to_begin=begin)


def ediff_forms(a, end):
    return np.ediff1d(a), np.ediff1d(a, end), np.ediff1d(a, to_begin=end), np.ediff1d(a, None, end)


@pytest.mark.parametrize("dtype", ["int8", "int64", "float32", "float64", "complex128"])
@pytest.mark.parametrize("shape", [(0,), (1,), (5,), (3, 4)])
def test_ediff1d_ends(dtype, shape):
    a = sample(dtype, shape, 6)
    for _, v in layouts(a, ("C", "F", "reversed", "strided")):
        check(ediff_ends, v, np.array([1, 2], dtype=dtype), np.array([[3], [4]], dtype=dtype))
        check(ediff_forms, v, np.array([7], dtype=dtype))


@pytest.mark.parametrize("end", [5, np.arange(3)])
def test_ediff1d_int_ends_into_floats(end):
    check(ediff_ends, sample("float64", (4,), 7), end, end)


@pytest.mark.parametrize("ary, end", [(5.0, 2.0), (3, np.arange(2)), (1 + 2j, 1j)])
def test_ediff1d_scalar_ary(ary, end):
    check(ediff_ends, ary, end, end)


@numba_xfail("numba casts the ends unchecked")
@pytest.mark.parametrize("ary, end", [(np.arange(4), 2.5), (np.arange(4.0), 1j), (np.arange(4), np.zeros(2))])
def test_ediff1d_ends_that_do_not_cast_raise_type_error(ary, end):
    check(ediff_ends, ary, end, None)
    check(ediff_ends, ary, None, end)


# ---- np.geomspace with complex ends ----------------------------------------------------------------

def geom(start, stop, num):
    return np.geomspace(start, stop, num)


def geom_endpoint(start, stop, num, endpoint):
    return np.geomspace(start, stop, num, endpoint)


def geom_default(start, stop):
    return np.geomspace(start, stop), np.geomspace(start, stop, num=4)


def geom_keywords(start, stop):
    return np.geomspace(start, stop, num=4, endpoint=False), np.geomspace(start, stop, 3, endpoint=True)


ENDS = [(1 + 0j, 1000 + 0j), (-1 + 0j, 1j), (1j, 1000j), (2 + 3j, -4 - 5j), (1e-3 - 2j, 7.5), (-8, 1 + 1j),
        (0.5 + 0.5j, 0.5 + 0.5j), (3 - 1e-9j, 3e5 + 2j)]


@pytest.mark.parametrize("start, stop", ENDS)
@pytest.mark.parametrize("num", [0, 1, 2, 7])
def test_geomspace_complex(start, stop, num):
    if ON_NUMBA and num > 1 and (start, stop) == (1e-3 - 2j, 7.5):
        pytest.xfail("numba differs: its stop is exact where NumPy's rotation back leaves a residue")
    check(geom, start, stop, num)


@numba_xfail("np.geomspace takes no endpoint")
@pytest.mark.parametrize("start, stop", ENDS)
@pytest.mark.parametrize("num, endpoint", [(1, False), (6, False), (5, True)])
def test_geomspace_complex_endpoint(start, stop, num, endpoint):
    check(geom_endpoint, start, stop, num, endpoint)


@pytest.mark.parametrize("start, stop", ENDS[:4])
def test_geomspace_complex_defaults(start, stop):
    check(geom_default, start, stop)


@numba_xfail("np.geomspace takes no endpoint")
@pytest.mark.parametrize("start, stop", ENDS[:4])
def test_geomspace_complex_keywords(start, stop):
    check(geom_keywords, start, stop)


@numba_skip("a property of ember's implementation")
def test_geomspace_complex_agrees_to_the_last_bit_mostly():
    """NumPy's steps in NumPy's order and roundings: nearly every value is NumPy's exactly."""
    f = jit(geom_endpoint)
    rng = np.random.default_rng(1)
    same = total = 0
    for _ in range(200):
        a = complex(*rng.standard_normal(2) * 10 ** rng.uniform(-3, 3))
        b = complex(*rng.standard_normal(2) * 10 ** rng.uniform(-3, 3))
        e, g = np.geomspace(a, b, 9), f(a, b, 9, True)
        np.testing.assert_allclose(g, e, rtol=1e-13)
        same += int((e == g).sum())
        total += e.size
    assert same >= 0.9 * total


@pytest.mark.parametrize("start, stop", [(0j, 1j), (1j, 0), (0, 2 + 0j)])
def test_geomspace_complex_zero_raises_value_error(start, stop):
    check(geom, start, stop, 5)
