"""np.linalg and products for float32, float64, complex64 and complex128, compiled vs NumPy:
@ / np.dot / np.matmul through BLAS (stacks of matrices broadcast as in NumPy, N-d np.dot summing
over a's last and b's second-to-last axis), solve inv det
slogdet cholesky eig eigvals eigh eigvalsh svd qr lstsq pinv matrix_rank matrix_power,
norm(axis=), stacks of matrices for inv det cholesky eigvals eigvalsh pinv matrix_rank
svd(compute_uv=False), einsum (two-operand contractions with one batch/row/column/summed subscript each
through BLAS, any other subscripts as loops). Where a result is not
unique (the signs and phases of eigenvectors and singular vectors, QR's signs) the tests
check properties instead: A v = w v, U S Vh = A, Q R = A, Q orthonormal.

Differences from NumPy: slogdet/eigh/svd/qr give plain tuples (NumPy: named tuples); an
integer matrix to a negative power raises ValueError (NumPy gives the float inverse's power); eig
and eigvals of a real matrix with complex eigenvalues raise ValueError (as numba; NumPy returns
complex arrays, a dtype that depends on the values)."""

import numpy as np
import pytest

from difftest import ON_NUMBA, check, check_all, errors, jit, layouts, no_leaks, sample  # noqa: F401

pytestmark = pytest.mark.skipif(ON_NUMBA, reason="ember's np.linalg set (numba's differs)")

DTYPES = ["float32", "float64", "complex64", "complex128"]


def tol(dtype):
    return {"rtol": 2e-4, "atol": 2e-4} if dtype in ("float32", "complex64") else {"rtol": 1e-9, "atol": 1e-10}


def well_conditioned(dtype, n, seed=0):
    a = sample(dtype, (n, n), seed) / 10 + 3 * np.eye(n, dtype=dtype)
    return a.astype(dtype)


def hermitian_pd(dtype, n, seed=0):
    a = sample(dtype, (n, n), seed) / 10
    return (a @ a.conj().T + n * np.eye(n)).astype(dtype)


# ------------------------------------------------------------------ products


def products(a, b, v):
    return a @ b, np.dot(a, b), np.matmul(a, v), v @ a, np.dot(v, v)


@pytest.mark.parametrize("dtype", DTYPES + ["int32"])
def test_products(dtype):
    a, b, v = sample(dtype, (4, 5)), sample(dtype, (5, 3), 1), sample(dtype, (5,), 2)
    va = [x for _, x in layouts(a)]
    vb = [x for _, x in layouts(b)]
    vv = [x for _, x in layouts(v, ("C", "reversed", "strided"))] + [v]
    check_all(lambda a, b, v: (a @ b, np.dot(a, b), a @ v), [(x, y, z) for x, y, z in zip(va, vb, vv)], **tol(dtype))
    check(lambda a, v: (v @ a.T, np.dot(v, v)), a, v, **tol(dtype))
    check(lambda a, b: a @ b, np.zeros((0, 3), dtype), np.zeros((3, 2), dtype))
    check(lambda a, b: a @ b, np.zeros((2, 0), dtype), np.zeros((0, 2), dtype))


def test_mixed_dtype_products():
    check(lambda a, b: a @ b, sample("float32", (3, 4)), sample("float64", (4, 2)))
    check(lambda a, b: a @ b, sample("int64", (3, 4)), sample("complex64", (4, 2)), rtol=1e-5)
    check(lambda a, b: a @ b, sample("float32", (3, 4)), sample("float32", (3, 2)))   # ValueError


def stacked(a, b):
    return a @ b, np.matmul(a, b)


@pytest.mark.parametrize("dtype", ["int64"] + DTYPES)
def test_matmul_stacks(dtype):
    cases = [((2, 3, 4), (4, 5)), ((2, 3, 4), (2, 4, 5)), ((2, 1, 3, 4), (3, 4, 2)), ((3, 4), (2, 4, 5)),
             ((2, 3, 4), (4,)), ((4,), (2, 4, 5)), ((0, 3, 4), (4, 2)), ((2, 3, 0), (2, 0, 1)),
             ((3, 16, 16), (3, 16, 16)), ((2, 16, 17), (2, 17, 3))]
    check_all(stacked, [(sample(dtype, sa), sample(dtype, sb, 1)) for sa, sb in cases], **tol(dtype))
    x = sample(dtype, (2, 3, 4))
    check(stacked, np.swapaxes(x, 1, 2), sample(dtype, (3, 2)), **tol(dtype))


# products with m*k*n <= 512 run in generated code (codegen/lower_smallmm.c), larger ones through
# BLAS: shapes on both sides of the limit, every layout of each operand, all four float dtypes
SMALL = [((5, 3, 3), (5, 3, 4)), ((2, 1, 1), (2, 1, 1)), ((2, 7, 9), (2, 9, 17)), ((3, 8, 8), (3, 8, 8)),
         ((2, 8, 8), (2, 8, 9)), ((4, 3, 33), (4, 33, 5)), ((2, 0, 3), (2, 3, 4)), ((2, 3, 0), (2, 0, 4))]


@pytest.mark.parametrize("dtype", DTYPES)
def test_small_products(dtype):
    cases = []
    for sa, sb in SMALL:
        a, b = sample(dtype, sa), sample(dtype, sb, 1)
        cases += [(la, b) for _, la in layouts(a)] + [(a, lb) for _, lb in layouts(b)]
    check_all(stacked, cases, **tol(dtype))
    check_all(lambda a, b: a @ b, [(sample(dtype, (7, 9)), sample(dtype, (9, 8), 1)), (sample(dtype, (3, 4)).T, sample(dtype, (3, 5)))],
              **tol(dtype))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_small_products_bit_equal(dtype):
    """Real small products add a[i, p] * b[p, j] in p order with fused multiply-adds: NumPy's
    own loop for operands BLAS cannot take (b strided), bit for bit."""
    rng = np.random.default_rng(5)
    a = rng.standard_normal((40, 3, 3)).astype(dtype)
    b = rng.standard_normal((40, 3, 8)).astype(dtype)[..., ::2]
    got = jit(stacked)(a, b)
    assert np.array_equal(got[0], a @ b) and np.array_equal(got[1], np.matmul(a, b))


