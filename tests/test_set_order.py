"""Sets iterate, print and pop in CPython's order (runtime/dict.c keeps CPython 3.11's set table):
random sequences of adds, discards, pops, clears, copies, operators and updates over int, float,
str and tuple keys, compiled vs CPython, the order compared after every step."""

import random

import pytest

from difftest import ON_NUMBA, check, no_leaks  # noqa: F401 -- autouse fixture

from ember import njit

pytestmark = pytest.mark.skipif(ON_NUMBA, reason="numba's sets keep their own order")


def replay(ops, keys, width):
    """Apply ops[i] with keys[i] to sets s and t; the order of s after each step, and what pop gave."""
    s = set()
    t = set()
    trace = []
    popped = []
    for i in range(len(ops)):
        op = ops[i]
        k = keys[i]
        if op < 5:
            s.add(k)
        elif op < 7:
            s.discard(k)
        elif op == 7:
            if len(s) > 0:
                popped.append(s.pop())
        elif op == 8:
            t.add(k)
        elif op == 9:
            s = s | t
        elif op == 10:
            s = s & t
        elif op == 11:
            s = s - t
        elif op == 12:
            s = s ^ t
        elif op == 13:
            s = s.copy()
        elif op == 14:
            s |= t
        elif op == 15:
            s &= t
        elif op == 16:
            s -= t
        elif op == 17:
            s ^= t
        elif op == 18:
            s.update(keys[i:i + width])
        elif op == 19:
            if i % 7 == 0:
                s.clear()
        elif op == 20:
            s = set(keys[i:i + width])
        elif op == 21:
            s = s.union(t)
        elif op == 22:
            s = s.intersection(t)
        elif op == 23:
            s = s.difference(t)
        else:
            s = s.symmetric_difference(t)
        trace.append([x for x in s])
    return trace, popped, list(t)


def key_of(kind, rng):
    if kind == "int":
        return rng.randrange(-40, 300)
    if kind == "float":
        return rng.choice([rng.randrange(-60, 60) * 0.5, rng.random() * 100.0, float(rng.randrange(70))])
    if kind == "str":
        return "".join(rng.choice("abcxyzé") for _ in range(rng.randrange(0, 4)))
    return (rng.randrange(12), rng.choice([0.5, 1.5, 2.0]))


@pytest.mark.parametrize("kind", ["int", "float", "str", "tuple"])
def test_random_sequences_keep_cpythons_order(kind):
    compiled = njit(replay)
    rng = random.Random(21)
    for trial in range(60):
        n = rng.randrange(1, 150)
        ops = [rng.randrange(25) for _ in range(n)]
        keys = [key_of(kind, rng) for _ in range(n + 12)]
        width = rng.randrange(1, 12)
        want, got = replay(ops, keys, width), compiled(ops, keys, width)
        assert got == want, f"trial {trial}: ops {ops}"


def literals_and_builders(n):
    a = {3, 1, 2}
    b = {17, 1, 9, 33, 5, 100, 65, 8}   # a frozenset constant merged: CPython sizes the table first
    c = set(range(n, -n, -3))
    d = set({i * 7: i for i in range(n)})
    e = {x * 0.5 for x in range(n)}
    f = set("hello world")
    return [list(s) for s in (a, b, c, d)], list(e), list(f)


@pytest.mark.parametrize("n", [0, 5, 40])
def test_sets_made_every_way(n):
    check(literals_and_builders, n)


def test_print_shows_cpythons_order(capsys):
    def show(n):   # (print rebuilds a Python set from ember's order: exact when that keeps it)
        s = {5, 3, 17}
        for i in range(n):
            s.add(i * 37)
        s.discard(3)
        print(s, {1.5, -2.0, 0.25}, [{(1, 2), (0, 1)}])

    show(30)
    want = capsys.readouterr().out
    njit(show)(30)
    assert capsys.readouterr().out == want
