/* types.c: interned types, their names and layouts, Numba's unification, signature strings.
 *
 * Interning: every distinct type is made once and kept in `table` for the life of the process
 * (but a Dispatcher's type, which goes with the Dispatcher: ty_forget); constructors look a
 * type up structurally before making it. The table's owner is this file and the GIL is its lock
 * (see types.h).
 *
 * Unification (as in Numba): numbers unify to the wider of the two (bool < int64 < float64 <
 * complex128); tuples of the same length unify element-wise; anything else unifies only with
 * itself.
 */
#include "types.h"
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static TyState own;
TyState *ty_state = &own;
#define table (ty_state->table)
#define ntable (ty_state->ntable)

void ty_adopt(TyState *owner) { ty_state = owner; }

static Type *intern(Type *t) {
    if (ntable == ty_state->cap) {
        int ncap = ty_state->cap ? ty_state->cap * 2 : 64;
        Type **p = realloc(table, sizeof(Type *) * (size_t)ncap);
        if (!p) return NULL;
        table = p;
        ty_state->cap = ncap;
    }
    table[ntable++] = t;
    return t;
}

static Type *new_type(TypeKind kind, const char *name, size_t size, size_t align) {
    Type *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->kind = kind;
    t->name = strdup(name);
    t->size = size;
    t->align = align;
    return intern(t);
}

int ty_init(void) {
    if (ty_none) return 0;
    ty_none = new_type(TY_NONE, "none", 1, 1);
    ty_bool = new_type(TY_BOOL, "bool", 1, 1);
    ty_int64 = new_type(TY_INT64, "int64", 8, 8);
    ty_float64 = new_type(TY_FLOAT64, "float64", 8, 8);
    ty_complex128 = new_type(TY_COMPLEX128, "complex128", 16, 8);
    ty_str = new_type(TY_STR, "str", 8, 8);
    ty_range = new_type(TY_RANGE, "range_state64", 24, 8);
    ty_uint64 = new_type(TY_UINT64, "uint64", 8, 8);
    /* RtExc: two {cls, msg, desc, args[TY_EXC_WORDS]} and an int32 */
    ty_excval = new_type(TY_EXCVAL, "Exception", 2 * (3 + TY_EXC_WORDS) * 8 + 8, 8);
    ty_rng = new_type(TY_RNG, "NumPyRandomGeneratorType", 8, 8);
    ty_ellipsis = new_type(TY_ELLIPSIS, "ellipsis", 1, 1);
    for (int dt = 0; dt < DT_COUNT; dt++)   /* the sized scalars a parameter may be: held as their canonical scalar */
        if (ty_narrow_dtype_named(ty_dtypes[dt].name) >= 0) {
            Type *t = new_type(TY_NARROW, ty_dtypes[dt].name, dt == DT_COMPLEX64 ? 16 : 8, 8);
            if (!t) return -1;
            t->dtype = dt;
            ty_state->narrow[dt] = t;
        }
    static const int wide[3] = {DT_INT64, DT_FLOAT64, DT_COMPLEX128};
    for (int k = 0; k < 3; k++) {   /* a NumPy scalar argument of a canonical scalar's dtype */
        Type *t = new_type(TY_NARROW, ty_dtypes[wide[k]].name, wide[k] == DT_COMPLEX128 ? 16 : 8, 8);
        if (!t) return -1;
        t->dtype = wide[k];
        ty_state->npscalar[wide[k]] = t;
    }
    return ty_range && ty_uint64 && ty_excval && ty_rng && ty_ellipsis ? 0 : -1;
}

const DTypeInfo ty_dtypes[DT_COUNT] = {
    [DT_BOOL] = {"bool", 1, 'b', 0},          [DT_INT8] = {"int8", 1, 'i', 1},
    [DT_INT16] = {"int16", 2, 'i', 3},        [DT_INT32] = {"int32", 4, 'i', 5},
    [DT_INT64] = {"int64", 8, 'i', 7},        [DT_UINT8] = {"uint8", 1, 'u', 2},
    [DT_UINT16] = {"uint16", 2, 'u', 4},      [DT_UINT32] = {"uint32", 4, 'u', 6},
    [DT_UINT64] = {"uint64", 8, 'u', 8},      [DT_FLOAT32] = {"float32", 4, 'f', 11},
    [DT_FLOAT64] = {"float64", 8, 'f', 12},   [DT_COMPLEX64] = {"complex64", 8, 'c', 14},
    [DT_COMPLEX128] = {"complex128", 16, 'c', 15},
};

/* An array type (TY_ARRAY, TY_RECARRAY) of elements named elem, named as Numba names them:
 * "unaligned readonly array(float64, 1d, C)". */
static Type *new_array_type(TypeKind kind, const char *elem, int ndim, char layout, bool readonly, bool unaligned) {
    size_t cap = strlen(elem) + 64;
    char *name = malloc(cap);
    if (!name) return NULL;
    snprintf(name, cap, "%s%sarray(%s, %dd, %c)", unaligned ? "unaligned " : "", readonly ? "readonly " : "", elem,
             ndim, layout);
    Type *t = new_type(kind, name, 8 * (size_t)(TY_ARRAY_HEADER + 2 * ndim), 8);
    free(name);
    if (!t) return NULL;
    t->ndim = ndim;
    t->layout = layout;
    t->readonly = readonly;
    t->unaligned = unaligned;
    return t;
}

/* Named as Numba names them: "unaligned readonly array(float64, 1d, C)". */
const Type *ty_array_full(int dtype, int ndim, char layout, bool readonly, bool unaligned) {
    if (ndim <= 1 && layout == 'F') layout = 'C';   /* one dimension: C and F are the same */
    if (ty_dtypes[dtype].size == 1) unaligned = false;   /* a byte is always aligned */
    for (int i = 0; i < ntable; i++) {
        Type *t = table[i];
        if (t->kind == TY_ARRAY && t->dtype == dtype && t->ndim == ndim && t->layout == layout &&
            t->readonly == readonly && t->unaligned == unaligned)
            return t;
    }
    Type *t = new_array_type(TY_ARRAY, ty_dtypes[dtype].name, ndim, layout, readonly, unaligned);
    if (t) t->dtype = dtype;
    return t;
}

/* ---- records ---------------------------------------------------------------------- */
/* A new type named by fmt around the name of `of` ("dtype(%s)"), or NULL. */
static Type *named_after(TypeKind kind, const char *fmt, const Type *of, size_t size, size_t align) {
    size_t cap = strlen(of->name) + strlen(fmt) + 1;
    char *name = malloc(cap);
    if (!name) return NULL;
    snprintf(name, cap, fmt, of->name);
    Type *t = new_type(kind, name, size, align);
    free(name);
    return t;
}

/* The arrays a record or class type was to own, when making it failed. */
static void free_fields(const char **fnames, int n, const Type **elems, int *fdtypes, size_t *offsets) {
    for (int i = 0; fnames && i < n; i++) free((void *)fnames[i]);
    free(fnames);
    free(elems);
    free(fdtypes);
    free(offsets);
}

static const int64_t *shape_of(const int64_t *const *shapes, int i) { return shapes ? shapes[i] : NULL; }
static const Type *rec_of(const Type *const *recs, int i) { return recs ? recs[i] : NULL; }

static bool same_shape(const int64_t *a, const int64_t *b) {
    if (!a || !b) return a == b;
    return a[0] == b[0] && !memcmp(a + 1, b + 1, sizeof *a * (size_t)a[0]);
}

static bool same_record(const Type *t, int n, const char *const *names, const int *dtypes, const size_t *offsets,
                        const Type *const *recs, const int64_t *const *shapes, size_t itemsize, bool aligned_struct,
                        bool readonly, bool unaligned) {
    if (t->kind != TY_RECORD || t->n != n || t->itemsize != itemsize || t->aligned_struct != aligned_struct ||
        t->readonly != readonly ||
        t->unaligned != unaligned)
        return false;
    for (int i = 0; i < n; i++)
        if (t->fdtypes[i] != dtypes[i] || t->offsets[i] != offsets[i] || strcmp(t->fnames[i], names[i]) ||
            (dtypes[i] == TY_FIELD_RECORD && t->elems[i] != recs[i]) ||
            !same_shape(shape_of((const int64_t *const *)t->fshapes, i), shape_of(shapes, i)))
            return false;
    return true;
}

/* A field's type as Numba names it: "float64", "nestedarray(float64, (2, 3))", or the nested
 * record's name. */
static size_t field_type_name(char *out, size_t cap, int dtype, const Type *rec, const int64_t *shape) {
    if (dtype == TY_FIELD_RECORD) return (size_t)snprintf(out, cap, "%s", rec->name);
    if (dtype == TY_FIELD_UNICODE) return (size_t)snprintf(out, cap, "[unichr x %lld]", (long long)shape[1]);
    if (!shape) return (size_t)snprintf(out, cap, "%s", ty_dtypes[dtype].name);
    size_t at = (size_t)snprintf(out, cap, "nestedarray(%s, (", ty_dtypes[dtype].name);
    for (int64_t k = 0; k < shape[0] && at < cap; k++)
        at += (size_t)snprintf(out + at, cap - at, "%s%lld", k ? ", " : "", (long long)shape[k + 1]);
    return at < cap ? at + (size_t)snprintf(out + at, cap - at, shape[0] == 1 ? ",))" : "))") : at;
}

/* The one unnamed string field of a string array's element (ty_chars). */
static bool chars_field(int n, const char *const *names, const int *dtypes) {
    return n == 1 && !names[0][0] && dtypes[0] == TY_FIELD_UNICODE;
}

/* Named as Numba names it, "Record(x[type=float64;offset=0],m[type=float32;offset=8];16;False)",
 * after "readonly " and "unaligned " where they apply. */
const Type *ty_record(int n, const char *const *names, const int *dtypes, const size_t *offsets,
                      const Type *const *recs, const int64_t *const *shapes, size_t itemsize, bool aligned_struct,
                      bool readonly, bool unaligned) {
    for (int i = 0; i < ntable; i++)
        if (same_record(table[i], n, names, dtypes, offsets, recs, shapes, itemsize, aligned_struct, readonly, unaligned))
            return table[i];
    size_t cap = 64;
    bool any_shape = false, any_rec = false;
    for (int i = 0; i < n; i++) {
        const int64_t *sh = shape_of(shapes, i);
        any_shape |= sh != NULL;
        any_rec |= dtypes[i] == TY_FIELD_RECORD;
        cap += strlen(names[i]) + 64 + (sh ? 24 * (size_t)sh[0] : 0) +
               (dtypes[i] == TY_FIELD_RECORD ? strlen(recs[i]->name) : 0);
    }
    char *name = malloc(cap);
    const char **fnames = calloc((size_t)n + 1, sizeof *fnames);
    int *fdt = malloc(sizeof(int) * (size_t)(n + 1));
    size_t *offs = malloc(sizeof(size_t) * (size_t)(n + 1));
    const int64_t **fsh = any_shape ? calloc((size_t)n, sizeof *fsh) : NULL;
    const Type **frec = any_rec ? calloc((size_t)n, sizeof *frec) : NULL;
    Type *t = NULL;
    bool ok = name && fnames && fdt && offs && (fsh || !any_shape) && (frec || !any_rec);
    if (ok) {
        bool chars = chars_field(n, names, dtypes);
        size_t at = (size_t)snprintf(name, cap, "%s%s%s", readonly ? "readonly " : "", unaligned ? "unaligned " : "",
                                     chars ? "" : "Record(");
        if (chars)   /* a string array's element: "[unichr x 8]", as Numba names it */
            field_type_name(name + at, cap - at, dtypes[0], NULL, shape_of(shapes, 0));
        for (int i = 0; i < n && !chars; i++) {
            at += (size_t)snprintf(name + at, cap - at, "%s%s[type=", i ? "," : "", names[i]);
            at += field_type_name(name + at, cap - at, dtypes[i], rec_of(recs, i), shape_of(shapes, i));
            at += (size_t)snprintf(name + at, cap - at, ";offset=%zu]", offsets[i]);
        }
        if (!chars) snprintf(name + at, cap - at, ";%zu;%s)", itemsize, aligned_struct ? "True" : "False");
        for (int i = 0; i < n && ok; i++) {
            ok = (fnames[i] = strdup(names[i])) != NULL;
            const int64_t *sh = shape_of(shapes, i);
            if (ok && sh) {
                int64_t *copy = malloc(sizeof *copy * (size_t)(sh[0] + 1));
                if ((ok = copy != NULL)) memcpy(copy, sh, sizeof *copy * (size_t)(sh[0] + 1));
                fsh[i] = copy;
            }
            if (frec) frec[i] = dtypes[i] == TY_FIELD_RECORD ? recs[i] : NULL;
        }
        if (ok) t = new_type(TY_RECORD, name, 8, 8);   /* a pointer to the record's bytes */
    }
    free(name);
    if (!t) {
        for (int i = 0; fsh && i < n; i++) free((void *)fsh[i]);
        free(fsh);
        return free_fields(fnames, n, frec, fdt, offs), NULL;
    }
    memcpy(fdt, dtypes, sizeof(int) * (size_t)n);
    memcpy(offs, offsets, sizeof(size_t) * (size_t)n);
    t->n = n;
    t->fnames = fnames;
    t->fdtypes = fdt;
    t->offsets = offs;
    t->fshapes = fsh;
    t->elems = frec;
    t->itemsize = itemsize;
    t->aligned_struct = aligned_struct;
    t->readonly = readonly;
    t->unaligned = unaligned;
    return t;
}

