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


def numpy_classes(a, x):
    e = a[0]   # an element: the array's NumPy scalar type, as Numba types it
    return (isinstance(e, np.float32), isinstance(e, np.float64), isinstance(e, np.int8),
            isinstance(x, np.int64), isinstance(x, (np.float32, np.int64)))


def test_numpy_scalar_classes_as_numba_types_the_value():
    f = ember.njit(numpy_classes)
    assert f(np.ones(2, np.float32), 3) == (True, False, False, True, True)
    assert f(np.ones(2), 3) == (False, True, False, True, True)
    assert f(np.ones(2, np.int8), 2.5) == (False, False, True, False, False)


def typed_kinds(x):
    if isinstance(x, ember.typed.List):
        return 1
    if isinstance(x, ember.typed.Dict):
        return 2
    return 0


def test_typed_containers():
    f = ember.njit(typed_kinds)
    assert f(ember.typed.List([1, 2])) == 1
    assert f(ember.typed.Dict.empty(ember.types.int64, ember.types.float64)) == 2
    assert f([1, 2]) == 0 and f(3) == 0


def unrolled(scale):
    acc = 0.0
    for v in ember.literal_unroll((np.float64(3), "abc", np.int8(2))):   # built at run time
        if isinstance(v, str):
            acc += len(v)   # types only for the string: the other copies prune it
        else:
            acc += v * scale
    return acc


def test_literal_unroll_prunes_on_numpy_scalars():
    assert ember.njit(unrolled)(2.0) == unrolled(2.0) == 13.0
