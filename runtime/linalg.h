/* linalg.h: float64 linear algebra for generated code (np.dot, @, np.linalg.solve/inv/det),
 * computed by the BLAS/LAPACK that NumPy itself ships (scipy-openblas, ILP64), which
 * ember_rt_linalg_init loads at run time with dlopen.
 *
 * Operands are passed the way compiled code holds arrays: a data pointer, the shape, and byte
 * strides. A matrix operand is (data, rs, cs) with its shape given once per call: element
 * (i, j) is the double at (char *)data + i*rs + j*cs. A vector operand is (data, s): element i
 * is at data + i*s. Strides may be anything, negative and zero included; operands that BLAS
 * cannot read in place (not unit-stride in either direction, misaligned, broadcast) are copied
 * into a contiguous scratch buffer first. Outputs are written through their strides and must
 * not overlap the inputs.
 *
 * Every function returns 0, or -1 after ember_rt_raise:
 *   "numpy.linalg:LinAlgError" "Singular matrix"   solve and inv of a singular matrix
 *   "builtins:MemoryError"                         scratch allocation failed
 *   "builtins:RuntimeError"                        called before a successful init
 * Shapes are not checked here: the caller has already raised NumPy's ValueError for
 * mismatched or non-square operands.
 */
#ifndef EMBER_RT_LINALG_H
#define EMBER_RT_LINALG_H

#include <stdint.h>

/* Loads the library at lib_path (numpy.libs/libscipy_openblas64_-*.so; the Python side finds
 * it) and resolves every routine below. If the library is already loaded, as it is once numpy
 * has been imported, the loaded copy is reused. Idempotent; returns 0, or -1 with
 * ember_rt_linalg_error() saying why (no exception is raised). */
int ember_rt_linalg_init(const char *lib_path);

/* ember_rt_linalg_init on the library NumPy uses (found with the GIL held): NULL, or why not. */
const char *rt_linalg_init_numpy(void);

/* The first of `names` (NULL-terminated spellings) the loaded library defines; NULL when it
 * defines none or nothing is loaded (runtime/lapack.c resolves its routines with it). */
void *ember_rt_linalg_symbol(const char *const *names);

/* Why the last ember_rt_linalg_init failed; "" if it did not. */
const char *ember_rt_linalg_error(void);

/* OpenBLAS's own thread pool (this build uses pthreads, not OpenMP). The count is
 * process-wide and shared with NumPy, since it is the same loaded library: threadpoolctl and
 * OPENBLAS_NUM_THREADS apply to ember too. (OpenBLAS's openblas_set_num_threads_local is not
 * thread-local in this build, so it is deliberately not offered.) get returns -1 and set
 * returns -1, without raising, if init has not run or the library lacks the routine. */
int ember_rt_linalg_get_threads(void);
int ember_rt_linalg_set_threads(int n);

/* out = sum_i x[i] * y[i] over n elements (ddot). n == 0 gives 0.0. */
int ember_rt_dot_f8(int64_t n, const char *x, int64_t xs, const char *y, int64_t ys, double *out);

/* y = A x, A m x n (dgemv). For x @ B (vector times matrix) pass B transposed: swap its
 * strides and its shape. n == 0 fills y with zeros. */
int ember_rt_gemv_f8(int64_t m, int64_t n, const char *a, int64_t a_rs, int64_t a_cs, const char *x, int64_t xs,
                     char *y, int64_t ys);

/* C = A B, A m x k, B k x n, C m x n (dgemm). k == 0 fills C with zeros. */
int ember_rt_dot_gemm_f8(int64_t m, int64_t k, int64_t n, const char *a, int64_t a_rs, int64_t a_cs, const char *b,
                         int64_t b_rs, int64_t b_cs, char *c, int64_t c_rs, int64_t c_cs);
int ember_rt_gemm_f8(int64_t m, int64_t k, int64_t n, const char *a, int64_t a_rs, int64_t a_cs, const char *b,
                     int64_t b_rs, int64_t b_cs, char *c, int64_t c_rs, int64_t c_cs);

/* X = solve(A, B), A n x n, B and X n x nrhs (dgesv). For a vector b pass nrhs = 1 and any
 * column stride; b NULL stands for the identity (nrhs = n). Singular A -> LinAlgError, also when
 * nrhs == 0 (as NumPy). */
int ember_rt_solve_f8(int64_t n, int64_t nrhs, const char *a, int64_t a_rs, int64_t a_cs, const char *b,
                      int64_t b_rs, int64_t b_cs, char *x, int64_t x_rs, int64_t x_cs);

/* out = inv(A), A n x n. Computed as NumPy does, by dgesv against the identity, so results
 * match NumPy bit for bit. Singular -> LinAlgError. */
int ember_rt_inv_f8(int64_t n, const char *a, int64_t a_rs, int64_t a_cs, char *out, int64_t o_rs, int64_t o_cs);

/* *out = det(A), A n x n, by dgetrf and, as NumPy, sign * exp(sum log|u_ii|). A singular
 * matrix gives 0.0 (no error); n == 0 gives 1.0. */
int ember_rt_det_f8(int64_t n, const char *a, int64_t a_rs, int64_t a_cs, double *out);

#endif
