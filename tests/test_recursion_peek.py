"""The base cases of a recursion tested where the call is made (<sym>.rec.peek, lower_rec.c).

A call down to <sym>.rec goes through a copy of the body's first blocks, inlined at the call:
the ones that only compute (arithmetic, comparisons, reads of arrays and variables, len, abs,
min, max). A base case found there returns without a call; any other path hands over to
<sym>.rec, which runs the body again from its entry. These tests run base-case tests of each kind
against CPython at every depth: a read of an array, a len of a tuple, a min of two numbers, a
division that raises, a raise or a store before the base case, a variable only some paths
assign, a cycle of functions; check that a store or a raise before the base case still happens
once; and check which bodies get the copy."""

import os
import re
import subprocess
import sys
import traceback

import numpy as np
import pytest

from difftest import ON_NUMBA, check, check_all, njit, no_leaks, numba_leaks  # noqa: F401
from test_mutual_recursion import max_level, min_level   # a cycle of tree levels
from test_recursion_depth import fem, mal                 # Hofstadter's female and male sequences

DEPTHS = list(range(0, 19))


# ---- base cases of each kind, against CPython ---------------------------------------------------

@njit
def walk(left, right, val, node):
    # the base case reads an array: a tree in arrays, two calls a level, a float result
    if left[node] < 0:
        return val[node]
    return walk(left, right, val, left[node]) * 0.5 + walk(left, right, val, right[node]) * 0.25


def tree(depth):
    n, inner = 2 ** (depth + 1) - 1, 2 ** depth - 1
    idx = np.arange(n, dtype=np.int64)
    left = np.where(idx < inner, 2 * idx + 1, -1).astype(np.int64)
    right = np.where(idx < inner, 2 * idx + 2, -1).astype(np.int64)
    return left, right, np.random.default_rng(depth).standard_normal(n)


@pytest.mark.parametrize("depth", [0, 1, 2, 3, 7, 12])
def test_base_case_reading_an_array(depth):
    left, right, val = tree(depth)
    check(walk, left, right, val, 0)
    if depth:
        check(walk, left, right, val, 1)
        check(walk, left, right, val, -1)   # a negative index: the last node, a leaf


@njit
def paths(g, i, j):
    # the base cases read a 2-D array at a pair of indices
    if i < 0 or j < 0:
        return 0
    if g[i, j] == 1:
        return 0
    if i == 0 and j == 0:
        return 1
    return paths(g, i - 1, j) + paths(g, i, j - 1) // 1


@pytest.mark.parametrize("n", [1, 2, 3, 6, 9])
def test_base_case_reading_a_2d_array(n):
    g = (np.random.default_rng(n).random((n, n)) < 0.2).astype(np.int64)
    g[0, 0] = 0
    check(paths, g, n - 1, n - 1)
    check(paths, np.zeros((n, n), np.int64), n - 1, n - 1)


@njit(boundscheck=True)
def walk_checked(left, val, node):
    # with boundscheck, the base case's read raises IndexError for a node past the end
    if left[node] < 0:
        return val[node]
    return walk_checked(left, val, left[node]) * 0.5 + walk_checked(left, val, node - 1) * 0.25


@pytest.mark.parametrize("start", [0, 3, 6])
def test_base_case_read_out_of_bounds_with_boundscheck(start):
    left = np.array([-1, 0, 1, 2, 3, 9, 4], dtype=np.int64)   # node 5 points past the end
    check(walk_checked, left, np.arange(7.0), start)
    check(walk_checked, left[:5], np.arange(5.0), min(start, 4))


@njit
def halves(t, n):
    # len of a tuple and min of two numbers in the base case's test
    if min(n, len(t)) <= 1:
        return float(n) + t[0]
    return halves(t, n - 1) * 0.5 + halves(t, n - 2) * 0.25


def test_base_case_with_len_and_min():
    check_all(halves, [((1.5, 2.5, 3.5), n) for n in DEPTHS] + [((2.0,), n) for n in range(6)])


@njit
def div_leaf(n, d):
    # the test divides: at d == 0 it raises in the copy inlined at the call, n levels down
    if 12 // d > n:
        return float(n)
    return div_leaf(n - 1, d) * 0.5 + 1.0


@pytest.mark.parametrize("n", [0, 1, 2, 5, 9, 17])
def test_base_case_test_that_raises(n):
    check(div_leaf, n, 0)
    check(div_leaf, n, 1)
    check(div_leaf, n, 5)


@njit
def div_deep(n, d):
    # only the bottom level divides by zero: the raise happens in a callee's base-case test
    if n == 0:
        return 10.0 // d
    return div_deep(n - 1, d) * 0.5 - 1.0


@pytest.mark.parametrize("n", [1, 2, 3, 7, 8, 9])
def test_raise_in_the_base_case_leaves_every_traceback_entry(n):
    with pytest.raises(ZeroDivisionError) as info:
        div_deep(n, 0.0)
    frames = [f for f in traceback.extract_tb(info.value.__traceback__) if f.name == "div_deep"]
    assert frames[-1].line == "return 10.0 // d"
    check(div_deep, n, 0.0)
    check(div_deep, n, 4.0)


