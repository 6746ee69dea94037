"""Array expressions, compiled vs CPython: arithmetic between arrays and scalars with
broadcasting and NumPy's type promotion (result dtypes are compared), unary minus and abs,
ufuncs on arrays and on scalars, comparisons giving bool arrays, np.where, in-place operators
that mutate an argument, and chained expressions."""

import math

import numpy as np
import pytest

from difftest import (ON_NUMBA, check, check_all, ember_gap, errors, jit, layouts, no_leaks,  # noqa: F401
                      impl, numba_leaks, numba_xfail, sample)

# no_leaks (imported above) is an autouse fixture: every test here must free what it allocates.

RAISE_LEAKS = "numba does not free the arrays live where compiled code raises"
inf, nan = math.inf, math.nan

# ------------------------------------------------------------------ binary operators


def arith(a, b):
    return a + b, a - b, a * b


def true_div(a, b):
    return a / b


def floor_ops(a, b):
    return a // b, a % b


def power(a, b):
    return a ** b


# (dtype of a, dtype of b): NumPy's promotion table decides the result dtype, compared exactly.

PAIRS = [pytest.param("int32", "float32", marks=numba_xfail("int32 + float32 arrays give float32, "
                                                               "NumPy float64")),
         ("int64", "int64"), ("int8", "uint8"),
         pytest.param("int64", "uint64", marks=[numba_xfail("int64 + uint64 arrays compute in "
                                                            "integers, NumPy converts to float64")]),
         ("float32", "float64"), ("bool", "int16"), ("uint32", "int32"), ("float32", "complex64"),
         ("int16", "float64"), ("float64", "complex128")]


@pytest.mark.parametrize("da, db", PAIRS)
def test_arith_promotion(da, db):
    a, b = sample(da, (5,)), sample(db, (5,), seed=1)
    check_all(arith, [(a, b), (b, a)], wrap=False)


SMALL_DIV = "true division of small int (or bool) arrays gives float32, NumPy float64"


@pytest.mark.parametrize("da, db", [("int64", "int64"), ("int32", "int32"), ("int8", "float32"),
                                    ("float64", "float64"),
                                    pytest.param("uint8", "uint8", marks=numba_xfail(SMALL_DIV)),
                                    pytest.param("bool", "bool", marks=numba_xfail(SMALL_DIV))])
def test_true_division(da, db):
    a = sample(da, (6,))
    b = sample(db, (6,), seed=2)
    if db != "bool":
        b = np.where(b == 0, np.ones_like(b), b)
    else:
        b = np.ones(6, bool)
    check(true_div, a, b)


def test_floor_ops():
    a = np.array([7, -7, 7, -7, 0, 13])
    b = np.array([2, 2, -2, -2, 5, 4])
    check(floor_ops, a, b)
    check(floor_ops, a.astype(np.float64), np.array([2.0, 2.0, -2.0, -2.0, 5.0, 0.5]))
    check(floor_ops, a.astype(np.int8), b.astype(np.int8))


def test_floor_ops_by_zero():
    # Integer arrays: NumPy gives 0 for x // 0 and x % 0 (with a warning), no exception.
    with np.errstate(all="ignore"):
        check(floor_ops, np.array([1, -1, 0]), np.array([0, 0, 0]))


def test_float_division_by_zero():
    with np.errstate(all="ignore"):
        check(true_div, np.array([1.0, -1.0, 0.0]), np.array([0.0, 0.0, 0.0]))
        check(floor_ops, np.array([1.0, -1.0, 5.0]), np.array([0.0, -0.0, inf]))


def test_power():
    check(power, np.array([2, 3, -2, 0]), np.array([3, 0, 3, 5]))
    check(power, np.array([2.0, 0.5, -2.0, 0.0]), np.array([0.5, -2.0, 3.0, 0.0]))
    check(power, np.array([1.5, 2.0]), 2)
    check(power, np.array([1, 2, 3]), 2.0)


def np_power(a, b):
    return np.power(a, b)


