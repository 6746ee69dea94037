/* lower_numpy.c: NumPy functions and array methods in generated code: ufuncs on scalars,
 * array construction, views and copies, and reductions.
 *
 * Reductions run over "lanes": a base pointer, a length and a byte stride. np.sum(a) of a
 * C-contiguous array (or any 1-d array) is one lane over every element; of any other array, a
 * lane over a contiguous copy; np.sum(a, axis=k) runs one lane along dimension k for every
 * position of the other dimensions, writing a new array. Variance is two passes (mean, then the
 * squared deviations), as NumPy computes it. In a parallel=True function the whole-array lane is
 * split into chunks folded on the parallel runner (reduce_lane_parallel).
 */
#include "lower.h"
#include <math.h>
#include <string.h>


/* ---- ufuncs on one element ------------------------------------------------------------ */
static LLVMValueRef complex_of(Lower *L, LLVMValueRef re, LLVMValueRef im) {
    LLVMValueRef v = LLVMGetUndef(L->c128);
    v = LLVMBuildInsertValue(L->b, v, re, 0, "");
    return LLVMBuildInsertValue(L->b, v, im, 1, "");
}

/* sqrt, exp and log of a complex number, on the principal branch as C99's csqrt/cexp/clog. */
static LLVMValueRef complex_uf(Lower *L, int bid, LLVMValueRef z) {
    LLVMValueRef re = LLVMBuildExtractValue(L->b, z, 0, ""), im = LLVMBuildExtractValue(L->b, z, 1, "");
    LLVMTypeRef t = L->f64;
    if (bid == BI_NP_EXP) {
        LLVMValueRef m = cg_call(L, "llvm.exp.f64", L->f64, &t, &re, 1);
        LLVMValueRef c = cg_call(L, "llvm.cos.f64", L->f64, &t, &im, 1), s = cg_call(L, "llvm.sin.f64", L->f64, &t, &im, 1);
        /* exp(x + 0j) is exactly real */
        LLVMValueRef zero_im = LLVMBuildFCmp(L->b, LLVMRealOEQ, im, f64c(L, 0), "");
        return complex_of(L, LLVMBuildSelect(L->b, zero_im, m, LLVMBuildFMul(L->b, m, c, ""), ""),
                          LLVMBuildSelect(L->b, zero_im, im, LLVMBuildFMul(L->b, m, s, ""), ""));
    }
    LLVMValueRef r = cg_call_f64_2(L, "hypot", re, im);
    if (bid == BI_NP_LOG) return complex_of(L, cg_call(L, "llvm.log.f64", L->f64, &t, &r, 1), cg_call_f64_2(L, "atan2", im, re));
    /* sqrt: t = sqrt((r + |re|) / 2); re >= 0: (t, im / 2t), else (|im| / 2t, copysign(t, im)) */
    LLVMValueRef are = cg_intrinsic1(L, "llvm.fabs.f64", re);
    LLVMValueRef h = LLVMBuildFMul(L->b, LLVMBuildFAdd(L->b, r, are, ""), f64c(L, 0.5), "");
    LLVMValueRef tt = cg_intrinsic1(L, "llvm.sqrt.f64", h);
    LLVMValueRef q = LLVMBuildFDiv(L->b, im, LLVMBuildFMul(L->b, tt, f64c(L, 2), ""), "");
    LLVMValueRef pos = LLVMBuildFCmp(L->b, LLVMRealOGE, re, f64c(L, 0), "");
    LLVMValueRef nre = LLVMBuildSelect(L->b, pos, tt, cg_intrinsic1(L, "llvm.fabs.f64", q), "");
    LLVMValueRef nim = LLVMBuildSelect(L->b, pos, q, cg_call_f64_2(L, "llvm.copysign.f64", tt, im), "");
    LLVMValueRef zero = LLVMBuildFCmp(L->b, LLVMRealOEQ, r, f64c(L, 0), "");
    return complex_of(L, LLVMBuildSelect(L->b, zero, f64c(L, 0), nre, ""), LLVMBuildSelect(L->b, zero, im, nim, ""));
}

static LLVMValueRef nan_min_max(Lower *L, bool is_max, bool propagate, LLVMValueRef a, LLVMValueRef b, const Type *t) {
    if (t == ty_float64) {
        if (!propagate) return cg_call_f64_2(L, is_max ? "llvm.maxnum.f64" : "llvm.minnum.f64", a, b);
        /* as NumPy: a where it is strictly better or NaN, else b (so a tie of -0.0 and 0.0 gives
         * b, and a NaN in either wins) */
        LLVMValueRef better = LLVMBuildFCmp(L->b, is_max ? LLVMRealUGT : LLVMRealULT, a, b, "");   /* or unordered */
        LLVMValueRef keep_a = LLVMBuildAnd(L->b, better, LLVMBuildNot(L->b, LLVMBuildAnd(L->b,
                                           LLVMBuildFCmp(L->b, LLVMRealORD, a, a, ""), LLVMBuildFCmp(L->b, LLVMRealUNO, b, b, ""), ""), ""), "");
        return LLVMBuildSelect(L->b, keep_a, a, b, "");
    }
    LLVMValueRef lt = cg_cmp(L, IRC_LT, a, b, t);
    return is_max ? LLVMBuildSelect(L->b, lt, b, a, "") : LLVMBuildSelect(L->b, lt, a, b, "");
}

/* np.spacing: the distance from x to the next float of dt away from zero (from 0 and -0.0 the
 * smallest positive subnormal), NaN for infinities and NaN. */
static LLVMValueRef spacing(Lower *L, LLVMValueRef v, int dt) {
    LLVMValueRef neg = LLVMBuildFCmp(L->b, LLVMRealOLT, v, f64c(L, 0), "");
    LLVMValueRef dir = LLVMBuildSelect(L->b, neg, f64c(L, -INFINITY), f64c(L, INFINITY), "");
    if (dt == DT_FLOAT32) {
        LLVMTypeRef f32 = LLVMFloatTypeInContext(L->c), pt[2] = {f32, f32};
        LLVMValueRef a[2] = {LLVMBuildFPTrunc(L->b, v, f32, ""), LLVMBuildFPTrunc(L->b, dir, f32, "")};
        LLVMValueRef n = cg_call(L, "nextafterf", f32, pt, a, 2);
        return LLVMBuildFPExt(L->b, LLVMBuildFSub(L->b, n, a[0], ""), L->f64, "");
    }
    return LLVMBuildFSub(L->b, cg_call_f64_2(L, "nextafter", v, dir), v, "");
}

/* 1 / x in integers of dtype dt, truncating; 1 / 0 gives what x86's NumPy does: the smallest
 * int32 or int64 for those, 0 for the others. */
static LLVMValueRef int_reciprocal(Lower *L, LLVMValueRef v, int dt) {
    bool is_unsigned = ty_dtypes[dt].kind == 'u';
    LLVMValueRef zero = LLVMBuildICmp(L->b, LLVMIntEQ, v, i64c(L, 0), "");
    LLVMValueRef safe = LLVMBuildSelect(L->b, zero, i64c(L, 1), v, "");
    LLVMValueRef q = is_unsigned ? LLVMBuildUDiv(L->b, i64c(L, 1), safe, "") : LLVMBuildSDiv(L->b, i64c(L, 1), safe, "");
    long long by0 = dt == DT_INT64 ? INT64_MIN : dt == DT_INT32 ? INT32_MIN : 0;
    return LLVMBuildSelect(L->b, zero, i64c(L, by0), q, "");
}

/* np.fmod of integers: C's remainder (the dividend's sign); 0 for a zero divisor, as NumPy. */
static LLVMValueRef int_fmod(Lower *L, LLVMValueRef a, LLVMValueRef b, bool is_unsigned) {
    LLVMValueRef bad = LLVMBuildICmp(L->b, LLVMIntEQ, b, i64c(L, 0), "");
    if (!is_unsigned) bad = LLVMBuildOr(L->b, bad, LLVMBuildICmp(L->b, LLVMIntEQ, b, i64c(L, -1), ""), "");   /* x % -1 is 0 */
    LLVMValueRef safe = LLVMBuildSelect(L->b, bad, i64c(L, 1), b, "");
    LLVMValueRef r = is_unsigned ? LLVMBuildURem(L->b, a, safe, "") : LLVMBuildSRem(L->b, a, safe, "");
    return LLVMBuildSelect(L->b, bad, i64c(L, 0), r, "");
}

/* The float binary ufuncs without a C function: heaviside, logaddexp, logaddexp2 (NumPy's
 * formulas: equal arguments add log(2), else the larger plus log1p(exp(-|difference|))). */
static LLVMValueRef float_binary(Lower *L, int bid, LLVMValueRef a, LLVMValueRef b) {
    if (bid == BI_NP_HEAVISIDE) {
        LLVMValueRef r = LLVMBuildSelect(L->b, LLVMBuildFCmp(L->b, LLVMRealOLT, a, f64c(L, 0), ""), f64c(L, 0), f64c(L, 1), "");
        r = LLVMBuildSelect(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, a, f64c(L, 0), ""), b, r, "");
        return LLVMBuildSelect(L->b, LLVMBuildFCmp(L->b, LLVMRealUNO, a, a, ""), a, r, "");
    }
    bool two = bid == BI_NP_LOGADDEXP2;
    LLVMValueRef d = LLVMBuildFSub(L->b, a, b, "");
    LLVMValueRef pos = LLVMBuildFCmp(L->b, LLVMRealOGT, d, f64c(L, 0), "");
    LLVMValueRef big = LLVMBuildSelect(L->b, pos, a, b, "");
    LLVMValueRef nd = LLVMBuildSelect(L->b, pos, LLVMBuildFNeg(L->b, d, ""), d, "");   /* -|d| */
    LLVMValueRef e = cg_intrinsic1(L, two ? "llvm.exp2.f64" : "llvm.exp.f64", nd);
    LLVMTypeRef t = L->f64;
    LLVMValueRef l = cg_call(L, "log1p", L->f64, &t, &e, 1);
    if (two) l = LLVMBuildFMul(L->b, l, f64c(L, 1.0 / M_LN2), "");
    LLVMValueRef r = LLVMBuildFAdd(L->b, big, l, "");
    r = LLVMBuildSelect(L->b, LLVMBuildFCmp(L->b, LLVMRealUNO, d, d, ""), d, r, "");   /* NaN, or inf - inf */
    LLVMValueRef same = LLVMBuildFAdd(L->b, a, f64c(L, two ? 1.0 : M_LN2), "");
    return LLVMBuildSelect(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, a, b, ""), same, r, "");
}

