"""A Numba tutorial-style script, as users write it, with only the import changed
(tests/test_numba_api_script.py runs it in a fresh process)."""
import ember as numba
from ember import njit, jit, prange, vectorize, guvectorize, cfunc, types, typeof
import math
import ctypes
import numpy as np

# -- the 5-minute guide -----------------------------------------------------------------------
x = np.arange(100).reshape(10, 10)


@jit(nopython=True)
def go_fast(a):
    trace = 0.0
    for i in range(a.shape[0]):
        trace += np.tanh(a[i, i])
    return a + trace


assert np.allclose(go_fast(x), go_fast.py_func(x))


# -- explicit signatures and types ------------------------------------------------------------
@njit(types.float64(types.float64[:]))
def mean(a):
    return a.sum() / a.size


assert mean(np.arange(4.0)) == 1.5
assert typeof(np.zeros(3)) == types.float64[::1]


# -- parallel loops and reductions --------------------------------------------------------------
@njit(parallel=True)
def pi_estimate(n):
    acc = 0.0
    for i in prange(n):
        x = (i + 0.5) / n
        acc += 4.0 / (1.0 + x * x)
    return acc / n


assert abs(pi_estimate(100000) - math.pi) < 1e-8


# -- ufuncs ---------------------------------------------------------------------------------------
@vectorize(["float64(float64, float64)"])
def rel_diff(a, b):
    return abs(a - b) / max(abs(a), abs(b), 1e-300)


assert np.allclose(rel_diff(np.array([1.0, 2.0]), 2.0), [0.5, 0.0])


@guvectorize(["void(float64[:], float64[:])"], "(n)->(n)")
def running_max(a, out):
    m = -np.inf
    for i in range(a.shape[0]):
        m = max(m, a[i])
        out[i] = m


assert np.array_equal(running_max(np.array([1.0, 3.0, 2.0])), [1.0, 3.0, 3.0])


# -- C callbacks and C functions ------------------------------------------------------------------
@cfunc("float64(float64)")
def half(x):
    return x / 2.0


assert half.ctypes(3.0) == 1.5
libm = ctypes.CDLL("libm.so.6")
c_exp = libm.exp
c_exp.argtypes = [ctypes.c_double]
c_exp.restype = ctypes.c_double


@njit
def use_c(x):
    return c_exp(x) - math.exp(x)


assert abs(use_c(1.0)) < 1e-12


# -- exceptions, print, stencils, heterogeneous tuples, generators ------------------------------
@njit
def safe_ratio(a, b):
    try:
        return a / b
    except ZeroDivisionError:
        print("division by zero for", a)
        return math.nan


assert math.isnan(safe_ratio(1.0, 0.0))


@numba.stencil
def laplace(u):
    return u[-1, 0] + u[1, 0] + u[0, -1] + u[0, 1] - 4 * u[0, 0]


assert laplace(np.ones((4, 4)))[1:-1, 1:-1].sum() == 0.0


@njit
def total(t):
    s = 0.0
    for v in numba.literal_unroll(t):
        s += v
    return s


assert total((1, 2.5, True)) == 4.5


@njit
def noisy(rng, n):
    return rng.normal(0.0, 1.0, n).mean()


assert noisy(np.random.default_rng(0), 10) == np.random.default_rng(0).normal(0.0, 1.0, 10).mean()
print("tutorial ok")
