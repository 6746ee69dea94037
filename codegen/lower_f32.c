/* lower_f32.c: float32 and complex64 at their own width in array expressions and ufuncs.
 *
 * Values flow through lowering as canonical scalars (float64, complex128: types.h), but NumPy's
 * loops compute a float32 result in float32, and a Python scalar meeting a float32 array is
 * converted to float32 first (NumPy 2, NEP 50: `a32 * 0.1` multiplies by float32(0.1)). So a
 * node of an array expression whose dtype is float32 or complex64 rounds its operands to that
 * width (cg_f32_round) and its result too:
 *
 *   a32 * b32 + c32      fptrunc(fadd(fpext(fptrunc(fmul(fpext a, fpext b))), fpext c))
 *                        --InstCombine-->  fadd float (fmul float a, b), c
 *
 * For + - * / and sqrt, the float64 result of two float32 operands rounded to float32 is the
 * correctly rounded float32 result (53 >= 2 * 24 + 2 bits: the double rounding is innocuous),
 * so the values are NumPy's bit for bit, and LLVM narrows every such fptrunc-of-op-of-fpext to
 * the float operation: the loop runs on <16 x float> where float64 runs on <8 x double>. Maths
 * functions call their float variants (cg_f32_call: expf, llvm.exp.f32, ...), each call naming
 * libmvec's 8- and 16-lane float functions for the loop vectoriser (add_vector_variants), and
 * complex64 multiplies as NumPy's loop does (cg_c64_mul).
 */
#include "lower.h"
#include "loader.h"
#include <dlfcn.h>
#include <math.h>
#include <string.h>

static LLVMTypeRef f32_type(Lower *L) { return LLVMFloatTypeInContext(L->c); }

static LLVMValueRef through_f32(Lower *L, LLVMValueRef v) {
    return LLVMBuildFPExt(L->b, LLVMBuildFPTrunc(L->b, v, f32_type(L), ""), L->f64, "");
}

/* Scalars: typeinfer/facts.c marks the float values Numba types float32 (a32[i] * b32[i],
 * math.sqrt(x) of such x). lower.c rounds each marked operation's result (cg_f32_narrow), which
 * by the argument above is the float32 operation's result bit for bit, and InstCombine narrows
 * the chain to float instructions; maths calls take their float variants (cg_f32_call). */
bool cg_f32_scalar(Lower *L, const Instr *in) { return L->ti->f32 && L->ti->f32[in->id]; }

LLVMValueRef cg_f32_narrow(Lower *L, LLVMValueRef v) { return through_f32(L, v); }

bool cg_c64_scalar(Lower *L, const Instr *in) { return L->ti->c64 && L->ti->c64[in->id]; }

LLVMValueRef cg_c64_narrow(Lower *L, LLVMValueRef v) {
    for (unsigned k = 0; k < 2; k++)
        v = LLVMBuildInsertValue(L->b, v, through_f32(L, LLVMBuildExtractValue(L->b, v, k, "")), k, "");
    return v;
}

bool cg_is_narrow_float(int dt) { return dt == DT_FLOAT32 || dt == DT_COMPLEX64; }

/* v, a canonical scalar of type *t, as a value of dtype dt's width, widened back: float32 and
 * complex64 round it (an int converts to float32 once, as NumPy converts a Python int, and *t
 * becomes float64); every other dtype keeps v. */
LLVMValueRef cg_f32_round(Lower *L, LLVMValueRef v, const Type **t, int dt) {
    if (!cg_is_narrow_float(dt)) return v;
    if (*t == ty_float64) return through_f32(L, v);
    if (*t == ty_int64 || *t == ty_uint64) {
        LLVMValueRef f = *t == ty_int64 ? LLVMBuildSIToFP(L->b, v, f32_type(L), "") : LLVMBuildUIToFP(L->b, v, f32_type(L), "");
        *t = ty_float64;
        return LLVMBuildFPExt(L->b, f, L->f64, "");
    }
    if (*t == ty_complex128) {
        for (unsigned k = 0; k < 2; k++)
            v = LLVMBuildInsertValue(L->b, v, through_f32(L, LLVMBuildExtractValue(L->b, v, k, "")), k, "");
    }
    return v;   /* bool: exact in every float */
}

