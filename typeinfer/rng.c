/* rng.c: methods of a numpy.random.Generator argument (runtime/rng.c draws with NumPy's own
 * distribution code, so the numbers are the Generator's): random, standard_normal, normal,
 * uniform, exponential, standard_exponential, integers; each with size= (None: one number; an
 * int or a tuple of ints: a C array). The other distributions (gamma, poisson, binomial, ...,
 * shuffle and permutation) are typed by typeinfer/rdist.c. */
#include "ti.h"
#include <string.h>

#define ERR(in, ...) ctx_error(ti->fn->ctx, DIAG_TYPING, ti->fn, (in)->loc, __VA_ARGS__)
#define UNSUP(in, ...) ctx_error(ti->fn->ctx, DIAG_UNSUPPORTED, ti->fn, (in)->loc, __VA_ARGS__)

static const struct {
    const char *name;
    int kind;
    const char *const params[6];   /* after self */
    int nreq;                      /* required, self included */
} methods[] = {
    {"random", RNG_RANDOM, {"size", NULL}, 1},
    {"standard_normal", RNG_STANDARD_NORMAL, {"size", NULL}, 1},
    {"normal", RNG_NORMAL, {"loc", "scale", "size", NULL}, 1},
    {"uniform", RNG_UNIFORM, {"low", "high", "size", NULL}, 1},
    {"exponential", RNG_EXPONENTIAL, {"scale", "size", NULL}, 1},
    {"standard_exponential", RNG_STANDARD_EXPONENTIAL, {"size", NULL}, 1},
    {"integers", RNG_INTEGERS, {"low", "high", "size", "dtype", "endpoint", NULL}, 2},
};

bool ti_is_rng_method(const char *name) {
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++)
        if (!strcmp(methods[i].name, name)) return true;
    return ti_rdist_kind(name) >= 0;
}

int ti_type_rng_method(TypeInfo *ti, Instr *in, const Type *m, const Type **args, int nargs) {
    size_t k = 0;
    while (k < sizeof methods / sizeof methods[0] && strcmp(methods[k].name, m->attr)) k++;
    if (k == sizeof methods / sizeof methods[0] && ti_rdist_kind(m->attr) >= 0)
        return ti_type_rng_dist(ti, in, m, ti_rdist_kind(m->attr), args, nargs);
    if (k == sizeof methods / sizeof methods[0]) return UNSUP(in, "Generator.%s() is not supported", m->attr);
    const char *names[8] = {"self"};
    int np = 1;
    while (methods[k].params[np - 1]) names[np] = methods[k].params[np - 1], np++;
    names[np] = NULL;
    const char *fname = ctx_printf(ti->fn->ctx, "Generator.%s", m->attr);
    CallInfo *ci = ti_bind(ti, in, 0, fname, names, methods[k].nreq, args, nargs, true);
    if (!ci) return -1;
    ci->kind = CALL_RNG;
    ci->builtin = methods[k].kind;
    int size_at = -1;
    for (int i = 1; i < np; i++) {
        const char *p = names[i];
        const Type *t = ci->params[i];
        if (!strcmp(p, "size")) {
            size_at = i;
        } else if (!strcmp(p, "dtype")) {
            if (t->kind != TY_NONE && !(t->kind == TY_DTYPE && t->dtype == DT_INT64))
                return UNSUP(in, "Generator.integers() draws int64 here (dtype=np.int64), not %s", t->name);
        } else if (!strcmp(p, "endpoint")) {
            if (t->kind != TY_NONE && t != ty_bool) return ERR(in, "endpoint must be a bool (got %s)", t->name);
        } else if (methods[k].kind == RNG_INTEGERS) {
            if (t->kind != TY_NONE && t != ty_int64 && t != ty_bool)
                return UNSUP(in, "%s() needs integer bounds here (got %s for %s)", fname, t->name, p);
        } else if (t->kind != TY_NONE && (!ty_is_number(t) || t == ty_complex128)) {
            return UNSUP(in, "%s() needs a real number for %s (got %s)", fname, p, t->name);
        }
    }
    int nd = ti_size_ndim(ti, in, ci->params[size_at]);
    if (nd < 0) return -1;
    const Type *scalar = methods[k].kind == RNG_INTEGERS ? ty_int64 : ty_float64;
    ci->ret = nd ? ty_array(scalar == ty_int64 ? DT_INT64 : DT_FLOAT64, nd, 'C', false) : scalar;
    return 0;
}
