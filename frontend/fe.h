/* fe.h: the frontend, the only code that knows CPython bytecode.
 *
 * Sections: decode.c (CPython 3.11 code object -> IR).
 */
#ifndef EMBER_FE_H
#define EMBER_FE_H

#include "ir.h"

/* decode.c: build the IR of `code`. `globals` and `builtins` resolve LOAD_GLOBAL (values are
 * frozen at this moment). Returns NULL with a located diagnostic in ctx on unsupported input. */
Function *fe_build(Ctx *ctx, PyObject *code, PyObject *globals, PyObject *builtins, PyObject *closure);

#endif
