"""Any NumPy buffer as an argument, compiled vs CPython.

Unaligned arrays (data or strides not a multiple of the dtype's alignment: np.frombuffer at an
odd offset, fields of packed records, memory maps at odd offsets) have their own type,
'unaligned array(...)', and so their own specialisation, whose element loads and stores are
marked align 1; aligned arrays keep their code. Differential tests over unaligned 1-d and 2-d
views of every dtype wider than a byte: indexing, slicing, expressions, reductions, sorting,
fancy indexing, writes, products, parallel loops. Then the dispatch rules: explicit signatures
take an unaligned array only where they say 'unaligned'; ndarray subclasses that only add
attributes are ndarrays; the messages for arguments ember does not take are in
test_diagnostics.py.
"""
import mmap
import re

import numpy as np
import pytest

from difftest import (at_odd_address, check, check_all, errors, impl, jit, no_leaks,  # noqa: F401
                      numba_skip, numba_xfail, sample)

import ember

# every dtype wider than a byte (one-byte elements are always aligned)
WIDE = ["int16", "int32", "int64", "uint16", "uint32", "uint64", "float32", "float64",
        "complex64", "complex128"]
REAL_WIDE = [d for d in WIDE if not d.startswith("complex")]
prange = impl.prange


def unaligned(a, offset=1):
    """A C-order copy of a whose data starts `offset` bytes past a 64-byte boundary."""
    b = at_odd_address(np.ascontiguousarray(a), offset)
    assert a.dtype.itemsize == 1 or not b.flags.aligned
    return b


def views(dtype, shape=(7,)):
    """Unaligned arrays of dtype: C order, strided and reversed views, 2-d C, F and a column."""
    a = sample(dtype, shape)
    out = [unaligned(a), unaligned(a)[::2], unaligned(a)[::-1]]
    m = sample(dtype, (4, 5), seed=1)
    out += [unaligned(m), unaligned(m.T.copy()).T, unaligned(m)[:, 1:4:2]]
    return out


# ------------------------------------------------------------------ reading


