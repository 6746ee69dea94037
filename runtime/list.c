/* list.c: lists made and used by compiled code, and Python lists crossing the boundary.
 *
 * A list is a counted block (array.c) whose data holds RtList {len, cap, items}: items is a
 * separate malloc'd buffer of cap elements in the element type's layout, grown by doubling, so
 * appending is amortised O(1) and the list's address never changes. Generated code reads and
 * writes the fields inline (codegen/lower_list.c); it calls here to allocate, grow and free.
 * Dropping the last reference drops each element's references first (generated code does that
 * itself; rt_list_decref is the runtime's version, driven by the type).
 *
 * Crossing into Python. A list argument is unboxed into a new block, its items converted once
 * (a loop over the PyList's items, floats and ints read directly); after the call the compiled
 * list is reflected back, as Numba's reflected lists are: items that changed are replaced,
 * those that did not are left alone (an unchanged float is never re-boxed), and the Python list
 * is shortened or extended to the new length. A returned list becomes a new Python list.
 */
#include "rt.h"
#include "sort.h"
#include <math.h>
#include <sys/mman.h>
#include <stdlib.h>
#include <string.h>

static RtList *fields(RtBlock *l) { return ember_rt_block_data(l); }

RtBlock *ember_rt_list_new(int64_t itemsize, int64_t cap) {
    RtBlock *l = ember_rt_block_alloc(sizeof(RtList));
    if (!l) return NULL;
    RtList *f = fields(l);
    f->len = 0;
    f->cap = 0;
    f->items = NULL;
    if (cap > 0 && ember_rt_list_grow(l, itemsize, cap)) {
        ember_rt_list_free(l);
        return NULL;
    }
    return l;
}

int32_t ember_rt_list_grow(RtBlock *l, int64_t itemsize, int64_t need) {
    RtList *f = fields(l);
    if (need <= f->cap) return 0;
    int64_t cap = f->cap < 4 ? 4 : f->cap;
    while (cap < need) cap = cap > INT64_MAX / 2 ? need : cap * 2;
    void *p = (uint64_t)cap > ((uint64_t)1 << 58) / (uint64_t)(itemsize ? itemsize : 1)
                  ? NULL : realloc(f->items, (size_t)(cap * (itemsize ? itemsize : 1)));
    if (!p) {
        ember_rt_raise("builtins:MemoryError", "cannot grow the list");
        return -1;
    }
    f->items = p;
    f->cap = cap;
    return 0;
}

void ember_rt_list_free(RtBlock *l) {
    free(fields(l)->items);
    ember_rt_block_free(l);
}

static void drop_items(const Type *e, RtList *f) {
    if (!ty_has_refs(e)) return;
    for (int64_t i = 0; i < f->len; i++) rt_release(e, f->items + i * (int64_t)e->size);
}

void rt_list_decref(const Type *t, RtBlock *l) {
    if (!rt_block_release_last(l)) return;
    drop_items(t->elems[0], fields(l));
    ember_rt_list_free(l);
}

/* Stable merge sort of the list's elements (of size bytes) by less(a, b), for elements that do
 * not sort as plain numbers (strings, tuples): generated code hands over its comparison
 * (codegen/lower_list.c). Runs of up to 8 by insertion; merging prefers the left run. */
typedef int32_t (*RtLess)(const void *a, const void *b);   /* nonzero: a before b */

static inline void move(char *to, const char *from, int64_t size) {
    if (size == 8) memcpy(to, from, 8);   /* (pointers, numbers, keyed strings: loads and stores, not a call) */
    else if (size == 16) memcpy(to, from, 16);
    else if (size == 24) memcpy(to, from, 24);   /* (tuples of 3 or 4 numbers: a call to memmove each, 15% of sorting 20000 such tuples) */
    else if (size == 32) memcpy(to, from, 32);
    else memcpy(to, from, (size_t)size);
}

static void merge_sort(char *a, char *buf, int64_t n, int64_t size, RtLess less) {
    if (n <= 8) {
        for (int64_t i = 1; i < n; i++) {
            move(buf, a + i * size, size);
            int64_t j = i;
            for (; j > 0 && less(buf, a + (j - 1) * size); j--) move(a + j * size, a + (j - 1) * size, size);
            move(a + j * size, buf, size);
        }
        return;
    }
    int64_t h = n / 2;
    merge_sort(a, buf, h, size, less);
    merge_sort(a + h * size, buf, n - h, size, less);
    if (!less(a + h * size, a + (h - 1) * size)) return;   /* already in order */
    memcpy(buf, a, (size_t)(h * size));
    int64_t i = 0, j = h, k = 0;
    while (i < h && j < n) {   /* (no branch on the comparison: on random data it mispredicts half the time) */
        int64_t right = less(a + j * size, buf + i * size) != 0;
        uintptr_t pick = (uintptr_t)0 - (uintptr_t)right;   /* (a mask, not a branch) */
        move(a + k++ * size, (const char *)(((uintptr_t)(a + j * size) & pick) | ((uintptr_t)(buf + i * size) & ~pick)), size);
        j += right;
        i += 1 - right;
    }
    memcpy(a + k * size, buf + i * size, (size_t)((h - i) * size));
}

