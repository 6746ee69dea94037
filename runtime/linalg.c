/* linalg.c: float64 dot products and dense linear algebra through NumPy's own OpenBLAS
 * (declared in linalg.h).
 *
 * How: ember_rt_linalg_init dlopens the library NumPy ships (numpy.libs/libscipy_openblas64_-*
 * .so) and fills one table of function pointers by dlsym. That build is ILP64 (every integer
 * argument is int64_t) and renames its exports, e.g. cblas_dgemm -> scipy_cblas_dgemm64_ and
 * dgesv_ -> scipy_dgesv_64_; older openblas64_ builds drop the "scipy_" prefix, so both
 * spellings are tried. The table is process-wide because the library is: it is written once,
 * by init, before any compiled code can run.
 *
 * Operands arrive as (pointer, shape, byte strides). BLAS reads a matrix in place when one of
 * its strides is one element and the other a whole leading dimension, in either order: a
 * column-major view is used as is and a row-major one as the transpose. Anything else is
 * packed into a column-major scratch buffer. gemm writes straight into a column- or row-major
 * output (for a row-major C it computes C^T = B^T A^T), otherwise into scratch that is then
 * scattered; A A^T (B the transpose view of A's own memory) is ?syrk and a mirrored half, as
 * in NumPy's dot and matmul, so np.cov's X @ X.T costs half and agrees with NumPy's bits. solve, inv and det go to lapack.c
 * (ember_rt_la_solve, ember_rt_la_slogdet).
 */
#include <Python.h>
#include "linalg.h"
#include "lapack.h"
#include <dlfcn.h>
#include <stdbool.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void ember_rt_raise(const char *exc, const char *msg); /* error.c */

/* CBLAS enumerations (cblas.h). */
enum { CBLAS_COL_MAJOR = 102, CBLAS_NO_TRANS = 111, CBLAS_TRANS = 112, CBLAS_LOWER = 122 };

typedef int64_t blas_int; /* ILP64 */

typedef double (*DdotFn)(blas_int n, const double *x, blas_int incx, const double *y, blas_int incy);
typedef void (*DgemvFn)(int order, int trans, blas_int m, blas_int n, double alpha, const double *a, blas_int lda,
                        const double *x, blas_int incx, double beta, double *y, blas_int incy);
typedef void (*DgemmFn)(int order, int ta, int tb, blas_int m, blas_int n, blas_int k, double alpha, const double *a,
                        blas_int lda, const double *b, blas_int ldb, double beta, double *c, blas_int ldc);
typedef void (*DsyrkFn)(int order, int uplo, int trans, blas_int n, blas_int k, double alpha, const double *a,
                        blas_int lda, double beta, double *c, blas_int ldc);
typedef int (*GetThreadsFn)(void);
typedef void (*SetThreadsFn)(int n);

static struct {
    void *handle;
    DdotFn ddot;
    DgemvFn dgemv;
    DgemmFn dgemm;
    DsyrkFn dsyrk;              /* optional: A A^T falls back to dgemm */
    GetThreadsFn get_threads;   /* optional */
    SetThreadsFn set_threads;   /* optional */
    char error[512];
} lib;

/* ---- loading ----------------------------------------------------------------------- */

/* The spellings each routine goes by, newest first; a NULL ends each list. */
static const char *const names_ddot[] = {"scipy_cblas_ddot64_", "cblas_ddot64_", NULL};
static const char *const names_dgemv[] = {"scipy_cblas_dgemv64_", "cblas_dgemv64_", NULL};
static const char *const names_dgemm[] = {"scipy_cblas_dgemm64_", "cblas_dgemm64_", NULL};
static const char *const names_dsyrk[] = {"scipy_cblas_dsyrk64_", "cblas_dsyrk64_", NULL};
static const char *const names_get_threads[] = {"scipy_openblas_get_num_threads64_", "openblas_get_num_threads64_",
                                                NULL};
static const char *const names_set_threads[] = {"scipy_openblas_set_num_threads64_", "openblas_set_num_threads64_",
                                                NULL};

static void *find_symbol(void *handle, const char *const *names) {
    for (; *names; names++) {
        void *p = dlsym(handle, *names);
        if (p) return p;
    }
    return NULL;
}

