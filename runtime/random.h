/* random.h: the np.random runtime that compiled code calls (random.c).
 *
 * Plain C, no Python: every function works on the calling thread's own MT19937 state and
 * reproduces NumPy's legacy global generator (np.random.seed / np.random.RandomState) bit for
 * bit, as Numba does. Preconditions that NumPy turns into ValueError are the caller's to check
 * (generated code raises before calling); each function notes its own.
 */
#ifndef EMBER_RANDOM_H
#define EMBER_RANDOM_H

#include <stdint.h>

#define EMBER_MT_N 624   /* words of MT19937 state */

/* One thread's generator: NumPy's legacy state (mt19937 key and position, plus the second
 * normal of the last polar Box-Muller pair), and whether it has been seeded yet. */
typedef struct EmberRandomState {
    uint32_t key[EMBER_MT_N];
    int32_t pos;          /* next word of key to temper; EMBER_MT_N means regenerate first */
    int32_t has_gauss;    /* gauss holds a cached standard normal */
    double gauss;
    int32_t seeded;       /* 0 in a fresh thread (or a fork child): seed from entropy on use */
} EmberRandomState;

/* The calling thread's state, seeded from OS entropy on first use; never NULL. */
EmberRandomState *ember_rt_random_state(void);

/* The legacy state's shuffle of n items at data, stride bytes apart (NumPy's RandomState.shuffle
 * of a 1-d array: random_interval draws). */
void rt_random_shuffle_items(char *data, int64_t n, int64_t stride, int64_t itemsize);

/* One state's raw streams (runtime/randdist.c builds NumPy's distributions on them): a word, two
 * words high first, a double in [0, 1), a standard normal (the cached one first). */
uint32_t ember_rt_random_next_u32(EmberRandomState *st);
uint64_t ember_rt_random_next_u64(EmberRandomState *st);
double ember_rt_random_next_double(EmberRandomState *st);
double ember_rt_random_next_gauss(EmberRandomState *st);

/* np.random.seed(seed) for an integer: caller checks 0 <= seed < 2**32 (NumPy raises
 * ValueError "Seed must be between 0 and 2**32 - 1"); only the low 32 bits are used. */
void ember_rt_random_seed(int64_t seed);
/* np.random.seed(list of uint32), NumPy's init_by_array: caller checks n >= 1 and every word in
 * range. NumPy squeezes an ndarray seed first, so an ndarray of size 1 takes ember_rt_random_seed
 * instead (seed(np.array([5])) == seed(5), but seed([5]) != seed(5)). */
void ember_rt_random_seed_array(const uint32_t *words, int64_t n);
/* np.random.seed() / seed(None): fresh OS entropy. */
void ember_rt_random_seed_entropy(void);

double ember_rt_random_gauss(void);                           /* standard_normal(), randn() */
/* randint(low, high) in [low, high): caller checks low < high (NumPy: "low >= high");
 * returns low when high <= low. */
int64_t ember_rt_random_randint(int64_t low, int64_t high);
/* uniform(low, high): caller checks that high - low is finite (NumPy: OverflowError). */
double ember_rt_random_uniform(double low, double high);
/* normal(loc, scale): caller checks scale >= 0 (NumPy: ValueError "scale < 0"). */
double ember_rt_random_normal(double loc, double scale);

/* Array forms (rand(n), randn(n), randint(low, high, n)): the same numbers, in the same
 * order, as n scalar calls; n <= 0 writes nothing. */
void ember_rt_random_fill_double(double *out, int64_t n);
void ember_rt_random_fill_gauss(double *out, int64_t n);
void ember_rt_random_fill_randint(int64_t *out, int64_t n, int64_t low, int64_t high);

/* randdist.c: the other distributions (typeinfer/rdist.def kinds), from a Generator's bitgen_t g
 * or (g NULL) the thread's legacy state; the *_check functions return NumPy's ValueError message
 * for bad parameters, or NULL, and the draws assume the check passed. */
const char *ember_rt_rdist_check(int32_t kind, int32_t gen, double a, double b, double c);
void ember_rt_rdist_fill(void *g, int32_t kind, double a, double b, double c, void *out, int64_t n);
int32_t ember_rt_rdist_fill_bcast(void *g, int32_t kind, int64_t nd, const int64_t *shape, const void *const *data,
                                  const int64_t *strides, const int32_t *codes, void *out, const char **msg);
void ember_rt_rdist_shuffle(void *g, char *data, int64_t ndim, const int64_t *shape, const int64_t *strides,
                            int64_t itemsize, int32_t always);
void ember_rt_rdist_permutation(void *g, int64_t *out, int64_t n);
const char *ember_rt_rdist_choice_check(int32_t gen, int64_t pop, int32_t a_int, int64_t n, int32_t replace,
                                        const char *p, int64_t np, int64_t pstride);
int32_t ember_rt_rdist_choice(void *g, int64_t pop, int64_t n, int32_t replace, const char *p, int64_t pstride,
                              int32_t shuffle, const char *a, int64_t stride, int64_t itemsize, char *out);
const char *ember_rt_rdist_dirichlet_check(int32_t gen, const char *alpha, int64_t k, int64_t stride);
int32_t ember_rt_rdist_dirichlet(void *g, const char *alpha, int64_t k, int64_t stride, double *out, int64_t rows);
const char *ember_rt_rdist_multinomial_check(int32_t gen, int64_t n, const char *p, int64_t d, int64_t stride);
void ember_rt_rdist_multinomial(void *g, int64_t n, const char *p, int64_t d, int64_t stride, int64_t *out,
                                int64_t rows);


/* Python's random module (the thread's second state): seed(n) (n's low 32 bits), seed() (OS
 * entropy), the state for the draws generated code makes itself (random(), uniform()),
 * gauss(mu, sigma) (also normalvariate); getrandbits(k) and randrange(start, stop, step) write
 * *out and return 0, or raise (k < 0 or k > 64; a zero step, an empty range) and return -1; so
 * does randint(a, b), which is randrange(a, b + 1, 1). */
void ember_rt_pyrandom_seed(int64_t seed);
void ember_rt_pyrandom_seed_entropy(void);
EmberRandomState *ember_rt_pyrandom_state(void);   /* seeded; the same pointer for the thread's lifetime */
double ember_rt_pyrandom_gauss(double mu, double sigma);
int32_t ember_rt_pyrandom_getrandbits(uint64_t *out, int64_t k);
int32_t ember_rt_pyrandom_randrange(int64_t *out, int64_t start, int64_t stop, int64_t step);
int32_t ember_rt_pyrandom_randint(int64_t *out, int64_t a, int64_t b);

#endif