/* Strings sort by a key of their first characters, compared before the text: most comparisons
 * then read two numbers side by side instead of following two pointers to the text (sorting 10^5
 * words took twice CPython's time in ember_rt_str_cmp). The key orders as the strings do where
 * it differs: the first 8 bytes of 1-byte strings (when all are), else the first 3 code points
 * at 21 bits each, big-endian and zero-padded, so a string sorts before its extensions. A key
 * holds all of a string that short, so equal keys of two such strings order by their lengths
 * (the longer one goes on with NULs); only longer strings with equal keys compare their text.
 * The merge sort is this one's own, its comparison inline (no call per comparison). */
typedef struct { uint64_t key, s; } Keyed;   /* s: the string's address, its length (at most 255) in the top byte */
#define KEYED_STR(x) ((RtStr *)(uintptr_t)((x)->s & (((uint64_t)1 << 56) - 1)))
#define KEYED_LEN(x) ((int64_t)((x)->s >> 56))

static uint64_t str_key(const RtStr *s, bool bytes) {
    const unsigned char *d = (const unsigned char *)(s + 1);
    uint64_t k = 0;
    int n = bytes ? 8 : 3;
    for (int i = 0; i < n; i++) {
        uint32_t c = i >= s->len ? 0 : s->kind == 1 ? d[i] : s->kind == 2 ? ((const uint16_t *)d)[i] : ((const uint32_t *)d)[i];
        k = bytes ? k << 8 | c : k << 21 | c;
    }
    return k;
}

/* x before y: x < y (x > y when descending), as the strings order */
static inline bool keyed_before(const Keyed *x, const Keyed *y, bool descending, int64_t whole) {
    int c;
    if (x->key != y->key) c = x->key < y->key ? -1 : 1;
    else if (KEYED_LEN(x) <= whole && KEYED_LEN(y) <= whole) c = (KEYED_LEN(x) > KEYED_LEN(y)) - (KEYED_LEN(x) < KEYED_LEN(y));
    else c = ember_rt_str_cmp(KEYED_STR(x), KEYED_STR(y));
    return descending ? c > 0 : c < 0;
}

static void sort_keyed(Keyed *a, Keyed *buf, int64_t n, bool descending, int64_t whole) {
    if (n <= 8) {   /* insertion */
        for (int64_t i = 1; i < n; i++) {
            Keyed x = a[i];
            int64_t j = i;
            for (; j > 0 && keyed_before(&x, &a[j - 1], descending, whole); j--) a[j] = a[j - 1];
            a[j] = x;
        }
        return;
    }
    int64_t h = n / 2;
    sort_keyed(a, buf, h, descending, whole);
    sort_keyed(a + h, buf, n - h, descending, whole);
    if (!keyed_before(&a[h], &a[h - 1], descending, whole)) return;   /* already in order */
    memcpy(buf, a, sizeof(Keyed) * (size_t)h);
    int64_t i = 0, j = h, k = 0;
    while (i < h && j < n) a[k++] = keyed_before(&a[j], &buf[i], descending, whole) ? a[j++] : buf[i++];
    memcpy(a + k, buf + i, sizeof(Keyed) * (size_t)(h - i));
}

/* The keys and the merge buffer in one allocation; from 2 MB on, of huge pages: a fresh
 * allocation per sort then costs a few page faults, not one per 4 KB (sorting 10^5 strings
 * faulted 900 times, 10% of its time). */
static Keyed *sort_scratch(int64_t n, size_t *bytes) {
    const size_t huge = (size_t)2 << 20;
    *bytes = sizeof(Keyed) * (size_t)(n + n / 2 + 8);
    if (*bytes < huge) return malloc(*bytes);
    *bytes = (*bytes + huge - 1) / huge * huge;
    void *p = aligned_alloc(huge, *bytes);
#ifdef MADV_HUGEPAGE
    if (p) madvise(p, *bytes, MADV_HUGEPAGE);
#endif
    return p;
}

