"""Control flow, compiled vs CPython: if/elif/else, while, for over range (1-3 arguments,
negative steps, empty ranges), nested loops, break/continue, for-else and while-else, returns
from inside loops and on several paths, and loops that accumulate ints and floats."""

import math

import pytest

from difftest import INT64_MAX, INT64_MIN, check, check_all, jit, numba_xfail
from difftest import no_leaks  # noqa: F401  (autouse: every test frees what it allocates)

inf, nan = math.inf, math.nan

# ------------------------------------------------------------------ if / elif / else


def sign(x):
    if x > 0:
        return 1
    elif x < 0:
        return -1
    elif x == 0:
        return 0
    else:
        return 99  # only NaN gets here


def classify(x, y):
    r = 0
    if x > 0:
        if y > 0:
            r = 1
        elif y < 0:
            r = 4
        else:
            r = 10
    else:
        if y > 0:
            r = 2
        else:
            r = 3
    return r


def if_no_else(x):
    y = x
    if x < 0:
        y = -x
    return y * 2


def if_truthiness(x):
    if x:
        return 1
    return 0


def test_if_elif_else():
    check_all(sign, [(x,) for x in [0, -1, 1, 7, INT64_MIN, INT64_MAX, True, False]])
    check_all(sign, [(x,) for x in [0.0, -0.0, 2.5, -2.5, inf, -inf, nan]])


def test_nested_if():
    vals = [-2, 0, 3]
    check_all(classify, [(a, b) for a in vals for b in vals])
    check_all(classify, [(a, b) for a in [-0.5, nan, 1.5] for b in [-1.5, 0.0, nan, 2.0]])


def test_if_without_else():
    check_all(if_no_else, [(x,) for x in [-7, 0, 7, -2.5, -0.0, 2.5, nan]])


def test_if_truthiness():
    check_all(if_truthiness, [(x,) for x in [0, 1, -1, True, False, 0.0, -0.0, nan, 0.5, 0j, 1j]])


# ------------------------------------------------------------------ while


def collatz_steps(n):
    steps = 0
    while n != 1:
        if n % 2 == 0:
            n = n // 2
        else:
            n = 3 * n + 1
        steps += 1
    return steps


def gcd(a, b):
    while b:
        a, b = b, a % b
    return a


def while_true_break(n):
    i = 0
    total = 0
    while True:
        i += 1
        if i % 3 == 0:
            continue
        total += i
        if total > n:
            break
    return i, total


def bisect_sqrt(x):
    lo, hi = 0.0, max(x, 1.0)
    while hi - lo > 1e-12:
        mid = (lo + hi) / 2
        if mid * mid < x:
            lo = mid
        else:
            hi = mid
    return lo


def test_while():
    check_all(collatz_steps, [(n,) for n in [1, 2, 3, 7, 27, 97, 871]])
    check_all(gcd, [(a, b) for a in [0, 12, -18, 1071, 7] for b in [0, 462, 5, -4]])
    check_all(while_true_break, [(n,) for n in [0, 1, 10, 100, 1000]])
    check_all(bisect_sqrt, [(x,) for x in [0.0, 0.25, 2.0, 10.0]])


def while_else(n):
    i = 0
    while i < n:
        if i * i == n:
            break
        i += 1
    else:
        return -1
    return i


def test_while_else():
    check_all(while_else, [(n,) for n in [0, 1, 2, 4, 10, 49, 50]])


# ------------------------------------------------------------------ for over range


def sum_range1(n):
    s = 0
    for i in range(n):
        s += i
    return s


def sum_range2(a, b):
    s = 0
    count = 0
    for i in range(a, b):
        s += i * i
        count += 1
    return s, count


def range3(a, b, step):
    s = 0
    count = 0
    last = -999
    for i in range(a, b, step):
        s += i
        count += 1
        last = i
    return s, count, last


def test_for_range_one_arg():
    check_all(sum_range1, [(n,) for n in [-5, -1, 0, 1, 2, 10, 1000]])