const Type *ty_record_flags(const Type *rec, bool readonly, bool unaligned) {
    if (rec->readonly == readonly && rec->unaligned == unaligned) return rec;
    return ty_record(rec->n, rec->fnames, rec->fdtypes, rec->offsets, rec->elems,
                     (const int64_t *const *)rec->fshapes, rec->itemsize, rec->aligned_struct, readonly, unaligned);
}

const Type *ty_chars(int64_t n) {
    const char *names[1] = {""};
    int dtypes[1] = {TY_FIELD_UNICODE};
    size_t offsets[1] = {0};
    int64_t shape[2] = {1, n};
    const int64_t *shapes[1] = {shape};
    return ty_record(1, names, dtypes, offsets, NULL, shapes, 4 * (size_t)n, false, false, false);
}

bool ty_is_chars(const Type *t) {
    return t && t->kind == TY_RECORD && chars_field(t->n, t->fnames, t->fdtypes);
}

/* "array(Record(...), 1d, C)", with the record's own flags (its array's) leading. */
const Type *ty_recarray(const Type *rec, int ndim, char layout, bool readonly, bool unaligned) {
    if (ndim <= 1 && layout == 'F') layout = 'C';
    if (!(rec = ty_record_flags(rec, readonly, unaligned))) return NULL;
    for (int i = 0; i < ntable; i++) {
        Type *t = table[i];
        if (t->kind == TY_RECARRAY && t->rec == rec && t->ndim == ndim && t->layout == layout) return t;
    }
    const char *rname = rec->name + (readonly ? 9 : 0) + (unaligned ? 10 : 0);   /* the prefixes lead the array's name */
    Type *t = new_array_type(TY_RECARRAY, rname, ndim, layout, readonly, unaligned);
    if (t) t->rec = rec;
    return t;
}

static const Type *generator_type(const Type *yields, bool owned) {
    for (int i = 0; i < ntable; i++)
        if (table[i]->kind == TY_GENERATOR && table[i]->elems[0] == yields && table[i]->typed == owned) return table[i];
    char name[600];
    snprintf(name, sizeof name, "Generator(yields %s)%s", yields->name, owned ? " (one loop's)" : "");
    const Type **elems = malloc(sizeof *elems);
    Type *t = elems ? new_type(TY_GENERATOR, name, 8, 8) : NULL;
    if (!t) return free(elems), NULL;
    elems[0] = yields;
    t->elems = elems;
    t->n = 1;
    t->typed = owned;
    return t;
}

const Type *ty_generator(const Type *yields) { return generator_type(yields, false); }
const Type *ty_generator_owned(const Type *yields) { return generator_type(yields, true); }

/* ---- jitclass instances ------------------------------------------------------------ */
bool ty_class_can_hold(const Type *t) {
    if (!t || !ty_is_complete(t)) return false;
    if (ty_is_number(t) || t->kind == TY_NONE || t->kind == TY_ARRAY || t->kind == TY_RECARRAY || t == ty_str ||
        t->kind == TY_CLASS || t->kind == TY_LIST || t->kind == TY_DICT || t->kind == TY_SET ||
        (t->kind == TY_OPTIONAL && !ty_has_refs(t)))   /* optional(float64): None or a number (or a tuple of them) */
        return true;
    if (t->kind != TY_TUPLE) return false;
    for (int i = 0; i < t->n; i++)
        if (!ty_class_can_hold(t->elems[i])) return false;
    return true;
}

int ty_class_field(const Type *t, const char *name) {
    for (int i = 0; name && i < t->n; i++)
        if (!strcmp(t->fnames[i], name)) return i;
    return -1;
}

const Type *ty_class_of(PyObject *cls) {
    for (int i = 0; i < ntable; i++)
        if (table[i]->kind == TY_CLASS && table[i]->obj == cls && !table[i]->nullable) return table[i];
    return NULL;
}

int ty_class_chain_field(const Type *t) {
    int chain = -1;
    for (int f = 0; f < t->n; f++)
        if (t->fdtypes[f] < 0 && t->elems[f] && t->elems[f]->kind == TY_CLASS && t->elems[f]->obj == t->obj) chain = f;
    return chain;
}

const Type *ty_class_definite(const Type *t) { return t->nullable ? ty_class_of(t->obj) : t; }

const Type *ty_class_nullable(const Type *t) {
    if (t->nullable) return t;
    for (int i = 0; i < ntable; i++)
        if (table[i]->kind == TY_CLASS && table[i]->obj == t->obj && table[i]->nullable) return table[i];
    Type *o = named_after(TY_CLASS, "OptionalType(%s)", t, 8, 8);
    if (!o) return NULL;
    o->obj = t->obj;   /* (the definite type keeps the class alive) */
    o->n = t->n;
    o->fnames = t->fnames;   /* the same arrays: ty_class_define's changes are seen by both */
    o->elems = t->elems;
    o->fdtypes = t->fdtypes;
    o->offsets = t->offsets;
    o->itemsize = t->itemsize;
    o->nullable = true;
    return o;
}

int ty_class_define(const Type *t, int field, const Type *ft) {
    if (field < 0 || field >= t->n || t->fdtypes[field] != TY_FIELD_DEFERRED || !ft || ft->kind != TY_CLASS) return -1;
    ((const Type **)t->elems)[field] = ft;
    t->fdtypes[field] = -1;
    return 0;
}

const Type *ty_class(PyObject *cls, const char *cname, long serial, int n, const char *const *names,
                     const Type *const *types, const int *dtypes) {
    const Type *known = ty_class_of(cls);
    if (known) return known;
    size_t cap = strlen(cname) + 64, at = 0;
    for (int i = 0; i < n; i++) {
        bool deferred = dtypes[i] == TY_FIELD_DEFERRED;
        if (dtypes[i] < 0 && !deferred && !ty_class_can_hold(types[i])) return NULL;
        cap += strlen(names[i]) + strlen(deferred ? "deferred" : dtypes[i] >= 0 ? ty_dtypes[dtypes[i]].name : types[i]->name) + 2;
    }
    char *name = malloc(cap);
    const char **fnames = calloc((size_t)n + 1, sizeof *fnames);
    const Type **elems = calloc((size_t)n + 1, sizeof *elems);
    int *fdt = malloc(sizeof(int) * (size_t)(n + 1));
    size_t *offs = malloc(sizeof(size_t) * (size_t)(n + 1)), size = 0;
    Type *t = NULL;
    if (name && fnames && elems && fdt && offs) {
        at = (size_t)snprintf(name, cap, "instance.jitclass.%s#%ld<", cname, serial);
        bool ok = true;
        for (int i = 0; i < n && ok; i++) {
            bool deferred = dtypes[i] == TY_FIELD_DEFERRED;   /* a pointer, its type given later */
            at += (size_t)snprintf(name + at, cap - at, "%s%s:%s", i ? "," : "", names[i],
                                   deferred ? "deferred" : dtypes[i] >= 0 ? ty_dtypes[dtypes[i]].name : types[i]->name);
            size_t fsize = deferred ? 8 : dtypes[i] >= 0 ? (size_t)ty_dtypes[dtypes[i]].size : types[i]->size;
            size_t falign = deferred ? 8 : dtypes[i] >= 0 ? ty_field_align(dtypes[i]) : types[i]->align;
            size = (size + falign - 1) / falign * falign;
            offs[i] = size;
            size += fsize;
            fdt[i] = dtypes[i];
            elems[i] = deferred ? NULL : dtypes[i] >= 0 ? ty_scalar_of(dtypes[i]) : types[i];
            ok = (fnames[i] = strdup(names[i])) != NULL;
        }
        snprintf(name + at, cap - at, ">");
        if (ok) t = new_type(TY_CLASS, name, 8, 8);   /* a pointer to the instance's block */
    }
    free(name);
    if (!t) return free_fields(fnames, n, elems, fdt, offs), NULL;
    Py_INCREF(cls);   /* the class lives as long as its type (the table is never emptied of classes) */
    t->obj = cls;
    t->n = n;
    t->fnames = fnames;
    t->elems = elems;
    t->fdtypes = fdt;
    t->offsets = offs;
    t->itemsize = (size + 7) & ~(size_t)7;
    return t;
}

const Type *ty_recdtype(const Type *rec) {
    for (int i = 0; i < ntable; i++)
        if (table[i]->kind == TY_RECDTYPE && table[i]->rec == rec) return table[i];
    Type *t = named_after(TY_RECDTYPE, "dtype(%s)", rec, 1, 1);   /* (a byte, as an argument) */
    if (t) t->rec = rec;
    return t;
}

int ty_record_field(const Type *rec, const char *name) {
    for (int i = 0; name && i < rec->n; i++)
        if (!strcmp(rec->fnames[i], name)) return i;
    return -1;
}

bool ty_same_fields(const Type *a, const Type *b) {
    return a == b || (a->n == b->n && a->itemsize == b->itemsize &&
                      same_record(a, b->n, b->fnames, b->fdtypes, b->offsets, b->elems,
                                  (const int64_t *const *)b->fshapes, b->itemsize, a->aligned_struct, a->readonly,
                                  a->unaligned));
}

size_t ty_field_align(int dtype) {
    return (size_t)ty_dtypes[dtype].size / (ty_dtypes[dtype].kind == 'c' ? 2 : 1);   /* complex: its parts' */
}

int ty_record_sub_ndim(const Type *rec, int f) {
    return rec->fdtypes[f] >= 0 && rec->fshapes && rec->fshapes[f] ? (int)rec->fshapes[f][0] : 0;
}

int64_t ty_record_nchars(const Type *rec, int f) { return rec->fshapes[f][1]; }

const Type *ty_record_field_type(const Type *r, int f) {
    if (r->fdtypes[f] == TY_FIELD_RECORD) return ty_record_flags(r->elems[f], r->readonly, r->unaligned);
    if (r->fdtypes[f] == TY_FIELD_UNICODE) return ty_str;
    if (ty_record_sub_ndim(r, f))
        return ty_array_full(r->fdtypes[f], ty_record_sub_ndim(r, f), 'C', r->readonly, r->unaligned);
    return ty_scalar_of(r->fdtypes[f]);
}

