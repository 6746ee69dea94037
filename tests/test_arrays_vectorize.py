"""Loops over contiguous arrays vectorise: inspect_asm() of a sum loop and a saxpy loop over
C-contiguous arrays shows packed AVX2 (ymm) or AVX-512 (zmm) instructions; loops over exp, sin, cos,
log and pow call glibc's vector maths (libmvec), as accurate as NumPy's SIMD loops. Skipped off
x86-64/AVX2 and on the numba backend (the test reads ember's assembly)."""

import math
import platform
import re

import numpy as np
import pytest

from difftest import ON_NUMBA, check, check_all, njit
from difftest import no_leaks  # noqa: F401  (autouse: every test frees what it allocates)
from test_arrays_basic import clamped_counts

pytestmark = pytest.mark.skipif(
    ON_NUMBA or platform.machine() != "x86_64" or "avx2" not in open("/proc/cpuinfo").read(),
    reason="needs ember on x86-64 with AVX2")


def int_sum(a):
    t = 0
    for i in range(a.shape[0]):
        t += a[i]
    return t


def saxpy(alpha, x, y, out):
    for i in range(x.shape[0]):
        out[i] = alpha * x[i] + y[i]


def expr(x, y):
    return 2.0 * x + y


def asm_of(fn, *args):
    f = njit(fn)
    f(*args)
    return "\n".join(f.inspect_asm().values())


def packed(asm, mnemonics):
    return [line for line in asm.splitlines()
            if ("ymm" in line or "zmm" in line) and any(m in line for m in mnemonics)]


def test_sum_loop_vectorises():
    asm = asm_of(int_sum, np.arange(1000, dtype=np.int64))
    assert packed(asm, ("vpaddq",)), asm


def test_saxpy_loop_vectorises():
    x = np.ones(1000)
    asm = asm_of(saxpy, 2.0, x, x, np.empty(1000))
    assert packed(asm, ("vfmadd", "vmulpd", "vaddpd")), asm


def test_array_expression_vectorises():
    x = np.ones(1000)
    asm = asm_of(expr, x, x)
    assert packed(asm, ("vfmadd", "vmulpd", "vaddpd")), asm


def transcendental_loop(x, out):
    for i in range(x.shape[0]):
        v = x[i]
        out[0, i] = math.exp(-v * v)
        out[1, i] = math.sin(v)
        out[2, i] = math.cos(v)
        out[3, i] = math.log(1.0 + v * v)
        out[4, i] = math.pow(abs(v), 0.3)
    return out


def transcendental_expr(x):
    return np.exp(-x * x), np.sin(x), np.cos(x), np.log(1.0 + x * x)


def vector_maths():
    from ember import _ember
    return _ember.build_info()["libmvec"]


@pytest.mark.skipif(not vector_maths(), reason="glibc's libmvec does not load here")
def test_transcendental_loops_call_vector_maths():
    x = np.linspace(-30.0, 30.0, 1001)
    for asm in (asm_of(transcendental_loop, x, np.empty((5, len(x)))), asm_of(transcendental_expr, x)):
        calls = {f for f in ("exp", "sin", "cos", "log") if re.search(r"_ZGV[de]N(4|8)v_%s\b" % f, asm)}
        assert len(calls) == 4, asm
    assert re.search(r"_ZGV[de]N(4|8)vv_pow\b", asm_of(transcendental_loop, x, np.empty((5, len(x)))))


FINITE = [0.0, -0.0, 1e-310, -1e-310, 1e-20, 0.5, 1.0, 26.6, -27.3, 1e6, -1e15, 1e300, -1e300]


def test_vector_maths_match_libm():
    """Every lane and the scalar remainder against CPython's math, and NumPy's functions on
    infinities and NaN too (tolerance: a few ulp)."""
    rng = np.random.default_rng(3)
    xs = [np.linspace(-30.0, 30.0, 1001), rng.standard_normal(37) * 100, np.array(FINITE * 3)]
    xs_special = xs + [np.array(FINITE + [math.inf, -math.inf, math.nan] * 5)]
    with np.errstate(all="ignore"):   # v * v overflows for +-1e300, in CPython as compiled
        check_all(transcendental_loop, [(x, np.empty((5, len(x)))) for x in xs], rtol=1e-14, atol=1e-300)
        check_all(transcendental_expr, [(x,) for x in xs_special], rtol=1e-14, atol=1e-300)


