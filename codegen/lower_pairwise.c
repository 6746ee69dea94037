/* lower_pairwise.c: float sums in NumPy's pairwise order (np.sum, a.sum(), np.mean, np.var...).
 *
 * NumPy adds the n elements of a reduction lane by halving: a run of at most 128 elements is a
 * leaf, summed with 8 partial sums (element k goes to partial k % 8, the partials combine as
 * ((p0+p1)+(p2+p3))+((p4+p5)+(p6+p7)), the n % 8 elements past the last full group are added
 * after that one by one); a run of fewer than 8 is summed in order from +0.0; a longer run splits
 * at n2 = n/2 rounded down to a multiple of 8, and the result is sum(first n2) + sum(the rest).
 * Following that order gives NumPy's result bit for bit, is more accurate than one running sum
 * (error O(log n) instead of O(n)), and vectorises: the 8 partials are one <8 x float> vector.
 *
 * The halving is emitted without recursion, in the shape a recursive C function compiles to: a
 * range longer than a leaf is split, its right half pushed on a stack of frames and the left half
 * taken at once, down to a leaf; after a leaf the stack unwinds: a frame whose right half is
 * still pending keeps the value just made (the left sum) and descends into its right half; a frame
 * whose right half is done adds its left sum and the value (left + right, NumPy's tree) and pops.
 * A frame is (start and length of the right half, left sum); a length of -1 marks "right half
 * under way". An earlier shape, one task stack popped three ways (split, leaf, add), ran the
 * same work 25-30% slower on arrays streamed from DRAM (10^7 float64; the same two shapes
 * written in C and built by gcc show the same gap; likely its data-dependent three-way pop
 * mispredicting, each flush cutting the loads in flight, which a 2-way unwind avoids). The stack's
 * depth is bounded: a split leaves at most half a range plus 8, so a 64-bit length needs fewer
 * than 60 frames.
 *
 * Elements come from a callback (element i of the lane, as t), so a caller may sum a lane of
 * memory, squared deviations, or any expression of the index without a temporary array.
 *
 * Complex sums (cg_pairwise_sum_complex) follow NumPy's complex loop, which runs the same
 * halving over the 2m floats of m elements: a leaf of at most 64 elements keeps 4 partial
 * (re, im) pairs (element k to pair k % 4, combined as (q0+q1)+(q2+q3)) after which the rest
 * is added one by one, a run of fewer than 4 is one running sum, and a longer run splits at
 * (m - m % 8) / 2 elements. Its values are <2 x t> vectors {re, im}.
 */
#include "lower.h"

enum { PW_BLOCK = 128, PW_LANES = 8, PW_FRAMES = 96 };

static LLVMBasicBlockRef new_block(Lower *L, const char *name) {
    return LLVMAppendBasicBlockInContext(L->c, L->func, name);
}

static LLVMValueRef slot_at(Lower *L, LLVMTypeRef arrt, LLVMValueRef arr, LLVMValueRef k) {
    LLVMValueRef idx[2] = {i64c(L, 0), k};
    return LLVMBuildInBoundsGEP2(L->b, arrt, arr, idx, 2, "");
}

/* Elements at .. at+7 as one vector. */
static LLVMValueRef group_at(Lower *L, LLVMTypeRef vt, LLVMValueRef at, CgElemAt elem, void *env) {
    LLVMValueRef v = LLVMGetUndef(vt);
    for (int k = 0; k < PW_LANES; k++)
        v = LLVMBuildInsertElement(L->b, v, elem(L, LLVMBuildNSWAdd(L->b, at, i64c(L, k), ""), env), i64c(L, k), "");
    return v;
}

/* Complex elements at .. at+3 as one vector of their parts (re0, im0, re1, im1, ...). */
static LLVMValueRef cgroup_at(Lower *L, LLVMTypeRef vt, LLVMValueRef at, CgElemAt elem, void *env) {
    LLVMValueRef v = LLVMGetUndef(vt);
    for (int k = 0; k < PW_LANES / 2; k++) {
        LLVMValueRef z = elem(L, LLVMBuildNSWAdd(L->b, at, i64c(L, k), ""), env);
        for (int j = 0; j < 2; j++)
            v = LLVMBuildInsertElement(L->b, v, LLVMBuildExtractElement(L->b, z, i64c(L, j), ""), i64c(L, 2 * k + j), "");
    }
    return v;
}

