/* parallel.c: the parallel runner on the OpenMP runtime (see parallel.h). */
#define _GNU_SOURCE
#include "parallel.h"
#include "rt.h"
#include <omp.h>
#include <sched.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int max_threads;                     /* owner: this file; set once by rt_parallel_init */
static _Thread_local int thread_setting;    /* this thread's set_num_threads; 0: the default */
static atomic_bool forked_child;            /* set in a child forked after threads started */
static atomic_bool threads_started;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;

static void in_child(void) {
    if (atomic_load(&threads_started)) atomic_store(&forked_child, true);
}

static void register_atfork(void) { pthread_atfork(NULL, NULL, in_child); }

static int cpu_count(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
#ifdef CPU_COUNT
    cpu_set_t set;
    if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0) n = CPU_COUNT(&set);
#endif
    return n > 0 ? (int)n : 1;
}

int rt_parallel_init(void) {
    if (max_threads) return 0;
    int n = cpu_count();
    const char *var = "EMBER_NUM_THREADS", *env = getenv(var);
    if (!env || !*env) env = getenv(var = "NUMBA_NUM_THREADS");   /* a Numba user's setting */
    if (env && *env) {
        char *end;
        long v = strtol(env, &end, 10);
        if (*end || v < 1 || v > EMBER_MAX_CHUNKS) {
            PyErr_Format(PyExc_ValueError, "%s must be an integer from 1 to %d (got '%s')", var, EMBER_MAX_CHUNKS, env);
            return -1;
        }
        n = (int)v;
    }
    max_threads = n < EMBER_MAX_CHUNKS ? n : EMBER_MAX_CHUNKS;
    pthread_once(&atfork_once, register_atfork);
    return 0;
}

int rt_max_threads(void) { return max_threads ? max_threads : 1; }

int rt_get_num_threads(void) { return thread_setting ? thread_setting : rt_max_threads(); }

/* Sets this thread's setting to n; false, with the ValueError's message in msg, when n does not fit. */
static bool set_threads(int64_t n, char *msg, size_t len) {
    if (n < 1 || n > rt_max_threads()) {
        snprintf(msg, len, "the number of threads must be between 1 and %d (got %lld)", rt_max_threads(), (long long)n);
        return false;
    }
    thread_setting = (int)n;
    return true;
}

int rt_set_num_threads(int n) {
    char msg[96];
    if (set_threads(n, msg, sizeof msg)) return 0;
    PyErr_SetString(PyExc_ValueError, msg);
    return -1;
}

int rt_thread_id(void) { return omp_in_parallel() ? omp_get_thread_num() : 0; }

/* numba.get_thread_id() and get_num_threads() in compiled code. */
int64_t ember_rt_thread_id(void) { return rt_thread_id(); }
int64_t ember_rt_num_threads(void) { return rt_get_num_threads(); }

/* numba.set_num_threads(n) in compiled code: 0, or -1 with the error record set. */
int32_t ember_rt_set_num_threads(int64_t n) {
    char msg[96];
    if (set_threads(n, msg, sizeof msg)) return 0;
    rt_raise_str("builtins:ValueError", rt_str_from_utf8(msg));
    return -1;
}

const char *rt_parallel_backend(void) {
#if defined(__GNUC__) && !defined(__clang__)
    return "omp (libgomp)";
#else
    return "omp";
#endif
}

typedef struct {
    int chunk;                 /* the lowest failing chunk, or INT32_MAX */
    RtExc exc;
} Failure;

int64_t ember_rt_parallel_for(EmberParBody body, void *env, int64_t n, int64_t partial_size, void *partials) {
    if (n <= 0) return 0;
    int64_t nc = rt_get_num_threads();
    if (nc > n) nc = n;
    if (omp_in_parallel() || atomic_load(&forked_child)) nc = 1;
    if (nc == 1) return body(env, 0, n, partials) ? -1 : 1;

    atomic_store(&threads_started, true);
    Failure fail = {.chunk = INT32_MAX};
    PyThreadState *saved = PyGILState_Check() ? PyEval_SaveThread() : NULL;
#pragma omp parallel num_threads((int)nc)
    {
        int nt = omp_get_num_threads();   /* the runtime may give fewer threads than asked */
        for (int64_t c = omp_get_thread_num(); c < nc; c += nt) {
            int64_t lo = n / nc * c + (c < n % nc ? c : n % nc);
            int64_t hi = lo + n / nc + (c < n % nc);
            if (body(env, lo, hi, (char *)partials + c * partial_size)) {
                RtExc exc;
                rt_error_save(&exc);
#pragma omp critical(ember_parallel_failure)
                {
                    if (c < fail.chunk) {   /* the lowest chunk's exception wins; the others' references go */
                        if (fail.chunk != INT32_MAX) ember_rt_exc_release(&fail.exc);
                        fail.chunk = (int)c;
                        fail.exc = exc;
                    } else {
                        ember_rt_exc_release(&exc);
                    }
                }
                break;
            }
        }
    }
    if (saved) PyEval_RestoreThread(saved);
    if (fail.chunk != INT32_MAX) {
        ember_rt_raise_value(&fail.exc);
        return -1;
    }
    return nc;
}
