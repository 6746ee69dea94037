"""Integer arithmetic on int8/int16/int32/uint8/uint16/uint32 elements that lowering computes in
16 or 32 bits where value ranges prove it exact (typeinfer/ranges.c, codegen/lower_narrow.c).

Python (and Numba) compute a[i] * b[i] + 7 of int8 elements as unbounded (64-bit) ints; the
store into an int8 array wraps. -a[i] and ~a[i] wrap at the element's width, as in NumPy and
Numba (-np.uint8(5) is 251), and two unsigned elements make a uint64, as in Numba (a[i] - b[i] of
uint8 wraps: the kernels write a[i] * 1 - b[i] where they mean the signed difference, and
test_unsigned_pairs_are_uint64 checks the uint64 results). The narrowed code must give exactly those values: each kernel
writes every result twice, wrapped into an array of the input's dtype and exactly into an int64
array, and the reference is the same plain Python function run over object arrays (Python
ints), wrapped the way NumPy's astype wraps. Inputs: every pair of the dtype's edge values (its
limits, -1, 0, 1, small values) then random elements, so both the vector loop and its tail run."""

import re

import numpy as np
import pytest

from difftest import check, jit, no_leaks  # noqa: F401

DTYPES = [np.int8, np.uint8, np.int16, np.uint16, np.int32, np.uint32]


def floor_by_4(a, b, out, wide):
    for i in range(a.size):
        v = (a[i] * b[i] + 7) // 4
        out[i] = v
        wide[i] = v


def negative_divisors(a, b, out, wide):
    for i in range(a.size):
        v = (a[i] * b[i] - 5) // -4 + (a[i] - b[i]) % -3 + a[i] // -7 + b[i] % -256
        out[i] = v
        wide[i] = v


def mod_hash(a, b, out, wide):
    for i in range(a.size):
        v = (a[i] * 31 + b[i]) % 1000 + a[i] % 7 - b[i] % 5 + (a[i] % 100) * (b[i] % 100)
        out[i] = v
        wide[i] = v


def blend(a, b, out, wide):
    for i in range(a.size):
        w = 77
        v = (a[i] * w + b[i] * (255 - w)) // 255
        out[i] = v
        wide[i] = v


def blend_weights(a, b, out, wide):
    for i in range(a.size):
        v = (a[i] * b[i] + (a[i] ^ 0x55) * (255 - b[i])) // 255   # b the weight: the same element twice
        w = b[i]
        x = (a[i] & 0xFF) * w
        w = 300                                           # another w: no weighted sum any more
        u = x + (a[i] & 0xFF) * (255 - w)
        out[i] = v + u
        wide[i] = v + u


def shifts(a, b, out, wide):
    for i in range(a.size):
        v = ((a[i] * 3) >> 2) + ((b[i] << 3) >> 1) + (a[i] >> 40) + (b[i] >> 7)
        out[i] = v
        wide[i] = v


def min_max_abs(a, b, out, wide):
    for i in range(a.size):
        v = min(a[i], b[i]) * 2 + max(a[i] * 1 - b[i], 0) - abs(a[i]) + abs(b[i] - 3)
        out[i] = v
        wide[i] = v


def compares(a, b, out, wide):
    for i in range(a.size):
        if a[i] * 2 + 1 < b[i] - 3:
            v = a[i] * 1 - b[i]
        else:
            v = (a[i] * b[i] > 100) + (a[i] + b[i] == 0) * 2
        out[i] = v
        wide[i] = v


def unary(a, b, out, wide):
    for i in range(a.size):
        v = -a[i] * b[i] + ~b[i] - (-a[i])
        out[i] = v
        wide[i] = v


def bitwise(a, b, out, wide):
    for i in range(a.size):
        v = ((a[i] & 0x3F) ^ (b[i] | 5)) + (a[i] ^ b[i]) - (a[i] & b[i])
        out[i] = v
        wide[i] = v


def unit_divisors(a, b, out, wide):
    for i in range(a.size):
        v = a[i] // -1 + b[i] % -1 + a[i] // 1 + b[i] % 1 + (-a[i]) // -1
        out[i] = v
        wide[i] = v


