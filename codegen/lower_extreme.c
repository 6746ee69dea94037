/* lower_extreme.c: min, max, argmin, argmax, nanmin, nanmax, nanargmin and nanargmax of a
 * contiguous run of ints or floats, and argmin/argmax along a slow axis row by row, on explicit
 * vectors (issue 17).
 *
 * One mechanism serves every dtype and all four reductions. A range of elements is folded by
 * EXT_U independent vector accumulators of one machine vector each (512 bits with AVX-512:
 * 8 doubles, 16 floats, 64 int8), each step `x > acc ? x : acc` -- one vmaxpd / vpmaxsb, NaN
 * ignored -- while NaN is detected apart, an unordered compare of two loaded vectors OR-ed into
 * a flag (one compare per two vectors). The accumulators and the elements after the last whole
 * step are combined at the end. So:
 *   - min/max: the fold of the whole run; NaN if the flag is set. A zero result takes its sign
 *     as NumPy's reduction would (ext_numpy_zero, a scan that only such results pay for).
 *   - argmin/argmax: the run is taken in blocks; a block whose extreme is strictly better than
 *     the best so far becomes the best, a block with a NaN ends the scan (its first NaN is the
 *     answer: the first NaN wins, as in NumPy). Elements of 4 or 8 bytes take one pass per block
 *     (ext_argfold): per lane the best value and the step it came from, in vector registers,
 *     combined at the end into the least index among the lanes equal to the best. Narrower ints
 *     fold blocks of EXT_BLOCK steps and then search the best block for its first element equal
 *     to the best value. Either way the result is the first occurrence, -0.0 and 0.0 being equal
 *     as they are to NumPy's compares.
 *   - nanmin/nanmax: the min/max fold, started from -inf/inf where the first element is NaN; a
 *     result still there is checked by a search (no element equal to it: all were NaN).
 *   - nanargmin/nanargmax: the argmin/argmax blocks, each fold started from inf/-inf so that NaN
 *     never enters (NumPy counts NaN as that value); when no block gets beyond it, the first
 *     element that is it or NaN is the answer (none that is it: every one was NaN, ValueError).
 *   - along an axis before the last of a C array: cg_argaxis_rows, below.
 * Every element is read once by the folds; only one block is read again (argmin/argmax of
 * narrow ints, or the block holding the first NaN). */
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

/* The fewest elements of a run along an axis whose argmin/argmax (and min/max of doubles) the
 * vectors take (shorter ones: a scalar scan). Measured on AVX-512 over rows of 2 to 64 (1M
 * elements): the vectors' fixed cost (masked loads of EXT_U vectors, the combining at the end)
 * pays from a little over one machine vector (doubles from 9-12 elements, int32 from 16-24);
 * and 17 at least. The index of a float's extreme scans with vmaxsd on its chain (lower_reduce.c,
 * lane_extreme_scan), 0.43-0.53 ns an element: the vectors pay from about 40 (doubles and floats
 * alike: rows of 32 0.47 against 0.52 ms per 10^6, rows of 48 0.51 against 0.35). */
long long cg_extreme_min_run(Lower *L, int dt, bool index) {
    if (index && ty_dtypes[dt].kind == 'f') return 40;
    long long w = (long long)(vector_bytes(L) / (unsigned)ty_dtypes[dt].size);
    return w + 1 > 17 ? w + 1 : 17;
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

static LLVMValueRef splat(Lower *L, LLVMTypeRef vt, unsigned w, LLVMValueRef x) {
    return LLVMBuildShuffleVector(L->b, LLVMBuildInsertElement(L->b, LLVMGetPoison(vt), x, i64c(L, 0), ""), LLVMGetPoison(vt),
                                  LLVMConstNull(LLVMVectorType(L->i32, w)), "");
}

static const char *vec_suffix(Lower *L, LLVMTypeRef vt, char *buf, size_t size) {
    LLVMTypeRef et = LLVMGetElementType(vt);
    unsigned bits = LLVMGetTypeKind(et) == LLVMDoubleTypeKind ? 64 : LLVMGetTypeKind(et) == LLVMFloatTypeKind ? 32 : LLVMGetIntTypeWidth(et);
    snprintf(buf, size, "v%u%c%u", LLVMGetVectorSize(vt), LLVMGetTypeKind(et) == LLVMIntegerTypeKind ? 'i' : 'f', bits);
    (void)L;
    return buf;
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

/* the lanes of x beyond acc replace them in the value accumulator va and, with step sv, in the
 * step accumulator vs */
static void arg_take(Lower *L, Ext *E, LLVMValueRef x, LLVMValueRef sv, LLVMValueRef va, LLVMValueRef vs, LLVMTypeRef ivt) {
    LLVMValueRef acc = ld(L, E->vt, va), m = beyond(L, E, x, acc);
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, m, x, acc, ""), va);
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, m, sv, ld(L, ivt, vs), ""), vs);
}

