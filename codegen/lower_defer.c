/* lower_defer.c: int() of a float, and float division, whose tests wait for the end of the loop.
 *
 * int(x) raises for NaN (ValueError), infinities and floats outside int64 (OverflowError). As a
 * test and a branch out of the loop, it keeps the loop scalar: LLVM 19 does not vectorise loops
 * with a second exit. `v = int(s + 128.5)` in a 5x5 convolution ran 5.5x slower than the same
 * loop with np.int64(), which does not test. In a loop that qualifies (below), the conversion
 * instead records its failure and goes on with an arbitrary int:
 *
 *     key = umin(key, ok ? ~0 : tick << 8 | site << 2 | kind)       r = freeze(fptosi x)
 *
 * tick counts the trips of the loop and of the loops inside it, site numbers the conversions of
 * the function in bytecode order, and kind says what failed (1 NaN, 2 an infinity, 3 too large),
 * so the smallest key is the first failure CPython would have raised. key is tested where the
 * loop is left (its end, a break) and on the way of every other exception raised in it: where
 * it is set, that exception is replaced by the conversion's, at its line. The loop is vectorised
 * with key as a umin reduction.
 *
 * What a loop does after a failed conversion and before its end must not be seen, so that
 * the exception is all a caller can observe, as in CPython:
 *   - it is a `for` loop, so its trip count is fixed when it starts; the loops inside it are
 *     `for` loops over arrays, tuples, or ranges whose bounds do not change in it (a range(v) of
 *     an arbitrary v could run for ever);
 *   - it calls no compiled function, prints nothing, draws no random number, changes no list,
 *     dict or set, has no try, no return and no while loop, and is not a prange body;
 *   - it writes only arrays this function made (np.empty, np.zeros, a.copy(), a + b, ...) that
 *     nothing but this function can reach: a caller never sees them when the loop raises;
 *   - the ints it converts reach values only: arithmetic, comparisons, scalar calls, variables
 *     and elements stored into those arrays, never an index (indices are not tested by
 *     default: an arbitrary one would read or write outside the array). A divisor raises
 *     ZeroDivisionError, which gives way to the conversion's error as any other does.
 * Elsewhere int() tests where CPython does (cg_float_to_int).
 *
 * A float division's zero test is the same kind of side exit (`out[i] = a[i] / b[i]` ran 0.98 ms
 * per 10^6 elements scalar, 0.29 vectorised): x / b (of floats or ints), x // b and x % b of
 * floats, with a divisor that is not a constant, are sites too (cg_defer_zero). b == 0 is recorded in the key
 * (its kind bits unused: the site says what failed), the division goes on, and the site raises
 * ZeroDivisionError with CPython's message (L->defer.msgs). */
#include "lower.h"
#include <math.h>
#include <stdint.h>
#include <string.h>

#define DEFER_MAX_DEPTH 24

/* The loops around block b (heads' block ids), innermost first; their count. */
static int enclosing(Function *fn, const int *last, const Block *b, int *out) {
    int k = 0;
    for (int h = 0; h < fn->nblocks && k < DEFER_MAX_DEPTH; h++) {
        if (last[h] < 0 || b->offset < fn->blocks[h]->offset || b->offset > last[h]) continue;
        int at = k++;
        while (at > 0 && fn->blocks[out[at - 1]]->offset < fn->blocks[h]->offset) {
            out[at] = out[at - 1];
            at--;
        }
        out[at] = h;
    }
    return k;
}

typedef struct {
    Lower *L;
    int head, last;   /* the loop's extent, in bytecode offsets */
} Region;

static bool inside(const Region *r, const Block *b) { return b->offset >= r->head && b->offset <= r->last; }

/* Value v is the same on every trip of the region's loop (conservatively). */
static bool invariant(const Region *r, int v, int depth) {
    Function *fn = r->L->fn;
    Instr *in = fn->instrs[v];
    if (!in || depth > DEFER_MAX_DEPTH) return false;
    if (!inside(r, in->block)) return true;   /* computed before the loop */
    switch (in->op) {
    case IR_CONST: case IR_ARG: case IR_GLOBAL: return true;
    case IR_LOADVAR: return !cg_stored_in(r->L->fn, r->head, r->last, in->imm, NULL);
    case IR_BINOP: case IR_UNOP: case IR_CMP: case IR_TRUTH: case IR_COPY: case IR_UNWRAP: case IR_TUPLE:
    case IR_GETATTR:
        break;
    case IR_GETITEM: {   /* a.shape[0]: an element of a tuple */
        const Type *t = r->L->ti->vtypes[in->args[0]];
        if (!t || t->kind != TY_TUPLE) return false;
        break;
    }
    case IR_CALL: {
        const CallInfo *ci = r->L->ti->calls[in->id];
        if (!ci || ci->kind != CALL_BUILTIN || in->nkw) return false;
        switch (ci->builtin) {
        case BI_RANGE: case BI_LEN: case BI_MIN: case BI_MAX: case BI_ABS: case BI_ENUMERATE: case BI_ZIP: break;
        default: return false;
        }
        for (int k = 1; k < in->nargs; k++)
            if (!invariant(r, in->args[k], depth + 1)) return false;
        return true;
    }
    default: return false;
    }
    for (int k = 0; k < in->nargs; k++)
        if (!invariant(r, in->args[k], depth + 1)) return false;
    return true;
}

static bool writable(Lower *L, int v);

