/* lower_floor.c: lower bounds ("floors") of int indices that stay fixed through a loop, so that
 * LLVM can version the negative-index test of a[i] out of the loop.
 *
 * a[i] wraps a negative i (Python's a[-1]), so each access tests i < 0 on its fast path
 * (lower_array.c, cg_wrap_index). In a loop whose index runs from a start that is a parameter,
 *
 *     for j in range(lo, hi):           i = lo
 *         if a[j] < p:                  while a[i] < p:
 *             a[i], a[j] = a[j], a[i]       i += 1
 *             i += 1
 *
 * nothing proves i or j >= 0, and the tests stay in the loop (C has none): two to five
 * instructions in an iteration of ten. But each such index is at least a value fixed for the
 * whole loop: j >= lo, and i >= lo since it only grows. When lowering knows such a floor f of an
 * index i, the fast path first tests f >= 0, then i >= 0:
 *
 *     br (f >= 0), fast, test   (expected)      test: br (i >= 0), fast, wrap   (expected)
 *
 * The first test is loop-invariant, and LLVM's non-trivial loop unswitching (O3) makes two
 * copies of the loop, one under f >= 0 where every test through f folds away. Both branches are
 * expected taken, so SimplifyCFG does not merge them into one `or` (which instcombine would fold
 * to (f & i) >= 0, invariant no more). An index without a floor keeps the one test.
 *
 * Floors, per int64 value id (NULL: none known but the value itself):
 *
 *   a value typing knows >= 0 (ti->nonneg)          0
 *   the value of a range iterator                   its start (a positive step), its last value
 *                                                   (a negative one): start + (count - 1) * step
 *   x + y, x - y                                    floor(x) + y, floor(x) - y for a constant y;
 *                                                   floor(x) for x + y with y >= 0 (and mirrored);
 *                                                   floor(x) + y for a variable y fixed through
 *                                                   the call: a parameter never assigned again,
 *                                                   or a variable assigned once, outside every
 *                                                   loop (t[j + w] in a window loop: w >= 0 is
 *                                                   then the one test, unswitched: 2.6x -> 1x numba)
 *   x - y, y with a ceiling                         x - ceil(y)
 *   x - y, y a variable fixed through the call      floor(x) - y (y[i - h + k] for i in
 *                                                   range(h, n - h): floor 0, Savitzky-Golay)
 *   x - y, x + y, y a variable no store changes     floor(x) - y, floor(x) + y: invariant where the
 *     in the innermost loop around the access       access loops (k[w + jj - j], j of an enclosing
 *                                                   loop: a convolution's kernel index)
 *   a read of a shadowed variable                   its shadow (below)
 *
 * Variables carry floors in a shadow slot, x.floor, which every store to x sets to the stored
 * value's floor (or the value itself): x >= x.floor at all times. i = lo then stores lo to both;
 * i += 1 stores x.floor's own value back, so after mem2reg the shadow is the value it had on
 * entry to the loop, loop-invariant. A variable gets a shadow when some store to it is a range
 * value, a read of a shadowed variable or of itself, or + - of those; others (parameters, loads
 * from arrays, b = n - 1) gain nothing from one. Variables an inner function shares and prange
 * reductions (ti_opaque_vars) get none: stores we do not see reach them. Floor arithmetic
 * saturates (llvm.sadd.sat): a floor may sit lower than the truth, never above it. A constant
 * floor below 0 is dropped (b = n - 1 stores n - 1 to the shadow, not -1): a shadow that holds
 * what its variable holds merges with it, where a mix of the two would cost a test per access.
 *
 * Ceilings (upper bounds) serve a subtracted index: in durbin's
 *
 *     for i in range(k):
 *         z[i] = y[i] + alpha * y[k - i - 1]
 *
 * k - i - 1 has no floor of its own, but i <= k - 1, its range's last value, so k - i - 1 >= 0:
 * x - y has the floor x - ceil(y), loop-invariant where x is (here it is 0 once LLVM folds it,
 * and the loop vectorises, reading y backwards). A range value's ceiling is its last value for a
 * positive step, its start for a negative one; a variable gets a ceiling slot when every store
 * to it is a range value (a for loop's target), so its ceiling is the running loop's. A store
 * lowering does not see (value -1) sets the ceiling to INT64_MAX, which tells nothing.
 */
#include "lower.h"

/* Whether value v, stored to var, may carry a floor given the variables already shadowed
 * (want): a range value, a shadowed variable, var itself (i = i + 1: var grows from what it
 * was), and + - chains from those. */
