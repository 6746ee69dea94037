#!/usr/bin/env python
"""Scalar-loop benchmark: ember vs numba vs CPython, in one run.

Measures, each in fresh subprocesses so nothing is warm:

1. Scalar kernels (bench/kernels_scalar.py): first call (compile + run) and
   steady-state time per jitted backend, CPython time, result agreement.
2. ``import ember`` vs ``import numba`` time beyond numpy.
3. Call overhead of ``add(a, b) -> a + b`` with float args (ns/call).
4. First call of ``add`` in a fresh process (the headline compile figure).

Prints a Markdown report (tables + exact command line + machine info) on
stdout; progress goes to stderr.  See bench/README.md.

    python bench/bench_scalar.py                # full run (~1-3 min)
    python bench/bench_scalar.py --quick        # CI smoke
    python bench/bench_scalar.py --kernels fib,collatz --markdown out.md
"""

import argparse
import gc
import importlib
import json
import math
import os
import platform
import shlex
import statistics
import subprocess
import sys
import time
import timeit

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.abspath(__file__)
RESULT_TAG = "@@BENCH_RESULT@@ "

FIRST_CALL_TARGET = 0.10  # ember first call <= 1/10 of numba's


# ==========================================================================
# Functions used by the child processes
# ==========================================================================

def add(a, b):
    return a + b


def _decorator(module_name):
    """The jit decorator of a backend; ``None`` means plain CPython."""
    if module_name is None:
        return lambda f: f
    return importlib.import_module(module_name).njit


def _plain(value):
    """Make a kernel result JSON-serialisable (numpy scalars, tuples)."""
    if isinstance(value, (tuple, list)):
        return [_plain(v) for v in value]
    if isinstance(value, (bool, int, float)) or value is None:
        return value
    if hasattr(value, "item"):  # numpy scalar
        return value.item()
    return repr(value)


def _time_calls(fn, args, min_total, min_reps, max_reps, max_time):
    """Call fn(*args) repeatedly; return (min seconds, repeats, result).

    Stops once the repeats took >= min_total seconds in total and at least
    min_reps were done, or after max_reps, or after max_time seconds.
    """
    times = []
    result = None
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        while True:
            t0 = time.perf_counter()
            result = fn(*args)
            t1 = time.perf_counter()
            times.append(t1 - t0)
            elapsed = t1 - start
            if len(times) >= max_reps or elapsed >= max_time:
                break
            if elapsed >= min_total and len(times) >= min_reps:
                break
    finally:
        if gc_was_enabled:
            gc.enable()
    return min(times), len(times), result


def child_kernel(spec):
    """One backend, one kernel: first call, then steady state, per size."""
    sys.path.insert(0, HERE)
    import kernels_scalar

    deco = _decorator(spec["module"])
    fn = kernels_scalar.make(deco, [spec["kernel"]])[spec["kernel"]]
    t = spec["timing"]
    runs = []
    for args in spec["sizes"]:
        args = tuple(args)
        if spec["module"] is None:
            # CPython: nothing compiles, so every run is a timing sample
            first = None
            steady, reps, result = _time_calls(
                fn, args, t["min_total"], t["min_reps"], t["max_reps"], t["max_time"])
            first_result = result
        else:
            t0 = time.perf_counter()
            first_result = fn(*args)
            first = time.perf_counter() - t0
            steady, reps, result = _time_calls(
                fn, args, t["min_total"], t["min_reps"], t["max_reps"], t["max_time"])
        runs.append(dict(args=list(args), first=first, steady=steady, reps=reps,
                         result=_plain(result),
                         first_result=_plain(first_result)))
    return dict(runs=runs)


def child_overhead(spec):
    """ns per call of add(1.0, 2.0) through the backend's dispatcher."""
    f = _decorator(spec["module"])(add)
    a, b = 1.0, 2.0
    result = f(a, b)  # compile
    timer = timeit.Timer("f(a, b)", globals={"f": f, "a": a, "b": b})
    number, _ = timer.autorange()            # >= 0.2 s per sample
    number = max(1, int(number * spec["sample_time"] / 0.2))
    gc.disable()
    samples = timer.repeat(repeat=spec["repeat"], number=number)
    gc.enable()
    return dict(ns=min(samples) / number * 1e9, number=number,
                repeat=spec["repeat"], result=_plain(result))


