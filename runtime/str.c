/* str.c: Python's str in compiled code (the runtime half; codegen/lower_str.c is the other).
 *
 * A string is a counted block (array.c's allocator, so rt_stats counts it and the suite's leak
 * fixture sees it) laid out as RtStr (rt.h): the block header {refcnt, size, alloc}, then
 * {len, kind, hash}, then len code points of `kind` bytes each (1, 2 or 4: CPython's compact
 * form, chosen by the largest code point, so boxing and unboxing are one memcpy) and a zero.
 * Every string is kept canonical (the smallest kind that holds it), so two equal strings have
 * equal bytes and CPython's hash of those bytes (_Py_HashBytes, the process's own key) is
 * Python's hash(s): dicts and sets keyed by strings iterate in CPython's order.
 *
 * The runtime value is a pointer to the block. Generated code counts references inline at
 * offset 0, as for arrays; literals are constant blocks in the object code with a refcount
 * (RT_STR_IMMORTAL) that never reaches zero. The functions here never take the GIL: every
 * one returns a new reference, or NULL with the error record set.
 */
#include "rt.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define DATA(s) ((unsigned char *)((RtStr *)(s) + 1))

static inline uint32_t cp(const RtStr *s, int64_t i) {
    switch (s->kind) {
    case 1: return DATA(s)[i];
    case 2: return ((const uint16_t *)DATA(s))[i];
    default: return ((const uint32_t *)DATA(s))[i];
    }
}

static inline void put(RtStr *s, int64_t i, uint32_t c) {
    switch (s->kind) {
    case 1: DATA(s)[i] = (unsigned char)c; break;
    case 2: ((uint16_t *)DATA(s))[i] = (uint16_t)c; break;
    default: ((uint32_t *)DATA(s))[i] = c;
    }
}

static int kind_of(uint32_t maxchar) { return maxchar < 256 ? 1 : maxchar < 65536 ? 2 : 4; }

/* A new string of len code points of `kind`, its text to fill. */
static RtStr *str_new(int64_t len, int kind) {
    if (len < 0 || len > ((int64_t)1 << 56) / kind) {
        ember_rt_raise("builtins:MemoryError", "string too long");
        return NULL;
    }
    RtStr *s = (RtStr *)ember_rt_block_alloc_small((int64_t)(sizeof(RtStr) - 24) + (len + 1) * kind);
    if (!s) return NULL;
    s->len = len;
    s->kind = kind;
    s->hash = -1;
    put(s, len, 0);   /* the terminating zero */
    return s;
}

static void str_decref(RtStr *s) { rt_block_decref((RtBlock *)s); }
static RtStr *str_incref(RtStr *s) {
    __atomic_fetch_add(&s->refcnt, 1, __ATOMIC_RELAXED);
    return s;
}

/* The single characters below 256, immortal: indexing and iterating make no allocation. */
static struct { RtStr h; uint32_t text[2]; } latin1[256];
static bool latin1_ready;   /* set once by rt_str_init (concurrent first calls write the same values) */

RtStr *rt_str_keep(RtStr *s) {
    bool literal = s->refcnt >= RT_STR_IMMORTAL / 2 && !(s >= &latin1[0].h && s <= &latin1[255].h);
    if (literal) {   /* a constant of some compiled code, which may be unloaded before the container goes */
        RtStr *c = rt_str_from_kind((int)s->kind, DATA(s), s->len);
        if (c) return c;
    }
    __atomic_fetch_add(&s->refcnt, 1, __ATOMIC_RELAXED);
    return s;
}

void rt_str_init(void) {
    if (latin1_ready) return;
    for (int c = 0; c < 256; c++) {
        latin1[c].h.refcnt = RT_STR_IMMORTAL;
        latin1[c].h.len = 1;
        latin1[c].h.kind = 1;
        latin1[c].h.hash = -1;
        DATA(&latin1[c].h)[0] = (unsigned char)c;
    }
    __atomic_store_n(&latin1_ready, true, __ATOMIC_RELEASE);
}

static RtStr *char_str(uint32_t c) {
    if (!__atomic_load_n(&latin1_ready, __ATOMIC_ACQUIRE)) rt_str_init();   /* idempotent: same values */
    if (c < 256) return str_incref(&latin1[c].h);
    RtStr *s = str_new(1, kind_of(c));
    if (s) put(s, 0, c);
    return s;
}

/* A string of the code points of src[start + k*step] (k < n), in its canonical kind. */
static RtStr *str_take(const RtStr *src, int64_t start, int64_t step, int64_t n) {
    uint32_t maxchar = 0;
    if (src->kind == 1 && n > 1) {   /* latin-1 text stays latin-1: no scan */
        RtStr *s = str_new(n, 1);
        if (s && step == 1) memcpy(DATA(s), DATA(src) + start, (size_t)n);
        else if (s) for (int64_t k = 0; k < n; k++) DATA(s)[k] = DATA(src)[start + k * step];
        return s;
    }
    for (int64_t k = 0; k < n; k++) {
        uint32_t c = cp(src, start + k * step);
        if (c > maxchar) maxchar = c;
    }
    if (n == 1) return char_str(maxchar);
    RtStr *s = str_new(n, kind_of(maxchar));
    if (!s) return NULL;
    if (s->kind == src->kind && step == 1) memcpy(DATA(s), DATA(src) + start * src->kind, (size_t)(n * s->kind));
    else for (int64_t k = 0; k < n; k++) put(s, k, cp(src, start + k * step));
    return s;
}

RtStr *rt_str_from_kind(int kind, const void *data, int64_t len) {
    uint32_t maxchar = 0;
    for (int64_t i = 0; i < len; i++) {
        uint32_t c = kind == 1 ? ((const unsigned char *)data)[i] : kind == 2 ? ((const uint16_t *)data)[i]
                               : ((const uint32_t *)data)[i];
        if (c > maxchar) maxchar = c;
    }
    RtStr *s = str_new(len, kind_of(maxchar));
    if (!s) return NULL;
    if (s->kind == kind) {
        memcpy(DATA(s), data, (size_t)(len * kind));
    } else {
        for (int64_t i = 0; i < len; i++)
            put(s, i, kind == 1 ? ((const unsigned char *)data)[i] : kind == 2 ? ((const uint16_t *)data)[i]
                                : ((const uint32_t *)data)[i]);
    }
    return s;
}

/* A string operand of ember_rt_chars_cmp: a str (n < 0) or a string array's element of n UCS4
 * code points at p, read as NumPy reads it (its trailing zeros dropped). */
static uint32_t operand_cp(const void *p, int64_t i, int64_t n) {
    if (n < 0) return cp(p, i);
    uint32_t c;
    memcpy(&c, (const char *)p + 4 * i, 4);
    return c;
}

static int64_t operand_len(const void *p, int64_t n) {
    if (n < 0) return ((const RtStr *)p)->len;
    while (n > 0 && !operand_cp(p, n - 1, n)) n--;
    return n;
}

/* A record's 'U<n>' field: its n code points at p (maybe unaligned) up to the trailing zeros,
 * as NumPy reads the field. */
RtStr *ember_rt_str_from_ucs4(const void *p, int64_t n) {
    n = operand_len(p, n);
    uint32_t buf[64], *cps = n <= 64 ? buf : malloc(sizeof *cps * (size_t)n);
    if (!cps) {
        ember_rt_raise("builtins:MemoryError", "string too long");
        return NULL;
    }
    memcpy(cps, p, sizeof *cps * (size_t)n);
    RtStr *s = rt_str_from_kind(4, cps, n);
    if (cps != buf) free(cps);
    return s;
}

/* s stored into a 'U<n>' field at p: its first n code points, then zeros. */
void ember_rt_str_to_ucs4(const RtStr *s, void *p, int64_t n) {
    unsigned char *out = p;
    for (int64_t i = 0; i < n; i++) {
        uint32_t c = i < s->len ? cp(s, i) : 0;
        memcpy(out + 4 * i, &c, 4);
    }
}

static RtStr *from_ascii(const char *text, int64_t n) {
    RtStr *s = str_new(n, 1);
    if (s) memcpy(DATA(s), text, (size_t)n);
    return s;
}

/* ---- boxing ---------------------------------------------------------------------------- */
PyObject *rt_box_str(RtStr *s) { return PyUnicode_FromKindAndData((int)s->kind, DATA(s), s->len); }

