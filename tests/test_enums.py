"""Enum members in compiled code. IntEnum and IntFlag members are ints, read as constants from the
class (tardis' PacketStatus), arithmetic and comparisons as ints. Members of other Enums are
Numba's EnumMember (FinancePy's OptionTypes): arguments, constants, results (the member again),
==, `is`, .value, `in`, lists of them; .value and .name of a member named in the code are
constants. Runs on both backends (EMBER_TEST_BACKEND=numba)."""

from enum import Enum, IntEnum, IntFlag

import numpy as np
import pytest

from difftest import check, errors, impl, numba_xfail
from difftest import no_leaks  # noqa: F401  (autouse: every test frees what it allocates)


class Status(IntEnum):
    IN_PROCESS = 0
    EMITTED = 1
    REABSORBED = 2


class Perm(IntFlag):
    R = 4
    W = 2


class Color(Enum):
    RED = 1
    GREEN = 2


class Shape(Enum):
    CIRCLE = 1


class Scheme(Enum):
    EULER = 0.5
    MILSTEIN = 1.5


def next_status(s):
    if s == Status.EMITTED:
        return Status.IN_PROCESS + 10
    return Status.EMITTED + 0


def count_reabsorbed(a):
    c = 0
    for x in a:
        if x == Status.REABSORBED:
            c += 1
    return c


def flags():
    return Perm.R | Perm.W, Perm.R & 6


def red():
    return Color.RED


def test_int_enum_members_are_ints():
    for s in (Status.EMITTED, Status.IN_PROCESS, 2):
        check(next_status, s)
    check(count_reabsorbed, np.array([2, 1, 2, 0]))


@numba_xfail("numba has no | for IntFlag members")
def test_int_flags():
    assert impl.njit(flags)() == (6, 4)   # (ints: CPython's are Perm members)


def payoff(s, k, kind):
    if kind == Color.RED:
        return max(s - k, 0.0)
    elif kind is Color.GREEN:
        return max(k - s, 0.0)
    return -1.0


def pick(i):
    return Color.RED if i == 0 else Color.GREEN


def values_and_names(c, sc):
    return c.value, sc.value * 2, Color.GREEN.value, Scheme.EULER.value, Status.EMITTED.value


def names():
    return Color.RED.name, Status.EMITTED.name


def membership(c, cs):
    return c in cs, c in (Color.RED, Color.GREEN), Color.GREEN in cs, c != Color.RED, c is not Color.GREEN


def tally(cs):
    n = 0
    for c in cs:
        if c == Color.GREEN:
            n += c.value
    return n, [c for c in cs if c != Color.GREEN]


def test_enum_members():
    for kind in (Color.RED, Color.GREEN):
        check(payoff, 10.0, 8.0, kind)
        check(values_and_names, kind, Scheme.MILSTEIN)
        check(membership, kind, [Color.GREEN])
    assert impl.njit(pick)(0) is Color.RED and impl.njit(pick)(1) is Color.GREEN   # the members themselves
    assert impl.njit(red)() is Color.RED
    check(tally, [Color.RED, Color.GREEN, Color.GREEN])
    assert str(impl.typeof(Color.RED)) == "Enum<int64>(Color)" and str(impl.typeof(Scheme.EULER)) == "Enum<float64>(Scheme)"


@numba_xfail("numba has no .name of Enum members")
def test_names_of_members_named_in_the_code():
    check(names)


def members_of_two_enums(c, s):
    return c == s, c != s, c is s


@numba_xfail("numba has no == between members of two Enums")
def test_members_of_two_enums_are_never_equal():
    check(members_of_two_enums, Color.RED, Shape.CIRCLE)
