"""Reductions fused with the array expression that feeds them (no temporary array), and masked
updates `a[m] = f(a[m], b[m], scalars)` as one loop: NumPy's results, bit-equal where the
order is NumPy's (C-contiguous operands: pairwise along the last axis, row by row along another),
close otherwise; every reduction kind, every axis, keepdims, 1-3 dimensions, views."""

import numpy as np
import pytest

import ember
from difftest import no_leaks  # noqa: F401  (autouse: every test frees what it allocates)


def same(got, want, exact=True):
    got, want = np.asarray(got), np.asarray(want)
    assert got.dtype == want.dtype and got.shape == want.shape, (got, want)
    if exact:
        assert np.array_equal(got, want, equal_nan=True), (got, want)
    else:
        assert np.allclose(got, want, rtol=1e-12, atol=1e-300, equal_nan=True), (got, want)


def values(shape, seed=0):
    """Doubles over six decades, so that a change of summation order shows in the last bits."""
    rng = np.random.default_rng(seed)
    n = int(np.prod(shape))
    return (rng.standard_normal(n) * 10.0 ** rng.uniform(-3, 3, n)).reshape(shape)


def kinds_2d(x, y):
    e = x * y + 1.0
    return (np.sum(x * y + 1.0), np.sum(x * y + 1.0, axis=0), np.sum(x * y + 1.0, axis=1), (x * y + 1.0).sum(axis=-1),
            np.prod(x * 0.5 + 1.0, axis=0), np.prod(x * 0.5 + 1.0, axis=1), (x * 0.5 + 1.0).prod(),
            np.max(np.abs(x - y), axis=1), np.min(np.abs(x - y), axis=0), (x - y).max(), np.amin(x - y, axis=-1),
            np.mean(x ** 2, axis=-1), np.mean(x ** 2, axis=0), (x ** 2).mean(), (x ** 2).mean(axis=0, keepdims=True),
            np.any(np.abs(x) > 2.0, axis=0), np.all(np.abs(x) > 1e-3, axis=1), (x > y).any(), (x > y).all(),
            np.sum(np.abs(x) ** 2, 1, keepdims=True), np.max(x * y, axis=0, keepdims=True), (x < 0).any(keepdims=True),
            np.sqrt(np.sum(np.abs(x) ** 2, 1)), e.sum(axis=0))


def kinds_3d(x, y):
    return (np.sum(x * y, axis=0), np.sum(x * y, axis=1), np.sum(x * y, axis=2), np.sum(x * y),
            np.prod(x * 0.1 + 1.0, axis=1), np.max(x - y, axis=0), np.min(x - y, axis=1), np.max(x - y, axis=2),
            np.mean(x ** 2, axis=1), np.mean(x ** 2, axis=-1), (x * y).mean(axis=0, keepdims=True),
            np.any(x > 2.5, axis=1), np.all(x > -2.5, axis=2), (x - y).sum(axis=1, keepdims=True))


def kinds_1d(x, y):
    return (np.sum(x * y), (x * y).sum(axis=0), np.prod(x * 0.01 + 1.0), np.max(np.abs(x - y)), np.min(x - y, axis=0),
            np.mean(x ** 2, axis=-1), np.any(x > 100.0), np.all(x != 0.0), np.sum(x * y, keepdims=True))


COMPILED = {}


def compiled(fn):
    """One dispatcher per function, so that each signature compiles once in this file."""
    return COMPILED.setdefault(fn, ember.njit(fn))


def check_views(fn, x, y, exact_for_c=True):
    f = compiled(fn)
    c_views = [(x, y)]
    other = [(np.asfortranarray(x), y), (np.repeat(x, 2, axis=-1)[..., ::2], y), (x, y[..., ::-1].copy()[..., ::-1])]
    for xs, ys in c_views + other:
        exact = exact_for_c and xs.flags.c_contiguous and ys.flags.c_contiguous
        got, want = f(xs, ys), fn(xs, ys)
        assert len(got) == len(want)
        for k, (g, w) in enumerate(zip(got, want)):
            is_prod = fn is kinds_2d and k in (4, 5, 6) or fn is kinds_3d and k == 4 or fn is kinds_1d and k == 2
            same(g, w, exact and not is_prod)


@pytest.mark.parametrize("shape", [(7, 9), (3, 129), (129, 3), (1, 1), (2, 257)])
def test_fused_2d(shape):
    check_views(kinds_2d, values(shape), values(shape, 1))


@pytest.mark.parametrize("shape", [(5, 6, 131), (3, 1, 4)])
def test_fused_3d(shape):
    check_views(kinds_3d, values(shape), values(shape, 1))