LLVMValueRef cg_ufunc_scalar(Lower *L, int bid, LLVMValueRef *x, const Type **xt, int dt) {
    const BuiltinInfo *bi = &ti_builtins[bid];
    const Type *ct = ty_scalar_of(dt);
    if (bid == BI_NP_FREXP) {   /* the mantissa for a float dt, the exponent for an int one */
        LLVMValueRef slot = cg_entry_alloca(L, L->i32, "exp");
        LLVMTypeRef pt[2] = {L->f64, L->ptr};
        LLVMValueRef a[2] = {cg_cast(L, x[0], xt[0], ty_float64), slot};
        LLVMValueRef m = cg_call(L, "frexp", L->f64, pt, a, 2);
        return ty_dtypes[dt].kind == 'f' ? m : LLVMBuildSExt(L->b, LLVMBuildLoad2(L->b, L->i32, slot, ""), L->i64, "");
    }
    switch (bi->shape) {
    case SH_UF: {
        if (xt[0] == ty_complex128) return complex_uf(L, bid, x[0]);
        LLVMValueRef v = cg_cast(L, x[0], xt[0], ty_float64);
        if (bid == BI_NP_DEG2RAD || bid == BI_NP_RADIANS) return LLVMBuildFMul(L->b, v, f64c(L, M_PI / 180.0), "");
        if (bid == BI_NP_RAD2DEG || bid == BI_NP_DEGREES) return LLVMBuildFMul(L->b, v, f64c(L, 180.0 / M_PI), "");
        if (bid == BI_NP_SPACING) return spacing(L, v, dt);
        LLVMTypeRef t = L->f64;
        return cg_call(L, bi->lowering, L->f64, &t, &v, 1);
    }
    case SH_UB: {
        if (bid == BI_NP_LOGICAL_NOT) return LLVMBuildNot(L->b, cg_truth(L, x[0], xt[0]), "");
        if (xt[0] == ty_complex128) {   /* a NaN or an infinity in either part */
            const Type *f2[1] = {ty_float64};
            LLVMValueRef re = LLVMBuildExtractValue(L->b, x[0], 0, ""), im = LLVMBuildExtractValue(L->b, x[0], 1, "");
            LLVMValueRef r = cg_ufunc_scalar(L, bid, &re, f2, DT_BOOL), i = cg_ufunc_scalar(L, bid, &im, f2, DT_BOOL);
            return bid == BI_NP_ISFINITE ? LLVMBuildAnd(L->b, r, i, "") : LLVMBuildOr(L->b, r, i, "");
        }
        if (bid == BI_NP_SIGNBIT) {   /* the sign bit: -0.0 and -nan have it */
            if (xt[0] == ty_float64) return LLVMBuildICmp(L->b, LLVMIntSLT, LLVMBuildBitCast(L->b, x[0], L->i64, ""), i64c(L, 0), "");
            if (xt[0] == ty_int64) return LLVMBuildICmp(L->b, LLVMIntSLT, x[0], i64c(L, 0), "");
            return LLVMConstInt(L->i1, 0, 0);
        }
        if (xt[0] != ty_float64) return LLVMConstInt(L->i1, bid == BI_NP_ISFINITE, 0);
        LLVMValueRef v = x[0];
        if (bid == BI_NP_ISNAN) return LLVMBuildFCmp(L->b, LLVMRealUNO, v, v, "");
        LLVMValueRef ax = cg_intrinsic1(L, "llvm.fabs.f64", v);
        if (bid == BI_NP_ISINF) return LLVMBuildFCmp(L->b, LLVMRealOEQ, ax, f64c(L, INFINITY), "");
        return LLVMBuildFCmp(L->b, LLVMRealOLT, ax, f64c(L, INFINITY), "");
    }
    case SH_US: {
        const Type *in_t = xt[0] == ty_bool && ct != ty_bool ? ct : xt[0];
        LLVMValueRef v = cg_cast(L, x[0], xt[0], in_t == ty_bool ? ty_bool : ct == ty_float64 && xt[0] == ty_complex128 ? ty_complex128 : ct);
        switch (bid) {
        case BI_NP_ABS: case BI_NP_ABSOLUTE:
            if (xt[0] == ty_complex128)
                return cg_call_f64_2(L, "hypot", LLVMBuildExtractValue(L->b, x[0], 0, ""), LLVMBuildExtractValue(L->b, x[0], 1, ""));
            if (ct == ty_float64) return cg_intrinsic1(L, "llvm.fabs.f64", v);
            if (ct == ty_int64) {
                LLVMValueRef neg = LLVMBuildICmp(L->b, LLVMIntSLT, v, i64c(L, 0), "");
                return LLVMBuildSelect(L->b, neg, LLVMBuildSub(L->b, i64c(L, 0), v, ""), v, "");
            }
            return v;
        case BI_NP_NEGATIVE: return cg_unop(L, IRU_NEG, v, ct, ct);
        case BI_NP_RECIPROCAL:
            if (ct == ty_float64 || ct == ty_complex128) return cg_binop(L, IRB_TRUEDIV, cg_cast(L, i64c(L, 1), ty_int64, ct), v, ct, NULL);
            if (ct == ty_bool) return v;
            return int_reciprocal(L, v, dt);
        case BI_NP_POSITIVE: return v;
        case BI_NP_INVERT: case BI_NP_BITWISE_NOT:   /* booleans: not; integers: every bit flipped */
            return ct == ty_bool ? LLVMBuildNot(L->b, v, "") : LLVMBuildXor(L->b, v, i64c(L, -1), "");
        case BI_NP_CONJUGATE:
            if (ct != ty_complex128) return cg_cast(L, x[0], xt[0], ct);
            return LLVMBuildInsertValue(L->b, v, LLVMBuildFNeg(L->b, LLVMBuildExtractValue(L->b, v, 1, ""), ""), 1, "");
        case BI_NP_SQUARE:
            if (ct == ty_bool) return v;
            return cg_binop(L, IRB_MUL, v, v, ct, NULL);
        case BI_NP_SIGN:
            if (ct == ty_float64) {
                LLVMValueRef pos = LLVMBuildUIToFP(L->b, LLVMBuildFCmp(L->b, LLVMRealOGT, v, f64c(L, 0), ""), L->f64, "");
                LLVMValueRef neg = LLVMBuildUIToFP(L->b, LLVMBuildFCmp(L->b, LLVMRealOLT, v, f64c(L, 0), ""), L->f64, "");
                LLVMValueRef s = LLVMBuildFSub(L->b, pos, neg, "");
                return LLVMBuildSelect(L->b, LLVMBuildFCmp(L->b, LLVMRealUNO, v, v, ""), v, s, "");
            }
            if (ct == ty_uint64) return LLVMBuildZExt(L->b, LLVMBuildICmp(L->b, LLVMIntNE, v, i64c(L, 0), ""), L->i64, "");
            if (ct == ty_int64) {
                LLVMValueRef pos = LLVMBuildZExt(L->b, LLVMBuildICmp(L->b, LLVMIntSGT, v, i64c(L, 0), ""), L->i64, "");
                LLVMValueRef neg = LLVMBuildZExt(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, v, i64c(L, 0), ""), L->i64, "");
                return LLVMBuildSub(L->b, pos, neg, "");
            }
            return v;
        default:   /* floor ceil trunc rint: integers are their own */
            if (ct != ty_float64) return v;
            return cg_intrinsic1(L, bi->lowering, v);
        }
    }
    case SH_BB: {
        int op = ti_ufunc_compare(bid);
        if (op >= 0) return cg_cmp_values(L, op, x[0], xt[0], x[1], xt[1]);
        LLVMValueRef a = cg_truth(L, x[0], xt[0]), b = cg_truth(L, x[1], xt[1]);
        if (bid == BI_NP_LOGICAL_AND) return LLVMBuildAnd(L->b, a, b, "");
        if (bid == BI_NP_LOGICAL_OR) return LLVMBuildOr(L->b, a, b, "");
        return LLVMBuildXor(L->b, a, b, "");
    }
    case SH_BF:
        if (bid == BI_NP_NEXTAFTER && dt == DT_FLOAT32) {   /* the next float32, not the next double */
            LLVMTypeRef f32 = LLVMFloatTypeInContext(L->c), pt[2] = {f32, f32};
            LLVMValueRef a[2] = {LLVMBuildFPTrunc(L->b, cg_cast(L, x[0], xt[0], ty_float64), f32, ""),
                                 LLVMBuildFPTrunc(L->b, cg_cast(L, x[1], xt[1], ty_float64), f32, "")};
            return LLVMBuildFPExt(L->b, cg_call(L, "nextafterf", f32, pt, a, 2), L->f64, "");
        }
        if (bid == BI_NP_LDEXP) {   /* the exponent clamped into C's int: beyond it the result is 0 or inf anyway */
            LLVMValueRef e = cg_cast(L, x[1], xt[1], ty_int64);
            e = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSGT, e, i64c(L, 100000), ""), i64c(L, 100000), e, "");
            e = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, e, i64c(L, -100000), ""), i64c(L, -100000), e, "");
            LLVMTypeRef pt[2] = {L->f64, L->i32};
            LLVMValueRef a[2] = {cg_cast(L, x[0], xt[0], ty_float64), LLVMBuildTrunc(L->b, e, L->i32, "")};
            return cg_call(L, "ldexp", L->f64, pt, a, 2);
        }
        if (!bi->lowering) return float_binary(L, bid, cg_cast(L, x[0], xt[0], ty_float64), cg_cast(L, x[1], xt[1], ty_float64));
        return cg_call_f64_2(L, bi->lowering, cg_cast(L, x[0], xt[0], ty_float64), cg_cast(L, x[1], xt[1], ty_float64));
    case SH_BS: {
        const Type *opt = ct;
        LLVMValueRef a = cg_cast(L, x[0], xt[0], opt), b = cg_cast(L, x[1], xt[1], opt);
        switch (bid) {
        case BI_NP_MINIMUM: return nan_min_max(L, false, true, a, b, opt);
        case BI_NP_MAXIMUM: return nan_min_max(L, true, true, a, b, opt);
        case BI_NP_FMIN: return nan_min_max(L, false, false, a, b, opt);
        case BI_NP_FMAX: return nan_min_max(L, true, false, a, b, opt);
        case BI_NP_POWER: return cg_binop(L, IRB_POW, a, b, opt, NULL);
        case BI_NP_ADD:
            if (opt == ty_bool) return LLVMBuildOr(L->b, a, b, "");
            return cg_binop(L, IRB_ADD, a, b, opt, NULL);
        case BI_NP_SUBTRACT: return cg_binop(L, IRB_SUB, a, b, opt, NULL);
        case BI_NP_MULTIPLY:
            if (opt == ty_bool) return LLVMBuildAnd(L->b, a, b, "");
            return cg_binop(L, IRB_MUL, a, b, opt, NULL);
        case BI_NP_DIVIDE: case BI_NP_TRUE_DIVIDE: return cg_binop(L, IRB_TRUEDIV, a, b, opt, NULL);
        case BI_NP_FLOOR_DIVIDE: return cg_binop(L, IRB_FLOORDIV, a, b, opt, NULL);
        case BI_NP_REMAINDER: case BI_NP_MOD: return cg_binop(L, IRB_MOD, a, b, opt, NULL);
        case BI_NP_BITWISE_AND: return opt == ty_bool ? LLVMBuildAnd(L->b, a, b, "") : cg_binop(L, IRB_AND, a, b, opt, NULL);
        case BI_NP_BITWISE_OR: return opt == ty_bool ? LLVMBuildOr(L->b, a, b, "") : cg_binop(L, IRB_OR, a, b, opt, NULL);
        case BI_NP_BITWISE_XOR: return opt == ty_bool ? LLVMBuildXor(L->b, a, b, "") : cg_binop(L, IRB_XOR, a, b, opt, NULL);
        case BI_NP_LEFT_SHIFT: return cg_binop(L, IRB_LSHIFT, a, b, opt, NULL);
        case BI_NP_FMOD:
            if (opt == ty_float64) return cg_call_f64_2(L, "fmod", a, b);
            return int_fmod(L, a, b, opt == ty_uint64);
        case BI_NP_GCD: case BI_NP_LCM: {
            LLVMTypeRef pt[2] = {L->i64, L->i64};
            LLVMValueRef ab[2] = {a, b}, g = cg_call(L, "ember_rt_gcd", L->i64, pt, ab, 2);
            if (bid == BI_NP_GCD) return g;
            /* lcm: |a / gcd * b|, 0 where either is 0 (then gcd is |the other|, maybe 0) */
            LLVMValueRef zero = LLVMBuildICmp(L->b, LLVMIntEQ, g, i64c(L, 0), "");
            LLVMValueRef q = LLVMBuildSDiv(L->b, a, LLVMBuildSelect(L->b, zero, i64c(L, 1), g, ""), "");
            LLVMValueRef m = LLVMBuildMul(L->b, q, b, "");
            LLVMValueRef neg = LLVMBuildICmp(L->b, LLVMIntSLT, m, i64c(L, 0), "");
            m = LLVMBuildSelect(L->b, neg, LLVMBuildSub(L->b, i64c(L, 0), m, ""), m, "");
            return LLVMBuildSelect(L->b, zero, i64c(L, 0), m, "");
        }
        case BI_NP_RIGHT_SHIFT: return cg_binop(L, IRB_RSHIFT, a, b, opt, NULL);
        }
        break;
    }
    default:
        break;
    }
    return LLVMGetPoison(cg_type(L, ct));
}

/* ---- construction ------------------------------------------------------------------------ */
/* The dimensions a shape argument (an int or a tuple of ints) gives. */
static int shape_values(Lower *L, const Type *st, LLVMValueRef sv, LLVMValueRef *shape) {
    if (st->kind != TY_TUPLE) {
        shape[0] = sv;
        return 1;
    }
    for (int k = 0; k < st->n; k++) shape[k] = LLVMBuildExtractValue(L->b, sv, (unsigned)k, "");
    return st->n;
}

typedef struct FillEnv {
    const Type *t;
    LLVMValueRef arr, value;
    const Type *vt;
    int kind;                    /* 2 arange (eye_body has its own) */
    LLVMValueRef a0, a1, k;
} FillEnv;

static void fill_body(Lower *L, LLVMValueRef *idx, void *env) {
    FillEnv *F = env;
    LLVMValueRef p = cg_gep8(L, cg_arr_data(L, F->arr), LLVMBuildMul(L->b, idx[0], i64c(L, ty_dtypes[F->t->dtype].size), ""));
    switch (F->kind) {
    case 2: {   /* start + i * step in the value type; for floats as NumPy fills: start, start + step,
                 * then start + i * delta with delta = (start + step) - start (so a step of inf
                 * gives [start], not NaN) */
        LLVMValueRef v;
        if (F->vt == ty_float64) {
            LLVMValueRef second = LLVMBuildFAdd(L->b, F->a0, F->a1, "");
            LLVMValueRef delta = LLVMBuildFSub(L->b, second, F->a0, "");
            v = LLVMBuildFAdd(L->b, F->a0, LLVMBuildFMul(L->b, LLVMBuildSIToFP(L->b, idx[0], L->f64, ""), delta, ""), "");
            v = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, idx[0], i64c(L, 1), ""), second, v, "");
            v = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, idx[0], i64c(L, 0), ""), F->a0, v, "");
        } else {
            v = LLVMBuildAdd(L->b, F->a0, LLVMBuildMul(L->b, idx[0], F->a1, ""), "");
        }
        cg_store_elem(L, F->t->dtype, p, v, F->vt);
        break;
    }
    }
}

static void eye_body(Lower *L, LLVMValueRef *idx, void *env) {
    FillEnv *F = env;
    LLVMValueRef off = LLVMBuildAdd(L->b, LLVMBuildMul(L->b, idx[0], cg_arr_stride(L, F->t, F->arr, 0), ""),
                                    LLVMBuildMul(L->b, idx[1], i64c(L, ty_dtypes[F->t->dtype].size), ""), "");
    LLVMValueRef on = LLVMBuildICmp(L->b, LLVMIntEQ, LLVMBuildAdd(L->b, idx[0], F->k, ""), idx[1], "");
    cg_store_elem(L, F->t->dtype, cg_gep8(L, cg_arr_data(L, F->arr), off), on, ty_bool);
}

/* np.arange's length as NumPy computes it for floats: ceil((stop - start) / step), 1 where the
 * quotient underflows to +0 (a step of inf), ValueError for NaN and for lengths beyond int64
 * (checked before the conversion, which would be undefined there). */
static LLVMValueRef arange_length_float(Lower *L, LLVMValueRef start, LLVMValueRef stop, LLVMValueRef step) {
    cg_raise_if(L, LLVMBuildFCmp(L->b, LLVMRealOEQ, step, f64c(L, 0), ""), "builtins:ZeroDivisionError", "arange: step is zero");
    LLVMValueRef delta = LLVMBuildFSub(L->b, stop, start, "");
    LLVMValueRef q = LLVMBuildFDiv(L->b, delta, step, "");
    LLVMValueRef c = cg_intrinsic1(L, "llvm.ceil.f64", q);
    LLVMValueRef under = LLVMBuildAnd(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, q, f64c(L, 0), ""),
                                      LLVMBuildFCmp(L->b, LLVMRealONE, delta, f64c(L, 0), ""), "");
    LLVMValueRef pos = LLVMBuildICmp(L->b, LLVMIntSGE, LLVMBuildBitCast(L->b, q, L->i64, ""), i64c(L, 0), "");
    c = LLVMBuildSelect(L->b, under, LLVMBuildSelect(L->b, pos, f64c(L, 1), f64c(L, 0), ""), c, "");
    cg_raise_if(L, LLVMBuildFCmp(L->b, LLVMRealUNO, c, c, ""), "builtins:ValueError", "arange: cannot compute length");
    cg_raise_if(L, LLVMBuildFCmp(L->b, LLVMRealOGE, c, f64c(L, 9223372036854775808.0), ""), "builtins:ValueError",
                "Maximum allowed size exceeded");
    return LLVMBuildFPToSI(L->b, LLVMBuildSelect(L->b, LLVMBuildFCmp(L->b, LLVMRealOGT, c, f64c(L, 0), ""), c, f64c(L, 0), ""), L->i64, "");
}

/* np.arange's length for ints, exact for every start, stop and step: the distance from the low
 * end to the high end as an unsigned number, divided by |step| rounding up; ValueError where it
 * does not fit an int64. */
static LLVMValueRef arange_length_int(Lower *L, LLVMValueRef start, LLVMValueRef stop, LLVMValueRef step) {
    cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntEQ, step, i64c(L, 0), ""), "builtins:ZeroDivisionError", "arange: step is zero");
    LLVMValueRef pos = LLVMBuildICmp(L->b, LLVMIntSGT, step, i64c(L, 0), "");
    LLVMValueRef hi = LLVMBuildSelect(L->b, pos, stop, start, ""), lo = LLVMBuildSelect(L->b, pos, start, stop, "");
    LLVMValueRef any = LLVMBuildICmp(L->b, LLVMIntSGT, hi, lo, "");
    LLVMValueRef dist = LLVMBuildSub(L->b, hi, lo, "");   /* exact as unsigned when hi > lo */
    LLVMValueRef ustep = LLVMBuildSelect(L->b, pos, step, LLVMBuildSub(L->b, i64c(L, 0), step, ""), "");
    LLVMValueRef n = LLVMBuildAdd(L->b, LLVMBuildUDiv(L->b, dist, ustep, ""),
                                  LLVMBuildZExt(L->b, LLVMBuildICmp(L->b, LLVMIntNE, LLVMBuildURem(L->b, dist, ustep, ""), i64c(L, 0), ""), L->i64, ""), "");
    n = LLVMBuildSelect(L->b, any, n, i64c(L, 0), "");
    cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntSLT, n, i64c(L, 0), ""), "builtins:ValueError", "Maximum allowed size exceeded");
    return n;
}

