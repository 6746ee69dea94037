"""The builtins map() and filter() in compiled code, compiled vs CPython: lazy (generators over
the iterables), of lambdas, inner functions, compiled functions and builtins, over lists, arrays,
ranges, strings and several iterables at once (the shortest ends them), consumed by list(),
sum(), loops, sorted() and other generators."""
import numpy as np
import pytest

from difftest import check, impl, no_leaks, numba_leaks, numba_xfail  # noqa: F401

NO_SUM = numba_xfail("sum() of a map object")


@impl.njit
def square(x):
    return x * x


def map_lambda(a):
    return list(map(lambda x: x * 2 + 1, a))


def map_compiled(a):
    return sum(map(square, a))


def map_builtin(a):
    t = 0
    for v in map(abs, a):
        t += v
    return t


def map_two(a, b):
    return list(map(lambda x, y: x * y, a, b))


def map_three_range(n):
    return list(map(lambda i, j, k: i + 10 * j + 100 * k, range(n), range(1, n + 3), range(2, n + 7)))


def map_inner(a):
    def shift(x):
        return x + 10
    return sorted(map(shift, a), reverse=True)


def map_closure(a, k):
    return list(map(lambda x: x + k, a))


def map_str(s):
    return list(map(lambda c: c.upper(), s))


def filter_lambda(a):
    return list(filter(lambda x: x % 3 != 0, a))


def filter_none(a):
    return list(filter(None, a))


def filter_then_map(a):
    return sum(map(square, filter(lambda x: x > 0, a)))


def lazy(a):
    calls = [0]

    def f(x):
        calls[0] += 1
        return x
    it = map(f, a)
    first = next(it)
    return first, calls[0]


@pytest.mark.parametrize("fn, args", [
    (map_lambda, ([3, 1, 2],)), (map_lambda, (np.arange(5.0),)), pytest.param(map_compiled, (np.arange(6),), marks=NO_SUM),
    (map_builtin, (np.array([-1.5, 2.0, -3.0]),)), (map_two, ([1, 2, 3], np.arange(5.0))),
    (map_three_range, (4,)), (map_inner, ([4, 1, 3],)), (map_str, ("abc",)),
        pytest.param(filter_then_map, (np.array([-2, 3, 0, 4]),), marks=NO_SUM),
], ids=lambda v: getattr(v, "__name__", None))
@numba_leaks("its map and filter iterators leak")
def test_map_and_filter(fn, args):
    check(fn, *args)


@numba_leaks("its map and filter iterators leak")
def test_filter_and_empty_map():
    check(filter_lambda, list(range(10)))
    check(filter_none, [0, 1, 0, 2, 3])
    check(filter_none, np.array([0.0, 1.5, -0.0, 2.0]))
    check(map_lambda, np.arange(0.0))


@pytest.mark.skipif(impl.__name__ != "ember", reason="ember's message")
def test_a_closure_is_a_located_error():
    # a function using the caller's variables cannot be called in map's generator: the error
    # names the user's map() call
    with pytest.raises(impl.errors.UnsupportedError, match=r"test_map_filter.py:\d+ in map_closure: .*uses 'k'"):
        impl.njit(map_closure)([1, 2], 3)
