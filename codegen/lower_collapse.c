/* lower_collapse.c: two nested loops over the last two axes of arrays, run as one loop.
 *
 * `for j in range(w): for k in range(c): out[i, j, k] = img[i, j, k] ** g` gives its inner loop
 * c trips, 3 for the channels of an image. LLVM vectorises that loop 8 lanes wide, so all its
 * trips run in the scalar remainder, where each pow is the 8-lane variant on a splat (samemath.c):
 * 12.2 ms over 400x600x3 against numba's 6.0. Where the last two indices of every array the body
 * reads or writes are exactly j and k, and each such array's rows are c elements apart, element
 * (j, k) is element t = j * c + k of the merged axis: the two loops run as one loop over t, of
 * w * c trips, which vectorises (1.6 ms).
 *
 * When: the loop over j holds nothing but the loop over k (`for k in range(c)` or
 * `range(0, c)`, c computed from constants, variables the loops leave alone and their attributes:
 * img.shape[2]), whose body has no loop, break or handler (continue, return and raise are
 * fine); j and k are read only as the last two indices of such subscripts (and nowhere after the
 * loops); each subscripted array is read from a variable the loops do not assign, has as many
 * dimensions as indices, and every index is an integer. Loops of a prange body qualify too.
 * The test, run each time the loop over j starts (its guard): the j range's step is 1; and for
 * every such array, shape[-1] == c, strides[-2] == c * strides[-1], and the j range lies within
 * [0, shape[-2]]. Then every (j, k) is in bounds, no index wraps, and t * strides[-1] is the
 * element's offset within its row block. LLVM folds the test where it knows the shapes (an array
 * made with the same c). Otherwise the nested loops run as written.
 *
 * The merged loop is a second lowering of the same blocks (L->collapsing), in order, so every
 * value, exception and int() failure (lower_defer.c, one tick per element) comes in CPython's
 * order. Its own blocks replace L->bbs for the region while it is lowered: the j loop's FORITER
 * tests t against its end, the k loop's goes straight to its body, a jump back to the k loop's
 * head goes to the latch (t += 1), and a subscript of the two indices adds t * strides[-1]. */
#include "lower.h"

enum { MAX_ARRAYS = 16 };

struct CgCollapse {
    Block *jh, *jb, *kh, *kb;     /* the loops' FORITER blocks and their bodies' first blocks */
    int jlast, klast;             /* the offsets of their last blocks */
    int jvar, kvar, jiter_var;    /* the loop variables; the variable jh reads its iterator from */
    Instr *range_call;            /* range(c) in jb */
    int c_arg;                    /* c's value id */
    int arrays[MAX_ARRAYS], narrays;   /* the variables of the arrays subscripted by (..., j, k) */
    LLVMBasicBlockRef guard, latch;
    LLVMValueRef t, tend;         /* the merged index and its end (allocas) */
    LLVMBasicBlockRef *copy;      /* per block of the region: its block in the merged loop */
};

/* The variable FORITER f reads its iterator from (a stack variable), if it iterates a range. */
static int range_iter_var(Lower *L, Instr *f) {
    Instr *x = L->fn->instrs[f->args[0]];
    const Type *it = L->ti->vtypes[f->args[0]];
    if (x->op != IR_LOADVAR || !it || !it->iter_of || it->iter_of->kind != TY_RANGE) return -1;
    return x->imm;
}

static bool inside(Block *b, int lo, int hi) { return b->offset >= lo && b->offset <= hi; }

/* Body block b of a loop starts (after stack moves) with ITERVALUE then STOREVAR of a named
 * variable: that variable, and the STOREVAR in *store; else -1. */
static int loop_var(Function *fn, Block *b, Instr **store) {
    for (int i = 0; i + 1 < b->ninstrs; i++) {
        Instr *x = b->instrs[i];
        if (cg_stack_move(fn, x)) continue;
        Instr *s = b->instrs[i + 1];
        if (x->op != IR_ITERVALUE || s->op != IR_STOREVAR || s->args[0] != x->id || fn->varnames[s->imm][0] == '$') return -1;
        if (store) *store = s;
        return s->imm;
    }
    return -1;
}