/* argmin/argmax of elements [lo, hi) in one pass, for elements of 4 or 8 bytes and blocks of
 * fewer than 2^31 elements. EXT_U vector accumulators keep per lane the best value so far and
 * the step it came from, in an integer lane as wide as the element (one compare mask selects
 * both: vcmppd + two vblendvpd per vector). A lane is replaced only by an element strictly
 * beyond it, so each lane keeps its first best. The lanes start at the far end (-inf for
 * argmax, the dtype's least integer), which nothing is beyond; NaN never enters (ordered
 * compares) but is flagged in *nan. The elements after the last whole step take one masked
 * vector per accumulator, lanes past hi reading the far end. At the end: the best of all lanes,
 * and the least index among the lanes holding a value equal to it (-0.0 equals 0.0), which is
 * its first occurrence. Returns that value and its index in *index; when no element is beyond
 * the far end, every non-NaN element is it and *index is lo. */
static LLVMValueRef ext_argfold(Lower *L, Ext *E, LLVMValueRef lo, LLVMValueRef hi, LLVMValueRef *nan, LLVMValueRef *index) {
    unsigned bits = (unsigned)ty_dtypes[E->dt].size * 8, step = EXT_U * E->w;
    LLVMTypeRef it = LLVMIntTypeInContext(L->c, bits), ivt = LLVMVectorType(it, E->w), mt = LLVMVectorType(L->i1, E->w);
    unsigned long long top = 1ULL << (bits - 1);
    LLVMValueRef far = E->kind == 'f' ? LLVMConstReal(E->et, E->is_max ? -INFINITY : INFINITY)
                     : E->kind == 'i' ? LLVMConstInt(it, E->is_max ? top : top - 1, 0)
                                      : LLVMConstInt(it, E->is_max ? 0 : ~0ULL, 0);
    LLVMValueRef farv = splat(L, E->vt, E->w, far), iota[64];
    for (unsigned k = 0; k < E->w; k++) iota[k] = LLVMConstInt(it, k, 0);
    LLVMValueRef lanes = LLVMConstVector(iota, E->w);
    /* NaN seen per lane, as all-ones integer lanes: an OR of the compares' own masks */
    LLVMValueRef va[EXT_U], vs[EXT_U], nanv = slot(L, ivt, LLVMConstNull(ivt), "arg.nanv");
    for (int u = 0; u < EXT_U; u++) {
        va[u] = slot(L, E->vt, farv, "arg.best");
        vs[u] = slot(L, ivt, LLVMConstNull(ivt), "arg.step");
    }
    LLVMValueRef steps = LLVMBuildUDiv(L->b, LLVMBuildSub(L->b, hi, lo, ""), i64c(L, step), "");
    LoopCtx lc;
    LLVMValueRef s = cg_loop_begin(L, &lc, steps);
    LLVMValueRef j = LLVMBuildAdd(L->b, lo, LLVMBuildMul(L->b, s, i64c(L, step), ""), "");
    LLVMValueRef sv = splat(L, ivt, E->w, LLVMBuildIntCast2(L->b, s, it, 0, "")), x[EXT_U];
    for (int u = 0; u < EXT_U; u++) {
        x[u] = at(L, E, E->vt, LLVMBuildAdd(L->b, j, i64c(L, (long long)u * E->w), ""));
        arg_take(L, E, x[u], sv, va[u], vs[u], ivt);
    }
    if (E->kind == 'f') {   /* uno(a, b): a NaN in either */
        LLVMValueRef m = ld(L, ivt, nanv);
        for (int u = 0; u < EXT_U; u += 2)
            m = LLVMBuildOr(L->b, m, LLVMBuildSExt(L->b, LLVMBuildFCmp(L->b, LLVMRealUNO, x[u], x[u + 1], ""), ivt, ""), "");
        LLVMBuildStore(L->b, m, nanv);
    }
    cg_loop_end(L, &lc);
    /* the rest: step `steps`, lanes up to hi */
    LLVMValueRef p = LLVMBuildAdd(L->b, lo, LLVMBuildMul(L->b, steps, i64c(L, step), ""), "");
    sv = splat(L, ivt, E->w, LLVMBuildIntCast2(L->b, steps, it, 0, ""));
    char sfx[32], name[64];
    snprintf(name, sizeof name, "llvm.masked.load.%s.p0", vec_suffix(L, E->vt, sfx, sizeof sfx));
    LLVMValueRef m = ld(L, ivt, nanv);
    for (int u = 0; u < EXT_U; u++) {
        LLVMValueRef q = LLVMBuildAdd(L->b, p, i64c(L, (long long)u * E->w), "");
        LLVMValueRef rem = LLVMBuildSub(L->b, hi, q, "");   /* < step */
        rem = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, rem, i64c(L, 0), ""), i64c(L, 0), rem, "");
        LLVMValueRef mask = LLVMBuildICmp(L->b, LLVMIntULT, lanes, splat(L, ivt, E->w, LLVMBuildIntCast2(L->b, rem, it, 0, "")), "");
        LLVMTypeRef pt[4] = {L->ptr, L->i32, mt, E->vt};
        LLVMValueRef args[4] = {LLVMBuildGEP2(L->b, E->et, E->base, &q, 1, ""), LLVMConstInt(L->i32, 1, 0), mask, farv};
        LLVMValueRef xt = cg_call(L, name, E->vt, pt, args, 4);
        arg_take(L, E, xt, sv, va[u], vs[u], ivt);
        if (E->kind == 'f') m = LLVMBuildOr(L->b, m, LLVMBuildSExt(L->b, LLVMBuildFCmp(L->b, LLVMRealUNO, xt, xt, ""), ivt, ""), "");
    }
    if (E->kind == 'f') {
        LLVMTypeRef pt[1] = {ivt};
        snprintf(name, sizeof name, "llvm.vector.reduce.or.v%ui%u", E->w, bits);
        *nan = LLVMBuildICmp(L->b, LLVMIntNE, cg_call(L, name, it, pt, &m, 1), LLVMConstInt(it, 0, 0), "");
    } else {
        *nan = LLVMConstInt(L->i1, 0, 0);
    }
    /* the best lane value; the least index of the lanes equal to it */
    LLVMValueRef v = ld(L, E->vt, va[0]);
    for (int u = 1; u < EXT_U; u++) v = fold1(L, E, ld(L, E->vt, va[u]), v);
    LLVMValueRef best = hreduce(L, E, v), bestv = splat(L, E->vt, E->w, best);
    LLVMValueRef none = LLVMConstAllOnes(ivt), cand = none, stepv = splat(L, ivt, E->w, LLVMConstInt(it, step, 0));
    for (int u = 0; u < EXT_U; u++) {
        LLVMValueRef a = ld(L, E->vt, va[u]);
        LLVMValueRef eq = E->kind == 'f' ? LLVMBuildFCmp(L->b, LLVMRealOEQ, a, bestv, "") : LLVMBuildICmp(L->b, LLVMIntEQ, a, bestv, "");
        LLVMValueRef rel = LLVMBuildAdd(L->b, LLVMBuildMul(L->b, ld(L, ivt, vs[u]), stepv, ""),
                                        LLVMBuildAdd(L->b, lanes, splat(L, ivt, E->w, LLVMConstInt(it, (unsigned long long)u * E->w, 0)), ""), "");
        rel = LLVMBuildSelect(L->b, eq, rel, none, "");
        cand = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntULT, rel, cand, ""), rel, cand, "");
    }
    LLVMTypeRef pt[1] = {ivt};
    snprintf(name, sizeof name, "llvm.vector.reduce.umin.v%ui%u", E->w, bits);
    LLVMValueRef rel = cg_call(L, name, it, pt, &cand, 1);
    *index = LLVMBuildAdd(L->b, lo, LLVMBuildIntCast2(L->b, rel, L->i64, 0, ""), "");
    return best;
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
 * combined in a fixed tree (with AVX-512, lower halves win ties across 128-bit parts, upper
 * ones within them; with AVX2 and SSE, upper halves at every level), the first element entering with the lane that wins, and the elements after the last
 * whole vector follow one at a time, the last tie winning. So each element has a rank, and the
 * zero of highest rank is the answer: one scan, paid only when the result is a zero. Matched
 * against NumPy 2.4 with AVX-512 (znver4) and with AVX2 (znver3) for float64 and float32
 * (tests/test_extremes.py). */
