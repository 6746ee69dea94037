"""More of NumPy in compiled code, compiled vs NumPy: a.view(dtype), dtypes named by strings,
np.asarray/np.array with dtype=, and the functions of ember/_npfuncs.py (set routines, window
functions, np.shape/size/ndim, hsplit/vsplit/dsplit, resize, trim_zeros, extract,
take_along_axis, fill_diagonal, gradient, unwrap, nancumsum/nancumprod, iscomplexobj/isrealobj,
isneginf/isposinf, sinc, geomspace, inner, linalg.cond); over dtypes, layouts, edge sizes, NaN,
NumPy's run-time errors, and the located error for forms ember does not take."""

import math

import numpy as np
import pytest


from difftest import ON_NUMBA, check, errors, jit, no_leaks, sample  # noqa: F401

pytestmark = pytest.mark.skipif(ON_NUMBA, reason="ember's forms (numba lacks several of them)")

nan, inf = math.nan, math.inf


# ---- a.view(dtype) ------------------------------------------------------------------------------

def view_int64(a):
    return a.view(np.int64)


def view_bytes(a):
    return a.view(np.uint8)


def view_complex(a):
    return a.view(np.complex128)


def view_float32_str(a):
    return a.view("float32")


def view_writes_through(a):
    b = a.view(np.int64)
    b[0] = 0
    return a


@pytest.mark.parametrize("f", [view_int64, view_bytes, view_complex, view_float32_str])
@pytest.mark.parametrize("shape", [(6,), (3, 4), (0, 4), (2, 1, 2)])
def test_view(f, shape):
    a = np.arange(float(np.prod(shape))).reshape(shape) + 0.5
    check(f, a)


def test_view_shares_memory():
    check(view_writes_through, np.arange(4.0))


@pytest.mark.parametrize("f", [view_int64, view_bytes, view_complex])
def test_view_of_views(f):
    a = np.arange(24.0).reshape(4, 6)
    check(f, a[::2])            # rows strided, last axis contiguous: fine
    check(f, a[:, ::2])         # last axis strided: NumPy's ValueError unless same size
    check(f, a.T)               # F order
    check(f, a[:, :3])          # 3 float64 as complex128: NumPy's ValueError


def test_view_0d_resize_is_located():
    def f(a):
        return a[1, 2, ...].view(np.int32)
    with pytest.raises(errors.EmberError, match="0d array"):
        jit(f)(np.ones((3, 4)))


# ---- dtypes by name, np.asarray/np.array with dtype= --------------------------------------------

def by_names():
    return (np.zeros(3, dtype="float32"), np.ones((2,), "i8"), np.arange(4, dtype="uint8"),
            np.full(2, 3, dtype="complex64"), np.empty(0, dtype="bool"))


def astype_name(a):
    return a.astype("int16"), np.zeros_like(a, dtype="float32")


def test_dtype_names():
    check(by_names)
    check(astype_name, np.arange(5.0))


def test_unknown_dtype_name_is_located():
    def f():
        return np.zeros(2, dtype="float31")
    with pytest.raises(errors.EmberError, match="data type 'float31' not understood"):
        jit(f)()


def asarray_same(a):
    return np.asarray(a, dtype=a.dtype) is a if False else np.asarray(a, dtype=np.float64)


def asarray_forms(a):
    l = [1.5, 2.5, -3.5]
    return (np.asarray(a, dtype=np.float32), np.asarray(a, np.int64), np.asarray(a, dtype="float64"),
            np.asarray(l, dtype=np.int32), np.array(l, dtype=np.float32), np.asarray([1, 2], dtype=np.complex128),
            np.asarray(2.5, dtype=np.float32))


def test_asarray_dtype():
    check(asarray_forms, np.array([1.25, -2.5, 3.75]))
    a = np.arange(3.0)
    assert jit(asarray_same)(a) is a   # the same dtype: a itself, as NumPy


def test_array_of_complex_list_to_real_is_located():
    def f():
        l = [1j, 2.0]
        return np.array(l, dtype=np.float64)
    with pytest.raises(errors.EmberError, match="complex"):
        jit(f)()


# ---- set routines -------------------------------------------------------------------------------

def sets(a, b):
    return np.union1d(a, b), np.intersect1d(a, b), np.setdiff1d(a, b), np.setxor1d(a, b)


def sets_unique(a, b):
    ua, ub = np.unique(a), np.unique(b)
    return (np.intersect1d(ua, ub, assume_unique=True), np.setdiff1d(ua, ub, True),
            np.setxor1d(ua, ub, assume_unique=True))


SETS = [
    (np.array([3, 1, 2, 3, 5]), np.array([5, 5, 7, 1])),
    (np.array([1.5, nan, 2.0, -0.0]), np.array([2.0, 0.0, nan, 9.0])),
    (np.array([], dtype=np.int64), np.array([1, 2])),
    (np.array([[4, 1], [1, 0]]), np.array([0, 4])),
    (np.array([1, 2, 3]), np.array([1.5, 2.0])),
]


@pytest.mark.parametrize("a,b", SETS)
def test_sets(a, b):
    check(sets, a, b)
    check(sets_unique, a, b)


