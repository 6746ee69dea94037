/* lower_rng.c: numpy.random.Generator methods (typeinfer/rng.c) on the generator's bit generator
 * (the argument's run-time value): random, uniform, normal and exponential inline, as NumPy's
 * distribution functions compute them (the ziggurats' rare paths, integers and the RNG_DIST
 * kinds in runtime/rng.c and randdist.c). The argument checks are NumPy's, with its messages. */
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

/* A call of bit generator g's function `field` (numpy/random/bitgen.h: 1 next_uint64, 3
 * next_double) on its state: NumPy's own generator, through the pointers g holds. */
static LLVMValueRef bitgen_call(Lower *L, LLVMValueRef g, int field, LLVMTypeRef ret) {
    LLVMValueRef state = LLVMBuildLoad2(L->b, L->ptr, g, "bitgen.state");
    LLVMValueRef at = cg_gep8(L, g, i64c(L, 8 * field));
    LLVMValueRef fn = LLVMBuildLoad2(L->b, L->ptr, at, "bitgen.next");
    return LLVMBuildCall2(L->b, LLVMFunctionType(ret, &L->ptr, 1, 0), fn, &state, 1, "");
}

/* A uniform double in [0, 1) from Generator g's bit generator (its next_double). */
LLVMValueRef cg_bitgen_double(Lower *L, LLVMValueRef g) { return bitgen_call(L, g, 3, L->f64); }

/* One draw of NumPy's ziggurat `which` (0 the standard normal, 1 the standard exponential), as
 * its Generator makes it (runtime/rng.c says how): the fast test here, the normal's sign a
 * select; the other paths in the runtime, given the word. */
static LLVMValueRef ziggurat(Lower *L, LLVMValueRef g, int which) {
    LLVMTypeRef tt = LLVMArrayType(L->i64, 1024);   /* EmberZiggurat[2]: ki[256], wi[256] each */
    LLVMValueRef tab = LLVMGetNamedGlobal(L->m, "ember_rt_zig");
    if (!tab) {
        tab = LLVMAddGlobal(L->m, tt, "ember_rt_zig");
        LLVMSetGlobalConstant(tab, 1);   /* set before compiled code gets a Generator */
    }
    LLVMValueRef r = bitgen_call(L, g, 1, L->i64), layer, m;
    if (which == 0) {   /* layer: bits 0-7, sign: bit 8, m: bits 9-60 */
        layer = LLVMBuildAnd(L->b, r, i64c(L, 255), "layer");
        m = LLVMBuildAnd(L->b, LLVMBuildLShr(L->b, r, i64c(L, 9), ""), i64c(L, (1LL << 52) - 1), "");
    } else {            /* layer: bits 3-10, m: bits 11-63 */
        layer = LLVMBuildAnd(L->b, LLVMBuildLShr(L->b, r, i64c(L, 3), ""), i64c(L, 255), "layer");
        m = LLVMBuildLShr(L->b, r, i64c(L, 11), "");
    }
    LLVMValueRef at = LLVMBuildAdd(L->b, layer, i64c(L, 512 * which), "");
    LLVMValueRef ki_at[2] = {i64c(L, 0), at}, wi_at[2] = {i64c(L, 0), LLVMBuildAdd(L->b, at, i64c(L, 256), "")};
    LLVMValueRef ki = LLVMBuildLoad2(L->b, L->i64, LLVMBuildInBoundsGEP2(L->b, tt, tab, ki_at, 2, ""), "ki");
    LLVMValueRef wi = LLVMBuildLoad2(L->b, L->f64, LLVMBuildInBoundsGEP2(L->b, tt, tab, wi_at, 2, ""), "wi");
    LLVMValueRef x = LLVMBuildFMul(L->b, LLVMBuildUIToFP(L->b, m, L->f64, ""), wi, "");
    if (which == 0) {
        LLVMValueRef neg = LLVMBuildTrunc(L->b, LLVMBuildLShr(L->b, r, i64c(L, 8), ""), L->i1, "negative");
        x = LLVMBuildSelect(L->b, neg, LLVMBuildFNeg(L->b, x, ""), x, "");
    }
    LLVMBasicBlockRef from = LLVMGetInsertBlock(L->b);
    LLVMBasicBlockRef slow = LLVMAppendBasicBlockInContext(L->c, L->func, "zig.slow");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, L->func, "zig.done");
    cg_br_expect(L, LLVMBuildICmp(L->b, LLVMIntULT, m, ki, ""), true, done, slow);
    LLVMPositionBuilderAtEnd(L->b, slow);
    LLVMTypeRef pt[3] = {L->ptr, L->i64, L->i32};
    LLVMValueRef a[3] = {g, r, LLVMConstInt(L->i32, (unsigned long long)which, 0)};
    LLVMValueRef y = cg_call(L, "ember_rt_rng_resume", L->f64, pt, a, 3);
    LLVMBuildBr(L->b, done);
    LLVMPositionBuilderAtEnd(L->b, done);
    return cg_phi2(L, x, from, y, slow, "drawn");
}

/* One draw of `kind` with parameters p0, p1, as NumPy's distribution functions compute it. */
static LLVMValueRef inline_draw(Lower *L, int kind, LLVMValueRef g, LLVMValueRef p0, LLVMValueRef p1) {
    switch (kind) {
    case RNG_RANDOM: return bitgen_call(L, g, 3, L->f64);
    case RNG_UNIFORM:   /* low + (high - low) * u */
        return LLVMBuildFAdd(L->b, p0, LLVMBuildFMul(L->b, LLVMBuildFSub(L->b, p1, p0, ""), bitgen_call(L, g, 3, L->f64), ""), "");
    case RNG_STANDARD_NORMAL: return ziggurat(L, g, 0);
    case RNG_NORMAL: return LLVMBuildFAdd(L->b, p0, LLVMBuildFMul(L->b, p1, ziggurat(L, g, 0), ""), "");
    case RNG_STANDARD_EXPONENTIAL: return ziggurat(L, g, 1);
    case RNG_EXPONENTIAL: return LLVMBuildFMul(L->b, p0, ziggurat(L, g, 1), "");
    default: return NULL;   /* not reached: integers and the RNG_DIST kinds are lowered apart */
    }
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
    if (!out) return inline_draw(L, kind, g, p0, p1);
    LLVMValueRef data = cg_arr_data(L, out);
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, n);
    LLVMBuildStore(L->b, inline_draw(L, kind, g, p0, p1), LLVMBuildInBoundsGEP2(L->b, L->f64, data, &i, 1, ""));
    cg_loop_end_rolled(L, &lc);
    return out;
}