@numba_xfail("numba gives 0 for an integer array to a negative power")
@numba_leaks(RAISE_LEAKS)
@pytest.mark.parametrize("fn", [power, np_power])
def test_integer_array_to_a_negative_power_raises(fn):
    check(fn, np.array([2, 3, 1]), np.array([1, 0, -1]))   # the last element raises
    check(fn, np.array([2, 3, 1]), -1)
    check(fn, 2, np.array([0, -2]))
    check(fn, np.array([0, 1]), np.array([-1, 2]))   # ValueError, not ZeroDivisionError


def test_negative_powers_that_numpy_allows():
    check(power, np.array([], np.int64), -1)   # no element, no error
    check(power, np.array([1, 2], np.uint64), np.array([-1, 2]))   # float64 by promotion
    check(power, np.array([2.0, 4.0]), np.array([-1, -2]))
    check(power, np.array([2, 4]), -1.0)


def scalar_ops(a, s):
    return a + s, s - a, a * s, s * a, a / s


def test_array_scalar_float():
    a = sample("float64", (5,))
    check_all(scalar_ops, [(a, 2.5), (a, -1.0), (a, 3)])
    check_all(scalar_ops, [(np.arange(5), 2.5), (np.arange(5), 4)])


NEP50 = "a Python scalar widens the array's dtype (legacy value-based casting, not NEP 50)"


@pytest.mark.parametrize("dtype, s", [pytest.param("int8", 3, marks=numba_xfail(NEP50)),
                                      pytest.param("int32", 3, marks=numba_xfail(NEP50)),
                                      pytest.param("uint8", 2, marks=numba_xfail(NEP50)),
                                      pytest.param("float32", 2.5, marks=numba_xfail(NEP50)),
                                      ("float32", 3), ("int16", 2.5)])
def test_array_python_scalar_promotion(dtype, s):
    # NumPy 2 (NEP 50): a Python scalar does not widen an array of its own kind
    # (int8 array + 3 is int8, float32 array * 2.5 is float32).
    check(scalar_ops, sample(dtype, (4,)) if dtype[0] != "u" else np.array([1, 2, 250, 7], dtype), s)


def numpy_scalar_ops(a, b):
    return a + b[0], a * b[1], np.add(a, b[0]), a > b[2], np.maximum(a, b.sum()), a - np.float64(b[0])


@pytest.mark.parametrize("adt, bdt", [("int32", "int64"), ("int8", "int64"), ("uint8", "int64"), ("float32", "float64"),
                                      ("int16", "float64"), ("int64", "int8"),
                                      pytest.param("float32", "int32", marks=numba_xfail("numba: float32 with an int32 scalar stays float32"))])
def test_numpy_scalar_promotes_as_a_strong_operand(adt, bdt):
    """A NumPy scalar (an array's element, np.float64(x), a reduction) takes part in promotion
    with its own dtype (NumPy 2 and Numba): int32 array + b64[0] is int64, float32 array + x64[0]
    float64 (both kept the array's dtype, computing the scalar at its width)."""
    check(numpy_scalar_ops, sample(adt, (4,)), sample(bdt, (3,)))


def scalar_argument_ops(a, s):
    return a + s, a * s, np.add(a, s), np.maximum(a, s), a - s * 2


@pytest.mark.parametrize("adt, s", [("int32", np.int64(3)), ("int8", np.int64(-2)), ("uint8", np.int64(2)),
                                    ("float32", np.float64(2.5)),
                                    pytest.param("float32", np.int64(3), marks=numba_xfail("numba: float32 with an int64 scalar stays float32")),
                                    ("int16", np.float64(0.5)),
                                    ("complex64", np.complex128(1 - 2j)), pytest.param("int32", 3, marks=numba_xfail(NEP50)),
                                    pytest.param("float32", 2.5, marks=numba_xfail(NEP50))])
