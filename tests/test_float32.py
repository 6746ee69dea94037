"""float32 and complex64 at their own width, compiled vs NumPy.

Array expressions of float32 compute in float32 as NumPy's loops do, with Python scalars
converted to float32 first (NumPy 2, NEP 50): + - * / and sqrt are correctly rounded in both,
so results must be NumPy's bit for bit (rtol=atol=0). Maths functions call float variants
(expf, libmvec's vector expf): within MATH_ULPS of the correctly rounded result and of NumPy's
(docs/differences.md). Scalar loops follow Numba: an element of a float32 array is a float
in arithmetic, a float32 store rounds, `a[i] * 2.0` is float64."""

import math

import numpy as np
import pytest

from difftest import check, impl, jit, no_leaks  # noqa: F401

# no_leaks (imported above) is an autouse fixture: every test here must free what it allocates.

F32 = np.float32
MATH_ULPS = 4            # ember's float32 maths (libmvec) against the correctly rounded result
MATH_ULPS_NUMPY = 6      # ... against NumPy's own float32 SIMD maths (up to 3 ulp itself)


def data(n=1000, seed=0, scale=1.0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(n) * scale).astype(F32)


A, B, C = data(seed=1), data(seed=2), data(seed=3)
EDGE = np.array([0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 1e-45, -1e-45, 3.4028235e38, 1.1754944e-38,
                 0.1, 1 / 3, 16777217.0], dtype=F32)


def exact(fn, *args):
    check(fn, *args, rtol=0, atol=0)


# ------------------------------------------------------------------ arithmetic, bit for bit

def fma_like(a, b, c):
    return a * b + c


def poly(a, b, c):
    return ((a * 0.3 + b) * a - c) * 1.7 - 0.1


def divisions(a, b, c):
    return a / b + c / (a - 0.5)


def roots(a, b, c):
    return np.sqrt(np.abs(a) * b * b + c * c)


def weak_scalars(a, b, c):
    return a * 0.1, a + 3, 2 ** 0.5 * a, a - 1e30, a * 1e-40


def unary(a, b, c):
    return -a * b, np.abs(a - b) * c, np.square(a + c), np.negative(b) / 3.0


def ufunc_forms(a, b, c):
    return np.add(np.multiply(a, b), c), np.subtract(a, 0.7), np.true_divide(b, 0.3), np.divide(a, c)


def floor_mod(a, b, c):
    return (a * 100) // b, (a * 100) % b, np.fmod(a * 100, b), np.arctan2(a, b) * 0 + np.floor(a * 7.5)


def where_clip(a, b, c):
    return np.where(a > 0.1, a * 0.3, b + 0.7), np.clip(a * 1.3, -0.4, 0.9), np.maximum(a * 0.3, b), np.minimum(a, 0.1)


@pytest.mark.parametrize("fn", [fma_like, poly, divisions, roots, weak_scalars, unary, ufunc_forms, floor_mod, where_clip])
def test_array_expr_bit_exact(fn):
    exact(fn, A, B, C)


def test_edge_values():
    with np.errstate(all="ignore"):   # inf - inf, 0 / 0: NumPy warns, compiled code does not
        exact(fma_like, EDGE, EDGE[::-1].copy(), EDGE)
        exact(poly, EDGE, EDGE[::-1].copy(), EDGE)
        exact(divisions, EDGE, EDGE[::-1].copy(), EDGE)


def test_2d_broadcast_and_strided():
    m = data(600, 4).reshape(20, 30)
    exact(fma_like, m, m[0], m[:, :1].copy())
    exact(poly, m[:, ::2], m[::2, ::2][0], m[1:, ::2][:1])
    exact(poly, m.T, m.T[:, 3], np.float32(0.25))


def compare_weak(a):
    return a == 0.1, a < 0.1, a >= 1 / 3, np.less(a, 0.1), np.equal(a, 1 / 3)


def test_comparison_with_weak_float():
    # NumPy compares with float32(0.1), not with the double 0.1
    x = np.array([0.1, 1 / 3, 0.0, 2.0], dtype=F32)
    exact(compare_weak, x)
    assert jit(compare_weak)(x)[0][0]


def mixed(a32, a64, i32, i16):
    return a32 * a64, a32 + i32, a32 * i16, a32 + a64 * 0.1, i16 / i16, a32 > a64


def test_mixed_operands():
    # float32 with float64 or int32 arrays is float64; with int16 (and int16 / int16) float32
    a64 = A.astype(np.float64) * 1.1
    i32 = (np.arange(1000) * 7919 % 1000 - 500).astype(np.int32)
    i16 = (np.arange(1000) % 300 + 1).astype(np.int16)
    exact(mixed, A, a64, i32, i16)


