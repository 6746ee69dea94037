"""A callee's code is optimised in the function it is inlined into: the bitcode a caller links is
the callee's module before O3 (codegen/jit.c, seal), so the loop vectoriser sees a helper's body
inside the caller's loop. Optimised alone, a helper with two calls of one maths function had them
packed by the SLP vectoriser into one 2-wide vector call, and a loop calling it stayed scalar.
Results are checked against CPython (the vector maths are libmvec's: docs/differences.md)."""
import math
import re

import numpy as np
import pytest

from ember import njit


def gauss2(x, y, sx, sy):
    return math.exp(-0.5 * (x / sx) ** 2) * math.exp(-0.5 * (y / sy) ** 2)


def sincos_pairs(t1, t2, x, y):   # sin and cos of two angles (terms >= 0: no cancellation)
    return (np.cos(t1) * x) ** 2 + (np.sin(t1) * y) ** 2 + (np.cos(t2) * y) ** 2 + (np.sin(t2) * x) ** 2


def make_map(helper):
    h = njit(helper)

    @njit
    def over(a, b, c, d):
        out = np.empty(a.shape[0])
        for i in range(a.shape[0]):
            out[i] = h(a[i], b[i], c[i], d[i])
        return out

    return over


def make_map_widths(helper):   # the widths are the same for every element (their checks leave the loop)
    h = njit(helper)

    @njit
    def over(a, b, sx, sy):
        out = np.empty(a.shape[0])
        for i in range(a.shape[0]):
            out[i] = h(a[i], b[i], sx, sy)
        return out

    return over


def wide_double_loads(ir):
    return {int(n) for n in re.findall(r"load <(\d+) x double>", ir)} - {1, 2}


@pytest.mark.parametrize("helper", [gauss2, sincos_pairs], ids=["two exp", "sin cos pairs"])
@pytest.mark.parametrize("n", [0, 1, 7, 8, 9, 1001])
def test_helper_with_maths_pairs_in_a_loop(helper, n):
    rng = np.random.default_rng(n)
    args = [rng.uniform(-1.5, 1.5, n) for _ in range(4)]
    if helper is gauss2:
        args[2:] = [1.5, 0.7]
        over = make_map_widths(helper)
        want = np.array([helper(float(args[0][i]), float(args[1][i]), 1.5, 0.7) for i in range(n)])
    else:
        over = make_map(helper)
        want = np.array([helper(*(float(a[i]) for a in args)) for i in range(n)])
    got = over(*args)
    np.testing.assert_allclose(got, want, rtol=1e-14, atol=0.0)
    # the caller's loop is vectorised (vector loads of the arrays), not one element at a time
    ir = "".join(over.inspect_llvm().values())
    assert wide_double_loads(ir), "the loop over the helper's calls did not vectorise"


def test_helper_called_from_python_too():
    # the same helper, inlined into a vector loop and then called from Python: its own code is
    # made from the same bitcode, through its own O3 (pm_spec_code)
    h = njit(gauss2)
    over = make_map_widths(gauss2)
    a = np.linspace(-1.0, 1.0, 33)
    assert np.allclose(over(a, a[::-1].copy(), 0.7, 0.7), [gauss2(x, y, 0.7, 0.7) for x, y in zip(a, a[::-1])],
                       rtol=1e-14, atol=0.0)
    assert h(0.3, -0.2, 0.7, 0.7) == pytest.approx(gauss2(0.3, -0.2, 0.7, 0.7), rel=1e-15)
    assert "define" in "".join(h.inspect_llvm().values())
