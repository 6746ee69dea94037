/* lower_extreme.c: min, max, argmin, argmax, nanmin and nanmax of a contiguous run of ints or
 * floats, on explicit vectors (issue 17).
 *
 * One mechanism serves every dtype and all four reductions. A range of elements is folded by
 * EXT_U independent vector accumulators of one machine vector each (512 bits with AVX-512:
 * 8 doubles, 16 floats, 64 int8), each step `x > acc ? x : acc` -- one vmaxpd / vpmaxsb, NaN
 * ignored -- while NaN is detected apart, an unordered compare of two loaded vectors OR-ed into
 * a flag (one compare per two vectors). The accumulators and the elements after the last whole
 * step are combined at the end. So:
 *   - min/max: the fold of the whole run; NaN if the flag is set. A zero result takes its sign
 *     as NumPy's reduction would (ext_numpy_zero, a scan that only such results pay for).
 *   - argmin/argmax: the run is folded in blocks of EXT_BLOCK steps; a block whose extreme is
 *     strictly better than the best so far becomes the best block, a block with a NaN ends the
 *     scan (its first NaN is the answer: the first NaN wins, as in NumPy). The index is then the
 *     first element of the best block equal to the best value (a vector search), so the result
 *     is the first occurrence, -0.0 and 0.0 being equal as they are to NumPy's compares.
 *   - nanmin/nanmax: the min/max fold, started from -inf/inf where the first element is NaN; a
 *     result still there is checked by a search (no element equal to it: all were NaN).
 * Every element is read once by the folds; only one block is read again. */
#include "lower.h"
#include <math.h>
#include <stdio.h>

#define EXT_U 4        /* vector accumulators per step */
#define EXT_BLOCK 32   /* steps per argmin/argmax block: 1024 doubles, 8 KiB of any dtype */

typedef struct Ext {
    int dt;
    char kind;            /* 'f', 'i' or 'u' */
    bool is_max;
    unsigned w;           /* elements per vector */
    LLVMTypeRef et, vt;   /* element and vector types */
    LLVMValueRef base;    /* the first element */
} Ext;

/* the bytes of the vectors NumPy's loops use on this target (its dispatch: AVX-512, AVX2, SSE) */
static unsigned vector_bytes(Lower *L) {
    if (cg_has_feature(L, "+avx512f") && cg_has_feature(L, "+avx512bw")) return 64;
    return cg_has_feature(L, "+avx2") ? 32 : 16;
}

bool cg_extreme_vectorizes(int dt) {
    char k = ty_dtypes[dt].kind;
    return k == 'i' || k == 'u' || dt == DT_FLOAT64 || dt == DT_FLOAT32;
}

static LLVMValueRef slot(Lower *L, LLVMTypeRef t, LLVMValueRef init, const char *name) {
    LLVMValueRef s = cg_entry_alloca(L, t, name);
    LLVMBuildStore(L->b, init, s);
    return s;
}

static LLVMValueRef ld(Lower *L, LLVMTypeRef t, LLVMValueRef p) { return LLVMBuildLoad2(L->b, t, p, ""); }

static LLVMBasicBlockRef block(Lower *L, const char *name) { return LLVMAppendBasicBlockInContext(L->c, L->func, name); }

/* element i (or the vector from element i on) */
static LLVMValueRef at(Lower *L, Ext *E, LLVMTypeRef t, LLVMValueRef i) {
    LLVMValueRef p = LLVMBuildGEP2(L->b, E->et, E->base, &i, 1, "");
    LLVMValueRef x = LLVMBuildLoad2(L->b, t, p, "");
    LLVMSetAlignment(x, 1);   /* any buffer: unaligned data too */
    return x;
}

/* x strictly beyond acc (NaN never is): elementwise on vectors */
static LLVMValueRef beyond(Lower *L, Ext *E, LLVMValueRef x, LLVMValueRef acc) {
    if (E->kind == 'f') return LLVMBuildFCmp(L->b, E->is_max ? LLVMRealOGT : LLVMRealOLT, x, acc, "");
    LLVMIntPredicate p = E->kind == 'i' ? (E->is_max ? LLVMIntSGT : LLVMIntSLT) : (E->is_max ? LLVMIntUGT : LLVMIntULT);
    return LLVMBuildICmp(L->b, p, x, acc, "");
}

