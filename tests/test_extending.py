"""numba.extending's high-level API: register_jitable, overload, overload_method and
overload_attribute (ember.extending). Each is checked in compiled code against what the Python
function gives, under difftest's block count; the low-level API (intrinsic, models) raises."""
import numpy as np
import pytest

from difftest import errors, impl, ON_NUMBA, no_leaks  # noqa: F401 (no_leaks: autouse fixture)

if ON_NUMBA:
    from numba import njit, types
    from numba.extending import overload, register_jitable, overload_method, overload_attribute, intrinsic
else:
    from ember import njit, types
    from ember.extending import overload, register_jitable, overload_method, overload_attribute, intrinsic


@register_jitable
def hypot2(x, y=1.0):
    return x * x + y * y


def clip01(x):
    return min(max(x, 0.0), 1.0)


@overload(clip01)
def _clip01(x):
    if isinstance(x, types.Array):
        def impl(x):
            return np.minimum(np.maximum(x, 0.0), 1.0)
        return impl
    if isinstance(x, (types.Float, types.Integer)):
        def scalar(x):
            return min(max(x, 0.0), 1.0)
        return scalar
    return None


def scaled(x, k=2):
    return x * k


@overload(scaled)
def _scaled(x, k=2):
    def impl(x, k=2):
        return x * k
    return impl


@overload_method(types.Array, "sumsq")
def _sumsq(a, scale=1.0):
    def impl(a, scale=1.0):
        s = 0.0
        for v in a.flat:
            s += v * v
        return s * scale
    return impl


@overload_attribute(types.Array, "first")
def _first(a):
    def impl(a):
        return a.flat[0]
    return impl


@njit
def uses_jitable(x):
    return hypot2(x), hypot2(x, y=x)


def test_register_jitable_in_python_and_compiled():
    assert hypot2(3.0) == 10.0   # still the Python function
    assert uses_jitable(2.0) == (5.0, 8.0)


@njit
def uses_overload(x, a):
    return clip01(x), clip01(a), scaled(x), scaled(x, k=3)


@pytest.mark.parametrize("x", [-0.5, 0.25, 3.0])
def test_overload_chooses_by_argument_types(x):
    a = np.array([-1.0, 0.5, 2.0])
    got = uses_overload(x, a)
    assert got[0] == clip01(x) and got[2] == x * 2 and got[3] == x * 3
    assert got[1].tolist() == [0.0, 0.5, 1.0]


@njit
def uses_methods(a):
    return a.sumsq(), a.sumsq(2.0), a.sumsq(scale=0.5), a.first


@overload(np.piecewise)   # a NumPy function (an _ArrayFunctionDispatcher) ember does not compile
def _piecewise(x, condlist, funclist):
    def impl(x, condlist, funclist):
        out = np.zeros_like(x)
        for i in range(x.size):
            for k in range(len(condlist)):
                if condlist[k][i]:
                    out[i] = funclist[k]
        return out
    return impl


def test_overload_of_numpy_functions_and_ufuncs():
    @njit
    def pw(x):
        return np.piecewise(x, (x < 0, x >= 0), (-1.0, 1.0))

    x = np.array([-2.0, 0.0, 3.0])
    assert np.array_equal(pw(x), np.piecewise(x, [x < 0, x >= 0], [-1.0, 1.0]))
    special = pytest.importorskip("scipy.special")

    @overload(special.expit)   # a numpy.ufunc: it takes no attribute
    def _expit(x):
        if isinstance(x, types.Float):
            return lambda x: 1.0 / (1.0 + np.exp(-x))

    @njit
    def f(x):
        return special.expit(x)

    assert abs(f(0.5) - special.expit(0.5)) < 1e-15


def test_overload_method_and_attribute():
    a = np.array([3.0, 4.0])
    assert uses_methods(a) == (25.0, 50.0, 12.5, 3.0)
    assert uses_methods(np.arange(6.0).reshape(2, 3)) == (55.0, 110.0, 27.5, 0.0)


from collections import namedtuple   # noqa: E402

Circle = namedtuple("Circle", ["cx", "cy", "r"])
Box = namedtuple("Box", ["x0", "x1", "label"])


def area(s):
    pass


@overload(area)
def _area(s):
    if isinstance(s, types.BaseNamedTuple) and s.instance_class is Circle:
        assert isinstance(s, types.NamedUniTuple) and s.fields == ("cx", "cy", "r") and s.count == 3
        return lambda s: 3.0 * s.r ** 2
    if isinstance(s, types.BaseNamedTuple) and s.instance_class is Box:
        assert isinstance(s, types.NamedTuple) and isinstance(s.types[2], types.Integer)
        return lambda s: (s.x1 - s.x0) * s.label


