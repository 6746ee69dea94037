/* shared.c: typing data and pure helpers that lowering reads too. Typing lives in ember._ember
 * and lowering in ember._embercc, so what both need is linked into each from the common library:
 * the builtin table (builtins.def), ti_is_numpy_builtin and ti_const_int, what iterates, how
 * containers compare. */
#include "ti.h"
#include <string.h>

const BuiltinInfo ti_builtins[BI_COUNT] = {
#define BI(id, mod, name, shape, lowering) {mod, name, shape, lowering},
#include "builtins.def"
#undef BI
};

bool ti_is_numpy_builtin(int bid) {
    return bid >= 0 && bid < BI_COUNT && !strncmp(ti_builtins[bid].module, "numpy", 5);
}

int ti_const_int(TypeInfo *ti, int value, int64_t *out) {
    Instr *in = ti->fn->instrs[value];
    if (in->op == IR_CONST && (in->c.kind == K_INT || in->c.kind == K_BOOL)) {
        *out = in->c.i;
        return 1;
    }
    PyObject *f = ti->frozen[value];
    if (f && PyLong_Check(f)) {
        int overflow;
        *out = PyLong_AsLongLongAndOverflow(f, &overflow);
        return !overflow;
    }
    return 0;
}


/* The parameters of the reductions, in NumPy's order (a method binds the receiver to "a"). */
static const char *const P_SUM[] = {"a", "axis", "dtype", "out", "keepdims", NULL};        /* sum prod mean */
static const char *const P_EXTREME[] = {"a", "axis", "out", "keepdims", NULL};            /* min max all any argmin argmax */
static const char *const P_SPREAD[] = {"a", "axis", "dtype", "out", "ddof", "keepdims", NULL};   /* var std */
static const char *const P_COUNT[] = {"a", "axis", "keepdims", NULL};
static const char *const P_CUM[] = {"a", "axis", "dtype", "out", NULL};
static const char *const P_AVERAGE[] = {"a", "axis", "weights", "returned", "keepdims", NULL};
static const char *const P_UREDUCE[] = {"array", "axis", "dtype", "out", "keepdims", NULL};   /* np.add.reduce */
static const char *const P_UACCUMULATE[] = {"array", "axis", "dtype", "out", NULL};
static const char *const P_NONE[] = {NULL};   /* not a reduction: ti_reduction_param finds nothing */

const char *const *ti_reduction_params(int bid, int ufmethod) {
    if (ufmethod) return ufmethod == UF_REDUCE ? P_UREDUCE : P_UACCUMULATE;
    switch (bid) {
    case BI_NP_SUM: case BI_NP_PROD: case BI_NP_MEAN: return P_SUM;
    case BI_NP_VAR: case BI_NP_STD: return P_SPREAD;
    case BI_NP_COUNT_NONZERO: return P_COUNT;
    case BI_NP_CUMSUM: case BI_NP_CUMPROD: return P_CUM;
    case BI_NP_AVERAGE: return P_AVERAGE;
    case BI_NP_MIN: case BI_NP_MAX: case BI_NP_AMIN: case BI_NP_AMAX: case BI_NP_ARGMIN: case BI_NP_ARGMAX:
    case BI_NP_ALL: case BI_NP_ANY:
        return P_EXTREME;
    default: return P_NONE;
    }
}

/* The dtype reduction bid of an array of dtype adt gives (dtype: the dtype= argument, or -1):
 * sums and products of bools and ints in (u)int64, means of them in float64, the variance of
 * complex values real. */
int ti_reduction_dtype(int bid, int adt, int dtype) {
    int dt = dtype >= 0 ? dtype : adt;
    char k = ty_dtypes[dt].kind;
    switch (bid) {
    case BI_NP_MAXIMUM: case BI_NP_MINIMUM: return adt;   /* np.maximum.reduce & co */
    case BI_NP_LOGICAL_AND: case BI_NP_LOGICAL_OR: case BI_NP_LOGICAL_XOR: return DT_BOOL;
    case BI_NP_SUM: case BI_NP_PROD: case BI_NP_CUMSUM: case BI_NP_CUMPROD: case BI_NP_ADD: case BI_NP_MULTIPLY:
        if (dtype >= 0) return dtype;
        return k == 'b' || k == 'i' ? DT_INT64 : k == 'u' ? DT_UINT64 : dt;
    case BI_NP_MEAN: case BI_NP_AVERAGE: return k == 'f' || k == 'c' ? dt : DT_FLOAT64;
    case BI_NP_VAR: case BI_NP_STD:
        return dt == DT_COMPLEX64 ? DT_FLOAT32 : dt == DT_COMPLEX128 ? DT_FLOAT64 : k == 'f' ? dt : DT_FLOAT64;
    case BI_NP_ARGMIN: case BI_NP_ARGMAX: case BI_NP_COUNT_NONZERO: return DT_INT64;
    case BI_NP_ALL: case BI_NP_ANY: return DT_BOOL;
    default:   /* min, max; other ufuncs' reduce: their own dtype */
        if (ti_is_ufunc(bid)) {
            const Type *t = ty_array(adt, 1, 'C', false);
            return ti_ufunc_dtype(bid, t, t);
        }
        return adt;
    }
}

