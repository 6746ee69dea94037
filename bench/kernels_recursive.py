"""Recursive kernels for bench_loops_c.py, each written twice: in Python and in C (`C_SOURCE`).

The class of issue 17 that self-calls make (fib, in kernels_scalar.py, is the first of them):
- `ackermann`: a non-primitive-recursive function, one call whose result is another's argument;
- `tree_sum`: the sum of a float array by halves, two calls per level, a float sum after both
  (so neither call is a tail call: float addition is not reassociated);
- `bsearch_all`: a recursive binary search (both calls are tail calls) run for many keys from a
  loop, so a non-recursive function calls a recursive one;
- `quicksort`: an in-place recursive quicksort of a float array, a call on each side;
- `hofstadter`: Hofstadter's female and male sequences, two functions calling each other with
  one call's result the other's argument (mutual recursion, typeinfer/cycle.c), summed over n;
- `minimax`: a game tree in arrays (children, leaf values) walked by two functions calling each
  other, a max level then a min level, two calls per node;
- `queens`: N-Queens counted by backtracking over bit masks, a call per free square in a loop,
  where most calls find no free square (a dead end) or a full board;
- `tree_depth`: the height of a tree in arrays of child indices, -1 for none: most calls are of
  a missing child (their base case), an integer max after both calls.

A recursive function calls itself through its module global, so the functions are cloned into
a fresh namespace per backend and decorated there (`make`, as kernels_scalar.py does).
"""

import types

import numpy as np


def ackermann(m, n):
    if m == 0:
        return n + 1
    if n == 0:
        return ackermann(m - 1, 1)
    return ackermann(m - 1, ackermann(m, n - 1))


def tree_sum(a, lo, hi):
    if hi - lo == 1:
        return a[lo]
    mid = (lo + hi) // 2
    return tree_sum(a, lo, mid) + tree_sum(a, mid, hi)


def bsearch(a, x, lo, hi):
    """The index of x in a[lo:hi] (sorted), or -1."""
    if lo >= hi:
        return -1
    mid = (lo + hi) // 2
    if a[mid] == x:
        return mid
    if a[mid] < x:
        return bsearch(a, x, mid + 1, hi)
    return bsearch(a, x, lo, mid)


def bsearch_all(a, keys):
    found = 0
    for i in range(keys.shape[0]):
        if bsearch(a, keys[i], 0, a.shape[0]) >= 0:
            found += 1
    return found


def quicksort(a, lo, hi):
    """Sort a[lo:hi + 1] in place (Lomuto partition, the middle element as pivot)."""
    if lo >= hi:
        return
    mid = (lo + hi) // 2
    a[mid], a[hi] = a[hi], a[mid]
    p = a[hi]
    i = lo
    for j in range(lo, hi):
        if a[j] < p:
            a[i], a[j] = a[j], a[i]
            i += 1
    a[i], a[hi] = a[hi], a[i]
    quicksort(a, lo, i - 1)
    quicksort(a, i + 1, hi)


def sort_checksum(a):
    quicksort(a, 0, a.shape[0] - 1)
    s = 0.0
    for i in range(a.shape[0]):
        s += a[i] * (i % 7)
    return s


def hof_f(n):
    if n == 0:
        return 1
    return n - hof_m(hof_f(n - 1))


def hof_m(n):
    if n == 0:
        return 0
    return n - hof_f(hof_m(n - 1))


def hofstadter(n):
    s = 0
    for i in range(n):
        s += hof_f(i) - hof_m(i)
    return s


def max_level(left, right, val, node):
    if left[node] < 0:
        return val[node]
    return max(min_level(left, right, val, left[node]), min_level(left, right, val, right[node]))


def min_level(left, right, val, node):
    if left[node] < 0:
        return val[node]
    return min(max_level(left, right, val, left[node]), max_level(left, right, val, right[node]))


def minimax(left, right, val):
    return max_level(left, right, val, 0)


def queens_from(n, cols, d1, d2):
    full = (1 << n) - 1
    if cols == full:
        return 1
    count = 0
    free = ~(cols | d1 | d2) & full
    while free:
        bit = free & -free
        free -= bit
        count += queens_from(n, cols | bit, ((d1 | bit) << 1) & full, (d2 | bit) >> 1)
    return count


