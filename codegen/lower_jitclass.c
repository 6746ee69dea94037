/* lower_jitclass.c: jitclass instances (TY_CLASS; typeinfer/jitclass.c has the rules).
 *
 * An instance is a pointer to a counted block (runtime/array.c: refcnt at offset 0, data after
 * the TY_BLOCK_HEADER bytes of header) whose data holds the fields at the type's offsets. A field
 * read is one load (a scalar field's at its dtype, then widened to its canonical scalar), borrowed
 * as a list item is: the instance keeps it. A field write converts the value, takes a reference
 * to it (cg_keep: an array over a caller's memory gets a block holding it), then drops the old
 * one. The last reference to an instance drops its fields' references (ember.drop.<type>) and
 * frees the block; runtime/jitclass.c does the same for boxes Python drops.
 */
#include "lower.h"
#include <string.h>

static LLVMValueRef field_ptr(Lower *L, const Type *t, LLVMValueRef obj, int f) {
    return cg_gep8(L, obj, i64c(L, TY_BLOCK_HEADER + (long long)t->offsets[f]));
}

static LLVMValueRef load_field(Lower *L, const Type *t, LLVMValueRef obj, int f) {
    LLVMValueRef p = field_ptr(L, t, obj, f);
    if (t->fdtypes[f] >= 0) return cg_load_elem(L, t->fdtypes[f], p);
    LLVMValueRef x = LLVMBuildLoad2(L->b, cg_type(L, t->elems[f]), p, "");
    cg_tbaa(L, x, TBAA_INSTANCE_FIELD);
    return x;
}

/* AttributeError where obj, an OptionalType(instance) of t, is None: attr is the attribute read,
 * or NULL where the instance is needed whole (a method's receiver, a field or argument of t). */
void cg_class_not_none(Lower *L, LLVMValueRef obj, const Type *t, const char *attr) {
    const char *cls = ((PyTypeObject *)t->obj)->tp_name;
    cg_raise_if(L, LLVMBuildIsNull(L->b, obj, ""), "builtins:AttributeError",
                attr ? ctx_printf(L->ctx, "'NoneType' object has no attribute '%s'", attr)
                     : ctx_printf(L->ctx, "'NoneType' object has no attribute: None where a %s is needed", cls));
}

LLVMValueRef cg_class_getattr(Lower *L, Instr *in) {
    const Type *t = L->ti->vtypes[in->args[0]];
    if (t->nullable) cg_class_not_none(L, L->vals[in->args[0]], t, in->str);
    return load_field(L, t, L->vals[in->args[0]], ty_class_field(t, in->str));
}

void cg_class_setattr(Lower *L, Instr *in) {
    const Type *t = L->ti->vtypes[in->args[0]], *vt_ = L->ti->vtypes[in->args[2]];
    LLVMValueRef obj = L->vals[in->args[0]], v = L->vals[in->args[2]];
    int f = ty_class_field(t, ti_const_str(L->ti, in->args[1]));
    if (t->nullable) cg_class_not_none(L, obj, t, t->fnames[f]);
    LLVMValueRef p = field_ptr(L, t, obj, f);
    if (t->fdtypes[f] >= 0) {
        cg_store_elem(L, t->fdtypes[f], p, v, vt_);
        return;
    }
    const Type *ft = t->elems[f];
    v = ft == ty_bool && vt_ == ty_str ? cg_truth(L, v, vt_) : cg_cast(L, v, vt_, ft);   /* a str into a bool field: its truth, as Numba */
    if (!ty_has_refs(ft)) {
        cg_tbaa(L, LLVMBuildStore(L->b, v, p), TBAA_INSTANCE_FIELD);
        return;
    }
    v = cg_keep(L, v, ft);   /* first: the old value may be the new one */
    LLVMValueRef old = LLVMBuildLoad2(L->b, cg_type(L, ft), p, "");
    cg_tbaa(L, old, TBAA_INSTANCE_FIELD);
    cg_tbaa(L, LLVMBuildStore(L->b, v, p), TBAA_INSTANCE_FIELD);
    cg_decref(L, old, ft);
}

/* _new_instance(T): a block of T's fields, every byte 0 (a field holding references reads as
 * none until set: its release skips it), owned by a slot of the frame. The allocation never
 * gives NULL (a failure gives a block whose count is 0, tested here), so the instance is known
 * readable and a loop calling its methods may load its fields ahead of its branches (jit.c's
 * last LICM). */
LLVMValueRef cg_new_instance(Lower *L, const Type *t) {
    LLVMTypeRef i64t = L->i64;
    LLVMValueRef size = i64c(L, (long long)t->itemsize);
    /* a small block: header and fields in one 16-byte size class (two fields take 64 bytes) */
    LLVMValueRef b = cg_call(L, "ember_rt_instance_alloc", L->ptr, &i64t, &size, 1);
    static const char *const attrs[] = {"nonnull", "dereferenceable", "align"};
    uint64_t values[] = {0, TY_BLOCK_HEADER + t->itemsize, 8};
    for (int k = 0; k < 3; k++)
        if (k != 1 || values[1] <= TY_INSTANCE_READABLE)
            LLVMAddCallSiteAttribute(b, LLVMAttributeReturnIndex,
                                     LLVMCreateEnumAttribute(L->c, LLVMGetEnumAttributeKindForName(attrs[k], strlen(attrs[k])),
                                                             values[k]));
    cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntEQ, LLVMBuildLoad2(L->b, L->i64, b, ""), i64c(L, 0), ""), NULL, NULL);
    LLVMTypeRef pt[4] = {L->ptr, L->i8, L->i64, L->i1};
    LLVMValueRef args[4] = {cg_gep8(L, b, i64c(L, TY_BLOCK_HEADER)), LLVMConstInt(L->i8, 0, 0), size,
                            LLVMConstInt(L->i1, 0, 0)};
    cg_call(L, "llvm.memset.p0.i64", L->voidt, pt, args, 4);
    return cg_own(L, b, t);   /* (a builtin's result is not fresh: its slot holds the reference) */
}

static bool holds_refs(const Type *t, int f) { return t->fdtypes[f] < 0 && t->elems[f] && ty_has_refs(t->elems[f]); }

/* The fields' references dropped, but for the chain field's: handed back to be followed. */
static LLVMValueRef drop_fields(Lower *L, const Type *t, LLVMValueRef obj) {
    int chain = ty_class_chain_field(t);
    for (int f = 0; f < t->n; f++)
        if (f != chain && holds_refs(t, f)) cg_decref(L, load_field(L, t, obj, f), t->elems[f]);
    return chain >= 0 ? load_field(L, t, obj, chain) : NULL;
}

void cg_class_free(Lower *L, LLVMValueRef obj, const Type *t) {
    t = ty_class_definite(t);   /* (one drop function for both) */
    bool refs = false;
    for (int f = 0; f < t->n; f++) refs |= holds_refs(t, f);
    LLVMTypeRef pt = L->ptr;
    if (refs) cg_call_drop(L, obj, t, drop_fields, "ember_rt_block_free");
    else cg_call(L, "ember_rt_block_free", L->voidt, &pt, &obj, 1);
}