/* The index of parameter `name` of reduction bid if the call gave it (not None), else -1. */
int ti_reduction_param(const CallInfo *ci, const char *name) {
    const char *const *names = ti_reduction_params(ci->builtin, ci->ufmethod);
    for (int i = 0; names[i] && i < ci->nparams; i++)
        if (!strcmp(names[i], name))
            return (ci->argmap[i] >= 0 || ci->defaults[i] != Py_None) && ci->params[i]->kind != TY_NONE ? i : -1;
    return -1;
}

/* Parameter p of a call as an integer known at compile time: a constant argument, or the
 * default typing gave it (np.add.reduce's axis=0). */
bool ti_param_const_int(TypeInfo *ti, Instr *in, const CallInfo *ci, int p, int64_t *k) {
    if (ci->argmap[p] >= 0) return ti_const_int(ti, in->args[ci->argmap[p]], k);
    if (ci->argmap[p] != -1 || !PyLong_Check(ci->defaults[p])) return false;
    int overflow;
    *k = PyLong_AsLongLongAndOverflow(ci->defaults[p], &overflow);
    return !overflow;
}

int ti_const_real(TypeInfo *ti, int value, double *out) {
    Instr *in = ti->fn->instrs[value];
    if (in->op == IR_UNOP && (in->imm == IRU_NEG || in->imm == IRU_POS) && ti_const_real(ti, in->args[0], out)) {
        if (in->imm == IRU_NEG) *out = -*out;   /* -np.inf */
        return 1;
    }
    if (in->op == IR_CONST && in->c.kind == K_FLOAT) {
        *out = in->c.re;
        return 1;
    }
    PyObject *f = ti->frozen[value];
    if (f && PyFloat_Check(f)) {
        *out = PyFloat_AS_DOUBLE(f);
        return 1;
    }
    int64_t k;
    if (ti_const_int(ti, value, &k)) {
        *out = (double)k;
        return 1;
    }
    return 0;
}

/* The position of keyword `name` among the call's keywords, -1 when it is not given. */
int ti_kw_index(const Instr *in, const char *name) {
    for (int k = 0; k < in->nkw; k++)
        if (!strcmp(in->kwnames[k], name)) return k;
    return -1;
}

const char *ti_const_str(TypeInfo *ti, int value) {
    Instr *in = ti->fn->instrs[value];
    if (in->op == IR_CONST && in->c.kind == K_STR) return in->c.s;
    PyObject *f = ti->frozen[value];
    return f && PyUnicode_Check(f) ? PyUnicode_AsUTF8(f) : NULL;
}

/* The field of record rec that value idx names: a constant name, or a constant position (from
 * the end where negative); -1 for neither, or one out of range. */
int ti_record_field_at(TypeInfo *ti, const Type *rec, int idx) {
    const char *name = ti_const_str(ti, idx);
    if (name) return ty_record_field(rec, name);
    int64_t k;
    if (!ti_const_int(ti, idx, &k) || k < -rec->n || k >= rec->n) return -1;
    return (int)(k < 0 ? k + rec->n : k);
}

/* The dtype of the record's scalar field that `in` reads (r["x"], r[0], r.x), else -1: to
 * NumPy and Numba a float32 field is an np.float32, as an element of a float32 array is. */
int ti_field_dtype(TypeInfo *ti, const Instr *in) {
    const Type *r = in->op == IR_GETITEM || in->op == IR_GETATTR ? ti->vtypes[in->args[0]] : NULL;
    if (!r || r->kind != TY_RECORD) return -1;
    int f = in->op == IR_GETATTR ? ty_record_field(r, in->str) : ti_record_field_at(ti, r, in->args[1]);
    return f >= 0 && r->fdtypes[f] >= 0 && !ty_record_sub_ndim(r, f) ? r->fdtypes[f] : -1;
}