# ---- windows, shape functions, splits, resize, trim_zeros, extract ------------------------------

def windows(m):
    return np.bartlett(m), np.blackman(m), np.hamming(m), np.hanning(m)


@pytest.mark.parametrize("m", [-1, 0, 1, 2, 5, 12])
def test_windows(m):
    check(windows, m, atol=1e-15)   # NumPy's SIMD cos and libm's differ by an ulp near the zeros


def shapes(a):
    return np.shape(a), np.size(a), np.ndim(a), np.size(a, 0), np.shape(2.0), np.size(1), np.ndim(3)


@pytest.mark.parametrize("shape", [(3,), (2, 3), (0, 2, 1)])
def test_shape_functions(shape):
    check(shapes, np.zeros(shape))


def splits(a):
    # (NumPy gives lists, ember tuples: unpacked here, as code uses them)
    h0, h1 = np.hsplit(a, 2)
    v0, v1, v2 = np.vsplit(a, (1, 3))
    (d0,) = np.dsplit(a, 1)
    return h0, h1, v0, v1, v2, d0


def hsplit_3(a):
    x, y, z = np.hsplit(a, 3)
    return x, y, z


def test_splits():
    check(splits, np.arange(48.0).reshape(4, 4, 3))
    check(hsplit_3, np.arange(6))
    check(hsplit_3, np.arange(7))                       # ValueError: not an equal division
    with pytest.raises(errors.EmberError, match="at least 2 dimensions"):   # NumPy's ValueError, known when compiling
        jit(lambda a: np.vsplit(a, 2))(np.arange(6))


def resize(a, shape):
    return np.resize(a, shape)


@pytest.mark.parametrize("shape", [(2, 5), 7, (0,), 1, (3, 2, 2)])
def test_resize(shape):
    check(resize, np.arange(6).reshape(2, 3), shape)
    check(resize, np.zeros(0), shape)


def trims(a):
    return np.trim_zeros(a), np.trim_zeros(a, "f"), np.trim_zeros(a, trim="b")


@pytest.mark.parametrize("a", [np.array([0, 0, 1, 2, 0, 3, 0]), np.zeros(3), np.array([], dtype=np.int64),
                               np.array([1.0, 0.0])])
def test_trim_zeros(a):
    check(trims, a)


def extract(c, a):
    return np.extract(c, a)


def test_extract():
    a = np.arange(12.0).reshape(3, 4)
    check(extract, a > 4.5, a)
    check(extract, np.array([0, 2, 0, 1]), np.arange(4))
    check(extract, np.ones(5, dtype=np.bool_), np.arange(4))   # IndexError, as NumPy's take


# ---- take_along_axis ----------------------------------------------------------------------------

def take_sorted(a):
    return (np.take_along_axis(a, np.argsort(a, axis=0), axis=0), np.take_along_axis(a, np.argsort(a, axis=1), 1),
            np.take_along_axis(a, np.argsort(a, axis=-1), axis=-1))


def take_axis(a, i, axis):
    return np.take_along_axis(a, i, axis)


def take_max(a):
    return np.take_along_axis(a, np.expand_dims(np.argmax(a, axis=1), 1), 1)


def take_default_axis(a, i):
    return np.take_along_axis(a, i)


def take_flat(a, i):
    return np.take_along_axis(a, i, None)


def take_mid(a, i):
    return np.take_along_axis(a, i, axis=1)


def test_take_along_axis():
    b = sample("float64", (2, 4, 5), 3)   # a constant axis: one loop nest, the other axes broadcast
    check(take_mid, b, np.array([[[0, 1, 2, 3, 3]], [[-1, -4, 0, 1, 2]]]))
    check(take_mid, b[:1], np.array([[[0, 1, 2, 3, 3], [3, 2, 1, 0, -1]], [[1, 1, 1, 1, 1], [0, 0, 0, 0, 0]]]))
    check(take_mid, b, np.array([[[0], [2]]]))
    check(take_mid, b, np.array([[[0, 4, 0, 0, 0]]]))    # IndexError: NumPy's message
    check(take_mid, b, np.array([[[0, -5, 0, 0, 0]]]))
    a = sample("float64", (3, 4), 2)
    check(take_sorted, a)
    check(take_max, a)
    for axis in (0, 1, -2):
        check(take_axis, a, np.array([[0, 1, 2, 1], [2, 2, 0, -1]]), axis)
    check(take_default_axis, a, np.array([[0, -1], [1, 2], [3, 3]]))
    check(take_default_axis, a, np.array([[0], [1], [3]]))           # broadcasts
    check(take_default_axis, a, np.array([[0, 4], [1, 2], [3, 3]]))  # IndexError
    check(take_flat, a, np.array([0, 11, -2]))
    check(take_sorted, sample("int32", (2, 3, 2), 1))


def test_take_along_axis_errors():
    a = np.zeros((2, 3))
    check(take_default_axis, a, np.zeros((3, 3), dtype=np.int64))    # shapes do not broadcast
    check(take_axis, a, np.zeros((2, 3), dtype=np.int64), 2)         # AxisError


