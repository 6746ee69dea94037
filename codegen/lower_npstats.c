/* lower_npstats.c: NumPy's statistics and searching functions in generated code (typed in
 * typeinfer/npstats.c).
 *
 * histogram, digitize and interp hand float64 lanes to runtime/stats.c; the rest are loops
 * here. A reduction over one axis (nan-functions, ptp, nanargmin/nanargmax) folds each lane of the reduced axis
 * (data pointer, length, byte stride) into one element of the result; axis=None folds the
 * array's elements as one lane. Along an axis other than a C array's last the nan-functions and
 * ptp instead walk the array once in C order, folding each element into arrays of per-result
 * accumulators (nan_rows; nanargmin/nanargmax: lower_extreme.c's rows), in the lanes' order.
 * nonzero/argwhere/flatnonzero count first, then fill. cov is NumPy's formula: the variables
 * as rows of a float64 matrix X, less their means, then X @ X.T (NumPy's own BLAS) times
 * 1 / (N - ddof). convolve and correlate run NumPy's kernel:
 * the longer operand first (swapping reverses the result), output i summing A[i - left + j] *
 * B[j] over the overlap, left given by the mode; the outputs are summed a block at a time, one
 * B[j] across the block per step, so the loop that runs is a vectorisable axpy along A.
 */
#include "lower.h"
#include <math.h>
#include <string.h>

static LLVMValueRef zero(Lower *L) { return i64c(L, 0); }
static LLVMValueRef isz(Lower *L, int dt) { return i64c(L, ty_dtypes[dt].size); }
static LLVMValueRef slt(Lower *L, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildICmp(L->b, LLVMIntSLT, a, b, ""); }
static LLVMValueRef add(Lower *L, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildAdd(L->b, a, b, ""); }
static LLVMValueRef mul(Lower *L, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildMul(L->b, a, b, ""); }
static LLVMValueRef load64(Lower *L, LLVMTypeRef t, LLVMValueRef slot) { return LLVMBuildLoad2(L->b, t, slot, ""); }
static bool given(CallInfo *ci, const Type **types, int i) { return ci->argmap[i] >= 0 && types[i]->kind != TY_NONE; }
static LLVMValueRef is_nan(Lower *L, LLVMValueRef x) { return LLVMBuildFCmp(L->b, LLVMRealUNO, x, x, ""); }

static LLVMValueRef slot_of(Lower *L, LLVMTypeRef t, LLVMValueRef init, const char *name) {
    LLVMValueRef s = cg_entry_alloca(L, t, name);
    LLVMBuildStore(L->b, init, s);
    return s;
}

/* v as a C-contiguous float64 array: itself when it is one (np.interp(x, xp, fp) of one x in a
 * loop copied xp and fp at every call: 443x numba's time for 10^5 sample points), else a copy. */
static LLVMValueRef f8_copy(Lower *L, const Type *t, LLVMValueRef v) {
    if (t->kind == TY_ARRAY && t->dtype == DT_FLOAT64 && t->layout == 'C' && !t->unaligned) return v;
    return cg_copy_array(L, t, v, ty_array(DT_FLOAT64, t->ndim, 'C', false));
}

static LLVMValueRef elem(Lower *L, int dt, LLVMValueRef data, LLVMValueRef i, LLVMValueRef stride) {
    return cg_load_elem(L, dt, cg_gep8(L, data, mul(L, i, stride)));
}

/* v narrowed to dtype dt and loaded back as its canonical scalar (an int8 result wraps). */
LLVMValueRef cg_through_dtype(Lower *L, LLVMValueRef v, const Type *vt, int dt) {
    LLVMValueRef slot = cg_entry_alloca(L, L->c128, "narrow");
    cg_store_elem(L, dt, slot, v, vt);
    return cg_load_elem(L, dt, slot);
}

static LLVMValueRef make_pair(Lower *L, const Type *tt, LLVMValueRef a, LLVMValueRef b) {
    LLVMValueRef v = LLVMGetUndef(cg_type(L, tt));
    v = LLVMBuildInsertValue(L->b, v, a, 0, "");
    return LLVMBuildInsertValue(L->b, v, b, 1, "");
}

/* ---- histogram, bincount, digitize, interp --------------------------------------------- */
/* np.histogram with equal-width bins runs here, block by block: a loop that stores nothing but
 * the block's bin numbers (LLVM vectorises it), then a loop that adds the block's counts (or
 * weights) into int64 (float64) counters: where the data is long enough, element j into copy
 * j % 4 of them, so a run of equal bins adds to four counters in turn instead of waiting on one.
 * Explicit edges are searched by runtime/stats.c.
 *
 * The bins are NumPy's: searchsorted(edges, x, 'right') - 1, the last bin closed, values outside
 * [first, last] and NaN dropped. Two loops find them:
 * - the fast one takes floor(t), t = (x - first) * rate (rate = nb / (last - first)), as the bin
 *   and tests no edge. t is a non-decreasing function of x, so where every edge e_k (k = 0..nb,
 *   the edges NumPy compares with, float32 ones included) has |t(e_k) - k| <= dev, a value whose
 *   t is more than eps > dev from every integer lies between the edges floor(t) and floor(t) + 1
 *   (x < e_k would give t(x) <= t(e_k) <= k + dev, x >= e_(k+1) would give t(x) >= k + 1 - dev):
 *   its bin is floor(t), or it is outside the range when floor(t) < 0 or >= nb. dev is measured
 *   on the edges once per call (the same t, in the same float64 operations). A block with any
 *   value within eps of an integer is binned again by the exact loop, and the next HIST_SKIP
 *   blocks go to it directly (data whose values sit on the edges, integers in integer bins, do
 *   not pay for both loops). The bins leave the loop clamped to [-1, nb]: -1 and nb are spare
 *   counters around the nb real ones;
 * - the exact one (ranges too narrow for the fast one, short lanes, blocks with values near an
 *   edge) moves the truncated estimate by one where it disagrees with the edges on either side,
 *   as NumPy does (NumPy's own estimate lands within the same one bin), the edges computed again
 *   from their formula, not loaded (no gathers); outside values and NaN go to the spare bin nb.
 * The bin numbers, integral float64s in [-1, nb], become integers as the low bits of k + 1.5 *
 * 2**52: without AVX-512 x86 has no vector conversion of doubles to int64, and fptosi made the
 * loop convert one lane at a time. */
enum { HIST_BLOCK = 256, HIST_AHEAD = 2 * HIST_BLOCK, HIST_COPIES = 4, HIST_COPY_MAX_BINS = 4096, HIST_SKIP = 8, HIST_FAST_MIN = 32 };

typedef struct {
    int dt;                          /* the lane's dtype, read as it is */
    LLVMValueRef data, stride;       /* the lane */
    int f32;                         /* 0: float64 edges; 1: float32, computed in float32; 2: float32, rounded */
    LLVMValueRef start, step;        /* edge k < nb is k * step + start (ember_rt_histogram_edges) */
    LLVMValueRef first, last, norm;  /* edges[0], edges[nb], nb / ((last - first) * scale) */
    LLVMValueRef scale;              /* 1, or 2**600 for a range too narrow for nb / (last - first) */
    LLVMValueRef nb, nbf, top;       /* the number of bins; it and nb - 1 as float64s */
    LLVMValueRef fast, rate, lo, hi; /* the fast loop may run (i1); t = (x - first) * rate; taken where lo < frac(t) < hi */
    LLVMValueRef near;               /* i64 slot: the values the fast loop met near an edge */
    LLVMValueRef span;               /* elements between the copies of the bins (0: one copy) */
    LLVMValueRef bins;               /* the block's bin numbers (-1, nb: the spare bins) */
} Hist;

static LLVMValueRef fcmp(Lower *L, LLVMRealPredicate p, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildFCmp(L->b, p, a, b, ""); }
static LLVMValueRef fsel(Lower *L, LLVMRealPredicate p, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildSelect(L->b, fcmp(L, p, a, b), a, b, ""); }

/* Element dtype dt at p as a float64, as NumPy's cast (unsigned integers as unsigned). */
static LLVMValueRef f64_at(Lower *L, int dt, LLVMValueRef p) {
    LLVMValueRef x = cg_load_elem(L, dt, p);
    char kind = ty_dtypes[dt].kind;
    if (kind == 'f') return x;
    if (kind == 'b' || (kind == 'u' && ty_dtypes[dt].size == 8)) return LLVMBuildUIToFP(L->b, x, L->f64, "");
    return LLVMBuildSIToFP(L->b, x, L->f64, "");
}

/* Edge k < nb (k an integral float64) as ember_rt_histogram_edges made it: computed again
 * rather than loaded, so that the loop vectorises without gathers. */
static LLVMValueRef edge_at(Lower *L, Hist *H, LLVMValueRef k) {
    LLVMTypeRef f4 = LLVMFloatTypeInContext(L->c);
    if (H->f32 == 1) {
        LLVMValueRef step = LLVMBuildFPTrunc(L->b, H->step, f4, ""), start = LLVMBuildFPTrunc(L->b, H->start, f4, "");
        LLVMValueRef e = LLVMBuildFAdd(L->b, LLVMBuildFMul(L->b, LLVMBuildFPTrunc(L->b, k, f4, ""), step, ""), start, "");
        return LLVMBuildFPExt(L->b, e, L->f64, "");
    }
    LLVMValueRef e = LLVMBuildFAdd(L->b, LLVMBuildFMul(L->b, k, H->step, ""), H->start, "");
    return H->f32 ? LLVMBuildFPExt(L->b, LLVMBuildFPTrunc(L->b, e, f4, ""), L->f64, "") : e;
}

/* The fast loop's estimate of x's bin, before the floor (the one function of x that both the
 * loop and the measure of the edges' deviation use). */
static LLVMValueRef hist_t(Lower *L, Hist *H, LLVMValueRef x) {
    return LLVMBuildFMul(L->b, LLVMBuildFSub(L->b, x, H->first, ""), H->rate, "");
}

/* Store bin k (an integral float64 in [-1, nb], nb < 2**51) as an int64 at H->bins[j]. */
static void hist_store_bin(Lower *L, Hist *H, LLVMValueRef k, LLVMValueRef j) {
    LLVMValueRef magic = f64c(L, 0x1.8p52);
    k = LLVMBuildSub(L->b, LLVMBuildBitCast(L->b, LLVMBuildFAdd(L->b, k, magic, ""), L->i64, ""),
                     LLVMBuildBitCast(L->b, magic, L->i64, ""), "");
    LLVMBuildStore(L->b, k, LLVMBuildGEP2(L->b, L->i64, H->bins, &j, 1, ""));
}

static LLVMValueRef hist_x(Lower *L, Hist *H, LLVMValueRef start, LLVMValueRef j, bool unit) {
    return f64_at(L, H->dt, cg_gep8(L, H->data, mul(L, add(L, start, j), unit ? isz(L, H->dt) : H->stride)));
}

/* H->bins[j] = the bin of lane element start + j, j < m (unit: the lane is contiguous), by the
 * exact loop. The bin is worked out as a float64 (out of range and NaN are left to the last
 * select) and converted once. */
static void hist_bin_block(Lower *L, Hist *H, LLVMValueRef start, LLVMValueRef m, bool unit) {
    LoopCtx lc;
    LLVMValueRef j = cg_loop_begin(L, &lc, m), one = f64c(L, 1);
    LLVMValueRef x = hist_x(L, H, start, j, unit);
    LLVMValueRef t = LLVMBuildFMul(L->b, LLVMBuildFMul(L->b, LLVMBuildFSub(L->b, x, H->first, ""), H->scale, ""), H->norm, "");
    t = LLVMBuildSelect(L->b, fcmp(L, LLVMRealOLT, t, H->top), t, H->top, "");   /* x == last: the last bin */
    LLVMValueRef k = cg_intrinsic1(L, "llvm.trunc.f64", t), k1 = LLVMBuildFAdd(L->b, k, one, "");
    LLVMValueRef below = fcmp(L, LLVMRealOLT, x, edge_at(L, H, k));
    LLVMValueRef above = LLVMBuildAnd(L->b, fcmp(L, LLVMRealOGE, x, edge_at(L, H, k1)), fcmp(L, LLVMRealONE, k, H->top), "");
    k = LLVMBuildSelect(L->b, below, LLVMBuildFSub(L->b, k, one, ""), LLVMBuildSelect(L->b, above, k1, k, ""), "");
    LLVMValueRef in = LLVMBuildAnd(L->b, fcmp(L, LLVMRealOGE, x, H->first), fcmp(L, LLVMRealOLE, x, H->last), "");
    hist_store_bin(L, H, LLVMBuildSelect(L->b, in, k, H->nbf, ""), j);
    cg_loop_end(L, &lc);
}

/* The same by the fast loop: H->bins[j] = floor(t) clamped to [-1, nb]; *H->near set where a
 * value's t is within eps of an integer (NaN and infinities are not: their t's fraction is NaN,
 * and they clamp to a spare bin). floor(t) and t - floor(t) are exact for t >= 0 (below 0 the
 * value is outside the range whatever the fraction). */