static LLVMValueRef new_filled(Lower *L, const Type *t, LLVMValueRef *shape, LLVMValueRef value, const Type *vt) {
    LLVMValueRef arr = cg_alloc_array(L, t, shape);
    if (value) cg_assign_array(L, t, arr, vt, value);
    return arr;
}

/* A view of C-contiguous a with a new shape (a -1 is inferred); ValueError on a size mismatch. */
static LLVMValueRef reshape_view(Lower *L, const Type *at, LLVMValueRef a, const Type *rt, LLVMValueRef *shape) {
    int nd = rt->ndim;
    LLVMValueRef known = i64c(L, 1), unknown = i64c(L, -1), size = cg_array_size(L, at, a);
    LLVMValueRef bad = LLVMConstInt(L->i1, 0, 0);   /* a dimension below -1, or a product beyond int64 */
    for (int k = 0; k < nd; k++) {
        LLVMValueRef neg = LLVMBuildICmp(L->b, LLVMIntEQ, shape[k], i64c(L, -1), "");
        bad = LLVMBuildOr(L->b, bad, LLVMBuildICmp(L->b, LLVMIntSLT, shape[k], i64c(L, -1), ""), "");
        bad = LLVMBuildOr(L->b, bad, LLVMBuildAnd(L->b, neg, LLVMBuildICmp(L->b, LLVMIntSGE, unknown, i64c(L, 0), ""), ""), "");   /* a second -1 */
        unknown = LLVMBuildSelect(L->b, neg, i64c(L, k), unknown, "");
        LLVMValueRef d = LLVMBuildSelect(L->b, neg, i64c(L, 1), shape[k], "");
        known = cg_mul_size(L, known, LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, d, i64c(L, 0), ""), i64c(L, 1), d, ""), &bad);
    }
    LLVMValueRef safe = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, known, i64c(L, 0), ""), i64c(L, 1), known, "");
    LLVMValueRef inferred = LLVMBuildSDiv(L->b, size, safe, "");
    for (int k = 0; k < nd; k++)
        shape[k] = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, unknown, i64c(L, k), ""), inferred, shape[k], "");
    LLVMValueRef strides[64];
    LLVMValueRef nbytes = cg_c_strides(L, rt->dtype, nd, shape, strides);
    cg_raise_if(L, LLVMBuildOr(L->b, bad, LLVMBuildICmp(L->b, LLVMIntNE, nbytes, LLVMBuildMul(L->b, size, i64c(L, ty_dtypes[rt->dtype].size), ""), ""), ""),
                "builtins:ValueError", "cannot reshape array into the requested shape");
    return cg_make_array(L, rt, cg_arr_meminfo(L, a), LLVMBuildExtractValue(L->b, a, 1, ""), cg_arr_data(L, a), shape, strides);
}

/* Elements of a nested tuple into consecutive positions of a new array. */
void cg_store_sequence(Lower *L, const Type *rt, LLVMValueRef data, const Type *t, LLVMValueRef v, long long *pos) {
    if (t->kind == TY_TUPLE) {
        for (int i = 0; i < t->n; i++)
            cg_store_sequence(L, rt, data, t->elems[i], LLVMBuildExtractValue(L->b, v, (unsigned)i, ""), pos);
        return;
    }
    LLVMValueRef p = cg_gep8(L, data, i64c(L, *pos * ty_dtypes[rt->dtype].size));
    cg_store_elem(L, rt->dtype, p, v, t);
    (*pos)++;
}

/* ---- reductions ------------------------------------------------------------------------------- */
typedef struct Lane {
    LLVMValueRef base, n, stride;
    int dt;
} Lane;

static LLVMValueRef lane_ptr(Lower *L, Lane *ln, LLVMValueRef i) {
    return cg_gep8(L, ln->base, LLVMBuildMul(L->b, i, ln->stride, ""));
}

static LLVMValueRef acc_new(Lower *L, LLVMTypeRef t, LLVMValueRef init) {
    LLVMValueRef s = cg_entry_alloca(L, t, "acc");
    LLVMBuildStore(L->b, init, s);
    return s;
}

/* The value a sum (IRB_ADD) or product (IRB_MUL) in type t starts from. */
LLVMValueRef cg_fold_identity(Lower *L, int op, const Type *t) {
    if (op == IRB_ADD) return LLVMConstNull(cg_type(L, t));
    if (t == ty_float64) return f64c(L, 1);
    if (t == ty_complex128) {
        LLVMValueRef f[2] = {f64c(L, 1), f64c(L, 0)};
        return LLVMConstStructInContext(L->c, f, 2, 0);
    }
    return LLVMConstInt(cg_type(L, t), 1, 0);
}

/* sum or product of a lane, in type ct */
static LLVMValueRef lane_fold(Lower *L, Lane *ln, int op, const Type *ct) {
    LLVMValueRef acc = acc_new(L, cg_type(L, ct), cg_fold_identity(L, op, ct));
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, ln->n);
    LLVMValueRef x = cg_cast(L, cg_load_elem(L, ln->dt, lane_ptr(L, ln, i)), ty_scalar_of(ln->dt), ct);
    LLVMValueRef cur = LLVMBuildLoad2(L->b, cg_type(L, ct), acc, "");
    LLVMBuildStore(L->b, cg_binop(L, op, cur, x, ct, NULL), acc);
    cg_loop_end(L, &lc);
    return LLVMBuildLoad2(L->b, cg_type(L, ct), acc, "");
}

/* Whether x replaces b as the min (is_max false) or max so far: NaN wins, and an equal value
 * does not replace (the first occurrence stays). vec_better: elements of dtype dt, scalars or
 * vectors (the argmin/argmax blocks below); extreme_better: canonical scalars of type ct. */
static LLVMValueRef vec_better(Lower *L, bool is_max, LLVMValueRef x, LLVMValueRef b, int dt) {
    char k = ty_dtypes[dt].kind;
    if (k == 'f')   /* "x > b or unordered" (x NaN), and b not NaN */
        return LLVMBuildAnd(L->b, LLVMBuildFCmp(L->b, is_max ? LLVMRealUGT : LLVMRealULT, x, b, ""),
                            LLVMBuildFCmp(L->b, LLVMRealORD, b, b, ""), "");
    LLVMIntPredicate p = k == 'i' ? (is_max ? LLVMIntSGT : LLVMIntSLT) : (is_max ? LLVMIntUGT : LLVMIntULT);
    return LLVMBuildICmp(L->b, p, x, b, "");
}

static LLVMValueRef extreme_better(Lower *L, bool is_max, LLVMValueRef x, LLVMValueRef b, const Type *ct) {
    if (ct == ty_complex128) {   /* NumPy orders complex numbers by real part, then imaginary; NaN wins */
        LLVMValueRef xr = LLVMBuildExtractValue(L->b, x, 0, ""), xi = LLVMBuildExtractValue(L->b, x, 1, "");
        LLVMValueRef br = LLVMBuildExtractValue(L->b, b, 0, ""), bi = LLVMBuildExtractValue(L->b, b, 1, "");
        LLVMRealPredicate p = is_max ? LLVMRealOGT : LLVMRealOLT;
        LLVMValueRef cmp = LLVMBuildOr(L->b, LLVMBuildFCmp(L->b, p, xr, br, ""),
                                       LLVMBuildAnd(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, xr, br, ""),
                                                    LLVMBuildFCmp(L->b, p, xi, bi, ""), ""), "");
        LLVMValueRef xnan = LLVMBuildOr(L->b, LLVMBuildFCmp(L->b, LLVMRealUNO, xr, xr, ""), LLVMBuildFCmp(L->b, LLVMRealUNO, xi, xi, ""), "");
        LLVMValueRef bnan = LLVMBuildOr(L->b, LLVMBuildFCmp(L->b, LLVMRealUNO, br, br, ""), LLVMBuildFCmp(L->b, LLVMRealUNO, bi, bi, ""), "");
        return LLVMBuildAnd(L->b, LLVMBuildOr(L->b, cmp, xnan, ""), LLVMBuildNot(L->b, bnan, ""), "");
    }
    if (ct == ty_float64) return vec_better(L, is_max, x, b, DT_FLOAT64);
    return cg_cmp(L, is_max ? IRC_GT : IRC_LT, x, b, ct);
}

/* NumPy's ValueError for min/max (or argmin/argmax: want_index) of no elements. */
static void extreme_nonempty(Lower *L, LLVMValueRef n, bool is_max, bool want_index, const char *fname) {
    char msg[128];
    if (want_index) snprintf(msg, sizeof msg, "attempt to get %s of an empty sequence", fname);
    else snprintf(msg, sizeof msg, "zero-size array to reduction operation %s which has no identity",
                  is_max ? "maximum" : "minimum");
    cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntEQ, n, i64c(L, 0), ""), "builtins:ValueError", ctx_strdup(L->ctx, msg));
}

/* ---- argmin / argmax on vectors ------------------------------------------------------------
 * LLVM cannot vectorise a scan that keeps a value and its index, so contiguous lanes of ints and
 * floats (the common case) are scanned EXTREME_W elements at a time in explicit vectors: each
 * vector lane keeps the best value it has seen and that value's index (strictly better only, so
 * the first occurrence; NaN beats every number and a later NaN does not replace an earlier one).
 * The lanes are then combined, ties going to the smaller index, and the elements after the last
 * whole block go through the scalar scan, which starts from the combined best. */
#define EXTREME_W 8

/* x the same as b for the tie rule: equal, or both NaN. */
static LLVMValueRef vec_same(Lower *L, LLVMValueRef x, LLVMValueRef b, int dt) {
    if (ty_dtypes[dt].kind != 'f') return LLVMBuildICmp(L->b, LLVMIntEQ, x, b, "");
    return LLVMBuildOr(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, x, b, ""),
                       LLVMBuildAnd(L->b, LLVMBuildFCmp(L->b, LLVMRealUNO, x, x, ""), LLVMBuildFCmp(L->b, LLVMRealUNO, b, b, ""), ""), "");
}

/* The vector scan of the first n - n % EXTREME_W elements of a contiguous lane with at least
 * 2 * EXTREME_W of them; stores the best element (as the canonical scalar) and its index. */
static void extreme_blocks(Lower *L, Lane *ln, bool is_max, LLVMValueRef best, LLVMValueRef besti, LLVMValueRef nb) {
    int dt = ln->dt, W = EXTREME_W;
    LLVMTypeRef et = cg_elem_llvm(L, dt), vt = LLVMVectorType(et, (unsigned)W), it = LLVMVectorType(L->i64, (unsigned)W);
    LLVMValueRef steps[EXTREME_W];
    for (int k = 0; k < W; k++) steps[k] = i64c(L, k);
    LLVMValueRef iota = LLVMConstVector(steps, (unsigned)W);
    LLVMValueRef first = LLVMBuildLoad2(L->b, vt, ln->base, "");
    LLVMSetAlignment(first, 1);   /* any buffer: unaligned data too */
    LLVMValueRef bv = acc_new(L, vt, first), bi = acc_new(L, it, iota);
    LoopCtx lc;
    LLVMValueRef j = LLVMBuildMul(L->b, LLVMBuildAdd(L->b, cg_loop_begin(L, &lc, LLVMBuildSub(L->b, LLVMBuildUDiv(L->b, nb, i64c(L, W), ""), i64c(L, 1), "")),
                                                     i64c(L, 1), ""), i64c(L, W), "");
    LLVMValueRef x = LLVMBuildLoad2(L->b, vt, lane_ptr(L, ln, j), "");
    LLVMSetAlignment(x, 1);
    LLVMValueRef cur = LLVMBuildLoad2(L->b, vt, bv, "");
    LLVMValueRef better = vec_better(L, is_max, x, cur, dt);
    LLVMValueRef jv = LLVMBuildInsertElement(L->b, LLVMGetPoison(it), j, i64c(L, 0), "");
    jv = LLVMBuildShuffleVector(L->b, jv, LLVMGetPoison(it), LLVMConstNull(LLVMVectorType(L->i32, (unsigned)W)), "");
    LLVMValueRef idx = LLVMBuildAdd(L->b, jv, iota, "");
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, better, x, cur, ""), bv);
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, better, idx, LLVMBuildLoad2(L->b, it, bi, ""), ""), bi);
    cg_loop_end(L, &lc);
    LLVMValueRef v = LLVMBuildLoad2(L->b, vt, bv, ""), vi = LLVMBuildLoad2(L->b, it, bi, "");
    LLVMValueRef b = LLVMBuildExtractElement(L->b, v, i64c(L, 0), ""), b_i = LLVMBuildExtractElement(L->b, vi, i64c(L, 0), "");
    for (int k = 1; k < W; k++) {
        LLVMValueRef xk = LLVMBuildExtractElement(L->b, v, i64c(L, k), ""), ik = LLVMBuildExtractElement(L->b, vi, i64c(L, k), "");
        LLVMValueRef take = LLVMBuildOr(L->b, vec_better(L, is_max, xk, b, dt),
                                        LLVMBuildAnd(L->b, vec_same(L, xk, b, dt), LLVMBuildICmp(L->b, LLVMIntSLT, ik, b_i, ""), ""), "");
        b = LLVMBuildSelect(L->b, take, xk, b, "");
        b_i = LLVMBuildSelect(L->b, take, ik, b_i, "");
    }
    /* the element as cg_load_elem gives it */
    LLVMValueRef tmp = cg_entry_alloca(L, et, "elem");
    LLVMBuildStore(L->b, b, tmp);
    LLVMBuildStore(L->b, cg_load_elem(L, dt, tmp), best);
    LLVMBuildStore(L->b, b_i, besti);
}

/* The min or max of a non-empty lane and the index of its first occurrence. */
static void lane_extreme_scan(Lower *L, Lane *ln, bool is_max, LLVMValueRef *value, LLVMValueRef *index) {
    const Type *ct = ty_scalar_of(ln->dt);
    LLVMValueRef best = acc_new(L, cg_type(L, ct), cg_load_elem(L, ln->dt, ln->base));
    LLVMValueRef besti = acc_new(L, L->i64, i64c(L, 0));
    LLVMValueRef from = acc_new(L, L->i64, i64c(L, 0));
    char kind = ty_dtypes[ln->dt].kind;
    if (kind == 'f' || kind == 'i' || kind == 'u') {   /* contiguous and long enough: blocks on vectors first */
        LLVMValueRef nb = LLVMBuildAnd(L->b, ln->n, i64c(L, -EXTREME_W), "");
        LLVMValueRef go = LLVMBuildAnd(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, ln->stride, i64c(L, ty_dtypes[ln->dt].size), ""),
                                       LLVMBuildICmp(L->b, LLVMIntSGE, ln->n, i64c(L, 2 * EXTREME_W), ""), "");
        LLVMBasicBlockRef vec = LLVMAppendBasicBlockInContext(L->c, L->func, "extremevec");
        LLVMBasicBlockRef after = LLVMAppendBasicBlockInContext(L->c, L->func, "extremetail");
        LLVMBuildCondBr(L->b, go, vec, after);
        LLVMPositionBuilderAtEnd(L->b, vec);
        extreme_blocks(L, ln, is_max, best, besti, nb);
        LLVMBuildStore(L->b, nb, from);
        LLVMBuildBr(L->b, after);
        LLVMPositionBuilderAtEnd(L->b, after);
    }
    LLVMValueRef start = LLVMBuildLoad2(L->b, L->i64, from, "");
    LoopCtx lc;
    LLVMValueRef i = LLVMBuildAdd(L->b, cg_loop_begin(L, &lc, LLVMBuildSub(L->b, ln->n, start, "")), start, "");
    LLVMValueRef x = cg_load_elem(L, ln->dt, lane_ptr(L, ln, i));
    LLVMValueRef b = LLVMBuildLoad2(L->b, cg_type(L, ct), best, "");
    LLVMValueRef better = extreme_better(L, is_max, x, b, ct);
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, better, x, b, ""), best);
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, better, i, LLVMBuildLoad2(L->b, L->i64, besti, ""), ""), besti);
    cg_loop_end(L, &lc);
    *value = LLVMBuildLoad2(L->b, cg_type(L, ct), best, "");
    *index = LLVMBuildLoad2(L->b, L->i64, besti, "");
}

