/* numpy.c: typing rules for calls of NumPy functions and array methods.
 *
 * Each rule binds the call's positional and keyword arguments to the function's parameter
 * names (bind), then computes the result type. The CallInfo records the argument types as the
 * parameter types (lowering converts as it needs) and `none` for optional parameters left out.
 * A method call (a.sum(axis=0)) is typed as the function with the receiver as its first argument.
 */
#include "ti.h"
#include "rt.h"
#include <string.h>

#define ERR(in, ...) ctx_error(ti->fn->ctx, DIAG_TYPING, ti->fn, (in)->loc, __VA_ARGS__)
#define UNSUP(in, ...) ctx_error(ti->fn->ctx, DIAG_UNSUPPORTED, ti->fn, (in)->loc, __VA_ARGS__)

/* Bind the call's arguments to `names` (NULL-terminated; the first `nreq` required). For a
 * method, the receiver (the CALL's callee value) binds to the first name. */
CallInfo *ti_bind(TypeInfo *ti, Instr *in, int bid, const char *fname, const char *const *names,
                      int nreq, const Type **args, int nargs, bool method) {
    int np = 0;
    while (names[np]) np++;
    CallInfo *ci = ctx_alloc(ti->fn->ctx, sizeof *ci);
    if (!ci) return NULL;
    ci->kind = CALL_BUILTIN;
    ci->builtin = bid;
    ci->nparams = np;
    ci->params = ctx_alloc(ti->fn->ctx, sizeof(Type *) * (size_t)(np + 1));
    ci->argmap = ctx_alloc(ti->fn->ctx, sizeof(int) * (size_t)(np + 1));
    ci->defaults = ctx_alloc(ti->fn->ctx, sizeof(PyObject *) * (size_t)(np + 1));
    if (!ci->params || !ci->argmap || !ci->defaults) return NULL;
    for (int i = 0; i < np; i++) {
        ci->argmap[i] = -1;
        ci->params[i] = ty_none;
        ci->defaults[i] = Py_None;
    }
    int npos = nargs - in->nkw, first = 0;
    if (method) {
        ci->argmap[0] = 0;
        ci->params[0] = ti->vtypes[in->args[0]]->recv;
        first = 1;
    }
    if (npos + first > np) return ERR(in, "%s() takes at most %d arguments (%d given)", fname, np - first, npos), NULL;
    for (int i = 0; i < npos; i++) {
        ci->argmap[first + i] = 1 + i;
        ci->params[first + i] = args[i];
    }
    for (int k = 0; k < in->nkw; k++) {
        int found = -1;
        for (int i = first; i < np; i++)
            if (!strcmp(names[i], in->kwnames[k])) found = i;
        if (found < 0) return UNSUP(in, "%s() got an unsupported keyword argument '%s'", fname, in->kwnames[k]), NULL;
        if (ci->argmap[found] >= 0) return ERR(in, "%s() got multiple values for argument '%s'", fname, in->kwnames[k]), NULL;
        ci->argmap[found] = 1 + npos + k;
        ci->params[found] = args[npos + k];
    }
    for (int i = first; i < np; i++)   /* dtype='float32', 'i8', '<f4': the dtype NumPy's name gives */
        if (ci->argmap[i] >= 0 && ci->params[i] == ty_str && !strcmp(names[i], "dtype")) {
            const char *s = ti_const_str(ti, in->args[ci->argmap[i]]);
            int dt = ti_dtype_of_name(s);
            if (s && dt < 0) return ERR(in, "%s(): data type '%s' not understood", fname, s), NULL;
            if (dt >= 0) ci->params[i] = ty_dtype(dt);
        }
    for (int i = 0; i < nreq; i++)
        if (ci->argmap[i] < 0) return ERR(in, "%s() missing required argument '%s'", fname, names[i]), NULL;
    ti->calls[in->id] = ci;
    return ci;
}

/* The dtype a constant string names as NumPy's does ('float32', 'f4', 'int64', 'complex'); -1
 * for NULL or another string. */
int ti_dtype_of_name(const char *s) {
    PyObject *name = s ? PyUnicode_FromString(s) : NULL;
    int dt = name ? rt_dtype_of_object(name) : -1;
    Py_XDECREF(name);
    PyErr_Clear();
    return dt;
}

/* A dtype given as np.float64, np.dtype(...) or float/int/bool/complex; -1 if t is not one. */
int ti_dtype_arg(const Type *t) {
    if (t->kind == TY_DTYPE) return t->dtype;
    if (t->kind == TY_FUNCTION) {
        switch (t->builtin) {
        case BI_FLOAT: return DT_FLOAT64;
        case BI_INT: return DT_INT64;
        case BI_BOOL: return DT_BOOL;
        case BI_COMPLEX: return DT_COMPLEX128;
        }
    }
    return -1;
}

static int dtype_param(TypeInfo *ti, Instr *in, CallInfo *ci, int i, int dflt) {
    if (ci->argmap[i] < 0 || ci->params[i]->kind == TY_NONE) return dflt;
    int dt = ti_dtype_arg(ci->params[i]);
    if (dt < 0) ERR(in, "dtype must be a NumPy type such as np.float64 (got %s)", ci->params[i]->name);
    return dt;
}

/* The number of dimensions a shape argument gives: an int is 1, a tuple of ints its length
 * (uint64 sizes too, `np.uint64(1) << k`: one too large for int64 is a negative dimension). */
static int shape_ndim(TypeInfo *ti, Instr *in, const Type *t) {
    if (t == ty_int64 || t == ty_uint64) return 1;
    if (t->kind == TY_TUPLE) {
        for (int i = 0; i < t->n; i++)
            if (t->elems[i] != ty_int64 && t->elems[i] != ty_uint64)
                return ERR(in, "a shape must be integers (got %s)", t->name), -1;
        return t->n;
    }
    return ERR(in, "a shape must be an int or a tuple of ints (got %s)", t->name), -1;
}

static const char *const P_A[] = {"a", NULL};
static const char *const P_SHAPE_DTYPE[] = {"shape", "dtype", NULL};
static const char *const P_FULL[] = {"shape", "fill_value", "dtype", NULL};
static const char *const P_LIKE[] = {"a", "dtype", NULL};
static const char *const P_AS_STRIDED[] = {"x", "shape", "strides", "subok", "writeable", NULL};

/* The length of a shape or strides given as an int or a tuple of ints (an int: 1); -1 for another. */
static int int_dims(const Type *t) {
    if (ty_is_int(t)) return 1;
    if (t->kind != TY_TUPLE) return -1;
    for (int i = 0; i < t->n; i++)
        if (!ty_is_int(t->elems[i])) return -1;
    return t->n;
}
static const char *const P_FULL_LIKE[] = {"a", "fill_value", "dtype", NULL};
static const char *const P_ARANGE[] = {"start", "stop", "step", "dtype", NULL};
static const char *const P_EYE[] = {"N", "M", "k", "dtype", NULL};
static const char *const P_IDENTITY[] = {"n", "dtype", NULL};
static const char *const P_AXES[] = {"a", "axes", NULL};
static const char *const P_RESHAPE[] = {"a", "shape", NULL};
static const char *const P_ASTYPE[] = {"a", "dtype", NULL};
static const char *const P_FILL[] = {"a", "value", NULL};
static const char *const P_WHERE[] = {"condition", "x", "y", NULL};
static const char *const P_UFUNC1[] = {"x", NULL};
static const char *const P_UFUNC1_OUT[] = {"x", "out", "where", NULL};
static const char *const P_UFUNC2_OUT[] = {"x1", "x2", "out", "where", NULL};
static const char *const P_ARRAY[] = {"object", "dtype", NULL};
static const char *const P_IX[] = {"a0", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a9", "a10", "a11", "a12", "a13",
                                   "a14", "a15", "a16", "a17", "a18", "a19", "a20", "a21", "a22", "a23", "a24", "a25",
                                   "a26", "a27", "a28", "a29", "a30", "a31", NULL};

