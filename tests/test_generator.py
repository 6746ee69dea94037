"""np.random.Generator arguments: the same numbers NumPy's Generator draws for the same state,
and the caller's generator advances."""

import numpy as np
import pytest

from difftest import ON_NUMBA, errors, impl, jit, no_leaks  # noqa: F401


def draws(rng, n):
    return (rng.random(), rng.random(n), rng.standard_normal(), rng.standard_normal((2, n)),
            rng.normal(), rng.normal(2.0, 3.0, n), rng.normal(loc=-1.0, scale=0.5, size=(n, 2)),
            rng.uniform(), rng.uniform(-1.0, 5.0, n), rng.uniform(high=3.0, low=2.0),
            rng.exponential(), rng.exponential(2.0, n), rng.standard_exponential(n),
            rng.integers(10), rng.integers(10, size=n), rng.integers(-5, 5, n, endpoint=True),
            rng.integers(0, 2 ** 40), rng.integers(-(2 ** 62), 2 ** 62, size=n), rng.integers(3, 4, size=n))


@pytest.mark.parametrize("bitgen", [np.random.PCG64, np.random.Philox, np.random.SFC64, np.random.MT19937])
@pytest.mark.parametrize("n", [0, 1, 7])
def test_same_draws_as_numpy(bitgen, n):
    f = jit(draws)
    a, b = np.random.Generator(bitgen(12345)), np.random.Generator(bitgen(12345))
    got, want = f(a, n), draws(b, n)
    assert len(got) == len(want)
    for g, w in zip(got, want):
        assert np.asarray(g).dtype == np.asarray(w).dtype and np.array_equal(g, w), (g, w)
    assert a.random() == b.random()   # the state advanced in the caller's object


def test_in_a_loop_and_a_callee():
    @impl.njit
    def walk(rng, n):
        x = 0.0
        for _ in range(n):
            x += rng.normal()
        return x

    @impl.njit
    def twice(rng, n):
        return walk(rng, n) + walk(rng, n)

    a, b = np.random.default_rng(7), np.random.default_rng(7)
    assert twice(a, 1000) == sum(b.normal() for _ in range(1000)) + sum(b.normal() for _ in range(1000))


