"""np.random's forms that compiled code runs from Python implementations: the distributions with
array parameters (np.random.normal(mu, sigma) with mu an array, rng.binomial(n_arr, 0.5,
size=...)), and np.random.multivariate_normal.

Array parameters broadcast as NumPy's: against each other when size is None (the result has
their broadcast shape), else against size, which must be the broadcast shape (NumPy's ValueError
otherwise). NumPy checks every parameter before it draws, then draws element by element in C
order with the per-element function its scalar form uses; so does this: the form allocates the
result and makes each array parameter a broadcast view of its shape (no copy), and one call of
ember._rdist.fill (runtime/randdist.c ember_rt_rdist_fill_bcast) checks every element with the
scalar form's checks (NumPy's messages, in their array wording) and then draws one number per
element. The streams are NumPy's to the bit (tests/test_random_dists.py).

typeinfer/nplib.c (module functions) and typeinfer/rdist.c (Generator methods) send a call here
when a parameter is an array; the entries follow ember/_nplib.py's Impl protocol.

Written from NumPy's documented behaviour; no NumPy source is copied.
"""
import math

import numpy as np

from . import njit
from ._nplib import ConstImpl, Impl, _is_array, _refuse
from ._npfuncs import _broadcast_dims_lines, _positional_or_keyword, _source
from ._rdist import fill as _fill

# name: (its parameters with their defaults (None: required), int draws, integer parameters)
DISTS = {
    "normal": ((("loc", 0.0), ("scale", 1.0)), False, ()),
    "uniform": ((("low", 0.0), ("high", 1.0)), False, ()),
    "exponential": ((("scale", 1.0),), False, ()),
    "standard_gamma": ((("shape", None),), False, ()),
    "gamma": ((("shape", None), ("scale", 1.0)), False, ()),
    "beta": ((("a", None), ("b", None)), False, ()),
    "chisquare": ((("df", None),), False, ()),
    "noncentral_chisquare": ((("df", None), ("nonc", None)), False, ()),
    "f": ((("dfnum", None), ("dfden", None)), False, ()),
    "noncentral_f": ((("dfnum", None), ("dfden", None), ("nonc", None)), False, ()),
    "laplace": ((("loc", 0.0), ("scale", 1.0)), False, ()),
    "logistic": ((("loc", 0.0), ("scale", 1.0)), False, ()),
    "gumbel": ((("loc", 0.0), ("scale", 1.0)), False, ()),
    "lognormal": ((("mean", 0.0), ("sigma", 1.0)), False, ()),
    "pareto": ((("a", None),), False, ()),
    "power": ((("a", None),), False, ()),
    "weibull": ((("a", None),), False, ()),
    "rayleigh": ((("scale", 1.0),), False, ()),
    "standard_t": ((("df", None),), False, ()),
    "triangular": ((("left", None), ("mode", None), ("right", None)), False, ()),
    "vonmises": ((("mu", None), ("kappa", None)), False, ()),
    "wald": ((("mean", None), ("scale", None)), False, ()),
    "poisson": ((("lam", 1.0),), True, ()),
    "binomial": ((("n", None), ("p", None)), True, ("n",)),
    "negative_binomial": ((("n", None), ("p", None)), True, ()),
    "geometric": ((("p", None),), True, ()),
    "hypergeometric": ((("ngood", None), ("nbad", None), ("nsample", None)), True, ("ngood", "nbad", "nsample")),
    "logseries": ((("p", None),), True, ()),
    "zipf": ((("a", None),), True, ()),
}


def _signature(params, gen):
    parts = ["self"] if gen else []
    parts += [p if d is None else f"{p}={d!r}" for p, d in params]
    return ", ".join(parts + ["size=None"])


def _size_dims(size):
    """The expressions of size's dimensions (an int or a tuple of ints); None for size=None."""
    if size is None:
        return None
    if isinstance(size, int) and not isinstance(size, bool):
        return ["size"]
    if isinstance(size, tuple) and all(isinstance(x, int) and not isinstance(x, bool) for x in size):
        return [f"size[{k}]" for k in range(len(size))]
    raise TypeError("np.random: size must be None, an int or a tuple of ints")


def _broadcast_source(name, gen, arrays, size):
    """The implementation of distribution `name` (a Generator method when gen) whose parameters
    `arrays` (name: ndim) are arrays, for a size of that example value."""
    params, isint, _ = DISTS[name]
    shapes = [[f"{p}.shape[{k}]" for k in range(nd)] for p, nd in arrays.items()]
    dims = _size_dims(size)
    nd = max(len(s) for s in shapes)
    lines = [f"def {name}({_signature(params, gen)}):"]
    if dims is not None:
        if nd > len(dims):   # NumPy: the parameters' broadcast must be size itself
            return _raiser(lines[0], "Output size is not compatible with broadcast dimensions of inputs",
                           "(" + "".join(f"{d}, " for d in dims) + ")", "np.int64" if isint else "np.float64")
        nd = len(dims)
        lines += _broadcast_dims_lines([dims] + shapes, nd)
        mismatch = " or ".join(f"s{d} != {dims[d]}" for d in range(nd)) or "False"
        lines += [f"    if {mismatch}:",
                  "        raise ValueError('Output size is not compatible with broadcast dimensions of inputs')"]
    else:
        lines += _broadcast_dims_lines(shapes, nd)
    shape = "(" + "".join(f"s{d}, " for d in range(nd)) + ")"
    # the result is the only allocation: each array parameter is a broadcast view of it, and
    # _rdist.fill checks every element (NumPy's errors, before any draw) then draws in C order
    each = [f"np.broadcast_to({p}, outshape)" if p in arrays else p for p, _ in params]
    each += ["0.0"] * (3 - len(each))
    lines += [f"    outshape = {shape}",
              f"    out = np.empty(outshape, dtype={'np.int64' if isint else 'np.float64'})",
              f"    _fill({name!r}, {'self' if gen else 'None'}, out, {', '.join(each)})",
              "    return out"]
    return _source(name, lines, globals())


