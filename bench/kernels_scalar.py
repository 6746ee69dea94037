"""Scalar-loop benchmark kernels for bench_scalar.py.

Every kernel is written once, as a plain Python function that uses only
ints, floats, bools, tuples, the ``math`` module and calls to other functions
defined in this file -- no numpy arrays, no containers, no objects.

Backends never decorate these module-level functions directly.  Instead,
``make(decorator)`` clones every function into a *fresh* global namespace and
binds each name in that namespace to ``decorator(clone)``.  Global references
between kernels (helpers, recursion) therefore resolve inside the backend's own
namespace: ``make(ember.njit)`` gives ember-jitted kernels that call
ember-jitted helpers, ``make(numba.njit)`` the same for numba, and
``make(lambda f: f)`` plain undecorated CPython functions.

The ``KERNELS`` table at the bottom gives, per kernel, the argument tuples used
for the default run and for ``--quick``, plus smaller fallback sizes for
CPython runs that exceed the time cap.
"""

import math
import types


# --------------------------------------------------------------------------
# helpers (called from kernels; jitted separately for each backend)
# --------------------------------------------------------------------------

def rotate(x, y, c, s):
    """Rotate the point (x, y) by the angle whose cos/sin are c/s."""
    return c * x - s * y, s * x + c * y


def norm2(x, y):
    return x * x + y * y


# --------------------------------------------------------------------------
# kernels
# --------------------------------------------------------------------------

def series_sum(n):
    """sum_{k=1..n} 1/(k*k)  (-> pi**2/6): float loop, int->float division."""
    s = 0.0
    for k in range(1, n + 1):
        s += 1.0 / (k * k)
    return s


def collatz_steps(n):
    """Total Collatz steps over the starting values 1..n: int %, //, branches."""
    total = 0
    for i in range(1, n + 1):
        x = i
        while x != 1:
            if x % 2 == 0:
                x = x // 2
            else:
                x = 3 * x + 1
            total += 1
    return total


def prime_count(n):
    """Number of primes <= n by trial division: nested while, break, bool."""
    count = 0
    for k in range(2, n + 1):
        is_prime = True
        d = 2
        while d * d <= k:
            if k % d == 0:
                is_prime = False
                break
            d += 1
        if is_prime:
            count += 1
    return count


def fib(n):
    """Naive doubly recursive Fibonacci: call overhead of a jitted self-call."""
    if n < 2:
        return n
    return fib(n - 1) + fib(n - 2)


def mandelbrot(width, height, max_iter):
    """Sum of escape counts over a width x height grid, z as two floats."""
    x_min = -2.0
    x_max = 0.5
    y_min = -1.25
    y_max = 1.25
    dx = (x_max - x_min) / width
    dy = (y_max - y_min) / height
    total = 0
    for j in range(height):
        ci = y_min + j * dy
        for i in range(width):
            cr = x_min + i * dx
            zr = 0.0
            zi = 0.0
            it = 0
            while it < max_iter and zr * zr + zi * zi <= 4.0:
                zr, zi = zr * zr - zi * zi + cr, 2.0 * zr * zi + ci
                it += 1
            total += it
    return total


def newton_sqrt(n):
    """sum_{i=1..n} sqrt(i), each sqrt by Newton iteration to convergence."""
    total = 0.0
    for i in range(1, n + 1):
        x = float(i)
        g = 0.5 * x + 0.5
        for _ in range(100):
            g_next = 0.5 * (g + x / g)
            if abs(g_next - g) <= 1e-12 * g_next:
                g = g_next
                break
            g = g_next
        total += g
    return total


def trapezoid(n):
    """Trapezoid rule for int_0^10 sin(x) * exp(-x/5) dx with n intervals."""
    a = 0.0
    b = 10.0
    h = (b - a) / n
    s = 0.5 * (math.sin(a) * math.exp(-a / 5.0) + math.sin(b) * math.exp(-b / 5.0))
    for i in range(1, n):
        x = a + i * h
        s += math.sin(x) * math.exp(-x / 5.0)
    return s * h


