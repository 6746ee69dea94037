"""NumPy's own results for NumPy-style code: float sums in NumPy's pairwise order (np.sum, a.sum(),
np.mean, np.var, np.std: bit-equal on contiguous data, strided 1-d data and along the fastest
axis), reductions along a slow axis row by row (bit-equal), complex abs (within 2 ulp of NumPy),
complex division and small integer powers in array code (bit-equal), a masked update loop.
Python-level sum() and explicit loops keep their sequential order."""

import math

import numpy as np
import pytest

import ember
from difftest import no_leaks  # noqa: F401  (autouse: every test frees what it allocates)

# lengths around the pairwise leaf (8 partial sums, blocks of 128) and its halving
# (300_007 doubles span more than 1 MB: their leaves are summed one at a time, not side by side)
LENGTHS = [0, 1, 2, 7, 8, 9, 15, 16, 17, 127, 128, 129, 255, 256, 257, 1000, 1023, 1025, 4097, 100_003, 300_007]
ULP2 = 4.5e-16   # two units in the last place of a double, relative


def same(got, want):
    """Bit-equal values, NaN equal to NaN, same dtype and shape."""
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape
    assert np.array_equal(got, want, equal_nan=True), (got, want)


def values(n, seed=0):
    """Doubles spread over six decades, so that the summation order shows in the last bits."""
    rng = np.random.default_rng(seed + n)
    return rng.standard_normal(n) * 10.0 ** rng.uniform(-3, 3, n)


@ember.njit
def sums(x):
    return np.sum(x), x.sum(), np.mean(x), np.var(x), np.std(x), x.var(ddof=1)


def sums_numpy(x):
    with np.errstate(all="ignore"):
        return np.sum(x), x.sum(), np.mean(x), np.var(x), np.std(x), x.var(ddof=1)


@pytest.mark.parametrize("n", LENGTHS)
def test_whole_sum_is_numpys(n):
    x = values(n)
    for view in (x, x[::3], x[::-1], x[1::2]):
        with np.errstate(all="ignore"):
            got = sums(view)
        for g, w in zip(got, sums_numpy(view)):
            same(g, w)


@ember.njit
def expression_sums(x, y):
    return np.sum(x * 2.0 + y), np.mean(x * y), np.sum(np.abs(x))


@pytest.mark.parametrize("n", [1000, 100_003, 300_007])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_expression_sums_are_numpys(n, dtype):
    """Fused sums of expressions (codegen/lower_pairwise.c), leaves side by side in short lanes
    and one at a time in long ones: the same adds, NumPy's bits."""
    x, y = values(n).astype(dtype), values(n, 1).astype(dtype)
    want = (np.sum(x * 2.0 + y), np.mean(x * y), np.sum(np.abs(x)))
    for g, w in zip(expression_sums(x, y), want):   # (a float32 comes back as a Python float: exact)
        same(np.asarray(g).astype(np.asarray(w).dtype), w)


def test_whole_sum_of_2d_layouts():
    x = values(37 * 129).reshape(37, 129)
    for view in (x, np.asfortranarray(x), x.T, np.ones((0, 5)), x[:1, :1]):
        for g, w in zip(sums(view), sums_numpy(view)):
            same(g, w)
    # a view that is not contiguous is summed in another order than NumPy's row-by-row one
    got = sums(x[:, ::2])
    for g, w in zip(got, sums_numpy(x[:, ::2])):
        assert math.isclose(g, w, rel_tol=1e-12)


@ember.njit
def along(x):
    return (np.sum(x, axis=0), np.sum(x, axis=1), np.sum(x, axis=-1), x.mean(axis=0), x.mean(axis=1),
            x.var(axis=0), x.std(axis=1), np.std(x, axis=0, ddof=1), x.mean(axis=0, keepdims=True))


def along_numpy(x):
    with np.errstate(all="ignore"):
        return (np.sum(x, axis=0), np.sum(x, axis=1), np.sum(x, axis=-1), x.mean(axis=0), x.mean(axis=1),
                x.var(axis=0), x.std(axis=1), np.std(x, axis=0, ddof=1), x.mean(axis=0, keepdims=True))