def test_for_range_two_args():
    check_all(sum_range2, [(a, b) for a in [-5, 0, 3] for b in [-7, -5, 0, 3, 10]])


RANGE3 = [
    (0, 10, 1), (0, 10, 3), (0, 10, 7), (0, 10, 10), (0, 10, 11),
    (10, 0, -1), (10, 0, -3), (10, -10, -3), (-1, -20, -5), (5, 5, -1),
    (0, 10, -1), (10, 0, 2), (5, 5, 1), (-3, 3, 2), (3, -3, -2),
    (2**62, 2**62 + 10, 3), (-(2**62), -(2**62) - 10, -4),
    (0, INT64_MAX, 2**62), (INT64_MAX, 0, -(2**62)),
    # spans wider than 2**63: start + k * step overflows int64 on the way, the value does not
    *[pytest.param(*r, marks=numba_xfail("a range wider than 2**63 runs no iterations"))
      for r in [(INT64_MIN, INT64_MAX, 2**61), (INT64_MAX, INT64_MIN, -(2**61)), (INT64_MIN + 1, INT64_MAX, 3 * 2**60)]],
    (INT64_MIN, INT64_MIN + 10, 3), (INT64_MAX - 9, INT64_MAX, 4), (INT64_MAX, INT64_MAX - 10, -3),
]


@pytest.mark.parametrize("a, b, step", RANGE3)
def test_for_range_three_args(a, b, step):
    check(range3, a, b, step, wrap=True)


def test_range_zero_step_raises():
    assert isinstance(check(range3, 0, 10, 0), ValueError)


def loop_var_after_loop(n):
    for i in range(n):
        pass
    return i  # noqa: F821 -- defined because every caller has n >= 1


def loop_var_reassigned(n):
    total = 0
    for i in range(n):
        i = i * 2  # does not affect the iteration
        total += i
    return total


def test_loop_variable():
    check_all(loop_var_after_loop, [(n,) for n in [1, 2, 17]])
    check_all(loop_var_reassigned, [(n,) for n in [0, 1, 5]])


# ------------------------------------------------------------------ nested, break, continue


def nested_sum(n, m):
    s = 0
    for i in range(n):
        for j in range(i, m):
            s += i * j - j
    return s


def nested_break(n):
    count = 0
    for i in range(n):
        for j in range(n):
            if j > i:
                break
            count += 1
    return count


def continue_odd(n):
    s = 0
    for i in range(n):
        if i % 2:
            continue
        s += i
    return s


def triple_nested(n):
    s = 0
    i = 0
    while i < n:
        for j in range(i):
            k = j
            while k > 0:
                if (i + j + k) % 5 == 0:
                    break
                s += k
                k -= 1
        i += 1
    return s


def test_nested_loops():
    check_all(nested_sum, [(n, m) for n in [0, 1, 5, 20] for m in [0, 3, 30]])
    check_all(nested_break, [(n,) for n in [0, 1, 5, 30]])
    check_all(triple_nested, [(n,) for n in [0, 1, 4, 15]])


def test_continue():
    check_all(continue_odd, [(n,) for n in [0, 1, 2, 11, 100]])


# ------------------------------------------------------------------ for-else


def is_prime(n):
    if n < 2:
        return False
    for d in range(2, n):
        if d * d > n:
            break
        if n % d == 0:
            return False
    return True


def first_divisor(n):
    for d in range(2, n):
        if n % d == 0:
            break
    else:
        d = -1
    return d


def for_else_runs(n):
    hits = 0
    for i in range(n):
        hits += 1
    else:
        hits += 100
    return hits


def test_for_else():
    check_all(is_prime, [(n,) for n in [-3, 0, 1, 2, 3, 4, 25, 97, 7919, 7921]])
    check_all(first_divisor, [(n,) for n in [3, 4, 9, 97, 91]])
    check_all(for_else_runs, [(n,) for n in [0, 1, 5]])


# ------------------------------------------------------------------ returns from loops


def find_first_square_above(limit):
    for i in range(1000):
        if i * i > limit:
            return i
    return -1


def search_2d(target):
    for i in range(10):
        for j in range(10):
            if i * 10 + j == target:
                return i, j
    return -1, -1


