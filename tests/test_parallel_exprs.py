"""parallel=True array expressions over operands stretched along the last axis, against NumPy.

The chunks of a parallel array expression run the serial path's loop nest
(codegen/lower_array.c, run_nest): the unit-stride nest where every operand steps its last axis
by its item size, a column read at index 0 of its last dimension, known when compiled (Leaf.col:
x[:, None], a keepdims result) or only at run time (Leaf.stretched_last: s of shape (n, 1)
passed in, x[:, :1]). Each form runs below and above the size where the chunks go on the runner,
over one row, one column, empty, non-contiguous and F-order operands, float64, float32 and int.
Reductions of such expressions (along an axis and over every element) and in-place updates too.
"""

import numpy as np
import pytest

from difftest import check, impl, numba_skip
from difftest import no_leaks  # noqa: F401  (autouse: every test frees what it allocates)

pytestmark = [pytest.mark.filterwarnings("ignore::RuntimeWarning"),
              numba_skip("numba's parallel=True asserts on operands stretched along an axis")]
PAR = {"parallel": True}


def tol(dt):
    """Chunks add a sum in another order than one pass; float32 exp and sums round at float32."""
    return {"rtol": 3e-5 if dt == np.float32 else 1e-9, "atol": 1e-12}


def col_divide(x, s):
    return x / s


def col_divide_view(x):
    return x / (x[:, :1] + 1)


