"""np.random's distributions, choice, shuffle, permutation, dirichlet and multinomial in compiled
code: NumPy's legacy RandomState numbers for the same np.random.seed, bit for bit, with the
stream aligned across calls (the cached second normal included); the same distributions as
methods of a Generator argument, with the Generator's numbers; NumPy's ValueError for bad
parameters."""

import functools
import re

import numpy as np
import pytest

from difftest import ON_NUMBA, check, jit, no_leaks, numba_skip  # noqa: F401

# Parameter sets per distribution, chosen to reach each branch of NumPy's algorithms (gamma's
# shape below, at and above 1; binomial's inversion and BTPE on both sides of p = 0.5;
# hypergeometric's HYP and HRUA; geometric's search and inversion; von Mises' small kappas...).
DISTS = {
    "standard_exponential": [()],
    "exponential": [(2.5,), (0.0,)],
    "standard_gamma": [(0.3,), (1.0,), (4.5,), (0.0,)],
    "gamma": [(0.7, 2.0), (3.0, 0.5), (1.0, 1.0)],
    "beta": [(0.5, 0.7), (2.0, 3.0), (0.9, 4.0), (1e-3, 1e-3)],
    "chisquare": [(0.8,), (3.0,), (20.0,)],
    "noncentral_chisquare": [(3.0, 1.5), (0.5, 2.0), (4.0, 0.0)],
    "f": [(3.0, 5.0), (0.5, 40.0)],
    "noncentral_f": [(3.0, 5.0, 1.0), (0.7, 2.0, 0.5)],
    "laplace": [(1.0, 2.0), (0.0, 0.0)],
    "logistic": [(1.0, 2.0)],
    "gumbel": [(-1.0, 0.5)],
    "lognormal": [(0.5, 0.3), (0.0, 0.0)],
    "pareto": [(3.0,), (0.4,)],
    "power": [(2.0,), (0.3,)],
    "weibull": [(1.5,), (0.0,), (0.2,)],
    "rayleigh": [(2.0,)],
    "standard_cauchy": [()],
    "standard_t": [(4.0,), (0.5,)],
    "triangular": [(0.0, 1.0, 3.0), (0.0, 0.0, 1.0), (-2.0, 1.0, 1.0)],
    "vonmises": [(0.5, 2.0), (-3.0, 1e-9), (1.0, 1e-6), (0.0, 500.0)],
    "wald": [(1.0, 2.0), (3.0, 0.1)],
    "poisson": [(4.0,), (0.0,), (25.0,), (1e6,)],
    "binomial": [(10, 0.3), (1000, 0.4), (1000, 0.9), (7, 0.95), (0, 0.5), (20, 0.0), (20, 1.0)],
    "negative_binomial": [(5.0, 0.4), (0.5, 0.9), (30, 0.05)],
    "geometric": [(0.2,), (0.5,), (1.0,), (1e-6,)],
    "hypergeometric": [(10, 12, 15), (3, 4, 5), (100, 200, 50), (500, 20, 480), (5, 0, 5)],
    "logseries": [(0.7,), (0.99,), (0.01,), (0.0,)],
    "zipf": [(2.5,), (1.1,), (6.0,)],
}


@functools.lru_cache(maxsize=None)   # one function per distribution: it compiles once
def draws_fn(name, nparams, legacy):
    """f(seed or rng, *params): draws of np.random.<name> (legacy) or rng.<name> in sequence, a
    normal between them."""
    ps = "".join(f"p{i}, " for i in range(nparams))
    src = f"def f({'seed' if legacy else 'rng'}, {ps}):\n"
    if legacy:
        src += "    np.random.seed(seed)\n"
    call = f"{'np.random' if legacy else 'rng'}.{name}"
    src += (f"    a = {call}({ps})\n"
            f"    b = {call}({ps}size=5)\n"
            f"    z = {'np.random' if legacy else 'rng'}.normal()\n"
            f"    c = {call}({ps}size=(2, 3))\n"
            f"    return a, b, z, c, {call}({ps}), {'np.random' if legacy else 'rng'}.random()\n")
    ns = {"np": np}
    exec(src, ns)
    return ns["f"]


def same(got, want):
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert np.asarray(g).dtype == np.asarray(w).dtype and np.array_equal(g, w), (g, w)


@pytest.mark.parametrize("name", DISTS)
def test_legacy_same_numbers_as_numpy(name):
    for params in DISTS[name]:
        f = draws_fn(name, len(params), True)
        for seed in (0, 12345, 2**32 - 1):
            check(f, seed, *params, rtol=0.0, atol=0.0)


