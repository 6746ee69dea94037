/* lapack.c: ?gemm and the LAPACK decompositions of np.linalg for float32, float64, complex64 and
 * complex128 (declared in lapack.h), in the library runtime/linalg.c loaded.
 *
 * How: each routine is looked up once per kind by its ILP64 spelling (scipy_sgesv_64_, ...;
 * ember_rt_linalg_symbol tries the older spellings too) and kept in a table written with atomic
 * stores, so threads that race to fill it store the same pointer. Elements move between
 * strided views and column-major scratch by ember_rt_copy2d (whole columns or rows where both
 * sides have them contiguous, else 32 x 32 tiles of fixed-size moves); arithmetic outside the
 * library (pivots, determinant signs, pinv's scaling) goes through double complex. gemm reads an
 * operand in place when it is column- or row-major (the latter as the transpose) and otherwise
 * packs it, like linalg.c's float64 product; the decompositions always work on packed copies
 * and call the workspace query first (lwork = -1), as NumPy's umath_linalg does.
 */
#include "rt.h"   /* first: Python.h */
#include "lapack.h"
#include "linalg.h"
#include <complex.h>
#include <stdio.h>
#include <math.h>
#include <float.h>
#include <stdlib.h>
#include <string.h>

void ember_rt_raise(const char *exc, const char *msg); /* error.c */

typedef int64_t lint; /* ILP64 */

static const int esize[4] = {4, 8, 8, 16};
static const char letter[4] = {'s', 'd', 'c', 'z'};
static int is_cplx(int k) { return k >= LA_C; }
static int real_kind(int k) { return k == LA_C ? LA_S : k == LA_Z ? LA_D : k; }
static lint max1(lint x) { return x > 1 ? x : 1; }

/* ---- routines ------------------------------------------------------------------------ */
enum { R_GEMM, R_GESV, R_GETRF, R_POTRF, R_EVD, R_GESDD, R_GEQRF, R_ORGQR, R_GEEV, R_GELSD, R_DOT, R_DOTC, R_GEMV, R_COUNT };
static const char *const rname[R_COUNT] = {"gemm", "gesv", "getrf", "potrf", "evd",  "gesdd",
                                           "geqrf", "orgqr", "geev", "gelsd", "dot", "dot", "gemv"};
static void *routines[4][R_COUNT];

static void *routine(int k, int r) {
    void *f = __atomic_load_n(&routines[k][r], __ATOMIC_ACQUIRE);
    if (f) return f;
    char name[3][48];
    const char *base = rname[r];
    char tail[16];
    if (r == R_EVD) base = is_cplx(k) ? "heevd" : "syevd";
    if (r == R_ORGQR) base = is_cplx(k) ? "ungqr" : "orgqr";
    if (r == R_DOT && is_cplx(k)) base = "dotu_sub";   /* NumPy's complex dot: no conjugate, result by pointer */
    if (r == R_DOTC && is_cplx(k)) base = "dotc_sub";  /* np.vdot: the first conjugated */
    snprintf(tail, sizeof tail, "%c%s", letter[k], base);
    if (r == R_GEMM || r == R_DOT || r == R_DOTC || r == R_GEMV) {
        snprintf(name[0], sizeof name[0], "scipy_cblas_%s64_", tail);
        snprintf(name[1], sizeof name[1], "cblas_%s64_", tail);
    } else {
        snprintf(name[0], sizeof name[0], "scipy_%s_64_", tail);
        snprintf(name[1], sizeof name[1], "%s_64_", tail);
    }
    const char *names[3] = {name[0], name[1], NULL};
    f = ember_rt_linalg_symbol(names);
    if (!f) {
        char msg[96];   /* the record keeps constant messages by pointer: this one goes in as a string */
        snprintf(msg, sizeof msg, "ember: the BLAS/LAPACK library has no %s", name[0]);
        RtStr *s = rt_str_from_kind(1, msg, (int64_t)strlen(msg));
        if (s) rt_raise_str("builtins:RuntimeError", s);
        else ember_rt_raise("builtins:RuntimeError", "ember: the BLAS/LAPACK library lacks a routine");
        return NULL;
    }
    __atomic_store_n(&routines[k][r], f, __ATOMIC_RELEASE);
    return f;
}

/* ---- elements and scratch --------------------------------------------------------------- */
static double complex get(int k, const char *p) {
    switch (k) {
    case LA_S: { float v; memcpy(&v, p, 4); return v; }
    case LA_D: { double v; memcpy(&v, p, 8); return v; }
    case LA_C: { float complex v; memcpy(&v, p, 8); return v; }
    default: { double complex v; memcpy(&v, p, 16); return v; }
    }
}

static void put(int k, char *p, double complex v) {
    switch (k) {
    case LA_S: { float x = (float)creal(v); memcpy(p, &x, 4); break; }
    case LA_D: { double x = creal(v); memcpy(p, &x, 8); break; }
    case LA_C: { float complex x = (float complex)v; memcpy(p, &x, 8); break; }
    default: memcpy(p, &v, 16); break;
    }
}

static char *scratch(int k, int64_t count) {
    char *p = malloc((size_t)(count > 0 ? count : 1) * (size_t)esize[k]);
    if (!p) ember_rt_raise("builtins:MemoryError", "linalg: cannot allocate scratch memory");
    return p;
}

/* One tile (at most TILE x TILE) of copy2d with the element size e a constant after inlining,
 * so each element moves as one load and store; the inner loop walks the destination's rows. */
enum { TILE = 32 };
static inline __attribute__((always_inline)) void copy_tile(int64_t e, char *d, int64_t drs, int64_t dcs, const char *s,
                                                            int64_t srs, int64_t scs, int64_t rows, int64_t cols) {
    for (int64_t j = 0; j < cols; j++)
        for (int64_t i = 0; i < rows; i++) memcpy(d + i * drs + j * dcs, s + i * srs + j * scs, (size_t)e);
}

void ember_rt_copy2d(int64_t e, char *d, int64_t drs, int64_t dcs, const char *s, int64_t srs, int64_t scs, int64_t rows,
                     int64_t cols) {
    if (rows <= 0 || cols <= 0) return;
    if (srs == e && drs == e) {   /* columns contiguous on both sides */
        for (int64_t j = 0; j < cols; j++) memcpy(d + j * dcs, s + j * scs, (size_t)(rows * e));
        return;
    }
    if (scs == e && dcs == e) {   /* rows contiguous on both sides */
        for (int64_t i = 0; i < rows; i++) memcpy(d + i * drs, s + i * srs, (size_t)(cols * e));
        return;
    }
    for (int64_t j0 = 0; j0 < cols; j0 += TILE)   /* a transpose: by tiles, so both sides stay in cache */
        for (int64_t i0 = 0; i0 < rows; i0 += TILE) {
            int64_t r = rows - i0 < TILE ? rows - i0 : TILE, c = cols - j0 < TILE ? cols - j0 : TILE;
            char *dt = d + i0 * drs + j0 * dcs;
            const char *st = s + i0 * srs + j0 * scs;
            switch (e) {
            case 4: copy_tile(4, dt, drs, dcs, st, srs, scs, r, c); break;
            case 8: copy_tile(8, dt, drs, dcs, st, srs, scs, r, c); break;
            case 16: copy_tile(16, dt, drs, dcs, st, srs, scs, r, c); break;
            default: copy_tile(e, dt, drs, dcs, st, srs, scs, r, c); break;
            }
        }
}

