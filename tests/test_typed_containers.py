"""ember.typed.List and ember.typed.Dict (Numba's typed containers): the list and dict protocol
from Python, differential against plain list and dict; typed containers passed to compiled code
(the block itself: changes visible, no conversion), made in it and returned (not converted);
every method from compiled code, == and != by items; nested containers, tuples and arrays as
items; type errors; repr as Numba prints it; pickling and copy; cache=True; no leaks.

EMBER_TEST_BACKEND=numba runs the same tests against numba.typed (ember-only checks skip there).
"""
import copy
import os
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from difftest import ON_NUMBA, errors, impl, njit, no_leaks, numba_leaks, numba_skip, numba_xfail  # noqa: F401 -- autouse fixture

if ON_NUMBA:
    import numba.typed  # noqa: F401 -- numba does not import it by itself

List, Dict, types = impl.typed.List, impl.typed.Dict, impl.types
WRONG_TYPE = (TypeError, errors.TypingError)   # numba raises its TypingError from its compiled helpers


# ---------------------------------------------------------------------------- lists from Python

LIST_ITEMS = {
    "int": [3, -1, 4, 1, 5, -9, 2, 6],
    "float": [2.5, -0.0, 1e300, -3.25, 7.0, 0.5],
    "tuple": [(1, 2.5), (0, -1.0), (7, 0.0), (1, 2.5)],
}


@pytest.mark.parametrize("kind", sorted(LIST_ITEMS))
def test_list_protocol_matches_list(kind):
    items = LIST_ITEMS[kind]
    tl, pl = List(items), list(items)

    def same(what):
        assert list(tl) == pl, what
        assert len(tl) == len(pl), what

    same("construction")
    for i in (0, 1, -1, -len(pl)):
        assert tl[i] == pl[i]
    for s in (slice(1, 3), slice(None, None, -1), slice(-3, None), slice(0, 10, 2), slice(5, 1)):
        assert list(tl[s]) == pl[s]
        assert type(tl[s]) is List
    tl.append(items[1]); pl.append(items[1]); same("append")
    tl.extend(items[:2]); pl.extend(items[:2]); same("extend")
    tl.insert(2, items[0]); pl.insert(2, items[0]); same("insert")
    tl.insert(-100, items[2]); pl.insert(-100, items[2]); same("insert before the start")
    tl.insert(100, items[3]); pl.insert(100, items[3]); same("insert past the end")
    assert tl.pop() == pl.pop() and tl.pop(0) == pl.pop(0) and tl.pop(-2) == pl.pop(-2); same("pop")
    tl[1] = items[0]; pl[1] = items[0]; same("setitem")
    tl[-1] = items[2]; pl[-1] = items[2]; same("setitem negative")
    del tl[0]; del pl[0]; same("del")
    del tl[-1]; del pl[-1]; same("del negative")
    tl[1:3] = items[:3]; pl[1:3] = items[:3]; same("slice assignment")
    del tl[::2]; del pl[::2]; same("del of a slice")
    assert (items[0] in tl) == (items[0] in pl) and ((99, 9.5) if kind == "tuple" else 99) not in tl
    assert tl.index(pl[0]) == pl.index(pl[0]) and tl.count(pl[0]) == pl.count(pl[0])
    assert tl.index(pl[-1], 1) == pl.index(pl[-1], 1)
    tl.remove(pl[-1]); pl.remove(pl[-1]); same("remove")
    tl.reverse(); pl.reverse(); same("reverse")
    tl.sort(); pl.sort(); same("sort")
    tl.sort(reverse=True); pl.sort(reverse=True); same("sort reverse")
    tl.sort(key=lambda x: -x[0] if kind == "tuple" else abs(x)); pl.sort(key=lambda x: -x[0] if kind == "tuple" else abs(x)); same("sort key")
    assert list(reversed(tl)) == list(reversed(pl))
    assert [x for x in tl] == pl
    c = tl.copy()
    assert type(c) is List and list(c) == pl
    c.append(items[0])
    same("a copy is separate")
    assert tl == List(pl) and not (tl != List(pl)) and tl != c
    tl += items[:1]; pl += items[:1]; same("+=")
    tl.clear(); pl.clear(); same("clear")
    assert not tl and len(tl) == 0