@pytest.mark.parametrize("name", [n for n in DISTS if n not in ("standard_exponential", "exponential")])
def test_generator_same_numbers_as_numpy(name):
    # (exponential and standard_exponential: tests/test_generator.py)
    for params in DISTS[name]:
        f = draws_fn(name, len(params), False)
        for bitgen in (np.random.PCG64, np.random.MT19937):
            a, b = np.random.Generator(bitgen(7)), np.random.Generator(bitgen(7))
            same(jit(f)(a, *params), f(b, *params))
            assert a.random() == b.random()   # the caller's generator advanced as NumPy's did


def defaults_and_keywords(seed):
    np.random.seed(seed)
    return (np.random.exponential(), np.random.poisson(), np.random.laplace(), np.random.logistic(size=2),
            np.random.gumbel(scale=2.0), np.random.lognormal(sigma=0.1), np.random.rayleigh(size=(1, 2)),
            np.random.gamma(shape=2.0, scale=3.0), np.random.binomial(p=0.3, n=9), np.random.poisson(lam=3),
            np.random.hypergeometric(nsample=4, nbad=3, ngood=6), np.random.triangular(1, 2, 3),
            np.random.ranf(), np.random.sample(3), np.random.standard_gamma(2, size=()) + 0.0,
            np.random.beta(1, 2, 3))


@pytest.mark.parametrize("seed", [1, 99])
def test_defaults_keywords_and_int_parameters(seed):
    check(defaults_and_keywords, seed, rtol=0.0, atol=0.0)


def monte_carlo(seed, n):
    # Several distributions interleaved in a loop: the stream stays NumPy's throughout.
    np.random.seed(seed)
    total = 0.0
    hits = 0
    for i in range(n):
        total += np.random.gamma(2.0, 1.5) + np.random.normal() + np.random.standard_t(3.0)
        hits += np.random.poisson(3.5) + np.random.binomial(50, 0.7) + np.random.geometric(0.1)
        total += np.random.beta(2.0, 5.0) * np.random.chisquare(2.5)
    return total, hits


def test_interleaved_in_a_loop():
    check(monte_carlo, 3, 500, rtol=0.0, atol=0.0)


def generator_binomials(rng, n):
    # scalar draws of a Generator whose (n, p) change from call to call, then stay: the cached
    # constants of the last (n, p) must follow
    out = np.empty(4 * n, np.int64)
    for i in range(n):
        out[4 * i] = rng.binomial(7, 0.2)
        out[4 * i + 1] = rng.binomial(1000, 0.4)
        out[4 * i + 2] = rng.binomial(1000, 0.4 if i % 3 else 0.41)
        out[4 * i + 3] = rng.binomial(50 + i % 2, 0.7)
    return out, rng.multinomial(20, np.array([0.2, 0.5, 0.3])), rng.binomial(7, 0.2, size=5)


@numba_skip("numba's Generator has no multinomial")
def test_generator_binomial_constants_follow_n_and_p():
    want = generator_binomials(np.random.default_rng(4), 300)
    got = jit(generator_binomials)(np.random.default_rng(4), 300)
    assert all(np.array_equal(g, w) for g, w in zip(got, want))


# ---------------------------------------------------------------- shuffle, permutation, choice

def shuffles(seed, a, b, c):
    np.random.seed(seed)
    np.random.shuffle(a)
    np.random.shuffle(b)
    np.random.shuffle(c)
    return np.random.permutation(10), np.random.permutation(b), np.random.permutation(0), np.random.random()


@pytest.mark.parametrize("seed", [0, 5, 2**31])
def test_shuffle_and_permutation(seed):
    a = np.arange(10.0)
    b = np.arange(24, dtype=np.int32).reshape(6, 4)
    c = np.arange(30).reshape(5, 6)[:, ::2]   # rows of a strided view
    check(shuffles, seed, a, b, c, rtol=0.0, atol=0.0)


def shuffle_1d(seed, a, b, c, d):
    np.random.seed(seed)
    for _ in range(3):
        np.random.shuffle(a)
    np.random.shuffle(b)
    np.random.shuffle(c)
    np.random.shuffle(d)
    return np.random.randint(0, 1000, 3)   # the stream goes on where the shuffles left it


@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 9, 16, 17, 129, 1000])
def test_shuffle_1d_items_and_strides(n):
    """1-d shuffles of 1, 2, 4, 8 and 16-byte items, contiguous and strided: lengths on both
    sides of a power of two, where the draws' mask changes."""
    a = np.arange(n, dtype=np.float64) * 1.5
    b = np.arange(n, dtype=np.int8)
    c = (np.arange(2 * n, dtype=np.int32) * 7)[::2]
    d = np.arange(n, dtype=np.int16) + np.zeros(n, np.complex128) + 1j * np.arange(n)
    check(shuffle_1d, 11, a, b, c, d, rtol=0.0, atol=0.0)
    e = np.arange(n, dtype=np.uint16)
    check(shuffle_1d, 3, e, e[::-1].copy(), np.arange(n) % 3 == 0, np.arange(n, dtype=np.float32),
          rtol=0.0, atol=0.0)


