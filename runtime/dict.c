/* dict.c: dicts made and used by compiled code, and Python dicts crossing the boundary.
 *
 * Layout (CPython's compact dict): a counted block whose data holds RtDict; `entries` is an
 * array of entries in insertion order, each {i64 hash, i64 live, key, value} laid out as the
 * types say (ty_dict_entry), and `index` an open-addressed table of entry numbers (-1 empty,
 * -2 a deleted entry's tombstone) probed as CPython probes (perturbed linear congruence).
 * Deleting marks the entry dead (generated code drops its value's reference first); the table
 * is rebuilt, dead entries squeezed out, when it grows. Iteration walks the entries in order.
 *
 * Keys are compared as bytes: generated code writes each key into a zeroed buffer field by
 * field, with -0.0 made 0.0, so equal keys have equal bytes. Their hash is Python's own (int,
 * float, bool, str and tuple hashes), computed from the key's layout letters (ty_value_layout).
 * Strings ('s' in the layout, alone or inside tuples) are pointers: those fields compare by
 * contents (ember_rt_str_eq, the cached hashes first), the bytes between them as bytes. The dict
 * owns a reference to each string of each live key: slot() takes one when it makes an entry,
 * remove() drops it; the values' references are generated code's (lower_dict.c).
 *
 * A dict argument is converted into a new dict (not reflected); a returned one becomes a new
 * Python dict in the same order.
 */
#include "rt.h"
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(RtDict) == 8 * TY_DICT_WORDS, "types.h's TY_DICT_WORDS");

static RtDict *fields(RtBlock *d) { return ember_rt_block_data(d); }

/* ---- Python's hashes ---------------------------------------------------------------- */
#define HASH_MODULUS (((uint64_t)1 << 61) - 1)

static int64_t hash_int(int64_t v) {
    uint64_t a = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
    int64_t h = (int64_t)(a < HASH_MODULUS ? a : a % HASH_MODULUS);
    if (v < 0) h = -h;
    return h == -1 ? -2 : h;
}

static size_t align_of(const char *d) {   /* the alignment of the value whose letters start at d */
    size_t a;
    rt_layout_measure(&d, &a);
    return a;
}

/* The hash of the value whose letters start at *d, at offset *off of key; advances both. */
static int64_t hash_at(const char **d, const char *key, size_t *off) {
    size_t a = align_of(*d);
    *off = (*off + a - 1) / a * a;
    char c = *(*d)++;
    switch (c) {
    case '?': return (int64_t)key[(*off)++];
    case 'q': { int64_t v; memcpy(&v, key + *off, 8); *off += 8; return hash_int(v); }
    case 'Q': { uint64_t v; memcpy(&v, key + *off, 8); *off += 8; return (int64_t)(v % HASH_MODULUS); }
    case 'd': { double v; memcpy(&v, key + *off, 8); *off += 8; return _Py_HashDouble(NULL, v); }
    case 's': { RtStr *v; memcpy(&v, key + *off, 8); *off += 8; return ember_rt_str_hash(v); }
    case '(': {   /* CPython 3.11's tuple hash (xxHash's mixing) */
        const uint64_t p1 = 11400714785074694791ULL, p2 = 14029467366897019727ULL, p5 = 2870177450012600261ULL;
        uint64_t acc = p5;
        int64_t n = 0;
        while (**d != ')') {
            uint64_t lane = (uint64_t)hash_at(d, key, off);
            acc += lane * p2;
            acc = (acc << 31) | (acc >> 33);
            acc *= p1;
            n++;
        }
        (*d)++;
        *off = (*off + a - 1) / a * a;   /* the tuple's tail padding */
        acc += (uint64_t)n ^ (p5 ^ 3527539UL);
        return acc == (uint64_t)-1 ? 1546275796 : (int64_t)acc;
    }
    }
    return 0;
}