RtStr *rt_unbox_str(PyObject *o) {
    if (PyUnicode_READY(o) < 0) return NULL;
    RtStr *s = str_new(PyUnicode_GET_LENGTH(o), PyUnicode_KIND(o));
    if (!s) {
        PyErr_NoMemory();
        return NULL;
    }
    memcpy(DATA(s), PyUnicode_DATA(o), (size_t)(s->len * s->kind));
    return s;
}

/* ---- hash and comparisons (also what dict and set keys use) ---------------------------- */
int64_t ember_rt_str_hash(RtStr *s) {
    int64_t h = __atomic_load_n(&s->hash, __ATOMIC_RELAXED);
    if (h != -1) return h;
    h = _Py_HashBytes(DATA(s), s->len * s->kind);
    __atomic_store_n(&s->hash, h, __ATOMIC_RELAXED);   /* every thread computes the same value */
    return h;
}

bool ember_rt_str_eq(RtStr *a, RtStr *b) {
    if (a == b) return true;
    if (a->len != b->len || a->kind != b->kind) return false;
    if (a->hash != -1 && b->hash != -1 && a->hash != b->hash) return false;
    return !memcmp(DATA(a), DATA(b), (size_t)(a->len * a->kind));
}

int32_t ember_rt_str_cmp(RtStr *a, RtStr *b) {
    int64_t n = a->len < b->len ? a->len : b->len;
    if (a->kind == 1 && b->kind == 1) {
        if (n && DATA(a)[0] != DATA(b)[0]) return DATA(a)[0] < DATA(b)[0] ? -1 : 1;   /* most orderings */
        int r = memcmp(DATA(a), DATA(b), (size_t)n);
        if (r) return r < 0 ? -1 : 1;
    } else {
        for (int64_t i = 0; i < n; i++) {
            uint32_t x = cp(a, i), y = cp(b, i);
            if (x != y) return x < y ? -1 : 1;
        }
    }
    return a->len < b->len ? -1 : a->len > b->len;
}

/* a compared with b where either may be an element in place (a string array's, compared without
 * making a str: lower_fields.c): -1, 0 or 1 as ember_rt_str_cmp. */
int32_t ember_rt_chars_cmp(const void *a, int64_t na, const void *b, int64_t nb) {
    int64_t la = operand_len(a, na), lb = operand_len(b, nb), n = la < lb ? la : lb;
    for (int64_t i = 0; i < n; i++) {
        uint32_t x = operand_cp(a, i, na), y = operand_cp(b, i, nb);
        if (x != y) return x < y ? -1 : 1;
    }
    return la < lb ? -1 : la > lb;
}

/* ---- searching -------------------------------------------------------------------------- */
/* Python's slice.indices for [start:end] of a length-n string (start/end already defaults). */
static void adjust(int64_t n, int64_t *start, int64_t *end) {
    if (*end > n) *end = n;
    else if (*end < 0) { *end += n; if (*end < 0) *end = 0; }
    if (*start < 0) { *start += n; if (*start < 0) *start = 0; }
}

static bool match_at(const RtStr *s, int64_t i, const RtStr *sub) {
    if (s->kind == sub->kind) return !memcmp(DATA(s) + i * s->kind, DATA(sub), (size_t)(sub->len * s->kind));
    for (int64_t k = 0; k < sub->len; k++)
        if (cp(s, i + k) != cp(sub, k)) return false;
    return true;
}

/* The first (or last) index in [start, end) where sub occurs, or -1. */
static int64_t search(const RtStr *s, const RtStr *sub, int64_t start, int64_t end, bool last) {
    adjust(s->len, &start, &end);
    if (end - start < sub->len || start > s->len) return -1;
    if (sub->kind > s->kind) return -1;   /* canonical: a wider code point is not in s */
    if (s->kind == 1 && sub->len > 0) {   /* bytes: glibc's memmem forward (two-way, with skips) */
        const unsigned char *t = DATA(s), *pt = DATA(sub);
        int64_t m = sub->len;
        if (!last) {
            const unsigned char *p = memmem(t + start, (size_t)(end - start), pt, (size_t)m);
            return p ? p - t : -1;
        }
        if (m == 1) {
            const unsigned char *p = memrchr(t + start, pt[0], (size_t)(end - start));
            return p ? p - t : -1;
        }
        /* backward: Horspool's skip by the window's first byte, the nearest k >= 1 where the
         * pattern has it (m where it has none); 'T'*35 in a DNA text took 18x numba's time */
        int64_t shift[256];
        for (int c = 0; c < 256; c++) shift[c] = m;
        for (int64_t k = m - 1; k >= 1; k--) shift[pt[k]] = k;
        for (int64_t i = end - m; i >= start; i -= shift[t[i]])
            if (t[i] == pt[0] && !memcmp(t + i, pt, (size_t)m)) return i;
        return -1;
    }
    if (last) {
        for (int64_t i = end - sub->len; i >= start; i--)
            if (match_at(s, i, sub)) return i;
    } else {
        for (int64_t i = start; i + sub->len <= end; i++)
            if (match_at(s, i, sub)) return i;
    }
    return -1;
}

int64_t ember_rt_str_find(RtStr *s, RtStr *sub, int64_t start, int64_t end) { return search(s, sub, start, end, false); }
int64_t ember_rt_str_rfind(RtStr *s, RtStr *sub, int64_t start, int64_t end) { return search(s, sub, start, end, true); }
bool ember_rt_str_contains(RtStr *s, RtStr *sub) { return search(s, sub, 0, INT64_MAX, false) >= 0; }

int64_t ember_rt_str_count(RtStr *s, RtStr *sub, int64_t start, int64_t end) {
    adjust(s->len, &start, &end);
    if (start > s->len || end - start < sub->len) return 0;
    if (sub->len == 0) return end - start + 1;
    int64_t n = 0;
    for (int64_t i = start; (i = search(s, sub, i, end, false)) >= 0; i += sub->len) n++;
    return n;
}

bool ember_rt_str_startswith(RtStr *s, RtStr *sub, int64_t start, int64_t end, bool at_end) {
    adjust(s->len, &start, &end);
    if (start > s->len || end - start < sub->len) return false;
    if (sub->kind > s->kind) return false;
    return match_at(s, at_end ? end - sub->len : start, sub);
}

/* ---- making strings --------------------------------------------------------------------- */
static RtStr *concat_n(RtStr *const *parts, int64_t n) {
    int64_t len = 0;
    int kind = 1;
    for (int64_t i = 0; i < n; i++) {
        len += parts[i]->len;
        if (parts[i]->kind > kind) kind = (int)parts[i]->kind;
    }
    RtStr *s = str_new(len, kind);
    if (!s) return NULL;
    int64_t at = 0;
    for (int64_t i = 0; i < n; i++) {
        RtStr *p = parts[i];
        if (p->kind == kind) memcpy(DATA(s) + at * kind, DATA(p), (size_t)(p->len * kind));
        else for (int64_t k = 0; k < p->len; k++) put(s, at + k, cp(p, k));
        at += p->len;
    }
    return s;
}

RtStr *ember_rt_str_concat(RtStr *a, RtStr *b) {
    RtStr *parts[2] = {a, b};
    return concat_n(parts, 2);
}

RtStr *ember_rt_str_build(RtStr **parts, int64_t n) { return concat_n(parts, n); }

RtStr *ember_rt_str_repeat(RtStr *a, int64_t n) {
    if (n < 0) n = 0;
    if (a->len && n > (((int64_t)1 << 56) / a->kind) / a->len) {
        ember_rt_raise("builtins:MemoryError", "repeated string is too long");
        return NULL;
    }
    RtStr *s = str_new(a->len * n, (int)a->kind);
    if (!s) return NULL;
    size_t chunk = (size_t)(a->len * a->kind);
    for (int64_t i = 0; i < n; i++) memcpy(DATA(s) + (size_t)i * chunk, DATA(a), chunk);
    return s;
}

RtStr *ember_rt_str_getitem(RtStr *s, int64_t i) {
    if (i < 0) i += s->len;
    if (i < 0 || i >= s->len) {
        ember_rt_raise("builtins:IndexError", "string index out of range");
        return NULL;
    }
    return char_str(cp(s, i));
}