def randint_arrays(seed, n, lo, hi):
    np.random.seed(seed)
    return np.random.randint(lo, hi, n), np.random.randint(lo, hi), np.random.randint(lo, hi, (2, n))


@pytest.mark.parametrize("lo, hi", [(0, 1), (0, 2), (0, 4), (-5, 5), (0, 1000003), (7, 2**31), (0, 2**32),
                                    (0, 2**32 + 1), (-2**40, 2**40),
                                    pytest.param(-2**63, 2**63 - 1, marks=numba_skip("numba's randint overflows its range"))])
def test_randint_arrays(lo, hi):
    """Arrays of bounded draws (the masked rejection with 32-bit words up to a range of 2**32,
    64-bit words above): NumPy's numbers, and the stream continues with the scalar draw."""
    for n in (0, 1, 700, 1300):
        check(randint_arrays, 2, n, lo, hi, rtol=0.0, atol=0.0)


def shuffle_empty(seed, a, b):
    np.random.seed(seed)
    np.random.shuffle(a)   # no rows to move: NumPy draws nothing for either
    np.random.shuffle(b)
    return np.random.permutation(b), np.random.random()


def test_shuffle_empty():
    check(shuffle_empty, 4, np.zeros(0), np.zeros((3, 0)), rtol=0.0, atol=0.0)


def choices(seed, a, p):
    np.random.seed(seed)
    return (np.random.choice(10), np.random.choice(10, 5), np.random.choice(10, (2, 3), False),
            np.random.choice(4, 6, p=p), np.random.choice(4, 3, replace=False, p=p),
            np.random.choice(4, p=p), np.random.choice(a, 3), np.random.choice(a), np.random.choice(a, 4, False),
            np.random.choice(a, size=(2, 2), replace=True, p=None), np.random.choice(4, 4, False, p),
            np.random.random())


@pytest.mark.parametrize("seed", [0, 7, 2**32 - 2])
def test_choice(seed):
    p = np.array([0.1, 0.2, 0.3, 0.4])
    check(choices, seed, np.arange(5.0, 12.0), p, rtol=0.0, atol=0.0)
    check(choices, seed, np.arange(5, 12), np.array([0.0, 0.5, 0.25, 0.25]), rtol=0.0, atol=0.0)


def rows(seed, alpha, pvals, n):
    np.random.seed(seed)
    return (np.random.dirichlet(alpha), np.random.dirichlet(alpha, 3), np.random.dirichlet(alpha, (2, 2)),
            np.random.multinomial(n, pvals), np.random.multinomial(n, pvals, 4),
            np.random.multinomial(n, pvals, size=(1, 2)), np.random.random())


@pytest.mark.parametrize("seed", [0, 42])
def test_dirichlet_and_multinomial(seed):
    check(rows, seed, np.array([0.5, 1.0, 2.0]), np.array([0.2, 0.3, 0.5]), 20, rtol=0.0, atol=0.0)
    check(rows, seed, np.array([0.5]), np.zeros(0), 20, rtol=0.0, atol=0.0)
    check(rows, seed, np.array([3.0, 0.1]), np.array([0.6, 0.4, 0.0, 0.0]), 1000, rtol=0.0, atol=0.0)


def rows_of_lists(seed, n):
    np.random.seed(seed)
    return (np.random.multinomial(n, [0.5, 0.5]), np.random.multinomial(n, (0.25, 0.25, 0.5), 3),
            np.random.multinomial(n, [0, 1]), np.random.random())


def rows_of_a_passed_list(seed, pvals):
    np.random.seed(seed)
    return np.random.multinomial(30, pvals), np.random.multinomial(30, np.array([1, 1, 2]) / 4)


@pytest.mark.parametrize("seed", [0, 7])
def test_multinomial_of_lists_and_other_dtypes(seed):
    """pvals given as a list or tuple of numbers (numba takes a list), or an int array: as
    np.array(pvals, np.float64), NumPy's conversion."""
    check(rows_of_lists, seed, 12, rtol=0.0, atol=0.0)
    check(rows_of_a_passed_list, seed, [0.2, 0.8], rtol=0.0, atol=0.0)

def gen_rows(rng, alpha, pvals, n):
    return (rng.dirichlet(alpha), rng.dirichlet(alpha, 3), rng.dirichlet(alpha, (2, 2)), rng.multinomial(n, pvals),
            rng.multinomial(n, pvals, 4), rng.multinomial(n, pvals, size=(1, 2)), rng.random())


