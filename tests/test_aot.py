"""AOT modules: `python -m ember.aot build` turns @ember.aot.export functions into an extension
module that runs where neither ember nor LLVM is installed (a fresh virtual environment with
only NumPy), dispatches several signatures by type, stays parallel, raises as the JIT does, and
comes with a C header whose entry points C code can call.
"""
import os
import shutil
import subprocess
import sys
import sysconfig
import textwrap

import numpy as np
import pytest

import ember

EMBER_PATH = os.path.dirname(os.path.dirname(ember.__file__))

KERNELS = '''
import numpy as np
from ember import njit, prange
from ember.aot import export

@njit
def sq(x):
    return x * x

@export("float64(float64[::1])", "int64(int64[::1])")
@njit(parallel=True)
def total(a):
    """Sum of squares."""
    s = a[0] * 0
    for i in prange(a.size):
        s += sq(a[i])
    return s

@export("float64[::1](float64[::1], float64)")
def scaled(a, k):
    if k == 0:
        raise ValueError("k must not be zero")
    return a * k

@export("float64[:](float64[:, :], float64[:])")
def solve(m, b):
    return np.linalg.solve(m, b)

@export("float64[::1](float64[::1])")
def bump(x):
    return np.exp(-x * x) * np.sin(x)   # glibc's vector maths where the JIT uses it

@export("uint8(uint8, uint8)", "float32(float32, float32)")
def narrow(x, y=1):
    return x + y

@export("UniTuple(int64, 2)(int64, int64)")
def divmod_(a, b):
    return a // b, a % b

@export("float64(unaligned float64[:])")
def usum(a):
    return a.sum()

@export("int64(int64)")
def threads_used(n):
    seen = np.zeros(256, np.int64)
    for i in prange(n):
        seen[i % 256] = 1
    return seen.sum()

@export("float64(float64[::1], int64)")
def safe_get(a, i):
    try:
        if i < 0:
            raise KeyError("negative", i)
        return a[i] / a[0]
    except ZeroDivisionError:
        return -1.0
    except LookupError as e:
        raise ValueError("bad index") from e

@export("int64(int64[::1])")
def distinct_pairs(a):
    # sets and dicts of tuples, probed in the compiled code (growing through ember_rt_set_grow)
    seen = set()
    counts = {(a[0], a[0]): 0}
    for i in range(a.size - 1):
        seen.add((a[i], a[i + 1]))
        k = (a[i] % 3, a[i + 1] % 3)
        counts[k] = counts.get(k, 0) + 1
    return len(seen) * 1000 + len(counts)

def not_exported(x):
    return x
'''

