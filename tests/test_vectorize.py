"""@vectorize and @guvectorize: real NumPy ufuncs over loops ember compiles around the kernel.
Differential against the plain Python kernel applied element by element (np.vectorize with the
loop's output dtype), over dtypes, broadcasting, out=, where=, reduce/accumulate/outer/at,
strided and empty operands; DUFunc (no signatures) compiling a loop per input dtypes;
target='parallel'; exceptions raised by the kernel; @njit callers; cache=True across processes;
and bad declarations giving clear errors."""

import json
import math
import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from difftest import ON_NUMBA, errors, impl, no_leaks  # noqa: F401 (autouse fixture)

pytestmark = pytest.mark.skipif(ON_NUMBA, reason="isinstance(f, np.ufunc) and ember's messages")
vectorize, guvectorize, njit = impl.vectorize, impl.guvectorize, impl.njit


def rel_diff(x, y):
    m = max(abs(x), abs(y))
    if m == 0:
        return 0.0
    return abs(x - y) / m


def clamp_scale(x, k):
    if x < 0:
        return 0
    return x * k


def reference(fn, otype, *args):
    return np.vectorize(fn, otypes=[otype])(*args)


def same(expected, got):
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-6 if got.dtype == np.float32 else 1e-15)


# Loops are tried in the order given, the first each input casts to safely, as in Numba (whose
# documentation says to list the most specific first): float32 before float64, uint8 before int64.
REL = vectorize(["float32(float32, float32)", "float64(float64, float64)"])(rel_diff)
CLAMP = vectorize(["uint8(uint8, uint8)", "int64(int64, int64)", "float64(float64, float64)"])(clamp_scale)


def test_signatures_build_a_numpy_ufunc():
    assert isinstance(REL, np.ufunc)
    assert REL.types == ["ff->f", "dd->d"] and REL.nin == 2 and REL.nout == 1 and REL.__name__ == "rel_diff"
    assert CLAMP.types == ["BB->B", "ll->l", "dd->d"]


def test_the_first_loop_an_input_casts_to_runs():
    """Numba's rule, not NumPy's exact match: with float64 listed first, float32 runs it."""
    wide_first = vectorize(["float64(float64, float64)", "float32(float32, float32)"])(rel_diff)
    x = np.array([1.0, 2.5, -3.0], np.float32)
    got = wide_first(x, np.float32(2))
    same(reference(rel_diff, np.float64, x.astype(np.float64), 2.0), got)
    assert type(wide_first(np.float32(1), np.float32(3))) is np.float64
    assert REL(x, np.float32(2)).dtype == np.float32 and REL(x, 2.0).dtype == np.float32   # 2.0 is weak
    assert REL(x, np.float64(2)).dtype == np.float64
    assert CLAMP(np.arange(3, dtype=np.int16), np.int16(2)).dtype == np.int64   # int16 does not cast to uint8


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_elementwise_and_broadcasting(dtype):
    rng = np.random.default_rng(1)
    x = (rng.standard_normal((4, 5)) * 10).astype(dtype)
    y = (rng.standard_normal(5) * 10).astype(dtype)
    y[0], x[1, 2] = 0, 0
    same(reference(rel_diff, dtype, x, y), REL(x, y))
    same(reference(rel_diff, dtype, x[:, ::2], y[::2]), REL(x[:, ::2], y[::2]))    # strided views
    same(reference(rel_diff, dtype, x.T, y[:4]), REL(x.T, y[:4]))
    same(reference(rel_diff, dtype, x, dtype(3)), REL(x, dtype(3)))                 # a stride-0 operand
    assert REL(np.zeros(0, dtype), np.zeros(0, dtype)).shape == (0,)
    assert REL(dtype(1), dtype(3)) == pytest.approx(2 / 3) and type(REL(dtype(1), dtype(3))) is dtype


@pytest.mark.parametrize("dtype", [np.int64, np.uint8, np.float64])
def test_integer_and_float_loops(dtype):
    x = np.array([-3, 0, 1, 2, 100, 200], dtype=np.int64).astype(dtype)
    k = np.array(3, dtype)
    got = CLAMP(x, k)
    assert got.dtype == dtype
    wide = np.float64 if dtype == np.float64 else np.int64   # uint8 computes as int64, then wraps on store
    np.testing.assert_array_equal(got, reference(clamp_scale, wide, x, k).astype(dtype))


