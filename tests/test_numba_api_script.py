"""Numba tutorial-style scripts run unchanged apart from the import (`import ember as numba`), and
the smaller pieces of Numba's API such programs use (numba.config, literally, the type classes
typers test for, numba.np.numpy_support, ...), each checked against numba too."""
import importlib
import os
import subprocess
import sys
import threading

import numpy as np
import pytest

from difftest import ON_NUMBA, errors, impl


@pytest.mark.skipif(ON_NUMBA, reason="the script imports ember")
def test_tutorial_script_runs():
    script = os.path.join(os.path.dirname(__file__), "scripts", "numba_tutorial.py")
    p = subprocess.run([sys.executable, script], capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.splitlines() == ["division by zero for 1.0", "tutorial ok"]


def test_tour_script_runs(tmp_path):
    """scripts/numba_tour.py under ember; under the numba backend, the same text importing numba."""
    script = os.path.join(os.path.dirname(__file__), "scripts", "numba_tour.py")
    if ON_NUMBA:
        with open(script) as f:
            text = f.read().replace("import ember as numba", "import numba").replace("from ember import", "from numba import")
        script = str(tmp_path / "numba_tour.py")
        with open(script, "w") as f:
            f.write(text)
    p = subprocess.run([sys.executable, "-W", "ignore", script], capture_output=True, text=True, timeout=600)
    assert p.returncode == 0, p.stdout + p.stderr
    assert p.stdout.splitlines() == ["cfunc True True True", "tour ok"]


def test_numba_warning_classes_and_core_modules():
    """Programs silence Numba's warnings by class and import numba.core's types and errors."""
    import warnings

    name = impl.__name__
    for w in ("NumbaWarning", "NumbaPerformanceWarning", "NumbaDeprecationWarning", "NumbaPendingDeprecationWarning"):
        cls = getattr(impl, w)
        assert issubclass(cls, Warning)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=cls)
    errors = importlib.import_module(name + ".core.errors")
    types = importlib.import_module(name + ".core.types")
    assert issubclass(errors.NumbaPerformanceWarning, errors.NumbaWarning) and errors.TypingError
    assert str(types.float64) == "float64" and str(types.int32) == "int32"
    # numba.core.types' own modules, by name and as attributes (EconForge's splines, skglm)
    misc = importlib.import_module(name + ".core.types.misc")
    npytypes = importlib.import_module(name + ".core.types.npytypes")
    assert misc.NoneType is types.NoneType and isinstance(types.float64[:], types.npytypes.Array)
    assert npytypes.Array is types.Array and types.scalars.Float is types.Float


def test_typing_error_and_integer_widths_at_numbas_names():
    # pyfixest: raise numba.TypingError(...) in an @overload typer; Integer.from_bitwidth
    assert issubclass(impl.TypingError, impl.NumbaError) and impl.TypingError is impl.errors.TypingError
    assert types.Integer.from_bitwidth(32, signed=False) == types.uint32
    assert types.Integer.from_bitwidth(16) == types.int16 and types.Integer.from_bitwidth(64) == types.int64


def test_tuple_types_count_their_elements():
    # Numba's BaseTuple.count: an @overload reads it from its argument types
    t = types.Tuple((types.int64, types.float64))
    assert t.count == 2 and types.UniTuple(types.int64, 3).count == 3 and types.Tuple(()).count == 0


types = impl.types
literally = impl.literally


def literally_plus_one(x, s):
    return literally(x) + 1, literally(s)


def test_literally_is_the_identity():
    assert literally(3) == 3 and literally("a") == "a"
    assert impl.njit(literally_plus_one)(2, "b") == (3, "b")


def kind(x):
    """What kind of type an overload's typer is given for x (0: none of these)."""
    return 0


@impl.extending.overload(kind)
def _kind(x):
    if isinstance(x, types.StringLiteral):
        return lambda x: 1
    if isinstance(x, types.List):
        return lambda x: 2
    if isinstance(x, types.UnicodeType):
        return lambda x: 3
    if isinstance(x, (types.Literal, types.IntegerLiteral, types.Omitted)):
        return lambda x: 4
    return lambda x: 0


def kinds(xs, s, n):
    return kind(xs), kind(s), kind(n)


def test_literal_omitted_and_list_type_classes():
    assert impl.njit(kinds)([1, 2], "a", 3) == (2, 3, 0)   # the typers see no literal types
    three = types.literal(3)
    assert isinstance(three, types.IntegerLiteral) and isinstance(three, types.Integer)
    assert three.literal_value == 3 and types.unliteral(three) == types.int64
    assert isinstance(types.literal("a"), types.StringLiteral) and types.literal("a").literal_type == types.unicode_type
    assert types.unliteral(types.float64) == types.float64
    with pytest.raises(TypeError):
        types.Literal(3)
    assert types.Omitted(3).value == 3 and str(types.Omitted(3)) == "omitted(default=3)"
    listed = impl.typeof([1, 2])
    assert isinstance(listed, types.List) and listed.dtype == types.int64 and listed.reflected
    assert listed == types.List(types.int64, reflected=True)


def length(xs):
    return len(xs)


def test_a_list_type_in_a_signature():
    f = impl.njit(types.int64(types.List(types.int64, reflected=True)))(length)
    assert f([1, 2, 3]) == 3


