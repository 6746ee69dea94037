/* lower_masked.c: masked updates as one loop, without the gathered temporaries.
 *
 *     z[m] = z[m] ** 2 + c[m]          counts[m] += 1          (m a bool array)
 *
 * NumPy gathers z[m] and c[m] into new arrays, computes the expression into a third, then
 * scatters it into z where m is true. When every array the right side reads is such a read
 * through the same mask (the same value, or loads of one variable with no store to it between)
 * and the rest are scalars, the same result comes from one loop over the mask's positions:
 *
 *     for each position i where m[i]:  z[i] = z[i] ** 2 + c[i]
 *
 * Planning (cg_plan_masked, from cg_plan_arrays) requires: the target and every array read have
 * the mask's dimensions; the expression's nodes are elementwise, each used once, in the
 * assignment's block; between the first read and the assignment the block runs only those
 * nodes and side-effect-free instructions (so the reads see the values NumPy's gathers saw). It
 * marks the nodes and the reads fused; the SETITEM then lowers here. At run time a shape that
 * differs from the mask's raises NumPy's IndexError, and an array read that overlaps the target
 * otherwise than element for element (c a shifted view of z) is read from a copy, so each element
 * is computed from the old values as NumPy does. parallel=True functions keep the gathers.
 */
#include "lower.h"

#define MAX_READS 32

typedef struct Masked {
    int n, reads[MAX_READS];   /* the GETITEM values x[m] of the right side */
    bool ok;
} Masked;

static bool bool_mask(const Type *t) { return t && t->kind == TY_ARRAY && t->dtype == DT_BOOL; }

static int position(Instr *in) {
    for (int k = 0; k < in->block->ninstrs; k++)
        if (in->block->instrs[k] == in) return k;
    return -1;
}

/* Values a and b hold the same mask: one value, or two loads of one variable in one block with
 * no store to it between them. */
static bool same_mask(Lower *L, int a, int b) {
    if (a == b) return true;
    Instr *ia = L->fn->instrs[a], *ib = L->fn->instrs[b];
    if (ia->op != IR_LOADVAR || ib->op != IR_LOADVAR || ia->imm != ib->imm || ia->block != ib->block) return false;
    int from = position(ia), to = position(ib);
    if (from > to) { int t = from; from = to; to = t; }
    for (int k = from + 1; k < to; k++) {
        Instr *x = ia->block->instrs[k];
        if (x->op == IR_STOREVAR && x->imm == ia->imm) return false;
    }
    return true;
}

/* An elementwise node of the right side: an operator, ufunc, np.where or clip with an array
 * result, or an in-place operator on a gathered array (counts[m] += 1). */
static bool rhs_node(Lower *L, Instr *in) {
    const Type *t = L->ti->vtypes[in->id];
    if (in->op == IR_BINOP && in->imm2) return t && t->kind == TY_ARRAY && in->imm != IRB_MATMUL;
    return cg_is_elementwise(L, in) && !(in->op == IR_CALL && ti_ufunc_param(L->ti->calls[in->id], 0) >= 0);
}

/* Walks the right side from value id: its nodes, its masked reads into M. */
static void walk(Lower *L, Masked *M, int id, int mask, const int *blk, int b, int target_nd) {
    const Type *t = L->ti->vtypes[id];
    if (!M->ok) return;
    if (!t || t->kind != TY_ARRAY) return;   /* a scalar operand */
    Instr *in = L->fn->instrs[id];
    if (L->uses[id] != 1 || blk[id] != b) {
        M->ok = false;
        return;
    }
    if (in->op == IR_GETITEM) {
        const Type *src = L->ti->vtypes[in->args[0]];
        if (!bool_mask(L->ti->vtypes[in->args[1]]) || !same_mask(L, in->args[1], mask) || src->kind != TY_ARRAY ||
            src->ndim != target_nd || M->n == MAX_READS) {
            M->ok = false;
            return;
        }
        M->reads[M->n++] = id;
        return;
    }
    if (!rhs_node(L, in)) {
        M->ok = false;
        return;
    }
    int ops[8], n;
    if (in->op == IR_CALL) {
        CallInfo *ci = L->ti->calls[in->id];
        n = cg_ew_inputs(ci);
        if (n > 8 || in->nkw > 0) {   /* keywords (where=, casting) keep the gathers */
            M->ok = false;
            return;
        }
        for (int i = 0; i < n; i++) ops[i] = ci->argmap[i] >= 0 ? in->args[ci->argmap[i]] : -1;
    } else {
        n = in->nargs;
        for (int i = 0; i < n; i++) ops[i] = in->args[i];
    }
    for (int i = 0; i < n; i++) {
        if (ops[i] < 0) {
            M->ok = false;
            return;
        }
        walk(L, M, ops[i], mask, blk, b, target_nd);
    }
}

/* Marks the nodes of the right side from id fused. */
static void mark(Lower *L, int id) {
    const Type *t = L->ti->vtypes[id];
    if (!t || t->kind != TY_ARRAY) return;
    Instr *in = L->fn->instrs[id];
    L->fused[id] = true;
    if (in->op == IR_GETITEM) return;
    for (int i = 0; i < in->nargs; i++) mark(L, in->args[i]);
}

/* Nothing between the first read and the assignment may change an array or a variable the
 * right side reads: only the right side's nodes and instructions without side effects. */
