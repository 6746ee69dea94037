"""Shrink a failing program by deleting statements while it still fails the same way.

Delta debugging over the statement trees: each round tries, for every statement of every
function (inner ones first), to delete it, and for a compound statement to put one clause's
body in its place; then to drop each helper. A candidate is kept when it fails with the same
status and the same signature (the exception types, or the first line of a compile error), and
the round repeats until nothing more can go. Each candidate runs in its own forked child, so
shrinking a crash is safe.
"""

import copy
import re

from .gen import Stmt
from .runner import run_one_forked


def signature(status, detail):
    """What must stay the same while shrinking: the status and the kinds of the two results."""
    if status == "compile-error":
        first = detail.splitlines()[0] if detail else ""
        return status, re.sub(r"<[^>]*>:\d+ in \w+: ", "", first)
    if status == "mismatch":
        if not detail.startswith("CPython "):   # "result: ...", "leak: ...", "messages differ"
            return status, detail.split(":")[0]
        sides = re.finditer(r"(CPython|ember) (?:(\w+(?:Error|Exception)):)?", detail)
        return status, tuple(m.group(2) or "value" for m in sides)
    return status, ""


def _sites(body, out):
    """(list, index) of every statement, the innermost first."""
    for i, s in enumerate(body):
        if s.clauses:
            for _, b in s.clauses:
                _sites(b, out)
        out.append((body, i))
    return out


def _candidates(prog):
    """Smaller programs: one statement deleted or a compound statement flattened."""
    funcs = prog.helpers + [prog.main]
    for fi, fn in enumerate(funcs):
        n = len(_sites(fn.body, []))
        for k in range(n):
            for variant in ("delete", "flatten0", "flatten1", "flatten2"):
                cand = copy.deepcopy(prog)
                cfn = (cand.helpers + [cand.main])[fi]
                body, i = _sites(cfn.body, [])[k]
                s = body[i]
                if variant == "delete":
                    if s.head and s.head.startswith("return") and i == len(body) - 1 and body is cfn.body:
                        continue   # the final return keeps the function well-formed
                    del body[i]
                else:
                    j = int(variant[-1])
                    if not s.clauses or j >= len(s.clauses):
                        continue
                    body[i:i + 1] = s.clauses[j][1] or [Stmt("pass")]
                yield cand
    for hi in range(len(prog.helpers)):
        cand = copy.deepcopy(prog)
        del cand.helpers[hi]
        yield cand


def minimize(prog, status, detail, timeout=10.0, max_tries=2000):
    """(program, status, detail): the smallest version of prog found that still fails alike."""
    want = signature(status, detail)
    tries = 0
    changed = True
    while changed and tries < max_tries:
        changed = False
        for cand in _candidates(prog):
            tries += 1
            if tries > max_tries:
                break
            st, det = run_one_forked(cand.source, cand.args_text, timeout)
            if signature(st, det) == want:
                prog, status, detail = cand, st, det
                changed = True
                break
    return prog, status, detail
