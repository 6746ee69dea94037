"""The math module, compiled vs CPython: every function of the module that applies to floats,
on in-domain inputs (including signed zeros, infinities and NaN where CPython accepts them),
and the constants. floor, ceil and trunc return ints.

ember follows numba for out-of-domain arguments: sqrt(-1), log(0), acos(2) return nan or -inf
instead of raising ValueError (documented); test_out_of_domain pins that down."""

import math
from math import cbrt as imported_cbrt, sqrt as imported_sqrt

import pytest

from difftest import INT64_MAX, INT64_MIN, ON_NUMBA, check_all, jit, numba_skip, numba_xfail
from difftest import no_leaks  # noqa: F401  (autouse: every test frees what it allocates)

inf, nan = math.inf, math.nan


def m_sqrt(x):
    return math.sqrt(x)


def m_exp(x):
    return math.exp(x)


def m_log(x):
    return math.log(x)


def m_log_base(x, b):
    return math.log(x, b)


def m_log10(x):
    return math.log10(x)


def m_log2(x):
    return math.log2(x)


def m_log1p(x):
    return math.log1p(x)


def m_expm1(x):
    return math.expm1(x)


def m_sin(x):
    return math.sin(x)


def m_cos(x):
    return math.cos(x)


def m_tan(x):
    return math.tan(x)


def m_asin(x):
    return math.asin(x)


def m_acos(x):
    return math.acos(x)


def m_atan(x):
    return math.atan(x)


def m_atan2(y, x):
    return math.atan2(y, x)


def m_sinh(x):
    return math.sinh(x)


def m_cosh(x):
    return math.cosh(x)


def m_tanh(x):
    return math.tanh(x)


def m_asinh(x):
    return math.asinh(x)


def m_acosh(x):
    return math.acosh(x)


def m_atanh(x):
    return math.atanh(x)


def m_hypot(x, y):
    return math.hypot(x, y)


def m_floor(x):
    return math.floor(x)


def m_ceil(x):
    return math.ceil(x)


def m_trunc(x):
    return math.trunc(x)


def m_fabs(x):
    return math.fabs(x)


def m_copysign(x, y):
    return math.copysign(x, y)


def m_fmod(x, y):
    return math.fmod(x, y)


def m_isnan(x):
    return math.isnan(x)


def m_isinf(x):
    return math.isinf(x)


def m_isfinite(x):
    return math.isfinite(x)


def m_erf(x):
    return math.erf(x)


def m_erfc(x):
    return math.erfc(x)


def m_gamma(x):
    return math.gamma(x)


def m_lgamma(x):
    return math.lgamma(x)


def m_degrees(x):
    return math.degrees(x)


def m_radians(x):
    return math.radians(x)


def m_pow(x, y):
    return math.pow(x, y)


def m_exp2(x):
    return math.exp2(x)


def m_cbrt(x):
    return math.cbrt(x)


SPECIAL = [inf, -inf, nan]
ROUNDING = [0.0, -0.0, 0.5, -0.5, 2.5, -2.5, 7.0, -7.99, 1e15 + 0.5, -1e18,
            4503599627370497.0, 0, 7, -7, 2**40 + 1]

