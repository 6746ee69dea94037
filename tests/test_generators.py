"""Generator functions (a def with yield), iterated in compiled code (codegen/lower_gen.c).

Each consumer runs compiled and in CPython (difftest.check swaps the module's compiled callees
back to Python), with the runtime's block count checked after each test (no_leaks): a loop left
by break, return or an exception destroys its generator and what the generator's frame owns."""
import numpy as np
import pytest

from difftest import ON_NUMBA, check, impl, jit, no_leaks  # noqa: F401
from ember.errors import EmberError, UnsupportedError

pytestmark = pytest.mark.skipif(ON_NUMBA, reason="ember's generators against CPython")


def _squares(n):
    for i in range(n):
        if i % 3 == 0:
            continue
        yield i * i


def _naturals(start):
    i = start
    while True:
        yield i
        i += 1


def _pair(k):
    yield k + 0.5
    yield k * 2.5


def _row_sums(a):   # owns an array per step: released when the generator ends or is destroyed
    for i in range(a.shape[0]):
        w = np.empty(a.shape[1])
        w[:] = a[i] * 2
        yield w.sum()


def _grid(n):
    for i in range(n):
        for j in range(i):
            yield i, j * 0.5


def _ratios(a):
    for i in range(a.shape[0]):
        yield float(a[i]) / (i - 3)


def _chain(n):
    for x in naturals(0):
        if x >= n:
            return
        for y in pair(x):
            yield y


def _writes(a):
    for i in range(a.shape[0]):
        a[i] += 1.0
        yield i


squares, naturals, pair, row_sums = jit(_squares), jit(_naturals), jit(_pair), jit(_row_sums)
grid, ratios, chain, writes = jit(_grid), jit(_ratios), jit(_chain), jit(_writes)


def total(n):
    s = 0
    for x in squares(n):
        s += x
    return s


def first_square_over(limit):
    for x in naturals(3):
        if x * x > limit:
            return x
    return -1


def two_rows(a):
    t = 0.0
    k = 0
    for v in row_sums(a):
        t += v
        k += 1
        if k == 2:
            break
    return t, k


def all_rows(a):
    t = 0.0
    for v in row_sums(a):
        t += v
    return t


def grid_sum(n):
    s = 0.0
    out = []
    for i, j in grid(n):
        s += i * j
        out.append(j)
    return s, out


def ratio_sum(a):
    s = 0.0
    for v in ratios(a):
        s += v
    return s


def caught(a):
    s = 0.0
    try:
        for v in ratios(a):
            s += v
    except ZeroDivisionError:
        s = -1.0
    return s


def chained(n):
    out = []
    for v in chain(n):
        out.append(v)
    return out


def zipped(n):
    s = 0
    for k, (x, y) in enumerate(zip(naturals(10), range(n))):
        s += k * x + y
    return s


def consumers(n):
    return list(pair(n)), sum(squares(n)), max(squares(n + 2))


def per_outer(n):
    s = 0.0
    for k in range(n):
        for v in pair(k):
            s += v
    return s


def in_variable(n):
    g = squares(n)
    s = 0
    for x in g:
        s += x
        if x > 10:
            break
    for x in g:   # continues where the first loop stopped
        s += 1000 * x
    for x in g:   # exhausted: nothing
        s += 1
    return s


def mutating(a):
    c = 0
    for i in writes(a):
        c += i
    return c


@pytest.mark.parametrize("n", [0, 1, 5, 40])
def test_sum_of_a_generator(n):
    check(total, n)
    check(per_outer, n)
    check(in_variable, n)


def test_infinite_generator_left_by_return():
    check(first_square_over, 50)
    check(first_square_over, 0)


@pytest.mark.parametrize("rows", [0, 1, 2, 5])
def test_generator_frames_release_what_they_own(rows):
    a = np.arange(rows * 3.0).reshape(rows, 3)
    check(two_rows, a)
    check(all_rows, a)


def test_tuples_yielded_and_unpacked():
    check(grid_sum, 6)


@pytest.mark.parametrize("n", [1, 3, 5])
def test_errors_raised_in_a_generator(n):
    a = np.arange(1.0, n + 1.0)
    check(ratio_sum, a)   # n > 3: ZeroDivisionError from inside the generator
    check(caught, a)


def test_generators_of_generators_and_builtins():
    check(chained, 4)
    check(zipped, 5)
    check(consumers, 4)


def test_generator_writes_to_its_argument():
    check(mutating, np.arange(4.0))


