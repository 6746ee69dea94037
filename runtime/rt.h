/* rt.h: ember's runtime, plain C linked into the extension (and later into AOT modules).
 *
 * Sections: error.c (the error record, Python-semantics helpers called by generated code, the
 * symbol table handed to the JIT), box.c (boxing and unboxing by signature).
 */
#ifndef EMBER_RT_H
#define EMBER_RT_H

#include "types.h"

typedef struct RtSymbol {
    const char *name;
    void *addr;
} RtSymbol;

/* The entry of a compiled specialisation (DESIGN.md contract 2). */
typedef int32_t (*RtEntry)(void **args, void *result);

/* error.c: generated code reports failures here; the caller turns them into Python errors. */
void ember_rt_raise(const char *exc, const char *msg);
int rt_error_to_python(void);                 /* sets the Python exception; returns -1 */
extern const RtSymbol rt_symbols[];
extern const int rt_nsymbols;

/* box.c */
int rt_unbox(const Type *t, PyObject *obj, void *out);        /* 0, or -1 with TypeError set */
PyObject *rt_box(const Type *t, const void *p);

#endif