size_t ty_record_align(const Type *rec, int f) {
    if (rec->fdtypes[f] == TY_FIELD_UNICODE) return 4;
    if (rec->fdtypes[f] != TY_FIELD_RECORD) return ty_field_align(rec->fdtypes[f]);
    const Type *inner = rec->elems[f];
    size_t al = 1;
    for (int i = 0; i < inner->n; i++) {
        size_t a = ty_record_align(inner, i);
        if (a > al) al = a;
    }
    return al;
}

size_t ty_item_size(const Type *t) {
    return t->kind == TY_RECARRAY ? t->rec->itemsize : (size_t)ty_dtypes[t->dtype].size;
}

const Type *ty_array(int dtype, int ndim, char layout, bool readonly) {
    return ty_array_full(dtype, ndim, layout, readonly, false);
}

const Type *ty_view(const Type *of, int dtype, int ndim, char layout) {
    return ty_array_full(dtype, ndim, layout, of->readonly, of->unaligned);
}

bool ty_has_unaligned(const Type *t) {
    if (t->kind == TY_ARRAY || t->kind == TY_RECARRAY || t->kind == TY_RECORD) return t->unaligned;
    for (int i = 0; t->kind == TY_TUPLE && i < t->n; i++)
        if (ty_has_unaligned(t->elems[i])) return true;
    return false;
}

const Type *ty_slice(int mask) {
    for (int i = 0; i < ntable; i++)
        if (table[i]->kind == TY_SLICE && table[i]->n == mask) return table[i];
    char name[32];
    snprintf(name, sizeof name, "slice<%s%s%s>", mask & 1 ? "start" : "", mask & 2 ? ":stop" : ":",
             mask & 4 ? ":step" : "");
    Type *t = new_type(TY_SLICE, name, 24, 8);   /* {start, stop, step}; absent parts unused */
    if (t) t->n = mask;
    return t;
}

const Type *ty_dtype(int dtype) {
    for (int i = 0; i < ntable; i++)
        if (table[i]->kind == TY_DTYPE && table[i]->dtype == dtype) return table[i];
    char name[64];
    snprintf(name, sizeof name, "dtype(%s)", ty_dtypes[dtype].name);
    Type *t = new_type(TY_DTYPE, name, 1, 1);   /* compile-time; as an argument, a byte no one reads */
    if (t) t->dtype = dtype;
    return t;
}

const Type *ty_scalar_of(int dtype) {
    switch (ty_dtypes[dtype].kind) {
    case 'b': return ty_bool;
    case 'f': return ty_float64;
    case 'c': return ty_complex128;
    case 'u': return ty_dtypes[dtype].size == 8 ? ty_uint64 : ty_int64;
    default: return ty_int64;
    }
}

int ty_dtype_of_scalar(const Type *t) {
    if (t == ty_bool) return DT_BOOL;
    if (t == ty_int64) return DT_INT64;
    if (t == ty_uint64) return DT_UINT64;
    if (t == ty_float64) return DT_FLOAT64;
    if (t == ty_complex128) return DT_COMPLEX128;
    return -1;
}

bool ty_has_refs(const Type *t) {
    if (t->kind == TY_ARRAY || t->kind == TY_RECARRAY || ty_is_heap(t) || t->kind == TY_STR || t->kind == TY_EXCVAL ||
        t->kind == TY_GENERATOR)
        return true;
    if (t->kind == TY_TUPLE || t->kind == TY_ZIP || t->kind == TY_EXC || t->kind == TY_OPTIONAL)
        for (int i = 0; i < t->n; i++)
            if (ty_has_refs(t->elems[i])) return true;
    return false;
}

/* NumPy's promote_types for the dtypes ember has. */
int ty_promote(int a, int b) {
    if (a == b) return a;
    const DTypeInfo *x = &ty_dtypes[a], *y = &ty_dtypes[b];
    static const char order[] = "biufc";
    if (strchr(order, x->kind) > strchr(order, y->kind)) return ty_promote(b, a);
    /* now x's kind <= y's kind */
    if (x->kind == 'b') return b;
    if (x->kind == y->kind) return x->size > y->size ? a : b;
    if (x->kind == 'i' && y->kind == 'u') {   /* signed with unsigned */
        if (x->size > y->size) return a;
        switch (y->size) {
        case 1: return DT_INT16;
        case 2: return DT_INT32;
        case 4: return DT_INT64;
        default: return DT_FLOAT64;
        }
    }
    if (y->kind == 'f') {   /* integer with float */
        if (y->size == 8 || x->size <= 2) return b;
        return DT_FLOAT64;
    }
    /* with complex */
    if (y->size == 16) return b;
    if (x->kind == 'f' ? x->size <= 4 : x->size <= 2) return b;
    return DT_COMPLEX128;
}

static const Type *aggregate(TypeKind kind, int n, const Type *const *elems, const char *given_name, PyObject *obj);

const Type *ty_tuple(int n, const Type *const *elems) { return aggregate(TY_TUPLE, n, elems, NULL, NULL); }

bool ty_is_namedtuple_class(PyObject *cls) {
    if (!PyType_Check(cls) || !PyType_IsSubtype((PyTypeObject *)cls, &PyTuple_Type) || cls == (PyObject *)&PyTuple_Type)
        return false;
    PyObject *fields = PyObject_GetAttrString(cls, "_fields");
    bool ok = fields && PyTuple_Check(fields);
    for (Py_ssize_t i = 0; ok && i < PyTuple_GET_SIZE(fields); i++) ok = PyUnicode_Check(PyTuple_GET_ITEM(fields, i));
    Py_XDECREF(fields);
    PyErr_Clear();
    return ok;
}

/* The namedtuple classes this process has typed or named in a type (types.NamedTuple): a
 * signature's "P(a: float64, b: int64)" finds its class by name and fields. Owned: the table. */
static PyObject **nt_classes;
static int n_nt_classes;

void ty_note_namedtuple_class(PyObject *cls) {
    for (int i = 0; i < n_nt_classes; i++)
        if (nt_classes[i] == cls) return;
    PyObject **grown = realloc(nt_classes, sizeof(PyObject *) * (size_t)(n_nt_classes + 1));
    if (!grown) return;   /* (then a signature naming it is refused, with its name) */
    nt_classes = grown;
    nt_classes[n_nt_classes++] = Py_NewRef(cls);
}

/* The noted class named `name` (len bytes) whose _fields are names[0..n), or NULL. */
static PyObject *namedtuple_class(const char *name, size_t len, char names[][64], int n) {
    for (int i = n_nt_classes - 1; i >= 0; i--) {   /* (the latest of one name first) */
        const char *tp = ((PyTypeObject *)nt_classes[i])->tp_name;
        if (strlen(tp) != len || strncmp(tp, name, len)) continue;
        PyObject *fields = PyObject_GetAttrString(nt_classes[i], "_fields");
        bool same = fields && PyTuple_Check(fields) && PyTuple_GET_SIZE(fields) == n;
        for (int k = 0; same && k < n; k++) {
            const char *f = PyUnicode_Check(PyTuple_GET_ITEM(fields, k)) ? PyUnicode_AsUTF8(PyTuple_GET_ITEM(fields, k)) : NULL;
            same = f && !strcmp(f, names[k]);
        }
        Py_XDECREF(fields);
        PyErr_Clear();
        if (same) return nt_classes[i];
    }
    return NULL;
}

const Type *ty_named_tuple(PyObject *cls, int n, const Type *const *elems) {
    /* known already: found by class and elements, without reading _fields (the dispatcher asks
     * for every call's namedtuple argument) */
    for (int i = 0; i < ntable; i++) {
        const Type *t = table[i];
        if (t->kind == TY_TUPLE && t->obj == cls && t->n == n && (n == 0 || !memcmp(t->elems, elems, sizeof(Type *) * (size_t)n)))
            return t;
    }
    if (!ty_is_namedtuple_class(cls)) return NULL;
    PyObject *fields = PyObject_GetAttrString(cls, "_fields");
    if (!fields || !PyTuple_Check(fields) || PyTuple_GET_SIZE(fields) != n) {
        Py_XDECREF(fields);
        PyErr_Clear();
        return NULL;
    }
    char name[1024];
    size_t len = (size_t)snprintf(name, sizeof name, "%s(", ((PyTypeObject *)cls)->tp_name);
    for (int i = 0; i < n && len < sizeof name; i++)
        len += (size_t)snprintf(name + len, sizeof name - len, "%s%s: %s", i ? ", " : "",
                                PyUnicode_AsUTF8(PyTuple_GET_ITEM(fields, i)), elems[i]->name);
    if (len < sizeof name) snprintf(name + len, sizeof name - len, ")");
    Py_DECREF(fields);
    ty_note_namedtuple_class(cls);
    return aggregate(TY_TUPLE, n, elems, name, cls);
}

/* The index of field `name` of namedtuple type t, or -1. */
int ty_namedtuple_field(const Type *t, const char *name) {
    if (t->kind != TY_TUPLE || !t->obj) return -1;
    PyObject *fields = PyObject_GetAttrString(t->obj, "_fields");
    int found = -1;
    for (Py_ssize_t i = 0; fields && PyTuple_Check(fields) && i < PyTuple_GET_SIZE(fields) && found < 0; i++)
        if (!PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(fields, i), name)) found = (int)i;
    Py_XDECREF(fields);
    PyErr_Clear();
    return found;
}

/* zip(...) or enumerate(x): a struct of the iterables, as a tuple is laid out. */
const Type *ty_zip(int n, const Type *const *iterables, bool enumerate) {
    char name[1024];
    if (enumerate) {
        snprintf(name, sizeof name, "enumerate(%s)", iterables[1]->name);
    } else {
        size_t len = (size_t)snprintf(name, sizeof name, "zip(");
        for (int i = 0; i < n && len < sizeof name; i++)
            len += (size_t)snprintf(name + len, sizeof name - len, "%s%s", i ? ", " : "", iterables[i]->name);
        if (len < sizeof name) snprintf(name + len, sizeof name - len, ")");
    }
    return aggregate(TY_ZIP, n, iterables, name, NULL);
}

bool ty_is_enumerate(const Type *t) { return t->kind == TY_ZIP && !strncmp(t->name, "enumerate(", 10); }

static const Type *aggregate(TypeKind kind, int n, const Type *const *elems, const char *given_name, PyObject *obj) {
    for (int i = 0; i < ntable; i++) {
        Type *t = table[i];
        if (t->kind == kind && t->n == n && t->obj == obj && (!given_name || !strcmp(t->name, given_name)) &&
            (n == 0 || memcmp(t->elems, elems, sizeof(Type *) * (size_t)n) == 0))
            return t;
    }
    /* Name it as Numba does: UniTuple(int64 x 2) when uniform, Tuple(int64, float64) otherwise. */
    char name[1024];
    bool uniform = n > 0;
    for (int i = 1; i < n; i++) uniform &= elems[i] == elems[0];
    if (uniform) {
        snprintf(name, sizeof name, "UniTuple(%s x %d)", elems[0]->name, n);
    } else {
        size_t len = (size_t)snprintf(name, sizeof name, "Tuple(");
        for (int i = 0; i < n && len < sizeof name; i++)
            len += (size_t)snprintf(name + len, sizeof name - len, "%s%s", i ? ", " : "", elems[i]->name);
        if (len < sizeof name) snprintf(name + len, sizeof name - len, ")");
    }
    size_t size = 0, align = 1;
    size_t *offsets = calloc((size_t)(n ? n : 1), sizeof(size_t));
    const Type **copy = calloc((size_t)(n ? n : 1), sizeof(Type *));
    if (!offsets || !copy) return NULL;
    for (int i = 0; i < n; i++) {
        size_t a = elems[i]->align ? elems[i]->align : 1;
        size = (size + a - 1) / a * a;
        offsets[i] = size;
        bool aggregate = elems[i]->kind == TY_TUPLE || elems[i]->kind == TY_ZIP || elems[i]->kind == TY_EXC ||
                         elems[i]->kind == TY_OPTIONAL;   /* (an empty one: an empty struct in generated code) */
        size += elems[i]->size || aggregate ? elems[i]->size : 1;   /* a function's type, no bytes: an i8 (cg_type) */
        if (a > align) align = a;
        copy[i] = elems[i];
    }
    size = (size + align - 1) / align * align;
    Type *t = new_type(kind, given_name ? given_name : name, size, align);
    if (!t) return NULL;
    t->n = n;
    t->elems = copy;
    t->offsets = offsets;
    t->obj = Py_XNewRef(obj);
    return t;
}

