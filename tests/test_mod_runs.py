"""`a % n` in a loop, with n not a constant: codegen/lower_ops.c keeps each site's last a, n and
result, and takes a result that moved by one from the last without dividing (a periodic index,
(j + 1) % m), where the dividend may step by one (a loop index, plus or minus anything). Differential against CPython: runs that step by 0 and 1, runs that jump, step
back or wrap around int64, divisors that change, are negative, or are zero (which must still
raise ZeroDivisionError at the same trip), and a torus Game of Life step."""

import re

import numpy as np
import pytest

from difftest import ON_NUMBA, check, check_all, jit, no_leaks  # noqa: F401

I64_MAX, I64_MIN = 2**63 - 1, -(2**63)


def neighbours_on_a_ring(x):
    n = x.shape[0]
    out = np.empty(n)
    for i in range(n):
        out[i] = x[(i - 1) % n] + 2.0 * x[i] + x[(i + 1) % n]
    return out


def mod_of_each(a, m):
    out = np.empty(a.shape[0], np.int64)
    for i in range(a.shape[0]):
        out[i] = a[i] % m
    return out


def mod_by_each(a, ms):
    # int(): CPython's int % raises for 0, as compiled code must (NumPy's scalars give 0)
    out = np.empty(a.shape[0], np.int64)
    for i in range(a.shape[0]):
        out[i] = int(a[i]) % int(ms[i])
    return out


def mod_of_offsets(d, m):
    # i + d[i]: a loop index plus anything may step by one, so the site keeps its run (an
    # array element alone divides at once); d = a - arange(n) makes the dividends a's values
    out = np.empty(d.shape[0], np.int64)
    for i in range(d.shape[0]):
        out[i] = (i + d[i]) % m
    return out


def mod_by_each_offset(d, ms):
    out = np.empty(d.shape[0], np.int64)
    for i in range(d.shape[0]):
        out[i] = (i + int(d[i])) % int(ms[i])
    return out


def offsets(a):
    return a - np.arange(a.shape[0], dtype=np.int64)   # wraps where a is near int64's ends


def counter_mod(start, stop, m):
    s = 0
    k = start
    while k < stop:
        s = s * 3 + k % m
        k += 1
    return s


def repeated(a, m):
    # the same a twice in a row, then one more
    s = 0
    for i in range(a.shape[0]):
        s += a[i] % m + a[i] % m
    return s


def life_torus(g, steps):
    n, m = g.shape
    new = np.empty_like(g)
    for _ in range(steps):
        for i in range(n):
            for j in range(m):
                c = 0
                for di in range(-1, 2):
                    for dj in range(-1, 2):
                        if di != 0 or dj != 0:
                            c += g[(i + di) % n, (j + dj) % m]
                new[i, j] = 1 if c == 3 or (c == 2 and g[i, j] == 1) else 0
        g, new = new, g
    return g


RUNS = [
    np.arange(-20, 20),
    np.arange(20, -20, -1),                                          # steps back
    np.array([5, 5, 6, 6, 7, 100, 101, -3, -2, -2, -1, 0, 1]),        # repeats, jumps
    np.array([I64_MAX - 2, I64_MAX - 1, I64_MAX, I64_MIN, I64_MIN + 1, I64_MIN + 2, I64_MAX, 0]),
    np.array([I64_MIN, I64_MAX, I64_MIN + 1, I64_MAX - 1]),           # a - last a overflows
]


@pytest.mark.parametrize("m", [1, 2, 3, 7, 40, 2**62 + 1, I64_MAX, -1, -3, -40, I64_MIN])
def test_runs_of_a(m):
    check_all(mod_of_each, [(a, m) for a in RUNS])
    check_all(mod_of_offsets, [(offsets(a), m) for a in RUNS], wrap=True)
    check(repeated, RUNS[0], m)
    check(repeated, RUNS[3], m, wrap=True)
    check(counter_mod, -5, 30, m, wrap=True)
    check(counter_mod, I64_MAX - 10, I64_MAX, m, wrap=True)