def test_list_empty_and_typed_by_first_append():
    tl = List()
    assert len(tl) == 0 and list(tl) == []
    assert repr(tl) == "ListType[Undefined]([])"
    tl.append(1.5)
    tl.append(2)   # an int converts into a list of float64
    assert list(tl) == [1.5, 2.0] and type(tl[1]) is float
    assert repr(tl) == "ListType[float64]([1.5, 2.0])"
    e = List.empty_list(types.int64)
    assert len(e) == 0 and repr(e) == "ListType[int64]([])"
    assert str(List([1, 2, 3])) == "[1, 2, 3]"
    assert repr(List([(1, 2)])) == "ListType[UniTuple(int64 x 2)]([(1, 2)])"


@numba_leaks("its failed typed-list operations")
def test_list_errors():
    tl = List([1.0, 2.0])
    with pytest.raises(IndexError):
        tl[2]
    with pytest.raises(IndexError):
        tl[-3] = 1.0
    with pytest.raises(IndexError):
        del tl[5]
    with pytest.raises(IndexError):
        tl.pop(7)
    with pytest.raises(IndexError):
        List.empty_list(types.float64).pop()
    with pytest.raises(ValueError):
        tl.remove(9.0)
    with pytest.raises(ValueError):
        tl.index(9.0)
    with pytest.raises(WRONG_TYPE):
        tl.append("text")
    with pytest.raises(WRONG_TYPE):
        List.empty_list(types.int64).append(1.5)
    with pytest.raises(WRONG_TYPE):
        tl[0] = (1, 2)
    assert list(tl) == [1.0, 2.0]   # nothing changed by the failed operations
    with pytest.raises(TypeError):
        hash(tl)


# ---------------------------------------------------------------------------- dicts from Python

@numba_leaks("its typed-dict operations from Python")
def test_dict_protocol_matches_dict():
    td, pd = Dict.empty(key_type=types.int64, value_type=types.float64), {}

    def same(what):
        assert dict(td) == pd and list(td) == list(pd), what   # insertion order too
        assert len(td) == len(pd), what

    for k in (5, -3, 0, 12, 7):
        td[k] = k * 0.5
        pd[k] = k * 0.5
    same("setitem")
    td[5] = 9.0; pd[5] = 9.0; same("overwrite keeps the order")
    assert td[-3] == pd[-3] and (0 in td) and (99 not in td)
    assert td.get(12) == pd.get(12) and td.get(99) is None and td.get(99, -1.0) == -1.0
    assert td.setdefault(12, 1.0) == pd.setdefault(12, 1.0) and td.setdefault(40, 2.0) == pd.setdefault(40, 2.0)
    same("setdefault")
    assert td.pop(0) == pd.pop(0) and td.pop(99, 3.0) == 3.0; same("pop")
    del td[-3]; del pd[-3]; same("del")
    assert td.popitem() == pd.popitem(); same("popitem")
    td.update({1: 1.0, 5: 5.5}); pd.update({1: 1.0, 5: 5.5}); same("update")
    assert list(td.keys()) == list(pd.keys()) and list(td.values()) == list(pd.values())
    assert list(td.items()) == list(pd.items())
    assert (5, 5.5) in td.items() and 1 in td.keys() and len(td.values()) == len(pd)
    c = td.copy()
    assert type(c) is Dict and dict(c) == pd
    c[1000] = 0.0
    same("a copy is separate")
    assert td == pd and td == Dict(td) if not ON_NUMBA else td == pd
    assert str(td) == str(pd)
    for k in td:
        assert td[k] == pd[k]
    td.clear(); pd.clear(); same("clear")
    td[3] = 1.0
    assert dict(td) == {3: 1.0}


@numba_leaks("its typed-dict operations from Python")
def test_dict_keys_of_tuples_floats_bools():
    d = Dict.empty(types.UniTuple(types.int64, 2), types.int64)
    d[(1, 2)] = 3
    d[(2, 1)] = 4
    assert d[(1, 2)] == 3 and (2, 1) in d and (3, 3) not in d and list(d) == [(1, 2), (2, 1)]
    f = Dict.empty(types.float64, types.int64)
    f[1.0] = 1
    f[0.5] = 2
    assert f[1] == 1 and list(f.items()) == [(1.0, 1), (0.5, 2)]
    b = Dict()
    b[True] = 1.5
    assert b[True] == 1.5 and False not in b


