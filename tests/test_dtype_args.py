"""A dtype passed as an argument (np.float32, np.dtype("i2"), a structured dtype): Numba's DType.
Its type says everything (one specialisation per dtype); compiled code uses it where NumPy takes
a dtype."""
import subprocess
import sys

import numpy as np
import pytest

import ember
from ember import njit
from ember.errors import EmberError


@njit
def make(n, dt):
    return np.zeros(n, dtype=dt)


@njit
def convert(a, dt):
    return a.astype(dt), np.full(2, 7, dt), np.empty(3, dt).dtype == np.empty(3, dt).dtype


@njit
def through(n, dt):
    return make(n, dt)   # passed on to another compiled function


@pytest.mark.parametrize("dt", [np.float32, np.int16, np.uint8, np.complex64, np.bool_, np.dtype("f8"), np.dtype("i4"),
                                np.float64], ids=str)
def test_scalar_dtypes(dt):
    want = np.dtype(dt)
    assert make(3, dt).dtype == want and through(2, dt).dtype == want
    a, full, _ = convert(np.array([1.5, -2.0, 3.0]), dt)
    np.testing.assert_array_equal(a, np.array([1.5, -2.0, 3.0]).astype(dt))
    assert a.dtype == want and full.dtype == want and full[0] == np.full(1, 7, dt)[0]


def test_structured_dtypes_and_specialisations():
    rec = np.dtype([("x", np.float64), ("k", np.int32)])
    z = make(4, rec)
    assert z.dtype == rec and z.shape == (4,) and not z["x"].any()
    f = njit(lambda n, dt: np.empty(n, dt).shape)
    for dt in (np.float32, np.dtype(np.float32), np.int8):
        f(2, dt)
    assert len(f.signatures) == 2   # np.float32 and np.dtype('float32') are the same type
    assert [str(s[1]) for s in f.signatures] == ["dtype(float32)", "dtype(int8)"]
    assert isinstance(f.signatures[0][1], ember.types.DType)


def test_explicit_signature_names_a_dtype():
    g = njit("float32[:](int64, dtype(float32))")(lambda n, dt: np.ones(n, dt))
    assert g(3, np.float32).dtype == np.float32
    with pytest.raises(TypeError):
        g(3, np.float64)


def test_unsupported_dtypes_say_so():
    with pytest.raises(EmberError, match="argument 2"):
        make(2, np.dtype("U3"))
    with pytest.raises(EmberError, match="argument 2"):
        make(2, np.dtype(">f8"))


CACHED = """
import numpy as np
from ember import njit

@njit(cache=True)
def mk(n, dt):
    return np.zeros(n, dtype=dt)
"""


def test_cached(tmp_path):
    (tmp_path / "dm.py").write_text(CACHED)
    script = ("import numpy as np, dm; a = dm.mk(2, np.float32); b = dm.mk(2, np.dtype([('x', 'f8')]));"
              "print(a.dtype, b.dtype.names, dm.mk.stats['compiles'])")
    env = {"EMBER_CACHE_DIR": str(tmp_path / "c"), "PYTHONPATH": str(tmp_path) + ":" + ":".join(sys.path)}
    out = [subprocess.run([sys.executable, "-c", script], env=env, cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, check=True).stdout.split() for _ in range(2)]
    assert out[0][:2] == ["float32", "('x',)"] and out[0][2] == "2" and out[1][2] == "0"


def test_dtypes_returned_and_in_tuples():
    """As Numba: a dtype comes back as a numpy.dtype, alone or in a tuple."""
    rec = np.dtype([("x", np.float64), ("k", np.int32)])
    f = njit(lambda a: a.dtype)
    assert f(np.zeros(3, np.float32)) == np.dtype(np.float32) and f(np.zeros(2, rec)) == rec
    assert njit(lambda a: (a.dtype, a.shape[0]))(np.zeros(4, np.int16)) == (np.dtype(np.int16), 4)
    assert njit(lambda: np.float32)() == np.dtype(np.float32)
    g = njit(lambda a: (a.dtype, 1)[1] + 1)
    assert g(np.zeros(1)) == 2


def dtype_calls(a, n):
    i32 = np.zeros(n, dtype=np.dtype(np.int32))
    f4 = np.ones(n, np.dtype("f4"))
    same = np.empty(n, dtype=np.dtype(a.dtype))
    same[:] = a[:n]
    return i32, f4, same, a.astype(np.dtype(np.int16)), np.dtype(np.uint8)


def test_np_dtype_called_in_compiled_code():
    # np.dtype(x) of a NumPy type, a dtype's name or a dtype: that dtype (HARK's aggregate_blobs)
    a = np.array([1.5, -2.0, 3.0], np.float32)
    got, want = njit(dtype_calls)(a, 2), dtype_calls(a, 2)
    for g, w in zip(got[:4], want[:4]):
        assert g.dtype == w.dtype and np.array_equal(g, w)
    assert got[4] == want[4]
    with pytest.raises(EmberError, match="np.dtype"):
        njit(lambda a: np.dtype(a))(np.zeros(2))
