/* sort.h: sorting and order statistics over one-dimensional NumPy data, called by
 * generated code (np.sort, ndarray.sort, np.argsort, np.median, np.quantile, np.percentile;
 * np.searchsorted is written into the function, codegen/lower_nplib.c).
 *
 * Every kernel exists once per dtype; the suffix names the dtype as NumPy's type codes do:
 *
 *     b1 bool (stored as uint8 0/1)   i1 int8   i2 int16   i4 int32   i8 int64
 *     u1 uint8   u2 uint16   u4 uint32   u8 uint64   f4 float32   f8 float64
 *
 * Order is NumPy's: ascending, NaNs after every other value (so -inf < ... < inf < nan).
 * Arrays are (data, n, stride_bytes); the stride may be any multiple of the element size,
 * negative included. Only the in-place sort requires a contiguous buffer.
 *
 * Errors follow the runtime's convention: a failing function calls ember_rt_raise and returns
 * -1. Only the kernels that need scratch memory can fail, with MemoryError.
 */
#ifndef EMBER_RT_SORT_H
#define EMBER_RT_SORT_H

#include <stdint.h>

/* Declares the kernels of one dtype:
 *
 * ember_rt_sort_<s>(data, n)
 *     Sorts a contiguous buffer of n elements in place (introsort; not stable, like NumPy's
 *     default kind). Needs no scratch memory, so it cannot fail.
 *
 * ember_rt_argsort_<s>(data, n, stride_bytes, out, stable)
 *     Writes to out[0..n) the permutation that sorts the input. With `stable`, equal values (and
 *     all NaNs) keep their index order, as np.argsort(kind="stable") does; without, on
 *     contiguous data, NumPy's own default argsort decides (its order of ties). Returns 0, or -1
 *     with MemoryError.

 */
/* NumPy's sort function of a dtype (its ArrFuncs' quicksort: start, n, array; the array is
 * unused for numbers). runtime/array.c installs NumPy's with rt_use_numpy_sort_<s> once NumPy's
 * C-API is imported (under the GIL, before any compiled code can sort); ember_rt_sort_<s> then
 * calls it. Without NumPy (a process that never imports it) the introsort of sort.c runs. */
typedef int (*RtNumpySort)(void *start, intptr_t n, void *array);
/* NumPy's argsort of a dtype (its ArrFuncs' argsort[NPY_QUICKSORT]: data, indices set to
 * 0..n-1, n, array): installed the same way (rt_use_numpy_argsort_<s>), used by
 * ember_rt_argsort_<s> on contiguous data, so ties come out in NumPy's own order. */
typedef int (*RtNumpyArgsort)(void *start, intptr_t *idx, intptr_t n, void *array);

#define EMBER_RT_SORT_DECLARE(T, s)                                                              \
    void rt_use_numpy_sort_##s(RtNumpySort f);                                                  \
    void rt_use_numpy_argsort_##s(RtNumpyArgsort f);                                            \
    void ember_rt_sort_##s(void *data, int64_t n);                                              \
    int ember_rt_argsort_##s(const char *data, int64_t n, int64_t stride_bytes, int64_t *out,   \
                             int stable);

EMBER_RT_SORT_DECLARE(uint8_t, b1)
EMBER_RT_SORT_DECLARE(int8_t, i1)
EMBER_RT_SORT_DECLARE(int16_t, i2)
EMBER_RT_SORT_DECLARE(int32_t, i4)
EMBER_RT_SORT_DECLARE(int64_t, i8)
EMBER_RT_SORT_DECLARE(uint8_t, u1)
EMBER_RT_SORT_DECLARE(uint16_t, u2)
EMBER_RT_SORT_DECLARE(uint32_t, u4)
EMBER_RT_SORT_DECLARE(uint64_t, u8)
EMBER_RT_SORT_DECLARE(float, f4)
EMBER_RT_SORT_DECLARE(double, f8)

#undef EMBER_RT_SORT_DECLARE

/* np.quantile(a, qs) with the default method "linear", for float64 data (callers convert other
 * dtypes first). Writes out[i] for each qs[i]; the input is not modified.
 *   - any q outside [0, 1] (or NaN)  -> ValueError "Quantiles must be in the range [0, 1]"
 *   - n == 0                         -> IndexError, as NumPy (it indexes element -1)
 *   - a NaN anywhere in the input    -> every out[i] is NaN
 * The arithmetic is NumPy's bit for bit: virtual index (n-1)*q, neighbours found by partial
 * selection (quickselect) rather than a full sort when nq is small, and NumPy's two-sided lerp,
 * so inf inputs give the same NaNs NumPy gives. np.percentile is this with q/100. */
int ember_rt_quantile_f8(const char *data, int64_t n, int64_t stride_bytes, const double *qs, int64_t nq,
                         double *out);

/* np.median(a) for float64 data. Not quantile(0.5): NumPy takes the mean of the middle pair,
 * (0.0 + lo + hi) / 2, which differs in the last bit and in overflow (median of two 1e308 is
 * inf). n == 0 gives NaN (NumPy also warns); a NaN in the input gives NaN. Returns 0, or -1 with
 * MemoryError. */
int ember_rt_median_f8(const char *data, int64_t n, int64_t stride_bytes, double *out);
/* The same of a contiguous lane the caller owns, reordered in place (no scratch copy). */
int ember_rt_quantile_own_f8(double *v, int64_t n, const double *qs, int64_t nq, double *out);
int ember_rt_median_own_f8(double *v, int64_t n, double *out);

#endif
