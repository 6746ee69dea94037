/* lower_smallmm.c: small matrix products (a @ b, np.dot, np.matmul of m x k and k x n float or
 * complex operands, one product of a stack included) computed in generated code instead of a
 * BLAS call.
 *
 * A BLAS call costs ~100 ns of packing and dispatch before it multiplies anything; a stack of
 * 5000 3x3 @ 3x4 products is 5000 such calls, most of its time. Where m*k*n is at most
 * SMALL_MNK (SMALL_MNK_COMPLEX for complex; every dimension is below 1024, so the product cannot
 * overflow) the product is done here, chosen at run time per product; larger ones keep BLAS, and
 * so does a float64 one-row a or one-column b (NumPy's gemv and dot cases, as 1-d operands).
 *
 * Real dtypes, with the last axes of b and out contiguous: each row of out is cut into blocks of
 * one 512-bit vector (8 doubles, 16 floats; a mask covers the columns past n), and a block is
 *     acc = +0.0; for p in 0..k: acc = fmuladd(a[i, p], b[p, j0:j0+W], acc)
 * in the dtype's own width. That is the order and rounding of NumPy's own loop for products it
 * does not give to BLAS (matmul_inner_noblas, built with contraction into fused multiply-adds),
 * and, measured on this machine, of OpenBLAS's products with a short k (3x3 @ 3x4 and 8x8 @ 8x8
 * stacks are NumPy's bit for bit; with k = 30 OpenBLAS splits the sum and they differ by 7e-15). Complex dtypes, and real
 * ones with other strides, run the same sum one element at a time (complex: re += ar*br - ai*bi,
 * im += ar*bi + ai*br, unfused, as NumPy's noblas loop is written; NumPy's own build fuses some
 * of it and zgemm/cgemm order it their way, so complex results agree with NumPy's within a few
 * units in the last place, not bit for bit).
 */
#include "lower.h"

/* SMALL_MNK_COMPLEX: the complex loop is scalar, ~4-7 ns per multiply-add here, so it beats a
 * zgemm/cgemm call (~0.5-1 us) only up to ~100 of them (8x8 @ 8x8 was 1.6-3x slower) */
enum { SMALL_MNK = 512, SMALL_MNK_COMPLEX = 96, SMALL_DIM = 1024, VEC_BYTES = 64 };

static LLVMValueRef ld(Lower *L, LLVMTypeRef t, LLVMValueRef p) {
    LLVMValueRef v = LLVMBuildLoad2(L->b, t, p, "");
    LLVMSetAlignment(v, 1);   /* views of unaligned arrays reach here too */
    return v;
}

static void st(Lower *L, LLVMValueRef v, LLVMValueRef p) {
    LLVMSetAlignment(LLVMBuildStore(L->b, v, p), 1);
}

static LLVMValueRef mul(Lower *L, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildMul(L->b, a, b, ""); }

static LLVMValueRef splat(Lower *L, LLVMValueRef x, unsigned w) {
    LLVMTypeRef vt = LLVMVectorType(LLVMTypeOf(x), w);
    LLVMValueRef v = LLVMBuildInsertElement(L->b, LLVMGetUndef(vt), x, i64c(L, 0), "");
    return LLVMBuildShuffleVector(L->b, v, LLVMGetUndef(vt), LLVMConstNull(LLVMVectorType(L->i32, w)), "");
}

/* x * y + z, fused where the target has fused multiply-add (llvm.fmuladd: what C compilers make
 * of the same line, NumPy's loops included) */
static LLVMValueRef muladd(Lower *L, LLVMValueRef x, LLVMValueRef y, LLVMValueRef z) {
    LLVMTypeRef t = LLVMTypeOf(x);
    char name[40];
    bool vec = LLVMGetTypeKind(t) == LLVMVectorTypeKind;
    LLVMTypeRef et = vec ? LLVMGetElementType(t) : t;
    const char *e = LLVMGetTypeKind(et) == LLVMDoubleTypeKind ? "f64" : "f32";
    if (vec) snprintf(name, sizeof name, "llvm.fmuladd.v%u%s", LLVMGetVectorSize(t), e);
    else snprintf(name, sizeof name, "llvm.fmuladd.%s", e);
    LLVMTypeRef pt[3] = {t, t, t};
    LLVMValueRef args[3] = {x, y, z};
    return cg_call(L, name, t, pt, args, 3);
}

