#!/usr/bin/env python
"""Start-up benchmark: the cached first call (cache=True) of ember and numba, and the import and
first call of an ember AOT module, each in fresh processes, side by side in one run.

For each backend a module of three kernels (a scalar loop calling another compiled function, an
array expression, a reduction over a 2-d array) is written to a temporary directory; one process
fills the cache, then N fresh processes each time, after `import numpy`:

    import + first call   importing the backend and the module, then the first call of each kernel
    first call            the first calls alone (the module already imported)

The AOT row builds the same module with `python -m ember.aot build` and times importing it and
its first calls. Prints a Markdown table (medians over the runs) with the command and machine.

    PYTHONPATH=pymodule python bench/bench_startup.py [--runs 15]
"""
import argparse
import json
import os
import platform
import shlex
import statistics
import subprocess
import sys
import tempfile
import textwrap

KERNELS = '''
import numpy as np
from {backend} import njit
{aot_import}

@njit(cache={cache})
def step(x):
    return x * 0.5 + 1.0 if x > 1.0 else x * 3.0

{export1}
@njit(cache={cache})
def iterate(n):
    x, s = 7.0, 0.0
    for i in range(n):
        x = step(x)
        s += x
    return s

{export2}
@njit(cache={cache})
def blend(a, b, t):
    return np.sqrt(a * a * (1.0 - t) + b * b * t)

{export3}
@njit(cache={cache})
def row_max_sum(m):
    s = 0.0
    for i in range(m.shape[0]):
        s += m[i].max()
    return s
'''

TIMED = '''
import time
t0 = time.perf_counter()
import numpy as np
a = np.linspace(0.0, 1.0, 1000); b = a[::-1].copy(); m = np.arange(600.0).reshape(20, 30)
t1 = time.perf_counter()
import {module} as k
t2 = time.perf_counter()
r = (k.iterate(1000), k.blend(a, b, 0.25)[3], k.row_max_sum(m))
t3 = time.perf_counter()
import json, sys
print(json.dumps({{"import_and_call": (t3 - t1) * 1e3, "call": (t3 - t2) * 1e3, "numpy": (t1 - t0) * 1e3,
                  "r": [float(x) for x in r], "llvm": "llvmlite.binding" in sys.modules or "ember._embercc" in sys.modules}}))
'''


def write_module(d, name, backend, aot=False):
    sigs = ('@export("float64(int64)")', '@export("float64[::1](float64[::1], float64[::1], float64)")',
            '@export("float64(float64[:, ::1])")')
    text = KERNELS.format(backend=backend, cache="False" if aot else "True",
                          aot_import="from ember.aot import export" if aot else "",
                          export1=sigs[0] if aot else "", export2=sigs[1] if aot else "", export3=sigs[2] if aot else "")
    with open(os.path.join(d, name + ".py"), "w") as f:
        f.write(textwrap.dedent(text))


def run(d, module, env):
    p = subprocess.run([sys.executable, "-c", TIMED.format(module=module)], cwd=d, env=env, capture_output=True,
                       text=True, timeout=300)
    if p.returncode != 0:
        raise RuntimeError("%s failed:\n%s" % (module, p.stderr))
    return json.loads(p.stdout.strip().splitlines()[-1])


def measure(d, module, env, runs):
    run(d, module, env)   # fills the cache (and warms the file system)
    samples = [run(d, module, env) for _ in range(runs)]
    return {k: statistics.median(s[k] for s in samples) for k in ("import_and_call", "call", "numpy")}, samples[-1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    here = os.path.dirname(os.path.abspath(__file__))
    ember_path = os.path.dirname(os.path.abspath(__import__("ember").__file__))
    rows = {}
    with tempfile.TemporaryDirectory(prefix="ember-startup-") as d:
        env = dict(os.environ, PYTHONPATH=os.pathsep.join([d, os.path.dirname(ember_path)]))
        env.pop("EMBER_CACHE_DIR", None)
        env.pop("NUMBA_CACHE_DIR", None)
        # Python's own bytecode cache on, as in an installed package: numba's modules come with
        # their .pyc files, and with PYTHONDONTWRITEBYTECODE set every process would compile
        # ember's Python modules again (about 10 ms that have nothing to do with the cache).
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        write_module(d, "k_ember", "ember")
        rows["ember, cache=True"], r_ember = measure(d, "k_ember", env, args.runs)
        assert not r_ember["llvm"], "an ember cache hit loaded LLVM"
        try:
            import numba  # noqa: F401
            write_module(d, "k_numba", "numba")
            rows["numba, cache=True"], r_numba = measure(d, "k_numba", env, args.runs)
            assert r_numba["r"] == r_ember["r"], (r_numba["r"], r_ember["r"])
        except ImportError:
            pass
        aot_src = os.path.join(d, "src")
        os.makedirs(aot_src)
        write_module(aot_src, "k_aot", "ember", aot=True)
        out = os.path.join(d, "aot")
        subprocess.run([sys.executable, "-m", "ember.aot", "build", os.path.join(aot_src, "k_aot.py"), "-o", out],
                       env=env, check=True, capture_output=True)
        aot_env = dict(env, PYTHONPATH=out)   # the AOT module alone: no ember on the path
        rows["ember AOT module"], r_aot = measure(d, "k_aot", aot_env, args.runs)
        assert r_aot["r"] == r_ember["r"], (r_aot["r"], r_ember["r"])
    print("Command: `PYTHONPATH=pymodule python %s`  " % " ".join(shlex.quote(a) for a in [os.path.relpath(__file__, os.path.dirname(here))] + sys.argv[1:]))
    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    print("Machine: %s, %d CPUs; medians of %d fresh processes after `import numpy`.\n" % (cpu, os.cpu_count(), args.runs))
    print("| | import + first calls (ms) | first calls alone (ms) |")
    print("|---|--:|--:|")
    for name, v in rows.items():
        print("| %s | %.1f | %.1f |" % (name, v["import_and_call"], v["call"]))
    if "numba, cache=True" in rows:
        e, n = rows["ember, cache=True"], rows["numba, cache=True"]
        print("\nember/numba, cached: import + first calls %.3f, first calls alone %.3f (target: at most 0.2)"
              % (e["import_and_call"] / n["import_and_call"], e["call"] / n["call"]))
    print("AOT import + first calls beyond `import numpy`: %.1f ms (target: under 10 ms)"
          % rows["ember AOT module"]["import_and_call"])


if __name__ == "__main__":
    main()
