/* sort.c: sorting, searching and order statistics for NumPy dtypes (declared in sort.h).
 *
 * How: the kernels are written once, as plain C over an element type SORT_T with names built
 * from a suffix SORT_S (and SORT_FLOAT saying whether NaN exists), in the template half of this file (the #if branch below). The file
 * proper (the #else branch) includes this same file once per dtype with the two macros set, then
 * defines the float64-only order statistics on top of the f8 instances.
 *
 * Algorithms:
 *   sort         NumPy's own quicksort of the dtype when the extension found it (sort.h,
 *                rt_use_numpy_sort_*: SIMD sorting networks where the CPU has them, 5-20x
 *                this introsort on AVX-512), else:
 *                NaNs are swapped to the end first (O(n)), so every later comparison is a
 *                plain '<'. Then introsort: median-of-three quicksort that recurses into the
 *                smaller side, falls back to heapsort after 2*log2(n) levels, and finishes runs
 *                of <= 16 elements with insertion sort. Same order as NumPy's default kind.
 *   argsort      The default kind: NumPy's own argsort (quicksort kind: SIMD on AVX-512) of
 *                the dtype on contiguous data when the extension found it, so ties come out as
 *                in NumPy (7x faster than the merge sort below for 10^5 doubles), unless one
 *                value dominates the data (many_equal: that quicksort slows down there, the
 *                merge sort does not). The stable
 *                kind, and without NumPy's: the values are gathered into a contiguous copy; indices of non-NaN values go
 *                first and those of NaNs after, each in index order; then a top-down merge
 *                sort of the index array (insertion sort below 16, a half-size buffer, and a
 *                skip when the halves are already in order). Merging prefers the left run, so
 *                the result is stable, as np.argsort(kind="stable").
 *   quantile     A contiguous copy; the two neighbours of every virtual index are found by
 *                quickselect, each selection starting past the previous one, or by one full
 *                sort when there are many quantiles.
 */
#if defined(SORT_T)
/* ======== the template: one instance per dtype ======================================== */

#define SORT_CAT2(a, b) a##b
#define SORT_CAT(a, b) SORT_CAT2(a, b)
#define F(name) SORT_CAT(name##_, SORT_S) /* F(heapsort) -> heapsort_i4 */

static inline SORT_T F(load)(const char *p) {
    SORT_T v;
    memcpy(&v, p, sizeof v); /* strided data need not be aligned */
    return v;
}

static inline void F(swap)(SORT_T *x, SORT_T *y) {
    SORT_T t = *x;
    *x = *y;
    *y = t;
}

static inline int F(is_nan)(SORT_T x) {
#if SORT_FLOAT
    return x != x;
#else
    (void)x;
    return 0;
#endif
}

/* NumPy's less-than: NaN sorts after every number. */
static inline int F(less_nan)(SORT_T a, SORT_T b) {
    return a < b || (F(is_nan)(b) && !F(is_nan)(a));
}

static void F(insertion)(SORT_T *a, int64_t n) {
    for (int64_t i = 1; i < n; i++) {
        SORT_T v = a[i];
        int64_t j = i;
        for (; j > 0 && v < a[j - 1]; j--) a[j] = a[j - 1];
        a[j] = v;
    }
}

static void F(sift_down)(SORT_T *a, int64_t i, int64_t n) {
    SORT_T v = a[i];
    for (int64_t c; (c = 2 * i + 1) < n; i = c) {
        if (c + 1 < n && a[c] < a[c + 1]) c++;
        if (!(v < a[c])) break;
        a[i] = a[c];
    }
    a[i] = v;
}

static void F(heapsort)(SORT_T *a, int64_t n) {
    for (int64_t i = n / 2; i-- > 0;) F(sift_down)(a, i, n);
    for (int64_t end = n - 1; end > 0; end--) {
        F(swap)(&a[0], &a[end]);
        F(sift_down)(a, 0, end);
    }
}

