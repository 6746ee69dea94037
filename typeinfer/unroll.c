/* unroll.c: `for x in literal_unroll(t)` over a tuple whose elements differ in type.
 *
 * Requires: a Function typed once, in which such a loop's GETITER stayed untyped (infer.c leaves
 * it so), and the tuple's type. Produces: the same Function with the loop unrolled, one copy of
 * its body per element, x being t[k] in copy k, so each copy is typed for its element; the caller
 * versions variables again and types the function anew.
 *
 * The loop, as the frontend builds it: a header H ending in FORITER (body entry B, exit E), the
 * body blocks reached from B without passing H, whose back edges jump to H. The unrolled form
 * keeps n+1 copies of H (H_k carries the stack to the next copy, as H did, and jumps to B_k, the
 * last to E) and n copies of the body, whose back edges go to H_{k+1}; B_k's ITERVALUE becomes
 * GETITEM(t, k), and the GETITER becomes a COPY of the tuple (the stack slot that held the
 * iterator holds the tuple). Variables only the body uses (the frontend's stack slots) get a
 * fresh variable per copy, so copies never unify; user variables are split by versioning.
 */
#include "ti.h"
#include "fe.h"
#include <string.h>

/* The loop's body: the blocks reached from its entry without passing h that lead back to h
 * (a break's target and what follows the loop are reached too, but never lead back). */
static int loop_body(Function *fn, Block *entry, Block *h, bool *in) {
    int nb = fn->nblocks;
    bool *fwd = ctx_alloc(fn->ctx, (size_t)nb + 1), *back = ctx_alloc(fn->ctx, (size_t)nb + 1);
    if (!fwd || !back) return -1;
    ti_reach(fn, entry, h, true, fwd);
    for (bool grew = true; grew;) {   /* back[b]: b leads to h by blocks of fwd */
        grew = false;
        for (int b = 0; b < nb; b++) {
            if (!fwd[b] || back[b]) continue;
            Block *s[3];
            int n = ir_successors(fn->blocks[b], s);
            for (int i = 0; i < n && !back[b]; i++)
                if (s[i] == h || (fwd[s[i]->id] && back[s[i]->id])) back[b] = grew = true;
        }
    }
    for (int b = 0; b < nb; b++) in[b] = fwd[b] && back[b];
    return 0;
}

/* Clone the blocks marked in `sel` (map[id] receives each copy), remapping targets through map
 * (blocks outside sel keep theirs unless redirect[] says otherwise) and values through vmap. */
static int clone_blocks(Function *fn, bool *sel, int nb, Block **map, int *vmap, int ni, const int *varmap) {
    for (int b = 0; b < nb; b++)
        if (sel[b] && !(map[b] = ir_new_block(fn, fn->blocks[b]->offset))) return -1;
    for (int b = 0; b < nb; b++) {
        if (!sel[b]) continue;
        Block *src = fn->blocks[b], *dst = map[b];
        dst->handler = src->handler && sel[src->handler->id] ? map[src->handler->id] : src->handler;
        dst->handler_depth = src->handler_depth;
        dst->handler_lasti = src->handler_lasti;
        dst->planned = dst->done = true;
        for (int i = 0; i < src->ninstrs; i++) {
            Instr *x = ir_clone_into(fn, dst, src->instrs[i]);
            if (!x) return -1;
            if (src->instrs[i]->id < ni) vmap[src->instrs[i]->id] = x->id;
        }
    }
    for (int b = 0; b < nb; b++) {   /* now every value of the copy has its number */
        if (!sel[b]) continue;
        Block *dst = map[b];
        for (int i = 0; i < dst->ninstrs; i++) {
            Instr *x = dst->instrs[i];
            for (int k = 0; k < x->nargs; k++)
                if (x->args[k] < ni && vmap[x->args[k]] >= 0) x->args[k] = vmap[x->args[k]];
            for (int k = 0; k < 2; k++)
                if (x->target[k] && sel[x->target[k]->id]) x->target[k] = map[x->target[k]->id];
            if ((x->op == IR_LOADVAR || x->op == IR_STOREVAR || x->op == IR_DELVAR) && varmap && varmap[x->imm] >= 0)
                x->imm = varmap[x->imm];
        }
    }
    return 0;
}

