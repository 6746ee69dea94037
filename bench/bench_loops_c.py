"""Loop kernels side by side: ember, numba, C (gcc -O3 -march=native) and CPython, in one run.

    python bench/bench_loops_c.py                       # every kernel, Markdown table on stdout
    python bench/bench_loops_c.py --kernels crc,sqdist  # kernels whose name contains a word
    python bench/bench_loops_c.py --skip cpython        # backends: ember,numba,c,cpython
    python bench/bench_loops_c.py --ab="-slp-vectorize-hor=false" [--ab-python other/python]
    python bench/bench_loops_c.py --callgrind --ab="-slp-vectorize-hor=false" --repeat 2

Kernels: the array loops of kernels_loops.py, the scalar loops of kernels_scalar.py and the
recursive functions of kernels_recursive.py, each also written in C (kernels_loops.C_SOURCE,
SCALAR_C below, kernels_recursive.C_SOURCE). The C file is compiled at run
time into a shared library and called through ctypes (its call costs about a microsecond, the
kernels take milliseconds). Timing is interleaved: every round times each backend once (the
best of a few calls), and a kernel's figure is its best round, so a busy machine slows all
backends alike. Results are checked against each other (C and CPython included).

--ab OPTIONS times ember alone in two kinds of subprocess, alternating: A with the environment
as it is, B with EMBER_LLVM_OPTIONS=OPTIONS (or B run by --ab-python, e.g. a venv of another
commit); it prints B/A per kernel, the median over rounds, and whether A and B made the same
machine code (if so, any B/A away from 1 is the machine's noise).

--callgrind (with --ab or --ab-python) compares instructions per call instead, deterministic on
a busy machine: each side runs once under `valgrind --tool=callgrind --smc-check=all --dump-before=getppid`
(--count mode: per kernel a warm call, then --repeat calls between two os.getppid() marks, so
one profile part holds exactly those calls). Without --ab, --callgrind counts ember's, numba's
and C's instructions per call (--skip drops backends) and prints ember/numba and ember/C.
"""

import argparse
import ctypes
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import kernels_loops  # noqa: E402
import kernels_recursive  # noqa: E402
import kernels_scalar  # noqa: E402

sys.setrecursionlimit(100_000)   # CPython runs ackermann(3, 8) 2045 calls deep

C_FLAGS = ["-O3", "-march=native", "-ffp-contract=off", "-shared", "-fPIC"]

