/* arrays.c: typing rules for NumPy arrays: indexing, attributes, methods, operators on arrays
 * (array expressions), ufuncs and the NumPy functions in builtins.def.
 *
 * Element types: an element loads as the canonical scalar of its dtype's kind (ty_scalar_of);
 * arrays keep their dtype. Operators and ufuncs on arrays follow NumPy 2's promotion, where a
 * Python scalar is "weak": int32 array + 1 is int32, float32 array * 2.0 is float32, int32
 * array + 1.5 is float64 (ti_ufunc_dtype).
 *
 * Layout of a view: basic indexing of a C array keeps C when the index is integers, then at most
 * one partial slice without a step, then full slices; everything else gives 'A'. The rule for
 * F arrays is the mirror image.
 *
 * A call's CallInfo holds, per parameter, the argument's own type (lowering converts), with
 * missing optional parameters typed none. Compile-time arguments (dtype=, axis=) are read from
 * the IR: dtypes are TY_DTYPE values, axes must be integer constants.
 */
#include "ti.h"
#include <string.h>

#define ERR(in, ...) ctx_error(ti->fn->ctx, DIAG_TYPING, ti->fn, (in)->loc, __VA_ARGS__)
#define UNSUP(in, ...) ctx_error(ti->fn->ctx, DIAG_UNSUPPORTED, ti->fn, (in)->loc, __VA_ARGS__)

static bool is_int_array(const Type *t) {
    return t->kind == TY_ARRAY && (ty_dtypes[t->dtype].kind == 'i' || ty_dtypes[t->dtype].kind == 'u');
}

/* ---- indexing ---------------------------------------------------------------------- */
/* Classify an index (one value or a tuple) into its parts. */
typedef struct IndexInfo {
    int n;                 /* parts */
    const Type *parts[64];
    int nint, nslice, nnone, narr;
} IndexInfo;

static int index_info(const Type *idx, IndexInfo *ii) {
    memset(ii, 0, sizeof *ii);
    if (idx->kind == TY_TUPLE) {
        if (idx->n > 64) return -1;
        ii->n = idx->n;
        memcpy(ii->parts, idx->elems, sizeof(Type *) * (size_t)idx->n);
    } else {
        ii->n = 1;
        ii->parts[0] = idx;
    }
    for (int i = 0; i < ii->n; i++) {
        const Type *p = ii->parts[i];
        if (ty_is_int(p) || (is_int_array(p) && p->ndim == 0)) ii->nint++;   /* a 0-d one: read as its int (zerod.c) */
        else if (p->kind == TY_SLICE) ii->nslice++;
        else if (p->kind == TY_NONE) ii->nnone++;
        else if (p->kind == TY_ARRAY && (is_int_array(p) || p->dtype == DT_BOOL)) ii->narr++;
        else return -1;
    }
    return 0;
}

/* The layout of a basic-indexing view (see the file comment). */
static char view_layout(const Type *a, const IndexInfo *ii, int result_ndim) {
    if (a->layout == 'A') return 'A';
    const Type *parts[64];
    int n = 0;
    for (int i = 0; i < ii->n; i++)
        if (ii->parts[i]->kind != TY_NONE) parts[n++] = ii->parts[i];
    for (int i = n; i < a->ndim; i++) parts[i] = ty_slice(0);   /* implicit trailing ':' */
    n = a->ndim;
    if (a->layout == 'C') {
        int i = 0;
        while (i < n && ty_is_int(parts[i])) i++;
        if (i < n && parts[i]->kind == TY_SLICE && !(parts[i]->n & 4)) i++;   /* a partial slice */
        while (i < n && parts[i]->kind == TY_SLICE && parts[i]->n == 0) i++;
        if (i == n) return 'C';
    } else {
        int i = n - 1;
        while (i >= 0 && ty_is_int(parts[i])) i--;
        if (i >= 0 && parts[i]->kind == TY_SLICE && !(parts[i]->n & 4)) i--;
        while (i >= 0 && parts[i]->kind == TY_SLICE && parts[i]->n == 0) i--;
        if (i < 0) return result_ndim <= 1 ? 'C' : 'F';
    }
    return 'A';
}

/* Whether an index takes NumPy's general advanced indexing (codegen/lower_fancy.c): several
 * index arrays, an integer array of more than one dimension, or one array and an integer
 * separated by a slice or None. Integers then count as advanced indices (0-d arrays), so
 * a[0, :, idx] puts idx's dimension first, as NumPy does. */