/* A call the region may make: builtins without effects beyond arrays. */
static bool harmless_call(const Region *r, Instr *in) {
    const CallInfo *ci = r->L->ti->calls[in->id];
    if (!ci || ci->key) return false;
    if (ci->kind == CALL_EXC || ci->kind == CALL_NAMEDTUPLE) return true;
    if (ci->kind != CALL_BUILTIN || ci->builtin >= LIST_OPS) return false;
    if (ci->ufmethod == UF_AT || ti_kw_index(in, "out") >= 0) return false;   /* writes an array */
    if (ci->builtin == METHOD_FILL || ci->builtin == METHOD_SORT || ci->builtin == METHOD_SET_SHAPE)
    {
        Instr *m = r->L->fn->instrs[in->args[0]];   /* a.fill: GETATTR of the receiver */
        return m->op == IR_GETATTR && writable(r->L, m->args[0]);
    }
    if (ci->builtin >= BI_COUNT) return true;   /* a method of a number or an array */
    const BuiltinInfo *bi = &ti_builtins[ci->builtin];
    return ci->builtin != BI_PRINT && strcmp(bi->module, "numpy.random") && strcmp(bi->module, "ember._rdist");
}

/* A call that makes a new array nothing else holds. */
static bool fresh_call(Lower *L, Instr *in) {
    const CallInfo *ci = L->ti->calls[in->id];
    if (!ci || ci->kind != CALL_BUILTIN || ti_kw_index(in, "copy") >= 0) return false;   /* copy=False: maybe itself */
    switch (ci->builtin) {
    case BI_NP_EMPTY: case BI_NP_ZEROS: case BI_NP_ONES: case BI_NP_FULL: case BI_NP_EMPTY_LIKE:
    case BI_NP_ZEROS_LIKE: case BI_NP_ONES_LIKE: case BI_NP_FULL_LIKE: case BI_NP_ARANGE: case BI_NP_LINSPACE:
    case BI_NP_EYE: case BI_NP_IDENTITY: case BI_NP_COPY: case BI_NP_ARRAY: case METHOD_FLATTEN: case METHOD_ASTYPE:
    case LB_NP_ARRAY:
        return true;
    default:
        return false;
    }
}

static bool is_array(const Type *t) { return t && t->kind == TY_ARRAY; }

/* Which array variables hold only arrays this function made and let no one else reach
 * (L->defer.local, per variable), and per value id the variable whose array (or a view of it)
 * the value is (L->defer.owner, -1: none). Such an array may be written past a failed
 * conversion: when the loop raises, it is freed unseen. A variable loses the property where
 * its array is stored into another variable, a list or a call's keeping, or passed to
 * anything but a builtin that returns a scalar. */
static int local_arrays(Lower *L) {
    Function *fn = L->fn;
    TypeInfo *ti = L->ti;
    bool *local = ctx_alloc(L->ctx, (size_t)(fn->nvars + 1));
    int *owner = ctx_alloc(L->ctx, sizeof(int) * (size_t)(fn->ninstrs + 1));
    if (!local || !owner) return -1;
    bool *stored = ctx_alloc(L->ctx, (size_t)(fn->nvars + 1));
    if (!stored) return -1;
    for (int v = 0; v < fn->nvars; v++) local[v] = is_array(ti->vartypes[v]);
    for (int i = 0; i < fn->ninstrs; i++) {
        Instr *x = fn->instrs[i];
        owner[i] = -1;
        if (x && x->op == IR_STOREVAR && local[x->imm]) {
            Instr *v = fn->instrs[x->args[0]];
            bool fresh = v->op == IR_CALL ? fresh_call(L, v)
                                          : (v->op == IR_BINOP && !v->imm2) || v->op == IR_UNOP;
            if (!fresh || !is_array(ti->vtypes[v->id])) local[x->imm] = false;
            stored[x->imm] = true;
        }
    }
    for (int v = 0; v < fn->nvars; v++) local[v] &= stored[v];
    for (int b = 0; b < fn->nblocks; b++)   /* values are used in their own block, after they are made */
        for (int i = 0; i < fn->blocks[b]->ninstrs; i++) {
            Instr *x = fn->blocks[b]->instrs[i];
            if (x->op == IR_LOADVAR && local[x->imm]) {
                owner[x->id] = x->imm;
                continue;
            }
            for (int k = 0; k < x->nargs; k++) {
                int o = owner[x->args[k]];
                if (o < 0) continue;
                const Type *rt = ti->vtypes[x->id];
                const CallInfo *ci = x->op == IR_CALL ? ti->calls[x->id] : NULL;
                bool ok = false, derived = false;
                switch (x->op) {
                case IR_SETITEM: ok = k != 1; break;   /* written, or its elements copied */
                case IR_GETITEM: case IR_GETATTR: case IR_UNPACK:
                    ok = true;
                    derived = k == 0 && (is_array(rt) || (rt && (rt->kind == TY_METHOD || rt->kind == TY_TUPLE)));
                    break;
                case IR_BINOP: ok = true; derived = x->imm2 && k == 0; break;   /* a += b is a */
                case IR_UNOP: case IR_CMP: case IR_IS: case IR_TRUTH: case IR_CONTAINS: case IR_GETITER:
                case IR_RETURN: case IR_BRANCH:
                    ok = true;
                    break;
                case IR_CALL:
                    ok = ci && ci->kind == CALL_BUILTIN && ci->builtin < LIST_OPS && !ci->key;
                    derived = ok && rt && rt->kind != TY_INT64 && rt->kind != TY_FLOAT64 && rt->kind != TY_BOOL &&
                              rt->kind != TY_NONE && rt->kind != TY_COMPLEX128 && rt->kind != TY_UINT64;
                    break;
                case IR_TUPLE:   /* return (out, n) */
                    ok = true;
                    for (int u = 0; u < fn->ninstrs; u++) {
                        Instr *y = fn->instrs[u];
                        for (int j = 0; y && j < y->nargs; j++)
                            if (y->args[j] == x->id && y->op != IR_RETURN) ok = false;
                    }
                    break;
                default:
                    break;
                }
                if (!ok) local[o] = false;
                else if (derived) owner[x->id] = o;
            }
        }
    L->defer.local = local;
    L->defer.owner = owner;
    return 0;
}