static void hist_fast_block(Lower *L, Hist *H, LLVMValueRef start, LLVMValueRef m, bool unit) {
    LoopCtx lc;
    LLVMValueRef j = cg_loop_begin(L, &lc, m);
    LLVMValueRef t = hist_t(L, H, hist_x(L, H, start, j, unit)), k = cg_intrinsic1(L, "llvm.floor.f64", t);
    LLVMValueRef d = LLVMBuildFSub(L->b, t, k, "");
    LLVMValueRef near = LLVMBuildOr(L->b, fcmp(L, LLVMRealOLE, d, H->lo), fcmp(L, LLVMRealOGE, d, H->hi), "");
    /* counted, in lanes as wide as the doubles' (a sum vectorises into one subtraction of the
     * compare mask; an or of i1s became a select LLVM 19 left scalar) */
    LLVMBuildStore(L->b, add(L, load64(L, L->i64, H->near), LLVMBuildZExt(L->b, near, L->i64, "")), H->near);
    k = fsel(L, LLVMRealOGT, k, f64c(L, -1));   /* NaN: -1 */
    hist_store_bin(L, H, fsel(L, LLVMRealOLT, k, H->nbf), j);
    cg_loop_end(L, &lc);
}

/* Add element start + j's count or weight to its bin in counts copy c (a byte pointer to its bin 0). */
static void hist_add(Lower *L, Hist *H, LLVMValueRef c, LLVMValueRef start, LLVMValueRef j, LLVMValueRef wd, LLVMValueRef ws) {
    LLVMValueRef k = load64(L, L->i64, LLVMBuildGEP2(L->b, L->i64, H->bins, &j, 1, ""));
    LLVMValueRef p = cg_gep8(L, c, mul(L, k, i64c(L, 8)));
    if (wd) LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, load64(L, L->f64, p), elem(L, DT_FLOAT64, wd, add(L, start, j), ws), ""), p);
    else LLVMBuildStore(L->b, add(L, load64(L, L->i64, p), i64c(L, 1)), p);
}

/* Bin the block [start, start + m) by loop `bin`, contiguous or strided. */
static void hist_bin_either(Lower *L, Hist *H, LLVMValueRef start, LLVMValueRef m, LLVMValueRef unit,
                            void (*bin)(Lower *, Hist *, LLVMValueRef, LLVMValueRef, bool), LLVMBasicBlockRef next) {
    LLVMBasicBlockRef bu = LLVMAppendBasicBlockInContext(L->c, L->func, "hist.unit");
    LLVMBasicBlockRef bs = LLVMAppendBasicBlockInContext(L->c, L->func, "hist.strided");
    LLVMBuildCondBr(L->b, unit, bu, bs);
    LLVMPositionBuilderAtEnd(L->b, bu);
    bin(L, H, start, m, true);
    LLVMBuildBr(L->b, next);
    LLVMPositionBuilderAtEnd(L->b, bs);
    bin(L, H, start, m, false);
    LLVMBuildBr(L->b, next);
}

/* The equal-width histogram of the lane into counts (int64, its copies of nb + 2 bins at
 * H->span apart, a byte pointer to copy 0's bin 0), or with weights (float64 lane wd, ws;
 * counts float64, one copy). */
static void hist_uniform(Lower *L, Hist *H, LLVMValueRef n, LLVMValueRef counts, LLVMValueRef wd, LLVMValueRef ws) {
    LLVMValueRef nblocks = LLVMBuildSDiv(L->b, add(L, n, i64c(L, HIST_BLOCK - 1)), i64c(L, HIST_BLOCK), "");
    LLVMValueRef unit = LLVMBuildICmp(L->b, LLVMIntEQ, H->stride, isz(L, H->dt), "");
    LLVMValueRef copy[HIST_COPIES];
    for (int q = 0; q < HIST_COPIES; q++) copy[q] = cg_gep8(L, counts, mul(L, H->span, i64c(L, 8 * q)));
    LLVMValueRef skip = slot_of(L, L->i64, zero(L), "skip");   /* blocks left to the exact loop */
    H->near = cg_entry_alloca(L, L->i64, "near");
    LoopCtx lb, lc;
    LLVMValueRef start = mul(L, cg_loop_begin(L, &lb, nblocks), i64c(L, HIST_BLOCK));
    LLVMValueRef rest = LLVMBuildSub(L->b, n, start, "");
    LLVMValueRef m = LLVMBuildSelect(L->b, slt(L, rest, i64c(L, HIST_BLOCK)), rest, i64c(L, HIST_BLOCK), "");
    LLVMBasicBlockRef bf = LLVMAppendBasicBlockInContext(L->c, L->func, "hist.fast");
    LLVMBasicBlockRef bt = LLVMAppendBasicBlockInContext(L->c, L->func, "hist.fastdone");
    LLVMBasicBlockRef be = LLVMAppendBasicBlockInContext(L->c, L->func, "hist.exact");
    LLVMBasicBlockRef bc = LLVMAppendBasicBlockInContext(L->c, L->func, "hist.count");
    LLVMValueRef sk = load64(L, L->i64, skip);
    LLVMBuildCondBr(L->b, LLVMBuildAnd(L->b, H->fast, LLVMBuildICmp(L->b, LLVMIntEQ, sk, zero(L), ""), ""), bf, be);
    LLVMPositionBuilderAtEnd(L->b, bf);
    LLVMBuildStore(L->b, zero(L), H->near);
    hist_bin_either(L, H, start, m, unit, hist_fast_block, bt);
    LLVMPositionBuilderAtEnd(L->b, bt);
    LLVMValueRef near = LLVMBuildICmp(L->b, LLVMIntNE, load64(L, L->i64, H->near), zero(L), "");
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, near, i64c(L, HIST_SKIP + 1), zero(L), ""), skip);
    LLVMBuildCondBr(L->b, near, be, bc);
    LLVMPositionBuilderAtEnd(L->b, be);
    sk = load64(L, L->i64, skip);
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, slt(L, zero(L), sk), LLVMBuildSub(L->b, sk, i64c(L, 1), ""), sk, ""), skip);
    hist_bin_either(L, H, start, m, unit, hist_bin_block, bc);
    LLVMPositionBuilderAtEnd(L->b, bc);
    LLVMValueRef quads = LLVMBuildSDiv(L->b, m, i64c(L, HIST_COPIES), ""), done = mul(L, quads, i64c(L, HIST_COPIES));
    LLVMValueRef j = mul(L, cg_loop_begin(L, &lc, quads), i64c(L, HIST_COPIES));
    for (int q = 0; q < HIST_COPIES; q++) hist_add(L, H, copy[q], start, add(L, j, i64c(L, q)), wd, ws);
    /* the lane HIST_AHEAD elements on, read into the cache while the counts are added: the
     * counting loop reads no lane, so the hardware's prefetch of it would stall until the next
     * block's bins are taken (a prefetch past the lane's end is harmless) */
    LLVMTypeRef pt[4] = {L->ptr, L->i32, L->i32, L->i32};
    LLVMValueRef pa[4] = {cg_gep8(L, H->data, mul(L, add(L, add(L, start, j), i64c(L, HIST_AHEAD)), H->stride)),
                          LLVMConstInt(L->i32, 0, 0), LLVMConstInt(L->i32, 3, 0), LLVMConstInt(L->i32, 1, 0)};   /* read, all caches, data */
    cg_call(L, "llvm.prefetch.p0", L->voidt, pt, pa, 4);
    cg_loop_end(L, &lc);
    j = add(L, cg_loop_begin(L, &lc, LLVMBuildSub(L->b, m, done, "")), done);
    hist_add(L, H, counts, start, j, wd, ws);
    cg_loop_end(L, &lc);
    cg_loop_end(L, &lb);
}

/* May the fast loop bin this lane (H's edges set): a range wide enough for rate = nb / range,
 * a lane of HIST_FAST_MIN elements and at least nb (measuring the edges costs a pass over
 * them), and every edge's t within dev < 1/8 of its index. Sets H->fast, rate, lo, hi. */
static void hist_fast_ok(Lower *L, Hist *H, LLVMValueRef n, LLVMValueRef ed, LLVMValueRef range) {
    LLVMValueRef nb = H->nb;
    H->rate = LLVMBuildFDiv(L->b, H->nbf, range, "");
    LLVMValueRef dev = slot_of(L, L->f64, f64c(L, 0), "dev");
    LLVMValueRef worth = LLVMBuildAnd(L->b, LLVMBuildICmp(L->b, LLVMIntSGE, n, i64c(L, HIST_FAST_MIN), ""),
                                      LLVMBuildICmp(L->b, LLVMIntSGE, n, nb, ""), "");
    worth = LLVMBuildAnd(L->b, worth, fcmp(L, LLVMRealOGE, range, f64c(L, 0x1p-960)), "");
    LLVMBasicBlockRef bm = LLVMAppendBasicBlockInContext(L->c, L->func, "hist.measure");
    LLVMBasicBlockRef bd = LLVMAppendBasicBlockInContext(L->c, L->func, "hist.measured");
    LLVMBuildStore(L->b, f64c(L, INFINITY), dev);
    LLVMBuildCondBr(L->b, worth, bm, bd);
    LLVMPositionBuilderAtEnd(L->b, bm);
    LLVMBuildStore(L->b, f64c(L, 0), dev);
    LoopCtx lc;
    LLVMValueRef k = cg_loop_begin(L, &lc, add(L, nb, i64c(L, 1)));
    LLVMValueRef t = hist_t(L, H, elem(L, DT_FLOAT64, ed, k, i64c(L, 8)));
    /* exact where |t - k| < 1/4 (k >= 1: Sterbenz; k = 0: t itself); larger, NaN: no fast loop */
    LLVMValueRef dv = cg_intrinsic1(L, "llvm.fabs.f64", LLVMBuildFSub(L->b, t, LLVMBuildSIToFP(L->b, k, L->f64, ""), ""));
    LLVMValueRef cur = load64(L, L->f64, dev);
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, fcmp(L, LLVMRealUGT, dv, cur), dv, cur, ""), dev);
    cg_loop_end(L, &lc);
    LLVMBuildBr(L->b, bd);
    LLVMPositionBuilderAtEnd(L->b, bd);
    /* eps >= dev + 2**-41 after rounding, so lo = eps > dev and hi = 1 - eps (rounded) < 1 - dev */
    LLVMValueRef eps = LLVMBuildFAdd(L->b, load64(L, L->f64, dev), f64c(L, 0x1p-40), "");
    H->fast = fcmp(L, LLVMRealOLT, eps, f64c(L, 0.125));
    H->lo = eps;
    H->hi = LLVMBuildFSub(L->b, f64c(L, 1), eps, "");
}

/* The counts of np.histogram(a, nb) in a new array of type ht: H has the lane and the edges
 * (but for first, last, norm, top, span, bins). */
static LLVMValueRef hist_equal_bins(Lower *L, Hist H, const Type *ht, LLVMValueRef n, LLVMValueRef fedges, LLVMValueRef wd,
                                    LLVMValueRef ws) {
    LLVMValueRef nb = H.nb, ed = cg_arr_data(L, fedges);
    H.first = elem(L, DT_FLOAT64, ed, zero(L), i64c(L, 8));
    H.last = elem(L, DT_FLOAT64, ed, nb, i64c(L, 8));
    /* A range narrower than 2**-960 (nb / range could overflow): both sides scaled by 2**600, so
     * the estimate stays within the one bin the edges correct (NumPy divides instead). */
    LLVMValueRef range = LLVMBuildFSub(L->b, H.last, H.first, "");
    LLVMValueRef tiny = fcmp(L, LLVMRealOLT, range, f64c(L, 0x1p-960));
    H.scale = LLVMBuildSelect(L->b, tiny, f64c(L, 0x1p600), f64c(L, 1), "");
    H.norm = LLVMBuildFDiv(L->b, LLVMBuildSIToFP(L->b, nb, L->f64, ""), LLVMBuildFMul(L->b, range, H.scale, ""), "");
    H.top = LLVMBuildSIToFP(L->b, LLVMBuildSub(L->b, nb, i64c(L, 1), ""), L->f64, "");
    H.nbf = LLVMBuildSIToFP(L->b, nb, L->f64, "");
    H.bins = cg_entry_alloca(L, LLVMArrayType(L->i64, HIST_BLOCK), "bins");
    hist_fast_ok(L, &H, n, ed, range);
    LLVMValueRef width = add(L, nb, i64c(L, 2));   /* the spare bins -1 and nb, the nb bins */
    LLVMValueRef copies = i64c(L, 1);
    if (!wd) {   /* several copies where the data is 16 times the bins and the copies fit in L2 */
        LLVMValueRef many = LLVMBuildAnd(L->b, LLVMBuildICmp(L->b, LLVMIntSLE, mul(L, width, i64c(L, 16)), n, ""),
                                         LLVMBuildICmp(L->b, LLVMIntSLE, width, i64c(L, HIST_COPY_MAX_BINS), ""), "");
        copies = LLVMBuildSelect(L->b, many, i64c(L, HIST_COPIES), copies, "");
    }
    H.span = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, copies, i64c(L, 1), ""), zero(L), width, "");
    const Type *ct = ty_array(wd ? DT_FLOAT64 : DT_INT64, 1, 'C', false);
    LLVMValueRef size = mul(L, copies, width);
    LLVMValueRef counts = cg_alloc_array(L, ct, &size), cd = cg_gep8(L, cg_arr_data(L, counts), i64c(L, 8));
    cg_assign_noalias(L, ct, counts, ty_bool, LLVMConstInt(L->i1, 0, 0));
    hist_uniform(L, &H, n, cd, wd, ws);
    LLVMValueRef hist = cg_alloc_array(L, ht, &nb), hd = cg_arr_data(L, hist);
    LoopCtx lc, lk;
    LLVMValueRef i = cg_loop_begin(L, &lc, nb);
    LLVMValueRef p = cg_gep8(L, cd, mul(L, i, i64c(L, 8)));
    if (wd) {
        cg_store_elem(L, ht->dtype, cg_gep8(L, hd, mul(L, i, isz(L, ht->dtype))), load64(L, L->f64, p), ty_float64);
    } else {
        LLVMValueRef sum = slot_of(L, L->i64, load64(L, L->i64, p), "count");
        LLVMValueRef c = add(L, cg_loop_begin(L, &lk, LLVMBuildSub(L->b, copies, i64c(L, 1), "")), i64c(L, 1));
        LLVMBuildStore(L->b, add(L, load64(L, L->i64, sum), elem(L, DT_INT64, cd, add(L, i, mul(L, c, width)), i64c(L, 8))), sum);
        cg_loop_end(L, &lk);
        cg_store_elem(L, ht->dtype, cg_gep8(L, hd, mul(L, i, isz(L, ht->dtype))), load64(L, L->i64, sum), ty_int64);
    }
    cg_loop_end(L, &lc);
    return hist;
}

