/* lower_reduce.c: reductions in generated code: np.sum prod min max mean std var argmin argmax
 * all any count_nonzero cumsum cumprod (functions and methods), np.average, and a ufunc's
 * reduce and accumulate.
 *
 * Reductions run over "lanes": a base pointer, a length and a byte stride. np.sum(a) of a
 * C-contiguous array (or any 1-d array) is one lane over every element; of any other array, a
 * lane over a contiguous copy; np.sum(a, axis=k) runs one lane along dimension k for every
 * position of the other dimensions, writing a new array. Any other set of axes (a tuple, or an
 * axis known at run time) is moved last in a view (axes_last); several of them are then folded
 * lane by lane along the last one (reduce_folded), or, for var/std, merged into one lane (a
 * copy where they are not one run of equal steps). Variance is two passes (mean, then the
 * squared deviations), as NumPy computes it. keepdims= re-inserts the reduced dimensions with
 * length one; out= receives the result with NumPy's unsafe cast. In a parallel=True function the
 * whole-array lane is split into chunks folded on the parallel runner (reduce_lane_parallel),
 * also the lane of a fused array expression, whose elements each chunk computes (par_fold).
 */
#include "lower.h"
#include <string.h>

/* ---- reductions ------------------------------------------------------------------------------- */
typedef struct Lane {
    LLVMValueRef base, n, stride;
    int dt;
    bool sequential;   /* float sums in index order: NumPy adds such a lane (not its memory's fastest axis) row by row */
    CgElemAt elem;     /* or the elements computed, not read: an array expression's (fused_reduction) */
    bool whole;        /* every element of an array, in memory order: min/max take a zero's sign as NumPy's whole-array loop */
    void *env;
    CgExpr *expr;      /* reduce_lane_parallel: elements of this fused expression along its flat index
                        * (flat) or of a 1-d one, read with constant steps where `unit` (an i1) holds */
    bool flat;
    LLVMValueRef unit;
    bool buffered;     /* a pairwise sum computes the elements into a buffer first (cg_expr_buffers_sums) */
} Lane;

static LLVMValueRef lane_ptr(Lower *L, Lane *ln, LLVMValueRef i) {
    return cg_gep8(L, ln->base, LLVMBuildMul(L->b, i, ln->stride, ""));
}

/* element i of a lane, as the canonical scalar of its dtype */
static LLVMValueRef lane_load(Lower *L, Lane *ln, LLVMValueRef i) {
    return ln->elem ? ln->elem(L, i, ln->env) : cg_load_elem(L, ln->dt, lane_ptr(L, ln, i));
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

typedef struct LaneElem {
    Lane *ln;
    const Type *ct;
    LLVMValueRef mean;   /* lane_sqdev: the mean to subtract, else NULL */
} LaneElem;

/* element i of a lane as ct; with a mean, (x - mean)**2 */
static LLVMValueRef lane_elem(Lower *L, LLVMValueRef i, void *env) {
    LaneElem *E = env;
    LLVMValueRef x = cg_cast(L, lane_load(L, E->ln, i), ty_scalar_of(E->ln->dt), E->ct);
    if (!E->mean) return x;
    LLVMValueRef d = LLVMBuildFSub(L->b, x, E->mean, "");
    return LLVMBuildFMul(L->b, d, d, "");
}

/* the float type of one part of a complex dtype's element: float for complex64 */
static LLVMTypeRef part_type(Lower *L, int dt) { return dt == DT_COMPLEX64 ? LLVMFloatTypeInContext(L->c) : L->f64; }

/* element i of a complex lane as a <2 x t> {re, im}, t its parts' width (complex sums) */
static LLVMValueRef lane_elem_pair(Lower *L, LLVMValueRef i, void *env) {
    LaneElem *E = env;
    LLVMValueRef z = lane_load(L, E->ln, i), v = LLVMGetUndef(LLVMVectorType(part_type(L, E->ln->dt), 2));
    for (unsigned k = 0; k < 2; k++)
        v = LLVMBuildInsertElement(L->b, v, LLVMBuildFPTrunc(L->b, LLVMBuildExtractValue(L->b, z, k, ""), part_type(L, E->ln->dt), ""), i64c(L, k), "");
    return v;
}

/* element i of a float32 lane as a float (f32 sums); with a mean (a float), (x - mean)**2 in
 * float, as NumPy's var makes its float32 deviations */
static LLVMValueRef lane_elem_f32(Lower *L, LLVMValueRef i, void *env) {
    LaneElem *E = env;
    if (E->ln->dt == DT_COMPLEX64) {   /* var: the mean a <2 x float>; re**2 + im**2 of the deviation */
        LLVMValueRef d = LLVMBuildFSub(L->b, lane_elem_pair(L, i, env), E->mean, "");
        d = LLVMBuildFMul(L->b, d, d, "");
        return LLVMBuildFAdd(L->b, LLVMBuildExtractElement(L->b, d, i64c(L, 0), ""), LLVMBuildExtractElement(L->b, d, i64c(L, 1), ""), "");
    }
    LLVMValueRef x = LLVMBuildFPTrunc(L->b, lane_load(L, E->ln, i), LLVMFloatTypeInContext(L->c), "");
    if (!E->mean) return x;
    LLVMValueRef d = LLVMBuildFSub(L->b, x, E->mean, "");
    return LLVMBuildFMul(L->b, d, d, "");
}

static LLVMValueRef pairwise_of(Lower *L, LLVMTypeRef t, LLVMValueRef n, CgElemAt elem, void *env, bool buffered) {
    bool cplx = LLVMGetTypeKind(t) == LLVMVectorTypeKind;
    if (buffered) return cg_pairwise_sum_buffered(L, cplx ? LLVMGetElementType(t) : t, cplx, n, elem, env);
    if (cplx) return cg_pairwise_sum_complex(L, LLVMGetElementType(t), n, elem, env);
    return cg_pairwise_sum(L, t, n, elem, env);
}

/* The pairwise sum of n adjacent floats of type t at p, 8 <= n <= 128: NumPy's leaf, eight
 * partials (a vector) added along groups of 8, combined ((0+1)+(2+3))+((4+5)+(6+7)), and the
 * rest added in turn. For a few dozen elements (a 5x5 window copied in order) the runtime's call
 * cost more than the sum: a 3x3 box sum per pixel of a 300x300 image 1.28 -> 0.41 ms (numba 0.86,
 * in another order than NumPy's). */
static LLVMValueRef leaf_sum(Lower *L, LLVMTypeRef t, LLVMValueRef p, LLVMValueRef n, long long esz) {
    LLVMTypeRef vt = LLVMVectorType(t, 8);
    LLVMValueRef acc = cg_entry_alloca(L, vt, "leaf");
    /* the first 8 one by one: the elements were just stored one by one (a window copied in
     * order), and a vector load of them waits for every store to retire, forwarded from none (a
     * 3x3 box sum of run-time size 1.34 -> 0.67 ms, numba 0.84) */
    LLVMValueRef first = LLVMGetUndef(vt);
    for (int j = 0; j < 8; j++) {
        LLVMValueRef x = LLVMBuildLoad2(L->b, t, cg_gep8(L, p, i64c(L, j * esz)), "");
        LLVMSetVolatile(x, 1);   /* or the vectoriser merges them back */
        first = LLVMBuildInsertElement(L->b, first, x, LLVMConstInt(L->i32, (unsigned)j, 0), "");
    }
    LLVMBuildStore(L->b, first, acc);
    LLVMValueRef groups = LLVMBuildLShr(L->b, n, i64c(L, 3), "");
    LoopCtx lc;
    LLVMValueRef k = cg_loop_begin(L, &lc, LLVMBuildSub(L->b, groups, i64c(L, 1), ""));
    LLVMValueRef at = cg_gep8(L, p, LLVMBuildMul(L->b, LLVMBuildAdd(L->b, k, i64c(L, 1), ""), i64c(L, 8 * esz), ""));
    LLVMValueRef x = LLVMBuildLoad2(L->b, vt, at, "");
    LLVMSetAlignment(x, (unsigned)esz);
    LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, LLVMBuildLoad2(L->b, vt, acc, ""), x, ""), acc);
    cg_loop_end_rolled(L, &lc);
    LLVMValueRef r = LLVMBuildLoad2(L->b, vt, acc, ""), e[8];
    for (int j = 0; j < 8; j++) e[j] = LLVMBuildExtractElement(L->b, r, LLVMConstInt(L->i32, (unsigned)j, 0), "");
    LLVMValueRef lo = LLVMBuildFAdd(L->b, LLVMBuildFAdd(L->b, e[0], e[1], ""), LLVMBuildFAdd(L->b, e[2], e[3], ""), "");
    LLVMValueRef hi = LLVMBuildFAdd(L->b, LLVMBuildFAdd(L->b, e[4], e[5], ""), LLVMBuildFAdd(L->b, e[6], e[7], ""), "");
    LLVMValueRef sum = cg_entry_alloca(L, t, "leafsum");
    LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, lo, hi, ""), sum);
    LLVMValueRef m = LLVMBuildShl(L->b, groups, i64c(L, 3), "");
    LoopCtx rc;
    LLVMValueRef i = LLVMBuildAdd(L->b, m, cg_loop_begin(L, &rc, LLVMBuildSub(L->b, n, m, "")), "");
    LLVMValueRef y = LLVMBuildLoad2(L->b, t, cg_gep8(L, p, LLVMBuildMul(L->b, i, i64c(L, esz), "")), "");
    LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, LLVMBuildLoad2(L->b, t, sum, ""), y, ""), sum);
    cg_loop_end_rolled(L, &rc);
    return LLVMBuildLoad2(L->b, t, sum, "");
}

/* A float sum over a lane in NumPy's pairwise order (lower_pairwise.c), in ct, or with ct NULL
 * the float sum of a float32 lane (NumPy adds float32 in float32), widened to float64; a
 * complex sum (ct complex128) adds complex64 in float. A lane of adjacent elements gets its own
 * copy of the code with the stride a constant, so its groups of 8 are vector loads. */
static LLVMValueRef lane_pairwise(Lower *L, Lane *ln, const Type *ct, LLVMValueRef mean) {
    bool cplx = ct == ty_complex128;
    bool f8 = ln->dt == DT_FLOAT64 && ct == ty_float64, f4 = ln->dt == DT_FLOAT32 && !ct;
    if (!ln->elem && !mean && (f8 || f4)) {   /* a plain lane of memory: the runtime's sum (runtime/stats.c) */
        LLVMTypeRef t = f8 ? L->f64 : LLVMFloatTypeInContext(L->c), pt[3] = {L->ptr, L->i64, L->i64};
        LLVMValueRef res = cg_entry_alloca(L, t, "pwsum");
        /* Fewer than 8 elements are added here in turn from +0.0, as the runtime (and NumPy)
         * adds them: the call cost more than the sum (A[i].sum() over rows of 3: 5 ns a row
         * with the call, numba 0.7). */
        LLVMBasicBlockRef shortb = LLVMAppendBasicBlockInContext(L->c, L->func, "pw.short");
        LLVMBasicBlockRef call = LLVMAppendBasicBlockInContext(L->c, L->func, "pw.call");
        LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "pw.done");
        long long esz = ty_dtypes[ln->dt].size;
        bool adjacent = LLVMIsAConstantInt(ln->stride) && LLVMConstIntGetSExtValue(ln->stride) == esz;
        LLVMBasicBlockRef many = adjacent ? LLVMAppendBasicBlockInContext(L->c, L->func, "pw.many") : call;
        LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, ln->n, i64c(L, 8), ""), shortb, many);
        if (adjacent) {   /* one leaf of adjacent elements (8 to 128: a window copied in order) summed here too */
            LLVMBasicBlockRef leaf = LLVMAppendBasicBlockInContext(L->c, L->func, "pw.leaf");
            LLVMPositionBuilderAtEnd(L->b, many);
            LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSLE, ln->n, i64c(L, 128), ""), leaf, call);
            LLVMPositionBuilderAtEnd(L->b, leaf);
            LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, LLVMConstNull(t), leaf_sum(L, t, ln->base, ln->n, esz), ""), res);
            LLVMBuildBr(L->b, join);
        }
        LLVMPositionBuilderAtEnd(L->b, shortb);
        LLVMBuildStore(L->b, LLVMConstNull(t), res);
        LoopCtx lc;
        LLVMValueRef i = cg_loop_begin(L, &lc, ln->n);
        LLVMValueRef x = lane_load(L, ln, i);
        LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, LLVMBuildLoad2(L->b, t, res, ""), f8 ? x : LLVMBuildFPTrunc(L->b, x, t, ""), ""), res);
        cg_loop_end_rolled(L, &lc);
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, call);
        LLVMValueRef args[3] = {ln->base, ln->n, ln->stride};
        LLVMValueRef r = cg_call(L, f8 ? "ember_rt_pairwise_f8" : "ember_rt_pairwise_f4", t, pt, args, 3);
        LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, LLVMConstNull(t), r, ""), res);   /* NumPy's reduction starts from +0.0 */
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, join);
        r = LLVMBuildLoad2(L->b, t, res, "pwsum");
        return f8 ? r : LLVMBuildFPExt(L->b, r, L->f64, "");
    }
    LLVMTypeRef t = cplx ? LLVMVectorType(part_type(L, ln->dt), 2) : ct ? cg_type(L, ct) : LLVMFloatTypeInContext(L->c);
    CgElemAt elem = cplx ? lane_elem_pair : ct ? lane_elem : lane_elem_f32;
    LLVMValueRef esz = i64c(L, ty_dtypes[ln->dt].size);
    LaneElem E = {ln, ct, mean};
    LLVMValueRef res = cg_entry_alloca(L, t, "pwsum");
    if (ln->elem || LLVMIsAConstant(ln->stride)) {   /* computed elements, or a stride known already */
        LLVMBuildStore(L->b, pairwise_of(L, t, ln->n, elem, &E, ln->elem && ln->buffered), res);
    } else {
        LLVMBasicBlockRef unit = LLVMAppendBasicBlockInContext(L->c, L->func, "pw.unit");
        LLVMBasicBlockRef any = LLVMAppendBasicBlockInContext(L->c, L->func, "pw.strided");
        LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "pw.join");
        LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, ln->stride, esz, ""), unit, any);
        LLVMPositionBuilderAtEnd(L->b, unit);
        Lane c = *ln;
        c.stride = esz;
        LaneElem U = {&c, ct, mean};
        LLVMBuildStore(L->b, pairwise_of(L, t, ln->n, elem, &U, false), res);
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, any);
        LLVMBuildStore(L->b, pairwise_of(L, t, ln->n, elem, &E, ln->elem && ln->buffered), res);
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, join);
    }
    LLVMValueRef r = LLVMBuildLoad2(L->b, t, res, "");
    if (cplx) {
        LLVMValueRef z = LLVMGetUndef(L->c128);
        for (unsigned k = 0; k < 2; k++)
            z = LLVMBuildInsertValue(L->b, z, LLVMBuildFPExt(L->b, LLVMBuildExtractElement(L->b, r, i64c(L, k), ""), L->f64, ""), k, "");
        return z;
    }
    return ct ? r : LLVMBuildFPExt(L->b, r, L->f64, "");
}