def test_numpy_casting_picks_a_loop():
    got = REL(np.arange(1, 4, dtype=np.int32), 2.0)    # int32 casts to the float64 loop
    same(reference(rel_diff, np.float64, np.arange(1, 4), 2.0), got)
    with pytest.raises(TypeError, match="not supported for the input types"):
        REL(np.array(["a"]), 1.0)


def test_out_where_and_methods():
    x, y = np.arange(1.0, 7.0), np.full(6, 2.0)
    out = np.full(6, -1.0)
    r = REL(x, y, out=out)
    assert r is out
    same(reference(rel_diff, np.float64, x, y), out)
    out = np.full(6, -1.0)
    REL(x, y, out=out, where=x > 3)
    expected = np.where(x > 3, reference(rel_diff, np.float64, x, y), -1.0)
    same(expected, out)

    add = vectorize(["int64(int64, int64)", "float64(float64, float64)"], identity=0)(lambda a, b: a + 2 * b)
    a = np.arange(6.0).reshape(2, 3)
    assert add.reduce(np.arange(4.0)) == ((0 + 2 * 1) + 2 * 2) + 2 * 3
    same(2 * a[0] + 2 * a[1], add.reduce(a, axis=0))     # NumPy starts from the identity, 0
    same(np.array([0.0, 2.0, 6.0, 12.0]), add.accumulate(np.arange(4.0)))
    same(np.array([[0.0, 2.0], [1.0, 3.0]]), add.outer(np.arange(2.0), np.arange(2.0)))
    assert add.reduce(np.zeros(0)) == 0.0   # identity=0
    v = np.arange(4.0)
    add.at(v, [0, 0, 2], 1.0)
    same(np.array([4.0, 1.0, 4.0, 3.0]), v)
    assert add.reduce(np.arange(5)) == 20 and add.reduce(np.arange(5)).dtype == np.int64


def test_dynamic_ufunc_compiles_per_input_dtypes():
    @vectorize
    def g(x, y):
        return x * y + 1

    assert not isinstance(g, np.ufunc) and g.types == []
    assert g(2, 3) == 7
    same(np.array([1.0, 2.5, 4.0]), g(np.arange(3), 1.5))
    assert g.types == ["ll->l", "ld->d"]
    r = g(np.arange(3, dtype=np.int32), np.int32(2))
    assert r.dtype == np.int64 and list(r) == [1, 3, 5]     # int32 computes as int64, as in Numba
    assert g.reduce(np.arange(1, 4)) == (1 * 2 + 1) * 3 + 1
    same(np.array([[1.0, 1.0], [1.0, 2.0]]), g.outer(np.arange(2.0), np.arange(2.0)))
    g.add("float32(float32, float32)")
    assert "ff->d" in g.types   # the kernel computes float32 in float64
    assert g.ntypes == len(g.types) == 5 and g.__name__ == "g"
    with pytest.raises(TypeError, match="takes 2 arguments"):
        g(1)


def test_parallel_target_matches_serial():
    def poly(x):
        return math.sin(x) * x + 0.5 * x * x

    par = vectorize(["float32(float32)", "float64(float64)"], target="parallel")(poly)
    ser = vectorize(["float64(float64)"])(poly)
    x = np.random.default_rng(2).random(200_003)
    same(ser(x), par(x))
    same(ser(x[::3]), par(x[::3]))
    assert par(x.astype(np.float32)).dtype == np.float32


def checked_sqrt(x):
    if x < 0:
        raise ValueError("negative input")
    return math.sqrt(x)


