"""NumPy functions on arrays, compiled vs CPython: sort argsort searchsorted median percentile
quantile unique clip diff concatenate; dot vdot outer and @; np.linalg solve inv det norm; and
np.random, seeded inside the compiled code, drawing the same numbers as NumPy's legacy global
generator seeded the same way."""

import math

import numpy as np
import pytest

from difftest import check, check_all, layouts, no_leaks, numba_leaks, numba_xfail, sample  # noqa: F401

# no_leaks (imported above) is an autouse fixture: every test here must free what it allocates.

RAISE_LEAKS = "numba does not free the arrays live where compiled code raises"
nan, inf = math.nan, math.inf
LINALG_TOL = {"rtol": 1e-9, "atol": 1e-12}

# ------------------------------------------------------------------ sorting and searching


def sorts(a):
    b = a.copy()
    b.sort()
    return np.sort(a), b, np.argsort(a, kind="mergesort")


def search(a, v):
    return np.searchsorted(a, v), np.searchsorted(a, v, side="right")


@pytest.mark.parametrize("dtype", ["int8", "int64", "uint32", "float32", "float64"])
def test_sort_argsort(dtype):
    check_all(sorts, [(v,) for _, v in layouts(sample(dtype, (9,)), ["C", "reversed"])]
              + [(np.zeros(0, dtype),), (np.ones(1, dtype),)])


def test_sort_nan_last():
    check(sorts, np.array([3.0, nan, -1.0, inf, -inf, nan, 0.0]))


def test_searchsorted():
    a = np.array([1.0, 2.0, 2.0, 3.5, 10.0])
    check_all(search, [(a, 2.0), (a, 0.0), (a, 11.0), (a, np.array([2.0, 3.0, -1.0, 10.0]))])
    check_all(search, [(np.arange(10), 4), (np.zeros(0, np.int64), 3)])


def search_each(a, keys):
    left = np.empty(keys.shape[0], np.int64)
    right = np.empty(keys.shape[0], np.int64)
    for i in range(keys.shape[0]):
        left[i] = np.searchsorted(a, keys[i])
        right[i] = np.searchsorted(a, keys[i], side="right")
    return left, right


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "int8", "uint32"])
def test_searchsorted_every_position(dtype):
    # every length up to 17 (the halving's odd and even steps), runs of equal values, NaN and
    # infinities sorted last and first, keys before, between, on and after every element, a
    # strided lane
    rng = np.random.default_rng(5)
    floats = dtype.startswith("float")
    keys = np.arange(-1.0, 7.5, 0.5)
    if floats:
        keys = np.concatenate([keys, [nan, -inf, inf]])
    keys = keys.astype(dtype) if floats else np.arange(-1 if dtype != "uint32" else 0, 8).astype(dtype)
    cases = []
    for n in range(18):
        a = rng.integers(0, 7, n).astype(dtype)
        if floats and n > 2:
            a[rng.integers(0, n)] = nan
            a[rng.integers(0, n)] = -inf
        cases.append((np.sort(a), keys))
    cases.append((np.sort(rng.integers(0, 7, 25).astype(dtype))[::3], keys))
    check_all(search_each, cases)


def search_keys(a, keys):
    return np.searchsorted(a, keys), np.searchsorted(a, keys, side="right")


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "uint8"])
def test_searchsorted_of_key_arrays_is_numpys_search(dtype):
    # an array of keys searches from the previous key's answer when it sorts after it (NumPy's
    # binsearch): sorted and unsorted keys, runs, NaN keys, and arrays out of order too (their
    # answers are NumPy's search's, not a sorted array's)
    rng = np.random.default_rng(11)
    floats = dtype.startswith("float")
    cases = []
    for n in (0, 1, 2, 7, 16, 33):
        for ordered in (True, False):
            a = rng.integers(0, 20, n).astype(dtype)
            if floats and n > 3:
                a[rng.integers(0, n)] = nan
            if ordered:
                a = np.sort(a)
            for sorted_keys in (True, False):
                keys = rng.integers(0, 22, 40).astype(dtype)
                if floats:
                    keys[[3, 17]] = nan
                cases.append((a, np.sort(keys) if sorted_keys else keys))
    cases.append((np.sort(rng.integers(0, 20, 30).astype(dtype)), rng.integers(0, 22, (4, 6)).astype(dtype)))
    check_all(search_keys, cases)


def order_stats(a):
    return np.median(a), np.percentile(a, 25.0), np.percentile(a, 90), np.quantile(a, 0.5), np.quantile(a, 1.0)


