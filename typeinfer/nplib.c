/* nplib.c: typing rules for the NumPy library functions that call into the runtime or need more
 * than one loop: sorting and searching (np.sort argsort searchsorted unique), order statistics
 * (median percentile quantile), clip, diff, concatenate, products (dot vdot outer matmul @),
 * np.linalg (solve inv det norm) and np.random.
 *
 * Compile-time arguments (side=, kind=, ord=, axis= of concatenate) must be constants; lowering
 * reads them from the IR again (ti_const_str, ti_const_real, ti_const_int).
 */
#include "ti.h"
#include "rdist.h"
#include <math.h>
#include <string.h>

#define ERR(in, ...) ctx_error(ti->fn->ctx, DIAG_TYPING, ti->fn, (in)->loc, __VA_ARGS__)
#define UNSUP(in, ...) ctx_error(ti->fn->ctx, DIAG_UNSUPPORTED, ti->fn, (in)->loc, __VA_ARGS__)

static bool real_dtype(int dt) { return ty_dtypes[dt].kind != 'c'; }
static bool is_array(const Type *t) { return t->kind == TY_ARRAY; }
static bool given(const CallInfo *ci, int i) { return ci->argmap[i] != -1 && ci->params[i]->kind != TY_NONE; }

/* A constant string parameter among `choices` (NULL-terminated); its index, `dflt` when left
 * out, -1 after an error. */
static int str_choice(TypeInfo *ti, Instr *in, CallInfo *ci, int i, const char *pname, const char *const *choices,
                      int dflt) {
    if (!given(ci, i)) return dflt;
    const char *s = ci->argmap[i] >= 0 ? ti_const_str(ti, in->args[ci->argmap[i]]) : NULL;
    if (!s) return ERR(in, "%s must be a constant string", pname);
    for (int k = 0; choices[k]; k++)
        if (!strcmp(s, choices[k])) return k;
    return ERR(in, "%s=%s is not supported", pname, s);
}

/* The shape argument `size`: none (a scalar result, 0 returned), an int or a tuple of ints (its
 * ndim), or -1 after an error. */
int ti_size_ndim(TypeInfo *ti, Instr *in, const Type *t) {
    if (t->kind == TY_NONE) return 0;
    if (t == ty_int64) return 1;
    if (t->kind == TY_TUPLE) {
        for (int i = 0; i < t->n; i++)
            if (t->elems[i] != ty_int64) return ERR(in, "size must be an int or a tuple of ints (got %s)", t->name);
        return t->n;
    }
    return ERR(in, "size must be an int or a tuple of ints (got %s)", t->name);
}


/* The argument of parameter `name` (at `pos` when positional, -1: keyword only) of call `in`: its
 * value id (*type its type), or -1 when left out. */
static int call_arg(Instr *in, const Type **args, int nargs, int pos, const char *name, const Type **type) {
    int npos = nargs - in->nkw;
    for (int i = 0; i < in->nkw; i++)
        if (!strcmp(in->kwnames[i], name)) return *type = args[npos + i], in->args[npos + i + 1];
    if (pos >= 0 && pos < npos) return *type = args[pos], in->args[pos + 1];
    return -1;
}

/* The table of ember/_nplib.py that compiles np.median/percentile/quantile in the forms typed
 * in Python (axis= a tuple, keepdims=, q a list or tuple), and always np.nanmedian/
 * nanpercentile/nanquantile; NULL for the forms typed here. keepdims changes the result's ndim,
 * so it must be a constant: ORDER_STATS_KEEPDIMS when it is True. */
