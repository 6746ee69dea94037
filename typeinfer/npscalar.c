/* npscalar.c: which NumPy scalar type a value is, for the calls whose result dtype NumPy takes
 * from their scalar arguments.
 *
 * Types keep one canonical scalar per kind (types.h: an int8 element loads as an int64), but to
 * NumPy (and to Numba, which types them so) an element of an int8 array is an np.int8, and
 *
 *     np.full(3, a[0])           is int8 for an int8 a, float32 for a float32 one
 *     np.array([a[0], a[1]])     likewise; np.array([a[0], 1]) is int64 (a Python int is int64)
 *
 * A value is a NumPy scalar of dtype d when it is an element of an array of dtype d (a[i],
 * `for x in a`), np.float32(x) and the other scalar constructors, a whole reduction of an array
 * (a.sum(), np.max(a), np.dot(x, y): the reduction's dtype), or a variable every store to
 * which is one of dtype d (x = a[0]; ...; np.full(n, x)); a bool a NumPy function gives or a
 * comparison of a NumPy scalar makes is an np.bool_ (`~` of it is NumPy's logical not, where `~`
 * of a Python bool is -1 or -2). Anything else (arithmetic included) is the Python scalar of its
 * type. Requires: types of the values asked about (callers run
 * during the fixed point, so an answer may improve as types settle, like every rule).
 */
#include "ti.h"
#include <string.h>

enum { CHASE_DEPTH = 8 };   /* variables copied into variables: how far to follow them */
enum { ANY_DTYPE = -2 };     /* a compiled callee's int result while ti->guess_calls: whatever the
                              * other stores to its variable say (calls.c, ti_narrow_native_calls) */

static int scalar_dtype(TypeInfo *ti, int v, int depth);

/* The dtype every store to variable `var` gives it, -1 when they differ or one is not a NumPy
 * scalar (ANY_DTYPE stores agree with any; all of them: ANY_DTYPE). */
static int variable_dtype(TypeInfo *ti, int var, int depth) {
    Function *fn = ti->fn;
    int dt = -1;
    bool any = false;
    for (int bi = 0; bi < fn->nblocks; bi++) {
        Block *b = fn->blocks[bi];
        for (int k = 0; k < b->ninstrs; k++) {
            Instr *s = b->instrs[k];
            if (s->op != IR_STOREVAR || s->imm != var) continue;
            int d = scalar_dtype(ti, s->args[0], depth + 1);
            if (d == ANY_DTYPE) {
                any = true;
                continue;
            }
            if (d < 0 || (dt >= 0 && d != dt)) return -1;
            dt = d;
        }
    }
    return dt < 0 && any ? ANY_DTYPE : dt;
}

/* What a compiled callee's result (item k of its tuple, or k -1) is as a NumPy scalar: the narrow
 * int dtype it reports, else while guessing ANY_DTYPE for an int. */
static int callee_dtype(TypeInfo *ti, const CallInfo *ci, int k, const Type *t) {
    unsigned char d = k < 0 ? ci->ret_facts.narrow : k < TI_NARROW_ITEMS ? ci->ret_facts.narrow_items[k] : 0;
    if (d) return d - 1;
    return ti->guess_calls && t == ty_int64 ? ANY_DTYPE : -1;
}

static int array_dtype(const Type *t) { return t && t->kind == TY_ARRAY ? t->dtype : -1; }

/* The dtype of a whole reduction of an array to one number (no dtype= given), else -1: NumPy's
 * scalar type of a.sum(), np.nanmax(a), np.dot(x, y). The nan-forms' dtypes are their plain
 * forms' (np.nansum of int32 is an int64, np.nanmean of float32 a float32). */
