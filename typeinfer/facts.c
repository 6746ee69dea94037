/* facts.c: facts about scalar values that lowering uses to pick cheaper code, found once typing
 * is done. Requires: a typed function (infer.c's fixed point). Produces, per value id:
 *
 *   ti->f32     the float values Numba types float32 (below)
 *   ti->nonneg  the int values known to be >= 0 (below)
 *
 * Both are facts that hold of a value when they hold of its operands, and of a variable when
 * they hold of every value stored to it. Loops make that circular (s = a[0]; for ...: s = s +
 * a[i]), so each table starts at "true for every candidate value and variable" and drops what a
 * rule refuses until nothing changes (fixpoint): the greatest fixed point, the most facts the
 * rules allow. Variables that an inner function shares (it may store to them) hold no facts, nor
 * do prange reductions (their threads' partial results combine after the loop) but for float32,
 * whose partials combine in float32 (codegen/lower_parallel.c), as Numba's.
 *
 * float32. Types keep one canonical float (types.h: a float32 scalar is a float64 holding a
 * float32 value), so every other rule and lowering stays as it is; lowering reads ti->f32 to
 * compute the marked values at float32 width (codegen/lower_f32.c, cg_f32_scalar), as Numba:
 *
 *   float32 op float32 -> float32        a32[i] * b32[i], -x, x ** 2 (an int exponent), abs(x)
 *   float32 op bool    -> float32        min(x, y), math.sqrt(x), np.exp(x) of float32 x, y
 *   float32 op float64 -> float64        a32[i] * 0.5 (a Python float is a float64 to Numba)
 *   float32 op int64   -> float64        a32[i] + 1
 *   float32 op int16   -> float32        x32 * img[i, j] of a uint8 image (int8, uint8 and int16
 *                                        elements and parameters, ti->int16; uint16: float64)
 *   reduce(float32 array) -> float32     a32.sum(), np.max(a32), np.dot(x32, y32)
 *   abs(complex64) -> float32            abs(z64[i]): hypotf of its parts
 *
 * and a variable declared float32 (locals={'d': float32}) holds one whatever is stored: each
 * store rounds to it.
 *
 * Non-negative ints: constants, bools, range(...) values from a non-negative start by a
 * non-negative step, len(), sizes and shapes, and a + b, a * b, a // b, min, max of such values,
 * a % b and a >> k of a non-negative b or a, a & b of one. (+ and * carry nsw: overflow is
 * outside the contract, DESIGN.md 8.) Python's // and % by a non-negative divisor need no -1
 * guard, and of two non-negative operands no sign fix-up (codegen/lower_ops.c).
 */
#include "ti.h"
#include "rt.h"
#include <string.h>

typedef struct Facts {
    TypeInfo *ti;
    bool *val;   /* per value id */
    bool *var;   /* per variable */
    int dt;      /* the dtype a narrow-int table is of */
} Facts;
static bool is_f32(Facts *s, int v) { return s->val[v]; }

/* An operand that keeps a float32 result float32: a float32 value, a bool, or an int Numba
 * types int8, uint8 or int16 (a pixel of a uint8 image: float32 holds each exactly, and Numba's
 * promotion of float32 with those is float32, as NumPy's; a uint16 gives a float64 in Numba). */
static bool keeps(Facts *s, int v) {
    return s->val[v] || s->ti->vtypes[v] == ty_bool || (s->ti->int16 && s->ti->int16[v]);
}

/* Whether `in` reads a scalar Numba types as dtype dt: an element of a dt array (a[i], `for x
 * in a` of a 1-d one), a record's field of dt (r["x"], r.x), a parameter given one (a TY_NARROW
 * argument, f(np.float32(0.5))), an item of a typed List or value of a typed Dict of dt, or a global
 * np.float32 or np.complex64. */
static bool reads_dtype(TypeInfo *ti, const Instr *in, int dt) {
    if ((in->op == IR_GETITEM || in->op == IR_GETATTR) && ti->vtypes[in->args[0]] &&
        ti->vtypes[in->args[0]]->kind == TY_RECORD)
        return ti_field_dtype(ti, in) == dt;
    const Type *a = in->op == IR_GETITEM ? ti->vtypes[in->args[0]] : NULL;
    const Type *it = in->op == IR_ITERVALUE ? ti->vtypes[in->args[0]] : NULL;
    if (it && it->kind == TY_ITER && (it->iter_of->kind == TY_LIST || it->iter_of->kind == TY_DICT ||
                                      (it->iter_of->kind == TY_ARRAY && it->iter_of->ndim == 1)))
        a = it->iter_of;
    if (it && it->kind == TY_ITER && it->iter_of->kind == TY_METHOD && !strcmp(it->iter_of->attr, "flat"))
        a = it->iter_of->recv;   /* for x in a.flat */
    if (a && (a->kind == TY_LIST || a->kind == TY_DICT)) {   /* an item of ListType[float32], d[k] or d.values() of DictType[.., float32] */
        const char *view = a->kind == TY_DICT ? (in->op == IR_GETITEM ? "values" : a->attr ? a->attr : "keys") : "";
        const Type *n = a->kind == TY_LIST ? a->narrow[0] : !strcmp(view, "keys") ? a->narrow[0] :
                        !strcmp(view, "values") ? a->narrow[1] : NULL;
        return n && n->dtype == dt;
    }
    if (a) return a->kind == TY_ARRAY && a->dtype == dt;
    if (in->op == IR_GLOBAL && in->obj && ti->frozen[in->id]) {   /* EPS = np.float32(1e-6) */
        const Type *g = rt_typeof_argument(in->obj);
        return g && g->kind == TY_NARROW && g->dtype == dt;
    }
    return in->op == IR_ARG && ti->argdt && in->imm < ti->nargs && ti->argdt[in->imm] == dt;
}

