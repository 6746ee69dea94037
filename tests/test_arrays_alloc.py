"""Allocating arrays in compiled code, vs CPython: np.empty (shape and dtype only) zeros ones
full and their _like forms, shapes as int or tuple, dtype=; arange linspace eye identity;
copy reshape (-1 too) ravel transpose astype ascontiguousarray; np.array from list and tuple
literals; arrays and tuples of arrays as results; arrays alive when compiled code raises (the
no_leaks fixture checks they are freed)."""

from math import inf

import numpy as np
import pytest

from difftest import (check, check_all, impl, jit, layouts, no_leaks, numba_leaks, numba_skip,  # noqa: F401
                      numba_xfail, sample)

prange = impl.prange

# no_leaks (imported above) is an autouse fixture: every test here must free what it allocates.

RAISE_LEAKS = "numba does not free the arrays live where compiled code raises"

# ------------------------------------------------------------------ empty zeros ones full


def empty_1d(n):
    return np.empty(n)


def empty_shapes(n, m):
    return np.empty((n, m)), np.empty((n, m, 2), np.int32), np.empty(n, dtype=np.complex128)


def test_empty_shape_and_dtype():
    check_all(empty_1d, [(0,), (1,), (5,)], shape_only=True)
    check_all(empty_shapes, [(0, 3), (2, 3), (1, 1)], shape_only=True)


def zeros_ones(n):
    return np.zeros(n), np.ones(n), np.zeros((n, 2)), np.ones((2, n, 3))


def zeros_dtypes(n):
    return (np.zeros(n, np.int32), np.zeros(n, dtype=np.bool_), np.ones(n, np.complex128),
            np.ones((n, n), dtype=np.uint8), np.zeros(n, np.float32), np.ones(n, np.int64),
            np.ones(n, np.bool_), np.zeros((n,), np.int8))


def full_forms(n, v):
    return np.full(n, v), np.full((n, 2), v), np.full(n, v, np.float32), np.full((2, n), 3, np.int16)


def test_zeros_ones_full():
    check_all(zeros_ones, [(0,), (1,), (4,)])
    check_all(zeros_dtypes, [(0,), (3,)])
    check_all(full_forms, [(3, 2.5), (0, 1.0), (2, 7), (2, True)])


def unsigned_sizes(k, m):
    n = np.uint64(1) << np.uint64(k)
    return np.zeros(n, np.uint64), np.ones((n, m)), np.full((m, n), 2.5), np.empty(m).shape


def test_unsigned_sizes():
    check_all(unsigned_sizes, [(3, np.uint64(2)), (0, np.uint64(0))])


def like_forms(a):
    return np.empty_like(a).shape, np.zeros_like(a), np.ones_like(a), np.full_like(a, 3)


def like_dtype(a):
    return np.zeros_like(a, dtype=np.float64), np.ones_like(a, np.int32), np.full_like(a, 2.5, np.float64)


@pytest.mark.parametrize("dtype", ["bool", "uint32", "float32", "complex128"])
def test_like_forms(dtype):
    check_all(like_forms, [(sample(dtype, (2, 3)),), (np.zeros(0, dtype),)])


def test_like_forms_layouts():
    # The result of a _like function is C-contiguous whatever the argument's layout.
    check_all(like_forms, [(v,) for _, v in layouts(sample("int64", (2, 3)), ["F", "strided"])])


def test_like_dtype():
    check_all(like_dtype, [(sample("int16", (4,)),), (sample("float64", (2, 2)),)])


# ------------------------------------------------------------------ ranges


def arange1(n):
    return np.arange(n)


def arange_args(a, b, c):
    return np.arange(a, b), np.arange(a, b, c)


def arange_dtype(n):
    return np.arange(n, dtype=np.float32), np.arange(0, n, 2, np.int8), np.arange(n, dtype=np.float64)


def test_arange():
    check_all(arange1, [(0,), (1,), (7,), (-3,)])
    check_all(arange1, [(2.5,), (0.0,)])
    check_all(arange_args, [(0, 10, 3), (10, 0, -3), (-5, 5, 1), (3, 3, 1), (5, 0, 1)])
    check_all(arange_args, [(0.0, 1.0, 0.25), (1.0, -1.0, -0.5), (0.5, 3.5, 0.7)])
    check_all(arange_dtype, [(0,), (5,)])


@numba_xfail("np.arange with step 0 raises ValueError, NumPy raises ZeroDivisionError")
@numba_leaks(RAISE_LEAKS)
def test_arange_zero_step():
    check(arange_args, 0, 5, 0)


