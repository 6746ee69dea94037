/* lower_rng.c: numpy.random.Generator methods (typeinfer/rng.c): NumPy's distribution functions
 * through runtime/rng.c, on the generator's bit generator (the argument's run-time value). The
 * argument checks are NumPy's, with its messages. */
#include "lower.h"
#include "rdist.h"

/* A bound given as None (size, high, ...) is absent. */
static bool given(CallInfo *ci, const Type **types, int i) {
    return i < ci->nparams && ci->argmap[i] >= 0 && types[i]->kind != TY_NONE;
}

static LLVMValueRef real(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types, int i, double dflt) {
    return given(ci, types, i) ? cg_cast(L, args[i], types[i], ty_float64) : f64c(L, dflt);
}

/* The result array for size= (an int or a tuple), or NULL for one number. */
static LLVMValueRef result_array(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types, int size_at,
                                 LLVMValueRef *n) {
    if (ci->ret->kind != TY_ARRAY) return NULL;
    LLVMValueRef shape[64];
    const Type *st = types[size_at];
    if (st->kind == TY_TUPLE) {
        for (int k = 0; k < st->n; k++) shape[k] = LLVMBuildExtractValue(L->b, args[size_at], (unsigned)k, "");
    } else {
        shape[0] = args[size_at];
    }
    LLVMValueRef out = cg_alloc_array(L, ci->ret, shape);
    *n = cg_array_size(L, ci->ret, out);
    return out;
}

/* NumPy's check of a scale (normal's, exponential's): not negative, -0.0 included (its sign bit),
 * NaN passing. True when x is fine. */
LLVMValueRef cg_scale_ok(Lower *L, LLVMValueRef x) {
    LLVMValueRef sign = LLVMBuildICmp(L->b, LLVMIntSLT, LLVMBuildBitCast(L->b, x, L->i64, ""), i64c(L, 0), "");
    return LLVMBuildOr(L->b, LLVMBuildNot(L->b, sign, ""), LLVMBuildFCmp(L->b, LLVMRealUNO, x, x, ""), "");
}

LLVMValueRef cg_call_rng(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    int kind = ci->builtin;
    if (kind >= RNG_DIST) return cg_rng_dist(L, ci, args, types);
    LLVMValueRef g = args[0], n = NULL, out;
    if (kind == RNG_INTEGERS) {   /* integers(low, high=None, size=None, dtype=int64, endpoint=False) */
        LLVMValueRef lo = cg_cast(L, args[1], types[1], ty_int64), hi;
        if (given(ci, types, 2)) {
            hi = cg_cast(L, args[2], types[2], ty_int64);
        } else {
            hi = lo;
            lo = i64c(L, 0);
        }
        LLVMValueRef endpoint = given(ci, types, 5) ? args[5] : LLVMConstInt(L->i1, 0, 0);
        LLVMValueRef ok = LLVMBuildSelect(L->b, endpoint, LLVMBuildICmp(L->b, LLVMIntSLE, lo, hi, ""),
                                          LLVMBuildICmp(L->b, LLVMIntSLT, lo, hi, ""), "");
        LLVMBasicBlockRef bad = LLVMAppendBasicBlockInContext(L->c, L->func, "bounds");
        LLVMBasicBlockRef good = LLVMAppendBasicBlockInContext(L->c, L->func, "inbounds");
        cg_br_expect(L, ok, true, good, bad);
        LLVMPositionBuilderAtEnd(L->b, bad);   /* NumPy's message says which comparison failed */
        LLVMBasicBlockRef gt = LLVMAppendBasicBlockInContext(L->c, L->func, "");
        LLVMBasicBlockRef ge = LLVMAppendBasicBlockInContext(L->c, L->func, "");
        LLVMBuildCondBr(L->b, endpoint, gt, ge);
        LLVMPositionBuilderAtEnd(L->b, gt);
        cg_emit_raise(L, cg_exc_class_of_name(L, "builtins:ValueError"), cg_cstring(L, "low > high"));
        LLVMPositionBuilderAtEnd(L->b, ge);
        cg_emit_raise(L, cg_exc_class_of_name(L, "builtins:ValueError"), cg_cstring(L, "low >= high"));
        LLVMPositionBuilderAtEnd(L->b, good);
        LLVMValueRef top = LLVMBuildSelect(L->b, endpoint, hi, LLVMBuildSub(L->b, hi, i64c(L, 1), ""), "");
        out = result_array(L, ci, args, types, 3, &n);
        LLVMValueRef dst = out ? cg_arr_data(L, out) : cg_entry_alloca(L, L->i64, "drawn");
        LLVMTypeRef pt[5] = {L->ptr, L->i64, L->i64, L->ptr, L->i64};
        LLVMValueRef a[5] = {g, lo, top, dst, out ? n : i64c(L, 1)};
        cg_call(L, "ember_rt_rng_integers", L->voidt, pt, a, 5);
        return out ? out : LLVMBuildLoad2(L->b, L->i64, dst, "");
    }
    LLVMValueRef p0 = f64c(L, 0), p1 = f64c(L, 0);
    int size_at = 1;
    switch (kind) {
    case RNG_NORMAL:   /* normal(loc=0.0, scale=1.0, size=None) */
        p0 = real(L, ci, args, types, 1, 0.0);
        p1 = real(L, ci, args, types, 2, 1.0);
        cg_raise_unless(L, cg_scale_ok(L, p1), "builtins:ValueError", "scale < 0");
        size_at = 3;
        break;
    case RNG_UNIFORM: {   /* uniform(low=0.0, high=1.0, size=None) */
        p0 = real(L, ci, args, types, 1, 0.0);
        p1 = real(L, ci, args, types, 2, 1.0);
        LLVMValueRef span = cg_intrinsic1(L, "llvm.fabs.f64", LLVMBuildFSub(L->b, p1, p0, ""));
        cg_raise_unless(L, LLVMBuildFCmp(L->b, LLVMRealOLT, span, f64c(L, INFINITY), ""), "builtins:OverflowError",
                        "high - low range exceeds valid bounds");
        size_at = 3;
        break;
    }
    case RNG_EXPONENTIAL:   /* exponential(scale=1.0, size=None) */
        p0 = real(L, ci, args, types, 1, 1.0);
        cg_raise_unless(L, cg_scale_ok(L, p0), "builtins:ValueError", "scale < 0");
        size_at = 2;
        break;
    }
    out = result_array(L, ci, args, types, size_at, &n);
    LLVMValueRef k = LLVMConstInt(L->i32, (unsigned long long)kind, 0);
    if (!out) {
        LLVMTypeRef pt[4] = {L->ptr, L->i32, L->f64, L->f64};
        LLVMValueRef a[4] = {g, k, p0, p1};
        return cg_call(L, "ember_rt_rng_draw", L->f64, pt, a, 4);
    }
    LLVMTypeRef pt[6] = {L->ptr, L->i32, L->f64, L->f64, L->ptr, L->i64};
    LLVMValueRef a[6] = {g, k, p0, p1, cg_arr_data(L, out), n};
    cg_call(L, "ember_rt_rng_fill", L->voidt, pt, a, 6);
    return out;
}