static int32_t sort_strings(RtStr **items, int64_t n, bool descending) {
    size_t room;
    Keyed *k = sort_scratch(n, &room), *buf = k + n;
    if (!k) {
        ember_rt_raise("builtins:MemoryError", "cannot sort the list");
        return -1;
    }
    bool bytes = true;
    for (int64_t i = 0; i < n && bytes; i++) bytes = items[i]->kind == 1;
    for (int64_t i = 0; i < n; i++) {
        uint64_t len = items[i]->len < 255 ? (uint64_t)items[i]->len : 255;
        k[i] = (Keyed){str_key(items[i], bytes), (uint64_t)(uintptr_t)items[i] | len << 56};
    }
    sort_keyed(k, buf, n, descending, bytes ? 8 : 3);
    for (int64_t i = 0; i < n; i++) items[i] = KEYED_STR(&k[i]);
    free(k);
    return 0;
}

/* list.sort() of floats (reverse: reverse=True): NumPy's sort, as np.sort, but stable where
 * equal floats differ: -0.0 and 0.0 keep the order they had, as CPython's stable sort keeps them
 * (NumPy's quicksort swapped them). The zeros' signs are noted before, and their run is written
 * back in that order after; a list with one sign of zero costs one scan. 0, or -1 (MemoryError). */
int32_t ember_rt_list_sort_f8(double *a, int64_t n, int32_t reverse) {
    int64_t zeros = 0, negative = 0;
    for (int64_t i = 0; i < n; i++)
        if (a[i] == 0) zeros++, negative += signbit(a[i]) != 0;
    unsigned char *signs = NULL;
    if (negative && negative < zeros) {
        if (!(signs = malloc((size_t)zeros))) {
            ember_rt_raise("builtins:MemoryError", "out of memory");
            return -1;
        }
        for (int64_t i = 0, k = 0; i < n; i++)
            if (a[i] == 0) signs[k++] = signbit(a[i]) != 0;
    }
    ember_rt_sort_f8(a, n);
    if (reverse)
        for (int64_t i = 0, j = n - 1; i < j; i++, j--) {
            double t = a[i];
            a[i] = a[j], a[j] = t;
        }
    if (signs) {
        int64_t z = 0;
        while (z < n && a[z] != 0) z++;
        for (int64_t k = 0; k < zeros; k++) a[z + k] = signs[k] ? -0.0 : 0.0;
        free(signs);
    }
    return 0;
}

int32_t ember_rt_list_sort(RtBlock *l, int64_t size, RtLess less) {
    RtList *f = fields(l);
    if (f->len < 2) return 0;
    if (less == ember_rt_str_less || less == ember_rt_str_greater)
        return sort_strings((RtStr **)f->items, f->len, less == ember_rt_str_greater);
    char *buf = malloc((size_t)((f->len / 2 + 8) * size));
    if (!buf) {
        ember_rt_raise("builtins:MemoryError", "cannot sort the list");
        return -1;
    }
    merge_sort(f->items, buf, f->len, size, less);
    free(buf);
    return 0;
}

/* ---- Python lists ------------------------------------------------------------------ */
const Type *rt_typeof_list(PyObject *v) {
    if (PyList_GET_SIZE(v) == 0) return NULL;
    const Type *e = rt_typeof(PyList_GET_ITEM(v, 0));
    return e && (ty_is_number(e) || e == ty_str || e->kind == TY_TUPLE || e->kind == TY_ARRAY || e->kind == TY_LIST ||
                 e->kind == TY_CLASS || e->kind == TY_ENUM || e == ty_rng) ? ty_list(e) : NULL;
}

int rt_unbox_list(const Type *t, PyObject *o, void *out) {
    if (!PyList_Check(o)) {
        PyErr_Format(PyExc_TypeError, "ember: cannot convert %.100s to %s", Py_TYPE(o)->tp_name, t->name);
        return -1;
    }
    const Type *e = t->elems[0];
    Py_ssize_t n = PyList_GET_SIZE(o);
    RtBlock *l = ember_rt_list_new((int64_t)e->size, n);
    if (!l) return rt_error_to_python();
    RtList *f = fields(l);
    PyObject **src = ((PyListObject *)o)->ob_item;
    int64_t size = (int64_t)e->size;
    Py_ssize_t i = 0;
    if (e == ty_float64) {   /* the common case, without a call per item */
        double *d = (double *)f->items;
        for (; i < n && PyFloat_CheckExact(src[i]); i++) d[i] = PyFloat_AS_DOUBLE(src[i]);
    } else if (e == ty_int64) {
        int64_t *d = (int64_t *)f->items;
        for (; i < n && PyLong_CheckExact(src[i]) && Py_SIZE(src[i]) >= -1 && Py_SIZE(src[i]) <= 1; i++)
            d[i] = Py_SIZE(src[i]) * (int64_t)((PyLongObject *)src[i])->ob_digit[0];
    }
    for (; i < n; i++) {
        f->len = i;
        if (rt_unbox(e, src[i], f->items + i * size)) {
            rt_list_decref(t, l);
            if (PyErr_ExceptionMatches(PyExc_TypeError)) {   /* typed by its first item: say so */
                PyErr_Clear();
                PyErr_Format(PyExc_TypeError, "ember: a list argument holds items of one type: its first item makes it %s, "
                             "but item %zd is %.100s (%R); convert the items first, or pass a NumPy array",
                             t->name, i, Py_TYPE(src[i])->tp_name, src[i]);
            }
            return -1;
        }
    }
    f->len = n;
    *(RtBlock **)out = l;
    return 0;
}