/* Maths of float32 values that Numba types float32: math's float functions, abs, min and max,
 * and NumPy's elementwise functions called on scalars. */
static bool f32_maths(TypeInfo *ti, const CallInfo *ci) {
    if (ci->kind != CALL_BUILTIN || ci->builtin >= BI_COUNT) return false;
    int bid = ci->builtin;
    if (bid == BI_ABS || bid == BI_MIN || bid == BI_MAX || bid == BI_M_LOG || ti_is_ufunc(bid)) return true;   /* (log(x, b): two float32s) */
    BuiltinShape sh = ti_builtins[bid].shape;
    (void)ti;
    return (sh == SH_F_F || sh == SH_FF_F) && !strcmp(ti_builtins[bid].module, "math");
}

/* A whole reduction of a float32 array to one number (a32.sum(), np.max(a32), np.dot(x32, y32)):
 * NumPy's and Numba's result is a float32, whose further maths is float32's. */
static bool reduces_f32(TypeInfo *ti, const CallInfo *ci, const Instr *in) {
    return ti->vtypes[in->id] == ty_float64 && ti_whole_reduction_dtype(ci) == DT_FLOAT32;
}

static bool f32_list(Facts *s, int lst);
static bool f32_dict(Facts *s, int d);

/* While ti->guess_calls: a compiled callee given a float32 value is taken to return float32 ones
 * (its specialisation for them is compiled next, and what it really returns decides then). */
static bool guessed_f32(Facts *s, const Instr *in) {
    for (int k = 1; s->ti->guess_calls && k < in->nargs; k++)
        if (s->val[in->args[k]]) return true;
    return false;
}

static bool call_f32(Facts *s, Instr *in) {
    TypeInfo *ti = s->ti;
    const CallInfo *ci = ti->calls[in->id];
    if (!ci) return false;
    Instr *m = ti->fn->instrs[in->args[0]];
    if (m->op == IR_GETATTR && !strcmp(m->str, "pop") && f32_list(s, m->args[0])) return true;   /* l.pop() */
    if (m->op == IR_GETATTR && (!strcmp(m->str, "get") || !strcmp(m->str, "pop") || !strcmp(m->str, "setdefault")) &&
        (in->nargs == 2 || (in->nargs == 3 && s->val[in->args[2]])) && !in->nkw)
        return f32_dict(s, m->args[0]);   /* d.get(k), d.pop(k, x32) */
    if (ci->kind == CALL_BUILTIN && ci->builtin == METHOD_DTYPE_CONVERT) return ci->dtype == DT_FLOAT32;
    if (ci->kind == CALL_NATIVE) return (ci->ret_facts.f32 || guessed_f32(s, in)) && ti->vtypes[in->id] == ty_float64;   /* g(x32): a float32 */
    if (reduces_f32(ti, ci, in)) return true;
    if (ci->kind == CALL_BUILTIN && ci->builtin == BI_ABS && in->nargs == 2 && !in->nkw &&
        (ti_numpy_scalar_dtype(ti, in->args[1]) == DT_COMPLEX64 || (ti->c64 && ti->c64[in->args[1]])))
        return true;   /* abs(z64[i]): hypotf of its parts, a float32, as Numba */
    if (!f32_maths(ti, ci) || in->nkw || in->nargs < 2) return false;
    bool any = false;
    for (int k = 1; k < in->nargs; k++) {
        if (!keeps(s, in->args[k])) return false;
        any |= is_f32(s, in->args[k]);
    }
    return any;
}

/* The dict value whose view (d.values(), d.items()) value v is, or -1. */
static int dict_of_view(TypeInfo *ti, int v, const char *view) {
    Instr *c = ti->fn->instrs[v];
    while (c->op == IR_COPY) c = ti->fn->instrs[c->args[0]];
    Instr *m = c->op == IR_CALL && c->nargs == 1 && !c->nkw ? ti->fn->instrs[c->args[0]] : NULL;
    if (!m || m->op != IR_GETATTR || strcmp(m->str, view)) return -1;
    const Type *t = ti->vtypes[m->args[0]];
    return t && t->kind == TY_DICT ? m->args[0] : -1;
}