static LLVMValueRef ext_numpy_zero(Lower *L, Ext *E, LLVMValueRef n, unsigned vbytes) {
    unsigned size = (unsigned)ty_dtypes[E->dt].size, lanes = vbytes / size, lbits = 0, low = 0;
    while ((1u << lbits) < lanes) lbits++;
    while ((1u << low) < 16 / size) low++;
    if (vbytes < 64) low = lbits;   /* AVX2 and SSE combine halves with the upper half winning at every level */
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
 * where it is a zero, the zero NumPy's whole-array loop gives: the sign of the zeros where they
 * all have one (a vector pass: np.min of 3000 doubles with a 0.0 took 8.6 us in the rank scan,
 * 0.17 without a zero, numba 1.6), else ext_numpy_zero's rank scan */
LLVMValueRef cg_extreme_zero_as_numpy(Lower *L, LLVMValueRef base, LLVMValueRef n, int dt, LLVMValueRef v) {
    unsigned vbytes = vector_bytes(L);
    Ext E = {.dt = dt, .kind = 'f', .et = cg_elem_llvm(L, dt), .base = base};
    LLVMValueRef res = slot(L, L->f64, v, "ext.res");
    LLVMBasicBlockRef zero = block(L, "ext.zero"), join = block(L, "ext.join");
    cg_br_expect(L, LLVMBuildFCmp(L->b, LLVMRealOEQ, v, f64c(L, 0), ""), false, zero, join);
    LLVMPositionBuilderAtEnd(L->b, zero);
    /* one vector pass first: zeros of one sign only (a grid from 0.0) are the answer as they are */
    unsigned bits = (unsigned)ty_dtypes[dt].size * 8;
    LLVMTypeRef it = LLVMIntTypeInContext(L->c, bits);
    LLVMValueRef pos = slot(L, L->i8, LLVMConstInt(L->i8, 0, 0), "zero.pos"), neg = slot(L, L->i8, LLVMConstInt(L->i8, 0, 0), "zero.neg");
    LoopCtx lc;
    LLVMValueRef x = LLVMBuildBitCast(L->b, at(L, &E, E.et, cg_loop_begin(L, &lc, n)), it, "");
    LLVMValueRef sign = LLVMConstInt(it, 1ULL << (bits - 1), 0);
    LLVMBuildStore(L->b, LLVMBuildOr(L->b, ld(L, L->i8, pos), LLVMBuildZExt(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, x, LLVMConstNull(it), ""), L->i8, ""), ""), pos);
    LLVMBuildStore(L->b, LLVMBuildOr(L->b, ld(L, L->i8, neg), LLVMBuildZExt(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, x, sign, ""), L->i8, ""), ""), neg);
    cg_loop_end(L, &lc);
    LLVMValueRef anyneg = LLVMBuildICmp(L->b, LLVMIntNE, ld(L, L->i8, neg), LLVMConstInt(L->i8, 0, 0), "");
    LLVMValueRef both = LLVMBuildAnd(L->b, anyneg, LLVMBuildICmp(L->b, LLVMIntNE, ld(L, L->i8, pos), LLVMConstInt(L->i8, 0, 0), ""), "");
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, anyneg, f64c(L, -0.0), f64c(L, 0.0), ""), res);
    LLVMBasicBlockRef mixed = block(L, "ext.zeros");
    cg_br_expect(L, both, false, mixed, join);
    LLVMPositionBuilderAtEnd(L->b, mixed);
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
 * np.nanmin/np.nanmax: NaN ignored, NaN only when every element is; with index
 * (np.nanargmin/np.nanargmax) NaN counts as inf/-inf, a ValueError when every element is NaN. */
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
    /* blocks: the best one so far (strictly better only), or the first with a NaN; skipping NaN,
     * a block's fold starts from far (-inf for argmax), so a NaN never enters it (NaN is far to
     * NumPy's nanargmax), and no block beyond far leaves the first far or NaN as the answer.
     * Elements of 4 or 8 bytes take one pass per block (ext_argfold: the block's best and its
     * index, blocks of 2^20 steps); narrower ones fold a block of EXT_BLOCK steps, then search
     * the best block again for its first element equal to the best. */
    bool skip = (flags & CG_EXT_SKIP_NAN) && E.kind == 'f', onepass = ty_dtypes[dt].size >= 4;
    LLVMValueRef far = skip ? LLVMConstReal(E.et, is_max ? -INFINITY : INFINITY) : NULL;
    LLVMValueRef bs = i64c(L, onepass ? (long long)EXT_U * E.w << 20 : (long long)EXT_BLOCK * EXT_U * E.w);
    LLVMValueRef best = slot(L, E.et, skip ? far : at(L, &E, E.et, i64c(L, 0)), "ext.bestv");
    /* the best block's first element (one pass: the best element's index); -1 for none yet */
    LLVMValueRef bestlo = slot(L, L->i64, i64c(L, skip ? -1 : 0), "ext.bestlo"), result = cg_entry_alloca(L, L->i64, "ext.index");
    LLVMValueRef lo = slot(L, L->i64, i64c(L, 0), "ext.lo");
    LLVMBasicBlockRef head = block(L, "ext.blocks"), body = block(L, "ext.block"), found = block(L, "ext.nan");
    LLVMBasicBlockRef next = block(L, "ext.next"), search = block(L, "ext.search"), done = block(L, "ext.done");
    LLVMBuildBr(L->b, head);
    LLVMPositionBuilderAtEnd(L->b, head);
    LLVMValueRef l = ld(L, L->i64, lo);
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, l, n, ""), body, search);
    LLVMPositionBuilderAtEnd(L->b, body);
    LLVMValueRef h = LLVMBuildAdd(L->b, l, bs, ""), where = l;
    h = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, h, n, ""), h, n, "");
    v = onepass ? ext_argfold(L, &E, l, h, &nan, &where) : ext_fold(L, &E, l, h, far, &nan);
    cg_br_expect(L, skip ? LLVMConstInt(L->i1, 0, 0) : nan, false, found, next);
    LLVMPositionBuilderAtEnd(L->b, found);   /* the block's first NaN is the answer */
    if (E.kind == 'f' && !skip) {
        LLVMBuildStore(L->b, ext_find(L, &E, l, h, NULL), result);
        LLVMBuildStore(L->b, LLVMConstReal(E.et, NAN), best);
        LLVMBuildBr(L->b, done);
    } else {
        LLVMBuildUnreachable(L->b);   /* ints, or NaN skipped: never taken */
    }
    LLVMPositionBuilderAtEnd(L->b, next);
    LLVMValueRef better = beyond(L, &E, v, ld(L, E.et, best));
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, better, v, ld(L, E.et, best), ""), best);
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, better, where, ld(L, L->i64, bestlo), ""), bestlo);
    LLVMBuildStore(L->b, h, lo);
    LLVMBuildBr(L->b, head);
    LLVMPositionBuilderAtEnd(L->b, search);   /* the first element of the best block equal to the best */
    LLVMValueRef bl = ld(L, L->i64, bestlo);
    if (skip) {   /* no block beyond far: the first far or NaN, ValueError when none is far */
        LLVMBasicBlockRef none = block(L, "ext.farthest"), some = block(L, "ext.search.best");
        cg_br_expect(L, LLVMBuildICmp(L->b, LLVMIntSLT, bl, i64c(L, 0), ""), false, none, some);
        LLVMPositionBuilderAtEnd(L->b, none);
        LLVMValueRef f = ext_find(L, &E, i64c(L, 0), n, far);
        cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntEQ, f, n, ""), "builtins:ValueError", "All-NaN slice encountered");
        LLVMValueRef g = ext_find(L, &E, i64c(L, 0), f, NULL);   /* a NaN before it */
        LLVMBuildStore(L->b, g, result);
        LLVMBuildBr(L->b, done);
        LLVMPositionBuilderAtEnd(L->b, some);
    }
    if (onepass) {
        LLVMBuildStore(L->b, bl, result);
    } else {
        LLVMValueRef bh = LLVMBuildAdd(L->b, bl, bs, "");
        bh = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, bh, n, ""), bh, n, "");
        LLVMBuildStore(L->b, ext_find(L, &E, bl, bh, ld(L, E.et, best)), result);
    }
    LLVMBuildBr(L->b, done);
    LLVMPositionBuilderAtEnd(L->b, done);
    *index = ld(L, L->i64, result);
    return canonical(L, &E, ld(L, E.et, best));
}