/* The min or max of a non-empty float lane, as a fold of llvm.minimum / llvm.maximum (NaN wins
 * as in NumPy; -0.0 counts below 0.0): LLVM vectorises it as a reduction, where the
 * compare-and-select of lane_extreme_scan, which also tracks an index, stays one element at a
 * time. */
static LLVMValueRef float_extreme(Lower *L, bool is_max, LLVMValueRef a, LLVMValueRef b) {
    return cg_call_f64_2(L, is_max ? "llvm.maximum.f64" : "llvm.minimum.f64", a, b);
}

static LLVMValueRef lane_extreme_float(Lower *L, Lane *ln, bool is_max) {
    LLVMValueRef acc = acc_new(L, L->f64, cg_load_elem(L, ln->dt, ln->base));
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, ln->n);
    LLVMValueRef x = cg_load_elem(L, ln->dt, lane_ptr(L, ln, i));
    LLVMBuildStore(L->b, float_extreme(L, is_max, LLVMBuildLoad2(L->b, L->f64, acc, ""), x), acc);
    cg_loop_end(L, &lc);
    return LLVMBuildLoad2(L->b, L->f64, acc, "");
}

/* min/max (value) or argmin/argmax (index); NaN wins, first occurrence. */
static LLVMValueRef lane_extreme(Lower *L, Lane *ln, bool is_max, bool want_index, const char *fname) {
    extreme_nonempty(L, ln->n, is_max, want_index, fname);
    if (!want_index && ty_scalar_of(ln->dt) == ty_float64) return lane_extreme_float(L, ln, is_max);
    LLVMValueRef value, index;
    lane_extreme_scan(L, ln, is_max, &value, &index);
    return want_index ? index : value;
}

/* A sum s of n elements divided by n, in ct (float64 or complex128). */
static LLVMValueRef mean_of(Lower *L, LLVMValueRef s, LLVMValueRef n, const Type *ct) {
    LLVMValueRef fn = LLVMBuildSIToFP(L->b, n, L->f64, "");
    if (ct == ty_complex128) {
        LLVMValueRef re = LLVMBuildFDiv(L->b, LLVMBuildExtractValue(L->b, s, 0, ""), fn, "");
        LLVMValueRef im = LLVMBuildFDiv(L->b, LLVMBuildExtractValue(L->b, s, 1, ""), fn, "");
        LLVMValueRef v = LLVMGetUndef(L->c128);
        v = LLVMBuildInsertValue(L->b, v, re, 0, "");
        return LLVMBuildInsertValue(L->b, v, im, 1, "");
    }
    return LLVMBuildFDiv(L->b, s, fn, "");
}

static LLVMValueRef lane_mean(Lower *L, Lane *ln, const Type *ct) {
    return mean_of(L, lane_fold(L, ln, IRB_ADD, ct), ln->n, ct);
}

/* The sum of |x - mean|**2 over a lane (float64). */
static LLVMValueRef lane_sqdev(Lower *L, Lane *ln, LLVMValueRef mean) {
    bool cplx = ty_dtypes[ln->dt].kind == 'c';
    const Type *ct = cplx ? ty_complex128 : ty_float64;
    LLVMValueRef acc = acc_new(L, L->f64, f64c(L, 0));
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, ln->n);
    LLVMValueRef x = cg_cast(L, cg_load_elem(L, ln->dt, lane_ptr(L, ln, i)), ty_scalar_of(ln->dt), ct);
    LLVMValueRef sq;
    if (cplx) {
        LLVMValueRef dr = LLVMBuildFSub(L->b, LLVMBuildExtractValue(L->b, x, 0, ""), LLVMBuildExtractValue(L->b, mean, 0, ""), "");
        LLVMValueRef di = LLVMBuildFSub(L->b, LLVMBuildExtractValue(L->b, x, 1, ""), LLVMBuildExtractValue(L->b, mean, 1, ""), "");
        sq = LLVMBuildFAdd(L->b, LLVMBuildFMul(L->b, dr, dr, ""), LLVMBuildFMul(L->b, di, di, ""), "");
    } else {
        LLVMValueRef d = LLVMBuildFSub(L->b, x, mean, "");
        sq = LLVMBuildFMul(L->b, d, d, "");
    }
    LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, LLVMBuildLoad2(L->b, L->f64, acc, ""), sq, ""), acc);
    cg_loop_end(L, &lc);
    return LLVMBuildLoad2(L->b, L->f64, acc, "");
}

/* var (or std) from the sum of squared deviations ss of n elements: ss / max(n - ddof, 0) as
 * NumPy divides (ddof NULL: 0) */
static LLVMValueRef var_of(Lower *L, LLVMValueRef ss, LLVMValueRef n, bool is_std, LLVMValueRef ddof) {
    LLVMValueRef fn = LLVMBuildSIToFP(L->b, n, L->f64, "");
    if (ddof) fn = cg_call_f64_2(L, "llvm.maxnum.f64", LLVMBuildFSub(L->b, fn, ddof, ""), f64c(L, 0));
    LLVMValueRef v = LLVMBuildFDiv(L->b, ss, fn, "");
    return is_std ? cg_intrinsic1(L, "llvm.sqrt.f64", v) : v;
}

static LLVMValueRef lane_var(Lower *L, Lane *ln, bool is_std, LLVMValueRef ddof) {
    const Type *ct = ty_dtypes[ln->dt].kind == 'c' ? ty_complex128 : ty_float64;
    return var_of(L, lane_sqdev(L, ln, lane_mean(L, ln, ct)), ln->n, is_std, ddof);
}

static LLVMValueRef lane_bool(Lower *L, Lane *ln, int bid) {
    const Type *ct = ty_scalar_of(ln->dt);
    bool count = bid == BI_NP_COUNT_NONZERO, all = bid == BI_NP_ALL;
    LLVMValueRef acc = count ? acc_new(L, L->i64, i64c(L, 0)) : acc_new(L, L->i1, LLVMConstInt(L->i1, all, 0));
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, ln->n);
    LLVMValueRef t = cg_truth(L, cg_load_elem(L, ln->dt, lane_ptr(L, ln, i)), ct);
    if (count) {
        LLVMBuildStore(L->b, LLVMBuildAdd(L->b, LLVMBuildLoad2(L->b, L->i64, acc, ""), LLVMBuildZExt(L->b, t, L->i64, ""), ""), acc);
    } else {
        LLVMValueRef cur = LLVMBuildLoad2(L->b, L->i1, acc, "");
        LLVMBuildStore(L->b, all ? LLVMBuildAnd(L->b, cur, t, "") : LLVMBuildOr(L->b, cur, t, ""), acc);
    }
    cg_loop_end(L, &lc);
    return LLVMBuildLoad2(L->b, count ? L->i64 : L->i1, acc, "");
}

/* The fold of a lane by binary ufunc bid (np.subtract.reduce & co) in rdt: from the ufunc's
 * identity where it has one, else from the first element (ValueError for an empty lane). */
static LLVMValueRef ufunc_fold(Lower *L, Lane *ln, int bid, int rdt) {
    const Type *ct = ty_scalar_of(rdt), *et = ty_scalar_of(ln->dt), *xt[2] = {ct, ct};
    LLVMValueRef init = NULL, start = i64c(L, 0);
    if (bid == BI_NP_BITWISE_AND) init = ct == ty_bool ? LLVMConstInt(L->i1, 1, 0) : i64c(L, -1);
    else if (bid == BI_NP_BITWISE_OR || bid == BI_NP_BITWISE_XOR || bid == BI_NP_LOGICAL_XOR) init = LLVMConstNull(cg_type(L, ct));
    if (!init) {
        char msg[128];
        snprintf(msg, sizeof msg, "zero-size array to reduction operation %s which has no identity", ti_builtins[bid].name);
        cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntEQ, ln->n, i64c(L, 0), ""), "builtins:ValueError", ctx_strdup(L->ctx, msg));
        init = cg_cast(L, cg_load_elem(L, ln->dt, ln->base), et, ct);
        start = i64c(L, 1);
    }
    LLVMValueRef acc = acc_new(L, cg_type(L, ct), init);
    LoopCtx lc;
    LLVMValueRef i = LLVMBuildAdd(L->b, cg_loop_begin(L, &lc, LLVMBuildSub(L->b, ln->n, start, "")), start, "");
    LLVMValueRef x[2] = {LLVMBuildLoad2(L->b, cg_type(L, ct), acc, ""), cg_cast(L, cg_load_elem(L, ln->dt, lane_ptr(L, ln, i)), et, ct)};
    L->numpy_sem = true;
    LLVMBuildStore(L->b, cg_ufunc_scalar(L, bid, x, xt, rdt), acc);
    L->numpy_sem = false;
    cg_loop_end(L, &lc);
    return LLVMBuildLoad2(L->b, cg_type(L, ct), acc, "");
}

/* The reduction `bid` of one lane, as ret's scalar type (ret: the result dtype). */
static LLVMValueRef reduce_lane(Lower *L, int bid, Lane *ln, int rdt, LLVMValueRef ddof) {
    const Type *rt = ty_scalar_of(rdt);
    switch (bid) {
    case BI_NP_SUM: return lane_fold(L, ln, IRB_ADD, rt == ty_bool ? ty_int64 : rt);
    case BI_NP_PROD: return lane_fold(L, ln, IRB_MUL, rt == ty_bool ? ty_int64 : rt);
    case BI_NP_MIN: case BI_NP_AMIN: return lane_extreme(L, ln, false, false, "min");
    case BI_NP_MAX: case BI_NP_AMAX: return lane_extreme(L, ln, true, false, "max");
    case BI_NP_ARGMIN: return lane_extreme(L, ln, false, true, "argmin");
    case BI_NP_ARGMAX: return lane_extreme(L, ln, true, true, "argmax");
    case BI_NP_MEAN: return lane_mean(L, ln, rt);
    case BI_NP_VAR: return lane_var(L, ln, false, ddof);
    case BI_NP_STD: return lane_var(L, ln, true, ddof);
    default:
        if (ti_is_ufunc(bid)) return ufunc_fold(L, ln, bid, rdt);
        return lane_bool(L, ln, bid);
    }
}

/* ---- whole-array reductions on threads (parallel=True) -------------------------------------- *
 * Each chunk of the lane folds its elements [lo, hi) with the serial lane code into a partial
 * {value, index}; the caller combines the partials in chunk order, so integer results equal the
 * serial ones, float sums differ only by reassociation, the first NaN (or first extreme) wins as
 * in one pass. Below CG_PAR_MIN_ELEMS the lane is one chunk, folded in this thread: exactly the
 * serial result. Empty min/max raise before any chunk runs. var/std take two passes (the mean,
 * then the squared deviations), as in one thread.
 *
 * env: {lane base, lane stride, the mean (PF_SQDEV)}. */
enum {
    PF_ADD, PF_MUL,   /* sum, product in ct */
    PF_MIN, PF_MAX,   /* value (and, when asked, index) of the first extreme (NaN wins) */
    PF_SQDEV,         /* sum of squared deviations from env's mean */
    PF_ALL, PF_ANY, PF_COUNT
};

static LLVMValueRef par_combine(Lower *L, int kind, LLVMValueRef acc, LLVMValueRef part, const Type *ct) {
    switch (kind) {
    case PF_MUL: return cg_binop(L, IRB_MUL, acc, part, ct, NULL);
    case PF_ALL: return LLVMBuildAnd(L->b, acc, part, "");
    case PF_ANY: return LLVMBuildOr(L->b, acc, part, "");
    default: return cg_binop(L, IRB_ADD, acc, part, ct, NULL);
    }
}