typedef LLVMValueRef (*GroupAt)(Lower *L, LLVMTypeRef vt, LLVMValueRef at, CgElemAt elem, void *env);

/* The partial sums (one vector vt) over `groups` full groups of `per` elements from lo, each
 * group (group_at or cgroup_at) added whole. */
static LLVMValueRef partials(Lower *L, LLVMTypeRef vt, LLVMValueRef lo, LLVMValueRef groups, int per, GroupAt group,
                             CgElemAt elem, void *env) {
    LLVMValueRef part = cg_entry_alloca(L, vt, "pwpart");
    LLVMBuildStore(L->b, group(L, vt, lo, elem, env), part);
    LoopCtx gc;
    LLVMValueRef g = LLVMBuildNSWAdd(L->b, cg_loop_begin(L, &gc, LLVMBuildSub(L->b, groups, i64c(L, 1), "")), i64c(L, 1), "");
    LLVMValueRef at = LLVMBuildNSWAdd(L->b, lo, LLVMBuildNSWMul(L->b, g, i64c(L, per), ""), "");
    LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, LLVMBuildLoad2(L->b, vt, part, ""), group(L, vt, at, elem, env), ""), part);
    cg_loop_end(L, &gc);
    return LLVMBuildLoad2(L->b, vt, part, "");
}

/* Sum of the elements [lo, lo+cnt) of one leaf (cnt <= PW_BLOCK), in NumPy's leaf order. */
static LLVMValueRef leaf_sum(Lower *L, LLVMTypeRef t, LLVMValueRef lo, LLVMValueRef cnt, CgElemAt elem, void *env) {
    LLVMValueRef acc = cg_entry_alloca(L, t, "pwres");
    LLVMBasicBlockRef small = new_block(L, "pw.small"), block = new_block(L, "pw.block"), done = new_block(L, "pw.leafdone");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, cnt, i64c(L, PW_LANES), ""), small, block);

    /* fewer than 8: one running sum from +0.0 */
    LLVMPositionBuilderAtEnd(L->b, small);
    LLVMBuildStore(L->b, LLVMConstReal(t, 0.0), acc);
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, cnt);
    LLVMValueRef x = elem(L, LLVMBuildNSWAdd(L->b, lo, i, ""), env);
    LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, LLVMBuildLoad2(L->b, t, acc, ""), x, ""), acc);
    cg_loop_end(L, &lc);
    LLVMBuildBr(L->b, done);

    /* 8 partial sums, one vector, over the full groups of 8 */
    LLVMPositionBuilderAtEnd(L->b, block);
    LLVMTypeRef vt = LLVMVectorType(t, PW_LANES);
    LLVMValueRef groups = LLVMBuildSDiv(L->b, cnt, i64c(L, PW_LANES), "");
    LLVMValueRef p = partials(L, vt, lo, groups, PW_LANES, group_at, elem, env), e[PW_LANES];
    for (int k = 0; k < PW_LANES; k++) e[k] = LLVMBuildExtractElement(L->b, p, i64c(L, k), "");
    LLVMValueRef r = LLVMBuildFAdd(L->b, LLVMBuildFAdd(L->b, LLVMBuildFAdd(L->b, e[0], e[1], ""), LLVMBuildFAdd(L->b, e[2], e[3], ""), ""),
                                   LLVMBuildFAdd(L->b, LLVMBuildFAdd(L->b, e[4], e[5], ""), LLVMBuildFAdd(L->b, e[6], e[7], ""), ""), "");
    LLVMBuildStore(L->b, r, acc);
    LLVMValueRef tail0 = LLVMBuildNSWMul(L->b, groups, i64c(L, PW_LANES), "");
    LoopCtx tc;
    LLVMValueRef j = cg_loop_begin(L, &tc, LLVMBuildSub(L->b, cnt, tail0, ""));
    x = elem(L, LLVMBuildNSWAdd(L->b, LLVMBuildNSWAdd(L->b, lo, tail0, ""), j, ""), env);
    LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, LLVMBuildLoad2(L->b, t, acc, ""), x, ""), acc);
    cg_loop_end(L, &tc);
    LLVMBuildBr(L->b, done);

    LLVMPositionBuilderAtEnd(L->b, done);
    return LLVMBuildLoad2(L->b, t, acc, "");
}

/* Sum of the complex elements [lo, lo+cnt) of one leaf (cnt <= PW_BLOCK / 2), each a <2 x t>
 * {re, im}, in NumPy's complex leaf order. The 4 partial pairs are one <8 x t> vector. */