int ti_whole_reduction_dtype(const CallInfo *ci) {
    if (ci->kind != CALL_BUILTIN || ci->nparams < 1 || array_dtype(ci->params[0]) < 0) return -1;
    int adt = ci->params[0]->dtype, bid = ci->builtin;
    switch (bid) {
    case BI_NP_DOT: case BI_NP_VDOT:
        return ci->nparams >= 2 && array_dtype(ci->params[1]) == adt ? adt : -1;
    case BI_LA_NORM:   /* of a whole float32 or complex64 array: a float32 (NumPy's, Numba's) */
        if (!ci->ret || ci->ret->kind == TY_ARRAY) return -1;
        return adt == DT_FLOAT32 || adt == DT_COMPLEX64 ? DT_FLOAT32 : DT_FLOAT64;
    case BI_NP_NANSUM: bid = BI_NP_SUM; break;
    case BI_NP_NANPROD: bid = BI_NP_PROD; break;
    case BI_NP_NANMEAN: bid = BI_NP_MEAN; break;
    case BI_NP_NANVAR: bid = BI_NP_VAR; break;
    case BI_NP_NANSTD: bid = BI_NP_STD; break;
    case BI_NP_NANMIN: bid = BI_NP_MIN; break;
    case BI_NP_NANMAX: bid = BI_NP_MAX; break;
    case BI_NP_SUM: case BI_NP_PROD: case BI_NP_MEAN: case BI_NP_VAR: case BI_NP_STD: case BI_NP_MIN: case BI_NP_MAX:
    case BI_NP_AMIN: case BI_NP_AMAX:
        break;
    default:
        return -1;
    }
    return ti_reduction_param(ci, "dtype") < 0 ? ti_reduction_dtype(bid, adt, -1) : -1;
}

static bool wide_dtype(int dt) { return dt == DT_INT64 || dt == DT_FLOAT64 || dt == DT_COMPLEX128; }

