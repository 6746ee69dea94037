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

/* numpy's attribute `name`, kept for the compile; NULL (a Python error) if none. */
static PyObject *numpy_attr(Function *fn, const char *name) {
    PyObject *np = PyImport_ImportModule("numpy");
    PyObject *obj = np ? PyObject_GetAttrString(np, name) : NULL;
    Py_XDECREF(np);
    if (!obj) return NULL;   /* the Python error is the compile's */
    ctx_keep(fn->ctx, obj);
    Py_DECREF(obj);
    return obj;
}

/* A GLOBAL of obj, named `name`, inserted at *at of block b. */
static Instr *global_at(Function *fn, Block *b, int *at, PyObject *obj, const char *name, Loc loc) {
    Instr *g = ir_insert(fn, b, (*at)++, IR_GLOBAL, 0, loc);
    if (g) {
        g->obj = obj;
        g->str = name;
    }
    return g;
}

/* Operand k of `in` becomes callee(operand), or callee(operand, extra) when extra is given,
 * computed just before `in`. Returns 1 (type the function again) or -1. */
static int wrap_operand(Function *fn, Instr *in, int k, PyObject *callee, const char *name, PyObject *extra,
                        const char *extra_name) {
    Block *b = in->block;
    int at = ir_position(in);
    Instr *g = global_at(fn, b, &at, callee, name, in->loc), *d = g && extra ? global_at(fn, b, &at, extra, extra_name, in->loc) : NULL;
    Instr *call = g && (d || !extra) ? ir_insert(fn, b, at, IR_CALL, extra ? 3 : 2, in->loc) : NULL;
    if (!call) return -1;
    call->args[0] = g->id;
    call->args[1] = in->args[k];
    if (d) call->args[2] = d->id;
    in->args[k] = call->id;
    return 1;
}

/* Operand k of `in` becomes np.array(operand), or np.array(operand, np.<dtype>) when dtype is
 * given, computed just before `in`. Returns 1 (type the function again) or -1. */
int ti_wrap_array_like_as(TypeInfo *ti, Instr *in, int k, const char *dtype) {
    PyObject *array = numpy_attr(ti->fn, "array"), *dt = array && dtype ? numpy_attr(ti->fn, dtype) : NULL;
    if (!array || (dtype && !dt)) return -1;
    return wrap_operand(ti->fn, in, k, array, "array", dt, dtype);
}

int ti_wrap_array_like(TypeInfo *ti, Instr *in, int k) { return ti_wrap_array_like_as(ti, in, k, NULL); }

/* Operand k of `in` becomes int(operand), computed just before `in`: range(0, n) of a float n,
 * which Numba truncates (quimb's threaded helpers). Returns 1 (type the function again) or -1. */
int ti_wrap_int(TypeInfo *ti, Instr *in, int k) {
    return wrap_operand(ti->fn, in, k, (PyObject *)&PyLong_Type, "int", NULL, NULL);
}
