"""parallel=True: prange loops on threads, compiled vs CPython (where prange is range).

Reductions must equal the serial result exactly for integers and within reassociation error for
floats; races ember can see are located compile errors; errors raised in a thread reach the
caller; the runner works from several Python threads at once, with any thread count, and in a
process forked after it ran.
"""

import math
import multiprocessing
import os
import subprocess
import sys
import threading

import numpy as np
import pytest

from difftest import ON_NUMBA, check, check_all, errors, impl, jit, no_leaks, numba_leaks, numba_skip, numba_xfail  # noqa: F401

prange = impl.prange
PAR = {"parallel": True}
pytestmark = pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")   # the products wrap
FLOAT_TOL = {"rtol": 1e-9}


def sum_squares(a):
    s = 0.0
    for i in prange(a.shape[0]):
        s += a[i] * a[i]
    return s


def int_reductions(a):
    s = 0
    d = 100
    p = 1
    lo = 2**62
    hi = -2**62
    for i in prange(a.shape[0]):
        x = a[i]
        s += x
        d -= x
        p *= 1 + (x & 1)
        lo = min(lo, x)
        hi = max(hi, x)
    return s, d, p, lo, hi


def float_min_max(a):
    lo = math.inf
    hi = -math.inf
    t = 0.0
    for i in prange(len(a)):
        lo = min(lo, a[i])
        hi = max(hi, a[i])
        t = t + a[i]
    return lo, hi, t


def per_row(m):
    out = np.empty(m.shape[0])
    for i in prange(m.shape[0]):
        acc = 0.0
        for j in range(m.shape[1]):
            acc += math.sin(m[i, j]) * m[i, j]
        out[i] = acc
    return out


def element_reduction(a, out):
    for i in prange(a.shape[0]):
        out[i] += a[i] * 2
        out[i] -= 1
    return out


def stepped(n):
    s = 0
    for i in prange(3, n, 7):
        s += i * i
    return s


def backwards(n):
    s = 0
    for i in prange(n, 0, -2):
        s += i
    return s


def stepped_at_run_time(a, start, step):
    s = 0
    for i in prange(start, a.shape[0], step):
        if a[i] > 0.5:
            s += 1
    return s


def counted(a, thr):
    c = 0
    for i in prange(a.size):
        if a[i] > thr:
            c += 1
    return c


def nested(m):
    total = 0.0
    for i in prange(m.shape[0]):
        for j in prange(m.shape[1]):
            total += m[i, j] * (i + 1)
    return total


def serial_outer(m):
    out = np.zeros(m.shape[1])
    for k in range(3):
        for j in prange(m.shape[1]):
            out[j] += m[k, j] * k
    return out


def temporaries(m):
    out = np.empty(m.shape[0])
    for i in prange(m.shape[0]):
        row = m[i] * 2.0
        out[i] = row.sum() + np.max(row)
    return out


def raises_inside(a):
    for i in prange(a.shape[0]):
        tmp = np.ones(3)
        if a[i] < 0:
            raise ValueError("negative element")
        a[i] = a[i] + tmp[0]
    return a


def counted(n):
    c = 0
    for i in prange(n):
        if i % 3 == 0:
            c += 1
    return c


def test_sum_of_squares():
    rng = np.random.default_rng(1)
    check_all(sum_squares, [(rng.random(n),) for n in (0, 1, 2, 3, 1000, 100_001)], jit_opts=PAR, **FLOAT_TOL)


def test_int_reductions_exact():
    rng = np.random.default_rng(2)
    cases = [(rng.integers(-10**6, 10**6, n),) for n in (0, 1, 5, 997, 20_000)]
    for args in cases:
        check(int_reductions, *args, jit_opts=PAR)


def test_float_min_max_and_sum():
    rng = np.random.default_rng(3)
    for n in (1, 2, 17, 5000):
        check(float_min_max, rng.standard_normal(n), jit_opts=PAR, **FLOAT_TOL)


def test_per_row_and_element_updates():
    rng = np.random.default_rng(4)
    check(per_row, rng.random((200, 50)), jit_opts=PAR, **FLOAT_TOL)
    check(element_reduction, rng.random(1001), np.zeros(1001), jit_opts=PAR)


@numba_xfail("numba's prange only takes a step of 1")
def test_ranges_with_steps():
    for n in (0, 3, 4, 10, 1000, 12345):
        check(stepped, n, jit_opts=PAR)
        check(backwards, n, jit_opts=PAR)
        check(counted, n, jit_opts=PAR)


def test_nested_prange_and_serial_outer():
    rng = np.random.default_rng(5)
    m = rng.random((37, 23))
    check(nested, m, jit_opts=PAR, **FLOAT_TOL)
    check(serial_outer, m, jit_opts=PAR, **FLOAT_TOL)


def test_arrays_made_in_the_body():
    check(temporaries, np.random.default_rng(6).random((300, 8)), jit_opts=PAR, **FLOAT_TOL)