static int scalar_dtype(TypeInfo *ti, int v, int depth) {
    const Type *t = ti->vtypes[v];
    if (!t || !ty_is_number(t) || depth > CHASE_DEPTH) return -1;
    Instr *in = ti->fn->instrs[v];
    int dt = -1;
    switch (in->op) {
    case IR_GETITEM: case IR_GETATTR:   /* a[i]; a record's field r["x"], r.x */
        dt = in->op == IR_GETITEM ? array_dtype(ti->vtypes[in->args[0]]) : -1;
        if (dt < 0) dt = ti_field_dtype(ti, in);
        break;
    case IR_ITERVALUE: {
        const Type *it = ti->vtypes[in->args[0]];
        if (it && it->kind == TY_ITER && it->iter_of && it->iter_of->kind == TY_ARRAY && it->iter_of->ndim == 1)
            dt = it->iter_of->dtype;
        break;
    }
    case IR_LOADVAR: dt = variable_dtype(ti, in->imm, depth); break;
    case IR_ARG:   /* a parameter given an np.int16, np.float32, ...: a TY_NARROW one */
        if (ti->argdt && in->imm < ti->nargs) dt = ti->argdt[in->imm];
        break;
    case IR_COPY: dt = scalar_dtype(ti, in->args[0], depth + 1); break;
    case IR_UNPACK: {   /* x, y = a[i], b[i]; lo, hi = sort2(a[i], b[i]) */
        Instr *src = ti->fn->instrs[in->args[0]];
        const CallInfo *ci = src->op == IR_CALL ? ti->calls[src->id] : NULL;
        if (src->op == IR_TUPLE && in->imm < src->nargs) dt = scalar_dtype(ti, src->args[in->imm], depth + 1);
        else if (ci && ci->kind == CALL_NATIVE) dt = callee_dtype(ti, ci, (int)in->imm, t);
        break;
    }
    case IR_CALL: {   /* np.float32(x); a NumPy function's bool (np.isnan(x) is an np.bool_); a reduction */
        const CallInfo *ci = ti->calls[in->id];
        if (ci && ci->kind == CALL_NATIVE) dt = callee_dtype(ti, ci, -1, t);   /* g(a[i]) of a uint8 a: an np.uint8 */
        else if (ci && ci->kind == CALL_BUILTIN && ci->builtin == METHOD_DTYPE_CONVERT) dt = ci->dtype;
        else if (ci && ci->kind == CALL_BUILTIN && ti_is_numpy_builtin(ci->builtin) && t == ty_bool) dt = DT_BOOL;
        else if (ci && ci->kind == CALL_BUILTIN && (ci->builtin == BI_MIN || ci->builtin == BI_MAX) && in->nargs >= 3 &&
                 !in->nkw) {   /* max(a[i], b[i]) of two np.uint8 is one, of a uint8 and a uint16 a uint16 */
            dt = scalar_dtype(ti, in->args[1], depth + 1);   /* (args[0] is the callee) */
            for (int k = 2; k < in->nargs && dt >= 0; k++) {
                int d = scalar_dtype(ti, in->args[k], depth + 1);
                dt = d < 0 || d == DT_BOOL || dt == DT_BOOL ? -1 : ty_promote(dt, d);
            }
        }
        else if (ci && ci->kind == CALL_BUILTIN && ti_is_ufunc(ci->builtin) && ti_is_numpy_builtin(ci->builtin) &&
                 !in->nkw && t != ty_bool) {   /* np.sqrt(x) of a number is a NumPy scalar: np.float64 */
            bool narrow = false;
            for (int k = 1; k < in->nargs; k++) {
                int d = scalar_dtype(ti, in->args[k], depth + 1);
                narrow |= d == DT_FLOAT32 || d == DT_COMPLEX64 || (d >= 0 && ty_dtypes[d].size < 8 && ty_dtypes[d].kind != 'b');
            }
            if (!narrow) dt = ty_dtype_of_scalar(t);   /* (of narrow ones: their own width, left to float32's facts) */
        }
        else if (ci) dt = ti_whole_reduction_dtype(ci);
        break;
    }
    case IR_BINOP:   /* x * y of two np.float32 (or np.complex64) is one, as in Numba (and NumPy) */
        if (in->imm == IRB_ADD || in->imm == IRB_SUB || in->imm == IRB_MUL || in->imm == IRB_TRUEDIV) {
            int da = scalar_dtype(ti, in->args[0], depth + 1), db = scalar_dtype(ti, in->args[1], depth + 1);
            if ((da == DT_FLOAT32 || da == DT_COMPLEX64) && db == da) dt = da;
            else if ((da < 0) != (db < 0) && wide_dtype(da >= 0 ? da : db)) {   /* np.float64 and a Python number:
                                                                                 * an np.float64 (1e-6 + np.sqrt(r)) */
                int strong = da >= 0 ? da : db;
                const Type *weak = ti->vtypes[in->args[da >= 0 ? 1 : 0]];
                if (ty_is_number(weak) && ty_rank(weak) <= ty_rank(ty_scalar_of(strong))) dt = strong;
            }
        }
        break;
    case IR_UNOP:   /* -x and ~x wrap at x's width (codegen's cg_wrap_dtype) */
        if (in->imm == IRU_NEG || in->imm == IRU_INVERT) dt = scalar_dtype(ti, in->args[0], depth + 1);
        break;
    case IR_CMP:   /* a[i] > 0 compares a NumPy scalar: an np.bool_ */
        if (t == ty_bool && (scalar_dtype(ti, in->args[0], depth + 1) >= 0 || scalar_dtype(ti, in->args[1], depth + 1) >= 0))
            dt = DT_BOOL;
        break;
    default: break;
    }
    /* the value's type must be the canonical one of that dtype (an element of a 2-d array
     * indexed by one int is a row, not a scalar) */
    if (dt == ANY_DTYPE) return dt;
    return dt >= 0 && ty_scalar_of(dt) == t ? dt : -1;
}

int ti_numpy_scalar_dtype(TypeInfo *ti, int v) {
    int dt = scalar_dtype(ti, v, 0);
    return dt >= 0 ? dt : -1;
}

