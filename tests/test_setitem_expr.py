"""`target[index] = <array expression>` evaluated straight into the target's view.

NumPy computes the right side into a temporary, then copies it into target[index]. ember
evaluates the expression element by element into the view instead (no temporary), which gives
the same values as long as no operand overlaps the target otherwise than element for element;
such an operand (a[1:] = a[:-1] + 1) is read from a copy, as the old values must be. Each case
here is compared with NumPy (in-place writes to the arguments too), over views, broadcasting,
dtype conversions on store, overlap, errors, loops and parallel=True."""

import numpy as np
import pytest

from difftest import check, impl, live_blocks, no_leaks  # noqa: F401

R = np.random.default_rng(11)


def lap_1d(u):
    out = np.zeros_like(u)
    out[1:-1] = u[2:] + u[:-2] - 2.0 * u[1:-1]
    return out


def lap_2d(u):
    out = np.zeros_like(u)
    out[1:-1, 1:-1] = 0.25 * (u[2:, 1:-1] + u[:-2, 1:-1] + u[1:-1, 2:] + u[1:-1, :-2]) - u[1:-1, 1:-1]
    return out


def lap_3d_short_last(u):
    out = np.zeros_like(u)
    out[1:-1, 1:-1, :] = u[2:, 1:-1, :] + u[:-2, 1:-1, :] + u[1:-1, 2:, :] + u[1:-1, :-2, :] - 4.0 * u[1:-1, 1:-1, :]
    return out


def into_arg(out, a, b):
    out[1:-1] = np.sqrt(a[1:-1] * a[1:-1] + b[1:-1])
    return out


@pytest.mark.parametrize("dt", [np.float64, np.float32, np.int64, np.int16])
@pytest.mark.parametrize("fn,shape", [(lap_1d, (41,)), (lap_2d, (23, 31)), (lap_3d_short_last, (13, 17, 3))])
def test_stencils(fn, shape, dt):
    u = (R.standard_normal(shape) * 50).astype(dt)
    check(fn, u, rtol=0, atol=0)


@pytest.mark.parametrize("fn,shape", [(lap_2d, (23, 31)), (lap_3d_short_last, (13, 17, 3))])
def test_stencils_over_views(fn, shape):
    u = R.standard_normal(tuple(2 * n for n in shape))
    check(fn, u[::2, 1::2], rtol=0, atol=0)
    check(fn, np.asfortranarray(u[::2, ::2]), rtol=0, atol=0)
    check(fn, u[::-2, ::2], rtol=0, atol=0)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 64])
def test_short_and_empty(n):
    check(lap_1d, R.standard_normal(n), rtol=0, atol=0)
    check(into_arg, np.zeros(n), R.standard_normal(n), R.random(n), rtol=0, atol=0)


def shift_right(a):
    a[1:] = a[:-1] + 1.0
    return a


def shift_left(a):
    a[:-1] = a[1:] * 2.0
    return a


def reversed_self(a):
    a[:] = a[::-1] - a
    return a


def same_view(a):
    a[1:-1] = a[1:-1] * 3.0 + 1.0
    return a


def rows_from_rows(m):
    m[1:, :] = m[:-1, :] + m[1:, :]
    return m


def cols_overlap(m):
    m[:, 1:] = m[:, :-1] * 0.5 + m[:, 1:]
    return m


def transposed_self(m):
    m[:, :] = m.T + 1.0
    return m


@pytest.mark.parametrize("fn", [shift_right, shift_left, reversed_self, same_view])
def test_overlap_1d_reads_old_values(fn):
    check(fn, R.standard_normal(37), rtol=0, atol=0)
    check(fn, R.standard_normal(80)[::2], rtol=0, atol=0)


@pytest.mark.parametrize("fn", [rows_from_rows, cols_overlap, transposed_self])
def test_overlap_2d_reads_old_values(fn):
    check(fn, R.standard_normal((9, 9)), rtol=0, atol=0)
    check(fn, np.asfortranarray(R.standard_normal((7, 7))), rtol=0, atol=0)


def overlap_other_arg(a, b):
    a[2:] = b * 2.0 + 1.0
    return a


def test_overlap_through_another_argument():
    base = R.standard_normal(30)
    check(overlap_other_arg, base[:20], base[:18], rtol=0, atol=0)   # b is a shifted view of a
    check(overlap_other_arg, base[:20], base[4:22], rtol=0, atol=0)
    check(overlap_other_arg, base[:20], R.standard_normal(18), rtol=0, atol=0)


def outer_sum(out, col, row):
    out[:, :] = col[:, None] + row[None, :]
    return out


