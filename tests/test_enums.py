"""IntEnum and IntFlag members in compiled code: ints, read as constants from the class (tardis'
PacketStatus), arithmetic and comparisons as ints; other Enum classes are refused with a located
message. Runs on both backends (EMBER_TEST_BACKEND=numba)."""

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


@numba_xfail("numba types plain Enum members")
def test_other_enums_are_refused():
    with pytest.raises(errors.UnsupportedError, match="an Enum class"):
        impl.njit(red)()