def variable_divisor(a, b, out, wide):
    for i in range(a.size):
        d = (b[i] & 7) + 1           # 1..8: never zero, so it narrows
        e = (b[i] & 7) - 8           # -8..-1
        v = a[i] // d + a[i] % d + a[i] // e - a[i] % e
        out[i] = v
        wide[i] = v


def loop_carried(a, b, out, wide):
    acc = 0
    for i in range(a.size):
        acc = (acc * 3 + a[i] - b[i]) % 65521   # acc's range grows round the loop
        x = a[i] * 2
        x = x + b[i]
        out[i] = acc + x
        wide[i] = acc + x


def for_over_array(a, b, out, wide):
    i = 0
    for x in a:
        v = (x * x - 3) // 16 + (x & 0xFF)
        out[i] = v
        wide[i] = v
        i += 1


KERNELS = [floor_by_4, negative_divisors, mod_hash, blend, blend_weights, shifts, min_max_abs, compares, unary,
           bitwise, unit_divisors, variable_divisor, loop_carried, for_over_array]


def inputs(dt):
    info = np.iinfo(dt)
    top = min(info.max, 3_000_000_000)   # uint32: a product of two stays inside int64 (overflow wraps, outside the contract)
    edge = sorted({v for v in (info.min, info.min + 1, -3, -1, 0, 1, 2, 3, 7, 127, 128, 255, top - 1, top)
                   if info.min <= v <= top})
    a, b = (x.ravel() for x in np.meshgrid(edge, edge))
    rng = np.random.default_rng(3)
    ra = rng.integers(info.min, top, 300, endpoint=True)
    rb = rng.integers(info.min, top, 300, endpoint=True)
    return np.concatenate([a, ra]).astype(dt), np.concatenate([b, rb]).astype(dt)


def wrap(v, dt):
    info = np.iinfo(dt)
    return (v - info.min) % (info.max - info.min + 1) + info.min


class Elem(int):
    """An element as Numba computes with it: a Python int to + - * // % & | ^ << >>, but -x and ~x
    wrap at its dtype's width, as they do in NumPy and Numba (-np.uint8(5) is 251)."""

    def __new__(cls, v, dt):
        e = int.__new__(cls, v)
        e.dt = dt
        return e

    def __neg__(self):
        return wrap(-int(self), self.dt)

    def __invert__(self):
        return wrap(~int(self), self.dt)


def reference(fn, a, b):
    out = np.zeros(a.size, dtype=object)
    wide = np.zeros(a.size, dtype=object)
    elems = [np.array([Elem(int(v), x.dtype) for v in x], dtype=object) for x in (a, b)]
    fn(elems[0], elems[1], out, wide)
    exact = np.array([wrap(int(v), np.int64) for v in wide], dtype=np.int64)   # (-a * b of uint32s passes 2**63)
    return exact.astype(a.dtype), exact   # astype wraps, as a store into the array does


@pytest.mark.parametrize("dt", DTYPES, ids=lambda d: np.dtype(d).name)
@pytest.mark.parametrize("fn", KERNELS, ids=lambda f: f.__name__)
def test_narrow_arithmetic_matches_python(fn, dt):
    a, b = inputs(dt)
    want_out, want_wide = reference(fn, a, b)
    out, wide = np.zeros_like(a), np.zeros(a.size, np.int64)
    jit(fn)(a, b, out, wide)
    bad = np.nonzero(wide != want_wide)[0]
    assert not bad.size, f"a={a[bad[0]]} b={b[bad[0]]}: {wide[bad[0]]}, Python {want_wide[bad[0]]}"
    assert np.array_equal(out, want_out)


def unsigned_pairs(a, b, out):
    for i in range(a.size):
        d = a[i] - b[i]                  # uint64: wraps below 0
        out[i, 0] = d
        out[i, 1] = (a[i] - b[i]) % -3    # a uint64 with a constant int computes as int64
        out[i, 2] = d - 5 if d > 3 else d * 2
        out[i, 3] = max(a[i], b[i]) - b[i]   # max of two uint8 is one
        out[i, 4] = (a[i] << 2) - b[i]
        out[i, 5] = -a[i] + b[i]          # -a[i] wraps at the width, then a uint64