static LLVMValueRef np_histogram(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *rt = ci->ret, *ht = rt->elems[0], *et = rt->elems[1], *f8 = ty_array(DT_FLOAT64, 1, 'C', false);
    int64_t density = 0;
    if (given(ci, types, 3)) ti_const_int(L->ti, in->args[ci->argmap[3]], &density);
    const Type *ct = density ? f8 : ht;   /* the counts, before density divides them */
    LLVMValueRef data, n, stride, edges, fedges, nedges, hist;
    LLVMValueRef wd = LLVMConstNull(L->ptr), wn, ws = zero(L);
    bool weights = given(ci, types, 4), r = given(ci, types, 2);
    int uniform = !(given(ci, types, 1) && types[1]->kind == TY_ARRAY);
    /* equal bins over a given range read the lane as it is; else as float64 values */
    int dt = uniform && r ? -1 : DT_FLOAT64;
    cg_flat_lane(L, types[0], args[0], dt, &data, &n, &stride);
    if (dt < 0) dt = types[0]->dtype;
    if (weights) {
        cg_flat_lane(L, types[4], args[4], DT_FLOAT64, &wd, &wn, &ws);
        cg_raise_unless(L, LLVMBuildICmp(L->b, LLVMIntEQ, wn, n, ""), "builtins:ValueError", "weights should have the same shape as a.");
    }
    if (!uniform) {
        edges = cg_copy_array(L, types[1], args[1], et);
        fedges = et->dtype == DT_FLOAT64 ? edges : cg_copy_array(L, types[1], args[1], f8);
        nedges = cg_arr_shape(L, edges, 0);
        LLVMValueRef nbins = LLVMBuildSub(L->b, nedges, i64c(L, 1), "");
        cg_raise_if(L, slt(L, nbins, zero(L)), "builtins:ValueError", "`bins` must be 1d, when an array");
        hist = cg_alloc_array(L, f8, &nbins);
        cg_assign_noalias(L, f8, hist, ty_bool, LLVMConstInt(L->i1, 0, 0));
        LLVMTypeRef pt[8] = {L->ptr, L->i64, L->i64, L->ptr, L->i64, L->ptr, L->i64, L->ptr};
        LLVMValueRef a[8] = {data, n, stride, wd, ws, cg_arr_data(L, fedges), nedges, cg_arr_data(L, hist)};
        cg_rt_check(L, "ember_rt_histogram", pt, a, 8);
        if (ct != f8) hist = cg_copy_array(L, f8, hist, ct);
    } else {
        LLVMValueRef nb = given(ci, types, 1) ? cg_cast(L, args[1], types[1], ty_int64) : i64c(L, 10);
        cg_raise_if(L, slt(L, nb, i64c(L, 1)), "builtins:ValueError", "`bins` must be positive, when an integer");
        nedges = add(L, nb, i64c(L, 1));
        edges = fedges = cg_alloc_array(L, f8, &nedges);
        LLVMValueRef lo = f64c(L, 0), hi = f64c(L, 0);
        if (r) {
            const Type *pt = types[2];
            lo = cg_cast(L, LLVMBuildExtractValue(L->b, args[2], 0, ""), pt->elems[0], ty_float64);
            hi = cg_cast(L, LLVMBuildExtractValue(L->b, args[2], 1, ""), pt->elems[1], ty_float64);
        }
        LLVMValueRef mode = LLVMConstInt(L->i32, r, 0);
        if (!r) {   /* a contiguous lane's range on vectors (the runtime's scan was 2/3 of the call); others the runtime finds */
            LLVMValueRef range = cg_entry_alloca(L, LLVMArrayType(L->f64, 2), "autorange"), how = cg_entry_alloca(L, L->i32, "how");
            LLVMBuildStore(L->b, LLVMConstInt(L->i32, 0, 0), how);
            LLVMBasicBlockRef vec = LLVMAppendBasicBlockInContext(L->c, L->func, "hist.range");
            LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, L->func, "hist.ranged");
            LLVMBuildCondBr(L->b, LLVMBuildAnd(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, stride, i64c(L, 8), ""),
                                               slt(L, zero(L), n), ""), vec, done);
            LLVMPositionBuilderAtEnd(L->b, vec);
            LLVMBuildStore(L->b, cg_extreme_contig(L, data, n, DT_FLOAT64, false, NULL, CG_EXT_NUMPY_ZERO), range);
            LLVMBuildStore(L->b, cg_extreme_contig(L, data, n, DT_FLOAT64, true, NULL, CG_EXT_NUMPY_ZERO),
                           cg_gep8(L, range, i64c(L, 8)));
            LLVMBuildStore(L->b, LLVMConstInt(L->i32, 2, 0), how);
            LLVMBuildBr(L->b, done);
            LLVMPositionBuilderAtEnd(L->b, done);
            mode = LLVMBuildLoad2(L->b, L->i32, how, "");
            lo = LLVMBuildLoad2(L->b, L->f64, range, "");
            hi = LLVMBuildLoad2(L->b, L->f64, cg_gep8(L, range, i64c(L, 8)), "");
        }
        bool f32 = et->dtype == DT_FLOAT32;
        LLVMValueRef line = cg_entry_alloca(L, LLVMArrayType(L->f64, 2), "line");
        LLVMTypeRef pt[10] = {L->ptr, L->i64, L->i64, L->i64, L->i32, L->i32, L->f64, L->f64, L->ptr, L->ptr};
        LLVMValueRef a[10] = {data, r ? zero(L) : n, stride, nb, mode, LLVMConstInt(L->i32, f32, 0),
                              lo, hi, cg_arr_data(L, edges), line};
        cg_rt_check(L, "ember_rt_histogram_edges", pt, a, 10);
        if (f32) edges = cg_copy_array(L, f8, fedges, et);   /* float32 edges: the counts are taken against them, as NumPy's */
        Hist H = {.dt = dt, .data = data, .stride = stride, .nb = nb, .f32 = f32 ? (r ? 2 : 1) : 0,
                  .start = elem(L, DT_FLOAT64, line, zero(L), i64c(L, 8)), .step = elem(L, DT_FLOAT64, line, i64c(L, 1), i64c(L, 8))};
        hist = hist_equal_bins(L, H, ct, n, fedges, weights ? wd : NULL, ws);
    }
    if (!density) return make_pair(L, rt, hist, edges);
    /* density: n / diff(edges) / n.sum(), as NumPy divides */
    LLVMValueRef nbins = LLVMBuildSub(L->b, nedges, i64c(L, 1), "");
    LLVMValueRef total = slot_of(L, L->f64, f64c(L, 0), "total"), hd = cg_arr_data(L, hist), ed = cg_arr_data(L, fedges);
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, nbins);
    LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, load64(L, L->f64, total), elem(L, DT_FLOAT64, hd, i, i64c(L, 8)), ""), total);
    cg_loop_end(L, &lc);
    LLVMValueRef sum = load64(L, L->f64, total);
    i = cg_loop_begin(L, &lc, nbins);
    LLVMValueRef w = LLVMBuildFSub(L->b, elem(L, DT_FLOAT64, ed, add(L, i, i64c(L, 1)), i64c(L, 8)), elem(L, DT_FLOAT64, ed, i, i64c(L, 8)), "");
    if (et->dtype == DT_FLOAT32) w = cg_f32_narrow(L, w);   /* np.diff of float32 edges */
    LLVMValueRef p = cg_gep8(L, hd, mul(L, i, i64c(L, 8)));
    LLVMBuildStore(L->b, LLVMBuildFDiv(L->b, LLVMBuildFDiv(L->b, load64(L, L->f64, p), w, ""), sum, ""), p);
    cg_loop_end(L, &lc);
    return make_pair(L, rt, hist, edges);
}

static LLVMValueRef np_bincount(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *rt = ci->ret;
    LLVMValueRef xd, n, xs;
    /* read in their own dtype (a uint8 array is not copied to int64 first: 3x the time), but
     * uint64 through int64, whose values past 2**63 are then negative */
    int xdt = types[0]->dtype == DT_UINT64 ? DT_INT64 : types[0]->dtype;
    cg_flat_lane(L, types[0], args[0], xdt, &xd, &n, &xs);
    LLVMValueRef minlen = given(ci, types, 2) ? cg_cast(L, args[2], types[2], ty_int64) : zero(L);
    cg_raise_if(L, slt(L, minlen, zero(L)), "builtins:ValueError", "'minlength' must not be negative");
    LLVMValueRef top = slot_of(L, L->i64, i64c(L, -1), "max");
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, n);
    LLVMValueRef x = cg_cast(L, elem(L, xdt, xd, i, xs), ty_scalar_of(xdt), ty_int64), m = load64(L, L->i64, top);
    cg_raise_if(L, slt(L, x, zero(L)), "builtins:ValueError", "'list' argument must have no negative elements");
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, slt(L, m, x), x, m, ""), top);
    cg_loop_end(L, &lc);
    LLVMValueRef len = add(L, load64(L, L->i64, top), i64c(L, 1));
    len = LLVMBuildSelect(L->b, slt(L, len, minlen), minlen, len, "");
    LLVMValueRef out = cg_alloc_array(L, rt, &len);
    cg_assign_noalias(L, rt, out, ty_bool, LLVMConstInt(L->i1, 0, 0));
    LLVMValueRef wd = NULL, ws = NULL, od = cg_arr_data(L, out);
    if (given(ci, types, 1)) {
        LLVMValueRef wn;
        cg_flat_lane(L, types[1], args[1], DT_FLOAT64, &wd, &wn, &ws);
        cg_raise_unless(L, LLVMBuildICmp(L->b, LLVMIntEQ, wn, n, ""), "builtins:ValueError",
                        "The weights and list don't have the same length.");
    }
    i = cg_loop_begin(L, &lc, n);
    LLVMValueRef p = cg_gep8(L, od, mul(L, cg_cast(L, elem(L, xdt, xd, i, xs), ty_scalar_of(xdt), ty_int64), isz(L, rt->dtype)));
    if (wd) LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, load64(L, L->f64, p), elem(L, DT_FLOAT64, wd, i, ws), ""), p);
    else LLVMBuildStore(L->b, add(L, load64(L, L->i64, p), i64c(L, 1)), p);
    cg_loop_end(L, &lc);
    return out;
}

/* x (a number or an array) as a float64 lane; *shape its shape (ndim returned). */
static int x_lane(Lower *L, const Type *xt, LLVMValueRef x, LLVMValueRef *data, LLVMValueRef *n, LLVMValueRef *s,
                  LLVMValueRef *shape) {
    if (xt->kind != TY_ARRAY) {
        *data = slot_of(L, L->f64, cg_cast(L, x, xt, ty_float64), "x");
        *n = i64c(L, 1);
        *s = i64c(L, 8);
        return 0;
    }
    for (int k = 0; k < xt->ndim; k++) shape[k] = cg_arr_shape(L, x, k);
    cg_flat_lane(L, xt, x, DT_FLOAT64, data, n, s);
    return xt->ndim;
}

static LLVMValueRef np_digitize(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    LLVMValueRef xd, n, xs, shape[64], out = NULL, od;
    int nd = x_lane(L, types[0], args[0], &xd, &n, &xs, shape);
    LLVMValueRef bins = f8_copy(L, types[1], args[1]);
    if (nd) od = cg_arr_data(L, out = cg_alloc_array(L, ci->ret, shape));
    else od = cg_entry_alloca(L, L->i64, "bin");
    LLVMValueRef right = given(ci, types, 2) ? LLVMBuildZExt(L->b, args[2], L->i32, "") : LLVMConstInt(L->i32, 0, 0);
    LLVMTypeRef pt[7] = {L->ptr, L->i64, L->i64, L->ptr, L->i64, L->i32, L->ptr};
    LLVMValueRef a[7] = {xd, n, xs, cg_arr_data(L, bins), cg_arr_shape(L, bins, 0), right, od};
    cg_rt_check(L, "ember_rt_digitize", pt, a, 7);
    return nd ? out : load64(L, L->i64, od);
}