/* s[start:stop:step]; mask says which parts were given (1 start, 2 stop, 4 step), as TY_SLICE. */
RtStr *ember_rt_str_slice(RtStr *s, int64_t start, int64_t stop, int64_t step, int64_t mask) {
    if (!(mask & 4)) step = 1;
    if (step == 0) {
        ember_rt_raise("builtins:ValueError", "slice step cannot be zero");
        return NULL;
    }
    int64_t n = s->len;
    if (!(mask & 1)) start = step < 0 ? n - 1 : 0;
    else if (start < 0) { start += n; if (start < 0) start = step < 0 ? -1 : 0; }
    else if (start >= n) start = step < 0 ? n - 1 : n;
    if (!(mask & 2)) stop = step < 0 ? -1 : n;
    else if (stop < 0) { stop += n; if (stop < 0) stop = step < 0 ? -1 : 0; }
    else if (stop >= n) stop = step < 0 ? n - 1 : n;
    int64_t count = 0;
    if (step < 0) { if (stop < start) count = (start - stop - 1) / (-step) + 1; }
    else if (start < stop) count = (stop - start - 1) / step + 1;
    if (count == n && step == 1) return str_incref(s);
    return str_take(s, start, step, count);
}

RtStr *ember_rt_str_replace(RtStr *s, RtStr *old, RtStr *new_, int64_t count) {
    if (count < 0) count = INT64_MAX;
    int64_t hits = 0;
    if (old->len == 0) hits = s->len + 1 < count ? s->len + 1 : count;
    else for (int64_t i = 0; hits < count && (i = search(s, old, i, INT64_MAX, false)) >= 0; i += old->len) hits++;
    if (hits == 0) return str_incref(s);
    int kind = (int)(s->kind > new_->kind ? s->kind : new_->kind);
    RtStr *r = str_new(s->len + hits * (new_->len - old->len), kind);
    if (!r) return NULL;
    int64_t at = 0, from = 0;
    for (int64_t h = 0; h < hits; h++) {
        int64_t i = old->len == 0 ? h : search(s, old, from, INT64_MAX, false);
        for (int64_t k = from; k < i; k++) put(r, at++, cp(s, k));
        for (int64_t k = 0; k < new_->len; k++) put(r, at++, cp(new_, k));
        from = i + old->len;
        if (old->len == 0 && i < s->len) put(r, at++, cp(s, i)), from = i + 1;
    }
    for (int64_t k = from; k < s->len; k++) put(r, at++, cp(s, k));
    if (kind > 1 && kind > s->kind && kind > new_->kind) return r;   /* cannot be narrower */
    /* removing text may leave only narrower code points */
    RtStr *c = str_take(r, 0, 1, r->len);
    str_decref(r);
    return c;
}

static bool is_space(uint32_t c) { return Py_UNICODE_ISSPACE(c); }

/* strip: which ends (1 left, 2 right); chars NULL strips whitespace. */
RtStr *ember_rt_str_strip(RtStr *s, RtStr *chars, int32_t ends) {
    int64_t a = 0, b = s->len;
#define STRIPPED(c) (chars ? ember_rt_str_contains_cp(chars, c) : is_space(c))
    if (ends & 1) while (a < b && STRIPPED(cp(s, a))) a++;
    if (ends & 2) while (b > a && STRIPPED(cp(s, b - 1))) b--;
#undef STRIPPED
    if (a == 0 && b == s->len) return str_incref(s);
    return str_take(s, a, 1, b - a);
}

bool ember_rt_str_contains_cp(RtStr *s, uint32_t c) {
    for (int64_t i = 0; i < s->len; i++)
        if (cp(s, i) == c) return true;
    return false;
}

/* lower/upper with Unicode's full mappings (one code point may become up to three), and the
 * final sigma rule of str.lower. */
static bool final_sigma(const RtStr *s, int64_t i) {
    int64_t j = i - 1;
    while (j >= 0 && _PyUnicode_IsCaseIgnorable(cp(s, j))) j--;
    if (j < 0 || !_PyUnicode_IsCased(cp(s, j))) return false;
    j = i + 1;
    while (j < s->len && _PyUnicode_IsCaseIgnorable(cp(s, j))) j++;
    return j == s->len || !_PyUnicode_IsCased(cp(s, j));
}

/* Whether a kind-1 string is ASCII: the fast paths of the case functions (one OR per byte, which
 * vectorises; a 200k-character genome's upper() ran at 6x Numba's time through the code points). */
static bool ascii_only(const RtStr *s) {
    if (s->kind != 1) return false;
    unsigned char any = 0;
    for (int64_t i = 0; i < s->len; i++) any |= DATA(s)[i];
    return any < 128;
}

static RtStr *change_case(RtStr *s, bool upper) {
    if (s->kind == 1) {   /* ASCII maps to ASCII, one to one: converted while testing that it is */
        RtStr *r = str_new(s->len, 1);
        if (!r) return NULL;
        const unsigned char *x = DATA(s);
        unsigned char *y = DATA(r), lo = upper ? 'a' : 'A', any = 0;
        for (int64_t i = 0; i < s->len; i++) {
            any |= x[i];
            y[i] = (unsigned char)(x[i] - lo) < 26 ? x[i] ^ 0x20 : x[i];
        }
        if (any < 128) return r;
        str_decref(r);   /* Latin-1 beyond ASCII: the full mappings below */
    }
    uint32_t *buf = malloc(sizeof(uint32_t) * (size_t)(3 * s->len + 1));
    if (!buf) {
        ember_rt_raise("builtins:MemoryError", "out of memory");
        return NULL;
    }
    int64_t n = 0;
    for (int64_t i = 0; i < s->len; i++) {
        uint32_t c = cp(s, i);
        if (c < 128) {
            buf[n++] = upper ? (c >= 'a' && c <= 'z' ? c - 32 : c) : (c >= 'A' && c <= 'Z' ? c + 32 : c);
            continue;
        }
        if (!upper && c == 0x3A3) {
            buf[n++] = final_sigma(s, i) ? 0x3C2 : 0x3C3;
            continue;
        }
        Py_UCS4 out[3];
        int k = upper ? _PyUnicode_ToUpperFull(c, out) : _PyUnicode_ToLowerFull(c, out);
        for (int j = 0; j < k; j++) buf[n++] = out[j];
    }
    RtStr *r = rt_str_from_kind(4, buf, n);
    free(buf);
    return r;
}

RtStr *ember_rt_str_lower(RtStr *s) { return change_case(s, false); }
RtStr *ember_rt_str_upper(RtStr *s) { return change_case(s, true); }

/* isdigit 0, isalpha 1, isspace 2: true when s is not empty and every code point is one. */
bool ember_rt_str_is(RtStr *s, int32_t what) {
    if (s->len == 0) return false;
    for (int64_t i = 0; i < s->len; i++) {
        uint32_t c = cp(s, i);
        bool ok = what == 0 ? Py_UNICODE_ISDIGIT(c) : what == 1 ? Py_UNICODE_ISALPHA(c) : is_space(c);
        if (!ok) return false;
    }
    return true;
}

RtStr *ember_rt_str_zfill(RtStr *s, int64_t width) {
    if (width <= s->len) return str_incref(s);
    int64_t fill = width - s->len;
    RtStr *r = str_new(width, (int)s->kind);
    if (!r) return NULL;
    for (int64_t i = 0; i < fill; i++) put(r, i, '0');
    memcpy(DATA(r) + fill * s->kind, DATA(s), (size_t)(s->len * s->kind));
    if (s->len && (cp(s, 0) == '+' || cp(s, 0) == '-')) {
        put(r, 0, cp(s, 0));
        put(r, fill, '0');
    }
    return r;
}

/* ---- lists of strings: split and join ------------------------------------------------------
 * split's result is an ordinary list of str (list.c's RtList of RtStr pointers), owning a
 * reference to each item; join reads any list's or tuple's items as a pointer array. */
static void free_parts(RtBlock *l) {
    RtList *f = ember_rt_block_data(l);
    for (int64_t i = 0; i < f->len; i++) str_decref(((RtStr **)f->items)[i]);
    ember_rt_list_free(l);
}