static bool narrow_int(int dt) { return dt >= 0 && (ty_dtypes[dt].kind == 'i' || ty_dtypes[dt].kind == 'u') && ty_dtypes[dt].size < 8; }

/* The narrow int dtype (int8 ... uint32) every return of value v gives, or of item k of the tuple
 * it returns (k >= 0: a tuple written in the return); -1 where they differ or one is not. */
static int returned_narrow(TypeInfo *ti, int k) {
    Function *fn = ti->fn;
    int dt = -1;
    for (int v = 0; v < fn->ninstrs; v++) {
        Instr *in = fn->instrs[v];
        if (!in || in->op != IR_RETURN) continue;
        Instr *r = fn->instrs[in->args[0]];
        while (r->op == IR_COPY) r = fn->instrs[r->args[0]];
        if (k >= 0 && (r->op != IR_TUPLE || k >= r->nargs)) return -1;
        int d = ti_numpy_scalar_dtype(ti, k >= 0 ? r->args[k] : r->id);
        if (!narrow_int(d) || (dt >= 0 && d != dt)) return -1;
        dt = d;
    }
    return dt;
}

/* What compiled callers take the function's result for (ci->ret_facts.narrow): 1 + the narrow int
 * dtype every return gives (min(a[i], b[i]) of uint8 arrays: an np.uint8), else 0; items[k]
 * likewise for item k of a tuple it returns. */
int ti_returns_narrow(TypeInfo *ti, unsigned char items[TI_NARROW_ITEMS]) {
    memset(items, 0, TI_NARROW_ITEMS);
    const Type *r = ti->ret;
    if (r && r->kind == TY_TUPLE)
        for (int k = 0; k < r->n && k < TI_NARROW_ITEMS; k++)
            items[k] = r->elems[k] == ty_int64 ? (unsigned char)(returned_narrow(ti, k) + 1) : 0;
    return r == ty_int64 ? returned_narrow(ti, -1) + 1 : 0;
}

/* The type value v takes part in an array operation's dtype promotion with: a NumPy scalar
 * (b64[0], np.int64(x), a.sum()) is strong, as a 0-d array of its dtype (NumPy 2, and Numba:
 * int32 array + b64[0] is int64, float32 array * x64[i] float64); anything else its own type
 * (a Python scalar: weak, NEP 50). */
const Type *ti_promotion_type(TypeInfo *ti, int v) {
    const Type *t = ti->vtypes[v];
    if (!t || t->kind == TY_ARRAY || !ty_is_number(t)) return t;
    int dt = scalar_dtype(ti, v, 0);
    return dt >= 0 && dt != DT_BOOL ? ty_array(dt, 0, 'C', false) : t;
}

/* The value a variable load reads when one store defines it (t = (x, y); np.array(t)), else v. */
static int single_definition(TypeInfo *ti, int v) {
    for (int depth = 0; depth < CHASE_DEPTH; depth++) {
        Instr *in = ti->fn->instrs[v];
        if (in->op != IR_LOADVAR) return v;
        Function *fn = ti->fn;
        int found = -1, count = 0;
        for (int bi = 0; bi < fn->nblocks; bi++)
            for (int k = 0; k < fn->blocks[bi]->ninstrs; k++) {
                Instr *s = fn->blocks[bi]->instrs[k];
                if (s->op == IR_STOREVAR && s->imm == in->imm) found = s->args[0], count++;
            }
        if (count != 1) return v;
        v = found;
    }
    return v;
}

/* Promote *dt by number v's dtype (a NumPy scalar's, else its kind's); false when v is no number. */
static bool promote_by(TypeInfo *ti, int v, int *dt) {
    const Type *t = ti->vtypes[v];
    if (!t || !ty_is_number(t)) return false;
    int d = scalar_dtype(ti, v, 0);
    if (d < 0) d = ty_dtype_of_scalar(t);
    *dt = *dt < 0 ? d : ty_promote(*dt, d);
    return true;
}

