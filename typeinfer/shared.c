/* shared.c: typing data and pure helpers that lowering reads too. Typing lives in ember._ember
 * and lowering in ember._embercc, so what both need is linked into each from the common library:
 * the builtin table (builtins.def), ti_is_numpy_builtin and ti_const_int. */
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

const char *ti_const_str(TypeInfo *ti, int value) {
    Instr *in = ti->fn->instrs[value];
    if (in->op == IR_CONST && in->c.kind == K_STR) return in->c.s;
    PyObject *f = ti->frozen[value];
    return f && PyUnicode_Check(f) ? PyUnicode_AsUTF8(f) : NULL;
}

/* What `for x in t` accepts: ranges, arrays of at least one dimension, tuples of one type, and
 * zip/enumerate of those. */
bool ti_is_iterable(const Type *t) {
    switch (t->kind) {
    case TY_RANGE: return true;
    case TY_ARRAY: return t->ndim > 0;
    case TY_TUPLE: return t->n == 0 || ty_is_uniform_tuple(t);
    case TY_ZIP: case TY_STR: case TY_STRLIST: return true;
    default: return false;
    }
}

/* The type of each value iterating over `of` gives. */
const Type *ti_iter_value_type(const Type *of) {
    switch (of->kind) {
    case TY_ARRAY:
        return of->ndim == 1 ? ty_scalar_of(of->dtype)
                             : ty_view(of, of->dtype, of->ndim - 1, of->layout == 'C' ? 'C' : 'A');
    case TY_RANGE: return ty_int64;
    case TY_STR: case TY_STRLIST: return ty_str;
    case TY_ZIP: {
        const Type *parts[64];
        for (int i = 0; i < of->n && i < 64; i++) parts[i] = ti_iter_value_type(of->elems[i]);
        return ty_tuple(of->n, parts);
    }
    default: return of->n ? of->elems[0] : ty_none;
    }
}