/* A feature ("+avx512f") in an LLVM feature list, matched as a whole item of the list. */
bool cg_feature_in(const char *features, const char *feat) {
    size_t n = strlen(feat);
    for (const char *p = features; p && (p = strstr(p, feat)); p += n)
        if ((p == features || p[-1] == ',') && (p[n] == ',' || p[n] == 0)) return true;
    return false;
}

/* A target feature of L's target. */
bool cg_has_feature(Lower *L, const char *feat) { return cg_feature_in(L->features, feat); }


/* Keeps declaration f to the vectoriser: an unused declaration is dropped before it runs (LLVM
 * keeps the ones its own table adds the same way, in llvm.compiler.used). */
static void keep_declaration(Lower *L, LLVMValueRef f) {
    LLVMValueRef old = LLVMGetNamedGlobal(L->m, "llvm.compiler.used"), items[64];
    unsigned n = 0;
    if (old) {
        LLVMValueRef init = LLVMGetInitializer(old);
        n = (unsigned)LLVMGetNumOperands(init);
        if (n >= 63) return;
        for (unsigned k = 0; k < n; k++) items[k] = LLVMGetOperand(init, k);
        LLVMDeleteGlobal(old);
    }
    items[n++] = f;
    LLVMValueRef g = LLVMAddGlobal(L->m, LLVMArrayType(L->ptr, n), "llvm.compiler.used");
    LLVMSetInitializer(g, LLVMConstArray(L->ptr, items, n));
    LLVMSetLinkage(g, LLVMAppendingLinkage);
    LLVMSetSection(g, "llvm.metadata");
}

/* Names glibc's vector maths (libmvec, x86-64 vector ABI: d = AVX2 on 8 floats, e = AVX-512 on
 * 16) on a float maths call, as its "vector-function-abi-variant" attribute, so the loop
 * vectoriser may call them at the widths the target has. LLVM's own table
 * (-vector-library=LIBMVEC-X86, jit.c) knows only 4 and 8 floats of exp, log, sin, cos, tan and
 * pow; libmvec has 16 and many more (tanhf, expm1f, atan2f, ...). A variant is named only where
 * the target has its ISA and libmvec defines it: the loader resolves it there. */
static void add_vector_variants(Lower *L, LLVMValueRef call, const char *callee, const char *libm, int n, LLVMTypeRef et) {
    int per = et == L->f64 ? 1 : 2;   /* doubles: 4 lanes on AVX2, 8 on AVX-512; floats twice that */
    struct { char isa; int lanes; const char *feature; } isas[] = {{'d', 4 * per, "+avx2"}, {'e', 8 * per, "+avx512f"}};
    void *mvec = dlopen(RT_LIBMVEC, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);   /* jit.c loaded it, if it exists */
    char list[512] = "", vname[64];
    size_t used = 0;
    for (size_t i = 0; i < sizeof isas / sizeof isas[0] && mvec; i++) {
        snprintf(vname, sizeof vname, "_ZGV%cN%d%s_%s", isas[i].isa, isas[i].lanes, n == 1 ? "v" : "vv", libm);
        if (!cg_has_feature(L, isas[i].feature) || !dlsym(mvec, vname)) continue;
        LLVMTypeRef vt = LLVMVectorType(et, (unsigned)isas[i].lanes), pt[2] = {vt, vt};
        if (!LLVMGetNamedFunction(L->m, vname)) keep_declaration(L, LLVMAddFunction(L->m, vname, LLVMFunctionType(vt, pt, (unsigned)n, 0)));
        used += (size_t)snprintf(list + used, sizeof list - used, "%s_ZGV_LLVM_N%d%s_%s(%s)", used ? "," : "",
                                 isas[i].lanes, n == 1 ? "v" : "vv", callee, vname);
        if (used >= sizeof list) break;
    }
    if (mvec) dlclose(mvec);
    if (!used || used >= sizeof list) return;
    static const char key[] = "vector-function-abi-variant";
    LLVMAddCallSiteAttribute(call, LLVMAttributeFunctionIndex,
                             LLVMCreateStringAttribute(L->c, key, sizeof key - 1, list, (unsigned)used));
}