/* The array value v is one local_arrays lets a failed conversion's loop write. */
static bool writable(Lower *L, int v) {
    int o = L->defer.owner[v];
    return o >= 0 && L->defer.local[o];
}

static bool block_qualifies(const Region *r, Block *b) {
    Lower *L = r->L;
    TypeInfo *ti = L->ti;
    if (b->handler || b->push_exc) return false;
    for (int k = 0; k < ti->nparloops; k++)
        if (ti->parloops[k]->in_loop[b->id]) return false;
    for (int i = 0; i < b->ninstrs; i++) {
        Instr *x = b->instrs[i];
        switch (x->op) {
        case IR_CONST: case IR_ARG: case IR_GLOBAL: case IR_LOADVAR: case IR_STOREVAR: case IR_BINOP:
        case IR_UNOP: case IR_CMP: case IR_IS: case IR_TRUTH: case IR_TUPLE: case IR_GETITEM: case IR_SLICE:
        case IR_UNPACK: case IR_GETATTR: case IR_ITERVALUE: case IR_RAISE: case IR_COPY: case IR_UNWRAP:
        case IR_CONTAINS:
            break;
        case IR_SETITEM:
            if (!is_array(ti->vtypes[x->args[0]]) || !writable(L, x->args[0])) return false;
            break;
        case IR_CALL:
            if (!harmless_call(r, x)) return false;
            break;
        case IR_GETITER: {   /* an inner loop: over an array or a tuple, or bounds fixed in the region */
            const Type *t = ti->vtypes[x->args[0]];
            if (!t) return false;
            if (t->kind != TY_ARRAY && t->kind != TY_TUPLE && !invariant(r, x->args[0], 0)) return false;
            break;
        }
        case IR_FORITER:
            break;
        case IR_JUMP: case IR_BRANCH:   /* no while loop: a jump back goes to a for loop's head */
            for (int k = 0; k < (x->op == IR_BRANCH ? 2 : 1); k++)
                if (x->target[k]->offset <= b->offset && !cg_foriter_of(x->target[k])) return false;
            break;
        default:
            return false;
        }
    }
    return true;
}

/* Whether instruction `in` divides to a float by a divisor that may be 0 (its ZeroDivisionError
 * may wait as a conversion's failure does: cg_defer_zero): x / b of floats or ints, x // b and
 * x % b of floats. */
static bool divides_float(Lower *L, Instr *in) {
    if (in->op != IR_BINOP || (in->imm != IRB_TRUEDIV && in->imm != IRB_FLOORDIV && in->imm != IRB_MOD)) return false;
    return L->ti->vtypes[in->id] == ty_float64 && L->fn->instrs[in->args[1]]->op != IR_CONST;
}

/* Whether instruction `in` converts a float to an int through cg_float_to_int. */
static bool converts_float(Lower *L, Instr *in) {
    if (in->op != IR_CALL || in->nkw || in->nargs != 2) return false;
    const CallInfo *ci = L->ti->calls[in->id];
    if (!ci || ci->kind != CALL_BUILTIN || ci->builtin >= BI_COUNT) return false;
    const Type *t = L->ti->vtypes[in->args[1]];
    if (t != ty_float64) return false;
    return ci->builtin == BI_INT || ci->builtin == BI_ROUND || ti_builtins[ci->builtin].shape == SH_F_I;
}

/* The values of the region derived from those marked in val (per value id): through operands,
 * and through the variables they are stored in (var, per variable), to a fixed point. */
static void flow(const Region *r, bool *val, bool *var) {
    Function *fn = r->L->fn;
    for (bool changed = true; changed;) {
        changed = false;
        for (int b = 0; b < fn->nblocks; b++)
            for (int i = 0; inside(r, fn->blocks[b]) && i < fn->blocks[b]->ninstrs; i++) {
                Instr *x = fn->blocks[b]->instrs[i];
                bool d = val[x->id] || (x->op == IR_LOADVAR && var[x->imm]);
                for (int k = 0; !d && k < x->nargs; k++) d = val[x->args[k]];
                if (d && x->op == IR_STOREVAR && !var[x->imm]) var[x->imm] = changed = true;
                if (!d || val[x->id]) continue;
                val[x->id] = changed = true;
            }
    }
}

/* A call that takes an arbitrary int as CPython would take any other: to a scalar. */
static bool scalar_call(Lower *L, Instr *in) {
    const CallInfo *ci = L->ti->calls[in->id];
    if (!ci || ci->kind != CALL_BUILTIN || in->nkw) return false;
    if (ci->builtin == METHOD_DTYPE_CONVERT) return true;   /* np.uint8(v) */
    if (ci->builtin >= BI_COUNT) return false;
    switch (ci->builtin) {
    case BI_ABS: case BI_MIN: case BI_MAX: case BI_INT: case BI_FLOAT: case BI_BOOL: case BI_ROUND:
    case BI_DIVMOD: case BI_POW:
        break;
    default:
        if (ti_builtins[ci->builtin].shape == SH_SPECIAL) return false;
    }
    const Type *t = L->ti->vtypes[in->id];
    return t && t->kind != TY_ARRAY && t->kind != TY_TUPLE;
}

