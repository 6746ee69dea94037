"""A Dispatcher pickles as a function does: by reference when module.qualname finds it, by value
otherwise (closures, lambdas, exec'd and notebook code, __main__), with its options and explicit
signatures; the receiver rebuilds it and compiles lazily. copy is identity; Dask tokens are
deterministic.

By-value pickles are loaded in a fresh Python process (one for the whole file, see `received`):
in this process unpickling returns the Dispatcher it came from, as it should.
"""
import copy
import json
import math
import os
import pickle
import pickletools
import subprocess
import sys
import textwrap

import cloudpickle
import numpy as np
import pytest
from dask.base import tokenize

import ember
from ember import njit, prange

EMBER_PATH = os.path.dirname(os.path.dirname(ember.__file__))


@njit
def module_level(x):
    return x + 1


class Holder:
    @staticmethod
    @njit
    def scaled(x):
        return x * 2


def make_scaler(k):
    @njit(parallel=True, nogil=True, fastmath=True)
    def scale_sum(a):
        s = 0.0
        for i in prange(a.size):
            s += a[i] * k
        return s
    return scale_sum


def make_checked():
    @njit(boundscheck=True)
    def at(a, i):
        return a[i]
    return at


def make_typed():
    @njit(["float64(float64, float64)", "int64(int64, int64)"])
    def add(x, y):
        return x + y
    return add


def make_with_defaults():
    @njit
    def poly(x, a=2.0, *, b=3):
        return a * x + b
    return poly


NOTEBOOK = '''
import math
import numpy as np
from ember import njit

OFFSET = 0.5

@njit
def sq(x):
    return x * x

@njit
def norm(a):                 # calls another notebook function, reads a module and a constant
    s = 0.0
    for x in a:
        s += sq(x)
    return math.sqrt(s) + OFFSET

@njit
def fib(n):                  # reaches itself through its globals
    return n if n < 2 else fib(n - 1) + fib(n - 2)

twice = njit(lambda x: 2 * x)
'''


def notebook():
    """Functions as a notebook cell makes them: in __main__, with no file."""
    ns = {"__name__": "__main__"}
    exec(compile(NOTEBOOK, "<cell>", "exec"), ns)
    return ns


def closure_in_cell():
    ns = notebook()
    exec(compile("def outer(k):\n    @njit\n    def inner(x):\n        return fib(x) + k\n    return inner\n",
                 "<cell2>", "exec"), ns)
    return ns["outer"](100)


def sent():
    """The by-value cases, each pickled the way the workflows pickle functions."""
    nb = notebook()
    return {
        "scaler": pickle.dumps(make_scaler(3.0)),
        "checked": pickle.dumps(make_checked()),
        "typed": pickle.dumps(make_typed()),
        "defaults": pickle.dumps(make_with_defaults()),
        "norm": pickle.dumps(nb["norm"]),
        "fib": pickle.dumps(nb["fib"]),
        "lambda": pickle.dumps(nb["twice"]),
        "closure": pickle.dumps(closure_in_cell()),
        "cloudpickle": cloudpickle.dumps(make_scaler(2.0)),
        "cloudpickle_nb": cloudpickle.dumps(nb["norm"]),
        "protocol0": pickle.dumps(make_scaler(4.0), protocol=0),
    }


