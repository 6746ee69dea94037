"""cache=True: a later process runs cached code without compiling; the key follows edits to the
function, its globals and its callees in other files; damaged entries are replaced with a
warning; racing processes on a cold cache all get correct results.

Each test writes a small package of modules into a temporary directory and runs fresh Python
processes on it, so that "a new process" is real.
"""
import json
import os
import re
import subprocess
import sys
import textwrap

import pytest

import ember

EMBER_PATH = os.path.dirname(os.path.dirname(ember.__file__))

KERNELS = '''
import numpy as np
from ember import njit
import helper

SCALE = 2.0

@njit(cache=True)
def total(a):
    s = 0.0
    for x in a:
        s += helper.sq(x)
    return s * SCALE

@njit(cache=True)
def pair(a, n):
    return a[:n].copy(), n * 2

@njit(cache=True)
def checked(a, i):
    if i > 100:
        raise ValueError("i is too large")
    return a[i]
'''

HELPER = '''
from ember import njit

@njit
def sq(x):
    return x * x
'''

RUN = '''
import json, sys
import numpy as np
import kernels
a = np.arange(10.0)
out = {"total": kernels.total(a), "pair": [kernels.pair(a, 3)[0].tolist(), kernels.pair(a, 3)[1]]}
try:
    kernels.checked(a, 1000)
except ValueError as e:
    out["raised"] = str(e)
out["stats"] = {f: getattr(kernels, f).stats for f in ("total", "pair", "checked")}
out["llvm_loaded"] = "ember._embercc" in sys.modules
print(json.dumps(out))
'''


def write(d, name, text):
    with open(os.path.join(d, name), "w") as f:
        f.write(textwrap.dedent(text))


def run(d, script=RUN, env=None, check=True):
    e = dict(os.environ, PYTHONPATH=os.pathsep.join([str(d), EMBER_PATH]), PYTHONDONTWRITEBYTECODE="1")
    e.pop("EMBER_CACHE_DIR", None)
    e.update(env or {})
    p = subprocess.run([sys.executable, "-c", textwrap.dedent(script)], cwd=d, env=e, capture_output=True,
                       text=True, timeout=120)
    if check and p.returncode != 0:
        raise AssertionError("child failed:\n" + p.stdout + p.stderr)
    return p


def result(p):
    return json.loads(p.stdout.strip().splitlines()[-1])


def entries(d):
    return sorted(f for f in os.listdir(d) if f.endswith(".ember"))


@pytest.fixture
def pkg(tmp_path):
    write(tmp_path, "kernels.py", KERNELS)
    write(tmp_path, "helper.py", HELPER)
    return tmp_path


def compiles(r):
    return {f: s["compiles"] for f, s in r["stats"].items()}


def hits(r):
    return {f: s["cache_hits"] for f, s in r["stats"].items()}


def test_second_process_compiles_nothing(pkg):
    first = result(run(pkg))
    assert compiles(first) == {"total": 1, "pair": 1, "checked": 1}
    assert first["total"] == 2 * sum(x * x for x in range(10))
    assert len(entries(pkg / "__pycache__")) == 3
    second = result(run(pkg))
    assert compiles(second) == {"total": 0, "pair": 0, "checked": 0}
    assert hits(second) == {"total": 1, "pair": 1, "checked": 1}
    assert not second["llvm_loaded"]          # a hit never loads the code generator
    assert second["total"] == first["total"] and second["pair"] == first["pair"] == [[0.0, 1.0, 2.0], 6]
    assert second["raised"] == "i is too large"   # errors raised by cached code work as compiled


def test_editing_a_callee_in_another_file_recompiles_the_caller(pkg):
    run(pkg)
    write(pkg, "helper.py", HELPER.replace("x * x", "x * x + 1"))
    r = result(run(pkg, env={"EMBER_DEBUG_CACHE": "1"}))
    assert compiles(r) == {"total": 1, "pair": 0, "checked": 0}
    assert r["total"] == 2 * sum(x * x + 1 for x in range(10))


