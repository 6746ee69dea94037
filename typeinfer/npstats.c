/* npstats.c: typing rules for NumPy's statistics and searching functions: histogram bincount
 * digitize interp cov corrcoef, the NaN-ignoring reductions (nansum nanprod nanmin nanmax
 * nanmean nanvar nanstd) and ptp (axis=None or one constant axis), nonzero / np.where(cond) /
 * argwhere / flatnonzero, convolve correlate (np.cross is ember/_nplib.py's).
 *
 * Real element types only (complex arrays are an UnsupportedError); constants where they decide
 * the result's type (histogram's density=, cov's rowvar=, the modes of convolve/correlate).
 */
#include "ti.h"
#include <string.h>

#define ERR(in, ...) ctx_error(ti->fn->ctx, DIAG_TYPING, ti->fn, (in)->loc, __VA_ARGS__)
#define UNSUP(in, ...) ctx_error(ti->fn->ctx, DIAG_UNSUPPORTED, ti->fn, (in)->loc, __VA_ARGS__)

static bool is_array(const Type *t) { return t->kind == TY_ARRAY; }
static bool given(const CallInfo *ci, int i) { return ci->argmap[i] != -1 && ci->params[i]->kind != TY_NONE; }
static bool is_int(const Type *t) { return t == ty_int64 || t == ty_bool; }
static bool real_array(const Type *t) { return is_array(t) && ty_dtypes[t->dtype].kind != 'c'; }
static bool real_number(const Type *t) { return ty_is_number(t) && t != ty_complex128; }
static int arg_value(Instr *in, const CallInfo *ci, int i) { return ci->argmap[i] >= 0 ? in->args[ci->argmap[i]] : -1; }

static const char *const P_HIST[] = {"a", "bins", "range", "density", "weights", NULL};
static const char *const P_BINCOUNT[] = {"x", "weights", "minlength", NULL};
static const char *const P_DIGITIZE[] = {"x", "bins", "right", NULL};
static const char *const P_INTERP[] = {"x", "xp", "fp", "left", "right", NULL};
static const char *const P_COV[] = {"m", "y", "rowvar", "bias", "ddof", NULL};
static const char *const P_CORRCOEF[] = {"x", "y", "rowvar", NULL};
static const char *const P_NANRED[] = {"a", "axis", NULL};
static const char *const P_NANVAR[] = {"a", "axis", "dtype", "out", "ddof", NULL};
static const char *const P_A[] = {"a", NULL};
static const char *const P_CONV[] = {"a", "v", "mode", NULL};

/* A compile-time bool/int at parameter i (dflt when left out); -1 after an error. */
static int const_flag(TypeInfo *ti, Instr *in, CallInfo *ci, int i, const char *what, int dflt) {
    if (!given(ci, i)) return dflt;
    int64_t v;
    if (!ti_const_int(ti, arg_value(in, ci, i), &v)) return ERR(in, "%s must be a constant", what);
    return v != 0;
}

static int sum_dtype(int dt) {
    char k = ty_dtypes[dt].kind;
    return k == 'b' || k == 'i' ? DT_INT64 : k == 'u' ? DT_UINT64 : dt;
}

/* nan-reductions and ptp: none or one constant axis. The result for axis `axis` (-1: all). */
static const Type *reduced(const Type *a, int dt, int axis) {
    if (axis < 0 || a->ndim == 1) return ty_scalar_of(dt);
    return ty_array(dt, a->ndim - 1, 'C', false);
}

