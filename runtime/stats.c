/* stats.c: np.histogram, np.digitize and np.interp on float64 lanes (see stats.h).
 *
 * histogram's equal-width edges are NumPy's linspace (the counts against them are generated
 * code, codegen/lower_npstats.c); explicit edges are searched (upper bound), the last bin
 * closed on the right. digitize is NumPy's
 * searchsorted on increasing bins, or on decreasing ones mirrored. interp is NumPy's
 * compiled_interp: a binary search for the interval, then slope * (x - xp[j]) + fp[j], with
 * its fallbacks where that gives NaN.
 */
#include "rt.h"   /* first: Python.h */
#include "stats.h"
#include <math.h>
#include <stdio.h>
#include <string.h>


static double at(const char *p, int64_t i, int64_t s) {
    double v;
    memcpy(&v, p + i * s, sizeof v);
    return v;
}

static int value_error(const char *msg) {
    ember_rt_raise("builtins:ValueError", msg);
    return -1;
}

/* ValueError with a message made here: the record keeps a constant message by pointer, so a
 * formatted one goes in as a string the record owns (fallback: a constant text). */
static int value_error_text(const char *text, const char *fallback) {
    RtStr *s = rt_str_from_kind(1, text, (int64_t)strlen(text));
    if (s) rt_raise_str("builtins:ValueError", s);
    else ember_rt_raise("builtins:ValueError", fallback);
    return -1;
}

int ember_rt_histogram_edges(const char *data, int64_t n, int64_t stride, int64_t nbins, int has_range, int f32,
                             double lo, double hi, double *edges, double *line) {
    if (nbins < 1) return value_error("`bins` must be positive, when an integer");
    char msg[128];
    if (has_range) {
        if (lo > hi) return value_error("max must be larger than min in range parameter.");
        if (!isfinite(lo) || !isfinite(hi)) {
            snprintf(msg, sizeof msg, "supplied range of [%g, %g] is not finite", lo, hi);
            return value_error_text(msg, "supplied range is not finite");
        }
    } else if (n == 0) {
        lo = 0.0;
        hi = 1.0;
    } else {
        lo = hi = at(data, 0, stride);
        for (int64_t i = 0; i < n; i++) {   /* NaN propagates, as a.min() / a.max() do */
            double x = at(data, i, stride);
            if (x < lo || isnan(x)) lo = isnan(lo) ? lo : x;
            if (x > hi || isnan(x)) hi = isnan(hi) ? hi : x;
        }
        if (!isfinite(lo) || !isfinite(hi)) {
            snprintf(msg, sizeof msg, "autodetected range of [%g, %g] is not finite", lo, hi);
            return value_error_text(msg, "autodetected range is not finite");
        }
    }
    if (!has_range && f32) {   /* a float32 lane's min and max are float32 scalars: NumPy's linspace computes in float32 */
        float l = (float)lo, h = (float)hi;
        if (l == h) {
            l -= 0.5f;
            h += 0.5f;
        }
        float step = (h - l) / (float)nbins;
        for (int64_t i = 0; i < nbins; i++) edges[i] = (float)((float)i * step) + l;
        edges[nbins] = h;
        line[0] = l;
        line[1] = step;
    } else {
        if (lo == hi) {
            lo -= 0.5;
            hi += 0.5;
        }
        double step = (hi - lo) / (double)nbins;   /* np.linspace(lo, hi, nbins + 1), float32 ones rounded */
        for (int64_t i = 0; i < nbins; i++) edges[i] = f32 ? (float)((double)i * step + lo) : (double)i * step + lo;
        edges[nbins] = f32 ? (float)hi : hi;
        line[0] = lo;
        line[1] = step;
    }
    for (int64_t i = 0; i < nbins; i++)
        if (edges[i] >= edges[i + 1]) {
            snprintf(msg, sizeof msg, "Too many bins for data range. Cannot create %lld finite-sized bins.", (long long)nbins);
            return value_error_text(msg, "Too many bins for data range.");
        }
    return 0;
}

