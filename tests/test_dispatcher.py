"""The Dispatcher: lazy compilation once per argument-type signature, eager compilation from
explicit signature strings (one or a list) with argument conversion, py_func, inspect_llvm and
inspect_asm, decorator forms and options, concurrent first calls from several threads, and
unsupported argument types raising an exception instead of crashing."""

import math
import threading

import numpy as np
import pytest

from difftest import ON_NUMBA, errors, impl, njit, numba_xfail
from difftest import no_leaks  # noqa: F401  (autouse: every test frees what it allocates)


def sig_names(dispatcher):
    """signatures as tuples of type names, e.g. [("int64",), ("float64",)]."""
    return [tuple(str(t) for t in sig) for sig in dispatcher.signatures]


def plus_one(x):
    return x + 1


def times(a, b):
    return a * b


def double(a):
    return a * 2


# ------------------------------------------------------------------ lazy compilation


def test_lazy_compile_per_signature():
    f = njit(plus_one)
    assert len(f.signatures) == 0  # nothing compiled before the first call
    assert f(1) == 2
    assert sig_names(f) == [("int64",)]
    assert f(41) == 42
    assert sig_names(f) == [("int64",)]  # same types: no second compile
    r = f(1.5)
    assert type(r) is float and r == 2.5
    assert sig_names(f) == [("int64",), ("float64",)]
    assert type(f(7)) is int
    assert len(f.signatures) == 2


def test_lazy_compile_two_arguments():
    f = njit(times)
    f(2, 3)
    f(2, 3.0)
    f(2.0, 3)
    f(4, 5)
    assert sig_names(f) == [("int64", "int64"), ("int64", "float64"), ("float64", "int64")]


def test_stats_exists():
    f = njit(plus_one)
    f(1)
    assert f.stats is not None


# ------------------------------------------------------------------ explicit signatures


def test_explicit_signature_compiles_eagerly():
    f = njit("float64(float64, int64)")(times)
    assert sig_names(f) == [("float64", "int64")]  # before any call
    r = f(1.5, 4)
    assert type(r) is float and r == 6.0
    r = f(2, 3)  # int converts to the float64 parameter
    assert type(r) is float and r == 6.0
    assert sig_names(f) == [("float64", "int64")]  # no new specialisation from the call


def test_explicit_signature_truncates_float_for_int():
    f = njit("float64(float64, int64)")(times)
    assert f(1.5, 2.5) == 3.0   # as Numba converts: a float for an int parameter truncates
    assert sig_names(f) == [("float64", "int64")]


def test_explicit_signature_rejects_str():
    f = njit("float64(float64, int64)")(times)
    with pytest.raises(TypeError):
        f("a", 2)
    with pytest.raises(TypeError):
        f(1.0, "2")
    assert f(0.5, 3) == 1.5  # still usable


def test_signature_list_picks_matching():
    f = njit(["int64(int64)", "float64(float64)"])(double)
    assert sorted(sig_names(f)) == [("float64",), ("int64",)]
    r = f(21)
    assert type(r) is int and r == 42
    r = f(2.25)
    assert type(r) is float and r == 4.5
    with pytest.raises(TypeError):
        f("x")
    assert len(f.signatures) == 2



def add2(x, y):
    return x + y


def test_signature_of_argument_types_only():
    # "float32, float32" is a tuple of argument types to Numba (suite2p's oasis): no return type
    f = njit(["float32, float32", "float64, float64"])(add2)
    assert sorted(sig_names(f)) == [("float32", "float32"), ("float64", "float64")]
    assert f(1.0, 2.5) == 3.5

def test_explicit_signature_return_conversion():
    f = njit("float64(int64)")(double)
    r = f(3)
    assert type(r) is float and r == 6.0


# ------------------------------------------------------------------ decorator forms


def test_inspect_types_writes_to_a_file_as_numbas():
    import io

    f = njit(lambda x: x + 1)
    f(3)
    f(2.5)
    buf = io.StringIO()
    assert f.inspect_types(file=buf) is None
    text = buf.getvalue()
    assert "int64" in text and "float64" in text
    if not ON_NUMBA:
        by_sig = f.inspect_types()
        assert len(by_sig) == 2 and all(isinstance(t, str) for t in by_sig.values())
        one = io.StringIO()
        f.inspect_types(signature=next(iter(by_sig)), file=one)
        assert one.getvalue() == by_sig[next(iter(by_sig))]


def test_py_func_is_original():
    assert njit(plus_one).py_func is plus_one
    assert njit(cache=False)(plus_one).py_func is plus_one
    assert njit("int64(int64)")(plus_one).py_func is plus_one


def keyword_only(a, *, k=2, m):
    return a * k + m


