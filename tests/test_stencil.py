"""@stencil: kernels with relative indexing, against a plain loop over the interior (and
numba.stencil where numba is installed, as a second reference)."""

import itertools

import numpy as np
import pytest

from difftest import ON_NUMBA, errors, impl, no_leaks  # noqa: F401

pytestmark = pytest.mark.skipif(ON_NUMBA, reason="ember's stencil against references")


def reference(kernel, lo, hi, args, cval=0, dtype=None):
    """kernel(point, *args) over the interior of args[0]; cval elsewhere."""
    a = args[0]
    vals = {}
    for p in itertools.product(*[range(lo[k], a.shape[k] - hi[k]) for k in range(a.ndim)]):
        vals[p] = kernel(p, *args)
    dt = dtype or (np.result_type(*[np.asarray(v) for v in vals.values()]) if vals else a.dtype)
    out = np.full(a.shape, cval, dt)
    for p, v in vals.items():
        out[p] = v
    return out


def blur_ref(p, a):
    i, j = p
    return 0.25 * (a[i - 1, j] + a[i + 1, j] + a[i, j - 1] + a[i, j + 1])


@impl.stencil
def blur(a):
    return 0.25 * (a[-1, 0] + a[1, 0] + a[0, -1] + a[0, 1])


@impl.stencil(neighborhood=((-2, 2),), cval=-1.0)
def window(a, w):
    s = 0.0
    for k in range(-2, 3):
        s += a[k] * w
    return s


@impl.stencil(standard_indexing=("c",))
def weighted(a, c):
    return a[-1] * c[0] + a[0] * c[1] + a[1] * c[2]


@impl.stencil
def forward(a, b):
    return a[0, 0, 1] - b[0, 0, 0]


@pytest.mark.parametrize("dtype", [np.float64, np.int64, np.float32])
@pytest.mark.parametrize("shape", [(5, 6), (2, 2), (1, 7), (40, 33)])
def test_blur(shape, dtype):
    a = (np.arange(np.prod(shape)) % 7).reshape(shape).astype(dtype)
    got = blur(a)
    want = reference(blur_ref, (1, 1), (1, 1), (a,))
    assert got.dtype == np.float64
    assert np.array_equal(got, want)
    assert np.array_equal(blur(np.asfortranarray(a)), want)
    assert np.array_equal(blur(a.T.copy().T), want)


def test_neighborhood_cval_scalar_argument():
    x = np.arange(10.0)
    want = reference(lambda p, a, w: sum(a[p[0] + k] * w for k in range(-2, 3)), (2,), (2,), (x, 0.5), cval=-1.0)
    assert np.array_equal(window(x, 0.5), want)


def test_standard_indexing():
    x = np.arange(10.0) ** 2
    c = np.array([1.0, -2.0, 3.0])
    want = reference(lambda p, a, c: a[p[0] - 1] * c[0] + a[p[0]] * c[1] + a[p[0] + 1] * c[2], (1,), (1,), (x, c))
    assert np.array_equal(weighted(x, c), want)


def test_two_arrays_and_3d():
    a = np.random.default_rng(0).random((3, 4, 5))
    b = np.random.default_rng(1).random((3, 4, 5))
    want = reference(lambda p, a, b: a[p[0], p[1], p[2] + 1] - b[p], (0, 0, 0), (0, 0, 1), (a, b))
    assert np.array_equal(forward(a, b), want)


def test_out_keeps_the_border():
    a = np.arange(30.0).reshape(5, 6)
    out = np.full_like(a, 7.0)
    r = blur(a, out=out)
    want = reference(blur_ref, (1, 1), (1, 1), (a,))
    assert r is out
    assert np.array_equal(out[1:-1, 1:-1], want[1:-1, 1:-1]) and (out[0] == 7.0).all()


@pytest.mark.parametrize("parallel", [False, True])
def test_called_from_compiled_code(parallel):
    @impl.njit(parallel=parallel)
    def smooth(img, n):
        out = img
        for _ in range(n):
            out = blur(out)
        return out

    img = np.random.default_rng(2).random((60, 50))
    want = img
    for _ in range(3):
        want = reference(blur_ref, (1, 1), (1, 1), (want,))
    assert np.allclose(smooth(img, 3), want, rtol=1e-15, atol=0)



def blur_into(a, out):
    blur(a, out=out)
    return out


