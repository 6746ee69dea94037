"""Long mode: `python -m tests.fuzz --count N --seed S [--jobs J] [--out DIR]`.

Runs the programs of seeds S .. S+N-1 (see gen.py) under CPython and ember (runner.py), prints
progress and a summary (programs run, each outcome's count, programs per second, the distinct
failures), and writes every failing program to DIR as a script, `<status>-<seed>.py`, with
the outcome in its first lines, plus a shrunk copy `<status>-<seed>-min.py` (minimize.py).
`--avoid-known` leaves out the features of the open bugs in KNOWN_BUGS, so a long run looks
for new ones; `--avoid` names features by hand. Exit status 1 when anything failed.
"""

import argparse
import collections
import functools
import json
import multiprocessing
import os
import sys
import time

from .gen import generate
from .minimize import minimize, signature
from .runner import FAILURES, KNOWN_BUGS, STATUSES, from_seed, run_many

CHUNK = 200


def _run_chunk(seeds, timeout, avoid):
    return seeds, run_many(seeds, timeout, functools.partial(from_seed, avoid=avoid))


def _write(out, seed, status, detail, prog, suffix=""):
    path = os.path.join(out, f"{status}-{seed}{suffix}.py")
    head = "".join(f"# {line}\n" for line in f"{status}: {detail}".splitlines())
    with open(path, "w") as fh:
        fh.write(f"# fuzz seed {seed}\n{head}\n{prog.reproducer()}")
    return path


def main(argv=None):
    ap = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__.splitlines()[0])
    ap.add_argument("--count", type=int, default=1000, help="programs to run (default 1000)")
    ap.add_argument("--seed", type=int, default=0, help="first seed (default 0)")
    ap.add_argument("--jobs", type=int, default=1, help="worker processes (default 1)")
    ap.add_argument("--timeout", type=float, default=10.0, help="seconds per program")
    ap.add_argument("--out", default="fuzz-failures", help="folder for failing programs")
    ap.add_argument("--avoid", default="", help="comma-separated features not to generate")
    ap.add_argument("--avoid-known", action="store_true", help="avoid the features of KNOWN_BUGS")
    ap.add_argument("--no-minimize", action="store_true", help="write failures unshrunk only")
    args = ap.parse_args(argv)

    avoid = tuple(a for a in args.avoid.split(",") if a)
    if args.avoid_known:
        avoid += tuple(KNOWN_BUGS)
    seeds = list(range(args.seed, args.seed + args.count))
    chunks = [seeds[i:i + CHUNK] for i in range(0, len(seeds), CHUNK)]
    counts = collections.Counter()
    raised = collections.Counter()   # ok programs that raised, by exception
    failures = []
    t0 = time.monotonic()
    done = 0

    def collect(chunk, res):
        nonlocal done
        for i, (status, detail) in res.items():
            counts[status] += 1
            if status == "ok" and detail:
                raised[detail] += 1
            if status in FAILURES:
                failures.append((chunk[i], status, detail))
        done += len(chunk)
        rate = done / max(time.monotonic() - t0, 1e-9)
        bad = sum(counts[s] for s in FAILURES)
        print(f"  {done}/{len(seeds)} programs, {bad} failing, {rate:.1f}/s", flush=True)

    print(f"fuzz: seeds {seeds[0]}..{seeds[-1]}, {args.jobs} job(s)"
          + (f", avoiding {','.join(avoid)}" if avoid else ""), flush=True)
    if args.jobs <= 1:
        for chunk in chunks:
            collect(*_run_chunk(chunk, args.timeout, avoid))
    else:
        with multiprocessing.get_context("fork").Pool(args.jobs) as pool:
            for chunk, res in pool.imap_unordered(
                    functools.partial(_run_chunk, timeout=args.timeout, avoid=avoid), chunks):
                collect(chunk, res)
    elapsed = time.monotonic() - t0

    distinct = collections.defaultdict(list)
    if failures:
        os.makedirs(args.out, exist_ok=True)
    for seed, status, detail in sorted(failures):
        prog = generate(seed, avoid)
        path = _write(args.out, seed, status, detail, prog)
        if not args.no_minimize and status != "timeout":
            small, st, det = minimize(prog, status, detail, min(args.timeout, 3.0))
            path = _write(args.out, seed, st, det, small, "-min")
        distinct[signature(status, detail)].append((seed, path))

    print(f"\nfuzz summary: {done} programs in {elapsed:.0f} s ({done / max(elapsed, 1e-9):.1f}/s)")
    for s in STATUSES:
        print(f"  {s:14s} {counts[s]}")
    if raised:
        kinds = ", ".join(f"{k} {n}" for k, n in raised.most_common())
        print(f"  (ok and raising the same exception: {sum(raised.values())}: {kinds})")
    if distinct:
        print(f"distinct failures: {len(distinct)} (programs in {args.out}/)")
        for (status, sig), hits in distinct.items():
            print(f"  {status} {sig}: {len(hits)} program(s), e.g. {hits[0][1]}")
    summary = {"seed": args.seed, "count": args.count, "avoid": list(avoid), "seconds": elapsed,
               "counts": {s: counts[s] for s in STATUSES}, "raised": dict(raised),
               "failures": [{"seed": s, "status": st, "detail": d} for s, st, d in sorted(failures)]}
    if failures:
        with open(os.path.join(args.out, f"summary-{args.seed}-{args.count}.json"), "w") as fh:
            json.dump(summary, fh, indent=1)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