def own_transpose(a):
    return a @ a.T, np.dot(a, a.T), a.T @ a, np.matmul(a, a.T)


def test_product_with_own_transpose_bit_equal():
    """A @ A.T through BLAS is ?syrk and a mirrored half, as NumPy's dot and matmul compute it: bit
    for bit, exactly symmetric, for row-major, column-major and row-strided A, and in np.cov."""
    a = np.random.default_rng(6).standard_normal((12, 300))
    for x in (a, np.asfortranarray(a), a[::2]):
        for got, want in zip(jit(own_transpose)(x), own_transpose(x)):
            assert np.array_equal(got, want) and np.array_equal(got, got.T)
    assert np.array_equal(jit(lambda m: np.cov(m))(a), np.cov(a))
    check(lambda a: a @ a, a[:, :12])   # the same memory but not its transpose: ?gemm


def dots_nd(a, b, v):
    return np.dot(a, b), np.dot(a, v), np.dot(v, b)


@pytest.mark.parametrize("dtype", ["int64"] + DTYPES)
def test_dot_nd(dtype):
    cases = [((2, 3, 4), (2, 4, 5)), ((3, 4), (6, 4, 2)), ((2, 1, 3, 4), (2, 4, 3)), ((0, 2, 4), (4, 1))]
    check_all(dots_nd, [(sample(dtype, sa), sample(dtype, sb, 1), sample(dtype, (4,), 2)) for sa, sb in cases], **tol(dtype))
    check(dots_nd, np.swapaxes(sample(dtype, (2, 4, 3)), 1, 2), sample(dtype, (3, 4, 2), 1)[:, :, ::-1], sample(dtype, (4,)),
          **tol(dtype))
    check(lambda a, b: np.dot(a, b), np.ones((2, 3, 4), dtype), np.ones((2, 3, 4), dtype))   # ValueError: not aligned


def test_matmul_stack_errors():
    check(stacked, np.ones((2, 3, 4)), np.ones((3, 4, 5)))   # batch dims do not broadcast
    check(stacked, np.ones((2, 3, 4)), np.ones((2, 3, 5)))   # core mismatch


# ------------------------------------------------------------------ solve, inv, det


def solves(a, b, v):
    s, l = np.linalg.slogdet(a)
    return np.linalg.solve(a, b), np.linalg.solve(a, v), np.linalg.inv(a), np.linalg.det(a), s, l


@pytest.mark.parametrize("dtype", DTYPES)
def test_solve_inv_det(dtype):
    a = well_conditioned(dtype, 4)
    check_all(solves, [(x, sample(dtype, (4, 2), 1), sample(dtype, (4,), 2)) for _, x in layouts(a)], **tol(dtype))
    check(solves, np.eye(1, dtype=dtype), np.ones((1, 1), dtype), np.ones(1, dtype), **tol(dtype))


def test_det_of_ints_and_singular():
    check(lambda a: (np.linalg.det(a), np.linalg.slogdet(a)[0]), np.array([[1, 2], [3, 4]]))
    check(lambda a: np.linalg.det(a), np.ones((3, 3), np.float32))
    check(lambda a: np.linalg.slogdet(a)[1], np.ones((3, 3), np.complex64))


@pytest.mark.parametrize("dtype", ["float32", "complex128"])
def test_linalg_errors(dtype):
    check(lambda a: np.linalg.inv(a), np.ones((3, 3), dtype))                   # singular
    check(lambda a: np.linalg.inv(a), np.ones((3, 2), dtype))                   # not square
    check(lambda a, b: np.linalg.solve(a, b), np.eye(3, dtype=dtype), np.ones(2, dtype))
    check(lambda a: np.linalg.cholesky(a), -np.eye(3, dtype=dtype))             # not positive definite


# ------------------------------------------------------------------ small systems
# Real systems up to 16 x 16 are solved in the runtime rather than by LAPACK's ?gesv, and a
# matrix with a pivot near zero is handed to ?gesv, so singular ones raise as in NumPy.


def solve_inv(a, b, v):
    return np.linalg.solve(a, b), np.linalg.solve(a, v), np.linalg.inv(a)


def needs_pivots(dtype, n, seed):
    """A matrix whose rows are out of order: every column's pivot is below the diagonal."""
    rng = np.random.default_rng(seed)
    return (well_conditioned(dtype, n, seed)[::-1] + rng.standard_normal((n, n)) / 4).astype(dtype)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 16, 17])
def test_small_systems_every_size(dtype, n):
    """Each size up to the limit and one past it (LAPACK), every layout of a and b, b of 1, 16 and
    35 columns (the runtime solves 16 at a time)."""
    a = needs_pivots(dtype, n, n)
    for _, x in layouts(a):
        for k in (1, 16, 35):
            check(solve_inv, x, layouts(sample(dtype, (n, k), k))[-1][1], sample(dtype, (n,), 2), **tol(dtype))


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_small_systems_stacked(dtype):
    a = np.stack([needs_pivots(dtype, 4, s) for s in range(6)]).reshape(2, 3, 4, 4)
    check(solve_inv, a, sample(dtype, (2, 3, 4, 2), 1), sample(dtype, (4,), 2), **tol(dtype))
    check(solve_inv, np.swapaxes(a, 2, 3), sample(dtype, (3, 4, 5), 1)[:, :, ::2], sample(dtype, (4,), 2), **tol(dtype))


SINGULAR = [np.arange(1.0, 10).reshape(3, 3), np.arange(1.0, 17).reshape(4, 4), np.arange(16.0).reshape(4, 4) ** 2,
            np.ones((5, 5)), np.outer(np.arange(1.0, 8), np.arange(2.0, 9)), np.array([[1, 2], [2, 4.0]]),
            np.array([[0, 0], [0, 1.0]]), np.array([[np.nan, 1], [1, 1]]), np.array([[np.inf, 1], [1, 1]]),
            np.array([[1e-310, 1], [1, 1]]), np.add.outer(np.arange(8.0), np.arange(8.0)), np.zeros((16, 16))]