static int64_t key_hash(const char *desc, const void *key) {
    if (desc[0] == 'q' && !desc[1]) {   /* the common keys, without walking the letters */
        int64_t v;
        memcpy(&v, key, 8);
        return hash_int(v);
    }
    if (desc[0] == 's' && !desc[1]) {
        RtStr *s;
        memcpy(&s, key, 8);
        return ember_rt_str_hash(s);
    }
    size_t off = 0;
    return hash_at(&desc, key, &off);
}

/* ---- keys holding strings ------------------------------------------------------------ */
#define MAX_KEY_STRS 32
typedef struct KeyStrs {
    int n;                        /* string fields in the key: 0 for keys of numbers alone */
    size_t off[MAX_KEY_STRS];     /* their offsets, in order */
} KeyStrs;

/* The offsets of the 's' fields of the value whose letters start at *d (advances d and off). */
static void find_strs(const char **d, size_t *off, KeyStrs *ks) {
    size_t a = align_of(*d);
    *off = (*off + a - 1) / a * a;
    char c = *(*d)++;
    if (c == '(') {
        while (**d && **d != ')') find_strs(d, off, ks);
        if (**d) (*d)++;
        *off = (*off + a - 1) / a * a;
        return;
    }
    if (c == 's' && ks->n < MAX_KEY_STRS) ks->off[ks->n++] = *off;
    *off += c == '?' ? 1 : 8;
}

static void key_strs(const char *desc, KeyStrs *ks) {
    ks->n = 0;
    if (desc[0] == 's' && !desc[1]) {   /* a str key */
        ks->n = 1;
        ks->off[0] = 0;
        return;
    }
    if (!strchr(desc, 's')) return;
    size_t off = 0;
    find_strs(&desc, &off, ks);
}

static RtStr *str_at(const char *key, size_t off) {
    RtStr *s;
    memcpy(&s, key + off, sizeof s);
    return s;
}

/* Equal keys of ksize bytes: strings by contents, the bytes between them as bytes. */
static bool keys_equal(const KeyStrs *ks, const char *a, const char *b, int64_t ksize) {
    if (ksize == 8 && ks->n == 1) return ember_rt_str_eq(str_at(a, 0), str_at(b, 0));
    size_t from = 0;
    for (int i = 0; i < ks->n; i++) {
        size_t at = ks->off[i];
        if (memcmp(a + from, b + from, at - from) || !ember_rt_str_eq(str_at(a, at), str_at(b, at))) return false;
        from = at + 8;
    }
    return !memcmp(a + from, b + from, (size_t)ksize - from);
}

/* The dict's references to a new entry's strings; a literal's text is copied (rt_str_keep). */
static void key_retain(const KeyStrs *ks, char *key) {
    for (int i = 0; i < ks->n; i++) {
        RtStr *s = rt_str_keep(str_at(key, ks->off[i]));
        memcpy(key + ks->off[i], &s, sizeof s);
    }
}

static void key_release(const KeyStrs *ks, const char *key) {
    for (int i = 0; i < ks->n; i++) rt_block_decref((RtBlock *)str_at(key, ks->off[i]));
}

/* ---- the table ---------------------------------------------------------------------- */
static char *entry(RtDict *f, int64_t esize, int64_t i) { return f->entries + i * esize; }

RtBlock *ember_rt_dict_new(int64_t esize) {
    RtBlock *d = ember_rt_block_alloc(sizeof(RtDict));
    if (!d) return NULL;
    memset(fields(d), 0, sizeof(RtDict));
    fields(d)->esize = esize;
    return d;
}

void ember_rt_dict_free(RtBlock *d) {
    free(fields(d)->entries);
    free(fields(d)->index);
    ember_rt_block_free(d);
}

/* The index slot holding key (its entry's number >= 0), or the empty slot where it would go. */
static int64_t *probe(RtDict *f, int64_t h, const void *key, int64_t ksize, const KeyStrs *ks) {
    uint64_t mask = (uint64_t)f->mask, perturb = (uint64_t)h, i = (uint64_t)h & mask;
    int64_t *tomb = NULL;
    for (;;) {
        int64_t *s = &f->index[i];
        if (*s == -1) return tomb ? tomb : s;
        if (*s == -2) {
            if (!tomb) tomb = s;
        } else {
            char *e = entry(f, f->esize, *s);
            if (*(int64_t *)e == h &&
                (ks->n ? keys_equal(ks, e + 16, key, ksize)
                       : ksize == 8 ? *(const int64_t *)(e + 16) == *(const int64_t *)key : !memcmp(e + 16, key, (size_t)ksize)))
                return s;
        }
        perturb >>= 5;
        i = (i * 5 + perturb + 1) & mask;
    }
}

