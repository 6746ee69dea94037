"""Loop classes of issue 17, differential against CPython: short inner loops over a small array
dimension (every d from 0 to 16, edge trip counts), CRC-32 over bytes (shift/XOR chains on
small unsigned ints, which codegen/jit.c compiles without SLP vectorisation when it would put a
reduction on the loop-carried chain), unsigned wraparound as NumPy's arrays do it, loops
carrying a dependency through memory (recursive filters, in-place Gauss-Seidel sweeps), and
two-state recurrences (a rotation, an RK4 step, a 2x2 filter) that codegen/jit.c compiles
without SLP when SLP would swap lanes on their loop-carried chain."""

import math
import os
import sys
import zlib

import numpy as np
import pytest

from difftest import ON_NUMBA, check, jit, no_leaks  # noqa: F401

# the kernels bench/bench_loops_c.py times, checked here against CPython
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
from kernels_loops import (_crc_table, assign, crc32_bitwise, crc32_table, exchange_sort_rows,  # noqa: E402
                          gauss_jordan, gauss_seidel, iir_rows_cols, matmul_loops, min_plus_rows, sqdist)


@pytest.mark.parametrize("d", range(17))
@pytest.mark.parametrize("n", [0, 5])
def test_short_inner_loop_every_dimension(n, d):
    rng = np.random.default_rng(d * 31 + n)
    x, y = rng.random((n, d)), rng.random(d)
    check(sqdist, x, y, np.zeros(n))


@pytest.mark.parametrize("d", [1, 2, 3, 5, 8, 13])
def test_nearest_centre(d):
    rng = np.random.default_rng(d)
    check(assign, rng.random((50, d)), rng.random((8, d)))
    check(assign, rng.random((3, d)), rng.random((0, d)))


def test_short_inner_loop_views():
    x = np.random.default_rng(5).random((20, 12))
    check(sqdist, x[::2, 1:4], x[0, ::3][:3].copy(), np.zeros(10))
    check(sqdist, np.asfortranarray(x[:, :3]), x[1, :3].copy(), np.zeros(20))


def crc32_branchy(data):
    c = 0xFFFFFFFF
    for i in range(data.shape[0]):
        c ^= int(data[i])
        for _ in range(8):
            if c & 1:
                c = (c >> 1) ^ 0xEDB88320
            else:
                c >>= 1
    return c ^ 0xFFFFFFFF


def crc32_rows(block, out):
    # a CRC per row beside a loop the vectoriser takes (the row sums)
    for r in range(block.shape[0]):
        c = 0xFFFFFFFF
        for i in range(block.shape[1]):
            c ^= int(block[r, i])
            for _ in range(8):
                c = (c >> 1) ^ (0xEDB88320 & -(c & 1))
        out[r] = c ^ 0xFFFFFFFF
    s = 0
    for r in range(block.shape[0]):
        for i in range(block.shape[1]):
            s += int(block[r, i])
    return s


@pytest.mark.parametrize("n", [0, 1, 2, 3, 17, 1000])
def test_crc32_forms(n):
    data = np.random.default_rng(n).integers(0, 256, n).astype(np.uint8)
    for fn in (crc32_bitwise, crc32_branchy):
        check(fn, data)
    check(crc32_table, data, _crc_table())
    assert jit(crc32_bitwise)(data) == zlib.crc32(data.tobytes())


def test_crc32_beside_a_vector_loop():
    block = np.random.default_rng(9).integers(0, 256, (6, 33)).astype(np.uint8)
    check(crc32_rows, block, np.zeros(6, np.int64))


def wrap_ops(a, b, out):
    for i in range(a.shape[0]):
        out[0, i] = a[i] + b[i]
        out[1, i] = a[i] - b[i]
        out[2, i] = a[i] * b[i]
        out[3, i] = a[i] ^ b[i]
        out[4, i] = (a[i] << 3) | (b[i] >> 1)
        out[5, i] = ~a[i]
    return out