static LLVMValueRef leaf_sum_complex(Lower *L, LLVMTypeRef pt, LLVMValueRef lo, LLVMValueRef cnt, CgElemAt elem, void *env) {
    enum { PAIRS = PW_LANES / 2 };
    LLVMTypeRef t = LLVMGetElementType(pt), vt = LLVMVectorType(t, PW_LANES);
    LLVMValueRef acc = cg_entry_alloca(L, pt, "pwcres");
    LLVMBasicBlockRef block = new_block(L, "pwc.block"), tail = new_block(L, "pwc.tail");
    LLVMValueRef big = LLVMBuildICmp(L->b, LLVMIntSGE, cnt, i64c(L, PAIRS), "");
    LLVMValueRef groups = LLVMBuildSelect(L->b, big, LLVMBuildSDiv(L->b, cnt, i64c(L, PAIRS), ""), i64c(L, 0), "");
    LLVMValueRef tail0 = LLVMBuildNSWMul(L->b, groups, i64c(L, PAIRS), "");
    LLVMBuildStore(L->b, LLVMConstNull(pt), acc);
    LLVMBuildCondBr(L->b, big, block, tail);

    /* 4 partial pairs (re0, im0, re1, ...) over the full groups of 4 elements */
    LLVMPositionBuilderAtEnd(L->b, block);
    LLVMValueRef p = partials(L, vt, lo, groups, PAIRS, cgroup_at, elem, env), e[PW_LANES], r = LLVMGetUndef(pt);
    for (int k = 0; k < PW_LANES; k++) e[k] = LLVMBuildExtractElement(L->b, p, i64c(L, k), "");
    for (int k = 0; k < 2; k++)   /* (q0 + q1) + (q2 + q3) of the pairs, each part */
        r = LLVMBuildInsertElement(L->b, r, LLVMBuildFAdd(L->b, LLVMBuildFAdd(L->b, e[k], e[k + 2], ""),
                                                          LLVMBuildFAdd(L->b, e[k + 4], e[k + 6], ""), ""), i64c(L, k), "");
    LLVMBuildStore(L->b, r, acc);
    LLVMBuildBr(L->b, tail);

    /* the elements past the groups (all of them in a run of fewer than 4), one by one */
    LLVMPositionBuilderAtEnd(L->b, tail);
    LoopCtx tc;
    LLVMValueRef j = cg_loop_begin(L, &tc, LLVMBuildSub(L->b, cnt, tail0, ""));
    LLVMValueRef x = elem(L, LLVMBuildNSWAdd(L->b, LLVMBuildNSWAdd(L->b, lo, tail0, ""), j, ""), env);
    LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, LLVMBuildLoad2(L->b, pt, acc, ""), x, ""), acc);
    cg_loop_end(L, &tc);
    return LLVMBuildLoad2(L->b, pt, acc, "");
}

/* The halving of n elements of `per` floats each (1 real, 2 complex) as NumPy does it over
 * their floats; values of type vt. */
