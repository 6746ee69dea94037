/* rdist.c: typing of np.random's distributions (the module functions, NumPy's legacy
 * RandomState) and of the same methods on a numpy.random.Generator argument.
 *
 * The distributions of rdist.def take up to three scalar parameters and size= (None: one
 * number; an int or a tuple of ints: a C array of int64 or float64 draws). Beside them, by hand:
 *   choice(a, size=None, replace=True, p=None)   a an int or a 1-d array; p a 1-d float64 array
 *                       (a Generator's also axis=0 and shuffle=)
 *   shuffle(x)          x an array, shuffled in place along axis 0; returns None (a read-only x:
 *                       NumPy's ValueError at run time)
 *   permutation(x)      x an int (range(x) shuffled) or an array (a shuffled C copy)
 *   dirichlet(alpha, size=None), multinomial(n, pvals, size=None)   alpha, pvals 1-d float64
 * An integer parameter (binomial's n, hypergeometric's) may be a float, truncated as NumPy's.
 * A distribution with an array parameter is ember/_nprandom.py's (ti_rng_python_form here for a
 * Generator's; typeinfer/nplib.c for np.random's), whose draws are one call of
 *   ember._rdist.fill(name, g, out, a, b, c)   name a constant (rdist.def's, normal, uniform); g
 *                       None or a Generator; out a C array of float64/int64 draws; a, b, c real
 *                       scalars or real arrays of out's ndim (broadcast views); returns None
 * Lowering: codegen/lower_rdist.c; the draws: runtime/randdist.c.
 */
#include "ti.h"
#include "rdist.h"
#include <string.h>

#define ERR(in, ...) ctx_error(ti->fn->ctx, DIAG_TYPING, ti->fn, (in)->loc, __VA_ARGS__)
#define UNSUP(in, ...) ctx_error(ti->fn->ctx, DIAG_UNSUPPORTED, ti->fn, (in)->loc, __VA_ARGS__)

static const struct {
    const char *name;
    bool isint;     /* int64 draws */
    int nreq;       /* required parameters */
    const char *params[4];
} dists[RD_COUNT] = {
#define P0() {NULL}
#define P1(a, da) {a, NULL}
#define P2(a, da, b, db) {a, b, NULL}
#define P3(a, da, b, db, c, dc) {a, b, c, NULL}
#define RD(id, nm, isint, nreq, ints, params) [RD_##id] = {nm, isint, nreq, params},
#include "rdist.def"
#undef RD
};

static const char *const P_CHOICE[] = {"a", "size", "replace", "p", NULL};
static const char *const P_X[] = {"x", NULL};
static const char *const P_DIRICHLET[] = {"alpha", "size", NULL};
static const char *const P_MULTINOMIAL[] = {"n", "pvals", "size", NULL};

int ti_rdist_kind(const char *name) {
    for (int k = 0; k < RD_COUNT; k++)
        if (!strcmp(dists[k].name, name)) return k;
    if (!strcmp(name, "shuffle")) return RD_SHUFFLE;
    if (!strcmp(name, "permutation")) return RD_PERMUTATION;
    if (!strcmp(name, "choice")) return RD_CHOICE;
    if (!strcmp(name, "dirichlet")) return RD_DIRICHLET;
    if (!strcmp(name, "multinomial")) return RD_MULTINOMIAL;
    return -1;
}

static bool is_int(const Type *t) { return t == ty_int64 || t == ty_bool; }
static bool is_vector(const Type *t) { return t->kind == TY_ARRAY && t->ndim == 1 && t->dtype == DT_FLOAT64 && !t->unaligned; }

/* Parameter p of ci, which takes a 1-d float64 array: 0 when it is one; 1 when it is a list or
 * tuple of real numbers, or a 1-d array of another real dtype, now np.array(x, np.float64) (as
 * NumPy converts; type the function again); else -1 with a diagnostic. */
