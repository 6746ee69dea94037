/* pm.h: the CPython extension ember._ember: the Dispatcher and the compile driver.
 *
 * Sections: dispatcher.c (the Dispatcher type and its call path, the hot path),
 * driver.c (one compile: frontend, typing, codegen; diagnostics to exceptions), ufunc.c (type
 * descriptions, ufunc loops and cfuncs around compiled kernels, NumPy ufunc objects), module.c,
 * reference.c (the typing tables as data, typing alone: for the reference documentation).
 */
#ifndef EMBER_PM_H
#define EMBER_PM_H

#include "cg.h"
#include "ir.h"
#include "fe.h"
#include "rt.h"
#include "ti.h"

typedef struct Spec {
    int nargs;
    const Type **args;     /* its key: a sized scalar as its TY_NARROW (a signature's uint8) */
    const Type **held;     /* args as the native function takes them (ty_held): what compiled callers pass */
    const Type *ret;
    RetFacts ret_facts;    /* what it returns as float32 and narrow ints: compiled callers' facts */
    bool raises_refs;      /* an exception leaving it may hold strings (CgResult; true where not known) */
    const Type *sig_ret;   /* the return type a signature named (uint8: a TY_NARROW; ret is then int64), else ret */
    RtEntry entry;         /* NULL until its code is loaded (pm_spec_code) */
    struct RtCode *code;   /* the loaded object code (runtime/loader.c) */
    PyObject *object;      /* the object code: for the cache and AOT builds; NULL until first needed
                              when only compiled code has called it (it links the bitcode) */
    PyObject *bitcode;     /* the optimised module, for callers to inline and for inspection */
    char *symbol;          /* the native function's symbol */
    bool is_explicit;      /* from a signature given to the decorator */
    PyObject *keep;        /* the Dispatchers passed as arguments, whose types name its parameters:
                              alive as long as it is, so no other function gets their types */
    struct RtCode *native; /* its native function alone, made when first passed as a FunctionType
                              argument (pm_native_address) */
    void *native_addr;
} Spec;

#define OMITTED_SLOTS 16
typedef struct Dispatcher {
    PyObject_HEAD
    vectorcallfunc vectorcall;
    PyObject *py_func;
    PyObject *options;     /* dict of decorator options */
    PyObject *dict;        /* __dict__: __name__, __doc__, ... */
    PyObject *weakrefs;
    Spec **specs;          /* the signature cache: added to under the compile lock, read with
                              the GIL; freed, code included, when the Dispatcher is (dispatcher.c) */
    int nspecs, capspecs;
    Spec **retired;        /* specialisations recompile() replaced: another thread may still run one; freed
                              with the Dispatcher */
    int nretired;
    bool lazy;             /* compile on a miss (no explicit signatures given) */
    bool nogil;
    bool must_bind;        /* the function has *args or keyword-only parameters: every call binds */
    bool cache;            /* cache=True: specialisations are looked up and stored on disk */
    long serial;           /* makes symbols unique in the process */
    long compiles;         /* how many specialisations were compiled */
    long named;            /* how many compiles took a symbol name (its number: failed ones too) */
    long cache_hits;       /* how many were loaded from the on-disk cache instead */
    PyObject *omitted_value[OMITTED_SLOTS];   /* per parameter: the default last left out (dispatcher.c) */
    const Type *omitted_type[OMITTED_SLOTS];  /* and its type, or NULL for a value no constant */
} Dispatcher;

extern PyTypeObject PmDispatcherType;

/* dispatcher.c */
Spec *pm_find_spec(Dispatcher *d, const Type **args, int nargs);
Spec *pm_find_convertible(Dispatcher *d, const Type **args, int nargs);
int pm_add_spec(Dispatcher *d, Spec *s);
PyObject *pm_call(const char *module, const char *function, const char *fmt, ...);

/* driver.c */
Spec *pm_compile(Dispatcher *d, const Type **args, int nargs, const Type *declared_ret,
                 bool is_explicit, bool called);   /* called: Python calls it now (its object at once) */
PyObject *pm_inspect(Dispatcher *d, const char *what);   /* "llvm" or "asm": {sig: text} */
PyObject *pm_inspect_types(Dispatcher *d);
PyObject *pm_infer(Dispatcher *d, PyObject *values, bool numpy_scalar);   /* typing only: the return type's name
                                                                          (numpy_scalar: float32 for a float32 value) */
PyObject *pm_inspect_bitcode(PyObject *bitcode, bool asm_);   /* LLVM IR or assembly of a module */
void pm_free_spec(Spec *s);   /* its code too: only when nothing can call it */
void *pm_native_address(Spec *s);   /* its native function (made once), or NULL with an exception */
int pm_spec_code(Spec *s);   /* its object code made and loaded, if it is not yet: 0, or -1 with an exception */
const char *pm_signature_text(const Type **args, int nargs, char *buf, size_t len);
int pm_wrap(const CgWrap *w, CgResult *out);   /* compile a C-ABI wrapper (codegen/lower_ufunc.c) */

/* ufunc.c: what ember.types, vectorize, guvectorize and cfunc need from C */
extern PyMethodDef pm_api_methods[];
PyObject *pm_ufunc_kernel(PyObject *obj);   /* what compiled code calls for an ember ufunc (borrowed), or NULL */

/* reference.c */
extern PyMethodDef pm_reference_methods[];   /* typing_tables(), infer() */

#endif