/* The fold `kind` of a lane (partial values of type ct), its index in *index for PF_MIN/PF_MAX. */
static LLVMValueRef par_fold(Lower *L, Lane *ln, int kind, const Type *ct, LLVMValueRef mean, LLVMValueRef *index) {
    LLVMTypeRef vt = cg_type(L, ct);
    LLVMTypeRef ef[3] = {L->ptr, L->i64, mean ? LLVMTypeOf(mean) : L->i8}, pf[2] = {vt, L->i64};
    LLVMTypeRef envt = LLVMStructTypeInContext(L->c, ef, 3, 0), partt = LLVMStructTypeInContext(L->c, pf, 2, 0);
    LLVMValueRef env = cg_entry_alloca(L, envt, "foldenv");
    LLVMBuildStore(L->b, ln->base, cg_field(L, envt, env, 0));
    LLVMBuildStore(L->b, ln->stride, cg_field(L, envt, env, 1));
    if (mean) LLVMBuildStore(L->b, mean, cg_field(L, envt, env, 2));

    Lower C_, *C = &C_;
    cg_chunk_begin(L, C, "reduce");
    LLVMValueRef cenv = LLVMGetParam(C->func, 0), lo = LLVMGetParam(C->func, 1), hi = LLVMGetParam(C->func, 2);
    Lane sub = {.dt = ln->dt, .n = LLVMBuildSub(C->b, hi, lo, "")};
    /* a constant stride (contiguous data) stays constant, so the chunk's loop vectorises as the serial one */
    sub.stride = LLVMIsAConstant(ln->stride) ? ln->stride : LLVMBuildLoad2(C->b, C->i64, cg_field(C, envt, cenv, 1), "stride");
    sub.base = cg_gep8(C, LLVMBuildLoad2(C->b, C->ptr, cg_field(C, envt, cenv, 0), "base"), LLVMBuildMul(C->b, lo, sub.stride, ""));
    LLVMValueRef v, vi = i64c(C, 0);
    switch (kind) {
    case PF_ADD: case PF_MUL: v = lane_fold(C, &sub, kind == PF_ADD ? IRB_ADD : IRB_MUL, ct); break;
    case PF_MIN: case PF_MAX:
        if (!index && ct == ty_float64) {   /* the value alone: a fold that vectorises */
            v = lane_extreme_float(C, &sub, kind == PF_MAX);
            break;
        }
        lane_extreme_scan(C, &sub, kind == PF_MAX, &v, &vi);
        vi = LLVMBuildAdd(C->b, vi, lo, "");
        break;
    case PF_SQDEV: v = lane_sqdev(C, &sub, LLVMBuildLoad2(C->b, LLVMTypeOf(mean), cg_field(C, envt, cenv, 2), "mean")); break;
    default: v = lane_bool(C, &sub, kind == PF_ALL ? BI_NP_ALL : kind == PF_ANY ? BI_NP_ANY : BI_NP_COUNT_NONZERO); break;
    }
    LLVMValueRef partial = LLVMGetParam(C->func, 3);
    LLVMBuildStore(C->b, v, cg_field(C, partt, partial, 0));
    LLVMBuildStore(C->b, vi, cg_field(C, partt, partial, 1));
    LLVMValueRef body = cg_chunk_end(C);

    LLVMValueRef partials = cg_partials_alloca(L, partt);
    LLVMValueRef big = LLVMBuildICmp(L->b, LLVMIntSGE, ln->n, i64c(L, CG_PAR_MIN_ELEMS), "");
    LLVMValueRef nc = cg_run_chunks(L, body, env, ln->n, big, partt, partials);
    /* at least one chunk ran: an empty lane is one direct call */
    LLVMValueRef first = cg_partial_ptr(L, partt, partials, i64c(L, 0));
    LLVMValueRef acc = acc_new(L, vt, LLVMBuildLoad2(L->b, vt, cg_field(L, partt, first, 0), ""));
    LLVMValueRef acci = acc_new(L, L->i64, LLVMBuildLoad2(L->b, L->i64, cg_field(L, partt, first, 1), ""));
    LoopCtx lc;
    LLVMValueRef c = LLVMBuildAdd(L->b, cg_loop_begin(L, &lc, LLVMBuildSub(L->b, nc, i64c(L, 1), "")), i64c(L, 1), "");
    LLVMValueRef slot = cg_partial_ptr(L, partt, partials, c);
    LLVMValueRef part = LLVMBuildLoad2(L->b, vt, cg_field(L, partt, slot, 0), "");
    LLVMValueRef cur = LLVMBuildLoad2(L->b, vt, acc, "");
    if ((kind == PF_MIN || kind == PF_MAX) && !index && ct == ty_float64) {
        LLVMBuildStore(L->b, float_extreme(L, kind == PF_MAX, cur, part), acc);
    } else if (kind == PF_MIN || kind == PF_MAX) {
        LLVMValueRef better = extreme_better(L, kind == PF_MAX, part, cur, ct);
        LLVMBuildStore(L->b, LLVMBuildSelect(L->b, better, part, cur, ""), acc);
        LLVMValueRef parti = LLVMBuildLoad2(L->b, L->i64, cg_field(L, partt, slot, 1), "");
        LLVMBuildStore(L->b, LLVMBuildSelect(L->b, better, parti, LLVMBuildLoad2(L->b, L->i64, acci, ""), ""), acci);
    } else {
        LLVMBuildStore(L->b, par_combine(L, kind, cur, part, ct), acc);
    }
    cg_loop_end(L, &lc);
    if (index) *index = LLVMBuildLoad2(L->b, L->i64, acci, "");
    return LLVMBuildLoad2(L->b, vt, acc, "");
}

/* reduce_lane on threads. */
static LLVMValueRef reduce_lane_parallel(Lower *L, int bid, Lane *ln, int rdt, LLVMValueRef ddof) {
    const Type *rt = ty_scalar_of(rdt), *et = ty_scalar_of(ln->dt);
    LLVMValueRef index;
    switch (bid) {
    case BI_NP_SUM: return par_fold(L, ln, PF_ADD, rt == ty_bool ? ty_int64 : rt, NULL, NULL);
    case BI_NP_PROD: return par_fold(L, ln, PF_MUL, rt == ty_bool ? ty_int64 : rt, NULL, NULL);
    case BI_NP_MIN: case BI_NP_AMIN: case BI_NP_MAX: case BI_NP_AMAX: case BI_NP_ARGMIN: case BI_NP_ARGMAX: {
        bool is_max = bid == BI_NP_MAX || bid == BI_NP_AMAX || bid == BI_NP_ARGMAX;
        bool want_index = bid == BI_NP_ARGMIN || bid == BI_NP_ARGMAX;
        extreme_nonempty(L, ln->n, is_max, want_index, bid == BI_NP_ARGMIN ? "argmin" : "argmax");
        LLVMValueRef v = par_fold(L, ln, is_max ? PF_MAX : PF_MIN, et, NULL, want_index ? &index : NULL);
        return want_index ? index : v;
    }
    case BI_NP_MEAN: return mean_of(L, par_fold(L, ln, PF_ADD, rt, NULL, NULL), ln->n, rt);
    case BI_NP_VAR: case BI_NP_STD: {
        const Type *ct = ty_dtypes[ln->dt].kind == 'c' ? ty_complex128 : ty_float64;
        LLVMValueRef mean = mean_of(L, par_fold(L, ln, PF_ADD, ct, NULL, NULL), ln->n, ct);
        return var_of(L, par_fold(L, ln, PF_SQDEV, ty_float64, mean, NULL), ln->n, bid == BI_NP_STD, ddof);
    }
    case BI_NP_ALL: return par_fold(L, ln, PF_ALL, ty_bool, NULL, NULL);
    case BI_NP_ANY: return par_fold(L, ln, PF_ANY, ty_bool, NULL, NULL);
    default: return par_fold(L, ln, PF_COUNT, ty_int64, NULL, NULL);
    }
}

/* A lane over every element of a in C order: a itself when C-contiguous or 1-d, else a copy. */
static Lane whole_lane(Lower *L, const Type *at, LLVMValueRef a) {
    Lane ln = {.dt = at->dtype};
    if (at->ndim == 1) {
        ln.base = cg_arr_data(L, a);
        ln.n = cg_arr_shape(L, a, 0);
        ln.stride = cg_arr_stride(L, at, a, 0);
        return ln;
    }
    if (at->layout != 'C') {
        const Type *ct = ty_array(at->dtype, at->ndim, 'C', false);
        a = cg_copy_array(L, at, a, ct);
    }
    ln.base = cg_arr_data(L, a);
    ln.n = cg_array_size(L, at, a);
    ln.stride = LLVMConstInt(L->i64, (unsigned long long)ty_dtypes[at->dtype].size, 0);
    return ln;
}

typedef struct AxisEnv {
    int bid, axis, rdt, cum;
    const Type *at, *rt;
    LLVMValueRef a, out;
    LLVMValueRef ddof;           /* var, std: the ddof= argument as a float64, or NULL */
} AxisEnv;

/* The scalar type reduce_lane gives for reduction bid of elements of dtype adt into rdt. */
static const Type *lane_result_type(int bid, int adt, int rdt) {
    if (ti_is_ufunc(bid)) return ty_scalar_of(rdt);   /* ufunc_fold */
    switch (bid) {
    case BI_NP_ARGMIN: case BI_NP_ARGMAX: case BI_NP_COUNT_NONZERO: return ty_int64;
    case BI_NP_ALL: case BI_NP_ANY: return ty_bool;
    case BI_NP_VAR: case BI_NP_STD: return ty_float64;
    case BI_NP_MIN: case BI_NP_MAX: case BI_NP_AMIN: case BI_NP_AMAX: return ty_scalar_of(adt);
    default: return ty_scalar_of(rdt) == ty_bool ? ty_int64 : ty_scalar_of(rdt);
    }
}

static void axis_body(Lower *L, LLVMValueRef *idx, void *env) {
    AxisEnv *A = env;
    LLVMValueRef off = i64c(L, 0), ooff = i64c(L, 0);
    int j = 0;
    for (int k = 0; k < A->at->ndim; k++) {
        if (k == A->axis) continue;
        off = LLVMBuildAdd(L->b, off, LLVMBuildMul(L->b, idx[j], cg_arr_stride(L, A->at, A->a, k), ""), "");
        ooff = LLVMBuildAdd(L->b, ooff, LLVMBuildMul(L->b, idx[j], cg_arr_stride(L, A->rt, A->out, A->cum ? k : j), ""), "");
        j++;
    }
    Lane ln = {.base = cg_gep8(L, cg_arr_data(L, A->a), off), .n = cg_arr_shape(L, A->a, A->axis),
               .stride = cg_arr_stride(L, A->at, A->a, A->axis), .dt = A->at->dtype};
    LLVMValueRef optr = cg_gep8(L, cg_arr_data(L, A->out), ooff);
    if (!A->cum) {
        LLVMValueRef v = reduce_lane(L, A->bid, &ln, A->rdt, A->ddof);
        cg_store_elem(L, A->rt->dtype, optr, v, lane_result_type(A->bid, A->at->dtype, A->rdt));
        return;
    }
    /* running sum / product (or any binary ufunc: np.maximum.accumulate) along the lane */
    const Type *ct = ty_scalar_of(A->rdt), *xt[2] = {ct, ct};
    bool ufunc = ti_is_ufunc(A->bid);
    LLVMValueRef acc = acc_new(L, cg_type(L, ct), ufunc ? LLVMConstNull(cg_type(L, ct))
                                                        : cg_fold_identity(L, A->bid == BI_NP_CUMSUM ? IRB_ADD : IRB_MUL, ct));
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, ln.n);
    LLVMValueRef x = cg_cast(L, cg_load_elem(L, ln.dt, lane_ptr(L, &ln, i)), ty_scalar_of(ln.dt), ct), v;
    if (ufunc) {   /* the first element as it is, then ufunc(running, x) */
        LLVMValueRef ops[2] = {LLVMBuildLoad2(L->b, cg_type(L, ct), acc, ""), x};
        L->numpy_sem = true;
        v = cg_ufunc_scalar(L, A->bid, ops, xt, A->rdt);
        L->numpy_sem = false;
        v = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, i, i64c(L, 0), ""), x, v, "");
    } else {
        v = cg_binop(L, A->bid == BI_NP_CUMSUM ? IRB_ADD : IRB_MUL, LLVMBuildLoad2(L->b, cg_type(L, ct), acc, ""), x, ct, NULL);
    }
    LLVMBuildStore(L->b, v, acc);
    LLVMValueRef os = cg_arr_stride(L, A->rt, A->out, A->axis);
    cg_store_elem(L, A->rt->dtype, cg_gep8(L, optr, LLVMBuildMul(L->b, i, os, "")), v, ct);
    cg_loop_end(L, &lc);
}

/* A run-time axis made non-negative; AxisError when out of range. */
static LLVMValueRef checked_axis(Lower *L, LLVMValueRef ax, int nd) {
    LLVMValueRef bad = LLVMBuildOr(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, ax, i64c(L, -nd), ""),
                                   LLVMBuildICmp(L->b, LLVMIntSGE, ax, i64c(L, nd), ""), "");
    cg_raise_if(L, bad, "numpy.exceptions:AxisError", "axis is out of bounds for the array's dimension");
    LLVMValueRef neg = LLVMBuildICmp(L->b, LLVMIntSLT, ax, i64c(L, 0), "");
    return LLVMBuildSelect(L->b, neg, LLVMBuildAdd(L->b, ax, i64c(L, nd), ""), ax, "");
}

/* A view of a (layout A) with the dimensions red[] marks (run-time i1 values, nred of them)
 * moved last, the others first, each group in order. */
static LLVMValueRef axes_last(Lower *L, const Type *at, LLVMValueRef a, LLVMValueRef *red, int nred) {
    int nd = at->ndim;
    LLVMTypeRef dims = LLVMArrayType2(L->i64, (unsigned long long)nd);
    LLVMValueRef sh = cg_entry_alloca(L, dims, "shape"), st = cg_entry_alloca(L, dims, "strides");
    LLVMValueRef kept = i64c(L, 0), gone = i64c(L, nd - nred);
    for (int d = 0; d < nd; d++) {   /* dimension d goes to position kept or gone, whichever it is */
        LLVMValueRef idx[2] = {i64c(L, 0), LLVMBuildSelect(L->b, red[d], gone, kept, "")};
        LLVMBuildStore(L->b, cg_arr_shape(L, a, d), LLVMBuildInBoundsGEP2(L->b, dims, sh, idx, 2, ""));
        LLVMBuildStore(L->b, cg_arr_stride(L, at, a, d), LLVMBuildInBoundsGEP2(L->b, dims, st, idx, 2, ""));
        LLVMValueRef r = LLVMBuildZExt(L->b, red[d], L->i64, "");
        gone = LLVMBuildAdd(L->b, gone, r, "");
        kept = LLVMBuildAdd(L->b, kept, LLVMBuildXor(L->b, r, i64c(L, 1), ""), "");
    }
    LLVMValueRef shape[64], strides[64];
    for (int d = 0; d < nd; d++) {
        LLVMValueRef idx[2] = {i64c(L, 0), i64c(L, d)};
        shape[d] = LLVMBuildLoad2(L->b, L->i64, LLVMBuildInBoundsGEP2(L->b, dims, sh, idx, 2, ""), "");
        strides[d] = LLVMBuildLoad2(L->b, L->i64, LLVMBuildInBoundsGEP2(L->b, dims, st, idx, 2, ""), "");
    }
    return cg_make_array(L, ty_array(at->dtype, nd, 'A', false), cg_arr_meminfo(L, a), LLVMBuildExtractValue(L->b, a, 1, ""),
                         cg_arr_data(L, a), shape, strides);
}

/* p (layout A, nd dimensions) with its last nred dimensions merged into one: a view where they
 * are one run of equal steps, else a C-contiguous copy viewed so. */
static LLVMValueRef merge_last(Lower *L, const Type *pt, LLVMValueRef p, int nred) {
    int nd = pt->ndim, nkeep = nd - nred;
    LLVMValueRef ok = LLVMConstInt(L->i1, 1, 0), n = i64c(L, 1);
    for (int k = nkeep; k < nd; k++) {
        n = LLVMBuildMul(L->b, n, cg_arr_shape(L, p, k), "");
        if (k + 1 < nd)
            ok = LLVMBuildAnd(L->b, ok, LLVMBuildICmp(L->b, LLVMIntEQ, cg_arr_stride(L, pt, p, k),
                              LLVMBuildMul(L->b, cg_arr_stride(L, pt, p, k + 1), cg_arr_shape(L, p, k + 1), ""), ""), "");
    }
    LLVMBasicBlockRef from = LLVMGetInsertBlock(L->b);
    LLVMBasicBlockRef copy = LLVMAppendBasicBlockInContext(L->c, L->func, "mergecopy");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "merged");
    LLVMBuildCondBr(L->b, ok, join, copy);
    LLVMPositionBuilderAtEnd(L->b, copy);
    LLVMValueRef c = cg_copy_array(L, pt, p, ty_array(pt->dtype, nd, 'C', false));
    LLVMBasicBlockRef copied = LLVMGetInsertBlock(L->b);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    LLVMValueRef m = cg_phi2(L, p, from, c, copied, "merge");
    LLVMValueRef shape[64], strides[64];
    for (int k = 0; k < nkeep; k++) {
        shape[k] = cg_arr_shape(L, m, k);
        strides[k] = cg_arr_stride(L, pt, m, k);
    }
    shape[nkeep] = n;
    strides[nkeep] = nred ? cg_arr_stride(L, pt, m, nd - 1) : i64c(L, 0);
    return cg_make_array(L, ty_array(pt->dtype, nkeep + 1, 'A', false), LLVMConstNull(L->ptr), LLVMConstNull(L->ptr),
                         cg_arr_data(L, m), shape, strides);
}