static bool is_num_or_array(const Type *t) { return ty_is_number(t) || t->kind == TY_ARRAY; }

/* The ufuncs lowered for complex operands (codegen/lower_numpy.c). */
static bool complex_ufunc(int bid) {
    switch (ti_builtins[bid].shape) {
    case SH_UB: return bid != BI_NP_SIGNBIT;
    case SH_BB: return true;   /* complex arrays order lexicographically, as NumPy's */
    case SH_UF:   /* not cbrt, fabs, spacing or the degree conversions, as NumPy */
        return bid != BI_NP_CBRT && bid != BI_NP_FABS && bid != BI_NP_SPACING && bid != BI_NP_DEG2RAD &&
               bid != BI_NP_RAD2DEG && bid != BI_NP_DEGREES && bid != BI_NP_RADIANS;
    case SH_US:
        return bid == BI_NP_ABS || bid == BI_NP_ABSOLUTE || bid == BI_NP_NEGATIVE || bid == BI_NP_SQUARE ||
               bid == BI_NP_CONJUGATE || bid == BI_NP_POSITIVE || bid == BI_NP_RECIPROCAL || bid == BI_NP_SIGN ||
               bid == BI_NP_RINT;
    case SH_BS:
        return bid == BI_NP_ADD || bid == BI_NP_SUBTRACT || bid == BI_NP_MULTIPLY || bid == BI_NP_DIVIDE ||
               bid == BI_NP_TRUE_DIVIDE || bid == BI_NP_POWER || bid == BI_NP_MINIMUM || bid == BI_NP_MAXIMUM ||
               bid == BI_NP_FMIN || bid == BI_NP_FMAX;
    case SH_BF: return bid == BI_NP_FLOAT_POWER;
    default: return false;
    }
}

/* The ufuncs NumPy defines for integers and booleans only. */
static bool integer_ufunc(int bid) {
    return bid == BI_NP_BITWISE_AND || bid == BI_NP_BITWISE_OR || bid == BI_NP_BITWISE_XOR || bid == BI_NP_LEFT_SHIFT ||
           bid == BI_NP_RIGHT_SHIFT || bid == BI_NP_INVERT || bid == BI_NP_BITWISE_NOT || bid == BI_NP_GCD || bid == BI_NP_LCM;
}



/* The reductions (np.sum & co and their methods, ti_reduction_params gives each one's
 * parameters). axis: None, an int (a constant is checked here, one known at run time by
 * lowering) or a tuple of ints (NumPy's multi-axis form; not for argmin/argmax and the
 * cumulative ones, which take one axis); keepdims a constant bool; dtype= the accumulator and
 * result dtype (ci->dtype, else -1); out= an array of the result's dimensions, which the
 * reduction writes (with NumPy's unsafe cast) and returns; ddof an int or float. */
static int type_reduction(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs, bool method, int ufmethod) {
    const char *fname = ti_builtins[bid].name;
    const char *const *names = ti_reduction_params(bid, ufmethod);
    CallInfo *ci = ti_bind(ti, in, bid, fname, names, 1, args, nargs, method);
    if (!ci) return -1;
    ci->dtype = -1;
    ci->ufmethod = ufmethod;
    const Type *a = ci->params[0];
    if (ty_is_number(a) && !method && !ufmethod) {   /* np.sum(3): of the number as a 0-d array, as NumPy */
        int sdt = ci->argmap[0] > 0 ? ti_numpy_scalar_dtype(ti, in->args[ci->argmap[0]]) : -1;
        a = ci->params[0] = ty_array(sdt >= 0 ? sdt : ty_dtype_of_scalar(a), 0, 'C', false);
    }
    if (a->kind != TY_ARRAY) return ERR(in, "np.%s() needs an array (got %s)", fname, a->name);
    if (ufmethod && ci->argmap[1] < 0) {   /* np.add.reduce(a): axis=0 */
        ci->params[1] = ty_int64;
        ci->defaults[1] = ctx_keep(ti->fn->ctx, PyLong_FromLong(0));
        Py_DECREF(ci->defaults[1]);
    }
    bool cum = bid == BI_NP_CUMSUM || bid == BI_NP_CUMPROD || ufmethod == UF_ACCUMULATE;
    bool single = cum || bid == BI_NP_ARGMIN || bid == BI_NP_ARGMAX;
    int nd = a->ndim, nred = nd, p;
    if ((p = ti_reduction_param(ci, "axis")) >= 0) {
        const Type *ax = ci->params[p];
        int64_t k[64];
        if (ax->kind == TY_TUPLE && !single) {
            for (int i = 0; i < ax->n; i++)
                if (ax->elems[i] != ty_int64) return ERR(in, "axis must be an integer or a tuple of integers (got %s)", ax->name);
            int n = ti_const_ints(ti, in->args[ci->argmap[p]], k, 64);
            for (int i = 0; i < n; i++) {
                if (k[i] < -nd || k[i] >= nd)
                    return ERR(in, "axis %lld is out of bounds for an array of dimension %d", (long long)k[i], nd);
                for (int j = 0; j < i; j++)
                    if ((k[j] + nd) % nd == (k[i] + nd) % nd) return ERR(in, "duplicate value in 'axis'");
            }
            if (ax->n > nd) return ERR(in, "axis %s has more entries than the array's %d dimensions", ax->name, nd);
            nred = ax->n;
        } else {
            if (ax != ty_int64 && ax != ty_bool)
                return ERR(in, "axis must be an integer%s (got %s)", single ? "" : " or a tuple of integers", ax->name);
            if (ti_param_const_int(ti, in, ci, p, &k[0]) && (k[0] < -nd || k[0] >= nd))
                return ERR(in, "axis %lld is out of bounds for an array of dimension %d", (long long)k[0], nd);
            nred = 1;
        }
    }
    bool keepdims = false;
    p = ti_reduction_param(ci, "keepdims");
    if (p >= 0 && ci->argmap[p] <= nargs - in->nkw && (single || bid == BI_NP_COUNT_NONZERO))   /* NumPy: keyword-only */
        return ERR(in, "%s() takes keepdims as a keyword argument only", fname);
    if (p >= 0) {
        int64_t k;
        if (ci->params[p] != ty_bool && ci->params[p] != ty_int64)
            return ERR(in, "keepdims must be True or False (got %s)", ci->params[p]->name);
        if (!ti_const_int(ti, in->args[ci->argmap[p]], &k)) return ERR(in, "keepdims must be a constant True or False");
        keepdims = k != 0;
    }
    if ((p = ti_reduction_param(ci, "ddof")) >= 0 && ci->params[p] != ty_int64 && ci->params[p] != ty_float64 &&
        ci->params[p] != ty_bool)
        return ERR(in, "ddof must be a number (got %s)", ci->params[p]->name);
    if ((p = ti_reduction_param(ci, "dtype")) >= 0) {
        if ((ci->dtype = dtype_param(ti, in, ci, p, DT_FLOAT64)) < 0) return -1;
        char k = ty_dtypes[ci->dtype].kind;
        if (ty_dtypes[a->dtype].kind == 'c' && k != 'c')
            return ERR(in, "np.%s(): cannot cast complex values to %s", fname, ty_dtypes[ci->dtype].name);
        if (ufmethod && bid != BI_NP_ADD && bid != BI_NP_MULTIPLY)
            return UNSUP(in, "np.%s.%s() with dtype= is not supported", fname, ufmethod == UF_REDUCE ? "reduce" : "accumulate");
        if ((bid == BI_NP_MEAN || bid == BI_NP_VAR || bid == BI_NP_STD) && k != 'f' && k != 'c')
            return UNSUP(in, "np.%s() with dtype %s is not supported (only float and complex)", fname, ty_dtypes[ci->dtype].name);
    }
    int dt = ti_reduction_dtype(bid, a->dtype, ci->dtype);
    int rnd = cum ? (p = ti_reduction_param(ci, "axis")) >= 0 ? nd : 1 : keepdims ? nd : nd - nred;
    if (cum && nd == 1) rnd = 1;
    ci->ret = rnd == 0 ? ty_scalar_of(dt) : ty_array(dt, rnd, 'C', false);
    if ((p = ti_reduction_param(ci, "out")) >= 0) {
        const Type *o = ci->params[p];
        if (o->kind != TY_ARRAY) return ERR(in, "out= must be an array (got %s)", o->name);
        if (o->readonly) return ERR(in, "out= is a read-only array");
        if (rnd == 0) return UNSUP(in, "out= of a reduction to a scalar is not supported (give an axis or keepdims=True)");
        if (o->ndim != rnd) return ERR(in, "out= has %d dimensions, the result %d", o->ndim, rnd);
        if ((bid == BI_NP_ARGMIN || bid == BI_NP_ARGMAX) && o->dtype != DT_INT64)
            return ERR(in, "np.%s(): out= must be an int64 array (got %s)", fname, o->name);
        if (ty_dtypes[dt].kind == 'c' && ty_dtypes[o->dtype].kind != 'c')
            return ERR(in, "np.%s(): cannot store complex values in out= of %s", fname, ty_dtypes[o->dtype].name);
        ci->ret = o;
    }
    return 0;
}

