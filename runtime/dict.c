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
 * A dict or set argument is converted into a new one, and what the call did to it is written
 * back into the Python object after the call (rt_reflect_dict), as lists are reflected; a
 * returned one becomes a new Python dict in the same order.
 *
 * Sets are dicts of key -> None whose table is CPython's set table instead (set = 1; see "sets:
 * CPython's table" below): the same lookup, slot and remove calls, plus their operators.
 */
#include "rt.h"
#include <stdlib.h>
#include <string.h>

_Static_assert(sizeof(RtDict) == 8 * TY_DICT_WORDS, "types.h's TY_DICT_WORDS");

static RtDict *fields(RtBlock *d) { return (RtDict *)((char *)d + TY_BLOCK_HEADER); }   /* (ember_rt_block_data, inline) */

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

/* (key_hash and key_strs are inlined into every caller: their fast paths then fold to a few
 * instructions; called out of line, counting 10^6 ints into a dict took 16% more instructions) */
static inline __attribute__((always_inline)) int64_t key_hash(const char *desc, const void *key) {
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

static inline __attribute__((always_inline)) void key_strs(const char *desc, KeyStrs *ks) {
    ks->n = 0;
    if (desc[0] == 's' && !desc[1]) {   /* a str key */
        ks->n = 1;
        ks->off[0] = 0;
        return;
    }
    if (!desc[1] || !strchr(desc, 's')) return;   /* one letter but 's': a number (no libc call) */
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

static int64_t set_lookup(RtDict *f, const char *desc, int64_t ksize, const void *key);
static int64_t set_slot(RtDict *f, const char *desc, int64_t ksize, const void *key);
static int64_t set_remove(RtDict *f, const char *desc, int64_t ksize, const void *key);

int64_t ember_rt_dict_lookup(RtBlock *d, const char *desc, int64_t ksize, const void *key) {
    RtDict *f = fields(d);
    if (f->set) return set_lookup(f, desc, ksize, key);
    if (!f->index) return -1;
    KeyStrs ks;
    key_strs(desc, &ks);
    int64_t *s = probe(f, key_hash(desc, key), key, ksize, &ks);
    return *s >= 0 ? *s : -1;
}

int64_t ember_rt_dict_slot(RtBlock *d, const char *desc, int64_t ksize, const void *key) {
    RtDict *f = fields(d);
    if (f->set) return set_slot(f, desc, ksize, key);
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
    if (f->set) return set_remove(f, desc, ksize, key);
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
    if (f->set) {   /* back to CPython's smallest table (pop()'s finger stays, as CPython's) */
        free(f->entries);
        f->entries = NULL;
        f->cap = 0;
        f->mask = 7;
        f->fill = 0;
        return;
    }
    if (f->index) memset(f->index, 0xff, (size_t)(f->mask + 1) * sizeof(int64_t));
}

int64_t rt_dict_order_next(RtBlock *d, int64_t *pos) {
    RtDict *f = fields(d);
    if (f->set) {
        int64_t slot = ember_rt_set_next(d, *pos);
        *pos = slot + 1;
        return slot;
    }
    int64_t k = ember_rt_dict_next(d, *pos);
    *pos = k + 1;
    return k;
}

/* ---- sets: CPython's table --------------------------------------------------------------
 * A set's entries are its table, as CPython keeps a set: entry j is slot j, {i64 tag, key}: the
 * tag is ~hash for a live key (no Python hash is -1, so never 0), and a slot with tag 0 is empty
 * when its key's first byte is 0 (all zeroes: a fresh table is calloc'd), a deleted key's dummy
 * when it is 1. `used` and `cap` are the table's size, so walking the entries walks
 * the slots, in CPython's iteration order, and `index` stays NULL; with no table yet (entries
 * NULL) `used` is 0 and `mask` 7. Probing looks at the home slot and, when 9 more fit before
 * the end, the 9 after it, then jumps (i = 5i + 1 + perturb, perturb >>= 5); an add fills the
 * last dummy it passed, else the empty slot that ended the search; the table starts at 8 slots
 * and is rebuilt, slot by slot, for 4x the live keys (2x past 50000) once 5 * (slots not empty)
 * >= 3 * (size - 1). pop() scans from a finger left after the last slot it emptied. The
 * operators build their results in CPython's steps (a copy, then an update; the smaller operand
 * scanned for &), so results iterate as CPython's too. A key's slot is its entry number for
 * generated code: it stays until the next add or removal that rebuilds the table. */
#define LINEAR_PROBES 9
#define SET_KEY 8   /* a slot: {i64 tag, key} (types.c: ty_dict_entry) */

static char *slot_at(RtDict *f, uint64_t j) { return f->entries + (int64_t)j * f->esize; }
static int64_t slot_tag(const char *e) { return *(const int64_t *)e; }
static bool slot_live(const char *e) { return slot_tag(e) != 0; }
static bool slot_empty(const char *e) { return !slot_live(e) && !e[SET_KEY]; }
static int64_t slot_hash(const char *e) { return ~slot_tag(e); }
static char *slot_key(char *e) { return e + SET_KEY; }

static bool slot_holds(const char *e, int64_t h, const void *key, int64_t ksize, const KeyStrs *ks) {
    if (slot_tag(e) != ~h) return false;
    return ks->n ? keys_equal(ks, e + SET_KEY, key, ksize) : !memcmp(e + SET_KEY, key, (size_t)ksize);
}

/* Slot e made a live one of key (ksize bytes) whose hash is h; the set's references taken. */
static void make_live(RtDict *f, char *e, int64_t h, const void *key, int64_t ksize, const KeyStrs *ks) {
    memset(e, 0, (size_t)f->esize);
    *(int64_t *)e = ~h;
    memcpy(slot_key(e), key, (size_t)ksize);
    key_retain(ks, slot_key(e));
}

static void make_dummy(char *e) {
    *(int64_t *)e = 0;
    e[SET_KEY] = 1;
}

/* The slot holding key, or -1; *free (if asked): where an add puts it. */
static int64_t set_probe(RtDict *f, int64_t h, const void *key, int64_t ksize, const KeyStrs *ks, int64_t *free_slot) {
    uint64_t mask = (uint64_t)f->mask, perturb = (uint64_t)h, i = (uint64_t)h & mask;
    int64_t dummy = -1;
    for (;;) {
        int probes = i + LINEAR_PROBES <= mask ? LINEAR_PROBES : 0;
        for (uint64_t j = i;; j++) {
            const char *e = slot_at(f, j);
            if (slot_live(e)) {
                if (slot_holds(e, h, key, ksize, ks)) return (int64_t)j;
            } else if (e[SET_KEY]) {
                dummy = (int64_t)j;
            } else {
                if (free_slot) *free_slot = dummy >= 0 ? dummy : (int64_t)j;
                return -1;
            }
            if (!probes--) break;
        }
        perturb >>= 5;
        i = (i * 5 + 1 + perturb) & mask;
    }
}

/* Entry e copied into the first empty slot of its probe sequence (a table without dummies);
 * the copy. */
static char *insert_clean(RtDict *f, const char *e) {
    uint64_t mask = (uint64_t)f->mask, h = (uint64_t)slot_hash(e), perturb = h, i = h & mask;
    for (;;) {
        uint64_t last = i + LINEAR_PROBES <= mask ? i + LINEAR_PROBES : i;
        for (uint64_t j = i; j <= last; j++)
            if (!slot_live(slot_at(f, j))) {   /* (a slot of one word's key copied inline) */
                char *to = slot_at(f, j);
                if (f->esize == 16) memcpy(to, e, 16);
                else memcpy(to, e, (size_t)f->esize);
                return to;
            }
        perturb >>= 5;
        i = (i * 5 + 1 + perturb) & mask;
    }
}

static int no_memory(void) {
    ember_rt_raise("builtins:MemoryError", "cannot grow the set");
    return -1;
}

/* A new empty table of `size` slots in place of f's (the old one the caller's). */
static int new_table(RtDict *f, int64_t size) {
    char *t = calloc((size_t)size, (size_t)f->esize);
    if (!t) return no_memory();
    f->entries = t;
    f->mask = size - 1;
    f->used = f->cap = size;
    return 0;
}

static int ensure_table(RtDict *f) { return f->entries ? 0 : new_table(f, 8); }

/* CPython's set_table_resize: the smallest power of 2 above minused, filled slot by slot. */
static int set_resize(RtDict *f, int64_t minused) {
    int64_t size = 8;
    while (size <= minused) size <<= 1;
    char *old = f->entries;
    int64_t old_size = old ? f->mask + 1 : 0;
    if (new_table(f, size)) {
        f->entries = old;   /* (new_table changed nothing else) */
        return -1;
    }
    for (int64_t j = 0; j < old_size; j++) {
        const char *e = old + j * f->esize;
        if (slot_live(e)) insert_clean(f, e);
    }
    free(old);
    f->fill = f->len;
    return 0;
}

/* The table rebuilt for the live keys, as CPython's set_add_entry does once it is full and its
 * difference update once a quarter of it is dummies. */
static int grow(RtDict *f) { return set_resize(f, f->len > 50000 ? f->len * 2 : f->len * 4); }

/* CPython's set_add_entry of a key whose hash is h; 2*slot + (1 if new), or -1. */
static int64_t set_add(RtDict *f, int64_t h, const void *key, int64_t ksize, const KeyStrs *ks) {
    if (ensure_table(f)) return -1;
    int64_t free_slot = 0, s = set_probe(f, h, key, ksize, ks, &free_slot);
    if (s >= 0) return s * 2;
    char *e = slot_at(f, (uint64_t)free_slot);
    bool unused = slot_empty(e);
    make_live(f, e, h, key, ksize, ks);
    f->len++;
    if (!unused) return free_slot * 2 + 1;
    f->fill++;
    if (f->fill * 5 < f->mask * 3) return free_slot * 2 + 1;
    if (grow(f)) return -1;
    return set_probe(f, h, key, ksize, ks, NULL) * 2 + 1;   /* (its new slot) */
}

/* After generated code filled an empty slot and found the table as full as set_add grows it. */
int ember_rt_set_grow(RtBlock *s) { return grow(fields(s)); }

static int64_t set_lookup(RtDict *f, const char *desc, int64_t ksize, const void *key) {
    if (!f->len) return -1;
    KeyStrs ks;
    key_strs(desc, &ks);
    return set_probe(f, key_hash(desc, key), key, ksize, &ks, NULL);
}

static int64_t set_slot(RtDict *f, const char *desc, int64_t ksize, const void *key) {
    KeyStrs ks;
    key_strs(desc, &ks);
    return set_add(f, key_hash(desc, key), key, ksize, &ks);
}

/* Remove the key in slot s, dropping the set's references to its strings. */
static void remove_at(RtDict *f, int64_t s, const KeyStrs *ks) {
    char *e = slot_at(f, (uint64_t)s);
    key_release(ks, slot_key(e));
    make_dummy(e);
    f->len--;
}

static int64_t set_remove(RtDict *f, const char *desc, int64_t ksize, const void *key) {
    if (!f->len) return -1;
    KeyStrs ks;
    key_strs(desc, &ks);
    int64_t s = set_probe(f, key_hash(desc, key), key, ksize, &ks, NULL);
    if (s >= 0) remove_at(f, s, &ks);
    return s;
}

RtBlock *ember_rt_set_new(int64_t esize) {
    RtBlock *s = ember_rt_dict_new(esize);
    if (!s) return NULL;
    fields(s)->set = 1;
    fields(s)->mask = 7;   /* (the table itself is made by the first add) */
    return s;
}

/* The first live slot of f from slot on, or -1. */
static int64_t live_from(RtDict *f, int64_t slot) {
    for (; slot < f->used; slot++)
        if (slot_live(slot_at(f, (uint64_t)slot))) return slot;
    return -1;
}

int64_t ember_rt_set_next(RtBlock *s, int64_t slot) { return live_from(fields(s), slot); }

void ember_rt_set_pop(RtBlock *s, int64_t ksize, void *key) {   /* (generated code checked that s is not empty) */
    RtDict *f = fields(s);
    int64_t j = f->finger & f->mask;
    while (!slot_live(slot_at(f, (uint64_t)j))) j = j == f->mask ? 0 : j + 1;
    f->finger = j + 1;
    memcpy(key, slot_key(slot_at(f, (uint64_t)j)), (size_t)ksize);   /* (with the set's references) */
    make_dummy(slot_at(f, (uint64_t)j));
    f->len--;
}

int ember_rt_set_reserve(RtBlock *s, int64_t n) {
    RtDict *f = fields(s);
    if (ensure_table(f)) return -1;
    if ((f->fill + n) * 5 >= f->mask * 3) return set_resize(f, (f->len + n) * 2);
    return 0;
}

/* Each live slot of f in table order: its number into *n; advances *slot. */
static bool next_entry(RtDict *f, int64_t *slot, int64_t *n) {
    if ((*n = live_from(f, *slot)) < 0) return false;
    *slot = *n + 1;
    return true;
}

static bool has_entry_of(RtDict *f, RtDict *of, int64_t n, int64_t ksize, const KeyStrs *ks) {
    char *e = slot_at(of, (uint64_t)n);
    return f->len && set_probe(f, slot_hash(e), slot_key(e), ksize, ks, NULL) >= 0;
}

static int add_entry_of(RtDict *f, RtDict *of, int64_t n, int64_t ksize, const KeyStrs *ks) {
    char *e = slot_at(of, (uint64_t)n);
    return set_add(f, slot_hash(e), slot_key(e), ksize, ks) < 0 ? -1 : 0;
}

/* CPython's set_merge: f |= o, o's keys copied in its table order. */
static int set_merge(RtDict *f, RtDict *o, int64_t ksize, const KeyStrs *ks) {
    if (f == o || !o->len) return 0;
    if (ensure_table(f)) return -1;
    if ((f->fill + o->len) * 5 >= f->mask * 3 && set_resize(f, (f->len + o->len) * 2)) return -1;
    int64_t slot = 0, n;
    if (f->fill) {   /* keys may repeat: add each */
        while (next_entry(o, &slot, &n))
            if (add_entry_of(f, o, n, ksize, ks)) return -1;
        return 0;
    }
    bool same = f->mask == o->mask && o->fill == o->len;   /* CPython copies the slots as they are */
    if (same) memcpy(f->entries, o->entries, (size_t)((f->mask + 1) * f->esize));
    while (next_entry(o, &slot, &n)) key_retain(ks, slot_key(same ? slot_at(f, (uint64_t)n) : insert_clean(f, slot_at(o, (uint64_t)n))));
    f->len = f->fill = o->len;
    return 0;
}

/* s -= o (CPython's set_difference_update_internal, then its clean-up of dummies) */
static int set_discard_all(RtDict *f, RtDict *o, int64_t ksize, const KeyStrs *ks) {
    int64_t slot = 0, n;
    while (f->len && next_entry(o, &slot, &n)) {
        char *e = slot_at(o, (uint64_t)n);
        int64_t s = set_probe(f, slot_hash(e), slot_key(e), ksize, ks, NULL);
        if (s >= 0) remove_at(f, s, ks);
    }
    if (f->fill - f->len <= f->mask / 4) return 0;
    return grow(f);
}

/* s ^= o: o's keys in its order, each removed from s if there, else added */
static int set_toggle_all(RtDict *f, RtDict *o, int64_t ksize, const KeyStrs *ks) {
    int64_t slot = 0, n;
    if (ensure_table(f)) return -1;
    while (next_entry(o, &slot, &n)) {
        char *e = slot_at(o, (uint64_t)n);
        int64_t s = set_probe(f, slot_hash(e), slot_key(e), ksize, ks, NULL);
        if (s >= 0) remove_at(f, s, ks);
        else if (add_entry_of(f, o, n, ksize, ks)) return -1;
    }
    return 0;
}

static void drop_all(RtDict *f, const KeyStrs *ks) {
    for (int64_t n = 0; n < f->used; n++) {
        char *e = slot_at(f, (uint64_t)n);
        if (slot_live(e)) key_release(ks, slot_key(e));
    }
}

static void free_set(RtBlock *s, const KeyStrs *ks) {
    drop_all(fields(s), ks);
    ember_rt_dict_free(s);
}

RtBlock *ember_rt_set_op(int op, RtBlock *a, RtBlock *b, const char *desc, int64_t ksize) {
    RtDict *fa = fields(a), *fb = fields(b);
    KeyStrs ks;
    key_strs(desc, &ks);
    RtBlock *r = ember_rt_set_new(fa->esize);
    if (!r) return NULL;
    RtDict *fr = fields(r);
    int64_t slot = 0, n;
    int rc = 0;
    switch (op) {
    case 'c': rc = set_merge(fr, fa, ksize, &ks); break;   /* a copy */
    case '|': rc = set_merge(fr, fa, ksize, &ks) || set_merge(fr, fb, ksize, &ks) ? -1 : 0; break;
    case '&': {   /* the smaller scanned, its keys looked up in the larger */
        RtDict *big = fb->len > fa->len ? fb : fa, *small = big == fb ? fa : fb;
        while (!rc && next_entry(small, &slot, &n))
            if (has_entry_of(big, small, n, ksize, &ks)) rc = add_entry_of(fr, small, n, ksize, &ks);
        break;
    }
    case '-':
        if ((fa->len >> 2) > fb->len) {   /* a much larger: a copy of a, b's keys removed */
            rc = set_merge(fr, fa, ksize, &ks) || set_discard_all(fr, fb, ksize, &ks) ? -1 : 0;
            break;
        }
        while (!rc && next_entry(fa, &slot, &n))
            if (!has_entry_of(fb, fa, n, ksize, &ks)) rc = add_entry_of(fr, fa, n, ksize, &ks);
        break;
    case '^': rc = set_merge(fr, fb, ksize, &ks) || set_toggle_all(fr, fa, ksize, &ks) ? -1 : 0; break;
    }
    if (rc) {
        free_set(r, &ks);
        return NULL;
    }
    return r;
}

/* a and b trade tables, a keeping pop()'s finger (CPython's set_swap_bodies) */
static void swap_tables(RtDict *fa, RtDict *fb) {
    RtDict t = *fa;
    *fa = *fb;
    fa->finger = t.finger;
    *fb = t;
}

/* a op= b; op '=': a takes b's table (b, a new set, gets a's for its owner to drop), the end of an
 * intersection_update that generated code made from an iterable */
int ember_rt_set_update(int op, RtBlock *a, RtBlock *b, const char *desc, int64_t ksize) {
    RtDict *fa = fields(a), *fb = fields(b);
    KeyStrs ks;
    key_strs(desc, &ks);
    if (a == b && (op == '-' || op == '^')) {   /* s -= s, s ^= s: empty */
        drop_all(fa, &ks);
        ember_rt_dict_clear(a);
        return 0;
    }
    if (op == '|') return set_merge(fa, fb, ksize, &ks);
    if (op == '-') return set_discard_all(fa, fb, ksize, &ks);
    if (op == '^') return set_toggle_all(fa, fb, ksize, &ks);
    if (op == '=') {
        swap_tables(fa, fb);
        return 0;
    }
    /* &=: the intersection made as for &, then its table swapped in */
    RtBlock *r = ember_rt_set_op('&', a, b, desc, ksize);
    if (!r) return -1;
    swap_tables(fa, fields(r));
    free_set(r, &ks);
    return 0;
}

/* a <= b ('s'), a < b ('<'), a == b ('='): every key of a in b, the lengths allowing it (CPython's
 * set_issubset); a and b disjoint ('d'): the smaller scanned, as set_isdisjoint. 1 or 0. */
int ember_rt_set_test(int op, RtBlock *a, RtBlock *b, const char *desc, int64_t ksize) {
    RtDict *fa = fields(a), *fb = fields(b);
    KeyStrs ks;
    key_strs(desc, &ks);
    int64_t slot = 0, n;
    if (op == 'd') {
        RtDict *big = fb->len > fa->len ? fb : fa, *small = big == fb ? fa : fb;
        while (next_entry(small, &slot, &n))
            if (has_entry_of(big, small, n, ksize, &ks)) return 0;
        return 1;
    }
    if (fa->len > fb->len || (op == '=' && fa->len != fb->len) || (op == '<' && fa->len == fb->len)) return 0;
    while (next_entry(fa, &slot, &n))
        if (!has_entry_of(fb, fa, n, ksize, &ks)) return 0;
    return 1;
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
            if (f->set) {
                if (slot_live(e)) rt_release(t->elems[0], slot_key(e));
                continue;
            }
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

/* A set crosses to and from Python with its table, slot for slot. A Python set iterates in its
 * table's order, and the table depends on every add and discard the set saw, not only on its keys
 * (its size, where collisions went, the deleted keys' dummies): a set rebuilt key by key in the
 * other's order can iterate in another order than CPython's after the same operations. So slot j
 * of the copy holds what slot j of the original holds (a key, a dummy, or nothing), with the same
 * fill and pop() finger; both tables are CPython 3.11's, probed alike. That requires each key's
 * hash on one side to be its hash on the other: where one differs (a NaN's Python hash is its
 * object's address; an int key of a float set), the set is rebuilt key by key instead. */

/* Python set o's table copied into the new compiled set d; 1 when a key's hash differs (the
 * caller rebuilds), -1 on error (a Python exception set). */
static int set_from_table(const Type *kt, const char *desc, PySetObject *so, RtBlock *d) {
    RtDict *f = fields(d);
    if (new_table(f, (int64_t)so->mask + 1)) return rt_error_to_python();
    KeyStrs ks;
    key_strs(desc, &ks);
    char raw[512], key[512];
    for (int64_t j = 0; j <= f->mask; j++) {
        PyObject *k = so->table[j].key;
        if (!k) continue;
        f->fill++;
        char *e = slot_at(f, (uint64_t)j);
        if (k == _PySet_Dummy) {
            make_dummy(e);
            continue;
        }
        memset(raw, 0, sizeof raw);
        memset(key, 0, sizeof key);
        if (kt->size > sizeof raw || rt_unbox(kt, k, raw)) return -1;
        canonical_key(kt, raw, key);
        int64_t h = key_hash(desc, key);
        if (h != so->table[j].hash) {
            rt_release(kt, raw);
            return 1;
        }
        make_live(f, e, h, key, (int64_t)kt->size, &ks);
        rt_release(kt, raw);   /* the set took its own references to the key's strings */
        f->len++;
    }
    f->finger = so->finger;
    return 0;
}

int rt_unbox_set(const Type *t, PyObject *o, void *out) {
    if (!PyAnySet_Check(o)) {
        PyErr_Format(PyExc_TypeError, "ember: cannot convert %.100s to %s", Py_TYPE(o)->tp_name, t->name);
        return -1;
    }
    const Type *kt = t->elems[0];
    size_t voff, esize;
    ty_dict_entry(t, &voff, &esize);
    char desc[128] = "";
    ty_value_layout(kt, desc, sizeof desc, false);
    RtBlock *d = ember_rt_set_new((int64_t)esize);
    if (!d) return rt_error_to_python();
    int copied = set_from_table(kt, desc, (PySetObject *)o, d);
    if (copied) {   /* start again, key by key */
        rt_dict_decref(t, d);
        if (copied < 0 || !(d = ember_rt_set_new((int64_t)esize))) return copied < 0 ? -1 : rt_error_to_python();
    }
    char raw[512], key[512];
    PyObject *it = copied ? PyObject_GetIter(o) : NULL, *x;
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

/* The keys of set block d in its order, added one by one to a new Python set. */
static PyObject *set_rebuilt(RtBlock *d, RtSetKeyBox box, void *ctx) {
    RtDict *f = fields(d);
    PyObject *r = PySet_New(NULL);
    int64_t pos = 0, i;
    while (r && (i = rt_dict_order_next(d, &pos)) >= 0) {
        PyObject *k = box(slot_key(slot_at(f, (uint64_t)i)), ctx);
        if (!k || PySet_Add(r, k)) Py_CLEAR(r);
        Py_XDECREF(k);
    }
    return r;
}

PyObject *rt_set_to_python(RtBlock *d, RtSetKeyBox box, void *ctx) {
    RtDict *f = fields(d);
    PyObject *r = PySet_New(NULL);
    if (!r || !f->entries) return r;
    PySetObject *so = (PySetObject *)r;
    int64_t size = f->mask + 1;
    if (size > PySet_MINSIZE) {
        setentry *table = PyMem_Calloc((size_t)size, sizeof(setentry));
        if (!table) {
            Py_DECREF(r);
            return PyErr_NoMemory();
        }
        so->table = table;
        so->mask = (Py_ssize_t)size - 1;
    }
    for (int64_t j = 0; j < size; j++) {
        char *e = slot_at(f, (uint64_t)j);
        if (slot_empty(e)) continue;
        setentry *slot = &so->table[j];
        so->fill++;   /* (as each slot is filled: the set's dealloc walks fill slots) */
        if (!slot_live(e)) {
            slot->key = Py_NewRef(_PySet_Dummy);
            slot->hash = -1;
            continue;
        }
        if (!(slot->key = box(slot_key(e), ctx))) {
            so->fill--;
            Py_DECREF(r);
            return NULL;
        }
        so->used++;
        slot->hash = PyObject_Hash(slot->key);
        if (slot->hash != slot_hash(e)) {   /* (-1: its hash failed) */
            Py_DECREF(r);
            return slot->hash == -1 && PyErr_Occurred() ? NULL : set_rebuilt(d, box, ctx);
        }
    }
    so->finger = (Py_ssize_t)f->finger;
    return r;
}

/* A key of a set being boxed (ctx: its type): boxing takes over a reference of its own. */
static PyObject *box_key(const char *key, void *ctx) {
    const Type *kt = ctx;
    rt_retain(kt, (void *)key);
    return rt_box(kt, (void *)key);
}

PyObject *rt_box_set(const Type *t, const void *p) {
    RtBlock *d = *(RtBlock *const *)p;
    PyObject *r = rt_set_to_python(d, box_key, (void *)t->elems[0]);
    rt_dict_decref(t, d);
    return r;
}

void rt_dict_key(const Type *kt, const void *value, void *key) { canonical_key(kt, value, key); }

/* ---- reflection: a Python dict or set argument after the call --------------------------- *
 * The compiled code worked on a copy; its contents are written back, also after a failed call
 * (Python would have changed the object up to the failure). A dict whose keys are still the same,
 * in the same order, gets only the values that changed (the others keep their objects); else
 * it is cleared and filled again in the copy's order, which is the order Python's own
 * insertions and deletions would have left. Before, the changes were silently lost. */
/* Does Python dict o hold what the compiled dict at p holds, in its order (scalar and str keys
 * and values compared without boxing; anything else counts as changed)? */
static bool dict_unchanged(const Type *t, PyObject *o, const void *p) {
    RtDict *f = fields(*(RtBlock *const *)p);
    if (PyDict_GET_SIZE(o) != f->len) return false;
    size_t voff, esize;
    ty_dict_entry(t, &voff, &esize);
    Py_ssize_t pos = 0;
    PyObject *k, *v;
    for (int64_t i = 0; i < f->used; i++) {
        char *e = entry(f, f->esize, i);
        if (!*(int64_t *)(e + 8)) continue;
        if (!PyDict_Next(o, &pos, &k, &v) || !rt_item_unchanged(t->elems[0], k, e + 16) ||
            !rt_item_unchanged(t->elems[1], v, e + voff))
            return false;
    }
    return true;
}

void rt_reflect_dict(const Type *t, PyObject *o, const void *p) {
    if (t->kind == TY_DICT && dict_unchanged(t, o, p)) return;   /* the common case: read only, no boxing */
    PyObject *et, *ev, *tb;
    PyErr_Fetch(&et, &ev, &tb);
    rt_retain(t, (void *)p);   /* boxing takes over a reference: the argument keeps its own */
    PyObject *now = t->kind == TY_SET ? rt_box_set(t, p) : rt_box_dict(t, p);
    if (!now) goto done;
    if (t->kind == TY_SET) {
        int same = PyObject_RichCompareBool(o, now, Py_EQ);
        if (same == 0 && PySet_Clear(o) == 0) {
            PyObject *r = PyObject_CallMethod(o, "update", "O", now);
            Py_XDECREF(r);
        }
    } else {
        bool same_keys = PyDict_GET_SIZE(o) == PyDict_GET_SIZE(now);
        Py_ssize_t i = 0, j = 0;
        PyObject *k1, *v1, *k2, *v2;
        while (same_keys && PyDict_Next(o, &i, &k1, &v1) && PyDict_Next(now, &j, &k2, &v2))
            if (!(same_keys = k1 == k2 || PyObject_RichCompareBool(k1, k2, Py_EQ) == 1)) PyErr_Clear();
        if (same_keys) {
            i = 0;
            while (PyDict_Next(now, &i, &k2, &v2)) {
                PyObject *old = PyDict_GetItemWithError(o, k2);
                int same = !old ? 0 : old == v2 ? 1 : PyObject_RichCompareBool(old, v2, Py_EQ);
                if (same < 0) PyErr_Clear();   /* (an array's == is not a truth value: replaced) */
                if (same != 1 && PyDict_SetItem(o, k2, v2)) PyErr_Clear();
            }
        } else {
            PyDict_Clear(o);
            PyDict_Update(o, now);
        }
    }
    Py_DECREF(now);
done:
    PyErr_Clear();   /* reflection is best effort: the call's own outcome stands */
    PyErr_Restore(et, ev, tb);
}