/* Partitions a[0..n), n >= 3, around the median of a[0], a[n/2], a[n-1] and returns the
 * pivot's final index p: a[0..p) <= a[p] <= a(p..n). a[0] and the pivot parked at a[n-2] act
 * as sentinels, so the scans need no bounds checks. */
static int64_t F(partition)(SORT_T *a, int64_t n) {
    int64_t m = n / 2, r = n - 1;
    if (a[m] < a[0]) F(swap)(&a[m], &a[0]);
    if (a[r] < a[m]) {
        F(swap)(&a[r], &a[m]);
        if (a[m] < a[0]) F(swap)(&a[m], &a[0]);
    }
    SORT_T pivot = a[m];
    F(swap)(&a[m], &a[r - 1]);
    int64_t i = 0, j = r - 1;
    for (;;) {
        do i++;
        while (a[i] < pivot);
        do j--;
        while (pivot < a[j]);
        if (i >= j) break;
        F(swap)(&a[i], &a[j]);
    }
    F(swap)(&a[i], &a[r - 1]);
    return i;
}

static void F(introsort)(SORT_T *a, int64_t n, int depth) {
    while (n > SORT_SMALL) {
        if (depth-- == 0) {
            F(heapsort)(a, n);
            return;
        }
        int64_t p = F(partition)(a, n);
        if (p < n - 1 - p) { /* recurse into the smaller side: stack depth O(log n) */
            F(introsort)(a, p, depth);
            a += p + 1;
            n -= p + 1;
        } else {
            F(introsort)(a + p + 1, n - p - 1, depth);
            n = p;
        }
    }
    F(insertion)(a, n);
}

/* Swaps the NaNs to the end (unstably); returns how many values are not NaN. */
static int64_t F(nans_to_end)(SORT_T *a, int64_t n) {
    int64_t k = n;
    for (int64_t i = 0; i < k;) {
        if (F(is_nan)(a[i])) F(swap)(&a[i], &a[--k]);
        else i++;
    }
    return k;
}

/* NumPy's own sort of this dtype (rt_use_numpy_sort), or NULL: the introsort here. */
static RtNumpySort F(numpy_sort);

void SORT_CAT(rt_use_numpy_sort_, SORT_S)(RtNumpySort f) { F(numpy_sort) = f; }

/* Data already in order: 1 ascending (each value <= the next), 2 strictly so, -1 strictly
 * descending, else 0 (a NaN anywhere: 0). One pass that stops at the first value out of line,
 * after a few values on data in no order; NumPy's SIMD quicksort takes its full time over sorted
 * or reversed data (4.5 ms for 120000 int64, numba's quicksort 0.9). */
static int F(in_order)(const char *data, int64_t n, int64_t stride) {
    SORT_T prev = F(load)(data);
    int up = 2, down = 1;
    for (int64_t i = 1; i < n && (up || down); i++) {
        SORT_T x = F(load)(data + i * stride);
        if (!(prev <= x)) up = 0;
        else if (!(prev < x) && up) up = 1;
        if (!(x < prev)) down = 0;
        prev = x;
    }
    return up ? up : down ? -1 : 0;
}

static void F(reverse)(SORT_T *a, int64_t n) {
    for (int64_t i = 0, j = n - 1; i < j; i++, j--) F(swap)(&a[i], &a[j]);
}

void SORT_CAT(ember_rt_sort_, SORT_S)(void *data, int64_t n) {
    if (n < 2) return;
    int order = F(in_order)(data, n, (int64_t)sizeof(SORT_T));
    if (order > 0) return;
    if (order < 0) {
        F(reverse)(data, n);
        return;
    }
    if (sizeof(SORT_T) == 1 && n >= SORT_COUNT_MIN) {
        counting_sort_bytes(data, n, (SORT_T)-1 < (SORT_T)0);
        return;
    }
    if (F(numpy_sort)) {   /* the same order: ascending, NaNs last */
        F(numpy_sort)(data, (intptr_t)n, NULL);
        return;
    }
    SORT_T *a = data;
    n = F(nans_to_end)(a, n);
    F(introsort)(a, n, 2 * floor_log2(n));
}