UNARY = [
    (m_sqrt, [0.0, -0.0, 0.25, 2.0, 1e308, 5e-324, 7, inf, nan]),
    (m_exp, [0.0, -0.0, 1.0, -1.0, 1e-10, 700.0, -745.0, 3] + SPECIAL),
    (m_log, [1.0, 2.0, 0.5, 1e308, 5e-324, 10, INT64_MAX, inf, nan]),
    (m_log10, [1.0, 1000.0, 0.001, 2.0, 1e308, 5e-324, 1000, inf, nan]),
    (m_log2, [1.0, 1024.0, 0.125, 3.0, 1e308, 5e-324, 1024, inf, nan]),
    (m_log1p, [0.0, -0.0, 1e-20, -0.5, 1.0, 1e308, 3, inf, nan]),
    (m_expm1, [0.0, -0.0, 1e-20, -1e-10, 1.0, 700.0, -2] + SPECIAL),
    (m_sin, [0.0, -0.0, 1.0, -2.5, math.pi, 1e6, 1e-300, 3, nan]),
    (m_cos, [0.0, -0.0, 1.0, -2.5, math.pi, 1e6, 1e-300, 3, nan]),
    (m_tan, [0.0, -0.0, 1.0, -2.5, math.pi / 4, 1e6, 1e-300, 3, nan]),
    (m_asin, [0.0, -0.0, 0.5, -1.0, 1.0, 1e-300, 1, nan]),
    (m_acos, [0.0, -0.0, 0.5, -1.0, 1.0, 1e-300, -1, nan]),
    (m_atan, [0.0, -0.0, 1.0, -1e308, 1e-300, 7] + SPECIAL),
    (m_sinh, [0.0, -0.0, 1.0, -2.5, 700.0, -700.0, 1e-300, 2] + SPECIAL),
    (m_cosh, [0.0, -0.0, 1.0, -2.5, 700.0, -700.0, 2] + SPECIAL),
    (m_tanh, [0.0, -0.0, 1.0, -2.5, 20.0, -700.0, 1e-300, 2] + SPECIAL),
    (m_asinh, [0.0, -0.0, 1.0, -1e300, 1e-300, 2] + SPECIAL),
    (m_acosh, [1.0, 2.0, 1e300, 3, inf, nan]),
    (m_atanh, [0.0, -0.0, 0.5, -0.99, 1e-300, 0, nan]),
    (m_floor, ROUNDING),
    (m_ceil, ROUNDING),
    (m_trunc, ROUNDING),
    (m_fabs, [0.0, -0.0, -2.5, 1e308, -7, 0, INT64_MAX] + SPECIAL),
    (m_isnan, [0.0, -0.0, 1.0, 5e-324, 7, INT64_MAX] + SPECIAL),
    (m_isinf, [0.0, -0.0, 1.0, 1e308, 7, INT64_MAX] + SPECIAL),
    (m_isfinite, [0.0, -0.0, 1.0, 1e308, 7, INT64_MAX] + SPECIAL),
    (m_erf, [0.0, -0.0, 0.5, -1.5, 3.0, 30.0, 1e-300, 2] + SPECIAL),
    (m_erfc, [0.0, -0.0, 0.5, -1.5, 3.0, 26.0, 30.0, 2] + SPECIAL),
    (m_gamma, [0.5, 1.0, 2.0, 5.0, 10.5, -2.5, -0.5, 1e-300, 170.5, 4, inf, nan]),
    (m_lgamma, [0.5, 1.0, 2.0, 3.7, 10.0, 100.0, -2.5, 1e300, 4, inf, -inf, nan]),
    (m_degrees, [0.0, -0.0, 1.0, math.pi, -2.5, 180] + SPECIAL),
    (m_radians, [0.0, -0.0, 1.0, 180.0, -2.5, 1e308, 180] + SPECIAL),
    (m_exp2, [0.0, -0.0, 1.0, -1.0, 10.0, 0.5, -1074.0, 1023.5, 3] + SPECIAL),
    pytest.param(m_cbrt, [0.0, -0.0, 8.0, -27.0, 2.0, 1e300, 5e-324, -64] + SPECIAL,
                 marks=numba_xfail("numba 0.68 has no math.cbrt")),
]


def _name(p):
    fn = p.values[0] if hasattr(p, "values") else p[0]
    return fn.__name__[2:]


@pytest.mark.parametrize("fn, xs", UNARY, ids=[_name(p) for p in UNARY])
def test_unary(fn, xs):
    check_all(fn, [(x,) for x in xs])


@numba_xfail("numba goes through float64 for math.floor/ceil/trunc of an int64")
@pytest.mark.parametrize("fn", [m_floor, m_ceil, m_trunc], ids=lambda f: f.__name__[2:])
def test_rounding_int_is_identity_at_limits(fn):
    check_all(fn, [(x,) for x in [INT64_MAX, INT64_MIN, 2**53 + 1]])


