"""complex64 array expressions and ufuncs computed in float, as NumPy's complex64 loops compute
them, compared bit for bit: the C99 float functions (csinf, clogf, ...), NumPy's division and
reciprocal algorithms in float, z * z through fused multiply-adds as its vector loop, and np.abs
by its vector loop's scaled square root. np.exp is glibc's cexpf inline, so its loop runs on
libmvec's expf/sinf/cosf: within a few ulp of NumPy's, with cexpf's special values exactly."""

import numpy as np
import pytest

from difftest import jit, no_leaks  # noqa: F401

RNG = np.random.default_rng(11)
Z = ((RNG.standard_normal(700) + 1j * RNG.standard_normal(700)) * 2).astype(np.complex64)
W = ((RNG.standard_normal(700) + 1j * RNG.standard_normal(700)) * 2).astype(np.complex64)
EDGE = np.array([0j, -0.0 - 0j, 1 + 0j, -1 + 0j, -1 - 0j, 1j, complex(np.inf, 0), complex(0, np.inf),
                 complex(np.inf, np.nan), complex(np.nan, np.inf), complex(np.nan, 0), complex(-np.inf, 1),
                 1e38 + 1e38j, 1e-45 + 1e-45j, 3 + 4j, 0.5 - 0.25j, complex(-np.inf, np.nan), complex(np.inf, -2),
                 complex(np.inf, 1e-40), complex(-np.inf, -0.0), complex(100, 0), complex(200, -3), complex(300, 0.5),
                 complex(88.5, 1e-39), complex(np.nan, -0.0), complex(1, 1e30)], dtype=np.complex64)
UNARY = ["exp", "log", "sqrt", "sin", "cos", "tan", "sinh", "cosh", "tanh", "arcsin", "arccos", "arctan",
         "arcsinh", "arccosh", "arctanh", "log2", "log10", "exp2", "log1p", "expm1", "abs", "square", "reciprocal"]


def same_bits(got, want):
    # every part the same float32, bit for bit (signed zeros too); NaN matches any NaN
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape, (got.dtype, want.dtype)
    g, w = got.reshape(-1).view(np.float32), np.ascontiguousarray(want).reshape(-1).view(np.float32)
    same = (g.view(np.uint32) == w.view(np.uint32)) | (np.isnan(g) & np.isnan(w))
    assert same.all(), (got, want)


def near_bits(got, want, ulps):
    # finite parts within `ulps` float32 steps and of the same sign; zeros, infinities, NaN exactly
    g, w = got.reshape(-1).view(np.float32), want.reshape(-1).view(np.float32)
    gi, wi = g.view(np.int32).astype(np.int64), w.view(np.int32).astype(np.int64)
    same = (gi == wi) | (np.isnan(g) & np.isnan(w))
    near = np.isfinite(w) & (w != 0) & (np.sign(g) == np.sign(w)) & (np.abs(gi - wi) <= ulps)
    assert (same | near).all(), (got, want)


def unary(z):
    return (np.exp(z), np.log(z), np.sqrt(z), np.sin(z), np.cos(z), np.tan(z), np.sinh(z), np.cosh(z), np.tanh(z),
            np.arcsin(z), np.arccos(z), np.arctan(z), np.arcsinh(z), np.arccosh(z), np.arctanh(z), np.log2(z),
            np.log10(z), np.exp2(z), np.log1p(z), np.expm1(z), np.abs(z), np.square(z), np.reciprocal(z))


@pytest.mark.parametrize("z", [Z, EDGE], ids=["random", "edges"])
def test_unary_ufuncs_are_numpys(z):
    with np.errstate(all="ignore"):
        want = unary(z)
        got = jit(unary)(z)
    for name, g, w in zip(UNARY, got, want):
        assert g.dtype == w.dtype, name
        if name == "exp":
            near_bits(g, w, 8)
        else:
            same_bits(g, w)


def arith(z, w):
    return z * w + z, z / w, z ** 2, (z - w) / 3, 1 / z, abs(z * 1e30), abs(z * 1e-30)


