/* ranges.c: the value range of every int64 (and uint64) value, for lowering to compute narrow arithmetic
 * narrow (codegen/lower_narrow.c). Requires: a typed function (infer.c's fixed point) and its
 * facts (facts.c). Produces ti->range: per value id, an interval [lo, hi] that holds every value
 * the instruction can give (lo > hi: not reached yet; [INT64_MIN, INT64_MAX]: nothing known).
 *
 * Python, and Numba, type int8 * int8 as int64: out[i] = (a[i] * b[i] + 7) // 4 on int8 arrays
 * computes in 64-bit lanes and wraps on the store, so a vector loop holds 8 lanes where it could
 * hold 32. Where the ranges of the inputs prove every intermediate result fits a narrower type,
 * the same exact values come out of 16- or 32-bit arithmetic; lowering then computes there.
 *
 * Leaves: constants; bools [0, 1]; elements of int8/int16/int32/uint8/uint16/uint32/bool arrays
 * (a[i], for x in a) and np.int8(x)-style conversions: their dtype's range. Rules, exact interval
 * arithmetic (a result that could leave int64 is unknown, as is everything not listed):
 *
 *   a + b, a - b, a * b, -a, ~a, +a     the extreme combinations of the bounds
 *   a // b, a % b                       b's range without 0: Python's floor and sign rules at
 *                                       the corners; a % b lies in [0, b-1] or [b+1, 0]
 *   a >> k, a << k                      k in [0, 62]: the corners
 *   a & b, a | b, a ^ b                 within the signed width of both; a & b of one
 *                                       non-negative operand in [0, its max]
 *   min, max, abs                       of the bounds
 *   p * w + r * (c - w)                 p, r >= 0, w in [0, c], the two w the same number (one
 *                                       variable or element read twice): [min p * c, max r * c]
 *
 * uint64 values get ranges too, where their operands' are known and >= 0 and the result cannot
 * wrap (a - b that may go below 0 is unknown): an Adler-32 or a hash over uint32 words then
 * divides in 32 bits, as Numba's uint32 typing does. np.uint32(x) of an int x that fits is x's
 * range (MOD = np.uint32(65521) stays 65521).
 *
 * A variable's range joins the ranges of every value stored to it; loops make that circular
 * (s = s + a[i]), so the table starts empty and grows to a least fixed point, and a value or
 * variable that has grown WIDEN_AFTER times is set to unknown at once (the iteration ends).
 * Variables an inner function shares, prange reductions and locals= declarations are unknown.
 */
#include "ti.h"
#include <limits.h>
#include <string.h>

#define WIDEN_AFTER 3

static const IntRange unknown = {LLONG_MIN, LLONG_MAX};
static const IntRange empty = {1, 0};

typedef struct Ranges {
    TypeInfo *ti;
    IntRange *val, *var;
    unsigned char *val_grown, *var_grown;
} Ranges;

static bool is_empty(IntRange r) { return r.lo > r.hi; }
static IntRange of(long long lo, long long hi) { return (IntRange){lo, hi}; }

/* [lo, hi] of exact 128-bit bounds, unknown where it leaves int64. */
static IntRange fit(__int128 lo, __int128 hi) {
    if (lo < LLONG_MIN || hi > LLONG_MAX) return unknown;
    return of((long long)lo, (long long)hi);
}

/* The smallest range holding four exact values. */
static IntRange corners(__int128 a, __int128 b, __int128 c, __int128 d) {
    __int128 lo = a, hi = a;
    __int128 v[3] = {b, c, d};
    for (int k = 0; k < 3; k++) {
        if (v[k] < lo) lo = v[k];
        if (v[k] > hi) hi = v[k];
    }
    return fit(lo, hi);
}

static __int128 floordiv(__int128 a, __int128 b) {
    __int128 q = a / b;
    return (a % b != 0 && ((a < 0) != (b < 0))) ? q - 1 : q;
}

static IntRange dtype_range(int dt) {
    switch (dt) {
    case DT_BOOL: return of(0, 1);
    case DT_INT8: return of(-128, 127);
    case DT_INT16: return of(-32768, 32767);
    case DT_INT32: return of(INT_MIN, INT_MAX);
    case DT_UINT8: return of(0, 255);
    case DT_UINT16: return of(0, 65535);
    case DT_UINT32: return of(0, UINT_MAX);
    default: return unknown;
    }
}