/* Whether item k of tuple value `tup` is marked in the table: the tuple written where it is read,
 * a compiled callee's result whose item k it returns float32 (RetFacts.f32_items), or a variable every
 * store to which is one of those with item k marked (t = (a[0], a[1]) then t[0] + t[1], x, y = t,
 * q = pair(x, y) then q[0]). */
static bool tuple_item_marked(Facts *s, int tup, int64_t k, bool f32) {
    Function *fn = s->ti->fn;
    Instr *src = fn->instrs[tup];
    while (src->op == IR_COPY) src = fn->instrs[src->args[0]];
    if (src->op == IR_TUPLE) return k >= 0 && k < src->nargs && s->val[src->args[k]];
    if (src->op == IR_ITERVALUE) {   /* for k, v in d.items(): v */
        Instr *it = fn->instrs[ti_value_source(fn, src->args[0])];
        return f32 && k == 1 && it->op == IR_GETITER && f32_dict(s, dict_of_view(s->ti, it->args[0], "items"));
    }
    if (src->op == IR_CALL) {   /* p, s = pair(x32, y32): the items its callee returns float32 */
        const CallInfo *ci = s->ti->calls[src->id];
        const Type *t = s->ti->vtypes[src->id];
        if (!f32 || !ci || ci->kind != CALL_NATIVE || k < 0 || k >= 64) return false;
        return ((ci->ret_facts.f32_items >> k) & 1) || (t && t->kind == TY_TUPLE && k < t->n && t->elems[k] == ty_float64 &&
                                                  guessed_f32(s, src));
    }
    Instr *st[16];
    int n = src->op == IR_LOADVAR ? ti_var_stores(fn, src->imm, st, 16) : -1;
    if (n <= 0 || n > 16) return false;
    for (int i = 0; i < n; i++) {
        Instr *v = fn->instrs[st[i]->args[0]];
        if (v->op == IR_LOADVAR || !tuple_item_marked(s, v->id, k, f32)) return false;   /* (no chains of variables) */
    }
    return true;
}

static bool is_method_of(Instr *x, const char *const *names) {
    for (; x->op == IR_GETATTR && *names; names++)
        if (!strcmp(x->str, *names)) return true;
    return false;
}

/* Whether variable `var` has 1 to 16 stores, each of a value (through copies, not through another
 * variable: its uses are not checked) that `made` accepts. */
static bool stores_are(Facts *s, int var, bool (*made)(Facts *s, const Instr *d)) {
    Function *fn = s->ti->fn;
    Instr *st[16];
    int n = ti_var_stores(fn, var, st, 16);
    if (n <= 0 || n > 16) return false;
    for (int i = 0; i < n; i++) {
        Instr *d = fn->instrs[st[i]->args[0]];
        while (d->op == IR_COPY) d = fn->instrs[d->args[0]];
        if (!made(s, d)) return false;
    }
    return true;
}

/* A bare typed.List() or list(), or a display of float32 values. */
static bool f32_list_made(Facts *s, const Instr *d) {
    const CallInfo *ci = d->op == IR_CALL ? s->ti->calls[d->id] : NULL;
    if (ci && ci->kind == CALL_BUILTIN && ci->builtin == LB_LIST && d->nargs == 1 && !d->nkw) return true;
    if (d->op != IR_TUPLE || d->imm != 1) return false;
    for (int k = 0; k < d->nargs; k++)
        if (!s->val[d->args[k]]) return false;
    return true;
}

/* A bare typed.Dict(), dict() or {}. */
static bool empty_dict_made(Facts *s, const Instr *d) {
    const CallInfo *ci = d->op == IR_CALL ? s->ti->calls[d->id] : NULL;
    return (d->op == IR_DICT && d->nargs == 0) || (ci && ci->kind == CALL_BUILTIN && ci->builtin == LB_DICT && d->nargs == 1 && !d->nkw);
}

/* Whether every call of bound method `m` (l.append, d.setdefault) passes a float32 as its last
 * argument, with `nargs` arguments (the method counted; 0: any from 2). */
static bool calls_pass_f32(Facts *s, const Instr *m, int nargs) {
    Function *fn = s->ti->fn;
    for (int c = 0; c < fn->ninstrs; c++) {
        Instr *call = fn->instrs[c];
        if (call && call->op == IR_CALL && call->args[0] == m->id &&
            ((nargs ? call->nargs != nargs : call->nargs < 2) || call->nkw || !s->val[call->args[call->nargs - 1]]))
            return false;
    }
    return true;
}