BINARY = [
    pytest.param(m_log_base, [(8.0, 2.0), (100.0, 10.0), (2.0, 0.5), (10, 3), (1.0, 7.0),
                              (inf, 2.0), (0.5, 4.0), (nan, 2.0), (1024, 2), (2.0, 1.0), (5, 1), (nan, 1.0)],
                 marks=numba_xfail("numba 0.68 has no two-argument math.log")),
    (m_atan2, [(y, x) for y in [0.0, -0.0, 1.0, -1.0] + SPECIAL
               for x in [0.0, -0.0, 1.0, -1.0] + SPECIAL] + [(1, 2), (-3, 0)]),
    (m_hypot, [(3, 4), (3.0, 4.0), (0.0, -0.0), (-5e-324, 5e-324), (1e300, 1e300),
               (inf, nan), (nan, -inf), (nan, 1.0), (1e-300, 1.0)]),
    (m_copysign, [(x, y) for x in [1.0, 0.0, -2.5, inf, 3] for y in [1.0, -0.0, 0.0, -inf, -2]]),
    pytest.param(m_fmod, [(7.0, 2.0), (-7.0, 2.0), (7.0, -2.0), (-0.0, 1.0), (0.0, -1.0),
                          (1.0, inf), (-1.0, -inf), (5.5, 0.5), (nan, 1.0), (1.0, nan),
                          (1e308, 3.0), (7, 3), (-7, 2.5)],
                 marks=numba_xfail("numba 0.68 has no math.fmod")),
    (m_pow, [(2.0, 10.0), (2, 0.5), (-2.0, 3.0), (-2.0, -3.0), (0.0, 0.0), (nan, 0.0),
             (1.0, nan), (inf, -1.0), (-inf, 3.0), (0.5, inf), (2.0, -1074.0), (-1.0, inf),
             (10, 3), (1e-300, 0.5)]),
]


@pytest.mark.parametrize("fn, cases", BINARY, ids=[_name(p) for p in BINARY])
def test_binary(fn, cases):
    check_all(fn, cases)


def gcds(a, b, c):
    return math.gcd(a, b), math.gcd(a), math.gcd(a, b, c), math.gcd()


def test_gcd_binary_algorithm():
    """math.gcd by Stein's binary algorithm (runtime/error.c): zeros, signs, powers of two,
    large odd factors, and pairs of random 60-bit values, against CPython's."""
    import random
    rnd = random.Random(11)
    edges = [0, 1, -1, 2, -2, 12, -18, 1071, 462, 2**40 * 3, -(2**40) * 9, 2**62, INT64_MAX, INT64_MIN + 1,
             (2**31 - 1) * (2**13 - 1), (2**31 - 1) * 2**5]
    cases = [(a, b, c) for a in edges for b in edges[::3] for c in (0, 6)]
    cases += [(rnd.randrange(-2**60, 2**60), rnd.randrange(-2**60, 2**60), rnd.randrange(1, 2**40)) for _ in range(300)]
    check_all(gcds, cases)


def constants(x):
    return math.pi, math.e, math.tau, math.inf, -math.inf, math.nan, math.pi * x


def test_constants():
    check_all(constants, [(1.0,), (2,)])


def from_import(x):
    return imported_sqrt(x) + 1.0


def test_from_import():
    check_all(from_import, [(4.0,), (2,)])


def from_import_cbrt(x):
    return imported_cbrt(x)


@numba_xfail("numba 0.68 has no math.cbrt")
def test_from_import_cbrt():
    check_all(from_import_cbrt, [(8.0,), (-27,)])


# ------------------------------------------------------------------ out of domain

OUT_OF_DOMAIN = [
    (m_sqrt, -1.0, nan),
    (m_sqrt, -inf, nan),
    (m_log, 0.0, -inf),
    (m_log, -0.0, -inf),
    (m_log, -1.0, nan),
    (m_log10, 0.0, -inf),
    (m_log2, 0.0, -inf),
    (m_log1p, -1.0, -inf),
    (m_acos, 2.0, nan),
    (m_asin, -2.0, nan),
    (m_acosh, 0.5, nan),
    (m_sin, inf, nan),
]


