"""Sets of number keys and tuples of them test membership and add the key's first slots in generated
code (codegen/lower_dict.c, inline_set) and call the runtime for the rest: random sequences of adds,
discards, pops and membership tests, with keys chosen to collide (multiples of the table's sizes),
to sit at the edges of Python's hash (near 2**61 - 1, -1, the smallest int64) and to be signed
zeros and NaN, compiled vs CPython, the order and every answer compared after each step."""

import math
import random

import numpy as np
import pytest

from difftest import ON_NUMBA, check, no_leaks  # noqa: F401 -- autouse fixture

from ember import njit

pytestmark = pytest.mark.skipif(ON_NUMBA, reason="numba's sets keep their own order")

MOD = 2 ** 61 - 1


def replay(ops, keys, probes):
    """ops[i] applied with keys[i] to set s: after each step, whether keys[i] and probes[i] are in
    s, and s's order; what pop gave."""
    s = {keys[0]}
    s.discard(keys[0])
    trace = []
    popped = []
    for i in range(len(ops)):
        op = ops[i]
        k = keys[i]
        if op < 6:
            s.add(k)
        elif op < 8:
            s.discard(k)
        elif op == 8:
            if len(s) > 0:
                popped.append(s.pop())
        elif op == 9 and i % 5 == 0:
            s.clear()
        trace.append((k in s, probes[i] not in s, len(s), [x for x in s]))
    return trace, popped


def int_key(rng):
    return rng.choice([
        rng.randrange(-40, 300),
        rng.randrange(40) * 8,             # home slots of an 8-slot table: all the same
        rng.randrange(40) * 32 + 3,
        rng.randrange(20) * 128 + rng.randrange(3),
        rng.randrange(10) * 512,
        MOD + rng.randrange(-3, 4),       # hashes that wrap
        -MOD + rng.randrange(-3, 4),
        -1, -2,                           # both hash to -2
        -2 ** 63, 2 ** 63 - 1, 2 ** 63 - 2,
    ])


def float_key(rng):
    return rng.choice([
        rng.randrange(-20, 60) * 0.5,
        float(rng.randrange(40) * 8),
        0.0, -0.0, math.inf, -math.inf,
        rng.random() * 1e6,
        float(MOD), 2.0 ** 61, -2.0 ** 62,
        5e-324,
    ])


def pair_key(rng):
    return (int_key(rng) % 50, float_key(rng))


def bool_key(rng):
    return (rng.random() < 0.5, rng.randrange(-3, 40) * 8)


def nested_key(rng):
    return ((rng.randrange(6), rng.randrange(6) * 0.5), rng.random() < 0.3, rng.choice([-0.0, 0.0, 1.0]))


MAKE = {"int": int_key, "float": float_key, "pair": pair_key, "bool": bool_key, "nested": nested_key}


@pytest.mark.parametrize("kind", sorted(MAKE))
def test_random_sequences_answer_and_iterate_as_cpython(kind):
    compiled = njit(replay)
    rng = random.Random(5)
    make = MAKE[kind]
    for trial in range(50):
        n = rng.randrange(1, 300)
        ops = [rng.randrange(10) for _ in range(n)]
        keys = [make(rng) for _ in range(n)]
        probes = [make(rng) for _ in range(n)]
        want, got = replay(ops, keys, probes), compiled(ops, keys, probes)
        assert got == want, f"trial {trial}: ops {ops} keys {keys}"   # (-0.0 and 0.0: one key, shown 0.0)


def grow_and_probe(a):
    """Adds that fill tables past each growth, membership of every key and of its neighbours."""
    s = set()
    found = 0
    for i in range(a.shape[0]):
        s.add(a[i])
        if a[i] in s:
            found += 1
        if a[i] + 1 in s:
            found += 100
    out = []
    for v in s:
        out.append(v)
    return found, len(s), out


@pytest.mark.parametrize("n", [0, 1, 4, 5, 6, 19, 20, 80, 1000])
@pytest.mark.parametrize("stride", [1, 8, 32, 1024])
@pytest.mark.parametrize("dtype", ["int64", "uint64", "float64"])
def test_growth_and_collisions(n, stride, dtype):
    a = (np.arange(n, dtype=np.int64) * stride % 5000).astype(dtype)
    np.random.default_rng(n).shuffle(a)
    check(grow_and_probe, a)


def with_dummies(s, drop, add):
    """A set from Python whose table holds dummies: membership and adds go past them as CPython's."""
    for k in drop:
        s.discard(k)
    hits = 0
    for k in add:
        if k in s:
            hits += 1
        s.add(k)
    return hits, [x for x in s]


@pytest.mark.parametrize("seed", range(6))
def test_dummies_in_the_probe_path(seed):
    rng = random.Random(seed)
    keys = [rng.randrange(30) * 8 for _ in range(40)]
    s = set(keys)
    drop = rng.sample(sorted(s), len(s) // 2)
    add = [rng.randrange(30) * 8 for _ in range(30)]
    want = with_dummies(set(s), drop, add)
    got = njit(with_dummies)(set(s), drop, add)
    assert got == want


def nan_keys(x):
    s = set()
    s.add(x)
    s.add(x)
    s.add(0.0)
    s.add(-0.0)
    return len(s), x in s, -0.0 in s, [v for v in s]


def test_nan_and_signed_zero_keys():
    # one NaN value added twice is one key (CPython: the same object); 0.0 and -0.0 are one key
    got = njit(nan_keys)(math.nan)
    assert got[0] == 2 and got[1] and got[2]
    assert sorted(map(repr, got[3])) == ["0.0", "nan"]
    check(nan_keys, 1.5)
    assert njit(nan_keys)(-0.0) == (1, True, True, [0.0])   # (docs/containers.md: shown as 0.0)


def visited(edges, n):
    """A depth-first walk with a visited set of node numbers."""
    seen = set()
    stack = [0]
    order = []
    while len(stack) > 0:
        v = stack.pop()
        if v in seen:
            continue
        seen.add(v)
        order.append(v)
        for j in range(3):
            u = edges[(v * 3 + j) % edges.shape[0]] % n
            if u not in seen:
                stack.append(u)
    return order, len(seen)


@pytest.mark.parametrize("n", [1, 7, 500])
def test_visited_set_walk(n):
    check(visited, np.random.default_rng(n).integers(0, 10 ** 6, 3 * n), n)


def grid_cells(xs, ys, cell):
    """Occupied cells of a grid as a set of (i, j) tuples, and which neighbours are occupied."""
    occ = set()
    for p in range(xs.shape[0]):
        occ.add((int(xs[p] // cell), int(ys[p] // cell)))
    near = 0
    for c in occ:
        if (c[0] + 1, c[1]) in occ:
            near += 1
        if (c[0], c[1] - 1) not in occ:
            near += 1000
    return near, len(occ), [c for c in occ]


@pytest.mark.parametrize("n", [0, 3, 200, 3000])
def test_grid_cells_of_tuples(n):
    r = np.random.default_rng(n)
    check(grid_cells, r.uniform(-50, 50, n), r.uniform(-50, 50, n), 2.5)
