"""Structured arrays whose fields are sub-arrays ('pos', f8, 3), strings ('U8') or records of their own.

A sub-array field of a record is a C-ordered view of the record's bytes; along the array,
a['pos'] has the array's dimensions then the field's. A nested record field is the record at its
offset, read and written in place. Each kernel runs compiled and in CPython on copies of the same
array: the results and the arrays afterwards must agree.
"""
import numpy as np
import pytest

import ember
from ember import njit, prange
from ember.errors import EmberError
from test_records import check   # compiled and in CPython on copies: the same results and arrays after

BODY = np.dtype([("id", np.int32), ("pos", np.float64, 3), ("m", np.float64, (2, 2)), ("q", np.float32, (2,))])
BODY_ALIGNED = np.dtype(BODY.descr, align=True)
SMALL = np.dtype([("k", np.int16, (3, 2)), ("c", np.complex128, 2), ("b", np.bool_)])
INNER = np.dtype([("x", np.int32), ("y", np.float32)])
OUTER = np.dtype([("a", np.float64), ("inner", INNER), ("v", np.float64, 2)])
DEEP = np.dtype([("w", np.int8), ("o", OUTER)])


def fill(dtype, shape, seed=0):
    r = np.random.default_rng(seed)
    a = np.zeros(shape, dtype=dtype)
    flat = a.reshape(-1)
    raw = r.integers(-50, 50, flat.nbytes, dtype=np.int64)
    # every field's elements from small integers, so that any dtype holds them exactly
    def put(view, dt):
        if dt.names:
            for name in dt.names:
                put(view[name], dt[name])
            return
        base = dt.subdtype[0] if dt.subdtype else dt
        vals = raw[: view.size].reshape(view.shape)
        view[...] = (vals % 2 == 0) if base.kind == "b" else vals
    put(flat, dtype)
    return a


def read_sub(a):
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i]["pos"][0] * 2 + a[i]["pos"].sum() + a[i]["m"][1, 0] - a[i]["q"][1]
    return s


def write_sub(a):
    for i in range(a.shape[0]):
        p = a[i]["pos"]
        p[1] = i * 0.5
        a[i]["m"][0, 1] = a[i]["pos"][2] + 1
        a[i]["q"][:] = a[i]["pos"][:2]
    return a[0]["pos"].shape, a[0]["m"].shape, a[0]["m"].strides


@pytest.mark.parametrize("dtype", [BODY, BODY_ALIGNED], ids=["packed", "aligned"])
@pytest.mark.parametrize("n", [0, 1, 6])
def test_sub_array_fields_read_and_write(dtype, n):
    check(read_sub, fill(dtype, n, n))
    check(write_sub, fill(dtype, max(n, 1), n))


def by_attribute(a):
    s = 0.0
    for r in a:
        r.pos[0] = r.id
        s += r.pos[0] + r.m[1, 1]
    return s


def test_sub_array_fields_by_attribute():
    check(by_attribute, fill(BODY, 5), recarray=True)


def assign_whole(a, v, x):
    for i in range(a.shape[0]):
        if i % 2:
            a[i]["pos"] = v
        else:
            a[i]["pos"] = x
        a[i]["m"] = v[:2]   # broadcast along the first dimension
    return a[0]["pos"][1]


def test_assigning_a_whole_sub_array_broadcasts():
    check(assign_whole, fill(BODY, 4), np.array([1.5, -2.0, 3.25]), 7)


def along(a):
    pos = a["pos"]
    pos[:, 2] = pos[:, 0] + 1.0
    return pos.shape, a["m"].shape, a["m"].sum(), a["k"][..., 1].sum()


@pytest.mark.parametrize("shape", [(5,), (3, 4)])
def test_a_sub_array_field_along_the_array(shape):
    dt = np.dtype(BODY.descr + [("k", np.int16, (2,))])
    a = fill(dt, shape)
    got = check(along, a)
    assert got[0] == shape + (3,)
    # the view's strides are the array's then the field's
    v = njit(lambda a: a["m"])(a)
    assert v.shape == a["m"].shape
    np.testing.assert_array_equal(v, a["m"])


def other_dtypes(a, i):
    r = a[i]
    r["k"][2, 1] = -3
    r["c"][1] = r["c"][0] * 1j
    r["b"] = not r["b"]
    return r["k"].sum(), r["c"][1], r["k"].dtype.itemsize


def test_sub_arrays_of_other_dtypes():
    check(other_dtypes, fill(SMALL, 4), 2)


def returned(a):
    return a[1]["pos"], a[0]["m"]