@pytest.mark.parametrize("alpha", [[0.5, 1.0, 2.0], [0.05, 0.02, 0.08], [0.0, 0.0], [0.05, 0.0, 0.0], [3.0]])
def test_generator_dirichlet_and_multinomial(alpha):
    args = (np.array(alpha), np.array([0.2, 0.3, 0.5]), 1000)
    same(jit(gen_rows)(np.random.default_rng(5), *args), gen_rows(np.random.default_rng(5), *args))


def gen_shuffles(rng, a, b):
    rng.shuffle(a)
    rng.shuffle(b)
    return a, b, rng.permutation(9), rng.permutation(b), rng.random()


def gen_choices(rng, a, p, big):
    return (rng.choice(10), rng.choice(10, 5), rng.choice(10, (2, 3), False), rng.choice(4, 6, p=p),
            rng.choice(4, 3, replace=False, p=p), rng.choice(a, 3), rng.choice(a), rng.choice(a, 4, False),
            rng.choice(a, 5, False, shuffle=False), rng.choice(big, 400, False), rng.choice(big, 30, False),
            rng.choice(big, 300, False, shuffle=False), rng.choice(big, 3, axis=0), rng.random())


@pytest.mark.parametrize("seed", [0, 7])
def test_generator_choice(seed):
    args = (np.arange(5.0, 12.0), np.array([0.1, 0.2, 0.3, 0.4]), 12000)
    same(jit(gen_choices)(np.random.default_rng(seed), *args), gen_choices(np.random.default_rng(seed), *args))


def test_generator_shuffle_and_permutation():
    f = gen_shuffles
    args = lambda: (np.arange(11), np.arange(12.0).reshape(4, 3))   # noqa: E731
    same(jit(f)(np.random.default_rng(3), *args()), f(np.random.default_rng(3), *args()))


# ---------------------------------------------------------------- bad parameters: NumPy's errors

NAN = float("nan")
BAD = [
    ("exponential", (-1.0,)), ("exponential", (-0.0,)), ("standard_gamma", (-1.0,)), ("gamma", (2.0, -1.0)),
    ("gamma", (-2.0, 1.0)), ("beta", (0.0, 1.0)), ("beta", (1.0, -1.0)), ("chisquare", (0.0,)),
    ("noncentral_chisquare", (1.0, -1.0)), ("f", (1.0, 0.0)), ("noncentral_f", (1.0, 2.0, -1.0)),
    ("laplace", (0.0, -1.0)), ("gumbel", (0.0, -2.0)), ("logistic", (0.0, -2.0)), ("lognormal", (0.0, -1.0)),
    ("pareto", (0.0,)), ("power", (-1.0,)), ("weibull", (-1.0,)), ("rayleigh", (-1.0,)), ("standard_t", (0.0,)),
    ("triangular", (2.0, 1.0, 3.0)), ("triangular", (0.0, 4.0, 3.0)), ("triangular", (1.0, 1.0, 1.0)),
    ("vonmises", (0.0, -1.0)), ("wald", (0.0, 1.0)), ("wald", (1.0, -1.0)), ("poisson", (-1.0,)),
    ("poisson", (1e300,)), ("poisson", (NAN,)), ("binomial", (10, 1.5)), ("binomial", (-1, 0.5)),
    ("binomial", (10, NAN)), ("negative_binomial", (0.0, 0.5)), ("negative_binomial", (1.0, 1.5)),
    ("negative_binomial", (NAN, 0.5)), ("negative_binomial", (1e300, 0.5)), ("negative_binomial", (1.0, 0.0)),
    ("geometric", (0.0,)), ("geometric", (1.5,)), ("hypergeometric", (1, 2, 5)), ("hypergeometric", (-1, 5, 2)),
    ("hypergeometric", (1, -5, 2)), ("hypergeometric", (1, 5, 0)), ("hypergeometric", (10**9, 1, 5)),
    ("hypergeometric", (5, 5, -1)), ("logseries", (1.0,)), ("logseries", (-0.1,)), ("zipf", (1.0,)),
    ("zipf", (NAN,)),
]


def same_outcome(f, make_args):
    """NumPy's ValueError and message when NumPy raises one, else NumPy's numbers."""
    try:
        want = f(*make_args())
    except ValueError as e:
        with pytest.raises(ValueError, match="^" + re.escape(str(e)) + "$"):
            jit(f)(*make_args())
        return
    same(jit(f)(*make_args()), want)