def first_last(a):
    return a[0], a[-1], a[len(a) // 2]


def loop_sum(a):
    t = 0.0
    for x in a:
        t = t + x * 1.0
    return t


def elementwise(a):
    return a + a[::-1], a * a, a[::-1] - a


def reductions(a):
    return a.sum(), a.max(), a.min(), a.argmax(), a.cumsum()


def mean_of_slice(a):
    return a[1:-1].mean(), a[::3].sum()


def row_col(m):
    return m[1], m[:, 2], m[2, 3], m.T[1], m.sum(axis=0)


def iterate_rows(m):
    t = np.zeros_like(m[0])
    for row in m:
        t += row
    return t


@pytest.mark.parametrize("dtype", WIDE)
def test_reads_of_unaligned_1d_views(dtype):
    a, s, r = views(dtype)[:3]
    for fn in (first_last, loop_sum, elementwise, mean_of_slice):
        check_all(fn, [(a,), (s,), (r,)])
    if not dtype.startswith("complex"):
        check_all(reductions, [(a,), (s,), (r,)])


@pytest.mark.parametrize("dtype", WIDE)
def test_reads_of_unaligned_2d_views(dtype):
    c, f, col = views(dtype)[3:]
    check_all(row_col, [(c,), (f,)])
    check_all(iterate_rows, [(c,), (f,)])
    check_all(elementwise, [(col,)])


# ------------------------------------------------------------------ writing


def write_elements(a):
    a[0] = 5
    a[-1] = a[1] + a[2]
    a[2:4] = 7
    return a.sum()


def in_place(a):
    a += a
    a -= a.copy()[::-1]


def fill_2d(m):
    m[1, :] = 3
    m[:, 0] = m[:, 1]
    m.T[2, 2] = 9


@pytest.mark.parametrize("dtype", WIDE)
def test_writes_into_unaligned_views(dtype):
    a, s, r, c, f, _ = views(dtype)
    check_all(write_elements, [(a,), (s,), (r,)])
    check_all(in_place, [(a,), (s,), (c,), (f,)])
    check_all(fill_2d, [(c,), (f,)])


# ------------------------------------------------------------------ sorting, fancy, products


def sorts(a):
    b = np.sort(a)
    k = np.argsort(a, kind="mergesort")
    return b, k, np.searchsorted(b, a[2]), np.median(a)


def sort_in_place(a):
    a.sort()


def fancy(a, idx, mask):
    b = a[idx]
    c = a[mask]
    a[mask] = a[0]
    a[idx[:2]] = 3
    return b, c


@pytest.mark.parametrize("dtype", [pytest.param(d, marks=numba_xfail("np.median of uint64 near 2**64"))
                                   if d == "uint64" else d for d in REAL_WIDE])
def test_sort_search_and_fancy_indexing_of_unaligned_views(dtype):
    a, s, r = views(dtype)[:3]
    check_all(sorts, [(a,), (s,), (r,)])
    check_all(sort_in_place, [(a,), (s,), (r,)])
    idx = np.array([3, 0, -1, 2])
    check_all(fancy, [(v, idx, sample("bool", v.shape, seed=2)) for v in (a, s, r)])


def products(m, v):
    return m @ v, v @ v, np.dot(m.T, m), np.outer(v, v)


def linalg(m):
    return np.linalg.det(m), np.linalg.inv(m), np.linalg.solve(m, m[0]), np.linalg.norm(m, 2)


@pytest.mark.parametrize("dtype", ["float64", "float32", "complex128",
                                   pytest.param("int64", marks=numba_xfail("np.dot of integer arrays"))])
def test_products_and_linalg_of_unaligned_arrays(dtype):
    m = unaligned(sample(dtype, (5, 5)))
    v = unaligned(sample(dtype, (5,), seed=3))
    check(products, m, v, rtol=1e-5 if dtype == "float32" else None)
    if dtype == "float64":
        m = unaligned(sample(dtype, (4, 4)) + 10 * np.eye(4))
        check(linalg, m, rtol=1e-10)
        check(linalg, unaligned(np.asfortranarray(m)), rtol=1e-10)


def psum(a):
    t = 0.0
    for i in prange(a.shape[0]):
        t += a[i] * 2.0
    return t


def test_parallel_loop_over_an_unaligned_array():
    a = unaligned(sample("float64", (50001,)))
    check(psum, a, jit_opts={"parallel": True}, rtol=1e-9)


# ------------------------------------------------------------------ buffers users hand over


def test_frombuffer_packed_record_fields_and_memmap_at_odd_offsets(tmp_path):
    f = jit(lambda a: (a * a).sum())
    buf = bytearray(8 * 1000 + 3)
    x = np.frombuffer(buf, np.float64, offset=3)   # what Dask distributed hands a worker
    x[:] = np.arange(1000.0)
    assert f(x) == float((x * x).sum())
    ro = np.frombuffer(bytes(buf), np.float64, offset=3)   # read-only and unaligned
    assert f(ro) == float((x * x).sum())
    rec = np.zeros(100, np.dtype([("tag", "u1"), ("x", "<f8"), ("n", "<i4")], align=False))
    rec["x"] = np.arange(100.0)
    rec["n"] = np.arange(100)
    assert not rec["x"].flags.aligned and not rec["n"].flags.aligned
    assert f(rec["x"]) == float((rec["x"] ** 2).sum())
    assert f(rec["n"]) == int((rec["n"].astype(np.int64) ** 2).sum())
    path = tmp_path / "data.bin"
    path.write_bytes(b"\0" * 5 + np.arange(64.0).tobytes())
    mm = np.memmap(path, dtype=np.float64, mode="r", offset=5, shape=(64,))
    assert not mm.flags.aligned and f(mm) == float((np.arange(64.0) ** 2).sum())
    with open(path, "r+b") as fh:   # a raw mmap, as a shared-memory segment would be
        m = mmap.mmap(fh.fileno(), 0)
        y = np.frombuffer(m, np.float64, offset=5)
        assert f(y) == float((np.arange(64.0) ** 2).sum())
        del y
        m.close()


# ------------------------------------------------------------------ dispatch and types


def total(a):
    t = a[0] * 0
    for i in range(a.shape[0]):
        t += a[i]
    return t


@numba_skip("ember's type names, signatures and IR")
def test_unaligned_arrays_get_their_own_specialisation_and_aligned_code_is_unchanged():
    f = ember.njit(total)
    a = np.arange(64.0)
    assert f(a) == f(unaligned(a)) == a.sum()
    assert f.signatures == [("array(float64, 1d, C)",), ("unaligned array(float64, 1d, C)",)]
    assert f(unaligned(a)[::2]) == a[::2].sum()
    assert ("unaligned array(float64, 1d, A)",) in f.signatures
    assert f(a) == a.sum() and f.stats["compiles"] == 3   # the aligned one is still found
    llvm = f.inspect_llvm()
    aligned_ir = llvm["(array(float64, 1d, C))"]
    unaligned_ir = llvm["(unaligned array(float64, 1d, C))"]
    assert "align 1" not in aligned_ir   # element loads keep the alignment of a double
    assert "load double, ptr" in aligned_ir and "align 8" in aligned_ir
    loads = [line for line in unaligned_ir.splitlines() if "load double, ptr" in line or "load <" in line]
    assert loads and all(re.search(r"align 1\b", line) for line in loads), loads   # (metadata may follow)
    assert ember.typeof(unaligned(a)) == "unaligned array(float64, 1d, C)"
    b = unaligned(a)
    b.flags.writeable = False
    assert ember.typeof(b) == "unaligned readonly array(float64, 1d, C)"
    assert ember.typeof(unaligned(np.arange(5, dtype=np.uint8))) == "array(uint8, 1d, C)"


@numba_skip("ember's type names, signatures and IR")
def test_views_of_unaligned_arrays_stay_unaligned_through_calls():
    inner = ember.njit(lambda v: v.sum())

    def outer(m):
        return inner(m[1]) + inner(m.T[0]) + inner(m.ravel())

    f = ember.njit(outer)
    m = unaligned(np.arange(20.0).reshape(4, 5))
    assert f(m) == m[1].sum() + m.T[0].sum() + m.sum()
    names = {s[0] for s in inner.signatures}
    assert names == {"unaligned array(float64, 1d, C)", "unaligned array(float64, 1d, A)"}, names


@numba_skip("ember's type names, signatures and IR")
def test_views_returned_to_python_keep_their_memory():
    f = ember.njit(lambda m: m[1:, ::2])
    m = unaligned(np.arange(20.0).reshape(4, 5))
    v = f(m)
    assert np.shares_memory(v, m) and (v == m[1:, ::2]).all() and not v.flags.aligned


@numba_skip("ember's type names, signatures and IR")
def test_explicit_signatures_take_unaligned_arrays_only_where_they_say_so():
    a = np.arange(10.0)
    u = unaligned(a)
    f = ember.njit("float64(float64[:])")(total)
    assert f(a) == 45.0
    with pytest.raises(TypeError, match=r"argument 1 \('a'\) is unaligned.*'unaligned array\(float64, 1d, C\)'.*a\.copy\(\)"):
        f(u)
    assert f(u.copy()) == 45.0
    g = ember.njit(["float64(unaligned float64[:])"])(total)
    assert g(u) == g(a) == 45.0 and g(u[::3]) == a[::3].sum()   # an aligned array converts
    assert g.signatures == [("unaligned array(float64, 1d, A)",)]
    h = ember.njit("float64(unaligned readonly array(float64, 1d, C))")(total)
    assert h(u) == 45.0 and h.signatures == [("unaligned readonly array(float64, 1d, C)",)]


@numba_skip("ember's type names, signatures and IR")
def test_subclasses_that_only_add_attributes_are_ndarrays():
    class Tagged(np.ndarray):
        units = "m"

    f = ember.njit(lambda a: a.sum())
    t = np.arange(5.0).view(Tagged)
    assert f(t) == 10.0
    assert ember.typeof(t) == "array(float64, 1d, C)"
    assert f(np.memmap(__file__, np.uint8, mode="r", shape=(4,))) == sum(open(__file__, "rb").read(4))

    class Units(np.ndarray):
        def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
            return NotImplemented

    with pytest.raises(errors.TypingError, match="__array_ufunc__"):
        f(np.arange(3.0).view(Units))


def pair_dot(t):
    a, b = t
    return (a * b).sum(), a.flags.aligned, b.flags.aligned


@numba_xfail("numba has no a.flags.aligned")
def test_tuples_of_unaligned_arrays_and_the_aligned_flag():
    a, b = sample("float64", (9,)), sample("float64", (9,), seed=4)
    check(pair_dot, (unaligned(a), b))
    check(pair_dot, (unaligned(a), unaligned(b, offset=3)))


@numba_skip("ember's type names")
def test_tuple_type_names_say_which_element_is_unaligned():
    a = sample("float64", (9,))
    assert ember.typeof((unaligned(a), a)) == "Tuple(unaligned array(float64, 1d, C), array(float64, 1d, C))"


@numba_skip("ember's type names, signatures and IR")
def test_memmap_arguments_dispatch_as_ndarrays(tmp_path):
    path = tmp_path / "m.bin"
    path.write_bytes(np.arange(16.0).tobytes())
    mm = np.memmap(path, dtype=np.float64, mode="r+", shape=(16,))
    f = ember.njit(lambda a, k: a * k)
    for k in range(3):   # repeated calls take the dispatch path each time
        assert (f(mm, k) == np.arange(16.0) * k).all()
    assert f.signatures == [("array(float64, 1d, C)", "int64")]


def with_inner(a):
    def twice(i):
        return a[i] * 2

    return twice(1) + twice(len(a) - 1)


def test_inner_functions_see_unaligned_arrays():
    check_all(with_inner, [(unaligned(sample(d, (5,))),) for d in ("float64", "int32", "complex128")])


def bytes_stats(b):
    gc = 0
    for x in b:
        if x == 71 or x == 67:
            gc += 1
    return len(b), b[0], b[len(b) - 1], gc


def test_bytes_argument_is_a_read_only_uint8_array():
    # as numba's Bytes: len, indexing (ints) and iteration over a bytes argument
    for b in (b"GATTACAGGC", b"\x00\xff", bytes(range(256)) * 3):
        assert jit(bytes_stats)(b) == bytes_stats(b)


def write_first(b):
    b[0] = 1


def checksum_into(b, out):
    s = 0
    for i in range(len(b)):
        s = (s * 31 + b[i]) % 65521
        out[i % len(out)] ^= b[i]
    return s


def test_bytearray_argument_is_a_writable_uint8_array():
    # as numba's bytearray (numba-benchmark's dispatch of bytearray arguments): writes land in it
    b, out, b2, out2 = bytearray(b"GATTACA" * 5), bytearray(4), bytearray(b"GATTACA" * 5), bytearray(4)
    assert jit(checksum_into)(b, out) == checksum_into(b2, out2) and out == out2
    assert jit(bytes_stats)(bytearray(b"GC\x00A")) == bytes_stats(bytearray(b"GC\x00A"))


@numba_skip("numba cannot return a bytearray")
def test_a_bytes_argument_returned_is_an_array_over_it():
    # it crashed in a process that had not imported NumPy's C API yet (rt_box_array)
    import subprocess
    import sys
    code = ("from ember import njit\n@njit\ndef g(b):\n    return b\n"
            "r, w = g(b'hi'), g(bytearray(b'hi'))\nprint(r.tolist(), r.flags.writeable, w.tolist(), w.flags.writeable)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.split() == ["[104,", "105]", "False", "[104,", "105]", "True"], out.stderr


@numba_skip("ember's message")
def test_writing_into_bytes_is_a_typing_error():
    with pytest.raises(errors.TypingError, match="read-only array"):
        jit(write_first)(b"abc")