# ---- fill_diagonal ------------------------------------------------------------------------------

def fill_diag(a, v, wrap):
    b = a.copy()
    np.fill_diagonal(b, v, wrap=wrap)
    return b


@pytest.mark.parametrize("shape", [(3, 3), (5, 3), (3, 5), (7, 2), (0, 0), (3, 3, 3)])
@pytest.mark.parametrize("wrap", [False, True])
def test_fill_diagonal(shape, wrap):
    check(fill_diag, np.zeros(shape), 5.0, wrap)
    check(fill_diag, np.zeros(shape, dtype=np.int64), np.array([1.5, 2.5]), wrap)


def test_fill_diagonal_unequal():
    check(fill_diag, np.zeros((2, 2, 3)), 1.0, False)   # ValueError


# ---- gradient, unwrap, nancumsum ----------------------------------------------------------------

def grad(f):
    return np.gradient(f), np.gradient(f, 0.5), np.gradient(f, edge_order=2)


def grad_coords(f, x):
    return np.gradient(f, x), np.gradient(f, x, edge_order=2)


def grad_2d(f):
    return np.gradient(f), np.gradient(f, 2.0), np.gradient(f, 1.0, 3.0, edge_order=2)


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64"])
def test_gradient(dtype):
    f = (np.arange(9.0) ** 2 - 3).astype(dtype)
    check(grad, f)
    check(grad_coords, f, np.array([0.0, 1.0, 1.5, 3.5, 4.0, 7.0, 7.5, 8.0, 10.0]))
    check(grad_coords, f, np.arange(9.0) * 0.25)     # evenly spaced: NumPy's uniform formula
    check(grad_2d, (np.arange(20.0).reshape(4, 5) ** 1.5).astype(dtype))
    check(grad, f[:2])                               # ValueError: too small for edge_order=2


def unwraps(p):
    return np.unwrap(p), np.unwrap(p, discont=4.0), np.unwrap(p, period=4.0)


@pytest.mark.parametrize("p", [np.linspace(0, 20, 17) % 6.0, np.array([0.0, 3.1416, 6.3, -4.0, 12.0]),
                               np.array([1.0]), np.arange(10) * 3])
def test_unwrap(p):
    check(unwraps, p)


def nancums(a):
    return np.nancumsum(a), np.nancumprod(a), np.nancumsum(a, axis=0), np.nancumprod(a, axis=-1)


@pytest.mark.parametrize("dtype", ["float64", "int64", "float32"])
def test_nancumsum(dtype):
    a = np.array([[1.0, nan, 2.0], [nan, nan, 3.0]]) if dtype != "int64" else np.arange(6).reshape(2, 3)
    check(nancums, a.astype(dtype))


# ---- predicates, sinc, geomspace, inner, cond ---------------------------------------------------

def predicates(a, z):
    return (np.iscomplexobj(a), np.iscomplexobj(z), np.isrealobj(a), np.isrealobj(1j), np.isneginf(a),
            np.isposinf(a), np.isneginf(-inf), np.isposinf(2.0))


def test_predicates():
    check(predicates, np.array([1.0, -inf, inf, nan, -0.0]), np.zeros(2, dtype=np.complex128))


def element_predicates(a, z):
    return (np.isreal(a), np.isreal(z), np.iscomplex(a), np.iscomplex(z), np.isreal(z[1]), np.iscomplex(z[1]),
            np.iscomplex(a[0]), np.isscalar(a), np.isscalar(a[0]), np.isscalar(z[0]))


def chkfinite(a):
    return np.asarray_chkfinite(a)


def test_element_predicates_and_chkfinite():
    check(element_predicates, np.array([1.0, nan, -0.0]), np.array([1 + 0j, 2 - 1j, -0.0 + 0j]))
    check(chkfinite, np.array([1.0, 2.0]))
    check(chkfinite, np.array([1.0, inf]))   # ValueError
    check(chkfinite, np.array([[1 + 1j, nan]]))


def sinc(x):
    return np.sinc(x), np.sinc(x[0]), np.sinc(0.0)


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "complex128", "complex64"])
def test_sinc(dtype):
    check(sinc, np.array([0, 1, -2, 3]).astype(dtype) / (2 if dtype != "int64" else 1))
    if dtype.startswith("complex"):
        check(sinc, np.array([0.5 + 1j, -1j, 0j, complex(nan, 1), 2 - 0.25j], dtype=dtype))


def geom(start, stop, num, endpoint):
    return np.geomspace(start, stop, num, endpoint)


@pytest.mark.parametrize("start,stop", [(1.0, 1000.0), (-1.0, -1000.0), (2, 3), (1000.0, 1.0), (0.0, 3.0)])
@pytest.mark.parametrize("num,endpoint", [(5, True), (4, False), (1, True), (0, True)])
def test_geomspace(start, stop, num, endpoint):
    check(geom, start, stop, num, endpoint)


def inner(a, b):
    return np.inner(a, b)