/* out[i, j0 : j0+W] for every row i and column block j0 (real dtypes, unit column steps) */
static void vector_rows(Lower *L, int dt, LLVMValueRef *ad, LLVMValueRef *bd, LLVMValueRef *od, LLVMValueRef m,
                        LLVMValueRef k, LLVMValueRef n) {
    unsigned size = (unsigned)ty_dtypes[dt].size, w = VEC_BYTES / size;
    LLVMTypeRef et = cg_elem_llvm(L, dt), vt = LLVMVectorType(et, w), mt = LLVMVectorType(L->i1, w);
    LLVMTypeRef pt[4] = {L->ptr, L->i32, mt, vt}, spt[4] = {vt, L->ptr, L->i32, mt};
    char lname[48], sname[48];
    snprintf(lname, sizeof lname, "llvm.masked.load.v%u%s.p0", w, size == 8 ? "f64" : "f32");
    snprintf(sname, sizeof sname, "llvm.masked.store.v%u%s.p0", w, size == 8 ? "f64" : "f32");
    LLVMValueRef lanes[16];
    for (unsigned q = 0; q < w; q++) lanes[q] = i64c(L, q);
    LLVMValueRef iota = LLVMConstVector(lanes, w), acc = cg_entry_alloca(L, vt, "mmacc");
    LLVMValueRef nblocks = LLVMBuildSDiv(L->b, LLVMBuildAdd(L->b, n, i64c(L, w - 1), ""), i64c(L, w), "");

    LoopCtx li, lj, lp;
    LLVMValueRef i = cg_loop_begin(L, &li, m);
    LLVMValueRef arow = cg_gep8(L, ad[0], mul(L, i, ad[1])), orow = cg_gep8(L, od[0], mul(L, i, od[1]));
    LLVMValueRef j0 = mul(L, cg_loop_begin(L, &lj, nblocks), i64c(L, w));
    LLVMValueRef mask = LLVMBuildICmp(L->b, LLVMIntSLT, LLVMBuildAdd(L->b, splat(L, j0, w), iota, ""), splat(L, n, w), "");
    LLVMValueRef col = mul(L, j0, i64c(L, size));
    LLVMBuildStore(L->b, LLVMConstNull(vt), acc);
    LLVMValueRef p = cg_loop_begin(L, &lp, k);
    LLVMValueRef x = splat(L, ld(L, et, cg_gep8(L, arow, mul(L, p, ad[2]))), w);
    LLVMValueRef largs[4] = {cg_gep8(L, cg_gep8(L, bd[0], mul(L, p, bd[1])), col), LLVMConstInt(L->i32, 1, 0), mask,
                             LLVMConstNull(vt)};
    LLVMValueRef y = cg_call(L, lname, vt, pt, largs, 4);
    LLVMBuildStore(L->b, muladd(L, x, y, LLVMBuildLoad2(L->b, vt, acc, "")), acc);
    cg_loop_end(L, &lp);
    LLVMValueRef sargs[4] = {LLVMBuildLoad2(L->b, vt, acc, ""), cg_gep8(L, orow, col), LLVMConstInt(L->i32, 1, 0), mask};
    cg_call(L, sname, LLVMVoidTypeInContext(L->c), spt, sargs, 4);
    cg_loop_end(L, &lj);
    cg_loop_end(L, &li);
}

/* out[i, j] one element at a time, any steps; complex as (re, im) pairs of its own width */
static void scalar_elems(Lower *L, int dt, LLVMValueRef *ad, LLVMValueRef *bd, LLVMValueRef *od, LLVMValueRef m,
                         LLVMValueRef k, LLVMValueRef n) {
    bool cplx = ty_dtypes[dt].kind == 'c';
    LLVMTypeRef et = cg_elem_llvm(L, dt), ft = cplx ? LLVMStructGetTypeAtIndex(et, 0) : et;
    LLVMValueRef re = cg_entry_alloca(L, ft, "mmre"), im = cg_entry_alloca(L, ft, "mmim");
    LoopCtx li, lj, lp;
    LLVMValueRef i = cg_loop_begin(L, &li, m);
    LLVMValueRef j = cg_loop_begin(L, &lj, n);
    LLVMBuildStore(L->b, LLVMConstNull(ft), re);
    LLVMBuildStore(L->b, LLVMConstNull(ft), im);
    LLVMValueRef p = cg_loop_begin(L, &lp, k);
    LLVMValueRef x = ld(L, et, cg_gep8(L, ad[0], LLVMBuildAdd(L->b, mul(L, i, ad[1]), mul(L, p, ad[2]), "")));
    LLVMValueRef y = ld(L, et, cg_gep8(L, bd[0], LLVMBuildAdd(L->b, mul(L, p, bd[1]), mul(L, j, bd[2]), "")));
    LLVMValueRef r = LLVMBuildLoad2(L->b, ft, re, "");
    if (!cplx) {
        LLVMBuildStore(L->b, muladd(L, x, y, r), re);
    } else {
        LLVMValueRef xr = LLVMBuildExtractValue(L->b, x, 0, ""), xi = LLVMBuildExtractValue(L->b, x, 1, "");
        LLVMValueRef yr = LLVMBuildExtractValue(L->b, y, 0, ""), yi = LLVMBuildExtractValue(L->b, y, 1, "");
        LLVMValueRef pr = LLVMBuildFSub(L->b, LLVMBuildFMul(L->b, xr, yr, ""), LLVMBuildFMul(L->b, xi, yi, ""), "");
        LLVMValueRef pi = LLVMBuildFAdd(L->b, LLVMBuildFMul(L->b, xr, yi, ""), LLVMBuildFMul(L->b, xi, yr, ""), "");
        LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, r, pr, ""), re);
        LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, LLVMBuildLoad2(L->b, ft, im, ""), pi, ""), im);
    }
    cg_loop_end(L, &lp);
    LLVMValueRef o = cg_gep8(L, od[0], LLVMBuildAdd(L->b, mul(L, i, od[1]), mul(L, j, od[2]), ""));
    LLVMValueRef v = LLVMBuildLoad2(L->b, ft, re, "");
    if (cplx) {
        v = LLVMBuildInsertValue(L->b, LLVMGetUndef(et), v, 0, "");
        v = LLVMBuildInsertValue(L->b, v, LLVMBuildLoad2(L->b, ft, im, ""), 1, "");
    }
    st(L, v, o);
    cg_loop_end(L, &lj);
    cg_loop_end(L, &li);
}