bool ti_index_general(const Type *idx) {
    int n = idx->kind == TY_TUPLE ? idx->n : 1, narr = 0, first = -1, last = -1, nadv = 0;
    bool multi = false;
    for (int i = 0; i < n; i++) {
        const Type *p = idx->kind == TY_TUPLE ? idx->elems[i] : idx;
        if (p->kind == TY_ARRAY && p->ndim == 0 && p->dtype != DT_BOOL) p = ty_int64;   /* an int (zerod.c) */
        if (p->kind == TY_ARRAY) {
            narr++;
            multi |= p->ndim > 1 && p->dtype != DT_BOOL;
        }
        if (p->kind == TY_ARRAY || ty_is_int(p)) {
            if (first < 0) first = i;
            last = i;
            nadv++;
        }
    }
    if (!narr) return false;
    return narr > 1 || multi || nadv != last - first + 1;
}

/* The type of a[idx]: an element, a view, or (fancy indexing) a new array. */
const Type *ti_array_index_type(TypeInfo *ti, Instr *in, const Type *a, const Type *idx) {
    IndexInfo ii;
    if (index_info(idx, &ii))
        return ERR(in, "cannot index %s with %s", a->name, idx->name), NULL;
    if (ii.nint + ii.nslice + ii.narr > a->ndim)
        return ERR(in, "too many indices for %s: %s", a->name, idx->name), NULL;
    int nd = a->ndim - ii.nint + ii.nnone;
    if (ii.narr) {   /* advanced indexing: a new C array (see codegen/lower_fancy.c) */
        if (ti_index_general(idx)) {   /* the broadcast shape of the index arrays, and the other dimensions */
            int bnd = 0;
            for (int i = 0; i < ii.n; i++) {
                const Type *p = ii.parts[i];
                if (p->kind != TY_ARRAY) continue;
                if (p->dtype == DT_BOOL)
                    return UNSUP(in, "a boolean array among other index arrays or integers (%s) is not supported; "
                                     "use np.nonzero", idx->name), NULL;
                if (p->ndim > bnd) bnd = p->ndim;
            }
            int rnd = bnd + a->ndim - ii.nint - ii.narr + ii.nnone;
            if (rnd == 0) return UNSUP(in, "indexing with 0-d index arrays (%s) is not supported", idx->name), NULL;
            return ty_array(a->dtype, rnd, 'C', false);
        }
        const Type *x = NULL;
        for (int i = 0; i < ii.n; i++)
            if (ii.parts[i]->kind == TY_ARRAY) x = ii.parts[i];
        if (x->ndim > 1) {
            if (x->dtype != DT_BOOL)
                return UNSUP(in, "indexing with a %d-d integer array is not supported", x->ndim), NULL;
            if (ii.n != 1 || x->ndim != a->ndim)
                return UNSUP(in, "a %d-d boolean index must be the only index of a %d-d array", x->ndim, x->ndim), NULL;
            return ty_array(a->dtype, 1, 'C', false);
        }
        return ty_array(a->dtype, nd, 'C', false);
    }
    if (nd == 0) return ty_scalar_of(a->dtype);
    return ty_view(a, a->dtype, nd, view_layout(a, &ii, nd));
}

/* The element dtype and nesting of a (nested) tuple of numbers, for np.array and
 * assignments of tuples into arrays; -1 if t is not one. */
int ti_sequence_shape(const Type *t, int *dt, int depth) {
    if (ty_is_number(t)) {
        int d = ty_dtype_of_scalar(t);
        *dt = *dt < 0 ? d : ty_promote(*dt, d);
        return depth;
    }
    if (t->kind != TY_TUPLE || t->n == 0) return -1;
    int nd = -1;
    for (int i = 0; i < t->n; i++) {
        int k = ti_sequence_shape(t->elems[i], dt, depth + 1);
        if (k < 0 || (nd >= 0 && k != nd)) return -1;
        if (t->elems[i]->kind == TY_TUPLE && t->elems[i]->n != t->elems[0]->n) return -1;   /* ragged */
        nd = k;
    }
    return nd;
}