def queens(n):
    return queens_from(n, 0, 0, 0)


def height(left, right, node):
    if node < 0:
        return 0
    return 1 + max(height(left, right, left[node]), height(left, right, right[node]))


def tree_depth(left, right):
    return height(left, right, 0)


HELPERS = ("bsearch", "quicksort", "hof_f", "hof_m", "max_level", "min_level", "queens_from", "height")

C_SOURCE = r"""
#include <stdint.h>

int64_t ackermann(int64_t m, int64_t n) {
    if (m == 0) return n + 1;
    if (n == 0) return ackermann(m - 1, 1);
    return ackermann(m - 1, ackermann(m, n - 1));
}

double tree_sum(const double *a, int64_t lo, int64_t hi) {
    if (hi - lo == 1) return a[lo];
    int64_t mid = (lo + hi) / 2;
    return tree_sum(a, lo, mid) + tree_sum(a, mid, hi);
}

static int64_t bsearch_rec(const int64_t *a, int64_t x, int64_t lo, int64_t hi) {
    if (lo >= hi) return -1;
    int64_t mid = (lo + hi) / 2;
    if (a[mid] == x) return mid;
    if (a[mid] < x) return bsearch_rec(a, x, mid + 1, hi);
    return bsearch_rec(a, x, lo, mid);
}

int64_t bsearch_all(const int64_t *a, const int64_t *keys, int64_t n, int64_t nkeys) {
    int64_t found = 0;
    for (int64_t i = 0; i < nkeys; i++)
        if (bsearch_rec(a, keys[i], 0, n) >= 0) found += 1;
    return found;
}

static void quicksort(double *a, int64_t lo, int64_t hi) {
    if (lo >= hi) return;
    int64_t mid = (lo + hi) / 2;
    double t = a[mid]; a[mid] = a[hi]; a[hi] = t;
    double p = a[hi];
    int64_t i = lo;
    for (int64_t j = lo; j < hi; j++)
        if (a[j] < p) { t = a[i]; a[i] = a[j]; a[j] = t; i++; }
    t = a[i]; a[i] = a[hi]; a[hi] = t;
    quicksort(a, lo, i - 1);
    quicksort(a, i + 1, hi);
}

static int64_t hof_m(int64_t n);

static int64_t hof_f(int64_t n) { return n == 0 ? 1 : n - hof_m(hof_f(n - 1)); }

static int64_t hof_m(int64_t n) { return n == 0 ? 0 : n - hof_f(hof_m(n - 1)); }

int64_t hofstadter(int64_t n) {
    int64_t s = 0;
    for (int64_t i = 0; i < n; i++) s += hof_f(i) - hof_m(i);
    return s;
}

static double min_level(const int64_t *left, const int64_t *right, const double *val, int64_t node);

static double max_level(const int64_t *left, const int64_t *right, const double *val, int64_t node) {
    if (left[node] < 0) return val[node];
    double a = min_level(left, right, val, left[node]), b = min_level(left, right, val, right[node]);
    return b > a ? b : a;
}

static double min_level(const int64_t *left, const int64_t *right, const double *val, int64_t node) {
    if (left[node] < 0) return val[node];
    double a = max_level(left, right, val, left[node]), b = max_level(left, right, val, right[node]);
    return b < a ? b : a;
}

double minimax(const int64_t *left, const int64_t *right, const double *val) {
    return max_level(left, right, val, 0);
}

static int64_t queens_from(int64_t n, int64_t cols, int64_t d1, int64_t d2) {
    int64_t full = ((int64_t)1 << n) - 1;
    if (cols == full) return 1;
    int64_t count = 0, free = ~(cols | d1 | d2) & full;
    while (free) {
        int64_t bit = free & -free;
        free -= bit;
        count += queens_from(n, cols | bit, ((d1 | bit) << 1) & full, (d2 | bit) >> 1);
    }
    return count;
}

int64_t queens(int64_t n) { return queens_from(n, 0, 0, 0); }

static int64_t height(const int64_t *left, const int64_t *right, int64_t node) {
    if (node < 0) return 0;
    int64_t a = height(left, right, left[node]), b = height(left, right, right[node]);
    return 1 + (b > a ? b : a);
}

int64_t tree_depth(const int64_t *left, const int64_t *right) { return height(left, right, 0); }

double sort_checksum(double *a, int64_t n) {
    quicksort(a, 0, n - 1);
    double s = 0.0;
    for (int64_t i = 0; i < n; i++) s += a[i] * (double)(i % 7);
    return s;
}
"""