def linspace(a, b, n):
    return np.linspace(a, b, n)


def linspace_default(a, b):
    return np.linspace(a, b)


def test_linspace():
    check_all(linspace, [(0.0, 1.0, 5), (1.0, -1.0, 3), (0.0, 1.0, 1), (2.0, 3.0, 0), (0, 10, 11)])
    check_all(linspace_default, [(0.0, 1.0), (-3.5, 2.0)])


def linspace_forms(a, b, n, endpoint):
    return np.linspace(a, b, n, endpoint=endpoint), np.linspace(a, b, n, endpoint=endpoint, retstep=True)[1]


def bits(v):
    """The float64 words of a number or array (complex: both parts), for a bitwise comparison."""
    return np.atleast_1d(np.asarray(v, dtype=np.complex128 if np.iscomplexobj(v) else np.float64)).view(np.uint64)


@numba_xfail("np.linspace takes neither endpoint= nor retstep=")
def test_complex_linspace_is_numpys_to_the_bit():
    # NumPy's complex arithmetic: the step delta / (div + 0j) through the reciprocal, (i + 0j) * step,
    # 0 * inf products kept; signed zeros, infinities and subnormal steps included
    f = jit(linspace_forms)
    ends = [0, 1.5, -2, 1 + 1j, 1j, complex(-0.0, 3), complex(1e-320, 0), complex(inf, 1), complex(0, -0.0),
            -0.0, complex(1e308, -1e308)]
    bad = []
    for a in ends:
        for b in ends:
            if not (isinstance(a, complex) or isinstance(b, complex)):
                continue
            for n in (0, 1, 2, 5):
                for endpoint in (True, False):
                    got, step = f(a, b, n, endpoint)
                    ref, ref_step = np.linspace(a, b, n, endpoint=endpoint, retstep=True)
                    if got.dtype != ref.dtype or not np.array_equal(bits(got), bits(ref)):
                        bad.append((a, b, n, endpoint, got, ref))
                    if not np.isnan(ref_step) and not np.array_equal(bits(step), bits(ref_step)):
                        bad.append((a, b, n, endpoint, step, ref_step))   # (NumPy's undefined step: a float NaN)
    assert not bad, bad[:5]


def linspace_complex_dtypes(a, b):
    return np.linspace(a, b, 4, dtype=np.complex64), np.linspace(0, 3, 4, dtype=np.complex128)


@numba_xfail("np.linspace takes no dtype=")
def test_linspace_complex_dtype():
    check(linspace_complex_dtypes, 1 + 2j, -1j)
    check(linspace_complex_dtypes, 0.5, 2)


def eye_identity(n):
    return np.eye(n), np.identity(n), np.eye(n, dtype=np.int32)


def eye_rect(n, m, k):
    return np.eye(n, m, k)


def test_eye_identity():
    check_all(eye_identity, [(0,), (1,), (4,)])
    check_all(eye_rect, [(2, 4, 0), (4, 2, 1), (3, 3, -1), (3, 3, 5)])


# ------------------------------------------------------------------ copies and reshaping


def copy_then_write(a):
    b = a.copy()
    b[0] = 42
    c = np.copy(a)
    return b, c


def test_copy():
    check_all(copy_then_write, [(v,) for _, v in layouts(sample("int32", (5,)), ["C", "reversed", "strided"])]
              + [(v,) for _, v in layouts(sample("float64", (3, 2)), ["C", "F", "strided"])])


def reshape_forms(a):
    return a.reshape(3, 4), a.reshape((2, 6)), a.reshape(-1, 3), a.reshape((4, -1)), a.reshape(12), np.reshape(a, (2, 2, 3))


def reshape_view(a):
    r = a.reshape(2, 3)
    r[0, 0] = -1
    return a


def test_reshape():
    check_all(reshape_forms, [(np.arange(12),), (sample("float64", (12,)),)])
    check_all(reshape_forms, [(np.arange(12).reshape(3, 4),), (np.arange(12.0).reshape(2, 6),)])
    check_all(reshape_view, [(np.arange(6),)])


def reshape_zero(a, n):
    return a.reshape((n, -1))


@numba_leaks(RAISE_LEAKS)
def test_reshape_bad_size():
    check(reshape_forms, np.arange(10))
    check_all(reshape_zero, [(np.zeros(0), 0), (np.zeros(6), 0), (np.zeros(0), 2), (np.zeros(6), 4)])