static bool may_floor(Lower *L, const bool *want, int v, int var, int depth) {
    Instr *x = L->fn->instrs[v];
    if (!x || depth > 8) return false;
    switch (x->op) {
    case IR_ITERVALUE: return L->ti->vtypes[x->args[0]]->iter_of == ty_range;
    case IR_LOADVAR: return want[x->imm] || x->imm == var;
    case IR_COPY: return may_floor(L, want, x->args[0], var, depth + 1);
    case IR_BINOP:
        if (L->ti->vtypes[v] != ty_int64 || (x->imm != IRB_ADD && x->imm != IRB_SUB)) return false;
        return may_floor(L, want, x->args[0], var, depth + 1) ||
               (x->imm == IRB_ADD && may_floor(L, want, x->args[1], var, depth + 1));
    default: return false;
    }
}

static bool nonneg(Lower *L, int v) { return L->ti->nonneg && L->ti->nonneg[v]; }

static bool const_int(Lower *L, int v, long long *c) {
    Instr *x = L->fn->instrs[v];
    if (!x || x->op != IR_CONST || x->c.kind != K_INT) return false;
    *c = x->c.i;
    return true;
}

/* Whether value v reads variable var (as far as depth allows: past it, it may). */
static bool reads(Lower *L, int v, int var, int depth) {
    Instr *x = L->fn->instrs[v];
    if (!x) return false;
    if (x->op == IR_LOADVAR) return x->imm == var;
    if (depth > 8) return true;
    for (int k = 0; k < x->nargs; k++)
        if (x->args[k] >= 0 && reads(L, x->args[k], var, depth + 1)) return true;
    return false;
}

/* Whether storing value v to var keeps var's shadow what it was or sets it afresh: v does not
 * read var (i = lo, i = j - 1), or v is var plus something >= 0 (i += 1, i = i + k with k >= 0).
 * A store that may lower var from itself (i -= 1, i = a[i]) would make the shadow follow var
 * round the loop: such a variable gets no shadow. */
static bool keeps_floor(Lower *L, int v, int var, int depth) {
    if (!reads(L, v, var, 0)) return true;
    Instr *x = L->fn->instrs[v];
    long long c;
    if (depth > 8) return false;
    switch (x->op) {
    case IR_LOADVAR: return true;   /* var = var */
    case IR_COPY: return keeps_floor(L, x->args[0], var, depth + 1);
    case IR_BINOP:
        if (L->ti->vtypes[v] != ty_int64) return false;
        if (x->imm == IRB_ADD)
            return (nonneg(L, x->args[1]) && keeps_floor(L, x->args[0], var, depth + 1)) ||
                   (nonneg(L, x->args[0]) && keeps_floor(L, x->args[1], var, depth + 1));
        if (x->imm == IRB_SUB)
            return const_int(L, x->args[1], &c) && c <= 0 && keeps_floor(L, x->args[0], var, depth + 1);
        return false;
    default: return false;
    }
}

/* Whether value v reads a variable fixed through the call (L->fixed_vars), so that a floor made
 * with it stays loop-invariant (t[j + w], w a parameter or `w = 2 * r + 1` before the loops). */
static bool fixed_var(Lower *L, int v) {
    Instr *x = L->fn->instrs[v];
    return x && x->op == IR_LOADVAR && L->fixed_vars[x->imm];
}

/* The innermost loop around block offset `at`: the shortest span from the target of a jump back
 * to the jump that holds it, in *lo..*hi; false when no loop holds it. */
static bool loop_around(const Function *fn, int at, int *lo, int *hi) {
    *lo = *hi = -1;
    for (int k = 0; k < fn->nblocks; k++) {
        Block *from = fn->blocks[k];
        Instr *t = ir_terminator(from);
        if (!t || (t->op != IR_JUMP && t->op != IR_BRANCH)) continue;
        for (int j = 0; j < (t->op == IR_JUMP ? 1 : 2); j++) {
            Block *to = t->target[j];   /* (the entry's jump to the body's first block, both at offset 0, is none) */
            if (!to || !(to->offset < from->offset || to == from) || to->offset > at || at > from->offset) continue;
            if (*lo < 0 || from->offset - to->offset < *hi - *lo) *lo = to->offset, *hi = from->offset;
        }
    }
    return *lo >= 0;
}

/* Whether value v reads a variable no store changes in the innermost loop around `in`: j of an
 * enclosing loop, read in `for jj in ...: k[w + jj - j]`. A floor made with it is invariant in
 * the loop that holds the access, which is where unswitching needs it. */