static int float_vector(TypeInfo *ti, Instr *in, CallInfo *ci, int p, const char *fname, const char *what) {
    const Type *v = ci->params[p];
    if (is_vector(v)) return 0;
    const Type *e = v->kind == TY_LIST ? v->elems[0] : v->kind == TY_TUPLE && v->n && ty_is_uniform_tuple(v) ? v->elems[0]
                  : v->kind == TY_ARRAY && v->ndim == 1 && ty_dtypes[v->dtype].kind != 'c' ? ty_scalar_of(v->dtype) : NULL;
    int at = ci->argmap ? ci->argmap[p] : -1;
    if (e && ty_is_number(e) && e != ty_complex128 && in->op == IR_CALL && at >= 1 && at < in->nargs &&
        ti->vtypes[in->args[at]] == v)
        return ti_wrap_array_like_as(ti, in, at, "float64");
    return UNSUP(in, "%s() takes a 1-d float64 array (or a list of numbers) for %s (got %s)", fname, what, v->name);
}

/* The result for draws of dtype dt and a size= of type size (with `extra` trailing dimensions). */
static const Type *sized(TypeInfo *ti, Instr *in, const Type *size, int dt, int extra) {
    int nd = ti_size_ndim(ti, in, size);
    if (nd < 0) return NULL;
    if (nd + extra == 0) return dt == DT_INT64 ? ty_int64 : ty_float64;
    return ty_array(dt, nd + extra, 'C', false);
}

/* Parameters first.. of ci as distribution kind takes them: scalars of the right kind. */
static int check_params(TypeInfo *ti, Instr *in, CallInfo *ci, const char *fname, int kind, int first) {
    for (int i = 0; dists[kind].params[i]; i++) {
        const Type *t = ci->params[first + i];
        const char *p = dists[kind].params[i];
        if (t->kind == TY_NONE) {
            if (i < dists[kind].nreq && ci->argmap[first + i] >= 0) return ERR(in, "%s(): %s must be a number, not None", fname, p);
            continue;
        }
        if (t->kind == TY_ARRAY)
            return UNSUP(in, "%s() takes a scalar %s here (got %s): array parameters are not broadcast yet", fname, p, t->name);
        if (!ty_is_real(t)) {
            return UNSUP(in, "%s() needs a real number for %s (got %s)", fname, p, t->name);
        }
    }
    return 0;
}

/* The typing of distribution kind's call: the parameters bound at first.., then size. gen: a
 * Generator method (the receiver bound first). */
static int type_dist(TypeInfo *ti, Instr *in, int bid, const char *fname, int kind, const Type **args, int nargs, bool gen) {
    const char *names[8];
    int np = 0;
    if (gen) names[np++] = "self";
    for (int i = 0; dists[kind].params[i]; i++) names[np++] = dists[kind].params[i];
    names[np++] = "size";
    names[np] = NULL;
    CallInfo *ci = ti_bind(ti, in, bid, fname, names, dists[kind].nreq + gen, args, nargs, gen);
    if (!ci) return -1;
    if (check_params(ti, in, ci, fname, kind, gen) < 0) return -1;
    ci->ret = sized(ti, in, ci->params[np - 1], dists[kind].isint ? DT_INT64 : DT_FLOAT64, 0);
    return ci->ret ? 0 : -1;
}

static int type_shuffle(TypeInfo *ti, Instr *in, CallInfo *ci, const char *fname, int kind, int first) {
    const Type *x = ci->params[first];
    if (kind == RD_PERMUTATION && is_int(x)) {
        ci->ret = ty_array(DT_INT64, 1, 'C', false);
        return 0;
    }
    if (x->kind != TY_ARRAY || x->ndim < 1)
        return UNSUP(in, "%s() takes an array%s (got %s)", fname, kind == RD_PERMUTATION ? " or an int" : "", x->name);
    ci->ret = kind == RD_SHUFFLE ? ty_none : ty_array(x->dtype, x->ndim, 'C', false);
    return 0;
}