/* The element range of an array type, or unknown. */
static IntRange elem_range(const Type *t) {
    return t && t->kind == TY_ARRAY ? dtype_range(t->dtype) : unknown;
}

/* The signed bit width needed to hold r (1..64). */
static int signed_bits(IntRange r) {
    for (int w = 1; w < 64; w++) {
        long long lo = -(1LL << (w - 1)), hi = (1LL << (w - 1)) - 1;
        if (r.lo >= lo && r.hi <= hi) return w;
    }
    return 64;
}

static IntRange div_range(IntRange a, IntRange b, bool mod) {
    if (b.lo <= 0 && b.hi >= 0) return unknown;   /* may raise ZeroDivisionError: no narrowing */
    if (mod) {
        if (b.lo > 0) return a.lo >= 0 ? of(0, a.hi < b.hi - 1 ? a.hi : b.hi - 1) : of(0, b.hi - 1);
        return a.hi <= 0 ? of(a.lo > b.lo + 1 ? a.lo : b.lo + 1, 0) : of(b.lo + 1, 0);
    }
    /* floor(a / b) is monotonic in a for a fixed sign of b, and in b for a fixed sign of a, so
     * its extremes lie at the corners (a's range may straddle 0: add the corners at 0) */
    IntRange r = corners(floordiv(a.lo, b.lo), floordiv(a.lo, b.hi), floordiv(a.hi, b.lo), floordiv(a.hi, b.hi));
    if (a.lo < 0 && a.hi > 0 && !is_empty(r)) {
        if (r.lo > 0) r.lo = 0;
        if (r.hi < 0) r.hi = 0;
    }
    return r;
}

static IntRange shift_range(IntRange a, IntRange k, bool left) {
    if (k.lo < 0 || k.hi > 62) return unknown;
    if (!left) return corners(a.lo >> k.lo, a.lo >> k.hi, a.hi >> k.lo, a.hi >> k.hi);
    return corners((__int128)a.lo << k.lo, (__int128)a.lo << k.hi, (__int128)a.hi << k.lo, (__int128)a.hi << k.hi);
}

static IntRange bitwise_range(int op, IntRange a, IntRange b) {
    if (op == IRB_AND && (a.lo >= 0 || b.lo >= 0)) {
        long long hi = a.lo >= 0 && b.lo >= 0 ? (a.hi < b.hi ? a.hi : b.hi) : a.lo >= 0 ? a.hi : b.hi;
        return of(0, hi);
    }
    int w = signed_bits(a) > signed_bits(b) ? signed_bits(a) : signed_bits(b);
    if (w >= 64) return unknown;
    if (a.lo >= 0 && b.lo >= 0) return of(0, (1LL << (w - 1)) - 1);   /* no sign bit in either */
    return of(-(1LL << (w - 1)), (1LL << (w - 1)) - 1);
}

static IntRange binop_range(int op, IntRange a, IntRange b) {
    switch (op) {
    case IRB_ADD: return fit((__int128)a.lo + b.lo, (__int128)a.hi + b.hi);
    case IRB_SUB: return fit((__int128)a.lo - b.hi, (__int128)a.hi - b.lo);
    case IRB_MUL: return corners((__int128)a.lo * b.lo, (__int128)a.lo * b.hi, (__int128)a.hi * b.lo, (__int128)a.hi * b.hi);
    case IRB_FLOORDIV: return div_range(a, b, false);
    case IRB_MOD: return div_range(a, b, true);
    case IRB_RSHIFT: return shift_range(a, b, false);
    case IRB_LSHIFT: return shift_range(a, b, true);
    case IRB_AND: case IRB_OR: case IRB_XOR: return bitwise_range(op, a, b);
    default: return unknown;
    }
}

/* ---- blends: p * w + r * (c - w) -------------------------------------------------------- */

static int position(Instr *in) {
    for (int i = 0; i < in->block->ninstrs; i++)
        if (in->block->instrs[i] == in) return i;
    return -1;
}

/* Whether instruction z cannot write an array's elements (a call, a store or an in-place
 * operator might, through any name). */
