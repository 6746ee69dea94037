/* prune.c: branches on `x is None`, `isinstance(x, C)`, `a.ndim == k` and `len(t) == k` that a
 * parameter's type decides (isinstance also on an item of a tuple parameter: fixed_type), also
 * through a variable holding such a test (`flag = p is not None; if flag:`) and its `not`, and on
 * a global's or a closure's frozen number, compared or tested (`if width > 0.0:`, `if DEBUG:`).
 *
 * Requires: a Function from the frontend (variables versioned) and its argument types.
 * Produces: the same Function in which each `if p is None:` / `if p is not None:` whose p is a
 * parameter that no other assignment reaches there, typed None or a type that is never None,
 * jumps to the one branch it takes; unreached blocks are left out and variables versioned
 * again. So `def f(a, out=None)` compiles once per call form, as in Numba:
 *
 *     if out is None:               omitted (None): out = np.empty_like(a) only, and `out` after
 *         out = np.empty_like(a)    the if is an array; given an array: the assignment is gone
 *
 * without this, the join after the if would unify None with an array. A parameter typed
 * OptionalType(T) keeps both branches: its test happens at run time. A variable whose every
 * store is None once those branches are gone (`buf = np.empty(8) if p is not None else None`,
 * p None) decides its own `is None` tests in the next round.
 */
#include "ti.h"
#include "fe.h"
#include "rt.h"
#include <string.h>

/* The parameter a value reads: the value is a LOADVAR that only the parameter's own store
 * (STOREVAR of its ARG, in the first block) reaches; else -1. The other stores of the variable
 * ("kills") taint what follows them: their blocks' successors and all they reach. */
static int parameter_of(Function *fn, int value) {
    Instr *load = fn->instrs[value];
    if (load->op != IR_LOADVAR) return -1;
    int param = -1, nb = fn->nblocks;
    bool *tainted = ctx_alloc(fn->ctx, (size_t)nb + 1);
    Block **stack = ctx_alloc(fn->ctx, sizeof(Block *) * (size_t)(nb + 1));
    if (!tainted || !stack) return -1;
    int sp = 0;
    for (int b = 0; b < nb; b++)
        for (int i = 0; i < fn->blocks[b]->ninstrs; i++) {
            Instr *st = fn->blocks[b]->instrs[i];
            if (st->op != IR_STOREVAR || st->imm != load->imm) continue;
            Instr *src = fn->instrs[st->args[0]];
            if (src->op == IR_ARG && b == 0) {
                param = src->imm;
                continue;
            }
            if (st->block == load->block) {   /* a store before the load in its own block */
                for (int j = 0; j < i; j++)
                    if (fn->blocks[b]->instrs[j] == load) goto after;
                return -1;
            }
        after:;
            Block *s[3];
            int ns = ir_successors(fn->blocks[b], s);
            for (int k = 0; k < ns; k++)
                if (!tainted[s[k]->id]) tainted[s[k]->id] = true, stack[sp++] = s[k];
        }
    while (sp) {
        Block *b = stack[--sp], *s[3];
        int ns = ir_successors(b, s);
        for (int k = 0; k < ns; k++)
            if (!tainted[s[k]->id]) tainted[s[k]->id] = true, stack[sp++] = s[k];
    }
    return load->block && !tainted[load->block->id] ? param : -1;
}

static bool is_none_const(Function *fn, int value) {
    Instr *c = fn->instrs[value];
    return c->op == IR_CONST && c->c.kind == K_NONE;
}

/* The type a value has before typing where the parameters' types fix it: a parameter, a
 * constant or a tuple of such, item t[k] (k a constant) of such a tuple, literal_unroll(t) of
 * one, through copies and through
 * variables whose every store has that type (the stack slots of a loop are stored on each trip:
 * a store whose value comes back from the variable itself says nothing). So the copies of an
 * unrolled literal_unroll loop (unroll.c: x = t[k] in copy k) decide their isinstance tests, as
 * Numba's do. NULL where not known; ANY for a value that only comes back round a cycle. */
static const Type ANY_TYPE;
#define ANY (&ANY_TYPE)

enum { FIXED_DEPTH = 16, FIXED_STEPS = 4096 };