def test_in_place_and_out():
    def inplace(a, b):
        a *= 0.3
        a += b * b
        return a

    def out_arg(a, b):
        o = np.empty_like(a)
        np.multiply(a, 0.1, out=o)
        return o + b

    exact(inplace, A.copy(), B)
    exact(out_arg, A, B)


def power(a, b):
    return a ** 2, np.power(np.abs(a), b), np.abs(a) ** 0.5


def test_power():
    check(power, A, B, rtol=2 ** -23, atol=0)


# ------------------------------------------------------------------ maths within ulps

def ulps(got, want):
    """The largest distance in float32 steps between two float32 arrays (NaN matching NaN)."""
    g, w = np.asarray(got, F32), np.asarray(want, F32)
    assert g.dtype == w.dtype == F32

    def ordered(x):
        i = x.view(np.int32).astype(np.int64)
        return np.where(i < 0, -(i & 0x7FFFFFFF), i)

    d = np.abs(ordered(g) - ordered(w))
    d[np.isnan(g) & np.isnan(w)] = 0
    return int(d.max()) if d.size else 0


X = data(4000, 7, 10.0)
POS = np.abs(X) + F32(1e-3)
UNIT = np.tanh(X)
MATHS = [("exp", X / 4), ("exp2", X / 4), ("expm1", X / 4), ("log", POS), ("log2", POS), ("log10", POS),
         ("log1p", POS), ("sin", X), ("cos", X), ("tan", X), ("arcsin", UNIT), ("arccos", UNIT), ("arctan", X),
         ("sinh", X / 4), ("cosh", X / 4), ("tanh", X), ("arcsinh", X), ("arccosh", POS + 1),
         ("arctanh", UNIT * F32(0.99)), ("cbrt", X), ("sqrt", POS)]


@pytest.mark.parametrize("name,x", MATHS, ids=[m[0] for m in MATHS])
def test_maths_ulps(name, x):
    ns = {"np": np}
    exec(f"def kernel(a):\n    return np.{name}(a * 1.0)", ns)
    got = jit(ns["kernel"])(x)
    want = getattr(np, name)(x)
    assert got.dtype == F32
    assert ulps(got, getattr(np, name)(x.astype(np.float64)).astype(F32)) <= MATH_ULPS
    assert ulps(got, want) <= MATH_ULPS_NUMPY
    edges = jit(ns["kernel"])(EDGE)   # special values as NumPy: NaN, infinities
    with np.errstate(all="ignore"):
        ref = getattr(np, name)(EDGE)
        assert np.array_equal(np.isnan(edges), np.isnan(ref))
        assert np.array_equal(edges[np.isinf(ref)], ref[np.isinf(ref)])


@pytest.mark.parametrize("name", ["arctan2", "hypot"])
def test_binary_maths_ulps(name):
    ns = {"np": np}
    exec(f"def kernel(a, b):\n    return np.{name}(a, b)", ns)
    y = data(4000, 8, 10.0)
    got = jit(ns["kernel"])(X, y)
    assert got.dtype == F32
    assert ulps(got, getattr(np, name)(X.astype(np.float64), y.astype(np.float64)).astype(F32)) <= MATH_ULPS
    assert ulps(got, getattr(np, name)(X, y)) <= MATH_ULPS_NUMPY



def hypot_loop(u, v):
    out = np.empty_like(u)
    for i in range(u.size):
        out[i] = np.hypot(u[i], v[i])
    return out


def test_hypot_is_glibcs_hypotf():
    # float32 np.hypot, in array code and in a loop over elements, is NumPy's (glibc's hypotf: the
    # float of sqrt(x*x + y*y) in double) bit for bit, infinities and NaNs included
    rng = np.random.default_rng(1)
    u = (rng.standard_normal(20000) * 10.0 ** rng.integers(-40, 38, 20000)).astype(F32)
    v = (rng.standard_normal(20000) * 10.0 ** rng.integers(-40, 38, 20000)).astype(F32)
    special = np.array([np.inf, -np.inf, np.nan, 0.0, -0.0, 3.4e38, 1e-45], F32)
    u, v = np.concatenate([u, np.repeat(special, 7)]), np.concatenate([v, np.tile(special, 7)])
    with np.errstate(all="ignore"):
        want = np.hypot(u, v)
        for got in (jit(hypot_loop)(u, v), jit(lambda a, b: np.hypot(a, b))(u, v)):
            assert got.dtype == F32
            np.testing.assert_array_equal(got, want)

def fused_maths(a, b):
    return np.exp(-a * a) * np.sin(b * 3.0) + np.log1p(np.abs(a))


def test_fused_maths():
    x, y = X / 4, data(4000, 9)
    got, want = jit(fused_maths)(x, y), fused_maths(x, y)
    assert got.dtype == F32
    assert np.allclose(got, want, rtol=2e-6, atol=1e-6)