@pytest.mark.skipif(ON_NUMBA, reason="ember's generated code")
def test_which_sites_keep_a_run():
    a = np.arange(5)
    kept = jit(mod_of_offsets)
    divides = jit(mod_of_each)
    kept(a, 3), divides(a, 3)
    assert "mod.run" in "\n".join(kept.inspect_llvm().values())
    assert "mod.run" not in "\n".join(divides.inspect_llvm().values())


@pytest.mark.parametrize("n", [1, 2, 3, 10])
def test_ring_neighbours(n):
    check(neighbours_on_a_ring, np.random.default_rng(n).random(n), rtol=0, atol=0)


def test_changing_divisors():
    a = np.arange(-12, 12)
    check_all(mod_by_each, [
        (a, np.full(24, 5)),
        (a, np.array([5, 5, 5, 6, 6, 6, -5, -5, 5, 5, 1, 1, 2, 2, 3, 3, 7, 7, 7, 7, 4, 4, 9, 9])),
        (a, np.array([3] * 10 + [-3] * 4 + [3] * 10)),
        (np.array([I64_MAX, I64_MIN, I64_MIN + 1]), np.array([I64_MIN, I64_MIN, I64_MIN])),
    ])
    check_all(mod_by_each_offset, [
        (offsets(a), np.full(24, 5)),
        (offsets(a), np.array([5, 5, 5, 6, 6, 6, -5, -5, 5, 5, 1, 1, 2, 2, 3, 3, 7, 7, 7, 7, 4, 4, 9, 9])),
        (offsets(a), np.array([3] * 10 + [-3] * 4 + [3] * 10)),
    ])


def test_zero_divisor_raises_at_its_trip():
    a = np.arange(10)
    # CPython raises ZeroDivisionError at the third trip; so must the compiled loop
    check(mod_by_each, a, np.array([4, 4, 0, 4, 4, 4, 4, 4, 4, 4]))
    check(mod_by_each, a, np.array([4, 4, 4, 4, 4, 4, 4, 4, 4, 0]))
    check(mod_by_each_offset, np.zeros(10, np.int64), np.array([4, 4, 0, 4, 4, 4, 4, 4, 4, 4]))
    check(counter_mod, 0, 10, 0)
    check(counter_mod, 10, 10, 0)   # no trip: nothing raises


@pytest.mark.skipif(ON_NUMBA, reason="ember's error_model='numpy' of a %")
def test_numpy_error_model():
    f = jit(mod_by_each, error_model="numpy")
    a = np.arange(6)
    assert list(f(a, np.array([4, 0, 4, 4, 0, 0]))) == [0, 0, 2, 3, 0, 0]


@pytest.mark.parametrize("shape", [(1, 1), (2, 3), (5, 5), (9, 14)])
def test_life_on_a_torus(shape):
    g = (np.random.default_rng(shape[0] * 31 + shape[1]).random(shape) < 0.4).astype(np.int64)
    check(life_torus, g, 3)


# ---- (j + d) % n for j in range(n): two selects (lower_ops.c mod_of_neighbour) ---------------
def neighbour_forms(n):
    out = []
    for j in range(n):
        out.append(((j + 1) % n, (1 + j) % n, (j - 1) % n, (j + 0) % n, (j - 0) % n))
    for j in range(2, n, 3):
        out.append(((j + 1) % n, (j - 1) % n, -1, -1, -1))
    for j in range(n):
        for d in range(-1, 2):
            out.append(((j + d) % n, (d + j) % n, (j - d) % n, -1, -1))
        for d in (1, 0, -1):
            out.append(((j + d) % n, (j - d) % n, -1, -1, -1))
    return out


def neighbour_forms_that_do_not_qualify(n):
    out = []
    m = n
    for j in range(n + 2):                 # j reaches n and n + 1
        out.append(((j + 1) % n, (j - 1) % n))
    for j in range(n):
        for d in range(-2, 3):             # d beyond one
            out.append(((j + d) % n, 0))
        m = n - 1 if n > 1 else n          # the divisor changes inside the loop (not n's variable)
        out.append(((j + 1) % m, (j - 1) % m))
    for j in range(-1, n):                 # a negative start
        out.append(((j + 1) % n, (j - 1) % n))
    return out


