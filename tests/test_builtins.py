"""Builtin functions, compiled vs CPython: abs, min, max (2+ arguments and over a tuple), int,
float, bool, complex, round (half to even, with positive and negative ndigits), divmod, len,
range."""

import itertools
import math

import numpy as np
import pytest

from difftest import (
    INT64_MAX,
    INT64_MIN,
    assert_same,
    check,
    check_all,
    jit,
    numba_xfail,
)
from test_arrays_basic import clamped_counts

inf, nan = math.inf, math.nan

INTS = [0, -1, 1, 7, -7, INT64_MAX, INT64_MIN]
FLOATS = [0.0, -0.0, 1.0, -1.0, 7.0, -7.0, 0.5, 2.5, -2.5, 1e308, inf, -inf, nan]
COMPLEXES = [0j, complex(-0.0, -0.0), 3 + 4j, -1j, 2.5 - 0.5j, complex(inf, 1), complex(nan, 0)]

# ------------------------------------------------------------------ abs


def abs_(x):
    return abs(x)


def test_abs():
    check_all(abs_, [(x,) for x in INTS], wrap=True)  # abs(INT64_MIN) wraps to itself
    check_all(abs_, [(x,) for x in FLOATS])
    check_all(abs_, [(x,) for x in COMPLEXES])
    check_all(abs_, [(True,), (False,)])


# ------------------------------------------------------------------ min / max


def min2(a, b):
    return min(a, b)


def max2(a, b):
    return max(a, b)


def min3(a, b, c):
    return min(a, b, c)


def max3(a, b, c):
    return max(a, b, c)


def min_tuple(t):
    return min(t)


def max_tuple(t):
    return max(t)


MINMAX_FLOATS = [0.0, -0.0, 1.0, -2.5, inf, -inf]


@pytest.mark.parametrize("op", [min2, max2], ids=lambda f: f.__name__)
def test_min_max_two_args(op):
    check_all(op, list(itertools.product(INTS, repeat=2)))
    check_all(op, list(itertools.product(MINMAX_FLOATS, repeat=2)))
    check_all(op, list(itertools.product([True, False], repeat=2)))


@pytest.mark.parametrize("op", [min2, max2], ids=lambda f: f.__name__)
def test_min_max_nan(op):
    # CPython keeps the running value unless the next one compares < (min) or > (max).
    check_all(op, [(nan, 1.0), (1.0, nan), (nan, nan), (-inf, nan), (nan, -0.0)])


@pytest.mark.parametrize("op", [min3, max3], ids=lambda f: f.__name__)
def test_min_max_three_args(op):
    check_all(op, list(itertools.product([-7, 0, 7], repeat=3)))
    check_all(op, list(itertools.product([-2.5, 0.0, -0.0, 1.0], repeat=3)))


@pytest.mark.parametrize("op", [min_tuple, max_tuple], ids=lambda f: f.__name__)
def test_min_max_over_tuple(op):
    check_all(op, [((3, -1, 7, 0),), ((5,),), ((INT64_MIN, INT64_MAX),)])
    check_all(op, [((0.5, -2.5, 1e308),), ((-0.0, 0.0),), ((0.0, -0.0),), ((-inf, inf, 0.0),)])


@pytest.mark.parametrize("op", [min2, max2, min3, max3], ids=lambda f: f.__name__)
def test_min_max_mixed_int_float_give_float(op):
    # ember: int64 and float64 arguments unify to float64; the value is CPython's.
    n = op.__code__.co_argcount
    values = [0, 3, -7, 2.5, -0.5, 3.0, -inf]
    for args in itertools.product(values, repeat=n):
        if len({type(a) for a in args}) == 1:
            continue
        assert_same(float(op(*args)), jit(op)(*args), f"{op.__name__}{args}")


# ------------------------------------------------------------------ int float bool complex


def to_int(x):
    return int(x)


def to_float(x):
    return float(x)


def to_bool(x):
    return bool(x)


def to_complex1(x):
    return complex(x)


def to_complex2(x, y):
    return complex(x, y)


def test_int():
    check_all(to_int, [(x,) for x in INTS + [True, False]])
    check_all(to_int, [(x,) for x in [0.0, -0.0, 0.5, -0.5, 2.7, -2.7, 7.99, -7.99, 1e18,
                                      -9.2e18, 4503599627370497.0]])


