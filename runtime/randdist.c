/* randdist.c: the distributions of np.random and of Generator methods (typeinfer/rdist.def), with
 * NumPy's own numbers.
 *
 * Where the draws come from: a Generator argument's bit generator (the bitgen_t its capsule
 * holds), or, for the module-level np.random functions, the calling thread's legacy MT19937
 * state (runtime/random.c) dressed as a bitgen_t, so NumPy's distribution library
 * (libnpyrandom.a) can draw from it.
 *
 * Which algorithm: a Generator uses libnpyrandom's random_* functions throughout. NumPy's
 * RandomState (numpy/random/mtrand.pyx) keeps the algorithms of NumPy 1.16 for most
 * distributions (its "legacy" set: gamma, beta, exponential, chi-square, Student's t, the
 * normal-based ones, binomial, geometric, hypergeometric, zipf, logseries, von Mises, ...) and
 * calls the current random_* functions for laplace, gumbel, logistic, triangular and poisson.
 * The legacy algorithms are written here (lg_*), in NumPy's order of draws and of floating-point
 * operations, so the streams match bit for bit; they draw their normals through runtime/random.c,
 * whose cached second normal np.random.normal shares.
 *
 * Parameter checks are NumPy's (numpy/random/_common.pyx check_constraint), with its messages:
 * ember_rt_rdist_check returns the message of the first failing check, or NULL, and generated
 * code raises ValueError with it before drawing.
 *
 * Bit-exactness needs the expressions evaluated as written: no fused multiply-add.
 */
#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

#include "rt.h"
#include "random.h"
#include "rdist.h"
#include <math.h>
#include <pthread.h>
#include <numpy/random/bitgen.h>
#include <numpy/random/distributions.h>
#include <stdlib.h>
#include <string.h>

static const bool draws_int[RD_COUNT] = {
#define RD(id, name, isint, nreq, ints, params) [RD_##id] = isint,
#include "rdist.def"
#undef RD
};

/* ---- where the draws come from ----------------------------------------------------------- */

static uint64_t legacy_u64(void *st) { return ember_rt_random_next_u64(st); }
static uint32_t legacy_u32(void *st) { return ember_rt_random_next_u32(st); }
static double legacy_double(void *st) { return ember_rt_random_next_double(st); }
static uint64_t legacy_raw(void *st) { return ember_rt_random_next_u32(st); }

typedef struct Src {
    bitgen_t *bg;            /* what libnpyrandom draws from */
    EmberRandomState *st;    /* the legacy state (normals with its cache), NULL for a Generator */
    bitgen_t legacy;         /* bg for the legacy state */
} Src;

/* The binomial's constants for its last (n, p), as NumPy caches them in its Generator: kept per
 * thread, so that a scalar draw in a loop (s += rng.binomial(7, 0.2)) computes them once and
 * not at every call (3.2x numba's time). They depend on (n, p) alone, so the draws are the same. */
static _Thread_local binomial_t *binomial_p __attribute__((tls_model("initial-exec")));
static pthread_key_t binomial_key;
static pthread_once_t binomial_once = PTHREAD_ONCE_INIT;

static void binomial_key_make(void) { (void)pthread_key_create(&binomial_key, free); }

/* This thread's cache, on the heap (a large TLS block would take glibc's static TLS space: see
 * error.c's record); a fresh one for this call where no memory is left. */
static binomial_t *binomial_here(binomial_t *spare) {
    if (binomial_p) return binomial_p;
    binomial_t *b = rt_thread_block(&binomial_key, &binomial_once, binomial_key_make, sizeof *b);
    if (!b) {
        memset(spare, 0, sizeof *spare);
        return spare;
    }
    return binomial_p = b;
}

/* g: a Generator's bitgen_t, or NULL for the thread's legacy state. */
static void src_open(Src *s, void *g) {
    memset(s, 0, sizeof *s);
    if (g) {
        s->bg = g;
        return;
    }
    s->st = ember_rt_random_state();
    s->legacy = (bitgen_t){s->st, legacy_u64, legacy_u32, legacy_double, legacy_raw};
    s->bg = &s->legacy;
}

/* ---- NumPy's legacy algorithms (RandomState) ----------------------------------------------- */

static double lg_double(Src *s) { return ember_rt_random_next_double(s->st); }
static double lg_gauss(Src *s) { return ember_rt_random_next_gauss(s->st); }
static double lg_std_exponential(Src *s) { return -log(1.0 - lg_double(s)); }   /* U in [0, 1) */

/* Marsaglia and Tsang for shape > 1; below 1, the rejection of Ahrens and Dieter (GS). */
static double lg_std_gamma(Src *s, double shape) {
    if (shape == 1.0) return lg_std_exponential(s);
    if (shape == 0.0) return 0.0;
    if (shape < 1.0) {
        for (;;) {
            double u = lg_double(s);
            double v = lg_std_exponential(s);
            if (u <= 1.0 - shape) {
                double x = pow(u, 1. / shape);
                if (x <= v) return x;
            } else {
                double y = -log((1 - u) / shape);
                double x = pow(1.0 - shape + shape * y, 1. / shape);
                if (x <= v + y) return x;
            }
        }
    }
    double b = shape - 1. / 3., c = 1. / sqrt(9 * b);
    for (;;) {
        double x, v;
        do {
            x = lg_gauss(s);
            v = 1.0 + c * x;
        } while (v <= 0.0);
        v = v * v * v;
        double u = lg_double(s);
        if (u < 1.0 - 0.0331 * (x * x) * (x * x)) return b * v;
        if (log(u) < 0.5 * x * x + b * (1. - v + log(v))) return b * v;
    }
}

static double lg_chisquare(Src *s, double df) { return 2.0 * lg_std_gamma(s, df / 2.0); }

