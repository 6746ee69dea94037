"""Loop shapes of issue 17's last gaps to numba, differential against CPython/NumPy.

- Broadcast array expressions whose operands are C arrays of the result's ndim
  (`aa[:, None] + bb[None, :]`, `x - x.mean(axis=1, keepdims=True)`): a column (last dimension
  1 by construction) is read at index 0 in the unit-stride twin of the loop nest
  (codegen/lower_array.c), other operands at their item size; every shape, inner length 1,
  empty, views and variables stored more than once (which must not be read as columns).
"""

import numpy as np
import pytest

from difftest import check, jit, no_leaks  # noqa: F401


def sq_distances(a, b):
    aa = np.sum(a * a, axis=1)
    bb = np.sum(b * b, axis=1)
    return aa[:, np.newaxis] + bb[np.newaxis, :] - 2.0 * np.dot(a, b.T)


def outer(a, b):
    return a[:, None] * b[None, :] + 1.0


def centre_rows(x):
    mu = x.mean(axis=1, keepdims=True)
    return (x - mu) / (x.std(axis=1, keepdims=True) + 1.0)


def softmax_rows(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def scale_columns_in_place(x, c):
    x -= c[:, None]
    return x


def col_3d(x, c):
    return x * c[:, :, None] - c[:, :, np.newaxis]


def reassigned(x, c):
    # m is a column on the first trip and a full array on the second: not read as a column
    m = c[:, None]
    s = np.zeros_like(x)
    for _ in range(2):
        s = s + (x + m)
        m = x * 2.0
    return s


def reassigned_in_block(x, c):
    m = c[:, None]
    a = x + m          # a column here
    m = x * 2.0
    return a + (x + m) * x[:1]  # and a full array here (in a broadcast nest)


def reassigned_later(x, c):
    m = x * 2.0
    s = np.zeros_like(x)
    for k in range(2):
        if k == 1:
            m = c[:, None]
        s = s + (x + m)
    return s


SHAPES = [(5, 7), (1, 9), (9, 1), (0, 4), (4, 0), (3, 33)]


@pytest.mark.parametrize("m,n", SHAPES)
def test_sq_distances(m, n):
    rng = np.random.default_rng(m * 10 + n)
    check(sq_distances, rng.standard_normal((m, 3)), rng.standard_normal((n, 3)))


@pytest.mark.parametrize("m,n", SHAPES)
def test_outer_and_keepdims(m, n):
    rng = np.random.default_rng(m * 7 + n)
    x = rng.standard_normal((m, n))
    check(outer, rng.standard_normal(m), rng.standard_normal(n))
    check(centre_rows, x)
    if n:
        check(softmax_rows, x)


def test_columns_in_views_and_place():
    rng = np.random.default_rng(3)
    x = rng.standard_normal((6, 20))
    check(scale_columns_in_place, x.copy(), rng.standard_normal(6))
    check(scale_columns_in_place, x[:, ::2], rng.standard_normal(6))
    check(scale_columns_in_place, np.asfortranarray(x), rng.standard_normal(6))
    check(centre_rows, x[::2, 1:])
    check(outer, x[:, 0], x[0, ::3])


def test_column_of_3d():
    rng = np.random.default_rng(4)
    check(col_3d, rng.standard_normal((2, 3, 5)), rng.standard_normal((2, 3)))
    check(col_3d, rng.standard_normal((2, 3, 1)), rng.standard_normal((2, 3)))


def test_variable_stored_twice_is_not_a_column():
    rng = np.random.default_rng(5)
    check(reassigned, rng.standard_normal((4, 6)), rng.standard_normal(4))
    check(reassigned_later, rng.standard_normal((4, 6)), rng.standard_normal(4))
    check(reassigned_in_block, rng.standard_normal((4, 6)), rng.standard_normal(4))


# Narrow integers widened twice (codegen/widen.c): ext(x op c) as ext(x) op ext(c) where x is
# widened for another use too. Bitwise and/or/xor with constants beside x itself, zero- and
# sign-extended, over the narrow type's values. Python computes on unbounded ints, so the
# reference runs the same function over object arrays (NumPy scalars would wrap in their dtype).


def u8_blend(a, b, w, out):
    for i in range(a.shape[0]):
        out[i] = (a[i] * w[i] + b[i] * (255 - w[i])) // 255


def mix_logic(a, b, w, out):
    for i in range(a.shape[0]):
        out[i] = a[i] * 3 + (a[i] ^ 0x55) - (a[i] & 0x0F) * (a[i] | 0x21) + (~b[i]) * b[i] + (w[i] ^ -1)


def python_reference(fn, out_dtype, *arrays):
    from test_narrow_int import Elem   # ~b[i] of a uint8 element wraps at its width, as in NumPy and Numba
    out = np.zeros(arrays[0].size, dtype=object)
    fn(*(np.array([Elem(int(v), x.dtype) for v in x], dtype=object) for x in arrays), out)
    return np.array([int(v) for v in out], dtype=np.int64).astype(out_dtype)   # wraps as a store does


def run_narrow(fn, out_dtype, *arrays):
    out = np.zeros(arrays[0].size, out_dtype)
    jit(fn)(*arrays, out)
    assert np.array_equal(out, python_reference(fn, out_dtype, *arrays))


def test_u8_blend_every_weight():
    rng = np.random.default_rng(6)
    w = np.arange(256, dtype=np.uint8).repeat(3)
    a, b = rng.integers(0, 256, (2, w.size)).astype(np.uint8)
    a[:256], b[:256] = 255, 0
    run_narrow(u8_blend, np.uint8, a, b, w)


@pytest.mark.parametrize("dt", [np.uint8, np.int8, np.uint16, np.int16])
@pytest.mark.parametrize("odt", [np.int16, np.int32, np.int64])
def test_logic_ops_beside_their_operand(dt, odt):
    info = np.iinfo(dt)
    a = np.linspace(info.min, info.max, 700).astype(np.int64)
    a = np.concatenate([a, [info.min, info.max, 0, 1, -1 if info.min < 0 else 2]]).astype(dt)
    run_narrow(mix_logic, odt, a, a[::-1].copy(), np.roll(a, 3))


# ---- operands stretched along the last axis at run time (arguments, slices) -----------------
# The nest over C operands of the result's ndim reads each one at its item size or, where its
# last dimension is 1 and the loop's is not, at index 0 (Leaf.stretched_last): LLVM unswitches
# the choice, so x / s with s of shape (n, 1) passed in is a vector loop (it was scalar, 3x numba).

def div_by(x, s):
    return x / s


def sub_exp(x, s):
    return np.exp(x - s) * 2.0


def in_place_div(x, s):
    y = x.copy()
    y /= s
    return y


def mixed(a, b, c):
    return a * b - c


def sums_of(x, s):
    return np.sum(x / s), np.sum(x - s, axis=1), np.sum(x * s, axis=0)


@pytest.mark.parametrize("xs, ss", [((8, 37), (8, 1)), ((8, 37), (1, 37)), ((8, 37), (1, 1)), ((5, 1), (5, 1)),
                                    ((0, 7), (0, 1)), ((3, 0), (3, 1)), ((4, 3, 9), (4, 3, 1)), ((4, 3, 9), (1, 3, 1)),
                                    ((4, 1, 9), (4, 6, 1)), ((17,), (1,)), ((1,), (17,)), ((8, 1), (1, 37))])
def test_stretched_at_run_time(xs, ss):
    rng = np.random.default_rng(len(xs) * 7 + sum(xs))
    x = rng.standard_normal(xs) + 3.0
    s = rng.standard_normal(ss) + 5.0
    check(div_by, x, s)
    check(div_by, s, x)
    check(sub_exp, x, s)
    check(mixed, x, s, x.astype(np.float32))
    check(mixed, x.astype(np.int64), s.astype(np.int32), 2)
    if np.broadcast_shapes(xs, ss) == xs:
        check(in_place_div, x, s)
    if len(xs) == 2 and len(ss) == 2:
        check(sums_of, x, s)


def test_stretched_views_and_f_order():
    x = np.arange(60.0).reshape(6, 10) + 1.0
    check(div_by, x, x[:, :1])                 # a slice with one column
    check(div_by, x[::2], x[::2, 3:4])         # strided rows
    check(div_by, np.asfortranarray(x), x[:, :1])
    check(div_by, x, np.asfortranarray(x[:, :1]))
    check(div_by, x.T, x.T[:, :1])
    check(div_by, x, x[:, 4:3])                # an empty column: ValueError, as NumPy's broadcast


def zero_d(a):
    return np.asarray(2.5, dtype=np.float32), np.asarray(a[0], dtype=np.int64) + 1


def test_zero_d_expressions():
    check(zero_d, np.arange(3.0))