@pytest.mark.parametrize("n", [1, 2, 3, 7])
def test_neighbour_remainders(n):
    check(neighbour_forms, n)
    check(neighbour_forms_that_do_not_qualify, n)


def neighbour_forms_negative_divisor(n):
    out = []
    for j in range(n):                     # range of a negative n is empty
        out.append((j + 1) % n)
    return out, len(out)


def test_neighbour_remainders_of_an_empty_range():
    check(neighbour_forms_negative_divisor, -3)
    check(neighbour_forms_negative_divisor, 0)


def life_rule_int8(g, nxt):
    h, w = g.shape
    for i in range(h):
        for j in range(w):
            s = g[i, j] + g[i, (j + 1) % w] + g[(i + 1) % h, j] + g[(i - 1) % h, (j - 1) % w]
            nxt[i, j] = 1 if (s == 3 or (s == 2 and g[i, j])) else 0
    return nxt


@pytest.mark.parametrize("dtype", [np.int8, np.int64])
@pytest.mark.parametrize("shape", [(1, 1), (1, 5), (3, 2), (17, 33)])
def test_life_rule_with_periodic_neighbours(dtype, shape):
    g = (np.random.default_rng(3).random(shape) < 0.4).astype(dtype)
    check(life_rule_int8, g, np.zeros_like(g))



def ring_sums(x):
    n = x.shape[0]
    s = 0.0
    for j in range(n):
        s += x[(j + 1) % n] - x[(j - 1) % n]
    return s


def ring_differences(x):
    n = x.size
    out = np.empty_like(x)
    for j in range(n):
        out[j] = x[(j + 1) % n] - 2 * x[j] + x[(j - 1) % n]
    return out


@pytest.mark.parametrize("dtype", [np.int64, np.float64, np.int32])
@pytest.mark.parametrize("n", [0, 1, 2, 3, 17, 1000])
def test_periodic_neighbours_of_wide_elements(dtype, n):
    # the innermost loop over 4- and 8-byte elements: a branch at the ends of the range, which
    # IRCE splits the loop at (the trips between index x[j + 1] directly and vectorise)
    x = (np.random.default_rng(n).random(n) * 100).astype(dtype)
    check(ring_sums, x)
    check(ring_differences, x)


def next_sum(x):
    n = x.shape[0]
    s = 0
    for j in range(n):
        s += x[(j + 1) % n]
    return s


def previous_sum(x):
    n = x.shape[0]
    s = 0
    for j in range(n):
        s += x[(j - 1) % n]
    return s


def torus_laplacian(u):
    n, m = u.shape
    out = np.empty_like(u)
    for i in range(n):
        for j in range(m):
            out[i, j] = u[(i - 1) % n, j] + u[(i + 1) % n, j] + u[i, (j - 1) % m] + u[i, (j + 1) % m] - 4 * u[i, j]
    return out


@pytest.mark.parametrize("shape", [(1, 1), (2, 3), (5, 1), (9, 40)])
def test_torus_laplacian(shape):
    check(torus_laplacian, np.random.default_rng(7).random(shape))


@pytest.mark.skipif(ON_NUMBA, reason="ember's generated code")
@pytest.mark.parametrize("fn, arg, want", [
    (next_sum, np.arange(10), 45), (previous_sum, np.arange(10), 45),
    (ring_differences, np.arange(10.0), None), (torus_laplacian, np.ones((4, 4)), None)])
def test_a_periodic_index_vectorises_with_plain_loads(fn, arg, want):
    # x[(j + 1) % n], x[(j - 1) % n], both in one loop: before, a run carried from trip to trip kept
    # the loop scalar (10x numba), then the (j - 1) form a gather; now IRCE splits the loop at the
    # range's ends and the trips between load x[j +- 1] directly
    f = jit(fn)
    got = f(arg)
    assert (want is None and np.array_equal(got, fn(arg))) or got == want
    text = "\n".join(f.inspect_llvm().values())
    assert re.search(r"load <(4|8) x (i64|double)>", text), text
    assert "extractelement" not in text
