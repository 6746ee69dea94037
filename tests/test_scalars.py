"""Scalar operators, compiled vs CPython: arithmetic, comparisons, bitwise, logical, unary,
conditional expressions and augmented assignment over bool, int64, float64 and complex128.

Each test compiles one small function per operator and runs it over the cross product of edge
values for one pair of argument types, reporting every mismatching pair at once. Integer
results that leave int64 wrap in ember (as in numba); tests of + - * ** << compare those with
the wrapped CPython value, and the division family leaves out INT64_MIN // -1.
"""

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
    numba_skip,
    numba_xfail,
    wrap64,
)

inf, nan = math.inf, math.nan

INTS = [0, -1, 1, 7, -7, INT64_MAX, INT64_MIN]
BOOLS = [False, True]
FLOATS = [0.0, -0.0, 1.0, -1.0, 7.0, -7.0, 0.5, 2.5, -2.5, 1e308, inf, -inf, nan]
COMPLEXES = [0j, complex(-0.0, 0.0), complex(-0.0, -0.0), 1 + 0j, -1j, 2.5 - 0.5j, -7 + 7j,
             0.5 + 2j, complex(-2.5, -1e300), complex(inf, 1.0), complex(1.0, -inf),
             complex(nan, 0.0)]

REAL_TYPES = {"bool": BOOLS, "int": INTS, "float": FLOATS}
ALL_TYPES = dict(REAL_TYPES, complex=COMPLEXES)


def pairs(names, types=ALL_TYPES):
    """pytest params "a-b" -> (values of a, values of b) for every pair of the named types."""
    out = []
    for a in names:
        for b in names:
            out.append(pytest.param(types[a], types[b], id=f"{a}-{b}"))
    return out


REAL_PAIRS = pairs(["bool", "int", "float"])
NUMBER_PAIRS = pairs(["bool", "int", "float", "complex"])


def cases(xs, ys, skip=lambda a, b: False):
    return [(a, b) for a in xs for b in ys if not skip(a, b)]


def int_overflow_division(a, b):
    """INT64_MIN // -1 and INT64_MIN % -1 overflow int64: machine division traps there."""
    return type(a) is int and type(b) is int and a == INT64_MIN and b == -1


# ------------------------------------------------------------------ binary arithmetic


def add(a, b):
    return a + b


def sub(a, b):
    return a - b


def mul(a, b):
    return a * b


def truediv(a, b):
    return a / b


def floordiv(a, b):
    return a // b


def mod(a, b):
    return a % b


def power(a, b):
    return a**b


@pytest.mark.parametrize("op", [add, sub, mul], ids=lambda f: f.__name__)
@pytest.mark.parametrize("xs, ys", NUMBER_PAIRS)
def test_add_sub_mul(op, xs, ys):
    check_all(op, cases(xs, ys), wrap=True)


@pytest.mark.parametrize("xs, ys", NUMBER_PAIRS)
def test_truediv(xs, ys):
    check_all(truediv, cases(xs, ys))


@pytest.mark.parametrize("op", [floordiv, mod], ids=lambda f: f.__name__)
@pytest.mark.parametrize("xs, ys", REAL_PAIRS)
def test_floordiv_mod(op, xs, ys):
    check_all(op, cases(xs, ys, skip=int_overflow_division))


@pytest.mark.parametrize(
    "a, b, q, r",
    [
        (7, 2, 3, 1),
        (-7, 2, -4, 1),
        (7, -2, -4, -1),
        (-7, -2, 3, -1),
        (6, -3, -2, 0),
        (-1, 7, -1, 6),
        (7.0, 2.0, 3.0, 1.0),
        (-7.0, 2.0, -4.0, 1.0),
        (7.0, -2.0, -4.0, -1.0),
        (-7.0, -2.0, 3.0, -1.0),
        (-0.5, 2.0, -1.0, 1.5),
        (0.0, -2.0, -0.0, -0.0),
        (-0.0, 2.0, -0.0, 0.0),
        (5.5, -2, -3.0, -0.5),
    ],
)
def test_floordiv_mod_follow_python_signs(a, b, q, r):
    # Literal expectations as well as CPython's, so a sign rule is visible in the test.
    assert check(floordiv, a, b) == q
    got_r = check(mod, a, b)
    assert got_r == r and math.copysign(1, got_r) == math.copysign(1, r)


