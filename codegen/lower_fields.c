/* lower_fields.c: lowering of structured arrays and their records (typeinfer/fields.c).
 *
 * A structured array is an array value (lower_array.c) whose element is its record's itemsize
 * bytes; a record is the address of its bytes in the array, so reads and writes through it
 * reach the array. A field is a load or store at its offset, converted as an element of its
 * dtype is; a field along the array (a["x"]) is a view at the field's offset with the array's
 * strides. Loads and stores are align 1 when the array's type is unaligned (jit.c).
 *
 * A sub-array field is an array value over the record's bytes with the field's constant shape
 * and C strides, owning nothing (boxed, it is copied: rt_box_array); along the array, the array's
 * shape and strides then the sub-array's. A nested record is the address of its bytes; a string
 * field a new str made from its code points (runtime/str.c).
 */
#include "lower.h"
#include <string.h>

static LLVMValueRef field_ptr(Lower *L, const Type *rec, LLVMValueRef r, int f) {
    return cg_gep8(L, r, i64c(L, (long long)rec->offsets[f]));
}

/* The trailing shape and C strides of field f's sub-array into shape[], strides[]. */
static void sub_dims(Lower *L, const Type *rec, int f, LLVMValueRef *shape, LLVMValueRef *strides) {
    const int64_t *sh = rec->fshapes[f];
    for (int k = 0; k < sh[0]; k++) shape[k] = i64c(L, (long long)sh[k + 1]);
    cg_c_strides(L, rec->fdtypes[f], (int)sh[0], shape, strides);   /* (constants fold) */
}

/* Field f of record r (of type rt) as type t: a scalar loaded, a sub-array's view, a record's address. */
static LLVMValueRef field_value(Lower *L, const Type *rt, LLVMValueRef r, int f, const Type *t) {
    LLVMValueRef p = field_ptr(L, rt, r, f);
    if (rt->fdtypes[f] == TY_FIELD_RECORD) return p;
    if (rt->fdtypes[f] == TY_FIELD_UNICODE) return cg_str_from_ucs4(L, p, ty_record_nchars(rt, f));
    if (!ty_record_sub_ndim(rt, f)) return cg_load_elem(L, rt->fdtypes[f], p);
    LLVMValueRef shape[64], strides[64];
    sub_dims(L, rt, f, shape, strides);
    LLVMValueRef none = LLVMConstNull(L->ptr);
    return cg_make_array(L, t, none, none, p, shape, strides);
}

/* a["x"]: the view of field f along structured array a (of type at) as type t. */
static LLVMValueRef field_view(Lower *L, const Type *at, LLVMValueRef a, int f, const Type *t) {
    if (!ty_record_sub_ndim(at->rec, f)) return cg_view_at(L, at, a, (long long)at->rec->offsets[f], t);
    LLVMValueRef shape[64], strides[64];
    for (int k = 0; k < at->ndim; k++) {
        shape[k] = cg_arr_shape(L, a, k);
        strides[k] = cg_arr_stride(L, at, a, k);
    }
    sub_dims(L, at->rec, f, shape + at->ndim, strides + at->ndim);
    LLVMValueRef data = cg_gep8(L, cg_arr_data(L, a), i64c(L, (long long)at->rec->offsets[f]));
    return cg_make_array(L, t, cg_arr_meminfo(L, a), LLVMBuildExtractValue(L->b, a, 1, ""), data, shape, strides);
}

/* a[idx], a[mask] with a 1-d index array (typeinfer/fields.c): the records picked along a's first
 * dimension, as a new C array of type rt: a's bytes, viewed as a uint8 array with one more
 * dimension (the record's bytes), indexed as any array is (lower_fancy.c). */