static LLVMValueRef np_interp(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    LLVMValueRef xd, n, xs, shape[64], out = NULL, od;
    int nd = x_lane(L, types[0], args[0], &xd, &n, &xs, shape);
    LLVMValueRef xp = f8_copy(L, types[1], args[1]), fp = f8_copy(L, types[2], args[2]);
    LLVMValueRef np_ = cg_arr_shape(L, xp, 0), fd = cg_arr_data(L, fp);
    cg_raise_unless(L, LLVMBuildICmp(L->b, LLVMIntEQ, cg_arr_shape(L, fp, 0), np_, ""), "builtins:ValueError",
                    "fp and xp are not of the same length.");
    cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntEQ, np_, zero(L), ""), "builtins:ValueError", "array of sample points is empty");
    LLVMValueRef left = given(ci, types, 3) ? cg_cast(L, args[3], types[3], ty_float64) : elem(L, DT_FLOAT64, fd, zero(L), i64c(L, 8));
    LLVMValueRef right = given(ci, types, 4) ? cg_cast(L, args[4], types[4], ty_float64)
                                             : elem(L, DT_FLOAT64, fd, LLVMBuildSub(L->b, np_, i64c(L, 1), ""), i64c(L, 8));
    if (nd) od = cg_arr_data(L, out = cg_alloc_array(L, ci->ret, shape));
    else od = cg_entry_alloca(L, L->f64, "y");
    LLVMTypeRef pt[9] = {L->ptr, L->i64, L->i64, L->ptr, L->ptr, L->i64, L->f64, L->f64, L->ptr};
    LLVMValueRef a[9] = {xd, n, xs, cg_arr_data(L, xp), fd, np_, left, right, od};
    cg_rt_check(L, "ember_rt_interp", pt, a, 9);
    return nd ? out : load64(L, L->f64, od);
}

/* ---- cov, corrcoef --------------------------------------------------------------------- */
/* m as variables x observations: a 1-d m is one row; a 2-d one is transposed unless rowvar. */
static LLVMValueRef as_rows(Lower *L, const Type *t, LLVMValueRef m, bool rowvar, const Type **vt) {
    LLVMValueRef shape[2], strides[2];
    *vt = ty_view(t, t->dtype, 2, 'A');
    if (t->ndim == 1) {
        shape[0] = i64c(L, 1);
        strides[0] = zero(L);
        shape[1] = cg_arr_shape(L, m, 0);
        strides[1] = cg_arr_stride(L, t, m, 0);
    } else {
        int r = rowvar ? 0 : 1;
        shape[0] = cg_arr_shape(L, m, r);
        strides[0] = cg_arr_stride(L, t, m, r);
        shape[1] = cg_arr_shape(L, m, 1 - r);
        strides[1] = cg_arr_stride(L, t, m, 1 - r);
    }
    return cg_make_array(L, *vt, cg_arr_meminfo(L, m), LLVMBuildExtractValue(L->b, m, 1, ""), cg_arr_data(L, m), shape, strides);
}

static LLVMValueRef row_elem(Lower *L, LLVMValueRef i, void *row) { return elem(L, DT_FLOAT64, row, i, i64c(L, 8)); }

static LLVMValueRef np_cov(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    bool cov = ci->builtin == BI_NP_COV;
    int64_t rv = 1;
    if (given(ci, types, 2)) ti_const_int(L->ti, in->args[ci->argmap[2]], &rv);
    const Type *vts[2], *xt = ty_array(DT_FLOAT64, 2, 'C', false);
    LLVMValueRef vs[2];
    int nv = 1;
    vs[0] = as_rows(L, types[0], args[0], rv != 0, &vts[0]);
    if (given(ci, types, 1)) vs[nv] = as_rows(L, types[1], args[1], rv != 0, &vts[nv]), nv++;
    LLVMValueRef X = cg_concat(L, nv, vts, vs, 0, xt);   /* a fresh float64 copy */
    LLVMValueRef nvar = cg_arr_shape(L, X, 0), nobs = cg_arr_shape(L, X, 1), xd = cg_arr_data(L, X);
    LLVMValueRef ddof = i64c(L, 1);
    if (cov && given(ci, types, 4)) ddof = cg_cast(L, args[4], types[4], ty_int64);
    else if (cov && given(ci, types, 3)) ddof = LLVMBuildSelect(L->b, args[3], zero(L), i64c(L, 1), "");
    LLVMValueRef fact = LLVMBuildSIToFP(L->b, LLVMBuildSub(L->b, nobs, ddof, ""), L->f64, "");
    LLVMValueRef fn = LLVMBuildSIToFP(L->b, nobs, L->f64, ""), rowb = mul(L, nobs, i64c(L, 8));
    LoopCtx lr, lk;
    LLVMValueRef r = cg_loop_begin(L, &lr, nvar);   /* X -= mean of each row */
    LLVMValueRef row = cg_gep8(L, xd, mul(L, r, rowb));
    LLVMValueRef mean = LLVMBuildFDiv(L->b, cg_pairwise_sum(L, L->f64, nobs, row_elem, row), fn, "");   /* NumPy's mean */
    LLVMValueRef k = cg_loop_begin(L, &lk, nobs);
    LLVMValueRef p = cg_gep8(L, row, mul(L, k, i64c(L, 8)));
    LLVMBuildStore(L->b, LLVMBuildFSub(L->b, load64(L, L->f64, p), mean, ""), p);
    cg_loop_end(L, &lk);
    cg_loop_end(L, &lr);
    LLVMValueRef shape[2] = {nobs, nvar}, strides[2] = {i64c(L, 8), rowb};
    const Type *tt = ty_array(DT_FLOAT64, 2, 'A', false);
    LLVMValueRef XT = cg_make_array(L, tt, LLVMConstNull(L->ptr), LLVMConstNull(L->ptr), xd, shape, strides);
    LLVMValueRef C = cg_product(L, xt, X, tt, XT, xt, true), cd = cg_arr_data(L, C);   /* NumPy's cov calls dot */
    LLVMValueRef inv = LLVMBuildFDiv(L->b, f64c(L, 1.0), fact, ""), cells = mul(L, nvar, nvar);
    k = cg_loop_begin(L, &lk, cells);   /* c *= 1 / fact */
    p = cg_gep8(L, cd, mul(L, k, i64c(L, 8)));
    LLVMBuildStore(L->b, LLVMBuildFMul(L->b, load64(L, L->f64, p), inv, ""), p);
    cg_loop_end(L, &lk);
    if (!cov && ci->ret->kind != TY_ARRAY) {   /* one variable: NumPy's c / c */
        LLVMValueRef c = elem(L, DT_FLOAT64, cd, zero(L), i64c(L, 8));
        return LLVMBuildFDiv(L->b, c, c, "");
    }
    if (!cov) {   /* c / sqrt(d_i) / sqrt(d_j), clipped to [-1, 1] */
        const Type *f8 = ty_array(DT_FLOAT64, 1, 'C', false);
        LLVMValueRef sd = cg_arr_data(L, cg_alloc_array(L, f8, &nvar));
        k = cg_loop_begin(L, &lk, nvar);
        LLVMValueRef d = elem(L, DT_FLOAT64, cd, mul(L, k, add(L, nvar, i64c(L, 1))), i64c(L, 8));
        LLVMBuildStore(L->b, cg_intrinsic1(L, "llvm.sqrt.f64", d), cg_gep8(L, sd, mul(L, k, i64c(L, 8))));
        cg_loop_end(L, &lk);
        LoopCtx li, lj;
        LLVMValueRef i = cg_loop_begin(L, &li, nvar);
        LLVMValueRef j = cg_loop_begin(L, &lj, nvar);
        LLVMValueRef q = cg_gep8(L, cd, mul(L, add(L, mul(L, i, nvar), j), i64c(L, 8)));
        LLVMValueRef v = LLVMBuildFDiv(L->b, load64(L, L->f64, q), elem(L, DT_FLOAT64, sd, i, i64c(L, 8)), "");
        v = LLVMBuildFDiv(L->b, v, elem(L, DT_FLOAT64, sd, j, i64c(L, 8)), "");
        LLVMValueRef x3[3] = {v, f64c(L, -1), f64c(L, 1)};
        const Type *t3[3] = {ty_float64, ty_float64, ty_float64};
        LLVMBuildStore(L->b, cg_clip_scalar(L, x3, t3, DT_FLOAT64), q);
        cg_loop_end(L, &lj);
        cg_loop_end(L, &li);
    }
    if (ci->ret->ndim == 2) return C;
    return cg_make_array(L, ci->ret, cg_arr_meminfo(L, C), LLVMConstNull(L->ptr), cd, NULL, NULL);   /* one variable: 0-d */
}

/* ---- reductions along one axis ---------------------------------------------------------- */
/* a fold of one lane; pw: NumPy sums such a lane pairwise (the whole array, or along the axis its
 * memory runs fastest), else in index order */
typedef LLVMValueRef (*LaneFold)(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types, int dt, LLVMValueRef data,
                                 LLVMValueRef n, LLVMValueRef stride, bool pw);

typedef struct LaneEnv {
    CallInfo *ci;
    LLVMValueRef *args, a, out;
    const Type **types, *at, *rt;
    int axis;
    LaneFold fold;
} LaneEnv;

static void lane_body(Lower *L, LLVMValueRef *idx, void *env) {
    LaneEnv *E = env;
    LLVMValueRef off = zero(L);
    for (int k = 0, j = 0; k < E->at->ndim; k++)
        if (k != E->axis) off = add(L, off, mul(L, idx[j++], cg_arr_stride(L, E->at, E->a, k)));
    bool pw = E->axis == (E->at->layout == 'F' ? 0 : E->at->ndim - 1);
    LLVMValueRef v = E->fold(L, E->ci, E->args, E->types, E->at->dtype, cg_gep8(L, cg_arr_data(L, E->a), off),
                             cg_arr_shape(L, E->a, E->axis), cg_arr_stride(L, E->at, E->a, E->axis), pw);
    cg_store_elem(L, E->rt->dtype, cg_elem_ptr(L, E->rt, E->out, idx), v, ty_scalar_of(E->rt->dtype));
}

static bool nan_rows(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types, int axis, LLVMValueRef r,
                     LLVMValueRef *oshape);
static LLVMValueRef fold_extreme(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types, int dt, LLVMValueRef data,
                                 LLVMValueRef n, LLVMValueRef stride, bool pw);

/* fold over every lane along the constant axis of parameter 1 (all elements when none); along a
 * slow axis of a C array, row by row (nan_rows) where the fold has a row form. */
static LLVMValueRef along_axis(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types, LaneFold fold) {
    const Type *at = types[0], *rt = ci->ret;
    int64_t axis = -1;
    if (given(ci, types, 1)) {
        ti_const_int(L->ti, in->args[ci->argmap[1]], &axis);
        if (axis < 0) axis += at->ndim;
    }
    if (axis < 0 || at->ndim == 1) {
        LLVMValueRef data, n, stride;
        if (at->layout == 'F' && at->ndim > 1 && !at->unaligned) {   /* NumPy's copy keeps F order: one lane in memory order */
            data = cg_arr_data(L, args[0]);
            n = cg_array_size(L, at, args[0]);
            stride = i64c(L, ty_dtypes[at->dtype].size);
        } else {
            cg_flat_lane_read(L, at, args[0], &data, &n, &stride);
        }
        LLVMValueRef v = fold(L, ci, args, types, at->dtype, data, n, stride, true);
        /* a float32 array's result is a float32 value */
        return at->dtype == DT_FLOAT32 && ty_dtype_of_scalar(rt) == DT_FLOAT64 ? cg_through_dtype(L, v, rt, DT_FLOAT32) : v;
    }
    LLVMValueRef shape[64];
    for (int k = 0, j = 0; k < at->ndim; k++)
        if (k != axis) shape[j++] = cg_arr_shape(L, args[0], k);
    if (fold == fold_extreme)   /* NumPy's error for an empty axis, results or not */
        cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntEQ, cg_arr_shape(L, args[0], (int)axis), zero(L), ""), "builtins:ValueError",
                    "zero-size array to reduction operation which has no identity");
    LaneEnv E = {.ci = ci, .args = args, .a = args[0], .types = types, .at = at, .rt = rt, .axis = (int)axis, .fold = fold};
    E.out = cg_alloc_array(L, rt, shape);
    if (!nan_rows(L, ci, args, types, (int)axis, E.out, shape)) cg_loop_nest(L, at->ndim - 1, shape, lane_body, &E);
    return E.out;
}