def by_constants(x):
    # power-of-two constant divisors compute without fmod (codegen/lower_ops.c cg_fmod)
    return (x % 4.0, x // 4.0, x % -2.0, x // -2.0, x % 1.0, x // 1.0, x % 1024.0, x // 0.5, x % 3.0)


@pytest.mark.parametrize("x", [7.25, -7.25, 0.0, -0.0, 4.0, -4.0, 1e300, -1e300, 2.0 ** 60 + 4096, 5e-324, -5e-324,
                               math.inf, -math.inf, math.nan, 3.999999999999999, -1e-17, 123456789.123])
def test_floordiv_mod_by_constants(x):
    got = check(by_constants, x)
    for g, w in zip(got, by_constants(x)):   # signs of zeros too
        assert (math.isnan(g) and math.isnan(w)) or (g == w and math.copysign(1, g) == math.copysign(1, w))


def int_by_powers_of_two(x):
    # constant power-of-two divisors: an arithmetic shift and a mask, Python's signs
    return x // 1, x % 1, x // 2, x % 2, x // 16, x % 16, (x // 16) * 3 + x % 16, x // 2 ** 62, x % 2 ** 62, x // -4, x % -4


@pytest.mark.parametrize("x", [0, 1, -1, 15, 16, 17, -15, -16, -17, 12345678901, -12345678901, INT64_MIN, 2 ** 63 - 1])
def test_int_floordiv_mod_by_powers_of_two(x):
    check(int_by_powers_of_two, x, wrap=True)


def int_rows_by_sixteen(a):
    out = np.empty_like(a)
    for i in range(a.size):
        out[i] = (a[i] // 16) * 3 + a[i] % 16   # vectorised: shifts and masks
    return out


def test_int_floordiv_mod_by_powers_of_two_in_loops():
    check(int_rows_by_sixteen, np.arange(-1000, 1000, 7, dtype=np.int64))
    check(int_rows_by_sixteen, np.array([INT64_MIN, -1, 0, 2 ** 63 - 1], dtype=np.int64))


@pytest.mark.parametrize("op", [truediv, floordiv, mod], ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    "a, b",
    [(7, 0), (0, 0), (-7, 0), (INT64_MIN, 0), (7.0, 0.0), (7.0, -0.0), (-1.0, 0), (7, 0.0),
     (nan, 0.0), (inf, 0.0), (True, False), (2.5, False)],
)
def test_division_by_zero_raises(op, a, b):
    exc = check(op, a, b)
    assert isinstance(exc, ZeroDivisionError)


@pytest.mark.parametrize("a", [0j, 1 + 1j, 7, 2.5])
def test_complex_division_by_zero_raises(a):
    assert isinstance(check(truediv, a, 0j), ZeroDivisionError)
    assert isinstance(check(truediv, complex(a), 0), ZeroDivisionError)


# ------------------------------------------------------------------ power

INT_BASES = INTS + [2, 3, -2, -3]
INT_EXPONENTS = [0, 1, 2, 3, 7, 62, 63, 64]


def test_int_power():
    check_all(power, cases(INT_BASES, INT_EXPONENTS), wrap=True)


@numba_xfail("numba gives (-1) ** (2**63 - 1) == 1")
def test_int_power_huge_exponent():
    # Only bases where CPython computes the power quickly.
    check_all(power, cases([0, 1, -1], [INT64_MAX, INT64_MAX - 1]), wrap=True)


def power_mod(a, b, m):
    return pow(a, b, m)


@numba_xfail("numba has no three-argument pow")
def test_int_power_mod():
    # CPython's: the result has the modulus's sign, a negative exponent inverts the base
    # (ValueError where it cannot), modulus 0 is a ValueError; 128-bit products, no wrapping
    vals = INTS + [2, 3, -3, 10, -12, 97, 2**62]
    check_all(power_mod, [(a, b, m) for a in vals for b in [0, 1, 2, 5, -1, -2, 2**40, INT64_MAX] for m in vals])
    check_all(power_mod, [(True, 3, 5), (3, True, False), (7, 2, True)])
    with pytest.raises(Exception, match="all arguments are integers"):
        jit(power_mod)(2.0, 3, 5)


def test_bool_power():
    check_all(power, cases(BOOLS, BOOLS) + cases(BOOLS, [0, 1, 5]) + cases([0, 1, -7], BOOLS))


def _pow_defined(a, b):
    """Cases where CPython's ** gives a real result: not OverflowError, not 0.0 ** negative
    (ZeroDivisionError), not a negative base to a fractional power (a complex result). There
    ember, like numba and C's pow, returns inf/nan; that is outside the differential contract."""
    try:
        r = a**b
    except (OverflowError, ZeroDivisionError):
        return False
    return not isinstance(r, complex) or isinstance(a, complex) or isinstance(b, complex)


FLOAT_EXPONENTS = FLOATS + [3.0, -3.0, 0.25, 64.0]


@pytest.mark.parametrize(
    "xs, ys",
    [
        pytest.param(FLOATS, FLOAT_EXPONENTS, id="float-float"),
        pytest.param(FLOATS, [0, 1, 2, 3, -1, -2, 7, -7, 64], id="float-int"),
        pytest.param(INT_BASES, FLOAT_EXPONENTS, id="int-float"),
        pytest.param(BOOLS, FLOATS, id="bool-float"),
        pytest.param(FLOATS, BOOLS, id="float-bool"),
    ],
)
def test_float_power(xs, ys):
    check_all(power, [c for c in cases(xs, ys) if _pow_defined(*c)])


POW_COMPLEXES = [c for c in COMPLEXES if abs(c) < 1e100]


@pytest.mark.parametrize(
    "xs, ys",
    [
        pytest.param(POW_COMPLEXES, [0.5, -1.5, 0.25], id="complex-float"),
        pytest.param(POW_COMPLEXES, [1j, 2 + 1j, 0.5 - 0.5j, -1.5 + 0j], id="complex-complex"),
        pytest.param([2, -3, 0.5, -2.5], [1j, 2 + 1j, 0.5 - 0.5j], id="real-complex"),
    ],
)
def test_complex_power(xs, ys):
    check_all(power, [c for c in cases(xs, ys) if _pow_defined(*c)])


@numba_xfail("numba uses the polar formula where CPython multiplies (integral exponents)")
@pytest.mark.parametrize(
    "xs, ys",
    [
        pytest.param(POW_COMPLEXES, [0, 1, 2, 3, -1, 7], id="complex-int"),
        pytest.param(POW_COMPLEXES, [2.0, -2.0], id="complex-float"),
        pytest.param(POW_COMPLEXES, [3 + 0j, -2 + 0j], id="complex-complex"),
    ],
)
def test_complex_power_integral_exponent(xs, ys):
    # CPython computes z ** n for integral n (|n| <= 100) by repeated multiplication.
    check_all(power, [c for c in cases(xs, ys) if _pow_defined(*c)])


def complex_const_powers(z):
    return z ** 1, z ** 2, z ** 3, z ** 7, z ** 64, z ** 99


@numba_skip("numba multiplies without starting from 1 + 0j: zeros and overflows differ for some values")
@pytest.mark.parametrize("z", [1 + 2j, -0.0 - 1j, 1 - 0j, 0j, -0j, 0.5 + 0.25j, -3.5 + 1e-300j, complex(math.nan, 0),
                               complex(math.inf, 1), 1e200 + 1e200j, 1.0000001 - 0.9999999j])
def test_complex_constant_integer_powers_are_cpythons(z):
    # unrolled in the generated code, CPython's products in its order: the same bits (repr),
    # and OverflowError where a part is infinite
    try:
        want = repr(complex_const_powers(z))
    except OverflowError as e:
        with pytest.raises(OverflowError, match=str(e)):
            jit(complex_const_powers)(z)
        return
    assert repr(jit(complex_const_powers)(z)) == want


@pytest.mark.parametrize(
    "a, b, expected",
    [
        (2, -1, 0),
        (7, -2, 0),
        (-7, -1, 0),
        (INT64_MAX, -1, 0),
        (1, -1, 1),
        (1, -5, 1),
        (-1, -1, -1),
        (-1, -2, 1),
        (-1, -3, -1),
    ],
)
def test_int_power_negative_exponent_stays_int(a, b, expected):
    # ember follows numba: int ** negative int is an int64, int(1 / a**|b|) truncated.
    got = jit(power)(a, b)
    assert type(got) is int and got == expected


@pytest.mark.parametrize("b", [-1, -2, -7])
def test_int_zero_to_negative_power_raises(b):
    with pytest.raises(ZeroDivisionError):
        jit(power)(0, b)


def test_int_power_wraps():
    got = jit(power)(3, 41)
    assert type(got) is int and got == wrap64(3**41)


# ------------------------------------------------------------------ unary


def neg(a):
    return -a


def pos(a):
    return +a


def invert(a):
    return ~a


def not_(a):
    return not a


@pytest.mark.parametrize("op", [neg, pos, not_], ids=lambda f: f.__name__)
@pytest.mark.parametrize("xs", list(ALL_TYPES.values()), ids=list(ALL_TYPES))
def test_unary(op, xs):
    check_all(op, [(x,) for x in xs], wrap=True)


def test_invert_int():
    check_all(invert, [(x,) for x in INTS])


def invert_mixed(b, x):
    c = x > 0
    return ~b, ~c, ~(x > 1) * 3, ~b + 1


def test_invert_bool_is_logical_not():
    # as in Numba and NumPy (CPython's ~True is the int -2): Numba code writes ~flag for not flag
    f = jit(invert)
    for b in BOOLS:
        r = f(b)
        assert r is (not b), (b, r)
    g = jit(invert_mixed)
    assert g(True, 0.5) == (False, False, 3, 1)
    assert g(False, 2.0) == (True, False, 0, 2)


def test_negate_int64_min_wraps():
    assert jit(neg)(INT64_MIN) == INT64_MIN


# ------------------------------------------------------------------ comparisons


def lt(a, b):
    return a < b


def le(a, b):
    return a <= b


def gt(a, b):
    return a > b


def ge(a, b):
    return a >= b


def eq(a, b):
    return a == b


def ne(a, b):
    return a != b


@pytest.mark.parametrize("op", [lt, le, gt, ge, eq, ne], ids=lambda f: f.__name__)
@pytest.mark.parametrize("xs, ys", REAL_PAIRS)
def test_compare_real(op, xs, ys):
    check_all(op, cases(xs, ys))


@pytest.mark.parametrize("op", [eq, ne], ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    "xs, ys",
    [
        pytest.param(COMPLEXES, COMPLEXES, id="complex-complex"),
        pytest.param(COMPLEXES, [0, 1, -7], id="complex-int"),
        pytest.param([0.0, -0.0, 1.0, 2.5, nan], COMPLEXES + [complex(nan, 0)], id="float-complex"),
    ],
)
def test_compare_complex_equality(op, xs, ys):
    check_all(op, cases(xs, ys))


def chain_lt(a, b, c):
    return a < b < c


def chain_le_lt(a, b, c):
    return a <= b < c


def chain_lt_gt(a, b, c):
    return a < b > c


def chain_eq(a, b, c):
    return a == b == c


def chain_ne(a, b, c):
    return a != b != c


def chain_four(a, b, c):
    return a < b <= c < a + b + c


CHAIN_INTS = [-7, 0, 1, 7]
CHAIN_FLOATS = [-2.5, 0.0, -0.0, 1.0, nan, inf]


@pytest.mark.parametrize(
    "op", [chain_lt, chain_le_lt, chain_lt_gt, chain_eq, chain_ne, chain_four],
    ids=lambda f: f.__name__,
)
@pytest.mark.parametrize(
    "values", [CHAIN_INTS, CHAIN_FLOATS], ids=["int", "float"]
)
def test_chained_comparison(op, values):
    check_all(op, list(itertools.product(values, repeat=3)))


def test_chained_comparison_mixed_types():
    check_all(chain_lt, list(itertools.product([0, 7], [0.5, nan], [True, False])))


# ------------------------------------------------------------------ bitwise


def and_(a, b):
    return a & b


def or_(a, b):
    return a | b


def xor(a, b):
    return a ^ b


def lshift(a, b):
    return a << b


def rshift(a, b):
    return a >> b


INT_PAIRS = pairs(["bool", "int"], REAL_TYPES)


@pytest.mark.parametrize("op", [and_, or_, xor], ids=lambda f: f.__name__)
@pytest.mark.parametrize("xs, ys", INT_PAIRS)
def test_bitwise(op, xs, ys):
    check_all(op, cases(xs, ys))


SHIFT_VALUES = INTS + [0x5555_5555_5555_5555, -0x1234_5678_9ABC]


@pytest.mark.parametrize("op", [lshift, rshift], ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    "xs, ys",
    [
        pytest.param(SHIFT_VALUES, [0, 1, 2, 7, 31, 32, 62, 63], id="int-int"),
        pytest.param(BOOLS, [0, 1, 62, 63], id="bool-int"),
        pytest.param(SHIFT_VALUES, BOOLS, id="int-bool"),
    ],
)
def test_shift(op, xs, ys):
    check_all(op, cases(xs, ys), wrap=True)


@numba_xfail("LLVM shl/ashr by >= 64 is poison; numba does not special-case it")
@pytest.mark.parametrize("op", [lshift, rshift], ids=lambda f: f.__name__)
def test_shift_count_64_or_more(op):
    # ember: << gives 0, >> gives the sign fill, which is CPython's answer wrapped to int64.
    counts = [64, 65, 100, 1000] + ([INT64_MAX] if op is rshift else [])  # 1 << 2**63: MemoryError
    check_all(op, cases(SHIFT_VALUES, counts), wrap=True)


@numba_xfail("numba does not check for a negative shift count")
@pytest.mark.parametrize("op", [lshift, rshift], ids=lambda f: f.__name__)
def test_shift_negative_count_raises(op):
    for a, b in cases([0, 1, -7], [-1, -64, INT64_MIN]):
        assert isinstance(check(op, a, b), ValueError)


# ------------------------------------------------------------------ logical and conditional


def and_op(a, b):
    return a and b


def or_op(a, b):
    return a or b


def and_not(a, b):
    return a and not b


def logic_mix(a, b):
    return (a > 0 and b > 0) or (a < 0 and not b < 0)


def short_circuit(a, b):
    # b // a is only evaluated when a != 0; a ZeroDivisionError here means no short circuit.
    return a != 0 and b // a > 1


def short_circuit_or(a, b):
    return a == 0 or b // a > 1


SAME_TYPE = [
    pytest.param(BOOLS, BOOLS, id="bool"),
    pytest.param(INTS, INTS, id="int"),
    pytest.param(FLOATS, FLOATS, id="float"),
    pytest.param(COMPLEXES, COMPLEXES, id="complex"),
]


@pytest.mark.parametrize("op", [and_op, or_op], ids=lambda f: f.__name__)
@pytest.mark.parametrize("xs, ys", SAME_TYPE)
def test_and_or_return_operand(op, xs, ys):
    check_all(op, cases(xs, ys))


def test_and_not_bool():
    check_all(and_not, cases(BOOLS, BOOLS))


@pytest.mark.parametrize("xs, ys", REAL_PAIRS)
def test_logic_mix(xs, ys):
    check_all(logic_mix, cases(xs, ys))


@pytest.mark.parametrize("op", [short_circuit, short_circuit_or], ids=lambda f: f.__name__)
def test_short_circuit(op):
    check_all(op, cases([0, 1, -1, 3], [0, 7, -7]))


def ifexp_max(a, b):
    return a if a > b else b


def ifexp_flag(c, a, b):
    return a if c else b


def ifexp_nested(a):
    return -1 if a < 0 else (0 if a == 0 else 1)


@pytest.mark.parametrize("xs", [BOOLS, INTS, FLOATS], ids=["bool", "int", "float"])
def test_conditional_expression(xs):
    check_all(ifexp_max, cases(xs, xs))


@pytest.mark.parametrize("a, b", cases([0, -7, 7, INT64_MAX], [0.0, -0.5, 7.0, nan, inf]))
def test_conditional_expression_int_float_unify_to_float(a, b):
    # Both arms meet in one variable: int64 with float64 gives float64, with Python's value.
    for x, y in [(a, b), (b, a)]:
        assert_same(float(ifexp_max(x, y)), jit(ifexp_max)(x, y), f"ifexp_max{(x, y)}")


def test_conditional_expression_flag():
    check_all(ifexp_flag, [(c, a, b) for c in [True, False, 0, 7, 0.0, nan]
                           for a, b in [(1, 2), (2.5, -0.0), (1j, 2 + 0j)]])


def test_conditional_expression_nested():
    check_all(ifexp_nested, [(x,) for x in INTS + FLOATS])


def ifexp_bool_or_int(c, a):
    return a if c else True


@pytest.mark.parametrize("c, a, expected", [(True, 7, 7), (False, 7, 1), (False, -2, 1)])
def test_bool_and_int_unify_to_int(c, a, expected):
    # ember: a bool meeting an int64 is widened to int64, so False's branch returns int 1.
    got = jit(ifexp_bool_or_int)(c, a)
    assert type(got) is int and got == expected


# ------------------------------------------------------------------ augmented assignment


def iadd(a, b):
    x = a
    x += b
    return x


def isub(a, b):
    x = a
    x -= b
    return x


def imul(a, b):
    x = a
    x *= b
    return x


def itruediv(a, b):
    x = a
    x /= b
    return x


def ifloordiv(a, b):
    x = a
    x //= b
    return x


def imod(a, b):
    x = a
    x %= b
    return x


def ipow(a, b):
    x = a
    x **= b
    return x


def iand(a, b):
    x = a
    x &= b
    return x


def ior(a, b):
    x = a
    x |= b
    return x


def ixor(a, b):
    x = a
    x ^= b
    return x


def ilshift(a, b):
    x = a
    x <<= b
    return x


def irshift(a, b):
    x = a
    x >>= b
    return x


def iseries(a, b):
    x = a
    x += b
    x *= 3
    x -= a
    x //= 2
    x %= 1000
    return x


AUG_INTS = [0, 1, -1, 7, -7, 100, -(2**40)]
AUG_FLOATS = [0.0, -0.0, 1.0, -1.0, 2.5, -7.5, inf, nan]


@pytest.mark.parametrize("op", [iadd, isub, imul, itruediv, ifloordiv, imod],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    "xs, ys",
    [
        pytest.param(AUG_INTS, AUG_INTS, id="int-int"),
        pytest.param(AUG_FLOATS, AUG_FLOATS, id="float-float"),
        pytest.param(AUG_INTS, AUG_FLOATS, id="int-float"),
        pytest.param(AUG_FLOATS, AUG_INTS, id="float-int"),
    ],
)
def test_augmented_arithmetic(op, xs, ys):
    check_all(op, cases(xs, ys), wrap=True)


def test_augmented_power():
    check_all(ipow, cases([0, 1, -1, 2, -3, 7], [0, 1, 2, 5, 20]))
    check_all(ipow, [c for c in cases([0.5, 2.0, -3.0], [0.5, 2.0, -1.0, 3]) if _pow_defined(*c)])


@pytest.mark.parametrize("op", [iand, ior, ixor, ilshift, irshift], ids=lambda f: f.__name__)
def test_augmented_bitwise(op):
    check_all(op, cases(AUG_INTS, [0, 1, 3, 7, 12]), wrap=True)


@pytest.mark.parametrize("xs, ys", [pytest.param(AUG_INTS, AUG_INTS, id="int"),
                                    pytest.param(AUG_FLOATS, [1.5, -2.5, 3.0], id="float")])
def test_augmented_series(xs, ys):
    check_all(iseries, cases(xs, ys))


def test_augmented_complex():
    check_all(iadd, cases(COMPLEXES, COMPLEXES))
    check_all(imul, cases(COMPLEXES, [2, 0.5, 1j]))
    check_all(itruediv, cases(COMPLEXES, [2, 0.5, 1j, 0j]))


# ---- int and float compare exactly, as CPython compares them (issue 15: beyond 2**53 the int
# was rounded to a float first, so 2**53 + 1 == 2.0**53 was True)

def int_float_compare(i, f):
    return i < f, i <= f, i == f, i != f, i > f, i >= f, f < i, f <= i, f == i, f != i, f > i, f >= i


@numba_xfail("numba rounds the int to a float first")
def test_int_float_compare_exact():
    ints = [0, 1, -1, 2**53, 2**53 + 1, -(2**53) - 1, 2**62 + 1, 2**63 - 1, -(2**63), -(2**63) + 1,
            12345678901234567]
    floats = [0.0, -0.0, 0.5, -0.5, 1.0, 2.0**53, 2.0**53 + 2, 2.0**63, -(2.0**63), 2.0**64, 1e300,
              -1e300, float("inf"), float("-inf"), float("nan"), 4.611686018427388e18, 12345678901234566.0]
    check_all(int_float_compare, [(i, f) for i in ints for f in floats])


def count_compares(xs, i):
    """i the same on every trip: its rounding is worked out before the loop (lower_ops.c)."""
    n = [0, 0, 0, 0, 0, 0]
    for f in xs:
        n[0] += f < i
        n[1] += f <= i
        n[2] += f == i
        n[3] += f != i
        n[4] += f > i
        n[5] += i >= f
    return n[0], n[1], n[2], n[3], n[4], n[5]


@numba_xfail("numba rounds the int to a float first")
def test_int_float_compare_in_loops_exact():
    import math
    ints = [0, 3, 2**53, 2**53 + 1, 2**53 + 3, -(2**53) - 1, -(2**53) - 3, 2**62 + 1, 2**63 - 1, 2**63 - 513,
            -(2**63), -(2**63) + 1, 12345678901234567, -12345678901234567]
    xs = [math.nan, math.inf, -math.inf, 2.0**63, 0.5]
    for i in ints:   # the floats around each int: where rounding i decides
        xs += [float(i), math.nextafter(float(i), math.inf), math.nextafter(float(i), -math.inf)]
    check_all(count_compares, [(xs, i) for i in ints])


def wrapped_phase(inc, top, n):
    """A recurrence with a conditional subtraction (selectop.c keeps it a select of the result)."""
    ph, s, t = 0.0, 0.0, -0.0
    for k in range(n):
        ph += inc
        if ph >= top:
            ph -= top
        t = t + (inc if k % 3 == 0 else -0.0)
        s += ph
    return ph, s, t


def test_conditional_updates_in_recurrences():
    check_all(wrapped_phase, [(0.37, 255.0, 3000), (0.37, 255, 3000), (-0.0, 1.0, 5), (1e300, 1e300, 7),
                              (float("nan"), 2.0, 4), (0.5, -0.0, 3)])


def skip_one_sum(a, x, i, start):
    """A sum that skips one term: its select stays off the sum's chain (selectop.c), s + (c ? -0.0 : v)."""
    s = start
    for j in range(x.shape[0]):
        if j != i:
            s += a[j] * x[j]
    return s


def test_sums_that_skip_terms():
    z = np.array([-0.0, 0.0, -0.0])
    args = [(np.arange(5.0), np.arange(5.0) - 2, 2, 0.0), (z, z, 1, -0.0), (z, -z, 7, -0.0), (z, z, 0, 0.0),
            (np.array([np.inf, 1.0, np.nan]), np.ones(3), 2, -0.0), (np.array([np.inf, -np.inf]), np.ones(2), 0, 1.0),
            (np.empty(0), np.empty(0), 0, -0.0)]
    check_all(skip_one_sum, args)


DIVISORS = [1 + 0j, -1j, 2.5 - 0.5j, -7 + 7j, 0.5 + 2j, complex(-2.5, -1e300), complex(inf, 1.0), complex(1.0, -inf),
            complex(nan, 0.0), complex(0.0, nan), complex(-0.0, 3.0), 3, -2, 0.25, -0.0 + 1e-310j, 1e-310 + 0j,
            complex(inf, inf), 1e308 + 1e308j]


@pytest.mark.parametrize("b", DIVISORS, ids=repr)
def test_complex_division_is_cpythons(b):
    """a / b of complex a as CPython divides (_Py_c_quot): its two branches by the larger part of
    b, NaN when a part of b is NaN, zeros' signs kept; inline in compiled code."""
    for a in COMPLEXES + [complex(-1e300, 1e300), complex(5.0, -0.0)]:
        check(truediv, a, b)


def identities(b, x):
    a = np.arange(4)
    return (b is True, True is b, b is not True, x is 1, 1 is x, a is a, a is a[:], a is a[1:], x is b)


def test_is_between_values():
    # as Numba: numbers of one type are one object when equal, values of two types never are; an
    # array is another with the same data, shape and strides (CPython's `x is 1` is an identity
    # its small ints happen to pass)
    f = jit(identities)
    assert f(True, 1) == (True, True, False, True, True, True, True, False, False)
    assert f(False, 2) == (False, False, True, False, False, True, True, False, False)