static LLVMValueRef fold1(Lower *L, Ext *E, LLVMValueRef x, LLVMValueRef acc) {
    return LLVMBuildSelect(L->b, beyond(L, E, x, acc), x, acc, "");
}

/* the extreme of a vector's elements (no NaN among them) */
static LLVMValueRef hreduce(Lower *L, Ext *E, LLVMValueRef v) {
    const char *op = E->kind == 'f' ? (E->is_max ? "fmax" : "fmin")
                   : E->kind == 'i' ? (E->is_max ? "smax" : "smin") : (E->is_max ? "umax" : "umin");
    char name[64];
    if (E->kind == 'f') snprintf(name, sizeof name, "llvm.vector.reduce.%s.v%uf%d", op, E->w, ty_dtypes[E->dt].size * 8);
    else snprintf(name, sizeof name, "llvm.vector.reduce.%s.v%ui%d", op, E->w, ty_dtypes[E->dt].size * 8);
    LLVMTypeRef pt[1] = {E->vt};
    return cg_call(L, name, E->et, pt, &v, 1);
}

/* The extreme of elements [lo, hi) (hi > lo) and start (NULL: element lo), NaN ignored, and
 * in *nan whether one was among them (false for ints). */
static LLVMValueRef ext_fold(Lower *L, Ext *E, LLVMValueRef lo, LLVMValueRef hi, LLVMValueRef start, LLVMValueRef *nan) {
    unsigned step = EXT_U * E->w;
    LLVMTypeRef mt = LLVMVectorType(L->i1, E->w);
    LLVMValueRef first = start ? start : at(L, E, E->et, lo);
    LLVMValueRef splat = LLVMBuildShuffleVector(L->b, LLVMBuildInsertElement(L->b, LLVMGetPoison(E->vt), first, i64c(L, 0), ""),
                                                LLVMGetPoison(E->vt), LLVMConstNull(LLVMVectorType(L->i32, E->w)), "");
    LLVMValueRef acc[EXT_U], nanv = slot(L, mt, LLVMConstNull(mt), "ext.nanv");
    for (int u = 0; u < EXT_U; u++) acc[u] = slot(L, E->vt, splat, "ext.acc");
    LLVMValueRef steps = LLVMBuildUDiv(L->b, LLVMBuildSub(L->b, hi, lo, ""), i64c(L, step), "");
    LoopCtx lc;
    LLVMValueRef j = LLVMBuildAdd(L->b, lo, LLVMBuildMul(L->b, cg_loop_begin(L, &lc, steps), i64c(L, step), ""), "");
    LLVMValueRef x[EXT_U];
    for (int u = 0; u < EXT_U; u++) {
        x[u] = at(L, E, E->vt, LLVMBuildAdd(L->b, j, i64c(L, (long long)u * E->w), ""));
        LLVMBuildStore(L->b, fold1(L, E, x[u], ld(L, E->vt, acc[u])), acc[u]);
    }
    if (E->kind == 'f') {   /* uno(a, b): a NaN in either */
        LLVMValueRef m = ld(L, mt, nanv);
        for (int u = 0; u < EXT_U; u += 2) m = LLVMBuildOr(L->b, m, LLVMBuildFCmp(L->b, LLVMRealUNO, x[u], x[u + 1], ""), "");
        LLVMBuildStore(L->b, m, nanv);
    }
    cg_loop_end(L, &lc);
    LLVMValueRef v = ld(L, E->vt, acc[0]);
    for (int u = 1; u < EXT_U; u++) v = fold1(L, E, ld(L, E->vt, acc[u]), v);
    LLVMValueRef best = slot(L, E->et, hreduce(L, E, v), "ext.best");
    LLVMValueRef anynan = slot(L, L->i1, LLVMConstInt(L->i1, 0, 0), "ext.nan");
    if (E->kind == 'f') {
        LLVMTypeRef pt[1] = {mt};
        char name[48];
        snprintf(name, sizeof name, "llvm.vector.reduce.or.v%ui1", E->w);
        LLVMValueRef m = ld(L, mt, nanv);
        LLVMBuildStore(L->b, cg_call(L, name, L->i1, pt, &m, 1), anynan);
    }
    LLVMValueRef from = LLVMBuildAdd(L->b, lo, LLVMBuildMul(L->b, steps, i64c(L, step), ""), "");
    LLVMValueRef i = LLVMBuildAdd(L->b, from, cg_loop_begin(L, &lc, LLVMBuildSub(L->b, hi, from, "")), "");
    LLVMValueRef xi = at(L, E, E->et, i);
    LLVMBuildStore(L->b, fold1(L, E, xi, ld(L, E->et, best)), best);
    if (E->kind == 'f')
        LLVMBuildStore(L->b, LLVMBuildOr(L->b, ld(L, L->i1, anynan), LLVMBuildFCmp(L->b, LLVMRealUNO, xi, xi, ""), ""), anynan);
    cg_loop_end(L, &lc);
    *nan = ld(L, L->i1, anynan);
    return ld(L, E->et, best);
}

