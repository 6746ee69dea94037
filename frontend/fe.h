/* fe.h: the frontend, the only code that knows CPython bytecode.
 *
 * Sections: decode.c (CPython 3.11 code object -> IR), versions.c (a variable per live range).
 */
#ifndef EMBER_FE_H
#define EMBER_FE_H

#include "ir.h"

/* decode.c: build the IR of `code`. `globals` and `builtins` resolve LOAD_GLOBAL (values are
 * frozen at this moment). Returns NULL with a located diagnostic in ctx on unsupported input. */
Function *fe_build(Ctx *ctx, PyObject *code, PyObject *globals, PyObject *builtins, PyObject *closure);
/* The same for an inner function (closure NULL) taking nextra more free variables, named extra,
 * after its own (a comprehension passing them to a closure it calls). */
Function *fe_build_inner(Ctx *ctx, PyObject *code, PyObject *globals, PyObject *builtins, PyObject *closure,
                         const char *const *extra, int nextra);

/* The parameters a compiled function of `code` takes: the named ones, positional then
 * keyword-only, then the tuple of extra positional arguments when it has *args (its index is
 * fe_star_param, or -1). */
static inline int fe_star_param(PyObject *code) {
    PyCodeObject *co = (PyCodeObject *)code;
    return co->co_flags & CO_VARARGS ? co->co_argcount + co->co_kwonlyargcount : -1;
}
static inline int fe_nparams(PyObject *code) {
    PyCodeObject *co = (PyCodeObject *)code;
    return co->co_argcount + co->co_kwonlyargcount + (fe_star_param(code) >= 0);
}

/* versions.c: split each variable into one per web of its assignments and reads (the same
 * name); -1 on an allocation failure. */
int fe_version_vars(Function *fn);

#endif
