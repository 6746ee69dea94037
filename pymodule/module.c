/* module.c: the ember._ember extension: the Dispatcher type and a few helpers for the
 * Python layer. It does not load LLVM (see driver.c). */
#include "pm.h"
#include "loader.h"
#include "parallel.h"

static PyObject *m_typeof(PyObject *self, PyObject *obj) {
    if (ty_init()) return PyErr_NoMemory();
    const Type *t = rt_typeof_argument(obj);   /* np.float32(1): float32, as the dispatcher keys it */
    if (!t) Py_RETURN_NONE;
    return PyUnicode_FromString(t->name);
}

static PyObject *m_rt_stats(PyObject *self, PyObject *unused) {
    int64_t allocs, frees, overruns, stale;
    rt_stats(&allocs, &frees, &overruns, &stale);
    return Py_BuildValue("{sLsLsLsL}", "allocs", (long long)allocs, "frees", (long long)frees, "overruns",
                         (long long)overruns, "stale", (long long)stale);
}

static PyObject *m_code_stats(PyObject *self, PyObject *unused) {
    RtCodeStats s;
    rt_code_stats(&s);
    return Py_BuildValue("{sLsLsLsLsLsO}", "objects", (long long)s.objects, "used_bytes", (long long)s.used_bytes,
                         "mapped_bytes", (long long)s.mapped_bytes, "mappings", (long long)s.mappings,
                         "chunks", (long long)s.chunks, "arena", s.arena ? Py_True : Py_False);
}

static PyObject *m_set_num_threads(PyObject *self, PyObject *arg) {
    long n = PyLong_AsLong(arg);
    if (n == -1 && PyErr_Occurred()) return NULL;
    if (rt_set_num_threads(n > INT_MAX ? INT_MAX : n < INT_MIN ? INT_MIN : (int)n)) return NULL;
    Py_RETURN_NONE;
}

static PyObject *m_get_num_threads(PyObject *self, PyObject *unused) { return PyLong_FromLong(rt_get_num_threads()); }

static PyObject *m_parallel_info(PyObject *self, PyObject *unused) {
    return Py_BuildValue("{sisiss}", "max_threads", rt_max_threads(), "thread_id", rt_thread_id(),
                         "backend", rt_parallel_backend());
}

/* What the cache key takes from the build: the LLVM that ember's code generator links. */
static PyObject *m_build_info(PyObject *self, PyObject *unused) {
    return Py_BuildValue("{sssO}", "llvm", EMBER_LLVM_VERSION, "libmvec", rt_libmvec() ? Py_True : Py_False);
}

static PyMethodDef methods[] = {
    {"build_info", m_build_info, METH_NOARGS, "What ember was built with and finds: {'llvm': version, 'libmvec': loads}."},
    {"set_num_threads", m_set_num_threads, METH_O, "Use n threads for parallel code run by this thread."},
    {"get_num_threads", m_get_num_threads, METH_NOARGS, "The threads parallel code run by this thread uses."},
    {"parallel_info", m_parallel_info, METH_NOARGS, "The parallel runner: max_threads, backend."},
    {"rt_stats", m_rt_stats, METH_NOARGS,
     "The runtime's counters of array memory blocks: {'allocs': n, 'frees': n, 'overruns': n, 'stale': n}."},
    {"code_stats", m_code_stats, METH_NOARGS,
     "The loaded machine code: {'objects', 'used_bytes', 'mapped_bytes', 'mappings', 'chunks', 'arena'}."},
    {"typeof", m_typeof, METH_O, "The ember type name of a Python value (None if unsupported)."},
    {NULL},
};

static struct PyModuleDef def = {PyModuleDef_HEAD_INIT, "ember._ember",
                                 "ember's Dispatcher, frontend, typing and runtime.", -1, methods};

PyMODINIT_FUNC PyInit__ember(void) {
    if (ty_init()) return PyErr_NoMemory();
    if (rt_parallel_init()) return NULL;
    if (PyType_Ready(&PmDispatcherType) < 0) return NULL;
    PyObject *m = PyModule_Create(&def);
    if (!m) return NULL;
    if (PyModule_AddFunctions(m, pm_reference_methods) < 0 ||   /* reference.c */
        PyModule_AddFunctions(m, pm_api_methods) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    if (PyModule_AddObjectRef(m, "Dispatcher", (PyObject *)&PmDispatcherType) < 0 || rt_typed_init(m) < 0 ||
        rt_jitclass_init(m) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
