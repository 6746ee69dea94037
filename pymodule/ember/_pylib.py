"""Python's own modules in compiled code, from Python implementations: cmath, operator, heapq
(on lists), random's distributions, choice and shuffle, the math functions with no C lowering (comb, perm, isqrt, lcm, prod, dist, fsum,
remainder), and the builtins map and filter (generators).

Entries join _nplib's IMPLS (pymodule/driver.c reads both): a call in compiled code to one of
these objects compiles the implementation here for the call's argument types, as for the NumPy
functions in _nplib.py. Results follow Python's for every value compiled code can hold, except
where noted: cmath computes on NumPy's complex functions (within a few ulps of CPython's), and
raises CPython's ValueError at a pole and OverflowError where a finite argument overflows.

Written from Python's documented behaviour; no CPython source is copied.
"""
import cmath
import heapq
import math
import operator
import random

import numpy as np

from . import njit
from ._nplib import Impl, _plain, _refuse
from ._npfuncs import _source

# ---- cmath ----------------------------------------------------------------------------------


def _c(name, pole):
    # NumPy's complex function, and CPython's errors: where a finite argument gives a non-finite
    # result, a pole (log(0), atan(1j), atanh(1)) is ValueError and an overflow OverflowError
    f = getattr(np, name)

    def impl(z):
        z = complex(z)
        r = f(z)
        if math.isfinite(z.real) and math.isfinite(z.imag) and not (math.isfinite(r.real) and math.isfinite(r.imag)):
            if pole:
                raise ValueError("math domain error")
            raise OverflowError("math range error")
        return r
    return impl


def _phase(z):
    z = complex(z)
    return math.atan2(z.imag, z.real)


def _polar(z):
    z = complex(z)
    return abs(z), math.atan2(z.imag, z.real)


def _rect(r, phi):
    if phi == 0.0 and not math.isfinite(r):   # rect(inf, 0) is inf, not inf + nan j
        return complex(r, phi)
    return complex(r * math.cos(phi), r * math.sin(phi))


def _clog(z, base=None):
    z = complex(z)
    if z == 0:
        raise ValueError("math domain error")
    if base is None:
        return np.log(z)
    b = complex(base)
    if b == 0:
        raise ValueError("math domain error")
    return np.log(z) / np.log(b)


def _cisnan(z):
    z = complex(z)
    return math.isnan(z.real) or math.isnan(z.imag)


def _cisinf(z):
    z = complex(z)
    return math.isinf(z.real) or math.isinf(z.imag)


def _cisfinite(z):
    z = complex(z)
    return math.isfinite(z.real) and math.isfinite(z.imag)


def _cisclose(a, b, rel_tol=1e-09, abs_tol=0.0):
    if rel_tol < 0.0 or abs_tol < 0.0:
        raise ValueError("tolerances must be non-negative")
    a, b = complex(a), complex(b)
    if a == b:
        return True
    if math.isinf(a.real) or math.isinf(a.imag) or math.isinf(b.real) or math.isinf(b.imag):
        return False
    diff = abs(b - a)
    return diff <= rel_tol * abs(b) or diff <= rel_tol * abs(a) or diff <= abs_tol


_CMATH = {getattr(cmath, n): _c(np_name, n in ("log10", "atan", "atanh")) for n, np_name in [
    ("sqrt", "sqrt"), ("exp", "exp"), ("log10", "log10"), ("sin", "sin"), ("cos", "cos"), ("tan", "tan"),
    ("asin", "arcsin"), ("acos", "arccos"), ("atan", "arctan"), ("sinh", "sinh"), ("cosh", "cosh"), ("tanh", "tanh"),
    ("asinh", "arcsinh"), ("acosh", "arccosh"), ("atanh", "arctanh")]}
_CMATH.update({cmath.phase: _phase, cmath.polar: _polar, cmath.rect: _rect, cmath.log: _clog, cmath.isnan: _cisnan,
               cmath.isinf: _cisinf, cmath.isfinite: _cisfinite, cmath.isclose: _cisclose})