/* Whether list variable `var` holds float32 items only, as Numba types a list by what goes into
 * it (l = [] then l.append(a32[i]): a list(float32)): every list stored to it a display of float32
 * values or a bare typed.List() or list(), everything appended, inserted or stored (l[i] = x) a
 * float32, and no other use that may add items or alias it (l.extend, a call given l, l2 = l). */
static bool f32_list_var(Facts *s, int var) {
    TypeInfo *ti = s->ti;
    Function *fn = ti->fn;
    if (!stores_are(s, var, f32_list_made)) return false;
    static const char *const adds[] = {"append", "insert", NULL}, *const keeps_items[] = {"pop", "sort", "reverse", NULL};
    for (int u = 0; u < fn->ninstrs; u++) {
        Instr *x = fn->instrs[u];
        for (int k = 0; x && k < x->nargs; k++) {
            Instr *a = fn->instrs[x->args[k]];
            if (a->op != IR_LOADVAR || a->imm != var) continue;
            if ((k == 0 && x->op == IR_GETITEM) || x->op == IR_GETITER || x->op == IR_RETURN || is_method_of(x, keeps_items))
                continue;
            if (k == 0 && x->op == IR_SETITEM && s->val[x->args[2]]) continue;   /* l[i] = x32 */
            const CallInfo *ci = x->op == IR_CALL && k > 0 ? ti->calls[x->id] : NULL;
            if (ci && ci->kind == CALL_BUILTIN && !x->nkw &&
                (ci->builtin == BI_LEN || ci->builtin == BI_NP_ARRAY || ci->builtin == BI_NP_ASARRAY))
                continue;
            if (!is_method_of(x, adds) || !calls_pass_f32(s, x, 0)) return false;
        }
    }
    return true;
}

/* Whether list value `lst` is such a variable's, or a ListType[float32] (a read of it: l[i], `for x
 * in l`, l.pop()). */
static bool f32_list(Facts *s, int lst) {
    const Type *t = s->ti->vtypes[lst];
    if (!t || t->kind != TY_LIST || t->elems[0] != ty_float64) return false;
    if (t->narrow[0]) return t->narrow[0]->dtype == DT_FLOAT32;   /* ListType[float32] */
    Instr *in = s->ti->fn->instrs[lst];
    while (in->op == IR_COPY) in = s->ti->fn->instrs[in->args[0]];
    return in->op == IR_LOADVAR && f32_list_var(s, in->imm);
}

/* Whether dict variable `var` holds float32 values only, as Numba types a dict by what is stored
 * in it (d = Dict() or {} then d[k] = a32[i]: a DictType[.., float32]): every dict stored to it a
 * bare typed.Dict(), dict() or {}, every value stored (d[k] = x, d.setdefault(k, x)) a float32, and
 * no other use that may add values or alias it (d.update, a call given d, d2 = d). */
static bool f32_dict_var(Facts *s, int var) {
    TypeInfo *ti = s->ti;
    Function *fn = ti->fn;
    if (!stores_are(s, var, empty_dict_made)) return false;
    static const char *const reads[] = {"values", "items", "keys", "get", "pop", "setdefault", NULL};
    for (int u = 0; u < fn->ninstrs; u++) {
        Instr *x = fn->instrs[u];
        for (int k = 0; x && k < x->nargs; k++) {
            Instr *a = fn->instrs[x->args[k]];
            if (a->op != IR_LOADVAR || a->imm != var) continue;
            if ((k == 0 && x->op == IR_GETITEM) || x->op == IR_GETITER || x->op == IR_RETURN || (k == 1 && x->op == IR_CONTAINS))
                continue;
            if (k == 0 && x->op == IR_SETITEM && s->val[x->args[2]]) continue;   /* d[k] = x32 */
            const CallInfo *ci = x->op == IR_CALL && k > 0 ? ti->calls[x->id] : NULL;
            if (ci && ci->kind == CALL_BUILTIN && ci->builtin == BI_LEN && !x->nkw) continue;
            if (k != 0 || !is_method_of(x, reads)) return false;
            if (!strcmp(x->str, "setdefault") && !calls_pass_f32(s, x, 3)) return false;   /* d.setdefault(k, x32) */
        }
    }
    return true;
}

/* Whether dict value `d` is such a variable's, or a DictType[.., float32]. */
static bool f32_dict(Facts *s, int d) {
    const Type *t = d >= 0 ? s->ti->vtypes[d] : NULL;
    if (!t || t->kind != TY_DICT || t->attr || t->elems[1] != ty_float64) return false;
    if (t->narrow[1]) return t->narrow[1]->dtype == DT_FLOAT32;
    Instr *in = s->ti->fn->instrs[d];
    while (in->op == IR_COPY) in = s->ti->fn->instrs[in->args[0]];
    return in->op == IR_LOADVAR && f32_dict_var(s, in->imm);
}

