/* cg.h: code generation, the only code that knows LLVM. It lives in the ember._embercc
 * extension, which the driver loads on the first compile and reaches through the CgApi table
 * below (a capsule), so `import ember` never loads LLVM.
 *
 * Requires: typed IR (TypeInfo). Produces: the lowered module, its callees linked in, as bitcode
 * (unoptimised: callers link it in, so LLVM optimises and inlines it in their context) and, when
 * asked or later from that bitcode (cg_object), the optimised module as a self-contained ELF
 * object (runtime/loader.c loads it; the cache stores it; AOT links it).
 *
 * Native ABI of a compiled specialisation (contract 2):
 *   i32 @<sym>(ptr %out, <params by value>)     0 = ok, -1 = error record set
 *   i32 @<sym>.entry(ptr %args, ptr %out)        %args: array of pointers to unboxed arguments
 *
 * Sections: lower.c (IR -> LLVM IR), lower_ops.c (operators and builtins with Python
 * semantics), lower_ufunc.c (C-ABI wrappers: ufunc loops, cfuncs), lower_const.c
 * (global arrays as constant data), jit.c (target machine, O3 pipeline, object emission), module.c (the capsule).
 */
#ifndef EMBER_CG_H
#define EMBER_CG_H

#include "ti.h"

typedef struct CgResult {
    bool want_object;     /* compile: emit the object now (else NULL; cg_object makes it from the bitcode) */
    PyObject *object;     /* new reference: the ELF object defining <sym> and <sym>.entry */
    PyObject *bitcode;    /* new reference: the lowered module with its callees linked, before O3 */
    bool raises_refs;     /* an exception leaving it may hold strings: its callers count caught ones */
} CgResult;

/* A C-ABI function around a compiled specialisation (the kernel), for NumPy and C callers
 * (codegen/lower_ufunc.c). The kernel's bitcode is linked in, so LLVM inlines it into the loop.
 *
 *   CG_WRAP_UFUNC   void <sym>(char **args, npy_intp const *dims, npy_intp const *steps, void *data)
 *                   a NumPy inner loop: operand k (inputs, then the output) has dtype dtypes[k]
 *   CG_WRAP_GUFUNC  the same signature, a generalized ufunc's loop: operand k has core_ndim[k]
 *                   core dimensions, core_dim[k][d] naming which of dims[1..]
 *   CG_WRAP_CFUNC   <ret> <sym>(<params>): C scalars of dtypes[0..nparams) returning dtypes[nparams]
 *                   (-1: void)
 *   CG_WRAP_NATIVE  i32 <sym>(ret *, <params>): the kernel's own native function under a name of its
 *                   own (a specialisation's object keeps only its entry): the pointer a FunctionType
 *                   argument passes (typeinfer/funcs.c)
 *
 * A failing kernel stops the loop and sets the Python exception (taking the GIL); a failing
 * cfunc reports the exception as unraisable and returns 0. */
typedef enum { CG_WRAP_UFUNC, CG_WRAP_GUFUNC, CG_WRAP_CFUNC, CG_WRAP_NATIVE } CgWrapKind;

#define CG_WRAP_MAX_OPERANDS 32
#define CG_WRAP_MAX_CORE 8

typedef struct CgWrap {
    CgWrapKind kind;
    const char *symbol;            /* the wrapper's name */
    const char *kernel;            /* the kernel's native symbol */
    PyObject *bitcode;             /* the kernel's module (CgResult.bitcode) */
    const Type *const *params;     /* the kernel's parameter types */
    int nparams;
    const Type *ret;               /* the kernel's return type */
    int dtypes[CG_WRAP_MAX_OPERANDS + 1];   /* DT_* per operand (see above) */
    int core_ndim[CG_WRAP_MAX_OPERANDS];    /* CG_WRAP_GUFUNC */
    int core_dim[CG_WRAP_MAX_OPERANDS][CG_WRAP_MAX_CORE];
    bool parallel;                 /* split the outer loop across the parallel runner */
} CgWrap;

typedef struct CgApi {
    int abi_version;
    int (*init)(TyState *types);
    int (*compile)(Ctx *ctx, TypeInfo *ti, CgResult *out);
    PyObject *(*inspect_llvm)(Ctx *ctx, PyObject *bitcode);   /* the optimised module, as text */
    PyObject *(*inspect_asm)(Ctx *ctx, PyObject *bitcode);
    int (*wrap)(Ctx *ctx, const CgWrap *w, CgResult *out);
    PyObject *(*object)(Ctx *ctx, PyObject *bitcode, const char *symbol);   /* a specialisation's object, from its bitcode */
} CgApi;

#define EMBER_CG_ABI 5
#define EMBER_CG_CAPSULE "ember._embercc.api"

#endif
