"""float32 scalars in compiled loops, typed as Numba types them (typeinfer/f32.c).

An element of a float32 array, np.float32(x), and what computes from those alone are float32:
each + - * / and sqrt rounds to float32, so results are NumPy's float32 arithmetic bit for bit
(the references below compute with float32 arrays or np.float32 scalars, one rounding per
step). A Python float or an int meeting a float32 makes float64 (Numba's rule, not NEP 50's),
and a variable that also holds a float64 is a float64."""

import math
import re

import numpy as np
import pytest

from difftest import impl, jit, no_leaks, numba_leaks, numba_skip  # noqa: F401

F32 = np.float32


def data(n=1000, seed=0):
    return np.random.default_rng(seed).standard_normal(n).astype(F32)


A, B, C = data(seed=1), data(seed=2), data(seed=3)
EDGE = np.array([0.0, -0.0, 1.0, -1.0, np.inf, -np.inf, np.nan, 1e-45, -1e-45, 3.4028235e38, 1.1754944e-38,
                 0.1, 1 / 3, 16777217.0, 3.0, 7.0], dtype=F32)


def same_bits(got, want):
    got, want = np.asarray(got, dtype=np.float64), np.asarray(want, dtype=np.float64)
    assert got.shape == want.shape
    assert np.array_equal(got.view(np.int64), want.view(np.int64)), (got, want)


def chain(a, b, c, out):
    for i in range(a.size):
        x = a[i] * b[i] + c[i]        # float32 * float32 + float32: two float32 roundings
        y = a[i] - b[i]
        out[i] = x / y
    return out


def chain_f64(a, b, c, out):
    for i in range(a.size):
        out[i] = (a[i] * b[i] + c[i]) / (a[i] - b[i])
    return out


@pytest.mark.parametrize("a,b,c", [(A, B, C), (EDGE, EDGE[::-1].copy(), EDGE[3:].tolist() + EDGE[:3].tolist())])
def test_chain_rounds_each_step(a, b, c):
    c = np.asarray(c, dtype=F32)
    want = (a * b + c) / (a - b)          # NumPy's float32 loops
    with np.errstate(all="ignore"):
        same_bits(jit(chain)(a, b, c, np.empty_like(a)), want)
        same_bits(jit(chain_f64)(a, b, c, np.empty(a.size)), want)   # float32 values, stored in float64


def dot32(a, b):
    s = np.float32(0)
    for i in range(a.size):
        s += a[i] * b[i]              # a float32 accumulator: rounded every step
    return s


def dot64(a, b):
    s = 0.0
    for i in range(a.size):
        s += a[i] * b[i]              # float32 products, summed in float64
    return s


def sum_iter(a):
    s = a[0] - a[0]
    for x in a:
        s = s + x * x
    return s


def test_loop_carried_float32():
    s = F32(0)
    for x, y in zip(A, B):
        s = F32(s + F32(x * y))
    same_bits(jit(dot32)(A, B), s)
    same_bits(jit(dot64)(A, B), sum_f64_of(A * B))
    t = A[0] - A[0]
    for x in A:
        t = F32(t + F32(x * x))
    same_bits(jit(sum_iter)(A), t)


def conv_rows(x, w, out):
    zero = np.float32(0.0)
    for i in range(out.shape[0]):
        for j in range(out.shape[1]):
            s = out[i, j]
            for u in range(w.shape[0]):
                for v in range(w.shape[1]):
                    s += x[i + u, j + v] * w[u, v]
            if s < zero:
                s = zero
            out[i, j] = s
    return out


def test_float32_variable_across_nested_loops():
    """A float32 accumulator carried through nested loops stays a float: float32 bits, and no
    widening and narrowing back on each trip (which made such loops 4x slower than float64)."""
    x, w = data(12 * 11).reshape(12, 11), data(9, seed=4).reshape(3, 3)
    out = data(10 * 9, seed=5).reshape(10, 9)
    want = out.copy()
    for i in range(10):
        for j in range(9):
            s = want[i, j]
            for u in range(3):
                for v in range(3):
                    s = F32(s + F32(x[i + u, j + v] * w[u, v]))
            want[i, j] = max(s, F32(0))
    f = jit(conv_rows)
    same_bits(f(x, w, out.copy()), want)
    if hasattr(f, "inspect_asm"):
        asm = "\n".join(f.inspect_asm().values())
        assert "cvtss2sd" not in asm and "cvtsd2ss" not in asm


