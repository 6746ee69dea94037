"""Structured arrays and their records: fields by name, records by reference, field views.

Each kernel runs compiled and in CPython on copies of the same array; results and the arrays
afterwards must agree. CPython reads r.x only on np.recarray, so the attribute forms run there
on a recarray view of the same data.
"""
import numpy as np
import pytest

from ember import njit
from ember.errors import EmberError

PART = np.dtype([("x", np.float64), ("y", np.float64), ("m", np.float32), ("tag", np.int32)])
PACKED = np.dtype([("flag", np.int8), ("v", np.float64), ("k", np.int16), ("z", np.complex64)])   # offsets 1, 9, 11
ALIGNED = np.dtype([("flag", np.int8), ("v", np.float64), ("k", np.int16), ("z", np.complex128)], align=True)
SMALL = np.dtype([("b", np.bool_), ("u", np.uint8), ("i", np.int64)])


def fill(dtype, shape, seed=0):
    r = np.random.default_rng(seed)
    a = np.zeros(shape, dtype=dtype)
    for name in dtype.names:
        kind = dtype[name].kind
        if kind == "f":
            a[name] = r.standard_normal(shape) * 10
        elif kind == "c":
            a[name] = r.standard_normal(shape) + 1j * r.standard_normal(shape)
        elif kind == "b":
            a[name] = r.random(shape) < 0.5
        elif name == "tag":
            a[name] = r.integers(0, 4, shape)
        else:
            info = np.iinfo(dtype[name])
            a[name] = r.integers(max(info.min, -100), min(info.max, 100), shape)
    return a


def same(x, y):
    if isinstance(x, tuple):
        assert isinstance(y, tuple) and len(x) == len(y)
        for u, v in zip(x, y):
            same(u, v)
        return
    np.testing.assert_array_equal(np.asarray(x), np.asarray(y))


def check(fn, a, *rest, recarray=False):
    """fn compiled and in CPython on copies of a: the same results, the same array after."""
    mine, theirs = a.copy(), a.copy()
    if recarray:
        theirs = theirs.view(np.recarray)
    got = njit(fn)(mine, *rest)
    want = fn(theirs, *rest)
    same(got, want)
    np.testing.assert_array_equal(mine, np.asarray(theirs))
    return got


def com(parts):
    n = parts.shape[0]
    cx = np.zeros(4)
    mt = np.zeros(4)
    for i in range(n):
        p = parts[i]
        t = p["tag"]
        cx[t] += p["x"] * p["m"]
        mt[t] += p["m"]
    for i in range(n):
        if parts[i]["tag"] == 0:
            parts[i]["x"] = 0.0
    return cx / mt, parts["x"].sum()


@pytest.mark.filterwarnings("ignore:invalid value")
@pytest.mark.parametrize("n", [0, 1, 7, 100])
def test_fields_by_name(n):
    check(com, fill(PART, n, n))


def by_attribute(parts):
    s = 0.0
    for r in parts:
        s += r.x * r.m
        r.y = r.x + 1.5
    return s, len(parts), parts.size, parts.itemsize, parts.nbytes, parts.shape, parts.ndim


def test_fields_by_attribute():
    check(by_attribute, fill(PART, 50), recarray=True)


def record_by_reference(a, i):
    r = a[i]
    r["v"] = 2.5
    r["k"] = -7
    r["flag"] = 3
    return a[i]["v"] + r["k"], r["z"], r["flag"]


@pytest.mark.parametrize("dtype", [PACKED, ALIGNED], ids=["packed", "aligned"])
@pytest.mark.parametrize("i", [0, 3, -1])
def test_record_writes_reach_the_array(dtype, i):
    check(record_by_reference, fill(dtype, 9), i)


