/* selectop.c: after O3, a float add or subtract of a selected operand becomes a select of the
 * result: x - (c ? y : 0.0) becomes c ? x - y : x.
 *
 * Requires: an optimised module (jit.c runs this after the pass pipeline, before emission).
 * Produces: the same module, the same values.
 *
 * InstCombine moves a select into the operand of the operation both its arms feed
 * (`if ph >= L: ph -= L` is c ? ph - L : ph, which it rewrites as ph - (c ? L : 0.0)), as one
 * operation and a select either way. In a recurrence the rewritten form is slower: the compare,
 * the select and the subtraction follow one another (10 cycles a trip on Zen 4), where
 * c ? ph - L : ph subtracts while it compares and ends with a blend (7). Numba's loop keeps that
 * form: a wrapped phase accumulator ran at 1.4x Numba's time. The rewrite back is exact: x + -0.0
 * and x - 0.0 are x for every x (the arm InstCombine chose is that identity), and it keeps the
 * instruction's fast-math flags. Only where the select feeds nothing else (else it would be
 * computed twice), and where the condition is computed from x: otherwise the compare does not
 * wait for x, and InstCombine's form is the faster one, x's chain being the add alone (a sum
 * that skips the diagonal, `if j != i: s += a[j] * x[j]`, 4 cycles a trip unfolded against
 * Numba's 3).
 */
#include "lower.h"
#include <math.h>

/* Whether v is a float zero, or a vector of one zero in every lane; its sign in *negative. */
static bool zero_splat(LLVMValueRef v, bool *negative) {
    unsigned n = 1;
    if (LLVMGetTypeKind(LLVMTypeOf(v)) == LLVMVectorTypeKind) {
        if (!LLVMIsAConstant(v)) return false;
        n = LLVMGetVectorSize(LLVMTypeOf(v));
    }
    for (unsigned k = 0; k < n; k++) {
        LLVMValueRef e = LLVMGetTypeKind(LLVMTypeOf(v)) == LLVMVectorTypeKind ? LLVMGetAggregateElement(v, k) : v;
        LLVMBool lost;
        if (!e || !LLVMIsAConstantFP(e)) return false;
        double d = LLVMConstRealGetDouble(e, &lost);
        if (d != 0.0 || (k && signbit(d) != *negative)) return false;
        *negative = signbit(d);
    }
    return true;
}

/* The arm of select s that is the identity of `op` on its right (x - 0.0, x + -0.0; with nsz,
 * +0.0 for an add too): 1 (true arm), 2 (false arm) or 0. */
static int identity_arm(LLVMValueRef s, LLVMOpcode op, bool nsz) {
    for (int arm = 1; arm <= 2; arm++) {
        bool negative = false;
        if (zero_splat(LLVMGetOperand(s, (unsigned)arm), &negative) && (op == LLVMFSub ? !negative : negative || nsz))
            return arm;
    }
    return 0;
}

/* Whether v is x or computed from x in its block (through at most `depth` instructions). */
static bool computed_from(LLVMValueRef v, LLVMValueRef x, LLVMBasicBlockRef b, int depth) {
    if (v == x) return true;
    if (depth == 0 || !LLVMIsAInstruction(v) || LLVMIsAPHINode(v) || LLVMGetInstructionParent(v) != b) return false;
    for (unsigned k = 0, n = (unsigned)LLVMGetNumOperands(v); k < n; k++)
        if (computed_from(LLVMGetOperand(v, k), x, b, depth - 1)) return true;
    return false;
}

static bool rewrite(LLVMBuilderRef b, LLVMValueRef in) {
    LLVMOpcode op = LLVMGetInstructionOpcode(in);
    if (op != LLVMFAdd && op != LLVMFSub) return false;
    LLVMFastMathFlags fmf = LLVMGetFastMathFlags(in);
    for (unsigned k = op == LLVMFSub ? 1 : 0; k < 2; k++) {
        LLVMValueRef s = LLVMGetOperand(in, k), x = LLVMGetOperand(in, 1 - k);
        if (!LLVMIsASelectInst(s) || LLVMGetInstructionParent(s) != LLVMGetInstructionParent(in)) continue;
        LLVMUseRef u = LLVMGetFirstUse(s);
        if (!u || LLVMGetNextUse(u) || x == s) continue;   /* the select feeds this alone */
        int arm = identity_arm(s, op, (fmf & LLVMFastMathNoSignedZeros) != 0);
        if (!arm) continue;
        LLVMValueRef c = LLVMGetOperand(s, 0), y = LLVMGetOperand(s, (unsigned)(3 - arm));
        if (!computed_from(c, x, LLVMGetInstructionParent(in), 8)) continue;
        LLVMPositionBuilderBefore(b, in);
        LLVMValueRef r = op == LLVMFSub ? LLVMBuildFSub(b, x, y, "") : LLVMBuildFAdd(b, k ? x : y, k ? y : x, "");
        LLVMSetFastMathFlags(r, fmf);
        LLVMValueRef sel = arm == 2 ? LLVMBuildSelect(b, c, r, x, "") : LLVMBuildSelect(b, c, x, r, "");
        LLVMReplaceAllUsesWith(in, sel);
        LLVMInstructionEraseFromParent(in);
        LLVMInstructionEraseFromParent(s);
        return true;
    }
    return false;
}

void cg_unfold_select_operands(LLVMModuleRef m) { cg_rewrite_each(m, rewrite); }
