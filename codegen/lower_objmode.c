/* lower_objmode.c: a `with objmode(...)` block (typeinfer/objmode.c) as one runtime call.
 *
 * Each live-in goes into a stack slot, the slots' addresses into an array, and
 * ember_rt_objmode(desc, ins, out) runs the body in the interpreter (runtime/objmode.c) and
 * writes the declared outputs into `out`, laid out as their tuple. desc is constant data naming
 * the block and the names and types of what crosses (contract 1: no address of a Python object
 * in the code), e.g.
 *
 *     "/home/u/k.py:f:3:5\ni\ty\tarray(float64, 1d, C)\no\tz\tarray(float64, 1d, A)\no\tn\tint64\n"
 *
 * The outputs are new references this frame owns (cg_own); a failure goes where any raise goes.
 */
#include "lower.h"
#include <string.h>

LLVMValueRef cg_objmode(Lower *L, Instr *in) {
    const Type *tt = L->ti->vtypes[in->id];
    PyObject *outs = PyTuple_GET_ITEM(in->obj, 1), *live = PyTuple_GET_ITEM(in->obj, 3);
    char *desc = ctx_printf(L->ctx, "%s\n", PyUnicode_AsUTF8(PyTuple_GET_ITEM(in->obj, 0)));
    LLVMTypeRef arrt = LLVMArrayType2(L->ptr, (unsigned)(in->nargs ? in->nargs : 1));
    LLVMValueRef ins = cg_entry_alloca(L, arrt, "objmode.in");
    for (int k = 0; k < in->nargs && desc; k++) {
        const Type *t = L->ti->vtypes[in->args[k]];
        desc = ctx_printf(L->ctx, "%si\t%s\t%s\n", desc, PyUnicode_AsUTF8(PyTuple_GET_ITEM(live, k)), t->name);
        LLVMValueRef slot = cg_entry_alloca(L, cg_type(L, t), "objmode.arg");
        LLVMBuildStore(L->b, L->vals[in->args[k]], slot);
        LLVMValueRef idx[2] = {i64c(L, 0), i64c(L, k)};
        LLVMBuildStore(L->b, slot, LLVMBuildInBoundsGEP2(L->b, arrt, ins, idx, 2, ""));
    }
    for (int k = 0; k < tt->n && desc; k++)
        desc = ctx_printf(L->ctx, "%so\t%s\t%s\n", desc, PyUnicode_AsUTF8(PyTuple_GET_ITEM(outs, k)), tt->elems[k]->name);
    if (!desc) return NULL;
    LLVMValueRef out = cg_entry_alloca(L, cg_type(L, tt), "objmode.out");
    LLVMTypeRef pt[3] = {L->ptr, L->ptr, L->ptr};
    LLVMValueRef args[3] = {cg_cstring(L, desc), ins, out};
    cg_check_status(L, cg_call(L, "ember_rt_objmode", L->i32, pt, args, 3));
    LLVMValueRef v = LLVMBuildLoad2(L->b, cg_type(L, tt), out, "");
    return cg_has_refs(L, tt) ? cg_own(L, v, tt) : v;
}
