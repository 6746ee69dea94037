"""Array-loop kernels for bench_loops_c.py, each written twice: in Python and in C.

The Python versions are plain loops over NumPy arrays (ember and numba compile them, CPython
runs them as written); the C versions are the same loops, statement for statement, in the
`C_SOURCE` below, which bench_loops_c.py compiles with `gcc -O3 -march=native` and calls through
ctypes. Each entry of `KERNELS` names the Python function, the C function, a function making
the arguments (a fresh copy for kernels that write in place) and how the C function takes them.

The classes, from issue 17:
- short inner loops over a small array dimension: `sqdist` (squared distance of every point
  to one point, d coordinates) and `assign` (nearest of 8 centres, k-means style), d = 1..16;
- small unsigned integers with shifts and XOR: `crc32_table` (table-driven, uint32 state) and
  `crc32_bitwise` (eight shift/XOR steps per byte);
- loop-carried dependencies through memory: `iir_rows_cols` (a first-order recursive filter
  along rows, then along columns, in place) and `gauss_seidel` (in-place 5-point sweeps);
- a raise exit in the loop: `histogram` (int() of a float, a bounds-checked bin);
- narrow integers that Python's typing widens to int64 and the store wraps back: `i8_floor`
  ((a*b + 7) // 4 on int8), `u8_blend` (alpha blending of uint8 pixels, // 255), `u16_blend`
  (the same on uint16 samples, >> 16, in 32-bit lanes), `i16_mix`
  (two int16 channels mixed with >> and clipped with min/max), `i32_mod_hash` (% by constants
  on int32). The C versions compute in int as C promotes, with Python's floor and modulo;
- a recurrence of two states along an array: `state_space2` (a 2x2 linear filter), which LLVM
  19's SLP vectoriser packs into one vector whose loop-carried chain swaps lanes (codegen/jit.c
  then compiles it again without SLP; the scalar twins of this class are in kernels_scalar.py);
- a float sum in Python's order over loads that are not contiguous: `matmul_loops` (the naive
  i, j, k matrix product, a column of b per sum) and `indexed_dot` (w[i] * x[idx[i]]), which
  LLVM 19 vectorises with gathers and an in-order reduction, slower than the scalar loop
  (codegen/jit.c then compiles the loop again scalar);
- a loop whose condition compares one value with several constants: `life_step` (a Game of Life
  generation: born on 3 neighbours, kept on 2 or 3), where simplifycfg makes a switch, which
  LLVM 19's loop vectoriser refuses unless lowered to branches first (codegen/jit.c);
- periodic indices, `%` by a divisor that is not a constant: `torus_diffuse` (a 5-point
  diffusion step on a torus, (i + 1) % n and (j - 1) % m for every cell), where
  codegen/lower_ops.c takes a % that moved by one from the last without a division, and
  `torus_box9` (a 3x3 box sum on a torus written with `for di in range(-1, 2)` offset loops),
  where the unrolled offset loops' divisions are hoisted or shared instead (codegen/lower_defer.c,
  cg_mod_divides);
- a reduction saturated by two `if`s after its loop: `fir_q15_sat` (an int16 FIR in Q15, the
  accumulator clamped to int16 with `if acc > 32767: acc = 32767` then `if acc < -32768`), where
  both branches are marked as clamps (codegen/lower.c, clamp_target) so that JumpThreading does
  not freeze the inner loop's accumulator.
"""

import numpy as np


def sqdist(x, y, out):
    n = x.shape[0]
    d = x.shape[1]
    for i in range(n):
        s = 0.0
        for k in range(d):
            v = x[i, k] - y[k]
            s += v * v
        out[i] = s


def assign(x, c):
    n = x.shape[0]
    d = x.shape[1]
    m = c.shape[0]
    total = 0
    for i in range(n):
        best = 1e300
        bj = 0
        for j in range(m):
            s = 0.0
            for k in range(d):
                v = x[i, k] - c[j, k]
                s += v * v
            if s < best:
                best = s
                bj = j
        total += bj
    return total