static LLVMValueRef records_picked(Lower *L, const Type *at, LLVMValueRef a, const Type *it, LLVMValueRef iv,
                                   const Type *rt) {
    int nd = at->ndim;
    LLVMValueRef shape[64], strides[64];
    const Type *bt = ty_array(DT_UINT8, nd + 1, 'A', false), *rbt = ty_array(DT_UINT8, nd + 1, 'C', false);
    LLVMValueRef r = cg_fancy_get(L, bt, cg_record_bytes(L, at, a), it, iv, rbt);
    for (int k = 0; k < nd; k++) {
        shape[k] = cg_arr_shape(L, r, k);
        strides[k] = cg_arr_stride(L, rbt, r, k);
    }
    return cg_make_array(L, rt, cg_arr_meminfo(L, r), LLVMBuildExtractValue(L->b, r, 1, ""), cg_arr_data(L, r), shape,
                         strides);
}

/* Instructions that write no array: what may lie between a string array's element read and
 * the comparison that reads it in place. */
static bool writes_nothing(Lower *L, Instr *x) {
    switch (x->op) {
    case IR_CONST: case IR_ARG: case IR_GLOBAL: case IR_LOADVAR: case IR_STOREVAR: case IR_TUPLE: case IR_UNPACK:
        return true;
    case IR_GETITEM: {
        const Type *of = L->ti->vtypes[x->args[0]];
        return of->kind == TY_ARRAY || of->kind == TY_RECARRAY || of->kind == TY_TUPLE;
    }
    case IR_BINOP: case IR_UNOP: case IR_CMP: return ty_is_number(L->ti->vtypes[x->id]);
    default: return false;
    }
}

/* Whether x reads a string array's element only for an ==, !=, <, ... with a str, nothing that
 * could write an array lying between: then x is the element's address and the comparison reads
 * its code points where they lie (cg_chars_cmp), making no str (`labels[i] == "a"`). */
bool cg_chars_compared(Lower *L, Instr *x) {
    if (!x || x->op != IR_GETITEM || L->ti->vtypes[x->id] != ty_str || L->uses[x->id] != 1) return false;
    const Type *at = L->ti->vtypes[x->args[0]];
    if (at->kind != TY_RECARRAY || !ty_is_chars(at->rec)) return false;
    Block *b = x->block;
    int k = 0;
    while (k < b->ninstrs && b->instrs[k] != x) k++;
    for (k++; k < b->ninstrs; k++) {
        Instr *y = b->instrs[k];
        for (int a = 0; a < y->nargs; a++)
            if (y->args[a] == x->id)
                return y->op == IR_CMP && L->ti->vtypes[y->args[0]] == ty_str && L->ti->vtypes[y->args[1]] == ty_str;
        if (!writes_nothing(L, y)) return false;
    }
    return false;
}

/* Comparison `in` of two strings, one or both a string array's element in place. */
LLVMValueRef cg_chars_cmp(Lower *L, Instr *in) {
    LLVMValueRef x[4];
    for (int k = 0; k < 2; k++) {
        Instr *op = L->fn->instrs[in->args[k]];
        x[2 * k] = L->vals[op->id];
        x[2 * k + 1] = i64c(L, cg_chars_compared(L, op) ? ty_record_nchars(L->ti->vtypes[op->args[0]]->rec, 0) : -1);
    }
    LLVMTypeRef pt[4] = {L->ptr, L->i64, L->ptr, L->i64};
    LLVMValueRef c = cg_call(L, "ember_rt_chars_cmp", L->i32, pt, x, 4);
    cg_mark_reads(L, c);
    return cg_str_order(L, in->imm, c);
}

LLVMValueRef cg_fields_getitem(Lower *L, Instr *in) {
    const Type *at = L->ti->vtypes[in->args[0]], *it = L->ti->vtypes[in->args[1]], *t = L->ti->vtypes[in->id];
    LLVMValueRef a = L->vals[in->args[0]];
    if (at->kind == TY_RECORD) return field_value(L, at, a, ti_record_field_at(L->ti, at, in->args[1]), t);
    if (it == ty_str) return field_view(L, at, a, ti_record_field_at(L->ti, at->rec, in->args[1]), t);
    if (it->kind == TY_ARRAY) return records_picked(L, at, a, it, L->vals[in->args[1]], t);
    LLVMValueRef elem = NULL;
    LLVMValueRef v = cg_index_basic(L, at, a, it, L->vals[in->args[1]], in->args[1], t == ty_str ? at->rec : t, &elem);
    if (elem && t == ty_str)   /* a string array's: a new str, or compared in place */
        return cg_chars_compared(L, in) ? elem : cg_str_from_ucs4(L, elem, ty_record_nchars(at->rec, 0));
    return elem ? elem : v;   /* a record is its address */
}

