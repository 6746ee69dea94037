"""NumPy functions that ember compiles from Python implementations (ember/_nplib.py), compiled vs
NumPy: isclose allclose array_equal round/around logspace tri vander isin take
unravel_index polyval kron angle select nan_to_num append copyto delete insert asfortranarray
trapezoid ediff1d tril_indices triu_indices partition argpartition roots ndenumerate ndindex; over dtypes, scalars and arrays, NaN and
infinities, keyword forms, NumPy's run-time errors, and the located error for forms ember does
not take. (Under EMBER_TEST_BACKEND=numba the forms numba has pass: isclose/allclose on floats,
round, tri, vander, isin, take, kron, angle, select, nan_to_num; numba lacks
the others, so the module runs on ember only.)"""

import math

import numpy as np
import pytest

from difftest import ON_NUMBA, check, check_all, errors, jit, no_leaks, sample  # noqa: F401

pytestmark = pytest.mark.skipif(ON_NUMBA, reason="ember's implementations (numba lacks several of these forms)")

nan, inf = math.nan, math.inf
NANS = np.array([1.0, inf, -inf, nan, 0.0, -0.0, 1e-9, 1.0 + 1e-6, 2.0])


# ---- comparisons -------------------------------------------------------------------------------

def isclose_arrays(a, b):
    return np.isclose(a, b)


def isclose_keywords(a, b):
    return np.isclose(a, b, rtol=0.0, atol=1e-3, equal_nan=True)


def isclose_scalar(a, b):
    return np.isclose(a[0], b[1]), np.isclose(a[3], b[3], equal_nan=True), np.isclose(a, 1.0)


def allclose_forms(a, b):
    return np.allclose(a, b), np.allclose(a, b, equal_nan=True), np.allclose(a[0], a[0]), np.allclose(a, b, atol=10.0)


@pytest.mark.parametrize("f", [isclose_arrays, isclose_keywords, isclose_scalar, allclose_forms])
@pytest.mark.parametrize("shift", [0, 1, 4])
def test_isclose_allclose(f, shift):
    check(f, NANS, np.roll(NANS, shift))


@pytest.mark.parametrize("dtype", ["int64", "int8", "float32"])
def test_isclose_other_dtypes(dtype):
    a = sample(dtype, (3, 4), 1)
    check(isclose_arrays, a, a.copy())
    check(isclose_arrays, a, a[0])   # broadcasting


def array_equal_forms(a, b):
    return np.array_equal(a, b), np.array_equal(a, a), np.array_equal(a, b, equal_nan=True)


def array_equal_scalars(a):
    return np.array_equal(a[0], a[0]), np.array_equal(a[0], a), np.array_equal(a[3], a[3], equal_nan=True)


@pytest.mark.parametrize("b", [NANS.copy(), NANS[:4], NANS[::-1].copy(), NANS.reshape(3, 3)])
def test_array_equal(b):
    check(array_equal_forms, NANS, b)


def test_array_equal_scalars():
    check(array_equal_scalars, NANS)


# ---- rounding ----------------------------------------------------------------------------------

def round_forms(a):
    return np.round(a), np.round(a, 2), np.around(a, decimals=1), np.round(a, -1)


@pytest.mark.parametrize("dtype", ["float64", "float32", "int64", "int16", "uint8"])
def test_round_arrays(dtype):
    a = (sample("float64", (7,), 3) * 1000).astype(dtype)
    check(round_forms, a)


def round_scalars(x, n):
    return np.round(x, 2), np.round(x), np.round(n, -2), np.round(n)


@pytest.mark.parametrize("x, n", [(2.675, 1250), (-0.5, 1350), (1.5, -1249), (inf, 0), (nan, 7)])
def test_round_scalars(x, n):
    check(round_scalars, x, n)


def round_complex_forms(z, w):
    return np.round(z, 2), np.round(z), np.around(z, -1), z.round(1), np.round(w, 1)


@pytest.mark.parametrize("dtype", ["complex128", "complex64"])
def test_round_of_complex(dtype):
    # each part rounded as a float is (NumPy's); signed zeros, NaN and infinities kept
    z = np.array([[1.2345 + 2.5j, -0.5 - 1.5j], [complex(np.nan, np.inf), complex(123.456, -0.0)]], dtype)
    check(round_complex_forms, z, 1.25 + 3.75j)
    check(round_complex_forms, z[:, ::-1], -2.5j)