/* Whether the ints the region's conversions give reach only values: arithmetic, comparisons,
 * scalar calls, variables and elements stored into arrays, never an index (not tested by
 * default: an arbitrary one would read or write outside the array) or a call's size. */
static bool values_only(Lower *L, int head, const bool *site) {
    Function *fn = L->fn;
    Region r = {L, fn->blocks[head]->offset, L->defer.last[head]};
    bool *tv = ctx_alloc(L->ctx, (size_t)(fn->ninstrs + 1)), *tvar = ctx_alloc(L->ctx, (size_t)(fn->nvars + 1));
    if (!tv || !tvar) return false;
    for (int i = 0; i < fn->ninstrs; i++) tv[i] = site[i];
    flow(&r, tv, tvar);
    for (int b = 0; b < fn->nblocks; b++)
        for (int i = 0; inside(&r, fn->blocks[b]) && i < fn->blocks[b]->ninstrs; i++) {
            Instr *x = fn->blocks[b]->instrs[i];
            bool uses = false;
            for (int k = 0; k < x->nargs; k++) uses |= tv[x->args[k]];
            if (!uses) continue;
            switch (x->op) {
            case IR_STOREVAR: case IR_BINOP: case IR_UNOP: case IR_CMP: case IR_IS: case IR_TRUTH:
            case IR_COPY: case IR_UNWRAP: case IR_BRANCH: case IR_RAISE:
                break;
            case IR_SETITEM: if (tv[x->args[0]] || tv[x->args[1]]) return false; break;
            case IR_CALL: {
                const CallInfo *ci = L->ti->calls[x->id];
                if (!scalar_call(L, x) && !(ci && ci->kind == CALL_EXC)) return false;
                break;
            }
            default:
                return false;
            }
        }
    return true;
}

/* What the for loop headed by block h (its FORITER f) iterates over: the GETITER's operand, or NULL. */
static Instr *loop_iterable(Function *fn, Instr *f) {
    Instr *it = fn->instrs[f->args[0]], *g = it->op == IR_GETITER ? it : NULL;
    for (int i = 0; !g && it->op == IR_LOADVAR && i < fn->ninstrs; i++) {
        Instr *x = fn->instrs[i];
        if (x && x->op == IR_STOREVAR && x->imm == it->imm && fn->instrs[x->args[0]]->op == IR_GETITER) g = fn->instrs[x->args[0]];
    }
    return g ? fn->instrs[g->args[0]] : NULL;
}

/* r if it is a call of range(), else NULL. */
static Instr *range_call(Lower *L, Instr *r) {
    const CallInfo *ci = r && r->op == IR_CALL ? L->ti->calls[r->id] : NULL;
    return ci && ci->kind == CALL_BUILTIN && ci->builtin == BI_RANGE && r->nargs >= 2 && r->nargs <= 4 ? r : NULL;
}

/* Whether range() call r has constant arguments: its start, stop and step into a[], its trip
 * count into *n. */
bool cg_const_range(Lower *L, Instr *r, long long a[3], long long *n) {
    a[0] = 0, a[1] = 0, a[2] = 1;
    for (int k = 1; k < r->nargs; k++) {
        Instr *c = L->fn->instrs[r->args[k]];
        if (c->op != IR_CONST || c->c.kind != K_INT) return false;
        a[r->nargs == 2 ? 1 : k - 1] = c->c.i;
    }
    if (a[2] == 0) return false;
    long long m = a[2] > 0 ? (a[1] - a[0] + a[2] - 1) / a[2] : (a[0] - a[1] - a[2] - 1) / -a[2];
    *n = m > 0 ? m : 0;
    return true;
}

/* The trip count of the loop headed by block h when it is range() of constants or a tuple's
 * items (`for d in (-1, 0, 1)`: its length is its type's), else -1. */
static long long const_trips(Lower *L, Block *h) {
    Instr *r = loop_iterable(L->fn, h->instrs[h->ninstrs - 1]);
    const Type *rt = r ? L->ti->vtypes[r->id] : NULL;
    long long a[3], n;
    if (rt && rt->kind == TY_TUPLE) return rt->n;
    return (r = range_call(L, r)) && cg_const_range(L, r, a, &n) ? n : -1;
}

/* The range() call a for loop iterates over, where ITERVALUE iv (in its body) takes its items,
 * or NULL (another iterable, or not found); *head (if given) the loop's header. */
Instr *cg_range_of_item(Lower *L, Instr *iv, Block **head) {
    Function *fn = L->fn;
    for (int k = 0; k < fn->nblocks; k++) {
        Instr *f = cg_foriter_of(fn->blocks[k]);
        if (!f || f->target[0] != iv->block) continue;
        if (head) *head = fn->blocks[k];
        return range_call(L, loop_iterable(fn, f));
    }
    return NULL;
}

/* A loop LLVM unrolls whole: range() of constants, 16 trips at most. */
static bool short_loop(Lower *L, Block *h) {
    long long n = const_trips(L, h);
    return n >= 0 && n <= 16;
}

/* Whether int value v may differ from one trip of the loop [lo, hi] to the next: it reads a
 * variable stored there (but the targets of the short loops `reset` inside it, which run through
 * the same values each trip), or is made there by more than arithmetic of such reads. */