/* Whether the rules make value `in` float32, given the table as it stands. */
static bool f32_rule(Facts *s, Instr *in) {
    TypeInfo *ti = s->ti;
    const Type **vt = ti->vtypes;
    int64_t k;
    switch (in->op) {
    case IR_GETITEM:   /* t[k] of a tuple whose item k is a float32 */
        if (vt[in->args[0]] && vt[in->args[0]]->kind == TY_TUPLE)
            return ti_const_int(ti, in->args[1], &k) && tuple_item_marked(s, in->args[0], k < 0 ? k + vt[in->args[0]]->n : k, true);
        return reads_dtype(ti, in, DT_FLOAT32) || f32_list(s, in->args[0]) || f32_dict(s, in->args[0]);
    case IR_ITERVALUE: {   /* for x in l, for v in d.values() */
        Instr *it = ti->fn->instrs[ti_value_source(ti->fn, in->args[0])];
        return reads_dtype(ti, in, DT_FLOAT32) ||
               (it->op == IR_GETITER && (f32_list(s, it->args[0]) || f32_dict(s, dict_of_view(ti, it->args[0], "values"))));
    }
    case IR_ARG: case IR_GLOBAL: return reads_dtype(ti, in, DT_FLOAT32);
    case IR_LOADVAR: return s->var[in->imm];
    case IR_COPY: return is_f32(s, in->args[0]);
    case IR_UNWRAP: {   /* d.get(k) of a float32 dict: an optional, out of the table */
        const Type *o = vt[in->args[0]];
        return is_f32(s, in->args[0]) || (o && o->kind == TY_OPTIONAL && f32_rule(s, ti->fn->instrs[in->args[0]]));
    }
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
    case IR_UNPACK: return tuple_item_marked(s, in->args[0], in->imm, true);   /* x, y = a[i], b[i] */
    case IR_CALL: return call_f32(s, in);
    case IR_GETATTR:   /* z.real, z.imag of a complex64: a float32, as Numba; r.x of a float32 field */
        return (ti->c64 && ti->c64[in->args[0]] && (!strcmp(in->str, "real") || !strcmp(in->str, "imag"))) ||
               reads_dtype(ti, in, DT_FLOAT32);
    default: return false;
    }
}

/* Whether the rules make int value `in` one of dtype s->dt in Numba: an element of such an array
 * or a parameter given one, or a variable every store to which is one. */
static bool int16_rule(Facts *s, Instr *in) {
    TypeInfo *ti = s->ti;
    switch (in->op) {
    case IR_GETITEM: case IR_GETATTR: case IR_ARG: case IR_ITERVALUE: return reads_dtype(ti, in, s->dt);
    case IR_LOADVAR: return s->var[in->imm];
    case IR_COPY: case IR_UNWRAP: return s->val[in->args[0]];
    case IR_UNPACK: {   /* r, g = img[i, j, 0], img[i, j, 1] */
        Instr *src = ti->fn->instrs[in->args[0]];
        return src->op == IR_TUPLE && in->imm < src->nargs && s->val[src->args[in->imm]];
    }
    default: return false;
    }
}

/* ---- complex64 ------------------------------------------------------------------------------
 * As float32 above, for complex values Numba types complex64: elements of complex64 arrays,
 * np.complex64 arguments and conversions, whole reductions of complex64 arrays, and + - * / of
 * such values with each other, with float32 values or bools (with a float64 or an int, Numba's
 * result is a complex128). Lowering rounds each marked result's parts to float32, and multiplies
 * as float32 (codegen/lower_f32.c, cg_c64_mul_scalar). */
static bool keeps_c64(Facts *s, int v) {
    return s->val[v] || (s->ti->f32 && s->ti->f32[v]) || s->ti->vtypes[v] == ty_bool;
}