def test_dict_typed_by_first_item_and_repr():
    d = Dict()
    assert len(d) == 0 and list(d) == []
    d[1] = 2.5
    assert repr(d) == "DictType[int64,float64]<iv=None>({1: 2.5})"
    assert str(d) == "{1: 2.5}"
    s = Dict.empty(types.unicode_type, types.float64)   # as Numba shows them: str() of the items
    s["a"] = 1.5
    assert str(s) == "{a: 1.5}" and repr(s) == "DictType[unicode_type,float64]<iv=None>({a: 1.5})"
    assert repr(List(["x"])) == "ListType[unicode_type]([x])"
    e = Dict.empty(types.int64, types.float64)
    assert repr(e) == "DictType[int64,float64]<iv=None>({})"


@numba_leaks("its failed typed-dict operations")
def test_dict_errors():
    d = Dict.empty(types.int64, types.float64)
    d[1] = 1.0
    with pytest.raises(KeyError) as e:
        d[2]
    assert e.value.args == (2,)
    with pytest.raises(KeyError):
        del d[2]
    with pytest.raises(KeyError):
        d.pop(2)
    with pytest.raises(KeyError):
        Dict.empty(types.int64, types.float64).popitem()
    with pytest.raises(WRONG_TYPE):
        d["a"] = 1.0
    with pytest.raises(WRONG_TYPE):
        d[2] = "text"
    assert dict(d) == {1: 1.0}


@numba_xfail("numba raises TypingError for a lookup with a key of another type, and KeyError for 0.0 after -0.0")
def test_dict_lookups_as_python():
    d = Dict.empty(types.int64, types.float64)
    d[1] = 1.0
    assert "a" not in d and 1.5 not in d and d.get("a", 7) == 7   # a key of another type is simply absent
    assert 1.0 in d and d[1.0] == 1.0   # 1.0 == 1, as in Python
    f = Dict.empty(types.float64, types.int64)
    f[-0.0] = 1
    assert f[0.0] == 1 and f[0] == 1 and list(f) == [0.0]


def _str_keys_supported():
    try:
        Dict.empty(types.unicode_type, types.float64)
        return True
    except TypeError:
        return False


@pytest.mark.skipif(not _str_keys_supported(), reason="the runtime's dicts have no str keys yet (branch strkeys "
                                                     "adds their hashing and comparison to runtime/dict.c)")
def test_dict_str_keys():
    d = Dict.empty(key_type=types.unicode_type, value_type=types.float64)
    d["a"] = 1.0
    d["é"] = 2.0
    d["a"] = 3.0
    assert dict(d) == {"a": 3.0, "é": 2.0} and "é" in d and "b" not in d
    del d["a"]
    assert list(d) == ["é"]
    for w in ("é", "x", "é"):
        count_word(d, w)
    assert dict(d) == {"é": 4.0, "x": 1.0}


@njit
def count_word(d, w):
    d[w] = d.get(w, 0.0) + 1.0
    return len(d)


# ---------------------------------------------------------------------------- across the boundary

@njit
def total_and_grow(xs):
    t = 0.0
    for x in xs:
        t += x
    xs.append(t)
    xs[0] = -1.0
    return t


@njit
def total(xs):
    t = 0.0
    for i in range(len(xs)):
        t += xs[i]
    return t


def test_list_passed_to_compiled_code_is_shared():
    xs = List([1.0, 2.0, 3.0])
    assert total_and_grow(xs) == 6.0
    assert list(xs) == [-1.0, 2.0, 3.0, 6.0]   # the function's changes are the caller's
    assert total(xs) == 10.0
    big = List.empty_list(types.float64)
    big.extend(np.arange(1000.0))
    assert total(big) == 499500.0


@numba_skip("the block's reference count is ember's")
def test_the_call_holds_no_reference_after():
    xs = List([1.0])
    assert xs._block_refcount == 1
    total_and_grow(xs)
    assert xs._block_refcount == 1