static bool varies_in(Lower *L, int v, int lo, int hi, const int *reset, int nreset, int depth) {
    Instr *x = L->fn->instrs[v];
    if (depth > 8) return true;
    switch (x->op) {
    case IR_CONST: return false;
    case IR_LOADVAR:
        for (int k = 0; k < nreset; k++)
            if (reset[k] == x->imm) return false;
        return cg_stored_in(L->fn, lo, hi, x->imm, NULL);
    case IR_COPY: case IR_BINOP:
        for (int k = 0; k < x->nargs; k++)
            if (varies_in(L, x->args[k], lo, hi, reset, nreset, depth + 1)) return true;
        return false;
    default: return !x->block || (x->block->offset >= lo && x->block->offset <= hi);
    }
}

/* Whether a % site in block b, of dividend v, should divide each time rather than follow its
 * run (lower_ops.c): its innermost loop is one LLVM unrolls whole, and v is fixed through that
 * loop or one around it, up to the first that is not so short. There LICM hoists, or CSE shares,
 * the unrolled copies' divisions, which a run's slots would chain together: in a 3x3 neighbour
 * scan of a periodic grid, ((cx + dx) % n) * n + (cy + dy) % n, the first is fixed through the
 * loop over cy and the second repeats for each dx (1.6x Numba's time with runs). A site whose
 * short loops sit right in the loop that moves it ((k + d) % n for d in range(-1, 2)) runs. */
bool cg_mod_divides(Lower *L, Block *b, int v) {
    Function *fn = L->fn;
    int *last = ctx_alloc(L->ctx, sizeof(int) * (size_t)(fn->nblocks + 1));
    if (!last) return false;
    for (int h = 0; h < fn->nblocks; h++) last[h] = cg_loop_last(fn, fn->blocks[h]);
    int chain[DEFER_MAX_DEPTH], k = enclosing(fn, last, b, chain), reset[DEFER_MAX_DEPTH], nreset = 0;
    for (int d = 0; d < k; d++) {
        Block *h = fn->blocks[chain[d]];
        bool unrolled = cg_foriter_of(h) && short_loop(L, h);
        if (d == 0 && !unrolled) return false;
        if (!varies_in(L, v, h->offset, last[chain[d]], reset, nreset, 0)) return true;
        if (!unrolled) return false;
        int t = cg_loop_target(h);
        if (t >= 0) reset[nreset++] = t;
    }
    return false;
}

/* Whether x calls a maths function that glibc's vector maths computes (exp, pow, sin, ...): in a
 * function with a vector loop every such call, the scalar loop's included, takes the widest
 * variant (samemath.c), so a loop of a few trips (the 3 channels of a pixel) runs each element
 * through 8 lanes of pow. Such a loop, when it lies inside another, keeps its immediate test and
 * stays scalar, calling glibc's scalar function (tone mapping 400x600x3 pixels with ** gamma:
 * 8.5 ms, 13.9 vectorised), unless it runs merged with the loop around it (lower_collapse.c), as
 * that tone map does. A loop with no loop around it is taken to be long: it is the function's
 * work (acos of 200k normalised dot products: 4.1 ms testing a division at once, 0.7 waiting). */
static bool calls_maths(Lower *L, Instr *x) {
    static const char *const native[] = {"llvm.sqrt", "llvm.fabs", "llvm.floor", "llvm.ceil", "llvm.trunc", "llvm.rint",
                                         "llvm.copysign", NULL};
    const Type *t = L->ti->vtypes[x->id];
    if (x->op == IR_BINOP) return x->imm == IRB_POW && (t == ty_float64 || (t && t->kind == TY_ARRAY));
    if (x->op != IR_CALL) return false;
    const CallInfo *ci = L->ti->calls[x->id];
    if (!ci || ci->kind != CALL_BUILTIN || ci->builtin >= BI_COUNT || !ti_builtins[ci->builtin].lowering) return false;
    const char *f = ti_builtins[ci->builtin].lowering;
    for (int k = 0; native[k]; k++)
        if (!strncmp(f, native[k], strlen(native[k]))) return false;
    return true;
}

/* Whether the loop a conversion in block b would be vectorised with may be: the innermost loop
 * around b that is not a short range() of constants (LLVM unrolls those), when it has no loop
 * inside but such short ones, no break, no maths call (calls_maths), and stores only where its
 * index moves with its trips (f[i, 0] += ... in a loop over j carries a value through memory). Elsewhere a waiting test
 * would only cost: it is a test and a branch, as the immediate one is, plus the trip count
 * (lj_forces_cutoff, three floor()s per pair: 0.91 ms waiting, 0.81 testing at once). */
static bool may_vectorise(Lower *L, const int *last, Block *b) {
    Function *fn = L->fn;
    int chain[DEFER_MAX_DEPTH], k = enclosing(fn, last, b, chain), d = 0;
    while (d < k && short_loop(L, fn->blocks[chain[d]])) d++;
    if (d == k) return false;
    Block *h = fn->blocks[chain[d]];
    bool nested = d + 1 < k;   /* a loop inside another may be one of a few trips (calls_maths) */
    Region r = {L, h->offset, last[h->id]};
    bool *moves = ctx_alloc(L->ctx, (size_t)(fn->ninstrs + 1)), *moves_var = ctx_alloc(L->ctx, (size_t)(fn->nvars + 1));
    if (!moves || !moves_var) return false;
    Block *body = h->instrs[h->ninstrs - 1]->target[0];
    for (int i = 0; i < body->ninstrs; i++)
        if (body->instrs[i]->op == IR_ITERVALUE) moves[body->instrs[i]->id] = true;
    flow(&r, moves, moves_var);
    for (int bb = 0; bb < fn->nblocks; bb++) {
        Block *bk = fn->blocks[bb];
        if (!inside(&r, bk)) continue;
        if (bk != h && cg_foriter_of(bk) && !short_loop(L, bk)) return false;
        for (int i = 0; i < bk->ninstrs; i++) {
            Instr *x = bk->instrs[i];
            if ((x->op == IR_SETITEM && !moves[x->args[1]]) || (calls_maths(L, x) && nested && !cg_collapse_inner(L, h)))
                return false;
            if (x->op == IR_JUMP || x->op == IR_BRANCH)
                for (int t = 0; t < (x->op == IR_BRANCH ? 2 : 1); t++)
                    if (!inside(&r, x->target[t])) return false;
        }
    }
    return true;
}

