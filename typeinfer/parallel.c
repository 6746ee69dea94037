/* parallel.c: prange loops of a parallel=True function (DESIGN.md contract 7), found after typing.
 *
 * Typing treats prange as range, so a parallel loop is typed like a serial one; this pass only
 * decides, for each outermost `for i in prange(...)`, what each variable the loop touches is
 * to the threads that will run it, and rejects what cannot run safely:
 *
 *   shared     read in the loop, never written there: every thread reads the value from before
 *   private    written before any read on every path through an iteration: each thread has its own;
 *              also one read where only some paths wrote it (`if flag: c = ...`, later `if flag:
 *              ... c`), as Numba's: right when those paths agree, the thread's last value if not
 *   reduction  `s = s + e` (or - *, in place or not) or `s = min(s, e)` / max, and s read nowhere
 *              else in the loop: each chunk folds its own partial from the operation's identity;
 *              the caller combines the partials with the value from before the loop. An array
 *              of numbers reduces by + - * as numba's do (column sums: `acc += A[i]`): each chunk
 *              into a new array of acc's shape filled with the identity; the caller folds them
 *              into acc in place (`acc += e` everywhere) or into a new array (`acc = acc + e`)
 *   a race     any other variable both read and written by iterations: a located TypingError
 *
 * A private variable read after the loop, and a loop left by break or return, are errors too.
 * Codegen (lower_parallel.c) outlines each loop found here; a prange nested in one runs serially.
 */
#include "ti.h"
#include <string.h>

#define ERR(in, ...) ctx_error(ti->fn->ctx, DIAG_TYPING, ti->fn, (in)->loc, __VA_ARGS__)
#define UNSUP(in, ...) ctx_error(ti->fn->ctx, DIAG_UNSUPPORTED, ti->fn, (in)->loc, __VA_ARGS__)

/* Blocks reachable from `from` without passing through `avoid`, marked in `seen`. With `inner`,
 * an exception edge is followed only to a handler that does not also cover `avoid` (a try inside
 * the loop's body, not one around the whole loop). */
void ti_reach(Function *fn, Block *from, Block *avoid, bool inner, bool *seen) {
    if (from == avoid || seen[from->id]) return;
    seen[from->id] = true;
    Block *s[3];
    int n = ir_successors(from, s);
    for (int i = 0; i < n; i++)
        if (!inner || s[i] != from->handler || from->handler != avoid->handler) ti_reach(fn, s[i], avoid, inner, seen);
}

/* The variable through which FORITER `fi` advances a prange GETITER's iterator, or -1; *call:
 * the prange(...) call. */
static int prange_iter_var(TypeInfo *ti, Instr *fi, Instr **call) {
    Function *fn = ti->fn;
    Instr *ld = fn->instrs[fi->args[0]];
    if (ld->op != IR_LOADVAR) return -1;
    for (int v = 0; v < fn->ninstrs; v++) {
        Instr *st = fn->instrs[v];
        if (!st || st->op != IR_STOREVAR || st->imm != ld->imm) continue;
        Instr *gi = fn->instrs[st->args[0]];
        if (gi->op != IR_GETITER) continue;
        CallInfo *ci = ti->calls[gi->args[0]];
        if (fn->instrs[gi->args[0]]->op == IR_CALL && ci && ci->kind == CALL_BUILTIN && ci->builtin == BI_PRANGE) {
            *call = fn->instrs[gi->args[0]];
            return ld->imm;
        }
    }
    return -1;
}

/* An array a prange loop may reduce into: of numbers, not bools (NumPy's + of bools is an or). */
static bool reducible_array(const Type *t) {
    if (!t || t->kind != TY_ARRAY || t->readonly) return false;
    char k = ty_dtypes[t->dtype].kind;
    return k == 'i' || k == 'u' || k == 'f' || k == 'c';
}

/* The reduction `st` (a STOREVAR of variable v) performs, or -1: its operand reading v in *ld. */
/* Is value a variable v's value read in this iteration: a LOADVAR of v, or of an operand stack
 * entry the frontend carried across blocks that holds one (c += 1 if x else 0 loads c, then
 * branches: c's value reaches the add through "$" variables)? */
