/* lower_funcs.c: values of FunctionType (typeinfer/funcs.c): pointers to native functions.
 *
 * A compiled function known by identity becomes a FunctionType value by taking the address of
 * its specialisation's native function, which codegen/jit.c links into this module from the
 * bitcode typing recorded (ti->root->funcrefs): the address is a relocation inside the object,
 * never a host address (contract 1). A FunctionType argument's pointer comes from the caller at
 * run time (runtime/box.c). A call through one is an indirect call with the native ABI
 * (i32 status, result slot, unboxed parameters), whose status is checked as a direct call's;
 * the functions converted in this module are tried first by comparison and called directly.
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

/* A call through a FunctionType value of type `fptr`. The functions this module converts to
 * that type are the likely targets (a tuple or list of known functions indexed at run time, a
 * branch between two): the pointer is compared with each (up to FEW_TARGETS) and a match calls it
 * directly, so LLVM may inline it and the branch predictor sees conditional branches, not an
 * indirect call; anything else (a pointer from an argument) is called indirectly. Every path
 * writes the one result slot and gives its status. */
#define FEW_TARGETS 4

LLVMValueRef cg_call_indirect(Lower *L, LLVMValueRef fnptr, const Type *fptr, CallInfo *ci, LLVMValueRef *args) {
    LLVMTypeRef fty = cg_native_fn_type(L, ci->params, ci->nparams);
    LLVMValueRef all[258];
    LLVMValueRef slot = cg_entry_alloca(L, cg_type(L, ci->ret), "ret");
    all[0] = slot;
    memcpy(all + 1, args, sizeof(LLVMValueRef) * (size_t)ci->nparams);
    TypeInfo *root = L->ti->root;
    LLVMValueRef known[FEW_TARGETS];
    int nknown = 0;
    for (int i = 0; i < root->nfuncrefs && nknown <= FEW_TARGETS; i++)
        if (root->funcrefs[i].fptr == fptr) {
            if (nknown < FEW_TARGETS) known[nknown] = function_address(L, root->funcrefs[i].dispatcher, fptr);
            nknown++;
        }
    if (nknown > FEW_TARGETS) nknown = 0;   /* many: one indirect call */
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, L->func, "called");
    LLVMValueRef sts[FEW_TARGETS + 1];
    LLVMBasicBlockRef from[FEW_TARGETS + 1];
    for (int k = 0; k < nknown; k++) {
        LLVMBasicBlockRef hit = LLVMAppendBasicBlockInContext(L->c, L->func, "direct");
        LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(L->c, L->func, "notit");
        LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, fnptr, known[k], ""), hit, next);
        LLVMPositionBuilderAtEnd(L->b, hit);   /* its <sym>.x, which LLVM may inline, with the record */
        if (LLVMIsAFunction(known[k])) {
            size_t len;
            LLVMValueRef x = cg_native_x(L, LLVMGetValueName2(known[k], &len), fty);
            all[ci->nparams + 1] = cg_exc_record(L);
            sts[k] = LLVMBuildCall2(L->b, LLVMGlobalGetValueType(x), x, all, (unsigned)ci->nparams + 2, "status");
        } else {
            sts[k] = LLVMBuildCall2(L->b, fty, known[k], all, (unsigned)ci->nparams + 1, "status");
        }
        from[k] = LLVMGetInsertBlock(L->b);
        LLVMBuildBr(L->b, done);
        LLVMPositionBuilderAtEnd(L->b, next);
    }
    sts[nknown] = LLVMBuildCall2(L->b, fty, fnptr, all, (unsigned)ci->nparams + 1, "status");
    from[nknown] = LLVMGetInsertBlock(L->b);
    LLVMBuildBr(L->b, done);
    LLVMPositionBuilderAtEnd(L->b, done);
    LLVMValueRef st = LLVMBuildPhi(L->b, L->i32, "status");
    LLVMAddIncoming(st, sts, from, (unsigned)nknown + 1);
    cg_check_status(L, st);
    return LLVMBuildLoad2(L->b, cg_type(L, ci->ret), slot, "");
}