static double lg_noncentral_chisquare(Src *s, double df, double nonc) {
    if (nonc == 0) return lg_chisquare(s, df);
    if (1 < df) {
        double chi2 = lg_chisquare(s, df - 1);
        double n = lg_gauss(s) + sqrt(nonc);
        return chi2 + n * n;
    }
    int64_t i = random_poisson(s->bg, nonc / 2.0);
    double out = lg_chisquare(s, df + 2 * i);
    return isnan(nonc) ? NAN : out;   /* after the draws, so the stream is NumPy's */
}

static double lg_f(Src *s, double dfnum, double dfden) {
    double num = lg_chisquare(s, dfnum) * dfden;
    return num / (lg_chisquare(s, dfden) * dfnum);
}

/* Johnk's algorithm when both parameters are at most 1, else the ratio of two gammas. */
static double lg_beta(Src *s, double a, double b) {
    if (a <= 1.0 && b <= 1.0) {
        for (;;) {
            double u = lg_double(s), v = lg_double(s);
            double x = pow(u, 1.0 / a), y = pow(v, 1.0 / b);
            if (x + y > 1.0) continue;
            if (x + y > 0) return x / (x + y);
            double lx = log(u) / a, ly = log(v) / b;   /* both underflowed: in logarithms */
            double lm = lx > ly ? lx : ly;
            lx -= lm;
            ly -= lm;
            return exp(lx - log(exp(lx) + exp(ly)));
        }
    }
    double ga = lg_std_gamma(s, a);
    double gb = lg_std_gamma(s, b);
    return ga / (ga + gb);
}

static double lg_std_t(Src *s, double df) {
    double num = lg_gauss(s);
    double denom = lg_std_gamma(s, df / 2);
    return sqrt(df / 2) * num / sqrt(denom);
}

static double lg_wald(Src *s, double mean, double scale) {
    double mu_2l = mean / (2 * scale);
    double y = lg_gauss(s);
    y = mean * y * y;
    double x = mean + mu_2l * (y - sqrt(4 * scale * y + y * y));
    double u = lg_double(s);
    return u <= mean / (mean + x) ? x : mean * mean / x;
}

/* Best and Fisher's rejection on the wrapped Cauchy, the result folded into [-pi, pi). */
static double lg_vonmises(Src *s, double mu, double kappa) {
    if (isnan(kappa)) return NAN;
    if (kappa < 1e-8) return M_PI * (2 * lg_double(s) - 1);
    double r_, rho, sv;
    if (kappa < 1e-5) {
        sv = 1. / kappa + kappa;   /* second-order expansion at 0 */
    } else {
        r_ = 1 + sqrt(1 + 4 * kappa * kappa);
        rho = (r_ - sqrt(2 * r_)) / (2 * kappa);
        sv = (1 + rho * rho) / (2 * rho);
    }
    double w;
    for (;;) {
        double u = lg_double(s);
        double z = cos(M_PI * u);
        w = (1 + sv * z) / (sv + z);
        double y = kappa * (sv - w);
        double v = lg_double(s);
        if (y * (2 - y) - v >= 0 || log(y / v) + 1 - y >= 0) break;
    }
    double u = lg_double(s);
    double result = acos(w);
    if (u < 0.5) result = -result;
    result += mu;
    bool neg = result < 0;
    double mod = fmod(fabs(result) + M_PI, 2 * M_PI) - M_PI;
    return neg ? -mod : mod;
}

/* Binomial by inversion (small n*p): walk the probabilities from 0, redrawing past the bound. */
static int64_t lg_binomial_inversion(Src *s, int64_t n, double p) {
    double q = 1.0 - p, qn = exp(n * log(q)), np = n * p;
    double cap = np + 10.0 * sqrt(np * q + 1);
    int64_t bound = (int64_t)(n < cap ? n : cap);
    int64_t x = 0;
    double px = qn, u = lg_double(s);
    while (u > px) {
        x++;
        if (x > bound) {
            x = 0;
            px = qn;
            u = lg_double(s);
        } else {
            u -= px;
            px = ((n - x + 1) * p * px) / (x * q);
        }
    }
    return x;
}

/* One Stirling-series correction term of BTPE's final test. */
static double stirling(double t) {
    double t2 = t * t;
    return (13680. - (462. - (132. - (99. - 140. / t2) / t2) / t2) / t2) / t / 166320.;
}

/* Kachitvichyanukul and Schmeiser's BTPE (p <= 0.5, n*p > 30), as NumPy 1.16 has it: the
 * triangle, parallelogram and two exponential tails, then the squeeze and the final test (whose
 * last two Stirling terms NumPy adds where the paper subtracts them; kept for the stream). */
static int64_t lg_binomial_btpe(Src *s, int64_t n, double p) {
    double r = p < 1.0 - p ? p : 1.0 - p, q = 1.0 - r;
    double fm = n * r + r;
    int64_t m = (int64_t)floor(fm);
    double p1 = floor(2.195 * sqrt(n * r * q) - 4.6 * q) + 0.5;
    double xm = m + 0.5, xl = xm - p1, xr = xm + p1;
    double c = 0.134 + 20.5 / (15.3 + m);
    double a = (fm - xl) / (fm - xl * r);
    double laml = a * (1.0 + a / 2.0);
    a = (xr - fm) / (xr * q);
    double lamr = a * (1.0 + a / 2.0);
    double p2 = p1 * (1.0 + 2.0 * c), p3 = p2 + c / laml, p4 = p3 + c / lamr;
    int64_t y;
    for (;;) {
        double nrq = n * r * q;
        double u = lg_double(s) * p4, v = lg_double(s);
        if (u <= p1) {   /* the triangle: accepted at once */
            y = (int64_t)floor(xm - p1 * v + u);
            break;
        }
        if (u <= p2) {   /* the parallelogram */
            double x = xl + (u - p1) / c;
            v = v * c + 1.0 - fabs(m - x + 0.5) / p1;
            if (v > 1.0) continue;
            y = (int64_t)floor(x);
        } else if (u <= p3) {   /* the left tail */
            y = (int64_t)floor(xl + log(v) / laml);
            if (y < 0 || v == 0.0) continue;
            v = v * (u - p2) * laml;
        } else {   /* the right tail */
            y = (int64_t)floor(xr - log(v) / lamr);
            if (y > n || v == 0.0) continue;
            v = v * (u - p3) * lamr;
        }
        int64_t k = llabs(y - m);
        if (!(k > 20 && k < nrq / 2.0 - 1)) {   /* near the mode: the exact ratio of probabilities */
            double sr = r / q, as = sr * (n + 1), f = 1.0;
            if (m < y) {
                for (int64_t i = m + 1; i <= y; i++) f *= (as / i - sr);
            } else if (m > y) {
                for (int64_t i = y + 1; i <= m; i++) f /= (as / i - sr);
            }
            if (v > f) continue;
            break;
        }
        double rho = (k / nrq) * ((k * (k / 3.0 + 0.625) + 0.16666666666666666) / nrq + 0.5);
        double t = -k * k / (2 * nrq);
        double al = log(v);
        if (al < t - rho) break;
        if (al > t + rho) continue;
        double x1 = (double)y + 1, f1 = (double)m + 1, z = (double)n + 1 - (double)m, w = (double)n - (double)y + 1;
        double bound = xm * log(f1 / x1) + (n - m + 0.5) * log(z / w) + (y - m) * log(w * r / (x1 * q)) +
                       stirling(f1) + stirling(z) + stirling(x1) + stirling(w);
        if (al > bound) continue;
        break;
    }
    return p > 0.5 ? n - y : y;
}