CHECK = '''
import sys
import numpy as np
import kernels
a = np.arange(1000.0)
assert kernels.total(a) == float((a * a).sum())
assert kernels.total(np.arange(1000)) == int((np.arange(1000) ** 2).sum())
assert kernels.total(a=a) == float((a * a).sum())
assert kernels.scaled(np.arange(3.0), 2.0).tolist() == [0.0, 2.0, 4.0]
assert np.allclose(kernels.solve(np.array([[3.0, 1.0], [1.0, 2.0]]), np.array([9.0, 8.0])), [2.0, 3.0])
assert kernels.divmod_(-7, 2) == (-4, 1)
assert kernels.narrow(255, 1) == 0 and kernels.narrow(0.1, 0.2) == float(np.float32(np.float32(0.1) + np.float32(0.2)))
try:   # as the JIT: a negative int for an unsigned parameter
    kernels.narrow(-1, 1)
    raise AssertionError("no error")
except OverflowError:
    pass
x = np.linspace(-5.0, 5.0, 1001)
assert np.allclose(kernels.bump(x), np.exp(-x * x) * np.sin(x), rtol=1e-14, atol=0)
try:
    kernels.scaled(np.arange(3.0), 0.0)
    raise AssertionError("no error")
except ValueError as e:
    assert str(e) == "k must not be zero"
try:
    kernels.divmod_(1, 0)
    raise AssertionError("no error")
except ZeroDivisionError:
    pass
try:
    kernels.scaled("x", 1.0)
    raise AssertionError("no error")
except TypeError:
    pass
u = np.frombuffer(bytearray(8001), np.float64, offset=1)   # unaligned
u[:] = a
assert not u.flags.aligned and kernels.usum(u) == kernels.usum(a) == float(a.sum())
try:   # as the JIT's explicit signatures: an aligned signature does not take an unaligned array
    kernels.total(u)
    raise AssertionError("no error")
except TypeError as e:
    assert "argument 1 ('a') is unaligned" in str(e) and "a.copy()" in str(e), str(e)
assert kernels.total(u.copy()) == float((a * a).sum())
try:
    kernels.total(a.astype(np.float16))
    raise AssertionError("no error")
except TypeError as e:
    assert "argument 1 ('a') is a float16 array" in str(e), str(e)
assert kernels.safe_get(np.arange(3.0), 1) == -1.0 and kernels.safe_get(np.arange(1.0, 4.0), 2) == 3.0
try:
    kernels.safe_get(a, -5)
    raise AssertionError("no error")
except ValueError as e:
    assert e.args == ("bad index",) and e.__cause__.args == ("negative", -5), (e.args, e.__cause__)
p = np.arange(200) % 37
assert kernels.distinct_pairs(p) == len(set(zip(p[:-1], p[1:]))) * 1000 + len(set(zip(p[:-1] % 3, p[1:] % 3)) | {(0, 0)})
assert kernels.total.__doc__ == "Sum of squares."
assert "ember" not in sys.modules
print("ok")
'''


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    src = tmp_path_factory.mktemp("src")
    (src / "kernels.py").write_text(textwrap.dedent(KERNELS))
    out = tmp_path_factory.mktemp("out")
    env = dict(os.environ, PYTHONPATH=EMBER_PATH)
    p = subprocess.run([sys.executable, "-m", "ember.aot", "build", str(src / "kernels.py"), "-o", str(out)],
                       env=env, capture_output=True, text=True, timeout=300)
    assert p.returncode == 0, p.stderr
    return out, p


def test_build_reports_progress_and_writes_module_and_header(built):
    out, p = built
    so = out / ("kernels" + sysconfig.get_config_var("EXT_SUFFIX"))
    assert p.stdout.strip() == str(so) and so.exists() and (out / "kernels.h").exists()
    lines = p.stderr.strip().splitlines()   # not a terminal: plain lines
    assert lines[0] == "[1/12] compiled kernels.total float64(float64[::1])"
    assert lines[-1].startswith("[12/12] compiled kernels.distinct_pairs")


def test_module_needs_neither_llvm_nor_ember(built):
    out, _ = built
    so = out / ("kernels" + sysconfig.get_config_var("EXT_SUFFIX"))
    deps = subprocess.run(["ldd", str(so)], capture_output=True, text=True).stdout
    assert "LLVM" not in deps and "_ember" not in deps
    nm = subprocess.run(["nm", "-D", "--defined-only", str(so)], capture_output=True, text=True).stdout
    exported = sorted(line.split()[-1] for line in nm.splitlines() if " T " in line)
    assert "PyInit_kernels" in exported and all(n == "PyInit_kernels" or n.startswith("kernels_") for n in exported)


