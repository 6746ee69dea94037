"""Lists, compiled vs CPython: literals, comprehensions, `[]` typed by its first use, every
method, operators, indexing and slices (negative, out of range), iteration, the builtins over
lists, lists of numbers, tuples, arrays and lists, list arguments (reflected) and results, the
errors Python raises, and no leak when building a list raises halfway."""

import numpy as np
import pytest

from difftest import ON_NUMBA, check, check_all, errors, impl, njit, no_leaks, numba_leaks, numba_xfail  # noqa: F401

import ember


def build_append(n):
    l = []
    for i in range(n):
        l.append(i * 0.5)
    return l


def comprehension(n):
    return [i * i for i in range(n) if i % 2]


def nested_comprehension(n):
    return [[i + j for j in range(i)] for i in range(n)]


def literal_mixed(a):
    l = [1, a, 2.5]   # one element type: float64 (ints convert, as in Numba)
    return sum(l), l[2] * 2


def repeat(n):
    return [0.0] * n, n * [1, 2], [3] * -1


def from_range(n):
    return list(range(n)), list(range(n, 0, -2)), list()


def from_array(n):
    return list(np.arange(n) * 1.5)


def test_building():
    check_all(build_append, [(0,), (1,), (7,)])
    check_all(comprehension, [(0,), (1,), (9,)])
    check_all(nested_comprehension, [(0,), (4,)])
    check_all(literal_mixed, [(3,), (-1,)])
    check_all(repeat, [(0,), (3,), (-2,)])
    check_all(from_range, [(0,), (5,)])
    check_all(from_array, [(0,), (4,)])


def indexing(l, i):
    return l[i], l[-1], l[i:], l[:i], l[::-1], l[::2], l[-100:100]


def setitem(l, i, v):
    l[i] = v
    return l


def delitem(l, i):
    del l[i]
    return l


def del_slice(l, a, b):
    del l[a:b]
    return l


def set_slice(l, a, b, m):
    l[a:b] = m
    return l


def del_stepped(l, a, b, s):
    del l[a:b:s]
    return l


def set_stepped(l, a, b, s, n, x):
    l[a:b:s] = [x + k for k in range(n)]
    return l


def stepped_strings(n, s):
    words = [str(i) * 2 for i in range(n)]
    words[::s] = [w + "!" for w in words[::s]]
    del words[1::s]
    return words


STEPS = [(0, 10, 2), (1, 10, 3), (None, None, -1), (8, 1, -2), (-1, -10, -3), (0, 10, 1), (5, 2, 1), (3, 3, 2),
         (0, 100, 4), (2, None, -1)]


@numba_xfail("numba does not delete an extended slice of a list")
@pytest.mark.parametrize("a, b, s", STEPS)
def test_extended_slices(a, b, s):
    check(del_stepped, list(range(10)), a, b, s)
    n = len(range(10)[a:b:s])
    check(set_stepped, list(range(10)), a, b, s, n, 100)
    check(set_stepped, [float(k) for k in range(10)], a, b, s, n + 1, 0.5)   # ValueError unless step 1
    check(stepped_strings, 9, s)


@pytest.mark.parametrize("i", [0, 1, 3, -1, -4, 4, -5, 100])
def test_indexing(i):
    check(indexing, [1.0, 2.0, 3.0, 4.0], i)
    check(setitem, [1, 2, 3, 4], i, 9)
    check(delitem, [1, 2, 3, 4], i)


def test_slices():
    check_all(del_slice, [([1, 2, 3, 4], 1, 3), ([1, 2, 3, 4], -3, 100), ([1, 2], 2, 0)])
    check_all(set_slice, [([1, 2, 3, 4], 1, 3, [7, 8, 9]), ([1, 2, 3], 0, 3, [5]), ([1], 1, 1, [2, 3])])


def methods(l, x):
    l.append(x)
    l.extend([x, x + 1])
    l.extend((4, 5))
    l.extend(range(2))
    l.insert(0, x)
    l.insert(-1, 7)
    l.insert(100, 8)
    a = l.pop()
    b = l.pop(0)
    c = l.pop(-2)
    n = l.count(x)
    k = l.index(x)
    l.remove(x)
    m = l.copy()
    m.reverse()
    l.sort()
    m.sort(reverse=True)
    return l, m, a, b, c, n, k, len(l)


def clear(l):
    l.clear()
    l.append(1)
    return l