static void pack(int k, char *dst, const char *src, int64_t rows, int64_t cols, int64_t rs, int64_t cs) {
    int64_t e = esize[k];
    ember_rt_copy2d(e, dst, e, rows * e, src, rs, cs, rows, cols);
}

static void unpack(int k, char *dst, int64_t rs, int64_t cs, const char *src, int64_t ld, int64_t rows, int64_t cols) {
    int64_t e = esize[k];
    ember_rt_copy2d(e, dst, rs, cs, src, e, ld * e, rows, cols);
}

static int lapack_failed(const char *what) {
    ember_rt_raise("numpy.linalg:LinAlgError", what);
    return -1;
}

/* Whether the count packed elements at p are finite. The drivers that NumPy checks first (geev:
 * "Array must not contain infs or NaNs") or that fail on a NaN (gelsd) are not called with one:
 * LAPACK would print its parameter errors to stderr. */
static bool all_finite(int k, const char *p, int64_t count) {
    for (int64_t i = 0; i < count; i++) {
        double complex v = get(k, p + i * esize[k]);
        if (!isfinite(creal(v)) || !isfinite(cimag(v))) return false;
    }
    return true;
}

/* ---- gemm ------------------------------------------------------------------------------- */
enum { COL_MAJOR = 102, NO_TRANS = 111, TRANS = 112 };

/* How ?gemm reads a rows x cols view in place (see linalg.c's blas_layout), or 0. */
static int layout(int k, const char *data, int64_t rows, int64_t cols, int64_t rs, int64_t cs, lint *ld) {
    int64_t e = esize[k];
    if ((uintptr_t)data % (uintptr_t)(e > 8 ? 8 : e)) return 0;
    if ((rows <= 1 || rs == e) && (cols <= 1 || (cs % e == 0 && cs / e >= max1(rows)))) {
        *ld = cols <= 1 ? max1(rows) : cs / e;
        return NO_TRANS;
    }
    if ((cols <= 1 || cs == e) && (rows <= 1 || (rs % e == 0 && rs / e >= max1(cols)))) {
        *ld = rows <= 1 ? max1(cols) : rs / e;
        return TRANS;
    }
    return 0;
}

typedef void (*SgemmFn)(int, int, int, lint, lint, lint, float, const void *, lint, const void *, lint, float, void *, lint);
typedef void (*DgemmFn)(int, int, int, lint, lint, lint, double, const void *, lint, const void *, lint, double, void *, lint);
typedef void (*ZgemmFn)(int, int, int, lint, lint, lint, const void *, const void *, lint, const void *, lint, const void *,
                        void *, lint);

/* alpha = 1 and beta = 0 of the complex kinds' ?gemm and ?gemv, passed by pointer */
static const float complex c8[2] = {1.0f, 0.0f};
static const double complex c16[2] = {1.0, 0.0};

static void call_gemm(int k, void *f, int ta, int tb, lint m, lint n, lint kk, const void *a, lint lda, const void *b,
                      lint ldb, void *c, lint ldc) {
    switch (k) {
    case LA_S: ((SgemmFn)f)(COL_MAJOR, ta, tb, m, n, kk, 1.0f, a, lda, b, ldb, 0.0f, c, ldc); break;
    case LA_D: ((DgemmFn)f)(COL_MAJOR, ta, tb, m, n, kk, 1.0, a, lda, b, ldb, 0.0, c, ldc); break;
    case LA_C: ((ZgemmFn)f)(COL_MAJOR, ta, tb, m, n, kk, &c8[0], a, lda, b, ldb, &c8[1], c, ldc); break;
    default: ((ZgemmFn)f)(COL_MAJOR, ta, tb, m, n, kk, &c16[0], a, lda, b, ldb, &c16[1], c, ldc); break;
    }
}

/* An operand as ?gemm reads it: in place, or packed into *owned. */
static int operand(int k, const char **p, lint *ld, int *trans, char **owned, const char *data, int64_t rows, int64_t cols,
                   int64_t rs, int64_t cs) {
    *owned = NULL;
    *p = data;
    if ((*trans = layout(k, data, rows, cols, rs, cs, ld))) return 0;
    if (!(*owned = scratch(k, rows * cols))) return -1;
    pack(k, *owned, data, rows, cols, rs, cs);
    *p = *owned;
    *ld = max1(rows);
    *trans = NO_TRANS;
    return 0;
}

static int gemv_product(int k, int64_t m, int64_t kk, const char *a, int64_t a_rs, int64_t a_cs, const char *x, int64_t xs,
                        char *y, int64_t ys);

int ember_rt_gemm(int k, int64_t m, int64_t kk, int64_t n, const char *a, int64_t a_rs, int64_t a_cs, const char *b,
                  int64_t b_rs, int64_t b_cs, char *c, int64_t c_rs, int64_t c_cs) {
    if (m <= 0 || n <= 0) return 0;
    if (kk <= 0) {
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < n; j++) put(k, c + i * c_rs + j * c_cs, 0);
        return 0;
    }
    /* a matrix times a vector (either side) through ?gemv, as NumPy does: ?gemm with one column
     * runs several times slower (float32 2000 x 160 @ vector: 0.174 ms, sgemv 0.025) */
    int g = n == 1 ? gemv_product(k, m, kk, a, a_rs, a_cs, b, b_rs, c, c_rs)
          : m == 1 ? gemv_product(k, n, kk, b, b_cs, b_rs, a, a_cs, c, c_cs) : 1;
    if (g <= 0) return g;
    void *f = routine(k, R_GEMM);
    if (!f) return -1;
    const char *pa, *pb;
    char *oa = NULL, *ob = NULL, *oc = NULL;
    lint lda, ldb, ldc;
    int ta, tb, rc = -1;
    if (operand(k, &pa, &lda, &ta, &oa, a, m, kk, a_rs, a_cs) || operand(k, &pb, &ldb, &tb, &ob, b, kk, n, b_rs, b_cs))
        goto done;
    int tc = layout(k, c, m, n, c_rs, c_cs, &ldc);
    if (tc == NO_TRANS) {
        call_gemm(k, f, ta, tb, m, n, kk, pa, lda, pb, ldb, c, ldc);
    } else if (tc == TRANS) {   /* C^T = B^T A^T */
        call_gemm(k, f, tb == NO_TRANS ? TRANS : NO_TRANS, ta == NO_TRANS ? TRANS : NO_TRANS, n, m, kk, pb, ldb, pa, lda, c, ldc);
    } else {
        if (!(oc = scratch(k, m * n))) goto done;
        call_gemm(k, f, ta, tb, m, n, kk, pa, lda, pb, ldb, oc, m);
        unpack(k, c, c_rs, c_cs, oc, m, m, n);
    }
    rc = 0;
done:
    free(oa);
    free(ob);
    free(oc);
    return rc;
}

/* ---- dot -------------------------------------------------------------------------------- */
typedef float (*SdotFn)(lint, const void *, lint, const void *, lint);
typedef double (*DdotFn)(lint, const void *, lint, const void *, lint);
typedef void (*ZdotFn)(lint, const void *, lint, const void *, lint, void *);

/* A vector as ?dot reads it: in place at a positive stride, else packed into *owned, as NumPy
 * does (its blas_stride), so the library sums in NumPy's order. */
static int vector(int k, const char **p, lint *inc, char **owned, const char *data, int64_t n, int64_t s) {
    int64_t e = esize[k];
    *owned = NULL;
    *p = data;
    if (n <= 1 || (s > 0 && s % e == 0 && (uintptr_t)data % (uintptr_t)(e > 8 ? 8 : e) == 0)) {
        *inc = n <= 1 ? 1 : s / e;
        return 0;
    }
    if (!(*owned = scratch(k, n))) return -1;
    pack(k, *owned, data, n, 1, s, 0);
    *p = *owned;
    *inc = 1;
    return 0;
}