def det_slogdet(a):
    sign, logdet = np.linalg.slogdet(a)
    return np.linalg.det(a), sign, logdet


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("m", SINGULAR, ids=range(len(SINGULAR)))
def test_small_singular_as_numpy(dtype, m):
    """Singular by LAPACK's rounding (np.arange(1., 10).reshape(3, 3) has no exactly zero pivot in
    another order of summation), NaN, inf, a subnormal pivot: LinAlgError exactly when NumPy
    raises it, alone and in the middle of a stack; det and slogdet as NumPy's."""
    m = m.astype(dtype)
    ones = np.ones(len(m), dtype)
    with np.errstate(all="ignore"):
        check(lambda a, b: (np.linalg.inv(a), np.linalg.solve(a, b)), m, ones)
        check(lambda a: np.linalg.inv(a), np.stack([np.eye(len(m), dtype=dtype), m, np.eye(len(m), dtype=dtype)]))
        check(det_slogdet, m, **tol(dtype))


@pytest.mark.parametrize("dtype", DTYPES)
def test_small_det_is_numpys(dtype):
    """det and slogdet keep LAPACK's factors, float32 and complex64 computed in float64 and
    complex128 and rounded as NumPy computes them: NumPy's results bit for bit."""
    rng = np.random.default_rng(3)
    f = jit(det_slogdet)
    for n in (1, 2, 3, 4, 7, 16, 17):
        a = rng.standard_normal((5, n, n)) + (1j * rng.standard_normal((5, n, n)) if "complex" in dtype else 0)
        a = a.astype(dtype)
        det, sign, logdet = f(a)
        want = np.linalg.slogdet(a)
        assert np.array_equal(det, np.linalg.det(a)) and np.array_equal(sign, want[0]) and np.array_equal(logdet, want[1])


def rank_deficient(n, rank, seed):
    rng = np.random.default_rng(seed)
    return (rng.integers(-3, 4, (n, rank)) @ rng.integers(-3, 4, (rank, n))).astype(float)


@pytest.mark.parametrize("dtype", ["float32", "complex64"])
def test_narrow_dtypes_solved_as_numpy(dtype):
    """NumPy solves float32 and complex64 systems in float64 and complex128 and rounds: so does
    ember. In the narrow dtype LAPACK's verdict on these rank-deficient integer matrices differs
    from NumPy's: solve gave answers near 1e6 where NumPy raises LinAlgError, or raised where
    NumPy gives an answer."""
    # each case is one where ?sgesv/?cgesv's verdict in the narrow dtype differs from NumPy's
    cases = [(13, 6, 1), (13, 6, 3), (13, 6, 6)] if dtype == "float32" else [(9, 4, 0), (9, 4, 1), (9, 4, 4)]
    for n, rank, seed in cases:
        a = rank_deficient(n, rank, seed).astype(dtype)
        check(lambda a, b: np.linalg.solve(a, b), a, np.ones((n, 2), dtype))
        check(lambda a: np.linalg.inv(a), np.stack([a, a]))
    a = needs_pivots("float64", 6, 4).astype(dtype)
    check(solve_inv, a, sample(dtype, (6, 3), 1), sample(dtype, (6,), 2), rtol=2e-6, atol=1e-6)


def cholesky_eigh(h):
    w, v = np.linalg.eigh(h)
    return np.linalg.cholesky(h), w, v, np.linalg.eigvalsh(h, UPLO="U")


def svd_qr(a):
    u, s, vh = np.linalg.svd(a)
    ur, sr, vhr = np.linalg.svd(a, full_matrices=False)
    q, r = np.linalg.qr(a)
    return u, s, vh, ur, sr, vhr, np.linalg.svd(a, compute_uv=False), q, r


@pytest.mark.parametrize("dtype", ["float32", "complex64"])
def test_narrow_decompositions_are_numpys(dtype):
    """cholesky, eigh, svd, qr, eig and lstsq of float32 and complex64 also compute in float64
    and complex128, as NumPy's: the results are NumPy's bit for bit, alone and in stacks."""
    f, g = jit(cholesky_eigh), jit(svd_qr)
    for n in (1, 3, 8, 20):
        h = np.stack([hermitian_pd(dtype, n, s) for s in range(3)])
        for x in (h[0], h):
            got, want = f(x), cholesky_eigh(x)
            assert all(a.dtype == b.dtype and np.array_equal(a, b) for a, b in zip(got, want)), (n, x.ndim)
    for shape in ((3, 5), (6, 4), (2, 7, 7)):
        a = sample(dtype, shape, len(shape))
        got, want = g(a), svd_qr(a)
        assert all(x.dtype == y.dtype and np.array_equal(x, y) for x, y in zip(got, want)), shape
    h = hermitian_pd(dtype, 5, 7)
    w, v = jit(lambda a: np.linalg.eig(a))(h)
    assert all(x.dtype == y.dtype and np.array_equal(x, y) for x, y in zip((w, v), np.linalg.eig(h)))
    a, b = sample(dtype, (8, 3), 1), sample(dtype, (8, 2), 2)
    x, res, rank, sv = jit(lambda a, b: np.linalg.lstsq(a, b))(a, b)
    want = np.linalg.lstsq(a, b)
    assert all(np.array_equal(p, q) and p.dtype == q.dtype for p, q in ((x, want[0]), (res, want[1]), (sv, want[3])))
    assert rank == want[2]


# ------------------------------------------------------------------ decompositions


def cholesky(a):
    l = np.linalg.cholesky(a)
    return l, l @ l.conj().T


@pytest.mark.parametrize("dtype", DTYPES)
def test_cholesky(dtype):
    check_all(cholesky, [(x,) for _, x in layouts(hermitian_pd(dtype, 4))], **tol(dtype))


