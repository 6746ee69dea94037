/* rdist.h: the distributions of rdist.def as kinds (RD_*), shared by typing (typeinfer/rdist.c),
 * lowering (codegen/lower_rdist.c) and the runtime (runtime/randdist.c). */
#ifndef EMBER_RDIST_H
#define EMBER_RDIST_H

#include <math.h>
#include <stdbool.h>
#include <stdint.h>

enum {
#define RD(id, name, isint, nreq, ints, params) RD_##id,
#include "rdist.def"
#undef RD
    RD_COUNT,
    /* The functions of np.random beyond those of rdist.def, typed and lowered by hand: */
    RD_CHOICE = RD_COUNT, RD_SHUFFLE, RD_PERMUTATION, RD_DIRICHLET, RD_MULTINOMIAL,
    RD_RANDOM_SAMPLE,   /* np.random.ranf / sample: aliases of random_sample */
    RD_END,
    /* np.random.normal and uniform (and the Generator methods), in ember_rt_rdist_fill_bcast only:
     * their scalar forms are lowered by codegen/lower_nplib.c and lower_rng.c */
    RD_NORMAL = RD_END, RD_UNIFORM
};
enum { RNG_DIST = 64 };   /* a Generator method of this table: CallInfo.builtin is RNG_DIST + its RD_* */

/* ---- parameter checks (numpy/random/_common.pyx check_constraint) ---------------------------- */

/* NumPy's largest Poisson mean: int64's largest value less ten of its square roots. */
static inline double rd_poisson_lam_max(void) { return (double)INT64_MAX - sqrt((double)INT64_MAX) * 10; }

static inline bool rd_negative(double v) { return !isnan(v) && signbit(v); }   /* -0.0 too, as NumPy */

/* The message of the first of NumPy's checks on (a, b, c) that fails, or NULL. gen: the
 * Generator method's checks rather than RandomState's. The runtime checks with it
 * (ember_rt_rdist_check), and lowering too, at compile time, when the parameters are constants. */
static inline const char *rd_check_params(int32_t kind, int32_t gen, double a, double b, double c) {
#define FAIL(cond, msg) \
    do {                \
        if (cond) return msg; \
    } while (0)
    switch (kind) {
    case RD_EXPONENTIAL: case RD_RAYLEIGH: FAIL(rd_negative(a), "scale < 0"); break;
    case RD_STD_GAMMA: FAIL(rd_negative(a), "shape < 0"); break;
    case RD_GAMMA:
        FAIL(rd_negative(a), "shape < 0");
        FAIL(rd_negative(b), "scale < 0");
        break;
    case RD_BETA:
        FAIL(a <= 0, "a <= 0");
        FAIL(b <= 0, "b <= 0");
        break;
    case RD_CHISQUARE: case RD_STD_T: FAIL(a <= 0, "df <= 0"); break;
    case RD_NONCENTRAL_CHISQUARE:
        FAIL(a <= 0, "df <= 0");
        FAIL(rd_negative(b), "nonc < 0");
        break;
    case RD_F: case RD_NONCENTRAL_F:
        FAIL(a <= 0, "dfnum <= 0");
        FAIL(b <= 0, "dfden <= 0");
        FAIL(kind == RD_NONCENTRAL_F && rd_negative(c), "nonc < 0");
        break;
    case RD_LAPLACE: case RD_LOGISTIC: case RD_GUMBEL: FAIL(rd_negative(b), "scale < 0"); break;
    case RD_LOGNORMAL: FAIL(rd_negative(b), "sigma < 0"); break;
    case RD_PARETO: case RD_POWER: FAIL(a <= 0, "a <= 0"); break;
    case RD_WEIBULL: FAIL(rd_negative(a), "a < 0"); break;
    case RD_TRIANGULAR:
        FAIL(a > b, "left > mode");
        FAIL(b > c, "mode > right");
        FAIL(a == c, "left == right");
        break;
    case RD_VONMISES: FAIL(rd_negative(b), "kappa < 0"); break;
    case RD_WALD:
        FAIL(a <= 0, "mean <= 0");
        FAIL(b <= 0, "scale <= 0");
        break;
    case RD_POISSON:
        FAIL(!(a >= 0), "lam < 0 or lam is NaN");
        FAIL(!(a <= rd_poisson_lam_max()), "lam value too large");
        break;
    case RD_BINOMIAL:
        FAIL(!(b >= 0) || !(b <= 1), "p < 0, p > 1 or p is NaN");
        FAIL(a < 0, "n < 0");
        break;
    case RD_NEGATIVE_BINOMIAL:
        if (!gen) {
            FAIL(a <= 0, "n <= 0");
            FAIL(!(b >= 0) || !(b <= 1), "p < 0, p > 1 or p is NaN");
            break;
        }
        FAIL(isnan(a), "n must not be NaN");
        FAIL(a <= 0, "n <= 0");
        FAIL(!(b > 0) || !(b <= 1), "p <= 0, p > 1 or p contains NaNs");
        FAIL((1 - b) / b * (a + 10 * sqrt(a)) > rd_poisson_lam_max(),
             "n too large or p too small, see Generator.negative_binomial Notes");
        break;
    case RD_GEOMETRIC: FAIL(!(a > 0) || !(a <= 1), "p <= 0, p > 1 or p contains NaNs"); break;
    case RD_HYPERGEOMETRIC:
        FAIL(gen && (a >= 1e9 || b >= 1e9), "both ngood and nbad must be less than 1000000000");
        FAIL(a + b < c, "ngood + nbad < nsample");
        FAIL(a < 0, "ngood < 0");
        FAIL(b < 0, "nbad < 0");
        FAIL(gen ? c < 0 : !(c >= 1), gen ? "nsample < 0" : "nsample < 1 or nsample is NaN");
        break;
    case RD_LOGSERIES: FAIL(!(a >= 0) || !(a < 1), "p < 0, p >= 1 or p is NaN"); break;
    case RD_ZIPF: FAIL(!(a > 1), "a <= 1 or a is NaN"); break;
    }
    return NULL;
#undef FAIL
}

#endif
