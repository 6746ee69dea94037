"""NumPy string arrays (dtype 'U<n>'): elements read as str, written from a str (cut to the width
or padded with zeros, as NumPy stores), compared, iterated, viewed and returned with their dtype,
as in Numba (whose element type is UnicodeCharSeq). Byte strings ('S') stay refused."""
import subprocess
import sys

import numpy as np
import pytest

import ember
from ember import njit
from ember.errors import EmberError
from difftest import ON_NUMBA, check, impl, jit, numba_xfail

prange = impl.prange

WORDS = ["", "a", "ab", "abc", "b", "\u00e9t\u00e9", "\U0001F600x", "zz", "a\u0101"]


def arrays(seed, n, width=None):
    rng = np.random.default_rng(seed)
    a = np.array(WORDS)[rng.integers(0, len(WORDS), n)]
    return a if width is None else a.astype(f"U{width}")


def count_matches(a, s):
    n = 0
    for i in range(a.size):
        if a[i] == s:
            n += 1
    return n


def compare_all(a, b):
    eq = ne = lt = le = gt = ge = 0
    for i in range(a.size):
        for j in range(b.size):
            eq += a[i] == b[j]
            ne += a[i] != b[j]
            lt += a[i] < b[j]
            le += a[i] <= b[j]
            gt += b[j] > a[i]
            ge += b[j] >= a[i]
    return eq, ne, lt, le, gt, ge


def against_str(a, s):
    eq = lt = gt = 0
    for i in range(a.size):
        eq += s == a[i]
        lt += a[i] < s
        gt += s < a[i]
    return eq, lt, gt


@pytest.mark.parametrize("n", [0, 1, 9, 40])
@pytest.mark.parametrize("width", [None, 1, 6])
def test_elements_compare_as_str(n, width):
    a, b = arrays(n, n, width), arrays(n + 1, 7)
    for s in ["", "a", "ab", "\u00e9t\u00e9", "abcdefgh"]:
        check(count_matches, a, s)
        check(against_str, a, s)
    check(compare_all, a, b)


def labels_to_codes(a, names):
    out = np.empty(a.size, np.int64)
    for i in range(a.size):
        out[i] = -1
        for j in range(names.size):
            if a[i] == names[j]:
                out[i] = j
                break
    return out


def test_labels_to_codes():
    check(labels_to_codes, arrays(3, 50), np.array(["ab", "\u00e9t\u00e9", "", "q"]))


def iterate(a):
    out = []
    total = 0
    for s in a:
        out.append(s + "|")
        total += len(s)
    return out, total