static LLVMValueRef pairwise(Lower *L, LLVMTypeRef t, LLVMTypeRef vt, int per, LLVMValueRef n, CgElemAt elem, void *env) {
    LLVMTypeRef it = LLVMArrayType2(L->i64, PW_FRAMES), valt = LLVMArrayType2(vt, PW_FRAMES);
    LLVMValueRef right_lo = cg_entry_alloca(L, it, "pwrlo"), right_n = cg_entry_alloca(L, it, "pwrn");
    LLVMValueRef left = cg_entry_alloca(L, valt, "pwleft");
    LLVMValueRef lo_s = cg_entry_alloca(L, L->i64, "pwlo"), cnt_s = cg_entry_alloca(L, L->i64, "pwcnt");
    LLVMValueRef depth = cg_entry_alloca(L, L->i64, "pwdepth"), val = cg_entry_alloca(L, vt, "pwval");
    LLVMBuildStore(L->b, i64c(L, 0), lo_s);
    LLVMBuildStore(L->b, n, cnt_s);
    LLVMBuildStore(L->b, i64c(L, 0), depth);

    LLVMBasicBlockRef descend = new_block(L, "pw.descend"), split = new_block(L, "pw.split"), leaf = new_block(L, "pw.leaf");
    LLVMBasicBlockRef unwind = new_block(L, "pw.unwind"), frame = new_block(L, "pw.frame"), right = new_block(L, "pw.right");
    LLVMBasicBlockRef add = new_block(L, "pw.add"), done = new_block(L, "pw.done");
    LLVMBuildBr(L->b, descend);

    LLVMPositionBuilderAtEnd(L->b, descend);
    LLVMValueRef lo = LLVMBuildLoad2(L->b, L->i64, lo_s, "lo"), cnt = LLVMBuildLoad2(L->b, L->i64, cnt_s, "cnt");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSGT, cnt, i64c(L, PW_BLOCK / per), ""), split, leaf);

    /* a long range: push its right part, go on with the left part (n2 elements: half its floats,
     * rounded down to a multiple of 8 floats) */
    LLVMPositionBuilderAtEnd(L->b, split);
    LLVMValueRef half = LLVMBuildSDiv(L->b, LLVMBuildNSWMul(L->b, cnt, i64c(L, per), ""), i64c(L, 2), "");
    LLVMValueRef n2 = LLVMBuildSub(L->b, half, LLVMBuildSRem(L->b, half, i64c(L, PW_LANES), ""), "");
    n2 = LLVMBuildSDiv(L->b, n2, i64c(L, per), "");
    LLVMValueRef d = LLVMBuildLoad2(L->b, L->i64, depth, "");
    LLVMBuildStore(L->b, LLVMBuildNSWAdd(L->b, lo, n2, ""), slot_at(L, it, right_lo, d));
    LLVMBuildStore(L->b, LLVMBuildSub(L->b, cnt, n2, ""), slot_at(L, it, right_n, d));
    LLVMBuildStore(L->b, LLVMBuildAdd(L->b, d, i64c(L, 1), ""), depth);
    LLVMBuildStore(L->b, n2, cnt_s);
    LLVMBuildBr(L->b, descend);

    LLVMPositionBuilderAtEnd(L->b, leaf);
    LLVMBuildStore(L->b, per == 1 ? leaf_sum(L, t, lo, cnt, elem, env) : leaf_sum_complex(L, vt, lo, cnt, elem, env), val);
    LLVMBuildBr(L->b, unwind);

    /* a value is made: hand it to the innermost frame, or it is the sum */
    LLVMPositionBuilderAtEnd(L->b, unwind);
    LLVMValueRef du = LLVMBuildLoad2(L->b, L->i64, depth, "");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, du, i64c(L, 0), ""), done, frame);

    LLVMPositionBuilderAtEnd(L->b, frame);
    LLVMValueRef top = LLVMBuildSub(L->b, du, i64c(L, 1), "");
    LLVMValueRef rn_at = slot_at(L, it, right_n, top), rn = LLVMBuildLoad2(L->b, L->i64, rn_at, "");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, rn, i64c(L, 0), ""), add, right);

    /* the left half is done: keep its sum, descend into the right half */
    LLVMPositionBuilderAtEnd(L->b, right);
    LLVMBuildStore(L->b, LLVMBuildLoad2(L->b, vt, val, ""), slot_at(L, valt, left, top));
    LLVMBuildStore(L->b, i64c(L, -1), rn_at);
    LLVMBuildStore(L->b, LLVMBuildLoad2(L->b, L->i64, slot_at(L, it, right_lo, top), ""), lo_s);
    LLVMBuildStore(L->b, rn, cnt_s);
    LLVMBuildBr(L->b, descend);

    /* both halves done: left + right, and the frame is gone */
    LLVMPositionBuilderAtEnd(L->b, add);
    LLVMValueRef sum = LLVMBuildFAdd(L->b, LLVMBuildLoad2(L->b, vt, slot_at(L, valt, left, top), ""), LLVMBuildLoad2(L->b, vt, val, ""), "");
    LLVMBuildStore(L->b, sum, val);
    LLVMBuildStore(L->b, top, depth);
    LLVMBuildBr(L->b, unwind);

    LLVMPositionBuilderAtEnd(L->b, done);
    return LLVMBuildLoad2(L->b, vt, val, "pwsum");
}

LLVMValueRef cg_pairwise_sum(Lower *L, LLVMTypeRef t, LLVMValueRef n, CgElemAt elem, void *env) {
    return pairwise(L, t, t, 1, n, elem, env);
}

LLVMValueRef cg_pairwise_sum_complex(Lower *L, LLVMTypeRef t, LLVMValueRef n, CgElemAt elem, void *env) {
    return pairwise(L, t, LLVMVectorType(t, 2), 2, n, elem, env);
}