bool ty_is_enum_class(PyObject *obj) {   /* its metaclass is enum's (EnumType; EnumMeta before Python 3.11) */
    return PyType_Check(obj) && (!strcmp(Py_TYPE(obj)->tp_name, "EnumType") || !strcmp(Py_TYPE(obj)->tp_name, "EnumMeta"));
}

const Type *ty_enum_member(PyObject *cls, const Type *value) {
    if (!value || (value->kind != TY_INT64 && value->kind != TY_UINT64 && value->kind != TY_FLOAT64 && value->kind != TY_BOOL))
        return NULL;
    char name[600];
    snprintf(name, sizeof name, "Enum<%s>(%s)", value->name, ((PyTypeObject *)cls)->tp_name);   /* as Numba names it */
    return aggregate(TY_ENUM, 1, &value, name, cls);
}

/* An Enum member that is not an int (an IntEnum's is: PyLong_Check takes it first): its type by
 * its value's, as Numba's EnumMember. */
static const Type *typeof_enum_member(PyObject *v) {
    PyObject *cls = (PyObject *)Py_TYPE(v);
    if (!ty_is_enum_class(cls)) return NULL;
    PyObject *value = PyObject_GetAttrString(v, "value");
    const Type *vt = value ? ty_typeof(value) : NULL;
    Py_XDECREF(value);
    PyErr_Clear();
    return ty_enum_member(cls, vt);
}

const Type *ty_optional(const Type *t) {
    if (t->kind == TY_OPTIONAL) return t;
    if (t->kind == TY_CLASS) return ty_class_nullable(t);   /* None: a NULL instance */
    if (t->kind == TY_NONE || !ty_is_value(t) ||
        (ty_has_refs(t) && !ty_is_heap(t) && t->kind != TY_STR && t->kind != TY_ARRAY)) return NULL;
    char name[600];
    snprintf(name, sizeof name, "OptionalType(%s)", t->name);
    const Type *elems[2] = {ty_bool, t};
    return aggregate(TY_OPTIONAL, 2, elems, name, NULL);
}

/* A type made of `n` types (not laid out as a tuple): FunctionType and function sets. */
static const Type *made_of(TypeKind kind, int n, const Type *const *parts, const char *name, size_t size) {
    for (int i = 0; i < ntable; i++)
        if (table[i]->kind == kind && table[i]->n == n && !memcmp(table[i]->elems, parts, sizeof(Type *) * (size_t)n))
            return table[i];
    const Type **copy = calloc((size_t)n, sizeof(Type *));
    Type *t = copy ? new_type(kind, name, size, size) : NULL;
    if (!t) return free(copy), NULL;
    memcpy(copy, parts, sizeof(Type *) * (size_t)n);
    t->n = n;
    t->elems = copy;
    return t;
}

const Type *ty_funcptr(const Type *ret, int nparams, const Type *const *params) {
    const Type *parts[65];
    char name[1100];
    if (nparams > 64) return NULL;
    size_t len = (size_t)snprintf(name, sizeof name, "FunctionType[%s(", ret->name);
    parts[0] = ret;
    for (int i = 0; i < nparams; i++) {
        parts[i + 1] = params[i];
        if (len < sizeof name) len += (size_t)snprintf(name + len, sizeof name - len, "%s%s", i ? ", " : "", params[i]->name);
    }
    if (len < sizeof name) snprintf(name + len, sizeof name - len, ")]");
    return made_of(TY_FUNCPTR, nparams + 1, parts, name, 8);
}

const Type *ty_funcset(int n, const Type *const *members) {
    char name[1100];
    size_t len = (size_t)snprintf(name, sizeof name, "FunctionType[?](");
    for (int i = 0; i < n && len < sizeof name; i++)
        len += (size_t)snprintf(name + len, sizeof name - len, "%s%s", i ? ", " : "", members[i]->name);
    if (len < sizeof name) snprintf(name + len, sizeof name - len, ")");
    return made_of(TY_FUNCSET, n, members, name, 0);
}

bool ty_is_heap(const Type *t) {
    return t && (t->kind == TY_LIST || t->kind == TY_DICT || t->kind == TY_SET || t->kind == TY_CLASS);
}

const Type *ty_set(const Type *key) {
    for (int i = 0; i < ntable; i++)
        if (table[i]->kind == TY_SET && table[i]->elems[0] == key) return table[i];
    char name[1100];
    snprintf(name, sizeof name, "set(%s)", key ? key->name : "undefined");
    const Type **e = calloc(2, sizeof(Type *));
    if (!e) return NULL;
    e[0] = key;
    e[1] = ty_none;
    Type *t = new_type(TY_SET, name, 8, 8);
    if (!t) return NULL;
    t->n = 2;
    t->elems = e;
    return t;
}

bool ty_is_hashable(const Type *t) {
    if (!t) return false;
    if (t == ty_bool || t == ty_int64 || t == ty_uint64 || t == ty_float64 || t == ty_str) return true;
    if (t->kind != TY_TUPLE) return false;
    for (int i = 0; i < t->n; i++)
        if (!ty_is_hashable(t->elems[i])) return false;
    return true;
}

/* A typed container's item given as a TY_NARROW: held as its canonical scalar, stored narrow. */
static const Type *narrowed(const Type **t, bool typed) {
    const Type *n = *t && (*t)->kind == TY_NARROW ? *t : NULL;
    if (n) *t = ty_held(n);
    return typed ? n : NULL;
}

static const Type *dict_type(const Type *key, const Type *value, bool typed) {
    const Type *nk = narrowed(&key, typed), *nv = narrowed(&value, typed);
    for (int i = 0; i < ntable; i++)
        if (table[i]->kind == TY_DICT && table[i]->elems[0] == key && table[i]->elems[1] == value &&
            table[i]->typed == typed && !table[i]->attr && table[i]->narrow[0] == nk && table[i]->narrow[1] == nv)
            return table[i];
    char name[2200];
    const char *k = nk ? nk->name : key ? key->name : "undefined", *v = nv ? nv->name : value ? value->name : "undefined";
    if (typed) snprintf(name, sizeof name, "DictType[%s,%s]", k, v);
    else snprintf(name, sizeof name, "dict(%s, %s)", k, v);
    const Type **e = calloc(2, sizeof(Type *));
    if (!e) return NULL;
    e[0] = key;
    e[1] = value;
    Type *t = new_type(TY_DICT, name, 8, 8);
    if (!t) return NULL;
    t->n = 2;
    t->elems = e;
    t->typed = typed;
    t->narrow[0] = nk;
    t->narrow[1] = nv;
    return t;
}

const Type *ty_dict(const Type *key, const Type *value) { return dict_type(key, value, false); }

const Type *ty_dict_view(const Type *d, const char *which) {
    if (!d || d->kind != TY_DICT) return NULL;
    if (d->attr) d = dict_type(d->narrow[0] ? d->narrow[0] : d->elems[0], d->narrow[1] ? d->narrow[1] : d->elems[1], d->typed);
    for (int i = 0; i < ntable; i++)
        if (table[i]->kind == TY_DICT && table[i]->elems == d->elems && table[i]->attr && !strcmp(table[i]->attr, which))
            return table[i];
    char name[2300];
    snprintf(name, sizeof name, "dict_%s(%s)", which, d->name);
    Type *t = new_type(TY_DICT, name, 8, 8);
    if (!t) return NULL;
    t->n = 2;
    t->elems = d->elems;   /* (the dict's own array: one per interned dict type) */
    t->typed = d->typed;
    t->narrow[0] = d->narrow[0];
    t->narrow[1] = d->narrow[1];
    t->attr = !strcmp(which, "keys") ? "keys" : !strcmp(which, "values") ? "values" : "items";
    return t;
}
const Type *ty_typed_dict(const Type *key, const Type *value) { return dict_type(key, value, true); }

const Type *ty_dict_like(const Type *like, const Type *key, const Type *value) {
    if (like && like->narrow[0] && like->elems[0] == key) key = like->narrow[0];
    if (like && like->narrow[1] && like->elems[1] == value) value = like->narrow[1];
    const Type *d = dict_type(key, value, like && like->typed);
    return like && like->attr ? ty_dict_view(d, like->attr) : d;
}

void ty_dict_entry(const Type *d, size_t *value_offset, size_t *entry_size) {
    const Type *k = d->elems[0], *v = d->elems[1];
    if (d->kind == TY_SET) {   /* a set's slot: {i64 tag, key} (runtime/dict.c) */
        *value_offset = *entry_size = (8 + k->size + 7) / 8 * 8;
        return;
    }
    size_t va = v->align ? v->align : 1, off = 16 + k->size;
    off = (off + va - 1) / va * va;
    *value_offset = off;
    *entry_size = (off + v->size + 7) / 8 * 8;
}

static const Type *list_type(const Type *elem, bool typed) {
    const Type *ne = narrowed(&elem, typed);
    for (int i = 0; i < ntable; i++)
        if (table[i]->kind == TY_LIST && table[i]->elems[0] == elem && table[i]->typed == typed && table[i]->narrow[0] == ne)
            return table[i];
    char name[1100];
    snprintf(name, sizeof name, typed ? "ListType[%s]" : "list(%s)", ne ? ne->name : elem ? elem->name : "undefined");
    const Type **e = calloc(1, sizeof(Type *));
    if (!e) return NULL;
    e[0] = elem;
    Type *t = new_type(TY_LIST, name, 8, 8);
    if (!t) return NULL;
    t->n = 1;
    t->elems = e;
    t->typed = typed;
    t->narrow[0] = ne;
    return t;
}

const Type *ty_list(const Type *elem) { return list_type(elem, false); }
const Type *ty_typed_list(const Type *elem) { return list_type(elem, true); }
const Type *ty_list_like(const Type *like, const Type *elem) {   /* (like's narrow item where it holds elem) */
    return list_type(like && like->narrow[0] && like->elems[0] == elem ? like->narrow[0] : elem, like && like->typed);
}

bool ty_is_complete(const Type *t) {
    if (!t) return false;
    if (t->kind == TY_LIST) return ty_is_complete(t->elems[0]);
    if (t->kind == TY_DICT || t->kind == TY_SET) return ty_is_complete(t->elems[0]) && ty_is_complete(t->elems[1]);
    if (t->kind == TY_ITER) return ty_is_complete(t->iter_of);
    if (t->kind == TY_METHOD) return ty_is_complete(t->recv);
    if (t->kind == TY_TUPLE || t->kind == TY_ZIP)
        for (int i = 0; i < t->n; i++)
            if (!ty_is_complete(t->elems[i])) return false;
    return true;
}

const Type *ty_iter(const Type *iterable) {
    for (int i = 0; i < ntable; i++)
        if (table[i]->kind == TY_ITER && table[i]->iter_of == iterable) return table[i];
    char name[1100];
    snprintf(name, sizeof name, "iter(%s)", iterable->name);
    Type *t = new_type(TY_ITER, name, 8, 8);   /* a pointer to the iterator's state */
    if (t) t->iter_of = iterable;
    return t;
}

