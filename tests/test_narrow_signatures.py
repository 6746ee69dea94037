"""Sized scalars in explicit signatures ("uint8(uint8)", "float32(float32)", "int32(int32, int32)"):
as in Numba, an argument converts to the parameter's type on entry (an int wraps, a negative int
for an unsigned parameter is an OverflowError, a float rounds to float32), the function computes
with it as Numba types it (a float32 parameter's maths is float32's), and the result converts to
the return type (wraps or rounds). The expected values are Numba 0.68's; the file runs on both
backends (EMBER_TEST_BACKEND=numba)."""

import ctypes

import numpy as np
import pytest

from difftest import impl
from difftest import no_leaks  # noqa: F401  (autouse: every test frees what it allocates)

F32 = np.float32


def add_one(x):
    return x + 1


def double(x):
    return x * 2


def scaled(x):
    return x * 0.1


def ident(x):
    return x


def mul(a, b):
    return a * b


def xorshift32(x):
    x ^= x << 13
    x ^= x >> 17
    x ^= x << 5
    return x


def div(a, b):
    return a / b


def test_unsigned_parameter_and_return_wrap():
    u = impl.njit("uint8(uint8)")(add_one)
    assert u(255) == 0 and u(3) == 4 and u(300) == 45
    assert type(u(3)) is int
    with pytest.raises(OverflowError, match="negative int to unsigned"):
        u(-1)


def test_signed_parameter_and_return_wrap():
    f = impl.njit("int8(int8)")(double)
    assert [f(100), f(-100), f(200)] == [-56, 56, -112]
    m = impl.njit("int32(int32, int32)")(mul)
    assert m(100000, 100000) == 1410065408   # computed in int64, as Numba's int32 * int32, then wrapped


def test_uint32_hash_wraps_only_on_return():
    h = impl.njit("uint32(uint32)")(xorshift32)   # the shifts run in 64 bits, as in Numba
    assert h(2463534242) == 127028579


def test_float_to_narrow_int_return():
    cv = impl.njit("uint16(float64)")(ident)
    assert cv(70000.7) == 4464 and cv(-1.0) == 65535


def test_float32_parameter_rounds_and_computes_as_float32():
    f = impl.njit("float32(float32)")(scaled)
    want = float(F32(float(F32(1.1)) * 0.1))   # float32 * a Python float is float64, rounded on return
    assert f(1.1) == want and f(F32(1.1)) == want
    g = impl.njit("float64(float32)")(ident)
    assert g(0.1) == float(F32(0.1))
    d = impl.njit("float32(float32, float32)")(div)
    assert d(1.0, 3.0) == float(F32(1) / F32(3))


def sum_f32_poly(x, n):
    s = x
    for i in range(n):
        s = s * x + x   # float32 * float32: float32 maths, as Numba's
    return s


def test_float32_parameter_chain_is_float32_maths():
    f = impl.njit("float32(float32, int64)")(sum_f32_poly)
    x = F32(1.0001)
    want = x
    for _ in range(50):
        want = want * x + x
    assert f(1.0001, 50) == float(want)


def test_signature_names_and_dispatch():
    u = impl.njit("uint8(uint8)")(add_one)
    f = impl.njit("float32(float32)")(scaled)
    assert [tuple(map(str, s)) for s in u.signatures] == [("uint8",)]
    assert [tuple(map(str, s)) for s in f.signatures] == [("float32",)]
    assert u(1.5) == 2 and u(300.5) == 45   # a float truncates to an int parameter, then wraps
    with pytest.raises(TypeError, match="No matching definition"):
        u(1 + 2j)


def test_float_to_int_signature_truncates():
    f = impl.njit("int64(int64)")(add_one)
    assert f(1.5) == 2 and f(-2.7) == -1 and f(True) == 2
    with pytest.raises(ValueError):
        f(float("nan"))


def test_several_signatures_pick_the_exact_one():
    f = impl.njit(["int64(int64)", "uint8(uint8)"])(add_one)
    assert f(255) == 256   # an int is an int64: its own signature
    k = impl.njit(["int64(int64)", "float64(float64)"])(add_one)
    assert k(1.5) == 2.5 and k(2) == 3   # a float takes the float signature over truncation


def call_narrow():
    return U(254) + U(255) + FS(2.0)


U = impl.njit("uint8(uint8)")(add_one)
FS = impl.njit("float32(float32)")(scaled)


def test_compiled_caller_converts_like_python():
    c = impl.njit(call_narrow)
    assert c() == 255 + float(F32(float(F32(2.0)) * 0.1))


def test_cfunc_with_narrow_types():
    c = impl.cfunc("uint8(uint8)")(add_one)
    assert c.ctypes(255) == 0
    f = impl.cfunc("float32(float32, float32)")(div)
    assert f.ctypes(1.0, 3.0) == float(F32(1) / F32(3))
    assert isinstance(c.address, int) and ctypes.c_void_p(c.address).value


def test_vectorize_with_narrow_signature():
    v = impl.vectorize(["uint8(uint8)"])(add_one)
    out = v(np.array([0, 254, 255], np.uint8))
    assert out.dtype == np.uint8 and out.tolist() == [1, 255, 0]


