"""ember.types: Numba's type objects (scalars, arrays by subscript, Array, UniTuple, Tuple,
optional), signatures written with them (@njit(float64(float64[:])), lists, tuples of argument
types, Dispatcher.compile), locals=, and what .signatures and typeof() return compared with them.
String signatures keep working, and type objects compare equal to ember's type names."""

import pickle

import numpy as np
import pytest

from difftest import ON_NUMBA, errors, impl, numba_xfail
from difftest import no_leaks  # noqa: F401  (autouse: every test frees what it allocates)

types = impl.types
pytestmark = pytest.mark.skipif(ON_NUMBA, reason="ember's type objects (names compare as strings)")


def total(a):
    s = 0.0
    for x in a:
        s += x
    return s


def test_scalar_and_array_type_names():
    t = types
    assert str(t.float64) == "float64" and t.float64 == "float64"
    assert t.intp == t.int64 and t.boolean == t.bool_ and t.double == t.float64
    assert t.float32 != t.float64 and t.int32 != t.int64
    assert t.float64[:] == "array(float64, 1d, A)"
    assert t.float64[::1] == "array(float64, 1d, C)"
    assert t.float64[:, ::1] == "array(float64, 2d, C)" == t.Array(t.float64, 2, "C")
    assert t.float32[::1, :] == "array(float32, 2d, F)" == t.Array(t.float32, 2, "F")
    assert t.int8[:, :, :] == t.Array(t.int8, 3, "A")
    a = t.float64[:, ::1]
    assert (a.dtype, a.ndim, a.layout) == (t.float64, 2, "C")
    assert t.UniTuple(t.float64, 3) == "UniTuple(float64 x 3)"
    assert t.Tuple((t.float64, t.int64)) == "Tuple(float64, int64)"
    assert isinstance(t.Tuple((t.int64, t.int64)), t.UniTuple)
    assert t.optional(t.float64) == t.Optional(t.float64) and str(t.optional(t.float64)) == "OptionalType(float64)"
    assert str(t.float64(t.float64[:], t.int64)) == "float64(array(float64, 1d, A), int64)"
    assert t.complex64 != t.complex128 and t.uint8[::1].dtype == t.uint8


def test_top_level_names_and_hashing():
    from ember import complex128, float32, float64, int64, uint8, void
    assert float64 is types.float64 and int64 is types.int64 and void is types.void
    assert {float64: 1}["float64"] == 1   # hash by name, so strings find type objects
    assert sorted([int64, float32, complex128, uint8]) == [complex128, float32, int64, uint8]
    for t in (types.float32, types.float64[:, ::1], types.UniTuple(types.int64, 2),
              types.Tuple((types.float64, types.bool_)), types.CPointer(types.float64), types.voidptr):
        assert pickle.loads(pickle.dumps(t)) == t


def test_typeof_compares_with_type_objects():
    t = types
    assert impl.typeof(np.zeros(3)) == t.float64[::1]
    assert impl.typeof(np.zeros((2, 3), order="F")) == t.float64[::1, :]
    assert impl.typeof(np.zeros((3, 3))[:, 1]) == t.float64[:]
    assert impl.typeof(np.zeros(4, np.int32)) == t.Array(t.int32, 1, "C")
    assert impl.typeof(1.0) is t.float64 and impl.typeof(2) is t.int64 and impl.typeof(True) is t.boolean
    assert impl.typeof(1j) == t.complex128
    assert impl.typeof((1, 2.0)) == t.Tuple((t.int64, t.float64))
    assert impl.typeof((1, 2)) == t.UniTuple(t.int64, 2)
    ro = np.zeros(3)
    ro.flags.writeable = False
    assert impl.typeof(ro) == t.Array(t.float64, 1, "C", readonly=True) == "readonly array(float64, 1d, C)"
    assert impl.typeof(np.zeros(3)) == "array(float64, 1d, C)"   # names still compare
    with pytest.raises(ValueError, match="cannot determine the ember type of object"):
        impl.typeof(object())


@numba_xfail("numba's names carry the reflected list's initial value (<iv=None>)")
def test_typeof_python_containers():
    # lists and sets are named as Numba names them; typeof raised TypeError for them before
    assert str(impl.typeof([1, 2])) == "reflected list(int64)"
    assert str(impl.typeof({1.5})) == "reflected set(float64)"
    assert str(impl.typeof([(1, 2.0)])) == "reflected list(Tuple(int64, float64))"


def test_signatures_are_type_objects():
    f = impl.njit(total)
    f(np.arange(3.0))
    f(np.arange(3))
    assert f.signatures == [(types.float64[::1],), (types.int64[::1],)]
    assert all(isinstance(s[0], types.Array) for s in f.signatures)


def test_njit_with_type_object_signatures():
    t = types
    f = impl.njit(t.float64(t.float64[:]))(total)
    assert f.signatures == [(t.float64[:],)]
    assert f(np.arange(4.0)) == 6.0
    assert f(np.arange(6.0)[::2]) == 6.0
    g = impl.njit([t.float64(t.float64[::1]), "float64(int64[::1])"])(total)
    assert g.signatures == [(t.float64[::1],), (t.int64[::1],)]
    assert g(np.arange(3)) == 3.0
    with pytest.raises(TypeError, match="No matching definition"):
        g(np.arange(3.0)[::2])
    h = impl.njit((t.int64, t.int64))(lambda a, b: a * b)   # a tuple of argument types
    assert h.signatures == [(t.int64, t.int64)] and h(6, 7) == 42
    k = impl.njit(lambda a: a[0] + a[1])
    k.compile(t.float64(t.UniTuple(t.float64, 2)))
    assert k.signatures == [(t.UniTuple(t.float64, 2),)] and k((1.0, 2.5)) == 3.5