/* Whether a read of variable v in block b sees only values stored there by another loop: b lies
 * in a for loop (not holding [lo, hi]) whose every trip starts by storing v. */
static bool redefined_around(Function *fn, Block *b, int v, int lo, int hi) {
    for (int h = 0; h < fn->nblocks; h++) {
        Block *hb = fn->blocks[h];
        Instr *f = cg_foriter_of(hb);
        int last = f ? cg_loop_last(fn, hb) : -1;
        if (!f || !inside(b, hb->offset, last) || (lo >= hb->offset && hi <= last)) continue;
        if (b != hb && loop_var(fn, f->target[0], NULL) == v) return true;
    }
    return false;
}

/* The value c is computed from: constants and variables [lo, hi] does not assign, through the
 * attributes and constant items of arrays and tuples (img.shape[2]). */
static bool invariant(Lower *L, int id, int lo, int hi, int depth) {
    Instr *x = L->fn->instrs[id];
    if (depth > 4) return false;
    switch (x->op) {
    case IR_CONST: return true;
    case IR_LOADVAR: return !L->ti->maybe_unbound[id] && !cg_stored_in(L->fn, lo, hi, x->imm, NULL);
    case IR_GETATTR: return L->ti->vtypes[x->args[0]]->kind == TY_ARRAY && invariant(L, x->args[0], lo, hi, depth + 1);
    case IR_GETITEM:
        return L->ti->vtypes[x->args[0]]->kind == TY_TUPLE && L->fn->instrs[x->args[1]]->op == IR_CONST &&
               invariant(L, x->args[0], lo, hi, depth + 1);
    default: return false;
    }
}

/* The subscripts of the region whose last two indices are j and k: every read of j and k must
 * be one of them, and each must index an array variable the loops leave alone by integers only.
 * Fills c's arrays; false when a read of j or k is anything else. */
static bool subscripts(Lower *L, struct CgCollapse *P) {
    Function *fn = L->fn;
    int lo = P->jh->offset, hi = P->jlast;
    for (int b = 0; b < fn->nblocks; b++) {
        Block *bk = fn->blocks[b];
        for (int i = 0; i < bk->ninstrs; i++) {
            Instr *x = bk->instrs[i];
            if (x->op != IR_LOADVAR || (x->imm != P->jvar && x->imm != P->kvar)) continue;
            if (!inside(bk, P->kb->offset, P->klast)) {
                if (inside(bk, lo, hi) || !redefined_around(fn, bk, x->imm, lo, hi)) return false;
                continue;
            }
            /* the read's one use: a TUPLE (..., j, k) right here */
            Instr *tup = NULL;
            for (int u = i + 1; u < bk->ninstrs && !tup; u++)
                for (int a = 0; a < bk->instrs[u]->nargs; a++)
                    if (bk->instrs[u]->args[a] == x->id) tup = bk->instrs[u];
            int n = tup ? tup->nargs : 0;
            if (!tup || tup->op != IR_TUPLE || L->uses[x->id] != 1 || n < 2) return false;
            Instr *jx = fn->instrs[tup->args[n - 2]], *kx = fn->instrs[tup->args[n - 1]];
            if (jx->op != IR_LOADVAR || jx->imm != P->jvar || kx->op != IR_LOADVAR || kx->imm != P->kvar) return false;
            for (int a = 0; a < n; a++)
                if (!ty_is_int(L->ti->vtypes[tup->args[a]])) return false;
            /* every use of the tuple subscripts an array variable of n dimensions */
            int found = 0;
            for (int u = 0; u < bk->ninstrs; u++) {
                Instr *y = bk->instrs[u];
                for (int a = 0; a < y->nargs; a++) {
                    if (y->args[a] != tup->id) continue;
                    if ((y->op != IR_GETITEM && y->op != IR_SETITEM) || a != 1) return false;
                    Instr *arr = fn->instrs[y->args[0]];
                    const Type *at = L->ti->vtypes[y->args[0]];
                    if (arr->op != IR_LOADVAR || at->kind != TY_ARRAY || at->ndim != n || cg_stored_in(fn, lo, hi, arr->imm, NULL))
                        return false;
                    int k = 0;
                    while (k < P->narrays && P->arrays[k] != arr->imm) k++;
                    if (k == P->narrays) {
                        if (P->narrays == MAX_ARRAYS) return false;
                        P->arrays[P->narrays++] = arr->imm;
                    }
                    found++;
                }
            }
            if (found != L->uses[tup->id]) return false;
        }
    }
    return P->narrays > 0;
}