def eigh_props(a):
    w, v = np.linalg.eigh(a)
    wu, vu = np.linalg.eigh(a, UPLO="U")
    eye = np.eye(a.shape[0])
    return (w, np.linalg.eigvalsh(a), np.linalg.eigvalsh(a, "U"), np.abs(a @ v - v * w).max() < 1e-3,
            np.abs(v.conj().T @ v - eye).max() < 1e-3, np.abs(a @ vu - vu * wu).max() < 1e-3)


@pytest.mark.parametrize("dtype", DTYPES)
def test_eigh(dtype):
    check_all(eigh_props, [(x,) for _, x in layouts(hermitian_pd(dtype, 5))], **tol(dtype))


def svd_props(a):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    uf, sf, vhf = np.linalg.svd(a)
    k = s.shape[0]
    return (s, np.linalg.svd(a, compute_uv=False), uf.shape, vhf.shape, (u * s) @ vh,
            np.abs(uf.conj().T @ uf - np.eye(uf.shape[0])).max() < 1e-3, np.abs(vh @ vh.conj().T - np.eye(k)).max() < 1e-3)


@pytest.mark.parametrize("dtype", DTYPES)
def test_svd(dtype):
    check_all(svd_props, [(sample(dtype, s),) for s in ((4, 3), (3, 5), (1, 1))] + [(x,) for _, x in layouts(sample(dtype, (3, 3)))],
              **tol(dtype))


def qr_props(a):
    q, r = np.linalg.qr(a)
    k = q.shape[1]
    return q.shape, r.shape, q @ r, np.abs(q.conj().T @ q - np.eye(k)).max() < 1e-3, np.abs(np.tril(r, -1)).max() == 0, \
        np.abs(np.linalg.qr(a, mode="r")).sum() > 0


@pytest.mark.parametrize("dtype", DTYPES)
def test_qr(dtype):
    check_all(qr_props, [(sample(dtype, s),) for s in ((5, 3), (3, 5), (4, 4))], **tol(dtype))


def pinv_rank(a):
    return np.linalg.pinv(a), np.linalg.matrix_rank(a), np.linalg.matrix_rank(a, 1e-9)


@pytest.mark.parametrize("dtype", DTYPES)
def test_pinv_matrix_rank(dtype):
    low = (sample(dtype, (5, 2)) @ sample(dtype, (2, 4), 1)).astype(dtype)   # rank 2
    check_all(pinv_rank, [(sample(dtype, (4, 3)),), (sample(dtype, (3, 4)),)], **tol(dtype))
    # rank-deficient: the noise singular values must be cut off for a stable pseudo-inverse
    check(lambda a: (np.linalg.pinv(a, 1e-3), np.linalg.matrix_rank(a)), low, **tol(dtype))
    check(lambda a: np.linalg.pinv(a, 0.5), sample(dtype, (3, 3)), **tol(dtype))


def powers(a, n):
    return np.linalg.matrix_power(a, n)


@pytest.mark.parametrize("dtype", ["int64", "int8"] + DTYPES)
def test_matrix_power(dtype):
    a = (sample(dtype, (3, 3)) % 3).astype(dtype) if dtype.startswith("int") else well_conditioned(dtype, 3) / 3
    ns = (0, 1, 2, 3, 4, 7, 10) + ((-1, -2, -5) if not dtype.startswith("int") else ())
    check_all(powers, [(a, n) for n in ns], **tol(dtype))
    check(powers, np.ones((2, 3), dtype), 2)   # not square: LinAlgError


# ------------------------------------------------------------------ compile-time errors


@pytest.mark.parametrize("fn, args, what", [
    (lambda a: np.linalg.inv(a), (np.ones(3),), "2-d"),
    (lambda a, b: np.dot(a, b), (np.ones((2, 2, 2)), 2.0), "not supported"),
    (lambda a, c: np.linalg.svd(a, compute_uv=c), (np.ones((2, 2)), True), "constant"),
    (lambda a: np.linalg.qr(a, mode="complete"), (np.ones((2, 2)),), "mode"),
    (lambda a: np.linalg.eigh(a, "X"), (np.ones((2, 2)),), "UPLO"),
    (lambda a: np.linalg.matrix_power(a, 1.5), (np.ones((2, 2)),), "integer"),
])
def test_compile_errors(fn, args, what):
    with pytest.raises((errors.TypingError, errors.UnsupportedError)) as info:
        jit(fn)(*args)
    text = str(info.value)
    assert "test_np_linalg.py:" in text and "^" in text and what in text, text


def eig_props(a):
    w, v = np.linalg.eig(a)
    return np.abs(a @ v - v * w).max() < 1e-3, np.sort(np.linalg.eigvals(a).real), np.abs(w).sum()


@pytest.mark.parametrize("dtype", DTYPES)
def test_eig(dtype):
    sym = hermitian_pd(dtype, 4) if dtype.startswith("float") else sample(dtype, (4, 4))   # real: real eigenvalues
    check_all(eig_props, [(x,) for _, x in layouts(sym)], **tol(dtype))


def test_eig_domain_change():
    check(lambda a: np.linalg.eigvals(a).shape, np.array([[0.0, 1.0], [2.0, 0.0]]))
    with pytest.raises(ValueError, match="domain change"):
        jit(lambda a: np.linalg.eigvals(a))(np.array([[0.0, -1.0], [1.0, 0.0]]))


def lstsqs(a, b, y):
    return np.linalg.lstsq(a, b), np.linalg.lstsq(a, y), np.linalg.lstsq(a, b, rcond=1e-3)[0]


@pytest.mark.parametrize("dtype", DTYPES)
def test_lstsq(dtype):
    check_all(lstsqs, [(sample(dtype, s), sample(dtype, (s[0], 2), 1), sample(dtype, (s[0],), 2)) for s in ((6, 3), (3, 5), (4, 4))],
              **tol(dtype))
    check(lstsqs, np.ones((4, 2), dtype), np.ones((4, 2), dtype), np.arange(4).astype(dtype), **tol(dtype))   # rank 1
    check(lambda a, b: np.linalg.lstsq(a, b)[0], np.ones((4, 2), dtype), np.ones(3, dtype))   # LinAlgError


