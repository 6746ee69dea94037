/* ember_aot.h: what a module built by `python -m ember.aot build` calls in ember's runtime
 * (runtime/aot.c, linked into the module with the rest of the runtime from libember_rt.a).
 *
 * The generated module holds one EmberAotFunction per exported function, each with the
 * specialisations compiled for its signatures, and calls ember_aot_call from its methods:
 * arguments dispatch by type as in the JIT (an exact signature first, else the one they
 * convert to at the least cost), compiled code raising raises the Python exception.
 */
#ifndef EMBER_AOT_H
#define EMBER_AOT_H

#include <Python.h>
#include <stdint.h>

typedef int32_t (*EmberAotEntry)(void **args, void *result);

typedef struct EmberAotSpec {
    const char *signature;       /* "float64(array(float64, 1d, C), int64)" */
    EmberAotEntry entry;         /* <symbol>.entry in the module's object code */
    const void *ret;             /* the parsed types, set by ember_aot_init */
    const void **args;
    int nargs;
} EmberAotSpec;

typedef struct EmberAotFunction {
    const char *name;
    const char *const *params;   /* parameter names, for keyword arguments */
    int nparams;
    int nogil;                   /* release the GIL around the call (nogil=True) */
    int nspecs;
    EmberAotSpec *specs;
} EmberAotFunction;

#define EMBER_AOT_NEEDS_BLAS 1

/* Set the runtime up and parse the signatures; 0, or -1 with a Python exception. */
int ember_aot_init(EmberAotFunction *const *functions, int nfunctions, int needs);
/* The error the last failing C call of an entry left in this thread: 1 and its exception
 * ("module:qualname") and message, which it clears; 0 if there is none. */
int ember_aot_last_error(const char **exc, const char **msg);
/* Drop the reference a returned array's meminfo holds (arrays made by compiled code). */
void ember_aot_release(void *meminfo);
PyObject *ember_aot_call(EmberAotFunction *f, PyObject *const *args, Py_ssize_t nargsf, PyObject *kwnames);

#endif
