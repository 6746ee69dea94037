/* f32.c: which float scalars are float32 in Numba's (and NumPy's) typing.
 *
 * Requires: a typed function (infer.c's fixed point). Produces: ti->f32, per value id, true
 * where the value is a float32 scalar: an element read from a float32 array, np.float32(x), and
 * what computes from those alone. Types keep one canonical float (types.h: a float32 scalar is
 * a float64 holding a float32 value), so every other rule and lowering stays as it is; lowering
 * reads this table to compute the marked values at float32 width (codegen/lower_f32.c,
 * cg_f32_scalar), as Numba does:
 *
 *   float32 op float32 -> float32        a32[i] * b32[i], -x, x ** 2 (an int exponent), abs(x)
 *   float32 op bool    -> float32        min(x, y), math.sqrt(x), np.exp(x) of float32 x, y
 *   float32 op float64 -> float64        a32[i] * 0.5 (a Python float is a float64 to Numba)
 *   float32 op int64   -> float64        a32[i] + 1 (ints are int64 here: int8/int16 elements
 *                                        too, which Numba would keep float32 with)
 *
 * A variable is float32 when every value stored to it is (Numba unifies float32 with float64
 * to float64). Loops make this circular (s = a[0]; for ...: s = s + a[i]), so the table starts
 * at "every float64 value and variable may be float32" and drops what some rule refuses until
 * nothing changes: the greatest fixed point, the widest float32 typing Numba's unification gives.
 */
#include "ti.h"
#include <string.h>

typedef struct F32 {
    TypeInfo *ti;
    bool *val;   /* per value id */
    bool *var;   /* per variable */
} F32;

static bool is_f32(F32 *s, int v) { return s->val[v]; }

/* An operand that keeps a float32 result float32: a float32 value, or a bool. */
static bool keeps(F32 *s, int v) { return s->val[v] || s->ti->vtypes[v] == ty_bool; }

static bool f32_array(const Type *t) { return t && t->kind == TY_ARRAY && t->dtype == DT_FLOAT32; }

/* Maths of float32 values that Numba types float32: math's float functions, abs, min and max,
 * and NumPy's elementwise functions called on scalars. */
static bool f32_maths(TypeInfo *ti, const CallInfo *ci) {
    if (ci->kind != CALL_BUILTIN || ci->builtin >= BI_COUNT) return false;
    int bid = ci->builtin;
    if (bid == BI_ABS || bid == BI_MIN || bid == BI_MAX || ti_is_ufunc(bid)) return true;
    BuiltinShape sh = ti_builtins[bid].shape;
    (void)ti;
    return (sh == SH_F_F || sh == SH_FF_F) && !strcmp(ti_builtins[bid].module, "math");
}

static bool call_f32(F32 *s, Instr *in) {
    TypeInfo *ti = s->ti;
    const CallInfo *ci = ti->calls[in->id];
    if (!ci) return false;
    if (ci->kind == CALL_BUILTIN && ci->builtin == METHOD_DTYPE_CONVERT) return ci->dtype == DT_FLOAT32;
    if (!f32_maths(ti, ci) || in->nkw || in->nargs < 2) return false;
    bool any = false;
    for (int k = 1; k < in->nargs; k++) {
        if (!keeps(s, in->args[k])) return false;
        any |= is_f32(s, in->args[k]);
    }
    return any;
}

/* Whether the rules make value `in` float32, given the table as it stands. */
static bool rule(F32 *s, Instr *in) {
    TypeInfo *ti = s->ti;
    const Type **vt = ti->vtypes;
    switch (in->op) {
    case IR_GETITEM: return f32_array(vt[in->args[0]]);
    case IR_ITERVALUE: {
        const Type *it = vt[in->args[0]];
        return it && it->kind == TY_ITER && f32_array(it->iter_of) && it->iter_of->ndim == 1;
    }
    case IR_LOADVAR: return s->var[in->imm];
    case IR_COPY: case IR_UNWRAP: return is_f32(s, in->args[0]);
    case IR_UNOP: return in->imm != IRU_NOT && is_f32(s, in->args[0]);
    case IR_BINOP: {
        int a = in->args[0], b = in->args[1];
        switch (in->imm) {
        case IRB_ADD: case IRB_SUB: case IRB_MUL: case IRB_TRUEDIV: case IRB_FLOORDIV: case IRB_MOD:
            return keeps(s, a) && keeps(s, b) && (is_f32(s, a) || is_f32(s, b));
        case IRB_POW:   /* x ** 2 keeps x's type, as in Numba */
            return is_f32(s, a) && (is_f32(s, b) || ty_is_int(vt[b]) || vt[b] == ty_bool);
        default: return false;
        }
    }
    case IR_UNPACK: {   /* x, y = a[i], b[i] */
        Instr *src = ti->fn->instrs[in->args[0]];
        return src->op == IR_TUPLE && in->imm < src->nargs && is_f32(s, src->args[in->imm]);
    }
    case IR_CALL: return call_f32(s, in);
    default: return false;
    }
}

int ti_find_f32(TypeInfo *ti) {
    Function *fn = ti->fn;
    F32 s = {ti, ctx_alloc(fn->ctx, sizeof(bool) * (size_t)(fn->ninstrs + 1)),
             ctx_alloc(fn->ctx, sizeof(bool) * (size_t)(fn->nvars + 1))};
    if (!s.val || !s.var) return -1;
    bool any = false;
    for (int b = 0; b < fn->nblocks; b++)
        for (int i = 0; i < fn->blocks[b]->ninstrs; i++) {
            Instr *in = fn->blocks[b]->instrs[i];
            any |= s.val[in->id] = ti->vtypes[in->id] == ty_float64;
        }
    for (int x = 0; x < fn->nvars; x++)
        s.var[x] = ti->vartypes[x] == ty_float64 && !(fn->declared && fn->declared[x]);
    /* Not a variable an inner function shares (it may store to it), nor a prange reduction's
     * (its threads' partial results combine in float64). */
    for (int v = 0; v < fn->ninstrs; v++)
        if (fn->instrs[v] && fn->instrs[v]->op == IR_CELLREF) s.var[fn->instrs[v]->imm] = false;
    for (int p = 0; p < ti->nparloops; p++)
        for (int x = 0; x < fn->nvars; x++)
            if (ti->parloops[p]->var_kind[x] == PAR_REDUCE) s.var[x] = false;
    ti->f32 = s.val;
    if (!any) return 0;
    for (bool changed = true; changed;) {
        changed = false;
        for (int b = 0; b < fn->nblocks; b++)
            for (int i = 0; i < fn->blocks[b]->ninstrs; i++) {
                Instr *in = fn->blocks[b]->instrs[i];
                if (in->op == IR_STOREVAR) {
                    if (s.var[in->imm] && !is_f32(&s, in->args[0])) s.var[in->imm] = false, changed = true;
                } else if (s.val[in->id] && !rule(&s, in)) {
                    s.val[in->id] = false;
                    changed = true;
                }
            }
    }
    return 0;
}