def test_numpy_scalar_arguments_are_strong(adt, s):
    """An np.int64, np.float64 or np.complex128 argument is a NumPy scalar, strong in promotion as
    it is to NumPy (int32 array + np.int64(3) is int64; a Python 3 keeps int32); the two compile
    apart."""
    a = np.array([1, 2, 3, 4], adt) if adt[0] == "u" else sample(adt, (4,))
    check(scalar_argument_ops, a, s)


def broadcast(a, b):
    return a + b, a * b, b - a


def test_broadcasting():
    m = sample("float64", (3, 4))
    check_all(broadcast, [(m, np.arange(4.0)), (m, np.arange(3.0).reshape(3, 1)),
                          (np.arange(4.0), m), (m.T, np.arange(3.0)),
                          (np.ones((2, 1, 4)), np.arange(3.0).reshape(3, 1)),
                          (np.zeros((0, 4)), np.arange(4.0)), (m, np.ones((1, 1)))])


@numba_leaks(RAISE_LEAKS)
def test_broadcast_mismatch():
    check(broadcast, np.ones((3, 4)), np.ones(3))


def layouts_mix(a, b):
    return a * 2.0 + b


def test_operand_layouts():
    a = sample("float64", (3, 4))
    b = sample("float64", (3, 4), seed=3)
    va, vb = layouts(a), layouts(b)
    check_all(layouts_mix, [(x, y) for (_, x), (_, y) in zip(va, vb[::-1])])


def bool_arith(a, b):
    return a & b, a | b, a ^ b, ~a, a + b


def int_bitwise(a, b):
    return a & b, a | b, a ^ b, ~a, a << b, a >> b


def shift_by_literal(a):
    return a << 2, a >> 1


def test_bool_and_bitwise():
    t = np.array([True, False, True, False])
    f = np.array([True, True, False, False])
    check(bool_arith, t, f)
    check(int_bitwise, np.array([5, -3, 0, 255]), np.array([3, 7, 1, 16]))
    check(int_bitwise, np.array([5, 3, 0, 255], np.uint8), np.array([3, 7, 1, 6], np.uint8))
    check(shift_by_literal, np.array([5, -3, 0, 255]))


def plus_literal(a):
    return a + 300


def minus_literal(a):
    return a - (-1)


def plus(a, n):
    return a + n


def add_in_place(a, n):
    a += n
    return a


@numba_xfail("numba wraps a Python int that does not fit the array's dtype")
@numba_leaks(RAISE_LEAKS)
def test_python_int_out_of_bounds_for_the_array_dtype_raises():
    # NumPy 2 (NEP 50): a Python int takes the array's dtype, and OverflowError if it cannot
    check(plus_literal, np.array([5, 6], np.uint8))
    check(minus_literal, np.array([5, 6], np.uint16))
    for dt, bad in ((np.uint8, 256), (np.uint8, -1), (np.int8, 128), (np.int8, -129), (np.int16, 40000),
                    (np.uint32, 2**32), (np.int32, -2**31 - 1), (np.uint64, -1)):
        check(plus, np.array([1, 2], dt), bad)
        check(add_in_place, np.array([1, 2], dt), bad)
    check(int_bitwise, np.array([5, 6], np.uint8), -1)
    check(plus, np.array([], np.uint8), 300)   # before any element, as NumPy converts the int first


def ufunc_add(a, n):
    return np.add(a, n)


def ufunc_minimum(a, n):
    return np.minimum(n, a)


def ufunc_power(a, n):
    return np.power(a, n)


def ufunc_float_and_bool(a, n):
    return np.true_divide(a, n), a > n, np.arctan2(a, n) > 0


@numba_xfail("numba wraps a Python int that does not fit the array's dtype")
@numba_leaks(RAISE_LEAKS)
def test_python_int_out_of_bounds_in_a_ufunc_call_raises():
    # the same rule for ufuncs called by name, whichever side the int is on
    for fn in (ufunc_add, ufunc_minimum, ufunc_power):
        for dt, bad in ((np.uint8, 300), (np.uint8, -1), (np.int16, 40000)):
            check(fn, np.array([1, 2], dt), bad)
        check(fn, np.array([], np.uint8), 256)
        check(fn, np.array([1, 2], np.uint8), 255)   # at the bound: fits


