"""A second Numba tutorial-style tour, as users write it, with only the import changed: ufunc
builders, C callbacks handed to SciPy, types in signatures, first-class functions, literal_unroll,
stencils, objmode, Generators (tests/test_numba_api_script.py runs it in a fresh process; under
EMBER_TEST_BACKEND=numba it runs with numba imported instead, to show it is Numba code)."""
import ember as numba
from ember import njit, vectorize, guvectorize, cfunc, carray, types, objmode, literal_unroll, stencil
import math
import numpy as np
import scipy.integrate
import scipy.ndimage
from scipy import LowLevelCallable

# -- @vectorize with signatures: a real NumPy ufunc ------------------------------------------------
@vectorize([types.float32(types.float32, types.float32), types.float64(types.float64, types.float64)])
def hypot2(x, y):
    return math.sqrt(x * x + y * y)

a = np.linspace(0, 1, 7)
assert hypot2.nin == 2 and hypot2.nout == 1
assert np.allclose(hypot2(a, a[::-1]), np.hypot(a, a[::-1]))
assert hypot2(np.float32(3), np.float32(4)).dtype == np.float32
assert np.isclose(hypot2.reduce(np.array([3.0, 4.0, 12.0])), 13.0)
out = np.zeros(7)
hypot2(a, 1.0, out=out)
assert np.allclose(out, np.hypot(a, 1.0))

@vectorize(["float64(float64)"], target="parallel")
def sigmoid(x):
    return 1.0 / (1.0 + math.exp(-x))

big = np.linspace(-5, 5, 100_000)
assert np.allclose(sigmoid(big), 1 / (1 + np.exp(-big)))

@vectorize
def dyn_add(x, y):
    return x + y

assert dyn_add(1, 2) == 3 and dyn_add(np.arange(3.0), 0.5)[2] == 2.5

# -- @guvectorize -----------------------------------------------------------------------------------
@guvectorize([(types.float64[:], types.float64, types.float64[:])], "(n),()->(n)")
def scale_shift(x, k, res):
    for i in range(x.shape[0]):
        res[i] = x[i] * k + 1.0

m = np.arange(12.0).reshape(3, 4)
assert np.allclose(scale_shift(m, 2.0), m * 2.0 + 1.0)

@guvectorize(["void(float64[:,:], float64[:,:], float64[:,:])"], "(m,n),(n,p)->(m,p)")
def matmul(A, B, C):
    for i in range(A.shape[0]):
        for j in range(B.shape[1]):
            s = 0.0
            for k in range(A.shape[1]):
                s += A[i, k] * B[k, j]
            C[i, j] = s

S = np.random.default_rng(1).random((5, 3, 4))
T = np.random.default_rng(2).random((5, 4, 2))
assert np.allclose(matmul(S, T), S @ T)

# -- @cfunc with SciPy ------------------------------------------------------------------------------
@cfunc("float64(float64)")
def integrand(t):
    return math.exp(-t) / t ** 2

val, err = scipy.integrate.quad(LowLevelCallable(integrand.ctypes), 1, np.inf)
assert abs(val - scipy.integrate.quad(lambda t: math.exp(-t) / t ** 2, 1, np.inf)[0]) < 1e-10

@cfunc(types.float64(types.intc, types.CPointer(types.float64)))
def integrand2(n, xx):
    return math.exp(-xx[0] * xx[1])     # quad passes the variable and the extra arguments

val2 = scipy.integrate.quad(LowLevelCallable(integrand2.ctypes), 0, 1, args=(2.0,))[0]
assert abs(val2 - (1 - math.exp(-2)) / 2) < 1e-12

@cfunc(types.intc(types.CPointer(types.float64), types.intp, types.CPointer(types.float64), types.voidptr))
def median3x3(values_ptr, len_values, result, data):
    values = carray(values_ptr, (len_values,), dtype=types.float64)
    result[0] = np.median(values)
    return 1

img = np.random.default_rng(3).random((6, 6))
assert np.allclose(scipy.ndimage.generic_filter(img, LowLevelCallable(median3x3.ctypes), size=3),
                   scipy.ndimage.generic_filter(img, np.median, size=3))