/* np.sum of a float32 lane giving float32 (with a float mean: the sum of the squared
 * deviations from it), added as NumPy adds it: in float, pairwise, or in index order across the
 * slow axis (ln->sequential). */
static LLVMValueRef lane_sum_f32(Lower *L, Lane *ln, LLVMValueRef mean) {
    if (!ln->sequential) return lane_pairwise(L, ln, NULL, mean);
    LLVMTypeRef ft = LLVMFloatTypeInContext(L->c);
    LLVMValueRef acc = acc_new(L, ft, LLVMConstNull(ft));
    LaneElem E = {ln, NULL, mean};
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, ln->n);
    LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, LLVMBuildLoad2(L->b, ft, acc, ""), lane_elem_f32(L, i, &E), ""), acc);
    cg_loop_end(L, &lc);
    return LLVMBuildFPExt(L->b, LLVMBuildLoad2(L->b, ft, acc, ""), L->f64, "");
}

/* Whether a float sum over ln follows NumPy's pairwise order (it does unless NumPy would add
 * the lane's elements one row at a time: a lane across the slow axis) */
static bool lane_is_pairwise(const Lane *ln, const Type *ct) {
    return !ln->sequential && ct == ty_float64;
}

/* sum or product of a lane in dtype rdt, float32 or complex64, each step rounded to it as
 * NumPy's loop computes (a product, or a sum across the slow axis, runs in index order) */
static LLVMValueRef lane_fold_narrow(Lower *L, Lane *ln, int op, int rdt) {
    const Type *ct = ty_scalar_of(rdt);
    LoopCtx lc;
    if (rdt == DT_FLOAT32) {   /* the running value held in float: no conversions on the chain from step to step */
        LLVMTypeRef ft = LLVMFloatTypeInContext(L->c);
        LLVMValueRef facc = acc_new(L, ft, LLVMBuildFPTrunc(L->b, cg_fold_identity(L, op, ct), ft, ""));
        LLVMValueRef i = cg_loop_begin(L, &lc, ln->n);
        const Type *vt = ct;
        LLVMValueRef x = cg_f32_round(L, cg_cast(L, lane_load(L, ln, i), ty_scalar_of(ln->dt), ct), &vt, rdt);
        x = LLVMBuildFPTrunc(L->b, x, ft, "");   /* exact: x is a float32 value */
        LLVMValueRef cur = LLVMBuildLoad2(L->b, ft, facc, "");
        /* one float32 operation, the value the double one rounded to float32 gives (24+24 < 53 bits) */
        LLVMBuildStore(L->b, op == IRB_MUL ? LLVMBuildFMul(L->b, cur, x, "") : LLVMBuildFAdd(L->b, cur, x, ""), facc);
        cg_loop_end(L, &lc);
        return LLVMBuildFPExt(L->b, LLVMBuildLoad2(L->b, ft, facc, ""), L->f64, "");
    }
    LLVMValueRef acc = acc_new(L, cg_type(L, ct), cg_fold_identity(L, op, ct));
    LLVMValueRef i = cg_loop_begin(L, &lc, ln->n);
    LLVMValueRef x = cg_cast(L, lane_load(L, ln, i), ty_scalar_of(ln->dt), ct), v;
    LLVMValueRef cur = LLVMBuildLoad2(L->b, cg_type(L, ct), acc, "");
    const Type *vt = ct;
    x = cg_f32_round(L, x, &vt, rdt);
    if (op == IRB_MUL && rdt == DT_COMPLEX64)   /* across the slow axis NumPy multiplies rows by its vector loop */
        v = ln->sequential ? cg_c64_mul(L, cur, x) : cg_c64_mul_scalar(L, cur, x);
    else
        v = cg_binop(L, op, cur, x, ct, NULL);
    LLVMBuildStore(L->b, cg_f32_round(L, v, &vt, rdt), acc);
    cg_loop_end(L, &lc);
    return LLVMBuildLoad2(L->b, cg_type(L, ct), acc, "");
}

/* np.sum of a complex lane in its own dtype: pairwise as NumPy's complex loop (complex64 in
 * float), or in index order across the slow axis */
static LLVMValueRef lane_sum_complex(Lower *L, Lane *ln) {
    if (!ln->sequential) return lane_pairwise(L, ln, ty_complex128, NULL);
    return lane_fold_narrow(L, ln, IRB_ADD, ln->dt);
}

/* sum or product of a lane, in type ct */
static LLVMValueRef lane_fold(Lower *L, Lane *ln, int op, const Type *ct) {
    if (op == IRB_ADD && lane_is_pairwise(ln, ct)) return lane_pairwise(L, ln, ct, NULL);
    LLVMValueRef acc = acc_new(L, cg_type(L, ct), cg_fold_identity(L, op, ct));
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, ln->n);
    LLVMValueRef x = cg_cast(L, lane_load(L, ln, i), ty_scalar_of(ln->dt), ct);
    LLVMValueRef cur = LLVMBuildLoad2(L->b, cg_type(L, ct), acc, "");
    LLVMBuildStore(L->b, cg_binop(L, op, cur, x, ct, NULL), acc);
    cg_loop_end(L, &lc);
    return LLVMBuildLoad2(L->b, cg_type(L, ct), acc, "");
}

/* Whether x replaces b as the min (is_max false) or max so far: NaN wins, and an equal value
 * does not replace (the first occurrence stays). vec_better: elements of dtype dt;
 * extreme_better: canonical scalars of type ct. */
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

/* The min or max of a non-empty lane and the index of its first occurrence, element by element.
 * For floats the compare that moves the best ignores NaN (x > best is false for it), so the best
 * is `x > best ? x : best`, one vmaxsd on the loop-carried chain, and its index a cmov beside it;
 * a NaN only sets a flag, and then a second scan finds the first one, NaN winning as in NumPy.
 * The NaN-aware compare on the chain instead (x > best or x NaN, and best not NaN) cost 2 ns an
 * element (argmax along rows of 4 to 16 doubles; Numba 0.45). */
static void lane_extreme_scan(Lower *L, Lane *ln, bool is_max, LLVMValueRef *value, LLVMValueRef *index) {
    const Type *ct = ty_scalar_of(ln->dt);
    bool fl = ct == ty_float64;
    LLVMValueRef x0 = lane_load(L, ln, i64c(L, 0));
    LLVMValueRef best = acc_new(L, cg_type(L, ct), x0), besti = acc_new(L, L->i64, i64c(L, 0));
    LLVMValueRef nan = fl ? acc_new(L, L->i1, LLVMBuildFCmp(L->b, LLVMRealUNO, x0, x0, "")) : NULL;
    LoopCtx lc;
    LLVMValueRef i = LLVMBuildAdd(L->b, cg_loop_begin(L, &lc, LLVMBuildSub(L->b, ln->n, i64c(L, 1), "")), i64c(L, 1), "");
    LLVMValueRef x = lane_load(L, ln, i);
    LLVMValueRef b = LLVMBuildLoad2(L->b, cg_type(L, ct), best, "");
    LLVMValueRef better = fl ? LLVMBuildFCmp(L->b, is_max ? LLVMRealOGT : LLVMRealOLT, x, b, "") : extreme_better(L, is_max, x, b, ct);
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, better, x, b, ""), best);
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, better, i, LLVMBuildLoad2(L->b, L->i64, besti, ""), ""), besti);
    if (fl)
        LLVMBuildStore(L->b, LLVMBuildOr(L->b, LLVMBuildLoad2(L->b, L->i1, nan, ""), LLVMBuildFCmp(L->b, LLVMRealUNO, x, x, ""), ""), nan);
    cg_loop_end(L, &lc);
    if (fl) {   /* some NaN: the first one */
        LLVMBasicBlockRef find = LLVMAppendBasicBlockInContext(L->c, L->func, "extreme.nan");
        LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, L->func, "extreme.done");
        cg_br_expect(L, LLVMBuildLoad2(L->b, L->i1, nan, ""), false, find, done);
        LLVMPositionBuilderAtEnd(L->b, find);
        LLVMValueRef first = acc_new(L, L->i64, ln->n);
        LLVMValueRef k = cg_loop_begin(L, &lc, ln->n), y = lane_load(L, ln, k);
        LLVMValueRef f = LLVMBuildLoad2(L->b, L->i64, first, "");
        LLVMValueRef take = LLVMBuildAnd(L->b, LLVMBuildFCmp(L->b, LLVMRealUNO, y, y, ""), LLVMBuildICmp(L->b, LLVMIntEQ, f, ln->n, ""), "");
        LLVMBuildStore(L->b, LLVMBuildSelect(L->b, take, k, f, ""), first);
        cg_loop_end(L, &lc);
        LLVMBuildStore(L->b, LLVMBuildLoad2(L->b, L->i64, first, ""), besti);
        LLVMBuildStore(L->b, f64c(L, NAN), best);
        LLVMBuildBr(L->b, done);
        LLVMPositionBuilderAtEnd(L->b, done);
    }
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

/* A float32 array's elements are folded as floats (the min or max of floats is one of them, so
 * the same value), twice as many to a vector as doubles: 10^6 floats 5.7x -> NumPy's time. */
static LLVMValueRef lane_extreme_float(Lower *L, Lane *ln, bool is_max) {
    bool narrow = !ln->elem && ln->dt == DT_FLOAT32;
    LLVMTypeRef t = narrow ? LLVMFloatTypeInContext(L->c) : L->f64;
    LLVMTypeRef pt[2] = {t, t};
    const char *fold = narrow ? (is_max ? "llvm.maximum.f32" : "llvm.minimum.f32") : is_max ? "llvm.maximum.f64" : "llvm.minimum.f64";
    LaneElem E = {ln, NULL, NULL};
    LLVMValueRef acc = acc_new(L, t, narrow ? lane_elem_f32(L, i64c(L, 0), &E) : lane_load(L, ln, i64c(L, 0)));
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, ln->n);
    LLVMValueRef args[2] = {LLVMBuildLoad2(L->b, t, acc, ""), narrow ? lane_elem_f32(L, i, &E) : lane_load(L, ln, i)};
    LLVMBuildStore(L->b, cg_call(L, fold, t, pt, args, 2), acc);
    cg_loop_end(L, &lc);
    LLVMValueRef r = LLVMBuildLoad2(L->b, t, acc, "");
    return narrow ? LLVMBuildFPExt(L->b, r, L->f64, "") : r;
}

/* The min or max of a non-empty lane and, with index, where it first occurs (NaN wins, the
 * first one): a contiguous lane of ints or floats on explicit vectors (lower_extreme.c), any
 * other element by element. */
static LLVMValueRef lane_extreme_strided(Lower *L, Lane *ln, bool is_max, LLVMValueRef *index) {
    if (!index && ty_scalar_of(ln->dt) == ty_float64) return lane_extreme_float(L, ln, is_max);
    LLVMValueRef value, i;
    lane_extreme_scan(L, ln, is_max, &value, &i);
    if (index) *index = i;
    return value;
}

/* long_run: the whole array or a parallel chunk (for an index too tested for its length: the
 * vectors' set-up made np.argmax(x[i]) of a row of 10 cost 12 ns, the scan 4); a lane along an
 * axis takes the vectors from cg_extreme_min_run elements for an index (argmin along rows of 17
 * to 63 ints took 2.4 to 9.5x longer element by element; floats scan faster, from 40) or a
 * double's value (rows of 18-63: 1.3-2.4x), from 64 for
 * other values (argmax(axis=1) of 100000x1 took 9.7 ms with them, 0.14 without). LLVM
 * vectorises the scalar fold of a shorter value lane itself, planning by the bound it learns
 * from this test: under 16, every access masked (rows of 2 doubles 2.2x slower); under 17, one
 * vector step, the rest scalar and a NaN-aware reduction (rows of 12 1.75x slower). So a
 * double's test reads n through an empty asm, and the fold plans as for any length; floats
 * keep the bound of 64, their fold planning best with it (rows of 12 2x slower without). */
