/* namedtuple.c: collections.namedtuple and typing.NamedTuple classes in compiled code.
 *
 * A namedtuple is a tuple whose type remembers its class (ty_named_tuple): indexing, unpacking,
 * iteration and comparison are a tuple's; `p.x` reads the field's element; `Point(a, b)` and
 * `Point(x=a, y=b)` (with the class's defaults) make one, typed by the arguments' types as Numba
 * types them; one returned to Python is an instance of the class (runtime/box.c).
 */
#include "ti.h"
#include <string.h>

#define ERR(in, ...) ctx_error(ti->fn->ctx, DIAG_TYPING, ti->fn, (in)->loc, __VA_ARGS__)

/* Cls(args...): positional arguments, then keywords by field name, then the class's defaults. */
int ti_type_namedtuple_new(TypeInfo *ti, Instr *in, const Type *cls, const Type **args, int nargs) {
    PyObject *fields = PyObject_GetAttrString(cls->obj, "_fields");
    PyObject *defaults = PyObject_GetAttrString(cls->obj, "_field_defaults");
    PyErr_Clear();
    const char *name = ((PyTypeObject *)cls->obj)->tp_name;
    int n = fields ? (int)PyTuple_GET_SIZE(fields) : 0, npos = nargs - in->nkw, rc = 0;
    CallInfo *ci = n <= 64 ? ti_new_call(ti, in, CALL_NAMEDTUPLE, n) : NULL;
    const Type *elems[64];
    if (!ci) {
        rc = n > 64 ? ERR(in, "%s has more than 64 fields", name) : -1;
        goto out;
    }
    if (npos > n) {
        rc = ERR(in, "%s() takes %d positional arguments but %d were given", name, n, npos);
        goto out;
    }
    for (int i = 0; i < n; i++) ci->argmap[i] = i < npos ? i + 1 : -1;
    for (int k = 0; k < in->nkw; k++) {
        int found = -1;
        for (int i = 0; i < n && found < 0; i++)
            if (!PyUnicode_CompareWithASCIIString(PyTuple_GET_ITEM(fields, i), in->kwnames[k])) found = i;
        if (found < 0 || ci->argmap[found] >= 0) {
            rc = ERR(in, found < 0 ? "%s() got an unexpected keyword argument '%s'" : "%s() got multiple values for argument '%s'",
                     name, in->kwnames[k]);
            goto out;
        }
        ci->argmap[found] = 1 + npos + k;
    }
    for (int i = 0; i < n; i++) {
        if (ci->argmap[i] >= 0) {
            elems[i] = args[ci->argmap[i] - 1];
            if (!ty_is_runtime(elems[i])) {
                rc = ERR(in, "a %s field cannot hold %s", name, elems[i]->name);
                goto out;
            }
            continue;
        }
        PyObject *def = defaults && PyDict_Check(defaults) ? PyDict_GetItem(defaults, PyTuple_GET_ITEM(fields, i)) : NULL;
        const Type *dt = def ? ty_typeof(def) : NULL;
        if (!dt) {
            rc = def ? ERR(in, "the default of %s.%s has unsupported type '%s'", name, PyUnicode_AsUTF8(PyTuple_GET_ITEM(fields, i)),
                           Py_TYPE(def)->tp_name)
                     : ERR(in, "%s() missing required argument '%s'", name, PyUnicode_AsUTF8(PyTuple_GET_ITEM(fields, i)));
            goto out;
        }
        ci->defaults[i] = def;
        elems[i] = dt;
    }
    memcpy(ci->params, elems, sizeof(Type *) * (size_t)n);
    if (!(ci->ret = ty_named_tuple(cls->obj, n, elems))) rc = -1;
out:
    Py_XDECREF(fields);
    Py_XDECREF(defaults);
    return rc;
}