/* Squeeze out dead entries and rebuild the index with room for `need` entries. */
static int rebuild(RtDict *f, int64_t need) {
    int64_t size = 8;
    while (size * 2 < need * 3) size *= 2;
    int64_t *index = malloc((size_t)size * sizeof(int64_t));
    if (!index) return -1;
    memset(index, 0xff, (size_t)size * sizeof(int64_t));   /* -1: empty */
    int64_t n = 0;
    for (int64_t i = 0; i < f->used; i++) {
        char *e = entry(f, f->esize, i);
        if (!*(int64_t *)(e + 8)) continue;
        if (n != i) memcpy(entry(f, f->esize, n), e, (size_t)f->esize);
        n++;
    }
    f->used = n;
    free(f->index);
    f->index = index;
    f->mask = size - 1;
    for (int64_t i = 0; i < n; i++) {
        char *e = entry(f, f->esize, i);
        uint64_t h = (uint64_t)*(int64_t *)e, perturb = h, j = h & (uint64_t)f->mask;
        while (index[j] != -1) {
            perturb >>= 5;
            j = (j * 5 + perturb + 1) & (uint64_t)f->mask;
        }
        index[j] = i;
    }
    if (need > f->cap) {
        int64_t cap = f->cap < 8 ? 8 : f->cap;
        while (cap < need) cap *= 2;
        char *p = realloc(f->entries, (size_t)(cap * f->esize));
        if (!p) return -1;
        f->entries = p;
        f->cap = cap;
    }
    return 0;
}

int64_t ember_rt_dict_lookup(RtBlock *d, const char *desc, int64_t ksize, const void *key) {
    RtDict *f = fields(d);
    if (!f->index) return -1;
    KeyStrs ks;
    key_strs(desc, &ks);
    int64_t *s = probe(f, key_hash(desc, key), key, ksize, &ks);
    return *s >= 0 ? *s : -1;
}

int64_t ember_rt_dict_slot(RtBlock *d, const char *desc, int64_t ksize, const void *key) {
    RtDict *f = fields(d);
    int64_t h = key_hash(desc, key);
    KeyStrs ks;
    key_strs(desc, &ks);
    if (f->index) {
        int64_t *s = probe(f, h, key, ksize, &ks);
        if (*s >= 0) return *s * 2;
    }
    if (!f->index || f->used + 1 > f->cap || (f->used + 1) * 3 > (f->mask + 1) * 2) {
        if (rebuild(f, (f->len + 1) * 2)) {
            ember_rt_raise("builtins:MemoryError", "cannot grow the dict");
            return -1;
        }
    }
    int64_t *s = probe(f, h, key, ksize, &ks);
    int64_t i = f->used++;
    char *e = entry(f, f->esize, i);
    memset(e, 0, (size_t)f->esize);
    *(int64_t *)e = h;
    *(int64_t *)(e + 8) = 1;
    memcpy(e + 16, key, (size_t)ksize);
    key_retain(&ks, e + 16);
    *s = i;
    f->len++;
    return i * 2 + 1;
}

int64_t ember_rt_dict_remove(RtBlock *d, const char *desc, int64_t ksize, const void *key) {
    RtDict *f = fields(d);
    if (!f->index) return -1;
    KeyStrs ks;
    key_strs(desc, &ks);
    int64_t *s = probe(f, key_hash(desc, key), key, ksize, &ks);
    if (*s < 0) return -1;
    int64_t i = *s;
    *s = -2;
    char *e = entry(f, f->esize, i);
    *(int64_t *)(e + 8) = 0;
    f->len--;
    key_release(&ks, e + 16);   /* (key may be this entry's own: it is not read again) */
    return i;
}

