"""Compiled code is freed when nothing can call it: a Dispatcher's specialisations and their
machine code go with the Dispatcher, small objects share the code arena's mappings, and what is
freed is reused. Checked with the loader's counters (ember._ember.code_stats()) against a
baseline taken after gc, so the tests hold whatever the rest of the suite left alive.
"""
import gc
import importlib.util
import os
import subprocess
import sys
import textwrap
import threading
import weakref

import numpy as np
import pytest

import ember
from ember import njit

stats = ember._ember.code_stats


def settled():
    gc.collect()
    return stats()


def make(k):
    return njit(lambda x, n: x * k + n)


def expected(k, x=1.0, n=3):
    return x * k + n


def make_pair(k):
    """A caller and its compiled callee, both closures: the callee lives as long as the caller."""
    twice = njit(lambda x: 2.0 * x)
    return njit(lambda x, n: twice(x) * k / 2.0 + n)


def assert_back_to(base):
    """Everything loaded since `base` was freed."""
    after = settled()
    assert after["objects"] == base["objects"]
    assert after["used_bytes"] == base["used_bytes"]
    return after


def test_code_stats_fields():
    s = stats()
    assert set(s) == {"objects", "used_bytes", "mapped_bytes", "mappings", "chunks", "arena"}
    f = make(1.0)
    f(1.0, 3)
    now = stats()
    assert now["objects"] == s["objects"] + 1 and now["used_bytes"] > s["used_bytes"]
    assert now["mapped_bytes"] >= now["used_bytes"] > 0


def test_dropped_dispatchers_return_to_baseline():
    base = settled()
    for i in range(300):
        f = make(float(i))
        assert f(1.0, 3) == expected(i)
        del f
    after = assert_back_to(base)
    # one empty chunk may be kept for the next loads, nothing more
    assert after["mappings"] <= base["mappings"] + 2
    assert after["mapped_bytes"] <= base["mapped_bytes"] + (2 << 20)


def test_live_objects_share_mappings():
    base = settled()
    live = [make(float(i)) for i in range(100)]
    for i, f in enumerate(live):
        assert f(1.0, 3) == expected(i)
    now = stats()
    assert now["objects"] == base["objects"] + 100
    if now["arena"]:   # a hundred objects fit in the chunk(s) already mapped, or one more
        assert now["mappings"] <= base["mappings"] + 2
        assert now["used_bytes"] - base["used_bytes"] < 100 * 4096
    del live, f
    assert_back_to(base)


def test_freed_space_is_reused():
    """Dropping half and compiling as many again maps nothing new."""
    base = settled()
    live = [make(float(i)) for i in range(60)]
    for f in live:
        f(1.0, 3)
    del f
    del live[::2]
    gc.collect()
    mid = stats()
    more = [make(float(100 + i)) for i in range(30)]
    for i, f in enumerate(more):
        assert f(1.0, 3) == expected(100 + i)
    assert stats()["mapped_bytes"] == mid["mapped_bytes"]
    for i, f in zip(range(1, 60, 2), live):
        assert f(1.0, 3) == expected(i)
    del live, more, f
    assert_back_to(base)


def test_callee_and_caller_closures_are_freed():
    base = settled()
    for i in range(100):
        f = make_pair(float(i))
        assert f(1.0, 3) == expected(i)
        del f
    assert_back_to(base)


def make_recursive(k):
    @njit
    def fact(n):
        return k if n <= 1 else n * fact(n - 1)
    return fact


def test_recursive_closures_are_freed():
    """A recursive closure is a cycle (Dispatcher -> function -> cell -> Dispatcher): gc frees it."""
    base = settled()
    for i in range(50):
        f = make_recursive(i)
        assert f(5) == 120 * i
        del f
    assert_back_to(base)


def test_caller_keeps_working_after_its_callee_goes():
    ns = {}
    exec(textwrap.dedent('''
        from ember import njit

        @njit
        def callee(x):
            return x * 3 + 1

        @njit
        def caller(x):
            return callee(x) + callee(x + 1)
        '''), ns)
    base = settled()
    assert ns["caller"](2) == 7 + 10
    assert stats()["objects"] == base["objects"] + 1   # the callee has bitcode only (test_lazy_object.py)
    assert ns["callee"](2) == 7
    assert stats()["objects"] == base["objects"] + 2
    gone = weakref.ref(ns["callee"])
    del ns["callee"]
    gc.collect()
    assert gone() is None   # the caller's compiled code does not keep the callee's Dispatcher
    assert stats()["objects"] == base["objects"] + 1
    assert ns["caller"](2) == 17 and ns["caller"](-5) == -14 + -11
    with pytest.raises(ember.errors.TypingError):
        ns["caller"](2.5)   # a new signature needs the callee, which is gone
    del ns
    assert_back_to(base)