/* The axis argument as a mask over a's nd dimensions (red[d]: d is reduced); the number of
 * axes it names, nd for None. AxisError for an axis out of range, ValueError for one named twice. */
static int reduced_axes(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types, int nd, LLVMValueRef *red) {
    int p = ti_reduction_param(ci, "axis");
    for (int d = 0; d < nd; d++) red[d] = LLVMConstInt(L->i1, p < 0, 0);
    if (p < 0) return nd;
    LLVMValueRef ax[64];
    int n = 1;
    if (types[p]->kind == TY_TUPLE) {
        n = types[p]->n;
        for (int i = 0; i < n; i++) ax[i] = checked_axis(L, LLVMBuildExtractValue(L->b, args[p], (unsigned)i, ""), nd);
    } else {
        ax[0] = checked_axis(L, cg_cast(L, args[p], types[p], ty_int64), nd);
    }
    for (int i = 0; i < n; i++) {
        for (int j = 0; j < i; j++)
            cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntEQ, ax[i], ax[j], ""), "builtins:ValueError", "duplicate value in 'axis'");
        for (int d = 0; d < nd; d++)
            red[d] = LLVMBuildOr(L->b, red[d], LLVMBuildICmp(L->b, LLVMIntEQ, ax[i], i64c(L, d), ""), "");
    }
    return n;
}

/* r, the result of reducing the red[] dimensions of an nd-dimensional array (a scalar of dtype
 * rdt when nothing is kept), as NumPy's keepdims=True gives it: those dimensions kept with
 * length one. */
static LLVMValueRef keep_dims(Lower *L, const Type *rt, LLVMValueRef r, int rdt, LLVMValueRef *red, int nd, int nred) {
    const Type *kt = ty_array(rdt, nd, 'C', false);
    LLVMValueRef shape[64], strides[64];
    if (nred == nd) {   /* a scalar into a new array of ones */
        for (int d = 0; d < nd; d++) shape[d] = i64c(L, 1);
        LLVMValueRef arr = cg_alloc_array(L, ty_array(rdt, nd, 'C', false), shape);
        cg_store_elem(L, rdt, cg_arr_data(L, arr), r, rt);
        return arr;
    }
    int nkeep = nd - nred;
    LLVMTypeRef dims = LLVMArrayType2(L->i64, (unsigned long long)nkeep);
    LLVMValueRef sh = cg_entry_alloca(L, dims, "kshape");
    LLVMBuildStore(L->b, LLVMBuildExtractValue(L->b, r, 3, ""), sh);
    LLVMValueRef kept = i64c(L, 0);
    for (int d = 0; d < nd; d++) {
        LLVMValueRef idx[2] = {i64c(L, 0), LLVMBuildSelect(L->b, red[d], i64c(L, 0), kept, "")};
        LLVMValueRef s = LLVMBuildLoad2(L->b, L->i64, LLVMBuildInBoundsGEP2(L->b, dims, sh, idx, 2, ""), "");
        shape[d] = LLVMBuildSelect(L->b, red[d], i64c(L, 1), s, "");
        kept = LLVMBuildAdd(L->b, kept, LLVMBuildZExt(L->b, LLVMBuildNot(L->b, red[d], ""), L->i64, ""), "");
    }
    cg_c_strides(L, rdt, nd, shape, strides);   /* r is C-contiguous, and stays so with dimensions of one */
    return cg_make_array(L, kt, cg_arr_meminfo(L, r), LLVMBuildExtractValue(L->b, r, 1, ""), cg_arr_data(L, r), shape, strides);
}

/* Write result r (type t) into the out= array o (type ot) of the same shape, NumPy's unsafe cast;
 * ValueError where the shapes differ. */
static void store_out(Lower *L, const Type *ot, LLVMValueRef o, const Type *t, LLVMValueRef r) {
    LLVMValueRef bad = LLVMConstInt(L->i1, 0, 0);
    for (int d = 0; d < ot->ndim; d++)
        bad = LLVMBuildOr(L->b, bad, LLVMBuildICmp(L->b, LLVMIntNE, cg_arr_shape(L, o, d), cg_arr_shape(L, r, d), ""), "");
    cg_raise_if(L, bad, "builtins:ValueError", "output parameter has the wrong shape for the reduction");
    cg_assign_array(L, ot, o, t, r);
}

/* The cumulative sum or product (one axis, or the flattened array) into a new array. */
static LLVMValueRef cumulative(Lower *L, CallInfo *ci, Instr *in, LLVMValueRef *args, const Type **types, int bid, int rdt) {
    const Type *at = types[0];
    LLVMValueRef a = args[0];
    int p = ti_reduction_param(ci, "axis"), nd = at->ndim;
    int64_t k;
    const Type *rt = ty_array(rdt, p >= 0 ? nd : 1, 'C', false);
    if (p < 0 || nd == 1) {   /* over the flattened array */
        if (p >= 0) checked_axis(L, cg_cast(L, args[p], types[p], ty_int64), 1);
        Lane ln = whole_lane(L, at, a);
        LLVMValueRef out = cg_alloc_array(L, rt, &ln.n);
        const Type *ft = ty_array(at->dtype, 1, 'A', false);
        LLVMValueRef flat = cg_make_array(L, ft, LLVMConstNull(L->ptr), LLVMConstNull(L->ptr), ln.base, &ln.n, &ln.stride);
        AxisEnv A = {.bid = bid, .axis = 0, .rdt = rdt, .cum = 1, .at = ft, .rt = rt, .a = flat, .out = out};
        axis_body(L, NULL, &A);
        return out;
    }
    LLVMValueRef shape[64], lshape[64];
    for (int d = 0; d < nd; d++) shape[d] = cg_arr_shape(L, a, d);
    LLVMValueRef out = cg_alloc_array(L, rt, shape), result = out;
    int axis;
    if (ti_param_const_int(L->ti, in, ci, p, &k)) {
        axis = (int)(k < 0 ? k + nd : k);
    } else {   /* known at run time: move that dimension last in both */
        LLVMValueRef red[64], ax = checked_axis(L, cg_cast(L, args[p], types[p], ty_int64), nd);
        for (int d = 0; d < nd; d++) red[d] = LLVMBuildICmp(L->b, LLVMIntEQ, ax, i64c(L, d), "");
        a = axes_last(L, at, a, red, 1);
        at = ty_array(at->dtype, nd, 'A', false);
        out = axes_last(L, rt, out, red, 1);
        rt = ty_array(rt->dtype, nd, 'A', false);
        axis = nd - 1;
    }
    int j = 0;
    for (int d = 0; d < nd; d++)
        if (d != axis) lshape[j++] = cg_arr_shape(L, a, d);
    AxisEnv A = {.bid = bid, .axis = axis, .rdt = rdt, .cum = 1, .at = at, .rt = rt, .a = a, .out = out};
    cg_loop_nest(L, nd - 1, lshape, axis_body, &A);
    return result;
}

/* A reduction over the axes the call names (ti_reduction_params), then keepdims, then out=.
 * One constant axis reduces in place along it; any other set of axes is moved last and merged
 * into one lane (merge_last), so every reduction is lanes along the last dimension. */
/* The reduction a call computes: its builtin, or for a ufunc's reduce/accumulate the reduction
 * that ufunc is (np.add.reduce is np.sum), else the ufunc itself (folded by ufunc_fold). */
static int reduction_kind(const CallInfo *ci) {
    bool acc = ci->ufmethod == UF_ACCUMULATE;
    switch (ci->ufmethod ? ci->builtin : -1) {
    case BI_NP_ADD: return acc ? BI_NP_CUMSUM : BI_NP_SUM;
    case BI_NP_MULTIPLY: return acc ? BI_NP_CUMPROD : BI_NP_PROD;
    case BI_NP_MAXIMUM: return acc ? BI_NP_MAXIMUM : BI_NP_MAX;
    case BI_NP_MINIMUM: return acc ? BI_NP_MINIMUM : BI_NP_MIN;
    case BI_NP_LOGICAL_AND: return acc ? BI_NP_LOGICAL_AND : BI_NP_ALL;
    case BI_NP_LOGICAL_OR: return acc ? BI_NP_LOGICAL_OR : BI_NP_ANY;
    default: return ci->builtin;
    }
}

/* ---- several axes without a copy: lanes along the last, folded together ---------------------- *
 * For the reductions whose partial results combine (sums, products, min/max, all/any, counts,
 * means, the reorderable ufuncs' reduce), each result element folds the lanes along the last
 * reduced dimension over every position of the other reduced ones, instead of copying the
 * array so that the reduced dimensions form one lane. */
static bool foldable(int bid) {
    switch (bid) {
    case BI_NP_SUM: case BI_NP_PROD: case BI_NP_MIN: case BI_NP_MAX: case BI_NP_AMIN: case BI_NP_AMAX:
    case BI_NP_ALL: case BI_NP_ANY: case BI_NP_COUNT_NONZERO: case BI_NP_MEAN: return true;
    default: return ti_is_ufunc(bid);   /* typing lets only reorderable ufuncs reduce several axes */
    }
}

/* The partial results' combination and the value of an empty fold (NULL: none, typing or the
 * caller raised). lane: what each lane computes (the sum, for a mean). */
static int fold_lane_kind(int bid) { return bid == BI_NP_MEAN ? BI_NP_SUM : bid; }

static LLVMValueRef fold_identity(Lower *L, int bid, const Type *t) {
    switch (bid) {
    case BI_NP_SUM: case BI_NP_MEAN: case BI_NP_COUNT_NONZERO: case BI_NP_ANY:
    case BI_NP_BITWISE_OR: case BI_NP_BITWISE_XOR: case BI_NP_LOGICAL_XOR: case BI_NP_LOGICAL_OR: case BI_NP_ADD:
        return LLVMConstNull(cg_type(L, t));
    case BI_NP_PROD: case BI_NP_MULTIPLY: return cg_fold_identity(L, IRB_MUL, t);
    case BI_NP_ALL: case BI_NP_LOGICAL_AND: return LLVMConstInt(L->i1, 1, 0);
    case BI_NP_BITWISE_AND: return t == ty_bool ? LLVMConstInt(L->i1, 1, 0) : LLVMConstInt(cg_type(L, t), (unsigned long long)-1, 1);
    default: return NULL;
    }
}

static LLVMValueRef fold_combine(Lower *L, int bid, LLVMValueRef acc, LLVMValueRef part, const Type *t, int rdt) {
    switch (bid) {
    case BI_NP_SUM: case BI_NP_MEAN: case BI_NP_COUNT_NONZERO: return cg_binop(L, IRB_ADD, acc, part, t, NULL);
    case BI_NP_PROD: return cg_binop(L, IRB_MUL, acc, part, t, NULL);
    case BI_NP_ALL: return LLVMBuildAnd(L->b, acc, part, "");
    case BI_NP_ANY: return LLVMBuildOr(L->b, acc, part, "");
    case BI_NP_MIN: case BI_NP_MAX: case BI_NP_AMIN: case BI_NP_AMAX: {
        bool is_max = bid == BI_NP_MAX || bid == BI_NP_AMAX;
        if (t == ty_float64) return float_extreme(L, is_max, acc, part);
        return LLVMBuildSelect(L->b, extreme_better(L, is_max, part, acc, t), part, acc, "");
    }
    default: {
        LLVMValueRef x[2] = {acc, part};
        const Type *xt[2] = {t, t};
        L->numpy_sem = true;
        LLVMValueRef v = cg_ufunc_scalar(L, bid, x, xt, rdt);
        L->numpy_sem = false;
        return v;
    }
    }
}

typedef struct FoldEnv {
    int bid, rdt, nkeep, nred;
    const Type *pt, *rt, *partt;
    LLVMValueRef p, r, base, acc, first;
} FoldEnv;

static void fold_lane_body(Lower *L, LLVMValueRef *idx, void *env) {   /* one lane at idx of the outer reduced dims */
    FoldEnv *F = env;
    LLVMValueRef off = i64c(L, 0);
    int nd = F->pt->ndim;
    for (int k = 0; k < F->nred - 1; k++)
        off = LLVMBuildAdd(L->b, off, LLVMBuildMul(L->b, idx[k], cg_arr_stride(L, F->pt, F->p, F->nkeep + k), ""), "");
    Lane ln = {.base = cg_gep8(L, F->base, off), .n = cg_arr_shape(L, F->p, nd - 1), .stride = cg_arr_stride(L, F->pt, F->p, nd - 1),
               .dt = F->pt->dtype};
    LLVMValueRef part = reduce_lane(L, fold_lane_kind(F->bid), &ln, F->rdt, NULL);
    LLVMValueRef first = LLVMBuildLoad2(L->b, L->i1, F->first, "");
    LLVMValueRef acc = LLVMBuildLoad2(L->b, cg_type(L, F->partt), F->acc, "");
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, first, part, fold_combine(L, F->bid, acc, part, F->partt, F->rdt), ""), F->acc);
    LLVMBuildStore(L->b, LLVMConstInt(L->i1, 0, 0), F->first);
}

static void fold_body(Lower *L, LLVMValueRef *idx, void *env) {   /* one result element at idx of the kept dims */
    FoldEnv *F = env;
    int nd = F->pt->ndim;
    LLVMValueRef off = i64c(L, 0), oshape[64], count = i64c(L, 1);
    for (int k = 0; k < F->nkeep; k++)
        off = LLVMBuildAdd(L->b, off, LLVMBuildMul(L->b, idx[k], cg_arr_stride(L, F->pt, F->p, k), ""), "");
    for (int k = F->nkeep; k < nd; k++) count = LLVMBuildMul(L->b, count, cg_arr_shape(L, F->p, k), "");
    for (int k = 0; k < F->nred - 1; k++) oshape[k] = cg_arr_shape(L, F->p, F->nkeep + k);
    LLVMValueRef identity = fold_identity(L, F->bid, F->partt);
    if (!identity) {   /* min, max, ufuncs without one: NumPy's ValueError for no elements */
        char msg[128];
        bool mm = F->bid == BI_NP_MIN || F->bid == BI_NP_MAX || F->bid == BI_NP_AMIN || F->bid == BI_NP_AMAX;
        snprintf(msg, sizeof msg, "zero-size array to reduction operation %s which has no identity",
                 mm ? (F->bid == BI_NP_MAX || F->bid == BI_NP_AMAX ? "maximum" : "minimum") : ti_builtins[F->bid].name);
        cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntEQ, count, i64c(L, 0), ""), "builtins:ValueError", ctx_strdup(L->ctx, msg));
    }
    F->base = cg_gep8(L, cg_arr_data(L, F->p), off);
    LLVMBuildStore(L->b, identity ? identity : LLVMConstNull(cg_type(L, F->partt)), F->acc);
    LLVMBuildStore(L->b, LLVMConstInt(L->i1, 1, 0), F->first);
    cg_loop_nest(L, F->nred - 1, oshape, fold_lane_body, F);
    LLVMValueRef v = LLVMBuildLoad2(L->b, cg_type(L, F->partt), F->acc, "");
    if (F->bid == BI_NP_MEAN) v = mean_of(L, v, count, F->partt);
    cg_store_elem(L, F->rt->dtype, cg_elem_ptr(L, F->rt, F->r, idx), v, F->partt);
}

