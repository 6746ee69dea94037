/* lower_numpy.c: NumPy functions and array methods in generated code: ufuncs on scalars (and
 * their methods outer and at), array construction, views and copies. Reductions (np.sum & co,
 * np.average, a ufunc's reduce and accumulate) are in lower_reduce.c.
 */
#include "lower.h"
#include <math.h>
#include <stdio.h>
#include <string.h>


/* ---- ufuncs on one element ------------------------------------------------------------ */
static LLVMValueRef complex_of(Lower *L, LLVMValueRef re, LLVMValueRef im) {
    LLVMValueRef v = LLVMGetUndef(L->c128);
    v = LLVMBuildInsertValue(L->b, v, re, 0, "");
    return LLVMBuildInsertValue(L->b, v, im, 1, "");
}

/* ufunc bid of complex z through runtime/cmath.c's <prefix><name>(out, re, im): ember_rt_c_
 * (complex128) or ember_rt_c32_ (complex64). */
static LLVMValueRef complex_rt1(Lower *L, const char *prefix, int bid, LLVMValueRef z) {
    char name[48];
    snprintf(name, sizeof name, "%s%s", prefix, ti_builtins[bid].name);
    LLVMValueRef slot = cg_entry_alloca(L, L->c128, "cx");
    LLVMTypeRef pt[3] = {L->ptr, L->f64, L->f64};
    LLVMValueRef a[3] = {slot, LLVMBuildExtractValue(L->b, z, 0, ""), LLVMBuildExtractValue(L->b, z, 1, "")};
    cg_call(L, name, L->voidt, pt, a, 3);
    return LLVMBuildLoad2(L->b, L->c128, slot, "");
}

/* sqrt, exp and log of a complex number, on the principal branch as C99's csqrt/cexp/clog; the
 * other complex ufuncs (np.sin, np.arctanh, np.log2, np.expm1 ...) call runtime/cmath.c, and so
 * does every one of complex64 (dt) but exp (cg_c64_exp, inline), computing in float as NumPy's
 * loops do. */
