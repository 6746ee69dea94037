"""Compiled functions passed as arguments (functions as values): each function passed is part of
the argument types, so the function taking it compiles once per function and calls it directly
(LLVM may inline it), as Numba does; in loops, with keyword calls, through several levels;
signatures name it; plain Python functions are a clear TypeError; the function stays alive as
long as a specialisation compiled for it."""

import gc
import weakref

import numpy as np
import pytest

from difftest import ON_NUMBA, errors, impl, numba_xfail
from difftest import no_leaks  # noqa: F401  (autouse: every test frees what it allocates)

njit = impl.njit


@njit
def square(x):
    return x * x


@njit
def cube(x):
    return x * x * x


@njit
def shift(x, by=1.0):
    return x + by


def apply(f, x):
    return f(x) + 1


def fold(f, a):
    s = 0.0
    for v in a:
        s += f(v)
    return s


def twice(f, g, x):
    return g(f(x)) + f(by=2.0, x=x)


def test_apply_compiles_per_function():
    f = njit(apply)
    assert f(square, 3) == 10 and f(cube, 3) == 28 and f(square, 2.5) == 7.25
    assert len(f.signatures) == 3
    assert njit(fold)(cube, np.arange(4.0)) == 36.0
    assert njit(twice)(shift, square, 1.0) == 7.0


def test_nested_passing():
    inner = njit(apply)

    def outer(f, x):
        return inner(f, x) * 2

    assert njit(outer)(cube, 2) == 18


def second(p):
    return p[1]


def last(p):
    return p[-1]


def last_sum(p):
    return p[-1].sum() + p[0](1.0)


def scaled(spec, x):
    return spec.fn(x) * spec.scale


Spec = __import__("collections").namedtuple("Spec", ["fn", "scale"])


def test_functions_in_tuples_from_python():
    # a function in a tuple takes no bytes of the tuple's own, but its slot in the generated
    # code's layout: the elements after it are read where they were written
    f = njit(second)
    assert f((square, 2.0)) == 2.0 and f((square, 7)) == 7 and f((square, 2.0, 3.0)) == 2.0
    assert f((square, (2.0, 5.0))) == (2.0, 5.0) and njit(last)((np.arange(3.0), cube, 2.5)) == 2.5
    assert njit(last_sum)((shift, square, np.arange(4.0))) == 8.0
    assert njit(scaled)(Spec(cube, 3.0), 2.0) == 24.0   # a namedtuple keeps its fields' names


@pytest.mark.skipif(ON_NUMBA, reason="ember's type names and messages")
def test_signatures_and_errors():
    f = njit(apply)
    f(square, 2)
    assert str(f.signatures[0][0]) == "Dispatcher(square)" and f.signatures[0][1] == impl.types.int64
    with pytest.raises(errors.TypingError, match="is a plain Python function.*pass an @njit function"):
        f(lambda x: x, 1)
    g = njit(apply, cache=True)   # compiles (the cache cannot key a function's code), no warning
    assert g(cube, 2) == 9


@pytest.mark.skipif(ON_NUMBA, reason="ember's lifetimes")
def test_the_function_lives_as_long_as_the_specialisation():
    f = njit(apply)

    def make():
        @njit
        def local(x):
            return x - 5
        return local

    local = make()
    ref = weakref.ref(local)
    assert f(local, 10) == 6
    del local
    gc.collect()
    assert ref() is not None and f(ref(), 1) == -3
    del f
    gc.collect()
    assert ref() is None


RULES = (square, cube)
SPECS = ((square, 2.0), (cube, 0.5))


def apply_rules(x):
    s = 0.0
    for r in impl.literal_unroll(RULES):
        s += r(x)
    t = 0.0
    for spec in impl.literal_unroll(SPECS):
        t += spec[0](x) * spec[1]
    return s, t, RULES[1](x)


def make_pipeline(*stages):
    @njit
    def run(x):
        for st in impl.literal_unroll(stages):
            x = st(x)
        return x
    return run


def with_weight(f, w):
    return f, w


def indexed_rules(x):
    return RULES[0](x) + SPECS[1][0](x) * SPECS[1][1]


def test_tuples_of_functions_in_globals_and_closures():
    assert njit(indexed_rules)(2.0) == 8.0
    f, w = njit(with_weight)(cube, 2.0)   # a function comes back as itself
    assert f is cube and w == 2.0


@numba_xfail("numba's literal_unroll does not take a global or free tuple of functions")
def test_literal_unroll_over_a_global_tuple_of_functions():
    assert njit(apply_rules)(2.0) == (12.0, 12.0, 8.0)
    assert make_pipeline(square, cube)(2.0) == 64.0