def norms_axis(x):
    return (np.linalg.norm(x, axis=0), np.linalg.norm(x, axis=-1), np.linalg.norm(x, 1, 0), np.linalg.norm(x, np.inf, 1),
            np.linalg.norm(x, -np.inf, axis=0), np.linalg.norm(x, 0, 1), np.linalg.norm(x, 3, axis=1), np.linalg.norm(x[0], axis=0))


def test_norm_axis():
    check_all(norms_axis, [(v,) for _, v in layouts(sample("float64", (4, 5)))] + [(sample("int32", (3, 2)),)])


# ------------------------------------------------------------------ einsum


def ein2(spec):
    return {"ij,jk->ik": lambda a, b: np.einsum("ij,jk->ik", a, b), "ij,jk": lambda a, b: np.einsum("ij,jk", a, b),
            "ij,kj->ik": lambda a, b: np.einsum("ij,kj->ik", a, b.T), "ij,j->i": lambda a, b: np.einsum("ij,j->i", a, b[:, 0]),
            "i,i->": lambda a, b: np.einsum("i,i->", a[0], b[:, 0]), "i,j->ij": lambda a, b: np.einsum("i,j->ij", a[0], b[0]),
            "ij,ij->ij": lambda a, b: np.einsum("ij,ij->ij", a, b.T), "ij,jk->ki": lambda a, b: np.einsum("ij,jk->ki", a, b)}[spec]


@pytest.mark.parametrize("dtype", ["int32", "float32", "float64", "complex128"])
@pytest.mark.parametrize("spec", ["ij,jk->ik", "ij,jk", "ij,kj->ik", "ij,j->i", "i,i->", "i,j->ij", "ij,ij->ij", "ij,jk->ki"])
def test_einsum_two_operands(spec, dtype):
    a, b = sample(dtype, (3, 4)), sample(dtype, (4, 3), 1)
    check_all(ein2(spec), [(x, y) for (_, x), (_, y) in zip(layouts(a), layouts(b)[::-1])], **tol(dtype))


def einsum_one_and_three(s, t, a, b):
    return (np.einsum("ii->i", s), np.einsum("ii", s), np.einsum("ij->ji", a), np.einsum("ij->", a), np.einsum("ij->j", a),
            np.einsum("bij,bjk->bik", t, np.swapaxes(t, 1, 2)), np.einsum("bij,bjk->kib", t, np.swapaxes(t, 1, 2)),
            np.einsum("ijk,ikl->jl", t, np.swapaxes(t, 1, 2)), np.einsum("ij,jk,kl->il", a, b, a))


def test_einsum_forms():
    check(einsum_one_and_three, sample("float64", (4, 4)), sample("float64", (2, 3, 4)), sample("float64", (3, 4)),
          sample("float64", (4, 3), 1))
    check(lambda a, b: np.einsum("ij,jk->ik", a, b), np.ones((2, 3)), np.ones((4, 2)))   # ValueError: sizes differ


def einsum_fn(spec, nops):
    """A function of nops operands returning np.einsum(spec, ...): the subscripts a constant."""
    names = ", ".join(f"x{i}" for i in range(nops))
    ns = {"np": np}
    exec(f"def f({names}):\n    return np.einsum({spec!r}, {names})\n", ns)
    return ns["f"]


ONE_OPERAND_SUMS = {"ij->i": (2, (1,)), "ij->j": (2, (0,)), "ij->": (2, (0, 1)), "ijk->ik": (3, (1,)),
                    "ijk->i": (3, (1, 2)), "ijk->ki": (3, (1,)), "ijk->": (3, (0, 1, 2)), "ijk->kj": (3, (0,))}


@pytest.mark.parametrize("dtype", ["int32", "int64", "float32", "float64", "complex64", "complex128"])
@pytest.mark.parametrize("spec", list(ONE_OPERAND_SUMS))
def test_einsum_one_operand_sums(spec, dtype):
    """One operand with summed letters is np.sum over them in the operand's dtype: NumPy's values,
    and the bits of the compiled np.sum(a, axis, dtype) whatever the layout (the same walks)."""
    nd, axes = ONE_OPERAND_SUMS[spec]
    a = sample(dtype, (5, 7, 130)[-nd:] if nd == 2 else (5, 7, 130))
    f = einsum_fn(spec, 1)
    check_all(f, [(v,) for _, v in layouts(a)], **tol(dtype))
    ns = {"np": np}
    exec(f"def s(a):\n    return np.sum(a, axis={axes[0] if len(axes) == 1 else axes}, dtype=np.{dtype})\n", ns)
    g, s = jit(f), jit(ns["s"])
    out = spec.split("->")[1]
    kept = [c for c in spec.split("->")[0] if c in out]
    for _, v in layouts(a):
        got, want = g(v), s(v)
        if out:
            want = np.transpose(want, [kept.index(c) for c in out])
            assert got.dtype == want.dtype, (spec, dtype)
        assert np.array_equal(got, want), (spec, dtype)
    check(f, np.zeros((0, 3, 2)[-nd:], dtype))


@pytest.mark.parametrize("dtype", ["int32", "float32", "float64", "complex128"])
@pytest.mark.parametrize("spec", ["ij,ij->i", "ij,ij->", "ij,ij->j", "ijk,ik->ij", "ij,ji->", "ii->i", "iij->j", "ii->",
                                  "i,j,k->ijk", "ij,jk,kl->il", "ik,jk->ij"])