def _rng():
    return np.random.default_rng(17)


# Argument makers return (python_args, c_args), as in kernels_loops.py.
def _ackermann_args(m, n):
    return (m, n), (m, n)


def _tree_sum_args(n):
    a = _rng().random(n)
    return (a, 0, n), (a, 0, n)


def _bsearch_args(n, nkeys):
    r = _rng()
    a = np.sort(r.choice(4 * n, n, replace=False)).astype(np.int64)
    keys = r.integers(0, 4 * n, nkeys)
    return (a, keys), (a, keys, n, nkeys)


def _sort_args(n):
    a = _rng().random(n)
    return (a,), (a, n)


def _hofstadter_args(n):
    return (n,), (n,)


def _minimax_args(depth):
    """A complete binary tree of the given depth, nodes numbered breadth first."""
    n, inner = 2 ** (depth + 1) - 1, 2 ** depth - 1
    idx = np.arange(n, dtype=np.int64)
    left = np.where(idx < inner, 2 * idx + 1, -1).astype(np.int64)
    right = np.where(idx < inner, 2 * idx + 2, -1).astype(np.int64)
    val = _rng().random(n)
    return (left, right, val), (left, right, val)


def _queens_args(n):
    return (n,), (n,)


def _depth_args(depth):
    """A random binary tree of 2**depth nodes in arrays, built by random insertion."""
    n = 2 ** depth
    keys = _rng().permutation(n)
    left, right = np.full(n, -1, np.int64), np.full(n, -1, np.int64)
    for i in range(1, n):
        node = 0
        while True:
            side = left if keys[i] < keys[node] else right
            if side[node] < 0:
                side[node] = i
                break
            node = side[node]
    return (left, right), (left, right)


KERNELS = {}


def _add(name, fn, make, size, result, fresh=False, desc=""):
    KERNELS[name] = dict(fn=fn, make=make, size=size, result=result, fresh=fresh, desc=desc)


_add("ackermann", ackermann, _ackermann_args, (3, 8), "int", desc="A(3, 8): 2.8M calls")
_add("tree_sum", tree_sum, _tree_sum_args, (1 << 20,), "float", desc="1M floats by halves")
_add("bsearch", bsearch_all, _bsearch_args, (1 << 16, 100_000), "int", desc="100k keys in 64k")
_add("quicksort", sort_checksum, _sort_args, (200_000,), "float", fresh=True, desc="200k floats")
_add("hofstadter", hofstadter, _hofstadter_args, (64,), "int", desc="F and M of 0..63: 6.5M calls, mutual recursion")
_add("minimax", minimax, _minimax_args, (20,), "float", desc="2M nodes, max and min levels: mutual recursion")
_add("queens", queens, _queens_args, (10,), "int", desc="10 queens by bit masks: 35k calls")
_add("tree_depth", tree_depth, _depth_args, (16,), "int", desc="64k nodes, random insertion order")


def make(decorator, names):
    """{kernel name: decorator(clone)}, every function (and helper) cloned into a fresh namespace
    so that recursive calls and helper calls reach the decorated clones."""
    namespace = dict(globals())
    for fname in HELPERS:
        namespace[fname] = decorator(_clone(globals()[fname], namespace))
    out = {}
    for name in names:
        fn = KERNELS[name]["fn"]
        out[name] = namespace[fn.__name__] if fn.__name__ in HELPERS else decorator(_clone(fn, namespace))
        namespace[fn.__name__] = out[name]
    return out


def _clone(fn, namespace):
    new = types.FunctionType(fn.__code__, namespace, fn.__name__, fn.__defaults__, fn.__closure__)
    new.__qualname__ = fn.__qualname__
    new.__module__ = fn.__module__
    return new
