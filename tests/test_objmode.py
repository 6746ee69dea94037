"""`with objmode(name=type, ...)` blocks: the body runs in the interpreter with the GIL, the
live-ins are boxed, the declared outputs come back typed. Differential against CPython (where
objmode is a context manager that does nothing), and run under numba too
(EMBER_TEST_BACKEND=numba) where numba has the same feature; the exception and cache tests are
ember's own semantics."""

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from difftest import ON_NUMBA, check, errors, impl, jit, no_leaks, numba_skip  # noqa: F401

objmode = impl.objmode
ember_only = numba_skip("ember's own objmode semantics")


def py_cumsum(y):
    return np.cumsum(y)


# ---- values in and out -------------------------------------------------------------------

def issue_example(x):
    y = x * 2
    with objmode(z="float64[:]", n="int64"):
        z = py_cumsum(y)
        n = len(z)
    return z.sum() + n


def test_issue_example():
    check(issue_example, np.arange(6.0))
    check(issue_example, np.arange(12.0).reshape(3, 4)[:, 1])   # a strided live-in


def text_of(x):
    with objmode(r="unicode_type"):
        r = repr(x) + "/" + type(x).__name__
    return r


@pytest.mark.parametrize("value", [0, -7, 2**62, 2.5, float("nan"), -0.0, 1 + 2j, True, False, "héllo", "",
                                   None, (1, 2.5), (1, (True, "s"))], ids=repr)
def test_live_in_scalars(value):
    check(text_of, value)


@pytest.mark.parametrize("make", [lambda: np.arange(6.0), lambda: np.arange(12).reshape(3, 4),
                                  lambda: np.asfortranarray(np.ones((2, 3))), lambda: np.arange(10.0)[::3],
                                  lambda: np.zeros(0), lambda: np.array([True, False])], ids=range(6))
def test_live_in_arrays(make):
    check(text_of, make())


def through(a, b, c, d, t):
    with objmode(a2="float64[:, :]", b2="complex128", c2="boolean", d2="unicode_type", t2="Tuple((int64, float64))"):
        a2 = np.ascontiguousarray(a.T) * 2
        b2 = b * 1j
        c2 = not c
        d2 = d.upper()
        t2 = (t[0] + 1, t[1] * 2)
    return a2, b2, c2, d2, t2


def test_outputs_of_each_kind():
    check(through, np.arange(6.0).reshape(2, 3), 2.0, True, "abc", (1, 2.5))


F64_1D = impl.types.float64[:]


def typed_outputs(x):
    with objmode(a=F64_1D, n=impl.types.int64, f=impl.types.float64):
        a = np.linspace(0.0, 1.0, 5) * x
        n = 3
        f = 1.5
    return a, n, f


def test_type_objects():
    check(typed_outputs, 2.0)


def numbers_convert(x):
    with objmode(f="float64", c="complex128"):
        f = x          # an int where a float is declared
        c = 2          # and where a complex is
    return f, c


def test_ints_convert_to_declared_floats():
    assert jit(numbers_convert)(3) == (3.0, 2 + 0j)
    assert type(jit(numbers_convert)(3)[0]) is float


@ember_only
def test_tuple_spellings():
    @impl.njit
    def f(x):
        with objmode(a="Tuple(int64, float64)", b="Tuple((int64, float64))", c="UniTuple(int64, 2)"):
            a = b = (x, 2.0)
            c = (x, x)
        return a, b, c
    assert f(1) == ((1, 2.0), (1, 2.0), (1, 1))


@ember_only
def test_containers_cross():
    @impl.njit
    def f(l, d, n):
        with objmode(l2="list(int64)", d2="dict(int64, float64)", s="set(int64)", n2="none"):
            l2 = l + [99]
            d2 = {k: v * 2 for k, v in d.items()}
            s = set(l)
            n2 = n
        return l2, d2, s, n2
    assert f([1, 2], {1: 2.0}, None) == ([1, 2, 99], {1: 4.0}, {1, 2}, None)


def no_outputs(x):
    with objmode():
        t = x + 1      # a local of the block only
        print(t)
    return x


def test_no_outputs(capsys):
    check(no_outputs, 4)
    assert capsys.readouterr().out == "5\n5\n"    # CPython's run, then the compiled one


