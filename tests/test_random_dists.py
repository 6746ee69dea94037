"""np.random's distributions, choice, shuffle, permutation, dirichlet and multinomial in compiled
code: NumPy's legacy RandomState numbers for the same np.random.seed, bit for bit, with the
stream aligned across calls (the cached second normal included); the same distributions as
methods of a Generator argument, with the Generator's numbers; NumPy's ValueError for bad
parameters."""

import functools
import re

import numpy as np
import pytest

from difftest import check, jit, no_leaks  # noqa: F401

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


def test_array_parameters_are_a_located_diagnostic():
    def f(a):
        return np.random.gamma(a)

    with pytest.raises(Exception, match=r"(?s)array parameters are not broadcast.*np.random.gamma\(a\)"):
        jit(f)(np.ones(3))