@njit
def make_list(n):
    out = List()
    for i in range(n):
        out.append(i * i)
    return out


@njit
def make_empty_float():
    return List.empty_list(types.float64)


@njit
def keep(xs):
    return xs


@njit
def from_iterables(n, a):
    return List(range(n)), List(a), List([(1, 2.5)])


def test_list_of_an_iterable_in_compiled_code():
    r, f, t = from_iterables(3, np.array([0.5, 1.5]))
    assert type(r) is List and list(r) == [0, 1, 2] and list(f) == [0.5, 1.5] and list(t) == [(1, 2.5)]
    d = Dict({1: 2.0, 3: 4.0})
    assert type(d) is Dict and dict(d) == {1: 2.0, 3: 4.0} and repr(d) == "DictType[int64,float64]<iv=None>({1: 2.0, 3: 4.0})"


def test_list_made_in_compiled_code_returns_as_typed_list():
    r = make_list(4)
    assert type(r) is List and list(r) == [0, 1, 4, 9]
    r.append(16)
    assert list(r) == [0, 1, 4, 9, 16]
    e = make_empty_float()
    assert type(e) is List and len(e) == 0
    e.append(1)
    assert list(e) == [1.0]
    xs = List([1, 2])
    back = keep(xs)
    back.append(3)
    assert list(xs) == [1, 2, 3]   # the same block: no copy either way


def list_methods(xs, x):
    ys = xs.copy()
    ys.append(x)
    ys.extend(xs)
    ys.insert(1, x + 1)
    ys.insert(-1, x + 2)
    a = ys.pop()
    b = ys.pop(0)
    c = ys.index(x)
    d = ys.count(x)
    ys.remove(x)
    ys.reverse()
    e = x in ys
    ys.sort()
    f = ys[-1] + ys[0] + len(ys)
    zs = ys[1:3]
    ys[0] = x * 3
    del ys[1]
    g = sum(ys) + min(ys) + max(ys)
    ys.sort(reverse=True)
    h = ys[0]
    ys.clear()
    return a, b, c, d, e, f, len(zs), zs[0], g, h, len(ys), len(xs)


def test_every_list_method_in_compiled_code():
    for xs, x in ((List([5, 3, 8, 1]), 3), (List([2.5, -1.0, 0.0]), 0.0)):
        assert njit(list_methods)(xs, x) == list_methods(list(xs), x)


@njit
def fill_dict(n):
    d = Dict.empty(key_type=types.int64, value_type=types.float64)
    for i in range(n):
        d[i] = i * 0.5
    return d


@njit
def untyped_dict(n):
    d = Dict()
    for i in range(n):
        d[(i, i + 1)] = i
    return d


@njit
def update_dict(d, k):
    d[k] = d.get(k, 0.0) + 1.0
    return len(d)


def dict_methods(d, k):
    e = d.copy()
    e[k] = 1.5
    a = e.get(k, -1.0) + e.get(k + 100, -1.0)
    b = e.setdefault(k + 1, 2.5)
    c = e.pop(k)
    f = e.pop(k + 200, 9.0)
    g = k + 1 in e
    s = 0.0
    for key in e:
        s += key
    for v in e.values():
        s += v
    for key, v in e.items():
        s += key * v
    ks = len(e.keys())
    last = e.popitem()
    n = len(e)
    if k + 1 in e:
        del e[k + 1]
    e.update(d)
    m = len(e)
    e.clear()
    return a, b, c, f, g, s, ks, last, n, m, len(e), len(d)


def test_dicts_across_the_boundary_and_every_method():
    d = fill_dict(3)
    assert type(d) is Dict and dict(d) == {0: 0.0, 1: 0.5, 2: 1.0}
    assert update_dict(d, 7) == 4 and d[7] == 1.0   # changes made in compiled code are the caller's
    assert update_dict(d, 7) == 4 and d[7] == 2.0
    u = untyped_dict(2)
    assert dict(u) == {(0, 1): 0, (1, 2): 1}
    src = Dict.empty(types.int64, types.float64)
    src[1] = 1.0
    src[10] = 4.0
    plain = dict(src)
    assert njit(dict_methods)(src, 3) == dict_methods(plain, 3)