RtBlock *ember_rt_str_split(RtStr *s, RtStr *sep, int64_t maxsplit) {
    if (sep && sep->len == 0) {
        ember_rt_raise("builtins:ValueError", "empty separator");
        return NULL;
    }
    if (maxsplit < 0) maxsplit = INT64_MAX;
    /* the list grows by doubling: an upper bound on the parts (one per two characters) would
     * touch pages of memory never used for ordinary text */
    RtBlock *l = ember_rt_list_new((int64_t)sizeof(RtStr *), 8);
    if (!l) return NULL;
    RtList *f = ember_rt_block_data(l);
    int64_t i = 0, n = s->len;
#define PUSH(a, b) do { RtStr *part_ = f->len < f->cap || !ember_rt_list_grow(l, 8, f->len + 1) ? str_take(s, (a), 1, (b) - (a)) : NULL; \
        if (!part_) { free_parts(l); return NULL; } ((RtStr **)f->items)[f->len++] = part_; } while (0)
    if (sep) {
        int64_t splits = 0;
        for (int64_t j; splits < maxsplit && (j = search(s, sep, i, INT64_MAX, false)) >= 0; splits++) {
            PUSH(i, j);
            i = j + sep->len;
        }
        PUSH(i, n);
    } else {
        int64_t splits = 0;
        const unsigned char *bytes = s->kind == 1 ? DATA(s) : NULL;   /* latin-1 text read as bytes */
#define SPACE_AT(k) is_space(bytes ? bytes[k] : cp(s, k))
        while (i < n) {
            while (i < n && SPACE_AT(i)) i++;
            if (i == n) break;
            if (splits == maxsplit) {   /* the rest, its trailing whitespace kept (as CPython) */
                PUSH(i, n);
                break;
            }
            int64_t j = i;
            while (j < n && !SPACE_AT(j)) j++;
#undef SPACE_AT
            PUSH(i, j);
            splits++;
            i = j;
        }
    }
#undef PUSH
    return l;
}

RtStr *ember_rt_str_join(RtStr *sep, RtStr **items, int64_t n) {
    if (n == 0) return from_ascii("", 0);
    if (n == 1) return str_incref(items[0]);
    RtStr **parts = malloc(sizeof(RtStr *) * (size_t)(2 * n));
    if (!parts) {
        ember_rt_raise("builtins:MemoryError", "out of memory");
        return NULL;
    }
    for (int64_t i = 0; i < n; i++) {
        parts[2 * i] = sep;
        parts[2 * i + 1] = items[i];
    }
    RtStr *r = concat_n(parts + 1, 2 * n - 1);
    free(parts);
    return r;
}

/* ---- numbers to text -------------------------------------------------------------------- */
/* v's decimal digits, written backwards ending at `end`, two at a time from a table (snprintf's
 * %lld took most of str(i)'s 74 ns); returns where they start. */
static char *decimal(char *end, uint64_t v) {
    static const char pairs[] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
                                "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
                                "8081828384858687888990919293949596979899";
    char *p = end;
    while (v >= 100) {
        unsigned d = (unsigned)(v % 100);
        v /= 100;
        *--p = pairs[2 * d + 1];
        *--p = pairs[2 * d];
    }
    if (v >= 10) {
        *--p = pairs[2 * v + 1];
        *--p = pairs[2 * v];
    } else {
        *--p = (char)('0' + v);
    }
    return p;
}

RtStr *ember_rt_str_from_int(int64_t v) {
    char buf[24], *end = buf + sizeof buf;
    char *p = decimal(end, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
    if (v < 0) *--p = '-';
    return from_ascii(p, end - p);
}

RtStr *ember_rt_str_from_uint(uint64_t v) {
    char buf[24], *end = buf + sizeof buf;
    char *p = decimal(end, v);
    return from_ascii(p, end - p);
}

RtStr *ember_rt_str_from_bool(bool v) { return v ? from_ascii("True", 4) : from_ascii("False", 5); }

/* The shortest digits that read back as x, as "%.{p-1}e" writes them: %.17g always reads back,
 * and reading back holds for every precision above the shortest, so a binary search over
 * 1..17 finds it (three or four conversions). */
static void shortest_digits(double x, char *digits, size_t len) {
    int lo = 1, hi = 17;
    char buf[40];
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        snprintf(buf, sizeof buf, "%.*e", mid - 1, x);
        if (strtod(buf, NULL) == x) hi = mid;
        else lo = mid + 1;
    }
    snprintf(digits, len, "%.*e", lo - 1, x);
}

/* repr(x) as CPython writes it. Holding the GIL, CPython writes it (PyOS_double_to_string);
 * without it (nogil code, prange threads), the shortest digits that read back as x, in exponent
 * form when the exponent is below -4 or at least 16, with ".0" on an integral value. */
static int float_repr(double x, char *out) {
    if (isnan(x)) return sprintf(out, "nan");
    if (isinf(x)) return sprintf(out, x < 0 ? "-inf" : "inf");
    if (x == 0) return sprintf(out, signbit(x) ? "-0.0" : "0.0");
    if (PyGILState_Check()) {
        char *r = PyOS_double_to_string(x, 'r', 0, Py_DTSF_ADD_DOT_0, NULL);
        if (r) {
            int n = snprintf(out, 40, "%s", r);
            PyMem_Free(r);
            return n;
        }
        PyErr_Clear();
    }
    char digits[40];
    shortest_digits(x, digits, sizeof digits);
    /* digits: [-]d[.ddd]e[+-]xx */
    char *e = strchr(digits, 'e');
    int exp10 = atoi(e + 1);
    char mant[24];
    int nm = 0;
    bool neg = digits[0] == '-';
    for (char *c = digits + neg; c < e; c++)
        if (*c != '.') mant[nm++] = *c;
    while (nm > 1 && mant[nm - 1] == '0') nm--;
    int n = 0;
    if (neg) out[n++] = '-';
    if (exp10 < -4 || exp10 >= 16) {
        out[n++] = mant[0];
        if (nm > 1) {
            out[n++] = '.';
            memcpy(out + n, mant + 1, (size_t)(nm - 1));
            n += nm - 1;
        }
        return n + sprintf(out + n, "e%c%02d", exp10 < 0 ? '-' : '+', abs(exp10));
    }
    if (exp10 < 0) {
        out[n++] = '0';
        out[n++] = '.';
        for (int i = 0; i < -exp10 - 1; i++) out[n++] = '0';
        memcpy(out + n, mant, (size_t)nm);
        n += nm;
        out[n] = 0;
        return n;
    }
    for (int i = 0; i <= exp10; i++) out[n++] = i < nm ? mant[i] : '0';
    out[n++] = '.';
    if (nm > exp10 + 1) {
        memcpy(out + n, mant + exp10 + 1, (size_t)(nm - exp10 - 1));
        n += nm - exp10 - 1;
    } else {
        out[n++] = '0';
    }
    out[n] = 0;
    return n;
}

RtStr *ember_rt_str_from_float(double x) {
    char buf[40];
    return from_ascii(buf, float_repr(x, buf));
}

RtStr *ember_rt_str_from_complex(double re, double im) {
    char a[40], b[40], buf[96];
    int n;
    if (re == 0 && !signbit(re)) {
        float_repr(im, b);
        char *dot = strstr(b, ".0");
        if (dot && dot[2] == 0) *dot = 0;
        n = snprintf(buf, sizeof buf, "%sj", b);
    } else {
        float_repr(re, a);
        float_repr(im, b);
        char *dot = strstr(a, ".0");
        if (dot && dot[2] == 0) *dot = 0;
        dot = strstr(b, ".0");
        if (dot && dot[2] == 0) *dot = 0;
        n = snprintf(buf, sizeof buf, "(%s%s%sj)", a, b[0] == '-' || isnan(im) ? "" : "+", b);
    }
    return from_ascii(buf, n);
}

/* repr(s): quoted as CPython quotes (single quotes unless the text has ' and no "), with
 * \\, the quote, \t \n \r, other non-printable code points as \xhh, \uhhhh or \Uhhhhhhhh. */
/* Orderings of two list items that are strings, for ember_rt_list_sort (list.c). */
int32_t ember_rt_str_less(const void *a, const void *b) { return ember_rt_str_cmp(*(RtStr *const *)a, *(RtStr *const *)b) < 0; }
int32_t ember_rt_str_greater(const void *a, const void *b) { return ember_rt_str_cmp(*(RtStr *const *)a, *(RtStr *const *)b) > 0; }