def test_inner():
    check(inner, np.arange(3.0), np.arange(3.0) + 1)
    check(inner, np.arange(6.0).reshape(2, 3), np.arange(3.0))
    check(inner, np.arange(6.0).reshape(2, 3), np.arange(12.0).reshape(2, 2, 3))
    check(inner, np.arange(6.0).reshape(2, 3), np.arange(4.0).reshape(2, 2))   # ValueError
    check(inner, 2.0, 3.0)


def cond(a):
    return np.linalg.cond(a)


def test_cond():
    check(cond, np.array([[1.0, 2.0], [3.0, 4.0]]), rtol=1e-10)
    check(cond, np.array([[1.0, 2.0], [2.0, 4.0]]))    # singular: inf (or NumPy's huge value)
    check(cond, np.arange(6.0).reshape(2, 3) + 1, rtol=1e-10)


# ---- np.diff with axis=, prepend=, append= -----------------------------------------------------

def diffs(a):
    return (np.diff(a, axis=0), np.diff(a, 2, 1), np.diff(a, n=1, axis=-1), np.diff(a, prepend=0.5),
            np.diff(a, axis=1, append=a[:, :1]), np.diff(a, 1, 0, 1, 2), np.diff(a, n=0, axis=1))


@pytest.mark.parametrize("dtype", ["float64", "int8", "complex128"])
def test_diff_axis(dtype):
    check(diffs, (np.arange(24.0).reshape(2, 3, 4) ** 2).astype(dtype))
    check(diffs, np.zeros((1, 0, 2), dtype=dtype))


def diff_axis(a, axis):
    return np.diff(a, axis=axis)


def test_diff_axis_errors():
    check(diff_axis, np.zeros((2, 3)), 2)    # AxisError
    check(diff_axis, np.zeros((2, 3)), -3)


# ---- tensordot, broadcast_shapes, broadcast_arrays ---------------------------------------------

def tensordots(a, b):
    return np.tensordot(a, b), np.tensordot(a, b.T, axes=1), np.tensordot(a, b, 0), np.tensordot(b, b, axes=2)


@pytest.mark.parametrize("dtype", ["float64", "int64", "complex128"])
def test_tensordot(dtype):
    check(tensordots, np.arange(24).reshape(2, 3, 4).astype(dtype), np.arange(12).reshape(3, 4).astype(dtype),
          rtol=1e-12)
    check(tensordots, np.zeros((2, 0, 4), dtype=dtype), np.zeros((0, 4), dtype=dtype))


def tensordot_mismatch(a, b):
    return np.tensordot(a, b, axes=1)


def test_tensordot_errors():
    check(tensordot_mismatch, np.zeros((2, 3)), np.zeros((4, 2)))   # ValueError: shape-mismatch for sum

    def runtime_axes(a, b, n):
        return np.tensordot(a, b, axes=n)
    with pytest.raises(errors.EmberError, match="axes other than a constant int"):
        jit(runtime_axes)(np.zeros((2, 3)), np.zeros((3, 2)), 1)


def broadcasts(a, b):
    s = np.broadcast_shapes(a.shape, b.shape, (1, 1))
    x, y, z = np.broadcast_arrays(a, b, b[0])
    return s, np.broadcast_shapes(5, (1,)), x, y, z


def test_broadcasts():
    check(broadcasts, np.arange(3.0).reshape(3, 1), np.arange(8).reshape(2, 4))   # ValueError
    check(broadcasts, np.arange(3.0).reshape(3, 1), np.arange(4).reshape(1, 4))
    check(broadcasts, np.arange(3.0).reshape(3, 1), np.zeros((2, 0), dtype=np.int8))


# ---- order= on ravel/flatten/copy/reshape, astype(copy=) ---------------------------------------

def orders(a):
    return (a.ravel(order="F"), a.ravel("C"), np.ravel(a, "F"), a.flatten("F"), a.ravel("A"), a.ravel("K"),
            a.copy(order="F"), np.copy(a, order="F"), a.copy("C"), a.flatten(order="A"))


def reshapes(a):
    return (a.reshape((4, 6), order="F"), a.reshape(4, -1, order="F"), np.reshape(a, (6, 4), order="F"),
            np.reshape(a, 24, "F"), a.reshape(3, 8, order="C"), np.reshape(a, shape=(2, 12), order="F"))


def astypes(a):
    return a.astype(a.dtype, copy=False), a.astype(np.int32, copy=False), a.astype("float32", order="F"), a.astype("i8")


@pytest.mark.parametrize("view", ["c", "f", "strided"])
def test_orders(view):
    base = np.arange(48.0).reshape(4, 3, 4)
    a = {"c": base[:2], "f": np.asfortranarray(base[:2]), "strided": base[::2]}[view]
    if view != "strided":
        check(orders, a)
    check(reshapes, a)
    check(astypes, a)


def test_astype_copy_false_is_the_array():
    a = np.arange(4.0)
    assert jit(astypes)(a)[0] is a


def test_order_errors_are_located():
    def runtime_order(a, o):
        return a.ravel(order=o)
    with pytest.raises(errors.EmberError, match="an order other than a constant"):
        jit(runtime_order)(np.zeros(3), "F")

    def strided_k(a):
        return a.ravel("K")
    with pytest.raises(errors.EmberError, match="order='K' of a strided view"):
        jit(strided_k)(np.zeros((4, 4))[::2])


