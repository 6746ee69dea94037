"""Mutual recursion, compiled vs CPython: functions that call each other (typeinfer/cycle.c).

A compile whose callee calls back into it takes the callee in as a member of its recursion
cycle: the members are typed together from the return paths that do not recurse and lowered
into one module (every member a `.rec` body, one stack guard a level). These tests cover cycles
of two and three functions, one function with two signatures in a cycle, cycles that also call
themselves, cycles across modules, each member called first from Python, callers with
parallel=False and True, RecursionError and exceptions raised deep in a cycle (their traceback
entries, and the arrays the frames own freed), the cache in fresh processes (editing the other
function of the cycle recompiles), AOT modules, and the located error for a cycle with no
return path that does not recurse."""

import os
import subprocess
import sys
import textwrap
import traceback

import numpy as np
import pytest

from difftest import ON_NUMBA, check, check_all, errors, impl, njit, no_leaks, numba_leaks, numba_xfail, pure  # noqa: F401

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
import kernels_recursive  # noqa: E402

prange = impl.prange


def fresh(src):
    """The functions of src, decorated anew (no specialisation compiled yet): a namespace."""
    ns = {"njit": njit, "np": np}
    exec(compile(textwrap.dedent(src), "<cycle>", "exec"), ns)
    return ns


# ---- two functions ------------------------------------------------------------------------------

EVEN_ODD = """
@njit
def is_even(n):
    if n == 0:
        return True
    return is_odd(n - 1)

@njit
def is_odd(n):
    if n == 0:
        return False
    return is_even(n - 1)
"""


@pytest.mark.parametrize("first", ["is_even", "is_odd"])
def test_even_odd_each_member_called_first(first):
    ns = fresh(EVEN_ODD)
    other = "is_odd" if first == "is_even" else "is_even"
    check_all(ns[first], [(n,) for n in (0, 1, 2, 7, 10, 501)])
    check_all(ns[other], [(n,) for n in (0, 1, 2, 7, 10, 501)])
    if not ON_NUMBA:   # each compiled once, with the other inside its module
        assert ns[first].stats["compiles"] == 1 and ns[other].stats["compiles"] == 1


def test_even_odd_with_float_arguments():
    ns = fresh(EVEN_ODD)
    check_all(ns["is_even"], [(4.0,), (7.0,), (0.0,)])
    check_all(ns["is_even"], [(4,), (7,)])   # a second specialisation with its own cycle


@njit
def hof_f(n):
    if n == 0:
        return 1
    return n - hof_m(hof_f(n - 1))


@njit
def hof_m(n):
    if n == 0:
        return 0
    return n - hof_f(hof_m(n - 1))


def test_hofstadter_female_male():
    # one call's result is the other's argument: nothing is a tail call
    check_all(hof_f, [(n,) for n in range(25)])
    check_all(hof_m, [(n,) for n in range(25)])


# ---- three functions, widening return types -------------------------------------------------------

@njit
def tri_a(n):
    if n <= 0:
        return 1   # int here, float through tri_c: every member returns float64
    return tri_b(n - 1) + 1


@njit
def tri_b(n):
    return tri_c(n) * 2


@njit
def tri_c(n):
    if n % 3 == 0:
        return 0.5 * n
    return tri_a(n - 1)


def check_float(fn, *args):
    """fn's result is CPython's, as a float: where CPython returns an int on some paths and a
    float on others, the compiled function returns their unified type, float64, as Numba does."""
    want, got = pure(fn)(*args), fn(*args)
    assert type(got) is float and got == want, (fn.__name__, args, got, want)


@numba_xfail("wrong results where the return types widen across the cycle")
def test_three_function_cycle():
    for n in range(-1, 12):
        for fn in (tri_a, tri_b, tri_c):
            check_float(fn, n)


# ---- one function, two signatures in one cycle --------------------------------------------------

@njit
def swap_f(a, b, n):
    if n == 0:
        return a   # f(int64, float64) and f(float64, int64) are two members
    return swap_g(a, b, n - 1)


@njit
def swap_g(a, b, n):
    return swap_f(b, a, n) + 1