int ember_rt_linalg_init(const char *lib_path) {
    if (lib.handle) return 0;
    lib.error[0] = '\0';
    if (!lib_path) {
        snprintf(lib.error, sizeof lib.error, "no BLAS library path given");
        return -1;
    }
    /* Once numpy is imported the library is already mapped; NOLOAD just takes a reference. */
    void *h = dlopen(lib_path, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);
    if (!h) h = dlopen(lib_path, RTLD_NOW | RTLD_LOCAL);
    if (!h) {
        const char *why = dlerror();
        snprintf(lib.error, sizeof lib.error, "cannot load %s: %s", lib_path, why ? why : "unknown error");
        return -1;
    }
    struct {
        void **slot;
        const char *const *names;
    } required[] = {
        {(void **)&lib.ddot, names_ddot}, {(void **)&lib.dgemv, names_dgemv}, {(void **)&lib.dgemm, names_dgemm},
    };
    for (size_t i = 0; i < sizeof required / sizeof required[0]; i++) {
        *required[i].slot = find_symbol(h, required[i].names);
        if (!*required[i].slot) {
            snprintf(lib.error, sizeof lib.error, "%s has no %s (not an ILP64 OpenBLAS?)", lib_path,
                     required[i].names[0]);
            dlclose(h);
            for (size_t j = 0; j < i; j++) *required[j].slot = NULL;
            return -1;
        }
    }
    lib.dsyrk = (DsyrkFn)find_symbol(h, names_dsyrk);
    lib.get_threads = (GetThreadsFn)find_symbol(h, names_get_threads);
    lib.set_threads = (SetThreadsFn)find_symbol(h, names_set_threads);
    lib.handle = h;
    return 0;
}

void *ember_rt_linalg_symbol(const char *const *names) {
    return lib.handle ? find_symbol(lib.handle, names) : NULL;
}

const char *ember_rt_linalg_error(void) {
    return lib.error;
}

int ember_rt_linalg_get_threads(void) {
    return lib.get_threads ? lib.get_threads() : -1;
}

int ember_rt_linalg_set_threads(int n) {
    if (!lib.set_threads) return -1;
    lib.set_threads(n);
    return 0;
}

static int check_loaded(void) {
    if (lib.handle) return 0;
    ember_rt_raise("builtins:RuntimeError", "ember: BLAS/LAPACK not loaded (ember_rt_linalg_init failed or never ran)");
    return -1;
}

static void *scratch_bytes(int64_t count, size_t size) {
    void *p = malloc((size_t)(count > 0 ? count : 1) * size);
    if (!p) ember_rt_raise("builtins:MemoryError", "linalg: cannot allocate scratch memory");
    return p;
}

static void *scratch(int64_t count) { return scratch_bytes(count, sizeof(double)); }

/* ---- moving data between strided views and column-major buffers -------------------- */

static double load(const char *p) {
    double v;
    memcpy(&v, p, sizeof v); /* strided views need not be aligned */
    return v;
}

static void store(char *p, double v) {
    memcpy(p, &v, sizeof v);
}

/* dst (column-major, leading dimension rows) = the rows x cols view (src, rs, cs). */
static void pack(double *dst, const char *src, int64_t rows, int64_t cols, int64_t rs, int64_t cs) {
    ember_rt_copy2d(8, (char *)dst, 8, rows * 8, src, rs, cs, rows, cols);
}

/* The rows x cols view (dst, rs, cs) = src (column-major, leading dimension rows). */
static void unpack(char *dst, int64_t rs, int64_t cs, const double *src, int64_t rows, int64_t cols) {
    ember_rt_copy2d(8, dst, rs, cs, (const char *)src, 8, rows * 8, rows, cols);
}

static void fill_zero(char *dst, int64_t rows, int64_t cols, int64_t rs, int64_t cs) {
    for (int64_t i = 0; i < rows; i++)
        for (int64_t j = 0; j < cols; j++) store(dst + i * rs + j * cs, 0.0);
}

static int64_t max1(int64_t x) {
    return x > 1 ? x : 1;
}

/* How BLAS can read a rows x cols view in place. CBLAS_NO_TRANS: column-major with leading
 * dimension *ld. CBLAS_TRANS: row-major, i.e. the memory is the cols x rows column-major
 * transpose, leading dimension *ld. 0: it must be copied. A dimension of length 1 has no
 * meaningful stride, so it never disqualifies a view. */
static int blas_layout(const char *data, int64_t rows, int64_t cols, int64_t rs, int64_t cs, int64_t *ld) {
    if ((uintptr_t)data % sizeof(double)) return 0;
    int64_t e = (int64_t)sizeof(double);
    if ((rows <= 1 || rs == e) && (cols <= 1 || (cs % e == 0 && cs / e >= max1(rows)))) {
        *ld = cols <= 1 ? max1(rows) : cs / e;
        return CBLAS_NO_TRANS;
    }
    if ((cols <= 1 || cs == e) && (rows <= 1 || (rs % e == 0 && rs / e >= max1(cols)))) {
        *ld = rows <= 1 ? max1(cols) : rs / e;
        return CBLAS_TRANS;
    }
    return 0;
}