static const Type *fixed_type(TypeInfo *ti, int value, int *visiting, int depth, int *steps) {
    Function *fn = ti->fn;
    Instr *x = fn->instrs[value];
    int p = parameter_of(fn, value);
    if (p >= 0) return p < ti->nargs ? ti->argtypes[p] : NULL;
    if (depth == FIXED_DEPTH || ++*steps > FIXED_STEPS) return NULL;
    switch (x->op) {
    case IR_COPY: return fixed_type(ti, x->args[0], visiting, depth + 1, steps);
    case IR_CONST: return ti_const_type(&x->c);
    case IR_TUPLE: {   /* literal_unroll((1, 'ab')): a tuple written in the function */
        const Type *elems[64];
        if (x->nargs > 64) return NULL;
        for (int k = 0; k < x->nargs; k++) {
            elems[k] = fixed_type(ti, x->args[k], visiting, depth + 1, steps);
            if (!elems[k] || elems[k] == ANY) return NULL;
        }
        return ty_tuple(x->nargs, elems);
    }
    case IR_CALL: {   /* literal_unroll(t) */
        Instr *callee = fn->instrs[x->args[0]];
        PyObject *name = callee->op == IR_GLOBAL ? PyObject_GetAttrString(callee->obj, "__name__") : NULL;
        bool unroll = (callee->op == IR_GETATTR && !strcmp(callee->str, "literal_unroll")) ||
                      (name && PyUnicode_Check(name) && !strcmp(PyUnicode_AsUTF8(name), "literal_unroll"));
        Py_XDECREF(name);
        PyErr_Clear();
        if (unroll && x->nargs == 2 && !x->nkw) return fixed_type(ti, x->args[1], visiting, depth + 1, steps);
        PyObject *cls = x->nargs <= 2 && !x->nkw ? ti_isinstance_class(fn, x->args[0]) : NULL;   /* np.float64(3) */
        int dt = cls && PyType_Check(cls) && !strncmp(((PyTypeObject *)cls)->tp_name, "numpy.", 6) ? rt_dtype_of_object(cls) : -1;
        PyErr_Clear();
        return dt >= 0 ? ty_scalar_of(dt) : NULL;
    }
    case IR_GETITEM: {
        const Type *t = x->nargs == 2 ? fixed_type(ti, x->args[0], visiting, depth + 1, steps) : NULL;
        Instr *k = t ? fn->instrs[x->args[1]] : NULL;
        if (!t || t == ANY || t->kind != TY_TUPLE || k->op != IR_CONST || k->c.kind != K_INT) return NULL;
        int64_t i = k->c.i < 0 ? k->c.i + t->n : k->c.i;
        return i >= 0 && i < t->n ? t->elems[i] : NULL;
    }
    case IR_LOADVAR: {
        Block *own = x->block;   /* a store before the load in its block is the one that reaches it */
        Instr *last = NULL;
        for (int i = 0; own && i < own->ninstrs && own->instrs[i] != x; i++)
            if (own->instrs[i]->op == IR_STOREVAR && own->instrs[i]->imm == x->imm) last = own->instrs[i];
        if (last) return fixed_type(ti, last->args[0], visiting, depth + 1, steps);
        for (int d = 0; d < depth; d++)
            if (visiting[d] == x->imm) return ANY;
        visiting[depth] = x->imm;
        const Type *all = ANY;
        for (int b = 0; b < fn->nblocks; b++)
            for (int i = 0; i < fn->blocks[b]->ninstrs; i++) {
                Instr *st = fn->blocks[b]->instrs[i];
                if (st->op != IR_STOREVAR || st->imm != x->imm) continue;
                const Type *t = fixed_type(ti, st->args[0], visiting, depth + 1, steps);
                if (!t || (all != ANY && t != ANY && t != all)) return NULL;
                if (t != ANY) all = t;
            }
        return all;
    }
    default: return NULL;
    }
}

/* `isinstance(x, C)` (under its truth test) on a value whose type the parameters fix
 * (fixed_type): 1 or 0 as that type decides it, -1 where the branch is not such a test. */
static int isinstance_test(TypeInfo *ti, Instr *cond) {
    Function *fn = ti->fn;
    if (cond->op == IR_TRUTH) cond = fn->instrs[cond->args[0]];
    if (cond->op != IR_CALL || cond->nargs != 3 || cond->nkw) return -1;
    Instr *callee = fn->instrs[cond->args[0]];
    PyObject *isinstance = PyDict_GetItemString(fn->builtins, "isinstance");
    if (callee->op != IR_GLOBAL || !isinstance || callee->obj != isinstance) return -1;
    int visiting[FIXED_DEPTH], steps = 0;
    const Type *t = fixed_type(ti, cond->args[1], visiting, 0, &steps);
    PyObject *cls = t && t != ANY ? ti_isinstance_class(fn, cond->args[2]) : NULL;
    int r = cls ? ti_isinstance_decide(NULL, -1, t, cls) : -1;
    return r < 0 ? -1 : r;
}

