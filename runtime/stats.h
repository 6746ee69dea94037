/* stats.h: statistics kernels for generated code (np.histogram, np.digitize, np.interp),
 * on float64 values. A lane is (data, n, byte stride); tables (edges, bins, xp, fp) are
 * contiguous float64. Every function returns 0, or -1 after ember_rt_raise with NumPy's
 * exception and message. */
#ifndef EMBER_RT_STATS_H
#define EMBER_RT_STATS_H

#include <stdint.h>

/* The nbins + 1 equal-width edges np.histogram uses: over [lo, hi] when has_range, else over
 * the lane's [min, max] ([0, 1] when empty); a zero-width range widens by 0.5 each side.
 * ValueError for a reversed or non-finite range, nbins < 1, or edges that do not increase.
 * has_range 2: lo and hi are the lane's min and max (NaN if it has one), found by the caller.
 * `f32`: the edges are float32 (NumPy's for a float32 lane): with a range, the float64 ones
 * rounded; without, computed in float32 from the lane's float32 min and max. line: the start
 * and step, edge i < nbins being i * step + start (in float32 for float32 edges without a range,
 * rounded to float32 for float32 edges with one). */
int ember_rt_histogram_edges(const char *data, int64_t n, int64_t stride, int64_t nbins, int has_range, int f32,
                             double lo, double hi, double *edges, double *line);

/* hist[0..nedges-1) += the count (or weight, w != NULL) of the lane's values in each bin of
 * explicit edges: [e_i, e_i+1), the last bin closed; values outside and NaN are left out.
 * ValueError unless the edges increase. */
int ember_rt_histogram(const char *data, int64_t n, int64_t stride, const char *w, int64_t wstride, const double *edges,
                       int64_t nedges, double *hist);

/* out[i] = np.digitize(x[i], bins, right); bins monotonic (ValueError otherwise). */
int ember_rt_digitize(const char *x, int64_t n, int64_t xs, const double *bins, int64_t nb, int right, int64_t *out);

/* out[i] = np.interp(x[i], xp, fp, left, right) for xp increasing (not checked, as NumPy). */
int ember_rt_interp(const char *x, int64_t n, int64_t xs, const double *xp, const double *fp, int64_t np_, double left,
                    double right, double *out);

/* NumPy's pairwise sum of a lane of float64 (float32, added in float) at a byte stride, in the order
 * codegen/lower_pairwise.c gives: n < 8 added in order from +0.0, a leaf of up to 128 with 8
 * partials, a longer run halved at n/2 rounded down to a multiple of 8. NumPy adds the result to
 * +0.0, which the caller does. */
double ember_rt_pairwise_f8(const char *a, int64_t n, int64_t stride);
float ember_rt_pairwise_f4(const char *a, int64_t n, int64_t stride);

#endif