def test_einsum_loops(spec, dtype):
    """Subscripts not of the sum or matrix-product forms: a loop per output element, summed in a
    register (pairwise over the last summed letter for floats), against NumPy in every layout."""
    ins = spec.split("->")[0].split(",")
    dims = {"i": 4, "j": 5, "k": 3, "l": 2}
    if any(len(set(s)) < len(s) for s in ins):
        dims = {c: 4 for c in dims}
    ops = [sample(dtype, tuple(dims[c] for c in s), n) for n, s in enumerate(ins)]
    f = einsum_fn(spec, len(ops))
    cases = [tuple(vs) for vs in zip(*[[v for _, v in layouts(x)] for x in ops])]
    check_all(f, cases, **tol(dtype))
    check(f, *[np.zeros(tuple(0 if c == "i" else dims[c] for c in s), dtype) for s in ins])


def test_einsum_outer_product_signed_zero():
    """Nothing summed: each product stored once, added to +0.0 as NumPy adds to its zeroed output."""
    v, w = np.array([-0.0, 1.0, -2.0]), np.array([1.0, -0.0])
    got, want = jit(einsum_fn("i,j->ij", 2))(v, w), np.einsum("i,j->ij", v, w)
    assert np.array_equal(got, want) and np.array_equal(np.signbit(got), np.signbit(want))


def test_einsum_permutation_is_a_view():
    """One operand with its dimensions reordered: a view of it, as NumPy's einsum returns."""
    def f(a):
        v = np.einsum("ijk->kij", a)
        v[1, 0, 2] = -1.0
        return v

    a = sample("float64", (2, 3, 4))
    want_a, got_a = a.copy(), a.copy()
    want, got = f(want_a), jit(f)(got_a)
    assert np.array_equal(got, want) and np.array_equal(got_a, want_a) and np.shares_memory(got, got_a)
    check(einsum_fn("ij->ij", 1), sample("int32", (3, 4)))


@pytest.mark.parametrize("fn, args, what", [
    (lambda a: np.einsum("ij,jk->ik", a, a > 0), (np.ones((2, 2)),), "numeric"),
    (lambda a: np.einsum("ij->i", a), (np.ones(3),), "subscripts"),
    (lambda a: np.einsum("...i->i", a), (np.ones(3),), "ellipses"),
    (lambda a: np.einsum("i,i->i", a), (np.ones(3),), "operands"),
])
def test_einsum_compile_errors(fn, args, what):
    with pytest.raises((errors.TypingError, errors.UnsupportedError)) as info:
        jit(fn)(*args)
    text = str(info.value)
    assert "test_np_linalg.py:" in text and what in text, text


def stacked_linalg(a, h, r):
    return (np.linalg.inv(a), np.linalg.det(a), np.linalg.cholesky(h), np.linalg.eigvalsh(h), np.sort(np.linalg.eigvals(h).real),
            np.linalg.pinv(r), np.linalg.matrix_rank(r), np.linalg.svd(r, compute_uv=False))


@pytest.mark.parametrize("dtype", DTYPES)
def test_stacks_of_matrices(dtype):
    a = np.stack([well_conditioned(dtype, 3, s) for s in range(4)]).reshape(2, 2, 3, 3)
    h = np.stack([hermitian_pd(dtype, 3, s) for s in range(3)])
    r = sample(dtype, (2, 3, 4))
    check(stacked_linalg, a, h, r, **tol(dtype))
    check(lambda a: (np.linalg.inv(a), np.linalg.det(a)), np.zeros((0, 2, 2), dtype))
    check(lambda a: np.linalg.inv(a), np.ones((2, 3, 3), dtype))   # singular: LinAlgError


def stacked_more(a, h, r, b, v):
    w, vec = np.linalg.eigh(h)
    we, ve = np.linalg.eig(h)
    u, s, vh = np.linalg.svd(r, full_matrices=False)
    uf, sf, vhf = np.linalg.svd(r)
    q, rr = np.linalg.qr(r)
    sign, logdet = np.linalg.slogdet(a)
    return (np.linalg.solve(a, b), np.linalg.solve(a, v), sign, logdet, w, np.abs(h @ vec - vec * w[..., None, :]).max() < 1e-3,
            np.abs(h @ ve - ve * we[..., None, :]).max() < 1e-3, s, (u * s[..., None, :]) @ vh, uf.shape, vhf.shape,
            (uf * sf[..., None, :]) @ vhf[..., :sf.shape[-1], :], q @ rr, np.linalg.qr(r, mode="r").shape,
            np.linalg.matrix_power(a, 3), np.linalg.matrix_power(a, -2), np.linalg.matrix_power(a, 0))


@pytest.mark.parametrize("dtype", DTYPES)
def test_stacks_of_matrices_tuples(dtype):
    """solve slogdet eigh eig svd qr matrix_power over stacks (the parts of tuple results stacked)."""
    a = np.stack([well_conditioned(dtype, 3, s) for s in range(4)]).reshape(2, 2, 3, 3)
    h = np.stack([hermitian_pd(dtype, 3, s) for s in range(3)])
    check(stacked_more, a, h, sample(dtype, (2, 3, 4)), sample(dtype, (2, 2, 3, 2), 1), sample(dtype, (3,), 2), **tol(dtype))
    check(stacked_more, a[:, :, ::-1], np.swapaxes(h, 1, 2), sample(dtype, (2, 4, 3)), sample(dtype, (2, 2, 3, 1), 1),
          sample(dtype, (3,), 2), **tol(dtype))


def parts_of_empty(a):
    sign, logdet = np.linalg.slogdet(a)
    w, v = np.linalg.eigh(a)
    return sign, logdet, w, v, np.linalg.matrix_power(a, 2)


@pytest.mark.parametrize("dtype", ["float64", "complex64"])
def test_solve_broadcasts_stacks(dtype):
    a = np.stack([well_conditioned(dtype, 3, s) for s in range(2)])
    solve = lambda a, b: np.linalg.solve(a, b)   # noqa: E731
    check(solve, a, sample(dtype, (4, 1, 3, 2)), **tol(dtype))          # b's stack broadcasts against a's
    check(solve, a[0], sample(dtype, (5, 3, 2)), **tol(dtype))          # a 2-d a, a stack of b
    check(solve, a, sample(dtype, (3, 3, 2)))                           # stacks 2 and 3: ValueError
    check(solve, a, sample(dtype, (2, 4, 2)))                           # core mismatch: ValueError
    check(solve, np.ones((2, 3, 4), dtype), sample(dtype, (2, 3, 2)))  # not square: LinAlgError
    check(parts_of_empty, np.zeros((0, 2, 2), dtype))
    check(lambda a: np.linalg.slogdet(a)[0] + np.linalg.slogdet(a)[1], np.ones((2, 3, 3), dtype))   # singular: -inf