static int dot_by(int r, int k, int64_t n, const char *x, int64_t xs, const char *y, int64_t ys, char *out) {
    void *f = routine(k, r);
    if (!f) return -1;
    if (n <= 0) {
        put(k, out, 0);
        return 0;
    }
    const char *px, *py;
    char *ox, *oy = NULL;
    lint ix, iy;
    int rc = -1;
    if (vector(k, &px, &ix, &ox, x, n, xs) || vector(k, &py, &iy, &oy, y, n, ys)) goto done;
    switch (k) {
    case LA_S: put(k, out, ((SdotFn)f)(n, px, ix, py, iy)); break;
    case LA_D: put(k, out, ((DdotFn)f)(n, px, ix, py, iy)); break;
    default: ((ZdotFn)f)(n, px, ix, py, iy, out); break;   /* written as the kind's complex */
    }
    rc = 0;
done:
    free(ox);
    free(oy);
    return rc;
}

typedef void (*SgemvFn)(int, int, lint, lint, float, const void *, lint, const void *, lint, float, void *, lint);
typedef void (*DgemvFn)(int, int, lint, lint, double, const void *, lint, const void *, lint, double, void *, lint);
typedef void (*ZgemvFn)(int, int, lint, lint, const void *, const void *, lint, const void *, lint, const void *, void *, lint);

/* y = A x for an m x kk matrix A (strides a_rs, a_cs) through ?gemv: 0, -1 on an error, 1 when A
 * or y is not laid out for it (the caller's ?gemm then). x is packed where its stride is not one
 * ?gemv reads. */
static int gemv_product(int k, int64_t m, int64_t kk, const char *a, int64_t a_rs, int64_t a_cs, const char *x, int64_t xs,
                        char *y, int64_t ys) {
    int64_t e = esize[k];
    lint lda, ix;
    int ta = layout(k, a, m, kk, a_rs, a_cs, &lda);
    if (!ta || (m > 1 && (ys <= 0 || ys % e)) || (uintptr_t)y % (uintptr_t)(e > 8 ? 8 : e)) return 1;
    void *f = routine(k, R_GEMV);
    if (!f) return -1;
    const char *px;
    char *ox;
    if (vector(k, &px, &ix, &ox, x, kk, xs)) return -1;
    lint rows = ta == NO_TRANS ? m : kk, cols = ta == NO_TRANS ? kk : m, iy = m > 1 ? ys / e : 1;
    switch (k) {   /* column-major: A itself, or A^T's storage read transposed */
    case LA_S: ((SgemvFn)f)(COL_MAJOR, ta, rows, cols, 1.0f, a, lda, px, ix, 0.0f, y, iy); break;
    case LA_D: ((DgemvFn)f)(COL_MAJOR, ta, rows, cols, 1.0, a, lda, px, ix, 0.0, y, iy); break;
    case LA_C: ((ZgemvFn)f)(COL_MAJOR, ta, rows, cols, &c8[0], a, lda, px, ix, &c8[1], y, iy); break;
    default: ((ZgemvFn)f)(COL_MAJOR, ta, rows, cols, &c16[0], a, lda, px, ix, &c16[1], y, iy); break;
    }
    free(ox);
    return 0;
}

int ember_rt_dot(int k, int64_t n, const char *x, int64_t xs, const char *y, int64_t ys, char *out) {
    return dot_by(R_DOT, k, n, x, xs, y, ys, out);
}

int ember_rt_vdot(int k, int64_t n, const char *x, int64_t xs, const char *y, int64_t ys, char *out) {
    return dot_by(R_DOTC, k, n, x, xs, y, ys, out);
}

/* ---- solve, slogdet, cholesky ------------------------------------------------------------ */
typedef void (*GesvFn)(const lint *, const lint *, void *, const lint *, lint *, void *, const lint *, lint *);
typedef void (*GetrfFn)(const lint *, const lint *, void *, const lint *, lint *, lint *);
typedef void (*PotrfFn)(const char *, const lint *, void *, const lint *, lint *, size_t);

/* Small float64 systems (float32 ones too, widened: la_solve_wide), solved here. For a 4 x 4
 * system ?gesv's call costs several times its
 * arithmetic (argument checks, its locked buffer pool, the set-up of blocked kernels), and a
 * stack of systems (solve over a (k, 4, 4) array) calls this once per matrix.
 *
 * The method is ?gesv's, on a row-major copy on the stack: column j's pivot is the first row of
 * largest |a| at or below j (i?amax's choice), rows swap whole, the column below the pivot is
 * scaled by the pivot's reciprocal, each trailing element is updated once per column; then the
 * row swaps on B, L's solve and U's from the last row up, each row times its pivot's reciprocal
 * (as OpenBLAS's ?trsm kernels: no division waits on the one before);
 * 16 columns of B at a time (inv's B is the identity). X agrees with ?gesv's to rounding.
 *
 * Whether a matrix is singular is decided by rounding: ?gesv reports an exactly zero pivot,
 * which np.arange(1., 10).reshape(3, 3) gets from the library's order of summation and not
 * from this one. So a matrix with any pivot not above sqrt(eps) max|a| (a NaN or inf included)
 * is handed back (1) to ?gesv, whose verdict and result are then NumPy's own. */
enum { SMALL_N = 16, SMALL_RHS = 16 };

static inline __attribute__((always_inline)) int small_solve_n(int64_t n, int64_t nrhs, const char *a, int64_t a_rs,
                                                               int64_t a_cs, const char *b, int64_t b_rs, int64_t b_cs,
                                                               char *x, int64_t x_rs, int64_t x_cs) {
    double lu[SMALL_N][SMALL_N], w[SMALL_N][SMALL_RHS], rdiag[SMALL_N], amax = 0;
    int perm[SMALL_N]; /* lu's row i is a's row perm[i] */
    for (int64_t i = 0; i < n; i++) {
        perm[i] = (int)i;
        for (int64_t j = 0; j < n; j++) {
            memcpy(&lu[i][j], a + i * a_rs + j * a_cs, sizeof(double));
            amax = fabs(lu[i][j]) > amax ? fabs(lu[i][j]) : amax;
        }
    }
    double tol = sqrt(DBL_EPSILON) * amax;
    for (int64_t j = 0; j < n; j++) {
        int64_t p = j;
        for (int64_t i = j + 1; i < n; i++)
            if (fabs(lu[i][j]) > fabs(lu[p][j])) p = i;
        if (!(fabs(lu[p][j]) > tol)) return 1;
        if (p != j) {
            for (int64_t k = 0; k < n; k++) {
                double t = lu[p][k];
                lu[p][k] = lu[j][k], lu[j][k] = t;
            }
            int t = perm[p];
            perm[p] = perm[j], perm[j] = t;
        }
        double r = rdiag[j] = 1 / lu[j][j];
        for (int64_t i = j + 1; i < n; i++) {
            double l = lu[i][j] *= r;
            for (int64_t k = j + 1; k < n; k++) lu[i][k] -= l * lu[j][k];
        }
    }
    for (int64_t c0 = 0; c0 < nrhs; c0 += SMALL_RHS) {
        int64_t m = nrhs - c0 < SMALL_RHS ? nrhs - c0 : SMALL_RHS;
        for (int64_t i = 0; i < n; i++) /* P B */
            for (int64_t c = 0; c < m; c++) {
                if (b) memcpy(&w[i][c], b + perm[i] * b_rs + (c0 + c) * b_cs, sizeof(double));
                else w[i][c] = perm[i] == c0 + c;
            }
        for (int64_t i = 1; i < n; i++) /* L Y = P B, L's diagonal one */
            for (int64_t k = 0; k < i; k++)
                for (int64_t c = 0; c < m; c++) w[i][c] -= lu[i][k] * w[k][c];
        for (int64_t i = n - 1; i >= 0; i--) { /* U X = Y */
            for (int64_t k = n - 1; k > i; k--)
                for (int64_t c = 0; c < m; c++) w[i][c] -= lu[i][k] * w[k][c];
            for (int64_t c = 0; c < m; c++) w[i][c] *= rdiag[i];
        }
        for (int64_t i = 0; i < n; i++)
            for (int64_t c = 0; c < m; c++) memcpy(x + i * x_rs + (c0 + c) * x_cs, &w[i][c], sizeof(double));
    }
    return 0;
}