@numba_xfail("numba converts NaN and infinity to an arbitrary int64 without raising")
@pytest.mark.parametrize("x, exc", [(nan, ValueError), (inf, OverflowError), (-inf, OverflowError)])
def test_int_of_nonfinite_raises(x, exc):
    assert type(check(to_int, x)) is exc


def int_in_loop(x):
    s = 0
    for i in range(x.shape[0]):
        s ^= int(x[i]) + i   # no overflow whatever the values
    return s


def first_bad_int(x, out):
    for i in range(x.shape[0]):
        out[i] = int(x[i])
    return out


def test_int_in_loop():
    ok = np.array([0.0, -0.0, 0.5, -0.5, 2.7, -2.7, 1e18, -9.2e18, -9223372036854775808.0,
                   9223372036854774784.0, 4503599627370497.0])
    check_all(int_in_loop, [(ok,), (ok[::-1],), (np.zeros(0),)])
    check_all(first_bad_int, [(ok, np.zeros(len(ok), np.int64))])


@numba_xfail("numba converts NaN and infinity to an arbitrary int64 without raising")
@pytest.mark.parametrize("bad, exc", [(nan, ValueError), (inf, OverflowError), (-inf, OverflowError)])
def test_int_in_loop_raises(bad, exc):
    x = np.array([1.5, -2.5, bad, 7.0])
    assert type(check(int_in_loop, x)) is exc
    # the elements before the bad one are written, the ones after are not
    assert type(check(first_bad_int, x, np.zeros(4, np.int64))) is exc


@numba_xfail("numba converts NaN to an arbitrary int64 without raising")
def test_int_in_unrolled_loop_every_position():
    """The loop is unrolled: the bad element and -2**63 (which fits) in every slot of the body."""
    base = np.arange(11, dtype=np.float64) * 1.5 - 7.0
    for p in range(len(base)):
        x = base.copy()
        x[p] = -9223372036854775808.0
        check(first_bad_int, x, np.zeros(len(x), np.int64))
        x[p] = nan
        assert type(check(first_bad_int, x, np.zeros(len(x), np.int64))) is ValueError


@numba_xfail("numba converts NaN, infinity and out-of-range floats to an arbitrary int64")
def test_int_out_of_int64_range_raises():
    """Python gives a big int; ember's int is int64 and says so rather than wrap."""
    f = jit(int_in_loop)
    for big in (9223372036854775808.0, -9223372036854777856.0, 1e300, -1e19):
        with pytest.raises(OverflowError, match="float too large to convert to int64"):
            f(np.array([1.0, big]))
    with pytest.raises(ValueError, match="cannot convert float NaN to integer"):
        f(np.array([nan, inf]))   # the first bad element decides
    with pytest.raises(OverflowError, match="cannot convert float infinity to integer"):
        f(np.array([-inf, nan]))


# int() assigned and then tested against a constant: on x86-64 its test moves to the side of
# that branch which -2**63 (the conversion's "did not fit" value) takes. Each operator and
# operand order below sends -2**63 to one side; both sides read b.
def int_then_lt(x, out):
    for i in range(x.shape[0]):
        b = int(x[i])
        if b < -1:
            out[i] = b
        else:
            out[i] = b + 1
    return out


def int_then_ge(x, out):
    for i in range(x.shape[0]):
        b = int(x[i])
        if b >= 0:
            out[i] = b // 2
        else:
            out[i] = b
    return out


def int_then_const_gt(x, out):
    for i in range(x.shape[0]):
        b = math.floor(x[i])
        if 3 > b:
            out[i] = b
        else:
            out[i] = -b
    return out


def int_then_const_le(x, out):
    for i in range(x.shape[0]):
        b = round(x[i])
        if -3 <= b:
            out[i] = b - 1
        else:
            out[i] = b
    return out


def int_then_eq(x, out):
    for i in range(x.shape[0]):
        b = int(x[i])
        if b == 2:
            out[i] = 100
        else:
            out[i] = b
    return out


def int_then_ne(x, out):
    for i in range(x.shape[0]):
        b = int(x[i])
        if b != 2:
            out[i] = b
    return out


INT_THEN = [int_then_lt, int_then_ge, int_then_const_gt, int_then_const_le, int_then_eq, int_then_ne]