static bool reads_var(Function *fn, ParLoop *pl, Instr *a, int v, int depth) {
    if (a->op != IR_LOADVAR) return false;
    if (a->imm == v) return true;
    if (fn->varnames[a->imm][0] != '$' || depth > 8) return false;
    int stores = 0;
    for (int b = 0; b < fn->nblocks; b++)
        for (int i = 0; pl->in_loop[b] && i < fn->blocks[b]->ninstrs; i++) {
            Instr *in = fn->blocks[b]->instrs[i];
            if (in->op != IR_STOREVAR || in->imm != a->imm) continue;
            if (!reads_var(fn, pl, fn->instrs[in->args[0]], v, depth + 1)) return false;
            stores++;
        }
    return stores > 0;
}

static int reduction_op(TypeInfo *ti, ParLoop *pl, Instr *st, int v, int *ld) {
    Function *fn = ti->fn;
    Instr *x = fn->instrs[st->args[0]];
    bool reads[2] = {false, false};
    int nops = x->op == IR_BINOP ? 2 : x->op == IR_CALL ? x->nargs - 1 : 0;
    for (int k = 0; k < nops && k < 2; k++) {
        Instr *a = fn->instrs[x->args[x->op == IR_CALL ? k + 1 : k]];
        reads[k] = reads_var(fn, pl, a, v, 0);
        if (reads[k]) *ld = a->id;
    }
    if (nops != 2 || reads[0] == reads[1]) return -1;
    if (x->op == IR_BINOP) {
        if (x->imm == IRB_ADD || x->imm == IRB_MUL) return x->imm;
        if (x->imm == IRB_SUB && reads[0]) return IRB_ADD;   /* s - e: the partials sum the -e */
        if (x->imm == IRB_TRUEDIV && reads[0]) return IRB_MUL;   /* s / e: the partials multiply the 1 / e, as Numba's */
        return -1;
    }
    CallInfo *ci = ti->calls[x->id];
    if (!ci || ci->kind != CALL_BUILTIN || x->nkw) return -1;
    if (reducible_array(ti->vartypes[v])) return -1;   /* min() of arrays is no reduction */
    if (ci->builtin == BI_MIN) return PAR_MIN;
    if (ci->builtin == BI_MAX) return PAR_MAX;
    return -1;
}

/* Whether every store to synthetic variable v in the loop copies a synthetic variable: an operand
 * stack entry from outside the loop (an enclosing loop's iterator) passed from block to block. */
static bool carries_stack(Function *fn, ParLoop *pl, int v) {
    for (int b = 0; b < fn->nblocks; b++)
        for (int i = 0; pl->in_loop[b] && i < fn->blocks[b]->ninstrs; i++) {
            Instr *in = fn->blocks[b]->instrs[i];
            if (in->op != IR_STOREVAR || in->imm != v) continue;
            Instr *x = fn->instrs[in->args[0]];
            if (x->op != IR_LOADVAR || fn->varnames[x->imm][0] != '$') return false;
        }
    return true;
}

/* The first store to variable v in the loop: where its diagnostics point. */
static Instr *first_store(Function *fn, ParLoop *pl, int v) {
    for (int b = 0; b < fn->nblocks; b++)
        for (int i = 0; pl->in_loop[b] && i < fn->blocks[b]->ninstrs; i++)
            if (fn->blocks[b]->instrs[i]->op == IR_STOREVAR && fn->blocks[b]->instrs[i]->imm == v) return fn->blocks[b]->instrs[i];
    return pl->foriter;
}

/* Whether variable v is stored to outside the loop (a value it may hold when the loop starts). */
static bool stored_outside(Function *fn, ParLoop *pl, int v) {
    for (int b = 0; b < fn->nblocks; b++)
        for (int i = 0; !pl->in_loop[b] && i < fn->blocks[b]->ninstrs; i++)
            if (fn->blocks[b]->instrs[i]->op == IR_STOREVAR && fn->blocks[b]->instrs[i]->imm == v) return true;
    return false;
}

