/* lower.c: typed IR -> LLVM IR, through the LLVM-C API only.
 *
 * Requires: a TypeInfo for the root function (and its inner functions). Produces: an LLVM
 * module holding the root's native function and entry (external), its inner functions
 * (internal), and the bitcode of every compiled callee linked in as available_externally so
 * the O3 pipeline can inline them (their own symbols still resolve in the JIT otherwise).
 *
 * Each variable gets a stack slot in the entry block (mem2reg/SROA turn them into SSA values);
 * so does each iterator's state. Values used across blocks always go through variables (the
 * frontend guarantees it), so an IR value maps to one LLVM value in its own block.
 * Errors (contract 3): a failing operation calls ember_rt_raise(exception, message) and returns
 * -1; a call to compiled code returning non-zero returns that status at once.
 * No host address is ever embedded (contract 1): runtime functions and callees are referenced
 * by symbol name; constants are emitted as data.
 */
#include "lower.h"
#include <llvm-c/DebugInfo.h>
#include <string.h>

/* ---- types and constants ----------------------------------------------------------- */
LLVMTypeRef cg_type(Lower *L, const Type *t) {
    switch (t->kind) {
    case TY_NONE: return L->i8;
    case TY_BOOL: return L->i1;
    case TY_INT64: case TY_UINT64: return L->i64;
    case TY_FLOAT64: return L->f64;
    case TY_COMPLEX128: return L->c128;
    case TY_STR: case TY_ITER: case TY_RNG: case TY_LIST: case TY_DICT: case TY_SET: case TY_FUNCPTR: case TY_CLASS: return L->ptr;
    case TY_EXCVAL: return L->exc_refs ? L->ptr : cg_exc_type(L);   /* held by pointer where counted (lower_exc.c) */
    case TY_RANGE: {
        LLVMTypeRef f[3] = {L->i64, L->i64, L->i64};
        return LLVMStructTypeInContext(L->c, f, 3, 0);
    }
    case TY_TUPLE: case TY_ZIP: case TY_EXC: case TY_OPTIONAL: {   /* an exception instance: its args */
        LLVMTypeRef f[256];
        for (int i = 0; i < t->n && i < 256; i++) f[i] = cg_type(L, t->elems[i]);
        return LLVMStructTypeInContext(L->c, f, (unsigned)t->n, 0);
    }
    case TY_METHOD: return cg_type(L, t->recv);
    case TY_ENUM: return cg_type(L, t->elems[0]);   /* a member: its value */
    case TY_ARRAY: case TY_RECARRAY: return cg_array_type(L, t);
    case TY_RECORD: case TY_GENERATOR: return L->ptr;
    case TY_SLICE: {
        LLVMTypeRef f[3] = {L->i64, L->i64, L->i64};
        return LLVMStructTypeInContext(L->c, f, 3, 0);
    }
    default: return L->i8;   /* compile-time-only values: never read */
    }
}

/* A constant of the module's own, initialised to init (private: the object carries it, and no
 * host address is taken; unnamed_addr: LLVM may merge equal ones). */
LLVMValueRef cg_const_global(Lower *L, LLVMValueRef init, const char *name) {
    LLVMValueRef g = LLVMAddGlobal(L->m, LLVMTypeOf(init), name);
    LLVMSetInitializer(g, init);
    LLVMSetGlobalConstant(g, 1);
    LLVMSetLinkage(g, LLVMPrivateLinkage);
    LLVMSetUnnamedAddress(g, LLVMGlobalUnnamedAddr);
    return g;
}

LLVMValueRef cg_cstring(Lower *L, const char *s) {
    return cg_const_global(L, LLVMConstStringInContext(L->c, s, (unsigned)strlen(s), 0), "ember.str");
}

static LLVMValueRef complex_value(Lower *L, LLVMValueRef re, LLVMValueRef im) {
    LLVMValueRef v = LLVMGetUndef(L->c128);
    v = LLVMBuildInsertValue(L->b, v, re, 0, "");
    return LLVMBuildInsertValue(L->b, v, im, 1, "");
}

LLVMValueRef cg_const_of(Lower *L, PyObject *obj, const Type *t) {
    switch (t->kind) {
    case TY_NONE: return LLVMConstInt(L->i8, 0, 0);
    case TY_BOOL: return LLVMConstInt(L->i1, PyObject_IsTrue(obj) == 1, 0);
    case TY_INT64: return LLVMConstInt(L->i64, (unsigned long long)PyLong_AsLongLong(obj), 1);
    case TY_UINT64: return LLVMConstInt(L->i64, PyLong_AsUnsignedLongLongMask(obj), 0);
    case TY_FLOAT64: return LLVMConstReal(L->f64, PyFloat_AsDouble(obj));
    case TY_COMPLEX128: {
        LLVMValueRef f[2] = {LLVMConstReal(L->f64, PyComplex_RealAsDouble(obj)),
                             LLVMConstReal(L->f64, PyComplex_ImagAsDouble(obj))};
        return LLVMConstStructInContext(L->c, f, 2, 0);
    }
    case TY_STR: return cg_str_literal(L, PyUnicode_AsUTF8(obj));
    case TY_TUPLE: {
        LLVMValueRef f[256];
        for (int i = 0; i < t->n && i < 256; i++) f[i] = cg_const_of(L, PyTuple_GET_ITEM(obj, i), t->elems[i]);
        return LLVMConstStructInContext(L->c, f, (unsigned)t->n, 0);
    }
    case TY_ARRAY: return cg_const_array(L, obj, t);
    case TY_SLICE: {   /* a slice global: its parts given, as an argument's (runtime/box.c) */
        Py_ssize_t part[3] = {0, 0, 1};
        if (PySlice_Unpack(obj, &part[0], &part[1], &part[2]) < 0) PyErr_Clear();   /* (a zero step: raises where used) */
        LLVMValueRef f[3];
        for (int i = 0; i < 3; i++) f[i] = LLVMConstInt(L->i64, (unsigned long long)part[i], 1);
        return LLVMConstStructInContext(L->c, f, 3, 0);
    }
    case TY_ENUM: {   /* a member: its value */
        PyObject *v = PyObject_GetAttrString(obj, "value");
        LLVMValueRef c = v ? cg_const_of(L, v, t->elems[0]) : LLVMGetPoison(cg_type(L, t));
        Py_XDECREF(v);
        PyErr_Clear();
        return c;
    }
    default: return LLVMGetPoison(cg_type(L, t));
    }
}

static LLVMValueRef const_ir(Lower *L, Instr *in) {
    switch (in->c.kind) {
    case K_NONE: case K_ELLIPSIS: return LLVMConstInt(L->i8, 0, 0);
    case K_BOOL: return LLVMConstInt(L->i1, (unsigned long long)in->c.i, 0);
    case K_INT: return LLVMConstInt(L->i64, (unsigned long long)in->c.i, 1);
    case K_UINT: return LLVMConstInt(L->i64, (unsigned long long)in->c.i, 0);
    case K_FLOAT: return LLVMConstReal(L->f64, in->c.re);
    case K_COMPLEX: {
        LLVMValueRef f[2] = {LLVMConstReal(L->f64, in->c.re), LLVMConstReal(L->f64, in->c.im)};
        return LLVMConstStructInContext(L->c, f, 2, 0);
    }
    case K_STR: return cg_str_literal(L, in->c.s);
    }
    return NULL;
}

/* ---- helpers ----------------------------------------------------------------------- */
LLVMValueRef cg_entry_alloca(Lower *L, LLVMTypeRef t, const char *name) {
    LLVMBuilderRef b = LLVMCreateBuilderInContext(L->c);
    LLVMValueRef first = LLVMGetFirstInstruction(L->entry_bb);
    if (first) LLVMPositionBuilderBefore(b, first);
    else LLVMPositionBuilderAtEnd(b, L->entry_bb);
    LLVMValueRef a = LLVMBuildAlloca(b, t, name);
    LLVMDisposeBuilder(b);
    return a;
}

/* Runtime functions only failing code calls: declared cold, so a path calling them is unlikely
 * (a user's `if c: raise E(x)` included) and the optimiser keeps the hot path's registers. */
static bool raises(const char *name) {
    return !strncmp(name, "ember_rt_raise", 14) || !strncmp(name, "ember_rt_exc_fetch", 18) ||
           !strcmp(name, "ember_rt_exc_box") || !strcmp(name, "ember_rt_exc_raise_box") ||
           !strcmp(name, "ember_rt_traceback");
}

LLVMValueRef cg_declare(Lower *L, const char *name, LLVMTypeRef ret, LLVMTypeRef *params, int n) {
    LLVMValueRef f = LLVMGetNamedFunction(L->m, name);
    if (!f) {
        f = LLVMAddFunction(L->m, name, LLVMFunctionType(ret, params, (unsigned)n, 0));
        if (raises(name))
            LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex,
                                    LLVMCreateEnumAttribute(L->c, LLVMGetEnumAttributeKindForName("cold", 4), 0));
    }
    return f;
}

LLVMValueRef cg_call(Lower *L, const char *name, LLVMTypeRef ret, LLVMTypeRef *ptypes,
                     LLVMValueRef *args, int n) {
    LLVMValueRef f = cg_declare(L, name, ret, ptypes, n);
    return LLVMBuildCall2(L->b, LLVMGlobalGetValueType(f), f, args, (unsigned)n, "");
}

/* A call pure to the optimiser: no memory touched, no unwinding, it returns. LLVM may then drop,
 * merge or hoist it out of a loop; its vectoriser leaves alone any call that may write memory
 * (maths functions: compiled code never reads errno). */
void cg_mark_pure(Lower *L, LLVMValueRef call) {
    static const char *const pure[] = {"nounwind", "willreturn", "memory"};
    for (int k = 0; k < 3; k++)
        LLVMAddCallSiteAttribute(call, LLVMAttributeFunctionIndex,
                                 LLVMCreateEnumAttribute(L->c, LLVMGetEnumAttributeKindForName(pure[k], strlen(pure[k])), 0));
}

/* A call that only reads memory, returns and raises nothing (memory(read): LLVM's encoding, Ref in
 * each of its three locations), so LICM hoists it from a loop that stores nothing it may read. */
void cg_mark_reads(Lower *L, LLVMValueRef call) {
    static const char *const kinds[] = {"nounwind", "willreturn", "memory"};
    static const uint64_t values[] = {0, 0, 1 | 1 << 2 | 1 << 4};
    for (int k = 0; k < 3; k++)
        LLVMAddCallSiteAttribute(call, LLVMAttributeFunctionIndex,
                                 LLVMCreateEnumAttribute(L->c, LLVMGetEnumAttributeKindForName(kinds[k], strlen(kinds[k])), values[k]));
}

/* cg_mark_pure, and the callee may run where the code did not ask for it (speculatable: no
 * undefined behaviour for any argument), so LICM hoists the call out of a loop even when an
 * earlier call in the body might not return. */
void cg_mark_speculatable(Lower *L, LLVMValueRef call) {
    cg_mark_pure(L, call);
    LLVMAddAttributeAtIndex(LLVMGetCalledValue(call), LLVMAttributeFunctionIndex,
                            LLVMCreateEnumAttribute(L->c, LLVMGetEnumAttributeKindForName("speculatable", 12), 0));
}

/* Leave the function with a status: directly, or through the exit block that drops references. */
void cg_ret(Lower *L, LLVMValueRef status) {
    if (L->err) {   /* <sym>.rec returns its value (lower_rec.c) */
        cg_rec_ret(L, status);
        return;
    }
    if (!L->refs) {
        LLVMBuildRet(L->b, status);
        return;
    }
    LLVMBuildStore(L->b, status, L->status);
    LLVMBuildBr(L->b, L->exit_bb);
}

/* if (cond) raise exc(msg); continues in a new block. The raise path is marked cold. With exc
 * NULL the error record is already set (a runtime call failed): just fail. */
void cg_raise_if(Lower *L, LLVMValueRef cond, const char *exc, const char *msg) {
    if (LLVMIsAConstantInt(cond) && LLVMConstIntGetZExtValue(cond) == 0) return;
    LLVMBasicBlockRef fail = LLVMAppendBasicBlockInContext(L->c, L->func, "raise");
    LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(L->c, L->func, "ok");
    cg_br_expect(L, cond, false, fail, ok);
    LLVMPositionBuilderAtEnd(L->b, fail);
    if (exc) cg_emit_raise(L, cg_exc_class_of_name(L, exc), msg ? cg_cstring(L, msg) : NULL);
    else cg_fail(L);   /* the record is set already */
    LLVMPositionBuilderAtEnd(L->b, ok);
}

/* Where cond, an exception whose message a runtime function formats (a string the exception
 * holds): true with the builder on the cold path, where the caller calls that function and then
 * cg_raise_formatted_end; false where a handler of this frame catches exceptions that hold no
 * strings (L->exc_refs false: it would not drop the string), exc with the constant msg raised
 * there instead. *ok: where the common path goes on. */
bool cg_raise_formatted_begin(Lower *L, LLVMValueRef cond, const char *exc, const char *msg, LLVMBasicBlockRef *ok) {
    if (L->block && L->block->handler && !L->exc_refs) {
        cg_raise_if(L, cond, exc, msg);
        return false;
    }
    LLVMBasicBlockRef fail = LLVMAppendBasicBlockInContext(L->c, L->func, "raise");
    *ok = LLVMAppendBasicBlockInContext(L->c, L->func, "ok");
    cg_br_expect(L, cond, false, fail, *ok);
    LLVMPositionBuilderAtEnd(L->b, fail);
    return true;
}

void cg_raise_formatted_end(Lower *L, LLVMBasicBlockRef ok) {
    cg_fail(L);   /* the record is set by the runtime function */
    LLVMPositionBuilderAtEnd(L->b, ok);
}

LLVMValueRef cg_br_expect(Lower *L, LLVMValueRef cond, bool likely, LLVMBasicBlockRef t, LLVMBasicBlockRef f) {
    LLVMTypeRef pt[2] = {L->i1, L->i1};
    LLVMValueRef args[2] = {cond, LLVMConstInt(L->i1, likely, 0)};
    return LLVMBuildCondBr(L->b, cg_call(L, "llvm.expect.i1", L->i1, pt, args, 2), t, f);
}

LLVMValueRef cg_phi2(Lower *L, LLVMValueRef a, LLVMBasicBlockRef ba, LLVMValueRef b, LLVMBasicBlockRef bb,
                     const char *name) {
    LLVMValueRef phi = LLVMBuildPhi(L->b, LLVMTypeOf(a), name);
    LLVMValueRef in[2] = {a, b};
    LLVMBasicBlockRef from[2] = {ba, bb};
    LLVMAddIncoming(phi, in, from, 2);
    return phi;
}

void cg_raise_unless(Lower *L, LLVMValueRef ok, const char *exc, const char *msg) {
    cg_raise_if(L, LLVMBuildNot(L->b, ok, ""), exc, msg);
}

LLVMValueRef cg_intrinsic1(Lower *L, const char *name, LLVMValueRef x) {
    LLVMTypeRef t = LLVMTypeOf(x);
    return cg_call(L, name, t, &t, &x, 1);
}

LLVMValueRef cg_call_f64_2(Lower *L, const char *name, LLVMValueRef x, LLVMValueRef y) {
    LLVMTypeRef pt[2] = {L->f64, L->f64};
    LLVMValueRef a[2] = {x, y};
    return cg_call(L, name, L->f64, pt, a, 2);
}

/* A failing status (not 0) goes where fail_with sends the exception; the builder goes on where it
 * did not fail. */
static void check_status(Lower *L, LLVMValueRef status, void (*fail_with)(Lower *L)) {
    LLVMBasicBlockRef fail = LLVMAppendBasicBlockInContext(L->c, L->func, "propagate");
    LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(L->c, L->func, "ok");
    cg_br_expect(L, LLVMBuildICmp(L->b, LLVMIntNE, status, LLVMConstInt(L->i32, 0, 0), ""), false, fail, ok);
    LLVMPositionBuilderAtEnd(L->b, fail);
    fail_with(L);
    LLVMPositionBuilderAtEnd(L->b, ok);
}

void cg_check_status(Lower *L, LLVMValueRef status) { check_status(L, status, cg_fail); }

/* ---- conversions ------------------------------------------------------------------- */
LLVMValueRef cg_truth(Lower *L, LLVMValueRef v, const Type *t) {
    switch (t->kind) {
    case TY_BOOL: return v;
    case TY_INT64: case TY_UINT64: return LLVMBuildICmp(L->b, LLVMIntNE, v, LLVMConstInt(L->i64, 0, 0), "");
    case TY_FLOAT64: return LLVMBuildFCmp(L->b, LLVMRealUNE, v, LLVMConstReal(L->f64, 0), "");
    case TY_COMPLEX128: {
        LLVMValueRef re = LLVMBuildExtractValue(L->b, v, 0, ""), im = LLVMBuildExtractValue(L->b, v, 1, "");
        return LLVMBuildOr(L->b, LLVMBuildFCmp(L->b, LLVMRealUNE, re, LLVMConstReal(L->f64, 0), ""),
                           LLVMBuildFCmp(L->b, LLVMRealUNE, im, LLVMConstReal(L->f64, 0), ""), "");
    }
    case TY_TUPLE: return LLVMConstInt(L->i1, t->n > 0, 0);
    case TY_LIST: return LLVMBuildICmp(L->b, LLVMIntNE, cg_list_len(L, v), i64c(L, 0), "");
    case TY_DICT: case TY_SET: return LLVMBuildICmp(L->b, LLVMIntNE, cg_dict_len(L, v), i64c(L, 0), "");
    case TY_STR: return LLVMBuildICmp(L->b, LLVMIntNE, cg_str_len(L, v), i64c(L, 0), "");
    case TY_CLASS: return LLVMBuildIsNotNull(L->b, v, "");   /* an OptionalType(instance): not None */
    case TY_ARRAY: {   /* NumPy's: its one element's truth (b = a[a == x]; if b >= 2.0:) */
        LLVMValueRef n = cg_array_size(L, t, v);
        cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntEQ, n, i64c(L, 0), ""), "builtins:ValueError",
                    "The truth value of an empty array is ambiguous. Use `array.size > 0` to check that an array is not empty.");
        cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntSGT, n, i64c(L, 1), ""), "builtins:ValueError",
                    "The truth value of an array with more than one element is ambiguous. Use a.any() or a.all()");
        return cg_truth(L, cg_load_elem(L, t->dtype, cg_arr_data(L, v)), ty_scalar_of(t->dtype));
    }
    default: return LLVMConstInt(L->i1, 0, 0);   /* None */
    }
}

/* A float converted to integer bits as NumPy's casts give them on x86-64, for every input:
 * truncation toward zero where the value fits the `bits`-wide signed conversion NumPy's C cast
 * goes through (32 for int8 to int32 and uint8, uint16; 64 otherwise), and that width's minimum
 * (what cvttsd2si gives) for NaN, infinities and values out of range, sign-extended to 64 bits.
 * Into uint64 (to_unsigned, 64 bits), negatives wrap and 2**64 and beyond give 0, as x86-64
 * compilers' conversion does. LLVM's fptosi/fptoui are poison out of range, so an input out of
 * range is replaced before the conversion: none reaches undefined behaviour, and the loop still
 * vectorises. */
LLVMValueRef cg_float_to_bits(Lower *L, LLVMValueRef x, int bits, bool to_unsigned) {
    double lim = bits == 32 ? 2147483648.0 : 9223372036854775808.0;
    LLVMValueRef lo = LLVMBuildFCmp(L->b, LLVMRealOGE, x, f64c(L, -lim), "");
    LLVMValueRef ok = LLVMBuildAnd(L->b, lo, LLVMBuildFCmp(L->b, LLVMRealOLT, x, f64c(L, lim), ""), "");
    /* the input replaced by -lim where it does not fit, then converted at the width itself: no
     * poison, and a vector loop converts 16 floats to int32 lanes at once (vcvttps2dq), where
     * converting to int64 and replacing the result took twice the lanes (a uint8 image times a
     * float32 gain: 2.7x Numba's time, now 1.6x, with the range test Numba leaves out) */
    LLVMValueRef xs = LLVMBuildSelect(L->b, ok, x, f64c(L, -lim), "");
    LLVMValueRef r = bits == 32 ? LLVMBuildSExt(L->b, LLVMBuildFPToSI(L->b, xs, L->i32, ""), L->i64, "")
                                : LLVMBuildFPToSI(L->b, xs, L->i64, "");
    if (!to_unsigned) return r;
    /* from 2**63 up, as x86-64 compilers convert to unsigned: (x - 2**63) converted, its top bit
     * flipped, so 2**64 and beyond (inf too) give 0 */
    LLVMValueRef big = LLVMBuildFCmp(L->b, LLVMRealOGE, x, f64c(L, 9223372036854775808.0), "");
    LLVMValueRef u = LLVMBuildFreeze(L->b, LLVMBuildFPToUI(L->b, x, L->i64, ""), "");
    LLVMValueRef fits = LLVMBuildFCmp(L->b, LLVMRealOLT, x, f64c(L, 18446744073709551616.0), "");
    return LLVMBuildSelect(L->b, big, LLVMBuildSelect(L->b, fits, u, i64c(L, 0), ""), r, "");
}