int ti_array_setitem(TypeInfo *ti, Instr *in, const Type *a, const Type *idx, const Type *val) {
    if (a->readonly)
        return ERR(in, "cannot assign into a read-only array (%s)", a->name);
    const Type *target = ti_array_index_type(ti, in, a, idx);
    if (!target) return -1;
    if (ty_is_number(val) || (val->kind == TY_ARRAY)) {
        if (val->kind == TY_ARRAY && val->ndim > 0 && target->kind != TY_ARRAY)   /* (a 0-d one: its element) */
            return ERR(in, "cannot assign %s to an element of %s", val->name, a->name);
        if (ty_rank(ty_scalar_of(val->kind == TY_ARRAY ? val->dtype : ty_dtype_of_scalar(val))) == 3 &&
            ty_dtypes[a->dtype].kind != 'c')
            return ERR(in, "cannot assign %s into %s without losing the imaginary part", val->name, a->name);
        return 0;
    }
    int dt = -1, depth = val->kind == TY_TUPLE ? ti_sequence_shape(val, &dt, 0) : -1;
    bool list = val->kind == TY_LIST && val->elems[0] && ty_is_number(val->elems[0]);   /* a[1] = [i, j, 1] */
    if (list) dt = ty_dtype_of_scalar(val->elems[0]), depth = 1;
    IndexInfo ii;
    if (depth >= 1 && target->kind == TY_ARRAY && !index_info(idx, &ii) && ii.narr)
        return UNSUP(in, "assigning a %s through an index array is not supported (assign an array)", list ? "list" : "tuple");
    if (depth >= 1 && target->kind == TY_ARRAY) {   /* a[i] = (x, y), a[i] = [x, y]: as np.array of it */
        if (depth > target->ndim)
            return ERR(in, "cannot assign %s into %s: more dimensions than the target's %d", val->name, a->name, target->ndim);
        if (ty_dtypes[dt].kind == 'c' && ty_dtypes[a->dtype].kind != 'c')
            return ERR(in, "cannot assign %s into %s without losing the imaginary part", val->name, a->name);
        return 0;
    }
    return ERR(in, "cannot assign %s into %s", val->name, a->name);
}

/* ---- attributes -------------------------------------------------------------------- */
static const char *const array_methods[] = {
    "sum", "prod", "min", "max", "mean", "std", "var", "argmin", "argmax", "all", "any",
    "cumsum", "cumprod", "copy", "reshape", "ravel", "flatten", "transpose", "astype", "view", "fill", "item",
    "sort", "argsort", "searchsorted", "clip", "dot", "conj", "conjugate",
    "repeat", "squeeze", "swapaxes", "diagonal", "trace", "nonzero",
    "round", "take", "argpartition",   /* NumPy's functions of those names (calls.c) */
    "tolist",   /* ember/_npfuncs.py METHOD_FORMS (calls.c) */
    "$shape",   /* a.shape = ... (frontend/decode.c) */
    NULL};

const Type *ti_array_getattr(TypeInfo *ti, Instr *in, const Type *a) {
    const char *attr = in->str;
    if (!strcmp(attr, "shape") || !strcmp(attr, "strides")) {
        const Type *elems[64];
        for (int i = 0; i < a->ndim; i++) elems[i] = ty_int64;
        return ty_tuple(a->ndim, elems);
    }
    if (!strcmp(attr, "ndim") || !strcmp(attr, "size") || !strcmp(attr, "itemsize") ||
        !strcmp(attr, "nbytes"))
        return ty_int64;
    if (!strcmp(attr, "T"))
        return ty_view(a, a->dtype, a->ndim, a->layout == 'C' ? 'F' : a->layout == 'F' ? 'C' : 'A');
    if (!strcmp(attr, "dtype")) return ty_dtype(a->dtype);
    if (!strcmp(attr, "flags")) return ty_method(a, "flags");   /* a.flags.c_contiguous, ... */
    if (!strcmp(attr, "flat")) {   /* the elements in C order: a 1-d view (contiguous arrays) */
        if (a->ndim == 1) return a;
        if (a->layout == 'C') return ty_view(a, a->dtype, 1, 'C');
        return ty_method(a, "flat");   /* any strides: a.flat[k], a.flat[k] = v by C-order position (infer.c) */
    }
    if (!strcmp(attr, "real") || !strcmp(attr, "imag")) {
        if (ty_dtypes[a->dtype].kind != 'c') {
            if (!strcmp(attr, "imag")) return ty_array(a->dtype, a->ndim, 'C', false);   /* zeros */
            return a;
        }
        return ty_view(a, a->dtype == DT_COMPLEX64 ? DT_FLOAT32 : DT_FLOAT64, a->ndim, 'A');
    }
    for (int i = 0; array_methods[i]; i++)
        if (!strcmp(attr, array_methods[i])) return ty_method(a, attr);
    return UNSUP(in, "%s has no supported attribute '%s'", a->name, attr), NULL;
}