/* Reduction bid of the last nred dimensions of p (layout A) into a new C array of the others. */
static LLVMValueRef reduce_folded(Lower *L, int bid, const Type *pt, LLVMValueRef p, int nred, int rdt, const Type **rtp) {
    int nkeep = pt->ndim - nred;
    LLVMValueRef kshape[64];
    for (int k = 0; k < nkeep; k++) kshape[k] = cg_arr_shape(L, p, k);
    *rtp = ty_array(rdt, nkeep, 'C', false);
    const Type *partt = lane_result_type(fold_lane_kind(bid), pt->dtype, rdt);
    FoldEnv F = {.bid = bid, .rdt = rdt, .nkeep = nkeep, .nred = nred, .pt = pt, .rt = *rtp, .partt = partt, .p = p,
                 .r = cg_alloc_array(L, *rtp, kshape), .acc = cg_entry_alloca(L, cg_type(L, partt), "foldacc"),
                 .first = cg_entry_alloca(L, L->i1, "first")};
    cg_loop_nest(L, nkeep, kshape, fold_body, &F);
    return F.r;
}

/* Reduction bid of the red[] dimensions (nred of them; axis >= 0: the one constant axis) of a in
 * rdt: a scalar (narrowed to rdt where narrow) or a new C array; *rtp its type. */
static LLVMValueRef reduce_axes(Lower *L, int bid, const Type *at, LLVMValueRef a, LLVMValueRef *red, int nred, int axis,
                                int rdt, LLVMValueRef ddof, bool narrow, const Type **rtp) {
    int nd = at->ndim, nkeep = nd - nred;
    LLVMValueRef r;
    if (nkeep == 0) {   /* every element: one lane */
        Lane ln = whole_lane(L, at, a);
        bool par = L->fn->parallel && !ti_is_ufunc(bid);
        r = par ? reduce_lane_parallel(L, bid, &ln, rdt, ddof) : reduce_lane(L, bid, &ln, rdt, ddof);
        *rtp = lane_result_type(bid, at->dtype, rdt);
        if (narrow || ti_is_ufunc(bid)) {   /* narrowed as NumPy's dtype= does: np.int8 wraps */
            LLVMValueRef slot = cg_entry_alloca(L, L->c128, "narrow");
            cg_store_elem(L, rdt, slot, r, *rtp);
            r = cg_load_elem(L, rdt, slot);
            *rtp = ty_scalar_of(rdt);
        }
        return r;
    }
    if (axis < 0) {   /* the axes last, as one lane (or lanes folded together) */
        const Type *pt = ty_array(at->dtype, nd, 'A', false);
        a = axes_last(L, at, a, red, nred);
        if (nred > 1 && foldable(bid)) return reduce_folded(L, bid, pt, a, nred, rdt, rtp);
        a = merge_last(L, pt, a, nred);
        at = ty_array(at->dtype, nkeep + 1, 'A', false);
        axis = nkeep;
    }
    LLVMValueRef oshape[64];
    int j = 0;
    for (int d = 0; d < at->ndim; d++)
        if (d != axis) oshape[j++] = cg_arr_shape(L, a, d);
    *rtp = ty_array(rdt, nkeep, 'C', false);
    r = cg_alloc_array(L, *rtp, oshape);
    AxisEnv A = {.bid = bid, .axis = axis, .rdt = rdt, .at = at, .rt = *rtp, .a = a, .out = r, .ddof = ddof};
    cg_loop_nest(L, nkeep, oshape, axis_body, &A);
    return r;
}

/* The one constant axis a call names (made non-negative), or -1. */
static int const_axis(Lower *L, Instr *in, CallInfo *ci, const Type **types, int nd, int nred) {
    int p = ti_reduction_param(ci, "axis");
    int64_t k;
    if (p < 0 || nred != 1 || types[p]->kind == TY_TUPLE || !ti_param_const_int(L->ti, in, ci, p, &k)) return -1;
    return (int)(k < 0 ? k + nd : k);
}

static bool keepdims_arg(Lower *L, Instr *in, CallInfo *ci) {
    int p = ti_reduction_param(ci, "keepdims");
    int64_t k;
    return p >= 0 && ti_param_const_int(L->ti, in, ci, p, &k) && k;
}

static LLVMValueRef reduction(Lower *L, CallInfo *ci, Instr *in, LLVMValueRef *args, const Type **types) {
    const Type *at = types[0], *rt;
    LLVMValueRef r;
    int bid = reduction_kind(ci), nd = at->ndim, rdt = ti_reduction_dtype(ci->builtin, at->dtype, ci->dtype), p;
    if (bid == BI_NP_CUMSUM || bid == BI_NP_CUMPROD || ci->ufmethod == UF_ACCUMULATE) {
        r = cumulative(L, ci, in, args, types, bid, rdt);
        rt = ty_array(rdt, ci->ret->ndim, 'C', false);
    } else {
        LLVMValueRef red[64], ddof = NULL;
        if ((p = ti_reduction_param(ci, "ddof")) >= 0) ddof = cg_cast(L, args[p], types[p], ty_float64);
        int nred = reduced_axes(L, ci, args, types, nd, red);
        r = reduce_axes(L, bid, at, args[0], red, nred, const_axis(L, in, ci, types, nd, nred), rdt, ddof, ci->dtype >= 0, &rt);
        if (keepdims_arg(L, in, ci)) {
            r = keep_dims(L, rt, r, rdt, red, nd, nred);
            rt = ty_array(rdt, nd, 'C', false);
        }
    }
    if ((p = ti_reduction_param(ci, "out")) >= 0) {
        store_out(L, types[p], args[p], rt, r);
        return args[p];
    }
    return r;
}

/* ---- np.average -------------------------------------------------------------------------------- */
typedef struct AvgEnv {
    const Type *at, *wt, *pt;
    LLVMValueRef a, w, p;
    int op;             /* IRB_MUL: p = a * w; IRB_TRUEDIV: p = p / w (w the sums of weights) */
    LLVMValueRef zero;  /* a slot: some w element is zero (IRB_TRUEDIV) */
} AvgEnv;

static void avg_body(Lower *L, LLVMValueRef *idx, void *env) {
    AvgEnv *E = env;
    const Type *ct = ty_scalar_of(E->pt->dtype);
    LLVMValueRef pp = cg_elem_ptr(L, E->pt, E->p, idx);
    LLVMValueRef x = E->op == IRB_MUL ? cg_cast(L, cg_load_elem(L, E->at->dtype, cg_elem_ptr(L, E->at, E->a, idx)), ty_scalar_of(E->at->dtype), ct)
                                      : cg_load_elem(L, E->pt->dtype, pp);
    LLVMValueRef y = cg_cast(L, cg_load_elem(L, E->wt->dtype, cg_elem_ptr(L, E->wt, E->w, idx)), ty_scalar_of(E->wt->dtype), ct);
    if (E->op == IRB_TRUEDIV)
        LLVMBuildStore(L->b, LLVMBuildOr(L->b, LLVMBuildLoad2(L->b, L->i1, E->zero, ""), LLVMBuildNot(L->b, cg_truth(L, y, ct), ""), ""), E->zero);
    L->numpy_sem = true;
    cg_store_elem(L, E->pt->dtype, pp, cg_binop(L, E->op, x, y, ct, NULL), ct);
    L->numpy_sem = false;
}

/* np.average(a, axis, weights, returned, keepdims): the mean without weights; with them
 * sum(a * w) / sum(w) over the axes, w of a's shape or (an int axis) 1-d along it;
 * ZeroDivisionError where the weights sum to zero; returned adds the sum of the weights (or
 * the count), in the average's shape. */
static LLVMValueRef average(Lower *L, CallInfo *ci, Instr *in, LLVMValueRef *args, const Type **types) {
    const Type *at = types[0], *rt, *st;
    int nd = at->ndim, rdt = ti_reduction_dtype(BI_NP_AVERAGE, at->dtype, ci->dtype), pw = ti_reduction_param(ci, "weights");
    LLVMValueRef red[64], shape[64], r, scl;
    int nred = reduced_axes(L, ci, args, types, nd, red), axis = const_axis(L, in, ci, types, nd, nred);
    const Type *ct = ty_scalar_of(rdt);
    for (int d = 0; d < nd; d++) shape[d] = cg_arr_shape(L, args[0], d);
    if (pw < 0) {
        r = reduce_axes(L, BI_NP_MEAN, at, args[0], red, nred, axis, rdt, NULL, false, &rt);
        LLVMValueRef n = cg_array_size(L, at, args[0]), m = rt->kind == TY_ARRAY ? cg_array_size(L, rt, r) : i64c(L, 1);
        m = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, m, i64c(L, 0), ""), i64c(L, 1), m, "");
        scl = cg_cast(L, LLVMBuildSDiv(L->b, n, m, ""), ty_int64, ct);   /* the count per average */
        st = ct;
        if (rt->kind == TY_ARRAY) {
            LLVMValueRef rs[64];
            for (int d = 0; d < rt->ndim; d++) rs[d] = cg_arr_shape(L, r, d);
            LLVMValueRef arr = cg_alloc_array(L, rt, rs);
            cg_assign_array(L, rt, arr, ct, scl);
            scl = arr;
            st = rt;
        }
    } else {
        const Type *wt = types[pw];
        LLVMValueRef w = args[pw];
        if (wt->ndim == nd) {
            LLVMValueRef bad = LLVMConstInt(L->i1, 0, 0);
            for (int d = 0; d < nd; d++) bad = LLVMBuildOr(L->b, bad, LLVMBuildICmp(L->b, LLVMIntNE, cg_arr_shape(L, w, d), shape[d], ""), "");
            if (ti_reduction_param(ci, "axis") < 0)
                cg_raise_if(L, bad, "builtins:TypeError", "Axis must be specified when shapes of a and weights differ.");
            else
                cg_raise_if(L, bad, "builtins:ValueError", "Shape of weights must be consistent with shape of a along specified axis.");
        } else {   /* 1-d weights along the (int) axis: a view of a's shape */
            LLVMValueRef strides[64], ws = cg_arr_stride(L, wt, w, 0), wn = cg_arr_shape(L, w, 0), along = i64c(L, 0);
            for (int d = 0; d < nd; d++) {
                along = LLVMBuildSelect(L->b, red[d], shape[d], along, "");
                strides[d] = LLVMBuildSelect(L->b, red[d], ws, i64c(L, 0), "");
            }
            cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntNE, wn, along, ""), "builtins:ValueError",
                        "Shape of weights must be consistent with shape of a along specified axis.");
            wt = ty_array(wt->dtype, nd, 'A', false);
            w = cg_make_array(L, wt, cg_arr_meminfo(L, w), LLVMBuildExtractValue(L->b, w, 1, ""), cg_arr_data(L, w), shape, strides);
        }
        const Type *pt = ty_array(rdt, nd, 'C', false);
        AvgEnv E = {.at = at, .wt = wt, .pt = pt, .a = args[0], .w = w, .p = cg_alloc_array(L, pt, shape), .op = IRB_MUL};
        cg_loop_nest(L, nd, shape, avg_body, &E);
        r = reduce_axes(L, BI_NP_SUM, pt, E.p, red, nred, axis, rdt, NULL, false, &rt);
        scl = reduce_axes(L, BI_NP_SUM, wt, w, red, nred, axis, rdt, NULL, false, &st);
        LLVMValueRef zero;
        if (rt->kind == TY_ARRAY) {   /* r /= scl, in place (r is new) */
            LLVMValueRef rs[64];
            for (int d = 0; d < rt->ndim; d++) rs[d] = cg_arr_shape(L, r, d);
            AvgEnv D = {.at = rt, .wt = st, .pt = rt, .a = r, .w = scl, .p = r, .op = IRB_TRUEDIV,
                        .zero = cg_entry_alloca(L, L->i1, "zero")};
            LLVMBuildStore(L->b, LLVMConstInt(L->i1, 0, 0), D.zero);
            cg_loop_nest(L, rt->ndim, rs, avg_body, &D);
            zero = LLVMBuildLoad2(L->b, L->i1, D.zero, "");
        } else {
            r = cg_cast(L, r, rt, ct);
            scl = cg_cast(L, scl, st, ct);
            zero = LLVMBuildNot(L->b, cg_truth(L, scl, ct), "");
            L->numpy_sem = true;
            r = cg_binop(L, IRB_TRUEDIV, r, scl, ct, NULL);
            L->numpy_sem = false;
            rt = st = ct;
        }
        cg_raise_if(L, zero, "builtins:ZeroDivisionError", "Weights sum to zero, can't be normalized");
    }
    if (keepdims_arg(L, in, ci)) {
        r = keep_dims(L, rt, r, rdt, red, nd, nred);
        scl = keep_dims(L, st, scl, rdt, red, nd, nred);
    }
    if (ci->ret->kind != TY_TUPLE) return ci->ret->kind == TY_ARRAY ? r : cg_cast(L, r, rt, ci->ret);
    const Type *et = ci->ret->elems[0];
    LLVMValueRef t = LLVMGetUndef(cg_type(L, ci->ret));
    t = LLVMBuildInsertValue(L->b, t, et->kind == TY_ARRAY ? r : cg_cast(L, r, rt, et), 0, "");
    return LLVMBuildInsertValue(L->b, t, et->kind == TY_ARRAY ? scl : cg_cast(L, scl, st, et), 1, "");
}

/* ---- ufunc methods: outer, at -------------------------------------------------------------------- */
typedef struct OuterEnv {
    int bid, dt, na;
    const Type *t[2], *rt;
    LLVMValueRef v[2], out;
} OuterEnv;

static void outer_body(Lower *L, LLVMValueRef *idx, void *env) {
    OuterEnv *E = env;
    LLVMValueRef x[2];
    const Type *xt[2];
    for (int k = 0; k < 2; k++) {
        const Type *t = E->t[k];
        if (t->kind != TY_ARRAY) {
            x[k] = E->v[k];
            xt[k] = t;
            continue;
        }
        x[k] = cg_load_elem(L, t->dtype, cg_elem_ptr(L, t, E->v[k], k ? idx + E->na : idx));
        xt[k] = ty_scalar_of(t->dtype);
    }
    L->numpy_sem = true;
    LLVMValueRef v = cg_ufunc_scalar(L, E->bid, x, xt, E->dt);
    L->numpy_sem = false;
    cg_store_elem(L, E->rt->dtype, cg_elem_ptr(L, E->rt, E->out, idx), v, ty_scalar_of(E->dt));
}

/* np.add.outer(A, B): out[i..., j...] = add(A[i...], B[j...]). */
static LLVMValueRef ufunc_outer(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    OuterEnv E = {.bid = ci->builtin, .dt = ci->dtype, .rt = ci->ret, .t = {types[0], types[1]}, .v = {args[0], args[1]}};
    LLVMValueRef shape[64];
    int n = 0;
    for (int k = 0; k < 2; k++) {
        if (types[k]->kind == TY_ARRAY)
            for (int d = 0; d < types[k]->ndim; d++) shape[n++] = cg_arr_shape(L, args[k], d);
        if (k == 0) E.na = n;
    }
    E.out = cg_alloc_array(L, E.rt, shape);
    cg_loop_nest(L, n, shape, outer_body, &E);
    return E.out;
}