def test_keyword_only_parameters_are_keywords_only():
    f = njit(keyword_only)
    assert f(1, m=3) == 5 and f(1, k=5, m=3) == 8
    if not ON_NUMBA:   # numba binds them positionally
        with pytest.raises(TypeError, match="positional"):
            f(1, 2, 3)


def test_numba_options_that_change_nothing_are_accepted():
    assert njit(debug=True)(plus_one)(3) == 4
    assert njit(no_cfunc_wrapper=True, debug=False)(plus_one)(4) == 5


def test_decorator_forms_and_options():
    @njit
    def bare(x):
        return x - 1

    @njit(cache=False, fastmath=False)
    def with_options(x):
        return x * 0.5

    @impl.jit(nopython=True)
    def via_jit(x):
        return -x

    assert bare(10) == 9
    assert with_options(3) == 1.5
    assert via_jit(2.5) == -2.5


def test_nopython_false_compiles_in_nopython_mode():
    @impl.jit(nopython=False)
    def inc(x):
        return x + 1

    assert inc(41) == 42


def test_forceobj_runs_the_python_function():
    # numba's object mode runs on Python objects with Python's semantics (arviz's
    # purge_duplicates: sorted(set(...)) of a list); ember's interpreter runs it
    @impl.jit(forceobj=True)
    def unique_sorted(a):
        return sorted(set(a.tolist()))

    assert unique_sorted(np.array([3, 1, 3, 2])) == [1, 2, 3]
    assert unique_sorted.py_func(np.array([2, 2])) == [2] and unique_sorted.__name__ == "unique_sorted"


def test_fastmath_still_computes():
    f = njit(fastmath=True)(times)
    assert f(1.5, 4.0) == 6.0


# ------------------------------------------------------------------ inspection


def _texts(result):
    """inspect_llvm/inspect_asm return one str, or a dict signature -> str."""
    if isinstance(result, dict):
        assert result, "no compiled signatures to inspect"
        return list(result.values())
    return [result]


def test_inspect_llvm_and_asm():
    f = njit(times)
    f(2, 3)
    f(2.0, 3.0)
    llvm = _texts(f.inspect_llvm())
    assert all(isinstance(t, str) and t.strip() for t in llvm)
    assert any("define" in t for t in llvm)
    asm = _texts(f.inspect_asm())
    assert all(isinstance(t, str) and t.strip() for t in asm)


def test_inspect_llvm_explicit_signature():
    f = njit("int64(int64)")(plus_one)
    assert any("define" in t for t in _texts(f.inspect_llvm()))


# ------------------------------------------------------------------ threads


def _race(f, args):
    """Call f(a) for every a in args, each in its own thread, all released at once."""
    barrier = threading.Barrier(len(args))
    results = [None] * len(args)

    def worker(i):
        try:
            barrier.wait()
            results[i] = f(args[i])
        except BaseException as e:  # noqa: BLE001 -- compared below
            results[i] = e

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(len(args))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not any(t.is_alive() for t in threads), "a thread hung in its first call"
    return results


def _make_kernel():
    # A fresh Python function each time, so each round starts with an empty dispatcher.
    def kernel(n):
        s = 0
        for i in range(n):
            s += i * i % 7
        return s

    return kernel


@pytest.mark.parametrize("round_", range(4))
def test_concurrent_first_call(round_):
    py = _make_kernel()
    f = njit(py)
    args = [1000 + round_, 2000]
    results = _race(f, args)
    for a, r in zip(args, results):
        assert type(r) is int and r == py(a), (a, r)
    assert sig_names(f) == [("int64",)]
    if not ON_NUMBA:
        assert f.stats["compiles"] == 1   # compiled once, whichever thread got there first


def _make_mixed():
    def mixed(x):
        return x * 3 + 1

    return mixed


def test_concurrent_first_calls_different_signatures():
    py = _make_mixed()
    f = njit(py)
    args = [5, 2.5, 7, 0.5]
    results = _race(f, args)
    for a, r in zip(args, results):
        assert type(r) is type(py(a)) and r == py(a), (a, r)
    assert sorted(sig_names(f)) == [("float64",), ("int64",)]


# ------------------------------------------------------------------ bad arguments


def test_str_argument_on_lazy_dispatcher_raises():
    f = njit(plus_one)
    with pytest.raises((errors.EmberError, TypeError)):
        f("abc")
    assert f(1) == 2  # the dispatcher still works afterwards


def test_wrong_argument_count_raises_type_error():
    f = njit(times)
    with pytest.raises(TypeError):
        f(1)
    with pytest.raises(TypeError):
        f(1, 2, 3)