int64_t ember_rt_dict_next(RtBlock *d, int64_t k) {
    RtDict *f = fields(d);
    for (; k < f->used; k++)
        if (*(int64_t *)(entry(f, f->esize, k) + 8)) return k;
    return -1;
}

void ember_rt_dict_clear(RtBlock *d) {   /* (generated code dropped the keys' and values' references) */
    RtDict *f = fields(d);
    f->len = f->used = 0;
    if (f->index) memset(f->index, 0xff, (size_t)(f->mask + 1) * sizeof(int64_t));
}

/* ---- references, Python dicts ------------------------------------------------------ */
void rt_dict_decref(const Type *t, RtBlock *d) {
    if (!rt_block_release_last(d)) return;
    RtDict *f = fields(d);
    size_t voff, esize;
    ty_dict_entry(t, &voff, &esize);
    bool keys = ty_has_refs(t->elems[0]), values = ty_has_refs(t->elems[1]);
    if (keys || values)
        for (int64_t i = 0; i < f->used; i++) {
            char *e = entry(f, f->esize, i);
            if (!*(int64_t *)(e + 8)) continue;
            if (keys) rt_release(t->elems[0], e + 16);
            if (values) rt_release(t->elems[1], e + voff);
        }
    ember_rt_dict_free(d);
}

const Type *rt_typeof_dict(PyObject *v) {
    Py_ssize_t pos = 0;
    PyObject *k, *x;
    if (!PyDict_Next(v, &pos, &k, &x)) return NULL;
    const Type *kt = rt_typeof(k), *vt = rt_typeof(x);
    if (!kt || !vt || !ty_is_hashable(kt)) return NULL;
    if (!(ty_is_number(vt) || vt == ty_str || vt->kind == TY_TUPLE || vt->kind == TY_ARRAY || vt->kind == TY_LIST ||
          vt->kind == TY_DICT || vt->kind == TY_SET))
        return NULL;
    return ty_dict(kt, vt);
}

/* Write key (of type kt, at p) into buf as generated code does: zeroed padding, 0.0 for -0.0. */
static void canonical_key(const Type *kt, const char *p, char *buf) {
    if (kt->kind == TY_TUPLE) {
        for (int i = 0; i < kt->n; i++) canonical_key(kt->elems[i], p + kt->offsets[i], buf + kt->offsets[i]);
        return;
    }
    memcpy(buf, p, kt->size);
    if (kt == ty_float64) {
        double x;
        memcpy(&x, buf, 8);
        x += 0.0;
        memcpy(buf, &x, 8);
    }
}

int rt_unbox_dict(const Type *t, PyObject *o, void *out) {
    if (!PyDict_Check(o)) {
        PyErr_Format(PyExc_TypeError, "ember: cannot convert %.100s to %s", Py_TYPE(o)->tp_name, t->name);
        return -1;
    }
    const Type *kt = t->elems[0], *vt = t->elems[1];
    size_t voff, esize;
    ty_dict_entry(t, &voff, &esize);
    RtBlock *d = ember_rt_dict_new((int64_t)esize);
    if (!d) return rt_error_to_python();
    char raw[512], key[512], val[512];
    char desc[128] = "";
    ty_value_layout(kt, desc, sizeof desc, false);
    Py_ssize_t pos = 0;
    PyObject *k, *x;
    while (PyDict_Next(o, &pos, &k, &x)) {
        memset(raw, 0, sizeof raw);
        memset(key, 0, sizeof key);
        if (kt->size > sizeof raw || vt->size > sizeof val || rt_unbox(kt, k, raw)) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "ember: dict item too large");
            rt_dict_decref(t, d);
            return -1;
        }
        if (rt_unbox(vt, x, val)) {
            rt_release(kt, raw);
            rt_dict_decref(t, d);
            return -1;
        }
        canonical_key(kt, raw, key);
        int64_t s = ember_rt_dict_slot(d, desc, (int64_t)kt->size, key);
        rt_release(kt, raw);   /* the dict took its own references to the key's strings */
        if (s < 0) {
            rt_release(vt, val);
            rt_dict_decref(t, d);
            return rt_error_to_python();
        }
        char *e = entry(fields(d), (int64_t)esize, s / 2);
        if (!(s & 1)) rt_release(vt, e + voff);   /* (equal keys after conversion: the last wins) */
        memcpy(e + voff, val, vt->size);
    }
    *(RtBlock **)out = d;
    return 0;
}