static int64_t lg_binomial(Src *s, int64_t n, double p) {
    if (p <= 0.5) return p * n <= 30.0 ? lg_binomial_inversion(s, n, p) : lg_binomial_btpe(s, n, p);
    double q = 1.0 - p;
    return n - (q * n <= 30.0 ? lg_binomial_inversion(s, n, q) : lg_binomial_btpe(s, n, q));
}

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }
static int64_t max64(int64_t a, int64_t b) { return a > b ? a : b; }

/* Hypergeometric for small samples: draw the sample item by item (the HYP algorithm). */
static int64_t lg_hypergeometric_hyp(Src *s, int64_t good, int64_t bad, int64_t sample) {
    int64_t d1 = bad + good - sample;
    double d2 = (double)min64(bad, good), y = d2;
    for (int64_t k = sample; y > 0.0;) {
        double u = lg_double(s);
        y -= (int64_t)floor(u + y / (d1 + k));
        if (--k == 0) break;
    }
    int64_t z = (int64_t)(d2 - y);
    return good > bad ? sample - z : z;
}

/* Hypergeometric for larger samples: Stadlober's ratio-of-uniforms (HRUA), with Frohne's fixes. */
static int64_t lg_hypergeometric_hrua(Src *s, int64_t good, int64_t bad, int64_t sample) {
    const double D1 = 1.7155277699214135, D2 = 0.8989161620588988;   /* 2 sqrt(2/e), 3 - 2 sqrt(3/e) */
    int64_t mingb = min64(good, bad), maxgb = max64(good, bad), pop = good + bad;
    int64_t m = min64(sample, pop - sample);
    double d4 = ((double)mingb) / pop, d5 = 1.0 - d4;
    double d6 = m * d4 + 0.5;
    double d7 = sqrt((double)(pop - m) * sample * d4 * d5 / (pop - 1) + 0.5);
    double d8 = D1 * d7 + D2;
    int64_t d9 = (int64_t)floor((double)(m + 1) * (mingb + 1) / (pop + 2));
    double d10 = random_loggam(d9 + 1) + random_loggam(mingb - d9 + 1) + random_loggam(m - d9 + 1) +
                 random_loggam(maxgb - m + d9 + 1);
    double lim = fmin(fmin(m, mingb) + 1.0, floor(d6 + 16 * d7));
    int64_t z;
    for (;;) {
        double x = lg_double(s), y = lg_double(s);
        double w = d6 + d8 * (y - 0.5) / x;
        if (w < 0.0 || w >= lim) continue;
        z = (int64_t)floor(w);
        double t = d10 - (random_loggam(z + 1) + random_loggam(mingb - z + 1) + random_loggam(m - z + 1) +
                          random_loggam(maxgb - m + z + 1));
        if (x * (4.0 - x) - 3.0 <= t) break;
        if (x * (x - t) >= 1) continue;
        if (2.0 * log(x) <= t) break;
    }
    if (good > bad) z = m - z;
    if (m < sample) z = good - z;
    return z;
}

static int64_t lg_hypergeometric(Src *s, int64_t good, int64_t bad, int64_t sample) {
    if (sample > 10) return lg_hypergeometric_hrua(s, good, bad, sample);
    return sample > 0 ? lg_hypergeometric_hyp(s, good, bad, sample) : 0;
}

/* Rejection from the Pareto envelope (Devroye), truncated to int64. */
static int64_t lg_zipf(Src *s, double a) {
    double am1 = a - 1.0, b = pow(2.0, am1);
    for (;;) {
        double u = 1.0 - lg_double(s), v = lg_double(s);
        double x = floor(pow(u, -1.0 / am1));
        if (x > (double)INT64_MAX || x < 1.0) continue;
        double t = pow(1.0 + 1.0 / x, am1);
        if (v * x * (t - 1.0) / (b - 1.0) <= t / b) return (int64_t)x;
    }
}

static int64_t lg_geometric(Src *s, double p) {
    if (p >= 0.333333333333333333333333) return random_geometric_search(s->bg, p);
    return (int64_t)ceil(log1p(-lg_double(s)) / log(1 - p));
}

/* Kemp's second accelerated generator (LK). */
static int64_t lg_logseries(Src *s, double p) {
    double r = log(1.0 - p);
    for (;;) {
        double v = lg_double(s);
        if (v >= p) return 1;
        double u = lg_double(s);
        double q = 1.0 - exp(r * u);
        if (v <= q * q) {
            int64_t result = (int64_t)floor(1 + log(v) / log(q));
            if (result < 1 || v == 0.0) continue;
            return result;
        }
        return v >= q ? 1 : 2;
    }
}

