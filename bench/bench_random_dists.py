#!/usr/bin/env python
"""A Monte Carlo kernel on np.random's distributions: ember vs numba vs NumPy, one run.

    python bench/bench_random_dists.py [-n 200000] [--repeat 7]

The kernel is a collective risk model: for each of n periods a Poisson number of claims, each
of gamma size, and a beta-distributed recovery on the period's total; it returns the mean loss
and the largest one. Forms:

  loop     the kernel as a scalar loop (ember and numba compile it; NumPy cannot run it fast)
  arrays   the same model written with size= draws (ember, numba, and NumPy itself)

A third table times one scalar draw of each distribution in a loop of -n trips (`s +=
np.random.exponential(2.0)`), ember and numba interleaved, with whether their sums agree.

A fourth table times a Generator's draws (an argument), scalar and size=1000, in a loop.

A second table times draws with array parameters (NumPy broadcasts them; ember checks every
element, then draws into the result, allocating nothing else): np.random.normal(mu, 2.0) and
np.random.uniform(0.5, hi) of n-element arrays, np.random.gamma(shape, scale) with a 2-d
broadcast, and a Generator's normal(mu, sigma) -- ember, NumPy and numba where numba compiles the
form ("-" where it does not), interleaved, with whether the numbers equal NumPy's.

Both compiled backends seed inside the kernel, so their numbers must equal NumPy's (ember's do
by construction; the script says whether numba's do). Times are the best of --repeat calls
after a warm-up call, the backends interleaved in each round so machine load hits them alike;
the ratio column is each time over ember's.
"""
import argparse
import platform
import sys
import time

import numpy as np


def risk_loop(seed, n, lam, shape, scale):
    np.random.seed(seed)
    total = 0.0
    worst = 0.0
    for _ in range(n):
        loss = 0.0
        for _ in range(np.random.poisson(lam)):
            loss += np.random.gamma(shape, scale)
        loss *= 1.0 - np.random.beta(2.0, 8.0)
        total += loss
        worst = max(worst, loss)
    return total / n, worst


def risk_arrays(seed, n, lam, shape, scale):
    np.random.seed(seed)
    counts = np.random.poisson(lam, n)
    sizes = np.random.gamma(shape, scale, counts.sum())
    recovery = np.random.beta(2.0, 8.0, n)
    losses = np.zeros(n)
    k = 0
    for i in range(n):
        for _ in range(counts[i]):
            losses[i] += sizes[k]
            k += 1
    losses *= 1.0 - recovery
    return losses.mean(), losses.max()


def risk_numpy(seed, n, lam, shape, scale):
    # NumPy's own vectorised form: the same draws as risk_arrays, summed per period by bincount.
    np.random.seed(seed)
    counts = np.random.poisson(lam, n)
    sizes = np.random.gamma(shape, scale, counts.sum())
    recovery = np.random.beta(2.0, 8.0, n)
    losses = np.bincount(np.repeat(np.arange(n), counts), weights=sizes, minlength=n) * (1.0 - recovery)
    return losses.mean(), losses.max()


def arr_normal(seed, mu):
    np.random.seed(seed)
    return np.random.normal(mu, 2.0)


def arr_uniform(seed, hi):
    np.random.seed(seed)
    return np.random.uniform(0.5, hi)


def arr_gamma_2d(seed, shape, scale):
    np.random.seed(seed)
    return np.random.gamma(shape, scale[:, None])


def arr_gen_normal(rng, mu, sigma):
    return rng.normal(mu, sigma)