static bool fixed_in_loop(Lower *L, Instr *in, int v) {
    const Function *fn = L->fn;
    Instr *x = fn->instrs[v];
    int lo, hi;
    if (!x || x->op != IR_LOADVAR || !in->block || !loop_around(fn, in->block->offset, &lo, &hi))
        return false;   /* (no loop around it: nothing to version) */
    for (int k = 0; k < fn->nblocks; k++)
        for (int i = 0; i < fn->blocks[k]->ninstrs; i++) {
            Instr *st = fn->blocks[k]->instrs[i];
            if ((st->op == IR_STOREVAR || st->op == IR_DELVAR) && st->imm == x->imm && fn->blocks[k]->offset >= lo &&
                fn->blocks[k]->offset <= hi)
                return false;
            if (st->op == IR_CELLREF && st->imm == x->imm) return false;
        }
    return true;
}

/* Whether value v is fixed through the innermost loop around `in`: constants, variables no store
 * in that loop changes, and + - * of those (a[t + i, s] in a loop over s: t + i). */
bool cg_fixed_through_loop(Lower *L, Instr *in, int v) {
    Instr *x = v >= 0 ? L->fn->instrs[v] : NULL;
    long long c;
    if (!x || !in || !in->block || !cg_in_loop(L->fn, in->block)) return false;
    switch (x->op) {
    case IR_CONST: return const_int(L, v, &c);
    case IR_LOADVAR: return fixed_in_loop(L, in, v);
    case IR_COPY: return cg_fixed_through_loop(L, in, x->args[0]);
    case IR_BINOP:
        return (x->imm == IRB_ADD || x->imm == IRB_SUB || x->imm == IRB_MUL) && L->ti->vtypes[v] == ty_int64 &&
               cg_fixed_through_loop(L, in, x->args[0]) && cg_fixed_through_loop(L, in, x->args[1]);
    default: return false;
    }
}

/* Whether block b lies in a loop: between the target of a jump back and the jump. */
bool cg_in_loop(const Function *fn, const Block *b) {
    int lo, hi;
    return loop_around(fn, b->offset, &lo, &hi);
}

static bool range_value(Lower *L, int v) {
    Instr *x = L->fn->instrs[v];
    while (x && x->op == IR_COPY) x = L->fn->instrs[x->args[0]];
    return x && x->op == IR_ITERVALUE && L->ti->vtypes[x->args[0]]->iter_of == ty_range;
}

/* The ceiling slots: variables every store sets to a range value, each INT64_MAX at first. */
static int ceil_begin(Lower *L) {
    Function *fn = L->fn;
    L->ceils = ctx_alloc(L->ctx, sizeof(LLVMValueRef) * (size_t)(fn->ninstrs + 1));
    L->ceil_vars = ctx_alloc(L->ctx, sizeof(LLVMValueRef) * (size_t)(fn->nvars + 1));
    bool *no = ti_opaque_vars(L->ti), *seen = ctx_alloc(L->ctx, (size_t)(fn->nvars + 1));
    if (!L->ceils || !L->ceil_vars || !no || !seen) return -1;
    for (int k = 0; k < fn->nblocks; k++)
        for (int i = 0; i < fn->blocks[k]->ninstrs; i++) {
            Instr *in = fn->blocks[k]->instrs[i];
            if (in->op != IR_STOREVAR) continue;
            seen[in->imm] = true;
            if (!range_value(L, in->args[0])) no[in->imm] = true;
        }
    for (int v = 0; v < fn->nvars; v++) {
        if (!seen[v] || no[v] || !L->vars[v] || L->ti->vartypes[v] != ty_int64) continue;
        L->ceil_vars[v] = LLVMBuildAlloca(L->b, L->i64, ctx_printf(L->ctx, "%s.ceil", fn->varnames[v]));
        LLVMBuildStore(L->b, i64c(L, INT64_MAX), L->ceil_vars[v]);
    }
    return 0;
}