@pytest.mark.parametrize("shape", [(7, 9), (3, 129), (129, 3), (1, 1), (0, 4), (4, 0), (9, 257)])
def test_axis_sums_are_numpys(shape):
    x = values(shape[0] * shape[1]).reshape(shape)
    for view in (x, np.asfortranarray(x), x[::2], x[:, ::-1]):
        with np.errstate(all="ignore"):
            got = along(view)
        for g, w in zip(got, along_numpy(view)):
            same(g, w)


@ember.njit
def along3(x, ax):
    return np.sum(x, axis=0), np.sum(x, axis=1), np.sum(x, axis=2), x.mean(axis=1), x.var(axis=0), np.sum(x, axis=ax)


def test_axis_sums_3d():
    x = values(5 * 6 * 131).reshape(5, 6, 131)
    for view in (x, x[:, ::2, 1:]):
        got = along3(view, -2)
        want = (np.sum(view, axis=0), np.sum(view, axis=1), np.sum(view, axis=2), view.mean(axis=1), view.var(axis=0),
                np.sum(view, axis=-2))
        for g, w in zip(got, want):
            same(g, w)


@ember.njit
def along_tuples(x):
    return np.sum(x, axis=(1, 2)), x.mean(axis=(1, 2)), np.sum(x, axis=(2,)), np.sum(x, axis=(-1, -2)), x.sum(axis=(0,))


def test_trailing_axes_of_c_arrays_are_one_lane():
    """Axes that end a C array are one run of memory: summed as one pairwise lane, as NumPy
    coalesces them (not the lanes' sums added). A tuple of one axis is that axis."""
    for x in (values(5 * 7 * 130).reshape(5, 7, 130), values(3 * 2 * 1000).reshape(3, 2, 1000)):
        got = along_tuples(x)
        want = (np.sum(x, axis=(1, 2)), x.mean(axis=(1, 2)), np.sum(x, axis=(2,)), np.sum(x, axis=(-1, -2)), x.sum(axis=(0,)))
        for g, w in zip(got, want):
            same(g, w)
    f = np.asfortranarray(values(5 * 131).reshape(5, 131))
    same(along_tuples.py_func(f[None])[2], along_tuples(f[None])[2])


@pytest.mark.parametrize("dtype", ["int8", "int64", "uint8", "bool"])
def test_integer_sums_exact(dtype):
    x = (values(300) * 3).astype(dtype).reshape(20, 15)
    f = ember.njit(lambda a: (np.sum(a), np.sum(a, axis=0), np.sum(a, axis=1), a.mean(axis=0)))
    for g, w in zip(f(x), (np.sum(x), np.sum(x, axis=0), np.sum(x, axis=1), x.mean(axis=0))):
        assert np.array_equal(g, w)   # values (a uint8 sum is int64 here, uint64 in NumPy)


def test_float32_and_complex_sums_close():
    # float32 is summed in float64 here (NumPy sums in float32), complex in index order
    x = values(1000).astype(np.float32).reshape(10, 100)
    f = ember.njit(lambda a: (np.sum(a), np.sum(a, axis=0), a.mean(axis=1)))
    for g, w in zip(f(x), (np.sum(x), np.sum(x, axis=0), x.mean(axis=1))):
        assert np.allclose(g, w, rtol=1e-5, atol=1e-3)
    z = values(1001) + 1j * values(1001, 1)
    g = ember.njit(lambda a: (np.sum(a), a.mean()))(z)
    assert np.allclose(g, (np.sum(z), z.mean()), rtol=1e-12)


@ember.njit
def made(z, w):
    return z * w - z


@ember.njit
def fused_sums(z, w):
    return np.sum(z * w - z), (z * w - z).mean()


@ember.njit
def fused_row_sums(z, w):
    return np.sum(z * w - z, axis=1)


def operands(dtype, n, seed):
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind == "c":
        return (values(n, seed) + 1j * values(n, seed + 1)).astype(dtype), (rng.standard_normal(n) + 1j).astype(dtype)
    if np.dtype(dtype).kind == "f":
        return values(n, seed).astype(dtype), rng.standard_normal(n).astype(dtype)
    return rng.integers(-50, 50, n).astype(dtype), rng.integers(-3, 3, n).astype(dtype)