/* NumPy's "same_kind" casting of a ufunc's result into out=: bool, unsigned, signed, float,
 * complex, each kind castable to itself and the kinds after it. */
bool ti_same_kind_cast(int from, int to) {
    static const char order[] = "buifc";
    return strchr(order, ty_dtypes[from].kind) <= strchr(order, ty_dtypes[to].kind);
}

/* A ufunc's out= (an array the inputs broadcast to, which it writes and returns) and where= (a
 * bool mask: elements where it is False keep out's values; it needs out=). */
int ti_check_out(TypeInfo *ti, Instr *in, const char *fname, const Type *o, int nd, int dt) {
    if (o->kind == TY_TUPLE && o->n == 1) return UNSUP(in, "np.%s(): give out= as an array, not a tuple", fname);
    if (o->kind != TY_ARRAY) return ERR(in, "np.%s(): out= must be an array (got %s)", fname, o->name);
    if (o->readonly) return ERR(in, "np.%s(): out= is a read-only array", fname);
    if (o->ndim < nd) return ERR(in, "np.%s(): out= has %d dimensions, fewer than the inputs' %d (non-broadcastable output)", fname, o->ndim, nd);
    if (!ti_same_kind_cast(dt, o->dtype))
        return ERR(in, "Cannot cast ufunc '%s' output from %s to %s with casting rule 'same_kind'", fname,
                   ty_dtypes[dt].name, ty_dtypes[o->dtype].name);
    return 0;
}

static int ufunc_out_where(TypeInfo *ti, Instr *in, CallInfo *ci, int nd, int nargs) {
    const char *fname = ti_builtins[ci->builtin].name;
    int po = ti_ufunc_nin(ci->builtin), pw = po + 1;
    bool out = ci->argmap[po] >= 0 && ci->params[po]->kind != TY_NONE, where = ci->argmap[pw] >= 0;
    if (where && ci->argmap[pw] <= nargs - in->nkw) return ERR(in, "np.%s() takes where= as a keyword argument only", fname);
    if (out) {
        if (ti_check_out(ti, in, fname, ci->params[po], nd, ci->dtype)) return -1;
        ci->ret = ci->params[po];
    }
    if (where) {
        const Type *w = ci->params[pw];
        if (!out) return UNSUP(in, "np.%s(): where= without out= leaves the other elements unset; give out= too", fname);
        if (w != ty_bool && !(w->kind == TY_ARRAY && w->dtype == DT_BOOL))
            return ERR(in, "np.%s(): where= must be a bool or an array of bools (got %s)", fname, w->name);
        if (w->kind == TY_ARRAY && w->ndim > ci->ret->ndim)
            return ERR(in, "np.%s(): where= has more dimensions than out=", fname);
    }
    return 0;
}

/* Parameter p (of type t) of call ci as it takes part in dtype promotion: a NumPy scalar
 * argument is strong (np.add(a, b64[0]), typeinfer/npscalar.c). */
static const Type *promoted(TypeInfo *ti, Instr *in, const CallInfo *ci, int p, const Type *t) {
    int at = ci ? ci->argmap[p] : -1;
    return at >= 0 && t->kind != TY_ARRAY && ti->vtypes[in->args[at]] == t ? ti_promotion_type(ti, in->args[at]) : t;
}

/* The dtype ufunc bid computes in for operands x and y (y NULL: unary), parameters 0 and 1 of ci
 * (NULL: operands that are no call's arguments), or -1 with the error NumPy would raise (a
 * located diagnostic). */
static int ufunc_operands(TypeInfo *ti, Instr *in, const CallInfo *ci, int bid, const Type *x, const Type *y) {
    const char *fname = ti_builtins[bid].name;
    int dt;
    if (y && (x->kind == TY_ARRAY || y->kind == TY_ARRAY)) {   /* an array with a NumPy scalar */
        x = promoted(ti, in, ci, 0, x);
        y = promoted(ti, in, ci, 1, y);
    }
    if (!is_num_or_array(x) || (y && !is_num_or_array(y)))
        return ERR(in, "np.%s() is not supported for %s%s%s", fname, x->name, y ? " and " : "", y ? y->name : "");
    if (ty_dtypes[ti_result_dtype(x, y ? y : x)].kind == 'c' && !complex_ufunc(bid))
        return UNSUP(in, "np.%s() of complex values is not supported", fname);
    dt = ti_ufunc_dtype(bid, x, y ? y : x);
    if (integer_ufunc(bid) && ty_dtypes[dt].kind != 'i' && ty_dtypes[dt].kind != 'u' && ty_dtypes[dt].kind != 'b')
        return ERR(in, "np.%s() is not supported for %s%s%s (NumPy: integers and booleans only)", fname, x->name,
                   y ? " and " : "", y ? y->name : "");
    if ((bid == BI_NP_POSITIVE || bid == BI_NP_NEGATIVE || bid == BI_NP_SUBTRACT || bid == BI_NP_SIGN) &&
        ti_result_dtype(x, y ? y : x) == DT_BOOL)
        return ERR(in, "np.%s() of booleans is not supported", fname);   /* NumPy: TypeError */
    if ((bid == BI_NP_GCD || bid == BI_NP_LCM) && dt == DT_BOOL) return ERR(in, "np.%s() is not supported for booleans", fname);
    if (bid == BI_NP_LDEXP) {
        int ed = y->kind == TY_ARRAY ? y->dtype : ty_dtype_of_scalar(y);
        if (!strchr("biu", ty_dtypes[ed].kind) || ed == DT_UINT64)
            return ERR(in, "np.ldexp() needs integer exponents (got %s)", y->name);
    }
    return dt;
}

static const char *const P_DTYPE[] = {"dtype", NULL};   /* np.finfo, np.iinfo, np.dtype */

