"""NumPy arrays, compiled vs CPython: arrays of every dtype, dimension and layout as arguments
and results; indexing with ints (negative too), tuples, slices with steps (views), partial
indexing (rows, columns), None; item and slice assignment with broadcasting; the attributes
shape strides ndim size itemsize nbytes T real imag; len, iteration, enumerate and zip over
arrays; IndexError under boundscheck; writing to a read-only array is a compile error."""

import numpy as np
import pytest

from difftest import (DTYPE_NAMES, ember_gap, check, check_all, errors, jit, layouts, no_leaks,  # noqa: F401
                      impl, numba_leaks, numba_xfail, readonly, sample)

RAISE_LEAKS = "numba does not free the arrays live where compiled code raises"

# no_leaks (imported above) is an autouse fixture: every test here must free what it allocates.

LAYOUTS_1D = ["C", "reversed", "strided"]
LAYOUTS_ND = ["C", "F", "reversed", "strided"]


SOME_DTYPES = ["bool", "uint64", "int64", "float32", "float64", "complex128"]


def cases_for(dtype, shape, which):
    return [(v,) for _, v in layouts(sample(dtype, shape), which)]


# ------------------------------------------------------------------ arguments and results


def identity(a):
    return a


def elements_1d(a):
    n = len(a)
    return a[0], a[-1], a[n // 2], a[-n]


def elements_2d(a):
    return a[0, 0], a[-1, -1], a[1, 2], a[1][2], a[-2, 1]


def elements_3d(a):
    return a[0, 0, 0], a[-1, -1, -1], a[1, 2, 3], a[1][2][3], a[1, -1][0]


@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_every_dtype_1d(dtype):
    cases = cases_for(dtype, (7,), LAYOUTS_1D)
    check_all(elements_1d, cases)
    check_all(identity, cases + [(sample(dtype, (1,)),), (sample(dtype, (0,)),)])


@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_every_dtype_2d(dtype):
    check_all(elements_2d, cases_for(dtype, (3, 4), ["C", "strided"]))


@pytest.mark.parametrize("dtype", SOME_DTYPES)
def test_layouts_nd(dtype):
    check_all(elements_3d, cases_for(dtype, (2, 3, 4), LAYOUTS_ND))
    check_all(identity, cases_for(dtype, (3, 4), LAYOUTS_ND) + cases_for(dtype, (2, 3, 4), ["F"])
              + [(np.zeros((0, 3), dtype),), (np.zeros((2, 0, 1), dtype),)])


def test_readonly_argument_read():
    check_all(elements_1d, [(readonly(sample("float64", (5,))),), (readonly(sample("int32", (3,))),)])
    check(identity, readonly(sample("int64", (2, 2))))


def index_var(a, i):
    return a[i]


def index_var2(a, i, j):
    return a[i, j]


def test_variable_index():
    a = sample("int64", (6,))
    check_all(index_var, [(v, i) for _, v in layouts(a, LAYOUTS_1D) for i in [0, 3, 5, -1, -6]])
    b = sample("float64", (3, 4))
    check_all(index_var2, [(v, i, j) for _, v in layouts(b, LAYOUTS_ND)
                           for i, j in [(0, 0), (2, 3), (-1, -4), (-3, 1)]])


def clamped_counts(x, lo, hi, nbins):
    counts = np.zeros(nbins, np.int64)
    scale = nbins / (hi - lo)
    for i in range(x.shape[0]):
        b = int((x[i] - lo) * scale)
        if b < 0:
            b = 0
        elif b >= nbins:
            b = nbins - 1
        counts[b] += 1
    return counts


def wrapped_in_loop(a, k):
    s = 0.0
    for i in range(len(a)):
        s += a[i - k] * (i + 1)   # negative for i < k: counts from the end
    return s


def write_wrapped_in_loop(a, k):
    for i in range(len(a)):
        a[i - k] = a[i - k] + i
    return a


def test_index_after_clamp():
    """The index fast path (0 <= i < n: one unsigned compare) beside the wrap of the others."""
    x = np.array([-10.0, -4.0, -3.99, -0.5, 0.0, 0.5, 3.99, 4.0, 7.5, 1e16, -1e16, -0.0])
    check_all(clamped_counts, [(x, -4.0, 4.0, nb) for nb in (1, 2, 3, 100)])
    check_all(clamped_counts, [(x[::-2], -4.0, 4.0, 5), (np.zeros(0), -1.0, 1.0, 0)])


def walk(a, start, stop, step):
    """The loop variable itself as the index: negative values count from the end."""
    s = 0.0
    for i in range(start, stop, step):
        s = s * 0.5 + a[i] * (i + 0.25)
    return s


def roll_left(a):
    out = np.empty_like(a)
    for i in range(len(a)):
        out[i] = a[i - 1]   # i - 1 is -1 on the first trip: the last element
    return out


def test_loop_variable_index_wraps():
    a = sample("float64", (7,))
    walks = [(0, 7, 1), (-7, 0, 1), (-1, -8, -1), (6, -8, -2), (-7, 7, 3), (3, -5, -1), (5, 5, 1), (0, 0, -1)]
    check_all(walk, [(a, *w) for w in walks])
    check_all(walk, [(a, *w) for w in walks], jit_opts={"boundscheck": True})
    check_all(roll_left, [(a,), (a[::-2],), (a[:1],), (a[:0],)])


def test_negative_index_in_loop():
    a = sample("float64", (7,))
    cases = [(v, k) for _, v in layouts(a, LAYOUTS_1D) for k in (0, 1, 3, 7)]
    check_all(wrapped_in_loop, cases)
    check_all(write_wrapped_in_loop, cases)
    check_all(wrapped_in_loop, cases, jit_opts={"boundscheck": True})
    check_all(write_wrapped_in_loop, cases, jit_opts={"boundscheck": True})


def mirrored(a, k, start, step):
    """k - i - 1: i's range bounds it (its ceiling), so it is >= 0 where k covers the range."""
    out = np.zeros(len(a))
    for i in range(start, k, step):
        out[i] = a[i] + 0.5 * a[k - i - 1]
    return out


def mirrored_twice(a, k):
    s = 0.0
    for j in range(k):
        for i in range(j + 1):
            s += a[j - i] * (i + 1) - a[i - j - 1]   # >= 0, and < 0: counts from the end
    return s


def test_subtracted_loop_index_wraps():
    """An index x - i with i a range value: x - (i's last value) bounds it below, so a copy of
    the loop without sign tests runs where that is >= 0; elsewhere the index still wraps."""
    a = sample("float64", (9,))
    cases = [(v, k, st, step) for _, v in layouts(a, LAYOUTS_1D) for k, st, step in
             [(9, 0, 1), (5, 0, 1), (9, 2, 3), (0, 0, 1), (6, -3, 1), (9, 8, -1), (4, 8, -2)]]
    check_all(mirrored, cases)
    check_all(mirrored, cases, jit_opts={"boundscheck": True})
    check_all(mirrored_twice, [(v, k) for _, v in layouts(a, LAYOUTS_1D) for k in (0, 1, 4, 9)])


# ------------------------------------------------------------------ slices and views


def slice_fixed(a):
    return a[1:4], a[::2], a[::-1], a[-3:], a[:-2:3], a[5:1:-2], a[10:20]


def slice_var(a, lo, hi, step):
    return a[lo:hi:step]


def slice_2d(a):
    return a[1:, ::2], a[::-1, 1:3], a[:, ::-2], a[:0]


def test_slices_1d():
    a = sample("int32", (8,))
    check_all(slice_fixed, [(v,) for _, v in layouts(a, LAYOUTS_1D)])
    bounds = [(0, 8, 1), (1, 7, 2), (7, 0, -1), (-1, -9, -3), (-100, 100, 3), (6, 2, 1), (3, 3, 1),
              (8, -100, -2)]
    check_all(slice_var, [(v, lo, hi, s) for _, v in layouts(a, LAYOUTS_1D) for lo, hi, s in bounds])


@numba_leaks(RAISE_LEAKS)
def test_slice_step_zero():
    check(slice_var, np.arange(4), 0, 4, 0)


def test_slices_2d():
    check_all(slice_2d, cases_for("float64", (4, 5), LAYOUTS_ND))


def row(a, i):
    return a[i]


def column(a, j):
    return a[:, j]


def plane_and_lines(a):
    return a[1], a[:, 2], a[:, :, -1], a[0, :, 1], a[1, 2, :], a[-1, ::-1]


def test_partial_indexing():
    b = sample("float64", (3, 4))
    check_all(row, [(v, i) for _, v in layouts(b, LAYOUTS_ND) for i in [0, 2, -1]])
    check_all(column, [(v, j) for _, v in layouts(b, LAYOUTS_ND) for j in [0, 3, -2]])
    check_all(plane_and_lines, cases_for("int16", (2, 3, 4), LAYOUTS_ND))


def write_through_view(a):
    v = a[1::2]
    v[0] = 7
    r = a[-1]
    r[:] = -1
    return a


def write_through_column(a, j):
    c = a[:, j]
    c[0] = 100
    c[-1] += 1
    return c


def test_views_share_memory():
    check_all(write_through_view, cases_for("int64", (5, 3), LAYOUTS_ND))
    check_all(write_through_column, [(v, j) for _, v in layouts(sample("float64", (3, 4)), LAYOUTS_ND)
                                     for j in [0, -1]])


def newaxis(a):
    return a[None], a[:, None], a[np.newaxis, :], a[None, 1:3]


def newaxis_2d(a):
    return a[:, None, :], a[None, :, 1], a[1, None]


def test_none_index():
    check_all(newaxis, cases_for("float64", (4,), LAYOUTS_1D))
    check_all(newaxis_2d, cases_for("int32", (2, 3), LAYOUTS_ND))


# ------------------------------------------------------------------ assignment


def set_items(a, v):
    a[0] = v
    a[-1] = v
    a[len(a) // 2] = a[0]
    return a


def set_items_2d(a, v):
    a[0, 0] = v
    a[-1, -2] = v
    a[1][1] = v
    return a


@pytest.mark.parametrize("dtype", DTYPE_NAMES)
def test_item_assignment(dtype):
    a = sample(dtype, (5,))
    v = sample(dtype, (1,))[0].item()
    check_all(set_items, [(x, v) for _, x in layouts(a, LAYOUTS_1D)])
    check_all(set_items_2d, [(sample(dtype, (3, 3)), v)])


def test_item_assignment_converts():
    # The stored value takes the array's dtype: float -> int truncates, int -> float, bool -> int.
    check_all(set_items, [(np.zeros(3, np.int64), 2.75), (np.zeros(3, np.int64), -2.75),
                          (np.zeros(3, np.float64), 7), (np.zeros(3, np.int32), True),
                          (np.zeros(3, np.float32), 0.1), (np.zeros(3, np.complex128), 1.5)])


def fill_slice(a):
    a[1:3] = 0
    a[::-3] = 7
    return a


def assign_array_slice(a, b):
    a[::2] = b
    return a


def assign_column(a, b):
    a[:, 0] = b
    return a


def assign_row_broadcast(a, r):
    a[:] = r
    return a


def assign_block(a, v):
    a[1:, :2] = v
    return a


def test_slice_assignment():
    check_all(fill_slice, cases_for("float64", (7,), LAYOUTS_1D) + cases_for("int8", (7,), ["C"]))
    check_all(assign_array_slice, [(v, np.arange(4.0)) for _, v in layouts(sample("float64", (7,)), LAYOUTS_1D)])
    check_all(assign_column, [(v, np.array([1.5, -2.5, 3.5])) for _, v in layouts(sample("float64", (3, 4)), LAYOUTS_ND)])
    check_all(assign_row_broadcast, [(v, np.arange(4.0)) for _, v in layouts(sample("float64", (3, 4)), LAYOUTS_ND)])
    check_all(assign_block, [(np.zeros((3, 4)), 2.5), (np.zeros((3, 4)), np.array([1.0, 2.0])),
                             (np.zeros((3, 4)), np.ones((2, 1)))])


@numba_leaks(RAISE_LEAKS)
def test_slice_assignment_shape_mismatch():
    check(assign_array_slice, np.zeros(7), np.arange(3.0))


def copy_into_reversed_self(a):
    a[:] = a[::-1]
    return a


def test_overlapping_assignment():
    # NumPy copies through a temporary when source and destination overlap.
    check_all(copy_into_reversed_self, [(np.arange(6.0),), (np.arange(7),)])


# ------------------------------------------------------------------ attributes


def attributes(a):
    return a.shape, a.ndim, a.size, a.itemsize, a.nbytes, len(a)


def strides(a):
    return a.strides


@pytest.mark.parametrize("dtype", ["bool", "int16", "float32", "complex128"])
def test_attributes(dtype):
    check_all(attributes, cases_for(dtype, (5,), LAYOUTS_1D) + cases_for(dtype, (3, 4), LAYOUTS_ND)
              + [(np.zeros((0,), dtype),), (np.zeros((2, 0, 3), dtype),), (np.zeros((1, 1, 1), dtype),)])


def test_strides():
    check_all(strides, cases_for("float64", (3, 4), LAYOUTS_ND) + cases_for("int8", (5,), LAYOUTS_1D)
              + cases_for("int32", (2, 3, 4), ["C", "F", "strided"]))


def transpose(a):
    return a.T


def transpose_write(a):
    t = a.T
    t[0, 1] = -5
    return a


def test_transpose_attribute():
    check_all(transpose, cases_for("float64", (5,), ["C"]) + cases_for("int32", (2, 3), LAYOUTS_ND)
              + cases_for("int32", (2, 3, 4), ["C", "F"]))
    check_all(transpose_write, cases_for("int64", (2, 3), LAYOUTS_ND))


def real_imag(a):
    return a.real, a.imag


def set_imag(a):
    a.imag[:] = 1.0
    a.real[0] = -3.0
    return a


def test_real_imag():
    check_all(real_imag, cases_for("complex128", (4,), LAYOUTS_1D) + cases_for("complex64", (2, 2), ["C", "F"])
              + cases_for("float64", (3,), ["C"]))
    check_all(set_imag, cases_for("complex128", (3,), LAYOUTS_1D))


# ------------------------------------------------------------------ iteration


def sum_for(a):
    s = 0.0
    for x in a:
        s += x
    return s


def rows_total(a):
    t = np.zeros(a.shape[1])
    for r in a:
        t += r
    return t


def weighted_enumerate(a):
    s = 0.0
    for i, x in enumerate(a):
        s += i * x
    return s


def dot_zip(a, b):
    s = 0.0
    for x, y in zip(a, b):
        s += x * y
    return s


def zip_range(n, a):
    s = 0.0
    for i, x in zip(range(n), a):
        s += i * x
    return s


def count_loop(a):
    n = 0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            if a[i, j] > 0:
                n += 1
    return n


def test_iterate():
    f = sample("float64", (6,))
    cases = [(v,) for _, v in layouts(f, LAYOUTS_1D)] + [(np.zeros(0),), (np.ones(1),)]
    check_all(sum_for, cases)
    check_all(weighted_enumerate, cases)
    check_all(sum_for, [(np.arange(5),), (np.array([True, False, True]),)])
    check_all(rows_total, cases_for("float64", (3, 4), LAYOUTS_ND))
    check_all(count_loop, cases_for("int64", (3, 4), LAYOUTS_ND))


def test_zip():
    a, b = sample("float64", (5,)), sample("float64", (5,), seed=1)
    check_all(dot_zip, [(a, b), (a[::-1], b[:3]), (a[:0], b), (a[::2], np.arange(10))])
    check_all(zip_range, [(3, a), (10, a), (0, a), (5, a[::-1])])


# ------------------------------------------------------------------ errors


@numba_leaks(RAISE_LEAKS)
def test_boundscheck_index_error():
    bc = {"jit_opts": {"boundscheck": True}}
    a = np.arange(5.0)
    check_all(index_var, [(a, 5), (a, -6), (a, 100), (a[::2], 3), (np.zeros(0), 0)], **bc)
    b = np.arange(6.0).reshape(2, 3)
    check_all(index_var2, [(b, 2, 0), (b, 0, 3), (b, -3, 0), (b, 1, -4)], **bc)
    check_all(set_items, [(np.zeros(0), 1.0)], **bc)
    check_all(wrapped_in_loop, [(a, 6), (a, -1), (np.zeros(0), 0)], **bc)
    check_all(write_wrapped_in_loop, [(a, 6), (a, -5)], **bc)
    check_all(walk, [(a, 0, 6, 1), (a, -1, -7, -1), (a, -6, 0, 2), (a, 4, 9, 2)], **bc)


def store_one(a):
    a[0] = 1
    return a


def test_write_readonly_is_compile_error():
    a = readonly(np.zeros(3))
    with pytest.raises(ValueError):  # what NumPy does at run time
        store_one(a)
    with pytest.raises(errors.TypingError):
        jit(store_one)(a)
    with pytest.raises(errors.TypingError):
        jit(fill_slice)(a)


def nested_iteration(a, b):
    total = 0.0
    for i, (x, y) in enumerate(zip(a, b), 10):
        total += i * x - y
    for k, row in enumerate(b):
        total += k * row
    for x, i, t in zip(a, range(100, 0, -3), (1.0, 2.0, 3.0)):
        total += x * i * t
    return total


def test_enumerate_zip_mixed():
    a, b = sample("float64", (5,)), sample("int64", (4,), seed=1)
    check_all(nested_iteration, [(a, b), (a[::-2], b), (a[:0], b)])


def flags_of(a):
    f = a.flags
    return f.c_contiguous, f.f_contiguous, a.flags.writeable, a.flags.contiguous


@numba_xfail("a.flags bound to a variable, and flags.contiguous, are not supported")
def test_flags():
    m = sample("float64", (3, 4))
    check_all(flags_of, [(v,) for _, v in layouts(m, LAYOUTS_ND)]
              + [(m[:, :1],), (m[:1, :],), (np.zeros((0, 3)),), (sample("int8", (5,))[::2],),
                 (readonly(np.ones(3)),)])


def flat_use(a):
    total = 0.0
    for x in a.flat:
        total += x
    a.flat[1] = -1.0
    return total, a.flat[2], a


def test_flat():
    check_all(flat_use, [(sample("float64", (3, 4)),), (sample("float64", (5,))[::2],)])


def scatter_updates(H, ix, iy, w):
    for k in range(ix.shape[0]):
        H[ix[k], iy[k]] += w[k]          # the store reuses the read's wrapped address
        H[ix[k], 0] -= 1
        H[-1 - ix[k] % 3, iy[k]] *= 2
    return H


def test_augmented_element_updates_wrap_once():
    rng = np.random.default_rng(11)
    ix, iy = rng.integers(-5, 5, 300), rng.integers(-4, 4, 300)
    check(scatter_updates, np.zeros((5, 4), np.int64), ix, iy, rng.integers(-3, 4, 300))
    check(scatter_updates, np.zeros((5, 4)), ix, iy, rng.standard_normal(300))


def same_index_twice(img, ys, xs):
    out = np.empty(xs.shape[0])
    for k in range(xs.shape[0]):
        y0, x0 = ys[k], xs[k]
        a = img[y0, x0] + img[y0 - 1, x0]   # x0 wrapped once for both reads
        x0 = x0 - 1                          # a new value: wrapped again
        img[y0, x0] = a
        out[k] = img[y0, x0] * 2.0 + img[y0, -x0 - 1]
    return out


def test_indices_wrapped_once_per_block():
    rng = np.random.default_rng(12)
    check(same_index_twice, rng.standard_normal((6, 7)), rng.integers(-5, 6, 200), rng.integers(-6, 7, 200))


def blur_clamped_to_edges(img):
    ny, nx = img.shape
    out = np.empty_like(img)
    for i in range(ny):
        for j in range(nx):
            s = 0.0
            for di in range(-1, 2):
                for dj in range(-1, 2):
                    ii = i + di
                    jj = j + dj
                    if ii < 0:
                        ii = 0
                    if ii >= ny:
                        ii = ny - 1
                    if jj < 0:
                        jj = 0
                    if jj >= nx:
                        jj = nx - 1
                    s += img[ii, jj]
            out[i, j] = s / 9.0
    return out


@pytest.mark.parametrize("shape", [(1, 1), (1, 4), (3, 2), (6, 7)])
def test_index_clamps_of_loop_indices(shape):
    # ii = i + di held to the image: selects, not hinted branches (lower.c clamp_target)
    check(blur_clamped_to_edges, np.arange(float(shape[0] * shape[1])).reshape(shape))


def slice_parts(k, n, st):
    s = slice(k, n)
    u = slice(k, None, 2)
    w = slice(None, None, st)
    return s.start, s.stop, s.step, u.stop, u.step, w.start, w.stop, w.step


def slice_start_offset(a, k):
    s = slice(k, a.size)
    return s.start + a[s].argmin()


def test_slice_attributes():
    # an absent part reads as Numba's default (CPython's is None): start 0, stop the largest int,
    # step 1; start the largest int and stop the smallest for a negative step
    big = 2 ** 63 - 1
    f = jit(slice_parts)
    assert f(2, 7, -1) == (2, 7, 1, big, 2, big, -big - 1, -1)
    assert f(2, 7, 3) == (2, 7, 1, big, 2, 0, big, 3)
    check(slice_start_offset, np.array([3.0, 1.0, 2.0, 0.5, 4.0]), 2)


def contains_in_array(a, x):
    return x in a, x not in a


def not_in_prefix(arr, k, c):
    return c not in arr[:k]


@pytest.mark.parametrize("x", [5, 12, 7.0, -1, float("nan")])
def test_in_array(x):
    # an element equal to x, any layout (coffea's `if c not in arr[:k]`)
    a = np.arange(12).reshape(3, 4)
    for v in (a, a.T, a[:, ::2], a.astype(np.float32), np.zeros(0)):
        check(contains_in_array, v, x)
    check(not_in_prefix, np.array([4, 5, 6]), 2, 6)
    check(not_in_prefix, np.array([4, 5, 6]), 2, 5)


def sum_flat(a):
    t = a.dtype.type(0)
    for v in a.flat:
        t += v
    return t


def argmax_flat(a):
    best, at = a.flat[0], 0
    for i, v in enumerate(a.flat):
        if v > best:
            best, at = v, i
    return at, best


def test_iterate_flat_of_any_layout():
    # `for v in a.flat` and enumerate(a.flat) of F-ordered and strided arrays (numbagg's nanargmax
    # with axis=None): C order; float32 elements add in float32
    a = np.arange(12.0).reshape(3, 4) * 1.1
    for v in (a, a.T, a[:, ::2], a.astype(np.float32).T, np.ones((2, 3, 2))[:, ::2], a.astype(np.int32)[::-1],
              np.arange(7.0)[::-2], np.arange(24.0).reshape(2, 3, 4).transpose(2, 0, 1)[:, ::2]):
        check(sum_flat, v)
        check(argmax_flat, v)
    for v in (np.zeros((3, 0)), np.zeros((0, 3)).T, np.array(2.5)):   # none, and a 0-d array's one element
        check(sum_flat, v)
    # the step to the next row's start reads nothing past the last element (boundscheck, a handler)
    checked = impl.njit(boundscheck=True)(sum_flat)
    assert checked(a.T) == sum_flat(a.T) and checked(a[:, ::2]) == sum_flat(a[:, ::2])
    assert impl.njit(sum_flat_in_try)(a.T) == sum_flat_in_try(a.T)


def builtins_of_flat(a):
    return list(a.flat), sorted(a.flat), sum(a.flat), min(a.flat), max(a.flat), any(a.flat), set(a.flat)


def test_builtins_of_flat_of_any_layout():
    # list(a.flat) & co take the elements in C order (they took an F array's rows as numbers)
    a = np.arange(12.0).reshape(3, 4) - 5.5
    for v in (a, a.T, a[:, ::2], np.asfortranarray(a), a.astype(np.int32).T[::-1], np.ones((2, 3, 2))[:, ::2]):
        check(builtins_of_flat, v)


def sum_flat_in_try(a):
    t = 0.0
    try:
        for v in a.flat:
            t += v
    except Exception:
        t = -1.0
    return t


def assign_all(a, v):
    a[:] = v
    return a


@numba_leaks(RAISE_LEAKS)
def test_assign_value_with_leading_unit_dimensions():
    # a value of more dimensions, its leading ones of length 1, assigns as NumPy broadcasts it
    check(assign_all, np.arange(5.0), np.arange(1.0, 6.0).reshape(1, 5))
    check(assign_all, np.zeros((2, 3)), np.arange(6.0).reshape(1, 1, 2, 3))
    check(assign_all, np.zeros(5), np.ones((2, 5)))   # ValueError


def read_at(a, i):
    return a[i]


def read_at2(a, i, j):
    return a[i, j]


def write_at(a, i):
    a[i] = 1.0
    return a


def test_index_error_says_numpys_words():
    # under boundscheck: "index 10 is out of bounds for axis 0 with size 5", the index as given
    for fn, args in ((read_at, (np.arange(5.0), 10)), (read_at, (np.arange(5.0), -6)), (write_at, (np.zeros(3), 3)),
                     (read_at2, (np.zeros((3, 4)), 1, 7)), (read_at2, (np.zeros((3, 4)), -4, 0))):
        with pytest.raises(IndexError) as want:
            fn(*args)
        with pytest.raises(IndexError) as got:
            impl.njit(boundscheck=True)(fn)(*args)
        assert str(got.value) == str(want.value)