/* Whether the compiled element at p still equals Python's item (so it need not be replaced). */
bool rt_item_unchanged(const Type *e, PyObject *item, const char *p) {
    if (e == ty_float64) {
        if (PyFloat_CheckExact(item)) return !memcmp(&((PyFloatObject *)item)->ob_fval, p, 8);
        double d = PyLong_CheckExact(item) ? PyLong_AsDouble(item) : -1.0;   /* an int converted on the way in */
        if (d == -1.0 && PyErr_Occurred()) PyErr_Clear();
        return PyLong_CheckExact(item) && d == *(const double *)p;
    }
    if (e == ty_int64 && PyLong_CheckExact(item)) {
        int overflow;
        long long v = PyLong_AsLongLongAndOverflow(item, &overflow);
        return !overflow && v == *(const int64_t *)p;
    }
    if (e == ty_bool) return item == (*p ? Py_True : Py_False);
    if (e == ty_str && PyUnicode_CheckExact(item)) {   /* the same text: the caller keeps its own object */
        const RtStr *s = *(RtStr *const *)p;
        return PyUnicode_GET_LENGTH(item) == s->len && PyUnicode_KIND(item) == s->kind &&
               !memcmp(PyUnicode_DATA(item), s + 1, (size_t)(s->len * s->kind));
    }
    return false;
}

/* A Python object for the element at p, the list keeping its own reference. */
static PyObject *box_borrowed(const Type *e, void *p) {
    if (e == ty_float64) return PyFloat_FromDouble(*(double *)p);
    rt_retain(e, p);
    return rt_box(e, p);
}

void rt_reflect_list(const Type *t, PyObject *o, const void *p) {
    const Type *e = t->elems[0];
    RtList *f = fields(*(RtBlock *const *)p);
    Py_ssize_t n = PyList_GET_SIZE(o), m = (Py_ssize_t)f->len;
    int64_t size = (int64_t)e->size;
    for (Py_ssize_t i = 0; i < n && i < m; i++) {
        PyObject *item = PyList_GET_ITEM(o, i);
        char *q = f->items + i * size;
        if (rt_item_unchanged(e, item, q)) continue;
        if (e->kind == TY_LIST && PyList_Check(item)) {   /* an inner list: into the same object */
            rt_reflect_list(e, item, q);
            continue;
        }
        PyObject *v = box_borrowed(e, q);
        if (!v) { PyErr_Clear(); continue; }
        PyList_SetItem(o, i, v);
    }
    if (m < n) {
        PyList_SetSlice(o, m, n, NULL);
    } else {
        for (Py_ssize_t i = n; i < m; i++) {
            PyObject *v = box_borrowed(e, f->items + i * size);
            if (!v || PyList_Append(o, v)) PyErr_Clear();
            Py_XDECREF(v);
        }
    }
}

PyObject *rt_box_list(const Type *t, const void *p) {
    const Type *e = t->elems[0];
    RtBlock *l = *(RtBlock *const *)p;
    RtList *f = fields(l);
    PyObject *r = PyList_New((Py_ssize_t)f->len);
    int64_t size = (int64_t)e->size;
    bool sole = rt_block_refcnt(l) == 1;   /* then the elements' references move to the boxes */
    if (r && e == ty_float64) {
        const double *d = (const double *)f->items;
        for (int64_t i = 0; i < f->len; i++) {
            PyObject *v = PyFloat_FromDouble(d[i]);
            if (!v) { Py_CLEAR(r); break; }
            PyList_SET_ITEM(r, i, v);
        }
    } else if (r) {
        for (int64_t i = 0; i < f->len; i++) {
            void *q = f->items + i * size;
            if (!sole) rt_retain(e, q);
            PyObject *v = rt_box(e, q);   /* takes over the reference */
            if (!v) {   /* it dropped its own reference; the rest still hold theirs */
                if (sole) {
                    for (int64_t j = i + 1; j < f->len; j++) rt_release(e, f->items + j * size);
                    f->len = 0;
                }
                Py_CLEAR(r);
                break;
            }
            PyList_SET_ITEM(r, i, v);
        }
    }
    if (sole) {   /* the elements' references went to the boxes */
        if (!r) drop_items(e, f);   /* (none did if the list itself could not be made) */
        rt_block_release_last(l);
        ember_rt_list_free(l);
    } else {
        rt_list_decref(t, l);
    }
    return r;
}
