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
 * The halving is emitted without recursion, as a loop over an explicit stack of tasks (an
 * element range [lo, lo+cnt) to sum, or "add the two values on top of the value stack"): the
 * range's left half is done first, then its right half, then the addition, so the additions
 * happen in the same tree as NumPy's. Both stacks live in the frame; their depth is bounded by
 * the tree's (two tasks and one value per level, and a 64-bit length has fewer than 64 levels).
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

enum { PW_BLOCK = 128, PW_LANES = 8, PW_TASKS = 192, PW_VALUES = 96 };

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
    LLVMTypeRef taskt = LLVMArrayType2(L->i64, PW_TASKS), valt = LLVMArrayType2(vt, PW_VALUES);
    LLVMValueRef task_lo = cg_entry_alloca(L, taskt, "pwlo"), task_n = cg_entry_alloca(L, taskt, "pwn");
    LLVMValueRef vals = cg_entry_alloca(L, valt, "pwvals");
    LLVMValueRef sp = cg_entry_alloca(L, L->i64, "pwsp"), vsp = cg_entry_alloca(L, L->i64, "pwvsp");
    LLVMBuildStore(L->b, i64c(L, 0), slot_at(L, taskt, task_lo, i64c(L, 0)));
    LLVMBuildStore(L->b, n, slot_at(L, taskt, task_n, i64c(L, 0)));
    LLVMBuildStore(L->b, i64c(L, 1), sp);
    LLVMBuildStore(L->b, i64c(L, 0), vsp);

    LLVMBasicBlockRef head = new_block(L, "pw.next"), pop = new_block(L, "pw.pop"), add = new_block(L, "pw.add");
    LLVMBasicBlockRef range = new_block(L, "pw.range"), split = new_block(L, "pw.split"), leaf = new_block(L, "pw.leaf");
    LLVMBasicBlockRef done = new_block(L, "pw.done");
    LLVMBuildBr(L->b, head);

    LLVMPositionBuilderAtEnd(L->b, head);
    LLVMValueRef s = LLVMBuildLoad2(L->b, L->i64, sp, "");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, s, i64c(L, 0), ""), done, pop);

    LLVMPositionBuilderAtEnd(L->b, pop);
    LLVMValueRef top = LLVMBuildSub(L->b, s, i64c(L, 1), "");
    LLVMBuildStore(L->b, top, sp);
    LLVMValueRef lo = LLVMBuildLoad2(L->b, L->i64, slot_at(L, taskt, task_lo, top), "lo");
    LLVMValueRef cnt = LLVMBuildLoad2(L->b, L->i64, slot_at(L, taskt, task_n, top), "cnt");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, cnt, i64c(L, 0), ""), add, range);

    /* a negative count: add the two values on top (left + right) */
    LLVMPositionBuilderAtEnd(L->b, add);
    LLVMValueRef vs = LLVMBuildLoad2(L->b, L->i64, vsp, "");
    LLVMValueRef ia = LLVMBuildSub(L->b, vs, i64c(L, 2), ""), ib = LLVMBuildSub(L->b, vs, i64c(L, 1), "");
    LLVMValueRef sa = slot_at(L, valt, vals, ia);
    LLVMValueRef sum = LLVMBuildFAdd(L->b, LLVMBuildLoad2(L->b, vt, sa, ""), LLVMBuildLoad2(L->b, vt, slot_at(L, valt, vals, ib), ""), "");
    LLVMBuildStore(L->b, sum, sa);
    LLVMBuildStore(L->b, ib, vsp);
    LLVMBuildBr(L->b, head);

    LLVMPositionBuilderAtEnd(L->b, range);
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSLE, cnt, i64c(L, PW_BLOCK / per), ""), leaf, split);

    /* a long range: push "add", the right part, then the left part (done first) */
    LLVMPositionBuilderAtEnd(L->b, split);
    LLVMValueRef half = LLVMBuildSDiv(L->b, LLVMBuildNSWMul(L->b, cnt, i64c(L, per), ""), i64c(L, 2), "");
    LLVMValueRef n2 = LLVMBuildSub(L->b, half, LLVMBuildSRem(L->b, half, i64c(L, PW_LANES), ""), "");
    n2 = LLVMBuildSDiv(L->b, n2, i64c(L, per), "");
    LLVMValueRef los[3] = {i64c(L, 0), LLVMBuildNSWAdd(L->b, lo, n2, ""), lo};
    LLVMValueRef cnts[3] = {i64c(L, -1), LLVMBuildSub(L->b, cnt, n2, ""), n2};
    for (int k = 0; k < 3; k++) {
        LLVMValueRef at = LLVMBuildAdd(L->b, top, i64c(L, k), "");
        LLVMBuildStore(L->b, los[k], slot_at(L, taskt, task_lo, at));
        LLVMBuildStore(L->b, cnts[k], slot_at(L, taskt, task_n, at));
    }
    LLVMBuildStore(L->b, LLVMBuildAdd(L->b, top, i64c(L, 3), ""), sp);
    LLVMBuildBr(L->b, head);

    LLVMPositionBuilderAtEnd(L->b, leaf);
    LLVMValueRef v = per == 1 ? leaf_sum(L, t, lo, cnt, elem, env) : leaf_sum_complex(L, vt, lo, cnt, elem, env);
    LLVMValueRef vs2 = LLVMBuildLoad2(L->b, L->i64, vsp, "");
    LLVMBuildStore(L->b, v, slot_at(L, valt, vals, vs2));
    LLVMBuildStore(L->b, LLVMBuildAdd(L->b, vs2, i64c(L, 1), ""), vsp);
    LLVMBuildBr(L->b, head);

    /* every task done: one value left, the sum */
    LLVMPositionBuilderAtEnd(L->b, done);
    return LLVMBuildLoad2(L->b, vt, slot_at(L, valt, vals, i64c(L, 0)), "pwsum");
}

LLVMValueRef cg_pairwise_sum(Lower *L, LLVMTypeRef t, LLVMValueRef n, CgElemAt elem, void *env) {
    return pairwise(L, t, t, 1, n, elem, env);
}

LLVMValueRef cg_pairwise_sum_complex(Lower *L, LLVMTypeRef t, LLVMValueRef n, CgElemAt elem, void *env) {
    return pairwise(L, t, LLVMVectorType(t, 2), 2, n, elem, env);
}
