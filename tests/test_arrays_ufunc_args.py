"""Ufunc arguments as NumPy takes them, compiled vs NumPy: out= (positional and keyword,
in place, overlapping the inputs, another dtype, broadcast inputs, non-contiguous), where=
with out=; the errors NumPy raises (casting, non-broadcastable output) as located TypingErrors
or the same run-time exception."""

import numpy as np
import pytest

from difftest import check, check_all, errors, jit, layouts, no_leaks, numba_leaks, numba_skip, sample  # noqa: F401

RAISE_LEAKS = "numba does not free the arrays live where compiled code raises"


def in_place(z):
    np.multiply(z, z, z)
    np.add(z, 1, out=z)
    np.negative(z, z)
    return z


def shifted(a, b):
    np.add(a[:-1], b[:-1], out=a[1:])      # overlapping: NumPy reads a as it was
    np.subtract(a[1:], a[:-1], out=a[:-1])
    return a


def out_dtypes(a, o):
    r = np.add(a, a, out=o)
    np.sqrt(a, out=o)
    return r, o, np.less(a, 1, out=np.zeros(a.shape)), np.maximum(a, 2, o)


def broadcast_in(a, row, o):
    np.multiply(a, row, out=o)
    np.add(2, 3, out=row)
    return o, row


def with_where(a, o, m):
    np.sqrt(a, out=o, where=m)
    np.add(a, 10, o, where=~m)
    np.multiply(a, 0, out=o, where=False)
    return o


def fused_into_out(a, b, o):
    r = np.add(a * 2 + b, np.sin(b), out=o) * 3    # a fused expression into out=, then used
    return r, o


@pytest.mark.parametrize("dtype", ["float64", "int64", "int8", "uint16"])
def test_in_place(dtype):
    z = sample(dtype, (3, 4), seed=1) % 7
    check_all(in_place, [(v,) for _, v in layouts(z)] + [(np.zeros(0, dtype),), (np.ones(1, dtype),)])


def test_overlapping_out():
    check_all(shifted, [(np.arange(6.0), np.ones(6)), (np.arange(8.0)[::2], np.arange(4.0))])


def test_out_dtypes():
    check_all(out_dtypes, [(np.arange(4, dtype=np.int8), np.zeros(4)), (np.arange(4.0), np.zeros(4, np.float32)),
                           (np.arange(6.0).reshape(2, 3), np.zeros((2, 3)).T.copy().T)])


@numba_leaks(RAISE_LEAKS)
def test_broadcast_into_out():
    check_all(broadcast_in, [(np.ones((2, 3)), np.arange(3.0), np.zeros((2, 3))),
                             (np.ones((2, 3)), np.arange(3.0), np.zeros((4, 2, 3))),
                             (np.ones((2, 3)), np.arange(3.0), np.zeros((3, 3)))])   # ValueError


def test_where():
    a = np.arange(6.0)
    m = np.array([True, False, True, True, False, False])
    check_all(with_where, [(a, np.full(6, -1.0), m), (a.reshape(2, 3), np.zeros((2, 3)), m[:3]),
                           (a[::2], np.zeros(3), m[::2])])


def test_fused_operand_into_out():
    check(fused_into_out, np.arange(4.0), np.ones(4), np.zeros(4))


def scalar_int8_wraps(a, o):
    return np.add(a, a, out=o)


def test_computes_in_the_ufunc_dtype():
    """int8 + int8 wraps in int8 before the conversion to out's float64, as in NumPy."""
    check(scalar_int8_wraps, np.array([100, -100, 5], np.int8), np.zeros(3))


def bad_cast(a):
    return np.add(a, 1.5, out=np.zeros((2, 3), np.int64))


def bad_ndim(a):
    return np.add(a, 1.0, out=np.zeros(3))


def bad_where(a):
    return np.add(a, 1.0, out=a, where=a)


@numba_skip("ember's own diagnostics")
@pytest.mark.parametrize("fn, msg", [
    (bad_cast, "Cannot cast ufunc 'add' output from float64 to int64"),
    (bad_ndim, "non-broadcastable output"),
    (bad_where, "where= must be a bool"),
])
def test_located_errors(fn, msg):
    from ember.errors import TypingError
    with pytest.raises(TypingError, match=msg) as e:
        jit(fn)(np.ones((2, 3)))
    assert f"in {fn.__name__}" in str(e.value) and "^" in str(e.value)


