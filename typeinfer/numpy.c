/* numpy.c: typing rules for calls of NumPy functions and array methods.
 *
 * Each rule binds the call's positional and keyword arguments to the function's parameter
 * names (bind), then computes the result type. The CallInfo records the argument types as the
 * parameter types (lowering converts as it needs) and `none` for optional parameters left out.
 * A method call (a.sum(axis=0)) is typed as the function with the receiver as its first argument.
 */
#include "ti.h"
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
    for (int i = 0; i < nreq; i++)
        if (ci->argmap[i] < 0) return ERR(in, "%s() missing required argument '%s'", fname, names[i]), NULL;
    ti->calls[in->id] = ci;
    return ci;
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

/* The number of dimensions a shape argument gives: an int is 1, a tuple of ints its length. */
static int shape_ndim(TypeInfo *ti, Instr *in, const Type *t) {
    if (t == ty_int64) return 1;
    if (t->kind == TY_TUPLE) {
        for (int i = 0; i < t->n; i++)
            if (t->elems[i] != ty_int64) return ERR(in, "a shape must be integers (got %s)", t->name), -1;
        return t->n;
    }
    return ERR(in, "a shape must be an int or a tuple of ints (got %s)", t->name), -1;
}

/* An axis argument: none (*axis -1), an integer constant (checked, made non-negative), or an
 * integer known at run time (*axis -2; lowering checks it). */
static int axis_param(TypeInfo *ti, Instr *in, CallInfo *ci, int i, int ndim, int *axis) {
    *axis = -1;
    if (ci->argmap[i] < 0 || ci->params[i]->kind == TY_NONE) return 0;
    int64_t k;
    if (ci->params[i] != ty_int64 && ci->params[i] != ty_bool)
        return ERR(in, "axis must be an integer (got %s)", ci->params[i]->name);
    if (!ti_const_int(ti, in->args[ci->argmap[i]], &k)) {
        *axis = -2;
        return 0;
    }
    if (k < -ndim || k >= ndim) return ERR(in, "axis %lld is out of bounds for an array of dimension %d", (long long)k, ndim);
    *axis = (int)(k < 0 ? k + ndim : k);
    return 0;
}

static int sum_dtype(int dt) {
    char k = ty_dtypes[dt].kind;
    if (k == 'b' || k == 'i') return DT_INT64;
    if (k == 'u') return DT_UINT64;
    return dt;
}

static int mean_dtype(int dt) {
    char k = ty_dtypes[dt].kind;
    return k == 'f' || k == 'c' ? dt : DT_FLOAT64;
}

static const Type *reduction_type(TypeInfo *ti, Instr *in, int bid, const Type *a, int axis) {
    int dt;
    switch (bid) {
    case BI_NP_SUM: case BI_NP_PROD: dt = sum_dtype(a->dtype); break;
    case BI_NP_MIN: case BI_NP_MAX: case BI_NP_AMIN: case BI_NP_AMAX: dt = a->dtype; break;
    case BI_NP_MEAN: dt = mean_dtype(a->dtype); break;
    case BI_NP_VAR: case BI_NP_STD:
        dt = mean_dtype(a->dtype);
        if (dt == DT_COMPLEX64) dt = DT_FLOAT32;
        else if (dt == DT_COMPLEX128) dt = DT_FLOAT64;
        break;
    case BI_NP_ARGMIN: case BI_NP_ARGMAX: case BI_NP_COUNT_NONZERO: dt = DT_INT64; break;
    case BI_NP_ALL: case BI_NP_ANY: dt = DT_BOOL; break;
    default: return NULL;
    }
    if (axis == -1 || a->ndim == 1) return ty_scalar_of(dt);
    return ty_array(dt, a->ndim - 1, 'C', false);
}

static const char *const P_A[] = {"a", NULL};
static const char *const P_A_AXIS[] = {"a", "axis", NULL};
static const char *const P_SHAPE_DTYPE[] = {"shape", "dtype", NULL};
static const char *const P_FULL[] = {"shape", "fill_value", "dtype", NULL};
static const char *const P_LIKE[] = {"a", "dtype", NULL};
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
static const char *const P_UFUNC2[] = {"x1", "x2", NULL};
static const char *const P_ARRAY[] = {"object", "dtype", NULL};

static bool is_num_or_array(const Type *t) { return ty_is_number(t) || t->kind == TY_ARRAY; }