static bool c64_rule(Facts *s, Instr *in) {
    TypeInfo *ti = s->ti;
    const Type **vt = ti->vtypes;
    int64_t k;
    switch (in->op) {
    case IR_GETITEM:   /* t[k] of a tuple whose item k is a complex64 */
        if (vt[in->args[0]] && vt[in->args[0]]->kind == TY_TUPLE)
            return ti_const_int(ti, in->args[1], &k) && tuple_item_marked(s, in->args[0], k < 0 ? k + vt[in->args[0]]->n : k, false);
        return reads_dtype(ti, in, DT_COMPLEX64);
    case IR_GETATTR: case IR_ARG: case IR_ITERVALUE: case IR_GLOBAL:
        return reads_dtype(ti, in, DT_COMPLEX64);
    case IR_LOADVAR: return s->var[in->imm];
    case IR_COPY: case IR_UNWRAP: return s->val[in->args[0]];
    case IR_UNOP: return in->imm != IRU_NOT && s->val[in->args[0]];
    case IR_BINOP: {
        int a = in->args[0], b = in->args[1];
        bool arith = in->imm == IRB_ADD || in->imm == IRB_SUB || in->imm == IRB_MUL || in->imm == IRB_TRUEDIV;
        return arith && keeps_c64(s, a) && keeps_c64(s, b) && (s->val[a] || s->val[b]);
    }
    case IR_UNPACK: return tuple_item_marked(s, in->args[0], in->imm, false);
    case IR_CALL: {
        const CallInfo *ci = ti->calls[in->id];
        if (!ci) return false;
        if (ci->kind == CALL_BUILTIN && ci->builtin == METHOD_DTYPE_CONVERT) return ci->dtype == DT_COMPLEX64;
        if (vt[in->id] != ty_complex128) return false;
        if (ti_whole_reduction_dtype(ci) == DT_COMPLEX64) return true;
        if (ci->kind == CALL_BUILTIN && ci->builtin == METHOD_CONJUGATE) {   /* z.conjugate() */
            Instr *m = ti->fn->instrs[in->args[0]];
            return m->op == IR_GETATTR && s->val[m->args[0]];
        }
        bool maths = ci->kind == CALL_BUILTIN && ci->builtin < BI_COUNT &&   /* np.exp(z), cmath.sqrt(z) */
                     (ti_is_ufunc(ci->builtin) || !strcmp(ti_builtins[ci->builtin].module, "cmath"));
        if (!maths || in->nkw || in->nargs < 2) return false;
        bool any = false;
        for (int k = 1; k < in->nargs; k++) {
            if (!keeps_c64(s, in->args[k])) return false;
            any |= s->val[in->args[k]];
        }
        return any;
    }
    default: return false;
    }
}

static bool is_complex(const Type *t) { return t == ty_complex128; }

/* ---- non-negative ints ------------------------------------------------------------------- */

static bool nn(Facts *s, int v) { return s->val[v]; }

/* range(stop), range(start, stop), range(start, stop, step): its values are >= 0 when start
 * and step are (a step of 0 raises). */
static bool range_nonneg(Facts *s, int iterable) {
    TypeInfo *ti = s->ti;
    Instr *r = ti->fn->instrs[iterable];
    const CallInfo *ci = r->op == IR_CALL ? ti->calls[r->id] : NULL;
    if (!ci || ci->kind != CALL_BUILTIN || (ci->builtin != BI_RANGE && ci->builtin != BI_PRANGE) || r->nkw) return false;
    int n = r->nargs - 1;
    return n == 1 || (n == 2 && nn(s, r->args[1])) || (n == 3 && nn(s, r->args[1]) && nn(s, r->args[3]));
}

/* enumerate(x) or enumerate(x, start): its counts are >= 0 when start is. */
static bool enumerate_nonneg(Facts *s, int iterable) {
    TypeInfo *ti = s->ti;
    Instr *r = ti->fn->instrs[iterable];
    const CallInfo *ci = r->op == IR_CALL ? ti->calls[r->id] : NULL;
    if (!ci || ci->kind != CALL_BUILTIN || ci->builtin != BI_ENUMERATE || r->nkw) return false;
    return r->nargs == 2 || (r->nargs == 3 && nn(s, r->args[2]));
}

/* An iterator of values >= 0: over such a range, or an enumerate whose counts are (its
 * iterator's facts are the counts'). */
static bool iter_nonneg(Facts *s, int iterable) { return range_nonneg(s, iterable) || enumerate_nonneg(s, iterable); }

/* `for k, x in enumerate(...)`: k, the first item of the iterator's value, when its counts are >= 0. */
static bool enumerate_count(Facts *s, Instr *in) {
    Instr *x = s->ti->fn->instrs[in->args[0]];
    const Type *it = x->op == IR_ITERVALUE ? s->ti->vtypes[x->args[0]] : NULL;
    return in->imm == 0 && it && it->kind == TY_ITER && ty_is_enumerate(it->iter_of) && nn(s, x->args[0]);
}

static bool array_attr(TypeInfo *ti, int v, const char *const *names) {
    Instr *x = ti->fn->instrs[v];
    if (x->op != IR_GETATTR || !ti->vtypes[x->args[0]] || ti->vtypes[x->args[0]]->kind != TY_ARRAY) return false;
    for (; *names; names++)
        if (!strcmp(x->str, *names)) return true;
    return false;
}

static bool nonneg_call(Facts *s, Instr *in) {
    const CallInfo *ci = s->ti->calls[in->id];
    if (!ci || ci->kind != CALL_BUILTIN || in->nkw) return false;
    if (ci->builtin == BI_LEN) return true;
    if ((ci->builtin != BI_MIN && ci->builtin != BI_MAX) || in->nargs < 3) return false;
    int count = 0;
    for (int k = 1; k < in->nargs; k++) count += nn(s, in->args[k]);
    return ci->builtin == BI_MIN ? count == in->nargs - 1 : count > 0;
}

