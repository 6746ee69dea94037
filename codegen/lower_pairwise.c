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
 * Leaves side by side: within a leaf every partial is one chain of dependent adds (16 deep for
 * 128 elements), and on AVX2 the 8 float partials are one register, so a float32 leaf ran one
 * chain at the add's latency (3 cycles per 8 elements) where float64's two registers ran two:
 * float32 sums were 1.3x float64's speed in cache, not 2x. Different leaves are independent, so
 * a node whose children are both leaves (a twin) or whose four grandchildren are (a quad) sums
 * its 2 or 4 leaves in one loop, each leaf its own partials and so its own chains, over the
 * groups they all have; each then runs its few remaining groups and its tail alone, and the
 * leaf values combine as the tree does ((l0 + l1) + (l2 + l3)). Every add is the one NumPy makes,
 * in its order, so the bits do not change. Only in lanes of at most 1 MB, though: streamed from
 * L3 or memory, leaves 1 KB apart side by side halve what the prefetchers deliver (a Zen 4).
 * Last, the sum is added to +0.0, the identity NumPy's reduction starts from (a lane of -0.0
 * sums to +0.0).
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

enum { PW_BLOCK = 128, PW_LANES = 8, PW_FRAMES = 96, PW_JOINT = 4 /* leaves of a quad */ };

static LLVMBasicBlockRef new_block(Lower *L, const char *name) {
    return LLVMAppendBasicBlockInContext(L->c, L->func, name);
}

static LLVMValueRef slot_at(Lower *L, LLVMTypeRef arrt, LLVMValueRef arr, LLVMValueRef k) {
    LLVMValueRef idx[2] = {i64c(L, 0), k};
    return LLVMBuildInBoundsGEP2(L->b, arrt, arr, idx, 2, "");
}

/* Element k of the group of `lanes` from at (L->egroup says so to an array expression, whose
 * operands then load the group as one vector: lower_array.c, group_elem). */
static LLVMValueRef group_elem(Lower *L, LLVMValueRef at, int k, int lanes, CgElemAt elem, void *env) {
    if (!k) L->egroup.serial++;
    L->egroup.lanes = lanes;
    L->egroup.k = k;
    LLVMValueRef x = elem(L, LLVMBuildNSWAdd(L->b, at, i64c(L, k), ""), env);
    L->egroup.lanes = 0;
    return x;
}

/* Elements at .. at+7 as one vector. */
static LLVMValueRef group_at(Lower *L, LLVMTypeRef vt, LLVMValueRef at, CgElemAt elem, void *env) {
    LLVMValueRef v = LLVMGetUndef(vt);
    for (int k = 0; k < PW_LANES; k++)
        v = LLVMBuildInsertElement(L->b, v, group_elem(L, at, k, PW_LANES, elem, env), i64c(L, k), "");
    return v;
}

/* Complex elements at .. at+3 as one vector of their parts (re0, im0, re1, im1, ...). */
static LLVMValueRef cgroup_at(Lower *L, LLVMTypeRef vt, LLVMValueRef at, CgElemAt elem, void *env) {
    LLVMValueRef v = LLVMGetUndef(vt);
    for (int k = 0; k < PW_LANES / 2; k++) {
        LLVMValueRef z = group_elem(L, at, k, PW_LANES / 2, elem, env);
        for (int j = 0; j < 2; j++)
            v = LLVMBuildInsertElement(L->b, v, LLVMBuildExtractElement(L->b, z, i64c(L, j), ""), i64c(L, 2 * k + j), "");
    }
    return v;
}

typedef LLVMValueRef (*GroupAt)(Lower *L, LLVMTypeRef vt, LLVMValueRef at, CgElemAt elem, void *env);

/* The partial sums (one vector vt each) of k leaves side by side: leaf j's groups[j] >= 1 full
 * groups of `per` elements from lo[j], each group (group_at or cgroup_at) added whole. The
 * partials start from +0.0 rather than from the first group as NumPy's do: 0.0 + x is x but for
 * x = -0.0, so a partial can differ only by the sign of a zero, which the +0.0 the whole sum is
 * added to last (pairwise) makes +0.0 either way; the first group then needs no code of its own.
 * The loop over the groups every leaf has adds one group to each leaf per trip (k independent
 * chains, each partial a register); then one loop over the leaves adds each leaf's few remaining
 * groups (a split leaves leaves at most a group or two apart) through memory, so that a group's
 * code is emitted k + 1 times, not 2k: the elements' code is most of a pairwise sum's. */