static bool reads_only(Instr *z) {
    switch (z->op) {
    case IR_CONST: case IR_GLOBAL: case IR_LOADVAR: case IR_STOREVAR: case IR_GETITEM: case IR_UNOP:
    case IR_CMP: case IR_TRUTH: case IR_COPY: return true;
    case IR_BINOP: return z->imm2 == 0;
    default: return false;
    }
}

/* Whether nothing between instructions x and y of one block may change what var (or, where
 * var < 0, an array's element) holds. */
static bool untouched(Instr *x, Instr *y, int var) {
    if (x->block != y->block) return false;
    int i = position(x), j = position(y);
    if (i > j) { int t = i; i = j; j = t; }
    for (int k = i + 1; k < j; k++) {
        Instr *z = x->block->instrs[k];
        if (var >= 0 ? z->op == IR_STOREVAR && z->imm == var : !reads_only(z)) return false;
    }
    return true;
}

/* Whether values u and v are the same number: one value, two reads of a variable with no store
 * between, or two reads of the same element (a[i] twice in one statement). */
static bool same_value(TypeInfo *ti, int u, int v) {
    if (u == v) return true;
    Instr *x = ti->fn->instrs[u], *y = ti->fn->instrs[v];
    if (x->op != y->op) return false;
    if (x->op == IR_LOADVAR) return x->imm == y->imm && untouched(x, y, x->imm);
    if (x->op == IR_GETITEM)
        return same_value(ti, x->args[0], y->args[0]) && same_value(ti, x->args[1], y->args[1]) && untouched(x, y, -1);
    return false;
}

/* p * w + r * (c - w) for p, r >= 0 and w in [0, c] (alpha blending: a * w + b * (255 - w)) is
 * a weighted sum of p and r with weights adding up to c: it lies in [min(p) * c, max(r) * c],
 * much narrower than intervals find (they treat w and c - w as unrelated). */
static IntRange blend_range(Ranges *s, Instr *in) {
    TypeInfo *ti = s->ti;
    for (int swap = 0; swap < 2; swap++) {
        Instr *m1 = ti->fn->instrs[in->args[swap]], *m2 = ti->fn->instrs[in->args[1 - swap]];
        if (m1->op != IR_BINOP || m1->imm != IRB_MUL || m2->op != IR_BINOP || m2->imm != IRB_MUL) continue;
        for (int k = 0; k < 4; k++) {
            int p = m1->args[k / 2], w = m1->args[1 - k / 2], r = m2->args[k % 2];
            Instr *d = ti->fn->instrs[m2->args[1 - k % 2]];
            if (d->op != IR_BINOP || d->imm != IRB_SUB || !same_value(ti, d->args[1], w)) continue;
            IntRange c = s->val[d->args[0]], rp = s->val[p], rr = s->val[r], rw = s->val[w];
            if (is_empty(c) || is_empty(rp) || is_empty(rr) || is_empty(rw) || c.lo != c.hi) continue;
            if (rp.lo < 0 || rr.lo < 0 || rw.lo < 0 || rw.hi > c.lo) continue;
            return fit((__int128)(rp.lo < rr.lo ? rp.lo : rr.lo) * c.lo, (__int128)(rp.hi > rr.hi ? rp.hi : rr.hi) * c.lo);
        }
    }
    return unknown;
}

static IntRange meet(IntRange a, IntRange b) {
    return of(a.lo > b.lo ? a.lo : b.lo, a.hi < b.hi ? a.hi : b.hi);
}

/* The range of a value that is a NumPy scalar of an int dtype (npscalar.c): a parameter given an
 * np.uint8 (it wraps on entry), what a compiled callee returns as one (g(a[i]), lo, hi =
 * sort2(p, q)), an item unpacked from a tuple of such. */
static IntRange scalar_range(Ranges *s, Instr *in) {
    int dt = ti_numpy_scalar_dtype(s->ti, in->id);
    return dt >= 0 && ty_scalar_of(dt) == ty_int64 ? dtype_range(dt) : unknown;
}