/* Which blocks lie in a loop whose conversions wait (L->defer.region, per block: the head's block
 * id, or -1), which loops have such conversions (has_sites, per head), and which loops count
 * trips (ticks, per FORITER block). */
int cg_defer_plan(Lower *L) {
    Function *fn = L->fn;   /* (L->defer was cleared by cg_begin_function) */
    int n = fn->nblocks;
    int *region = ctx_alloc(L->ctx, sizeof(int) * (size_t)(n + 1));
    bool *has_sites = ctx_alloc(L->ctx, (size_t)(n + 1)), *ticks = ctx_alloc(L->ctx, (size_t)(n + 1));
    bool *ok = ctx_alloc(L->ctx, (size_t)(n + 1));
    int *last = ctx_alloc(L->ctx, sizeof(int) * (size_t)(n + 1));
    if (!region || !has_sites || !ticks || !ok || !last || local_arrays(L)) return -1;
    bool any = false;
    for (int h = 0; h < n; h++) {
        Block *hb = fn->blocks[h];
        last[h] = -1;
        ok[h] = false;
        if (!cg_foriter_of(hb) || (last[h] = cg_loop_last(fn, hb)) < hb->offset) continue;
        Region r = {L, hb->offset, last[h]};
        ok[h] = true;
        for (int b = 0; b < n && ok[h]; b++)
            if (inside(&r, fn->blocks[b])) ok[h] = block_qualifies(&r, fn->blocks[b]);
    }
    /* Each block's region: the outermost loop around it of an unbroken run of qualifying loops
     * from the innermost out (a conversion inside `for c in range(3)` waits for the loop over
     * pixels around it, which then vectorises). A region whose ints reach more than values
     * gives way to the next loop inwards. */
    int *depth = ctx_alloc(L->ctx, sizeof(int) * (size_t)(n + 1));
    bool *site = ctx_alloc(L->ctx, (size_t)(fn->ninstrs + 1)), *candidate = ctx_alloc(L->ctx, (size_t)(fn->ninstrs + 1));
    if (!depth || !site || !candidate) return -1;
    L->defer.last = last;
    for (int b = 0; b < n; b++) {
        int chain[DEFER_MAX_DEPTH];
        int k = enclosing(fn, last, fn->blocks[b], chain);
        depth[b] = 0;
        while (depth[b] < k && ok[chain[depth[b]]]) depth[b]++;
        for (int d = 0; d < k; d++) ticks[b] |= ok[chain[d]] && cg_foriter_of(fn->blocks[b]);
        for (int i = 0; depth[b] && i < fn->blocks[b]->ninstrs; i++) {   /* the conversions that may wait */
            Instr *x = fn->blocks[b]->instrs[i];
            candidate[x->id] = (converts_float(L, x) || divides_float(L, x)) && may_vectorise(L, last, fn->blocks[b]);
        }
    }
    for (bool changed = true; changed;) {
        changed = false;
        memset(has_sites, 0, (size_t)n);
        for (int b = 0; b < n; b++) {
            int chain[DEFER_MAX_DEPTH];
            enclosing(fn, last, fn->blocks[b], chain);
            region[b] = depth[b] ? chain[depth[b] - 1] : -1;
            for (int i = 0; i < fn->blocks[b]->ninstrs; i++) {
                Instr *x = fn->blocks[b]->instrs[i];
                site[x->id] = region[b] >= 0 && candidate[x->id];
                if (site[x->id]) has_sites[region[b]] = true;
            }
        }
        for (int h = 0; h < n; h++) {
            if (!has_sites[h] || values_only(L, h, site)) continue;
            for (int b = 0; b < n; b++)
                if (region[b] == h) depth[b]--;
            changed = true;
        }
    }
    for (int h = 0; h < n; h++) any |= has_sites[h];
    if (!any) return 0;
    L->defer.region = region;
    L->defer.has_sites = has_sites;
    L->defer.ticks = ticks;
    L->defer.site = site;
    L->defer.key = cg_entry_alloca(L, L->i64, "intkey");
    L->defer.tick = cg_entry_alloca(L, L->i64, "tick");
    LLVMBuildStore(L->b, i64c(L, -1), L->defer.key);
    LLVMBuildStore(L->b, i64c(L, 0), L->defer.tick);
    L->defer.bb = LLVMAppendBasicBlockInContext(L->c, L->func, "intfailed");
    return 0;
}

/* The region of the block being lowered whose conversions wait, or -1. */
static int current_region(Lower *L) {
    if (!L->defer.region || !L->block || !L->traceback || L->err) return -1;
    int h = L->defer.region[L->block->id];
    return h >= 0 && L->defer.has_sites[h] ? h : -1;
}

/* int(x) in such a region: the conversion, its failure recorded in key; NULL elsewhere. */
/* A new site for the instruction being lowered when it is one that waits (msg: a division's
 * message, NULL for a conversion), else -1. */