# ---- dtype attributes ----------------------------------------------------------------------------

def dtype_attrs(a):
    d = a.dtype
    return d.itemsize, d.name, d.kind, d.char, d.str, d.alignment, np.zeros(2, dtype=d.name)


@pytest.mark.parametrize("dtype", ["float32", "int8", "uint64", "complex128", "bool"])
def test_dtype_attributes(dtype):
    check(dtype_attrs, np.zeros(3, dtype=dtype))


def dtype_type(a):
    z = a.dtype.type(0)
    return z, a.dtype.type(1) + z, np.zeros(2, a.dtype.type)


@pytest.mark.parametrize("dtype", ["float32", "int32", "float64", "complex128"])
def test_dtype_type_makes_scalars(dtype):
    check(dtype_type, np.ones(2, dtype=dtype))


# ---- put, putmask, place -----------------------------------------------------------------------

def puts(a, ind, v):
    b = a.copy()
    np.put(b, ind, v)
    c = a.copy()
    np.put(c, ind, v, mode="wrap")
    d = a.copy()
    np.put(d, ind, v, mode="clip")
    return b, c, d


@pytest.mark.parametrize("ind", [np.array([0, 5, -1]), 3, np.array([], dtype=np.int64), np.array([2, 40])])
def test_put(ind):
    check(puts, np.arange(12.0).reshape(3, 4), ind, np.array([-1.0, -2.0]))
    check(puts, np.arange(12.0).reshape(3, 4).T, ind, 7.5)


def putmask_place(a, m, v):
    b = a.copy()
    np.putmask(b, m, v)
    c = a.copy()
    np.place(c, m, v)
    return b, c


def test_putmask_place():
    a = np.arange(12.0).reshape(3, 4)
    check(putmask_place, a, a > 4.5, np.array([-1.0, -2.0, -3.0]))
    check(putmask_place, a, (a % 3 == 0).T.copy().T, np.array([9.0]))
    check(putmask_place, a, a > 100, np.array([1.0]))
    check(putmask_place, np.arange(6), np.arange(6) % 2 == 1, np.array([10, 20]))


# ---- polynomials, diagflat, lexsort, histogram_bin_edges ----------------------------------------

def polys(p, x):
    return np.polyder(p), np.polyder(p, 2), np.polyder(p, m=5), np.polyint(p), np.polyint(p, 2, 1.5), np.poly(x)


@pytest.mark.parametrize("dtype", ["float64", "int64"])
def test_polynomials(dtype):
    check(polys, np.array([3, -2, 0, 5]).astype(dtype), np.array([1.0, -2.0, 0.5]))


def poly_of(x):
    return np.poly(x)


def test_poly_dtypes_tuples_and_no_roots():
    check(poly_of, np.array([1, 2], dtype=np.float32))   # NumPy computes in float32
    check(poly_of, np.array([1, 2], dtype=np.int8))
    check(poly_of, (1.0, 2, True))
    check(poly_of, ())   # NumPy's scalar 1.0
    check(lambda: np.poly([]))
    with pytest.raises(ValueError, match="no roots"):   # (NumPy: 1.0, which this array-typed call cannot return)
        jit(poly_of)(np.zeros(0))


def polyfit(x, y, deg):
    return np.polyfit(x, y, deg)


def test_polyfit():
    x = np.linspace(-1, 2, 9)
    check(polyfit, x, 3 * x ** 2 - x + 0.25, 2, rtol=1e-9, atol=1e-12)
    check(polyfit, x, np.sin(x), 4, rtol=1e-9, atol=1e-12)
    check(polyfit, x, np.stack((x, x ** 3), axis=1), 3, rtol=1e-9, atol=1e-12)
    check(polyfit, x, x, -1)                               # ValueError


def diagflats(v):
    return np.diagflat(v), np.diagflat(v, 2), np.diagflat(v, k=-1)


def test_diagflat():
    check(diagflats, np.arange(1, 5).reshape(2, 2))
    check(diagflats, np.zeros(0))


def lexsorts(a, b):
    return np.lexsort((a, b)), np.lexsort((b, a, b)), np.lexsort(np.stack((a, b)))


def test_lexsort():
    check(lexsorts, np.array([1, 5, 1, 4, 3, 4, 4]), np.array([9, 4, 0, 4, 0, 2, 1]))
    check(lexsorts, np.array([1.5, np.nan, 1.5, -0.0]), np.array([0.0, 0.0, -1.0, 0.0]))


def bin_edges(a):
    return np.histogram_bin_edges(a), np.histogram_bin_edges(a, 4), np.histogram_bin_edges(a, bins=3, range=(0.0, 2.0))


def test_histogram_bin_edges():
    check(bin_edges, np.array([0.5, 1.5, 3.25, -1.0]))
    check(bin_edges, np.array([2, 2, 2]))


# ---- np.pad's other modes ------------------------------------------------------------------------

