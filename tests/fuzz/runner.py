"""Run generated programs under CPython and ember in forked children, and classify each.

One child runs many programs in a row (forking per program would cost more than most programs
take to compile). Before each program it writes `start <i>` on a pipe and after it the outcome
as one JSON line, so the parent knows which program was running when a child dies (a signal:
`crash`) or stops answering (`timeout`, the child is killed); the parent then forks a fresh
child for the programs after it. A child also retires after `RECYCLE` programs, so the code it
compiled cannot pile up.

Each program is compared as tests/difftest.py compares a test (its `mismatch`, `ArgCopies`
and `pure` are used here): the same arguments, copied for each run; exact ints and bools, floats
within FLOAT_RTOL (NaN and signed zero included), arrays by dtype, shape and values, array
arguments after the call, the same exception type (and message, for the program's own
`raise`/`assert` strings). Outcomes:

  ok             both agree (a result, or the same exception)
  mismatch       they disagree (or the runtime's live block count grew: a leak)
  compile-error  ember raised TypingError/UnsupportedError: the generator believed the program
                 inside the documented subset, so this is a coverage gap (or a generator bug)
  crash          the child died on a signal or exited while running the program
  timeout        no answer within the time limit
  documented     CPython raised a math domain/range OverflowError or ValueError where ember
                 returns inf/NaN, as docs/differences.md ("From CPython") says
  invalid        CPython itself failed with NameError/TypeError/...: a generator bug

Two rare mismatches (about 1 in 10**4 programs each) are not ember's to fix: `math.copysign(x,
nan)` reads the sign of a NaN, which IEEE leaves open (`inf // -1` is a NaN with the sign bit
set in CPython and in ember at run time, but positive when LLVM folds it from constants), and
NumPy 2.4 itself gets `m[1] = m[:, 2]` wrong (overlapping views of different strides are
written back to front instead of copied first), where ember copies.
"""

import faulthandler
import gc
import json
import linecache
import math
import os
import select
import signal
import sys
import time
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
if os.path.dirname(HERE) not in sys.path:
    sys.path.insert(0, os.path.dirname(HERE))   # tests/, for difftest

import numpy as np  # noqa: E402

import difftest  # noqa: E402

from .gen import generate  # noqa: E402

#: Open ember bugs the fuzzer found, by the generator feature that reaches them: `--avoid-known`
#: leaves these features out so a long run looks for new bugs. Remove an entry once it is fixed.
KNOWN_BUGS = {}   # feature name (gen.py) -> the open ember bug it hits; none open now
STATUSES = ("ok", "mismatch", "compile-error", "crash", "timeout", "documented", "invalid")
FAILURES = ("mismatch", "compile-error", "crash", "timeout", "invalid")
FLOAT_RTOL = 1e-9       # small arrays' sums associate differently in NumPy (pairwise) and ember
FLOAT_ATOL = 1e-12
RECYCLE = 400
INVALID = (NameError, UnboundLocalError, TypeError, AttributeError, SyntaxError, KeyError)
#: What CPython's math module, float ** and float() say where ember returns inf or NaN.
DOCUMENTED = ("math domain error", "math range error", "Numerical result out of range",
              "int too large to convert to float")


def _describe(v):
    if isinstance(v, BaseException):
        return f"{type(v).__name__}: {str(v)[:300]}"
    return difftest._show(v)[:600]


def _live():
    import ember
    s = ember._ember.rt_stats()
    return s["allocs"] - s["frees"]


def load(source, name):
    """Exec a program's source as module `name`; linecache holds it for ember's diagnostics."""
    filename = f"<{name}>"
    linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
    ns = {"__name__": name}
    exec(compile(source, filename, "exec"), ns)
    return ns


def _leaked(fn, copies):
    """Runtime blocks one more call of fn leaves live, counted between full collections
    (too slow to do for every program, so only when the cheap count moved)."""
    gc.collect()
    before = _live()
    args = copies.make()
    out = difftest._run(fn, args[0], args[1])
    del args, out
    gc.collect()
    return _live() - before