/* The first i in [lo, hi) where x[i] == want (want NULL: where x[i] is NaN); hi when none. */
static LLVMValueRef ext_find(Lower *L, Ext *E, LLVMValueRef lo, LLVMValueRef hi, LLVMValueRef want) {
    LLVMValueRef pos = slot(L, L->i64, lo, "ext.pos"), res = slot(L, L->i64, hi, "ext.found");
    LLVMValueRef wantv = NULL;
    if (want)
        wantv = LLVMBuildShuffleVector(L->b, LLVMBuildInsertElement(L->b, LLVMGetPoison(E->vt), want, i64c(L, 0), ""),
                                       LLVMGetPoison(E->vt), LLVMConstNull(LLVMVectorType(L->i32, E->w)), "");
    LLVMTypeRef mi = LLVMIntTypeInContext(L->c, E->w);
    LLVMBasicBlockRef vhead = block(L, "find.vec"), vbody = block(L, "find.vbody"), vhit = block(L, "find.vhit");
    LLVMBasicBlockRef shead = block(L, "find.scalar"), sbody = block(L, "find.sbody"), done = block(L, "find.done");
    LLVMBuildBr(L->b, vhead);
    LLVMPositionBuilderAtEnd(L->b, vhead);   /* whole vectors */
    LLVMValueRef p = ld(L, L->i64, pos);
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSLE, LLVMBuildAdd(L->b, p, i64c(L, E->w), ""), hi, ""), vbody, shead);
    LLVMPositionBuilderAtEnd(L->b, vbody);
    LLVMValueRef x = at(L, E, E->vt, p);
    LLVMValueRef m = !want ? LLVMBuildFCmp(L->b, LLVMRealUNO, x, x, "")
                   : E->kind == 'f' ? LLVMBuildFCmp(L->b, LLVMRealOEQ, x, wantv, "") : LLVMBuildICmp(L->b, LLVMIntEQ, x, wantv, "");
    LLVMValueRef bits = LLVMBuildBitCast(L->b, m, mi, "");
    LLVMBuildStore(L->b, LLVMBuildAdd(L->b, p, i64c(L, E->w), ""), pos);
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntNE, bits, LLVMConstNull(mi), ""), vhit, vhead);
    LLVMPositionBuilderAtEnd(L->b, vhit);
    LLVMValueRef cz[2] = {bits, LLVMConstInt(L->i1, 1, 0)};
    LLVMTypeRef czt[2] = {mi, L->i1};
    char name[32];
    snprintf(name, sizeof name, "llvm.cttz.i%u", E->w);
    LLVMValueRef lane = LLVMBuildZExt(L->b, cg_call(L, name, mi, czt, cz, 2), L->i64, "");
    LLVMBuildStore(L->b, LLVMBuildAdd(L->b, p, lane, ""), res);
    LLVMBuildBr(L->b, done);
    LLVMPositionBuilderAtEnd(L->b, shead);   /* the rest, one at a time */
    p = ld(L, L->i64, pos);
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, p, hi, ""), sbody, done);
    LLVMPositionBuilderAtEnd(L->b, sbody);
    LLVMValueRef xs = at(L, E, E->et, p);
    LLVMValueRef hit = !want ? LLVMBuildFCmp(L->b, LLVMRealUNO, xs, xs, "")
                     : E->kind == 'f' ? LLVMBuildFCmp(L->b, LLVMRealOEQ, xs, want, "") : LLVMBuildICmp(L->b, LLVMIntEQ, xs, want, "");
    LLVMBuildStore(L->b, LLVMBuildAdd(L->b, p, i64c(L, 1), ""), pos);
    LLVMBasicBlockRef shit = block(L, "find.shit");
    LLVMBuildCondBr(L->b, hit, shit, shead);
    LLVMPositionBuilderAtEnd(L->b, shit);
    LLVMBuildStore(L->b, p, res);
    LLVMBuildBr(L->b, done);
    LLVMPositionBuilderAtEnd(L->b, done);
    return ld(L, L->i64, res);
}