def test_python_int_out_of_bounds_in_a_float_or_bool_ufunc_is_fine():
    # a ufunc whose loop is not the integer dtype takes any int (uint8 / 300 is float64)
    check(ufunc_float_and_bool, np.array([1, 2], np.uint8), 300)


@numba_xfail(NEP50)
def test_python_int_at_the_bounds_of_the_array_dtype():
    for dt, edge in ((np.uint8, 255), (np.uint8, 0), (np.int8, 127), (np.int8, -128), (np.uint32, 2**32 - 1),
                     (np.int32, -2**31), (np.uint64, 2**63 - 1), (np.int64, -2**63)):
        check(plus, np.array([0, 0], dt), edge)
    check(plus, np.array([True, False]), 300)   # bool + int is int64
    check(plus, np.array([1, 2], np.uint8), 3.5)   # a float is not bounded by the int dtype


@numba_xfail("numba shifts by the count modulo 64, as the machine does")
def test_shift_counts_out_of_range_shift_every_bit_out():
    # NumPy reads a count as unsigned: negative or >= 64 gives 0, or -1 for a negative a >> n
    a = np.array([5, -5, 7, -7, 1, -1])
    check(int_bitwise, a, np.array([-1, -1, 64, 65, -64, 2**62]))
    check(int_bitwise, a, -3)
    check(int_bitwise, np.array([5, 6], np.uint64), np.array([64, 2**63 + 1], np.uint64))


@numba_xfail(NEP50)
def test_shift_small_int_by_literal():
    check(shift_by_literal, np.array([5, 3, 0, 255], np.uint8))


# ------------------------------------------------------------------ unary


def unary(a):
    return -a, +a, np.abs(a)


def builtin_abs(a):
    return abs(a)


@pytest.mark.parametrize("dtype", ["int8", "int64", "uint16", "float32", "float64", "complex128"])
def test_unary(dtype):
    check(unary, sample(dtype, (5,)))


def test_unary_edges():
    check(unary, np.array([-128, 127, 0], np.int8))
    check(unary, np.array([-0.0, 0.0, inf, -inf, nan]))


@numba_xfail("the builtin abs() of an array is not supported (np.abs is)")
def test_builtin_abs():
    check_all(builtin_abs, [(sample("int64", (4,)),), (sample("float64", (2, 2)),),
                            (sample("complex128", (3,)),)])


def negate_bool(a):
    return ~a, np.logical_not(a)


def test_negate_bool():
    check(negate_bool, np.array([True, False, True]))


def bool_differences(x):
    return x[1:] - x[:-1], -x, x - True


def test_bool_arrays_subtract_as_numba():
    # NumPy refuses boolean subtract and negation; Numba runs its int8 loop (sktime's
    # first_order_differences of x > m): ember follows Numba
    r = impl.njit(bool_differences)(np.array([1.0, 3.0, 0.0, 4.0]) > 2)
    assert [v.dtype for v in r] == [np.int8] * 3
    assert [v.tolist() for v in r] == [[1, -1, 1], [0, -1, 0, -1], [-1, 0, -1, 0]]


# ------------------------------------------------------------------ ufuncs


def ufuncs_unary(a):
    return (np.sqrt(a), np.exp(a), np.log(a), np.log1p(a), np.sin(a), np.cos(a), np.tan(a),
            np.tanh(a), np.abs(a), np.absolute(a), np.floor(a), np.ceil(a), np.sign(a),
            np.isnan(a), np.isinf(a))


def ufuncs_binary(a, b):
    return (np.arctan2(a, b), np.power(a, b), np.minimum(a, b), np.maximum(a, b), np.hypot(a, b))


def ufuncs_scalar(x, y):
    return (np.sqrt(x), np.exp(x), np.log(x), np.log1p(x), np.sin(x), np.cos(x), np.tan(x),
            np.tanh(x), np.abs(x), np.floor(x), np.ceil(x), np.sign(x), np.isnan(x), np.isinf(x),
            np.arctan2(x, y), np.power(x, y), np.minimum(x, y), np.maximum(x, y), np.hypot(x, y))


