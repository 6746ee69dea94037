"""Global NumPy arrays read by compiled code: frozen at compile time as constant data in the
object code (relocatable: the cache carries them), typed as read-only C arrays whatever the
original's strides; indexing, iteration, reductions and array expressions over them; returning
one gives a copy; writing to one is a located TypingError; dtypes ember has no type for are a
located error."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from difftest import ON_NUMBA, errors, impl, no_leaks  # noqa: F401 (autouse fixture)

njit = impl.njit

TABLE = np.arange(12.0).reshape(3, 4)[:, ::2]    # a strided view: frozen in C order
WEIGHTS = np.array([3, -1, 2], dtype=np.int32)
FLAGS = np.array([True, False, True])
EMPTY = np.zeros((0, 3))
HALF = np.zeros(3, np.float16)


def lookup(i, j):
    return TABLE[i, j] * WEIGHTS[i] + FLAGS[j]


def weighted_rows():
    out = np.zeros(TABLE.shape[0])
    for i in range(TABLE.shape[0]):
        out[i] = (TABLE[i] * WEIGHTS[i]).sum()
    return out


def iterate():
    s = 0
    for w in WEIGHTS:
        s += w
    return s + len(FLAGS)


def test_reading_global_arrays():
    f = njit(lookup)
    for i in range(3):
        for j in range(2):
            assert f(i, j) == lookup(i, j)
    np.testing.assert_array_equal(njit(weighted_rows)(), weighted_rows())
    assert njit(lambda: EMPTY.shape[0] + EMPTY.size)() == 0
    assert njit(iterate)() == iterate() == 4 + 3


TABLES = (np.arange(4.0), (np.ones((2, 2), np.int32), 7))   # arrays in a (nested) tuple
SAME = (np.arange(3), np.arange(3) * 2)
KINDS = (impl.types.int64, impl.types.float64)   # Numba's docs: Dict.empty(*kv_ty)
DTYPES = (np.float32, np.int16)


def from_tables(i):
    s = 0
    for a in SAME:
        s += a[i]
    return TABLES[0][i] + TABLES[1][0][1, 1] + TABLES[1][1] + s


def dict_of_kinds():
    d = impl.typed.Dict.empty(*KINDS)
    d[1] = 2.5
    return d[1], np.zeros(2, DTYPES[0]), np.ones(2, dtype=DTYPES[1]).sum()


def test_tuples_of_arrays_and_types():
    f = njit(from_tables)
    assert [f(i) for i in range(3)] == [from_tables(i) for i in range(3)]
    r = njit(dict_of_kinds)()
    assert r[0] == 2.5 and r[1].dtype == np.float32 and r[2] == 2


@pytest.mark.skipif(ON_NUMBA, reason="numba returns the global array object itself, shared and writeable")
def test_returning_a_global_array_gives_a_copy():
    r = njit(lambda: TABLE)()
    np.testing.assert_array_equal(r, TABLE)
    assert r.flags.writeable and not np.shares_memory(r, TABLE)
    r[0, 0] = 99.0
    assert TABLE[0, 0] == 0.0
    t = njit(lambda: (WEIGHTS + 1, WEIGHTS))()
    np.testing.assert_array_equal(t[0], WEIGHTS + 1)
    np.testing.assert_array_equal(t[1], WEIGHTS)
    assert t[1].dtype == np.int32


@pytest.mark.skipif(ON_NUMBA, reason="ember's messages")
def test_writes_and_unsupported_dtypes_are_located_errors():
    def write():
        TABLE[0, 0] = 1.0

    with pytest.raises(errors.TypingError, match="cannot assign into a read-only array") as e:
        njit(write)()
    assert "TABLE[0, 0] = 1.0" in str(e.value)
    with pytest.raises(errors.UnsupportedError, match="global 'HALF' of type 'numpy.ndarray' is not supported"):
        njit(lambda: HALF[0])()


def test_frozen_at_compile_time():
    data = np.array([1.0, 2.0])

    def total():
        return data.sum()

    f = njit(total)
    assert f() == 3.0
    data[0] = 10.0
    assert f() == 3.0     # as in Numba: compiled code keeps the values it was compiled with


@pytest.mark.skipif(ON_NUMBA, reason="ember's cache")
def test_cached_code_carries_the_data(tmp_path):
    (tmp_path / "gmod.py").write_text(textwrap.dedent('''
        import numpy as np
        from ember import njit
        COEFFS = np.linspace(0.0, 1.0, 1000)

        @njit(cache=True)
        def horner(x):
            s = 0.0
            for c in COEFFS[::-1]:
                s = s * x + c
            return s
    '''))
    script = "import sys, gmod; print(gmod.horner(0.5), gmod.horner.stats['cache_hits'], 'ember._embercc' in sys.modules)"
    env = dict(os.environ, PYTHONPATH=str(tmp_path), EMBER_CACHE_DIR=str(tmp_path / "cache"))
    runs = [subprocess.run([sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=120)
            for _ in range(2)]
    assert all(r.returncode == 0 for r in runs), runs[0].stderr + runs[1].stderr
    first, second = (r.stdout.split() for r in runs)
    coeffs = np.linspace(0.0, 1.0, 1000)
    assert float(second[0]) == pytest.approx(sum(c * 0.5 ** k for k, c in enumerate(coeffs)))
    assert first[0] == second[0] and second[1:] == ["1", "False"]


P64 = np.uint64(0x100000001b3)
OFFSET64 = np.uint64(14695981039346656037)
I32 = np.int32(-7)
F32 = np.float32(0.1)
B8 = np.bool_(True)
C64 = np.complex64(1 + 2j)
MASK64 = 0xFFFFFFFFFFFFFFFF
BIG = 2 ** 63 + 5


def numpy_scalar_globals():
    return P64, OFFSET64, I32, F32, B8, C64


def big_int_globals(x):
    return x & MASK64, BIG


def fnv1a(a):
    h = OFFSET64
    for x in a:
        h ^= np.uint64(x)
        h *= P64
    return h


def test_numpy_scalar_and_uint64_globals():
    # NumPy scalars are constants of their scalar type; Python ints from 2**63 are uint64s
    assert impl.njit(numpy_scalar_globals)() == numpy_scalar_globals()
    assert impl.njit(big_int_globals)(-1) == (-1, BIG) and impl.njit(big_int_globals)(5) == (5, BIG)
    a = np.arange(10, dtype=np.uint8)
    h = np.uint64(14695981039346656037)
    for x in a:
        h = np.uint64((int(h) ^ int(x)) * int(P64) % 2 ** 64)
    assert impl.njit(fnv1a)(a) == h


def test_a_global_beyond_uint64_is_a_clear_error():
    if ON_NUMBA:
        pytest.skip("numba's message differs")

    @impl.njit
    def f():
        return 2 ** 64 + HUGE

    with pytest.raises(errors.TypingError, match="does not fit"):
        f()


HUGE = 2 ** 64


def fnv_of_elements(a):
    h = np.uint64(1469598103934665603)
    for x in a:
        h ^= x
        h *= np.uint64(1099511628211)
    return h


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.uint32])
def test_uint64_hash_of_unsigned_elements_stays_uint64(dtype):
    # an element of a uint8/16/32 array is unsigned to Numba: h ^= x keeps h a uint64
    # (ember held it as an int64, h became a float64, and the xor was refused)
    a = np.arange(300, dtype=dtype)
    h = 1469598103934665603
    for x in a.tolist():
        h = ((h ^ x) * 1099511628211) % 2 ** 64
    assert impl.njit(fnv_of_elements)(a) == h


def min_max_with_uint64(a, h):
    return min(a[0], h), max(a[1], h)


def test_min_max_of_unsigned_elements_and_a_uint64_are_uint64s():
    r = impl.njit(min_max_with_uint64)(np.array([3, 2 ** 32 - 1], np.uint32), np.uint64(2 ** 40))
    assert r == (3, 2 ** 40) and all(isinstance(v, int) for v in r)   # (float64s before)
