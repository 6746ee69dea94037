"""Returning None on some paths and a value on others (Numba's Optional): the result is
OptionalType(T), None or the value in Python, for numbers, tuples of numbers, strings, lists, dicts,
sets and arrays, also from the on-disk cache; compiled callers test it with `is None` and use its
value (TypeError where it is None, as Numba's implicit cast)."""

import numpy as np
import pytest

from difftest import ON_NUMBA, check, errors, impl, jit, numba_xfail
from difftest import no_leaks  # noqa: F401  (autouse: every test frees what it allocates)

njit = impl.njit


def find(a, x):
    for i in range(a.size):
        if a[i] == x:
            return i
    return None


def pair_or_none(x):
    if x > 0:
        return (x, 2.0)
    return None


def three_ways(x):
    if x > 0:
        return 1
    elif x < -5:
        return None
    return 2.5


FIND = njit(find)


@pytest.mark.parametrize("x", [3.0, 7.0, 0.0])
def test_find(x):
    a = np.arange(5.0)
    assert FIND(a, x) == find(a, x)
    assert FIND(np.zeros(0), x) is None


@pytest.mark.parametrize("x", [1.5, -1.0])
def test_tuples_and_unified_numbers(x):
    assert njit(pair_or_none)(x) == pair_or_none(x)
    f = njit(three_ways)
    for v in (1, -9, 0):
        got = f(v)
        assert got == three_ways(v) and type(got) is (type(None) if got is None else float)


@pytest.mark.skipif(ON_NUMBA, reason="ember's messages")
def test_compiled_callers_pass_it_on_test_it_and_use_it():
    def use(a):
        r = FIND(a, 1.0)
        return r

    assert njit(use)(np.arange(3.0)) == 1 and njit(use)(np.zeros(2)) is None

    def test_it(a):
        return FIND(a, 1.0) is None, FIND(a, 1.0) is not None

    assert njit(test_it)(np.arange(3.0)) == (False, True) and njit(test_it)(np.zeros(2)) == (True, False)

    def narrowed(a):
        r = FIND(a, 1.0)
        if r is None:
            return -1
        return r * 10 + 1

    assert njit(narrowed)(np.arange(3.0)) == 11 and njit(narrowed)(np.zeros(2)) == -1

    def unchecked(a):
        return FIND(a, 1.0) + 1

    assert njit(unchecked)(np.arange(3.0)) == 2
    with pytest.raises(TypeError, match="expected int64, got None"):
        njit(unchecked)(np.zeros(2))

    def array_or_none(flag):
        if flag:
            return np.zeros(2)
        return None

    assert np.array_equal(njit(array_or_none)(True), np.zeros(2)) and njit(array_or_none)(False) is None


def non_negative(n):
    if n < 0:
        return None
    return n


@pytest.mark.skipif(ON_NUMBA, reason="ember's signature texts")
def test_optional_return_type_in_a_signature():
    t = impl.types
    f = njit(t.optional(t.float64)(t.int64))(non_negative)
    assert f(3) == 3.0 and type(f(3)) is float and f(-1) is None
    g = njit(t.optional(t.int64)(t.int64))(lambda n: n * 2)
    assert g(4) == 8


# ---- optional arguments -------------------------------------------------------------------------
def scaled(a, out=None):
    if out is None:
        out = np.empty_like(a)
    for i in range(a.size):
        out[i] = 2.0 * a[i]
    return out


def offset(x, k=None):
    if k is not None:
        return x + k
    return x


def test_default_none_compiles_per_call_form():
    from difftest import check
    a = np.arange(5.0)
    check(scaled, a)
    check(scaled, a, None)
    check(scaled, a, np.zeros(5))
    check(offset, 2.0)
    check(offset, 2.0, 3)
    check(offset, 2.0, None)
    f = njit(scaled)
    buf = np.zeros(5)
    assert f(a, buf) is buf and f(a).base is not buf


def test_default_none_from_compiled_callers():
    f = njit(offset)

    @njit
    def use(x):
        return f(x) + f(x, 1.5) + f(x, None)

    assert use(2.0) == 2.0 + 3.5 + 2.0


