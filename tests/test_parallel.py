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

from difftest import ON_NUMBA, check, check_all, errors, impl, jit, no_leaks, numba_leaks, numba_xfail  # noqa: F401

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