/* Stable sort of the indices idx[0..n) by v[idx[i]] (no NaNs among them); buf holds n/2. */
static void F(merge_sort_idx)(int64_t *idx, int64_t n, const SORT_T *v, int64_t *buf) {
    if (n <= SORT_SMALL) {
        for (int64_t i = 1; i < n; i++) {
            int64_t x = idx[i], j = i;
            for (; j > 0 && v[x] < v[idx[j - 1]]; j--) idx[j] = idx[j - 1];
            idx[j] = x;
        }
        return;
    }
    int64_t h = n / 2;
    F(merge_sort_idx)(idx, h, v, buf);
    F(merge_sort_idx)(idx + h, n - h, v, buf);
    if (!(v[idx[h]] < v[idx[h - 1]])) return; /* already in order */
    memcpy(buf, idx, (size_t)h * sizeof *buf);
    int64_t i = 0, j = h, k = 0; /* k < j always: the output never overtakes the right run */
    while (i < h && j < n) idx[k++] = v[idx[j]] < v[buf[i]] ? idx[j++] : buf[i++];
    while (i < h) idx[k++] = buf[i++];
}

/* NumPy's own argsort of this dtype (rt_use_numpy_argsort), or NULL: the merge sort here. */
static RtNumpyArgsort F(numpy_argsort);

void SORT_CAT(rt_use_numpy_argsort_, SORT_S)(RtNumpyArgsort f) { F(numpy_argsort) = f; }

/* Does one value dominate the n values: a quarter or more of a sample of 64, and over twice as
 * many as any other? NumPy's SIMD argsort slows down on such data (10^6 values: 97% zeros 154
 * ms, half zeros and half distinct 131, where random ones take 79; Numba's quicksort 21 ms on
 * the first), while the merge sort here is fast there (8-75 ms): argsort takes it then. A few
 * values equally often (2 to 8 of them) the SIMD sort does fast (7-18 ms against 19-36). */
static int F(many_equal)(const char *data, int64_t n, int64_t stride_bytes) {
    enum { SAMPLE = 64 };
    if (n < 4 * SAMPLE) return 0;
    SORT_T s[SAMPLE];
    int64_t step = n / SAMPLE;   /* one value from each of 64 stretches, at varying places in them */
    for (int k = 0; k < SAMPLE; k++) s[k] = F(load)(data + (step * k + (k * 5) % step) * stride_bytes);
    F(insertion)(s, SAMPLE);
    int run = 1, top = 0, second = 0;
    for (int k = 1; k <= SAMPLE; k++) {
        if (k < SAMPLE && s[k] == s[k - 1]) {
            run++;
            continue;
        }
        if (run > top) second = top, top = run;
        else if (run > second) second = run;
        run = 1;
    }
    return top >= SAMPLE / 4 && 2 * second < top;
}

int SORT_CAT(ember_rt_argsort_, SORT_S)(const char *data, int64_t n, int64_t stride_bytes, int64_t *out, int stable) {
    if (n <= 0) return 0;
    int order = F(in_order)(data, n, stride_bytes);   /* the one answer, ties or none (stable) */
    if (order == 2 || (order == 1 && stable) || order == -1) {
        for (int64_t i = 0; i < n; i++) out[i] = order < 0 ? n - 1 - i : i;
        return 0;
    }
    if (!stable && F(numpy_argsort) && stride_bytes == (int64_t)sizeof(SORT_T) && sizeof(intptr_t) == sizeof(int64_t) &&
        !F(many_equal)(data, n, stride_bytes)) {
        for (int64_t i = 0; i < n; i++) out[i] = i;   /* NumPy's argsort starts from the identity */
        F(numpy_argsort)((void *)data, (intptr_t *)out, (intptr_t)n, NULL);
        return 0;
    }
    SORT_T *v = malloc((size_t)n * sizeof *v);
    int64_t *buf = malloc((size_t)(n / 2 + 1) * sizeof *buf);
    if (!v || !buf) {
        free(v);
        free(buf);
        ember_rt_raise("builtins:MemoryError", "argsort: cannot allocate scratch memory");
        return -1;
    }
    for (int64_t i = 0; i < n; i++) v[i] = F(load)(data + i * stride_bytes);
    int64_t k = 0;
    for (int64_t i = 0; i < n; i++)
        if (!F(is_nan)(v[i])) out[k++] = i;
    int64_t numbers = k;
    for (int64_t i = 0; i < n; i++)
        if (F(is_nan)(v[i])) out[k++] = i;
    F(merge_sort_idx)(out, numbers, v, buf);
    free(v);
    free(buf);
    return 0;
}