@pytest.mark.parametrize("dtype", ["complex128", "complex64", "float64", "float32", "int32", "int8"])
def test_fused_sums_are_sums_of_the_expression(dtype):
    """A reduction of an array expression computes it element by element in the sum's groups
    (operands loaded a group at a time): the same value as summing the expression made first,
    contiguous, strided, with a stretched operand, and along rows."""
    for n in (1, 3, 4, 5, 8, 9, 17, 63, 64, 65, 129, 1000, 4097):
        z, w = operands(dtype, n, n)
        for a, b in ((z, w), (z[::2], w[::2]), (z, w[:1]), (z[:1], w)):
            want = np.sum(made(a, b)), made(a, b).mean()   # a float32 sum returns as a float (exact)
            same([np.asarray(g).astype(np.asarray(v).dtype) for g, v in zip(fused_sums(a, b), want)], want)
        Z, W = np.stack([z, z[::-1], w.astype(z.dtype)]), np.stack([w, w[::-1], w])
        for a, b in ((Z, W), (Z, W[:, :1]), (Z[:, ::2], W[:, ::2]), (Z, w)):
            same(fused_row_sums(a, b), np.sum(made(a, b), axis=1))


@ember.njit
def slow_axis_folds(a):
    return (np.sum(a, axis=0), a.sum(axis=1), np.mean(a, axis=0), np.all(a, axis=0), np.any(a, axis=1),
            np.count_nonzero(a, axis=0))


@pytest.mark.parametrize("dtype", ["float32", "complex64", "complex128", "int8", "int32", "uint8", "bool"])
def test_slow_axis_folds_are_numpys(dtype):
    """Sums, means, products, all/any and counts along an axis other than the last run row by
    row in the result's own arithmetic (a float32 sum rounds each add to float32): NumPy's values
    bit for bit, also on a strided view and with three dimensions."""
    x = values(3 * 37 * 19, 4)
    if dtype.startswith("complex"):
        x = x + 1j * values(x.size, 5)
    if dtype in ("int8", "int32", "uint8", "bool"):
        x = np.round(x % 3)
    x = x.astype(dtype)
    prods = x.copy()
    if dtype.startswith(("float", "complex")):
        prods = (1 + x / 1e3).astype(dtype)   # products that stay finite
    for a in (x.reshape(37 * 3, 19), x.reshape(3, 37, 19)[:, ::2, 1:], x.reshape(37, 57)[::3],
              np.asfortranarray(x.reshape(37 * 3, 19)), np.asfortranarray(x.reshape(3, 37, 19))):
        with np.errstate(all="ignore"):
            got, want = slow_axis_folds(a), slow_axis_folds.py_func(a)
        for g, w in zip(got, want):
            assert g.shape == w.shape and np.array_equal(g, w), (g, w)
            if w.dtype.kind in "fc":
                assert g.dtype == w.dtype
    if not dtype.startswith("complex"):   # NumPy's complex products use FMA (differences.md)
        p = prods.reshape(37 * 3, 19)
        g, w = ember.njit(lambda a: np.prod(a, axis=0))(p), np.prod(p, axis=0)
        assert np.array_equal(g, w), (g, w)


@ember.njit
def f_array_folds(a):
    return np.sum(a, axis=1), np.mean(a, axis=-1), np.var(a, axis=1), np.std(a, axis=1, ddof=1), np.max(a, axis=1)


def test_f_array_folds_along_later_axes_are_numpys():
    """An F array (a transpose) along an axis other than its first walks its memory in order,
    over its dimensions reversed: NumPy's values bit for bit, for 2 and 3 dimensions."""
    x = values(4 * 33 * 17, 6)
    for a in (np.asfortranarray(x.reshape(4 * 33, 17)), x.reshape(17, 4 * 33).T, np.asfortranarray(x.reshape(4, 33, 17))):
        for g, w in zip(f_array_folds(a), f_array_folds.py_func(a)):
            same(g, w)


@ember.njit
def parts_made(z):
    return np.abs(z) * 2.0, z.real * z.imag


@ember.njit
def parts_sums(z):
    return np.sum(np.abs(z) * 2.0), np.sum(z.real * z.imag), np.sum(np.abs(z) * 2.0, axis=-1)


