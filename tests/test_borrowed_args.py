"""Array and string parameters a function never reassigns are borrowed (codegen/lower_rec.c,
cg_borrowed_parameters): the callee takes no reference at its entry and drops none at its exit,
since its caller's reference outlives the call. What it returns, stores or keeps it still takes
a reference to; a reassigned parameter, and every parameter of a function given a list, dict or
set, are owned as before. A fresh value returned as its only use hands its reference to the
caller (cg_return_ref). The no_leaks fixture checks every block is freed, none twice."""

import sys

import numpy as np
import pytest

from difftest import ON_NUMBA, check, jit, njit
from difftest import no_leaks  # noqa: F401


@njit
def _lorenz(s, p):
    return np.array([p[0] * (s[1] - s[0]), s[0] * (p[1] - s[2]) - s[1], s[0] * s[1] - p[2] * s[2]])


def rk4(s0, p, dt, n):
    s = s0.copy()
    for _ in range(n):
        k1 = _lorenz(s, p)
        k2 = _lorenz(s + 0.5 * dt * k1, p)
        s = s + dt * k2
    return s


def test_helper_in_a_loop():
    check(rk4, np.array([1.0, 1.0, 1.0]), np.array([10.0, 28.0, 8.0 / 3.0]), 0.01, 50)


@njit
def _first(a, b):
    return a


@njit
def _pick(a, b, which):
    return a if which else b


@njit
def _keep(a, out):
    out.append(a)
    return len(out)


@njit
def _reassigned(a):
    a = a[1:]
    return a.sum()


@njit
def _label(s, n):
    return s + str(n)


def returns_params(a, b):
    x = _first(a, b)
    y = _pick(a, b, False)
    z = _first(a[1:], b)          # a view made by the caller for the call
    return x.sum() + y.sum() + z.sum() + _reassigned(a)


def keeps_params(a):
    out = [a]
    for k in range(3):
        _keep(a * k, out)
    return len(out), out[2].sum()


def strings(n):
    total = 0
    for k in range(n):
        total += len(_label("item", k))
    return total


@pytest.mark.parametrize("fn,args", [
    (returns_params, (np.arange(5.0), np.ones(4))),
    (keeps_params, (np.arange(4.0),)),
    (strings, (30,)),
])
def test_borrowed_parameters_keep_their_references(fn, args):
    check(fn, *args)


def test_a_caller_s_array_keeps_its_count():
    a, b = np.arange(6.0), np.ones(6)
    before = sys.getrefcount(a), sys.getrefcount(b)
    f = jit(returns_params)
    for _ in range(5):
        f(a, b)
    r = jit(_first)(a, b)
    assert r is a or np.shares_memory(r, a)
    del r
    assert (sys.getrefcount(a), sys.getrefcount(b)) == before


@pytest.mark.skipif(ON_NUMBA, reason="ember's generated code")
def test_no_references_counted_in_a_helper():
    """Neither parameter is counted, and the new array's reference goes to the caller as made
    (cg_return_ref): no atomic operation is left in the helper."""
    _lorenz(np.ones(3), np.ones(3))
    text = _lorenz.inspect_llvm()
    text = "\n".join(text.values()) if isinstance(text, dict) else text
    body = text[text.index("define"):]
    body = body[:body.index("\n}\n")]
    assert "ember._lorenz" in body.split("\n")[0]
    assert body.count("atomicrmw") == 0


@njit
def _soft_min(a, b, c):
    m = min(min(a, b), c)
    return m - np.log(np.exp(m - a) + np.exp(m - b) + np.exp(m - c))


@njit
def _accumulate(cum, d):
    """`cum` is kept on Python's stack across each conditional expression: stack copies of a
    parameter are borrowed too."""
    for i in range(d.shape[0]):
        for j in range(d.shape[1]):
            cum[i, j] = d[i, j]
            if i + j:
                cum[i, j] += _soft_min(cum[i - 1, j] if i else np.inf, cum[i, j - 1] if j else np.inf,
                                       cum[i - 1, j - 1] if i * j else np.inf)
    return cum


def accumulate_fresh(d):
    return _accumulate(np.full(d.shape, np.inf), d)


@pytest.mark.parametrize("shape", [(1, 1), (3, 4), (6, 2)])
def test_stack_copies_of_a_parameter(shape):
    check(accumulate_fresh, np.random.default_rng(shape[0]).random(shape))


@pytest.mark.skipif(ON_NUMBA, reason="ember's generated code")
def test_no_references_counted_for_stack_copies():
    """Only the returned reference is taken: none for the stack copies, none dropped."""
    _accumulate(np.ones((2, 2)), np.ones((2, 2)))
    text = _accumulate.inspect_llvm()
    text = "\n".join(text.values()) if isinstance(text, dict) else text
    body = text[text.index("define"):]
    body = body[:body.index("\n}\n")]
    assert body.count("atomicrmw sub") == 0 and body.count("atomicrmw add") == 1   # the returned reference only (46 before)


def views_kept(a, b, n):
    """Views of two arguments stored in turn: each argument's views share one block holding it."""
    out = []
    for i in range(n):
        out.append(a[i:i + 2])
        out.append(b[i:])
        out.append(a[:i + 1])
    return out


def test_views_of_arguments_in_a_list():
    a, b = np.arange(10.0), np.arange(5.0, 15.0)
    got = jit(views_kept)(a, b, 6)
    want = views_kept(a, b, 6)
    del a, b
    import gc
    gc.collect()
    assert [list(x) for x in got] == [list(x) for x in want]