/* The zero NumPy's min or max of these n elements gives, when that is zero (-0.0 and 0.0 tie).
 * NumPy reduces a contiguous run with the first element as the start and the others in vectors
 * of vector_bytes: each vector lane keeps the last of its tied elements, the lanes are then
 * combined in a fixed tree (lower halves win ties across 128-bit parts, upper ones within
 * them), the first element entering with the lane that wins, and the elements after the last
 * whole vector follow one at a time, the last tie winning. So each element has a rank, and the
 * zero of highest rank is the answer: one scan, paid only when the result is a zero. Matched
 * against NumPy 2.4 with AVX-512 for float64 and float32 (tests/test_extremes.py). */
static LLVMValueRef ext_numpy_zero(Lower *L, Ext *E, LLVMValueRef n, unsigned vbytes) {
    unsigned size = (unsigned)ty_dtypes[E->dt].size, lanes = vbytes / size, lbits = 0, low = 0;
    while ((1u << lbits) < lanes) lbits++;
    while ((1u << low) < 16 / size) low++;
    LLVMValueRef n1 = LLVMBuildAdd(L->b, n, i64c(L, 1), "");
    LLVMValueRef nv = LLVMBuildAnd(L->b, LLVMBuildSub(L->b, n, i64c(L, 1), ""), i64c(L, -(long long)lanes), "");
    LLVMValueRef x0 = at(L, E, E->et, i64c(L, 0)), best = slot(L, E->et, x0, "zero.best");
    LLVMValueRef rank = slot(L, L->i64, LLVMBuildSelect(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, x0, LLVMConstNull(E->et), ""),
                                                        LLVMBuildMul(L->b, i64c(L, lanes), n1, ""), i64c(L, -1), ""), "zero.rank");
    LoopCtx lc;
    LLVMValueRef i = LLVMBuildAdd(L->b, cg_loop_begin(L, &lc, LLVMBuildSub(L->b, n, i64c(L, 1), "")), i64c(L, 1), "");
    LLVMValueRef k = LLVMBuildSub(L->b, i, i64c(L, 1), "");
    LLVMValueRef j = LLVMBuildAnd(L->b, k, i64c(L, lanes - 1), "");   /* its lane, and the lane's place in the tree */
    LLVMValueRef t = LLVMBuildXor(L->b, j, i64c(L, (1 << low) - 1), "");
    t = LLVMBuildLShr(L->b, cg_intrinsic1(L, "llvm.bitreverse.i64", t), i64c(L, 64 - lbits), "");
    LLVMValueRef r = LLVMBuildAdd(L->b, LLVMBuildMul(L->b, LLVMBuildSub(L->b, i64c(L, lanes), t, ""), n1, ""),
                                  LLVMBuildAdd(L->b, LLVMBuildUDiv(L->b, k, i64c(L, lanes), ""), i64c(L, 1), ""), "");
    LLVMValueRef tail = LLVMBuildICmp(L->b, LLVMIntSGT, i, nv, "");
    r = LLVMBuildSelect(L->b, tail, LLVMBuildAdd(L->b, LLVMBuildMul(L->b, i64c(L, lanes + 1), n1, ""), i, ""), r, "");
    LLVMValueRef x = at(L, E, E->et, i);
    LLVMValueRef take = LLVMBuildAnd(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, x, LLVMConstNull(E->et), ""),
                                     LLVMBuildICmp(L->b, LLVMIntSGT, r, ld(L, L->i64, rank), ""), "");
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, take, x, ld(L, E->et, best), ""), best);
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, take, r, ld(L, L->i64, rank), ""), rank);
    cg_loop_end(L, &lc);
    return ld(L, E->et, best);
}