@pytest.mark.parametrize("n", [1, 7, 8, 129, 1000])
def test_fused_1d(n):
    x, y = values((n,)), values((n,), 1)
    check_views(kinds_1d, x, y)
    f = compiled(kinds_1d)
    for k, (g, w) in enumerate(zip(f(x[::3], y[::3]), kinds_1d(x[::3], y[::3]))):   # strided: one lane, NumPy's order
        same(g, w, k != 2)


def broadcast_sums(a, b, mu):
    return np.sum((a[:, None] - b[None, :]) ** 2, axis=-1), np.sum((a - mu) ** 2), np.sum(a[:, None] * b[None, :])


def test_fused_broadcast_operands():
    a, b = values((6, 4)), values((5, 4), 1)
    f = ember.njit(broadcast_sums)
    mu = a.mean(axis=0)
    for g, w in zip(f(a[:, None, :].reshape(6, 4), b, mu), broadcast_sums(a, b, mu)):
        same(g, w, False)


def empty_and_errors(x, y):
    return np.sum(x * y, axis=0), np.sum(x * y, axis=1), np.prod(x + y, axis=0), (x * y).sum(), np.any(x > y, axis=1)


def test_fused_empty_and_errors():
    f = ember.njit(empty_and_errors)
    for shape in [(0, 4), (4, 0), (0, 0)]:
        x = np.ones(shape)
        for g, w in zip(f(x, x), empty_and_errors(x, x)):
            same(g, w)
    g = ember.njit(lambda x, y: np.max(x - y, axis=0))
    with pytest.raises(ValueError):
        g(np.ones((0, 3)), np.ones((0, 3)))
    with pytest.raises(ValueError):   # operands that do not broadcast
        g(np.ones((2, 3)), np.ones((2, 4)))


def test_fused_int_and_bool_dtypes():
    x = (values((20, 15)) * 3).astype(np.int64)
    y = (values((20, 15), 1) * 3).astype(np.int32)
    f = ember.njit(lambda a, b: (np.sum(a * b, axis=0), np.sum(a - b, axis=1), np.max(a - b, axis=0), np.min(a * b),
                                 np.sum(a > b, axis=0), (a * b).prod(axis=1), np.mean(a + b, axis=0)))
    for g, w in zip(f(x, y), (np.sum(x * y, axis=0), np.sum(x - y, axis=1), np.max(x - y, axis=0), np.min(x * y),
                              np.sum(x > y, axis=0), (x * y).prod(axis=1), np.mean(x + y, axis=0))):
        same(g, w)


def test_fused_float32():
    x, y = values((9, 33)).astype(np.float32), values((9, 33), 1).astype(np.float32)
    f = ember.njit(lambda a, b: (np.sum(a * b, axis=0), np.sum(a * b, axis=1), np.max(a - b, axis=1), (a * b).sum()))
    for g, w in zip(f(x, y), (np.sum(x * y, axis=0), np.sum(x * y, axis=1), np.max(x - y, axis=1), (x * y).sum())):
        if np.ndim(w):   # a scalar comes back as a Python float
            assert g.dtype == w.dtype
        assert np.allclose(g, w, rtol=1e-5, atol=1e-3)


# ---- masked updates ---------------------------------------------------------------------------

def escape(c, iters):
    z = c.copy()
    n = np.zeros(c.shape, np.int64)
    for _ in range(iters):
        live = np.abs(z) < 2.0
        z[live] = z[live] * z[live] + c[live]
        n[live] += 1
    return n, z


def test_masked_escape_loop():
    re, im = np.meshgrid(np.linspace(-2.0, 0.6, 53), np.linspace(-1.2, 1.2, 37))
    c = re + 1j * im
    f = compiled(escape)
    for cc in (c.ravel(), c, c[:, ::2]):   # 1-d, 2-d masks, a strided view
        got = f(cc, 15)
        with np.errstate(all="ignore"):
            want = escape(cc, 15)
        same(got[0], want[0])
        same(got[1], want[1], False)   # complex z * z: NumPy's vector loop rounds otherwise in the last bit


def masked_forms(a, b, m, s):
    a[m] = a[m] * s + b[m]
    b[m] -= 1.0
    a[m] = np.where(a[m] > 0, a[m], -b[m])
    b[m] = np.sqrt(np.abs(b[m])) + np.maximum(a[m], s)
    return a, b


def test_masked_forms():
    a, b = values((40,)), values((40,), 1)
    m = a > 0.1
    f = compiled(masked_forms)
    got = f(a.copy(), b.copy(), m, 2.5)
    want = masked_forms(a.copy(), b.copy(), m, 2.5)
    same(got[0], want[0])
    same(got[1], want[1])


def shifted(a, m):
    b = a[1:]
    c = a[:-1]
    c[m] = b[m] + c[m]   # the right side reads memory the left side writes, shifted by one
    return a


def test_masked_overlap_reads_old_values():
    a = values((30,))
    m = np.arange(29) % 3 != 0
    same(ember.njit(shifted)(a.copy(), m), shifted(a.copy(), m))