def index_bounds(l, x, a, b):
    return l.index(x, a, b)


def pop_empty(n):
    l = [1] * n
    return l.pop()


def remove_missing(l, x):
    l.remove(x)
    return l


def test_methods():
    check_all(methods, [([1, 2, 3], 2), ([0], 5), ([3, 3, 3], 3)])
    check_all(clear, [([1, 2],), ([5],)])
    check_all(index_bounds, [([1, 2, 1, 2], 1, 1, 4), ([1, 2, 1, 2], 2, -2, 100), ([1, 2], 2, 0, 1)])
    check_all(pop_empty, [(0,), (2,)])
    check_all(remove_missing, [([1, 2], 3), ([1, 2], 2)])


def operators(a, b):
    c = a + b
    a += b
    d = a * 2
    d *= 2
    return c, a, d, a == b, a != b, a < b, a <= b, a > b, b >= a, 2 in a, 9 not in a, len(a), bool(b)


def test_operators():
    check_all(operators, [([1, 2], [3]), ([1, 2], [1, 2]), ([1, 2], [1, 3]), ([1, 2, 3], [1, 2])])


def builtins(l):
    s = 0.0
    for x in l:
        s += x
    e = 0
    for i, x in enumerate(l):
        e += i * int(x)
    z = 0.0
    for x, y in zip(l, l[1:]):
        z += x * y
    return (s, e, z, sum(l), sum(l, 10.0), min(l), max(l), any(l), all(l), sorted(l), sorted(l, reverse=True),
            list(reversed(l)))


def minmax_empty(n):
    return min([1.5] * n), max([1] * n)


def test_builtins():
    check_all(builtins, [([3.0, 1.0, 2.0, 0.0],), ([-1.5],), ([2.0, 2.0, -0.0],)])
    check_all(minmax_empty, [(0,), (2,)])


def of_tuples(n):
    l = [(i, i * 0.5) for i in range(n)]
    l.append((9, 9.5))
    return l, (1, 0.5) in l, l[-1][1]


def of_lists(n):
    ls = []
    for i in range(n):
        ls.append([i] * i)
    ls[0].append(7)
    ls.append(ls[-1].copy())
    return ls, ls == [[7]], [len(x) for x in ls]


def of_arrays(n):
    arrs = [np.zeros(i) for i in range(n)]
    arrs.append(np.ones(2))
    arrs.pop(0)
    arrs[0] = np.full(3, 2.0)
    t = 0.0
    for a in arrs:
        t += a.sum()
    return arrs, t


def test_element_types():
    check_all(of_tuples, [(0,), (3,)])
    check_all(of_lists, [(1,), (4,)])
    check_all(of_arrays, [(1,), (4,)])


def reflect(l):
    l[0] = -l[0]
    l.append(l[1])
    return len(l)


def reflect_shrink(l):
    l.pop()
    l.pop()
    return sum(l)


def reflect_nested(ls):
    ls[0].append(1)
    return len(ls)


def test_arguments():
    check_all(reflect, [([1.0, 2.0],), ([5, 6, 7],), ([-3, 0],)])
    check_all(reflect_shrink, [([1.0, 2.0, 3.0],)])
    check_all(reflect_nested, [([[1], [2, 3]],)])
    a = [1.0, 2.0, 3.0]
    b = a[1:]
    ember.njit(reflect)(a)
    assert a == [-1.0, 2.0, 3.0, 2.0]
    assert b == [2.0, 3.0]