def test_lstsq_stack_refused():
    with pytest.raises(errors.UnsupportedError, match="lstsq"):
        jit(lambda a, b: np.linalg.lstsq(a, b))(np.ones((2, 3, 3)), np.ones((2, 3)))


def norms_nd(x):
    return (np.linalg.norm(x, axis=(1, 2)), np.linalg.norm(x, axis=1), np.linalg.norm(x, 2, (1, 2)), np.linalg.norm(x, "nuc", (0, 2)),
            np.linalg.norm(x, -np.inf, (2, 0)), np.linalg.norm(x, 3, -1), np.linalg.norm(x), np.linalg.norm(x[0], axis=(1, 0)),
            np.linalg.norm(x[0], "fro", (0, 1)), np.linalg.norm(x, 1, (0, 1)), np.linalg.norm(x, -2, (-1, -2)), np.linalg.norm(x, 0, 0))


@pytest.mark.parametrize("dtype", ["float64", "float32", "int16"])
def test_norm_nd_axes(dtype):
    """norm over an axis or a pair of axes of 3-d arrays (vector and matrix norms per index of the rest)."""
    check_all(norms_nd, [(x,) for _, x in layouts(sample(dtype, (3, 4, 5)))] + [(np.zeros((2, 0, 3), dtype),)], **tol(dtype))


@pytest.mark.parametrize("fn, what", [
    (lambda a: np.linalg.norm(a, 2), "Improper number of dimensions"),
    (lambda a: np.linalg.norm(a, 3, (0, 1)), "Invalid norm order"),
    (lambda a: np.linalg.norm(a, axis=(1, 1)), "Duplicate axes"),
    (lambda a: np.linalg.norm(a, "fro", 1), "invalid norm order"),
    (lambda a: np.linalg.norm(a, axis=3), "out of bounds"),
])
def test_norm_nd_errors(fn, what):
    with pytest.raises(errors.TypingError) as info:
        jit(fn)(np.ones((2, 2, 2)))
    text = str(info.value)
    assert "test_np_linalg.py:" in text and what in text, text


def complex_norms(a):
    return (np.linalg.norm(a), np.linalg.norm(a, 'fro'), np.linalg.norm(a, np.inf), np.linalg.norm(a, 1), np.linalg.norm(a, axis=0),
            np.linalg.norm(a, 1, axis=1), np.linalg.norm(a, axis=(1, 0)), np.linalg.norm(a[0]), np.linalg.norm(a[0], 3),
            np.linalg.norm(a[0], -np.inf), np.linalg.norm(a[0], 0))


@pytest.mark.skipif(ON_NUMBA, reason="numba lacks axis= on norm")
@pytest.mark.parametrize("dtype", ["complex128", "complex64"])
def test_norm_of_complex(dtype):
    # the norms of |a|; the spectral ones (ord 2, -2, 'nuc' of a matrix) from the complex
    # matrix's singular values (LAPACK's in its precision, as NumPy's)
    a = sample(dtype, (3, 4), 1)
    tol = 1e-5 if dtype == "complex64" else None
    check_all(complex_norms, [(a,), (np.asfortranarray(a)[:, ::2],)], rtol=tol)
    check_all(spectral_norms, [(a,), (a.T,), (np.asfortranarray(a)[:, ::2],), (a[:, :1],)], rtol=tol or 1e-12)


def spectral_norms(a):
    b = np.stack((a, a[::-1] * 0.5j))
    return (np.linalg.norm(a, 2), np.linalg.norm(a, -2), np.linalg.norm(a, "nuc"), np.linalg.norm(b, 2, axis=(1, 2)),
            np.linalg.norm(b, "nuc", axis=(2, 1)), np.linalg.cond(a[:, :3] + np.eye(a.shape[0], 3), 2))


@pytest.mark.parametrize("dtype", ["complex128", "complex64"])
def test_complex_two_norm_sums_squared_parts(dtype):
    # the 2-norm (and 'fro') of complex data from its parts' squares, as NumPy's
    # x.real.dot(x.real) + x.imag.dot(x.imag): within 2 ulp of NumPy's (summed in another order),
    # contiguous, strided, reversed and 2-d; overflowing squares give inf as in NumPy
    rng = np.random.default_rng(8)
    z = (rng.standard_normal(1001) + 1j * rng.standard_normal(1001)).astype(dtype)
    f = jit(lambda a: np.linalg.norm(a))
    for a in (z, z[::3], z[::-1], z[:1000].reshape(25, 40), z[:1000].reshape(25, 40).T[::2], z[:0]):
        assert f(a) == pytest.approx(float(np.linalg.norm(a)), rel=4.5e-16 if dtype == "complex128" else 1e-6)
    big = np.array([1e300 + 1e300j, 1.0], dtype="complex128")
    with np.errstate(over="ignore"):
        assert f(big) == np.linalg.norm(big) == np.inf


def row_col_products(x, m):
    return np.dot(x, m), x @ m


@pytest.mark.parametrize("k", [1, 2, 5, 8, 13, 40, 130])
def test_row_and_column_products_bit_equal(k):
    """A one-row a or a one-column b is NumPy's gemv (or dot) case, for np.dot and matmul alike:
    BLAS's gemv orders its sums its own way on some CPUs (OpenBLAS's AVX2 kernels), so these keep
    BLAS at every size and give NumPy's bits (not the small-product loop, not gemm)."""
    rng = np.random.default_rng(k)
    for sa, sb in (((1, k), (k, k)), ((k, k), (k, 1)), ((1, k), (k, 1)), ((1, k), (k, 9)), ((9, k), (k, 1))):
        a, b = rng.standard_normal(sa), rng.standard_normal(sb)
        for x, y in ((a, b), (np.asfortranarray(a), b), (a, np.asfortranarray(b))):
            for got, want in zip(jit(row_col_products)(x, y), row_col_products(x, y)):
                assert np.array_equal(got, want), (sa, sb)