def softmax_rows(x):
    e = np.exp(x - x.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def keepdims_normalise(x):
    return x / (np.sum(x, axis=1, keepdims=True) + 1)


def newaxis_centre(x, m):
    return (x - m[:, None]) * 3


def short_last(x, s):
    return x * s + 1


def inplace_col(a, b):
    a += b[:, None]
    return a


def setitem_expr(a, x, s):
    a[:] = x * s - 1
    return a


def sum_axis1(x, s):
    return np.sum(x * s, axis=1)


def max_axis0(x, s):
    return np.max(np.abs(x - s), axis=0)


def sum_whole(x, s):
    return np.sum(x * s)


def max_whole(x, s):
    return np.max(np.abs(x - s))


DTYPES = [np.float64, np.float32, np.int64]
# (rows, columns): below and above the runner's 2**14 elements, one row, one column, empty
SHAPES = [(3, 7), (130, 131), (1, 20000), (20000, 1), (0, 5), (5, 0), (2, 9000)]


def _data(shape, dt, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) * 4 + 1
    return (np.round(x) if np.dtype(dt).kind == "i" else x).astype(dt)


def _views(x):
    """x as it comes, F-ordered, and (where it has room) a non-contiguous view of a larger array."""
    big = np.zeros((2 * x.shape[0] + 1, 3 * x.shape[1] + 1), x.dtype)
    big[1::2, 1::3] = x
    return [x, np.asfortranarray(x), big[1::2, 1::3]]


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_stretched_columns(shape, dt):
    x = _data(shape, dt, sum(shape))
    col = _data((shape[0], 1), dt, 3) + (1 if np.dtype(dt).kind == "i" else 0.5)
    col[col == 0] = 2
    full = np.broadcast_to(col, shape).copy()   # the same type, stretched at run time or not
    for v in _views(x):
        check(col_divide, v, col, jit_opts=PAR)
        check(col_divide, v, full, jit_opts=PAR)
        check(col_divide, col, v, jit_opts=PAR)
        check(col_divide_view, v, jit_opts=PAR)
        check(newaxis_centre, v, col[:, 0].copy(), jit_opts=PAR)
        check(views_divide, v, col, jit_opts=PAR)
        check(views_centre, v, col[:, 0].copy(), jit_opts=PAR)
        check(keepdims_normalise, v, jit_opts=PAR, **tol(dt))
        check(inplace_col, v.copy(), col[:, 0].copy(), jit_opts=PAR)
        check(inplace_col, v, col[:, 0].copy(), jit_opts=PAR)   # a view: written in place
        check(setitem_expr, np.zeros_like(v), v, col, jit_opts=PAR)
        check(setitem_expr, np.zeros(shape, np.float64), v, full, jit_opts=PAR)
        if shape[1] and np.dtype(dt).kind == "f":
            check(softmax_rows, v, jit_opts=PAR, **tol(dt))


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("shape", [(4, 5, 3), (40, 200, 3), (1, 9000, 2), (300, 70, 1), (0, 4, 3)])
def test_short_last_axis_3d(shape, dt):
    x = _data(shape, dt, 11)
    s = _data(shape[:2] + (1,), dt, 12)
    check(short_last, x, s, jit_opts=PAR)
    check(short_last, s, x, jit_opts=PAR)
    check(short_last, x, np.broadcast_to(s, shape).copy(), jit_opts=PAR)
    check(short_last, x[:, ::2], s[:, ::2], jit_opts=PAR)
    check(short_last, np.asfortranarray(x), s, jit_opts=PAR)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_reductions_of_stretched_expressions(shape, dt):
    x = _data(shape, dt, 5)
    col = _data((shape[0], 1), dt, 6)
    for v in _views(x):
        for s in (col, np.broadcast_to(col, shape).copy()):
            check(sum_axis1, v, s, jit_opts=PAR, **tol(dt))
            check(sum_whole, v, s, jit_opts=PAR, **tol(dt))
            if shape[0]:
                check(max_axis0, v, s, jit_opts=PAR)
            if shape[0] and shape[1]:
                check(max_whole, v, s, jit_opts=PAR)


def test_stretched_operand_reads_nan_and_signed_zero():
    x = np.full((3, 20000), -0.0)
    x[1, 7] = np.nan
    s = np.array([[np.inf], [2.0], [-0.0]])
    check(col_divide, x, s, jit_opts=PAR)
    check(newaxis_centre, x, s[:, 0].copy(), jit_opts=PAR)
    check(max_whole, x, s, jit_opts=PAR)


def test_broadcast_errors_are_raised():
    check(col_divide, np.ones((4, 20000)), np.ones((3, 1)), jit_opts=PAR)
    check(inplace_col, np.ones((4, 20000)), np.ones(5), jit_opts=PAR)


def views_divide(x, s):
    return x[:, 1:] / s[:, :1]        # 'A' views: no flat loop, the nest alone


def views_centre(x, m):
    return (x[1:, :] - m[1:, None]) * 3


def mean_whole(x, s):
    return (x + s).mean()


def any_all(x, s):
    return np.any(x > s), np.all(x + 100 > s)


def min_whole(x, s):
    return np.min(x * s)


@pytest.mark.parametrize("dt", DTYPES)
@pytest.mark.parametrize("n", [0, 1, 7, 20000, 50001])
def test_reductions_of_1d_expressions(n, dt):
    # a 1-d expression folded in chunks, its operands read with constant steps or strided
    x = _data(3 * n, dt, 7)
    y = _data(3 * n, dt, 8)
    for a, b in ((x[:n], y[:n]), (x[::3], y[1::3]), (x[:n], y[::3]), (x[:n], y[:1])):
        for f in (sum_whole, mean_whole, any_all):
            check(f, a, b, jit_opts=PAR, **tol(dt))
        if n:
            check(max_whole, a, b, jit_opts=PAR)
            check(min_whole, a, b, jit_opts=PAR)


def test_reductions_of_expressions_nan_and_signed_zero():
    x = np.full(50001, -0.0)
    y = np.zeros(50001)
    check(max_whole, x, y, jit_opts=PAR)
    check(min_whole, x, y, jit_opts=PAR)
    x[[5, 40000]] = np.nan
    for f in (max_whole, min_whole, sum_whole, any_all):
        check(f, x, y, jit_opts=PAR)
        check(f, x.reshape(3, -1), y.reshape(3, -1), jit_opts=PAR)


def row_norms_squared_power(X):
    out = np.empty(X.shape[0])
    for i in impl.prange(X.shape[0]):
        out[i] = np.sqrt(np.sum(X[i] ** 2))
    return out


def test_constants_stay_constants_in_chunks():
    """A chunk of a parallel reduction reads its operands from env, but a constant stays one:
    `X[i] ** 2` kept its exponent, not a power by a run-time exponent in every element of the
    unrolled pairwise sum (60k instructions and a 10 s compile, against 3.3k serial)."""
    X = np.random.default_rng(5).random((200, 5))
    check(row_norms_squared_power, X, jit_opts=PAR, **tol(np.float64))
    f = impl.njit(parallel=True)(row_norms_squared_power)
    f(X)
    ir = "".join(f.inspect_llvm().values())
    assert "powi.case" not in ir and ir.count("\n") < 20000