/* A matrix operand as BLAS will read it: in place, or packed into owned (freed by the caller). */
typedef struct BlasMatrix {
    const double *p;
    int64_t ld;
    int trans;     /* CBLAS_NO_TRANS or CBLAS_TRANS */
    double *owned; /* the packed copy, or NULL */
} BlasMatrix;

static int blas_matrix(BlasMatrix *m, const char *data, int64_t rows, int64_t cols, int64_t rs, int64_t cs) {
    m->owned = NULL;
    m->trans = blas_layout(data, rows, cols, rs, cs, &m->ld);
    if (m->trans) {
        m->p = (const double *)data;
        return 0;
    }
    if (!(m->owned = scratch(rows * cols))) return -1;
    pack(m->owned, data, rows, cols, rs, cs);
    m->p = m->owned;
    m->ld = max1(rows);
    m->trans = CBLAS_NO_TRANS;
    return 0;
}

/* A matrix operand copied in C order, as NumPy's dot copies an operand that is neither C- nor
 * F-contiguous (PyArray_Copy): BLAS then gets the flags NumPy gives it, whose kernels may order
 * their sums otherwise than those of the view's flags (OpenBLAS's AVX-512 ones on Zen 4). */
static int c_order_copy(BlasMatrix *m, const char *data, int64_t rows, int64_t cols, int64_t rs, int64_t cs) {
    if (!(m->owned = scratch(rows * cols))) return -1;
    pack(m->owned, data, cols, rows, cs, rs);   /* (the transpose, column-major) */
    m->p = m->owned;
    m->ld = max1(cols);
    m->trans = CBLAS_TRANS;
    return 0;
}

/* A vector operand as BLAS will read it. BLAS takes a negative increment to mean that the
 * vector starts at the highest address, so it wants the lowest address as its pointer. Zero
 * strides (undefined in some BLAS kernels) and odd byte strides are packed. */
typedef struct BlasVector {
    double *p;
    int64_t inc;
    double *owned;
} BlasVector;

static int blas_vector(BlasVector *v, const char *data, int64_t n, int64_t s) {
    int64_t e = (int64_t)sizeof(double);
    v->owned = NULL;
    if (n <= 1 || (s > 0 && s % e == 0 && (uintptr_t)data % sizeof(double) == 0)) {   /* as NumPy's blas_stride */
        v->inc = n <= 1 ? 1 : s / e;
        v->p = (double *)data;
        return 0;
    }
    if (!(v->owned = scratch(n))) return -1;
    pack(v->owned, data, n, 1, s, 0);
    v->p = v->owned;
    v->inc = 1;
    return 0;
}

/* ---- BLAS ------------------------------------------------------------------------- */

int ember_rt_dot_f8(int64_t n, const char *x, int64_t xs, const char *y, int64_t ys, double *out) {
    if (check_loaded()) return -1;
    if (n <= 0) {
        *out = 0.0;
        return 0;
    }
    BlasVector vx, vy;
    if (blas_vector(&vx, x, n, xs)) return -1;
    if (blas_vector(&vy, y, n, ys)) {
        free(vx.owned);
        return -1;
    }
    *out = lib.ddot(n, vx.p, vx.inc, vy.p, vy.inc);
    free(vx.owned);
    free(vy.owned);
    return 0;
}

int ember_rt_gemv_f8(int64_t m, int64_t n, const char *a, int64_t a_rs, int64_t a_cs, const char *x, int64_t xs,
                     char *y, int64_t ys) {
    if (check_loaded()) return -1;
    if (m <= 0) return 0;
    if (n <= 0) {
        fill_zero(y, m, 1, ys, 0);
        return 0;
    }
    BlasMatrix ma;
    BlasVector vx = {0}, vy = {0};
    int rc = -1;
    if (blas_matrix(&ma, a, m, n, a_rs, a_cs) || blas_vector(&vx, x, n, xs)) goto done;
    /* y is written, so a y that needs packing gets a scratch buffer and is scattered after. */
    int64_t e = (int64_t)sizeof(double);
    int y_direct = m == 1 || (ys != 0 && ys % e == 0 && (uintptr_t)y % sizeof(double) == 0);
    if (y_direct) {
        vy.p = (double *)(ys < 0 && m > 1 ? y + (m - 1) * ys : y);
        vy.inc = m == 1 ? 1 : ys / e;
    } else {
        if (!(vy.owned = scratch(m))) goto done;
        vy.p = vy.owned;
        vy.inc = 1;
    }
    if (ma.trans == CBLAS_NO_TRANS) /* memory is A, m x n column-major */
        lib.dgemv(CBLAS_COL_MAJOR, CBLAS_NO_TRANS, m, n, 1.0, ma.p, ma.ld, vx.p, vx.inc, 0.0, vy.p, vy.inc);
    else /* memory is A^T, n x m column-major */
        lib.dgemv(CBLAS_COL_MAJOR, CBLAS_TRANS, n, m, 1.0, ma.p, ma.ld, vx.p, vx.inc, 0.0, vy.p, vy.inc);
    if (vy.owned) unpack(y, ys, 0, vy.owned, m, 1);
    rc = 0;
done:
    free(ma.owned);
    free(vx.owned);
    free(vy.owned);
    return rc;
}

