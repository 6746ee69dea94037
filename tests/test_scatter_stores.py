"""Strided stores the loop vectoriser makes as scatters (codegen/scatter.c): a group of record
fields or array columns stored with one left out is a scatter per field; after optimisation a
scatter of every lane becomes lane stores off one address (a particle update over records ran at
2.1x Numba's time on a Rocket Lake core with scatters). Conditional stores keep their masked
scatter. Compared with CPython over lengths that leave every tail."""

import re

import numpy as np
import pytest

from difftest import check, jit, ON_NUMBA
from difftest import no_leaks  # noqa: F401  (autouse: every test frees what it allocates)

PARTICLE = np.dtype([("x", np.float64), ("y", np.float64), ("vx", np.float64), ("vy", np.float64)])
MIXED = np.dtype([("x", np.float64), ("y", np.float64), ("m", np.float32), ("tag", np.int32)])


def particles(n, seed=0):
    r = np.random.default_rng(seed)
    p = np.zeros(n, dtype=PARTICLE)
    for f in PARTICLE.names:
        p[f] = r.standard_normal(n)
    return p


def step(parts):
    for k in range(3):
        for p in parts:
            p['vy'] -= 0.00981
            p['x'] += p['vx'] * 0.001
            p['y'] += p['vy'] * 0.001
    return parts


def step_indexed(parts):
    for i in range(parts.shape[0]):
        parts[i]['x'] = parts[i]['x'] + 2.0 * parts[i]['vy']
        parts[i]['vx'] = -parts[i]['vx']
    return parts


def columns_but_one(a):
    for i in range(a.shape[0]):   # columns 0, 1 and 3 of 4 written, 2 read
        a[i, 0] = a[i, 0] * 2.0 + a[i, 2]
        a[i, 1] = a[i, 1] - a[i, 2]
        a[i, 3] = a[i, 2] * a[i, 2]
    return a


def every_third(a, v):
    for i in range(0, a.shape[0], 3):
        a[i] = v * i
    return a


def reversed_rows(a):
    n = a.shape[0]
    for i in range(n):
        a[n - 1 - i, 0] = i
        a[n - 1 - i, 2] = -i
    return a


def conditional(parts):
    for i in range(parts.shape[0]):
        if parts[i]['tag'] == 0:
            parts[i]['x'] = 0.0
    return parts


@pytest.mark.parametrize("n", [0, 1, 3, 4, 5, 8, 15, 16, 17, 33, 100])
def test_strided_stores(n):
    check(step, particles(n))
    check(step_indexed, particles(n, 1))
    check(columns_but_one, np.arange(n * 4.0).reshape(n, 4))
    check(every_third, np.zeros(n), 1.5)
    check(reversed_rows, np.zeros((n, 3), np.int64))
    m = np.zeros(n, dtype=MIXED)
    m["x"] = np.arange(n)
    m["tag"] = np.arange(n) % 4
    check(conditional, m)


def test_no_scatter_of_every_lane():
    if ON_NUMBA:
        return
    for fn, arg in ((step, particles(64)), (columns_but_one, np.ones((64, 4)))):
        f = jit(fn)
        f(arg)
        ir = "".join(f.inspect_llvm().values())
        for call in re.findall(r"call void @llvm\.masked\.scatter[^\n]*", ir):
            assert not re.search(r"<\d+ x i1> <(i1 true(, )?)+>\)", call), call
