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

int ti_scalarize_zerod(TypeInfo *ti) {
    Function *fn = ti->fn;
    int done = 0;
    for (int bi = 0; bi < fn->nblocks; bi++) {
        Block *b = fn->blocks[bi];
        for (int i = 0; i < b->ninstrs; i++) {
            Instr *in = b->instrs[i];
            if (!is_zerod(ti->vtypes[in->id])) continue;
            int ops[8], n = 0;
            if (in->op == IR_UNOP || in->op == IR_CMP || (in->op == IR_BINOP && !in->imm2 && in->imm != IRB_MATMUL)) {
                for (int k = 0; k < in->nargs && n < 8; k++) ops[n++] = k;
            } else if (in->op == IR_CALL) {
                const CallInfo *ci = ti->calls[in->id];
                if (!ci || ci->kind != CALL_BUILTIN || ci->builtin >= BI_COUNT || !ti_is_ufunc(ci->builtin) ||
                    ci->ufmethod || ti_ufunc_param(ci, 0) >= 0)
                    continue;   /* out= keeps the array */
                for (int k = 0; k < ti_ufunc_nin(ci->builtin); k++)
                    if (ci->argmap[k] >= 0) ops[n++] = ci->argmap[k];
            }
            int at = i;
            for (int k = 0; k < n; k++)
                if (is_zerod(ti->vtypes[in->args[ops[k]]]) && read_element(ti, b, &at, in, ops[k])) return -1;
            if (at != i) done = 1;
            i = at;   /* in is now at position at */
        }
    }
    return done;
}
