/* ffi.c: calling C functions given as ctypes or cffi objects.
 *
 * A global, closure value or attribute that is a ctypes function (with argtypes and restype) or
 * a cffi function gets a TY_CFUNC type: pymodule/ember/_ffi.py reads its C signature and finds
 * the shared library and symbol that define it. Code calls it by that symbol, which the loader
 * resolves in each process (runtime/loader.c), never by an address baked into the code
 * (DESIGN.md contract 1), so cache=True keeps working. Arguments convert as ctypes converts
 * them: numbers to the C number type (an int to a float parameter, not a float to an int one),
 * an array or an int to a pointer (the array's data).
 */
#include "ti.h"
#include <string.h>

#define ERR(in, ...) ctx_error(ti->fn->ctx, DIAG_TYPING, ti->fn, (in)->loc, __VA_ARGS__)
#define UNSUP(in, ...) ctx_error(ti->fn->ctx, DIAG_UNSUPPORTED, ti->fn, (in)->loc, __VA_ARGS__)

/* Ask pymodule/ember/_ffi.py about obj: 0 not a C function (nor a library); 1 with *out its type
 * (a TY_CFUNC, or a library as a module) or NULL with a Python TypeError saying why not. */
int ti_describe_cfunc(PyObject *obj, const Type **out) {
    *out = NULL;
    PyObject *mod = PyImport_ImportModule("ember._ffi");
    PyObject *r = mod ? PyObject_CallMethod(mod, "describe", "(O)", obj) : NULL;
    Py_XDECREF(mod);
    if (!r) return PyErr_ExceptionMatches(PyExc_TypeError) ? 1 : (PyErr_Clear(), 0);
    const char *sig, *symbol;
    int is = r != Py_None;
    if (PyUnicode_Check(r)) *out = ty_object(TY_MODULE, obj, 0);   /* a library: read as a module */
    else if (is && PyArg_ParseTuple(r, "ss", &sig, &symbol)) *out = ty_cfunc(obj, sig, symbol);
    if (is && !*out && !PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "cannot describe this C function");
    Py_DECREF(r);
    return is;
}

const Type *ti_classify_cfunc(TypeInfo *ti, PyObject *obj, Instr *in, bool *is) {
    const Type *t;
    *is = ti_describe_cfunc(obj, &t);
    if (*is && !t) {   /* a C function ember cannot call: why, located */
        PyObject *type, *value, *tb;
        PyErr_Fetch(&type, &value, &tb);
        PyObject *text = value ? PyObject_Str(value) : NULL;
        UNSUP(in, "%s", text && PyUnicode_Check(text) ? PyUnicode_AsUTF8(text) : "unsupported C function");
        Py_XDECREF(text);
        Py_XDECREF(type);
        Py_XDECREF(value);
        Py_XDECREF(tb);
        PyErr_Clear();
    }
    return t;
}

/* The ember type a C result letter comes back as. */
static const Type *result_type(char c) {
    switch (c) {
    case 'd': case 'f': return ty_float64;
    case 'Q': return ty_uint64;
    case '?': return ty_bool;
    case 'v': return ty_none;
    default: return ty_int64;   /* the other integers, and pointers as addresses */
    }
}

int ti_type_cfunc_call(TypeInfo *ti, Instr *in, const Type *callee, const Type **args, int nargs) {
    const char *sig = callee->attr;
    int nparams = (int)strlen(sig) - 1;
    if (in->nkw) return UNSUP(in, "keyword arguments to a C function are not supported");
    if (nargs != nparams) return ERR(in, "%s takes %d arguments (%d given)", callee->name, nparams, nargs);
    CallInfo *ci = ti_new_call(ti, in, CALL_C, nargs);
    if (!ci) return -1;
    ci->symbol = callee->cname;
    ci->csig = sig;
    for (int i = 0; i < nargs; i++) {
        char c = sig[i + 1];
        const Type *a = args[i];
        Instr *at = ti->fn->instrs[in->args[i + 1]];
        if (c == 'p') {
            if (a->kind != TY_ARRAY && !ty_is_int(a))
                return ERR(at, "argument %d of %s is a pointer: pass an array (its data) or an int address, not %s",
                           i + 1, callee->name, a->name);
            ci->params[i] = a->kind == TY_ARRAY ? a : ty_int64;
        } else if (c == 'd' || c == 'f') {
            if (!ty_is_number(a) || a == ty_complex128)
                return ERR(at, "argument %d of %s is a C %s: %s does not convert", i + 1, callee->name,
                           c == 'd' ? "double" : "float", a->name);
            ci->params[i] = ty_float64;
        } else {
            if (a != ty_bool && !ty_is_int(a))
                return ERR(at, "argument %d of %s is a C integer: %s does not convert (as ctypes refuses it)",
                           i + 1, callee->name, a->name);
            ci->params[i] = a == ty_uint64 ? ty_uint64 : ty_int64;
        }
    }
    ci->ret = result_type(sig[0]);
    return 0;
}
