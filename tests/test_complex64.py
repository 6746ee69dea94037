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
