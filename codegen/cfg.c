/* cfg.c: walks over an LLVM function's control-flow graph, for the few questions code
 * generation asks of lowered or optimised IR (the LLVM-C API has no dominator tree or loop
 * info): can one block reach another, along edges that avoid a third? A block's index is found
 * by its address in a sorted table, so a walk is linear in the function's edges.
 *
 *   Cfg g;  cfg_open(&g, f);  ...cfg_reaches(&g, from, to, avoid)...  cfg_close(&g);
 *
 * jit.c asks whether a block lies in a loop (it reaches itself), lower_rec.c whether one block
 * dominates another (the entry cannot reach the other while avoiding it). */
#include "lower.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static int block_at_cmp(const void *x, const void *y) {
    uintptr_t a = (uintptr_t)((const CfgBlock *)x)->b, b = (uintptr_t)((const CfgBlock *)y)->b;
    return a < b ? -1 : a > b;
}

int cfg_open(Cfg *g, LLVMValueRef f) {
    g->n = LLVMCountBasicBlocks(f);
    g->at = malloc(sizeof *g->at * (g->n + 1));
    g->stack = malloc(sizeof *g->stack * (g->n + 1));
    g->seen = malloc(g->n + 1);
    LLVMBasicBlockRef *blocks = malloc(sizeof *blocks * (g->n + 1));
    if (!g->at || !g->stack || !g->seen || !blocks) {
        free(blocks);
        cfg_close(g);
        return -1;
    }
    LLVMGetBasicBlocks(f, blocks);
    for (unsigned i = 0; i < g->n; i++) g->at[i] = (CfgBlock){blocks[i], i};
    free(blocks);
    qsort(g->at, g->n, sizeof *g->at, block_at_cmp);
    return 0;
}

void cfg_close(Cfg *g) {
    free(g->at);
    free(g->stack);
    free(g->seen);
    g->at = NULL;
    g->stack = NULL;
    g->seen = NULL;
}

/* Is there a path of one edge or more from `from` to `to` that never enters `avoid` (NULL:
 * none)? `from` itself counts only when a path comes back to it. */
bool cfg_reaches(Cfg *g, LLVMBasicBlockRef from, LLVMBasicBlockRef to, LLVMBasicBlockRef avoid) {
    memset(g->seen, 0, g->n);
    unsigned top = 0;
    g->stack[top++] = from;
    while (top) {
        LLVMValueRef u = LLVMGetBasicBlockTerminator(g->stack[--top]);
        for (unsigned k = 0, ns = u ? LLVMGetNumSuccessors(u) : 0; k < ns; k++) {
            CfgBlock key = {LLVMGetSuccessor(u, k), 0};
            if (key.b == to) return true;
            if (key.b == avoid) continue;
            const CfgBlock *hit = bsearch(&key, g->at, g->n, sizeof *g->at, block_at_cmp);
            if (hit && !g->seen[hit->i]) {
                g->seen[hit->i] = true;
                g->stack[top++] = key.b;
            }
        }
    }
    return false;
}

/* Does every path from f's entry to b pass through d (d == b: yes)? */
bool cfg_dominates(Cfg *g, LLVMValueRef f, LLVMBasicBlockRef d, LLVMBasicBlockRef b) {
    LLVMBasicBlockRef entry = LLVMGetEntryBasicBlock(f);
    if (d == b || d == entry) return true;
    return b != entry && !cfg_reaches(g, entry, b, d);
}

/* Does b end a loop the loop vectoriser made (its vector body, or the scalar remainder it left),
 * i.e. does b's terminator carry loop metadata with llvm.loop.isvectorized? A vector phi in any
 * other loop was made by the SLP vectoriser. */
bool cfg_ends_vectorised_loop(LLVMBasicBlockRef b, unsigned loop_kind) {
    LLVMValueRef term = LLVMGetBasicBlockTerminator(b);
    LLVMValueRef md = term ? LLVMGetMetadata(term, loop_kind) : NULL;
    if (!md) return false;
    enum { MAX_OPS = 32 };
    LLVMValueRef ops[MAX_OPS], sub[4];
    unsigned n = LLVMGetMDNodeNumOperands(md);
    if (n > MAX_OPS) return true;   /* never seen; the answer that changes nothing */
    LLVMGetMDNodeOperands(md, ops);
    for (unsigned i = 1; i < n; i++) {   /* operand 0 is the loop's own node */
        if (!ops[i] || !LLVMIsAMDNode(ops[i])) continue;
        unsigned k = LLVMGetMDNodeNumOperands(ops[i]);
        if (k == 0 || k > 4) continue;
        LLVMGetMDNodeOperands(ops[i], sub);
        unsigned len;
        const char *s = sub[0] && LLVMIsAMDString(sub[0]) ? LLVMGetMDString(sub[0], &len) : NULL;
        if (s && len == 22 && !memcmp(s, "llvm.loop.isvectorized", 22)) return true;
    }
    return false;
}

/* Does f hold a loop the loop vectoriser made? */
bool cfg_has_vectorised_loop(LLVMValueRef f, unsigned loop_kind) {
    for (LLVMBasicBlockRef b = LLVMGetFirstBasicBlock(f); b; b = LLVMGetNextBasicBlock(b))
        if (cfg_ends_vectorised_loop(b, loop_kind)) return true;
    return false;
}