def test_traceback_names_the_generator():
    with pytest.raises(ZeroDivisionError) as info:
        jit(ratio_sum)(np.ones(5))
    text = "".join(str(e) for e in [info.value])
    assert "division" in text
    frames = [f.name for f in info.traceback]
    assert frames   # the compiled frames are in the traceback (test_exceptions checks their lines)


def test_called_from_python():
    assert list(squares(10)) == list(_squares(10))
    g = grid(4)
    assert next(g) == (1, 0.0)
    assert list(g) == list(_grid(4))[1:] and list(g) == []
    it = naturals(5)
    assert [next(it) for _ in range(3)] == [5, 6, 7]
    del it   # destroyed suspended: the leak check counts its frame
    with pytest.raises(ZeroDivisionError):
        list(ratios(np.ones(5)))
    assert list(row_sums(np.arange(6.0).reshape(2, 3) + 1)) == [12.0, 30.0]   # its argument is kept alive


def _scaled_then(x):
    b = x * 2.0
    yield 0.0
    yield (b + 1.0).sum()   # b as made before the first yield


def test_a_generator_outlives_its_dispatcher_and_its_callers_writes():
    """`njit(gen)(x)` drops the Dispatcher at once: the generator keeps it, as its resume and
    destroy functions are its code (the first next() jumped into freed memory); and what the
    caller writes into x between two next() calls is not seen by a value made before them."""
    x = np.arange(4.0)
    g = impl.njit(_scaled_then)(x)
    assert next(g) == 0.0
    x[:] = 100.0
    assert next(g) == (np.arange(4.0) * 2.0 + 1.0).sum()
    h = impl.njit(_scaled_then)(np.arange(3.0))
    assert next(h) == 0.0
    del h   # destroyed suspended, after its Dispatcher went


_XREC = np.dtype([("x", np.float64)])


def _yields_record(n):
    a = np.zeros(n, dtype=_XREC)
    yield a[0]


def _returns_value(n):
    yield n
    return 5


def _yield_from(n):
    yield from range(n)


@pytest.mark.parametrize("gen, match", [
    (_yields_record, "yielding Record"),
    (_returns_value, "returning a value"),
    (_yield_from, "yield from"),
])
def test_unsupported_generators_say_why(gen, match):
    g = jit(gen)

    def use(n):
        s = 0.0
        for v in g(n):
            s += 1
        return s

    with pytest.raises(EmberError, match=match):
        jit(use)(3)


def _safe(a):
    for i in range(a.shape[0]):
        try:
            yield 1.0 / float(a[i])
        except ZeroDivisionError:
            yield -1.0


def _bare(n):
    for i in range(n):
        yield


safe, bare = jit(_safe), jit(_bare)


def safe_list(a):
    out = []
    for v in safe(a):
        out.append(v)
    return out


def count_bare(n):
    c = 0
    for _ in bare(n):
        c += 1
    return c


def test_try_inside_a_generator_and_bare_yield():
    check(safe_list, np.array([1.0, 0.0, 4.0, 0.0]))
    check(count_bare, 4)


def _rec(n):
    if n > 0:
        for x in rec(n - 1):
            yield x
    yield n


rec = jit(_rec)


def test_recursive_generator_is_a_clear_error():
    def use(n):
        s = 0
        for x in rec(n):
            s += x
        return s
    with pytest.raises(UnsupportedError, match="recursive generator"):
        jit(use)(3)


def test_generators_in_prange_bodies_and_cached_callers(tmp_path, monkeypatch):
    from ember import njit, prange
    monkeypatch.setenv("EMBER_CACHE_DIR", str(tmp_path))

    def body(n):
        out = np.zeros(n)
        for i in prange(n):
            s = 0.0
            for v in pair(i):
                s += v
            out[i] = s
        return out

    want = np.array([sum(_pair(i)) for i in range(7)])
    np.testing.assert_array_equal(njit(parallel=True)(body)(7), want)
    np.testing.assert_array_equal(njit(cache=True)(body)(7), want)
    np.testing.assert_array_equal(njit(cache=True)(body)(7), want)   # from the cache


def _mod7(n):
    for i in range(n):
        yield (i * 7) % 5


mod7 = jit(_mod7)


def nexts(n):
    it = mod7(n)
    a = next(it)
    b = next(it, -1)
    c = next(it, -2)
    return a, b, c


def next_of_exhausted(n):
    it = mod7(n)
    for _ in it:
        pass
    return next(it)