/* `x is None` / `x is not None` (imm 1) where x's type is fixed (fixed_type: a parameter, or a
 * variable every store of which is one such): 1 or 0 as it holds, -1 where decided at run time. */
static int none_test(TypeInfo *ti, Instr *is) {
    Function *fn = ti->fn;
    if (is->op != IR_IS) return -1;
    int x = is_none_const(fn, is->args[1]) ? is->args[0] : is_none_const(fn, is->args[0]) ? is->args[1] : -1;
    int visiting[FIXED_DEPTH], steps = 0;
    const Type *t = x >= 0 ? fixed_type(ti, x, visiting, 0, &steps) : NULL;
    if (!t || t == ANY || t->kind == TY_OPTIONAL || (t->kind == TY_CLASS && t->nullable)) return -1;
    return (t->kind == TY_NONE) != (is->imm == 1);
}

/* An int the parameters' types fix, as Numba's semantic constants: p.ndim of an array parameter,
 * len(p) of a tuple parameter, or an int constant; also through a variable every store of which
 * is one and the same (`n = a.ndim` then `if n >= 3:`). */
static bool fixed_int_at(TypeInfo *ti, int value, int64_t *out, int depth);
static bool frozen_number(Function *fn, int value, double *out);

static bool fixed_int(TypeInfo *ti, int value, int64_t *out) { return fixed_int_at(ti, value, out, 0); }

static bool fixed_int_var(TypeInfo *ti, Instr *load, int64_t *out, int depth) {
    Function *fn = ti->fn;
    Block *own = load->block;
    Instr *last = NULL;   /* a store before the load in its block is the one that reaches it */
    for (int i = 0; own && i < own->ninstrs && own->instrs[i] != load; i++)
        if (own->instrs[i]->op == IR_STOREVAR && own->instrs[i]->imm == load->imm) last = own->instrs[i];
    if (last) return fixed_int_at(ti, last->args[0], out, depth + 1);
    Instr *st[16];
    int n = ti_var_stores(fn, load->imm, st, 16);
    if (n <= 0 || n > 16) return false;
    for (int i = 0; i < n; i++) {
        int64_t v;
        if (!fixed_int_at(ti, st[i]->args[0], &v, depth + 1) || (i && v != *out)) return false;
        *out = v;
    }
    return true;
}

static bool fixed_int_at(TypeInfo *ti, int value, int64_t *out, int depth) {
    Function *fn = ti->fn;
    Instr *x = fn->instrs[value];
    if (x->op == IR_CONST && (x->c.kind == K_INT || x->c.kind == K_BOOL)) {
        *out = x->c.i;
        return true;
    }
    if (x->op == IR_LOADVAR && fn->varnames[x->imm][0] != '$' && depth < 4) return fixed_int_var(ti, x, out, depth);
    if (x->op == IR_IS) {   /* flag = p is not None; ...; if flag: (harmonica's progress proxies) */
        int r = none_test(ti, x);
        *out = r;
        return r >= 0;
    }
    double d;
    if (x->op == IR_GLOBAL && frozen_number(fn, value, &d) && d == (double)(int64_t)d) {   /* DEBUG = False */
        *out = (int64_t)d;
        return true;
    }
    if (x->op == IR_UNOP && x->imm == IRU_NOT && depth < 8 && fixed_int_at(ti, x->args[0], out, depth + 1)) {
        *out = !*out;
        return true;
    }
    int p = -1;
    bool ndim = x->op == IR_GETATTR && !strcmp(x->str, "ndim");
    if (ndim) p = parameter_of(fn, x->args[0]);
    PyObject *len = PyDict_GetItemString(fn->builtins, "len");
    Instr *callee = x->op == IR_CALL && x->nargs == 2 && !x->nkw ? fn->instrs[x->args[0]] : NULL;
    if (callee && callee->op == IR_GLOBAL && len && callee->obj == len) p = parameter_of(fn, x->args[1]);
    if (p < 0 || p >= ti->nargs) return false;
    const Type *t = ti->argtypes[p];
    if (ndim && (t->kind == TY_ARRAY || t->kind == TY_RECARRAY)) *out = t->ndim;
    else if (!ndim && t->kind == TY_TUPLE) *out = t->n;
    else return false;
    return true;
}

