"""Differential fuzzing, fixed seeds: a few hundred generated programs (tests/fuzz/gen.py) run
under CPython and ember in forked children must agree; and the fuzzer's own parts work (the
generator is deterministic, the runner tells each outcome apart, the minimiser shrinks).

`python -m tests.fuzz --count N` runs any number of programs (see docs/internals.md, "Testing")."""

import collections

import pytest

from fuzz.gen import Stmt, generate
from fuzz.minimize import minimize
from fuzz.runner import FAILURES, from_seed, run_many, run_one_forked

SEEDS = list(range(300))

TOO_MANY_OPERANDS = ("ember gap: an array expression with more than 32 distinct operands is an "
                     "UnsupportedError (codegen/lower_array.c MAX_LEAVES) instead of being split")

#: Seeds of long runs that exposed ember bugs since fixed (float.is_integer() of inf; the
#: signed-zero ties of np.minimum, np.maximum and np.clip): they must keep passing.
FIXED = [1002992, 3000271, 3010777, 3010988]

#: Seeds (of long runs: none of SEEDS fails now) that expose open ember bugs, run as strict
#: xfails so that each flips when its bug is fixed: seed -> the bug.
XFAIL = {
    4003601: TOO_MANY_OPERANDS,
}
#: Seeds found by `--avoid-known` runs, generated with the features that run avoided.
AVOIDED = {4003601: ("is_integer", "np.minimum", "np.clip")}

ALL = SEEDS + FIXED + sorted(s for s in XFAIL if s not in SEEDS)


@pytest.fixture(scope="module")
def outcomes():
    res = run_many(ALL, source_of=lambda seed: from_seed(seed, AVOIDED.get(seed, ())))
    return {ALL[i]: r for i, r in res.items()}


def _param(seed):
    if seed in XFAIL:
        return pytest.param(seed, marks=pytest.mark.xfail(strict=True, reason=XFAIL[seed]))
    return seed


@pytest.mark.parametrize("seed", [_param(s) for s in ALL])
def test_program(outcomes, seed):
    status, detail = outcomes[seed]
    if status in FAILURES:
        prog = generate(seed, AVOIDED.get(seed, ()))
        pytest.fail(f"seed {seed}: {status}: {detail}\n\n{prog.reproducer()}")


def test_the_seed_set_covers_the_subset(outcomes):
    """The fixed set is not trivially passing: most programs return values, a good share raise,
    few hit a documented difference, and the documented features all occur."""
    counts = collections.Counter(outcomes[s][0] for s in SEEDS)
    raised = sum(1 for s in SEEDS if outcomes[s][0] == "ok" and outcomes[s][1])
    assert counts["ok"] >= 0.9 * len(SEEDS), counts
    assert raised >= 0.05 * len(SEEDS), raised
    features = set()
    for s in SEEDS:
        features.update(generate(s).features)
    for f in ("while", "forelse", "break", "continue", "chained", "divmod", "unpack", "call",
              "earlyreturn", "rawindex", "slicestore", "np.where", "np.sum", "np.mean",
              "view", "stridedarg", "fortranarg", "math.gamma", "fpow", "shift", "round2",
              "complex/", "assert", "raise", "tuplecompare", "ifexp", "augassign", "clampstmt",
              "fortuple", "callkw"):
        assert f in features, f


def test_generator_is_deterministic():
    a = [generate(s).reproducer() for s in (0, 1, 77)]
    b = [generate(s).reproducer() for s in (0, 1, 77)]
    assert a == b
    assert len(set(a)) == 3
    assert "is_integer" not in generate(5316, avoid=("is_integer",)).source


def _prog(body, args="(3,)"):
    return "import math\nimport numpy as np\nfrom ember import njit\n\n@njit\n" + body, args


def test_runner_classifies_outcomes():
    cases = {
        "ok": _prog("def f(a):\n    return a // 2, a / 0.5\n"),
        "mismatch": _prog("def f(a):\n    return a * a\n", "(2**40,)"),   # int64 wraps
        "compile-error": _prog("def f(a):\n    yield from range(a)\n"),   # no yield from
        "documented": _prog("def f(a):\n    return math.sqrt(-a)\n", "(2.0,)"),
        "invalid": _prog("def f(a):\n    return undefined_name\n"),
        "crash": ("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n", "()"),
        "timeout": ("while True:\n    pass\n", "()"),
    }
    for want, (src, args) in cases.items():
        status, detail = run_one_forked(src, args, timeout=2.0)
        assert status == want, (want, status, detail)
    status, detail = run_one_forked(*_prog("def f(a):\n    return 1 // (a - 3)\n"))
    assert (status, detail) == ("ok", "ZeroDivisionError")


def test_runner_attributes_a_crash_to_its_program():
    """Programs after a crash still run, in a fresh child."""
    crash = ("import os, signal\nos.kill(os.getpid(), signal.SIGSEGV)\n", "()", "c")
    good = _prog("def f(a):\n    return a + 1\n") + ("g",)
    progs = [good, crash, good, good]
    res = run_many(list(range(4)), 5.0, source_of=lambda i: progs[i])
    assert [res[i][0] for i in range(4)] == ["ok", "crash", "ok", "ok"]


def test_minimizer_shrinks_to_the_failing_statement():
    prog = generate(18)   # f(a0) with a0 an array, nine statements and a helper
    assert prog.main.params == ["a0"] and len(prog.main.body) > 3 and prog.helpers
    # make it fail first thing: int() of a float beyond int64 (a documented difference)
    prog.main.body.insert(0, Stmt("big = int(1e300 * (len(a0) + 1))"))
    status, detail = run_one_forked(prog.source, prog.args_text)
    assert status == "mismatch", detail
    small, st, _ = minimize(prog, status, detail)
    assert st == "mismatch"
    assert small.main.body[0].head.startswith("big = ")
    assert len(small.main.body) < len(prog.main.body) - 2 and not small.helpers
