"""Run NPBench's NumPy kernels (github.com/spcl/npbench) under ember as a new user would: every
function of each `*_numpy.py` decorated with `ember.njit`, nothing else changed; compare with
NumPy on the same inputs and time both.

    python tools/npbench_probe.py /path/to/npbench                 # every kernel, preset S
    python tools/npbench_probe.py /path/to/npbench --preset M -k jacobi,adi

Each kernel runs in its own process (a crash or a hang is reported, not fatal). For each it
prints ok / MISMATCH / FAIL (the exception ember raised), NumPy's and ember's steady time (the
better of two calls), ember's first call (which compiles) and the ratio ember/NumPy. Results are
compared with np.allclose (rtol 1e-6 for float64 results, 1e-4 for float32: NumPy sums float32
along other orders; atol a fraction of the largest magnitude (1e-5 for float32, 1e-9 for
float64), for results near zero after a cancellation), integers exactly, including the arrays the kernel writes into.
"""
import argparse
import glob
import importlib.util
import json
import os
import subprocess
import sys
import time
import types

import numpy as np


def _load(path, name):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _same(x, y):
    if isinstance(x, (tuple, list)):
        return isinstance(y, (tuple, list)) and len(x) == len(y) and all(_same(p, q) for p, q in zip(x, y))
    if x is None or y is None:
        return x is y
    x, y = np.asarray(x), np.asarray(y)
    if x.shape != y.shape:
        return False
    if x.dtype.kind in "fc" or y.dtype.kind in "fc":
        single = np.float32 in (x.dtype, y.dtype) or np.complex64 in (x.dtype, y.dtype)
        rtol = 1e-4 if single else 1e-6
        scale = float(np.nanmax(np.abs(y[np.isfinite(y)]))) if np.isfinite(y).any() else 0.0
        return bool(np.allclose(x, y, rtol=rtol, atol=(0.1 if single else 1e-3) * rtol * scale, equal_nan=True))
    return bool(np.array_equal(x, y))


def run_one(root, name, preset):
    """One kernel in this process: prints its line."""
    info = json.load(open(os.path.join(root, "bench_info", name + ".json")))["benchmark"]
    where = os.path.join(root, "npbench", "benchmarks", info["relative_path"])
    init = _load(os.path.join(where, info["module_name"] + ".py"), "init_" + name)
    params = info["parameters"][preset]
    made = getattr(init, info["init"]["func_name"])(*[params[a] for a in info["init"]["input_args"]])
    made = made if isinstance(made, tuple) else (made,)
    env = dict(params, **dict(zip(info["init"]["output_args"], made)))

    def args():
        return [env[a].copy() if isinstance(env[a], np.ndarray) else env[a] for a in info["input_args"]]

    source = os.path.join(where, info["module_name"] + "_numpy.py")
    ref, mine = _load(source, "ref_" + name), _load(source, "ember_" + name)
    import ember
    for k, v in list(vars(mine).items()):
        if isinstance(v, types.FunctionType) and v.__module__ == mine.__name__:
            setattr(mine, k, ember.njit(v))
    a_ref = args()
    r_ref = getattr(ref, info["func_name"])(*a_ref)
    a_mine = args()
    try:
        t0 = time.perf_counter()
        r_mine = getattr(mine, info["func_name"])(*a_mine)
        first = time.perf_counter() - t0
    except Exception as e:
        text = " | ".join(str(e).splitlines()[:2])
        print(f"{name}\tFAIL\t{type(e).__name__}: {text[:300]}", flush=True)
        return
    ok = _same(r_mine, r_ref) and all(_same(p, q) for p, q in zip(a_mine, a_ref))
    times = {"numpy": [], "ember": []}
    for _ in range(2):
        for which, module in (("numpy", ref), ("ember", mine)):
            a = args()
            t0 = time.perf_counter()
            getattr(module, info["func_name"])(*a)
            times[which].append(time.perf_counter() - t0)
    tn, te = min(times["numpy"]), min(times["ember"])
    print(f"{name}\t{'ok' if ok else 'MISMATCH'}\tnumpy {tn * 1e3:.1f} ms\tember {te * 1e3:.1f} ms\t"
          f"first call {first:.2f} s\tember/numpy {te / tn:.3g}", flush=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("root", help="an npbench checkout (holds bench_info/ and npbench/benchmarks/)")
    ap.add_argument("--preset", default="S")
    ap.add_argument("-k", default="", help="comma-separated kernel names (default: all with an init function)")
    ap.add_argument("--timeout", type=int, default=600)
    ap.add_argument("--one", help=argparse.SUPPRESS)
    opts = ap.parse_args()
    if opts.one:
        run_one(opts.root, opts.one, opts.preset)
        return
    names = sorted(os.path.basename(p)[:-5] for p in glob.glob(os.path.join(opts.root, "bench_info", "*.json")))
    names = [n for n in names if "init" in json.load(open(os.path.join(opts.root, "bench_info", n + ".json")))["benchmark"]]
    if opts.k:
        names = [n for n in names if n in opts.k.split(",")]
    counts, ratios = {}, []
    for name in names:
        try:
            out = subprocess.run([sys.executable, __file__, opts.root, "--preset", opts.preset, "--one", name],
                                 capture_output=True, text=True, timeout=opts.timeout)
            line = out.stdout.strip().splitlines()[-1] if out.stdout.strip() else \
                f"{name}\tCRASH\texit {out.returncode}: {out.stderr.strip().splitlines()[-1:]}"
        except subprocess.TimeoutExpired:
            line = f"{name}\tTIMEOUT"
        print(line, flush=True)
        status = line.split("\t")[1]
        counts[status] = counts.get(status, 0) + 1
        if status == "ok":
            ratios.append(float(line.rsplit(" ", 1)[1]))
    print("summary:", ", ".join(f"{k} {v}" for k, v in sorted(counts.items())), f"of {len(names)}")
    if ratios:
        print(f"ember/numpy over the ok kernels: geometric mean {np.exp(np.mean(np.log(ratios))):.2f}, "
              f"above 1.0: {sum(r > 1.0 for r in ratios)}, worst {max(ratios):.2f}")


if __name__ == "__main__":
    main()