@njit
def typed_equal(a, b, k, v):
    c = {key: a[key] for key in a}   # a plain dict of the same items
    e = b.copy()
    e[k] = v
    return a == b, a != b, a == c, c == a, e == a, e != a, a == a


def test_typed_dicts_compare_by_items():
    a = Dict.empty(types.int64, types.float64)
    b = Dict.empty(types.int64, types.float64)
    for i in range(4):
        a[i] = i * 0.5
        b[3 - i] = (3 - i) * 0.5
    assert typed_equal(a, b, 1, 0.5) == (True, False, True, True, True, False, True)
    assert typed_equal(a, b, 1, 2.5) == (True, False, True, True, False, True, True)
    assert typed_equal(a, b, 9, 0.5) == (True, False, True, True, False, True, True)


# ---------------------------------------------------------------------------- items of many kinds

@njit
def scale_rows(rows, k):
    for i in range(len(rows)):
        rows[i] *= k
    rows.append(np.zeros(2))
    return len(rows)


@njit
def nested(n):
    outer = List()
    for i in range(n):
        inner = List()
        for j in range(i):
            inner.append(j)
        outer.append(inner)
    return outer


@njit
def inner_sum(outer):
    s = 0
    for inner in outer:
        for x in inner:
            s += x
    outer[0].append(100)
    return s


@njit
def groups(n):
    d = Dict.empty(types.int64, types.float64[:])
    for i in range(n):
        d[i % 2] = np.arange(i + 1.0)
    return d


def test_arrays_as_items():
    a = np.arange(3.0)
    rows = List.empty_list(types.float64[:])
    rows.append(a)
    rows.append(np.ones(2))
    a[0] = 99.0   # an array from Python is stored as its value at the time
    assert scale_rows(rows, 2.0) == 3
    got = [r.tolist() for r in rows]
    assert got[1:] == [[2.0, 2.0], [0.0, 0.0]] and got[0][1:] == [2.0, 4.0]
    d = groups(4)
    assert [k for k in d] == [0, 1] and d[0].tolist() == [0.0, 1.0, 2.0] and d[1].tolist() == [0.0, 1.0, 2.0, 3.0]
    r = d[1]
    r[0] = 7.0
    assert d[1][0] == 7.0   # the item's memory: a view, as Numba's


def test_nested_typed_lists():
    outer = nested(3)
    assert type(outer) is List and [list(x) for x in outer] == [[], [0], [0, 1]]
    assert type(outer[1]) is List
    assert inner_sum(outer) == 1
    assert list(outer[0]) == [100]
    built = List([List([1, 2]), List([3])])
    assert inner_sum(built) == 6 and list(built[0]) == [1, 2, 100]


@njit
def tuple_items(xs):
    s = 0.0
    for a, b in xs:
        s += a * b
    xs.append((len(xs), s))
    return s


def test_tuples_as_items():
    xs = List([(1, 2.0), (3, 4.0)])
    assert tuple_items(xs) == 14.0 and list(xs) == [(1, 2.0), (3, 4.0), (2, 14.0)]


# ---------------------------------------------------------------------------- types, signatures

def test_typeof_and_signatures():
    assert impl.typeof(List([1.0])) == types.ListType(types.float64)
    d = Dict.empty(types.int64, types.float64)
    assert impl.typeof(d) == types.DictType(types.int64, types.float64)
    f = njit(types.float64(types.ListType(types.float64)))(total.py_func)
    assert f(List([1.0, 2.5])) == 3.5


@numba_skip("ember's messages")
def test_wrong_container_for_a_signature():
    f = njit("float64(ListType[float64])")(total.py_func)
    with pytest.raises(TypeError):
        f(List([1, 2]))      # a ListType[int64]: typed containers do not convert
    with pytest.raises(TypeError):
        f([1.0, 2.0])        # nor does a Python list into a typed one
    with pytest.raises(Exception, match="type"):
        total(List())        # an empty List() has no type yet


# ---------------------------------------------------------------------------- pickling, copy, cache

