"""print() in compiled code: the same text as CPython's print, written to sys.stdout (so pytest's
capsys, a notebook or a redirect sees it), from plain, nogil and prange code."""

import math

import numpy as np
import pytest

from difftest import ON_NUMBA, errors, impl, jit, no_leaks  # noqa: F401

pytestmark = pytest.mark.skipif(ON_NUMBA, reason="numba prints through C: formats differ")


def same_output(capsys, fn, *args, **opts):
    expected = fn(*args)
    want = capsys.readouterr().out
    got_result = jit(fn, **opts)(*args)
    got = capsys.readouterr().out
    assert got == want
    assert got_result == expected or (isinstance(expected, float) and math.isnan(expected))


def numbers(x, n, b):
    print(x, n, b, -x, x * 1e20, x / 3, n * n, 1 + 2j, None)
    print(0.1 + 0.2, 1e16, 1e-5, -0.0, math.inf, -math.inf, math.nan, 2 ** 63 - 1, -2 ** 63)
    return n


@pytest.mark.parametrize("x, n, b", [(2.5, 7, True), (-0.0, 0, False), (1e300, -5, True)])
def test_numbers_as_python_prints_them(capsys, x, n, b):
    same_output(capsys, numbers, x, n, b)


def text_and_tuples(x, n):
    print("x is", x, "and n is", n)
    print((x, n), ((n,), (x, None)), ())
    print("no newline", end="")
    print(" then", "joined", sep="--", end="!\n")
    print()
    print(n, sep=None, end=None)
    return x


def test_strings_tuples_sep_end(capsys):
    same_output(capsys, text_and_tuples, 1.5, 3)


def arrays(a, m):
    print(a, a[::2], a.reshape(2, -1))
    print(m, m.T, m[0], m.sum(axis=0))
    print(a > 2, (a * 2).astype(np.int32))
    return a.size


def test_arrays(capsys):
    same_output(capsys, arrays, np.arange(6.0), np.arange(12, dtype=np.int64).reshape(3, 4))


def in_a_loop(n):
    s = 0
    for i in range(n):
        s += i
        if i % 3 == 0:
            print("step", i, s)
    return s


def test_in_a_loop(capsys):
    same_output(capsys, in_a_loop, 10)


def test_from_nogil_and_prange(capsys):
    def par(n):
        s = 0
        for i in impl.prange(n):
            s += i
        print("total", s)
        return s
    same_output(capsys, par, 100, parallel=True)

    def inside(n):
        for i in impl.prange(n):
            print(i)
        return n
    jit(inside, parallel=True)(4)
    assert sorted(capsys.readouterr().out.split()) == ["0", "1", "2", "3"]
    same_output(capsys, in_a_loop, 7, nogil=True)


def test_print_of_an_unsupported_value_is_located():
    def f(x):
        print(range(x))
        return x
    with pytest.raises(errors.UnsupportedError, match="print\\(\\) of range"):
        jit(f)(3)


def test_print_file_is_refused():
    import sys

    def f(x):
        print(x, file=sys.stderr)
        return x
    with pytest.raises(errors.UnsupportedError, match=r"print\(file=|'stderr'"):
        jit(f)(3)