/* ---- one draw ------------------------------------------------------------------------------ */

static double legacy_real(Src *s, int kind, double a, double b, double c) {
    switch (kind) {
    case RD_STD_EXPONENTIAL: return lg_std_exponential(s);
    case RD_EXPONENTIAL: return a * lg_std_exponential(s);
    case RD_STD_GAMMA: return lg_std_gamma(s, a);
    case RD_GAMMA: return b * lg_std_gamma(s, a);
    case RD_BETA: return lg_beta(s, a, b);
    case RD_CHISQUARE: return lg_chisquare(s, a);
    case RD_NONCENTRAL_CHISQUARE: return lg_noncentral_chisquare(s, a, b);
    case RD_F: return lg_f(s, a, b);
    case RD_NONCENTRAL_F: {
        double t = lg_noncentral_chisquare(s, a, c) * b;
        return t / (lg_chisquare(s, b) * a);
    }
    case RD_LAPLACE: return random_laplace(s->bg, a, b);
    case RD_LOGISTIC: return random_logistic(s->bg, a, b);
    case RD_GUMBEL: return random_gumbel(s->bg, a, b);
    case RD_LOGNORMAL: return exp(a + b * lg_gauss(s));
    case RD_PARETO: return exp(lg_std_exponential(s) / a) - 1;
    case RD_POWER: return pow(1 - exp(-lg_std_exponential(s)), 1. / a);
    case RD_WEIBULL: return a == 0.0 ? 0.0 : pow(lg_std_exponential(s), 1. / a);
    case RD_RAYLEIGH: return a * sqrt(-2.0 * log1p(-lg_double(s)));
    case RD_STD_CAUCHY: {
        double num = lg_gauss(s);
        return num / lg_gauss(s);
    }
    case RD_STD_T: return lg_std_t(s, a);
    case RD_TRIANGULAR: return random_triangular(s->bg, a, b, c);
    case RD_VONMISES: return lg_vonmises(s, a, b);
    case RD_WALD: return lg_wald(s, a, b);
    }
    return 0.0;
}

static int64_t legacy_int(Src *s, int kind, double a, double b, double c) {
    switch (kind) {
    case RD_POISSON: return random_poisson(s->bg, a);
    case RD_BINOMIAL: return lg_binomial(s, (int64_t)a, b);
    case RD_NEGATIVE_BINOMIAL: return random_poisson(s->bg, (1 - b) / b * lg_std_gamma(s, a));
    case RD_GEOMETRIC: return lg_geometric(s, a);
    case RD_HYPERGEOMETRIC: return lg_hypergeometric(s, (int64_t)a, (int64_t)b, (int64_t)c);
    case RD_LOGSERIES: return lg_logseries(s, a);
    case RD_ZIPF: return lg_zipf(s, a);
    }
    return 0;
}

static double generator_real(Src *s, int kind, double a, double b, double c) {
    bitgen_t *g = s->bg;
    switch (kind) {
    case RD_STD_EXPONENTIAL: return random_standard_exponential(g);
    case RD_EXPONENTIAL: return random_exponential(g, a);
    case RD_STD_GAMMA: return random_standard_gamma(g, a);
    case RD_GAMMA: return random_gamma(g, a, b);
    case RD_BETA: return random_beta(g, a, b);
    case RD_CHISQUARE: return random_chisquare(g, a);
    case RD_NONCENTRAL_CHISQUARE: return random_noncentral_chisquare(g, a, b);
    case RD_F: return random_f(g, a, b);
    case RD_NONCENTRAL_F: return random_noncentral_f(g, a, b, c);
    case RD_LAPLACE: return random_laplace(g, a, b);
    case RD_LOGISTIC: return random_logistic(g, a, b);
    case RD_GUMBEL: return random_gumbel(g, a, b);
    case RD_LOGNORMAL: return random_lognormal(g, a, b);
    case RD_PARETO: return random_pareto(g, a);
    case RD_POWER: return random_power(g, a);
    case RD_WEIBULL: return random_weibull(g, a);
    case RD_RAYLEIGH: return random_rayleigh(g, a);
    case RD_STD_CAUCHY: return random_standard_cauchy(g);
    case RD_STD_T: return random_standard_t(g, a);
    case RD_TRIANGULAR: return random_triangular(g, a, b, c);
    case RD_VONMISES: return random_vonmises(g, a, b);
    case RD_WALD: return random_wald(g, a, b);
    }
    return 0.0;
}

static int64_t generator_int(Src *s, int kind, double a, double b, double c) {
    bitgen_t *g = s->bg;
    switch (kind) {
    case RD_POISSON: return random_poisson(g, a);
    case RD_BINOMIAL: {
        binomial_t spare;
        return random_binomial(g, b, (int64_t)a, binomial_here(&spare));
    }
    case RD_NEGATIVE_BINOMIAL: return random_negative_binomial(g, a, b);
    case RD_GEOMETRIC: return random_geometric(g, a);
    case RD_HYPERGEOMETRIC: return random_hypergeometric(g, (int64_t)a, (int64_t)b, (int64_t)c);
    case RD_LOGSERIES: return random_logseries(g, a);
    case RD_ZIPF: return random_zipf(g, a);
    }
    return 0;
}

/* n draws of distribution kind (RD_*) into out (double or int64, as rdist.def says), from
 * Generator g's bit generator or (g NULL) the thread's legacy state. Parameters are checked. */
void ember_rt_rdist_fill(void *g, int32_t kind, double a, double b, double c, void *out, int64_t n) {
    Src s;
    src_open(&s, g);
    if (kind < 0 || kind >= RD_COUNT) return;
    if (draws_int[kind]) {
        int64_t *o = out;
        for (int64_t i = 0; i < n; i++) o[i] = g ? generator_int(&s, kind, a, b, c) : legacy_int(&s, kind, a, b, c);
    } else {
        double *o = out;
        for (int64_t i = 0; i < n; i++) o[i] = g ? generator_real(&s, kind, a, b, c) : legacy_real(&s, kind, a, b, c);
    }
}