@numba_leaks("numba does not free the arrays live where compiled code raises")
def test_raise_in_a_thread():
    a = np.arange(1.0, 5001.0)
    a[3777] = -1.0
    check(raises_inside, a, jit_opts=PAR)
    check(raises_inside, np.arange(1.0, 100.0), jit_opts=PAR)


@pytest.mark.parametrize("threads", [1, 2])
def test_results_do_not_depend_on_thread_count(threads):
    f = jit(int_reductions, **PAR)
    a = np.arange(-3000, 7001)
    before = impl.get_num_threads()
    impl.set_num_threads(threads)
    try:
        assert impl.get_num_threads() == threads
        assert f(a) == int_reductions(a)
    finally:
        impl.set_num_threads(before)


def threads_inside(k, a):
    impl.set_num_threads(k)
    s = 0.0
    for i in prange(a.size):
        s += a[i]
    return impl.get_num_threads(), s


@numba_leaks("numba does not free the arrays live where compiled code raises")
def test_set_num_threads_in_compiled_code():
    f = impl.njit(parallel=True)(threads_inside)
    before = impl.get_num_threads()
    try:
        assert f(1, np.ones(100)) == (1, 100.0)
        assert impl.get_num_threads() == 1   # this thread's setting, as numba's
        with pytest.raises(ValueError, match="number of threads must be between 1 and"):
            f(0, np.ones(3))
    finally:
        impl.set_num_threads(before)


def test_set_num_threads_checks_its_argument():
    with pytest.raises(ValueError):
        impl.set_num_threads(0)
    with pytest.raises(ValueError):
        impl.set_num_threads(10**6)


def random_fill(n):
    out = np.empty(n)
    for i in prange(n):
        out[i] = np.random.random()
    return out


def test_random_streams_are_independent():
    out = jit(random_fill, **PAR)(200_000)
    assert out.min() >= 0.0 and out.max() < 1.0
    assert len(np.unique(out)) == len(out)   # no stream repeated across threads
    assert abs(out.mean() - 0.5) < 0.01


def test_python_threads_at_once():
    f = jit(sum_squares, **PAR)
    a = np.random.default_rng(7).random(300_000)
    want = float(np.dot(a, a))
    results, errs = [], []

    def work():
        try:
            for _ in range(20):
                results.append(f(a))
        except Exception as e:   # noqa: BLE001
            errs.append(e)
    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread is stuck"
    assert not errs
    assert len(results) == 80 and all(math.isclose(r, want, rel_tol=1e-9) for r in results)


def _child(q):
    f = jit(sum_squares, **PAR)
    q.put(f(np.arange(1000.0)))


@pytest.mark.skipif(sys.platform != "linux" or ON_NUMBA, reason="fork is the Linux default; numba's child is killed")
def test_fork_after_parallel_does_not_hang():
    f = jit(sum_squares, **PAR)
    f(np.arange(100_000.0))   # the parent has started its threads
    ctx = multiprocessing.get_context("fork")
    q = ctx.Queue()
    p = ctx.Process(target=_child, args=(q,))
    p.start()
    p.join(timeout=60)
    hung = p.is_alive()
    if hung:
        p.kill()
    assert not hung, "the forked child hung in parallel code"
    assert p.exitcode == 0
    assert q.get(timeout=5) == float(np.dot(np.arange(1000.0), np.arange(1000.0)))


@pytest.mark.skipif(ON_NUMBA, reason="EMBER_NUM_THREADS is ember's variable")
def test_env_num_threads():
    code = "import ember; print(ember.get_num_threads(), ember.config.NUM_THREADS)"
    env = dict(os.environ, EMBER_NUM_THREADS="1")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.stdout.split() == ["1", "1"], out.stderr
    env["EMBER_NUM_THREADS"] = "zero"
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode != 0 and "EMBER_NUM_THREADS" in out.stderr


# ------------------------------------------------------------------- races, located errors


def race(a):
    s = 0.0
    for i in prange(a.shape[0]):
        s = s * 0.5 + a[i]
    return s


def read_after(a):
    for i in prange(a.shape[0]):
        last = a[i]
    return last


def breaks(a):
    for i in prange(a.shape[0]):
        if a[i] < 0:
            break
    return 0


def mixed_ops(a):
    s = 1.0
    for i in prange(a.shape[0]):
        s += a[i]
        s *= 2.0
    return s


@pytest.mark.skipif(ON_NUMBA, reason="numba runs these, with results that depend on the threads")
@pytest.mark.parametrize("fn, words", [(race, "race"), (read_after, "read after"), (mixed_ops, "race"),
                                       (breaks, "break")])
def test_unsafe_loops_are_located_errors(fn, words):
    with pytest.raises((errors.TypingError, errors.UnsupportedError)) as ei:
        jit(fn, **PAR)(np.arange(10.0))
    msg = str(ei.value)
    assert words in msg and "test_parallel.py" in msg


def test_prange_without_parallel_is_range():
    check(sum_squares, np.arange(10.0))
    check(int_reductions, np.arange(-5, 50))