POSITIVE = np.array([0.5, 1.0, 2.0, 10.0, 1e-3, 123.25])
EDGES = np.array([0.0, inf, -inf, nan, -1.5, 1e300, -1e-300])


def test_ufuncs_unary_float():
    with np.errstate(all="ignore"):
        check(ufuncs_unary, POSITIVE)
        check(ufuncs_unary, POSITIVE.astype(np.float32))
        check(ufuncs_unary, POSITIVE[::-2])
        check(ufuncs_unary, POSITIVE.reshape(2, 3).T)


def test_ufuncs_unary_edges():
    with np.errstate(all="ignore"):
        check(ufuncs_unary, EDGES)


def sign(a):
    return np.sign(a)


@numba_xfail("np.sign(-0.0) is -0.0, NumPy gives 0.0")
def test_sign_negative_zero():
    check(sign, np.array([-0.0, 0.0]))


def test_ufuncs_binary():
    a = np.array([1.0, -1.0, 0.0, -0.0, 2.5, nan, inf])
    b = np.array([1.0, 1.0, -1.0, -1.0, nan, 0.5, 2.0])
    with np.errstate(all="ignore"):
        check(ufuncs_binary, a, b)
        check(ufuncs_binary, np.arange(1.0, 5.0), 2.0)
        check(ufuncs_binary, a.astype(np.float32), b.astype(np.float32))


def int_ufuncs(a, b):
    return np.minimum(a, b), np.maximum(a, b), np.abs(a), np.sign(a), np.sqrt(np.abs(a))


def test_ufuncs_int():
    check(int_ufuncs, np.array([-5, 0, 7, 3]), np.array([2, -1, 7, 10]))
    check(int_ufuncs, np.array([-5, 0, 7, 3], np.int32), np.array([2, -1, 7, 10], np.int32))


def test_ufuncs_scalars():
    with np.errstate(all="ignore"):
        check_all(ufuncs_scalar, [(2.5, 1.5), (0.5, -2.0), (1.0, 0.0), (nan, 1.0), (inf, 2.0)])


def complex_ufuncs(z):
    return np.abs(z), np.sqrt(z), np.exp(z), z.conj(), np.conjugate(z), np.real(z), np.imag(z)


def test_ufuncs_complex():
    check(complex_ufuncs, sample("complex128", (4,)))


def minmax_nan(a, b):
    return np.minimum(a, b), np.maximum(a, b), np.fmin(a, b), np.fmax(a, b)


def test_minimum_maximum_nan():
    check(minmax_nan, np.array([nan, 1.0, nan, 2.0]), np.array([0.0, nan, nan, 1.0]))


# ------------------------------------------------------------------ comparisons and where


def comparisons(a, b):
    return a < b, a <= b, a == b, a != b, a > b, a >= b


def test_comparisons():
    a = np.array([1.0, 2.0, nan, -0.0, inf])
    b = np.array([2.0, 2.0, nan, 0.0, 1.0])
    check(comparisons, a, b)
    check(comparisons, np.array([1, 5, -3]), 2)
    check(comparisons, sample("int64", (2, 3)), sample("int64", (3,), seed=4))
    check(comparisons, np.array([1, 2, 255], np.uint8), np.array([-1, 2, 3], np.int16))


def comparison_ufuncs(a, b):
    return (np.less(a, b), np.less_equal(a, b), np.equal(a, b), np.not_equal(a, b), np.greater(a, b),
            np.greater_equal(a, b))