def test_threads_call_while_others_drop():
    """Threads run compiled code without the GIL while other threads load and free objects in
    the same chunk, and while the main thread drops its reference to the Dispatcher they run:
    nothing running is disturbed, and the Dispatcher goes with the last call."""
    base = settled()

    @njit(nogil=True)
    def spin(a, reps):
        s = 0.0
        for r in range(reps):
            for i in range(a.size):
                s += a[i] * 0.5
        return s

    a = np.arange(1000.0)
    want = spin(a, 200)
    errors = []

    def runner(fn):
        try:
            for _ in range(20):
                if fn(a, 200) != want:
                    errors.append("wrong result")
        except Exception as e:  # noqa: BLE001 -- reported below
            errors.append(repr(e))

    def churner(seed):
        try:
            for i in range(40):
                f = make(float(seed * 1000 + i))
                if f(1.0, 3) != expected(seed * 1000 + i):
                    errors.append("wrong closure result")
                del f
        except Exception as e:  # noqa: BLE001
            errors.append(repr(e))

    threads = [threading.Thread(target=runner, args=(spin,)) for _ in range(2)]
    threads += [threading.Thread(target=churner, args=(k,)) for k in range(2)]
    gone = weakref.ref(spin)
    for t in threads:
        t.start()
    del spin   # the runners' references are the last ones
    for t in threads:
        t.join()
    del threads, t
    assert errors == []
    assert_back_to(base)
    assert gone() is None


def test_cache_true_loads_and_frees(tmp_path, monkeypatch):
    monkeypatch.setenv("EMBER_CACHE_DIR", str(tmp_path / "cache"))
    src = tmp_path / "cached_kernel.py"
    src.write_text(textwrap.dedent('''
        from ember import njit

        @njit(cache=True)
        def poly(x):
            return 3.0 * x * x - x + 1.0
        '''))

    def load():
        spec = importlib.util.spec_from_file_location("cached_kernel", src)
        mod = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(mod)
        return mod

    base = settled()
    mod = load()
    assert mod.poly(2.0) == 11.0 and mod.poly.stats["compiles"] == 1
    del mod
    assert_back_to(base)
    mod = load()   # a new Dispatcher: its code comes from the cache, into the arena again
    assert mod.poly(-1.0) == 5.0
    assert mod.poly.stats["cache_hits"] == 1 and mod.poly.stats["compiles"] == 0
    del mod
    assert_back_to(base)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")
def test_fork_child_keeps_inherited_code():
    """After fork the parent frees and reuses its code while the child still runs what it
    inherited: chunks found by the fork are sealed on both sides."""
    fs = [make(float(i)) for i in range(20)]
    for f in fs:
        f(1.0, 3)
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:   # the child: wait for the parent to churn, then run the inherited code
        os.close(w)
        ok = os.read(r, 1) == b"x"
        try:
            for _ in range(3):
                ok &= all(f(1.0, 3) == expected(i) for i, f in enumerate(fs))
            g = make(77.0)
            ok &= g(1.0, 3) == expected(77.0)
        finally:
            os._exit(0 if ok else 1)
    os.close(r)
    del fs, f
    gc.collect()
    for i in range(40):   # reuse the space the child's code lies in, were it not sealed
        g = make(float(500 + i))
        assert g(1.0, 3) == expected(500 + i)
    del g
    os.write(w, b"x")
    os.close(w)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0


def test_private_mappings_when_the_arena_is_off():
    code = textwrap.dedent('''
        import gc, json
        import ember
        from ember import njit
        def make(k):
            @njit
            def f(x):
                return x * k
            return f
        fs = [make(float(i)) for i in range(5)]
        results = [f(2.0) for f in fs]
        live = ember._ember.code_stats()
        del fs
        gc.collect()
        print(json.dumps([results, live, ember._ember.code_stats()]))
        ''')
    env = dict(os.environ, EMBER_CODE_ARENA="0")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    import json
    results, live, after = json.loads(out.stdout)
    assert results == [2.0 * i for i in range(5)]
    assert live["arena"] is False and live["chunks"] == 0 and live["objects"] >= 5
    assert live["mappings"] >= live["objects"]   # a mapping (or more) per object
    assert after["objects"] == live["objects"] - 5 and after["mappings"] < live["mappings"]