def test_a_changed_global_or_function_recompiles(pkg):
    run(pkg)
    write(pkg, "kernels.py", KERNELS.replace("SCALE = 2.0", "SCALE = 3.0"))
    r = result(run(pkg))
    assert compiles(r) == {"total": 1, "pair": 0, "checked": 0}
    assert r["total"] == 3 * sum(x * x for x in range(10))
    write(pkg, "kernels.py", KERNELS.replace("SCALE = 2.0", "SCALE = 3.0").replace("n * 2", "n * 5"))
    r = result(run(pkg))
    assert compiles(r) == {"total": 0, "pair": 1, "checked": 0}
    assert r["pair"] == [[0.0, 1.0, 2.0], 15]


def test_stale_entries_are_pruned(pkg):
    from ember import _cache
    scales = [2.0 + k for k in range(_cache.KEEP + 2)]
    for scale in scales:   # every edit stores a new entry for total
        write(pkg, "kernels.py", KERNELS.replace("SCALE = 2.0", "SCALE = %r" % scale))
        assert compiles(result(run(pkg)))["total"] == 1
    totals = [e for e in entries(pkg / "__pycache__") if e.startswith("kernels.total-")]
    assert len(totals) == _cache.KEEP   # the two oldest are gone
    assert len(entries(pkg / "__pycache__")) == _cache.KEEP + 2   # pair and checked never changed
    for scale, cached in ((scales[2], True), (scales[0], False)):
        write(pkg, "kernels.py", KERNELS.replace("SCALE = 2.0", "SCALE = %r" % scale))
        r = result(run(pkg))
        assert compiles(r)["total"] == (0 if cached else 1)
        assert r["total"] == scale * sum(x * x for x in range(10))


def test_debug_cache_says_hit_and_why_it_missed(pkg):
    p = run(pkg, env={"EMBER_DEBUG_CACHE": "1"})
    assert "total(array(float64, 1d, C)): miss (no entry for this function yet)" in p.stderr
    assert "stored" in p.stderr
    p = run(pkg, env={"EMBER_DEBUG_CACHE": "1"})
    assert "total(array(float64, 1d, C)): hit" in p.stderr
    write(pkg, "kernels.py", KERNELS.replace("SCALE = 2.0", "SCALE = 4.0").replace("n * 2", "n * 3"))
    p = run(pkg, env={"EMBER_DEBUG_CACHE": "1"})
    assert "total(array(float64, 1d, C)): miss (global SCALE changed)" in p.stderr
    assert "pair(array(float64, 1d, C), int64): miss (the function's code changed)" in p.stderr
    p = run(pkg, env={"EMBER_DEBUG_CACHE": "1", "EMBER_BOUNDSCHECK": "1"})
    assert "the options changed" in p.stderr


def test_new_signature_is_a_new_entry(pkg):
    run(pkg)
    script = "import numpy as np, kernels, json; kernels.total(np.arange(4)); print(json.dumps(kernels.total.stats))"
    assert json.loads(run(pkg, script).stdout)["compiles"] == 1
    assert json.loads(run(pkg, script).stdout)["compiles"] == 0
    assert len([e for e in entries(pkg / "__pycache__") if e.startswith("kernels.total-")]) == 2


def test_numpy_scalar_arguments_have_entries_of_their_own(pkg):
    # an np.int64 argument is strong in NumPy's promotion (int32 array + np.int64: int64) and a
    # Python int is not: the two compile apart and are cached apart, though both are named int64
    script = ("import numpy as np, kernels, json; a = np.arange(5, dtype=np.int32); "
              "r = [str(kernels.pair(a, n)[0].dtype) for n in (3, np.int64(3))]; "
              "t = kernels.pair(a, np.int64(2))[1] + kernels.pair(a, 2)[1]; print(json.dumps([r, int(t), kernels.pair.stats]))")
    first = json.loads(run(pkg, script).stdout.strip().splitlines()[-1])
    second = json.loads(run(pkg, script).stdout.strip().splitlines()[-1])
    assert first[0] == second[0] == ["int32", "int32"] and first[1] == second[1] == 8
    assert first[2]["compiles"] == 2 and second[2]["compiles"] == 0 and second[2]["cache_hits"] == 2
    assert len([e for e in entries(pkg / "__pycache__") if e.startswith("kernels.pair-")]) == 2