/* The shadow slots, at the entry block (the builder's position), each zeroed as its variable is. */
int cg_floor_begin(Lower *L) {
    Function *fn = L->fn;
    TypeInfo *ti = L->ti;
    L->floors = ctx_alloc(L->ctx, sizeof(LLVMValueRef) * (size_t)(fn->ninstrs + 1));
    L->floor_vars = ctx_alloc(L->ctx, sizeof(LLVMValueRef) * (size_t)(fn->nvars + 1));
    bool *want = ctx_alloc(L->ctx, (size_t)(fn->nvars + 1));
    bool *no = ti_opaque_vars(ti);   /* then also: variables a store may lower from themselves */
    int *stores = ctx_alloc(L->ctx, sizeof(int) * (size_t)(fn->nvars + 1));
    L->fixed_vars = ctx_alloc(L->ctx, (size_t)(fn->nvars + 1));
    if (!L->floors || !L->floor_vars || !want || !no || !stores || !L->fixed_vars) return -1;
    for (int v = 0; v < fn->nvars; v++) no[v] |= !L->vars[v] || ti->vartypes[v] != ty_int64;
    for (int k = 0; k < fn->nblocks; k++)
        for (int i = 0; i < fn->blocks[k]->ninstrs; i++) {
            Instr *in = fn->blocks[k]->instrs[i];
            if (in->op == IR_STOREVAR && !no[in->imm] && !keeps_floor(L, in->args[0], in->imm, 0)) no[in->imm] = true;
            if (in->op == IR_STOREVAR || in->op == IR_DELVAR || in->op == IR_CELLREF) {
                /* one store, from its ARG (a parameter) or outside every loop: a read that does not
                 * raise UnboundLocalError reads that value, the same on every trip of any loop */
                stores[in->imm]++;
                L->fixed_vars[in->imm] = in->op == IR_STOREVAR &&
                                         (fn->instrs[in->args[0]]->op == IR_ARG || !cg_in_loop(fn, fn->blocks[k]));
            }
        }
    for (int v = 0; v < fn->nvars; v++) L->fixed_vars[v] &= stores[v] == 1;
    for (bool changed = true; changed;) {   /* the least fixed point: shadows feed shadows */
        changed = false;
        for (int k = 0; k < fn->nblocks; k++)
            for (int i = 0; i < fn->blocks[k]->ninstrs; i++) {
                Instr *in = fn->blocks[k]->instrs[i];
                if (in->op != IR_STOREVAR || want[in->imm] || no[in->imm] || !may_floor(L, want, in->args[0], in->imm, 0)) continue;
                want[in->imm] = changed = true;
            }
    }
    for (int v = 0; v < fn->nvars; v++) {
        if (!want[v]) continue;
        L->floor_vars[v] = LLVMBuildAlloca(L->b, L->i64, ctx_printf(L->ctx, "%s.floor", fn->varnames[v]));
        LLVMBuildStore(L->b, i64c(L, 0), L->floor_vars[v]);
    }
    return ceil_begin(L);
}

static LLVMValueRef sat(Lower *L, const char *name, LLVMValueRef a, LLVMValueRef b);

/* v's floor; for a value typing knows >= 0, the larger of 0 and its own floor (j in
 * range(1, w - 1) keeps its floor 1, so j - 1 keeps 0). */
LLVMValueRef cg_floor_of(Lower *L, int v) {
    if (v < 0 || !L->floors) return NULL;
    if (L->ti->nonneg && L->ti->nonneg[v] && L->ti->vtypes[v] == ty_int64)
        return L->floors[v] ? sat(L, "llvm.smax.i64", L->floors[v], i64c(L, 0)) : i64c(L, 0);
    return L->floors[v];
}

static LLVMValueRef sat(Lower *L, const char *name, LLVMValueRef a, LLVMValueRef b) {
    LLVMTypeRef pt[2] = {L->i64, L->i64};
    LLVMValueRef args[2] = {a, b};
    return cg_call(L, name, L->i64, pt, args, 2);
}

/* The floor (upper: the ceiling) of a range iterator's value, from its state {start, step, count,
 * k, value}: inside the loop count >= 1, so the last value start + (count - 1) * step is one the
 * loop gives; the floor is the start for a positive step and the last value for a negative one,
 * the ceiling the other way round. */
static LLVMValueRef range_bound(Lower *L, LLVMValueRef state, bool upper) {
    LLVMTypeRef st = cg_iter_state_type(L, ty_range);
    LLVMValueRef start = LLVMBuildLoad2(L->b, L->i64, cg_field(L, st, state, 0), "");
    LLVMValueRef step = LLVMBuildLoad2(L->b, L->i64, cg_field(L, st, state, 1), "");
    LLVMValueRef count = LLVMBuildLoad2(L->b, L->i64, cg_field(L, st, state, 2), "");
    LLVMValueRef last = LLVMBuildAdd(L->b, start, LLVMBuildMul(L->b, LLVMBuildSub(L->b, count, i64c(L, 1), ""), step, ""), "");
    LLVMValueRef up = LLVMBuildICmp(L->b, LLVMIntSGT, step, i64c(L, 0), "");
    return upper ? LLVMBuildSelect(L->b, up, last, start, "ceil") : LLVMBuildSelect(L->b, up, start, last, "floor");
}