const Type *ty_object(TypeKind kind, PyObject *obj, int builtin) {
    for (int i = 0; i < ntable; i++)
        if (table[i]->kind == kind && table[i]->obj == obj && table[i]->builtin == builtin)
            return table[i];
    const char *prefix = kind == TY_MODULE ? "Module" : kind == TY_FUNCTION ? "Function"
                       : kind == TY_DISPATCHER ? "Dispatcher" : kind == TY_INNERFUNC ? "InnerFunction"
                       : kind == TY_HOOKED ? "Callable" : kind == TY_TYPEREF ? "TypeRef"
                       : kind == TY_NTCLASS ? "NamedTupleClass" : "ExceptionClass";
    PyObject *qn = PyObject_GetAttrString(obj, kind == TY_INNERFUNC ? "co_qualname"
                                               : kind == TY_MODULE ? "__name__" : kind == TY_TYPEREF ? "name" : "__qualname__");
    const char *s = qn && PyUnicode_Check(qn) ? PyUnicode_AsUTF8(qn) : NULL;
    if (!s && kind == TY_DISPATCHER) {
        Py_XDECREF(qn);
        PyErr_Clear();
        PyObject *f = PyObject_GetAttrString(obj, "py_func");
        qn = f ? PyObject_GetAttrString(f, "__qualname__") : NULL;
        Py_XDECREF(f);
        s = qn && PyUnicode_Check(qn) ? PyUnicode_AsUTF8(qn) : NULL;
    }
    PyErr_Clear();
    char name[512];
    snprintf(name, sizeof name, "%s(%s)", prefix, s ? s : "?");
    Py_XDECREF(qn);
    Type *t = new_type(kind, name, 0, 1);
    if (!t) return NULL;
    if (kind != TY_DISPATCHER) Py_INCREF(obj);   /* a Dispatcher's type is forgotten with it (ty_forget) */
    t->obj = obj;
    t->builtin = builtin;
    return t;
}

const Type *ty_typeref_named(PyObject *obj, const char *name) {
    char want[600];
    snprintf(want, sizeof want, "TypeRef(%s)", name);
    for (int i = 0; i < ntable; i++)   /* (the first object of this name stands for all) */
        if (table[i]->kind == TY_TYPEREF && !strcmp(table[i]->name, want)) return table[i];
    return ty_object(TY_TYPEREF, obj, 0);
}

/* Does t refer to one of dead[0..n)? */
static bool refers_to(const Type *t, Type *const *dead, int n) {
    for (int k = 0; k < n; k++) {
        if (t->iter_of == dead[k] || t->recv == dead[k]) return true;
        for (int i = 0; i < t->n && t->elems; i++)
            if (t->elems[i] == dead[k]) return true;
    }
    return false;
}

/* A default value as a parameter's type, one per value as Numba names it (omitted(default=-1)):
 * 1, 1.0 and True differ, as their reprs do. Ints outside int64 stay values. */
const Type *ty_omitted(PyObject *value) {
    if (value != Py_None && !PyLong_CheckExact(value) && !PyFloat_CheckExact(value) && !PyBool_Check(value) &&
        !PyComplex_CheckExact(value) && !PyUnicode_CheckExact(value))
        return NULL;
    if (PyLong_CheckExact(value)) {
        int overflow;
        (void)PyLong_AsLongLongAndOverflow(value, &overflow);
        if (overflow) return NULL;
    }
    PyObject *r = PyObject_Repr(value);
    const char *s = r ? PyUnicode_AsUTF8(r) : NULL;
    if (!s || strlen(s) > 200) {
        Py_XDECREF(r);
        PyErr_Clear();
        return NULL;
    }
    char name[256];
    snprintf(name, sizeof name, "omitted(default=%s)", s);
    Py_DECREF(r);
    for (int i = 0; i < ntable; i++)
        if (table[i]->kind == TY_OMITTED && !strcmp(table[i]->name, name)) return table[i];
    Type *t = new_type(TY_OMITTED, name, 0, 1);
    if (t) t->obj = Py_NewRef(value);
    return t;
}

void ty_forget(PyObject *obj) {
    /* move the dispatcher's types, then every type made of a moved one, to the end of the table */
    int live = ntable;
    for (int i = 0; i < live;) {
        Type *t = table[i];
        bool dead = (t->kind == TY_DISPATCHER && t->obj == obj) || refers_to(t, table + live, ntable - live);
        if (!dead) {
            i++;
            continue;
        }
        memmove(table + i, table + i + 1, sizeof(Type *) * (size_t)(live - i - 1));
        table[--live] = t;
        i = 0;   /* earlier types may be made of this one */
    }
    for (int i = live; i < ntable; i++) {
        Type *t = table[i];
        if (t->kind != TY_DISPATCHER) Py_XDECREF(t->obj);
        free((char *)t->name);
        free((char *)t->attr);
        free((char *)t->cname);
        free(t->elems);
        free(t->offsets);
        free(t);
    }
    ntable = live;
}

const Type *ty_exc(PyObject *cls, int nargs, const Type *const *args) {
    PyObject *qn = PyObject_GetAttrString(cls, "__qualname__");
    const char *s = qn && PyUnicode_Check(qn) ? PyUnicode_AsUTF8(qn) : "?";
    char name[1100];
    size_t len = (size_t)snprintf(name, sizeof name, "%s(", s ? s : "?");
    for (int i = 0; i < nargs && len < sizeof name; i++)
        len += (size_t)snprintf(name + len, sizeof name - len, "%s%s", i ? ", " : "", args[i]->name);
    if (len < sizeof name) snprintf(name + len, sizeof name - len, ")");
    Py_XDECREF(qn);
    PyErr_Clear();
    return aggregate(TY_EXC, nargs, args, name, cls);
}

const Type *ty_cfunc(PyObject *obj, const char *sig, const char *symbol) {
    for (int i = 0; i < ntable; i++)
        if (table[i]->kind == TY_CFUNC && table[i]->obj == obj && !strcmp(table[i]->attr, sig) &&
            !strcmp(table[i]->cname, symbol))
            return table[i];
    const char *sym = strrchr(symbol, ':');
    char name[300];
    snprintf(name, sizeof name, "CFunction(%s, %s)", sym ? sym + 1 : symbol, sig);
    Type *t = new_type(TY_CFUNC, name, 0, 1);
    if (!t) return NULL;
    t->obj = Py_NewRef(obj);
    t->attr = strdup(sig);
    t->cname = strdup(symbol);
    return t;
}

int ty_value_layout(const Type *t, char *desc, size_t len, bool arrays) {
    size_t at = strlen(desc);
    if (at + 4 >= len) return -1;
    switch (t->kind) {
    case TY_INT64: desc[at] = 'q'; break;
    case TY_UINT64: desc[at] = 'Q'; break;
    case TY_FLOAT64: desc[at] = 'd'; break;
    case TY_BOOL: desc[at] = '?'; break;
    case TY_STR: desc[at] = 's'; break;
    case TY_NONE: desc[at] = 'N'; desc[at + 1] = 0; return 0;
    case TY_COMPLEX128: desc[at] = 'D'; desc[at + 1] = 0; return 2;
    case TY_LIST: case TY_DICT: case TY_SET: {   /* print only, as arrays: L, M or S and the element's letters
                                                   * (a dict's key's and value's), one word pointing at the block */
        if (!arrays || !t->elems[0] || !t->elems[1 - (t->kind == TY_LIST)]) return -1;
        desc[at] = t->kind == TY_LIST ? 'L' : t->kind == TY_SET ? 'S' : !t->attr ? 'M' : (char)(t->attr[0] - 'a' + 'A');
        desc[at + 1] = 0;
        if (ty_value_layout(t->elems[0], desc, len, true) < 0) return -1;
        if (t->kind == TY_DICT && ty_value_layout(t->elems[1], desc, len, true) < 0) return -1;
        return 1;
    }
    case TY_ARRAY:
        if (!arrays) return -1;
        desc[at] = 'A';
        desc[at + 1] = (char)('a' + t->dtype);
        desc[at + 2] = (char)('0' + t->ndim);
        desc[at + 3] = 0;
        return 1;
    case TY_TUPLE: {
        desc[at] = '(';
        desc[at + 1] = 0;
        int words = 0;
        for (int i = 0; i < t->n; i++) {
            int w = ty_value_layout(t->elems[i], desc, len, arrays);
            if (w < 0) return -1;
            words += w;
        }
        at = strlen(desc);
        if (at + 2 >= len) return -1;
        desc[at] = ')';
        desc[at + 1] = 0;
        return words;
    }
    default: return -1;
    }
    desc[at + 1] = 0;
    return 1;
}

const Type *ty_method(const Type *recv, const char *attr) {
    for (int i = 0; i < ntable; i++)
        if (table[i]->kind == TY_METHOD && table[i]->recv == recv && !strcmp(table[i]->attr, attr))
            return table[i];
    char name[1200];
    snprintf(name, sizeof name, "BoundMethod(%s.%s)", recv->name, attr);
    Type *t = new_type(TY_METHOD, name, recv->size, recv->align ? recv->align : 1);
    if (!t) return NULL;
    t->recv = recv;
    t->attr = strdup(attr);
    return t;
}

bool ty_is_number(const Type *t) {
    return t && (t->kind == TY_BOOL || t->kind == TY_INT64 || t->kind == TY_UINT64 ||
                 t->kind == TY_FLOAT64 || t->kind == TY_COMPLEX128);
}

bool ty_is_int(const Type *t) { return t && (t->kind == TY_INT64 || t->kind == TY_UINT64); }

bool ty_is_real(const Type *t) { return ty_is_int(t) || t == ty_bool || t == ty_float64; }

bool ty_is_uniform_tuple(const Type *t) {
    if (!t || t->kind != TY_TUPLE || t->n == 0) return false;
    for (int i = 1; i < t->n; i++)
        if (t->elems[i] != t->elems[0]) return false;
    return true;
}

bool ty_is_runtime(const Type *t) {
    if (!t) return false;
    switch (t->kind) {
    case TY_MODULE: case TY_FUNCTION: case TY_DISPATCHER: case TY_INNERFUNC: case TY_EXCCLASS: case TY_CFUNC: case TY_HOOKED:
    case TY_DTYPE: case TY_TYPEREF: case TY_FUNCSET: case TY_RECDTYPE: case TY_OMITTED:
        return false;
    case TY_METHOD:
        return ty_is_runtime(t->recv);
    default:
        return true;   /* including the empty tuple, whose size is 0 */
    }
}

bool ty_is_value(const Type *t) {
    if (ty_is_number(t) || (t && (t->kind == TY_NONE || t->kind == TY_ARRAY || t->kind == TY_RECARRAY ||
                                  t->kind == TY_OPTIONAL || t->kind == TY_STR || t->kind == TY_CLASS || t->kind == TY_ENUM)))
        return true;
    if (t && t->kind == TY_LIST) return !t->elems[0] || ty_is_value(t->elems[0]);
    if (t && t->kind == TY_SET) return !t->elems[0] || ty_is_value(t->elems[0]);
    if (t && t->kind == TY_DICT)
        return (!t->elems[0] || ty_is_value(t->elems[0])) && (!t->elems[1] || ty_is_value(t->elems[1]));
    if (!t || t->kind != TY_TUPLE) return false;
    for (int i = 0; i < t->n; i++)
        if (!ty_is_value(t->elems[i])) return false;
    return true;
}

int ty_rank(const Type *t) {
    switch (t ? t->kind : TY_NKINDS) {
    case TY_BOOL: return 0;
    case TY_INT64: case TY_UINT64: return 1;
    case TY_FLOAT64: return 2;
    case TY_COMPLEX128: return 3;
    default: return -1;
    }
}