def test_none_test_after_reassignment_stays_a_run_time_test():
    def g(x, k=None):
        if x > 0:
            k = 1.0
        if k is None:   # k may be 1.0 here: decided at run time, not by k's parameter type
            return -1.0
        return k

    from difftest import check
    check(g, 2.0)
    check(g, -2.0)


@pytest.mark.skipif(ON_NUMBA, reason="ember's messages")
def test_explicit_optional_signature():
    from ember import types as t

    @njit("float64(optional(float64), int64)")
    def f(x, k):
        if x is None:
            return -1.0
        return x * k

    assert (f(None, 2), f(2.5, 2), f(3, 2)) == (-1.0, 5.0, 6.0)
    assert f.signatures == [(t.optional(t.float64), t.int64)]

    @njit(t.float64(t.optional(t.int64)))
    def g(x):
        return 0.0 if x is None else x + 0.5

    assert (g(None), g(4)) == (0.0, 4.5)

    @njit
    def use(x):
        return f(x, 3) + f(None, 1) + g(None)

    assert use(2.0) == 5.0
    with pytest.raises(TypeError, match="No matching definition"):
        f("a", 1)

    @njit("float64(optional(float64))")
    def plain(x):
        return x * 2.0   # reads the value: TypeError where it is None, as Numba's cast

    assert plain(1.5) == 3.0
    with pytest.raises(TypeError, match="expected float64, got None"):
        plain(None)


# ---- d.get(k) without a default, and None-or-a-value variables ------------------------------------

def get_then_default(keys):
    d = {}
    s = 0.0
    for k in keys:
        v = d.get(k)
        if v is None:
            v = 1.5 * k
            d[k] = v
        s += v
    return s, len(d)


INT_LIST = impl.types.ListType(impl.types.int64)


def index_words(words):
    idx = impl.typed.Dict.empty(impl.types.unicode_type, INT_LIST)
    for i, w in enumerate(words):
        lst = idx.get(w)
        if lst is None:
            lst = impl.typed.List.empty_list(impl.types.int64)
            idx[w] = lst
        lst.append(i)
    out = impl.typed.List()
    for w in idx:
        out.append(len(idx[w]) * 100 + idx[w][0])
    return out


def alias_of(names, key):
    d = {"a": "alpha", "b": "beta"}
    for n in names:
        d[n] = n + "!"
    got = d.get(key)
    if got is None:
        return "missing"
    return got + "?"


def maybe_list(n):
    if n < 0:
        return None
    return [i * 2 for i in range(n)]


def sums_maybe_lists(n):
    t = 0
    for k in range(-2, n):
        got = maybe_list_jit(k)
        if got is not None:
            t += len(got) + sum(got)
    return t


maybe_list_jit = njit(maybe_list)


@pytest.mark.parametrize("keys", [[1, 2, 1, 3], [], [5, 5, 5]])
def test_a_get_tested_for_none_keeps_the_value(keys):
    assert njit(get_then_default)(np.array(keys, np.int64)) == get_then_default(keys)


def test_get_of_a_dict_of_typed_lists():
    words = impl.typed.List(["to", "be", "or", "not", "to", "be"])
    assert list(njit(index_words)(words)) == [200, 201, 102, 103]


@pytest.mark.parametrize("key", ["a", "zz", "q"])
def test_get_of_a_dict_of_strings(key):
    names = impl.typed.List(["q", "r"])
    assert njit(alias_of)(names, key) == alias_of(list(names), key)


def test_a_list_or_none_returned_and_tested():
    assert maybe_list_jit(3) == [0, 2, 4] and maybe_list_jit(-1) is None
    assert njit(sums_maybe_lists)(4) == sum(len(x) + sum(x) for x in map(maybe_list, range(-2, 4)) if x is not None)


def maybe_range(n):
    if n < 0:
        return None
    return np.arange(float(n))


MAYBE_RANGE = njit(maybe_range)