def array_parameters(opt, backends):
    """The array-parameter table: {kernel: {backend: time}} and whether each equals NumPy's."""
    n = opt.n
    mu = np.linspace(-1.0, 1.0, n)
    hi = np.linspace(1.0, 3.0, n)
    shape = np.linspace(0.5, 4.0, n // 100)
    scale = np.linspace(1.0, 2.0, 100)
    cases = {
        "normal(mu, 2.0)": (arr_normal, lambda: (3, mu)),
        "uniform(0.5, hi)": (arr_uniform, lambda: (3, hi)),
        "gamma(shape, scale[:, None])": (arr_gamma_2d, lambda: (3, shape, scale)),
        "Generator.normal(mu, sigma)": (arr_gen_normal, lambda: (np.random.default_rng(3), mu, hi)),
    }
    times, agree = {}, {}
    fns = {}
    for kname, (f, make) in cases.items():
        want = f(*make())
        fns[(kname, "numpy")] = f
        agree[(kname, "numpy")] = "yes (reference)"
        for name, dec in backends.items():
            try:
                g = dec(f)
                got = g(*make())
            except Exception:  # noqa: BLE001 -- numba does not compile this form
                continue
            fns[(kname, name)] = g
            agree[(kname, name)] = "yes" if np.array_equal(got, want) else "NO"
    for _ in range(opt.rounds):   # interleaved rounds: each keeps its best
        for key, fn in fns.items():
            args = cases[key[0]][1]()
            t = best(fn, args, opt.repeat)
            times[key] = min(times.get(key, t), t)
    print(f"\n# array parameters (n={n}, best of {opt.repeat} x {opt.rounds} interleaved rounds)\n")
    print("| kernel | backend | time (ms) | / NumPy | same numbers as NumPy |")
    print("|---|---|---|---|---|")
    for kname in cases:
        for name in ("ember", "numpy", "numba"):
            if (kname, name) in times:
                t = times[(kname, name)]
                print(f"| {kname} | {name} | {t * 1e3:.2f} | {t / times[(kname, 'numpy')]:.2f} | {agree[(kname, name)]} |")
            else:
                print(f"| {kname} | {name} | - | - | does not compile |")


SCALAR_DRAWS = ["np.random.random()", "np.random.normal(0.0, 2.0)", "np.random.exponential(2.0)",
                "np.random.standard_exponential()", "np.random.rayleigh(1.5)", "np.random.pareto(3.0)",
                "np.random.weibull(1.5)", "np.random.power(2.0)", "np.random.geometric(0.2)",
                "np.random.geometric(0.5)", "np.random.poisson(3.0)", "np.random.binomial(10, 0.3)",
                "np.random.laplace(0.0, 1.0)", "np.random.lognormal(0.0, 1.0)"]


def scalar_draws(opt, backends):
    print(f"\n# one scalar draw a trip (n={opt.n}, best of {opt.repeat} x {opt.rounds} interleaved rounds)\n")
    print("| draw | " + " | ".join(f"{b} (ms)" for b in backends) + " | numba / ember | sums agree |")
    print("|---|" + "---|" * (len(backends) + 2))
    for expr in SCALAR_DRAWS:
        src = f"def f(seed, n):\n    np.random.seed(seed)\n    s = 0.0\n    for i in range(n):\n        s += {expr}\n    return s\n"
        ns = {"np": np}
        exec(src, ns)
        fns = {b: dec(ns["f"]) for b, dec in backends.items()}
        sums = {b: f(5, 1000) for b, f in fns.items()}
        times = {}
        for _ in range(opt.rounds):
            for b, f in fns.items():
                t = best(f, (5, opt.n), opt.repeat)
                times[b] = min(times.get(b, t), t)
        ratio = f"{times['numba'] / times['ember']:.2f}" if "numba" in times else "-"
        print(f"| `{expr}` | " + " | ".join(f"{times[b] * 1e3:.2f}" for b in backends) +
              f" | {ratio} | {'yes' if len(set(sums.values())) == 1 else 'NO'} |")


GENERATOR_DRAWS = ["rng.random()", "rng.standard_normal()", "rng.normal(1.0, 2.0)", "rng.uniform(-1.0, 1.0)",
                   "rng.standard_exponential()", "rng.exponential(2.0)", "rng.integers(0, 100)",
                   "rng.standard_normal(1000)[999]", "rng.exponential(2.0, 1000)[999]"]


def generator_draws(opt, backends):
    """A np.random.Generator's draws (an argument: numba cannot make one in compiled code)."""
    print(f"\n# a Generator's draws, in a loop of n trips (n={opt.n}; the array forms n/1000 trips; best of "
          f"{opt.repeat} x {opt.rounds} interleaved rounds)\n")
    print("| draw | " + " | ".join(f"{b} (ms)" for b in backends) + " | numba / ember | sums agree |")
    print("|---|" + "---|" * (len(backends) + 2))
    for expr in GENERATOR_DRAWS:
        trips = opt.n // 1000 if "000)" in expr else opt.n
        src = f"def f(rng, n):\n    s = 0.0\n    for i in range(n):\n        s += {expr}\n    return s\n"
        ns = {"np": np}
        exec(src, ns)
        fns = {b: dec(ns["f"]) for b, dec in backends.items()}
        sums = {b: f(np.random.default_rng(5), 100) for b, f in fns.items()}
        times = {}
        for _ in range(opt.rounds):
            for b, f in fns.items():
                t = best(f, (np.random.default_rng(5), trips), opt.repeat)
                times[b] = min(times.get(b, t), t)
        ratio = f"{times['numba'] / times['ember']:.2f}" if "numba" in times else "-"
        print(f"| `{expr}` | " + " | ".join(f"{times[b] * 1e3:.2f}" for b in backends) +
              f" | {ratio} | {'yes' if len(set(sums.values())) == 1 else 'NO'} |")


def best(fn, args, repeat):
    fn(*args)
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn(*args)
        times.append(time.perf_counter() - t)
    return min(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("-n", type=int, default=200_000)
    ap.add_argument("--repeat", type=int, default=7)
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--arrays-only", action="store_true", help="only the array-parameter table")
    ap.add_argument("--scalars-only", action="store_true", help="only the scalar-draw table")
    ap.add_argument("--generator-only", action="store_true", help="only the Generator table")
    opt = ap.parse_args()
    import ember
    backends = {"ember": ember.njit}
    try:
        import numba
        backends["numba"] = numba.njit
    except ImportError:
        print("numba not importable: ember and NumPy only", file=sys.stderr)
    if opt.arrays_only:
        return array_parameters(opt, backends)
    if opt.scalars_only:
        return scalar_draws(opt, backends)
    if opt.generator_only:
        return generator_draws(opt, backends)
    args = (11, opt.n, 3.0, 2.0, 500.0)
    rows = {}
    want_loop = risk_loop(11, 2000, 3.0, 2.0, 500.0)
    want_arrays = risk_numpy(*args)
    agree = {}
    kernels = {}
    for name, dec in backends.items():
        kernels[(name, "loop")] = dec(risk_loop)
        kernels[(name, "arrays")] = dec(risk_arrays)
        agree[name] = (kernels[(name, "loop")](11, 2000, 3.0, 2.0, 500.0) == want_loop
                       and kernels[(name, "arrays")](*args) == want_arrays)
    kernels[("numpy", "arrays")] = risk_numpy
    for _ in range(opt.rounds):   # interleaved rounds: each keeps its best
        for key, fn in kernels.items():
            t = best(fn, args, opt.repeat)
            rows[key] = min(rows.get(key, t), t)
    print(f"# np.random Monte Carlo (n={opt.n}, best of {opt.repeat} x {opt.rounds} interleaved rounds)\n")
    print(f"`python {' '.join(sys.argv)}` on {platform.processor() or platform.machine()}, "
          f"numpy {np.__version__}, python {platform.python_version()}\n")
    print("| form | backend | time (ms) | / ember | same numbers as NumPy |")
    print("|---|---|---|---|---|")
    for (name, form), t in rows.items():
        base = rows[("ember", form)]
        same = "yes (reference)" if name == "numpy" else ("yes" if agree[name] else "NO")
        print(f"| {form} | {name} | {t * 1e3:.2f} | {t / base:.2f} | {same} |")
    array_parameters(opt, backends)
    scalar_draws(opt, backends)
    generator_draws(opt, backends)


if __name__ == "__main__":
    main()