@pytest.mark.parametrize("fn, x, expected", OUT_OF_DOMAIN,
                         ids=[f"{f.__name__[2:]}({x})" for f, x, _ in OUT_OF_DOMAIN])
def test_out_of_domain(fn, x, expected):
    # CPython raises ValueError here; ember (like numba) returns the IEEE result.
    with pytest.raises(ValueError):
        fn(x)
    got = jit(fn)(x)
    assert type(got) is float
    if math.isnan(expected):
        assert math.isnan(got)
    else:
        assert got == expected


def is_integer(x):
    return x.is_integer()


def test_float_is_integer():
    check_all(is_integer, [(x,) for x in [0.0, -0.0, 1.0, -3.0, 0.5, 1e300, 2.0**53 + 1, 2.0**-1074,
                                          inf, -inf, nan]])


# ------------------------------------------------------------------ x ** n for an integer n

def const_powers(x):
    return x ** 3, x ** 4, x ** 6, x ** 7, x ** 12, x ** 33, x ** -2, x ** -3, x ** -7


def var_power(x, n):
    return x ** n


def power_array(a, n):
    return a ** 3, a ** n


def _numba_power(x, n):
    """x ** n as Numba computes it for an int n: square and multiply, each product rounded, and
    1 / that for n < 0 (pow beyond |n| = 2**16)."""
    r, a, k = 1.0, x, abs(n)
    while k:
        if k & 1:
            r *= a
        k >>= 1
        a *= a
    return 1.0 / r if n < 0 else r


def test_integer_powers_multiply_as_numba():
    # scalar code: Numba's plain products, its bits (and speed); CPython's pow rounds once
    import numpy as np
    xs = np.random.default_rng(5).standard_normal(3000) * 3
    f, g = jit(const_powers), jit(var_power)
    ns = [3, 4, 6, 7, 12, 33, -2, -3, -7]
    for x in xs.tolist():
        for n, got in zip(ns, f(x)):
            assert got == _numba_power(x, n), (x, n)
        for n in (-9, -4, -1, 0, 1, 2, 3, 5, 8, 9, 20, 64, 65, 200):
            assert g(x, n) == _numba_power(x, n), (x, n)
    assert jit(var_power)(1.00001, 70000) == pytest.approx(1.00001 ** 70000, rel=1e-13)   # pow beyond 2**16


def test_integer_powers_of_arrays_multiply_as_numba():
    # array expressions multiply as scalar code and Numba do (they rounded once, in double-double:
    # neither Numba's bits nor NumPy's pow's, and a float32 array called pow, 18x Numba's time)
    import numpy as np
    xs = np.random.default_rng(6).standard_normal(3000) * 3
    for n in (3, -2, 7, 33):
        cubes, powers = jit(power_array)(xs, n)
        assert all(c == _numba_power(x, 3) for x, c in zip(xs.tolist(), cubes.tolist()))
        assert all(p == _numba_power(x, n) for x, p in zip(xs.tolist(), powers.tolist())), n
    x32 = xs.astype(np.float32)
    cubes32 = jit(cube)(x32)
    assert cubes32.dtype == np.float32 and (cubes32 == x32 * x32 * x32).all()   # products in float32


def cube(x):
    return x ** 3


def fourth(x):
    return x ** 4


def inverse_square(x):
    return x ** -2


def inverse_cube(x):
    return x ** -3


CONST_POWERS = {3: cube, 4: fourth, -2: inverse_square, -3: inverse_cube}


@numba_skip("numba's x ** -n divides 1 by x ** n, so an underflowed product raises ZeroDivisionError")
@pytest.mark.parametrize("x", [0.0, -0.0, math.inf, -math.inf, math.nan, 1e300, -1e300, 1e-300, 5e-324, -5e-324,
                               1e-110, -2.5])
