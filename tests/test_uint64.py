"""uint64, compiled vs CPython: the one integer type whose values do not all fit int64.

The reference runs on NumPy scalars (np.uint64), whose semantics ember follows: arithmetic wraps
modulo 2**64, comparisons and division are unsigned, uint64 with a signed int64 gives float64,
and a Python int constant is "weak" (NEP 50: x + 1 stays uint64). A Python int argument above
2**63 types as uint64, as in numba. Arrays of dtype uint64 load their elements as uint64.

Where NumPy and numba part ways, ember follows numba for scalars: a uint64 with a signed int64
variable computes in int64 (NumPy gives float64); arrays follow NumPy (int64 + uint64 arrays give
float64, test_arrays_expr.py). Comparisons between int64 and uint64 are exact.
"""

import math

import numpy as np
import pytest

from difftest import ON_NUMBA, check, check_all, jit, no_leaks, numba_xfail, wrap64  # noqa: F401

U = np.uint64
EDGES = [U(0), U(1), U(3), U(12345), U(2**63 - 1), U(2**63), U(2**63 + 5), U(2**64 - 1)]
NONZERO = [v for v in EDGES if v]
pytestmark = pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")   # the reference wraps
WEAK_CONST = "numba types an int constant as int64, so uint64 with it is float64"


def arith(x, y):
    return x + y, x - y, x * y, x & y, x | y, x ^ y


def division(x, y):
    return x // y, x % y, divmod(x, y)


def compare(x, y):
    return x == y, x != y, x < y, x <= y, x > y, x >= y, min(x, y), max(x, y)


def shifts(x):
    return x >> 3, x >> 63, x << 1, x << 60


def unary(x):
    return -x, ~x, abs(x), +x, bool(x), float(x), math.sqrt(x)


def lcg(x):   # a PCG-style step: constants are weak, the state stays uint64 and wraps
    return x * 6364136223846793005 + 1442695040888963407


def mixed(x, k):   # uint64 with a signed int64 variable: int64, as numba
    return x + k, x * k, x - k, x ^ k, x / k


def mixed_compare(x, k):
    return x < k, x <= k, x == k, x != k, x > k, x >= k, k < x, k >= x


def literal():
    big = 18446744073709551615
    return big, big // 3, big - 1


@pytest.mark.parametrize("x", EDGES)
def test_arith_wraps(x):
    check_all(arith, [(x, y) for y in EDGES])


@pytest.mark.parametrize("x", EDGES)
def test_division_unsigned(x):
    check_all(division, [(x, y) for y in NONZERO])


@pytest.mark.parametrize("x", EDGES)
def test_compare_unsigned(x):
    check_all(compare, [(x, y) for y in EDGES])


def test_shifts_and_unary():
    check_all(shifts, [(x,) for x in EDGES])
    check_all(unary, [(x,) for x in EDGES])


@numba_xfail(WEAK_CONST)
def test_weak_constants():
    check_all(lcg, [(x,) for x in EDGES])


def test_mixed_signed_is_int64():
    f = jit(mixed)
    for x in EDGES:
        for k in (-7, 1, 5, 2**63 - 1, -2**63):
            got = f(x, np.int64(k))
            ix = int(x)
            assert got[:4] == (wrap64(ix + k), wrap64(ix * k), wrap64(ix - k), wrap64(ix ^ k)), (x, k)
            assert type(got[0]) is int and math.isclose(got[4], ix / k, rel_tol=1e-15)


@numba_xfail("numba compares int64 with uint64 through float64")
def test_mixed_compare_exact():
    check_all(mixed_compare, [(x, np.int64(k)) for x in EDGES for k in (-1, 0, 5, 2**63 - 1)])


def xor_fold(a):
    h = 0
    for v in a:
        h ^= v
    return h


def test_int_accumulator_over_uint64():   # numba code: h = 0; h ^= element
    assert jit(xor_fold)(BIG) == wrap64(int(np.bitwise_xor.reduce(BIG)))


@numba_xfail(WEAK_CONST)
def test_literal_above_int64():
    check(literal)


@numba_xfail(WEAK_CONST)
def test_python_int_above_int64_types_as_uint64():
    f = jit(lambda x: x - 1)
    assert f(2**64 - 1) == 2**64 - 2
    assert f(2**63) == 2**63 - 1
    assert jit(lambda x: x)(U(2**64 - 1)) == 2**64 - 1


def test_division_by_zero_raises():
    # Python semantics for scalars (NumPy scalars would warn and give 0); arrays follow NumPy
    f = jit(division)
    with pytest.raises(ZeroDivisionError):
        f(U(5), U(0))


def test_explicit_signature():
    if ON_NUMBA:
        import numba
        f = numba.njit("uint64(uint64, uint64)")(lambda a, b: a * b)
    else:
        import ember
        f = ember.njit("uint64(uint64, uint64)")(lambda a, b: a * b)
    assert f(2**63, 3) == 2**63


# ---------------------------------------------------------------------------- arrays

BIG = np.array([2**64 - 1, 2**63, 5, 2**63 + 7, 0, 12], dtype=np.uint64)


def elements(a):
    return a[0], a[1] > a[2], a[0] // 3, a[3] >> 1


def reductions(a):
    return a.sum(), a.min(), a.max(), a.argmin(), a.argmax(), a.mean(), np.cumsum(a)


def expressions(a):
    return a + 1, a // 3, a % 7, a >> 2, a * 3, np.sign(a), a > 2**63, a.astype(np.float64)


def to_uint64(x):
    return x.astype(np.uint64)


def loop_sum(a):
    s = U(0)
    for v in a:
        s += v
    return s


@numba_xfail(WEAK_CONST)
def test_uint64_array_elements():
    check(elements, BIG)


def test_uint64_array_reductions():
    check(reductions, BIG)
    check(loop_sum, BIG)


@numba_xfail("numba has no loop for a uint64 array >> an int")
def test_uint64_array_expressions():
    check(expressions, BIG)


def test_float_to_uint64():
    check(to_uint64, np.array([0.0, 1.5, 2.0**63, 2.0**64 - 2048.0, 12345.75]))