def sums_of_maybe_arrays(n):
    t = 0.0
    for k in range(-2, n):
        a = MAYBE_RANGE(k)
        if a is not None:
            t += a.sum() + len(a)
    return t


def cached_rows(keys):
    d = {}
    s = 0.0
    for k in keys:
        v = d.get(k)
        if v is None:
            v = np.full(3, k * 1.5)
            d[k] = v
        s += v.sum()
    return s, len(d)


def first_of_maybe(n):
    return MAYBE_RANGE(n)[0]


def test_an_array_or_none():
    assert np.array_equal(MAYBE_RANGE(3), np.arange(3.0)) and MAYBE_RANGE(-1) is None
    assert njit(sums_of_maybe_arrays)(5) == 20.0
    assert njit(cached_rows)(np.array([1, 2, 1, 3, 2])) == cached_rows([1, 2, 1, 3, 2])
    assert njit(first_of_maybe)(2) == 0.0
    with pytest.raises(TypeError):
        njit(first_of_maybe)(-1)


def doubled_or_minus_one(x):
    return -1 if x is None else x * 2


def positive_or_none(x):
    return x if x > 0 else None


_maybe = njit(positive_or_none)


@njit
def _count_down(x):
    if x is None:
        return 0
    return 1 + _count_down(_maybe(x - 1))


@pytest.mark.parametrize("v", [9.0, 3.0])
def test_passed_to_a_compiled_function_or_put_in_a_tuple(v):
    """An OptionalType value given to another compiled function (which compiles for it, tests it
    and uses it) or put in a tuple keeps None (was TypeError: expected int64, got None)."""
    g = njit(doubled_or_minus_one)
    maybe = njit(positive_or_none)

    def use(a, v):
        return g(FIND(a, v))

    def pair(n):
        return (maybe(n), 1)

    def unpack(n):
        a, b = (maybe(n), 1)
        return 0 if a is None else a + b

    def listed(n):
        return [maybe(n), 1]   # a list holds the value (TypeError for None, as before)

    a = np.arange(5.0)
    want = doubled_or_minus_one(find(a, v))
    assert njit(lambda n: _count_down(_maybe(n)))(5) == 5 and _count_down(None) == 0   # recursion on it
    fixed = njit("float64(float64)")(lambda x: x * 2)   # signatures given: it takes the value (TypeError for None)
    use_fixed = njit(lambda n: fixed(_maybe(n)))
    assert use_fixed(3.0) == 6.0
    with pytest.raises(TypeError):
        use_fixed(-1.0)
    assert njit(use)(a, v) == want
    for n in (-3, 4):
        assert njit(pair)(n) == (positive_or_none(n), 1)
        assert njit(unpack)(n) == (0 if n <= 0 else n + 1)
    assert njit(listed)(4) == [4, 1]


def flag_and_array(x):
    if x.size == 0:
        return True, None
    return False, x


def flag_and_array_var(x):
    r = (True, None)
    if x.size:
        r = (False, x * 2)
    return r


flag_and_array_jit = impl.njit(flag_and_array)


def unpacks_optional_item(x):
    ok, y = flag_and_array_jit(x)
    if y is None:
        return -1.0
    return y.sum()


def test_none_and_a_value_in_tuple_items():
    # a tuple item None on one path and an array on another: Tuple(bool, OptionalType(array)), as
    # in Numba (SpikeInterface's merge_test)
    from difftest import check
    for x in (np.zeros(0), np.arange(3.0)):
        check(flag_and_array, x)
        check(flag_and_array_var, x)
        assert impl.njit(unpacks_optional_item)(x) == unpacks_optional_item(x)


def compare_maybe_none(x):
    a = None
    if x:
        a = 0
    return a == None, a != None, None == a, a == 0, a != 0, a == 1.5  # noqa: E711


def compare_maybe_none_strings(p, q):
    s = "concrete" if p else None
    t = "concrete" if q else None
    return s == t, s != t, s == "concrete"