@pytest.mark.parametrize("sig, arg", [
    ("float64(array(float64, 1d, C))", lambda np: np.ones(3)),
    ("float64(readonly array(float64, 2d, A))", lambda np: np.ones((2, 2))),
    ("float64(array(float64, 2d, F))", lambda np: np.ones((2, 2), order="F")),
    ("float64(UniTuple(float64 x 2))", lambda np: (1.0, 2.0)),
])
def test_type_names_read_back_as_signatures(sig, arg):
    # the names ember prints (and the cache stores) parse back as signatures
    import numpy as np
    import ember
    f = ember.njit(sig)(lambda a: 1.0)
    assert f(arg(np)) == 1.0


@pytest.mark.parametrize("sig", ["float64(array(float64, 1d", "float64(array(float64, 1d,",
                                 "float64(array(float64, 1d, C", "float64(array(float64, 1d, Q))",
                                 "float64(array(float64, d, C))", "float64(array(float65, 1d, C))"])
def test_malformed_array_type_names_raise(sig):
    import ember
    with pytest.raises(TypeError, match="invalid signature"):
        ember.njit(sig)(lambda a: 1.0)


# ---- error_model="numpy" -------------------------------------------------------------------------

def _divisions(x, y, i, j):
    return x / y, x // y, x % y, i // j, i % j, -x / y, divmod(x, y)[0], divmod(x, y)[1]


@pytest.mark.parametrize("args,want", [
    ((1.0, 0.0, 7, 0), (math.inf, math.inf, math.nan, 0, 0, -math.inf, math.inf, math.nan)),
    ((-1.0, 0.0, -7, 0), (-math.inf, -math.inf, math.nan, 0, 0, math.inf, -math.inf, math.nan)),
    ((0.0, 0.0, 0, 0), (math.nan, math.nan, math.nan, 0, 0, math.nan, math.nan, math.nan)),
    ((7.5, 2.0, -7, 2), (3.75, 3.0, 1.5, -4, 1, -3.75, 3.0, 1.5)),
])
def test_error_model_numpy(args, want):
    # Numba's error_model="numpy": division by zero gives inf, nan or 0 instead of raising
    got = njit(error_model="numpy")(_divisions)(*args)
    for g, w in zip(got, want):
        assert (math.isnan(g) and math.isnan(w)) or g == w, (got, want)
    with pytest.raises(ZeroDivisionError):
        njit(_divisions)(1.0, 0.0, 1, 1)


# ---- fastmath=True -------------------------------------------------------------------------------

def _sum_squares(a):
    t = 0.0
    for i in range(a.size):
        t += a[i] * a[i]
    return t


def _nan_guards(x):
    return int(x) if x == x else -1, x != x, min(x, 1.0)


def test_fastmath_reassociates_but_keeps_nan():
    import numpy as np
    a = np.random.default_rng(3).random(10001)
    assert math.isclose(njit(fastmath=True)(_sum_squares)(a), _sum_squares(a), rel_tol=1e-12)
    got = njit(fastmath=True)(_nan_guards)(math.nan)
    assert got[0] == -1 and got[1] is True
    assert njit(fastmath={"reassoc", "contract"})(_nan_guards)(2.5)[0] == 2


def _std_rows(a):
    out = np.zeros(a.shape[0] + 1)
    for i in range(a.shape[0]):   # an inner reduction: one vector per trip
        s = 0
        for j in range(a.shape[1]):
            s += (a[i, j] - 0.5) ** 2
        out[i] = s
    t = 0.0
    for k in range(a.size):       # a loop inside no other: interleaved partial sums
        t += a.flat[k] * 0.5
    out[-1] = t
    return out


@pytest.mark.parametrize("shape", [(0, 0), (1, 1), (3, 7), (5, 33), (2, 70), (1, 257)])
def test_fastmath_reductions_of_every_length(shape):
    a = np.random.default_rng(sum(shape)).random(shape)
    np.testing.assert_allclose(njit(fastmath=True)(_std_rows)(a), _std_rows(a), rtol=1e-12)


@pytest.mark.parametrize("sig,fn,arg,want", [
    ("int64(float64)", lambda x: x * 1.5, 3.0, 4), ("int64(float64)", lambda x: -x * 1.5, 3.0, -4),
    ("boolean(int64)", lambda x: x % 3, 4, True), ("boolean(float64)", lambda x: x - 1.0, 1.0, False),
    ("uint64(int64)", lambda x: x - 1, 5, 4), ("int64(int64)", lambda x: x / 2, 7, 3),
])
def test_explicit_return_type_converts_numbers(sig, fn, arg, want):
    """A signature's number return type converts what the function returns, as Numba: a float to
    an int truncates, a number to a bool tests it (these were TypingErrors)."""
    r = impl.njit(sig)(fn)(arg)
    assert r == want and type(r) is type(want)


