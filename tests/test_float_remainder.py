"""Float %, //, divmod, math.fmod and np.fmod / np.mod / np.floor_divide, differential against
CPython and NumPy. codegen/lower_ops.c computes C's fmod by a short exact way where the quotient
fits 52 bits (a truncated quotient, one fused multiply-add, one correction) and calls libm's fmod
elsewhere: these cases sit on both sides of that line, on exact multiples and one ulp either side
of them, where the quotient's rounding makes the short way one off, and on the special values."""

import math

import numpy as np
import pytest

from difftest import check_all, no_leaks  # noqa: F401


def py_ops(a, b):
    return a % b, a // b, divmod(a, b), math.fmod(a, b)


def py_ops_no_fmod(a, b):
    return a % b, a // b, divmod(a, b)


def in_a_loop(x, b):
    s1 = 0.0
    s2 = 0.0
    for i in range(x.shape[0]):
        s1 += x[i] % b
        s2 += x[i] // b
    return s1, s2


def np_ops(x, y):
    return np.fmod(x, y), np.mod(x, y), np.floor_divide(x, y)


def edge_pairs():
    bs = [3.0, -3.0, 0.1, -0.1, 1e-300, 5e-324, 2.5, 1e300, math.inf, -math.inf, 7.0 / 3.0]
    pairs = []
    for b in bs:
        for k in (0, 1, 2, 5, 1000, 2**51, 2**52 - 1, 2**52, 2**53, 2**60):
            base = k * b
            if not math.isfinite(base):
                continue
            for a in (base, math.nextafter(base, math.inf), math.nextafter(base, -math.inf), -base,
                      base + b / 2, base * (1 + 2**-52)):
                pairs.append((a, b))
        for a in (0.0, -0.0, 1.0, -1.0, 5e-324, -5e-324, math.inf, -math.inf, math.nan, 1e308, -1e308):
            pairs.append((a, b))
    pairs += [(1.0, math.nan), (math.nan, 2.0), (-0.0, 3.0), (0.0, -3.0), (6.0, 3.0), (-6.0, 3.0),
              (6.0, -3.0), (-6.0, -3.0), (0.3, 0.1), (1.0, 0.1), (-1.0, 0.1), (2.0**52, 1.5)]
    return pairs


def test_scalar_edges():
    # math.fmod(inf, b) raises in CPython and gives NaN compiled (docs/differences.md): a finite a
    cases = [(a, b) for a, b in edge_pairs() if b != 0.0 and not math.isinf(a)]
    check_all(py_ops, cases)
    check_all(py_ops_no_fmod, [(a, b) for a, b in edge_pairs() if b != 0.0 and math.isinf(a)])


@pytest.mark.parametrize("seed", range(4))
def test_random(seed):
    rng = np.random.default_rng(seed)
    scale = 10.0 ** rng.integers(-300, 300, 400)
    a = rng.standard_normal(400) * scale
    b = rng.standard_normal(400) * 10.0 ** rng.integers(-300, 300, 400)
    check_all(py_ops, [(float(x), float(y)) for x, y in zip(a, b) if y != 0.0])
    x = rng.standard_normal(1001) * 100
    check_all(in_a_loop, [(x, 3.0), (x, -0.7), (x * 1e20, 1e-3), (x, math.inf)])


def test_numpy_functions():
    pairs = edge_pairs()
    x = np.array([a for a, _ in pairs])
    y = np.array([b for _, b in pairs])
    with np.errstate(all="ignore"):
        check_all(np_ops, [(x, y), (x[::-1].copy(), y), (x, 3.0)])
