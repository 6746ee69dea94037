"""Python's // and % where typing knows operands are >= 0 (typeinfer/facts.c): values from
range() with a non-negative start and step, len(), shapes, constants, and + * // % of those.
Lowering skips the -1 guard and the sign fix-up there (codegen/lower_ops.c); everywhere else the
full Python semantics must still hold: compared with CPython, signs and zero divisors included."""

import numpy as np

from difftest import check, check_all
from difftest import no_leaks  # noqa: F401  (autouse: every test frees what it allocates)


def gcd_table(n):
    out = 0
    for i in range(n):
        for j in range(1, n):
            x, y = j, i + 1
            while y > 0:                 # Euclid on values typing knows are >= 0
                x, y = y, x % y
            out = out * 3 % 1000003 + x
    return out


def lcg(n):
    state = 12345
    acc = 0
    for _ in range(n):
        state = (1103515245 * state + 12345) % 2147483648
        acc += state // 128
    return acc


def mixed_signs(n, d):
    total = 0
    for i in range(n):
        x = i - 7                    # may be negative: the full fix-up
        total += x % 3 + x // 3 + i % (d + 2) + (x * x) // (i + 1) + i // d
    return total


def maybe_negative(n, flip):
    total = 0
    for i in range(n):
        a = i
        if flip and i % 2:
            a = -a                   # one store is negative: a is not known >= 0
        total += a % 4 + a // 4
    return total


def down_ranges(n):
    total = 0
    for i in range(n, -n, -3):       # a negative step: values fall below 0
        total += i % 5 + i // 5
    for k in range(-n, n, 2):        # a negative start
        total += k % 7
    return total


def sizes(a, k):
    n = a.shape[0]
    m = len(a)
    return n % k, m // k, a.size % (k + 1), (n + m) // k, max(n, -k) % 3, min(n, k) // 2


def test_positive_operands():
    check_all(gcd_table, [(0,), (1,), (25,)])
    check_all(lcg, [(0,), (1000,)])


def test_signs_still_python():
    check_all(mixed_signs, [(20, 1), (20, 5), (3, 7)])
    check_all(maybe_negative, [(11, False), (11, True)])
    check_all(down_ranges, [(0,), (17,)])


def test_sizes_and_zero_divisors():
    a = np.zeros(10)
    check_all(sizes, [(a, 3), (a, 1), (a, -4), (a, 0), (a[:0], 5)])
    check(mixed_signs, 5, 0)         # i // 0 raises ZeroDivisionError, as in CPython
    check(mixed_signs, 5, -2)        # i % 0 raises too


def test_known_signs_make_unsigned_division():
    from difftest import jit, ON_NUMBA
    if ON_NUMBA:
        return
    f = jit(gcd_table)
    f(3)
    ir = "".join(f.inspect_llvm().values())
    assert "urem" in ir and "srem" not in ir   # a % b of two values typing knows are >= 0
