/* module.c: the ember._ember extension: the Dispatcher type and a few helpers for the
 * Python layer. It does not load LLVM (see driver.c). */
#include "pm.h"

static PyObject *m_typeof(PyObject *self, PyObject *obj) {
    if (ty_init()) return PyErr_NoMemory();
    const Type *t = ty_typeof(obj);
    if (!t) Py_RETURN_NONE;
    return PyUnicode_FromString(t->name);
}

static PyMethodDef methods[] = {
    {"typeof", m_typeof, METH_O, "The ember type name of a Python value (None if unsupported)."},
    {NULL},
};

static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "ember._ember",
                                 "ember's Dispatcher, frontend, typing and runtime.", -1, methods};

PyMODINIT_FUNC PyInit__ember(void) {
    if (ty_init()) return PyErr_NoMemory();
    if (PyType_Ready(&PmDispatcherType) < 0) return NULL;
    PyObject *m = PyModule_Create(&def);
    if (!m) return NULL;
    if (PyModule_AddObjectRef(m, "Dispatcher", (PyObject *)&PmDispatcherType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