def test_nopython_signatures_name_return_and_argument_types():
    import numpy as np
    f = njit(lambda a: a.sum())
    f(np.ones(3, np.float32))
    f(np.ones(2))
    sigs = f.nopython_signatures
    assert [str(s.return_type) for s in sigs] == ["float32", "float64"]
    assert [tuple(str(a.dtype) for a in s.args) for s in sigs] == [("float32",), ("float64",)]
    u = njit("uint8(uint8)")(lambda x: x)
    assert str(u.nopython_signatures[0].return_type) == "uint8"


def test_overloads_map_argument_types_to_compile_results():
    import numpy as np
    f = njit(plus_one)
    f(1)
    f(np.ones(2))
    ov = f.overloads
    assert list(ov) == list(f.signatures)
    r_int, r_arr = ov[f.signatures[0]], ov[f.signatures[1]]
    assert str(r_int.signature.return_type) == "int64"
    assert r_int.entry_point(41) == 42
    assert list(r_arr.entry_point(np.arange(3.0))) == [1.0, 2.0, 3.0]
    assert "define" in r_int.library.get_llvm_str()
    assert r_arr.library.get_asm_str()


def test_disable_compile_stops_new_specialisations():
    import numpy as np
    f = njit(plus_one)
    assert f(1) == 2
    f.disable_compile()
    assert f(np.float32(2.5)) == 3   # converts (truncated) to the compiled int64 signature, as Numba
    assert f(7) == 8
    with pytest.raises(TypeError, match="No matching definition"):
        f(np.ones(2))
    assert len(f.signatures) == 1
    f.disable_compile(False)
    assert list(f(np.ones(2))) == [2.0, 2.0]
    assert len(f.signatures) == 2


SCALE = 2.0


def scaled(x):
    return x * SCALE


def test_recompile_sees_changed_globals():
    # globals are frozen when a function compiles; recompile() compiles every specialisation
    # again (lazy and explicit ones), as Numba's
    global SCALE
    f = njit(scaled)
    g = njit("float64(float64)")(scaled)
    try:
        assert f(1.0) == 2.0 and f(3) == 6.0 and g(1.0) == 2.0
        SCALE = 5.0
        assert f(1.0) == 2.0
        f.recompile()
        g.recompile()
        assert f(1.0) == 5.0 and f(3) == 15.0 and g(1.0) == 5.0
        assert len(f.signatures) == 2 and len(g.signatures) == 1
    finally:
        SCALE = 2.0


def test_config_names_numba_code_reads():
    assert isinstance(impl.config.CACHE_DIR, str)
    assert impl.config.DEBUG in (0, 1)


def test_signature_strings_with_type_constructors():
    # Numba evaluates a signature string in its types namespace: its constructors are calls
    import numpy as np
    typed = pytest.importorskip("numba.typed" if ON_NUMBA else "ember.typed")

    @njit("void(ListType(float64), float64)")
    def push(lst, x):
        lst.append(x * 2.0)

    @njit("float64(DictType(int64, float64), int64)")
    def get(d, k):
        return d[k]

    @njit("float64(Array(float64, 2, 'C'))")
    def total(a):
        return a.sum()

    @njit("float64(Array(float64, 1, 'A', readonly=True))")
    def first(a):
        return a[0]

    lst = typed.List.empty_list(impl.types.float64)
    push(lst, 1.5)
    assert list(lst) == [3.0]
    d = typed.Dict.empty(impl.types.int64, impl.types.float64)
    d[3] = 0.25
    assert get(d, 3) == 0.25
    assert total(np.ones((2, 3))) == 6.0
    ro = np.arange(3.0)[::2]
    ro.flags.writeable = False
    assert first(ro) == 0.0


@pytest.mark.parametrize("x", [np.int8(-3), np.int16(300), np.int32(-70000), np.int64(2**40), np.uint8(200),
                               np.uint16(60000), np.uint32(4000000000), np.uint64(2**40 + 5), np.float32(1.25),
                               np.float64(-2.5), np.bool_(True), np.complex64(1 - 2j), np.longlong(7),
                               np.ulonglong(9)])
def test_numpy_scalar_arguments_keep_their_values(x):
    """Each NumPy scalar type as an argument: the call path's shortcut types and reads it as before."""
    f = impl.njit(lambda v: v)
    g = impl.njit(lambda v: v * 2)
    assert f(x) == x and g(x) == x.item() * 2   # (Numba types uint8 * 2 as int64: no wrap)
    assert impl.njit("float64(float64)")(lambda v: v)(x.real if x.dtype.kind == "c" else x) == float(x.real)