def test_a_returned_sub_array_is_a_copy():
    a = fill(BODY, 3)
    pos, m = njit(returned)(a)
    np.testing.assert_array_equal(pos, a[1]["pos"])
    np.testing.assert_array_equal(m, a[0]["m"])
    pos[0] = 1e9
    assert a[1]["pos"][0] != 1e9


def on_record(r):
    r["pos"][0] += 1.0
    return r["pos"].sum()


def test_a_record_argument():
    a = fill(BODY, 3)
    want = a.copy()
    got = njit(on_record)(a[1])
    assert got == on_record(want[1])
    np.testing.assert_array_equal(a, want)


def new_like(a):
    b = np.empty(a.shape[0], dtype=a.dtype)
    for i in range(a.shape[0]):
        b[i]["pos"][:] = a[i]["pos"] * 2
        b[i]["id"] = i
        b[i]["m"][:] = 0
        b[i]["q"][:] = 1
    return b


def test_new_arrays_keep_the_sub_array_fields():
    a = fill(BODY, 4)
    b = njit(new_like)(a)
    assert b.dtype == a.dtype
    np.testing.assert_array_equal(b, new_like(a))


@njit(parallel=True)
def centroid_parallel(a):
    out = np.zeros(a.shape[0])
    for i in prange(a.shape[0]):
        p = a[i]["pos"]
        out[i] = (p[0] + p[1] + p[2]) / 3
    return out


def test_prange_over_sub_array_fields():
    a = fill(BODY, 1000)
    np.testing.assert_array_equal(centroid_parallel(a), a["pos"].sum(1) / 3)


def nested(a, b):
    for i in range(a.shape[0]):
        a[i]["inner"]["x"] = i + a[i]["inner"]["x"]
        a[i]["a"] = a[i]["inner"]["y"] * 2
    a[0]["inner"] = b[1]["inner"]
    col = a["inner"]["y"]
    col[-1] = 0.5
    return a[1]["inner"]["x"], col.sum(), a["inner"].shape


def test_nested_records():
    a, b = fill(OUTER, 5), fill(OUTER, 3, 1)
    mine, theirs = a.copy(), a.copy()
    assert njit(nested)(mine, b) == nested(theirs, b)
    np.testing.assert_array_equal(mine, theirs)


def deep(a):
    s = 0.0
    for r in a:
        s += r.o.inner.x + r.o.v[1]
        r.o.inner.y = r.w
    return s


def test_records_nested_two_deep_by_attribute():
    check(deep, fill(DEEP, 4), recarray=True)


def test_types_are_named_as_numba_names_them():
    rec = ember.typeof(fill(BODY_ALIGNED, 1)[0])
    assert str(rec) == ("Record(id[type=int32;offset=0],pos[type=nestedarray(float64, (3,));offset=8],"
                        "m[type=nestedarray(float64, (2, 2));offset=32],q[type=nestedarray(float32, (2,));offset=64];"
                        "72;True)")
    assert str(ember.typeof(fill(OUTER, 1)[0])) == (
        "Record(a[type=float64;offset=0],inner[type=Record(x[type=int32;offset=0],y[type=float32;offset=4];8;False);"
        "offset=8],v[type=nestedarray(float64, (2,));offset=16];32;False)")
    pos = rec.fields["pos"][0]
    assert isinstance(pos, ember.types.NestedArray) and pos.shape == (3,) and pos.dtype == ember.types.float64
    assert ember.types.Record.from_dtype(BODY_ALIGNED).name == rec.name


def test_explicit_signatures_name_nested_fields():
    a = fill(BODY_ALIGNED, 3)
    sig = "float64(%s)" % ember.typeof(a)
    f = njit(sig)(read_sub)
    assert f(a) == read_sub(a.copy())
    b = fill(OUTER, 3)
    g = njit("int64(%s)" % ember.typeof(b))(lambda b: b[2]["inner"]["x"])
    assert g(b) == b[2]["inner"]["x"]


def test_bad_assignments_are_clear_errors():
    a = fill(BODY, 3)
    def too_many(a, v):
        a[0]["pos"] = v
    with pytest.raises(EmberError, match="field 'pos'.*at most 1 dimensions"):
        njit(too_many)(a, np.zeros((2, 3)))
    with pytest.raises(EmberError, match="imaginary part"):
        njit(too_many)(a, np.zeros(3, np.complex128))
    def other_record(a, b):
        a[0]["inner"] = b[0]
    with pytest.raises(EmberError, match="field 'inner'.*the fields differ"):
        njit(other_record)(fill(OUTER, 2), fill(BODY, 2))