@numba_skip("numba's typed containers do not pickle")
def test_pickle_and_copy():
    xs = List([1.5, 2.5])
    ys = pickle.loads(pickle.dumps(xs))
    assert type(ys) is List and list(ys) == [1.5, 2.5] and repr(ys) == repr(xs)
    ys.append(1.0)
    assert len(xs) == 2   # by value
    d = Dict.empty(types.int64, types.float64)
    d[2] = 3.0
    e = pickle.loads(pickle.dumps(d))
    assert type(e) is Dict and dict(e) == {2: 3.0} and repr(e) == repr(d)
    empty = pickle.loads(pickle.dumps(List.empty_list(types.int64)))
    assert repr(empty) == "ListType[int64]([])"
    nested_copy = pickle.loads(pickle.dumps(List([List([1])])))
    assert list(nested_copy[0]) == [1]
    c = copy.copy(xs)
    c[0] = 0.0
    assert xs[0] == 1.5 and type(c) is List
    dc = copy.copy(d)
    dc[2] = 0.0
    assert d[2] == 3.0


CACHED = '''
from ember import njit, types
from ember.typed import List, Dict

@njit(cache=True)
def fill(xs, n):
    for i in range(n):
        xs.append(i * 1.5)
    d = Dict.empty(types.int64, types.float64)
    d[n] = len(xs)
    return d
'''


@numba_skip("runs ember's cache in child processes")
def test_cache(tmp_path):
    (tmp_path / "cached_typed.py").write_text(CACHED)
    script = textwrap.dedent('''
        from ember.typed import List
        import cached_typed
        xs = List.empty_list(cached_typed.types.float64)
        d = cached_typed.fill(xs, 3)
        print(list(xs), dict(d), type(d).__name__, cached_typed.fill.stats)
    ''')
    env = dict(os.environ, PYTHONPATH=str(tmp_path), PYTHONDONTWRITEBYTECODE="1")
    env.pop("EMBER_CACHE_DIR", None)
    outs = [subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=120) for _ in range(2)]
    for p in outs:
        assert p.returncode == 0, p.stderr
        assert p.stdout.startswith("[0.0, 1.5, 3.0] {3: 3.0} Dict")
    assert "'cache_hits': 1" in outs[1].stdout or "cache_hits" not in outs[1].stdout


LITERALS_OUTLIVE_THEIR_CODE = """
import gc, sys
jit = __import__(sys.argv[1])
types = jit.types

@jit.experimental.jitclass([("name", types.unicode_type)])
class Named:
    def __init__(self):
        self.name = "init"

@jit.njit
def fill(d, names, c):
    d[2] = "two"
    names.append("x")
    c.name = "literal-name"
    out = jit.typed.List.empty_list(types.unicode_type)
    out.append("returned")
    return out

d = jit.typed.Dict.empty(key_type=types.int64, value_type=types.unicode_type)
names = jit.typed.List.empty_list(types.unicode_type)
c = Named()
out = fill(d, names, c)
del fill
gc.collect()
for k in range(200):   # new code may reuse freed code memory
    jit.njit(lambda x: x + k)(1.0)
print(dict(d), list(names), c.name, list(out))
"""


def test_literals_stored_by_compiled_code_outlive_it(tmp_path):
    """A literal string that compiled code puts in a typed container or a jitclass field points
    into the code's memory: dropping the function must not free it under them."""
    script = tmp_path / "literals.py"
    script.write_text(LITERALS_OUTLIVE_THEIR_CODE)
    p = subprocess.run([sys.executable, str(script), "numba" if ON_NUMBA else "ember"], capture_output=True,
                       text=True, timeout=120)
    assert p.returncode == 0, p.stderr[-2000:]
    assert p.stdout.strip() == "{2: 'two'} ['x'] literal-name ['returned']"


# ---------------------------------------------------------------------------- leaks

@njit
def append_then_fail(xs, rows):
    xs.append(1.0)
    rows.append(np.ones(3))
    return xs[10]


@numba_leaks("on the raising path")
def test_no_leak_when_compiled_code_raises():
    xs = List([0.5])
    rows = List.empty_list(types.float64[:])
    rows.append(np.zeros(2))
    with pytest.raises(IndexError):
        append_then_fail(xs, rows)
    assert list(xs) == [0.5, 1.0] and len(rows) == 2   # as Python: the changes before the raise stay
    del xs, rows