/* ---- operators and ufuncs ------------------------------------------------------------ */
/* The dtype an operand takes part in promotion with; *weak for Python scalars. */
static int operand_dtype(const Type *t, bool *weak) {
    *weak = t->kind != TY_ARRAY && t != ty_uint64;   /* a uint64 scalar is NumPy's, never Python's */
    return t->kind == TY_ARRAY ? t->dtype : ty_dtype_of_scalar(t);
}

/* NumPy 2's result dtype for two operands, with Python scalars weak (NEP 50). */
int ti_result_dtype(const Type *a, const Type *b) {
    bool wa, wb;
    int da = operand_dtype(a, &wa), db = operand_dtype(b, &wb);
    if (da < 0 || db < 0) return -1;
    if (wa == wb) return ty_promote(da, db);
    if (wa) { int t = da; da = db; db = t; }   /* da strong, db weak */
    static const char order[] = "biufc";
    char ks = ty_dtypes[da].kind, kw = ty_dtypes[db].kind;
    if (ks == 'u' && kw == 'i') kw = 'u';
    if (strchr(order, kw) <= strchr(order, ks)) return da;   /* the array's kind is enough */
    if (kw == 'i') return DT_INT64;
    if (kw == 'f') return DT_FLOAT64;
    return ty_dtypes[da].kind == 'f' && ty_dtypes[da].size == 4 ? DT_COMPLEX64 : DT_COMPLEX128;
}

static int float_dtype_for(int dt) {   /* the float a ufunc like sqrt computes in */
    switch (ty_dtypes[dt].kind) {
    case 'f': case 'c': return dt;
    default: return ty_dtypes[dt].size <= 2 ? DT_FLOAT32 : DT_FLOAT64;
    }
}

static int max_ndim(const Type *a, const Type *b) {
    int na = a->kind == TY_ARRAY ? a->ndim : 0, nb = b && b->kind == TY_ARRAY ? b->ndim : 0;
    return na > nb ? na : nb;
}

/* The nd-d array of dt an elementwise operation of a, b and c (any may be NULL or a scalar)
 * returns, in NumPy's order 'K' as Numba gives it: F-contiguous where every array operand is F
 * (X.T * 2.0, np.sqrt(F) + F), so the loop reads and writes them in memory order; C otherwise. */
const Type *ti_ew_array(int dt, int nd, const Type *a, const Type *b, const Type *c) {
    const Type *ops[3] = {a, b, c};
    int arrays = 0, f = 0;
    for (int i = 0; i < 3; i++)
        if (ops[i] && ops[i]->kind == TY_ARRAY) {
            arrays++;
            f += ops[i]->layout == 'F' && ops[i]->ndim == nd;
        }
    return ty_array(dt, nd, nd >= 2 && arrays && f == arrays ? 'F' : 'C', false);
}

/* The result of a product of a (n-d) and b (m-d), n, m in {1, 2}: dot and matmul agree there. */
/* Load the BLAS/LAPACK that float64 products and np.linalg run on; -1 with a diagnostic. */
int ti_need_blas(TypeInfo *ti, Instr *in, const char *fname) {
    const char *why = ti->host && ti->host->linalg_init ? ti->host->linalg_init() : "no BLAS in this host";
    if (why) return UNSUP(in, "%s needs NumPy's BLAS/LAPACK, which cannot be loaded: %s", fname, why);
    return 0;
}