LLVMValueRef cg_cast(Lower *L, LLVMValueRef v, const Type *from, const Type *to) {
    if (from == to) return v;
    if (to->kind == TY_FUNCPTR) return cg_function_value(L, v, from, to);
    if (!ty_is_runtime(from) || !ty_is_runtime(to)) return LLVMGetPoison(cg_type(L, to));
    if (from->kind == TY_OPTIONAL && to->kind != TY_OPTIONAL && to != ty_bool && to->kind != TY_NONE) {
        /* OptionalType(T) into T (a signature's return type): its value, TypeError where None, as Numba */
        cg_raise_unless(L, LLVMBuildExtractValue(L->b, v, 0, ""), "builtins:TypeError",
                        ctx_printf(L->ctx, "expected %s, got None", to->name));
        return cg_cast(L, LLVMBuildExtractValue(L->b, v, 1, ""), from->elems[1], to);
    }
    if (to == ty_bool) return cg_truth(L, v, from);
    if (ty_is_int(to)) {
        if (from == ty_bool) return LLVMBuildZExt(L->b, v, L->i64, "");
        if (ty_is_int(from)) return v;   /* the same 64 bits, reinterpreted */
        if (from == ty_float64) return cg_float_to_bits(L, v, 64, to == ty_uint64);
    } else if (to == ty_float64) {
        if (from == ty_bool) return LLVMBuildUIToFP(L->b, v, L->f64, "");
        if (from == ty_int64) return LLVMBuildSIToFP(L->b, v, L->f64, "");
        if (from == ty_uint64) return LLVMBuildUIToFP(L->b, v, L->f64, "");
    } else if (to == ty_complex128) {
        if (ty_rank(from) >= 0 && ty_rank(from) < 3)
            return complex_value(L, cg_cast(L, v, from, ty_float64), LLVMConstReal(L->f64, 0));
    } else if (to->kind == from->kind && (to->kind == TY_ARRAY || to->kind == TY_RECARRAY || to->kind == TY_RECORD)) {
        return v;   /* same fields; only the layout or read-only flag differ */
    } else if (from->kind == TY_METHOD && from->recv == to) {
        return v;
    } else if (to->kind == TY_CLASS) {   /* None, an instance, an OptionalType(instance) or a method's receiver */
        if (from->kind == TY_NONE) return LLVMConstNull(L->ptr);
        const Type *f = from->kind == TY_METHOD ? from->recv : from;
        if (f->kind == TY_CLASS && f->nullable && !to->nullable) cg_class_not_none(L, v, to, from->kind == TY_METHOD ? from->attr : NULL);
        return v;
    } else if (to->kind == TY_OPTIONAL) {   /* {is T, T}: None, a T, or another OptionalType */
        LLVMValueRef has = LLVMConstInt(L->i1, from->kind != TY_NONE, 0);
        LLVMValueRef x = from->kind == TY_NONE ? LLVMConstNull(cg_type(L, to->elems[1])) : v;
        if (from->kind == TY_OPTIONAL) {
            has = LLVMBuildExtractValue(L->b, v, 0, "");
            x = LLVMBuildExtractValue(L->b, v, 1, "");
            from = from->elems[1];
        }
        if (from->kind != TY_NONE) x = cg_cast(L, x, from, to->elems[1]);
        LLVMValueRef r = LLVMBuildInsertValue(L->b, LLVMGetUndef(cg_type(L, to)), has, 0, "");
        return LLVMBuildInsertValue(L->b, r, x, 1, "");
    } else if (ty_is_heap(from) && from->kind == to->kind) {
        return v;   /* typing lets only equal element types meet */
    } else if (to->kind == TY_TUPLE && from->kind == TY_TUPLE && to->n == from->n) {
        LLVMValueRef r = LLVMGetUndef(cg_type(L, to));
        for (int i = 0; i < to->n; i++) {
            LLVMValueRef e = LLVMBuildExtractValue(L->b, v, (unsigned)i, "");
            r = LLVMBuildInsertValue(L->b, r, cg_cast(L, e, from->elems[i], to->elems[i]), (unsigned)i, "");
        }
        return r;
    }
    return LLVMGetPoison(cg_type(L, to));   /* typing never asks for another conversion */
}

/* ---- iterators --------------------------------------------------------------------- */
/* Iterator state: range {start, step, count, k, value}; tuple {tuple, k, value}; array {array,
 * k, count, value}; zip and enumerate {state of each iterable}, stopping with the shortest. */
LLVMTypeRef cg_iter_state_type(Lower *L, const Type *iterable) {
    if (iterable->kind == TY_STR) return cg_str_iter_type(L);
    if (iterable->kind == TY_GENERATOR) return cg_gen_state_type(L, iterable);
    if (iterable->kind == TY_ARRAY || iterable->kind == TY_RECARRAY) {
        const Type *vt_ = iterable->kind == TY_RECARRAY ? ti_iter_value_type(iterable)
                        : iterable->ndim == 1 ? ty_scalar_of(iterable->dtype)
                        : ty_array(iterable->dtype, iterable->ndim - 1, 'A', false);
        LLVMTypeRef f[4] = {cg_type(L, iterable), L->i64, L->i64, cg_type(L, vt_)};
        return LLVMStructTypeInContext(L->c, f, 4, 0);
    }
    if (iterable->kind == TY_METHOD) {   /* a.flat of any strides: {array, k, count, value, j, p}: k's element at
                                          * p, j its index along the last axis */
        LLVMTypeRef f[6] = {cg_type(L, iterable->recv), L->i64, L->i64, cg_type(L, ty_scalar_of(iterable->recv->dtype)),
                            L->i64, L->ptr};
        return LLVMStructTypeInContext(L->c, f, 6, 0);
    }
    if (iterable->kind == TY_RANGE) {   /* {start, step, count, k, i, stop} */
        LLVMTypeRef f[6] = {L->i64, L->i64, L->i64, L->i64, L->i64, L->i64};
        return LLVMStructTypeInContext(L->c, f, 6, 0);
    }
    if (iterable->kind == TY_DICT || iterable->kind == TY_SET) {   /* {dict, k, key, len at the start} */
        LLVMTypeRef f[4] = {L->ptr, L->i64, cg_type(L, ti_iter_value_type(iterable)), L->i64};
        return LLVMStructTypeInContext(L->c, f, 4, 0);
    }
    if (iterable->kind == TY_LIST) {   /* {list, k, value, length at the start} */
        LLVMTypeRef f[4] = {L->ptr, L->i64, cg_type(L, iterable->elems[0]), L->i64};
        return LLVMStructTypeInContext(L->c, f, 4, 0);
    }
    if (iterable->kind == TY_ITER) {   /* an iterator iter() made: {its state} (it goes on from there) */
        LLVMTypeRef f[1] = {L->ptr};
        return LLVMStructTypeInContext(L->c, f, 1, 0);
    }
    if (iterable->kind == TY_ZIP) {
        LLVMTypeRef f[64];
        for (int i = 0; i < iterable->n && i < 64; i++) f[i] = cg_iter_state_type(L, iterable->elems[i]);
        return LLVMStructTypeInContext(L->c, f, (unsigned)iterable->n, 0);
    }
    LLVMTypeRef f[3] = {cg_type(L, iterable), L->i64,
                        iterable->n ? cg_type(L, iterable->elems[0]) : L->i8};
    return LLVMStructTypeInContext(L->c, f, 3, 0);
}

LLVMValueRef cg_field(Lower *L, LLVMTypeRef st, LLVMValueRef p, unsigned i) {
    return LLVMBuildStructGEP2(L->b, st, p, i, "");
}

static void iter_init(Lower *L, const Type *it, LLVMValueRef state, LLVMValueRef v) {
    LLVMTypeRef st = cg_iter_state_type(L, it);
    switch (it->kind) {
    case TY_ARRAY: case TY_RECARRAY:
        cg_array_iter_init(L, it, v, state, st);
        return;
    case TY_LIST:
        cg_list_iter_init(L, it, v, state, st);
        return;
    case TY_DICT: case TY_SET:
        cg_dict_iter_init(L, it, v, state, st);
        return;
    case TY_STR:
        cg_str_iter_init(L, it, v, state);
        return;
    case TY_GENERATOR:
        cg_gen_iter_init(L, it, v, state, L->gen_owned);
        L->gen_owned = false;
        return;
    case TY_ZIP:
        for (int i = 0; i < it->n; i++)
            iter_init(L, it->elems[i], cg_field(L, st, state, (unsigned)i), LLVMBuildExtractValue(L->b, v, (unsigned)i, ""));
        return;
    case TY_ITER:
        LLVMBuildStore(L->b, v, cg_field(L, st, state, 0));
        return;
    case TY_METHOD:   /* a.flat */
        LLVMBuildStore(L->b, v, cg_field(L, st, state, 0));
        LLVMBuildStore(L->b, LLVMConstInt(L->i64, 0, 0), cg_field(L, st, state, 1));
        LLVMBuildStore(L->b, cg_array_size(L, it->recv, v), cg_field(L, st, state, 2));
        LLVMBuildStore(L->b, LLVMConstInt(L->i64, 0, 0), cg_field(L, st, state, 4));
        LLVMBuildStore(L->b, cg_arr_data(L, v), cg_field(L, st, state, 5));
        return;
    case TY_RANGE:
        LLVMBuildStore(L->b, LLVMBuildExtractValue(L->b, v, 0, "start"), cg_field(L, st, state, 0));
        LLVMBuildStore(L->b, LLVMBuildExtractValue(L->b, v, 2, "step"), cg_field(L, st, state, 1));
        LLVMBuildStore(L->b, cg_range_count(L, v), cg_field(L, st, state, 2));
        LLVMBuildStore(L->b, LLVMConstInt(L->i64, 0, 0), cg_field(L, st, state, 3));
        LLVMBuildStore(L->b, LLVMBuildExtractValue(L->b, v, 1, "stop"), cg_field(L, st, state, 5));
        return;
    default:
        LLVMBuildStore(L->b, v, cg_field(L, st, state, 0));   /* its length is a constant */
        LLVMBuildStore(L->b, LLVMConstInt(L->i64, 0, 0), cg_field(L, st, state, 1));
    }
}

/* The state of the iterator an iterator of kind TY_ITER goes on with. */
static LLVMValueRef inner_state(Lower *L, LLVMTypeRef st, LLVMValueRef state) {
    return LLVMBuildLoad2(L->b, L->ptr, cg_field(L, st, state, 0), "inner");
}

/* Whether the iterator has another value. */
static LLVMValueRef iter_more(Lower *L, const Type *it, LLVMValueRef state) {
    LLVMTypeRef st = cg_iter_state_type(L, it);
    if (it->kind == TY_ITER) return iter_more(L, it->iter_of, inner_state(L, st, state));
    if (it->kind == TY_ZIP) {   /* (enumerate's count runs 2**62 trips: only its iterable can end the loop, which
                                 * then is a counted loop of that iterable's) */
        LLVMValueRef more = LLVMConstInt(L->i1, 1, 0);
        for (int i = ty_is_enumerate(it); i < it->n; i++)
            more = LLVMBuildAnd(L->b, more, iter_more(L, it->elems[i], cg_field(L, st, state, (unsigned)i)), "");
        return more;
    }
    if (it->kind == TY_DICT || it->kind == TY_SET) return cg_dict_iter_more(L, it, state, st);
    if (it->kind == TY_GENERATOR) return cg_gen_iter_more(L, it, state);
    bool range = it->kind == TY_RANGE, arr = it->kind == TY_ARRAY || it->kind == TY_RECARRAY || it->kind == TY_STR ||
                                             it->kind == TY_METHOD;
    LLVMValueRef k = LLVMBuildLoad2(L->b, L->i64, cg_field(L, st, state, range ? 3 : 1), "k");
    LLVMValueRef count = range || arr ? LLVMBuildLoad2(L->b, L->i64, cg_field(L, st, state, 2), "count")
                       : it->kind == TY_LIST ? cg_list_len(L, LLVMBuildLoad2(L->b, L->ptr, cg_field(L, st, state, 0), ""))
                                             : LLVMConstInt(L->i64, (unsigned long long)it->n, 0);
    if (it->kind == TY_LIST && it->typed)   /* a typed List grown or shrunk in its loop: Numba's RuntimeError */
        cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntNE, count, LLVMBuildLoad2(L->b, L->i64, cg_field(L, st, state, 3), ""), ""),
                    "builtins:RuntimeError", "list was mutated during iteration");
    return LLVMBuildICmp(L->b, LLVMIntULT, k, count, "more");
}

/* Compute the next value into the state and advance. */
static void iter_step(Lower *L, const Type *it, LLVMValueRef state) {
    LLVMTypeRef st = cg_iter_state_type(L, it);
    if (it->kind == TY_ITER) {
        iter_step(L, it->iter_of, inner_state(L, st, state));
        return;
    }
    if (it->kind == TY_ZIP) {
        for (int i = 0; i < it->n; i++) iter_step(L, it->elems[i], cg_field(L, st, state, (unsigned)i));
        return;
    }
    if (it->kind == TY_DICT || it->kind == TY_SET) {
        cg_dict_iter_step(L, it, state, st);
        return;
    }
    if (it->kind == TY_GENERATOR) {
        cg_gen_iter_step(L, it, state);
        return;
    }
    bool range = it->kind == TY_RANGE, arr = it->kind == TY_ARRAY || it->kind == TY_RECARRAY;
    LLVMValueRef kp = cg_field(L, st, state, range ? 3 : 1);
    LLVMValueRef k = LLVMBuildLoad2(L->b, L->i64, kp, "k");
    if (it->kind == TY_STR) {
        cg_str_iter_step(L, it, state, k);
    } else if (it->kind == TY_METHOD) {   /* a.flat: along the last axis by its stride, to the next row's start by k */
        const Type *at = it->recv;
        LLVMValueRef pp = cg_field(L, st, state, 5), p = LLVMBuildLoad2(L->b, L->ptr, pp, "");
        LLVMBuildStore(L->b, cg_load_elem(L, at->dtype, p), cg_field(L, st, state, 3));
        if (at->ndim > 0) {
            LLVMValueRef a = LLVMBuildLoad2(L->b, cg_type(L, at), cg_field(L, st, state, 0), "");
            LLVMValueRef jp = cg_field(L, st, state, 4);
            LLVMValueRef j = LLVMBuildNUWAdd(L->b, LLVMBuildLoad2(L->b, L->i64, jp, ""), i64c(L, 1), "");
            LLVMValueRef along = LLVMBuildICmp(L->b, LLVMIntULT, j, cg_arr_shape(L, a, at->ndim - 1), "");
            LLVMBasicBlockRef from = LLVMGetInsertBlock(L->b);
            LLVMBasicBlockRef row = LLVMAppendBasicBlockInContext(L->c, L->func, "flat.row");
            LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(L->c, L->func, "flat.next");
            LLVMValueRef on = cg_gep8(L, p, cg_arr_stride(L, at, a, at->ndim - 1));
            cg_br_expect(L, along, true, next, row);
            LLVMPositionBuilderAtEnd(L->b, row);
            LLVMValueRef start = cg_flat_at(L, at, a, LLVMBuildNUWAdd(L->b, k, i64c(L, 1), ""));   /* (past the end: unread) */
            LLVMBasicBlockRef row_end = LLVMGetInsertBlock(L->b);
            LLVMBuildBr(L->b, next);
            LLVMPositionBuilderAtEnd(L->b, next);
            LLVMBuildStore(L->b, cg_phi2(L, on, from, start, row_end, "flat.p"), pp);
            LLVMBuildStore(L->b, LLVMBuildSelect(L->b, along, j, i64c(L, 0), ""), jp);
        }
    } else if (arr) {
        LLVMValueRef a = LLVMBuildLoad2(L->b, cg_type(L, it), cg_field(L, st, state, 0), "");
        LLVMBuildStore(L->b, cg_array_iter_value(L, it, a, k), cg_field(L, st, state, 3));
    } else if (range) {
        LLVMValueRef start = LLVMBuildLoad2(L->b, L->i64, cg_field(L, st, state, 0), "");
        LLVMValueRef step = LLVMBuildLoad2(L->b, L->i64, cg_field(L, st, state, 1), "");
        LLVMValueRef i = LLVMBuildAdd(L->b, start, LLVMBuildMul(L->b, k, step, ""), "i");
        /* i lies on start's side of the range: with a constant step this leaves one signed
         * bound that folds the negative-index wrap of a[i - 1] and lets the loop vectorise. A
         * loop counting down also lies above its stop: the wrap of a[i - w] in a loop down to w
         * (range(cap, w - 1, -1), a knapsack's) folds too. (Counting up, i < stop says nothing
         * such an index needs, and one more assumption a trip kept a 32-trip loop from being
         * unrolled: popcount_bitrev 0.006 -> 0.017 ms.) */
        LLVMValueRef stop = LLVMBuildLoad2(L->b, L->i64, cg_field(L, st, state, 5), "");
        LLVMValueRef up = LLVMBuildICmp(L->b, LLVMIntSGT, step, i64c(L, 0), "");
        LLVMValueRef past = LLVMBuildSelect(L->b, up, LLVMBuildICmp(L->b, LLVMIntSGE, i, start, ""),
                                            LLVMBuildAnd(L->b, LLVMBuildICmp(L->b, LLVMIntSLE, i, start, ""),
                                                         LLVMBuildICmp(L->b, LLVMIntSGT, i, stop, ""), ""), "");
        LLVMTypeRef i1 = L->i1;
        cg_call(L, "llvm.assume", L->voidt, &i1, &past, 1);
        LLVMBuildStore(L->b, i, cg_field(L, st, state, 4));
    } else if (it->kind == TY_LIST) {
        LLVMValueRef l = LLVMBuildLoad2(L->b, L->ptr, cg_field(L, st, state, 0), "");
        LLVMValueRef items = LLVMBuildLoad2(L->b, L->ptr, cg_gep8(L, l, i64c(L, TY_BLOCK_HEADER + 16)), "items");
        LLVMBuildStore(L->b, cg_list_item_at(L, it->elems[0], items, k), cg_field(L, st, state, 2));
    } else {
        LLVMTypeRef arrt = LLVMArrayType2(cg_type(L, it->elems[0]), (unsigned long long)it->n);
        LLVMValueRef idx[2] = {LLVMConstInt(L->i64, 0, 0), k};
        LLVMValueRef p = LLVMBuildInBoundsGEP2(L->b, arrt, cg_field(L, st, state, 0), idx, 2, "");
        LLVMBuildStore(L->b, LLVMBuildLoad2(L->b, cg_type(L, it->elems[0]), p, ""), cg_field(L, st, state, 2));
    }
    LLVMBuildStore(L->b, LLVMBuildNUWAdd(L->b, k, LLVMConstInt(L->i64, 1, 0), ""), kp);
}

static LLVMValueRef iter_value(Lower *L, const Type *it, LLVMValueRef state) {
    LLVMTypeRef st = cg_iter_state_type(L, it);
    switch (it->kind) {
    case TY_ITER: return iter_value(L, it->iter_of, inner_state(L, st, state));
    case TY_ARRAY: case TY_RECARRAY: case TY_STR: case TY_METHOD:
        return LLVMBuildLoad2(L->b, LLVMStructGetTypeAtIndex(st, 3), cg_field(L, st, state, 3), "");
    case TY_RANGE: return LLVMBuildLoad2(L->b, L->i64, cg_field(L, st, state, 4), "i");
    case TY_GENERATOR: return LLVMBuildLoad2(L->b, LLVMStructGetTypeAtIndex(st, 1), cg_field(L, st, state, 1), "");
    case TY_ZIP: {
        LLVMValueRef v = LLVMGetUndef(cg_type(L, ti_iter_value_type(it)));
        for (int i = 0; i < it->n; i++)
            v = LLVMBuildInsertValue(L->b, v, iter_value(L, it->elems[i], cg_field(L, st, state, (unsigned)i)), (unsigned)i, "");
        return v;
    }
    default:
        if (!it->n) return LLVMConstInt(L->i8, 0, 0);
        return LLVMBuildLoad2(L->b, LLVMStructGetTypeAtIndex(st, 2), cg_field(L, st, state, 2), "");
    }
}

LLVMValueRef cg_iter_begin(Lower *L, const Type *it, LLVMValueRef v) {
    LLVMValueRef state = cg_entry_alloca(L, cg_iter_state_type(L, it), "iter");
    iter_init(L, it, state, v);
    return state;
}

LLVMValueRef cg_iter_next(Lower *L, const Type *it, LLVMValueRef state, LLVMBasicBlockRef done) {
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(L->c, L->func, "next");
    LLVMBuildCondBr(L->b, iter_more(L, it, state), next, done);
    LLVMPositionBuilderAtEnd(L->b, next);
    iter_step(L, it, state);
    return iter_value(L, it, state);
}

/* next(it[, default]) of an iterator iter() made (itt: its TY_ITER): the next item, owned;
 * StopIteration (or the default) at the end. */
LLVMValueRef cg_iter_next_value(Lower *L, const Type *itt, LLVMValueRef state, LLVMValueRef dflt, const Type *t) {
    const Type *it = itt->iter_of, *vt_ = ti_iter_value_type(it);
    LLVMValueRef more = iter_more(L, it, state), r;
    if (!dflt) {
        cg_raise_if(L, LLVMBuildNot(L->b, more, ""), "builtins:StopIteration", NULL);
        iter_step(L, it, state);
        r = cg_cast(L, iter_value(L, it, state), vt_, t);
    } else {
        LLVMBasicBlockRef here = LLVMGetInsertBlock(L->b);
        LLVMBasicBlockRef got = LLVMAppendBasicBlockInContext(L->c, L->func, "nextvalue");
        LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "next");
        LLVMBuildCondBr(L->b, more, got, join);
        LLVMPositionBuilderAtEnd(L->b, got);
        iter_step(L, it, state);
        LLVMValueRef v = cg_cast(L, iter_value(L, it, state), vt_, t);
        got = LLVMGetInsertBlock(L->b);
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, join);
        r = cg_phi2(L, dflt, here, v, got, "");
    }
    return cg_own_another(L, r, t);   /* (the item is the container's, the default its holder's) */
}

void cg_for_each(Lower *L, const Type *it, LLVMValueRef x, EachBody body, void *env) {
    LLVMValueRef state = cg_iter_begin(L, it, x);
    LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(L->c, L->func, "each");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, L->func, "eachdone");
    LLVMBuildBr(L->b, head);
    LLVMPositionBuilderAtEnd(L->b, head);
    body(L, cg_iter_next(L, it, state, done), ti_iter_value_type(it), env);
    LLVMBuildBr(L->b, head);
    LLVMPositionBuilderAtEnd(L->b, done);
}

/* Does the list a GETITER iterates stay alive without a reference of the iterator's own? It
 * is a variable's value, the variable is no inner function's (not one of the code's cell
 * variables, which an inner function could rebind), and the loop the GETITER starts (its block
 * jumps to the FORITER heading it) neither stores nor deletes it. The variable's reference then
 * outlives the loop: `for x in r` inside `for r in rows` takes and drops none (two atomic
 * operations a row). */
static bool iterable_outlives_loop(Lower *L, Instr *in) {
    Function *fn = L->fn;
    Instr *src = fn->instrs[in->args[0]];
    if (src->op != IR_LOADVAR || !fn->code) return false;
    PyObject *cells = PyObject_GetAttrString(fn->code, "co_cellvars");
    bool cell = !cells || !PyTuple_Check(cells);
    for (Py_ssize_t i = 0; !cell && i < PyTuple_GET_SIZE(cells); i++) {
        const char *name = PyUnicode_AsUTF8(PyTuple_GET_ITEM(cells, i));
        cell = !name || !strcmp(name, fn->varnames[src->imm]);
    }
    Py_XDECREF(cells);
    PyErr_Clear();
    if (cell) return false;
    Instr *jump = in->block ? ir_terminator(in->block) : NULL;
    Block *head = jump && jump->op == IR_JUMP ? jump->target[0] : NULL;
    Instr *foriter = head ? ir_terminator(head) : NULL;
    if (!foriter || foriter->op != IR_FORITER) return false;
    int last = cg_loop_last(fn, head);
    return last >= head->offset && !cg_stored_in(fn, head->offset, last, src->imm, NULL);
}