/* The ufuncs lowered for complex operands (codegen/lower_numpy.c). */
static bool complex_ufunc(int bid) {
    switch (ti_builtins[bid].shape) {
    case SH_UB: return bid != BI_NP_SIGNBIT;
    case SH_BB: {   /* complex values have no order */
        int op = ti_ufunc_compare(bid);
        return op < 0 || op == IRC_EQ || op == IRC_NE;
    }
    case SH_UF: return bid == BI_NP_SQRT || bid == BI_NP_EXP || bid == BI_NP_LOG;
    case SH_US:
        return bid == BI_NP_ABS || bid == BI_NP_ABSOLUTE || bid == BI_NP_NEGATIVE || bid == BI_NP_SQUARE ||
               bid == BI_NP_CONJUGATE || bid == BI_NP_POSITIVE;
    case SH_BS:
        return bid == BI_NP_ADD || bid == BI_NP_SUBTRACT || bid == BI_NP_MULTIPLY || bid == BI_NP_DIVIDE ||
               bid == BI_NP_TRUE_DIVIDE || bid == BI_NP_POWER;
    default: return false;
    }
}

/* The ufuncs NumPy defines for integers and booleans only. */
static bool integer_ufunc(int bid) {
    return bid == BI_NP_BITWISE_AND || bid == BI_NP_BITWISE_OR || bid == BI_NP_BITWISE_XOR || bid == BI_NP_LEFT_SHIFT ||
           bid == BI_NP_RIGHT_SHIFT || bid == BI_NP_INVERT || bid == BI_NP_BITWISE_NOT;
}

/* The element dtype and nesting of a (nested) tuple of numbers, for np.array. */
static int sequence_shape(const Type *t, int *dt, int depth) {
    if (ty_is_number(t)) {
        int d = ty_dtype_of_scalar(t);
        *dt = *dt < 0 ? d : ty_promote(*dt, d);
        return depth;
    }
    if (t->kind != TY_TUPLE || t->n == 0) return -1;
    int nd = -1;
    for (int i = 0; i < t->n; i++) {
        int k = sequence_shape(t->elems[i], dt, depth + 1);
        if (k < 0 || (nd >= 0 && k != nd)) return -1;
        nd = k;
    }
    return nd;
}