/* The float variant of the float64 maths function name64 ("llvm.exp.f64" -> "llvm.exp.f32",
 * "tanh" -> "tanhf") on float64 arguments holding float32 values; the result widened back. */
/* hypotf(x, y) of float32 values (held as doubles) as glibc computes it, which NumPy's float32
 * np.hypot calls: inf when either is infinite (even with a NaN), else the float of
 * sqrt(x*x + y*y) in double, whose squares are exact. Inline, so a loop vectorises; libmvec's
 * hypotf gave other last bits for 15% of arguments. */
static LLVMValueRef hypotf_of(Lower *L, LLVMValueRef x, LLVMValueRef y) {
    LLVMValueRef inf = LLVMConstReal(L->f64, INFINITY);
    LLVMValueRef either = LLVMBuildOr(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, cg_intrinsic1(L, "llvm.fabs.f64", x), inf, ""),
                                      LLVMBuildFCmp(L->b, LLVMRealOEQ, cg_intrinsic1(L, "llvm.fabs.f64", y), inf, ""), "");
    LLVMValueRef s = LLVMBuildFAdd(L->b, LLVMBuildFMul(L->b, x, x, ""), LLVMBuildFMul(L->b, y, y, ""), "");
    LLVMValueRef r = LLVMBuildFPTrunc(L->b, cg_intrinsic1(L, "llvm.sqrt.f64", s), f32_type(L), "");
    return LLVMBuildSelect(L->b, either, inf, LLVMBuildFPExt(L->b, r, L->f64, ""), "");
}

LLVMValueRef cg_f32_call(Lower *L, const char *name64, LLVMValueRef *x, int n) {
    if (!strcmp(name64, "hypot") && n == 2) return hypotf_of(L, x[0], x[1]);
    char name[64], libm[64];
    size_t len = strlen(name64);
    if (len > 4 && !strcmp(name64 + len - 4, ".f64")) {   /* an intrinsic: llvm.exp.f64 */
        snprintf(name, sizeof name, "%.*s.f32", (int)(len - 4), name64);
        snprintf(libm, sizeof libm, "%.*sf", (int)(len - 9), name64 + 5);
    } else {
        snprintf(name, sizeof name, "%sf", name64);
        snprintf(libm, sizeof libm, "%sf", name64);
    }
    LLVMTypeRef pt[4];
    LLVMValueRef a[4];
    for (int k = 0; k < n && k < 4; k++) {
        pt[k] = f32_type(L);
        a[k] = LLVMBuildFPTrunc(L->b, x[k], f32_type(L), "");
    }
    LLVMValueRef r = cg_call(L, name, f32_type(L), pt, a, n);
    cg_mark_pure(L, r);
    if (strcmp(libm, "sqrtf") && n <= 2) add_vector_variants(L, r, name, libm, n, f32_type(L));   /* sqrt is an instruction */
    return LLVMBuildFPExt(L->b, r, L->f64, "");
}

/* A float64 maths call naming libmvec's double variants, so a loop over it vectorises at the
 * target's width: a libm function (tanh, log1p, atan2, ...) also marked pure (it stayed scalar:
 * 2.2 to 30 ms for 10^5 tanh); an intrinsic ("llvm.exp.f64") too, LLVM's own table knowing only
 * 4 doubles (on AVX-512, np.exp ran 4 lanes a call: 1.6x slower than 8). */