RECEIVE = '''
import json, pickle, sys
import numpy as np
import ember
got = pickle.load(open(sys.argv[1], "rb"))
f = {name: pickle.loads(data) for name, data in got.items()}
a = np.arange(10.0)
compiled_on_arrival = {name: d.stats["compiles"] for name, d in f.items()}
out = {
    "types": {name: type(d).__name__ for name, d in f.items()},
    "options": {name: dict(f[name].targetoptions) for name in ("scaler", "checked", "typed", "cloudpickle")},
    "scaler": f["scaler"](a), "cloudpickle": f["cloudpickle"](a), "protocol0": f["protocol0"](a),
    "norm": f["norm"](np.array([3.0, 4.0])), "cloudpickle_nb": f["cloudpickle_nb"](np.array([3.0, 4.0])),
    "fib": f["fib"](15), "fib_is_global": f["fib"].py_func.__globals__["fib"] is f["fib"],
    "lambda": f["lambda"](21), "closure": f["closure"](10),
    "typed_signatures": sorted([list(map(str, s)) for s in f["typed"].signatures]), "typed_compiles": f["typed"].stats["compiles"],
    "typed": [f["typed"](True, 2), f["typed"](1.5, 2)],
    "defaults": [f["defaults"](1.0), f["defaults"](1.0, 4.0, b=10)],
    "names": [f["norm"].__name__, f["norm"].__qualname__, f["norm"].__module__, f["closure"].__qualname__],
    "compiled_on_arrival": compiled_on_arrival,
}
try:
    f["checked"](a, 10)
except IndexError as e:
    out["checked"] = "IndexError"
again = pickle.loads(pickle.dumps(f["norm"]))   # sent on again: the same object in this process
out["again_is_same"] = again is f["norm"]
print(json.dumps(out))
'''


@pytest.fixture(scope="module")
def received(tmp_path_factory):
    d = tmp_path_factory.mktemp("pickles")
    with open(d / "sent.pkl", "wb") as fh:
        pickle.dump(sent(), fh)
    env = dict(os.environ, PYTHONPATH=EMBER_PATH)   # not tests/: nothing here is importable there
    p = subprocess.run([sys.executable, "-c", RECEIVE, str(d / "sent.pkl")], cwd=d, env=env,
                       capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    return json.loads(p.stdout.strip().splitlines()[-1])


def test_module_level_dispatchers_pickle_by_reference():
    for d in (module_level, Holder.scaled):
        data = pickle.dumps(d)
        ops = [op.name for op, arg, pos in pickletools.genops(data)]
        assert "STACK_GLOBAL" in ops and "REDUCE" not in ops   # a reference, as for a function
        assert pickle.loads(data) is d
        assert cloudpickle.loads(cloudpickle.dumps(d)) is d
    assert len(pickle.dumps(module_level)) < 100


def test_closures_and_notebook_functions_pickle_by_value():
    for d in (make_scaler(3.0), notebook()["norm"], notebook()["twice"]):
        data = pickle.dumps(d)
        assert d.__qualname__.encode() in data and b"ember._pickle" in data   # rebuilt, not looked up
        assert b"_rebuild" in data and b"_restore" in data


def test_received_dispatchers_give_the_same_results(received):
    a = np.arange(10.0)
    assert set(received["types"].values()) == {"Dispatcher"}
    assert received["scaler"] == make_scaler(3.0)(a) == 135.0
    assert received["cloudpickle"] == 90.0 and received["protocol0"] == 180.0
    assert received["norm"] == received["cloudpickle_nb"] == 5.5
    assert received["fib"] == 610 and received["fib_is_global"]
    assert received["lambda"] == 42
    assert received["closure"] == 155   # fib(10) + 100, the closure reaching a notebook global
    assert received["defaults"] == [5.0, 14.0]
    assert received["names"] == ["norm", "norm", "__main__", "outer.<locals>.inner"]


def test_options_survive(received):
    assert received["options"]["scaler"] == {"parallel": True, "nogil": True, "fastmath": True}
    assert received["options"]["cloudpickle"] == {"parallel": True, "nogil": True, "fastmath": True}
    assert received["options"]["checked"] == {"boundscheck": True}
    assert received["checked"] == "IndexError"   # boundscheck=True still checks


def test_explicit_signatures_survive(received):
    assert received["typed_signatures"] == [["float64", "float64"], ["int64", "int64"]]
    assert received["typed_compiles"] == 2          # compiled on arrival, as the decorator did
    assert received["typed"] == [3, 3.5]            # bool converts to int64; no new compile


def test_the_receiver_compiles_lazily_and_keeps_what_it_rebuilt(received):
    on_arrival = received["compiled_on_arrival"]
    assert on_arrival.pop("typed") == 2 and set(on_arrival.values()) == {0}
    assert received["again_is_same"]


def test_unpickling_in_the_same_process_returns_the_dispatcher():
    f = make_scaler(5.0)
    f(np.arange(3.0))
    g = pickle.loads(pickle.dumps(f))
    assert g is f and g.stats["compiles"] == 1
    assert cloudpickle.loads(cloudpickle.dumps(f)) is f


def test_copy_is_the_dispatcher_itself():
    f = make_scaler(2.0)
    assert copy.copy(f) is f and copy.deepcopy(f) is f
    box = copy.deepcopy({"k": [f, module_level]})
    assert box["k"][0] is f and box["k"][1] is module_level


def test_dask_tokens_are_deterministic():
    assert tokenize(module_level) == tokenize(module_level)
    assert tokenize(make_scaler(3.0)) == tokenize(make_scaler(3.0))   # the same code and closure
    assert tokenize(make_scaler(3.0)) != tokenize(make_scaler(4.0))   # another closure value
    ns1, ns2 = notebook(), notebook()
    assert tokenize(ns1["norm"]) == tokenize(ns2["norm"])
    ns2["OFFSET"] = 1.5
    assert tokenize(ns1["norm"]) != tokenize(ns2["norm"])             # a global it reads
    assert tokenize(njit(fastmath=True)(module_level.py_func)) != tokenize(module_level)
    script = ("import sys; sys.path.insert(0, %r); from dask.base import tokenize; import test_pickle; "
              "print(tokenize(test_pickle.module_level), tokenize(test_pickle.make_scaler(3.0)))"
              % os.path.dirname(__file__))
    p = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                       env=dict(os.environ, PYTHONPATH=EMBER_PATH))
    assert p.stdout.split() == [tokenize(module_level), tokenize(make_scaler(3.0))], p.stderr