/* v (a float dtype's canonical scalar: the min or max of n contiguous elements at base), or
 * where it is a zero, the zero NumPy's whole-array loop gives (ext_numpy_zero) */
LLVMValueRef cg_extreme_zero_as_numpy(Lower *L, LLVMValueRef base, LLVMValueRef n, int dt, LLVMValueRef v) {
    unsigned vbytes = vector_bytes(L);
    Ext E = {.dt = dt, .kind = 'f', .et = cg_elem_llvm(L, dt), .base = base};
    LLVMValueRef res = slot(L, L->f64, v, "ext.res");
    LLVMBasicBlockRef zero = block(L, "ext.zero"), join = block(L, "ext.join");
    cg_br_expect(L, LLVMBuildFCmp(L->b, LLVMRealOEQ, v, f64c(L, 0), ""), false, zero, join);
    LLVMPositionBuilderAtEnd(L->b, zero);
    LLVMValueRef z = ext_numpy_zero(L, &E, n, vbytes);
    LLVMBuildStore(L->b, E.et == L->f64 ? z : LLVMBuildFPExt(L->b, z, L->f64, ""), res);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    return ld(L, L->f64, res);
}

static LLVMValueRef canonical(Lower *L, Ext *E, LLVMValueRef x) {
    LLVMValueRef tmp = cg_entry_alloca(L, E->et, "ext.elem");
    LLVMBuildStore(L->b, x, tmp);
    return cg_load_elem(L, E->dt, tmp);
}

/* The min (is_max false) or max of n >= 1 contiguous elements of dtype dt (cg_extreme_vectorizes)
 * from base, as the canonical scalar: NaN if any is NaN; with index, the index of its first
 * occurrence in *index (the first NaN's if any). flags: CG_EXT_NUMPY_ZERO, a zero result's sign
 * as NumPy's whole-array reduction gives it (else that of one of the zeros); CG_EXT_SKIP_NAN,
 * np.nanmin/np.nanmax: NaN ignored, NaN only when every element is (no index). */