/* Whether jh heads a pair of loops that may run as one; fills P. `within`: the blocks being
 * lowered (a prange body), or NULL for those of no prange loop. */
static bool plan_one(Lower *L, Block *jh, const bool *within, struct CgCollapse *P) {
    Function *fn = L->fn;
    TypeInfo *ti = L->ti;
    memset(P, 0, sizeof *P);
    Instr *jf = cg_foriter_of(jh), *jstore = NULL, *kstore = NULL;
    if (!jf || (P->jiter_var = range_iter_var(L, jf)) < 0 || (P->jlast = cg_loop_last(fn, jh)) < jh->offset) return false;
    for (int k = 0; k < ti->nparloops; k++)
        if (ti->parloops[k]->header == jh) return false;   /* a prange loop is split into chunks */
    P->jh = jh;
    P->jb = jf->target[0];
    if ((P->jvar = loop_var(fn, P->jb, &jstore)) < 0) return false;
    /* jb: the j value, range(c), its iterator, and a jump to the k loop */
    Instr *getiter = NULL, *term = P->jb->instrs[P->jb->ninstrs - 1];
    for (int i = 0; i < P->jb->ninstrs; i++) {
        Instr *x = P->jb->instrs[i];
        if (x->op == IR_GETITER && !getiter) getiter = x;
        else if (x->op == IR_CALL && !P->range_call) P->range_call = x;
        else if (!(cg_stack_move(fn, x) || x == jstore || x->op == IR_ITERVALUE || x == term || x->op == IR_GLOBAL ||
                   x->op == IR_CONST || x->op == IR_LOADVAR || x->op == IR_GETATTR || x->op == IR_GETITEM))
            return false;
    }
    Instr *rc = P->range_call;
    if (!getiter || !rc || getiter->args[0] != rc->id || term->op != IR_JUMP || rc->nkw || ti->vtypes[rc->id]->kind != TY_RANGE ||
        fn->instrs[rc->args[0]]->op != IR_GLOBAL || (rc->nargs != 2 && rc->nargs != 3))
        return false;
    if (rc->nargs == 3) {
        Instr *s = fn->instrs[rc->args[1]];
        if (s->op != IR_CONST || s->c.kind != K_INT || s->c.i != 0) return false;
    }
    P->c_arg = rc->args[rc->nargs - 1];
    if (!ty_is_int(ti->vtypes[P->c_arg]) || !invariant(L, P->c_arg, jh->offset, P->jlast, 0)) return false;
    /* kh: the k loop over that iterator; its exit block only jumps back to jh */
    P->kh = term->target[0];
    Instr *kf = cg_foriter_of(P->kh);
    if (!kf || range_iter_var(L, kf) < 0 || (P->klast = cg_loop_last(fn, P->kh)) < P->kh->offset) return false;
    for (int i = 0; i + 1 < P->kh->ninstrs; i++)
        if (!cg_stack_move(fn, P->kh->instrs[i])) return false;
    P->kb = kf->target[0];
    Block *kx = kf->target[1];
    if ((P->kvar = loop_var(fn, P->kb, &kstore)) < 0 || P->kvar == P->jvar || kx->offset <= P->klast) return false;
    for (int i = 0; i < kx->ninstrs; i++) {
        Instr *x = kx->instrs[i];
        if (!(cg_stack_move(fn, x) || (x->op == IR_JUMP && x->target[0] == jh))) return false;
    }
    /* the region: jh, jb, kh, the k body, kx; the k body has no loop, break or handler */
    for (int b = 0; b < fn->nblocks; b++) {
        Block *bk = fn->blocks[b];
        if (!inside(bk, jh->offset, P->jlast)) continue;
        if (within ? !within[b] : cg_parloop_of_block(ti, bk)) return false;
        if (bk->handler || bk->push_exc) return false;
        bool body = inside(bk, P->kb->offset, P->klast);
        if (!body && bk != jh && bk != P->jb && bk != P->kh && bk != kx) return false;
        Instr *t = bk->instrs[bk->ninstrs - 1];
        for (int k = 0; k < (t->op == IR_BRANCH || t->op == IR_FORITER ? 2 : t->op == IR_JUMP ? 1 : 0); k++) {
            Block *to = t->target[k];
            if (body && !inside(to, P->kb->offset, P->klast) && to != P->kh) return false;
            if (to == kx && t != kf) return false;
        }
        for (int i = 0; body && i < bk->ninstrs; i++) {
            int op = bk->instrs[i]->op;
            if (op == IR_FORITER || op == IR_GETITER || op == IR_MAKEFUNC || op == IR_OBJMODE) return false;
        }
    }
    if (cg_stored_in(fn, jh->offset, P->jlast, P->jvar, jstore) || cg_stored_in(fn, jh->offset, P->jlast, P->kvar, kstore)) return false;
    return subscripts(L, P);
}