LLVMValueRef cg_math_call(Lower *L, const char *name, LLVMValueRef *x, int n) {
    LLVMTypeRef pt[2] = {L->f64, L->f64};
    LLVMValueRef r = cg_call(L, name, L->f64, pt, x, n);
    size_t len = strlen(name);
    if (n > 2) return r;
    if (strncmp(name, "llvm.", 5)) {
        cg_mark_pure(L, r);
        add_vector_variants(L, r, name, name, n, L->f64);
    } else if (len > 9 && len < 64 && !strcmp(name + len - 4, ".f64")) {   /* llvm.exp.f64: exp */
        char libm[64];
        snprintf(libm, sizeof libm, "%.*s", (int)(len - 9), name + 5);
        add_vector_variants(L, r, name, libm, n, L->f64);
    }
    return r;
}

/* z * w of complex64 values (held as complex128), as NumPy's complex64 loop multiplies: in
 * float, each part one fused multiply-add where the target has FMA (NumPy's SIMD loops do),
 * re = fma(zr, wr, -(zi * wi)), im = fma(zr, wi, zi * wr); with fused false, as its scalar loop
 * does (the one reductions and accumulations run: np.prod, np.cumprod), every product rounded. */
static LLVMValueRef c64_mul(Lower *L, LLVMValueRef z, LLVMValueRef w, bool fused) {
    LLVMTypeRef f = f32_type(L), pt[3] = {f, f, f};
    LLVMValueRef p[4];
    for (unsigned k = 0; k < 4; k++)
        p[k] = LLVMBuildFPTrunc(L->b, LLVMBuildExtractValue(L->b, k < 2 ? z : w, k % 2, ""), f, "");
    LLVMValueRef zr = p[0], zi = p[1], wr = p[2], wi = p[3], re, im;
    if (fused && cg_has_feature(L, "+fma")) {
        LLVMValueRef a[3] = {zr, wr, LLVMBuildFNeg(L->b, LLVMBuildFMul(L->b, zi, wi, ""), "")};
        re = cg_call(L, "llvm.fma.f32", f, pt, a, 3);
        LLVMValueRef b[3] = {zr, wi, LLVMBuildFMul(L->b, zi, wr, "")};
        im = cg_call(L, "llvm.fma.f32", f, pt, b, 3);
    } else {
        re = LLVMBuildFSub(L->b, LLVMBuildFMul(L->b, zr, wr, ""), LLVMBuildFMul(L->b, zi, wi, ""), "");
        im = LLVMBuildFAdd(L->b, LLVMBuildFMul(L->b, zr, wi, ""), LLVMBuildFMul(L->b, zi, wr, ""), "");
    }
    LLVMValueRef v = LLVMGetUndef(L->c128);
    v = LLVMBuildInsertValue(L->b, v, LLVMBuildFPExt(L->b, re, L->f64, ""), 0, "");
    return LLVMBuildInsertValue(L->b, v, LLVMBuildFPExt(L->b, im, L->f64, ""), 1, "");
}

LLVMValueRef cg_c64_mul(Lower *L, LLVMValueRef z, LLVMValueRef w) { return c64_mul(L, z, w, true); }

LLVMValueRef cg_c64_mul_scalar(Lower *L, LLVMValueRef z, LLVMValueRef w) { return c64_mul(L, z, w, false); }

/* np.abs of a complex64 (held as complex128) as NumPy's vector loop computes it on x86-64: in
 * float, an infinite part makes both infinite and then a NaN part both NaN; with l the larger
 * part and s the smaller, r = s / l (0 where l is 0 or s infinite), |z| = sqrt(fma(r, r, 1)) * l.
 * (libm's hypotf rounds differently in about a third of cases.) */