@pytest.mark.parametrize("name", sorted({name for name, _ in BAD}))
def test_bad_parameters_raise_numpys_errors(name):
    for params in [params for n, params in BAD if n == name]:
        same_outcome(draws_fn(name, len(params), True), lambda: (0, *params))
        if name not in ("exponential",):   # the Generator's own: tests/test_generator.py
            same_outcome(draws_fn(name, len(params), False), lambda: (np.random.default_rng(0), *params))


RNG = np.random.default_rng(0)   # the bad calls raise before they draw


def choice_int(a, n, replace):
    return np.random.choice(a, n, replace)


def choice_p(a, n, replace, p):
    return np.random.choice(a, n, replace, p)


def choice_one(a):
    return np.random.choice(a)


def gen_choice_one(rng, a):
    return rng.choice(a)


def gen_choice_p(rng, a, n, replace, p):
    return rng.choice(a, n, replace, p)


def gen_dirichlet(rng, alpha):
    return rng.dirichlet(alpha)


def gen_multinomial(rng, n, pvals):
    return rng.multinomial(n, pvals)


def dirichlet(alpha):
    return np.random.dirichlet(alpha)


def multinomial(n, pvals):
    return np.random.multinomial(n, pvals)


@pytest.mark.parametrize("f, args", [
    (choice_one, (0,)), (choice_int, (-3, 2, True)), (choice_int, (3, 4, False)), (choice_one, (np.zeros(0),)),
    (choice_p, (3, 1, True, np.array([0.5, 0.5]))), (choice_p, (2, 1, True, np.array([0.5, 0.6]))),
    (choice_p, (2, 1, True, np.array([1.5, -0.5]))), (choice_p, (2, 1, True, np.array([np.nan, 0.5]))),
    (choice_p, (3, 2, False, np.array([1.0, 0.0, 0.0]))), (dirichlet, (np.array([1.0, 0.0]),)),
    (multinomial, (5, np.array([0.7, 0.7, 0.1]))), (multinomial, (5, np.array([1.2, -0.2]))),
    (multinomial, (-1, np.array([0.5, 0.5]))), (gen_choice_one, (RNG, 0)), (gen_choice_one, (RNG, np.zeros(0))),
    (gen_choice_p, (RNG, 3, 4, False, None)), (gen_choice_p, (RNG, 3, 1, True, np.array([0.5, 0.5]))),
    (gen_choice_p, (RNG, 2, 1, True, np.array([0.5, 0.6]))), (gen_choice_p, (RNG, 2, 1, True, np.array([1.5, -0.5]))),
    (gen_choice_p, (RNG, 2, 1, True, np.array([np.nan, 0.5]))), (gen_dirichlet, (RNG, np.array([1.0, -0.5]))),
    (gen_multinomial, (RNG, 5, np.zeros(0))), (gen_multinomial, (RNG, 5, np.array([0.7, 0.7, 0.1]))),
    (gen_multinomial, (RNG, -2, np.array([0.5, 0.5]))),
])
def test_bad_arrays_raise_numpys_errors(f, args):
    with pytest.raises(ValueError) as want:
        f(*args)
    with pytest.raises(ValueError, match="^" + re.escape(str(want.value)) + "$"):
        jit(f)(*args)


# ---------------------------------------------------------------- array parameters broadcast

def broadcast_fn(name, nparams, legacy, forms):
    """f(seed or rng, p..., r..., s...): draws of <name> in sequence, a normal between them; forms
    from: a, every parameter an array p; b, the same with size=; c, the first parameter an array r
    and the rest scalars s; d, the arrays as keywords with a 3-d size."""
    ps = "".join(f"p{i}, " for i in range(nparams))
    rs = "r0, " + "".join(f"s{i}, " for i in range(1, nparams))
    kw = "".join(f"{n}=p{i}, " for i, n in enumerate(broadcast_names[name]))
    mod = "np.random" if legacy else "rng"
    calls = {"a": f"{mod}.{name}({ps})", "b": f"{mod}.{name}({ps}size=(2, p0.shape[0]))",
             "c": f"{mod}.{name}({rs})", "d": f"{mod}.{name}({kw}size=(1, 3, p0.shape[0]))"}
    src = (f"def f({'seed' if legacy else 'rng'}, {ps}{rs}):\n"
           + ("    np.random.seed(seed)\n" if legacy else "")
           + "".join(f"    {form} = {calls[form]}\n    z{form} = {mod}.normal()\n" for form in forms)
           + f"    return {''.join(f'{form}, z{form}, ' for form in forms)}{mod}.random()\n")
    ns = {"np": np}
    exec(src, ns)
    return ns["f"]