# ---- operator -------------------------------------------------------------------------------

_OPERATOR = {
    operator.add: lambda a, b: a + b, operator.sub: lambda a, b: a - b, operator.mul: lambda a, b: a * b,
    operator.truediv: lambda a, b: a / b, operator.floordiv: lambda a, b: a // b, operator.mod: lambda a, b: a % b,
    operator.pow: lambda a, b: a ** b, operator.matmul: lambda a, b: a @ b, operator.neg: lambda a: -a,
    operator.pos: lambda a: +a, operator.abs: lambda a: abs(a), operator.invert: lambda a: ~a,
    operator.inv: lambda a: ~a, operator.not_: lambda a: not a, operator.truth: lambda a: bool(a),
    operator.eq: lambda a, b: a == b, operator.ne: lambda a, b: a != b, operator.lt: lambda a, b: a < b,
    operator.le: lambda a, b: a <= b, operator.gt: lambda a, b: a > b, operator.ge: lambda a, b: a >= b,
    operator.and_: lambda a, b: a & b, operator.or_: lambda a, b: a | b, operator.xor: lambda a, b: a ^ b,
    operator.lshift: lambda a, b: a << b, operator.rshift: lambda a, b: a >> b,
    operator.getitem: lambda a, b: a[b], operator.contains: lambda a, b: b in a, operator.concat: lambda a, b: a + b,
    operator.is_: lambda a, b: a is b, operator.is_not: lambda a, b: a is not b, operator.index: lambda a: int(a),
}

# ---- math -----------------------------------------------------------------------------------

_INT64_MAX = 2 ** 63 - 1


@njit
def _checked_mul(r, m):
    # r * m for 0 <= r, 0 < m, or OverflowError where int64 cannot hold it (Python's int would)
    if r > _INT64_MAX // m:
        raise OverflowError("integer result does not fit in int64")
    return r * m