/* Variable v private to each thread; an error when read after the loop (not a synthetic one). */
static int make_private(TypeInfo *ti, ParLoop *pl, int v, bool read_after) {
    pl->var_kind[v] = PAR_PRIVATE;
    if (read_after && ti->fn->varnames[v][0] != '$')
        return ERR(first_store(ti->fn, pl, v), "'%s' is assigned in a prange loop and read after it: which iteration's "
                   "value it would hold depends on the threads (keep it in an array, or reduce it)", ti->fn->varnames[v]);
    return 0;
}

static int classify(TypeInfo *ti, ParLoop *pl, bool *after) {
    Function *fn = ti->fn;
    int nb = fn->nblocks, nv = fn->nvars;
    /* must-defined variables on entry to each loop block, by iteration to a fixed point */
    bool *def_in = ctx_alloc(fn->ctx, sizeof(bool) * (size_t)(nb * nv + 1));
    bool *exposed = ctx_alloc(fn->ctx, sizeof(bool) * (size_t)(nv + 1));
    bool *written = ctx_alloc(fn->ctx, sizeof(bool) * (size_t)(nv + 1));
    bool *cur = ctx_alloc(fn->ctx, sizeof(bool) * (size_t)(nv + 1));
    /* and the variables some path through the iteration has defined on entry to each block */
    bool *may_in = ctx_alloc(fn->ctx, sizeof(bool) * (size_t)(nb * nv + 1)), *may = ctx_alloc(fn->ctx, (size_t)(nv + 1));
    bool *carried = ctx_alloc(fn->ctx, (size_t)(nv + 1));   /* read where no path of the iteration defined it */
    if (!def_in || !exposed || !written || !cur || !may_in || !may || !carried) return -1;
    for (int b = 0; b < nb; b++)
        if (pl->in_loop[b] && fn->blocks[b] != pl->header) memset(def_in + (size_t)b * nv, 1, (size_t)nv);
    for (bool changed = true; changed;) {
        changed = false;
        for (int b = 0; b < nb; b++) {
            if (!pl->in_loop[b]) continue;
            Block *blk = fn->blocks[b];
            memcpy(cur, def_in + (size_t)b * nv, (size_t)nv);
            memcpy(may, may_in + (size_t)b * nv, (size_t)nv);
            for (int i = 0; i < blk->ninstrs; i++)
                if (blk->instrs[i]->op == IR_STOREVAR) cur[blk->instrs[i]->imm] = may[blk->instrs[i]->imm] = true;
            Block *s[3];
            int n = ir_successors(blk, s);
            for (int k = 0; k < n; k++) {
                if (s[k] == pl->header || !pl->in_loop[s[k]->id]) continue;
                bool *in = def_in + (size_t)s[k]->id * nv, *min = may_in + (size_t)s[k]->id * nv;
                for (int v = 0; v < nv; v++) {
                    if (in[v] && !cur[v]) in[v] = false, changed = true;
                    if (!min[v] && may[v]) min[v] = true, changed = true;
                }
            }
        }
    }
    for (int b = 0; b < nb; b++) {
        if (!pl->in_loop[b]) continue;
        Block *blk = fn->blocks[b];
        memcpy(cur, def_in + (size_t)b * nv, (size_t)nv);
        memcpy(may, may_in + (size_t)b * nv, (size_t)nv);
        for (int i = 0; i < blk->ninstrs; i++) {
            Instr *in = blk->instrs[i];
            if (in->op == IR_LOADVAR && !cur[in->imm]) exposed[in->imm] = true;
            if (in->op == IR_LOADVAR && !may[in->imm]) carried[in->imm] = true;
            if (in->op == IR_STOREVAR) written[in->imm] = cur[in->imm] = may[in->imm] = true;
            const CallInfo *ci = in->op == IR_CALL ? ti->calls[in->id] : NULL;
            for (int j = 0; ci && ci->kind == CALL_INNER && j < ci->nclosure; j++)   /* g(x) of a closure reads what it captured */
                exposed[ci->closure_vars[j]] |= !cur[ci->closure_vars[j]], carried[ci->closure_vars[j]] |= !may[ci->closure_vars[j]];
            if (in->op == IR_CELLREF || in->op == IR_MAKEFUNC)
                return UNSUP(in, "inner functions and closures inside a prange loop are not supported");
        }
    }
    for (int v = 0; v < nv; v++) {
        pl->var_kind[v] = PAR_UNUSED;
        if (v == pl->iter_var || (!exposed[v] && !written[v])) continue;
        const char *name = fn->varnames[v];
        bool synthetic = name[0] == '$';
        if (!written[v]) { pl->var_kind[v] = PAR_SHARED; continue; }
        if (ti->vartypes[v] == ty_excval) { pl->var_kind[v] = PAR_PRIVATE; continue; }   /* each thread's own "$exc" */
        if (!exposed[v]) {
            if (make_private(ti, pl, v, after[v])) return -1;
            continue;
        }
        /* read and written: an enclosing loop's stack entry carried through, a reduction, or a race */
        if (synthetic && carries_stack(fn, pl, v)) { pl->var_kind[v] = PAR_SHARED; continue; }
        int op = -1;
        bool rebinds = false;
        Instr *bad = NULL;
        int nreads = 0, nred_reads = 0;
        for (int b = 0; b < nb; b++) {
            if (!pl->in_loop[b]) continue;
            for (int i = 0; i < fn->blocks[b]->ninstrs; i++) {
                Instr *in = fn->blocks[b]->instrs[i];
                if (in->op == IR_LOADVAR && in->imm == v) nreads++;
                if (in->op != IR_STOREVAR || in->imm != v) continue;
                int ld = -1, o = reduction_op(ti, pl, in, v, &ld);
                if (o < 0 || (op >= 0 && o != op)) { bad = in; break; }
                op = o;
                rebinds |= !fn->instrs[in->args[0]]->imm2;
                nred_reads++;
                /* the LOADVAR feeding the reduction must have no other use */
                for (int w = 0; w < fn->ninstrs; w++) {
                    Instr *u = fn->instrs[w];
                    if (!u || u->id == in->args[0]) continue;
                    for (int k = 0; k < u->nargs; k++)
                        if (u->args[k] == ld) bad = in;
                }
            }
        }
        bool number = ty_is_number(ti->vartypes[v]) && ti->vartypes[v] != ty_bool;
        if (!bad && nreads != nred_reads && number && !synthetic && op >= 0 && carried[v]) {
            /* a reduction also read in the body (SpikeInterface's correlograms: `start_j += 1`, and
             * `range(start_j, n)`): a reduction as Numba's, each read seeing the thread's partial,
             * which starts from the identity (0 for +) */
            pl->var_kind[v] = PAR_REDUCE;
            pl->red_op[v] = op;
            pl->red_rebinds[v] = rebinds;
            continue;
        }
        if (!bad && nreads != nred_reads) bad = first_store(fn, pl, v);   /* s read outside its reductions */
        if ((bad || (!number && !reducible_array(ti->vartypes[v]))) && !synthetic && !carried[v]) {
            /* no reduction, read only where some paths of the iteration wrote it (`if flag: c =
             * ...`, then `if flag: ... c`): each thread's own, as Numba's, right when the paths
             * agree (the thread's last value where they do not). Given a value before the loop
             * (aeon's `if not unequal: bm = ...` before the loop, `if unequal: bm = ...` in it),
             * each thread's starts as that one, as Numba's does. */
            if (make_private(ti, pl, v, after[v])) return -1;
            if (stored_outside(fn, pl, v)) pl->var_kind[v] = PAR_SHARED;
            continue;
        }
        if (bad || synthetic || (!number && !reducible_array(ti->vartypes[v]))) {
            Instr *at = bad ? bad : first_store(fn, pl, v);
            if (!bad && !synthetic)
                return UNSUP(at, "reduction into '%s' of type %s in a prange loop is not supported (numbers and "
                                 "writable arrays of numbers are)", name, ti->vartypes[v]->name);
            return ERR(at, "'%s' is read and written by different iterations of a prange loop (a race): "
                           "reduce it (%s += ..., %s = min(%s, ...)) or give each iteration its own array element",
                       synthetic ? "an intermediate value" : name, name, name, name);
        }
        pl->var_kind[v] = PAR_REDUCE;
        pl->red_op[v] = op;
        pl->red_rebinds[v] = rebinds;
    }
    return 0;
}