def test_runs_in_a_fresh_venv_with_only_numpy(built, tmp_path):
    out, _ = built
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    py = venv / "bin" / "python"
    site = subprocess.run([str(py), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                          capture_output=True, text=True, check=True).stdout.strip()
    npdir = os.path.dirname(np.__file__)   # NumPy only: link it (and its bundled libraries) in
    for name in ("numpy", "numpy.libs"):
        if os.path.exists(os.path.join(os.path.dirname(npdir), name)):
            os.symlink(os.path.join(os.path.dirname(npdir), name), os.path.join(site, name))
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env["PYTHONPATH"] = str(out)
    p = subprocess.run([str(py), "-c", "import ember"], env=env, capture_output=True, text=True)
    assert p.returncode != 0 and "No module named 'ember'" in p.stderr
    p = subprocess.run([str(py), "-c", CHECK], env=env, capture_output=True, text=True, timeout=120)
    assert p.returncode == 0 and p.stdout.strip() == "ok", p.stderr


def test_parallel_functions_stay_parallel(built):
    out, _ = built
    code = ("import kernels, os; print(kernels.threads_used(1 << 16))")
    env = dict(os.environ, PYTHONPATH=str(out), EMBER_NUM_THREADS="2")
    p = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert p.stdout.strip() == "256"
    nm = subprocess.run(["nm", str(out / ("kernels" + sysconfig.get_config_var("EXT_SUFFIX")))],
                        capture_output=True, text=True).stdout
    assert "GOMP_parallel" in nm or "omp_" in nm   # the runner on OpenMP is linked in


C_PROGRAM = r'''
#include <Python.h>
#include <stdio.h>
#include "kernels.h"

int main(void) {
    Py_Initialize();
    PyObject *m = PyImport_ImportModule("kernels");
    if (!m) { PyErr_Print(); return 1; }
    double data[4] = {1, 2, 3, 4}, r = 0;
    ember_array_1d a = {NULL, NULL, data, {4}, {sizeof(double)}};
    void *args[1] = {&a};
    if (kernels_total_0(args, &r) != 0) return 2;
    int64_t x = 7, y = 0, qr[2];
    void *args2[2] = {&x, &y};
    const char *exc, *msg;
    int32_t status = kernels_divmod__0(args2, qr);
    if (status == 0 || !kernels_last_error(&exc, &msg)) return 3;
    double k = 3;
    void *args3[2] = {&a, &k};
    ember_array_1d out;
    if (kernels_scaled_0(args3, &out) != 0) return 4;
    printf("%g %s %s %g %lld\n", r, exc, msg, ((double *)out.data)[3], (long long)out.shape[0]);
    kernels_array_release(out.meminfo);
    Py_DECREF(m);
    Py_Finalize();
    return 0;
}
'''


@pytest.mark.skipif(not shutil.which("cc"), reason="needs a C compiler")
def test_c_code_calls_the_header_entry_points(built, tmp_path):
    out, _ = built
    (tmp_path / "main.c").write_text(C_PROGRAM)
    libdir = sysconfig.get_config_var("LIBDIR")
    cmd = ["cc", "-o", str(tmp_path / "main"), str(tmp_path / "main.c"), "-I" + str(out),
           "-I" + sysconfig.get_paths()["include"], str(out / ("kernels" + sysconfig.get_config_var("EXT_SUFFIX"))),
           "-L" + libdir, "-Wl,-rpath," + libdir, "-Wl,-rpath," + str(out), "-lpython3.11"]
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0 and "lpython" in p.stderr:
        pytest.skip("no libpython to embed")
    assert p.returncode == 0, p.stderr
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(out), os.path.dirname(os.path.dirname(np.__file__))]))
    r = subprocess.run([str(tmp_path / "main")], env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split(None, 1)[0] == "30"
    assert "builtins:ZeroDivisionError" in r.stdout and r.stdout.split()[-2:] == ["12", "4"]


def test_nothing_exported_is_a_clear_error(tmp_path):
    (tmp_path / "empty.py").write_text("x = 1\n")
    p = subprocess.run([sys.executable, "-m", "ember.aot", "build", str(tmp_path / "empty.py")],
                       env=dict(os.environ, PYTHONPATH=EMBER_PATH), capture_output=True, text=True)
    assert p.returncode == 1 and "exports nothing" in p.stderr and "Traceback" not in p.stderr


def test_export_keeps_a_jit_function():
    from ember.aot import export

    @export("int64(int64)")
    def twice(x):
        return 2 * x

    assert isinstance(twice, ember.Dispatcher) and twice(21) == 42 and twice(1.5) == 3.0
    with pytest.raises(TypeError):
        export()(lambda x: x)