@pytest.mark.parametrize("dt", [np.uint8, np.uint16, np.uint32], ids=lambda d: np.dtype(d).name)
def test_unsigned_pairs_are_uint64(dt):
    """Numba types an operation on two unsigned scalars as uint64, and a uint64 made so with a
    signed constant as int64; the results are those bits."""
    a = np.array([0, 1, 7, 200, 3, 250], dt)
    b = np.array([1, 0, 7, 3, 200, 250], dt)
    out = np.zeros((a.size, 6), np.uint64)
    jit(unsigned_pairs)(a, b, out)
    m, bits = 1 << 64, np.iinfo(dt).bits
    for i, (x, y) in enumerate(zip(a.tolist(), b.tolist())):
        d = (x - y) % m
        signed_d = d - m if d >= 1 << 63 else d
        want = [d, (signed_d % -3) % m,
                (d - 5) % m if d > 3 else (d * 2) % m, (max(x, y) - y) % m, ((x << 2) - y) % m,
                ((-x) % (1 << bits) + y) % m]
        assert out[i].tolist() == want, (x, y)


def test_zero_divisor_still_raises():
    def div(a, b, out):
        for i in range(a.size):
            out[i] = a[i] // (b[i] & 3)   # 0..3: may be zero, stays on the checked path
    a = np.array([5, -5, 7], np.int8)
    b = np.array([1, 2, 4], np.int8)
    with pytest.raises(ZeroDivisionError):
        jit(div)(a, b, np.zeros_like(a))


def test_int8_loop_runs_in_16_bit_lanes():
    """The evidence the narrowing happened: the vector loop's arithmetic is on i16 lanes."""
    a = np.arange(-64, 64, dtype=np.int8)
    f = jit(floor_by_4)
    f(a, a, np.zeros_like(a), np.zeros(a.size, np.int64))
    if not hasattr(f, "inspect_llvm"):
        pytest.skip("the backend under test does not show its IR")
    ir = "\n".join(f.inspect_llvm().values())
    assert re.search(r"mul nsw <\d+ x i16>", ir), "the int8 products are not computed in 16-bit lanes"


def test_uint8_blend_divides_in_16_bit_lanes():
    """a * w + b * (255 - w) of uint8 is at most 65025: one unsigned 16-bit lane."""
    def blend3(a, b, w, out):
        for i in range(a.size):
            out[i] = (a[i] * w[i] + b[i] * (255 - w[i])) // 255
    a = np.arange(256, dtype=np.uint8)
    f = jit(blend3)
    out = np.zeros_like(a)
    f(a, a[::-1].copy(), a, out)
    want = (a.astype(np.int64) * a + a[::-1].astype(np.int64) * (255 - a.astype(np.int64))) // 255
    assert np.array_equal(out, want.astype(np.uint8))
    if hasattr(f, "inspect_llvm"):
        ir = "\n".join(f.inspect_llvm().values())
        assert re.search(r"udiv <\d+ x i16>", ir), "the blend does not divide in 16-bit lanes"


def median3_rows(img, out):
    for i in range(img.shape[0]):
        for j in range(1, img.shape[1] - 1):
            a = img[i, j - 1]
            b = img[i, j]
            c = img[i, j + 1]
            out[i, j] = max(min(a, b), min(max(a, b), c))
    return out


def int8_mix(a, b, out):
    for i in range(a.size):   # every value fits int8: 8-bit lanes for + - & | ^ min max abs, -
        out[i] = max(a[i] & 63, b[i] >> 2) - min(abs(a[i] | 1), 60) + ((a[i] ^ b[i]) & 15) + (-(b[i] & 31))
    return out


@pytest.mark.parametrize("dtype", [np.uint8, np.int8])
def test_byte_min_max_run_in_8_bit_lanes(dtype):
    """min, max, abs, + - & | ^ whose values fit a byte take 8-bit lanes (vpminub, vpaddb): a
    median of three uint8 pixels ran in 16-bit lanes at 1.4x numba's time."""
    info = np.iinfo(dtype)
    img = np.random.default_rng(5).integers(info.min, int(info.max) + 1, (7, 70)).astype(dtype)
    check(median3_rows, img, img.copy())
    if dtype == np.int8:   # (NumPy's uint8 scalars wrap -(b & 31); Numba's and ember's ints do not)
        a = np.arange(-128, 128).astype(dtype)
        check(int8_mix, a, a[::-1].copy(), np.zeros(a.size, np.int64))
    f = jit(median3_rows)
    f(img, img.copy())
    if hasattr(f, "inspect_llvm"):
        ir = "\n".join(f.inspect_llvm().values())
        assert re.search(r"@llvm\.[su]m(in|ax)\.v\d+i8\(", ir), "the median is not computed in 8-bit lanes"


