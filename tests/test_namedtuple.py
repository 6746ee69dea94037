"""Named tuples (collections.namedtuple and typing.NamedTuple), compiled vs CPython: as arguments,
fields by name and by index, made in compiled code (positional, keywords, the class's defaults),
returned as instances of their class, in lists and dicts, unpacked, iterated, compared; fields
holding strings and arrays leak nothing; bad calls are located errors."""

from collections import namedtuple
from typing import NamedTuple

import numpy as np
import pytest

from difftest import check, check_all, no_leaks  # noqa: F401 -- autouse fixture

import ember

Point = namedtuple("Point", ["x", "y"])
Span = namedtuple("Span", "lo hi", defaults=[10])


class Particle(NamedTuple):
    pos: float
    vel: float
    name: str = "p"


def fields(p):
    return p.x + p.y, p[0], p[-1], len(p), p.x * 2


def make(a, b):
    return Point(a, b), Point(y=b, x=a), Span(a), Span(lo=1, hi=b)


def step(p, dt):
    q = Particle(p.pos + p.vel * dt, p.vel)
    return q, q.name, Particle(0.0, 1.0, "z")


def in_containers(n):
    pts = [Point(i, i * 0.5) for i in range(n)]
    d = {i: Point(i, -i) for i in range(n)}
    total = 0.0
    for p in pts:
        total += p.y
    x, y = pts[-1] if n else Point(0, 0.0)
    return pts, total, x + y, d, sorted(pts, key=lambda p: -p.y)


def compare(a, b):
    return a == b, a < b, tuple(a) == (a.x, a.y), a != Point(0, 0)


def with_array(a):
    s = Span(a, a[::-1])
    return s.lo.sum() + s.hi[0], s


def iterate(p):
    t = 0.0
    for v in p:
        t += v
    return t


def test_namedtuple_arguments_and_fields():
    check_all(fields, [(Point(1.0, 2.0),), (Point(3, -4),)])
    check_all(compare, [(Point(1, 2), Point(1, 3)), (Point(0, 0), Point(0, 0))])
    check_all(iterate, [(Point(1.5, 2.0),)])


def test_namedtuple_made_in_compiled_code():
    check_all(make, [(1.0, 2), (3, 4)])
    check_all(step, [(Particle(1.0, 2.0, "a"), 0.5)])
    check_all(in_containers, [(0,), (4,)])
    check(with_array, np.arange(4.0))


def test_results_are_instances_of_the_class():
    p, q, s, t = ember.njit(make)(1.0, 2)
    assert type(p) is Point and type(q) is Point and type(s) is Span and p == Point(1.0, 2)
    r, _, _ = ember.njit(step)(Particle(1.0, 2.0, "a"), 1.0)
    assert type(r) is Particle and r.name == "p"


def test_bad_calls_are_located_errors():
    def missing(a):
        return Point(a)

    def unknown(a):
        return Point(a, z=a)

    def bad_field(p):
        return p.z

    with pytest.raises(ember.errors.TypingError, match="missing required argument 'y'"):
        ember.njit(missing)(1)
    with pytest.raises(ember.errors.TypingError, match="unexpected keyword argument 'z'"):
        ember.njit(unknown)(1)
    with pytest.raises(ember.errors.UnsupportedError, match="has no supported attribute 'z'"):
        ember.njit(bad_field)(Point(1, 2))
