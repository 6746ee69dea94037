"""Loop classes of issue 17, differential against CPython: short inner loops over a small array
dimension (every d from 0 to 16, edge trip counts), CRC-32 over bytes (shift/XOR chains on
small unsigned ints, which codegen/jit.c compiles without SLP vectorisation when it would put a
reduction on the loop-carried chain), unsigned wraparound as NumPy's arrays do it, and loops
carrying a dependency through memory (recursive filters, in-place Gauss-Seidel sweeps)."""

import zlib

import numpy as np
import pytest

from difftest import check, jit, no_leaks  # noqa: F401


def sqdist(x, y, out):
    n = x.shape[0]
    d = x.shape[1]
    for i in range(n):
        s = 0.0
        for k in range(d):
            v = x[i, k] - y[k]
            s += v * v
        out[i] = s
    return out


def nearest(x, c):
    total = 0
    for i in range(x.shape[0]):
        best = 1e300
        bj = -1
        for j in range(c.shape[0]):
            s = 0.0
            for k in range(x.shape[1]):
                v = x[i, k] - c[j, k]
                s += v * v
            if s < best:
                best = s
                bj = j
        total += bj
    return total


@pytest.mark.parametrize("d", range(17))
@pytest.mark.parametrize("n", [0, 5])
def test_short_inner_loop_every_dimension(n, d):
    rng = np.random.default_rng(d * 31 + n)
    x, y = rng.random((n, d)), rng.random(d)
    check(sqdist, x, y, np.zeros(n))


@pytest.mark.parametrize("d", [1, 2, 3, 5, 8, 13])
def test_nearest_centre(d):
    rng = np.random.default_rng(d)
    check(nearest, rng.random((50, d)), rng.random((8, d)))
    check(nearest, rng.random((3, d)), rng.random((0, d)))


def test_short_inner_loop_views():
    x = np.random.default_rng(5).random((20, 12))
    check(sqdist, x[::2, 1:4], x[0, ::3][:3].copy(), np.zeros(10))
    check(sqdist, np.asfortranarray(x[:, :3]), x[1, :3].copy(), np.zeros(20))


def crc32_bitwise(data):
    c = 0xFFFFFFFF
    for i in range(data.shape[0]):
        c ^= int(data[i])
        for _ in range(8):
            c = (c >> 1) ^ (0xEDB88320 & -(c & 1))
    return c ^ 0xFFFFFFFF


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


def crc32_table(data, table):
    c = np.uint32(0xFFFFFFFF)
    for i in range(data.shape[0]):
        c = table[(c ^ data[i]) & 0xFF] ^ (c >> 8)
    return int(c ^ np.uint32(0xFFFFFFFF))


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


def _table():
    t = np.empty(256, np.uint32)
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ (0xEDB88320 if c & 1 else 0)
        t[i] = c
    return t


@pytest.mark.parametrize("n", [0, 1, 2, 3, 17, 1000])
def test_crc32_forms(n):
    data = np.random.default_rng(n).integers(0, 256, n).astype(np.uint8)
    for fn in (crc32_bitwise, crc32_branchy):
        check(fn, data)
    check(crc32_table, data, _table())
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


def iir_rows_cols(img, a):
    h, w = img.shape
    for r in range(h):
        for c in range(1, w):
            img[r, c] = img[r, c] + a * (img[r, c - 1] - img[r, c])
    for r in range(1, h):
        for c in range(w):
            img[r, c] = img[r, c] + a * (img[r - 1, c] - img[r, c])
    for r in range(h):
        for c in range(w - 2, -1, -1):
            img[r, c] += a * (img[r, c + 1] - img[r, c])
    return img


def gauss_seidel(u, f, iters):
    h, w = u.shape
    for _ in range(iters):
        for i in range(1, h - 1):
            for j in range(1, w - 1):
                u[i, j] = 0.25 * (u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1] - f[i, j])
    return u


@pytest.mark.parametrize("shape", [(0, 0), (1, 1), (1, 5), (5, 1), (2, 2), (3, 3), (9, 14)])
def test_memory_carried_loops(shape):
    rng = np.random.default_rng(sum(shape))
    check(iir_rows_cols, rng.random(shape), 0.3)
    check(gauss_seidel, rng.random(shape), rng.random(shape), 3)
    check(gauss_seidel, rng.random(shape).T, rng.random(shape).T, 2)