/* choice's a, size, replace and p at first.. (Generator.choice: then axis, shuffle). */
static int type_choice(TypeInfo *ti, Instr *in, CallInfo *ci, const char *fname, int first) {
    const Type *a = ci->params[first], *rep = ci->params[first + 2], *p = ci->params[first + 3];
    if (!is_int(a) && !(a->kind == TY_ARRAY && a->ndim == 1))
        return UNSUP(in, "%s() takes an int or a 1-d array for a (got %s)", fname, a->name);
    if (rep->kind != TY_NONE && rep != ty_bool) return ERR(in, "%s(): replace must be a bool (got %s)", fname, rep->name);
    int rc = p->kind == TY_NONE ? 0 : float_vector(ti, in, ci, first + 3, fname, "p");
    if (rc) return rc;
    if (first) {
        int64_t axis = 0;
        int at = ci->argmap[first + 4];
        if (at >= 0 && !(ti_const_int(ti, in->args[at], &axis) && axis == 0))
            return UNSUP(in, "%s() takes axis=0 here (a is 1-d)", fname);
        const Type *sh = ci->params[first + 5];
        if (sh->kind != TY_NONE && sh != ty_bool) return ERR(in, "%s(): shuffle must be a bool (got %s)", fname, sh->name);
    }
    ci->ret = sized(ti, in, ci->params[first + 1], is_int(a) ? DT_INT64 : a->dtype, 0);
    return ci->ret ? 0 : -1;
}

/* dirichlet(alpha, size=None) or multinomial(n, pvals, size=None), the arguments at first..:
 * size= rows of the vector's length. */
static int type_rows(TypeInfo *ti, Instr *in, CallInfo *ci, const char *fname, bool dirichlet, int first) {
    if (!dirichlet && !is_int(ci->params[first]))
        return UNSUP(in, "%s() needs an integer n (got %s)", fname, ci->params[first]->name);
    int rc = float_vector(ti, in, ci, first + !dirichlet, fname, dirichlet ? "alpha" : "pvals");
    if (rc) return rc;
    ci->ret = sized(ti, in, ci->params[first + !dirichlet + 1], dirichlet ? DT_FLOAT64 : DT_INT64, 1);
    return ci->ret ? 0 : -1;
}

/* The module function bid of np.random (one of builtins.def's RND_* past uniform). */
int ti_type_random_dist(TypeInfo *ti, Instr *in, int bid, const char *fname, const Type **args, int nargs) {
    char *qual = ctx_printf(ti->fn->ctx, "np.random.%s", fname);
    CallInfo *ci;
    if (bid >= BI_RND_STD_EXPONENTIAL && bid < BI_RND_STD_EXPONENTIAL + RD_COUNT)
        return type_dist(ti, in, bid, qual, bid - BI_RND_STD_EXPONENTIAL, args, nargs, false);
    switch (bid) {
    case BI_RND_CHOICE:
        if (!(ci = ti_bind(ti, in, bid, qual, P_CHOICE, 1, args, nargs, false))) return -1;
        return type_choice(ti, in, ci, qual, 0);
    case BI_RND_SHUFFLE: case BI_RND_PERMUTATION:
        if (!(ci = ti_bind(ti, in, bid, qual, P_X, 1, args, nargs, false))) return -1;
        return type_shuffle(ti, in, ci, qual, bid == BI_RND_SHUFFLE ? RD_SHUFFLE : RD_PERMUTATION, 0);
    case BI_RND_DIRICHLET:
        if (!(ci = ti_bind(ti, in, bid, qual, P_DIRICHLET, 1, args, nargs, false))) return -1;
        return type_rows(ti, in, ci, qual, true, 0);
    case BI_RND_MULTINOMIAL:
        if (!(ci = ti_bind(ti, in, bid, qual, P_MULTINOMIAL, 2, args, nargs, false))) return -1;
        return type_rows(ti, in, ci, qual, false, 0);
    }
    return UNSUP(in, "%s() is not supported", qual);
}