/* small_solve_n with n a constant for 2, 3 and 4 (the loops unrolled: a 2 x 2 system took 28 ns
 * through the general loops, most of it in their set-up), else as it comes. */
static int small_solve_f8(int64_t n, int64_t nrhs, const char *a, int64_t a_rs, int64_t a_cs, const char *b, int64_t b_rs,
                          int64_t b_cs, char *x, int64_t x_rs, int64_t x_cs) {
    switch (n) {
    case 2: return small_solve_n(2, nrhs, a, a_rs, a_cs, b, b_rs, b_cs, x, x_rs, x_cs);
    case 3: return small_solve_n(3, nrhs, a, a_rs, a_cs, b, b_rs, b_cs, x, x_rs, x_cs);
    case 4: return small_solve_n(4, nrhs, a, a_rs, a_cs, b, b_rs, b_cs, x, x_rs, x_cs);
    default: return small_solve_n(n, nrhs, a, a_rs, a_cs, b, b_rs, b_cs, x, x_rs, x_cs);
    }
}

/* ---- float32 and complex64 as NumPy computes them --------------------------------------- *
 * NumPy's np.linalg computes a float32 or complex64 matrix in float64 or complex128 (its
 * _commonType: the gufuncs' 'dd->d' signatures) and rounds the results. So does every function
 * here: the wide copy, column-major, then the wide kind's routine, then the results narrowed. In float32 itself ?sgesv found
 * other matrices singular (a rank-6 13 x 13 matrix of small integers had no exactly zero pivot
 * in float32 and a 1e6 answer, where NumPy raises). */
static int wide_kind(int k) { return k == LA_S ? LA_D : k == LA_C ? LA_Z : k; }

/* dst (column-major, kind w) = the rows x cols view (src, rs, cs) of kind k, converted: float32
 * (complex64: its two parts) to float64 exactly, part by part. */
static void widen(int k, int w, char *dst, const char *src, int64_t rows, int64_t cols, int64_t rs, int64_t cs) {
    int parts = k == LA_C ? 2 : 1;
    double *d = (double *)dst;
    if (k == w) {
        pack(k, dst, src, rows, cols, rs, cs);
        return;
    }
    for (int64_t j = 0; j < cols; j++)
        for (int64_t i = 0; i < rows; i++)
            for (int p = 0; p < parts; p++) {
                float v;
                memcpy(&v, src + i * rs + j * cs + p * 4, 4);
                d[(j * rows + i) * parts + p] = v;
            }
}

/* The rows x cols view (dst, rs, cs) of kind k = src (column-major, kind w), rounded as NumPy's
 * astype. */
static void narrow(int k, int w, char *dst, int64_t rs, int64_t cs, const char *src, int64_t rows, int64_t cols) {
    int parts = k == LA_C ? 2 : 1;
    const double *s = (const double *)src;
    if (k == w) {
        unpack(k, dst, rs, cs, src, rows, rows, cols);
        return;
    }
    for (int64_t j = 0; j < cols; j++)
        for (int64_t i = 0; i < rows; i++)
            for (int p = 0; p < parts; p++) {
                float v = (float)s[(j * rows + i) * parts + p];
                memcpy(dst + i * rs + j * cs + p * 4, &v, 4);
            }
}

/* count elements of kind w: `small` (of small_bytes, on the caller's stack) when they fit, else
 * scratch's malloc (NULL after raising MemoryError); the caller frees what is not `small`. */
static char *wide_scratch(char *small, size_t small_bytes, int64_t count, int w) {
    return (size_t)count * (size_t)esize[w] <= small_bytes ? small : scratch(w, count);
}

static int la_solve_wide(int k, int64_t n, int64_t nrhs, const char *a, int64_t a_rs, int64_t a_cs, const char *b,
                         int64_t b_rs, int64_t b_cs, char *x, int64_t x_rs, int64_t x_cs) {
    int w = wide_kind(k);
    int64_t e = esize[w];
    _Alignas(64) char small[8192];
    char *wa = wide_scratch(small, sizeof small, n * n + 2 * n * nrhs, w);
    if (!wa) return -1;
    char *wb = wa + n * n * e, *wx = wb + n * nrhs * e;
    widen(k, w, wa, a, n, n, a_rs, a_cs);
    if (b) widen(k, w, wb, b, n, nrhs, b_rs, b_cs);
    int rc = ember_rt_la_solve(w, n, nrhs, wa, e, n * e, b ? wb : NULL, e, n * e, wx, e, n * e);
    if (!rc) narrow(k, w, x, x_rs, x_cs, wx, n, nrhs);
    if (wa != small) free(wa);
    return rc;
}

int ember_rt_la_solve(int k, int64_t n, int64_t nrhs, const char *a, int64_t a_rs, int64_t a_cs, const char *b,
                      int64_t b_rs, int64_t b_cs, char *x, int64_t x_rs, int64_t x_cs) {
    if (n <= 0) return 0;
    if (wide_kind(k) != k) return la_solve_wide(k, n, nrhs, a, a_rs, a_cs, b, b_rs, b_cs, x, x_rs, x_cs);
    if (k == LA_D && n <= SMALL_N && !small_solve_f8(n, nrhs, a, a_rs, a_cs, b, b_rs, b_cs, x, x_rs, x_cs))
        return 0;
    GesvFn f = (GesvFn)routine(k, R_GESV);
    if (!f) return -1;
    /* a, b and the pivots in one block: on the stack for small systems (a stack of them calls
     * this once per matrix), else one allocation */
    _Alignas(64) char small[4096];
    size_t mats = ((size_t)(n * n + n * nrhs) * (size_t)esize[k] + 15) & ~(size_t)15, need = mats + (size_t)n * sizeof(lint);
    char *block = need <= sizeof small ? small : malloc(need);
    if (!block) {
        ember_rt_raise("builtins:MemoryError", "linalg: cannot allocate scratch memory");
        return -1;
    }
    char *pa = block, *pb = pa + n * n * esize[k];
    lint *ipiv = (lint *)(block + mats);
    int rc = -1;
    pack(k, pa, a, n, n, a_rs, a_cs);
    if (b) {
        pack(k, pb, b, n, nrhs, b_rs, b_cs);
    } else {
        for (int64_t j = 0; j < nrhs; j++)
            for (int64_t i = 0; i < n; i++) put(k, pb + (j * n + i) * esize[k], i == j);
    }
    lint ld = n, info = 0;
    f(&n, &nrhs, pa, &ld, ipiv, pb, &ld, &info);
    if (info > 0) {
        lapack_failed("Singular matrix");
        goto done;
    }
    unpack(k, x, x_rs, x_cs, pb, n, n, nrhs);
    rc = 0;
done:
    if (block != small) free(block);
    return rc;
}