def ravel_forms(a):
    return a.ravel(), np.ravel(a), a.flatten()


def transposes(a):
    return a.transpose(), np.transpose(a), a.transpose((1, 0, 2)) if a.ndim == 3 else a.T


def transpose_3d(a):
    return a.transpose(), np.transpose(a), a.transpose((1, 0, 2)), a.transpose(2, 0, 1)


def test_ravel_transpose():
    check_all(ravel_forms, [(v,) for _, v in layouts(sample("float64", (3, 4)), ["C", "F", "strided"])])
    check_all(transpose_3d, [(v,) for _, v in layouts(sample("int64", (2, 3, 4)), ["C", "F"])])


def transpose_axes(a, axes):
    return a.transpose(axes)


@numba_leaks("its ValueError leaves the view's reference")
@pytest.mark.parametrize("axes", [(0, 0, 1), (2, 2, 2),
                                  pytest.param((1, -2, 0), marks=numba_xfail("a negative axis repeating another passes"))])
def test_transpose_repeated_axis_raises(axes):
    # each axis once, as NumPy checks: a repeated one made a view reading past the array
    a = np.arange(24.0).reshape(2, 3, 4)
    f = jit(transpose_axes)
    assert np.array_equal(f(a, (1, -1, 0)), a.transpose(1, -1, 0))
    with pytest.raises(ValueError, match="repeated axis in transpose"):
        f(a, axes)


def astype_forms(a):
    return a.astype(np.float64), a.astype(np.int32), a.astype(np.bool_), a.astype(np.complex128), a.astype(np.uint8)


def test_astype():
    check_all(astype_forms, [(np.array([0.0, 1.5, -2.5, 300.75, 7.0]),), (np.array([-3, 0, 1, 255, 1000]),),
                             (np.array([True, False]),), (np.arange(6.0).reshape(2, 3).T,)])


def contiguous(a):
    c = np.ascontiguousarray(a)
    return c, c.flags.c_contiguous


def test_ascontiguousarray():
    check_all(contiguous, [(v,) for _, v in layouts(sample("float64", (3, 4)), ["C", "F", "strided"])]
              + [(np.arange(5)[::-2],)])


def contiguous_both(a):
    c, f = np.ascontiguousarray(a), np.asfortranarray(a)
    return c, f, c.flags.c_contiguous, f.flags.f_contiguous


def test_contiguous_of_0d_and_numbers():
    # NumPy's results have at least one dimension: a 0-d array or a number gives shape (1,)
    check_all(contiguous_both, [(np.array(2.5),), (np.array(-3),), (np.array(True),), (np.arange(6.0).reshape(2, 3).T,)])
    check_all(contiguous, [(2.5,), (7,), (False,)])


# ------------------------------------------------------------------ np.array from literals


def from_list(x):
    return np.array([1.0, x, 3.0]), np.array([1, 2, 3]), np.array([[1, 2], [3, 4]])


def from_tuple(x):
    return np.array((x, 2 * x)), np.array(((1.5, 2.5), (3.5, x)))


def from_mixed(i):
    return np.array([i, 2.5]), np.array([True, False]), np.array([1j, i])


def from_list_dtype(x):
    return np.array([x, 2, 3], dtype=np.float32), np.array([1, 2], np.uint8)


def test_array_literals():
    check_all(from_list, [(2.0,), (-0.5,)])
    check_all(from_tuple, [(1.5,), (4,)])
    check_all(from_mixed, [(3,)])
    check_all(from_list_dtype, [(1.5,), (7,)])


# ------------------------------------------------------------------ results


def fill_squares(n):
    a = np.empty(n)
    for i in range(n):
        a[i] = i * i
    return a


def several(n):
    a = np.arange(n)
    b = a * 2.5
    return a, (b, a[::2]), n


def grid(n, m):
    g = np.zeros((n, m), np.int64)
    for i in range(n):
        for j in range(m):
            g[i, j] = i * 10 + j
    return g, g.T, g[1:, ::-1]


def temporaries(n):
    s = 0.0
    for k in range(n):
        t = np.ones(k + 1)  # a new array each time round; the old one must be freed
        s += t.sum()
    return s


def test_results():
    check_all(fill_squares, [(0,), (1,), (6,)])
    check_all(several, [(0,), (5,)])
    check_all(grid, [(3, 4), (1, 1)])
    check_all(temporaries, [(0,), (10,)])