LLVMValueRef cg_c64_abs(Lower *L, LLVMValueRef z) {
    LLVMTypeRef f = f32_type(L), pt[3] = {f, f, f};
    LLVMValueRef inf = LLVMConstReal(f, INFINITY), nan = LLVMConstReal(f, NAN), zero = LLVMConstReal(f, 0), one = LLVMConstReal(f, 1);
    LLVMValueRef re = LLVMBuildFPTrunc(L->b, LLVMBuildExtractValue(L->b, z, 0, ""), f, "");
    LLVMValueRef im = LLVMBuildFPTrunc(L->b, LLVMBuildExtractValue(L->b, z, 1, ""), f, "");
    re = cg_call(L, "llvm.fabs.f32", f, pt, &re, 1);
    im = cg_call(L, "llvm.fabs.f32", f, pt, &im, 1);
    LLVMValueRef re_inf = LLVMBuildFCmp(L->b, LLVMRealOEQ, re, inf, ""), im_inf = LLVMBuildFCmp(L->b, LLVMRealOEQ, im, inf, "");
    im = LLVMBuildSelect(L->b, re_inf, inf, im, "");
    re = LLVMBuildSelect(L->b, im_inf, inf, re, "");
    LLVMValueRef re_nan = LLVMBuildFCmp(L->b, LLVMRealUNO, re, re, ""), im_nan = LLVMBuildFCmp(L->b, LLVMRealUNO, im, im, "");
    im = LLVMBuildSelect(L->b, re_nan, nan, im, "");
    re = LLVMBuildSelect(L->b, im_nan, nan, re, "");
    LLVMValueRef re_big = LLVMBuildFCmp(L->b, LLVMRealOGT, re, im, "");
    LLVMValueRef larger = LLVMBuildSelect(L->b, re_big, re, im, ""), smaller = LLVMBuildSelect(L->b, re_big, im, re, "");
    LLVMValueRef skip = LLVMBuildOr(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, larger, zero, ""),
                                    LLVMBuildFCmp(L->b, LLVMRealOEQ, smaller, inf, ""), "");
    LLVMValueRef ratio = LLVMBuildSelect(L->b, skip, zero, LLVMBuildFDiv(L->b, smaller, larger, ""), "");
    LLVMValueRef a[3] = {ratio, ratio, one};
    LLVMValueRef h = cg_call(L, "llvm.sqrt.f32", f, pt, (LLVMValueRef[1]){cg_call(L, "llvm.fma.f32", f, pt, a, 3)}, 1);
    return LLVMBuildFPExt(L->b, LLVMBuildFMul(L->b, h, larger, ""), L->f64, "");
}

/* Whether b is the constant complex n + 0j. */
bool cg_is_const_complex(LLVMValueRef b, double n) {
    if (!LLVMIsAConstant(b) || LLVMGetTypeKind(LLVMTypeOf(b)) != LLVMStructTypeKind) return false;
    LLVMValueRef re = LLVMGetAggregateElement(b, 0), im = LLVMGetAggregateElement(b, 1);
    LLVMBool lost;
    return re && im && LLVMIsAConstantFP(re) && LLVMIsAConstantFP(im) && LLVMConstRealGetDouble(re, &lost) == n &&
           LLVMConstRealGetDouble(im, &lost) == 0;
}

/* np.exp of a complex64 (held as complex128) as glibc's cexpf, which NumPy's complex64 loop
 * calls, but inline, so a loop vectorises (expf, sinf, cosf on libmvec there, within 4 ulp;
 * scalar code calls libm's and matches cexpf bit for bit). For finite x: e^x (cos y, sin y) in
 * float, where |y| <= FLT_MIN takes sin y = y and cos y = 1, and x above 88 scales cos and sin
 * by e^88 once or twice first (beyond, FLT_MAX times them). Infinite x: (v, y) for y == 0, v =
 * inf for +inf and 0 for -inf; (v cos y, v sin y)'s signs for finite y; (inf, nan) or (0, +-0)
 * otherwise. NaN x: (nan, y) for y == 0, else NaN. Each case a select. */