/* What `for x in t` accepts: ranges, arrays of at least one dimension, tuples of one type, and
 * zip/enumerate of those. */
bool ti_is_iterable(const Type *t) {
    switch (t->kind) {
    case TY_RANGE: return true;
    case TY_ARRAY: case TY_RECARRAY: return t->ndim > 0;
    case TY_GENERATOR: return true;
    case TY_TUPLE: return t->n == 0 || ty_is_uniform_tuple(t);
    case TY_ZIP: case TY_LIST: case TY_DICT: case TY_SET: case TY_STR: return true;
    case TY_ITER: return t->iter_of && ti_is_iterable(t->iter_of);   /* iter(x): its items go on from where it is */
    case TY_METHOD: return !strcmp(t->attr, "flat") && t->recv->kind == TY_ARRAY;   /* a.flat of an array of any strides */
    default: return false;
    }
}

/* The type of each value iterating over `of` gives. */
const Type *ti_iter_value_type(const Type *of) {
    switch (of->kind) {
    case TY_ARRAY:
        return of->ndim == 1 ? ty_scalar_of(of->dtype)
                             : ty_view(of, of->dtype, of->ndim - 1, of->layout == 'C' ? 'C' : 'A');
    case TY_RECARRAY:
        return of->ndim == 1 ? (ty_is_chars(of->rec) ? ty_str : of->rec)
                             : ty_recarray(of->rec, of->ndim - 1, of->layout == 'C' ? 'C' : 'A', of->readonly, of->unaligned);
    case TY_GENERATOR: return of->elems[0];
    case TY_ITER: return ti_iter_value_type(of->iter_of);
    case TY_RANGE: return ty_int64;
    case TY_METHOD: return ty_scalar_of(of->recv->dtype);   /* a.flat: its elements in C order */
    case TY_STR: return ty_str;
    case TY_DICT:   /* a dict and its keys() iterate the keys, values() the values, items() (key, value) */
        if (of->attr && of->attr[0] == 'v') return of->elems[1];
        if (of->attr && of->attr[0] == 'i') return of->elems[0] && of->elems[1] ? ty_tuple(2, of->elems) : NULL;
        return of->elems[0];
    case TY_ZIP: {
        const Type *parts[64];
        for (int i = 0; i < of->n && i < 64; i++) parts[i] = ti_iter_value_type(of->elems[i]);
        return ty_tuple(of->n, parts);
    }
    default: return of->n ? of->elems[0] : ty_none;
    }
}

/* The set a keys or items view stands for in set operators and comparisons (d.keys() & s), or t
 * itself. */
const Type *ti_view_as_set(const Type *t) {
    if (t->kind != TY_DICT || !t->attr || !strcmp(t->attr, "values") || !t->elems[0] || !t->elems[1]) return t;
    return ty_set(ti_iter_value_type(t));
}

/* Values that compiled code compares with == (cg_cmp_any): numbers, strings, and tuples, lists,
 * sets and dicts of such values. */
bool ti_equatable(const Type *x, const Type *y) {
    if ((ty_is_number(x) && ty_is_number(y)) || (x == ty_str && y == ty_str)) return true;
    if (x->kind != y->kind || (x->kind == TY_DICT && (x->attr || y->attr))) return false;
    switch (x->kind) {
    case TY_TUPLE:
        for (int i = 0; i < x->n && i < y->n; i++)
            if (!ti_equatable(x->elems[i], y->elems[i])) return false;
        return true;
    case TY_LIST: return !x->elems[0] || !y->elems[0] || ti_equatable(x->elems[0], y->elems[0]);
    case TY_SET: return !x->elems[0] || !y->elems[0] || x->elems[0] == y->elems[0];
    case TY_DICT:
        return !x->elems[0] || !y->elems[0] || (x->elems[0] == y->elems[0] && ti_equatable(x->elems[1], y->elems[1]));
    default: return false;
    }
}

/* The stores of variable var: the first max STOREVARs into out, and how many there are in all;
 * -1 where a `del` or an inner function's cell can also change it, which no store shows. */
int ti_var_stores(const Function *fn, int var, Instr **out, int max) {
    int n = 0;
    for (int i = 0; i < fn->ninstrs; i++) {
        Instr *x = fn->instrs[i];
        if (!x || x->imm != var || (x->op != IR_STOREVAR && x->op != IR_DELVAR && x->op != IR_CELLREF)) continue;
        if (x->op != IR_STOREVAR) return -1;
        if (n < max) out[n] = x;
        n++;
    }
    return n;
}