static void lower_getiter(Lower *L, Instr *in, const Type *it) {
    if (it->kind == TY_ITER) {   /* an iterator iter() made: its own state */
        L->vals[in->id] = L->vals[in->args[0]];
        return;
    }
    LLVMValueRef state = cg_entry_alloca(L, cg_iter_state_type(L, it), "iter");
    L->gen_owned = it->kind == TY_GENERATOR && cg_gen_one_loop(L, L->fn->instrs[in->args[0]]);
    L->borrow_iterable = it->kind == TY_LIST && iterable_outlives_loop(L, in);
    iter_init(L, it, state, L->vals[in->args[0]]);
    L->borrow_iterable = false;
    L->vals[in->id] = state;
}

/* ---- loop metadata ------------------------------------------------------------------ *
 * A loop that carries a float variable from one trip to the next (s += v * v) reduces it in
 * Python's order (-force-ordered-reductions): the chain of dependent adds sets its pace whatever
 * the vectoriser's interleave count, while interleaving makes the vector loop want that many
 * vectors per trip, so a loop of a few trips (a distance over d < 16 coordinates, a row of a small
 * matrix) ran them all in the remainder loops. Such a loop gets llvm.loop.interleave.count 1 on
 * its back edges, unless it calls anything (math.exp, a compiled function): around a call every
 * vector register is spilled, and interleaved trips share those spills (a trapezoid rule over
 * sin(x) * exp(-x / 5) ran 1.45x slower without). The loop is the blocks from its head's bytecode
 * offset to that of the last block jumping back to it (Python lays a loop out in one piece); a
 * variable is carried when its first use there, in bytecode order, is a read. The node also
 * names the loop, !{"ember.loop", !"<function>", i32 <head's offset>}, for codegen/jit.c, which
 * may compile the function again with that loop kept scalar (ordered_gather_loops). Under
 * fastmath=True the reduction is unordered, and a loop inside no other is interleaved: several
 * vectors of partial sums per trip hide the adds' latency, as Numba's do (aeon's `s += (X[i] -
 * m) ** 2` over 2e5 doubles 26 -> 13 us, numba 14). An inner loop keeps one vector per trip: a
 * distance over 3 or 7 coordinates ran 1.06-1.13x slower interleaved. */
static bool in_loop(const Block *bk, int head, int last) { return bk->offset >= head && bk->offset <= last; }

static bool carries_float(Lower *L, int head, int last) {
    Function *fn = L->fn;
    for (int b = 0; b < fn->nblocks; b++)
        for (int i = 0; in_loop(fn->blocks[b], head, last) && i < fn->blocks[b]->ninstrs; i++)
            if (fn->blocks[b]->instrs[i]->op == IR_CALL) return false;
    for (int v = 0; v < fn->nvars; v++) {
        const Type *t = L->ti->vartypes[v];
        if (t != ty_float64 && t != ty_complex128) continue;
        int first = -1, first_op = 0;   /* the offset of its first use in the loop, and that use */
        bool stored = false;            /* a variable only read there is not carried (dt, a bound) */
        for (int b = 0; b < fn->nblocks; b++) {
            Block *bk = fn->blocks[b];
            if (!in_loop(bk, head, last)) continue;
            for (int i = 0; i < bk->ninstrs; i++) {
                Instr *x = bk->instrs[i];
                if ((x->op != IR_LOADVAR && x->op != IR_STOREVAR) || x->imm != v) continue;
                stored |= x->op == IR_STOREVAR;
                if (first < 0 || bk->offset < first) {   /* the block's first use of it */
                    first = bk->offset;
                    first_op = x->op;
                }
            }
        }
        if (first >= 0 && first_op == IR_LOADVAR && stored) return true;
    }
    return false;
}

/* A loop node: itself first (a temporary replaced by the node), then the n properties. */
LLVMMetadataRef cg_loop_md(LLVMContextRef c, LLVMMetadataRef *props, unsigned n) {
    LLVMMetadataRef ops[8];
    ops[0] = LLVMTemporaryMDNode(c, NULL, 0);
    for (unsigned k = 0; k < n; k++) ops[k + 1] = props[k];
    LLVMMetadataRef id = LLVMMDNodeInContext2(c, ops, n + 1);
    LLVMMetadataReplaceAllUsesWith(ops[0], id);
    return id;
}

/* The llvm.loop node of a loop that carries a float: interleave count 1, the loop's name
 * (function `fn`, len bytes, and its head's offset) and, with `scalar`, vectorisation width 1. */
/* The loop's name as a property: !{"ember.loop", !"<function>", i32 <head>} (jit.c's loop_name). */
static LLVMMetadataRef loop_name_prop(LLVMContextRef c, const char *fn, size_t len, int head) {
    LLVMMetadataRef name[3] = {LLVMMDStringInContext2(c, CG_LOOP_MARK, strlen(CG_LOOP_MARK)),
                               LLVMMDStringInContext2(c, fn, len),
                               LLVMValueAsMetadata(LLVMConstInt(LLVMInt32TypeInContext(c), (unsigned long long)head, 0))};
    return LLVMMDNodeInContext2(c, name, 3);
}

LLVMMetadataRef cg_loop_node(LLVMContextRef c, const char *fn, size_t len, int head, bool scalar) {
    LLVMMetadataRef one = LLVMValueAsMetadata(LLVMConstInt(LLVMInt32TypeInContext(c), 1, 0));
    LLVMMetadataRef interleave[2] = {LLVMMDStringInContext2(c, "llvm.loop.interleave.count", 26), one};
    LLVMMetadataRef width[2] = {LLVMMDStringInContext2(c, "llvm.loop.vectorize.width", 25), one};
    LLVMMetadataRef props[3] = {LLVMMDNodeInContext2(c, interleave, 2), loop_name_prop(c, fn, len, head),
                                LLVMMDNodeInContext2(c, width, 2)};
    return cg_loop_md(c, props, scalar ? 3 : 2);
}

/* cg_loop_end for a loop of a few trips that unrolling or vectorising would only make longer
 * (the elements after a pairwise leaf's last group, a sum of fewer than 8): its back edge says
 * llvm.loop.unroll.disable and vectorize.width 1. LLVM unrolled each such loop at run time with
 * its remainder: x.sum() compiled in 85 ms, 63 without (measured before plain lanes were summed
 * by the runtime; computed elements still are inline). And it vectorised a sum of fewer than 8
 * in order, 8 masked lanes added one by one whatever the count: rows of 3 summed in 2.0 ns,
 * 0.7 as a plain loop. */
void cg_loop_end_rolled(Lower *L, LoopCtx *lc) {
    LLVMMetadataRef off = LLVMMDStringInContext2(L->c, "llvm.loop.unroll.disable", 24);
    LLVMMetadataRef one = LLVMValueAsMetadata(LLVMConstInt(L->i32, 1, 0));
    LLVMMetadataRef width[2] = {LLVMMDStringInContext2(L->c, "llvm.loop.vectorize.width", 25), one};
    LLVMMetadataRef props[2] = {LLVMMDNodeInContext2(L->c, &off, 1), LLVMMDNodeInContext2(L->c, width, 2)};
    LLVMSetMetadata(cg_loop_end(L, lc), LLVMGetMDKindIDInContext(L->c, "llvm.loop", 9),
                    LLVMMetadataAsValue(L->c, cg_loop_md(L->c, props, 2)));
}

/* s.start, s.stop or s.step of slice value s (parts present: `mask`, 1 start, 2 stop, 4 step); an
 * absent part is Numba's default: step 1, start 0 (the largest int when the step is negative),
 * stop the largest int (the smallest when it is negative). */
static LLVMValueRef slice_part(Lower *L, int mask, LLVMValueRef s, const char *part) {
    unsigned k = !strcmp(part, "start") ? 0 : !strcmp(part, "stop") ? 1 : 2;
    if (mask & (1 << k)) return LLVMBuildExtractValue(L->b, s, k, part);
    LLVMValueRef one = LLVMConstInt(L->i64, 1, 0), big = LLVMConstInt(L->i64, (unsigned long long)INT64_MAX, 0);
    if (k == 2) return one;
    LLVMValueRef pos = k ? big : LLVMConstInt(L->i64, 0, 0), neg = k ? LLVMConstInt(L->i64, (unsigned long long)INT64_MIN, 1) : big;
    if (!(mask & 4)) return pos;
    LLVMValueRef back = LLVMBuildICmp(L->b, LLVMIntSLT, LLVMBuildExtractValue(L->b, s, 2, "step"), LLVMConstInt(L->i64, 0, 0), "");
    return LLVMBuildSelect(L->b, back, neg, pos, part);
}

/* x == y (eq) or x != y where either is an OptionalType (the other one too, a value or None):
 * None equals None only; two values compare as values, where both are there. */
static LLVMValueRef cmp_optional(Lower *L, bool eq, LLVMValueRef x, const Type *xt, LLVMValueRef y, const Type *yt) {
    LLVMValueRef has[2], val[2];
    const Type *et[2];
    LLVMValueRef v2[2] = {x, y};
    const Type *t2[2] = {xt, yt};
    for (int k = 0; k < 2; k++) {
        const Type *t = t2[k];
        et[k] = t->kind == TY_OPTIONAL ? t->elems[1] : t;
        has[k] = t->kind == TY_OPTIONAL ? LLVMBuildExtractValue(L->b, v2[k], 0, "") : LLVMConstInt(L->i1, t->kind != TY_NONE, 0);
        val[k] = t->kind == TY_OPTIONAL ? LLVMBuildExtractValue(L->b, v2[k], 1, "") : v2[k];
    }
    LLVMValueRef neither = LLVMBuildNot(L->b, LLVMBuildOr(L->b, has[0], has[1], ""), "");
    LLVMValueRef r = neither;
    if (et[0]->kind != TY_NONE && et[1]->kind != TY_NONE) {
        LLVMBasicBlockRef from = LLVMGetInsertBlock(L->b);
        LLVMBasicBlockRef both = LLVMAppendBasicBlockInContext(L->c, L->func, "opt.both");
        LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "opt.cmp");
        LLVMBuildCondBr(L->b, LLVMBuildAnd(L->b, has[0], has[1], ""), both, join);
        LLVMPositionBuilderAtEnd(L->b, both);
        LLVMValueRef same = cg_cmp_any(L, IRC_EQ, val[0], et[0], val[1], et[1]);
        LLVMBasicBlockRef both_end = LLVMGetInsertBlock(L->b);
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, join);
        r = cg_phi2(L, neither, from, same, both_end, "");
    }
    return eq ? r : LLVMBuildNot(L->b, r, "");
}

/* Block b's FORITER (it heads a for loop), or NULL. */
Instr *cg_foriter_of(const Block *b) {
    Instr *t = b->ninstrs ? b->instrs[b->ninstrs - 1] : NULL;
    return t && t->op == IR_FORITER ? t : NULL;
}

/* The variable the for loop headed by h stores its items to (dy of `for dy in ...`), or -1. */
int cg_loop_target(const Block *h) {
    Instr *f = cg_foriter_of(h);
    Block *body = f ? f->target[0] : NULL;
    for (int i = 0; body && i + 1 < body->ninstrs && i < 4; i++)
        if (body->instrs[i]->op == IR_ITERVALUE && body->instrs[i + 1]->op == IR_STOREVAR &&
            body->instrs[i + 1]->args[0] == body->instrs[i]->id)
            return body->instrs[i + 1]->imm;
    return -1;
}

/* x moves an operand-stack entry between blocks: a LOADVAR or STOREVAR of a `$` variable. */
bool cg_stack_move(const Function *fn, const Instr *x) {
    return (x->op == IR_LOADVAR || x->op == IR_STOREVAR) && fn->varnames[x->imm][0] == '$';
}

/* Whether a block at bytecode offsets [lo, hi] stores to variable v or deletes it, other than
 * instruction `but` (NULL: none). */
bool cg_stored_in(const Function *fn, int lo, int hi, int v, const Instr *but) {
    for (int b = 0; b < fn->nblocks; b++) {
        const Block *bk = fn->blocks[b];
        for (int i = 0; bk->offset >= lo && bk->offset <= hi && i < bk->ninstrs; i++) {
            const Instr *x = bk->instrs[i];
            if (x != but && (x->op == IR_STOREVAR || x->op == IR_DELVAR) && x->imm == v) return true;
        }
    }
    return false;
}

/* The offset of the last block jumping back to `head` (Python lays a loop out in one piece,
 * from its head to there), or -1 when none does. */
int cg_loop_last(Function *fn, Block *head) {
    int last = -1;
    for (int b = 0; b < fn->nblocks; b++) {
        Block *bk = fn->blocks[b];
        Instr *t = bk->ninstrs ? bk->instrs[bk->ninstrs - 1] : NULL;
        if (t && (t->op == IR_JUMP || t->op == IR_BRANCH) && (t->target[0] == head || (t->op == IR_BRANCH && t->target[1] == head)) &&
            bk->offset > last)
            last = bk->offset;
    }
    return last;
}

/* Whether the loop headed by `head` lies inside another loop: a jump back from at or after head
 * to before it. */
static bool in_other_loop(Function *fn, Block *head) {
    for (int b = 0; b < fn->nblocks; b++) {
        Block *bk = fn->blocks[b];
        Instr *t = bk->ninstrs ? bk->instrs[bk->ninstrs - 1] : NULL;
        for (int k = 0; t && k < (t->op == IR_BRANCH ? 2 : t->op == IR_JUMP ? 1 : 0); k++)
            if (t->target[k]->offset < head->offset && bk->offset >= head->offset) return true;
    }
    return false;
}

/* Whether the loop from block offset head to last leaves other than by its own test: a return,
 * or a jump (break) past its end from a block after its head (a search: `if a[i] == v: return
 * i`). */
static bool leaves_early(Function *fn, int head, int last) {
    for (int b = 0; b < fn->nblocks; b++) {
        const Block *bk = fn->blocks[b];
        Instr *t = bk->ninstrs ? bk->instrs[bk->ninstrs - 1] : NULL;
        if (!t || !in_loop(bk, head, last) || bk->offset == head) continue;
        if (t->op == IR_RETURN) return true;
        for (int k = 0; k < (t->op == IR_BRANCH ? 2 : t->op == IR_JUMP ? 1 : 0); k++)
            if (!in_loop(t->target[k], head, last)) return true;
    }
    return false;
}

int *cg_idoms(Lower *L) {
    if (!L->idom) L->idom = ir_idoms(L->fn);
    return L->idom;
}

/* One term of an index: variable *var (-1: none) plus the constant *c; false where the value is
 * neither a variable, a constant, nor one plus or minus the other. */
static bool index_term(Lower *L, int id, int *var, int64_t *c) {
    Instr *x = L->fn->instrs[id];
    int64_t k;
    *var = -1, *c = 0;
    if (x->op == IR_LOADVAR) return *var = x->imm, true;
    if (ti_const_int(L->ti, id, c)) return true;
    if (x->op != IR_BINOP || (x->imm != IRB_ADD && x->imm != IRB_SUB) || L->fn->instrs[x->args[0]]->op != IR_LOADVAR ||
        !ti_const_int(L->ti, x->args[1], &k))
        return false;
    *var = L->fn->instrs[x->args[0]]->imm;
    *c = x->imm == IRB_ADD ? k : -k;
    return true;
}

/* The array variable x (a GETITEM or SETITEM) indexes into *array (-1: not a variable) and its
 * index's terms (index_term), at most 8: their count, or -1 where the array is not a variable or
 * a term is none of those. */
typedef struct { int var[8]; int64_t c[8]; } Terms;

static int index_terms(Lower *L, Instr *x, int *array, Terms *t) {
    Instr *a = L->fn->instrs[x->args[0]], *idx = L->fn->instrs[x->args[1]];
    int n = idx->op == IR_TUPLE ? idx->nargs : 1;
    *array = a->op == IR_LOADVAR ? a->imm : -1;
    if (*array < 0 || n > 8) return -1;
    for (int k = 0; k < n; k++)
        if (!index_term(L, idx->op == IR_TUPLE ? idx->args[k] : idx->id, &t->var[k], &t->c[k])) return -1;
    return n;
}

/* Whether a read r of a later trip may read what store s wrote: the same array variable, its
 * index the same terms, where each term is fixed in the loop or the loop's variable j (the
 * write's offset ahead of the read's: a[j + 1] written, a[j] read on the next trip). */
static bool read_later(Lower *L, Instr *s, Instr *r, int j, int head, int last) {
    Function *fn = L->fn;
    int sa, ra;
    Terms st, rt;
    int n = index_terms(L, s, &sa, &st);
    if (n < 0 || index_terms(L, r, &ra, &rt) != n || sa != ra) return false;
    int64_t ahead = 0;
    for (int k = 0; k < n; k++) {
        if (st.var[k] != rt.var[k]) return false;
        if (st.var[k] >= 0 && st.var[k] == j) {
            if (ahead && st.c[k] - rt.c[k] != ahead) return false;
            ahead = st.c[k] - rt.c[k];
            if (!ahead) return false;   /* the same trip's element */
        } else if (st.c[k] != rt.c[k] || (st.var[k] >= 0 && cg_stored_in(fn, head, last, st.var[k], NULL))) {
            return false;
        }
    }
    if (ahead) return ahead > 0;   /* (ranges counted down are not told apart: a[j] written, a[j + 1] read) */
    /* a fixed element: LLVM keeps it in a register through the loop (a minimum kept in out[i])
     * unless another store into the array, at another index, may write it, as a swap's store of a[j] */
    for (int b = 0; b < fn->nblocks; b++)
        for (int i = 0; in_loop(fn->blocks[b], head, last) && i < fn->blocks[b]->ninstrs; i++) {
            Instr *o = fn->blocks[b]->instrs[i];
            int oa;
            Terms ot;
            if (o == s || o->op != IR_SETITEM) continue;
            int m = index_terms(L, o, &oa, &ot);
            if (oa != sa) continue;
            if (m != n || memcmp(ot.var, st.var, sizeof(int) * (size_t)n) || memcmp(ot.c, st.c, sizeof(int64_t) * (size_t)n))
                return true;
        }
    return false;
}

/* Whether the loop from block offset head to last (or a loop inside it) stores into an array
 * element on some of its trips only, an element a later trip reads: a block of it with such a SETITEM that does not
 * dominate every jump back to the head (`if a[j] < a[i]: a[i], a[j] = a[j], a[i]`, a bubble
 * sort's swap of a[j] and a[j + 1]). Each trip's load may then depend on an earlier trip's store,
 * now and then. */
static bool stores_for_later_trips(Lower *L, Block *head, int last) {
    Function *fn = L->fn;
    if (!cg_foriter_of(head)) return false;
    int j = cg_loop_target(head);
    for (int b = 0; b < fn->nblocks; b++) {   /* a loop inside: unrolling this one copies it */
        Block *bk = fn->blocks[b];
        if (bk != head && in_loop(bk, head->offset, last) && cg_foriter_of(bk) && stores_for_later_trips(L, bk, cg_loop_last(fn, bk)))
            return true;
    }
    int *idom = NULL;
    for (int b = 0; b < fn->nblocks; b++) {
        Block *bk = fn->blocks[b];
        for (int i = 0; in_loop(bk, head->offset, last) && i < bk->ninstrs; i++) {
            Instr *st = bk->instrs[i];
            if (st->op != IR_SETITEM || L->ti->vtypes[st->args[0]]->kind != TY_ARRAY) continue;
            bool read = false;
            for (int c = 0; c < fn->nblocks && !read; c++)
                for (int k = 0; in_loop(fn->blocks[c], head->offset, last) && k < fn->blocks[c]->ninstrs && !read; k++)
                    read = fn->blocks[c]->instrs[k]->op == IR_GETITEM && read_later(L, st, fn->blocks[c]->instrs[k], j, head->offset, last);
            if (!read || (!idom && !(idom = cg_idoms(L)))) continue;
            for (int s = 0; s < fn->nblocks; s++) {   /* the blocks that jump back to the head */
                Block *from = fn->blocks[s], *succ[3];
                if (!in_loop(from, head->offset, last)) continue;
                int ns = ir_successors(from, succ);
                for (int k = 0; k < ns; k++)
                    if (succ[k] == head && !ir_dominates(idom, bk, from)) return true;
            }
        }
    }
    return false;
}

/* A new llvm.loop node for the loop headed by block `head`: its name (jit.c finds the loops to
 * keep scalar by it), and what follows. A loop that may leave early gets llvm.loop.align 64: LLVM can neither vectorise nor unroll
 * it, so it stays a few instructions, and on a Zen 4 such a loop spanning two 64-byte blocks
 * ran at 2 cycles a trip where the same code within one ran at 1 (`for x in a: if x < 0:
 * return True` over 10^5 doubles: 55 us, 28 aligned; numba 28). LLVM aligns loops to 16 bytes;
 * 32 for every innermost loop slowed loops of a few trips entered often (the padding before the
 * loop runs at each entry: distances over 1-7 coordinates 1.2-1.45x), which search loops are
 * not. */
LLVMMetadataRef cg_new_loop_node(Lower *L, Block *head) {
    int last = cg_loop_last(L->fn, head);
    bool early = leaves_early(L->fn, head->offset, last);
    size_t len;
    const char *fname = LLVMGetValueName2(L->func, &len);
    LLVMMetadataRef props[8];
    unsigned n = 0;
    bool carried = carries_float(L, head->offset, last) && (!L->ti->fn->fastmath || in_other_loop(L->fn, head));
    if (!carried && !cg_defer_head(L, head) && !early) {
        props[n++] = loop_name_prop(L->c, fname, len, head->offset);   /* its name only (jit.c's retry) */
    } else {
        LLVMValueRef node = LLVMMetadataAsValue(L->c, cg_loop_node(L->c, fname, len, head->offset, false));
        LLVMValueRef ops[8];
        unsigned k = LLVMGetMDNodeNumOperands(node);
        LLVMGetMDNodeOperands(node, ops);
        for (unsigned j = 1; j < k && n < 6; j++) props[n++] = LLVMValueAsMetadata(ops[j]);
    }
    if (early) {
        LLVMMetadataRef align[2] = {LLVMMDStringInContext2(L->c, "llvm.loop.align", 15),
                                    LLVMValueAsMetadata(LLVMConstInt(L->i32, 64, 0))};
        props[n++] = LLVMMDNodeInContext2(L->c, align, 2);
    }
    if (stores_for_later_trips(L, head, last)) {
        LLVMMetadataRef off = LLVMMDStringInContext2(L->c, "llvm.loop.unroll.runtime.disable", 32);
        props[n++] = LLVMMDNodeInContext2(L->c, &off, 1);
    }
    return cg_loop_md(L->c, props, n);
}

/* A jump from block `from` back to block `to`, the head of a loop (a merged loop's one back edge
 * is lower_collapse.c's). */