@pytest.mark.parametrize("parallel", [False, True])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_out_from_compiled_code(parallel, dtype):
    a = np.random.default_rng(5).random((9, 7))
    out = np.full(a.shape, -3.0, dtype)
    r = impl.njit(parallel=parallel)(blur_into)(a, out)
    want = reference(blur_ref, (1, 1), (1, 1), (a,))
    assert r is out and r.dtype == dtype
    assert np.array_equal(out[1:-1, 1:-1], want[1:-1, 1:-1].astype(dtype)) and (out[0] == -3.0).all()


def test_out_from_compiled_code_is_checked():
    with pytest.raises(ValueError, match="out must have the shape"):
        impl.njit(blur_into)(np.zeros((4, 5)), np.zeros((4, 4)))

    def wrong_keyword(a):
        return blur(a, outp=a)
    with pytest.raises(errors.TypingError, match="unexpected keyword argument 'outp'"):
        impl.njit(wrong_keyword)(np.zeros((4, 5)))

def test_same_as_numba():
    numba = pytest.importorskip("numba")

    @numba.stencil
    def nblur(a):
        return 0.25 * (a[-1, 0] + a[1, 0] + a[0, -1] + a[0, 1])

    a = np.random.default_rng(3).random((20, 30))
    assert np.array_equal(blur(a), nblur(a))


def test_errors():
    with pytest.raises(TypeError, match="not a constant offset"):
        @impl.stencil
        def bad(a, k):
            return a[k]
    with pytest.raises(TypeError, match="indexes no argument"):
        @impl.stencil(standard_indexing=("a",))
        def none(a):
            return a[0]
    with pytest.raises(ValueError, match="mode"):
        impl.stencil("reflect")
    with pytest.raises(TypeError, match="2-d array"):
        blur(np.zeros(3))


@impl.stencil
def two_relative(a, b):
    return a[0] * b[1] - b[-1]


def run_two_relative(a, b):
    return two_relative(a, b)


@pytest.mark.parametrize("compiled", [False, True])
def test_a_smaller_second_array_is_a_value_error(compiled):
    # the kernel reads b at a's indices: a shorter b would be read past its end (numba's check)
    f = impl.njit(run_two_relative) if compiled else two_relative
    with pytest.raises(ValueError):
        f(np.arange(8.0), np.ones(3))
    assert np.array_equal(f(np.arange(8.0), np.ones(9)), two_relative(np.arange(8.0), np.ones(8)))
    assert np.array_equal(weighted(np.arange(6.0), np.array([1.0, 2.0, 3.0])),
                          weighted(np.arange(6.0), np.array([1.0, 2.0, 3.0, 4.0])))   # standard indexing: any size


def test_a_kernel_without_source_is_a_clear_error():
    prog = "import numpy as np\n@stencil\ndef fwd(a):\n    return a[1] - a[0]\n"
    ns = {"stencil": impl.stencil}
    if ON_NUMBA:
        exec(compile(prog, "<string>", "exec"), ns)   # numba builds stencils from bytecode
        return
    with pytest.raises(errors.UnsupportedError, match="<string>:2: @stencil kernel 'fwd' has no source file"):
        exec(compile(prog, "<string>", "exec"), ns)


@impl.stencil
def laplace(a):
    return a[-1, 0] + a[1, 0] + a[0, -1] + a[0, 1] - 4 * a[0, 0]


def run_laplace(a):
    return laplace(a)


@pytest.mark.skipif(ON_NUMBA, reason="ember's diagnostic format")
def test_a_kernel_error_names_the_kernel_and_its_line():
    import inspect
    line = inspect.getsourcelines(laplace.kernel)[1] + 2   # the return, below the decorator and def
    with pytest.raises(errors.TypingError, match=rf"Callable\(laplace\): .*test_stencil\.py:{line} in laplace: "
                                                 r"too many indices"):
        impl.njit(run_laplace)(np.arange(8.0))


@impl.stencil
def pair_sum(a):
    return a[0] + a[1]


@impl.stencil
def scaled_pair(a):
    return 0.25 * (a[-1] + a[1])


def test_result_dtypes_follow_the_kernels_typing():
    # float32 + float32 is float32; a Python float makes float64 (Numba's typing of scalars)
    a = np.arange(6, dtype=np.float32)
    assert pair_sum(a).dtype == np.float32 and impl.njit(lambda x: pair_sum(x))(a).dtype == np.float32
    assert scaled_pair(a).dtype == np.float64
    assert np.array_equal(pair_sum(a)[:-1], a[:-1] + a[1:])