@njit
def guarded(n):
    # a raise before the base case: peek hands over where it would raise
    if n < 0:
        raise ValueError("negative")
    if n < 2:
        return 1.0
    return guarded(n - 1) * 1.5 - guarded(n - 2)


def test_raise_before_the_base_case():
    check_all(guarded, [(n,) for n in DEPTHS + [-1, -7]])


@njit
def marking(a, n):
    # a store before the base case: it must happen once a level, not once in peek and again
    a[n] += 1.0
    if n == 0:
        return a[0]
    return marking(a, n - 1) * 0.5 + a[n]


@njit
def marking_after(a, n):
    # the store after the base case's test: peek runs the test, then hands over before the store
    if n == 0:
        return a[0]
    a[n] += 1.0
    return marking_after(a, n - 1) * 0.5 + a[n]


@pytest.mark.parametrize("n", [0, 1, 2, 5, 9, 17])
def test_stores_happen_once(n):
    check(marking, np.zeros(20), n)
    check(marking_after, np.zeros(20), n)


@njit
def maybe(n, flag):
    # x is assigned on one path only: the read that may find it unassigned stays out of peek
    if flag:
        x = 2.0
    if n <= 0:
        return x
    return maybe(n - 1, flag) * 0.5 + maybe(n - 2, flag)


def test_variable_assigned_on_some_paths():
    check_all(maybe, [(n, True) for n in range(12)] + [(0, False), (3, False)])


@njit
def long_prefix(n, x):
    # more computing before the second base case's test than peek takes: it tests the first,
    # then hands over before the computing
    if n <= 0:
        return x % 1000
    a = x * 3 + 1
    b = a * a - x
    c = (b ^ a) + (a & 255)
    d = c * 7 - b // 3
    e = (d | 17) - (c % 11)
    f = e * e + d - a
    if f % 5 == 0:
        return f % 1000
    return (long_prefix(n - 1, x + 1) + long_prefix(n - 2, x + 2)) // 2


def test_long_computation_before_the_base_case():
    check_all(long_prefix, [(n, x) for n in range(12) for x in (0, 1, 7, 40)])


@njit
def joined_values(n):
    x = joined_values(n - 1) / 2.0 if n > 0 else 0.0
    return x + 1.0


def test_base_case_joining_the_recursive_path():
    check_all(joined_values, [(n,) for n in DEPTHS + [-3]])


@pytest.mark.parametrize("depth", [0, 1, 2, 5, 11])
def test_cycle_of_tree_levels(depth):
    left, right, val = tree(depth)
    check(max_level, left, right, val, 0)
    check(min_level, left, right, val, 0)


def test_cycle_one_result_the_others_argument():
    check_all(fem, [(n,) for n in DEPTHS + [40]])
    check_all(mal, [(n,) for n in DEPTHS + [40]])


@numba_leaks("the arrays its frames hold when the leaf raises")
@pytest.mark.parametrize("n", [0, 1, 3, 8])
def test_frames_owning_arrays_with_a_base_case_test(n):
    check(owning_walk, n, np.zeros(3))
    check(owning_walk, n, np.zeros(6))


@njit
def owning_walk(n, a):
    # each frame owns an array; the base case reads its parameter's size
    if a.size < 4 or n == 0:
        if a.size < 4:
            raise ValueError("too short")
        return a[3]
    b = a + 1.0
    return owning_walk(n - 1, b) / 2.0 + owning_walk(n - 1, b) / 4.0


# ---- which bodies get the copy ------------------------------------------------------------------

PEEK_RUN = '''
import sys
sys.path.insert(0, {tests!r})
import numpy as np
import test_recursion_peek as t
left, right, val = t.tree(3)
print(t.walk(left, right, val, 0) == t.walk.py_func(left, right, val, 0))
print(t.fem(20), t.marking(np.zeros(4), 3), t.marking_after(np.zeros(4), 3), t.long_prefix(6, 3),
      t.paths(np.zeros((3, 3), np.int64), 2, 2))

from ember import njit
from test_recursion_depth import fib

@njit
def joined(n):
    # the base case is the other side of a conditional expression, returned after the join (the
    # division tests the call's flag, so the call goes down a copy)
    x = joined(n - 1) / 2.0 if n > 0 else 0.0
    return x + 1.0
print(fib(10), joined(3))
'''


def test_which_bodies_get_the_copy():
    """A tree walk, a cycle, a body with a store after its test, one whose base case joins the
    recursive path before the return and one with more to compute before its second test than
    peek takes (it stops there) get peek; fib (its copies hold loops, which test the base
    case where they end) and a body that stores before its test do not."""
    if ON_NUMBA:
        pytest.skip("ember's IR dump")
    import ember

    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(ember.__file__)), EMBER_DUMP="llvm")
    env.pop("EMBER_CACHE_DIR", None)
    code = PEEK_RUN.format(tests=os.path.dirname(os.path.abspath(__file__)))
    p = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout[-2000:] + p.stderr[-2000:]
    assert p.stdout.split()[:1] == ["True"]
    made = set(re.findall(r"define internal \S+ @ember\.(\w+)\.\d+\.\d+(?:\.cycle\d+)?\.rec\.peek\(", p.stderr))
    assert {"walk", "fem", "marking_after", "joined", "long_prefix", "paths"} <= made, sorted(made)
    assert not {"fib", "marking"} & made, sorted(made)
