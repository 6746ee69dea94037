"""NumPy code that runs unchanged: tuples assigned into array rows, a.shape = ... on a local
array, imports inside the compiled function (resolved when it compiles), np.ndarray(shape,
dtype) as a constructor, np.finfo/np.iinfo constants, a.item(), tuples and list literals of
numbers as arrays; compiled vs NumPy."""

import numpy as np
import pytest

from difftest import check, check_all, jit, no_leaks, numba_leaks, numba_skip, sample  # noqa: F401
from ember.errors import TypingError

RAISE_LEAKS = "numba does not free the arrays live where compiled code raises"


def rows_from_tuples(a, x, y):
    for i in range(a.shape[0]):
        a[i] = (x * i, y)
    a[0, :] = (7, 8)
    a[-1, ::-1] = (x, 1)
    return a


def nested_tuple(b, x):
    b[0] = ((x, 1, 2), (3, 4, 5))
    b[1, 1] = (x, x, x)
    b[:, 0] = (9, 9)
    return b


def wrong_length(a):
    a[0] = (1.0, 2.0, 3.0)
    return a


@pytest.mark.parametrize("dtype", ["float64", "int32", "uint8", "complex128", "bool"])
def test_tuple_into_row(dtype):
    check(rows_from_tuples, np.zeros((3, 2), dtype), 1.5 if dtype != "bool" else 1, 2)
    check(nested_tuple, np.zeros((2, 2, 3), dtype), 2)
    check(rows_from_tuples, np.zeros((4, 2), dtype).T.copy().T, 1, 0)


@numba_leaks(RAISE_LEAKS)
def test_tuple_of_wrong_length():
    check(wrong_length, np.zeros((2, 2)))


def reshaped(n):
    a = np.arange(n * 6.0)
    a.shape = (n, 6)
    a.shape = (2, -1, 3)
    return a, a.sum()


def reshaped_copy(a):
    b = a.copy()
    b.shape = (b.size,)
    c = a.T
    c.shape = (c.size,)    # AttributeError unless c is C-contiguous (NumPy also allows strided views that need no copy)
    return b * 2, c


def reshaped_arg(a):
    a.shape = (a.size,)
    return a


@numba_leaks(RAISE_LEAKS)
def test_set_shape():
    check_all(reshaped, [(1,), (4,), (0,)])
    check_all(reshaped_copy, [(np.arange(3.0).reshape(3, 1),), (np.arange(12.0).reshape(3, 4),),   # AttributeError
                              (np.zeros((1, 3)),)])


@numba_skip("ember's own diagnostics")
def test_set_shape_of_an_argument():
    from ember.errors import UnsupportedError
    with pytest.raises(UnsupportedError, match="setting the shape of argument 'a'"):
        jit(reshaped_arg)(np.zeros((2, 2)))


def bad_shape(n):
    a = np.arange(n * 1.0)
    a.shape = (4, 4)
    return a


@numba_leaks(RAISE_LEAKS)
def test_set_shape_of_wrong_size():
    check(bad_shape, 5)   # ValueError


def imports_inside(x):
    import math
    import numpy as np2
    from math import sqrt, pi
    from numpy import random as rnd  # noqa: F401
    import numpy.linalg
    return np2.sqrt(x) + math.sqrt(x) + sqrt(x) + pi + numpy.abs(x), np2.zeros(2)


def test_imports_inside():
    check(imports_inside, 4.0)


def bad_import(x):
    import no_such_module_for_ember  # noqa: F401
    return x


def bad_from(x):
    from math import no_such_name  # noqa: F401
    return x


@numba_skip("ember's own diagnostics")
@pytest.mark.parametrize("fn, msg", [(bad_import, "cannot import no_such_module_for_ember"),
                                     (bad_from, "cannot import name 'no_such_name'")])
def test_bad_imports(fn, msg):
    from ember.errors import TypingError
    with pytest.raises(TypingError, match=msg) as e:
        jit(fn)(1.0)
    assert f"in {fn.__name__}" in str(e.value) and "^" in str(e.value)


def ndarray_ctor(n):
    a = np.ndarray((n, 2), np.float64)
    b = np.ndarray(3, dtype=np.int32)
    c = np.ndarray(shape=(2, n))
    a[:] = 1.0
    return a, b.shape, c.shape, b.dtype.itemsize if False else b.size


def test_ndarray_constructor():
    check_all(ndarray_ctor, [(3,), (0,)])


def bad_tuple_complex(a):
    a[0] = (1j, 2.0)


@numba_skip("ember's own diagnostics")
def test_complex_tuple_into_float_row():
    from ember.errors import TypingError
    with pytest.raises(TypingError, match="imaginary part"):
        jit(bad_tuple_complex)(np.zeros((2, 2)))
    with pytest.raises(TypeError):
        bad_tuple_complex(np.zeros((2, 2)))