/* np.finfo(dt) / np.iinfo(dt) for a dtype known at compile time: a frozen namespace (typed as a
 * module, so `np.finfo(np.float64).eps` reads a constant) holding NumPy's values as Python
 * floats and ints. The float32 constants are therefore float64 values (each exact); iinfo of
 * uint64 has a max beyond int64, which reading it reports. One namespace per call site (the
 * rounds of typing reuse it). */
static int type_machine_info(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs) {
    static const char *const fattrs[] = {"eps", "epsneg", "max", "min", "tiny", "smallest_normal", "smallest_subnormal",
                                         "resolution", /* floats; then ints */ "bits", "precision", "maxexp", "minexp",
                                         "machep", "negep", "nexp", "nmant", "iexp", NULL};
    static const char *const iattrs[] = {"min", "max", "bits", NULL};
    const char *fname = ti_builtins[bid].name;
    const CallInfo *done = ti->calls[in->id];
    const Type *known = done && done->kind == CALL_BUILTIN && done->builtin == bid ? done->ret : NULL;
    CallInfo *ci = ti_bind(ti, in, bid, fname, P_DTYPE, 1, args, nargs, false);
    if (!ci) return -1;
    if (known && known->kind == TY_MODULE) {   /* typed in an earlier round: the same namespace */
        ci->ret = known;
        return 0;
    }
    const Type *a = ci->params[0];
    int dt = ti_dtype_arg(a);
    if (dt < 0) return ERR(in, "np.%s() needs a dtype (got %s)", fname, a->name);
    char kind = ty_dtypes[dt].kind;
    if (bid == BI_NP_FINFO ? !strchr("fc", kind) : !strchr("iu", kind))   /* NumPy: ValueError */
        return ERR(in, "np.%s() of %s: data type not %s", fname, ty_dtypes[dt].name, bid == BI_NP_FINFO ? "inexact" : "an integer type");
    PyObject *np = PyImport_ImportModule("numpy"), *ns_type = NULL, *info = NULL, *ns = NULL;
    PyObject *types = PyImport_ImportModule("types");
    if (np && types) {
        ns_type = PyObject_GetAttrString(types, "SimpleNamespace");
        info = PyObject_CallMethod(np, fname, "s", ty_dtypes[dt].name);
    }
    if (ns_type && info) ns = PyObject_CallNoArgs(ns_type);
    for (const char *const *n = bid == BI_NP_FINFO ? fattrs : iattrs; ns && *n; n++) {
        bool real = bid == BI_NP_FINFO && n - fattrs < 8;
        PyObject *v = PyObject_GetAttrString(info, *n);
        PyObject *py = !v ? NULL : real ? PyNumber_Float(v) : PyNumber_Long(v);
        if (!py || PyObject_SetAttrString(ns, *n, py) < 0) Py_CLEAR(ns);
        Py_XDECREF(v);
        Py_XDECREF(py);
    }
    Py_XDECREF(np);
    Py_XDECREF(types);
    Py_XDECREF(ns_type);
    Py_XDECREF(info);
    if (!ns) {
        PyErr_Clear();
        return ERR(in, "np.%s(%s) could not be read", fname, ty_dtypes[dt].name);
    }
    ctx_keep(ti->fn->ctx, ns);
    Py_DECREF(ns);
    ci->ret = ty_object(TY_MODULE, ns, 0);
    return 0;
}