static bool back_edge(Lower *L, Block *from, Block *to) {
    return (to == from || to->offset < from->offset) && !L->collapsing;
}

/* The llvm.loop node for a jump from block `from` back to block `to`, or NULL. */
static LLVMMetadataRef loop_id(Lower *L, Block *from, Block *to) {
    Function *fn = L->fn;
    if (!back_edge(L, from, to)) return NULL;
    if (!L->loop_ids && !(L->loop_ids = ctx_alloc(L->ctx, sizeof(LLVMMetadataRef) * (size_t)(fn->nblocks + 1)))) return NULL;
    if (!L->loop_ids[to->id]) L->loop_ids[to->id] = cg_new_loop_node(L, to);
    return L->loop_ids[to->id];
}

/* Where a jump from block `from` to block `to` goes, given target (cg_defer_edge's): a jump back
 * to the head of a loop goes through the loop's one latch block, whose branch to the head
 * carries the loop's llvm.loop node. Several back edges (a `continue`, the end of the body, the
 * end of an if) would each be one, and LLVM's loop-simplify then splits the loop into nested
 * loops by the variables each edge leaves unchanged (a byte state machine whose counters change
 * on a few edges: loops inside loops, none unrolled, 1.2x numba); through one latch the loop
 * stays one loop. */
static LLVMBasicBlockRef latch_of(Lower *L, Block *from, Block *to, LLVMBasicBlockRef target) {
    if (target != L->bbs[to->id] || !back_edge(L, from, to)) return target;
    if (!L->latches && !(L->latches = ctx_alloc(L->ctx, sizeof(LLVMBasicBlockRef) * (size_t)(L->fn->nblocks + 1))))
        return target;
    LLVMBasicBlockRef latch = L->latches[to->id];
    if (!latch || LLVMGetBasicBlockParent(latch) != L->func) {
        LLVMBasicBlockRef here = LLVMGetInsertBlock(L->b);
        latch = L->latches[to->id] = LLVMAppendBasicBlockInContext(L->c, L->func, "latch");
        LLVMPositionBuilderAtEnd(L->b, latch);
        LLVMValueRef br = LLVMBuildBr(L->b, target);
        LLVMMetadataRef id = loop_id(L, from, to);
        if (id) LLVMSetMetadata(br, LLVMGetMDKindIDInContext(L->c, "llvm.loop", 9), LLVMMetadataAsValue(L->c, id));
        LLVMPositionBuilderAtEnd(L->b, here);
    }
    return latch;
}

/* The target of a jump from block `from` to block `to`: cg_defer_edge's, then latch_of's. */
static LLVMBasicBlockRef jump_target(Lower *L, Block *from, Block *to) {
    return latch_of(L, from, to, cg_defer_edge(L, to));
}

static void lower_foriter(Lower *L, Instr *in) {
    if (cg_collapse_foriter(L, in)) return;
    const Type *it = L->ti->vtypes[in->args[0]]->iter_of;
    LLVMValueRef state = L->vals[in->args[0]];
    LLVMBasicBlockRef body = L->bbs[in->target[0]->id];
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(L->c, L->func, "next");
    LLVMBuildCondBr(L->b, iter_more(L, it, state), next, cg_defer_edge(L, in->target[1]));
    LLVMPositionBuilderAtEnd(L->b, next);
    cg_defer_tick(L);
    iter_step(L, it, state);
    LLVMBuildBr(L->b, body);
}

static LLVMValueRef lower_itervalue(Lower *L, Instr *in) {
    return iter_value(L, L->ti->vtypes[in->args[0]]->iter_of, L->vals[in->args[0]]);
}

/* ---- calls ------------------------------------------------------------------------- */
LLVMTypeRef cg_native_fn_type(Lower *L, const Type *const *params, int n) {
    LLVMTypeRef pt[257];
    pt[0] = L->ptr;
    for (int i = 0; i < n; i++) pt[i + 1] = params[i]->kind == TY_EXCVAL ? L->ptr : cg_type(L, params[i]);   /* counted where passed */
    return LLVMFunctionType(L->i32, pt, (unsigned)n + 1, 0);
}

/* The argument values of a call, converted to the parameter types (defaults as constants). */
static void call_args(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *out, const Type **types) {
    for (int i = 0; i < ci->nparams; i++) {
        if (ci->argmap[i] >= 0) {
            int v = in->args[ci->argmap[i]];
            types[i] = L->ti->vtypes[v];
            out[i] = cg_cast(L, L->vals[v], types[i], ci->params[i]);
            /* a bound method passed on is its receiver; a.flat stays itself (its items are the
             * elements in C order, list(a.flat) of an F array is not list(a)'s rows) */
            if (types[i]->kind == TY_METHOD && !ti_is_iterable(types[i])) types[i] = types[i]->recv;
        } else if (ci->argmap[i] == ARG_STAR) {   /* *args: a tuple of the remaining positional arguments */
            types[i] = ci->params[i];
            out[i] = LLVMGetUndef(cg_type(L, types[i]));
            for (int k = 0; k < types[i]->n; k++) {
                int v = in->args[ci->star_first + k];
                LLVMValueRef x = cg_cast(L, L->vals[v], L->ti->vtypes[v], types[i]->elems[k]);
                out[i] = LLVMBuildInsertValue(L->b, out[i], x, (unsigned)k, "");
            }
        } else if (ci->argmap[i] == -2) {   /* built by the callee's lowering */
            types[i] = ci->params[i];
            out[i] = NULL;
        } else {
            types[i] = ci->params[i];
            out[i] = cg_const_of(L, ci->defaults[i], ci->params[i]);
        }
    }
}

/* A call of <sym>.x (f): its exception goes where this frame's would (cg_exc_target), so that
 * inlined into a `try`, a raise and its handler meet in the frame, which LLVM sees through. */
static LLVMValueRef call_native(Lower *L, LLVMValueRef f, const Type *ret, LLVMValueRef *args, int n) {
    LLVMValueRef all[258];
    LLVMValueRef slot = cg_entry_alloca(L, cg_type(L, ret), "ret");
    all[0] = slot;
    memcpy(all + 1, args, sizeof(LLVMValueRef) * (size_t)n);
    all[n + 1] = cg_exc_target(L);
    LLVMValueRef st = LLVMBuildCall2(L->b, LLVMGlobalGetValueType(f), f, all, (unsigned)n + 2, "status");
    check_status(L, st, cg_fail_target);   /* its exceptions' strings: CallInfo.raises_refs */
    return LLVMBuildLoad2(L->b, cg_type(L, ret), slot, "");
}

/* A call of compiled code: this function again (CALL_SELF) or another of its recursion cycle
 * (CALL_CYCLE), another specialisation (CALL_NATIVE)
 * or an inner function (CALL_INNER, its closure variables read here); args are converted to
 * ci->params already, with room after them for the extra arguments. */
LLVMValueRef cg_call_compiled(Lower *L, CallInfo *ci, LLVMValueRef *args) {
    switch (ci->kind) {
    case CALL_SELF: case CALL_CYCLE:   /* into <sym>.rec (lower_rec.c) */
        return cg_call_self(L, ci, args);
    case CALL_NATIVE: {
        LLVMValueRef f = cg_native_x(L, ci->symbol, cg_native_fn_type(L, ci->params, ci->nparams));
        return call_native(L, f, ci->ret, args, ci->nparams);
    }
    case CALL_INNER: {
        TypeInfo *inner = ci->inner;
        for (int j = 0; j < ci->nclosure; j++) {
            const Type *vt = L->ti->vartypes[ci->closure_vars[j]];
            LLVMValueRef slot = L->vars[ci->closure_vars[j]];
            args[ci->nparams + j] = slot ? LLVMBuildLoad2(L->b, cg_type(L, vt), slot, "") : LLVMGetPoison(L->i8);
        }
        LLVMValueRef f = LLVMGetNamedFunction(L->m, inner->symbol);
        f = cg_native_x(L, inner->symbol, LLVMGlobalGetValueType(f));
        return call_native(L, f, inner->ret, args, ci->nparams + ci->nclosure);
    }
    default:
        return NULL;
    }
}

static LLVMValueRef lower_call(Lower *L, Instr *in) {
    CallInfo *ci = L->ti->calls[in->id];
    if (!ci) return NULL;   /* a call typing left untyped: a located internal error, not a crash */
    LLVMValueRef args[256];
    const Type *types[256];
    call_args(L, in, ci, args, types);
    switch (ci->kind) {
    case CALL_BUILTIN:
        if (ci->builtin >= LIST_OPS) return cg_list_call(L, in, ci, args, types);
        return cg_builtin(L, in, ci, args, types);
    case CALL_C:
        return cg_call_c(L, ci, args, types);
    case CALL_RNG:
        return cg_call_rng(L, ci, args, types);
    case CALL_EXC: {   /* the args, kept until a raise packs them */
        LLVMValueRef v = LLVMGetUndef(cg_type(L, ci->ret));
        for (int i = 0; i < ci->nparams; i++) v = LLVMBuildInsertValue(L->b, v, args[i], (unsigned)i, "");
        if (ty_has_refs(ci->ret)) cg_incref(L, v, ci->ret);   /* it owns its args' strings: fresh (cg_own) */
        return v;
    }
    case CALL_INDIRECT:
        return cg_call_indirect(L, L->vals[in->args[0]], L->ti->vtypes[in->args[0]], ci, args);
    case CALL_NAMEDTUPLE: {   /* the fields, converted to their types by call_args */
        LLVMValueRef v = LLVMGetUndef(cg_type(L, ci->ret));
        for (int i = 0; i < ci->nparams; i++) v = LLVMBuildInsertValue(L->b, v, args[i], (unsigned)i, "");
        if (ty_has_refs(ci->ret)) cg_incref(L, v, ci->ret);   /* a call's result is fresh (cg_own): it owns its fields */
        return v;
    }
    case CALL_SELF: case CALL_CYCLE: case CALL_NATIVE: case CALL_INNER: {
        LLVMValueRef v = cg_call_compiled(L, ci, args);
        if (v && (ci->post & CLS_POST_TRUTH)) v = cg_truth(L, v, ci->ret);   /* a jitclass's __bool__, __len__, __eq__ */
        if (v && (ci->post & CLS_POST_NOT)) v = LLVMBuildNot(L->b, v, "");
        return v;
    }
    default:
        return NULL;
    }
}

/* ---- instructions ------------------------------------------------------------------ */
static const Type *vt(Lower *L, int v) { return L->ti->vtypes[v]; }

static LLVMValueRef operand(Lower *L, int v, const Type *to) { return cg_cast(L, L->vals[v], vt(L, v), to); }

/* a + b, a - b, a * b of a value facts.c marks float32, computed in float: each operand is a
 * float32 value held as a float64, a bool or an int of 16 bits or fewer (ti->int16), all exact in
 * float, so the float operation is the float32 result NumPy and Numba give (the float64 one
 * rounded would be too, but LLVM keeps an int's conversion to double, and then the whole
 * operation, in double: a uint8 image times a float32 gain ran at 4.6x Numba's time). */
static LLVMValueRef f32_binop(Lower *L, Instr *in) {
    LLVMTypeRef f32 = LLVMFloatTypeInContext(L->c);
    LLVMValueRef x[2];
    for (int k = 0; k < 2; k++) {
        const Type *ot = vt(L, in->args[k]);
        LLVMValueRef v = L->vals[in->args[k]];
        x[k] = ot == ty_float64 ? LLVMBuildFPTrunc(L->b, v, f32, "")
             : ot == ty_bool    ? LLVMBuildUIToFP(L->b, v, f32, "")
             : ot == ty_uint64  ? LLVMBuildUIToFP(L->b, v, f32, "")
                                : LLVMBuildSIToFP(L->b, v, f32, "");
    }
    LLVMValueRef r = in->imm == IRB_ADD ? LLVMBuildFAdd(L->b, x[0], x[1], "")
                   : in->imm == IRB_SUB ? LLVMBuildFSub(L->b, x[0], x[1], "")
                                        : LLVMBuildFMul(L->b, x[0], x[1], "");
    return LLVMBuildFPExt(L->b, r, L->f64, "");
}

/* Operands convert to the result type (int / int converts to float first), except a shift's
 * count, which is an int64. */
static const Type *binop_operand_type(int op, const Type *result, int k) {
    return (op == IRB_LSHIFT || op == IRB_RSHIFT) && k == 1 ? ty_int64 : result;
}

/* The ints of a tuple known when compiling: written as constants where it is read, or held by a
 * variable stored once with such a tuple (dr = (-1, 0, 1, 0) before the loop reading dr[d]):
 * their count, or -1. */
static int const_int_tuple(Lower *L, int id, int64_t *out, int max) {
    Function *fn = L->fn;
    Instr *x = fn->instrs[id];
    if (x->op == IR_LOADVAR) {
        Instr *only;
        if (cg_stored_once(L, x->imm, &only) != 1) return -1;
        id = only->args[0];
    }
    return fn->instrs[id]->op == IR_TUPLE || L->ti->frozen[id] ? ti_const_ints(L->ti, id, out, max) : -1;
}

static LLVMValueRef tuple_index(Lower *L, Instr *in, const Type *tt) {
    int64_t k, first, step, count;
    if (vt(L, in->args[1])->kind == TY_SLICE && ti_tuple_slice(L->ti, in->args[1], tt->n, &first, &step, &count)) {
        LLVMValueRef v = LLVMGetUndef(cg_type(L, vt(L, in->id)));
        for (int64_t j = 0; j < count; j++)
            v = LLVMBuildInsertValue(L->b, v, LLVMBuildExtractValue(L->b, L->vals[in->args[0]], (unsigned)(first + j * step), ""), (unsigned)j, "");
        return v;
    }
    if (ti_const_int(L->ti, in->args[1], &k))
        return LLVMBuildExtractValue(L->b, L->vals[in->args[0]], (unsigned)(k < 0 ? k + tt->n : k), "");
    const Type *rt = L->ti->vtypes[in->id];   /* the elements' type; a FunctionType for a tuple of functions */
    LLVMTypeRef et = cg_type(L, rt);
    int64_t ks[64];
    LLVMValueRef slot;
    if (rt == ty_int64 && tt->n <= 64 && const_int_tuple(L, in->args[0], ks, 64) == tt->n) {
        /* a table of ints in the code, read where the index says (no copy of the tuple a read) */
        LLVMValueRef elems[64];
        for (int j = 0; j < tt->n; j++) elems[j] = i64c(L, ks[j]);
        slot = cg_const_global(L, LLVMConstArray2(L->i64, elems, (uint64_t)tt->n), "ember.tuple");
    } else {   /* the items stored to the stack */
        slot = cg_entry_alloca(L, LLVMArrayType2(et, (unsigned long long)tt->n), "tup");
        for (int j = 0; j < tt->n; j++) {
            LLVMValueRef e = LLVMBuildExtractValue(L->b, L->vals[in->args[0]], (unsigned)j, "");
            LLVMValueRef at[2] = {LLVMConstInt(L->i64, 0, 0), LLVMConstInt(L->i64, (unsigned long long)j, 0)};
            LLVMBuildStore(L->b, cg_cast(L, e, tt->elems[j], rt), LLVMBuildInBoundsGEP2(L->b, LLVMArrayType2(et, (unsigned long long)tt->n), slot, at, 2, ""));
        }
    }
    LLVMValueRef i = operand(L, in->args[1], ty_int64), n = LLVMConstInt(L->i64, (unsigned long long)tt->n, 0);
    LLVMValueRef neg = LLVMBuildICmp(L->b, LLVMIntSLT, i, LLVMConstInt(L->i64, 0, 0), "");
    i = LLVMBuildSelect(L->b, neg, LLVMBuildAdd(L->b, i, n, ""), i, "");
    cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntUGE, i, n, ""), "builtins:IndexError", "tuple index out of range");
    LLVMValueRef idx[2] = {LLVMConstInt(L->i64, 0, 0), i};
    LLVMValueRef p = LLVMBuildInBoundsGEP2(L->b, LLVMArrayType2(et, (unsigned long long)tt->n), slot, idx, 2, "");
    return LLVMBuildLoad2(L->b, et, p, "");
}

/* a op b for numbers or tuples (lists, strings, sets and dicts: their files), as Python compares
 * them. Tuples: the first position whose elements differ decides (== is false there, != true, an
 * ordering compares those elements); where every common position is equal, the lengths decide.
 * Lowered without branches, from the last position back: a select per position. */
LLVMValueRef cg_cmp_any(Lower *L, int op, LLVMValueRef a, const Type *ta, LLVMValueRef b, const Type *tb) {
    if (ta->kind == TY_LIST || tb->kind == TY_LIST) return cg_list_cmp(L, op, a, ta, b, tb);
    if (ta->kind == TY_SET || tb->kind == TY_SET || ta->kind == TY_DICT || tb->kind == TY_DICT) return cg_set_cmp(L, op, a, ta, b, tb);
    if (ta == ty_str && tb == ty_str) return cg_str_cmp(L, op, a, b);
    if (ta->kind == TY_ENUM || tb->kind == TY_ENUM) {   /* members: of one Enum by value (== and !=), of two never equal */
        if (ta != tb) return LLVMConstInt(L->i1, op == IRC_NE, 0);
        return cg_cmp_values(L, op, a, ta->elems[0], b, tb->elems[0]);
    }
    if (ta->kind != TY_TUPLE) return cg_cmp_values(L, op, a, ta, b, tb);
    int n = ta->n < tb->n ? ta->n : tb->n;
    LLVMValueRef r = cg_cmp_values(L, op, i64c(L, ta->n), ty_int64, i64c(L, tb->n), ty_int64);
    for (int i = n - 1; i >= 0; i--) {
        LLVMValueRef x = LLVMBuildExtractValue(L->b, a, (unsigned)i, ""), y = LLVMBuildExtractValue(L->b, b, (unsigned)i, "");
        LLVMValueRef same = cg_cmp_any(L, IRC_EQ, x, ta->elems[i], y, tb->elems[i]);
        LLVMValueRef decided = op == IRC_EQ ? LLVMConstInt(L->i1, 0, 0)
                             : op == IRC_NE ? LLVMConstInt(L->i1, 1, 0)
                                            : cg_cmp_any(L, op, x, ta->elems[i], y, tb->elems[i]);
        r = LLVMBuildSelect(L->b, same, r, decided, "");
    }
    return r;
}

/* ---- branch hints --------------------------------------------------------------------
 * A clamp, `if b < lo: b = lo` or `elif b >= n: b = n - 1`, guards an integer against a bound,
 * often one that an index must keep (then b indexes an array: `indexes`). It is rarely taken, and as a predicted branch it costs
 * one fused compare-and-jump where LLVM's default, a select, puts a compare and a cmov on the
 * path to the address the integer then indexes (histogram: 9.2 ms as selects, 7.0 as
 * branches). So the side of a branch that only re-assigns the compared integer variable from
 * values not derived from it is marked unlikely. Floats are left alone: their clamps often
 * saturate signal data at any rate (a ReLU is a clamp taken half the time). */
static bool assigns_only(Lower *L, Block *b, int var) {
    int stores = 0;
    for (int i = 0; i < b->ninstrs; i++) {
        Instr *x = b->instrs[i];
        switch (x->op) {
        case IR_CONST: case IR_BINOP: case IR_UNOP: case IR_JUMP: break;
        case IR_LOADVAR: if (x->imm == var) return false; break;
        case IR_STOREVAR:
            if (x->imm == var) stores++;
            else if (L->fn->varnames[x->imm][0] != '$') return false;   /* a user variable besides */
            break;
        default: return false;
        }
    }
    return stores == 1;
}

static bool assigns_only(Lower *L, Block *b, int var);

/* Whether variable `var` gets a new value in block b, or (depth > 0) on the way from the one
 * block that branches to b (through a clamp of var just before: its diamond): a value computed
 * fresh each time, not one carried round a loop (a running minimum, whose select LLVM vectorises
 * as a reduction, must stay a select). */
static bool assigned_before(Lower *L, Block *b, int var, int depth) {
    for (int i = 0; i < b->ninstrs; i++)
        if (b->instrs[i]->op == IR_STOREVAR && b->instrs[i]->imm == var) return true;
    Block *pred = NULL, *clamp = NULL;
    for (int k = 0; k < L->fn->nblocks && depth > 0; k++) {
        Block *p = L->fn->blocks[k];
        Instr *t = p->ninstrs ? p->instrs[p->ninstrs - 1] : NULL;
        if (!t || !(ir_op_flags[t->op] & IRF_TERM)) continue;
        if (t->target[0] != b && ((t->op != IR_BRANCH && t->op != IR_FORITER) || t->target[1] != b)) continue;
        if (t->op == IR_JUMP && !clamp && assigns_only(L, p, var)) {   /* the side of a clamp just before */
            clamp = p;
            continue;
        }
        if (pred || t->op != IR_BRANCH) return false;
        pred = p;
    }
    if (clamp) {   /* `if acc > hi: acc = hi` then `if acc < lo: ...`: the first clamp's block assigned it */
        Instr *t = pred ? ir_terminator(pred) : NULL;
        if (!t || t->op != IR_BRANCH || (t->target[0] != clamp && t->target[1] != clamp)) return false;
    }
    return pred && assigned_before(L, pred, var, depth - 1);
}

/* The comparison BRANCH `br` tests (through bool()), or NULL. */
static Instr *branch_compare(Lower *L, Instr *br) {
    Instr *c = L->fn->instrs[br->args[0]];
    if (c->op == IR_TRUTH) c = L->fn->instrs[c->args[0]];
    return c->op == IR_CMP ? c : NULL;
}

/* Whether value v is variable var, or arithmetic of it (depth: how far to look). */
static bool derives_from(Lower *L, int v, int var, int depth) {
    Instr *x = L->fn->instrs[v];
    if (x->op == IR_LOADVAR) return x->imm == var;
    if (depth == 0 || (x->op != IR_BINOP && x->op != IR_UNOP && x->op != IR_COPY && x->op != IR_TUPLE)) return false;
    for (int k = 0; k < x->nargs; k++)
        if (derives_from(L, x->args[k], var, depth - 1)) return true;
    return false;
}

/* Whether integer variable var indexes something: an index of a[...] (or of a[...] = v) derives
 * from it. A clamp of anything else (a saturated value, `if s > 127: s = 127`, stored into an
 * int8 array) stays a select, which lets its loop vectorise (saturating adds of two int8 arrays:
 * 0.80 ms as hinted branches, 0.15 as selects; numba 0.16). */
static bool indexes(Lower *L, int var) {
    for (int i = 0; i < L->fn->ninstrs; i++) {
        Instr *x = L->fn->instrs[i];
        if (x && (x->op == IR_GETITEM || x->op == IR_SETITEM) && derives_from(L, x->args[1], var, 4)) return true;
    }
    return false;
}

