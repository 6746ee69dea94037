/* reference.c: what ember can compile, as data, for the reference pages of the documentation
 * (tools/gen_reference.py writes them) and for anyone asking at run time.
 *
 *   typing_tables()  the rows of the builtin table (typeinfer/builtins.def) that typing
 *                    resolves calls with: (module, name, shape), one per entry; not those of a
 *                    private module or name (ember._rdist.fill, ember.experimental._new_instance:
 *                    primitives of ember's own implementations)
 *   infer(d, args)   what d's function types to for these arguments, by typing alone
 *                    (pm_infer in driver.c), or the located diagnostic its compile would raise
 *
 * The generator reads the rows and probes each one through infer(), so a function added to
 * the tables shows up in the documentation with the arguments and dtypes typing accepts. */
#include "pm.h"
#include <string.h>

/* How each BuiltinShape types (typeinfer/ti.h); SH_SPECIAL rows are typed by their own rule. */
static const char *const shape_names[] = {
    [SH_SPECIAL] = "special", [SH_F_F] = "float -> float", [SH_FF_F] = "(float, float) -> float",
    [SH_F_I] = "float -> int", [SH_F_B] = "float -> bool", [SH_UF] = "ufunc: unary, float result",
    [SH_US] = "ufunc: unary, same type", [SH_UB] = "ufunc: unary, bool result",
    [SH_BF] = "ufunc: binary, float result", [SH_BS] = "ufunc: binary, promoted type",
    [SH_BB] = "ufunc: binary, bool result",
};

static PyObject *m_typing_tables(PyObject *self, PyObject *unused) {
    PyObject *rows = PyList_New(0);
    for (int i = 0; rows && i < BI_COUNT; i++) {
        const BuiltinInfo *b = &ti_builtins[i];
        if (strstr(b->module, "._") || b->name[0] == '_') continue;
        int sh = (int)b->shape;
        const char *shape = sh >= 0 && sh < (int)(sizeof shape_names / sizeof *shape_names) && shape_names[sh]
                                ? shape_names[sh] : "other";
        PyObject *row = Py_BuildValue("(sss)", b->module, b->name, shape);
        if (!row || PyList_Append(rows, row) < 0) Py_CLEAR(rows);
        Py_XDECREF(row);
    }
    if (!rows) return NULL;
    PyObject *out = Py_BuildValue("{sO}", "builtins", rows);
    Py_DECREF(rows);
    return out;
}

static PyObject *m_infer(PyObject *self, PyObject *args) {
    PyObject *d, *values;
    int numpy_scalar = 0;
    if (!PyArg_ParseTuple(args, "O!O!|p:infer", &PmDispatcherType, &d, &PyTuple_Type, &values, &numpy_scalar)) return NULL;
    return pm_infer((Dispatcher *)d, values, numpy_scalar);
}

PyMethodDef pm_reference_methods[] = {
    {"typing_tables", m_typing_tables, METH_NOARGS,
     "The typing tables' rows: {'builtins': [(module, name, shape), ...]} from typeinfer/builtins.def."},
    {"infer", m_infer, METH_VARARGS,
     "infer(dispatcher, args[, numpy_scalar]): the return type typing gives for these arguments (no code is "
     "made), or the compile's exception; numpy_scalar: 'float32' for a float32 result (a float64 type holding one)."},
    {NULL},
};