static const char *order_stats_table(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs) {
    bool nan = bid == BI_NP_NANMEDIAN || bid == BI_NP_NANPERCENTILE || bid == BI_NP_NANQUANTILE;
    bool median = bid == BI_NP_MEDIAN || bid == BI_NP_NANMEDIAN;
    const Type *axis = NULL, *q = NULL, *keep = NULL;
    call_arg(in, args, nargs, median ? 1 : 2, "axis", &axis);
    if (!median) call_arg(in, args, nargs, 1, "q", &q);
    int kv = call_arg(in, args, nargs, median ? 4 : 6, "keepdims", &keep);
    int64_t keepdims = 0;
    if (kv >= 0 && !ti_const_int(ti, kv, &keepdims)) {
        ERR(in, "np.%s(): keepdims must be a constant True or False (it decides the result's ndim)", ti_builtins[bid].name);
        return NULL;
    }
    if (keepdims) return "ORDER_STATS_KEEPDIMS";
    if (nan || kv >= 0 || (axis && axis->kind == TY_TUPLE) || (q && (q->kind == TY_TUPLE || q->kind == TY_LIST)))
        return "ORDER_STATS";
    return NULL;
}

/* np.pad's mode is a constant string other than the modes typed in npshape.c (ti_pad_modes). */
static bool pad_python_mode(TypeInfo *ti, Instr *in, int npos) {
    int k = ti_kw_index(in, "mode"), at = k >= 0 ? 1 + npos + k : npos > 2 ? 3 : -1;
    const char *mode = at > 0 ? ti_const_str(ti, in->args[at]) : NULL;
    if (!mode) return false;
    for (int i = 0; ti_pad_modes[i]; i++)
        if (!strcmp(mode, ti_pad_modes[i])) return false;
    return true;
}

/* np.linalg.norm(x, ord) of a matrix x with ord a number that is not a constant. */
static bool norm_run_time_ord(TypeInfo *ti, Instr *in, const Type **args, int npos) {
    int k = ti_kw_index(in, "ord"), at = k >= 0 ? 1 + npos + k : npos >= 2 ? 2 : -1;
    double ord;   /* of a matrix, without axis= (a vector's is typed here: type_norm) */
    if (at < 0 || npos > 2 || in->nkw > (k >= 0) || npos < 1 || !is_array(args[0]) || args[0]->ndim != 2) return false;
    const Type *t = ti->vtypes[in->args[at]];
    return t && ty_is_number(t) && t != ty_complex128 && !ti_const_real(ti, in->args[at], &ord);
}

/* A distribution of np.random (normal, uniform, rdist.def's) with an array among its arguments. */
static bool random_broadcast(int bid, const Type **args, int nargs) {
    if (bid != BI_RND_NORMAL && bid != BI_RND_UNIFORM && !(bid >= BI_RND_STD_EXPONENTIAL && bid < BI_RND_STD_EXPONENTIAL + RD_COUNT))
        return false;
    for (int i = 0; i < nargs; i++)
        if (args[i]->kind == TY_ARRAY) return true;
    return false;
}

/* The ember/_nplib.py entry (an object with __ember_dispatcher__) that compiles this call of
 * builtin bid, for the forms written in Python: the order statistics' (order_stats_table),
 * np.sort/np.argsort of a complex array (COMPLEX_SORT), np.diff with axis=, prepend= or append=
 * np.ravel/reshape/copy with an order, np.pad's other modes, np.unique's extras (ember/_npfuncs.py's
 * DIFF_FORMS, ORDER_FORMS, PAD_FORMS, UNIQUE_FORMS), np.random's distributions with array parameters
 * (ember/_nprandom.py's BROADCAST_FORMS). NULL for the forms typed here. */