def test_another_python_version_is_refused_clearly():
    from ember import _pickle
    with pytest.raises(RuntimeError, match="pickled by Python 3.10 cannot be unpickled by Python 3.11"):
        _pickle._rebuild("0" * 32, "3.10", module_level.py_func.__code__, "f", "f", "m", 0, {})


def test_disable_jit_receiver_gets_the_plain_function(tmp_path):
    (tmp_path / "f.pkl").write_bytes(pickle.dumps(make_with_defaults()))
    script = textwrap.dedent('''
        import pickle, sys
        f = pickle.load(open(sys.argv[1], "rb"))
        print(type(f).__name__, f(1.0), f(1.0, 4.0, b=10))
    ''')
    p = subprocess.run([sys.executable, "-c", script, str(tmp_path / "f.pkl")], capture_output=True, text=True,
                       timeout=120, env=dict(os.environ, PYTHONPATH=EMBER_PATH, EMBER_DISABLE_JIT="1"))
    assert p.stdout.split() == ["function", "5.0", "14.0"], p.stderr


def make_cached(k):
    @njit(cache=True)
    def cached(a):
        return (a * k).sum()
    return cached


def test_a_rebuilt_function_loads_the_senders_cache_entry(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBER_CACHE_DIR", str(tmp_path))
    f = make_cached(7.0)
    assert f(np.arange(4.0)) == 42.0 and f.stats["compiles"] == 1   # compiled and stored here
    (tmp_path / "f.pkl").write_bytes(pickle.dumps(f))
    script = ("import pickle, sys, numpy as np; f = pickle.load(open(sys.argv[1], 'rb')); "
              "print(f(np.arange(4.0)), f.stats['compiles'], f.stats['cache_hits'])")
    p = subprocess.run([sys.executable, "-c", script, str(tmp_path / "f.pkl")], capture_output=True, text=True,
                       timeout=120, env=dict(os.environ, PYTHONPATH=EMBER_PATH))
    assert p.stdout.split() == ["42.0", "0", "1"], p.stderr   # the same key: loaded, not compiled


def test_modules_registered_with_cloudpickle_go_by_value():
    me = sys.modules[__name__]
    cloudpickle.register_pickle_by_value(me)
    try:
        for data in (pickle.dumps(module_level), cloudpickle.dumps(module_level)):
            assert b"_rebuild" in data
    finally:
        cloudpickle.unregister_pickle_by_value(me)
    assert b"_rebuild" not in pickle.dumps(module_level)