def test_round_of_bool_is_a_clear_error():
    def f(a):
        return np.round(a, 1)
    with pytest.raises(errors.EmberError, match="np.round: rounding bool values is not supported"):
        jit(f)(np.ones(3, np.bool_))


# ---- ranges and matrices -------------------------------------------------------------------------

def logspace_forms(n):
    return np.logspace(0.0, 2.0, n), np.logspace(0, 3, n, endpoint=False), np.logspace(1.0, 2.0, n, base=2.0)


@pytest.mark.parametrize("n", [0, 1, 5, 50])
def test_logspace(n):
    check(logspace_forms, n)


def tri_forms(n):
    return np.tri(n), np.tri(n, n + 2), np.tri(n, n, 1), np.tri(n, 3, k=-1)


@pytest.mark.parametrize("n", [0, 1, 4])
def test_tri(n):
    check(tri_forms, n)


def vander_forms(x):
    return np.vander(x), np.vander(x, 3), np.vander(x, 4, increasing=True)


@pytest.mark.parametrize("dtype", ["float64", "int64", "complex128"])
def test_vander(dtype):
    check(vander_forms, sample(dtype, (5,), 2))


# ---- searching ---------------------------------------------------------------------------------

def isin_forms(a, t):
    return np.isin(a, t), np.isin(a, t, invert=True), np.isin(a[0], t), np.isin(a[1], t, invert=True)


@pytest.mark.parametrize("dtype", ["int64", "float64", "int8", "uint16"])
def test_isin(dtype):
    a = (sample("float64", (3, 4), 5) * 10).astype(dtype)
    check(isin_forms, a, a.ravel()[::3].copy())
    check(isin_forms, a, np.zeros(0, dtype))
    if dtype != "float64":   # a short range of ints: the table; a wide one: sorting
        check(isin_forms, a, np.array([1, 3, 3, 7], dtype=dtype))
        check(isin_forms, a, np.array([0, 1, 100, 120], dtype=dtype))
        check(isin_forms, a.astype(np.int64), np.array([2, 10**12], dtype=np.int64))


def take_forms(a, idx):
    return np.take(a, idx), np.take(a, 2), np.take(a, -1)


def test_take():
    a = sample("float64", (3, 4), 6)
    check(take_forms, a, np.array([0, 5, -1, 11]))
    check(take_forms, a, np.array([[1, 2], [3, 4]]))


def take_out_of_range(a, i):
    return np.take(a, i)


@pytest.mark.parametrize("i", [12, -13])
def test_take_out_of_range_raises_index_error(i):
    check(take_out_of_range, sample("float64", (3, 4), 6), i)


def unravel(i):
    return np.unravel_index(i, (3, 4)), np.unravel_index(i, (2, 3, 2)), np.unravel_index(0, (5,))


@pytest.mark.parametrize("i", [0, 7, 11, 12, -1])
def test_unravel_index(i):
    check(unravel, i)


# ---- polynomials, products, angles, select, nan_to_num -----------------------------------------

def polyval_forms(p, x):
    return np.polyval(p, x), np.polyval(p, x[0]), np.polyval(p, 2)


@pytest.mark.parametrize("dtype", ["float64", "int64", "complex128"])
def test_polyval(dtype):
    check(polyval_forms, sample(dtype, (4,), 7), sample("float64", (5,), 8))


def kron_form(a, b):
    return np.kron(a, b)


@pytest.mark.parametrize("shapes", [((3,), (2,)), ((2, 3), (3, 2)), ((0,), (4,)), ((1, 1), (2, 2)), ((3,), (2, 2)),
                                    ((3, 1), (2,)), ((2, 3), (0,))])
def test_kron(shapes):
    check(kron_form, sample("float64", shapes[0], 1), sample("int64", shapes[1], 2))


def angle_forms(z, x):
    return np.angle(z), np.angle(z, deg=True), np.angle(x), np.angle(z[0]), np.angle(-2.0)


