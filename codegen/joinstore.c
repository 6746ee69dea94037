/* joinstore.c: after O3, a store that two branches of a loop share stays one store.
 *
 * Requires: an optimised module (jit.c runs this after the pass pipeline, before emission).
 * Produces: the same module, with an empty inline-asm marker after each such store.
 *
 * A dynamic-programming table filled with an if/else (edit distance: D[i, j] = D[i - 1, j - 1]
 * where the letters match, else 1 + min of three neighbours) stores D[i, j] in both arms; O3's
 * instcombine sinks the two stores into the join block as one store of a phi. The next trip
 * reads D[i, j - 1], the value just stored. At code generation MachineBlockPlacement
 * tail-duplicates the small join block into both arms again, so two store instructions feed that
 * load, taken as the letters compare: a Zen 4 then forwards the value through memory at full
 * latency, where with one store it renames it (the same loop over a table passed in, whose join
 * block was one instruction too long to be copied, ran 2.5x faster: 0.8 against 2.0 ns a cell).
 * An empty `asm sideeffect` marked convergent after the store keeps the block whole (the tail
 * duplicator does not copy convergent instructions) and costs nothing at run time: the arm that
 * does not fall through to it ends in a jump.
 *
 * Such a store: in a block inside a loop, with two or more predecessors, whose stored value or
 * address is a phi of that block (the trace instcombine's merge leaves).
 */
#include "lower.h"

static bool phi_of(LLVMValueRef v, LLVMBasicBlockRef b) {
    if (LLVMIsAGetElementPtrInst(v) && LLVMGetInstructionParent(v) == b)   /* base + phi offset */
        for (unsigned k = 0, n = (unsigned)LLVMGetNumOperands(v); k < n; k++)
            if (phi_of(LLVMGetOperand(v, k), b)) return true;
    return LLVMIsAPHINode(v) && LLVMGetInstructionParent(v) == b && LLVMCountIncoming(v) >= 2;
}

static unsigned predecessors(LLVMBasicBlockRef b) {
    unsigned n = 0;
    for (LLVMUseRef u = LLVMGetFirstUse(LLVMBasicBlockAsValue(b)); u; u = LLVMGetNextUse(u))
        n += LLVMIsATerminatorInst(LLVMGetUser(u)) != NULL;
    return n;
}

static LLVMValueRef merged_store(LLVMBasicBlockRef b) {
    for (LLVMValueRef in = LLVMGetFirstInstruction(b); in; in = LLVMGetNextInstruction(in))
        if (LLVMIsAStoreInst(in) && !LLVMGetVolatile(in) && (phi_of(LLVMGetOperand(in, 0), b) || phi_of(LLVMGetOperand(in, 1), b)))
            return in;
    return NULL;
}

void cg_keep_join_stores(LLVMModuleRef m) {
    LLVMContextRef c = LLVMGetModuleContext(m);
    LLVMValueRef marker = NULL;
    LLVMTypeRef fty = LLVMFunctionType(LLVMVoidTypeInContext(c), NULL, 0, 0);
    unsigned convergent = LLVMGetEnumAttributeKindForName("convergent", 10);
    for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f)) {
        Cfg g;
        bool open = false;
        for (LLVMBasicBlockRef b = LLVMGetFirstBasicBlock(f); b; b = LLVMGetNextBasicBlock(b)) {
            LLVMValueRef st = predecessors(b) >= 2 ? merged_store(b) : NULL;
            if (!st) continue;
            if (!open && cfg_open(&g, f)) break;
            open = true;
            if (!cfg_reaches(&g, b, b, NULL)) continue;
            if (!marker) marker = LLVMGetInlineAsm(fty, "", 0, "", 0, true, false, LLVMInlineAsmDialectATT, false);
            LLVMBuilderRef bld = LLVMCreateBuilderInContext(c);
            LLVMPositionBuilderBefore(bld, LLVMGetNextInstruction(st));
            LLVMValueRef call = LLVMBuildCall2(bld, fty, marker, NULL, 0, "");
            LLVMAddCallSiteAttribute(call, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(c, convergent, 0));
            LLVMDisposeBuilder(bld);
        }
        if (open) cfg_close(&g);
    }
}