static LLVMValueRef lane_extreme_any(Lower *L, Lane *ln, bool is_max, LLVMValueRef *index, bool long_run) {
    if (ln->elem || !cg_extreme_vectorizes(ln->dt)) return lane_extreme_strided(L, ln, is_max, index);
    long long size = ty_dtypes[ln->dt].size;
    if (LLVMIsAConstant(ln->stride) && LLVMConstIntGetSExtValue(ln->stride) != size) return lane_extreme_strided(L, ln, is_max, index);
    if (long_run && !index && LLVMIsAConstant(ln->stride))
        return cg_extreme_contig(L, ln->base, ln->n, ln->dt, is_max, index, ln->whole ? CG_EXT_NUMPY_ZERO : 0);
    LLVMValueRef go = LLVMBuildICmp(L->b, LLVMIntEQ, ln->stride, i64c(L, size), "");
    if (!long_run || index) {
        LLVMValueRef n = ln->n;
        long long least = index || ln->dt == DT_FLOAT64 ? cg_extreme_min_run(L, ln->dt, index != NULL) : 64;
        if (!index && ln->dt == DT_FLOAT64) {   /* n through an empty asm: LLVM learns no bound from the test */
            LLVMTypeRef ft = LLVMFunctionType(L->i64, &L->i64, 1, 0);
            LLVMValueRef same = LLVMGetInlineAsm(ft, "", 0, "=r,0", 4, 0, 0, LLVMInlineAsmDialectATT, 0);
            n = LLVMBuildCall2(L->b, ft, same, &n, 1, "");
        }
        go = LLVMBuildAnd(L->b, go, LLVMBuildICmp(L->b, LLVMIntSGE, n, i64c(L, least), ""), "");
    }
    const Type *ct = ty_scalar_of(ln->dt);
    LLVMValueRef v = cg_entry_alloca(L, cg_type(L, ct), "extreme"), vi = cg_entry_alloca(L, L->i64, "extremei"), i;
    LLVMBasicBlockRef unit = LLVMAppendBasicBlockInContext(L->c, L->func, "extreme.unit");
    LLVMBasicBlockRef any = LLVMAppendBasicBlockInContext(L->c, L->func, "extreme.strided");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "extreme.join");
    LLVMBuildCondBr(L->b, go, unit, any);
    LLVMPositionBuilderAtEnd(L->b, unit);
    LLVMBuildStore(L->b, cg_extreme_contig(L, ln->base, ln->n, ln->dt, is_max, index ? &i : NULL, ln->whole ? CG_EXT_NUMPY_ZERO : 0), v);
    if (index) LLVMBuildStore(L->b, i, vi);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, any);
    LLVMBuildStore(L->b, lane_extreme_strided(L, ln, is_max, index ? &i : NULL), v);
    if (index) LLVMBuildStore(L->b, i, vi);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    if (index) *index = LLVMBuildLoad2(L->b, L->i64, vi, "");
    return LLVMBuildLoad2(L->b, cg_type(L, ct), v, "");
}

/* min/max (value) or argmin/argmax (index); NaN wins, first occurrence. */
static LLVMValueRef lane_extreme(Lower *L, Lane *ln, bool is_max, bool want_index, const char *fname) {
    extreme_nonempty(L, ln->n, is_max, want_index, fname);
    LLVMValueRef index, value = lane_extreme_any(L, ln, is_max, want_index ? &index : NULL, ln->whole);
    return want_index ? index : value;
}

/* A sum s of n elements divided by n, in ct (float64 or complex128). A complex sum divides as
 * NumPy's complex division by n + 0j: re = (sr + si * 0) * (1 / n), im = (si - sr * 0) * (1 / n). */
static LLVMValueRef mean_of(Lower *L, LLVMValueRef s, LLVMValueRef n, const Type *ct) {
    LLVMValueRef fn = LLVMBuildSIToFP(L->b, n, L->f64, "");
    if (ct == ty_complex128) {
        LLVMValueRef sr = LLVMBuildExtractValue(L->b, s, 0, ""), si = LLVMBuildExtractValue(L->b, s, 1, "");
        LLVMValueRef scl = LLVMBuildFDiv(L->b, f64c(L, 1), fn, ""), zero = f64c(L, 0);
        LLVMValueRef re = LLVMBuildFMul(L->b, LLVMBuildFAdd(L->b, sr, LLVMBuildFMul(L->b, si, zero, ""), ""), scl, "");
        LLVMValueRef im = LLVMBuildFMul(L->b, LLVMBuildFSub(L->b, si, LLVMBuildFMul(L->b, sr, zero, ""), ""), scl, "");
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
    if (!cplx && lane_is_pairwise(ln, ct)) return lane_pairwise(L, ln, ct, mean);
    LLVMValueRef acc = acc_new(L, L->f64, f64c(L, 0));
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, ln->n);
    LLVMValueRef x = cg_cast(L, lane_load(L, ln, i), ty_scalar_of(ln->dt), ct);
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

/* mean, var and std of a float32 lane giving float32, as NumPy's _methods.py computes them: the
 * float32 sum divided by the count (an intp, so in float64) and rounded to float32; var sums the
 * float32 squares of the float32 deviations from that mean in float32, in the sum's order, and
 * divides as the mean; std is the float32 square root of var's float32. Bit for bit NumPy's. */
static LLVMValueRef lane_stat_f32(Lower *L, int bid, Lane *ln, LLVMValueRef ddof) {
    LLVMTypeRef ft = LLVMFloatTypeInContext(L->c);
    if (ln->dt == DT_COMPLEX64) {   /* var and std: |x - mean|**2 as re**2 + im**2, each in float */
        LLVMValueRef m = mean_of(L, lane_sum_complex(L, ln), ln->n, ty_complex128), m2 = LLVMGetUndef(LLVMVectorType(ft, 2));
        for (unsigned k = 0; k < 2; k++)
            m2 = LLVMBuildInsertElement(L->b, m2, LLVMBuildFPTrunc(L->b, LLVMBuildExtractValue(L->b, m, k, ""), ft, ""), i64c(L, k), "");
        LLVMValueRef var = cg_f32_narrow(L, var_of(L, lane_sum_f32(L, ln, m2), ln->n, false, ddof));
        return bid == BI_NP_STD ? cg_intrinsic1(L, "llvm.sqrt.f64", var) : var;
    }
    LLVMValueRef mean = mean_of(L, lane_sum_f32(L, ln, NULL), ln->n, ty_float64);
    if (bid == BI_NP_MEAN) return mean;   /* rounded where it is stored as a float32 */
    LLVMValueRef ss = lane_sum_f32(L, ln, LLVMBuildFPTrunc(L->b, mean, ft, ""));
    LLVMValueRef var = cg_f32_narrow(L, var_of(L, ss, ln->n, false, ddof));
    return bid == BI_NP_STD ? cg_intrinsic1(L, "llvm.sqrt.f64", var) : var;
}

static LLVMValueRef lane_bool(Lower *L, Lane *ln, int bid) {
    const Type *ct = ty_scalar_of(ln->dt);
    bool count = bid == BI_NP_COUNT_NONZERO, all = bid == BI_NP_ALL;
    LLVMValueRef acc = count ? acc_new(L, L->i64, i64c(L, 0)) : acc_new(L, L->i1, LLVMConstInt(L->i1, all, 0));
    if (count) {
        LoopCtx lc;
        LLVMValueRef i = cg_loop_begin(L, &lc, ln->n);
        LLVMValueRef t = cg_truth(L, lane_load(L, ln, i), ct);
        LLVMBuildStore(L->b, LLVMBuildAdd(L->b, LLVMBuildLoad2(L->b, L->i64, acc, ""), LLVMBuildZExt(L->b, t, L->i64, ""), ""), acc);
        cg_loop_end(L, &lc);
        return LLVMBuildLoad2(L->b, L->i64, acc, "");
    }
    /* any/all stop where the answer is decided (a row's first True): the first 16 elements one
     * by one, then blocks folded by a loop that vectorises, the answer checked after each; 256
     * elements first (one trip of the vector loop over bytes), twice as many each time up to
     * 4096 (a long scan checks seldom). A deciding element or block goes straight to the answer
     * (acc holds the answer, set only there): a scan that stops early is a bare loop. */
    LLVMValueRef undecided = LLVMConstInt(L->i1, all, 0);
    LLVMValueRef at = acc_new(L, L->i64, i64c(L, 0)), bs = acc_new(L, L->i64, i64c(L, 256));
    LLVMValueRef blk = cg_entry_alloca(L, L->i1, "block");
    LLVMBasicBlockRef phead = LLVMAppendBasicBlockInContext(L->c, L->func, "anyall.first");
    LLVMBasicBlockRef pbody = LLVMAppendBasicBlockInContext(L->c, L->func, "anyall.one");
    LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(L->c, L->func, "anyall.head");
    LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(L->c, L->func, "anyall.block");
    LLVMBasicBlockRef decide = LLVMAppendBasicBlockInContext(L->c, L->func, "anyall.decided");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, L->func, "anyall.done");
    LLVMValueRef first = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, ln->n, i64c(L, 16), ""), ln->n, i64c(L, 16), "");
    LLVMBuildBr(L->b, phead);
    LLVMPositionBuilderAtEnd(L->b, phead);
    LLVMValueRef k = LLVMBuildLoad2(L->b, L->i64, at, "");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, k, first, ""), pbody, head);
    LLVMPositionBuilderAtEnd(L->b, pbody);
    LLVMValueRef t = cg_truth(L, lane_load(L, ln, k), ct);
    LLVMBuildStore(L->b, LLVMBuildAdd(L->b, k, i64c(L, 1), ""), at);
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntNE, t, undecided, ""), decide, phead);
    LLVMPositionBuilderAtEnd(L->b, head);
    LLVMValueRef s = LLVMBuildLoad2(L->b, L->i64, at, "");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, s, ln->n, ""), body, done);
    LLVMPositionBuilderAtEnd(L->b, body);
    LLVMValueRef left = LLVMBuildSub(L->b, ln->n, s, "");
    LLVMValueRef size = LLVMBuildLoad2(L->b, L->i64, bs, "");
    LLVMValueRef m = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, left, size, ""), left, size, "");
    LLVMValueRef grown = LLVMBuildShl(L->b, size, i64c(L, 1), "");
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, grown, i64c(L, 4096), ""), grown, i64c(L, 4096), ""), bs);
    LLVMBuildStore(L->b, undecided, blk);
    LoopCtx lc;
    LLVMValueRef i = LLVMBuildAdd(L->b, cg_loop_begin(L, &lc, m), s, "");
    LLVMValueRef ti = cg_truth(L, lane_load(L, ln, i), ct), cur = LLVMBuildLoad2(L->b, L->i1, blk, "");
    LLVMBuildStore(L->b, all ? LLVMBuildAnd(L->b, cur, ti, "") : LLVMBuildOr(L->b, cur, ti, ""), blk);
    cg_loop_end(L, &lc);
    LLVMBuildStore(L->b, LLVMBuildAdd(L->b, s, m, ""), at);
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntNE, LLVMBuildLoad2(L->b, L->i1, blk, ""), undecided, ""), decide, head);
    LLVMPositionBuilderAtEnd(L->b, decide);
    LLVMBuildStore(L->b, LLVMConstInt(L->i1, !all, 0), acc);
    LLVMBuildBr(L->b, done);
    LLVMPositionBuilderAtEnd(L->b, done);
    return LLVMBuildLoad2(L->b, L->i1, acc, "");
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
        init = cg_cast(L, lane_load(L, ln, i64c(L, 0)), et, ct);
        start = i64c(L, 1);
    }
    LLVMValueRef acc = acc_new(L, cg_type(L, ct), init);
    LoopCtx lc;
    LLVMValueRef i = LLVMBuildAdd(L->b, cg_loop_begin(L, &lc, LLVMBuildSub(L->b, ln->n, start, "")), start, "");
    LLVMValueRef x[2] = {LLVMBuildLoad2(L->b, cg_type(L, ct), acc, ""), cg_cast(L, lane_load(L, ln, i), et, ct)};
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
    case BI_NP_SUM:
        if (rdt == DT_FLOAT32 && ln->dt == DT_FLOAT32) return lane_sum_f32(L, ln, NULL);
        if (ty_dtypes[rdt].kind == 'c' && rdt == ln->dt) return lane_sum_complex(L, ln);
        return lane_fold(L, ln, IRB_ADD, rt == ty_bool ? ty_int64 : rt);
    case BI_NP_PROD:
        if (cg_is_narrow_float(rdt)) return lane_fold_narrow(L, ln, IRB_MUL, rdt);
        return lane_fold(L, ln, IRB_MUL, rt == ty_bool ? ty_int64 : rt);
    case BI_NP_MIN: case BI_NP_AMIN: return lane_extreme(L, ln, false, false, "min");
    case BI_NP_MAX: case BI_NP_AMAX: return lane_extreme(L, ln, true, false, "max");
    case BI_NP_ARGMIN: return lane_extreme(L, ln, false, true, "argmin");
    case BI_NP_ARGMAX: return lane_extreme(L, ln, true, true, "argmax");
    case BI_NP_MEAN: case BI_NP_VAR: case BI_NP_STD:
        if (rdt == DT_FLOAT32 && (ln->dt == DT_FLOAT32 || ln->dt == DT_COMPLEX64)) return lane_stat_f32(L, bid, ln, ddof);
        if (bid == BI_NP_MEAN && ty_dtypes[rdt].kind == 'c' && rdt == ln->dt) return mean_of(L, lane_sum_complex(L, ln), ln->n, rt);
        if (bid == BI_NP_MEAN) return lane_mean(L, ln, rt);
        return lane_var(L, ln, bid == BI_NP_STD, ddof);
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

/* Element lo + i of an expression lane in a chunk. */
typedef struct ExprLane {
    CgExpr *E;
    LLVMValueRef lo;
    bool flat;
} ExprLane;

static LLVMValueRef expr_lane_elem(Lower *L, LLVMValueRef i, void *env) {
    ExprLane *X = env;
    LLVMValueRef idx = LLVMBuildNSWAdd(L->b, X->lo, i, "");
    return cg_expr_at(L, X->E, &idx, X->flat);
}

/* The fold `kind` of a chunk's lane into *v (and *vi, the index of PF_MIN/PF_MAX when index). */
static void par_fold_lane(Lower *C, Lane *sub, int kind, const Type *ct, LLVMValueRef mean, bool index,
                          LLVMValueRef lo, LLVMValueRef *v, LLVMValueRef *vi) {
    *vi = i64c(C, 0);
    switch (kind) {
    case PF_ADD: case PF_MUL: *v = lane_fold(C, sub, kind == PF_ADD ? IRB_ADD : IRB_MUL, ct); break;
    case PF_MIN: case PF_MAX:
        *v = lane_extreme_any(C, sub, kind == PF_MAX, index ? vi : NULL, true);
        if (index) *vi = LLVMBuildAdd(C->b, *vi, lo, "");
        break;
    case PF_SQDEV: *v = lane_sqdev(C, sub, mean); break;
    default: *v = lane_bool(C, sub, kind == PF_ALL ? BI_NP_ALL : kind == PF_ANY ? BI_NP_ANY : BI_NP_COUNT_NONZERO); break;
    }
}

/* par_fold_lane into two slots (v, vi): the body cg_expr_unit_twins may emit twice */
typedef struct ParFold {
    Lane *sub;
    int kind;
    const Type *ct;
    LLVMValueRef mean;
    bool index;
    LLVMValueRef lo, v, vi;
} ParFold;