/* ---- parameter checks (numpy/random/_common.pyx check_constraint) ---------------------------- */

const char *ember_rt_rdist_check(int32_t kind, int32_t gen, double a, double b, double c) {
    return rd_check_params(kind, gen, a, b, c);
}

/* ---- array parameters (ember/_nprandom.py: ember._rdist.fill) -------------------------------- */

/* NumPy's message for a bad element of an array parameter: its scalar check's, but "contains
 * NaNs" for "is NaN", and poisson's array check of lam (not <= its maximum) names a NaN lam "too
 * large". first: the element's first parameter. */
static const char *array_message(const char *m, double first) {
    static const char *const forms[][2] = {
        {"lam < 0 or lam is NaN", "lam < 0 or lam contains NaNs"},
        {"p < 0, p > 1 or p is NaN", "p < 0, p > 1 or p contains NaNs"},
        {"nsample < 1 or nsample is NaN", "nsample < 1 or nsample contains NaNs"},
        {"p < 0, p >= 1 or p is NaN", "p < 0, p >= 1 or p contains NaNs"},
        {"a <= 1 or a is NaN", "a <= 1 or a contains NaNs"},
    };
    if (!strcmp(m, forms[0][0]) && isnan(first)) return "lam value too large";
    for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
        if (!strcmp(m, forms[i][0])) return forms[i][1];
    return m;
}

/* An element of dtype code (kind << 8 | itemsize: 'f', 'i', 'u', 'b') as a double. */
static double read_param(const char *p, int32_t code) {
    switch (code) {
    case 'f' << 8 | 8: { double v; memcpy(&v, p, 8); return v; }
    case 'f' << 8 | 4: { float v; memcpy(&v, p, 4); return v; }
    case 'i' << 8 | 8: { int64_t v; memcpy(&v, p, 8); return (double)v; }
    case 'i' << 8 | 4: { int32_t v; memcpy(&v, p, 4); return v; }
    case 'i' << 8 | 2: { int16_t v; memcpy(&v, p, 2); return v; }
    case 'i' << 8 | 1: return (int8_t)*p;
    case 'u' << 8 | 8: { uint64_t v; memcpy(&v, p, 8); return (double)v; }
    case 'u' << 8 | 4: { uint32_t v; memcpy(&v, p, 4); return v; }
    case 'u' << 8 | 2: { uint16_t v; memcpy(&v, p, 2); return v; }
    default: return (uint8_t)*p;   /* 'u' 1, 'b' 1 */
    }
}

/* The three parameters' walk over out's shape in C order, a row (the last dimension) at a time:
 * each parameter's element pointer moves by its strides (0 along broadcast dimensions and for a
 * scalar). */
typedef struct Walk {
    int64_t nd, rows, inner, idx[64];
    const int64_t *shape, *strides;   /* strides: 3 x nd */
    const char *row[3];               /* the parameters' first elements in this row */
    int64_t step[3];                  /* their strides along the row */
    const int32_t *codes;
} Walk;

static void walk_open(Walk *w, int64_t nd, const int64_t *shape, const void *const *data, const int64_t *strides,
                      const int32_t *codes) {
    w->nd = nd;
    w->shape = shape;
    w->strides = strides;
    w->codes = codes;
    w->inner = nd ? shape[nd - 1] : 1;
    w->rows = w->inner ? 1 : 0;
    for (int64_t d = 0; d + 1 < nd; d++) {
        w->rows *= shape[d];
        w->idx[d] = 0;
    }
    for (int k = 0; k < 3; k++) {
        w->row[k] = data[k];
        w->step[k] = nd ? strides[k * nd + nd - 1] : 0;
    }
}

static void walk_next_row(Walk *w) {
    for (int64_t d = w->nd - 2; d >= 0; d--) {
        for (int k = 0; k < 3; k++) w->row[k] += w->strides[k * w->nd + d];
        if (++w->idx[d] < w->shape[d]) return;
        for (int k = 0; k < 3; k++) w->row[k] -= w->strides[k * w->nd + d] * w->shape[d];
        w->idx[d] = 0;
    }
}

/* parameter k of element j of the row: float64 (and every scalar) read directly */
static inline double walk_param(const Walk *w, int k, int64_t j) {
    const char *p = w->row[k] + j * w->step[k];
    if (w->codes[k] == ('f' << 8 | 8)) {
        double v;
        memcpy(&v, p, 8);
        return v;
    }
    return read_param(p, w->codes[k]);
}

/* for each element, in C order: a, b, c its parameters and i its place in out */
#define WALK_EACH(w, i, a, b, c)                                                           \
    for (int64_t r_ = 0, i = 0; r_ < (w).rows; r_++, walk_next_row(&(w)))                \
        for (int64_t j_ = 0; j_ < (w).inner && ((a = walk_param(&(w), 0, j_)), (b = walk_param(&(w), 1, j_)), \
                                                (c = walk_param(&(w), 2, j_)), 1); j_++, i++)

/* The check of element (a, b, c) of kind (rdist.def's, RD_NORMAL or RD_UNIFORM): NumPy's message
 * or NULL; *overflow when it is an OverflowError's. */
static const char *check_one(int32_t kind, int32_t gen, double a, double b, double c, bool *overflow) {
    if (kind == RD_NORMAL) return rd_negative(b) ? "scale < 0" : NULL;
    if (kind == RD_UNIFORM) {
        *overflow = true;
        if (!(fabs(b - a) < INFINITY)) return gen ? "high - low range exceeds valid bounds" : "Range exceeds valid bounds";
        return NULL;
    }
    const char *m = rd_check_params(kind, gen, a, b, c);
    return m ? array_message(m, a) : NULL;
}

