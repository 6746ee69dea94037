"""First-class functions (Numba's FunctionType): compiled functions chosen at run time and called
through a pointer to their native code. A tuple of functions indexed by a run-time integer, a
function picked by a branch, a parameter declared types.FunctionType(sig) taking an @njit
function or a @cfunc, and functions returned; against CPython running the same code (the
reference calls the plain Python originals). Signature mismatches are located errors; cache=True
keeps working in a fresh process (no address enters the object code)."""

import math
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from difftest import ON_NUMBA, check, errors, impl, no_leaks, numba_leaks  # noqa: F401 (autouse fixture)

cfunc, njit, types, numba_prange = impl.cfunc, impl.njit, impl.types, impl.prange
FT = types.FunctionType(types.float64(types.float64))


@njit("float64(float64)")
def sq(x):
    return x * x


@njit("float64(float64)")
def cu(x):
    return x * x * x


@njit("float64(float64)")
def inv(x):
    return 1.0 / x    # ZeroDivisionError at 0


@njit
def plus1(x):         # no signature: compiled for what the caller passes
    return x + 1


@njit
def twice(x):
    return 2 * x


@cfunc("float64(float64)")
def ten(x):
    return 10.0 * x


def sum_all(fs, x):
    s = 0.0
    for i in range(len(fs)):
        s += fs[i](x)
    return s


def pick(fs, i, x):
    return fs[i](x)


def test_tuple_argument_indexed_at_run_time():
    for x in (0.5, -2.0, 3.0):
        check(sum_all, (sq, cu, inv), x)
    check(sum_all, (sq, cu, inv), 0.0)               # ZeroDivisionError through the pointer
    for i in (0, 1, 2, -1, -3, 3, -4):               # IndexError out of range, as Python
        check(pick, (sq, cu, inv), i, 2.0)


def for_each(fs, x):
    s = 0.0
    for f in fs:
        s += f(x)
    return s


def first_above(fs, x, t):
    for f in fs:
        v = f(x)
        if v > t:
            return v
    return -1.0


def test_for_loop_over_a_tuple_of_functions():
    for x in (0.5, -2.0, 3.0):
        check(for_each, (sq, cu, inv, sq), x)
    check(for_each, (sq, cu, inv), 0.0)              # ZeroDivisionError from the third
    check(first_above, (sq, cu), 1.5, 2.5)
    check(first_above, (sq, cu), 1.5, 9.0)

@pytest.mark.skipif(ON_NUMBA, reason="numba needs signatures to unify functions in a tuple")
def test_tuple_of_functions_without_signatures():
    check(sum_all, (plus1, twice), 4)                # compiled for int64 at the call
    check(sum_all, (plus1, twice), 4.5)
    check(sum_all, (plus1, ten, twice), 1.5)         # a cfunc among them
    check(passed_on_unsigned, True, 2)
    check(for_each, (plus1, twice, ten), 1.5)        # a loop over them: a copy of its body each


def passed_on_unsigned(flag, x):
    f = plus1 if flag else twice
    return f(x) + apply(f, x)          # the call here decides f's signature, then it is passed on


def glob_tuple(i, x):
    fs = (sq, cu, inv)
    return fs[i](x) + fs[(i + 1) % 3](x)


def chosen(flag, x):
    f = sq if flag else cu
    return f(x)


def chosen_by_if(k, x):
    if k == 0:
        f = sq
    elif k == 1:
        f = cu
    else:
        f = inv
    s = 0.0
    for _ in range(3):
        s += f(x)
    return s


def test_functions_built_in_compiled_code():
    for i in range(3):
        check(glob_tuple, i, 1.5)
    for flag in (True, False):
        check(chosen, flag, 3.0)
    for k in range(3):
        check(chosen_by_if, k, 2.0)
    check(chosen_by_if, 2, 0.0)


def list_of_functions(x):
    fs = [sq, cu, inv]
    s = 0.0
    for f in fs:
        s += f(x)
    return s + fs[len(fs) - 2](x) + len(fs)


def list_indexed(i, x):
    fs = [plus1, twice]
    return fs[i](x) * 10


@numba_leaks("the list, when a function in it raises")
def test_lists_of_functions():
    check(list_of_functions, 2.0)
    check(list_of_functions, 0.0)                    # ZeroDivisionError; the list is freed (no_leaks)


@pytest.mark.skipif(ON_NUMBA, reason="numba needs signatures to unify functions in a list")
def test_list_of_functions_without_signatures():
    for i in (0, 1, 2, -1):
        check(list_indexed, i, 2.5)


def in_prange(fs, a):
    out = np.empty_like(a)
    for i in numba_prange(a.size):
        out[i] = fs[i % len(fs)](a[i])
    return out


def guarded(flag, x):
    f = sq if flag else inv
    try:
        return f(x)
    except Exception:     # (numba catches only Exception)
        return -1.0


def test_pointer_calls_in_prange_and_try():
    check(in_prange, (sq, cu, inv), np.arange(1.0, 8.0), jit_opts={"parallel": True})
    check(in_prange, (sq, inv), np.arange(0.0, 8.0), jit_opts={"parallel": True})    # raises in a thread
    for flag, x in ((True, 0.0), (False, 0.0), (False, 4.0)):
        check(guarded, flag, x)


@njit
def apply(f, x):
    return f(x) * 2


def passed_on(flag, x):
    return apply(sq if flag else cu, x)


@pytest.mark.skipif(ON_NUMBA, reason="ember's unsignatured callee")
def test_function_pointer_passed_to_another_compiled_function():
    for flag in (True, False):
        check(passed_on, flag, 1.5)