const Type *ty_of_rank(int rank) {
    const Type *by_rank[] = {ty_bool, ty_int64, ty_float64, ty_complex128};
    return rank >= 0 && rank < 4 ? by_rank[rank] : NULL;
}

const Type *ty_unify(const Type *a, const Type *b) {
    if (!a) return b;
    if (!b || a == b) return a;
    if ((a->kind == TY_CLASS && (b->kind == TY_NONE || (b->kind == TY_CLASS && b->obj == a->obj))) ||
        (b->kind == TY_CLASS && a->kind == TY_NONE))   /* an instance or None */
        return ty_class_nullable(a->kind == TY_CLASS ? a : b);
    if (ty_is_number(a) && ty_is_number(b)) {
        if (a == ty_uint64 || b == ty_uint64) {   /* NumPy: uint64 with a signed int is float64 */
            const Type *o = a == ty_uint64 ? b : a;
            return o == ty_bool ? ty_uint64 : o == ty_int64 ? ty_float64 : o;
        }
        int r = ty_rank(a) > ty_rank(b) ? ty_rank(a) : ty_rank(b);
        return ty_of_rank(r);
    }
    if (a->kind == TY_TUPLE && b->kind == TY_TUPLE && a->n == b->n) {
        const Type *elems[64];
        if (a->n > 64) return NULL;
        for (int i = 0; i < a->n; i++)
            if (!(elems[i] = ty_unify(a->elems[i], b->elems[i]))) return NULL;
        return ty_tuple(a->n, elems);
    }
    if (a->kind == TY_LIST && b->kind == TY_LIST) {   /* invariant: only an undefined element type gives way */
        const Type *x = a->elems[0], *y = b->elems[0];
        if (a->typed != b->typed) return NULL;
        if (!x || !y) return x ? a : b;
        if (x->kind == TY_FUNCSET && y->kind == TY_FUNCPTR) return b;   /* functions a call gave a signature (typeinfer/funcs.c) */
        if (y->kind == TY_FUNCSET && x->kind == TY_FUNCPTR) return a;
        if (x->kind == y->kind && (x->kind == TY_LIST || x->kind == TY_TUPLE || x->kind == TY_SET || x->kind == TY_DICT)) {
            const Type *u = ty_unify(x, y);
            return u && (u == x || !ty_is_complete(x)) && (u == y || !ty_is_complete(y)) ? ty_list_like(a, u) : NULL;
        }
        return NULL;
    }
    if (a->kind == TY_SET && b->kind == TY_SET)
        return !a->elems[0] || !b->elems[0] ? (a->elems[0] ? a : b) : NULL;
    if (a->kind == TY_DICT && b->kind == TY_DICT) {   /* invariant, as lists */
        const Type *u[2];
        if (a->typed != b->typed || (a->attr != b->attr && (!a->attr || !b->attr || strcmp(a->attr, b->attr)))) return NULL;
        for (int i = 0; i < 2; i++) {
            const Type *x = a->elems[i], *y = b->elems[i];
            if (!x || !y) { u[i] = x ? x : y; continue; }
            if (x == y) { u[i] = x; continue; }
            const Type *lx = ty_list(x), *ly = ty_list(y), *lu = ty_unify(lx, ly);   /* refines undefined parts only */
            if (!lu) return NULL;
            u[i] = lu->elems[0];
        }
        return ty_dict_like(a, u[0], u[1]);
    }
    if (a->kind == TY_ARRAY && b->kind == TY_ARRAY && a->dtype == b->dtype && a->ndim == b->ndim)   /* as numba */
        return ty_array_full(a->dtype, a->ndim, a->layout == b->layout ? a->layout : 'A', a->readonly || b->readonly,
                             a->unaligned || b->unaligned);
    if (a->kind == TY_METHOD && b->kind == TY_METHOD && !strcmp(a->attr, b->attr)) {
        /* a method carried across a branch (out.append(x if c else y): its receiver, an empty
         * list, gets its item type from the call after the branch) */
        const Type *r = ty_unify(a->recv, b->recv);
        return r ? ty_method(r, a->attr) : NULL;
    }
    if (a->kind == TY_RECARRAY && b->kind == TY_RECARRAY && a->ndim == b->ndim && ty_same_fields(a->rec, b->rec))
        return ty_recarray(a->rec, a->ndim, a->layout == b->layout ? a->layout : 'A', a->readonly || b->readonly,
                           a->unaligned || b->unaligned);
    return NULL;
}

/* ---- signature strings: "float64(float64, int64)", "(i8, UniTuple(f8, 2))" ---------- */
static const struct { const char *name; TypeKind kind; } scalar_names[] = {
    {"float64", TY_FLOAT64}, {"f8", TY_FLOAT64}, {"double", TY_FLOAT64},
    {"int64", TY_INT64}, {"i8", TY_INT64}, {"intp", TY_INT64}, {"int_", TY_INT64},
    {"uint64", TY_UINT64}, {"u8", TY_UINT64}, {"uintp", TY_UINT64},
    {"long_", TY_INT64}, {"longlong", TY_INT64}, {"ssize_t", TY_INT64},   /* C's names, LP64 (Numba's) */
    {"ulong", TY_UINT64}, {"ulonglong", TY_UINT64}, {"size_t", TY_UINT64}, {"uint", TY_UINT64},
    {"complex128", TY_COMPLEX128}, {"c16", TY_COMPLEX128},
    {"boolean", TY_BOOL}, {"bool_", TY_BOOL}, {"bool", TY_BOOL}, {"b1", TY_BOOL},
    {"none", TY_NONE}, {"void", TY_NONE}, {"unicode_type", TY_STR}, {"str", TY_STR},
};

static const Type *scalar_of_kind(TypeKind k) {
    return k == TY_FLOAT64 ? ty_float64 : k == TY_INT64 ? ty_int64 : k == TY_UINT64 ? ty_uint64 : k == TY_COMPLEX128 ? ty_complex128
         : k == TY_BOOL ? ty_bool : k == TY_STR ? ty_str : ty_none;
}

static const char *skip_ws(const char *s) {
    while (isspace((unsigned char)*s)) s++;
    return s;
}

static int dtype_named(const char *s, size_t n);
static bool sized_names;   /* ty_parse: sized scalar names give TY_NARROWs (parse_ret_type; the GIL orders its users) */
static const Type *parse_sig_type(const char *s, const char **end, char *err, size_t errlen);

int ty_narrow_dtype_named(const char *name) {
    int dt = dtype_named(name, strlen(name));
    if (dt < 0 || dt == DT_BOOL || dt == DT_COMPLEX128 || (ty_dtypes[dt].size == 8 && dt != DT_COMPLEX64)) return -1;
    return dt;
}

static int dtype_named(const char *s, size_t n) {
    static const struct { const char *name; int dt; } names[] = {
        {"b1", DT_BOOL}, {"bool_", DT_BOOL}, {"boolean", DT_BOOL}, {"bool", DT_BOOL},
        {"i1", DT_INT8}, {"i2", DT_INT16}, {"i4", DT_INT32}, {"i8", DT_INT64}, {"intp", DT_INT64},
        {"int_", DT_INT64}, {"u1", DT_UINT8}, {"u2", DT_UINT16}, {"u4", DT_UINT32},
        {"u8", DT_UINT64}, {"uintp", DT_UINT64}, {"f4", DT_FLOAT32}, {"f8", DT_FLOAT64},
        {"double", DT_FLOAT64}, {"c8", DT_COMPLEX64}, {"c16", DT_COMPLEX128},
        {"intc", DT_INT32}, {"uintc", DT_UINT32}, {"char", DT_INT8}, {"uchar", DT_UINT8}, {"byte", DT_UINT8},
        {"short", DT_INT16}, {"ushort", DT_UINT16}, {"long_", DT_INT64}, {"longlong", DT_INT64},
        {"ssize_t", DT_INT64}, {"ulong", DT_UINT64}, {"ulonglong", DT_UINT64}, {"size_t", DT_UINT64},
        {"uint", DT_UINT64},
    };
    for (int i = 0; i < DT_COUNT; i++)
        if (strlen(ty_dtypes[i].name) == n && !strncmp(s, ty_dtypes[i].name, n)) return i;
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strlen(names[i].name) == n && !strncmp(s, names[i].name, n)) return names[i].dt;
    return -1;
}

/* After "float64[": dimensions ":" or "::1" separated by commas, then "]". "::1" on the last
 * dimension means C order, on the first F order. */
static const Type *parse_array(int dt, const char *s, const char **end, char *err, size_t errlen) {
    int ndim = 0, contig_at = -1;
    for (;;) {
        s = skip_ws(s);
        if (*s != ':') { snprintf(err, errlen, "expected ':' in an array type at '%s'", s); return NULL; }
        s = skip_ws(s + 1);
        if (*s == ':') {
            s = skip_ws(s + 1);
            if (*s != '1') { snprintf(err, errlen, "expected '::1' in an array type"); return NULL; }
            if (contig_at >= 0) { snprintf(err, errlen, "more than one '::1' in an array type"); return NULL; }
            contig_at = ndim;
            s++;
        }
        ndim++;
        s = skip_ws(s);
        if (*s == ',') { s++; continue; }
        if (*s == ']') break;
        snprintf(err, errlen, "expected ',' or ']' in an array type at '%s'", s);
        return NULL;
    }
    char layout = 'A';
    if (contig_at == ndim - 1) layout = 'C';
    else if (contig_at == 0) layout = 'F';
    else if (contig_at >= 0) { snprintf(err, errlen, "'::1' must be on the first or last dimension"); return NULL; }
    *end = s + 1;
    return ty_array(dt, ndim, layout, false);
}

/* After "nestedarray(": "float64, (2, 3))" into dims {ndim, dims...}; the dtype, or -1. */
static int parse_nested_array(const char *s, const char **end, int64_t *dims) {
    const char *comma = strchr(s, ',');
    int dt = comma ? dtype_named(s, (size_t)(comma - s)) : -1;
    if (dt < 0) return -1;
    s = skip_ws(comma + 1);
    if (*s++ != '(') return -1;
    dims[0] = 0;
    for (;;) {
        s = skip_ws(s);
        if (*s == ')') break;
        char *after;
        long long d = strtoll(s, &after, 10);
        if (after == s || d < 0 || dims[0] == 32) return -1;
        dims[++dims[0]] = d;
        s = skip_ws(after);
        if (*s == ',') s++;
    }
    if (dims[0] == 0 || s[1] != ')') return -1;
    *end = s + 2;
    return dt;
}

/* At "[unichr x N]": N (> 0), *end past the bracket; else -1. */
static long long parse_unichr(const char *s, const char **end) {
    char *after;
    long long n = strtoll(s + 10, &after, 10);
    if (n <= 0 || after == s + 10 || *after != ']') return -1;
    *end = after + 1;
    return n;
}

/* After "Record(": its name, "Record(x[type=float64;offset=0],m[type=float32;offset=8];16;False)";
 * a field's type may be "nestedarray(float64, (3,))" or a nested "Record(...)". */