# The scalar kernels of kernels_scalar.py in C (same statements, int64_t for Python ints).
SCALAR_C = r"""
#include <stdint.h>
#include <math.h>

double series_sum(int64_t n) {
    double s = 0.0;
    for (int64_t k = 1; k < n + 1; k++) s += 1.0 / (double)(k * k);
    return s;
}

int64_t collatz(int64_t n) {
    int64_t total = 0;
    for (int64_t i = 1; i < n + 1; i++) {
        int64_t x = i;
        while (x != 1) {
            if (x % 2 == 0) x = x / 2; else x = 3 * x + 1;
            total += 1;
        }
    }
    return total;
}

int64_t primes(int64_t n) {
    int64_t count = 0;
    for (int64_t k = 2; k < n + 1; k++) {
        int is_prime = 1;
        for (int64_t d = 2; d * d <= k; d++)
            if (k % d == 0) { is_prime = 0; break; }
        count += is_prime;
    }
    return count;
}

int64_t fib(int64_t n) { return n < 2 ? n : fib(n - 1) + fib(n - 2); }

int64_t mandelbrot(int64_t width, int64_t height, int64_t max_iter) {
    double x_min = -2.0, x_max = 0.5, y_min = -1.25, y_max = 1.25;
    double dx = (x_max - x_min) / width, dy = (y_max - y_min) / height;
    int64_t total = 0;
    for (int64_t j = 0; j < height; j++) {
        double ci = y_min + j * dy;
        for (int64_t i = 0; i < width; i++) {
            double cr = x_min + i * dx, zr = 0.0, zi = 0.0;
            int64_t it = 0;
            while (it < max_iter && zr * zr + zi * zi <= 4.0) {
                double t = zr * zr - zi * zi + cr;
                zi = 2.0 * zr * zi + ci;
                zr = t;
                it += 1;
            }
            total += it;
        }
    }
    return total;
}

double newton_sqrt(int64_t n) {
    double total = 0.0;
    for (int64_t i = 1; i < n + 1; i++) {
        double x = (double)i, g = 0.5 * x + 0.5;
        for (int k = 0; k < 100; k++) {
            double g_next = 0.5 * (g + x / g);
            if (fabs(g_next - g) <= 1e-12 * g_next) { g = g_next; break; }
            g = g_next;
        }
        total += g;
    }
    return total;
}

double trapezoid(int64_t n) {
    double a = 0.0, b = 10.0, h = (b - a) / n;
    double s = 0.5 * (sin(a) * exp(-a / 5.0) + sin(b) * exp(-b / 5.0));
    for (int64_t i = 1; i < n; i++) {
        double x = a + i * h;
        s += sin(x) * exp(-x / 5.0);
    }
    return s * h;
}

double lcg_pi(int64_t n) {
    int64_t state = 12345, hits = 0;
    for (int64_t k = 0; k < n; k++) {
        state = (1103515245 * state + 12345) % 2147483648;
        double x = (state / 128) / 16777216.0;
        state = (1103515245 * state + 12345) % 2147483648;
        double y = (state / 128) / 16777216.0;
        if (x * x + y * y < 1.0) hits += 1;
    }
    return 4.0 * hits / n;
}

int64_t gcd_sum(int64_t n) {
    int64_t total = 0;
    for (int64_t i = 1; i < n + 1; i++)
        for (int64_t j = 1; j < n + 1; j++) {
            int64_t a = i, b = j;
            while (b != 0) { int64_t t = a % b; a = b; b = t; }
            total += a;
        }
    return total;
}

static inline void rotate(double x, double y, double c, double s, double *rx, double *ry) {
    *rx = c * x - s * y;
    *ry = s * x + c * y;
}

double orbit(int64_t n) {
    double c = cos(0.001), s = sin(0.001), x = 1.0, y = 0.0, acc = 0.0;
    for (int64_t k = 0; k < n; k++) {
        rotate(x, y, c, s, &x, &y);
        acc += x * x + y * y;
    }
    return acc;
}

double spin(int64_t n) {
    double wr = cos(0.001), wi = sin(0.001), zr = 1.0, zi = 0.0, acc = 0.0;
    for (int64_t k = 0; k < n; k++) {
        double r = zr * wr - zi * wi, i = zr * wi + zi * wr;
        zr = r;
        zi = i;
        acc += zr * zr + zi * zi;
    }
    return acc;
}

double rk4_osc(int64_t n) {
    double h = 0.001, x = 1.0, v = 0.0, acc = 0.0;
    for (int64_t k = 0; k < n; k++) {
        double k1x = v, k1v = -x - 0.1 * v;
        double k2x = v + 0.5 * h * k1v, k2v = -(x + 0.5 * h * k1x) - 0.1 * (v + 0.5 * h * k1v);
        double k3x = v + 0.5 * h * k2v, k3v = -(x + 0.5 * h * k2x) - 0.1 * (v + 0.5 * h * k2v);
        double k4x = v + h * k3v, k4v = -(x + h * k3x) - 0.1 * (v + h * k3v);
        double nx = x + h / 6.0 * (k1x + 2.0 * k2x + 2.0 * k3x + k4x);
        double nv = v + h / 6.0 * (k1v + 2.0 * k2v + 2.0 * k3v + k4v);
        x = nx;
        v = nv;
        acc += x * x + v * v;
    }
    return acc;
}
"""

SCALAR_RESULTS = {"series_sum": "float", "collatz": "int", "primes": "int", "fib": "int",
                  "mandelbrot": "int", "newton_sqrt": "float", "trapezoid": "float",
                  "lcg_pi": "float", "gcd_sum": "int", "orbit": "float", "spin": "float",
                  "rk4_osc": "float"}


def all_kernels():
    """name -> dict(py, c_name, make, result, fresh, desc) for both kernel files."""
    out = {}
    for name, k in kernels_loops.KERNELS.items():
        make, size = k["make"], k["size"]
        out[name] = dict(py=k["fn"], c_name=k["fn"].__name__, make=lambda make=make, size=size: make(*size),
                         result=k["result"], fresh=k["fresh"], desc=k["desc"], scalar=False)
    for name, k in kernels_recursive.KERNELS.items():
        make, size = k["make"], k["size"]
        out[name] = dict(py=k["fn"], c_name=k["fn"].__name__, make=lambda make=make, size=size: make(*size),
                         result=k["result"], fresh=k["fresh"], desc=k["desc"], scalar=False)
    for name, k in kernels_scalar.KERNELS.items():
        args = k["full"]
        out[name] = dict(py=None, c_name=name, make=lambda args=args: (args, args), result=SCALAR_RESULTS[name],
                         fresh=False, desc=k["desc"].format(*args), scalar=True)
    return out