def pads(a):
    return (np.pad(a, 2, mode="reflect"), np.pad(a, (1, 5), "symmetric"), np.pad(a, ((1, 0), (7, 2)), mode="reflect"),
            np.pad(a, 1, "maximum"), np.pad(a, 2, "mean"), np.pad(a, 3, mode="median"), np.pad(a, (2, 3), mode="minimum"),
            np.pad(a, (2, 3), mode="linear_ramp"), np.pad(a, ((2,), (1,)), mode="linear_ramp", end_values=5))


@pytest.mark.parametrize("dtype", ["float64", "int64", "float32"])
def test_pad_modes(dtype):
    a = (np.arange(12.0).reshape(3, 4) ** 1.5).astype(dtype)
    check(pads, a)
    check(pads, a[::-1, 1:])
    check(pads, a[:1, :1].copy())
    check(pads, a[0])


def pad_empty_axis(a):
    return np.pad(a, 1, mode="reflect")


def test_pad_mode_errors():
    check(pad_empty_axis, np.zeros((0, 3)))     # ValueError: can't extend an empty axis

    def negative(a):
        return np.pad(a, -1, mode="symmetric")
    check(negative, np.zeros(3))                # ValueError

    def empty_mode(a):
        return np.pad(a, 2, mode="empty")
    check(empty_mode, np.zeros((2, 2)), shape_only=True)


# ---- ~ of NumPy bools ---------------------------------------------------------------------------

def inverts(x, a):
    return ~np.isnan(x), ~(x > 1.0), ~True, ~np.isinf(a[0]), ~(a[1] > 0), (~np.signbit(a[2])) & True


def count_not_nan(a):
    s = 0
    for i in range(a.size):
        if ~np.isnan(a[i]):
            s += 1
    return s


def test_invert_of_bools():
    # every bool inverts logically, NumPy's and Python's alike (x > 1.0 of a float argument), as in
    # Numba: CPython's ~(x > 1.0) is -1 or -2. (~True is the constant -2 in the bytecode.)
    f = jit(inverts)
    assert f(2.0, np.array([np.inf, -1.0, -0.0])) == (True, False, -2, False, True, False)
    assert f(np.nan, np.array([1.0, 1.0, 0.0])) == (False, True, -2, True, False, True)
    check(count_not_nan, np.array([1.0, np.nan, 2.0, np.nan]))


# ---- lists as indices, np.array of a list of arrays ----------------------------------------------

def list_indices(a):
    l = [0, 2]
    b = a.copy()
    b[[1, 2]] = -1.0
    b[l, 1] = 7.0
    return a[[0, 2]], a[[0, 2], 1], a[l], a[:, [1, 3]], b, a[0][[True, False, True, False]], a[[-1]]


def test_list_indices():
    check(list_indices, np.arange(12.0).reshape(3, 4))
    check(lambda a: a[[0, 5]], np.arange(4.0))   # IndexError


def array_of_arrays(a):
    return np.array([a[0], a[1] * 2]), np.array((a, a)), np.array([a[0], a[1].astype(np.int32)]), np.asarray([a[0], a[2]])


def test_array_of_arrays():
    check(array_of_arrays, np.arange(12.0).reshape(3, 4))
    check(lambda a: np.array([a[0], a[1, :2]]), np.arange(12.0).reshape(3, 4))   # ValueError


# ---- np.unique's extras -------------------------------------------------------------------------

def uniques(a):
    return (np.unique(a, return_counts=True), np.unique(a, return_index=True, return_inverse=True, return_counts=True),
            np.unique(a, return_inverse=True), np.unique(a, equal_nan=False, return_counts=True))


@pytest.mark.parametrize("a", [np.array([[3.0, 1.0], [nan, nan]]), np.array([2, 1, 2, 5, 1]), np.zeros(0),
                               np.array([nan, 1.0, nan]), np.array([True, False, True])])
def test_unique_extras(a):
    check(uniques, a)


# ---- a.tolist() ---------------------------------------------------------------------------------

def tolist_grown(a):
    rows = a.tolist()
    rows.append(rows[0])
    return rows, len(rows)


@pytest.mark.parametrize("a", [np.arange(5.0), np.arange(6).reshape(2, 3), np.zeros((2, 0, 3)), np.array([True, False]),
                               np.arange(8, dtype=np.float32).reshape(2, 2, 2)[:, ::-1], np.array([1 + 2j, -0.5j]),
                               np.arange(24, dtype=np.uint8).reshape(2, 3, 4).T, np.array([nan, -0.0, inf])])
def test_tolist(a):
    check(lambda a: a.tolist(), a)
    r = jit(lambda a: a.tolist())(a)
    flat = r
    while isinstance(flat, list) and flat and isinstance(flat[0], list):
        flat = flat[0]
    if flat:
        assert type(flat[0]) is type(a.ravel()[0].item())   # Python scalars, as NumPy's
    check(tolist_grown, a)


# ---- np.pad's stat_length= and reflect_type='odd' -----------------------------------------------

def pad_extras(a):
    return (np.pad(a, (5, 7), "reflect", reflect_type="odd"), np.pad(a, (5, 7), "symmetric", reflect_type="odd"),
            np.pad(a, 3, "maximum", stat_length=2), np.pad(a, ((1, 2), (3, 1)), "median", stat_length=((1, 2), (3, 9))),
            np.pad(a, (2, 3), "mean", stat_length=(1, 2)))


