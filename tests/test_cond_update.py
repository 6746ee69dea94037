"""`if c: s += x` lowered as `s = s + (c ? x : -0.0)` (codegen/lower.c, branch_as_update).

The two are equal bit for bit: adding -0.0 (subtracting +0.0) leaves every float as it is, -0.0
and NaN included. Each case is compared with CPython exactly (repr of the float, so the sign of a
zero and NaN count), over data with NaN, infinities and signed zeros."""

import math

import numpy as np
import pytest

from difftest import ON_NUMBA, jit, no_leaks  # noqa: F401


def same(a, b):
    if isinstance(a, tuple):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b))
    if isinstance(a, float) or isinstance(b, float):
        return repr(float(a)) == repr(float(b))
    return a == b


def sum_above(a, t):
    s = 0.0
    for i in range(a.shape[0]):
        if a[i] > t:
            s += a[i]
    return s


def nan_skipping_mean(a):
    s = 0.0
    n = 0
    for i in range(a.shape[0]):
        x = a[i]
        if not math.isnan(x):
            s += x
            n += 1
    return s, n


def weighted_below(a, w, t):
    s = 1.0
    for i in range(a.shape[0]):
        x = a[i]
        if x < t:
            s -= x * w - 0.5
    return s


def from_negative_zero(a, t):
    s = -0.0
    for i in range(a.shape[0]):
        if a[i] > t:
            s += a[i]
    return s


def two_sums(a, b, t):
    s = 0.0
    q = 0.0
    for i in range(a.shape[0]):
        x = a[i]
        y = b[i]
        if x > t:
            s += x * y
            q -= -y
    return s, q


def other_element(a, b, t):
    # b[i] was not read before the test: read either way, from its place when i lies in b
    s = 0.0
    for i in range(a.shape[0]):
        if a[i] > t:
            s += b[i]
    return s


def if_else(a, t):
    s = 0.0
    for i in range(a.shape[0]):
        if a[i] > t:
            s += a[i]
        else:
            s -= 1.0
    return s


def with_tuple_index(m, t):
    s = 0.0
    for i in range(m.shape[0]):
        for j in range(m.shape[1]):
            if m[i, j] > t:
                s += m[i, j]
    return s


def masked_total(x, m):
    s = 0.0
    c = 0
    for i in range(x.shape[0]):
        if m[i]:
            c += 1
            s += 2.0 * x[i]
    return s, c


def masked_rows(x, m):
    s = 0.0
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            if not m[i, j]:
                s -= x[i, j] * 2.0
    return s


def shorter_array(x, m):
    # x may be shorter than m: x[i] is read only where m[i] holds, which the caller keeps in x
    s = 0.0
    for i in range(m.shape[0]):
        if m[i]:
            s += x[i]
    return s


def mirrored(x, m):
    s = 0.0
    for i in range(m.shape[0]):
        if m[i] > 0:
            s += x[-1 - i]
    return s


def int_index_array(x, idx, m):
    s = 0.0
    for k in range(m.shape[0]):
        i = idx[k]
        if m[k]:
            s += x[i]
    return s


SPECIAL = [np.nan, np.inf, -np.inf, -0.0, 0.0, 1e308, -1e308, 5e-324]


def data(n, seed, special=True):
    rng = np.random.default_rng(seed)
    a = rng.standard_normal(n)
    if special and n:
        k = rng.integers(0, n, size=min(n, 8))
        a[k] = np.array(SPECIAL)[: len(k)]
    return a


@pytest.mark.parametrize("n", [0, 1, 7, 64, 1001])
@pytest.mark.parametrize("special", [False, True])
@pytest.mark.parametrize("t", [-np.inf, 0.0, 0.5, np.nan])
def test_sum_above(n, special, t):
    a = data(n, n + 7, special)
    assert same(jit(sum_above)(a, t), sum_above(a, t))
    assert same(jit(from_negative_zero)(a, t), from_negative_zero(a, t))
    assert same(jit(if_else)(a, t), if_else(a, t))
    assert same(jit(other_element)(a, a[::-1].copy(), t), other_element(a, a[::-1].copy(), t))


@pytest.mark.parametrize("n", [0, 5, 300])
def test_nan_skipping(n):
    a = data(n, 3)
    a[::3] = np.nan
    assert same(jit(nan_skipping_mean)(a), nan_skipping_mean(a))