int ti_type_numpy_call(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs, bool method) {
    const char *fname = ti_builtins[bid].name;
    CallInfo *ci;
    const Type *a;
    int dt;
    if (ti_is_ufunc(bid)) {
        BuiltinShape sh = ti_builtins[bid].shape;
        bool binary = sh == SH_BF || sh == SH_BS || sh == SH_BB;
        for (int i = 0; !method && i < (binary ? 2 : 1) && i < nargs - in->nkw; i++)
            if (ti_is_array_like(ti, in->args[i + 1])) return ti_wrap_array_like(ti, in, i + 1);   /* np.add(a, (1, 2)) */
        if (!(ci = ti_bind(ti, in, bid, fname, binary ? P_UFUNC2_OUT : P_UFUNC1_OUT, binary ? 2 : 1, args, nargs, method))) return -1;
        const Type *x = ci->params[0], *y = binary ? ci->params[1] : NULL;
        if ((dt = ufunc_operands(ti, in, ci, bid, x, y)) < 0) return -1;
        bool arr = x->kind == TY_ARRAY || (y && y->kind == TY_ARRAY);
        int nd = x->kind == TY_ARRAY ? x->ndim : 0;
        if (y && y->kind == TY_ARRAY && y->ndim > nd) nd = y->ndim;
        ci->ret = arr ? ti_ew_array(dt, nd, x, y, NULL) : ty_scalar_of(dt);
        ci->dtype = dt;   /* the loop's dtype, also where out= has another */
        return ufunc_out_where(ti, in, ci, nd, nargs);
    }
    switch (bid) {
    case BI_NP_WHERE: {
        if (nargs == 1 && !in->nkw) return ti_type_npstats_call(ti, in, BI_NP_NONZERO, args, nargs, false);   /* np.where(cond) */
        if (!(ci = ti_bind(ti, in, bid, fname, P_WHERE, 3, args, nargs, false))) return -1;
        const Type *c = ci->params[0], *x = ci->params[1], *y = ci->params[2];
        if (!is_num_or_array(c) || !is_num_or_array(x) || !is_num_or_array(y))
            return ERR(in, "np.where() needs arrays or numbers (got %s, %s, %s)", c->name, x->name, y->name);
        dt = ti_result_dtype(promoted(ti, in, ci, 1, x), promoted(ti, in, ci, 2, y));   /* np.uint8(255): strong */
        int nd = c->kind == TY_ARRAY ? c->ndim : 0;
        if (x->kind == TY_ARRAY && x->ndim > nd) nd = x->ndim;
        if (y->kind == TY_ARRAY && y->ndim > nd) nd = y->ndim;
        bool any_array = c->kind == TY_ARRAY || x->kind == TY_ARRAY || y->kind == TY_ARRAY;
        ci->ret = nd ? ti_ew_array(dt, nd, c, x, y) : any_array ? ty_array(dt, 0, 'C', false) : ty_scalar_of(dt);   /* (0-d arrays: one) */
        return 0;
    }
    case BI_NP_IX: {   /* np.ix_(r, c, ...): views of the 1-d index arrays, each along its own dimension */
        if (in->nkw || nargs == 0 || nargs > 32) return ERR(in, "np.ix_() takes 1 to 32 index arrays, positionally");
        if (!(ci = ti_bind(ti, in, bid, fname, P_IX, nargs, args, nargs, false))) return -1;
        const Type *views[32];
        for (int i = 0; i < nargs; i++) {
            if (args[i]->kind != TY_ARRAY || args[i]->ndim != 1 || !strchr("iu", ty_dtypes[args[i]->dtype].kind))
                return UNSUP(in, "np.ix_() needs 1-d integer arrays (got %s)", args[i]->name);
            views[i] = ty_view(args[i], args[i]->dtype, nargs, 'A');
        }
        ci->ret = ty_tuple(nargs, views);
        return 0;
    }
    case BI_NP_EMPTY: case BI_NP_ZEROS: case BI_NP_ONES: case BI_NP_NDARRAY: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_SHAPE_DTYPE, 1, args, nargs, false))) return -1;
        int nd = shape_ndim(ti, in, ci->params[0]);
        if (nd >= 0 && ci->argmap[1] >= 0 && ci->params[1]->kind == TY_RECDTYPE) {
            if (bid != BI_NP_EMPTY && bid != BI_NP_ZEROS)
                return UNSUP(in, "np.%s() of a structured dtype is not supported (np.empty and np.zeros are)", fname);
            ci->ret = ti_new_recarray(ci->params[1]->rec, nd);
            return 0;
        }
        if (nd < 0 || (dt = dtype_param(ti, in, ci, 1, DT_FLOAT64)) < 0) return -1;
        ci->ret = ty_array(dt, nd, 'C', false);
        return 0;
    }
    case BI_NP_FULL: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_FULL, 2, args, nargs, false))) return -1;
        int nd = shape_ndim(ti, in, ci->params[0]);
        if (nd < 0) return -1;
        if (!ty_is_number(ci->params[1])) return ERR(in, "np.full() needs a number to fill with (got %s)", ci->params[1]->name);
        int fill = ci->argmap[1] >= 0 ? ti_numpy_scalar_dtype(ti, in->args[ci->argmap[1]]) : -1;   /* np.full(3, a[0]) */
        if ((dt = dtype_param(ti, in, ci, 2, fill >= 0 ? fill : ty_dtype_of_scalar(ci->params[1]))) < 0) return -1;
        ci->ret = ty_array(dt, nd, 'C', false);
        return 0;
    }
    case BI_NP_EMPTY_LIKE: case BI_NP_ZEROS_LIKE: case BI_NP_ONES_LIKE: case BI_NP_FULL_LIKE: {
        bool full = bid == BI_NP_FULL_LIKE;
        if (!(ci = ti_bind(ti, in, bid, fname, full ? P_FULL_LIKE : P_LIKE, full ? 2 : 1, args, nargs, false))) return -1;
        a = ci->params[0];
        if (a->kind == TY_RECARRAY && (bid == BI_NP_EMPTY_LIKE || bid == BI_NP_ZEROS_LIKE) &&
            ci->params[1]->kind == TY_NONE) {   /* a new C array of a's records */
            ci->ret = ti_new_recarray(a->rec, a->ndim);
            return 0;
        }
        if (ty_is_number(a)) {   /* of a number: a 0-d array of its dtype, as NumPy's (lenstronomy's EPL profile) */
            if (full && !ty_is_number(ci->params[1])) return ERR(in, "np.full_like() needs a number to fill with");
            if ((dt = dtype_param(ti, in, ci, full ? 2 : 1, ty_dtype_of_scalar(a))) < 0) return -1;
            ci->ret = ty_array(dt, 0, 'C', false);
            return 0;
        }
        if (a->kind != TY_ARRAY)
            return ERR(in, "np.%s() needs an array of numbers%s (got %s)", fname,
                       a->kind == TY_RECARRAY ? " (of a structured array: np.empty_like, np.zeros_like)" : "", a->name);
        if (full && !ty_is_number(ci->params[1])) return ERR(in, "np.full_like() needs a number to fill with");
        if ((dt = dtype_param(ti, in, ci, full ? 2 : 1, a->dtype)) < 0) return -1;
        ci->ret = ti_ew_array(dt, a->ndim, a, NULL, NULL);   /* NumPy's order 'K': F of F */
        return 0;
    }
    case BI_NP_ARANGE: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_ARANGE, 1, args, nargs, false))) return -1;
        int d = DT_INT64;
        for (int i = 0; i < 3; i++) {
            const Type *p = ci->params[i];
            if (p->kind == TY_NONE) continue;
            if (!ty_is_number(p) || p == ty_complex128) return ERR(in, "np.arange() needs real numbers (got %s)", p->name);
            if (p == ty_float64) d = DT_FLOAT64;
        }
        if ((dt = dtype_param(ti, in, ci, 3, d)) < 0) return -1;
        ci->ret = ty_array(dt, 1, 'C', false);
        return 0;
    }
    case BI_NP_EYE: case BI_NP_IDENTITY: {
        bool eye = bid == BI_NP_EYE;
        if (!(ci = ti_bind(ti, in, bid, fname, eye ? P_EYE : P_IDENTITY, 1, args, nargs, false))) return -1;
        for (int i = 0; i < (eye ? 3 : 1); i++)
            if (ci->params[i]->kind != TY_NONE && ci->params[i] != ty_int64)
                return ERR(in, "np.%s() needs integer sizes (got %s)", fname, ci->params[i]->name);
        if ((dt = dtype_param(ti, in, ci, eye ? 3 : 1, DT_FLOAT64)) < 0) return -1;
        ci->ret = ty_array(dt, 2, 'C', false);
        return 0;
    }
    case BI_NP_AS_STRIDED: {   /* as_strided(x, shape, strides[, subok, writeable]): x's memory, unchecked, as NumPy's */
        if (!(ci = ti_bind(ti, in, bid, fname, P_AS_STRIDED, 3, args, nargs, false))) return -1;
        a = ci->params[0];
        const Type *sh = ci->params[1], *st = ci->params[2];
        int nd = int_dims(sh);
        if (a->kind != TY_ARRAY) return ERR(in, "as_strided() needs an array of numbers (got %s)", a->name);
        if (nd < 0 || int_dims(st) != nd)
            return ERR(in, "as_strided() needs shape and strides as ints or tuples of ints of one length (got %s and %s)",
                       sh->name, st->name);
        for (int i = 3; i < 5; i++)
            if (ci->argmap[i] >= 0 && ci->params[i] != ty_bool)
                return ERR(in, "as_strided(): %s is a bool", P_AS_STRIDED[i]);
        bool ro = a->readonly;
        if (ci->argmap[4] >= 0) {   /* writeable=False: a read-only view */
            int64_t w = 1;
            if (!ti_const_int(ti, in->args[ci->argmap[4]], &w))
                return ERR(in, "as_strided(): writeable must be a constant True or False");
            ro = ro || !w;
        }
        ci->ret = ty_array_full(a->dtype, nd, 'A', ro, a->unaligned);
        return 0;
    }
    case BI_NP_COPY: case BI_NP_ASCONTIG:
        if (!(ci = ti_bind(ti, in, bid, fname, P_A, 1, args, nargs, method))) return -1;
        a = ci->params[0];
        if (a->kind == TY_RECARRAY && bid == BI_NP_COPY) {   /* a.copy(): a new C array of its records */
            ci->ret = ti_new_recarray(a->rec, a->ndim);
            return 0;
        }
        if (bid == BI_NP_ASCONTIG && (ty_dtype_of_scalar(a) >= 0 || (a->kind == TY_ARRAY && a->ndim == 0))) {
            ci->ret = ty_array(a->kind == TY_ARRAY ? a->dtype : ty_dtype_of_scalar(a), 1, 'C', false);   /* ndim >= 1 */
            return 0;
        }
        if (a->kind != TY_ARRAY) return ERR(in, "np.%s() needs an array (got %s)", fname, a->name);
        if (bid == BI_NP_COPY && !method) ci->ret = ti_ew_array(a->dtype, a->ndim, a, NULL, NULL);   /* np.copy: order 'K' */
        else ci->ret = bid == BI_NP_ASCONTIG && a->layout == 'C' ? a : ty_array(a->dtype, a->ndim, 'C', false);
        return 0;
    case BI_NP_ARRAY: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_ARRAY, 1, args, nargs, false))) return -1;
        a = ci->params[0];
        if (a->kind == TY_ARRAY) {
            if ((dt = dtype_param(ti, in, ci, 1, a->dtype)) < 0) return -1;
            ci->ret = ty_array(dt, a->ndim, 'C', false);
            return 0;
        }
        bool arrays = a->kind == TY_TUPLE && a->n > 0 && nargs - in->nkw == 1 && !in->nkw;
        for (int i = 0; arrays && i < a->n; i++) arrays = a->elems[i]->kind == TY_ARRAY && a->elems[i]->ndim == a->elems[0]->ndim;
        if (arrays) return ti_type_numpy_call(ti, in, BI_NP_STACK, args, nargs, false);   /* np.array([a, b]): np.stack */
        int d = -1, nd = ti_sequence_shape(a, &d, 0);
        if (ty_is_number(a)) d = ty_dtype_of_scalar(a), nd = 0;   /* np.array(3.0): a 0-d array */
        else if (nd < 1) return ERR(in, "np.array() needs an array, a number or a (nested) list or tuple of numbers (got %s)", a->name);
        if (ci->argmap[0] >= 0) d = ti_literal_dtype(ti, in->args[ci->argmap[0]], d);   /* np.array((a[0], a[1])) keeps a's dtype */
        if (d == LITERAL_WAITS) return 0;
        if ((dt = dtype_param(ti, in, ci, 1, d)) < 0) return -1;
        ci->ret = ty_array(dt, nd, 'C', false);
        return 0;
    }
    case BI_NP_RESHAPE: {
        if (method && nargs - in->nkw > 1) {   /* a.reshape(2, 3) */
            for (int i = 0; i < nargs; i++)
                if (args[i] != ty_int64) return ERR(in, "reshape() needs integer sizes");
            const Type *shape = ty_tuple(nargs, args);
            if (!(ci = ti_bind(ti, in, bid, fname, P_RESHAPE, 1, args, 0, true))) return -1;
            ci->params[1] = shape;
            ci->argmap[1] = -2;   /* lowering: the shape is the arguments themselves */
            a = ci->params[0];
            ci->ret = a->layout == 'C' ? ty_view(a, a->dtype, nargs, 'C') : ty_array(a->dtype, nargs, 'C', false);
            return 0;
        }
        if (!(ci = ti_bind(ti, in, bid, fname, P_RESHAPE, 2, args, nargs, method))) return -1;
        a = ci->params[0];
        int nd = shape_ndim(ti, in, ci->params[1]);
        if (a->kind != TY_ARRAY) return ERR(in, "np.reshape() needs an array (got %s)", a->name);
        if (nd < 0) return -1;
        ci->ret = a->layout == 'C' ? ty_view(a, a->dtype, nd, 'C') : ty_array(a->dtype, nd, 'C', false);   /* a view, else a copy */
        return 0;
    }
    case BI_NP_TRANSPOSE:
        if (method && nargs - in->nkw > 1) {   /* a.transpose(2, 0, 1) */
            for (int i = 0; i < nargs; i++)
                if (args[i] != ty_int64) return ERR(in, "transpose() needs integer axes");
            if (!(ci = ti_bind(ti, in, bid, fname, P_AXES, 1, args, 0, true))) return -1;
            if (nargs != ci->params[0]->ndim) return ERR(in, "axes don't match array");
            ci->params[1] = ty_tuple(nargs, args);
            ci->argmap[1] = -2;
            ci->ret = ty_view(ci->params[0], ci->params[0]->dtype, nargs, 'A');
            return 0;
        }
        if (!(ci = ti_bind(ti, in, bid, fname, P_AXES, 1, args, nargs, method))) return -1;
        a = ci->params[0];
        if (a->kind != TY_ARRAY) return ERR(in, "np.transpose() needs an array (got %s)", a->name);
        if (ci->params[1]->kind != TY_NONE) {
            const Type *ax = ci->params[1];
            if (ax->kind != TY_TUPLE || ax->n != a->ndim || !ty_is_uniform_tuple(ax) || ax->elems[0] != ty_int64)
                return ERR(in, "axes don't match array (got %s for %s)", ax->name, a->name);
            ci->ret = ty_view(a, a->dtype, a->ndim, 'A');
            return 0;
        }
        ci->ret = ty_view(a, a->dtype, a->ndim, a->layout == 'C' ? 'F' : a->layout == 'F' ? 'C' : 'A');
        return 0;
    case BI_NP_RAVEL:
        if (!(ci = ti_bind(ti, in, bid, fname, P_A, 1, args, nargs, method))) return -1;
        a = ci->params[0];
        if (a->kind != TY_ARRAY) return ERR(in, "np.%s() needs an array (got %s)", fname, a->name);
        if (bid == BI_NP_RAVEL) ci->ret = a->layout == 'C' ? ty_view(a, a->dtype, 1, 'C') : ty_array(a->dtype, 1, 'C', false);
        else ci->ret = ty_view(a, a->dtype, a->ndim, a->layout == 'C' ? 'F' : a->layout == 'F' ? 'C' : 'A');
        return 0;
    case BI_NP_SUM: case BI_NP_PROD: case BI_NP_MIN: case BI_NP_MAX: case BI_NP_AMIN: case BI_NP_AMAX:
    case BI_NP_MEAN: case BI_NP_VAR: case BI_NP_STD: case BI_NP_ARGMIN: case BI_NP_ARGMAX:
    case BI_NP_ALL: case BI_NP_ANY: case BI_NP_COUNT_NONZERO:
        return type_reduction(ti, in, bid, args, nargs, method, 0);
    case BI_NP_FINFO: case BI_NP_IINFO:
        return type_machine_info(ti, in, bid, args, nargs);
    case BI_NP_DTYPE: {   /* a dtype value, known at compile time as every dtype is */
        if (!(ci = ti_bind(ti, in, bid, fname, P_DTYPE, 1, args, nargs, false))) return -1;
        if ((dt = ti_dtype_arg(ci->params[0])) < 0)
            return ERR(in, "np.dtype() needs a NumPy type, a dtype or a dtype's name (got %s)", ci->params[0]->name);
        ci->ret = ty_dtype(dt);
        return 0;
    }
    case BI_NP_REAL: case BI_NP_IMAG: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_UFUNC1, 1, args, nargs, false))) return -1;
        a = ci->params[0];
        if (a->kind == TY_ARRAY) {
            bool cplx = ty_dtypes[a->dtype].kind == 'c';
            ci->ret = !cplx ? (bid == BI_NP_REAL ? a : ty_array(a->dtype, a->ndim, 'C', false))
                            : ty_view(a, a->dtype == DT_COMPLEX64 ? DT_FLOAT32 : DT_FLOAT64, a->ndim, 'A');
            return 0;
        }
        if (!ty_is_number(a)) return ERR(in, "np.%s() needs a number or an array (got %s)", fname, a->name);
        ci->ret = a == ty_complex128 ? ty_float64 : a;
        return 0;
    }
    case BI_NP_CUMSUM: case BI_NP_CUMPROD:
        return type_reduction(ti, in, bid, args, nargs, method, 0);
    case BI_NP_DIVMOD: case BI_NP_FREXP: case BI_NP_MODF: {   /* the ufuncs with two outputs: a tuple */
        bool dm = bid == BI_NP_DIVMOD;
        if (!(ci = ti_bind(ti, in, bid, fname, dm ? P_UFUNC2_OUT : P_UFUNC1_OUT, dm ? 2 : 1, args, nargs, false))) return -1;
        if (ci->argmap[dm ? 2 : 1] >= 0 || ci->argmap[dm ? 3 : 2] >= 0)
            return UNSUP(in, "np.%s() with out= or where= is not supported", fname);
        const Type *x = ci->params[0], *y = dm ? ci->params[1] : NULL;
        if ((dt = ufunc_operands(ti, in, ci, dm ? BI_NP_FLOOR_DIVIDE : BI_NP_SQRT, x, y)) < 0) return -1;
        if (ty_dtypes[dt].kind == 'c') return ERR(in, "np.%s() is not supported for complex values", fname);
        int nd = x->kind == TY_ARRAY ? x->ndim : 0;
        if (y && y->kind == TY_ARRAY && y->ndim > nd) nd = y->ndim;
        const Type *two[2] = {nd ? ti_ew_array(dt, nd, x, y, NULL) : ty_scalar_of(dt),
                              dm ? NULL : nd ? ti_ew_array(DT_INT32, nd, x, y, NULL) : ty_int64};
        two[1] = dm || bid == BI_NP_MODF ? two[0] : two[1];
        ci->dtype = dt;
        ci->ret = ty_tuple(2, two);
        return 0;
    }
    case BI_NP_AVERAGE: {   /* a reduction like np.mean, with weights= and returned= */
        if (type_reduction(ti, in, bid, args, nargs, false, 0)) return -1;
        ci = ti->calls[in->id];
        a = ci->params[0];
        int pw = ti_reduction_param(ci, "weights"), pa = ti_reduction_param(ci, "axis"), pr = ti_reduction_param(ci, "returned");
        if (pw >= 0) {
            const Type *w = ci->params[pw];
            if (w->kind != TY_ARRAY) return ERR(in, "np.average(): weights must be an array (got %s)", w->name);
            if (w->ndim != a->ndim && !(w->ndim == 1 && pa >= 0 && ci->params[pa]->kind != TY_TUPLE))
                return ERR(in, "np.average(): weights of %d dimensions for an array of %d: give the same shape, or a 1-d "
                               "array with an integer axis", w->ndim, a->ndim);
            int d = ty_promote(a->dtype, w->dtype);
            ci->dtype = strchr("fc", ty_dtypes[a->dtype].kind) ? d : ty_promote(d, DT_FLOAT64);
            dt = ti_reduction_dtype(bid, a->dtype, ci->dtype);
            ci->ret = ci->ret->kind == TY_ARRAY ? ty_array(dt, ci->ret->ndim, 'C', false) : ty_scalar_of(dt);
        }
        int64_t k;
        if (pr >= 0 && !ti_const_int(ti, in->args[ci->argmap[pr]], &k))
            return ERR(in, "np.average(): returned must be a constant True or False");
        if (pr >= 0 && k) {   /* (average, sum of weights) of one shape */
            const Type *two[2] = {ci->ret, ci->ret};
            ci->ret = ty_tuple(2, two);
        }
        return 0;
    }
    }
    int r = ti_type_nplib_call(ti, in, bid, args, nargs, method);
    if (r != -2) return r;
    return UNSUP(in, "np.%s() is not supported", fname);
}

