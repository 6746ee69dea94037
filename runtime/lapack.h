/* lapack.h: BLAS products and LAPACK decompositions for the four floating dtypes, computed by the
 * library NumPy ships (the one runtime/linalg.c loads), for np.dot/@/matmul of float32 and
 * complex arrays and np.linalg.
 *
 * `kind` picks the routine family: LA_S float32, LA_D float64, LA_C complex64, LA_Z complex128.
 * Operands are (data, rows, cols, byte row stride, byte column stride) of that element type,
 * any strides; LAPACK's inputs are packed into column-major scratch first (it overwrites them),
 * outputs are written through their strides. Real outputs of complex decompositions
 * (eigenvalues, singular values) are of the matching real type (float32 for complex64).
 * float32 and complex64 matrices are computed in float64 and complex128 and the results rounded,
 * as NumPy's np.linalg does (its _commonType): the same verdicts (singular, not positive
 * definite, rank) and, but for pinv's product, NumPy's bits.
 * Every function returns 0, or -1 after ember_rt_raise: LinAlgError as NumPy words it,
 * MemoryError, or RuntimeError when the library lacks the routine. Shapes are checked by the
 * caller (square, matching).
 */
#ifndef EMBER_RT_LAPACK_H
#define EMBER_RT_LAPACK_H

#include <stdint.h>

enum { LA_S, LA_D, LA_C, LA_Z };

/* The rows x cols view (d, drs, dcs) = the view (s, srs, scs), elements of e bytes, any strides:
 * whole columns or rows by memcpy when both sides have them contiguous, else tile by tile. */
void ember_rt_copy2d(int64_t e, char *d, int64_t drs, int64_t dcs, const char *s, int64_t srs, int64_t scs, int64_t rows,
                     int64_t cols);

/* C = A B, A m x k, B k x n (?gemm; k == 0 fills C with zeros). */
int ember_rt_gemm(int kind, int64_t m, int64_t k, int64_t n, const char *a, int64_t a_rs, int64_t a_cs, const char *b,
                  int64_t b_rs, int64_t b_cs, char *c, int64_t c_rs, int64_t c_cs);

/* *out = sum_i x[i] * y[i] over n elements of stride xs and ys bytes (?dot; complex: ?dotu,
 * no conjugate, as NumPy's dot), written as the kind's element; n == 0 gives 0. */
int ember_rt_dot(int kind, int64_t n, const char *x, int64_t xs, const char *y, int64_t ys, char *out);
/* The same with x conjugated (?dotc, as NumPy's vdot); real kinds: ember_rt_dot. */
int ember_rt_vdot(int kind, int64_t n, const char *x, int64_t xs, const char *y, int64_t ys, char *out);

/* X = A^-1 B (?gesv; real systems up to 16 x 16 by LU here, to rounding, unless a pivot is near
 * zero), A n x n, B n x nrhs; b NULL: the identity (inv). Singular: LinAlgError. */
int ember_rt_la_solve(int kind, int64_t n, int64_t nrhs, const char *a, int64_t a_rs, int64_t a_cs, const char *b,
                      int64_t b_rs, int64_t b_cs, char *x, int64_t x_rs, int64_t x_cs);

/* NumPy's slogdet by ?getrf: sign[0..2) (re, im; 0 when singular) and log|det| (-inf). */
int ember_rt_la_slogdet(int kind, int64_t n, const char *a, int64_t a_rs, int64_t a_cs, double *sign, double *logdet);

/* The lower Cholesky factor (?potrf), upper triangle zero. LinAlgError unless positive definite. */
int ember_rt_la_cholesky(int kind, int64_t n, const char *a, int64_t a_rs, int64_t a_cs, char *out, int64_t o_rs,
                         int64_t o_cs);

/* Eigenvalues ascending into w (real type, stride ws) and, unless v is NULL, the eigenvectors as
 * v's columns, of the Hermitian matrix whose lower (upper: 'U') triangle a holds (?syevd/?heevd). */
int ember_rt_la_eigh(int kind, int64_t n, const char *a, int64_t a_rs, int64_t a_cs, int upper, char *w, int64_t ws,
                     char *v, int64_t v_rs, int64_t v_cs);

/* Singular values, largest first, into s (real type, stride ss) and, unless u is NULL, U (m x m
 * when full, else m x min) and Vh (n x n, else min x n) (?gesdd). */
int ember_rt_la_svd(int kind, int64_t m, int64_t n, const char *a, int64_t a_rs, int64_t a_cs, int full, char *s, int64_t ss,
                    char *u, int64_t u_rs, int64_t u_cs, char *vt, int64_t vt_rs, int64_t vt_cs);

/* Reduced QR (?geqrf, ?orgqr/?ungqr): Q m x min(m, n), R min(m, n) x n. */
int ember_rt_la_qr(int kind, int64_t m, int64_t n, const char *a, int64_t a_rs, int64_t a_cs, char *q, int64_t q_rs,
                   int64_t q_cs, char *r, int64_t r_rs, int64_t r_cs);

/* NumPy's pinv: V diag(1/s) U^H over the singular values above rcond * max(s); out n x m. */
int ember_rt_la_pinv(int kind, int64_t m, int64_t n, const char *a, int64_t a_rs, int64_t a_cs, double rcond, char *out,
                     int64_t o_rs, int64_t o_cs);

/* NumPy's matrix_rank: singular values above tol (tol < 0: max(s) * max(m, n) * eps). */
int ember_rt_la_rank(int kind, int64_t m, int64_t n, const char *a, int64_t a_rs, int64_t a_cs, double tol, int64_t *out);

/* Eigenvalues into w (stride ws) and, unless v is NULL, right eigenvectors as v's columns (?geev).
 * Real matrices must have real eigenvalues (ValueError otherwise: a real result, as numba). */
int ember_rt_la_eig(int kind, int64_t n, const char *a, int64_t a_rs, int64_t a_cs, char *w, int64_t ws, char *v,
                    int64_t v_rs, int64_t v_cs);

/* np.linalg.lstsq by ?gelsd: x (n x nrhs), the squared residuals (real type, nrhs of them, written
 * only when the rank is n < m), the rank, the singular values s (real type). */
int ember_rt_la_lstsq(int kind, int64_t m, int64_t n, int64_t nrhs, const char *a, int64_t a_rs, int64_t a_cs, const char *b,
                      int64_t b_rs, int64_t b_cs, double rcond, char *x, int64_t x_rs, int64_t x_cs, char *resid,
                      int64_t *rank, char *s, int64_t ss);

#endif
