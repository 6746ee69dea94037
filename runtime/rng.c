/* rng.c: NumPy's np.random.Generator in compiled code.
 *
 * A Generator argument unboxes to its bit generator (the bitgen_t its BitGenerator's "capsule"
 * holds), and draws call NumPy's own distribution functions (libnpyrandom.a, which NumPy ships
 * for exactly this): the numbers are those the Generator's methods give for the same state, and
 * the state advances in the caller's object. NumPy's methods take the generator's lock around
 * each draw; compiled code does not (one Generator must not be drawn from by two threads at once).
 */
#include "rt.h"
#include <numpy/random/bitgen.h>
#include <numpy/random/distributions.h>
#include <string.h>

/* The bitgen_t of a numpy.random.Generator; 1 when o is not one. */
int rt_unbox_generator(PyObject *o, void *out) {
    if (strcmp(Py_TYPE(o)->tp_name, "numpy.random._generator.Generator")) return 1;
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

/* One draw of distribution `kind` (typeinfer/ti.h, RNG_*), parameters a and b. */
static double draw(bitgen_t *g, int32_t kind, double a, double b) {
    switch (kind) {
    case RNG_RANDOM: return random_standard_uniform(g);
    case RNG_STANDARD_NORMAL: return random_standard_normal(g);
    case RNG_NORMAL: return random_normal(g, a, b);
    case RNG_UNIFORM: return random_uniform(g, a, b - a);
    case RNG_EXPONENTIAL: return random_exponential(g, a);
    case RNG_STANDARD_EXPONENTIAL: return random_standard_exponential(g);
    default: return 0.0;
    }
}

double ember_rt_rng_draw(void *g, int32_t kind, double a, double b) { return draw(g, kind, a, b); }

void ember_rt_rng_fill(void *g, int32_t kind, double a, double b, double *out, int64_t n) {
    for (int64_t i = 0; i < n; i++) out[i] = draw(g, kind, a, b);
}

/* n integers in [lo, hi] (hi included), as Generator.integers draws int64s: Lemire's method
 * (not masked), one call for the whole array as NumPy makes it. */
void ember_rt_rng_integers(void *g, int64_t lo, int64_t hi, int64_t *out, int64_t n) {
    random_bounded_uint64_fill(g, (uint64_t)lo, (uint64_t)hi - (uint64_t)lo, (npy_intp)n, false, (uint64_t *)out);
}