/* data, row step, column step of a 2-d operand (bytes) */
static void operand(Lower *L, const Type *t, LLVMValueRef x, LLVMValueRef *d) {
    d[0] = cg_arr_data(L, x);
    d[1] = cg_arr_stride(L, t, x, 0);
    d[2] = cg_arr_stride(L, t, x, 1);
}

LLVMBasicBlockRef cg_small_matmul(Lower *L, int dt, const Type *at, LLVMValueRef a, const Type *bt, LLVMValueRef b,
                                  const Type *rt, LLVMValueRef out, LLVMValueRef m, LLVMValueRef k, LLVMValueRef n) {
    LLVMValueRef ad[3], bd[3], od[3];
    operand(L, at, a, ad);
    operand(L, bt, b, bd);
    operand(L, rt, out, od);
    LLVMValueRef dims = LLVMBuildOr(L->b, LLVMBuildOr(L->b, m, k, ""), n, "");
    LLVMValueRef fits = LLVMBuildICmp(L->b, LLVMIntULT, dims, i64c(L, SMALL_DIM), "");
    int limit = ty_dtypes[dt].kind == 'c' ? SMALL_MNK_COMPLEX : SMALL_MNK;
    LLVMValueRef few = LLVMBuildICmp(L->b, LLVMIntSLE, mul(L, mul(L, m, k), n), i64c(L, limit), "");
    /* float64 with a one-row or one-column operand keeps BLAS: NumPy gives those products to
     * gemv or dot, whose order of summing is the CPU's kernel's (OpenBLAS's AVX2 gemv is not this
     * loop's), and ember_rt_gemm_f8 calls the same. (float32 and complex go through ?gemm, which
     * is no nearer NumPy's gemv than this loop: they stay here.) */
    if (dt == DT_FLOAT64) {
        LLVMValueRef one = LLVMBuildOr(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, m, i64c(L, 1), ""),
                                       LLVMBuildICmp(L->b, LLVMIntEQ, n, i64c(L, 1), ""), "");
        few = LLVMBuildAnd(L->b, few, LLVMBuildNot(L->b, one, ""), "");
    }
    LLVMBasicBlockRef test = LLVMAppendBasicBlockInContext(L->c, L->func, "mm.fewtest");
    LLVMBasicBlockRef small = LLVMAppendBasicBlockInContext(L->c, L->func, "mm.small");
    LLVMBasicBlockRef large = LLVMAppendBasicBlockInContext(L->c, L->func, "mm.blas");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "mm.done");
    LLVMBuildCondBr(L->b, fits, test, large);
    LLVMPositionBuilderAtEnd(L->b, test);
    LLVMBuildCondBr(L->b, few, small, large);

    LLVMPositionBuilderAtEnd(L->b, small);
    if (ty_dtypes[dt].kind == 'f') {
        LLVMValueRef esz = i64c(L, ty_dtypes[dt].size);
        LLVMBasicBlockRef vec = LLVMAppendBasicBlockInContext(L->c, L->func, "mm.vector");
        LLVMBasicBlockRef any = LLVMAppendBasicBlockInContext(L->c, L->func, "mm.scalar");
        LLVMValueRef unit = LLVMBuildAnd(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, bd[2], esz, ""),
                                         LLVMBuildICmp(L->b, LLVMIntEQ, od[2], esz, ""), "");
        LLVMBuildCondBr(L->b, unit, vec, any);
        LLVMPositionBuilderAtEnd(L->b, vec);
        vector_rows(L, dt, ad, bd, od, m, k, n);
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, any);
    }
    scalar_elems(L, dt, ad, bd, od, m, k, n);
    LLVMBuildBr(L->b, join);

    LLVMPositionBuilderAtEnd(L->b, large);
    return join;
}