def compile_c(tmp):
    src = os.path.join(tmp, "kernels.c")
    with open(src, "w") as f:
        f.write(kernels_loops.C_SOURCE)
        f.write(SCALAR_C)
        f.write(kernels_recursive.C_SOURCE)
    lib = os.path.join(tmp, "kernels.so")
    subprocess.run(["gcc", *C_FLAGS, src, "-o", lib, "-lm"], check=True)
    return ctypes.CDLL(lib)


def c_caller(lib, kernel, c_args):
    """A function of no arguments calling the C kernel on c_args (arrays by data pointer)."""
    fn = getattr(lib, kernel["c_name"])
    res = kernel["result"]
    fn.restype = ctypes.c_double if res == "float" else ctypes.c_int64
    conv = []
    for a in c_args:
        if isinstance(a, np.ndarray):
            conv.append(ctypes.c_void_p(a.ctypes.data))
        elif isinstance(a, float):
            conv.append(ctypes.c_double(a))
        else:
            conv.append(ctypes.c_int64(a))
    return lambda: fn(*conv)


def backends(names, wanted):
    """backend -> {kernel name: callable(*python_args)}."""
    ks = kernels_scalar
    out = {}
    for b in wanted:
        if b == "c":
            continue
        if b == "ember":
            import ember
            deco = ember.njit
        elif b == "numba":
            import numba
            deco = numba.njit
        else:
            def deco(f):
                return f
        scalar = ks.make(deco, [n for n in names if n in ks.KERNELS])
        scalar.update(kernels_recursive.make(deco, [n for n in names if n in kernels_recursive.KERNELS]))
        loops = {}
        for n in names:
            if n in kernels_loops.KERNELS:
                fn = kernels_loops.KERNELS[n]["fn"]
                key = fn.__name__
                loops.setdefault(key, deco(fn))
        out[b] = {n: scalar[n] if n in scalar else loops[kernels_loops.KERNELS[n]["fn"].__name__] for n in names}
    return out


def result_of(kernel, ret, py_args):
    if kernel["result"] == "out":
        return py_args[-1].copy()
    return ret


def same(kernel, a, b):
    if kernel["result"] == "out":
        return np.allclose(a, b, rtol=1e-12, atol=0)
    if kernel["result"] == "float":
        return abs(float(a) - float(b)) <= 1e-9 * max(1.0, abs(float(b)))
    return int(a) == int(b)


def time_calls(call, make_args, fresh, reps):
    """Best of `reps` timed calls; fresh arguments are made outside the timed region."""
    best = float("inf")
    args = None if fresh else make_args()
    for _ in range(reps):
        a = make_args() if fresh else args
        t = time.perf_counter()
        call(a)
        best = min(best, time.perf_counter() - t)
    return best


def run_kernel(name, kernel, fns, lib, rounds, reps):
    """{backend: seconds}, and a list of mismatches."""
    def make():
        return kernel["make"]()
    results, times, bad = {}, {}, []
    calls = {}
    for b, table in fns.items():
        f = table[name]
        calls[b] = lambda pc, f=f: f(*pc[0])
    if lib is not None:
        calls["c"] = lambda pc: c_caller(lib, kernel, pc[1])()
    for b, call in calls.items():   # warm up (compile) and check
        pc = make()
        results[b] = result_of(kernel, call(pc), pc[0])
    ref = results.get("c", results.get("numba", next(iter(results.values()))))
    for b, r in results.items():
        if not same(kernel, r, ref):
            bad.append("%s: %s differs (%r vs %r)" % (name, b, r, ref))
    for _ in range(rounds):
        for b, call in calls.items():
            if b == "cpython":
                continue
            t = time_calls(call, make, kernel["fresh"], reps)
            times[b] = min(times.get(b, t), t)
    if "cpython" in calls:
        times["cpython"] = time_calls(calls["cpython"], make, kernel["fresh"], 1)
    return times, bad


def select(names, words):
    if not words:
        return names
    ws = words.split(",")
    return [n for n in names if any(w in n for w in ws)]


