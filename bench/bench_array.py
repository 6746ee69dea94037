#!/usr/bin/env python
"""Array benchmark: ember vs numba vs NumPy, in one run.

For every kernel in bench/kernels_array.py, each in a fresh subprocess per
backend so nothing is warm and a crash in one backend does not stop the run:

- ember and numba: first call (compile + one run) and steady-state time
  (best of N after warm-up, timeit-like auto-ranging);
- NumPy: steady time of the kernel run uncompiled (array expressions, np.sum,
  fancy indexing: the kernel body *is* NumPy code) or of a vectorised
  equivalent (loop kernels);
- result agreement between all backends (shape, dtype, np.allclose) and
  between each backend's first and later calls.

A backend that cannot compile a kernel is reported as "unsupported" with the
first line of its error, and the run goes on.  Prints a Markdown report
(tables + exact command line + machine info) on stdout; progress goes to
stderr.  See bench/README.md.

    python bench/bench_array.py                 # full run (~2-4 min on 2 cores)
    python bench/bench_array.py --quick         # CI smoke (< 1 min)
    python bench/bench_array.py --kernels expr,matvec --markdown out.md
"""

import argparse
import gc
import importlib
import json
import os
import pickle
import re
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
SCRIPT = os.path.abspath(__file__)
sys.path.insert(0, HERE)

# Shared, stdlib-only helpers of the scalar benchmark (same RESULT_TAG
# protocol, same formatting, same machine description).
from bench_scalar import (  # noqa: E402
    FAIL, INFO_SNIPPET, RESULT_TAG, ChildFailed, fmt_ms, fmt_ratio, geomean,
    header_lines, list_section, log, ratio, run_child, versions_lines)

STEADY_TARGET = 0.90  # ember/numba steady geomean
NUMPY_TARGET = 1.0    # ember/NumPy geomean over the array expressions
UNSUPPORTED = "unsupported"


# ==========================================================================
# Result comparison (used by children and parent)
# ==========================================================================

def compare_results(a, b):
    """Compare two kernel results.

    Returns ("exact", "") when identical (same structure, shapes, dtypes and
    values, NaNs equal), ("close", "") when np.allclose holds, otherwise
    ("mismatch", reason).
    """
    import numpy as np
    seq = (tuple, list)
    if isinstance(a, seq) or isinstance(b, seq):
        if not (isinstance(a, seq) and isinstance(b, seq)):
            return "mismatch", "structure %s vs %s" % (_kind(a), _kind(b))
        if len(a) != len(b):
            return "mismatch", "tuple of %d vs %d" % (len(a), len(b))
        worst = "exact"
        for i, (x, y) in enumerate(zip(a, b)):
            st, why = compare_results(x, y)
            if st == "mismatch":
                return st, "item %d: %s" % (i, why)
            if st == "close":
                worst = "close"
        return worst, ""
    try:
        xa, xb = np.asarray(a), np.asarray(b)
    except Exception as exc:  # pragma: no cover - exotic result types
        return "mismatch", "not an array: %s" % exc
    if xa.shape != xb.shape:
        return "mismatch", "shape %s vs %s" % (xa.shape, xb.shape)
    if xa.dtype != xb.dtype:
        return "mismatch", "dtype %s vs %s" % (xa.dtype, xb.dtype)
    if xa.dtype.kind not in "biufc":
        same = xa.tolist() == xb.tolist()
        return ("exact", "") if same else ("mismatch", "values differ")
    nan_ok = xa.dtype.kind in "fc"
    if np.array_equal(xa, xb, equal_nan=nan_ok):
        return "exact", ""
    if np.allclose(xa, xb, equal_nan=nan_ok):
        return "close", ""
    with np.errstate(all="ignore"):
        diff = np.abs(xa.astype(np.float64) - xb.astype(np.float64))
    return "mismatch", "values differ (max abs diff %.3g)" % np.nanmax(diff)


def _kind(x):
    if isinstance(x, (tuple, list)):
        return "tuple of %d" % len(x)
    return type(x).__name__