def test_declared_function_type_parameter():
    @njit(types.float64(FT, types.float64))
    def call(f, x):
        return f(x) + 1.0

    assert call(sq, 3.0) == 10.0
    assert call(plus1, 3.0) == 5.0          # compiled for float64 now
    assert call(ten, 3.0) == 31.0           # a cfunc: its native twin
    assert call(cu, 2) == 9.0               # the argument converts to float64 as a parameter would
    with pytest.raises(ZeroDivisionError):
        call(inv, 0.0)
    assert call.signatures == [(FT, types.float64)]

    @njit(types.float64(types.UniTuple(FT, 2), types.int64, types.float64))
    def pick_declared(fs, i, x):
        return fs[i](x)

    assert pick_declared((sq, cu), 1, 2.0) == 8.0 and pick_declared((ten, plus1), 0, 2.0) == 20.0

    @njit(types.float64(FT, types.float64))
    def passes_it_on(f, x):
        return apply(f, x)              # a FunctionType argument of another compiled function

    assert passes_it_on(cu, 2.0) == 16.0


def test_function_type_local():
    @njit(locals={"f": FT})
    def local_choice(k, x):
        f = sq
        if k > 0:
            f = cu
        return f(x) + f(1.0)

    assert local_choice(0, 3.0) == 10.0 and local_choice(1, 2.0) == 9.0


@pytest.mark.skipif(ON_NUMBA, reason="ember's messages")
def test_mismatched_signatures_are_clear_errors():
    @njit(types.float64(FT, types.float64))
    def call(f, x):
        return f(x)

    @njit("int64(int64)")
    def ident(n):
        return n

    @njit
    def as_int(x):
        return int(x)

    with pytest.raises(TypeError, match=r"ident has no signature float64\(float64\), so it cannot be passed as "
                                        r"FunctionType\[float64\(float64\)\]"):
        call(ident, 1.0)
    with pytest.raises(TypeError, match=r"as_int\(float64\) returns int64, so it cannot be passed"):
        call(as_int, 1.0)

    def mixed(flag, x):
        f = sq if flag else as_int
        return f(x)

    with pytest.raises(errors.TypingError, match=r"(?s)different signatures for these arguments: .* is "
                                                 r"(float64|int64)\(float64\), .*return f\(x\)\n\s+\^\^\^\^"):
        njit(mixed)(True, 1.0)

    def never_called(flag):
        f = plus1 if flag else twice    # (functions with one signature each would give theirs)
        return 1

    with pytest.raises(errors.TypingError, match="cannot tell the signature of the function chosen here"):
        njit(never_called)(True)

    def wrong_arity(fs, x):
        return fs[len(fs) - 1](x, x)

    with pytest.raises(errors.TypingError, match=r"FunctionType\[float64\(float64\)\] takes 1 arguments but 2"):
        njit(wrong_arity)((sq, cu), 1.0)


def returns_known():
    return sq


def test_returned_function():
    assert njit(returns_known)() is sq


def returns_chosen(flag):
    return sq if flag else cu


def calls_the_choice(flag, x):
    return chosen(flag)(x)


chosen = njit(returns_chosen)


def test_a_run_time_choice_returned_to_compiled_code():
    # a compiled caller calls what it gets back; Python gets a TypeError (numba returns the
    # chosen dispatcher, which ember's function value does not know)
    f = njit(calls_the_choice)
    assert f(True, 3.0) == sq(3.0) and f(False, 3.0) == cu(3.0)
    if not ON_NUMBA:
        with pytest.raises(TypeError, match="cannot return a function chosen at run time"):
            chosen(True)


def test_function_type_objects():
    assert str(FT) == "FunctionType[float64(float64)]"
    if not ON_NUMBA:
        assert FT == types.FunctionType("float64(float64)") and FT.signature == types.float64(types.float64)
        assert types.from_name(str(FT)) == FT
        with pytest.raises(TypeError, match="FunctionType takes a signature"):
            types.FunctionType(types.float64)


CACHED = '''
import math
from ember import njit, cfunc, types

@njit("float64(float64)", cache=True)
def sq(x):
    return x * x

@njit("float64(float64)", cache=True)
def half(x):
    return x / 2

@cfunc("float64(float64)")
def ten(x):
    return 10.0 * x

@njit(cache=True)
def chooser(i, x):
    fs = (sq, half)
    return fs[i](x) + (sq if i else half)(x)

FT = types.FunctionType(types.float64(types.float64))

@njit(types.float64(FT, types.float64), cache=True)
def call(f, x):
    return f(x) + 1.0
'''

RUN = '''
import json, kernels
out = [kernels.chooser(0, 3.0), kernels.chooser(1, 3.0), kernels.call(kernels.sq, 3.0), kernels.call(kernels.ten, 3.0),
       kernels.call(kernels.half, 3.0)]
print(json.dumps({"out": out, "hits": kernels.chooser.stats["cache_hits"] + kernels.call.stats["cache_hits"]}))
'''


@pytest.mark.skipif(ON_NUMBA, reason="ember's cache and stats")
def test_cache_in_a_fresh_process(tmp_path):
    (tmp_path / "kernels.py").write_text(textwrap.dedent(CACHED))
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1", EMBER_CACHE_DIR=str(tmp_path / "cache"),
               PYTHONPATH=os.pathsep.join([str(tmp_path)] + sys.path))
    runs = []
    for _ in range(2):
        p = subprocess.run([sys.executable, "-c", RUN], cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=120)
        assert p.returncode == 0, p.stderr
        runs.append(__import__("json").loads(p.stdout.strip().splitlines()[-1]))
    expected = [9.0 + 1.5, 1.5 + 9.0, 10.0, 31.0, 2.5]
    assert runs[0]["out"] == runs[1]["out"] == expected
    assert runs[0]["hits"] == 0 and runs[1]["hits"] == 2