static void par_fold_into(Lower *C, void *env) {
    ParFold *p = env;
    LLVMValueRef v, vi;
    par_fold_lane(C, p->sub, p->kind, p->ct, p->mean, p->index, p->lo, &v, &vi);
    LLVMBuildStore(C->b, v, p->v);
    LLVMBuildStore(C->b, vi, p->vi);
}

/* The fold `kind` of a lane (partial values of type ct), its index in *index for PF_MIN/PF_MAX.
 * A lane of a fused expression (ln->expr) carries the expression's operands in a second env and
 * computes its elements in the chunk, with the serial fused loop's twin (unit). */
static LLVMValueRef par_fold(Lower *L, Lane *ln, int kind, const Type *ct, LLVMValueRef mean, LLVMValueRef *index) {
    LLVMTypeRef vt = cg_type(L, ct);
    LLVMTypeRef ef[5] = {L->ptr, L->i64, mean ? LLVMTypeOf(mean) : L->i8, L->ptr, L->i1}, pf[2] = {vt, L->i64};
    LLVMTypeRef envt = LLVMStructTypeInContext(L->c, ef, 5, 0), partt = LLVMStructTypeInContext(L->c, pf, 2, 0);
    LLVMValueRef env = cg_entry_alloca(L, envt, "foldenv");
    LLVMTypeRef xenvt = NULL;
    if (ln->expr) {
        xenvt = cg_expr_env_type(L, ln->expr);
        LLVMValueRef xenv = cg_entry_alloca(L, xenvt, "exprenv");
        cg_expr_env_store(L, ln->expr, xenvt, xenv);
        LLVMBuildStore(L->b, xenv, cg_field(L, envt, env, 3));
        if (ln->unit) LLVMBuildStore(L->b, ln->unit, cg_field(L, envt, env, 4));
    } else {
        LLVMBuildStore(L->b, ln->base, cg_field(L, envt, env, 0));
        LLVMBuildStore(L->b, ln->stride, cg_field(L, envt, env, 1));
    }
    if (mean) LLVMBuildStore(L->b, mean, cg_field(L, envt, env, 2));

    Lower C_, *C = &C_;
    cg_chunk_begin(L, C, "reduce");
    LLVMValueRef cenv = LLVMGetParam(C->func, 0), lo = LLVMGetParam(C->func, 1), hi = LLVMGetParam(C->func, 2);
    Lane sub = {.dt = ln->dt, .n = LLVMBuildSub(C->b, hi, lo, "")};
    LLVMValueRef cmean = mean ? LLVMBuildLoad2(C->b, LLVMTypeOf(mean), cg_field(C, envt, cenv, 2), "mean") : NULL;
    LLVMValueRef v, vi;
    ExprLane X;
    if (ln->expr) {
        X = (ExprLane){.E = cg_expr_env_load(C, ln->expr, xenvt, LLVMBuildLoad2(C->b, C->ptr, cg_field(C, envt, cenv, 3), "")),
                       .lo = lo, .flat = ln->flat};
        sub.elem = expr_lane_elem;
        sub.env = &X;
    } else {
        /* a constant stride (contiguous data) stays constant, so the chunk's loop vectorises as the serial one */
        sub.stride = LLVMIsAConstant(ln->stride) ? ln->stride : LLVMBuildLoad2(C->b, C->i64, cg_field(C, envt, cenv, 1), "stride");
        sub.base = cg_gep8(C, LLVMBuildLoad2(C->b, C->ptr, cg_field(C, envt, cenv, 0), "base"), LLVMBuildMul(C->b, lo, sub.stride, ""));
    }
    if (ln->expr && ln->unit) {   /* as fused_two_ways: the last axis read with constant steps where it may */
        LLVMBasicBlockRef ub = LLVMAppendBasicBlockInContext(C->c, C->func, "fold.unit");
        LLVMBasicBlockRef sb = LLVMAppendBasicBlockInContext(C->c, C->func, "fold.strided");
        LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(C->c, C->func, "fold.done");
        LLVMBuildCondBr(C->b, LLVMBuildLoad2(C->b, C->i1, cg_field(C, envt, cenv, 4), "unit"), ub, sb);
        LLVMValueRef uv, uvi, sv, svi;
        LLVMPositionBuilderAtEnd(C->b, ub);
        ParFold pf = {&sub, kind, ct, cmean, index != NULL, lo,
                      cg_entry_alloca(C, cg_type(C, ct), "v"), cg_entry_alloca(C, C->i64, "vi")};
        cg_expr_unit_twins(C, X.E, par_fold_into, &pf);
        uv = LLVMBuildLoad2(C->b, cg_type(C, ct), pf.v, "");
        uvi = LLVMBuildLoad2(C->b, C->i64, pf.vi, "");
        LLVMBasicBlockRef uend = LLVMGetInsertBlock(C->b);
        LLVMBuildBr(C->b, join);
        LLVMPositionBuilderAtEnd(C->b, sb);
        par_fold_lane(C, &sub, kind, ct, cmean, index != NULL, lo, &sv, &svi);
        LLVMBasicBlockRef send = LLVMGetInsertBlock(C->b);
        LLVMBuildBr(C->b, join);
        LLVMPositionBuilderAtEnd(C->b, join);
        v = cg_phi2(C, uv, uend, sv, send, "");
        vi = cg_phi2(C, uvi, uend, svi, send, "");
    } else {
        par_fold_lane(C, &sub, kind, ct, cmean, index != NULL, lo, &v, &vi);
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
        if (want_index) return index;
        bool unit = !ln->expr && LLVMIsAConstant(ln->stride) && LLVMConstIntGetSExtValue(ln->stride) == ty_dtypes[ln->dt].size;
        if (ln->whole && unit && !ln->elem && ty_dtypes[ln->dt].kind == 'f' && cg_extreme_vectorizes(ln->dt))   /* a zero's sign as in one pass */
            v = cg_extreme_zero_as_numpy(L, ln->base, ln->n, ln->dt, v);
        return v;
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

#define LANE_BUFFER 4096   /* bytes of the frame a small copy goes to (a 22x22 window of doubles) */

/* The address of a's n elements copied in C order: into a buffer in the frame when they fit it,
 * else into a new block. NumPy's reduction copies a non-contiguous array so too (into its
 * iterator's buffer) and reduces the copy; a window img[y:y+3, x:x+3] summed per pixel made a
 * malloc and a free per window (a 3x3 box sum 2.5x numba; its max 1.6x -> 1.15x). */
static LLVMValueRef copied_in_order(Lower *L, const Type *at, LLVMValueRef a, LLVMValueRef n) {
    const Type *ct = ty_array(at->dtype, at->ndim, 'C', false);
    long long item = ty_dtypes[at->dtype].size;
    LLVMBasicBlockRef frame = LLVMAppendBasicBlockInContext(L->c, L->func, "inframe");
    LLVMBasicBlockRef heap = LLVMAppendBasicBlockInContext(L->c, L->func, "inblock");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "copied");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntULE, n, i64c(L, LANE_BUFFER / item), ""), frame, heap);
    LLVMPositionBuilderAtEnd(L->b, frame);
    LLVMValueRef buf = cg_entry_alloca(L, LLVMArrayType2(L->i8, LANE_BUFFER), "lanebuf");
    LLVMSetAlignment(buf, 64);
    /* element by element, in loops neither vectorised nor unrolled: rows of a few elements, where
     * a vector loop's tests and remainder cost more than the copy (a 5x5 window's mean) */
    LLVMValueRef idx[64], at_k = cg_entry_alloca(L, L->i64, "lanepos");
    LoopCtx lc[64];
    LLVMBuildStore(L->b, i64c(L, 0), at_k);
    for (int k = 0; k < at->ndim; k++) idx[k] = cg_loop_begin(L, &lc[k], cg_arr_shape(L, a, k));
    LLVMValueRef pos = LLVMBuildLoad2(L->b, L->i64, at_k, "");
    LLVMTypeRef et = cg_elem_llvm(L, at->dtype);
    LLVMValueRef x = LLVMBuildLoad2(L->b, et, cg_elem_ptr(L, at, a, idx), "");
    LLVMSetAlignment(x, 1);
    LLVMSetAlignment(LLVMBuildStore(L->b, x, cg_gep8(L, buf, LLVMBuildMul(L->b, pos, i64c(L, item), ""))), 1);
    LLVMBuildStore(L->b, LLVMBuildAdd(L->b, pos, i64c(L, 1), ""), at_k);
    for (int k = at->ndim - 1; k >= 0; k--) cg_loop_end_rolled(L, &lc[k]);
    LLVMBasicBlockRef frame_end = LLVMGetInsertBlock(L->b);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, heap);
    LLVMValueRef block = cg_arr_data(L, cg_copy_array(L, at, a, ct));
    LLVMBasicBlockRef heap_end = LLVMGetInsertBlock(L->b);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    return cg_phi2(L, buf, frame_end, block, heap_end, "lanedata");
}

/* A lane over every element of a in C order: a itself when C-contiguous or 1-d, else a copy.
 * any_order: the reduction does not depend on the elements' order beyond rounding (not argmin,
 * argmax, a cumulative one): an F-contiguous a is its memory in order, as NumPy reads it. */
static Lane whole_lane(Lower *L, const Type *at, LLVMValueRef a, bool any_order) {
    Lane ln = {.dt = at->dtype, .whole = true};
    if (at->ndim == 1 || (any_order && at->layout == 'F')) {
        ln.base = cg_arr_data(L, a);
        ln.n = cg_array_size(L, at, a);
        ln.stride = at->ndim == 1 ? cg_arr_stride(L, at, a, 0) : i64c(L, ty_dtypes[at->dtype].size);
        return ln;
    }
    ln.n = cg_array_size(L, at, a);
    ln.stride = LLVMConstInt(L->i64, (unsigned long long)ty_dtypes[at->dtype].size, 0);
    ln.base = at->layout == 'C' ? cg_arr_data(L, a) : copied_in_order(L, at, a, ln.n);
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

/* One step of a running sum, product or binary ufunc (np.maximum.accumulate): the value after
 * the running value prev and the element x, both of the accumulator's type ty_scalar_of(rdt),
 * rounded to the result's width (float32 and complex64 run in their own, as NumPy's). prev NULL:
 * the lane's first element, x as it is, as NumPy copies it (0.0 + x would lose a -0.0, and
 * (1+0j) * x makes a NaN of an infinite part). */
static LLVMValueRef cum_step(Lower *L, const AxisEnv *A, LLVMValueRef prev, LLVMValueRef x) {
    const Type *ct = ty_scalar_of(A->rdt), *xt[2] = {ct, ct};
    LLVMValueRef v;
    if (!prev) {
        v = x;
    } else if (ti_is_ufunc(A->bid)) {
        LLVMValueRef ops[2] = {prev, x};
        L->numpy_sem = true;
        v = cg_ufunc_scalar(L, A->bid, ops, xt, A->rdt);
        L->numpy_sem = false;
    } else {
        if (A->bid == BI_NP_CUMPROD && A->rdt == DT_COMPLEX64) v = cg_c64_mul_scalar(L, prev, x);
        else if (ct == ty_bool)   /* dtype=bool: NumPy's bool add is or, multiply and */
            v = A->bid == BI_NP_CUMSUM ? LLVMBuildOr(L->b, prev, x, "") : LLVMBuildAnd(L->b, prev, x, "");
        else v = cg_binop(L, A->bid == BI_NP_CUMSUM ? IRB_ADD : IRB_MUL, prev, x, ct, NULL);
    }
    const Type *vt = ct;
    return cg_f32_round(L, v, &vt, A->rdt);
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
    /* NumPy sums along the axis its memory runs fastest in pairwise, along any other row by row */
    bool fastest = A->at->ndim == 1 || A->axis == (A->at->layout == 'F' ? 0 : A->at->ndim - 1);
    Lane ln = {.base = cg_gep8(L, cg_arr_data(L, A->a), off), .n = cg_arr_shape(L, A->a, A->axis),
               .stride = cg_arr_stride(L, A->at, A->a, A->axis), .dt = A->at->dtype, .sequential = !fastest};
    LLVMValueRef optr = cg_gep8(L, cg_arr_data(L, A->out), ooff);
    if (!A->cum) {
        LLVMValueRef v = reduce_lane(L, A->bid, &ln, A->rdt, A->ddof);
        cg_store_elem(L, A->rt->dtype, optr, v, lane_result_type(A->bid, A->at->dtype, A->rdt));
        return;
    }
    /* running sum / product (or any binary ufunc: np.maximum.accumulate) along the lane */
    const Type *ct = ty_scalar_of(A->rdt);
    LLVMValueRef acc = acc_new(L, cg_type(L, ct), LLVMConstNull(cg_type(L, ct)));   /* set by the first element */
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, ln.n);
    LLVMValueRef x = cg_cast(L, cg_load_elem(L, ln.dt, lane_ptr(L, &ln, i)), ty_scalar_of(ln.dt), ct);
    LLVMValueRef v = cum_step(L, A, LLVMBuildLoad2(L->b, cg_type(L, ct), acc, ""), x);
    v = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, i, i64c(L, 0), ""), cum_step(L, A, NULL, x), v, "");
    LLVMBuildStore(L->b, v, acc);
    LLVMValueRef os = cg_arr_stride(L, A->rt, A->out, A->axis);
    cg_store_elem(L, A->rt->dtype, cg_gep8(L, optr, LLVMBuildMul(L->b, i, os, "")), v, ct);
    cg_loop_end(L, &lc);
}

/* A cumulative result along an axis that is not a's last, row by row: the nest runs every
 * dimension in C order, out[..., i, ...] = out[..., i-1, ...] op a[..., i, ...], so its inner
 * loop steps along the last dimension, where a C array and out are contiguous (a vector loop),
 * instead of down one column at a time (a serial chain a row's stride apart per element: 3.4 ms
 * for np.cumsum(a, axis=0) of 1000 x 1000 float64 against numba's 1.2). Each element gets the
 * same operations in the same order as along its lane, so the bits are the lane loop's. */