static int flip(int trans) {
    return trans == CBLAS_NO_TRANS ? CBLAS_TRANS : CBLAS_NO_TRANS;
}

/* C = A B (m x k times k x n). as_dot: as np.dot computes it, which copies an operand that is
 * neither C- nor F-contiguous in C order before calling BLAS (numpy/_core/src/common/cblasfuncs.c),
 * so a strided A times its own transpose is a gemm of two copies there, not a syrk of the view as
 * matmul's (the two order their sums differently on some CPUs: OpenBLAS's AVX2 kernels). */
static int gemm_f8(int64_t m, int64_t k, int64_t n, const char *a, int64_t a_rs, int64_t a_cs, const char *b,
                   int64_t b_rs, int64_t b_cs, char *c, int64_t c_rs, int64_t c_cs, bool as_dot) {
    if (check_loaded()) return -1;
    if (m <= 0 || n <= 0) return 0;
    if (k <= 0) {
        fill_zero(c, m, n, c_rs, c_cs);
        return 0;
    }
    /* A row times a matrix, a matrix times a column, a row times a column: NumPy's dot takes
     * gemv and dot for these (numpy/_core/src/common/cblasfuncs.c), which order their sums
     * otherwise than gemm on some CPUs (OpenBLAS's Haswell kernels): the same calls give NumPy's
     * bits on every CPU. */
    if (m == 1 && n == 1) return ember_rt_dot_f8(k, a, a_cs, b, b_rs, (double *)c);
    if (m == 1) return ember_rt_gemv_f8(n, k, b, b_cs, b_rs, a, a_cs, c, c_cs);
    if (n == 1) return ember_rt_gemv_f8(m, k, a, a_rs, a_cs, b, b_rs, c, c_rs);
    BlasMatrix ma, mb = {0};
    double *c_owned = NULL;
    int rc = -1;
    int64_t e = (int64_t)sizeof(double);
    bool a_contiguous = (a_cs == e && (m == 1 || a_rs == k * e)) || (a_rs == e && (k == 1 || a_cs == m * e));
    bool b_contiguous = (b_cs == e && (k == 1 || b_rs == n * e)) || (b_rs == e && (n == 1 || b_cs == k * e));
    if ((as_dot && !a_contiguous ? c_order_copy(&ma, a, m, k, a_rs, a_cs) : blas_matrix(&ma, a, m, k, a_rs, a_cs)) ||
        (as_dot && !b_contiguous ? c_order_copy(&mb, b, k, n, b_rs, b_cs) : blas_matrix(&mb, b, k, n, b_rs, b_cs)))
        goto done;
    int64_t ldc;
    int c_layout = blas_layout(c, m, n, c_rs, c_cs, &ldc);
    if (lib.dsyrk && a == b && m == n && b_rs == a_cs && b_cs == a_rs && !ma.owned && c_layout == CBLAS_TRANS &&
        (!as_dot || a_contiguous)) {
        /* A A^T into a row-major C, as NumPy's dot and matmul compute it: ?syrk(RowMajor, Upper,
         * ...), which is the column-major lower triangle here, then the other half mirrored. */
        lib.dsyrk(CBLAS_COL_MAJOR, CBLAS_LOWER, ma.trans, m, k, 1.0, ma.p, ma.ld, 0.0, (double *)c, ldc);
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = i + 1; j < m; j++) ((double *)c)[j * ldc + i] = ((double *)c)[i * ldc + j];
    } else if (c_layout == CBLAS_NO_TRANS) {
        lib.dgemm(CBLAS_COL_MAJOR, ma.trans, mb.trans, m, n, k, 1.0, ma.p, ma.ld, mb.p, mb.ld, 0.0, (double *)c, ldc);
    } else if (c_layout == CBLAS_TRANS) { /* C^T (n x m, column-major) = B^T A^T */
        lib.dgemm(CBLAS_COL_MAJOR, flip(mb.trans), flip(ma.trans), n, m, k, 1.0, mb.p, mb.ld, ma.p, ma.ld, 0.0,
                  (double *)c, ldc);
    } else {
        if (!(c_owned = scratch(m * n))) goto done;
        lib.dgemm(CBLAS_COL_MAJOR, ma.trans, mb.trans, m, n, k, 1.0, ma.p, ma.ld, mb.p, mb.ld, 0.0, c_owned, m);
        unpack(c, c_rs, c_cs, c_owned, m, n);
    }
    rc = 0;