@ember_only
def test_output_array_shares_memory():
    """An array output is the array the body made, not a copy (as Numba's objmode)."""
    @impl.njit
    def view_of(a):
        with objmode(v="float64[:]"):
            v = a[::2]
        v[0] = 42.0
        return v
    a = np.arange(6.0)
    v = view_of(a)
    assert a[0] == 42.0 and v.tolist() == [42.0, 2.0, 4.0]
    assert np.shares_memory(a, v)


@ember_only
def test_array_made_in_block_outlives_it():
    @impl.njit
    def made(n):
        with objmode(v="float64[:]"):
            v = np.arange(n) * 0.5
        w = v[1:]
        return w
    r = made(5)
    import gc
    gc.collect()
    assert r.tolist() == [0.5, 1.0, 1.5, 2.0]


# ---- control flow around the block -------------------------------------------------------

def in_loop(n):
    s = 0.0
    for i in range(n):
        with objmode(v="float64"):
            v = float(i) ** 0.5
        s += v
    return s


def test_in_a_loop():
    check(in_loop, 10)


@impl.njit
def block_callee(x):
    with objmode(y="float64"):
        y = float(x) ** 2
    return y


def calls_block(n):
    s = 0.0
    for i in range(n):
        s += block_callee(i)
    return s


def test_called_from_compiled_code():
    check(calls_block, 6)


def parallel_blocks(n):
    out = np.zeros(n)
    for i in impl.prange(n):
        with objmode(v="float64"):
            v = float(i * i)
        out[i] = v
    return out


def test_in_prange_body():
    check(parallel_blocks, 20, jit_opts={"parallel": True})


def inside_try(x):
    r = 0
    try:
        with objmode(r="int64"):
            r = x * 3
    finally:
        r += 1
    return r


@numba_skip("numba cannot lift a with inside a try")
def test_inside_try_finally():
    check(inside_try, 5)


def branches_inside(x):
    with objmode(y="int64"):
        if x > 2:
            y = 1
        else:
            y = 2
        for i in range(3):
            y += i
    return y


def test_branches_and_loops_inside():
    check(branches_inside, 1)
    check(branches_inside, 5)


def factory(k):
    def f(x):
        with objmode(y="int64"):
            y = x + k            # k: a free variable of the compiled function
        return y
    return f


def test_closure_values_inside():
    check(factory(10), 1)


def with_inner_def(x):
    def inner(v):
        with objmode(w="int64"):
            w = v * 10
        return w
    return inner(x) + 1


def test_block_in_an_inner_def():
    check(with_inner_def, 4)


@ember_only
def test_bare_objmode_and_nogil(capsys):
    @impl.njit(nogil=True)
    def f(x):
        with objmode:
            print("in the block", x)
        return x
    assert f(3) == 3
    assert capsys.readouterr().out == "in the block 3\n"


@impl.njit
def half(x):
    return x / 2


def compiled_inside(x):
    with objmode(y="float64"):
        y = half(x) + 1      # compiled code called from the block
    return y


def test_compiled_code_called_from_the_block():
    check(compiled_inside, 5)


# ---- exceptions --------------------------------------------------------------------------

class BlockError(ValueError):
    pass


THE_ERROR = BlockError("the very object", 3)


@ember_only
def test_exception_reaches_python_unchanged():
    @impl.njit
    def f(x):
        with objmode(y="int64"):
            if x > 0:
                raise THE_ERROR
            y = x
        return y
    assert f(0) == 0
    with pytest.raises(BlockError) as info:
        f(1)
    assert info.value is THE_ERROR
    names = [entry.name for entry in info.traceback]
    assert names[-2:] == ["test_exception_reaches_python_unchanged.<locals>.f", "objmode_block"]   # compiled, body
    import traceback
    text = "".join(traceback.format_exception(info.value))
    assert "raise THE_ERROR" in text


@ember_only
def test_body_always_raising():
    @impl.njit
    def f(x):
        with objmode():
            raise KeyError(x)
        return x
    with pytest.raises(KeyError) as info:
        f(7)
    assert info.value.args == (7,)


def catches(x):
    try:
        with objmode(y="int64"):
            if x == 1:
                raise BlockError("one")
            if x == 2:
                y = 1 // 0
            if x == 3:
                raise KeyError("k")
            y = x
    except ValueError as e:            # BlockError's base, known from its MRO
        return -1, str(e)
    except ArithmeticError:            # ZeroDivisionError's base
        return -2, "arith"
    except Exception as e:             # anything else
        return -3, str(e)
    return y, "ok"