/* ---- NaN-ignoring sums as NumPy makes them ----------------------------------------------- *
 * nansum, nanmean, nanvar and nanstd of a float array replace each NaN by 0 in a copy and sum
 * that as np.sum does (nanfunctions.py): in the array's width (float32 in float), pairwise along
 * a lane its memory runs along (pw), else in index order. The mean is the sum divided by the
 * count of numbers (in float64, rounded to the width), var sums the squared deviations from it
 * with the NaN places 0 again and divides by count - ddof (NaN where that is <= 0), std is the
 * square root of var's value. Bit for bit NumPy's. */
typedef struct NanLane {
    int dt;
    LLVMTypeRef t;               /* the width the sums run in: float or double */
    LLVMValueRef data, stride;
    LLVMValueRef mean;           /* in t: the squared deviations from it, else NULL: the values */
} NanLane;

static LLVMValueRef nan_elem(Lower *L, LLVMValueRef i, void *env) {
    NanLane *E = env;
    LLVMValueRef x = elem(L, E->dt, E->data, i, E->stride);
    if (E->t != L->f64) x = LLVMBuildFPTrunc(L->b, x, E->t, "");
    LLVMValueRef v = x;
    if (E->mean) {
        LLVMValueRef d = LLVMBuildFSub(L->b, x, E->mean, "");
        v = LLVMBuildFMul(L->b, d, d, "");
    }
    return LLVMBuildSelect(L->b, is_nan(L, x), LLVMConstReal(E->t, 0), v, "");
}

/* the sum of a NanLane's elements, as a double */
static LLVMValueRef nan_sum(Lower *L, NanLane *E, LLVMValueRef n, bool pw) {
    LLVMValueRef r;
    if (pw) {
        r = cg_pairwise_sum(L, E->t, n, nan_elem, E);
    } else {
        LLVMValueRef acc = slot_of(L, E->t, LLVMConstReal(E->t, 0), "nanacc");
        LoopCtx lc;
        LLVMValueRef i = cg_loop_begin(L, &lc, n);
        LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, load64(L, E->t, acc), nan_elem(L, i, E), ""), acc);
        cg_loop_end(L, &lc);
        r = load64(L, E->t, acc);
    }
    return E->t == L->f64 ? r : LLVMBuildFPExt(L->b, r, L->f64, "");
}

/* v (a double) rounded to the sums' width t */
static LLVMValueRef nan_round(Lower *L, LLVMTypeRef t, LLVMValueRef v) { return t == L->f64 ? v : cg_f32_narrow(L, v); }

/* the mean of c numbers of sum `sum` (doubles), rounded to width t */
static LLVMValueRef nan_mean(Lower *L, LLVMTypeRef t, LLVMValueRef sum, LLVMValueRef c) {
    return nan_round(L, t, LLVMBuildFDiv(L->b, sum, LLVMBuildSIToFP(L->b, c, L->f64, ""), ""));
}

/* the ddof= argument of np.nanvar/np.nanstd as an int64 (0 when not given) */
static LLVMValueRef nan_ddof(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    return given(ci, types, 4) ? cg_cast(L, args[4], types[4], ty_int64) : zero(L);
}

/* nanvar (nanstd: its square root) of c numbers whose squared deviations sum to ss (a double):
 * ss / (c - ddof) rounded to width t, NaN where c - ddof <= 0. An integer array (inexact false)
 * has no NaN: NumPy takes np.var's ss / max(c - ddof, 0), inf (NaN for ss 0) past the count. */
static LLVMValueRef nan_var(Lower *L, int bid, LLVMTypeRef t, LLVMValueRef ss, LLVMValueRef c, LLVMValueRef ddof, bool inexact) {
    LLVMValueRef dof = LLVMBuildSub(L->b, c, ddof, ""), none = LLVMBuildICmp(L->b, LLVMIntSLE, dof, zero(L), "");
    if (!inexact) dof = LLVMBuildSelect(L->b, none, zero(L), dof, "");
    LLVMValueRef var = nan_round(L, t, LLVMBuildFDiv(L->b, ss, LLVMBuildSIToFP(L->b, dof, L->f64, ""), ""));
    if (inexact) var = LLVMBuildSelect(L->b, none, f64c(L, NAN), var, "");
    return bid == BI_NP_NANSTD ? cg_intrinsic1(L, "llvm.sqrt.f64", var) : var;
}

static LLVMValueRef nan_moments(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types, int dt, LLVMValueRef data,
                                LLVMValueRef n, LLVMValueRef stride, bool pw) {
    int bid = ci->builtin;
    NanLane E = {.dt = dt, .t = dt == DT_FLOAT32 ? LLVMFloatTypeInContext(L->c) : L->f64, .data = data, .stride = stride};
    LLVMValueRef sum, cnt = slot_of(L, L->i64, zero(L), "count");
    LoopCtx lc;
    if (pw || bid == BI_NP_NANSUM) {   /* a pairwise sum, then the count (a lane along memory: cheap) */
        sum = nan_sum(L, &E, n, pw);
        if (bid == BI_NP_NANSUM) return sum;
        LLVMValueRef i = cg_loop_begin(L, &lc, n);
        LLVMValueRef x = elem(L, dt, data, i, stride);
        LLVMBuildStore(L->b, add(L, load64(L, L->i64, cnt), LLVMBuildZExt(L->b, LLVMBuildNot(L->b, is_nan(L, x), ""), L->i64, "")), cnt);
        cg_loop_end(L, &lc);
    } else {   /* a strided lane is read once: the in-order sum and the count in one loop */
        LLVMValueRef acc = slot_of(L, E.t, LLVMConstReal(E.t, 0), "nanacc");
        LLVMValueRef i = cg_loop_begin(L, &lc, n);
        LLVMValueRef x = elem(L, dt, data, i, stride);
        LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, load64(L, E.t, acc), nan_elem(L, i, &E), ""), acc);
        LLVMBuildStore(L->b, add(L, load64(L, L->i64, cnt), LLVMBuildZExt(L->b, LLVMBuildNot(L->b, is_nan(L, x), ""), L->i64, "")), cnt);
        cg_loop_end(L, &lc);
        sum = load64(L, E.t, acc);
        if (E.t != L->f64) sum = LLVMBuildFPExt(L->b, sum, L->f64, "");
    }
    LLVMValueRef c = load64(L, L->i64, cnt);
    LLVMValueRef mean = nan_mean(L, E.t, sum, c);
    if (bid == BI_NP_NANMEAN) return mean;
    E.mean = E.t == L->f64 ? mean : LLVMBuildFPTrunc(L->b, mean, E.t, "");
    LLVMValueRef ss = nan_sum(L, &E, n, pw);
    return nan_var(L, bid, E.t, ss, c, nan_ddof(L, ci, args, types), true);
}

/* cur + x (prod: cur * x) as NumPy adds the non-NaN x of dtype dt into cur, of the result's
 * canonical type rt: wrapping ints; a float32's products in float32 (a double product of two
 * floats is exact, so rounding it is float32's product); a NaN leaves cur as it is. */
static LLVMValueRef nan_fold_step(Lower *L, bool prod, int dt, LLVMValueRef cur, LLVMValueRef x, const Type *rt) {
    const Type *et = ty_scalar_of(dt);
    L->numpy_sem = true;
    LLVMValueRef v = cg_binop(L, prod ? IRB_MUL : IRB_ADD, cur, cg_cast(L, x, et, rt), rt, NULL);
    L->numpy_sem = false;
    if (dt == DT_FLOAT32 && rt == ty_float64) v = cg_f32_narrow(L, v);
    return et == ty_float64 ? LLVMBuildSelect(L->b, is_nan(L, x), cur, v, "") : v;
}

/* sum (or product) of the non-NaN values, in the result's canonical type */
static LLVMValueRef fold_nansum(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types, int dt, LLVMValueRef data,
                                LLVMValueRef n, LLVMValueRef stride, bool pw) {
    bool prod = ci->builtin == BI_NP_NANPROD;
    const Type *rt = ci->ret->kind == TY_ARRAY ? ty_scalar_of(ci->ret->dtype) : ci->ret;
    if (!prod && (dt == DT_FLOAT32 || dt == DT_FLOAT64) && rt == ty_float64) return nan_moments(L, ci, args, types, dt, data, n, stride, pw);
    LLVMValueRef acc = slot_of(L, cg_type(L, rt), cg_cast(L, prod ? i64c(L, 1) : zero(L), ty_int64, rt), "acc");
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, n);
    LLVMValueRef x = elem(L, dt, data, i, stride), cur = load64(L, cg_type(L, rt), acc);
    LLVMBuildStore(L->b, nan_fold_step(L, prod, dt, cur, x, rt), acc);
    cg_loop_end(L, &lc);
    return load64(L, cg_type(L, rt), acc);
}

static LLVMValueRef scan_extreme(Lower *L, int bid, int dt, LLVMValueRef data, LLVMValueRef n, LLVMValueRef stride);

/* min or max ignoring NaN (NaN when all are); ptp: max - min with NaN propagating. A
 * contiguous lane's nanmin or nanmax runs on vectors (lower_extreme.c). */
static LLVMValueRef fold_extreme(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types, int dt, LLVMValueRef data,
                                 LLVMValueRef n, LLVMValueRef stride, bool pw) {
    int bid = ci->builtin;
    cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntEQ, n, zero(L), ""), "builtins:ValueError",
                "zero-size array to reduction operation which has no identity");
    if (!cg_extreme_vectorizes(dt)) return scan_extreme(L, bid, dt, data, n, stride);
    const Type *et = ty_scalar_of(dt);
    LLVMValueRef res = cg_entry_alloca(L, cg_type(L, et), "nanextreme");
    LLVMBasicBlockRef unit = LLVMAppendBasicBlockInContext(L->c, L->func, "nanext.unit");
    LLVMBasicBlockRef any = LLVMAppendBasicBlockInContext(L->c, L->func, "nanext.strided");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "nanext.join");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, stride, i64c(L, ty_dtypes[dt].size), ""), unit, any);
    LLVMPositionBuilderAtEnd(L->b, unit);
    if (bid == BI_NP_PTP) {   /* np.max - np.min, each on vectors (NaN propagates): the scan ran 16x NumPy's time */
        LLVMValueRef h = cg_extreme_contig(L, data, n, dt, true, NULL, CG_EXT_NUMPY_ZERO);
        LLVMValueRef l = cg_extreme_contig(L, data, n, dt, false, NULL, CG_EXT_NUMPY_ZERO);
        L->numpy_sem = true;
        LLVMValueRef d = cg_binop(L, IRB_SUB, h, l, et, NULL);
        L->numpy_sem = false;
        LLVMBuildStore(L->b, cg_through_dtype(L, d, et, dt), res);
    } else {
        LLVMBuildStore(L->b, cg_extreme_contig(L, data, n, dt, bid == BI_NP_NANMAX, NULL, CG_EXT_SKIP_NAN), res);
    }
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, any);
    LLVMBuildStore(L->b, scan_extreme(L, bid, dt, data, n, stride), res);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    return load64(L, cg_type(L, ty_scalar_of(dt)), res);
}

/* Whether x (of canonical type et) replaces c as the min (more false) or max so far: ptp: NaN
 * wins; nanmin, nanmax: NaN loses, a NaN so far gives way to any number. Ties keep c. */
static LLVMValueRef extreme_beyond(Lower *L, int bid, bool more, LLVMValueRef x, LLVMValueRef c, const Type *et) {
    LLVMValueRef b = cg_cmp_values(L, more ? IRC_GT : IRC_LT, x, et, c, et);
    if (et != ty_float64) return b;
    if (bid == BI_NP_PTP) return LLVMBuildAnd(L->b, LLVMBuildOr(L->b, b, is_nan(L, x), ""), LLVMBuildNot(L->b, is_nan(L, c), ""), "");
    return LLVMBuildOr(L->b, b, LLVMBuildAnd(L->b, is_nan(L, c), LLVMBuildNot(L->b, is_nan(L, x), ""), ""), "");
}

/* fold_extreme element by element */
static LLVMValueRef scan_extreme(Lower *L, int bid, int dt, LLVMValueRef data, LLVMValueRef n, LLVMValueRef stride) {
    const Type *et = ty_scalar_of(dt);
    LLVMValueRef first = elem(L, dt, data, zero(L), stride);
    LLVMValueRef lo = slot_of(L, cg_type(L, et), first, "lo"), hi = slot_of(L, cg_type(L, et), first, "hi");
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, n);
    LLVMValueRef x = elem(L, dt, data, i, stride), cl = load64(L, cg_type(L, et), lo), ch = load64(L, cg_type(L, et), hi);
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, extreme_beyond(L, bid, false, x, cl, et), x, cl, ""), lo);
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, extreme_beyond(L, bid, true, x, ch, et), x, ch, ""), hi);
    cg_loop_end(L, &lc);
    LLVMValueRef l = load64(L, cg_type(L, et), lo), h = load64(L, cg_type(L, et), hi);
    if (bid == BI_NP_NANMIN) return l;
    if (bid == BI_NP_NANMAX) return h;
    L->numpy_sem = true;
    LLVMValueRef d = cg_binop(L, IRB_SUB, h, l, et, NULL);
    L->numpy_sem = false;
    return cg_through_dtype(L, d, et, dt);   /* wraps in the array's dtype, as NumPy subtracts */
}