static bool nonneg_rule(Facts *s, Instr *in) {
    TypeInfo *ti = s->ti;
    static const char *const sizes[] = {"size", "ndim", "itemsize", "nbytes", NULL}, *const shape[] = {"shape", NULL};
    if (ti->vtypes[in->id] == ty_bool) return true;
    switch (in->op) {
    case IR_CONST: return in->c.kind == K_INT && in->c.i >= 0;
    case IR_LOADVAR: return s->var[in->imm];
    case IR_COPY: case IR_UNWRAP: return nn(s, in->args[0]);
    case IR_GETITER: return iter_nonneg(s, in->args[0]);   /* an iterator: its values are */
    case IR_ITERVALUE: return nn(s, in->args[0]);
    case IR_GETATTR: return array_attr(ti, in->id, sizes);
    case IR_GETITEM: case IR_UNPACK:   /* n = a.shape[0]; n, m = a.shape */
        return array_attr(ti, in->args[0], shape) || (in->op == IR_UNPACK && enumerate_count(s, in));
    case IR_BINOP: {
        bool a = nn(s, in->args[0]), b = nn(s, in->args[1]);
        switch (in->imm) {
        case IRB_ADD: case IRB_MUL: case IRB_FLOORDIV: case IRB_OR: case IRB_XOR: return a && b;
        case IRB_MOD: return b;              /* Python's sign: the divisor's */
        case IRB_RSHIFT: return a;
        case IRB_AND: return a || b;
        default: return false;
        }
    }
    case IR_CALL: return nonneg_call(s, in);
    default: return false;
    }
}

/* ---- the fixed point ---------------------------------------------------------------------- */

static bool is_float(const Type *t) { return t == ty_float64; }

/* ints, and iterators over ranges (the facts of their values: a loop's iterator passes through
 * the variables that carry the stack between blocks) */
static bool is_int_or_range_iter(const Type *t) {
    return t == ty_int64 || t == ty_bool ||
           (t && t->kind == TY_ITER && (t->iter_of == ty_range || ty_is_enumerate(t->iter_of)));
}

/* The greatest fixed point of `rule` over the values and variables whose type is a candidate:
 * *out gets the table of values. */
static int fixpoint(TypeInfo *ti, bool (*candidate)(const Type *), bool (*rule)(Facts *, Instr *), bool **out,
                    bool reductions, int dt) {
    Function *fn = ti->fn;
    Facts s = {ti, ctx_alloc(fn->ctx, sizeof(bool) * (size_t)(fn->ninstrs + 1)),
               ctx_alloc(fn->ctx, sizeof(bool) * (size_t)(fn->nvars + 1)), dt};
    if (!s.val || !s.var) return -1;
    *out = s.val;
    bool any = false;
    for (int k = 0; k < fn->nblocks; k++)
        for (int i = 0; i < fn->blocks[k]->ninstrs; i++) {
            Instr *in = fn->blocks[k]->instrs[i];
            any |= s.val[in->id] = candidate(ti->vtypes[in->id]);
        }
    if (!any) return 0;
    bool *opaque = ti_opaque_vars(ti);
    if (!opaque) return -1;
    for (int p = 0; reductions && p < ti->nparloops; p++)   /* (their partials combine as the loop would) */
        for (int x = 0; x < fn->nvars; x++)
            if (ti->parloops[p]->var_kind[x] == PAR_REDUCE && !(fn->declared && fn->declared[x])) opaque[x] = false;
    /* a variable declared of the table's dtype (locals={'d': float32}): every store converts to
     * it, so it holds one whatever is stored (not one an inner function shares) */
    bool *pinned = ctx_alloc(fn->ctx, (size_t)(fn->nvars + 1));
    if (!pinned) return -1;
    int want = rule == f32_rule ? DT_FLOAT32 : rule == int16_rule ? dt : -2;
    for (int x = 0; x < fn->nvars; x++) pinned[x] = fn->declared_dt && fn->declared_dt[x] == want;
    for (int v = 0; v < fn->ninstrs; v++)
        if (fn->instrs[v] && fn->instrs[v]->op == IR_CELLREF) pinned[fn->instrs[v]->imm] = false;
    for (int x = 0; x < fn->nvars; x++) s.var[x] = pinned[x] || (candidate(ti->vartypes[x]) && !opaque[x]);
    for (bool changed = true; changed;) {
        changed = false;
        for (int k = 0; k < fn->nblocks; k++)
            for (int i = 0; i < fn->blocks[k]->ninstrs; i++) {
                Instr *in = fn->blocks[k]->instrs[i];
                if (in->op == IR_STOREVAR) {
                    if (s.var[in->imm] && !s.val[in->args[0]] && !pinned[in->imm]) s.var[in->imm] = false, changed = true;
                } else if (s.val[in->id] && !rule(&s, in)) {
                    s.val[in->id] = false;
                    changed = true;
                }
            }
    }
    return 0;
}

/* The float32 items of the tuple the function returns, a bit per item: an item every return
 * gives a float32 (return x * y, x + y of float32 values). */