@numba_xfail("numba raises TypeError (expected unicode_type, got None) comparing strings that may be None")
def test_equality_with_values_that_may_be_none():
    # None equals None only; two values compare where both are there (it raised TypeError: expected
    # int64, got None)
    from difftest import check
    check(compare_maybe_none_strings, True, True)
    check(compare_maybe_none_strings, True, False)
    check(compare_maybe_none_strings, False, False)
    f = impl.njit(compare_maybe_none)
    assert f(False) == compare_maybe_none(False) and f(True) == compare_maybe_none(True)


@impl.njit
def _fill_if_given(i, buf, *aggs):
    if buf is not None:
        buf[i % buf.size] = i
    aggs[0][i] += 1.0
    return 0


def spread_maybe_none(n, anti, a):
    buf = np.zeros(8) if anti is not None else None
    for i in range(n):
        _fill_if_given(i, buf, a)
    return a.sum() + (0.0 if buf is None else buf.sum())


def test_passed_among_star_arguments():
    # f(i, buf, *aggs) with buf None on one path (datashader's extend_cpu): the callee compiles for
    # OptionalType(array); the call's argument pieces no longer read the value (was TypeError:
    # expected array(float64, 1d, C), got None)
    from difftest import check
    for anti in (None, 1):
        check(spread_maybe_none, 5, anti, np.zeros(5))


def seed_or_default(seed):
    if seed is not None:
        return seed
    return -1


def maybe_positive(x):
    y = None
    if x > 0:
        y = x
    return y


def returns_none_itself(x):
    if x > 0:
        return None
    return 2


def test_a_signature_takes_an_optional_result_as_its_value():
    # "int64(optional(int64))" of a function returning an OptionalType(int64) (sktime's Rocket
    # seeds): its value, TypeError where None, as Numba (was: does not convert to the signature's)
    g = impl.njit("int64(optional(int64))")(seed_or_default)
    assert g(5) == 5 and g(None) == -1
    k = impl.njit("int64(int64)")(maybe_positive)
    assert k(3) == 3
    with pytest.raises(TypeError):
        k(-1)
    with pytest.raises(errors.TypingError):   # a `return None` itself is refused, as Numba
        impl.njit("float64(int64)")(returns_none_itself)


# A variable set to None, then given a value in a loop, read after `is not None` in code typed
# before the loop's body (xarray-spatial's zonal _area_connectivity).
def first_positive_into(out, vals):
    assigned = None
    for j in range(vals.shape[0]):
        if vals[j] > 0:
            assigned = vals[j]
            break
    if assigned is not None:
        out[0] = assigned
    return out


def last_positive_doubled(vals):
    assigned = None
    for j in range(vals.shape[0]):
        if vals[j] > 0:
            assigned = vals[j]
    if assigned is not None:
        t = assigned
        return t * 2.0
    return -1.0


def unguarded_after_loop(vals):
    x = None
    for j in range(vals.shape[0]):
        if vals[j] > 0:
            x = vals[j]
    return x * 2.0   # TypeError where no value is positive


@pytest.mark.parametrize("vals", [[0.0, 2.5, 3.0], [-1.0, -2.0], [], [4.0]])
def test_none_then_a_value_in_a_loop(vals):
    v = np.array(vals)
    check(first_positive_into, np.zeros(2), v)
    check(last_positive_doubled, v)
    check(unguarded_after_loop, v)


def grows_from_itself(n):
    x = None
    for _ in range(n):
        x = x + 1
    return x


@pytest.mark.skipif(ON_NUMBA, reason="ember's message")
def test_none_that_only_its_own_use_could_change_says_why():
    with pytest.raises(errors.TypingError, match="cannot add none and int64"):
        jit(grows_from_itself)(3)


def rolled_from_last(x, n_outer):
    out = 0.0
    for _ in range(n_outer):
        prev = None   # an array from the first inner trip on (aeon's ClaSP)
        for order in range(3):
            if order == 0:
                cur = x.copy()
            else:
                cur = np.roll(prev, 1) + x
            out += cur[0]
            prev = cur
    return out


def test_none_then_an_array_given_to_a_builtin():
    check(rolled_from_last, np.arange(5.0), 2)
    check(rolled_from_last, np.arange(5.0), 0)