@pytest.mark.parametrize("damage", ["truncate", "garbage", "flip", "empty", "other_key"])
def test_a_damaged_entry_is_replaced_with_a_warning(pkg, damage):
    run(pkg)
    cache = pkg / "__pycache__"
    path = cache / [e for e in entries(cache) if e.startswith("kernels.total-")][0]
    data = path.read_bytes()
    if damage == "truncate":
        data = data[:len(data) // 2]
    elif damage == "garbage":
        data = os.urandom(len(data))
    elif damage == "flip":   # one bit in the object code: only the checksum can tell
        data = data[:200] + bytes([data[200] ^ 1]) + data[201:]
    elif damage == "empty":
        data = b""
    else:   # a whole, valid entry under another key's name
        other = cache / [e for e in entries(cache) if e.startswith("kernels.pair-")][0]
        data = other.read_bytes()
    path.write_bytes(data)
    p = run(pkg)
    assert "CacheWarning" in p.stderr and "compiling it again" in p.stderr
    r = result(p)
    assert compiles(r)["total"] == 1 and r["total"] == 2 * sum(x * x for x in range(10))
    r = result(run(pkg))   # replaced by a good entry
    assert compiles(r) == {"total": 0, "pair": 0, "checked": 0}


def test_cache_dir_override(pkg, tmp_path_factory):
    where = tmp_path_factory.mktemp("cachedir")
    run(pkg, env={"EMBER_CACHE_DIR": str(where)})
    assert len(entries(where)) == 3 and not (pkg / "__pycache__").exists()
    r = result(run(pkg, env={"EMBER_CACHE_DIR": str(where)}))
    assert compiles(r) == {"total": 0, "pair": 0, "checked": 0}


def test_unwritable_source_dir_falls_back_to_the_user_cache(pkg, tmp_path_factory):
    home = tmp_path_factory.mktemp("xdg")
    (pkg / "__pycache__").write_text("not a directory")   # __pycache__ cannot be made (root ignores modes)
    env = {"XDG_CACHE_HOME": str(home)}
    r = result(run(pkg, env=env))
    assert compiles(r)["total"] == 1
    stored = [os.path.join(dp, f) for dp, _, fs in os.walk(home / "ember") for f in fs if f.endswith(".ember")]
    assert len(stored) == 3
    r = result(run(pkg, env=env))
    assert compiles(r) == {"total": 0, "pair": 0, "checked": 0}


CELL = '''
    import json, os, numpy as np
    from ember import njit
    src = "@njit(cache=True)\\ndef f(x):\\n    return x * %s + 1\\n"
    ns = {"njit": njit, "__name__": "__main__"}
    # ipykernel names a cell's code /tmp/ipykernel_<pid>/<hash>.py, a file that does not exist
    exec(compile(src, "/tmp/ipykernel_%%d/1234.py" %% os.getpid(), "exec"), ns)
    print(json.dumps([ns["f"](2), ns["f"].stats["compiles"]]))
'''


def test_code_without_a_file_is_cached_by_content(tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    assert json.loads(run(tmp_path, CELL % 3, env).stdout) == [7, 1]
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert json.loads(run(elsewhere, CELL % 3, env).stdout) == [7, 0]   # a restarted kernel, another cwd
    assert os.listdir(tmp_path / "xdg" / "ember") == ["nofile"]   # one place, not one per kernel
    for k in range(4, 10):   # a cell edited and run again: the older versions are pruned
        assert json.loads(run(tmp_path, CELL % k, env).stdout) == [2 * k + 1, 1]
    from ember import _cache
    nofile = tmp_path / "xdg" / "ember" / "nofile"
    assert len(entries(nofile)) == _cache.KEEP
    assert json.loads(run(tmp_path, CELL % 9, env).stdout) == [19, 0]


def test_unused_entries_of_code_without_a_file_are_swept(tmp_path):
    env = {"XDG_CACHE_HOME": str(tmp_path / "xdg")}
    run(tmp_path, CELL % 3, env)
    nofile = tmp_path / "xdg" / "ember" / "nofile"
    old = nofile / entries(nofile)[0]
    os.utime(old, (0, 0))   # unused since 1970
    assert json.loads(run(tmp_path, CELL.replace("def f", "def g").replace('ns["f"]', 'ns["g"]') % 3, env).stdout) == [7, 1]
    assert not old.exists() and len(entries(nofile)) == 1


def test_explicit_signatures_parallel_and_linalg_from_the_cache(pkg):
    write(pkg, "more.py", '''
        import numpy as np
        from ember import njit, prange

        @njit("float64(float64[::1])", cache=True)
        def norm1(a):
            return np.abs(a).sum()

        @njit(parallel=True, cache=True)
        def psum(a):
            s = 0.0
            for i in prange(a.size):
                s += a[i] * a[i]
            return s

        @njit(cache=True)
        def solve(m, b):
            return np.linalg.solve(m, b)
    ''')
    script = '''
        import json, numpy as np, more
        a = np.linspace(-1, 1, 10001)
        m = np.array([[3.0, 1.0], [1.0, 2.0]]); b = np.array([9.0, 8.0])
        out = [more.norm1(a), more.psum(a), more.solve(m, b).tolist(),
               [d.stats["compiles"] for d in (more.norm1, more.psum, more.solve)]]
        print(json.dumps(out))
    '''
    first = json.loads(run(pkg, script).stdout)
    second = json.loads(run(pkg, script).stdout)
    assert first[3] == [1, 1, 1] and second[3] == [0, 0, 0]
    assert second[:3] == first[:3]
    assert second[2] == pytest.approx([2.0, 3.0])


def popen(d, script=RUN, env=None):
    e = dict(os.environ, PYTHONPATH=os.pathsep.join([str(d), EMBER_PATH]), PYTHONDONTWRITEBYTECODE="1")
    e.pop("EMBER_CACHE_DIR", None)
    e.update(env or {})
    return subprocess.Popen([sys.executable, "-c", textwrap.dedent(script)], cwd=d, env=e, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def test_sixteen_processes_on_a_cold_cache_compile_once(pkg):
    procs = [popen(pkg) for _ in range(16)]
    outs = [p.communicate(timeout=300) for p in procs]
    total = {"total": 0, "pair": 0, "checked": 0}
    for p, (out, err) in zip(procs, outs):
        assert p.returncode == 0, err
        assert "Warning" not in err, err
        r = json.loads(out.strip().splitlines()[-1])
        assert r["total"] == 2 * sum(x * x for x in range(10)) and r["pair"] == [[0.0, 1.0, 2.0], 6]
        assert r["raised"] == "i is too large"
        for f, n in compiles(r).items():
            total[f] += n
            assert n + hits(r)[f] == 1   # each process compiled or loaded each function
    assert total == {"total": 1, "pair": 1, "checked": 1}   # one process compiled, fifteen loaded
    left = os.listdir(pkg / "__pycache__")
    assert not [f for f in left if f.startswith(".tmp") or f.endswith(".lock")]
    r = result(run(pkg))
    assert compiles(r) == {"total": 0, "pair": 0, "checked": 0}


HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


PROBE = """
import json, sys, numpy as np, kernels
from ember import _cache
print(_cache.Probe(kernels.total, "(array(float64, 1d, C))").path)
"""


def total_entry(pkg):
    return run(pkg, PROBE).stdout.strip().splitlines()[-1]


def hold(path, seconds):
    p = subprocess.Popen([sys.executable, "-c", HOLD, path + ".lock", str(seconds)], stdout=subprocess.PIPE, text=True)
    assert p.stdout.readline().strip() == "held"
    return p


def test_a_dead_lock_holder_blocks_no_one(pkg):
    holder = hold(total_entry(pkg), 600)
    holder.kill()   # dies holding the lock, as a rank killed mid-compile would
    holder.wait()
    r = result(run(pkg, env={"EMBER_CACHE_LOCK_TIMEOUT": "600"}))
    assert compiles(r)["total"] == 1 and r["total"] == 2 * sum(x * x for x in range(10))


def test_a_waiter_compiles_itself_after_the_timeout(pkg):
    holder = hold(total_entry(pkg), 600)   # alive and holding, and never storing
    try:
        p = run(pkg, env={"EMBER_CACHE_LOCK_TIMEOUT": "1"})
    finally:
        holder.kill()
        holder.wait()
    assert re.search(r"waited \d+s for another process compiling total\(array\(float64, 1d, C\)\); compiling it here",
                     p.stderr), p.stderr
    r = result(p)
    assert compiles(r)["total"] == 1 and r["total"] == 2 * sum(x * x for x in range(10))
    assert compiles(result(run(pkg)))["total"] == 0   # and stored it


def test_a_waiter_loads_what_the_holder_stored(pkg):
    holder = hold(total_entry(pkg), 600)
    try:
        waiter = popen(pkg, env={"EMBER_DEBUG_CACHE": "1"})
        seen = []
        while not any("waiting for another process" in line for line in seen):
            seen.append(waiter.stderr.readline())
            assert seen[-1], "".join(seen)
        # the entry the holder would store, made by a process that does not wait
        run(pkg, "import numpy as np, kernels; kernels.total(np.arange(3.0))", env={"EMBER_CACHE_LOCK_TIMEOUT": "0"})
    finally:
        holder.kill()
        holder.wait()
    out, err = waiter.communicate(timeout=120)
    assert waiter.returncode == 0, err
    r = json.loads(out.strip().splitlines()[-1])
    assert compiles(r)["total"] == 0 and hits(r)["total"] == 1, err
    assert "after waiting for another process compiling it" in err


def test_global_tuples_are_part_of_the_key(tmp_path):
    write(tmp_path, "consts.py", '''
        from ember import njit

        W = (1.0, 2.0)

        @njit(cache=True)
        def uses_w(x):
            return x + W[0] + W[1]
    ''')
    script = "import json, consts; print(json.dumps([consts.uses_w(1), consts.uses_w.stats['compiles']]))"
    assert json.loads(run(tmp_path, script).stdout) == [4.0, 1]
    assert json.loads(run(tmp_path, script).stdout) == [4.0, 0]
    write(tmp_path, "consts.py", (tmp_path / "consts.py").read_text().replace("(1.0, 2.0)", "(1.0, 5.0)"))
    assert json.loads(run(tmp_path, script).stdout) == [7.0, 1]


def test_omitted_defaults_are_part_of_the_key(tmp_path):
    """A default a call leaves out is folded into the specialisation (omitted(default=v)): a
    default from another module that changes compiles again, never serves the old value."""
    write(tmp_path, "limits.py", "K = 3\n")
    write(tmp_path, "defaults.py", '''
        from ember import njit
        import limits

        @njit(cache=True)
        def scaled(x, k=limits.K, mode="add"):
            return x + k if mode == "add" else x * k
    ''')
    script = ("import json, defaults; f = defaults.scaled; "
              "print(json.dumps([f(2), f(2, mode='mul'), f(2, 10), f.stats['compiles'], f.stats['cache_hits']]))")
    assert json.loads(run(tmp_path, script).stdout) == [5, 6, 12, 3, 0]
    assert json.loads(run(tmp_path, script).stdout) == [5, 6, 12, 0, 3]
    write(tmp_path, "limits.py", "K = 4\n")
    assert json.loads(run(tmp_path, script).stdout) == [6, 8, 12, 2, 1]


def test_closure_variables_are_frozen_and_part_of_the_key(tmp_path):
    write(tmp_path, "closures.py", '''
        from ember import njit

        def make(k):
            @njit(cache=True)
            def f(x):
                return x * k
            return f

        triple, tenfold = make(3), make(10)
    ''')
    script = '''
        import json, closures
        print(json.dumps([closures.triple(2), closures.tenfold(2),
                          [d.stats["compiles"] for d in (closures.triple, closures.tenfold)]]))
    '''
    assert json.loads(run(tmp_path, script).stdout) == [6, 20, [1, 1]]
    assert json.loads(run(tmp_path, script).stdout) == [6, 20, [0, 0]]
    write(tmp_path, "closures.py", (tmp_path / "closures.py").read_text().replace("make(10)", "make(11)"))
    assert json.loads(run(tmp_path, script).stdout) == [6, 22, [0, 1]]


def test_unaligned_and_aligned_specialisations_are_separate_entries(pkg):
    script = '''
        import json, numpy as np, kernels
        a = np.arange(10.0)
        u = np.frombuffer(bytearray(81), np.float64, offset=1)
        u[:] = a
        out = [kernels.total(a), kernels.total(u), kernels.total(u[::2]),
               kernels.total.stats, sorted(str(s[0]) for s in kernels.total.signatures)]
        print(json.dumps(out))
    '''
    first = json.loads(run(pkg, script).stdout)
    second = json.loads(run(pkg, script).stdout)
    assert first[:3] == second[:3] == [2 * 285.0, 2 * 285.0, 2 * sum(x * x for x in range(0, 10, 2))]
    assert first[3]["compiles"] == 3 and second[3]["compiles"] == 0 and second[3]["cache_hits"] == 3
    assert second[4] == ["array(float64, 1d, C)", "unaligned array(float64, 1d, A)", "unaligned array(float64, 1d, C)"]


NAMEDTUPLES = '''
import typing
from ember import njit


class Order(typing.NamedTuple):
    size: float
    price: float


@njit(cache=True)
def make(s):
    return Order(s, 2.0 * s)
'''

RUN_NAMEDTUPLES = '''
import json, warnings
warnings.simplefilter("error")
import orders
r = orders.make(3.0)
print(json.dumps({"r": [type(r).__name__, r.size, r.price], "stats": orders.make.stats}))
'''


def test_a_namedtuple_made_in_the_code_reloads(tmp_path):
    # a cached return type names a namedtuple class the new process has not seen yet: found among
    # the function's globals (vectorbt's orders: every run warned and compiled again)
    write(tmp_path, "orders.py", NAMEDTUPLES)
    first = result(run(tmp_path, RUN_NAMEDTUPLES))
    second = result(run(tmp_path, RUN_NAMEDTUPLES))
    assert first["r"] == second["r"] == ["Order", 3.0, 6.0]
    assert second["stats"]["compiles"] == 0 and second["stats"]["cache_hits"] == 1


ENUMS = '''
import enum
from ember import njit


class Side(enum.Enum):
    BUY = 1
    SELL = -1


@njit(cache=True)
def side_of(q):
    return Side.BUY if q > 0 else Side.SELL
'''

RUN_ENUMS = '''
import json, warnings
warnings.simplefilter("error")
import sides
r = sides.side_of(-2.0)
print(json.dumps({"r": [r.name, r is sides.Side.SELL], "stats": sides.side_of.stats}))
'''


def test_an_enum_member_returned_reloads(tmp_path):
    # the cached return type Enum<int64>(Side) names an Enum the new process has not typed yet:
    # found among the function's globals
    write(tmp_path, "sides.py", ENUMS)
    first = result(run(tmp_path, RUN_ENUMS))
    second = result(run(tmp_path, RUN_ENUMS))
    assert first["r"] == second["r"] == ["SELL", True]
    assert second["stats"]["compiles"] == 0 and second["stats"]["cache_hits"] == 1
