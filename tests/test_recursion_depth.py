"""Several levels of the call tree per real call: the copies of a recursive body (lower_rec.c).

A small recursive body (self or mutual recursion) is lowered as k copies chosen by a size budget:
copy 0 (`<sym>.rec`) tests the stack, the tested calls of copy 0 and every call of copy i > 0 go
to copy i + 1, and the last copy's calls go back to copy 0; copies 1.. are inlined into copy 0.
These tests run each class of recursive function (one tested call a level, a call whose result
is another's argument, two calls a level with a float sum, mutual recursion of two and three
functions) at every depth up to past the largest k, so that the bottom of the recursion, a
raise, and a caught error fall in every copy; check deep recursion raises RecursionError in
threads with small stacks (the guard runs once per k levels); and check which bodies get
copies: several for a small body, one more than the budget would allow never."""

import os
import re
import subprocess
import sys
import textwrap
import traceback

import numpy as np
import pytest

from difftest import ON_NUMBA, check, check_all, njit, no_leaks, numba_leaks  # noqa: F401

DEPTHS = list(range(0, 19))   # past twice the most copies a body gets (8)


# ---- each class of recursion, against CPython ---------------------------------------------------

@njit
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


@njit
def ack(m, n):
    if m == 0:
        return n + 1
    if n == 0:
        return ack(m - 1, 1)
    return ack(m - 1, ack(m, n - 1))


@njit
def tsum(a, lo, hi):
    if hi - lo == 1:
        return a[lo]
    mid = (lo + hi) // 2
    return tsum(a, lo, mid) + tsum(a, mid, hi)


@njit
def fem(n):
    if n == 0:
        return 1
    return n - mal(fem(n - 1))


@njit
def mal(n):
    if n == 0:
        return 0
    return n - fem(mal(n - 1))


@njit
def cyc_a(n):
    # a cycle of three, each call tested (its result is divided)
    if n <= 0:
        return 1
    return (cyc_b(n - 1) + 3) // 2


@njit
def cyc_b(n):
    if n <= 0:
        return 2
    return (cyc_c(n - 1) * 3) // 2


@njit
def cyc_c(n):
    if n <= 0:
        return 3
    return cyc_a(n - 1) - cyc_a(n - 2) // 3


def test_fib_at_every_depth():
    check_all(fib, [(n,) for n in DEPTHS + [-5, -1, 25]])


def test_ackermann_at_every_depth():
    check_all(ack, [(m, n) for m in range(3) for n in range(12)] + [(3, n) for n in range(5)])


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8, 13, 31, 64, 255, 257])
def test_tree_sum_at_every_depth(n):
    a = np.random.default_rng(n).standard_normal(n)
    check(tsum, a, 0, n)
    check(tsum, a[::-1], 0, n)                # a view with a negative stride
    check(tsum, np.repeat(a, 2)[::2], 0, n)   # a strided view


@pytest.mark.parametrize("vals", [[-0.0], [-0.0, -0.0], [np.nan, 1.0, 2.0], [np.inf, -np.inf, 1.0],
                                  [1e308, 1e308, -1e308], [0.1] * 17])
def test_tree_sum_edge_values(vals):
    a = np.array(vals)
    check(tsum, a, 0, a.size)


def test_mutual_recursion_at_every_depth():
    check_all(fem, [(n,) for n in DEPTHS + [40]])
    check_all(mal, [(n,) for n in DEPTHS + [40]])
    check_all(cyc_a, [(n,) for n in DEPTHS + [-1]])
    check_all(cyc_c, [(n,) for n in DEPTHS])


# ---- raising and catching in every copy ---------------------------------------------------------

@njit
def div_down(n, d):
    # the call is tested (its result is divided); the raise is at the bottom, n levels down
    if n == 0:
        if d == 0:
            raise ValueError("d is zero")
        return 10 // d
    return 100 // (1 + div_down(n - 1, d))


@njit
def catch_at(n, k):
    # level k catches what the bottom raises; the levels above it see a value
    if n == 0:
        raise ValueError("bottom")
    if n == k:
        try:
            return catch_at(n - 1, k) + 1
        except ValueError:
            return -n
    return catch_at(n - 1, k) * 2 - catch_at(n - 1, k)


@njit
def owning(n, a):
    # each frame owns an array: a raise at the bottom frees all of them
    if n == 0:
        if a.size < 4:
            raise ValueError("too short")
        return a[3]
    b = a + 1.0
    return owning(n - 1, b) / 2.0 + b[0]


@pytest.mark.parametrize("n", DEPTHS)
def test_raise_at_every_depth_leaves_every_traceback_entry(n):
    with pytest.raises(ValueError) as info:
        div_down(n, 0)
    frames = [f for f in traceback.extract_tb(info.value.__traceback__) if f.name == "div_down"]
    # every call is tested, so every frame (every copy) records itself, up to the runtime's 16
    assert len(frames) == min(n + 1, 16)
    check(div_down, n, 0)
    check(div_down, n, 3)


@pytest.mark.parametrize("n", [0, 1, 5, 9])
def test_catch_at_every_depth(n):
    check_all(catch_at, [(n, k) for k in range(n + 2)])


