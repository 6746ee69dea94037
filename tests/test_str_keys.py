"""Strings inside containers, compiled vs CPython: str keys of dicts and sets (alone and inside
tuple keys) over every compact kind (latin-1, UCS-2, UCS-4) and the empty string, duplicates,
removal and reinsertion, KeyError with the key; lists of str as ordinary lists (split's result
included: every list operation, join of any list of str, sort, sorted, min, max, in); str
values in dicts; containers of str crossing into and out of compiled code; print of dicts, sets
and nested containers. The autouse no_leaks fixture checks every test, raising ones included."""

import pytest

from difftest import ON_NUMBA, check, check_all, jit, no_leaks  # noqa: F401 -- autouse fixture
from test_dicts import delitem, getitem, histogram, pop_missing

import ember

WORDS = [
    [],
    [""],
    ["a", "b", "a", "", "b", "a"],
    ["caf\xe9", "na\xefve", "caf\xe9"],                     # latin-1
    ["\u4e2d\u6587", "\u0101", "\u4e2d\u6587", "x"],       # UCS-2
    ["\U0001f600", "\U0001f600!", "a\U0001f600", "\U0001f600"],   # UCS-4
]


def count_text(text):
    d = {}
    for w in text.split():
        d[w] = d.get(w, 0) + 1
    return d, len(d)


@pytest.mark.parametrize("words", WORDS, ids=["empty", "empty-str", "dups", "latin1", "ucs2", "ucs4"])
def test_word_count(words):
    if words:   # (an empty list argument has no element type)
        check(histogram, words)
    check(count_text, " ".join(words))


def set_ops(words, probe):
    s = set(words)
    t = {w + "!" for w in words}
    u = s | t
    s.add(probe)
    s.discard("never there")
    return s, t, u, s & t, s - t, probe in s, "zz" in s, len(u), sorted(u)


@pytest.mark.parametrize("words", WORDS[1:], ids=["empty-str", "dups", "latin1", "ucs2", "ucs4"])
def test_sets(words):
    check(set_ops, words, words[0])


def remove_reinsert(words):
    d = {w: i for i, w in enumerate(words)}
    n = len(d)
    for w in words:
        if w in d:
            del d[w]
    empty = len(d)
    for w in reversed(words):
        d[w] = len(w)
    first = d.pop(words[0])
    d[words[0]] = -1   # reinserted: now last
    keys = list(d.keys())
    last = d.popitem()
    s = set(words)
    popped = s.pop()   # (which one is CPython's choice: only its membership is compared)
    return n, empty, first, keys, last, d, popped in set(words), len(s)


@pytest.mark.parametrize("words", WORDS[2:], ids=["dups", "latin1", "ucs2", "ucs4"])
def test_remove_and_reinsert(words):
    check(remove_reinsert, words)


def set_remove(s, k):
    s.remove(k)
    return s


@pytest.mark.parametrize("key", ["", "b", "caf\xe9", "\u4e2d", "\U0001f600", "it's \"q\""])
def test_key_error_carries_the_key(key):
    d = {"a": 1.0, "caf": 2.0}
    check_all(getitem, [(d, key), (d, "a")])
    check_all(delitem, [(d, key), (d, "caf")])
    check(pop_missing, d, key)
    check(set_remove, {"a", "z"}, key)
    with pytest.raises(KeyError) as e:
        ember.njit(getitem)(d, key)
    assert e.value.args == (key,)
    assert str(e.value) == repr(key)


def tuple_keys(n):
    d = {("x", 1): 2.0, ("y", 2): 3.0}
    for i in range(n):
        d[(str(i % 3), i)] = i * 0.5
        d[("x", 1)] += 1.0
    nested = {(("a", "b"), 1.5, True): "one"}
    return d, d[("x", 1)], ("y", 2) in d, ("y", 3) in d, nested[(("a", "b"), 1.5, True)], nested


def test_tuple_keys():
    check_all(tuple_keys, [(0,), (5,)])


def str_values(words):
    first = {}
    for w in words:
        first.setdefault(w[:1], w)
    groups = {}
    for w in words:
        if w[:1] not in groups:
            groups[w[:1]] = [w]
        else:
            groups[w[:1]].append(w)
    return first, groups, sorted(first.values())


def test_str_values_and_lists_of_str_in_dicts():
    check_all(str_values, [(["apple", "avocado", "banana", "cherry", "blue"],), (["x"],)])


def dict_argument(d, k):
    d[k] = d.get(k, "") + "+"
    return d, {v: k for k, v in d.items()}


def test_containers_of_str_cross_the_boundary():
    check(dict_argument, {"a": "x", "\u4e2d": "y"}, "a")
    check(dict_argument, {"a": "x"}, "\U0001f600")
    d = {"a": "x"}
    assert ember.njit(dict_argument)(d, "b")[0] == {"a": "x", "b": "+"}
    assert d == {"a": "x", "b": "+"}   # a dict argument's changes are written back, as in Python
    s = ember.njit(lambda s: s)({"p", "q\xe9"})
    assert s == {"p", "q\xe9"} and all(type(x) is str for x in s)