@pytest.mark.parametrize("n", [3, 4, -2, -3])
def test_integer_powers_of_special_values(x, n):
    want = None
    try:
        want = x ** n
    except ZeroDivisionError:
        pass
    except OverflowError:
        want = math.copysign(math.inf, x) if n % 2 else math.inf
    for f, args in ((var_power, (x, n)), (CONST_POWERS[n], (x,))):
        if want is None:
            with pytest.raises(ZeroDivisionError):
                jit(f)(*args)
            continue
        got = jit(f)(*args)
        if math.isnan(want):
            assert math.isnan(got)
        else:   # a subnormal result may differ by an ulp (the plain product's rounding)
            assert got == want or abs(got - want) <= 5e-324, (x, n, got, want)
            assert math.copysign(1, got) == math.copysign(1, want)


def zero_base_powers(x, e):
    return x ** e, pow(x, e), x ** -1.0


def test_zero_to_a_negative_float_power_is_inf_as_numbas():
    # numba's values (CPython raises ZeroDivisionError for the float exponents)
    assert jit(zero_base_powers)(0.0, -1.5) == (math.inf, math.inf, math.inf)
    assert jit(zero_base_powers)(-0.0, -3.0) == (-math.inf, -math.inf, -math.inf)
    with pytest.raises(ZeroDivisionError):
        jit(inverse_cube)(0.0)   # an int exponent raises, as in CPython and numba


def pow_int_exponent(x, i):
    return math.pow(x, i), x ** i


def test_math_pow_of_an_int_exponent_multiplies():
    # math.pow(x, i) of an int i is x ** i, Numba's repeated squaring (statsforecast's ETS forecast:
    # 10x numba's time through libm's pow); the same bits as x ** i
    f = jit(pow_int_exponent)
    for x in (0.95, 1.0123456789, 0.3, 2.7, -1.5):
        for i in (0, 1, 2, 3, 7, 30, 199, -3):
            p, q = f(x, i)
            assert p == q, (x, i, p, q)


def half_powers(x):
    return x ** 0.5, x ** -0.5, x ** 1.5, x ** -1.5, x ** 2.5, x ** -7.5


def half_powers_of_array(a):
    return (a ** 1.5).sum(), a ** -2.5


@pytest.mark.parametrize("x", [0.0, -0.0, 1.0, 2.0, 3.7, 1e-300, 1e300, 1e-200, 1e150, 5e-324, inf, -inf, nan, -1.0])
def test_half_integer_powers_under_fastmath(x):
    # fastmath=True: sqrt(x) times a product (r2 ** -1.5 of an n-body force called pow: 4-6.6x
    # Numba's time), with pow's zeros, infinities and NaN (a float exponent: C's pow, as NumPy's);
    # within an ulp or two of pow
    import numpy as np
    if ON_NUMBA and not 1e-100 < abs(x) < 1e100:
        pytest.skip("Numba's fastmath assumes no inf or NaN comes (and x ** -2 of 1e-200 overflows there)")
    got = jit(half_powers, fastmath=True)(x)
    with np.errstate(all="ignore"):
        want = half_powers(np.float64(x))
    for g, w in zip(got, want):
        assert (math.isnan(g) and math.isnan(w)) or (g == pytest.approx(float(w), rel=1e-14, abs=0) and
                                                     math.copysign(1, g) == math.copysign(1, w)), (x, got, want)
    a = np.abs(np.random.default_rng(7).standard_normal(1000)) + 0.1
    s, p = jit(half_powers_of_array, fastmath=True)(a)
    assert s == pytest.approx((a ** 1.5).sum(), rel=1e-13) and np.allclose(p, a ** -2.5, rtol=1e-14, atol=0)


@numba_skip("ember's generated code")
def test_half_integer_powers_call_no_pow_under_fastmath():
    text = jit(half_powers, fastmath=True).inspect_llvm()
    text = "\n".join(text.values()) if isinstance(text, dict) else text
    assert "@llvm.pow." not in text and "_pow(" not in text