def child_firstcall(spec):
    """Decorate + first call of add(1.0, 2.0) in this (fresh) process."""
    import numpy  # noqa: F401  (not timed; typical user code has it loaded)
    module = importlib.import_module(spec["module"])
    njit = module.njit
    t0 = time.perf_counter()
    f = njit(add)
    result = f(1.0, 2.0)
    dt = time.perf_counter() - t0
    return dict(first=dt, result=_plain(result))


CHILDREN = {"kernel": child_kernel, "overhead": child_overhead,
            "firstcall": child_firstcall}


def child_main(spec_json):
    spec = json.loads(spec_json)
    try:
        out = CHILDREN[spec["kind"]](spec)
    except BaseException as exc:  # report anything, incl. SystemExit
        import traceback
        traceback.print_exc()
        out = dict(error="%s: %s" % (type(exc).__name__, exc))
    sys.stdout.flush()
    sys.stdout.write("\n" + RESULT_TAG + json.dumps(out) + "\n")
    sys.stdout.flush()


# Code run with ``python -c`` (kept minimal so that nothing but numpy is
# imported before the timed import).
IMPORT_SNIPPET = r"""
import json, sys, time
import numpy
t0 = time.perf_counter()
__import__(sys.argv[1])
dt = time.perf_counter() - t0
print("\n@@BENCH_RESULT@@ " + json.dumps({"import": dt}))
"""

INFO_SNIPPET = r"""
import json, sys
info = {}
for label, name in (("numpy", "numpy"), ("numba", "numba"), ("ember", sys.argv[1])):
    try:
        m = __import__(name)
        info[label] = {"version": str(getattr(m, "__version__", "?")),
                       "file": str(getattr(m, "__file__", "?"))}
    except BaseException as exc:
        info[label] = {"error": "%s: %s" % (type(exc).__name__, exc)}
try:
    import llvmlite
    info["llvmlite"] = {"version": llvmlite.__version__}
except BaseException:
    pass
print("\n@@BENCH_RESULT@@ " + json.dumps(info))
"""


def list_section(title, items):
    """A report section listing items, or nothing when there are none."""
    return ["### " + title, ""] + ["- " + x for x in items] + [""] if items else []


def header_lines(title):
    """The report's title, the command that produced it and the machine it ran on."""
    model, cores = machine_info()
    return ["## " + title, "", "Command: `%s`" % shlex.join(["python"] + sys.argv), "",
            "Machine: %s, %s; %s %s" % (model, cores, platform.system(), platform.release())]


def versions_lines(info, ember_module):
    """Report lines naming the versions measured and where ember was imported from (an
    installed copy can shadow a fresh build unless PYTHONPATH says otherwise)."""
    vers = ["Python %s" % platform.python_version()]
    for label in ("numpy", "numba", "llvmlite"):
        if label in info and "version" in info[label]:
            vers.append("%s %s" % (label, info[label]["version"]))
    e = info.get("ember", {})
    ember_label = "ember"
    if ember_module != "ember":
        ember_label = "ember (module `%s`)" % ember_module
    vers.append("%s %s" % (ember_label, e.get("version", "not importable")))
    L = ["", "Versions: " + ", ".join(vers)]
    if "file" in e:
        L += ["", "ember imported from: `%s`" % e["file"]]
    if ember_module != "ember":
        L += ["", "**NOTE: the 'ember' columns were measured with module `%s`, not ember.**" % ember_module]
    return L + [""]


# ==========================================================================
# Parent side
# ==========================================================================

def log(msg):
    print(msg, file=sys.stderr, flush=True)


class ChildFailed(Exception):
    pass