PyObject *ti_nplib_python_form(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs) {
    const char *table = NULL, *module = "ember._nplib";
    int npos = nargs - in->nkw;
    if (bid == BI_NP_MEDIAN || bid == BI_NP_PERCENTILE || bid == BI_NP_QUANTILE || bid == BI_NP_NANMEDIAN ||
        bid == BI_NP_NANPERCENTILE || bid == BI_NP_NANQUANTILE) {
        table = order_stats_table(ti, in, bid, args, nargs);
    } else if ((bid == BI_NP_SORT || bid == BI_NP_ARGSORT) && npos >= 1 && is_array(args[0]) &&
               ty_dtypes[args[0]->dtype].kind == 'c') {
        table = "COMPLEX_SORT";
    } else if ((bid == BI_NP_RAVEL && npos > 1) || (bid == BI_NP_RESHAPE && npos > 2) ||
               ((bid == BI_NP_RAVEL || bid == BI_NP_RESHAPE || bid == BI_NP_COPY) && ti_kw_index(in, "order") >= 0)) {
        table = "ORDER_FORMS";   /* np.ravel(a, 'F'), np.reshape(a, s, order='F'), np.copy(a, order='F') */
        module = "ember._npfuncs";
    } else if (bid == BI_NP_UNIQUE && npos >= 1 && is_array(args[0]) && ty_dtypes[args[0]->dtype].kind == 'c') {
        table = "COMPLEX_UNIQUE";   /* NumPy's order and NaN collapsing */
        module = "ember._npfuncs";
    } else if (bid == BI_NP_UNIQUE && (npos > 1 || in->nkw)) {
        table = "UNIQUE_FORMS";   /* return_index=, return_inverse=, return_counts=, equal_nan= */
        module = "ember._npfuncs";
    } else if (bid == BI_NP_PAD && pad_python_mode(ti, in, npos)) {
        table = "PAD_FORMS";   /* np.pad(a, w, 'reflect') and the other modes typed in Python */
        module = "ember._npfuncs";
    } else if (bid == BI_NP_DIFF && (npos > 2 || in->nkw > (ti_kw_index(in, "n") >= 0 ? 1 : 0))) {
        table = "DIFF_FORMS";   /* axis=, prepend=, append= */
        module = "ember._npfuncs";
    } else if (bid == BI_LA_NORM && norm_run_time_ord(ti, in, args, npos)) {
        table = "NORM_FORMS";   /* np.linalg.norm(x, p) of a p known at run time */
        module = "ember._npfuncs";
    } else if (bid == BI_NP_INTERP && npos >= 3 && is_array(args[2]) && ty_dtypes[args[2]->dtype].kind == 'c') {
        table = "INTERP_FORMS";   /* complex fp */
        module = "ember._npfuncs";
    } else if ((bid == BI_NP_NANSUM || bid == BI_NP_NANPROD || bid == BI_NP_NANMEAN || bid == BI_NP_NANVAR ||
                bid == BI_NP_NANSTD || bid == BI_NP_NANMIN || bid == BI_NP_NANMAX || bid == BI_NP_PTP) &&
               npos >= 1 && is_array(args[0]) && ty_dtypes[args[0]->dtype].kind == 'c') {
        table = "COMPLEX_NAN_FORMS";   /* of a complex array: NaN where either part is */
        module = "ember._npfuncs";
    } else if (bid == BI_LA_MATRIX_RANK && nargs >= 1 && is_array(args[0]) && args[0]->ndim == 1) {
        table = "RANK_FORMS";   /* a vector's rank */
        module = "ember._npfuncs";
    } else if (random_broadcast(bid, args, nargs)) {
        table = "BROADCAST_FORMS";   /* np.random.normal(mu, 1.0) with mu an array */
        module = "ember._nprandom";
    }
    return table ? ti_python_form(ti, module, table, ti_builtins[bid].name) : NULL;
}

/* The entry `name` of the dict `table` in Python module `module` (kept by the compile), or NULL. */
PyObject *ti_python_form(TypeInfo *ti, const char *module, const char *table, const char *name) {
    PyObject *mod = PyImport_ImportModule(module);
    PyObject *forms = mod ? PyObject_GetAttrString(mod, table) : NULL;
    PyObject *impl = forms ? PyDict_GetItemString(forms, name) : NULL;   /* borrowed */
    if (impl) ctx_keep(ti->fn->ctx, impl);
    Py_XDECREF(mod);
    Py_XDECREF(forms);
    PyErr_Clear();
    return impl;
}

/* The axis parameter i of sort/argsort/median...: a constant int, or None (flatten). The
 * result's ndim (1 for None); *axis (when not NULL) the axis made non-negative, -1 for None. */
