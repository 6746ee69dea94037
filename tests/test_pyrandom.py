"""Python's random module in compiled code: random.seed(n) seeds the thread's random-module
generator as np.random.seed(n) seeds NumPy's (Numba's choice), and every draw is CPython's
algorithm on that generator's words. So the reference is CPython's own random.Random put into
the state np.random.RandomState(n) starts from (setstate): random, getrandbits, randrange,
randint, uniform, choice, shuffle and the distributions must give its numbers exactly. gauss and
normalvariate are the polar method of NumPy's legacy normal (as Numba's), so their reference is
RandomState(n).standard_normal. The module's state in the interpreter is never touched."""

import math
import random

import numpy as np
import pytest

from difftest import errors, impl, jit, numba_skip, numba_xfail
from difftest import no_leaks  # noqa: F401  (autouse: every test frees what it allocates)

prange = impl.prange


def synced(seed):
    """CPython's Random in the state np.random.seed(seed) leaves."""
    st = np.random.RandomState(seed).get_state()
    r = random.Random()
    r.setstate((3, tuple(int(x) for x in st[1]) + (int(st[2]),), None))
    return r


def draws(s):
    random.seed(s)
    return (random.random(), random.random(), random.getrandbits(1), random.getrandbits(7),
            random.getrandbits(32), random.getrandbits(33), random.getrandbits(64), random.randrange(10),
            random.randrange(3, 100), random.randrange(3, 100, 7), random.randrange(100, -50, -3),
            random.randint(1, 6), random.randint(-5, -5),
            random.uniform(2, 3), random.uniform(-1.5, 8.25))


def reference_draws(r):
    return (r.random(), r.random(), r.getrandbits(1), r.getrandbits(7), r.getrandbits(32), r.getrandbits(33),
            r.getrandbits(64), r.randrange(10), r.randrange(3, 100), r.randrange(3, 100, 7),
            r.randrange(100, -50, -3), r.randint(1, 6), r.randint(-5, -5),
            r.uniform(2, 3), r.uniform(-1.5, 8.25))


@pytest.mark.parametrize("seed", [0, 1, 42, 2**32 - 1, 123456789])
def test_draws_are_cpythons_on_the_seeded_state(seed):
    assert jit(draws)(seed) == reference_draws(synced(seed))


def wide(s):
    random.seed(s)
    return random.randrange(-(2**62), 2**62), random.randrange(2**63 - 1), random.getrandbits(64)


@numba_xfail("its randrange overflows on a range wider than 2**63, its getrandbits refuses 64")
def test_ranges_wider_than_int64_holds():
    assert jit(wide)(8) == (lambda r: (r.randrange(-(2**62), 2**62), r.randrange(2**63 - 1), r.getrandbits(64)))(synced(8))


def test_seed_keeps_the_low_32_bits():
    f = jit(draws)
    assert f(2**32 + 5) == f(5)
    assert f(-1) == f(2**32 - 1)


def many(s, n):
    random.seed(s)
    out = np.empty(n)
    for i in range(n):
        out[i] = random.random() if i % 3 else random.randrange(1000) + random.getrandbits(5)
    return out


def test_a_long_stream_crosses_the_twist():
    r = synced(9)
    ref = [r.random() if i % 3 else r.randrange(1000) + r.getrandbits(5) for i in range(2000)]
    assert list(jit(many)(9, 2000)) == ref


def gauss_draws(s):
    random.seed(s)
    return (random.gauss(0.0, 1.0), random.gauss(1.0, 2.0), random.normalvariate(0, 1), random.gauss(5.0, 0.0),
            random.normalvariate(mu=-3.0, sigma=0.5), random.random())


def test_gauss_is_the_polar_method_with_its_cached_pair():
    got = jit(gauss_draws)(11)
    rs = np.random.RandomState(11)
    z = rs.standard_normal(5)
    assert got[:5] == (z[0], 1.0 + 2.0 * z[1], z[2], 5.0, -3.0 + 0.5 * z[4])
    assert got[5] == rs.random_sample()


def gauss_defaults(s):
    random.seed(s)
    return random.gauss(), random.normalvariate(), random.gauss(sigma=2.0)


@numba_xfail("its gauss and normalvariate have no defaults (Python 3.11's mu=0.0, sigma=1.0)")
def test_gauss_defaults():
    z = np.random.RandomState(12).standard_normal(3)
    assert jit(gauss_defaults)(12) == (z[0], z[1], 2.0 * z[2])


def distributions(s):
    random.seed(s)
    return (random.triangular(), random.triangular(1.0, 5.0, 2.0), random.triangular(1, 5),
            random.triangular(2.0, 2.0, 2.0), random.expovariate(2.0), random.gammavariate(2.5, 1.5),
            random.gammavariate(1.0, 1.5), random.gammavariate(0.5, 2.0), random.betavariate(2.0, 3.0),
            random.betavariate(0.3, 0.4), random.paretovariate(3.0), random.weibullvariate(1.0, 2.0),
            random.vonmisesvariate(1.0, 4.0), random.vonmisesvariate(1.0, 0.0), random.random())