broadcast_names = {
    "normal": ("loc", "scale"), "uniform": ("low", "high"), "exponential": ("scale",), "standard_gamma": ("shape",),
    "gamma": ("shape", "scale"), "beta": ("a", "b"), "chisquare": ("df",), "noncentral_chisquare": ("df", "nonc"),
    "f": ("dfnum", "dfden"), "noncentral_f": ("dfnum", "dfden", "nonc"), "laplace": ("loc", "scale"),
    "logistic": ("loc", "scale"), "gumbel": ("loc", "scale"), "lognormal": ("mean", "sigma"), "pareto": ("a",),
    "power": ("a",), "weibull": ("a",), "rayleigh": ("scale",), "standard_t": ("df",),
    "triangular": ("left", "mode", "right"), "vonmises": ("mu", "kappa"), "wald": ("mean", "scale"),
    "poisson": ("lam",), "binomial": ("n", "p"), "negative_binomial": ("n", "p"), "geometric": ("p",),
    "hypergeometric": ("ngood", "nbad", "nsample"), "logseries": ("p",), "zipf": ("a",),
}
BROADCAST_DISTS = dict(DISTS, normal=[(0.0, 1.0), (-3.0, 0.5), (2.0, 0.0)], uniform=[(0.0, 1.0), (-2.0, 5.0), (3.0, 3.0)])


def broadcast_args(name, strided):
    """Each parameter as the array of its values in every set (element j from set j, so every
    element is a valid set; ints stay ints), strided views when asked; then the first parameter
    as an array of its first value, and the other parameters' first values as scalars."""
    sets = BROADCAST_DISTS[name]
    cols = [np.array([s[i] for s in sets]) for i in range(len(sets[0]))]
    if strided:
        cols = [np.repeat(c, 2)[::2] for c in cols]
    return (*cols, np.full(3, sets[0][0]), *sets[0][1:])


@pytest.mark.parametrize("name", sorted(broadcast_names))
def test_array_parameters_broadcast_as_numpys(name):
    # every distribution in one form (each form compiles a function of its own: seconds)
    check(broadcast_fn(name, len(broadcast_names[name]), True, "b"), 7, *broadcast_args(name, False), rtol=0.0, atol=0.0)


@pytest.mark.parametrize("name", ["normal", "binomial", "hypergeometric"])
def test_array_parameter_forms_as_numpys(name):
    nparams = len(broadcast_names[name])
    check(broadcast_fn(name, nparams, True, "acd"), 7, *broadcast_args(name, True), rtol=0.0, atol=0.0)
    f = broadcast_fn(name, nparams, False, "abcd")
    args = broadcast_args(name, name == "binomial")
    for bitgen in (np.random.PCG64, np.random.MT19937):
        same(jit(f)(np.random.Generator(bitgen(7)), *args), f(np.random.Generator(bitgen(7)), *args))


def broadcast_2d(seed, mu, sigma, lam, n, p):
    np.random.seed(seed)
    return (np.random.normal(mu, sigma), np.random.normal(mu[:, :1], sigma[0]), np.random.uniform(mu, mu.T[0]),
            np.random.poisson(lam), np.random.binomial(n, p), np.random.binomial(n[:, None], p, size=(2, 3, 3)),
            np.random.random())


def test_array_parameters_2d_f_order_and_empty():
    mu = np.asfortranarray(np.arange(9.0).reshape(3, 3))
    check(broadcast_2d, 3, mu, np.full((1, 3), 0.5), np.array([[1, 4], [9, 16]]), np.arange(3), np.array([0.2, 0.5, 0.9]),
          rtol=0.0, atol=0.0)
    check(broadcast_2d, 3, np.zeros((0, 3)), np.ones(3), np.zeros(0), np.arange(3), np.array([0.2, 0.5, 0.9]),
          rtol=0.0, atol=0.0)


def normal_arrays(seed, mu, sigma, size):
    np.random.seed(seed)
    try:
        return np.random.normal(mu, sigma, size).ravel(), 0.0
    except ValueError:
        return np.zeros(0), np.random.random()   # NumPy checked before it drew: the stream is where it was


def gen_binomial_arrays(rng, n, p):
    return rng.binomial(n, p), rng.random()


def test_bad_array_parameters_raise_before_drawing():
    mu, sigma = np.zeros(3), np.array([1.0, -1.0, 2.0])
    check(normal_arrays, 1, mu, sigma, None, rtol=0.0, atol=0.0)   # scale < 0
    check(normal_arrays, 1, mu, np.ones(2), None, rtol=0.0, atol=0.0)   # shapes that do not broadcast
    check(normal_arrays, 1, mu, np.ones(3), 2, rtol=0.0, atol=0.0)   # size smaller than the broadcast
    check(normal_arrays, 1, mu, np.ones(3), (2, 2), rtol=0.0, atol=0.0)
    check(normal_arrays, 1, np.zeros((2, 3)), np.ones(3), 3, rtol=0.0, atol=0.0)
    for n, p in ((np.array([5, -1]), 0.5), (np.array([5, 6]), np.array([0.5, 1.5]))):
        same_outcome(gen_binomial_arrays, lambda: (np.random.default_rng(0), n, p))