# ---- lists of str ---------------------------------------------------------------------------
def list_methods(text, extra):
    l = text.split()
    l.append(extra)
    l.insert(0, extra)
    l.extend(["m", "n"])
    l += ["o"]
    n_extra = l.count(extra)
    i = l.index(extra)
    l.remove(extra)
    last = l.pop()
    l[0] = l[-1]
    c = l.copy()
    c.reverse()
    del c[:1]
    both = l + c
    l.sort()
    r = sorted(both, reverse=True)
    return (l, c, both, r, n_extra, i, last, extra in l, "nope" in l, len(both), l == sorted(l), l < c,
            " ".join(l), "-".join(both[:2]), both * 2, min(both), max(both))


@pytest.mark.parametrize("text, extra", [("c b a", "b"), ("  x  ", ""), ("caf\xe9 \u4e2d \U0001f600 a", "\u4e2d")])
def test_list_of_str_methods(text, extra):
    check(list_methods, text, extra)


def split_results(text):
    parts = text.split(",")
    items = [p.strip() for p in parts if p]
    pairs = [(p, len(p)) for p in items]
    pairs.sort()
    return parts, items, pairs, ",".join(items), [w.upper() for w in text.split()], list(reversed(items))


def test_split_results_are_ordinary_lists():
    check_all(split_results, [("a, b,,c",), ("",), (",",), ("one",)])


def join_list(words, sep):
    return sep.join(words), sep.join(sorted(words)), sep.join([w for w in words if w])


def test_join_takes_any_list_of_str():
    check_all(join_list, [(["a", "b"], ", "), ([""], "-"), (["x", "\U0001f600"], "\u4e2d")])


def list_argument(words):
    words.append("end")
    words[0] = words[0] + "!"
    return len(words)


def test_list_of_str_argument_is_reflected():
    words = ["a", "\u4e2d", "b"]
    kept = words[2]
    assert ember.njit(list_argument)(words) == 4
    assert words == ["a!", "\u4e2d", "b", "end"]
    assert words[2] is kept   # unchanged items keep their objects


def min_of_rest(words):
    return min(words[1:])


def test_min_of_empty_list_of_str_raises():
    check_all(min_of_rest, [(["b", "c", "a"],), ([""],), (["x", "\u4e2d", "\U0001f600"],)])


def raise_halfway(words, n):
    d = {}
    s = set()
    l = []
    for i in range(n):
        w = words[i % len(words)]
        d[(w, i)] = [w]
        s.add(w + w)
        l.append(w)
        if i == 3:
            raise ValueError("stop")
    return len(d), len(s), len(l)


def test_raise_halfway_leaks_nothing():
    check_all(raise_halfway, [(["a", "\u4e2d"], 2), (["a", "\u4e2d"], 6)])


# ---- print ------------------------------------------------------------------------------------
def printed(words):
    d = {w: i for i, w in enumerate(words)}
    print(d, set(words[:1]), words, (words[0], 1.5), {}, set(words[:0]), [])
    print({1: [1.0, 2.5], 2: []}, {("k", 1): {"in": (True, None is None)}}, [[1, 2], [3]], sep=" | ")
    print([(1, "it's"), (2, 'say "hi"')], {"\n": "\t"}, end="!\n")
    return len(d)


@pytest.mark.skipif(ON_NUMBA, reason="numba prints through C: formats differ")
def test_print_of_containers_of_str(capsys):
    words = ["a", "b'c", "\u4e2d", "\U0001f600"]
    expected = printed(words)
    want = capsys.readouterr().out
    assert jit(printed)(words) == expected
    assert capsys.readouterr().out == want


def not_hashable(x):
    return {x: 1}


def test_unhashable_key_is_a_located_error():
    with pytest.raises(ember.errors.UnsupportedError, match="a dict key must be a number, a str or a tuple"):
        ember.njit(not_hashable)([1.0])


def sort_words(words, flag):
    a = sorted(words)
    b = sorted(words, reverse=True)
    c = list(words)
    c.sort(reverse=flag)
    return a, b, c


@pytest.mark.parametrize("words", [
    ["pear", "apple", "fig", "apple", "", "applesauce", "apples", "a\x00", "a", "b"],
    ["zeta", "Ärger", "äpfel", "ä", "z", "日本", "日", "😀x", "😀", "abcdefghij", "abcdefghi", "abcdefgh"],
    ["same"] * 5 + ["samf", "sam", "same\x00"],
    ["ab\x00\x00", "ab", "ab\x00", "ab", "abcdefgh\x00", "abcdefgh", "abcdefg", "\x00", ""],   # keys equal, lengths decide
    ["日\x00", "日", "日\x00\x00\x00", "日本\x00", "日本", "x"],
])
@pytest.mark.parametrize("flag", [False, True])
def test_sorting_strings_by_prefix_keys(words, flag):
    check(sort_words, list(words), flag)