/* L->ceils[in->id] */
static void ceil_value(Lower *L, Instr *in) {
    LLVMValueRef c = NULL;
    if (in->op == IR_ITERVALUE && L->ti->vtypes[in->args[0]]->iter_of == ty_range) c = range_bound(L, L->vals[in->args[0]], true);
    else if (in->op == IR_LOADVAR && L->ceil_vars[in->imm]) c = LLVMBuildLoad2(L->b, L->i64, L->ceil_vars[in->imm], "");
    else if (in->op == IR_COPY) c = L->ceils[in->args[0]];
    L->ceils[in->id] = c;
}

/* L->floors[in->id], once in is lowered. */
void cg_floor_value(Lower *L, Instr *in) {
    if (!L->floors || L->ti->vtypes[in->id] != ty_int64) return;
    LLVMValueRef f = NULL;
    ceil_value(L, in);
    switch (in->op) {
    case IR_ITERVALUE:
        if (L->ti->vtypes[in->args[0]]->iter_of == ty_range) f = range_bound(L, L->vals[in->args[0]], false);
        break;
    case IR_LOADVAR:
        if (L->floor_vars[in->imm]) f = LLVMBuildLoad2(L->b, L->i64, L->floor_vars[in->imm], "");
        break;
    case IR_COPY: f = L->floors[in->args[0]]; break;
    case IR_BINOP: {   /* a constant that lowers the value lowers the floor; one >= 0 leaves it */
        if (in->imm != IRB_ADD && in->imm != IRB_SUB) break;
        int a = in->args[0], b = in->args[1];
        if (L->ti->vtypes[a] != ty_int64 || L->ti->vtypes[b] != ty_int64) break;
        LLVMValueRef fa = cg_floor_of(L, a), fb = cg_floor_of(L, b);
        long long c;
        if (in->imm == IRB_SUB) {
            if (fa && const_int(L, b, &c)) f = c <= 0 ? fa : sat(L, "llvm.ssub.sat.i64", fa, L->vals[b]);
            else if (fa && fixed_in_loop(L, in, b)) f = sat(L, "llvm.ssub.sat.i64", fa, L->vals[b]);   /* k[w + jj - j] */
            else if (L->ceils[b]) f = sat(L, "llvm.ssub.sat.i64", L->vals[a], L->ceils[b]);
            else if (fa && fixed_var(L, b)) f = sat(L, "llvm.ssub.sat.i64", fa, L->vals[b]);   /* y[i - h + k], i from h */
            break;
        }
        if (fa && nonneg(L, b)) f = fa;
        else if (fb && nonneg(L, a)) f = fb;
        else if (fa && const_int(L, b, &c)) f = sat(L, "llvm.sadd.sat.i64", fa, L->vals[b]);
        else if (fb && const_int(L, a, &c)) f = sat(L, "llvm.sadd.sat.i64", fb, L->vals[a]);
        else if (fa && fb) f = sat(L, "llvm.sadd.sat.i64", fa, fb);
        else if (fa && (fixed_var(L, b) || fixed_in_loop(L, in, b))) f = sat(L, "llvm.sadd.sat.i64", fa, L->vals[b]);
        else if (fb && (fixed_var(L, a) || fixed_in_loop(L, in, a))) f = sat(L, "llvm.sadd.sat.i64", fb, L->vals[a]);
        break;
    }
    default: break;
    }
    if (f && LLVMIsAConstantInt(f) && LLVMConstIntGetSExtValue(f) < 0) f = NULL;   /* tells nothing */
    L->floors[in->id] = f;
}

/* Variable var was just set to x (value id `value`, or -1 when x comes from elsewhere). */
void cg_floor_store(Lower *L, int var, int value, LLVMValueRef x) {
    if (L->ceil_vars && L->ceil_vars[var]) {
        LLVMValueRef c = value >= 0 ? L->ceils[value] : NULL;
        LLVMBuildStore(L->b, c ? c : i64c(L, INT64_MAX), L->ceil_vars[var]);
    }
    if (!L->floor_vars || !L->floor_vars[var]) return;
    LLVMValueRef f = value >= 0 && L->ti->vtypes[value] == ty_int64 ? cg_floor_of(L, value) : NULL;
    LLVMBuildStore(L->b, f ? f : x, L->floor_vars[var]);
}