# ------------------------------------------------------------------ raising with arrays alive


def alloc_then_raise(n):
    a = np.zeros(n)
    b = np.ones((n, 2))
    if n > 3:
        raise ValueError("too big")
    return a, b


def raise_in_loop(n):
    total = np.zeros(3)
    for i in range(n):
        t = np.full(3, i)
        total += t
        if i == 4:
            raise IndexError("stop at four")
    return total


def negative_size(n):
    return np.zeros(n)


@numba_leaks(RAISE_LEAKS)
def test_raise_frees_arrays():
    check_all(alloc_then_raise, [(2,), (5,)])
    check_all(raise_in_loop, [(3,), (9,)])
    check(negative_size, -1)


# ------------------------------------------------------------------ sizes that do not fit
# (issue 15) itemsize times the shape's product overflowed int64 silently: np.empty(2**62) had
# nbytes 0 and np.full(2**61, 1.0) wrote far past its block. NumPy raises ValueError.

def alloc_n(n):
    return np.empty(n)


def alloc_forms(n, m):
    return (np.full(n, 1.0), np.arange(0, n), np.linspace(0, 1, n), np.eye(n, m),
            np.zeros((m, n, 4)), np.ones((n, n, m), np.int8), np.identity(n))


def alloc_2d(n, m):
    return np.empty((n, m), np.int8)


@numba_xfail("numba does not check the size (it raises MemoryError or crashes)")
def test_too_big_raises():
    check_all(alloc_n, [(2**62,), (2**61 + 1,), (-1,)], shape_only=True)
    check_all(alloc_forms, [(2**61, 2), (2**62, 0), (2**60 + 1, 3)], shape_only=True)
    check_all(alloc_2d, [(2**40, 2**40), (2**62, 0), (0, 2**62)], shape_only=True)
    for n, m in [(2**31, 2**31), (2**31, 2**32 - 1)]:   # fits int64 but not memory (NumPy's is a subclass)
        with pytest.raises(MemoryError):
            jit(alloc_2d)(n, m)


def const_too_big():
    return np.empty(2**62)


def const_eye_too_big():
    return np.eye(2**32)


@numba_xfail("numba does not check the size")
def test_too_big_constant_raises():
    """With constant sizes the check folds: the function raises whenever it runs."""
    check(const_too_big)
    check(const_eye_too_big)


def reshape_to(a, n, m, k):
    return a.reshape(n, m, k)


@numba_xfail("numba's reshape of huge shapes differs")
def test_reshape_sizes_that_wrap():
    """2**62 * 8 * 0 is 0 elements, but NumPy (and ember) refuse shapes whose product of the
    non-zero dimensions does not fit; two -1 are refused."""
    z = np.ones(0)
    check_all(reshape_to, [(z, 2**62, 8, 0), (z, -1, 2**62, 0), (np.ones(6), -1, -1, 1),
                           (np.ones(6), 2, -1, 3), (np.ones(6), -2, -3, 1)])


# arange's length from floats: NaN, inf and lengths beyond int64 are ValueErrors (they were an
# undefined conversion: with constant bounds LLVM deleted the function body).

def arange_f(start, stop, step):
    return np.arange(start, stop, step)


def arange_const_huge():
    return np.arange(0.0, 1e30)


def arange_const_tiny_step():
    return np.arange(0.0, 1.0, 1e-300)


def arange_const_inf():
    return np.arange(0.0, np.inf)


@numba_xfail("numba converts the length without a check")
def test_arange_lengths_that_do_not_fit():
    nan, inf = float("nan"), float("inf")
    check_all(arange_f, [(0.0, 1e30, 1.0), (0.0, inf, 1.0), (0.0, 1.0, 1e-300), (0.0, nan, 1.0),
                         (nan, 1.0, 1.0), (0.0, 1.0, nan), (-inf, 0.0, 1.0), (0.0, 9.3e18, 1.0),
                         (0.0, 10.0, inf), (0.0, -10.0, inf), (0.0, 1e-300, 1e300), (5.0, 5.0, 1.0)])
    check(arange_const_huge)
    check(arange_const_tiny_step)
    check(arange_const_inf)


def arange_i(start, stop, step):
    return np.arange(start, stop, step)


@numba_xfail("numba's integer arange length wraps")
def test_arange_int_lengths_exact():
    lo, hi = -2**63, 2**63 - 1
    check_all(arange_i, [(lo, hi, 2**62), (hi, lo, -2**62), (0, 10, lo), (hi, lo, lo),
                         (lo, hi, 1), (0, 7, 3), (7, 0, -3), (0, 0, 1), (3, 1, 1)], shape_only=False)


