"""Lists of tuples sort as CPython's stable sort does (runtime/list.c's merge sort through the
generated comparison, its merge step without a branch on the comparison): random tuples with
many ties, signed zeros that compare equal but print apart, both directions, key functions,
sizes around the insertion runs (8) and the merges, compiled vs CPython, compared by repr."""

import random

import pytest

from difftest import check, no_leaks  # noqa: F401 -- autouse fixture

from ember import njit


def sort_both_ways(items):
    a = sorted(items)
    b = sorted(items, reverse=True)
    c = list(items)
    c.sort(key=lambda t: t[1])
    d = list(items)
    d.sort(key=lambda t: t[0], reverse=True)
    return a, b, c, d


def tuples(rng, n, kind):
    out = []
    for i in range(n):
        x = rng.choice([0.0, -0.0, 0.5, -1.5, 2.0, float(rng.randrange(4))])
        if kind == "fii":
            out.append((x, rng.randrange(3), i % 5))
        elif kind == "ii":
            out.append((rng.randrange(-3, 3), rng.randrange(2)))
        else:
            out.append(((rng.randrange(2), x), rng.random() < 0.5, -i % 4))
    return out


@pytest.mark.parametrize("n", [1, 2, 7, 8, 9, 16, 17, 33, 100, 1000])
@pytest.mark.parametrize("kind", ["fii", "ii", "nested"])
def test_sorted_tuples_are_cpythons(n, kind):
    items = tuples(random.Random(n * 7 + len(kind)), n, kind)
    want = sort_both_ways(items)
    got = njit(sort_both_ways)(items)
    assert repr(got) == repr(want)


def topk(score, label, k):
    lst = []
    for i in range(score.shape[0]):
        lst.append((score[i], label[i], i))
    srt = sorted(lst, reverse=True)
    return srt[:k], lst


@pytest.mark.parametrize("n", [1, 40, 3000])
def test_top_k_of_rounded_scores(n):
    import numpy as np
    r = np.random.default_rng(n)
    check(topk, np.round(r.random(n), 1), r.integers(0, 4, n), 10)