def test_numpy_agrees_on_the_errors():
    for fn, exc in [(bad_cast, TypeError), (bad_ndim, ValueError), (bad_where, TypeError)]:
        with pytest.raises(exc):
            fn(np.ones((2, 3)))


def parallel_out(a, o):
    np.multiply(a, 2.0, out=o)
    np.add(o, a, o, where=a > 3)
    return o


def test_parallel_out():
    a = np.arange(40000.0)
    check(parallel_out, a, np.zeros_like(a), jit_opts={"parallel": True})


# ---- the ufuncs by name added with out= ---------------------------------------------------------

def unary_new(a):
    return np.fabs(a), np.degrees(a), np.radians(a), np.spacing(a), np.fix(a), np.reciprocal(a)


def binary_new(a, b):
    return (np.fmod(a, b), np.heaviside(a, b), np.logaddexp(a, b), np.logaddexp2(a, b), np.float_power(a, b),
            np.ldexp(a, 3))


def integer_new(a, b):
    return np.gcd(a, b), np.lcm(a, b), np.fmod(a, b), np.reciprocal(a), np.fix(a)


def scalars_new(x, y, k):
    return (np.fabs(x), np.degrees(x), np.radians(y), np.spacing(x), np.fix(x), np.reciprocal(y), np.fmod(x, y),
            np.heaviside(x, y), np.logaddexp(x, y), np.logaddexp2(x, y), np.float_power(x, y), np.ldexp(x, k),
            np.gcd(k, 6), np.lcm(k, 4), np.fmod(k, 3))


@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_new_float_ufuncs(dtype):
    a = np.array([-2.5, -1.0, -0.0, 0.0, 0.5, 3.0, np.inf, -np.inf, np.nan], dtype)
    b = np.array([1.5, -1.0, 2.0, 0.5, 0.5, -4.0, np.inf, 1.0, 2.0], dtype)
    with np.errstate(all="ignore"):
        check(unary_new, a, rtol=1e-6)
        check(binary_new, a, b, rtol=1e-6)
        check(unary_new, a[::2], rtol=1e-6)
        check(binary_new, a.reshape(3, 3).T, b[:3], rtol=1e-6)


@pytest.mark.parametrize("dtype", ["int64", "int8", "uint8", "int32"])
def test_new_integer_ufuncs(dtype):
    a = np.array([12, 7, 0, 5, 9, 100], dtype)
    b = np.array([8, 3, 4, 0, 6, 7], dtype)
    with np.errstate(all="ignore"):
        check(integer_new, a, b)
        check(integer_new, -a if dtype[0] == "i" else a, b)


def test_new_ufuncs_on_scalars():
    with np.errstate(all="ignore"):
        check_all(scalars_new, [(2.5, -1.5, 3), (-0.0, 0.0, -4), (np.inf, 2.0, 0), (7.0, 7.0, 12)])


def bad_gcd(a):
    return np.gcd(a, 2)


def bad_ldexp(a):
    return np.ldexp(a, 1.5)


@numba_skip("ember's own diagnostics")
@pytest.mark.parametrize("fn, msg", [(bad_gcd, "integers and booleans only"), (bad_ldexp, "integer exponents")])
def test_new_ufunc_errors(fn, msg):
    from ember.errors import TypingError
    with pytest.raises(TypingError, match=msg):
        jit(fn)(np.ones(3))
    with pytest.raises(TypeError):
        fn(np.ones(3))


# ---- ufunc methods: reduce, accumulate, outer, at -----------------------------------------------

def reduces(a):
    return (np.add.reduce(a), np.add.reduce(a, axis=1), np.multiply.reduce(a, 0), np.maximum.reduce(a, axis=None),
            np.minimum.reduce(a, axis=(0, 1)), np.subtract.reduce(a, axis=-1), np.add.reduce(a, 1, None, None, True),
            np.logical_and.reduce(a, axis=0), np.logical_or.reduce(a, 1), np.logical_xor.reduce(a, 0))


def int_reduces(a):
    return (np.bitwise_and.reduce(a), np.bitwise_or.reduce(a, axis=1), np.bitwise_xor.reduce(a, 0),
            np.bitwise_and.reduce(a, axis=(1, 0)), np.maximum.reduce(a, axis=(0, 1), keepdims=True),
            np.add.reduce(a, dtype=np.int8), np.bitwise_xor.reduce(a, axis=(0, 1)))