def row_into_block(out, v, s):
    out[2:5] = v * s + 1.0
    return out


def scalar_row(out, a, i):
    out[i] = a * a - 1.0
    return out


def last_col(out, a):
    out[..., 0] = a + 2.0
    return out


@pytest.mark.parametrize("dt", [np.float64, np.float32])
def test_broadcasting_into_the_view(dt):
    check(outer_sum, np.zeros((5, 6), dt), R.standard_normal(5).astype(dt), R.standard_normal(6).astype(dt),
          rtol=0, atol=0)
    check(outer_sum, np.zeros((5, 6), dt), R.standard_normal(5).astype(dt), R.standard_normal(1).astype(dt),
          rtol=0, atol=0)
    check(row_into_block, np.zeros((7, 4), dt), R.standard_normal(4).astype(dt), 3.0, rtol=0, atol=0)
    check(row_into_block, np.zeros((7, 4), dt), R.standard_normal(1).astype(dt), 3.0, rtol=0, atol=0)
    check(scalar_row, np.zeros((3, 4), dt), R.standard_normal(4).astype(dt), 1, rtol=0, atol=0)
    check(scalar_row, np.zeros((3, 4), dt), R.standard_normal(4).astype(dt), -1, rtol=0, atol=0)
    check(last_col, np.zeros((3, 4, 2), dt), R.standard_normal((3, 4)).astype(dt), rtol=0, atol=0)


def test_shape_mismatch_raises():
    check(row_into_block, np.zeros((7, 4)), R.standard_normal(3), 3.0)      # (3,) into (3, 4)
    check(outer_sum, np.zeros((5, 6)), R.standard_normal(4), R.standard_normal(6))
    check(into_arg, np.zeros(5), R.standard_normal(6), R.random(6))


def f2i(out, a):
    out[1:] = a[1:] * 2.5 - 1.0
    return out


def i2i8(out, a):
    out[:] = a * 3 + 100     # wraps in the expression's dtype, as NumPy
    return out


def cmp_into_bool(out, a, t):
    out[:] = a > t
    return out


def cmp_into_float(out, a, t):
    out[1:] = a[1:] > t
    return out


def f64_into_f32(out, a):
    out[:] = a / 3.0 + 1e-3
    return out


def test_conversions_on_store():
    check(f2i, np.zeros(20, np.int64), R.standard_normal(20) * 9, rtol=0, atol=0)
    check(f2i, np.zeros(20, np.int32), R.standard_normal(20) * 9, rtol=0, atol=0)
    check(f2i, np.zeros(20, np.uint8), R.random(20) * 9, rtol=0, atol=0)
    check(i2i8, np.zeros(20, np.int64), (R.integers(-100, 100, 20)).astype(np.int8), rtol=0, atol=0)
    check(cmp_into_bool, np.zeros(20, np.bool_), R.standard_normal(20), 0.1)
    check(cmp_into_float, np.zeros(20), R.standard_normal(20), 0.1, rtol=0, atol=0)
    check(f64_into_f32, np.zeros(20, np.float32), R.standard_normal(20), rtol=0, atol=0)


def complex_parts(out, z, w):
    out[:] = z * w + 1j
    return out


def test_complex():
    z = R.standard_normal(9) + 1j * R.standard_normal(9)
    w = R.standard_normal(9) + 1j * R.standard_normal(9)
    check(complex_parts, np.zeros(9, np.complex128), z, w)


def jacobi(u, steps):
    v = u.copy()
    for _ in range(steps):
        v[1:-1, 1:-1] = 0.25 * (u[2:, 1:-1] + u[:-2, 1:-1] + u[1:-1, 2:] + u[1:-1, :-2])
        u[1:-1, 1:-1] = 0.25 * (v[2:, 1:-1] + v[:-2, 1:-1] + v[1:-1, 2:] + v[1:-1, :-2])
    return u


def in_place_sweep(u, steps):
    for _ in range(steps):
        u[1:-1] = 0.5 * (u[2:] + u[:-2])   # reads old neighbours: u overlaps the target
    return u


def test_in_loops():
    check(jacobi, R.standard_normal((12, 14)), 5)
    check(in_place_sweep, R.standard_normal(33), 7, rtol=0, atol=0)


@impl.njit
def index_of(i):
    return i + 1


def call_between(out, a, b, i):
    out[index_of(i):] = a[1:] + b[1:]
    return out


def test_index_computed_by_a_call():
    check(call_between, np.zeros(8), R.standard_normal(8), R.standard_normal(8), 0, rtol=0, atol=0)