LLVMValueRef cg_c64_exp(Lower *L, LLVMValueRef z) {
    LLVMTypeRef f = f32_type(L), pt[2] = {f, f};
    LLVMValueRef x = LLVMBuildFPTrunc(L->b, LLVMBuildExtractValue(L->b, z, 0, ""), f, "");
    LLVMValueRef y = LLVMBuildFPTrunc(L->b, LLVMBuildExtractValue(L->b, z, 1, ""), f, "");
    LLVMValueRef zero = LLVMConstReal(f, 0), inf = LLVMConstReal(f, INFINITY), t = LLVMConstReal(f, 88);
    LLVMValueRef et = LLVMConstReal(f, (float)exp(88.0));
    LLVMValueRef yd = LLVMBuildFPExt(L->b, y, L->f64, "");
    LLVMValueRef sn = LLVMBuildFPTrunc(L->b, cg_f32_call(L, "llvm.sin.f64", &yd, 1), f, "");
    LLVMValueRef cs = LLVMBuildFPTrunc(L->b, cg_f32_call(L, "llvm.cos.f64", &yd, 1), f, "");
    LLVMValueRef ax = cg_call(L, "llvm.fabs.f32", f, pt, &x, 1), ay = cg_call(L, "llvm.fabs.f32", f, pt, &y, 1);
    LLVMValueRef tiny = LLVMBuildFCmp(L->b, LLVMRealOLE, ay, LLVMConstReal(f, 0x1p-126), "");
    sn = LLVMBuildSelect(L->b, tiny, y, sn, "");
    cs = LLVMBuildSelect(L->b, tiny, LLVMConstReal(f, 1), cs, "");
    LLVMValueRef sn0 = sn, cs0 = cs, xs = x;
    for (int k = 0; k < 2; k++) {   /* x > 88: x - 88, cos and sin times e^88 */
        LLVMValueRef big = LLVMBuildFCmp(L->b, LLVMRealOGT, xs, t, "");
        xs = LLVMBuildSelect(L->b, big, LLVMBuildFSub(L->b, xs, t, ""), xs, "");
        sn = LLVMBuildSelect(L->b, big, LLVMBuildFMul(L->b, sn, et, ""), sn, "");
        cs = LLVMBuildSelect(L->b, big, LLVMBuildFMul(L->b, cs, et, ""), cs, "");
    }
    LLVMValueRef ovf = LLVMBuildFCmp(L->b, LLVMRealOGT, xs, t, "");
    LLVMValueRef xd = LLVMBuildFPExt(L->b, xs, L->f64, "");
    LLVMValueRef m = LLVMBuildFPTrunc(L->b, cg_f32_call(L, "llvm.exp.f64", &xd, 1), f, "");
    m = LLVMBuildSelect(L->b, ovf, LLVMConstReal(f, 0x1.fffffep127), m, "");
    LLVMValueRef re = LLVMBuildFMul(L->b, m, cs, ""), im = LLVMBuildFMul(L->b, m, sn, "");
    /* infinite x */
    LLVMValueRef xinf = LLVMBuildFCmp(L->b, LLVMRealOEQ, ax, inf, ""), pos = LLVMBuildFCmp(L->b, LLVMRealOGT, x, zero, "");
    LLVMValueRef yfin = LLVMBuildFCmp(L->b, LLVMRealOLT, ay, inf, ""), y0 = LLVMBuildFCmp(L->b, LLVMRealOEQ, y, zero, "");
    LLVMValueRef v = LLVMBuildSelect(L->b, pos, inf, zero, "");
    LLVMValueRef c1[2] = {v, cs0}, c2[2] = {v, sn0}, c3[2] = {zero, y};
    LLVMValueRef fin_re = cg_call(L, "llvm.copysign.f32", f, pt, c1, 2), fin_im = cg_call(L, "llvm.copysign.f32", f, pt, c2, 2);
    fin_re = LLVMBuildSelect(L->b, y0, v, fin_re, "");
    fin_im = LLVMBuildSelect(L->b, y0, y, fin_im, "");
    LLVMValueRef bad_re = v, bad_im = LLVMBuildSelect(L->b, pos, LLVMConstReal(f, NAN), cg_call(L, "llvm.copysign.f32", f, pt, c3, 2), "");
    re = LLVMBuildSelect(L->b, xinf, LLVMBuildSelect(L->b, yfin, fin_re, bad_re, ""), re, "");
    im = LLVMBuildSelect(L->b, xinf, LLVMBuildSelect(L->b, yfin, fin_im, bad_im, ""), im, "");
    /* NaN x with y == 0 keeps y */
    LLVMValueRef xnan_y0 = LLVMBuildAnd(L->b, LLVMBuildFCmp(L->b, LLVMRealUNO, x, x, ""), y0, "");
    im = LLVMBuildSelect(L->b, xnan_y0, y, im, "");
    LLVMValueRef r = LLVMGetUndef(L->c128);
    r = LLVMBuildInsertValue(L->b, r, LLVMBuildFPExt(L->b, re, L->f64, ""), 0, "");
    return LLVMBuildInsertValue(L->b, r, LLVMBuildFPExt(L->b, im, L->f64, ""), 1, "");
}