def run_child(argv, timeout):
    """Run a child python; return its result dict or raise ChildFailed."""
    cmd = [sys.executable] + argv
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True,
                              timeout=timeout)
    except subprocess.TimeoutExpired:
        raise ChildFailed("timed out after %.0f s" % timeout)
    result = None
    for line in proc.stdout.splitlines():
        if line.startswith(RESULT_TAG):
            result = json.loads(line[len(RESULT_TAG):])
    if result is None:
        tail = (proc.stderr.strip().splitlines() or ["<no output>"])[-1]
        status = "exit status %s" % proc.returncode
        if proc.returncode < 0:
            import signal
            try:
                status = "killed by %s" % signal.Signals(-proc.returncode).name
            except ValueError:
                status = "killed by signal %d" % -proc.returncode
        raise ChildFailed("%s: %s" % (status, tail))
    if "error" in result:
        raise ChildFailed(result["error"])
    return result


def run_spec(spec, timeout):
    return run_child([SCRIPT, "--child", json.dumps(spec)], timeout)


# ---------------------------------------------------------------- helpers

FAIL = "FAIL"


def fmt_ms(seconds):
    if seconds is FAIL:
        return FAIL
    if seconds is None:
        return "–"
    ms = seconds * 1e3
    if ms >= 100:
        return "%.0f" % ms
    if ms >= 10:
        return "%.1f" % ms
    if ms >= 1:
        return "%.2f" % ms
    return "%.3f" % ms


def fmt_ratio(x, suffix=""):
    if x is None or x is FAIL:
        return "–"
    if x >= 100:
        return "%.0f%s" % (x, suffix)
    if x >= 10:
        return "%.1f%s" % (x, suffix)
    return "%.2f%s" % (x, suffix)


def ratio(a, b):
    if a is None or b is None or a is FAIL or b is FAIL or b <= 0:
        return None
    return a / b


def geomean(values):
    values = [v for v in values if v is not None and v > 0]
    if not values:
        return None
    return math.exp(sum(math.log(v) for v in values) / len(values))


def fmt_geomean(values, suffix=""):
    """Bold geometric mean; '(k/n kernels)' when some ratios are missing."""
    have = [v for v in values if v is not None and v > 0]
    text = "**%s**" % fmt_ratio(geomean(values), suffix)
    if have and len(have) < len(values):
        text += " (%d/%d)" % (len(have), len(values))
    return text


def compare(a, b):
    """'exact', 'close' (floats within 1e-9 relative) or False."""
    if isinstance(a, list) and isinstance(b, list):
        if len(a) != len(b):
            return False
        parts = [compare(x, y) for x, y in zip(a, b)]
        if not all(parts):
            return False
        return "close" if "close" in parts else "exact"
    if type(a) is not type(b):
        return False
    if a == b:
        return "exact"
    if isinstance(a, float) and math.isclose(a, b, rel_tol=1e-9, abs_tol=0.0):
        return "close"
    return False


def describe(spec, args):
    return spec["desc"].format(*[_short(a) for a in args])