def test_sized_scalars_in_a_signature_are_numbas():
    f = impl.njit(types.float32(types.float32, types.int32))(lambda x, n: x * n)
    assert f(1.5, 3) == 4.5
    assert f.signatures == [(types.float32, types.int32)]
    assert f(0.1, 2 ** 32 + 3) == float(np.float32(np.float32(0.1) * 3))   # the argument wraps to int32 and rounds


def test_bad_type_objects_and_signatures():
    t = types
    with pytest.raises(TypeError, match=r"float64\[:\], float64\[:, ::1\]"):
        t.float64[1:3]
    with pytest.raises(TypeError, match="'::1' must be on the first"):
        t.float64[:, ::1, :]
    with pytest.raises(TypeError, match="layout is 'C', 'F' or 'A'"):
        t.Array(t.float64, 2, "Z")
    with pytest.raises(TypeError, match="must be an ember type"):
        t.float64(object)
    with pytest.raises(TypeError, match="must be a scalar type"):
        t.Array(t.float64[:], 1)
    passed_on = impl.njit(t.float64(t.optional(t.float64)))(lambda x: x)   # its value; None: TypeError (Numba's)
    assert passed_on(2.0) == 2.0
    with pytest.raises(TypeError, match="expected float64, got None"):
        passed_on(None)
    with pytest.raises(TypeError, match="invalid signature"):
        impl.njit("float64(float64")(lambda x: x)
    with pytest.raises(TypeError, match="not int"):
        impl.njit(3)


def test_locals_declares_variable_types():
    def mean_of(n):
        acc = 0
        for i in range(n):
            acc += i
        return acc / n, acc

    f = impl.njit(locals={"acc": types.float64})(mean_of)
    r = f(4)
    assert r == (1.5, 6.0) and isinstance(r[1], float)

    def truncating(x):
        y = x * 2.5
        return y

    g = impl.njit(locals={"y": "int64"})(truncating)
    assert g(3.0) == 7 and isinstance(g(3.0), int)


def fnv1a(data):
    h = 2166136261
    for c in data:
        h = (h ^ c) * 16777619
    return h


def count_up(n, step):
    acc = 0
    for i in range(n):
        acc += step
    return acc


def running_sum(a):
    s = 0.0
    for x in a:
        s += x
    return s


def test_narrow_locals_wrap_and_round():
    """A local declared with a narrow type (locals={'h': uint32}) keeps that width, as Numba's:
    each store wraps an int to its bits, rounds a float to float32 (they were int64/float64)."""
    h = impl.njit(locals={"h": types.uint32})(fnv1a)
    data = np.frombuffer(b"hello world", np.uint8)
    want = 2166136261
    for c in data.tolist():
        want = ((want ^ c) * 16777619) % 2**32
    assert h(data) == want == 3582672807
    assert impl.njit(locals={"acc": types.int32})(count_up)(3, 10**9) == 3 * 10**9 - 2**32
    assert impl.njit(locals={"acc": types.int8})(count_up)(2, 100) == -56
    assert impl.njit(locals={"acc": types.uint16})(count_up)(3, -1) == 65533
    a = np.arange(10) * 0.1
    want = np.float32(0)
    for x in a:
        want = np.float32(want + x)
    assert impl.njit(locals={"s": types.float32})(running_sum)(a) == float(want)


def squared_distance(x, y):
    result = 0.0
    for i in range(x.shape[0]):
        diff = x[i] - y[i]
        result += diff * diff
    return result


def square_of(a):
    d = a
    return d * d


def test_float32_locals_compute_in_float32():
    """A variable declared float32 holds a float32, so arithmetic on it is float32 arithmetic,
    as in Numba (it rounded on each store but multiplied in float64)."""
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(2, 16)).astype(np.float32)
    f = impl.njit(locals={"result": types.float32, "diff": types.float32})(squared_distance)
    want = np.float32(0)
    for i in range(16):
        d = np.float32(x[i] - y[i])
        want = np.float32(want + d * d)
    assert f(x, y) == float(want)
    g = impl.njit(locals={"d": types.float32})(square_of)
    assert g(1.1) == float(np.float32(1.1) * np.float32(1.1)) == 1.2100000381469727


def test_locals_errors_are_located():
    def f(x):
        y = (x, x)
        return y

    with pytest.raises(errors.TypingError, match=r"cannot store UniTuple\(float64 x 2\) in variable 'y', declared float64"):
        impl.njit(locals={"y": types.float64})(f)(1.0)
    assert impl.njit(locals={"z": types.float64})(f)(1.0) == (1.0, 1.0)   # not a variable of f: ignored, as by numba
    with pytest.raises(TypeError, match=r"locals\['y'\] must be an ember type"):
        impl.njit(locals={"y": float})(f)