/* ---- argmin/argmax along a slow axis, row by row ----------------------------------------------- *
 * a.argmax(axis=k) of a C array, k not the last axis: one strided lane per result reads a column
 * at a time (5-7x NumPy). Instead, for each position of the dimensions before k, the result's
 * columns (the dimensions after k, one contiguous run of `inner` elements in every row) are taken
 * a tile at a time: per column a best value and the row it came from, carried in vectors while
 * the tile walks down the rows, each row's part one contiguous load per vector. A row replaces
 * the best only when strictly beyond it (ties keep the first row) or NaN where the best is not
 * (the first NaN wins and stays); with skip_nan (np.nanargmax with axis=) a NaN counts as -inf
 * (inf for argmin), as NumPy's nanargmax replaces it, and a column of NaN only raises. The row
 * is an i32 lane (vector_bytes / 4 of them, or one machine vector of wider elements); the columns
 * left after the last whole vector take one masked vector. */
#define ROWS_TILE_BYTES 256   /* per row per tile: up to four vectors */

typedef struct Rows {
    Ext E;
    bool skip_nan;
    unsigned u;                /* vectors per whole tile */
    LLVMTypeRef ivt, mt;       /* the rows' <w x i32>, the lanes' <w x i1> */
    LLVMValueRef n, step;      /* rows along the axis, the bytes from one to the next */
    LLVMValueRef base, out;    /* this position's row 0, its first result */
    LLVMValueRef far;          /* skip_nan: the value a NaN counts as */
} Rows;

