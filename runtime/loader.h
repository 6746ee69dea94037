/* loader.h: loads the relocatable object code that ember's code generator emits (DESIGN.md
 * contract 1) into executable memory of this process. One loader serves the JIT (object code
 * just emitted by LLVM) and the on-disk cache (the same bytes read back in a later process), so
 * a cache hit needs no LLVM. AOT modules do not use it: the system linker links their objects.
 *
 * The object is a self-contained ELF64 x86-64 relocatable file: it defines a specialisation's
 * functions (and internal copies of every compiled function it calls) and refers outside itself
 * only to the runtime (ember_rt_*, resolved through rt_symbols), to the C library (memcpy,
 * sin, ...: resolved in the process with dlsym) and to glibc's vector maths (_ZGV*: the loop
 * vectoriser's exp, sin, ... on 4 lanes, from libmvec).
 */
#ifndef EMBER_LOADER_H
#define EMBER_LOADER_H

#include <stddef.h>

typedef struct RtCode RtCode;

/* What the code's runtime references need set up before it runs (RtSymbol.needs). */
enum {
    RT_NEEDS_BLAS = 1,   /* np.linalg / dot: the BLAS/LAPACK library must be loaded */
};

/* glibc's vector maths library. The code generator lets the vectoriser call it only where it
 * loads (codegen/jit.c), and cache keys record whether it does (build_info). */
#define RT_LIBMVEC "libmvec.so.1"
void *rt_libmvec(void);   /* its dlopen handle, or NULL */

/* Load `size` bytes of object code. NULL on failure, with a message in err. */
RtCode *rt_code_load(const void *obj, size_t size, char *err, size_t errlen);
void *rt_code_symbol(const RtCode *code, const char *name);   /* a defined symbol, or NULL */
int rt_code_needs(const RtCode *code);                        /* RT_NEEDS_* of its references */
void rt_code_free(RtCode *code);

#endif
