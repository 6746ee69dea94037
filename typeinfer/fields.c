/* fields.c: typing rules for structured arrays (TY_RECARRAY) and their records (TY_RECORD).
 *
 * As in NumPy and Numba: a[i] (integers in every dimension) is the record, read and written in
 * place; a[i:j] and the like are structured views; a["x"] (and a.x) is a view of field x along
 * the array, of its own dtype; r["x"], r.x and r[k] read a field as the canonical scalar of its
 * dtype, and r["x"] = v, r.x = v store into the array with NumPy's conversion. Field names are
 * compile-time constants. a[idx] and a[mask] with a 1-d integer or boolean array pick records
 * along the first dimension into a new array, as NumPy does.
 *
 * A sub-array field ('pos', f8, (2, 3)) of a record is a C-ordered view of its bytes, of that
 * shape (r.pos[1] = 2.0 writes the array); along the array, a["pos"] has the array's dimensions
 * then the sub-array's. Assigning to it (r.pos = v) assigns into the view, with broadcasting. A
 * nested record field is the record at its offset, and along the array a structured view. A
 * string field ('name', 'U8') reads as a str (trailing zeros dropped, as NumPy reads it) and
 * takes a str (cut to its length or padded with zeros).
 */
#include "ti.h"
#include <string.h>

#define ERR(in, ...) ctx_error(ti->fn->ctx, DIAG_TYPING, ti->fn, (in)->loc, __VA_ARGS__)
#define UNSUP(in, ...) ctx_error(ti->fn->ctx, DIAG_UNSUPPORTED, ti->fn, (in)->loc, __VA_ARGS__)

/* The field idx names (a constant str, or an int for a record's position), or -1 with a
 * diagnostic. */
static int field_of(TypeInfo *ti, Instr *in, const Type *rec, int idx, bool by_position) {
    if (ty_is_chars(rec))
        return UNSUP(in, "a string array (of %s) is indexed by integers, slices or an index array, not by a str", rec->name);
    const char *name = ti_const_str(ti, idx);
    int64_t k;
    if (name) {
        int f = ty_record_field(rec, name);
        if (f < 0) {
            char known[512];
            size_t at = 0;
            known[0] = 0;
            for (int i = 0; i < rec->n && at < sizeof known - 1; i++)
                at += (size_t)snprintf(known + at, sizeof known - at, "%s'%s'", i ? ", " : "", rec->fnames[i]);
            return ERR(in, "the record has no field '%s' (its fields: %s)", name, known);
        }
        return f;
    }
    if (by_position && ti_const_int(ti, idx, &k)) {
        if (k < -rec->n || k >= rec->n)
            return ERR(in, "field index %lld is out of range for a record of %d fields", (long long)k, rec->n);
        return (int)(k < 0 ? k + rec->n : k);
    }
    return UNSUP(in, "a field of a record is named by a constant string (r['x']) or position (r[0]), not by %s",
                 ti->vtypes[idx]->name);
}

/* A new C array of rec's records (rec's own flags aside): unaligned where a field lies off its
 * alignment in the record (a packed dtype), as the block's data is aligned to 8 bytes. */
const Type *ti_new_recarray(const Type *rec, int ndim) {
    if (!(rec = ty_record_flags(rec, false, false))) return NULL;
    bool packed = false;
    for (int i = 0; i < rec->n; i++) {
        size_t al = ty_record_align(rec, i);
        packed |= rec->offsets[i] % al || rec->itemsize % al;
    }
    return ty_recarray(rec, ndim, 'C', false, packed);
}

/* a["x"]: the field along the whole array, a view with the array's strides (then a sub-array's);
 * NULL with a diagnostic for a string field. */
static const Type *field_view(TypeInfo *ti, Instr *in, const Type *a, int f) {
    const Type *rec = a->rec;
    if (rec->fdtypes[f] == TY_FIELD_UNICODE)   /* a string array */
        return ty_recarray(ty_chars(ty_record_nchars(rec, f)), a->ndim, 'A', a->readonly, a->unaligned);
    if (rec->fdtypes[f] == TY_FIELD_RECORD) return ty_recarray(rec->elems[f], a->ndim, 'A', a->readonly, a->unaligned);
    return ty_array_full(rec->fdtypes[f], a->ndim + ty_record_sub_ndim(rec, f), 'A', a->readonly, a->unaligned);
}

/* The type of a[idx] for a structured array a: by basic indexing, typed as an array of bytes
 * would be, then given the record back. */