def test_numbas_own_prange_is_prange():
    # code that mixes `from numba import prange` with ember's njit: Numba's prange is known by
    # its module and name (Numba is not imported for it)
    numba = pytest.importorskip("numba")
    src = "def f(x):\n    s = 0.0\n    for i in prange(x.shape[0]):\n        s += x[i]\n    return s\n"
    ns = {"prange": numba.prange}
    exec(src, ns)
    assert jit(ns["f"], **PAR)(np.arange(100.0)) == 4950.0


# ------------------------------------------- array expressions and whole-array reductions
# With parallel=True the fused loop of an array expression and the fold of an axis=None
# reduction run on the runner from 2**14 elements; smaller ones stay in the calling thread.

SMALL, BIG = 1000, 3 * 2**14 + 7   # below and above the size where they go parallel


def expr3(a, b, c):
    return a + b * c


def expr_ufuncs(a, b):
    return np.where(a > b, np.sin(a) * 2.0, np.maximum(a, b) - 1.0)


def expr_int(a, b):
    return (a * 3 - b) // 7 + a % 5


def expr_compare(a, b):
    return (a < b) | (a > 0.9)


def reuse(a, b):
    return a * a + a * 2.0 + (a := b) * 3.0 + a   # the last a is b: not the array read before


def assign_slice(a, b):
    a[1:-1] = b[2:] * 2.0 + 1.0
    return a


def add_in_place(a, b):
    a += b * 2.0
    return a


def shift_add(a):
    a[1:] += a[:-1]   # the operand overlaps the target: read from a copy, as NumPy does
    return a


def filled(n):
    return np.full((n, 3), 2.5) + np.zeros((n, 1))


def rows_normalised(m):
    out = np.empty_like(m)
    for i in prange(m.shape[0]):
        out[i, :] = m[i, :] / m[i, :].sum()   # runners nested in a prange body run serially
    return out