@pytest.mark.parametrize("bitgen", [np.random.PCG64, np.random.MT19937])
def test_many_normals_every_path_of_the_ziggurat(bitgen):
    # 3*10**5 normals take the inline fast path ~99% of the time; the rest are the wedge and
    # the tail (layer 0: ~80 of them), which the runtime finishes from the same word.
    @impl.njit
    def scalars(rng, n, loc, scale):
        out = np.empty(n)
        for i in range(n):
            out[i] = rng.normal(loc, scale) if i % 3 else rng.standard_normal()
        return out

    @impl.njit
    def exponentials(rng, n, scale):
        out = np.empty(n)
        for i in range(n):
            out[i] = rng.exponential(scale) if i % 2 else rng.standard_exponential()
        return out

    @impl.njit
    def arrays(rng, n):
        return (rng.standard_normal(n), rng.normal(-2.0, 0.25, (n // 2, 2)), rng.standard_exponential(n),
                rng.exponential(3.0, n), rng.random())

    n = 3 * 10 ** 5
    a, b = np.random.Generator(bitgen(2024)), np.random.Generator(bitgen(2024))
    want = np.array([b.normal(1.5, 2.0) if i % 3 else b.standard_normal() for i in range(n)])
    assert np.array_equal(scalars(a, n, 1.5, 2.0), want)
    assert np.abs(want).max() > 3.7   # the tail (beyond the ziggurat's r = 3.654) was drawn
    want = np.array([b.exponential(0.5) if i % 2 else b.standard_exponential() for i in range(n)])
    assert np.array_equal(exponentials(a, n, 0.5), want)
    got = arrays(a, n)
    assert np.array_equal(got[0], b.standard_normal(n))
    assert np.array_equal(got[1], b.normal(-2.0, 0.25, (n // 2, 2)))
    assert np.array_equal(got[2], b.standard_exponential(n))
    assert np.array_equal(got[3], b.exponential(3.0, n))
    assert got[4] == b.random()
    assert got[2].max() > 7.7   # the exponential's tail (beyond r = 7.697)


@pytest.mark.parametrize("call, exc, msg", [
    ("rng.integers(5, 5)", ValueError, "low >= high"),
    ("rng.integers(5, 4, endpoint=True)", ValueError, "low > high"),
    ("rng.normal(0.0, -1.0)", ValueError, "scale < 0"),
    ("rng.exponential(-1.0)", ValueError, "scale < 0"),
    ("rng.uniform(-1e308, 1e308)", OverflowError, "high - low range exceeds valid bounds"),
])
def test_errors_as_numpy(call, exc, msg):
    ns = {}
    exec(f"def f(rng):\n    return {call}\n", ns)
    with pytest.raises(exc, match=msg):
        eval(call, {"rng": np.random.default_rng(0)})
    with pytest.raises(exc, match=msg):
        jit(ns["f"])(np.random.default_rng(0))


def test_unsupported_method_is_located():
    def f(rng):
        return rng.permuted(np.arange(3))
    with pytest.raises(errors.UnsupportedError, match="Generator.permuted"):
        jit(f)(np.random.default_rng(0))


def test_making_a_generator_in_compiled_code_says_what_to_do():
    if ON_NUMBA:
        pytest.skip("numba's message differs")

    def f(seed):
        return np.random.default_rng(seed).random()
    with pytest.raises(errors.UnsupportedError, match=r"default_rng\(\) cannot be called in compiled code: make the "
                                                      r"Generator in Python and pass it as an argument"):
        jit(f)(1)


def test_typeof():
    assert impl.typeof(np.random.default_rng(0)) == "NumPyRandomGeneratorType"


def test_result_arrays_are_owned_by_the_caller():
    """A drawn array has one reference, the caller's: it stays alive (and unchanged) until the
    caller drops it. (Owning it twice freed it while NumPy still used it.)"""
    from ember import _ember

    def f(rng):
        return rng.integers(3, 4, size=1000), rng.random(10)

    g = jit(f)
    g(np.random.default_rng(0))
    live = lambda: _ember.rt_stats()["allocs"] - _ember.rt_stats()["frees"]
    before = live()
    a, b = g(np.random.default_rng(0))
    assert live() == before + 2
    junk = [np.ones(1000) * k for k in range(50)]   # noqa: F841 -- reuse freed memory if any
    assert (a == 3).all() and b.shape == (10,)
    del a, b
    assert live() == before
def draw_poissons(rng, lams, reps):
    out = np.empty((lams.shape[0], reps), np.int64)
    for i in range(lams.shape[0]):
        for k in range(reps):
            out[i, k] = rng.poisson(lams[i])
    return out


def test_scalar_poisson_draws_are_numpys():
    """rng.poisson(lam) one at a time (inline for lam < 10): NumPy's stream, draw for draw."""
    lams = np.array([0.0, 0.02, 1.0, 5.0, 9.999, 10.0, 50.0, 0.5])
    got = impl.njit(draw_poissons)(np.random.default_rng(7), lams, 300)
    want = draw_poissons(np.random.default_rng(7), lams, 300)
    np.testing.assert_array_equal(got, want)


def draw_each(gens, n):
    out = np.empty((len(gens), n))
    for i in range(len(gens)):
        g = gens[i]
        for j in range(n):
            out[i, j] = g.random()
    return out


def normal_each(gens, x):
    out = np.empty(len(gens))
    for i in impl.prange(len(gens)):
        out[i] = gens[i].normal() + x
    return out


@pytest.mark.parametrize("n", [0, 3])
def test_a_list_of_generators(n):
    """A list of Generators (Generator.spawn's, aeon's RDST): each draws NumPy's numbers and
    advances in the caller's objects."""
    a, b = np.random.default_rng(7).spawn(3), np.random.default_rng(7).spawn(3)
    got = jit(draw_each)(a, n)
    assert np.array_equal(got, np.array([[g.random() for _ in range(n)] for g in b]).reshape(3, n))
    assert [g.random() for g in a] == [g.random() for g in b]
    c, d = np.random.default_rng(8).spawn(4), np.random.default_rng(8).spawn(4)
    got = jit(normal_each, parallel=True)(c, 1.0)
    assert np.allclose(got, [g.normal() + 1.0 for g in d])