LLVMValueRef cg_extreme_contig(Lower *L, LLVMValueRef base, LLVMValueRef n, int dt, bool is_max, LLVMValueRef *index,
                               int flags) {
    unsigned vbytes = vector_bytes(L);
    Ext E = {.dt = dt, .kind = ty_dtypes[dt].kind, .is_max = is_max, .et = cg_elem_llvm(L, dt), .base = base};
    E.w = vbytes / (unsigned)ty_dtypes[dt].size;
    E.vt = LLVMVectorType(E.et, E.w);
    LLVMValueRef nan, v;
    if (!index && (flags & CG_EXT_SKIP_NAN) && E.kind == 'f') {
        /* the fold never takes a NaN in, but starts from the first element: from the far end
         * instead when that is NaN; a result still there is the answer if some element equals
         * it, else every element was NaN */
        LLVMValueRef far = LLVMConstReal(E.et, is_max ? -INFINITY : INFINITY), x0 = at(L, &E, E.et, i64c(L, 0));
        v = ext_fold(L, &E, i64c(L, 0), n, LLVMBuildSelect(L->b, LLVMBuildFCmp(L->b, LLVMRealUNO, x0, x0, ""), far, x0, ""), &nan);
        LLVMValueRef res = slot(L, E.et, v, "ext.res");
        LLVMBasicBlockRef check = block(L, "ext.allnan"), out = block(L, "ext.out");
        cg_br_expect(L, LLVMBuildFCmp(L->b, LLVMRealOEQ, v, far, ""), false, check, out);
        LLVMPositionBuilderAtEnd(L->b, check);
        LLVMValueRef none = LLVMBuildICmp(L->b, LLVMIntEQ, ext_find(L, &E, i64c(L, 0), n, far), n, "");
        LLVMBuildStore(L->b, LLVMBuildSelect(L->b, none, LLVMConstReal(E.et, NAN), far, ""), res);
        LLVMBuildBr(L->b, out);
        LLVMPositionBuilderAtEnd(L->b, out);
        return canonical(L, &E, ld(L, E.et, res));
    }
    if (!index) {
        v = ext_fold(L, &E, i64c(L, 0), n, NULL, &nan);
        if (E.kind != 'f') return canonical(L, &E, v);
        /* NaN on a branch: a select of the constant became an AVX-512 masked load of it, which
         * cost ~100 ns a call (a.max(axis=1) of 1000x100 float64 3.5x slower than without) */
        LLVMValueRef res = slot(L, E.et, v, "ext.res");
        LLVMBasicBlockRef isnan = block(L, "ext.isnan"), join = block(L, "ext.join");
        cg_br_expect(L, nan, false, isnan, join);
        LLVMPositionBuilderAtEnd(L->b, isnan);
        LLVMBuildStore(L->b, LLVMConstReal(E.et, NAN), res);
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, join);
        v = canonical(L, &E, ld(L, E.et, res));
        return flags & CG_EXT_NUMPY_ZERO ? cg_extreme_zero_as_numpy(L, base, n, dt, v) : v;
    }
    /* blocks: the best one so far (strictly better only), or the first with a NaN */
    LLVMValueRef bs = i64c(L, (long long)EXT_BLOCK * EXT_U * E.w);
    LLVMValueRef best = slot(L, E.et, at(L, &E, E.et, i64c(L, 0)), "ext.bestv");
    LLVMValueRef bestlo = slot(L, L->i64, i64c(L, 0), "ext.bestlo"), result = cg_entry_alloca(L, L->i64, "ext.index");
    LLVMValueRef lo = slot(L, L->i64, i64c(L, 0), "ext.lo");
    LLVMBasicBlockRef head = block(L, "ext.blocks"), body = block(L, "ext.block"), found = block(L, "ext.nan");
    LLVMBasicBlockRef next = block(L, "ext.next"), search = block(L, "ext.search"), done = block(L, "ext.done");
    LLVMBuildBr(L->b, head);
    LLVMPositionBuilderAtEnd(L->b, head);
    LLVMValueRef l = ld(L, L->i64, lo);
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, l, n, ""), body, search);
    LLVMPositionBuilderAtEnd(L->b, body);
    LLVMValueRef h = LLVMBuildAdd(L->b, l, bs, "");
    h = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, h, n, ""), h, n, "");
    v = ext_fold(L, &E, l, h, NULL, &nan);
    cg_br_expect(L, nan, false, found, next);
    LLVMPositionBuilderAtEnd(L->b, found);   /* the block's first NaN is the answer */
    if (E.kind == 'f') {
        LLVMBuildStore(L->b, ext_find(L, &E, l, h, NULL), result);
        LLVMBuildStore(L->b, LLVMConstReal(E.et, NAN), best);
        LLVMBuildBr(L->b, done);
    } else {
        LLVMBuildUnreachable(L->b);   /* ints: nan is false */
    }
    LLVMPositionBuilderAtEnd(L->b, next);
    LLVMValueRef better = beyond(L, &E, v, ld(L, E.et, best));
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, better, v, ld(L, E.et, best), ""), best);
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, better, l, ld(L, L->i64, bestlo), ""), bestlo);
    LLVMBuildStore(L->b, h, lo);
    LLVMBuildBr(L->b, head);
    LLVMPositionBuilderAtEnd(L->b, search);   /* the first element of the best block equal to the best */
    LLVMValueRef bl = ld(L, L->i64, bestlo), bh = LLVMBuildAdd(L->b, bl, bs, "");
    bh = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, bh, n, ""), bh, n, "");
    LLVMBuildStore(L->b, ext_find(L, &E, bl, bh, ld(L, E.et, best)), result);
    LLVMBuildBr(L->b, done);
    LLVMPositionBuilderAtEnd(L->b, done);
    *index = ld(L, L->i64, result);
    return canonical(L, &E, ld(L, E.et, best));
}