static void partials(Lower *L, LLVMTypeRef vt, int k, const LLVMValueRef *lo, const LLVMValueRef *groups, int per,
                     GroupAt group, CgElemAt elem, void *env, LLVMValueRef *out) {
    LLVMValueRef part[PW_JOINT], common = groups[0];
    for (int j = 0; j < k; j++) {
        part[j] = cg_entry_alloca(L, vt, "pwpart");
        LLVMBuildStore(L->b, LLVMConstNull(vt), part[j]);
        if (j) common = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, groups[j], common, ""), groups[j], common, "");
    }
    LoopCtx gc;
    LLVMValueRef g = cg_loop_begin(L, &gc, common);
    for (int j = 0; j < k; j++) {
        LLVMValueRef at = LLVMBuildNSWAdd(L->b, lo[j], LLVMBuildNSWMul(L->b, g, i64c(L, per), ""), "");
        LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, LLVMBuildLoad2(L->b, vt, part[j], ""), group(L, vt, at, elem, env), ""), part[j]);
    }
    cg_loop_end(L, &gc);
    if (k == 1) {
        out[0] = LLVMBuildLoad2(L->b, vt, part[0], "");
        return;
    }
    LLVMTypeRef pt = LLVMArrayType2(vt, PW_JOINT), it = LLVMArrayType2(L->i64, PW_JOINT);
    LLVMValueRef parts = cg_entry_alloca(L, pt, "pwparts"), los = cg_entry_alloca(L, it, "pwlos");
    LLVMValueRef ends = cg_entry_alloca(L, it, "pwends");
    for (int j = 0; j < k; j++) {
        LLVMBuildStore(L->b, LLVMBuildLoad2(L->b, vt, part[j], ""), slot_at(L, pt, parts, i64c(L, j)));
        LLVMBuildStore(L->b, lo[j], slot_at(L, it, los, i64c(L, j)));
        LLVMBuildStore(L->b, groups[j], slot_at(L, it, ends, i64c(L, j)));
    }
    LoopCtx lc, rc;
    LLVMValueRef j = cg_loop_begin(L, &lc, i64c(L, k));
    LLVMValueRef pj = slot_at(L, pt, parts, j), loj = LLVMBuildLoad2(L->b, L->i64, slot_at(L, it, los, j), "");
    LLVMValueRef more = LLVMBuildSub(L->b, LLVMBuildLoad2(L->b, L->i64, slot_at(L, it, ends, j), ""), common, "");
    g = LLVMBuildNSWAdd(L->b, cg_loop_begin(L, &rc, more), common, "");
    LLVMValueRef at = LLVMBuildNSWAdd(L->b, loj, LLVMBuildNSWMul(L->b, g, i64c(L, per), ""), "");
    LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, LLVMBuildLoad2(L->b, vt, pj, ""), group(L, vt, at, elem, env), ""), pj);
    cg_loop_end_rolled(L, &rc);
    cg_loop_end_rolled(L, &lc);
    for (int jj = 0; jj < k; jj++) out[jj] = LLVMBuildLoad2(L->b, vt, slot_at(L, pt, parts, i64c(L, jj)), "");
}

/* A leaf's value from its partials p (groups full groups from lo, of PW_LANES / per elements):
 * NumPy's combination of the partials, ((p0+p1)+(p2+p3))+((p4+p5)+(p6+p7)) of a real sum and
 * (q0+q1)+(q2+q3) of the (re, im) pairs of a complex one, then the elements past the groups
 * added one by one. vt is the value type: t, or <2 x t> for a complex sum. */