/* Whether int value v is loop-index arithmetic: range items, constants and variables assigned
 * outside every loop (or only from such values), + - * of these. */
static bool index_arithmetic(Lower *L, int v, int depth) {
    Instr *x = L->fn->instrs[v];
    if (depth > 6) return false;
    switch (x->op) {
    case IR_CONST: case IR_ARG: return true;
    case IR_ITERVALUE: return L->ti->vtypes[x->args[0]]->iter_of == ty_range;
    case IR_COPY: return index_arithmetic(L, x->args[0], depth + 1);
    case IR_BINOP:
        return (x->imm == IRB_ADD || x->imm == IRB_SUB || x->imm == IRB_MUL) && index_arithmetic(L, x->args[0], depth + 1) &&
               index_arithmetic(L, x->args[1], depth + 1);
    case IR_LOADVAR:
        if (L->fn->varnames[x->imm][0] == '$') return false;
        for (int i = 0; i < L->fn->ninstrs; i++) {
            Instr *st = L->fn->instrs[i];
            if (st && st->op == IR_STOREVAR && st->imm == x->imm && cg_in_loop(L->fn, st->block) &&
                !(L->fn->instrs[st->args[0]]->op == IR_LOADVAR && L->fn->instrs[st->args[0]]->imm == x->imm) &&
                !index_arithmetic(L, st->args[0], depth + 1))
                return false;
        }
        return true;
    default: return false;
    }
}

/* Whether every value stored to var is loop-index arithmetic (ii = i + di, and a clamp's bound). */
static bool holds_index_arithmetic(Lower *L, int var) {
    for (int i = 0; i < L->fn->ninstrs; i++) {
        Instr *st = L->fn->instrs[i];
        if (st && st->op == IR_STOREVAR && st->imm == var && !index_arithmetic(L, st->args[0], 0)) return false;
    }
    return true;
}

/* The target (0 or 1) of BRANCH `br` that clamps an integer variable used as an index, or -1. A
 * clamp of loop-index arithmetic (a 3x3 blur's ii = i + di, held to the image) stays a select:
 * its branches are taken at the edges only, but nine diamonds a pixel kept the blur at 1.5x
 * numba's time, whose LLVM makes them cmovs. */
static int clamp_target(Lower *L, Instr *br) {
    Instr *c = branch_compare(L, br);
    if (!c || c->imm == IRC_EQ || c->imm == IRC_NE) return -1;
    for (int k = 0; k < 2; k++) {
        Instr *x = L->fn->instrs[c->args[k]];
        if (x->op != IR_LOADVAR || L->fn->varnames[x->imm][0] == '$' || !ty_is_int(vt(L, x->id))) continue;
        if (!assigned_before(L, br->block, x->imm, 2) || !indexes(L, x->imm) || holds_index_arithmetic(L, x->imm)) continue;
        bool t0 = assigns_only(L, br->target[0], x->imm), t1 = assigns_only(L, br->target[1], x->imm);
        if (t0 != t1) return t0 ? 0 : 1;
    }
    return -1;
}

/* ---- conditional updates -------------------------------------------------------------
 * `if c: s += x` (or s -= x) with s a float is `s = s + (c ? x : -0.0)` bit for bit: adding
 * -0.0 leaves every value as it is, -0.0 and NaN included (subtracting +0.0 likewise). Lowered
 * so, the loop's sum is an unconditional add, which LLVM vectorises as an in-order reduction;
 * as a branch, SimplifyCFG made select(c, s + x, s) of it, which LLVM 19's vectoriser does not
 * take for an in-order reduction, and the branch mispredicted on data with no pattern (a sum
 * of the elements above a threshold: 1.24 ms per 10^6 at half of them taken, numba the same).
 * It applies when the branch's one side T holds only such updates and work that cannot fail
 * and may run either way: reads of variables, constants, +, -, * and negation, and elements of
 * arrays by int variables, one per axis. An element the branching block has read already (the
 * same array and index variables) is that value; any other is read here either way, from its
 * place when every index lies in the array and from a zero constant when one does not (the
 * program reads it only when the branch goes to T, where it would read out of bounds: without
 * boundscheck, nothing checks that), so a masked sum `if m[i]: s += x[i]` is an unconditional
 * add too (10^6 elements, a random half taken: 3.40 -> 0.81 ms; numba 3.42). In a loop over a
 * range the test is of the range's floor and ceiling, fixed for the loop, and LLVM's unswitching
 * leaves a plain load (guarded_read). Under boundscheck, or in a try block, where the read raises
 * IndexError, only elements read already qualify. T's only
 * predecessor is the branching block, and T goes on to the branch's other side J, with the
 * stack entries J receives the same either way. T's work then runs before the branch's test
 * is used, and the branch becomes a jump to J. */
/* The last STOREVAR of variable v in block b, or NULL. */
static Instr *last_store(Block *b, int v) {
    Instr *st = NULL;
    for (int i = 0; i < b->ninstrs; i++)
        if (b->instrs[i]->op == IR_STOREVAR && b->instrs[i]->imm == v) st = b->instrs[i];
    return st;
}

/* The variables element read y names, into vars: its array's, then one per index (a variable,
 * or a tuple of variables); their count, or 0 when y's array or an index is not a variable. */
static int read_vars(Function *fn, Instr *y, int vars[8]) {
    Instr *arr = fn->instrs[y->args[0]], *idx = fn->instrs[y->args[1]];
    int n = 0;
    if (arr->op != IR_LOADVAR) return 0;
    vars[n++] = arr->imm;
    if (idx->op == IR_LOADVAR) {
        vars[n++] = idx->imm;
        return n;
    }
    if (idx->op != IR_TUPLE || idx->nargs > 6) return 0;
    for (int k = 0; k < idx->nargs; k++) {
        Instr *p = fn->instrs[idx->args[k]];
        if (p->op != IR_LOADVAR) return 0;
        vars[n++] = p->imm;
    }
    return n;
}

/* Is one of vars[0..n) stored in block t before instruction y? */
static bool stored_before(Block *t, Instr *y, const int *vars, int n) {
    for (int i = 0; i < t->ninstrs && t->instrs[i] != y; i++)
        for (int k = 0; k < n; k++)
            if (t->instrs[i]->op == IR_STOREVAR && t->instrs[i]->imm == vars[k]) return true;
    return false;
}

/* Whether variable v is ever given an element of an array (j = indices[k]): as an index, a
 * gather. */
static bool read_from_array(Lower *L, int v) {
    Function *fn = L->fn;
    for (int i = 0; i < fn->ninstrs; i++) {
        Instr *x = fn->instrs[i];
        if (x && x->op == IR_STOREVAR && x->imm == v && fn->instrs[x->args[0]]->op == IR_GETITEM) return true;
    }
    return false;
}

/* Element read y (in T) may be read whatever the branch does (branch_as_update's guarded
 * read): one int variable per axis of its array, none stored in T before it, and no check that
 * would raise (boundscheck, a try block). Not through an index read from an array (a CSR row's
 * `if j != i: s -= data[k] * x[j]` with j = indices[k]): such a loop does not vectorise, and
 * the update made whatever the branch does put a select after each subtraction, on the chain
 * of dependent adds, and a read of x[j] guarded by a select before it (Jacobi sweeps: 2.7 ms
 * that way, 1.2 with the branch; Numba 2.2). */
static bool read_either_way(Lower *L, Block *t, Instr *y) {
    Function *fn = L->fn;
    const Type *at = L->ti->vtypes[y->args[0]];
    int vars[8], n = read_vars(fn, y, vars);
    if (!n || n - 1 != at->ndim || t->handler || L->ti->root->fn->boundscheck || stored_before(t, y, vars, n)) return false;
    for (int k = 1; k < n; k++)
        if (read_from_array(L, vars[k])) return false;
    Instr *idx = fn->instrs[y->args[1]];
    for (int k = 0; k < at->ndim; k++) {
        Instr *p = idx->op == IR_TUPLE ? fn->instrs[idx->args[k]] : idx;
        const Type *pt = L->ti->vtypes[p->id];
        if (!ty_is_int(pt) || pt == ty_bool) return false;
    }
    return true;
}

/* Element read y (in T) was read already in block a: a GETITEM of the same array variable by the
 * same index variables, neither stored since in a or T. */
static bool read_before(Lower *L, Block *a, Block *t, Instr *y) {
    Function *fn = L->fn;
    Instr *arr = fn->instrs[y->args[0]], *idx = fn->instrs[y->args[1]];
    int vars[8], n = read_vars(fn, y, vars);
    if (!n || stored_before(t, y, vars, n)) return false;
    bool found = false;
    for (int i = 0; i < a->ninstrs; i++) {
        Instr *z = a->instrs[i];
        if (z->op == IR_STOREVAR)
            for (int k = 0; k < n; k++) found &= z->imm != vars[k];
        if (z->op != IR_GETITEM || L->ti->vtypes[z->args[0]] != L->ti->vtypes[y->args[0]]) continue;
        Instr *za = fn->instrs[z->args[0]], *zi = fn->instrs[z->args[1]];
        if (za->op != IR_LOADVAR || za->imm != arr->imm || zi->op != idx->op) continue;
        if (idx->op == IR_LOADVAR) found |= zi->imm == idx->imm;
        else if (zi->nargs == idx->nargs) {
            bool same = true;
            for (int k = 0; k < idx->nargs; k++) {
                Instr *p = fn->instrs[zi->args[k]];
                same &= p->op == IR_LOADVAR && p->imm == fn->instrs[idx->args[k]]->imm;
            }
            found |= same;
        }
    }
    return found;
}

/* Whether block `from` ends in a jump, branch or FORITER to block b. */
static bool jumps_to(const Block *from, const Block *b) {
    Instr *x = from->ninstrs ? from->instrs[from->ninstrs - 1] : NULL;
    return x && (x->op == IR_JUMP || x->op == IR_BRANCH || x->op == IR_FORITER) &&
           (x->target[0] == b || (x->op != IR_JUMP && x->target[1] == b));
}

/* The one block that jumps to block b, or NULL (none, or more than one). */
static Block *single_pred(Function *fn, Block *b) {
    Block *found = NULL;
    for (int k = 0; k < fn->nblocks; k++) {
        if (!jumps_to(fn->blocks[k], b)) continue;
        if (found) return NULL;
        found = fn->blocks[k];
    }
    return found;
}

/* Element read y (in T, entered from block a) was read already on the one way to it: in a, or
 * in the block before a when a is entered from that one only (`s == 3 or (s == 2 and g[i, j])`
 * after s = g[i, j] + ...: the third test's read is the first's), its index variables not
 * stored since. */
static bool read_on_the_way(Lower *L, Block *a, Block *t, Instr *y) {
    int vars[8], n = read_vars(L->fn, y, vars);
    if (!n || stored_before(t, y, vars, n)) return false;
    for (int depth = 0; a && depth < 4; depth++) {
        if (read_before(L, a, t, y)) return true;
        if (stored_before(a, NULL, vars, n)) return false;
        a = single_pred(L->fn, a);
    }
    return false;
}

/* Whether terminator br is the only jump to block t. */
static bool only_from(Function *fn, Instr *br, Block *t) {
    for (int b = 0; b < fn->nblocks; b++)
        if (fn->blocks[b] != br->block && jumps_to(fn->blocks[b], t)) return false;
    return true;
}

/* Whether block t, entered only from BRANCH br's block, holds only updates (above) and goes on
 * to block j. */
static bool updates_only(Lower *L, Instr *br, Block *t, Block *j) {
    Function *fn = L->fn;
    Block *a = br->block;
    Instr *end = t->ninstrs ? t->instrs[t->ninstrs - 1] : NULL;
    if (t == a || t == j || !end || end->op != IR_JUMP || end->target[0] != j || t->handler != a->handler || t->push_exc)
        return false;
    if (!only_from(fn, br, t)) return false;   /* a is t's only predecessor */
    int floats = 0;
    for (int i = 0; i + 1 < t->ninstrs; i++) {
        Instr *x = t->instrs[i];
        const Type *xt = L->ti->vtypes[x->id];
        if (cg_stack_move(L->fn, x)) {
            if (x->op == IR_LOADVAR) continue;
            /* J's entry gets the same value either way: a stored it too */
            Instr *src = fn->instrs[x->args[0]];
            if (src->op != IR_LOADVAR || !cg_stack_move(L->fn, src)) return false;
            Instr *s1 = last_store(a, src->imm), *s2 = last_store(a, x->imm);
            if (!s1 || !s2 || s1->args[0] != s2->args[0]) return false;
            continue;
        }
        switch (x->op) {
        case IR_CONST: case IR_TUPLE: continue;   /* a tuple of ints: an index read_before checks */
        case IR_LOADVAR:
            if (L->ti->maybe_unbound[x->id]) return false;
            continue;
        case IR_UNOP:
            if (x->imm != IRU_NEG || (xt != ty_float64 && xt != ty_int64)) return false;
            continue;
        case IR_BINOP:
            if ((x->imm != IRB_ADD && x->imm != IRB_SUB && x->imm != IRB_MUL) || (xt != ty_float64 && xt != ty_int64))
                return false;
            continue;
        case IR_GETITEM:
            if (L->ti->vtypes[x->args[0]]->kind != TY_ARRAY || (xt != ty_float64 && xt != ty_int64) ||
                !(read_before(L, a, t, x) || read_either_way(L, t, x)))
                return false;
            continue;
        case IR_STOREVAR: {
            /* v = v + x or v - x, its read of v used there only, v stored once in t */
            Instr *op = fn->instrs[x->args[0]], *rd = op->op == IR_BINOP ? fn->instrs[op->args[0]] : NULL;
            const Type *vt_ = L->ti->vartypes[x->imm];
            if (!rd || (op->imm != IRB_ADD && op->imm != IRB_SUB) || rd->op != IR_LOADVAR || rd->imm != x->imm ||
                rd->block != t || L->uses[rd->id] != 1 || L->uses[op->id] != 1 || (vt_ != ty_float64 && vt_ != ty_int64) ||
                L->ti->vtypes[op->id] != vt_ || last_store(t, x->imm) != x)
                return false;
            for (int k = 0; k < t->ninstrs; k++)
                if (t->instrs[k]->op == IR_STOREVAR && t->instrs[k] != x && t->instrs[k]->imm == x->imm) return false;
            floats += vt_ == ty_float64;
            continue;
        }
        default:
            return false;
        }
    }
    return floats > 0;
}

static int lower_instr(Lower *L, Instr *in);

/* v, read by `in` out of a container (a jitclass field, a list or dict item: borrowed, the
 * container keeps it), or a reference of its own where the value is used after a store into a
 * container or a call in the same block: `p.a, p.b = p.b, p.a` stores p.b into p.a first, which
 * drops the old p.a's last reference before the swap stores it into p.b. */
static LLVMValueRef owned_if_outlived(Lower *L, Instr *in, LLVMValueRef v, const Type *t) {
    if (!v || !cg_has_refs(L, t)) return v;
    Block *b = in->block;
    int i = 0;
    while (i < b->ninstrs && b->instrs[i] != in) i++;
    bool stored = false;
    for (i++; i < b->ninstrs; i++) {
        Instr *x = b->instrs[i];
        for (int k = 0; stored && k < x->nargs; k++)
            if (x->args[k] == in->id) return cg_own_another(L, v, t);
        stored |= x->op == IR_SETITEM || x->op == IR_DELITEM || x->op == IR_CALL || x->op == IR_LISTAPPEND ||
                  x->op == IR_MAPADD;
    }
    return v;
}

/* Element read y of an updating side, made whatever the branch does (read_either_way): from its
 * place (cg_index_basic's address) when every index lies in its array, else from a zero constant
 * of its dtype. The two axes of loops run as one (lower_collapse.c) lie in it by the merged
 * loop's range. Where every other index has a floor and a ceiling (a range loop's value:
 * lower_floor.c), a test of those, fixed for the loop, goes first: LLVM's loop unswitching then
 * gives the loop a copy where the read is a plain load. */
static void guarded_read(Lower *L, Instr *y) {
    Function *fn = L->fn;
    const Type *at = L->ti->vtypes[y->args[0]];
    LLVMValueRef a = L->vals[y->args[0]], elem = NULL, ok = LLVMConstInt(L->i1, 1, 0), fixed = ok;
    Instr *idx = fn->instrs[y->args[1]], *at_ = L->cur;
    int flat = cg_collapse_part(L, idx);
    for (int k = 0; k < at->ndim; k++) {
        if (flat >= 0 && (k == flat || k == flat + 1)) continue;
        Instr *p = idx->op == IR_TUPLE ? fn->instrs[idx->args[k]] : idx;
        LLVMValueRef i = cg_cast(L, L->vals[p->id], L->ti->vtypes[p->id], ty_int64), n = cg_arr_shape(L, a, k);
        LLVMValueRef lo = cg_floor_of(L, p->id), hi = L->ceils ? L->ceils[p->id] : NULL;
        fixed = fixed && lo && hi ? LLVMBuildAnd(L->b, LLVMBuildAnd(L->b, fixed, LLVMBuildICmp(L->b, LLVMIntSGE, lo, i64c(L, 0), ""), ""),
                                                 LLVMBuildICmp(L->b, LLVMIntSLT, hi, n, ""), "")
                                  : NULL;
        i = LLVMBuildSelect(L->b, cg_is_negative(L, i), LLVMBuildAdd(L->b, i, n, ""), i, "");
        ok = LLVMBuildAnd(L->b, ok, LLVMBuildICmp(L->b, LLVMIntULT, i, n, ""), "");
    }
    L->cur = y;
    cg_index_basic(L, at, a, L->ti->vtypes[y->args[1]], L->vals[y->args[1]], y->args[1], L->ti->vtypes[y->id], &elem);
    L->cur = at_;
    LLVMValueRef zero = cg_const_global(L, LLVMConstNull(cg_elem_llvm(L, at->dtype)), "ember.zero");
    if (!fixed || LLVMIsAConstantInt(fixed)) {
        L->vals[y->id] = cg_load_elem(L, at->dtype, LLVMBuildSelect(L->b, ok, elem, zero, ""));
        return;
    }
    LLVMBasicBlockRef inside = LLVMAppendBasicBlockInContext(L->c, L->func, "read.inside");
    LLVMBasicBlockRef test = LLVMAppendBasicBlockInContext(L->c, L->func, "read.test");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "read.join");
    cg_br_expect(L, fixed, true, inside, test);
    LLVMPositionBuilderAtEnd(L->b, inside);
    LLVMValueRef v1 = cg_load_elem(L, at->dtype, elem);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, test);
    LLVMValueRef v2 = cg_load_elem(L, at->dtype, LLVMBuildSelect(L->b, ok, elem, zero, ""));
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    L->vals[y->id] = cg_phi2(L, v1, inside, v2, test, "read");
}

/* ---- short-circuit tests as one condition ---------------------------------------------
 * `if c == 32 or c == 10:` is two blocks, the second test run only when the first fails. LLVM's
 * simplifycfg makes the chain a switch, which LLVM 19's loop vectoriser refuses; lowered again
 * (jit.c's lower-switch) it comes back as a tree of range tests, `c < 32 ? c == 10 : c <= 32`,
 * vectorised but at 1.5-2x Numba's time on a loop counting separators in bytes. A second test
 * that cannot fail or trap (numbers from variables and constants, compared, negated, added) is
 * lowered with the first as one condition, `(c == 32) | (c == 10)`, which the vectoriser
 * predicates like any if. So is an element read already on the way (read_on_the_way): Life's
 * rule, `c == 3 or (c == 2 and g[i, j])` after a count that read g[i, j], became a switch on c
 * and branches (4.8x numba's time on a 2048x2048 grid). */

/* The bool value a BRANCH tests (through its TRUTH), or -1. */
static int tested_value(Lower *L, Instr *br) {
    Instr *c = L->fn->instrs[br->args[0]];
    int v = c->op == IR_TRUTH ? c->args[0] : c->id;
    return vt(L, v) == ty_bool ? v : -1;
}

/* Store x (in block t, ending in `end`, entered from BRANCH br) gives o's entry the value tv
 * (what t's own branch tests, or a chain's last link's value), where br's block gave that entry
 * the value br tests: `sp = c == 32 or c == 10 or ...` hands the join the test that ended the
 * chain (True for `or`, False for `and`), which for tests taken as one condition is that
 * condition (branch_on_both stores it). */
static bool stores_tested(Lower *L, Instr *x, Instr *br, int tv) {
    Instr *s2 = last_store(br->block, x->imm);
    int av = tested_value(L, br);
    if (x->op != IR_STOREVAR || tv < 0 || av < 0 || x->args[0] != tv || !s2 || s2->args[0] != av) return false;
    /* a test goes on to o when its value is what the chain gives o (True for `or`, False for
     * `and`): in `x < y or (y != y and x == x)` the second test gives o False, which the one
     * condition, True there, is not */
    Block *t = x->block, *o = br->target[br->target[1] == t ? 0 : 1];
    Instr *end = t->instrs[t->ninstrs - 1];
    return end->op != IR_BRANCH || (end->target[0] == o) == (br->target[1] == t);
}

/* Whether the work of block t (entered only from the block of BRANCH br, t's own last
 * instruction `end` left out) cannot fail or trap, so that it may run before br's test: numbers
 * from variables and constants, compared, negated, added, an element read on the way, and the
 * stack's moves, each store to an entry of br's other target o giving what br's block gave it
 * (or, `value`, t's own result where br's block gave br's tested value). */
static bool pure_link(Lower *L, Instr *br, Block *t, Instr *end, int value) {
    Function *fn = L->fn;
    Block *a = br->block;
    bool ok = only_from(fn, br, t);   /* a is t's only predecessor */
    for (int i = 0; i + 1 < t->ninstrs && ok; i++) {
        Instr *x = t->instrs[i];
        const Type *xt = L->ti->vtypes[x->id];
        if (cg_stack_move(fn, x)) {
            if (x->op == IR_LOADVAR || stores_tested(L, x, br, value)) continue;
            /* a store to o's entry (a stores those) must give what a gave it; the others
             * are the entries of t's other target, which o's paths do not read */
            Instr *src = fn->instrs[x->args[0]], *s2 = last_store(a, x->imm);
            Instr *s1 = src->op == IR_LOADVAR && cg_stack_move(fn, src) ? last_store(a, src->imm) : NULL;
            ok = s1 && (!s2 || s1->args[0] == s2->args[0]);
            continue;
        }
        switch (x->op) {
        case IR_CONST: break;
        case IR_LOADVAR: ok = !L->ti->maybe_unbound[x->id] && (ty_is_number(xt) || xt->kind == TY_ARRAY); break;
        case IR_CMP: ok = x->imm <= IRC_GE && ty_is_number(vt(L, x->args[0])) && ty_is_number(vt(L, x->args[1])); break;
        case IR_TRUTH: ok = ty_is_number(vt(L, x->args[0])); break;
        case IR_TUPLE: ok = x->imm == 0; break;   /* (an index: read_on_the_way checks its parts) */
        case IR_GETITEM:   /* an element read on the way here: loaded again, CSE'd */
            ok = vt(L, x->args[0])->kind == TY_ARRAY && ty_is_number(xt) && read_on_the_way(L, a, t, x);
            break;
        case IR_UNOP: ok = (x->imm == IRU_NOT && xt == ty_bool) || (x->imm == IRU_NEG && (xt == ty_int64 || xt == ty_float64)); break;
        case IR_BINOP:
            ok = (x->imm == IRB_ADD || x->imm == IRB_SUB || x->imm == IRB_MUL) && (xt == ty_int64 || xt == ty_float64);
            break;
        default: ok = false;
        }
    }
    return ok;
}

