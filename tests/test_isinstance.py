"""isinstance(x, C), compiled vs CPython: decided from x's type at compile time, as in Numba;
an `if isinstance(p, C):` on a parameter keeps only the branch it takes, so the other branch may
hold code that types only for other arguments (generic functions); classes as globals, module
attributes (np.ndarray) and tuples of classes; unsupported classes are located errors."""

import numpy as np
import pytest

from difftest import check, check_all, no_leaks  # noqa: F401 -- autouse fixture

import ember


def kind(x):
    if isinstance(x, bool):
        return 0
    elif isinstance(x, int):
        return 1
    elif isinstance(x, float):
        return 2
    elif isinstance(x, complex):
        return 3
    elif isinstance(x, str):
        return 4
    return 5


def generic(x):
    if isinstance(x, np.ndarray):
        return x.sum()      # types only for arrays
    elif isinstance(x, (list, tuple)):
        return len(x) * 1.0
    return x * 2.0          # types only for numbers


def as_values(x):
    return (isinstance(x, (int, float)), isinstance(x, (list, tuple)), isinstance(x, str),
            isinstance(x, dict), isinstance(x, set), not isinstance(x, np.ndarray))


def optional_default(x=None):
    if isinstance(x, int):
        return x + 1
    return -1


def test_decided_by_type():
    check_all(kind, [(True,), (3,), (2.5,), (1j,), ("s",), ((1, 2),)])
    check_all(generic, [(np.ones(3),), (np.arange(6.0).reshape(2, 3),), ([1, 2],), ((1.0, 2.0, 3.0),), (4,), (0.5,)])
    check_all(as_values, [(1,), (1.5,), ([1],), ((1, 2),), ("a",), ({1: 2},), ({1},), (np.ones(2),)])
    check(optional_default)
    check(optional_default, 4)


def test_unsupported_classes_are_located_errors():
    class Point:
        pass

    def custom(x):
        return isinstance(x, Point)

    with pytest.raises(ember.errors.EmberError, match="test_isinstance.py"):
        ember.njit(custom)(1)