static const Type *recarray_index(TypeInfo *ti, Instr *in, const Type *a, const Type *idx) {
    if (idx->kind == TY_ARRAY && idx->ndim == 1 && (idx->dtype == DT_BOOL || ty_dtypes[idx->dtype].kind == 'i' ||
                                                     ty_dtypes[idx->dtype].kind == 'u')) {
        if (a->ndim == 0) return ERR(in, "cannot index the 0-d structured %s with an array", a->name), NULL;
        return ti_new_recarray(a->rec, a->ndim);   /* a[idx], a[mask]: a copy */
    }
    int n = idx->kind == TY_TUPLE ? idx->n : 1;
    for (int i = 0; i < n; i++) {
        const Type *p = idx->kind == TY_TUPLE ? idx->elems[i] : idx;
        if (!ty_is_int(p) && p != ty_bool && p->kind != TY_SLICE && p->kind != TY_NONE)
            return UNSUP(in, "indexing the structured %s with %s is not supported (integers, slices and one 1-d index "
                             "array or mask are; a field is named by a constant string)", a->name, idx->name), NULL;
    }
    const Type *bytes = ty_array_full(DT_UINT8, a->ndim, a->layout, a->readonly, false);
    const Type *t = ti_array_index_type(ti, in, bytes, idx);
    if (!t) return NULL;
    if (t->kind != TY_ARRAY) return ty_is_chars(a->rec) ? ty_str : a->rec;   /* every dimension indexed: the record,
                                                                            * a string array's str */
    return ty_recarray(a->rec, t->ndim, t->layout, a->readonly, a->unaligned);
}

const Type *ti_fields_getitem(TypeInfo *ti, Instr *in, const Type *a, const Type *idx) {
    if (a->kind == TY_RECORD) {
        int f = field_of(ti, in, a, in->args[1], true);
        return f < 0 ? NULL : ty_record_field_type(a, f);
    }
    if (idx == ty_str) {
        int f = field_of(ti, in, a->rec, in->args[1], false);
        return f < 0 ? NULL : field_view(ti, in, a, f);
    }
    return recarray_index(ti, in, a, idx);
}

int ti_fields_setitem(TypeInfo *ti, Instr *in, const Type *a, const Type *idx, const Type *val) {
    if (a->kind != TY_RECORD) {
        if (idx == ty_str && field_of(ti, in, a->rec, in->args[1], false) < 0) return -1;
        const Type *target = idx == ty_str ? NULL : recarray_index(ti, in, a, idx);
        if (idx != ty_str && !target) return -1;
        if (target == ty_str) {   /* a[i] = s, a string array's: cut to its length or padded with zeros */
            if (a->readonly) return ERR(in, "cannot assign into a read-only array (%s)", a->name);
            if (val != ty_str) return ERR(in, "cannot assign %s to an element of the string %s", val->name, a->name);
            return 0;
        }
        if (target && target->kind == TY_RECORD && val->kind == TY_RECORD) {   /* a[i] = r: r's bytes copied */
            if (a->readonly) return ERR(in, "cannot assign into a read-only array (%s)", a->name);
            if (!ty_same_fields(target, val))
                return ERR(in, "cannot assign %s to a record of %s: the fields differ", val->name, a->name);
            return 0;
        }
        if (ty_is_chars(a->rec))
            return UNSUP(in, "assigning %s to a part of the string %s is not supported; assign its elements one by one "
                             "(a[i] = s)", val->name, a->name);
        return UNSUP(in, "assigning %s to %s of the structured %s is not supported; assign a record (a[i] = a[j]) or to "
                         "fields (a['x'][:] = v, a[i]['x'] = v)", val->name, idx == ty_str ? "a field" : "records",
                     a->name);
    }
    if (a->readonly) return ERR(in, "cannot assign to a field of a read-only record (%s)", a->name);
    int f = field_of(ti, in, a, in->args[1], in->imm2 != IR_SET_ATTR);
    if (f < 0) return -1;
    if (a->fdtypes[f] == TY_FIELD_RECORD) {   /* r.inner = r2.inner: the bytes copied */
        if (val->kind != TY_RECORD || !ty_same_fields(val, a->elems[f]))
            return ERR(in, "cannot assign %s to field '%s' (%s) of a record: the fields differ", val->name,
                       a->fnames[f], a->elems[f]->name);
        return 0;
    }
    if (a->fdtypes[f] == TY_FIELD_UNICODE) {   /* r.name = s: truncated or padded with zeros, as NumPy stores */
        if (val != ty_str)
            return ERR(in, "cannot assign %s to the string field '%s' of a record", val->name, a->fnames[f]);
        return 0;
    }
    if (ty_record_sub_ndim(a, f)) {   /* r.pos = v: into the sub-array, broadcast */
        const Type *view = ty_record_field_type(a, f);
        if (ty_is_number(val) || (val->kind == TY_ARRAY && val->ndim <= view->ndim)) {
            int vdt = val->kind == TY_ARRAY ? val->dtype : ty_dtype_of_scalar(val);
            if (ty_dtypes[vdt].kind == 'c' && ty_dtypes[view->dtype].kind != 'c')
                return ERR(in, "cannot assign %s to field '%s' (%s) of a record without losing the imaginary part",
                           val->name, a->fnames[f], view->name);
            return 0;
        }
        return ERR(in, "cannot assign %s to field '%s' (%s) of a record: it takes a number or an array of at most "
                       "%d dimensions", val->name, a->fnames[f], view->name, view->ndim);
    }
    if (!ty_is_number(val))
        return ERR(in, "cannot assign %s to field '%s' (%s) of a record", val->name, a->fnames[f], ty_dtypes[a->fdtypes[f]].name);
    if (val == ty_complex128 && ty_dtypes[a->fdtypes[f]].kind != 'c')
        return ERR(in, "cannot assign %s to field '%s' (%s) of a record without losing the imaginary part", val->name,
                   a->fnames[f], ty_dtypes[a->fdtypes[f]].name);
    return 0;
}