def _layouts(rng, n):
    """(name, a, b, c): operands of one shape in several layouts, and broadcasting ones."""
    rows = max(n // 64, 2)
    m = lambda *s: rng.random(s)   # noqa: E731
    return [
        ("1d", m(n), m(n), m(n)),
        ("2d C", m(rows, 64), m(rows, 64), m(rows, 64)),
        ("2d F", m(64, rows).T, m(64, rows).T, m(rows, 64)),
        ("strided", m(2 * n)[::2], m(3 * n)[::3], m(n)),
        ("2d views", m(rows, 130)[:, 1:129:2], m(rows, 64), m(2 * rows, 64)[::2]),
        ("broadcast row", m(rows, 64), m(64), 3.0),
    ]


def _stretched(rng, n):
    """Operands broadcast along dimensions of length 1."""
    rows = max(n // 64, 2)
    m = lambda *s: rng.random(s)   # noqa: E731
    return [
        ("broadcast column", m(rows, 1), m(64), m(rows, 64)),
        ("3d", m(4, rows // 4 + 1, 16), m(16), m(rows // 4 + 1, 1)),
        ("one row", m(1, n), m(n), 2.0),
    ]


def _check_expressions(cases):
    for name, a, b, c in cases:
        check(expr3, a, b, c, jit_opts=PAR)
        check(expr_ufuncs, a, b, jit_opts=PAR)
        check(expr_compare, a, b, jit_opts=PAR)


@pytest.mark.parametrize("n", [SMALL, BIG])
def test_array_expressions(n):
    rng = np.random.default_rng(20)
    _check_expressions(_layouts(rng, n))
    for a in (rng.random(n), rng.random(2 * n)[::2], rng.random((n // 10, 20))[:, ::2]):
        check(reuse, a, a[::-1].copy(), jit_opts=PAR)
    ia, ib = rng.integers(-1000, 1000, n), rng.integers(-50, 50, (n, 4))
    check(expr_int, ia, ia[::-1], jit_opts=PAR)
    check(expr_int, ib.copy(order="F"), ib[::-1], jit_opts=PAR)


@numba_xfail("numba's parallel array expressions do not broadcast a smaller operand in every case")
@pytest.mark.parametrize("n", [SMALL, BIG])
def test_array_expressions_broadcasting(n):
    rng = np.random.default_rng(27)
    check(add_in_place, rng.random((10, n // 10)).T, rng.random(10), jit_opts=PAR)
    _check_expressions(_stretched(rng, n))


@pytest.mark.parametrize("n", [SMALL, BIG])
def test_array_assignments(n):
    rng = np.random.default_rng(21)
    check(assign_slice, rng.random(n), rng.random(n), jit_opts=PAR)
    check(add_in_place, rng.random((n // 10, 10)), rng.random((n // 10, 10)).T.copy().T, jit_opts=PAR)
    check(filled, n, jit_opts=PAR)


@numba_xfail("numba's parallel in-place operator reads an overlapping operand as it writes the target")
@pytest.mark.parametrize("n", [SMALL, BIG])
def test_overlapping_in_place(n):
    check(shift_add, np.random.default_rng(29).random(n), jit_opts=PAR)


@numba_xfail("numba's parallel array expressions assert instead of raising ValueError")
def test_array_expressions_broadcast_errors():
    a = np.ones(BIG)
    check(expr3, a, np.ones(BIG - 1), a, jit_opts=PAR)
    check(expr3, np.ones((3, BIG)), np.ones((2, 1)), 1.0, jit_opts=PAR)
    check(assign_slice, a, np.ones(BIG + 1), jit_opts=PAR)


def test_array_expressions_nested_in_prange():
    check(rows_normalised, np.random.default_rng(22).random((6, BIG)) + 0.5, jit_opts=PAR, **FLOAT_TOL)


def powers(a, b):
    return a ** b


@numba_skip("compares ember's serial and parallel errors")
def test_error_in_a_chunk_reaches_the_caller():
    a = np.arange(BIG)
    b = np.ones(BIG, dtype=np.int64)
    b[BIG - 5] = -1   # in the last chunk: an integer to a negative power raises ValueError
    serial, par = jit(powers), jit(powers, **PAR)
    with pytest.raises(ValueError) as want:
        serial(a, b)
    with pytest.raises(ValueError) as got:
        par(a, b)
    assert str(got.value) == str(want.value)
    b[BIG - 5] = 1
    assert np.array_equal(par(a, b), a ** 1)


def r_sum(a):
    return np.sum(a)


def r_method_sum(a):
    return a.sum()


def r_prod(a):
    return np.prod(a)


def r_min(a):
    return np.min(a)


def r_max(a):
    return a.max()


def r_argmin(a):
    return np.argmin(a)


def r_argmax(a):
    return a.argmax()


def r_mean(a):
    return np.mean(a)


def r_var(a):
    return a.var()


def r_std(a):
    return np.std(a)


def r_all_any_count(a):
    return np.all(a), np.any(a), np.count_nonzero(a)


def r_sum_of_expr(a, b):
    return np.sum(a * b + 1.0)


REDUCTIONS = [r_sum, r_method_sum, r_prod, r_min, r_max, r_argmin, r_argmax, r_mean, r_var, r_std]


@pytest.mark.parametrize("n", [1, SMALL, BIG])
def test_int_reductions_of_arrays_exact(n):
    rng = np.random.default_rng(23)
    a = rng.integers(-10**6, 10**6, n)
    for f in REDUCTIONS:
        cases = [(a,), (a[::-3],), (a[: n - n % 8].reshape(-1, 8).T,) if n >= 8 else (a,)]
        for args in cases:
            if f in (r_mean, r_var, r_std):
                check(f, *args, jit_opts=PAR, **FLOAT_TOL)
            else:
                check(f, *args, jit_opts=PAR)   # exact
    signs = rng.choice(np.array([-1, 1, 1, 2]), n)   # the product wraps as NumPy's does
    check(r_prod, signs, jit_opts=PAR)
    check(r_all_any_count, a % 3, jit_opts=PAR)
    check(r_all_any_count, (a % 7).astype(np.bool_), jit_opts=PAR)


@pytest.mark.parametrize("n", [1, SMALL, BIG])
def test_float_reductions_of_arrays(n):
    rng = np.random.default_rng(24)
    a = rng.standard_normal(n)
    for f in REDUCTIONS:
        for args in [(a,), (a[::2],), (a[: n - n % 4].reshape(4, -1).T,) if n >= 4 else (a,)]:
            check(f, *args, jit_opts=PAR, **FLOAT_TOL)
    check(r_sum_of_expr, a, a[::-1], jit_opts=PAR, **FLOAT_TOL)
    check(r_all_any_count, np.round(a), jit_opts=PAR)


@numba_xfail("numba does not order complex numbers")
@pytest.mark.parametrize("n", [1, SMALL, BIG])
def test_complex_reductions_of_arrays(n):
    rng = np.random.default_rng(28)
    c = rng.standard_normal(n) + 1j * rng.standard_normal(n)
    for f in (r_sum, r_mean, r_var, r_argmax, r_min):
        check(f, c, jit_opts=PAR, **FLOAT_TOL)


@numba_xfail("numba's mean of an empty array raises ZeroDivisionError")
@pytest.mark.filterwarnings("ignore::RuntimeWarning")   # NumPy's mean of nothing
@pytest.mark.parametrize("dtype", [np.int64, np.float64])
def test_reductions_of_empty_arrays(dtype):
    for f in REDUCTIONS:   # sums are 0; min, max, argmin and argmax raise ValueError
        check(f, np.empty(0, dtype), jit_opts=PAR)
        check(f, np.empty((0, 3), dtype).T, jit_opts=PAR)


@numba_xfail("numba's parallel min and max drop NaN")
@pytest.mark.parametrize("where", [[5], [BIG - 3], [BIG // 2, 7], [BIG // 2 + 1, BIG - 1]])
def test_nan_wins_in_min_max(where):
    a = np.random.default_rng(25).random(BIG)
    a[where] = np.nan   # NaN propagates from any chunk; argmin/argmax give the first one
    for f in (r_min, r_max, r_argmin, r_argmax, r_sum):
        check(f, a, jit_opts=PAR)


def test_ties_give_the_first_index():
    a = np.zeros(BIG)
    a[[3, BIG - 2]] = 5.0
    a[[BIG // 2 + 10, BIG - 1]] = -5.0
    for f in (r_argmin, r_argmax, r_min, r_max):
        check(f, a, jit_opts=PAR)
        check(f, a.astype(np.int64), jit_opts=PAR)


@numba_skip("compares ember's serial and parallel code")
def test_small_reductions_equal_serial_bit_for_bit():
    a = np.random.default_rng(26).standard_normal(SMALL) * 1e6
    for f in (r_sum, r_mean, r_std):
        assert jit(f, **PAR)(a) == jit(f)(a)


@pytest.mark.parametrize("threads", [1, 2])
def test_array_reductions_do_not_depend_on_thread_count(threads):
    a = np.arange(-3 * BIG, 4 * BIG, 3)
    before = impl.get_num_threads()
    impl.set_num_threads(threads)
    try:
        for f in (r_sum, r_prod, r_min, r_argmax):
            assert jit(f, **PAR)(a) == f(a)
        assert np.array_equal(jit(expr_int, **PAR)(a, a[::-1]), expr_int(a, a[::-1]))
    finally:
        impl.set_num_threads(before)


@numba_skip("reads ember's LLVM IR")
@pytest.mark.parametrize("fn, args", [(expr3, (np.ones(4), np.ones(4), 2.0)), (r_sum, (np.ones(4),)),
                                      (r_argmin, (np.ones((2, 2)),)), (assign_slice, (np.ones(4), np.ones(4)))])
def test_parallel_code_calls_the_runner(fn, args):
    def ir(disp):
        disp(*args)
        text = disp.inspect_llvm()
        return "".join(text.values()) if isinstance(text, dict) else text
    assert "ember_rt_parallel_for" in ir(impl.njit(parallel=True)(fn))
    assert "ember_rt_parallel_for" not in ir(impl.njit(fn))


@pytest.mark.parametrize("n", [0, 1, 13, 1000, 100003])
def test_counting_reductions_and_steps_at_run_time(n):
    """An int count over a contiguous run (the chunk knows prange(n)'s step is 1), and steps
    known only at run time, forwards and backwards."""
    a = np.random.default_rng(n).random(n)
    check(counted, a, 0.5)
    for start, step in ((0, 1), (1, 3), (2, 1000)):
        check(stepped_at_run_time, a, start, step)


# ------------------------------------------------------------------- reductions into arrays


def column_sums(A):
    acc = np.zeros(A.shape[1], A.dtype)
    for i in prange(A.shape[0]):
        acc += A[i]
    return acc


def into_argument(A, acc):
    for i in prange(A.shape[0]):
        acc += A[i] * 2
    return acc


def column_products(A):
    acc = np.ones(A.shape[1], A.dtype)
    for i in prange(A.shape[0]):
        acc *= A[i]
    return acc


def minus_and_scalar(A):
    acc = np.zeros(A.shape[1])
    s = 0.0
    for i in prange(A.shape[0]):
        acc -= A[i]
        s += A[i, 0]
    return acc, s


def rebinding(A, acc):
    for i in prange(A.shape[0]):
        acc = acc + A[i]
    return acc


def outer_products(A):
    acc = np.zeros((A.shape[1], A.shape[1]))
    for i in prange(A.shape[0]):
        acc += np.outer(A[i], A[i])
    return acc


def histogram_rows(labels, k):
    counts = np.zeros((labels.shape[1], k), np.int64)
    for i in prange(labels.shape[0]):
        row = np.zeros((labels.shape[1], k), np.int64)
        for j in range(labels.shape[1]):
            row[j, labels[i, j]] = 1
        counts += row
    return counts


def failing_row(A):
    acc = np.zeros(A.shape[1])
    for i in prange(A.shape[0]):
        if A[i, 0] < 0:
            raise ValueError("negative row")
        acc += A[i]
    return acc


@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64, np.int32, np.uint8, np.complex128])
@pytest.mark.parametrize("n", [0, 1, 7, 1000])
def test_reductions_into_arrays(n, dtype):
    """acc += A[i] over a prange (numba's array reductions): each chunk into an array of its own,
    folded into acc in chunk order; ints exact (uint8 wraps as NumPy's), floats within
    reassociation error."""
    rng = np.random.default_rng(n)
    A = (rng.random((n, 5)) * 7).astype(dtype)
    if dtype == np.complex128:
        A = A + 1j * A[::-1]
    tol = {"rtol": 1e-5} if dtype == np.float32 else FLOAT_TOL
    check(column_sums, A, **tol)
    if not (ON_NUMBA and dtype == np.uint8):   # numba fails typing uint8 += (uint8 * 2) in a prange
        check(into_argument, A, np.arange(5).astype(dtype), **tol)   # the caller's array, written in place
    small = (A[: min(n, 6)] % 3 + 1).astype(dtype) if dtype != np.complex128 else A[: min(n, 6)]
    check(column_products, small, **tol)


@pytest.mark.parametrize("threads", [1, 2])
def test_reductions_into_arrays_any_thread_count(threads):
    A = np.random.default_rng(threads).standard_normal((2001, 4))
    labels = np.random.default_rng(7).integers(0, 3, (500, 4))
    before = impl.get_num_threads()
    impl.set_num_threads(threads)
    try:
        check(minus_and_scalar, A, **FLOAT_TOL)
        check(rebinding, A, np.ones(4), **FLOAT_TOL)   # acc = acc + e: the argument stays as it was
        check(outer_products, A[:300], **FLOAT_TOL)
        check(histogram_rows, labels, 3)
        got = jit(column_sums, **PAR)(np.arange(12000.0).reshape(4000, 3))
        assert np.array_equal(got, np.arange(12000.0).reshape(4000, 3).sum(axis=0))   # exact: integral floats
    finally:
        impl.set_num_threads(before)


def into_2d_argument(A, acc):
    for i in prange(A.shape[0]):
        acc += A[i] * 0.5
    return acc


def rebinding_2d(A, acc):
    for i in prange(A.shape[0]):
        acc = acc + A[i]
    return acc


def test_reductions_into_arrays_of_any_layout():
    """acc C-, F- or not contiguous (a view): each chunk's array has acc's layout kind, so the
    loop's code, compiled for acc's type, reads it right."""
    A = np.random.default_rng(3).standard_normal((3001, 4, 5))
    for acc in (np.ones((4, 5)), np.asfortranarray(np.ones((4, 5))), np.ones((8, 5))[::2], np.ones((5, 4)).T):
        check(into_2d_argument, A, acc.copy() if acc.flags.owndata else acc, **FLOAT_TOL)
        check(rebinding_2d, A, acc, **FLOAT_TOL)


def test_reduction_into_an_array_raising_in_a_chunk():
    A = np.ones((3000, 3))
    check(failing_row, A)
    A[2500, 0] = -1.0
    check(failing_row, A)   # ValueError from the chunk; the other chunks' arrays are dropped (no_leaks)


def grows(A):
    acc = np.zeros(1)
    for i in prange(A.shape[0]):
        acc = acc + A[i]
    return acc


def reads_acc(A):
    acc = np.zeros(A.shape[1])
    for i in prange(A.shape[0]):
        acc += A[i] * acc[0]
    return acc


@numba_skip("numba gives an array whatever the shapes (zeros for acc = acc + e)")
def test_array_reductions_that_cannot_run_in_chunks():
    with pytest.raises(ValueError, match="broadcasting"):
        jit(grows, **PAR)(np.ones((10, 3)))
    with pytest.raises(errors.TypingError, match="race") as ei:
        jit(reads_acc, **PAR)(np.ones((10, 3)))
    assert "test_parallel.py" in str(ei.value)


# ---- get_thread_id() and get_num_threads() in compiled code ------------------------------------

def per_thread_scratch(a):
    nt = impl.get_num_threads()
    partial = np.zeros(nt)
    for i in impl.prange(a.shape[0]):
        t = impl.get_thread_id()
        partial[t] += a[i]
    return partial.sum(), nt, impl.get_thread_id()


@pytest.mark.parametrize("threads", [1, 2])
def test_thread_id_and_count_in_compiled_code(threads):
    before = impl.get_num_threads()
    impl.set_num_threads(threads)
    try:
        a = np.arange(10000.0)
        total, nt, outside = jit(per_thread_scratch, parallel=True)(a)
        assert total == a.sum() and nt == threads and outside == 0
    finally:
        impl.set_num_threads(before)


def output_with_numba_setting(name, value, code):
    """What code prints in a child process given NUMBA_<name>=value and no EMBER_<name>."""
    env = {k: v for k, v in os.environ.items() if k != "EMBER_" + name}
    env["NUMBA_" + name] = value
    p = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    return p.stdout.split()


@numba_skip("reads ember's own environment in a child process")
def test_numba_num_threads_is_read_when_ember_num_threads_is_not_set():
    code = "import ember; print(ember.get_num_threads(), ember.config.NUMBA_NUM_THREADS)"
    assert output_with_numba_setting("NUM_THREADS", "1", code) == ["1", "1"]


def pndindex_sum(a):
    s = np.zeros(a.shape[1])
    for i, j in impl.pndindex(a.shape):
        s[j] += a[i, j]
    return s


def test_pndindex_loops_over_every_index():
    a = np.arange(12.0).reshape(3, 4)
    assert np.array_equal(jit(pndindex_sum, parallel=True)(a), a.sum(axis=0))


def conditional_reductions(a):
    c = 0
    s = 0.0
    p = 1.0
    for i in prange(a.shape[0]):
        c += 1 if a[i] > 0.5 else 0
        s -= a[i] if a[i] < 0.25 else 2.0 * a[i]
        p *= 1.0001 if a[i] > 0.9 else 1.0
    return c, s, p


def test_a_reduction_of_a_conditional_expression():
    a = np.random.default_rng(2).random(5000)
    check(conditional_reductions, a, jit_opts={"parallel": True}, rtol=1e-12)


@numba_skip("reads ember's own environment in a child process")
def test_numba_disable_jit_is_read_when_ember_disable_jit_is_not_set():
    code = "import ember\ndef f(x): return x\nprint(ember.njit(f) is f)"
    assert output_with_numba_setting("DISABLE_JIT", "1", code) == ["True"]


def f32_reductions(u):
    s = np.float32(0)
    p = np.float32(1)
    m = np.float32(-np.inf)
    t = 0.0
    for i in prange(u.shape[0]):
        s += u[i]
        p *= np.float32(1.0000001)
        m = max(m, u[i])
        t += u[i]
    return s, p, m, t


def test_float32_reduction_combines_in_float32():
    # as Numba: a float32 variable's partial sums, and their combination, are float32
    u = np.arange(100000, dtype=np.float32) * np.float32(0.001)
    s, p, m, t = jit(f32_reductions, parallel=True)(u)
    assert all(float(np.float32(x)) == x for x in (s, p, m))
    assert abs(s - float(u.astype(np.float64).sum())) < 50 and m == float(u.max())
    small = np.arange(10, dtype=np.float32) * np.float32(0.1)
    assert jit(f32_reductions, parallel=True)(small)[0] == 4.5   # float64 partials gave 4.500000081956387


def quotient_reduction(a):
    s = 1024.0
    for i in prange(a.shape[0]):
        s /= a[i]
    return s


def test_division_reduction():
    # s /= e is a reduction, as in numba: the partials multiply the 1 / e
    a = np.array([2.0, 4.0, 0.5, 1.0, 8.0, 0.25] * 50)
    check(quotient_reduction, a, jit_opts={"parallel": True}, rtol=1e-12)


def divide_rows(a, b):
    out = np.empty_like(a)
    q = np.empty(a.shape[0], np.int64)
    for i in prange(a.shape[0]):
        out[i] = a[i] / b[i]
        q[i] = int(a[i]) // int(b[i]) + int(a[i]) % int(b[i])
    return out, q


@numba_leaks("its ZeroDivisionError leaves the arrays allocated")
def test_prange_body_divides_as_numpy():
    # numba compiles a prange body with error_model="numpy": x / 0.0 is inf or nan, x // 0 and
    # x % 0 are 0; the same loop outside parallel=True raises
    a, b = np.arange(6.0), np.array([0.0, 1.0, 0.0, 2.0, 0.0, 3.0])
    out, q = jit(divide_rows, parallel=True)(a, b)
    with np.errstate(divide="ignore", invalid="ignore"):
        want = a / b
    assert np.array_equal(out, want, equal_nan=True)
    assert list(q) == [0, 1, 0, 2, 0, 3]
    with pytest.raises(ZeroDivisionError):
        jit(divide_rows)(a, b)


def divide_by_a_dimension(a):
    q = np.empty(a.shape[0], np.int64)
    w = a.shape[1]
    for i in prange(a.shape[0]):
        q[i] = (i * 7) // w + (i * 7) % w + i // (w + 1)
    return q


def test_prange_body_divides_nonnegatives_as_numpy():
    # operands typing knows >= 0 (a prange index, a dimension) divide unsigned in the body (the
    # divisions of a nearest-neighbour resize: 0.27 -> 0.13 ms on one thread, numba 0.13), and
    # a zero divisor still gives NumPy's 0
    assert list(jit(divide_by_a_dimension, parallel=True)(np.zeros((4, 0)))) == [0, 1, 2, 3]   # (w + 1 is 1)
    for shape in ((6, 4), (9, 1), (1, 3)):
        x = np.zeros(shape)
        assert list(jit(divide_by_a_dimension, parallel=True)(x)) == list(divide_by_a_dimension(x))


def closures_in_the_body(a, k, w):
    g = lambda x: k * x + 1.0        # noqa: E731  (captures a number)
    h = lambda i: w[i] * 2.0         # noqa: E731  (captures an array)
    o1 = np.empty_like(a)
    o2 = np.empty_like(a)
    s = 0.0
    for i in prange(a.size):
        o1[i] = g(a[i])
        o2[i] = h(i)
        s += g(w[i])
    return o1, o2, s


def test_closures_called_in_the_body_read_what_they_captured():
    # the outlined body gets the variables a closure captured, not only those the loop reads
    rng = np.random.default_rng(40)
    for n in (1, 4, 1000):
        check(closures_in_the_body, rng.random(n), 3.0, rng.random(n) + 5.0, jit_opts=PAR, **FLOAT_TOL)


def written_under_a_flag(x, flag):
    out = np.zeros(x.shape[0])
    for i in prange(x.shape[0]):
        if flag:
            c = x[i] * 2.0          # read below under the same flag: each thread's own, as numba's
        out[i] = x[i]
        if flag:
            out[i] += c
    return out


def written_on_every_feasible_path(a):
    out = np.zeros(a.shape[0], np.int64)
    for k in prange(a.shape[0]):
        if a[k] > 0:
            if a[k] > 5:
                off = 1
            if a[k] <= 5:
                off = 2
        else:
            off = 3
        out[k] = k + off
    return out


def pairwise_with_mask(X, unequal):
    n, m = X.shape
    out = np.zeros((n, n))
    if not unequal:
        bm = np.ones((m, m), dtype=np.bool_)
    for i in prange(n):
        for j in range(i + 1, n):
            if unequal:
                bm = np.ones((m, m), dtype=np.bool_)   # else the one made before the loop
            s = 0.0
            for k in range(m):
                if bm[k, k]:
                    s += abs(X[i, k] - X[j, k])
            out[i, j] = s
    return out


@numba_leaks("numba leaks the arrays a prange body rebinds")
def test_private_variable_given_a_value_before_the_loop():
    # aeon's pairwise distances: each thread's variable starts as the value before the loop (it was
    # uninitialised: zeros, or a crash)
    X = np.arange(40.0).reshape(8, 5) ** 1.5
    for unequal in (False, True):
        check(pairwise_with_mask, X, unequal, jit_opts=PAR)


def correlogram_counts(t, w):
    out = np.zeros((t.size, 4), np.int64)
    start_j = 0
    for i in prange(t.size):
        for j in range(start_j, t.size):
            d = t[i] - t[j]
            if d > w:
                start_j += 1       # a reduction read in the body: each thread's partial, from 0
                continue
            if d < -w:
                break
            out[i, d % 4] += 1
    return out


def test_reduction_read_in_the_body():
    # SpikeInterface's correlograms: as Numba, the reads see the thread's partial sum
    t = np.sort(np.random.default_rng(0).integers(0, 1000, 300))
    check(correlogram_counts, t, 5, jit_opts=PAR)


def test_variables_written_on_some_paths_are_private():
    # read only where some path of the iteration wrote them: private (numba's), not a race
    x = np.random.default_rng(41).random(1001)
    for flag in (True, False):
        check(written_under_a_flag, x, flag, jit_opts=PAR)
    check(written_on_every_feasible_path, np.arange(-500, 501), jit_opts=PAR)


def residual_variances(matrix, sums_genes, sums_cells, total, clip, theta):
    n_cells, n_genes = matrix.shape

    def clipped(gene, cell):   # (scanpy's Pearson residuals)
        mu = sums_genes[gene] * sums_cells[cell] / total
        r = (matrix[cell, gene] - mu) / math.sqrt(mu + mu * mu / theta)
        return min(max(r, -clip), clip)

    out = np.zeros(n_genes)
    for gene in prange(n_genes):
        s = 0.0
        for cell in range(n_cells):
            s += clipped(gene, cell)
        m = s / n_cells
        v = 0.0
        for cell in range(n_cells):
            d = clipped(gene, cell) - m
            v += d * d
        out[gene] = v / n_cells
    return out


@numba_skip("ember's generated code")
def test_a_closure_called_in_a_prange_body_is_inlined():
    # as Numba inlines closures: LLVM's cost model left it a call per element in the outlined body
    # (17.3 ms against 12.8 serial and numba's 12.8)
    rng = np.random.default_rng(4)
    counts = rng.negative_binomial(2, 0.5, (60, 20)).astype(np.float64) + 1.0
    args = (counts, counts.sum(0), counts.sum(1), counts.sum(), 3.0, 100.0)
    f = impl.njit(parallel=True)(residual_variances)
    np.testing.assert_allclose(f(*args), residual_variances(*args), rtol=1e-12)
    ir = "\n".join(f.inspect_llvm().values())
    assert not [line for line in ir.splitlines() if " call " in line and ".inner" in line], "a call of the closure is left"


def relax_rows(path):
    for k in range(path.shape[0]):
        for i in prange(path.shape[0]):
            path[i, :] = np.minimum(path[i, :], path[i, k] + path[k, :])
    return path


def row_sums_in_prange(a):
    out = np.empty(a.shape[0])
    for i in prange(a.shape[0]):
        out[i] = np.sum(a[i] * 2.0) + a[i].max()
    return out


def test_array_work_in_a_prange_body_runs_on_its_thread():
    # (npbench's floyd_warshall: each row's np.minimum ran as an outlined one-chunk region, 2.2
    # against 1.6 ms on 2 threads, 4.0 against 2.9 on one); the results stay the serial ones
    n = 40
    p = np.fromfunction(lambda i, j: i * j % 7 + 1, (n, n), dtype=np.int32)
    np.testing.assert_array_equal(impl.njit(parallel=True)(relax_rows)(p.copy()), relax_rows(p.copy()))
    a = np.random.default_rng(5).standard_normal((30, 17))
    np.testing.assert_allclose(impl.njit(parallel=True)(row_sums_in_prange)(a), row_sums_in_prange(a), rtol=1e-13)