const Type *ti_product_type(TypeInfo *ti, Instr *in, const char *fname, const Type *a, const Type *b) {
    bool dot = !strcmp(fname, "np.dot()");   /* N-d np.dot sums over a's last and b's second-to-last axis */
    if (a->kind != TY_ARRAY || b->kind != TY_ARRAY || a->ndim < 1 || b->ndim < 1)
        return UNSUP(in, "%s of %s and %s is not supported (arrays of 1 or more dimensions are)", fname, a->name, b->name), NULL;
    int dt = ty_promote(a->dtype, b->dtype);
    if (dt == DT_BOOL) return UNSUP(in, "%s of boolean arrays is not supported", fname), NULL;
    if ((dt == DT_FLOAT64 || dt == DT_FLOAT32 || dt == DT_COMPLEX64 || dt == DT_COMPLEX128) && ti_need_blas(ti, in, fname)) return NULL;
    int nd;
    if ((a->ndim <= 2 && b->ndim <= 2) || dot) nd = a->ndim + b->ndim - 2;
    else if (a->ndim == 1 || b->ndim == 1) nd = (a->ndim > b->ndim ? a->ndim : b->ndim) - 1;
    else nd = a->ndim > b->ndim ? a->ndim : b->ndim;
    return nd ? ty_array(dt, nd, 'C', false) : ty_scalar_of(dt);
}

/* Result type of binary operator op on operands a, b (at least one an array). */
const Type *ti_array_binop(TypeInfo *ti, Instr *in, int op, const Type *a, const Type *b) {
    bool num_a = a->kind == TY_ARRAY || ty_is_number(a), num_b = b->kind == TY_ARRAY || ty_is_number(b);
    if (!num_a || !num_b) return ERR(in, "cannot apply an operator to %s and %s", a->name, b->name), NULL;
    int dt = ti_result_dtype(ti_promotion_type(ti, in->args[0]), ti_promotion_type(ti, in->args[1]));
    char k = ty_dtypes[dt].kind;
    switch (op) {
    case IRB_TRUEDIV: dt = k == 'f' || k == 'c' ? dt : DT_FLOAT64; break;   /* NumPy's 'dd' loop */
    case IRB_AND: case IRB_OR: case IRB_XOR: case IRB_LSHIFT: case IRB_RSHIFT:
        if (k == 'f' || k == 'c')
            return ERR(in, "bitwise operators are not supported on %s and %s", a->name, b->name), NULL;
        if (k == 'b' && (op == IRB_LSHIFT || op == IRB_RSHIFT)) dt = DT_INT64;
        break;
    case IRB_FLOORDIV: case IRB_MOD:
        if (k == 'c') return ERR(in, "cannot take // or %% of complex arrays"), NULL;
        if (k == 'b') dt = DT_INT8;
        break;
    case IRB_MATMUL:
        return ti_product_type(ti, in, "@", a, b);
    case IRB_ADD: case IRB_SUB: case IRB_MUL:
        if (k == 'b' && op == IRB_SUB) dt = DT_INT8;   /* NumPy refuses; Numba's int8 loop (sktime's crossings) */
        break;
    case IRB_POW:
        if (k == 'b') dt = DT_INT8;
        break;
    }
    return ti_ew_array(dt, max_ndim(a, b), a, b, NULL);
}

const Type *ti_array_unop(TypeInfo *ti, Instr *in, int op, const Type *a) {
    if (op == IRU_NOT) return ty_bool;   /* not a: of its one element (ValueError for any other size, codegen) */
    if (op == IRU_INVERT && (ty_dtypes[a->dtype].kind == 'f' || ty_dtypes[a->dtype].kind == 'c'))
        return ERR(in, "bad operand type for unary ~: %s", a->name), NULL;
    if (op == IRU_NEG && a->dtype == DT_BOOL) return ti_ew_array(DT_INT8, a->ndim, a, NULL, NULL);   /* Numba's, as - */
    return ti_ew_array(a->dtype, a->ndim, a, NULL, NULL);
}

const Type *ti_array_cmp(TypeInfo *ti, Instr *in, const Type *a, const Type *b) {
    if (!(a->kind == TY_ARRAY || ty_is_number(a)) || !(b->kind == TY_ARRAY || ty_is_number(b)))
        return ERR(in, "cannot compare %s and %s", a->name, b->name), NULL;
    return ti_ew_array(DT_BOOL, max_ndim(a, b), a, b, NULL);
}

