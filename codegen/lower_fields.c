/* lower_fields.c: lowering of structured arrays and their records (typeinfer/fields.c).
 *
 * A structured array is an array value (lower_array.c) whose element is its record's itemsize
 * bytes; a record is the address of its bytes in the array, so reads and writes through it
 * reach the array. A field is a load or store at its offset, converted as an element of its
 * dtype is; a field along the array (a["x"]) is a view at the field's offset with the array's
 * strides. Loads and stores are align 1 when the array's type is unaligned (jit.c).
 */
#include "lower.h"
#include <string.h>

/* The field a constant name (or, for a record, position) selects; typing checked it. */
static int field_at(Lower *L, const Type *rec, int idx) {
    const char *name = ti_const_str(L->ti, idx);
    if (name) return ty_record_field(rec, name);
    int64_t k = 0;
    ti_const_int(L->ti, idx, &k);
    return (int)(k < 0 ? k + rec->n : k);
}

static LLVMValueRef field_ptr(Lower *L, const Type *rec, LLVMValueRef r, int f) {
    return cg_gep8(L, r, i64c(L, (long long)rec->offsets[f]));
}

/* a["x"]: the view of field f along structured array a (of type at) as type t. */
static LLVMValueRef field_view(Lower *L, const Type *at, LLVMValueRef a, int f, const Type *t) {
    return cg_view_at(L, at, a, (long long)at->rec->offsets[f], t);
}

LLVMValueRef cg_fields_getitem(Lower *L, Instr *in) {
    const Type *at = L->ti->vtypes[in->args[0]], *it = L->ti->vtypes[in->args[1]], *t = L->ti->vtypes[in->id];
    LLVMValueRef a = L->vals[in->args[0]];
    if (at->kind == TY_RECORD) {
        int f = field_at(L, at, in->args[1]);
        return cg_load_elem(L, at->fdtypes[f], field_ptr(L, at, a, f));
    }
    if (it == ty_str) return field_view(L, at, a, field_at(L, at->rec, in->args[1]), t);
    LLVMValueRef elem = NULL;
    LLVMValueRef v = cg_index_basic(L, at, a, it, L->vals[in->args[1]], in->args[1], t, &elem);
    return elem ? elem : v;   /* a record is its address */
}

void cg_fields_setitem(Lower *L, Instr *in) {
    const Type *rec = L->ti->vtypes[in->args[0]], *it = L->ti->vtypes[in->args[1]];
    if (rec->kind == TY_RECARRAY) {   /* a[i] = r: r's bytes (which may be a's own) */
        LLVMValueRef elem = NULL;
        cg_index_basic(L, rec, L->vals[in->args[0]], it, L->vals[in->args[1]], in->args[1], rec->rec, &elem);
        LLVMTypeRef pt[4] = {L->ptr, L->ptr, L->i64, L->i1};
        LLVMValueRef args[4] = {elem, L->vals[in->args[2]], i64c(L, (long long)rec->rec->itemsize), LLVMConstInt(L->i1, 0, 0)};
        cg_call(L, "llvm.memmove.p0.p0.i64", L->voidt, pt, args, 4);
        return;
    }
    int f = field_at(L, rec, in->args[1]);
    cg_store_elem(L, rec->fdtypes[f], field_ptr(L, rec, L->vals[in->args[0]], f), L->vals[in->args[2]],
                  L->ti->vtypes[in->args[2]]);
}

LLVMValueRef cg_fields_getattr(Lower *L, Instr *in) {
    const Type *at = L->ti->vtypes[in->args[0]], *t = L->ti->vtypes[in->id];
    LLVMValueRef a = L->vals[in->args[0]];
    const char *attr = in->str;
    if (at->kind == TY_RECORD) {
        int f = ty_record_field(at, attr);
        return cg_load_elem(L, at->fdtypes[f], field_ptr(L, at, a, f));
    }
    if (t->kind == TY_RECDTYPE) return LLVMConstInt(L->i8, 0, 0);   /* a compile-time value */
    if (!strcmp(attr, "itemsize")) return i64c(L, (long long)at->rec->itemsize);
    if (!strcmp(attr, "nbytes")) return LLVMBuildMul(L->b, cg_array_size(L, at, a), i64c(L, (long long)at->rec->itemsize), "");
    if (!strcmp(attr, "shape") || !strcmp(attr, "strides") || !strcmp(attr, "ndim") || !strcmp(attr, "size") ||
        !strcmp(attr, "T"))
        return cg_array_getattr(L, in);   /* none of these reads the dtype */
    return field_view(L, at, a, ty_record_field(at->rec, attr), t);
}