/* a.method(...) for the array methods of ti_array_getattr. */
int ti_type_array_method(TypeInfo *ti, Instr *in, const Type *m, const Type **args, int nargs) {
    const char *attr = m->attr;
    static const struct { const char *name; int bid; } map[] = {
        {"sum", BI_NP_SUM}, {"prod", BI_NP_PROD}, {"min", BI_NP_MIN}, {"max", BI_NP_MAX},
        {"mean", BI_NP_MEAN}, {"std", BI_NP_STD}, {"var", BI_NP_VAR}, {"argmin", BI_NP_ARGMIN},
        {"argmax", BI_NP_ARGMAX}, {"all", BI_NP_ALL}, {"any", BI_NP_ANY}, {"cumsum", BI_NP_CUMSUM},
        {"cumprod", BI_NP_CUMPROD}, {"copy", BI_NP_COPY}, {"reshape", BI_NP_RESHAPE},
        {"ravel", BI_NP_RAVEL}, {"transpose", BI_NP_TRANSPOSE}, {"sort", BI_NP_SORT},
        {"argsort", BI_NP_ARGSORT}, {"searchsorted", BI_NP_SEARCHSORTED}, {"clip", BI_NP_CLIP},
        {"dot", BI_NP_DOT}, {"conj", BI_NP_CONJUGATE}, {"conjugate", BI_NP_CONJUGATE},
        {"repeat", BI_NP_REPEAT}, {"squeeze", BI_NP_SQUEEZE}, {"swapaxes", BI_NP_SWAPAXES},
        {"diagonal", BI_NP_DIAGONAL}, {"trace", BI_NP_TRACE}, {"nonzero", BI_NP_NONZERO},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (!strcmp(attr, map[i].name)) return ti_type_numpy_call(ti, in, map[i].bid, args, nargs, true);
    CallInfo *ci;
    if (!strcmp(attr, "flatten")) {
        if (!(ci = ti_bind(ti, in, BI_NP_COPY, "flatten", P_A, 1, args, nargs, true))) return -1;
        ci->builtin = METHOD_FLATTEN;
        ci->ret = ty_array(m->recv->dtype, 1, 'C', false);
        return 0;
    }
    if (!strcmp(attr, "view")) {   /* a.view(dtype): the same memory read as another dtype */
        static const char *const P_VIEW[] = {"a", "dtype", NULL};
        if (!(ci = ti_bind(ti, in, BI_NP_COPY, "view", P_VIEW, 2, args, nargs, true))) return -1;
        int dt = ti_dtype_arg(ci->params[1]);
        const Type *a = m->recv;
        if (dt < 0) return UNSUP(in, "view() takes a NumPy type such as np.int64 (got %s)", ci->params[1]->name);
        bool resize = ty_dtypes[dt].size != ty_dtypes[a->dtype].size;
        if (resize && a->ndim == 0)
            return ERR(in, "view(): changing the dtype of a 0d array is only supported if the itemsize is unchanged");
        ci->builtin = METHOD_VIEW;   /* a wider item may sit at any byte: unaligned */
        ci->ret = ty_array_full(dt, a->ndim, resize && a->layout == 'F' && a->ndim > 1 ? 'A' : a->layout, a->readonly,
                                a->unaligned || ty_dtypes[dt].size > ty_dtypes[a->dtype].size);
        return 0;
    }
    if (!strcmp(attr, "astype")) {
        if (!(ci = ti_bind(ti, in, BI_NP_COPY, "astype", P_ASTYPE, 2, args, nargs, true))) return -1;
        int dt = ti_dtype_arg(ci->params[1]);
        if (dt < 0) return ERR(in, "astype() needs a NumPy type such as np.float32 (got %s)", ci->params[1]->name);
        ci->builtin = METHOD_ASTYPE;
        ci->ret = ti_ew_array(dt, m->recv->ndim, m->recv, NULL, NULL);   /* order 'K': F of F */
        return 0;
    }
    if (!strcmp(attr, "$shape")) {   /* a.shape = shape: a C-contiguous view (AttributeError at run time if a is not) */
        if (!(ci = ti_bind(ti, in, BI_NP_RESHAPE, "shape", P_RESHAPE, 2, args, nargs, true))) return -1;
        int nd = shape_ndim(ti, in, ci->params[1]);
        if (nd < 0) return -1;
        ci->builtin = METHOD_SET_SHAPE;
        ci->ret = ty_view(m->recv, m->recv->dtype, nd, 'C');
        return 0;
    }
    if (!strcmp(attr, "item")) {   /* a.item(), a.item(flat index), a.item(i, j, ...): the element */
        static const char *const P_ITEM[] = {"a", "i0", "i1", "i2", "i3", "i4", "i5", "i6", "i7", NULL};
        int n = nargs;   /* the indices (the receiver is not among args) */
        if (in->nkw || (n > 1 && n != m->recv->ndim) || n > 8)
            return ERR(in, "item() takes no index, a flat index or one index per dimension (%d)", m->recv->ndim);
        if (!(ci = ti_bind(ti, in, BI_NP_COPY, "item", P_ITEM, 1 + n, args, nargs, true))) return -1;
        for (int i = 1; i <= n; i++)
            if (!ty_is_int(ci->params[i])) return ERR(in, "item() needs integer indices (got %s)", ci->params[i]->name);
        ci->builtin = METHOD_ITEM;
        ci->ret = ty_scalar_of(m->recv->dtype);
        return 0;
    }
    if (!strcmp(attr, "fill")) {
        if (m->recv->readonly) return ERR(in, "cannot fill a read-only array");
        if (!(ci = ti_bind(ti, in, BI_NP_COPY, "fill", P_FILL, 2, args, nargs, true))) return -1;
        if (!ty_is_number(ci->params[1])) return ERR(in, "fill() needs a number (got %s)", ci->params[1]->name);
        ci->builtin = METHOD_FILL;
        ci->ret = ty_none;
        return 0;
    }
    return UNSUP(in, "%s has no supported method '%s'", m->recv->name, attr);
}

static const char *const P_OUTER[] = {"A", "B", NULL};
static const char *const P_AT[] = {"a", "indices", "b", NULL};

/* np.add.reduce(a, axis=0, dtype, out, keepdims) and .accumulate(a, axis=0, dtype, out) as the
 * reductions (typed by type_reduction, with the ufunc's bid); .outer(A, B): the ufunc of every
 * pair, shape A.shape + B.shape; .at(a, indices, b): a[indices] = ufunc(a[indices], b) unbuffered
 * (repeated indices apply again), for an int or a 1-d int array of indices along a's first
 * dimension. */
int ti_type_ufunc_method(TypeInfo *ti, Instr *in, const Type *m, const Type **args, int nargs) {
    int bid = m->recv->builtin, nin = ti_ufunc_nin(bid);
    const char *fname = ti_builtins[bid].name, *attr = m->attr;
    CallInfo *ci;
    if (!strcmp(attr, "reduce") || !strcmp(attr, "accumulate")) {
        bool red = attr[0] == 'r';
        BuiltinShape sh = ti_builtins[bid].shape;
        if (nin != 2) return ERR(in, "np.%s.%s() is only supported for binary functions", fname, attr);
        if (sh != SH_BS && bid != BI_NP_LOGICAL_AND && bid != BI_NP_LOGICAL_OR && bid != BI_NP_LOGICAL_XOR)
            return UNSUP(in, "np.%s.%s() is not supported", fname, attr);
        int r = type_reduction(ti, in, bid, args, nargs, false, red ? UF_REDUCE : UF_ACCUMULATE);
        if (r) return r;
        ci = ti->calls[in->id];
        const Type *a = ci->params[0];
        if (ufunc_operands(ti, in, NULL, bid, a, a) < 0) return -1;
        int pa = ti_reduction_param(ci, "axis");
        int nred = pa < 0 ? a->ndim : ci->params[pa]->kind == TY_TUPLE ? ci->params[pa]->n : 1;
        bool reorderable = bid == BI_NP_ADD || bid == BI_NP_MULTIPLY || bid == BI_NP_MAXIMUM || bid == BI_NP_MINIMUM ||
                           bid == BI_NP_FMAX || bid == BI_NP_FMIN || bid == BI_NP_LOGICAL_AND || bid == BI_NP_LOGICAL_OR ||
                           bid == BI_NP_LOGICAL_XOR || bid == BI_NP_BITWISE_AND || bid == BI_NP_BITWISE_OR ||
                           bid == BI_NP_BITWISE_XOR || bid == BI_NP_GCD || bid == BI_NP_LCM;
        if (red && nred > 1 && !reorderable)
            return ERR(in, "reduction operation '%s' is not reorderable, so at most one axis may be specified", fname);
        if (bid == BI_NP_SUBTRACT && a->dtype == DT_BOOL) return ERR(in, "np.subtract() of booleans is not supported (NumPy: use logical_xor)");
        return 0;
    }
    if (!strcmp(attr, "outer")) {
        if (nin != 2) return ERR(in, "np.%s.outer() is only supported for binary functions", fname);
        if (!(ci = ti_bind(ti, in, bid, fname, P_OUTER, 2, args, nargs, false))) return -1;
        const Type *x = ci->params[0], *y = ci->params[1];
        /* outer makes arrays of its operands: a Python number counts with its own dtype (int64) */
        const Type *xa = ty_is_number(x) ? ty_array(ty_dtype_of_scalar(x), 0, 'C', false) : x;
        const Type *ya = ty_is_number(y) ? ty_array(ty_dtype_of_scalar(y), 0, 'C', false) : y;
        int dt = ufunc_operands(ti, in, NULL, bid, xa, ya);
        if (dt < 0) return -1;
        int nd = (x->kind == TY_ARRAY ? x->ndim : 0) + (y->kind == TY_ARRAY ? y->ndim : 0);
        if (nd == 0) return UNSUP(in, "np.%s.outer() of two scalars (a 0-d array) is not supported", fname);
        ci->ufmethod = UF_OUTER;
        ci->dtype = dt;
        ci->ret = ty_array(dt, nd, 'C', false);
        return 0;
    }
    /* at */
    if (!(ci = ti_bind(ti, in, bid, fname, P_AT, 2, args, nargs, false))) return -1;
    const Type *a = ci->params[0], *idx = ci->params[1], *b = ci->params[2];
    if (a->kind != TY_ARRAY) return ERR(in, "np.%s.at() needs an array (got %s)", fname, a->name);
    if (a->readonly) return ERR(in, "np.%s.at(): the array is read-only", fname);
    if (idx != ty_int64 && !(idx->kind == TY_ARRAY && idx->ndim == 1 && strchr("iu", ty_dtypes[idx->dtype].kind)))
        return UNSUP(in, "np.%s.at() needs an int or a 1-d array of ints as indices (got %s)", fname, idx->name);
    if ((nin == 2) != (b->kind != TY_NONE))
        return ERR(in, "np.%s.at() %s", fname, nin == 2 ? "needs a second operand b" : "takes no operand b for a unary ufunc");
    int bmax = idx->kind == TY_ARRAY ? a->ndim : a->ndim - 1;   /* a[indices]'s dimensions */
    if (nin == 2 && !(ty_is_number(b) || (b->kind == TY_ARRAY && b->ndim <= bmax)))
        return ERR(in, "np.%s.at(): b must be a number or an array that broadcasts to a[indices] (got %s)", fname, b->name);
    const Type *ae = ty_array(a->dtype, 0, 'C', false);
    int dt = ufunc_operands(ti, in, NULL, bid, ae, nin == 2 ? b : NULL);
    if (dt < 0) return -1;
    if (ty_dtypes[dt].kind == 'c' && ty_dtypes[a->dtype].kind != 'c')
        return ERR(in, "np.%s.at(): cannot store complex results in %s", fname, a->name);
    ci->ufmethod = UF_AT;
    ci->dtype = dt;
    ci->ret = ty_none;
    return 0;
}

/* np.float32(x) and friends: a conversion to the dtype's canonical scalar. */
int ti_type_dtype_call(TypeInfo *ti, Instr *in, const Type *callee, const Type **args, int nargs) {
    CallInfo *ci;
    if (!(ci = ti_bind(ti, in, BI_NP_COPY, ty_dtypes[callee->dtype].name, P_UFUNC1, 1, args, nargs, false))) return -1;
    if (!ty_is_number(ci->params[0])) return UNSUP(in, "np.%s() of %s is not supported", ty_dtypes[callee->dtype].name, ci->params[0]->name);
    if (ci->params[0] == ty_complex128 && ty_dtypes[callee->dtype].kind != 'c')
        return ERR(in, "cannot convert complex to %s", ty_dtypes[callee->dtype].name);
    ci->builtin = METHOD_DTYPE_CONVERT;
    ci->dtype = callee->dtype;
    ci->ret = ty_scalar_of(callee->dtype);
    return 0;
}