def _short(n):
    if isinstance(n, int) and n >= 1_000_000 and n % 1_000_000 == 0:
        return "%dM" % (n // 1_000_000)
    if isinstance(n, int) and n >= 1000 and n % 1000 == 0:
        return "%dk" % (n // 1000)
    return str(n)


def machine_info():
    model = None
    physical = set()
    try:
        with open("/proc/cpuinfo") as fh:
            phys_id = core_id = None
            for line in fh:
                key, _, value = line.partition(":")
                key, value = key.strip(), value.strip()
                if key in ("model name", "Model", "Hardware", "cpu model") \
                        and value and model is None:
                    model = value
                elif key == "physical id":
                    phys_id = value
                elif key == "core id":
                    core_id = value
                elif not key and phys_id is not None and core_id is not None:
                    physical.add((phys_id, core_id))
                    phys_id = core_id = None
            if phys_id is not None and core_id is not None:
                physical.add((phys_id, core_id))
    except OSError:
        pass
    model = model or platform.processor() or platform.machine() or "unknown CPU"
    logical = os.cpu_count()
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = logical
    cores = "%s logical CPUs" % logical
    if physical:
        cores = "%d physical cores / %s" % (len(physical), cores)
    if usable != logical:
        cores += " (%d usable)" % usable
    return model, cores


# ---------------------------------------------------------------- sections

def bench_kernels(args, backends, timing, errors):
    import kernels_scalar
    rows = []
    for name in args.kernel_list:
        spec = kernels_scalar.KERNELS[name]
        full = list(spec["quick" if args.quick else "full"])
        reduced = list(spec["quick_reduced" if args.quick else "reduced"])
        row = dict(name=name, size=describe(spec, full), full=full,
                   cpy_size=None, res={}, cpy=None, cpy_scaled=False)

        # CPython first: same N unless a run blows the time cap.
        log("[kernel %-12s] CPython ..." % name)
        cpy_timing = dict(min_total=timing["min_total"], min_reps=1,
                          max_reps=args.cpython_repeats, max_time=timing["max_time"])
        for attempt, size in enumerate((full, reduced)):
            try:
                out = run_spec(dict(kind="kernel", module=None, kernel=name,
                                    sizes=[size], timing=cpy_timing),
                               timeout=args.cpython_cap)
            except ChildFailed as exc:
                if "timed out" in str(exc) and attempt == 0 and reduced != full:
                    log("    CPython over the %g s cap at full size; "
                        "retrying at %s" % (args.cpython_cap, describe(spec, reduced)))
                    continue
                errors.append("CPython / %s: %s" % (name, exc))
                break
            row["cpy"] = out["runs"][0]
            row["cpy_size"] = size
            row["cpy_scaled"] = attempt > 0
            break

        sizes = [full]
        if row["cpy_scaled"]:
            sizes.append(reduced)
        for label, module in backends:
            log("[kernel %-12s] %s ..." % (name, label))
            try:
                out = run_spec(dict(kind="kernel", module=module, kernel=name,
                                    sizes=sizes, timing=timing),
                               timeout=args.child_timeout)
                row["res"][label] = out["runs"]
            except ChildFailed as exc:
                errors.append("%s / %s: %s" % (label, name, exc))
                row["res"][label] = None
        rows.append(row)
        _log_row(row)
    return rows


def _log_row(row):
    parts = []
    for label in ("ember", "numba"):
        runs = row["res"].get(label)
        if runs:
            parts.append("%s first %s ms steady %s ms" % (
                label, fmt_ms(runs[0]["first"]), fmt_ms(runs[0]["steady"])))
        else:
            parts.append("%s FAILED" % label)
    if row["cpy"]:
        parts.append("CPython %s ms%s" % (fmt_ms(row["cpy"]["steady"]),
                                         " (scaled)" if row["cpy_scaled"] else ""))
    log("    " + "; ".join(parts))


def check_row(row, mismatches):
    """Cross-check results of all backends at every size that more than one
    backend ran; returns the text of the 'check' cell."""
    groups = {}  # args -> [(label, result)]
    status = []
    for label in ("ember", "numba"):
        for r in row["res"].get(label) or []:
            groups.setdefault(tuple(r["args"]), []).append((label, r["result"]))
            if compare(r["first_result"], r["result"]) is False:
                status.append(False)
                mismatches.append("%s %s: %s first call returned %r, later calls %r" % (
                    row["name"], r["args"], label, r["first_result"], r["result"]))
    if row["cpy"]:
        groups.setdefault(tuple(row["cpy"]["args"]), []).append(
            ("CPython", row["cpy"]["result"]))
    for args, values in groups.items():
        ref = values[0][1]
        for label, value in values[1:]:
            c = compare(ref, value)
            status.append(c)
            if c is False:
                mismatches.append("%s %s: %s" % (
                    row["name"], list(args),
                    ", ".join("%s=%r" % (k, v) for k, v in values)))
                break
    failed = [k for k in ("ember", "numba") if row["res"].get(k) is None]
    if False in status:
        return "**MISMATCH**"
    if failed:
        return "%s FAIL" % "+".join(failed)
    if not status:
        return "–"
    return "ok~" if "close" in status else "ok"


def median_of_runs(label, what, runs, one_run, errors):
    """The median of `runs` fresh-process measurements by one_run() (ms), or FAIL when the first
    child fails; a failure is reported as "<label> / <what>: ..."."""
    times = []
    log("[%s] %s x%d ..." % (what, label, runs))
    for _ in range(runs):
        try:
            times.append(one_run())
        except ChildFailed as exc:
            errors.append("%s / %s: %s" % (label, what, exc))
            break
    value = statistics.median(times) if times else FAIL
    log("    %s ms" % fmt_ms(value))
    return value


def bench_imports(args, backends, errors):
    return {label: median_of_runs(label, "import", args.import_runs,
                                  lambda: run_child(["-c", IMPORT_SNIPPET, module], args.child_timeout)["import"],
                                  errors)
            for label, module in backends}


def bench_overhead(args, backends, errors):
    out = {}
    for label, module in backends + [("CPython", None)]:
        log("[call overhead] %s ..." % label)
        try:
            r = run_spec(dict(kind="overhead", module=module,
                              repeat=args.overhead_repeat,
                              sample_time=args.overhead_sample),
                         timeout=args.child_timeout)
            if r["result"] != 3.0:
                errors.append("%s / add: returned %r, expected 3.0" % (label, r["result"]))
            out[label] = r["ns"]
            log("    %.1f ns/call" % r["ns"])
        except ChildFailed as exc:
            errors.append("%s / call overhead: %s" % (label, exc))
            out[label] = FAIL
    return out


def bench_firstcall(args, backends, errors):
    def first_call(label, module):
        r = run_spec(dict(kind="firstcall", module=module), args.child_timeout)
        if r["result"] != 3.0:
            errors.append("%s / add first call: returned %r" % (label, r["result"]))
        return r["first"]
    return {label: median_of_runs(label, "first call", args.firstcall_runs,
                                  lambda: first_call(label, module), errors)
            for label, module in backends}


# ---------------------------------------------------------------- report

def report(args, info, kernel_rows, imports, overhead, firstcall, errors,
           mismatches, timing, elapsed):
    import kernels_scalar
    L = header_lines("Scalar-loop benchmark: ember vs numba vs CPython")
    L += versions_lines(info, args.ember_module)

    if kernel_rows:
        scaled = [r for r in kernel_rows if r["cpy_scaled"]]
        L.append("### Steady state (ms, min over repeats)")
        L.append("")
        L.append("| kernel | size | ember | numba | CPython | ember/numba | "
                 "CPython/ember | check |")
        L.append("|---|---|--:|--:|--:|--:|--:|:-:|")
        r_steady, r_speed, r_first, r_compile = [], [], [], []
        for row in kernel_rows:
            e, n = row["res"].get("ember"), row["res"].get("numba")
            es = e[0]["steady"] if e else FAIL
            ns = n[0]["steady"] if n else FAIL
            cp = row["cpy"]["steady"] if row["cpy"] else FAIL
            # speedup compares identical work: ember at the CPython size
            idx = 1 if row["cpy_scaled"] else 0
            es_cpy = e[idx]["steady"] if e and len(e) > idx else FAIL
            rs, sp = ratio(es, ns), ratio(cp, es_cpy)
            r_steady.append(rs)
            r_speed.append(sp)
            cp_cell = fmt_ms(cp) + ("†" if row["cpy_scaled"] else "")
            L.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
                row["name"], row["size"], fmt_ms(es), fmt_ms(ns), cp_cell,
                fmt_ratio(rs), fmt_ratio(sp, "x"), row["check"]))
        L.append("| **geomean** | | | | | %s | %s | |" % (
            fmt_geomean(r_steady), fmt_geomean(r_speed, "x")))
        L.append("")
        if scaled:
            L.append("† CPython took longer than the %g s cap at the full size, so "
                     "it was timed at a smaller size and CPython/ember compares "
                     "ember at that same size: %s." % (
                         args.cpython_cap,
                         "; ".join("%s at %s" % (
                             r["name"],
                             describe(kernels_scalar.KERNELS[r["name"]], r["cpy_size"]))
                             for r in scaled)))
            L.append("")
        else:
            L.append("CPython ran every kernel at the same size as the jitted "
                     "backends (min of up to %d runs)." % args.cpython_repeats)
            L.append("")

        L.append("### First call in a fresh process (ms; compile ≈ first − steady)")
        L.append("")
        L.append("| kernel | ember first | ember compile≈ | numba first | "
                 "numba compile≈ | ember/numba first | ember/numba compile |")
        L.append("|---|--:|--:|--:|--:|--:|--:|")
        for row in kernel_rows:
            e, n = row["res"].get("ember"), row["res"].get("numba")
            ef = e[0]["first"] if e else FAIL
            nf = n[0]["first"] if n else FAIL
            ec = max(ef - e[0]["steady"], 0.0) if e else FAIL
            nc = max(nf - n[0]["steady"], 0.0) if n else FAIL
            rf, rc = ratio(ef, nf), ratio(ec, nc)
            r_first.append(rf)
            r_compile.append(rc)
            L.append("| %s | %s | %s | %s | %s | %s | %s |" % (
                row["name"], fmt_ms(ef), fmt_ms(ec), fmt_ms(nf), fmt_ms(nc),
                fmt_ratio(rf), fmt_ratio(rc)))
        L.append("| **geomean** | | | | | %s | %s |" % (
            fmt_geomean(r_first), fmt_geomean(r_compile)))
        L.append("")

    L.append("### Startup and call overhead")
    L.append("")
    L.append("| measurement | ember | numba | CPython | ember/numba |")
    L.append("|---|--:|--:|--:|--:|")
    if imports is not None:
        L.append("| import time beyond numpy, ms (median of %d fresh processes) "
                 "| %s | %s | – | %s |" % (
                     args.import_runs, fmt_ms(imports.get("ember")),
                     fmt_ms(imports.get("numba")),
                     fmt_ratio(ratio(imports.get("ember"), imports.get("numba")))))
    if overhead is not None:
        def ns(v):
            return v if v is FAIL else "–" if v is None else "%.0f" % v
        L.append("| call overhead `add(1.0, 2.0)`, ns/call (min of %d timeit "
                 "repeats) | %s | %s | %s | %s |" % (
                     args.overhead_repeat, ns(overhead.get("ember")),
                     ns(overhead.get("numba")), ns(overhead.get("CPython")),
                     fmt_ratio(ratio(overhead.get("ember"), overhead.get("numba")))))
    if firstcall is not None:
        rf = ratio(firstcall.get("ember"), firstcall.get("numba"))
        verdict = ""
        if rf is not None:
            verdict = " (target ≤ %.2f: %s)" % (
                FIRST_CALL_TARGET, "met" if rf <= FIRST_CALL_TARGET else "**not met**")
        L.append("| **first call `add(1.0, 2.0)` in a fresh process, ms "
                 "(decorate + compile + call; median of %d)** | **%s** | **%s** | – "
                 "| **%s**%s |" % (
                     args.firstcall_runs, fmt_ms(firstcall.get("ember")),
                     fmt_ms(firstcall.get("numba")), fmt_ratio(rf), verdict))
    L.append("")

    L.append("Steady times: min over repeats, each measurement repeated until "
             "≥ %.2f s in total (at least %d, at most %d repeats, %.0f s cap); "
             "ember/numba < 1 means ember is faster, CPython/ember is ember's "
             "speedup over the interpreter; check compares results of all "
             "backends (ok = identical, ok~ = floats within 1e-9 relative). "
             "First-call times include one run of the kernel at the size shown. "
             "Call overhead includes the timeit loop (~10 ns)." % (
                 timing["min_total"], timing["min_reps"], timing["max_reps"],
                 timing["max_time"]))
    L.append("")
    L += list_section("RESULT MISMATCHES", mismatches)
    L += list_section("Failures", errors)
    L.append("_Total benchmark wall time: %.0f s._" % elapsed)
    return "\n".join(L) + "\n"