def test_containers_free_their_blocks():
    outer = nested(4)
    inner = outer[3]
    del outer
    assert list(inner) == [0, 1, 2]   # an item taken out keeps its own reference
    d = groups(3)
    row = d[0]
    del d
    assert row.tolist() == [0.0, 1.0, 2.0]


def test_str_items_in_typed_containers():
    from ember import types
    from ember.typed import Dict, List
    xs = List()
    xs.append("héllo")
    xs.append("b")
    d = Dict.empty(types.unicode_type, types.unicode_type)
    d["a"] = "x"
    d["é"] = "yy"

    @njit
    def grow(xs, d):
        xs.append("c" + xs[0])
        d["new"] = xs[-1]
        return len(xs), d["a"]

    assert grow(xs, d) == (3, "x")
    assert list(xs) == ["héllo", "b", "chéllo"]
    assert dict(d) == {"a": "x", "é": "yy", "new": "chéllo"}
    with pytest.raises(TypeError):
        xs.append(1.5)


def test_arrays_are_held_not_copied():
    """As in Numba, a typed container holds the caller's ndarray: it shares its memory, reading the
    item back gives the same object, and the item outlives the caller's name."""
    import gc
    tl, td = List(), Dict()
    a = np.zeros(3)
    tl.append(a)
    td[1] = a[::2]
    a[0] = 99.0
    assert tl[0] is a and tl[0][0] == 99.0 and td[1][0] == 99.0
    del a
    gc.collect()
    junk = [np.ones(3) for _ in range(50)]
    np.testing.assert_array_equal(tl[0], [99.0, 0.0, 0.0])
    np.testing.assert_array_equal(td[1], [99.0, 0.0])
    del junk, tl, td


def test_a_typed_dict_changed_while_python_iterates_raises_as_a_dict():
    d = impl.typed.Dict.empty(impl.types.int64, impl.types.int64)
    d[1], d[2] = 1, 2
    for k in d:
        d[k] = 5   # values may change
    assert dict(d) == {1: 5, 2: 5}
    if ON_NUMBA:
        return   # numba's typed.Dict lets its iteration see the new keys
    with pytest.raises(RuntimeError, match="changed size during iteration"):
        for k in d:
            d[k + 10] = 0


def test_numbas_type_keywords_make_empty_typed_containers():
    lst = impl.typed.List(lsttype=impl.types.ListType(impl.types.float64))
    assert len(lst) == 0
    lst.append(1.5)
    assert list(lst) == [1.5]
    d = impl.typed.Dict(dcttype=impl.types.DictType(impl.types.int64, impl.types.int64))
    assert len(d) == 0
    d[1] = 2
    assert dict(d) == {1: 2}


def typed_list_of_sets(n):
    adj = List()
    for i in range(n):
        s = set()
        s.add(i)
        adj.append(s)
    adj[0].add(5)
    return len(adj[0]) + len(adj[1])


def test_a_typed_list_of_sets_made_empty():
    """List() given set() before its first add: the item type is learned from the add (as numba)."""
    assert impl.njit(typed_list_of_sets)(3) == 3


def grows_while_iterated(x):
    count = 0
    for _ in x:
        if count > 1:
            x.append(2.0)
        count += 1
    return count


@numba_leaks("numba does not free the list's iterator where the loop raises")
def test_typed_list_mutated_during_iteration():
    # as Numba: RuntimeError, where it grew without end (a typed List in its own for loop)
    with pytest.raises(RuntimeError, match="mutated during iteration"):
        impl.njit(grows_while_iterated)(impl.typed.List([1.0, 1.0, 1.0]))
    assert impl.njit(grows_while_iterated)(impl.typed.List([1.0, 1.0])) == 2


def test_typed_containers_subscripted_in_annotations():
    # List[np.ndarray] and Dict[str, float] in a signature's annotations (aeon's distances)
    List, Dict = impl.typed.List, impl.typed.Dict

    def first_sum(X: List[np.ndarray], d: Dict[str, float]) -> float:
        return X[0].sum() + d["a"]

    d = Dict()
    d["a"] = 1.0
    assert impl.njit(first_sum)(List([np.ones(3)]), d) == 4.0