PyObject *rt_box_dict(const Type *t, const void *p) {
    RtBlock *d = *(RtBlock *const *)p;
    RtDict *f = fields(d);
    const Type *kt = t->elems[0], *vt = t->elems[1];
    size_t voff, esize;
    ty_dict_entry(t, &voff, &esize);
    PyObject *r = PyDict_New();
    for (int64_t i = 0; r && i < f->used; i++) {
        char *e = entry(f, f->esize, i);
        if (!*(int64_t *)(e + 8)) continue;
        rt_retain(kt, e + 16);   /* boxing takes over a reference */
        rt_retain(vt, e + voff);
        PyObject *k = rt_box(kt, e + 16), *v = rt_box(vt, e + voff);
        if (!k || !v || PyDict_SetItem(r, k, v)) Py_CLEAR(r);
        Py_XDECREF(k);
        Py_XDECREF(v);
    }
    rt_dict_decref(t, d);
    return r;
}

/* ---- sets ---------------------------------------------------------------------------- */
const Type *rt_typeof_set(PyObject *v) {
    PyObject *it = PyObject_GetIter(v), *x = it ? PyIter_Next(it) : NULL;
    Py_XDECREF(it);
    if (!x) {
        PyErr_Clear();
        return NULL;
    }
    const Type *kt = rt_typeof(x);
    Py_DECREF(x);
    return kt && ty_is_hashable(kt) ? ty_set(kt) : NULL;
}

int rt_unbox_set(const Type *t, PyObject *o, void *out) {
    if (!PyAnySet_Check(o)) {
        PyErr_Format(PyExc_TypeError, "ember: cannot convert %.100s to %s", Py_TYPE(o)->tp_name, t->name);
        return -1;
    }
    const Type *kt = t->elems[0];
    size_t voff, esize;
    ty_dict_entry(t, &voff, &esize);
    RtBlock *d = ember_rt_dict_new((int64_t)esize);
    if (!d) return rt_error_to_python();
    char raw[512], key[512], desc[128] = "";
    ty_value_layout(kt, desc, sizeof desc, false);
    PyObject *it = PyObject_GetIter(o), *x;
    while (it && (x = PyIter_Next(it))) {
        memset(raw, 0, sizeof raw);
        memset(key, 0, sizeof key);
        int bad = kt->size > sizeof raw || rt_unbox(kt, x, raw);
        Py_DECREF(x);
        if (bad) break;
        canonical_key(kt, raw, key);
        int64_t s = ember_rt_dict_slot(d, desc, (int64_t)kt->size, key);
        rt_release(kt, raw);
        if (s < 0) {
            rt_error_to_python();
            break;
        }
    }
    Py_XDECREF(it);
    if (PyErr_Occurred()) {
        rt_dict_decref(t, d);
        return -1;
    }
    *(RtBlock **)out = d;
    return 0;
}

PyObject *rt_box_set(const Type *t, const void *p) {
    RtBlock *d = *(RtBlock *const *)p;
    RtDict *f = fields(d);
    PyObject *r = PySet_New(NULL);
    for (int64_t i = 0; r && i < f->used; i++) {
        char *e = entry(f, f->esize, i);
        if (!*(int64_t *)(e + 8)) continue;
        rt_retain(t->elems[0], e + 16);
        PyObject *k = rt_box(t->elems[0], e + 16);
        if (!k || PySet_Add(r, k)) Py_CLEAR(r);
        Py_XDECREF(k);
    }
    rt_dict_decref(t, d);
    return r;
}

void rt_dict_key(const Type *kt, const void *value, void *key) { canonical_key(kt, value, key); }
