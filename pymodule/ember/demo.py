"""ember's speedup demo: python -m ember.demo

Runs a few scalar kernels under CPython and under ember and prints the times."""
import math
import time

from ember import njit


def series(n):
    s = 0.0
    for k in range(1, n + 1):
        s += 1.0 / (k * k)
    return s


def collatz_steps(n):
    total = 0
    for i in range(1, n + 1):
        x = i
        while x != 1:
            x = x // 2 if x % 2 == 0 else 3 * x + 1
            total += 1
    return total


def mandel(w, h, iters):
    count = 0
    for py in range(h):
        for px in range(w):
            c = complex(-2.0 + 3.0 * px / w, -1.2 + 2.4 * py / h)
            z = 0j
            k = 0
            while k < iters and abs(z) <= 2.0:
                z = z * z + c
                k += 1
            count += k
    return count


def trapezoid(a, b, n):
    h = (b - a) / n
    s = 0.5 * (math.sin(a) * math.exp(-a) + math.sin(b) * math.exp(-b))
    for i in range(1, n):
        x = a + i * h
        s += math.sin(x) * math.exp(-x)
    return s * h


CASES = [
    ("series sum, 1/k^2", series, (2_000_000,)),
    ("collatz steps, 1..100k", collatz_steps, (100_000,)),
    ("mandelbrot 200x120", mandel, (200, 120, 100)),
    ("trapezoid sin*exp", trapezoid, (0.0, 10.0, 1_000_000)),
]


def _time(f, args, repeat=1):
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        r = f(*args)
        best = min(best, time.perf_counter() - t)
    return best, r


def main():
    print("%-26s %12s %14s %12s %9s" % ("kernel", "CPython", "ember 1st call", "ember", "speedup"))
    for name, fn, args in CASES:
        t_py, r_py = _time(fn, args)
        jf = njit(fn)
        t_first, _ = _time(jf, args)
        t_jit, r_jit = _time(jf, args, repeat=5)
        ok = r_py == r_jit or (isinstance(r_py, float) and math.isclose(r_py, r_jit, rel_tol=1e-9))
        print("%-26s %10.1fms %12.1fms %10.2fms %8.0fx%s" % (
            name, t_py * 1e3, t_first * 1e3, t_jit * 1e3, t_py / t_jit, "" if ok else "  MISMATCH"))


if __name__ == "__main__":
    main()
