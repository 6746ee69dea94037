/* random.c: np.random inside compiled code, bit for bit the streams of NumPy's legacy generator.
 *
 * Each thread owns one MT19937 state in thread-local storage (as in Numba), so threads never
 * share a sequence and need no lock. A thread's state is seeded on first use from OS entropy;
 * np.random.seed(s) in compiled code reseeds only the calling thread. A fork child reseeds from
 * entropy on its first draw, so processes do not repeat each other either.
 *
 * The algorithms are those of NumPy's RandomState (numpy/random/src/legacy and mt19937):
 *   seed(int)      init_genrand: key[0] = s, key[i] = 1812433253 * (k ^ k >> 30) + i
 *   seed(array)    init_by_array (Matsumoto and Nishimura's reference seeding)
 *   random()       two tempered words a, b: ((a >> 5) * 2**26 + (b >> 6)) / 2**53
 *   randn()        polar Box-Muller; each pair returns f*x2 and caches f*x1 for the next call
 *   randint(l, h)  rng = h - l - 1; mask = smallest 2**k - 1 >= rng; draw (32-bit words when
 *                  rng < 2**32, else 64-bit words, high word first) & mask until <= rng; l + v
 *   uniform, normal  low + (high - low) * random(), loc + scale * randn()
 * seed(int) resets the cached normal; the other draws leave it alone, exactly as NumPy does.
 *
 * Globals: the thread-local state (one per thread, by design) and a pthread_once flag that
 * registers the fork handler once per process.
 *
 * Bit-exactness needs the floating-point expressions evaluated as written: no fused
 * multiply-add (turned off below for GCC and Clang) and never -ffast-math.
 */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "random.h"
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#if defined(__linux__) || defined(__APPLE__)
#include <sys/random.h>
#endif
#if !defined(_WIN32)
#include <pthread.h>
#endif

void ember_rt_raise(const char *exc, const char *msg); /* error.c */

#define MT_M 397
#define MT_MATRIX_A 0x9908b0dfu
#define MT_UPPER 0x80000000u
#define MT_LOWER 0x7fffffffu

/* Each thread's states live on the heap, found through one initial-exec TLS pointer: a draw
 * costs a register-relative load, not a __tls_get_addr call (this code is a dlopen'ed module).
 * A thread has two: np.random's, and that of Python's random module (random.random, random.seed:
 * a separate generator, as in CPython and Numba). */
typedef struct ThreadStates {
    EmberRandomState np, py;
} ThreadStates;

static _Thread_local ThreadStates *thread_states __attribute__((tls_model("initial-exec")));
static pthread_key_t state_key;   /* frees a thread's states when it exits */
static pthread_once_t state_key_once = PTHREAD_ONCE_INIT;

static void make_state_key(void) { pthread_key_create(&state_key, free); }

static ThreadStates *new_thread_states(void) {
    pthread_once(&state_key_once, make_state_key);
    static ThreadStates out_of_memory;   /* shared, so not thread-safe: only without 10 KiB left */
    ThreadStates *ts = calloc(1, sizeof *ts);
    if (!ts) return &out_of_memory;
    pthread_setspecific(state_key, ts);
    return thread_states = ts;
}

static inline ThreadStates *these_states(void) {
    ThreadStates *ts = thread_states;
    return __builtin_expect(ts != NULL, 1) ? ts : new_thread_states();
}

static inline EmberRandomState *this_thread_state(void) { return &these_states()->np; }

/* ---- MT19937 ----------------------------------------------------------------------------- */

static void mt_init_genrand(EmberRandomState *st, uint32_t s) {
    st->key[0] = s;
    for (int i = 1; i < EMBER_MT_N; i++) {
        uint32_t prev = st->key[i - 1];
        st->key[i] = 1812433253u * (prev ^ (prev >> 30)) + (uint32_t)i;
    }
    st->pos = EMBER_MT_N;
}