static int sort_axis(TypeInfo *ti, Instr *in, CallInfo *ci, int i, const Type *a, const char *fname, int *axis) {
    int64_t ax = -1;
    if (ci->argmap[i] >= 0 && ci->params[i]->kind == TY_NONE) {
        if (axis) *axis = -1;
        return 1;
    }
    if (given(ci, i) && !(ci->argmap[i] >= 0 && ti_const_int(ti, in->args[ci->argmap[i]], &ax)))
        return ERR(in, "np.%s(): axis must be an integer constant or None", fname);
    if (ax < -a->ndim || ax >= a->ndim) return ERR(in, "axis %lld is out of bounds for array of dimension %d", (long long)ax, a->ndim);
    if (axis) *axis = (int)(ax < 0 ? ax + a->ndim : ax);
    return a->ndim;
}
static const char *const P_AR[] = {"ar", NULL};
static const char *const P_SORT[] = {"a", "axis", "kind", NULL};
static const char *const P_SEARCH[] = {"a", "v", "side", NULL};
static const char *const P_AQ[] = {"a", "q", "axis", NULL};
static const char *const P_A_AXIS[] = {"a", "axis", NULL};
static const char *const P_CLIP[] = {"a", "a_min", "a_max", "out", NULL};
static const char *const P_DIFF[] = {"a", "n", NULL};
static const char *const P_CONCAT[] = {"arrays", "axis", NULL};
static const char *const P_AB[] = {"a", "b", NULL};
static const char *const P_DOT[] = {"a", "b", "out", NULL};
static const char *const P_NORM[] = {"x", "ord", "axis", NULL};
static const char *const P_SEED[] = {"seed", NULL};
static const char *const P_SIZE[] = {"size", NULL};
static const char *const P_RANDINT[] = {"low", "high", "size", NULL};
static const char *const P_NORMAL[] = {"loc", "scale", "size", NULL};
static const char *const P_UNIFORM[] = {"low", "high", "size", NULL};
static const char *const P_DIMS[] = {"dims", NULL};

const char *const ti_sort_kinds[] = {"quicksort", "mergesort", "heapsort", "stable", NULL};
const char *const ti_sides[] = {"left", "right", NULL};

static int random_call(TypeInfo *ti, Instr *in, int bid, const char *fname, const Type **args, int nargs) {
    CallInfo *ci;
    int nd;
    switch (bid) {
    case BI_RND_SEED:
        if (!(ci = ti_bind(ti, in, bid, fname, P_SEED, 1, args, nargs, false))) return -1;
        if (ci->params[0] != ty_int64 && ci->params[0] != ty_bool)
            return UNSUP(in, "np.random.seed() needs an integer seed (got %s)", ci->params[0]->name);
        ci->ret = ty_none;
        return 0;
    case BI_RND_RAND: case BI_RND_RANDN: {   /* dimensions as separate arguments */
        for (int i = 0; i < nargs; i++)
            if (args[i] != ty_int64 && args[i] != ty_bool)
                return ERR(in, "np.random.%s() needs integer dimensions (got %s)", fname, args[i]->name);
        if (in->nkw) return ERR(in, "np.random.%s() takes no keyword arguments", fname);
        if (!(ci = ti_bind(ti, in, bid, fname, P_DIMS, 0, args, 0, false))) return -1;
        ci->params[0] = ty_tuple(nargs, args);
        ci->argmap[0] = -2;   /* lowering: the shape is the arguments themselves */
        ci->ret = nargs ? ty_array(DT_FLOAT64, nargs, 'C', false) : ty_float64;
        return 0;
    }
    case BI_RND_RANDOM: case BI_RND_RANDOM_SAMPLE: case BI_RND_RANF: case BI_RND_SAMPLE: case BI_RND_STD_NORMAL:
        if (!(ci = ti_bind(ti, in, bid, fname, P_SIZE, 0, args, nargs, false))) return -1;
        if ((nd = ti_size_ndim(ti, in, ci->params[0])) < 0) return -1;
        ci->ret = nd ? ty_array(DT_FLOAT64, nd, 'C', false) : ty_float64;
        return 0;
    case BI_RND_RANDINT:
        if (!(ci = ti_bind(ti, in, bid, fname, P_RANDINT, 1, args, nargs, false))) return -1;
        for (int i = 0; i < 2; i++)
            if (ci->params[i]->kind != TY_NONE && ci->params[i] != ty_int64 && ci->params[i] != ty_bool)
                return UNSUP(in, "np.random.randint() needs integer bounds (got %s)", ci->params[i]->name);
        if ((nd = ti_size_ndim(ti, in, ci->params[2])) < 0) return -1;
        ci->ret = nd ? ty_array(DT_INT64, nd, 'C', false) : ty_int64;
        return 0;
    case BI_RND_NORMAL: case BI_RND_UNIFORM:
        if (!(ci = ti_bind(ti, in, bid, fname, bid == BI_RND_NORMAL ? P_NORMAL : P_UNIFORM, 0, args, nargs, false)))
            return -1;
        for (int i = 0; i < 2; i++)
            if (ci->params[i]->kind != TY_NONE && (!ty_is_number(ci->params[i]) || ci->params[i] == ty_complex128))
                return UNSUP(in, "np.random.%s() needs real numbers (got %s)", fname, ci->params[i]->name);
        if ((nd = ti_size_ndim(ti, in, ci->params[2])) < 0) return -1;
        ci->ret = nd ? ty_array(DT_FLOAT64, nd, 'C', false) : ty_float64;
        return 0;
    }
    return ti_type_random_dist(ti, in, bid, fname, args, nargs);
}

