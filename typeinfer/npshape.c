/* npshape.c: typing rules for NumPy's shape and assembly functions: views that only rearrange
 * shape and strides (flip fliplr flipud rot90 swapaxes moveaxis expand_dims squeeze
 * broadcast_to atleast_1d/2d/3d diagonal, diag of a matrix, split array_split), and functions
 * that build a new array (roll tile repeat stack hstack vstack dstack column_stack triu tril
 * diag of a vector, trace, pad, meshgrid, indices).
 *
 * What decides the result's number of dimensions must be known at compile time: axes of
 * expand_dims/squeeze/moveaxis/flip/stack/split, the length of a reps/shape/pad_width tuple
 * (its values may be run-time ints), the number of sections of split. Lowering reads the
 * constants from the IR again (ti_const_int, ti_const_ints); split and array_split keep their
 * number of sections in ci->dtype (-1: a run-time count).
 */
#include "ti.h"
#include <string.h>

#define ERR(in, ...) ctx_error(ti->fn->ctx, DIAG_TYPING, ti->fn, (in)->loc, __VA_ARGS__)
#define UNSUP(in, ...) ctx_error(ti->fn->ctx, DIAG_UNSUPPORTED, ti->fn, (in)->loc, __VA_ARGS__)

static bool is_array(const Type *t) { return t->kind == TY_ARRAY; }
static bool given(const CallInfo *ci, int i) { return ci->argmap[i] != -1 && ci->params[i]->kind != TY_NONE; }
static bool is_int(const Type *t) { return t == ty_int64 || t == ty_bool; }
static int arg_value(Instr *in, const CallInfo *ci, int i) { return ci->argmap[i] >= 0 ? in->args[ci->argmap[i]] : -1; }

/* A tuple of ints (any length, run-time values) or, when `scalar_ok`, one int. */
static bool int_tuple(const Type *t, bool scalar_ok) {
    if (scalar_ok && is_int(t)) return true;
    if (t->kind != TY_TUPLE) return false;
    for (int i = 0; i < t->n; i++)
        if (!is_int(t->elems[i])) return false;
    return true;
}

/* Compile-time axes at parameter i (an int or a tuple of ints), normalised into [0, nd) and
 * checked for repeats: their count, or -1 after an error. */
static int const_axes(TypeInfo *ti, Instr *in, CallInfo *ci, int i, int nd, int *axes, const char *fname) {
    int64_t raw[64];
    int n = ci->argmap[i] >= 0 ? ti_const_ints(ti, in->args[ci->argmap[i]], raw, 64) : -1;
    if (n < 0) return ERR(in, "np.%s(): the axis must be an integer constant or a tuple of them", fname);
    for (int k = 0; k < n; k++) {
        if (raw[k] < -nd || raw[k] >= nd)
            return ERR(in, "np.%s(): axis %lld is out of bounds for array of dimension %d", fname, (long long)raw[k], nd);
        axes[k] = (int)(raw[k] < 0 ? raw[k] + nd : raw[k]);
        for (int j = 0; j < k; j++)
            if (axes[j] == axes[k]) return ERR(in, "np.%s(): repeated axis", fname);
    }
    return n;
}

/* Exactly one compile-time axis at parameter i: 0 with *axis set, or -1 after an error. */
static int one_axis(TypeInfo *ti, Instr *in, CallInfo *ci, int i, int nd, int *axis, const char *fname) {
    int n = const_axes(ti, in, ci, i, nd, axis, fname);
    if (n < 0) return -1;
    if (n != 1) return ERR(in, "np.%s(): the axis must be one integer", fname);
    return 0;
}