def lcg_pi(n):
    """Monte-Carlo pi with a 31-bit LCG (int *, +, %, //); no overflow in int64."""
    state = 12345
    hits = 0
    for _ in range(n):
        state = (1103515245 * state + 12345) % 2147483648
        x = (state // 128) / 16777216.0
        state = (1103515245 * state + 12345) % 2147483648
        y = (state // 128) / 16777216.0
        if x * x + y * y < 1.0:
            hits += 1
    return 4.0 * hits / n


def gcd_sum(n):
    """sum of gcd(i, j) for 1 <= i, j <= n, Euclid by while loop + tuple swap."""
    total = 0
    for i in range(1, n + 1):
        for j in range(1, n + 1):
            a, b = i, j
            while b != 0:
                a, b = b, a % b
            total += a
    return total


def orbit(n):
    """n rotations of a point via jitted helpers returning tuples / floats."""
    c = math.cos(0.001)
    s = math.sin(0.001)
    x = 1.0
    y = 0.0
    acc = 0.0
    for _ in range(n):
        x, y = rotate(x, y, c, s)
        acc += norm2(x, y)
    return acc


def spin(n):
    """n steps of z *= w on a complex number held as two floats, summing |z|^2: the rotation of
    orbit written out. LLVM 19's SLP vectoriser packs (zr, zi) into one vector whose loop-carried
    chain swaps lanes every step (codegen/jit.c keeps such loops scalar)."""
    wr = math.cos(0.001)
    wi = math.sin(0.001)
    zr = 1.0
    zi = 0.0
    acc = 0.0
    for _ in range(n):
        zr, zi = zr * wr - zi * wi, zr * wi + zi * wr
        acc += zr * zr + zi * zi
    return acc


def rk4_osc(n):
    """n classical Runge-Kutta steps of the damped oscillator x'' = -x - 0.1 x' as the pair
    (x, v), summing the energy x^2 + v^2."""
    h = 0.001
    x = 1.0
    v = 0.0
    acc = 0.0
    for _ in range(n):
        k1x = v
        k1v = -x - 0.1 * v
        k2x = v + 0.5 * h * k1v
        k2v = -(x + 0.5 * h * k1x) - 0.1 * (v + 0.5 * h * k1v)
        k3x = v + 0.5 * h * k2v
        k3v = -(x + 0.5 * h * k2x) - 0.1 * (v + 0.5 * h * k2v)
        k4x = v + h * k3v
        k4v = -(x + h * k3x) - 0.1 * (v + h * k3v)
        x, v = x + h / 6.0 * (k1x + 2.0 * k2x + 2.0 * k3x + k4x), v + h / 6.0 * (k1v + 2.0 * k2v + 2.0 * k3v + k4v)
        acc += x * x + v * v
    return acc


HELPERS = ("rotate", "norm2")

# name -> argument tuples.  "full": the default run (all backends, CPython
# included); "quick": the --quick run.  "reduced"/"quick_reduced": fallback
# sizes used only for CPython when a CPython run at the full size exceeds the
# script's time cap (--cpython-cap); the jitted backends are then also timed at
# that size so the CPython speedup always compares identical work.
# "desc" renders the arguments for the table.
KERNELS = {
    "series_sum": dict(
        full=(10_000_000,), reduced=(1_000_000,),
        quick=(1_000_000,), quick_reduced=(100_000,),
        desc="n={}"),
    "collatz": dict(
        fn="collatz_steps",
        full=(300_000,), reduced=(30_000,),
        quick=(30_000,), quick_reduced=(3_000,),
        desc="1..{}"),
    "primes": dict(
        fn="prime_count",
        full=(200_000,), reduced=(30_000,),
        quick=(30_000,), quick_reduced=(5_000,),
        desc="n={}"),
    "fib": dict(
        full=(27,), reduced=(22,),
        quick=(22,), quick_reduced=(18,),
        desc="fib({})"),
    "mandelbrot": dict(
        full=(400, 300, 200), reduced=(100, 75, 200),
        quick=(100, 75, 100), quick_reduced=(40, 30, 100),
        desc="{}x{}, it<={}"),
    "newton_sqrt": dict(
        full=(1_000_000,), reduced=(100_000,),
        quick=(100_000,), quick_reduced=(10_000,),
        desc="n={}"),
    "trapezoid": dict(
        full=(5_000_000,), reduced=(500_000,),
        quick=(500_000,), quick_reduced=(50_000,),
        desc="n={}"),
    "lcg_pi": dict(
        full=(5_000_000,), reduced=(500_000,),
        quick=(500_000,), quick_reduced=(50_000,),
        desc="n={}"),
    "gcd_sum": dict(
        full=(1500,), reduced=(500,),
        quick=(400,), quick_reduced=(150,),
        desc="{0}x{0}"),
    "orbit": dict(
        full=(10_000_000,), reduced=(1_000_000,),
        quick=(1_000_000,), quick_reduced=(100_000,),
        desc="n={}"),
    "spin": dict(
        full=(10_000_000,), reduced=(1_000_000,),
        quick=(1_000_000,), quick_reduced=(100_000,),
        desc="n={}"),
    "rk4_osc": dict(
        full=(2_000_000,), reduced=(200_000,),
        quick=(200_000,), quick_reduced=(20_000,),
        desc="n={}"),
}


def _clone(fn, namespace):
    """A fresh function object sharing fn's code but using ``namespace`` as
    its globals (source lookup via co_filename/co_firstlineno still works)."""
    new = types.FunctionType(fn.__code__, namespace, fn.__name__,
                             fn.__defaults__, fn.__closure__)
    new.__kwdefaults__ = fn.__kwdefaults__
    new.__qualname__ = fn.__qualname__
    new.__doc__ = fn.__doc__
    new.__module__ = fn.__module__
    new.__dict__.update(fn.__dict__)
    return new


def make(decorator, names=None):
    """Return {kernel_name: callable} with every kernel (and every helper it
    may call) cloned into a fresh namespace and wrapped by ``decorator``.

    ``decorator`` is e.g. ``ember.njit``, ``numba.njit`` or ``lambda f: f``.
    Helpers are decorated before the kernels; recursion and helper calls
    resolve through the namespace at call/compile time.
    """
    if names is None:
        names = list(KERNELS)
    g = globals()
    namespace = dict(g)  # keeps `math` and module dunders (__name__, __file__)
    for fname in HELPERS:
        namespace[fname] = decorator(_clone(g[fname], namespace))
    out = {}
    for name in names:
        fname = KERNELS[name].get("fn", name)
        jitted = decorator(_clone(g[fname], namespace))
        namespace[fname] = jitted
        out[name] = jitted
    return out
