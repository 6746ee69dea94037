"""Array expressions written as named steps (`d = x - y`, then `e = d * d`, then `e.sum()`):
a variable stored once and read once, later in the same block, hands its expression to its one
user, so the steps fuse as if written in one line. Every case here is one where forwarding the
variable would change the result if it ignored what lies between the store and the read (a
write into an operand, a second read, a loop, a closure, a yield, a branch), and the common
shapes (chains, views, reductions, in place, parallel) against CPython."""

import numpy as np
import pytest

import ember
from difftest import ON_NUMBA, check, impl, no_leaks, numba_skip  # noqa: F401  (autouse: every test frees what it allocates)


def chain_sum(x):
    b = x * 3.0
    c = b + 1.0
    return c.sum()


def chain_array(x, y):
    d = x - y
    e = d * d
    f = np.sqrt(e) + 1.0
    return f


def views_norm(x):
    dx = x[1:] - x[:-1]
    d2 = dx * dx
    return np.sqrt(d2.sum()), np.sum(d2, axis=0)


def through_copies(x):
    b = x * 2.0
    c = b          # a second variable holding the same expression
    return c + 1.0


def returned(x):
    b = x * 2.0 - 1.0
    return b


def operand_written_between(x):
    b = x * 2.0
    x[0] = 100.0   # b holds the values from before the write
    return b + 1.0


def result_written_between(x):
    b = x * 2.0
    b[0] = -5.0    # a store into b itself: b is read twice
    return b + 1.0


def read_twice(x):
    b = x * 2.0
    return b + 1.0, b * 3.0


def in_a_loop(x):
    s = 0.0
    for i in range(4):
        b = x * float(i)
        s += (b + 1.0).sum()
    return s


def carried_round_a_loop(x):
    b = x * 0.0
    for i in range(3):
        c = b + x   # b from the trip before
        b = c * 0.5
    return b


def across_a_branch(x, flag):
    b = x * 2.0
    if flag:
        return b + 1.0
    return b - 1.0


def in_place_after(x):
    b = x * 2.0
    b += 1.0
    return b * 3.0


def deleted(x):
    b = x * 2.0
    c = b + 1.0
    del b
    return c


def closure_reads(x):
    b = x * 2.0

    def inner():
        return b.sum()
    return inner() + (x + 1.0).sum()


def call_between(x, f):
    b = x * 2.0
    f(x)           # may write x: b is made before it
    return b + 1.0


def _bump_py(a):
    a += 10.0


_bump = impl.njit(_bump_py)


def call_between_compiled(x):
    b = x * 2.0
    _bump(x)
    return b + 1.0


def ints_and_compare(a, b):
    s = a * b
    big = s > 10
    return np.count_nonzero(big), s.max(), np.where(big, s, 0)


def two_d_axis(m):
    c = m - m.mean(axis=0)
    sq = c * c
    return sq.sum(axis=0), np.sqrt(sq.sum(axis=1))


def float32_steps(x):
    y = x * np.float32(2.0)
    z = y + np.float32(0.5)
    return z.sum(), z


ARRS = [np.linspace(-3.0, 7.0, 1001), np.array([1.5]), np.arange(6.0)]


@pytest.mark.parametrize("x", ARRS, ids=["1001", "1", "6"])
def test_chains_and_views(x):
    check(chain_sum, x)
    check(chain_array, x, x[::-1].copy())
    check(through_copies, x)
    check(returned, x)
    check(in_a_loop, x)
    check(carried_round_a_loop, x)
    check(float32_steps, x.astype(np.float32))


@pytest.mark.parametrize("x", ARRS, ids=["1001", "1", "6"])
def test_what_lies_between_the_store_and_the_read(x):
    check(operand_written_between, x)
    check(result_written_between, x)
    check(read_twice, x)
    check(across_a_branch, x, True)
    check(across_a_branch, x, False)
    check(in_place_after, x)
    check(closure_reads, x)
    check(call_between_compiled, x)


def test_a_compiled_callee_writing_the_operand():
    x = np.arange(5.0)
    got = impl.njit(call_between)(x.copy(), _bump)
    np.testing.assert_array_equal(got, np.arange(5.0) * 2.0 + 1.0)


def test_ints_and_compare():
    a = np.arange(-20, 40).reshape(6, 10)
    check(ints_and_compare, a, a[::-1].copy())


@numba_skip("numba takes no axis= in these reductions, and no del of a local")
@pytest.mark.parametrize("x", ARRS, ids=["1001", "1", "6"])
def test_axes_views_and_del(x):
    check(views_norm, x)
    check(deleted, x)
    check(two_d_axis, np.linspace(0.0, 1.0, 60).reshape(6, 10) ** 2)


def gen_steps(x):
    b = x * 2.0
    yield 0.0
    yield (b + 1.0).sum()   # the caller writes x between the yields


def test_a_generator_keeps_the_value_across_a_yield():
    x = np.arange(4.0)
    g = impl.njit(gen_steps)(x)
    next(g)
    x[:] = 100.0
    assert next(g) == (np.arange(4.0) * 2.0 + 1.0).sum()


@ember.njit(parallel=True)
def parallel_steps(x, y):
    d = x - y
    e = d * d
    return np.sqrt(e.sum()), e + 1.0


def test_parallel():
    x, y = np.linspace(0.0, 1.0, 5000), np.linspace(1.0, 3.0, 5000)
    got = parallel_steps(x, y)
    d = x - y
    assert np.isclose(got[0], np.sqrt((d * d).sum()), rtol=1e-12)
    np.testing.assert_array_equal(got[1], d * d + 1.0)


def one_line_sum(x):
    return (x * 3.0 + 1.0).sum()


@pytest.mark.skipif(ON_NUMBA, reason="counts ember's runtime blocks")
def test_steps_fuse_into_one_loop():
    """The named steps allocate what the expression written in one line does (no temporaries)."""
    x = np.linspace(0.0, 1.0, 100000)

    def allocs(f):
        f(x)
        before = ember._ember.rt_stats()["allocs"]
        f(x)
        return ember._ember.rt_stats()["allocs"] - before

    assert allocs(ember.njit(chain_sum)) == allocs(ember.njit(one_line_sum))
