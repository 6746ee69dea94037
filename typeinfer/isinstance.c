/* isinstance.c: isinstance(x, C) decided at compile time from x's type, as Numba does.
 *
 * Requires: a typed argument and a class frozen as a global (int float bool complex str list
 * dict set tuple np.ndarray, a NumPy scalar type (np.float32, np.integer: as Numba types the
 * value), typed.List, typed.Dict, a jitclass, or a tuple of these).
 * Produces: the answer, a constant bool (the lowering emits it; ti->frozen holds it). Where the
 * test is an `if` on a parameter, prune.c keeps the branch it takes before typing, so the other
 * branch may hold code that only types for other arguments (Numba's generic functions).
 */
#include "ti.h"
#include <string.h>

#define ERR(in, ...) ctx_error(ti->fn->ctx, DIAG_TYPING, ti->fn, (in)->loc, __VA_ARGS__)
#define UNSUP(in, ...) ctx_error(ti->fn->ctx, DIAG_UNSUPPORTED, ti->fn, (in)->loc, __VA_ARGS__)

static const char *ndarray_name = "numpy.ndarray";

/* 1 or 0: whether a value of type t is an instance of cls; -1: cls is not a class ember
 * decides; -2: only the run time knows (an Optional). */
static int decide_one(const Type *t, PyObject *cls) {
    if (!PyType_Check(cls)) return -1;
    PyTypeObject *c = (PyTypeObject *)cls;
    if (c == &PyBaseObject_Type) return 1;
    if (t->kind == TY_OPTIONAL) {   /* None, or the value: decided when both answers agree */
        int some = decide_one(t->elems[0], cls), none = decide_one(ty_none, cls);
        return some < 0 || none < 0 ? (some == -1 || none == -1 ? -1 : -2) : some == none ? some : -2;
    }
    if (c == &PyLong_Type) return ty_is_int(t) || t == ty_bool;   /* bool is an int, as in Python */
    if (c == &PyBool_Type) return t == ty_bool;
    if (c == &PyFloat_Type) return t == ty_float64;
    if (c == &PyComplex_Type) return t == ty_complex128;
    if (c == &PyUnicode_Type) return t == ty_str;
    if (c == &PyList_Type) return t->kind == TY_LIST && !t->typed;
    if (c == &PyDict_Type) return t->kind == TY_DICT && !t->typed && !t->attr;
    if (c == &PySet_Type) return t->kind == TY_SET;
    if (c == &PyTuple_Type) return t->kind == TY_TUPLE;
    if (!strcmp(c->tp_name, ndarray_name)) return t->kind == TY_ARRAY;
    if (c == Py_TYPE(Py_None)) return t->kind == TY_NONE;
    if (ty_class_of(cls)) return t->kind == TY_CLASS && t->nullable ? -1 : t->kind == TY_CLASS && t->obj == cls;   /* a jitclass */
    if (!strcmp(c->tp_name, "ember.typed.List")) return t->kind == TY_LIST && t->typed;
    if (!strcmp(c->tp_name, "ember.typed.Dict")) return t->kind == TY_DICT && t->typed && !t->attr;
    return -1;
}

/* isinstance(x, np.float64), (x, np.integer): the scalar type of NumPy's that value v (of type t)
 * is to Numba (an element of a float32 array an np.float32, a Python float an np.float64),
 * against a NumPy scalar class or an abstract one; -1 for another class or a value that is no
 * number. */
static int decide_numpy_scalar(TypeInfo *ti, int v, const Type *t, PyObject *cls) {
    if (!PyType_Check(cls) || strncmp(((PyTypeObject *)cls)->tp_name, "numpy.", 6) || !ty_is_number(t)) return -1;
    int dt = ti_numpy_scalar_dtype(ti, v);
    if (dt < 0) dt = ty_dtype_of_scalar(t);
    PyObject *type = dt >= 0 ? ti_example_value(ty_dtype(dt)) : NULL;   /* its NumPy scalar type */
    int r = type ? PyObject_IsSubclass(type, cls) : -1;
    Py_XDECREF(type);
    if (r < 0) PyErr_Clear();
    return r < 0 ? -1 : r;
}

bool ti_is_class_builtin(int bid) {
    return bid == BI_INT || bid == BI_FLOAT || bid == BI_BOOL || bid == BI_COMPLEX || bid == BI_STR || bid == BI_LIST ||
           bid == BI_DICT || bid == BI_SET || bid == BI_TUPLE || bid == BI_NP_NDARRAY;
}

/* ti NULL (before typing, prune.c): NumPy's scalar types are not decided. */
int ti_isinstance_decide(TypeInfo *ti, int v, const Type *t, PyObject *cls) {
    if (!PyTuple_Check(cls)) {
        int r = decide_one(t, cls);
        return r == -1 && ti ? decide_numpy_scalar(ti, v, t, cls) : r;
    }
    int r = 0;
    for (Py_ssize_t i = 0; i < PyTuple_GET_SIZE(cls); i++) {
        int one = ti_isinstance_decide(ti, v, t, PyTuple_GET_ITEM(cls, i));
        if (one < 0) return one;
        r |= one;
    }
    return r;
}

/* The class an isinstance() argument names: a global, or a tuple of globals (a new reference
 * kept by the compile's context); NULL if it is neither. */
PyObject *ti_isinstance_class(Function *fn, int value) {
    Instr *c = fn->instrs[value];
    if (c->op == IR_GLOBAL) return c->obj;
    PyObject *mod = c->op == IR_GETATTR ? ti_isinstance_class(fn, c->args[0]) : NULL;
    if (mod && PyModule_Check(mod)) {   /* np.ndarray, numba.typed.List */
        PyObject *attr = PyObject_GetAttrString(mod, c->str);
        PyObject *kept = attr ? ctx_keep(fn->ctx, attr) : NULL;
        Py_XDECREF(attr);
        PyErr_Clear();
        return kept;
    }
    if (c->op != IR_TUPLE || c->imm) return NULL;   /* (imm: a list) */
    PyObject *t = PyTuple_New(c->nargs);
    if (!t) return NULL;
    for (int i = 0; i < c->nargs; i++) {
        PyObject *item = ti_isinstance_class(fn, c->args[i]);
        if (!item) {
            Py_DECREF(t);
            return NULL;
        }
        PyTuple_SET_ITEM(t, i, Py_NewRef(item));
    }
    PyObject *kept = ctx_keep(fn->ctx, t);
    Py_DECREF(t);
    return kept;
}

int ti_type_isinstance(TypeInfo *ti, Instr *in, const Type **args, int nargs, CallInfo *ci) {
    if (nargs != 2 || in->nkw) return ERR(in, "isinstance() takes 2 positional arguments (%d given)", nargs);
    PyObject *cls = ti_isinstance_class(ti->fn, in->args[2]);
    int r = cls ? ti_isinstance_decide(ti, in->args[1], args[0], cls) : -1;
    if (r == -1)
        return UNSUP(ti->fn->instrs[in->args[2]], "isinstance() with this class is not supported (int, float, bool, "
                     "complex, str, list, dict, set, tuple, np.ndarray, NumPy's scalar types, typed.List, typed.Dict, "
                     "a jitclass or a tuple of these are)");
    if (r == -2)
        return UNSUP(in, "isinstance() of %s is decided at run time, which is not supported: test `is None` first",
                     args[0]->name);
    ti->frozen[in->id] = r ? Py_True : Py_False;
    ci->ret = ty_bool;
    return 0;
}
