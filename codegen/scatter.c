/* scatter.c: after O3, a scatter that stores every lane becomes one store per lane.
 *
 * Requires: an optimised module (jit.c runs this after the pass pipeline, before emission).
 * Produces: the same module, the same stores in the same order.
 *
 * The loop vectoriser stores a group of fields it cannot write as one wide store (some field of
 * the record is not stored: p['x'] += ..., p['y'] += ... over records of x, y, vx, vy) with a
 * scatter per field, which LLVM 19 costs as a few stores. A scatter of 4 doubles takes 5-6 cycles
 * on an Ice Lake or Rocket Lake core and about 12 on a Zen 4, where 4 stores of lanes take 2-3:
 * a particle update over a record array ran at 2.1x Numba's time on a Rocket Lake (Numba's LLVM
 * 22 does not scatter there). So a scatter whose mask is all true becomes, lane by lane, an
 * extract and a store, with the scatter's alignment and metadata (the lanes in order: where two
 * addresses meet, the higher lane's value stays, as the scatter's). Where each lane's address is
 * lane 0's plus a constant (a GEP of a vector induction times a stride: the record loop's), the
 * stores address lane 0's pointer plus those constants, one extract in all, as a scalar loop's
 * stores (extracting each lane's pointer cost 4 moves more: 0.122 ms where this takes 0.075). A
 * scatter under a mask that varies (a conditional store, if tag == 0: p['x'] = 0.0) stays:
 * there it replaces a branch per element (0.105 ms against 0.30 scalar, 100000 records).
 */
#include "lower.h"

static bool all_true(LLVMValueRef mask, unsigned n) {
    if (!LLVMIsAConstant(mask) || LLVMIsUndef(mask) || LLVMIsPoison(mask)) return false;
    for (unsigned k = 0; k < n; k++) {
        LLVMValueRef e = LLVMGetAggregateElement(mask, k);
        if (!e || !LLVMIsAConstantInt(e) || !LLVMConstIntGetZExtValue(e)) return false;
    }
    return true;
}

/* A vector value's lane k less its lane 0, where that is a constant known from how v is made:
 * constant vectors, splats, + - * << of such, and a vector induction (a phi whose value on the
 * back edge is itself plus a splat). false where unknown. */
static bool lane_delta(LLVMValueRef v, unsigned k, int64_t *d, int depth) {
    if (depth > 12) return false;
    if (LLVMIsAConstant(v)) {
        if (LLVMGetTypeKind(LLVMTypeOf(v)) != LLVMVectorTypeKind) return *d = 0, true;   /* a scalar operand */
        LLVMValueRef a = LLVMGetAggregateElement(v, k), z = LLVMGetAggregateElement(v, 0);
        if (!a || !z || !LLVMIsAConstantInt(a) || !LLVMIsAConstantInt(z)) return false;
        *d = LLVMConstIntGetSExtValue(a) - LLVMConstIntGetSExtValue(z);
        return true;
    }
    if (LLVMGetTypeKind(LLVMTypeOf(v)) != LLVMVectorTypeKind) return *d = 0, true;
    if (LLVMIsAShuffleVectorInst(v)) {   /* a splat: every lane the mask's one element */
        unsigned n = LLVMGetNumMaskElements(v);
        int first = LLVMGetMaskValue(v, 0);
        for (unsigned j = 1; j < n; j++)
            if (LLVMGetMaskValue(v, j) != first) return false;
        return *d = 0, first != LLVMGetUndefMaskElem();
    }
    int64_t a, c;
    if (LLVMIsAPHINode(v)) {   /* phi [start, pre], [phi + splat, back]: start's deltas */
        if (LLVMCountIncoming(v) != 2) return false;
        for (unsigned j = 0; j < 2; j++) {
            LLVMValueRef x = LLVMGetIncomingValue(v, j), step = NULL;
            if (LLVMIsABinaryOperator(x) && LLVMGetInstructionOpcode(x) == LLVMAdd) {
                LLVMValueRef l = LLVMGetOperand(x, 0), r = LLVMGetOperand(x, 1);
                step = l == v ? r : r == v ? l : NULL;
            }
            if (step && lane_delta(step, k, &c, depth + 1) && c == 0)
                return lane_delta(LLVMGetIncomingValue(v, 1 - j), k, d, depth + 1);
        }
        return false;
    }
    if (!LLVMIsABinaryOperator(v) || !lane_delta(LLVMGetOperand(v, 0), k, &a, depth + 1) ||
        !lane_delta(LLVMGetOperand(v, 1), k, &c, depth + 1))
        return false;
    LLVMValueRef rhs = LLVMGetOperand(v, 1);
    bool const_vector = LLVMIsAConstant(rhs) && LLVMGetTypeKind(LLVMTypeOf(rhs)) == LLVMVectorTypeKind;
    LLVMValueRef r0 = const_vector ? LLVMGetAggregateElement(rhs, 0) : NULL;   /* the splat's value */
    switch (LLVMGetInstructionOpcode(v)) {
    case LLVMAdd: *d = a + c; return true;
    case LLVMSub: *d = a - c; return true;
    case LLVMShl:   /* x << splat(s) */
        if (c || !r0 || !LLVMIsAConstantInt(r0) || LLVMConstIntGetZExtValue(r0) > 32) return false;
        *d = a << LLVMConstIntGetZExtValue(r0);
        return true;
    case LLVMMul:   /* x * splat(m) */
        if (c || !r0 || !LLVMIsAConstantInt(r0)) return false;
        *d = a * LLVMConstIntGetSExtValue(r0);
        return true;
    default: return false;
    }
}