def test_median_percentile_quantile():
    check_all(order_stats, [(sample("float64", (7,)),), (sample("float64", (8,)),), (np.array([5.0]),),
                            (sample("int64", (6,)),)])


def test_median_nan():
    check(order_stats, np.array([1.0, nan, 3.0]))


def uniques(a):
    return np.unique(a)


def test_unique():
    check_all(uniques, [(np.array([3, 1, 3, 2, 1, 1]),), (np.array([2.5, nan, 2.5, -1.0]),),
                        (np.zeros(0),), (np.array([[1, 2], [2, 1]]),)])


# ------------------------------------------------------------------ elementwise helpers


def clips(a, lo, hi):
    return np.clip(a, lo, hi), a.clip(lo, hi)


def diffs(a):
    return np.diff(a), np.diff(a, 2)


def test_clip():
    check_all(clips, [(sample("float64", (6,)), -1.0, 2.5), (sample("int64", (2, 3)), -10, 10),
                      (np.array([nan, 1.0, 5.0]), 0.0, 2.0), (np.arange(5.0), 3.0, 1.0)])
    # one bound None: no bound on that side (it was a refusal)
    check_all(clips, [(sample("float64", (6,)), None, 0.5), (sample("float64", (2, 3)), -0.5, None),
                      (sample("int32", (5,)), None, 3), (np.array([nan, 1.0]), 0.5, None)])


def clip_out(a, lo, hi, o):
    r = np.clip(a, lo, hi, out=o)
    np.clip(a, lo, hi, a)   # in place, positionally
    return r, o, a


def test_clip_out():
    # out= written and returned (it was refused)
    check_all(clip_out, [(sample("float64", (6,)), -0.5, 0.5, np.zeros(6)),
                         (sample("int64", (2, 3)), -10, 10, np.zeros((2, 3), np.int64)),
                         (np.arange(-3, 4, dtype=np.int8), -1, 2, np.zeros(7, np.int8)),
                         (sample("float32", (4,)), 0.0, 1.0, np.zeros(4, np.float32))])


def test_diff():
    check_all(diffs, [(np.array([1, 4, 9, 16, 25]),), (sample("float64", (6,)),),
                      (sample("int32", (3, 4)),), (np.zeros(2),)])
    # the first difference reads any layout in one pass: views, F arrays, a wrapping uint8, bools
    check_all(diffs, [(sample("float64", (4, 9))[:, ::2],), (np.asfortranarray(sample("float64", (5, 4))),),
                      (np.array([3, 250, 1, 7], np.uint8),), (np.array([True, False, False, True]),),
                      (np.zeros((3, 1)),), (np.zeros(0),), (sample("complex128", (7,))[::-1],)])


def concat(a, b):
    return np.concatenate((a, b)), np.concatenate((a, b, a))


def concat_axis(a, b):
    return np.concatenate((a, b), axis=1), np.concatenate((a, b), axis=0)


def test_concatenate():
    check_all(concat, [(np.arange(3.0), np.arange(2.0)), (np.zeros(0), np.ones(2)),
                       (np.arange(3), np.arange(4.0)), (np.ones((2, 2)), np.zeros((1, 2)))])
    check(concat_axis, np.ones((2, 2)), np.zeros((2, 2)))


# ------------------------------------------------------------------ products


def products(a, b):
    return np.dot(a, b), np.vdot(a, b), np.outer(a, b), a @ b


def mat_products(m, n, v):
    return np.dot(m, n), m @ n, m @ v, np.dot(v, n), v @ v


@pytest.mark.parametrize("dtype", ["float64", "float32", "complex128"])
def test_vector_products(dtype):
    a, b = sample(dtype, (5,)), sample(dtype, (5,), seed=1)
    tol = {"rtol": 1e-5, "atol": 1e-5} if dtype == "float32" else LINALG_TOL
    check_all(products, [(a, b), (a[::-1], b)], **tol)


def outer_into(a, b, m):
    r = np.outer(a, b, out=m)
    return r.sum(), m


def outer_into_positional(a, b, m):
    np.outer(a, b, m)
    return m


def test_outer_into_an_array():
    # np.outer(a, b, out=m) as NumPy (pyfixest's meat loop): written into m, m returned, cast to
    # its dtype (float64 products into float32); a shape other than (a.size, b.size) is an error
    a, b = sample("float64", (3,)), sample("float64", (4,), seed=1)
    check(outer_into, a, b, np.zeros((3, 4)))
    check(outer_into, a, b, np.zeros((4, 3)).T)
    check(outer_into_positional, a, b, np.zeros((3, 4), np.float32), rtol=1e-6)
    check(outer_into_positional, np.arange(3), np.arange(4), np.zeros((3, 4)))
    check(outer_into, a.reshape(3, 1), b, np.zeros((3, 4)))


