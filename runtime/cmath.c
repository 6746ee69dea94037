/* cmath.c: NumPy's complex ufuncs that have no short inline form (np.sin, np.arctanh, np.log2,
 * np.expm1 ... of complex values), one function each, called from array loops and scalar code.
 *
 * Each takes the operand's parts and writes the result's through `out` (a struct return would
 * depend on the C ABI of complex numbers, which differs between float and double). The
 * trigonometric, hyperbolic, log and exp families are C99's <complex.h> functions on the
 * principal branches NumPy documents; log2/log10 scale clog, exp2 is cexp(z ln 2), and log1p and
 * expm1 are written so that small z keeps its precision, as NumPy's loops are. complex64
 * computes here in double and rounds once afterwards (codegen/lower_f32.c). */
#include "rt.h"
#include <complex.h>
#include <math.h>

typedef struct { double re, im; } CxOut;

static void put(CxOut *out, double complex z) {
    out->re = creal(z);
    out->im = cimag(z);
}

#define CFUNC(name, expr)                                                    \
    void ember_rt_c_##name(CxOut *out, double re, double im) {               \
        double complex z = CMPLX(re, im);                                    \
        put(out, expr);                                                      \
    }

CFUNC(sin, csin(z))
CFUNC(cos, ccos(z))
CFUNC(tan, ctan(z))
CFUNC(sinh, csinh(z))
CFUNC(cosh, ccosh(z))
CFUNC(tanh, ctanh(z))
CFUNC(arcsin, casin(z))
CFUNC(arccos, cacos(z))
CFUNC(arctan, catan(z))
CFUNC(arcsinh, casinh(z))
CFUNC(arccosh, cacosh(z))
CFUNC(arctanh, catanh(z))
CFUNC(log2, clog(z) / M_LN2)
CFUNC(log10, clog(z) / M_LN10)
CFUNC(exp2, cexp(z * M_LN2))

/* log(1 + z): |1 + z| and its angle computed from z's parts (1 + z is never formed as a sum that
 * rounds away a small z) */
void ember_rt_c_log1p(CxOut *out, double re, double im) {
    double l = hypot(re + 1.0, im);
    out->re = log(l);
    out->im = atan2(im, re + 1.0);
}

/* exp(z) - 1 = (expm1(x) cos y - 2 sin^2(y/2)) + i exp(x) sin y: cos y - 1 = -2 sin^2(y/2) keeps
 * the precision of a small y */
void ember_rt_c_expm1(CxOut *out, double re, double im) {
    double s = sin(im / 2.0);
    out->re = expm1(re) * cos(im) - 2.0 * s * s;
    out->im = exp(re) * sin(im);
}

/* complex64: NumPy's complex64 loops call C99's float functions (csinf, clogf, ...) and compute
 * log2, log10, exp2, log1p and expm1 from float ones, so these do the same in float: NumPy's
 * complex64 results bit for bit. The parts come and go as doubles holding float values. */
static void put32(CxOut *out, float complex z) {
    out->re = crealf(z);
    out->im = cimagf(z);
}

#define CFUNC32(name, expr)                                                  \
    void ember_rt_c32_##name(CxOut *out, double re, double im) {             \
        float complex z = CMPLXF((float)re, (float)im);                      \
        put32(out, expr);                                                    \
    }

CFUNC32(log, clogf(z))
CFUNC32(sqrt, csqrtf(z))
CFUNC32(sin, csinf(z))
CFUNC32(cos, ccosf(z))
CFUNC32(tan, ctanf(z))
CFUNC32(sinh, csinhf(z))
CFUNC32(cosh, ccoshf(z))
CFUNC32(tanh, ctanhf(z))
CFUNC32(arcsin, casinf(z))
CFUNC32(arccos, cacosf(z))
CFUNC32(arctan, catanf(z))
CFUNC32(arcsinh, casinhf(z))
CFUNC32(arccosh, cacoshf(z))
CFUNC32(arctanh, catanhf(z))
CFUNC32(log2, CMPLXF(crealf(clogf(z)) * (float)M_LOG2E, cimagf(clogf(z)) * (float)M_LOG2E))
CFUNC32(log10, CMPLXF(crealf(clogf(z)) * (float)M_LOG10E, cimagf(clogf(z)) * (float)M_LOG10E))
CFUNC32(exp2, cexpf(CMPLXF(crealf(z) * (float)M_LN2, cimagf(z) * (float)M_LN2)))

void ember_rt_c32_log1p(CxOut *out, double re, double im) {
    float x = (float)re, y = (float)im;
    out->re = logf(hypotf(x + 1.0f, y));
    out->im = atan2f(y, x + 1.0f);
}

void ember_rt_c32_expm1(CxOut *out, double re, double im) {
    float x = (float)re, y = (float)im, a = sinf(y / 2.0f);
    out->re = expm1f(x) * cosf(y) - 2.0f * a * a;
    out->im = expf(x) * sinf(y);
}

/* NumPy 2's sign of a complex number: z / |z|, 0 for 0; an infinite part gives that part's sign
 * (both infinite: NaN), otherwise a NaN part gives NaN */
void ember_rt_c_sign(CxOut *out, double re, double im) {
    if (isinf(re) || isinf(im)) {
        bool both = isinf(re) && isinf(im);
        out->re = both ? NAN : isinf(re) ? copysign(1.0, re) : 0.0;
        out->im = both ? NAN : isinf(re) ? 0.0 : copysign(1.0, im);
        return;
    }
    double a = hypot(re, im);
    out->re = isnan(a) ? NAN : a == 0.0 ? 0.0 : re / a;
    out->im = isnan(a) ? NAN : a == 0.0 ? 0.0 : im / a;
}

void ember_rt_c_rint(CxOut *out, double re, double im) {
    out->re = rint(re);
    out->im = rint(im);
}

/* np.power of complex values: 0 to a power with a positive real part is 0, to any other power
 * NaN (NumPy warns, never raises); otherwise exp(b log a) in polar form, as Python's complex
 * power */
void ember_rt_c_power(CxOut *out, double ar, double ai, double br, double bi) {
    if (br == 0.0 && bi == 0.0) {
        out->re = 1.0;
        out->im = 0.0;
    } else if (ar == 0.0 && ai == 0.0) {
        out->re = out->im = br > 0.0 ? 0.0 : NAN;
    } else if (bi == 0.0 && br == floor(br) && fabs(br) <= 100.0) {   /* a whole power: by squaring */
        long n = labs((long)br);
        double complex r = 1.0, p = CMPLX(ar, ai);
        for (; n; n >>= 1, p *= p)
            if (n & 1) r *= p;
        put(out, br < 0.0 ? 1.0 / r : r);
    } else {
        double vabs = hypot(ar, ai), len = pow(vabs, br), at = atan2(ai, ar), phase = at * br;
        if (bi != 0.0) {
            len /= exp(at * bi);
            phase += bi * log(vabs);
        }
        out->re = len * cos(phase);
        out->im = len * sin(phase);
    }
}