/* The reference init_by_array: start from a fixed state and stir the words in twice round. */
static void mt_init_by_array(EmberRandomState *st, const uint32_t *words, int64_t n) {
    uint32_t *k = st->key;
    mt_init_genrand(st, 19650218u);
    int i = 1;
    int64_t j = 0;
    for (int64_t c = n > EMBER_MT_N ? n : EMBER_MT_N; c > 0; c--) {
        uint32_t prev = k[i - 1];
        k[i] = (k[i] ^ ((prev ^ (prev >> 30)) * 1664525u)) + words[j] + (uint32_t)j;
        if (++i >= EMBER_MT_N) {
            k[0] = k[EMBER_MT_N - 1];
            i = 1;
        }
        if (++j >= n) j = 0;
    }
    for (int c = EMBER_MT_N - 1; c > 0; c--) {
        uint32_t prev = k[i - 1];
        k[i] = (k[i] ^ ((prev ^ (prev >> 30)) * 1566083941u)) - (uint32_t)i;
        if (++i >= EMBER_MT_N) {
            k[0] = k[EMBER_MT_N - 1];
            i = 1;
        }
    }
    k[0] = 0x80000000u;   /* the state can never be all zero */
    st->pos = EMBER_MT_N;
}

/* Regenerate all 624 words at once (the twist). */
static void mt_twist(EmberRandomState *st) {
    uint32_t *k = st->key;
    int i = 0;
    for (; i < EMBER_MT_N - MT_M; i++) {
        uint32_t y = (k[i] & MT_UPPER) | (k[i + 1] & MT_LOWER);
        k[i] = k[i + MT_M] ^ (y >> 1) ^ ((0u - (y & 1u)) & MT_MATRIX_A);
    }
    for (; i < EMBER_MT_N - 1; i++) {
        uint32_t y = (k[i] & MT_UPPER) | (k[i + 1] & MT_LOWER);
        k[i] = k[i + MT_M - EMBER_MT_N] ^ (y >> 1) ^ ((0u - (y & 1u)) & MT_MATRIX_A);
    }
    uint32_t y = (k[EMBER_MT_N - 1] & MT_UPPER) | (k[0] & MT_LOWER);
    k[EMBER_MT_N - 1] = k[MT_M - 1] ^ (y >> 1) ^ ((0u - (y & 1u)) & MT_MATRIX_A);
    st->pos = 0;
}