static void cum_rows_body(Lower *L, LLVMValueRef *idx, void *env) {
    AxisEnv *A = env;
    LLVMValueRef off = i64c(L, 0), ooff = i64c(L, 0);
    for (int k = 0; k < A->at->ndim; k++) {
        off = LLVMBuildAdd(L->b, off, LLVMBuildMul(L->b, idx[k], cg_arr_stride(L, A->at, A->a, k), ""), "");
        ooff = LLVMBuildAdd(L->b, ooff, LLVMBuildMul(L->b, idx[k], cg_arr_stride(L, A->rt, A->out, k), ""), "");
    }
    const Type *ct = ty_scalar_of(A->rdt);
    LLVMValueRef optr = cg_gep8(L, cg_arr_data(L, A->out), ooff);
    LLVMValueRef x = cg_cast(L, cg_load_elem(L, A->at->dtype, cg_gep8(L, cg_arr_data(L, A->a), off)),
                             ty_scalar_of(A->at->dtype), ct);
    /* the branch is invariant in the inner loop (the axis is not last): LLVM unswitches it */
    LLVMBasicBlockRef first = LLVMAppendBasicBlockInContext(L->c, L->func, "cumfirst");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(L->c, L->func, "cumnext");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "cumjoin");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, idx[A->axis], i64c(L, 0), ""), first, next);
    LLVMPositionBuilderAtEnd(L->b, first);
    LLVMValueRef v1 = cum_step(L, A, NULL, x);
    LLVMBasicBlockRef b1 = LLVMGetInsertBlock(L->b);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, next);
    LLVMValueRef back = LLVMBuildNeg(L->b, cg_arr_stride(L, A->rt, A->out, A->axis), "");
    LLVMValueRef prev = cg_cast(L, cg_load_elem(L, A->rt->dtype, cg_gep8(L, optr, back)), ty_scalar_of(A->rt->dtype), ct);
    LLVMValueRef v2 = cum_step(L, A, prev, x);
    LLVMBasicBlockRef b2 = LLVMGetInsertBlock(L->b);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    cg_store_elem(L, A->rt->dtype, optr, cg_phi2(L, v1, b1, v2, b2, "cum"), ct);
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
        Lane ln = whole_lane(L, at, a, false);
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
    if (axis != nd - 1 && at->layout != 'F') {   /* row by row (an F array's lanes along axis 0 are its memory) */
        cg_loop_nest(L, nd, shape, cum_rows_body, &A);
        return result;
    }
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

/* ---- several axes of a C array, in memory order -------------------------------------------- *
 * reduce_folded runs one result at a time; where a kept axis lies inside a reduced one in memory
 * (np.sum(a, axis=(0, 2)) of a C array: a[i, j, :] for one j are 800 bytes 80 KB apart), that
 * jumps through memory. Here the lanes are visited in the array's own order (the dimensions
 * before the lane nested as in a, the lane along the last reduced one), each lane's value folded
 * into its result in place: r[j] = part at the first lane of j, then combine(r[j], part). Every
 * result still sees its lanes in the same order as reduce_folded, so the values are the same.
 * Only for reductions with an identity (an empty fold fills it) whose accumulator is the
 * result's own element type (no narrowing between lanes). */
typedef struct InOrderEnv {
    FoldEnv *F;
    int order[64];   /* loop level -> view dimension (all but the lane) */
} InOrderEnv;

static void inorder_body(Lower *L, LLVMValueRef *lvl, void *env) {
    InOrderEnv *E = env;
    FoldEnv *F = E->F;
    int nd = F->pt->ndim;
    LLVMValueRef idx[64], off = i64c(L, 0), first = LLVMConstInt(L->i1, 1, 0);
    for (int k = 0; k < nd - 1; k++) idx[E->order[k]] = lvl[k];
    for (int d = 0; d < nd - 1; d++) {
        off = LLVMBuildAdd(L->b, off, LLVMBuildMul(L->b, idx[d], cg_arr_stride(L, F->pt, F->p, d), ""), "");
        if (d >= F->nkeep) first = LLVMBuildAnd(L->b, first, LLVMBuildICmp(L->b, LLVMIntEQ, idx[d], i64c(L, 0), ""), "");
    }
    Lane ln = {.base = cg_gep8(L, cg_arr_data(L, F->p), off), .n = cg_arr_shape(L, F->p, nd - 1),
               .stride = cg_arr_stride(L, F->pt, F->p, nd - 1), .dt = F->pt->dtype};
    LLVMValueRef part = reduce_lane(L, fold_lane_kind(F->bid), &ln, F->rdt, NULL);
    LLVMValueRef rp = cg_elem_ptr(L, F->rt, F->r, idx);
    LLVMValueRef acc = cg_load_elem(L, F->rdt, rp);
    cg_store_elem(L, F->rdt, rp, LLVMBuildSelect(L->b, first, part, fold_combine(L, F->bid, acc, part, F->partt, F->rdt), ""), F->partt);
}

static void inorder_fill(Lower *L, LLVMValueRef *idx, void *env) {   /* identity, or the mean */
    FoldEnv *F = env;
    LLVMValueRef rp = cg_elem_ptr(L, F->rt, F->r, idx);
    LLVMValueRef v = F->base ? mean_of(L, cg_load_elem(L, F->rdt, rp), F->base, F->partt) : fold_identity(L, F->bid, F->partt);
    cg_store_elem(L, F->rdt, rp, v, F->partt);
}

/* reduce_folded's result in a's memory order, where a (C layout, reduced dims red, constant)
 * nests a kept dimension inside a reduced one before the lane; NULL where it does not apply. */
static LLVMValueRef reduce_folded_inorder(Lower *L, int bid, const Type *at, LLVMValueRef *red, const Type *pt, LLVMValueRef p,
                                          int nred, int rdt, const Type **rtp) {
    int nd = pt->ndim, nkeep = nd - nred, kept = 0, gone = 0, lvl = 0;
    const Type *partt = lane_result_type(fold_lane_kind(bid), pt->dtype, rdt);
    if (at->layout != 'C' || at->unaligned || !fold_identity(L, bid, partt) || ty_scalar_of(rdt) != partt ||
        ty_dtype_of_scalar(partt) != rdt)
        return NULL;
    InOrderEnv E;
    bool kept_inside = false;
    for (int d = 0; d < nd; d++) {   /* original dimension d is view dimension kept++ or nkeep + gone++ */
        if (!LLVMIsAConstantInt(red[d])) return NULL;
        if (LLVMConstIntGetZExtValue(red[d])) {
            if (++gone < nred) E.order[lvl++] = nkeep + gone - 1;
        } else {
            kept_inside |= gone > 0 && gone < nred;
            E.order[lvl++] = kept++;
        }
    }
    if (!kept_inside) return NULL;
    LLVMValueRef kshape[64], shape[64], count = i64c(L, 1);
    for (int k = 0; k < nkeep; k++) kshape[k] = cg_arr_shape(L, p, k);
    for (int k = 0; k < nd - 1; k++) shape[k] = cg_arr_shape(L, p, E.order[k]);
    for (int k = nkeep; k < nd; k++) count = LLVMBuildMul(L->b, count, cg_arr_shape(L, p, k), "");
    *rtp = ty_array(rdt, nkeep, 'C', false);
    FoldEnv F = {.bid = bid, .rdt = rdt, .nkeep = nkeep, .nred = nred, .pt = pt, .rt = *rtp, .partt = partt, .p = p,
                 .r = cg_alloc_array(L, *rtp, kshape)};
    E.F = &F;
    cg_loop_nest(L, nkeep, kshape, inorder_fill, &F);   /* what a result with no lanes keeps */
    cg_loop_nest(L, nd - 1, shape, inorder_body, &E);
    if (bid == BI_NP_MEAN) {
        F.base = count;
        cg_loop_nest(L, nkeep, kshape, inorder_fill, &F);
    }
    return F.r;
}

/* ---- sums along a slow axis, row by row ------------------------------------------------------ *
 * np.sum(a, axis=k) (mean, var, std too) where k is not the axis a's memory runs fastest in:
 * instead of one strided lane per result element, walk a in its memory order and add each
 * element into its result (r[i, l] += a[i, j, l] for every j in order). Each result still adds
 * its elements in index order from 0, so the values are the lane-by-lane ones, which are NumPy's
 * (it adds such an axis row by row too); the loop reads a once, contiguously, and vectorises
 * across the result. var and std: a second walk adds the squared deviations from the means.
 * The walk (cg_rows_walk) is shared with the nan-functions (lower_npstats.c), each reduction
 * giving the step that adds (or compares) one element into its result's accumulators. */

/* Whether a reduction along axis of arrays laid out as at may run row by row: a C (or
 * any-layout) array of two or more dimensions and an axis other than its last. */
bool cg_rows_suit(const Type *at, int axis) {
    return at->ndim >= 2 && at->layout != 'F' && axis >= 0 && axis < at->ndim - 1;
}

typedef struct RowsWalk {
    const Type *at;
    LLVMValueRef a;
    int axis;
    CgRowStep step;
    void *env;
} RowsWalk;

static void rows_walk_body(Lower *L, LLVMValueRef *idx, void *env) {
    RowsWalk *W = env;
    LLVMValueRef oidx[64];
    for (int k = 0, j = 0; k < W->at->ndim; k++)
        if (k != W->axis) oidx[j++] = idx[k];
    W->step(L, cg_elem_ptr(L, W->at, W->a, idx), oidx, W->env);
}

/* step(element of a, its result's index without the axis) for every element of a in C order:
 * the inner loop runs along a's last dimension, contiguous in a C array and in C results. */
void cg_rows_walk(Lower *L, const Type *at, LLVMValueRef a, int axis, CgRowStep step, void *env) {
    LLVMValueRef shape[64];
    for (int k = 0; k < at->ndim; k++) shape[k] = cg_arr_shape(L, a, k);
    RowsWalk W = {.at = at, .a = a, .axis = axis, .step = step, .env = env};
    cg_loop_nest(L, at->ndim, shape, rows_walk_body, &W);
}

typedef struct RowsEnv {
    const Type *at, *rt;
    LLVMValueRef a, r, mean;   /* mean: the means (var, std's second walk), else NULL */
    int axis;
    int extreme;               /* min/max: 1 min, 2 max (the result in a's dtype), else 0 */
} RowsEnv;

/* min and max along a slow axis the same way: each result starts as the first row's element
 * and takes every later one that is beyond it (NaN wins and stays; ties keep the first). */
static void rows_first(Lower *L, LLVMValueRef *idx, void *env) {
    RowsEnv *R = env;
    LLVMValueRef aidx[64];
    for (int k = 0, j = 0; k < R->at->ndim; k++) aidx[k] = k == R->axis ? i64c(L, 0) : idx[j++];
    extreme_nonempty(L, cg_arr_shape(L, R->a, R->axis), R->extreme == 2, false, NULL);
    LLVMBuildStore(L->b, LLVMBuildLoad2(L->b, cg_elem_llvm(L, R->at->dtype), cg_elem_ptr(L, R->at, R->a, aidx), ""),
                   cg_elem_ptr(L, R->rt, R->r, idx));
}

static void rows_extreme(Lower *L, LLVMValueRef p, LLVMValueRef *oidx, void *env) {
    RowsEnv *R = env;
    LLVMTypeRef et = cg_elem_llvm(L, R->at->dtype);
    LLVMValueRef o = cg_elem_ptr(L, R->rt, R->r, oidx);
    LLVMValueRef x = LLVMBuildLoad2(L->b, et, p, ""), cur = LLVMBuildLoad2(L->b, et, o, "");
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, vec_better(L, R->extreme == 2, x, cur, R->at->dtype), x, cur, ""), o);
}

static void rows_zero(Lower *L, LLVMValueRef *idx, void *env) {
    RowsEnv *R = env;
    LLVMBuildStore(L->b, f64c(L, 0), cg_elem_ptr(L, R->rt, R->r, idx));
}

static void rows_add(Lower *L, LLVMValueRef p, LLVMValueRef *oidx, void *env) {
    RowsEnv *R = env;
    LLVMValueRef x = cg_cast(L, cg_load_elem(L, R->at->dtype, p), ty_scalar_of(R->at->dtype), ty_float64);
    if (R->mean) {
        LLVMValueRef d = LLVMBuildFSub(L->b, x, LLVMBuildLoad2(L->b, L->f64, cg_elem_ptr(L, R->rt, R->mean, oidx), ""), "");
        x = LLVMBuildFMul(L->b, d, d, "");
    }
    LLVMValueRef o = cg_elem_ptr(L, R->rt, R->r, oidx);
    LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, LLVMBuildLoad2(L->b, L->f64, o, ""), x, ""), o);
}

typedef struct RowsFinish {
    RowsEnv *R;
    LLVMValueRef n, ddof, ss;   /* ss: the squared deviations (var, std), else NULL */
    bool is_std;
} RowsFinish;

static void rows_finish(Lower *L, LLVMValueRef *idx, void *env) {
    RowsFinish *F = env;
    LLVMValueRef o = cg_elem_ptr(L, F->R->rt, F->R->r, idx);
    LLVMValueRef v = F->ss ? var_of(L, LLVMBuildLoad2(L->b, L->f64, cg_elem_ptr(L, F->R->rt, F->ss, idx), ""), F->n, F->is_std, F->ddof)
                           : mean_of(L, LLVMBuildLoad2(L->b, L->f64, o, ""), F->n, ty_float64);
    LLVMBuildStore(L->b, v, o);
}

/* Whether reduction bid of a along axis runs row by row: a float64 result of a sum, mean, var or
 * std, or min or max, of a real array, along an axis of a C (or any-layout) array other than its
 * last. */
static bool by_rows(int bid, const Type *at, int axis, int rdt) {
    if (!cg_rows_suit(at, axis) || ty_dtypes[at->dtype].kind == 'c') return false;
    if (bid == BI_NP_MIN || bid == BI_NP_MAX || bid == BI_NP_AMIN || bid == BI_NP_AMAX)   /* in a's dtype */
        return ty_dtypes[at->dtype].kind != 'b' && rdt == at->dtype;
    if (ty_dtypes[rdt].kind != 'f' || ty_dtypes[rdt].size != 8) return false;   /* the result array holds doubles */
    if (bid == BI_NP_VAR || bid == BI_NP_STD) return true;
    return (bid == BI_NP_SUM || bid == BI_NP_MEAN) && lane_result_type(bid, at->dtype, rdt) == ty_float64;
}