def c64_dft_bins(x, tw, bins):
    n = x.shape[0]
    out = np.empty(bins.shape[0], dtype=np.complex64)
    mag = np.empty(bins.shape[0], dtype=np.float32)
    for b in range(bins.shape[0]):
        acc = np.complex64(0.0)
        for t in range(n):
            acc += x[t] * tw[(bins[b] * t) % n]
        out[b] = acc
        mag[b] = abs(acc)
    return out, mag, acc


def test_complex64_variable_across_loops():
    """A complex64 accumulator read after its loop (abs(acc), returned) stays two floats: no
    widening and narrowing back of each part on each trip (3x numba's time before)."""
    rng = np.random.default_rng(3)
    x = (rng.standard_normal(64) + 1j * rng.standard_normal(64)).astype(np.complex64)
    tw = np.exp(-2j * np.pi * np.arange(64) / 64).astype(np.complex64)
    bins = np.array([0, 1, 5, 63], dtype=np.int64)
    f = jit(c64_dft_bins)
    out, mag, acc = f(x, tw, bins)
    want = np.empty(4, dtype=np.complex64)
    for b in range(4):   # complex64 arithmetic as NumPy's scalars do it
        a = np.complex64(0)
        for t in range(64):
            a = np.complex64(a + np.complex64(x[t] * tw[(bins[b] * t) % 64]))
        want[b] = a
    assert acc == want[-1]
    np.testing.assert_allclose(out, want, rtol=2e-6, atol=1e-5)
    np.testing.assert_allclose(mag, np.abs(want), rtol=2e-6, atol=1e-5)
    if hasattr(f, "inspect_llvm"):   # no double carried round a loop
        ir = "\n".join(f.inspect_llvm().values())
        assert "fadd float" in ir or "x float>" in ir
        carried = [p for p in re.findall(r"(%\S+) = phi (?:double|<\d+ x double>)", ir) if "lcssa" not in p]
        assert not carried, carried


def sum_f64_of(p):
    s = 0.0
    for v in p.tolist():
        s += v
    return s


def roots(a, b, out):
    for i in range(a.size):
        out[i] = math.sqrt(a[i] * a[i] + b[i] * b[i]) + np.sqrt(abs(a[i]))
    return out


def test_sqrt_is_float32():
    want = np.sqrt(A * A + B * B) + np.sqrt(np.abs(A))
    same_bits(jit(roots)(A, B, np.empty(A.size)), want)


def mixed(a, i):
    x = a[i]
    return x * 0.1, x + 16777216, x * True, x ** 2, -x * a[i + 1], min(x, a[i + 1]), max(abs(x), a[i + 2])


def test_numba_typing_rules():
    a = np.array([1.0, 0.3, -0.7, 2.5], dtype=F32)
    got = jit(mixed)(a, 0)
    x = float(a[0])
    assert got[0] == x * 0.1                  # float32 * Python float: float64
    assert got[1] == 16777217.0               # float32 + int: float64 (float32 would give 16777216)
    got = jit(mixed)(a, 1)
    x32 = a[1]
    assert got[2] == float(x32)
    same_bits(got[3], x32 * x32)
    same_bits(got[4], -x32 * a[2])
    same_bits(got[5:], [min(x32, a[2]), max(abs(x32), a[3])])


def unified(a, flag):
    x = a[0]
    if flag:
        x = 0.1                               # the variable holds a float64 too: float64
    return x * a[1]


def unpacked(a, b):
    x, y = a[0], b[0]
    return x * y


def converted(u, v):
    return np.float32(u) * np.float32(v), np.float32(u) / 3.0