/* nanargmin, nanargmax of one lane: NumPy's argmin/argmax with NaN as inf/-inf (the first of the
 * extreme values), ValueError when the lane is empty or all NaN. A contiguous lane runs on
 * vectors (lower_extreme.c). */
static LLVMValueRef fold_nanarg(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types, int dt, LLVMValueRef data,
                                LLVMValueRef n, LLVMValueRef stride, bool pw) {
    bool is_max = ci->builtin == BI_NP_NANARGMAX;
    cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntEQ, n, zero(L), ""), "builtins:ValueError",
                is_max ? "attempt to get argmax of an empty sequence" : "attempt to get argmin of an empty sequence");
    const Type *et = ty_scalar_of(dt);
    LLVMValueRef res = slot_of(L, L->i64, zero(L), "nanarg");
    LLVMBasicBlockRef unit = LLVMAppendBasicBlockInContext(L->c, L->func, "nanarg.unit");
    LLVMBasicBlockRef any = LLVMAppendBasicBlockInContext(L->c, L->func, "nanarg.strided");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "nanarg.join");
    LLVMValueRef contig = LLVMBuildICmp(L->b, LLVMIntEQ, stride, isz(L, dt), "");
    LLVMBuildCondBr(L->b, cg_extreme_vectorizes(dt) ? contig : LLVMConstInt(L->i1, 0, 0), unit, any);
    LLVMPositionBuilderAtEnd(L->b, unit);
    LLVMValueRef index = zero(L);
    if (cg_extreme_vectorizes(dt)) cg_extreme_contig(L, data, n, dt, is_max, &index, CG_EXT_SKIP_NAN);
    LLVMBuildStore(L->b, index, res);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, any);   /* element by element: NaN as far, strictly beyond replaces */
    LLVMValueRef far = et == ty_float64 ? f64c(L, is_max ? -INFINITY : INFINITY) : NULL;
    LLVMValueRef x0 = elem(L, dt, data, zero(L), stride), seen = slot_of(L, L->i1, LLVMConstInt(L->i1, 1, 0), "allnan");
    if (far) {
        LLVMBuildStore(L->b, is_nan(L, x0), seen);
        x0 = LLVMBuildSelect(L->b, is_nan(L, x0), far, x0, "");
    }
    LLVMValueRef best = slot_of(L, cg_type(L, et), x0, "best");
    LLVMBuildStore(L->b, zero(L), res);
    LoopCtx lc;
    LLVMValueRef i = add(L, cg_loop_begin(L, &lc, LLVMBuildSub(L->b, n, i64c(L, 1), "")), i64c(L, 1));
    LLVMValueRef x = elem(L, dt, data, i, stride), b = load64(L, cg_type(L, et), best);
    if (far) {
        LLVMBuildStore(L->b, LLVMBuildAnd(L->b, load64(L, L->i1, seen), is_nan(L, x), ""), seen);
        x = LLVMBuildSelect(L->b, is_nan(L, x), far, x, "");
    }
    LLVMValueRef better = cg_cmp_values(L, is_max ? IRC_GT : IRC_LT, x, et, b, et);
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, better, x, b, ""), best);
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, better, i, load64(L, L->i64, res), ""), res);
    cg_loop_end(L, &lc);
    if (far) cg_raise_if(L, load64(L, L->i1, seen), "builtins:ValueError", "All-NaN slice encountered");
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    (void)ci, (void)args, (void)types, (void)pw;
    return load64(L, L->i64, res);
}

/* np.nanargmin, np.nanargmax: over the elements in C order (a C array as it is, any other a C
 * copy), or along a constant axis: a slow axis of a C array row by row (lower_extreme.c), others
 * lane by lane. */
static LLVMValueRef np_nanarg(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *at = types[0];
    bool is_max = ci->builtin == BI_NP_NANARGMAX;
    int64_t axis = -1;
    if (given(ci, types, 1)) {
        ti_const_int(L->ti, in->args[ci->argmap[1]], &axis);
        if (axis < 0) axis += at->ndim;
    }
    if (axis < 0 || at->ndim == 1) {
        LLVMValueRef data = cg_arr_data(L, args[0]), n = cg_array_size(L, at, args[0]), stride = isz(L, at->dtype);
        if (at->layout != 'C' || at->unaligned) cg_flat_lane(L, at, args[0], -1, &data, &n, &stride);
        return fold_nanarg(L, ci, args, types, at->dtype, data, n, stride, true);
    }
    cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntEQ, cg_arr_shape(L, args[0], (int)axis), zero(L), ""), "builtins:ValueError",
                is_max ? "attempt to get argmax of an empty sequence" : "attempt to get argmin of an empty sequence");
    if (!cg_argaxis_suits(at, (int)axis)) return along_axis(L, in, ci, args, types, fold_nanarg);
    LLVMValueRef shape[64];
    for (int k = 0, j = 0; k < at->ndim; k++)
        if (k != axis) shape[j++] = cg_arr_shape(L, args[0], k);
    LaneEnv E = {.ci = ci, .args = args, .a = args[0], .types = types, .at = at, .rt = ci->ret, .axis = (int)axis, .fold = fold_nanarg};
    E.out = cg_alloc_array(L, ci->ret, shape);
    LLVMBasicBlockRef other = LLVMAppendBasicBlockInContext(L->c, L->func, "nanarg.lanes");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "nanarg.done");
    cg_argaxis_rows(L, at, args[0], (int)axis, is_max, CG_EXT_SKIP_NAN, E.out, other);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, other);
    cg_loop_nest(L, at->ndim - 1, shape, lane_body, &E);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    return E.out;
}

/* mean, var or std of the non-NaN values, in float64 */
static LLVMValueRef fold_moments(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types, int dt, LLVMValueRef data,
                                 LLVMValueRef n, LLVMValueRef stride, bool pw) {
    int bid = ci->builtin;
    const Type *et = ty_scalar_of(dt);
    if (dt == DT_FLOAT32 || dt == DT_FLOAT64) return nan_moments(L, ci, args, types, dt, data, n, stride, pw);
    LLVMValueRef sum = slot_of(L, L->f64, f64c(L, 0), "sum"), cnt = slot_of(L, L->i64, zero(L), "count");
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, n);
    LLVMValueRef x = cg_cast(L, elem(L, dt, data, i, stride), et, ty_float64), ok = LLVMBuildNot(L->b, is_nan(L, x), "");
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, ok, LLVMBuildFAdd(L->b, load64(L, L->f64, sum), x, ""), load64(L, L->f64, sum), ""), sum);
    LLVMBuildStore(L->b, add(L, load64(L, L->i64, cnt), LLVMBuildZExt(L->b, ok, L->i64, "")), cnt);
    cg_loop_end(L, &lc);
    LLVMValueRef c = load64(L, L->i64, cnt), mean = LLVMBuildFDiv(L->b, load64(L, L->f64, sum), LLVMBuildSIToFP(L->b, c, L->f64, ""), "");
    if (bid == BI_NP_NANMEAN) return mean;
    LLVMValueRef ss = slot_of(L, L->f64, f64c(L, 0), "ss");
    i = cg_loop_begin(L, &lc, n);
    x = cg_cast(L, elem(L, dt, data, i, stride), et, ty_float64);
    LLVMValueRef d = LLVMBuildFSub(L->b, x, mean, "");
    LLVMValueRef nv = LLVMBuildFAdd(L->b, load64(L, L->f64, ss), LLVMBuildFMul(L->b, d, d, ""), "");
    LLVMBuildStore(L->b, LLVMBuildSelect(L->b, is_nan(L, x), load64(L, L->f64, ss), nv, ""), ss);
    cg_loop_end(L, &lc);
    return nan_var(L, bid, L->f64, load64(L, L->f64, ss), c, nan_ddof(L, ci, args, types), false);
}

/* ---- the same reductions along a slow axis, row by row ---------------------------------- *
 * Along an axis other than the last of a C (or any-layout) array, a lane per result reads one
 * element a row's stride apart per step, a serial chain for each result. Instead the rows walk
 * a once in C order (cg_rows_walk, as np.sum(a, axis=0) runs) and fold each element into the
 * accumulators of its result, arrays of the result's shape: the inner loop runs along the last
 * dimension, contiguous in a and in them, and vectorises across results. Each result still
 * sees its elements in index order, with the operations of its lane fold above (nan_elem's sums
 * in the array's width and count, fold_nansum's sums and products, scan_extreme's comparisons;
 * then nan_mean and nan_var), so the values are the lane folds' bit for bit, and NumPy's, which
 * reduces such an axis row by row as well. */
enum { NR_MOMENTS, NR_FOLD, NR_EXTREME };

typedef struct NanRows {
    int bid, dt, kind;        /* the call, a's dtype, how it folds (NR_*) */
    const Type *at, *rt, *acct, *cntt;   /* a, the result, the accumulator and count arrays */
    LLVMValueRef a, r;
    int axis;
    LLVMValueRef acc;         /* sums in width t (moments), sums or products in ct (fold), minima (extreme) */
    LLVMValueRef hi;          /* ptp: the maxima */
    LLVMValueRef count;       /* int64: the numbers met (nanmean, nanvar, nanstd), else NULL */
    LLVMValueRef mean;        /* the second walk of nanvar/nanstd: the means (acc's type), else NULL */
    LLVMValueRef ss, ddof;    /* nanvar/nanstd: the squared deviations' sums; ddof as int64 */
    LLVMTypeRef t;            /* moments: float or double */
    const Type *ct;           /* fold: the canonical type of the result's elements */
} NanRows;

static LLVMValueRef nr_at(Lower *L, const Type *t, LLVMValueRef arr, LLVMValueRef *oidx) { return cg_elem_ptr(L, t, arr, oidx); }

/* every accumulator of result oidx at its start: 0 (1 for a product), or the first row's element */
static void nr_init(Lower *L, LLVMValueRef *oidx, void *env) {
    NanRows *N = env;
    LLVMValueRef p = nr_at(L, N->acct, N->acc, oidx);
    if (N->kind == NR_MOMENTS) {
        LLVMBuildStore(L->b, LLVMConstReal(N->t, 0), p);
        if (N->count) LLVMBuildStore(L->b, zero(L), nr_at(L, N->cntt, N->count, oidx));
    } else if (N->kind == NR_FOLD) {
        cg_store_elem(L, N->acct->dtype, p, cg_cast(L, N->bid == BI_NP_NANPROD ? i64c(L, 1) : zero(L), ty_int64, N->ct), N->ct);
    } else {
        LLVMValueRef aidx[64];
        for (int k = 0, j = 0; k < N->at->ndim; k++) aidx[k] = k == N->axis ? zero(L) : oidx[j++];
        LLVMValueRef x = cg_load_elem(L, N->dt, cg_elem_ptr(L, N->at, N->a, aidx));
        cg_store_elem(L, N->dt, p, x, ty_scalar_of(N->dt));
        if (N->hi) cg_store_elem(L, N->dt, nr_at(L, N->acct, N->hi, oidx), x, ty_scalar_of(N->dt));
    }
}

/* element *p of a into the accumulators of result oidx */
static void nr_step(Lower *L, LLVMValueRef p, LLVMValueRef *oidx, void *env) {
    NanRows *N = env;
    const Type *et = ty_scalar_of(N->dt);
    LLVMValueRef o = nr_at(L, N->acct, N->acc, oidx), x = cg_load_elem(L, N->dt, p);
    if (N->kind == NR_MOMENTS) {   /* nan_elem's value in width t, NaN as 0 */
        LLVMValueRef xf = cg_cast(L, x, et, ty_float64), ok = LLVMBuildNot(L->b, is_nan(L, xf), "");
        if (N->t != L->f64) xf = LLVMBuildFPTrunc(L->b, xf, N->t, "");
        LLVMValueRef v = xf;
        if (N->mean) {
            LLVMValueRef d = LLVMBuildFSub(L->b, xf, load64(L, N->t, nr_at(L, N->acct, N->mean, oidx)), "");
            v = LLVMBuildFMul(L->b, d, d, "");
        }
        v = LLVMBuildSelect(L->b, ok, v, LLVMConstReal(N->t, 0), "");
        LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, load64(L, N->t, o), v, ""), o);
        if (N->count) {
            LLVMValueRef q = nr_at(L, N->cntt, N->count, oidx);
            LLVMBuildStore(L->b, add(L, load64(L, L->i64, q), LLVMBuildZExt(L->b, ok, L->i64, "")), q);
        }
    } else if (N->kind == NR_FOLD) {   /* fold_nansum's step */
        LLVMValueRef cur = cg_load_elem(L, N->acct->dtype, o);
        cg_store_elem(L, N->acct->dtype, o, nan_fold_step(L, N->bid == BI_NP_NANPROD, N->dt, cur, x, N->ct), N->ct);
    } else {                           /* scan_extreme's step: acc the minima, hi (or acc for nanmax) the maxima */
        LLVMValueRef h = N->hi ? nr_at(L, N->acct, N->hi, oidx) : N->bid == BI_NP_NANMAX ? o : NULL;
        if (N->bid != BI_NP_NANMAX) {
            LLVMValueRef c = cg_load_elem(L, N->dt, o);
            cg_store_elem(L, N->dt, o, LLVMBuildSelect(L->b, extreme_beyond(L, N->bid, false, x, c, et), x, c, ""), et);
        }
        if (h) {
            LLVMValueRef c = cg_load_elem(L, N->dt, h);
            cg_store_elem(L, N->dt, h, LLVMBuildSelect(L->b, extreme_beyond(L, N->bid, true, x, c, et), x, c, ""), et);
        }
    }
}