/* The side of br that is a second test (above): the test block, or NULL. */
static Block *second_test(Lower *L, Instr *br) {
    Block *a = br->block;
    for (int side = 0; side < 2; side++) {
        Block *t = br->target[side], *o = br->target[1 - side];
        Instr *end = t->ninstrs ? t->instrs[t->ninstrs - 1] : NULL;
        if (t == a || t == o || !end || end->op != IR_BRANCH || (end->target[0] != o && end->target[1] != o) ||
            t->handler != a->handler || t->push_exc || o->offset <= a->offset || t->offset <= a->offset ||
            end->target[0]->offset <= t->offset || end->target[1]->offset <= t->offset)
            continue;
        if (pure_link(L, br, t, end, tested_value(L, end))) return t;
    }
    return NULL;
}

/* The last link of a chain `x = a or b or c` that br (the test before it) leads to on side
 * `side`: a block that computes the value without a test and jumps to o, br's other target,
 * whose entry it gives that value (stores_tested); NULL where there is none. *value: the value. */
static Block *last_link(Lower *L, Instr *br, int side, int *value) {
    Block *a = br->block, *f = br->target[side], *o = br->target[1 - side];
    Instr *end = f->ninstrs ? f->instrs[f->ninstrs - 1] : NULL;
    if (f == a || f == o || !end || end->op != IR_JUMP || end->target[0] != o || f->handler != a->handler || f->push_exc ||
        o->offset <= f->offset || f->offset <= a->offset)
        return NULL;
    for (int i = 0; i + 1 < f->ninstrs; i++) {   /* the value: what f stores where a stored its test */
        Instr *x = f->instrs[i], *s2 = x->op == IR_STOREVAR && cg_stack_move(L->fn, x) ? last_store(a, x->imm) : NULL;
        if (s2 && s2->args[0] == tested_value(L, br) && vt(L, x->args[0]) == ty_bool) *value = x->args[0];
    }
    return *value >= 0 && pure_link(L, br, f, end, *value) ? f : NULL;
}

/* ---- two sides that store one element ------------------------------------------------
 * A boundary condition, `if j == 0 or j == n - 1: un[j] = 0.0` `else: un[j] = u[j] + k * (u[j
 * + 1] - 2 * u[j] + u[j - 1])`: both sides store the same element (the same array and index
 * variables), each after arithmetic that cannot fail. As two stores behind a branch the loop
 * stayed scalar (LLVM folded the first side's address to un[n - 1] once it peeled j == 0, and
 * nothing merged the stores): 2.6x numba's time over 10^5 elements. Lowered as each side's
 * work under the branch, as written, then one store of the value either side made (a phi), the
 * loop vectorises with masked loads (2.4 ms, numba 2.4). Each side: entered only from the test's
 * blocks, a jump to the same block J (its stack moves made on its way there), and nothing but
 * constants, reads of number or array variables, + - * and negation of numbers,
 * index tuples, element reads and the one store, last, of an element named by variables. */

/* Whether value v is an int index made of variables and constants by + and - in block s. */
static bool plain_index(Lower *L, Block *s, int v, int depth) {
    Instr *x = L->fn->instrs[v];
    const Type *t = L->ti->vtypes[v];
    if (depth > 4 || !t || !ty_is_int(t) || t == ty_bool) return false;
    if (x->op == IR_CONST) return true;
    if (x->op == IR_LOADVAR) return x->block == s && !L->ti->maybe_unbound[v];
    return x->op == IR_BINOP && (x->imm == IRB_ADD || x->imm == IRB_SUB) && x->block == s &&
           plain_index(L, s, x->args[0], depth + 1) && plain_index(L, s, x->args[1], depth + 1);
}

/* The variables the element store or read x names (its array's, then each index's when it is a
 * variable, -1 for a part that is not), into vars; their count, or 0. */
static int element_vars(Function *fn, Instr *x, int vars[8]) {
    Instr *arr = fn->instrs[x->args[0]], *idx = fn->instrs[x->args[1]];
    if (arr->op != IR_LOADVAR) return 0;
    int n = 0;
    vars[n++] = arr->imm;
    int parts = idx->op == IR_TUPLE ? idx->nargs : 1;
    if (parts > 7) return 0;
    for (int k = 0; k < parts; k++) {
        Instr *p = idx->op == IR_TUPLE ? fn->instrs[idx->args[k]] : idx;
        vars[n++] = p->op == IR_LOADVAR ? p->imm : -1;
    }
    return n;
}

/* Side s of the test (entered from a, or from `also`, the test block branch_on_both took in):
 * its one element store, or NULL where s is not such a side; *join its jump's target. */
static Instr *store_side(Lower *L, Block *s, Block *a, Block *also, Block **join) {
    Function *fn = L->fn;
    Instr *end = s->ninstrs ? s->instrs[s->ninstrs - 1] : NULL, *store = NULL;
    if (s == a || !end || end->op != IR_JUMP || s->handler != a->handler || s->push_exc) return NULL;
    for (int b = 0; b < fn->nblocks; b++)   /* s is entered from a (and also) only */
        if (fn->blocks[b] != a && fn->blocks[b] != also && jumps_to(fn->blocks[b], s)) return NULL;
    for (int i = 0; i + 1 < s->ninstrs; i++) {
        Instr *x = s->instrs[i];
        const Type *xt = L->ti->vtypes[x->id];
        if (cg_stack_move(fn, x)) continue;   /* (each side makes its own: J reads them) */
        if (store) return NULL;   /* the store comes last */
        switch (x->op) {
        case IR_CONST: break;
        case IR_LOADVAR:
            if (L->ti->maybe_unbound[x->id] || !(ty_is_number(xt) || xt->kind == TY_ARRAY)) return NULL;
            break;
        case IR_TUPLE: if (x->imm != 0) return NULL; break;
        case IR_UNOP: if (x->imm != IRU_NEG || (xt != ty_float64 && xt != ty_int64)) return NULL; break;
        case IR_BINOP:
            if ((x->imm != IRB_ADD && x->imm != IRB_SUB && x->imm != IRB_MUL) || (xt != ty_float64 && xt != ty_int64)) return NULL;
            break;
        case IR_GETITEM: case IR_SETITEM: {
            const Type *at = L->ti->vtypes[x->args[0]];
            Instr *idx = fn->instrs[x->args[1]];
            int parts = idx->op == IR_TUPLE ? idx->nargs : 1;
            if (!at || at->kind != TY_ARRAY || parts != at->ndim || fn->instrs[x->args[0]]->op != IR_LOADVAR) return NULL;
            for (int k = 0; k < parts; k++)
                if (!plain_index(L, s, idx->op == IR_TUPLE ? idx->args[k] : idx->id, 0)) return NULL;
            if (x->op == IR_SETITEM) {
                if (at->readonly || !ty_is_number(L->ti->vtypes[x->args[2]])) return NULL;
                store = x;
            } else if (!ty_is_number(xt)) {
                return NULL;
            }
            break;
        }
        default: return NULL;
        }
    }
    *join = end->target[0];
    return store;
}

/* Lower value v of side block s again where the builder is (the store's array and index, made
 * in one side's block, are needed after both). */
static int relower(Lower *L, Block *s, int v, int depth) {
    Instr *x = L->fn->instrs[v];
    if (x->block != s || depth > 8) return 0;
    if (x->op != IR_LOADVAR && x->op != IR_CONST && x->op != IR_BINOP && x->op != IR_TUPLE) return 0;
    for (int k = 0; k < x->nargs; k++)
        if (relower(L, s, x->args[k], depth + 1)) return -1;
    Instr *at = L->cur;
    int rc = lower_instr(L, x);
    L->cur = at;
    return rc;
}

/* The branch to yes or no (on cond, made in block a; `also`: the test block it took in) with one
 * store after it, where both are sides that store one element (above): 1, or 0 (nothing emitted)
 * where it does not apply, -1 on an error. */
static int branch_as_store(Lower *L, LLVMValueRef cond, Block *yes, Block *no, Block *a, Block *also) {
    Block *jy = NULL, *jn = NULL;
    Instr *sy = yes != no ? store_side(L, yes, a, also, &jy) : NULL, *sn = sy ? store_side(L, no, a, also, &jn) : NULL;
    int vy[8], vn[8], ny, nn;
    if (!sn || jy != jn || jy == yes || jy == no) return 0;
    if (!(ny = element_vars(L->fn, sy, vy)) || (nn = element_vars(L->fn, sn, vn)) != ny) return 0;
    for (int k = 0; k < ny; k++)
        if (vy[k] < 0 || vy[k] != vn[k]) return 0;
    for (int k = 1; k < ny; k++)   /* an index variable stored in a side would name another element */
        for (int side = 0; side < 2; side++) {
            Block *s = side ? no : yes;
            for (int i = 0; i < s->ninstrs; i++)
                if (s->instrs[i]->op == IR_STOREVAR && s->instrs[i]->imm == vy[k]) return 0;
        }
    const Type *ty = L->ti->vtypes[sy->args[2]], *tn = L->ti->vtypes[sn->args[2]];
    const Type *wide = ty_unify(ty, tn), *arr = L->ti->vtypes[sy->args[0]];
    /* one value type, or numbers the element's own type holds exactly on the way (an int and a
     * float into a float64 array: the int through a float64 is what storing it does) */
    if (!wide || !ty_is_number(wide)) return 0;
    if (ty != tn && !(arr->dtype == DT_FLOAT64 && wide == ty_float64) && !(arr->dtype == DT_COMPLEX128 && wide == ty_complex128))
        return 0;
    Instr *at = L->cur;
    cg_xwraps_absorbed(L, yes);   /* (each side's work is lowered here, under the branch) */
    cg_xwraps_absorbed(L, no);
    LLVMBasicBlockRef side_bb[2], ends[2], join = LLVMAppendBasicBlockInContext(L->c, L->func, "stored");
    LLVMValueRef vals[2];
    side_bb[0] = LLVMAppendBasicBlockInContext(L->c, L->func, "store.yes");
    side_bb[1] = LLVMAppendBasicBlockInContext(L->c, L->func, "store.no");
    LLVMBuildCondBr(L->b, cond, side_bb[0], side_bb[1]);
    L->xwraps.off++;   /* (a side's wraps are not the other side's: none kept for other blocks) */
    struct CgWraps before = L->wraps;   /* indices wrapped before serve both sides and the join */
    for (int side = 0; side < 2; side++) {   /* each side's work under the branch, as written */
        Block *s = side ? no : yes;
        Instr *st = side ? sn : sy;
        LLVMPositionBuilderAtEnd(L->b, side_bb[side]);
        L->wraps = before;   /* (those of one side are not the other's, nor the join's) */
        for (int i = 0; i + 1 < s->ninstrs; i++) {
            Instr *x = s->instrs[i];
            if (x->op == IR_SETITEM) continue;   /* (its stack moves too: J reads its entries) */
            if (lower_instr(L, x)) return -1;
        }
        vals[side] = cg_cast(L, L->vals[st->args[2]], side ? tn : ty, wide);
        if (side) L->xwraps.off--;
        ends[side] = LLVMGetInsertBlock(L->b);
        LLVMBuildBr(L->b, join);
    }
    LLVMPositionBuilderAtEnd(L->b, join);
    L->wraps = before;
    LLVMValueRef v = LLVMBuildPhi(L->b, cg_type(L, wide), "either");
    LLVMAddIncoming(v, vals, ends, 2);
    Instr *store = wide == tn ? sn : sy;   /* one store, after both: the side whose value has the wider type */
    Block *ss = store == sn ? no : yes;
    if (relower(L, ss, store->args[0], 0) || relower(L, ss, store->args[1], 0)) return -1;
    LLVMValueRef keep = L->vals[store->args[2]];
    L->vals[store->args[2]] = v;
    L->cur = store;
    int rc = lower_instr(L, store);
    L->vals[store->args[2]] = keep;
    L->cur = at;
    if (rc) return -1;
    LLVMBuildBr(L->b, jump_target(L, a, jy));
    return 1;
}

/* Block t's work (its last instruction left out) lowered here. */
static int link_work(Lower *L, Block *t) {
    Instr *at = L->cur;
    for (int i = 0; i + 1 < t->ninstrs; i++)
        if (lower_instr(L, t->instrs[i])) return -1;
    L->cur = at;
    cg_xwraps_absorbed(L, t);
    return 0;
}

/* Each store block t makes of value tv where br's block stored br's tested value: cond instead. */
static void store_condition(Lower *L, Instr *br, Block *t, int tv, LLVMValueRef cond) {
    for (int i = 0; i + 1 < t->ninstrs; i++) {
        Instr *x = t->instrs[i];
        if (cg_stack_move(L->fn, x) && stores_tested(L, x, br, tv) && L->vars[x->imm]) LLVMBuildStore(L->b, cond, L->vars[x->imm]);
    }
}

/* BRANCH br with a second test (above): that test's work here, then one branch on both; the
 * tests after it in a chain `a or b or c ...` (each leading to br's target o, in the same sense)
 * join the one condition too, and where the chain ends in a value (`x = a or b or c`) without a
 * test, that last value: the chain becomes straight-line code, which simplifycfg cannot make a
 * switch (a chain of branches on `c == 32`, `c == 10`, ... became one, and the loop holding it
 * stayed scalar: a word count over bytes 917 us, 187 with the tests or-ed by hand). */
static int branch_on_both(Lower *L, Instr *br, Block *t) {
    /* `a or b`: a true goes to o, else b decides between o and another block; `a and b`: a
     * false goes to o, else b decides. Each later test is made to mean "o" for `or`, "the other
     * block" for `and`. */
    bool is_or = br->target[1] == t;
    Block *o = br->target[is_or ? 0 : 1], *other = NULL;
    LLVMValueRef cond = L->vals[br->args[0]];
    Instr *prev = br;
    for (Block *link = t; link;) {
        Instr *end = link->instrs[link->ninstrs - 1];
        if (link_work(L, link)) return -1;
        bool o_when_true = end->target[0] == o;
        other = end->target[o_when_true ? 1 : 0];
        LLVMValueRef c2 = L->vals[end->args[0]];
        if (o_when_true != is_or) c2 = LLVMBuildNot(L->b, c2, "");
        cond = is_or ? LLVMBuildOr(L->b, cond, c2, "either") : LLVMBuildAnd(L->b, cond, c2, "both");
        store_condition(L, prev, link, tested_value(L, end), cond);   /* the join's value: the one condition */
        prev = end;
        Block *next = second_test(L, end);
        int value = -1, side = end->target[0] == other ? 0 : 1;
        Block *last = next ? NULL : last_link(L, end, side, &value);
        if (last) {   /* `x = a or b or c`: c's value, no test, then o */
            if (link_work(L, last)) return -1;
            LLVMValueRef v = L->vals[value];
            cond = is_or ? LLVMBuildOr(L->b, cond, v, "either") : LLVMBuildAnd(L->b, cond, v, "both");
            store_condition(L, end, last, value, cond);
            LLVMBuildBr(L->b, jump_target(L, br->block, o));
            return 1;
        }
        link = next == other && o_when_true == is_or ? next : NULL;   /* (second_test: next's test leads to o too) */
    }
    Block *yes = is_or ? o : other, *no = is_or ? other : o;
    if (prev->block == t) {
        int stored = branch_as_store(L, cond, yes, no, br->block, t);
        if (stored) return stored < 0 ? -1 : 1;
    }
    LLVMBuildCondBr(L->b, cond, jump_target(L, br->block, yes), jump_target(L, br->block, no));
    return 1;
}

/* BRANCH `br` whose one side only updates (above): its work and updates here, then a jump to
 * the other side; 1. 0 (nothing emitted) where it does not apply, -1 on an error. */
static int branch_as_update(Lower *L, Instr *br) {
    if (L->pending_int.branch == br) return 0;
    int side = updates_only(L, br, br->target[0], br->target[1]) ? 0
             : updates_only(L, br, br->target[1], br->target[0]) ? 1 : -1;
    if (side < 0) return 0;
    Block *t = br->target[side], *j = br->target[1 - side];
    LLVMValueRef cond = L->vals[br->args[0]];
    Instr *at = L->cur;
    cg_xwraps_absorbed(L, t);
    for (int i = 0; i + 1 < t->ninstrs; i++) {
        Instr *x = t->instrs[i];
        if (cg_stack_move(L->fn, x)) continue;
        if (x->op == IR_STOREVAR) {
            Instr *op = L->fn->instrs[x->args[0]];
            const Type *vt_ = L->ti->vartypes[x->imm];
            bool f = vt_ == ty_float64;
            LLVMValueRef ident = f ? f64c(L, op->imm == IRB_ADD ? -0.0 : 0.0) : i64c(L, 0);
            LLVMValueRef v = operand(L, op->args[1], vt_);
            v = side == 0 ? LLVMBuildSelect(L->b, cond, v, ident, "") : LLVMBuildSelect(L->b, cond, ident, v, "");
            L->vals[op->id] = cg_binop(L, op->imm, operand(L, op->args[0], vt_), v, vt_, NULL);
            if (f && cg_f32_scalar(L, op))   /* a float32 sum stays float32 (as lowering it does elsewhere) */
                L->vals[op->id] = cg_f32_narrow(L, L->vals[op->id]);
        }
        if (x->op == IR_BINOP) {   /* an update's own add is made above, at its store */
            bool update = false;
            for (int k = i + 1; k + 1 < t->ninstrs; k++)
                update |= t->instrs[k]->op == IR_STOREVAR && t->instrs[k]->args[0] == x->id && !cg_stack_move(L->fn, t->instrs[k]);
            if (update) continue;
        }
        if (x->op == IR_GETITEM && !read_before(L, br->block, t, x)) {
            guarded_read(L, x);
            continue;
        }
        if (lower_instr(L, x)) return -1;
    }
    L->cur = at;
    LLVMBuildBr(L->b, jump_target(L, br->block, j));
    return 1;
}

/* ---- a deferred int() test ------------------------------------------------------------
 * `b = int(v)` followed by `if b < 0:` (or any test of b against an integer constant) needs no
 * test of its own on the side of the branch that -2**63, the conversion's "did not fit" value,
 * cannot take: it is below every other constant. So the conversion's test moves to the start
 * of the other side, off the common path (histogram: 6.9 ms with the test before the branch,
 * 6.0 without). This holds when nothing but loads of variables and constants comes between the
 * assignment and the branch. Fills L->pending_int when it applies. */
bool cg_defer_int_check(Lower *L) {
    Instr *call = L->cur;
    Block *b = call ? call->block : NULL;
    int i = 0;
    if (!b || L->ti->vtypes[call->id] != ty_int64 || L->uses[call->id] != 1) return false;
    while (i < b->ninstrs && b->instrs[i] != call) i++;
    if (i + 1 >= b->ninstrs) return false;
    Instr *st = b->instrs[++i], *cmp = NULL;
    if (st->op != IR_STOREVAR || st->args[0] != call->id || L->ti->vartypes[st->imm] != ty_int64) return false;
    for (i++; i < b->ninstrs; i++) {
        Instr *x = b->instrs[i];
        if (x->op == IR_LOADVAR || x->op == IR_CONST) continue;
        if (x->op == IR_STOREVAR && L->fn->varnames[x->imm][0] == '$') continue;
        if (x->op == IR_CMP && !cmp) { cmp = x; continue; }
        if (x->op == IR_TRUTH && cmp && x->args[0] == cmp->id) continue;
        break;
    }
    if (i == b->ninstrs || !cmp || b->instrs[i]->op != IR_BRANCH) return false;
    Instr *br = b->instrs[i], *c = branch_compare(L, br);
    Instr *a0 = L->fn->instrs[cmp->args[0]], *a1 = L->fn->instrs[cmp->args[1]];
    bool left = a0->op == IR_LOADVAR && a0->imm == st->imm;
    Instr *v = left ? a0 : a1, *k = left ? a1 : a0;
    if (c != cmp || v->op != IR_LOADVAR || v->imm != st->imm || k->op != IR_CONST || k->c.kind != K_INT ||
        k->c.i == INT64_MIN)
        return false;
    /* -2**63 OP k, with b written on the left */
    static const bool min_true[6] = {[IRC_LT] = true, [IRC_LE] = true, [IRC_NE] = true};
    static const IrCmp mirror[6] = {[IRC_LT] = IRC_GT, [IRC_LE] = IRC_GE, [IRC_EQ] = IRC_EQ,
                                    [IRC_NE] = IRC_NE, [IRC_GT] = IRC_LT, [IRC_GE] = IRC_LE};
    L->pending_int.branch = br;
    L->pending_int.side = min_true[left ? (IrCmp)cmp->imm : mirror[cmp->imm]] ? 0 : 1;
    L->pending_int.var = st->imm;
    L->pending_int.loc = call->loc;
    return true;
}

/* The branch that L->pending_int waits for: the test goes in a block of its own on the way to
 * the side -2**63 takes. On the rare path where the conversion said "did not fit", the variable
 * is stored again from a fresh conversion (as cg_float_to_int does) so that the optimiser
 * learns no constant there and does not duplicate the code after it. */
static void branch_with_int_check(Lower *L, LLVMValueRef cond, LLVMBasicBlockRef t, LLVMBasicBlockRef f, int clamp) {
    LLVMBasicBlockRef chk = LLVMAppendBasicBlockInContext(L->c, L->func, "intcheck");
    LLVMBasicBlockRef to = L->pending_int.side == 0 ? t : f;
    if (L->pending_int.side == 0) t = chk;
    else f = chk;
    if (clamp < 0) LLVMBuildCondBr(L->b, cond, t, f);
    else cg_br_expect(L, cond, clamp == 1, t, f);
    LLVMPositionBuilderAtEnd(L->b, chk);
    Loc at = L->loc;
    L->loc = L->pending_int.loc;   /* the failure is the conversion's, at its line */
    LLVMValueRef r = cg_int_checked_after(L, L->pending_int.x, L->pending_int.r);
    L->loc = at;
    if (L->vars[L->pending_int.var]) {
        LLVMBuildStore(L->b, r, L->vars[L->pending_int.var]);
        cg_floor_store(L, L->pending_int.var, -1, r);
    }
    LLVMBuildBr(L->b, to);
    L->pending_int.branch = NULL;
}