def test_variables_tuples_conversions():
    a = np.array([0.1, 0.3], dtype=F32)
    assert jit(unified)(a, True) == 0.1 * float(a[1])
    assert jit(unified)(a, False) == float(a[0]) * float(a[1])   # x is a float64 on every path
    same_bits(jit(unpacked)(a, a[::-1].copy()), a[0] * a[1])
    got = jit(converted)(0.1, 0.2)
    same_bits(got[0], F32(0.1) * F32(0.2))
    assert got[1] == float(F32(0.1)) / 3.0


def maths(a, out):
    for i in range(a.size):
        out[i] = math.exp(a[i]) + np.sin(a[i]) * math.atan2(a[i], a[i] + a[i])
    return out


def test_maths_float_variants():
    x = (A * F32(0.5)).astype(F32)
    got = jit(maths)(x, np.empty(x.size))
    for g in got:
        assert float(g) == float(F32(g))       # float32 values: expf, sinf, atan2f
    want = np.exp(x.astype(np.float64)) + np.sin(x.astype(np.float64)) * np.arctan2(x, 2 * x.astype(np.float64))
    assert np.allclose(got, want, rtol=4e-6, atol=1e-6)


def floor_mod(a, b, out):
    for i in range(a.size):
        out[i] = (a[i] * b[i]) % b[i] + (a[i] // b[i])
    return out


@numba_leaks("numba keeps the arrays of a frame that raises")
def test_floor_mod_python_semantics():
    a, b = A * F32(10), B + F32(3)
    got = jit(floor_mod)(a, b, np.empty(a.size, F32))
    p = a * b
    want = (p % b + a // b).astype(F32)
    assert np.allclose(got, want, rtol=1e-6, atol=1e-5)
    with pytest.raises(ZeroDivisionError):
        jit(floor_mod)(a[:2], np.zeros(2, F32), np.empty(2, F32))


def dots(a, b):
    return np.dot(a, b), np.dot(a[::3], b[::-3]), np.dot(a[1:], b[:-1]), np.dot(a[:0], b[:0])


@numba_skip("numba's dot and sum add in their own order")
@pytest.mark.parametrize("dt", [np.float32, np.complex64, np.complex128, np.float64])
def test_vector_dot_is_numpys(dt):
    # 1-d dot goes to ?dot (?dotu for complex) with NumPy's rule for strides, so its sums are NumPy's
    x = A.astype(dt) + (1j * B if np.dtype(dt).kind == "c" else 0)
    y = (C * F32(0.5)).astype(dt)
    got, want = jit(dots)(x, y), dots(x, y)
    for g, w in zip(got, want):
        assert g == w and type(g) is type(w.item())


def sums(x):
    return np.sum(x), x.sum(axis=1), x.sum(axis=0), np.sum(x[3, ::3]), np.sum(x * 1.5), x[7].sum()


@numba_skip("numba's dot and sum add in their own order")
def test_float32_sums_are_numpys():
    # float32 adds in float32, pairwise (or row by row across the slow axis), as NumPy does
    x = np.random.default_rng(4).standard_normal((203, 517)).astype(F32)
    for g, w in zip(jit(sums)(x), sums(x)):
        same_bits(g, w)
    same_bits(jit(lambda v: np.sum(v, dtype=np.float64))(x), np.sum(x, dtype=np.float64))


def after_reductions(x, y):
    f = F32(1.1)
    return (x.sum() * f, np.sum(x) * f, x.mean() * f, x.max() * f, np.min(x) * f, np.dot(x, y) * f,
            np.sqrt(np.sum(x * x)), x.max() - x.min())


def fills_of_reductions(x):
    return np.full(2, x.sum()), np.full(2, x.max()), np.array([x.min(), x[0]])


@numba_skip("numba's sum adds in its own order")
def test_a_float32_reduction_is_a_float32():
    # a whole reduction of a float32 array is a float32 scalar (NumPy's and Numba's): the maths
    # after it is float32's, and np.full / np.array of it are float32 arrays
    x, y = A[:257], B[:257]
    for g, w in zip(jit(after_reductions)(x, y), after_reductions(x, y)):
        same_bits(g, w)
    for g, w in zip(jit(fills_of_reductions)(x), fills_of_reductions(x)):
        assert g.dtype == w.dtype
        same_bits(g, w)


def rounds(a, nd):
    out = np.empty(a.size)
    for i in range(a.size):
        out[i] = round(a[i], nd)
    return out


@pytest.mark.parametrize("nd", [-2, 0, 1, 2, 3])
def test_round_of_a_float32_element_is_numpys(nd):
    # round(x, nd) of an np.float32 is NumPy's float32 rounding (scaled in float32)
    a = np.array([2.675, 0.125, 1234.5678, -2.5, 1e-8, 0.0, -0.0, 7.45, 3.4028235e38], dtype=F32)
    same_bits(jit(rounds)(a, nd), np.array([float(round(x, nd)) for x in a]))


def complex_times_f32(z, a, x):
    s = 0j
    for i in range(a.size):
        s += z[i] * x[i] + a[i] / x[i] - x[i]    # a complex meeting a float32 value: complex128
    return s, 1j * np.float32(2.0), x[0] + 1j


def test_complex_meeting_a_float32_value():
    """A float32 value as the operand of a complex operation (compiling it crashed)."""
    z = (A + 1j * B).astype(np.complex128)
    a = (B - 1j * C).astype(np.complex64)
    x = np.abs(C) + F32(0.5)
    s, c, t = jit(complex_times_f32)(z, a, x)
    want = complex_times_f32(z, a, x)
    assert c == want[1] and t == want[2]
    assert abs(s - want[0]) <= 1e-9 * abs(want[0])


def saxpy(a, x, y):
    for i in range(x.size):
        y[i] = a * x[i] + y[i] * np.float32(0.5)
    return y


def square(a):
    return a * a


def test_float32_argument_computes_in_float32():
    """An np.float32 argument is a float32 (Numba's typeof), so its maths is float32's: NumPy's
    float32 arithmetic bit for bit; a Python float argument is a float64, in its own
    specialisation."""
    f = jit(saxpy)
    for a in (F32(0.3), F32(-1.7), F32(np.inf)):
        with np.errstate(all="ignore"):
            same_bits(f(a, A, B.copy()), a * A + B * F32(0.5))
    g = jit(square)
    assert g(F32(0.1)) == float(F32(0.1) * F32(0.1)) != 0.1 * 0.1
    assert g(0.1) == 0.1 * 0.1
    assert g(F32(0.1)) == float(F32(0.1) * F32(0.1))   # each keeps its own specialisation


@numba_skip("the float32 specialisation's name is ember's")
def test_float32_argument_names():
    import ember
    g = jit(square)
    g(F32(2.0)), g(2.0)
    assert [tuple(map(str, s)) for s in g.signatures] == [("float32",), ("float64",)]
    assert ember.typeof(F32(1)) == ember.types.float32 and ember.typeof(1.0) == ember.types.float64
    h = ember.njit("float64(float64)")(square)   # an explicit float64 signature takes an np.float32
    assert h(F32(0.1)) == float(F32(0.1)) ** 2


def abs_c64(z, out):
    s = np.float32(0)
    for i in range(z.size):
        out[i] = abs(z[i])
        s += abs(z[i])
    return s, abs(z[0])


def test_abs_of_a_complex64_is_a_float32():
    """abs() of a complex64 element is a float32, hypotf of its parts (as Numba; it was a float64
    hypot, 5-13x slower in a loop): exact for one value, within an ulp in a vector loop (glibc's
    vector hypotf)."""
    z = (A + 1j * B).astype(np.complex64)
    out = np.empty(z.size, F32)
    s, first = jit(abs_c64)(z, out)
    assert first == float(np.hypot(z.real[:1], z.imag[:1])[0])
    ulps = np.abs(out.view(np.int32) - np.hypot(z.real, z.imag).view(np.int32))
    assert ulps.max() <= 1
    assert abs(s - np.sum(out, dtype=np.float64)) <= 1e-3 * abs(s)


def fma_like(a, c, b):
    return a + c * b


def square_h(h):
    return h * h


def calls_fma(a, c, b):
    return FMA(a, c, b)


def calls_square(h):
    return SQ(h) + h


def calls_in_loop(x32, k):
    s = np.float32(0)
    for i in range(x32.size):
        s += SQ(x32[i] * k)
    return s


FMA = jit(fma_like)
SQ = jit(square_h)


def test_float32_values_call_float32_callees():
    # as Numba: a compiled callee given float32 values computes in float32, and returns one
    assert jit(calls_fma)(F32(1000), F32(0.2), F32(-4000)) == 200.0   # float64 maths: 199.99998807907104
    assert jit(calls_square)(F32(0.1)) == float(F32(0.1) * F32(0.1) + F32(0.1))
    x = np.linspace(0, 1, 101, dtype=np.float32)
    want = F32(0)
    for v in x:
        want += (v * F32(0.3)) * (v * F32(0.3))
    assert jit(calls_in_loop)(x, F32(0.3)) == float(want)


def _libm():
    import ctypes
    import ctypes.util
    m = ctypes.CDLL(ctypes.util.find_library("m"))
    m.logf.restype, m.logf.argtypes = ctypes.c_float, [ctypes.c_float]
    return m


LIBM = _libm()


def angle_log(x):
    return math.radians(x), math.degrees(x), math.log(x)


def test_radians_degrees_log_of_a_float32():
    # as Numba: float32 results (radians/degrees multiply by the float32 constant, log is logf)
    for v in (0.3, 123.456, 7e-3):
        x = F32(v)
        r, d, lg = jit(angle_log)(x)
        assert r == float(x * F32(math.pi / 180)) and d == float(x * F32(180 / math.pi))
        assert lg == LIBM.logf(float(x))   # C's logf (NumPy's own SIMD log can differ by an ulp)


def pixel_times_f32(img):
    out = np.empty(img.shape[:2], np.float32)
    s = 0.0
    for i in range(img.shape[0]):
        for j in range(img.shape[1]):
            v = np.float32(0.299) * img[i, j, 0] + np.float32(0.587) * img[i, j, 1] + np.float32(0.114) * img[i, j, 2]
            out[i, j] = v
            s += float(img[i, j, 0] / np.float32(255.0))
    return out, s, np.float32(0.299) * img[0, 0, 0]


@pytest.mark.parametrize("dtype", [np.uint8, np.int8, np.int16])
def test_float32_with_narrow_ints_stays_float32(dtype):
    # Numba's promotion of float32 with int8, uint8 or int16 is float32, as NumPy's (uint16:
    # float64 in Numba, float32 in NumPy)
    img = np.random.default_rng(1).integers(0, 100, (4, 5, 3)).astype(dtype)
    out, s, v = impl.njit(pixel_times_f32)(img)
    want = pixel_times_f32(img)
    assert np.array_equal(out, want[0]) and s == float(want[1]) and v == float(want[2])


EPS32 = np.float32(0.1)
Z64 = np.complex64(0.3 + 0.7j)


def with_narrow_globals(a):
    return a[0] * EPS32 + EPS32, a[0] * Z64


def test_float32_and_complex64_globals_compute_at_their_width():
    a = np.array([0.3], np.float32)
    x, z = impl.njit(with_narrow_globals)(a)
    wx, wz = with_narrow_globals(a)
    assert x == float(wx) and z == complex(wz)


def f32_powers(a, n):
    x = a[0]
    return x ** 3, x ** -3, x ** 7, x ** n, x ** 2


def test_float32_int_powers_multiply_in_float32():
    # Numba's x * x * x in float32, each product rounded (the double products rounded once differ)
    f = impl.njit(f32_powers)
    for v in (2.3, 0.1, 1.7, 3.3):
        a = np.array([v], np.float32)
        x = a[0]
        want = (x * x * x, np.float32(1) / (x * x * x), ((x * x) * (x * x)) * ((x * x) * x), None, x * x)
        got = f(a, 5)
        for g, w in zip(got, want):
            if w is not None:
                assert g == float(w)


def sum_above(x, t):
    s = np.float32(0.0)
    for i in range(x.shape[0]):
        if x[i] > t:
            s += x[i]
    return s


def energy_and_count_above(x, t):
    e = np.float32(0.0)
    n = 0
    for i in range(x.shape[0]):
        if x[i] > t:
            e += x[i] * x[i]
            n += 1
    return e, n


def steps_after(n, v):
    s = np.float32(0.0)
    for i in range(n):
        if i > 5:
            s -= v
    return s


def test_conditional_float32_sums_stay_float32():
    """`if c: s += x` of float32 values is a float32 sum, as without the if (lowered as an
    unconditional add of c ? x : -0.0, it was summed in float64)."""
    x = np.random.default_rng(0).random(20000).astype(np.float32)
    for fn, args in ((sum_above, (x, np.float32(0.5))), (energy_and_count_above, (x, np.float32(0.25))),
                     (steps_after, (20000, np.float32(0.1)))):
        got, want = jit(fn)(*args), fn(*args)   # (a float32 result comes back a Python float, as from numba)
        assert got == want, (fn.__name__, got, want)


def through_tuples(a):
    t = (a[0], a[1])
    s = t[0] + t[1]            # items of a tuple of float32 values are float32
    x, y = t
    u = x * y - t[-1]
    p = (a[2], 1.5)
    return s, u, p[0] + a[3], p[1] + a[3]   # p[1] is a float64: a float64 sum (numba's, not NEP 50's)


def test_float32_values_through_tuples_stay_float32():
    a = np.array([0.1, 0.2, 0.7, 1e-3], np.float32)
    got = jit(through_tuples)(a)
    x, y, z, w = (np.float32(v) for v in a)
    same_bits(got, (x + y, x * y - y, z + w, 1.5 + float(w)))


@impl.njit
def product_and_sum(x, y):
    return x * y, x + y, 0.5   # two float32 items and a float64 one


def through_a_callee(a):
    p, s, h = product_and_sum(a[0], a[1])
    q = product_and_sum(a[2], a[3])
    return p + s, q[0] - q[1], h + a[0]


def test_float32_items_of_a_callees_tuple_stay_float32():
    a = np.array([0.1, 0.2, 0.7, 1e-3], np.float32)
    x, y, z, w = (np.float32(v) for v in a)
    same_bits(jit(through_a_callee)(a), (x * y + (x + y), z * w - (z + w), 0.5 + float(x)))


def appended_items(a):
    lst = []
    for x in a:
        lst.append(x)          # a list(float32) in numba: its items are float32
    s = np.float32(0)
    for x in lst:
        s += x
    return s, lst[0] + lst[1], lst.pop() * lst[0]


def displayed_items(a):
    lst = [a[0], a[1]]
    lst.insert(0, a[2])
    lst[1] = a[3] * a[3]
    return lst[0] + lst[1], lst[2] - lst[0]


def typed_list_items(a):
    lst = impl.typed.List()
    for x in a:
        lst.append(x)
    return lst[0] + lst[1]


def mixed_items(a):
    lst = [a[0]]
    lst.append(0.1)            # a float64 joins: a list(float64), float64 sums
    other = [a[0], a[1]]
    alias = other
    alias.append(0.2)          # (through another name)
    return lst[0] + lst[1], other[0] + other[1]


def test_float32_list_items_stay_float32():
    a = np.array([0.1, 0.2, 0.7, 1e-3], np.float32)
    x, y, z, w = (np.float32(v) for v in a)
    same_bits(jit(appended_items)(a), (((x + y) + z) + w, x + y, w * x))
    same_bits(jit(displayed_items)(a), (z + w * w, y - z))
    same_bits(jit(typed_list_items)(a), x + y)
    same_bits(jit(mixed_items)(a), (float(x) + 0.1, float(x) + float(y)))