int ember_rt_la_slogdet(int k, int64_t n, const char *a, int64_t a_rs, int64_t a_cs, double *sign, double *logdet) {
    sign[0] = 1.0, sign[1] = 0.0, *logdet = 0.0;
    if (n <= 0) return 0;
    if (wide_kind(k) != k) {   /* in float64 or complex128, as NumPy (see la_solve_wide) */
        int w = wide_kind(k);
        _Alignas(64) char small[SMALL_N * SMALL_N * 16];
        char *wa = wide_scratch(small, sizeof small, n * n, w);
        if (!wa) return -1;
        widen(k, w, wa, a, n, n, a_rs, a_cs);
        int rc = ember_rt_la_slogdet(w, n, wa, esize[w], n * esize[w], sign, logdet);
        if (wa != small) free(wa);
        return rc;
    }
    GetrfFn f = (GetrfFn)routine(k, R_GETRF);
    if (!f) return -1;
    _Alignas(16) char small[SMALL_N * SMALL_N * 16];   /* small ones on the stack, as solve's */
    lint small_piv[SMALL_N];
    bool fits = n <= SMALL_N;
    char *pa = fits ? small : scratch(k, n * n);
    lint *ipiv = fits ? small_piv : pa ? malloc((size_t)n * sizeof *ipiv) : NULL;
    if (!ipiv) {
        free(pa);
        if (pa) ember_rt_raise("builtins:MemoryError", "linalg: cannot allocate scratch memory");
        return -1;
    }
    pack(k, pa, a, n, n, a_rs, a_cs);
    lint info = 0;
    f(&n, &n, pa, &n, ipiv, &info);
    if (info > 0) {   /* a zero pivot: singular */
        sign[0] = 0.0;
        *logdet = -INFINITY;
    } else {          /* NumPy: the sign of the row swaps times each pivot's phase, log|pivots| summed */
        double complex s = 1.0;
        double acc = 0.0;
        for (int64_t i = 0; i < n; i++) {
            if (ipiv[i] != i + 1) s = -s;
            double complex u = get(k, pa + (i * n + i) * esize[k]);
            double au = cabs(u);
            if (!is_cplx(k)) s = creal(u) < 0 ? -s : s;   /* an infinite pivot keeps its sign */
            else s *= u / au;
            acc += log(au);
        }
        sign[0] = creal(s), sign[1] = cimag(s), *logdet = acc;
    }
    if (!fits) {
        free(pa);
        free(ipiv);
    }
    return 0;
}

int ember_rt_la_cholesky(int k, int64_t n, const char *a, int64_t a_rs, int64_t a_cs, char *out, int64_t o_rs,
                         int64_t o_cs) {
    if (n <= 0) return 0;
    if (wide_kind(k) != k) {   /* in float64 or complex128, as NumPy (see la_solve_wide) */
        int w = wide_kind(k);
        int64_t e = esize[w];
        _Alignas(64) char small[SMALL_N * SMALL_N * 16 * 3];
        char *wa = wide_scratch(small, sizeof small, 2 * n * n, w);
        if (!wa) return -1;
        widen(k, w, wa, a, n, n, a_rs, a_cs);
        int rc = ember_rt_la_cholesky(w, n, wa, e, n * e, wa + n * n * e, e, n * e);
        if (!rc) narrow(k, w, out, o_rs, o_cs, wa + n * n * e, n, n);
        if (wa != small) free(wa);
        return rc;
    }
    PotrfFn f = (PotrfFn)routine(k, R_POTRF);
    if (!f) return -1;
    char *pa = scratch(k, n * n);
    if (!pa) return -1;
    pack(k, pa, a, n, n, a_rs, a_cs);
    lint info = 0;
    f("L", &n, pa, &n, &info, 1);
    if (info > 0) {
        free(pa);
        return lapack_failed("Matrix is not positive definite");
    }
    for (int64_t j = 0; j < n; j++)
        for (int64_t i = 0; i < j; i++) put(k, pa + (j * n + i) * esize[k], 0);
    unpack(k, out, o_rs, o_cs, pa, n, n, n);
    free(pa);
    return 0;
}

/* ---- eigh ----------------------------------------------------------------------------------- */
typedef void (*SyevdFn)(const char *, const char *, const lint *, void *, const lint *, void *, void *, const lint *, lint *,
                        const lint *, lint *, size_t, size_t);
typedef void (*HeevdFn)(const char *, const char *, const lint *, void *, const lint *, void *, void *, const lint *, void *,
                        const lint *, lint *, const lint *, lint *, size_t, size_t);

int ember_rt_la_eigh(int k, int64_t n, const char *a, int64_t a_rs, int64_t a_cs, int upper, char *w, int64_t ws, char *v,
                     int64_t v_rs, int64_t v_cs) {
    if (n <= 0) return 0;
    if (wide_kind(k) != k) {   /* in float64 or complex128, as NumPy (see la_solve_wide) */
        int wk = wide_kind(k);
        int64_t e = esize[wk];
        _Alignas(64) char small[SMALL_N * SMALL_N * 16 * 3];
        char *wa = wide_scratch(small, sizeof small, 2 * n * n + n, wk);   /* a, the vectors, the values */
        if (!wa) return -1;
        char *wv = wa + n * n * e, *ww = wv + n * n * e;
        widen(k, wk, wa, a, n, n, a_rs, a_cs);
        int rc = ember_rt_la_eigh(wk, n, wa, e, n * e, upper, ww, esize[real_kind(wk)], v ? wv : NULL, e, n * e);
        if (!rc) narrow(real_kind(k), real_kind(wk), w, ws, 0, ww, n, 1);
        if (!rc && v) narrow(k, wk, v, v_rs, v_cs, wv, n, n);
        if (wa != small) free(wa);
        return rc;
    }
    void *f = routine(k, R_EVD);
    if (!f) return -1;
    int rk = real_kind(k);
    const char *jobz = v ? "V" : "N", *uplo = upper ? "U" : "L";
    char *pa = scratch(k, n * n), *pw = pa ? scratch(rk, n) : NULL, *work = NULL, *rwork = NULL;
    lint *iwork = NULL, info = 0, lwork = -1, lrwork = -1, liwork = -1, iq = 0;
    char wq[16], rq[16];
    int rc = -1;
    if (!pw) goto done;
    pack(k, pa, a, n, n, a_rs, a_cs);
    if (is_cplx(k)) ((HeevdFn)f)(jobz, uplo, &n, pa, &n, pw, wq, &lwork, rq, &lrwork, &iq, &liwork, &info, 1, 1);
    else ((SyevdFn)f)(jobz, uplo, &n, pa, &n, pw, wq, &lwork, &iq, &liwork, &info, 1, 1);
    lwork = (lint)creal(get(k, wq)) + 1;
    lrwork = is_cplx(k) ? (lint)creal(get(rk, rq)) + 1 : 1;
    liwork = iq > 0 ? iq : 1;
    if (!(work = scratch(k, lwork)) || !(rwork = scratch(rk, lrwork)) || !(iwork = malloc((size_t)liwork * sizeof *iwork))) {
        if (rwork) ember_rt_raise("builtins:MemoryError", "linalg: cannot allocate scratch memory");
        goto done;
    }
    if (is_cplx(k)) ((HeevdFn)f)(jobz, uplo, &n, pa, &n, pw, work, &lwork, rwork, &lrwork, iwork, &liwork, &info, 1, 1);
    else ((SyevdFn)f)(jobz, uplo, &n, pa, &n, pw, work, &lwork, iwork, &liwork, &info, 1, 1);
    if (info != 0) {
        lapack_failed("Eigenvalues did not converge");
        goto done;
    }
    unpack(rk, w, ws, 0, pw, n, n, 1);
    if (v) unpack(k, v, v_rs, v_cs, pa, n, n, n);
    rc = 0;
done:
    free(pa);
    free(pw);
    free(work);
    free(rwork);
    free(iwork);
    return rc;
}