def run_source(source, args_text, name="fuzzprog"):
    """(status, detail) for one program: its source and the text of its argument tuple."""
    from ember import errors

    try:
        ns = load(source, name)
        args = eval(args_text, {"np": np, "math": math})
    except Exception as e:  # noqa: BLE001
        return "invalid", f"the program does not load: {_describe(e)}"
    fn = ns["f"]
    copies = difftest.ArgCopies(args, {})
    ref = copies.make()
    expected, exp_exc = difftest._run(difftest.pure(fn), ref[0], ref[1])
    if isinstance(exp_exc, INVALID):
        return "invalid", f"CPython: {_describe(exp_exc)}"
    before = _live()
    got_args = copies.make()
    got, got_exc = difftest._run(fn, got_args[0], got_args[1])
    compile_errors = (errors.TypingError, errors.UnsupportedError)
    if isinstance(got_exc, compile_errors):
        return "compile-error", _describe(got_exc)
    what = f"CPython {_describe(exp_exc if exp_exc is not None else expected)}; " \
           f"ember {_describe(got_exc if got_exc is not None else got)}"
    if exp_exc is not None:
        if isinstance(exp_exc, (OverflowError, ValueError)) and \
                any(m in str(exp_exc) for m in DOCUMENTED) and \
                (type(got_exc) is not type(exp_exc) or str(got_exc) != str(exp_exc)):
            # ember went on with inf/NaN (and may have raised something else later)
            return "documented", what
        if type(got_exc) is not type(exp_exc):
            return "mismatch", what
        consts = difftest.user_constants(fn)
        if exp_exc.args and all(isinstance(a, str) and a in consts for a in exp_exc.args) \
                and got_exc.args != exp_exc.args:
            return "mismatch", f"messages differ: {what}"
    elif got_exc is not None:
        return "mismatch", what
    else:
        m = difftest.mismatch(expected, got, rtol=FLOAT_RTOL, atol=FLOAT_ATOL)
        if m:
            return "mismatch", f"result: {m}"
    try:
        difftest._compare_args("f", ref, got_args, {"rtol": FLOAT_RTOL, "atol": FLOAT_ATOL})
    except AssertionError as e:
        return "mismatch", str(e)[:600]
    raised = exp_exc
    del got, got_args, got_exc, expected, ref, exp_exc
    if _live() != before:   # maybe a leak, maybe an earlier program's garbage collected now
        leaked = _leaked(fn, copies)
        if leaked:
            return "mismatch", f"leak: {leaked:+d} runtime blocks live after the call"
    return "ok", type(raised).__name__ if raised is not None else ""


def run_program(prog):
    return run_source(prog.source, prog.args_text, f"fuzz_{prog.seed}")


def _child(seeds, start, wfd, source_of):
    """Run seeds[start:] (at most RECYCLE of them), reporting on wfd; never returns."""
    try:
        faulthandler.disable()   # a crash is reported by the parent, not as a traceback
        warnings.simplefilter("ignore")
        np.seterr(all="ignore")
        out = os.fdopen(wfd, "w", buffering=1)
        for i in range(start, min(len(seeds), start + RECYCLE)):
            out.write(f"start {i}\n")
            try:
                src, args_text, name = source_of(seeds[i])
            except Exception as e:  # noqa: BLE001
                status, detail = "invalid", f"the generator failed: {_describe(e)}"
                out.write(json.dumps({"i": i, "status": status, "detail": detail}) + "\n")
                continue
            try:
                status, detail = run_source(src, args_text, name)
            except BaseException as e:  # noqa: BLE001 -- the runner itself failed on it
                status, detail = "mismatch", f"runner error: {_describe(e)}"
            out.write(json.dumps({"i": i, "status": status, "detail": detail}) + "\n")
        out.flush()
    finally:
        os._exit(0)


def from_seed(seed, avoid=()):
    """(source, argument text, module name) of seed's program."""
    p = generate(seed, avoid)
    return p.source, p.args_text, f"fuzz_{seed}"


_warm = False


def _warm_up():
    """Compile once here, so every child forks with the compiler (LLVM) already loaded."""
    global _warm
    if not _warm:
        from ember import njit
        njit(lambda x: x + 1)(1)
        _warm = True


def run_many(seeds, timeout=10.0, source_of=from_seed, progress=None):
    """{index: (status, detail)} for every seed, each run in a forked child (see above).

    source_of(seed) -> (source, args_text, module name); progress(i, status) after each one.
    """
    _warm_up()
    results = {}
    i = 0
    while i < len(seeds):
        rfd, wfd = os.pipe()
        pid = os.fork()
        if pid == 0:
            os.close(rfd)
            _child(seeds, i, wfd, source_of)
        os.close(wfd)
        reader = os.fdopen(rfd, "r")
        current = None
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([reader], [], [], max(left, 0))
            if not ready:
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
                if current is not None:
                    results[current] = ("timeout", f"no result within {timeout:g} s")
                    if progress:
                        progress(current, "timeout")
                    i = current + 1
                break
            line = reader.readline()
            if not line:   # the child is gone
                _, status = os.waitpid(pid, 0)
                if current is not None:
                    how = (f"signal {os.WTERMSIG(status)} ({signal.Signals(os.WTERMSIG(status)).name})"
                           if os.WIFSIGNALED(status) else f"exit status {os.WEXITSTATUS(status)}")
                    results[current] = ("crash", f"the child died: {how}")
                    if progress:
                        progress(current, "crash")
                    i = current + 1
                break
            if line.startswith("start "):
                current = int(line.split()[1])
                deadline = time.monotonic() + timeout
                continue
            rec = json.loads(line)
            results[rec["i"]] = (rec["status"], rec["detail"])
            if progress:
                progress(rec["i"], rec["status"])
            current = None
            i = rec["i"] + 1
        reader.close()
    return results


def run_one_forked(source, args_text, timeout=10.0):
    """(status, detail) of one program (source text) in its own child."""
    res = run_many([0], timeout, source_of=lambda _: (source, args_text, "fuzzprog"))
    return res[0]