def by_index(a):
    n = a.shape[0]
    return a[0], a[-1], a[n // 2], len(a), a.size, a.itemsize, a.nbytes, a[0].upper() + a[-1]


@pytest.mark.parametrize("width", [None, 3])
def test_iterate_and_read(width):
    a = arrays(4, 11, width)
    check(iterate, a)
    check(by_index, a)
    check(iterate, a[::-2])
    check(by_index, a[1::3])


def write(a, s, t):
    a[0] = s
    a[-1] = t
    a[1] = a[2]
    return a


@pytest.mark.parametrize("s", ["", "x", "wide text", "\u00e9t\u00e9", "\U0001F600\U0001F600\U0001F600"])
def test_writes_cut_or_pad(s):
    check(write, np.array(["abcd", "b", "cc", "d"]), s, s[:1])
    check(write, np.array(["a", "bcd", "", "d"]).astype("U1"), s, "zz")


def grid(a):
    out = 0
    for i in range(a.shape[0]):
        for j in range(a.shape[1]):
            if a[i, j] == "ab":
                out += i * 10 + j
            a[i, j] = a[i, j] + "!"
    return out, a[1], a[:, 0]


def test_two_dimensions_and_views():
    a = arrays(5, 12).reshape(3, 4)
    check(grid, a)
    check(grid, np.asfortranarray(a))
    check(grid, a.T)


def fresh(a):
    b = np.empty_like(a)
    c = np.zeros_like(a)
    for i in range(a.size):
        b[a.size - 1 - i] = a[i]
    return b, c, a.copy(), b[1:]


def test_new_arrays_keep_the_dtype():
    a = arrays(6, 5, 4)
    got = jit(fresh)(a)
    want = fresh(a)
    for g, w in zip(got, want):
        assert g.dtype == w.dtype and g.tolist() == w.tolist()
    assert jit(lambda a: a)(a).dtype == np.dtype("U4")


def by_label(a, v):
    d = {}
    for i in range(a.size):
        d[a[i]] = d.get(a[i], 0.0) + v[i]
    return d


@numba_xfail("a dict keyed by a string array's elements ([unichr x n]) does not type")
def test_elements_as_dict_keys():
    a = arrays(7, 60)
    got, want = jit(by_label)(a, np.arange(60.0)), by_label(a, np.arange(60.0))
    assert got == {str(k): v for k, v in want.items()}


def nested_flags(names, clusters):
    flags = np.zeros(names.size, dtype=np.bool_)
    for i in prange(names.size):
        this = names[i]
        for j in range(clusters.size):
            if this == clusters[j]:
                flags[i] = True
                break
    return flags


def test_in_a_prange_loop():
    names, clusters = arrays(8, 300), np.array(["a", "zz", "\u00e9t\u00e9"])
    got = jit(nested_flags, parallel=True)(names, clusters)
    np.testing.assert_array_equal(got, nested_flags(names, clusters))


def _overwrite(a, i):
    a[i] = "changed"
    return "changed"


overwrite = jit(_overwrite)


def compared_before_a_call(a):
    n = 0
    for i in range(a.size):
        n += a[i] == overwrite(a, i)   # a[i] is read before the call writes it
    return n, a


def test_an_element_is_read_before_a_later_write():
    a = np.array(["changed", "x", "changed", "y"], dtype="U9")
    got = jit(compared_before_a_call)(a.copy())
    want = compared_before_a_call(a.copy())
    assert got[0] == want[0] == 2
    assert got[1].tolist() == want[1].tolist()


def string_field(r):
    names = r["name"]
    n = 0
    for i in range(names.size):
        n += names[i] == "bb"
        names[i] = names[i] + "x"
    return n, names


def test_a_string_field_along_a_structured_array():
    r = np.zeros(4, dtype=[("v", "f8"), ("name", "U3")])
    r["name"] = ["a", "bb", "ccc", "bb"]
    got = jit(string_field)(r.copy())
    want = string_field(r.copy())
    assert got[0] == want[0] == 2 and got[1].tolist() == want[1].tolist() == ["ax", "bbx", "ccc", "bbx"]
    assert got[1].dtype == np.dtype("U3")


def test_types_are_named_as_numba_names_them():
    a = np.array(["ab", "c", "d", "e"])
    typeof = __import__("numba").typeof if ON_NUMBA else ember.typeof
    assert str(typeof(a)) == "array([unichr x 2], 1d, C)"
    assert str(typeof(a[::2])) == "array([unichr x 2], 1d, A)"
    assert str(typeof(a.reshape(2, 2).T)) == "array([unichr x 2], 2d, F)"
    if not ON_NUMBA:
        t = ember.typeof(a)
        assert isinstance(t.dtype, ember.types.UnicodeCharSeq) and t.dtype.count == 2
        f = njit("int64(array([unichr x 2], 1d, C), unicode_type)")(count_matches)
        assert f(a, "c") == 1


@pytest.mark.skipif(ON_NUMBA, reason="ember's messages")
def test_errors_are_clear():
    a = np.array(["ab", "c"])
    with pytest.raises(EmberError, match="not by a str"):
        njit(lambda a: a["x"])(a)
    def put_int(a):
        a[0] = 5
    with pytest.raises(EmberError, match="cannot assign int64 to an element of the string array"):
        njit(put_int)(a)
    def put_slice(a):
        a[:] = "x"
    with pytest.raises(EmberError, match="assign its elements one by one"):
        njit(put_slice)(a)
    ro = a.copy()
    ro.flags.writeable = False
    def put_one(a):
        a[0] = "x"
    with pytest.raises(EmberError, match="read-only"):
        njit(put_one)(ro)
    with pytest.raises(EmberError, match="byte strings.*astype\\(str\\)"):
        njit(lambda a: a[0])(np.array([b"ab"]))
    with pytest.raises(EmberError, match="native byte order"):
        njit(lambda a: a[0])(np.array(["ab"], dtype=">U2"))


CACHED = '''
import numpy as np
from ember import njit

@njit(cache=True)
def kern(a, s):
    n = 0
    for x in a:
        n += x == s
    return n
'''


@pytest.mark.skipif(ON_NUMBA, reason="ember's cache")
def test_cache_round_trip(tmp_path):
    (tmp_path / "smod.py").write_text(CACHED)
    script = "import numpy as np, smod; print(smod.kern(np.array(['a', 'bb', 'a']), 'a'), smod.kern.stats['cache_hits'])"
    env = dict(__import__("os").environ, EMBER_CACHE_DIR=str(tmp_path / "cache"),
               PYTHONPATH=str(tmp_path) + ":" + ":".join(sys.path))
    runs = [subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, cwd=tmp_path)
            for _ in range(2)]
    assert [r.stdout.split() for r in runs] == [["2", "0"], ["2", "1"]], [r.stderr for r in runs]
