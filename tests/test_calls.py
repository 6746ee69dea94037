"""Calls, compiled vs CPython: compiled functions calling other compiled functions (defined at
module level with @njit), default and keyword arguments, recursion, inner functions and lambdas
closing over locals, module globals frozen at compile time, and math.pi.

The CPython reference runs the callees as plain Python too (see difftest.pure)."""

import math
import os
import sys

import numpy as np
import pytest

import ember

from difftest import ON_NUMBA, check, check_all, jit, njit
from difftest import no_leaks  # noqa: F401  (autouse: every test frees what it allocates)

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bench"))
import kernels_recursive  # noqa: E402

# ------------------------------------------------------------------ compiled callees


@njit
def square(x):
    return x * x


@njit
def sum_of_squares(a, b):
    return square(a) + square(b)


def call_chain(a, b):
    return sum_of_squares(a, b) - square(a - b)


def call_two_types(n):
    # One callee, two specialisations from one caller.
    return square(n) + square(n + 0.5)


@njit
def quot_rem(a, b):
    return a // b, a % b


def call_returning_tuple(a, b):
    q, r = quot_rem(a, b)
    return q * b + r == a, q, r


@njit
def norm2(p):
    return p[0] * p[0] + p[1] * p[1]


def call_with_tuple(x, y):
    return norm2((x, y)) + norm2((1, 2))


def test_call_compiled_callee():
    check_all(call_chain, [(3, 4), (-7, 2), (2.5, -0.5), (1, 0.5)])
    check_all(call_two_types, [(0,), (3,), (-11,)])
    check_all(call_returning_tuple, [(7, 2), (-7, 2), (7, -2), (7.5, 2.0), (-1, 3.5)])
    check_all(call_with_tuple, [(3, 4), (0.5, -1.5)])


def test_callee_called_from_python_directly():
    check(square, 12)
    check(square, -2.5)
    check(sum_of_squares, 3, 4.0)


# ------------------------------------------------------------------ defaults and keywords


@njit
def scaled(x, factor=2, offset=0.5):
    return x * factor + offset


def call_defaults(x):
    return (
        scaled(x),
        scaled(x, 3),
        scaled(x, 3, -1.0),
        scaled(x, offset=1.0),
        scaled(x, factor=10, offset=0),
        scaled(offset=0.0, x=x, factor=-1),
    )


def test_callee_defaults_and_keywords():
    check_all(call_defaults, [(0,), (7,), (-2.5,), (True,)])


def top_defaults(x, y=3, z=0.5):
    return x * y + z


def test_dispatcher_defaults_and_keywords():
    check(top_defaults, 2)
    check(top_defaults, 2, 4)
    check(top_defaults, 2, 4, 1.0)
    check(top_defaults, 2, kwargs={"z": -1.0})
    check(top_defaults, 1.5, kwargs={"y": 2, "z": 0.0})
    check(top_defaults, kwargs={"x": 5, "y": -1})


# A default a Python call leaves out is part of the specialisation (Numba's omitted(default=v))
# and folded as a constant: a sentinel compared in a loop, a flag, a trip count.
def drop_sentinel(seq, missing=-1, width=3, scale=1.0, mode="sum", neg=False, z=1 + 2j, nothing=None):
    out = np.empty(seq.shape[0])
    n = 0
    for i in range(seq.shape[0]):
        v = seq[i]
        if v == missing:
            continue
        s = 0
        for k in range(width):
            s += v >> k
        r = s * scale if mode == "sum" else -s * scale
        if neg:
            r = -r
        if nothing is not None:
            r += 1.0
        out[n] = r + z.real
        n += 1
    return out[:n]


def test_omitted_defaults_fold_and_differ_from_passed_values():
    x = np.random.default_rng(4).integers(-1, 6, 300)
    check(drop_sentinel, x)
    check(drop_sentinel, x, -1)
    check(drop_sentinel, x, 0, 2)
    check(drop_sentinel, x, kwargs={"width": 1, "mode": "diff"})
    check(drop_sentinel, x, kwargs={"scale": 0.5, "neg": True, "z": 3j, "nothing": 2})
    check(drop_sentinel, x, 2, 4, 2.0, "diff", True, 0j, None)