#undef F
#undef SORT_CAT
#undef SORT_CAT2

#else
/* ======== the file proper ============================================================== */

#include "sort.h"
#include <math.h>
#include <stdlib.h>
#include <string.h>

void ember_rt_raise(const char *exc, const char *msg); /* error.c */

enum { SORT_SMALL = 16 }; /* runs this short are finished by insertion sort */

static int floor_log2(int64_t n) {
    int k = 0;
    while (n > 1) n >>= 1, k++;
    return k;
}

/* Sorts n one-byte values by counting them: 256 counters, then the values written back in
 * order (signed: -128 first). Equal integers cannot be told apart, so this is any sort's result;
 * NumPy's quicksort of int8 ran 25 ms for 10^6 elements (its SIMD sorts start at 16 bits). */
enum { SORT_COUNT_MIN = 256 };   /* fewer elements: the quicksort, without 2 KB of counters to clear */

static void counting_sort_bytes(uint8_t *a, int64_t n, int is_signed) {
    int64_t count[256] = {0};
    for (int64_t i = 0; i < n; i++) count[a[i]]++;
    int64_t at = 0;
    for (int v = 0; v < 256; v++) {
        int byte = is_signed ? (v + 128) & 255 : v;   /* signed order: 128..255 (negative), then 0..127 */
        memset(a + at, byte, (size_t)count[byte]);
        at += count[byte];
    }
}

#define SORT_T uint8_t
#define SORT_S b1
#define SORT_FLOAT 0
#include "sort.c"
#undef SORT_T
#undef SORT_S
#undef SORT_FLOAT

#define SORT_T int8_t
#define SORT_S i1
#define SORT_FLOAT 0
#include "sort.c"
#undef SORT_T
#undef SORT_S
#undef SORT_FLOAT

#define SORT_T int16_t
#define SORT_S i2
#define SORT_FLOAT 0
#include "sort.c"
#undef SORT_T
#undef SORT_S
#undef SORT_FLOAT

#define SORT_T int32_t
#define SORT_S i4
#define SORT_FLOAT 0
#include "sort.c"
#undef SORT_T
#undef SORT_S
#undef SORT_FLOAT

#define SORT_T int64_t
#define SORT_S i8
#define SORT_FLOAT 0
#include "sort.c"
#undef SORT_T
#undef SORT_S
#undef SORT_FLOAT

#define SORT_T uint8_t
#define SORT_S u1
#define SORT_FLOAT 0
#include "sort.c"
#undef SORT_T
#undef SORT_S
#undef SORT_FLOAT

#define SORT_T uint16_t
#define SORT_S u2
#define SORT_FLOAT 0
#include "sort.c"
#undef SORT_T
#undef SORT_S
#undef SORT_FLOAT

#define SORT_T uint32_t
#define SORT_S u4
#define SORT_FLOAT 0
#include "sort.c"
#undef SORT_T
#undef SORT_S
#undef SORT_FLOAT

#define SORT_T uint64_t
#define SORT_S u8
#define SORT_FLOAT 0
#include "sort.c"
#undef SORT_T
#undef SORT_S
#undef SORT_FLOAT

