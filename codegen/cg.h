/* cg.h: code generation, the only code that knows LLVM. It lives in the ember._embercc
 * extension, which the driver loads on the first compile and reaches through the CgApi table
 * below (a capsule), so `import ember` never loads LLVM.
 *
 * Requires: typed IR (TypeInfo). Produces: a self-contained ELF object (runtime/loader.c loads
 * it; the cache stores it; AOT links it) and the optimised module as bitcode (callers link it in
 * so LLVM can inline).
 *
 * Native ABI of a compiled specialisation (contract 2):
 *   i32 @<sym>(ptr %out, <params by value>)     0 = ok, -1 = error record set
 *   i32 @<sym>.entry(ptr %args, ptr %out)        %args: array of pointers to unboxed arguments
 *
 * Sections: lower.c (IR -> LLVM IR), lower_ops.c (operators and builtins with Python
 * semantics), jit.c (target machine, O3 pipeline, object emission), module.c (the capsule).
 */
#ifndef EMBER_CG_H
#define EMBER_CG_H

#include "ti.h"

typedef struct CgResult {
    PyObject *object;     /* new reference: the ELF object defining <sym> and <sym>.entry */
    PyObject *bitcode;    /* new reference: the optimised module */
} CgResult;

typedef struct CgApi {
    int abi_version;
    int (*init)(TyState *types);
    int (*compile)(Ctx *ctx, TypeInfo *ti, CgResult *out);
    PyObject *(*inspect_llvm)(PyObject *bitcode);
    PyObject *(*inspect_asm)(PyObject *bitcode);
} CgApi;

#define EMBER_CG_ABI 2
#define EMBER_CG_CAPSULE "ember._embercc.api"

#endif