@pytest.mark.parametrize("dtype", ["float64", "int8", "float32"])
def test_pad_stat_length_and_odd_reflection(dtype):
    # (each form compiles a function of its own: a few layouts, the rest of the dtypes in test_pad_modes)
    a = (np.arange(12.0).reshape(3, 4) ** 1.5).astype(dtype)
    check(pad_extras, a)
    if dtype == "float64":
        check(pad_extras, a[::-1, 1:])     # a strided view
        check(pad_extras, a[:1, :2].copy())   # one row: edges for reflect


def pad_stat_zero(a, n):
    return np.pad(a, 1, "maximum", stat_length=n)


def pad_odd_wrong_mode(a):
    return np.pad(a, 1, "edge", reflect_type="odd")


def pad_stat_wrong_mode(a):
    return np.pad(a, 1, "reflect", stat_length=2)


def test_pad_extras_errors():
    check(pad_stat_zero, np.arange(3.0), 0)    # ValueError: stat_length of 0
    check(pad_stat_zero, np.arange(3.0), -1)   # ValueError: negative
    check(pad_stat_wrong_mode, np.arange(3.0))   # ValueError: unsupported keyword for the mode
    with pytest.raises(errors.EmberError, match=r"(?s)reflect_type.*pad_odd_wrong_mode"):
        jit(pad_odd_wrong_mode)(np.arange(3.0))   # (typed in C: edge takes no reflect_type)


# ---- np.i0 and np.kaiser ------------------------------------------------------------------------

def i0s(a, x):
    return np.i0(a), float(np.i0(x))   # (NumPy's i0 of a number is a 0-d array; ember's a float)


@pytest.mark.parametrize("dtype", ["float64", "int32", "bool", "float32"])
def test_i0(dtype):
    a = np.array([0.0, 0.5, -3.0, 7.9, 8.0, 8.1, 20.0, 700.0, nan, inf]).astype(dtype) if dtype != "bool" else \
        np.array([True, False])
    # (the loop over the array vectorises, its exp is libmvec's: docs/differences.md, at most 4 ulp)
    rtol = 1e-6 if dtype == "float32" else 1e-15
    check(i0s, a, 2.5, rtol=rtol, atol=0.0)
    check(i0s, a[::2].reshape(-1, 1)[::-1], -9.0, rtol=rtol, atol=0.0)


def i0_complex(a):
    return np.i0(a)


def test_i0_complex_raises_type_error():
    check(i0_complex, np.ones(2, dtype=np.complex128))


def kaisers(m, beta):
    return np.kaiser(m, beta)


@pytest.mark.parametrize("m, beta", [(0, 3.0), (1, 3.0), (2, 5.0), (12, 14.0), (5, 0), (7, 8.6), (-3, 1.0), (6.0, 2.0)])
def test_kaiser(m, beta):
    check(kaisers, m, beta, rtol=0.0, atol=0.0)


# ---- np.histogram2d -----------------------------------------------------------------------------

def histograms2d(x, y, w):
    return (np.histogram2d(x, y), np.histogram2d(x, y, bins=4, density=True),
            np.histogram2d(x, y, (3, 5), range=((0, 1), (-1, 2)), weights=w),
            np.histogram2d(x, y, bins=np.array([0.0, 0.2, 0.5, 1.0])),
            np.histogram2d(x, y, bins=(np.array([0.0, 0.2, 0.5, 1.0]), 6), density=True, weights=w))


def test_histogram2d():
    rng = np.random.default_rng(0)
    x, y = rng.random(200), rng.random(200) * 3 - 1
    x[:3] = [0.0, 1.0, 0.5]   # on the edges: the last one falls in the last bin
    check(histograms2d, x, y, x * 2)
    check(histograms2d, x[::3], y[::3], np.arange(67))   # strided, integer weights
    check(histograms2d, np.arange(6), np.array([2.0, 2.0, 2.0, 2.0, 2.0, 2.0]), np.ones(6))   # ints; one value
    check(lambda x, y: np.histogram2d(x, y, 2), np.zeros(0), np.zeros(0))


def hist2d_edges(x, y, e):
    return np.histogram2d(x, y, bins=e)


def hist2d_range(x, y, lo):
    return np.histogram2d(x, y, bins=3, range=((lo, 1.0), (0.0, 1.0)))


def test_histogram2d_errors():
    x = np.array([0.1, 0.5, 0.9])
    check(hist2d_edges, x, np.zeros(2), np.array([0.0, 0.5, 1.0]))        # ValueError: lengths differ
    check(hist2d_edges, x, x, np.array([0.0, 0.6, 0.5, 1.0]))             # ValueError: not increasing
    check(hist2d_range, x, x, 2.0)                                        # ValueError: min > max
    check(hist2d_range, x, x, -inf)                                       # ValueError: not finite
    check(lambda x, y: np.histogram2d(x, y, 0), x, x)                    # ValueError: bins < 1
    check(lambda x, y: np.histogram2d(x, y), np.array([nan]), np.zeros(1))   # ValueError: autodetected range
    check(lambda x, y, w: np.histogram2d(x, y, weights=w), x, x, np.ones(2))   # ValueError: weights