/* out (C order, nd dimensions of shape) filled with draws of kind, element i's parameters at
 * data[k] + the strides (3 x nd; dtype codes[k], read_param's) of its position. Every element
 * is checked first, as NumPy does before its first draw: 0 when all pass, else *msg is the first
 * bad element's message and the result 1 for ValueError, 2 for OverflowError. */
int32_t ember_rt_rdist_fill_bcast(void *g, int32_t kind, int64_t nd, const int64_t *shape, const void *const *data,
                                  const int64_t *strides, const int32_t *codes, void *out, const char **msg) {
    if (nd > 64) return 0;   /* ember arrays have at most 32 dimensions */
    Walk w;
    double a, b, c;
    walk_open(&w, nd, shape, data, strides, codes);
    WALK_EACH(w, i, a, b, c) {
        bool overflow = false;
        const char *m = check_one(kind, g != NULL, a, b, c, &overflow);
        if (m) {
            *msg = m;
            return overflow ? 2 : 1;
        }
    }
    Src s;
    src_open(&s, g);
    walk_open(&w, nd, shape, data, strides, codes);
    double *of = out;
    int64_t *oi = out;
    switch (kind) {   /* normal and uniform apart: no per-element switch */
    case RD_NORMAL:
        if (g) WALK_EACH(w, i, a, b, c) of[i] = random_normal(s.bg, a, b);
        else WALK_EACH(w, i, a, b, c) of[i] = a + b * lg_gauss(&s);
        break;
    case RD_UNIFORM:
        if (g) WALK_EACH(w, i, a, b, c) of[i] = random_uniform(s.bg, a, b - a);
        else WALK_EACH(w, i, a, b, c) of[i] = a + (b - a) * lg_double(&s);
        break;
    default:
        if (draws_int[kind] && g) WALK_EACH(w, i, a, b, c) oi[i] = generator_int(&s, kind, a, b, c);
        else if (draws_int[kind]) WALK_EACH(w, i, a, b, c) oi[i] = legacy_int(&s, kind, a, b, c);
        else if (g) WALK_EACH(w, i, a, b, c) of[i] = generator_real(&s, kind, a, b, c);
        else WALK_EACH(w, i, a, b, c) of[i] = legacy_real(&s, kind, a, b, c);
    }
    return 0;
}

/* ---- shuffle, permutation, choice ------------------------------------------------------------ */

/* Swap two sub-arrays of ndim dimensions (shape, strides) item by item. */
static void swap_rows(char *x, char *y, int64_t ndim, const int64_t *shape, const int64_t *strides, int64_t itemsize) {
    if (ndim == 0) {
        char buf[64];
        for (int64_t o = 0; o < itemsize; o += (int64_t)sizeof buf) {
            size_t k = (size_t)(itemsize - o < (int64_t)sizeof buf ? itemsize - o : (int64_t)sizeof buf);
            memcpy(buf, x + o, k);
            memcpy(x + o, y + o, k);
            memcpy(y + o, buf, k);
        }
        return;
    }
    for (int64_t i = 0; i < shape[0]; i++)
        swap_rows(x + i * strides[0], y + i * strides[0], ndim - 1, shape + 1, strides + 1, itemsize);
}

/* shuffle(x) along axis 0, as both RandomState and Generator do it: for i from n - 1 down to 1,
 * swap row i with row random_interval(i). An empty array draws nothing, unless `always` (then
 * only no rows draws nothing: permutation shuffles the row numbers of an array). */
void ember_rt_rdist_shuffle(void *g, char *data, int64_t ndim, const int64_t *shape, const int64_t *strides,
                            int64_t itemsize, int32_t always) {
    for (int64_t k = 1; k < ndim && !always; k++)
        if (shape[k] == 0) return;
    if (ndim == 0 || shape[0] == 0) return;
    if (!g && ndim == 1) {   /* the legacy state's draws inline, typed swaps (random.c) */
        rt_random_shuffle_items(data, shape[0], strides[0], itemsize);
        return;
    }
    Src s;
    src_open(&s, g);
    for (int64_t i = shape[0] - 1; i > 0; i--) {
        int64_t j = (int64_t)random_interval(s.bg, (uint64_t)i);
        if (i != j) swap_rows(data + i * strides[0], data + j * strides[0], ndim - 1, shape + 1, strides + 1, itemsize);
    }
}

/* permutation(n): range(n) shuffled. */
void ember_rt_rdist_permutation(void *g, int64_t *out, int64_t n) {
    for (int64_t i = 0; i < n; i++) out[i] = i;
    int64_t stride = 8;
    ember_rt_rdist_shuffle(g, (char *)out, 1, &n, &stride, 8, 0);
}

/* NumPy's Kahan sum of p[0..n) (stride in bytes). */
static double kahan_sum(const char *p, int64_t n, int64_t stride) {
    if (n <= 0) return 0.0;
    double sum = *(const double *)p, c = 0.0;
    for (int64_t i = 1; i < n; i++) {
        double y = *(const double *)(p + i * stride) - c;
        double t = sum + y;
        c = (t - sum) - y;
        sum = t;
    }
    return sum;
}

/* The message of choice's first failing check, or NULL: RandomState.choice's, or (gen)
 * Generator.choice's, whose messages differ. pop: the population (a, or len(a)); a_int: a was an
 * int; n: how many draws (1 for one); p: NULL or np entries of stride pstride. */