def test_angle():
    check(angle_forms, sample("complex128", (6,), 3), np.array([-1.0, 0.0, -0.0, 2.0]))
    # a real operand is NumPy's arctan2(0, x): of bools and ints float64, as NumPy's
    for x in (np.array([True, False]), np.array([3, -4, 0]), np.array([1.5, -2.5], np.float32)):
        check(lambda x: (np.angle(x), np.angle(x, deg=True)), x)


def select_form(x):
    return np.select([x > 2, x < 1], [x, -x], 0.5), np.select([x > 3], [x * 2], default=-1.0)


def test_select():
    check(select_form, np.arange(6.0))
    check(select_form, np.arange(12.0).reshape(3, 4))


def nan_to_num_forms(x):
    return np.nan_to_num(x), np.nan_to_num(x, nan=-1.0), np.nan_to_num(x, posinf=9.0, neginf=-9.0)


COMPLEX_NANS = np.array([1 + 2j, complex(nan, 1), complex(2, nan), complex(inf, -inf), complex(-inf, nan),
                         complex(-0.0, -0.0), 0j])


def numbers(dtype):
    if dtype.startswith("float"):
        return NANS.astype(dtype)
    if dtype.startswith("complex"):
        return COMPLEX_NANS.astype(dtype)
    return np.arange(5, dtype=dtype)


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "complex128", "complex64"])
def test_nan_to_num(dtype):
    x = numbers(dtype)
    check(nan_to_num_forms, x)
    check(nan_to_num_forms, np.stack([x, x[::-1]]).T)


def nan_to_num_in_place(x):
    r = np.nan_to_num(x, copy=False, nan=1.0, posinf=1e3, neginf=-1e3)
    return r, x


@pytest.mark.parametrize("dtype", ["float64", "float32", "int32", "complex128", "complex64"])
def test_nan_to_num_in_place(dtype):
    # copy=False writes into x (and returns it), as NumPy does
    x = numbers(dtype)
    check(nan_to_num_in_place, x)
    check(nan_to_num_in_place, np.stack([x, x[::-1]]).T)


def test_nan_to_num_scalar():
    check(lambda v: (np.nan_to_num(v), np.nan_to_num(v, nan=2.0)), nan)
    check(lambda v: np.nan_to_num(v), inf)
    for v in (complex(nan, -inf), complex(inf, 2.0), 1 - 1j, 3, True):
        check(lambda v: (np.nan_to_num(v), np.nan_to_num(v, nan=2.0, posinf=5.0)), v)


# ---- the mechanism -----------------------------------------------------------------------------

def test_an_unsupported_form_names_the_function_and_the_line():
    def f(a):
        return np.take(a, np.array([0]), mode="clip")
    with pytest.raises(errors.EmberError, match=r"np.take: out= or mode= is not supported") as got:
        jit(f)(np.ones(3))
    assert "test_np_pyimpl.py" in str(got.value)


def test_implementations_are_compiled_once_per_kind():
    from ember import _nplib
    impl = _nplib.IMPLS[np.isclose]
    check(isclose_arrays, NANS, NANS)
    before = len(impl._compiled)
    check(isclose_arrays, NANS + 1, NANS)
    assert len(impl._compiled) == before


# ---- assembling, copying, integrals --------------------------------------------------------------

def append_forms(a, b):
    return np.append(a, b), np.append(a, 2.5), np.append(b, a), np.append(b, [9.0, 8.0]), np.append(a, (1, 2))


def test_append():
    check(append_forms, sample("float64", (2, 3), 1), np.arange(4))


def copyto_form(dst, src):
    np.copyto(dst, src)
    return dst


@pytest.mark.parametrize("src", [np.arange(4.0), np.arange(12).reshape(3, 4), 7.5])
def test_copyto(src):
    check(copyto_form, np.zeros((3, 4)), src)


def delete_forms(a, i, idx):
    return np.delete(a, i), np.delete(a, idx)


@pytest.mark.parametrize("i", [0, 5, -1, -6])
def test_delete(i):
    check(delete_forms, sample("float64", (2, 3), 2), i, np.array([0, 2, -1]))