NAMED = np.dtype([("w", np.int8), ("name", "U5"), ("v", np.float64)])   # packed: name at offset 1


def names(a, new, i):
    n = 0
    for r in a:
        if r["name"] == "be":
            n += len(r["name"])
    longest = ""
    for r in a:
        if len(r["name"]) > len(longest):
            longest = r["name"]
    a[i]["name"] = new
    return n, longest, a[i]["name"], a[0]["name"] + "!", a[1]["name"].upper()


@pytest.mark.parametrize("new", ["", "zz", "exact", "far too long", "\u00e9t\u00e9", "\U0001F600x"])
@pytest.mark.parametrize("dtype", [NAMED, np.dtype(NAMED.descr, align=True)], ids=["packed", "aligned"])
def test_string_fields(new, dtype):
    a = np.zeros(4, dtype)
    a["name"] = ["alpha", "be", "", "\u03b3\u03b4"]
    a["v"] = [1, 2, 3, 4]
    check(names, a, new, 2)


def string_keys(a):
    d = {}
    for r in a:
        d[r.name] = r.v
    return d


def test_string_fields_by_attribute_as_keys():
    a = np.zeros(3, NAMED)
    a["name"] = ["x", "yy", "x"]
    a["v"] = [1.0, 2.0, 3.0]
    check(string_keys, a, recarray=True)


def test_string_fields_in_new_arrays_and_types():
    a = np.zeros(2, NAMED)
    a["name"] = ["ab", "c"]
    b = njit(lambda a: np.empty(3, a.dtype))(a)
    assert b.dtype == a.dtype
    rec = ember.typeof(a[0])
    assert str(rec) == "unaligned Record(w[type=int8;offset=0],name[type=[unichr x 5];offset=1],v[type=float64;offset=21];29;False)"
    assert isinstance(rec.fields["name"][0], ember.types.UnicodeCharSeq) and rec.fields["name"][0].count == 5
    g = njit("unicode_type(%s, int64)" % ember.typeof(a))(lambda a, i: a[i]["name"])
    assert g(a, 0) == "ab"


def test_string_field_errors():
    a = np.zeros(2, NAMED)
    a["name"] = ["ab", "c"]
    names = njit(lambda a: a["name"])(a)   # a string array (test_string_arrays.py), a view of the field
    assert names.dtype == np.dtype("U5") and names.tolist() == ["ab", "c"]
    def put(a):
        a[0]["name"] = 5
    with pytest.raises(EmberError, match="cannot assign int64 to the string field 'name'"):
        njit(put)(a)


def test_fields_still_refused_say_why():
    f = njit(lambda a: a.shape[0])
    for dt in ([("code", "S8"), ("w", np.float64)], [("pts", INNER, 3)], [("names", "U4", 2)]):
        with pytest.raises(EmberError, match="structured array"):
            f(np.zeros(3, dtype=dt))


CACHED = '''
import numpy as np
from ember import njit

@njit(cache=True)
def kern(a, b):
    s = 0.0
    for i in range(a.shape[0]):
        a[i]["pos"][0] += 1.0
        s += a[i]["pos"].sum() + b[i]["inner"]["y"] + b[i]["v"][1]
    return s, np.empty(2, a.dtype)
'''


def test_cache_round_trip(tmp_path, monkeypatch):
    import subprocess
    import sys
    import json
    (tmp_path / "kmod.py").write_text(CACHED)
    script = ("import json, numpy as np, kmod\n"
              "a = np.zeros(3, np.dtype(%r, align=True)); b = np.zeros(3, np.dtype(%r))\n"
              "a['pos'] = 1.5; b['v'] = 2.0\n"
              "s, e = kmod.kern(a, b)\n"
              "print(json.dumps([s, str(e.dtype), kmod.kern.stats['compiles']]))\n") % (BODY.descr, OUTER.descr)
    env = dict(__import__("os").environ, EMBER_CACHE_DIR=str(tmp_path / "cache"),
               PYTHONPATH=str(tmp_path) + ":" + ":".join(sys.path))
    runs = [json.loads(subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True,
                                      text=True, timeout=120, check=True).stdout.splitlines()[-1]) for _ in range(2)]
    assert runs[0][:2] == runs[1][:2] and runs[0][0] == 3 * (2.5 + 3.0 + 2.0)
    assert runs[0][2] == 1 and runs[1][2] == 0
    assert runs[0][1] == str(np.empty(0, np.dtype(BODY.descr, align=True)).dtype)