static LLVMValueRef complex_uf(Lower *L, int bid, LLVMValueRef z, int dt) {
    LLVMValueRef re = LLVMBuildExtractValue(L->b, z, 0, ""), im = LLVMBuildExtractValue(L->b, z, 1, "");
    if (dt == DT_COMPLEX64 && bid == BI_NP_EXP) return cg_c64_exp(L, z);
    if (dt == DT_COMPLEX64) return complex_rt1(L, "ember_rt_c32_", bid, z);
    if (bid != BI_NP_EXP && bid != BI_NP_LOG && bid != BI_NP_SQRT) return complex_rt1(L, "ember_rt_c_", bid, z);
    if (bid == BI_NP_EXP) {
        LLVMValueRef m = cg_math_call(L, "llvm.exp.f64", &re, 1);
        LLVMValueRef c = cg_math_call(L, "llvm.cos.f64", &im, 1), s = cg_math_call(L, "llvm.sin.f64", &im, 1);
        /* exp(x + 0j) is exactly real */
        LLVMValueRef zero_im = LLVMBuildFCmp(L->b, LLVMRealOEQ, im, f64c(L, 0), "");
        return complex_of(L, LLVMBuildSelect(L->b, zero_im, m, LLVMBuildFMul(L->b, m, c, ""), ""),
                          LLVMBuildSelect(L->b, zero_im, im, LLVMBuildFMul(L->b, m, s, ""), ""));
    }
    LLVMValueRef r = cg_call_f64_2(L, "hypot", re, im);
    if (bid == BI_NP_LOG) return complex_of(L, cg_math_call(L, "llvm.log.f64", &r, 1), cg_math_call(L, "atan2", (LLVMValueRef[2]){im, re}, 2));
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
    if (t == ty_complex128) {   /* a when it is >= b (<= for min) in NumPy's order, or NaN (fmax: b is) */
        LLVMValueRef n = propagate ? a : b;
        LLVMValueRef nan = LLVMBuildFCmp(L->b, LLVMRealUNO, LLVMBuildExtractValue(L->b, n, 0, ""),
                                         LLVMBuildExtractValue(L->b, n, 1, ""), "");
        LLVMValueRef keep_a = LLVMBuildOr(L->b, nan, cg_cmp(L, is_max ? IRC_GE : IRC_LE, a, b, t), "");
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

/* np.logaddexp (two: logaddexp2) of float32 values as NumPy's float loop: each step in float
 * (a float64 operation on float values rounded to float32 is the float operation), expf and
 * log1pf (exp2f, and log1pf times log2(e) in float) through cg_f32_call, so a loop vectorises. */
static LLVMValueRef logaddexp_f32(Lower *L, bool two, LLVMValueRef a, LLVMValueRef b) {
    LLVMValueRef d = cg_f32_narrow(L, LLVMBuildFSub(L->b, a, b, ""));
    LLVMValueRef pos = LLVMBuildFCmp(L->b, LLVMRealOGT, d, f64c(L, 0), "");
    LLVMValueRef big = LLVMBuildSelect(L->b, pos, a, b, "");
    LLVMValueRef nd = LLVMBuildSelect(L->b, pos, LLVMBuildFNeg(L->b, d, ""), d, "");   /* -|d| */
    LLVMValueRef e = cg_f32_call(L, two ? "llvm.exp2.f64" : "llvm.exp.f64", &nd, 1);
    LLVMValueRef l = cg_f32_call(L, "log1p", &e, 1);
    if (two) l = cg_f32_narrow(L, LLVMBuildFMul(L->b, l, f64c(L, (float)M_LOG2E), ""));
    LLVMValueRef r = cg_f32_narrow(L, LLVMBuildFAdd(L->b, big, l, ""));
    r = LLVMBuildSelect(L->b, LLVMBuildFCmp(L->b, LLVMRealUNO, d, d, ""), d, r, "");   /* NaN, or inf - inf */
    LLVMValueRef same = cg_f32_narrow(L, LLVMBuildFAdd(L->b, a, f64c(L, two ? 1.0 : (float)M_LN2), ""));
    return LLVMBuildSelect(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, a, b, ""), same, r, "");
}

/* The float binary ufuncs without a C function: heaviside, logaddexp, logaddexp2 (NumPy's
 * formulas: equal arguments add log(2), else the larger plus log1p(exp(-|difference|))); dt
 * float32 computes logaddexp in float. */
static LLVMValueRef float_binary(Lower *L, int bid, LLVMValueRef a, LLVMValueRef b, int dt) {
    if (bid == BI_NP_HEAVISIDE) {
        LLVMValueRef r = LLVMBuildSelect(L->b, LLVMBuildFCmp(L->b, LLVMRealOLT, a, f64c(L, 0), ""), f64c(L, 0), f64c(L, 1), "");
        r = LLVMBuildSelect(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, a, f64c(L, 0), ""), b, r, "");
        return LLVMBuildSelect(L->b, LLVMBuildFCmp(L->b, LLVMRealUNO, a, a, ""), a, r, "");
    }
    bool two = bid == BI_NP_LOGADDEXP2;
    if (dt == DT_FLOAT32) return logaddexp_f32(L, two, a, b);
    LLVMValueRef d = LLVMBuildFSub(L->b, a, b, "");
    LLVMValueRef pos = LLVMBuildFCmp(L->b, LLVMRealOGT, d, f64c(L, 0), "");
    LLVMValueRef big = LLVMBuildSelect(L->b, pos, a, b, "");
    LLVMValueRef nd = LLVMBuildSelect(L->b, pos, LLVMBuildFNeg(L->b, d, ""), d, "");   /* -|d| */
    LLVMValueRef e = cg_math_call(L, two ? "llvm.exp2.f64" : "llvm.exp.f64", &nd, 1);
    LLVMValueRef l = cg_math_call(L, "log1p", &e, 1);
    if (two) l = LLVMBuildFMul(L->b, l, f64c(L, 1.0 / M_LN2), "");
    LLVMValueRef r = LLVMBuildFAdd(L->b, big, l, "");
    r = LLVMBuildSelect(L->b, LLVMBuildFCmp(L->b, LLVMRealUNO, d, d, ""), d, r, "");   /* NaN, or inf - inf */
    LLVMValueRef same = LLVMBuildFAdd(L->b, a, f64c(L, two ? 1.0 : M_LN2), "");
    return LLVMBuildSelect(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, a, b, ""), same, r, "");
}

/* a.item(): the one element (ValueError unless a has one); a.item(i): element i of a in C
 * order; a.item(i, j, ...): a[i, j, ...]. Indices may be negative; beyond the size or the
 * dimension, IndexError (NumPy's errors). */