# Float to int casts out of range are NumPy's INT64_MIN (x86-64), never undefined behaviour.

def cast_floats(x):
    return x.astype(np.int64), x.astype(np.int32), x.astype(np.uint64), x.astype(np.int8)


def store_floats(x):
    a = np.zeros(x.size, np.int64)
    for i in range(x.size):
        a[i] = x[i]
    return a


WILD = np.array([1.5, -2.5, 1e30, -1e30, np.nan, np.inf, -np.inf, 2.0**63, -2.0**63, 1.8e19,
                 -1.0, 0.0, 2.0**64, -2.0**63 - 4096])


@numba_xfail("numba's out-of-range casts are whatever LLVM folds")
def test_float_casts_out_of_range():
    with np.errstate(invalid="ignore"):
        check(cast_floats, WILD)


@numba_skip("ember's defined value; CPython raises for NaN and values beyond int64")
def test_float_stores_out_of_range_are_defined():
    """An element store converts as the array cast does (NumPy's scalar assignment raises
    instead, a documented difference); never undefined behaviour."""
    with np.errstate(invalid="ignore"):
        assert np.array_equal(jit(store_floats)(WILD), WILD.astype(np.int64))


# ------------------------------------------------------------------ large blocks kept for reuse
# Freed blocks of a megabyte and more are kept (a few, 64 MB in all) and handed to the next
# allocation they fit with at most a quarter to spare. Reused memory must behave as new memory:
# the values written, the canary after the data (an overrun counts), no block given out twice.

def ramp(n, v):
    a = np.zeros(n)
    a[::7] = v
    return a + np.arange(n)


def two_big(n):
    return np.full(n, 1.5), np.full(n + 3, 2.5, np.float32)


def test_large_blocks_reused_in_loops():
    from difftest import overrun_count

    f, g = jit(ramp), jit(two_big)
    sizes = [150_000, 140_000, 200_000, 131_072, 300_000, 160_001, 150_000]
    kept = []
    for rnd in range(30):   # more than the leak check's quarantine of 64 freed blocks
        for n in sizes:
            a = f(n, float(rnd))
            assert a.shape == (n,) and a[0] == rnd and a[1] == 1.0 and a[n - 1] == n - 1 + (rnd if (n - 1) % 7 == 0 else 0)
            x, y = g(n)
            assert x.shape == (n,) and y.shape == (n + 3,) and (x == 1.5).all() and (y == 2.5).all()
            if rnd % 5 == 0:
                kept.append((a, x, y))   # some stay alive while later ones are made and dropped
    for a, x, y in kept:
        assert (x == 1.5).all() and (y == 2.5).all() and a[1] == 1.0
    assert len({a.__array_interface__["data"][0] for a, _, _ in kept}) == len(kept)
    for rnd in range(4):   # blocks of 20-28 MB: three fill the 64 MB kept, the oldest go back
        for n in (2_600_000, 3_500_000, 3_000_000):
            x, y = g(n)
            assert (x[::1000] == 1.5).all() and (y[::1000] == 2.5).all() and x[-1] == 1.5 and y[-1] == 2.5
    assert overrun_count() == 0


# ------------------------------------------------------------------ small blocks recycled


def small_arrays(x, k):
    s = 0.0
    for i in range(x.size):
        v = np.full(k + i % 5, x[i])          # sizes across several 64-byte classes
        w = v * v
        s += w.sum() + v[-1]
    return s


def small_arrays_kept(n):
    kept = []
    for i in range(n):
        a = np.arange(i % 90 + 1) * 1.0      # 8 to 720 bytes: every small class
        if i % 3 == 0:
            kept.append(a)
    return kept


def small_arrays_threads(n):
    out = np.empty(n)
    for i in prange(n):
        v = np.array([i, 2.0 * i, 1.0])
        out[i] = (v * v).sum()
    return out