int ti_type_numpy_call(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs, bool method) {
    const char *fname = ti_builtins[bid].name;
    CallInfo *ci;
    const Type *a;
    int dt, axis;
    if (ti_is_ufunc(bid)) {
        BuiltinShape sh = ti_builtins[bid].shape;
        bool binary = sh == SH_BF || sh == SH_BS || sh == SH_BB;
        if (!(ci = ti_bind(ti, in, bid, fname, binary ? P_UFUNC2 : P_UFUNC1, binary ? 2 : 1, args, nargs, method))) return -1;
        const Type *x = ci->params[0], *y = binary ? ci->params[1] : NULL;
        if (!is_num_or_array(x) || (y && !is_num_or_array(y)))
            return ERR(in, "np.%s() is not supported for %s%s%s", fname, x->name, y ? " and " : "", y ? y->name : "");
        if ((bid == BI_NP_MINIMUM || bid == BI_NP_MAXIMUM || bid == BI_NP_FMIN || bid == BI_NP_FMAX) &&
            (ti_result_dtype(x, y) == DT_COMPLEX64 || ti_result_dtype(x, y) == DT_COMPLEX128))
            return UNSUP(in, "np.%s() of complex values is not supported", fname);
        if (ty_dtypes[ti_result_dtype(x, y ? y : x)].kind == 'c' && !complex_ufunc(bid))
            return UNSUP(in, "np.%s() of complex values is not supported", fname);
        dt = ti_ufunc_dtype(bid, x, y ? y : x);
        if (integer_ufunc(bid) && ty_dtypes[dt].kind != 'i' && ty_dtypes[dt].kind != 'u' && ty_dtypes[dt].kind != 'b')
            return ERR(in, "np.%s() is not supported for %s%s%s (NumPy: integers and booleans only)", fname, x->name,
                       y ? " and " : "", y ? y->name : "");
        if (bid == BI_NP_POSITIVE && dt == DT_BOOL) return ERR(in, "np.positive() is not supported for booleans");
        bool arr = x->kind == TY_ARRAY || (y && y->kind == TY_ARRAY);
        int nd = x->kind == TY_ARRAY ? x->ndim : 0;
        if (y && y->kind == TY_ARRAY && y->ndim > nd) nd = y->ndim;
        ci->ret = arr ? ty_array(dt, nd, 'C', false) : ty_scalar_of(dt);
        return 0;
    }
    switch (bid) {
    case BI_NP_WHERE: {
        if (nargs == 1 && !in->nkw) return ti_type_npstats_call(ti, in, BI_NP_NONZERO, args, nargs, false);   /* np.where(cond) */
        if (!(ci = ti_bind(ti, in, bid, fname, P_WHERE, 3, args, nargs, false))) return -1;
        const Type *c = ci->params[0], *x = ci->params[1], *y = ci->params[2];
        if (!is_num_or_array(c) || !is_num_or_array(x) || !is_num_or_array(y))
            return ERR(in, "np.where() needs arrays or numbers (got %s, %s, %s)", c->name, x->name, y->name);
        dt = ti_result_dtype(x, y);
        int nd = c->kind == TY_ARRAY ? c->ndim : 0;
        if (x->kind == TY_ARRAY && x->ndim > nd) nd = x->ndim;
        if (y->kind == TY_ARRAY && y->ndim > nd) nd = y->ndim;
        ci->ret = nd ? ty_array(dt, nd, 'C', false) : ty_scalar_of(dt);
        return 0;
    }
    case BI_NP_EMPTY: case BI_NP_ZEROS: case BI_NP_ONES: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_SHAPE_DTYPE, 1, args, nargs, false))) return -1;
        int nd = shape_ndim(ti, in, ci->params[0]);
        if (nd < 0 || (dt = dtype_param(ti, in, ci, 1, DT_FLOAT64)) < 0) return -1;
        ci->ret = ty_array(dt, nd, 'C', false);
        return 0;
    }
    case BI_NP_FULL: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_FULL, 2, args, nargs, false))) return -1;
        int nd = shape_ndim(ti, in, ci->params[0]);
        if (nd < 0) return -1;
        if (!ty_is_number(ci->params[1])) return ERR(in, "np.full() needs a number to fill with (got %s)", ci->params[1]->name);
        if ((dt = dtype_param(ti, in, ci, 2, ty_dtype_of_scalar(ci->params[1]))) < 0) return -1;
        ci->ret = ty_array(dt, nd, 'C', false);
        return 0;
    }
    case BI_NP_EMPTY_LIKE: case BI_NP_ZEROS_LIKE: case BI_NP_ONES_LIKE: case BI_NP_FULL_LIKE: {
        bool full = bid == BI_NP_FULL_LIKE;
        if (!(ci = ti_bind(ti, in, bid, fname, full ? P_FULL_LIKE : P_LIKE, full ? 2 : 1, args, nargs, false))) return -1;
        a = ci->params[0];
        if (a->kind != TY_ARRAY) return ERR(in, "np.%s() needs an array (got %s)", fname, a->name);
        if (full && !ty_is_number(ci->params[1])) return ERR(in, "np.full_like() needs a number to fill with");
        if ((dt = dtype_param(ti, in, ci, full ? 2 : 1, a->dtype)) < 0) return -1;
        ci->ret = ty_array(dt, a->ndim, 'C', false);
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
    case BI_NP_COPY: case BI_NP_ASCONTIG:
        if (!(ci = ti_bind(ti, in, bid, fname, P_A, 1, args, nargs, method))) return -1;
        a = ci->params[0];
        if (a->kind != TY_ARRAY) return ERR(in, "np.%s() needs an array (got %s)", fname, a->name);
        ci->ret = bid == BI_NP_ASCONTIG && a->layout == 'C' ? a : ty_array(a->dtype, a->ndim, 'C', false);
        return 0;
    case BI_NP_ARRAY: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_ARRAY, 1, args, nargs, false))) return -1;
        a = ci->params[0];
        if (a->kind == TY_ARRAY) {
            if ((dt = dtype_param(ti, in, ci, 1, a->dtype)) < 0) return -1;
            ci->ret = ty_array(dt, a->ndim, 'C', false);
            return 0;
        }
        int d = -1, nd = sequence_shape(a, &d, 0);
        if (nd < 1) return ERR(in, "np.array() needs an array or a (nested) list or tuple of numbers (got %s)", a->name);
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
    case BI_NP_ALL: case BI_NP_ANY: case BI_NP_COUNT_NONZERO: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_A_AXIS, 1, args, nargs, method))) return -1;
        a = ci->params[0];
        if (ty_is_number(a) && !method) {   /* np.sum(3.0) */
            return UNSUP(in, "np.%s() of a scalar is not supported", fname);
        }
        if (a->kind != TY_ARRAY) return ERR(in, "np.%s() needs an array (got %s)", fname, a->name);
        if (axis_param(ti, in, ci, 1, a->ndim, &axis)) return -1;
        ci->ret = reduction_type(ti, in, bid, a, axis);
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
        if (!(ci = ti_bind(ti, in, bid, fname, P_A_AXIS, 1, args, nargs, method))) return -1;
        a = ci->params[0];
        if (a->kind != TY_ARRAY) return ERR(in, "np.%s() needs an array (got %s)", fname, a->name);
        if (axis_param(ti, in, ci, 1, a->ndim, &axis)) return -1;
        ci->ret = ty_array(sum_dtype(a->dtype), axis == -1 ? 1 : a->ndim, 'C', false);
        return 0;
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
    if (!strcmp(attr, "astype")) {
        if (!(ci = ti_bind(ti, in, BI_NP_COPY, "astype", P_ASTYPE, 2, args, nargs, true))) return -1;
        int dt = ti_dtype_arg(ci->params[1]);
        if (dt < 0) return ERR(in, "astype() needs a NumPy type such as np.float32 (got %s)", ci->params[1]->name);
        ci->builtin = METHOD_ASTYPE;
        ci->ret = ty_array(dt, m->recv->ndim, 'C', false);
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