/* np.linalg.norm(x, ord, axis): axis None (a vector's norm, a matrix's of order ord, the flat
 * 2-norm of any other ndim without ord), an int (vector norms along it) or a pair of ints (matrix
 * norms over those two dims); ord and axis constants. */
static int type_norm(TypeInfo *ti, Instr *in, int bid, const char *fname, const Type **args, int nargs) {
    CallInfo *ci;
    if (!(ci = ti_bind(ti, in, bid, fname, P_NORM, 1, args, nargs, false))) return -1;
    const Type *x = ci->params[0];
    bool cplx = is_array(x) && ty_dtypes[x->dtype].kind == 'c';   /* the norms of |x|, but for the spectral ones */
    if (!is_array(x) || (!real_dtype(x->dtype) && !cplx))
        return UNSUP(in, "np.linalg.norm() of %s is not supported (real and complex arrays are)", x->name);
    int64_t ax[2];
    int nax = 0;
    if (given(ci, 2)) {
        if (ci->argmap[2] < 0 || (nax = ti_const_ints(ti, in->args[ci->argmap[2]], ax, 2)) < 1)
            return UNSUP(in, "np.linalg.norm(): axis must be a constant int or pair of ints");
        for (int k = 0; k < nax; k++)
            if (ax[k] < -x->ndim || ax[k] >= x->ndim) return ERR(in, "axis %lld is out of bounds for %s", (long long)ax[k], x->name);
        if (nax == 2 && (ax[0] + x->ndim) % x->ndim == (ax[1] + x->ndim) % x->ndim) return ERR(in, "Duplicate axes given.");
    }
    int kind = nax ? nax : x->ndim <= 2 ? x->ndim : 0;   /* 1 vector norms, 2 matrix norms, 0 flat */
    if (given(ci, 1)) {
        double ord;
        const char *s = ci->argmap[1] >= 0 ? ti_const_str(ti, in->args[ci->argmap[1]]) : NULL;
        if (kind == 0) return ERR(in, "Improper number of dimensions to norm.");
        if (s) {
            if (kind != 2 || (strcmp(s, "fro") && strcmp(s, "nuc"))) return ERR(in, "invalid norm order '%s' for %s", s, x->name);
        } else if (ci->argmap[1] < 0 || !ti_const_real(ti, in->args[ci->argmap[1]], &ord)) {
            const Type *o = ci->params[1];   /* a vector norm's order may be known at run time only */
            if (kind != 1 || !ty_is_number(o) || o == ty_complex128)
                return ERR(in, "ord must be a number (a constant one for norms over two axes) or 'fro' / 'nuc'");
        } else if (kind == 2 && !(fabs(ord) == 1 || fabs(ord) == 2 || isinf(ord))) {
            return ERR(in, "Invalid norm order %g for matrices", ord);
        }
    }
    int nd = nax ? x->ndim - nax : 0;
    bool single = x->dtype == DT_FLOAT32 || x->dtype == DT_COMPLEX64;
    ci->ret = nd ? ty_array(single ? DT_FLOAT32 : DT_FLOAT64, nd, 'C', false) : ty_float64;   /* NumPy's dtypes */
    return 0;
}