@numba_xfail("numba writes the products past out's shape")
def test_outer_into_an_array_of_another_shape():
    check(outer_into_positional, np.ones(3), np.ones(4), np.zeros((4, 3)))


def test_matrix_products():
    m, n, v = sample("float64", (3, 4)), sample("float64", (4, 4), seed=1), sample("float64", (4,), seed=2)
    check_all(mat_products, [(m, n, v), (np.asfortranarray(m), n.T, v)], **LINALG_TOL)


@numba_xfail("np.dot of integer matrices is not supported (BLAS only does floats)")
def test_int_matmul():
    check(mat_products, np.arange(12).reshape(3, 4), np.arange(16).reshape(4, 4), np.arange(4))


@numba_leaks(RAISE_LEAKS)
def test_product_shape_mismatch():
    check(mat_products, np.ones((3, 4)), np.ones((3, 3)), np.ones(4))


# ------------------------------------------------------------------ linalg


def linalg(m, b):
    return np.linalg.solve(m, b), np.linalg.inv(m), np.linalg.det(m)


def norms(v, m):
    return np.linalg.norm(v), np.linalg.norm(m), np.linalg.norm(m, 2), np.linalg.norm(v, 1), np.linalg.norm(v, inf)


def frobenius(m):
    return np.linalg.norm(m, "fro")


def test_linalg():
    m = sample("float64", (4, 4)) + 10 * np.eye(4)
    b = sample("float64", (4,), seed=3)
    check_all(linalg, [(m, b), (np.asfortranarray(m), b)], **LINALG_TOL)
    check(linalg, m, sample("float64", (4, 2), seed=4), **LINALG_TOL)


@numba_leaks(RAISE_LEAKS)
def test_singular_matrix():
    check(linalg, np.ones((2, 2)), np.ones(2))


def test_norm():
    check_all(norms, [(sample("float64", (5,)), sample("float64", (3, 4))), (np.zeros(3), np.eye(3))],
              **LINALG_TOL)


@numba_xfail("np.linalg.norm(matrix, 'fro') raises ValueError (norm(matrix) is the same value)")
@numba_leaks(RAISE_LEAKS)
def test_frobenius_norm():
    check_all(frobenius, [(sample("float64", (3, 4)),), (np.eye(3),)], **LINALG_TOL)


# ------------------------------------------------------------------ random


def draw_random(seed):
    np.random.seed(seed)
    return np.random.random(5), np.random.random(), np.random.rand(2, 3), np.random.rand()


def draw_normal(seed):
    np.random.seed(seed)
    return np.random.randn(5), np.random.normal(1.0, 2.0, 4), np.random.standard_normal(3), np.random.normal()


def draw_ints(seed):
    np.random.seed(seed)
    return np.random.randint(0, 10, 6), np.random.randint(-5, 1000), np.random.randint(0, 3, 4)


def draw_uniform(seed):
    np.random.seed(seed)
    return np.random.uniform(-1.0, 3.0, 5), np.random.uniform(), np.random.uniform(2.0, 2.5)


def test_random_matches_numpy_legacy_generator():
    # The same Mersenne Twister, seeding and transformations as NumPy's np.random.seed state:
    # exactly the same numbers.
    for fn in (draw_random, draw_normal, draw_ints, draw_uniform):
        check_all(fn, [(0,), (42,), (2**31,)], rtol=0.0, atol=0.0)


def draw_scalars_in_a_loop(seed, n):
    # scalar draws take the state's words inline (lower_nplib.c rng_u32): across twists, mixed
    # with runtime draws (arrays, normals, a randint wider than 32 bits), the same stream
    np.random.seed(seed)
    ints = np.empty(n, np.int64)
    floats = np.empty(n)
    for i in range(n):
        if i % 7 == 0:
            ints[i] = np.random.randint(-(2**40), 2**40)
        elif i % 5 == 0:
            ints[i] = np.random.randint(0, 2**32)
        else:
            ints[i] = np.random.randint(0, 1 + i % 9)
        floats[i] = np.random.random() if i % 11 else np.random.randn() + np.random.random(2).sum()
    return ints, floats


def test_scalar_draws_in_a_loop_keep_numpys_stream():
    check_all(draw_scalars_in_a_loop, [(1, 1500), (99, 1)], rtol=0.0, atol=0.0)