def test_packed_fields_are_unaligned():
    a = fill(PACKED, 5)
    f = njit(record_by_reference)
    f(a.copy(), 1)
    assert "unaligned" in str(f.signatures[0][0])
    f2 = njit(record_by_reference)
    f2(fill(ALIGNED, 5), 1)
    assert "unaligned" not in str(f2.signatures[0][0])


def conversions(a, x):
    for r in a:
        r["b"] = x
        r["u"] = x
        r["i"] = x
    return a["i"].sum(), a[0]["u"], a[0]["b"]


@pytest.mark.parametrize("x", [0, 1, 3.75, 255, 254.9, True])
def test_stores_convert_as_numpy(x):
    check(conversions, fill(SMALL, 4), x)


def views(a):
    v = a[1:6:2]
    w = a[::-1]["x"]
    return v["y"].copy(), w[0], a[2:4][1]["tag"], len(v), a[-2]["m"]


def test_slices_and_field_views():
    check(views, fill(PART, 10))


def grid(a):
    s = 0.0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            a[i, j]["x"] = i * 10 + j
    for row in a:
        for r in row:
            s += r["x"] * r["m"]
    return s, a[1]["x"].sum(), a["tag"][:, 1].copy(), a.T[0, 1]["x"]


def test_two_dimensions():
    check(grid, fill(PART, (3, 4)))


def take_record(r):
    return r["x"] + r["y"]


def give_record(a, i):
    return take_record(a[i]) + helper_sum(a)


def helper_sum(a):
    s = 0.0
    for r in a:
        s += r["m"]
    return s


def test_records_and_arrays_passed_to_compiled_functions():
    global take_record, helper_sum
    take_record, helper_sum = njit(take_record), njit(helper_sum)
    try:
        a = fill(PART, 6)
        assert njit(give_record)(a, 2) == pytest.approx(take_record.py_func(a[2]) + helper_sum.py_func(a))
    finally:
        take_record, helper_sum = take_record.py_func, helper_sum.py_func


def test_returned_array_is_the_callers():
    a = fill(PART, 6)
    back = njit(lambda p: p)(a)
    assert back is a
    part = njit(lambda p: p[1:4])(a)
    assert part.dtype == PART and np.shares_memory(part, a)
    np.testing.assert_array_equal(part, a[1:4])
    ra = a.view(np.recarray)
    assert type(njit(lambda p: p[::2])(ra)) is np.recarray


def test_readonly_records():
    a = fill(PART, 4)
    a.flags.writeable = False
    assert njit(lambda p: p[1]["x"] * 2)(a) == a[1]["x"] * 2

    @njit
    def write(p):
        p[0]["x"] = 1.0

    with pytest.raises(EmberError, match="read-only record"):
        write(a)


def test_boundscheck_and_wraparound():
    a = fill(PART, 4)
    f = njit(boundscheck=True)(lambda p, i: p[i]["x"])
    assert f(a, -4) == a[0]["x"]
    with pytest.raises(IndexError):
        f(a, 4)