@pytest.mark.parametrize("i", [6, -7])
def test_delete_out_of_range_raises_index_error(i):
    check(delete_forms, sample("float64", (2, 3), 2), i, np.array([0]))


def insert_forms(a, i):
    return np.insert(a, i, 9.5), np.insert(a, i, np.array([1, 2])), np.insert(a, i, [7.0, 6.0]), np.insert(a, i, (3, 4))


@pytest.mark.parametrize("i", [0, 3, 6, -1, -6, 7])
def test_insert(i):
    check(insert_forms, sample("float64", (2, 3), 2), i)


def asfortran(a):
    f = np.asfortranarray(a)
    return f, f.flags.f_contiguous


def test_asfortranarray():
    check(asfortran, sample("float64", (3, 4), 3))
    check(asfortran, sample("int64", (5,), 3))


def insert_many(a, idx, v):
    return np.insert(a, idx, v), np.insert(a, [1, 3], 2.5), np.insert(a, idx, np.asarray(v))


@pytest.mark.parametrize("idx, v", [(np.array([0, 2]), 9.0), (np.array([5, 1, 1]), np.array([7.0, 8.0, 9.0])),
                                    (np.array([-1, 6]), 4.0), (np.array([2]), np.array([7.0, 8.0])),
                                    (np.array([0, 2], np.int32), 1), (np.array([7, 0]), 1.0)])
def test_insert_at_several_indices(idx, v):
    # NumPy's: each value before the element its index names in the array as given (any order,
    # negative from the end); one index inserts the values as a block; out of range: IndexError
    check(insert_many, np.arange(6.0), idx, v)
    check(insert_many, np.arange(6).reshape(2, 3), idx, v)


def trapezoid_forms(y, x):
    return np.trapezoid(y), np.trapezoid(y, x), np.trapezoid(y, dx=0.5), np.trapezoid(y, x=x)


@pytest.mark.parametrize("n", [0, 1, 2, 9])
def test_trapezoid(n):
    check(trapezoid_forms, sample("float64", (n,), 4), np.linspace(0.0, 2.0, n))


def trapezoid_axes(y, x0, x1):
    return (np.trapezoid(y), np.trapezoid(y, axis=0), np.trapezoid(y, dx=0.5, axis=1), np.trapezoid(y, x1),
            np.trapezoid(y, x0, axis=0), np.trapezoid(y, y * 2.0, axis=-2), np.trapezoid(y, x=None, axis=0))


@pytest.mark.parametrize("shape", [(3, 4), (1, 5), (4, 0), (2, 3)])
def test_trapezoid_along_an_axis(shape):
    y = sample("float64", shape, 5)
    check(trapezoid_axes, y, np.linspace(0.0, 2.0, shape[0]) ** 2, np.linspace(-1.0, 1.0, shape[1]), rtol=1e-12)
    y3 = sample("float64", (2, 3, 4), 6)
    check(lambda y: (np.trapezoid(y, axis=1), np.trapezoid(y)), y3, rtol=1e-12)
    with pytest.raises(errors.TypingError, match="axis 2 is out of bounds"):   # (NumPy: an IndexError)
        jit(lambda y: np.trapezoid(y, axis=2))(y)


def ediff(a):
    return np.ediff1d(a)


def test_ediff1d():
    check(ediff, sample("float64", (3, 4), 5))
    check(ediff, np.arange(1, dtype=np.int32))


def tri_indices_forms(n):
    return np.tril_indices(n), np.triu_indices(n), np.triu_indices(n, 1), np.tril_indices(n, -1, n + 1)


@pytest.mark.parametrize("n", [0, 1, 4])
def test_tril_triu_indices(n):
    check(tri_indices_forms, n)


@pytest.mark.parametrize("shape", [(3, 3), (2, 4), (4, 1), (0, 2)])
def test_tri_indices_from(shape):
    check(lambda a: (np.tril_indices_from(a), np.triu_indices_from(a, 1), np.tril_indices_from(a, k=-1)), np.ones(shape))


# ---- partitions and roots ------------------------------------------------------------------------