def binomial_float_n(seed, n):
    np.random.seed(seed)
    return np.random.binomial(n, 0.5, 4), np.random.binomial(n=n, p=0.25), np.random.hypergeometric(n, 3.0, 2.5)


@pytest.mark.parametrize("n", [10.7, 3.0, -0.5, 0.0, float("nan"), float("inf"), 1e30])
def test_binomial_float_n_truncates_as_numpy(n):
    check(binomial_float_n, 2, n, rtol=0.0, atol=0.0)


def binomial_array_n(n):
    return np.random.binomial(n, 0.5)


def test_binomial_float_array_n_is_a_located_error():
    with pytest.raises(Exception, match=r"(?s)cannot cast array data from dtype\('float64'\).*binomial\(n, 0.5\)"):
        jit(binomial_array_n)(np.ones(3))


def shuffle_it(a):
    np.random.shuffle(a)


def gen_shuffle_it(rng, a):
    rng.shuffle(a)


def test_shuffle_of_a_read_only_array_raises_at_run_time():
    a = np.arange(4.0)
    a.flags.writeable = False
    check(shuffle_it, a)
    with pytest.raises(ValueError, match="^array is read-only$"):
        jit(gen_shuffle_it)(np.random.default_rng(0), a)


# ---------------------------------------------------------------- multivariate_normal

def mvn(seed, mean, cov):
    np.random.seed(seed)
    return (np.random.multivariate_normal(mean, cov), np.random.multivariate_normal(mean, cov, 4),
            np.random.multivariate_normal(mean, cov, size=(2, 3), check_valid="raise"),
            np.random.multivariate_normal(mean, cov, 2, "ignore", 1e-6), np.random.random())


@pytest.mark.parametrize("n", [1, 2, 3, 5])
def test_multivariate_normal_same_numbers_as_numpy(n):
    rng = np.random.default_rng(n)
    a = rng.standard_normal((n, n))
    cov = a @ a.T + np.eye(n)
    check(mvn, 11, rng.standard_normal(n), cov, rtol=0.0, atol=0.0)
    check(mvn, 11, np.arange(n), np.asfortranarray(cov.astype(np.float32)), rtol=0.0, atol=0.0)
    check(mvn, 11, np.repeat(rng.standard_normal(n), 2)[::2], np.diag(np.arange(1, n + 1)), rtol=0.0, atol=0.0)


def mvn_check(mean, cov, how):
    np.random.seed(0)
    if how == 0:
        return np.random.multivariate_normal(mean, cov, 1, check_valid="raise")
    return np.random.multivariate_normal(mean, cov, 3, check_valid="ignore")


@pytest.mark.parametrize("mean, cov", [
    (np.zeros(2), np.zeros((2, 3))), (np.zeros(3), np.eye(2)), (np.zeros(2), -np.eye(2)), (np.zeros(0), np.zeros((0, 0))),
    (np.zeros(2), np.array([[1.0, 2.0], [0.0, 1.0]])),
])
def test_multivariate_normal_bad_arguments(mean, cov):
    for how in (0, 1):
        check(mvn_check, mean, cov, how)


def mvn_bad_check_valid(mean, cov):
    return np.random.multivariate_normal(mean, cov, check_valid="often")


def mvn_2d_mean(mean, cov):
    return np.random.multivariate_normal(mean, cov)


def test_multivariate_normal_bad_forms():
    check(mvn_bad_check_valid, np.zeros(2), np.eye(2))
    check(mvn_2d_mean, np.zeros((1, 2)), np.eye(2))
    check(mvn_2d_mean, np.zeros(2), np.ones(2))


# ---------------------------------------------------------------- array parameters: one runtime fill
# (ember._rdist.fill: every element checked, then drawn, from broadcast views; no other allocation)

@pytest.mark.parametrize("name", sorted(broadcast_names))
def test_generator_array_parameters_as_numpys(name):
    f = broadcast_fn(name, len(broadcast_names[name]), False, "bc")
    args = broadcast_args(name, True)
    same(jit(f)(np.random.Generator(np.random.PCG64(5)), *args), f(np.random.Generator(np.random.PCG64(5)), *args))