static LLVMValueRef leaf_finish(Lower *L, LLVMTypeRef vt, int per, LLVMValueRef p, LLVMValueRef lo, LLVMValueRef cnt,
                                LLVMValueRef groups, CgElemAt elem, void *env) {
    LLVMValueRef e[PW_LANES], r;
    for (int k = 0; k < PW_LANES; k++) e[k] = LLVMBuildExtractElement(L->b, p, i64c(L, k), "");
    if (per == 1) {
        r = LLVMBuildFAdd(L->b, LLVMBuildFAdd(L->b, LLVMBuildFAdd(L->b, e[0], e[1], ""), LLVMBuildFAdd(L->b, e[2], e[3], ""), ""),
                          LLVMBuildFAdd(L->b, LLVMBuildFAdd(L->b, e[4], e[5], ""), LLVMBuildFAdd(L->b, e[6], e[7], ""), ""), "");
    } else {
        r = LLVMGetUndef(vt);
        for (int k = 0; k < 2; k++)
            r = LLVMBuildInsertElement(L->b, r, LLVMBuildFAdd(L->b, LLVMBuildFAdd(L->b, e[k], e[k + 2], ""),
                                                              LLVMBuildFAdd(L->b, e[k + 4], e[k + 6], ""), ""), i64c(L, k), "");
    }
    LLVMValueRef acc = cg_entry_alloca(L, vt, "pwres");
    LLVMBuildStore(L->b, r, acc);
    LLVMValueRef tail0 = LLVMBuildNSWMul(L->b, groups, i64c(L, PW_LANES / per), "");
    LoopCtx tc;
    LLVMValueRef j = cg_loop_begin(L, &tc, LLVMBuildSub(L->b, cnt, tail0, ""));
    LLVMValueRef x = elem(L, LLVMBuildNSWAdd(L->b, LLVMBuildNSWAdd(L->b, lo, tail0, ""), j, ""), env);
    LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, LLVMBuildLoad2(L->b, vt, acc, ""), x, ""), acc);
    cg_loop_end_rolled(L, &tc);
    return LLVMBuildLoad2(L->b, vt, acc, "");
}

/* The values of k leaves side by side, each [lo[j], lo[j]+cnt[j]) of at least one full group
 * (cnt >= PW_LANES / per). */
static void joint_leaves(Lower *L, LLVMTypeRef vt, int per, int k, const LLVMValueRef *lo, const LLVMValueRef *cnt,
                         CgElemAt elem, void *env, LLVMValueRef *out) {
    LLVMTypeRef t = per == 1 ? vt : LLVMGetElementType(vt), pvt = LLVMVectorType(t, PW_LANES);
    LLVMValueRef groups[PW_JOINT], p[PW_JOINT];
    for (int j = 0; j < k; j++) groups[j] = LLVMBuildSDiv(L->b, cnt[j], i64c(L, PW_LANES / per), "");
    partials(L, pvt, k, lo, groups, PW_LANES / per, per == 1 ? group_at : cgroup_at, elem, env, p);
    for (int j = 0; j < k; j++) out[j] = leaf_finish(L, vt, per, p[j], lo[j], cnt[j], groups[j], elem, env);
}

/* Sum of the elements [lo, lo+cnt) of one leaf (cnt <= PW_BLOCK / per), in NumPy's leaf order:
 * fewer than a group (8 floats, 4 complex) is one running sum from +0.0. */
static LLVMValueRef leaf_sum(Lower *L, LLVMTypeRef vt, int per, LLVMValueRef lo, LLVMValueRef cnt, CgElemAt elem, void *env) {
    LLVMValueRef acc = cg_entry_alloca(L, vt, "pwleaf");
    LLVMBasicBlockRef small = new_block(L, "pw.small"), block = new_block(L, "pw.block"), done = new_block(L, "pw.leafdone");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, cnt, i64c(L, PW_LANES / per), ""), small, block);

    LLVMPositionBuilderAtEnd(L->b, small);
    LLVMBuildStore(L->b, LLVMConstNull(vt), acc);
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, cnt);
    LLVMValueRef x = elem(L, LLVMBuildNSWAdd(L->b, lo, i, ""), env);
    LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, LLVMBuildLoad2(L->b, vt, acc, ""), x, ""), acc);
    cg_loop_end(L, &lc);   /* the whole of a short lane (rows of 3): unrolled, 15% faster */
    LLVMBuildBr(L->b, done);

    LLVMPositionBuilderAtEnd(L->b, block);
    LLVMValueRef r;
    joint_leaves(L, vt, per, 1, &lo, &cnt, elem, env, &r);
    LLVMBuildStore(L->b, r, acc);
    LLVMBuildBr(L->b, done);

    LLVMPositionBuilderAtEnd(L->b, done);
    return LLVMBuildLoad2(L->b, vt, acc, "");
}