static IntRange call_range(Ranges *s, Instr *in) {
    const CallInfo *ci = s->ti->calls[in->id];
    if (ci && ci->kind == CALL_NATIVE) return scalar_range(s, in);
    if (!ci || ci->kind != CALL_BUILTIN || in->nkw) return unknown;
    if (ci->builtin == METHOD_DTYPE_CONVERT) {   /* np.int8(x) wraps; an int x that fits stays itself */
        IntRange d = dtype_range(ci->dtype), x = in->nargs == 2 ? s->val[in->args[1]] : unknown;
        if (is_empty(x)) return empty;
        return x.lo >= d.lo && x.hi <= d.hi ? x : d;   /* (a float's range is unknown: d) */
    }
    if (ci->builtin == BI_LEN) return of(0, LLONG_MAX);
    if (ci->builtin == BI_ABS && in->nargs == 2) {
        IntRange a = s->val[in->args[1]];
        if (a.lo == LLONG_MIN) return unknown;
        if (a.lo >= 0) return a;
        if (a.hi <= 0) return of(-a.hi, -a.lo);
        return of(0, -a.lo > a.hi ? -a.lo : a.hi);
    }
    if ((ci->builtin == BI_MIN || ci->builtin == BI_MAX) && in->nargs >= 3) {
        bool is_max = ci->builtin == BI_MAX;
        IntRange r = s->val[in->args[1]];
        for (int k = 2; k < in->nargs; k++) {
            IntRange x = s->val[in->args[k]];
            if (is_empty(x) || is_empty(r)) return empty;
            if (is_max) r = of(x.lo > r.lo ? x.lo : r.lo, x.hi > r.hi ? x.hi : r.hi);
            else r = of(x.lo < r.lo ? x.lo : r.lo, x.hi < r.hi ? x.hi : r.hi);
        }
        return r;
    }
    return unknown;
}

/* The range of value `in` from the table as it stands. */
static IntRange rule(Ranges *s, Instr *in) {
    TypeInfo *ti = s->ti;
    const Type **vt = ti->vtypes;
    if (vt[in->id] == ty_bool) return of(0, 1);
    switch (in->op) {
    case IR_CONST: return in->c.kind == K_INT ? of(in->c.i, in->c.i) : unknown;
    case IR_LOADVAR: return s->var[in->imm];
    case IR_COPY: case IR_UNWRAP: return s->val[in->args[0]];
    case IR_GETITEM: return elem_range(vt[in->args[0]]);
    case IR_ITERVALUE: {
        const Type *it = vt[in->args[0]];
        return it && it->kind == TY_ITER && it->iter_of && it->iter_of->kind == TY_ARRAY && it->iter_of->ndim == 1
                   ? elem_range(it->iter_of) : unknown;
    }
    case IR_UNOP: {
        IntRange a = s->val[in->args[0]];
        if (is_empty(a)) return empty;
        if (in->imm == IRU_POS) return a;
        int dt = ti_numpy_scalar_dtype(s->ti, in->args[0]);
        if (dt >= 0 && dt != DT_BOOL && vt[in->id] == ty_int64)   /* -x, ~x of an np.uint8 wrap at its width (lower.c) */
            return dtype_range(dt);
        if (in->imm == IRU_NEG) return fit(-(__int128)a.hi, -(__int128)a.lo);
        if (in->imm == IRU_INVERT) return of(~a.hi, ~a.lo);
        return unknown;
    }
    case IR_BINOP: {
        IntRange a = s->val[in->args[0]], b = s->val[in->args[1]];
        if (vt[in->id] == ty_uint64) {   /* uint64 operands >= 0 compute as int64 where no result wraps */
            if (is_empty(a) || is_empty(b)) return empty;
            if (a.lo < 0 || b.lo < 0 || (vt[in->args[0]] != ty_uint64 && vt[in->args[0]] != ty_int64) ||
                (vt[in->args[1]] != ty_uint64 && vt[in->args[1]] != ty_int64))
                return unknown;
            IntRange r = binop_range(in->imm, a, b);
            return r.lo < 0 ? unknown : r;
        }
        if (is_empty(a) || is_empty(b)) return empty;
        if ((vt[in->args[0]] == ty_uint64 && a.lo < 0) || (vt[in->args[1]] == ty_uint64 && b.lo < 0))
            return unknown;   /* a uint64 computes as the int64 of its bits: exact within [0, INT64_MAX] */
        IntRange r = binop_range(in->imm, a, b);
        return in->imm == IRB_ADD ? meet(r, blend_range(s, in)) : r;
    }
    case IR_CALL: return call_range(s, in);
    case IR_ARG: case IR_UNPACK: return scalar_range(s, in);
    default: return unknown;
    }
}