# ==========================================================================

def parse_args(argv):
    import kernels_scalar
    names = list(kernels_scalar.KERNELS)
    p = argparse.ArgumentParser(
        description="Benchmark ember vs numba vs CPython on scalar-loop kernels.",
        epilog="Kernels: " + ", ".join(names))
    p.add_argument("--quick", action="store_true",
                   help="smaller sizes and fewer repeats (CI smoke test)")
    p.add_argument("--kernels", default=None,
                   help="comma-separated subset of kernels to run "
                        "('none' to skip the kernel section)")
    p.add_argument("--markdown", metavar="FILE",
                   help="also write the Markdown report to FILE")
    p.add_argument("--skip", default="",
                   help="comma-separated sections to skip: "
                        "kernels,import,overhead,firstcall")
    p.add_argument("--cpython-cap", type=float, default=None, metavar="SECONDS",
                   help="wall-clock limit for the CPython process of one kernel "
                        "at the full size; over it, CPython (and, for the "
                        "speedup, ember) is timed at a smaller size instead "
                        "(default 20, quick 5)")
    p.add_argument("--child-timeout", type=float, default=300.0,
                   metavar="SECONDS", help="timeout for every other child process")
    # hidden: run the script against another module in place of ember
    p.add_argument("--ember-module", default="ember", help=argparse.SUPPRESS)
    args = p.parse_args(argv)

    if args.kernels is None:
        args.kernel_list = names
    elif args.kernels.strip().lower() in ("", "none"):
        args.kernel_list = []
    else:
        args.kernel_list = [k.strip() for k in args.kernels.split(",") if k.strip()]
        unknown = [k for k in args.kernel_list if k not in kernels_scalar.KERNELS]
        if unknown:
            p.error("unknown kernel(s) %s; choose from %s" % (
                ", ".join(unknown), ", ".join(names)))
    args.skip_set = {s.strip() for s in args.skip.split(",") if s.strip()}
    bad = args.skip_set - {"kernels", "import", "overhead", "firstcall"}
    if bad:
        p.error("unknown --skip section(s): %s" % ", ".join(sorted(bad)))
    if args.cpython_cap is None:
        args.cpython_cap = 5.0 if args.quick else 20.0
    if args.quick:
        args.import_runs, args.firstcall_runs = 3, 2
        args.overhead_repeat, args.overhead_sample = 3, 0.05
        args.cpython_repeats = 2
    else:
        args.import_runs, args.firstcall_runs = 5, 5
        args.overhead_repeat, args.overhead_sample = 7, 0.1
        args.cpython_repeats = 3
    return args


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) == 2 and argv[0] == "--child":
        child_main(argv[1])
        return 0
    sys.path.insert(0, HERE)
    args = parse_args(argv)
    t_start = time.perf_counter()
    if args.quick:
        timing = dict(min_total=0.05, min_reps=2, max_reps=200, max_time=1.0)
    else:
        timing = dict(min_total=0.3, min_reps=5, max_reps=1000, max_time=3.0)
    backends = [("ember", args.ember_module), ("numba", "numba")]
    errors, mismatches = [], []

    try:
        info = run_child(["-c", INFO_SNIPPET, args.ember_module], args.child_timeout)
    except ChildFailed as exc:
        info = {}
        errors.append("version probe: %s" % exc)
    for label in ("numba", "ember"):
        if "error" in info.get(label, {}):
            log("WARNING: cannot import %s: %s" % (label, info[label]["error"]))

    kernel_rows = imports = overhead = firstcall = None
    if "kernels" not in args.skip_set and args.kernel_list:
        kernel_rows = bench_kernels(args, backends, timing, errors)
        for row in kernel_rows:
            row["check"] = check_row(row, mismatches)
    if "import" not in args.skip_set:
        imports = bench_imports(args, backends, errors)
    if "overhead" not in args.skip_set:
        overhead = bench_overhead(args, backends, errors)
    if "firstcall" not in args.skip_set:
        firstcall = bench_firstcall(args, backends, errors)

    text = report(args, info, kernel_rows, imports, overhead, firstcall, errors,
                  mismatches, timing, time.perf_counter() - t_start)
    sys.stdout.write(text)
    sys.stdout.flush()
    if args.markdown:
        with open(args.markdown, "w") as fh:
            fh.write(text)
        log("wrote %s" % args.markdown)
    for m in mismatches:
        log("!!! RESULT MISMATCH: " + m)
    if mismatches:
        return 1
    return 2 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