static const char *const P_ROLL[] = {"a", "shift", "axis", NULL};
static const char *const P_TILE[] = {"A", "reps", NULL};
static const char *const P_REPEAT[] = {"a", "repeats", "axis", NULL};
static const char *const P_FLIP[] = {"m", "axis", NULL};
static const char *const P_M[] = {"m", NULL};
static const char *const P_ROT90[] = {"m", "k", "axes", NULL};
static const char *const P_STACK[] = {"arrays", "axis", NULL};
static const char *const P_TUP[] = {"tup", NULL};
static const char *const P_SPLIT[] = {"ary", "indices_or_sections", "axis", NULL};
static const char *const P_EXPAND[] = {"a", "axis", NULL};
static const char *const P_SWAP[] = {"a", "axis1", "axis2", NULL};
static const char *const P_MOVE[] = {"a", "source", "destination", NULL};
static const char *const P_BCAST[] = {"array", "shape", NULL};
static const char *const P_TRI[] = {"m", "k", NULL};
static const char *const P_DIAG[] = {"v", "k", NULL};
static const char *const P_DIAGONAL[] = {"a", "offset", "axis1", "axis2", NULL};
static const char *const P_PAD[] = {"array", "pad_width", "mode", "constant_values", NULL};
static const char *const P_INDICES[] = {"dimensions", "dtype", NULL};
static const char *const P_LINSPACE[] = {"start", "stop", "num", "endpoint", "retstep", "dtype", NULL};


/* The arrays of a stack/hstack/... argument: a tuple (or list literal) of arrays; their
 * promoted dtype, -1 after an error. */
static int tuple_of_arrays(TypeInfo *ti, Instr *in, const Type *t, const char *fname) {
    if (t->kind != TY_TUPLE || t->n == 0)
        return ERR(in, "np.%s() needs a non-empty tuple or list of arrays (got %s)", fname, t->name);
    int dt = -1;
    for (int i = 0; i < t->n; i++) {
        if (!is_array(t->elems[i])) return ERR(in, "np.%s() needs arrays (got %s)", fname, t->elems[i]->name);
        dt = dt < 0 ? t->elems[i]->dtype : ty_promote(dt, t->elems[i]->dtype);
    }
    return dt;
}

/* Variadic functions (atleast_*d, meshgrid): one parameter per positional argument, then the
 * keyword parameters `kw` (NULL-terminated, may be empty). */
static CallInfo *bind_variadic(TypeInfo *ti, Instr *in, int bid, const char *fname, const char *const *kw,
                               const Type **args, int nargs) {
    int npos = nargs - in->nkw, nkw = 0;
    while (kw[nkw]) nkw++;
    const char **names = ctx_alloc(ti->fn->ctx, sizeof(char *) * (size_t)(npos + nkw + 1));
    if (!names) return NULL;
    for (int i = 0; i < npos; i++) names[i] = ctx_printf(ti->fn->ctx, "arys%d", i);
    for (int k = 0; k < nkw; k++) names[npos + k] = kw[k];
    names[npos + nkw] = NULL;
    if (npos == 0) return ERR(in, "np.%s() needs at least one array", fname), NULL;
    return ti_bind(ti, in, bid, fname, names, npos, args, nargs, false);
}

static int atleast_nd(int bid) { return bid == BI_NP_ATLEAST_1D ? 1 : bid == BI_NP_ATLEAST_2D ? 2 : 3; }

/* The type np.atleast_Nd gives for one argument. */
static const Type *atleast_type(const Type *a, int want) {
    if (!is_array(a)) return ty_array(ty_dtype_of_scalar(a), want, 'C', false);
    if (a->ndim >= want) return a;
    return ty_view(a, a->dtype, want, 'A');
}