# ---- np.block -----------------------------------------------------------------------------------

def blocks(a, b, v):
    return (np.block([a, b]), np.block([[a, b], [b, a]]), np.block([[[a], [b]], [[b], [a]]]),
            np.block([[a, np.zeros((2, 1))], [v[None, :], v[:1][None, :]]]), np.block([v, 1.0, v]),
            np.block([[1, 2], [3, 4]]), np.block([[a.astype(np.int32), b]]))


def block_of_lists(rows):
    return np.block(rows)


def same_block(rows):
    try:
        want = block_of_lists(rows)
    except ValueError:
        with pytest.raises(ValueError):
            jit(block_of_lists)(rows)
        return
    got = jit(block_of_lists)(rows)
    assert got.dtype == want.dtype and np.array_equal(got, want)


def test_block():
    a = np.arange(4.0).reshape(2, 2)
    b = -np.ones((2, 2))
    check(blocks, a, b, np.arange(2.0))
    check(blocks, np.asfortranarray(a), b[:, ::-1], np.arange(4.0)[::2])
    same_block([[a, b], [b, a]])   # a list value: its lengths known at run time
    same_block([[np.ones(2)], [np.ones(3)]])   # ValueError: sizes differ
    same_block([np.ones(0), np.ones(3)])
    same_block([[a], []])   # ValueError: an empty list


def block_mismatched(a):
    return np.block([a, [a]])


def test_block_errors():
    check(block_mismatched, np.ones(2))   # ValueError: depths differ
    check(lambda a, b: np.block([[a], [b]]), np.ones(2), np.ones(3))   # ValueError: sizes differ


# ---- np.nditer ----------------------------------------------------------------------------------

def nditer_values(a):
    out = np.empty(a.size, dtype=a.dtype)
    k = 0
    for x in np.nditer(a):   # NumPy's order 'K': memory order, negative strides reversed
        out[k] = x
        k += 1
    return out


def nditer_sum(a):
    t = 0.0
    for x in np.nditer(a):
        t = t * 0.5 + x
    return t


def test_nditer():
    a = np.arange(24.0).reshape(2, 3, 4)
    for v in (a, np.asfortranarray(a), a.transpose(1, 0, 2)[:, ::-1], a[:, ::2, ::-3], a[0].T, a[0, 0, ::-1],
              np.ones((3, 1)).T, np.arange(6, dtype=np.int16).reshape(2, 3)[::-1],
              np.broadcast_to(np.arange(3.0), (4, 3)), np.broadcast_to(np.arange(4.0)[:, None], (4, 3)).T):
        check(nditer_values, v)
        check(nditer_sum, v)
    check(nditer_values, np.zeros((0, 3)))   # ValueError: zero-sized operands


def nditer_pairs(a, b):
    out = []
    for x, y in np.nditer((a, b)):   # broadcast together, in the order 'K' of both
        out.append((float(x), float(y)))
    return out


def nditer_three(a, b, c):
    t = 0.0
    for x, y, z in np.nditer((a, b, c)):
        t = t * 0.5 + x * y - z
    return t


def test_nditer_of_several_operands():
    m = np.arange(12.0).reshape(3, 4)
    for a, b in ((m, np.arange(4.0)), (m.T, np.arange(3.0)), (np.asfortranarray(m), np.asfortranarray(m)),
                 (m, np.asfortranarray(m)), (m[::-1], m[::-1]), (m[::-1], m), (np.arange(4.0), m),
                 (m, 2.5), (m.T, m.T), (m[:, ::-2], np.arange(2, dtype=np.int32)), (m[:, :1], m[:1, :].T)):
        check(nditer_pairs, a, b)
    a = np.arange(24.0).reshape(2, 3, 4)
    check(nditer_three, a, np.arange(4.0), np.arange(3.0)[:, None])
    check(nditer_three, a.transpose(2, 0, 1), a.transpose(2, 0, 1)[::-1], 1.5)
    check(nditer_pairs, np.zeros((2, 3)), np.ones(4))   # ValueError: shapes that do not broadcast


def nditer_items(a):
    t = 0.0
    n = 0
    for x in np.nditer(a):   # NumPy gives 0-d arrays: .item(), .ndim, .size, .shape work on them
        t += x.item()
        n += x.ndim * 10 + x.size + len(x.shape)
    return t, n


def element_items(a, z):
    return a[1, 2].item(), a[0, 0].ndim, a[0, 1].size, a[1, 1].shape, z[0].item(), z[1].real.item()


@pytest.mark.parametrize("dtype", [np.float64, np.int32, np.uint8, np.bool_, np.float32])
def test_scalar_items_and_attributes(dtype):
    """A NumPy scalar's .item() (the Python scalar), .ndim (0), .size (1) and .shape (()), as
    numba gives them (ember's scalars are its Python ones)."""
    a = (np.arange(6) % 4).astype(dtype).reshape(2, 3)
    check(nditer_items, a)
    check(element_items, a, np.array([1.5 - 2j, -0.5j]))