def adler32(recs):
    n, m = recs.shape
    out = np.empty(n, dtype=np.uint32)
    MOD = np.uint32(65521)
    for i in range(n):
        a = np.uint32(1)
        b = np.uint32(0)
        for j in range(m):
            a = (a + recs[i, j]) % MOD
            b = (b + a) % MOD
        out[i] = (b << np.uint32(16)) | a
    return out


def widened_then_bounded(x, m):
    # s grows by x's range each round (widened to unknown), then % 97 bounds it again; t's range
    # stays unknown (it only grows), so its sum must stay 64-bit
    s, t, u = 1, 0, np.uint64(3)
    for v in x:
        s = (s * 31 + v) % 97
        t = t + v * s
        u = (u * np.uint64(7) + np.uint64(v)) % np.uint64(1000003)
    return s, t, u, m % 97


def test_loop_carried_ranges_bounded_again():
    """A loop-carried value that widening made unknown gets its range back from a descending
    pass (a = (a + x) % 65521 lies in [0, 65520]), so Adler-32 divides in 32 bits, as numba's
    uint32 code does; the values stay Python's."""
    recs = np.random.default_rng(3).integers(0, 256, (5, 300)).astype(np.uint8)
    recs[0] = 255
    f = jit(adler32)
    assert np.array_equal(f(recs), adler32(recs))
    x = np.random.default_rng(4).integers(0, 2**31, 1000)   # int64: CPython computes as compiled code
    assert jit(widened_then_bounded)(x, 10**18) == widened_then_bounded(x, 10**18)
    if hasattr(f, "inspect_llvm"):
        ir = "\n".join(f.inspect_llvm().values())
        assert re.search(r"(urem|srem) i32", ir), "Adler-32's % does not run in 32 bits"


def median3_rows(img, out):
    h, w = img.shape
    for i in range(h):
        for j in range(1, w - 1):
            a = img[i, j - 1]
            b = img[i, j]
            c = img[i, j + 1]
            out[i, j] = max(min(a, b), min(max(a, b), c))
    return out


def test_range_assumptions_not_copied_per_lane():
    """A range loop's value carries an llvm.assume (its start's side); the loop vectoriser copied
    it per lane and kept a vector of the induction variable alive for it. Such a module is
    optimised again with the assumes dropped just before the vectoriser (codegen/jit.c)."""
    img = np.random.default_rng(5).integers(0, 256, (7, 300)).astype(np.uint8)
    f = jit(median3_rows)
    got, want = f(img, img.copy()), median3_rows(img, img.copy())
    assert np.array_equal(got, want)
    if hasattr(f, "inspect_llvm"):
        ir = "\n".join(f.inspect_llvm().values())
        assert not re.search(r"extractelement[^\n]*\n\s*(tail )?call void @llvm\.assume", ir), "per-lane assumes are left"
        assert "vec.ind" not in ir, "a vector of the induction variable is left in the loop"


def wrapped_results(a, b):
    return (a * b) / 2, (a * b) > 0, (a * b) // 3, np.maximum(a * b, 0), np.sum(a * b), (a * b - a).mean(), \
        np.sum(a * b + 1, axis=0)


@pytest.mark.parametrize("dt", DTYPES)
def test_array_expressions_wrap_to_their_dtype(dt):
    """NumPy's int8 * int8 is int8: what reads the product (a division, a comparison, a fused sum)
    sees it wrapped, as the array NumPy makes holds it."""
    info = np.iinfo(dt)
    rng = np.random.default_rng(7)
    a = np.concatenate([np.array([info.min, info.max, -1 if info.min else 1, 0], dt), rng.integers(info.min, info.max, 61).astype(dt)])
    b = a[::-1].copy()
    with np.errstate(all="ignore"):
        got, want = jit(wrapped_results)(a, b), wrapped_results(a, b)
        got2, want2 = jit(wrapped_results)(a.reshape(5, 13), b.reshape(5, 13)), wrapped_results(a.reshape(5, 13), b.reshape(5, 13))
    for g, w in zip(got + got2, want + want2):
        assert np.array_equal(g, w), (g, w)