def first_line(exc):
    """'Type: first informative line of the message' (numba's messages start
    with a generic 'Failed in nopython mode pipeline' line; skip that)."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", str(exc))
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    while len(lines) > 1 and lines[0].startswith("Failed in ") \
            and "pipeline" in lines[0]:
        lines.pop(0)
    msg = lines[0] if lines else ""
    if len(msg) > 160:
        msg = msg[:157] + "..."
    return "%s: %s" % (type(exc).__name__, msg) if msg else type(exc).__name__


def _is_compile_error(exc, module_name):
    """True when ``exc`` is the backend's own error class (a typing /
    lowering / unsupported-feature error) or NotImplementedError; a plain
    Python exception (IndexError, ...) is a run-time failure instead."""
    top = module_name.split(".")[0]
    for cls in type(exc).__mro__:
        if (getattr(cls, "__module__", "") or "").split(".")[0] == top:
            return True
    return isinstance(exc, NotImplementedError)


# ==========================================================================
# Child side
# ==========================================================================

def _run(fn, args, number):
    t0 = time.perf_counter()
    for _ in range(number):
        result = fn(*args)
    return time.perf_counter() - t0, result


def _next_number(number):
    # 1, 2, 5, 10, 20, 50, ... like timeit.Timer.autorange
    s = str(number)
    return number * 5 // 2 if s[0] == "2" else number * 2


def time_steady(fn, args, t):
    """Best-of-N seconds per call after warm-up, with auto-ranging.

    Auto-range: calls per sample = 1, 2, 5, 10, ... until one sample takes
    >= t["sample"] seconds (only sub-millisecond calls get batched).  Then
    samples are repeated until they took >= t["min_total"] seconds and at
    least t["min_reps"] were taken, or t["max_reps"] samples / t["max_time"]
    seconds were reached.  Returns (best seconds per call, calls per sample,
    samples, last result).
    """
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        number = 1
        while True:
            dt, result = _run(fn, args, number)
            if dt >= t["sample"] or number >= 1_000_000 \
                    or time.perf_counter() - start >= t["max_time"]:
                break
            number = _next_number(number)
        samples = [dt / number]
        total = dt
        while len(samples) < t["max_reps"]:
            if total >= t["min_total"] and len(samples) >= t["min_reps"]:
                break
            if time.perf_counter() - start >= t["max_time"]:
                break
            dt, result = _run(fn, args, number)
            samples.append(dt / number)
            total += dt
    finally:
        if gc_was_enabled:
            gc.enable()
    return min(samples), number, len(samples), result


def _snapshot(value):
    """Copy arrays in a result so that later calls cannot alias it."""
    if isinstance(value, (tuple, list)):
        return type(value)(_snapshot(v) for v in value)
    if hasattr(value, "copy") and hasattr(value, "shape"):
        return value.copy()
    return value


def _describe_value(value):
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_describe_value(v) for v in value) + ")"
    if hasattr(value, "dtype") and getattr(value, "ndim", 0):
        return "%s%s" % (value.dtype, list(value.shape))
    if hasattr(value, "dtype"):
        return "%s scalar" % value.dtype
    return type(value).__name__


def child_kernel(spec):
    """One backend, one kernel: first call, then steady state."""
    import kernels_array
    k = kernels_array.KERNELS[spec["kernel"]]
    args = k.args(spec["n"])
    module = spec["module"]
    if module is None:  # NumPy baseline, uncompiled
        fn = k.fn if k.numpy == kernels_array.SELF else k.numpy
    else:
        try:
            fn = importlib.import_module(module).njit(k.fn)
        except Exception as exc:
            return dict(status=UNSUPPORTED if _is_compile_error(exc, module)
                        else "error", message="decorating: " + first_line(exc))
    t0 = time.perf_counter()
    try:
        first_result = fn(*args)
    except Exception as exc:
        import traceback
        traceback.print_exc()
        status = "error"
        if module is not None and _is_compile_error(exc, module):
            status = UNSUPPORTED
        return dict(status=status, message=first_line(exc))
    first = time.perf_counter() - t0
    first_result = _snapshot(first_result)
    steady, number, reps, result = time_steady(fn, args, spec["timing"])
    consistent, why = compare_results(first_result, result)
    with open(spec["result_path"], "wb") as fh:
        pickle.dump(result, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return dict(status="ok", first=first if module is not None else None,
                steady=steady, number=number, reps=reps,
                consistent=consistent, why=why,
                result_type=_describe_value(result))


def child_main(spec_json):
    spec = json.loads(spec_json)
    try:
        out = child_kernel(spec)
    except BaseException as exc:  # report anything, incl. SystemExit
        import traceback
        traceback.print_exc()
        out = dict(error=first_line(exc))
    sys.stdout.flush()
    sys.stdout.write("\n" + RESULT_TAG + json.dumps(out) + "\n")
    sys.stdout.flush()


# ==========================================================================
# Parent side
# ==========================================================================

def run_spec(spec, timeout):
    return run_child([SCRIPT, "--child", json.dumps(spec)], timeout)


def bench_kernel(args, name, backends, timing, tmpdir, errors, unsupported):
    """Run every backend on one kernel; return the table row."""
    import kernels_array
    k = kernels_array.KERNELS[name]
    n = k.quick if args.quick else k.full
    row = dict(name=name, group=k.group, size=kernels_array.describe(k, n),
               res={}, check="–", check_detail=[], wrong=[])
    todo = list(backends)
    if k.numpy is not None and not args.no_numpy:
        todo.append(("NumPy", None))
    paths = {}
    for rnd in range(args.rounds):
        for label, module in todo:
            prev = row["res"].get(label)
            if prev is not None and prev["status"] != "ok":
                continue  # unsupported / failed: no point in another round
            log("[%-14s] %s%s ..." % (
                name, label, " (round %d)" % (rnd + 1) if args.rounds > 1 else ""))
            path = os.path.join(tmpdir, "%s-%s.pkl" % (name, label))
            try:
                out = run_spec(dict(kernel=name, module=module, n=n,
                                    timing=timing, result_path=path),
                               timeout=args.child_timeout)
            except ChildFailed as exc:
                out = dict(status="error", message=str(exc))
            if out["status"] == UNSUPPORTED:
                unsupported.append("%s / %s: %s" % (label, name, out["message"]))
            elif out["status"] != "ok":
                errors.append("%s / %s: %s" % (label, name, out["message"]))
                paths.pop(label, None)
            else:
                paths[label] = path
                if prev is not None:  # best over rounds, like best over calls
                    out["steady"] = min(out["steady"], prev["steady"])
                    if out["first"] is not None:
                        out["first"] = min(out["first"], prev["first"])
                    if prev.get("consistent") == "mismatch":
                        out["consistent"], out["why"] = \
                            prev["consistent"], prev["why"]
            row["res"][label] = out
    check_row(row, paths)
    for path in paths.values():
        try:
            os.remove(path)
        except OSError:
            pass
    _log_row(row)
    return row


def check_row(row, paths):
    """Fill row["check"]: compare every backend's result with the reference
    (numba, else ember, else NumPy) and each jitted backend's first call with
    its later calls."""
    import numpy  # noqa: F401  (unpickling needs it anyway)
    results = {}
    for label, path in paths.items():
        with open(path, "rb") as fh:
            results[label] = pickle.load(fh)
    statuses, details, wrong = [], [], set()
    for label in results:
        r = row["res"][label]
        if r.get("consistent") == "mismatch":
            statuses.append("mismatch")
            wrong.add(label)
            details.append("%s: first call differs from later calls (%s)" % (
                label, r.get("why")))
    order = [lb for lb in ("numba", "ember", "NumPy") if lb in results]
    if order:
        ref = order[0]
        for label in order[1:]:
            st, why = compare_results(results[label], results[ref])
            statuses.append(st)
            if st == "mismatch":
                wrong.add(label)
                details.append("%s vs %s: %s" % (label, ref, why))
    missing = [lb for lb in ("ember", "numba", "NumPy")
               if lb in row["res"] and lb not in results]
    if "mismatch" in statuses:
        row["check"] = "**MISMATCH**"
    elif len(order) < 2:
        row["check"] = "–"
    else:
        row["check"] = "ok~" if "close" in statuses else "ok"
        if missing:
            row["check"] += " (%s)" % "=".join(order)
    row["check_detail"] = details
    row["wrong"] = sorted(wrong)


def _cell(r, key):
    """A backend's `key` time ("steady" or "first"), or what stands in for it."""
    if r is None:
        return "–"
    if r["status"] == UNSUPPORTED:
        return UNSUPPORTED
    if r["status"] != "ok":
        return FAIL
    return r[key]