def maths_into(x, out):
    for i in range(x.shape[0]):
        v = x[i]
        out[i] = math.log1p(math.exp(v)) + math.sin(v) + math.pow(abs(v), 0.3) + math.tanh(v)


def maths_expr(x):
    return np.exp(x) + np.log1p(np.abs(x)) + np.cos(x) + np.tanh(x)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_vector_maths_do_not_depend_on_length_or_placement(dtype):
    """A vector loop's copies (vector body, vectorised epilogue, scalar loop for the last trips and
    for outputs just after the input) call one maths implementation: a value's result is the same
    whatever the array's length and wherever its output lies (codegen/samemath.c)."""
    rng = np.random.default_rng(5)
    x = rng.uniform(-4, 4, 64).astype(dtype)
    into, expr = njit(maths_into), njit(maths_expr)
    ref = np.empty(64, dtype)
    into(x, ref)
    full = expr(x)
    for n in (1, 2, 3, 5, 7, 8, 9, 15, 16, 17, 31, 33, 63):
        assert np.array_equal(expr(x[:n]), full[:n]), n
        # the output after the input, or before it (overlapping it by all but one element: each
        # element is read before it is written over)
        for gap in list(range(0, 40)) + [-n - 1, -2 * n - 1, -2 * n - 9, -2 * n - 33]:
            buf = np.zeros(5 * n + 200, dtype)
            lo = 2 * n + 40
            a, out = buf[lo:lo + n], buf[lo + n + gap:lo + 2 * n + gap]
            a[:] = x[:n]
            into(a, out)
            assert np.array_equal(out, ref[:n]), (n, gap)



def two_residuals(a, b):
    return math.cos(a) - a, math.cos(b) - b


def residuals_then_loop(a, b, x):
    fa = math.exp(a) * 2.0
    fb = math.exp(b) * 2.0
    out = np.empty_like(x)
    for i in range(x.size):
        out[i] = math.exp(x[i])
    return fa, fb, out


def test_scalar_code_calls_libm():
    """Maths calls of scalar code give CPython's results to the last bit, where the SLP vectoriser
    packs two of them into a vector call (f(a) and f(b) of a root finder), also beside a
    vectorised loop (codegen/samemath.c)."""
    rng = np.random.default_rng(11)
    xs = rng.uniform(-4.0, 4.0, 2000)
    pair, beside = njit(two_residuals), njit(residuals_then_loop)
    for a, b in zip(xs[::2], xs[1::2]):
        assert pair(a, b) == two_residuals(a, b), (a, b)
        assert beside(a, b, xs[:3])[:2] == residuals_then_loop(a, b, xs[:3])[:2], (a, b)


def llvm_of(fn, *args):
    f = njit(fn)
    f(*args)
    return "\n".join(f.inspect_llvm().values())


def test_index_clamp_stays_branches():
    """`if b < 0: b = 0 elif b >= n: b = n - 1` guards an index and is rarely taken: ember marks
    it unlikely, so LLVM keeps predicted branches instead of selects on the address path."""
    ir = llvm_of(clamped_counts, np.linspace(-5.0, 5.0, 101), -4.0, 4.0, 10)
    assert " select " not in ir and "llvm.smin" not in ir and "llvm.smax" not in ir, ir


def saturating_add(a, b):
    out = np.empty_like(a)
    for i in range(a.shape[0]):
        s = np.int16(a[i]) + np.int16(b[i])
        if s > 127:
            s = 127
        elif s < -128:
            s = -128
        out[i] = s
    return out


def test_value_clamp_vectorises():
    """A clamp of an integer that indexes nothing (a saturated sum stored into an int8 array) gets
    no hint: its selects let the loop vectorise (here into saturating adds, vpaddsb; 0.80 -> 0.15
    ms for 4M elements, numba 0.16)."""
    a = np.arange(-128, 128, dtype=np.int8)
    b = a[::-1].copy()
    check(saturating_add, a, b)
    asm = asm_of(saturating_add, a, b)
    assert packed(asm, ("vpaddsb", "vpminsw", "vpmaxsw", "vpminsq", "vpmaxsq", "vpminsd", "vpmaxsd")), asm