# ------------------------------------------------------------------ complex64

def cplx(z, w):
    return z * w + z, z - w * 0.5, z * 2j, np.conjugate(z) * w, np.multiply(z, w) - 0.1


def cplx_abs(z, w):
    return np.abs(z * w), z / w


def test_complex64():
    # multiplication as NumPy's complex64 loop: in float, one FMA per part (where the CPU has FMA)
    z = (A + 1j * B).astype(np.complex64)
    w = (C + 1j * A).astype(np.complex64)
    exact(cplx, z, w)
    # |z| and z / w: computed in float64 and rounded once; NumPy's own are up to 2 float32 steps off
    check(cplx_abs, z, w, rtol=2 ** -21, atol=1e-5)   # a part of z / w may cancel in NumPy's float32 Smith division


# ------------------------------------------------------------------ reductions

def reductions(a):
    return a.sum(), np.mean(a), a.max(), np.sum(a * 0.5), a.std()


def test_reductions_are_float32_values():
    got = jit(reductions)(A)
    for g, w in zip(got, reductions(A)):
        assert float(g) == float(F32(g))   # a float32 value, as NumPy's
        assert math.isclose(g, w, rel_tol=1e-6, abs_tol=1e-6)


def test_dot_float32():
    m = data(60 * 50, 5).reshape(60, 50)
    v = data(50, 6)
    check(lambda m, v: (m @ v, np.dot(v, v), v @ m.T), m, v, rtol=1e-5, atol=1e-5)


# ------------------------------------------------------------------ scalar loops (Numba's typing)

def scalar_loop(a, b, out):
    for i in range(a.size):
        out[i] = a[i] * b[i]          # float32 * float32: a float32 product in Numba
    return out


def scalar_weak(a):
    s = 0.0
    for i in range(a.size):
        s += a[i] * 2.0               # float32 * float: float64 in Numba and here
    return s


def test_scalar_loops_follow_numba():
    out = np.empty_like(A)
    exact(scalar_loop, A, B, out)
    assert jit(scalar_loop)(A, B, np.empty_like(A)).dtype == F32
    check(scalar_weak, A)
    assert isinstance(jit(scalar_weak)(A), float)


def matvec(a, x):
    return a @ x, x @ a.T


def test_float32_matrix_vector_is_numpys_gemv():
    # a matrix times a vector goes through ?gemv as NumPy's does: its bits (sgemm with one column was 7x slower)
    rng = np.random.default_rng(3)
    for dt in (np.float32, np.complex64):
        a = (rng.standard_normal((300, 70)) + (1j * rng.standard_normal((300, 70)) if dt == np.complex64 else 0)).astype(dt)
        x = a[5].copy()
        for m in (a, np.asfortranarray(a)):
            y, z = jit(matvec)(m, x)
            assert y.dtype == dt and np.array_equal(y, m @ x) and np.array_equal(z, x @ m.T)


def int_to_float32(a, out, c):
    for i in range(a.size):
        out[i] = a[i]
        c[i] = a[i]
    return np.float32(a[0]), a.astype(np.float32)


@pytest.mark.parametrize("dtype", [np.int64, np.uint64])
def test_ints_round_to_float32_once(dtype):
    # 2**62 + 2**38 + 1 through float64 first rounds to 2**62; to float32 directly, up
    big = [2 ** 62 + 2 ** 38 + 1, 2 ** 53 + 1, 16777217, 3] + ([2 ** 63 + 2 ** 39 + 1] if dtype == np.uint64 else [-(2 ** 62 + 2 ** 38 + 1)])
    a = np.array(big, dtype=dtype)
    f = impl.njit(int_to_float32)
    out, c = np.zeros(a.size, np.float32), np.zeros(a.size, np.complex64)
    s, b = f(a, out, c)
    want = a.astype(np.float32)
    assert np.array_equal(out, want) and np.array_equal(c.real, want) and np.array_equal(b, want)
    assert s == want[0]


def f32_products_as_arrays(a, b):
    x, y = a[0], b[0]
    return np.array([x * y]), np.array([x + y, x - y]), np.full(2, x / y), np.array([x * 2.0]), np.array([a[0] * a[1] * b[0]])


def test_arithmetic_of_float32_scalars_is_float32():
    """x * y of two np.float32 is an np.float32 (Numba, NumPy): an array of it is float32; with a
    Python float it is float64, as in Numba."""
    a, b = np.array([1.1, 2.3], np.float32), np.array([3.7], np.float32)
    got = jit(f32_products_as_arrays)(a, b)
    assert [g.dtype for g in got] == [np.float32] * 3 + [np.float64, np.float32]
    x, y = a[0], b[0]
    assert got[0][0] == x * y and got[1].tolist() == [x + y, x - y] and got[2][0] == x / y