const Type *ti_fields_getattr(TypeInfo *ti, Instr *in, const Type *a) {
    const char *attr = in->str;
    const Type *rec = a->kind == TY_RECORD ? a : a->rec;
    int f = ty_record_field(rec, attr);
    if (a->kind == TY_RECORD) {
        if (f >= 0) return ty_record_field_type(a, f);
        return ERR(in, "the record (%s) has no field '%s'", a->name, attr), NULL;
    }
    if (!strcmp(attr, "shape") || !strcmp(attr, "strides")) {
        const Type *elems[64];
        for (int i = 0; i < a->ndim; i++) elems[i] = ty_int64;
        return ty_tuple(a->ndim, elems);
    }
    if (!strcmp(attr, "ndim") || !strcmp(attr, "size") || !strcmp(attr, "itemsize") || !strcmp(attr, "nbytes"))
        return ty_int64;
    if (!strcmp(attr, "dtype")) {   /* np.empty(n, dtype=a.dtype) */
        const Type *r = ty_record_flags(rec, false, false);
        return r ? ty_recdtype(r) : NULL;
    }
    if (!strcmp(attr, "copy")) return ty_method(a, attr);   /* a.copy(): numpy.c */
    if (!strcmp(attr, "T"))
        return ty_recarray(a->rec, a->ndim, a->layout == 'C' ? 'F' : a->layout == 'F' ? 'C' : 'A', a->readonly,
                           a->unaligned);
    if (f >= 0 && !ty_is_chars(rec)) return field_view(ti, in, a, f);   /* np.recarray's a.x */
    if (ty_is_chars(rec))
        return UNSUP(in, "the string %s has no supported attribute '%s' (shape, strides, ndim, size, itemsize, nbytes, "
                         "dtype, T and copy are)", a->name, attr), NULL;
    return UNSUP(in, "the structured %s has no supported attribute '%s' (shape, strides, ndim, size, itemsize, nbytes, "
                     "dtype, T, copy and its fields are)", a->name, attr), NULL;
}

/* Whether value v (a record or structured array) lies in the memory of one of the function's
 * parameters: a parameter itself, an element, slice or field view of one, a variable every store
 * to which does, a record `for r in a` gives. Such a record can be returned (it outlives the
 * frame; boxed, it is copied: rt_box_record); one of an array the function made could not.
 * seen: the variables being followed (a variable stored from itself adds no other source). */
static bool in_parameter(TypeInfo *ti, int v, bool *seen, int depth) {
    Function *fn = ti->fn;
    Instr *in = fn->instrs[v];
    if (!in || depth > 64) return false;
    switch (in->op) {
    case IR_ARG: return true;
    case IR_GETITEM: case IR_GETATTR: case IR_GETITER: {   /* of a structured array or record only (a list or
                                                               * an instance could let its array go) */
        const Type *of = ti->vtypes[in->args[0]];
        return of && (of->kind == TY_RECARRAY || of->kind == TY_RECORD) && in_parameter(ti, in->args[0], seen, depth + 1);
    }
    case IR_COPY: case IR_ITERVALUE:   /* for r in a */
        return in_parameter(ti, in->args[0], seen, depth + 1);
    case IR_LOADVAR: {
        if (seen[in->imm]) return true;
        seen[in->imm] = true;
        bool any = false;
        for (int b = 0; b < fn->nblocks; b++)
            for (int k = 0; k < fn->blocks[b]->ninstrs; k++) {
                Instr *st = fn->blocks[b]->instrs[k];
                if (st->op != IR_STOREVAR || st->imm != in->imm) continue;
                if (!in_parameter(ti, st->args[0], seen, depth + 1)) return false;
                any = true;
            }
        return any;
    }
    default: return false;
    }
}

bool ti_record_in_parameter(TypeInfo *ti, int v) {
    bool *seen = ctx_alloc(ti->fn->ctx, (size_t)ti->fn->nvars + 1);
    if (!seen) return false;
    memset(seen, 0, (size_t)ti->fn->nvars + 1);
    return in_parameter(ti, v, seen, 0);
}