/* The one value v comes from, with copies and variables followed back through every store to
 * them, however many variables pass it on (a loop's iterator, which the operand stack carries
 * from block to block: $b3 = GETITER l, $b2 = $b3, $b3 = $b2); v itself when several values or
 * none reach it, or a `del` or a cell may change one of the variables. */
int ti_value_source(Function *fn, int v) {
    Instr *in = fn->instrs[v];
    while (in->op == IR_COPY) in = fn->instrs[in->args[0]];
    if (in->op != IR_LOADVAR) return in->id;
    bool *reached = ctx_alloc(fn->ctx, (size_t)fn->nvars + 1);
    if (!reached) return v;
    reached[in->imm] = true;
    int src = -1;
    for (bool more = true; more;) {
        more = false;
        for (int i = 0; i < fn->ninstrs; i++) {
            Instr *x = fn->instrs[i];
            if (!x || !reached[x->imm] || (x->op != IR_STOREVAR && x->op != IR_DELVAR && x->op != IR_CELLREF)) continue;
            if (x->op != IR_STOREVAR) return v;
            Instr *w = fn->instrs[x->args[0]];
            while (w->op == IR_COPY) w = fn->instrs[w->args[0]];
            if (w->op == IR_LOADVAR) {
                if (!reached[w->imm]) reached[w->imm] = more = true;
            } else if (src >= 0 && src != w->id) {
                return v;
            } else {
                src = w->id;
            }
        }
    }
    return src >= 0 ? src : v;
}

/* A compile-time int or tuple of ints (a literal, or a frozen global): how many (at most max)
 * into out[], or -1 when it is not one. */
int ti_const_ints(TypeInfo *ti, int value, int64_t *out, int max) {
    if (value < 0) return -1;
    if (ti_const_int(ti, value, out)) return 1;
    Instr *in = ti->fn->instrs[value];
    if (in->op == IR_TUPLE) {
        if (in->nargs > max) return -1;
        for (int i = 0; i < in->nargs; i++)
            if (!ti_const_int(ti, in->args[i], &out[i])) return -1;
        return in->nargs;
    }
    PyObject *f = ti->frozen[value];
    if (!f || !PyTuple_Check(f) || PyTuple_GET_SIZE(f) > max) return -1;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(f); i++) {
        PyObject *x = PyTuple_GET_ITEM(f, i);
        int overflow;
        if (!PyLong_Check(x)) return -1;
        out[i] = PyLong_AsLongLongAndOverflow(x, &overflow);
        if (overflow) return -1;
    }
    return (int)PyTuple_GET_SIZE(f);
}

const char *const ti_pad_modes[] = {"constant", "edge", "wrap", NULL};   /* np.pad's modes, in this order */
const char *const ti_conv_modes[] = {"valid", "same", "full", NULL};   /* np.convolve/correlate modes */

/* The dtype np.linalg computes in: float32 and complex keep theirs, the rest is float64. */
int ti_linalg_dtype(int dt) {
    return dt == DT_FLOAT32 || dt == DT_COMPLEX64 || dt == DT_COMPLEX128 ? dt : DT_FLOAT64;
}

/* np.einsum's subscripts for nops operands: ops[i] the letters of operand i, out the output's
 * (NumPy's implicit output when there is no "->": the letters seen once, in alphabetical order).
 * NULL when they parse, else what is wrong. */
const char *ti_einsum_parse(const char *spec, int nops, char ops[][33], char out[33]) {
    int count[128] = {0}, i = 0;
    const char *p = spec;
    memset(ops, 0, sizeof(char[33]) * (size_t)nops);
    memset(out, 0, 33);
    for (; *p && *p != '-'; p++) {
        if (*p == ' ') continue;
        if (*p == '.') return "ellipses ('...') are not supported";
        if (*p == ',') {
            if (++i >= nops) return "more operands in the subscripts than given";
            continue;
        }
        if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) return "subscripts must be letters";
        size_t n = strlen(ops[i]);
        if (n >= 32) return "too many subscripts for one operand";
        ops[i][n] = *p;
        count[(int)*p]++;
    }
    if (i != nops - 1) return "fewer operands in the subscripts than given";
    if (*p == '-') {
        if (p[1] != '>') return "invalid subscripts ('-' without '>')";
        for (p += 2; *p; p++) {
            if (*p == ' ') continue;
            if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z'))) return "output subscripts must be letters";
            if (!count[(int)*p]) return "an output subscript does not appear in the inputs";
            if (strchr(out, *p)) return "an output subscript appears more than once";
            size_t n = strlen(out);
            if (n >= 32) return "too many output subscripts";
            out[n] = *p;
        }
        return NULL;
    }
    for (int c = 'A'; c <= 'z'; c++)   /* implicit: NumPy orders upper case before lower case */
        if (count[c] == 1 && strlen(out) < 32) out[strlen(out)] = (char)c;
    return NULL;
}