/* `a.ndim == 1`, `len(t) > 2` (under its truth test), each side fixed_int and one a parameter's:
 * 1 or 0 as the types decide it, -1 where the branch is not such a test. So a function written
 * for 1-d and 2-d arrays (or tuples of several lengths) types only the branch its arguments
 * take, as Numba's dead-branch pruning does. */
/* A number a global or a closure's free variable holds (frozen at compile time, as Numba's), or a
 * constant, as a double; false for anything else. */
static bool frozen_number(Function *fn, int value, double *out) {
    Instr *x = fn->instrs[value];
    const int64_t exact = (int64_t)1 << 53;   /* ints beyond would compare as other doubles */
    if (x->op == IR_CONST && (x->c.kind == K_INT || x->c.kind == K_BOOL)) {
        *out = (double)x->c.i;
        return x->c.i > -exact && x->c.i < exact;
    }
    if (x->op == IR_CONST && x->c.kind == K_FLOAT) return *out = x->c.re, true;
    if (x->op != IR_GLOBAL || !x->obj || !(PyFloat_Check(x->obj) || PyLong_Check(x->obj))) return false;
    if (PyFloat_Check(x->obj)) return *out = PyFloat_AS_DOUBLE(x->obj), true;
    int overflow;
    long long v = PyLong_AsLongLongAndOverflow(x->obj, &overflow);
    if (PyErr_Occurred()) PyErr_Clear();
    *out = (double)v;
    return !overflow && v > -exact && v < exact;
}

static int fixed_compare(TypeInfo *ti, Instr *cond) {
    Function *fn = ti->fn;
    if (cond->op == IR_TRUTH) cond = fn->instrs[cond->args[0]];
    if (cond->op != IR_CMP) return -1;
    int64_t a, b;
    Instr *l = fn->instrs[cond->args[0]], *r = fn->instrs[cond->args[1]];
    double x, y;   /* `if width > 0.0:` of a closure's constant (datashader's glyph factories): its branch only */
    if ((l->op == IR_GLOBAL || r->op == IR_GLOBAL) && frozen_number(fn, l->id, &x) && frozen_number(fn, r->id, &y))
        return x != x || y != y ? cond->imm == IRC_NE : ir_cmp_holds(cond->imm, (x > y) - (x < y));   /* (NaN: unordered) */
    if ((l->op == IR_CONST && r->op == IR_CONST) || !fixed_int(ti, l->id, &a) || !fixed_int(ti, r->id, &b)) return -1;
    return ir_cmp_holds(cond->imm, (a > b) - (a < b));
}

/* One round over the branches; *pruned tells whether one became a jump. */
static void prune_round(TypeInfo *ti, bool *pruned) {
    Function *fn = ti->fn;
    for (int b = 0; b < fn->nblocks; b++) {
        Instr *br = ir_terminator(fn->blocks[b]);
        if (!br || br->op != IR_BRANCH) continue;
        Instr *is = fn->instrs[br->args[0]];
        int isinst = isinstance_test(ti, is);
        if (isinst < 0) isinst = fixed_compare(ti, is);
        if (isinst >= 0) {
            br->op = IR_JUMP;
            br->nargs = 0;
            br->target[0] = br->target[isinst ? 0 : 1];
            br->target[1] = NULL;
            *pruned = true;
            continue;
        }
        int64_t flag;
        double number;
        int taken = none_test(ti, is);   /* of a parameter, or a variable */
        if (taken < 0 && is->op == IR_TRUTH && is->nargs == 1 && fixed_int_at(ti, is->args[0], &flag, 0)) taken = flag != 0;
        if (taken < 0 && is->op == IR_TRUTH && is->nargs == 1 && frozen_number(fn, is->args[0], &number))
            taken = number != 0;   /* if NUMPY1: a global's (or a closure's) frozen flag, as Numba's pruning */
        if (taken < 0) continue;   /* decided at run time */
        br->op = IR_JUMP;
        br->nargs = 0;
        br->target[0] = br->target[taken ? 0 : 1];
        br->target[1] = NULL;
        *pruned = true;
    }
}

/* Rounds until none prunes: a variable that only None reaches once a parameter's test is
 * decided (`buf = np.empty(8) if p is not None else None`) decides its own tests next. */
int ti_prune_none_tests(TypeInfo *ti) {
    for (int round = 0; round < 8; round++) {
        bool pruned = false;
        prune_round(ti, &pruned);
        if (!pruned) return 0;
        if (ti_drop_unreachable(ti->fn)) return -1;
    }
    return 0;
}
