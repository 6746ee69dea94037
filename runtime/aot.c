/* aot.c: the runtime side of AOT modules (see aot.h). Only libember_rt.a contains it; the
 * ember._ember extension does not. */
#include "aot.h"
#include "linalg.h"
#include "loader.h"
#include "parallel.h"
#include "rt.h"
#include <string.h>

#define MAX_ARGS 64

int ember_aot_init(EmberAotFunction *const *functions, int nfunctions, int needs) {
    if (ty_init()) return PyErr_NoMemory(), -1;
    if (rt_parallel_init() || rt_numpy_init()) return -1;
    const char *why = needs & EMBER_AOT_NEEDS_BLAS ? rt_linalg_init_numpy() : NULL;
    if (why) return PyErr_Format(PyExc_ImportError, "ember: %s", why), -1;
    for (int i = 0; i < nfunctions; i++) {
        EmberAotFunction *f = functions[i];
        for (int k = 0; k < f->nspecs; k++) {
            EmberAotSpec *s = &f->specs[k];
            const Type *ret, **args;
            char err[256];
            if (ty_parse_signature(s->signature, &ret, &args, &s->nargs, err, sizeof err)) {
                PyErr_Format(PyExc_ImportError, "ember: bad signature '%s' in an AOT module: %s", s->signature, err);
                return -1;
            }
            s->ret = ret;
            s->args = (const void **)args;
        }
    }
    return 0;
}

/* Positional arguments, then keywords by parameter name; every parameter is required. */
static int bind(EmberAotFunction *f, PyObject *const *args, Py_ssize_t n, PyObject *kwnames, PyObject **out) {
    if (n > f->nparams) {
        PyErr_Format(PyExc_TypeError, "%s() takes %d positional arguments but %zd were given", f->name, f->nparams, n);
        return -1;
    }
    for (int i = 0; i < f->nparams; i++) out[i] = i < n ? args[i] : NULL;
    for (Py_ssize_t k = 0; kwnames && k < PyTuple_GET_SIZE(kwnames); k++) {
        const char *kw = PyUnicode_AsUTF8(PyTuple_GET_ITEM(kwnames, k));
        int found = -1;
        for (int i = 0; kw && i < f->nparams && found < 0; i++)
            if (!strcmp(f->params[i], kw)) found = i;
        if (found < 0 || out[found]) {
            PyErr_Format(PyExc_TypeError, found < 0 ? "%s() got an unexpected keyword argument '%s'"
                                                    : "%s() got multiple values for argument '%s'", f->name, kw);
            return -1;
        }
        out[found] = args[n + k];
    }
    for (int i = 0; i < f->nparams; i++)
        if (!out[i]) {
            PyErr_Format(PyExc_TypeError, "%s() missing required argument '%s'", f->name, f->params[i]);
            return -1;
        }
    return 0;
}

PyObject *ember_aot_call(EmberAotFunction *f, PyObject *const *args, Py_ssize_t nargsf, PyObject *kwnames) {
    Py_ssize_t n = PyVectorcall_NARGS(nargsf);
    PyObject *bound[MAX_ARGS];
    if (kwnames || n != f->nparams) {
        if (bind(f, args, n, kwnames, bound)) return NULL;
        args = bound;
    }
    const Type *types[MAX_ARGS];
    for (int i = 0; i < f->nparams; i++)
        if (!(types[i] = rt_typeof(args[i]))) {
            char why[1024];
            rt_explain_untyped(args[i], f->params[i], why, sizeof why);
            return PyErr_Format(PyExc_TypeError, "%s(): argument %d ('%s') %s", f->name, i + 1, f->params[i], why);
        }
    EmberAotSpec *best = NULL;
    int best_cost = 1 << 30;
    for (int k = 0; k < f->nspecs; k++) {
        EmberAotSpec *s = &f->specs[k];
        int cost = rt_signature_cost(types, f->nparams, (const Type *const *)s->args, s->nargs);
        if (cost >= 0 && cost < best_cost) {
            best = s;
            best_cost = cost;
        }
    }
    if (!best) {
        char text[512];
        size_t len = 0;
        char hint[400];
        for (int i = 0; i < f->nparams && len < sizeof text; i++)
            len += (size_t)snprintf(text + len, sizeof text - len, "%s%s", i ? ", " : "", types[i]->name);
        rt_unaligned_hint(types, f->params, f->nparams, hint, sizeof hint);
        return PyErr_Format(PyExc_TypeError, "No matching definition for argument type(s) (%s) of %s%s", text, f->name, hint);
    }
    return rt_call(best->entry, (const Type *const *)best->args, best->nargs, best->ret, args, f->nogil);
}

int ember_aot_last_error(const char **exc, const char **msg) {
    rt_error_take(exc, msg);
    return *exc != NULL;
}

void ember_aot_release(void *meminfo) {
    if (meminfo) rt_block_decref(meminfo);
}