/* -2 when bid is not one of this file's functions. */
int ti_type_npshape_call(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs, bool method) {
    const char *fname = ti_builtins[bid].name;
    CallInfo *ci;
    const Type *a;
    int axes[64], n;
    switch (bid) {
    case BI_NP_FLIP: case BI_NP_FLIPLR: case BI_NP_FLIPUD: {
        bool fl = bid == BI_NP_FLIP;
        if (!(ci = ti_bind(ti, in, bid, fname, fl ? P_FLIP : P_M, 1, args, nargs, false))) return -1;
        a = ci->params[0];
        if (!is_array(a)) return ERR(in, "np.%s() needs an array (got %s)", fname, a->name);
        if (bid == BI_NP_FLIPLR && a->ndim < 2) return ERR(in, "np.fliplr() needs an array of at least 2 dimensions");
        if (bid == BI_NP_FLIPUD && a->ndim < 1) return ERR(in, "np.flipud() needs an array of at least 1 dimension");
        if (fl && given(ci, 1) && const_axes(ti, in, ci, 1, a->ndim, axes, fname) < 0) return -1;
        ci->ret = ty_view(a, a->dtype, a->ndim, 'A');
        return 0;
    }
    case BI_NP_ROT90: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_ROT90, 1, args, nargs, false))) return -1;
        a = ci->params[0];
        if (!is_array(a) || a->ndim < 2) return ERR(in, "np.rot90() needs an array of at least 2 dimensions (got %s)", a->name);
        if (given(ci, 1) && !is_int(ci->params[1])) return ERR(in, "np.rot90(): k must be an integer (got %s)", ci->params[1]->name);
        if (given(ci, 2)) {
            if ((n = const_axes(ti, in, ci, 2, a->ndim, axes, fname)) < 0) return -1;
            if (n != 2) return ERR(in, "np.rot90(): len(axes) must be 2");
        }
        ci->ret = ty_view(a, a->dtype, a->ndim, 'A');
        return 0;
    }
    case BI_NP_SWAPAXES: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_SWAP, 3, args, nargs, method))) return -1;
        a = ci->params[0];
        if (!is_array(a)) return ERR(in, "np.swapaxes() needs an array (got %s)", a->name);
        if (!is_int(ci->params[1]) || !is_int(ci->params[2])) return ERR(in, "np.swapaxes() needs integer axes");
        ci->ret = ty_view(a, a->dtype, a->ndim, 'A');
        return 0;
    }
    case BI_NP_MOVEAXIS: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_MOVE, 3, args, nargs, false))) return -1;
        a = ci->params[0];
        if (!is_array(a)) return ERR(in, "np.moveaxis() needs an array (got %s)", a->name);
        int src[64], dst[64], ns, nd2;
        if ((ns = const_axes(ti, in, ci, 1, a->ndim, src, fname)) < 0) return -1;
        if ((nd2 = const_axes(ti, in, ci, 2, a->ndim, dst, fname)) < 0) return -1;
        if (ns != nd2) return ERR(in, "`source` and `destination` arguments must have the same number of elements");
        ci->ret = ty_view(a, a->dtype, a->ndim, 'A');
        return 0;
    }
    case BI_NP_EXPAND_DIMS: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_EXPAND, 2, args, nargs, false))) return -1;
        a = ci->params[0];
        if (!is_array(a)) return ERR(in, "np.expand_dims() needs an array (got %s)", a->name);
        int64_t raw[64];
        if ((n = ti_const_ints(ti, arg_value(in, ci, 1), raw, 64)) < 0)
            return ERR(in, "np.expand_dims(): the axis must be an integer constant or a tuple of them");
        if ((n = const_axes(ti, in, ci, 1, a->ndim + n, axes, fname)) < 0) return -1;
        ci->ret = ty_view(a, a->dtype, a->ndim + n, 'A');
        return 0;
    }
    case BI_NP_SQUEEZE: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_EXPAND, 1, args, nargs, method))) return -1;
        a = ci->params[0];
        if (!is_array(a)) return ERR(in, "np.squeeze() needs an array (got %s)", a->name);
        if (!given(ci, 1))
            return UNSUP(in, "np.squeeze() without axis= is not supported (the number of dimensions it leaves is only "
                             "known at run time); give the axes to remove");
        if ((n = const_axes(ti, in, ci, 1, a->ndim, axes, fname)) < 0) return -1;
        ci->ret = ty_view(a, a->dtype, a->ndim - n, 'A');
        return 0;
    }
    case BI_NP_BROADCAST_TO: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_BCAST, 2, args, nargs, false))) return -1;
        a = ci->params[0];
        if (!is_array(a) && !ty_is_number(a)) return ERR(in, "np.broadcast_to() needs an array or a number (got %s)", a->name);
        const Type *s = ci->params[1];
        if (!int_tuple(s, true)) return ERR(in, "np.broadcast_to(): the shape must be an int or a tuple of ints (got %s)", s->name);
        int nd = s->kind == TY_TUPLE ? s->n : 1;
        if (is_array(a) && a->ndim > nd)
            return ERR(in, "np.broadcast_to(): input operand has more dimensions than allowed by the axis remapping");
        int dt = is_array(a) ? a->dtype : ty_dtype_of_scalar(a);
        ci->ret = ty_array_full(dt, nd, 'A', true, is_array(a) && a->unaligned);
        return 0;
    }
    case BI_NP_ATLEAST_1D: case BI_NP_ATLEAST_2D: case BI_NP_ATLEAST_3D: {
        static const char *const none[] = {NULL};
        if (!(ci = bind_variadic(ti, in, bid, fname, none, args, nargs))) return -1;
        const Type *parts[64];
        if (ci->nparams > 64) return UNSUP(in, "np.%s() of more than 64 arrays", fname);
        for (int i = 0; i < ci->nparams; i++) {
            a = ci->params[i];
            if (!is_array(a) && !(ty_is_number(a) && a != ty_uint64))
                return ERR(in, "np.%s() needs arrays or numbers (got %s)", fname, a->name);
            parts[i] = atleast_type(a, atleast_nd(bid));
        }
        ci->ret = ci->nparams == 1 ? parts[0] : ty_tuple(ci->nparams, parts);
        return 0;
    }
    case BI_NP_DIAGONAL: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_DIAGONAL, 1, args, nargs, method))) return -1;
        a = ci->params[0];
        if (!is_array(a) || a->ndim < 2) return ERR(in, "np.diagonal() needs an array of at least 2 dimensions (got %s)", a->name);
        if (given(ci, 1) && !is_int(ci->params[1])) return ERR(in, "np.diagonal(): offset must be an integer");
        int a1[1] = {0}, a2[1] = {1};
        if (given(ci, 2) && one_axis(ti, in, ci, 2, a->ndim, a1, fname)) return -1;
        if (given(ci, 3) && one_axis(ti, in, ci, 3, a->ndim, a2, fname)) return -1;
        if (a1[0] == a2[0]) return ERR(in, "np.diagonal(): axis1 and axis2 cannot be the same");
        ci->ret = ty_array_full(a->dtype, a->ndim - 1, 'A', true, a->unaligned);   /* NumPy: a read-only view */
        return 0;
    }
    case BI_NP_TRACE: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_DIAGONAL, 1, args, nargs, method))) return -1;
        a = ci->params[0];
        if (!is_array(a) || a->ndim < 2) return ERR(in, "np.trace() needs an array of at least 2 dimensions (got %s)", a->name);
        if (given(ci, 1) && !is_int(ci->params[1])) return ERR(in, "np.trace(): offset must be an integer");
        int a1[1] = {0}, a2[1] = {1};
        if (given(ci, 2) && one_axis(ti, in, ci, 2, a->ndim, a1, fname)) return -1;
        if (given(ci, 3) && one_axis(ti, in, ci, 3, a->ndim, a2, fname)) return -1;
        if (a1[0] == a2[0]) return ERR(in, "np.trace(): axis1 and axis2 cannot be the same");
        char k = ty_dtypes[a->dtype].kind;
        int dt = k == 'b' || k == 'i' ? DT_INT64 : k == 'u' ? DT_UINT64 : a->dtype;
        ci->ret = a->ndim == 2 ? ty_scalar_of(dt) : ty_array(dt, a->ndim - 2, 'C', false);
        return 0;
    }
    case BI_NP_DIAG: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_DIAG, 1, args, nargs, false))) return -1;
        a = ci->params[0];
        if (!is_array(a) || a->ndim > 2 || a->ndim < 1) return ERR(in, "np.diag() needs a 1-d or 2-d array (got %s)", a->name);
        if (given(ci, 1) && !is_int(ci->params[1])) return ERR(in, "np.diag(): k must be an integer");
        ci->ret = a->ndim == 1 ? ty_array(a->dtype, 2, 'C', false) : ty_array_full(a->dtype, 1, 'A', true, a->unaligned);
        return 0;
    }
    case BI_NP_TRIU: case BI_NP_TRIL: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_TRI, 1, args, nargs, false))) return -1;
        a = ci->params[0];
        if (!is_array(a) || a->ndim < 1) return ERR(in, "np.%s() needs an array of 1 or more dimensions (got %s)", fname, a->name);
        if (given(ci, 1) && !is_int(ci->params[1])) return ERR(in, "np.%s(): k must be an integer", fname);
        ci->ret = ty_array(a->dtype, a->ndim < 2 ? 2 : a->ndim, 'C', false);   /* a 1-d v: (n, n), as NumPy */
        return 0;
    }
    case BI_NP_ROLL: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_ROLL, 2, args, nargs, false))) return -1;
        a = ci->params[0];
        if (!is_array(a)) return ERR(in, "np.roll() needs an array (got %s)", a->name);
        const Type *s = ci->params[1];
        if (!int_tuple(s, true)) return ERR(in, "np.roll(): shift must be an int or a tuple of ints (got %s)", s->name);
        if (given(ci, 2)) {
            if ((n = const_axes(ti, in, ci, 2, a->ndim, axes, fname)) < 0) return -1;
            if (s->kind == TY_TUPLE && s->n != n && n != 1 && s->n != 1)
                return ERR(in, "np.roll(): shape mismatch: shift and axis could not be broadcast together");
        } else if (s->kind == TY_TUPLE && s->n != 1) {
            return ERR(in, "np.roll(): a tuple shift needs axis=");
        }
        ci->ret = ty_array(a->dtype, a->ndim, 'C', false);
        return 0;
    }
    case BI_NP_TILE: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_TILE, 2, args, nargs, false))) return -1;
        a = ci->params[0];
        if (!is_array(a) && !ty_is_number(a)) return ERR(in, "np.tile() needs an array (got %s)", a->name);
        if (!int_tuple(ci->params[1], true)) return ERR(in, "np.tile(): reps must be an int or a tuple of ints");
        int nr = ci->params[1]->kind == TY_TUPLE ? ci->params[1]->n : 1, nd = is_array(a) ? a->ndim : 0;
        ci->ret = ty_array(is_array(a) ? a->dtype : ty_dtype_of_scalar(a), nr > nd ? nr : nd, 'C', false);
        return 0;
    }
    case BI_NP_REPEAT: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_REPEAT, 2, args, nargs, method))) return -1;
        a = ci->params[0];
        if (!is_array(a) && !ty_is_number(a)) return ERR(in, "np.repeat() needs an array or a number (got %s)", a->name);
        const Type *r = ci->params[1];
        if (!is_int(r) && !(is_array(r) && r->ndim <= 1 && strchr("biu", ty_dtypes[r->dtype].kind)))
            return ERR(in, "np.repeat(): repeats must be an int or a 1-d array of ints (got %s)", r->name);
        int nd = 1;
        if (given(ci, 2)) {
            if (!is_array(a)) return ERR(in, "np.repeat() of a number takes no axis");
            if (one_axis(ti, in, ci, 2, a->ndim, axes, fname)) return -1;
            nd = a->ndim;
        }
        int sdt = is_array(a) ? -1 : ti_numpy_scalar_dtype(ti, arg_value(in, ci, 0));   /* np.repeat(np.float32(0), 3): float32 */
        ci->ret = ty_array(is_array(a) ? a->dtype : sdt >= 0 ? sdt : ty_dtype_of_scalar(a), nd, 'C', false);   /* np.repeat(7, 3): 1-d */
        return 0;
    }
    case BI_NP_STACK: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_STACK, 1, args, nargs, false))) return -1;
        int dt = tuple_of_arrays(ti, in, ci->params[0], fname);
        if (dt < 0) return -1;
        const Type *t = ci->params[0];
        for (int i = 1; i < t->n; i++)
            if (t->elems[i]->ndim != t->elems[0]->ndim) return ERR(in, "np.stack(): all input arrays must have the same shape");
        int nd = t->elems[0]->ndim + 1;
        if (given(ci, 1) && one_axis(ti, in, ci, 1, nd, axes, fname)) return -1;
        ci->ret = ty_array(dt, nd, 'C', false);
        return 0;
    }
    case BI_NP_HSTACK: case BI_NP_VSTACK: case BI_NP_DSTACK: case BI_NP_COLUMN_STACK: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_TUP, 1, args, nargs, false))) return -1;
        int dt = tuple_of_arrays(ti, in, ci->params[0], fname);
        if (dt < 0) return -1;
        const Type *t = ci->params[0];
        int want = bid == BI_NP_VSTACK || bid == BI_NP_COLUMN_STACK ? 2 : bid == BI_NP_DSTACK ? 3 : 1, nd = -1;
        for (int i = 0; i < t->n; i++) {
            int k = t->elems[i]->ndim > want ? t->elems[i]->ndim : want;
            if (nd >= 0 && k != nd) return ERR(in, "np.%s(): all the input arrays must have the same number of dimensions", fname);
            nd = k;
        }
        ci->ret = ty_array(dt, nd, 'C', false);
        return 0;
    }
    case BI_NP_SPLIT: case BI_NP_ARRAY_SPLIT: case BI_NP_HSPLIT: case BI_NP_VSPLIT: case BI_NP_DSPLIT: {
        bool fixed = bid == BI_NP_HSPLIT || bid == BI_NP_VSPLIT || bid == BI_NP_DSPLIT;   /* np.split along axis 1, 0, 2 */
        static const char *const P_FIXED_SPLIT[] = {"ary", "indices_or_sections", NULL};
        if (!(ci = ti_bind(ti, in, bid, fname, fixed ? P_FIXED_SPLIT : P_SPLIT, 2, args, nargs, false))) return -1;
        a = ci->params[0];
        int least = bid == BI_NP_VSPLIT ? 2 : bid == BI_NP_DSPLIT ? 3 : 1;
        if (!is_array(a) || a->ndim < least)
            return ERR(in, "np.%s() needs an array of at least %d dimension%s (got %s)", fname, least, least > 1 ? "s" : "", a->name);
        const Type *s = ci->params[1];
        int64_t sections;
        if (s->kind == TY_TUPLE) {
            if (!int_tuple(s, false)) return ERR(in, "np.%s(): indices must be integers", fname);
            n = s->n + 1;
        } else if (is_int(s) && ti_const_int(ti, arg_value(in, ci, 1), &sections)) {
            if (sections <= 0) return ERR(in, "np.%s(): number sections must be larger than 0", fname);
            n = sections > 64 ? -1 : (int)sections;
        } else if (is_int(s)) {
            n = -1;   /* counted at run time */
        } else if ((s->kind == TY_ARRAY && s->ndim == 1 && strchr("iu", ty_dtypes[s->dtype].kind)) ||
                   (s->kind == TY_LIST && s->elems[0] == ty_int64)) {
            n = -2;   /* indices in an array (scanpy's np.split(data, indptr[1:-1])) or a list: their count at run time */
        } else {
            return ERR(in, "np.%s(): the sections must be an int or a tuple, list or array of indices (got %s)", fname, s->name);
        }
        if (!fixed && given(ci, 2) && one_axis(ti, in, ci, 2, a->ndim, axes, fname)) return -1;
        ci->ret = ty_list(ty_view(a, a->dtype, a->ndim, 'A'));   /* a list of the n sections, as NumPy's */
        ci->dtype = n;
        return 0;
    }
    case BI_NP_PAD: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_PAD, 2, args, nargs, false))) return -1;
        a = ci->params[0];
        if (!is_array(a)) return ERR(in, "np.pad() needs an array (got %s)", a->name);
        const Type *w = ci->params[1];
        bool ok = int_tuple(w, true);
        if (!ok && w->kind == TY_TUPLE) {   /* ((before, after), ...) */
            ok = true;
            for (int i = 0; i < w->n; i++)
                ok = ok && int_tuple(w->elems[i], false) && (w->elems[i]->n == 1 || w->elems[i]->n == 2);
            ok = ok && (w->n == 1 || w->n == a->ndim);
        } else if (ok && w->kind == TY_TUPLE && w->n > 2) {
            ok = false;
        }
        if (!ok) return ERR(in, "np.pad(): pad_width must be an int, (before, after) or ((before, after), ...) per axis (got %s)", w->name);
        if (given(ci, 2)) {
            const char *mode = ti_const_str(ti, arg_value(in, ci, 2));
            int k = -1;
            for (int i = 0; mode && ti_pad_modes[i]; i++)
                if (!strcmp(mode, ti_pad_modes[i])) k = i;
            if (k < 0) return UNSUP(in, "np.pad(): mode must be a constant 'constant', 'edge' or 'wrap'");
            if (k != 0 && given(ci, 3)) return ERR(in, "np.pad(): unsupported keyword arguments for mode '%s': {'constant_values'}", mode);
        }
        if (given(ci, 3) && !ty_is_number(ci->params[3]))
            return UNSUP(in, "np.pad(): constant_values must be a number (got %s)", ci->params[3]->name);
        ci->ret = ty_array(a->dtype, a->ndim, 'C', false);
        return 0;
    }
    case BI_NP_MESHGRID: {
        static const char *const kw[] = {"indexing", NULL};
        if (!(ci = bind_variadic(ti, in, bid, fname, kw, args, nargs))) return -1;
        int nx = ci->nparams - 1;
        if (nx > 32) return UNSUP(in, "np.meshgrid() of more than 32 arrays");
        if (given(ci, nx)) {
            const char *s = ti_const_str(ti, arg_value(in, ci, nx));
            if (!s || (strcmp(s, "xy") && strcmp(s, "ij"))) return ERR(in, "Valid values for `indexing` are 'xy' and 'ij'.");
        }
        const Type *parts[32];
        for (int i = 0; i < nx; i++) {
            a = ci->params[i];
            if (!is_array(a)) return ERR(in, "np.meshgrid() needs arrays (got %s)", a->name);
            parts[i] = ty_array(a->dtype, nx, 'C', false);
        }
        ci->ret = ty_tuple(nx, parts);
        return 0;
    }
    case BI_NP_LINSPACE: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_LINSPACE, 2, args, nargs, false))) return -1;
        bool cplx = false;   /* complex ends: NumPy's complex128 arithmetic, the parts in one step */
        for (int i = 0; i < 2; i++) {
            if (!ty_is_number(ci->params[i])) return UNSUP(in, "np.linspace() needs numbers (got %s)", ci->params[i]->name);
            cplx |= ty_held(ci->params[i]) == ty_complex128;
        }
        if (given(ci, 2) && !is_int(ci->params[2])) return ERR(in, "np.linspace(): num must be an integer (got %s)", ci->params[2]->name);
        if (given(ci, 3) && ci->params[3] != ty_bool) return ERR(in, "np.linspace(): endpoint must be a bool");
        int64_t retstep = 0;
        if (given(ci, 4) && !ti_const_int(ti, arg_value(in, ci, 4), &retstep))
            return ERR(in, "np.linspace(): retstep must be a constant bool");
        int dt = cplx ? DT_COMPLEX128 : DT_FLOAT64;
        if (given(ci, 5) && (dt = ti_dtype_arg(ci->params[5])) < 0)
            return ERR(in, "dtype must be a NumPy type such as np.float32 (got %s)", ci->params[5]->name);
        if (cplx && ty_dtypes[dt].kind != 'c')
            return UNSUP(in, "np.linspace() of complex numbers into %s (NumPy drops the imaginary parts with a warning) "
                         "is not supported", ty_dtypes[dt].name);
        const Type *arr = ty_array(dt, 1, 'C', false), *pair[2] = {arr, cplx ? ty_complex128 : ty_float64};
        ci->ret = retstep ? ty_tuple(2, pair) : arr;
        return 0;
    }
    case BI_NP_INDICES: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_INDICES, 1, args, nargs, false))) return -1;
        const Type *d = ci->params[0];
        if (!int_tuple(d, false)) return ERR(in, "np.indices(): dimensions must be a tuple of ints (got %s)", d->name);
        int dt = DT_INT64;
        if (given(ci, 1) && (dt = ti_dtype_arg(ci->params[1])) < 0)
            return ERR(in, "dtype must be a NumPy type such as np.int32 (got %s)", ci->params[1]->name);
        ci->ret = ty_array(dt, d->n + 1, 'C', false);
        return 0;
    }
    }
    return ti_type_npstats_call(ti, in, bid, args, nargs, method);
}