/* result oidx from its accumulators (nanvar, nanstd after the first walk: acc's sums made means) */
static void nr_finish(Lower *L, LLVMValueRef *oidx, void *env) {
    NanRows *N = env;
    LLVMValueRef o = nr_at(L, N->acct, N->acc, oidx), v;
    const Type *vt = ty_float64;
    if (N->kind == NR_MOMENTS) {
        LLVMValueRef s = load64(L, N->t, o);
        if (N->t != L->f64) s = LLVMBuildFPExt(L->b, s, L->f64, "");
        v = s;
        if (N->count) {
            LLVMValueRef c = load64(L, L->i64, nr_at(L, N->cntt, N->count, oidx));
            if (N->mean) {
                LLVMValueRef ss = load64(L, N->t, nr_at(L, N->acct, N->ss, oidx));
                v = nan_var(L, N->bid, N->t, N->t == L->f64 ? ss : LLVMBuildFPExt(L->b, ss, L->f64, ""), c, N->ddof,
                            ty_dtypes[N->dt].kind == 'f');
            } else {
                v = nan_mean(L, N->t, s, c);
                if (N->bid != BI_NP_NANMEAN) {   /* the means, for the second walk */
                    LLVMBuildStore(L->b, N->t == L->f64 ? v : LLVMBuildFPTrunc(L->b, v, N->t, ""), o);
                    return;
                }
            }
        }
    } else if (N->kind == NR_FOLD) {
        v = cg_load_elem(L, N->acct->dtype, o), vt = N->ct;
    } else {   /* ptp: max - min, wrapping in the array's dtype as NumPy subtracts */
        vt = ty_scalar_of(N->dt);
        L->numpy_sem = true;
        v = cg_binop(L, IRB_SUB, cg_load_elem(L, N->dt, nr_at(L, N->acct, N->hi, oidx)), cg_load_elem(L, N->dt, o), vt, NULL);
        L->numpy_sem = false;
        v = cg_through_dtype(L, v, vt, N->dt);
    }
    cg_store_elem(L, N->rt->dtype, cg_elem_ptr(L, N->rt, N->r, oidx), v, vt);
}

/* r (C, the kept shape oshape) = nan-function bid of a along axis, row by row, where the axis
 * suits (cg_rows_suit) and the function folds here; false (nothing emitted) otherwise. */
static bool nan_rows(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types, int axis, LLVMValueRef r,
                     LLVMValueRef *oshape) {
    const Type *at = types[0], *rt = ci->ret;
    int bid = ci->builtin, dt = at->dtype, nk = at->ndim - 1;
    if (!cg_rows_suit(at, axis) || ty_dtypes[dt].kind == 'c') return false;
    NanRows N = {.bid = bid, .dt = dt, .at = at, .rt = rt, .a = args[0], .r = r, .axis = axis};
    const Type *st = ty_scalar_of(rt->dtype);
    switch (bid) {
    case BI_NP_NANSUM: case BI_NP_NANPROD:
        N.kind = bid == BI_NP_NANSUM && (dt == DT_FLOAT32 || dt == DT_FLOAT64) && st == ty_float64 ? NR_MOMENTS : NR_FOLD;
        break;
    case BI_NP_NANMEAN: case BI_NP_NANVAR: case BI_NP_NANSTD: N.kind = NR_MOMENTS; break;
    case BI_NP_NANMIN: case BI_NP_NANMAX: case BI_NP_PTP: N.kind = NR_EXTREME; break;
    default: return false;
    }
    int adt = dt;
    if (N.kind == NR_MOMENTS) {
        N.t = dt == DT_FLOAT32 ? LLVMFloatTypeInContext(L->c) : L->f64;
        adt = dt == DT_FLOAT32 ? DT_FLOAT32 : DT_FLOAT64;
        if (bid != BI_NP_NANSUM) N.cntt = ty_array(DT_INT64, nk, 'C', false), N.count = cg_alloc_array(L, N.cntt, oshape);
    } else if (N.kind == NR_FOLD) {
        N.ct = st;
        adt = ty_dtype_of_scalar(st);
    }
    N.acct = ty_array(adt, nk, 'C', false);   /* the result itself where it has that dtype */
    N.acc = adt == rt->dtype ? r : cg_alloc_array(L, N.acct, oshape);
    if (bid == BI_NP_PTP) N.hi = cg_alloc_array(L, N.acct, oshape);
    cg_loop_nest(L, nk, oshape, nr_init, &N);
    cg_rows_walk(L, at, args[0], axis, nr_step, &N);
    if (bid == BI_NP_NANVAR || bid == BI_NP_NANSTD) {   /* acc's sums become means, then a walk adds the squared deviations */
        cg_loop_nest(L, nk, oshape, nr_finish, &N);
        NanRows S = N;
        S.mean = N.acc, S.count = NULL, S.acc = cg_alloc_array(L, N.acct, oshape);
        cg_loop_nest(L, nk, oshape, nr_init, &S);
        cg_rows_walk(L, at, args[0], axis, nr_step, &S);
        N.mean = S.mean, N.ss = S.acc, N.ddof = nan_ddof(L, ci, args, types);
    }
    if (N.acc != r || N.count || N.hi) cg_loop_nest(L, nk, oshape, nr_finish, &N);   /* the scratch arrays are owned: dropped at the exit */
    return true;
}

/* ---- nonzero, argwhere, flatnonzero ---------------------------------------------------- */
typedef struct NzEnv {
    const Type *at, *rt;
    LLVMValueRef a, count, flat, outs[64];
    LLVMValueRef total, spill;   /* fill_body: how many are true; a slot for the writes past them */
    int bid;
} NzEnv;

static void count_body(Lower *L, LLVMValueRef *idx, void *env) {
    NzEnv *E = env;
    LLVMValueRef t = cg_truth(L, cg_load_elem(L, E->at->dtype, cg_elem_ptr(L, E->at, E->a, idx)), ty_scalar_of(E->at->dtype));
    LLVMBuildStore(L->b, add(L, load64(L, L->i64, E->count), LLVMBuildZExt(L->b, t, L->i64, "")), E->count);
}

/* The element at idx's truth; E->flat, its position in C order, advanced past it (*flat). */
static LLVMValueRef element_truth(Lower *L, NzEnv *E, LLVMValueRef *idx, LLVMValueRef *flat) {
    LLVMValueRef t = cg_truth(L, cg_load_elem(L, E->at->dtype, cg_elem_ptr(L, E->at, E->a, idx)), ty_scalar_of(E->at->dtype));
    *flat = load64(L, L->i64, E->flat);
    LLVMBuildStore(L->b, add(L, *flat, i64c(L, 1)), E->flat);
    return t;
}

/* The element's indices (or flat position) written at result place pos; to E->spill where `in` is
 * false (NULL: always in place). */
static void write_indices(Lower *L, NzEnv *E, LLVMValueRef *idx, LLVMValueRef flat, LLVMValueRef pos, LLVMValueRef in) {
    int nd = E->at->ndim, nslots = E->bid == BI_NP_NONZERO ? nd : 1, per = E->bid == BI_NP_ARGWHERE ? nd : 1;
    for (int j = 0; j < nslots; j++)
        for (int k = 0; k < per; k++) {
            LLVMValueRef v = E->bid == BI_NP_FLATNONZERO ? flat : idx[E->bid == BI_NP_ARGWHERE ? k : j];
            LLVMValueRef at = add(L, mul(L, pos, i64c(L, per)), i64c(L, k));
            LLVMValueRef p = cg_gep8(L, cg_arr_data(L, E->outs[j]), mul(L, at, i64c(L, 8)));
            LLVMBuildStore(L->b, v, in ? LLVMBuildSelect(L->b, in, p, E->spill, "") : p);
        }
}

/* Every element writes its index where the next true one goes and advances that place by its
 * truth: no branch on the data (a mispredicted one per true element of random data ran 3x
 * NumPy's time). Past the last true element the place is the count, one beyond the results:
 * those writes go to a scratch slot instead (E->spill). */
static void fill_body(Lower *L, LLVMValueRef *idx, void *env) {
    NzEnv *E = env;
    LLVMValueRef flat, t = element_truth(L, E, idx, &flat);
    LLVMValueRef pos = load64(L, L->i64, E->count);
    write_indices(L, E, idx, flat, pos, LLVMBuildICmp(L->b, LLVMIntSLT, pos, E->total, ""));
    LLVMBuildStore(L->b, add(L, pos, LLVMBuildZExt(L->b, t, L->i64, "")), E->count);
}

/* fill_body for a few true elements (fewer than 1 in 16): a predicted branch around each true
 * element's writes, where the other writes every element's indices (SpikeInterface's peak
 * detection on a 2%-true mask: 2.77 ms against numba's 1.66). */
static void fill_sparse_body(Lower *L, LLVMValueRef *idx, void *env) {
    NzEnv *E = env;
    LLVMValueRef flat, t = element_truth(L, E, idx, &flat);
    LLVMBasicBlockRef yes = LLVMAppendBasicBlockInContext(L->c, L->func, "nz.true");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(L->c, L->func, "nz.next");
    cg_br_expect(L, t, false, yes, next);
    LLVMPositionBuilderAtEnd(L->b, yes);
    LLVMValueRef pos = load64(L, L->i64, E->count);
    write_indices(L, E, idx, flat, pos, NULL);
    LLVMBuildStore(L->b, add(L, pos, i64c(L, 1)), E->count);
    LLVMBuildBr(L->b, next);
    LLVMPositionBuilderAtEnd(L->b, next);
}

/* The sparse fill of a 1-d array by blocks of 16: the block's truths (one vector load and compare
 * of a C array), a predicted branch past a block with none, and a block with some written as the
 * dense fill does, each index at the next place and the place advanced by its truth; the last
 * n % 16 by fill_sparse_body. np.flatnonzero(x > 3.0) of 10^6 normal doubles tested each element
 * with a branch: 1.5x NumPy's time. */
static void fill_sparse_blocks(Lower *L, NzEnv *E, LLVMValueRef n) {
    enum { B = 16 };
    int dt = E->at->dtype;
    bool vec = E->at->layout == 'C' && ty_dtypes[dt].kind != 'c';   /* one vector load and compare a block */
    LoopCtx lc;
    LLVMValueRef blocks = LLVMBuildSDiv(L->b, n, i64c(L, B), ""), base, t[B], any = LLVMConstInt(L->i1, 0, 0);
    base = mul(L, cg_loop_begin(L, &lc, blocks), i64c(L, B));
    if (vec) {
        LLVMTypeRef et = cg_elem_llvm(L, dt), vt = LLVMVectorType(et, B);
        LLVMValueRef v = LLVMBuildLoad2(L->b, vt, cg_elem_ptr(L, E->at, E->a, &base), "");
        LLVMSetAlignment(v, (unsigned)ty_dtypes[dt].size);
        cg_tbaa(L, v, TBAA_ARRAY_ELEM);
        LLVMValueRef zero = LLVMConstNull(vt);
        LLVMValueRef m = ty_dtypes[dt].kind == 'f' ? LLVMBuildFCmp(L->b, LLVMRealUNE, v, zero, "") : LLVMBuildICmp(L->b, LLVMIntNE, v, zero, "");
        any = LLVMBuildICmp(L->b, LLVMIntNE, LLVMBuildBitCast(L->b, m, LLVMIntTypeInContext(L->c, B), ""),
                            LLVMConstInt(LLVMIntTypeInContext(L->c, B), 0, 0), "");
        for (int k = 0; k < B; k++) t[k] = LLVMBuildExtractElement(L->b, m, i64c(L, k), "");
    }
    for (int k = 0; k < B && !vec; k++) {
        LLVMValueRef i = add(L, base, i64c(L, k));
        t[k] = cg_truth(L, cg_load_elem(L, dt, cg_elem_ptr(L, E->at, E->a, &i)), ty_scalar_of(dt));
        any = LLVMBuildOr(L->b, any, t[k], "");
    }
    LLVMBasicBlockRef some = LLVMAppendBasicBlockInContext(L->c, L->func, "nz.block");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(L->c, L->func, "nz.next");
    cg_br_expect(L, any, false, some, next);
    LLVMPositionBuilderAtEnd(L->b, some);
    for (int k = 0; k < B; k++) {
        LLVMValueRef i = add(L, base, i64c(L, k)), pos = load64(L, L->i64, E->count);
        write_indices(L, E, &i, i, pos, LLVMBuildICmp(L->b, LLVMIntSLT, pos, E->total, ""));
        LLVMBuildStore(L->b, add(L, pos, LLVMBuildZExt(L->b, t[k], L->i64, "")), E->count);
    }
    LLVMBuildBr(L->b, next);
    LLVMPositionBuilderAtEnd(L->b, next);
    cg_loop_end(L, &lc);
    LLVMValueRef done = mul(L, blocks, i64c(L, B)), rest = LLVMBuildSub(L->b, n, done, "");
    LLVMBuildStore(L->b, done, E->flat);
    LoopCtx tail;
    LLVMValueRef i = add(L, done, cg_loop_begin(L, &tail, rest));
    fill_sparse_body(L, &i, E);
    cg_loop_end(L, &tail);
}