@numba_xfail("wrong results where the return types widen across the cycle")
def test_one_function_with_two_signatures_in_a_cycle():
    for n in range(6):
        check_float(swap_f, 3, 0.25, n)
        check_float(swap_f, 0.5, 2, n)
        check_float(swap_g, 7, 1.5, n)


# ---- cycles that also recurse into themselves -----------------------------------------------------

@njit
def walk_a(n):
    if n <= 1:
        return n
    return walk_a(n - 1) + walk_b(n - 2)


@njit
def walk_b(n):
    if n <= 0:
        return 0
    return 2 * walk_a(n - 1) - walk_b(n - 1) // 2


def test_cycle_with_self_calls():
    check_all(walk_a, [(n,) for n in range(18)])
    check_all(walk_b, [(n,) for n in range(18)])


# tokens: numbers >= 0, then -1 '+', -2 '-', -3 '*', -4 '(', -5 ')'
@njit
def parse_expr(t, i):
    v, i = parse_term(t, i)
    while i < t.size and (t[i] == -1 or t[i] == -2):
        op = t[i]
        w, i = parse_term(t, i + 1)
        v = v + w if op == -1 else v - w
    return v, i


@njit
def parse_term(t, i):
    v, i = parse_factor(t, i)
    while i < t.size and t[i] == -3:
        w, i = parse_factor(t, i + 1)
        v = v * w
    return v, i


@njit
def parse_factor(t, i):
    if i >= t.size:
        raise ValueError("unexpected end")
    if t[i] == -4:
        v, i = parse_expr(t, i + 1)
        if i >= t.size or t[i] != -5:
            raise ValueError("expected )")
        return v, i + 1
    if t[i] < 0:
        raise ValueError("expected a number")
    return t[i], i + 1


def tokens(text):
    codes = {"+": -1, "-": -2, "*": -3, "(": -4, ")": -5}
    return np.array([codes[c] if c in codes else int(c) for c in text.split()], np.int64)


@numba_xfail("cannot type infer runaway recursion (three functions returning tuples)")
@pytest.mark.parametrize("text", ["7", "1 + 2 * 3", "( 1 + 2 ) * 3", "2 * ( 3 - ( 4 + 5 ) * 2 ) - 1",
                                  "( ( ( ( 9 ) ) ) )", "( 1 + 2", "1 + * 2", "1 +"])
def test_recursive_descent_evaluator(text):
    check(parse_expr, tokens(text), 0)


@numba_xfail("cannot type infer runaway recursion (three functions returning tuples)")
def test_an_error_at_depth_leaves_cpythons_traceback_entries():
    t = tokens("( ( ( 1 +")   # (12 frames: the record keeps the innermost 16)
    tbs = []
    for fn in (pure(parse_expr), parse_expr):
        with pytest.raises(ValueError, match="unexpected end") as info:
            fn(t, 0)
        tbs.append([(f.name, f.lineno) for f in traceback.extract_tb(info.value.__traceback__)][1:])
    assert tbs[1] == tbs[0] and len(tbs[0]) == 12


# A tree in arrays (children -1 at a leaf): minimax, the levels alternating between two functions.
@njit
def max_level(left, right, val, node):
    if left[node] < 0:
        return val[node]
    return max(min_level(left, right, val, left[node]), min_level(left, right, val, right[node]))


@njit
def min_level(left, right, val, node):
    if left[node] < 0:
        return val[node]
    return min(max_level(left, right, val, left[node]), max_level(left, right, val, right[node]))


@pytest.mark.parametrize("depth", [0, 1, 4, 9])
def test_mutually_recursive_tree_walk(depth):
    n = 2 ** (depth + 1) - 1
    inner = 2 ** depth - 1
    idx = np.arange(n)
    left = np.where(idx < inner, 2 * idx + 1, -1)
    right = np.where(idx < inner, 2 * idx + 2, -1)
    val = np.random.default_rng(depth).random(n)
    check(max_level, left, right, val, 0)
    check(min_level, left, right, val, 0)


# ---- cycles across modules -----------------------------------------------------------------------