static int linalg_call(TypeInfo *ti, Instr *in, int bid, const char *fname, const Type **args, int nargs) {
    if (ti_need_blas(ti, in, "np.linalg")) return -1;
    if (bid == BI_LA_NORM) return type_norm(ti, in, bid, fname, args, nargs);
    return ti_type_linalg_call(ti, in, bid, fname, args, nargs);
}

/* -2 when bid is not one of this file's functions. */
int ti_type_nplib_call(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs, bool method) {
    const char *fname = ti_builtins[bid].name;
    if (!strcmp(ti_builtins[bid].module, "numpy.random")) return random_call(ti, in, bid, fname, args, nargs);
    if (!strcmp(ti_builtins[bid].module, "numpy.linalg")) return linalg_call(ti, in, bid, fname, args, nargs);
    CallInfo *ci;
    const Type *a;
    switch (bid) {
    case BI_NP_SORT: case BI_NP_ARGSORT: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_SORT, 1, args, nargs, method))) return -1;
        a = ci->params[0];
        if (!is_array(a)) return ERR(in, "np.%s() needs an array (got %s)", fname, a->name);
        if (!real_dtype(a->dtype)) return UNSUP(in, "np.%s() of a complex array is not supported", fname);
        int nd;
        if ((nd = sort_axis(ti, in, ci, 1, a, fname, NULL)) < 0) return -1;
        if (str_choice(ti, in, ci, 2, "kind", ti_sort_kinds, 0) < 0) return -1;
        if (method && bid == BI_NP_SORT) {   /* a.sort(): in place */
            if (a->readonly) return ERR(in, "cannot sort a read-only array in place");
            if (nd != a->ndim) return ERR(in, "a.sort() sorts along an axis (axis=None is np.sort's)");
            ci->builtin = METHOD_SORT;
            ci->ret = ty_none;
            return 0;
        }
        ci->ret = ty_array(bid == BI_NP_SORT ? a->dtype : DT_INT64, nd, 'C', false);
        return 0;
    }
    case BI_NP_SEARCHSORTED: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_SEARCH, 2, args, nargs, method))) return -1;
        a = ci->params[0];
        const Type *v = ci->params[1];
        if (!is_array(a) || a->ndim != 1 || !real_dtype(a->dtype))
            return UNSUP(in, "np.searchsorted() needs a real 1-d array (got %s)", a->name);
        if (!(ty_is_number(v) || is_array(v)) || v == ty_complex128 || (is_array(v) && !real_dtype(v->dtype)))
            return UNSUP(in, "np.searchsorted() of %s is not supported", v->name);
        if (str_choice(ti, in, ci, 2, "side", ti_sides, 0) < 0) return -1;
        ci->ret = is_array(v) ? ty_array(DT_INT64, v->ndim, 'C', false) : ty_int64;
        return 0;
    }
    case BI_NP_MEDIAN: case BI_NP_PERCENTILE: case BI_NP_QUANTILE: {
        bool q = bid != BI_NP_MEDIAN;
        if (!(ci = ti_bind(ti, in, bid, fname, q ? P_AQ : P_A_AXIS, q ? 2 : 1, args, nargs, false))) return -1;
        a = ci->params[0];
        if (!is_array(a) || !real_dtype(a->dtype)) return UNSUP(in, "np.%s() of %s is not supported", fname, a->name);
        if (q && a->dtype == DT_BOOL)   /* NumPy's interpolation subtracts booleans: TypeError */
            return ERR(in, "np.%s() of a boolean array: NumPy's boolean subtract is not supported", fname);
        const Type *qt = q ? ci->params[1] : ty_float64;
        if (!(ty_is_number(qt) && qt != ty_complex128) && !(is_array(qt) && qt->ndim == 1 && real_dtype(qt->dtype)))
            return UNSUP(in, "np.%s() with q of %s is not supported (a number or a 1-d array)", fname, qt->name);
        int axis = -1, nd = 0;
        if (given(ci, q ? 2 : 1) && sort_axis(ti, in, ci, q ? 2 : 1, a, fname, &axis) < 0) return -1;
        if (axis >= 0) nd = a->ndim - 1;   /* one axis reduced */
        nd += is_array(qt);                /* the q axis first */
        /* NumPy: float32 data with a weak or float32 q stays float32 */
        int dt = a->dtype == DT_FLOAT32 && (!is_array(qt) || qt->dtype == DT_FLOAT32) ? DT_FLOAT32 : DT_FLOAT64;
        ci->ret = nd ? ty_array(dt, nd, 'C', false) : ty_float64;
        return 0;
    }
    case BI_NP_UNIQUE:
        if (!(ci = ti_bind(ti, in, bid, fname, P_AR, 1, args, nargs, false))) return -1;
        a = ci->params[0];
        if (!is_array(a) || !real_dtype(a->dtype)) return UNSUP(in, "np.unique() of %s is not supported", a->name);
        ci->ret = ty_array(a->dtype, 1, 'C', false);
        return 0;
    case BI_NP_CLIP: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_CLIP, 3, args, nargs, method))) return -1;
        int nd = 0;
        for (int i = 0; i < 3; i++) {
            const Type *p = ci->params[i];
            if (i > 0 && (p->kind == TY_NONE || ci->argmap[i] < 0)) continue;   /* np.clip(a, None, hi): no lower bound */
            if (!(ty_is_number(p) || is_array(p)) || p == ty_complex128 || (is_array(p) && !real_dtype(p->dtype)))
                return UNSUP(in, "np.clip() of %s is not supported", p->name);
            if (is_array(p) && p->ndim > nd) nd = p->ndim;
        }
        if (ci->params[1]->kind == TY_NONE && ci->params[2]->kind == TY_NONE)
            return ERR(in, "np.clip() needs a lower or an upper bound (both are None)");
        int dt = ci->params[1]->kind == TY_NONE ? ti_result_dtype(ci->params[0], ci->params[0])
                                                : ti_result_dtype(ci->params[0], ci->params[1]);
        if (ci->params[2]->kind != TY_NONE) dt = ti_result_dtype(ty_array(dt, nd ? nd : 1, 'C', false), ci->params[2]);
        ci->ret = nd ? ti_ew_array(dt, nd, ci->params[0], ci->argmap[1] >= 0 ? ci->params[1] : NULL,
                                   ci->argmap[2] >= 0 ? ci->params[2] : NULL) : ty_scalar_of(dt);
        if (ci->argmap[3] >= 0 && ci->params[3]->kind != TY_NONE) {   /* out=: written and returned, as a ufunc's */
            if (ti_check_out(ti, in, fname, ci->params[3], nd, dt)) return -1;
            ci->ret = ci->params[3];
            ci->dtype = dt;
        }
        return 0;
    }
    case BI_NP_DIFF:
        if (!(ci = ti_bind(ti, in, bid, fname, P_DIFF, 1, args, nargs, false))) return -1;
        a = ci->params[0];
        if (!is_array(a) || a->ndim == 0) return ERR(in, "np.diff() needs an array of one dimension or more (got %s)", a->name);
        if (given(ci, 1) && ci->params[1] != ty_int64) return ERR(in, "n must be an integer (got %s)", ci->params[1]->name);
        ci->ret = ty_array(a->dtype, a->ndim, 'C', false);
        return 0;
    case BI_NP_CONCATENATE: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_CONCAT, 1, args, nargs, false))) return -1;
        const Type *t = ci->params[0];
        if (t->kind != TY_TUPLE || t->n == 0)
            return UNSUP(in, "np.concatenate() needs a tuple of arrays (got %s)", t->name);
        int dt = -1, nd = -1;
        for (int i = 0; i < t->n; i++) {
            const Type *e = t->elems[i];
            Instr *tuple = ci->argmap[0] >= 0 ? ti->fn->instrs[in->args[ci->argmap[0]]] : NULL;
            if (tuple && tuple->op == IR_TUPLE && ti_is_array_like(ti, tuple->args[i])) return ti_wrap_array_like(ti, tuple, i);
            if (!is_array(e)) return ERR(in, "np.concatenate() needs arrays (got %s)", e->name);
            if (nd >= 0 && e->ndim != nd)
                return ERR(in, "all the input arrays must have the same number of dimensions (%s)", t->name);
            nd = e->ndim;
            dt = dt < 0 ? e->dtype : ty_promote(dt, e->dtype);
        }
        int64_t ax = 0;
        if (ci->argmap[1] >= 0 && ci->params[1]->kind == TY_NONE) {   /* axis=None: the arrays flattened, joined */
            ci->ret = ty_array(dt, 1, 'C', false);
            return 0;
        }
        if (given(ci, 1) && !(ci->argmap[1] >= 0 && ti_const_int(ti, in->args[ci->argmap[1]], &ax)))
            return ERR(in, "axis must be an integer constant");
        if (ax < -nd || ax >= nd) return ERR(in, "axis %lld is out of bounds for arrays of dimension %d", (long long)ax, nd);
        ci->ret = ty_array(dt, nd, 'C', false);
        return 0;
    }
    case BI_NP_DOT: case BI_NP_MATMUL: case BI_NP_VDOT: case BI_NP_OUTER: {
        if (!(ci = ti_bind(ti, in, bid, fname, (bid == BI_NP_DOT || bid == BI_NP_OUTER) && !method ? P_DOT : P_AB, 2, args, nargs,
                           method)))
            return -1;
        const Type *x = ci->params[0], *y = ci->params[1];
        if (bid == BI_NP_DOT && !method && given(ci, 2) && ci->params[2]->kind != TY_NONE) {   /* np.dot(a, b, out): written, returned */
            const Type *r = ti_product_type(ti, in, "np.dot()", x, y), *o = ci->params[2];
            if (!r) return -1;
            if (r->kind != TY_ARRAY)
                return UNSUP(in, "np.dot(): out= for a product of two 1-d arrays (a scalar) is not supported");
            if (o->kind != TY_ARRAY || o->dtype != r->dtype || o->ndim != r->ndim || o->layout != 'C' || o->readonly)
                return ERR(in, "np.dot(): out must be a writable C-contiguous %d-d %s array, as the result (got %s)",
                           r->ndim, ty_dtypes[r->dtype].name, o->name);
            ci->ret = o;
            return 0;
        }
        if (bid == BI_NP_DOT || bid == BI_NP_MATMUL)
            return (ci->ret = ti_product_type(ti, in, bid == BI_NP_DOT ? "np.dot()" : "np.matmul()", x, y)) ? 0 : -1;
        if (!is_array(x) || !is_array(y)) return UNSUP(in, "np.%s() needs arrays (got %s, %s)", fname, x->name, y->name);
        int dt = ty_promote(x->dtype, y->dtype);
        if (dt == DT_BOOL) return UNSUP(in, "np.%s() of boolean arrays is not supported", fname);
        if (bid == BI_NP_VDOT && dt == DT_FLOAT64 && ti_need_blas(ti, in, "np.vdot()")) return -1;
        ci->ret = bid == BI_NP_VDOT ? ty_scalar_of(dt) : ty_array(dt, 2, 'C', false);
        if (bid == BI_NP_OUTER && given(ci, 2) && ci->params[2]->kind != TY_NONE) {   /* np.outer(a, b, out): written, returned */
            const Type *o = ci->params[2];
            char ok = o->kind == TY_ARRAY ? ty_dtypes[o->dtype].kind : 0, rk = ty_dtypes[dt].kind;   /* NumPy's same_kind cast */
            if (o->kind != TY_ARRAY || o->ndim != 2 || o->readonly || o->dtype == DT_BOOL || (rk == 'c' && ok != 'c') ||
                (rk == 'f' && ok != 'f' && ok != 'c'))
                return ERR(in, "np.outer(): out must be a writable 2-d array of a %s result (got %s)", ty_dtypes[dt].name, o->name);
            ci->ret = o;
        }
        return 0;
    }
    }
    return ti_type_npshape_call(ti, in, bid, args, nargs, method);
}