/* the vector of elements at p (mask NULL: all of them; else the lanes it sets, 0 elsewhere) */
static LLVMValueRef rows_load(Lower *L, Rows *R, LLVMValueRef p, LLVMValueRef mask) {
    if (!mask) {
        LLVMValueRef x = LLVMBuildLoad2(L->b, R->E.vt, p, "");
        LLVMSetAlignment(x, 1);
        return x;
    }
    char sfx[32], name[64];
    snprintf(name, sizeof name, "llvm.masked.load.%s.p0", vec_suffix(L, R->E.vt, sfx, sizeof sfx));
    LLVMTypeRef pt[4] = {L->ptr, L->i32, R->mt, R->E.vt};
    LLVMValueRef args[4] = {p, LLVMConstInt(L->i32, 1, 0), mask, LLVMConstNull(R->E.vt)};
    return cg_call(L, name, R->E.vt, pt, args, 4);
}

/* a loaded vector as the fold sees it: NaN as R->far with skip_nan (*isnan: which were NaN) */
static LLVMValueRef rows_value(Lower *L, Rows *R, LLVMValueRef x, LLVMValueRef *isnan) {
    if (!R->skip_nan) return x;
    *isnan = LLVMBuildFCmp(L->b, LLVMRealUNO, x, x, "");
    return LLVMBuildSelect(L->b, *isnan, splat(L, R->E.vt, R->E.w, R->far), x, "");
}