print("cfunc", median3x3.address != 0, median3x3.native_name != "", "define" in median3x3.inspect_llvm())

# -- types in signatures and locals -----------------------------------------------------------------
@njit(types.UniTuple(types.float64, 2)(types.float64[:, ::1], types.Array(types.float64, 1, "A")),
      locals={"acc": types.float64})
def stats2(mat, w):
    acc = 0
    for i in range(mat.shape[0]):
        acc += mat[i].sum() * w[i]
    return acc, mat.max()

assert stats2(np.ones((3, 2)), np.arange(6.0)[::2]) == (12.0, 1.0)
assert stats2.signatures[0][0] == types.float64[:, ::1]
assert numba.typeof((1, 2.0)) == types.Tuple((types.int64, types.float64))
assert str(types.optional(types.float64)) == "OptionalType(float64)"

# -- first-class functions --------------------------------------------------------------------------
@njit("float64(float64)")
def f_sin(x):
    return math.sin(x)

@njit("float64(float64)")
def f_cos(x):
    return math.cos(x)

@cfunc("float64(float64)")
def f_sq(x):
    return x * x

@njit
def sum_funcs(funcs, x):
    s = 0.0
    for i in range(len(funcs)):
        s += funcs[i](x)
    return s

assert abs(sum_funcs((f_sin, f_cos, f_sq), 0.5) - (math.sin(0.5) + math.cos(0.5) + 0.25)) < 1e-15

@njit(types.float64(types.FunctionType(types.float64(types.float64)), types.float64))
def apply_twice(f, x):
    return f(f(x))

assert apply_twice(f_sq, 3.0) == 81.0 and apply_twice(f_cos, 0.0) == math.cos(1.0)

@njit
def pick(flag, x):
    f = f_sin if flag else f_cos
    return f(x)

assert pick(True, 1.0) == math.sin(1.0) and pick(False, 1.0) == math.cos(1.0)

# -- literal_unroll over heterogeneous tuples -------------------------------------------------------
@njit
def describe(tup):
    s = 0.0
    for v in literal_unroll(tup):
        s += v.sum() * v.ndim
    return s

assert describe((np.arange(3), np.ones((2, 2)), np.arange(4.0)[::2])) == 3 + 8 + 2

# -- @stencil ---------------------------------------------------------------------------------------
@stencil(neighborhood=((-1, 1), (-1, 1)), cval=0.0)
def mean3(a):
    acc = 0.0
    for i in range(-1, 2):
        for j in range(-1, 2):
            acc += a[i, j]
    return acc / 9.0

g = np.arange(25.0).reshape(5, 5)
r = mean3(g)
assert r[2, 2] == g[1:4, 1:4].mean() and r[0, 0] == 0.0

@njit(parallel=True)
def smooth(a):
    return mean3(a)

assert np.allclose(smooth(g), r)

# -- objmode ----------------------------------------------------------------------------------------
def py_only(x):
    return np.fft.rfft(x).real.copy()

@njit
def with_fft(x):
    y = x * 2.0
    with objmode(z="float64[:]"):
        z = py_only(y)
    return z.sum()

xx = np.arange(8.0)
assert np.isclose(with_fft(xx), np.fft.rfft(xx * 2.0).real.sum())

# -- np.random.Generator ----------------------------------------------------------------------------
@njit
def draw(rng, n):
    s = 0.0
    for _ in range(n):
        s += rng.standard_normal() + rng.uniform(0.0, 1.0)
    return s, rng.integers(0, 10, 3), rng.random()

r1, r2 = np.random.default_rng(42), np.random.default_rng(42)
got = draw(r1, 5)
s = 0.0
for _ in range(5):
    s += r2.standard_normal() + r2.uniform(0.0, 1.0)
assert got[0] == s and np.array_equal(got[1], r2.integers(0, 10, 3)) and got[2] == r2.random()
assert r1.random() == r2.random()     # the caller's generator advanced

# -- optional results, global arrays, ctypes --------------------------------------------------------
TABLE = np.array([1.0, 2.0, 4.0])

@njit
def lookup(k):
    if k < 0:
        return None
    return TABLE[k % 3]

assert lookup(-1) is None and lookup(4) == 2.0
print("tour ok")