@pytest.mark.parametrize("fn", INT_THEN, ids=lambda f: f.__name__)
def test_int_then_test_against_constant(fn):
    ok = np.array([0.0, -0.0, 0.5, -0.5, -1.0, -1.5, -2.0, 2.0, 2.7, -2.7, 3.0, -3.0, 1e18, -9.2e18,
                   -9223372036854775808.0, 9223372036854774784.0, -4611686018427387904.0])
    check_all(fn, [(ok, np.zeros(len(ok), np.int64)), (ok[::-1], np.zeros(len(ok), np.int64)),
                   (np.zeros(0), np.zeros(0, np.int64))])


@numba_xfail("numba converts NaN, infinity and out-of-range floats to an arbitrary int64")
@pytest.mark.parametrize("fn", INT_THEN, ids=lambda f: f.__name__)
@pytest.mark.parametrize("bad, exc", [(nan, ValueError), (inf, OverflowError), (-inf, OverflowError),
                                      (1e300, OverflowError), (-1e19, OverflowError)])
def test_int_then_test_against_constant_raises(fn, bad, exc):
    # the elements before the bad one are written, the ones after are not
    for p in range(3):
        x = np.array([1.5, -2.5, 7.0])
        x[p] = bad
        assert type(check(fn, x, np.zeros(3, np.int64))) is exc


@numba_xfail("numba converts NaN and infinity to an arbitrary int64 without raising")
@pytest.mark.parametrize("bad, exc", [(nan, ValueError), (inf, OverflowError), (-inf, OverflowError)])
def test_int_in_a_clamp_raises(bad, exc):
    # the clamp's test is where the conversion's test went (test_arrays_basic has the values)
    assert type(check(clamped_counts, np.array([1.0, 20.0, bad, -3.0]), -4.0, 4.0, 10)) is exc


def test_int_in_a_clamp_at_int64_min():
    # -2**63 converts (it fits) and is clamped like any negative bin: scale 1.0, lo 0.0
    check(clamped_counts, np.array([-9223372036854775808.0, 3.0, -1.0, 12.0, -9223372036854775808.0]), 0.0, 10.0, 10)


def test_float():
    check_all(to_float, [(x,) for x in INTS + [2**53 + 1] + FLOATS])


@numba_xfail("numba has no float(bool) or complex(bool)")
def test_float_complex_of_bool():
    check_all(to_float, [(True,), (False,)])
    check_all(to_complex1, [(True,), (False,)])
    check_all(to_complex2, [(True, False), (False, 2.5)])


def test_bool():
    check_all(to_bool, [(x,) for x in INTS + [True, False] + FLOATS + COMPLEXES])


def test_complex():
    check_all(to_complex1, [(x,) for x in [0, -7, 2.5, -0.0, nan, 1 + 2j]])
    check_all(to_complex2, [(1, 2), (2.5, -0.0), (0, -1.5), (-0.0, nan), (3, 0.5)])


# ------------------------------------------------------------------ round


def round1(x):
    return round(x)


def round2(x, n):
    return round(x, n)


def test_round_half_to_even_gives_int():
    xs = [0.0, -0.0, 0.5, 1.5, 2.5, 3.5, -0.5, -1.5, -2.5, 0.49999999999999994, 2.675,
          -7.5, 1e15 + 0.5, 2.0**52 + 1, 1e18, -1e18, 0.1, -0.9]
    check_all(round1, [(x,) for x in xs])


def test_round_int_is_identity():
    check_all(round1, [(x,) for x in [0, -1, 7, -7, 2**40 + 1]])


@numba_xfail("numba rounds an int64 through float64")
def test_round_int_is_identity_at_limits():
    check_all(round1, [(x,) for x in [INT64_MAX, INT64_MIN, 2**62 + 1, 2**53 + 1]])


ROUND_FLOATS = [0.0, -0.0, 1.005, 0.125, 0.375, -2.5, 2.5, 1234.5678, -1234.5678,
                0.285, 1.45, 123456789.123, 5e-324, 1e300, 1e-300, 0.5, 1.5,
                15.0, 25.0, 150.0, 250.0, -350.0, nan, inf, -inf]


@pytest.mark.parametrize("n", [0, 1, 2, 3, 5, 20, -1, -2, -3, -20])
def test_round_ndigits(n):
    check_all(round2, [(x, n) for x in ROUND_FLOATS])