@pytest.mark.parametrize("dtype", ["complex128", "complex64"])
def test_buffered_fused_sums_are_sums_of_the_expression(dtype):
    """Sums whose elements turn complex operands into reals, or read operands with run-time steps,
    compute each leaf's elements into a buffer first: the same adds, so the same value as summing
    the expression made first."""
    for n in (1, 7, 8, 9, 127, 128, 129, 513, 1000, 4097):
        z = (values(n, n) + 1j * values(n, n + 1)).astype(dtype)
        for a in (z, z[::2], z[::-1]):
            m = parts_made(a)
            s = parts_sums(a)
            same(np.asarray(s[0]).astype(m[0].dtype), np.sum(m[0]))
            same(np.asarray(s[1]).astype(m[1].dtype), np.sum(m[1]))
            same(np.asarray(s[2]).astype(m[0].dtype), np.sum(m[0], axis=-1))


@ember.njit
def f32_axis_stats(a):
    return a.var(axis=0), a.std(axis=0), np.var(a, axis=0, ddof=1), np.std(a, axis=1, ddof=2), a.mean(axis=0)


def test_float32_var_std_along_slow_axes_are_numpys():
    """float32 var and std along an axis other than the last run row by row in float32 (the
    mean rounded to float32, float32 squares of float32 deviations): NumPy's bits."""
    x = (values(3 * 40 * 21, 9) * 1e-2 + 3).astype(np.float32)
    for a in (x.reshape(120, 21), x.reshape(3, 40, 21), x.reshape(120, 21)[::3, 1:], x.reshape(21, 120).T,
              np.asfortranarray(x.reshape(3, 40, 21))):
        with np.errstate(all="ignore"):
            for g, w in zip(f32_axis_stats(a), f32_axis_stats.py_func(a)):
                same(g, w)


def test_parallel_sum_close():
    f = ember.njit(parallel=True)(lambda a: (np.sum(a), a.mean(), a.var()))
    for n in (0, 5, 1000, 300_001):
        x = values(n)
        with np.errstate(all="ignore"):
            got, want = f(x), (np.sum(x), x.mean(), x.var())
        for g, w in zip(got, want):
            assert (math.isnan(g) and math.isnan(w)) or math.isclose(g, w, rel_tol=1e-12, abs_tol=1e-9)


@ember.njit
def python_sums(x):
    s = 0.0
    for v in x:
        s += v
    return s, sum(x)


def test_python_sum_and_loops_stay_sequential():
    for n in (9, 129, 1025):
        x = values(n)
        seq = 0.0
        for v in x.tolist():
            seq += v
        assert python_sums(x) == (seq, seq)


@ember.njit
def cabs(z):
    return np.abs(z), np.absolute(z)


def test_complex_abs_within_two_ulp():
    rng = np.random.default_rng(3)
    n = 20_000
    z = rng.standard_normal(n) * 10.0 ** rng.uniform(-300, 300, n) + 1j * rng.standard_normal(n) * 10.0 ** rng.uniform(-300, 300, n)
    got, got2 = cabs(z)
    want = np.abs(z)
    same(got, got2)
    assert np.all(np.abs(got - want) <= ULP2 * want)
    special = np.array([0.0, -0.0, np.inf, -np.inf, np.nan, 5e-324, 1e-310, 1.7e308, 1.0, -3.0])
    e = np.array([complex(a, b) for a in special for b in special])
    got, _ = cabs(e)
    want = np.abs(e)
    exact = np.isinf(want) | np.isnan(want) | (want == 0)
    same(got[exact], want[exact])
    assert np.all(np.abs(got[~exact] - want[~exact]) <= ULP2 * want[~exact])
    assert cabs(np.zeros(0, np.complex128))[0].shape == (0,)


@ember.njit
def cdiv(a, b):
    return a / b, np.divide(a, b)