@numba_leaks("the arrays its frames hold when the leaf raises")
@pytest.mark.parametrize("n", [0, 1, 3, 8, 17])
def test_frames_owning_arrays_raise_at_every_depth(n):
    check(owning, n, np.zeros(3))      # ValueError at the bottom, n frames down
    check(owning, n, np.zeros(6))


# ---- the stack guard once per k levels ----------------------------------------------------------

DEEP_RUN = '''
import sys, threading
sys.path.insert(0, {tests!r})
import numpy as np
from ember import njit

@njit
def pair(n):
    if n <= 0:
        return 1
    return (pair(n - 1) + pair(n - 2 * n)) // 1

@njit
def chain(n):
    if n == 0:
        return 0
    return (1 + chain(n - 1)) // 1

@njit
def even(n, a):
    if n == 0:
        return a[0]
    return odd(n - 1, a) / 1.0

@njit
def odd(n, a):
    if n == 0:
        return -a[0]
    return even(n - 1, a) / 1.0

@njit
def branchy(n):
    # a tested call on each side of an if: neither call's guard comes before the other's
    if n <= 0:
        return 0
    if n % 2:
        return (branchy(n - 1) + 1) // 1
    return (branchy(n - 1) + 2) // 1

@njit
def halves(n):
    # untested (its float product goes straight to the return) and no loop for LLVM to make
    if n == 0:
        return 1.0
    return halves(n - 1) * 0.5

@njit
def looped(n):
    # the call inside a loop
    if n == 0:
        return 0
    s = 0
    for i in range(1):
        s += looped(n - 1) // 1
    return s + 1

@njit
def peeked(a, n):
    # a base case read from an array, tested where the call is made (<sym>.rec.peek)
    if n <= 0 or a[n % 2] < 0.0:
        return 1.0
    return peeked(a, n - 1) * 0.5 + peeked(a, n - 2) * 0.25

out = []
def run():
    for call in (lambda: pair(10**7), lambda: chain(10**7), lambda: even(10**7, np.zeros(1)),
                 lambda: branchy(10**7), lambda: halves(10**7), lambda: looped(10**7),
                 lambda: peeked(np.ones(2), 10**7)):
        try:
            call()
            out.append("returned")
        except RecursionError:
            out.append("RecursionError")
    out.append(chain(1000) == 1000 and pair(9) == 10 and even(10, np.ones(1)) == 1.0 and
               branchy(1001) == 1501 and halves(3) == 0.125 and looped(1000) == 1000 and
               peeked(np.ones(2), 15) == peeked.py_func(np.ones(2), 15))

for size in ({sizes}):
    threading.stack_size(size)
    t = threading.Thread(target=run)
    t.start()
    t.join()
print(out)
'''


def test_recursion_error_in_threads_with_small_stacks():
    """The guard runs in copy 0 only, before its calls down the recursion (on each side of an
    if, in a loop, before a call that stays one, after a base case tested at the call): the unguarded levels below it must fit in the
    margin the runtime keeps, or the smallest stack would overflow (a crash, not a
    RecursionError)."""
    if ON_NUMBA:
        pytest.skip("numba overflows the stack")
    import ember

    sizes = [1 << 20, 2 << 20, 16 << 20]
    code = DEEP_RUN.format(tests=os.path.dirname(os.path.abspath(__file__)), sizes=", ".join(map(str, sizes)))
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(ember.__file__)))
    p = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.strip().splitlines()[-1] == repr((["RecursionError"] * 7 + [True]) * len(sizes))


# ---- which bodies get copies --------------------------------------------------------------------

def _big_body(lines):
    # a recursive function of `lines` statements (over the budget when long), one tested call
    body = "".join(f"    x = (x * {k + 3} + n) % 1000003\n" for k in range(lines))
    return ("def big(n, x):\n    if n <= 0:\n        return x\n" + body +
            "    return big(n - 1, x) // 1 + 1\n")


COPIES_RUN = '''
import sys
from ember import njit
ns = {{}}
exec({src!r}, ns)
big = njit(ns["big"])
ns["big"] = big
print(big(30, 1))
try:
    big(10**7, 1)
    print("returned")
except RecursionError:
    print("RecursionError")
'''


@pytest.mark.parametrize("lines, copies", [(1, "several"), (60, "one")])
def test_copies_follow_the_size_budget(lines, copies):
    """A small body is lowered as several copies; a body over the budget as <sym>.rec alone (no
    code growth); both recurse to the same result and raise RecursionError deep down."""
    if ON_NUMBA:
        pytest.skip("ember's IR dump")
    import ember

    src = _big_body(lines)
    ns = {}
    exec(src, ns)
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 200))
    want = ns["big"](30, 1)
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(ember.__file__)), EMBER_DUMP="llvm")
    env.pop("EMBER_CACHE_DIR", None)
    p = subprocess.run([sys.executable, "-c", COPIES_RUN.format(src=src)], env=env, capture_output=True,
                       text=True, timeout=300)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-2000:]
    assert p.stdout.split() == [str(want), "RecursionError"]
    made = set(re.findall(r"define internal \S+ @(\S*big\S*\.rec(?:\.\d+)?)\(", p.stderr))
    n = len(made)
    if copies == "one":
        assert n == 1, sorted(made)
    else:
        assert n >= 3, sorted(made)