/* r (float64, or a's dtype for min/max; C order, the kept shape oshape) = reduction bid of a
 * along axis, row by row. */
static void reduce_rows(Lower *L, int bid, const Type *at, LLVMValueRef a, int axis, const Type *rt, LLVMValueRef r,
                        LLVMValueRef *oshape, LLVMValueRef ddof) {
    int nd = at->ndim;
    RowsEnv R = {.at = at, .rt = rt, .a = a, .r = r, .axis = axis};
    if (bid == BI_NP_MIN || bid == BI_NP_MAX || bid == BI_NP_AMIN || bid == BI_NP_AMAX) {
        R.extreme = bid == BI_NP_MAX || bid == BI_NP_AMAX ? 2 : 1;
        cg_loop_nest(L, nd - 1, oshape, rows_first, &R);
        cg_rows_walk(L, at, a, axis, rows_extreme, &R);
        return;
    }
    cg_loop_nest(L, nd - 1, oshape, rows_zero, &R);
    cg_rows_walk(L, at, a, axis, rows_add, &R);
    if (bid == BI_NP_SUM) return;
    RowsFinish F = {.R = &R, .n = cg_arr_shape(L, a, axis), .ddof = ddof, .is_std = bid == BI_NP_STD};
    if (bid != BI_NP_MEAN) {   /* r holds the sums: make them means, then add the squared deviations into ss */
        cg_loop_nest(L, nd - 1, oshape, rows_finish, &F);
        RowsEnv S = {.at = at, .rt = rt, .a = a, .r = cg_alloc_array(L, rt, oshape), .mean = r, .axis = axis};
        cg_loop_nest(L, nd - 1, oshape, rows_zero, &S);
        cg_rows_walk(L, at, a, axis, rows_add, &S);
        F.ss = S.r;
    }
    cg_loop_nest(L, nd - 1, oshape, rows_finish, &F);   /* ss, like r, is owned: dropped at the exit */
}

/* Element x (its scalar type et) folded by reduction bid into the result element at p (dtype
 * rdt), row by row: acc op x in ct, stored in rdt, so a float32 or complex64 sum rounds each add
 * as NumPy's loop does (the double add of two floats rounds to the float add's result). */
static void row_fold_elem(Lower *L, int bid, int rdt, const Type *ct, LLVMValueRef p, LLVMValueRef x, const Type *et) {
    if (bid == BI_NP_COUNT_NONZERO) x = cg_cast(L, cg_truth(L, x, et), ty_bool, ct);   /* a truth, counted */
    else x = ct == ty_bool ? cg_truth(L, x, et) : cg_cast(L, x, et, ct);
    LLVMValueRef acc = cg_cast(L, cg_load_elem(L, rdt, p), ty_scalar_of(rdt), ct);
    cg_store_elem(L, rdt, p, fold_combine(L, fold_lane_kind(bid), acc, x, ct, rdt), ct);
}

/* The result element at p (dtype rdt) set to reduction bid's identity, before row_fold_elem. */
static void row_fold_identity(Lower *L, int bid, int rdt, const Type *ct, LLVMValueRef p) {
    cg_store_elem(L, rdt, p, fold_identity(L, fold_lane_kind(bid), ct), ct);
}

/* The sum at p (dtype rdt, n elements) made their mean. */
static void row_fold_mean(Lower *L, int rdt, const Type *ct, LLVMValueRef p, LLVMValueRef n) {
    LLVMValueRef s = cg_cast(L, cg_load_elem(L, rdt, p), ty_scalar_of(rdt), ct);
    cg_store_elem(L, rdt, p, mean_of(L, s, n, ct), ct);
}

/* The other folds along a slow axis row by row (by_rows takes float64 results): a sum or mean of
 * float32, complex or integers, a product, all, any, count_nonzero. Each result starts as the
 * fold's identity and takes its elements in index order, each step in the result's arithmetic
 * (row_fold_elem), so the values are those of one lane per result; the walk reads a once, in
 * its memory order, and vectorises across the results. A lane per result read a column a row's
 * stride apart per element: np.sum(a, axis=0) of 1000 x 1000 float32 ran 0.57 ms, NumPy 0.06. */
typedef struct RowsFold {
    const Type *at, *rt, *ct;
    LLVMValueRef r, n;
    int bid, rdt;
} RowsFold;

static bool rows_foldable(int bid, const Type *at) {
    if (bid == BI_NP_PROD && ty_dtypes[at->dtype].kind == 'c') return false;   /* complex products: lane_fold_narrow */
    switch (bid) {
    case BI_NP_SUM: case BI_NP_MEAN: case BI_NP_PROD: case BI_NP_ALL: case BI_NP_ANY: case BI_NP_COUNT_NONZERO: return true;
    default: return false;
    }
}

static void rows_fold_init(Lower *L, LLVMValueRef *oidx, void *env) {
    RowsFold *F = env;
    row_fold_identity(L, F->bid, F->rdt, F->ct, cg_elem_ptr(L, F->rt, F->r, oidx));
}

static void rows_fold_step(Lower *L, LLVMValueRef p, LLVMValueRef *oidx, void *env) {
    RowsFold *F = env;
    row_fold_elem(L, F->bid, F->rdt, F->ct, cg_elem_ptr(L, F->rt, F->r, oidx), cg_load_elem(L, F->at->dtype, p),
                  ty_scalar_of(F->at->dtype));
}

static void rows_fold_mean(Lower *L, LLVMValueRef *oidx, void *env) {
    RowsFold *F = env;
    row_fold_mean(L, F->rdt, F->ct, cg_elem_ptr(L, F->rt, F->r, oidx), F->n);
}

static void reduce_rows_fold(Lower *L, int bid, const Type *at, LLVMValueRef a, int axis, const Type *rt, LLVMValueRef r,
                             LLVMValueRef *oshape, int rdt) {
    RowsFold F = {.at = at, .rt = rt, .r = r, .n = cg_arr_shape(L, a, axis), .bid = bid, .rdt = rdt,
                  .ct = lane_result_type(fold_lane_kind(bid), at->dtype, rdt)};
    cg_loop_nest(L, at->ndim - 1, oshape, rows_fold_init, &F);
    cg_rows_walk(L, at, a, axis, rows_fold_step, &F);
    if (bid == BI_NP_MEAN) cg_loop_nest(L, at->ndim - 1, oshape, rows_fold_mean, &F);
}

/* var and std of float32 along a slow axis, row by row, as lane_stat_f32 computes each lane: the
 * float32 sums (reduce_rows_fold) made means, rounded to float32; a second walk adds the float32
 * squares of the float32 deviations in float32; var is their float32 quotient, std its float32
 * square root. Lane by lane it read columns a row's stride apart: 3.6x NumPy's time. */
typedef struct RowsVar32 {
    const Type *at, *rt;
    LLVMValueRef a, r, ss, n, ddof;
    bool is_std;
} RowsVar32;

static void rows_var32_mean(Lower *L, LLVMValueRef *oidx, void *env) {
    RowsVar32 *V = env;
    row_fold_mean(L, DT_FLOAT32, ty_float64, cg_elem_ptr(L, V->rt, V->r, oidx), V->n);
    LLVMBuildStore(L->b, LLVMConstNull(LLVMFloatTypeInContext(L->c)), cg_elem_ptr(L, V->rt, V->ss, oidx));
}

static void rows_var32_step(Lower *L, LLVMValueRef p, LLVMValueRef *oidx, void *env) {
    RowsVar32 *V = env;
    LLVMValueRef x = cg_load_elem(L, DT_FLOAT32, p), m = cg_load_elem(L, DT_FLOAT32, cg_elem_ptr(L, V->rt, V->r, oidx));
    LLVMValueRef d = cg_f32_narrow(L, LLVMBuildFSub(L->b, x, m, ""));
    LLVMValueRef o = cg_elem_ptr(L, V->rt, V->ss, oidx);
    LLVMValueRef sq = cg_f32_narrow(L, LLVMBuildFMul(L->b, d, d, ""));
    cg_store_elem(L, DT_FLOAT32, o, LLVMBuildFAdd(L->b, cg_load_elem(L, DT_FLOAT32, o), sq, ""), ty_float64);
}

static void rows_var32_finish(Lower *L, LLVMValueRef *oidx, void *env) {
    RowsVar32 *V = env;
    LLVMValueRef var = cg_f32_narrow(L, var_of(L, cg_load_elem(L, DT_FLOAT32, cg_elem_ptr(L, V->rt, V->ss, oidx)), V->n, false, V->ddof));
    cg_store_elem(L, DT_FLOAT32, cg_elem_ptr(L, V->rt, V->r, oidx), V->is_std ? cg_intrinsic1(L, "llvm.sqrt.f64", var) : var, ty_float64);
}

static void reduce_rows_var32(Lower *L, int bid, const Type *at, LLVMValueRef a, int axis, const Type *rt, LLVMValueRef r,
                              LLVMValueRef *oshape, LLVMValueRef ddof) {
    int nk = at->ndim - 1;
    reduce_rows_fold(L, BI_NP_SUM, at, a, axis, rt, r, oshape, DT_FLOAT32);
    RowsVar32 V = {.at = at, .rt = rt, .a = a, .r = r, .ss = cg_alloc_array(L, rt, oshape), .n = cg_arr_shape(L, a, axis),
                   .ddof = ddof, .is_std = bid == BI_NP_STD};
    cg_loop_nest(L, nk, oshape, rows_var32_mean, &V);
    cg_rows_walk(L, at, a, axis, rows_var32_step, &V);
    cg_loop_nest(L, nk, oshape, rows_var32_finish, &V);   /* ss is owned: dropped at the exit */
}

/* r, reduce_lane's value of a whole-array reduction, as the call's result: narrowed as NumPy's
 * dtype= does (np.int8 wraps; a float32 sum is a float32); *rtp its type. */
static LLVMValueRef whole_result(Lower *L, int bid, int adt, int rdt, bool narrow, LLVMValueRef r, const Type **rtp) {
    *rtp = lane_result_type(bid, adt, rdt);
    if (narrow || ti_is_ufunc(bid) || cg_is_narrow_float(rdt)) {
        LLVMValueRef slot = cg_entry_alloca(L, L->c128, "narrow");
        cg_store_elem(L, rdt, slot, r, *rtp);
        r = cg_load_elem(L, rdt, slot);
        *rtp = ty_scalar_of(rdt);
    }
    return r;
}

/* Reduction bid of the red[] dimensions (nred of them; axis >= 0: the one constant axis) of a in
 * rdt: a scalar (narrowed to rdt where narrow) or a new C array; *rtp its type. */
/* NumPy's ValueError for a reduction without an identity (min, max, the ufuncs' reduce without
 * one) over no elements: raised when the reduced dimensions hold no element, whether or not
 * there are results. A lane's own test never runs where a kept dimension is empty (np.max of
 * shape (2, 0, 0) along axis 1). n: the reduced dimensions' element count. */
static void nonempty_reduction(Lower *L, int bid, int rdt, LLVMValueRef n) {
    bool mm = bid == BI_NP_MIN || bid == BI_NP_MAX || bid == BI_NP_AMIN || bid == BI_NP_AMAX;
    if (!mm && !(ti_is_ufunc(bid) && !fold_identity(L, bid, ty_scalar_of(rdt)))) return;
    char msg[128];
    snprintf(msg, sizeof msg, "zero-size array to reduction operation %s which has no identity",
             mm ? (bid == BI_NP_MAX || bid == BI_NP_AMAX ? "maximum" : "minimum") : ti_builtins[bid].name);
    cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntEQ, n, i64c(L, 0), ""), "builtins:ValueError", ctx_strdup(L->ctx, msg));
}

/* Whether reduction bid along axis of arrays laid out as at runs row by row (reduce_by_rows). */
static bool rows_reduction(int bid, const Type *at, int axis, int rdt) {
    if (by_rows(bid, at, axis, rdt)) return true;
    if (!cg_rows_suit(at, axis)) return false;
    return rows_foldable(bid, at) || ((bid == BI_NP_VAR || bid == BI_NP_STD) && at->dtype == DT_FLOAT32 && rdt == DT_FLOAT32);
}

/* r (shape oshape) = reduction bid of a along axis, row by row, where rows_reduction says it
 * runs so (float64 results: reduce_rows; other folds: reduce_rows_fold; float32 var and std:
 * reduce_rows_var32); false, having emitted nothing, where it does not. */
static bool reduce_by_rows(Lower *L, int bid, const Type *at, LLVMValueRef a, int axis, const Type *rt, LLVMValueRef r,
                           LLVMValueRef *oshape, int rdt, LLVMValueRef ddof) {
    if (!rows_reduction(bid, at, axis, rdt)) return false;
    if (by_rows(bid, at, axis, rdt)) reduce_rows(L, bid, at, a, axis, rt, r, oshape, ddof);
    else if (rows_foldable(bid, at)) reduce_rows_fold(L, bid, at, a, axis, rt, r, oshape, rdt);
    else reduce_rows_var32(L, bid, at, a, axis, rt, r, oshape, ddof);
    return true;
}

/* a (type t) with its dimensions in reverse order, as an array of type vt (layout A): an F
 * array's C-ordered view, borrowed (no reference of its own, as merge_last's). */
static LLVMValueRef reversed_view(Lower *L, const Type *t, LLVMValueRef a, const Type *vt) {
    LLVMValueRef shape[64], strides[64];
    for (int k = 0; k < t->ndim; k++) {
        shape[k] = cg_arr_shape(L, a, t->ndim - 1 - k);
        strides[k] = cg_arr_stride(L, t, a, t->ndim - 1 - k);
    }
    return cg_make_array(L, vt, LLVMConstNull(L->ptr), LLVMConstNull(L->ptr), cg_arr_data(L, a), shape, strides);
}

/* Whole-array reductions whose result does not depend on the order of the elements, to the
 * bit: sums and products of ints and bools (wrapping), any, all, count_nonzero. */