#define SORT_T float
#define SORT_S f4
#define SORT_FLOAT 1
#include "sort.c"
#undef SORT_T
#undef SORT_S
#undef SORT_FLOAT

#define SORT_T double
#define SORT_S f8
#define SORT_FLOAT 1
#include "sort.c"
#undef SORT_T
#undef SORT_S
#undef SORT_FLOAT

/* ---- order statistics (float64) --------------------------------------------------- */

/* Swaps the first smallest (largest: the last largest) of a[0..n) into a[0] (a[n-1]). */
static void min_to_front_f8(double *a, int64_t n) {
    int64_t j = 0;
    for (int64_t i = 1; i < n; i++) j = a[i] < a[j] ? i : j;
    double t = a[0];
    a[0] = a[j], a[j] = t;
}

static void max_to_back_f8(double *a, int64_t n) {
    int64_t j = n - 1;
    for (int64_t i = n - 2; i >= 0; i--) j = a[i] > a[j] ? i : j;
    double t = a[n - 1];
    a[n - 1] = a[j], a[j] = t;
}

/* Rearranges a[0..n) (no NaNs) so that a[k] holds the value a full sort would put there, with
 * nothing greater before it and nothing smaller after it. Quickselect with the sort's
 * partition; after 2*log2(n) rounds it sorts what is left, so the worst case is O(n log n). A k
 * at either end (the upper neighbour of a median or quantile index already placed, as often as
 * not) is one scan for the extreme, as NumPy's introselect does it, not a round of partitions. */
static void select_f8(double *a, int64_t n, int64_t k) {
    int depth = 2 * floor_log2(n);
    while (n > SORT_SMALL) {
        if (k == 0 || k == n - 1) {
            if (k == 0) min_to_front_f8(a, n);
            else max_to_back_f8(a, n);
            return;
        }
        if (depth-- == 0) {
            heapsort_f8(a, n);
            return;
        }
        int64_t p = partition_f8(a, n);
        if (k == p) return;
        if (k < p) {
            n = p;
        } else {
            a += p + 1;
            n -= p + 1;
            k -= p + 1;
        }
    }
    insertion_f8(a, n);
}

/* Copies n strided doubles into a new buffer; returns NULL (MemoryError raised) on failure.
 * *has_nan tells whether any value is NaN. */
static double *gather_f8(const char *data, int64_t n, int64_t stride_bytes, const char *who, int *has_nan) {
    double *v = malloc((size_t)(n > 0 ? n : 1) * sizeof *v);
    if (!v) {
        ember_rt_raise("builtins:MemoryError", who);
        return NULL;
    }
    int nan = 0;
    for (int64_t i = 0; i < n; i++) {
        v[i] = load_f8(data + i * stride_bytes);
        nan |= v[i] != v[i];
    }
    *has_nan = nan;
    return v;
}

static int cmp_i64(const void *x, const void *y) {
    int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;
    return (a > b) - (a < b);
}

enum { QUANTILE_SELECT_MAX = 8 }; /* above this many quantiles, one full sort is cheaper */

static int quantile_in(double *v, int64_t n, int has_nan, const double *qs, int64_t nq, double *out);
static void median_in(double *v, int64_t n, int has_nan, double *out);

static int has_nan_f8(const double *v, int64_t n) {
    int nan = 0;
    for (int64_t i = 0; i < n; i++) nan |= v[i] != v[i];
    return nan;
}

/* The same statistics of a lane the caller owns (a private contiguous copy): reordered in place,
 * no scratch copy. */
int ember_rt_quantile_own_f8(double *v, int64_t n, const double *qs, int64_t nq, double *out) {
    return quantile_in(v, n, n > 0 && has_nan_f8(v, n), qs, nq, out);
}

int ember_rt_median_own_f8(double *v, int64_t n, double *out) {
    median_in(v, n, n > 0 && has_nan_f8(v, n), out);
    return 0;
}

