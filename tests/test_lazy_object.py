"""A function compiled only because compiled code calls it (or a @cfunc's kernel, which its C wrapper
links) emits no object code: its caller links its bitcode and carries the code itself. The object is made from the bitcode (and loaded) when
the function is first called from Python, exported to an AOT module or stored in the cache.
Checked with the loader's counters (ember._ember.code_stats()).
"""
import gc
import math
import threading

import numpy as np
import pytest

import ember
from ember import njit

stats = ember._ember.code_stats


def loaded():
    gc.collect()
    return stats()["objects"]


def pair(k):
    @njit
    def helper(x):
        if x < 0.0:
            raise ValueError("negative")
        return math.sqrt(x) * k

    @njit
    def caller(a):
        s = 0.0
        for v in a:
            s += helper(v)
        return s

    return helper, caller


def test_callee_emits_no_object_until_called_from_python():
    helper, caller = pair(2.0)
    a = np.arange(5.0)
    base = loaded()
    assert caller(a) == sum(math.sqrt(v) * 2.0 for v in a)
    assert stats()["objects"] == base + 1          # the caller's object only
    assert len(helper.signatures) == 1             # the callee is compiled (bitcode)
    assert helper(9.0) == 6.0                      # its object made and loaded now
    assert stats()["objects"] == base + 2
    assert helper(16.0) == 8.0                     # and kept
    assert stats()["objects"] == base + 2


@pytest.mark.parametrize("x", [0.0, 2.25, 1e300])
def test_callee_called_later_matches_cpython(x):
    helper, caller = pair(3.0)
    caller(np.ones(3))
    assert helper(x) == helper.py_func(x)


def test_callee_raises_after_lazy_load():
    helper, caller = pair(1.0)
    with pytest.raises(ValueError, match="negative"):
        caller(np.array([1.0, -1.0]))
    with pytest.raises(ValueError, match="negative"):
        helper(-2.0)


def test_inspection_needs_no_object():
    helper, caller = pair(1.0)
    caller(np.ones(2))
    base = loaded()
    (text,) = helper.inspect_llvm().values()
    assert "sqrt" in text
    (asm,) = helper.inspect_asm().values()
    assert asm.strip()
    assert stats()["objects"] == base


def test_threads_load_a_lazy_callee_once():
    helper, caller = pair(2.0)
    caller(np.ones(2))
    base = loaded()
    results, errors = [], []
    start = threading.Barrier(4)

    def run():
        try:
            start.wait()
            results.append(helper(4.0))
        except Exception as e:   # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and results == [4.0] * 4
    assert stats()["objects"] == base + 1


def test_lazy_callee_using_blas():
    @njit
    def gram(a):
        return a.T @ a

    @njit
    def trace_of_gram(a):
        return np.trace(gram(a))

    a = np.arange(12.0).reshape(4, 3)
    assert trace_of_gram(a) == np.trace(a.T @ a)
    np.testing.assert_array_equal(gram(a), a.T @ a)


def test_lazy_callee_exported_to_aot(tmp_path):
    helper, caller = pair(2.0)
    caller(np.ones(2))
    info = helper._export("float64(float64)")
    assert info["ret"] == "float64" and info["args"] == ["float64"]
    assert info["object"][:4] == b"\x7fELF"           # made from the bitcode for the export
    assert (info["symbol"] + ".entry").encode() in info["object"]


def test_dropped_lazy_callee_leaves_nothing_loaded():
    base = loaded()
    for k in range(20):
        helper, caller = pair(float(k))
        caller(np.ones(2))
        if k % 2:
            helper(1.0)
        del helper, caller
    assert loaded() == base


def test_cfunc_kernel_emits_no_object():
    base = loaded()
    f = ember.cfunc("float64(float64)")(lambda x: math.exp(-x * x / 2))
    assert stats()["objects"] == base + 1           # the C wrapper, which links the kernel's bitcode
    assert f(1.5) == math.exp(-1.125) and f.ctypes(0.5) == math.exp(-0.125)


def test_function_type_target_called_later_from_python():
    @njit
    def twice(x):
        return 2.0 * x

    @njit
    def apply(g, x):
        return g(x)

    assert apply(twice, 3.0) == 6.0
    assert twice(4.0) == 8.0                       # its object made now, if it was not yet