/* ---- svd, pinv, matrix_rank ---------------------------------------------------------------- */
typedef void (*RGesddFn)(const char *, const lint *, const lint *, void *, const lint *, void *, void *, const lint *, void *,
                         const lint *, void *, const lint *, lint *, lint *, size_t);
typedef void (*CGesddFn)(const char *, const lint *, const lint *, void *, const lint *, void *, void *, const lint *, void *,
                         const lint *, void *, const lint *, void *, lint *, lint *, size_t);

/* gesdd of packed pa (m x n, destroyed): s (real kind, min), u (m x ucols, ld m), vt (vrows x n). */
static int gesdd(int k, char job, lint m, lint n, char *pa, char *s, char *u, lint ldu, char *vt, lint ldvt) {
    void *f = routine(k, R_GESDD);
    if (!f) return -1;
    int rk = real_kind(k);
    lint mn = m < n ? m : n, mx = m > n ? m : n, info = 0, lwork = -1;
    char jobz[2] = {job, 0}, wq[16];
    lint lrwork = job == 'N' ? 7 * mn : mn * ((5 * mn + 7) > (2 * mx + 2 * mn + 1) ? (5 * mn + 7) : (2 * mx + 2 * mn + 1));
    char *rwork = is_cplx(k) ? scratch(rk, lrwork) : NULL, *work = NULL;
    lint *iwork = malloc((size_t)max1(8 * mn) * sizeof *iwork);
    int rc = -1;
    if (!iwork || (is_cplx(k) && !rwork)) {
        if (!iwork) ember_rt_raise("builtins:MemoryError", "linalg: cannot allocate scratch memory");
        goto done;
    }
    if (is_cplx(k)) ((CGesddFn)f)(jobz, &m, &n, pa, &m, s, u, &ldu, vt, &ldvt, wq, &lwork, rwork, iwork, &info, 1);
    else ((RGesddFn)f)(jobz, &m, &n, pa, &m, s, u, &ldu, vt, &ldvt, wq, &lwork, iwork, &info, 1);
    lwork = (lint)creal(get(k, wq)) + 1;
    if (!(work = scratch(k, lwork))) goto done;
    if (is_cplx(k)) ((CGesddFn)f)(jobz, &m, &n, pa, &m, s, u, &ldu, vt, &ldvt, work, &lwork, rwork, iwork, &info, 1);
    else ((RGesddFn)f)(jobz, &m, &n, pa, &m, s, u, &ldu, vt, &ldvt, work, &lwork, iwork, &info, 1);
    if (info != 0) {
        lapack_failed("SVD did not converge");
        goto done;
    }
    rc = 0;
done:
    free(rwork);
    free(work);
    free(iwork);
    return rc;
}

int ember_rt_la_svd(int k, int64_t m, int64_t n, const char *a, int64_t a_rs, int64_t a_cs, int full, char *s, int64_t ss,
                    char *u, int64_t u_rs, int64_t u_cs, char *vt, int64_t vt_rs, int64_t vt_cs) {
    int64_t mn = m < n ? m : n;
    int rk = real_kind(k);
    if (mn <= 0) {   /* NumPy: empty factors, or identities for the full ones */
        if (u && full) {
            for (int64_t i = 0; i < m; i++)
                for (int64_t j = 0; j < m; j++) put(k, u + i * u_rs + j * u_cs, i == j);
            for (int64_t i = 0; i < n; i++)
                for (int64_t j = 0; j < n; j++) put(k, vt + i * vt_rs + j * vt_cs, i == j);
        }
        return 0;
    }
    int64_t ucols = full ? m : mn, vrows = full ? n : mn;
    if (wide_kind(k) != k) {   /* in float64 or complex128, as NumPy (see la_solve_wide) */
        int w = wide_kind(k), rw = real_kind(w);
        int64_t e = esize[w];
        char *wa = scratch(w, m * n + m * ucols + vrows * n + mn);   /* a, U, Vh, then the values (real) */
        if (!wa) return -1;
        char *wu = wa + m * n * e, *wv = wu + m * ucols * e, *ws = wv + vrows * n * e;
        widen(k, w, wa, a, m, n, a_rs, a_cs);
        int rc = ember_rt_la_svd(w, m, n, wa, e, m * e, full, ws, esize[rw], u ? wu : NULL, e, m * e, u ? wv : NULL, e,
                                 vrows * e);
        if (!rc) narrow(rk, rw, s, ss, 0, ws, mn, 1);
        if (!rc && u) {
            narrow(k, w, u, u_rs, u_cs, wu, m, ucols);
            narrow(k, w, vt, vt_rs, vt_cs, wv, vrows, n);
        }
        free(wa);
        return rc;
    }
    char *pa = scratch(k, m * n), *ps = pa ? scratch(rk, mn) : NULL, *pu = NULL, *pv = NULL;
    int rc = -1;
    if (!ps || (u && (!(pu = scratch(k, m * ucols)) || !(pv = scratch(k, vrows * n))))) goto done;
    pack(k, pa, a, m, n, a_rs, a_cs);
    char dummy[32];
    if (gesdd(k, u ? (full ? 'A' : 'S') : 'N', m, n, pa, ps, u ? pu : dummy, m, u ? pv : dummy, u ? vrows : 1)) goto done;
    unpack(rk, s, ss, 0, ps, mn, mn, 1);
    if (u) {
        unpack(k, u, u_rs, u_cs, pu, m, m, ucols);
        unpack(k, vt, vt_rs, vt_cs, pv, vrows, vrows, n);
    }
    rc = 0;
done:
    free(pa);
    free(ps);
    free(pu);
    free(pv);
    return rc;
}

int ember_rt_la_pinv(int k, int64_t m, int64_t n, const char *a, int64_t a_rs, int64_t a_cs, double rcond, char *out,
                     int64_t o_rs, int64_t o_cs) {
    int64_t mn = m < n ? m : n;
    int rk = real_kind(k), e = esize[k];
    if (mn <= 0) return 0;
    /* the reduced factors as NumPy's svd gives them (float32 ones computed wide and rounded) */
    char *pa = NULL, *ps = scratch(rk, mn), *pu = ps ? scratch(k, m * mn) : NULL;
    char *pv = pu ? scratch(k, mn * n) : NULL;
    int rc = -1;
    if (!pv || ember_rt_la_svd(k, m, n, a, a_rs, a_cs, 0, ps, esize[rk], pu, e, m * e, pv, e, mn * e)) goto done;
    double smax = 0.0;
    for (int64_t i = 0; i < mn; i++) smax = fmax(smax, creal(get(rk, ps + i * esize[rk])));
    /* as NumPy: W = (1/s, 0 where s is cut off) times U^H, rows scaled, then out = Vh^H W by ?gemm
     * (a loop of complex products per element was 4x numba's time) */
    if (!(pa = scratch(k, mn * m))) goto done;
    for (int64_t p = 0; p < mn; p++) {
        double sp = creal(get(rk, ps + p * esize[rk])), w = sp > rcond * smax ? 1.0 / sp : 0.0;
        if (rk == LA_S) w = (float)w;
        for (int64_t j = 0; j < m; j++) put(k, pa + (j * mn + p) * e, w * conj(get(k, pu + (p * m + j) * e)));
    }
    if (is_cplx(k))
        for (int64_t q = 0; q < mn * n; q++) put(k, pv + q * e, conj(get(k, pv + q * e)));
    rc = ember_rt_gemm(k, n, mn, m, pv, mn * e, e, pa, e, mn * e, out, o_rs, o_cs);
done:
    free(pa);
    free(ps);
    free(pu);
    free(pv);
    return rc;
}