static const Type *parse_record(const char *s, const char **end, char *err, size_t errlen) {
    const char *names[64];
    char buf[64][128];
    int dts[64], n = 0;
    size_t offs[64];
    const Type *recs[64] = {0};
    int64_t dims[64][33];
    const int64_t *shapes[64] = {0};
    for (;;) {
        const char *name = s, *open = strchr(s, '[');
        if (!open || open == s || open - s >= 128 || n == 64) break;
        memcpy(buf[n], name, (size_t)(open - name));
        buf[n][open - name] = 0;
        names[n] = buf[n];
        if (strncmp(open, "[type=", 6)) break;
        const char *dn = open + 6, *semi;
        if (!strncmp(dn, "Record(", 7)) {
            if (!(recs[n] = parse_record(dn + 7, &semi, err, errlen))) return NULL;
            dts[n] = TY_FIELD_RECORD;
        } else if (!strncmp(dn, "[unichr x ", 10)) {
            long long nch = parse_unichr(dn, &semi);
            if (nch <= 0) break;
            dts[n] = TY_FIELD_UNICODE;
            dims[n][0] = 1;
            dims[n][1] = nch;
            shapes[n] = dims[n];
        } else if (!strncmp(dn, "nestedarray(", 12)) {
            if ((dts[n] = parse_nested_array(dn + 12, &semi, dims[n])) < 0) break;
            shapes[n] = dims[n];
        } else if (!(semi = strchr(dn, ';')) || (dts[n] = dtype_named(dn, (size_t)(semi - dn))) < 0) {
            break;
        }
        if (strncmp(semi, ";offset=", 8)) break;
        char *after;
        long long off = strtoll(semi + 8, &after, 10);
        if (off < 0 || after == semi + 8 || *after != ']') break;
        offs[n++] = (size_t)off;
        s = after + 1;
        if (*s == ',') { s++; continue; }
        if (*s != ';') break;
        long long size = strtoll(s + 1, &after, 10);
        bool aligned = !strncmp(after, ";True)", 6);
        if (size <= 0 || after == s + 1 || (!aligned && strncmp(after, ";False)", 7))) break;
        *end = after + (aligned ? 6 : 7);
        return ty_record(n, names, dts, offs, recs, shapes, (size_t)size, aligned, false, false);
    }
    snprintf(err, errlen, "expected Record(name[type=dtype;offset=N],...;itemsize;False) (or ;True) at '%s'", s);
    return NULL;
}

/* After "array(": the type's own name, "array(float64, 2d, C)" or "array(Record(...), 1d, C)" (layout
 * C, F or A). Each step stops at the first character it does not expect, never past the end of
 * the text. */
static const Type *parse_array_name(const char *s, const char **end, char *err, size_t errlen) {
    const char *start = s = skip_ws(s);
    while (isalnum((unsigned char)*s) || *s == '_') s++;
    int dt = dtype_named(start, (size_t)(s - start));
    const Type *rec = NULL;
    if (s - start == 6 && !strncmp(start, "Record", 6) && *s == '(') {
        if (!(rec = parse_record(s + 1, &s, err, errlen))) return NULL;
        dt = 0;
    } else if (!strncmp(start, "[unichr x ", 10)) {   /* a string array's: "array([unichr x 8], 1d, C)" */
        const char *after;
        long long nch = parse_unichr(start, &after);
        if (nch > 0 && (rec = ty_chars(nch))) {
            s = after;
            dt = 0;
        }
    }
    long nd = -1;
    char layout = 0;
    s = skip_ws(s);
    if (*s == ',') {
        char *after;
        nd = strtol(s + 1, &after, 10);
        s = after;
    }
    bool dims_ok = dt >= 0 && nd >= 0 && nd <= 32 && *s == 'd';
    if (dims_ok) s = skip_ws(s + 1);
    if (dims_ok && *s == ',') {
        s = skip_ws(s + 1);
        layout = *s;
        if (layout) s = skip_ws(s + 1);
    }
    if (!dims_ok || (layout != 'C' && layout != 'F' && layout != 'A') || *s != ')') {
        snprintf(err, errlen, "expected array(dtype, Nd, layout) with the layout C, F or A at '%s'", start);
        return NULL;
    }
    *end = s + 1;
    return rec ? ty_recarray(rec, (int)nd, layout, false, false) : ty_array(dt, (int)nd, layout, false);
}

/* After "Array(": Numba's constructor as a signature writes it, Array(float64, 2, 'C') with an
 * optional readonly=True. */
static const Type *parse_array_call(const char *s, const char **end, char *err, size_t errlen) {
    const char *start = s;
    s = skip_ws(s);
    const char *name = s;
    while (isalnum((unsigned char)*s) || *s == '_') s++;
    int dt = dtype_named(name, (size_t)(s - name));
    s = skip_ws(s);
    char *after;
    long nd = *s == ',' ? strtol(s + 1, &after, 10) : -1;
    s = nd >= 0 ? skip_ws(after) : s;
    char layout = 0;
    if (nd >= 0 && *s == ',') {
        s = skip_ws(s + 1);
        if ((*s == '\'' || *s == '"') && s[2] == *s) layout = s[1], s = skip_ws(s + 3);
    }
    bool readonly = false;
    if (layout && *s == ',') {
        s = skip_ws(s + 1);
        if (!strncmp(s, "readonly", 8)) {
            s = skip_ws(skip_ws(s + 8) + 1);   /* past "=" */
            readonly = !strncmp(s, "True", 4);
            s = skip_ws(s + (readonly ? 4 : !strncmp(s, "False", 5) ? 5 : 0));
        }
    }
    if (dt < 0 || nd < 0 || nd > 32 || (layout != 'C' && layout != 'F' && layout != 'A') || *s != ')') {
        snprintf(err, errlen, "expected Array(dtype, ndim, 'C', 'F' or 'A'[, readonly=True]) at '%.60s'", start);
        return NULL;
    }
    *end = s + 1;
    return ty_array_full(dt, (int)nd, layout, readonly, false);
}

/* A signature's return type: sized scalars (uint8, float32) are TY_NARROWs at its top and in its
 * tuples ("Tuple((int16, float32))": the result wraps and rounds to them, as in Numba). */
static const Type *parse_ret_type(const char *s, const char **end, char *err, size_t errlen) {
    sized_names = true;
    const Type *t = ty_parse(s, end, err, errlen);
    sized_names = false;
    if (t && (t->kind == TY_NARROW || t->kind == TY_TUPLE)) return t;
    return parse_sig_type(s, end, err, errlen);   /* (OptionalType(uint8) & co: as parameters) */
}

/* A signature's parameter type: a sized scalar's name (uint8, float32, i2) gives its TY_NARROW,
 * anything else ty_parse's type. */
static const Type *parse_sig_type(const char *s, const char **end, char *err, size_t errlen) {
    const Type *t = ty_parse(s, end, err, errlen);
    s = skip_ws(s);
    char name[16];
    size_t n = t && ty_is_number(t) ? (size_t)(*end - s) : sizeof name;
    if (n >= sizeof name) return t;
    memcpy(name, s, n);
    name[n] = 0;
    int dt = ty_narrow_dtype_named(name);
    return dt >= 0 ? ty_state->narrow[dt] : t;
}

const Type *ty_parse_sized(const char *s, const char **end, char *err, size_t errlen) { return parse_sig_type(s, end, err, errlen); }

const Type *ty_held(const Type *t) {
    if (t->kind == TY_NARROW) return ty_scalar_of(t->dtype);
    if (t->kind != TY_TUPLE || t->obj || t->n > 64) return t;   /* (a namedtuple's: as it is) */
    const Type *e[64];
    bool changed = false;
    for (int i = 0; i < t->n; i++) changed |= (e[i] = ty_held(t->elems[i])) != t->elems[i];
    return changed ? ty_tuple(t->n, e) : t;
}

/* After a signature's "(": parameter types up to ")" (at most 64), a signature's (sig: sized
 * scalars are TY_NARROWs) or a FunctionType's; their count, *end after the ")", or -1. */
static int parse_params(const char *s, const char **end, const Type **out, bool sig, char *err, size_t errlen) {
    int n = 0;
    s = skip_ws(s);
    while (*s != ')') {
        if (n == 64) { snprintf(err, errlen, "too many parameters"); return -1; }
        if (!(out[n++] = sig ? parse_sig_type(s, &s, err, errlen) : ty_parse(s, &s, err, errlen))) return -1;
        s = skip_ws(s);
        if (*s == ',') s = skip_ws(s + 1);
        else if (*s != ')') { snprintf(err, errlen, "expected ',' or ')' at '%s'", s); return -1; }
    }
    *end = s + 1;
    return n;
}

/* The type of kind `kind` this process made whose name starts s (*end after it), or NULL with
 * "<none> is '<s>'" in err. */
static const Type *made_here_named(TypeKind kind, const char *s, const char **end, char *err, size_t errlen,
                                   const char *none) {
    for (int i = 0; i < ntable; i++)
        if (table[i]->kind == kind && !strncmp(s, table[i]->name, strlen(table[i]->name))) {
            *end = s + strlen(table[i]->name);
            return table[i];
        }
    snprintf(err, errlen, "%s is '%.60s'", none, s);
    return NULL;
}

