"""Raising from compiled code, compiled vs CPython: builtin exception classes with a constant
message, a user-defined exception class, a class raised without arguments, assert with and
without a message, exceptions propagating out of compiled callees, and functions that raise
on one path and return normally on the others.

check() requires the same exception type, and the same args when the message is a string
written in the source (a raise or assert message).

PYTEST_DONT_REWRITE: pytest must leave this module's assert statements alone, since the
functions under test use `assert` and must run (and compile) exactly as written."""

import math

import pytest

from difftest import check, check_all, jit, njit
from difftest import no_leaks  # noqa: F401  (autouse: every test frees what it allocates)


class MyError(Exception):
    pass


class MyValueError(ValueError):
    pass


def raise_value(x):
    if x < 0:
        raise ValueError("negative input")
    return x * 2


def test_raise_value_error_with_message():
    check_all(raise_value, [(1,), (0,), (-1,), (2.5,), (-0.5,)])
    with pytest.raises(ValueError) as info:
        jit(raise_value)(-3)
    assert type(info.value) is ValueError
    assert info.value.args == ("negative input",)
    assert str(info.value) == "negative input"


def raise_various(code):
    if code == 1:
        raise IndexError("index 1 is bad")
    elif code == 2:
        raise RuntimeError("runtime trouble")
    elif code == 3:
        raise ZeroDivisionError("explicit zero division")
    elif code == 4:
        raise KeyError("missing key")
    elif code == 5:
        raise TypeError("wrong type")
    elif code == 6:
        raise OverflowError("too big")
    elif code == 7:
        raise ArithmeticError("arithmetic")
    elif code == 8:
        raise NotImplementedError("not yet")
    elif code == 9:
        raise AssertionError("explicit assertion")
    elif code == 10:
        raise Exception("plain exception")
    elif code == 11:
        raise LookupError("lookup")
    return code * 10


@pytest.mark.parametrize("code", range(13))
def test_builtin_exception_classes(code):
    check(raise_various, code)


def test_key_error_keeps_its_argument():
    with pytest.raises(KeyError) as info:
        jit(raise_various)(4)
    assert info.value.args == ("missing key",)


def raise_user(x):
    if x > 10:
        raise MyError("user error with a message")
    if x < -10:
        raise MyError
    if x == 0:
        raise MyValueError("user subclass of ValueError")
    return x


def test_user_defined_exception():
    check_all(raise_user, [(11,), (-11,), (0,), (5,), (-5,)])
    with pytest.raises(MyError) as info:
        jit(raise_user)(100)
    assert type(info.value) is MyError and info.value.args == ("user error with a message",)
    with pytest.raises(ValueError) as info:
        jit(raise_user)(0)
    assert type(info.value) is MyValueError


def raise_class(x):
    if x == 1:
        raise ValueError
    if x == 2:
        raise RuntimeError()
    if x == 3:
        raise MyError
    return -x


def test_raise_without_arguments():
    check_all(raise_class, [(1,), (2,), (3,), (4,)])
    for x, exc in [(1, ValueError), (2, RuntimeError), (3, MyError)]:
        with pytest.raises(exc) as info:
            jit(raise_class)(x)
        assert type(info.value) is exc and info.value.args == ()


def assert_msg(x):
    assert x > 0, "x must be positive"
    return x


def assert_bare(x):
    assert x != 0
    return 10 // x


def assert_in_loop(n):
    total = 0
    for i in range(n):
        assert i < 5, "loop went too far"
        total += i
    return total


def test_assert():
    check_all(assert_msg, [(1,), (0,), (-1,), (0.5,), (math.nan,)])
    check_all(assert_bare, [(2,), (0,), (-3,)])
    check_all(assert_in_loop, [(0,), (5,), (6,), (100,)])
    with pytest.raises(AssertionError) as info:
        jit(assert_msg)(-2)
    assert info.value.args == ("x must be positive",)
    with pytest.raises(AssertionError) as info:
        jit(assert_bare)(0)
    assert info.value.args == ()


# ------------------------------------------------------------------ through callees


@njit
def checked_sqrt(x):
    if x < 0.0:
        raise ValueError("checked_sqrt of a negative number")
    return math.sqrt(x)


@njit
def innermost(x):
    if x == 3:
        raise IndexError("innermost saw 3")
    return x


@njit
def middle(x):
    return innermost(x) + innermost(x + 1)


@njit
def int_quotient(a, b):
    return a // b


def caller(x):
    return checked_sqrt(x) + 1.0


def caller_in_loop(n):
    s = 0.0
    for i in range(n, -3, -1):
        s += checked_sqrt(float(i))
    return s


def two_levels(x):
    return middle(x) * 2


def callee_divides(a, b):
    return int_quotient(a, b) + 1


def test_exception_propagates_from_callee():
    check_all(caller, [(4.0,), (0.0,), (-1.0,), (2,)])
    check_all(caller_in_loop, [(-5,), (3,)])
    check_all(two_levels, [(0,), (2,), (3,), (4,)])
    check_all(callee_divides, [(7, 2), (7, 0), (-7, 0)])


def test_exception_message_from_callee():
    with pytest.raises(ValueError) as info:
        jit(caller)(-4.0)
    assert info.value.args == ("checked_sqrt of a negative number",)
    with pytest.raises(IndexError) as info:
        jit(two_levels)(2)
    assert info.value.args == ("innermost saw 3",)


# ------------------------------------------------------------------ one path raises


def raise_in_loop(n):
    s = 0
    for i in range(n):
        if i == 5:
            raise RuntimeError("stopped at five")
        s += i
    return s


def raise_in_nested_branch(a, b):
    if a > 0:
        if b > 0:
            return a + b
        elif b == 0:
            raise ZeroDivisionError("b is zero")
        return a - b
    while a < 0:
        a += 3
        if a == 0:
            raise ValueError("hit zero exactly")
    return a * b


def raise_or_tuple(x):
    if x > 100:
        raise OverflowError("x too large")
    return x, x * 0.5


def test_raise_on_one_path_only():
    check_all(raise_in_loop, [(0,), (5,), (6,), (50,)])
    check_all(raise_in_nested_branch, [(a, b) for a in [-6, -5, 0, 4] for b in [-1, 0, 2]])
    check_all(raise_or_tuple, [(1,), (100,), (101,), (1.5,), (1e300,)])


def test_normal_calls_after_an_exception():
    f = jit(raise_in_loop)
    for _ in range(3):
        with pytest.raises(RuntimeError):
            f(10)
        assert f(4) == 6