def test_omitted_defaults_are_in_the_signature():
    f = njit(drop_sentinel)
    x = np.arange(-1, 9)
    f(x)
    f(x, -1)
    f(x, width=2)
    names = [tuple(str(t) for t in sig[1:]) for sig in f.signatures]
    assert names[0] == ("omitted(default=-1)", "omitted(default=3)", "omitted(default=1.0)",
                        "omitted(default='sum')", "omitted(default=False)", "omitted(default=(1+2j))",
                        "omitted(default=None)")
    assert names[1][:2] == ("int64", "omitted(default=3)")
    assert names[2][:2] == ("omitted(default=-1)", "int64")
    assert len(f.signatures) == 3
    f(x)
    f(x, missing=-1, width=3)
    assert len(f.signatures) == 4   # passed: int64 for both


def special_floats(x, a=math.inf, b=math.nan, c=complex(1, math.inf), d=-0.0):
    return x < a, b != b, c.imag, math.copysign(1.0, d), math.copysign(1.0, d + 0.0)


def test_omitted_special_float_defaults():
    check(special_floats, 1.0)
    check(special_floats, 1.0, 0.5, 1.0, 2j, 0.0)
    f = njit(special_floats)
    f(1.0)
    assert [str(t) for t in f.signatures[0][1:]] == ["omitted(default=inf)", "omitted(default=nan)",
                                                      "omitted(default=(1+infj))", "omitted(default=-0.0)"]


def counted(a, k=2):
    return a * k


def test_changed_default_compiles_again():
    if ON_NUMBA:
        pytest.skip("numba keeps the defaults the function had when it was decorated; CPython does not")
    f = njit(counted)
    assert f(3) == 6
    counted.__defaults__ = (5,)
    try:
        assert f(3) == 15
        assert [str(s[1]) for s in f.signatures] == ["omitted(default=2)", "omitted(default=5)"]
    finally:
        counted.__defaults__ = (2,)
    assert f(3) == 6 and len(f.signatures) == 2


def test_explicit_signature_takes_defaults_as_values():
    if ON_NUMBA:
        pytest.skip("numba finds no definition for an omitted argument under explicit signatures")
    f = njit("float64(float64, int64)")(counted)
    assert f(1.5) == 3.0 and f(1.5, 3) == 4.5


# ------------------------------------------------------------------ recursion


@njit
def fact(n):
    if n <= 1:
        return 1
    return n * fact(n - 1)


@njit
def fib(n):
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