/* The bin of x among nedges edges, or -1 when x is outside [e_0, e_last] or NaN. */
static int64_t search_bin(const double *e, int64_t nedges, double x) {
    if (!(x >= e[0] && x <= e[nedges - 1])) return -1;
    if (x == e[nedges - 1]) {   /* the last bin is closed, but a repeated last edge gives an empty bin */
        int64_t lo = 0, hi = nedges;
        while (lo < hi) {   /* first edge equal to x */
            int64_t mid = lo + (hi - lo) / 2;
            if (e[mid] < x) lo = mid + 1;
            else hi = mid;
        }
        return lo == 0 ? 0 : lo - 1;
    }
    int64_t lo = 0, hi = nedges;
    while (lo < hi) {   /* first edge > x */
        int64_t mid = lo + (hi - lo) / 2;
        if (e[mid] <= x) lo = mid + 1;
        else hi = mid;
    }
    return lo - 1;
}

int ember_rt_histogram(const char *data, int64_t n, int64_t stride, const char *w, int64_t wstride, const double *edges,
                       int64_t nedges, double *hist) {
    if (nedges < 1) return value_error("`bins` must be 1d, when an array");
    for (int64_t i = 1; i < nedges; i++)
        if (!(edges[i] >= edges[i - 1])) return value_error("`bins` must increase monotonically, when an array");
    for (int64_t i = 0; nedges >= 2 && i < n; i++) {
        int64_t k = search_bin(edges, nedges, at(data, i, stride));
        if (k >= 0) hist[k] += w ? at(w, i, wstride) : 1.0;
    }
    return 0;
}

int ember_rt_digitize(const char *x, int64_t n, int64_t xs, const double *bins, int64_t nb, int right, int64_t *out) {
    int inc = 1, dec = 1;
    for (int64_t i = 1; i < nb; i++) {
        if (!(bins[i] >= bins[i - 1])) inc = 0;
        if (!(bins[i] <= bins[i - 1])) dec = 0;
    }
    if (!inc && !dec) return value_error("bins must be monotonically increasing or decreasing");
    for (int64_t i = 0; i < n; i++) {   /* searchsorted(bins, v, side='left' if right else 'right'), NaN last; */
        double v = at(x, i, xs);           /* decreasing bins: nb - the same search in bins[::-1] */
        int64_t lo = 0, hi = nb;
        while (lo < hi) {
            int64_t mid = lo + (hi - lo) / 2;
            double b = inc ? bins[mid] : bins[nb - 1 - mid];
            int before = right ? (b < v || (isnan(v) && !isnan(b))) : (b <= v || isnan(v));
            if (before) lo = mid + 1;
            else hi = mid;
        }
        out[i] = inc ? lo : nb - lo;
    }
    return 0;
}

int ember_rt_interp(const char *x, int64_t n, int64_t xs, const double *xp, const double *fp, int64_t np_, double left,
                    double right, double *out) {
    if (np_ == 0) return value_error("array of sample points is empty");
    for (int64_t i = 0; i < n; i++) {
        double v = at(x, i, xs);
        if (np_ == 1) {   /* NumPy: one sample point gives its value to everything between left and right, NaN too */
            out[i] = v < xp[0] ? left : v > xp[0] ? right : fp[0];
            continue;
        }
        if (isnan(v)) {
            out[i] = v;
            continue;
        }
        if (v < xp[0]) {
            out[i] = left;
            continue;
        }
        if (v > xp[np_ - 1]) {
            out[i] = right;
            continue;
        }
        if (v == xp[np_ - 1] || np_ == 1) {
            out[i] = fp[np_ - 1];
            continue;
        }
        int64_t lo = 0, hi = np_;   /* the last j with xp[j] <= v */
        while (lo < hi) {
            int64_t mid = lo + (hi - lo) / 2;
            if (xp[mid] <= v) lo = mid + 1;
            else hi = mid;
        }
        int64_t j = lo - 1;
        if (j >= np_ - 1) {
            out[i] = fp[np_ - 1];
            continue;
        }
        if (xp[j] == v) {   /* NumPy: an exact sample point gives its value */
            out[i] = fp[j];
            continue;
        }
        double slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j]);
        double r = slope * (v - xp[j]) + fp[j];
        if (isnan(r)) {
            r = slope * (v - xp[j + 1]) + fp[j + 1];
            if (isnan(r) && fp[j] == fp[j + 1]) r = fp[j];
        }
        out[i] = r;
    }
    return 0;
}
