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

/* The min and max of a lane, NaN where it holds one (as a.min() and a.max()). Inlined, so that a
 * call with a constant stride gets a loop of its own, which vectorises. */
static inline __attribute__((always_inline)) void extremes(const char *data, int64_t n, int64_t stride, double *lo,
                                                           double *hi) {
    double l = at(data, 0, stride), h = l;
    int nan = 0;
    for (int64_t i = 0; i < n; i++) {
        double x = at(data, i, stride);
        l = x < l ? x : l;
        h = x > h ? x : h;
        nan |= x != x;
    }
    *lo = nan ? NAN : l;
    *hi = nan ? NAN : h;
}

int ember_rt_histogram_edges(const char *data, int64_t n, int64_t stride, int64_t nbins, int has_range, int f32,
                             double lo, double hi, double *edges, double *line) {
    if (nbins < 1) return value_error("`bins` must be positive, when an integer");
    char msg[128];
    if (has_range == 2) {   /* the lane's min and max, NaN if any is, found by the caller (on vectors) */
        if (!isfinite(lo) || !isfinite(hi)) {
            snprintf(msg, sizeof msg, "autodetected range of [%g, %g] is not finite", lo, hi);
            return value_error_text(msg, "autodetected range is not finite");
        }
    } else if (has_range) {
        if (lo > hi) return value_error("max must be larger than min in range parameter.");
        if (!isfinite(lo) || !isfinite(hi)) {
            snprintf(msg, sizeof msg, "supplied range of [%g, %g] is not finite", lo, hi);
            return value_error_text(msg, "supplied range is not finite");
        }
    } else if (n == 0) {
        lo = 0.0;
        hi = 1.0;
    } else {
        /* NaN propagates, as a.min() / a.max() do: noted apart, so that the loop is selects and
         * an OR, which vectorise (its NaN tests in the selects made the scan 1.4x numba's
         * whole histogram) */
        if (stride == (int64_t)sizeof(double)) extremes(data, n, sizeof(double), &lo, &hi);   /* a constant stride */
        else extremes(data, n, stride, &lo, &hi);
        if (!isfinite(lo) || !isfinite(hi)) {
            snprintf(msg, sizeof msg, "autodetected range of [%g, %g] is not finite", lo, hi);
            return value_error_text(msg, "autodetected range is not finite");
        }
    }
    if (has_range != 1 && f32) {   /* a float32 lane's min and max are float32 scalars: NumPy's linspace computes in float32 */
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
    if (nedges <= 64) {   /* a few edges: count those <= x, no branch on the data (the search's
                             * branches mispredicted: 5 edges over 20000 values 4.3x numba) */
        int64_t below = 0;
        for (int64_t k = 0; k < nedges; k++) below += e[k] <= x;
        return below - 1;
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
    if (!w && nedges >= 2 && nedges <= 65 && n >= 256) {
        /* counts (exact in any order) in four copies, a value's copy by its place: a run of values
         * in one bin added to one counter, each add waiting for the last (5 edges over 20000
         * values: 68 -> 41 us) */
        int64_t c[4][64] = {{0}}, nb = nedges - 1;
        for (int64_t i = 0; i < n; i++) {
            int64_t k = search_bin(edges, nedges, at(data, i, stride));
            if (k >= 0) c[i & 3][k]++;
        }
        for (int64_t k = 0; k < nb; k++) hist[k] += (double)(c[0][k] + c[1][k] + c[2][k] + c[3][k]);
        return 0;
    }
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
    int64_t guess = 0;   /* the last interval found: sorted queries (a resampling) stay in it or move to the next */
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
        int64_t j;   /* the last j with xp[j] <= v: the guessed interval or the next where they hold it, else a search */
        if (xp[guess] <= v && v < xp[guess + 1]) {
            j = guess;
        } else if (guess + 2 < np_ && xp[guess + 1] <= v && v < xp[guess + 2]) {
            j = guess + 1;
        } else {
            int64_t lo = 0, hi = np_;
            while (lo < hi) {
                int64_t mid = lo + (hi - lo) / 2;
                if (xp[mid] <= v) lo = mid + 1;
                else hi = mid;
            }
            j = lo - 1;
        }
        if (j < np_ - 1) guess = j;
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

/* ---- pairwise sums ------------------------------------------------------------------ *
 * A plain lane's pairwise sum, here rather than emitted inline (codegen/lower_pairwise.c keeps
 * that for computed elements): the halving with its side-by-side leaves is some 800 machine
 * instructions, and a function with x.sum() took 63 ms to compile, against 8 for a loop. Built
 * ahead of time for the CPU's vector width (target_clones: AVX-512, AVX2, baseline), the leaf's 8
 * partials one or two vector registers. A node whose two children, or four grandchildren, are
 * leaves sums them side by side, each leaf its own partials: independent chains of adds, the
 * same adds in the same order, a leaf's 8 partials combined by shuffles (extracted one by one
 * from memory they cost 12%). x.sum() now compiles in 7 ms, and sums run as fast as the inline
 * code or faster (10^5 doubles 7.3 -> 6.8 us, rows of 1000 90 -> 84, float32 and rows of 10 the
 * same). */
#define PW_BLOCK 128

/* The sum of [a, a + n) at stride S (an expression of s: a constant for adjacent elements, so the
 * groups of 8 are vector loads), as function NAME. The halving runs on a stack of frames, as a
 * recursive function would (a call per node through the clones' ifunc cost 2 us per 10^5): a
 * range that is no small run, leaf, twin or quad pushes its right half and goes on with its
 * left; after a value, a frame whose right half is pending keeps it and descends there, one
 * whose right half is done adds left + right and pops. */
#define PAIRWISE_TREE(T, NAME, S, ATTR)                                                                      \
    ATTR T NAME(const char *a, int64_t n, int64_t s, bool side) {                                            \
        (void)s;                                                                                             \
        struct { const char *ra; int64_t rn; T left; int right; } fr[96];                                    \
        int top = 0;                                                                                         \
        T val, v[4];                                                                                         \
        for (;;) {                                                                                           \
            for (;;) { /* down the left halves to a range summed directly */                                \
                if (n < 8) {                                                                                 \
                    val = 0;                                                                                 \
                    for (int64_t i = 0; i < n; i++) val += pw_at(T, a, i, S);                                \
                    break;                                                                                   \
                }                                                                                            \
                if (n <= PW_BLOCK) {                                                                         \
                    PW_LEAVES(T, &a, &n, 1, S, v);                                                           \
                    val = v[0];                                                                              \
                    break;                                                                                   \
                }                                                                                            \
                int64_t n2 = pw_split(n), r2 = n - n2;                                                       \
                if (side && n2 <= PW_BLOCK && r2 <= PW_BLOCK) { /* a twin */                                 \
                    const char *lo[2] = {a, a + n2 * (S)};                                                   \
                    int64_t cnt[2] = {n2, r2};                                                               \
                    PW_LEAVES(T, lo, cnt, 2, S, v);                                                          \
                    val = v[0] + v[1];                                                                       \
                    break;                                                                                   \
                }                                                                                            \
                int64_t q0 = pw_split(n2), q2 = pw_split(r2);                                                \
                if (side && n2 > PW_BLOCK && r2 > PW_BLOCK && n2 - q0 <= PW_BLOCK && r2 - q2 <= PW_BLOCK) { /* a quad */ \
                    const char *lo[4] = {a, a + q0 * (S), a + n2 * (S), a + (n2 + q2) * (S)};                \
                    int64_t cnt[4] = {q0, n2 - q0, q2, r2 - q2};                                             \
                    PW_LEAVES(T, lo, cnt, 4, S, v);                                                          \
                    val = (v[0] + v[1]) + (v[2] + v[3]);                                                     \
                    break;                                                                                   \
                }                                                                                            \
                fr[top].ra = a + n2 * (S);                                                                   \
                fr[top].rn = r2;                                                                             \
                fr[top++].right = 0;                                                                         \
                n = n2;                                                                                      \
            }                                                                                                \
            while (top && fr[top - 1].right) { /* right halves done: left + right */                       \
                top--;                                                                                       \
                val = fr[top].left + val;                                                                    \
            }                                                                                                \
            if (!top) return val;                                                                            \
            fr[top - 1].left = val; /* a left half done: its right half next */                             \
            fr[top - 1].right = 1;                                                                           \
            a = fr[top - 1].ra;                                                                              \
            n = fr[top - 1].rn;                                                                              \
        }                                                                                                    \
    }

/* the values of k leaves [lo[j], lo[j] + cnt[j]), each of at least 8 elements, into out: each
 * leaf's 8 partials one vector (GCC's vector extension: one register with AVX-512 doubles) */
#define PW_LEAVES(T, LO, CNT, K, S, OUT)                                                                     \
    do {                                                                                                     \
        const char *const *lo_ = (LO);                                                                       \
        const int64_t *cnt_ = (CNT);                                                                         \
        pw_v8_##T p[K];                                                                                      \
        int64_t groups[K], common = INT64_MAX;                                                               \
        for (int j = 0; j < K; j++) {                                                                        \
            groups[j] = cnt_[j] / 8;                                                                         \
            if (groups[j] < common) common = groups[j];                                                      \
            PW_GROUP(T, p[j], lo_[j], S);                                                                    \
        }                                                                                                    \
        for (int64_t g = 1; g < common; g++)                                                                 \
            for (int j = 0; j < K; j++) {                                                                    \
                pw_v8_##T x_;                                                                                \
                PW_GROUP(T, x_, lo_[j] + g * 8 * (S), S);                                                    \
                p[j] += x_;                                                                                  \
            }                                                                                                \
        for (int j = 0; j < K; j++) {                                                                        \
            for (int64_t g = common; g < groups[j]; g++) {                                                   \
                pw_v8_##T x_;                                                                                \
                PW_GROUP(T, x_, lo_[j] + g * 8 * (S), S);                                                    \
                p[j] += x_;                                                                                  \
            }                                                                                                \
            /* ((p0+p1)+(p2+p3))+((p4+p5)+(p6+p7)) by shuffles, each add the same (x+y is y+x) */          \
            pw_v8_##T h_ = p[j] + __builtin_shuffle(p[j], (pw_m8_##T){1, 0, 3, 2, 5, 4, 7, 6});              \
            h_ = h_ + __builtin_shuffle(h_, (pw_m8_##T){2, 3, 0, 1, 6, 7, 4, 5});                            \
            T r = h_[0] + h_[4];                                                                             \
            for (int64_t i = groups[j] * 8; i < cnt_[j]; i++) r += pw_at(T, lo_[j], i, S);                   \
            (OUT)[j] = r;                                                                                    \
        }                                                                                                    \
    } while (0)

typedef double pw_v8_double __attribute__((vector_size(64)));
typedef float pw_v8_float __attribute__((vector_size(32)));
typedef int64_t pw_m8_double __attribute__((vector_size(64)));   /* their shuffle masks */
typedef int32_t pw_m8_float __attribute__((vector_size(32)));
/* 8 elements from P at stride S into vector V */
#define PW_GROUP(T, V, P, S)                                                                                 \
    do {                                                                                                     \
        if ((S) == (int64_t)sizeof(T)) memcpy(&(V), (P), sizeof(V));                                         \
        else                                                                                                 \
            for (int m_ = 0; m_ < 8; m_++) memcpy((T *)&(V) + m_, (P) + m_ * (S), sizeof(T));                \
    } while (0)

#define pw_at(T, A, I, S) pw_load_##T((A) + (I) * (S))
static inline double pw_load_double(const char *p) { double x; memcpy(&x, p, sizeof x); return x; }
static inline float pw_load_float(const char *p) { float x; memcpy(&x, p, sizeof x); return x; }
static inline int64_t pw_split(int64_t n) { return n / 2 - (n / 2) % 8; }

#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__)
#define PW_CLONES __attribute__((target_clones("arch=x86-64-v4", "arch=x86-64-v3", "default")))
#else
#define PW_CLONES
#endif
PAIRWISE_TREE(double, pw_unit_f8, (int64_t)sizeof(double), static PW_CLONES)
PAIRWISE_TREE(double, pw_strided_f8, s, static PW_CLONES)
PAIRWISE_TREE(float, pw_unit_f4, (int64_t)sizeof(float), static PW_CLONES)
PAIRWISE_TREE(float, pw_strided_f4, s, static PW_CLONES)

/* Leaves side by side only for a lane of at most 1 MB (the L2 of a Zen 4 or 5): from farther
 * away (L3, memory) two or four streams 1 KB apart halve what the prefetchers deliver. np.sum of
 * 10^7 doubles on a Zen 4: 6.3 ms side by side, 2.3 one leaf at a time (NumPy's 2.56); of 10^6,
 * 0.136 -> 0.095; of 10^5 (in L2) 0.0107 either way. */
static bool side_by_side(int64_t n, int64_t stride) {
    int64_t span = n * (stride < 0 ? -stride : stride);
    return span <= ((int64_t)1 << 20);
}

double ember_rt_pairwise_f8(const char *a, int64_t n, int64_t stride) {
    bool side = side_by_side(n, stride);
    return stride == (int64_t)sizeof(double) ? pw_unit_f8(a, n, stride, side) : pw_strided_f8(a, n, stride, side);
}

float ember_rt_pairwise_f4(const char *a, int64_t n, int64_t stride) {
    bool side = side_by_side(n, stride);
    return stride == (int64_t)sizeof(float) ? pw_unit_f4(a, n, stride, side) : pw_strided_f4(a, n, stride, side);
}