/* The pairs of loops of the blocks being lowered that may run as one (L->collapse). */
int cg_collapse_plan(Lower *L, const bool *within) {
    Function *fn = L->fn;
    L->ncollapse = 0;
    L->collapsing = NULL;
    if (!(L->collapse = ctx_alloc(L->ctx, sizeof *L->collapse * (size_t)(fn->nblocks + 1)))) return -1;   /* one per loop head at most */
    for (int h = 0; h < fn->nblocks; h++)
        if (plan_one(L, fn->blocks[h], within, &L->collapse[L->ncollapse])) L->ncollapse++;
    return 0;
}

/* Whether block h heads the inner loop of a pair that may run as one. */
bool cg_collapse_inner(Lower *L, Block *h) {
    for (int k = 0; k < L->ncollapse; k++)
        if (L->collapse[k].kh == h) return true;
    return false;
}

/* The plans kept, after int()'s (lower_defer.c): a failure that waits must be tested where the
 * merged loop is left, so its conversions must wait for a loop around both (or not at all); and
 * each kept pair's guard, latch and index. */
void cg_collapse_begin(Lower *L) {
    Function *fn = L->fn;
    int kept = 0;
    for (int k = 0; k < L->ncollapse; k++) {
        struct CgCollapse *P = &L->collapse[k];
        bool ok = true;
        for (int b = 0; L->defer.region && b < fn->nblocks; b++)
            if (inside(fn->blocks[b], P->jh->offset, P->jlast) && L->defer.region[b] >= 0 &&
                fn->blocks[L->defer.region[b]]->offset > P->jh->offset)
                ok = false;
        if (!ok) continue;
        P->guard = LLVMAppendBasicBlockInContext(L->c, L->func, "flatguard");
        P->latch = LLVMAppendBasicBlockInContext(L->c, L->func, "flatnext");
        P->t = cg_entry_alloca(L, L->i64, "flat");
        P->tend = cg_entry_alloca(L, L->i64, "flatend");
        L->collapse[kept++] = *P;
    }
    L->ncollapse = kept;
}

/* Where a jump from the block being lowered to `to` goes: the guard when it enters a loop pair
 * that may run as one, the latch when it goes back to the k loop in the merged loop. */