/* whether row value x replaces best: strictly beyond it, or (floats, not skip_nan) NaN where best is not */
static LLVMValueRef rows_better(Lower *L, Rows *R, LLVMValueRef x, LLVMValueRef best) {
    if (R->E.kind != 'f' || R->skip_nan) return beyond(L, &R->E, x, best);
    return LLVMBuildAnd(L->b, LLVMBuildFCmp(L->b, R->E.is_max ? LLVMRealUGT : LLVMRealULT, x, best, ""),
                        LLVMBuildFCmp(L->b, LLVMRealORD, best, best, ""), "");
}

/* row j folded into accumulator set (best, row, nan) for the vector at column col */
static void rows_step(Lower *L, Rows *R, LLVMValueRef j, LLVMValueRef col, LLVMValueRef mask, LLVMValueRef *acc) {
    Ext *E = &R->E;
    LLVMValueRef isn = NULL, rp = cg_gep8(L, R->base, LLVMBuildMul(L->b, j, R->step, ""));
    LLVMValueRef x = rows_value(L, R, rows_load(L, R, LLVMBuildGEP2(L->b, E->et, rp, &col, 1, ""), mask), &isn);
    LLVMValueRef b = ld(L, E->vt, acc[0]), m = rows_better(L, R, x, b);
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, m, x, b, ""), acc[0]);
    LLVMValueRef jv = splat(L, R->ivt, E->w, LLVMBuildTrunc(L->b, j, L->i32, ""));
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, m, jv, ld(L, R->ivt, acc[1]), ""), acc[1]);
    if (R->skip_nan) LLVMBuildStore(L->b, LLVMBuildAnd(L->b, ld(L, R->mt, acc[2]), isn, ""), acc[2]);
}

/* set b's columns into set a where b's row comes first among equals (or is beyond a's value) */
static void rows_merge(Lower *L, Rows *R, LLVMValueRef *a, LLVMValueRef *b) {
    Ext *E = &R->E;
    LLVMValueRef va = ld(L, E->vt, a[0]), vb = ld(L, E->vt, b[0]), ra = ld(L, R->ivt, a[1]), rb = ld(L, R->ivt, b[1]);
    LLVMValueRef same = E->kind != 'f' ? LLVMBuildICmp(L->b, LLVMIntEQ, va, vb, "")
                      : LLVMBuildOr(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, va, vb, ""),
                                    LLVMBuildAnd(L->b, LLVMBuildFCmp(L->b, LLVMRealUNO, va, va, ""),
                                                 LLVMBuildFCmp(L->b, LLVMRealUNO, vb, vb, ""), ""), "");
    LLVMValueRef take = LLVMBuildOr(L->b, rows_better(L, R, vb, va),
                                    LLVMBuildAnd(L->b, same, LLVMBuildICmp(L->b, LLVMIntSLT, rb, ra, ""), ""), "");
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, take, vb, va, ""), a[0]);
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, take, rb, ra, ""), a[1]);
    if (R->skip_nan) LLVMBuildStore(L->b, LLVMBuildAnd(L->b, ld(L, R->mt, a[2]), ld(L, R->mt, b[2]), ""), a[2]);
}

/* The result columns [c, c + u * w) (mask: the one vector at c, its set lanes only). The rows
 * after the first are folded into g sets of accumulators in turn (row j into set j % g, the
 * rows left after the last whole group into set 0), g independent chains where a tile is
 * narrow; the sets are merged at the end, the first row winning among equals. */