uint64_t ti_returns_f32_items(TypeInfo *ti) {
    Function *fn = ti->fn;
    if (!ti->f32 || !ti->ret || ti->ret->kind != TY_TUPLE || ti->ret->n > 64) return 0;
    Facts s = {.ti = ti, .val = ti->f32};
    uint64_t items = 0;
    for (int k = 0; k < ti->ret->n; k++)
        if (ti->ret->elems[k] == ty_float64) items |= (uint64_t)1 << k;
    bool any = false;
    for (int v = 0; items && v < fn->ninstrs; v++) {
        Instr *in = fn->instrs[v];
        if (!in || in->op != IR_RETURN) continue;
        any = true;
        for (int k = 0; k < ti->ret->n; k++)
            if ((items >> k) & 1 && !tuple_item_marked(&s, in->args[0], k, true)) items &= ~((uint64_t)1 << k);
    }
    return any ? items : 0;
}

bool ti_returns_f32(TypeInfo *ti) {
    Function *fn = ti->fn;
    bool any = false;
    for (int v = 0; ti->f32 && ti->ret == ty_float64 && v < fn->ninstrs; v++) {
        Instr *in = fn->instrs[v];
        if (!in || in->op != IR_RETURN) continue;
        if (!ti->f32[in->args[0]]) return false;
        any = true;
    }
    return any;
}

/* The type the function returns, as Numba names it: a list every return gives filled with
 * float32 values only (f32_list: l = typed.List(), then l.append(a32[i])) is a ListType[float32]
 * (list(float32)), whose items Python's appends round and callers read as float32; a dict of
 * float32 values (f32_dict) a DictType[.., float32]; the same storage as ti->ret's. */
const Type *ti_return_type(TypeInfo *ti) {
    const Type *r = ti->ret;
    Function *fn = ti->fn;
    bool list = r && r->kind == TY_LIST && r->elems[0] == ty_float64 && !r->narrow[0];
    bool dict = r && r->kind == TY_DICT && !r->attr && r->elems[1] == ty_float64 && !r->narrow[1];
    if (!ti->f32 || (!list && !dict)) return r;
    Facts s = {.ti = ti, .val = ti->f32};
    bool any = false;
    for (int v = 0; v < fn->ninstrs; v++) {
        Instr *in = fn->instrs[v];
        if (!in || in->op != IR_RETURN) continue;
        if (list ? !f32_list(&s, in->args[0]) : !f32_dict(&s, in->args[0])) return r;
        any = true;
    }
    if (!any) return r;
    const Type *key = dict && r->narrow[0] ? r->narrow[0] : r->elems[0], *narrow;
    if (list) narrow = r->typed ? ty_typed_list(ty_float32) : ty_list(ty_float32);
    else narrow = r->typed ? ty_typed_dict(key, ty_float32) : ty_dict(key, ty_float32);
    return narrow && narrow->size == r->size && narrow->elems[list ? 0 : 1] == ty_float64 ? narrow : r;
}

static bool is_int(const Type *t) { return t == ty_int64; }

/* ti->int16, for a function with float32 values (no other reads it): per dtype, as a variable
 * holding both int8 and uint8 values is an int16 in Numba (still float32's), int16 and uint8 an
 * int16, but one dtype at a time keeps the rule simple. */
static int find_int16(TypeInfo *ti) {
    Function *fn = ti->fn;
    bool any = false;
    for (int v = 0; ti->f32 && v < fn->ninstrs && !any; v++) any = ti->f32[v];
    if (!any) return 0;
    static const int dts[3] = {DT_INT8, DT_UINT8, DT_INT16};   /* (uint16: float64 in Numba) */
    bool *all = ctx_alloc(fn->ctx, sizeof(bool) * (size_t)(fn->ninstrs + 1)), *one;
    if (!all) return -1;
    for (int k = 0; k < 3; k++) {
        if (fixpoint(ti, is_int, int16_rule, &one, false, dts[k])) return -1;
        for (int v = 0; v < fn->ninstrs; v++) all[v] |= one[v];
    }
    ti->int16 = all;
    return 0;
}

int ti_find_facts(TypeInfo *ti) {
    ti->c64 = NULL;
    ti->int16 = NULL;
    if (fixpoint(ti, is_float, f32_rule, &ti->f32, true, -1)) return -1;   /* a prange's float32 sum combines in float32 */
    if (find_int16(ti)) return -1;
    if (ti->int16 && fixpoint(ti, is_float, f32_rule, &ti->f32, true, -1)) return -1;   /* x32 * pixel */
    if (fixpoint(ti, is_complex, c64_rule, &ti->c64, false, -1)) return -1;
    if (fixpoint(ti, is_float, f32_rule, &ti->f32, true, -1)) return -1;   /* again: z.real of a complex64 */
    if (fixpoint(ti, is_int_or_range_iter, nonneg_rule, &ti->nonneg, false, -1)) return -1;
    return ti_find_ranges(ti);
}
