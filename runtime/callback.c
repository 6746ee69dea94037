/* callback.c: errors of compiled code that C or NumPy called, not the Dispatcher.
 *
 * A ufunc loop (codegen/lower_ufunc.c) returns nothing to NumPy: when its kernel fails it calls
 * ember_rt_raise_in_python, which takes the GIL (NumPy releases it around numeric loops) and
 * sets the error record's exception; NumPy checks for it after the loop and raises it from the
 * ufunc call. A cfunc's caller (scipy, ctypes, C code) cannot take an exception at all: the
 * exception is reported through sys.unraisablehook (printed to stderr by default) and the
 * cfunc returns 0, as Numba's cfuncs do.
 */
#include "rt.h"

void ember_rt_raise_in_python(void) {
    PyGILState_STATE g = PyGILState_Ensure();
    rt_error_to_python();
    PyGILState_Release(g);
}

void ember_rt_cfunc_failed(const char *name) {
    PyGILState_STATE g = PyGILState_Ensure();
    rt_error_to_python();
    PyObject *where = PyUnicode_FromFormat("cfunc %s, which returned 0", name);
    PyErr_WriteUnraisable(where);
    Py_XDECREF(where);
    PyGILState_Release(g);
}