static bool same(IntRange a, IntRange b) { return a.lo == b.lo && a.hi == b.hi; }

/* The smallest range holding a and b. */
static IntRange join(IntRange a, IntRange b) {
    if (is_empty(a)) return b;
    if (is_empty(b)) return a;
    return of(a.lo < b.lo ? a.lo : b.lo, a.hi > b.hi ? a.hi : b.hi);
}

/* Whether typing's t gets a range. */
static bool ranged(const Type *t) { return t == ty_int64 || t == ty_uint64 || t == ty_bool; }

/* Grows *slot to hold r (widening after WIDEN_AFTER growths); whether it changed. */
static bool grow(IntRange *slot, unsigned char *grown, IntRange r) {
    IntRange old = *slot, j = join(old, r);
    if (is_empty(r)) return false;
    if (same(j, old)) return false;
    *slot = ++*grown >= WIDEN_AFTER ? unknown : j;
    return true;
}

/* Two descending passes after the fixed point: widening sets a loop-carried variable to
 * unknown (a = (a + x[j]) % m grows by x's range each round), though a rule may bound it again
 * (the % by m: [0, m - 1]). Each pass recomputes every value from the table and every variable as
 * the join of what is stored to it; from a table that holds every value the code can give, one
 * round of the rules still does (the least fixed point lies below both), so the narrowed table is
 * as sound, and a = np.uint32(1); a = (a + x[j]) % 65521 ends in [0, 65520]. */
static void narrow_ranges(Ranges *s, const bool *opaque) {
    Function *fn = s->ti->fn;
    IntRange *var = ctx_alloc(fn->ctx, sizeof(IntRange) * (size_t)(fn->nvars + 1));
    if (!var) return;
    for (int pass = 0; pass < 2; pass++) {
        for (int k = 0; k < fn->nblocks; k++)
            for (int i = 0; i < fn->blocks[k]->ninstrs; i++) {
                Instr *in = fn->blocks[k]->instrs[i];
                if (in->op != IR_STOREVAR && ranged(s->ti->vtypes[in->id])) s->val[in->id] = rule(s, in);
            }
        for (int x = 0; x <= fn->nvars; x++) var[x] = opaque[x] ? unknown : empty;
        for (int k = 0; k < fn->nblocks; k++)
            for (int i = 0; i < fn->blocks[k]->ninstrs; i++) {
                Instr *in = fn->blocks[k]->instrs[i];
                if (in->op == IR_STOREVAR && !opaque[in->imm]) var[in->imm] = join(var[in->imm], s->val[in->args[0]]);
            }
        memcpy(s->var, var, sizeof(IntRange) * (size_t)(fn->nvars + 1));
    }
}

int ti_find_ranges(TypeInfo *ti) {
    Function *fn = ti->fn;
    Ranges s = {ti, ctx_alloc(fn->ctx, sizeof(IntRange) * (size_t)(fn->ninstrs + 1)),
                ctx_alloc(fn->ctx, sizeof(IntRange) * (size_t)(fn->nvars + 1)),
                ctx_alloc(fn->ctx, (size_t)(fn->ninstrs + 1)), ctx_alloc(fn->ctx, (size_t)(fn->nvars + 1))};
    if (!s.val || !s.var || !s.val_grown || !s.var_grown) return -1;
    ti->range = s.val;
    for (int v = 0; v <= fn->ninstrs; v++) s.val[v] = empty;
    bool *opaque = ti_opaque_vars(ti);
    if (!opaque) return -1;
    for (int x = 0; x <= fn->nvars; x++) s.var[x] = opaque[x] ? unknown : empty;
    for (bool changed = true; changed;) {
        changed = false;
        for (int k = 0; k < fn->nblocks; k++)
            for (int i = 0; i < fn->blocks[k]->ninstrs; i++) {
                Instr *in = fn->blocks[k]->instrs[i];
                if (in->op == IR_STOREVAR) {
                    changed |= grow(&s.var[in->imm], &s.var_grown[in->imm], s.val[in->args[0]]);
                } else if (ranged(ti->vtypes[in->id])) {
                    changed |= grow(&s.val[in->id], &s.val_grown[in->id], rule(&s, in));
                } else {
                    s.val[in->id] = unknown;
                }
            }
    }
    narrow_ranges(&s, opaque);
    return 0;
}