@pytest.mark.parametrize("d", [3, 7, 10, 1000003, 2**31 + 1, 3 * 2**40, 2**62 + 1, 2**63 - 1])
def test_array_division_by_a_constant_floors(d):
    """a // d and a % d of int arrays by a constant d (not a power of two) as four 32-bit products
    (codegen/lower_array.c, div_by_const): NumPy's floored values at the int64 limits too."""
    f = jit(eval("lambda a: (a // %d, a %% %d, (a - 1) // %d, a.astype(np.int8) // %d)" % (d, d, d, d % 127 + 3)))
    rng = np.random.default_rng(d % 1000)
    edge = np.array([v for v in (0, 1, -1, 2**63 - 1, -2**63, -2**63 + 1, 2**62, -2**62, d - 1, d, d + 1, -d, 1 - d, -d - 1)
                     if -2**63 <= v < 2**63], np.int64)
    for a in (edge, rng.integers(-2**63, 2**63 - 1, 3001, dtype=np.int64), rng.integers(-1000, 1000, 999)):
        with np.errstate(all="ignore"):
            want = (a // d, a % d, (a - 1) // d, a.astype(np.int8) // (d % 127 + 3))
        for g, w in zip(f(a), want):
            assert np.array_equal(g, w)


def fmix32(h):
    h ^= h >> np.uint32(16)
    h = np.uint32(h * np.uint32(0x85EBCA6B))
    h ^= h >> np.uint32(13)
    return h


def test_a_variable_of_an_unsigned_argument_and_uint64_results_is_uint64():
    """h an np.uint32 argument, then h ^= h >> 16 (a uint64, as in Numba): the variable is a uint64,
    not the float64 that int64 and uint64 unify to."""
    for v in (0, 1, 0xDEADBEEF, 0xFFFFFFFF):
        got = jit(fmix32)(np.uint32(v))
        want = fmix32(np.uint32(v))
        assert int(got) == int(want)


def unsigned_product_loop(n):
    x = np.uint32(1)
    for i in range(n):
        x = x * np.uint32(4000000000)
    return x


def unsigned_sum_loop(n):
    x = np.uint32(7)
    for i in range(n):
        x = x + np.uint64(2**63)
    return x - np.uint64(100)


def fnv_hash(keys):
    h = np.uint32(2166136261)
    for k in keys:
        h = (h ^ k) * np.uint32(16777619)
    return h


def plus_constant_loop(n):
    x = np.uint32(7)
    for i in range(n):
        x = x + 1   # an int64 in Numba: a uint32 and an int
    return x - 100


def test_a_variable_of_unsigned_scalars_and_its_own_arithmetic_is_uint64():
    """x = np.uint32(1), then x = x * np.uint32(k) in a loop: Numba types x uint64 (the product of
    two unsigned scalars is one); ember typed it int64 (then a negative result) or float64."""
    M = 2**64
    for n in (0, 1, 3):
        assert type(jit(unsigned_product_loop)(n)) is int
        assert jit(unsigned_product_loop)(n) == 4000000000**n % M
        assert jit(unsigned_sum_loop)(n) == (7 + n * 2**63 - 100) % M
    keys = np.array([3, 0xFFFFFFFF, 12345, 0x80000000], dtype=np.uint32)
    want = 2166136261
    for k in keys.tolist():
        want = (want ^ k) * 16777619 % M
    assert jit(fnv_hash)(keys) == want
    assert jit(plus_constant_loop)(3) == -90


def crc_table():
    t = np.empty(256, np.uint32)
    for n in range(256):
        c = np.uint32(n)
        for k in range(8):
            if c & np.uint32(1):
                c = np.uint32(0xEDB88320) ^ (c >> np.uint32(1))
            else:
                c = c >> np.uint32(1)
        t[n] = c
    return t


def test_a_table_of_unsigned_shifts_in_branches():
    import zlib
    t = jit(crc_table)()
    crc = 0xFFFFFFFF
    for byte in b"ember":
        crc = int(t[(crc ^ byte) & 0xFF]) ^ (crc >> 8)
    assert crc ^ 0xFFFFFFFF == zlib.crc32(b"ember")