def crc32_table(data, table):
    c = np.uint32(0xFFFFFFFF)
    for i in range(data.shape[0]):
        c = table[(c ^ data[i]) & 0xFF] ^ (c >> 8)
    return c ^ np.uint32(0xFFFFFFFF)


def crc32_bitwise(data):
    c = 0xFFFFFFFF
    for i in range(data.shape[0]):
        c ^= int(data[i])
        for _ in range(8):
            c = (c >> 1) ^ (0xEDB88320 & -(c & 1))
    return c ^ 0xFFFFFFFF


def iir_rows_cols(img, a):
    h, w = img.shape
    for r in range(h):
        for c in range(1, w):
            img[r, c] = img[r, c] + a * (img[r, c - 1] - img[r, c])
    for r in range(1, h):
        for c in range(w):
            img[r, c] = img[r, c] + a * (img[r - 1, c] - img[r, c])
    return img[h - 1, w - 1]


def gauss_seidel(u, f, iters):
    h, w = u.shape
    for _ in range(iters):
        for i in range(1, h - 1):
            for j in range(1, w - 1):
                u[i, j] = 0.25 * (u[i - 1, j] + u[i + 1, j] + u[i, j - 1] + u[i, j + 1] - f[i, j])
    return u[h // 2, w // 2]


def histogram(x, lo, hi, counts):
    nb = counts.shape[0]
    scale = nb / (hi - lo)
    for i in range(x.shape[0]):
        b = int((x[i] - lo) * scale)
        if b == nb:
            b = nb - 1
        counts[b] += 1
    return counts[0]


def i8_floor(a, b, out):
    for i in range(a.shape[0]):
        out[i] = (a[i] * b[i] + 7) // 4


def u8_blend(a, b, w, out):
    for i in range(a.shape[0]):
        out[i] = (a[i] * w[i] + b[i] * (255 - w[i])) // 255


def u16_blend(a, b, w, out):
    # 16-bit samples mixed by a 16-bit weight: 32-bit unsigned lanes, w widened once (codegen/widen.c)
    for i in range(a.shape[0]):
        out[i] = (a[i] * w[i] + b[i] * (65535 - w[i])) >> 16


def i16_mix(x, y, out):
    for i in range(x.shape[0]):
        v = (x[i] * 3 + y[i] * 5) >> 3
        out[i] = min(max(v, -32768), 32767)


def i32_mod_hash(a, out):
    for i in range(a.shape[0]):
        h = a[i] % 1000003
        out[i] = (h * 31 + (a[i] >> 16)) % 65521 - 32768


def state_space2(x, out):
    # a two-state linear filter along an array (a rotation by 0.22 rad scaled by 0.92, fed by
    # the input): SLP packs (s0, s1) into one vector whose chain swaps lanes every sample
    s0 = 0.0
    s1 = 0.0
    for i in range(x.shape[0]):
        u = x[i]
        s0, s1 = 0.9 * s0 - 0.2 * s1 + u, 0.2 * s0 + 0.9 * s1 + 0.5 * u
        out[i] = s0 + s1
    return s0


def matmul_loops(a, b, out):
    n, m = a.shape
    p = b.shape[1]
    for i in range(n):
        for j in range(p):
            s = 0.0
            for k in range(m):
                s += a[i, k] * b[k, j]
            out[i, j] = s


def indexed_dot(w, x, idx):
    s = 0.0
    for i in range(idx.shape[0]):
        s += w[i] * x[idx[i]]
    return s


def life_step(g, new):
    n, m = g.shape
    for i in range(1, n - 1):
        for j in range(1, m - 1):
            c = 0
            for di in range(-1, 2):
                for dj in range(-1, 2):
                    if di != 0 or dj != 0:
                        c += g[i + di, j + dj]
            new[i, j] = 1 if c == 3 or (c == 2 and g[i, j] == 1) else 0


def torus_diffuse(u, k, out):
    n, m = u.shape
    for i in range(n):
        for j in range(m):
            lap = u[(i + 1) % n, j] + u[(i - 1) % n, j] + u[i, (j + 1) % m] + u[i, (j - 1) % m] - 4.0 * u[i, j]
            out[i, j] = u[i, j] + k * lap


def fir_q15_sat(x, h, y):
    n, m = x.shape[0], h.shape[0]
    for i in range(n):
        acc = 0
        for k in range(m):
            if i - k >= 0:
                acc += x[i - k] * h[k]
        acc = acc >> 15
        if acc > 32767:
            acc = 32767
        if acc < -32768:
            acc = -32768
        y[i] = acc


def torus_box9(u, out):
    n, m = u.shape
    for i in range(n):
        for j in range(m):
            s = 0.0
            for di in range(-1, 2):
                for dj in range(-1, 2):
                    s += u[(i + di) % n, (j + dj) % m]
            out[i, j] = s


def min_plus_rows(d):
    n = d.shape[0]
    for k in range(n):
        for i in range(n):
            dik = d[i, k]
            for j in range(n):
                d[i, j] = min(d[i, j], dik + d[k, j])
    return d[n // 2, n // 3] + d[n - 1, 0]


def gauss_jordan(a):
    n = a.shape[0]
    for k in range(n):
        p = a[k, k]
        for j in range(n):
            a[k, j] = a[k, j] / p
        for i in range(n):
            if i != k:
                f = a[i, k]
                for j in range(n):
                    a[i, j] = a[i, j] - f * a[k, j]
    return a[n // 2, n // 3] + a[n - 1, 0]


def exchange_sort_rows(a):
    for r in range(a.shape[0]):
        n = a.shape[1]
        for i in range(n):
            for j in range(i + 1, n):
                if a[r, j] < a[r, i]:
                    t = a[r, i]
                    a[r, i] = a[r, j]
                    a[r, j] = t
    return a[0, 1] + a[a.shape[0] - 1, a.shape[1] // 2]


C_SOURCE = r"""
#include <stdint.h>
#include <math.h>

void sqdist(const double *x, const double *y, double *out, int64_t n, int64_t d) {
    for (int64_t i = 0; i < n; i++) {
        double s = 0.0;
        for (int64_t k = 0; k < d; k++) {
            double v = x[i * d + k] - y[k];
            s += v * v;
        }
        out[i] = s;
    }
}

int64_t assign(const double *x, const double *c, int64_t n, int64_t d, int64_t m) {
    int64_t total = 0;
    for (int64_t i = 0; i < n; i++) {
        double best = 1e300;
        int64_t bj = 0;
        for (int64_t j = 0; j < m; j++) {
            double s = 0.0;
            for (int64_t k = 0; k < d; k++) {
                double v = x[i * d + k] - c[j * d + k];
                s += v * v;
            }
            if (s < best) { best = s; bj = j; }
        }
        total += bj;
    }
    return total;
}

int64_t crc32_table(const uint8_t *data, const uint32_t *table, int64_t n) {
    uint32_t c = 0xFFFFFFFFu;
    for (int64_t i = 0; i < n; i++) c = table[(c ^ data[i]) & 0xFF] ^ (c >> 8);
    return c ^ 0xFFFFFFFFu;
}

int64_t crc32_bitwise(const uint8_t *data, int64_t n) {
    int64_t c = 0xFFFFFFFF;
    for (int64_t i = 0; i < n; i++) {
        c ^= data[i];
        for (int k = 0; k < 8; k++) c = (c >> 1) ^ (0xEDB88320 & -(c & 1));
    }
    return c ^ 0xFFFFFFFF;
}

double iir_rows_cols(double *img, double a, int64_t h, int64_t w) {
    for (int64_t r = 0; r < h; r++)
        for (int64_t c = 1; c < w; c++)
            img[r * w + c] = img[r * w + c] + a * (img[r * w + c - 1] - img[r * w + c]);
    for (int64_t r = 1; r < h; r++)
        for (int64_t c = 0; c < w; c++)
            img[r * w + c] = img[r * w + c] + a * (img[(r - 1) * w + c] - img[r * w + c]);
    return img[(h - 1) * w + w - 1];
}

double gauss_seidel(double *u, const double *f, int64_t iters, int64_t h, int64_t w) {
    for (int64_t t = 0; t < iters; t++)
        for (int64_t i = 1; i < h - 1; i++)
            for (int64_t j = 1; j < w - 1; j++)
                u[i * w + j] = 0.25 * (u[(i - 1) * w + j] + u[(i + 1) * w + j] + u[i * w + j - 1]
                                       + u[i * w + j + 1] - f[i * w + j]);
    return u[h / 2 * w + w / 2];
}

int64_t histogram(const double *x, double lo, double hi, int64_t *counts, int64_t n, int64_t nb) {
    double scale = nb / (hi - lo);
    for (int64_t i = 0; i < n; i++) {
        int64_t b = (int64_t)((x[i] - lo) * scale);
        if (b == nb) b = nb - 1;
        counts[b] += 1;
    }
    return counts[0];
}

static inline int pyfloordiv(int a, int b) { int q = a / b; return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q; }
static inline int pymod(int a, int b) { int r = a % b; return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r; }

double i8_floor(const int8_t *a, const int8_t *b, int8_t *out, int64_t n) {
    for (int64_t i = 0; i < n; i++) out[i] = (int8_t)pyfloordiv(a[i] * b[i] + 7, 4);
    return 0;
}

double u8_blend(const uint8_t *a, const uint8_t *b, const uint8_t *w, uint8_t *out, int64_t n) {
    for (int64_t i = 0; i < n; i++) out[i] = (uint8_t)((a[i] * w[i] + b[i] * (255 - w[i])) / 255);
    return 0;
}

double u16_blend(const uint16_t *a, const uint16_t *b, const uint16_t *w, uint16_t *out, int64_t n) {
    for (int64_t i = 0; i < n; i++)
        out[i] = (uint16_t)(((uint32_t)a[i] * w[i] + (uint32_t)b[i] * (uint32_t)(65535 - w[i])) >> 16);
    return 0;
}

double i16_mix(const int16_t *x, const int16_t *y, int16_t *out, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        int v = (x[i] * 3 + y[i] * 5) >> 3;
        out[i] = (int16_t)(v < -32768 ? -32768 : v > 32767 ? 32767 : v);
    }
    return 0;
}

double i32_mod_hash(const int32_t *a, int32_t *out, int64_t n) {
    for (int64_t i = 0; i < n; i++) {
        int h = pymod(a[i], 1000003);
        out[i] = pymod(h * 31 + (a[i] >> 16), 65521) - 32768;
    }
    return 0;
}

double state_space2(const double *x, double *out, int64_t n) {
    double s0 = 0.0, s1 = 0.0;
    for (int64_t i = 0; i < n; i++) {
        double u = x[i];
        double t0 = 0.9 * s0 - 0.2 * s1 + u, t1 = 0.2 * s0 + 0.9 * s1 + 0.5 * u;
        s0 = t0;
        s1 = t1;
        out[i] = s0 + s1;
    }
    return s0;
}

void matmul_loops(const double *a, const double *b, double *out, int64_t n, int64_t m, int64_t p) {
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < p; j++) {
            double s = 0.0;
            for (int64_t k = 0; k < m; k++) s += a[i * m + k] * b[k * p + j];
            out[i * p + j] = s;
        }
}

double indexed_dot(const double *w, const double *x, const int64_t *idx, int64_t n) {
    double s = 0.0;
    for (int64_t i = 0; i < n; i++) s += w[i] * x[idx[i]];
    return s;
}

void life_step(const int64_t *g, int64_t *new_, int64_t n, int64_t m) {
    for (int64_t i = 1; i < n - 1; i++)
        for (int64_t j = 1; j < m - 1; j++) {
            int64_t c = 0;
            for (int64_t di = -1; di < 2; di++)
                for (int64_t dj = -1; dj < 2; dj++)
                    if (di != 0 || dj != 0) c += g[(i + di) * m + j + dj];
            new_[i * m + j] = (c == 3 || (c == 2 && g[i * m + j] == 1)) ? 1 : 0;
        }
}

static inline int64_t pymod64(int64_t a, int64_t b) { int64_t r = a % b; return (r != 0 && ((r < 0) != (b < 0))) ? r + b : r; }

void fir_q15_sat(const int16_t *x, const int16_t *h, int16_t *y, int64_t n, int64_t m) {
    for (int64_t i = 0; i < n; i++) {
        int64_t acc = 0;
        for (int64_t k = 0; k < m; k++)
            if (i - k >= 0) acc += (int64_t)x[i - k] * h[k];
        acc >>= 15;
        if (acc > 32767) acc = 32767;
        if (acc < -32768) acc = -32768;
        y[i] = (int16_t)acc;
    }
}

void torus_box9(const double *u, double *out, int64_t n, int64_t m) {
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < m; j++) {
            double s = 0.0;
            for (int64_t di = -1; di < 2; di++)
                for (int64_t dj = -1; dj < 2; dj++)
                    s += u[pymod64(i + di, n) * m + pymod64(j + dj, m)];
            out[i * m + j] = s;
        }
}

void torus_diffuse(const double *u, double k, double *out, int64_t n, int64_t m) {
    for (int64_t i = 0; i < n; i++)
        for (int64_t j = 0; j < m; j++) {
            double lap = u[pymod64(i + 1, n) * m + j] + u[pymod64(i - 1, n) * m + j] + u[i * m + pymod64(j + 1, m)] +
                         u[i * m + pymod64(j - 1, m)] - 4.0 * u[i * m + j];
            out[i * m + j] = u[i * m + j] + k * lap;
        }
}
double min_plus_rows(double *d, int64_t n) {
    for (int64_t k = 0; k < n; k++)
        for (int64_t i = 0; i < n; i++) {
            double dik = d[i * n + k];
            for (int64_t j = 0; j < n; j++) {
                double alt = dik + d[k * n + j];
                d[i * n + j] = alt < d[i * n + j] ? alt : d[i * n + j];
            }
        }
    return d[n / 2 * n + n / 3] + d[(n - 1) * n];
}

double gauss_jordan(double *a, int64_t n) {
    for (int64_t k = 0; k < n; k++) {
        double p = a[k * n + k];
        for (int64_t j = 0; j < n; j++) a[k * n + j] = a[k * n + j] / p;
        for (int64_t i = 0; i < n; i++) {
            if (i == k) continue;
            double f = a[i * n + k];
            for (int64_t j = 0; j < n; j++) a[i * n + j] = a[i * n + j] - f * a[k * n + j];
        }
    }
    return a[n / 2 * n + n / 3] + a[(n - 1) * n];
}
double exchange_sort_rows(double *a, int64_t h, int64_t w) {
    for (int64_t r = 0; r < h; r++)
        for (int64_t i = 0; i < w; i++)
            for (int64_t j = i + 1; j < w; j++)
                if (a[r * w + j] < a[r * w + i]) {
                    double t = a[r * w + i];
                    a[r * w + i] = a[r * w + j];
                    a[r * w + j] = t;
                }
    return a[1] + a[(h - 1) * w + w / 2];
}
"""


def _crc_table():
    t = np.empty(256, np.uint32)
    for i in range(256):
        c = i
        for _ in range(8):
            c = (c >> 1) ^ (0xEDB88320 if c & 1 else 0)
        t[i] = c
    return t


def _rng():
    return np.random.default_rng(17)


def _points(n, d):
    r = _rng()
    return r.random((n, d)), r.random(d)


# Each argument maker returns (python_args, c_args): the C function gets data pointers of the
# same arrays followed by their sizes. `fresh` kernels write their input, so each call gets a
# new copy (made outside the timed region).
def _sqdist_args(n, d):
    x, y = _points(n, d)
    out = np.empty(n)
    return (x, y, out), (x, y, out, n, d)


def _assign_args(n, d):
    r = _rng()
    x, c = r.random((n, d)), r.random((8, d))
    return (x, c), (x, c, n, d, 8)


def _crc_table_args(n):
    data = _rng().integers(0, 256, n).astype(np.uint8)
    table = _crc_table()
    return (data, table), (data, table, n)


def _crc_bitwise_args(n):
    data = _rng().integers(0, 256, n).astype(np.uint8)
    return (data,), (data, n)


def _iir_args(h, w):
    img = _rng().random((h, w))
    return (img, 0.3), (img, 0.3, h, w)


def _gs_args(h, w, iters):
    r = _rng()
    u, f = r.random((h, w)), r.random((h, w)) * 0.01
    return (u, f, iters), (u, f, iters, h, w)


def _histogram_args(n, nb):
    x = _rng().random(n) * 10.0
    counts = np.zeros(nb, np.int64)
    return (x, 0.0, 10.0, counts), (x, 0.0, 10.0, counts, n, nb)


def _ints(n, dt, k):
    info = np.iinfo(dt)
    return [_rng().integers(info.min, info.max, n, endpoint=True).astype(dt) for _ in range(k)]


def _i8_floor_args(n):
    a, b = _ints(n, np.int8, 2)
    out = np.zeros(n, np.int8)
    return (a, b, out), (a, b, out, n)


def _u8_blend_args(n):
    a, b, w = _ints(n, np.uint8, 3)
    out = np.zeros(n, np.uint8)
    return (a, b, w, out), (a, b, w, out, n)


def _u16_blend_args(n):
    a, b, w = _ints(n, np.uint16, 3)
    out = np.zeros(n, np.uint16)
    return (a, b, w, out), (a, b, w, out, n)


def _i16_mix_args(n):
    x, y = _ints(n, np.int16, 2)
    out = np.zeros(n, np.int16)
    return (x, y, out), (x, y, out, n)


def _i32_mod_hash_args(n):
    a, = _ints(n, np.int32, 1)
    out = np.zeros(n, np.int32)
    return (a, out), (a, out, n)


def _matmul_loops_args(n):
    r = _rng()
    a, b, out = r.random((n, n)), r.random((n, n)), np.zeros((n, n))
    return (a, b, out), (a, b, out, n, n, n)


def _indexed_dot_args(n, table):
    r = _rng()
    w, x, idx = r.random(n), r.random(table), r.integers(0, table, n)
    return (w, x, idx), (w, x, idx, n)


def _life_args(n):
    g = (_rng().random((n, n)) < 0.3).astype(np.int64)
    new = np.zeros_like(g)
    return (g, new), (g, new, n, n)


def _torus_args(n):
    u, out = _rng().random((n, n)), np.zeros((n, n))
    return (u, 0.1, out), (u, 0.1, out, n, n)


def _fir_args(n, m):
    rng = _rng()
    x = rng.integers(-32768, 32767, n).astype(np.int16)
    h = (rng.random(m) * 2000).astype(np.int16)
    y = np.zeros(n, np.int16)
    return (x, h, y), (x, h, y, n, m)


def _torus_box_args(n):
    u, out = _rng().random((n, n)), np.zeros((n, n))
    return (u, out), (u, out, n, n)


def _state_space2_args(n):
    x = _rng().random(n) - 0.5
    out = np.zeros(n)
    return (x, out), (x, out, n)


def _min_plus_args(n):
    d = _rng().random((n, n)) * 10.0
    return (d,), (d, n)


def _gauss_jordan_args(n):
    a = _rng().random((n, n)) + np.eye(n) * n
    return (a,), (a, n)


def _exchange_sort_args(h, w):
    a = _rng().random((h, w))
    return (a,), (a, h, w)


# name -> python function, C function, argument maker and its arguments, result kind
# ("int", "float": compared exactly / to 1e-9; "array": the named output array), whether the
# kernel writes its input (fresh arguments per call), and a short description.
KERNELS = {}


def _add(name, fn, make, size, result, fresh=False, desc=""):
    KERNELS[name] = dict(fn=fn, make=make, size=size, result=result, fresh=fresh, desc=desc)


for _d in (1, 2, 3, 4, 5, 6, 7, 8, 12, 16):
    _add("sqdist_d%d" % _d, sqdist, _sqdist_args, (200_000, _d), "out", desc="200k points, d=%d" % _d)
for _d in (2, 3, 4, 8):
    _add("assign_d%d" % _d, assign, _assign_args, (20_000, _d), "int", desc="20k points, 8 centres, d=%d" % _d)
_add("crc32_table", crc32_table, _crc_table_args, (1 << 20,), "int", desc="1 MiB")
_add("crc32_bitwise", crc32_bitwise, _crc_bitwise_args, (1 << 18,), "int", desc="256 KiB")
_add("iir_rows_cols", iir_rows_cols, _iir_args, (1000, 1000), "float", fresh=True, desc="1000x1000")
_add("gauss_seidel", gauss_seidel, _gs_args, (300, 300, 10), "float", fresh=True, desc="300x300, 10 sweeps")
_add("histogram", histogram, _histogram_args, (1_000_000, 100), "int", fresh=True, desc="1M values, 100 bins")
_add("i8_floor", i8_floor, _i8_floor_args, (1 << 20,), "out", desc="1M int8")
_add("u8_blend", u8_blend, _u8_blend_args, (1 << 20,), "out", desc="1M uint8 pixels")
_add("u16_blend", u16_blend, _u16_blend_args, (1 << 20,), "out", desc="1M uint16 samples")
_add("i16_mix", i16_mix, _i16_mix_args, (1 << 20,), "out", desc="1M int16 samples")
_add("i32_mod_hash", i32_mod_hash, _i32_mod_hash_args, (1 << 20,), "out", desc="1M int32")
_add("state_space2", state_space2, _state_space2_args, (1 << 21,), "out", desc="2M samples")
_add("matmul_loops", matmul_loops, _matmul_loops_args, (150,), "out", desc="150x150 @ 150x150, naive i, j, k")
_add("life_step", life_step, _life_args, (512,), "out", desc="512x512 cells, 30% alive")
_add("torus_diffuse", torus_diffuse, _torus_args, (512,), "out", desc="512x512, 4 periodic neighbours")
_add("fir_q15_sat", fir_q15_sat, _fir_args, (400_000, 32), "out", desc="400k int16 samples, 32 taps, saturated")
_add("torus_box9", torus_box9, _torus_box_args, (256,), "out", desc="256x256, 3x3 periodic box sum, offset loops")
_add("indexed_dot", indexed_dot, _indexed_dot_args, (1 << 20, 1 << 16), "float", desc="1M products, a 512 KiB table")
_add("min_plus_rows", min_plus_rows, _min_plus_args, (300,), "float", fresh=True,
     desc="300x300, d[i, j] = min(d[i, j], d[i, k] + d[k, j]), rows of one array")
_add("gauss_jordan", gauss_jordan, _gauss_jordan_args, (200,), "float", fresh=True,
     desc="200x200, every row but the pivot's minus a multiple of it")
_add("exchange_sort_rows", exchange_sort_rows, _exchange_sort_args, (50, 300), "float", fresh=True,
     desc="50 rows of 300, if a[r, j] < a[r, i]: swap (a store a later trip reads)")