/* MT19937's tempering of a state word. */
static inline uint32_t temper(uint32_t y) {
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

static uint32_t next_u32(EmberRandomState *st) {
    if (st->pos >= EMBER_MT_N) mt_twist(st);
    return temper(st->key[st->pos++]);
}

static uint64_t next_u64(EmberRandomState *st) {
    uint64_t hi = next_u32(st);   /* two statements: the high word is drawn first */
    uint64_t lo = next_u32(st);
    return hi << 32 | lo;
}

static double next_double(EmberRandomState *st) {
    int32_t a = (int32_t)(next_u32(st) >> 5);
    int32_t b = (int32_t)(next_u32(st) >> 6);
    return (a * 67108864.0 + b) / 9007199254740992.0;
}

static double next_gauss(EmberRandomState *st) {
    if (st->has_gauss) {
        double g = st->gauss;
        st->has_gauss = 0;
        st->gauss = 0.0;
        return g;
    }
    double x1, x2, r2;
    do {
        x1 = 2.0 * next_double(st) - 1.0;
        x2 = 2.0 * next_double(st) - 1.0;
        r2 = x1 * x1 + x2 * x2;
    } while (r2 >= 1.0 || r2 == 0.0);
    double f = sqrt(-2.0 * log(r2) / r2);
    st->gauss = f * x1;
    st->has_gauss = 1;
    return f * x2;
}

/* A value in [off, off + rng] (mod 2**64) by masked rejection, as NumPy's
 * random_bounded_uint64_fill with use_masked: 32-bit draws while rng fits in 32 bits. */
/* The smallest 2**k - 1 >= rng. */
static inline uint64_t mask_of(uint64_t rng) {
    rng |= rng >> 1;
    rng |= rng >> 2;
    rng |= rng >> 4;
    rng |= rng >> 8;
    rng |= rng >> 16;
    return rng | rng >> 32;
}

static uint64_t next_bounded(EmberRandomState *st, uint64_t off, uint64_t rng) {
    uint64_t mask = mask_of(rng), v;
    if (rng == 0) return off;
    if (rng <= 0xffffffffu) {
        do v = next_u32(st) & mask; while (v > rng);
    } else {
        do v = next_u64(st) & mask; while (v > rng);
    }
    return off + v;
}

static int64_t to_i64(uint64_t v) {   /* two's complement without implementation-defined casts */
    return v <= (uint64_t)INT64_MAX ? (int64_t)v : -(int64_t)(UINT64_MAX - v) - 1;
}

/* ---- seeding ----------------------------------------------------------------------------- */

#if !defined(_WIN32)
static pthread_once_t fork_once = PTHREAD_ONCE_INIT;

/* Runs in the child after fork, in the only thread it has: the one that called fork. */
static void reseed_in_child(void) {
    if (thread_states) thread_states->np.seeded = thread_states->py.seeded = 0;
}

static void register_fork_handler(void) { pthread_atfork(NULL, NULL, reseed_in_child); }
#endif

static void mark_seeded(EmberRandomState *st) {
    st->seeded = 1;
    st->has_gauss = 0;
    st->gauss = 0.0;
#if !defined(_WIN32)
    pthread_once(&fork_once, register_fork_handler);
#endif
}

/* Fill buf with OS entropy; 0 on success, -1 if no source answered. */
static int os_entropy(void *buf, size_t len) {
    unsigned char *p = buf;
#if defined(__linux__)
    while (len > 0) {
        ssize_t got = getrandom(p, len, 0);
        if (got <= 0) break;
        p += got;
        len -= (size_t)got;
    }
#elif defined(__APPLE__)
    while (len > 0) {
        size_t chunk = len < 256 ? len : 256;   /* getentropy's limit */
        if (getentropy(p, chunk) != 0) break;
        p += chunk;
        len -= chunk;
    }
#endif
    if (len > 0) {
        FILE *f = fopen("/dev/urandom", "rb");
        if (!f) return -1;
        size_t got = fread(p, 1, len, f);
        fclose(f);
        if (got != len) return -1;
    }
    return 0;
}

/* splitmix64, to spread a weak seed over many words. */
static uint64_t splitmix64(uint64_t *x) {
    uint64_t z = (*x += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static void seed_from_entropy(EmberRandomState *st) {
    uint32_t words[EMBER_MT_N];
    if (os_entropy(words, sizeof words) != 0) {
        /* No entropy source: the time and this thread's own state address (distinct for
         * every live thread), mixed. */
        struct timespec ts = {0};
        timespec_get(&ts, TIME_UTC);
        uint64_t x = (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
        x ^= (uint64_t)(uintptr_t)st * 0x9e3779b97f4a7c15u;
        x ^= (uint64_t)clock() << 20;
        for (int i = 0; i < EMBER_MT_N; i += 2) {
            uint64_t z = splitmix64(&x);
            words[i] = (uint32_t)z;
            words[i + 1] = (uint32_t)(z >> 32);
        }
    }
    mt_init_by_array(st, words, EMBER_MT_N);
    mark_seeded(st);
}

EmberRandomState *ember_rt_random_state(void) {
    EmberRandomState *st = this_thread_state();
    if (!st->seeded) seed_from_entropy(st);
    return st;
}

void ember_rt_random_seed(int64_t seed) {
    EmberRandomState *st = this_thread_state();
    mt_init_genrand(st, (uint32_t)((uint64_t)seed & 0xffffffffu));
    mark_seeded(st);
}

void ember_rt_random_seed_array(const uint32_t *words, int64_t n) {
    EmberRandomState *st = this_thread_state();
    if (n <= 0) {
        seed_from_entropy(st);
        return;
    }
    mt_init_by_array(st, words, n);
    mark_seeded(st);
}

void ember_rt_random_seed_entropy(void) { seed_from_entropy(this_thread_state()); }

/* ---- draws ------------------------------------------------------------------------------- */

/* The raw streams of one state, for the distributions of runtime/randdist.c. */
uint32_t ember_rt_random_next_u32(EmberRandomState *st) { return next_u32(st); }
uint64_t ember_rt_random_next_u64(EmberRandomState *st) { return next_u64(st); }
double ember_rt_random_next_double(EmberRandomState *st) { return next_double(st); }
double ember_rt_random_next_gauss(EmberRandomState *st) { return next_gauss(st); }

double ember_rt_random_gauss(void) { return next_gauss(ember_rt_random_state()); }

int64_t ember_rt_random_randint(int64_t low, int64_t high) {
    if (high <= low) return low;
    uint64_t rng = (uint64_t)high - (uint64_t)low - 1u;
    return to_i64(next_bounded(ember_rt_random_state(), (uint64_t)low, rng));
}

double ember_rt_random_uniform(double low, double high) {
    double range = high - low;
    return low + range * next_double(ember_rt_random_state());
}

double ember_rt_random_normal(double loc, double scale) {
    return loc + scale * next_gauss(ember_rt_random_state());
}

void ember_rt_random_fill_double(double *out, int64_t n) {
    EmberRandomState *st = ember_rt_random_state();
    for (int64_t i = 0; i < n; i++) out[i] = next_double(st);
}

void ember_rt_random_fill_gauss(double *out, int64_t n) {
    EmberRandomState *st = ember_rt_random_state();
    for (int64_t i = 0; i < n; i++) out[i] = next_gauss(st);
}

/* Draws in [0, rng] by next_bounded's masked rejection, in a loop of their own: the mask is made
 * once and the state's position stays in a register between twists (per draw, next_bounded
 * stores it back and makes the mask again: np.random.randint(0, 4, n) 1.7x numba's time). */
#define BOUNDED32_LOOP(st, rng, take)                                                \
    do {                                                                           \
        uint32_t mask_ = (uint32_t)mask_of(rng), *key_ = (st)->key;               \
        int32_t pos_ = (st)->pos;                                                  \
        for (;;) {                                                                 \
            if (pos_ >= EMBER_MT_N) {                                              \
                mt_twist(st);                                                      \
                pos_ = 0;                                                          \
            }                                                                      \
            uint64_t v_ = temper(key_[pos_++]) & mask_;                            \
            if (v_ > (rng)) continue;                                              \
            (st)->pos = pos_;                                                      \
            take;                                                                  \
            pos_ = (st)->pos;                                                      \
        }                                                                          \
    } while (0)

void ember_rt_random_fill_randint(int64_t *out, int64_t n, int64_t low, int64_t high) {
    EmberRandomState *st = ember_rt_random_state();
    uint64_t rng = high <= low ? 0 : (uint64_t)high - (uint64_t)low - 1u;
    if (rng == 0 || rng > 0xffffffffu || n <= 0) {
        for (int64_t i = 0; i < n; i++) out[i] = to_i64(next_bounded(st, (uint64_t)low, rng));
        return;
    }
    int64_t i = 0;
    BOUNDED32_LOOP(st, rng, {
        out[i++] = to_i64((uint64_t)low + v_);
        if (i == n) return;
    });
}

/* Swap the items at x and y (itemsize bytes). */
static inline void swap_items(char *x, char *y, int64_t itemsize) {
    switch (itemsize) {
    case 8: { uint64_t a, b; memcpy(&a, x, 8); memcpy(&b, y, 8); memcpy(x, &b, 8); memcpy(y, &a, 8); return; }
    case 4: { uint32_t a, b; memcpy(&a, x, 4); memcpy(&b, y, 4); memcpy(x, &b, 4); memcpy(y, &a, 4); return; }
    case 2: { uint16_t a, b; memcpy(&a, x, 2); memcpy(&b, y, 2); memcpy(x, &b, 2); memcpy(y, &a, 2); return; }
    case 1: { char a = *x; *x = *y; *y = a; return; }
    default:
        for (int64_t o = 0; o < itemsize; o++) {
            char a = x[o];
            x[o] = y[o];
            y[o] = a;
        }
    }
}

/* The legacy state's shuffle of n items at data (stride bytes apart): for i from n - 1 down to 1,
 * swap item i with item random_interval(i), NumPy's draw (next_bounded from 0). */
void rt_random_shuffle_items(char *data, int64_t n, int64_t stride, int64_t itemsize) {
    EmberRandomState *st = ember_rt_random_state();
    int64_t i = n - 1;
    while (i > 0 && (uint64_t)i > 0xffffffffu) {
        int64_t j = (int64_t)next_bounded(st, 0, (uint64_t)i);
        if (i != j) swap_items(data + i * stride, data + j * stride, itemsize);
        i--;
    }
    if (i <= 0) return;
    /* the mask follows i down: a loop per power of two */
    while (i > 0) {
        uint64_t bound = (uint64_t)i;
        int64_t floor2 = 1;
        while ((uint64_t)floor2 * 2 <= bound) floor2 *= 2;   /* i's mask holds while i >= floor2 */
        BOUNDED32_LOOP(st, bound, {
            if (i != (int64_t)v_) swap_items(data + i * stride, data + (int64_t)v_ * stride, itemsize);
            i--;
            if (i < floor2) break;
            bound = (uint64_t)i;
        });
    }
}

/* ---- Python's random module ------------------------------------------------------------- *
 * As in Numba: the second state of each thread, seeded by random.seed(n) as np.random.seed(n)
 * seeds (init_genrand of n's low 32 bits; CPython's random.seed(n) stirs n in with
 * init_by_array, so after a seed the numbers are Numba's, not CPython's), and drawn with
 * CPython's algorithms on the raw words:
 *   random()         the 53-bit double of np.random's random() (CPython's genrand_res53)
 *   getrandbits(k)   k <= 32: the top k bits of one word; k > 32: the first word is the low
 *                    32 bits, the top k - 32 bits of the second the high ones
 *   randrange        n choices: getrandbits(bit length of n) until below n (CPython's
 *                    _randbelow), then start + step * that
 *   gauss(mu, sigma) mu + sigma * np.random's polar Box-Muller normal, its own cached second
 * From the same 624 words and position (random.Random.setstate), CPython's random(),
 * getrandbits(), randrange() and randint() give these numbers (tests/test_pyrandom.py). */

static EmberRandomState *py_state(void) {
    EmberRandomState *st = &these_states()->py;
    if (!st->seeded) seed_from_entropy(st);
    return st;
}

void ember_rt_pyrandom_seed(int64_t seed) {
    EmberRandomState *st = &these_states()->py;
    mt_init_genrand(st, (uint32_t)((uint64_t)seed & 0xffffffffu));
    mark_seeded(st);
}

void ember_rt_pyrandom_seed_entropy(void) { seed_from_entropy(&these_states()->py); }

EmberRandomState *ember_rt_pyrandom_state(void) { return py_state(); }

double ember_rt_pyrandom_gauss(double mu, double sigma) { return mu + sigma * next_gauss(py_state()); }

static uint64_t py_bits(EmberRandomState *st, int k) {   /* 1 <= k <= 64 */
    if (k <= 32) return next_u32(st) >> (32 - k);
    uint64_t lo = next_u32(st);   /* two statements: the low word is drawn first */
    uint64_t hi = next_u32(st) >> (64 - k);
    return hi << 32 | lo;
}

int32_t ember_rt_pyrandom_getrandbits(uint64_t *out, int64_t k) {
    if (k < 0) return ember_rt_raise("builtins:ValueError", "number of bits must be non-negative"), -1;
    if (k > 64) return ember_rt_raise("builtins:OverflowError", "getrandbits() limited to 64 bits in compiled code"), -1;
    *out = k ? py_bits(py_state(), (int)k) : 0;
    return 0;
}

/* start + step * (a number below n), for 1 <= n <= 2**64 - 1 */
static int64_t py_pick(int64_t start, int64_t step, uint64_t n) {
    int k = 64 - __builtin_clzll(n);
    EmberRandomState *st = py_state();
    uint64_t r;
    do r = py_bits(st, k); while (r >= n);
    return (int64_t)(uint64_t)((unsigned __int128)start + (unsigned __int128)((__int128)step * (__int128)r));
}

int32_t ember_rt_pyrandom_randrange(int64_t *out, int64_t start, int64_t stop, int64_t step) {
    /* the number of choices, exact in 128 bits (stop - start may not fit in 64); at most 2**64 - 1 */
    __int128 width = (__int128)stop - start, n;
    if (step == 0) return ember_rt_raise("builtins:ValueError", "zero step for randrange()"), -1;
    if (step > 0) n = (width + step - 1) / step;
    else n = (width + step + 1) / step;
    if (n <= 0) return ember_rt_raise("builtins:ValueError", "empty range for randrange()"), -1;
    *out = py_pick(start, step, (uint64_t)n);
    return 0;
}

int32_t ember_rt_pyrandom_randint(int64_t *out, int64_t a, int64_t b) {
    if (b < a) return ember_rt_raise("builtins:ValueError", "empty range for randrange()"), -1;
    __int128 n = (__int128)b - a + 1;
    if (n > (__int128)UINT64_MAX) {   /* the whole int64 range: any 64 bits (CPython would draw 65) */
        *out = (int64_t)((uint64_t)a + py_bits(py_state(), 64));
        return 0;
    }
    *out = py_pick(a, 1, (uint64_t)n);
    return 0;
}