static int new_site(Lower *L, const char *msg) {
    if (current_region(L) < 0 || !L->cur || !L->defer.site[L->cur->id] || L->defer.nsites >= CG_DEFER_SITES) return -1;
    int site = L->defer.nsites++;
    L->defer.lines[site] = L->loc.line > 0 ? L->loc.line : L->fn->firstline;
    L->defer.msgs[site] = msg;
    return site;
}

/* The side path a failure takes where `ok` is false: the builder is left there, and the block
 * where the common path goes on is returned (record_failure rejoins it). The key is updated on
 * that side path: in a loop left scalar the common path is the one test (lj_forces_cutoff, three
 * floor()s per pair: 1.54 ms computing the key every time, 0.96 with the branch; 0.81 testing
 * where CPython does), and the vectoriser if-converts the side path. */
static LLVMBasicBlockRef failure_path(Lower *L, LLVMValueRef ok) {
    LLVMBasicBlockRef bad = LLVMAppendBasicBlockInContext(L->c, L->func, "waitbad");
    LLVMBasicBlockRef cont = LLVMAppendBasicBlockInContext(L->c, L->func, "waitok");
    cg_br_expect(L, ok, true, cont, bad);
    LLVMPositionBuilderAtEnd(L->b, bad);
    return cont;
}

/* key = umin(key, code) on the failure path, which then rejoins `cont`. */
static void record_failure(Lower *L, LLVMValueRef code, LLVMBasicBlockRef cont) {
    LLVMTypeRef pt[2] = {L->i64, L->i64};
    LLVMValueRef mm[2] = {LLVMBuildLoad2(L->b, L->i64, L->defer.key, ""), code};
    LLVMBuildStore(L->b, cg_call(L, "llvm.umin.i64", L->i64, pt, mm, 2), L->defer.key);
    LLVMBuildBr(L->b, cont);
    LLVMPositionBuilderAtEnd(L->b, cont);
}

LLVMValueRef cg_defer_int(Lower *L, LLVMValueRef x) {
    int site = new_site(L, NULL);
    if (site < 0) return NULL;
    /* |x| < 2**63 (false for NaN); the failure path tells -2**63, which fits, from the rest */
    LLVMBasicBlockRef cont = failure_path(L, LLVMBuildFCmp(L->b, LLVMRealOLT, cg_intrinsic1(L, "llvm.fabs.f64", x),
                                                            f64c(L, 9223372036854775808.0), ""));
    /* code = tick << 8 | site << 2 | kind, kind 3 less one when x is not finite, less one more
     * when it is NaN: two classes (vfpclasspd) and two masked subtractions in a vector loop */
    LLVMValueRef tick = LLVMBuildLoad2(L->b, L->i64, L->defer.tick, "");
    LLVMValueRef code = LLVMBuildOr(L->b, tick, i64c(L, (long long)site << 2 | 3), "");
    LLVMTypeRef ct[2] = {L->f64, L->i32};
    LLVMValueRef nonfinite[2] = {x, LLVMConstInt(L->i32, 0x207, 0)}, nan[2] = {x, LLVMConstInt(L->i32, 0x3, 0)};
    LLVMValueRef c1 = cg_call(L, "llvm.is.fpclass.f64", L->i1, ct, nonfinite, 2);
    code = LLVMBuildSelect(L->b, c1, LLVMBuildSub(L->b, code, i64c(L, 1), ""), code, "");
    LLVMValueRef c2 = cg_call(L, "llvm.is.fpclass.f64", L->i1, ct, nan, 2);
    code = LLVMBuildSelect(L->b, c2, LLVMBuildSub(L->b, code, i64c(L, 1), ""), code, "");
    code = LLVMBuildSelect(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, x, f64c(L, -9223372036854775808.0), ""), i64c(L, -1), code, "");
    record_failure(L, code, cont);
    return LLVMBuildFreeze(L->b, LLVMBuildFPToSI(L->b, x, L->i64, ""), "int");
}

/* x / b, x // b or x % b of floats in such a region (msg: CPython's message): b == 0 is recorded
 * as a conversion's failure is, and the division goes on (an infinity or NaN, seen by nothing
 * when the loop raises); false elsewhere, where the caller tests at once. */
bool cg_defer_zero(Lower *L, LLVMValueRef b, const char *msg) {
    int site = new_site(L, msg);
    if (site < 0) return false;
    LLVMBasicBlockRef cont = failure_path(L, LLVMBuildFCmp(L->b, LLVMRealUNE, b, f64c(L, 0), ""));   /* NaN divides */
    record_failure(L, LLVMBuildOr(L->b, LLVMBuildLoad2(L->b, L->i64, L->defer.tick, ""), i64c(L, (long long)site << 2), ""), cont);
    return true;
}

/* Whether block `head` heads a loop with a conversion that waits. Its key is a reduction there,
 * and the vectoriser interleaves reductions: four vectors of keys beside a 5x5 convolution's
 * weights spilled registers (0.52 ms against 0.49 with one). */
bool cg_defer_head(Lower *L, Block *head) {
    if (!L->defer.region || !cg_foriter_of(head) || L->defer.last[head->id] < head->offset) return false;
    Function *fn = L->fn;
    for (int b = 0; b < fn->nblocks; b++) {
        Block *bk = fn->blocks[b];
        if (bk->offset < head->offset || bk->offset > L->defer.last[head->id] || L->defer.region[b] < 0) continue;
        for (int i = 0; i < bk->ninstrs; i++)
            if (L->defer.site[bk->instrs[i]->id]) return true;
    }
    return false;
}