@pytest.mark.filterwarnings("ignore:overflow encountered")
@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.uint32])
def test_unsigned_wraparound_like_numpy(dtype):
    info = np.iinfo(dtype)
    a = np.array([0, 1, 2, info.max, info.max - 1, 77, 0, info.max // 2 + 1], dtype)
    b = np.array([0, info.max, 3, info.max, 2, 200 % (info.max + 1), 1, info.max // 2 + 1], dtype)
    got = jit(wrap_ops)(a, b, np.zeros((6, a.size), dtype))
    want = np.array([a + b, a - b, a * b, a ^ b, (a << dtype(3)) | (b >> dtype(1)), ~a], dtype)
    assert got.dtype == want.dtype and (got == want).all()
    check(wrap_ops, a, b, np.zeros((6, a.size), dtype))


def iir_backward(img, a):
    h, w = img.shape
    for r in range(h):
        for c in range(w - 2, -1, -1):
            img[r, c] += a * (img[r, c + 1] - img[r, c])
    return img


@pytest.mark.parametrize("shape", [(0, 0), (1, 1), (1, 5), (5, 1), (2, 2), (3, 3), (9, 14)])
def test_memory_carried_loops(shape):
    rng = np.random.default_rng(sum(shape))
    check(iir_backward, rng.random(shape), 0.3)
    if 0 in shape:   # the bench kernels return an element of their result
        return
    check(iir_rows_cols, rng.random(shape), 0.3)
    check(gauss_seidel, rng.random(shape), rng.random(shape), 3)
    check(gauss_seidel, rng.random(shape).T, rng.random(shape).T, 2)



def min_plus_overlapping_rows(base, n, step):
    # rows step elements apart over one buffer: with step < n each row overlaps the next, so a
    # row's update reads elements an earlier row's update wrote
    d = np.lib.stride_tricks.as_strided(base, (n, n), (step * 8, 8))
    for k in range(n):
        for i in range(n):
            dik = d[i, k]
            for j in range(n):
                d[i, j] = min(d[i, j], dik + d[k, j])
    return base


def row_minus_pivot_row(a, k):
    # every row minus a multiple of row k, row k itself included (its own elements: same place)
    for i in range(a.shape[0]):
        f = a[i, k] * 0.25
        for j in range(a.shape[1]):
            a[i, j] = a[i, j] - f * a[k, j]
    return a


@pytest.mark.parametrize("n", [1, 2, 3, 7, 16, 33])
def test_rows_updated_from_rows_of_the_same_array(n):
    # an inner loop's overlap test is made per row: rows of one array other than the one
    # written vectorise, the row itself or overlapping rows keep their order
    rng = np.random.default_rng(n)
    check(min_plus_rows, rng.random((n, n)) * 10.0)
    if n > 1:   # (its result reads a[0, 1])
        check(exchange_sort_rows, rng.random((3, n)))
    check(gauss_jordan, rng.random((n, n)) + np.eye(n) * n)
    check(row_minus_pivot_row, rng.random((n, n + 5)), n // 2)
    check(row_minus_pivot_row, rng.random((n + 5, n)).T, 0)
    for step in (1, n // 2, n - 1, n, n + 3):
        check(min_plus_overlapping_rows, rng.random(n * max(step, 1) + n) * 10.0, n, step)


def crc_step8(c):
    for _ in range(8):
        c = (c >> 1) ^ (0xEDB88320 & -(c & 1))
    return c


def crc32_by_helper(data):
    c = 0xFFFFFFFF
    for i in range(data.shape[0]):
        c = crc_step8(c ^ int(data[i]))
        if c == 12345:
            raise ValueError("unlikely state")
    return c ^ 0xFFFFFFFF


def test_crc32_through_a_compiled_helper_and_a_ufunc():
    import ember
    data = np.random.default_rng(4).integers(0, 256, 300).astype(np.uint8)
    g = dict(globals(), crc_step8=jit(crc_step8))
    f = type(crc32_by_helper)(crc32_by_helper.__code__, g)
    assert jit(f)(data) == zlib.crc32(data.tobytes())
    step = ember.vectorize(["int64(int64)"])(crc_step8)
    x = np.arange(-5, 300, dtype=np.int64)
    assert (step(x) == np.array([crc_step8(int(v)) for v in x])).all()


# Two-state recurrences (x, y = f(x, y), g(x, y)): LLVM 19's SLP vectoriser packs the pair into
# one vector whose loop-carried chain moves lanes (a swap or a broadcast every step), 1.1-1.25x
# slower than the scalar loop; codegen/jit.c then compiles the function again without SLP
# vectorisation. Either way no operation is reassociated, so the results are CPython's bit for
# bit: these tests compare the bits (NaN with NaN, -0.0 apart from 0.0).
import re  # noqa: E402
import struct  # noqa: E402

import kernels_scalar  # noqa: E402
from kernels_loops import state_space2  # noqa: E402


def same_bits(a, b):
    if isinstance(a, tuple):
        return len(a) == len(b) and all(same_bits(x, y) for x, y in zip(a, b))
    if isinstance(a, np.ndarray):
        return a.shape == b.shape and a.tobytes() == b.tobytes()
    return (math.isnan(a) and math.isnan(b)) or struct.pack("<d", a) == struct.pack("<d", b)


def vector_phis(f):
    """The vector phis of a dispatcher's optimised code (its entry included)."""
    return re.findall(r"= phi <\d+ x \w+>", "\n".join(f.inspect_llvm().values()))


@pytest.mark.parametrize("name", ["orbit", "spin", "rk4_osc"])
def test_lane_crossing_recurrence_compiles_scalar(name):
    f = kernels_scalar.make(jit, [name])[name]
    py = kernels_scalar.make(lambda fn: fn, [name])[name]
    for n in (0, 1, 2, 3, 7, 8, 9, 1000):
        assert same_bits(f(n), py(n)), (name, n)
    assert vector_phis(f) == []


def spin_from(zr, zi, wr, wi, n):
    acc = 0.0
    for _ in range(n):
        zr, zi = zr * wr - zi * wi, zr * wi + zi * wr
        acc += zr * zr + zi * zi
    return acc, zr, zi


EDGE = [0.0, -0.0, 1.0, -1.5, 1e-310, 1e300, math.inf, -math.inf, math.nan]


@pytest.mark.parametrize("zr", EDGE)
@pytest.mark.parametrize("wi", [0.0, -0.0, 0.001, math.nan])
def test_rotation_recurrence_edge_values(zr, wi):
    f = jit(spin_from)
    for n in (0, 1, 5, 33):
        for zi in (0.0, -0.0, 2.0, math.inf):
            want = spin_from(zr, zi, 0.9999995, wi, n)
            assert same_bits(f(zr, zi, 0.9999995, wi, n), want), (zr, zi, wi, n)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 5, 17, 1000])
def test_state_space_filter(n):
    rng = np.random.default_rng(n)
    x = rng.random(n) - 0.5
    if n > 4:
        x[3] = -0.0
        x[4] = math.nan if n == 17 else x[4]
    f = jit(state_space2)
    out, want = np.zeros(n), np.zeros(n)
    assert same_bits(f(x, out), state_space2(x, want)) and same_bits(out, want)
    if n > 1:   # a strided view
        out, want = np.zeros(len(x[::2])), np.zeros(len(x[::2]))
        assert same_bits(f(x[::2], out), state_space2(x[::2], want)) and same_bits(out, want)
    if n == 1000:
        assert vector_phis(f) == []


def filter_then_scale(x, out):
    # the recurrence beside a loop the loop vectoriser takes
    s0 = 0.0
    s1 = 0.0
    for i in range(x.shape[0]):
        s0, s1 = 0.9 * s0 - 0.2 * s1 + x[i], 0.2 * s0 + 0.9 * s1 + 0.5 * x[i]
        out[i] = s0 + s1
    for i in range(out.shape[0]):
        out[i] = out[i] * 0.5 + x[i]
    return s0


def two_independent(n):
    # two recurrences SLP packs into one vector without moving lanes: codegen/jit.c leaves them
    # vectorised (no longer chain: measured neutral)
    x = 1.0
    y = 2.0
    acc = 0.0
    for _ in range(n):
        x, y = x * 0.999 + 0.5, y * 0.998 + 0.25
        acc += x * x + y * y
    return acc


def test_recurrence_beside_a_vector_loop_keeps_the_vector_loop():
    x = np.random.default_rng(3).random(1000)
    f = jit(filter_then_scale)
    out, want = np.zeros(1000), np.zeros(1000)
    assert same_bits(f(x, out), filter_then_scale(x, want)) and same_bits(out, want)
    # noimplicitfloat would have cost the second loop its vectors; the function keeps them
    assert "llvm.loop.isvectorized" in "\n".join(f.inspect_llvm().values())
    g = jit(two_independent)
    for n in (0, 1, 9, 1000):
        assert same_bits(g(n), two_independent(n))


def double_then_rk4(x, out):
    # a loop the loop vectoriser takes, then a call of a helper compiled without SLP
    for i in range(x.shape[0]):
        out[i] = x[i] * 2.0 + 1.0
    return rk4_osc(5)


def test_caller_of_a_helper_compiled_without_slp_keeps_its_vector_loop():
    helper = kernels_scalar.make(jit, ["rk4_osc"])["rk4_osc"]
    assert vector_phis(helper) == []
    g = dict(globals(), rk4_osc=helper)
    f = jit(type(double_then_rk4)(double_then_rk4.__code__, g))
    x = np.random.default_rng(2).random(1001)
    out, want = np.zeros(1001), np.zeros(1001)
    py = kernels_scalar.make(lambda fn: fn, ["rk4_osc"])["rk4_osc"]
    g_py = dict(globals(), rk4_osc=py)
    assert same_bits(f(x, out), type(double_then_rk4)(double_then_rk4.__code__, g_py)(x, want))
    assert same_bits(out, want)
    # the helper's noimplicitfloat, inlined, would have stopped the loop vectoriser here
    ir = "\n".join(f.inspect_llvm().values())
    assert "llvm.loop.isvectorized" in ir and "noimplicitfloat" not in ir


def double_then_crc(x, out, data):
    for i in range(x.shape[0]):
        out[i] = x[i] * 2.0 + 1.0
    return crc32_bitwise(data)


def test_caller_of_a_crc_helper_keeps_its_vector_loop():
    # crc32_bitwise is compiled without SLP (its reduction on the chain); its caller is not
    g = dict(globals(), crc32_bitwise=jit(crc32_bitwise))
    f = jit(type(double_then_crc)(double_then_crc.__code__, g))
    x = np.random.default_rng(6).random(999)
    data = np.random.default_rng(7).integers(0, 256, 100).astype(np.uint8)
    out = np.zeros(999)
    assert f(x, out, data) == zlib.crc32(data.tobytes())
    assert same_bits(out, x * 2.0 + 1.0)
    ir = "\n".join(f.inspect_llvm().values())
    assert "llvm.loop.isvectorized" in ir and "noimplicitfloat" not in ir


def four_state_filter(x, out):
    # four states mixed every sample: SLP packs them into one <4 x double> fed by broadcasts
    a = 0.0
    b = 0.0
    c = 0.0
    d = 0.0
    for i in range(x.shape[0]):
        u = x[i]
        a, b, c, d = (0.5 * a - 0.3 * b + 0.1 * c + 0.2 * d + u,
                      0.3 * a + 0.5 * b - 0.2 * c + 0.1 * d,
                      0.1 * a + 0.2 * b + 0.5 * c - 0.3 * d,
                      -0.2 * a + 0.1 * b + 0.3 * c + 0.5 * d - u)
        out[i] = a + b + c + d
    return a * b - c * d


def complex_horner(x, w):
    # a complex recurrence: the product swaps real and imaginary parts every step
    s = 0j
    for i in range(x.shape[0]):
        s = s * w + x[i]
    return s


@pytest.mark.parametrize("n", [0, 1, 2, 5, 300])
def test_wider_and_complex_recurrences(n):
    rng = np.random.default_rng(n + 40)
    x = rng.random(n) - 0.5
    f = jit(four_state_filter)
    out, want = np.zeros(n), np.zeros(n)
    assert same_bits(f(x, out), four_state_filter(x, want)) and same_bits(out, want)
    xc = x + 1j * (rng.random(n) - 0.5)
    check(complex_horner, xc, complex(0.6, 0.8))
    check(complex_horner, xc[::-2], complex(-0.0, 1.0))
    if n == 300:
        assert vector_phis(f) == [] and vector_phis(jit(complex_horner)) == []


# ---- loops carrying a float from trip to trip: interleave count 1 ---------------------------
# Their sum stays in Python's order (an ordered reduction), so interleaving vectors gains nothing
# and makes short loops run in the remainder; codegen/lower.c marks their back edges.

def dot_rows(a, b):
    n, d = a.shape
    out = np.empty(n)
    for i in range(n):
        s = 0.0
        for k in range(d):
            s += a[i, k] * b[i, k]
        out[i] = s
    return out


def while_sum(x):
    s = 0.0
    k = 0
    while k < x.shape[0]:
        s += x[k] * x[k]
        k += 1
    return s


def complex_acc(z):
    acc = 0j
    for k in range(z.shape[0]):
        acc += z[k] * z[k]
    return acc


def fresh_temp(x, out):
    for k in range(x.shape[0]):
        v = x[k] * 2.0      # a float assigned before it is read: nothing carried
        out[k] = v + 1.0
    return out


def trapezoid_like(n):
    s = 0.0
    for i in range(n):
        s += math.exp(-i / 5.0)
    return s


@pytest.mark.parametrize("d", [0, 1, 3, 4, 7, 8, 15, 16, 17, 33])
def test_carried_float_loops_keep_python_order(d):
    rng = np.random.default_rng(d)
    a, b = rng.standard_normal((6, d)) * 1e8, rng.standard_normal((6, d))
    check(dot_rows, a, b, rtol=0, atol=0)
    check(while_sum, a[0] if d else np.zeros(0), rtol=0, atol=0)
    z = rng.standard_normal(d) + 1j * rng.standard_normal(d)
    check(complex_acc, z, rtol=0, atol=0)


@pytest.mark.skipif(ON_NUMBA, reason="ember's IR dump")
def test_carried_float_loops_are_marked(monkeypatch, capfd):
    import ember

    def marked(fn, *args):
        monkeypatch.setenv("EMBER_DUMP", "llvm")
        capfd.readouterr()
        ember.njit(fn)(*args)   # a fresh dispatcher: compiled here, with the dump
        monkeypatch.delenv("EMBER_DUMP")
        return "llvm.loop.interleave.count" in capfd.readouterr().err

    x = np.arange(5.0)
    assert marked(dot_rows, np.ones((2, 3)), np.ones((2, 3)))
    assert marked(while_sum, x)
    assert marked(complex_acc, x + 0j)
    assert not marked(fresh_temp, x, np.zeros(5))
    assert not marked(trapezoid_like, 10)      # a call in the loop: interleaving shares its spills


# ---- in-order float sums over gathered loads: kept scalar -----------------------------------
# Vectorised, such a loop runs at the pace of its chain of adds, as the scalar loop does, and
# pays for the gather on top (a column dot product 1.7x slower on a Zen 5): codegen/jit.c finds
# it after O3 and compiles the function again with that loop scalar.

def column_dot(a, x, j):
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i, j] * x[i]
    return s


def indexed_sum(x, idx):
    s = 0.0
    for i in range(idx.shape[0]):
        s += x[idx[i]]
    return s


def column_dot_twice(a, x):
    # the helper's loop, inlined: decided in the helper's own compile
    return column_dot_h(a, x, 0) + column_dot_h(a, x, a.shape[1] - 1)


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 31, 200])
def test_ordered_sums_over_gathers_keep_python_order(n):
    rng = np.random.default_rng(n)
    a, x = rng.standard_normal((n, 5)) * 1e8, rng.standard_normal(n)
    check(column_dot, a, x, 3, rtol=0, atol=0)
    check(column_dot, a[::-1], x, 0, rtol=0, atol=0)
    check(matmul_loops, rng.standard_normal((4, n)), rng.standard_normal((n, 3)) * 1e8, np.zeros((4, 3)), rtol=0, atol=0)
    check(indexed_sum, x * 1e8, rng.integers(-n, n, 3 * n) if n else np.zeros(0, np.int64), rtol=0, atol=0)
    g = dict(globals(), column_dot_h=jit(column_dot))
    check(type(column_dot_twice)(column_dot_twice.__code__, g), a, x, rtol=0, atol=0) if n else None


@pytest.mark.skipif(ON_NUMBA, reason="ember's optimised IR")
def test_ordered_sums_over_gathers_are_not_vectorised():
    import ember

    def ordered_vector_sum(f, *args):
        f(*args)
        return "llvm.vector.reduce.fadd" in "\n".join(f.inspect_llvm().values())

    rng = np.random.default_rng(1)
    a, x = rng.random((300, 8)), rng.random(300)
    assert not ordered_vector_sum(ember.njit(column_dot), a, x, 2)
    assert not ordered_vector_sum(ember.njit(matmul_loops), a[:8], a, np.zeros((8, 8)))
    assert not ordered_vector_sum(ember.njit(indexed_sum), x, np.arange(300)[::-1].copy())
    # inlined into a caller, the helper's loop keeps the width its own compile gave it (the
    # caller's O3 may still vectorise the remainder loop the unroller left, a few trips)
    g = dict(globals(), column_dot_h=ember.njit(column_dot))
    f = ember.njit(type(column_dot_twice)(column_dot_twice.__code__, g))
    f(a, x)
    assert '!"llvm.loop.vectorize.width", i32 1}' in "\n".join(f.inspect_llvm().values())


# ---- a condition comparing one value with several constants ---------------------------------
# simplifycfg makes a switch of `c == 3 or c == 2`, which LLVM 19's loop vectoriser refuses:
# codegen/jit.c lowers it to branches again just before that vectoriser.

def categories(code, x, out):
    for i in range(code.shape[0]):
        c = code[i]
        if c == 3 or c == 5 or c == 7:
            out[i] = 1.0
        elif c == 2:
            out[i] = x[i]
        else:
            out[i] = -x[i]
    return out


def born_or_kept(counts, alive, out):
    for i in range(counts.shape[0]):
        c = counts[i]
        out[i] = 1 if c == 3 or (c == 2 and alive[i] == 1) else 0
    return out


def switch_in_a_while(code):
    # the same chain where nothing vectorises: a while loop with a data-dependent exit
    i = 0
    s = 0
    while i < code.shape[0] and code[i] != 9:
        if code[i] == 1 or code[i] == 4:
            s += 2
        elif code[i] == 6:
            s -= 1
        i += 1
    return s


@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 100, 1001])
def test_switch_chains_in_loops(n):
    from kernels_loops import life_step
    rng = np.random.default_rng(n)
    code, x = rng.integers(0, 9, n), rng.standard_normal(n)
    check(categories, code, x, np.zeros(n))
    check(categories, code.astype(np.int8), x, np.zeros(n))
    check(born_or_kept, rng.integers(0, 9, n), rng.integers(0, 2, n), np.zeros(n, np.int64))
    check(switch_in_a_while, rng.integers(0, 10, n))
    side = max(int(n ** 0.5), 1)
    g = (rng.random((side + 2, side + 2)) < 0.3).astype(np.int64)
    check(life_step, g, np.zeros_like(g))


