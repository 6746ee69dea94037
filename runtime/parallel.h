/* parallel.h: the parallel runner that prange loops (DESIGN.md contract 7) call, on OpenMP.
 *
 * Generated code outlines a prange body into `body(env, lo, hi, partial)`, which runs the
 * iterations [lo, hi) and writes its chunk's reduction partials to `partial`. The runner splits
 * [0, n) into at most EMBER_MAX_CHUNKS static chunks, one per thread, runs them with the GIL
 * released, and returns how many chunks ran (the caller combines that many partials, in chunk
 * order, so integer reductions equal the serial ones and float ones differ only by
 * reassociation). Compiled code raising in a chunk surfaces as the error of the lowest failing
 * chunk, in the caller's thread.
 *
 * A runner called inside a parallel region (a prange in a function that a prange body calls)
 * runs serially in that thread; so does every runner in a child process forked after the
 * parent started threads (OpenMP runtimes are not all fork-safe: GNU's hangs).
 */
#ifndef EMBER_PARALLEL_H
#define EMBER_PARALLEL_H

#include <stdint.h>

#define EMBER_MAX_CHUNKS 256

typedef int32_t (*EmberParBody)(void *env, int64_t lo, int64_t hi, void *partial);

int64_t ember_rt_parallel_for(EmberParBody body, void *env, int64_t n, int64_t partial_size, void *partials);

int rt_parallel_init(void);            /* reads EMBER_NUM_THREADS; -1 with a Python error */
int rt_max_threads(void);              /* the most threads set_num_threads accepts */
int rt_get_num_threads(void);          /* this thread's setting */
int rt_set_num_threads(int n);         /* -1 with a Python ValueError when out of range */
int rt_thread_id(void);                /* 0 outside a parallel region */
int64_t ember_rt_thread_id(void);    /* the same for compiled code (numba.get_thread_id()) */
int64_t ember_rt_num_threads(void);  /* numba.get_num_threads() in compiled code */
int32_t ember_rt_set_num_threads(int64_t n);   /* numba.set_num_threads(n) in compiled code: 0, or -1 (ValueError) */
const char *rt_parallel_backend(void); /* "omp (libgomp)", ... */

#endif