def test_no_temporary_array():
    """The expression is written into the view: the runtime allocates no block for it."""
    from ember import _ember

    u = R.standard_normal((40, 50, 3))
    out = np.zeros_like(u)

    def stencil_into(u, out):
        out[1:-1, 1:-1, :] = u[2:, 1:-1, :] + u[:-2, 1:-1, :] - 2.0 * u[1:-1, 1:-1, :]

    f = impl.njit(stencil_into)
    f(u, out)
    before = _ember.rt_stats()["allocs"]
    f(u, out)
    assert _ember.rt_stats()["allocs"] == before
    exp = np.zeros_like(u)
    stencil_into(u, exp)
    assert np.array_equal(out, exp)
    # an overlapping operand still gets its copy (one block), and the right values
    g = impl.njit(shift_right)
    a = R.standard_normal(50)
    g(a.copy())
    before = _ember.rt_stats()["allocs"]
    got = g(a.copy())
    assert _ember.rt_stats()["allocs"] == before + 1
    assert np.array_equal(got, shift_right(a.copy()))


def par_stencil(u):
    out = np.zeros_like(u)
    out[1:-1, 1:-1] = u[2:, 1:-1] + u[:-2, 1:-1] - 2.0 * u[1:-1, 1:-1]
    return out


def par_shift(a):
    a[1:] = a[:-1] * 2.0 + 1.0
    return a


def test_parallel():
    check(par_stencil, R.standard_normal((300, 200)), jit_opts={"parallel": True}, rtol=0, atol=0)
    check(par_shift, R.standard_normal(100_000), jit_opts={"parallel": True}, rtol=0, atol=0)


# ---- augmented assignment to a view: a[i] += x ----------------------------------------------
# The in-place operator writes through the view a[i]; the store of that view back into a[i]
# that Python's bytecode makes next changes nothing and costs nothing (no copy, no loop).

def aug_slice(a, b):
    a[1:-1] += b[1:-1] * 2.0
    return a


def aug_strided_from_self(a):
    a[::2] -= a[1::2]
    return a


def aug_overlapping_self(a):
    a[1:] += a[:-1]
    return a


def aug_row(m, i):
    m[i] *= 2.0
    m[i] += m[i, ::-1]
    return m


def aug_block(m, s):
    m[1:-1, :] *= s
    m[:, 1:] -= m[:, :-1]
    return m


def aug_int(a, b):
    a[1:] += b[1:]
    a[:-1] //= 3
    a[2:] <<= 1
    return a


def test_augmented_assignment_to_views():
    check(aug_slice, R.standard_normal(30), R.standard_normal(30), rtol=0, atol=0)
    check(aug_strided_from_self, R.standard_normal(30), rtol=0, atol=0)
    check(aug_overlapping_self, R.standard_normal(30), rtol=0, atol=0)
    check(aug_row, R.standard_normal((4, 5)), 2, rtol=0, atol=0)
    check(aug_block, R.standard_normal((6, 7)), 0.5, rtol=0, atol=0)
    check(aug_block, np.asfortranarray(R.standard_normal((6, 7))), 0.5, rtol=0, atol=0)
    check(aug_int, R.integers(-50, 50, 20), R.integers(-50, 50, 20))
    check(aug_int, R.integers(-50, 50, 20).astype(np.int32), R.integers(-50, 50, 20).astype(np.int8))


def test_augmented_assignment_allocates_nothing():
    from ember import _ember

    a, b = R.standard_normal(1000), R.standard_normal(1000)
    f = impl.njit(aug_slice)
    f(a, b)
    before = _ember.rt_stats()["allocs"]
    f(a, b)
    assert _ember.rt_stats()["allocs"] == before


def div_int_view(a):
    a[1:] /= 2
    return a


def add_float_to_int(a):
    a[1:] += 1.5
    return a


def add_float_array_to_int(a, b):
    a += b
    return a


@pytest.mark.parametrize("fn,args", [
    (div_int_view, (np.arange(5),)),
    (add_float_to_int, (np.arange(5),)),
    (add_float_array_to_int, (np.arange(5), np.ones(5))),
    (add_float_array_to_int, (np.zeros(5, np.float64), np.ones(5, np.complex128))),
])
def test_in_place_result_must_cast_same_kind(fn, args):
    """NumPy refuses to write a float result into an int array in place (UFuncTypeError);
    ember says so when compiling (it crashed compiling a /= 2, and truncated a += 1.5)."""
    with pytest.raises(TypeError):
        fn(*[a.copy() for a in args])
    from difftest import errors

    with pytest.raises(errors.TypingError, match="same_kind"):
        impl.njit(fn)(*[a.copy() for a in args])