def running_min(a):
    m = a[0]
    for i in range(a.shape[0]):
        v = a[i]
        if v < m:
            m = v
    return m


def test_running_minimum_still_vectorises():
    """A running minimum is a clamp of a variable carried round the loop: it gets no hint and
    LLVM still vectorises it as a min reduction."""
    asm = asm_of(running_min, np.arange(1000, dtype=np.int64))
    assert packed(asm, ("vpminsq", "vpcmpgtq", "vpcmpq")), asm


def test_int_test_moves_to_the_branch():
    """In `b = int(v); if b < 0:` the conversion's own test (for -2**63, "did not fit") is left to
    the side of the branch that -2**63 takes: the block of the conversion only tests b < 0."""
    ir = llvm_of(clamped_counts, np.linspace(-5.0, 5.0, 101), -4.0, 4.0, 10).splitlines()
    convs = [i for i, line in enumerate(ir) if "call i64 @llvm.x86.sse2.cvttsd2si64" in line]
    assert convs, "\n".join(ir)
    for i in convs:
        j = i
        while not ir[j].lstrip().startswith("br "):
            j += 1
        block = "\n".join(ir[i:j + 1])
        assert "-9223372036854775808" not in block and "icmp slt" in block, block


def float_extremes(a):
    return a.max(), np.min(a)


def test_float_min_max_vectorise():
    """a.max() / np.min(a) of floats are a fold of llvm.maximum / llvm.minimum, which LLVM
    vectorises (issue 17: the compare-and-select scan ran one element at a time, 3.5x numba);
    float32 arrays fold as floats, on packed singles."""
    asm = asm_of(float_extremes, np.ones(1000))
    assert packed(asm, ("vmaxpd", "vminpd", "vcmpunordpd", "vblendvpd", "vpternlog")), asm
    asm32 = asm_of(float_extremes, np.ones(1000, np.float32))
    assert packed(asm32, ("vmaxps", "vminps", "vcmpunordps", "vblendvps", "vpternlog")), asm32