MOD_A = """
from ember import njit
import cyc_b

@njit
def down(n, acc):
    if n <= 0:
        return acc
    return cyc_b.across(n - 1, acc * 3 % 1000003) + 1
"""

MOD_B = """
from ember import njit
import cyc_a

@njit
def across(n, acc):
    if n % 5 == 0:
        return cyc_a.down(n - 1, acc + n)
    return cyc_a.down(n - 1, acc) - 1
"""


def test_cycle_across_modules(tmp_path, monkeypatch):
    if ON_NUMBA:
        pytest.skip("the modules import ember")
    (tmp_path / "cyc_a.py").write_text(textwrap.dedent(MOD_A))
    (tmp_path / "cyc_b.py").write_text(textwrap.dedent(MOD_B))
    monkeypatch.syspath_prepend(str(tmp_path))
    import cyc_a
    import cyc_b

    def down(n, acc):
        return acc if n <= 0 else across(n - 1, acc * 3 % 1000003) + 1

    def across(n, acc):
        return down(n - 1, acc + n) if n % 5 == 0 else down(n - 1, acc) - 1

    for n in (0, 1, 4, 5, 17, 300):
        assert cyc_b.across(n, 2) == across(n, 2)
        assert cyc_a.down(n, 2) == down(n, 2)
    for name in ("cyc_a", "cyc_b"):
        sys.modules.pop(name)


# ---- callers ---------------------------------------------------------------------------------

def count_even_loop(a):
    c = 0
    for i in prange(a.size):   # (range where parallel=False)
        if ev(a[i]):
            c += 1
    return c


count_even = njit(count_even_loop)
count_even_parallel = njit(parallel=True)(count_even_loop)


@njit(parallel=True)
def parity_parallel(a):
    out = np.empty(a.size, np.bool_)
    for i in prange(a.size):
        out[i] = od(a[i])
    return out


@njit
def ev(n):
    return True if n == 0 else od(n - 1)


@njit
def od(n):
    return False if n == 0 else ev(n - 1)


def test_callers_parallel_false_and_true():
    a = np.arange(0, 200, 7)
    check(count_even, a)
    check(count_even_parallel, a)
    check(parity_parallel, a)


@njit(parallel=True)
def par_a(n):
    if n <= 0:
        return 0.0
    s = 0.0
    for i in prange(3):   # each thread's calls into the cycle start a frame record of their own
        s += par_b(n - 1, i)
    return s


@njit
def par_b(n, i):
    if n <= 0:
        return 1.0 * i
    return par_a(n - 1) + i


def test_a_parallel_function_in_a_cycle():
    check_all(par_a, [(n,) for n in range(6)])
    check_all(par_b, [(n, 2) for n in range(6)])


# ---- raising deep in a cycle -----------------------------------------------------------------------

@njit
def div_even(n, d):
    if n == 0:
        return 10 // d
    return 100 // (1 + div_odd(n - 1, d))   # tested after the call: every frame records itself


@njit
def div_odd(n, d):
    if n == 0:
        return 20 // d
    return div_even(n - 1, d) * 3 // 2


@pytest.mark.parametrize("n", [0, 1, 4, 7])
def test_zero_division_deep_in_the_cycle_with_traceback_entries(n):
    check(div_even, n, 1)
    check(div_even, n, 0)
    if ON_NUMBA:
        return   # (numba's tracebacks name no compiled frames)
    with pytest.raises(ZeroDivisionError) as info:
        div_even(n, 0)
    names = [f.name for f in traceback.extract_tb(info.value.__traceback__)]
    assert names.count("div_even") == n // 2 + 1 and names.count("div_odd") == (n + 1) // 2, names


@njit
def own_a(n, a):
    if n < 0:
        return 0.0
    if n == 0:
        raise IndexError("the bottom")
    b = a + 1.0   # each frame owns an array: the raise must free all of them
    return own_b(n - 1, b) / 1.0 + b[0] * 0.0


@njit
def own_b(n, a):
    c = a * 2.0
    return own_a(n, c) - c[1] * 0.0