void cg_fields_setitem(Lower *L, Instr *in) {
    const Type *rec = L->ti->vtypes[in->args[0]], *it = L->ti->vtypes[in->args[1]];
    if (rec->kind == TY_RECARRAY) {   /* a[i] = r: r's bytes (which may be a's own) */
        LLVMValueRef elem = NULL;
        cg_index_basic(L, rec, L->vals[in->args[0]], it, L->vals[in->args[1]], in->args[1], rec->rec, &elem);
        if (ty_is_chars(rec->rec)) {   /* a[i] = s: a string array's */
            cg_str_to_ucs4(L, L->vals[in->args[2]], elem, ty_record_nchars(rec->rec, 0));
            return;
        }
        LLVMTypeRef pt[4] = {L->ptr, L->ptr, L->i64, L->i1};
        LLVMValueRef args[4] = {elem, L->vals[in->args[2]], i64c(L, (long long)rec->rec->itemsize), LLVMConstInt(L->i1, 0, 0)};
        cg_call(L, "llvm.memmove.p0.p0.i64", L->voidt, pt, args, 4);
        return;
    }
    int f = ti_record_field_at(L->ti, rec, in->args[1]);
    LLVMValueRef r = L->vals[in->args[0]], v = L->vals[in->args[2]];
    const Type *vt_ = L->ti->vtypes[in->args[2]];
    if (rec->fdtypes[f] == TY_FIELD_RECORD) {   /* r.inner = r2: its bytes (which may overlap) */
        LLVMTypeRef pt[4] = {L->ptr, L->ptr, L->i64, L->i1};
        LLVMValueRef args[4] = {field_ptr(L, rec, r, f), v, i64c(L, (long long)rec->elems[f]->itemsize),
                                LLVMConstInt(L->i1, 0, 0)};
        cg_call(L, "llvm.memmove.p0.p0.i64", L->voidt, pt, args, 4);
    } else if (rec->fdtypes[f] == TY_FIELD_UNICODE) {
        cg_str_to_ucs4(L, v, field_ptr(L, rec, r, f), ty_record_nchars(rec, f));
    } else if (ty_record_sub_ndim(rec, f)) {   /* r.pos = v: into the sub-array */
        const Type *view_t = ty_record_field_type(rec, f);
        cg_assign_array(L, view_t, field_value(L, rec, r, f, view_t), vt_, v);
    } else {
        cg_store_elem(L, rec->fdtypes[f], field_ptr(L, rec, r, f), v, vt_);
    }
}

LLVMValueRef cg_fields_getattr(Lower *L, Instr *in) {
    const Type *at = L->ti->vtypes[in->args[0]], *t = L->ti->vtypes[in->id];
    LLVMValueRef a = L->vals[in->args[0]];
    const char *attr = in->str;
    if (at->kind == TY_RECORD) return field_value(L, at, a, ty_record_field(at, attr), t);
    if (t->kind == TY_RECDTYPE) return LLVMConstInt(L->i8, 0, 0);   /* a compile-time value */
    if (!strcmp(attr, "itemsize")) return i64c(L, (long long)at->rec->itemsize);
    if (!strcmp(attr, "nbytes")) return LLVMBuildMul(L->b, cg_array_size(L, at, a), i64c(L, (long long)at->rec->itemsize), "");
    if (!strcmp(attr, "shape") || !strcmp(attr, "strides") || !strcmp(attr, "ndim") || !strcmp(attr, "size") ||
        !strcmp(attr, "T"))
        return cg_array_getattr(L, in);   /* none of these reads the dtype */
    return field_view(L, at, a, ty_record_field(at->rec, attr), t);
}