static bool rows_exact(int bid, int adt, int rdt) {
    char ak = ty_dtypes[adt].kind, rk = ty_dtypes[rdt].kind;
    switch (bid) {
    case BI_NP_SUM: case BI_NP_PROD: return (ak == 'i' || ak == 'u' || ak == 'b') && (rk == 'i' || rk == 'u');
    case BI_NP_ANY: case BI_NP_ALL: case BI_NP_COUNT_NONZERO: return true;
    default: return false;
    }
}

/* Such a reduction of a 2-d array of any strides (a window img[y:y+3, x:x+3], a column pair) as
 * one lane per row, folded: whole_lane copies such an array to a fresh block first, a malloc and
 * a free per window in a loop (a 3x3 window's .any() 2.6x numba). */
static LLVMValueRef fold_rows(Lower *L, int bid, const Type *at, LLVMValueRef a, int rdt) {
    LLVMTypeRef rt = bid == BI_NP_ANY || bid == BI_NP_ALL ? L->i1 : bid == BI_NP_COUNT_NONZERO ? L->i64 : cg_type(L, ty_scalar_of(rdt));
    bool mul = bid == BI_NP_PROD, all = bid == BI_NP_ALL;
    LLVMValueRef acc = cg_entry_alloca(L, rt, "rowsacc");
    LLVMBuildStore(L->b, LLVMConstInt(rt, mul || all, 0), acc);
    LoopCtx lc;
    LLVMValueRef r = cg_loop_begin(L, &lc, cg_arr_shape(L, a, 0));
    Lane ln = {.dt = at->dtype, .n = cg_arr_shape(L, a, 1), .stride = cg_arr_stride(L, at, a, 1),
               .base = cg_gep8(L, cg_arr_data(L, a), LLVMBuildMul(L->b, r, cg_arr_stride(L, at, a, 0), ""))};
    LLVMValueRef v = reduce_lane(L, bid, &ln, rdt, NULL), cur = LLVMBuildLoad2(L->b, rt, acc, "");
    LLVMValueRef next = bid == BI_NP_ANY ? LLVMBuildOr(L->b, cur, v, "")
                      : all               ? LLVMBuildAnd(L->b, cur, v, "")
                      : mul               ? LLVMBuildMul(L->b, cur, v, "")
                                          : LLVMBuildAdd(L->b, cur, v, "");
    LLVMBuildStore(L->b, next, acc);
    cg_loop_end(L, &lc);
    return LLVMBuildLoad2(L->b, rt, acc, "");
}

static LLVMValueRef reduce_axes(Lower *L, int bid, const Type *at, LLVMValueRef a, LLVMValueRef *red, int nred, int axis,
                                int rdt, LLVMValueRef ddof, bool narrow, const Type **rtp) {
    int nd = at->ndim, nkeep = nd - nred;
    LLVMValueRef r;
    bool known = true, trailing = at->layout == 'C';   /* the reduced dims constant; the last nred of a C array */
    for (int d = 0; d < nd; d++) {
        known &= LLVMIsAConstantInt(red[d]) != NULL;
        if (!known) break;
        bool rd = LLVMConstIntGetZExtValue(red[d]) != 0;
        trailing &= rd == (d >= nkeep);
        if (nred == 1 && rd) axis = d;   /* axis=(k,): as axis=k */
    }
    trailing &= known;
    if (nkeep == 0 && nd == 2 && at->layout == 'A' && !cg_threads(L) && rows_exact(bid, at->dtype, rdt))
        return whole_result(L, bid, at->dtype, rdt, narrow, fold_rows(L, bid, at, a, rdt), rtp);
    if (nkeep == 0) {   /* every element: one lane */
        Lane ln = whole_lane(L, at, a, bid != BI_NP_ARGMIN && bid != BI_NP_ARGMAX && !ti_is_ufunc(bid));
        bool par = cg_threads(L) && !ti_is_ufunc(bid);
        r = par ? reduce_lane_parallel(L, bid, &ln, rdt, ddof) : reduce_lane(L, bid, &ln, rdt, ddof);
        return whole_result(L, bid, at->dtype, rdt, narrow, r, rtp);
    }
    LLVMValueRef count = i64c(L, 1);
    for (int d = 0; d < nd; d++) count = LLVMBuildMul(L->b, count, LLVMBuildSelect(L->b, red[d], cg_arr_shape(L, a, d), i64c(L, 1), ""), "");
    nonempty_reduction(L, bid, rdt, count);
    if (axis < 0) {   /* the axes last, as one lane (or lanes folded together) */
        const Type *pt = ty_array(at->dtype, nd, 'A', false);
        a = axes_last(L, at, a, red, nred);
        if (nred > 1 && foldable(bid) && !trailing) {   /* (trailing: one run, NumPy's one lane) */
            LLVMValueRef r = reduce_folded_inorder(L, bid, at, red, pt, a, nred, rdt, rtp);
            return r ? r : reduce_folded(L, bid, pt, a, nred, rdt, rtp);
        }
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
    if (reduce_by_rows(L, bid, at, a, axis, *rtp, r, oshape, rdt, ddof)) return r;
    const Type *vt = ty_array(at->dtype, nd, 'A', false);
    if (at->layout == 'F' && nd >= 2 && axis > 0 && rows_reduction(bid, vt, nd - 1 - axis, rdt)) {
        /* an F array along an axis other than its first (a transpose's rows): the same walks
         * over its dimensions reversed, a C-ordered view, into the result's dimensions reversed */
        const Type *rvt = ty_array(rdt, nkeep, 'A', false);
        LLVMValueRef roshape[64];
        for (int k = 0; k < nkeep; k++) roshape[k] = oshape[nkeep - 1 - k];
        reduce_by_rows(L, bid, vt, reversed_view(L, at, a, vt), nd - 1 - axis, rvt, reversed_view(L, *rtp, r, rvt), roshape, rdt, ddof);
        return r;
    }
    AxisEnv A = {.bid = bid, .axis = axis, .rdt = rdt, .at = at, .rt = *rtp, .a = a, .out = r, .ddof = ddof};
    bool arg = bid == BI_NP_ARGMIN || bid == BI_NP_ARGMAX;
    if (arg)   /* NumPy's error for an empty axis, results or not */
        extreme_nonempty(L, cg_arr_shape(L, a, axis), false, true, bid == BI_NP_ARGMIN ? "argmin" : "argmax");
    if (arg && cg_argaxis_suits(at, axis)) {   /* row by row where the layout suits (lower_extreme.c) */
        LLVMBasicBlockRef other = LLVMAppendBasicBlockInContext(L->c, L->func, "argaxis.lanes");
        LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "argaxis.done");
        cg_argaxis_rows(L, at, a, axis, bid == BI_NP_ARGMAX, 0, r, other);
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, other);
        cg_loop_nest(L, nkeep, oshape, axis_body, &A);
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, join);
        return r;
    }
    cg_loop_nest(L, nkeep, oshape, axis_body, &A);
    return r;
}

/* np.sum(a, axis=<the dimensions where reduced[d]>, dtype=rdt): a scalar when none is kept, else
 * a new C array of the kept dimensions in their order (*rtp its type). For np.einsum's sums of
 * one operand: the same walks as np.sum (rows of C and F arrays, pairwise lanes). */
LLVMValueRef cg_sum_dims(Lower *L, const Type *at, LLVMValueRef a, const bool *reduced, int rdt, const Type **rtp) {
    LLVMValueRef red[64];
    int nred = 0;
    for (int d = 0; d < at->ndim; d++) {
        red[d] = LLVMConstInt(L->i1, reduced[d], 0);
        nred += reduced[d];
    }
    bool narrow = rdt != ti_reduction_dtype(BI_NP_SUM, at->dtype, -1);
    return reduce_axes(L, BI_NP_SUM, at, a, red, nred, -1, rdt, NULL, narrow, rtp);   /* (it finds one constant axis) */
}

/* The one constant axis a call names (made non-negative), or -1. */
static int const_axis(Lower *L, Instr *in, CallInfo *ci, const Type **types, int nd, int nred) {
    int p = ti_reduction_param(ci, "axis");
    int64_t k;
    if (p < 0 || nred != 1 || ci->params[p]->kind == TY_TUPLE || !ti_param_const_int(L->ti, in, ci, p, &k)) return -1;
    return (int)(k < 0 ? k + nd : k);
}

static bool keepdims_arg(Lower *L, Instr *in, CallInfo *ci) {
    int p = ti_reduction_param(ci, "keepdims");
    int64_t k;
    return p >= 0 && ti_param_const_int(L->ti, in, ci, p, &k) && k;
}

/* ---- reductions of an array expression, without its temporary -------------------------------- *
 * np.sum(x * y, axis=1), np.max(np.abs(x - y)), (a > 0).any(axis=0): cg_plan_arrays fuses the
 * expression into the reduction, which computes each element where it reads it (cg_expr_at), as
 * if from the C-contiguous array NumPy makes, and in NumPy's order over that array:
 *  - along the last axis, one lane per result element (float sums pairwise, as NumPy's);
 *  - along another axis, row by row: r[i, l] = r[i, l] op e[i, j, l] for j in order (NumPy adds
 *    such an axis so), the inner loop running along the last axis across the results;
 *  - over every element, one lane along the flat index when every operand is C-contiguous of the
 *    expression's shape (checked at run time; a 1-d expression always is a lane); otherwise
 *    (broadcast operands, views of 2-d or more) the expression is made first, as unfused.
 * The loops are emitted twice: with every operand's last stride its item size (checked at run
 * time; loads along the last axis become vector loads), and with any strides. In a parallel=True
 * function the flat lane (and a 1-d expression's) is folded in chunks (reduce_lane_parallel with
 * Lane.expr); the loops along an axis run in the calling thread, as unfused axis reductions do. */
bool cg_reduce_fusable(Lower *L, Instr *call, int operand) {
    CallInfo *ci = call->op == IR_CALL ? L->ti->calls[call->id] : NULL;
    if (!ci || ci->kind != CALL_BUILTIN || ci->ufmethod) return false;
    if (ci->builtin == BI_LA_NORM) {   /* the 2-norm of every element: cg_fused_sum_squares */
        const Type *xt = L->ti->vtypes[operand];
        for (int k = 1; k < ci->nparams; k++)
            if (ci->argmap[k] != -1 && ci->params[k]->kind != TY_NONE) return false;
        return ci->argmap[0] >= 0 && call->args[ci->argmap[0]] == operand && xt->kind == TY_ARRAY && xt->ndim >= 1 &&
               ty_dtypes[xt->dtype].kind == 'f';
    }
    if (ci->dtype >= 0) return false;
    switch (ci->builtin) {
    case BI_NP_SUM: case BI_NP_PROD: case BI_NP_MIN: case BI_NP_MAX: case BI_NP_AMIN: case BI_NP_AMAX:
    case BI_NP_MEAN: case BI_NP_ALL: case BI_NP_ANY: case BI_NP_COUNT_NONZERO: break;
    default: return false;
    }
    if (ci->argmap[0] < 0 || call->args[ci->argmap[0]] != operand) return false;
    const Type *at = L->ti->vtypes[operand];
    if (at->kind == TY_METHOD) at = at->recv;
    if (at->kind != TY_ARRAY || at->ndim < 1) return false;
    const char *const *names = ti_reduction_params(ci->builtin, 0);
    for (int i = 1; names[i]; i++)   /* axis (one constant) and keepdims= only: not out=, dtype=, where= */
        if (strcmp(names[i], "axis") && strcmp(names[i], "keepdims") && ti_reduction_param(ci, names[i]) >= 0) return false;
    int p = ti_reduction_param(ci, "axis");
    int64_t k;
    if (p < 0) return true;
    return ci->params[p]->kind != TY_TUPLE && ti_param_const_int(L->ti, call, ci, p, &k);
}

typedef struct Fused {
    CgExpr *E;
    int bid, rdt, adt, nd, axis;   /* axis -1: every element */
    const Type *rt, *ct;           /* the result array (an axis); the accumulator's scalar type (row by row) */
    LLVMValueRef r, slot;          /* the result array, or (every element) a slot for the value */
    LLVMValueRef start;            /* row by row: the first index along the axis still to fold in */
    LLVMValueRef *outer;           /* a lane's position: the indices of the other dimensions */
} Fused;

/* element i of the lane at F->outer (every element: of the flat lane) */
static LLVMValueRef fused_elem(Lower *L, LLVMValueRef i, void *env) {
    Fused *F = env;
    LLVMValueRef idx[64];
    if (F->axis < 0) {
        idx[0] = i;
        return cg_expr_at(L, F->E, idx, F->nd > 1);
    }
    for (int k = 0, j = 0; k < F->nd; k++) idx[k] = k == F->axis ? i : F->outer[j++];
    return cg_expr_at(L, F->E, idx, false);
}

static LLVMValueRef fused_reduce_lane(Lower *L, Fused *F, LLVMValueRef n) {
    Lane ln = {.n = n, .dt = F->adt, .elem = fused_elem, .env = F, .buffered = cg_expr_buffers_sums(L, F->E)};
    return reduce_lane(L, F->bid, &ln, F->rdt, NULL);
}

static void fused_lane_body(Lower *L, LLVMValueRef *idx, void *env) {   /* one result of a last-axis reduction */
    Fused *F = env;
    F->outer = idx;
    LLVMValueRef v = fused_reduce_lane(L, F, cg_expr_dim(F->E, F->axis));
    cg_store_elem(L, F->rdt, cg_elem_ptr(L, F->rt, F->r, idx), v, lane_result_type(F->bid, F->adt, F->rdt));
}

/* The indices of the kept dimensions of position idx. */
static void kept_index(Fused *F, LLVMValueRef *idx, LLVMValueRef *oidx) {
    for (int k = 0, j = 0; k < F->nd; k++)
        if (k != F->axis) oidx[j++] = idx[k];
}

static void fused_row_body(Lower *L, LLVMValueRef *idx, void *env) {   /* r[kept] op= e[idx] */
    Fused *F = env;
    LLVMValueRef full[64], oidx[64];
    for (int k = 0; k < F->nd; k++) full[k] = k == F->axis ? LLVMBuildNSWAdd(L->b, idx[k], F->start, "") : idx[k];
    kept_index(F, full, oidx);
    row_fold_elem(L, F->bid, F->rdt, F->ct, cg_elem_ptr(L, F->rt, F->r, oidx), cg_expr_at(L, F->E, full, false),
                  ty_scalar_of(F->adt));
}

