/* lower_ffi.c: calls to C functions given as ctypes or cffi objects (typeinfer/ffi.c).
 *
 * The callee is declared under its symbol "ember.dl:<library>:<symbol>" with its C signature;
 * the loader (runtime/loader.c) resolves that name in the library when the code loads, so no
 * address is baked into the code (contract 1). Arguments convert as ctypes converts them; an
 * array passes its data pointer. A C function cannot raise: its result comes back as is. */
#include "lower.h"
#include <string.h>

static LLVMTypeRef c_type(Lower *L, char c) {
    switch (c) {
    case 'd': return L->f64;
    case 'f': return LLVMFloatTypeInContext(L->c);
    case 'b': case 'B': case '?': return L->i8;
    case 'h': case 'H': return LLVMInt16TypeInContext(L->c);
    case 'i': case 'I': return L->i32;
    case 'p': return L->ptr;
    case 'v': return L->voidt;
    default: return L->i64;
    }
}

static LLVMValueRef to_c(Lower *L, LLVMValueRef v, const Type *t, char c) {
    LLVMTypeRef ct = c_type(L, c);
    if (c == 'p') return t->kind == TY_ARRAY ? cg_arr_data(L, v) : LLVMBuildIntToPtr(L->b, v, L->ptr, "");
    if (c == 'f') return LLVMBuildFPTrunc(L->b, v, ct, "");
    if (c == 'd') return v;
    if (c == '?') return LLVMBuildZExt(L->b, LLVMBuildICmp(L->b, LLVMIntNE, v, i64c(L, 0), ""), L->i8, "");
    return ct == L->i64 ? v : LLVMBuildTrunc(L->b, v, ct, "");   /* ctypes wraps out-of-range ints too */
}

static LLVMValueRef from_c(Lower *L, LLVMValueRef r, char c) {
    switch (c) {
    case 'd': return r;
    case 'f': return LLVMBuildFPExt(L->b, r, L->f64, "");
    case 'b': case 'h': case 'i': return LLVMBuildSExt(L->b, r, L->i64, "");
    case 'B': case 'H': case 'I': return LLVMBuildZExt(L->b, r, L->i64, "");
    case '?': return LLVMBuildICmp(L->b, LLVMIntNE, r, LLVMConstInt(L->i8, 0, 0), "");
    case 'p': return LLVMBuildPtrToInt(L->b, r, L->i64, "");
    case 'v': return LLVMConstInt(L->i8, 0, 0);
    default: return r;   /* q, Q */
    }
}

LLVMValueRef cg_call_c(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const char *sig = ci->csig;
    int n = ci->nparams;
    LLVMTypeRef pt[64];
    LLVMValueRef cargs[64];
    if (n > 64) {
        ctx_error(L->ctx, DIAG_UNSUPPORTED, L->fn, L->loc, "a C function with more than 64 arguments");
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        pt[i] = c_type(L, sig[i + 1]);
        cargs[i] = to_c(L, args[i], ci->params[i], sig[i + 1]);
    }
    (void)types;
    LLVMValueRef r = cg_call(L, ci->symbol, c_type(L, sig[0]), pt, cargs, n);
    return from_c(L, r, sig[0]);
}