static LLVMValueRef array_item(Lower *L, const Type *at, LLVMValueRef a, int n, LLVMValueRef *ix, const Type **ixt) {
    LLVMValueRef idx[64], size = i64c(L, 1);
    for (int k = 0; k < at->ndim; k++) size = LLVMBuildMul(L->b, size, cg_arr_shape(L, a, k), "");
    if (n == 0) {
        cg_raise_unless(L, LLVMBuildICmp(L->b, LLVMIntEQ, size, i64c(L, 1), ""), "builtins:ValueError",
                        "can only convert an array of size 1 to a Python scalar");
        for (int k = 0; k < at->ndim; k++) idx[k] = i64c(L, 0);
    } else if (n == 1 && at->ndim != 1) {   /* a flat index, C order */
        LLVMValueRef i = cg_cast(L, ix[0], ixt[0], ty_int64);
        i = LLVMBuildSelect(L->b, cg_is_negative(L, i), LLVMBuildAdd(L->b, i, size, ""), i, "");
        cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntUGE, i, size, ""), "builtins:IndexError", "index out of bounds for the array's size");
        for (int k = at->ndim - 1; k >= 0; k--) {
            LLVMValueRef s = cg_arr_shape(L, a, k);
            idx[k] = LLVMBuildURem(L->b, i, s, "");
            i = LLVMBuildUDiv(L->b, i, s, "");
        }
    } else {
        for (int k = 0; k < at->ndim; k++) {
            LLVMValueRef i = cg_cast(L, ix[k], ixt[k], ty_int64), s = cg_arr_shape(L, a, k);
            i = LLVMBuildSelect(L->b, cg_is_negative(L, i), LLVMBuildAdd(L->b, i, s, ""), i, "");
            cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntUGE, i, s, ""), "builtins:IndexError", "index out of bounds for its axis");
            idx[k] = i;
        }
    }
    return cg_load_elem(L, at->dtype, cg_elem_ptr(L, at, a, idx));
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
    if (bid == BI_NP_MODF) {   /* the fractional part (the integral one is np.trunc): C's modf */
        LLVMValueRef slot = cg_entry_alloca(L, L->f64, "ipart");
        LLVMTypeRef pt[2] = {L->f64, L->ptr};
        LLVMValueRef a[2] = {cg_cast(L, x[0], xt[0], ty_float64), slot};
        return cg_call(L, "modf", L->f64, pt, a, 2);
    }
    switch (bi->shape) {
    case SH_UF: {
        if (xt[0] == ty_complex128) return complex_uf(L, bid, x[0], dt);
        LLVMValueRef v = cg_cast(L, x[0], xt[0], ty_float64);
        bool f32 = dt == DT_FLOAT32;   /* NumPy's float32 loop: x * (pi_f / 180f) in float */
        if (bid == BI_NP_DEG2RAD || bid == BI_NP_RADIANS)
            return f32 ? cg_f32_narrow(L, LLVMBuildFMul(L->b, v, f64c(L, (float)M_PI / 180.0f), "")) : LLVMBuildFMul(L->b, v, f64c(L, M_PI / 180.0), "");
        if (bid == BI_NP_RAD2DEG || bid == BI_NP_DEGREES)
            return f32 ? cg_f32_narrow(L, LLVMBuildFMul(L->b, v, f64c(L, 180.0f / (float)M_PI), "")) : LLVMBuildFMul(L->b, v, f64c(L, 180.0 / M_PI), "");
        if (bid == BI_NP_SPACING) return spacing(L, v, dt);
        if (dt == DT_FLOAT32) return cg_f32_call(L, bi->lowering, &v, 1);   /* expf, as NumPy's float32 loop */
        return cg_math_call(L, bi->lowering, &v, 1);
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
            if (xt[0] == ty_complex128 && dt == DT_FLOAT32) return cg_c64_abs(L, x[0]);
            if (xt[0] == ty_complex128)
                return cg_complex_abs(L, LLVMBuildExtractValue(L->b, x[0], 0, ""), LLVMBuildExtractValue(L->b, x[0], 1, ""));
            if (ct == ty_float64) return cg_intrinsic1(L, "llvm.fabs.f64", v);
            if (ct == ty_int64) {
                LLVMValueRef neg = LLVMBuildICmp(L->b, LLVMIntSLT, v, i64c(L, 0), "");
                return LLVMBuildSelect(L->b, neg, LLVMBuildSub(L->b, i64c(L, 0), v, ""), v, "");
            }
            return v;
        case BI_NP_NEGATIVE: return cg_unop(L, IRU_NEG, v, ct, ct);
        case BI_NP_RECIPROCAL:
            if (dt == DT_COMPLEX64) return cg_complex_reciprocal(L, v, dt);
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
            if (dt == DT_COMPLEX64) return cg_c64_mul(L, v, v);
            return cg_binop(L, IRB_MUL, v, v, ct, NULL);
        case BI_NP_SIGN:
            if (ct == ty_complex128) return complex_rt1(L, "ember_rt_c_", bid, v);
            if (ct == ty_float64) {   /* 1, -1, 0.0 for either zero, NaN itself: selects of constants (blends, not
                                       * int-to-float conversions: vectorbt's is_close loops 1.7x numba's) */
                LLVMValueRef z = LLVMBuildSelect(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, v, f64c(L, 0), ""), f64c(L, 0), v, "");
                LLVMValueRef s = LLVMBuildSelect(L->b, LLVMBuildFCmp(L->b, LLVMRealOLT, v, f64c(L, 0), ""), f64c(L, -1), z, "");
                return LLVMBuildSelect(L->b, LLVMBuildFCmp(L->b, LLVMRealOGT, v, f64c(L, 0), ""), f64c(L, 1), s, "");
            }
            if (ct == ty_uint64) return LLVMBuildZExt(L->b, LLVMBuildICmp(L->b, LLVMIntNE, v, i64c(L, 0), ""), L->i64, "");
            if (ct == ty_int64) {
                LLVMValueRef pos = LLVMBuildZExt(L->b, LLVMBuildICmp(L->b, LLVMIntSGT, v, i64c(L, 0), ""), L->i64, "");
                LLVMValueRef neg = LLVMBuildZExt(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, v, i64c(L, 0), ""), L->i64, "");
                return LLVMBuildSub(L->b, pos, neg, "");
            }
            return v;
        default:   /* floor ceil trunc rint: integers are their own */
            if (ct == ty_complex128 && bid == BI_NP_RINT) return complex_rt1(L, "ember_rt_c_", bid, v);
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
        if (bid == BI_NP_FLOAT_POWER && ct == ty_complex128)
            return cg_binop(L, IRB_POW, cg_cast(L, x[0], xt[0], ct), cg_cast(L, x[1], xt[1], ct), ct, NULL);
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
        if (!bi->lowering) return float_binary(L, bid, cg_cast(L, x[0], xt[0], ty_float64), cg_cast(L, x[1], xt[1], ty_float64), dt);
        LLVMValueRef ab[2] = {cg_cast(L, x[0], xt[0], ty_float64), cg_cast(L, x[1], xt[1], ty_float64)};
        if (dt == DT_FLOAT32) return cg_f32_call(L, bi->lowering, ab, 2);   /* atan2f, hypotf */
        return cg_math_call(L, bi->lowering, ab, 2);
    case SH_BS: {
        const Type *opt = ct;
        LLVMValueRef a = cg_cast(L, x[0], xt[0], opt), b = cg_cast(L, x[1], xt[1], opt);
        switch (bid) {
        case BI_NP_MINIMUM: return nan_min_max(L, false, true, a, b, opt);
        case BI_NP_MAXIMUM: return nan_min_max(L, true, true, a, b, opt);
        case BI_NP_FMIN: return nan_min_max(L, false, false, a, b, opt);
        case BI_NP_FMAX: return nan_min_max(L, true, false, a, b, opt);
        case BI_NP_POWER:
            if (dt == DT_FLOAT32) return cg_f32_call(L, "llvm.pow.f64", (LLVMValueRef[2]){a, b}, 2);   /* powf */
            if (dt == DT_COMPLEX64) {   /* a small constant integer power: NumPy's loop in float */
                LLVMValueRef r = cg_c64_power(L, a, b);
                if (r) return r;
            }
            return cg_binop(L, IRB_POW, a, b, opt, NULL);
        case BI_NP_ADD:
            if (opt == ty_bool) return LLVMBuildOr(L->b, a, b, "");
            return cg_binop(L, IRB_ADD, a, b, opt, NULL);
        case BI_NP_SUBTRACT: return cg_binop(L, IRB_SUB, a, b, opt, NULL);
        case BI_NP_MULTIPLY:
            if (opt == ty_bool) return LLVMBuildAnd(L->b, a, b, "");
            if (dt == DT_COMPLEX64) return cg_c64_mul(L, a, b);
            return cg_binop(L, IRB_MUL, a, b, opt, NULL);
        case BI_NP_DIVIDE: case BI_NP_TRUE_DIVIDE:
            if (dt == DT_COMPLEX64) return cg_complex_div(L, a, b, dt);
            return cg_binop(L, IRB_TRUEDIV, a, b, opt, NULL);
        case BI_NP_FLOOR_DIVIDE: return cg_binop(L, IRB_FLOORDIV, a, b, opt, NULL);
        case BI_NP_REMAINDER: case BI_NP_MOD: return cg_binop(L, IRB_MOD, a, b, opt, NULL);
        case BI_NP_BITWISE_AND: return opt == ty_bool ? LLVMBuildAnd(L->b, a, b, "") : cg_binop(L, IRB_AND, a, b, opt, NULL);
        case BI_NP_BITWISE_OR: return opt == ty_bool ? LLVMBuildOr(L->b, a, b, "") : cg_binop(L, IRB_OR, a, b, opt, NULL);
        case BI_NP_BITWISE_XOR: return opt == ty_bool ? LLVMBuildXor(L->b, a, b, "") : cg_binop(L, IRB_XOR, a, b, opt, NULL);
        case BI_NP_LEFT_SHIFT: return cg_binop(L, IRB_LSHIFT, a, b, opt, NULL);
        case BI_NP_FMOD:
            if (opt == ty_float64) return cg_fmod(L, a, b);
            return int_fmod(L, a, b, opt == ty_uint64);
        case BI_NP_GCD: case BI_NP_LCM: {
            bool u = opt == ty_uint64;
            LLVMValueRef g = cg_gcd(L, a, b, u);
            if (bid == BI_NP_GCD) return g;
            if (u) {   /* lcm: a / gcd * b, wrapping; 0 where either is 0 */
                LLVMValueRef zero = LLVMBuildICmp(L->b, LLVMIntEQ, g, i64c(L, 0), "");
                LLVMValueRef q = LLVMBuildUDiv(L->b, a, LLVMBuildSelect(L->b, zero, i64c(L, 1), g, ""), "");
                return LLVMBuildSelect(L->b, zero, i64c(L, 0), LLVMBuildMul(L->b, q, b, ""), "");
            }
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

/* A view of C-contiguous a with a new shape (a -1 is inferred); ValueError on a size mismatch, in
 * NumPy's words with the size and shape (a string the exception holds: ember_rt_raise_reshape),
 * or a constant message where a handler of this frame catches exceptions that hold no strings
 * (L->exc_refs false: it would not drop the string). */
static LLVMValueRef reshape_view(Lower *L, const Type *at, LLVMValueRef a, const Type *rt, LLVMValueRef *shape) {
    int nd = rt->ndim;
    LLVMValueRef asked[64];   /* the shape as given, for NumPy's message */
    for (int k = 0; k < nd; k++) asked[k] = shape[k];
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
    LLVMValueRef zero_known = LLVMBuildICmp(L->b, LLVMIntEQ, known, i64c(L, 0), "");
    bad = LLVMBuildOr(L->b, bad, LLVMBuildAnd(L->b, zero_known, LLVMBuildICmp(L->b, LLVMIntSGE, unknown, i64c(L, 0), ""), ""), "");   /* -1 beside a 0: NumPy cannot infer it */
    LLVMValueRef safe = LLVMBuildSelect(L->b, zero_known, i64c(L, 1), known, "");
    LLVMValueRef inferred = LLVMBuildSDiv(L->b, size, safe, "");
    for (int k = 0; k < nd; k++)
        shape[k] = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, unknown, i64c(L, k), ""), inferred, shape[k], "");
    LLVMValueRef strides[64];
    LLVMValueRef nbytes = cg_c_strides(L, rt->dtype, nd, shape, strides);
    bad = LLVMBuildOr(L->b, bad, LLVMBuildICmp(L->b, LLVMIntNE, nbytes, LLVMBuildMul(L->b, size, i64c(L, ty_dtypes[rt->dtype].size), ""), ""), "");
    LLVMBasicBlockRef ok;
    if (cg_raise_formatted_begin(L, bad, "builtins:ValueError", "cannot reshape array into the requested shape", &ok)) {
        LLVMValueRef dims = cg_entry_alloca(L, LLVMArrayType2(L->i64, (unsigned long long)(nd ? nd : 1)), "asked");
        for (int k = 0; k < nd; k++) LLVMBuildStore(L->b, asked[k], cg_gep8(L, dims, i64c(L, 8 * k)));
        LLVMTypeRef pt[3] = {L->i64, L->ptr, L->i64};
        LLVMValueRef args[3] = {size, dims, i64c(L, nd)};
        cg_call(L, "ember_rt_raise_reshape", L->voidt, pt, args, 3);
        cg_raise_formatted_end(L, ok);
    }
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

/* np.add.at(a, indices, b): for each index along a's first dimension in turn, a[i] = add(a[i],
 * b's part for it) with b broadcast to a[indices]'s shape (ValueError where it does not), so a
 * repeated index applies again; IndexError for an index out of range. */
typedef struct AtEnv {
    int bid, dt;
    const Type *at, *it, *bt;
    LLVMValueRef a, ix, b, bstr[64];
} AtEnv;

static void at_body(Lower *L, LLVMValueRef *idx, void *env) {
    AtEnv *E = env;
    int nd = E->at->ndim;
    LLVMValueRef i = E->ix, ai[64], x[2];
    if (E->it->kind == TY_ARRAY)
        i = cg_cast(L, cg_load_elem(L, E->it->dtype, cg_elem_ptr(L, E->it, E->ix, &idx[0])), ty_scalar_of(E->it->dtype), ty_int64);
    ai[0] = cg_wrap_index(L, i, cg_arr_shape(L, E->a, 0), true);
    for (int d = 1; d < nd; d++) ai[d] = idx[d];
    LLVMValueRef p = cg_elem_ptr(L, E->at, E->a, ai);
    const Type *xt[2] = {ty_scalar_of(E->at->dtype), E->bt};
    x[0] = cg_load_elem(L, E->at->dtype, p);
    x[1] = E->b;
    if (E->bt && E->bt->kind == TY_ARRAY) {
        LLVMValueRef off = i64c(L, 0);
        for (int k = 0, shift = nd - E->bt->ndim; k < E->bt->ndim; k++)
            off = LLVMBuildAdd(L->b, off, LLVMBuildMul(L->b, idx[shift + k], E->bstr[k], ""), "");
        x[1] = cg_load_elem(L, E->bt->dtype, cg_gep8(L, cg_arr_data(L, E->b), off));
        xt[1] = ty_scalar_of(E->bt->dtype);
    }
    L->numpy_sem = true;
    LLVMValueRef v = cg_ufunc_scalar(L, E->bid, x, xt, E->dt);
    L->numpy_sem = false;
    cg_store_elem(L, E->at->dtype, p, v, ty_scalar_of(E->dt));
}

static void ufunc_at(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *at = types[0], *it = types[1], *bt = ti_ufunc_nin(ci->builtin) == 2 ? types[2] : NULL;
    AtEnv E = {.bid = ci->builtin, .dt = ci->dtype, .at = at, .it = it, .bt = bt, .a = args[0], .ix = args[1], .b = bt ? args[2] : NULL};
    LLVMValueRef shape[64];   /* the picks, then a's other dimensions (one pick for an int index) */
    shape[0] = it->kind == TY_ARRAY ? cg_arr_shape(L, args[1], 0) : i64c(L, 1);
    for (int d = 1; d < at->ndim; d++) shape[d] = cg_arr_shape(L, args[0], d);
    if (bt && bt->kind == TY_ARRAY) {
        for (int k = 0, shift = at->ndim - bt->ndim; k < bt->ndim; k++) {
            LLVMValueRef n = cg_arr_shape(L, args[2], k), one = LLVMBuildICmp(L->b, LLVMIntEQ, n, i64c(L, 1), "");
            cg_raise_unless(L, LLVMBuildOr(L->b, one, LLVMBuildICmp(L->b, LLVMIntEQ, n, shape[shift + k], ""), ""),
                            "builtins:ValueError", "array is not broadcastable to correct shape");
            E.bstr[k] = LLVMBuildSelect(L->b, one, i64c(L, 0), cg_arr_stride(L, bt, args[2], k), "");
        }
    }
    cg_loop_nest(L, at->ndim, shape, at_body, &E);
}

/* ---- the calls ---------------------------------------------------------------------------------- */
/* np.arange(start, stop, step) as an array of type rt, the three in vt (int64 or float64). */
LLVMValueRef cg_arange(Lower *L, const Type *rt, const Type *vt, LLVMValueRef start, LLVMValueRef stop, LLVMValueRef step) {
    bool fl = vt == ty_float64;
    LLVMValueRef n = fl ? arange_length_float(L, start, stop, step) : arange_length_int(L, start, stop, step);
    LLVMValueRef arr = cg_alloc_array(L, rt, &n);
    FillEnv F = {.t = rt, .arr = arr, .vt = vt, .kind = 2, .a0 = start, .a1 = step};
    cg_loop_nest(L, 1, &n, fill_body, &F);
    return arr;
}

LLVMValueRef cg_numpy_call(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *rt = ci->ret;
    int bid = ci->builtin;
    LLVMValueRef shape[64];
    bool given[8] = {0};
    for (int i = 0; i < ci->nparams && i < 8; i++) given[i] = ci->argmap[i] >= 0 && types[i]->kind != TY_NONE;
    switch (ci->ufmethod) {
    case UF_REDUCE: case UF_ACCUMULATE: return cg_reduction(L, ci, in, args, types);
    case UF_OUTER: return ufunc_outer(L, ci, args, types);
    case UF_AT: ufunc_at(L, ci, args, types); return LLVMConstInt(L->i8, 0, 0);
    }
    if (bid < BI_COUNT && (ti_is_ufunc(bid) || bid == BI_NP_WHERE || bid == BI_NP_CLIP)) {
        if (rt->kind == TY_ARRAY) return cg_array_expr(L, in);
        return cg_ufunc_call_scalar(L, in, ci, args, types);
    }
    switch (bid) {
    case METHOD_DTYPE_CONVERT: {
        /* narrow through the element type: np.int8(300) wraps, np.float32 rounds (an int once) */
        LLVMValueRef slot = cg_entry_alloca(L, L->c128, "conv");
        cg_store_elem(L, ci->dtype, slot, args[0], types[0]);
        return cg_load_elem(L, ci->dtype, slot);
    }
    case METHOD_FILL:
        cg_assign_array(L, types[0], args[0], types[1], args[1]);
        return LLVMConstInt(L->i8, 0, 0);
    case METHOD_ITEM: {
        int n = 0;   /* the indices given */
        while (n + 1 < ci->nparams && ci->argmap[n + 1] >= 0) n++;
        return array_item(L, types[0], args[0], n, args + 1, types + 1);
    }
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
    case METHOD_VIEW: {   /* the last axis holds as many bytes as before, in items of the new size */
        const Type *at = types[0];
        int nd = at->ndim, from = ty_dtypes[at->dtype].size, to = ty_dtypes[rt->dtype].size;
        LLVMValueRef strides[64];
        for (int k = 0; k < nd; k++) {
            shape[k] = cg_arr_shape(L, args[0], k);
            strides[k] = cg_arr_stride(L, at, args[0], k);
        }
        if (from != to) {
            LLVMValueRef n = shape[nd - 1], bytes = LLVMBuildMul(L->b, n, i64c(L, from), "");
            LLVMValueRef strided = LLVMBuildAnd(L->b, LLVMBuildICmp(L->b, LLVMIntNE, strides[nd - 1], i64c(L, from), ""),
                                                LLVMBuildICmp(L->b, LLVMIntNE, n, i64c(L, 1), ""), "");
            cg_raise_if(L, strided, "builtins:ValueError", "To change to a dtype of a different size, the last axis must be contiguous");
            if (to > from)
                cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntNE, LLVMBuildURem(L->b, bytes, i64c(L, to), ""), i64c(L, 0), ""),
                            "builtins:ValueError", "When changing to a larger dtype, its size must be a divisor of the total size "
                            "in bytes of the last axis of the array.");
            shape[nd - 1] = LLVMBuildUDiv(L->b, bytes, i64c(L, to), "");
            strides[nd - 1] = i64c(L, to);
        }
        return cg_make_array(L, rt, cg_arr_meminfo(L, args[0]), LLVMBuildExtractValue(L->b, args[0], 1, ""), cg_arr_data(L, args[0]),
                             shape, strides);
    }
    case METHOD_ASTYPE: case BI_NP_COPY:
        return cg_copy_array(L, types[0], args[0], rt);
    case BI_NP_AS_STRIDED: {   /* x's data, meminfo and parent, the shape and strides given (ints: i64s) */
        LLVMValueRef strides[64];
        shape_values(L, types[1], args[1], shape);
        shape_values(L, types[2], args[2], strides);
        return cg_make_array(L, rt, cg_arr_meminfo(L, args[0]), LLVMBuildExtractValue(L->b, args[0], 1, ""),
                             cg_arr_data(L, args[0]), shape, strides);
    }
    case BI_NP_ASCONTIG:
        if (rt == types[0]) return args[0];
        if (types[0]->kind != TY_ARRAY || types[0]->ndim == 0) {   /* a number or a 0-d array: shape (1,) */
            shape[0] = i64c(L, 1);
            if (types[0]->kind == TY_ARRAY) args[0] = cg_elem_of_0d(L, &types[0], args[0]);
            return new_filled(L, rt, shape, args[0], types[0]);
        }
        return cg_copy_array(L, types[0], args[0], rt);
    case BI_NP_ARRAY:
        if (types[0]->kind == TY_ARRAY) return cg_copy_array(L, types[0], args[0], rt);
        if (rt->ndim == 0) return new_filled(L, rt, shape, args[0], types[0]);   /* of a number */
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
        if (rt->kind == TY_RECARRAY)   /* np.empty or np.zeros of a structured dtype (a string array's: empty strings) */
            return bid == BI_NP_ZEROS || ty_is_chars(rt->rec) ? cg_alloc_zeroed(L, rt, shape) : cg_alloc_array(L, rt, shape);
        if (bid == BI_NP_EMPTY || bid == BI_NP_NDARRAY) return new_filled(L, rt, shape, NULL, NULL);
        return new_filled(L, rt, shape, bid == BI_NP_ONES ? LLVMConstInt(L->i1, 1, 0) : LLVMConstInt(L->i1, 0, 0), ty_bool);
    }
    case BI_NP_FULL:
        shape_values(L, types[0], args[0], shape);
        return new_filled(L, rt, shape, args[1], types[1]);
    case BI_NP_EMPTY_LIKE: case BI_NP_ZEROS_LIKE: case BI_NP_ONES_LIKE: case BI_NP_FULL_LIKE:
        for (int k = 0; k < rt->ndim; k++) shape[k] = cg_arr_shape(L, args[0], k);
        if (rt->kind == TY_RECARRAY)   /* np.empty_like or np.zeros_like of a structured array (a string array's:
                                        * empty strings) */
            return bid == BI_NP_ZEROS_LIKE || ty_is_chars(rt->rec) ? cg_alloc_zeroed(L, rt, shape) : cg_alloc_array(L, rt, shape);
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
        return cg_arange(L, rt, vt, start, stop, step);
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
        if (ci->nparams > 1 && (ci->argmap[1] == -2 || (ci->argmap[1] >= 0 && ci->params[1]->kind != TY_NONE))) {   /* explicit axes */
            LLVMTypeRef dims = LLVMArrayType2(L->i64, (unsigned long long)nd);
            LLVMValueRef sh = cg_entry_alloca(L, dims, "shape"), st = cg_entry_alloca(L, dims, "strides");
            LLVMBuildStore(L->b, LLVMBuildExtractValue(L->b, args[0], 3, ""), sh);
            LLVMBuildStore(L->b, LLVMBuildExtractValue(L->b, args[0], 4, ""), st);
            LLVMValueRef seen = i64c(L, 0);   /* a bit per axis taken: each once, as NumPy checks */
            for (int k = 0; k < nd; k++) {
                LLVMValueRef ax = ci->argmap[1] == -2 ? cg_cast(L, L->vals[in->args[1 + k]], L->ti->vtypes[in->args[1 + k]], ty_int64)
                                                      : LLVMBuildExtractValue(L->b, args[1], (unsigned)k, "");
                ax = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, ax, i64c(L, 0), ""), LLVMBuildAdd(L->b, ax, i64c(L, nd), ""), ax, "");
                cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntUGE, ax, i64c(L, nd), ""), "numpy.exceptions:AxisError", "axis out of bounds in transpose");
                LLVMValueRef bit = LLVMBuildShl(L->b, i64c(L, 1), ax, "");
                cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntNE, LLVMBuildAnd(L->b, seen, bit, ""), i64c(L, 0), ""),
                            "builtins:ValueError", "repeated axis in transpose");
                seen = LLVMBuildOr(L->b, seen, bit, "");
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
        return cg_reduction(L, ci, in, args, types);
    case BI_NP_AVERAGE:
        return cg_average(L, ci, in, args, types);
    case BI_NP_DIVMOD: case BI_NP_FREXP: case BI_NP_MODF: {   /* each output as its own ufunc over the operands */
        bool dm = bid == BI_NP_DIVMOD, mf = bid == BI_NP_MODF;
        int bids[2] = {dm ? BI_NP_FLOOR_DIVIDE : bid, dm ? BI_NP_REMAINDER : mf ? BI_NP_TRUNC : BI_NP_FREXP};
        int dts[2] = {ci->dtype, dm || mf ? ci->dtype : DT_INT32};
        LLVMValueRef t = LLVMGetUndef(cg_type(L, rt));
        for (int k = 0; k < (dm ? 2 : 1); k++)   /* a 0-d array operand: its element (the results are numbers) */
            if (rt->elems[0]->kind != TY_ARRAY && types[k]->kind == TY_ARRAY) args[k] = cg_elem_of_0d(L, &types[k], args[k]);
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
    if (bid == BI_NP_FINFO || bid == BI_NP_IINFO || bid == BI_NP_DTYPE) return LLVMGetUndef(cg_type(L, rt));   /* read at compile time */
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