/* One operand whose letters are all distinct and all in the output: the output is the operand
 * with its dimensions reordered, a view of it (as NumPy's einsum returns). */
bool ti_einsum_is_view(int nops, char ops[][33], const char *out) {
    if (nops != 1 || strlen(ops[0]) != strlen(out)) return false;
    for (int k = 0; ops[0][k]; k++)
        if (strchr(ops[0] + k + 1, ops[0][k]) || !strchr(out, ops[0][k])) return false;
    return true;
}

/* t[a:b:c] of a tuple of n items with constant (or omitted) bounds: Python's slice.indices(n),
 * as the first index, the step and the count; false when a bound is not a constant. */
bool ti_tuple_slice(TypeInfo *ti, int slice, int n, int64_t *first, int64_t *step, int64_t *count) {
    Instr *s = ti->fn->instrs[slice];
    int64_t v[3] = {0, 0, 1};
    bool given[3];
    for (int k = 0; k < 3; k++) {
        given[k] = ti->vtypes[s->args[k]] && ti->vtypes[s->args[k]]->kind != TY_NONE;
        if (given[k] && !ti_const_int(ti, s->args[k], &v[k])) return false;
    }
    if (v[2] == 0) return false;
    int64_t lo = v[2] < 0 ? -1 : 0, hi = v[2] < 0 ? n - 1 : n;
    int64_t a = given[0] ? (v[0] < 0 ? (v[0] + n < lo ? lo : v[0] + n) : (v[0] > hi ? hi : v[0])) : (v[2] < 0 ? hi : lo);
    int64_t b = given[1] ? (v[1] < 0 ? (v[1] + n < lo ? lo : v[1] + n) : (v[1] > hi ? hi : v[1])) : (v[2] < 0 ? lo : hi);
    int64_t c = v[2] > 0 ? (b > a ? (b - a + v[2] - 1) / v[2] : 0) : (a > b ? (a - b - v[2] - 1) / -v[2] : 0);
    *first = a, *step = v[2], *count = c;
    return true;
}

/* tuple[i] read by new instructions put at position *at of b (advanced past them): a constant
 * and a GETITEM, which is returned; NULL on an allocation failure. */
Instr *ti_insert_item(Function *fn, Block *b, int *at, int tuple, int64_t i, Loc loc) {
    Instr *c = ir_insert(fn, b, (*at)++, IR_CONST, 0, loc);
    Instr *g = c ? ir_insert(fn, b, (*at)++, IR_GETITEM, 2, loc) : NULL;
    if (!g) return NULL;
    c->c.kind = K_INT;
    c->c.i = i;
    g->args[0] = tuple;
    g->args[1] = c->id;
    return g;
}

/* Per variable of ti->fn, whether a pass over values (facts.c, ranges.c) must take it as known
 * nothing about: declared by locals= (it converts what it is given), a cell (inner functions
 * store it), or a prange reduction (partial values are combined after the loop). NULL when out
 * of memory. */
bool *ti_opaque_vars(TypeInfo *ti) {
    Function *fn = ti->fn;
    bool *opaque = ctx_alloc(fn->ctx, (size_t)(fn->nvars + 1));
    if (!opaque) return NULL;
    for (int x = 0; x <= fn->nvars; x++) opaque[x] = fn->declared && x < fn->nvars && fn->declared[x];
    for (int v = 0; v < fn->ninstrs; v++)
        if (fn->instrs[v] && fn->instrs[v]->op == IR_CELLREF) opaque[fn->instrs[v]->imm] = true;
    for (int p = 0; p < ti->nparloops; p++)
        for (int x = 0; x < fn->nvars; x++)
            if (ti->parloops[p]->var_kind[x] == PAR_REDUCE) opaque[x] = true;
    return opaque;
}
