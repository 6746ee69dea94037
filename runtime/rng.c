/* rng.c: NumPy's np.random.Generator in compiled code.
 *
 * A Generator argument unboxes to its bit generator (the bitgen_t its BitGenerator's "capsule"
 * holds); draws are NumPy's own distribution functions (libnpyrandom.a, which NumPy ships for
 * exactly this), or the same computation inline in compiled code (codegen/lower_rng.c, with the
 * ziggurats below): the numbers are those the Generator's methods give for the same state, and
 * the state advances in the caller's object. NumPy's methods take the generator's lock around
 * each draw; compiled code does not (one Generator must not be drawn from by two threads at once).
 */
#include "rt.h"
#include <numpy/random/bitgen.h>
#include <numpy/random/distributions.h>
#include <pthread.h>
#include <string.h>

/* Generator.standard_normal and standard_exponential are Marsaglia and Tsang's ziggurats on 256
 * layers: one 64-bit word gives a layer (8 bits), a magnitude m (52 or 53 bits) and, for the
 * normal, a sign; when m < ki[layer] the draw is m * wi[layer], else a rarer path (the tail, the
 * wedge, or another word) runs. Compiled code runs that first test inline (codegen/lower_rng.c),
 * with the sign a select where NumPy's build branches on it (a coin flip: half its time), and
 * leaves the rest to ember_rt_rng_resume. The tables are NumPy's own, read from its functions
 * through a bit generator that answers chosen words (read_tables): no copy of them to drift
 * from the NumPy ember runs with. Until they are read they are zero, so that every draw takes
 * the resume path, which is NumPy's function: right, only slower. */
EmberZiggurat ember_rt_zig[2];

typedef struct {
    double (*draw)(bitgen_t *);
    int layer_at, m_at, m_bits;   /* where the layer and the magnitude lie in the word */
} Ziggurat;

static const Ziggurat zigs[2] = {{random_standard_normal, 0, 9, 52}, {random_standard_exponential, 3, 11, 53}};

typedef struct {
    bitgen_t b;
    uint64_t word, after;   /* what next_uint64 answers first, then */
    int doubles;            /* next_double calls: the draw left the fast path */
} Probe;

static uint64_t probe_u64(void *st) {
    Probe *p = st;
    uint64_t w = p->word;
    p->word = p->after;
    return w;
}
static uint32_t probe_u32(void *st) { return (uint32_t)probe_u64(st); }
static double probe_double(void *st) { return ((Probe *)st)->doubles++, 0.5; }   /* the tails accept it */
static uint64_t probe_raw(void *st) { return probe_u64(st); }

/* NumPy's draw from the single word of magnitude m in `layer`, and whether it took the fast
 * path. Later words are the top layer at magnitude 0, which every path accepts. */
static double probe(const Ziggurat *z, uint64_t m, int layer, bool *fast) {
    Probe p = {{&p, probe_u64, probe_u32, probe_double, probe_raw},
               m << z->m_at | (uint64_t)layer << z->layer_at, (uint64_t)255 << z->layer_at, 0};
    double x = z->draw(&p.b);
    *fast = p.doubles == 0;
    return x;
}

static void read_tables(void) {
    for (int which = 0; which < 2; which++) {
        const Ziggurat *z = &zigs[which];
        EmberZiggurat t;
        bool fast, ok = true;
        for (int k = 0; k < 256 && ok; k++) {
            uint64_t lo = 0, hi = (uint64_t)1 << z->m_bits;   /* the least magnitude not taken fast */
            while (lo < hi) {
                uint64_t mid = lo + (hi - lo) / 2;
                probe(z, mid, k, &fast);
                if (fast) lo = mid + 1; else hi = mid;
            }
            t.ki[k] = lo;
            t.wi[k] = probe(z, 1, k, &fast);   /* 1 * wi: taken fast, or accepted by the wedge */
            ok = t.wi[k] > 0;                   /* else not the algorithm above: keep the resume path */
        }
        if (!ok) continue;
        memcpy(ember_rt_zig[which].wi, t.wi, sizeof t.wi);   /* wi before ki: ki opens the fast path */
        __atomic_thread_fence(__ATOMIC_RELEASE);
        memcpy(ember_rt_zig[which].ki, t.ki, sizeof t.ki);
    }
}

typedef struct {
    bitgen_t b;
    bitgen_t *g;
    uint64_t word;
    bool replayed;
} Replay;

static uint64_t replay_u64(void *st) {
    Replay *r = st;
    if (!r->replayed) return r->replayed = true, r->word;
    return r->g->next_uint64(r->g->state);
}
static uint32_t replay_u32(void *st) { return ((Replay *)st)->g->next_uint32(((Replay *)st)->g->state); }
static double replay_double(void *st) { return ((Replay *)st)->g->next_double(((Replay *)st)->g->state); }
static uint64_t replay_raw(void *st) { return ((Replay *)st)->g->next_raw(((Replay *)st)->g->state); }

/* The draw of ziggurat `which` (0 normal, 1 exponential) NumPy makes when its first word is
 * `word` (already taken from g): NumPy's function, given that word again and then g's own. */
double ember_rt_rng_resume(void *g, uint64_t word, int32_t which) {
    Replay r = {{&r, replay_u64, replay_u32, replay_double, replay_raw}, g, word, false};
    return zigs[which].draw(&r.b);
}

/* The bitgen_t of a numpy.random.Generator; 1 when o is not one. */
int rt_unbox_generator(PyObject *o, void *out) {
    if (strcmp(Py_TYPE(o)->tp_name, "numpy.random._generator.Generator")) return 1;
    static pthread_once_t tables = PTHREAD_ONCE_INIT;
    pthread_once(&tables, read_tables);
    PyObject *bg = PyObject_GetAttrString(o, "bit_generator");
    PyObject *cap = bg ? PyObject_GetAttrString(bg, "capsule") : NULL;
    void *p = cap ? PyCapsule_GetPointer(cap, "BitGenerator") : NULL;
    Py_XDECREF(cap);
    Py_XDECREF(bg);
    if (!p) return -1;
    *(void **)out = p;
    return 0;
}

bool rt_is_generator(PyObject *o) { return !strcmp(Py_TYPE(o)->tp_name, "numpy.random._generator.Generator"); }

/* n integers in [lo, hi] (hi included), as Generator.integers draws int64s: Lemire's method
 * (not masked), one call for the whole array as NumPy makes it. */
void ember_rt_rng_integers(void *g, int64_t lo, int64_t hi, int64_t *out, int64_t n) {
    random_bounded_uint64_fill(g, (uint64_t)lo, (uint64_t)hi - (uint64_t)lo, (npy_intp)n, false, (uint64_t *)out);
}