@pytest.mark.parametrize("w", [0.25, -3.0, np.inf])
def test_subtracting(w):
    a = data(200, 4)
    assert same(jit(weighted_below)(a, w, 0.1), weighted_below(a, w, 0.1))


def test_two_sums_and_tuples():
    a, b = data(500, 5), data(500, 6)
    assert same(jit(two_sums)(a, b, 0.2), two_sums(a, b, 0.2))
    m = data(60, 8).reshape(6, 10)
    assert same(jit(with_tuple_index)(m, 0.0), with_tuple_index(m, 0.0))


@pytest.mark.skipif(ON_NUMBA, reason="ember's code")
def test_sums_vectorise():
    def ir(fn, *args):
        f = jit(fn)
        f(*args)
        return "\n".join(f.inspect_llvm().values())
    a = data(100, 9)
    # the update is an in-order vector reduction now; a branch to an unread element stays
    assert "llvm.vector.reduce.fadd" in ir(sum_above, a, 0.0)
    assert "llvm.vector.reduce.fadd" in ir(nan_skipping_mean, a)
    assert "llvm.vector.reduce.fadd" in ir(masked_total, a, a > 0.0)
    assert "llvm.vector.reduce.fadd" in ir(with_tuple_index, a.reshape(10, 10), 0.0)   # merged loops too


@pytest.mark.parametrize("n", [0, 1, 7, 64, 1001])
@pytest.mark.parametrize("special", [False, True])
def test_masked_sums(n, special):
    x = data(n, n + 11, special)
    m = np.random.default_rng(n).random(n) < 0.5
    assert same(jit(masked_total)(x, m), masked_total(x, m))
    assert same(jit(mirrored)(x, m.astype(np.int64)), mirrored(x, m.astype(np.int64)))
    x2 = data(4 * n, n + 12, special).reshape(n, 4)
    m2 = np.random.default_rng(n + 1).random((n, 4)) < 0.3
    assert same(jit(masked_rows)(x2, m2), masked_rows(x2, m2))


@pytest.mark.parametrize("k", [0, 1, 5, 4096])
def test_element_read_only_where_it_exists(k):
    # the mask holds only where x has the element: the read made either way must not leave x
    # (an empty x too, whose data may be NULL), and gives CPython's sum
    m = np.zeros(k + 5000, dtype=np.bool_)
    m[: k : 2] = True
    x = data(k, k + 3)
    assert same(jit(shorter_array)(x, m), shorter_array(x, m))
    idx = np.arange(k + 5000) % max(k, 1) if k else np.zeros(5000, dtype=np.int64)
    idx[k:] = 10 ** 12   # far out of x: read only where the mask is False
    m2 = np.zeros(k + 5000, dtype=np.bool_)
    m2[:k] = True
    assert same(jit(int_index_array)(x, idx, m2), int_index_array(x, idx, m2))


@pytest.mark.skipif(ON_NUMBA, reason="ember's boundscheck option")
def test_boundscheck_still_raises_only_when_read():
    from ember import njit
    f = njit(boundscheck=True)(shorter_array)
    m = np.zeros(10, dtype=np.bool_)
    m[:3] = True
    x = np.arange(3.0)
    assert f(x, m) == 3.0
    m[7] = True
    with pytest.raises(IndexError):
        f(x, m)


def csr_rows_skipping_diagonal(indptr, indices, data, x):
    out = np.empty(indptr.shape[0] - 1)
    for i in range(out.shape[0]):
        s = -0.0
        for k in range(indptr[i], indptr[i + 1]):
            j = indices[k]
            if j != i:
                s -= data[k] * x[j]
        out[i] = s
    return out


@pytest.mark.parametrize("special", [False, True])
def test_gathered_reads_keep_the_branch(special):
    # x[j] with j read from an array: a gather, so the update stays under its branch (the select
    # form slowed CSR sweeps 2x); CPython's values, signed zeros and NaN included
    rng = np.random.default_rng(5)
    n = 300
    indptr = np.concatenate(([0], np.cumsum(rng.integers(0, 6, n)))).astype(np.int32)
    indices = rng.integers(0, n, indptr[-1]).astype(np.int32)
    indices[::7] = np.repeat(np.arange(n), np.diff(indptr))[::7]   # some diagonal entries
    data_ = data(indptr[-1], 77, special)
    x = data(n, 78, special)
    got, want = jit(csr_rows_skipping_diagonal)(indptr, indices, data_, x), csr_rows_skipping_diagonal(indptr, indices, data_, x)
    assert [repr(v) for v in got] == [repr(v) for v in want]
