"""Dynamic @guvectorize (a layout, no signatures) and ember's ufuncs called from @njit code:
gufuncs with outputs passed or allocated, broadcasting over the loop dimensions, '()' operands,
casting to a static gufunc's loop, NumPy's ValueError for mismatched core dimensions, and
@vectorize functions given their output array. The oracle is NumPy calling the same gufunc (or
ufunc) from Python; EMBER_TEST_BACKEND=numba runs the forms numba supports."""

import numpy as np
import pytest

from difftest import ON_NUMBA, errors, impl, no_leaks  # noqa: F401 (autouse fixture)
from test_vectorize import matvec, shift

vectorize, guvectorize, njit = impl.vectorize, impl.guvectorize, impl.njit


def same(expected, got):
    assert type(got) is type(expected) or np.isscalar(got) and np.isscalar(expected)
    if isinstance(expected, np.ndarray):
        assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def total(x, out):
    s = 0
    for i in range(x.shape[0]):
        s += x[i]
    out[0] = s


DSHIFT = guvectorize("(n),()->(n)")(shift)
DMATVEC = guvectorize("(m,n),(n)->(m)")(matvec)
SHIFT = guvectorize(["void(int32[:], int32, int32[:])", "void(float64[:], float64, float64[:])"],
                    "(n),()->(n)")(shift)
MATVEC = guvectorize(["void(float64[:, :], float64[:], float64[:])"], "(m,n),(n)->(m)")(matvec)
TOTAL = guvectorize(["void(int64[:], int64[:])", "void(float64[:], float64[:])"], "(n)->()")(total)


@vectorize(["float64(float64, float64)"])
def hypot2(x, y):
    return x * x + y * y


# ---- dynamic gufuncs from Python ---------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.int32])
def test_dynamic_compiles_a_loop_per_dtypes(dtype):
    if ON_NUMBA and dtype is np.int32:
        pytest.skip("numba compiles the int32 scalar as int64 and cannot cast the loop's output")
    x = np.arange(12).reshape(3, 4).astype(dtype)
    out = np.zeros_like(x)
    DSHIFT(x, dtype(2), out)
    np.testing.assert_array_equal(out, x + dtype(2))
    if not ON_NUMBA:
        assert any(t.startswith(np.dtype(dtype).char * 2) for t in DSHIFT.types)


def test_dynamic_broadcasts_and_checks_core_dims():
    a, x = np.random.default_rng(1).random((5, 3, 2)), np.arange(2.0)
    out = np.empty((5, 3))
    DMATVEC(a, x, out)
    np.testing.assert_allclose(out, a @ x)
    with pytest.raises(ValueError):
        DMATVEC(a, np.ones(4), np.empty((5, 3)))


def test_dynamic_needs_its_outputs():
    with pytest.raises(TypeError):
        DSHIFT(np.ones(3), 1.0)


@pytest.mark.skipif(ON_NUMBA, reason="numba's dynamic gufuncs have no parallel target")
def test_dynamic_parallel_target():
    par = guvectorize("(n),()->(n)", target="parallel")(shift)
    x = np.random.default_rng(2).random((3000, 5))
    out = np.empty_like(x)
    par(x, 0.5, out)
    np.testing.assert_allclose(out, x + 0.5)


@pytest.mark.skipif(ON_NUMBA, reason="ember's GUFunc type and messages")
def test_dynamic_is_a_gufunc_object():
    assert repr(DSHIFT).startswith("<ember.GUFunc 'shift'") and DSHIFT.signature == "(n),()->(n)"
    with pytest.raises(TypeError, match="output 1 must be a NumPy array"):
        DSHIFT(np.ones(3), 1.0, [0.0] * 3)


