/* funcs.c: first-class functions, Numba's FunctionType.
 *
 * A compiled function whose identity typing knows (a global, an argument, an element of a tuple
 * indexed by a constant) has its own type, TY_DISPATCHER, and is called directly. Where several
 * meet (a tuple of functions indexed by a run-time integer, `f = g if flag else h`), the value
 * becomes a function pointer, TY_FUNCPTR: FunctionType[ret(params)], a pointer to the native
 * function of one specialisation (DESIGN.md contract 2's unboxed ABI), called indirectly.
 *
 * Which specialisation? A FunctionType among the values decides it (an argument declared
 * FunctionType[float64(float64)]), or the one signature all the functions were compiled with
 * (@njit("float64(float64)"), a @cfunc), as in Numba. Otherwise the value is first a TY_FUNCSET (these functions,
 * signature to be decided), and the first call of it decides: each function compiles for the
 * call's argument types, they must agree on parameters and result, and that signature is
 * recorded for the set (ti->root->choices), so the next round types the value as the
 * FunctionType. A set that is never called is a located error (nothing says its signature).
 *
 * Each function converted to a FunctionType is recorded with the specialisation's symbol and
 * bitcode (ti->root->funcrefs): codegen/jit.c links that bitcode into the module and
 * codegen/lower_funcs.c takes the function's address there, a relocation within the object, so
 * no host address reaches the code (contract 1) and cache=True keeps working.
 */
#include "ti.h"
#include <stdlib.h>
#include <string.h>

#define ERR(in, ...) ctx_error(ti->fn->ctx, DIAG_TYPING, ti->fn, (in)->loc, __VA_ARGS__)

bool ti_is_function(const Type *t) {
    return t && (t->kind == TY_DISPATCHER || t->kind == TY_FUNCPTR || t->kind == TY_FUNCSET);
}

static const char *qualname(TypeInfo *ti, const Type *d) {
    PyObject *f = ti->host->dispatcher_py_func(d->obj);
    PyObject *q = f ? ((PyFunctionObject *)f)->func_qualname : NULL;
    return q && PyUnicode_Check(q) ? PyUnicode_AsUTF8(q) : d->name;
}

/* "float64(int64)" of FunctionType[float64(int64)] */
static const char *sig_text(TypeInfo *ti, const Type *fptr) {
    if (!fptr) return "?";
    int n = (int)strlen(fptr->name);
    return ctx_printf(ti->fn->ctx, "%.*s", n - 14, fptr->name + 13);
}

/* Grow a ctx-allocated array of `size`-byte items to hold one more. */
static void *grow(Ctx *ctx, void *items, int n, int *cap, size_t size) {
    if (n < *cap) return items;
    int ncap = *cap ? *cap * 2 : 8;
    void *p = ctx_alloc(ctx, size * (size_t)ncap);
    if (p && n) memcpy(p, items, size * (size_t)n);
    if (p) *cap = ncap;
    return p;
}

static const FuncRef *find_ref(TypeInfo *root, PyObject *d, const Type *fptr) {
    for (int i = 0; i < root->nfuncrefs; i++)
        if (root->funcrefs[i].dispatcher == d && root->funcrefs[i].fptr == fptr) return &root->funcrefs[i];
    return NULL;
}

/* Dispatcher d as a FunctionType: its specialisation for the parameters, which must return
 * the result; recorded for lowering. */
static int convert(TypeInfo *ti, Instr *in, const Type *d, const Type *fptr) {
    TypeInfo *root = ti->root;
    if (find_ref(root, d->obj, fptr)) return 0;
    Callee out = {0};
    if (ti->host->compile_callee(ti->fn->ctx, d->obj, fptr->elems + 1, fptr->n - 1, &out, ti->fn, in->loc)) return -1;
    bool same = out.ret == fptr->elems[0] && out.nparams == fptr->n - 1 &&
                !memcmp(out.params, fptr->elems + 1, sizeof(Type *) * (size_t)out.nparams);
    if (!same) {
        const Type *got = ty_funcptr(out.ret, out.nparams, out.params);
        return ERR(in, "%s is %s here, not %s: a function chosen at run time needs one signature",
                   qualname(ti, d), sig_text(ti, got), sig_text(ti, fptr));
    }
    FuncRef *refs = grow(ti->fn->ctx, root->funcrefs, root->nfuncrefs, &root->capfuncrefs, sizeof(FuncRef));
    if (!refs) return -1;
    root->funcrefs = refs;
    refs[root->nfuncrefs++] = (FuncRef){d->obj, fptr, out.symbol, out.bitcode};
    return 0;
}

static const Type *chosen(TypeInfo *root, const Type *set) {
    for (int i = 0; i < root->nchoices; i++)
        if (root->choices[i].set == set) return root->choices[i].fptr;
    return NULL;
}

static int cmp_ptr(const void *a, const void *b) {
    uintptr_t x = (uintptr_t)*(const Type *const *)a, y = (uintptr_t)*(const Type *const *)b;
    return x < y ? -1 : x > y;
}

/* The type of a value that is any of the n function types ts[]: the one Dispatcher type if
 * they are all the same function, else a FunctionType (or a set until a call decides it). */