def dtype_compare(a, b):
    return (a.dtype == np.float64, a.dtype != np.float32, a.dtype == b.dtype, b.dtype == np.int32,
            a.dtype != b.dtype)


@pytest.mark.parametrize("da, db", [("float64", "int32"), ("float32", "float32"), ("int32", "float64")])
def test_dtype_comparisons(da, db):
    check(dtype_compare, sample(da, (3,), 1), sample(db, (2, 2), 2))


# ---- np.finfo / np.iinfo: constants of a dtype known at compile time -----------------------------

def machine_limits(a, i):
    f = np.finfo(np.float64)
    return (f.eps, f.max, f.min, f.tiny, f.resolution, f.bits, np.finfo(a.dtype).eps, np.finfo(float).epsneg,
            np.iinfo(np.int32).max, np.iinfo(np.int8).min, np.iinfo(i.dtype).max, np.iinfo(np.uint32).max)


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_finfo_iinfo(dtype):
    check(machine_limits, np.ones(2, dtype), np.ones(2, np.int16))


def iinfo_of_float(a):
    return np.iinfo(a.dtype).max


def finfo_of_int():
    return np.finfo(np.int64).eps


@numba_skip("ember's own message")
@pytest.mark.parametrize("fn, args, msg", [(iinfo_of_float, (np.ones(2),), "np.iinfo\\(\\) of float64: data type not an integer"),
                                           (finfo_of_int, (), "np.finfo\\(\\) of int64: data type not inexact")])
def test_finfo_iinfo_of_the_wrong_kind(fn, args, msg):
    with pytest.raises(ValueError):
        fn(*args)
    with pytest.raises(TypingError, match=msg):
        jit(fn)(*args)


# ---- a.item(): one element as a scalar ---------------------------------------------------------------

def items(a, i):
    return (a[:1, :1, :1].item(), a.item(5), a.item(-1), a.item(1, 2, 3), a.item(i), a.item(-2, -1, 0), a[0, 0].item(2),
            np.zeros(()).item())


@numba_skip("numba's item() takes no index")
@pytest.mark.parametrize("dtype", ["float64", "int8", "uint64", "complex128", "bool"])
def test_item(dtype):
    a = sample(dtype, (2, 3, 4), 1)
    check(items, a, 7)
    check(items, np.asfortranarray(a)[:, ::-1], -24)


@numba_skip("numba's item() takes no index")
def test_item_errors():
    a = sample("float64", (2, 3, 4), 1)
    check(items, a, 24)                          # IndexError: beyond the size
    check(lambda a: a.item(), np.ones(2))        # ValueError: not one element
    check(lambda a: a.item(2, 0), np.ones((2, 2)))   # IndexError: beyond axis 0


# ---- tuples and list literals of numbers where NumPy takes arrays -----------------------------------

def array_likes(a, m):
    return (a == (1, 0, 1), np.bitwise_and((1, 0, 1), a), (2, 3, 4) * a, a + [1.5, 2, 3], np.concatenate(([1], a)),
            np.maximum(a, [0, 5, 1]), [[1, 2, 3]] - a, m < (0.5, 1, 2), np.add((1, 2, 3), 1))


@numba_skip("numba refuses tuples as ufunc operands")
def test_array_likes():
    check(array_likes, np.array([1, 2, 3]), np.array([0.0, 1, 3]))
    check(array_likes, np.array([1, 2, 3], np.uint8)[::-1], np.array([0.5, 1, 3], np.float32))
    check(lambda a: a + (1, 2), np.array([1, 2, 3]))   # ValueError: shapes do not broadcast


# ---- NumPy scalars keep their dtype where NumPy takes it from them ----------------------------------

def full_of_elements(a):
    x = a[1]
    t = (a[0], a[2])
    return (np.full(3, a[0]), np.full((2, 2), x), np.full(2, a[0], dtype=np.float64), np.array([a[0], a[1]]),
            np.array([[a[0], x], [a[2], a[0]]]), np.array(t), np.asarray((a[0], x)), np.array(a[0]),
            np.array([a[0], 1]), np.array([a[0], 1.5]), np.full(2, np.float32(2.5)), np.full(2, 3))


def full_of_items(a):
    out = np.zeros(0, a.dtype)
    for x in a:
        out = np.full(2, x)
    return out


@pytest.mark.parametrize("dtype", ["bool", "int8", "int32", "uint16", "uint64", "float32", "complex64", "complex128"])
def test_numpy_scalar_dtypes(dtype):
    a = sample(dtype, (3,), 2)
    check(full_of_elements, a)
    check(full_of_elements, a[::-1])
    check(full_of_items, a)
