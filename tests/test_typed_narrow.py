"""Typed Lists and Dicts of sized scalars (ListType[uint8], DictType[int32,float32]): as in Numba, an
item, key or value stored wraps or rounds to the sized type (a uint8 list given 300 holds 44, a
float32 one given 0.1 holds 0.10000000149011612), and a key looked up converts the same way; from
compiled code and from Python alike. Runs on both backends (EMBER_TEST_BACKEND=numba)."""

import warnings

import numpy as np
import pytest

from difftest import impl
from difftest import no_leaks  # noqa: F401  (autouse: every test frees what it allocates)

types = impl.types
List, Dict = impl.typed.List, impl.typed.Dict
F32_01 = float(np.float32(0.1))


@pytest.fixture(autouse=True)
def _quiet():   # numba warns of each unsafe cast; ember does not
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def list_stores():
    f = List.empty_list(types.float32)
    f.append(0.1)
    u = List.empty_list(types.uint8)
    u.append(300)
    u.append(-1)
    u.insert(0, 256 + 7)
    u[1] = 1000
    s = List.empty_list(types.int16)
    s.append(70000)
    s.extend([40000, 1])
    return f[0], u[0], u[1], u[2], s[0], s[1], s[2], len(s)


def test_list_items_wrap_and_round_in_compiled_code():
    got = impl.njit(list_stores)()
    assert got == (F32_01, 7, 232, 255, 4464, -25536, 1, 3)


def dict_stores():
    d = Dict.empty(types.uint8, types.float32)
    d[300] = 0.1
    d[44] = d[44] + 1.0
    n = Dict.empty(types.int64, types.int32)
    n[1] = 2 ** 31
    n[1] += 1
    return d[44], 300 in d, d.get(556, -1.0), len(d), n[1]


def test_dict_keys_and_values_wrap_in_compiled_code():
    got = impl.njit(dict_stores)()
    assert got == (float(np.float32(F32_01 + 1.0)), True, float(np.float32(F32_01 + 1.0)), 1, -2147483647)


def sum_items(lst):
    s = 0
    for x in lst:
        s += x
    return s


def test_python_side_stores_wrap():
    u = List.empty_list(types.uint8)
    u.append(300)
    u.extend([256, 2])
    assert list(u) == [44, 0, 2]
    u[0] = -1
    assert u[0] == 255 and impl.njit(sum_items)(u) == 257
    f = List.empty_list(types.float32)
    f.append(0.1)
    assert f[0] == F32_01
    d = Dict.empty(types.int8, types.float32)
    d[200] = 0.1
    assert list(d.keys()) == [-56] and d[-56] == F32_01 and d[200] == F32_01


def fill(lst, n):
    for i in range(n):
        lst.append(i * 100)
    return lst


def test_list_from_python_filled_in_compiled_code():
    u = List.empty_list(types.uint8)
    out = impl.njit(fill)(u, 5)
    assert list(out) == [0, 100, 200, 44, 144]


def as_array(lst):
    return np.asarray(lst)


def test_asarray_of_a_sized_list_has_its_dtype():
    f = List.empty_list(types.float32)
    f.append(0.5)
    f.append(0.1)
    got = impl.njit(as_array)(f)
    assert got.dtype == np.float32 and got.tolist() == [0.5, F32_01]


def f32_list_sums(lst):
    s = np.float32(0)
    for x in lst:
        s += x
    return s, lst[0] + lst[1], lst[-1] * lst[0]


_f32_list_sums = impl.njit(f32_list_sums)


def f32_list_built(a):
    lst = List.empty_list(types.float32)
    for x in a:
        lst.append(x)
    return _f32_list_sums(lst)


def f32_dict_values(d):
    s = np.float32(0)
    for v in d.values():
        s += v
    return s, d[1] + d[2]


F32_ITEMS = np.array([0.1, 0.2, 0.7], np.float32)


def test_float32_items_compute_in_float32():
    # a float32 item is a float32 in arithmetic, as an element of a float32 array is:
    # 0.1f + 0.2f + 0.7f is 1.0 in float32 (0.9999999925494194 in float64)
    want = (1.0, float(F32_ITEMS[0] + F32_ITEMS[1]), float(F32_ITEMS[2] * F32_ITEMS[0]))
    assert impl.njit(f32_list_built)(F32_ITEMS) == want
    assert impl.njit(f32_list_sums)(List(F32_ITEMS)) == want
    d = Dict.empty(types.int64, types.float32)
    for i, x in enumerate(F32_ITEMS):
        d[i] = x
    assert impl.njit(f32_dict_values)(d) == (1.0, float(F32_ITEMS[1] + F32_ITEMS[2]))


def test_python_containers_of_numpy_scalars_take_their_width():
    # typed.List(float32 array) is a ListType[float32]; a Dict's first key and value type it
    lst = List(F32_ITEMS)
    lst.append(1.1)
    assert lst[3] == float(np.float32(1.1))
    u = List(np.array([1, 2], np.uint8))
    u.append(300)
    assert list(u) == [1, 2, 44]
    d = Dict()
    d[np.int32(3)] = np.float32(0.1)
    d[2 ** 33 + 3] = 1.1
    assert list(d.items()) == [(3, float(np.float32(1.1)))]
    assert List([1.5, np.float32(2)])[0] == 1.5   # the first item's type: float64


def f32_list_made(a):
    lst = impl.typed.List()
    for x in a:
        lst.append(x * np.float32(2))
    return lst


f32_list_made_jit = impl.njit(f32_list_made)


def f32_list_used(a):
    lst = f32_list_made_jit(a)
    return lst[0] + lst[1] + lst[2]


def test_float32_list_made_in_compiled_code_is_a_float32_list():
    # a List filled with float32 values is a ListType[float32] in Python (its appends round) and
    # in a compiled caller (its items add in float32)
    lst = f32_list_made_jit(F32_ITEMS)
    assert str(lst._list_type) == "ListType[float32]" and lst._list_type.item_type == types.float32
    lst.append(0.1)
    assert lst[3] == F32_01
    assert str(List(F32_ITEMS)._list_type) == "ListType[float32]"
    x, y, z = (np.float32(v) * np.float32(2) for v in F32_ITEMS)
    assert impl.njit(f32_list_used)(F32_ITEMS) == float(x + y + z)


def f32_dict_made(a):
    d = impl.typed.Dict()
    for i in range(a.size):
        d[i] = a[i] * np.float32(3)
    return d


def f32_dict_reads(a):
    d = impl.typed.Dict()
    e = {}
    for i in range(a.size):
        d[i] = a[i]
        e[i] = a[i]
    s = np.float32(0)
    for v in d.values():
        s += v
    for _, v in e.items():
        s += v
    t = np.float32(0)
    for kv in d.items():
        t += kv[1] * kv[1]
    return s + d[0] + e.get(1, np.float32(0)) + d.pop(2), t, d.get(0) + d.get(1)


def test_float32_dict_made_in_compiled_code_is_a_float32_dict():
    # as a list: values stored float32 only make a DictType[.., float32], read as float32
    d = impl.njit(f32_dict_made)(F32_ITEMS)
    assert str(d._dict_type).startswith("DictType[int64,float32]")
    d[5] = 0.1
    assert d[5] == F32_01
    x, y, z = (np.float32(v) for v in F32_ITEMS)
    s = (x + y + z) + (x + y + z)
    want = (float(s + x + y + z), float(x * x + y * y + z * z), float(x + y))
    assert impl.njit(f32_dict_reads)(F32_ITEMS) == want