const Type *ty_parse(const char *s, const char **end, char *err, size_t errlen) {
    s = skip_ws(s);
    if (!strncmp(s, "instance.jitclass.", 18))   /* a jitclass made in this process: its type by its name */
        return made_here_named(TY_CLASS, s, end, err, errlen, "no jitclass of this process");
    if (!strncmp(s, "Enum<", 5))   /* an Enum's member: by its name, of an Enum this process has typed */
        return made_here_named(TY_ENUM, s, end, err, errlen, "no Enum this process has typed");
    const char *start = s;
    while (isalnum((unsigned char)*s) || *s == '_') s++;
    size_t n = (size_t)(s - start);
    if (n == 0) {
        snprintf(err, errlen, "expected a type at '%s'", start);
        return NULL;
    }
    bool ro = n == 8 && !strncmp(start, "readonly", 8), un = n == 9 && !strncmp(start, "unaligned", 9);
    if (ro || un) {   /* the name of a read-only or unaligned array type: "unaligned readonly array(...)" */
        const Type *t = ty_parse(s, end, err, errlen);
        if (t && t->kind != TY_ARRAY && t->kind != TY_RECARRAY && t->kind != TY_RECORD) {
            snprintf(err, errlen, "only arrays and records can be %s", ro ? "readonly" : "unaligned");
            return NULL;
        }
        if (t && t->kind == TY_RECARRAY) return ty_recarray(t->rec, t->ndim, t->layout, t->readonly || ro, t->unaligned || un);
        if (t && t->kind == TY_RECORD) return ty_record_flags(t, t->readonly || ro, t->unaligned || un);
        return t ? ty_array_full(t->dtype, t->ndim, t->layout, t->readonly || ro, t->unaligned || un) : NULL;
    }
    if (n == 5 && !strncmp(start, "array", 5) && *skip_ws(s) == '(') return parse_array_name(skip_ws(s) + 1, end, err, errlen);
    if (n == 5 && !strncmp(start, "Array", 5) && *skip_ws(s) == '(') return parse_array_call(skip_ws(s) + 1, end, err, errlen);
    if (n == 6 && !strncmp(start, "Record", 6) && *s == '(') return parse_record(s + 1, end, err, errlen);
    if (n == 5 && !strncmp(start, "dtype", 5) && *s == '(') {   /* a dtype argument: "dtype(float32)", "dtype(Record(...))" */
        const char *in = skip_ws(s + 1), *close = strchr(in, ')');
        if (!strncmp(in, "Record(", 7)) {
            const Type *rec = parse_record(in + 7, &s, err, errlen);
            if (!rec) return NULL;
            if (*(s = skip_ws(s)) == ')') return *end = s + 1, ty_recdtype(rec);
        } else if (close) {
            size_t len = (size_t)(close - in);
            while (len && isspace((unsigned char)in[len - 1])) len--;
            int dt = dtype_named(in, len);
            if (dt >= 0) return *end = close + 1, ty_dtype(dt);
        }
        snprintf(err, errlen, "expected dtype(<a dtype's name or Record(...)>) at '%s'", start);
        return NULL;
    }
    if (n == 9 && !strncmp(start, "Generator", 9) && *s == '(' && !strncmp(skip_ws(s + 1), "yields ", 7)) {
        const Type *y = ty_parse(skip_ws(s + 1) + 7, &s, err, errlen);   /* "Generator(yields int64)" */
        if (!y) return NULL;
        s = skip_ws(s);
        if (*s != ')') { snprintf(err, errlen, "expected Generator(yields T)"); return NULL; }
        *end = s + 1;
        return ty_generator(y);
    }
    bool opt = (n == 12 && !strncmp(start, "OptionalType", 12)) || (n == 8 && !strncmp(start, "optional", 8));
    if (opt && *skip_ws(s) == '(') {   /* OptionalType(T), a type's name, or optional(T) as Numba writes it */
        const Type *t = ty_parse(skip_ws(s) + 1, &s, err, errlen);
        if (!t) return NULL;
        s = skip_ws(s);
        const Type *o = *s == ')' ? ty_optional(t) : NULL;
        if (!o) { snprintf(err, errlen, "expected OptionalType(T) of a number or tuple of numbers"); return NULL; }
        *end = s + 1;
        return o;
    }
    bool uni = n == 8 && !strncmp(start, "UniTuple", 8), tup = n == 5 && !strncmp(start, "Tuple", 5);
    if (uni || tup) {
        s = skip_ws(s);
        if (*s != '(') { snprintf(err, errlen, "expected '(' after %.*s", (int)n, start); return NULL; }
        s++;
        const Type *elems[64];
        int count = 0;
        if (uni) {
            const Type *e = ty_parse(s, &s, err, errlen);
            if (!e) return NULL;
            s = skip_ws(s);
            if (*s != ',' && *s != 'x') { snprintf(err, errlen, "UniTuple needs (type, count)"); return NULL; }
            char *after;
            long k = strtol(s + 1, &after, 10);
            if (k < 0 || k > 64 || after == s + 1) { snprintf(err, errlen, "bad UniTuple count"); return NULL; }
            for (long i = 0; i < k; i++) elems[count++] = e;
            s = skip_ws(after);
        } else {
            s = skip_ws(s);
            bool nested = *s == '(';   /* Numba's spelling, Tuple((int64, float64)), too */
            if (nested) s = skip_ws(s + 1);
            while (*s != ')') {
                if (count == 64) { snprintf(err, errlen, "tuple too long"); return NULL; }
                if (!(elems[count++] = ty_parse(s, &s, err, errlen))) return NULL;
                s = skip_ws(s);
                if (*s == ',') s = skip_ws(s + 1);
                else if (*s != ')') { snprintf(err, errlen, "expected ',' or ')' in Tuple"); return NULL; }
            }
            if (nested) s = skip_ws(s + 1);
        }
        if (*s != ')') { snprintf(err, errlen, "expected ')'"); return NULL; }
        *end = s + 1;
        return ty_tuple(count, elems);
    }
    if (*s == '(') {   /* a namedtuple's type as it is named, "P(a: float64, b: int64)": of a class this process knows */
        const char *p = skip_ws(s + 1), *q = p;
        while (isalnum((unsigned char)*q) || *q == '_') q++;
        if (q > p && *skip_ws(q) == ':') {
            char names[64][64];
            const Type *elems[64];
            int count = 0;
            while (*p != ')') {
                q = p;
                while (isalnum((unsigned char)*q) || *q == '_') q++;
                if (count == 64 || q == p || q - p >= 64 || *skip_ws(q) != ':') {
                    snprintf(err, errlen, "expected 'field: type' in %.*s(...)", (int)n, start);
                    return NULL;
                }
                memcpy(names[count], p, (size_t)(q - p));
                names[count][q - p] = 0;
                if (!(elems[count++] = ty_parse(skip_ws(q) + 1, &p, err, errlen))) return NULL;
                p = skip_ws(p);
                if (*p == ',') p = skip_ws(p + 1);
                else if (*p != ')') { snprintf(err, errlen, "expected ',' or ')' in %.*s(...)", (int)n, start); return NULL; }
            }
            PyObject *cls = namedtuple_class(start, n, names, count);
            if (!cls) {
                snprintf(err, errlen, "unknown namedtuple '%.*s' (name its type with types.NamedTuple(..., %.*s) first)",
                         (int)n, start, (int)n, start);
                return NULL;
            }
            *end = p + 1;
            return ty_named_tuple(cls, count, elems);
        }
    }
    int tparts = n == 8 && !strncmp(start, "ListType", 8) ? 1 : n == 8 && !strncmp(start, "DictType", 8) ? 2 : 0;
    char open = *skip_ws(s), close = open == '(' ? ')' : ']';
    if (tparts && (open == '[' || open == '(')) {   /* ListType[T], DictType[K,V] (Numba adds <iv=None>), and
                                                     * ListType(T), DictType(K, V) as signatures call them */
        const Type *parts[2];
        s = skip_ws(s) + 1;
        for (int i = 0; i < tparts; i++) {   /* ListType[uint8]: stored as uint8 */
            if (!(parts[i] = parse_sig_type(s, &s, err, errlen))) return NULL;
            s = skip_ws(s);
            char want = i + 1 < tparts ? ',' : close;
            if (*s != want) { snprintf(err, errlen, "expected '%c' in %.*s%c...%c", want, (int)n, start, open, close); return NULL; }
            s++;
        }
        if (!strncmp(s, "<iv=None>", 9)) s += 9;
        *end = s;
        if (tparts == 1) return ty_typed_list(parts[0]);
        return ty_is_hashable(ty_held(parts[0])) ? ty_typed_dict(parts[0], parts[1]) : (snprintf(err, errlen, "a dict's keys must be numbers or tuples of them"), NULL);
    }
    int nparts = n == 4 && !strncmp(start, "list", 4) ? 1 : n == 3 && !strncmp(start, "set", 3) ? 1
               : n == 4 && !strncmp(start, "dict", 4) ? 2 : 0;
    if (nparts && *skip_ws(s) == '(') {   /* list(T), set(K), dict(K, V): as the types name themselves */
        const Type *parts[2];
        s = skip_ws(s) + 1;
        for (int i = 0; i < nparts; i++) {
            if (!(parts[i] = ty_parse(s, &s, err, errlen))) return NULL;
            s = skip_ws(s);
            if (*s != (i + 1 < nparts ? ',' : ')')) { snprintf(err, errlen, "expected '%c' in %.*s(...)", i + 1 < nparts ? ',' : ')', (int)n, start); return NULL; }
            s++;
        }
        *end = s;
        if (start[0] == 'l') return ty_list(parts[0]);
        if (start[0] == 's') return ty_is_hashable(parts[0]) ? ty_set(parts[0]) : (snprintf(err, errlen, "a set's items must be numbers or tuples of them"), NULL);
        return ty_is_hashable(parts[0]) ? ty_dict(parts[0], parts[1]) : (snprintf(err, errlen, "a dict's keys must be numbers or tuples of them"), NULL);
    }
    if (n == 12 && !strncmp(start, "FunctionType", 12) && *skip_ws(s) == '[') {   /* FunctionType[float64(int64)] */
        s = skip_ws(s) + 1;
        const Type *ret = ty_parse(s, &s, err, errlen), *params[64];
        int np;
        if (!ret) return NULL;
        s = skip_ws(s);
        if (*s != '(') { snprintf(err, errlen, "expected FunctionType[ret(params)]"); return NULL; }
        if ((np = parse_params(s + 1, &s, params, false, err, errlen)) < 0) return NULL;
        s = skip_ws(s);
        if (*s != ']') { snprintf(err, errlen, "expected ']' after FunctionType[ret(params)"); return NULL; }
        *end = s + 1;
        return ty_funcptr(ret, np, params);
    }
    int dt = dtype_named(start, n);
    if (dt >= 0 && *skip_ws(s) == '[') return parse_array(dt, skip_ws(s) + 1, end, err, errlen);
    for (size_t i = 0; i < sizeof scalar_names / sizeof scalar_names[0]; i++)
        if (strlen(scalar_names[i].name) == n && !strncmp(start, scalar_names[i].name, n)) {
            *end = s;
            return scalar_of_kind(scalar_names[i].kind);
        }
    if (dt >= 0) {   /* a sized scalar (int32, float32): computed as its canonical scalar (a return type's: its TY_NARROW) */
        *end = s;
        return sized_names && ty_state->narrow[dt] ? ty_state->narrow[dt] : ty_scalar_of(dt);
    }
    snprintf(err, errlen, "unknown or unsupported type '%.*s'", (int)n, start);
    return NULL;
}

int ty_parse_signature(const char *text, const Type **ret, const Type ***args, int *nargs,
                       char *err, size_t errlen) {
    const char *s = skip_ws(text);
    *ret = NULL;
    if (*s != '(') {
        const char *after;
        if (!(*ret = parse_ret_type(s, &after, err, errlen))) return -1;
        if (*skip_ws(after) == ',') {   /* "float32, float32": the argument types, as a tuple in Numba */
            size_t len = strlen(s);
            char *wrapped = malloc(len + 3);
            if (!wrapped) return -1;
            snprintf(wrapped, len + 3, "(%s)", s);
            int rc = ty_parse_signature(wrapped, ret, args, nargs, err, errlen);
            free(wrapped);
            return rc;
        }
        s = skip_ws(after);
        if (*s != '(') { snprintf(err, errlen, "expected '(' after the return type"); return -1; }
    }
    const Type *list[64];
    int n = parse_params(s + 1, &s, list, true, err, errlen);
    if (n < 0) return -1;
    if (*skip_ws(s)) { snprintf(err, errlen, "unexpected text after ')': '%s'", skip_ws(s)); return -1; }
    *args = malloc(sizeof(Type *) * (size_t)(n ? n : 1));
    if (!*args) return -1;
    memcpy(*args, list, sizeof(Type *) * (size_t)n);
    *nargs = n;
    return 0;
}

/* An int above int64's range that fits 64 bits unsigned is a uint64, as in numba. */
static const Type *typeof_int(PyObject *v) {
    if (Py_SIZE(v) >= -2 && Py_SIZE(v) <= 2) return ty_int64;   /* two 30-bit digits fit */
    int overflow;
    PyLong_AsLongLongAndOverflow(v, &overflow);
    if (overflow <= 0) return ty_int64;   /* too negative: unboxing says so */
    PyLong_AsUnsignedLongLong(v);
    if (!PyErr_Occurred()) return ty_uint64;
    PyErr_Clear();
    return ty_int64;
}

/* The type of a Python value passed as an argument. Exact checks first: this is on the
 * Dispatcher's hot path. */
const Type *ty_typeof(PyObject *v) {
    PyTypeObject *tp = Py_TYPE(v);
    if (tp == &PyFloat_Type) return ty_float64;
    if (tp == &PyLong_Type) return typeof_int(v);
    if (tp == &PyBool_Type) return ty_bool;
    if (tp == &PyComplex_Type) return ty_complex128;
    if (tp == &PyUnicode_Type) return ty_str;
    if (PyTuple_Check(v)) {   /* a tuple, or a namedtuple (other tuple subclasses: NULL) */
        Py_ssize_t n = PyTuple_GET_SIZE(v);
        const Type *elems[64];
        if (n > 64) return NULL;
        for (Py_ssize_t i = 0; i < n; i++)
            if (!(elems[i] = ty_typeof(PyTuple_GET_ITEM(v, i)))) return NULL;
        return tp == &PyTuple_Type ? ty_tuple((int)n, elems) : ty_named_tuple((PyObject *)tp, (int)n, elems);
    }
    if (v == Py_None) return ty_none;
    if (PyFloat_Check(v)) return ty_float64;   /* subclasses, numpy.float64 */
    if (PyLong_Check(v)) return typeof_int(v);
    if (PyComplex_Check(v)) return ty_complex128;
    return typeof_enum_member(v);
}