@ember_only
@pytest.mark.parametrize("x", [0, 1, 2, 3])
def test_compiled_try_catches_by_class(x):
    check(catches, x)


@ember_only
def test_reraise_keeps_the_object():
    @impl.njit
    def f(x):
        try:
            with objmode():
                raise THE_ERROR
        except BlockError:
            x += 1
            raise
        return x
    with pytest.raises(BlockError) as info:
        f(1)
    assert info.value is THE_ERROR


@ember_only
def test_exception_in_prange_body():
    @impl.njit(parallel=True)
    def f(n):
        out = np.zeros(n)
        for i in impl.prange(n):
            with objmode(v="float64"):
                if i == 5:
                    raise BlockError("at", i)
                v = 1.0
            out[i] = v
        return out
    with pytest.raises(BlockError) as info:
        f(10)
    assert info.value.args == ("at", 5)

    @impl.njit(parallel=True)
    def every(n):
        for i in impl.prange(n):
            with objmode():
                raise THE_ERROR        # every iteration: the lowest chunk's wins, the others are dropped
        return n
    import gc
    gc.collect()
    before = sys.getrefcount(THE_ERROR)
    for _ in range(5):
        with pytest.raises(BlockError):
            every(64)
    gc.collect()
    assert sys.getrefcount(THE_ERROR) == before


@ember_only
def test_output_of_the_wrong_type():
    @impl.njit
    def f(x):
        with objmode(y="int64[:]"):
            y = [1, 2]
        return y
    with pytest.raises(TypeError, match=r"test_objmode.py:\d+ in .*objmode output 'y' is list\(int64\), which "
                                        r"does not convert to the declared array\(int64, 1d, A\)"):
        f(1)

    @impl.njit
    def g(x):
        with objmode(a="float64[:]", s="unicode_type"):
            a = np.zeros(3)
            s = 5
        return a, s
    with pytest.raises(TypeError, match="objmode output 's' is int64, which does not convert to the declared "
                                        "str"):
        g(1)


# ---- what is refused, where --------------------------------------------------------------

def compile_error(fn, *args):
    with pytest.raises((errors.TypingError, errors.UnsupportedError)) as info:
        impl.njit(fn)(*args)
    return info.value


@ember_only
def test_undeclared_variable_used_after():
    def f(x):
        with objmode(y="int64"):
            y = x
            z = 3
        return y + z
    e = compile_error(f, 1)
    assert isinstance(e, errors.TypingError)
    assert "variable 'z' is assigned in the objmode block and used outside it" in str(e)
    assert 'with objmode(y="int64"):' in str(e)


def early_return(x):
    for i in range(3):
        with objmode(y="int64"):
            y = x
            return y
    return 0


def early_break(x):
    for i in range(3):
        with objmode(y="int64"):
            y = x
            if y > 0:
                break
    return 0


def last_continue(x):
    for i in range(3):
        with objmode(y="int64"):
            y = x
            continue
    return 0


@ember_only
@pytest.mark.parametrize("fn, what", [(early_return, "return"), (early_break, "break or continue"),
                                      (last_continue, "break or continue")])
def test_leaving_the_block_early(fn, what):
    with pytest.raises(errors.UnsupportedError, match=what + " inside an objmode block is not supported"):
        impl.njit(fn)(1)


@ember_only
def test_other_context_managers_are_refused():
    def f(x):
        with open(os.devnull) as fh:
            fh.read()
        return x
    e = compile_error(f, 1)
    assert isinstance(e, errors.UnsupportedError)
    assert "'open' is not a context manager ember knows" in str(e) and "with open(os.devnull) as fh:" in str(e)


@ember_only
def test_one_context_manager_per_with():
    def f(x):
        with objmode(y="int64"), open(os.devnull):
            y = x
        return y
    e = compile_error(f, 1)
    assert "objmode must be the only context manager of its with statement" in str(e)


@ember_only
def test_bad_declared_type():
    def f(x):
        with objmode(y="float65"):
            y = x
        return y
    e = compile_error(f, 1)
    assert "objmode(y=\"float65\")" in str(e) and "float65" in str(e)


@ember_only
def test_live_in_that_cannot_cross():
    def f(x):
        r = range(x)
        with objmode(y="int64"):
            y = len(r)
        return y
    e = compile_error(f, 3)
    assert "cannot read variable 'r' of type range" in str(e)