/* np.add.at(a, indices, b): for each index in turn, a[i] = add(a[i], b[k]) (b a scalar or one
 * value per index), so a repeated index applies again; IndexError out of range, ValueError for
 * a b of another length. */
static void ufunc_at(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *at = types[0], *it = types[1], *bt = types[2];
    int nin = ti_ufunc_nin(ci->builtin);
    LLVMValueRef n = it->kind == TY_ARRAY ? cg_arr_shape(L, args[1], 0) : i64c(L, 1);
    bool barr = nin == 2 && bt->kind == TY_ARRAY;
    if (barr && bt->ndim == 1) {
        LLVMValueRef bn = cg_arr_shape(L, args[2], 0);
        cg_raise_if(L, LLVMBuildAnd(L->b, LLVMBuildICmp(L->b, LLVMIntNE, bn, n, ""), LLVMBuildICmp(L->b, LLVMIntNE, bn, i64c(L, 1), ""), ""),
                    "builtins:ValueError", "array is not broadcastable to correct shape");
    }
    LoopCtx lc;
    LLVMValueRef k = cg_loop_begin(L, &lc, n);
    LLVMValueRef i = args[1];
    if (it->kind == TY_ARRAY)
        i = cg_cast(L, cg_load_elem(L, it->dtype, cg_elem_ptr(L, it, args[1], &k)), ty_scalar_of(it->dtype), ty_int64);
    i = cg_wrap_index(L, i, cg_arr_shape(L, args[0], 0), true);
    LLVMValueRef p = cg_elem_ptr(L, at, args[0], &i), x[2];
    const Type *xt[2] = {ty_scalar_of(at->dtype), NULL};
    x[0] = cg_load_elem(L, at->dtype, p);
    if (nin == 2) {
        x[1] = args[2];
        xt[1] = bt;
        if (barr) {
            LLVMValueRef j = bt->ndim == 0 ? NULL
                           : LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, cg_arr_shape(L, args[2], 0), i64c(L, 1), ""), i64c(L, 0), k, "");
            x[1] = cg_load_elem(L, bt->dtype, cg_elem_ptr(L, bt, args[2], &j));
            xt[1] = ty_scalar_of(bt->dtype);
        }
    }
    L->numpy_sem = true;
    LLVMValueRef v = cg_ufunc_scalar(L, ci->builtin, x, xt, ci->dtype);
    L->numpy_sem = false;
    cg_store_elem(L, at->dtype, p, v, ty_scalar_of(ci->dtype));
    cg_loop_end(L, &lc);
}

/* ---- the calls ---------------------------------------------------------------------------------- */
LLVMValueRef cg_numpy_call(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *rt = ci->ret;
    int bid = ci->builtin;
    LLVMValueRef shape[64];
    bool given[8] = {0};
    for (int i = 0; i < ci->nparams && i < 8; i++) given[i] = ci->argmap[i] >= 0 && types[i]->kind != TY_NONE;
    switch (ci->ufmethod) {
    case UF_REDUCE: case UF_ACCUMULATE: return reduction(L, ci, in, args, types);
    case UF_OUTER: return ufunc_outer(L, ci, args, types);
    case UF_AT: ufunc_at(L, ci, args, types); return LLVMConstInt(L->i8, 0, 0);
    }
    if (bid < BI_COUNT && (ti_is_ufunc(bid) || bid == BI_NP_WHERE || bid == BI_NP_CLIP)) {
        if (rt->kind == TY_ARRAY) return cg_array_expr(L, in);
        return cg_ufunc_call_scalar(L, in, ci, args, types);
    }
    switch (bid) {
    case METHOD_DTYPE_CONVERT: {
        LLVMValueRef v = cg_to_elem_scalar(L, args[0], types[0], ci->dtype);
        /* narrow through the element type: np.int8(300) wraps, np.float32 rounds */
        LLVMValueRef slot = cg_entry_alloca(L, L->c128, "conv");
        cg_store_elem(L, ci->dtype, slot, v, ty_scalar_of(ci->dtype));
        return cg_load_elem(L, ci->dtype, slot);
    }
    case METHOD_FILL:
        cg_assign_array(L, types[0], args[0], types[1], args[1]);
        return LLVMConstInt(L->i8, 0, 0);
    case METHOD_FLATTEN: {
        const Type *at = types[0], *ct = ty_array(at->dtype, at->ndim, 'C', false);
        shape[0] = i64c(L, -1);
        return reshape_view(L, ct, cg_copy_array(L, at, args[0], ct), rt, shape);
    }
    case BI_NP_IX: {   /* each index array as a view of ndim k, its length along its own dimension */
        LLVMValueRef t = LLVMGetUndef(cg_type(L, rt)), strides[64];
        int k = rt->n;
        for (int i = 0; i < k; i++) {
            for (int d = 0; d < k; d++) {
                shape[d] = d == i ? cg_arr_shape(L, args[i], 0) : i64c(L, 1);
                strides[d] = d == i ? cg_arr_stride(L, types[i], args[i], 0) : i64c(L, 0);
            }
            LLVMValueRef v = cg_make_array(L, rt->elems[i], cg_arr_meminfo(L, args[i]), LLVMBuildExtractValue(L->b, args[i], 1, ""),
                                           cg_arr_data(L, args[i]), shape, strides);
            t = LLVMBuildInsertValue(L->b, t, v, (unsigned)i, "");
        }
        return t;
    }
    case METHOD_SET_SHAPE: {   /* a view with the new shape; a must be C-contiguous (as NumPy's in-place rule) */
        const Type *at = types[0];
        shape_values(L, types[1], args[1], shape);
        if (at->layout != 'C')
            cg_raise_unless(L, cg_array_flag(L, at, args[0], "c_contiguous"), "builtins:AttributeError",
                            "Incompatible shape for in-place modification. Use `.reshape()` to make a copy with the desired shape.");
        return reshape_view(L, at, args[0], rt, shape);
    }
    case METHOD_ASTYPE: case BI_NP_COPY:
        return cg_copy_array(L, types[0], args[0], rt);
    case BI_NP_ASCONTIG:
        if (rt == types[0]) return args[0];
        return cg_copy_array(L, types[0], args[0], rt);
    case BI_NP_ARRAY:
        if (types[0]->kind == TY_ARRAY) return cg_copy_array(L, types[0], args[0], rt);
        {
            const Type *t = types[0];
            for (int k = 0; k < rt->ndim; k++) {
                shape[k] = i64c(L, t->n);
                t = t->elems[0];
            }
            LLVMValueRef arr = cg_alloc_array(L, rt, shape);
            long long pos = 0;
            cg_store_sequence(L, rt, cg_arr_data(L, arr), types[0], args[0], &pos);
            return arr;
        }
    case BI_NP_EMPTY: case BI_NP_ZEROS: case BI_NP_ONES: case BI_NP_NDARRAY: {
        shape_values(L, types[0], args[0], shape);
        if (bid == BI_NP_EMPTY || bid == BI_NP_NDARRAY) return new_filled(L, rt, shape, NULL, NULL);
        return new_filled(L, rt, shape, bid == BI_NP_ONES ? LLVMConstInt(L->i1, 1, 0) : LLVMConstInt(L->i1, 0, 0), ty_bool);
    }
    case BI_NP_FULL:
        shape_values(L, types[0], args[0], shape);
        return new_filled(L, rt, shape, args[1], types[1]);
    case BI_NP_EMPTY_LIKE: case BI_NP_ZEROS_LIKE: case BI_NP_ONES_LIKE: case BI_NP_FULL_LIKE:
        for (int k = 0; k < rt->ndim; k++) shape[k] = cg_arr_shape(L, args[0], k);
        if (bid == BI_NP_EMPTY_LIKE) return new_filled(L, rt, shape, NULL, NULL);
        if (bid == BI_NP_FULL_LIKE) return new_filled(L, rt, shape, args[1], types[1]);
        return new_filled(L, rt, shape, LLVMConstInt(L->i1, bid == BI_NP_ONES_LIKE, 0), ty_bool);
    case BI_NP_ARANGE: {
        bool fl = false;
        for (int i = 0; i < 3; i++) fl |= given[i] && types[i] == ty_float64;
        const Type *vt = fl ? ty_float64 : ty_int64;
        LLVMValueRef start = given[1] ? cg_cast(L, args[0], types[0], vt) : LLVMConstNull(cg_type(L, vt));
        LLVMValueRef stop = given[1] ? cg_cast(L, args[1], types[1], vt) : cg_cast(L, args[0], types[0], vt);
        LLVMValueRef step = given[2] ? cg_cast(L, args[2], types[2], vt) : (fl ? f64c(L, 1) : i64c(L, 1));
        LLVMValueRef n = fl ? arange_length_float(L, start, stop, step) : arange_length_int(L, start, stop, step);
        LLVMValueRef arr = cg_alloc_array(L, rt, &n);
        FillEnv F = {.t = rt, .arr = arr, .vt = vt, .kind = 2, .a0 = start, .a1 = step};
        cg_loop_nest(L, 1, &n, fill_body, &F);
        return arr;
    }
    case BI_NP_EYE: case BI_NP_IDENTITY: {
        shape[0] = args[0];
        shape[1] = bid == BI_NP_EYE && given[1] ? args[1] : args[0];
        LLVMValueRef arr = cg_alloc_array(L, rt, shape);
        FillEnv F = {.t = rt, .arr = arr, .k = bid == BI_NP_EYE && given[2] ? args[2] : i64c(L, 0)};
        cg_loop_nest(L, 2, shape, eye_body, &F);
        return arr;
    }
    case BI_NP_RESHAPE: {
        const Type *at = types[0];
        if (ci->argmap[1] == -2) {
            for (int k = 0; k < rt->ndim; k++) shape[k] = cg_cast(L, L->vals[in->args[1 + k]], L->ti->vtypes[in->args[1 + k]], ty_int64);
        } else {
            shape_values(L, types[1], args[1], shape);
        }
        LLVMValueRef src = args[0];
        if (at->layout != 'C') {
            const Type *ct = ty_array(at->dtype, at->ndim, 'C', false);
            src = cg_copy_array(L, at, src, ct);
            LLVMValueRef v = reshape_view(L, ct, src, rt, shape);
            return v;   /* owns the copy's reference (a fresh value) */
        }
        return reshape_view(L, at, src, rt, shape);
    }
    case BI_NP_RAVEL: {
        const Type *at = types[0];
        shape[0] = i64c(L, -1);
        if (at->layout != 'C') {
            const Type *ct = ty_array(at->dtype, at->ndim, 'C', false);
            return reshape_view(L, ct, cg_copy_array(L, at, args[0], ct), rt, shape);
        }
        return reshape_view(L, at, args[0], rt, shape);
    }
    case BI_NP_TRANSPOSE: {
        const Type *at = types[0];
        LLVMValueRef strides[64];
        int nd = at->ndim;
        for (int k = 0; k < nd; k++) {
            shape[k] = cg_arr_shape(L, args[0], nd - 1 - k);
            strides[k] = cg_arr_stride(L, at, args[0], nd - 1 - k);
        }
        if (ci->nparams > 1 && (ci->argmap[1] >= 0 || ci->argmap[1] == -2)) {   /* explicit axes */
            LLVMTypeRef dims = LLVMArrayType2(L->i64, (unsigned long long)nd);
            LLVMValueRef sh = cg_entry_alloca(L, dims, "shape"), st = cg_entry_alloca(L, dims, "strides");
            LLVMBuildStore(L->b, LLVMBuildExtractValue(L->b, args[0], 3, ""), sh);
            LLVMBuildStore(L->b, LLVMBuildExtractValue(L->b, args[0], 4, ""), st);
            for (int k = 0; k < nd; k++) {
                LLVMValueRef ax = ci->argmap[1] == -2 ? cg_cast(L, L->vals[in->args[1 + k]], L->ti->vtypes[in->args[1 + k]], ty_int64)
                                                      : LLVMBuildExtractValue(L->b, args[1], (unsigned)k, "");
                ax = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, ax, i64c(L, 0), ""), LLVMBuildAdd(L->b, ax, i64c(L, nd), ""), ax, "");
                cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntUGE, ax, i64c(L, nd), ""), "numpy.exceptions:AxisError", "axis out of bounds in transpose");
                LLVMValueRef idx[2] = {i64c(L, 0), ax};
                shape[k] = LLVMBuildLoad2(L->b, L->i64, LLVMBuildInBoundsGEP2(L->b, dims, sh, idx, 2, ""), "");
                strides[k] = LLVMBuildLoad2(L->b, L->i64, LLVMBuildInBoundsGEP2(L->b, dims, st, idx, 2, ""), "");
            }
        }
        return cg_make_array(L, rt, cg_arr_meminfo(L, args[0]), LLVMBuildExtractValue(L->b, args[0], 1, ""),
                             cg_arr_data(L, args[0]), shape, strides);
    }
    case BI_NP_SUM: case BI_NP_PROD: case BI_NP_MIN: case BI_NP_MAX: case BI_NP_AMIN: case BI_NP_AMAX:
    case BI_NP_MEAN: case BI_NP_VAR: case BI_NP_STD: case BI_NP_ARGMIN: case BI_NP_ARGMAX:
    case BI_NP_ALL: case BI_NP_ANY: case BI_NP_COUNT_NONZERO: case BI_NP_CUMSUM: case BI_NP_CUMPROD:
        return reduction(L, ci, in, args, types);
    case BI_NP_AVERAGE:
        return average(L, ci, in, args, types);
    case BI_NP_DIVMOD: case BI_NP_FREXP: {   /* each output as its own ufunc over the operands */
        bool dm = bid == BI_NP_DIVMOD;
        int bids[2] = {dm ? BI_NP_FLOOR_DIVIDE : BI_NP_FREXP, dm ? BI_NP_REMAINDER : BI_NP_FREXP};
        int dts[2] = {ci->dtype, dm ? ci->dtype : DT_INT32};
        LLVMValueRef t = LLVMGetUndef(cg_type(L, rt));
        for (int k = 0; k < 2; k++) {
            LLVMValueRef v;
            if (rt->elems[k]->kind == TY_ARRAY) {
                v = cg_array_expr_as(L, in, bids[k], dts[k], rt->elems[k]);
            } else {
                L->numpy_sem = true;
                v = cg_ufunc_scalar(L, bids[k], args, types, dts[k]);
                L->numpy_sem = false;
            }
            if (!v) return NULL;
            t = LLVMBuildInsertValue(L->b, t, v, (unsigned)k, "");
        }
        return t;
    }
    }
    if (bid == BI_NP_REAL || bid == BI_NP_IMAG) {
        bool imag = bid == BI_NP_IMAG;
        if (types[0]->kind == TY_ARRAY) return cg_real_imag(L, types[0], args[0], imag, rt);
        if (types[0] == ty_complex128) return LLVMBuildExtractValue(L->b, args[0], imag, "");
        return imag ? LLVMConstNull(cg_type(L, rt)) : args[0];
    }
    LLVMValueRef r = cg_nplib_call(L, in, ci, args, types);
    if (r) return r;
    ctx_error(L->ctx, DIAG_INTERNAL, L->fn, in->loc, "cannot lower np.%s", bid < BI_COUNT ? ti_builtins[bid].name : "method");
    return NULL;
}