done:
    free(ma.owned);
    free(mb.owned);
    free(c_owned);
    return rc;
}

/* ---- LAPACK ----------------------------------------------------------------------- */

int ember_rt_gemm_f8(int64_t m, int64_t k, int64_t n, const char *a, int64_t a_rs, int64_t a_cs, const char *b,
                     int64_t b_rs, int64_t b_cs, char *c, int64_t c_rs, int64_t c_cs) {
    return gemm_f8(m, k, n, a, a_rs, a_cs, b, b_rs, b_cs, c, c_rs, c_cs, false);
}

int ember_rt_dot_gemm_f8(int64_t m, int64_t k, int64_t n, const char *a, int64_t a_rs, int64_t a_cs, const char *b,
                         int64_t b_rs, int64_t b_cs, char *c, int64_t c_rs, int64_t c_cs) {
    return gemm_f8(m, k, n, a, a_rs, a_cs, b, b_rs, b_cs, c, c_rs, c_cs, true);
}

/* X = A^-1 B, written through x's strides; a NULL b stands for the n x n identity (inv). */
int ember_rt_solve_f8(int64_t n, int64_t nrhs, const char *a, int64_t a_rs, int64_t a_cs, const char *b,
                      int64_t b_rs, int64_t b_cs, char *x, int64_t x_rs, int64_t x_cs) {
    return ember_rt_la_solve(LA_D, n, nrhs, a, a_rs, a_cs, b, b_rs, b_cs, x, x_rs, x_cs);
}

int ember_rt_inv_f8(int64_t n, const char *a, int64_t a_rs, int64_t a_cs, char *out, int64_t o_rs, int64_t o_cs) {
    return ember_rt_la_solve(LA_D, n, n, a, a_rs, a_cs, NULL, 0, 0, out, o_rs, o_cs);
}

/* NumPy's det_from_slogdet (umath_linalg.cpp): sign * exp(log|det|) from lapack.c's slogdet
 * (LAPACK's factors; a zero pivot gives sign 0 and log|det| -inf, so 0.0). */
int ember_rt_det_f8(int64_t n, const char *a, int64_t a_rs, int64_t a_cs, double *out) {
    double sign[2], logdet;
    if (ember_rt_la_slogdet(LA_D, n, a, a_rs, a_cs, sign, &logdet)) return -1;
    *out = sign[0] * exp(logdet);
    return 0;
}

/* The library NumPy itself uses: the ILP64 OpenBLAS of NumPy's wheels (numpy.libs), else
 * NumPy's own linalg extension, whose dependencies dlsym searches for the same routines. */
static const char find_numpy_blas[] =
    "def find():\n"
    "    import glob, os, numpy, numpy.linalg\n"
    "    libs = os.path.join(os.path.dirname(os.path.dirname(numpy.__file__)), 'numpy.libs')\n"
    "    for pattern in ('libscipy_openblas64_*.so*', 'libopenblas64_*.so*'):\n"
    "        found = sorted(glob.glob(os.path.join(libs, pattern)))\n"
    "        if found:\n"
    "            return found[0]\n"
    "    return numpy.linalg._umath_linalg.__file__\n";

const char *rt_linalg_init_numpy(void) {
    if (lib.handle) return NULL;
    PyObject *code = Py_CompileString(find_numpy_blas, "<ember linalg>", Py_file_input);
    PyObject *ns = code ? PyDict_New() : NULL;
    PyObject *r = ns ? PyEval_EvalCode(code, ns, ns) : NULL;
    PyObject *find = r ? PyDict_GetItemString(ns, "find") : NULL;
    PyObject *path = find ? PyObject_CallNoArgs(find) : NULL;
    const char *p = path ? PyUnicode_AsUTF8(path) : NULL;
    int rc = p ? ember_rt_linalg_init(p) : -1;
    if (!p) {
        PyErr_Clear();
        snprintf(lib.error, sizeof lib.error, "NumPy's BLAS library was not found");
    }
    Py_XDECREF(code);
    Py_XDECREF(ns);
    Py_XDECREF(r);
    Py_XDECREF(path);
    return rc ? lib.error : NULL;
}