def test_float_min_max_values():
    """NaN anywhere wins; of zeros of both signs, the one NumPy's SIMD loop keeps (lower_extreme.c
    models its order); every position of the extreme, and lengths around the vector width."""
    cases = []
    for n in [1, 2, 7, 8, 9, 16, 17, 33]:
        base = np.linspace(-1.0, 1.0, n)
        cases.append((base,))
        for k in sorted({0, n // 2, n - 1}):
            b = base.copy()
            b[k] = np.nan
            cases.append((b,))
            b = base.copy()
            b[k] = 5.0
            cases.append((b,))
            b = base.copy()
            b[k] = -np.inf
            cases.append((b,))
    cases += [(np.array([np.inf, -np.inf]),), (np.array([3.0, 3.0, 3.0]),)]
    check_all(float_extremes, cases)
    f = njit(float_extremes)
    for z in ([-0.0, 0.0], [0.0, -0.0], [0.0] * 9 + [-0.0]):   # the zero NumPy's own loop keeps
        hi, lo = f(np.array(z))
        want_hi, want_lo = np.max(np.array(z)), np.min(np.array(z))
        assert (hi, math.copysign(1, hi)) == (0.0, math.copysign(1, want_hi))
        assert (lo, math.copysign(1, lo)) == (0.0, math.copysign(1, want_lo))


def life_rule_bytes(g, nxt):
    h, w = g.shape
    for i in range(h):
        for j in range(w):
            s = g[i, j] + g[i, (j + 1) % w] + g[(i + 1) % h, j]
            nxt[i, j] = 1 if (s == 3 or (s == 2 and g[i, j])) else 0
    return nxt


def test_periodic_neighbours_vectorise_without_dividing():
    """(j + 1) % w for j in range(w) is two selects, and Life's rule one condition (its third test
    reads g[i, j] read already): the loop over an int8 grid vectorises with no division (12.2 ->
    2.4 ms for 2048x2048, numba 2.5)."""
    g = (np.random.default_rng(1).random((40, 70)) < 0.3).astype(np.int8)
    asm = asm_of(life_rule_bytes, g, np.zeros_like(g))
    assert "div" not in asm and packed(asm, ("vpcmpeqb", "vpcmpeqq", "vpaddb", "vpaddq", "vpternlogq", "vpternlogd")), asm


def test_both_sides_storing_one_element_vectorise():
    """`if j == 0 or j == n - 1: un[j] = 0.0 else: un[j] = <stencil>`: one store after the branch
    (lower.c branch_as_store), and the loop vectorises (6.2 -> 2.4 ms for 100 sweeps of 10^5,
    numba 2.4)."""
    from test_branch_store import boundary_1d
    asm = asm_of(boundary_1d, np.arange(50.0), np.zeros(50), 1)
    assert packed(asm, ("vaddpd", "vfmadd213pd", "vfmadd231pd", "vmulpd", "vsubpd")), asm


def exchange_sort(a):
    n = a.shape[0]
    for i in range(n):
        for j in range(i + 1, n):
            if a[j] < a[i]:
                t = a[i]
                a[i] = a[j]
                a[j] = t
    return a


def bubble_sort(a):
    n = a.shape[0]
    for i in range(n):
        for j in range(n - 1 - i):
            if a[j] > a[j + 1]:
                t = a[j]
                a[j] = a[j + 1]
                a[j + 1] = t
    return a


def running_min_into(x, out):
    for i in range(out.shape[0]):
        for j in range(x.shape[0]):
            if x[j] < out[i]:
                out[i] = x[j]
    return out


def test_loop_storing_for_later_trips_is_not_unrolled():
    """A loop that stores, on some trips only, an array element a later trip reads (an exchange
    sort's a[i], a bubble sort's a[j + 1]) is not unrolled at run time, nor are the loops around
    it (llvm.loop.unroll.runtime.disable): unrolled eight times, an exchange sort of 2000 doubles
    ran 3.5-7 ms against 1.0 rolled (numba 1.0), as if each copy's load of a[i] waited for the
    stores of the copies before. A minimum kept in out[i] (a register through the loop) stays
    unrolled. Results stay CPython's."""
    x = np.random.default_rng(3).random(50)
    for fn in (exchange_sort, bubble_sort):
        ir = llvm_of(fn, x.copy())
        assert ir.count("fcmp") <= 2 and "llvm.loop.unroll.runtime.disable" in ir, ir
    assert "llvm.loop.unroll.runtime.disable" not in llvm_of(running_min_into, x, np.ones(3))
    for n in (0, 1, 2, 9, 50):
        check(exchange_sort, x[:n].copy())
        check(bubble_sort, x[:n].copy())
        check(running_min_into, x[:n], np.ones(4))
    check(exchange_sort, np.array([3.0, np.nan, 1.0, -0.0, 0.0, np.inf, -np.inf]))
    check(bubble_sort, np.array([3, -1, 7, 7, 0, -5], dtype=np.int16))


def rows_of_three(v):
    out = np.empty(v.shape[0])
    for i in range(v.shape[0]):
        out[i] = 0.299 * v[i, 0] + 0.587 * v[i, 1] + 0.114 * v[i, 2]
    return out


def row_norms_of_three(v):
    out = np.empty(v.shape[0])
    for i in range(v.shape[0]):
        out[i] = np.sqrt(v[i, 0] ** 2 + v[i, 1] ** 2 + v[i, 2] ** 2)
    return out


def test_rows_read_one_by_one_stay_scalar():
    """(N, 3) rows read with cheap arithmetic: the vector loop would put each element into a
    vector one at a time (the row stride is known at run time only), so the loop is compiled again
    scalar (jit.c); with a square root beside the reads it stays a vector loop."""
    v = np.random.default_rng(3).random((50, 3))
    for a in (v, np.asfortranarray(v), v[::2], v.astype(np.float32)):
        np.testing.assert_allclose(njit(rows_of_three)(a), rows_of_three(a), rtol=1e-15 if a.dtype == np.float64 else 1e-6)
        np.testing.assert_allclose(njit(row_norms_of_three)(a), row_norms_of_three(a), rtol=1e-15 if a.dtype == np.float64 else 1e-6)
    assert "insertelement" not in llvm_of(rows_of_three, v)
    assert "_ZGV" in llvm_of(row_norms_of_three, v) or "sqrt.v" in llvm_of(row_norms_of_three, v)