def partitions(a, k):
    p = np.partition(a, k)
    i = np.argpartition(a, k)
    return (p[k], np.all(p[:k] <= p[k]), np.all(p[k:] >= p[k]), a[i[k]], np.partition(a, np.array([0, k]))[k],
            np.partition(a, kth=k)[k], a[np.argpartition(a, kth=k)[k]])


@pytest.mark.parametrize("k", [0, 3, -1, 8, 9])
def test_partition_argpartition(k):
    # NumPy orders each side of kth as its selection algorithm leaves it: compared are the kth
    # element and the partition property; kth out of range raises ValueError as NumPy does
    check(partitions, np.array([5.0, 1, 4, 1, 9, 2, 6, nan, 3]), k)


def partition_rows(a, k):
    return np.partition(a, k)[..., k], np.partition(a[::2], k)[:, :k].max(axis=1) <= np.partition(a[::2], k)[:, k]


def test_partition_along_last_axis():
    check(partition_rows, sample("int64", (4, 6), 3), 2)


def argpartition_rows(a, k):
    i = np.argpartition(a, k)
    n = a.shape[a.ndim - 1]
    kk = k + n if k < 0 else k
    b = a.reshape((-1, n))
    j = i.reshape((-1, n))
    kth = np.empty(b.shape[0])
    ok = True
    for r in range(b.shape[0]):
        kth[r] = b[r, j[r, kk]]
        ok = ok and np.all(b[r][j[r, :kk]] <= kth[r]) and np.all(b[r][j[r, kk:]] >= kth[r])
        ok = ok and np.array_equal(np.sort(j[r]), np.arange(n))
    return i.shape, kth, ok


@pytest.mark.parametrize("shape, k", [((4, 7), 2), ((3, 5), -1), ((2, 3, 6), 4), ((2, 1), 0)])
def test_argpartition_along_the_last_axis(shape, k):
    # an array of more dimensions with an int kth: each lane selected as a 1-d one (kNN code's
    # np.argpartition(dist, k) per row); compared are the kth elements and the partition property
    check(argpartition_rows, sample("float64", shape, 8), k)


def partition_property(a, k):
    """What NumPy promises of np.partition and np.argpartition of a 1-d a around k: the kth
    element sorted into place, nothing greater before it, nothing smaller after it (NaN last),
    the same elements, and argpartition's indices a permutation giving that."""
    n = a.shape[0]
    kk = k + n if k < 0 else k
    p = np.partition(a, k)
    i = np.argpartition(a, k)
    s = np.sort(a)
    same = True
    q = np.sort(p)
    for j in range(n):
        same = same and (q[j] == s[j] or (q[j] != q[j] and s[j] != s[j]))
    seen = np.zeros(n, dtype=np.bool_)
    for j in range(n):
        seen[i[j]] = True
    before = True
    after = True
    for j in range(kk):
        before = before and not (p[j] > p[kk]) and (p[j] == p[j] or p[kk] != p[kk])
    for j in range(kk + 1, n):
        after = after and not (p[j] < p[kk])
    return p[kk], a[i[kk]], s[kk], before, after, same, seen.all()