def test_comparison_ufuncs():
    # the ufuncs by name give what the operators give (the same cases as test_comparisons)
    check(comparison_ufuncs, np.array([1.0, 2.0, nan, -0.0, inf]), np.array([2.0, 2.0, nan, 0.0, 1.0]))
    check(comparison_ufuncs, np.array([1, 5, -3]), 2)
    check(comparison_ufuncs, 2, np.array([1, 5, -3]))
    check(comparison_ufuncs, sample("int64", (2, 3)), sample("int64", (3,), seed=4))
    check(comparison_ufuncs, np.array([1, 2, 255], np.uint8), np.array([-1, 2, 3], np.int16))
    check(comparison_ufuncs, np.array([0, 2**63 + 5], np.uint64), np.array([-1, 5]))
    check(comparison_ufuncs, 3, 2.5)


def complex_equal(a, b):
    return np.equal(a, b), np.not_equal(a, b)


def test_complex_equal_ufuncs():
    check(complex_equal, np.array([1j, 2 + 0j, complex(nan, 0)]), 2)


def where3(c, a, b):
    return np.where(c, a, b)


def clip_negative(a):
    return np.where(a < 0, 0.0, a)


def test_where():
    c = np.array([True, False, True, False])
    check(where3, c, np.arange(4.0), -np.arange(4.0))
    check(where3, c, 1.5, np.arange(4))
    check(where3, np.array([[True], [False]]), np.arange(6.0).reshape(2, 3), 0.0)
    check(clip_negative, sample("float64", (3, 4)))


def where_numpy_scalars(c, a):
    return (np.where(c, np.uint8(255), np.uint8(0)), np.where(c, np.float32(0), np.float32(1e9)),
            np.where(c, np.int16(-3), np.int16(7)), np.where(c, 1, 0), np.where(c, a[0], a[1]))


def test_where_of_numpy_scalars_keeps_their_dtype():
    # NumPy scalars are strong in NumPy's promotion (the elements of a uint8 array too)
    check(where_numpy_scalars, np.array([True, False, True]), np.array([9, 200], np.uint8))


# ------------------------------------------------------------------ in place


def iadd(a, b):
    a += b
    return a


def inplace_all(a, b):
    a -= b
    a *= 2
    a /= 4.0
    return a


def inplace_int(a, b):
    a += b
    a *= 3
    a //= 2
    a -= 1
    return a


def test_inplace_mutates_argument():
    m = sample("float64", (3, 4))
    check_all(iadd, [(v, np.arange(4.0)) for _, v in layouts(m)] + [(m.copy(), 1.5)])
    check(inplace_all, sample("float64", (5,)), sample("float64", (5,), seed=1))
    check(inplace_int, np.arange(6), np.arange(6)[::-1])


def test_inplace_keeps_dtype():
    # a += b casts the result back to a's dtype (same_kind): int64 += int32 stays int64.
    check(iadd, np.arange(4), np.arange(4, dtype=np.int32))
    check(iadd, np.arange(4.0, dtype=np.float32), np.arange(4.0))


def self_alias(a):
    a += a[::-1]
    return a


@numba_xfail("a += a[::-1] reads elements already overwritten; NumPy buffers overlapping operands")
def test_inplace_aliasing():
    check_all(self_alias, [(np.arange(6.0),), (np.arange(5),)])


# ------------------------------------------------------------------ chained


def saxpy(a, x, y):
    return a * x + y


def poly(x):
    return 3.0 * x ** 3 - 2.0 * x ** 2 + x / 4.0 - 7.0


def normalise(x):
    return (x - x.mean()) / np.sqrt(np.sum((x - x.mean()) ** 2) + 1e-12)


def softplus(x):
    return np.where(x > 20.0, x, np.log1p(np.exp(np.minimum(x, 20.0))))


def test_chained():
    x = sample("float64", (50,))
    y = sample("float64", (50,), seed=5)
    check(saxpy, 2.5, x, y)
    check(saxpy, np.float32(2.5), x.astype(np.float32), y.astype(np.float32))
    check(poly, x)
    check(poly, x.reshape(5, 10)[:, ::3])
    check(normalise, x)
    check(softplus, x * 3)


def logical(a, b):
    return np.logical_and(a, b), np.logical_or(a > 0, b), np.logical_xor(a, b > 1), np.logical_not(a)