@numba_xfail("numba rounds x * 10**n, CPython rounds the exact decimal value of x")
def test_round_ndigits_correctly_rounded():
    # 2.675 is 2.67499999999999982236431605997495353221893310546875, so CPython gives 2.67;
    # scaling by 100 first rounds up to 267.5 and gives 2.68.
    cases = [(2.675, 2), (2.5e-05, 5), (-2.675, 2), (0.0, 400), (-0.0, 400), (1.5, 400),
             (1e300, -400), (2.5, -400), (-0.0, -400), (1e-300, 320)]
    check_all(round2, cases)


def round_const_ndigits(x):
    return round(x, 0), round(x, 1), round(x, 2), round(x, 3), round(x, 7), round(x, 15), round(x, 22), round(x, 23)


@numba_xfail("numba rounds x * 10**n, CPython rounds the exact decimal value of x")
def test_round_ndigits_near_halves():
    """round(x, n) for n <= 22 is computed from x * 10**n exactly (a fused multiply-add's hi + lo)
    and one division, inline for a constant n: CPython's bits at and beside every half-way point
    (k + 1/2) / 10**n, beside the 2**52 limit of that path, and at values far from it."""
    xs = [2.675, -2.675, 0.125, 1.005, 4503599627370495.5, 4503599627370496.5, 1e15 + 0.5, 123456.785, 1e-320]
    for n in (1, 2, 3):
        for k in (-1001, -12, -1, 0, 1, 12, 345, 1001):
            x = (k + 0.5) / 10 ** n
            xs += [x, math.nextafter(x, math.inf), math.nextafter(x, -math.inf)]
    check_all(round_const_ndigits, [(x,) for x in xs])
    check_all(round2, [(x, n) for x in xs for n in (0, 2, 9, 22, 23)])


@numba_xfail("numba's round(int, ndigits) goes through float")
def test_round_int_ndigits():
    # INT64_MAX - 1000 is the largest edge whose roundings all fit in int64
    xs = [0, 7, -7, 1234, 1250, 1350, -1250, -1251, 15, 25, 10**18 + 50, INT64_MAX - 1000,
          INT64_MIN + 1000]
    check_all(round2, [(x, n) for x in xs for n in [-1, -2, -3, 0, 2]])


@numba_xfail("numba's round(int, ndigits) goes through float")
def test_round_int_ndigits_wraps_past_int64():
    # CPython gives 9223372036854775810; int64 arithmetic wraps, as documented
    f = jit(round2)
    assert f(INT64_MAX, -1) == 9223372036854775810 - 2**64
    assert f(INT64_MIN, -1) == -9223372036854775810 + 2**64


# ------------------------------------------------------------------ divmod


def divmod_(a, b):
    return divmod(a, b)


def test_divmod():
    ints = [0, 7, -7, 2, -2, 1, INT64_MAX, INT64_MIN]
    check_all(divmod_, [(a, b) for a in ints for b in ints if not (a == INT64_MIN and b == -1)])
    floats = [0.0, -0.0, 7.0, -7.0, 0.5, -2.5, inf, nan]
    check_all(divmod_, [(a, b) for a in floats for b in floats])
    check_all(divmod_, [(7, 2.0), (-7.5, 2), (True, 3)])


def test_divmod_by_zero_raises():
    for a, b in [(7, 0), (0, 0), (7.0, 0.0), (-1.0, -0.0), (3, 0.0)]:
        assert isinstance(check(divmod_, a, b), ZeroDivisionError)


@numba_xfail("numba says 'integer divmod by zero'")
def test_divmod_by_zero_message_is_cpythons():
    with pytest.raises(ZeroDivisionError) as want:
        divmod(7, 0)
    with pytest.raises(ZeroDivisionError) as got:
        jit(divmod_)(7, 0)
    assert str(got.value) == str(want.value)   # the quotient's check raises first


# ------------------------------------------------------------------ len, range


def len_range(a, b, c):
    return len(range(a, b, c)), len(range(a, b)), len(range(b))


def range_in_variable(n):
    r = range(n, -1, -2)
    s = 0
    for i in r:
        s += i
    return s, len(r)


def test_len_range():
    vals = [-7, 0, 1, 10]
    check_all(len_range, [(a, b, c) for a in vals for b in vals for c in [1, 2, -1, -3, 7]])
    check_all(len_range, [(0, INT64_MAX, 1), (INT64_MAX, -1, -(2**62)), (INT64_MIN, -1, 2**62)])