/* ---- float32 and complex64 variables in float slots ------------------------------------- *
 * A float32 scalar variable (s = a32[i]; s += x32[j] * w32[j]) lives in a double slot, each value
 * stored into it a float widened (fpext) or a constant a float holds exactly. After SROA its
 * value across a loop is a double phi: the body narrows to float arithmetic, but each trip
 * widens the result and narrows it back (cvtss2sd, cvtsd2ss), two conversions on the add's
 * dependence chain: a float32 dot product ran 4x slower than float64's. InstCombine folds a phi
 * of widenings only where every incoming value is one, not through the phis of nested loops. So
 * before optimisation such a slot becomes a float slot: a store stores the float, a load widens
 * what it loads. The slot only ever held values a float holds exactly, so every load gives the
 * same double as before.
 *
 * A complex64 variable (acc += x64[t] * w64[t]) lives in a { double, double } slot, each value
 * stored into it built part by part (insertvalue) of such doubles: the same, part by part, into a
 * { float, float } slot. Where the variable is also read after the loop the widened value has
 * two uses and InstCombine kept the double phis even of a single loop: a complex64 dot product
 * ran 3x numba's. */
static bool float_valued(LLVMValueRef v, LLVMTypeRef f32) {
    if (LLVMIsAFPExtInst(v)) return LLVMTypeOf(LLVMGetOperand(v, 0)) == f32;
    if (LLVMIsUndef(v) || LLVMIsPoison(v)) return true;
    if (!LLVMIsAConstantFP(v)) return false;
    LLVMBool loses;
    double d = LLVMConstRealGetDouble(v, &loses);
    return !loses && !isnan(d) && (double)(float)d == d;
}

static LLVMValueRef as_float(LLVMValueRef v, LLVMTypeRef f32) {
    if (LLVMIsAFPExtInst(v)) return LLVMGetOperand(v, 0);
    if (LLVMIsUndef(v) || LLVMIsPoison(v)) return LLVMGetUndef(f32);
    LLVMBool loses;
    return LLVMConstReal(f32, (float)LLVMConstRealGetDouble(v, &loses));
}

/* Part k of a { double, double } value built by insertvalue from a constant, or NULL. */
static LLVMValueRef part_of(LLVMValueRef v, unsigned k) {
    while (LLVMIsAInsertValueInst(v)) {
        if (LLVMGetNumIndices(v) == 1 && LLVMGetIndices(v)[0] == k) return LLVMGetOperand(v, 1);
        v = LLVMGetOperand(v, 0);
    }
    return LLVMIsConstant(v) ? LLVMGetAggregateElement(v, k) : NULL;
}

static bool is_pair(LLVMTypeRef t, LLVMTypeRef f64) {
    return LLVMGetTypeKind(t) == LLVMStructTypeKind && LLVMCountStructElementTypes(t) == 2 &&
           LLVMStructGetTypeAtIndex(t, 0) == f64 && LLVMStructGetTypeAtIndex(t, 1) == f64;
}