def _comb(n, k):
    if n < 0 or k < 0:
        raise ValueError("n must be a non-negative integer" if n < 0 else "k must be a non-negative integer")
    if k > n:
        return 0
    k = min(k, n - k)
    r = 1
    for i in range(1, k + 1):
        # r = comb(n - k + i - 1, i - 1) becomes comb(n - k + i, i) = r * m / i, exact: with
        # g = gcd(r, i), i / g divides m, so the product overflows only when the result does
        m = n - k + i
        g = math.gcd(r, i)
        r = _checked_mul(r // g, m // (i // g))
    return r


def _perm(n, k=None):
    if k is None:
        k = n
    if n < 0 or k < 0:
        raise ValueError("n must be a non-negative integer" if n < 0 else "k must be a non-negative integer")
    if k > n:
        return 0
    r = 1
    for i in range(n - k + 1, n + 1):
        r = _checked_mul(r, i)
    return r


def _isqrt(n):
    if n < 0:
        raise ValueError("isqrt() argument must be nonnegative")
    if n == 0:
        return 0
    x = int(math.sqrt(n))   # within one of the root for any int64; then exact
    while x * x > n:
        x -= 1
    while (x + 1) * (x + 1) <= n and x + 1 <= 3037000499:
        x += 1
    return x


def _lcm(*args):
    r = 1
    for a in args:
        if a == 0:
            return 0
        r = abs(r // math.gcd(r, a) * a)
    return r


def _lcm0():
    return 1


def _prod(iterable, start=1):
    r = start
    for x in iterable:
        r = r * x
    return r


def _dist(p, q):
    if len(p) != len(q):
        raise ValueError("both points must have the same number of dimensions")
    s = 0.0
    scale = 0.0
    for i in range(len(p)):
        scale = max(scale, abs(float(p[i]) - float(q[i])))
    if scale == 0.0 or math.isinf(scale) or math.isnan(scale):
        return scale
    for i in range(len(p)):
        d = (float(p[i]) - float(q[i])) / scale
        s += d * d
    return scale * math.sqrt(s)


def _fsum(iterable):
    # Shewchuk's exact partial sums, rounded once at the end (as math.fsum documents)
    partials = [0.0]   # partials[:np_] are the exact sum's non-overlapping parts
    np_ = 0
    special = 0.0
    inf_sum = 0.0
    for v in iterable:
        x = float(v)
        if not math.isfinite(x):
            if math.isinf(x):
                inf_sum += x
            special += x
            continue
        i = 0
        for j in range(np_):
            y = partials[j]
            if abs(x) < abs(y):
                x, y = y, x
            hi = x + y
            lo = y - (hi - x)
            if lo != 0.0:
                partials[i] = lo
                i += 1
            x = hi
        if x != 0.0:
            if math.isinf(x):
                raise OverflowError("intermediate overflow in fsum")
            if i < len(partials):
                partials[i] = x
            else:
                partials.append(x)
            i += 1
        np_ = i
    if special != 0.0:
        if math.isnan(inf_sum):
            raise ValueError("-inf + inf in fsum")
        return special
    hi = 0.0
    if np_ > 0:
        np_ -= 1
        hi = partials[np_]
        lo = 0.0
        while np_ > 0:
            x = hi
            np_ -= 1
            y = partials[np_]
            hi = x + y
            yr = hi - x
            lo = y - yr
            if lo != 0.0:
                break
        # the half-way case: a sum exactly between two doubles rounds by the next partial's sign
        if np_ > 0 and ((lo < 0.0 and partials[np_ - 1] < 0.0) or (lo > 0.0 and partials[np_ - 1] > 0.0)):
            y = lo * 2.0
            x = hi + y
            yr = x - hi
            if y == yr:
                hi = x
    return hi


def _remainder(x, y):
    x, y = float(x), float(y)
    if math.isnan(x):
        return x
    if math.isnan(y):
        return y
    if math.isinf(x) or y == 0.0:
        raise ValueError("math domain error")
    if math.isinf(y):
        return x
    absx, absy = abs(x), abs(y)
    m = math.fmod(absx, absy)
    c = absy - m
    if m < c:
        r = m
    elif m > c:
        r = -c
    else:   # half-way: the even multiple
        r = m - 2.0 * math.fmod(0.5 * (absx - m), absy)
    return math.copysign(1.0, x) * r


_MATH = {math.comb: _comb, math.perm: _perm, math.isqrt: _isqrt, math.lcm: _lcm, math.prod: _prod,
         math.dist: _dist, math.fsum: _fsum, math.remainder: _remainder}


# ---- heapq: binary min-heaps on lists --------------------------------------------------------
# Written from the module's documentation: heap[k] <= heap[2k + 1] and heap[k] <= heap[2k + 2];
# heap[0] is the smallest. A pop moves the last item to the root's place by walking the smaller
# child up to a leaf and then sifting the item back up from there (fewer compares than sifting
# down with two compares a level), which leaves the list laid out as CPython's heapq leaves it.


@njit
def _sift_up(heap, top, pos):
    # the item at pos moves towards the root (not above top) past every parent larger than it
    item = heap[pos]
    while pos > top:
        parent = (pos - 1) >> 1
        if item < heap[parent]:
            heap[pos] = heap[parent]
            pos = parent
        else:
            break
    heap[pos] = item


@njit
def _fill_hole(heap, pos):
    # the hole at pos takes the smaller child, level by level, down to a leaf; the item that was
    # at pos then goes in there and rises to its place
    end = len(heap)
    item = heap[pos]
    start = pos
    child = 2 * pos + 1
    while child < end:
        right = child + 1
        if right < end and not heap[child] < heap[right]:
            child = right
        heap[pos] = heap[child]
        pos = child
        child = 2 * pos + 1
    heap[pos] = item
    _sift_up(heap, start, pos)


def _heapify(x):
    for i in range(len(x) // 2 - 1, -1, -1):
        _fill_hole(x, i)


def _heappush(heap, item):
    heap.append(item)
    _sift_up(heap, 0, len(heap) - 1)


def _heappop(heap):
    if len(heap) == 0:
        raise IndexError("index out of range")
    last = heap.pop()
    if len(heap) == 0:
        return last
    top = heap[0]
    heap[0] = last
    _fill_hole(heap, 0)
    return top


def _heapreplace(heap, item):
    if len(heap) == 0:
        raise IndexError("index out of range")
    top = heap[0]
    heap[0] = item
    _fill_hole(heap, 0)
    return top


def _heappushpop(heap, item):
    if len(heap) > 0 and heap[0] < item:
        top = heap[0]
        heap[0] = item
        _fill_hole(heap, 0)
        return top
    return item


# nsmallest and nlargest are sorted(iterable)[:n] and sorted(iterable, reverse=True)[:n] (their
# documented equivalents; ties in the order the items come): a heap of the best n so far,
# each item with its position, so that equal items keep their order. O(N log n), where sorting
# the whole list (as before) was O(N log N): 35-50x numba's time for n = 10 of 300k.
def _max_sift(h, pos, n):   # h[pos] down a max-heap of the first n entries
    item = h[pos]
    while True:
        child = 2 * pos + 1
        if child >= n:
            break
        if child + 1 < n and h[child] < h[child + 1]:
            child += 1
        if item < h[child]:
            h[pos] = h[child]
            pos = child
        else:
            break
    h[pos] = item


def _nsmallest(n, iterable):
    # (item, position) of the n smallest so far, a max-heap (the latest of equals on top); past the
    # first n, an item only goes in when below the top, which a variable holds: the loop over the
    # rest is one comparison an item (a read of h[0][0] and the count test each item: 2.7x numba)
    it = iter(iterable)
    h = [(x, i) for i, x in zip(range(n), it)]
    m = len(h)
    for k in range(m // 2 - 1, -1, -1):
        _max_sift_c(h, k, m)
    if m == n and m > 0:
        top = h[0][0]
        i = m
        for x in it:
            if x < top:
                h[0] = (x, i)
                _max_sift_c(h, 0, m)
                top = h[0][0]
            i += 1
    h.sort()
    return [e[0] for e in h]


def _nlargest(n, iterable):
    # (item, -position) of the n largest so far, heapq's min-heap; as _nsmallest
    it = iter(iterable)
    h = [(x, -i) for i, x in zip(range(n), it)]
    m = len(h)
    for k in range(m // 2 - 1, -1, -1):
        _fill_hole(h, k)
    if m == n and m > 0:
        top = h[0][0]
        i = m
        for x in it:
            if top < x:
                h[0] = (x, -i)
                _fill_hole(h, 0)
                top = h[0][0]
            i += 1
    h.sort(reverse=True)
    return [e[0] for e in h]


_max_sift_c = njit(_max_sift)


_HEAPQ = {heapq.heapify: _heapify, heapq.heappush: _heappush, heapq.heappop: _heappop,
          heapq.heapreplace: _heapreplace, heapq.heappushpop: _heappushpop,
          heapq.nsmallest: _nsmallest, heapq.nlargest: _nlargest}


# ---- random: the distributions, on the draws compiled code makes itself ------------------------
# random.random, seed, gauss, normalvariate, uniform, getrandbits, randrange and randint are
# lowered directly (typeinfer/pyrandom.c); these follow the algorithms Python's documentation
# names, on those draws. normalvariate is gauss (as in Numba), so lognormvariate is exp(gauss).

def _triangular(low=0.0, high=1.0, mode=None):
    u = random.random()
    if mode is None:
        c = 0.5
    elif high == low:
        return low * 1.0
    else:
        c = (mode - low) / (high - low)
    lo, hi = low * 1.0, high * 1.0
    if u > c:
        u = 1.0 - u
        c = 1.0 - c
        lo, hi = hi, lo
    return lo + (hi - lo) * math.sqrt(u * c)


def _expovariate(lambd=1.0):
    return -math.log(1.0 - random.random()) / lambd


def _gammavariate(alpha, beta):
    if alpha <= 0.0 or beta <= 0.0:
        raise ValueError("gammavariate: alpha and beta must be > 0.0")
    if alpha > 1.0:   # Cheng's rejection method (1977) for shapes above 1
        ainv = math.sqrt(2.0 * alpha - 1.0)
        bbb = alpha - math.log(4.0)
        ccc = alpha + ainv
        while True:
            u1 = random.random()
            if not 1e-7 < u1 < 0.9999999:
                continue
            u2 = 1.0 - random.random()
            v = math.log(u1 / (1.0 - u1)) / ainv
            x = alpha * math.exp(v)
            z = u1 * u1 * u2
            r = bbb + ccc * v - x
            if r + (1.0 + math.log(4.5)) - 4.5 * z >= 0.0 or r >= math.log(z):
                return x * beta
    if alpha == 1.0:   # the exponential distribution
        return -math.log(1.0 - random.random()) * beta
    while True:   # shapes below 1: algorithm GS (Ahrens and Dieter)
        u = random.random()
        b = (math.e + alpha) / math.e
        p = b * u
        if p <= 1.0:
            x = p ** (1.0 / alpha)
        else:
            x = -math.log((b - p) / alpha)
        u1 = random.random()
        if p > 1.0:
            if u1 <= x ** (alpha - 1.0):
                return x * beta
        elif u1 <= math.exp(-x):
            return x * beta


def _betavariate(alpha, beta):
    y = random.gammavariate(alpha, 1.0)
    if y == 0.0:
        return 0.0
    return y / (y + random.gammavariate(beta, 1.0))


def _lognormvariate(mu, sigma):
    return math.exp(random.gauss(mu, sigma))


def _paretovariate(alpha):
    return (1.0 - random.random()) ** (-1.0 / alpha)


def _weibullvariate(alpha, beta):
    return alpha * (-math.log(1.0 - random.random())) ** (1.0 / beta)


def _vonmisesvariate(mu, kappa):
    if kappa <= 1e-6:
        return 2.0 * math.pi * random.random()
    s = 0.5 / kappa
    r = s + math.sqrt(1.0 + s * s)
    while True:   # Best and Fisher's rejection method
        z = math.cos(math.pi * random.random())
        d = z / (r + z)
        u2 = random.random()
        if u2 < 1.0 - d * d or u2 <= (1.0 - d) * math.exp(d):
            break
    q = 1.0 / r
    f = (q + z) / (1.0 + q * z)
    if random.random() > 0.5:
        return (mu + math.acos(f)) % (2.0 * math.pi)
    return (mu - math.acos(f)) % (2.0 * math.pi)


def _choice(seq):
    n = len(seq)
    if n == 0:
        raise IndexError("Cannot choose from an empty sequence")
    return seq[random.randrange(n)]


def _shuffle(x):   # a list or a 1-d array: swap items; rows of a 2-d or more array are copied first
    i = len(x) - 1
    while i > 0:
        j = random.randrange(i + 1)
        x[i], x[j] = x[j], x[i]
        i -= 1


def _shuffle_rows(x):
    i = len(x) - 1
    while i > 0:
        j = random.randrange(i + 1)
        x[i], x[j] = x[j].copy(), x[i].copy()
        i -= 1


_RANDOM = {random.triangular: _triangular, random.expovariate: _expovariate, random.gammavariate: _gammavariate,
           random.betavariate: _betavariate, random.lognormvariate: _lognormvariate,
           random.paretovariate: _paretovariate, random.weibullvariate: _weibullvariate,
           random.vonmisesvariate: _vonmisesvariate, random.choice: _choice, random.shuffle: _shuffle}


def _shuffle_choose(values, kwnames):
    if kwnames:
        _refuse("random.shuffle", "the keyword argument " + ", ".join(kwnames))
    if values and isinstance(values[0], np.ndarray) and values[0].ndim > 1:
        return _shuffle_rows
    return _shuffle


def _heap_entry(name, impl):
    """A heapq function on a list (the heap, or nsmallest's and nlargest's iterable: any one
    list() takes), refused at the call's line for another first argument or a keyword."""
    on_list = name not in ("nsmallest", "nlargest")

    def choose(values, kwnames):
        if kwnames:
            _refuse(f"heapq.{name}", "the keyword argument " + ", ".join(kwnames))
        if on_list and not (values and isinstance(values[0], list)):
            _refuse(f"heapq.{name}", "a heap other than a list")
        return impl
    return Impl(f"heapq.{name}", choose)


def _entry(module, fn, impl):
    name = getattr(fn, "__name__", "?")
    if module == "heapq":
        return _heap_entry(name, impl)
    if fn is random.shuffle:
        return Impl("random.shuffle", _shuffle_choose)
    if fn is math.lcm:   # lcm() of nothing: 1 (a loop over an empty tuple has no item type)
        return Impl("math.lcm", lambda values, kwnames: _lcm if values else _lcm0)
    return Impl(f"{module}.{name}", _plain(impl))


# ---- map and filter: lazy, as Python's (generators over the iterables) --------------------------

def _map_source(n):
    names = [f"it{k}" for k in range(n)]
    items = [f"x{k}" for k in range(n)]
    loop = f"for {items[0]} in {names[0]}:" if n == 1 else f"for {', '.join(items)} in zip({', '.join(names)}):"
    # made in this module's namespace: an error in it is reported at the user's call (ember's own)
    return _source("map_", [f"def map_(function, {', '.join(names)}):", f"    {loop}",
                            f"        yield function({', '.join(items)})"], globals())


def _filter(function, iterable):
    for x in iterable:
        if function(x):
            yield x


def _filter_none(function, iterable):   # filter(None, xs): the true items
    for x in iterable:
        if x:
            yield x


def _map_choose(values, kwnames):
    if kwnames:
        _refuse("map()", "keyword arguments")
    if len(values) < 2:
        raise TypeError("map() must have at least two arguments.")
    return _map_source(len(values) - 1)


def _filter_choose(values, kwnames):
    if kwnames or len(values) != 2:
        raise TypeError(f"filter expected 2 arguments, got {len(values)}")
    return _filter_none if values[0] is None else _filter


IMPLS = {map: Impl("map", _map_choose), filter: Impl("filter", _filter_choose)}
for _module, _table in (("cmath", _CMATH), ("operator", _OPERATOR), ("math", _MATH), ("heapq", _HEAPQ),
                        ("random", _RANDOM)):
    for _fn, _impl in _table.items():
        IMPLS[_fn] = _entry(_module, _fn, _impl)


# ---- max and min of one string: its largest or smallest character (typeinfer/calls.c) ----------

def _str_max(s):
    if len(s) == 0:
        raise ValueError("max() arg is an empty sequence")
    best = s[0]
    for c in s:
        best = c if c > best else best
    return best


def _str_min(s):
    if len(s) == 0:
        raise ValueError("min() arg is an empty sequence")
    best = s[0]
    for c in s:
        best = c if c < best else best
    return best


def _str_choose(name, impl):
    def choose(values, kwnames):
        if kwnames:
            _refuse(f"{name}() of a str", "key= or default=")
        return impl
    return choose


STR_FORMS = {"max": Impl("max", _str_choose("max", _str_max)), "min": Impl("min", _str_choose("min", _str_min))}