/* Lane k's address less lane 0's, in bytes, of a vector of pointers made by GEPs of one index. */
static bool address_delta(LLVMTargetDataRef td, LLVMValueRef p, unsigned k, int64_t *d, int depth) {
    if (depth > 6) return false;
    if (LLVMGetTypeKind(LLVMTypeOf(p)) != LLVMVectorTypeKind) return *d = 0, true;
    if (LLVMIsAShuffleVectorInst(p)) return lane_delta(p, k, d, 0);
    if (!LLVMIsAGetElementPtrInst(p) || LLVMGetNumIndices(p) != 1) return false;
    int64_t base, idx;
    if (!address_delta(td, LLVMGetOperand(p, 0), k, &base, depth + 1) || !lane_delta(LLVMGetOperand(p, 1), k, &idx, 0))
        return false;
    *d = base + idx * (int64_t)LLVMABISizeOfType(td, LLVMGetGEPSourceElementType(p));
    return true;
}

static bool split(LLVMBuilderRef b, LLVMValueRef in) {
    if (!cg_calls_intrinsic(in, "llvm.masked.scatter.")) return false;
    LLVMValueRef val = LLVMGetOperand(in, 0), ptrs = LLVMGetOperand(in, 1), align = LLVMGetOperand(in, 2);
    LLVMTypeRef vt = LLVMTypeOf(val);
    if (LLVMGetTypeKind(vt) != LLVMVectorTypeKind || !LLVMIsAConstantInt(align)) return false;
    unsigned n = LLVMGetVectorSize(vt);
    if (n > 64 || !all_true(LLVMGetOperand(in, 3), n)) return false;
    LLVMContextRef c = LLVMGetTypeContext(vt);
    LLVMTypeRef i32 = LLVMInt32TypeInContext(c), i64 = LLVMInt64TypeInContext(c), i8 = LLVMInt8TypeInContext(c);
    LLVMValueRef f = LLVMGetBasicBlockParent(LLVMGetInstructionParent(in));
    LLVMTargetDataRef td = LLVMGetModuleDataLayout(LLVMGetGlobalParent(f));
    int64_t delta[64] = {0};
    bool strided = true;
    for (unsigned k = 1; strided && k < n; k++) strided = address_delta(td, ptrs, k, &delta[k], 0);
    size_t nmd = 0;
    LLVMValueMetadataEntry *md = LLVMInstructionGetAllMetadataOtherThanDebugLoc(in, &nmd);
    LLVMPositionBuilderBefore(b, in);
    LLVMValueRef p0 = strided ? LLVMBuildExtractElement(b, ptrs, LLVMConstInt(i32, 0, 0), "") : NULL;
    for (unsigned k = 0; k < n; k++) {
        LLVMValueRef lane = LLVMConstInt(i32, k, 0), off = LLVMConstInt(i64, (unsigned long long)delta[k], 1);
        LLVMValueRef p = !strided ? LLVMBuildExtractElement(b, ptrs, lane, "") : k ? LLVMBuildGEP2(b, i8, p0, &off, 1, "") : p0;
        LLVMValueRef st = LLVMBuildStore(b, LLVMBuildExtractElement(b, val, lane, ""), p);
        LLVMSetAlignment(st, (unsigned)LLVMConstIntGetZExtValue(align));
        for (size_t j = 0; j < nmd; j++) {   /* the scatter's tbaa and alias scopes */
            LLVMMetadataRef m = LLVMValueMetadataEntriesGetMetadata(md, (unsigned)j);
            LLVMSetMetadata(st, LLVMValueMetadataEntriesGetKind(md, (unsigned)j), LLVMMetadataAsValue(c, m));
        }
    }
    if (md) LLVMDisposeValueMetadataEntries(md);
    LLVMInstructionEraseFromParent(in);
    return true;
}

void cg_split_full_scatters(LLVMModuleRef m) { cg_rewrite_each(m, split); }