/* -2 when bid is not one of this file's functions. */
int ti_type_npstats_call(TypeInfo *ti, Instr *in, int bid, const Type **args, int nargs, bool method) {
    const char *fname = ti_builtins[bid].name;
    CallInfo *ci;
    const Type *a;
    switch (bid) {
    case BI_NP_HISTOGRAM: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_HIST, 1, args, nargs, false))) return -1;
        a = ci->params[0];
        if (!real_array(a)) return UNSUP(in, "np.histogram() of %s is not supported (real arrays are)", a->name);
        const Type *b = ci->params[1];
        if (given(ci, 1) && !is_int(b) && !(real_array(b) && b->ndim == 1))
            return ERR(in, "np.histogram(): bins must be an int or a 1-d array of edges (got %s)", b->name);
        const Type *r = ci->params[2];
        if (given(ci, 2) && !(r->kind == TY_TUPLE && r->n == 2 && real_number(r->elems[0]) && real_number(r->elems[1])))
            return ERR(in, "np.histogram(): range must be a (min, max) tuple of numbers (got %s)", r->name);
        int density = const_flag(ti, in, ci, 3, "np.histogram(): density", 0);
        if (density < 0) return -1;
        int dt = DT_INT64;
        if (given(ci, 4)) {
            const Type *w = ci->params[4];
            if (!real_array(w)) return UNSUP(in, "np.histogram(): weights of %s are not supported (real arrays are)", w->name);
            dt = ty_dtypes[w->dtype].kind == 'f' ? w->dtype : DT_INT64;
        }
        if (density) dt = DT_FLOAT64;
        /* the edges: NumPy returns an array of edges as given; edges it makes have a float32 a's
         * dtype (the range's Python numbers do not widen it) */
        int et = is_array(b) ? b->dtype : a->dtype == DT_FLOAT32 ? DT_FLOAT32 : DT_FLOAT64;
        const Type *parts[2] = {ty_array(dt, 1, 'C', false), ty_array(et, 1, 'C', false)};
        ci->ret = ty_tuple(2, parts);
        return 0;
    }
    case BI_NP_BINCOUNT: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_BINCOUNT, 1, args, nargs, false))) return -1;
        a = ci->params[0];
        /* uint64 values from 2**63 read as negative int64s: ValueError, as NumPy's cast gives */
        if (!is_array(a) || a->ndim != 1 || !strchr("biu", ty_dtypes[a->dtype].kind))
            return ERR(in, "np.bincount() needs a 1-d array of integers (got %s)", a->name);
        if (given(ci, 1) && !(real_array(ci->params[1]) && ci->params[1]->ndim == 1))
            return UNSUP(in, "np.bincount(): weights must be a real 1-d array (got %s)", ci->params[1]->name);
        if (given(ci, 2) && !is_int(ci->params[2])) return ERR(in, "np.bincount(): minlength must be an integer");
        ci->ret = ty_array(given(ci, 1) ? DT_FLOAT64 : DT_INT64, 1, 'C', false);
        return 0;
    }
    case BI_NP_DIGITIZE: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_DIGITIZE, 2, args, nargs, false))) return -1;
        a = ci->params[0];
        if (!real_array(a) && !real_number(a)) return UNSUP(in, "np.digitize() of %s is not supported", a->name);
        if (!real_array(ci->params[1]) || ci->params[1]->ndim != 1)
            return ERR(in, "np.digitize(): bins must be a 1-d array (got %s)", ci->params[1]->name);
        if (given(ci, 2) && ci->params[2] != ty_bool) return ERR(in, "np.digitize(): right must be a bool");
        ci->ret = is_array(a) ? ty_array(DT_INT64, a->ndim, 'C', false) : ty_int64;
        return 0;
    }
    case BI_NP_INTERP: {
        for (int i = 0; i < 3 && i + 1 < in->nargs - in->nkw; i++) {   /* np.interp(x, [0.0, 1.0], [2.0, 4.0]) */
            const Type *t = ti->vtypes[in->args[i + 1]];
            if (ti_is_array_like(ti, in->args[i + 1]) || (t && t->kind == TY_LIST && t->elems[0] && ty_is_number(t->elems[0])))
                return ti_wrap_array_like(ti, in, i + 1);   /* (a list made at run time too: np.array of it) */
        }
        if (!(ci = ti_bind(ti, in, bid, fname, P_INTERP, 3, args, nargs, false))) return -1;
        a = ci->params[0];
        if (!real_array(a) && !real_number(a)) return UNSUP(in, "np.interp() of %s is not supported", a->name);
        for (int i = 1; i < 3; i++)
            if (!real_array(ci->params[i]) || ci->params[i]->ndim != 1)
                return UNSUP(in, "np.interp(): %s must be a real 1-d array (got %s)", P_INTERP[i], ci->params[i]->name);
        for (int i = 3; i < 5; i++)
            if (given(ci, i) && !real_number(ci->params[i]))
                return UNSUP(in, "np.interp(): %s must be a real number (got %s)", P_INTERP[i], ci->params[i]->name);
        ci->ret = is_array(a) ? ty_array(DT_FLOAT64, a->ndim, 'C', false) : ty_float64;
        return 0;
    }
    case BI_NP_COV: case BI_NP_CORRCOEF: {
        bool cov = bid == BI_NP_COV;
        if (!(ci = ti_bind(ti, in, bid, fname, cov ? P_COV : P_CORRCOEF, 1, args, nargs, false))) return -1;
        a = ci->params[0];
        if (!real_array(a) || a->ndim > 2) return UNSUP(in, "np.%s() of %s is not supported (real 1-d and 2-d arrays are)", fname, a->name);
        const Type *y = ci->params[1];
        if (given(ci, 1) && (!real_array(y) || y->ndim > 2))
            return UNSUP(in, "np.%s(): y of %s is not supported (real 1-d and 2-d arrays are)", fname, y->name);
        if (const_flag(ti, in, ci, 2, "rowvar", 1) < 0) return -1;
        if (cov && given(ci, 3) && ci->params[3] != ty_bool) return ERR(in, "np.cov(): bias must be a bool");
        if (cov && given(ci, 4) && !is_int(ci->params[4])) return ERR(in, "np.cov(): ddof must be an integer");
        /* NumPy squeezes one variable to a 0-d array; ember knows the count only for 1-d inputs */
        bool one = a->ndim == 1 && !given(ci, 1);
        ci->ret = one && !cov ? ty_float64 : ty_array(DT_FLOAT64, one ? 0 : 2, 'C', false);   /* corrcoef: c / c */
        return 0;
    }
    case BI_NP_NANSUM: case BI_NP_NANPROD: case BI_NP_NANMIN: case BI_NP_NANMAX: case BI_NP_NANMEAN:
    case BI_NP_NANVAR: case BI_NP_NANSTD: case BI_NP_PTP: case BI_NP_NANARGMIN: case BI_NP_NANARGMAX: {
        bool var = bid == BI_NP_NANVAR || bid == BI_NP_NANSTD;
        if (!(ci = ti_bind(ti, in, bid, fname, var ? P_NANVAR : P_NANRED, 1, args, nargs, method))) return -1;
        a = ci->params[0];
        if (!real_array(a)) return UNSUP(in, "np.%s() of %s is not supported (real arrays are)", fname, a->name);
        if (bid == BI_NP_PTP && a->dtype == DT_BOOL) return ERR(in, "np.ptp() of a boolean array (numpy boolean subtract is not supported)");
        if (var && (given(ci, 2) || given(ci, 3))) return UNSUP(in, "np.%s(): dtype= and out= are not supported", fname);
        if (var && given(ci, 4) && !is_int(ci->params[4])) return ERR(in, "np.%s(): ddof must be an integer", fname);
        int axis = -1;
        if (given(ci, 1)) {
            int64_t k;
            if (!ti_const_int(ti, arg_value(in, ci, 1), &k)) return ERR(in, "np.%s(): axis must be an integer constant", fname);
            if (k < -a->ndim || k >= a->ndim)
                return ERR(in, "axis %lld is out of bounds for array of dimension %d", (long long)k, a->ndim);
            axis = (int)(k < 0 ? k + a->ndim : k);
        }
        char kd = ty_dtypes[a->dtype].kind;
        int dt;
        switch (bid) {
        case BI_NP_NANSUM: case BI_NP_NANPROD: dt = sum_dtype(a->dtype); break;
        case BI_NP_NANMIN: case BI_NP_NANMAX: case BI_NP_PTP: dt = a->dtype; break;
        case BI_NP_NANARGMIN: case BI_NP_NANARGMAX: dt = DT_INT64; break;
        default: dt = kd == 'f' ? a->dtype : DT_FLOAT64; break;
        }
        ci->ret = reduced(a, dt, axis);
        return 0;
    }
    case BI_NP_NONZERO: case BI_NP_ARGWHERE: case BI_NP_FLATNONZERO: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_A, 1, args, nargs, method))) return -1;
        a = ci->params[0];
        if (!is_array(a) || a->ndim < 1) return ERR(in, "np.%s() needs an array of at least 1 dimension (got %s)", fname, a->name);
        if (bid == BI_NP_ARGWHERE) ci->ret = ty_array(DT_INT64, 2, 'C', false);
        else if (bid == BI_NP_FLATNONZERO) ci->ret = ty_array(DT_INT64, 1, 'C', false);
        else {
            const Type *parts[64], *v = ty_array(DT_INT64, 1, 'C', false);
            for (int i = 0; i < a->ndim; i++) parts[i] = v;
            ci->ret = ty_tuple(a->ndim, parts);
        }
        return 0;
    }
    case BI_NP_CONVOLVE: case BI_NP_CORRELATE: {
        if (!(ci = ti_bind(ti, in, bid, fname, P_CONV, 2, args, nargs, false))) return -1;
        for (int i = 0; i < 2; i++) {
            const Type *t = ci->params[i];
            if (!is_array(t) || t->ndim != 1 || t->dtype == DT_BOOL)
                return UNSUP(in, "np.%s() of %s is not supported (1-d numeric arrays are)", fname, t->name);
        }
        if (given(ci, 2)) {
            const char *m = ti_const_str(ti, arg_value(in, ci, 2));
            int k = -1;
            for (int i = 0; m && ti_conv_modes[i]; i++)
                if (!strcmp(m, ti_conv_modes[i])) k = i;
            if (k < 0) return ERR(in, "np.%s(): mode must be a constant 'valid', 'same' or 'full'", fname);
        }
        ci->ret = ty_array(ty_promote(ci->params[0]->dtype, ci->params[1]->dtype), 1, 'C', false);
        return 0;
    }
    case BI_NP_EINSUM: return ti_type_einsum(ti, in, bid, args, nargs);
    }
    return -2;
}