def reference_distributions(r):
    return (r.triangular(), r.triangular(1.0, 5.0, 2.0), r.triangular(1, 5), r.triangular(2.0, 2.0, 2.0),
            r.expovariate(2.0), r.gammavariate(2.5, 1.5), r.gammavariate(1.0, 1.5), r.gammavariate(0.5, 2.0),
            r.betavariate(2.0, 3.0), r.betavariate(0.3, 0.4), r.paretovariate(3.0), r.weibullvariate(1.0, 2.0),
            r.vonmisesvariate(1.0, 4.0), r.vonmisesvariate(1.0, 0.0), r.random())


@numba_skip("numba's paretovariate computes 1 / u ** (1 / alpha), CPython's u ** (-1 / alpha)")
@pytest.mark.parametrize("seed", [3, 7, 2024])
def test_distributions_follow_cpython(seed):
    assert jit(distributions)(seed) == reference_distributions(synced(seed))


def lognormal(s):
    random.seed(s)
    return random.lognormvariate(0.5, 0.25)


def test_lognormvariate_is_exp_of_gauss():
    assert jit(lognormal)(5) == math.exp(0.5 + 0.25 * np.random.RandomState(5).standard_normal())


def shuffles(s, a, items):
    random.seed(s)
    random.shuffle(a)
    random.shuffle(items)
    return random.choice(a), random.choice(items), random.choice((10, 20, 30))


@numba_skip("numba has no random.choice, nor random.shuffle of a list")
def test_shuffle_and_choice():
    a, items = np.arange(10.0), list(range(8))
    got = jit(shuffles)(3, a, items)
    r = synced(3)
    ra, ritems = list(np.arange(10.0)), list(range(8))
    r.shuffle(ra)
    r.shuffle(ritems)
    assert got == (r.choice(ra), r.choice(ritems), r.choice((10, 20, 30)))
    assert list(a) == ra and items == ritems


def shuffle_rows(s, b):
    random.seed(s)
    random.shuffle(b)


def test_shuffle_moves_whole_rows():
    b = np.arange(15.0).reshape(5, 3)
    jit(shuffle_rows)(4, b)
    order = list(range(5))
    synced(4).shuffle(order)
    assert (b == np.arange(15.0).reshape(5, 3)[order]).all()


def unseeded():
    return random.random(), random.randrange(1 << 40)


def test_unseeded_draws_differ_and_the_interpreters_state_is_untouched():
    f = jit(unseeded)
    before = random.getstate()
    a, b = f(), f()
    assert a != b and 0.0 <= a[0] < 1.0 and 0 <= a[1] < 1 << 40
    assert random.getstate() == before


def seed_then_compare(s):
    random.seed(s)
    x = random.random()
    random.seed(s)
    return x == random.random()


def test_seeding_again_repeats():
    assert jit(seed_then_compare)(77)


def randrange_args(a, b, c):
    return random.randrange(a, b, c)


def randint_args(a, b):
    return random.randint(a, b)


def getrandbits_arg(k):
    return random.getrandbits(k)


def choose_from(items):
    return random.choice(items)


def gamma_args(a, b):
    return random.gammavariate(a, b)


@numba_skip("numba does not check these (a zero step divides by zero)")
@pytest.mark.parametrize("fn, args, exc, msg", [
    (randrange_args, (0, 10, 0), ValueError, "zero step for randrange()"),
    (randrange_args, (5, 5, 1), ValueError, "empty range for randrange()"),
    (randrange_args, (0, 10, -1), ValueError, "empty range for randrange()"),
    (randint_args, (3, 1), ValueError, "empty range for randrange()"),
    (getrandbits_arg, (-1,), ValueError, "number of bits must be non-negative"),
    (getrandbits_arg, (65,), OverflowError, "getrandbits() limited to 64 bits in compiled code"),
    (gamma_args, (-1.0, 1.0), ValueError, "gammavariate: alpha and beta must be > 0.0"),
    (choose_from, (np.zeros(0),), IndexError, "Cannot choose from an empty sequence"),
])
def test_bad_arguments_raise_pythons_errors(fn, args, exc, msg):
    with pytest.raises(exc, match=msg.replace("(", r"\(").replace(")", r"\)")):
        jit(fn)(*args)


@numba_xfail("its getrandbits refuses 0 and 64")
def test_getrandbits_edges():
    f = jit(getrandbits_arg)
    assert f(0) == 0
    assert 0 <= f(64) < 2**64


def full_range():
    return random.randint(-(2**63), 2**63 - 1)


@numba_xfail("its randrange overflows on a range wider than 2**63")
def test_randint_over_all_of_int64():
    assert -(2**63) <= jit(full_range)() < 2**63


def bad_seed():
    random.seed(1.5)


def test_a_float_seed_is_a_located_typing_error():
    with pytest.raises(errors.TypingError, match="random.seed|seed"):
        jit(bad_seed)()


def per_element(n):
    out = np.empty(n)
    for i in prange(n):
        out[i] = random.random()
    return out


def test_prange_threads_draw_from_their_own_generators():
    out = jit(per_element, parallel=True)(20000)
    assert ((out >= 0.0) & (out < 1.0)).all() and len(set(out.tolist())) == 20000
