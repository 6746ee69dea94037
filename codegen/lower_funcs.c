/* lower_funcs.c: values of FunctionType (typeinfer/funcs.c): pointers to native functions.
 *
 * A compiled function known by identity becomes a FunctionType value by taking the address of
 * its specialisation's native function, which codegen/jit.c links into this module from the
 * bitcode typing recorded (ti->root->funcrefs): the address is a relocation inside the object,
 * never a host address (contract 1). A FunctionType argument's pointer comes from the caller at
 * run time (runtime/box.c). A call through one is an indirect call with the native ABI
 * (i32 status, result slot, unboxed parameters), whose status is checked as a direct call's.
 */
#include "lower.h"
#include <string.h>

/* The native function of Dispatcher `d`'s specialisation recorded for `fptr`, declared in L->m. */
static LLVMValueRef function_address(Lower *L, PyObject *d, const Type *fptr) {
    TypeInfo *root = L->ti->root;
    for (int i = 0; i < root->nfuncrefs; i++) {
        const FuncRef *r = &root->funcrefs[i];
        if (r->dispatcher != d || r->fptr != fptr) continue;
        LLVMValueRef f = LLVMGetNamedFunction(L->m, r->symbol);
        return f ? f : LLVMAddFunction(L->m, r->symbol, cg_native_fn_type(L, fptr->elems + 1, fptr->n - 1));
    }
    return LLVMConstNull(L->ptr);   /* typing records every conversion it allows */
}

LLVMValueRef cg_function_value(Lower *L, LLVMValueRef v, const Type *from, const Type *to) {
    if (from->kind == TY_DISPATCHER) return function_address(L, from->obj, to);
    return from == to ? v : LLVMConstNull(L->ptr);
}

LLVMValueRef cg_call_indirect(Lower *L, LLVMValueRef fnptr, CallInfo *ci, LLVMValueRef *args) {
    LLVMTypeRef fty = cg_native_fn_type(L, ci->params, ci->nparams);
    LLVMValueRef all[257];
    LLVMValueRef slot = cg_entry_alloca(L, cg_type(L, ci->ret), "ret");
    all[0] = slot;
    memcpy(all + 1, args, sizeof(LLVMValueRef) * (size_t)ci->nparams);
    LLVMValueRef st = LLVMBuildCall2(L->b, fty, fnptr, all, (unsigned)ci->nparams + 1, "status");
    cg_check_status(L, st);
    return LLVMBuildLoad2(L->b, cg_type(L, ci->ret), slot, "");
}