static bool stored_float_valued(LLVMValueRef v, LLVMTypeRef f64, LLVMTypeRef f32) {
    if (LLVMTypeOf(v) == f64) return float_valued(v, f32);
    for (unsigned k = 0; k < 2; k++) {
        LLVMValueRef x = part_of(v, k);
        if (!x || !float_valued(x, f32)) return false;
    }
    return true;
}

static bool float_slot(LLVMValueRef a, LLVMTypeRef f64, LLVMTypeRef f32) {
    LLVMTypeRef t = LLVMGetAllocatedType(a);
    if (t != f64 && !is_pair(t, f64)) return false;
    for (LLVMUseRef u = LLVMGetFirstUse(a); u; u = LLVMGetNextUse(u)) {
        LLVMValueRef i = LLVMGetUser(u);
        if (LLVMIsALoadInst(i) && !LLVMGetVolatile(i) && LLVMTypeOf(i) == t) continue;
        if (LLVMIsAStoreInst(i) && !LLVMGetVolatile(i) && LLVMGetOperand(i, 1) == a &&
            stored_float_valued(LLVMGetOperand(i, 0), f64, f32))
            continue;
        return false;
    }
    return true;
}

static void narrow_slot(LLVMBuilderRef b, LLVMValueRef a, LLVMTypeRef f64, LLVMTypeRef f32) {
    LLVMTypeRef wide = LLVMGetAllocatedType(a), parts[2] = {f32, f32};
    bool pair = wide != f64;
    LLVMTypeRef narrow = pair ? LLVMStructTypeInContext(LLVMGetTypeContext(f32), parts, 2, 0) : f32;
    LLVMPositionBuilderBefore(b, a);
    LLVMValueRef slot = LLVMBuildAlloca(b, narrow, "f32slot");
    LLVMUseRef u;
    while ((u = LLVMGetFirstUse(a))) {
        LLVMValueRef i = LLVMGetUser(u);
        LLVMPositionBuilderBefore(b, i);
        if (LLVMIsAStoreInst(i)) {
            LLVMValueRef v = LLVMGetOperand(i, 0), x = LLVMGetUndef(narrow);
            if (!pair) x = as_float(v, f32);
            for (unsigned k = 0; pair && k < 2; k++)
                x = LLVMBuildInsertValue(b, x, as_float(part_of(v, k), f32), k, "");
            LLVMBuildStore(b, x, slot);
        } else {
            LLVMValueRef x = LLVMBuildLoad2(b, narrow, slot, ""), v = LLVMGetUndef(wide);
            if (!pair) v = LLVMBuildFPExt(b, x, f64, "");
            for (unsigned k = 0; pair && k < 2; k++)
                v = LLVMBuildInsertValue(b, v, LLVMBuildFPExt(b, LLVMBuildExtractValue(b, x, k, ""), f64, ""), k, "");
            LLVMReplaceAllUsesWith(i, v);
        }
        LLVMInstructionEraseFromParent(i);
    }
    LLVMInstructionEraseFromParent(a);
}

void cg_f32_narrow_slots(LLVMModuleRef m) {
    LLVMContextRef c = LLVMGetModuleContext(m);
    LLVMTypeRef f64 = LLVMDoubleTypeInContext(c), f32 = LLVMFloatTypeInContext(c);
    LLVMBuilderRef b = LLVMCreateBuilderInContext(c);
    for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f)) {
        if (!LLVMCountBasicBlocks(f)) continue;
        /* again while some slot narrows: a variable copied from another (s = t) stores what a
         * load of t gives, a widening only once t's slot is narrowed */
        for (bool again = true; again;) {
            again = false;
            LLVMValueRef i = LLVMGetFirstInstruction(LLVMGetEntryBasicBlock(f));
            while (i) {
                LLVMValueRef next = LLVMGetNextInstruction(i);
                if (LLVMIsAAllocaInst(i) && float_slot(i, f64, f32)) {
                    narrow_slot(b, i, f64, f32);
                    again = true;
                }
                i = next;
            }
        }
    }
    LLVMDisposeBuilder(b);
}