int ti_find_parloops(TypeInfo *ti) {
    Function *fn = ti->fn;
    int nb = fn->nblocks;
    ParLoop **cand = ctx_alloc(fn->ctx, sizeof(ParLoop *) * (size_t)(nb + 1));
    bool **exits = ctx_alloc(fn->ctx, sizeof(bool *) * (size_t)(nb + 1));
    int ncand = 0;
    if (!cand || !exits) return -1;
    for (int h = 0; h < nb; h++) {
        Block *hb = fn->blocks[h];
        Instr *fi = ir_terminator(hb);
        Instr *call = NULL;
        int iv = fi && fi->op == IR_FORITER ? prange_iter_var(ti, fi, &call) : -1;
        if (iv < 0) continue;
        ParLoop *pl = ctx_alloc(fn->ctx, sizeof *pl);
        bool *body = ctx_alloc(fn->ctx, sizeof(bool) * (size_t)(nb + 1));
        bool *exit = ctx_alloc(fn->ctx, sizeof(bool) * (size_t)(nb + 1));
        if (!pl || !body || !exit) return -1;
        ti_reach(fn, fi->target[0], hb, true, body);
        ti_reach(fn, fi->target[1], hb, false, exit);
        body[h] = true;
        pl->header = hb;
        pl->foriter = fi;
        pl->iter_var = iv;
        pl->call = call;
        pl->in_loop = body;
        exits[ncand] = exit;
        cand[ncand++] = pl;
    }
    for (int c = 0; c < ncand; c++) {
        ParLoop *pl = cand[c];
        bool nested = false;   /* a prange inside another runs serially in the outer's threads */
        for (int o = 0; o < ncand; o++)
            nested |= o != c && cand[o]->in_loop[pl->header->id];
        if (nested) continue;
        bool *exit = exits[c];
        for (int b = 0; b < nb; b++) {
            if (!pl->in_loop[b] || fn->blocks[b] == pl->header) continue;
            Instr *t = ir_terminator(fn->blocks[b]);
            if (exit[b] || (t && t->op == IR_RETURN))
                return UNSUP(t ? t : pl->foriter, "break and return inside a prange loop are not supported");
        }
        bool *after = ctx_alloc(fn->ctx, sizeof(bool) * (size_t)(fn->nvars + 1));
        pl->var_kind = ctx_alloc(fn->ctx, sizeof(int) * (size_t)(fn->nvars + 1));
        pl->red_op = ctx_alloc(fn->ctx, sizeof(int) * (size_t)(fn->nvars + 1));
        pl->red_rebinds = ctx_alloc(fn->ctx, sizeof(bool) * (size_t)(fn->nvars + 1));
        if (!after || !pl->var_kind || !pl->red_op || !pl->red_rebinds) return -1;
        for (int b = 0; b < nb; b++)
            for (int i = 0; exit[b] && i < fn->blocks[b]->ninstrs; i++)
                if (fn->blocks[b]->instrs[i]->op == IR_LOADVAR) after[fn->blocks[b]->instrs[i]->imm] = true;
        if (classify(ti, pl, after)) return -1;
        ParLoop **list = ctx_alloc(fn->ctx, sizeof(ParLoop *) * (size_t)(ti->nparloops + 1));
        if (!list) return -1;
        if (ti->nparloops) memcpy(list, ti->parloops, sizeof(ParLoop *) * (size_t)ti->nparloops);
        list[ti->nparloops++] = pl;
        ti->parloops = list;
    }
    return 0;
}