int ember_rt_quantile_f8(const char *data, int64_t n, int64_t stride_bytes, const double *qs, int64_t nq,
                         double *out) {
    int has_nan = 0;
    double *v = NULL;
    if (n > 0 && !(v = gather_f8(data, n, stride_bytes, "quantile: cannot allocate scratch memory", &has_nan))) return -1;
    int r = quantile_in(v, n, has_nan, qs, nq, out);
    free(v);
    return r;
}

static int quantile_in(double *v, int64_t n, int has_nan, const double *qs, int64_t nq, double *out) {
    for (int64_t i = 0; i < nq; i++) {
        if (!(qs[i] >= 0.0 && qs[i] <= 1.0)) {
            ember_rt_raise("builtins:ValueError", "Quantiles must be in the range [0, 1]");
            return -1;
        }
    }
    if (n <= 0) {
        ember_rt_raise("builtins:IndexError", "index -1 is out of bounds for axis 0 with size 0");
        return -1;
    }
    if (has_nan) {
        for (int64_t i = 0; i < nq; i++) out[i] = NAN;
        return 0;
    }

    /* Put the neighbours of every virtual index in place. */
    if (nq <= QUANTILE_SELECT_MAX) {
        int64_t want[2 * QUANTILE_SELECT_MAX], nwant = 0;
        for (int64_t i = 0; i < nq; i++) {
            double vi = (double)(n - 1) * qs[i];
            int64_t lo = vi >= (double)(n - 1) ? n - 1 : (int64_t)floor(vi);
            want[nwant++] = lo;
            if (lo + 1 < n) want[nwant++] = lo + 1;
        }
        qsort(want, (size_t)nwant, sizeof want[0], cmp_i64);
        int64_t base = 0; /* v[0..base) is final and <= everything after it */
        for (int64_t i = 0; i < nwant; i++) {
            if (want[i] < base) continue;
            select_f8(v + base, n - base, want[i] - base);
            base = want[i] + 1;
        }
    } else {
        introsort_f8(v, n, 2 * floor_log2(n));
    }

    /* NumPy's 'linear' method, step for step (lib/_function_base_impl.py: _get_indexes,
     * _get_gamma, _lerp). At or past the last index NumPy sets the previous index to -1, and
     * gamma is then computed against that -1; we do the same so that inf gives NumPy's NaN. */
    for (int64_t i = 0; i < nq; i++) {
        double vi = (double)(n - 1) * qs[i];
        double prev = floor(vi);
        int64_t lo = (int64_t)prev, hi = lo + 1;
        if (vi >= (double)(n - 1)) {
            prev = -1.0;
            lo = hi = n - 1;
        }
        double gamma = vi - prev;
        double a = v[lo], b = v[hi], diff = b - a;
        out[i] = gamma >= 0.5 ? b - diff * (1.0 - gamma) : a + diff * gamma;
    }
    return 0;
}

int ember_rt_median_f8(const char *data, int64_t n, int64_t stride_bytes, double *out) {
    if (n <= 0) {
        *out = NAN;
        return 0;
    }
    int has_nan;
    double *v = gather_f8(data, n, stride_bytes, "median: cannot allocate scratch memory", &has_nan);
    if (!v) return -1;
    median_in(v, n, has_nan, out);
    free(v);
    return 0;
}

static void median_in(double *v, int64_t n, int has_nan, double *out) {
    if (n <= 0) {
        *out = NAN;
        return;
    }
    int64_t m = n / 2;
    if (has_nan) {
        *out = NAN;
    } else if (n % 2) {
        select_f8(v, n, m);
        *out = 0.0 + v[m]; /* np.mean's sum starts from +0.0, so -0.0 comes out as 0.0 */
    } else {
        select_f8(v, n, m - 1);
        select_f8(v + m, n - m, 0);
        *out = (0.0 + v[m - 1] + v[m]) / 2.0;
    }
}

#endif