@pytest.mark.parametrize("make", [
    lambda rng, n: rng.random(n),
    lambda rng, n: np.arange(float(n)),                       # sorted
    lambda rng, n: np.arange(float(n))[::-1].copy(),          # reversed
    lambda rng, n: rng.integers(0, 4, n).astype(np.float64),  # many ties
    lambda rng, n: np.where(rng.random(n) < 0.2, nan, rng.random(n)),
    lambda rng, n: rng.integers(-50, 50, n),
    lambda rng, n: rng.random(n).astype(np.float32),
], ids=["random", "sorted", "reversed", "ties", "nans", "int64", "float32"])
@pytest.mark.parametrize("n", [1, 2, 3, 17, 1000])
def test_partition_property(make, n):
    rng = np.random.default_rng(n)
    a = make(rng, n)
    for k in sorted({0, 1 % n, n // 2, n - 1, -1}):
        check(partition_property, a, k)


def roots(p):
    return np.roots(p)


@pytest.mark.parametrize("p", [[1.0, -3, 2], [0, 1.0, 0, -1, 0, 0], [1, 0, 1], [0.0, 0], [2.0], [1 + 1j, 2, 3]])
def test_roots(p):
    # always complex128 in compiled code (NumPy's dtype depends on whether every root is real)
    p = np.array(p)
    e, g = np.roots(p).astype(np.complex128), jit(roots)(p)
    assert g.dtype == np.complex128 and g.shape == e.shape

    def key(z):
        return sorted(z, key=lambda c: (round(c.real, 6), round(c.imag, 6)))
    np.testing.assert_allclose(key(g), key(e), atol=1e-12)


def test_partition_forms_not_taken_are_clear_errors():
    def f(a):
        return np.partition(a, 1, axis=0)
    with pytest.raises(errors.EmberError, match="np.partition: axis="):
        jit(f)(np.ones((3, 3)))


def ndenumerates(a):
    s = 0.0
    c = 0
    for idx, v in np.ndenumerate(a):
        s += idx[0] * v + idx[-1]
        c += 1
    return s, c


@pytest.mark.parametrize("a", [np.arange(24.0).reshape(2, 3, 4), np.arange(5), np.arange(6.0).reshape(2, 3).T, np.zeros((0, 3))],
                         ids=["3d", "1d", "F", "empty"])
def test_ndenumerate(a):
    check(ndenumerates, a)


def ndindexes(a):
    s = 0
    for pos in np.ndindex(a.shape):
        s += a[pos] * (pos[0] + 1)
    c = 0
    for i, j in np.ndindex(2, 3):
        c += i * 10 + j
    e = 0
    for p in np.ndindex((0, 2)):
        e += 1
    return s, c, e


@pytest.mark.parametrize("a", [np.arange(24).reshape(2, 3, 4), np.arange(5.0)], ids=["3d", "1d"])
def test_ndindex(a):
    check(ndindexes, a)


def method_forms(a, i):
    return a.round(1), a.round(), a.round(decimals=-1), a.take(i), a.ravel().argpartition(1)


def test_methods_of_numpy_functions():
    check_all(method_forms, [(np.array([[1.234, 25.67], [3.14159, -0.5]]), np.array([0, 3])),
                             (np.arange(6.0)[::-1].reshape(3, 2) * 1.55, np.array([-1, 2]))])


def round_into(p):
    o = np.empty_like(p)
    r = np.round(2 * p, 0, o)
    return r, o, np.round(p, 1, out=np.empty_like(p))


def test_round_into_out():
    # np.round(a, decimals, out): into out, which it returns (statsforecast's fourier)
    check(round_into, np.array([0.26, 1.5, 2.5, -0.75]))


def delete_listed(a, k):
    return np.delete(a, [k]), np.delete(a, (0, k))


def partition_listed(x):
    p = np.partition(x, [2, 3])
    return p[2], p[3], np.sort(np.argpartition(x, [1, 2])[:3])


def interp_listed(n, r, x):
    return np.interp(list(range(n)), [0, n - 1], [0 - r, n - r - 1]), np.interp(x, [0.0, 1.0], [2.0, 4.0])


def test_lists_where_numpy_takes_arrays():
    # a list or tuple of ints as np.delete's obj and np.partition's kth, lists as np.interp's x, xp
    # and fp (PaCMAP's sample_MN_pair, sktime's median/iqr and sakoe_chiba), as NumPy and Numba
    a = np.arange(6.0)
    check(delete_listed, a, 2)
    check(delete_listed, a, -1)
    check(partition_listed, np.array([5.0, 1.0, 4.0, 2.0, 3.0, 0.5]))
    check(interp_listed, 5, 1, np.array([0.25, 0.75]))


def frombuffer_forms(b):
    return np.frombuffer(b, dtype=np.uint8), np.frombuffer(b, np.int16), np.frombuffer(b, dtype=np.float32), np.frombuffer(b)


def test_frombuffer():
    # bytes (a read-only uint8 array in compiled code), a bytearray or a uint8 array, viewed as dtype
    b = np.arange(8, dtype=np.float32).tobytes()
    check(frombuffer_forms, b)
    check(frombuffer_forms, bytearray(b))
    check(frombuffer_forms, np.frombuffer(b, np.uint8).copy())
    got = jit(frombuffer_forms)(b)
    assert not got[0].flags.writeable and got[3].dtype == np.float64