# ---- gufuncs from @njit -------------------------------------------------------------------------
@pytest.mark.skipif(ON_NUMBA, reason="numba cannot allocate a gufunc's outputs in compiled code")
@pytest.mark.parametrize("shape", [(4,), (3, 4), (2, 1, 4), (0, 4)])
def test_njit_gufunc_allocates_outputs(shape):
    @njit
    def use(x, k):
        return SHIFT(x, k)

    x = np.arange(int(np.prod(shape)), dtype=np.float64).reshape(shape)
    same(SHIFT(x, 1.5), use(x, 1.5))
    xi = x.astype(np.int32)
    same(SHIFT(xi, np.int32(3)), use(xi, np.int32(3)))
    xl = x.astype(np.int64)   # NumPy casts int64 to the float64 loop: so does the compiled call
    same(SHIFT(xl, 2), use(xl, 2))


@pytest.mark.skipif(ON_NUMBA, reason="numba cannot allocate a gufunc's outputs in compiled code")
def test_njit_gufunc_broadcasts_loop_dims():
    @njit
    def use(a, x):
        return MATVEC(a, x)

    rng = np.random.default_rng(3)
    a, x = rng.random((4, 3, 2)), rng.random((4, 2))
    same(MATVEC(a, x), use(a, x))
    same(MATVEC(a, x[:1]), use(a, x[:1]))
    same(MATVEC(a[::2, :, ::-1], x[0]), use(a[::2, :, ::-1], x[0]))
    with pytest.raises(ValueError):
        use(a, rng.random((3, 2)))   # loop dimensions 4 and 3 do not broadcast
    with pytest.raises(ValueError):
        use(a, rng.random((4, 5)))   # core dimension n: 2 and 5


@pytest.mark.skipif(ON_NUMBA, reason="numba cannot allocate a gufunc's outputs in compiled code")
def test_njit_gufunc_scalar_output():
    @njit
    def use(x):
        return TOTAL(x)

    x = np.arange(12.0).reshape(3, 4)
    same(TOTAL(x), use(x))
    assert use(np.arange(5)) == TOTAL(np.arange(5)) == 10


def test_njit_gufunc_with_outputs_passed():
    @njit
    def use(a, x, out):
        MATVEC(a, x, out)
        return out.sum()

    a, x = np.arange(24.0).reshape(4, 3, 2), np.arange(2.0)
    out = np.zeros((4, 3))
    assert use(a, x, out) == (a @ x).sum()
    np.testing.assert_allclose(out, a @ x)


@pytest.mark.skipif(ON_NUMBA, reason="numba's dynamic gufuncs cannot be called from compiled code")
def test_njit_dynamic_gufunc_with_outputs_passed():
    @njit
    def use(x, k, out):
        DSHIFT(x, k, out)
        return out

    x = np.arange(6.0).reshape(2, 3)
    same(x + 2.0, use(x, 2.0, np.empty_like(x)))
    with pytest.raises(ValueError):
        use(x, 2.0, np.empty((3, 3)))   # not the inputs' loop shape


@pytest.mark.skipif(ON_NUMBA, reason="ember's messages")
def test_njit_gufunc_errors_are_located():
    @njit
    def few(x):
        return SHIFT(x)

    with pytest.raises(errors.TypingError, match="takes 2 arguments") as e:
        few(np.ones(3))
    assert "return SHIFT(x)" in str(e.value)

    @njit
    def dynamic(x):
        return DSHIFT(x, 1.0)

    with pytest.raises(errors.TypingError, match="pass its outputs"):
        dynamic(np.ones(3))

    @njit
    def complex_input(x):
        return MATVEC(x, x[0])

    with pytest.raises(errors.TypingError, match="no loop of the gufunc"):
        complex_input(np.ones((2, 2), np.complex128))


# ---- @vectorize from @njit with an output -----------------------------------------------------
def test_njit_vectorize_with_output():
    @njit
    def use(x, y, out):
        hypot2(x, y, out)
        return out

    x, y = np.arange(6.0).reshape(2, 3), np.array([1.0, 2.0, 3.0])
    same(hypot2(x, y), use(x, y, np.empty((2, 3))))
    same(hypot2(x, 2.0), use(x, 2.0, np.empty((2, 3))))
    if not ON_NUMBA:   # numba does not check it
        with pytest.raises(ValueError):
            use(x, np.ones(2), np.empty((2, 3)))
