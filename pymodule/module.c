/* module.c: the ember._ember extension: the Dispatcher type and a few helpers for the
 * Python layer. It does not load LLVM (see driver.c). */
#include "pm.h"

static PyObject *m_typeof(PyObject *self, PyObject *obj) {
    if (ty_init()) return PyErr_NoMemory();
    const Type *t = rt_typeof(obj);
    if (!t) Py_RETURN_NONE;
    return PyUnicode_FromString(t->name);
}

static PyObject *m_rt_stats(PyObject *self, PyObject *unused) {
    int64_t allocs, frees;
    rt_stats(&allocs, &frees);
    return Py_BuildValue("{sLsL}", "allocs", (long long)allocs, "frees", (long long)frees);
}

static PyMethodDef methods[] = {
    {"rt_stats", m_rt_stats, METH_NOARGS,
     "The runtime's counters of array memory blocks: {'allocs': n, 'frees': n}."},
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