def accumulates(a):
    return (np.add.accumulate(a), np.multiply.accumulate(a, axis=1), np.maximum.accumulate(a, 1),
            np.minimum.accumulate(a), np.subtract.accumulate(a, axis=-1), np.add.accumulate(a, 1, np.float64))


def divides(a):
    return np.divide.reduce(a, axis=0), np.true_divide.accumulate(a, 1)


def outers(a, b):
    return np.add.outer(a, b), np.multiply.outer(b, a), np.maximum.outer(a[:1], 2), np.subtract.outer(3, b), np.less.outer(b, b)


def at_ops(a, i, b):
    c = a.copy()
    np.add.at(c, i, 1)
    np.multiply.at(c, i, b)
    np.maximum.at(c, 0, 5)
    np.negative.at(c, i)
    return c


@pytest.mark.parametrize("dtype", ["float64", "int64", "int8", "uint8", "bool"])
def test_reduce_and_accumulate(dtype):
    a = sample(dtype, (3, 4), seed=11)
    cases = [(v,) for _, v in layouts(a)] + [(sample(dtype, (1, 1)),)]
    with np.errstate(all="ignore"):
        if dtype != "bool":
            check_all(reduces, cases)
            check_all(accumulates, cases)
        if dtype != "float64":
            check_all(int_reduces, cases)


@numba_leaks(RAISE_LEAKS)
def test_reduce_empty():
    """An empty reduce gives the identity, or ValueError where the ufunc has none."""
    check_all(reduces, [(np.zeros((0, 3)),), (np.zeros((2, 0)),)])
    check_all(int_reduces, [(np.zeros((0, 3), np.int64),)])


def test_divide_reduce():
    check(divides, sample("int64", (3, 4), seed=12) % 5 + 1)
    check(divides, sample("float64", (2, 3), seed=12))


@pytest.mark.parametrize("dtype", ["float64", "int32"])
def test_outer(dtype):
    a = sample(dtype, (2, 3), seed=13)
    b = sample(dtype, (4,), seed=14)
    check_all(outers, [(a, b), (a.T, b[::2]), (np.zeros((0, 2), dtype), b)])


@numba_leaks(RAISE_LEAKS)
def test_at():
    a = np.arange(6.0)
    check_all(at_ops, [(a, np.array([0, 0, 5, -1]), np.array([2.0, 3.0, 4.0, 5.0])),
                       (a, np.array([1, 1]), np.array([3.0])), (a, 2, 7.0),
                       (a, np.array([0, 9]), 2.0),                      # IndexError
                       (a, np.array([0, 1, 2]), np.array([1.0, 2.0]))])  # ValueError
    check(at_ops, np.arange(5), np.array([4, 4, 4], np.uint8), np.array([2, 2, 2]))


def at_rows(a, i, b, row):
    c = a.copy()
    np.add.at(c, i, b)        # b of a[i]'s shape
    np.multiply.at(c, i, row)  # a row broadcast to every pick
    np.subtract.at(c, 0, 1)
    return c


@numba_leaks(RAISE_LEAKS)
def test_at_rows():
    a = np.arange(12.0).reshape(4, 3)
    check_all(at_rows, [(a, np.array([0, 0, 3]), np.ones((3, 3)), np.array([1.0, 2.0, 3.0])),
                        (a.T.copy().T, np.array([-1, 1]), np.arange(6.0).reshape(2, 3), np.array([2.0])),
                        (a, np.array([0, 1]), np.ones((3, 3)), np.ones(3))])   # ValueError: b of 3 picks for 2


def bad_reduce_unary(a):
    return np.sqrt.reduce(a)


def bad_accumulate_tuple(a):
    return np.add.accumulate(a, axis=(0, 1))


def bad_reduce_not_reorderable(a):
    return np.subtract.reduce(a, axis=(0, 1))


def bad_reduce_bool_subtract(a):
    return np.subtract.reduce(a > 0)


@numba_skip("ember's own diagnostics")
@pytest.mark.parametrize("fn, msg", [(bad_reduce_unary, "only supported for binary functions"),
                                     (bad_accumulate_tuple, "axis must be an integer"),
                                     (bad_reduce_bool_subtract, "subtract\\(\\) of booleans"),
                                     (bad_reduce_not_reorderable, "not reorderable")])