@pytest.mark.parametrize("target", ["cpu", "parallel"])
def test_kernel_exceptions_reach_the_caller(target):
    f = vectorize(["float64(float64)"], target=target)(checked_sqrt)
    x = np.arange(100_000.0)
    same(np.sqrt(x), f(x))
    x[70_000] = -1.0
    with pytest.raises(ValueError, match="negative input"):
        f(x)
    div = vectorize(["int64(int64, int64)"], target=target, error_model="python")(lambda a, b: a // b)
    with pytest.raises(ZeroDivisionError):
        div(np.arange(5), np.array([1, 1, 0, 1, 1]))


@pytest.mark.parametrize("target", ["cpu", "parallel"])
def test_kernels_divide_as_numpy_by_default(target):
    # Numba compiles ufunc kernels with error_model="numpy": x / 0 is inf or nan, x // 0 is 0
    fdiv = vectorize(["float64(float64, float64)"], target=target)(lambda a, b: a / b)
    with np.errstate(divide="ignore", invalid="ignore"):
        same(np.array([np.inf, np.nan, -np.inf, 0.5]), fdiv(np.array([1.0, 0.0, -1.0, 1.0]), np.array([0.0, 0.0, 0.0, 2.0])))
    idiv = vectorize(["int64(int64, int64)"], target=target)(lambda a, b: a // b)
    same(np.array([0, 0, 2, 0]), idiv(np.array([1, 5, 4, -3]), np.array([0, 0, 2, 0])))
    imod = vectorize(["int64(int64, int64)"], target=target)(lambda a, b: a % b)
    same(np.array([0, 1]), imod(np.array([7, 5]), np.array([0, 2])))


def test_called_from_njit_with_scalars():
    @njit
    def use(x, y):
        return REL(x, y) + CLAMP(x, 2.0)

    assert use(1.0, 3.0) == rel_diff(1.0, 3.0) + clamp_scale(1.0, 2.0)

    @vectorize
    def dyn(x):
        return x + 1

    @njit
    def use_dyn(n):
        return dyn(n) * 2

    assert use_dyn(3) == 8


def test_called_from_njit_with_arrays_broadcasts_like_the_ufunc():
    @njit
    def use(a, b):
        return REL(a, b)

    rng = np.random.default_rng(6)
    a, b = rng.standard_normal((3, 4)), rng.standard_normal(4)
    for x, y in [(a, b), (a, 0.5), (0.5, b), (a[:, :1], b), (a.T[::2], a[0, :3]), (a[::-1], a),
                 (a[:, :1], np.zeros(0)), (np.zeros((0, 4)), b), (a[:1], a[:, :1])]:
        same(REL(x, y), use(x, y))
    ro = a.copy()
    ro.flags.writeable = False
    same(REL(ro, ro), use(ro, ro))
    with pytest.raises(ValueError, match="could not be broadcast"):
        use(a, np.ones(3))
    with pytest.raises(ValueError, match="could not be broadcast"):
        use(np.zeros((0, 4)), np.ones((2, 1)))

    @njit
    def use_int(n):
        return CLAMP(np.arange(n) - 2, 3)

    np.testing.assert_array_equal(use_int(5), CLAMP(np.arange(5) - 2, 3))

    @vectorize
    def dyn(x):
        return x * 2

    @njit
    def use_dyn(a):
        return dyn(a) + 1

    np.testing.assert_array_equal(use_dyn(np.arange(3)), [1, 3, 5])
    assert use_dyn(np.arange(3.0)).dtype == np.float64


def test_elementwise_calls_raise_and_do_not_leak():
    f = vectorize(["float64(float64)"])(checked_sqrt)

    @njit
    def use(a):
        return f(a) * 2

    same(np.sqrt(np.arange(4.0)) * 2, use(np.arange(4.0)))
    with pytest.raises(ValueError, match="negative input"):
        use(np.array([1.0, -1.0]))    # the output allocated before the failure is freed (no_leaks)


def test_elementwise_call_with_a_0d_array_is_a_located_error():
    @njit
    def use(a):
        return REL(a, 1.0)

    with pytest.raises(errors.UnsupportedError) as e:
        use(np.array(2.0))
    text = str(e.value)
    assert "rel_diff is a @vectorize function: compiled code calls it with numbers and arrays of one or more" in text
    assert "argument 1 is array(float64, 0d, C)" in text and "return REL(a, 1.0)" in text and "^^^" in text


def test_bad_declarations():
    with pytest.raises(TypeError, match="must be a scalar type"):
        vectorize(["float64(float64[:])"])(lambda x: x)
    with pytest.raises(TypeError, match="has 1 parameters but .*<lambda> takes 2"):
        vectorize(["float64(float64)"])(lambda x, y: x)
    with pytest.raises(TypeError, match="invalid signature"):
        vectorize(["float64(float64"])(lambda x: x)
    with pytest.raises(errors.UnsupportedError, match="'cpu' and 'parallel'"):
        vectorize(["float64(float64)"], target="cuda")
    with pytest.raises(TypeError, match="unknown option"):
        vectorize(["float64(float64)"], bogus=1)
    with pytest.raises(errors.TypingError, match="cannot add"):
        vectorize(["float64(float64)"])(lambda x: x + "s")
    assert vectorize(["int64(float64)"])(lambda x: x * 1.5)(np.array([3.0, -3.0])).tolist() == [4, -4]   # truncated
    with pytest.raises(errors.TypingError, match="does not convert to the signature's float64"):
        vectorize(["float64(float64)"])(lambda x: x * 1j)


# ---- guvectorize ------------------------------------------------------------------------------
def shift(x, k, out):
    for i in range(x.shape[0]):
        out[i] = x[i] + k


def matvec(a, x, out):
    for i in range(a.shape[0]):
        s = 0.0
        for j in range(a.shape[1]):
            s += a[i, j] * x[j]
        out[i] = s


SHIFT = guvectorize(["void(float64[:], float64, float64[:])", "void(int32[:], int32, int32[:])"],
                    "(n),()->(n)")(shift)
MATVEC = guvectorize(["void(float64[:, :], float64[:], float64[:])"], "(m,n),(n)->(m)")(matvec)


def test_gufunc_is_a_generalized_ufunc():
    assert isinstance(SHIFT, np.ufunc) and SHIFT.signature == "(n),()->(n)" and SHIFT.types == ["dd->d", "ii->i"]
    x = np.arange(6.0).reshape(2, 3)
    same(x + np.array([[10.0], [20.0]]), SHIFT(x, np.array([10.0, 20.0])))
    assert SHIFT(x, np.array([10.0, 20.0])[:, None]).shape == (2, 2, 3)   # loop dimensions broadcast
    r = SHIFT(np.arange(4, dtype=np.int32), np.int32(3))
    assert r.dtype == np.int32 and list(r) == [3, 4, 5, 6]
    out = np.zeros(4)
    SHIFT(np.arange(4.0), 1.0, out=out)
    same(np.arange(1.0, 5.0), out)


def test_gufunc_core_dimensions_and_strides():
    rng = np.random.default_rng(3)
    a, x = rng.random((3, 4, 5)), rng.random(5)
    same(a @ x, MATVEC(a, x))
    same(a[:, ::2, ::2] @ x[::2], MATVEC(a[:, ::2, ::2], x[::2]))     # non-contiguous core strides
    same(a.transpose(0, 2, 1)[:, :4] @ x[:4], MATVEC(a.transpose(0, 2, 1)[:, :4], x[:4]))
    with pytest.raises(ValueError, match="mismatch in its core dimension"):
        MATVEC(a, np.ones(4))


def test_gufunc_parallel_and_errors():
    par = guvectorize(["void(float64[:], float64, float64[:])"], "(n),()->(n)", target="parallel")(shift)
    x = np.random.default_rng(4).random((5000, 7))
    same(x + 2.0, par(x, 2.0))

    def checked(x, out):
        for i in range(x.shape[0]):
            if x[i] < 0:
                raise ValueError("negative")
            out[i] = x[i]

    g = guvectorize(["void(float64[:], float64[:])"], "(n)->(n)")(checked)
    with pytest.raises(ValueError, match="negative"):
        g(np.array([[1.0, 2.0], [3.0, -1.0]]))


OTHER_UFUNC = np.frompyfunc(lambda x: x, 1, 1)


def test_foreign_ufunc_from_njit_is_a_located_error():
    @njit
    def use(a):
        return OTHER_UFUNC(a)

    with pytest.raises(errors.UnsupportedError, match="global 'OTHER_UFUNC' is a ufunc compiled code cannot call") as e:
        use(np.ones(3))
    assert "return OTHER_UFUNC(a)" in str(e.value)


def test_gufunc_bad_declarations():
    with pytest.raises(TypeError, match="has 1 dimensions; its layout has 2"):
        guvectorize(["void(float64[:], float64[:])"], "(m,n)->(n)")(lambda a, out: None)
    with pytest.raises(TypeError, match="outputs and operands with core dimensions are arrays"):
        guvectorize(["void(float64[:], float64)"], "(n)->()")(lambda a, out: None)
    with pytest.raises(TypeError, match="has 3 parameters but the layout"):
        guvectorize(["void(float64[:], float64, float64[:])"], "(n)->(n)")(lambda a, out: None)
    with pytest.raises(ValueError, match="invalid gufunc layout"):
        guvectorize(["void(float64[:], float64[:])"], "(n)=>(n)")
    with pytest.raises(TypeError, match="takes a list of signatures and a layout"):
        guvectorize(["void(float64[:], float64[:])"])
    with pytest.raises(errors.TypingError, match="returns float64"):
        guvectorize(["void(float64[:], float64[:])"], "(n)->(n)")(lambda a, out: a[0])



def scale_in_place(x, y):
    for i in range(x.shape[0]):
        x[i] *= y


@pytest.mark.parametrize("which", [("x",), (0,)])
def test_gufunc_without_outputs_writes_its_writable_inputs(which):
    g = guvectorize(["void(float64[:], float64)"], "(n),()", writable_args=which)(scale_in_place)
    assert g.nout == 0 and g.signature == "(n),()"
    x = np.arange(6.0).reshape(2, 3)
    assert g(x, 2.0) == ()
    assert x.tolist() == [[0.0, 2.0, 4.0], [6.0, 8.0, 10.0]]
    xi = np.arange(3)   # cast to the float64 loop, then written back (NumPy's UPDATEIFCOPY)
    g(xi, 3.0)
    assert xi.tolist() == [0, 3, 6]
    frozen = np.arange(3.0)
    frozen.flags.writeable = False
    with pytest.raises(ValueError, match="read-only"):
        g(frozen, 2.0)

    def use(x, y):
        g(x, y)
        return x.sum()
    assert njit(use)(np.arange(4.0), 0.5) == 3.0
    with pytest.raises(errors.TypingError, match="written in place"):
        njit(use)(np.arange(4), 0.5)


def test_gufunc_writable_args_are_checked():
    with pytest.raises(ValueError, match="'z' is not an input of scale_in_place"):
        guvectorize(["void(float64[:], float64)"], "(n),()", writable_args=("z",))(scale_in_place)
    with pytest.raises(TypeError, match="unknown option"):
        vectorize(["float64(float64)"], writable_args=(0,))(lambda x: x)


def test_dynamic_gufunc_without_outputs():
    g = guvectorize("(n),()", writable_args=("x",))(scale_in_place)
    x = np.arange(3.0)
    g(x, -1.0)
    assert x.tolist() == [-0.0, -1.0, -2.0]

# ---- cache=True -------------------------------------------------------------------------------
def test_cache_loads_loops_without_llvm(tmp_path):
    (tmp_path / "ukern.py").write_text(textwrap.dedent('''
        import math
        from ember import vectorize, guvectorize

        @vectorize(["float64(float64)", "float32(float32)"], cache=True)
        def soft(x):
            return math.log1p(math.exp(x))

        @guvectorize(["void(float64[:], float64[:])"], "(n)->(n)", cache=True)
        def cums(x, out):
            s = 0.0
            for i in range(x.shape[0]):
                s += x[i]
                out[i] = s
    '''))
    script = textwrap.dedent('''
        import json, sys, numpy as np, ukern
        x = np.linspace(-3, 3, 7)
        print(json.dumps([ukern.soft(x).tolist(), ukern.cums(x).tolist(), "ember._embercc" in sys.modules]))
    ''')
    env = dict(os.environ, PYTHONPATH=str(tmp_path), EMBER_CACHE_DIR=str(tmp_path / "cache"))
    runs = [subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=120) for _ in range(2)]
    for r in runs:
        assert r.returncode == 0, r.stderr
    first, second = (json.loads(r.stdout) for r in runs)
    assert first[2] is True and second[2] is False    # the second process loaded LLVM for nothing
    assert first[:2] == second[:2]
    x = np.linspace(-3, 3, 7)
    assert second[0] == pytest.approx(np.log1p(np.exp(x)).tolist()) and second[1] == pytest.approx(np.cumsum(x).tolist())


def test_cached_callers_see_a_changed_kernel(tmp_path):
    """An @njit(cache=True) caller inlines the vectorized kernel: its cache key follows the kernel."""
    script = textwrap.dedent('''
        import json, sys, ukern2
        print(json.dumps([ukern2.use(2.0), ukern2.use.stats["cache_hits"]]))
    ''')
    env = dict(os.environ, PYTHONPATH=str(tmp_path), EMBER_CACHE_DIR=str(tmp_path / "cache"),
               PYTHONDONTWRITEBYTECODE="1")   # the module is rewritten within a second
    results = []
    for factor in (2, 2, 3):
        (tmp_path / "ukern2.py").write_text(textwrap.dedent(f'''
            from ember import vectorize, njit

            @vectorize(["float64(float64)"], cache=True)
            def scale(x):
                return {factor} * x

            @njit(cache=True)
            def use(x):
                return scale(x) + 1
        '''))
        r = subprocess.run([sys.executable, "-c", script], cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=120)
        assert r.returncode == 0, r.stderr
        results.append(json.loads(r.stdout))
    assert results == [[5.0, 0], [5.0, 1], [7.0, 0]]


def test_dropped_ufuncs_free_their_code():
    import gc
    from ember._ember import code_stats

    def make():
        f = vectorize(["float64(float64)", "int64(int64)"])(lambda x: x + 1)
        g = vectorize(lambda x: x * 2)
        g(1.0)
        h = guvectorize(["void(float64[:], float64[:])"], "(n)->(n)")(shift_one)
        return f(1.0) + g(2.0) + h(np.ones(2))[0]

    assert make() == 8.0
    gc.collect()
    before = code_stats()["objects"]
    for _ in range(3):
        assert make() == 8.0
    gc.collect()
    assert code_stats()["objects"] == before


def shift_one(x, out):
    for i in range(x.shape[0]):
        out[i] = x[i] + 1


def test_keyword_arguments_to_an_ember_ufunc_in_compiled_code_are_a_located_error():
    def f(a, b):
        return REL(a, b, out=np.empty(3))
    if ON_NUMBA:
        pytest.skip("ember's diagnostics")
    with pytest.raises(errors.UnsupportedError, match="keyword arguments to .* are not supported in compiled code"):
        njit(f)(np.ones(3), np.ones(3))


def f32_mix(x, y):
    return x * y + x


def test_lazy_float32_loop_computes_and_returns_float32():
    # as Numba's DUFunc: float32 inputs give a float32 loop, computed in float32
    f = vectorize(f32_mix)
    a = np.linspace(0, 1, 7, dtype=np.float32)
    out = f(a, a)
    assert out.dtype == np.float32 and np.array_equal(out, a * a + a)
    g = vectorize(lambda x: x * 2.5)   # a float32 times a Python float is a float64 (Numba's rule)
    assert g(a).dtype == np.float64


@vectorize(["float32(float32, float32)"])
def dphi32(a, b):
    return (a - b + np.pi) % (2 * np.pi) - np.pi


def test_a_float32_loop_called_from_njit():
    # the declared loop's types: float32 values computed as Numba's and rounded to float32, and a
    # float32 array for float32 arrays (coffea's delta_phi; it was float64 and not rounded)
    @njit
    def scalars(a, b):
        return dphi32(a, b)

    @njit
    def arrays(a, b):
        return dphi32(a, b)

    x, y = np.float32(-2.404558), np.float32(1.3814374)
    assert scalars(x, y) == float(dphi32(x, y))
    u, v = np.array([x, 0.5], np.float32), np.array([y, 2.5], np.float32)
    r = arrays(u, v)
    assert r.dtype == np.float32 and np.array_equal(r, dphi32(u, v))


def suppress(v, threshold):
    if abs(v) >= threshold:
        return v
    return 0.0


SUPPRESS = vectorize(["float64(float64, float64)", "float32(float32, float32)"])(suppress)


@pytest.mark.parametrize("dtype", ["float64", "float32", "int16"])
def test_a_scalar_beside_arrays(dtype):
    # NumPy passes a scalar (or a length-1 axis broadcast) with step 0: the loop reads it once and
    # the arrays as the contiguous loop does (numba-examples' zero_suppression, 2-4x faster)
    rng = np.random.default_rng(7)
    x = (rng.standard_normal(1001) * 6).astype(dtype)
    dyn = vectorize(suppress)
    for f in (SUPPRESS, dyn):
        got = f(x, 4.0)
        same(reference(suppress, got.dtype, x, got.dtype.type(4.0)), got)
        same(reference(suppress, got.dtype, 4.0, x), f(4.0, x))   # the scalar first
        m = x[:1000].reshape(40, 25)
        col = np.abs(m[:, :1]) + 1.0                               # (40, 1): step 0 along the rows
        got = f(m, col)
        same(reference(suppress, got.dtype, m, col), got)
        assert f(x[:0], 4.0).shape == (0,) and f(x[::2], 4.0).shape == (501,)   # empty; strided
        same(reference(suppress, f(x[::2], 4.0).dtype, x[::2], 4.0), f(x[::2], 4.0))
