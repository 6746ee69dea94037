/* pyrandom.c: Python's random module in compiled code, the functions the generated code draws
 * from directly: seed, random, gauss and normalvariate, uniform, getrandbits, randrange, randint.
 * Its other functions (triangular, expovariate, gammavariate, betavariate, lognormvariate,
 * paretovariate, weibullvariate, vonmisesvariate, choice, shuffle) are Python built on these
 * (ember/_pylib.py). The numbers come from the thread's own generator (runtime/random.c), as in
 * Numba: seeding it from compiled code leaves the interpreter's random module alone.
 *
 * Requires: a call of one of builtins.def's PYR_* entries. Produces: its CallInfo (parameters
 * bound by name; left out: argmap -1), lowered by codegen/lower_pyrandom.c.
 */
#include "ti.h"
#include <string.h>

#define ERR(in, ...) ctx_error(ti->fn->ctx, DIAG_TYPING, ti->fn, (in)->loc, __VA_ARGS__)

static const char *const P_SEED[] = {"a", NULL};
static const char *const P_NONE[] = {NULL};
static const char *const P_GAUSS[] = {"mu", "sigma", NULL};
static const char *const P_AB[] = {"a", "b", NULL};
static const char *const P_K[] = {"k", NULL};
static const char *const P_RANGE[] = {"start", "stop", "step", NULL};

static bool is_integer(const Type *t) { return ty_is_int(t) || t == ty_bool; }

int ti_type_pyrandom_call(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs) {
    static const struct {
        int bid;
        const char *const *names;
        int nreq;
        bool (*param_ok)(const Type *);   /* every parameter given (None for seed's a) */
        const char *what;
    } forms[] = {
        {BI_PYR_SEED, P_SEED, 0, is_integer, "an integer seed"},
        {BI_PYR_RANDOM, P_NONE, 0, NULL, NULL},
        {BI_PYR_GAUSS, P_GAUSS, 0, ty_is_real, "real numbers"},
        {BI_PYR_NORMALVARIATE, P_GAUSS, 0, ty_is_real, "real numbers"},
        {BI_PYR_UNIFORM, P_AB, 2, ty_is_real, "real numbers"},
        {BI_PYR_GETRANDBITS, P_K, 1, is_integer, "an integer"},
        {BI_PYR_RANDRANGE, P_RANGE, 1, is_integer, "integers"},
        {BI_PYR_RANDINT, P_AB, 2, is_integer, "integers"},
    };
    size_t k = 0;
    while (forms[k].bid != bid) k++;
    const char *fname = ctx_printf(ti->fn->ctx, "random.%s", ti_builtins[bid].name);
    CallInfo *ci = ti_bind(ti, in, bid, fname, forms[k].names, forms[k].nreq, args, nargs, false);
    if (!ci) return -1;
    for (int i = 0; i < ci->nparams; i++) {
        const Type *t = ci->params[i];
        if (ci->argmap[i] < 0 || (t->kind == TY_NONE && (bid == BI_PYR_SEED || bid == BI_PYR_RANDRANGE))) continue;
        if (!forms[k].param_ok(t))
            return ERR(in, "%s() needs %s (got %s for '%s')", fname, forms[k].what, t->name, forms[k].names[i]);
    }
    switch (bid) {
    case BI_PYR_SEED: ci->ret = ty_none; break;
    case BI_PYR_GETRANDBITS: ci->ret = ty_uint64; break;   /* as Numba: 64 bits fit */
    case BI_PYR_RANDRANGE: case BI_PYR_RANDINT: ci->ret = ty_int64; break;
    default: ci->ret = ty_float64; break;
    }
    return 0;
}