LLVMBasicBlockRef cg_collapse_edge(Lower *L, Block *to) {
    struct CgCollapse *P = L->collapsing;
    if (P) return to == P->kh && L->block && inside(L->block, P->kb->offset, P->klast) ? P->latch : L->bbs[to->id];
    for (int k = 0; k < L->ncollapse; k++) {
        P = &L->collapse[k];
        if (to == P->jh && L->block && !inside(L->block, P->jh->offset, P->jlast)) return P->guard;
    }
    return L->bbs[to->id];
}

/* FORITER `in` in the merged loop: true when it was lowered here. */
bool cg_collapse_foriter(Lower *L, Instr *in) {
    struct CgCollapse *P = L->collapsing;
    if (!P || (in->block != P->jh && in->block != P->kh)) return false;
    if (in->block == P->kh) {   /* one trip per element: the tick int() failures are ordered by */
        cg_defer_tick(L);
        LLVMBuildBr(L->b, L->bbs[in->target[0]->id]);
        return true;
    }
    LLVMValueRef t = LLVMBuildLoad2(L->b, L->i64, P->t, "t"), end = LLVMBuildLoad2(L->b, L->i64, P->tend, "");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, t, end, ""), L->bbs[in->target[0]->id], cg_defer_edge(L, in->target[1]));
    return true;
}

/* In the merged loop, the position of j among the parts of index tuple `tup` (k follows it),
 * or -1 when this subscript is not one of the two indices. */
int cg_collapse_part(Lower *L, Instr *tup) {
    struct CgCollapse *P = L->collapsing;
    if (!P || !tup || tup->op != IR_TUPLE || tup->nargs < 2) return -1;
    Instr *j = L->fn->instrs[tup->args[tup->nargs - 2]], *k = L->fn->instrs[tup->args[tup->nargs - 1]];
    return j->op == IR_LOADVAR && j->imm == P->jvar && k->op == IR_LOADVAR && k->imm == P->kvar ? tup->nargs - 2 : -1;
}

LLVMValueRef cg_collapse_index(Lower *L) { return LLVMBuildLoad2(L->b, L->i64, L->collapsing->t, "t"); }

/* The guard: whether this start of the j loop may run merged, and t's range. */
static int lower_guard(Lower *L, struct CgCollapse *P) {
    Function *fn = L->fn;
    LLVMPositionBuilderAtEnd(L->b, P->guard);
    L->block = P->jb;
    /* c, computed from what the loops leave alone (the blocks before have run) */
    int ids[16], n = 0;
    ids[n++] = P->c_arg;
    for (int k = 0; k < n; k++) {
        Instr *x = fn->instrs[ids[k]];
        for (int a = 0; a < x->nargs && n < 16; a++) ids[n++] = x->args[a];
    }
    for (int k = n - 1; k >= 0; k--)
        if (cg_lower_instr(L, fn->instrs[ids[k]])) return -1;
    LLVMValueRef c = cg_cast(L, L->vals[P->c_arg], L->ti->vtypes[P->c_arg], ty_int64);
    LLVMTypeRef st = cg_iter_state_type(L, ty_range);
    LLVMValueRef state = LLVMBuildLoad2(L->b, L->ptr, L->vars[P->jiter_var], "");
    LLVMValueRef start = LLVMBuildLoad2(L->b, L->i64, cg_field(L, st, state, 0), "");
    LLVMValueRef step = LLVMBuildLoad2(L->b, L->i64, cg_field(L, st, state, 1), "");
    LLVMValueRef count = LLVMBuildLoad2(L->b, L->i64, cg_field(L, st, state, 2), "");
    LLVMValueRef k0 = LLVMBuildLoad2(L->b, L->i64, cg_field(L, st, state, 3), "");
    LLVMValueRef first = LLVMBuildAdd(L->b, start, LLVMBuildMul(L->b, k0, step, ""), "");
    LLVMValueRef end = LLVMBuildAdd(L->b, first, LLVMBuildSub(L->b, count, k0, ""), "");
    LLVMValueRef ok = LLVMBuildAnd(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, step, i64c(L, 1), ""),
                                   LLVMBuildICmp(L->b, LLVMIntSGE, first, i64c(L, 0), ""), "");
    for (int k = 0; k < P->narrays; k++) {
        const Type *at = L->ti->vartypes[P->arrays[k]];
        LLVMValueRef a = LLVMBuildLoad2(L->b, cg_type(L, at), L->vars[P->arrays[k]], "");
        int d = at->ndim;
        LLVMValueRef s1 = cg_arr_stride(L, at, a, d - 1), s2 = cg_arr_stride(L, at, a, d - 2);
        ok = LLVMBuildAnd(L->b, ok, LLVMBuildICmp(L->b, LLVMIntEQ, cg_arr_shape(L, a, d - 1), c, ""), "");
        ok = LLVMBuildAnd(L->b, ok, LLVMBuildICmp(L->b, LLVMIntEQ, s2, LLVMBuildMul(L->b, c, s1, ""), ""), "");
        ok = LLVMBuildAnd(L->b, ok, LLVMBuildICmp(L->b, LLVMIntSLE, end, cg_arr_shape(L, a, d - 2), ""), "");
    }
    /* in bounds, so first * c and end * c fit: they are at most an array's size */
    LLVMBuildStore(L->b, LLVMBuildMul(L->b, first, c, ""), P->t);
    LLVMBuildStore(L->b, LLVMBuildMul(L->b, end, c, ""), P->tend);
    cg_br_expect(L, ok, true, P->copy[P->jh->id], L->bbs[P->jh->id]);
    L->block = NULL;
    return 0;
}