def test_cache_with_records(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBER_CACHE_DIR", str(tmp_path))
    a = fill(PART, 8)
    f = njit(cache=True)(com)
    want = com(a.copy())
    same(f(a.copy()), want)
    g = njit(cache=True)(com)
    same(g(a.copy()), want)


@pytest.mark.parametrize("src, match", [
    ("def f(a):\n    return a[0]['nope']\n", "no field 'nope'"),
    ("def f(a):\n    return a[0].nope\n", "no field 'nope'"),
    ("def f(a):\n    return a[np.zeros((2, 2), np.int64)]\n", "indexing the structured"),
    ("def f(a):\n    return np.zeros(2, a.dtype)[0]\n", "cannot return a record of an array this function made"),
    ("def f(a):\n    return (a[0], 1)\n", "cannot return"),
    ("def f(a):\n    a['x'] = 1.0\n", r"a\['x'\]\[:\] = v"),
    ("def f(a):\n    k = 'x' if a.size else 'y'\n    return a[0][k]\n", "constant string"),
    ("def f(a):\n    a[0]['x'] = 1j\n", "imaginary part"),
    ("def f(a):\n    return a[0][9]\n", "out of range"),
    ("def f(a):\n    return a + 1\n", "cannot add array\\(Record"),
    ("def f(a):\n    return a.sum()\n", "attribute 'sum'"),
])
def test_clear_errors(src, match):
    ns = {"np": np}
    exec(compile(src, "<records>", "exec"), ns)
    with pytest.raises(EmberError, match=match):
        njit(ns["f"])(fill(PART, 3))


def test_attribute_assignment_elsewhere_is_a_clear_error():
    @njit
    def f(x):
        x.foo = 1
    with pytest.raises(EmberError, match="attribute assignment is not supported"):
        f(np.zeros(3))


def test_unsupported_fields_say_why():
    text = np.zeros(3, dtype=[("name", "S8"), ("w", np.float64)])
    swapped = np.zeros(3, dtype=[("v", ">f8")])
    f = njit(lambda a: a.shape[0])
    for arr in (text, swapped):
        with pytest.raises(EmberError, match="structured array"):
            f(arr)


def make(n):
    a = np.zeros(n, dtype=PART)
    b = np.empty((n, 2), dtype=PACKED)
    for i in range(n):
        a[i]["x"] = i * 1.5
        a[i].tag = 2 * i
        b[i, 1]["v"] = i / 2
        b[i, 1].k = -i
    return a, b[:, 1]["v"].copy(), b[:, 1]["k"].copy()


@pytest.mark.parametrize("n", [0, 1, 5])
def test_new_structured_arrays(n):
    a, v, k = njit(make)(n)
    assert a.dtype == PART and a.flags.c_contiguous and a.flags.writeable
    want = np.zeros(n, dtype=PART)
    want["x"] = np.arange(n) * 1.5
    want["tag"] = 2 * np.arange(n)
    np.testing.assert_array_equal(a, want)
    np.testing.assert_array_equal(v, np.arange(n) / 2)
    np.testing.assert_array_equal(k, -np.arange(n))


def test_new_structured_array_returned_whole():
    b = njit(lambda n: np.zeros((n, 3), dtype=PACKED))(2)
    assert b.dtype == PACKED and b.shape == (2, 3)
    np.testing.assert_array_equal(b, np.zeros((2, 3), dtype=PACKED))


def test_other_constructors_of_records_are_clear_errors():
    with pytest.raises(EmberError, match=r"np.ones\(\) of a structured dtype"):
        njit(lambda n: np.ones(n, dtype=PART))(3)
    with pytest.raises(EmberError, match="dtype"):
        njit(lambda n: np.arange(n).astype(PART))(3)


def test_unaligned_signature_hint():
    from ember import types
    rec = types.Record.from_dtype(PACKED)
    f = njit(types.float64(types.Array(rec, 1, "A")))(lambda a: a[1]["v"])
    with pytest.raises(TypeError, match="align=True"):
        f(fill(PACKED, 3))
    g = njit(types.float64(types.Array(rec, 1, "A", aligned=False)))(lambda a: a[1]["v"])
    a = fill(PACKED, 3)
    assert g(a) == a[1]["v"]


def reverse_records(a):
    n = a.shape[0]
    for i in range(n // 2):
        x, tag = a[i].x, a[i].tag
        a[i] = a[n - 1 - i]
        a[n - 1 - i].x = x
        a[n - 1 - i].tag = tag
    b = np.zeros(3, dtype=a.dtype)
    b[1] = a[0]
    b[2] = b[1]
    return b


@pytest.mark.parametrize("n", [1, 4, 7])
def test_whole_record_assignment(n):
    a = fill(PART, n)
    mine, theirs = a.copy(), a.copy().view(np.recarray)
    got = njit(reverse_records)(mine)
    want = reverse_records(theirs)
    np.testing.assert_array_equal(mine, np.asarray(theirs))
    np.testing.assert_array_equal(got, np.asarray(want))


def test_other_record_assignments_are_clear_errors():
    def f(p, q):
        p[0] = q[0]
    with pytest.raises(EmberError, match="the fields differ"):
        njit(f)(fill(PART, 2), fill(PACKED, 2))
    with pytest.raises(EmberError, match=r"assign a record \(a\[i\] = a\[j\]\)"):
        njit(_assign_number)(fill(PART, 2))


def _assign_number(p):
    p[0] = 1.0


def record_arg(r):
    r["y"] = r["x"] * 3
    return r.x + r.tag


def test_a_record_passed_alone_is_read_and_written_in_place():
    a = fill(PART, 5)
    f = njit(record_arg)
    got = f(a[2])
    assert got == a[2]["x"] + a[2]["tag"]
    assert a[2]["y"] == a[2]["x"] * 3   # np.void of an array views its bytes, as in NumPy
    r = np.void((1.0, 2.0, 3.0, 4), dtype=PART)
    assert f(r) == 5.0 and r["y"] == 3.0
    a.flags.writeable = False
    assert njit(lambda r: r.x * 2)(a[1]) == a[1]["x"] * 2
    with pytest.raises(EmberError, match="read-only record"):
        f(a[1])


def fields_as_arrays(a):
    a["y"][:] = 2.0
    a["x"][1:] += a["m"][:-1]
    w = a["m"] * a["x"] + a["tag"]
    return w, a["x"].sum(), np.sort(a["y"] - a["x"])


def test_field_views_in_array_code():
    check(fields_as_arrays, fill(PART, 30))


def packed_fields(a):
    a["v"][:] = a["k"] * 0.5
    return a["v"].sum(), (a["z"] * 2).real.copy(), np.sort(a["v"])


def test_packed_field_views_in_array_code():
    check(packed_fields, fill(PACKED, 30))


F32REC = np.dtype([("h", np.float32), ("w", np.float32), ("c", np.complex64), ("k", np.int16)])


def f32_fields(a):
    r = a[0]
    x = r["h"]
    y = r["w"]
    s = np.float32(0)
    for i in range(a.shape[0]):
        s += a[i]["h"]
    return r["h"] + r["w"], x * y, r["h"] / r["w"], s, a[0]["c"] * a[1]["c"], r["h"] * r["k"], np.array([x, y])


def f32_by_attribute(a):
    return a[0].h + a[0].w, a[1].c * a[2].c


def test_float32_fields_compute_in_float32():
    """A float32 field is an np.float32, as an element of a float32 array is (NumPy, Numba)."""
    a = np.zeros(3, F32REC)
    a["h"] = [1.1, 2.2, 0.3]
    a["w"] = 0.7
    a["c"] = [0.3 + 0.1j, 1.7 - 0.2j, 0.1j]
    a["k"] = 3
    got, want = njit(f32_fields)(a), f32_fields(a)
    for g, w in zip(got, want):
        assert g == pytest.approx(w, rel=0, abs=0) if np.ndim(w) == 0 else np.array_equal(g, w)
    assert got[-1].dtype == np.float32
    got2, want2 = njit(f32_by_attribute)(a.view(np.recarray)), f32_by_attribute(a.view(np.recarray))
    assert got2 == want2


def test_record_types_subscript_to_array_types():
    """Numba's from_dtype(rec)[:] in a jitclass spec: an array of those records."""
    import ember
    from ember.experimental import jitclass
    rt = ember.from_dtype(PART)
    assert str(rt[:]) == "array(%s, 1d, A)" % rt and str(rt[::1]) == "array(%s, 1d, C)" % rt

    @jitclass([("parts", rt[:]), ("n", ember.int64)])
    class Bag:
        def __init__(self, parts):
            self.parts = parts
            self.n = parts.shape[0]

        def total(self):
            s = 0.0
            for i in range(self.n):
                s += self.parts[i].x * self.parts[i].tag
            return s

    a = fill(PART, 6)
    assert Bag(a).total() == sum(a["x"] * a["tag"])


@pytest.mark.parametrize("dtype", [PART, PACKED], ids=["aligned", "packed"])
def test_copies_and_like_arrays(dtype):
    a = fill(dtype, (5, 3))
    f = njit(lambda a: (a.copy(), np.copy(a[::2, ::-1]), np.copy(a.T), np.zeros_like(a), np.empty_like(a[1:]).shape))
    got = f(a)
    np.testing.assert_array_equal(got[0], a)
    np.testing.assert_array_equal(got[1], a[::2, ::-1])
    np.testing.assert_array_equal(got[2], a.T)
    assert got[2].flags.c_contiguous and got[0].dtype == a.dtype and got[2].dtype == a.dtype
    np.testing.assert_array_equal(got[3], np.zeros_like(a))
    assert got[4] == (4, 3)
    before = a.copy()
    b = njit(lambda a: a.copy())(a)
    b[dtype.names[1]] = -7   # a copy, not a view
    np.testing.assert_array_equal(a, before)


def picked(a, idx, mask):
    by_order = a[np.argsort(a["x"])]
    return a[idx], a[mask], by_order["x"], a[a["x"] > 0]["tag"]


@pytest.mark.parametrize("dtype", [PART, PACKED], ids=["aligned", "packed"])
def test_index_arrays_and_masks_pick_records(dtype):
    a = fill(dtype, 9)
    idx = np.array([2, -1, 0, 2, 8])
    mask = np.arange(9) % 3 == 1
    if dtype is PACKED:
        f = njit(lambda a, idx, mask: (a[idx], a[mask], a[idx[::-1]].shape))
        got = f(a, idx, mask)
        np.testing.assert_array_equal(got[0], a[idx])
        np.testing.assert_array_equal(got[1], a[mask])
        assert got[2] == (5,)
    else:
        check(picked, a, idx, mask)
    before = a.copy()
    b = njit(lambda a, i: a[i])(a, np.array([1, 1]))
    b[dtype.names[1]] = 0   # a copy, not a view
    np.testing.assert_array_equal(a, before)


def test_index_arrays_on_2d_structured_arrays_and_errors():
    a = fill(PART, (4, 3))
    got = njit(lambda a, i: a[i])(a, np.array([3, 0]))
    np.testing.assert_array_equal(got, a[[3, 0]])
    with pytest.raises(IndexError):
        njit(lambda a, i: a[i])(fill(PART, 3), np.array([3]))
    with pytest.raises(IndexError):
        njit(lambda a, m: a[m])(fill(PART, 3), np.array([True, False]))


def best_record(a):
    b = a[0]
    for r in a:
        if r["x"] > b["x"]:
            b = r
    return b


@pytest.mark.parametrize("dtype", [PART, PACKED], ids=["aligned", "packed"])
def test_returning_a_record_gives_a_copy(dtype):
    """As Numba: a numpy.record holding a copy of the record's bytes."""
    a = fill(dtype, 7)
    key = dtype.names[1]
    f = njit(lambda a, i: a[i])
    r = f(a, 3)
    assert type(r) is np.record and r.dtype.names == dtype.names and r == a.view(np.recarray)[3]
    before = a.copy()
    r[key] = 1
    np.testing.assert_array_equal(a, before)
    g = njit(lambda a, i: f(a, i)[key] + f(a[::-1], 0)[key])   # and between compiled functions
    assert g(a, 2) == a[2][key] + a[-1][key]
    if dtype is PART:
        assert njit(best_record)(a) == a.view(np.recarray)[np.argmax(a["x"])]
        assert njit(lambda r: r)(a[1]) == a.view(np.recarray)[1]   # a record argument comes back