RtStr *ember_rt_str_repr(RtStr *s) {
    bool sq = ember_rt_str_contains_cp(s, '\''), dq = ember_rt_str_contains_cp(s, '"');
    uint32_t quote = sq && !dq ? '"' : '\'';
    uint32_t *buf = malloc(sizeof(uint32_t) * (size_t)(10 * s->len + 3));
    if (!buf) {
        ember_rt_raise("builtins:MemoryError", "out of memory");
        return NULL;
    }
    int64_t n = 0;
    buf[n++] = quote;
    for (int64_t i = 0; i < s->len; i++) {
        uint32_t c = cp(s, i);
        char esc[12] = "";
        if (c == quote || c == '\\') snprintf(esc, sizeof esc, "\\%c", (char)c);
        else if (c == '\t') strcpy(esc, "\\t");
        else if (c == '\n') strcpy(esc, "\\n");
        else if (c == '\r') strcpy(esc, "\\r");
        else if (c < ' ' || c == 0x7f) snprintf(esc, sizeof esc, "\\x%02x", c);
        else if (c >= 128 && !Py_UNICODE_ISPRINTABLE(c))
            snprintf(esc, sizeof esc, c < 256 ? "\\x%02x" : c < 65536 ? "\\u%04x" : "\\U%08x", c);
        if (esc[0]) for (char *e = esc; *e; e++) buf[n++] = (unsigned char)*e;
        else buf[n++] = c;
    }
    buf[n++] = quote;
    RtStr *r = rt_str_from_kind(4, buf, n);
    free(buf);
    return r;
}

/* ---- text to numbers ---------------------------------------------------------------------- */
/* The ASCII form of s with surrounding whitespace stripped and Unicode decimal digits mapped to
 * '0'..'9', into buf (NULL when a code point has no ASCII meaning or it is too long). */
static char *ascii_form(const RtStr *s, char *buf, size_t len) {
    int64_t a = 0, b = s->len;
    while (a < b && is_space(cp(s, a))) a++;
    while (b > a && is_space(cp(s, b - 1))) b--;
    if ((size_t)(b - a) >= len) return NULL;
    size_t n = 0;
    for (int64_t i = a; i < b; i++) {
        uint32_t c = cp(s, i);
        if (c >= 128) {
            int d = Py_UNICODE_TODECIMAL(c);
            if (d < 0) return NULL;
            c = '0' + (uint32_t)d;
        }
        buf[n++] = (char)c;
    }
    buf[n] = 0;
    return buf;
}

/* ValueError(what + repr(s)) */
static void raise_value_error(const char *what, RtStr *s) {
    RtStr *r = ember_rt_str_repr(s);
    RtStr *w = r ? from_ascii(what, (int64_t)strlen(what)) : NULL;
    RtStr *msg = w ? ember_rt_str_concat(w, r) : NULL;
    if (r) str_decref(r);
    if (w) str_decref(w);
    if (msg) rt_raise_str("builtins:ValueError", msg);
}