# ---- names and processes -----------------------------------------------------------------

@ember_only
def test_numba_spelling():
    import ember as numba

    assert numba.objmode is impl.objmode

    @numba.njit
    def f(x):
        with numba.objmode(y="float64"):
            y = x / 2
        return y
    assert f(3) == 1.5
    with objmode(y="int64"):    # in plain Python it does nothing, as Numba's
        y = 1
    assert y == 1


MODULE = '''
import numpy as np
from ember import njit, objmode

def helper(a):
    return np.sort(a)[::-1].copy()

@njit(cache=True)
def kernel(a):
    s = a * 2
    with objmode(r="float64[:]", n="int64"):
        r = helper(s)
        n = r.size
    return r[0] + n

@njit(cache=True)
def with_inner(x):
    def inner(v):
        with objmode(w="int64"):
            w = v * 10
        return w
    return inner(x)
'''

RUN = '''
import json, numpy as np, objmode_kernels as k
print(json.dumps({"value": k.kernel(np.arange(5.0)), "hits": k.kernel.stats["cache_hits"],
                  "inner": k.with_inner(3), "inner_hits": k.with_inner.stats["cache_hits"]}))
'''


@ember_only
def test_cache_in_a_fresh_process(tmp_path):
    (tmp_path / "objmode_kernels.py").write_text(MODULE)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), os.path.dirname(os.path.dirname(impl.__file__))]),
               PYTHONDONTWRITEBYTECODE="1")
    env.pop("EMBER_CACHE_DIR", None)
    import json
    out = []
    for _ in range(2):
        p = subprocess.run([sys.executable, "-c", RUN], cwd=tmp_path, env=env, capture_output=True, text=True,
                           timeout=120)
        assert p.returncode == 0, p.stderr
        out.append(json.loads(p.stdout.strip().splitlines()[-1]))
    assert out[0]["value"] == out[1]["value"] == 13.0
    assert out[0]["hits"] == 0 and out[1]["hits"] == 1    # the second process compiled nothing
    assert out[0]["inner"] == out[1]["inner"] == 30 and out[1]["inner_hits"] == 1


@ember_only
def test_cache_of_a_moved_project(tmp_path):
    # the project's __pycache__ moves with it (a copied checkout, a renamed folder): the cached
    # blocks name the old path, and are found in the function decorated at the new one
    import json
    import shutil
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    (old / "objmode_kernels.py").write_text(MODULE)
    out = []
    for where in (old, new):
        if where is new:
            shutil.copytree(old, new)
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(where), os.path.dirname(os.path.dirname(impl.__file__))]))
        env.pop("EMBER_CACHE_DIR", None)
        p = subprocess.run([sys.executable, "-c", RUN], cwd=where, env=env, capture_output=True, text=True, timeout=120)
        assert p.returncode == 0, p.stderr
        out.append(json.loads(p.stdout.strip().splitlines()[-1]))
    assert out[0]["value"] == out[1]["value"] == 13.0 and out[0]["inner"] == out[1]["inner"] == 30
    assert out[1]["hits"] == 1 and out[1]["inner_hits"] == 1   # loaded from the moved cache


@ember_only
def test_aot_modules_refuse_blocks(tmp_path):
    (tmp_path / "objmode_aot.py").write_text(textwrap.dedent('''
        from ember import njit, objmode
        from ember.aot import export

        @export("int64(int64)")
        @njit
        def f(x):
            with objmode(y="int64"):
                y = x + 1
            return y
    '''))
    from ember import aot
    import io
    with pytest.raises(errors.UnsupportedError, match="runs a `with objmode"):
        aot.build(str(tmp_path / "objmode_aot.py"), output_dir=str(tmp_path / "out"), stream=io.StringIO())


@ember_only
def test_a_changed_source_file_is_refused(tmp_path, monkeypatch):
    src = textwrap.dedent('''
        from ember import njit, objmode

        @njit
        def f(x):
            with objmode(y="int64"):
                y = x + 1
            return y
    ''')
    (tmp_path / "objmode_changing.py").write_text(src)
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib
    mod = importlib.import_module("objmode_changing")
    (tmp_path / "objmode_changing.py").write_text("\n\n\ndef g(a):\n    return a\n" + src)   # edited after import
    try:
        with pytest.raises(errors.TypingError, match="changed since it was loaded"):
            mod.f(1)
    finally:
        sys.modules.pop("objmode_changing", None)