/* Is value v typed, and, a variable's value, every value stored to the variable (whose dtypes
 * its own is)? Not yet while typing has not reached a loop's body after its exit. */
static bool typed_yet(TypeInfo *ti, int v) {
    Instr *in = ti->fn->instrs[v];
    if (!ti->vtypes[v]) return false;
    if (in->op != IR_LOADVAR) return true;
    for (int u = 0; u < ti->fn->ninstrs; u++) {
        Instr *s = ti->fn->instrs[u];
        if (s && s->op == IR_STOREVAR && s->imm == in->imm && !ti->vtypes[s->args[0]]) return false;
    }
    return true;
}

/* A list variable's later values promoted into *dt, as its type unifies them in Numba
 * (l = [np.int8(1)]; l.append(1000): an int64 list): what l.append(x) and l.insert(i, x) add
 * (l[i] = x converts x to the list's type). False when l may get anything else (l.extend(m),
 * a call taking l). */
static bool list_additions(TypeInfo *ti, int var, int *dt) {
    Function *fn = ti->fn;
    for (int u = 0; u < fn->ninstrs; u++) {
        Instr *x = fn->instrs[u];
        if (!x) continue;
        for (int k = 0; k < x->nargs; k++) {
            Instr *a = fn->instrs[x->args[k]];
            if (a->op != IR_LOADVAR || a->imm != var) continue;
            if (x->op == IR_GETITEM || x->op == IR_GETITER) continue;   /* reads */
            if (x->op == IR_SETITEM && k == 0) continue;   /* converts to the list's type, as in Numba */
            if (x->op == IR_GETATTR && (!strcmp(x->str, "append") || !strcmp(x->str, "insert"))) {
                for (int c = 0; c < fn->ninstrs; c++) {   /* its call: the value is the last argument */
                    Instr *call = fn->instrs[c];
                    if (!call || call->op != IR_CALL || call->args[0] != x->id) continue;
                    if (call->nargs >= 2 && !call->nkw && !typed_yet(ti, call->args[call->nargs - 1])) {
                        *dt = LITERAL_WAITS;   /* typed later in this round (a loop's body after its exit) */
                        return false;
                    }
                    if (call->nargs < 2 || call->nkw || !promote_by(ti, call->args[call->nargs - 1], dt)) return false;
                }
                continue;
            }
            const Type *f = x->op == IR_CALL && k > 0 ? ti->vtypes[x->args[0]] : NULL;   /* (its CallInfo may be in the making) */
            if (f && f->kind == TY_FUNCTION && (f->builtin == BI_NP_ARRAY || f->builtin == BI_NP_ASARRAY || f->builtin == BI_LEN))
                continue;
            return false;
        }
    }
    return true;
}

/* Promote *dt by the leaves of sequence literal v; false when one is not a number. */
static bool literal_leaves(TypeInfo *ti, int v, int *dt, int depth) {
    int def = single_definition(ti, v);
    Instr *in = ti->fn->instrs[def];
    if (def != v && in->op == IR_TUPLE && in->imm != 0 &&
        (ti->fn->instrs[v]->op != IR_LOADVAR || !list_additions(ti, ti->fn->instrs[v]->imm, dt)))
        return false;
    if (promote_by(ti, def, dt)) return true;
    if (in->op != IR_TUPLE || depth > 32) return false;
    for (int i = 0; i < in->nargs; i++)
        if (!literal_leaves(ti, in->args[i], dt, depth + 1)) return false;
    return true;
}

int ti_literal_dtype(TypeInfo *ti, int v, int dflt) {
    int dt = -1;
    bool leaves = literal_leaves(ti, v, &dt, 0);
    return dt == LITERAL_WAITS ? LITERAL_WAITS : leaves && dt >= 0 ? dt : dflt;
}