def eigvals_of(a):
    return np.linalg.eigvals(a)


def lstsq_of(a, b):
    return np.linalg.lstsq(a, b)[0]


@pytest.mark.skipif(ON_NUMBA, reason="numba checks every np.linalg input for infs and NaNs")
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_non_finite_inputs_raise_numpys_linalg_error_quietly(bad, capfd):
    """eig/eigvals of a matrix with an inf or a NaN raise NumPy's LinAlgError ("Array must not
    contain infs or NaNs"; they raised another, after LAPACK printed its parameter errors), and
    lstsq NumPy's, without calling gelsd (which prints to stderr)."""
    a = np.array([[bad, 1.0], [1.0, 1.0]])
    check(eigvals_of, a)
    check(lambda a: np.linalg.eig(a)[0], a)
    with pytest.raises(np.linalg.LinAlgError, match="SVD did not converge in Linear Least Squares"):
        jit(lstsq_of)(a, np.ones(2))
    assert "illegal value" not in capfd.readouterr().err


# ------------------------------------------------------------------ orders and forms given at run time


@pytest.mark.parametrize("dtype", ["float64", "float32", "complex128", "int64"])
def test_norm_order_known_at_run_time(dtype):
    """A vector norm's ord may be a variable: each order runs the constant order's code (the
    same bits); a matrix's goes through the constant orders too."""
    x = sample(dtype, (7,))
    const = jit(lambda x: (np.linalg.norm(x, 1), np.linalg.norm(x, 2), np.linalg.norm(x, np.inf),
                           np.linalg.norm(x, -np.inf), np.linalg.norm(x, 0), np.linalg.norm(x, 2.5)))(x)
    run = jit(lambda x, o: np.linalg.norm(x, o))
    kw = jit(lambda x, o: np.linalg.norm(x, ord=o))
    for o, want in zip((1, 2.0, np.inf, -np.inf, 0, 2.5), const):
        assert run(x, o) == want and kw(x, o) == want, o
        assert np.isclose(run(x, o), np.linalg.norm(x, o), rtol=2e-6 if dtype in ("float32",) else 1e-13)
    m = sample(dtype, (4, 3)) if dtype != "complex128" else sample(dtype, (3, 3))
    orders = (1, -1, np.inf, -np.inf) + ((2, -2) if dtype != "complex128" else ())
    for o in orders:
        assert np.isclose(run(m, o), np.linalg.norm(m, o), rtol=2e-6 if dtype == "float32" else 1e-12), o
    with pytest.raises(ValueError, match="Invalid norm order"):
        run(m, 3)


def test_norm_of_float32_is_float32():
    v = np.array([1.5, 3.0, 0.1], np.float32)
    got = jit(lambda v: np.array([np.linalg.norm(v)]))(v)
    assert got.dtype == np.float32 and got[0] == np.float32(np.sqrt(np.sum(v.astype(np.float64) ** 2)))


def test_cond_orders():
    a = np.array([[1.0, 2.0], [3.0, 4.0]])
    for p in (None, 1, -1, 2, -2, np.inf, -np.inf):
        assert np.isclose(jit(lambda a, p: np.linalg.cond(a, p))(a, p), np.linalg.cond(a, p), rtol=1e-12), p
    check(lambda a: (np.linalg.cond(a, "fro"), np.linalg.cond(a, "nuc"), np.linalg.cond(a, 1)), a, rtol=1e-12)
    singular = np.array([[1.0, 2.0], [2.0, 4.0]])
    assert jit(lambda a: np.linalg.cond(a, 1))(singular) == np.inf == np.linalg.cond(singular, 1)


def cond_forms(a):
    return np.linalg.cond(a), np.linalg.cond(a, 2), np.linalg.cond(a, -2)


def cond_square_forms(a, p):
    return np.linalg.cond(a, p)


def cond_fro(a):
    return np.linalg.cond(a, "fro")


def cond_nuc(a):
    return np.linalg.cond(a, "nuc")


def test_cond_of_non_square_and_empty():
    # NumPy's checks: empty arrays first, then squareness for the orders computed through inv
    tall = np.arange(15.0).reshape(5, 3) ** 1.5
    check(cond_forms, tall, rtol=1e-12)
    for p in (1, -1, np.inf):
        check(cond_square_forms, tall, p)
        check(cond_square_forms, np.empty((0, 0)), p)
    for f in (cond_fro, cond_nuc):
        check(f, tall)
        check(f, np.empty((0, 0)))
    check(cond_forms, np.empty((0, 0)))
    check(cond_forms, np.empty((3, 0)))
    # 'fro' and 'nuc' of a complex matrix: their own forms
    check(cond_fro, np.eye(3) * (1 + 1j) + 0.25j, rtol=1e-12)
    check(cond_nuc, np.eye(3) * (1 + 1j) + 0.25j, rtol=1e-12)


def test_matrix_rank_of_a_vector():
    check(lambda v: np.linalg.matrix_rank(v), np.array([0.0, 1.0]))
    check(lambda v: np.linalg.matrix_rank(v), np.zeros(3))


def test_dot_into_out():
    def into(a, b, out):
        r = np.dot(a, b, out)
        return r, out.sum()

    a, b = sample("float64", (3, 4)), sample("float64", (4, 2), 1)
    check(into, a, b, np.zeros((3, 2)))
    check(lambda a, v, out: np.dot(a, v, out=out), a, b[:, 0].copy(), np.zeros(3))
    with pytest.raises(ValueError, match="output array is not acceptable"):
        jit(into)(a, b, np.zeros((2, 3)))
    with pytest.raises(errors.TypingError, match="out must be"):
        jit(into)(a, b, np.zeros((3, 2), np.float32))