int ember_rt_la_rank(int k, int64_t m, int64_t n, const char *a, int64_t a_rs, int64_t a_cs, double tol, int64_t *out) {
    int64_t mn = m < n ? m : n;
    int rk = real_kind(k);
    *out = 0;
    if (mn <= 0) return 0;
    char *ps = scratch(rk, mn);   /* the singular values as NumPy's svd gives them (float32 ones rounded) */
    if (!ps || ember_rt_la_svd(k, m, n, a, a_rs, a_cs, 0, ps, esize[rk], NULL, 0, 0, NULL, 0, 0)) {
        free(ps);
        return -1;
    }
    double smax = 0.0;
    for (int64_t i = 0; i < mn; i++) smax = fmax(smax, creal(get(rk, ps + i * esize[rk])));
    if (tol < 0) tol = smax * (double)(m > n ? m : n) * (rk == LA_S ? FLT_EPSILON : DBL_EPSILON);
    for (int64_t i = 0; i < mn; i++) *out += creal(get(rk, ps + i * esize[rk])) > tol;
    free(ps);
    return 0;
}

/* ---- qr ------------------------------------------------------------------------------------- */
typedef void (*GeqrfFn)(const lint *, const lint *, void *, const lint *, void *, void *, const lint *, lint *);
typedef void (*OrgqrFn)(const lint *, const lint *, const lint *, void *, const lint *, const void *, void *, const lint *,
                        lint *);

int ember_rt_la_qr(int k, int64_t m, int64_t n, const char *a, int64_t a_rs, int64_t a_cs, char *q, int64_t q_rs,
                   int64_t q_cs, char *r, int64_t r_rs, int64_t r_cs) {
    if (wide_kind(k) != k && m > 0 && n > 0) {   /* in float64 or complex128, as NumPy (see la_solve_wide) */
        int w = wide_kind(k);
        int64_t e = esize[w], mn = m < n ? m : n;
        char *wa = scratch(w, m * n + m * mn + mn * n);   /* a, Q, R */
        if (!wa) return -1;
        char *wq = wa + m * n * e, *wr = wq + m * mn * e;
        widen(k, w, wa, a, m, n, a_rs, a_cs);
        int rc = ember_rt_la_qr(w, m, n, wa, e, m * e, wq, e, m * e, wr, e, mn * e);
        if (!rc) {
            narrow(k, w, q, q_rs, q_cs, wq, m, mn);
            narrow(k, w, r, r_rs, r_cs, wr, mn, n);
        }
        free(wa);
        return rc;
    }
    GeqrfFn geqrf = (GeqrfFn)routine(k, R_GEQRF);
    OrgqrFn orgqr = geqrf ? (OrgqrFn)routine(k, R_ORGQR) : NULL;
    if (!orgqr) return -1;
    int64_t mn = m < n ? m : n;
    int e = esize[k];
    if (mn <= 0) return 0;
    char *pa = scratch(k, m * (n > mn ? n : mn)), *tau = pa ? scratch(k, mn) : NULL, *work = NULL, wq[16];
    lint info = 0, lwork = -1, lda = m;
    int rc = -1;
    if (!tau) goto done;
    pack(k, pa, a, m, n, a_rs, a_cs);
    geqrf(&m, &n, pa, &lda, tau, wq, &lwork, &info);
    lwork = (lint)creal(get(k, wq)) + 1;
    if (!(work = scratch(k, lwork))) goto done;
    geqrf(&m, &n, pa, &lda, tau, work, &lwork, &info);
    for (int64_t i = 0; i < mn; i++)   /* R: the upper triangle of the first min(m, n) rows */
        for (int64_t j = 0; j < n; j++) put(k, r + i * r_rs + j * r_cs, j >= i ? get(k, pa + (j * m + i) * e) : 0);
    lint mm = m, kk = mn;
    free(work);
    work = NULL;
    lwork = -1;
    orgqr(&mm, &kk, &kk, pa, &lda, tau, wq, &lwork, &info);
    lwork = (lint)creal(get(k, wq)) + 1;
    if (!(work = scratch(k, lwork))) goto done;
    orgqr(&mm, &kk, &kk, pa, &lda, tau, work, &lwork, &info);
    if (info != 0) {
        lapack_failed("QR decomposition failed");
        goto done;
    }
    unpack(k, q, q_rs, q_cs, pa, m, m, mn);
    rc = 0;
done:
    free(pa);
    free(tau);
    free(work);
    return rc;
}

/* ---- eig ------------------------------------------------------------------------------------ */
typedef void (*RGeevFn)(const char *, const char *, const lint *, void *, const lint *, void *, void *, void *, const lint *,
                        void *, const lint *, void *, const lint *, lint *, size_t, size_t);
typedef void (*CGeevFn)(const char *, const char *, const lint *, void *, const lint *, void *, void *, const lint *, void *,
                        const lint *, void *, const lint *, void *, lint *, size_t, size_t);

int ember_rt_la_eig(int k, int64_t n, const char *a, int64_t a_rs, int64_t a_cs, char *w, int64_t ws, char *v, int64_t v_rs,
                    int64_t v_cs) {
    if (wide_kind(k) != k && n > 0) {   /* in float64 or complex128, as NumPy (see la_solve_wide) */
        int wk = wide_kind(k);
        int64_t e = esize[wk];
        char *wa = scratch(wk, 2 * n * n + n);   /* a, the vectors, the values */
        if (!wa) return -1;
        char *wv = wa + n * n * e, *ww = wv + n * n * e;
        widen(k, wk, wa, a, n, n, a_rs, a_cs);
        int rc = ember_rt_la_eig(wk, n, wa, e, n * e, ww, e, v ? wv : NULL, e, n * e);
        if (!rc) narrow(k, wk, w, ws, 0, ww, n, 1);
        if (!rc && v) narrow(k, wk, v, v_rs, v_cs, wv, n, n);
        free(wa);
        return rc;
    }
    void *f = routine(k, R_GEEV);
    if (!f) return -1;
    if (n <= 0) return 0;
    int rk = real_kind(k), e = esize[k];
    const char *jobvr = v ? "V" : "N";
    char *pa = scratch(k, n * n), *wr = pa ? scratch(k, n) : NULL, *wi = wr ? scratch(k, n) : NULL;
    char *vr = wi ? scratch(k, v ? n * n : 1) : NULL, *rwork = vr ? scratch(rk, 2 * n) : NULL, *work = NULL, wq[16], dummy[32];
    lint info = 0, lwork = -1, one = 1, ldvr = v ? n : 1;
    int rc = -1;
    if (!rwork) goto done;
    pack(k, pa, a, n, n, a_rs, a_cs);
    if (!all_finite(k, pa, n * n)) {
        lapack_failed("Array must not contain infs or NaNs");
        goto done;
    }
    if (is_cplx(k)) ((CGeevFn)f)("N", jobvr, &n, pa, &n, wr, dummy, &one, vr, &ldvr, wq, &lwork, rwork, &info, 1, 1);
    else ((RGeevFn)f)("N", jobvr, &n, pa, &n, wr, wi, dummy, &one, vr, &ldvr, wq, &lwork, &info, 1, 1);
    lwork = (lint)creal(get(k, wq)) + 1;
    if (!(work = scratch(k, lwork))) goto done;
    if (is_cplx(k)) ((CGeevFn)f)("N", jobvr, &n, pa, &n, wr, dummy, &one, vr, &ldvr, work, &lwork, rwork, &info, 1, 1);
    else ((RGeevFn)f)("N", jobvr, &n, pa, &n, wr, wi, dummy, &one, vr, &ldvr, work, &lwork, &info, 1, 1);
    if (info != 0) {
        lapack_failed("Eigenvalues did not converge");
        goto done;
    }
    if (!is_cplx(k))   /* real in, real out (as numba): complex eigenvalues are a domain change */
        for (int64_t i = 0; i < n; i++)
            if (creal(get(k, wi + i * e)) != 0.0) {
                ember_rt_raise("builtins:ValueError", "eig() argument must not cause a domain change (complex eigenvalues of a real matrix)");
                goto done;
            }
    unpack(k, w, ws, 0, wr, n, n, 1);
    if (v) unpack(k, v, v_rs, v_cs, vr, n, n, n);
    rc = 0;
done:
    free(pa);
    free(wr);
    free(wi);
    free(vr);
    free(rwork);
    free(work);
    return rc;
}