const char *ember_rt_rdist_choice_check(int32_t gen, int64_t pop, int32_t a_int, int64_t n, int32_t replace,
                                        const char *p, int64_t np, int64_t pstride) {
    if (a_int && pop <= 0 && n != 0)
        return gen ? "a must be a positive integer unless no samples are taken"
                   : "a must be greater than 0 unless no samples are taken";
    if (!a_int && pop == 0 && n != 0)
        return gen ? "a cannot be empty unless no samples are taken" : "'a' cannot be empty unless no samples are taken";
    if (p) {
        if (np != pop) return gen ? "a and p must have same size" : "'a' and 'p' must have same size";
        double sum = kahan_sum(p, np, pstride);
        if (isnan(sum)) return gen ? "Probabilities contain NaN" : "probabilities contain NaN";
        for (int64_t i = 0; i < np; i++)
            if (*(const double *)(p + i * pstride) < 0)
                return gen ? "Probabilities are not non-negative" : "probabilities are not non-negative";
        if (fabs(sum - 1.) > 1.4901161193847656e-08)   /* sqrt(eps) */
            return gen ? "Probabilities do not sum to 1. See Notes section of docstring for more information."
                       : "probabilities do not sum to 1";
    }
    if (!replace) {
        if (n > pop)
            return gen ? "Cannot take a larger sample than population when replace is False"
                       : "Cannot take a larger sample than population when 'replace=False'";
        if (p) {
            int64_t nonzero = 0;
            for (int64_t i = 0; i < np; i++) nonzero += *(const double *)(p + i * pstride) > 0;
            if (nonzero < n) return "Fewer non-zero entries in p than size";
        }
    }
    return NULL;
}

/* cdf = cumsum(p) / its last entry, as NumPy computes it; the first index whose cdf exceeds u. */
static void make_cdf(double *cdf, const double *p, int64_t np) {
    double acc = 0.0;
    for (int64_t i = 0; i < np; i++) cdf[i] = acc += p[i];
    double last = cdf[np - 1];
    for (int64_t i = 0; i < np; i++) cdf[i] /= last;
}