/* How many leaves to sum side by side: 4 (a quad, or 2 in a twin) where a real leaf's 8 partials are one vector
 * register of the target (floats on AVX and AVX-512, doubles on AVX-512), so that one leaf alone
 * is one chain of adds; else 1. Doubles on AVX2 already run two chains per leaf, and summing
 * their leaves side by side measured slower (row sums of 316 doubles 26.0 -> 29.6 us per
 * 10^5 elements: four streams from L3 instead of one). Complex leaves stay alone: their groups
 * are built from parts and cost more than the adds' latency (np.sum(z * w) of 10^5 complex64
 * 117 -> 153 us side by side, z.sum() unchanged; with its operands loaded by group, 10^6
 * complex128 423 -> 718 us side by side). */
static int leaves_side_by_side(Lower *L, LLVMTypeRef vt, int per) {
    unsigned reg = cg_has_feature(L, "+avx512f") ? 64 : cg_has_feature(L, "+avx") ? 32 : 16;
    unsigned bytes = PW_LANES * (LLVMGetTypeKind(vt) == LLVMDoubleTypeKind ? 8 : 4);
    return per == 1 && bytes <= reg ? PW_JOINT : 1;
}

/* Where NumPy splits a range of cnt elements of `per` floats: half its floats rounded down to a
 * multiple of 8 floats, in elements. */
static LLVMValueRef split_at(Lower *L, LLVMValueRef cnt, int per) {
    LLVMValueRef half = LLVMBuildSDiv(L->b, LLVMBuildNSWMul(L->b, cnt, i64c(L, per), ""), i64c(L, 2), "");
    return LLVMBuildSDiv(L->b, LLVMBuildSub(L->b, half, LLVMBuildSRem(L->b, half, i64c(L, PW_LANES), ""), ""), i64c(L, per), "");
}

/* Elements computed ahead into a buffer (buffered pairwise sums, fill_buffer). */
typedef struct Buffered {
    LLVMTypeRef vt;
    LLVMValueRef buf, base;   /* the buffer holds elements base .. base + PW_BUFFER - 1 */
} Buffered;

enum { PW_BUFFER = PW_JOINT * PW_BLOCK };   /* the elements of a quad of leaves, at most */

static LLVMValueRef buffered_elem(Lower *L, LLVMValueRef i, void *env) {
    Buffered *B = env;
    LLVMValueRef idx[2] = {i64c(L, 0), LLVMBuildNSWSub(L->b, i, B->base, "")};
    return LLVMBuildLoad2(L->b, B->vt, LLVMBuildInBoundsGEP2(L->b, LLVMArrayType2(B->vt, PW_BUFFER), B->buf, idx, 2, ""), "");
}

/* Elements lo .. lo+cnt-1 (cnt <= PW_BUFFER) into B's buffer, by a loop of their own: the loop
 * vectoriser takes an expression SLP does not (np.abs of complex elements: a square root per
 * element where the elementwise loop runs 8 a vector). */
static void fill_buffer(Lower *L, Buffered *B, LLVMValueRef lo, LLVMValueRef cnt, CgElemAt elem, void *env) {
    B->base = lo;
    LoopCtx lc;
    LLVMValueRef k = cg_loop_begin(L, &lc, cnt);
    LLVMValueRef idx[2] = {i64c(L, 0), k};
    LLVMValueRef x = elem(L, LLVMBuildNSWAdd(L->b, lo, k, ""), env);
    LLVMBuildStore(L->b, x, LLVMBuildInBoundsGEP2(L->b, LLVMArrayType2(B->vt, PW_BUFFER), B->buf, idx, 2, ""));
    cg_loop_end(L, &lc);
}

/* The halving of n elements of `per` floats each (1 real, 2 complex) as NumPy does it over
 * their floats; values of type vt. With `buffered`, the elements under a leaf, twin or quad are
 * computed into a buffer first (fill_buffer) and summed from there: the same adds. */