@njit
def power_rec(x, n):
    if n == 0:
        return 1.0
    half = power_rec(x, n // 2)
    if n % 2:
        return half * half * x
    return half * half


# the one bench/bench_loops_c.py times (tests/test_recursion.py runs the others)
ackermann = kernels_recursive.make(njit, ["ackermann"])["ackermann"]


def uses_recursion(n):
    return fact(n) + fib(n)


def test_recursion():
    check_all(fact, [(n,) for n in [0, 1, 2, 10, 20]])
    check_all(fib, [(n,) for n in [0, 1, 2, 10, 20]])
    check_all(power_rec, [(x, n) for x in [2.0, -0.5, 1.5] for n in [0, 1, 7, 30]])
    check_all(ackermann, [(m, n) for m in [0, 1, 2] for n in [0, 3]])
    check_all(uses_recursion, [(n,) for n in [0, 5, 15]])


def test_recursion_wraps():
    # 25! overflows int64: the compiled factorial wraps at each multiplication.
    check(fact, 25, wrap=True)


@njit
def depth(n):
    if n == 0:
        return 0
    return 1 + depth(n - 1)


@njit
def alternating(n):
    # n - (n - 1) + ...: the call's result is needed after it, so each level keeps its frame
    if n == 0:
        return 0
    return n - alternating(n - 1)


@njit
def depth_with_array(n, a):
    if n == 0:
        return a.sum()
    b = a + 1.0   # an array owned by every frame: freed on the way out when the limit raises
    return depth_with_array(n - 1, b) - 1.0


def test_deep_recursion_raises():
    """Recursion deeper than the thread's stack allows raises RecursionError (it segfaulted);
    the process, and the same function, go on working."""
    import numpy as np

    from difftest import ON_NUMBA, live_blocks

    if ON_NUMBA:
        pytest.skip("numba overflows the stack")
    assert alternating(10_000) == 5_000
    with pytest.raises(RecursionError, match="maximum recursion depth exceeded"):
        alternating(10**7)
    assert alternating(101) == 51
    before = live_blocks()
    with pytest.raises(RecursionError):
        depth_with_array(10**7, np.ones(3))
    assert live_blocks() == before
    assert depth_with_array(10, np.ones(3)) == 3.0 * 11 - 10


def test_tail_recursion_runs_as_a_loop():
    """`return 1 + depth(n - 1)` is a tail call with an accumulator: it runs in one frame."""
    from difftest import ON_NUMBA

    if ON_NUMBA:
        pytest.skip("numba overflows the stack")
    assert depth(10**7) == 10**7


def test_deep_recursion_in_threads():
    """Each thread's own stack bounds its recursion (threads have smaller stacks)."""
    import threading

    from difftest import ON_NUMBA

    if ON_NUMBA:
        pytest.skip("numba overflows the stack")
    errors = []

    def run():
        try:
            alternating(10**7)
        except RecursionError:
            errors.append("ok")
        except BaseException as e:  # noqa: BLE001
            errors.append(repr(e))

    old = threading.stack_size(512 * 1024)
    try:
        ts = [threading.Thread(target=run) for _ in range(2)]
    finally:
        threading.stack_size(old)
    for t in ts:
        t.start()
    for t in ts:
        t.join()
    assert errors == ["ok", "ok"]


# ------------------------------------------------------------------ inner functions, lambdas


def inner_closure(x, y):
    k = x * 2

    def inner(z):
        return z + k

    return inner(y) + inner(1)


def inner_two_levels(n):
    base = n + 1

    def outer_step(v):
        def scale(w):
            return w * base

        return scale(v) - 1

    total = 0
    for i in range(n):
        total += outer_step(i)
    return total


def inner_no_capture(n):
    def step(v):
        return v * 3 + 1 if v % 2 else v // 2

    c = 0
    while n != 1:
        n = step(n)
        c += 1
    return c


def lambda_local(x):
    f = lambda v: v * x + 1  # noqa: E731
    g = lambda a, b=2: a - b  # noqa: E731
    return f(2) + f(x) + g(x) + g(x, 10)


def closures_in_comprehensions(a, k):
    def scaled(i):
        return a[i] * k

    def shifted(i):
        return scaled(i) + 1   # a closure calling a closure: it passes on a and k

    xs = [scaled(i) for i in range(len(a))]
    ys = [shifted(i) for i in range(len(a)) if i % 2 == 0]
    by_key = {i: shifted(i) * 2 for i in range(3)}
    return xs, ys, sum([scaled(i) for i in range(len(a))]), len(by_key), by_key[2], shifted(0)


def closure_in_a_generator(a, k):
    def scaled(i):
        return a[i] * k

    return sum(scaled(i) for i in range(len(a)))


@pytest.mark.skipif(ON_NUMBA, reason="numba: the use of yield in a closure is unsupported")
def test_a_closure_called_in_a_generator_expression():
    check_all(closure_in_a_generator, [(np.arange(4.0), 3.0), (np.arange(3.0)[::-1], 0.5)])


def test_inner_functions():
    check_all(closures_in_comprehensions, [(np.arange(4.0), 3.0), (np.arange(5, dtype=np.int64), 2)])
    check_all(inner_closure, [(1, 2), (2.5, -1), (-3, 0.5)])
    check_all(inner_two_levels, [(0,), (1,), (10,)])
    check_all(inner_no_capture, [(1,), (6,), (27,)])


def test_lambdas():
    check_all(lambda_local, [(0,), (3,), (-1.5,)])


# ------------------------------------------------------------------ globals and math.pi

SCALE = 3
OFFSET = 0.25
TABLE = (1, 1, 2, 6, 24)
PAIR = (2.5, (1, -1))
PI = math.pi


def use_globals(i):
    return SCALE * i + OFFSET + TABLE[2] + TABLE[-1] + PAIR[1][0] * PAIR[0] + TABLE[i % 5]


def use_global_tuple(n):
    s = 0
    for v in TABLE:
        s += v * n
    return s, len(TABLE), PAIR


def test_global_constants():
    check_all(use_globals, [(0,), (4,), (-7,)])
    check_all(use_global_tuple, [(0,), (3,), (-1,)])


NAMES = ("alpha", "beta", "gamma")
MIXED = (1, "one", (2.5, "two"), None, True)
LONG = tuple(range(65))


def use_global_strings(i):
    t = NAMES
    return NAMES[i], len(t), NAMES[0] + "!" + MIXED[2][1], MIXED, "beta" in NAMES


def test_global_tuples_of_strings():
    # a global tuple holding strings freezes like one of numbers (was refused, with an internal
    # error from the C-function check: a tuple given to PyObject_CallMethod's "O" is its args)
    check_all(use_global_strings, [(0,), (2,), (-1,)])


def read_long_global(i):
    return LONG[i]


@pytest.mark.skipif(ON_NUMBA, reason="numba takes a tuple of any length")
def test_global_long_tuple_is_a_located_error():
    with pytest.raises(ember.errors.UnsupportedError, match=r"global 'LONG' is or holds a tuple of more than 64"):
        jit(read_long_global)(1)


FROZEN_INT = 10
FROZEN_FLOAT = 0.5
FROZEN_TUPLE = (1, 2)


def read_frozen(x):
    return x + FROZEN_INT + FROZEN_FLOAT + FROZEN_TUPLE[1]


def test_globals_frozen_at_compile_time(monkeypatch):
    f = jit(read_frozen)
    assert f(1) == 13.5
    monkeypatch.setitem(globals(), "FROZEN_INT", 1000)
    monkeypatch.setitem(globals(), "FROZEN_FLOAT", 0.0)
    monkeypatch.setitem(globals(), "FROZEN_TUPLE", (0, 0))
    assert read_frozen(1) == 1001.0  # CPython sees the new values...
    assert f(1) == 13.5  # ...the compiled int64 specialisation keeps the ones it was built with


def circle(r):
    return math.pi * r * r, 2 * math.pi * r, PI / 2


def math_constants(x):
    return math.pi * x + math.e - math.tau, math.inf > x, math.nan != math.nan


def test_math_pi():
    check_all(circle, [(0,), (1,), (2.5,), (-0.0,)])
    check_all(math_constants, [(0,), (1.5,)])


def test_a_compiled_closure_freezes_its_free_variables():
    import ember

    def make(k, scale):
        @ember.njit
        def f(x):
            return x * k + scale[1]
        return f

    assert make(3, (0.0, 0.5))(2) == 6.5
    assert make(-1, (1, 2))(2) == 0


def test_inner_functions_of_a_compiled_closure_see_its_free_variables():
    # an inner def, a lambda and a comprehension capture the closure's (frozen) variables (they
    # were untyped variables: 'cannot infer the type of this expression')
    def make(k, offsets):
        @njit
        def f(x):
            def g(y):
                return y * k
            h = lambda y: y + offsets[0]  # noqa: E731
            return g(x) + h(x), [v * k for v in range(3)]
        return f

    assert make(3, (1.0, 2.0))(2) == (2 * 3 + 3.0, [0, 3, 6])
    assert make(-1, (0.5, 0.5))(4) == (-4 + 4.5, [0, -1, -2])


# ------------------------------------------------------------------ *args


def star_sum(*args):
    s = 0
    for x in args:
        s += x
    return s, len(args)


def star_after(x, *rest, scale=2.0):
    return (x + rest[0] if len(rest) > 0 else x) * scale, rest


@njit
def star_callee(a, *rest):
    return a * len(rest), rest


def star_caller(n):
    return star_callee(n, 2.0, (3, 4)), star_callee(n), star_callee(n, n)


def star_arrays(*arrays):
    t = 0.0
    for a in arrays:
        t += a.sum()
    return t


def test_star_args():
    import numpy as np
    check_all(star_sum, [(1,), (1, 2, 3), (1.5, 2.0, -0.5)])
    check_all(star_after, [(1, 2.5), (1, 2, 3), (0.5, -1)])
    check(star_after, 1, 2, kwargs={"scale": 3.0})
    check_all(star_caller, [(0,), (3,)])
    check(star_arrays, np.ones(3), np.arange(4.0))
    with pytest.raises(TypeError, match="unexpected keyword argument 'y'"):
        jit(star_sum)(1, y=2)


@njit
def add3(a, b, c=10):
    return a + b * c


def star_calls(t, x):
    return (add3(*t), add3(x, *t[:1]), add3(*t[:1], x), add3(*t, c=x), max(*t), min(*t, x),
            (x, *t), (*t, x, *t), [*t, x], star_callee(*t))


def star_forward(*args):
    return add3(*args)


def test_star_calls_and_displays():
    check_all(star_calls, [((1, 2), 3), ((1.5, -2.0), 0.5)])
    check_all(star_forward, [(1, 2), (1, 2, 3), (1.0, 2, True)])
    with pytest.raises(ember.errors.UnsupportedError, match=r"\*list\(int64\): only a tuple spreads"):
        jit(lambda l: add3(*l))([1, 2, 3])


def test_a_recursive_inner_function_is_a_clear_error():
    # it typed itself for ever (a crash); Numba refuses it too
    @njit
    def outer(n):
        def rec(k):
            if k == 0:
                return 0
            return 1 + rec(k - 1)
        return rec(n)

    with pytest.raises(Exception, match="calls itself|cell variable"):
        outer(5)


def sixteen_params(f0, f1, f2, f3, f4, f5, f6, f7, f8, f9, f10, f11, f12, f13, f14, f15, f16=0.5):
    return f0 + f15 * 2 + f16


sixteen_params_jit = jit(sixteen_params)


def sixteen_keywords(a):
    return sixteen_params_jit(f0=a, f1=a, f2=a, f3=a, f4=a, f5=a, f6=a, f7=a, f8=a, f9=a, f10=a, f11=a, f12=a,
                              f13=a, f14=a, f15=a + 1)


def big_display(x):
    e = {"a0": x, "a1": x + 1, "a2": x, "a3": x, "a4": x, "a5": x, "a6": x, "a7": x, "a8": x, "a9": x,
         "b0": x, "b1": x, "b2": x, "b3": x, "b4": x, "b5": x, "b6": x, "b7": 7.0}
    return len(e), e["a1"], e["b7"]


def test_sixteen_keywords_and_big_dict_displays():
    # CPython 3.11 passes 16 keywords or more through a dict (BUILD_MAP 0, MAP_ADD each), and builds
    # a display of more than 16 items in parts (DICT_UPDATE): vectorbt's simulate_nb
    check(sixteen_keywords, 1.0)
    check(big_display, 2.0)


def _many(a, b=0.0, k0=0.0, k1=0, k2=0, k3=0, k4=0, k5=0, k6=0, k7=0, k8=0, k9=0, k10=0, k11=0, k12=0, k13=None,
          k14="x", k15=False):
    return a + b + k0 + k1 * k12 + len(k14) + (0 if k13 is None else k13) + k15


_many_jit = jit(_many)


def sixteen_keywords(a):
    """16 or more keyword arguments: CPython builds them as a dict for CALL_FUNCTION_EX (aeon's DBA)."""
    x = _many_jit(a=a, k0=1.5, k1=2, k2=2, k3=2, k4=2, k5=2, k6=2, k7=2, k8=2, k9=2, k10=2, k11=2, k12=3, k13=None,
                  k14="abc", k15=True)
    y = _many_jit(a, 2.0, k0=1.5, k1=2, k2=2, k3=2, k4=2, k5=2, k6=2, k7=2, k8=2, k9=2, k10=2, k11=2, k12=3,
                  k13=7, k14="abcd", k15=False)
    return x, y


def test_sixteen_or_more_keyword_arguments():
    check(sixteen_keywords, 1.0)