/* int(s): [sign] digits, underscores allowed between digits, whitespace around. */
int32_t ember_rt_str_to_int(int64_t *out, RtStr *s) {
    char buf[128];
    const char *p = ascii_form(s, buf, sizeof buf);
    bool ok = p != NULL;
    bool neg = false;
    uint64_t v = 0;
    bool over = false;
    if (ok) {
        if (*p == '+' || *p == '-') neg = *p++ == '-';
        ok = *p >= '0' && *p <= '9';
        for (; ok && *p; p++) {
            if (*p == '_' && p[1] >= '0' && p[1] <= '9' && p[-1] != '_' && p[-1] >= '0') continue;
            if (*p < '0' || *p > '9') { ok = false; break; }
            if (v > (UINT64_MAX - 9) / 10) over = true;
            v = v * 10 + (uint64_t)(*p - '0');
        }
    }
    if (!ok) {
        raise_value_error("invalid literal for int() with base 10: ", s);
        return -1;
    }
    if (over || v > (uint64_t)INT64_MAX + neg) {
        ember_rt_raise("builtins:OverflowError", "int() of a string: the value does not fit in int64");
        return -1;
    }
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

/* float(s): [sign] (digits [. digits] | . digits) [e [sign] digits], inf, infinity, nan, any
 * case, underscores between digits; read by strtod (correctly rounded, as CPython). */
int32_t ember_rt_str_to_float(double *out, RtStr *s) {
    char buf[512], clean[512];
    const char *p = ascii_form(s, buf, sizeof buf);
    bool ok = p != NULL && *p;
    size_t n = 0;
    if (ok) {
        const char *q = p;
        if (*q == '+' || *q == '-') clean[n++] = *q++;
        if (!strcasecmp(q, "inf") || !strcasecmp(q, "infinity") || !strcasecmp(q, "nan")) {
            strcpy(clean + n, q);
        } else {
            int digits = 0, state = 0;   /* 0 integer part, 1 fraction, 2 exponent */
            int edigits = 0;
            for (; *q && ok; q++) {
                char c = *q;
                if (c == '_') {
                    ok = q > p && q[-1] >= '0' && q[-1] <= '9' && q[1] >= '0' && q[1] <= '9';
                    continue;
                }
                if (c >= '0' && c <= '9') { if (state == 2) edigits++; else digits++; }
                else if (c == '.' && state == 0) state = 1;
                else if ((c == 'e' || c == 'E') && state < 2 && digits) {
                    state = 2;
                    clean[n++] = c;
                    if (q[1] == '+' || q[1] == '-') clean[n++] = *++q;
                    continue;
                } else ok = false;
                clean[n++] = c;
            }
            ok = ok && digits > 0 && (state < 2 || edigits > 0);
            clean[n] = 0;
        }
    }
    if (!ok) {
        raise_value_error("could not convert string to float: ", s);
        return -1;
    }
    *out = strtod(clean, NULL);
    return 0;
}

/* ---- format(x, spec) ------------------------------------------------------------------------
 * spec: [[fill]align][sign][#][0][width][,|_][.precision][type], as Python's format mini-language.
 * Typing checks each spec with Python's own format() when it compiles, so the spec is valid here. */
typedef struct {
    uint32_t fill;
    char align, sign, group, type;
    bool alt;
    int64_t width;
    int prec;   /* -1: not given */
} Spec;

static void parse_spec(RtStr *spec, Spec *f) {
    *f = (Spec){.fill = ' ', .prec = -1};
    int64_t i = 0, n = spec ? spec->len : 0;
    bool filled = false;   /* a fill character given */
#define AT(k) ((k) < n ? cp(spec, (k)) : 0)
    if (n >= 2 && strchr("<>=^", (int)AT(1)) && AT(1)) { f->fill = AT(0); f->align = (char)AT(1); i = 2; filled = true; }
    else if (n >= 1 && AT(0) && strchr("<>=^", (int)AT(0))) { f->align = (char)AT(0); i = 1; }
    if (AT(i) == '+' || AT(i) == '-' || AT(i) == ' ') f->sign = (char)AT(i), i++;
    if (AT(i) == 'z') i++;
    if (AT(i) == '#') { f->alt = true; i++; }
    if (AT(i) == '0') {   /* zero padding: the fill unless one is given, after the sign unless aligned */
        if (!filled) f->fill = '0';
        if (!f->align) f->align = '=';
        i++;
    }
    for (; AT(i) >= '0' && AT(i) <= '9'; i++) f->width = f->width * 10 + (AT(i) - '0');
    if (AT(i) == ',' || AT(i) == '_') f->group = (char)AT(i), i++;
    if (AT(i) == '.') {
        f->prec = 0;
        i++;
        for (; AT(i) >= '0' && AT(i) <= '9'; i++) f->prec = f->prec * 10 + (int)(AT(i) - '0');
    }
    if (i < n) f->type = (char)AT(i);
#undef AT
}

/* Insert the group separator every `every` digits into the leading digit run of body. */
static void group_digits(char *body, char sep, int every) {
    char *start = body;
    while (*start && !(*start >= '0' && *start <= '9') && !((*start >= 'a' && *start <= 'f') || (*start >= 'A' && *start <= 'F'))) start++;
    char *end = start;
    while ((*end >= '0' && *end <= '9') || (every == 4 && ((*end >= 'a' && *end <= 'f') || (*end >= 'A' && *end <= 'F')))) end++;
    int nd = (int)(end - start);
    if (nd <= every) return;
    char tail[400];
    strcpy(tail, end);
    char digits[128];
    memcpy(digits, start, (size_t)nd);
    char *o = start;
    for (int k = 0; k < nd; k++) {
        if (k && (nd - k) % every == 0) *o++ = sep;
        *o++ = digits[k];
    }
    strcpy(o, tail);
}

/* Pad sign+body (ASCII, or the code points of s when s is given) to the spec's width. */
static RtStr *pad(const Spec *f, const char *sign, const char *body, RtStr *s, char default_align) {
    int64_t ns = (int64_t)strlen(sign), nb = s ? s->len : (int64_t)strlen(body);
    int64_t len = ns + nb, fill = f->width > len ? f->width - len : 0;
    char align = f->align ? f->align : default_align;
    int64_t left = align == '>' || align == '=' ? fill : align == '^' ? fill / 2 : 0;
    int kind = kind_of(f->fill);
    if (s && s->kind > kind) kind = (int)s->kind;
    RtStr *r = str_new(len + fill, kind);
    if (!r) return NULL;
    int64_t at = 0;
    if (align == '=') for (int64_t k = 0; k < ns; k++) put(r, at++, (unsigned char)sign[k]);
    for (int64_t k = 0; k < left; k++) put(r, at++, f->fill);
    if (align != '=') for (int64_t k = 0; k < ns; k++) put(r, at++, (unsigned char)sign[k]);
    for (int64_t k = 0; k < nb; k++) put(r, at++, s ? cp(s, k) : (unsigned char)body[k]);
    while (at < len + fill) put(r, at++, f->fill);
    return r;
}

static const char *sign_of(const Spec *f, bool neg) { return neg ? "-" : f->sign == '+' ? "+" : f->sign == ' ' ? " " : ""; }

static RtStr *format_double(double x, Spec *f) {
    char body[400];
    bool neg = signbit(x) && !isnan(x);
    double a = fabs(x);
    char type = f->type;
    if (type == '%') a *= 100;
    if (!isfinite(a)) {
        bool up = type == 'E' || type == 'F' || type == 'G';
        snprintf(body, sizeof body, "%s%s", isnan(a) ? (up ? "NAN" : "nan") : (up ? "INF" : "inf"), type == '%' ? "%" : "");
        return pad(f, sign_of(f, neg), body, NULL, '>');
    }
    int prec = f->prec < 0 ? 6 : f->prec;
    switch (type) {
    case 'f': case 'F': case '%':
        snprintf(body, sizeof body - 1, f->alt ? "%#.*f" : "%.*f", prec, a);
        if (type == '%') strcat(body, "%");
        break;
    case 'e': case 'E':
        snprintf(body, sizeof body, f->alt ? "%#.*e" : "%.*e", prec, a);
        if (type == 'E') for (char *c = body; *c; c++) if (*c == 'e') *c = 'E';
        break;
    case 'g': case 'G': case 'n':
        snprintf(body, sizeof body, f->alt ? "%#.*g" : "%.*g", prec ? prec : 1, a);
        if (type == 'G') for (char *c = body; *c; c++) if (*c == 'e') *c = 'E';
        break;
    default:   /* none: repr, or with a precision 'g' that keeps a digit after the point */
        if (f->prec < 0) {
            float_repr(a, body);
        } else {
            int p = prec ? prec : 1;
            char e[64];
            snprintf(e, sizeof e, "%.*e", p - 1, a);
            int exp10 = atoi(strchr(e, 'e') + 1);
            if (exp10 >= -4 && exp10 < p - 1) {
                snprintf(body, sizeof body, "%.*f", p - 1 - exp10, a);
                if (!f->alt && strchr(body, '.')) {
                    char *end = body + strlen(body) - 1;
                    while (*end == '0' && end[-1] != '.') *end-- = 0;
                }
                if (!strchr(body, '.')) strcat(body, ".0");
            } else {
                snprintf(body, sizeof body, f->alt ? "%#.*g" : "%.*g", p, a);
                if (!strchr(body, 'e')) snprintf(body, sizeof body, "%.*e", p - 1, a);
                char *ep = strchr(body, 'e'), tail[16];
                strcpy(tail, ep);
                char *end = ep - 1;
                if (!f->alt) {
                    while (*end == '0') end--;
                    if (*end == '.') end--;
                }
                strcpy(end + 1, tail);
            }
        }
    }
    if (f->group) group_digits(body, f->group, 3);
    return pad(f, sign_of(f, neg), body, NULL, '>');
}

RtStr *ember_rt_str_format_float(double x, RtStr *spec) {
    Spec f;
    parse_spec(spec, &f);
    return format_double(x, &f);
}

/* chr(c), c in range(0x110000) (generated code tests it): one of the shared latin-1 strings
 * below 256, as CPython's, so chr() in a loop allocates nothing there. */
RtStr *ember_rt_str_chr(int64_t c) { return char_str((uint32_t)c); }

RtStr *ember_rt_str_format_int(int64_t v, RtStr *spec) {
    Spec f;
    parse_spec(spec, &f);
    if (f.type && strchr("eEfFgG%", f.type)) return format_double((double)v, &f);
    if (f.type == 'c') {
        uint32_t c = (uint32_t)v;
        if (v < 0 || v > 0x10FFFF) {
            ember_rt_raise("builtins:OverflowError", "%c arg not in range(0x110000)");
            return NULL;
        }
        RtStr *ch = char_str(c);
        if (!ch) return NULL;
        RtStr *r = pad(&f, "", NULL, ch, '>');
        str_decref(ch);
        return r;
    }
    bool neg = v < 0;
    uint64_t a = neg ? 0 - (uint64_t)v : (uint64_t)v;
    char body[200], sign[8];
    strcpy(sign, sign_of(&f, neg));
    switch (f.type) {
    case 'x': case 'X': snprintf(body, sizeof body, f.type == 'x' ? "%llx" : "%llX", (unsigned long long)a); break;
    case 'o': snprintf(body, sizeof body, "%llo", (unsigned long long)a); break;
    case 'b': {
        int n = 0;
        char tmp[70];
        do { tmp[n++] = (char)('0' + (a & 1)); a >>= 1; } while (a);
        for (int k = 0; k < n; k++) body[k] = tmp[n - 1 - k];
        body[n] = 0;
        break;
    }
    default: snprintf(body, sizeof body, "%llu", (unsigned long long)a);
    }
    if (f.group) group_digits(body, f.group, f.type && strchr("xXob", f.type) ? 4 : 3);
    if (f.alt && f.type && strchr("xXob", f.type)) {   /* the prefix goes with the sign, before any '=' padding */
        strcat(sign, f.type == 'x' ? "0x" : f.type == 'X' ? "0X" : f.type == 'o' ? "0o" : "0b");
    }
    return pad(&f, sign, body, NULL, '>');
}

RtStr *ember_rt_str_format_str(RtStr *s, RtStr *spec) {
    Spec f;
    parse_spec(spec, &f);
    if (!spec || spec->len == 0) return str_incref(s);
    RtStr *t = f.prec >= 0 && f.prec < s->len ? str_take(s, 0, 1, f.prec) : str_incref(s);
    if (!t) return NULL;
    RtStr *r = pad(&f, "", NULL, t, '<');
    str_decref(t);
    return r;
}

int32_t ember_rt_str_ord(int64_t *out, RtStr *s) {
    if (s->len != 1) {
        char msg[96];
        int n = snprintf(msg, sizeof msg, "ord() expected a character, but string of length %lld found", (long long)s->len);
        RtStr *m = from_ascii(msg, n);
        if (m) rt_raise_str("builtins:TypeError", m);
        return -1;
    }
    *out = cp(s, 0);
    return 0;
}

/* hash() of a float, as CPython computes it (ints hash inline: codegen/lower_dict.c). */
int64_t ember_rt_hash_float(double x) { return _Py_HashDouble(NULL, x); }

/* ---- str(e) of a caught exception ------------------------------------------------------------ */
RtStr *rt_str_from_utf8(const char *t) {
    size_t n = strlen(t);
    uint32_t *buf = malloc(sizeof(uint32_t) * (n + 1));
    if (!buf) {
        ember_rt_raise("builtins:MemoryError", "out of memory");
        return NULL;
    }
    int64_t k = 0;
    for (const unsigned char *p = (const unsigned char *)t; *p;) {
        uint32_t c = *p++;
        int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
        if (more) c &= 0x3F >> more;
        for (; more && (*p & 0xC0) == 0x80; more--) c = c << 6 | (*p++ & 0x3F);
        buf[k++] = c;
    }
    RtStr *r = rt_str_from_kind(4, buf, k);
    free(buf);
    return r;
}

/* One value of an exception's args as str() (repr false) or repr() writes it, from desc at *d. */
static RtStr *arg_text(const char **d, const uint64_t *words, int *k, bool repr) {
    char c = *(*d)++;
    double x;
    switch (c) {
    case 'q': return ember_rt_str_from_int((int64_t)words[(*k)++]);
    case 'Q': return ember_rt_str_from_uint(words[(*k)++]);
    case '?': return ember_rt_str_from_bool(words[(*k)++] & 1);
    case 'd': memcpy(&x, &words[(*k)++], 8); return ember_rt_str_from_float(x);
    case 'D': {
        double y;
        memcpy(&x, &words[(*k)++], 8);
        memcpy(&y, &words[(*k)++], 8);
        return ember_rt_str_from_complex(x, y);
    }
    case 'N': return from_ascii("None", 4);
    case 's': {
        RtStr *s = (RtStr *)(uintptr_t)words[(*k)++];
        return repr ? ember_rt_str_repr(s) : str_incref(s);
    }
    case '(': {   /* a tuple: its items' reprs */
        RtStr *parts[2 * TY_EXC_WORDS + 4];
        int n = 0, items = 0;
        parts[n++] = from_ascii("(", 1);
        while (**d && **d != ')' && n < 2 * TY_EXC_WORDS) {
            if (items++) parts[n++] = from_ascii(", ", 2);
            parts[n++] = arg_text(d, words, k, true);
        }
        if (**d == ')') (*d)++;
        parts[n++] = from_ascii(items == 1 ? ",)" : ")", items == 1 ? 2 : 1);
        RtStr *r = NULL;
        bool ok = true;
        for (int i = 0; i < n; i++) ok &= parts[i] != NULL;
        if (ok) r = concat_n(parts, n);
        for (int i = 0; i < n; i++) if (parts[i]) str_decref(parts[i]);
        return r;
    }
    default:
        ember_rt_raise("builtins:SystemError", "ember: bad exception layout");
        return NULL;
    }
}

/* str(e) as BaseException.__str__: '' with no args, str(arg) with one (repr(arg) for KeyError),
 * the args tuple's repr with more. */
RtStr *ember_rt_exc_str(RtExc *e) {
    const RtExcCore *c = &e->e;
    if (!c->desc) return rt_str_from_utf8(c->msg ? c->msg : "");
    if (!strcmp(c->desc, "$P")) return rt_exc_object_str((PyObject *)(uintptr_t)c->args[0]);   /* objmode.c */
    char tuple[64];
    snprintf(tuple, sizeof tuple, "(%s)", c->desc[0] == '$' ? c->desc + 1 : c->desc);
    int items = 0, depth = 0;
    for (const char *d = tuple + 1; *d && !(depth == 0 && *d == ')'); d++) {
        if (depth == 0 && *d != ')') items++;
        depth += *d == '(' ? 1 : *d == ')' ? -1 : 0;
    }
    int k = 0;
    const char *d = tuple + 1;
    if (items == 0) return from_ascii("", 0);
    if (items == 1) return arg_text(&d, c->args, &k, rt_exc_is(c->cls, "builtins:KeyError"));
    d = tuple;
    return arg_text(&d, c->args, &k, true);
}

/* ---- more methods: case mappings, predicates, padding, partition, rsplit, splitlines ------- */

/* One code point of str.lower: the full mapping, and final sigma's rule for U+03A3. */
static int lower_full(const RtStr *s, int64_t i, Py_UCS4 *out) {
    uint32_t c = cp(s, i);
    if (c == 0x3A3) {
        out[0] = final_sigma(s, i) ? 0x3C2 : 0x3C3;
        return 1;
    }
    return _PyUnicode_ToLowerFull(c, out);
}

/* capitalize 0, casefold 1, swapcase 2, title 3, as CPython maps them (full mappings). */
RtStr *ember_rt_str_recase(RtStr *s, int32_t how) {
    if (ascii_only(s)) {   /* ASCII maps to ASCII one to one; its cased characters are its letters */
        RtStr *r = str_new(s->len, 1);
        if (!r) return NULL;
        const unsigned char *x = DATA(s);
        unsigned char *y = DATA(r);
        bool previous_letter = false;
        for (int64_t i = 0; i < s->len; i++) {
            unsigned char c = x[i];
            bool up = (unsigned char)(c - 'A') < 26, low = (unsigned char)(c - 'a') < 26;
            bool to_upper = how == 0 ? i == 0 : how == 1 ? false : how == 2 ? low : !previous_letter;
            y[i] = to_upper ? (low ? c ^ 0x20 : c) : (up ? c ^ 0x20 : c);
            previous_letter = up || low;
        }
        return r;
    }
    uint32_t *buf = malloc(sizeof(uint32_t) * (size_t)(3 * s->len + 1));
    if (!buf) {
        ember_rt_raise("builtins:MemoryError", "out of memory");
        return NULL;
    }
    int64_t n = 0;
    bool previous_cased = false;
    for (int64_t i = 0; i < s->len; i++) {
        uint32_t c = cp(s, i);
        Py_UCS4 out[3];
        int k;
        switch (how) {
        case 0: k = i == 0 ? _PyUnicode_ToTitleFull(c, out) : lower_full(s, i, out); break;
        case 1: k = _PyUnicode_ToFoldedFull(c, out); break;
        case 2:
            if (Py_UNICODE_ISUPPER(c)) k = lower_full(s, i, out);
            else if (Py_UNICODE_ISLOWER(c)) k = _PyUnicode_ToUpperFull(c, out);
            else out[0] = c, k = 1;
            break;
        default:
            k = previous_cased ? lower_full(s, i, out) : _PyUnicode_ToTitleFull(c, out);
            previous_cased = _PyUnicode_IsCased(c);
        }
        for (int j = 0; j < k; j++) buf[n++] = out[j];
    }
    RtStr *r = rt_str_from_kind(4, buf, n);
    free(buf);
    return r;
}

/* isalnum 3, isdecimal 4, isnumeric 5, isprintable 6, isascii 7, islower 8, isupper 9,
 * istitle 10, isidentifier 11 (0-2: ember_rt_str_is), with CPython's rules for cased text. */
bool ember_rt_str_is_more(RtStr *s, int32_t what) {
    int64_t n = s->len;
    if (what == 7 && s->kind == 1) return ascii_only(s);
    if ((what == 8 || what == 9) && s->kind == 1) {   /* islower, isupper of ASCII: no letter of the other case, one of its own */
        const unsigned char *x = DATA(s), own = what == 8 ? 'a' : 'A', other = what == 8 ? 'A' : 'a';
        unsigned char any = 0, cased = 0, wrong = 0;
        for (int64_t i = 0; i < n; i++) {
            any |= x[i];
            cased |= (unsigned char)(x[i] - own) < 26;
            wrong |= (unsigned char)(x[i] - other) < 26;
        }
        if (any < 128) return cased && !wrong;
    }
    if (what == 6 || what == 7) {   /* true for the empty string */
        for (int64_t i = 0; i < n; i++)
            if (what == 6 ? !Py_UNICODE_ISPRINTABLE(cp(s, i)) : cp(s, i) >= 128) return false;
        return true;
    }
    if (n == 0) return false;
    if (what == 11) {
        uint32_t c = cp(s, 0);
        if (!_PyUnicode_IsXidStart(c) && c != '_') return false;
        for (int64_t i = 1; i < n; i++)
            if (!_PyUnicode_IsXidContinue(cp(s, i))) return false;
        return true;
    }
    if (what >= 8) {
        bool cased = false, previous = false;
        for (int64_t i = 0; i < n; i++) {
            uint32_t c = cp(s, i);
            bool up = Py_UNICODE_ISUPPER(c) || Py_UNICODE_ISTITLE(c), low = Py_UNICODE_ISLOWER(c);
            if (what == 8) {
                if (up) return false;
                cased |= low;
            } else if (what == 9) {
                if (low || Py_UNICODE_ISTITLE(c)) return false;
                cased |= Py_UNICODE_ISUPPER(c);
            } else if (up) {   /* istitle: an uppercase letter only after uncased characters */
                if (previous) return false;
                previous = cased = true;
            } else if (low) {
                if (!previous) return false;
                previous = cased = true;
            } else {
                previous = false;
            }
        }
        return cased;
    }
    for (int64_t i = 0; i < n; i++) {
        uint32_t c = cp(s, i);
        bool ok = what == 3 ? Py_UNICODE_ISALNUM(c) : what == 4 ? Py_UNICODE_ISDECIMAL(c) : Py_UNICODE_ISNUMERIC(c);
        if (!ok) return false;
    }
    return true;
}

/* center 0, ljust 1, rjust 2 to width with a one-character fill. */
RtStr *ember_rt_str_pad(RtStr *s, int64_t width, RtStr *fill, int32_t how) {
    if (fill->len != 1) {
        ember_rt_raise("builtins:TypeError", "The fill character must be exactly one character long");
        return NULL;
    }
    if (width <= s->len) return str_incref(s);
    int64_t marg = width - s->len;
    int64_t left = how == 0 ? marg / 2 + (marg & width & 1) : how == 1 ? 0 : marg;
    uint32_t f = cp(fill, 0);
    int kind = s->kind > fill->kind ? (int)s->kind : (int)fill->kind;
    RtStr *r = str_new(width, kind);
    if (!r) return NULL;
    for (int64_t i = 0; i < left; i++) put(r, i, f);
    for (int64_t i = left + s->len; i < width; i++) put(r, i, f);
    if (s->kind == kind) {   /* the text itself as one copy */
        memcpy(DATA(r) + left * kind, DATA(s), (size_t)(s->len * kind));
    } else {
        for (int64_t i = 0; i < s->len; i++) put(r, left + i, cp(s, i));
    }
    return r;
}

/* partition (right: rpartition) into out[0..3): new references; -1 with the error record set. */
int32_t ember_rt_str_partition(RtStr *s, RtStr *sep, bool right, RtStr **out) {
    if (sep->len == 0) {
        ember_rt_raise("builtins:ValueError", "empty separator");
        return -1;
    }
    int64_t j = search(s, sep, 0, INT64_MAX, right);
    if (j < 0) {
        RtStr *empty = from_ascii("", 0);
        if (!empty) return -1;
        out[right ? 2 : 0] = str_incref(s);
        out[1] = str_incref(empty);
        out[right ? 0 : 2] = empty;
        return 0;
    }
    out[0] = str_take(s, 0, 1, j);
    out[1] = out[0] ? str_incref(sep) : NULL;
    out[2] = out[1] ? str_take(s, j + sep->len, 1, s->len - j - sep->len) : NULL;
    if (out[2]) return 0;
    if (out[0]) str_decref(out[0]);
    if (out[1]) str_decref(out[1]);
    return -1;
}

/* The parts as a list of str, from a (start, end) array of n pairs in order. */
static RtBlock *parts_list(RtStr *s, const int64_t *bounds, int64_t n) {
    RtBlock *l = ember_rt_list_new((int64_t)sizeof(RtStr *), n ? n : 1);
    if (!l) return NULL;
    RtList *f = ember_rt_block_data(l);
    for (int64_t k = 0; k < n; k++) {
        RtStr *part = str_take(s, bounds[2 * k], 1, bounds[2 * k + 1] - bounds[2 * k]);
        if (!part) {
            free_parts(l);
            return NULL;
        }
        ((RtStr **)f->items)[f->len++] = part;
    }
    return l;
}

/* rsplit(sep, maxsplit): split's parts found from the right. */
RtBlock *ember_rt_str_rsplit(RtStr *s, RtStr *sep, int64_t maxsplit) {
    if (sep && sep->len == 0) {
        ember_rt_raise("builtins:ValueError", "empty separator");
        return NULL;
    }
    if (maxsplit < 0) maxsplit = INT64_MAX;
    int64_t *b = malloc(sizeof(int64_t) * (size_t)(2 * s->len + 2)), n = 0, end = s->len;
    if (!b) {
        ember_rt_raise("builtins:MemoryError", "out of memory");
        return NULL;
    }
    if (sep) {
        for (int64_t j; n < maxsplit && (j = search(s, sep, 0, end, true)) >= 0; end = j) {
            b[2 * n] = j + sep->len, b[2 * n + 1] = end, n++;
        }
        b[2 * n] = 0, b[2 * n + 1] = end, n++;
    } else {
        int64_t i = end;
        while (i > 0) {
            while (i > 0 && is_space(cp(s, i - 1))) i--;
            if (i == 0) break;
            if (n == maxsplit) {   /* the rest, its leading whitespace kept (as CPython) */
                b[2 * n] = 0, b[2 * n + 1] = i, n++;
                break;
            }
            int64_t j = i;
            while (j > 0 && !is_space(cp(s, j - 1))) j--;
            b[2 * n] = j, b[2 * n + 1] = i, n++;
            i = j;
        }
    }
    for (int64_t k = 0; k < n / 2; k++) {   /* found right to left: into order */
        int64_t a0 = b[2 * k], a1 = b[2 * k + 1];
        b[2 * k] = b[2 * (n - 1 - k)], b[2 * k + 1] = b[2 * (n - 1 - k) + 1];
        b[2 * (n - 1 - k)] = a0, b[2 * (n - 1 - k) + 1] = a1;
    }
    RtBlock *l = parts_list(s, b, n);
    free(b);
    return l;
}

/* splitlines(keepends): at \n, \r, \r\n and the other line boundaries str.splitlines knows. */
RtBlock *ember_rt_str_splitlines(RtStr *s, bool keepends) {
    int64_t *b = malloc(sizeof(int64_t) * (size_t)(2 * s->len + 2)), n = 0, i = 0;
    if (!b) {
        ember_rt_raise("builtins:MemoryError", "out of memory");
        return NULL;
    }
    while (i < s->len) {
        int64_t j = i;
        while (j < s->len && !Py_UNICODE_ISLINEBREAK(cp(s, j))) j++;
        int64_t eol = j;
        if (j < s->len) j += cp(s, j) == '\r' && j + 1 < s->len && cp(s, j + 1) == '\n' ? 2 : 1;
        b[2 * n] = i, b[2 * n + 1] = keepends ? j : eol, n++;
        i = j;
    }
    RtBlock *l = parts_list(s, b, n);
    free(b);
    return l;
}

/* expandtabs(tabsize): each tab to spaces up to the next multiple of tabsize in its line. */
RtStr *ember_rt_str_expandtabs(RtStr *s, int64_t tabsize) {
    int64_t len = 0, col = 0;
    for (int64_t i = 0; i < s->len; i++) {
        uint32_t c = cp(s, i);
        int64_t add = c == '\t' ? (tabsize > 0 ? tabsize - col % tabsize : 0) : 1;
        if (len > INT64_MAX / 2 - add) {
            ember_rt_raise("builtins:OverflowError", "result too long");
            return NULL;
        }
        len += add;
        col = c == '\n' || c == '\r' ? 0 : col + add;
    }
    RtStr *r = str_new(len, (int)s->kind);
    if (!r) return NULL;
    int64_t at = 0;
    col = 0;
    for (int64_t i = 0; i < s->len; i++) {
        uint32_t c = cp(s, i);
        if (c == '\t') {
            int64_t add = tabsize > 0 ? tabsize - col % tabsize : 0;
            for (int64_t k = 0; k < add; k++) put(r, at++, ' ');
            col += add;
        } else {
            put(r, at++, c);
            col = c == '\n' || c == '\r' ? 0 : col + 1;
        }
    }
    return r;
}

/* removeprefix (suffix false) and removesuffix. */
RtStr *ember_rt_str_remove_affix(RtStr *s, RtStr *affix, bool suffix) {
    if (affix->len == 0 || !ember_rt_str_startswith(s, affix, 0, INT64_MAX, suffix)) return str_incref(s);
    return str_take(s, suffix ? 0 : affix->len, 1, s->len - affix->len);
}

/* What the loader resolves generated code's string calls to (contract 1: by name). */
#define SYM(name) {"ember_rt_" #name, (void *)ember_rt_##name}
const RtSymbol rt_str_symbols[] = {
    SYM(str_hash), SYM(str_eq), SYM(str_cmp), SYM(str_find), SYM(str_rfind), SYM(str_contains), SYM(str_count),
    SYM(str_startswith), SYM(str_concat), SYM(str_build), SYM(str_repeat), SYM(str_getitem), SYM(str_slice),
    SYM(str_replace), SYM(str_strip), SYM(str_lower), SYM(str_upper), SYM(str_is), SYM(str_zfill),
    SYM(str_split), SYM(str_less), SYM(str_greater), SYM(str_join), SYM(str_from_int), SYM(str_from_uint), SYM(str_from_bool),
    SYM(str_from_float), SYM(str_from_complex), SYM(str_repr), SYM(str_to_int), SYM(str_to_float),
    SYM(str_format_float), SYM(str_format_int), SYM(str_format_str), SYM(str_ord), SYM(str_chr), SYM(hash_float),
    SYM(exc_str), SYM(str_recase), SYM(str_is_more), SYM(str_pad), SYM(str_partition), SYM(str_rsplit),
    SYM(str_splitlines), SYM(str_expandtabs), SYM(str_remove_affix), SYM(str_from_ucs4), SYM(str_to_ucs4), SYM(chars_cmp),
};
#undef SYM
const int rt_str_nsymbols = sizeof rt_str_symbols / sizeof rt_str_symbols[0];