def random_stats(n):
    np.random.seed(7)
    u = np.random.random(n)
    k = np.random.randint(-3, 4, n)
    g = np.random.randn(n)
    return u.min() >= 0.0, u.max() < 1.0, k.min(), k.max(), abs(g.mean()) < 0.05, abs(g.std() - 1.0) < 0.05


def test_random_ranges():
    check(random_stats, 20000)


# ------------------------------------------------------------------ more shapes and options


def sort_in_place(a):
    a.sort()
    return a


@numba_xfail("np.sort takes no kind=")
def test_sort_rows_and_views():
    # np.sort sorts along the last axis; a.sort() works on any view, in place.
    m = sample("float64", (3, 5))
    check_all(sorts_2d, [(m,), (np.asfortranarray(m),), (m[:, ::2],)])
    check_all(sort_in_place, [(v,) for _, v in layouts(sample("int32", (7,)), ["C", "reversed", "strided"])])
    check(sort_in_place, np.asfortranarray(sample("float64", (3, 4))))


def sorts_2d(a):
    return np.sort(a), np.sort(a, kind="stable")


def search_mixed(a, v):
    return np.searchsorted(a, v), a.searchsorted(v, side="right")


@numba_xfail("the searchsorted method and mixed key types are not supported")
def test_searchsorted_mixed_types():
    check_all(search_mixed, [(np.arange(10), 3.5), (np.arange(10, dtype=np.int8), 300),
                             (np.arange(10.0, dtype=np.float32), 2), (np.arange(5), np.array([[1, 7], [-1, 4]]))])


def more_diff(a, n):
    return np.diff(a, n)


def test_diff_orders():
    check_all(more_diff, [(np.arange(5.0) ** 2, 0), (np.arange(5.0) ** 2, 3), (np.arange(4), 9),
                          (np.array([True, False, False, True]), 1)])


@numba_leaks(RAISE_LEAKS)
def test_diff_negative_order():
    check(more_diff, np.arange(3.0), -1)


@numba_leaks(RAISE_LEAKS)
def test_concatenate_mismatch():
    check(concat_axis, np.ones((2, 2)), np.zeros((3, 2)))


def matrix_norms(m):
    return (np.linalg.norm(m, 1), np.linalg.norm(m, -1), np.linalg.norm(m, inf), np.linalg.norm(m, -inf),
            np.linalg.norm(m, -2), np.linalg.norm(m, "nuc"))


def vector_norms(v):
    return np.linalg.norm(v, 0), np.linalg.norm(v, 3), np.linalg.norm(v, -inf), np.linalg.norm(v, 2)


@numba_xfail("norm orders 'nuc' and -2 and vector order 0 are handled differently")
def test_norm_orders():
    check_all(matrix_norms, [(sample("float64", (3, 4)),), (np.eye(3),), (sample("int64", (2, 2)),)], **LINALG_TOL)
    check_all(vector_norms, [(sample("float64", (5,)),), (np.array([0.0, 2.0, 0.0]),)], **LINALG_TOL)


def seeded_shapes(seed):
    np.random.seed(seed)
    return (np.random.rand(), np.random.randint(5), np.random.randint(3, size=(2, 2)),
            np.random.normal(size=3), np.random.uniform(size=(1, 2)), np.random.random_sample((2,)))


@numba_xfail("size= of normal and uniform given by keyword is not supported")
def test_random_defaults_and_sizes():
    check_all(seeded_shapes, [(1,), (123,)], rtol=0.0, atol=0.0)


def bad_seed(s):
    np.random.seed(s)
    return np.random.random()


def bad_randint(lo, hi):
    return np.random.randint(lo, hi)


@numba_xfail("the seed's range is not checked")
def test_random_errors():
    check_all(bad_seed, [(-1,), (2**32,)])
    check(bad_randint, 5, 5)


def sorts_and_uniques(a):
    b = a.copy()
    b.sort()
    return np.sort(a), b, np.unique(a), np.sort(a.reshape(-1, 5), axis=0)


def test_one_byte_sorts_count():
    """int8, uint8 and bool arrays of 256 elements or more sort by counting (runtime/sort.c): NumPy's
    order, negative int8 values first, at lengths around that threshold and with one value only."""
    rng = np.random.default_rng(11)
    for dt, lo, hi in ((np.int8, -128, 128), (np.uint8, 0, 256), (np.bool_, 0, 2)):
        for n in (5, 255, 256, 260, 4000):
            for a in (rng.integers(lo, hi, n).astype(dt), np.full(n, hi - 1).astype(dt)):
                check(sorts_and_uniques, a)