def report(rows, args, cpu):
    print("## Loop kernels: ember vs numba vs C vs CPython\n")
    print("`%s` on %s (%d cores), %s, C: `gcc %s`\n" % (
        " ".join(["python"] + sys.argv), cpu, os.cpu_count(), time.strftime("%Y-%m-%d"), " ".join(C_FLAGS[:3])))
    print("| kernel | size | ember ms | numba ms | C ms | CPython ms | ember/numba | ember/C |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    rn, rc = [], []
    for name, desc, t in rows:
        def ms(b):
            return "%.3f" % (t[b] * 1e3) if b in t else "-"
        en = t["ember"] / t["numba"] if "ember" in t and "numba" in t else None
        ec = t["ember"] / t["c"] if "ember" in t and "c" in t else None
        if en:
            rn.append(en)
        if ec:
            rc.append(ec)
        print("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            name, desc, ms("ember"), ms("numba"), ms("c"), ms("cpython"),
            "%.2f" % en if en else "-", "%.2f" % ec if ec else "-"))
    if rn:
        print("\nember/numba: geometric mean %.2f, worst %.2f" % (statistics.geometric_mean(rn), max(rn)))
    if rc:
        print("ember/C: geometric mean %.2f, worst %.2f" % (statistics.geometric_mean(rc), max(rc)))


def cpu_name():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def run_ab(args, names):
    """Alternate A and B subprocesses timing ember only; print B/A per kernel."""
    me = os.path.abspath(__file__)
    base = [me, "--emit-times", "--skip", "numba,c,cpython", "--rounds", "2", "--kernels", ",".join(names)]
    env_b = dict(os.environ)
    if args.ab:
        env_b["EMBER_LLVM_OPTIONS"] = args.ab
    py_b = args.ab_python or sys.executable
    ratios, same_code = {n: [] for n in names}, {}
    for r in range(args.ab_rounds):
        got = {}
        for side, py, env in (("A", sys.executable, os.environ), ("B", py_b, env_b)):
            out = subprocess.run([py, *base], env=env, capture_output=True, text=True, check=True).stdout
            got[side] = {ln.split()[0]: ln.split()[1:] for ln in out.splitlines() if ln.strip()}
        for n in names:
            ratios[n].append(float(got["B"][n][0]) / float(got["A"][n][0]))
            same_code[n] = got["B"][n][1] == got["A"][n][1]
        print("round %d done" % (r + 1), file=sys.stderr)
    print("| kernel | same code | B/A (median) | per round |\n|---|---|---:|---|")
    for n in names:
        print("| %s | %s | %.3f | %s |" % (n, "yes" if same_code[n] else "no", statistics.median(ratios[n]),
                                         " ".join("%.2f" % v for v in ratios[n])))
    print("\ngeometric mean of medians: %.3f" % statistics.geometric_mean([statistics.median(v) for v in ratios.values()]))


def code_digest(dispatcher):
    """A digest of the machine code of a dispatcher's specialisations (labels and comments
    dropped), so an A/B run can tell a timing difference from a code difference."""
    import hashlib
    text = "\n".join(dispatcher.inspect_asm().values())
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.lstrip().startswith(("#", ".file"))]
    return hashlib.blake2b("\n".join(lines).encode(), digest_size=8).hexdigest()


def count_calls(table, names, backend, repeat):
    """Per kernel: one warm call (the compile), then `repeat` calls between two os.getppid()
    calls, which callgrind --dump-before=getppid turns into the bounds of a profile part."""
    if backend == "c":
        tmp = tempfile.mkdtemp(prefix="ember-bench-c-")
        lib = compile_c(tmp)
        shutil.rmtree(tmp, ignore_errors=True)
        fns = {n: (lambda n=n: lambda *a: c_caller(lib, table[n], a)())() for n in names}
    else:
        fns = backends(names, [backend])[backend]
    for n in names:
        k = table[n]
        arg_sets = [k["make"]()[1 if backend == "c" else 0] for _ in range(repeat + 1 if k["fresh"] else 1)]
        fns[n](*arg_sets[0])
        os.getppid()
        for r in range(repeat):
            fns[n](*arg_sets[r + 1 if k["fresh"] else 0])
        os.getppid()
    return 0


def callgrind_counts(python, env, names, backend, repeat):
    """{kernel: instructions per call} of `backend` run by `python` under callgrind."""
    tmp = tempfile.mkdtemp(prefix="ember-cg-")
    out = os.path.join(tmp, "cg")
    subprocess.run(["valgrind", "--tool=callgrind", "--smc-check=all", "--dump-before=getppid", "--callgrind-out-file=" + out,
                    python, os.path.abspath(__file__), "--count", backend, "--repeat", str(repeat),
                    "--kernels", ",".join(names)], env=env, check=True, capture_output=True)
    parts = []
    for f in sorted(os.listdir(tmp), key=lambda f: int(f.rsplit(".", 1)[1]) if "." in f else 10**9):
        with open(os.path.join(tmp, f)) as fh:
            for line in fh:
                if line.startswith(("summary:", "totals:")):
                    parts.append(int(line.split()[1]))
                    break
    shutil.rmtree(tmp, ignore_errors=True)
    # parts: [imports + first compile] [kernel 1 runs] [compile 2] [kernel 2 runs] ... [rest]
    return {n: parts[1 + 2 * i] / repeat for i, n in enumerate(names)}


