/* arraylike.c: a tuple or list of numbers where NumPy takes an array (`mask == np.bitwise_and(
 * mask, v)` with mask = (1, 0, 1), `np.concatenate(([1], d))`, `a * [2, 3]`).
 *
 * NumPy converts such an operand with np.array; so does this: typing meets the operand, inserts
 * `np.array(operand)` before the instruction that reads it and has the function typed again
 * (TYPE_AGAIN), so the conversion is an ordinary call, typed and lowered as one.
 *
 *     x == (1, 0, 1)   ->   x == np.array((1, 0, 1))
 */
#include "ti.h"

/* Value `v`: a (nested) tuple of numbers, or a list literal of numbers (or of such literals),
 * which np.array takes (a list literal passed to a call is typed as a tuple again). */
bool ti_is_array_like(TypeInfo *ti, int v) {
    const Type *t = ti->vtypes[v];
    int d = -1;
    if (!t) return false;
    if (t->kind == TY_TUPLE) return ti_sequence_shape(t, &d, 0) >= 1;
    Instr *lit = ti->fn->instrs[v];
    if (t->kind != TY_LIST || lit->op != IR_TUPLE || lit->imm != 1 || lit->nargs == 0) return false;
    for (int i = 0; i < lit->nargs; i++) {
        const Type *e = ti->vtypes[lit->args[i]];
        if (!e || !(ty_is_number(e) || ti_is_array_like(ti, lit->args[i]))) return false;
    }
    return true;
}

/* A GLOBAL of numpy's attribute `name`, inserted at *at of block b; NULL (a Python error) if none. */
static Instr *numpy_global(Function *fn, Block *b, int *at, const char *name, Loc loc) {
    PyObject *np = PyImport_ImportModule("numpy");
    PyObject *obj = np ? PyObject_GetAttrString(np, name) : NULL;
    Py_XDECREF(np);
    if (!obj) return NULL;   /* the Python error is the compile's */
    ctx_keep(fn->ctx, obj);
    Py_DECREF(obj);
    Instr *g = ir_insert(fn, b, (*at)++, IR_GLOBAL, 0, loc);
    if (g) {
        g->obj = obj;
        g->str = name;
    }
    return g;
}

/* Operand k of `in` becomes np.array(operand), or np.array(operand, np.<dtype>) when dtype is
 * given, computed just before `in`. Returns 1 (type the function again) or -1. */
int ti_wrap_array_like_as(TypeInfo *ti, Instr *in, int k, const char *dtype) {
    Function *fn = ti->fn;
    Block *b = in->block;
    int at = 0;
    while (at < b->ninstrs && b->instrs[at] != in) at++;
    Instr *g = numpy_global(fn, b, &at, "array", in->loc), *d = g && dtype ? numpy_global(fn, b, &at, dtype, in->loc) : NULL;
    Instr *call = g && (d || !dtype) ? ir_insert(fn, b, at, IR_CALL, dtype ? 3 : 2, in->loc) : NULL;
    if (!call) return -1;
    call->args[0] = g->id;
    call->args[1] = in->args[k];
    if (d) call->args[2] = d->id;
    in->args[k] = call->id;
    return 1;
}

int ti_wrap_array_like(TypeInfo *ti, Instr *in, int k) { return ti_wrap_array_like_as(ti, in, k, NULL); }

/* Operand k of `in` becomes int(operand), computed just before `in`: range(0, n) of a float n,
 * which Numba truncates (quimb's threaded helpers). Returns 1 (type the function again) or -1. */
int ti_wrap_int(TypeInfo *ti, Instr *in, int k) {
    Function *fn = ti->fn;
    Block *b = in->block;
    int at = 0;
    while (at < b->ninstrs && b->instrs[at] != in) at++;
    Instr *g = ir_insert(fn, b, at++, IR_GLOBAL, 0, in->loc);
    Instr *call = g ? ir_insert(fn, b, at, IR_CALL, 2, in->loc) : NULL;
    if (!call) return -1;
    g->obj = (PyObject *)&PyLong_Type;
    g->str = "int";
    call->args[0] = g->id;
    call->args[1] = in->args[k];
    in->args[k] = call->id;
    return 1;
}