@pytest.mark.parametrize("n", [1, 2, 3, 6])
def test_next(n):
    check(nexts, n)
    check(next_of_exhausted, n)   # StopIteration, as Python's


def first_of_a_range(n):
    return next(iter(range(n)))


def test_next_of_other_iterators():
    check(first_of_a_range, 3)
    check(first_of_a_range, 0)   # StopIteration
    with pytest.raises(EmberError, match="next"):
        jit(lambda x: next(x))(3)


def break_each_time(a):
    s = 0.0
    for k in range(3):
        for v in row_sums(a):   # the loop's state meets the generator the last break left
            s += v + k
            break
    return s


def raise_midway(a):
    s = 0.0
    for k in range(2):
        try:
            for v in ratios(a):
                s += v
        except ZeroDivisionError:
            s += 100.0
    return s


def test_loops_left_early_again_and_again():
    a = np.arange(12.0).reshape(4, 3)
    check(break_each_time, a)
    check(raise_midway, np.arange(1.0, 6.0))


def test_cache_holds_generator_functions(tmp_path, monkeypatch):
    from ember import njit
    monkeypatch.setenv("EMBER_CACHE_DIR", str(tmp_path))
    first = njit(cache=True)(_squares)
    assert list(first(9)) == list(_squares(9))
    again = njit(cache=True)(_squares)   # its Generator(yields int64) result read back from the entry
    assert list(again(9)) == list(_squares(9))
    assert again.stats["cache_hits"] == 1


def _rows(a):
    for i in range(a.shape[0]):
        yield a[i]   # a view: the consumer's variable keeps it


def _fresh(n):
    for i in range(n):
        yield np.arange(i + 1) * 2.0


def _words(n):
    for i in range(n):
        yield "w" + str(i)


def _lists(n):
    out = [0]
    for i in range(n):
        out.append(i)
        yield out[:]


rows, fresh, words, lists = jit(_rows), jit(_fresh), jit(_words), jit(_lists)


def row_norms(a):
    out = []
    for r in rows(a):
        out.append(np.sqrt((r * r).sum()))
    return out


def keep_last(n):
    last = np.zeros(1)
    for v in fresh(n):
        last = v   # held past the generator's next resume and its end
    return last


def first_two(n):
    g = fresh(n)
    a = next(g)
    b = next(g, np.zeros(2))
    return a, b


def joined(n):
    s = ""
    for w in words(n):
        s += w + ","
    return s


def list_lengths(n):
    t = 0
    for l in lists(n):
        t += len(l)
    return t


def early_out(n):
    for v in fresh(n):
        if v.shape[0] == 2:
            return v.sum()
    return -1.0


@pytest.mark.parametrize("n", [0, 1, 4])
def test_yielding_values_with_references(n):
    check(row_norms, np.arange(n * 3.0).reshape(n, 3))
    check(keep_last, n)
    check(joined, n)
    check(list_lengths, n)
    check(early_out, n)
    if n >= 1:
        check(first_two, n)


def test_arrays_yielded_to_python():
    got = list(fresh(3))
    assert [g.tolist() for g in got] == [[0.0], [0.0, 2.0], [0.0, 2.0, 4.0]]
    assert list(words(2)) == ["w0", "w1"]
    a = np.arange(6.0).reshape(2, 3)
    assert [r.tolist() for r in rows(a)] == a.tolist()


def _make(n):
    a = np.arange(n) * 1.5   # owned by make's frame; the generator keeps its own reference
    return doubled(a)


def _doubled(a):
    for i in range(a.shape[0]):
        yield a[i] * 2


doubled, make = jit(_doubled), jit(_make)


def from_a_factory(n):
    s = 0.0
    for v in make(n):
        s += v
    h = make(n + 1)
    first = next(h, -1.0)   # h is dropped suspended: destroyed at the exit
    return s, first


@pytest.mark.parametrize("n", [0, 1, 4])
def test_generators_returned_by_compiled_functions(n):
    check(from_a_factory, n)
    assert list(make(n)) == [i * 3.0 for i in range(n)]


def builtins_own_their_generator(n):   # each call's one use is the builtin: it destroys it at its end
    return (sum(row_sums(np.ones((n, 2)))), any(v.sum() > 2.0 for v in fresh(n)), all(v.shape[0] < 2 for v in fresh(n)),
            list(pair(n)), sorted(squares(n))[-1:], max(mod7(n + 1)), min(mod7(n + 1)))


@pytest.mark.parametrize("n", [1, 3, 6])
def test_builtins_consuming_generators_release_them(n):
    check(builtins_own_their_generator, n)