const Type *ti_join_functions(TypeInfo *ti, Instr *in, const Type *const *ts, int n) {
    const Type *members[64], *fptr = NULL;
    int m = 0;
    for (int i = 0; i < n; i++) {
        const Type *t = ts[i];
        if (t->kind == TY_FUNCPTR) {
            if (fptr && fptr != t) return ERR(in, "cannot unify %s and %s", fptr->name, t->name), NULL;
            fptr = t;
            continue;
        }
        int k = t->kind == TY_FUNCSET ? t->n : 1;
        for (int j = 0; j < k; j++) {
            const Type *d = t->kind == TY_FUNCSET ? t->elems[j] : t;
            bool have = false;
            for (int x = 0; x < m; x++) have |= members[x] == d;
            if (have) continue;
            if (m == 64) return ERR(in, "more than 64 functions meet here"), NULL;
            members[m++] = d;
        }
    }
    if (!fptr && m == 1) return members[0];
    qsort(members, (size_t)m, sizeof members[0], cmp_ptr);
    const Type *set = fptr ? NULL : ty_funcset(m, members);
    if (!fptr) fptr = chosen(ti->root, set);
    if (!fptr) {   /* functions compiled with one signature each, the same one: that */
        const Type *sig = ti->host->fixed_signature(members[0]->obj);
        for (int i = 1; i < m && sig; i++)
            if (ti->host->fixed_signature(members[i]->obj) != sig) sig = NULL;
        if (!(fptr = sig)) return set;
    }
    for (int i = 0; i < m; i++)
        if (convert(ti, in, members[i], fptr)) return NULL;
    return fptr;
}

bool ti_is_function_tuple(const Type *t) {
    if (!t || t->kind != TY_TUPLE || !t->n) return false;
    for (int i = 0; i < t->n; i++)
        if (!ti_is_function(t->elems[i])) return false;
    return true;
}

static int type_pointer_call(TypeInfo *ti, Instr *in, const Type *fptr, const Type **args, int nargs) {
    int np = fptr->n - 1;
    if (in->nkw) return ERR(in, "a function chosen at run time (%s) takes no keyword arguments", fptr->name);
    if (nargs != np) return ERR(in, "%s takes %d arguments but %d were given", fptr->name, np, nargs);
    for (int i = 0; i < np; i++) {
        const Type *p = fptr->elems[i + 1], *a = args[i];
        bool ok = a == p || (ty_is_number(a) && ty_is_number(p) && ty_rank(a) <= ty_rank(p)) ||
                  (a->kind == TY_ARRAY && p->kind == TY_ARRAY && ty_unify(a, p) == p);
        if (!ok)
            return ERR(ti->fn->instrs[in->args[i + 1]], "cannot pass %s as argument %d of %s", a->name, i + 1, fptr->name);
    }
    CallInfo *ci = ti_new_call(ti, in, CALL_INDIRECT, np);
    if (!ci) return -1;
    memcpy(ci->params, fptr->elems + 1, sizeof(Type *) * (size_t)np);
    ci->ret = fptr->elems[0];
    return 0;
}

/* The first call of a set of functions: each compiles for these arguments; they must agree. */
static int decide_set(TypeInfo *ti, Instr *in, const Type *set, const Type **args, int nargs, bool *changed) {
    if (in->nkw) return ERR(in, "a function chosen at run time takes no keyword arguments");
    Callee first = {0};
    for (int i = 0; i < set->n; i++) {
        Callee out = {0};
        if (ti->host->compile_callee(ti->fn->ctx, set->elems[i]->obj, args, nargs, &out, ti->fn, in->loc)) return -1;
        if (i == 0) {
            first = out;
            continue;
        }
        bool same = out.ret == first.ret && out.nparams == first.nparams &&
                    !memcmp(out.params, first.params, sizeof(Type *) * (size_t)out.nparams);
        if (!same) {
            const Type *a = ty_funcptr(first.ret, first.nparams, first.params), *b = ty_funcptr(out.ret, out.nparams, out.params);
            return ERR(in, "the functions chosen here at run time have different signatures for these arguments: "
                       "%s is %s, %s is %s", qualname(ti, set->elems[0]), sig_text(ti, a),
                       qualname(ti, set->elems[i]), sig_text(ti, b));
        }
    }
    const Type *fptr = ty_funcptr(first.ret, first.nparams, first.params);
    TypeInfo *root = ti->root;
    FuncChoice *c = fptr ? grow(ti->fn->ctx, root->choices, root->nchoices, &root->capchoices, sizeof(FuncChoice)) : NULL;
    if (!c) return -1;
    root->choices = c;
    c[root->nchoices++] = (FuncChoice){set, fptr};
    *changed = true;   /* the next round types the value as fptr */
    return 0;
}

int ti_type_function_call(TypeInfo *ti, Instr *in, const Type *callee, const Type **args, int nargs, bool *changed) {
    if (callee->kind == TY_FUNCPTR) return type_pointer_call(ti, in, callee, args, nargs);
    const Type *fptr = chosen(ti->root, callee);
    return fptr ? 0 : decide_set(ti, in, callee, args, nargs, changed);   /* (typed next round) */
}

/* After typing: a set of functions nothing called has no signature to compile. */
int ti_check_function_sets(TypeInfo *ti) {
    for (int i = 0; i < ti->fn->ninstrs; i++) {
        const Type *t = ti->vtypes[i];
        if (t && t->kind == TY_LIST && t->elems[0]) t = t->elems[0];   /* [g, h] */
        if (t && t->kind == TY_FUNCSET && ti->fn->instrs[i])
            return ERR(ti->fn->instrs[i], "cannot tell the signature of the function chosen here at run time "
                       "(one of %s): call it in this function, or declare the parameter that gives it as "
                       "types.FunctionType(sig)", t->name + 15);
    }
    return 0;
}