/* A FORITER's next trip: one more tick where conversions may wait (tick holds trips << 8). */
void cg_defer_tick(Lower *L) {
    if (!L->defer.region || !L->block || !L->defer.ticks[L->block->id]) return;
    LLVMValueRef t = LLVMBuildLoad2(L->b, L->i64, L->defer.tick, "");
    LLVMBuildStore(L->b, LLVMBuildAdd(L->b, t, i64c(L, 256), ""), L->defer.tick);
}

/* Where a jump from the block being lowered to block `to` goes: by way of key's test when it
 * leaves a region with waiting conversions. */
LLVMBasicBlockRef cg_defer_edge(Lower *L, Block *to) {
    LLVMBasicBlockRef target = cg_collapse_edge(L, to);
    int h = current_region(L);
    if (h < 0) return target;
    Block *hb = L->fn->blocks[h];
    if (to->offset >= hb->offset && to->offset <= L->defer.last[h]) return target;
    LLVMBasicBlockRef here = LLVMGetInsertBlock(L->b);
    LLVMBasicBlockRef chk = LLVMAppendBasicBlockInContext(L->c, L->func, "intkey");
    LLVMPositionBuilderAtEnd(L->b, chk);
    LLVMValueRef set = LLVMBuildICmp(L->b, LLVMIntNE, LLVMBuildLoad2(L->b, L->i64, L->defer.key, ""), i64c(L, -1), "");
    cg_br_expect(L, set, false, L->defer.bb, target);
    LLVMPositionBuilderAtEnd(L->b, here);
    return chk;
}

/* The start of the failure path when conversions may wait: a waiting failure came first, and its
 * exception replaces the one raised (tb: the path that records the traceback; raised: where the
 * waiting failure's raise, into the record, goes on: the same path, or one that first moves it
 * into the slot <sym>.x was handed, lower_exc.c; waiting: where a set key goes, NULL for
 * L->defer.bb). */
LLVMBasicBlockRef cg_defer_fail_block(Lower *L, LLVMBasicBlockRef tb, LLVMBasicBlockRef raised,
                                      LLVMBasicBlockRef waiting) {
    if (!L->defer.region) return tb;
    L->defer.tb = raised;
    LLVMBasicBlockRef here = LLVMGetInsertBlock(L->b);
    LLVMBasicBlockRef chk = LLVMAppendBasicBlockInContext(L->c, L->func, "failing");
    LLVMPositionBuilderAtEnd(L->b, chk);
    LLVMValueRef set = LLVMBuildICmp(L->b, LLVMIntNE, LLVMBuildLoad2(L->b, L->i64, L->defer.key, ""), i64c(L, -1), "");
    LLVMBuildCondBr(L->b, set, waiting ? waiting : L->defer.bb, tb);
    LLVMPositionBuilderAtEnd(L->b, here);
    return chk;
}

/* The block that raises the first waiting failure, at its conversion's line. */
void cg_defer_finish(Lower *L) {
    if (!L->defer.region) return;
    if (!L->defer.tb) cg_fail_block(L);
    LLVMPositionBuilderAtEnd(L->b, L->defer.bb);
    if (!L->defer.nsites) {   /* key was never set */
        LLVMBuildUnreachable(L->b);
        return;
    }
    LLVMValueRef key = LLVMBuildLoad2(L->b, L->i64, L->defer.key, "");
    LLVMValueRef site = LLVMBuildAnd(L->b, LLVMBuildLShr(L->b, key, i64c(L, 2), ""), i64c(L, CG_DEFER_SITES - 1), "");
    LLVMValueRef kind = LLVMBuildAnd(L->b, key, i64c(L, 3), "");
    LLVMValueRef line = LLVMConstInt(L->i32, (unsigned long long)L->defer.lines[0], 0);
    for (int k = 1; k < L->defer.nsites; k++)
        line = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, site, i64c(L, k), ""),
                               LLVMConstInt(L->i32, (unsigned long long)L->defer.lines[k], 0), line, "");
    cg_fail_line_store(L, line);
    /* a division's site raises ZeroDivisionError with its message */
    LLVMValueRef divides = LLVMConstInt(L->i1, 0, 0), msg = LLVMConstNull(L->ptr);
    for (int k = 0; k < L->defer.nsites; k++) {
        if (!L->defer.msgs[k]) continue;
        LLVMValueRef here = LLVMBuildICmp(L->b, LLVMIntEQ, site, i64c(L, k), "");
        divides = LLVMBuildOr(L->b, divides, here, "");
        msg = LLVMBuildSelect(L->b, here, cg_cstring(L, L->defer.msgs[k]), msg, "");
    }
    if (!LLVMIsAConstantInt(divides)) {
        LLVMBasicBlockRef zdiv = LLVMAppendBasicBlockInContext(L->c, L->func, "zerodiv");
        LLVMBasicBlockRef conv = LLVMAppendBasicBlockInContext(L->c, L->func, "intfail");
        LLVMBuildCondBr(L->b, divides, zdiv, conv);
        LLVMPositionBuilderAtEnd(L->b, zdiv);
        cg_rt_raise(L, cg_exc_class_of_name(L, "builtins:ZeroDivisionError"), msg);
        LLVMBuildBr(L->b, L->defer.tb);
        LLVMPositionBuilderAtEnd(L->b, conv);
    }
    LLVMValueRef x = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, kind, i64c(L, 1), ""), f64c(L, NAN),
                                     LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, kind, i64c(L, 2), ""),
                                                     f64c(L, INFINITY), f64c(L, 1e300), ""), "");
    cg_call(L, "ember_rt_raise_float_to_int", L->voidt, &L->f64, &x, 1);
    LLVMBuildBr(L->b, L->defer.tb);
}