int ti_unroll_literal_loop(TypeInfo *ti, Instr *getiter, const Type *tuple) {
    Function *fn = ti->fn;
    Ctx *ctx = fn->ctx;
    int nb = fn->nblocks, n = tuple->n;
    /* the FORITER advancing this iterator, through the stack variables that carry it (more of
     * them where a break makes more blocks) */
    Instr *fi = NULL;
    for (int b = 0; b < nb && !fi; b++) {
        Instr *t = ir_terminator(fn->blocks[b]);
        if (t && t->op == IR_FORITER && ti_value_source(fn, t->args[0]) == getiter->id) fi = t;
    }
    if (!fi) return ctx_error(ctx, DIAG_UNSUPPORTED, fn, getiter->loc, "literal_unroll() (or a tuple of different functions) is only iterated by a for loop");
    Block *h = fi->block, *body = fi->target[0], *exit = fi->target[1];
    bool *in = ctx_alloc(ctx, (size_t)nb + 1), *hsel = ctx_alloc(ctx, (size_t)nb + 1);
    Block **map = ctx_alloc(ctx, sizeof(Block *) * (size_t)(nb + 1));
    Block **heads = ctx_alloc(ctx, sizeof(Block *) * (size_t)(n + 1)), **entries = ctx_alloc(ctx, sizeof(Block *) * (size_t)(n + 1));
    int ni = fn->ninstrs;   /* copies are made from the original instructions: vmap is indexed by them */
    int *vmap = ctx_alloc(ctx, sizeof(int) * (size_t)(ni + 1));
    int *varmap = ctx_alloc(ctx, sizeof(int) * (size_t)(fn->nvars + 1));
    if (!in || !hsel || !map || !heads || !entries || !vmap || !varmap) return -1;
    if (loop_body(fn, body, h, in)) return -1;
    if (!in[body->id] && n > 1) n = 1;   /* a body that always breaks or returns: its first item's copy only */
    if (in[exit->id]) return ctx_error(ctx, DIAG_UNSUPPORTED, fn, fi->loc, "a loop unrolled over a tuple of different types (literal_unroll(), or functions) with this control flow");
    hsel[h->id] = true;
    /* variables used only inside the body: one per copy */
    bool *inside = ctx_alloc(ctx, (size_t)fn->nvars + 1), *outside = ctx_alloc(ctx, (size_t)fn->nvars + 1);
    if (!inside || !outside) return -1;
    for (int b = 0; b < nb; b++)
        for (int i = 0; i < fn->blocks[b]->ninstrs; i++) {
            Instr *x = fn->blocks[b]->instrs[i];
            if (x->op == IR_LOADVAR || x->op == IR_STOREVAR || x->op == IR_DELVAR) (in[b] ? inside : outside)[x->imm] = true;
        }
    /* copy 0 is the original; copies 1..n-1 of the body, 1..n of the header */
    heads[0] = h;
    entries[0] = body;
    Block **bodymaps = ctx_alloc(ctx, sizeof(Block *) * (size_t)(nb + 1) * (size_t)(n + 1));
    if (!bodymaps) return -1;
    for (int b = 0; b < nb; b++) bodymaps[b] = in[b] ? fn->blocks[b] : NULL;
    int nvars0 = fn->nvars;
    for (int k = 1; k <= n; k++) {
        for (int i = 0; i < ni; i++) vmap[i] = -1;
        if (clone_blocks(fn, hsel, nb, map, vmap, ni, NULL)) return -1;
        heads[k] = map[h->id];
        if (k < n) {
            for (int v = 0; v < nvars0; v++) {
                varmap[v] = -1;
                if (inside[v] && !outside[v] && fn->varnames[v][0] == '$' && (varmap[v] = ir_new_var(fn, fn->varnames[v])) < 0)
                    return -1;
            }
            for (int i = 0; i < ni; i++) vmap[i] = -1;
            if (clone_blocks(fn, in, nb, map, vmap, ni, varmap)) return -1;
            entries[k] = map[body->id];
            for (int b = 0; b < nb; b++) bodymaps[(size_t)k * (size_t)nb + (size_t)b] = in[b] ? map[b] : NULL;
        }
    }
    /* back edges of copy k go to head k+1; head k enters copy k (the last: the exit) */
    for (int k = 0; k < n; k++)
        for (int b = 0; b < nb; b++) {
            Block *blk = bodymaps[(size_t)k * (size_t)nb + (size_t)b];
            if (!blk) continue;
            for (int i = 0; i < blk->ninstrs; i++)
                for (int j = 0; j < 2; j++)
                    if (blk->instrs[i]->target[j] == h) blk->instrs[i]->target[j] = heads[k + 1];
        }
    for (int k = 0; k <= n; k++) {
        Instr *t = ir_terminator(heads[k]);
        t->op = IR_JUMP;
        t->nargs = 0;
        t->target[0] = k < n ? entries[k] : exit;
        t->target[1] = NULL;
    }
    /* x = t[k] in copy k: its entry's ITERVALUE becomes GETITEM(t, k) */
    for (int k = 0; k < n; k++) {
        Block *e = entries[k];
        for (int i = 0; i < e->ninstrs; i++) {
            Instr *x = e->instrs[i];
            if (x->op != IR_ITERVALUE) continue;
            Instr *c = ir_insert(fn, e, i, IR_CONST, 0, x->loc);
            if (!c) return -1;
            c->c.kind = K_INT;
            c->c.i = k;
            int it = x->args[0];
            int *args = ctx_alloc(ctx, sizeof(int) * 2);
            if (!args) return -1;
            args[0] = it;
            args[1] = c->id;
            x->op = IR_GETITEM;
            x->nargs = 2;
            x->args = args;
            break;
        }
    }
    getiter->op = IR_COPY;   /* the slot holds the tuple */
    /* an empty tuple: no copy of the body; head 0 goes straight to the exit */
    if (n == 0) {
        Instr *t = ir_terminator(h);
        t->target[0] = exit;
    }
    return ti_drop_unreachable(fn);   /* the body when n == 0 */
}

/* Leave out the blocks nothing reaches (after a rewrite of the control flow), renumber the rest
 * and version the variables again. */
int ti_drop_unreachable(Function *fn) {
    Ctx *ctx = fn->ctx;
    bool *reach = ctx_alloc(ctx, (size_t)fn->nblocks + 1);
    Block **stack = ctx_alloc(ctx, sizeof(Block *) * (size_t)(fn->nblocks + 1));
    if (!reach || !stack) return -1;
    int sp = 0;
    stack[sp++] = fn->blocks[0];
    reach[0] = true;
    while (sp) {
        Block *b = stack[--sp], *s[3];
        int ns = ir_successors(b, s);
        for (int i = 0; i < ns; i++)
            if (!reach[s[i]->id]) reach[s[i]->id] = true, stack[sp++] = s[i];
    }
    int m = 0;
    for (int b = 0; b < fn->nblocks; b++)
        if (reach[b]) {
            fn->blocks[m] = fn->blocks[b];
            fn->blocks[m]->id = m;
            m++;
        }
    fn->nblocks = m;
    return fe_version_vars(fn);
}
