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

COUNTER = re.compile(r"w\d+ \+= 1$")


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


def _edits(prog):
    """The edits to try on prog, smallest programs first: drop a helper, delete a statement
    (the innermost first), or put one clause's body in place of a compound statement."""
    funcs = prog.helpers + [prog.main]
    out = [("helper", hi, None) for hi in range(len(prog.helpers))]
    for fi, fn in enumerate(funcs):
        for k, (body, i) in enumerate(_sites(fn.body, [])):
            s = body[i]
            final = fn is prog.main and body is fn.body and i == len(body) - 1
            if not final and not (s.head and COUNTER.match(s.head)):
                # the final return keeps f well-formed; a while loop's counter, finite
                out.append((fi, k, "delete"))
            for j in range(len(s.clauses or ())):
                out.append((fi, k, j))
    return out


def _apply(prog, edit):
    cand = copy.deepcopy(prog)
    fi, k, what = edit
    if fi == "helper":
        del cand.helpers[k]
        return cand
    body, i = _sites((cand.helpers + [cand.main])[fi].body, [])[k]
    if what == "delete":
        del body[i]
    else:
        body[i:i + 1] = body[i].clauses[what][1] or [Stmt("pass")]
    return cand


def minimize(prog, status, detail, timeout=3.0, max_tries=1000):
    """(program, status, detail): the smallest version of prog found that still fails alike.

    After a successful edit the scan goes on from the same place in the new program's edit
    list (what came before it was tried already); a last full pass confirms nothing else goes.
    """
    want = signature(status, detail)
    tries = start = 0
    while tries < max_tries:
        edits = _edits(prog)
        for n in range(start, len(edits)):
            tries += 1
            cand = _apply(prog, edits[n])
            st, det = run_one_forked(cand.source, cand.args_text, timeout)
            if signature(st, det) == want:
                prog, status, detail, start = cand, st, det, n
                break
            if tries >= max_tries:
                break
        else:
            if start == 0:
                break
            start = 0
    return prog, status, detail