static LLVMValueRef pairwise(Lower *L, LLVMTypeRef vt, int per, LLVMValueRef n, CgElemAt elem, void *env, bool buffered) {
    Buffered B = {.vt = vt, .buf = buffered ? cg_entry_alloca(L, LLVMArrayType2(vt, PW_BUFFER), "pwbuf") : NULL};
    CgElemAt from = buffered ? buffered_elem : elem;
    void *fenv = buffered ? (void *)&B : env;
    LLVMTypeRef it = LLVMArrayType2(L->i64, PW_FRAMES), valt = LLVMArrayType2(vt, PW_FRAMES);
    LLVMValueRef right_lo = cg_entry_alloca(L, it, "pwrlo"), right_n = cg_entry_alloca(L, it, "pwrn");
    LLVMValueRef left = cg_entry_alloca(L, valt, "pwleft");
    LLVMValueRef lo_s = cg_entry_alloca(L, L->i64, "pwlo"), cnt_s = cg_entry_alloca(L, L->i64, "pwcnt");
    LLVMValueRef depth = cg_entry_alloca(L, L->i64, "pwdepth"), val = cg_entry_alloca(L, vt, "pwval");
    LLVMBuildStore(L->b, i64c(L, 0), lo_s);
    LLVMBuildStore(L->b, n, cnt_s);
    LLVMBuildStore(L->b, i64c(L, 0), depth);

    LLVMBasicBlockRef descend = new_block(L, "pw.descend"), node = new_block(L, "pw.node"), split = new_block(L, "pw.split");
    LLVMBasicBlockRef leaf = new_block(L, "pw.leaf"), unwind = new_block(L, "pw.unwind"), frame = new_block(L, "pw.frame");
    LLVMBasicBlockRef right = new_block(L, "pw.right"), add = new_block(L, "pw.add"), done = new_block(L, "pw.done");
    LLVMValueRef most = i64c(L, PW_BLOCK / per);
    /* leaves side by side only in a lane of at most 1 MB, as runtime/stats.c's (side_by_side):
     * np.sum(x * 2.0) of 10^7 doubles 8.2 ms with them, 2.5 without, on a Zen 4 */
    unsigned long long bytes = LLVMABISizeOfType(LLVMGetModuleDataLayout(L->m), vt);
    LLVMValueRef side = LLVMBuildICmp(L->b, LLVMIntSLE, LLVMBuildMul(L->b, n, i64c(L, (long long)bytes), ""),
                                      i64c(L, 1 << 20), "pwside");
    LLVMBuildBr(L->b, descend);

    LLVMPositionBuilderAtEnd(L->b, descend);
    LLVMValueRef lo = LLVMBuildLoad2(L->b, L->i64, lo_s, "lo"), cnt = LLVMBuildLoad2(L->b, L->i64, cnt_s, "cnt");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSGT, cnt, most, ""), node, leaf);

    /* a long range: n2 elements on the left (half its floats, rounded down to a multiple of 8
     * floats), the rest on the right (as long or up to 15 floats longer) */
    LLVMPositionBuilderAtEnd(L->b, node);
    LLVMValueRef n2 = split_at(L, cnt, per), rn2 = LLVMBuildSub(L->b, cnt, n2, "");
    if (leaves_side_by_side(L, vt, per) == 1) {
        LLVMBuildBr(L->b, split);
    } else {   /* a twin when the right part is a leaf; else a quad when both parts split into leaves */
        LLVMBasicBlockRef twin = new_block(L, "pw.twin"), node2 = new_block(L, "pw.node2"), quad = new_block(L, "pw.quad");
        LLVMBuildCondBr(L->b, LLVMBuildAnd(L->b, side, LLVMBuildICmp(L->b, LLVMIntSLE, rn2, most, ""), ""), twin, node2);

        LLVMPositionBuilderAtEnd(L->b, twin);
        LLVMValueRef tlo[2] = {lo, LLVMBuildNSWAdd(L->b, lo, n2, "")}, tcnt[2] = {n2, rn2}, tv[2];
        if (buffered) fill_buffer(L, &B, lo, cnt, elem, env);
        joint_leaves(L, vt, per, 2, tlo, tcnt, from, fenv, tv);
        LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, tv[0], tv[1], ""), val);
        LLVMBuildBr(L->b, unwind);

        LLVMPositionBuilderAtEnd(L->b, node2);
        LLVMValueRef a2 = split_at(L, n2, per), b2 = split_at(L, rn2, per);
        LLVMValueRef ok = LLVMBuildAnd(L->b, LLVMBuildICmp(L->b, LLVMIntSGT, n2, most, ""),
                                       LLVMBuildICmp(L->b, LLVMIntSLE, LLVMBuildSub(L->b, n2, a2, ""), most, ""), "");
        ok = LLVMBuildAnd(L->b, ok, LLVMBuildICmp(L->b, LLVMIntSLE, LLVMBuildSub(L->b, rn2, b2, ""), most, ""), "");
        LLVMBuildCondBr(L->b, LLVMBuildAnd(L->b, side, ok, ""), quad, split);

        LLVMPositionBuilderAtEnd(L->b, quad);
        LLVMValueRef mid = LLVMBuildNSWAdd(L->b, lo, n2, "");
        LLVMValueRef qlo[4] = {lo, LLVMBuildNSWAdd(L->b, lo, a2, ""), mid, LLVMBuildNSWAdd(L->b, mid, b2, "")};
        LLVMValueRef qcnt[4] = {a2, LLVMBuildSub(L->b, n2, a2, ""), b2, LLVMBuildSub(L->b, rn2, b2, "")}, qv[4];
        if (buffered) fill_buffer(L, &B, lo, cnt, elem, env);
        joint_leaves(L, vt, per, 4, qlo, qcnt, from, fenv, qv);
        LLVMBuildStore(L->b, LLVMBuildFAdd(L->b, LLVMBuildFAdd(L->b, qv[0], qv[1], ""), LLVMBuildFAdd(L->b, qv[2], qv[3], ""), ""), val);
        LLVMBuildBr(L->b, unwind);
    }

    /* longer: push the right part, go on with the left part */
    LLVMPositionBuilderAtEnd(L->b, split);
    LLVMValueRef d = LLVMBuildLoad2(L->b, L->i64, depth, "");
    LLVMBuildStore(L->b, LLVMBuildNSWAdd(L->b, lo, n2, ""), slot_at(L, it, right_lo, d));
    LLVMBuildStore(L->b, rn2, slot_at(L, it, right_n, d));
    LLVMBuildStore(L->b, LLVMBuildAdd(L->b, d, i64c(L, 1), ""), depth);
    LLVMBuildStore(L->b, n2, cnt_s);
    LLVMBuildBr(L->b, descend);

    LLVMPositionBuilderAtEnd(L->b, leaf);
    if (buffered) fill_buffer(L, &B, lo, cnt, elem, env);
    LLVMBuildStore(L->b, leaf_sum(L, vt, per, lo, cnt, from, fenv), val);
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

    /* NumPy's reduction starts from the identity, +0.0, and adds the pairwise sum to it: exact,
     * but a sum of -0.0 alone is +0.0 (NumPy's leaf of 8 or more starts from its elements: -0.0;
     * partials, which start from +0.0) */
    LLVMPositionBuilderAtEnd(L->b, done);
    return LLVMBuildFAdd(L->b, LLVMConstNull(vt), LLVMBuildLoad2(L->b, vt, val, ""), "pwsum");
}

LLVMValueRef cg_pairwise_sum(Lower *L, LLVMTypeRef t, LLVMValueRef n, CgElemAt elem, void *env) {
    return pairwise(L, t, 1, n, elem, env, false);
}

LLVMValueRef cg_pairwise_sum_complex(Lower *L, LLVMTypeRef t, LLVMValueRef n, CgElemAt elem, void *env) {
    return pairwise(L, LLVMVectorType(t, 2), 2, n, elem, env, false);
}

LLVMValueRef cg_pairwise_sum_buffered(Lower *L, LLVMTypeRef t, bool cplx, LLVMValueRef n, CgElemAt elem, void *env) {
    return cplx ? pairwise(L, LLVMVectorType(t, 2), 2, n, elem, env, true) : pairwise(L, t, 1, n, elem, env, true);
}
