"""dict(...) with arguments and the live views keys(), values(), items() in compiled code, against
CPython: dict of a dict, of pairs (lists, zip, enumerate, items()), of keywords, both; views that see
later changes (len, in, iteration), set operators on keys and items views, printing and returning
views; RuntimeError when a dict or set changes size while it is iterated."""

import pytest

from difftest import ON_NUMBA, check, check_all, numba_skip, no_leaks  # noqa: F401 -- autouse fixture

import ember
from ember import njit, types
from ember.typed import Dict


def from_dict(n):
    d = {i: i * 0.5 for i in range(n)}
    e = dict(d)
    e[100] = 1.0   # a copy: d unchanged
    return d, e


def from_pairs(n):
    keys = [str(i) * 2 for i in range(n)]
    vals = [i * 1.5 for i in range(n)]
    a = dict(zip(keys, vals))
    b = dict([(i % 3, i) for i in range(n)])   # duplicate keys: the last wins, first position kept
    c = dict(enumerate(keys))
    d = dict(a.items())
    e = dict(((i, -i) for i in range(n)) if False else [(1, 2)])
    return a, b, c, d, e


def from_keywords(x):
    a = dict(alpha=1, beta=x, gamma=3)
    b = dict({"z": 0.5}, y=x / 2, z=2.0)   # keywords after the mapping, replacing its value
    c = dict([("k", [1])], k=[2, 3])
    return a, b, c


@pytest.mark.parametrize("n", [0, 1, 5])
def test_dict_of_mappings_and_pairs(n):
    check(from_dict, n)
    check(from_pairs, n)


@numba_skip("numba's dict() takes no keywords")
def test_dict_of_keywords():
    check_all(from_keywords, [(2,), (-7,)])


def typed_dict(n):
    d = Dict([(i, i * 2.0) for i in range(n)])
    e = Dict(d)
    e[-1] = 0.5
    return len(d), len(e), e[-1], sorted(e.keys())


def test_typed_dict_with_arguments():
    check_all(typed_dict, [(0,), (3,)])
    r = njit(lambda: Dict(a=1, b=2))()
    assert type(r) is Dict and dict(r) == {"a": 1, "b": 2}


def views(n, k):
    d = {i: i * 10 for i in range(n)}
    ks, vs, its = d.keys(), d.values(), d.items()
    before = len(ks), len(vs), len(its)
    d[k] = -1          # seen by the views taken before
    d.pop(0, 0)
    seen = [x for x in ks], [v for v in vs], [kv for kv in its]
    return (before, len(ks), len(vs), len(its), k in ks, 0 in ks, -1 in vs, 10 in vs, (k, -1) in its,
            (k, 5) in its, (99, -1) in its, seen, list(ks), sorted(vs), list(its), sum(vs), set(ks),
            len(d.values()), list(d.items()), k in d.keys())


@pytest.mark.parametrize("n,k", [(0, 3), (1, 0), (4, 2), (4, 50)])
def test_views_are_live(n, k):
    check(views, n, k)


def str_views(words):
    d = {}
    for w in words:
        d[w] = d.get(w, 0) + 1
    ks = d.keys()
    d["extra"] = 0
    return sorted(ks), "extra" in ks, [len(w) * c for w, c in d.items()], max(d.values())


def test_views_of_str_keys():
    check_all(str_views, [(["a", "bb", "a", "中文"],), (["x"],)])


def view_sets(n):
    d = {i: i for i in range(n)}
    ks = d.keys()
    return (ks & {1, 2, 99}, ks | {50}, ks - {0}, ks ^ {1, 60}, {2, 3} & ks, d.items() & {(1, 1), (2, 3)},
            ks & d.keys())


@pytest.mark.parametrize("n", [0, 3])
def test_set_operators_on_views(n):
    check(view_sets, n)


def test_views_print_and_return_as_python_views(capsys):
    def show():
        d = {1: "a", 2: "b"}
        print(d.keys(), d.values(), d.items())
        return d.keys(), d.items()

    ks, its = njit(show)()
    want = capsys.readouterr().out
    assert want == "dict_keys([1, 2]) dict_values(['a', 'b']) dict_items([(1, 'a'), (2, 'b')])\n"
    assert type(ks) is type({}.keys()) and list(ks) == [1, 2] and list(its) == [(1, "a"), (2, "b")]


def grow_while_iterating(n):
    d = {i: i for i in range(n)}
    for k in d:
        if k == n - 1:
            d[k + 100] = 0
    return d


def shrink_keys_while_iterating(n):
    d = {i: [i] for i in range(n)}
    for k in d.keys():
        del d[k]
    return d


def grow_set_while_iterating(n):
    s = {i for i in range(n)}
    for x in s:
        s.add(x + 1000)
    return s


def replace_while_iterating(n):   # the same size: allowed
    d = {i: i for i in range(n)}
    for k in d:
        d[k] = k * 2
    return d


def test_changing_size_while_iterating_raises():
    check_all(grow_while_iterating, [(1,), (3,)])
    check_all(shrink_keys_while_iterating, [(0,), (2,)])
    check_all(grow_set_while_iterating, [(0,), (2,)])
    check_all(replace_while_iterating, [(3,)])


def test_views_refuse_what_python_refuses():
    def sub():
        d = {1: 2}
        return d.keys()[0]

    with pytest.raises(ember.errors.TypingError, match="not subscriptable"):
        njit(sub)()


def get_or_none(n):
    d = {i: i * 0.5 for i in range(4)}
    t = 0.0
    misses = 0
    for i in range(n):
        v = d.get(i)
        if v is None:
            misses += 1
        else:
            t += v
    return t, misses


def get_returned(d, k):
    return d.get(k)


def test_get_without_default_gives_none():
    check_all(get_or_none, [(0,), (3,), (9,)])
    check_all(get_returned, [({1: 2.5}, 1), ({1: 2.5}, 7), ({"a": (1, 2)}, "b"), ({"a": (1, 2)}, "a")])