def run_callgrind_ab(args, names):
    env_b = dict(os.environ)
    if args.ab:
        env_b["EMBER_LLVM_OPTIONS"] = args.ab
    a = callgrind_counts(sys.executable, dict(os.environ), names, "ember", args.repeat)
    b = callgrind_counts(args.ab_python or sys.executable, env_b, names, "ember", args.repeat)
    print("| kernel | A instructions/call | B instructions/call | B/A |\n|---|---:|---:|---:|")
    for n in names:
        print("| %s | %d | %d | %.3f |" % (n, a[n], b[n], b[n] / a[n]))
    print("\ngeometric mean B/A: %.3f" % statistics.geometric_mean([b[n] / a[n] for n in names]))


def run_callgrind_backends(args, names):
    """Instructions per call of each backend, side by side."""
    skip = set(filter(None, args.skip.split(",")))
    wanted = [b for b in ("ember", "numba", "c") if b not in skip]
    got = {b: callgrind_counts(sys.executable, dict(os.environ), names, b, args.repeat) for b in wanted}
    print("| kernel | %s | ember/numba | ember/C |\n|---|%s---:|---:|" % (
        " | ".join("%s instructions/call" % b for b in wanted), "---:|" * len(wanted)))
    ratios = {"numba": [], "c": []}
    for n in names:
        cells = []
        for other in ("numba", "c"):
            if "ember" in got and other in got:
                ratios[other].append(got["ember"][n] / got[other][n])
                cells.append("%.2f" % ratios[other][-1])
            else:
                cells.append("-")
        print("| %s | %s | %s |" % (n, " | ".join("%d" % got[b][n] for b in wanted), " | ".join(cells)))
    for other, label in (("numba", "ember/numba"), ("c", "ember/C")):
        if ratios[other]:
            print("\n%s: geometric mean %.2f, worst %.2f" % (label, statistics.geometric_mean(ratios[other]),
                                                           max(ratios[other])))


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--kernels", default="", help="comma-separated words; kernels whose name contains one")
    ap.add_argument("--skip", default="", help="backends to skip: ember,numba,c,cpython")
    ap.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    ap.add_argument("--reps", type=int, default=5, help="calls per backend per round (best kept)")
    ap.add_argument("--ab", default=None, help="EMBER_LLVM_OPTIONS for side B of an A/B run")
    ap.add_argument("--ab-python", default=None, help="the python of side B (another ember build)")
    ap.add_argument("--ab-rounds", type=int, default=5)
    ap.add_argument("--count", default=None, help="call BACKEND's kernels --repeat times, untimed")
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--callgrind", action="store_true",
                    help="instructions per call under callgrind instead of times (with --ab/--ab-python: A and B)")
    ap.add_argument("--emit-times", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args()
    table = all_kernels()
    names = select(list(table), args.kernels)
    if args.callgrind and (args.ab is not None or args.ab_python):
        return run_callgrind_ab(args, names)
    if args.callgrind:
        return run_callgrind_backends(args, names)
    if args.ab is not None or args.ab_python:
        return run_ab(args, names)
    if args.count:
        return count_calls(table, names, args.count, args.repeat)
    skip = set(filter(None, args.skip.split(",")))
    wanted = [b for b in ("ember", "numba", "c", "cpython") if b not in skip]
    fns = backends(names, wanted)
    tmp = tempfile.mkdtemp(prefix="ember-bench-c-")
    lib = compile_c(tmp) if "c" in wanted else None
    rows, bad = [], []
    shutil.rmtree(tmp, ignore_errors=True)   # the loaded library stays mapped
    for n in names:
        print("running %s" % n, file=sys.stderr)
        t, b = run_kernel(n, table[n], fns, lib, args.rounds, args.reps)
        rows.append((n, table[n]["desc"], t))
        bad += b
        if args.emit_times:
            print("%s %.9f %s" % (n, t["ember"], code_digest(fns["ember"][n])))
    if not args.emit_times:
        report(rows, args, cpu_name())
    for b in bad:
        print("MISMATCH " + b, file=sys.stderr)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
