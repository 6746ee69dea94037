/* unbound.c: which reads of a local variable may find it unassigned.
 *
 * Requires: a typed Function. Produces: ti->maybe_unbound, per value id, true for a LOADVAR of
 * a user variable that is not assigned on every path from the entry to it; lowering checks a
 * flag there and raises UnboundLocalError as CPython does (`if c: x = 1` then `return x`; a
 * for loop's variable after a loop that ran no iteration).
 *
 * Algorithm: definite assignment, a forward data-flow problem. in(b) is the intersection of
 * out(p) over b's predecessors (the entry's in is empty: parameters are stored by its first
 * instructions); out(b) adds what b's STOREVARs assign. Sets start full everywhere but the entry
 * and only shrink (a del removes a variable again), so iterating in block order until nothing changes terminates; a block never
 * reached keeps the full set and needs no check. A handler is reached from every point of the
 * blocks it covers: it meets their entry sets and the sets after each del. Variables whose cells inner functions take
 * (CELLREF) and the frontend's own ('$' names) are not checked.
 */
#include "ti.h"
#include <string.h>

/* s &= cur; whether s shrank. */
static bool meet(unsigned char *s, const unsigned char *cur, int nv) {
    bool shrank = false;
    for (int v = 0; v < nv; v++)
        if (s[v] && !cur[v]) s[v] = 0, shrank = true;
    return shrank;
}

int ti_find_unbound(TypeInfo *ti) {
    Function *fn = ti->fn;
    Ctx *ctx = fn->ctx;
    int nv = fn->nvars, nb = fn->nblocks;
    ti->maybe_unbound = ctx_alloc(ctx, (size_t)fn->ninstrs + 1);
    bool *skip = ctx_alloc(ctx, (size_t)nv + 1);
    unsigned char *in = ctx_alloc(ctx, (size_t)nb * (size_t)nv + 1);   /* in[b * nv + v]: assigned on entry to b */
    unsigned char *cur = ctx_alloc(ctx, (size_t)nv + 1);
    if (!ti->maybe_unbound || !skip || !in || !cur) return -1;
    memset(ti->maybe_unbound, 0, (size_t)fn->ninstrs + 1);
    for (int v = 0; v < nv; v++) skip[v] = fn->varnames[v][0] == '$';
    for (int i = 0; i < fn->ninstrs; i++)
        if (fn->instrs[i] && fn->instrs[i]->op == IR_CELLREF) skip[fn->instrs[i]->imm] = true;
    memset(in, 1, (size_t)nb * (size_t)nv);
    memset(in, 0, (size_t)nv);   /* block 0, the entry */

    for (bool changed = true; changed;) {
        changed = false;
        for (int b = 0; b < nb; b++) {
            Block *blk = fn->blocks[b];
            memcpy(cur, in + (size_t)b * nv, (size_t)nv);
            unsigned char *h = blk->handler ? in + (size_t)blk->handler->id * nv : NULL;
            changed |= h && meet(h, cur, nv);   /* an exception may leave before any assignment */
            for (int i = 0; i < blk->ninstrs; i++) {
                Instr *x = blk->instrs[i];
                if (x->op == IR_STOREVAR) cur[x->imm] = 1;
                if (x->op == IR_DELVAR) {
                    cur[x->imm] = 0;
                    changed |= h && meet(h, cur, nv);
                }
            }
            Block *succ[3];
            int ns = ir_successors(blk, succ);
            for (int k = 0; k < ns; k++) changed |= meet(in + (size_t)succ[k]->id * nv, cur, nv);
        }
    }
    for (int b = 0; b < nb; b++) {   /* the reads before any assignment in their block */
        Block *blk = fn->blocks[b];
        memcpy(cur, in + (size_t)b * nv, (size_t)nv);
        for (int i = 0; i < blk->ninstrs; i++) {
            Instr *x = blk->instrs[i];
            if (x->op == IR_STOREVAR) cur[x->imm] = 1;
            else if (x->op == IR_DELVAR) cur[x->imm] = 0;
            else if (x->op == IR_LOADVAR && !cur[x->imm] && !skip[x->imm]) ti->maybe_unbound[x->id] = true;
        }
    }
    return 0;
}