def test_complex_division_is_numpys():
    rng = np.random.default_rng(4)
    n = 5000
    a = rng.standard_normal(n) + 1j * rng.standard_normal(n)
    b = rng.standard_normal(n) * 10.0 ** rng.uniform(-5, 5, n) + 1j * rng.standard_normal(n)
    b[:100] = b[:100].real
    special = np.array([0.0, -0.0, np.inf, np.nan, 1e-310, 2.0])
    e = np.array([complex(x, y) for x in special for y in special])
    for x, y in ((a, b), (np.repeat(e, e.size), np.tile(e, e.size))):
        with np.errstate(all="ignore"):
            got, got2 = cdiv(x, y)
            want = x / y
        same(got, want)
        same(got2, want)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 4, 5, 7, 10, 99, -1, -2, -3])
def test_complex_integer_power_is_numpys(n):
    rng = np.random.default_rng(5)
    z = rng.standard_normal(2000) + 1j * rng.standard_normal(2000)
    z[:3] = [0j, complex(-0.0, 0.0), complex(1.5, -0.0)]
    f = ember.njit(eval(f"lambda a: a ** {n}"))
    with np.errstate(all="ignore"):
        got, want = f(z), z ** n
    if n == 2:   # NumPy's square: its vector loop rounds the real part once (fma), as here
        assert np.allclose(got, want, rtol=ULP2, atol=0)
    else:
        same(got, want)


def julia_cubic(z, c, iters):
    # a masked update repeated in a loop: only the points still bounded move
    steps = np.zeros(z.shape, np.int64)
    for _ in range(iters):
        alive = np.abs(z) < 4.0
        z[alive] = z[alive] ** 3 + c
        steps[alive] += 1
    return steps, z


def test_masked_update_loop():
    re, im = np.meshgrid(np.linspace(-1.5, 1.5, 41), np.linspace(-1.2, 1.2, 31))
    z = (re + 1j * im).ravel()
    got = ember.njit(julia_cubic)(z.copy(), 0.4 + 0.1j, 12)
    with np.errstate(all="ignore"):
        want = julia_cubic(z.copy(), 0.4 + 0.1j, 12)
    same(got[0], want[0])
    same(got[1], want[1])


@ember.njit
def window_reductions(w):
    return np.sum(w), w.mean(), w.max(), np.min(w), w.var(), w.std()


@ember.njit
def box_sums(img, h, w):
    out = np.zeros((img.shape[0] - h + 1, img.shape[1] - w + 1))
    for y in range(out.shape[0]):
        for x in range(out.shape[1]):
            out[y, x] = img[y:y + h, x:x + w].sum()
    return out


@pytest.mark.parametrize("dtype", ["float64", "float32", "complex128"])
@pytest.mark.parametrize("hw", [(3, 3), (5, 5), (4, 2), (1, 9), (11, 12), (23, 23), (40, 50)])
def test_window_reductions_are_numpys(hw, dtype):
    """Whole reductions of 2-d windows (rows apart in memory): NumPy copies such a view in order
    and reduces the copy; ember copies it into its frame (512 doubles at most, else a new block)
    and sums leaves of up to 128 elements inline. Bit-equal for windows along the rows, forwards
    or backwards, and with a step along them."""
    h, w = hw
    rng = np.random.default_rng(h * 100 + w)
    img = (rng.standard_normal((60, 70)) * 10.0 ** rng.uniform(-3, 3, (60, 70))).astype(dtype)
    if dtype == "complex128":
        img = img + 1j * img[::-1]
    for view in (img[5:5 + h, 7:7 + w], img[5:5 + h, 7:7 + w:2], img[5 + h:5:-1, 7:7 + w]):
        got, want = window_reductions(view), (np.sum(view), view.mean(), view.max(), np.min(view), view.var(), view.std())
        for k, (g, x) in enumerate(zip(got, want)):
            if dtype == "complex128" and k >= 2:
                continue   # (complex max/min order and var are other tests')
            same(np.asarray(g).astype(np.asarray(x).dtype), x)


def test_window_sums_allocate_nothing():
    img = values(40 * 50).reshape(40, 50)
    for h, w in ((3, 3), (7, 9), (20, 25)):
        want = np.array([[img[y:y + h, x:x + w].sum() for x in range(50 - w + 1)] for y in range(40 - h + 1)])
        box_sums(img, h, w)
        before = ember._ember.rt_stats()["allocs"]
        same(box_sums(img, h, w), want)
        assert ember._ember.rt_stats()["allocs"] == before + 1   # the result only