def while_return(x):
    while x > 0:
        x -= 3
        if x == 2:
            return 100 + x
    return x


def many_returns(x, y):
    if x < 0:
        return -1.0
    if y < 0:
        return -2.0
    for i in range(x):
        if i == y:
            return float(i)
    if x == y:
        return 0.5
    return x / (y + 1)


def test_return_inside_loops():
    check_all(find_first_square_above, [(n,) for n in [-1, 0, 1, 99, 100, 998000, 10**6]])
    check_all(search_2d, [(t,) for t in [0, 9, 10, 57, 99, 100, -1]])
    check_all(while_return, [(x,) for x in [0, 1, 5, 8, 9, 30, -4]])


def test_early_returns():
    check_all(many_returns, [(x, y) for x in [-1, 0, 3, 7] for y in [-1, 0, 2, 3, 7, 10]])


# ------------------------------------------------------------------ accumulators


def int_accumulate(n):
    s = 0
    p = 1
    for i in range(1, n + 1):
        s += i * i
        p = (p * 31 + i) % 1000003
    return s, p


def float_accumulate(n):
    h = 0.0
    alt = 0.0
    for k in range(1, n + 1):
        h += 1.0 / k
        alt += (-1.0) ** (k + 1) / (2 * k - 1)
    return h, 4 * alt


def int_then_float(n):
    # s starts as an int and becomes a float in the loop: callers use n >= 1 (a loop that
    # runs), where CPython's result is a float like ember's unified float64 variable.
    s = 0
    for i in range(n):
        s += i * 0.5
    return s


def wrapping_accumulate(n):
    h = 1469598103934665603
    for i in range(n):
        h = (h ^ i) * 1099511628211
    return h


def test_accumulate_ints():
    check_all(int_accumulate, [(n,) for n in [0, 1, 10, 1000]])


def test_accumulate_floats():
    check_all(float_accumulate, [(n,) for n in [0, 1, 10, 1000]])
    check_all(int_then_float, [(n,) for n in [1, 2, 100]])


def test_accumulate_wraps():
    # An FNV-style hash overflows on every step; ^ and * commute with reduction mod 2**64,
    # so CPython's exact result wrapped once equals int64 arithmetic wrapped at each step.
    check_all(wrapping_accumulate, [(n,) for n in [0, 1, 5, 100]], wrap=True)


# ------------------------------------------------------------------ unassigned variables
# (issue 15) A read on a path where the variable was never assigned returned 0; CPython raises
# UnboundLocalError.

def maybe_assigned(c):
    if c:
        x = 1.5
    return x


def loop_variable_after(n):
    for i in range(n):
        pass
    return i


def assigned_in_loop(n):
    total = 0
    for k in range(n):
        if k == 2:
            last = k * 10
        total += k
    return total + last


def assigned_on_every_path(c):
    if c:
        y = 1
    else:
        y = 2
    while c > 10:
        c -= 1
    return y + c


def test_unbound_local_raises():
    check_all(maybe_assigned, [(1,), (0,)])
    check_all(loop_variable_after, [(3,), (1,), (0,), (-2,)])
    check_all(assigned_in_loop, [(5,), (3,), (2,), (0,)])
    check_all(assigned_on_every_path, [(0,), (1,), (12,)])


def test_unbound_message():
    from difftest import ON_NUMBA, jit

    if ON_NUMBA:
        pytest.skip("ember's message")
    with pytest.raises(UnboundLocalError, match="cannot access local variable 'x' where it is not associated with a value"):
        jit(maybe_assigned)(0)


def range_of_floats(n):
    s = 0
    for b in range(0, n, 1):
        s += b
    return s, len(range(n)), list(range(1.5, n))


def test_range_of_floats_truncates():
    # range() of floats truncates them toward zero, as Numba does (quimb's threaded helpers); CPython
    # raises TypeError
    f = jit(range_of_floats)
    assert f(5.7) == (10, 5, [1, 2, 3, 4]) and f(-2.5) == (0, 0, [])