def masked_self(a):
    a[a] = a[a] & False
    return a


def test_masked_mask_is_target_and_errors():
    a = np.arange(10) % 2 == 0
    same(ember.njit(masked_self)(a.copy()), masked_self(a.copy()))
    f = compiled(masked_forms)
    with pytest.raises(IndexError):
        f(np.ones(5), np.ones(4), np.ones(5, np.bool_), 1.0)
    with pytest.raises(IndexError):
        f(np.ones(5), np.ones(5), np.ones(4, np.bool_), 1.0)


def cnz_all(a, b):
    return np.count_nonzero(a > b)


def cnz_last(a, b):
    return np.count_nonzero(a - b, axis=-1)


def cnz_first(a, b):
    return np.count_nonzero(a * b, axis=0)   # row by row: truths added


@pytest.mark.parametrize("shape", [(7,), (5, 6), (0, 3), (4, 0), (3, 4, 5)])
def test_fused_count_nonzero(shape):
    rng = np.random.default_rng(len(shape))
    a, b = rng.random(shape), rng.random(shape)
    a.flat[::3] = b.flat[::3]
    b.flat[1::4] = 0.0
    for fn in (cnz_all, cnz_last, cnz_first):
        same(ember.njit(fn)(a, b), fn(a, b))
    if len(shape) > 1:
        same(ember.njit(cnz_all)(a[:, ::2], b[:, ::2]), cnz_all(a[:, ::2], b[:, ::2]))
    if len(shape) == 3:
        g = ember.njit(cnz_middle)
        for x, y in ((a, b), (a[:, ::-1], b)):
            for got, want in zip(g(x, y), cnz_middle(x, y)):
                same(got, want)
    for fn, results in ((cnz_all, 0), (cnz_first, 1)):   # no temporary for a - b: only the result
        f = ember.njit(fn)
        f(a, b)
        before = ember._ember.rt_stats()["allocs"]
        f(a, b)
        assert ember._ember.rt_stats()["allocs"] == before + (results if len(shape) > 1 else 0)


def cnz_middle(a, b):
    return np.count_nonzero(a - b > 0.25, axis=1), np.count_nonzero(a * b, axis=-3)


def stretched_2d(x, m, s):
    """m and s broadcast against x: each may be of length 1 along the last axis at run time."""
    return (np.any(np.abs(x - m) > 3.0 * s, axis=0), np.all(np.abs(x - m) < 3.0 * s, axis=1),
            np.sum((x - m) * s, axis=0), np.sum((x - m) * s, axis=1), np.max(x * s - m, axis=0),
            np.min(x * s - m, axis=-1), np.mean((x - m) / s, axis=0), np.count_nonzero(x > m * s, axis=1),
            np.sum(x * s + m))


def stretched_1d(x, m, s):
    return np.sum((x - m) * s), np.max(np.abs(x - m) * s), np.any(x > m + s), np.mean(x * s - m)


@pytest.mark.parametrize("cols", [1, 5, 37])
def test_fused_operands_stretched_at_run_time(cols):
    # the loops along the last axis come twice (cg_expr_unit_twins): without index selects where
    # no operand is stretched, with them (or index 0 for the only candidate) where one is
    x = values((23, cols))
    m_full, s_full = values((cols,), 1), np.abs(values((cols,), 2)) + 0.5
    m_one, s_one = m_full[:1].copy(), s_full[:1].copy()
    f = compiled(stretched_2d)
    for m in (m_full, m_one, m_full[None, :], m_one[None, :], values((23, 1), 3)):
        for s in (s_full, s_one, s_full[None, :], s_one[None, :], np.abs(values((23, 1), 4)) + 0.5):
            if m.ndim != s.ndim:
                continue
            for g, w in zip(f(x, m, s), stretched_2d(x, m, s)):
                same(g, w, exact=False)
    g1 = compiled(stretched_1d)
    g1p = ember.njit(parallel=True)(stretched_1d)
    x1 = values((1000,))
    for m in (values((1000,), 1), values((1,), 1)):
        for s in (np.abs(values((1000,), 2)) + 0.5, np.abs(values((1,), 2)) + 0.5):
            for got in (g1(x1, m, s), g1p(x1, m, s)):
                for g, w in zip(got, stretched_1d(x1, m, s)):
                    same(g, w, exact=False)


def norm_forms(a, b):
    return (np.linalg.norm(a - b), np.linalg.norm(a * 2.0 + b), np.linalg.norm(np.abs(a) - 1.0),
            np.linalg.norm(a - b, None), np.linalg.norm(a - b, axis=None))


def norm_not_fused(a, b):   # an order or an axis: the expression is made, then normed
    return np.linalg.norm((a - b).ravel(), 1), np.linalg.norm(a - b, axis=-1), np.linalg.norm((a - b).ravel(), np.inf)