@numba_leaks("the arrays its frames hold when the leaf raises")
def test_arrays_owned_by_frames_are_freed_on_a_raise():
    check(own_a, 9, np.zeros(3))


@njit
def deep_even(n, a):
    if n == 0:
        return a[0]
    b = a + 1.0
    return deep_odd(n - 1, b) / 1.0 + b[0] * 0.0


@njit
def deep_odd(n, a):
    if n == 0:
        return -a[0]
    return (deep_even(n - 1, a) + 1.0) / 1.0


@numba_leaks("the arrays its frames hold at the RecursionError")
def test_recursion_error_deep_in_the_cycle():
    if ON_NUMBA:
        pytest.skip("numba overflows the stack")
    with pytest.raises(RecursionError):
        deep_even(10**7, np.zeros(2))
    with pytest.raises(RecursionError):
        div_even(10**7, 1)
    check(deep_even, 25, np.zeros(2))   # and they run again after
    check(div_even, 25, 1)


@njit
def sub_f(n, bad):
    # every call of the cycle untested (its result is subtracted, then returned): the calls go
    # down the copies all the same (lower_rec.c), so deep recursion passes a guard every k levels
    if n == bad:
        raise ValueError("bad level")
    if n <= 0:
        return 0
    return n - sub_g(n - 1, bad)


@njit
def sub_g(n, bad):
    if n <= 0:
        return 1
    return n - sub_f(n - 1, bad)


@pytest.mark.parametrize("bad", [-1, 0, 1, 4, 7])
def test_untested_calls_across_the_cycle(bad):
    check_all(sub_f, [(n, bad) for n in (0, 1, 2, 3, 8, 9, 40)])
    check_all(sub_g, [(n, bad) for n in (0, 1, 2, 3, 8, 9, 40)])


def test_recursion_error_through_untested_calls_across_the_cycle():
    if ON_NUMBA:
        pytest.skip("numba overflows the stack")
    with pytest.raises(RecursionError):
        sub_f(10**8, -1)
    with pytest.raises(RecursionError):
        sub_g(10**8, -1)
    check(sub_f, 25, -1)


# ---- what does not type -------------------------------------------------------------------------

@njit
def no_base_f(n):
    return no_base_g(n) + 1


@njit
def no_base_g(n):
    return no_base_f(n - 1)


def test_a_cycle_without_a_return_path_that_does_not_recurse_is_a_located_error():
    with pytest.raises(errors.TypingError) as info:
        no_base_f(3)
    msg = str(info.value)
    if ON_NUMBA:
        return
    line = no_base_f.py_func.__code__.co_firstlineno + 2
    assert f"test_mutual_recursion.py:{line} in no_base_f" in msg, msg
    assert "no_base_f and no_base_g" in msg and "return no_base_g(n) + 1" in msg, msg
    assert "^^^^^^^^^^^^" in msg, msg


@njit
def bad_a(n):
    if n <= 0:
        return 0
    return bad_b(n - 1) + 1


@njit
def bad_b(n):
    return bad_a(n) + "x"


def test_a_typing_error_in_a_member_names_its_line():
    with pytest.raises(errors.TypingError) as info:
        bad_a(3)
    if ON_NUMBA:
        return
    line = bad_b.py_func.__code__.co_firstlineno + 2
    msg = str(info.value)
    assert f"test_mutual_recursion.py:{line} in bad_b: cannot add int64 and str" in msg, msg
    assert "(compiling bad_a for argument types (int64))" in msg, msg


@njit
def catch_a(n):
    if n <= 0:
        raise ValueError("bottom")
    try:
        return catch_b(n - 1)
    except ValueError:
        return -n


@njit
def catch_b(n):
    return catch_a(n) * 2


def test_a_frame_catches_what_the_other_function_raised_deeper():
    check_all(catch_a, [(n,) for n in range(6)])
    check_all(catch_b, [(n,) for n in range(6)])


@njit
def pass_a(n, f):
    if n <= 0:
        return 0
    return f(n - 1, pass_a) + 1


@njit
def pass_b(n, f):
    return pass_a(n, pass_b)