def test_overload_of_namedtuples_by_class():
    @njit
    def f(c, b):
        return area(c), area(b)

    assert f(Circle(0.0, 1.0, 2.0), Box(1.0, 3.5, 2)) == (12.0, 5.0)



def combine(*args):
    pass


@overload(combine)
def _combine3(a, b, c):
    return lambda a, b, c: a + b + c


@overload(combine)
def _combine2(a, b):
    return lambda a, b: a * b


def test_overloads_of_other_arities_are_tried_in_turn():
    # a typer whose parameters do not take the call's arguments is another overload's
    # (EconForge's eval_cubic: one @overload per argument count)
    f = njit(lambda x, y, z: (combine(x, y), combine(x, y, z)))
    assert f(2.0, 3.0, 4.0) == (6.0, 9.0)
    with pytest.raises(errors.TypingError):
        njit(lambda x: combine(x))(1.0)

@pytest.mark.skipif(ON_NUMBA, reason="ember's messages")
def test_no_matching_overload_is_located():
    def f(s):
        return clip01(s)
    with pytest.raises(errors.TypingError, match="no overload of clip01 takes"):
        njit(f)("text")


@pytest.mark.skipif(ON_NUMBA, reason="ember has no llvmlite")
def test_low_level_api_says_it_is_not_there():
    with pytest.raises(errors.UnsupportedError, match="low-level extension API"):
        @intrinsic
        def f(typingctx, x):
            pass


def test_numba_namespace():
    assert impl.extending.overload is overload
    import importlib
    name = impl.__name__
    core_ext = importlib.import_module(name + ".core.extending")
    assert core_ext.overload is overload and core_ext.register_jitable is register_jitable
    registry = importlib.import_module(name + ".core.registry")
    special = importlib.import_module(name + ".misc.special")
    assert special.literal_unroll is impl.literal_unroll and special.prange is impl.prange
    f = njit(lambda x: x)
    assert isinstance(f, registry.CPUDispatcher)
    assert impl.extending.is_jitted(f) and not impl.extending.is_jitted(f.py_func)


def test_from_dtype():
    assert impl.from_dtype(np.float32) == types.float32
    assert impl.from_dtype(np.dtype("int16")) == types.int16
    assert impl.from_dtype(np.complex128) == types.complex128


@pytest.mark.skipif(ON_NUMBA, reason="numba names it only after a parallel run")
def test_threading_layer():
    assert impl.threading_layer() == "omp"


CACHED = """
import sys
from ember import njit
from ember.extending import overload

def f(x):
    return x

FACTOR = float(sys.argv[1])

@overload(f)
def _f(x):
    if FACTOR == 2.0:
        return lambda x: x * 2.0
    return lambda x: x * 3.0

@njit(cache=True)
def g(x):
    return f(x) + 1.0

print(g(1.0), g.stats["cache_hits"])
"""


@pytest.mark.skipif(ON_NUMBA, reason="ember's cache")
def test_cache_key_holds_the_typers_code(tmp_path):
    """A cached function calling an @overload function is stale when the typer changes (here a
    global it reads): the key digests the typers as it digests a callee."""
    import subprocess
    import sys
    (tmp_path / "cached_overload.py").write_text(CACHED)
    runs = [subprocess.run([sys.executable, "cached_overload.py", a], cwd=tmp_path, capture_output=True,
                           text=True, timeout=120) for a in ("2", "2", "3")]
    assert [r.stdout.split() for r in runs] == [["3.0", "0"], ["3.0", "1"], ["4.0", "0"]], [r.stderr for r in runs]


def doubled(x):
    pass


@overload(doubled)
def _doubled(x):
    return lambda x: 2 * x


def apply_fn(f, x):
    pass


@overload(apply_fn)
def _apply_fn(f, x):
    def impl(f, x):
        return f(x)
    return impl


@njit
def _call_it(f, x):
    return f(x)


def test_overloaded_functions_as_arguments():
    # EconForge interpolation's fmap(get_index, ...): an @overload-ed function passed to another
    # @overload-ed function, and to an @njit one
    assert njit(lambda x: apply_fn(doubled, x))(3.5) == 7.0
    assert njit(lambda x: _call_it(doubled, x))(2.0) == 4.0