static void fused_row_first(Lower *L, LLVMValueRef *oidx, void *env) {   /* r[kept] = e[kept, 0] (min, max) */
    Fused *F = env;
    LLVMValueRef full[64];
    for (int k = 0, j = 0; k < F->nd; k++) full[k] = k == F->axis ? i64c(L, 0) : oidx[j++];
    cg_store_elem(L, F->rdt, cg_elem_ptr(L, F->rt, F->r, oidx), cg_expr_at(L, F->E, full, false), ty_scalar_of(F->adt));
}

static void fused_row_init(Lower *L, LLVMValueRef *oidx, void *env) {   /* r[kept] = the fold's identity */
    Fused *F = env;
    row_fold_identity(L, F->bid, F->rdt, F->ct, cg_elem_ptr(L, F->rt, F->r, oidx));
}

static void fused_row_mean(Lower *L, LLVMValueRef *oidx, void *env) {
    Fused *F = env;
    row_fold_mean(L, F->rdt, F->ct, cg_elem_ptr(L, F->rt, F->r, oidx), cg_expr_dim(F->E, F->axis));
}

/* The loops of one reduction (F->axis), into F->r or F->slot. */
static void fused_loops(Lower *L, Fused *F) {
    LLVMValueRef oshape[64], shape[64];
    for (int k = 0, j = 0; k < F->nd; k++) {
        shape[k] = cg_expr_dim(F->E, k);
        if (k != F->axis) oshape[j++] = shape[k];
    }
    if (F->axis < 0) {
        LLVMValueRef n = i64c(L, 1);
        for (int k = 0; k < F->nd; k++) n = LLVMBuildMul(L->b, n, shape[k], "");
        LLVMBuildStore(L->b, fused_reduce_lane(L, F, n), F->slot);
    } else if (F->axis == F->nd - 1) {
        nonempty_reduction(L, F->bid, F->rdt, shape[F->axis]);
        cg_loop_nest(L, F->nd - 1, oshape, fused_lane_body, F);
    } else {
        bool is_max = F->bid == BI_NP_MAX || F->bid == BI_NP_AMAX;
        F->start = i64c(L, 0);
        if (is_max || F->bid == BI_NP_MIN || F->bid == BI_NP_AMIN) {   /* from the first row: no identity */
            extreme_nonempty(L, shape[F->axis], is_max, false, "");
            cg_loop_nest(L, F->nd - 1, oshape, fused_row_first, F);
            F->start = i64c(L, 1);
        } else {
            cg_loop_nest(L, F->nd - 1, oshape, fused_row_init, F);
        }
        shape[F->axis] = LLVMBuildSub(L->b, shape[F->axis], F->start, "");
        cg_loop_nest(L, F->nd, shape, fused_row_body, F);
        if (F->bid == BI_NP_MEAN) cg_loop_nest(L, F->nd - 1, oshape, fused_row_mean, F);
    }
}

static void fused_loops_of(Lower *L, void *env) { fused_loops(L, env); }

/* fused_loops twice: reading the last axis with constant steps where cond (an i1) holds (and
 * there twice again where an operand may be stretched along it: cg_expr_unit_twins). */
static void fused_two_ways(Lower *L, Fused *F, LLVMValueRef cond) {
    if (LLVMIsAConstantInt(cond)) {   /* decided by the types: one way */
        if (LLVMConstIntGetZExtValue(cond)) cg_expr_unit_twins(L, F->E, fused_loops_of, F);
        else fused_loops(L, F);
        return;
    }
    LLVMBasicBlockRef unit = LLVMAppendBasicBlockInContext(L->c, L->func, "fused.unit");
    LLVMBasicBlockRef any = LLVMAppendBasicBlockInContext(L->c, L->func, "fused.strided");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "fused.done");
    LLVMBuildCondBr(L->b, cond, unit, any);
    LLVMPositionBuilderAtEnd(L->b, unit);
    cg_expr_unit_twins(L, F->E, fused_loops_of, F);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, any);
    fused_loops(L, F);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
}

/* Reduction call `in` of the fused array expression src (cg_reduce_fusable said yes). */
static LLVMValueRef fused_reduction(Lower *L, CallInfo *ci, Instr *in, int src, const Type **rtp) {
    const Type *at = L->ti->vtypes[src];
    int nd = at->ndim, bid = ci->builtin;
    Fused F = {.bid = bid, .adt = at->dtype, .nd = nd, .rdt = ti_reduction_dtype(bid, at->dtype, -1),
               .axis = const_axis(L, in, ci, NULL, nd, ti_reduction_param(ci, "axis") >= 0 ? 1 : nd)};
    if (nd == 1) F.axis = -1;   /* a 1-d expression along its axis: every element, a scalar */
    F.ct = lane_result_type(fold_lane_kind(bid), F.adt, F.rdt);
    F.E = cg_expr_open(L, src, nd, NULL, NULL, 0);
    if (!F.E) return NULL;
    if (F.axis >= 0) {
        LLVMValueRef oshape[64];
        for (int k = 0, j = 0; k < nd; k++)
            if (k != F.axis) oshape[j++] = cg_expr_dim(F.E, k);
        F.rt = *rtp = ty_array(F.rdt, nd - 1, 'C', false);
        F.r = cg_alloc_array(L, F.rt, oshape);
        fused_two_ways(L, &F, cg_expr_last_unit(L, F.E));
        return F.r;
    }
    const Type *vt = lane_result_type(bid, F.adt, F.rdt);
    F.slot = cg_entry_alloca(L, cg_type(L, vt), "fusedval");
    LLVMValueRef flat = nd == 1 ? cg_expr_last_unit(L, F.E) : cg_expr_flat_ok(F.E);
    /* parallel: the same lane folded in chunks (reduce_lane_parallel), each computing its elements */
    bool par = cg_threads(L);
    LLVMValueRef n = i64c(L, 1);
    for (int k = 0; k < nd; k++) n = LLVMBuildMul(L->b, n, cg_expr_dim(F.E, k), "");
    Lane ln = {.n = n, .dt = F.adt, .expr = F.E, .flat = nd > 1, .unit = nd == 1 ? flat : NULL};
    if (nd == 1 && par) {
        LLVMBuildStore(L->b, reduce_lane_parallel(L, bid, &ln, F.rdt, NULL), F.slot);
    } else if (nd == 1) {
        fused_two_ways(L, &F, flat);
    } else if (LLVMIsAConstantInt(flat) && LLVMConstIntGetZExtValue(flat)) {   /* one flat lane, by the types */
        if (par) LLVMBuildStore(L->b, reduce_lane_parallel(L, bid, &ln, F.rdt, NULL), F.slot);
        else fused_loops(L, &F);
    } else {   /* one flat lane, or the expression made first where its operands are not so */
        LLVMBasicBlockRef lane = LLVMAppendBasicBlockInContext(L->c, L->func, "fused.flat");
        LLVMBasicBlockRef made = LLVMAppendBasicBlockInContext(L->c, L->func, "fused.made");
        LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "fused.done");
        LLVMBuildCondBr(L->b, flat, lane, made);
        LLVMPositionBuilderAtEnd(L->b, lane);
        if (par) LLVMBuildStore(L->b, reduce_lane_parallel(L, bid, &ln, F.rdt, NULL), F.slot);
        else fused_loops(L, &F);
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, made);
        Lane whole = whole_lane(L, at, cg_expr_materialize(L, F.E), true);
        LLVMBuildStore(L->b, (par ? reduce_lane_parallel : reduce_lane)(L, bid, &whole, F.rdt, NULL), F.slot);
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, join);
    }
    return whole_result(L, bid, F.adt, F.rdt, false, LLVMBuildLoad2(L->b, cg_type(L, vt), F.slot, ""), rtp);
}

/* The value a reduction call reads, when it is a fused array expression (cg_reduce_fusable);
 * else -1. A method's receiver stands for the method. */
int cg_reduce_source(Lower *L, CallInfo *ci, Instr *in) {
    if (ci->argmap[0] < 0) return -1;
    int id = in->args[ci->argmap[0]];
    if (!L->fused[id]) return -1;
    Instr *src = L->fn->instrs[id];
    return src->op == IR_GETATTR ? src->args[0] : id;
}

static LLVMValueRef square_elem(Lower *L, LLVMValueRef i, void *env) {   /* e[i] * e[i] as a double */
    Fused *F = env;
    LLVMValueRef x = cg_cast(L, fused_elem(L, i, F), ty_scalar_of(F->adt), ty_float64);
    return LLVMBuildFMul(L->b, x, x, "");
}

typedef struct SquaresOf { Fused *F; LLVMValueRef n, slot; } SquaresOf;

static void squares_into(Lower *L, void *env) {
    SquaresOf *S = env;
    LLVMBuildStore(L->b, cg_pairwise_sum(L, L->f64, S->n, square_elem, S->F), S->slot);
}

/* The sum of the squares of every element of the fused array expression src (np.linalg.norm
 * of it is the root), pairwise, without making the expression: along its flat index where every
 * operand is C-contiguous of its shape (a 1-d expression: always, with constant steps where they
 * may be), else from the expression made first. NumPy takes this norm from a BLAS dot of the
 * made expression, in that library's order. */
LLVMValueRef cg_fused_sum_squares(Lower *L, int src) {
    const Type *at = L->ti->vtypes[src];
    int nd = at->ndim;
    Fused F = {.adt = at->dtype, .nd = nd, .axis = -1};
    if (!(F.E = cg_expr_open(L, src, nd, NULL, NULL, 0))) return NULL;
    LLVMValueRef n = i64c(L, 1);
    for (int k = 0; k < nd; k++) n = LLVMBuildMul(L->b, n, cg_expr_dim(F.E, k), "");
    SquaresOf S = {&F, n, cg_entry_alloca(L, L->f64, "sumsq")};
    LLVMValueRef lane_ok = nd == 1 ? cg_expr_last_unit(L, F.E) : cg_expr_flat_ok(F.E);
    if (LLVMIsAConstantInt(lane_ok) && LLVMConstIntGetZExtValue(lane_ok)) {   /* decided by the types */
        if (nd == 1) cg_expr_unit_twins(L, F.E, squares_into, &S);
        else squares_into(L, &S);
        return LLVMBuildLoad2(L->b, L->f64, S.slot, "");
    }
    LLVMBasicBlockRef lane = LLVMAppendBasicBlockInContext(L->c, L->func, "sumsq.lane");
    LLVMBasicBlockRef other = LLVMAppendBasicBlockInContext(L->c, L->func, "sumsq.other");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "sumsq.done");
    LLVMBuildCondBr(L->b, lane_ok, lane, other);
    LLVMPositionBuilderAtEnd(L->b, lane);
    if (nd == 1) cg_expr_unit_twins(L, F.E, squares_into, &S);
    else squares_into(L, &S);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, other);
    if (nd == 1) {   /* strided operands */
        squares_into(L, &S);
    } else {         /* broadcast or strided operands: made first, as a new C array */
        LLVMValueRef m = cg_arr_data(L, cg_expr_materialize(L, F.E));
        LLVMBuildStore(L->b, cg_sum_squares(L, m, n, i64c(L, ty_dtypes[F.adt].size), F.adt), S.slot);
    }
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    return LLVMBuildLoad2(L->b, L->f64, S.slot, "");
}

LLVMValueRef cg_reduction(Lower *L, CallInfo *ci, Instr *in, LLVMValueRef *args, const Type **types) {
    const Type *at = types[0], *rt;
    LLVMValueRef r;
    if (ty_is_number(at) && ci->params[0]->kind == TY_ARRAY) {   /* np.sum(3): of a 0-d array of it, as NumPy */
        LLVMValueRef one[1] = {i64c(L, 1)};
        LLVMValueRef z = cg_alloc_array(L, ci->params[0], one);   /* (owned by the frame) */
        cg_assign_array(L, ci->params[0], z, at, L->vals[in->args[ci->argmap[0]]]);
        args[0] = z;
        types[0] = at = ci->params[0];
    }
    int bid = reduction_kind(ci), nd = at->ndim, rdt = ti_reduction_dtype(ci->builtin, at->dtype, ci->dtype), p;
    int src = cg_reduce_source(L, ci, in);
    if (src >= 0) {
        if (!(r = fused_reduction(L, ci, in, src, &rt))) return NULL;
        if (keepdims_arg(L, in, ci)) {
            LLVMValueRef red[64];
            int axis = ti_reduction_param(ci, "axis") >= 0 ? const_axis(L, in, ci, NULL, nd, 1) : -1;
            for (int d = 0; d < nd; d++) red[d] = LLVMConstInt(L->i1, axis < 0 || d == axis, 0);
            r = keep_dims(L, rt, r, rdt, red, nd, axis < 0 ? nd : 1);
        }
        return r;
    }
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
LLVMValueRef cg_average(Lower *L, CallInfo *ci, Instr *in, LLVMValueRef *args, const Type **types) {
    const Type *at = types[0], *rt, *st;
    int nd = at->ndim, rdt = ti_reduction_dtype(BI_NP_AVERAGE, at->dtype, ci->dtype), pw = ti_reduction_param(ci, "weights");
    LLVMValueRef red[64], shape[64], r, scl;
    int nred = reduced_axes(L, ci, args, types, nd, red), axis = const_axis(L, in, ci, types, nd, nred);
    const Type *ct = ty_scalar_of(rdt);
    for (int d = 0; d < nd; d++) shape[d] = cg_arr_shape(L, args[0], d);
    if (pw < 0) {
        r = reduce_axes(L, BI_NP_MEAN, at, args[0], red, nred, axis, rdt, NULL, false, &rt);
        LLVMValueRef n = cg_array_size(L, at, args[0]), m = rt->kind == TY_ARRAY ? cg_array_size(L, rt, r) : i64c(L, 1);
        /* NumPy's a.size / avg.size: an empty result raises even where a is empty too */
        cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntEQ, m, i64c(L, 0), ""), "builtins:ZeroDivisionError", "division by zero");
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