def test_logical_ufuncs():
    check_all(logical, [(np.array([0, 1, 2, -3]), np.array([0.0, 0.0, 2.5, nan])),
                        (np.array([True, False]), np.array([[1, 0], [0, 3]]))])
    check(logical, 0, 2.5)


def complex_more(z, w):
    return (np.log(z), np.sqrt(-z), np.isnan(z), np.isfinite(z * w), z.conjugate() * w,
            np.real(w), np.imag(3.0), np.exp(z.real))


def test_complex_more():
    z = np.array([1 + 2j, -1 - 0.5j, 0j, -4 + 0j, complex(nan, 1.0), complex(inf, 0.0)])
    with np.errstate(all="ignore"):
        check(complex_more, z, np.arange(6.0))


def complex_cbrt(z):
    return np.cbrt(z)


def test_unsupported_complex_ufunc_is_an_error():
    # never the cube root of the real part: a located error, as NumPy has no complex cbrt
    if not ON_NUMBA:
        with pytest.raises(errors.UnsupportedError):
            jit(complex_cbrt)(np.ones(2, complex))


# ---- more ufuncs by name (issue 18): the arithmetic and bitwise ones, copysign, nextafter,
# positive, invert, signbit, on arrays of each kind and on scalars

def arith_named(a, b):
    return (np.true_divide(a, b), np.floor_divide(a, b), np.remainder(a, b), np.mod(a, b),
            np.positive(a))


def bitwise_named(a, b):
    return (np.bitwise_and(a, b), np.bitwise_or(a, b), np.bitwise_xor(a, b), np.invert(a),
            np.bitwise_not(b), np.left_shift(a, 3), np.right_shift(a, 2))


def float_named(a, b):
    return np.copysign(a, b), np.nextafter(a, b), np.signbit(a), np.signbit(b)


def bool_named(p, q):
    return np.bitwise_and(p, q), np.bitwise_or(p, q), np.bitwise_xor(p, q), np.invert(p)


def scalar_named(x, y, i, j):
    return (np.copysign(x, y), np.signbit(x), np.true_divide(i, j), np.bitwise_and(i, j),
            np.invert(i), np.left_shift(i, 2), np.floor_divide(x, y), np.remainder(x, y))


def test_more_named_ufuncs():
    with np.errstate(all="ignore"):
        fa = np.array([5.5, -3.25, 0.0, -0.0, 7.0, np.nan, np.inf])
        fb = np.array([2.0, 2.0, -1.0, 3.0, -0.0, 1.0, -2.0])
        check_all(arith_named, [(fa, fb), (np.array([7, -7, 9, -9], np.int64), np.array([2, 2, -4, -4], np.int64)),
                                (np.array([7, 200, 9], np.uint8), np.array([2, 3, 4], np.uint8)),
                                (np.array([7, -8], np.int32), 3)])
        ia = np.array([0, 5, -6, 2**40, -1], np.int64)
        ib = np.array([3, 3, -2, 7, 0], np.int64)
        check_all(bitwise_named, [(ia, ib), (ia.astype(np.int8), ib.astype(np.int8)),
                                  (np.array([1, 200, 255], np.uint8), np.array([3, 17, 0], np.uint8)),
                                  (np.array([5, 6], np.uint64), 9)])
        check_all(float_named, [(fa, fb), (fa.astype(np.float32), fb.astype(np.float32)), (fa, 1.0)])
        check_all(bool_named, [(np.array([True, False, True, False]), np.array([True, True, False, False]))])
        check_all(scalar_named, [(3.5, -2.0, 7, 2), (-0.0, 1.0, -9, 4)])


def bitwise_of_floats(a):
    return np.bitwise_and(a, a)


def test_bitwise_of_floats_is_an_error():
    from difftest import ON_NUMBA, errors, jit

    if ON_NUMBA:
        pytest.skip("ember's message")
    with pytest.raises(errors.TypingError, match="np.bitwise_and\\(\\) is not supported for .*float64"):
        jit(bitwise_of_floats)(np.ones(3))