static int64_t search_right(const double *cdf, int64_t np, double u) {
    int64_t lo = 0, hi = np;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if (cdf[mid] <= u) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

static void uniforms(Src *s, double *u, int64_t n) {
    if (s->st) ember_rt_random_fill_double(u, n);
    else random_standard_uniform_fill(s->bg, n, u);
}

/* Generator's shuffle of data[first..n) for int64s: Lemire's bounded draws (not random_interval). */
static void shuffle_int(Src *s, int64_t *data, int64_t n, int64_t first) {
    for (int64_t i = n - 1; i >= first; i--) {
        int64_t j = (int64_t)random_bounded_uint64(s->bg, 0, (uint64_t)i, 0, false);
        int64_t t = data[j];
        data[j] = data[i];
        data[i] = t;
    }
}

/* Generator.choice without replacement or p: n distinct values of range(pop). A large share of a
 * large population: the tail of a partial shuffle of range(pop); else Floyd's algorithm (for j
 * from pop - n up, draw v in [0, j], take v unless taken already, then j), then a shuffle. */
static int32_t gen_sample(Src *s, int64_t pop, int64_t n, int32_t shuffle, int64_t *idx) {
    if (pop > 10000 && n > pop / (shuffle ? 50 : 20)) {
        int64_t *all = malloc((size_t)pop * sizeof *all);
        if (!all) return -1;
        for (int64_t i = 0; i < pop; i++) all[i] = i;
        shuffle_int(s, all, pop, pop - n > 1 ? pop - n : 1);
        memcpy(idx, all + (pop - n), (size_t)n * sizeof *idx);
        free(all);
        return 0;
    }
    uint64_t cap = 1;
    while (cap < 2 * (uint64_t)n) cap <<= 1;
    uint64_t *taken = calloc(cap, sizeof *taken);   /* open addressing of value + 1; 0 is empty */
    if (!taken) return -1;
    for (int64_t j = pop - n; j < pop; j++) {
        uint64_t v = random_bounded_uint64(s->bg, 0, (uint64_t)j, 0, false), slot = v & (cap - 1);
        while (taken[slot] && taken[slot] != v + 1) slot = (slot + 1) & (cap - 1);
        if (taken[slot]) {   /* v was taken: j is not yet (every earlier pick is below j) */
            v = (uint64_t)j;
            for (slot = v & (cap - 1); taken[slot]; slot = (slot + 1) & (cap - 1)) {}
        }
        taken[slot] = v + 1;
        idx[j - (pop - n)] = (int64_t)v;
    }
    free(taken);
    if (shuffle) shuffle_int(s, idx, n, 1);
    return 0;
}

/* choice's n indices into range(pop), after ember_rt_rdist_choice_check passed, drawn as
 * RandomState.choice (legacy source) or Generator.choice draws them; 0, or -1 out of memory. */
static int32_t choose(Src *s, int64_t pop, int64_t n, int32_t replace, const char *p, int64_t pstride, int32_t shuffle,
                      int64_t *idx) {
    if (replace && !p) {   /* integers(0, pop, size): masked draws (legacy), Lemire's (Generator) */
        if (s->st) ember_rt_random_fill_randint(idx, n, 0, pop);
        else random_bounded_uint64_fill(s->bg, 0, (uint64_t)pop - 1, n, false, (uint64_t *)idx);
        return 0;
    }
    if (!replace && !p) {
        if (!s->st) return gen_sample(s, pop, n, shuffle, idx);
        int64_t *perm = malloc((size_t)pop * sizeof *perm);   /* legacy: permutation(pop)[:n] */
        if (!perm) return -1;
        ember_rt_rdist_permutation(NULL, perm, pop);
        memcpy(idx, perm, (size_t)n * sizeof *idx);
        free(perm);
        return 0;
    }
    double *w = malloc((size_t)pop * 2 * sizeof *w);   /* p (zeroed where found), then its cdf */
    double *u = malloc((size_t)n * sizeof *u);
    if (!w || !u) {
        free(w);
        free(u);
        return -1;
    }
    double *cdf = w + pop;
    for (int64_t i = 0; i < pop; i++) w[i] = *(const double *)(p + i * pstride);
    if (replace) {   /* uniforms first, then a search for each */
        make_cdf(cdf, w, pop);
        uniforms(s, u, n);
        for (int64_t i = 0; i < n; i++) idx[i] = search_right(cdf, pop, u[i]);
    } else {   /* rounds of draws; each round keeps its new indices in order of first appearance */
        int64_t found = 0;
        while (found < n) {
            int64_t want = n - found;
            uniforms(s, u, want);
            for (int64_t i = 0; i < found; i++) w[idx[i]] = 0;
            make_cdf(cdf, w, pop);
            int64_t start = found;
            for (int64_t i = 0; i < want; i++) {
                int64_t k = search_right(cdf, pop, u[i]);
                bool seen = false;
                for (int64_t j = start; j < found && !seen; j++) seen = idx[j] == k;
                if (!seen) idx[found++] = k;
            }
        }
    }
    free(w);
    free(u);
    return 0;
}

/* choice: n indices into out, or (a not NULL) the items a[i] of itemsize bytes, stride bytes
 * apart, that they pick; g: a Generator's bitgen_t or NULL (legacy); shuffle: Generator.choice's
 * shuffle=. 0, or -1 with MemoryError raised. */
int32_t ember_rt_rdist_choice(void *g, int64_t pop, int64_t n, int32_t replace, const char *p, int64_t pstride,
                              int32_t shuffle, const char *a, int64_t stride, int64_t itemsize, char *out) {
    if (n <= 0) return 0;
    Src s;
    src_open(&s, g);
    int64_t *idx = a ? malloc((size_t)n * sizeof *idx) : (int64_t *)out;
    int32_t rc = idx ? choose(&s, pop, n, replace, p, pstride, shuffle, idx) : -1;
    for (int64_t i = 0; a && rc == 0 && i < n; i++) memcpy(out + i * itemsize, a + idx[i] * stride, (size_t)itemsize);
    if (a) free(idx);
    if (rc) ember_rt_raise("builtins:MemoryError", "choice(): out of memory");
    return rc;
}

/* ---- dirichlet, multinomial ------------------------------------------------------------------ */

const char *ember_rt_rdist_dirichlet_check(int32_t gen, const char *alpha, int64_t k, int64_t stride) {
    for (int64_t j = 0; j < k; j++) {
        double v = *(const double *)(alpha + j * stride);
        if (gen ? v < 0 : v <= 0) return gen ? "alpha < 0" : "alpha <= 0";
    }
    return NULL;
}

/* rows vectors of k (out zeroed): each the gammas of alpha normalised (RandomState, and a
 * Generator's unless every alpha is below 0.1), or the Generator's stick-breaking on betas of
 * alpha[j] against the sum of the alphas after it. 0, or -1 with MemoryError raised. */
int32_t ember_rt_rdist_dirichlet(void *g, const char *alpha, int64_t k, int64_t stride, double *out, int64_t rows) {
    Src s;
    src_open(&s, g);
    memset(out, 0, (size_t)(rows * k) * sizeof *out);
    double *a = malloc((size_t)(2 * k + 1) * sizeof *a), *after = a ? a + k : NULL;   /* after[j]: sum of a[j..] */
    if (!a) {
        ember_rt_raise("builtins:MemoryError", "dirichlet(): out of memory");
        return -1;
    }
    double max = -INFINITY;
    for (int64_t j = 0; j < k; j++) max = fmax(max, a[j] = *(const double *)(alpha + j * stride));
    after[k] = 0.0;
    for (int64_t j = k - 1; j >= 0; j--) after[j] = after[j + 1] + a[j];
    bool sticks = g && k > 0 && !isnan(max) && max < 0.1;
    for (int64_t r = 0; r < rows; r++, out += k) {
        if (sticks) {
            if (!(after[0] > 0)) continue;
            double acc = 1.;
            for (int64_t j = 0; j < k - 1; j++) {
                double v = random_beta(s.bg, a[j], after[j + 1]);
                out[j] = acc * v;
                acc *= (1. - v);
                if (after[j + 1] == 0) break;
            }
            out[k - 1] = acc;
            continue;
        }
        double acc = 0.0;
        for (int64_t j = 0; j < k; j++)
            acc = acc + (out[j] = g ? random_standard_gamma(s.bg, a[j]) : lg_std_gamma(&s, a[j]));
        double inv = 1 / acc;
        for (int64_t j = 0; j < k; j++) out[j] = out[j] * inv;
    }
    free(a);
    return 0;
}

const char *ember_rt_rdist_multinomial_check(int32_t gen, int64_t n, const char *p, int64_t d, int64_t stride) {
    if (gen && d == 0)
        return "pvals must have at least 1 dimension and the last dimension of pvals must be greater than 0.";
    for (int64_t j = 0; j < d; j++) {
        double v = *(const double *)(p + j * stride);
        if (!(v >= 0) || !(v <= 1)) return "pvals < 0, pvals > 1 or pvals contains NaNs";
    }
    if (d && kahan_sum(p, d - 1, stride) > 1.0 + 1e-12) return "sum(pvals[:-1]) > 1.0";
    if (n < 0) return "n < 0";
    return NULL;
}

/* rows count vectors of d: a binomial for each category but the last, on what is left of n and
 * of the probability (legacy binomials, or the Generator's); out zeroed first, as NumPy's is. */
void ember_rt_rdist_multinomial(void *g, int64_t n, const char *p, int64_t d, int64_t stride, int64_t *out,
                                int64_t rows) {
    Src s;
    binomial_t spare;
    src_open(&s, g);
    memset(out, 0, (size_t)(rows * d) * sizeof *out);
    for (int64_t r = 0; r < rows && d > 0; r++, out += d) {
        double left_p = 1.0;
        int64_t left = n;
        for (int64_t j = 0; j < d - 1; j++) {
            double pj = *(const double *)(p + j * stride);
            double q = pj / left_p;   /* (a zero q draws nothing: NumPy's multinomial calls random_binomial, not the legacy one) */
            out[j] = g ? random_binomial(s.bg, q, left, binomial_here(&spare)) : q == 0.0 ? 0 : lg_binomial(&s, left, q);
            left -= out[j];
            if (left <= 0) break;
            left_p -= pj;
        }
        if (left > 0) out[d - 1] = left;
    }
}