def test_ufunc_method_errors(fn, msg):
    from ember.errors import TypingError
    with pytest.raises(TypingError, match=msg):
        jit(fn)(np.ones((2, 3)))
    with pytest.raises((TypeError, ValueError)):
        fn(np.ones((2, 3)))


# ---- the ufuncs with two outputs: np.divmod, np.frexp ----------------------------------------------

def two_outputs(a, b):
    return np.divmod(a, b), np.divmod(a, 3), np.frexp(a), np.divmod(b[:1], a)


def divmods(a, b):
    return np.divmod(a, b), np.divmod(a, 3), np.divmod(b[:1], a)


def two_outputs_scalar(x, y):
    return np.divmod(x, y), np.frexp(x), np.frexp(y)


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "int8", "uint16"])
def test_divmod_frexp(dtype):
    a = np.array([7, -7, 0, 5, 100, -3], dtype) if dtype[0] != "u" else np.array([7, 8, 0, 5, 100, 3], dtype)
    b = np.array([2, 3, 5, -4, 7, 0], dtype) if dtype[0] != "u" else np.array([2, 3, 5, 4, 7, 0], dtype)
    fn = divmods if dtype == "int8" else two_outputs   # NumPy's frexp of int8 is float16, which ember lacks
    with np.errstate(all="ignore"):
        check(fn, a, b)
        check(fn, a.reshape(2, 3)[:, ::2], b[::2])


def modfs(a, x):
    return np.modf(a), np.modf(a[::2]), np.modf(x), np.frexp(a[::-1] * 2), np.modf(a + 1)


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64"])
def test_modf(dtype):
    a = np.array([1.5, -0.5, -0.0, np.inf, -np.inf, np.nan, 3.0, -7.25])
    a = a[np.isfinite(a)].astype(dtype) if dtype == "int64" else a.astype(dtype)
    with np.errstate(all="ignore"):
        check(modfs, a, -2.5)
        check(modfs, a[:0], 0.0)


def two_outputs_0d(z, w):
    return np.modf(z), np.frexp(z), np.divmod(z, w), np.divmod(z, 2.0), np.divmod(3.5, w)


def test_two_outputs_of_0d_arrays():
    # a 0-d array operand is its element (the results read uninitialised memory before)
    for z, w in ((np.array(2.5), np.array(-0.75)), (np.array(-0.0), np.array(3.0)), (np.array(7), np.array(2)),
                 (np.array(np.inf), np.array(1.5))):
        with np.errstate(all="ignore"):
            check(two_outputs_0d, z, w)


def test_divmod_frexp_scalars():
    with np.errstate(all="ignore"):
        check_all(two_outputs_scalar, [(7.5, -2.0), (-7, 2), (0.0, 0.0), (np.inf, 3.0), (1e-310, 8)])


def test_ufunc_dtypes_found_by_the_probe():
    """tools/np_probe.py's findings: abs/absolute of bools stay bool, square and conjugate of bools
    are int8, rint of ints is float (NumPy has no integer loop); sign/negative/subtract of bools
    are refused as NumPy refuses them."""
    b = np.array([[True, False, True]])
    check(lambda a: (np.abs(a), np.absolute(a), np.square(a), np.conjugate(a)), b)
    check(lambda a: (np.rint(a), np.rint(a[::2])), np.arange(-3, 5))
    check(lambda a: np.rint(a), np.array([2**64 - 1, 5], np.uint64))
    for fn in (lambda a: np.sign(a), lambda a: np.negative(a), lambda a: np.subtract(a, a)):
        with pytest.raises(errors.TypingError, match="booleans"):
            jit(fn)(b)


def test_uint64_power_gcd_lcm_wrap():
    """uint64 exponents and operands at and above 2**63: wrapping powers, unsigned gcd and lcm."""
    u = np.array([2**64 - 1, 2**63 + 5, 10, 0, 3], np.uint64)
    v = np.array([2**63 + 1, 3, 2**64 - 3, 7, 2**63], np.uint64)
    check(lambda a, b: (np.power(a, b), a ** b, np.gcd(a, b), np.lcm(a, b), np.gcd(a[:1], b), np.lcm(a, b[1])), u, v)