def raise_halfway(n):
    out = [np.zeros(2) for i in range(3)]
    out2 = [[i] for i in range(n)]
    return [10 // (i - 2) for i in range(n)], out, out2


def raise_in_loop(n):
    l = []
    for i in range(n):
        l.append(np.ones(i))
        if i == 3:
            raise ValueError("stop")
    return l


def test_raises_without_leaks():
    check_all(raise_halfway, [(2,), (5,)])
    check_all(raise_in_loop, [(3,), (6,)])


def empty_list_argument(l):
    return len(l)


def test_diagnostics():
    with pytest.raises(ember.errors.TypingError, match="empty list"):
        ember.njit(empty_list_argument)([])
    with pytest.raises(TypeError):
        ember.njit(empty_list_argument)([1, "a"])

    def widened(n):
        l = [1, 2]
        l.append(2.5)   # a list made here holds what its appends give, as Numba's: [1.0, 2.0, 2.5]
        return l
    assert ember.njit(widened)(1) == [1.0, 2.0, 2.5]


def to_arrays(n):
    l = [i * 0.5 for i in range(n)]
    m = [[i, i + 1] for i in range(n)]
    return np.array(l), np.asarray(m), np.asarray(np.ones(2)), np.asarray([1, 2]), np.array([[1.5], [2.0]])


def ragged(m):
    return np.array(m)


def test_numpy_arrays_of_lists():
    check_all(to_arrays, [(1,), (3,)])   # (of an empty list: the element's dtype, not NumPy's float64)
    check_all(ragged, [([[1], [2, 3]],), ([[1, 2], [3, 4]],)])


def printed(n):
    l = [i * 0.5 for i in range(n)]
    print(l, [True] * 2, [1, 2])


def test_print(capfd):
    printed(3)
    want = capfd.readouterr().out
    ember.njit(printed)(3)
    assert capfd.readouterr().out == want


def total(l):
    return sum(l)


def test_signatures():
    f = ember.njit("float64(list(float64))")(total)
    ints = [1, 2]
    assert f(ints) == 3.0 and ints == [1, 2] and type(ints[0]) is int   # unchanged items stay as they were
    g = ember.njit("int64(dict(int64, list(float64)))")(lambda d: len(d))
    assert g({1: [2.0]}) == 1


@ember.njit
def _keep_in(a, L):
    L.append(a)
    L.append(a[1:])
    return len(L)


@ember.njit
def _keep_all(a, b):
    d = {0: a}
    pairs = [(b, 1)]
    return [a, b[::2]], d, pairs


def test_argument_arrays_outlive_the_call():
    """An argument array kept by a container that outlives the call keeps its ndarray alive: the
    caller may drop the array, and its memory is not freed under the container."""
    import gc
    from ember import typed
    L = typed.List()
    L.append(np.zeros(3))
    a = np.arange(5.0)
    assert _keep_in(a, L) == 3
    del a
    gc.collect()
    junk = [np.full(5, 7.0) for _ in range(50)]   # would reuse freed memory
    np.testing.assert_array_equal(L[1], np.arange(5.0))
    np.testing.assert_array_equal(L[2], np.arange(1.0, 5.0))
    del junk
    a, b = np.arange(4.0), np.arange(6.0)
    lst, d, pairs = _keep_all(a, b)
    assert lst[0] is a and d[0] is a and pairs[0][0] is b   # the caller's own objects come back
    del a, b
    gc.collect()
    np.testing.assert_array_equal(lst[1], [0.0, 2.0, 4.0])
    np.testing.assert_array_equal(d[0], np.arange(4.0))
    del L, lst, d, pairs


def _neg(x):
    return -x


_neg_jit = njit(_neg)


def sort_key_lambda(xs, reverse):
    k = 3
    pairs = [(x % k, i) for i, x in enumerate(xs)]
    pairs.sort(key=lambda t: t[0], reverse=reverse)   # stable: equal keys keep their order
    return pairs, sorted(xs, key=lambda x: (x % k, -x), reverse=reverse)


def sort_key_functions(words, reverse):
    def lower(s):
        return s.lower()
    words.sort(key=lower, reverse=reverse)
    return words, sorted(words, key=None)


def sort_key_builtin(words, reverse):
    return sorted(words, key=len, reverse=reverse)


def sort_key_njit(xs):
    return sorted(xs, key=_neg_jit)


def argsort_by_capture(xs):
    return sorted(range(len(xs)), key=lambda i: xs[i])


def sort_key_raises(xs):
    def key(x):
        if x == 3:
            raise ValueError("no key for 3")
        return str(x)
    return sorted(xs, key=key)


@numba_leaks("a key that raises leaks the pairs")
@pytest.mark.parametrize("reverse", [False, True])
def test_sort_with_key(reverse):
    check_all(sort_key_lambda, [([5, 3, 8, 1, 9, 2, 7, 4, 6, 0, 3, 5], reverse), ([1], reverse)])
    check_all(sort_key_functions, [(["pear", "Apple", "fig", "banana", "Kiwi", "date", "é", "ab"], reverse),
                                   (["b"], reverse)])
    check(sort_key_njit, [1.5, -2.0, 1.5, 0.0, 7.25])
    check_all(sort_key_raises, [([5, 4, 1],), ([5, 3, 1],)])


@numba_xfail("its sorted() takes no builtin as key=, and no lambda capturing a list")
def test_sort_with_builtin_or_capturing_key():
    check_all(sort_key_builtin, [(["pear", "Apple", "fig", "banana", "é", "ab"], False),
                                 (["pear", "Apple", "fig", "banana", "é", "ab"], True)])
    check(argsort_by_capture, [1.5, -2.0, 1.5, 0.0, 7.25])


def min_max_key(l):
    return max(l, key=lambda t: t[1]), min(l, key=lambda t: t[1]), max(l), min(l)


def min_max_default(l, lo):
    kept = [x for x in l if x > lo]
    return max(kept, default=-1.5), min(kept, default=lo), max(kept, key=abs, default=0.0)


def min_max_len(words):
    return max(words, key=len), min(words, key=len), max(range(len(words)), key=lambda i: len(words[i]))


def min_max_raising_key(l):
    return max(l, key=lambda x: 1 // x)


def test_min_max_key_and_default():
    check_all(min_max_key, [([(1, 2.0), (2, 5.0), (3, 1.0), (4, 5.0)],), ([(0, -0.0)],)])
    check_all(min_max_default, [([3.0, -7.0, 2.0], 0.0), ([3.0, -7.0], 10.0), ([1.0], 1.0)])
    check_all(min_max_len, [(["ab", "abc", "x", "xyz", "é"],), (["one"],)])
    check_all(min_max_raising_key, [([1, 2, 0],), ([2, 3],)])
    with pytest.raises(ember.errors.TypingError, match="unexpected keyword argument 'initial'"):
        ember.njit(lambda l: max(l, initial=1))([1])


def unpack_split(lines):
    out = {}
    for line in lines:
        k, v = line.split("=")
        out[k.strip()] = float(v)
    return out


def unpack_list(l):
    a, b, c = l
    return a + b * c


def test_unpacking_lists():
    check_all(unpack_split, [(["a = 1.5", "b=2"],), (["x=1", "y=2=3"],), (["novalue"],)])
    check_all(unpack_list, [([1, 2, 3],), ([1.5, 2.0, -1.0],), ([1, 2],), ([1, 2, 3, 4],)])


def bool_list_ops(n):
    # a list of bools is bytes in memory, read and written as such (lower_list.c mem_type)
    flags = [True] * (n + 1)
    for i in range(0, n + 1, 3):
        flags[i] = False
    c = 0
    for f in flags:
        if f:
            c += 1
    for i in range(len(flags)):
        if not flags[i]:
            c += 10
    flags.reverse()
    flags.append(False)
    flags.insert(1, True)
    s = sorted(flags)
    flags.sort(reverse=True)
    return c, flags, s, flags.count(False), False in flags, flags.index(False), flags[::2], [x for x in flags if x]


def test_bool_lists():
    check_all(bool_list_ops, [(0,), (1,), (7,), (100,)])


def rows_and_rebinding(n):
    # an iterator over a list its variable keeps alive takes no reference of its own; where the
    # loop rebinds the variable (or the list is a cell an inner function could rebind) it does
    rows = [[j * i for j in range(i % 4)] for i in range(n)]
    total = 0
    for r in rows:
        for x in r:
            total += x
    r = [1, 2, 3]
    for x in r:
        r = [x * 10]   # the loop goes on over the old list
        total += x + r[0]
    return total, r


def test_iterating_lists_borrowed_or_not():
    check_all(rows_and_rebinding, [(0,), (1,), (9,)])


# A method taken before a conditional expression in its arguments (out.append(a if c else b)):
# CPython keeps the bound method on its stack across the branch, and the empty list it was taken
# from gets its item type from the call after the branch.
def append_ternary_float(n):
    out = []
    for i in range(n):
        out.append(1.0 if i > 2 else 2.0)
    return out


def append_ternary_str(words):
    out = []
    for w in words:
        out.append(w if "b" in w else "-")
    return out


def append_then_append_ternary(words):
    out = []
    for w in words:
        out.append(w + "!")
        out.append(w if "b" in w else "-")
    return out


def insert_ternary(n):
    out = []
    for i in range(n):
        out.insert(0, 1.5 if i % 2 else 2.5)
    return out


def append_ternary_tuple(n):
    out = []
    for i in range(n):
        out.append((i, 1.0) if i > 1 else (0, 0.0))
    return out, len(out)


def set_add_ternary(n):
    s = set()
    for i in range(n):
        s.add(i if i > 1 else 0)
    return sorted(s)


def nested_ternaries(n):
    out = []
    for i in range(n):
        out.append(i * 2 if i % 3 == 0 else (i if i % 3 == 1 else -i))
    return out


@pytest.mark.parametrize("n", [0, 1, 5])
def test_method_call_with_a_conditional_argument(n):
    check(append_ternary_float, n)
    check(insert_ternary, n)
    check(append_ternary_tuple, n)
    check(set_add_ternary, n)
    check(nested_ternaries, n)
    words = ["abc", "x", "bb"][:max(n, 1)]   # (an empty list argument has no item type)
    check(append_ternary_str, words)
    check(append_then_append_ternary, words)


# An empty list filled later, and a slice of it: the slice is a list of the same items (its
# type refined the list to a list of lists, and the append was then refused).
def hull_concat(n):
    lower = [2.0]
    upper = []
    for i in range(n):
        upper.append(3.0 + i)
    return lower + upper[:-1]


def slice_then_append(n):
    a = []
    for i in range(n):
        a.append(i)
    b = a[1:]
    b.append(7)
    return b, a


def slice_concat(n):
    a = []
    for i in range(n):
        a.append(i * 1.0)
    return a[:-1] + [5.0] + a[::2]


@pytest.mark.parametrize("n", [0, 1, 4])
def test_slices_of_lists_typed_later(n):
    check(hull_concat, n)
    check(slice_then_append, n)
    check(slice_concat, n)


def slice_objects(a, l, k):
    s = slice(1, None, 2)
    t = slice(k)
    u = slice(None, None, -1)
    w = slice(-3, None)
    return a[s], a[t], a[u], a[w], l[s], l[t], l[u], "abcdefg"[s], a[slice(None)], a[slice(1, k)]


@pytest.mark.parametrize("k", [0, 3, 10, -2])
def test_slice_objects(k):
    check(slice_objects, np.arange(7.0), [1, 2, 3, 4, 5, 6], k)


def nested_computed(n):
    outer = []
    for i in range(n):
        inner = []
        for j in range(i):
            inner.append(j + 0.5)     # the inner list's item type is known only after outer.append
        outer.append(inner)
    return outer


def nested_by_index(n):
    outer = [[0.0]]
    outer = outer[:0]
    rows = [[1.0] for _ in range(0)]
    for i in range(n):
        inner = []
        for j in range(i):
            inner.append((j, j * 1.5))
        rows.append([])
        outer.append([])
        outer[i] = [float(i)] * i
    return outer, rows


def nested_in_dict(n):
    d = {}
    for i in range(n):
        inner = []
        for j in range(i):
            inner.append(float(j) / 2)
        d[i] = inner
    return d


@pytest.mark.parametrize("fn", [nested_computed, pytest.param(nested_in_dict, marks=numba_xfail("a reflected list as a dict value")),
                                pytest.param(nested_by_index, marks=numba_xfail("numba cannot type rows.append([])"))])
@pytest.mark.parametrize("n", [0, 1, 4])
def test_nested_list_learns_its_inner_item_type(fn, n):
    """An empty inner list appended (or stored) before anything says its item type: the outer
    list (or dict) takes the type the inner list is given later (was list(list(int64)) holding
    float64 bits)."""
    assert njit(fn)(n) == fn(n)


def total_length(words):
    t = 0
    last = ""
    for w in words:
        t += len(w)
        last = w
    return t, last, w


def longest_words(words):
    out = []
    best = words[0]
    for w in words:
        if len(w) >= len(best):
            best = w
            out.append(w)
    return best, out


def numbered(words):
    out = []
    t = 0
    for i, w in enumerate(words):
        t += len(w) * i
        if i % 2:
            out.append(w)
    return t, out, w


def rows_sum(rows):
    s = 0.0
    for r in rows:
        s += r.sum()
    return s, r


def popping_while_iterating(words):
    n = 0
    for w in words:
        n += len(w)
        if len(words) > 3:
            words.pop()
    return n, w


def test_loop_items_borrowed_from_a_list_argument():
    """`for w in l` over a list argument: w borrows each item when nothing in the function can
    drop one (codegen/lower_rec.c, cg_borrowed_loop_items); returned, kept after the loop, or
    stored in another list, it is owned again. A function that pops keeps owning its items."""
    words = ["alpha", "be", "gamma", "delta", "é" * 3]
    check(total_length, words)
    check(longest_words, words)
    check(numbered, words)
    rows = [np.arange(3.0), np.ones(4), np.zeros(0)]
    s, last = njit(rows_sum)(rows)
    assert s == 7.0 and last.shape == (0,)
    check(popping_while_iterating, list(words))


def array_of_tuples(n):
    pts = [(0, 1), (2, 3)]
    for i in range(n):
        pts.append((i, i * 2))
    mixed = [(1, 2.5), (3, -4.0)]
    return np.array(pts), np.asarray(pts), np.array(mixed), np.array(mixed, np.float32)


def test_np_array_of_a_list_of_tuples():
    """Rows, as NumPy makes them; numbers of the tuple's types promoted together."""
    check_all(array_of_tuples, [(0,), (3,)])


def sort_lists_of_lists(a):
    b = sorted(a)
    a.sort(reverse=True)
    c = [[2.5, 1.0], [0.5], [2.5]]
    c.sort()
    return b, a, c


@numba_xfail("numba cannot reflect a list of lists given as an argument")
def test_sort_lists_of_lists():
    # lexicographic, as < orders two lists (quimb's compute_blocks)
    check(sort_lists_of_lists, [[3, 1], [1, 5, 2], [1, 4], [1, 4, 0]])


def appended_int_or_float(n):
    out = []
    pairs = []
    for i in range(n):
        if i != 0:
            d = 1.5 * i
        else:
            d = 0
        out.append(d)
        pairs.append((d, i))
    return out, pairs


def test_appends_widen_a_list_made_here():
    # a variable int on one path and float on another, appended: list(float64), as Numba (sktime's
    # shapelet qualities; was TypingError: cannot append float64 to list(int64))
    for n in (4, 0):
        out, pairs = impl.njit(appended_int_or_float)(n)
        assert (out, pairs) == appended_int_or_float(n) and all(type(d) is float for d in out)   # (CPython's 0 stays an int)


def append_float(l):
    l.append(1.5)
    return len(l)


@pytest.mark.skipif(ON_NUMBA, reason="ember's message")
def test_a_list_argument_keeps_its_item_type():
    with pytest.raises(errors.TypingError, match="cannot append float64 to"):
        impl.njit(append_float)([1, 2])


# A value Python keeps on its operand stack from block to block (a comprehension's list going
# round its loop, a call's result waiting for a conditional argument) is carried by stack
# variables that take no reference of their own when one producer's slot holds it throughout.
@impl.njit
def fresh_list(n):
    return [i * 1.5 for i in range(n)]


def comprehensions_in_a_loop(x, n):
    rows = []
    for k in range(n):
        row = [v * k for v in x if v > 0.25]
        rows.append(row)
        rows.append([[j * 0.5 for j in range(i)] for i in range(k)][-1] if k else [0.0])
    d = {i: v for i, v in enumerate(x) if v < 0.75}
    s = set([int(v * 10) for v in x])
    return rows, sorted(d.items()), sorted(s)


def call_result_across_a_branch(n, flag):
    total = 0.0
    for i in range(n):
        # fresh_list(i) waits on the stack while the conditional argument is worked out
        total += sum(fresh_list(i), 2.0 if flag and i % 2 else -1.0)
        keep = max(fresh_list(i + 1) if i % 3 else fresh_list(2))
        total += keep
    return total


@impl.njit
def at_most(v, top):
    if v > top:
        raise ValueError("too big")
    return v


def comprehension_that_raises(x, top):
    return [at_most(v, top) * 2.0 for v in x if v > 0.1]


@numba_leaks("numba leaks the list a comprehension was building when it raises")
def test_stack_values_without_references():
    x = np.linspace(0.0, 1.0, 9)
    check(comprehensions_in_a_loop, x, 4)
    check(comprehensions_in_a_loop, x[:0], 3)
    for flag in (True, False):
        check(call_result_across_a_branch, 7, flag)
    check(comprehension_that_raises, x, 2.0)
    check(comprehension_that_raises, x, 0.6)   # ValueError with the list half built


@pytest.mark.skipif(ON_NUMBA, reason="ember's generated code")
def test_a_comprehension_list_takes_no_reference_per_trip():
    # before: each of the four stack copies of the list compared the list with the one it held,
    # a load, a compare and a branch per trip (1.4x the time of the same loop with append)
    f = impl.njit(lambda x: len([v * 2.0 for v in x if v > 0.1]))
    assert f(np.ones(5)) == 5
    assert "sameref" not in "\n".join(f.inspect_llvm().values())