/* ---- lstsq ---------------------------------------------------------------------------------- */
typedef void (*RGelsdFn)(const lint *, const lint *, const lint *, void *, const lint *, void *, const lint *, void *,
                         const void *, lint *, void *, const lint *, lint *, lint *);
typedef void (*CGelsdFn)(const lint *, const lint *, const lint *, void *, const lint *, void *, const lint *, void *,
                         const void *, lint *, void *, const lint *, void *, lint *, lint *);

int ember_rt_la_lstsq(int k, int64_t m, int64_t n, int64_t nrhs, const char *a, int64_t a_rs, int64_t a_cs, const char *b,
                      int64_t b_rs, int64_t b_cs, double rcond, char *x, int64_t x_rs, int64_t x_cs, char *resid, int64_t *rank,
                      char *s, int64_t ss) {
    int rk = real_kind(k), e = esize[k];
    int64_t mn = m < n ? m : n, ld = m > n ? m : n;
    *rank = 0;
    if (mn <= 0 || nrhs <= 0) {   /* NumPy: x zeros, no residuals, rank 0 */
        for (int64_t i = 0; i < n; i++)
            for (int64_t j = 0; j < nrhs; j++) put(k, x + i * x_rs + j * x_cs, 0);
        return 0;
    }
    if (wide_kind(k) != k) {   /* in float64 or complex128, as NumPy (see la_solve_wide) */
        int w = wide_kind(k), rw = real_kind(w);
        int64_t we = esize[w], re = esize[rw];
        char *wa = scratch(w, m * n + m * nrhs + n * nrhs + nrhs + mn);   /* a, b, x, then residuals and s (real) */
        if (!wa) return -1;
        char *wb = wa + m * n * we, *wx = wb + m * nrhs * we, *wres = wx + n * nrhs * we, *wsv = wres + nrhs * re;
        widen(k, w, wa, a, m, n, a_rs, a_cs);
        widen(k, w, wb, b, m, nrhs, b_rs, b_cs);
        int rc = ember_rt_la_lstsq(w, m, n, nrhs, wa, we, m * we, wb, we, m * we, rcond, wx, we, n * we, wres, rank, wsv, re);
        if (!rc) {
            narrow(k, w, x, x_rs, x_cs, wx, n, nrhs);
            if (resid && *rank == n && n < m) narrow(rk, rw, resid, esize[rk], 0, wres, nrhs, 1);
            narrow(rk, rw, s, ss, 0, wsv, mn, 1);
        }
        free(wa);
        return rc;
    }
    void *f = routine(k, R_GELSD);
    if (!f) return -1;
    char *pa = scratch(k, m * n), *pb = pa ? scratch(k, max1(ld) * nrhs) : NULL, *ps = pb ? scratch(rk, mn) : NULL;
    char *work = NULL, *rwork = NULL, wq[16], rq[16];
    lint *iwork = NULL, info = 0, lwork = -1, iq = 0, ldb = max1(ld);
    int rc = -1;
    if (!ps) goto done;
    pack(k, pa, a, m, n, a_rs, a_cs);
    for (int64_t j = 0; j < nrhs; j++)
        for (int64_t i = 0; i < ld; i++) {
            if (i < m) memcpy(pb + (j * ld + i) * e, b + i * b_rs + j * b_cs, (size_t)e);
            else put(k, pb + (j * ld + i) * e, 0);
        }
    if (!all_finite(k, pa, m * n) || !all_finite(k, pb, max1(ld) * nrhs)) {
        lapack_failed("SVD did not converge in Linear Least Squares");   /* NumPy's, from gelsd */
        goto done;
    }
    float rc32 = (float)rcond;
    const void *prc = rk == LA_S ? (const void *)&rc32 : (const void *)&rcond;
    lint rnk = 0;
    if (is_cplx(k)) ((CGelsdFn)f)(&m, &n, &nrhs, pa, &m, pb, &ldb, ps, prc, &rnk, wq, &lwork, rq, &iq, &info);
    else ((RGelsdFn)f)(&m, &n, &nrhs, pa, &m, pb, &ldb, ps, prc, &rnk, wq, &lwork, &iq, &info);
    lwork = (lint)creal(get(k, wq)) + 1;
    lint lrwork = is_cplx(k) ? (lint)creal(get(rk, rq)) + 1 : 1, liwork = iq > 0 ? iq : 1;
    if (!(work = scratch(k, lwork)) || !(rwork = scratch(rk, lrwork)) || !(iwork = malloc((size_t)liwork * sizeof *iwork))) {
        if (rwork) ember_rt_raise("builtins:MemoryError", "linalg: cannot allocate scratch memory");
        goto done;
    }
    if (is_cplx(k)) ((CGelsdFn)f)(&m, &n, &nrhs, pa, &m, pb, &ldb, ps, prc, &rnk, work, &lwork, rwork, iwork, &info);
    else ((RGelsdFn)f)(&m, &n, &nrhs, pa, &m, pb, &ldb, ps, prc, &rnk, work, &lwork, iwork, &info);
    if (info != 0) {
        lapack_failed("SVD did not converge in Linear Least Squares");
        goto done;
    }
    *rank = rnk;
    unpack(k, x, x_rs, x_cs, pb, ld, n, nrhs);
    unpack(rk, s, ss, 0, ps, mn, mn, 1);
    if (resid && rnk == n && m > n)   /* NumPy: squared residuals when full rank and overdetermined */
        for (int64_t j = 0; j < nrhs; j++) {
            double acc = 0.0;
            for (int64_t i = n; i < m; i++) {
                double complex r = get(k, pb + (j * ld + i) * e);
                acc += creal(r) * creal(r) + cimag(r) * cimag(r);
            }
            put(rk, resid + j * esize[rk], acc);
        }
    rc = 0;
done:
    free(pa);
    free(pb);
    free(ps);
    free(work);
    free(rwork);
    free(iwork);
    return rc;
}
