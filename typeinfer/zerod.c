/* zerod.c: operators and ufuncs on 0-d arrays give scalars, as NumPy's do.
 *
 * NumPy computes `np.array(2.0) + 1`, `-z`, `z < 3` and `np.sin(z)` on 0-d arrays z and returns
 * a scalar (np.float64(3.0)), not a 0-d array; only out= or an in-place operator keeps the
 * array. Requires: a Function typed to the fixed point. Produces: each such operator or ufunc
 * call whose typed result is a 0-d array (so every array operand is 0-d) reads its 0-d
 * operands' elements first (`z` becomes `z[()]`), so that typing it anew gives the scalar
 * operation; returns 1 when it rewrote something (the caller types the function again).
 *
 *     np.sqrt(z) + 1   with z 0-d   ->   np.sqrt(z[()]) + 1
 *
 * A 0-d integer array indexing an array is read the same way, as NumPy takes it for an integer
 * (arrays.c's index_info counts it as one): a[i] with i = np.array(2) is a[2].
 */
#include "ti.h"

static bool is_zerod(const Type *t) { return t && t->kind == TY_ARRAY && t->ndim == 0; }

/* Operand `k` of `in` (a value id) read as its element: GETITEM(op, ()) before `in`. */
static int read_element(TypeInfo *ti, Block *b, int *at, Instr *in, int k) {
    Instr *unit = ir_insert(ti->fn, b, (*at)++, IR_TUPLE, 0, in->loc);
    Instr *g = unit ? ir_insert(ti->fn, b, (*at)++, IR_GETITEM, 2, in->loc) : NULL;
    if (!g) return -1;
    g->args[0] = in->args[k];
    g->args[1] = unit->id;
    in->args[k] = g->id;
    return 0;
}

static bool is_zerod_int(const Type *t) {
    return is_zerod(t) && (ty_dtypes[t->dtype].kind == 'i' || ty_dtypes[t->dtype].kind == 'u');
}

/* A 0-d integer array indexing an array, alone or in an index tuple written there (a[i], a[i, j]
 * with i = np.array(2)), read as its int, as NumPy takes it: 1 when it rewrote one. */
static int index_ints(TypeInfo *ti, Block *b, int *at, Instr *in) {
    if ((in->op != IR_GETITEM && in->op != IR_SETITEM) || in->nargs < 2) return 0;
    const Type *a = ti->vtypes[in->args[0]];
    if (!a || a->kind != TY_ARRAY) return 0;
    if (is_zerod_int(ti->vtypes[in->args[1]])) return read_element(ti, b, at, in, 1) ? -1 : 1;
    Instr *tup = ti->fn->instrs[in->args[1]];
    if (tup->op != IR_TUPLE) return 0;
    int done = 0;
    for (int k = 0; k < tup->nargs; k++) {
        if (!is_zerod_int(ti->vtypes[tup->args[k]])) continue;
        Block *tb = tup->block;
        int pos = ir_position(tup);
        if (pos == tb->ninstrs || read_element(ti, tb, &pos, tup, k)) return -1;
        done = 1;
    }
    return done;
}

int ti_scalarize_zerod(TypeInfo *ti) {
    Function *fn = ti->fn;
    int done = 0;
    for (int bi = 0; bi < fn->nblocks; bi++) {
        Block *b = fn->blocks[bi];
        for (int i = 0; i < b->ninstrs; i++) {
            Instr *in = b->instrs[i];
            int at = i, rc = index_ints(ti, b, &at, in);
            if (rc) return rc;   /* (its new values untyped: typed anew before anything reads them) */
            if (!is_zerod(ti->vtypes[in->id])) continue;
            int ops[8], n = 0;
            if (in->op == IR_UNOP || in->op == IR_CMP || (in->op == IR_BINOP && !in->imm2 && in->imm != IRB_MATMUL)) {
                for (int k = 0; k < in->nargs && n < 8; k++) ops[n++] = k;
            } else if (in->op == IR_CALL) {
                const CallInfo *ci = ti->calls[in->id];
                if (ci && ci->kind == CALL_BUILTIN && ci->builtin == BI_NP_INTERP && ci->argmap[0] >= 0) {
                    ops[n++] = ci->argmap[0];   /* np.interp(z, xp, fp): NumPy's is a scalar too */
                } else {
                    if (!ci || ci->kind != CALL_BUILTIN || ci->builtin >= BI_COUNT || !ti_is_ufunc(ci->builtin) ||
                        ci->ufmethod || ti_ufunc_param(ci, 0) >= 0)
                        continue;   /* out= keeps the array */
                    for (int k = 0; k < ti_ufunc_nin(ci->builtin); k++)
                        if (ci->argmap[k] >= 0) ops[n++] = ci->argmap[k];
                }
            }
            at = i;
            for (int k = 0; k < n; k++)
                if (is_zerod(ti->vtypes[in->args[ops[k]]]) && read_element(ti, b, &at, in, ops[k])) return -1;
            if (at != i) done = 1;
            i = at;   /* in is now at position at */
        }
    }
    return done;
}
