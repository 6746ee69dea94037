"""Sets iterate, print and pop in CPython's order (runtime/dict.c keeps CPython 3.11's set table):
random sequences of adds, discards, pops, clears, copies, operators and updates over int, float,
str and tuple keys, compiled vs CPython, the order compared after every step."""

import math
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
    def show(n):   # (print copies the set's table into a Python set's)
        s = {5, 3, 17}
        for i in range(n):
            s.add(i * 37)
        s.discard(3)
        print(s, {1.5, -2.0, 0.25}, [{(1, 2), (0, 1)}])

    show(30)
    want = capsys.readouterr().out
    njit(show)(30)
    assert capsys.readouterr().out == want


# ---- sets crossing to Python: returned, passed in, printed ----------------------------------------
def key_with_str(kind, rng):
    word = "".join(rng.choice("abcxyzé😀") for _ in range(rng.randrange(0, 5)))
    return word if kind == "str" else (word, rng.randrange(3))


def churn(s, t, ops, keys):
    """s and t after adds, discards and pops by ops: the sets themselves go back to Python."""
    for i in range(len(ops)):
        op = ops[i]
        if op < 5:
            s.add(keys[i])
        elif op < 8:
            s.discard(keys[i])
        elif op == 8:
            if len(s) > 0:
                s.pop()
        else:
            t.add(keys[i])
    return s, t, s | t, s - t


def after(sets, keys):
    """What Python sees doing more with the returned sets: each one's order, more adds and pops."""
    out = []
    for s in sets:
        order = list(s)
        s.update(keys)
        popped = [s.pop() for _ in range(min(3, len(s)))]
        out.append((order, list(s), popped))
    return out


@pytest.mark.parametrize("kind", ["str", "tuple"])
def test_returned_and_passed_sets_keep_cpythons_table(kind):
    """A set returned to Python (or passed in) has CPython's table slot for slot: it iterates in
    CPython's order after the same operations, and goes on adding and popping as CPython's."""
    compiled = njit(churn)
    rng = random.Random(7)
    for trial in range(40):
        n = rng.randrange(1, 120)
        keys = [key_with_str(kind, rng) for _ in range(n)]
        ops = [rng.randrange(10) for _ in range(n)]
        start = set(keys[:rng.randrange(1, n + 1)])
        for k in keys[::3]:   # deleted keys' dummies in the argument's table
            start.discard(k)
        start.add(keys[0])
        more = [key_with_str(kind, rng) for _ in range(8)]
        want = churn(set(start), {keys[-1]}, ops, keys)
        got = compiled(set(start), {keys[-1]}, ops, keys)
        assert after(got, more) == after(want, more), f"trial {trial}"


def print_sets(keys, drop):
    s = {keys[0]}
    for k in keys:
        s.add(k)
    for k in drop:
        s.discard(k)
    print(s, {(k, 1) for k in s})
    return len(s)


def test_printed_str_sets_show_cpythons_order(capsys):
    rng = random.Random(11)
    for _ in range(10):
        keys = ["".join(rng.choice("abcdefg") for _ in range(rng.randrange(1, 4))) for _ in range(rng.randrange(1, 50))]
        drop = rng.sample(keys, len(keys) // 2) + ["none"]
        print_sets(keys, drop)
        want = capsys.readouterr().out
        njit(print_sets)(keys, drop)
        assert capsys.readouterr().out == want


def nan_set(x):
    s = {x, 1.0, 2.5}
    s.discard(2.5)
    return s


def test_a_key_whose_hash_is_its_object_is_rebuilt():
    """A NaN's hash in Python is its object's address, never what the compiled set stored: such a
    set is rebuilt key by key (its order then cannot be CPython's, which is per object too)."""
    s = njit(nan_set)(math.nan)
    assert len(s) == 2 and 1.0 in s and sum(x != x for x in s) == 1
    back = njit(nan_set)(2.0)
    assert list(back) == list(nan_set(2.0))


SEED_SCRIPT = """
import random, sys
sys.path.insert(0, {tests!r})
import test_set_order as t
from ember import njit
compiled = njit(t.churn)
rng = random.Random(3)
for trial in range(15):
    keys = [t.key_with_str("str", rng) for _ in range(60)]
    ops = [rng.randrange(10) for _ in range(60)]
    start = set(keys[:30]) - set(keys[::4]) | {{keys[0]}}
    assert t.after(compiled(set(start), {{keys[1]}}, ops, keys), keys[:5]) == \\
        t.after(t.churn(set(start), {{keys[1]}}, ops, keys), keys[:5]), trial
print("same")
"""


def test_order_under_other_hash_seeds():
    """str hashes depend on PYTHONHASHSEED; the compiled sets follow whichever the process has."""
    import os
    import subprocess
    import sys
    script = SEED_SCRIPT.format(tests=os.path.dirname(os.path.abspath(__file__)))
    for seed in ("0", "1", "4242"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        out = subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
        assert out.stdout.strip() == "same", out.stderr[-2000:]


def replay_updates(ops, keys, width):
    """The in-place updates, the inclusion tests and the methods over any iterable (a list, a
    dict's keys) applied to s by ops[i], with t and a slice of keys; s's order after each step."""
    s = set()
    t = set()
    trace = []
    for i in range(len(ops)):
        op = ops[i]
        k = keys[i]
        part = keys[i:i + width]
        if op < 5:
            s.add(k)
        elif op == 5:
            t.add(k)
        elif op == 6:
            s.difference_update(t)
        elif op == 7:
            s.intersection_update(t)
        elif op == 8:
            s.symmetric_difference_update(t)
        elif op == 9:
            s.difference_update(part)
        elif op == 10:
            s.intersection_update(part)
        elif op == 11:
            s.symmetric_difference_update(part)
        elif op == 12:
            s.symmetric_difference_update({x: 0 for x in part})
        elif op == 13:
            s = s.union(part)
        elif op == 14:
            s = s.intersection(part)
        elif op == 15:
            s = s.difference(part)
        elif op == 16:
            s = s.difference({x: 0 for x in part})
        else:
            s = s.symmetric_difference(part)
        trace.append(([x for x in s], s.issubset(t), s.issuperset(part), s.isdisjoint(part), s <= t, s > t, s == t))
    return trace, list(t)


@pytest.mark.parametrize("kind", ["int", "float", "str", "tuple"])
def test_updates_and_methods_of_iterables_keep_cpythons_order(kind):
    compiled = njit(replay_updates)
    rng = random.Random(5)
    for trial in range(60):
        n = rng.randrange(1, 150)
        ops = [rng.randrange(18) for _ in range(n)]
        keys = [key_of(kind, rng) for _ in range(n + 12)]
        width = rng.randrange(1, 30)
        want, got = replay_updates(ops, keys, width), compiled(ops, keys, width)
        assert got == want, f"trial {trial}: ops {ops}"