def test_range_object():
    check_all(range_in_variable, [(-1,), (0,), (1,), (10,), (11,)])


def in_range(x, a, b, c):
    r = range(a, b, c)
    return x in r, x not in r, x in range(a, b), x in range(b)


def test_in_range():
    vals = [-7, -1, 0, 1, 3, 10]
    check_all(in_range, [(x, a, b, c) for x in vals for a in vals for b in vals for c in [1, 2, -1, -3, 7]])


@numba_xfail("numba's range wraps around near the int64 limits")
def test_in_range_near_the_int64_limits():
    check_all(in_range, [(INT64_MAX, INT64_MIN, INT64_MAX, 1), (INT64_MAX - 1, INT64_MIN, INT64_MAX, 1),
                         (INT64_MIN, INT64_MIN, INT64_MAX, 1), (INT64_MAX - 1, INT64_MIN, INT64_MAX, INT64_MAX),
                         (-1, INT64_MIN, INT64_MAX, INT64_MAX), (-1, INT64_MAX, INT64_MIN, INT64_MIN),
                         (INT64_MIN, INT64_MAX, INT64_MIN, INT64_MIN), (0, INT64_MAX, INT64_MIN, INT64_MIN)])


def float_in_range(x):
    return x in range(-20, 20, 2), x in range(20, -20, -3), x in range(2**62, -(2**63), -(2**62))


def test_float_and_bool_in_range():
    check_all(float_in_range, [(x,) for x in [4.0, 4.5, -0.0, 8.0, 9.0, nan, inf, -inf, 1e19, 2.0**62, -(2.0**63),
                                              2.0**63, True, False]])


def complex_in_range(z):
    return z in range(5), z in range(0, -5, -2)


def test_complex_in_range():
    check_all(complex_in_range, [(2 + 0j,), (2 + 1j,), (2.5 + 0j,), (-2 + 0j,), (complex(nan, 0),)])


def range_attributes(a, b, c):
    r = range(a, b, c)
    s = range(b)
    t = range(a, b)
    return r.start, r.stop, r.step, s.start, s.stop, s.step, t.start, t.stop, t.step


def test_range_attributes():
    check_all(range_attributes, [(3, -7, -2), (0, 0, 1), (INT64_MIN, INT64_MAX, INT64_MAX), (1, 10, 3)])


def len_tuple(t):
    return len(t)


def test_len_tuple():
    check_all(len_tuple, [((),), ((1,),), ((1, 2.5, True),), (((1, 2), (3, 4)),)])


def max_of_tuples(x, i):
    a = max((1, x), (1, x + 1.0), (0, 9.0))
    b = min([(i, 2.0), (i, -1.0), (i + 1, -5.0)])
    best = (0.0, 0)
    for k in range(4):
        best = max(best, (float(k % 3), k))   # the first of equal keys stays
    return a, b, best, min(((3, 1), (1, 9), (1, 2)))


@numba_xfail("numba's max() and min() take no tuples as separate arguments")
@pytest.mark.parametrize("x, i", [(0.5, 2), (-3.0, -1)])
def test_min_max_of_tuples(x, i):
    """min() and max() of tuples of numbers order them as Python does (lexicographically), the
    first of equal ones winning (was a refusal)."""
    check(max_of_tuples, x, i)


def int_of(x):
    return int(x)


def test_int_of_a_uint64_keeps_its_value():
    # int() of a uint64 is the number itself, as in Numba (it was reinterpreted as an int64: -1)
    f = jit(int_of)
    assert f(np.uint64(2 ** 64 - 1)) == 2 ** 64 - 1 and f(np.uint64(7)) == 7 and f(-3) == -3


def hash_of(x):
    return hash(x)


def test_hash_of_a_uint64_is_cpythons_of_its_value():
    f = jit(hash_of)
    for v in (np.uint64(2 ** 64 - 1), np.uint64(2 ** 63 + 5), np.uint64(7)):
        assert f(v) == hash(int(v))   # (it hashed the int64 the bits make: -2 for 2**64 - 1)
    for v in (-1, 2 ** 62, -(2 ** 63), 3.5, True):
        assert f(v) == hash(v)