/* A result r wrapped or rounded to the sized scalars of a signature's return type t (a
 * TY_NARROW, or a tuple holding some). */
static LLVMValueRef narrowed_result(Lower *L, LLVMValueRef r, const Type *t) {
    if (t->kind == TY_NARROW) return cg_wrap_dtype(L, r, t->dtype);
    for (int i = 0; t->kind == TY_TUPLE && i < t->n; i++)
        if (ty_held(t->elems[i]) != t->elems[i])
            r = LLVMBuildInsertValue(L->b, r, narrowed_result(L, LLVMBuildExtractValue(L->b, r, (unsigned)i, ""), t->elems[i]),
                                     (unsigned)i, "");
    return r;
}

static int lower_instr(Lower *L, Instr *in) {
    TypeInfo *ti = L->ti;
    const Type *t = ti->vtypes[in->id];
    LLVMValueRef v = NULL;
    L->loc = in->loc;
    L->cur = in;
    if (L->fused && L->fused[in->id]) return 0;   /* evaluated inside its user's loop */
    if (in->op != IR_CALL && ti->calls[in->id] && ti->calls[in->id]->receiver) {   /* obj.prop, obj + x, obj[i]: a method */
        v = lower_call(L, in);
        if (v && t && cg_has_refs(L, t)) v = cg_own(L, v, t);   /* (a call's result is fresh; a setter has no type) */
        L->vals[in->id] = v;
        return v ? 0 : -1;
    }
    switch (in->op) {
    case IR_CONST: v = const_ir(L, in); break;
    case IR_ARG:
        v = L->err ? cg_rec_param(L, in->imm) : LLVMGetParam(L->func, (unsigned)in->imm + 1);   /* after `out` */
        if (ti->argdt && in->imm < ti->nargs && ti->argdt[in->imm] >= 0)
            v = cg_wrap_dtype(L, v, ti->argdt[in->imm]);   /* "uint8(uint8)" given 300: 44, as Numba unboxes */
        break;
    case IR_GLOBAL: case IR_GETATTR:
        if (in->op == IR_GETATTR && t->kind == TY_METHOD) {
            v = L->vals[in->args[0]];   /* a method: its receiver, which the call's lowering reads */
        } else if (in->op == IR_GETATTR && vt(L, in->args[0])->kind == TY_ARRAY) {
            v = cg_array_getattr(L, in);
        } else if (in->op == IR_GETATTR && vt(L, in->args[0])->kind == TY_CLASS) {
            v = owned_if_outlived(L, in, cg_class_getattr(L, in), t);
        } else if (in->op == IR_GETATTR && (vt(L, in->args[0])->kind == TY_RECARRAY || vt(L, in->args[0])->kind == TY_RECORD)) {
            v = cg_fields_getattr(L, in);
        } else if (in->op == IR_GETATTR && vt(L, in->args[0])->kind == TY_METHOD && vt(L, in->args[0])->recv->kind == TY_ARRAY) {
            v = cg_array_flag(L, vt(L, in->args[0])->recv, L->vals[in->args[0]], in->str);
        } else if (in->op == IR_GETATTR && vt(L, in->args[0])->kind == TY_EXCVAL) {
            v = cg_exc_args(L, L->vals[in->args[0]], t);
        } else if (in->op == IR_GETATTR && vt(L, in->args[0])->kind == TY_RANGE) {   /* {start, stop, step} */
            unsigned k = !strcmp(in->str, "start") ? 0 : !strcmp(in->str, "stop") ? 1 : 2;
            v = LLVMBuildExtractValue(L->b, L->vals[in->args[0]], k, in->str);
        } else if (in->op == IR_GETATTR && vt(L, in->args[0])->kind == TY_SLICE) {
            v = slice_part(L, vt(L, in->args[0])->n, L->vals[in->args[0]], in->str);
        } else if (in->op == IR_GETATTR && ty_namedtuple_field(vt(L, in->args[0]), in->str) >= 0) {
            v = LLVMBuildExtractValue(L->b, L->vals[in->args[0]], (unsigned)ty_namedtuple_field(vt(L, in->args[0]), in->str), "");
        } else if (ti->frozen[in->id]) {
            v = cg_const_of(L, ti->frozen[in->id], t);
        } else if (in->op == IR_GETATTR && vt(L, in->args[0])->kind == TY_ENUM) {
            v = L->vals[in->args[0]];   /* m.value: the member's value is what it holds */
        } else if (in->op == IR_GETATTR && ty_is_number(vt(L, in->args[0]))) {
            const Type *rt = vt(L, in->args[0]);
            LLVMValueRef x = L->vals[in->args[0]];
            bool imag = !strcmp(in->str, "imag");
            if (t->kind == TY_TUPLE) v = LLVMConstNull(cg_type(L, t));   /* x.shape: () */
            else if (rt == ty_complex128) v = LLVMBuildExtractValue(L->b, x, imag, "");
            else if (imag) v = LLVMConstNull(cg_type(L, t));
            else v = cg_cast(L, x, rt, t);
        } else {
            v = LLVMGetPoison(cg_type(L, t));
        }
        break;
    case IR_LOADVAR: {
        const Type *vt_ = ti->vartypes[in->imm];
        if (L->assigned && L->assigned[in->imm] && ti->maybe_unbound[in->id])
            cg_raise_unless(L, LLVMBuildLoad2(L->b, L->i1, L->assigned[in->imm], ""), "builtins:UnboundLocalError",
                            ctx_printf(L->ctx, "cannot access local variable '%s' where it is not associated with a value",
                                       L->fn->varnames[in->imm]));
        v = L->vars[in->imm] ? LLVMBuildLoad2(L->b, cg_type(L, vt_), L->vars[in->imm], "")
                             : LLVMGetPoison(cg_type(L, t));
        break;
    }
    case IR_STOREVAR:
        cg_forget_wraps(L, in->imm);
        if (L->assigned && L->assigned[in->imm]) LLVMBuildStore(L->b, LLVMConstInt(L->i1, 1, 0), L->assigned[in->imm]);
        if (L->vars[in->imm]) {
            const Type *vt_ = ti->vartypes[in->imm];
            LLVMValueRef x = operand(L, in->args[0], vt_);
            if (L->fn->declared_dt && L->fn->declared_dt[in->imm] >= 0) x = cg_wrap_dtype(L, x, L->fn->declared_dt[in->imm]);
            if (cg_has_refs(L, vt_) && !(L->borrowed && L->borrowed[in->imm])) cg_store_var(L, in, x, vt_);
            else LLVMBuildStore(L->b, x, L->vars[in->imm]);
            cg_floor_store(L, in->imm, in->args[0], x);
        }
        return 0;
    case IR_BINOP: {
        if (in->imm == IRB_MATMUL && (vt(L, in->args[0])->kind == TY_ARRAY || vt(L, in->args[1])->kind == TY_ARRAY)) {
            v = cg_product(L, vt(L, in->args[0]), L->vals[in->args[0]], vt(L, in->args[1]), L->vals[in->args[1]], t, false);
            break;
        }
        if (t->kind == TY_ARRAY) {
            v = cg_array_expr(L, in);
            break;
        }
        if (t->kind == TY_LIST) {
            v = cg_list_binop(L, in);
            break;
        }
        if (t->kind == TY_SET) {
            v = cg_set_binop(L, in);
            break;
        }
        if (t == ty_str) {
            v = cg_str_binop(L, in);
            break;
        }
        if (t->kind == TY_TUPLE && in->imm == IRB_MUL) {   /* t * k: t's items again and again */
            int side = vt(L, in->args[0])->kind == TY_TUPLE ? 0 : 1, n = vt(L, in->args[side])->n;
            v = LLVMGetUndef(cg_type(L, t));
            for (int i = 0; i < t->n; i++)
                v = LLVMBuildInsertValue(L->b, v, LLVMBuildExtractValue(L->b, L->vals[in->args[side]], (unsigned)(i % n), ""), (unsigned)i, "");
            break;
        }
        if (t->kind == TY_TUPLE) {   /* concatenation */
            const Type *a = vt(L, in->args[0]), *b = vt(L, in->args[1]);
            v = LLVMGetUndef(cg_type(L, t));
            for (int i = 0; i < a->n; i++)
                v = LLVMBuildInsertValue(L->b, v, LLVMBuildExtractValue(L->b, L->vals[in->args[0]], (unsigned)i, ""), (unsigned)i, "");
            for (int i = 0; i < b->n; i++)
                v = LLVMBuildInsertValue(L->b, v, LLVMBuildExtractValue(L->b, L->vals[in->args[1]], (unsigned)i, ""), (unsigned)(a->n + i), "");
            break;
        }
        if (t == ty_float64 && cg_f32_scalar(L, in) && (in->imm == IRB_ADD || in->imm == IRB_SUB || in->imm == IRB_MUL)) {
            v = f32_binop(L, in);   /* float32 + - * in float (a pixel's int too) */
            break;
        }
        LLVMValueRef x[2];
        for (int k = 0; k < 2; k++) {   /* a float32 operand through float: LLVM then narrows a loop-carried one */
            const Type *ot = binop_operand_type(in->imm, t, k);
            x[k] = operand(L, in->args[k], ot);
            if (L->ti->f32 && L->ti->f32[in->args[k]] && ot == ty_float64) x[k] = cg_f32_narrow(L, x[k]);
        }
        v = cg_binop(L, in->imm, x[0], x[1], t, in);
        break;
    }
    case IR_UNOP:
        if (t->kind == TY_ARRAY) {
            v = cg_array_expr(L, in);
        } else if (in->imm == IRU_NOT) {
            v = LLVMBuildNot(L->b, cg_truth(L, L->vals[in->args[0]], vt(L, in->args[0])), "");
        } else {
            LLVMValueRef x = operand(L, in->args[0], t);
            int nd = t == ty_int64 && (in->imm == IRU_NEG || in->imm == IRU_INVERT) ? ti_numpy_scalar_dtype(L->ti, in->args[0]) : -1;
            if (nd >= 0 && strchr("iu", ty_dtypes[nd].kind) && ty_dtypes[nd].size < 8) {
                /* -x, ~x of an np.uint8 (an element of a uint8 array ...) wrap at its width, as in
                 * NumPy and Numba: -np.uint8(5) is 251, ~np.uint32(5) 4294967290 */
                v = cg_wrap_dtype(L, cg_unop(L, in->imm, x, t, t), nd);
            } else if (!(v = cg_narrow_unop(L, in, x))) {
                v = cg_unop(L, in->imm, x, t, t);
            }
        }
        break;
    case IR_CMP: {
        const Type *a = vt(L, in->args[0]), *b = vt(L, in->args[1]);
        if (t->kind == TY_ARRAY) {
            v = cg_array_expr(L, in);
        } else if (a->kind == TY_OPTIONAL || b->kind == TY_OPTIONAL) {
            v = cmp_optional(L, in->imm == IRC_EQ, L->vals[in->args[0]], a, L->vals[in->args[1]], b);
        } else if (a->kind == TY_NONE || b->kind == TY_NONE || a->kind == TY_DTYPE) {
            bool eq = a == b;   /* None, dtypes: decided by the types */
            v = LLVMConstInt(L->i1, in->imm == IRC_EQ ? eq : !eq, 0);
        } else if (a == ty_str && ti_const_str(L->ti, in->args[0]) && ti_const_str(L->ti, in->args[1])) {
            /* a.dtype.kind == "i": decided here (UTF-8's byte order is the code points') */
            int d = strcmp(ti_const_str(L->ti, in->args[0]), ti_const_str(L->ti, in->args[1]));
            v = LLVMConstInt(L->i1, ir_cmp_holds(in->imm, (d > 0) - (d < 0)), 0);
        } else if (a == ty_str && (cg_chars_compared(L, L->fn->instrs[in->args[0]]) ||
                                   cg_chars_compared(L, L->fn->instrs[in->args[1]]))) {
            v = cg_chars_cmp(L, in);   /* a string array's element in place */
        } else if (a == ty_str) {
            v = cg_str_cmp(L, in->imm, L->vals[in->args[0]], L->vals[in->args[1]]);
        } else if (a->kind == TY_TUPLE || a->kind == TY_LIST || b->kind == TY_LIST || a->kind == TY_SET || b->kind == TY_SET ||
                   a->kind == TY_DICT || b->kind == TY_DICT || a->kind == TY_ENUM) {
            v = cg_cmp_any(L, in->imm, L->vals[in->args[0]], a, L->vals[in->args[1]], b);
        } else {
            v = cg_cmp_values(L, in->imm, L->vals[in->args[0]], a, L->vals[in->args[1]], b);
        }
        break;
    }
    case IR_IS: {
        const Type *a = vt(L, in->args[0]), *b = vt(L, in->args[1]);
        if (a->kind == TY_OPTIONAL || b->kind == TY_OPTIONAL) {   /* None when its flag says no value */
            LLVMValueRef o = L->vals[in->args[a->kind == TY_OPTIONAL ? 0 : 1]];
            const Type *other = a->kind == TY_OPTIONAL ? b : a;
            LLVMValueRef none = LLVMBuildNot(L->b, LLVMBuildExtractValue(L->b, o, 0, ""), "");
            if (other->kind != TY_NONE) none = LLVMConstInt(L->i1, 0, 0);   /* `is` against a value */
            v = in->imm ? LLVMBuildNot(L->b, none, "") : none;
            break;
        }
        if ((a->kind == TY_CLASS && b->kind == TY_NONE) || (b->kind == TY_CLASS && a->kind == TY_NONE)) {
            LLVMValueRef p = L->vals[in->args[a->kind == TY_CLASS ? 0 : 1]];   /* NULL: an OptionalType(instance)'s None */
            v = LLVMBuildICmp(L->b, in->imm ? LLVMIntNE : LLVMIntEQ, p, LLVMConstNull(L->ptr), "");
            break;
        }
        if (ty_is_heap(a) && (a == b || (a->kind == TY_CLASS && b->kind == TY_CLASS && a->obj == b->obj))) {   /* the same block */
            v = LLVMBuildICmp(L->b, in->imm ? LLVMIntNE : LLVMIntEQ, L->vals[in->args[0]], L->vals[in->args[1]], "");
            break;
        }
        if (a == b && (ty_is_number(a) || a == ty_str || a->kind == TY_ENUM)) {   /* numbers (an Enum member's
                                                          * value): equal ones are one object, as Numba takes them */
            v = a == ty_str ? LLVMBuildICmp(L->b, LLVMIntEQ, L->vals[in->args[0]], L->vals[in->args[1]], "")
                            : cg_cmp_any(L, IRC_EQ, L->vals[in->args[0]], a, L->vals[in->args[1]], b);
            v = in->imm ? LLVMBuildNot(L->b, v, "") : v;
            break;
        }
        if (a->kind == TY_ARRAY && b->kind == TY_ARRAY && a->dtype == b->dtype && a->ndim == b->ndim) {
            v = cg_same_view(L, a, L->vals[in->args[0]], b, L->vals[in->args[1]]);   /* Numba's (a is a[:] too) */
            v = in->imm ? LLVMBuildNot(L->b, v, "") : v;
            break;
        }
        bool same = a->kind == TY_NONE && b->kind == TY_NONE;   /* (values of two types: never one object) */
        v = LLVMConstInt(L->i1, in->imm ? !same : same, 0);
        break;
    }
    case IR_UNWRAP: {
        LLVMValueRef o = L->vals[in->args[0]];
        if (vt(L, in->args[0])->kind != TY_OPTIONAL) {
            v = o;
            break;
        }
        cg_raise_unless(L, LLVMBuildExtractValue(L->b, o, 0, ""), "builtins:TypeError",
                        ctx_printf(L->ctx, "expected %s, got None", t->name));
        v = LLVMBuildExtractValue(L->b, o, 1, "");
        break;
    }
    case IR_TRUTH: v = cg_truth(L, L->vals[in->args[0]], vt(L, in->args[0])); break;
    case IR_TUPLE:
        if (t->kind == TY_LIST) {
            v = cg_list_literal(L, in);
            break;
        }
        v = LLVMGetUndef(cg_type(L, t));
        for (int i = 0; i < in->nargs; i++)
            v = LLVMBuildInsertValue(L->b, v, L->vals[in->args[i]], (unsigned)i, "");
        break;
    case IR_GETITEM:
        if (!ty_is_runtime(vt(L, in->id))) v = LLVMGetPoison(L->i8);   /* types.float64[:]: a type, no value */
        else if (vt(L, in->args[0])->kind == TY_ARRAY) v = cg_array_getitem(L, in);
        else if (vt(L, in->args[0])->kind == TY_METHOD) {   /* a.flat[k] of an array of any strides */
            const Type *at = vt(L, in->args[0])->recv;
            v = cg_load_elem(L, at->dtype, cg_flat_elem(L, at, L->vals[in->args[0]], operand(L, in->args[1], ty_int64)));
        } else if (vt(L, in->args[0])->kind == TY_RECARRAY || vt(L, in->args[0])->kind == TY_RECORD) v = cg_fields_getitem(L, in);
        else if (vt(L, in->args[0])->kind == TY_LIST) v = owned_if_outlived(L, in, cg_list_getitem(L, in), t);
        else if (vt(L, in->args[0])->kind == TY_DICT) v = owned_if_outlived(L, in, cg_dict_getitem(L, in), t);
        else if (ti_is_grid(vt(L, in->args[0]))) v = cg_grid(L, in);
        else if (vt(L, in->args[0]) == ty_str) v = cg_str_getitem(L, in);
        else if (ty_is_number(vt(L, in->args[0]))) v = L->vals[in->args[0]];   /* x[()] of a number: x */
        else v = tuple_index(L, in, vt(L, in->args[0]));
        break;
    case IR_SETITEM:
        if (vt(L, in->args[0])->kind == TY_CLASS) cg_class_setattr(L, in);
        else if (vt(L, in->args[0])->kind == TY_LIST) cg_list_setitem(L, in);
        else if (vt(L, in->args[0])->kind == TY_DICT) cg_dict_setitem(L, in);
        else if (vt(L, in->args[0])->kind == TY_RECORD || vt(L, in->args[0])->kind == TY_RECARRAY) cg_fields_setitem(L, in);
        else if (vt(L, in->args[0])->kind == TY_METHOD) {   /* a.flat[k] = v */
            const Type *at = vt(L, in->args[0])->recv;
            LLVMValueRef p = cg_flat_elem(L, at, L->vals[in->args[0]], operand(L, in->args[1], ty_int64));
            cg_store_elem(L, at->dtype, p, L->vals[in->args[2]], vt(L, in->args[2]));
        } else cg_array_setitem(L, in);
        return 0;
    case IR_DELITEM:
        if (vt(L, in->args[0])->kind == TY_DICT) cg_dict_delitem(L, in);
        else cg_list_delitem(L, in);
        return 0;
    case IR_DICT: v = cg_dict_literal(L, in); break;
    case IR_MAPADD: cg_dict_setitem(L, in); return 0;
    case IR_SET: v = cg_set_literal(L, in); break;
    case IR_SETADD: cg_set_add(L, in); return 0;
    case IR_LISTAPPEND:
        cg_list_append(L, vt(L, in->args[0]), L->vals[in->args[0]], L->vals[in->args[1]], vt(L, in->args[1]));
        return 0;
    case IR_CONTAINS: v = cg_contains(L, in); break;
    case IR_SLICE: v = cg_slice(L, in); break;
    case IR_UNPACK:
        if (vt(L, in->args[0])->kind == TY_ARRAY) {   /* row imm of an array of imm2 rows */
            LLVMValueRef a = L->vals[in->args[0]], n = cg_arr_shape(L, a, 0);
            cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntSGT, n, i64c(L, in->imm2), ""), "builtins:ValueError", "too many values to unpack");
            cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntSLT, n, i64c(L, in->imm2), ""), "builtins:ValueError", "not enough values to unpack");
            v = cg_array_iter_value(L, vt(L, in->args[0]), a, i64c(L, in->imm));
            break;
        }
        if (vt(L, in->args[0])->kind == TY_LIST) {
            v = cg_list_unpack(L, vt(L, in->args[0]), L->vals[in->args[0]], in->imm, in->imm2);
            break;
        }
        v = LLVMBuildExtractValue(L->b, L->vals[in->args[0]], (unsigned)in->imm, "");
        break;
    case IR_CALL:
        if (L->ti->calls[in->id] && L->ti->calls[in->id]->kind != CALL_BUILTIN) cg_forget_wraps(L, -1);
        v = lower_call(L, in);
        if (v && cg_has_refs(L, t) && cg_is_fresh(L, in) && !(t->kind == TY_GENERATOR && cg_gen_one_loop(L, in)))
            v = cg_own(L, v, t);   /* (the one loop over a generator owns it: cg_gen_iter_init) */
        break;
    case IR_MAKEFUNC: case IR_CELLREF: v = LLVMGetPoison(cg_type(L, t)); break;
    case IR_GETITER: lower_getiter(L, in, vt(L, in->args[0])); return 0;
    case IR_ITERVALUE: v = lower_itervalue(L, in); break;
    case IR_FORITER: lower_foriter(L, in); return 0;
    case IR_JUMP: LLVMBuildBr(L->b, jump_target(L, in->block, in->target[0])); return 0;
    case IR_BRANCH: {
        int done = branch_as_update(L, in);
        if (done) return done < 0 ? -1 : 0;
        Block *test = L->pending_int.branch == in ? NULL : second_test(L, in);   /* (an int() test waits for this branch) */
        if (test) return branch_on_both(L, in, test) < 0 ? -1 : 0;
        int clamp = clamp_target(L, in);
        LLVMValueRef cond = L->vals[in->args[0]];
        LLVMBasicBlockRef t = jump_target(L, in->block, in->target[0]), f = jump_target(L, in->block, in->target[1]);
        int stored = L->pending_int.branch == in || clamp >= 0 ? 0 : branch_as_store(L, cond, in->target[0], in->target[1], in->block, NULL);
        if (stored) return stored < 0 ? -1 : 0;
        if (L->pending_int.branch == in) branch_with_int_check(L, cond, t, f, clamp);
        else if (clamp < 0) LLVMBuildCondBr(L->b, cond, t, f);
        else cg_br_expect(L, cond, clamp == 1, t, f);
        return 0;
    }
    case IR_YIELD: cg_gen_yield(L, in); return 0;
    case IR_RETURN: {
        if (L->fn->generator) {   /* the end: StopIteration for the loop resuming it */
            cg_ret(L, LLVMConstInt(L->i32, 0, 0));
            return 0;
        }
        LLVMValueRef r = operand(L, in->args[0], ti->ret);
        if (ti->ret_narrow) r = narrowed_result(L, r, ti->ret_narrow);   /* "uint8(uint8)" returning 256: 0 */
        if (cg_has_refs(L, ti->ret)) cg_return_ref(L, in, r, ti->ret);   /* the caller gets a reference */
        LLVMBuildStore(L->b, r, L->out);
        cg_ret(L, LLVMConstInt(L->i32, 0, 0));
        return 0;
    }
    case IR_RAISE: cg_lower_raise(L, in); return 0;
    case IR_RERAISE: cg_lower_reraise(L, L->vals[in->args[0]]); return 0;
    case IR_EXCFETCH:   /* it owns its strings */
        v = cg_lower_excfetch(L);
        if (L->exc_refs) v = cg_own(L, v, ty_excval);
        break;
    case IR_OBJMODE: v = cg_objmode(L, in); break;
    case IR_FORMAT: v = cg_str_format(L, in); break;
    case IR_BUILDSTR: v = cg_str_build(L, in); break;
    case IR_EXCMATCH: v = cg_lower_excmatch(L, L->vals[in->args[0]], vt(L, in->args[1])); break;
    case IR_COPY: v = L->vals[in->args[0]]; break;
    case IR_DELVAR:
        cg_forget_wraps(L, in->imm);
        if (L->assigned && L->assigned[in->imm]) LLVMBuildStore(L->b, LLVMConstInt(L->i1, 0, 0), L->assigned[in->imm]);
        return 0;
    case IR_NOPS: return 0;
    }
    if (v && (in->op == IR_BINOP || in->op == IR_CALL) && cg_f32_scalar(L, in)) v = cg_f32_narrow(L, v);
    else if (v && (in->op == IR_BINOP || in->op == IR_CALL) && cg_c64_scalar(L, in)) v = cg_c64_narrow(L, v);
    L->vals[in->id] = v;
    if (v) cg_floor_value(L, in);
    return v ? 0 : ctx_error(L->ctx, DIAG_INTERNAL, L->fn, in->loc, "cannot lower %s", ir_op_names[in->op]);
}

