"""Recursive functions, compiled vs CPython: the self-call convention of codegen/lower_rec.c.

A self-call returns its value directly and flags a failure; the caller tests the flag only where
the result could reach a side effect, a raise, a loop or a handler, and leaves it to its own
caller when the result only flows through arithmetic into a return (then LLVM turns the call
into a loop). These tests raise at depth through every kind of call site (tested at once, left
to the caller, inside a loop, under a try, after an array write), check that what was written
before the raise is all that was written, that arrays owned by the frames are freed, that deep
recursion raises RecursionError in a fresh process and from the cache, and run the recursive
kernels of bench/bench_loops_c.py."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from difftest import ON_NUMBA, check, check_all, njit, no_leaks, numba_leaks, numba_xfail  # noqa: F401

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
import kernels_recursive  # noqa: E402

KR = kernels_recursive.make(njit, list(kernels_recursive.KERNELS))


# ---- the kernels bench_loops_c.py times -----------------------------------------------------

def test_ackermann():
    ack = KR["ackermann"]
    check_all(ack, [(m, n) for m in range(3) for n in range(4)] + [(3, 3)])


@pytest.mark.parametrize("n", [1, 2, 3, 7, 64, 1000])
def test_tree_sum(n):
    a = np.random.default_rng(n).random(n)
    check(KR["tree_sum"], a, 0, n)
    check(KR["tree_sum"], a[::-1], 0, n)


@njit
def _odd_sum(x, d):
    if d == 0:
        return x.sum() + 100.0 * x[0]
    return _odd_sum(x[1::2], d - 1)   # a strided view: the function for other argument types


@njit
def _ends(x, d):
    if d == 0:
        return x[0] + 10.0 * x[-1]
    return _ends(x[::-1], d - 1)


def test_calling_itself_with_a_view_of_another_layout():
    # the call compiles the function for a strided array while its C-contiguous version is
    # being compiled; both versions were named alike, and the C one called itself instead
    x = np.arange(16.0)
    assert _odd_sum(x, 0) == 120.0
    assert _odd_sum(x, 1) == 64.0 + 100.0
    assert _odd_sum(x, 2) == 3 + 7 + 11 + 15 + 300.0
    assert _ends(x, 1) == 15.0 and _ends(x, 2) == 150.0


@numba_leaks("the arrays its frames hold when the leaf raises")
def test_tree_sum_out_of_bounds_at_depth():
    tree_sum = kernels_recursive.make(njit(boundscheck=True), ["tree_sum"])["tree_sum"]
    check(tree_sum, np.ones(8), 0, 9)   # the last leaf reads a[8]: IndexError, 4 calls deep


@pytest.mark.parametrize("n", [0, 1, 2, 5, 100])
def test_bsearch(n):
    (a, keys), _ = kernels_recursive._bsearch_args(max(n, 1), 50)
    a = a[:n].copy()
    check(KR["bsearch"], a, keys)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 10, 500])
def test_quicksort(n):
    a = np.random.default_rng(n).random(n)
    check(KR["quicksort"], a)
    check(KR["quicksort"], np.sort(a))          # sorted and
    check(KR["quicksort"], np.repeat(a[:3], 5))  # repeated keys


# ---- raising at depth -------------------------------------------------------------------------

@njit
def div_tail(n, d):
    # the call's result only reaches the return: its test is left to the caller
    if n == 0:
        return 10 // d
    return 1 + div_tail(n - 1, d)


@njit
def div_tested(n, d):
    # the result is divided after the call: tested there
    if n == 0:
        return 10 // d
    return 100 // (1 + div_tested(n - 1, d))


@njit(boundscheck=True)
def index_at_depth(a, i):
    if i == 0:
        return a[i + 100]
    return a[i] + index_at_depth(a, i - 1)


@njit
def value_error_at_depth(n, bad):
    if n == bad:
        raise ValueError("bad level")
    if n == 0:
        return 0.0
    return 0.5 * value_error_at_depth(n - 1, bad) + n


@njit
def fib_raising(n, bad):
    if n == bad:
        raise ValueError("bad level")
    if n < 2:
        return n
    return fib_raising(n - 1, bad) + fib_raising(n - 2, bad)


@pytest.mark.parametrize("d", [0, 2])
@pytest.mark.parametrize("n", [0, 1, 50])
def test_zero_division_at_depth(n, d):
    check(div_tail, n, d)
    check(div_tested, n, d)


@numba_leaks("the arrays its frames hold when the leaf raises")
def test_index_error_at_depth():
    check(index_at_depth, np.arange(10.0), 5)


@pytest.mark.parametrize("bad", [-1, 0, 3, 10])
def test_value_error_at_depth(bad):
    check(value_error_at_depth, 10, bad)
    check(fib_raising, 12, bad)


@njit
def write_then_recurse(a, i):
    # a[i] is written before the call and a[i + 1] after it: a raise deeper down must stop
    # the writes after the call in every frame above it
    if i == a.shape[0]:
        return 1 // 0
    a[i] = i
    r = write_then_recurse(a, i + 1)
    a[i] = -1.0
    return r


@numba_leaks("the arrays its frames hold when the leaf raises")
def test_no_write_after_a_failed_call():
    check(write_then_recurse, np.zeros(6), 0)


@njit
def recurse_in_loop(n, bad):
    if n == bad:
        raise KeyError(n)
    total = 0
    for k in range(n):
        total += recurse_in_loop(k, bad)
    return total + 1


def test_raise_inside_a_loop_of_calls():
    check(recurse_in_loop, 6, -1)
    check(recurse_in_loop, 6, 2)


@njit
def catch_own_error(n):
    # the frame at n == 3 catches the error of the frames below it, then goes on
    if n == 0:
        raise ValueError("bottom")
    if n == 3:
        try:
            return catch_own_error(n - 1)
        except ValueError:
            return 1000
    return n + catch_own_error(n - 1)


@numba_xfail("it types the exception of a recursive call in a try as none")
def test_a_frame_catches_the_error_of_a_deeper_frame():
    check(catch_own_error, 2)
    check(catch_own_error, 3)
    check(catch_own_error, 8)


@njit
def calls_recursive(n, bad):
    try:
        return fib_raising(n, bad)
    except ValueError:
        return -1


@numba_xfail("it types the exception of a recursive call in a try as none")
def test_a_caller_catches_an_error_raised_at_depth():
    check(calls_recursive, 10, 4)
    check(calls_recursive, 10, -4)


@njit
def tuple_rec(n):
    if n == 0:
        return 0, 1.0
    a, b = tuple_rec(n - 1)
    if n == 7:
        raise OverflowError("seven")
    return a + 1, b * 0.5


@njit
def bool_rec(n):
    return True if n <= 0 else not bool_rec(n - 1)


def test_tuple_and_bool_results():
    check(tuple_rec, 5)
    check(tuple_rec, 9)
    check_all(bool_rec, [(0,), (1,), (10,), (11,)])


@njit
def owns_arrays(n, a):
    if n == 0:
        if a[0] > 3.0:
            raise ValueError("too big")
        return a.copy()
    b = a + 1.0
    return owns_arrays(n - 1, b) * 2.0


@numba_leaks("the arrays its frames hold when the leaf raises")
def test_array_results_and_frames_owning_arrays():
    check(owns_arrays, 2, np.zeros(3))
    check(owns_arrays, 5, np.zeros(3))   # raises 5 frames deep: every frame's array is freed


# ---- deep recursion -------------------------------------------------------------------------

@njit
def down_raising(n):
    if n == 0:
        raise ValueError("the bottom")
    if n < 0:
        return 0
    return 1 + down_raising(n - 1)


def test_an_error_from_the_bottom_of_a_deep_tail_recursion():
    if ON_NUMBA:
        pytest.skip("numba overflows the stack")
    # a tail call with an accumulator runs as a loop: no depth limit, the error still arrives
    with pytest.raises(ValueError, match="the bottom"):
        down_raising(10**7)


def test_raise_names_its_line():
    import traceback

    try:
        down_raising(30)
    except ValueError as e:
        frames = traceback.extract_tb(e.__traceback__)
    assert frames[-1].name == "down_raising"
    assert frames[-1].line == 'raise ValueError("the bottom")'


# ---- two levels per copy: <sym>.rec and <sym>.rec.1 --------------------------------------------
# A tested self-call of <sym>.rec goes to its second copy <sym>.rec.1, which has no stack guard
# and calls <sym>.rec back: errors raised at even and odd depths cross either copy.

@pytest.mark.parametrize("n", [1, 2, 5, 6])
def test_every_frame_of_both_copies_leaves_its_traceback_entry(n):
    import traceback

    with pytest.raises(ZeroDivisionError) as info:
        div_tested(n, 0)
    frames = [f for f in traceback.extract_tb(info.value.__traceback__) if f.name == "div_tested"]
    assert len(frames) == n + 1   # every call is tested, so every frame records itself
    assert div_tested(n, 1) == check(div_tested, n, 1)


@njit
def deep_pair(n):
    # two tested calls a level (the results are divided), so every level alternates copies
    if n <= 0:
        return 1
    return (deep_pair(n - 1) + deep_pair(n - 2 * n)) // 1


@njit
def deep_owning(n, a):
    # a frame owning an array: RecursionError deep down must free every one of them
    if n == 0:
        return a[0]
    b = a + 1.0
    return deep_owning(n - 1, b) / 1.0 + b[0] * 0.0


# Deeper than any stack holds: with several levels per real frame (lower_rec.c, rec_copies) a
# million levels of div_tested fit in 8 MiB.
@pytest.mark.parametrize("fn, args", [(div_tested, (10**8, 1)), (deep_pair, (10**8,)),
                                      (deep_owning, (10**7, np.zeros(2)))])
def test_recursion_error_across_both_copies(fn, args):
    if ON_NUMBA:
        pytest.skip("numba overflows the stack")
    with pytest.raises(RecursionError):
        fn(*args)
    assert fn(*((7,) + args[1:])) == fn.py_func(*((7,) + args[1:]))   # and runs again after



# ---- loops in every copy ----------------------------------------------------------------------
# An untested self-call of a copy i > 0 returning an integer, a bool or None calls that copy, to
# become its loop (lower_rec.c, cg_rec_tail_loops); one that tail-recursion elimination cannot
# make a loop (a subtraction, a comparison after the call) goes to the guarded copy 0 instead,
# so deep recursion through it still raises RecursionError, and what it raises still reaches
# Python. Each has a tested call (the floor division after it), so the body gets copies.

@njit
def loop_in_copies(n, bad):
    # + after the second call: a loop in every copy
    if n == bad:
        raise ValueError("bad level")
    if n < 2:
        return n
    return loop_in_copies(n - 1, bad) // 1 + loop_in_copies(n - 2, bad)


@njit
def minus_after(n, bad):
    # n - f(...) is no accumulator tail-recursion elimination knows: a call of copy 0
    if n == bad:
        raise ValueError("bad level")
    if n <= 0:
        return 0
    if n % 3 == 0:
        return minus_after(n - 1, bad) // 1 + 1
    return n - minus_after(n - 1, bad)


@njit
def compare_after(n):
    # a bool from a comparison after the call: no loop either
    if n <= 0:
        return True
    if n % 2 == 0:
        return compare_after(n - 1) // 1 == 1
    return compare_after(n - 1) < 2


@njit
def none_after(a, n):
    # None returned after the second call, as quicksort: a loop in every copy
    if n <= 0:
        return
    a[n % a.shape[0]] += a[(n - 1) % a.shape[0]] // 1 + 1
    none_after(a, (n - 1) // 1)
    none_after(a, n - 2)


@njit
def float_after(n):
    # a float sum after the call: not a loop, the next copy
    if n <= 0:
        return 0.5
    return float_after(n - 1) // 1.0 + 0.25 * float_after(n - 2)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 7, 12, 20])
def test_loops_in_copies(n):
    check(loop_in_copies, n, -1)
    check(minus_after, n, -1)
    check(compare_after, n)
    check(float_after, n)
    a = np.arange(5, dtype=np.int64)
    b = a.copy()
    none_after(a, n)
    none_after.py_func(b, n)
    assert a.tolist() == b.tolist()


@pytest.mark.parametrize("bad", [0, 1, 2, 3, 5, 9])
def test_raise_from_the_loop_of_a_copy(bad):
    check(loop_in_copies, 14, bad)
    check(minus_after, 14, bad)


@pytest.mark.parametrize("fn, args", [(minus_after, (10**8, -1)), (compare_after, (10**8,)),
                                      (loop_in_copies, (10**8, -1))])
def test_recursion_error_through_calls_left_to_copy_0(fn, args):
    if ON_NUMBA:
        pytest.skip("numba overflows the stack")
    with pytest.raises(RecursionError):
        fn(*args)
    small = (9,) + args[1:]
    assert fn(*small) == fn.py_func(*small)


# ---- parameters passed field by field ----------------------------------------------------------
# <sym>.rec takes an aggregate parameter (an array, a tuple, a string, a list) as its scalar
# fields, up to 64 of them (beyond, as aggregates).

@njit
def strided_rows(a, t, i):
    if i == a.shape[0]:
        return t[0] * 0.5
    return a[i, 1] * t[1] + strided_rows(a, t, i + 1) // 1.0


@njit
def count_in(s, c, i):
    if i == len(s):
        return 0
    return (1 if s[i] == c else 0) + count_in(s, c, i + 1) // 1


@njit
def list_tail_sum(lst, i):
    if i == len(lst):
        return 0.0
    return lst[i] + list_tail_sum(lst, i + 1) / 1.0


@njit
def rotate_arrays(n, a, b, c, d, e, f, g, h, k, m):
    # ten 2-D arrays: 70 fields, more than <sym>.rec takes apart
    if n == 0:
        return a[0, 0] + 2 * b[0, 1] + 3 * m[1, 0]
    return rotate_arrays(n - 1, b, c, d, e, f, g, h, k, m, a) // 1.0


def test_aggregate_parameters():
    a = np.arange(24.0).reshape(6, 4)
    check(strided_rows, a[::2, ::-1], (3.0, 2.0), 0)
    check(strided_rows, a.T, (1.0, -1.0), 1)
    check(count_in, "abracadabra", "a", 0)
    check(list_tail_sum, [1.0, 2.5, 4.0], 0)
    arrays = [np.full((2, 2), float(k)) + np.eye(2) for k in range(10)]
    for n in (0, 3, 10, 13):
        check(rotate_arrays, n, *arrays)



RECURSIVE_MODULE = '''
import numpy as np
from ember import njit

@njit(cache=True)
def depth_sum(a, i):
    if i == a.shape[0]:
        return 0.0
    return a[i] - depth_sum(a, i + 1)

@njit(cache=True)
def ratio(n, d):
    if n == 0:
        return 1 // d
    return 1 + ratio(n - 1, d)
'''

RECURSIVE_RUN = '''
import json
import numpy as np
import recmod
out = {"sum": recmod.depth_sum(np.arange(5.0), 0), "ratio": recmod.ratio(100, 1)}
for name, call in (("deep", lambda: recmod.depth_sum(np.zeros(10**6), 0)),
                   ("zero", lambda: recmod.ratio(100, 0))):
    try:
        call()
    except Exception as e:
        out[name] = type(e).__name__
out["compiles"] = recmod.depth_sum.stats["compiles"] + recmod.ratio.stats["compiles"]
print(json.dumps(out))
'''


def test_recursion_from_the_cache_in_fresh_processes(tmp_path):
    if ON_NUMBA:
        pytest.skip("numba overflows the stack")
    import json

    import ember

    (tmp_path / "recmod.py").write_text(textwrap.dedent(RECURSIVE_MODULE))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), os.path.dirname(os.path.dirname(ember.__file__))]))
    env.pop("EMBER_CACHE_DIR", None)
    got = []
    for _ in range(2):
        p = subprocess.run([sys.executable, "-c", RECURSIVE_RUN], cwd=tmp_path, env=env, capture_output=True,
                           text=True, timeout=120)
        assert p.returncode == 0, p.stdout + p.stderr
        got.append(json.loads(p.stdout.strip().splitlines()[-1]))
    want = {"sum": 2.0, "ratio": 101, "deep": "RecursionError", "zero": "ZeroDivisionError"}
    assert got[0] == dict(want, compiles=2)
    assert got[1] == dict(want, compiles=0)


def test_self_recursion_compiled_for_a_signature_at_decoration():
    """@njit(sig) compiles before the module binds the function's name: the name is the function."""
    ns = {}
    exec(compile(
        "from ember import njit, int64\n"
        "@njit(int64(int64))\n"
        "def fact(n):\n"
        "    if n <= 1:\n"
        "        return 1\n"
        "    return n * fact(n - 1)\n"
        "@njit(['float64(float64, int64)'])\n"
        "def pw(x, n):\n"
        "    return 1.0 if n == 0 else x * pw(x, n - 1)\n", "<selfrec>", "exec"), ns)
    assert ns["fact"](10) == 3628800 and ns["pw"](2.0, 10) == 1024.0
    assert len(ns["fact"].signatures) == 1