@pytest.mark.parametrize("shape", [(0,), (1,), (7,), (1000,), (3, 5), (40, 33), (2, 3, 4), (4, 0)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
def test_fused_norm(shape, dtype):
    # np.linalg.norm(expr) with no order and no axis: the square root of the pairwise sum of the
    # squares, the expression never made (NumPy's BLAS dot adds in its own order: close, not equal)
    a = (values(shape) * 10).astype(dtype)
    b = (values(shape, 1) * 10).astype(dtype)
    f = compiled(norm_forms)
    for x, y in [(a, b)] + ([(a[::-1], b), (np.asfortranarray(a), b), (a, b[..., :1])] if a.size else []):
        for g, w in zip(f(x, y), norm_forms(x, y)):   # a float scalar (ember's scalars of float32 are Python floats)
            assert isinstance(g, float)
            np.testing.assert_allclose(g, w, rtol=1e-6 if dtype == np.float32 else 1e-13)
    if a.ndim and a.size:
        g, w = compiled(norm_not_fused)(a, b), norm_not_fused(a, b)
        for x, y in zip(g, w):
            np.testing.assert_allclose(x, y, rtol=1e-6 if dtype == np.float32 else 1e-13)
    if dtype != np.int64:
        f(a, b)
        before = ember._ember.rt_stats()["allocs"]
        f(a, b)
        assert ember._ember.rt_stats()["allocs"] == before   # no temporary for a - b


@ember.njit
def bump(a):
    a[:] += 1.0
    return 2.0


def sum_then_call(a, b):
    return np.sum((a - b) * bump(a))


def product_then_call(a, b):
    return (a - b) * bump(a)


def max_then_call(a, b):
    return np.max(np.abs(a - b) + bump(a), axis=-1)


def norm_then_call(a, b):
    return np.linalg.norm(a - b) * bump(a)


@pytest.mark.parametrize("fn", [sum_then_call, product_then_call, max_then_call, norm_then_call])
def test_fused_value_read_before_a_call_that_writes(fn):
    # a - b is computed where it stands: a call between it and its user writes a (CPython's
    # order), so it is not read lazily at the user
    for shape in ((5,), (3, 4)):
        a, b = np.arange(np.prod(shape), dtype=np.float64).reshape(shape), np.ones(shape)
        a2 = a.copy()
        want = fn(a, b)
        got = ember.njit(fn)(a2, b)
        np.testing.assert_array_equal(got, want)
        np.testing.assert_array_equal(a2, a)


def reads_between(a, b, c):
    return (a - b) * np.where(c > 0, c, b) + np.sum(c, axis=0) / c.std()


def test_fused_across_calls_that_only_read():
    # builtins that read (np.where, a reduction) between a - b and its user keep it fused: one
    # array made (the result; np.where's operands fused into it too)
    a, b, c = values((50,)), values((50,), 1), values((50,), 2)
    f = ember.njit(reads_between)
    np.testing.assert_allclose(f(a, b, c), reads_between(a, b, c), rtol=1e-13)
    before = ember._ember.rt_stats()["allocs"]
    f(a, b, c)
    assert ember._ember.rt_stats()["allocs"] == before + 1


@ember.njit
def maths_sums(x, p):
    return np.exp(x).sum(), np.log(x).mean(), (x ** p).sum(), np.sum(np.sin(x) * 2.0), np.exp(x).sum(axis=-1)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("shape", [(1000,), (7, 300), (1,), (0,), (3, 129)])
def test_sums_of_maths_functions(dtype, shape):
    # a maths function on each element is computed by a loop of its own into a buffer (vector
    # exp), then summed in NumPy's pairwise order (np.exp(x).sum() was 3.8x NumPy's time with the
    # sum's groups calling exp eight times)
    x = (np.random.default_rng(11).random(shape) + 0.5).astype(dtype)
    got = maths_sums(x, 1.7)
    with np.errstate(all="ignore"):
        want = (np.exp(x).sum(), np.log(x).mean(), (x ** dtype(1.7)).sum(), np.sum(np.sin(x) * 2.0), np.exp(x).sum(axis=-1))
    tol = 2e-6 if dtype == np.float32 else 1e-14   # (libmvec's and NumPy's maths differ by an ulp or so)
    for g, w in zip(got, want):
        assert np.allclose(g, w, rtol=tol, atol=0, equal_nan=True), (g, w)


@ember.njit
def exp_sum(x):
    return np.exp(x).sum()


def test_a_maths_sum_calls_the_vector_function():
    assert exp_sum(np.zeros(9)) == 9.0
    import re
    text = "\n".join(exp_sum.inspect_llvm().values())
    assert re.search(r"call [^@]*@_ZGV\w+_exp\(", text)   # libmvec's, not exp eight times a group