def test_a_cycle_through_functions_passed_as_arguments():
    assert [pass_a(n, pass_b) for n in range(4)] == list(range(4))


@njit
def outer(n):
    def inner(k):
        return outer(k - 1) if k > 0 else 0
    return inner(n) + 1


def test_an_inner_function_calling_its_outer_function_is_a_clear_error():
    if ON_NUMBA:
        return
    with pytest.raises(errors.UnsupportedError, match="outer calls itself through an inner function"):
        outer(3)


# ---- the cache -------------------------------------------------------------------------------------

CACHED_MODULE = '''
from ember import njit

@njit(cache=True)
def ping(n):
    if n <= 0:
        return 1
    return pong(n - 1) * 2

@njit(cache=True)
def pong(n):
    if n <= 0:
        return 0
    return ping(n - 1) + 1
'''

CACHED_RUN = '''
import json
import cycmod
out = {"ping": cycmod.ping(9), "compiles": cycmod.ping.stats["compiles"], "hits": cycmod.ping.stats["cache_hits"]}
print(json.dumps(out))
'''


def test_cache_of_a_cycle_member_in_fresh_processes(tmp_path):
    if ON_NUMBA:
        pytest.skip("compile counts are ember's")
    import json

    import ember

    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), os.path.dirname(os.path.dirname(ember.__file__))]))
    env.pop("EMBER_CACHE_DIR", None)

    def run():
        p = subprocess.run([sys.executable, "-c", CACHED_RUN], cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=120)
        assert p.returncode == 0, p.stdout + p.stderr
        return json.loads(p.stdout.strip().splitlines()[-1])

    def ping(n, plus):
        return 1 if n <= 0 else pong(n - 1, plus) * 2

    def pong(n, plus):
        return 0 if n <= 0 else ping(n - 1, plus) + plus

    src = textwrap.dedent(CACHED_MODULE)
    (tmp_path / "cycmod.py").write_text(src)
    assert run() == {"ping": ping(9, 1), "compiles": 1, "hits": 0}
    assert run() == {"ping": ping(9, 1), "compiles": 0, "hits": 1}   # reused
    # editing the other function of the cycle: ping's entry no longer matches
    (tmp_path / "cycmod.py").write_text(src.replace("return ping(n - 1) + 1", "return ping(n - 1) + 5"))
    assert run() == {"ping": ping(9, 5), "compiles": 1, "hits": 0}
    assert run() == {"ping": ping(9, 5), "compiles": 0, "hits": 1}


# ---- AOT -------------------------------------------------------------------------------------------

AOT_KERNELS = '''
from ember import njit
from ember.aot import export

@export("boolean(int64)")
@njit
def even(n):
    return True if n == 0 else odd(n - 1)

@export("boolean(int64)")
@njit
def odd(n):
    return False if n == 0 else even(n - 1)
'''


def test_aot_module_exporting_both_members(tmp_path):
    if ON_NUMBA:
        pytest.skip("ember's AOT")
    import ember

    (tmp_path / "cyc_aot.py").write_text(textwrap.dedent(AOT_KERNELS))
    out = tmp_path / "out"
    env = dict(os.environ, PYTHONPATH=os.path.dirname(os.path.dirname(ember.__file__)))
    p = subprocess.run([sys.executable, "-m", "ember.aot", "build", str(tmp_path / "cyc_aot.py"), "-o", str(out)],
                       env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    run = ("import cyc_aot, sys; assert 'ember' not in sys.modules; "
           "print([cyc_aot.even(n) for n in range(4)], [cyc_aot.odd(n) for n in range(4)])")
    p = subprocess.run([sys.executable, "-c", run], cwd=out, env=dict(os.environ, PYTHONPATH=str(out)),
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "[True, False, True, False] [False, True, False, True]"


# ---- the benchmark's kernels ---------------------------------------------------------------------

def test_bench_kernels():
    kr = kernels_recursive.make(njit, ["hofstadter", "minimax"])
    check(kr["hofstadter"], 40)
    args, _ = kernels_recursive._minimax_args(7)
    check(kr["minimax"], *args)