/* A ufunc from builtins.def on scalars or arrays: the result's dtype. */
int ti_ufunc_dtype(int bid, const Type *a, const Type *b) {
    bool weak;
    int da = operand_dtype(a, &weak);
    switch (ti_builtins[bid].shape) {
    case SH_UF: return float_dtype_for(da);
    case SH_UB: case SH_BB: return DT_BOOL;
    case SH_US:
        if (bid == BI_NP_CONJUGATE) return da == DT_BOOL ? DT_INT8 : da;
        if ((bid == BI_NP_ABS || bid == BI_NP_ABSOLUTE) && ty_dtypes[da].kind == 'c')
            return da == DT_COMPLEX64 ? DT_FLOAT32 : DT_FLOAT64;
        if ((bid == BI_NP_ABS || bid == BI_NP_ABSOLUTE || bid == BI_NP_INVERT || bid == BI_NP_BITWISE_NOT) && da == DT_BOOL)
            return DT_BOOL;   /* NumPy's ?->? loops (square has none: b->b) */
        if (bid == BI_NP_RINT) return float_dtype_for(da);   /* no integer loops: ints round in floats */
        return da == DT_BOOL && bid != BI_NP_FLOOR && bid != BI_NP_CEIL && bid != BI_NP_TRUNC && bid != BI_NP_FIX ? DT_INT8 : da;
    case SH_BF:
        if (bid == BI_NP_LDEXP) return float_dtype_for(da);   /* the exponent is an int */
        if (bid == BI_NP_FLOAT_POWER) return ty_dtypes[ti_result_dtype(a, b)].kind == 'c' ? DT_COMPLEX128 : DT_FLOAT64;
        return float_dtype_for(ti_result_dtype(a, b));
    case SH_BS: {
        int dt = ti_result_dtype(a, b);
        if (bid == BI_NP_DIVIDE || bid == BI_NP_TRUE_DIVIDE)   /* as `/`: integers divide in float64 */
            return ty_dtypes[dt].kind == 'f' || ty_dtypes[dt].kind == 'c' ? dt : DT_FLOAT64;
        if (dt == DT_BOOL && (bid == BI_NP_POWER || bid == BI_NP_FLOOR_DIVIDE || bid == BI_NP_REMAINDER ||
                              bid == BI_NP_MOD || bid == BI_NP_LEFT_SHIFT || bid == BI_NP_RIGHT_SHIFT || bid == BI_NP_FMOD))
            return DT_INT8;
        return dt;
    }
    default: return -1;
    }
}

int ti_ufunc_compare(int bid) {
    switch (bid) {
    case BI_NP_EQUAL: return IRC_EQ;
    case BI_NP_NOT_EQUAL: return IRC_NE;
    case BI_NP_LESS: return IRC_LT;
    case BI_NP_LESS_EQUAL: return IRC_LE;
    case BI_NP_GREATER: return IRC_GT;
    case BI_NP_GREATER_EQUAL: return IRC_GE;
    default: return -1;
    }
}

/* (a method's id, METHOD_* past BI_COUNT, is none: s.pop() reached here from npscalar.c and
 * read past the table, which crashed a test worker once in a while) */
bool ti_is_ufunc(int bid) {
    if (bid < 0 || bid >= BI_COUNT) return false;
    BuiltinShape s = ti_builtins[bid].shape;
    return s == SH_UF || s == SH_US || s == SH_UB || s == SH_BF || s == SH_BS || s == SH_BB;
}

/* The number of inputs of a ufunc (its parameters: the inputs, then out and where). */
int ti_ufunc_nin(int bid) {
    if (bid < 0 || bid >= BI_COUNT) return 0;
    BuiltinShape s = ti_builtins[bid].shape;
    return s == SH_BF || s == SH_BS || s == SH_BB ? 2 : 1;
}

/* The parameter index of a ufunc call's out= (which 0) or where= (which 1) where given, else -1. */
int ti_ufunc_param(const CallInfo *ci, int which) {
    if (ci->kind != CALL_BUILTIN || ci->builtin >= BI_COUNT) return -1;
    if (ci->builtin == BI_NP_CLIP)   /* np.clip(a, lo, hi, out): out= as a ufunc's, no where= */
        return which == 0 && ci->nparams > 3 && ci->argmap[3] >= 0 && ci->params[3]->kind != TY_NONE ? 3 : -1;
    if (!ti_is_ufunc(ci->builtin)) return -1;
    int i = ti_ufunc_nin(ci->builtin) + which;
    return i < ci->nparams && ci->argmap[i] >= 0 && ci->params[i]->kind != TY_NONE ? i : -1;
}