static LLVMValueRef np_nonzero(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *at = types[0], *rt = ci->ret;
    int nd = at->ndim;
    NzEnv E = {.at = at, .rt = rt, .a = args[0], .bid = ci->builtin};
    LLVMValueRef shape[64];
    for (int k = 0; k < nd; k++) shape[k] = cg_arr_shape(L, args[0], k);
    E.count = slot_of(L, L->i64, zero(L), "count");
    E.flat = slot_of(L, L->i64, zero(L), "flat");
    cg_loop_nest(L, nd, shape, count_body, &E);
    LLVMValueRef n = load64(L, L->i64, E.count), dims[2] = {n, i64c(L, nd)};
    int nout = E.bid == BI_NP_NONZERO ? nd : 1;
    for (int k = 0; k < nout; k++) E.outs[k] = cg_alloc_array(L, E.bid == BI_NP_NONZERO ? rt->elems[k] : rt, dims);
    LLVMBuildStore(L->b, zero(L), E.count);
    E.total = n;
    E.spill = cg_entry_alloca(L, L->i64, "nzspill");
    LLVMValueRef size = i64c(L, 1);
    for (int k = 0; k < nd; k++) size = mul(L, size, shape[k]);
    LLVMBasicBlockRef sparse = LLVMAppendBasicBlockInContext(L->c, L->func, "nz.sparse");
    LLVMBasicBlockRef dense = LLVMAppendBasicBlockInContext(L->c, L->func, "nz.dense");
    LLVMBasicBlockRef filled = LLVMAppendBasicBlockInContext(L->c, L->func, "nz.filled");
    LLVMBuildCondBr(L->b, slt(L, mul(L, n, i64c(L, 16)), size), sparse, dense);
    LLVMPositionBuilderAtEnd(L->b, sparse);
    if (nd == 1) fill_sparse_blocks(L, &E, shape[0]);
    else cg_loop_nest(L, nd, shape, fill_sparse_body, &E);
    LLVMBuildBr(L->b, filled);
    LLVMPositionBuilderAtEnd(L->b, dense);
    cg_loop_nest(L, nd, shape, fill_body, &E);
    LLVMBuildBr(L->b, filled);
    LLVMPositionBuilderAtEnd(L->b, filled);
    if (E.bid != BI_NP_NONZERO) return E.outs[0];
    LLVMValueRef v = LLVMGetUndef(cg_type(L, rt));
    for (int k = 0; k < nd; k++) v = LLVMBuildInsertValue(L->b, v, E.outs[k], (unsigned)k, "");
    return v;
}

/* ---- convolve, correlate --------------------------------------------------------------- */
static LLVMValueRef conj_of(Lower *L, LLVMValueRef z) {
    return LLVMBuildInsertValue(L->b, z, LLVMBuildFNeg(L->b, LLVMBuildExtractValue(L->b, z, 1, ""), ""), 1, "");
}

enum { CORR_BLOCK = 256 };   /* outputs summed together: their accumulators stay in L1 */

static LLVMValueRef smin(Lower *L, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildSelect(L->b, slt(L, a, b), a, b, ""); }
static LLVMValueRef smax(Lower *L, LLVMValueRef a, LLVMValueRef b) { return LLVMBuildSelect(L->b, slt(L, a, b), b, a, ""); }
static LLVMValueRef acc_at(Lower *L, LLVMTypeRef cty, LLVMValueRef buf, LLVMValueRef k) {
    return LLVMBuildGEP2(L->b, cty, buf, &k, 1, "");
}

/* acc[i - b0] += A[i + shift] * y for i in [lo, hi), A's elements stride bytes apart. */
static void corr_axpy(Lower *L, int dt, const Type *ct, LLVMValueRef buf, LLVMValueRef b0, LLVMValueRef ad,
                      LLVMValueRef stride, LLVMValueRef lo, LLVMValueRef hi, LLVMValueRef shift, LLVMValueRef y) {
    LLVMTypeRef cty = cg_type(L, ct);
    LoopCtx lc;
    LLVMValueRef i = add(L, lo, cg_loop_begin(L, &lc, LLVMBuildSub(L->b, hi, lo, "")));
    LLVMValueRef p = acc_at(L, cty, buf, LLVMBuildSub(L->b, i, b0, ""));
    LLVMValueRef prod = cg_binop(L, IRB_MUL, elem(L, dt, ad, add(L, i, shift), stride), y, ct, NULL);
    LLVMBuildStore(L->b, cg_binop(L, IRB_ADD, load64(L, cty, p), prod, ct, NULL), p);
    cg_loop_end(L, &lc);
}

static LLVMValueRef np_correlate(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    bool conv = ci->builtin == BI_NP_CONVOLVE;
    const Type *rt = ci->ret, *ct = ty_scalar_of(rt->dtype);
    int dt = rt->dtype, mode = conv ? 2 : 0;
    if (given(ci, types, 2)) {
        const char *s = ti_const_str(L->ti, in->args[ci->argmap[2]]);
        for (int i = 0; ti_conv_modes[i]; i++)
            if (!strcmp(s, ti_conv_modes[i])) mode = i;
    }
    LLVMValueRef ad, an, as, vd, vn, vs;
    cg_flat_lane(L, types[0], args[0], dt, &ad, &an, &as);
    cg_flat_lane(L, types[1], args[1], dt, &vd, &vn, &vs);
    cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntEQ, an, zero(L), ""), "builtins:ValueError", "a cannot be empty");
    cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntEQ, vn, zero(L), ""), "builtins:ValueError", "v cannot be empty");
    LLVMValueRef swap = slt(L, an, vn);
    if (conv) {   /* convolve(a, v) = correlate(longer, shorter reversed), never reversed after */
        LLVMValueRef d1 = LLVMBuildSelect(L->b, swap, vd, ad, ""), n1 = LLVMBuildSelect(L->b, swap, vn, an, "");
        LLVMValueRef s1 = LLVMBuildSelect(L->b, swap, vs, as, "");
        LLVMValueRef d2 = LLVMBuildSelect(L->b, swap, ad, vd, ""), n2 = LLVMBuildSelect(L->b, swap, an, vn, "");
        LLVMValueRef s2 = LLVMBuildSelect(L->b, swap, as, vs, "");
        ad = d1, an = n1, as = s1;
        vd = cg_gep8(L, d2, mul(L, LLVMBuildSub(L->b, n2, i64c(L, 1), ""), s2)), vn = n2, vs = LLVMBuildNeg(L->b, s2, "");
        swap = LLVMConstInt(L->i1, 0, 0);
    } else {      /* correlate(a, v) with v longer is correlate(v, a) reversed */
        LLVMValueRef d1 = LLVMBuildSelect(L->b, swap, vd, ad, ""), n1 = LLVMBuildSelect(L->b, swap, vn, an, "");
        LLVMValueRef s1 = LLVMBuildSelect(L->b, swap, vs, as, "");
        vd = LLVMBuildSelect(L->b, swap, ad, vd, ""), vn = LLVMBuildSelect(L->b, swap, an, vn, "");
        vs = LLVMBuildSelect(L->b, swap, as, vs, "");
        ad = d1, an = n1, as = s1;
    }
    LLVMValueRef left = mode == 0 ? zero(L) : mode == 1 ? LLVMBuildSDiv(L->b, vn, i64c(L, 2), "") : LLVMBuildSub(L->b, vn, i64c(L, 1), "");
    LLVMValueRef len = mode == 0 ? add(L, LLVMBuildSub(L->b, an, vn, ""), i64c(L, 1)) : mode == 1 ? an
                                 : LLVMBuildSub(L->b, add(L, an, vn), i64c(L, 1), "");
    LLVMValueRef out = cg_alloc_array(L, rt, &len), od = cg_arr_data(L, out);
    /* By blocks of CORR_BLOCK outputs, summed in a scratch block of the accumulator type: for
     * each B[j] in turn, acc[i] += A[i - left + j] * B[j] over the outputs whose A index is in
     * range. Each output still sums its products in order of j from zero, as one loop over j
     * would, but the loop over i has no bounds test and runs along A, so it vectorises. */
    LLVMTypeRef cty = cg_type(L, ct);
    LLVMValueRef buf = cg_entry_alloca(L, LLVMArrayType2(cty, CORR_BLOCK), "corr");
    LLVMValueRef contig = LLVMBuildICmp(L->b, LLVMIntEQ, as, isz(L, dt), "");
    LLVMValueRef blocks = LLVMBuildSDiv(L->b, add(L, len, i64c(L, CORR_BLOCK - 1)), i64c(L, CORR_BLOCK), "");
    LoopCtx lb, lj, lk;
    LLVMValueRef b0 = mul(L, cg_loop_begin(L, &lb, blocks), i64c(L, CORR_BLOCK));
    LLVMValueRef b1 = smin(L, add(L, b0, i64c(L, CORR_BLOCK)), len), bn = LLVMBuildSub(L->b, b1, b0, "");
    LLVMBuildMemSet(L->b, buf, LLVMConstInt(L->i8, 0, 0), mul(L, bn, LLVMSizeOf(cty)), 8);   /* zero of every kind */
    LLVMValueRef j = cg_loop_begin(L, &lj, vn);
    L->numpy_sem = true;
    LLVMValueRef y = elem(L, dt, vd, j, vs);
    if (!conv && ct == ty_complex128) y = conj_of(L, y);   /* correlate conjugates its second operand */
    LLVMValueRef shift = LLVMBuildSub(L->b, j, left, "");   /* A index of output i: i + shift */
    LLVMValueRef lo = smax(L, b0, LLVMBuildNeg(L->b, shift, "")), hi = smin(L, b1, LLVMBuildSub(L->b, an, shift, ""));
    LLVMBasicBlockRef unit = LLVMAppendBasicBlockInContext(L->c, L->func, "corr_unit"),
                      strided = LLVMAppendBasicBlockInContext(L->c, L->func, "corr_strided"),
                      next = LLVMAppendBasicBlockInContext(L->c, L->func, "corr_next");
    LLVMBuildCondBr(L->b, contig, unit, strided);
    LLVMPositionBuilderAtEnd(L->b, unit);      /* A contiguous: a constant stride the vectoriser reads */
    corr_axpy(L, dt, ct, buf, b0, ad, isz(L, dt), lo, hi, shift, y);
    LLVMBuildBr(L->b, next);
    LLVMPositionBuilderAtEnd(L->b, strided);
    corr_axpy(L, dt, ct, buf, b0, ad, as, lo, hi, shift, y);
    LLVMBuildBr(L->b, next);
    LLVMPositionBuilderAtEnd(L->b, next);
    L->numpy_sem = false;
    cg_loop_end(L, &lj);
    LLVMValueRef k = cg_loop_begin(L, &lk, bn), i = add(L, b0, k);
    LLVMValueRef r = load64(L, cty, acc_at(L, cty, buf, k));
    if (ct == ty_complex128) r = LLVMBuildSelect(L->b, swap, conj_of(L, r), r, "");   /* swapped: reversed and conjugated */
    LLVMValueRef o = LLVMBuildSelect(L->b, swap, LLVMBuildSub(L->b, LLVMBuildSub(L->b, len, i64c(L, 1), ""), i, ""), i, "");
    cg_store_elem(L, dt, cg_gep8(L, od, mul(L, o, isz(L, dt))), r, ct);
    cg_loop_end(L, &lk);
    cg_loop_end(L, &lb);
    return out;
}

/* ---- dispatch ----------------------------------------------------------------------- */
LLVMValueRef cg_npstats_call(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    switch (ci->builtin) {
    case BI_NP_HISTOGRAM: return np_histogram(L, in, ci, args, types);
    case BI_NP_BINCOUNT: return np_bincount(L, ci, args, types);
    case BI_NP_DIGITIZE: return np_digitize(L, ci, args, types);
    case BI_NP_INTERP: return np_interp(L, ci, args, types);
    case BI_NP_COV: case BI_NP_CORRCOEF: return np_cov(L, in, ci, args, types);
    case BI_NP_NANSUM: case BI_NP_NANPROD: return along_axis(L, in, ci, args, types, fold_nansum);
    case BI_NP_NANMIN: case BI_NP_NANMAX: case BI_NP_PTP: return along_axis(L, in, ci, args, types, fold_extreme);
    case BI_NP_NANMEAN: case BI_NP_NANVAR: case BI_NP_NANSTD: return along_axis(L, in, ci, args, types, fold_moments);
    case BI_NP_NANARGMIN: case BI_NP_NANARGMAX: return np_nanarg(L, in, ci, args, types);
    case BI_NP_NONZERO: case BI_NP_ARGWHERE: case BI_NP_FLATNONZERO: return np_nonzero(L, ci, args, types);
    case BI_NP_CONVOLVE: case BI_NP_CORRELATE: return np_correlate(L, in, ci, args, types);
    case BI_NP_EINSUM: return cg_linalg_call(L, in, ci, args, types);
    }
    return NULL;
}