def _choose_broadcast(name, gen):
    params, _, ints = DISTS[name]
    names = tuple(p for p, _ in params) + ("size",)

    def choose(values, kwnames):
        if gen:
            values = values[1:]
        given = _positional_or_keyword(values, kwnames, names)
        if not set(given) <= set(names) or len(given) != len(set(given)):
            _refuse(f"np.random.{name}", "these arguments")
        bound = dict(zip(given, values))
        arrays = {}
        for p, v in bound.items():
            if p == "size" or not _is_array(v):
                continue
            if v.dtype.kind not in "biuf" or (p in ints and v.dtype.kind not in "biu"):
                raise TypeError(f"np.random.{name}: cannot cast array data from dtype('{v.dtype}') for {p}"
                                f" according to the rule 'safe'")
            if v.ndim == 0:
                _refuse(f"np.random.{name}", "0-d array parameters")
            arrays[p] = v.ndim
        if not arrays:
            _refuse(f"np.random.{name}", "this form")
        return _broadcast_source(name, gen, arrays, bound.get("size"))
    return choose


# Distributions with an array parameter, by name: module functions and Generator methods.
BROADCAST_FORMS = {name: Impl(f"np.random.{name}", _choose_broadcast(name, False)) for name in DISTS}
GENERATOR_FORMS = {name: Impl(f"Generator.{name}", _choose_broadcast(name, True)) for name in DISTS}


# ---- multivariate_normal ------------------------------------------------------------------------

MVN_HEADER = "def multivariate_normal(mean, cov, size=None, check_valid='warn', tol=1e-8):"


def _mvn_source(size, check):
    """np.random.multivariate_normal for a size of that example value and a check_valid constant:
    NumPy's legacy algorithm (x of standard normals times sqrt(s) * v of cov's SVD, plus mean)."""
    dims = _size_dims(size) or []
    final = "(" + "".join(f"{d}, " for d in dims) + "n)"
    lines = [MVN_HEADER,
             "    n = mean.shape[0]",
             "    if cov.shape[0] != cov.shape[1]:",
             "        raise ValueError('cov must be 2 dimensional and square')",
             "    if n != cov.shape[0]:",
             "        raise ValueError('mean and cov must have same length')",
             f"    final = {final}",
             "    if n == 0:",
             "        raise ValueError('cannot reshape array of size 0 into shape (-1, 0)')",
             "    x = np.random.standard_normal(final).reshape((-1, n))",
             "    c = cov.astype(np.float64)",
             "    u, s, v = np.linalg.svd(c)"]
    if check == "raise":
        lines += ["    if not np.allclose(np.dot(v.T * s, v), c, rtol=tol, atol=tol):",
                  "        raise ValueError('covariance is not symmetric positive-semidefinite.')"]
    lines += ["    x = np.dot(x, np.sqrt(s).reshape((n, 1)) * v)",
              "    x += mean",
              "    return x.reshape(final)"]
    return _source("multivariate_normal", lines, globals())


def _choose_mvn(values, kwnames, consts):
    names = ("mean", "cov", "size", "check_valid", "tol")
    given = _positional_or_keyword(values, kwnames, names)
    if not set(given) <= set(names) or len(given) != len(set(given)) or not {"mean", "cov"} <= set(given):
        _refuse("np.random.multivariate_normal", "these arguments")
    bound = dict(zip(given, values))
    mean, cov = bound["mean"], bound["cov"]
    if not (_is_array(mean) and _is_array(cov)) or mean.dtype.kind not in "biuf" or cov.dtype.kind not in "biuf":
        _refuse("np.random.multivariate_normal", "mean and cov other than real arrays")
    dims = _size_dims(bound.get("size")) or []
    bad = lambda message: _raiser(MVN_HEADER, message, "(" + "0, " * (len(dims) + 1) + ")", "np.float64")  # noqa: E731
    if mean.ndim != 1:
        return bad("mean must be 1 dimensional")
    if cov.ndim != 2:
        return bad("cov must be 2 dimensional and square")
    check = "warn"
    if "check_valid" in bound:
        check = dict(zip(given, consts)).get("check_valid")
        if check not in ("warn", "raise", "ignore"):
            if isinstance(check, str):
                return bad("check_valid must equal 'warn', 'raise', or 'ignore'")
            _refuse("np.random.multivariate_normal", "check_valid other than a constant string")
    return _mvn_source(bound.get("size"), check)


def _fail(message):
    raise ValueError(message)


_fail_c = njit(_fail)


def _raiser(header, message, shape, dtype):
    """An implementation (def line header) that raises NumPy's ValueError for a form known bad at
    compile time; typed as returning the good form's array of that shape."""
    name = header[4:header.index("(")]
    return _source(name, [header, f"    _fail_c({message!r})", f"    return np.empty({shape}, dtype={dtype})"], globals())


IMPLS = {
    np.random.multivariate_normal: ConstImpl("np.random.multivariate_normal", _choose_mvn),
}