static bool quiet_between(Lower *L, Masked *M, Instr *set) {
    int first = position(set);
    for (int i = 0; i < M->n; i++) {
        int p = position(L->fn->instrs[M->reads[i]]);
        if (p < first) first = p;
    }
    for (int k = first; k < position(set); k++) {
        Instr *x = set->block->instrs[k];
        if (!cg_is_quiet(L, x) && !rhs_node(L, x)) return false;
    }
    return true;
}

void cg_plan_masked(Lower *L, const int *blk) {
    if (L->fn->parallel) return;
    for (int b = 0; b < L->fn->nblocks; b++)
        for (int i = 0; i < L->fn->blocks[b]->ninstrs; i++) {
            Instr *in = L->fn->blocks[b]->instrs[i];
            if (in->op != IR_SETITEM || in->nargs != 3) continue;
            const Type *at = L->ti->vtypes[in->args[0]], *mt = L->ti->vtypes[in->args[1]];
            const Type *vt_ = L->ti->vtypes[in->args[2]];
            if (!at || at->kind != TY_ARRAY || !bool_mask(mt) || mt->ndim != at->ndim || !vt_ || vt_->kind != TY_ARRAY)
                continue;
            Instr *v = L->fn->instrs[in->args[2]];
            if (v->op == IR_GETITEM || !rhs_node(L, v)) continue;   /* a plain copy a[m] = b[m] keeps the gathers */
            Masked M = {.ok = true};
            walk(L, &M, v->id, in->args[1], blk, b, at->ndim);
            if (M.ok && M.n > 0 && quiet_between(L, &M, in)) mark(L, v->id);
        }
}

/* The runtime checks NumPy makes: x has the mask's shape (IndexError otherwise). */
static void mask_shape(Lower *L, const Type *xt, LLVMValueRef x, LLVMValueRef m) {
    LLVMValueRef bad = LLVMConstInt(L->i1, 0, 0);
    for (int k = 0; k < xt->ndim; k++)
        bad = LLVMBuildOr(L->b, bad, LLVMBuildICmp(L->b, LLVMIntNE, cg_arr_shape(L, x, k), cg_arr_shape(L, m, k), ""), "");
    cg_raise_if(L, bad, "builtins:IndexError", "boolean index did not match indexed array");
}

typedef struct MaskedLoop {
    CgExpr *E;
    const Type *at, *mt, *vt;
    LLVMValueRef a, m;
} MaskedLoop;

static void masked_body(Lower *L, LLVMValueRef *idx, void *env) {
    MaskedLoop *ML = env;
    LLVMBasicBlockRef set = LLVMAppendBasicBlockInContext(L->c, L->func, "masked.set");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(L->c, L->func, "masked.next");
    LLVMValueRef on = cg_load_elem(L, DT_BOOL, cg_elem_ptr(L, ML->mt, ML->m, idx));
    LLVMBuildCondBr(L->b, on, set, next);
    LLVMPositionBuilderAtEnd(L->b, set);
    cg_store_elem(L, ML->at->dtype, cg_elem_ptr(L, ML->at, ML->a, idx), cg_expr_at(L, ML->E, idx, false), ML->vt);
    LLVMBuildBr(L->b, next);
    LLVMPositionBuilderAtEnd(L->b, next);
}

/* The masked reads of the fused right side from id into sub[n...]; returns the new count. */
static int reads_of(Lower *L, int id, CgSubst *sub, int n) {
    Instr *in = L->fn->instrs[id];
    if (!L->fused[id]) return n;
    if (in->op == IR_GETITEM) {
        for (int i = 0; i < n; i++)
            if (sub[i].id == id) return n;
        sub[n].id = id;
        return n + 1;
    }
    for (int i = 0; i < in->nargs; i++) n = reads_of(L, in->args[i], sub, n);
    return n;
}

bool cg_masked_setitem(Lower *L, Instr *in) {
    int vid = in->args[2];
    const Type *at = L->ti->vtypes[in->args[0]], *mt = L->ti->vtypes[in->args[1]];
    if (!L->fused[vid] || !bool_mask(mt)) return false;
    LLVMValueRef a = L->vals[in->args[0]], m = L->vals[in->args[1]];
    mask_shape(L, at, a, m);
    m = cg_unaliased_same_ok(L, at, a, &mt, m);   /* a mask in the target's memory (a[a] = ...) */
    CgSubst sub[MAX_READS];
    int n = reads_of(L, vid, sub, 0);
    for (int i = 0; i < n; i++) {   /* each masked read as its array, or a copy where it overlaps the target */
        Instr *g = L->fn->instrs[sub[i].id];
        const Type *xt = L->ti->vtypes[g->args[0]];
        LLVMValueRef x = L->vals[g->args[0]];
        mask_shape(L, xt, x, m);
        sub[i].v = cg_unaliased_same_ok(L, at, a, &xt, x);
        sub[i].t = xt;
    }
    LLVMValueRef shape[64];
    for (int k = 0; k < at->ndim; k++) shape[k] = cg_arr_shape(L, m, k);
    MaskedLoop ML = {.at = at, .mt = mt, .a = a, .m = m, .vt = ty_scalar_of(L->ti->vtypes[vid]->dtype)};
    if (!(ML.E = cg_expr_open(L, vid, at->ndim, shape, sub, n))) return true;
    cg_loop_nest(L, at->ndim, shape, masked_body, &ML);
    return true;
}
