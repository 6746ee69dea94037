/* versions.c: one variable per live range (DESIGN.md, "Variables are versioned").
 *
 * Requires: the IR of a function (fe_build). Produces: the same IR in which a Python variable
 * whose assignments never meet is split into several variables (same name), one per web, so
 * typing gives each its own type: `x = 1` ... `x = np.zeros(3)` is two variables, while
 * `x = 1` then `if c: x = 2.5` followed by a read of x is one (int and float unify at the join,
 * as in Numba).
 *
 * Algorithm: for each variable, reaching definitions over the blocks (gen/kill per block, the
 * union over predecessors, iterated to a fixed point), then union-find over its STOREVARs: every
 * LOADVAR joins the definitions that reach it. A block's handler is reached from every point
 * of the block (an exception may leave anywhere), so it takes every definition made in the
 * block as well as those reaching its entry. Each class becomes a variable; the class holding
 * the entry's definition (a parameter) or else the first keeps the original number. Variables
 * that inner functions capture (CELLREF) and the frontend's own ('$' names) stay whole.
 */
#include "fe.h"
#include <string.h>

static int find(int *parent, int x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
}

/* t |= cur; whether t grew. */
static bool merge(unsigned char *t, const unsigned char *cur, int k) {
    bool grew = false;
    for (int j = 0; j < k; j++)
        if (cur[j] && !t[j]) t[j] = 1, grew = true;
    return grew;
}

/* Walking block b's instructions in order with cur = the definitions of v reaching x: if x
 * defines v, cur becomes that one definition (number *d, then *d advances) and its number is
 * returned; -1 otherwise. */
static int step(Instr *x, int v, unsigned char *cur, int k, int *d) {
    if (x->op != IR_STOREVAR || x->imm != v) return -1;
    memset(cur, 0, (size_t)k);
    cur[*d] = 1;
    return (*d)++;
}

/* Split variable v into its webs; -1 on an allocation failure. */
static int split_var(Function *fn, int v, int k, unsigned char *in, unsigned char *cur, int *parent,
                     int *web_var) {
    int nb = fn->nblocks;
    /* definition d is the d-th STOREVAR of v in block order, the same in every walk below */
    memset(in, 0, (size_t)nb * (size_t)k);
    for (bool changed = true; changed;) {   /* until no in-set grows (out-sets follow from them) */
        changed = false;
        int d = 0;
        for (int b = 0; b < nb; b++) {
            Block *blk = fn->blocks[b];
            memcpy(cur, in + (size_t)b * k, (size_t)k);
            unsigned char *h = blk->handler ? in + (size_t)blk->handler->id * k : NULL;
            changed |= h && merge(h, cur, k);   /* an exception may leave before any definition */
            for (int i = 0; i < blk->ninstrs; i++)
                if (step(blk->instrs[i], v, cur, k, &d) >= 0 && h) changed |= merge(h, cur, k);
            Block *succ[3];
            int ns = ir_successors(blk, succ);
            for (int s = 0; s < ns; s++) changed |= merge(in + (size_t)succ[s]->id * k, cur, k);
        }
    }
    for (int j = 0; j < k; j++) parent[j] = j;
    int d = 0;
    for (int b = 0; b < nb; b++) {   /* each read joins the definitions that reach it */
        Block *blk = fn->blocks[b];
        memcpy(cur, in + (size_t)b * k, (size_t)k);
        for (int i = 0; i < blk->ninstrs; i++) {
            Instr *x = blk->instrs[i];
            if (step(x, v, cur, k, &d) < 0 && x->op == IR_LOADVAR && x->imm == v) {
                int first = -1;
                for (int j = 0; j < k; j++)
                    if (cur[j]) {
                        if (first < 0) first = j;
                        else parent[find(parent, j)] = find(parent, first);
                    }
            }
        }
    }
    /* one variable per class: the original for the class of the first definition */
    for (int j = 0; j < k; j++) web_var[j] = -1;
    web_var[find(parent, 0)] = v;
    for (int j = 0; j < k; j++) {
        int r = find(parent, j);
        if (web_var[r] < 0 && (web_var[r] = ir_new_var(fn, fn->varnames[v])) < 0) return -1;
    }
    /* rewrite: each definition names its web's variable, each read the web of what reaches it */
    d = 0;
    for (int b = 0; b < nb; b++) {
        Block *blk = fn->blocks[b];
        memcpy(cur, in + (size_t)b * k, (size_t)k);
        for (int i = 0; i < blk->ninstrs; i++) {
            Instr *x = blk->instrs[i];
            int def = step(x, v, cur, k, &d);
            if (def >= 0) {
                x->imm = web_var[find(parent, def)];
            } else if (x->op == IR_LOADVAR && x->imm == v) {
                for (int j = 0; j < k; j++)
                    if (cur[j]) {
                        x->imm = web_var[find(parent, j)];
                        break;
                    }
            }
        }
    }
    return 0;
}

int fe_version_vars(Function *fn) {
    Ctx *ctx = fn->ctx;
    int nv = fn->nvars, nb = fn->nblocks;
    int *ndefs = ctx_alloc(ctx, sizeof(int) * (size_t)(nv + 1));
    bool *whole = ctx_alloc(ctx, (size_t)nv + 1);
    if (!ndefs || !whole) return -1;
    for (int v = 0; v < nv; v++) whole[v] = fn->varnames[v][0] == '$';
    int maxk = 0;
    for (int b = 0; b < nb; b++)
        for (int i = 0; i < fn->blocks[b]->ninstrs; i++) {
            Instr *x = fn->blocks[b]->instrs[i];
            if (x->op == IR_CELLREF) whole[x->imm] = true;
            if (x->op == IR_STOREVAR && ++ndefs[x->imm] > maxk) maxk = ndefs[x->imm];
        }
    if (maxk < 2) return 0;
    unsigned char *in = ctx_alloc(ctx, (size_t)nb * (size_t)maxk), *cur = ctx_alloc(ctx, (size_t)maxk);
    int *parent = ctx_alloc(ctx, sizeof(int) * (size_t)maxk), *web_var = ctx_alloc(ctx, sizeof(int) * (size_t)maxk);
    if (!in || !cur || !parent || !web_var) return -1;
    for (int v = 0; v < nv; v++)
        if (!whole[v] && ndefs[v] >= 2 && split_var(fn, v, ndefs[v], in, cur, parent, web_var)) return -1;
    return 0;
}