/* Generator method kind (ti_rdist_kind) on receiver m; ci->builtin becomes RNG_DIST + kind. */
int ti_type_rng_dist(TypeInfo *ti, Instr *in, const Type *m, int kind, const Type **args, int nargs) {
    const char *fname = ctx_printf(ti->fn->ctx, "Generator.%s", m->attr);
    int rc;
    if (kind < RD_COUNT) {
        rc = type_dist(ti, in, RNG_DIST + kind, fname, kind, args, nargs, true);
    } else if (kind == RD_CHOICE) {
        static const char *const P_GCHOICE[] = {"self", "a", "size", "replace", "p", "axis", "shuffle", NULL};
        CallInfo *ci = ti_bind(ti, in, RNG_DIST + kind, fname, P_GCHOICE, 2, args, nargs, true);
        rc = ci ? type_choice(ti, in, ci, fname, 1) : -1;
    } else if (kind == RD_DIRICHLET || kind == RD_MULTINOMIAL) {
        static const char *const P_GDIR[] = {"self", "alpha", "size", NULL};
        static const char *const P_GMULTI[] = {"self", "n", "pvals", "size", NULL};
        bool dir = kind == RD_DIRICHLET;
        CallInfo *ci = ti_bind(ti, in, RNG_DIST + kind, fname, dir ? P_GDIR : P_GMULTI, dir ? 2 : 3, args, nargs, true);
        rc = ci ? type_rows(ti, in, ci, fname, dir, 1) : -1;
    } else {
        static const char *const P_SELF_X[] = {"self", "x", NULL};
        CallInfo *ci = ti_bind(ti, in, RNG_DIST + kind, fname, P_SELF_X, 2, args, nargs, true);
        rc = ci ? type_shuffle(ti, in, ci, fname, kind, 1) : -1;
    }
    if (rc == 0) ti->calls[in->id]->kind = CALL_RNG;
    return rc;
}

/* A Generator method m of a distribution (normal, uniform, exponential, rdist.def's) called with
 * an array parameter: ember/_nprandom.py's implementation, broadcasting as NumPy's; else NULL. */
PyObject *ti_rng_python_form(TypeInfo *ti, const Type *m, const Type **args, int nargs) {
    int kind = ti_rdist_kind(m->attr);
    if (!(kind >= 0 && kind < RD_COUNT) && strcmp(m->attr, "normal") && strcmp(m->attr, "uniform") && strcmp(m->attr, "exponential"))
        return NULL;
    for (int i = 0; i < nargs; i++)
        if (args[i]->kind == TY_ARRAY) return ti_python_form(ti, "ember._nprandom", "GENERATOR_FORMS", m->attr);
    return NULL;
}

/* ember._rdist.fill(name, g, out, a, b, c) (ci made by calls.c, its params the arguments'
 * types): the distribution's RD_* goes to lowering in ci->dtype. */
int ti_type_rdist_fill(TypeInfo *ti, Instr *in, CallInfo *ci, const Type **args, int nargs) {
    if (nargs != 6) return ERR(in, "ember._rdist.fill() takes 6 arguments (%d given)", nargs);
    const char *name = ti_const_str(ti, in->args[1]);
    int kind = !name ? -1 : !strcmp(name, "normal") ? RD_NORMAL : !strcmp(name, "uniform") ? RD_UNIFORM : ti_rdist_kind(name);
    if (!(kind >= 0 && kind < RD_COUNT) && kind != RD_NORMAL && kind != RD_UNIFORM)
        return ERR(in, "ember._rdist.fill() needs a distribution's name as a constant");
    if (args[1]->kind != TY_NONE && args[1]->kind != TY_RNG)
        return ERR(in, "ember._rdist.fill() draws from None or a Generator (got %s)", args[1]->name);
    const Type *out = args[2];
    if (out->kind != TY_ARRAY || out->layout != 'C' || out->readonly || (out->dtype != DT_FLOAT64 && out->dtype != DT_INT64))
        return ERR(in, "ember._rdist.fill() fills a C array of float64 or int64 (got %s)", out->name);
    for (int i = 3; i < 6; i++) {
        const Type *t = args[i];
        bool ok = t->kind == TY_ARRAY ? t->ndim == out->ndim && strchr("biuf", ty_dtypes[t->dtype].kind) : ty_is_real(t);
        if (!ok) return ERR(in, "ember._rdist.fill(): parameter %d must be a real number or a real array of %d dimensions (got %s)",
                            i - 2, out->ndim, t->name);
    }
    memcpy(ci->params, args, sizeof(Type *) * (size_t)nargs);
    ci->dtype = kind;
    ci->ret = ty_none;
    return 0;
}