def test_small_array_blocks_recycled():
    """Small array blocks go back to the thread's stacks and come out again: values stay right
    when blocks of every small class are made, kept, dropped and made again, also in prange
    threads (a block freed by another thread than the one that made it)."""
    x = sample("float64", (500,))
    check(small_arrays, x, 3, rtol=1e-12)
    check(small_arrays, x, 60, rtol=1e-12)
    f = jit(small_arrays_kept)
    for _ in range(3):
        kept = f(600)
        assert [len(a) for a in kept] == [i % 90 + 1 for i in range(0, 600, 3)]
        assert all((a == np.arange(len(a))).all() for a in kept)
    g = jit(small_arrays_threads, parallel=True)
    for n in (1000, 5000):
        got = g(n)
        assert np.array_equal(got, np.arange(n) ** 2 * 5.0 + 1.0)


def copies(a):
    b = a.copy()
    c = np.copy(a)
    if b.size:
        b.reshape(-1)[0] = 0   # the copies are the copies' own
    return a, b, c


@pytest.mark.parametrize("dt", ["bool", "int8", "uint16", "int32", "int64", "float32", "float64", "complex64",
                                "complex128"])
def test_contiguous_copies_are_one_memcpy_of_the_data(dt):
    rng = np.random.default_rng(7)
    for shape in [(), (0,), (5,), (3, 0, 2), (4, 5, 3), (1, 7), (7, 1)]:
        a = np.array(rng.standard_normal(shape) * 50).astype(dt)
        check(copies, a)


def list_appended_wider():
    l = [np.int8(1)]
    l.append(1000)
    return np.array(l)


def list_appended_float():
    l = [np.float32(0.1)]
    l.append(0.2)
    return np.asarray(l)


def list_kept_float32():
    l = [np.float32(0.1), np.float32(0.2)]
    l.append(np.float32(0.3))
    return np.array(l)


def list_item_assigned():
    l = [np.int8(1)]
    l[0] = 300
    return np.array(l)


@pytest.mark.parametrize("fn, dtype, values", [
    (list_appended_wider, np.int64, [1, 1000]),   # the list's type unifies what it gets (was int8: [1, -24])
    (list_appended_float, np.float64, [float(np.float32(0.1)), 0.2]),
    (list_kept_float32, np.float32, [np.float32(0.1), np.float32(0.2), np.float32(0.3)]),
    (list_item_assigned, np.int8, [44]),   # an item assigned converts to the list's type
])
def test_np_array_of_a_list_variable_has_its_unified_dtype(fn, dtype, values):
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        got = jit(fn)()
    assert got.dtype == dtype and got.tolist() == np.array(values, dtype).tolist()


def first_then_loop(x):
    vals = [x[0]]
    for i in range(x.size):
        vals.append(x[i])
    return np.array(vals)


def run_values(x):
    vals = []
    cur = x[0]
    for i in range(1, x.size):
        if x[i] != cur:
            vals.append(cur)
            cur = x[i]
    vals.append(cur)
    return np.array(vals)


@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.int32, np.float32, np.int64])
def test_np_array_of_a_list_filled_in_a_loop(dtype):
    # the loop's body is typed after the return that follows it: np.array waits for its appends
    x = np.array([3, 3, 4, 7, 7, 1], dtype)
    for fn in (first_then_loop, run_values):
        got = jit(fn)(x)
        assert got.dtype == dtype and got.tolist() == fn(x).tolist()


def test_reshape_messages_are_numpys():
    """As NumPy words them: the array's size and the shape asked for, -1 as newaxis."""
    from ember import njit as ember_njit
    for shape, text in [((3, 3), r"cannot reshape array of size 8 into shape \(3,3\)"),
                        ((3, -1), r"cannot reshape array of size 8 into shape \(3,newaxis\)"),
                        ((5,), r"cannot reshape array of size 8 into shape \(5,\)"),
                        ((2, -1, -1), "can only specify one unknown dimension")]:
        with pytest.raises(ValueError, match=text):
            ember_njit(lambda a, s: a.reshape(s))(np.arange(8.0), shape)
        with pytest.raises(ValueError, match=text):
            np.arange(8.0).reshape(shape)


def array_of_list_dtype_none(n, k, dtype=None):
    return (np.array([n ** (i - 1) for i in range(k, 0, -1)], dtype=dtype), np.asarray([1.5, 2.0], dtype=dtype),
            np.array([[1, 2], [3, 4]], dtype=dtype))


@pytest.mark.parametrize("dtype", [None, np.float32, np.uint8])
def test_array_of_a_list_with_dtype_none(dtype):
    """dtype=None (a default left as it is): the items' own dtype, as NumPy (cogent3)."""
    if dtype is None:
        check(array_of_list_dtype_none, 4, 3)
    else:
        check(array_of_list_dtype_none, 4, 3, dtype)