static void rows_tile(Lower *L, Rows *R, LLVMValueRef c, unsigned u, unsigned g, LLVMValueRef mask) {
    Ext *E = &R->E;
    LLVMValueRef acc[4][4][3], col[4], isn = NULL;   /* [set][vector]: best, row, all NaN so far */
    for (unsigned k = 0; k < u; k++) {
        col[k] = LLVMBuildAdd(L->b, c, i64c(L, (long long)k * E->w), "");
        LLVMValueRef x = rows_value(L, R, rows_load(L, R, LLVMBuildGEP2(L->b, E->et, R->base, &col[k], 1, ""), mask), &isn);
        for (unsigned s = 0; s < g; s++) {
            acc[s][k][0] = slot(L, E->vt, x, "rows.best");
            acc[s][k][1] = slot(L, R->ivt, LLVMConstNull(R->ivt), "rows.row");
            acc[s][k][2] = R->skip_nan ? slot(L, R->mt, isn, "rows.allnan") : NULL;
        }
    }
    LLVMValueRef rest = LLVMBuildSub(L->b, R->n, i64c(L, 1), ""), groups = LLVMBuildUDiv(L->b, rest, i64c(L, g), "");
    LoopCtx lc;
    LLVMValueRef j = LLVMBuildAdd(L->b, LLVMBuildMul(L->b, cg_loop_begin(L, &lc, groups), i64c(L, g), ""), i64c(L, 1), "");
    for (unsigned s = 0; s < g; s++)
        for (unsigned k = 0; k < u; k++) rows_step(L, R, LLVMBuildAdd(L->b, j, i64c(L, s), ""), col[k], mask, acc[s][k]);
    cg_loop_end(L, &lc);
    if (g > 1) {
        LLVMValueRef from = LLVMBuildAdd(L->b, LLVMBuildMul(L->b, groups, i64c(L, g), ""), i64c(L, 1), "");
        j = LLVMBuildAdd(L->b, cg_loop_begin(L, &lc, LLVMBuildSub(L->b, R->n, from, "")), from, "");
        for (unsigned k = 0; k < u; k++) rows_step(L, R, j, col[k], mask, acc[0][k]);
        cg_loop_end(L, &lc);
        for (unsigned s = 1; s < g; s++)
            for (unsigned k = 0; k < u; k++) rows_merge(L, R, acc[0][k], acc[s][k]);
    }
    LLVMTypeRef ovt = LLVMVectorType(L->i64, E->w);
    char sfx[32], name[64];
    for (unsigned k = 0; k < u; k++) {
        if (R->skip_nan) {   /* a column of NaN: NumPy's ValueError */
            LLVMValueRef m = ld(L, R->mt, acc[0][k][2]);
            if (mask) m = LLVMBuildAnd(L->b, m, mask, "");
            LLVMTypeRef pt[1] = {R->mt};
            snprintf(name, sizeof name, "llvm.vector.reduce.or.v%ui1", E->w);
            cg_raise_if(L, cg_call(L, name, L->i1, pt, &m, 1), "builtins:ValueError", "All-NaN slice encountered");
        }
        LLVMValueRef v = LLVMBuildZExt(L->b, ld(L, R->ivt, acc[0][k][1]), ovt, "");
        LLVMValueRef p = LLVMBuildGEP2(L->b, L->i64, R->out, &col[k], 1, "");
        if (!mask) {
            LLVMSetAlignment(LLVMBuildStore(L->b, v, p), 8);
            continue;
        }
        snprintf(name, sizeof name, "llvm.masked.store.%s.p0", vec_suffix(L, ovt, sfx, sizeof sfx));
        LLVMTypeRef pt[4] = {ovt, L->ptr, L->i32, R->mt};
        LLVMValueRef args[4] = {v, p, LLVMConstInt(L->i32, 8, 0), mask};
        cg_call(L, name, L->voidt, pt, args, 4);
    }
}

/* columns from *c on, tiles of u vectors while whole ones fit in inner */
static void rows_tiles(Lower *L, Rows *R, LLVMValueRef c, LLVMValueRef inner, unsigned u) {
    LLVMValueRef t = i64c(L, (long long)u * R->E.w);
    LLVMBasicBlockRef head = block(L, "rows.tiles"), body = block(L, "rows.tile"), done = block(L, "rows.tiled");
    LLVMBuildBr(L->b, head);
    LLVMPositionBuilderAtEnd(L->b, head);
    LLVMValueRef at0 = ld(L, L->i64, c);
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSLE, LLVMBuildAdd(L->b, at0, t, ""), inner, ""), body, done);
    LLVMPositionBuilderAtEnd(L->b, body);
    rows_tile(L, R, at0, u, 4 / u, NULL);
    LLVMBuildStore(L->b, LLVMBuildAdd(L->b, at0, t, ""), c);
    LLVMBuildBr(L->b, head);
    LLVMPositionBuilderAtEnd(L->b, done);
}

typedef struct RowsEnv {
    Rows *R;
    const Type *at;
    LLVMValueRef a, r, inner;
    int axis;
} RowsEnv;

