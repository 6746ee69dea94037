"""Branches on a.ndim and len(t) of parameters, decided by the argument types (as Numba's
dead-branch pruning with its semantic constants): only the branch taken is typed, so one
function serves 1-d and 2-d arrays, or tuples of several lengths."""
import numpy as np
import pytest

from difftest import impl
from ember import njit


def corner(a):
    if a.ndim == 1:
        return a[0]
    elif a.ndim == 2:
        return a[0, 0] + a[-1, -1]
    else:
        return a[0, 0, 0] - 1.0


def rows(a):
    if 1 < a.ndim:
        s = 0.0
        for i in range(a.shape[0]):
            s += a[i].sum() * (i + 1)
        return s
    return a.sum()


def ends(a):
    if a.ndim != 1 and a.size > 1:
        return a[-1, 0]
    if a.ndim >= 2:
        return a[0, 0]
    return a[-1]


def mixed(t):
    if len(t) == 3:
        return t[0] * t[1] + t[2]
    if len(t) > 3:
        return t[3]
    return t[0]


ARRAYS = [np.arange(5.0), np.arange(6.0).reshape(2, 3), np.arange(24.0).reshape(2, 3, 4), np.ones((1, 1))]


@pytest.mark.parametrize("fn", [corner, rows, ends], ids=lambda f: f.__name__)
@pytest.mark.parametrize("k", range(len(ARRAYS)))
def test_ndim_branches(fn, k):
    a = ARRAYS[k]
    if fn is not corner and a.ndim == 3:
        a = a[0]
    assert njit(fn)(a) == fn(a)


@pytest.mark.parametrize("t", [(2,), (2, 3, 4), (1.5, 2, 3, 7), (1, 2)])
def test_len_of_tuple_branches(t):
    assert njit(mixed)(t) == mixed(t)


def reassigned(a):
    a = a.reshape(-1)
    if a.ndim == 1:   # a is no longer the parameter: a run-time test, both branches typed
        return a[0]
    return a[1]


def test_a_reassigned_parameter_keeps_its_test():
    assert njit(reassigned)(np.arange(6.0).reshape(2, 3)) == 0.0


def test_both_forms_compile_once_each():
    f = njit(corner)
    f(np.arange(3.0))
    f(np.ones((2, 2)))
    f(np.arange(4.0))
    assert len(f.signatures) == 2


def collapse(a):
    n = a.ndim   # the rank kept in a variable decides the branch as a.ndim does
    if n >= 3:
        return a.sum(axis=2).sum()   # axis 2 types only for 3-d arrays
    return a.sum()


@pytest.mark.parametrize("k", range(len(ARRAYS)))
def test_ndim_in_a_variable(k):
    assert njit(collapse)(ARRAYS[k]) == collapse(ARRAYS[k])


def make_drawer(width):
    if width > 0.0:
        wide, thin = impl.njit(lambda x: x * 2.0), None
    else:
        wide, thin = None, impl.njit(lambda x: x + 1.0)

    def draw(x):
        if width > 0.0:
            return wide(x)
        return thin(x)
    return impl.njit(draw)


LIMIT = 3
NOT_CALLABLE = None


def by_global(x):
    if LIMIT >= 3:
        return x * 2
    return NOT_CALLABLE(x)   # (never typed: the branch is pruned)


OLD_NUMPY = False


def by_flag(y):
    if OLD_NUMPY:
        integrate = np.trapz   # (gone from NumPy 2.4: never typed)
    else:
        integrate = np.trapezoid
    if not OLD_NUMPY:
        y = y * 2.0
    return integrate(y)


def test_branches_on_frozen_numbers():
    # a closure's or a global's number decides its branch when compiling, as Numba's dead-branch
    # pruning: the other branch is not typed (datashader's glyph factories); a global flag tested
    # as it is (`if OLD_NUMPY:`, sktime's np.trapz) too
    assert make_drawer(0.0)(3.0) == 4.0 and make_drawer(1.0)(3.0) == 6.0
    assert impl.njit(by_global)(2.5) == 5.0
    assert impl.njit(by_flag)(np.arange(4.0)) == np.trapezoid(np.arange(4.0) * 2.0)


def summed_with_progress(x, proxy=None):
    update = proxy is not None
    quiet = not update
    s = 0.0
    for i in range(x.size):
        s += x[i]
        if update:
            proxy.update(1)   # None has no update: only typed when given
        if quiet:
            s += 0.5
    return s


def test_a_none_test_kept_in_a_variable():
    # `update = proxy is not None` then `if update:` in a loop (harmonica's progress bars): the
    # variable is decided from the argument's type as the test itself is (was TypingError: None
    # has no attribute 'update')
    x = np.arange(5.0)
    assert impl.njit(summed_with_progress)(x) == summed_with_progress(x) == 12.5