@pytest.mark.skipif(ON_NUMBA, reason="ember's optimised IR")
def test_switch_chains_in_loops_vectorise():
    import ember
    from ember import _embercc

    if "+avx2" not in _embercc.host_cpu()["features"].split(","):
        pytest.skip("masked loads need AVX2")
    f = ember.njit(born_or_kept)
    n = 100
    f(np.zeros(n, np.int64), np.zeros(n, np.int64), np.zeros(n, np.int64))
    assert "llvm.loop.isvectorized" in "\n".join(f.inspect_llvm().values())


def torus_count_tuples(g, reps):
    n = g.shape[0]
    c = 0
    for r in range(reps):
        for i in range(n):
            for j in range(g.shape[1]):
                for di in (-1, 0, 1):
                    for dj in (-1, 0, 1):
                        if di or dj:
                            c += g[(i + di) % n, (j + dj) % g.shape[1]]
    return c


def constant_tuple_loops():
    out = []
    for d in (-1, 0, 1):
        out.append(d)
    for d in (5,):
        out.append(d)
    for d in (3, 1, -1, -3):
        out.append(d)
    for d in (0, 2, 5):               # not a progression: the tuple's items
        out.append(d)
    for d in (7, 7):
        out.append(d)
    for d in (9223372036854775806, 9223372036854775807):   # its range's stop would overflow
        out.append(d)
    for d in (-9223372036854775808, 0):
        out.append(d)
    t = (1, 2, 3)                     # used twice: stays a tuple
    for d in t:
        out.append(d * len(t))
    for i, d in enumerate((10, 20)):
        out.append(i * d)
    return out


def test_loops_over_constant_tuples():
    """`for d in (-1, 0, 1)` iterates as range(-1, 2) (a counted loop to lowering); every other
    tuple keeps its items."""
    check(constant_tuple_loops)
    g = (np.arange(7 * 5).reshape(7, 5) % 3 == 0).astype(np.uint8)
    check(torus_count_tuples, g, 2)
    check(torus_count_tuples, g[:1, :2], 1)
