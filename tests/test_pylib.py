"""Python's cmath and operator modules and math's comb, perm, isqrt, lcm, prod, dist, fsum and
remainder in compiled code, compiled vs CPython (ember/_pylib.py), over ordinary and edge values;
where int64 cannot hold Python's result (comb(100, 50)) an OverflowError, never a wrapped value."""

import cmath
import math
import operator
import random

import pytest

import ember
from difftest import check, check_all, no_leaks  # noqa: F401 -- autouse fixture


def cmath_funcs(z):
    return (cmath.sqrt(z), cmath.exp(z), cmath.log(z), cmath.log(z, 10), cmath.log10(z), cmath.phase(z),
            cmath.sin(z), cmath.cos(z), cmath.tan(z), cmath.asin(z), cmath.acos(z), cmath.atan(z), cmath.sinh(z),
            cmath.cosh(z), cmath.tanh(z), cmath.asinh(z), cmath.acosh(z), cmath.atanh(z), cmath.polar(z))


def cmath_tests(z, w):
    return (cmath.isnan(z), cmath.isinf(z), cmath.isfinite(z), cmath.isclose(z, w), cmath.isclose(z, w, rel_tol=0.1),
            cmath.rect(abs(z), cmath.phase(z)), cmath.pi, cmath.e, cmath.tau)


def operators(a, b):
    return (operator.add(a, b), operator.sub(a, b), operator.mul(a, b), operator.truediv(a, b), operator.floordiv(a, b),
            operator.mod(a, b), operator.pow(a, 2), operator.neg(a), operator.pos(a), operator.abs(a), operator.eq(a, b),
            operator.ne(a, b), operator.lt(a, b), operator.le(a, b), operator.gt(a, b), operator.ge(a, b),
            operator.not_(a), operator.truth(b), operator.getitem((b, b), 1), operator.contains((1, 2), 2))


def int_operators(a, b):
    return (operator.and_(a, b), operator.or_(a, b), operator.xor(a, b), operator.invert(a), operator.lshift(a, 3),
            operator.rshift(a, 1), operator.index(a))


def combinatorics(n, k):
    return math.comb(n, k), math.perm(n, min(k, 4)), math.perm(min(n, 20)), math.lcm(n, k + 1), math.lcm(n), math.lcm()


def roots(n):
    return math.isqrt(n)


def sums(l):
    return math.fsum(l), math.prod(l), math.prod(l, start=2.0), math.dist((l[0], l[-1]), (0.5, -1.0))


def remainders(x, y):
    return math.remainder(x, y)


@pytest.mark.parametrize("z", [1 + 2j, -2.0, 3, 0.5 - 0.25j, -1j, 1j, 1.0, -1.0, 0j, 1e-300 + 1e-300j, 2.0, 800 + 1j])
def test_cmath(z):
    check(cmath_funcs, z)
    check_all(cmath_tests, [(z, z), (z, z * (1 + 1e-10)), (z, -z)])


def test_operator():
    check_all(operators, [(7, 2), (-7.5, 2.0), (3, -4), (True, 2)])
    check_all(int_operators, [(12, 10), (-5, 3)])


def test_math_integers():
    check_all(combinatorics, [(0, 0), (5, 2), (20, 7), (62, 31), (66, 33), (1000, 3), (3, 5)])
    check_all(roots, [(0,), (1,), (15,), (16,), (10 ** 18,), (2 ** 62,), (2 ** 63 - 1,), (-1,)])
    check_all(combinatorics, [(-1, 2), (4, -1)])   # ValueError as Python raises it


def test_math_sums():
    rng = random.Random(7)
    lists = [[0.1] * 10, [1e100, 1.0, -1e100, 1e-100, 1e50, -1.0, -1e50], [1.0, 1e-16, 1e-16],
             [float("inf"), 1.0], [float("inf"), float("-inf")], [float("nan"), 2.0],
             [rng.uniform(-1e10, 1e10) * 10 ** rng.randint(-20, 20) for _ in range(200)]]
    check_all(sums, [(l,) for l in lists])
    check_all(remainders, [(7.0, 2.0), (-5.0, 2.0), (5.0, 2.0), (3.0, 2.0), (1e300, 3.0), (2.5, float("inf")),
                           (float("nan"), 1.0), (1.0, 0.0), (float("inf"), 1.0), (-0.0, 1.0)])


def test_results_beyond_int64_raise():
    with pytest.raises(OverflowError):
        ember.njit(combinatorics)(100, 50)


def operator_keys(l):
    return sorted(l, key=operator.neg), max(l, key=operator.abs), sorted(l, key=math.isqrt if False else abs)


def test_operator_functions_as_keys():
    check_all(operator_keys, [([3, -7, 2],), ([1],)])