/* ---- functions --------------------------------------------------------------------- */
void cg_set_fn_attrs(Lower *L, LLVMValueRef f) {
    LLVMAddTargetDependentFunctionAttr(f, "target-cpu", L->cpu);
    LLVMAddTargetDependentFunctionAttr(f, "target-features", L->features);
    unsigned nounwind = LLVMGetEnumAttributeKindForName("nounwind", 8);
    LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(L->c, nounwind, 0));
}

/* <sym>.x: the native function with, as its last parameter, the slot its exceptions go to
 * (lower_exc.c): what compiled callers call, handing over their frame's slot inside a `try`. */
LLVMValueRef cg_native_x(Lower *L, const char *symbol, LLVMTypeRef fty) {
    const char *name = ctx_printf(L->ctx, "%s.x", symbol);
    LLVMValueRef f = LLVMGetNamedFunction(L->m, name);
    if (f) return f;
    unsigned n = LLVMCountParamTypes(fty);
    LLVMTypeRef pt[260];
    LLVMGetParamTypes(fty, pt);
    pt[n] = L->ptr;
    return LLVMAddFunction(L->m, name, LLVMFunctionType(L->i32, pt, n + 1, 0));
}

/* Is ti's body lowered into <sym>.x, <sym> calling it with the record? Else (a recursive
 * function's trampoline, a generator's ramp) the body is <sym>'s, and <sym>.x calls it. */
static bool body_in_x(TypeInfo *ti) { return !cg_recurses(ti) && !ti->fn->generator; }

static LLVMValueRef declare_native(Lower *L, TypeInfo *ti, bool internal) {
    LLVMTypeRef fty = cg_native_fn_type(L, ti->argtypes, ti->nargs);
    LLVMValueRef x = cg_native_x(L, ti->symbol, fty);   /* first: the body is the module's first function */
    LLVMValueRef f = LLVMAddFunction(L->m, ti->symbol, fty);
    if (internal) LLVMSetLinkage(f, LLVMInternalLinkage), LLVMSetLinkage(x, LLVMInternalLinkage);
    cg_set_fn_attrs(L, x);
    return f;
}

/* The one of <sym> and <sym>.x that calls the other (body_in_x): <sym> passes the record as the
 * slot; <sym>.x around a body in <sym> moves a failure into the slot it was given. */
static void build_native_twin(Lower *L, TypeInfo *ti) {
    LLVMValueRef f = LLVMGetNamedFunction(L->m, ti->symbol);
    LLVMValueRef x = cg_native_x(L, ti->symbol, LLVMGlobalGetValueType(f));
    bool in_x = body_in_x(ti);
    LLVMValueRef w = in_x ? f : x;
    LLVMPositionBuilderAtEnd(L->b, LLVMAppendBasicBlockInContext(L->c, w, "entry"));
    unsigned n = LLVMCountParams(f);
    LLVMValueRef args[260];
    for (unsigned i = 0; i < n; i++) args[i] = LLVMGetParam(w, i);
    if (in_x) {   /* not inlined: the body is optimised and emitted once, in <sym>.x */
        args[n] = cg_exc_record(L);
        LLVMValueRef st = LLVMBuildCall2(L->b, LLVMGlobalGetValueType(x), x, args, n + 1, "status");
        LLVMAddCallSiteAttribute(st, LLVMAttributeFunctionIndex,
                                 LLVMCreateEnumAttribute(L->c, LLVMGetEnumAttributeKindForName("noinline", 8), 0));
        LLVMBuildRet(L->b, st);
        return;
    }
    LLVMValueRef st = LLVMBuildCall2(L->b, LLVMGlobalGetValueType(f), f, args, n, "status");
    LLVMValueRef slot = LLVMGetParam(x, n);
    LLVMValueRef moved = LLVMBuildAnd(L->b, LLVMBuildICmp(L->b, LLVMIntNE, st, LLVMConstInt(L->i32, 0, 0), ""),
                                      LLVMBuildICmp(L->b, LLVMIntNE, slot, cg_exc_record(L), ""), "");
    LLVMBasicBlockRef take = LLVMAppendBasicBlockInContext(L->c, x, "take");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, x, "done");
    LLVMBuildCondBr(L->b, moved, take, done);
    LLVMPositionBuilderAtEnd(L->b, take);
    cg_call(L, "ember_rt_exc_fetch", L->voidt, &L->ptr, &slot, 1);
    LLVMBuildBr(L->b, done);
    LLVMPositionBuilderAtEnd(L->b, done);
    LLVMBuildRet(L->b, st);
}

/* Frontend temporaries ("$" names: the value stack kept across blocks, the exception being
 * handled) whose values only ever go into other such variables: they get no slot, so their
 * stores are not lowered and hold no references. The common case is a handler's copies of the
 * exception it replaces ($exc, put back when it ends): ember has no sys.exc_info() and sets no
 * __context__, so nothing reads them, and counted they cost two atomic operations each. Not in
 * generators or prange functions, whose variables are also reached another way. */
static bool *dead_temporaries(Lower *L) {
    Function *fn = L->fn;
    TypeInfo *ti = L->ti;
    if (fn->generator || ti->nparloops) return NULL;
    bool *live = ctx_alloc(L->ctx, sizeof(bool) * (size_t)(fn->nvars + 1));
    if (!live) return NULL;
    for (int v = 0; v < fn->nvars; v++) live[v] = fn->varnames[v][0] != '$';
    for (bool changed = true; changed;) {
        changed = false;
        for (int i = 0; i < fn->ninstrs; i++) {
            Instr *u = fn->instrs[i];
            for (int k = 0; u && k < u->nargs; k++) {
                Instr *x = fn->instrs[u->args[k]];
                if (!x || x->op != IR_LOADVAR || live[x->imm]) continue;
                bool into_dead = u->op == IR_STOREVAR && !live[u->imm];
                if (!into_dead || (ti->maybe_unbound && ti->maybe_unbound[x->id])) live[x->imm] = changed = true;
            }
        }
    }
    return live;
}

/* The frame of L->func, which lowers blocks of ti (all of them, or a prange body): per-value and
 * per-block tables, the entry block with a zeroed slot per variable, the array plan and exit. */
int cg_begin_function(Lower *L, TypeInfo *ti, LLVMValueRef func) {
    Function *fn = ti->fn;
    L->ti = ti;
    L->fn = fn;
    L->func = func;
    L->exc_refs = cg_frame_may_raise_strings(ti);   /* before any type of a caught exception */
    L->vals = ctx_alloc(L->ctx, sizeof(LLVMValueRef) * (size_t)(fn->ninstrs + 1));
    L->vars = ctx_alloc(L->ctx, sizeof(LLVMValueRef) * (size_t)(fn->nvars + 1));
    L->bbs = ctx_alloc(L->ctx, sizeof(LLVMBasicBlockRef) * (size_t)(fn->nblocks + 1));
    L->loop_ids = NULL;
    L->latches = NULL;
    L->owner_slot = L->owner_val = NULL;   /* slots are this function's */
    if (!L->vals || !L->vars || !L->bbs) return -1;
    L->entry_bb = LLVMAppendBasicBlockInContext(L->c, L->func, "entry");
    L->block = NULL;
    L->fail_bb = L->fail_target_bb = NULL;
    L->exc_param = NULL;
    memset(&L->defer, 0, sizeof L->defer);
    memset(&L->gen, 0, sizeof L->gen);
    L->collapse = L->collapsing = NULL;
    L->ncollapse = 0;
    memset(&L->xwraps, 0, sizeof L->xwraps);
    LLVMPositionBuilderAtEnd(L->b, L->entry_bb);
    cg_exc_begin_function(L);
    bool *live = dead_temporaries(L);
    for (int v = 0; v < fn->nvars; v++) {
        const Type *t = ti->vartypes[v];
        if (!t || !ty_is_runtime(t) || (live && !live[v])) continue;
        L->vars[v] = LLVMBuildAlloca(L->b, cg_type(L, t), fn->varnames[v]);
        LLVMBuildStore(L->b, LLVMConstNull(cg_type(L, t)), L->vars[v]);
    }
    if (cg_floor_begin(L)) return -1;
    cg_plan_arrays(L);
    if (L->refs) {
        L->status = LLVMBuildAlloca(L->b, L->i32, "status");
        L->exit_bb = LLVMAppendBasicBlockInContext(L->c, L->func, "exit");
    }
    return 0;
}

/* The exit: drop what slots and variables hold. */
void cg_end_function(Lower *L) {
    if (!L->refs) return;
    LLVMPositionBuilderAtEnd(L->b, L->exit_bb);
    for (int k = 0; k < L->nslots; k++)
        cg_decref(L, LLVMBuildLoad2(L->b, cg_type(L, L->slot_types[k]), L->slots[k], ""), L->slot_types[k]);
    for (int v = 0; v < L->fn->nvars; v++)
        if (L->vars[v] && cg_has_refs(L, L->ti->vartypes[v]) && !(L->borrowed && L->borrowed[v]))
            cg_decref(L, LLVMBuildLoad2(L->b, cg_type(L, L->ti->vartypes[v]), L->vars[v], ""), L->ti->vartypes[v]);
    if (L->err) cg_rec_ret_value(L);
    else if (L->fn->generator && L->gen.promise) cg_gen_end(L);
    else LLVMBuildRet(L->b, LLVMBuildLoad2(L->b, L->i32, L->status, ""));
}

int cg_lower_block(Lower *L, Block *b, bool but_terminator) {
    LLVMPositionBuilderAtEnd(L->b, L->bbs[b->id]);
    L->block = b;
    L->wraps.block = NULL;   /* a wrapped index is reused only within its block's lowering */
    for (int j = 0; j < b->ninstrs - but_terminator; j++)
        if (lower_instr(L, b->instrs[j])) return -1;
    if (L->pending_int.branch)   /* cg_defer_int_check only defers to this block's own branch */
        return ctx_error(L->ctx, DIAG_INTERNAL, L->fn, L->loc, "an int() test was left without its branch");
    return 0;
}

/* The prange loop block b belongs to (its header or its body), or -1. */
static int parloop_of(TypeInfo *ti, Block *b) {
    for (int k = 0; k < ti->nparloops; k++)
        if (ti->parloops[k]->in_loop[b->id]) return k;
    return -1;
}

bool cg_parloop_of_block(TypeInfo *ti, Block *b) { return parloop_of(ti, b) >= 0; }

int cg_lower_instr(Lower *L, Instr *in) { return lower_instr(L, in); }

/* Lower ti's body into func: the native function, or <sym>.rec, or one of its copies (lower_rec.c). */
/* `peek` (<sym>.rec.peek, lower_rec.c), per block: lower it (PEEK_RUN), hand over to <sym>.rec at
 * its start (PEEK_HAND_OVER), or leave it out (0); NULL: lower every block. */
static int lower_body(Lower *L, TypeInfo *ti, LLVMValueRef func, bool rec, LLVMValueRef *bodies, const signed char *peek) {
    Function *fn = ti->fn;
    if (cg_begin_function(L, ti, func)) return -1;
    L->traceback = true;
    if (!rec && !peek && body_in_x(ti)) L->exc_param = LLVMGetParam(func, LLVMCountParams(func) - 1);
    L->loc = (Loc){fn->firstline, -1, -1};   /* where the recursion guard fails */
    L->out = rec ? NULL : LLVMGetParam(L->func, 0);
    for (int i = 0; i < fn->nblocks; i++) L->bbs[i] = LLVMAppendBasicBlockInContext(L->c, L->func, "");
    LLVMPositionBuilderAtEnd(L->b, L->entry_bb);
    L->assigned = NULL;   /* "has been assigned" flags for the variables a read may find unassigned */
    for (int i = 0; i < fn->ninstrs; i++) {
        Instr *x = fn->instrs[i];
        if (!x || !ti->maybe_unbound[i] || !L->vars[x->imm]) continue;
        if (!L->assigned && !(L->assigned = ctx_alloc(L->ctx, sizeof(LLVMValueRef) * (size_t)(fn->nvars + 1)))) return -1;
        if (!L->assigned[x->imm]) {
            L->assigned[x->imm] = cg_entry_alloca(L, L->i1, "assigned");
            LLVMBuildStore(L->b, LLVMConstInt(L->i1, 0, 0), L->assigned[x->imm]);
        }
    }
    L->err = NULL;
    L->borrowed = NULL;
    if (!rec && !peek) {
        if (cg_collapse_plan(L, NULL) || cg_defer_plan(L)) return -1;
        cg_collapse_begin(L);
    }
    if (!rec) L->borrowed = cg_borrowed_stack_values(L, cg_borrowed_loop_items(L, cg_borrowed_parameters(L)));
    if (rec) cg_rec_begin(L, func);   /* the value convention of <sym>.rec */
    if (fn->generator && !rec) cg_gen_begin(L, L->bbs[0]);   /* the ramp, then the body when first resumed */
    else LLVMBuildBr(L->b, L->bbs[0]);
    for (int i = 0; i < fn->nblocks; i++) {
        Block *b = fn->blocks[i];
        int k = parloop_of(ti, b);
        if (peek && peek[i] != PEEK_RUN) {
            LLVMPositionBuilderAtEnd(L->b, L->bbs[i]);
            if (peek[i] == PEEK_HAND_OVER) cg_rec_hand_over(L, ti);
            else LLVMBuildUnreachable(L->b);
            continue;
        }
        if (k >= 0 && ti->parloops[k]->header != b) {   /* a prange body: it runs in the outlined function */
            LLVMPositionBuilderAtEnd(L->b, L->bbs[i]);
            LLVMBuildUnreachable(L->b);
            continue;
        }
        if (cg_lower_block(L, b, k >= 0)) return -1;
        if (k >= 0) cg_parallel_call(L, ti->parloops[k], bodies[k]);
    }
    if (cg_collapse_lower(L)) return -1;
    cg_defer_finish(L);
    cg_end_function(L);
    L->err = NULL;
    L->borrowed = NULL;
    return 0;
}

static int lower_function(Lower *L, TypeInfo *ti) {
    LLVMValueRef *bodies = ctx_alloc(L->ctx, sizeof(LLVMValueRef) * (size_t)(ti->nparloops + 1));
    if (!bodies) return -1;
    for (int k = 0; k < ti->nparloops; k++)   /* outlined first: each is a function of its own */
        if (!(bodies[k] = cg_parallel_body(L, ti, ti->parloops[k], k))) return -1;
    LLVMValueRef rec = cg_recursive_twin(L, ti), f = LLVMGetNamedFunction(L->m, ti->symbol);
    if (!rec && body_in_x(ti)) f = cg_native_x(L, ti->symbol, LLVMGlobalGetValueType(f));
    if (lower_body(L, ti, rec ? rec : f, rec, bodies, NULL)) return -1;
    if (rec) cg_rec_unguard(L, rec, true);
    for (int i = 1, k = rec ? cg_rec_copies(L, ti) : 1; i < k; i++) {   /* copies one level down each */
        if (lower_body(L, ti, cg_rec_copy(L, ti, i), true, bodies, NULL)) return -1;
        cg_rec_unguard(L, cg_rec_copy(L, ti, i), false);
    }
    LLVMValueRef peek = rec ? cg_rec_peek(L, ti) : NULL;
    if (peek) {   /* the base cases, inlined where a call goes down to <sym>.rec */
        if (lower_body(L, ti, peek, true, bodies, cg_rec_prefix(L, ti))) return -1;
        cg_rec_unguard(L, peek, false);
    }
    if (rec) cg_rec_trampoline(L, ti, rec);
    return 0;
}

/* The entry: unpacks the argument pointer array and calls the native function. */
static void build_entry(Lower *L, TypeInfo *ti, const char *name) {
    LLVMTypeRef pt[2] = {L->ptr, L->ptr};
    LLVMValueRef e = LLVMAddFunction(L->m, name, LLVMFunctionType(L->i32, pt, 2, 0));
    LLVMBasicBlockRef bb = LLVMAppendBasicBlockInContext(L->c, e, "entry");
    LLVMPositionBuilderAtEnd(L->b, bb);
    LLVMValueRef args[257];
    args[0] = LLVMGetParam(e, 1);
    for (int i = 0; i < ti->nargs; i++) {
        LLVMValueRef idx = LLVMConstInt(L->i64, (unsigned long long)i, 0);
        LLVMValueRef pp = LLVMBuildInBoundsGEP2(L->b, L->ptr, LLVMGetParam(e, 0), &idx, 1, "");
        LLVMValueRef p = LLVMBuildLoad2(L->b, L->ptr, pp, "");
        args[i + 1] = ty_is_runtime(ti->argtypes[i]) ? LLVMBuildLoad2(L->b, cg_type(L, ti->argtypes[i]), p, "")
                                                      : LLVMGetPoison(L->i8);
    }
    LLVMValueRef f = LLVMGetNamedFunction(L->m, ti->symbol);
    LLVMValueRef st = LLVMBuildCall2(L->b, LLVMGlobalGetValueType(f), f, args, (unsigned)ti->nargs + 1, "");
    LLVMBuildRet(L->b, st);
}

int cg_lower_module(Ctx *ctx, TypeInfo *ti, LLVMContextRef c, LLVMModuleRef m, const char *cpu,
                    const char *features, bool *runtime_fails);

/* A lowering state over module m with its common LLVM types; the caller disposes of L->b. */
void cg_lower_init(Lower *L, Ctx *ctx, LLVMContextRef c, LLVMModuleRef m, const char *cpu, const char *features) {
    *L = (Lower){.ctx = ctx, .c = c, .m = m, .cpu = cpu, .features = features};
    L->b = LLVMCreateBuilderInContext(c);
    L->i1 = LLVMInt1TypeInContext(c);
    L->i8 = LLVMInt8TypeInContext(c);
    L->i32 = LLVMInt32TypeInContext(c);
    L->i64 = LLVMInt64TypeInContext(c);
    L->f64 = LLVMDoubleTypeInContext(c);
    L->ptr = LLVMPointerTypeInContext(c, 0);
    L->voidt = LLVMVoidTypeInContext(c);
    LLVMTypeRef cf[2] = {L->f64, L->f64};
    L->c128 = LLVMStructTypeInContext(c, cf, 2, 0);
}

/* ti's functions (and its inner functions'), declared before any body calls them. An inner
 * function (a closure defined in the body) is inlined where it is called, as Numba's closures
 * are: in a prange body LLVM's cost model left scanpy's `clipped(gene, cell)` a call on every
 * element (17.3 ms against 12.8 serial and numba's 12.8). */
static void declare_functions(Lower *L, TypeInfo *ti, bool internal) {
    cg_set_fn_attrs(L, declare_native(L, ti, internal));
    if (cg_recurses(ti)) cg_rec_declare(L, ti);
    build_native_twin(L, ti);
    unsigned always = LLVMGetEnumAttributeKindForName("alwaysinline", 12);
    for (int i = 0; i < ti->ninners; i++) {
        LLVMValueRef f = declare_native(L, ti->inners[i], true);
        cg_set_fn_attrs(L, f);
        build_native_twin(L, ti->inners[i]);
        if (body_in_x(ti->inners[i]))   /* (calls go to <sym>.x) */
            LLVMAddAttributeAtIndex(cg_native_x(L, ti->inners[i]->symbol, LLVMGlobalGetValueType(f)),
                                    LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(L->c, always, 0));
    }
}

static int lower_functions(Lower *L, TypeInfo *ti) {
    int rc = lower_function(L, ti);
    for (int i = 0; rc == 0 && i < ti->ninners; i++) rc = lower_function(L, ti->inners[i]);
    return rc;
}

/* The module of ti: its functions, and those of its recursion cycle (typeinfer/cycle.c). */
int cg_lower_module(Ctx *ctx, TypeInfo *ti, LLVMContextRef c, LLVMModuleRef m, const char *cpu,
                    const char *features, bool *runtime_fails) {
    Lower L_, *L = &L_;
    cg_lower_init(L, ctx, c, m, cpu, features);
    int n = ti->cycle ? ti->cycle->n : 1;
    for (int k = 0; k < n; k++) declare_functions(L, k ? ti->cycle->members[k] : ti, k > 0);
    int rc = 0;
    for (int k = 0; rc == 0 && k < n; k++) rc = lower_functions(L, k ? ti->cycle->members[k] : ti);
    if (rc == 0) {
        char *entry = ctx_printf(ctx, "%s.entry", ti->symbol);
        build_entry(L, ti, entry);
        cg_set_fn_attrs(L, LLVMGetNamedFunction(m, entry));
    }
    *runtime_fails = L->runtime_fails;
    LLVMDisposeBuilder(L->b);
    return rc;
}