def mixed_dtypes(seed, mu32, lam32, n8, p32, lo, hi16, shape, scale2):
    np.random.seed(seed)
    return (np.random.normal(mu32, 2.0), np.random.poisson(lam32), np.random.binomial(n8, p32),
            np.random.uniform(lo, hi16), np.random.gamma(shape[::-2], scale2), np.random.normal(mu32[::-1], scale2),
            np.random.laplace(lo, p32, size=(2, 3)), np.random.random())


def gen_mixed_dtypes(rng, mu32, lam32, n8, p32, lo, hi16, shape, scale2):
    return (rng.normal(mu32, 2.0), rng.poisson(lam32), rng.binomial(n8, p32), rng.uniform(lo, hi16),
            rng.gamma(shape[::-2], scale2), rng.normal(mu32[::-1], scale2), rng.laplace(lo, p32, size=(2, 3)),
            rng.random())


def test_array_parameters_of_every_dtype_and_views():
    # float32, int32, uint8, bool and int16 parameters read as NumPy reads them; reversed and
    # strided views; a 2-d broadcast of two 1-d arrays
    args = (np.array([0.5, -1.25, 3.0], np.float32), np.array([1, 4, 30], np.int32), np.array([5, 0, 200], np.uint8),
            np.array([0.25, 0.5, 0.875], np.float32), np.array([True, False, True]), np.array([3, 2, 9], np.int16),
            np.array([0.5, 9.0, 1.0, 7.0, 2.5, 3.0]), np.array([[1.0], [0.5]]))
    check(mixed_dtypes, 4, *args, rtol=0.0, atol=0.0)
    same(jit(gen_mixed_dtypes)(np.random.default_rng(4), *args), gen_mixed_dtypes(np.random.default_rng(4), *args))


def bad_array_fn(name, nparams, legacy, catch):
    """f(seed or rng, p...): <name> of arrays p; catch: NumPy's ValueError caught, then the next
    draw (the stream is where it was: NumPy checks every element before it draws)."""
    ps = ", ".join(f"p{i}" for i in range(nparams))
    mod = "np.random" if legacy else "rng"
    call = f"{mod}.{name}({ps})"
    body = (f"    try:\n        return {call}.sum() * 0.0, 0.0\n    except ValueError:\n        return 1.0, {mod}.random()\n"
            if catch else f"    return {call}\n")
    src = (f"def f({'seed' if legacy else 'rng'}, {ps}):\n" + ("    np.random.seed(seed)\n" if legacy else "") + body)
    ns = {"np": np}
    exec(src, ns)
    return ns["f"]


@pytest.mark.parametrize("name", sorted({name for name, _ in BAD}))
def test_bad_array_parameters_raise_numpys_errors(name):
    # each parameter an array whose first element is a good set and whose last is the bad one
    for bad in [params for n, params in BAD if n == name]:
        good = BROADCAST_DISTS[name][0]
        arrays = [np.array([g, b]) for g, b in zip(good, bad)]
        same_outcome(bad_array_fn(name, len(bad), True, False), lambda: (0, *arrays))
        same_outcome(bad_array_fn(name, len(bad), False, False), lambda: (np.random.default_rng(0), *arrays))
    arrays = [np.array([g, b]) for g, b in zip(BROADCAST_DISTS[name][0], [p for n, p in BAD if n == name][0])]
    check(bad_array_fn(name, len(arrays), True, True), 3, *arrays, rtol=0.0, atol=0.0)


def uniform_arrays(seed, lo, hi):
    np.random.seed(seed)
    try:
        return np.random.uniform(lo, hi), 0.0
    except OverflowError:
        return np.zeros(0), np.random.random()


def test_uniform_array_range_overflow_before_drawing():
    check(uniform_arrays, 2, np.array([0.0, -1e308]), np.array([1.0, 1e308]), rtol=0.0, atol=0.0)
    check(uniform_arrays, 2, np.array([0.0, np.nan]), 1.0, rtol=0.0, atol=0.0)
    with pytest.raises(OverflowError, match="^high - low range exceeds valid bounds$"):
        jit(lambda rng, lo: rng.uniform(lo, 1.0))(np.random.default_rng(0), np.array([0.0, -np.inf]))


@pytest.mark.skipif(ON_NUMBA, reason="counts ember's runtime blocks")
def test_array_parameter_draws_allocate_only_the_result():
    from ember import _ember
    f = jit(lambda mu, s: np.random.normal(mu, s))
    g = jit(lambda rng, lo, hi: rng.uniform(lo, hi[:, None]))
    rng = np.random.default_rng(0)
    args_f, args_g = (np.zeros(1000), 1.0), (rng, np.zeros(30), np.ones(20))
    f(*args_f)
    g(*args_g)
    allocs = _ember.rt_stats()["allocs"]
    f(*args_f)
    g(*args_g)
    assert _ember.rt_stats()["allocs"] - allocs == 2   # the two results
