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
#include <stdint.h>

typedef struct RtCode RtCode;

/* What the code's runtime references need set up before it runs (RtSymbol.needs). */
enum {
    RT_NEEDS_BLAS = 1,   /* np.linalg / dot: the BLAS/LAPACK library must be loaded */
};

/* glibc's vector maths library. The code generator lets the vectoriser call it only where it
 * loads (codegen/jit.c), and cache keys record whether it does (build_info). */
#define RT_LIBMVEC "libmvec.so.1"
void *rt_libmvec(void);   /* its dlopen handle, or NULL */

/* Load `size` bytes of object code. NULL on failure, with a message in err.
 *
 * Ownership: the code's one owner is whoever loaded it (a Dispatcher's specialisation), and
 * rt_code_free unmaps it. Loaded objects never link to each other: a caller carries internal
 * copies of the compiled functions it calls (codegen/jit.c) and the loader resolves only the
 * runtime and C library, so freeing one object cannot break another. Nothing is registered in a
 * global table but the arena's blocks (codemem.c). The owner must free the code only when no
 * thread can be running it: a Dispatcher does so when it is deallocated, and a call holds a
 * reference to the Dispatcher it runs. */
RtCode *rt_code_load(const void *obj, size_t size, char *err, size_t errlen);
void *rt_code_symbol(const RtCode *code, const char *name);   /* a defined symbol, or NULL */
int rt_code_needs(const RtCode *code);                        /* RT_NEEDS_* of its references */
void rt_code_free(RtCode *code);

/* ---- codemem.c: the memory loaded code lives in -------------------------------------- */
enum {
    RT_PART_TEXT,   /* code and call stubs: read+execute */
    RT_PART_RO,     /* read-only data and the GOT */
    RT_PART_RW,     /* writable data and bss */
    RT_NPARTS
};

typedef struct RtChunk RtChunk;

/* One object's memory: the loader fills size and align, reserves, writes each part's bytes
 * at image[p] (relocated as if at at[p]), then commits, after which the code may run. */
typedef struct RtCodeMem {
    size_t size[RT_NPARTS], align[RT_NPARTS];   /* in: bytes and alignment of each part */
    unsigned char *at[RT_NPARTS];               /* out: where each part will run (NULL if empty) */
    unsigned char *image[RT_NPARTS];            /* out: where to write it until the commit */
    RtChunk *chunk;                             /* its blocks in an arena chunk, at off[], or */
    size_t off[2];
    unsigned char *map;                         /* a private mapping of map_size bytes */
    size_t map_size;
    int nmaps;                                  /* the kernel mappings the private one makes */
} RtCodeMem;

int rt_codemem_reserve(RtCodeMem *m, char *err, size_t errlen);
int rt_codemem_commit(RtCodeMem *m, char *err, size_t errlen);   /* W^X: the parts become RX/R */
void rt_codemem_release(RtCodeMem *m);                            /* reserved or committed */

/* What loaded code holds, for rt_code_stats (ember._ember.code_stats()). */
typedef struct RtCodeStats {
    int64_t objects;        /* loaded objects not yet freed */
    int64_t used_bytes;     /* bytes their blocks (or private mappings) take */
    int64_t mapped_bytes;   /* bytes mapped for them: chunks and private mappings */
    int64_t mappings;       /* kernel mappings (lines of /proc/self/maps) those make */
    int64_t chunks;         /* arena chunks mapped */
    int arena;              /* 1 when new objects go to the shared arena (0: a mapping each) */
} RtCodeStats;
void rt_code_stats(RtCodeStats *out);

#endif