def test_arithmetic_is_numpys():
    with np.errstate(all="ignore"):
        for z, w in ((Z, W), (EDGE, EDGE[::-1].copy()), (Z[:EDGE.size], EDGE)):
            for g, x in zip(jit(arith)(z, w), arith(z, w)):
                same_bits(g, x)


def powers(z):
    return (z ** 3, z ** -1, z ** -2, z ** 5, z ** -7, np.power(z, 2), np.power(z, 3), np.power(z, -1),
            np.power(z, 0), z ** 1)


def test_small_integer_powers_are_numpys():
    # z ** 2 and z ** -1 are NumPy's square and reciprocal; the others its power loop's products in float
    with np.errstate(all="ignore"):
        for z in (Z, EDGE):
            for g, w in zip(jit(powers)(z), powers(z)):
                same_bits(g, w)


# ---- complex64 scalars: Numba computes them in complex64 (float parts, each operation rounded) ----
F = np.float32


def c64_mul(a, b):
    ar, ai, br, bi = F(a.real), F(a.imag), F(b.real), F(b.imag)
    return complex(ar * br - ai * bi, ar * bi + ai * br)


def c64_div(a, b):   # CPython's algorithm, in float32 (as Numba's complex64 division)
    ar, ai, br, bi = F(a.real), F(a.imag), F(b.real), F(b.imag)
    if abs(br) >= abs(bi):
        r = bi / br
        d = br + bi * r
        return complex((ar + ai * r) / d, (ai - ar * r) / d)
    r = br / bi
    d = br * r + bi
    return complex((ar * r + ai) / d, (ai * r - ar) / d)


def scalar_ops(a, b):
    return a * b, a + b, a - b, a / b, (a * b).real, a * b.conjugate()


def elementwise(x, y):
    out = np.empty_like(x)
    for i in range(x.size):
        out[i] = x[i] * y[i] / (y[i] + np.float32(1))
    return out


def julia_count(c, m):
    n = 0
    for i in range(40):
        z = np.complex64(complex(-1.5 + 3.0 * i / 40, 0.3))
        k = 0
        while k < m and (z.real * z.real + z.imag * z.imag) < 4:
            z = z * z + c
            k += 1
        n += k
    return n


def test_complex64_scalars_compute_in_complex64():
    a, b = np.complex64(0.1 + 0.7j), np.complex64(0.3 - 0.9j)
    got = jit(scalar_ops)(a, b)
    assert got[0] == c64_mul(a, b) and got[3] == c64_div(a, b)
    assert got[1] == complex(np.complex64(a + b)) and got[2] == complex(np.complex64(a - b))
    assert got[4] == float(F(c64_mul(a, b).real)) and got[5] == c64_mul(a, np.conj(b))
    rng = np.random.default_rng(5)
    x = (rng.standard_normal(200) + 1j * rng.standard_normal(200)).astype(np.complex64)
    y = (rng.standard_normal(200) + 1j * rng.standard_normal(200)).astype(np.complex64)
    want = np.array([c64_div(c64_mul(p, q), complex(F(q.real) + F(1), F(q.imag))) for p, q in zip(x, y)], np.complex64)
    assert np.array_equal(jit(elementwise)(x, y), want)


def test_complex64_iteration_stays_complex64():
    c = np.complex64(-0.8 + 0.156j)
    want = 0
    for i in range(40):
        z = np.complex64(complex(-1.5 + 3.0 * i / 40, 0.3))
        k = 0
        while k < 50 and (F(z.real) * F(z.real) + F(z.imag) * F(z.imag)) < 4:
            z = np.complex64(c64_mul(z, z) + complex(c))
            k += 1
        want += k
    assert jit(julia_count)(c, 50) == want


def through_tuples(c):
    t = (c[0], c[1])
    x, y = t
    return t[0] * t[1], x + y, t[-1] / x   # items of a tuple of complex64 values are complex64


def test_complex64_values_through_tuples_stay_complex64():
    c = np.array([0.1 + 0.2j, 0.3 - 0.7j], np.complex64)
    got = jit(through_tuples)(c)
    want = (c[0] * c[1], c[0] + c[1], c[1] / c[0])
    for g, w in zip(got, want):
        assert complex(g) == complex(w), (got, want)