def test_pickled_copy_keeps_the_narrow_return():
    import pickle
    v = impl.njit("uint8(uint8)")(double)
    w = pickle.loads(pickle.dumps(v))
    assert w(200) == 144 and [tuple(map(str, s)) for s in w.signatures] == [("uint8",)]


def pair(x):
    return x, x


def sum_diff(a, b):
    return a + b, a - b


def test_tuple_return_with_sized_items():
    # as Numba: each item converts to its type (a float truncates to an int, then wraps)
    assert impl.njit("Tuple((int16, float32))(float64)")(pair)(70000.7) == (4464, float(F32(70000.7)))
    assert impl.njit("UniTuple(uint8, 2)(int64, int64)")(sum_diff)(250, 10) == (4, 240)
    assert impl.njit("Tuple((float64, int32))(float64)")(pair)(3.9) == (3.9, 3)


def ident(x):
    return x


def minus(h, x):
    return h - x


def full_of(x):
    return np.full(2, x)


def test_numpy_int_arguments_are_typed_as_numba_types_them():
    # np.int8 ... np.uint32 arguments make their own specialisations, named as numba names them,
    # held as int64; an np.uint32 meeting an np.uint64 is unsigned, np.full keeps an np.int16's dtype
    f = impl.njit(ident)
    for v in (np.int8(-1), np.uint8(1), np.int16(1), np.uint16(1), np.int32(1), np.uint32(1), 5):
        assert f(v) == int(v)
    assert [tuple(str(t) for t in s) for s in f.signatures] == [
        ("int8",), ("uint8",), ("int16",), ("uint16",), ("int32",), ("uint32",), ("int64",)]
    assert impl.njit(minus)(np.uint64(5), np.uint32(7)) == 2 ** 64 - 2
    assert impl.njit(full_of)(np.int16(7)).dtype == np.int16


def neg_inv(x):
    return -x, ~x


def neg_inv_elements(a):
    return -a[0], ~a[1]


def test_negation_and_inversion_wrap_at_a_numpy_ints_width():
    # as NumPy and Numba: -np.uint8(5) is 251, ~np.uint32(5) 4294967290, -np.int8(-128) -128
    f = impl.njit(neg_inv)
    for v in (np.uint8(5), np.uint16(5), np.uint32(5), np.int8(-128), np.int16(7), np.int32(-2 ** 31)):
        with np.errstate(over="ignore"):
            want = tuple(int(w) for w in (-v, ~v))
        assert f(v) == want
    assert f(5) == (-5, -6)
    g = impl.njit(neg_inv_elements)
    assert g(np.array([5, 6], np.uint8)) == (251, 249) and g(np.array([-128, 3], np.int8)) == (-128, -4)


def test_narrowing_ranks_after_widening():
    # as Numba ranks conversions: one that may lose the value (int64 -> int32, uint8 -> int8,
    # float64 -> float32) only where no widening one takes the arguments
    g = impl.njit(["int32(int32, int32)", "float64(float64, float64)"])(lambda x, y: x * y)
    assert g(3, 4) == 12.0 and type(g(3, 4)) is float
    assert g(np.int32(3), np.int32(4)) == 12 and type(g(np.int32(3), np.int32(4))) is int
    k = impl.njit(["float32(float32)", "int8(int8)"])(lambda x: x * 2)
    assert type(k(np.uint8(3))) is float and k(np.int8(3)) == 6 and type(k(np.int8(3))) is int
    two = impl.njit(["int64(int64)", "float64(float64)"])(lambda x: x * 2)
    assert two(np.float32(2.5)) == 5.0 and two(np.int16(7)) == 14 and type(two(np.int16(7))) is int


@pytest.mark.parametrize("name,dtype", [("intc", np.int32), ("uintc", np.uint32), ("char", np.int8),
                                        ("uchar", np.uint8), ("short", np.int16), ("ushort", np.uint16),
                                        ("long_", np.int64), ("longlong", np.int64), ("ssize_t", np.int64),
                                        ("ulong", np.uint64), ("ulonglong", np.uint64), ("size_t", np.uint64),
                                        ("uint", np.uint64), ("byte", np.uint8)])
def test_c_type_names(name, dtype):
    # C's names, as Numba exports them (LP64), in signature strings and as objects
    t = getattr(impl, name)
    assert str(t) == np.dtype(dtype).name
    f = impl.njit(f"{name}({name})")(add_one)
    assert f(5) == 6 and f.signatures[0][0] == t
    g = impl.njit(t(t[:]))(lambda a: a[0])
    assert g(np.arange(3, dtype=dtype) + 7) == 7


def test_numba_error_classes():
    for name in ("NumbaTypeError", "NumbaValueError", "NumbaIndexError", "NumbaKeyError", "NumbaAttributeError",
                 "NumbaAssertionError", "NumbaNotImplementedError"):
        assert issubclass(getattr(impl, name), impl.errors.TypingError)
    for name in ("NumbaPedanticWarning", "NumbaIRAssumptionWarning", "NumbaSystemWarning", "NumbaInvalidConfigWarning",
                 "NumbaDebugInfoWarning"):
        assert issubclass(getattr(impl, name), impl.NumbaWarning)
    assert issubclass(impl.NumbaRuntimeError, impl.errors.NumbaError)