def _ratio_cell(value, counted):
    text = fmt_ratio(value)
    if value is not None and counted is None:
        text += " ✗"
    return text


def _ms(v):
    return v if isinstance(v, str) else fmt_ms(v)


def _num(v):
    return None if isinstance(v, str) else v


def _log_row(row):
    parts = []
    for label in ("ember", "numba", "NumPy"):
        r = row["res"].get(label)
        if r is None:
            continue
        if r["status"] == "ok":
            s = "%s %s ms" % (label, fmt_ms(r["steady"]))
            if r.get("first") is not None:
                s += " (first %s)" % fmt_ms(r["first"])
            parts.append(s)
        else:
            parts.append("%s %s" % (label, r["status"].upper()))
    parts.append("check %s" % row["check"])
    log("    " + "; ".join(parts))
    for d in row["check_detail"]:
        log("    !!! " + d)


def fmt_geo(values, n_total, suffix=""):
    have = [v for v in values if v is not None and v > 0]
    text = "**%s**" % fmt_ratio(geomean(have), suffix)
    if have and len(have) < n_total:
        text += " (%d/%d)" % (len(have), n_total)
    return text


def _loadavg():
    try:
        return "%.2f" % os.getloadavg()[0]
    except (AttributeError, OSError):
        return "?"