/* The merged loops: each pair's blocks lowered again, then its guard and latch. */
int cg_collapse_lower(Lower *L) {
    Function *fn = L->fn;
    for (int k = 0; k < L->ncollapse; k++) {
        struct CgCollapse *P = &L->collapse[k];
        LLVMBasicBlockRef *saved = ctx_alloc(L->ctx, sizeof(LLVMBasicBlockRef) * (size_t)(fn->nblocks + 1));
        P->copy = ctx_alloc(L->ctx, sizeof(LLVMBasicBlockRef) * (size_t)(fn->nblocks + 1));
        if (!saved || !P->copy) return -1;
        memcpy(saved, L->bbs, sizeof(LLVMBasicBlockRef) * (size_t)fn->nblocks);
        for (int b = 0; b < fn->nblocks; b++)
            if (inside(fn->blocks[b], P->jh->offset, P->jlast))
                L->bbs[b] = P->copy[b] = LLVMAppendBasicBlockInContext(L->c, L->func, "flat");
        L->collapsing = P;
        for (int b = 0; b < fn->nblocks; b++)   /* bounds the first lowering made there are its own values */
            for (int i = 0; P->copy[b] && i < fn->blocks[b]->ninstrs; i++) {
                int v = fn->blocks[b]->instrs[i]->id;
                if (L->floors) L->floors[v] = NULL;
                if (L->ceils) L->ceils[v] = NULL;
            }
        for (int b = 0; b < fn->nblocks; b++)
            if (P->copy[b] && cg_lower_block(L, fn->blocks[b], false)) return -1;
        LLVMPositionBuilderAtEnd(L->b, P->latch);
        LLVMValueRef t = LLVMBuildLoad2(L->b, L->i64, P->t, "t");
        LLVMBuildStore(L->b, LLVMBuildNSWAdd(L->b, t, i64c(L, 1), ""), P->t);
        LLVMValueRef br = LLVMBuildBr(L->b, P->copy[P->jh->id]);
        LLVMMetadataRef id = cg_new_loop_node(L, P->kh);
        if (id) LLVMSetMetadata(br, LLVMGetMDKindIDInContext(L->c, "llvm.loop", 9), LLVMMetadataAsValue(L->c, id));
        L->collapsing = NULL;
        memcpy(L->bbs, saved, sizeof(LLVMBasicBlockRef) * (size_t)fn->nblocks);
        if (lower_guard(L, P)) return -1;
    }
    return 0;
}