static void rows_position(Lower *L, LLVMValueRef *idx, void *env) {   /* idx: the dimensions before the axis */
    RowsEnv *V = env;
    Rows *R = V->R;
    LLVMValueRef off = i64c(L, 0), flat = i64c(L, 0);
    for (int k = 0; k < V->axis; k++) {
        off = LLVMBuildAdd(L->b, off, LLVMBuildMul(L->b, idx[k], cg_arr_stride(L, V->at, V->a, k), ""), "");
        flat = LLVMBuildAdd(L->b, LLVMBuildMul(L->b, flat, cg_arr_shape(L, V->a, k), ""), idx[k], "");
    }
    R->base = cg_gep8(L, cg_arr_data(L, V->a), off);
    LLVMValueRef first = LLVMBuildMul(L->b, flat, V->inner, "");
    R->out = LLVMBuildGEP2(L->b, L->i64, cg_arr_data(L, V->r), &first, 1, "");
    LLVMValueRef c = slot(L, L->i64, i64c(L, 0), "rows.col");
    if (R->u > 1) rows_tiles(L, R, c, V->inner, R->u);
    rows_tiles(L, R, c, V->inner, 1);
    LLVMValueRef at0 = ld(L, L->i64, c), rest = LLVMBuildSub(L->b, V->inner, at0, "");
    LLVMBasicBlockRef tail = block(L, "rows.rest"), done = block(L, "rows.done");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSGT, rest, i64c(L, 0), ""), tail, done);
    LLVMPositionBuilderAtEnd(L->b, tail);
    LLVMValueRef lanes[64];
    for (unsigned k = 0; k < R->E.w; k++) lanes[k] = i64c(L, k);
    LLVMValueRef mask = LLVMBuildICmp(L->b, LLVMIntSLT, LLVMConstVector(lanes, R->E.w), splat(L, LLVMVectorType(L->i64, R->E.w), R->E.w, rest), "");
    rows_tile(L, R, at0, 1, 4, mask);
    LLVMBuildBr(L->b, done);
    LLVMPositionBuilderAtEnd(L->b, done);
}

bool cg_argaxis_suits(const Type *at, int axis) {
    return at->ndim >= 2 && axis >= 0 && axis < at->ndim - 1 && at->layout != 'F' && cg_extreme_vectorizes(at->dtype);
}

/* r (int64, C order, a's shape without the axis) = argmin or argmax (flags: CG_EXT_SKIP_NAN,
 * nanargmin/nanargmax) of a along axis (cg_argaxis_suits), row by row; to `other` instead where
 * a's dimensions after the axis are not one contiguous run or the axis is 2^31 long or more.
 * The axis is not empty (the caller raised NumPy's ValueError). */
void cg_argaxis_rows(Lower *L, const Type *at, LLVMValueRef a, int axis, bool is_max, int flags, LLVMValueRef r,
                     LLVMBasicBlockRef other) {
    int nd = at->ndim, dt = at->dtype;
    unsigned vbytes = vector_bytes(L), size = (unsigned)ty_dtypes[dt].size;
    Rows R = {.E = {.dt = dt, .kind = ty_dtypes[dt].kind, .is_max = is_max, .et = cg_elem_llvm(L, dt)}};
    R.skip_nan = (flags & CG_EXT_SKIP_NAN) && R.E.kind == 'f';
    R.E.w = vbytes / (size < 4 ? 4 : size);
    R.E.vt = LLVMVectorType(R.E.et, R.E.w);
    R.ivt = LLVMVectorType(L->i32, R.E.w);
    R.mt = LLVMVectorType(L->i1, R.E.w);
    R.u = ROWS_TILE_BYTES / (R.E.w * size);
    if (R.u > 4) R.u = 4;
    if (R.u < 1) R.u = 1;
    if (R.skip_nan) R.far = LLVMConstReal(R.E.et, is_max ? -INFINITY : INFINITY);
    R.n = cg_arr_shape(L, a, axis);
    R.step = cg_arr_stride(L, at, a, axis);
    LLVMValueRef inner = i64c(L, 1), ok = LLVMBuildICmp(L->b, LLVMIntSLT, R.n, i64c(L, 1LL << 31), "");
    for (int k = axis + 1; k < nd; k++) inner = LLVMBuildMul(L->b, inner, cg_arr_shape(L, a, k), "");
    if (at->layout != 'C') {   /* strides of a C run: size, then each the next times its length */
        LLVMValueRef want = i64c(L, size);
        for (int k = nd - 1; k > axis; k--) {
            ok = LLVMBuildAnd(L->b, ok, LLVMBuildICmp(L->b, LLVMIntEQ, cg_arr_stride(L, at, a, k), want, ""), "");
            want = LLVMBuildMul(L->b, want, cg_arr_shape(L, a, k), "");
        }
    }
    LLVMBasicBlockRef go = block(L, "rows.go");
    LLVMBuildCondBr(L->b, ok, go, other);
    LLVMPositionBuilderAtEnd(L->b, go);
    LLVMValueRef oshape[64];
    for (int k = 0; k < axis; k++) oshape[k] = cg_arr_shape(L, a, k);
    RowsEnv V = {.R = &R, .at = at, .a = a, .r = r, .inner = inner, .axis = axis};
    cg_loop_nest(L, axis, oshape, rows_position, &V);
}