def _busy(load_start):
    """A warning text when the machine was loaded at the start or end."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 1
    loads = [x for x in (load_start, _loadavg()) if x != "?"]
    if loads and max(float(x) for x in loads) > max(cpus - 1, 0) + 0.5:
        return "the machine was busy (1-minute load average up to %s on %d " \
               "CPUs, this benchmark itself counting for about 1)" % (
                   max(loads, key=float), cpus)
    return None


def environment_notes():
    """Things that move array timings: other load on the machine, and
    transparent huge pages (NumPy madvises large buffers to use them, which
    makes its page faults on fresh output arrays much cheaper)."""
    notes = ["load average at start %s" % _loadavg()]
    try:
        with open("/sys/kernel/mm/transparent_hugepage/enabled") as fh:
            mode = re.search(r"\[(\w+)\]", fh.read())
        notes.append("transparent huge pages: %s" % (mode.group(1) if mode else "?"))
    except OSError:
        pass
    for var in ("NUMPY_MADVISE_HUGEPAGE", "OMP_NUM_THREADS",
                "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "NUMBA_OPT"):
        if var in os.environ:
            notes.append("%s=%s" % (var, os.environ[var]))
    return notes


def verdict(value, target):
    if value is None:
        return "not measured"
    return "met" if value <= target else "**not met**"


# ---------------------------------------------------------------- report

def report(args, info, rows, errors, unsupported, timing, elapsed):
    import kernels_array
    L = header_lines("Array benchmark: ember vs numba vs NumPy")
    L.append("")
    L.append("Environment: %s" % "; ".join(args.env_notes))
    busy = _busy(args.load_start)
    if busy:
        L.append("")
        L.append("**WARNING: %s; other processes compete for the CPU and "
                 "memory bandwidth, so timings (and ratios near 1) are "
                 "noisy. Re-run on an idle machine or with more --rounds.**"
                 % busy)
    L += versions_lines(info, args.ember_module)

    L.append("### Kernels (ms; steady = best of N after warm-up)")
    L.append("")
    L.append("| kernel | group | size | ember | numba | ember/numba | NumPy | "
             "ember/NumPy | numba/NumPy | ember first | numba first | check |")
    L.append("|---|---|---|--:|--:|--:|--:|--:|--:|--:|--:|:-:|")
    r_en, r_eN, r_nN = [], [], []
    expr_eN, expr_nN = [], []
    n_expr = 0
    for row in rows:
        k = kernels_array.KERNELS[row["name"]]
        res = row["res"]
        es, ns = _cell(res.get("ember"), "steady"), _cell(res.get("numba"), "steady")
        Ns = _cell(res.get("NumPy"), "steady")
        ef, nf = _cell(res.get("ember"), "first"), _cell(res.get("numba"), "first")
        en = ratio(_num(es), _num(ns))
        eN = ratio(_num(es), _num(Ns))
        nN = ratio(_num(ns), _num(Ns))
        bad = set(row["wrong"])
        # a ratio involving a wrong result is shown, marked ✗, but not averaged
        en_ok = None if bad & {"ember", "numba"} else en
        eN_ok = None if bad & {"ember", "NumPy"} else eN
        nN_ok = None if bad & {"numba", "NumPy"} else nN
        r_en.append(en_ok)
        if "NumPy" in res:
            r_eN.append(eN_ok)
            r_nN.append(nN_ok)
        if k.group == "expr":
            n_expr += 1
            expr_eN.append(eN_ok)
            expr_nN.append(nN_ok)
        np_cell = _ms(Ns)
        if k.numpy is not None and k.numpy != kernels_array.SELF \
                and "NumPy" in res:
            np_cell += "‡"
        L.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
            row["name"], row["group"], row["size"], _ms(es), _ms(ns),
            _ratio_cell(en, en_ok), np_cell, _ratio_cell(eN, eN_ok),
            _ratio_cell(nN, nN_ok),
            _ms(ef), _ms(nf), row["check"]))
    L.append("| **geomean** | | | | | %s | | %s | %s | | | |" % (
        fmt_geo(r_en, len(rows)), fmt_geo(r_eN, len(r_eN)),
        fmt_geo(r_nN, len(r_nN))))
    L.append("")

    g_en = geomean([v for v in r_en if v])
    g_expr = geomean([v for v in expr_eN if v])
    g_expr_n = geomean([v for v in expr_nN if v])
    L.append("### Summary")
    L.append("")
    L.append("| measure | value | target | verdict |")
    L.append("|---|--:|--:|:-:|")
    L.append("| ember/numba steady, geomean over kernels both ran correctly (%d/%d) | "
             "%s | ≤ %.2f | %s |" % (
                 len([v for v in r_en if v]), len(rows), fmt_ratio(g_en),
                 STEADY_TARGET, verdict(g_en, STEADY_TARGET)))
    if n_expr:
        L.append("| ember/NumPy steady, geomean over array expressions (%d/%d) "
                 "| %s | ≤ %.2f | %s |" % (
                     len([v for v in expr_eN if v]), n_expr, fmt_ratio(g_expr),
                     NUMPY_TARGET, verdict(g_expr, NUMPY_TARGET)))
        L.append("| numba/NumPy steady, geomean over array expressions "
                 "(reference) | %s | – | – |" % fmt_ratio(g_expr_n))
    n_unsup = sum(1 for row in rows
                  if (row["res"].get("ember") or {}).get("status") == UNSUPPORTED)
    L.append("| kernels ember cannot compile | %d/%d | 0 | %s |" % (
        n_unsup, len(rows), "met" if n_unsup == 0 else "**not met**"))
    n_wrong = sum(1 for row in rows if "ember" in row["wrong"])
    L.append("| kernels where ember's result disagrees (excluded from the "
             "means) | %d/%d | 0 | %s |" % (
                 n_wrong, len(rows), "met" if n_wrong == 0 else "**not met**"))
    L.append("")

    equivalents = "; ".join(
        "%s: %s" % (k.name, kernels_array.numpy_label(k))
        for k in kernels_array.KERNELS.values()
        if k.name in {r["name"] for r in rows}
        and k.numpy not in (None, kernels_array.SELF))
    L.append(
        "Each backend ran each kernel in a fresh process, %d round(s) in turn "
        "(ember, numba, NumPy, ember, ...); times are the best over rounds. "
        "Steady: best time per call over repeated calls after the first "
        "(warm-up/compile) call; calls are batched 1, 2, 5, 10, ... per sample "
        "until a sample takes ≥ %g ms, and samples repeat until ≥ %g s in "
        "total (at least %d, at most %d samples, %g s cap). First: decorate + "
        "compile + one run (compile ≈ first − steady). NumPy: the kernel run "
        "uncompiled%s; BLAS (only `A @ x` uses it) runs on one thread unless "
        "OPENBLAS_NUM_THREADS/OMP_NUM_THREADS/MKL_NUM_THREADS say otherwise; "
        "NumPy madvises large arrays onto huge pages, which makes "
        "writing fresh outputs cheaper than with malloc'd memory. Ratios < 1 "
        "mean ember is faster. check: every backend's result against numba's "
        "(shape, dtype, then values: ok = identical, ok~ = np.allclose), and "
        "each backend's first-call result against its later calls; "
        "`(numba=NumPy)` names the backends compared when one is missing; a "
        "ratio marked ✗ involves a result that disagrees and is left out of "
        "the geometric means."
        % (args.rounds, timing["sample"] * 1e3, timing["min_total"],
           timing["min_reps"], timing["max_reps"], timing["max_time"],
           ", or ‡ a vectorised NumPy equivalent of a loop kernel (%s)"
           % equivalents if equivalents else ""))
    L.append("")
    details = [d for row in rows for d in
               ("%s: %s" % (row["name"], x) for x in row["check_detail"])]
    L += list_section("RESULT MISMATCHES", details)
    L += list_section("Unsupported (backend could not compile the kernel)", [_md_escape(u) for u in unsupported])
    L += list_section("Failures", [_md_escape(err) for err in errors])
    L.append("_Total benchmark wall time: %.0f s._" % elapsed)
    return "\n".join(L) + "\n"


def _md_escape(text):
    return text.replace("|", "\\|").replace("\n", " ")


# ==========================================================================

def parse_args(argv):
    import kernels_array
    names = list(kernels_array.KERNELS)
    groups = list(kernels_array.GROUPS)
    p = argparse.ArgumentParser(
        description="Benchmark ember vs numba vs NumPy on array kernels.",
        epilog="Kernels: %s.  Groups: %s." % (", ".join(names), ", ".join(groups)))
    p.add_argument("--quick", action="store_true",
                   help="~10x smaller sizes and fewer repeats (CI smoke test)")
    p.add_argument("--kernels", default=None,
                   help="comma-separated kernels and/or groups to run")
    p.add_argument("--markdown", metavar="FILE",
                   help="also write the Markdown report to FILE")
    p.add_argument("--no-numpy", action="store_true",
                   help="skip the NumPy baselines")
    p.add_argument("--rounds", type=int, default=None, metavar="R",
                   help="run the backends R times in turn (ember, numba, "
                        "NumPy, ember, ...) and keep each one's best time, to "
                        "damp load from other processes (default 2, quick 1)")
    p.add_argument("--child-timeout", type=float, default=180.0,
                   metavar="SECONDS",
                   help="timeout for each backend/kernel child process")
    # hidden: run the script against another module in place of ember
    p.add_argument("--ember-module", default="ember", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.rounds is None:
        args.rounds = 1 if args.quick else 2
    if args.rounds < 1:
        p.error("--rounds must be >= 1")
    if args.kernels is None:
        args.kernel_list = names
    else:
        chosen = []
        for item in (s.strip() for s in args.kernels.split(",")):
            if not item:
                continue
            if item in kernels_array.GROUPS:
                chosen.extend(kernels_array.GROUPS[item])
            elif item in kernels_array.KERNELS:
                chosen.append(item)
            else:
                p.error("unknown kernel or group %r; kernels: %s; groups: %s" % (
                    item, ", ".join(names), ", ".join(groups)))
        args.kernel_list = [n for n in names if n in chosen]
        if not args.kernel_list:
            p.error("--kernels selects nothing")
    return args


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if len(argv) == 2 and argv[0] == "--child":
        child_main(argv[1])
        return 0
    args = parse_args(argv)
    t_start = time.perf_counter()
    if args.quick:
        timing = dict(sample=0.002, min_total=0.1, min_reps=3, max_reps=200,
                      max_time=0.5)
    else:
        timing = dict(sample=0.005, min_total=0.5, min_reps=5, max_reps=500,
                      max_time=3.0)
    backends = [("ember", args.ember_module), ("numba", "numba")]
    errors, unsupported = [], []
    try:
        info = run_child(["-c", INFO_SNIPPET, args.ember_module],
                         args.child_timeout)
    except ChildFailed as exc:
        info = {}
        errors.append("version probe: %s" % exc)
    for label in ("numba", "ember"):
        if "error" in info.get(label, {}):
            log("WARNING: cannot import %s: %s" % (label, info[label]["error"]))

    # Compiled kernels run on one core; keep NumPy's BLAS (only A @ x uses
    # it) on one thread too, unless the caller chose otherwise.  Multi-
    # threaded BLAS on a small loaded machine also makes timings erratic.
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    args.load_start = _loadavg()
    args.env_notes = environment_notes()
    tmpdir = tempfile.mkdtemp(prefix="bench_array_")
    try:
        rows = [bench_kernel(args, name, backends, timing, tmpdir, errors,
                             unsupported)
                for name in args.kernel_list]
    finally:
        shutil.rmtree(tmpdir, ignore_errors=True)

    args.env_notes.append("load average at end %s" % _loadavg())
    text = report(args, info, rows, errors, unsupported, timing,
                  time.perf_counter() - t_start)
    sys.stdout.write(text)
    sys.stdout.flush()
    if args.markdown:
        with open(args.markdown, "w") as fh:
            fh.write(text)
        log("wrote %s" % args.markdown)
    mismatched = [row for row in rows if row["check"] == "**MISMATCH**"]
    for row in mismatched:
        log("!!! RESULT MISMATCH: %s: %s" % (row["name"],
                                            "; ".join(row["check_detail"])))
    if mismatched:
        return 1
    return 2 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