def test_array_type_mutable_and_copy():
    ro = np.zeros((2, 3))
    ro.flags.writeable = False
    t, rt = impl.typeof(np.zeros((2, 3))), impl.typeof(ro)
    assert t.mutable and not rt.mutable
    assert t.copy(dtype=types.float32, ndim=1, layout="A") == types.Array(types.float32, 1, "A")
    assert not t.copy(readonly=True).mutable and not rt.copy().mutable and rt.copy(readonly=False).mutable


def test_config_names():
    config = impl.config
    assert config.NUMBA_DEFAULT_NUM_THREADS == len(os.sched_getaffinity(0))
    assert isinstance(config.NUMBA_NUM_THREADS, int) and config.NUMBA_NUM_THREADS >= 1
    assert config.DISABLE_JIT == 0 and type(config.DISABLE_JIT) is int
    assert importlib.import_module(impl.__name__ + ".core").config is config


def test_parallel_chunksize_is_per_thread():
    assert impl.get_parallel_chunksize() == 0
    try:
        assert impl.set_parallel_chunksize(4) == 0 and impl.get_parallel_chunksize() == 4
        seen = []
        t = threading.Thread(target=lambda: seen.append(impl.get_parallel_chunksize()))
        t.start()
        t.join()
        assert seen == [0]
        with impl.parallel_chunksize(8):
            assert impl.get_parallel_chunksize() == 8
        assert impl.get_parallel_chunksize() == 4
        with pytest.raises(TypeError):
            impl.set_parallel_chunksize(1.5)
        with pytest.raises(ValueError):
            impl.set_parallel_chunksize(-1)
    finally:
        impl.set_parallel_chunksize(0)


def test_numpy_support_typed_and_core_typing_modules():
    ns = importlib.import_module(impl.__name__ + ".np.numpy_support")
    assert ns.as_dtype(types.float32) == np.dtype(np.float32) and ns.as_dtype(types.boolean) == np.dtype(bool)
    assert ns.from_dtype(np.dtype(np.int16)) == types.int16
    packed = np.dtype([("a", "i1"), ("b", "f8")])
    assert ns.as_dtype(ns.from_dtype(packed)) == packed
    with pytest.raises(errors.TypingError):
        ns.as_dtype(types.float64[:])
    typed = impl.typed
    assert importlib.import_module(typed.__name__ + ".typedlist").List is typed.List
    assert importlib.import_module(typed.__name__ + ".typeddict").Dict is typed.Dict
    typing = importlib.import_module(impl.__name__ + ".core.typing")
    assert impl.njit(typing.signature(types.int64, types.List(types.int64, reflected=True)))(length)([4, 5]) == 2
    par = importlib.import_module(impl.__name__ + ".np.ufunc.parallel")   # PecanPy's import of get_thread_id
    assert par.get_thread_id is impl.get_thread_id and par.get_num_threads is impl.get_num_threads
    assert importlib.import_module(impl.__name__ + ".np.ufunc").vectorize is impl.vectorize


JITCLASS_SCRIPT = """
import {name}
from {name}.experimental import jitclass

@jitclass([("x", {name}.float64)])
class Point:
    def __init__(self, x):
        self.x = x

    def double(self):
        return 2 * self.x

p = Point(2.0)
print(p.double(), type(p) is Point, {name}.config.DISABLE_JIT)
"""


def test_jitclass_is_the_python_class_when_jit_is_disabled():
    env = {k: v for k, v in os.environ.items() if k != "EMBER_DISABLE_JIT"}
    env["NUMBA_DISABLE_JIT"] = "1"
    p = subprocess.run([sys.executable, "-c", JITCLASS_SCRIPT.format(name=impl.__name__)], env=env,
                       capture_output=True, text=True, timeout=120)
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["4.0", "True", "1"]


def scale(x):
    return x


@impl.extending.overload(scale)
def _scale(x):
    if not isinstance(x, types.IntegerLiteral):
        return lambda x: literally(x)   # Numba: type x again as a literal, take the branch below
    return lambda x: x * 10


def scaled(n):
    return scale(n)


@pytest.mark.skipif(ON_NUMBA, reason="ember refuses what Numba's literal dispatch does")
def test_an_overload_asking_for_a_literal_is_refused():
    """ember has no literal types: an overload whose implementation calls literally() would
    return its argument unchanged, so it is refused, not run."""
    with pytest.raises(errors.TypingError, match="asks for a literal argument"):
        impl.njit(scaled)(3)


ALIAS = '''
import importlib, importlib.abc, importlib.util, sys
class Alias(importlib.abc.MetaPathFinder, importlib.abc.Loader):   # numba.X is ember.X
    def find_spec(self, name, path=None, target=None):
        if name == "numba" or name.startswith("numba."):
            return importlib.util.spec_from_loader(name, self)
    def create_module(self, spec):
        return importlib.import_module("ember" + spec.name[5:])
    def exec_module(self, module):
        pass
sys.meta_path.insert(0, Alias())
from numba.typed.typedlist import List
from numba.typed.typeddict import Dict
from numba.core.types.misc import NoneType
import numba
print(List is numba.typed.List, Dict is numba.typed.Dict, NoneType is numba.types.NoneType)
'''


@pytest.mark.skipif(ON_NUMBA, reason="ember under numba's name")
def test_submodules_import_under_an_alias():
    """aeon's `from numba.typed.typedlist import List` under an import alias of ember as numba."""
    r = subprocess.run([sys.executable, "-c", ALIAS], capture_output=True, text=True)
    assert r.stdout.split() == ["True", "True", "True"], r.stderr
