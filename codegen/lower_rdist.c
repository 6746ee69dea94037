/* lower_rdist.c: np.random's distributions, choice, shuffle, permutation, dirichlet and
 * multinomial (typeinfer/rdist.c), and the same distributions as Generator methods.
 *
 * Each call checks its parameters in the runtime (ember_rt_rdist_check and friends return NumPy's
 * message, or NULL) and raises ValueError with the message before drawing or allocating; the
 * draws fill the result (or a one-number slot) in one runtime call, from the thread's legacy
 * state (g NULL) or the Generator's bit generator (runtime/randdist.c).
 *
 * ember._rdist.fill (cg_rdist_fill), the draws of ember/_nprandom.py's array-parameter forms:
 * one runtime call that checks every element, then draws into the result the form allocated,
 * each parameter passed as data, strides and dtype (a scalar: a one-number slot, strides 0).
 */
#include "lower.h"
#include "rdist.h"
#include <math.h>

static const struct {
    int ints;         /* bit i: parameter i is an integer */
    int nparams;
    double dflt[3];   /* a parameter left out takes its default */
} dists[RD_COUNT] = {
#define P0() 0, {0}
#define P1(a, da) 1, {da}
#define P2(a, da, b, db) 2, {da, db}
#define P3(a, da, b, db, c, dc) 3, {da, db, dc}
#define RD(id, nm, isint, nreq, ints, params) [RD_##id] = {ints, params},
#include "rdist.def"
#undef RD
};

bool cg_is_random_dist(int bid) { return bid >= BI_RND_STD_EXPONENTIAL && bid <= BI_RND_MULTINOMIAL; }

static bool given(CallInfo *ci, const Type **types, int i) {
    return i < ci->nparams && ci->argmap[i] >= 0 && types[i]->kind != TY_NONE;
}

/* raise ValueError(msg) when the runtime's check returned a message. */
static void raise_message(Lower *L, LLVMValueRef msg) {
    LLVMBasicBlockRef bad = LLVMAppendBasicBlockInContext(L->c, L->func, "rdist.bad");
    LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(L->c, L->func, "rdist.ok");
    cg_br_expect(L, LLVMBuildIsNotNull(L->b, msg, ""), false, bad, ok);
    LLVMPositionBuilderAtEnd(L->b, bad);
    cg_emit_raise(L, cg_exc_class_of_name(L, "builtins:ValueError"), msg);
    LLVMPositionBuilderAtEnd(L->b, ok);
}

/* The dimensions of a size= argument (an int or a tuple) into shape; their count (0 for None)
 * and *count their product. */
static int size_dims(Lower *L, const Type *t, LLVMValueRef v, LLVMValueRef *shape, LLVMValueRef *count) {
    int nd = 0;
    if (t->kind == TY_TUPLE) {
        for (; nd < t->n; nd++) shape[nd] = LLVMBuildExtractValue(L->b, v, (unsigned)nd, "");
    } else if (t->kind != TY_NONE) {
        shape[nd++] = v;
    }
    *count = i64c(L, 1);
    for (int k = 0; k < nd; k++) *count = LLVMBuildMul(L->b, *count, shape[k], "");
    return nd;
}

/* The result array (ret) for a size= argument and its row length (NULL: none); NULL when ret is
 * a scalar, whose value then goes through *slot. */
static LLVMValueRef result(Lower *L, const Type *ret, const Type *st, LLVMValueRef sv, LLVMValueRef row,
                           LLVMValueRef *data, LLVMValueRef *count) {
    LLVMValueRef shape[64];
    int nd = size_dims(L, st, sv, shape, count);
    if (ret->kind != TY_ARRAY) {
        *data = cg_entry_alloca(L, cg_type(L, ret), "drawn");
        return NULL;
    }
    if (row) shape[nd] = row;
    LLVMValueRef out = cg_alloc_array(L, ret, shape);
    *data = cg_arr_data(L, out);
    return out;
}

static LLVMValueRef finish(Lower *L, const Type *ret, LLVMValueRef out, LLVMValueRef data) {
    return out ? out : LLVMBuildLoad2(L->b, cg_type(L, ret), data, "");
}

/* An integer parameter given as a float x (binomial(10.0, p)): truncated toward zero as NumPy's
 * int(x), with its errors for NaN (ValueError) and for what int64 cannot hold (OverflowError). */
static LLVMValueRef int_param(Lower *L, LLVMValueRef x) {
    cg_raise_unless(L, LLVMBuildFCmp(L->b, LLVMRealORD, x, x, ""), "builtins:ValueError", "cannot convert float NaN to integer");
    LLVMValueRef big = LLVMBuildFCmp(L->b, LLVMRealOGE, cg_intrinsic1(L, "llvm.fabs.f64", x), f64c(L, 0x1p63), "");
    LLVMValueRef inf = LLVMBuildFCmp(L->b, LLVMRealOEQ, cg_intrinsic1(L, "llvm.fabs.f64", x), f64c(L, INFINITY), "");
    cg_raise_unless(L, LLVMBuildNot(L->b, inf, ""), "builtins:OverflowError", "cannot convert float infinity to integer");
    cg_raise_unless(L, LLVMBuildNot(L->b, big, ""), "builtins:OverflowError", "Python int too large to convert to C long");
    return cg_intrinsic1(L, "llvm.trunc.f64", x);
}

/* ---- one draw from the legacy state, inline ----------------------------------------------------
 * A scalar draw of a distribution that is a formula of one uniform (runtime/randdist.c's lg_*)
 * is drawn here as np.random.random() is (cg_rng_double), NumPy's check and formula inline:
 * no runtime call to check, to find the state and to dispatch on the kind (an exponential draw
 * in a loop: 36 -> 10 ns). The same libm functions, so the same numbers. */
static LLVMValueRef libm(Lower *L, const char *name, LLVMValueRef x, LLVMValueRef y) {
    LLVMTypeRef pt[2] = {L->f64, L->f64};
    LLVMValueRef a[2] = {x, y};
    LLVMValueRef r = cg_call(L, name, L->f64, pt, a, y ? 2 : 1);
    cg_mark_pure(L, r);   /* compiled code never reads errno: the state stays in registers */
    return r;
}

static LLVMValueRef std_exponential(Lower *L, LLVMValueRef st) {   /* -log(1 - U) */
    return LLVMBuildFNeg(L->b, libm(L, "log", LLVMBuildFSub(L->b, f64c(L, 1.0), cg_rng_double(L, st), ""), NULL), "");
}

static bool inline_draw(int kind) {
    return kind == RD_STD_EXPONENTIAL || kind == RD_EXPONENTIAL || kind == RD_RAYLEIGH || kind == RD_PARETO ||
           kind == RD_POWER || kind == RD_WEIBULL || kind == RD_GEOMETRIC || kind == RD_LAPLACE ||
           kind == RD_LOGISTIC || kind == RD_GUMBEL || kind == RD_LOGNORMAL || kind == RD_POISSON || kind == RD_BINOMIAL;
}

/* ember_rt_rdist_fill: n draws of distribution kind (parameters p) into data, from Generator g
 * (NULL: the legacy np.random state). */
static void fill(Lower *L, LLVMValueRef g, LLVMValueRef kind, const LLVMValueRef p[3], LLVMValueRef data, LLVMValueRef n) {
    LLVMTypeRef ft[7] = {L->ptr, L->i32, L->f64, L->f64, L->f64, L->ptr, L->i64};
    LLVMValueRef fa[7] = {g ? g : LLVMConstNull(L->ptr), kind, p[0], p[1], p[2], data, n};
    cg_call(L, "ember_rt_rdist_fill", L->voidt, ft, fa, 7);
}

/* One draw of kind by the runtime (its slower cases), into an int64 or a float64, from Generator g
 * (NULL: the legacy state). */
static LLVMValueRef runtime_draw(Lower *L, LLVMValueRef g, int kind, LLVMValueRef a, LLVMValueRef b, LLVMTypeRef t) {
    LLVMValueRef slot = cg_entry_alloca(L, t, "drawn");
    LLVMValueRef p[3] = {a, b ? b : f64c(L, 0.0), f64c(L, 0.0)};
    fill(L, g, LLVMConstInt(L->i32, (unsigned long long)kind, 0), p, slot, i64c(L, 1));
    return LLVMBuildLoad2(L->b, t, slot, "");
}

/* A uniform double: the legacy state st's (g NULL), or Generator g's bit generator's. */
static LLVMValueRef uniform(Lower *L, LLVMValueRef st, LLVMValueRef g) {
    return g ? cg_bitgen_double(L, g) : cg_rng_double(L, st);
}

/* Poisson for 0 < lam < 10: NumPy's multiplication method, uniforms multiplied until the product
 * falls to exp(-lam); 0 for lam 0 (no draw); the runtime's transformed rejection for lam >= 10.
 * The legacy state's (g NULL) and a Generator's compute it alike (NumPy's random_poisson). */
static LLVMValueRef poisson(Lower *L, LLVMValueRef st, LLVMValueRef g, LLVMValueRef lam) {
    LLVMBasicBlockRef small = LLVMAppendBasicBlockInContext(L->c, L->func, "poisson.mult");
    LLVMBasicBlockRef nonzero = LLVMAppendBasicBlockInContext(L->c, L->func, "poisson.small");
    LLVMBasicBlockRef step = LLVMAppendBasicBlockInContext(L->c, L->func, "poisson.step");
    LLVMBasicBlockRef large = LLVMAppendBasicBlockInContext(L->c, L->func, "poisson.ptrs");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "poisson");
    LLVMBuildCondBr(L->b, LLVMBuildFCmp(L->b, LLVMRealOGE, lam, f64c(L, 10.0), ""), large, small);
    LLVMPositionBuilderAtEnd(L->b, small);
    LLVMBuildCondBr(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, lam, f64c(L, 0.0), ""), join, nonzero);
    LLVMPositionBuilderAtEnd(L->b, nonzero);
    LLVMValueRef enlam = libm(L, "exp", LLVMBuildFNeg(L->b, lam, ""), NULL);
    LLVMBuildBr(L->b, step);
    LLVMPositionBuilderAtEnd(L->b, step);
    LLVMValueRef x = LLVMBuildPhi(L->b, L->i64, "x"), prod = LLVMBuildPhi(L->b, L->f64, "prod");
    LLVMValueRef prod2 = LLVMBuildFMul(L->b, prod, uniform(L, st, g), "");
    LLVMValueRef x2 = LLVMBuildAdd(L->b, x, i64c(L, 1), "");
    LLVMBasicBlockRef step_end = LLVMGetInsertBlock(L->b);
    LLVMBuildCondBr(L->b, LLVMBuildFCmp(L->b, LLVMRealOGT, prod2, enlam, ""), step, join);
    LLVMAddIncoming(x, (LLVMValueRef[2]){i64c(L, 0), x2}, (LLVMBasicBlockRef[2]){nonzero, step_end}, 2);
    LLVMAddIncoming(prod, (LLVMValueRef[2]){f64c(L, 1.0), prod2}, (LLVMBasicBlockRef[2]){nonzero, step_end}, 2);
    LLVMPositionBuilderAtEnd(L->b, large);
    LLVMValueRef k = runtime_draw(L, g, RD_POISSON, lam, NULL, L->i64);
    LLVMBasicBlockRef large_end = LLVMGetInsertBlock(L->b);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    LLVMValueRef r = LLVMBuildPhi(L->b, L->i64, "poisson");
    LLVMAddIncoming(r, (LLVMValueRef[3]){i64c(L, 0), x, k}, (LLVMBasicBlockRef[3]){small, step_end, large_end}, 3);
    return r;
}

/* Binomial(n, p), n given as a double: for min(p, 1 - p) * n <= 30 by inversion as runtime/
 * randdist.c's lg_binomial_inversion (the probabilities walked from 0, drawn again past the
 * bound), n less the draw for p > 1/2; BTPE (larger n p) by the runtime. */
static LLVMValueRef binomial(Lower *L, LLVMValueRef st, LLVMValueRef nd, LLVMValueRef p) {
    LLVMValueRef one = f64c(L, 1.0), n = LLVMBuildFPToSI(L->b, nd, L->i64, "n");
    LLVMValueRef low = LLVMBuildFCmp(L->b, LLVMRealOLE, p, f64c(L, 0.5), "");
    LLVMValueRef pp = LLVMBuildSelect(L->b, low, p, LLVMBuildFSub(L->b, one, p, ""), "");
    LLVMBasicBlockRef inv = LLVMAppendBasicBlockInContext(L->c, L->func, "binomial.inversion");
    LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(L->c, L->func, "binomial.walk");
    LLVMBasicBlockRef step = LLVMAppendBasicBlockInContext(L->c, L->func, "binomial.step");
    LLVMBasicBlockRef redraw = LLVMAppendBasicBlockInContext(L->c, L->func, "binomial.redraw");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(L->c, L->func, "binomial.next");
    LLVMBasicBlockRef found = LLVMAppendBasicBlockInContext(L->c, L->func, "binomial.found");
    LLVMBasicBlockRef btpe = LLVMAppendBasicBlockInContext(L->c, L->func, "binomial.btpe");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "binomial");
    LLVMBuildCondBr(L->b, LLVMBuildFCmp(L->b, LLVMRealOLE, LLVMBuildFMul(L->b, pp, nd, ""), f64c(L, 30.0), ""), inv, btpe);
    LLVMPositionBuilderAtEnd(L->b, inv);
    LLVMValueRef q = LLVMBuildFSub(L->b, one, pp, "");
    LLVMValueRef qn = libm(L, "exp", LLVMBuildFMul(L->b, nd, libm(L, "log", q, NULL), ""), NULL);
    LLVMValueRef np = LLVMBuildFMul(L->b, nd, pp, "");
    LLVMValueRef cap = LLVMBuildFAdd(L->b, np, LLVMBuildFMul(L->b, f64c(L, 10.0),
        cg_intrinsic1(L, "llvm.sqrt.f64", LLVMBuildFAdd(L->b, LLVMBuildFMul(L->b, np, q, ""), one, "")), ""), "");
    LLVMValueRef bound = LLVMBuildSelect(L->b, LLVMBuildFCmp(L->b, LLVMRealOLT, nd, cap, ""), n,
                                         LLVMBuildFPToSI(L->b, cap, L->i64, ""), "bound");
    LLVMValueRef u0 = cg_rng_double(L, st);
    LLVMBasicBlockRef inv_end = LLVMGetInsertBlock(L->b);
    LLVMBuildBr(L->b, head);
    LLVMPositionBuilderAtEnd(L->b, head);
    LLVMValueRef x = LLVMBuildPhi(L->b, L->i64, "x"), px = LLVMBuildPhi(L->b, L->f64, "px"), u = LLVMBuildPhi(L->b, L->f64, "u");
    LLVMBuildCondBr(L->b, LLVMBuildFCmp(L->b, LLVMRealOGT, u, px, ""), step, found);
    LLVMPositionBuilderAtEnd(L->b, step);
    LLVMValueRef x1 = LLVMBuildAdd(L->b, x, i64c(L, 1), "");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSGT, x1, bound, ""), redraw, next);
    LLVMPositionBuilderAtEnd(L->b, redraw);
    LLVMValueRef u2 = cg_rng_double(L, st);
    LLVMBasicBlockRef redraw_end = LLVMGetInsertBlock(L->b);
    LLVMBuildBr(L->b, head);
    LLVMPositionBuilderAtEnd(L->b, next);   /* u -= px; px = (n - x + 1) p px / (x q) */
    LLVMValueRef u3 = LLVMBuildFSub(L->b, u, px, "");
    LLVMValueRef k = LLVMBuildSIToFP(L->b, LLVMBuildAdd(L->b, LLVMBuildSub(L->b, n, x1, ""), i64c(L, 1), ""), L->f64, "");
    LLVMValueRef px3 = LLVMBuildFDiv(L->b, LLVMBuildFMul(L->b, LLVMBuildFMul(L->b, k, pp, ""), px, ""),
                                     LLVMBuildFMul(L->b, LLVMBuildSIToFP(L->b, x1, L->f64, ""), q, ""), "");
    LLVMBuildBr(L->b, head);
    LLVMAddIncoming(x, (LLVMValueRef[3]){i64c(L, 0), i64c(L, 0), x1}, (LLVMBasicBlockRef[3]){inv_end, redraw_end, next}, 3);
    LLVMAddIncoming(px, (LLVMValueRef[3]){qn, qn, px3}, (LLVMBasicBlockRef[3]){inv_end, redraw_end, next}, 3);
    LLVMAddIncoming(u, (LLVMValueRef[3]){u0, u2, u3}, (LLVMBasicBlockRef[3]){inv_end, redraw_end, next}, 3);
    LLVMPositionBuilderAtEnd(L->b, found);
    LLVMValueRef r = LLVMBuildSelect(L->b, low, x, LLVMBuildSub(L->b, n, x, ""), "");
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, btpe);
    LLVMValueRef r2 = runtime_draw(L, NULL, RD_BINOMIAL, nd, p, L->i64);
    LLVMBasicBlockRef btpe_end = LLVMGetInsertBlock(L->b);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    return cg_phi2(L, r, found, r2, btpe_end, "binomial");
}

/* Laplace, logistic and Gumbel (loc a, scale b): a uniform U drawn again while it is the one
 * value the formula rejects (0, or 1 - U == 1 for Gumbel), then a + b log(...) as NumPy writes it. */
static LLVMValueRef loc_scale_draw(Lower *L, int kind, LLVMValueRef st, LLVMValueRef a, LLVMValueRef b) {
    LLVMBasicBlockRef draw = LLVMAppendBasicBlockInContext(L->c, L->func, "draw");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, L->func, "drawn");
    LLVMBuildBr(L->b, draw);
    LLVMPositionBuilderAtEnd(L->b, draw);
    LLVMValueRef u = cg_rng_double(L, st), one = f64c(L, 1.0), ok, r;
    if (kind == RD_LAPLACE) {   /* U >= 1/2: a - b log(2 - 2U); 0 < U < 1/2: a + b log(2U) */
        LLVMValueRef hi = LLVMBuildFCmp(L->b, LLVMRealOGE, u, f64c(L, 0.5), "");
        ok = LLVMBuildOr(L->b, hi, LLVMBuildFCmp(L->b, LLVMRealOGT, u, f64c(L, 0.0), ""), "");
        LLVMValueRef x = LLVMBuildSelect(L->b, hi, LLVMBuildFSub(L->b, LLVMBuildFSub(L->b, f64c(L, 2.0), u, ""), u, ""),
                                         LLVMBuildFAdd(L->b, u, u, ""), "");
        LLVMValueRef t = LLVMBuildFMul(L->b, b, libm(L, "log", x, NULL), "");
        r = LLVMBuildSelect(L->b, hi, LLVMBuildFSub(L->b, a, t, ""), LLVMBuildFAdd(L->b, a, t, ""), "");
    } else if (kind == RD_LOGISTIC) {   /* U > 0: a + b log(U / (1 - U)) */
        ok = LLVMBuildFCmp(L->b, LLVMRealOGT, u, f64c(L, 0.0), "");
        LLVMValueRef x = LLVMBuildFDiv(L->b, u, LLVMBuildFSub(L->b, one, u, ""), "");
        r = LLVMBuildFAdd(L->b, a, LLVMBuildFMul(L->b, b, libm(L, "log", x, NULL), ""), "");
    } else {   /* Gumbel, V = 1 - U < 1: a - b log(-log(V)) */
        LLVMValueRef v = LLVMBuildFSub(L->b, one, u, "");
        ok = LLVMBuildFCmp(L->b, LLVMRealOLT, v, one, "");
        LLVMValueRef l = libm(L, "log", LLVMBuildFNeg(L->b, libm(L, "log", v, NULL), ""), NULL);
        r = LLVMBuildFSub(L->b, a, LLVMBuildFMul(L->b, b, l, ""), "");
    }
    cg_br_expect(L, ok, true, done, draw);
    LLVMPositionBuilderAtEnd(L->b, done);
    return r;
}

/* Geometric for p >= 1/3: the first X whose cumulative probability reaches one uniform. */
static LLVMValueRef geometric_search(Lower *L, LLVMValueRef st, LLVMValueRef p) {
    LLVMValueRef u = cg_rng_double(L, st), q = LLVMBuildFSub(L->b, f64c(L, 1.0), p, "");
    LLVMBasicBlockRef entry = LLVMGetInsertBlock(L->b);
    LLVMBasicBlockRef step = LLVMAppendBasicBlockInContext(L->c, L->func, "geometric.step");
    LLVMBasicBlockRef test = LLVMAppendBasicBlockInContext(L->c, L->func, "geometric.test");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, L->func, "geometric.found");
    LLVMBuildBr(L->b, test);
    LLVMPositionBuilderAtEnd(L->b, test);
    LLVMValueRef x = LLVMBuildPhi(L->b, L->i64, "x"), sum = LLVMBuildPhi(L->b, L->f64, "sum"),
                 prod = LLVMBuildPhi(L->b, L->f64, "prod");
    LLVMBuildCondBr(L->b, LLVMBuildFCmp(L->b, LLVMRealOGT, u, sum, ""), step, done);
    LLVMPositionBuilderAtEnd(L->b, step);
    LLVMValueRef prod2 = LLVMBuildFMul(L->b, prod, q, ""), sum2 = LLVMBuildFAdd(L->b, sum, prod2, "");
    LLVMValueRef x2 = LLVMBuildAdd(L->b, x, i64c(L, 1), "");
    LLVMBuildBr(L->b, test);
    LLVMAddIncoming(x, (LLVMValueRef[2]){i64c(L, 1), x2}, (LLVMBasicBlockRef[2]){entry, step}, 2);
    LLVMAddIncoming(sum, (LLVMValueRef[2]){p, sum2}, (LLVMBasicBlockRef[2]){entry, step}, 2);
    LLVMAddIncoming(prod, (LLVMValueRef[2]){p, prod2}, (LLVMBasicBlockRef[2]){entry, step}, 2);
    LLVMPositionBuilderAtEnd(L->b, done);
    return x;
}

/* One draw of an inline_draw kind from the legacy state, by NumPy's algorithm: its parameters a
 * and b already checked (lower_dist). */
static LLVMValueRef draw_inline(Lower *L, int kind, LLVMValueRef a, LLVMValueRef b) {
    LLVMValueRef st = cg_rng_state(L, "ember_rt_random_state"), one = f64c(L, 1.0);
    switch (kind) {
    case RD_STD_EXPONENTIAL: return std_exponential(L, st);
    case RD_LAPLACE: case RD_LOGISTIC: case RD_GUMBEL: return loc_scale_draw(L, kind, st, a, b);
    case RD_LOGNORMAL: {   /* exp(mean + sigma * a normal of the state's, its cached second one too) */
        LLVMValueRef z = cg_call(L, "ember_rt_random_gauss", L->f64, NULL, NULL, 0);
        return libm(L, "exp", LLVMBuildFAdd(L->b, a, LLVMBuildFMul(L->b, b, z, ""), ""), NULL);
    }
    case RD_POISSON: return poisson(L, st, NULL, a);
    case RD_BINOMIAL: return binomial(L, st, a, b);
    case RD_EXPONENTIAL: return LLVMBuildFMul(L->b, a, std_exponential(L, st), "");
    case RD_RAYLEIGH: {   /* a * sqrt(-2 log1p(-U)) */
        LLVMValueRef l = libm(L, "log1p", LLVMBuildFNeg(L->b, cg_rng_double(L, st), ""), NULL);
        return LLVMBuildFMul(L->b, a, cg_intrinsic1(L, "llvm.sqrt.f64", LLVMBuildFMul(L->b, f64c(L, -2.0), l, "")), "");
    }
    case RD_PARETO: return LLVMBuildFSub(L->b, libm(L, "exp", LLVMBuildFDiv(L->b, std_exponential(L, st), a, ""), NULL), one, "");
    case RD_POWER: {   /* (1 - exp(-E)) ** (1 / a) */
        LLVMValueRef e = libm(L, "exp", LLVMBuildFNeg(L->b, std_exponential(L, st), ""), NULL);
        return libm(L, "pow", LLVMBuildFSub(L->b, one, e, ""), LLVMBuildFDiv(L->b, one, a, ""));
    }
    case RD_WEIBULL: {   /* a == 0: 0, with no draw */
        LLVMBasicBlockRef draw = LLVMAppendBasicBlockInContext(L->c, L->func, "weibull.draw");
        LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "weibull");
        LLVMBasicBlockRef zero = LLVMGetInsertBlock(L->b);
        LLVMBuildCondBr(L->b, LLVMBuildFCmp(L->b, LLVMRealOEQ, a, f64c(L, 0.0), ""), join, draw);
        LLVMPositionBuilderAtEnd(L->b, draw);
        LLVMValueRef w = libm(L, "pow", std_exponential(L, st), LLVMBuildFDiv(L->b, one, a, ""));
        LLVMBasicBlockRef drawn = LLVMGetInsertBlock(L->b);
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, join);
        return cg_phi2(L, f64c(L, 0.0), zero, w, drawn, "weibull");
    }
    default: {   /* geometric: p < 1/3 by inversion, else by search */
        LLVMBasicBlockRef inv = LLVMAppendBasicBlockInContext(L->c, L->func, "geometric.inverse");
        LLVMBasicBlockRef search = LLVMAppendBasicBlockInContext(L->c, L->func, "geometric.search");
        LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "geometric");
        LLVMBuildCondBr(L->b, LLVMBuildFCmp(L->b, LLVMRealOGE, a, f64c(L, 0.333333333333333333333333), ""), search, inv);
        LLVMPositionBuilderAtEnd(L->b, inv);
        LLVMValueRef q = LLVMBuildFDiv(L->b, libm(L, "log1p", LLVMBuildFNeg(L->b, cg_rng_double(L, st), ""), NULL),
                                       libm(L, "log", LLVMBuildFSub(L->b, one, a, ""), NULL), "");
        q = cg_intrinsic1(L, "llvm.ceil.f64", q);   /* >= 0; too large for int64 (p tiny): x86's INT64_MIN, as C's cast */
        LLVMValueRef fits = LLVMBuildFCmp(L->b, LLVMRealOLT, q, f64c(L, 0x1p63), "");
        LLVMValueRef k = LLVMBuildSelect(L->b, fits, LLVMBuildFPToSI(L->b, LLVMBuildSelect(L->b, fits, q, f64c(L, 0.0), ""), L->i64, ""),
                                         i64c(L, INT64_MIN), "");
        LLVMBasicBlockRef inv_end = LLVMGetInsertBlock(L->b);
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, search);
        LLVMValueRef k2 = geometric_search(L, st, a);
        LLVMBasicBlockRef search_end = LLVMGetInsertBlock(L->b);
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, join);
        return cg_phi2(L, k, inv_end, k2, search_end, "geometric");
    }
    }
}

/* NumPy's checks of parameters p (rd_check_params): at compile time when they are constants,
 * else by the runtime, in a call that a loop whose draws share their parameters makes once,
 * before it. gen: a Generator's. */
static void check_params(Lower *L, int kind, bool gen, LLVMValueRef *p) {
    double c[3];
    LLVMBool loses;
    bool constant = true;
    for (int i = 0; i < 3 && constant; i++) {
        constant = LLVMIsAConstantFP(p[i]) != NULL;
        if (constant) c[i] = LLVMConstRealGetDouble(p[i], &loses);
    }
    if (constant) {
        const char *m = rd_check_params(kind, gen, c[0], c[1], c[2]);
        if (m) cg_raise_unless(L, LLVMConstInt(L->i1, 0, 0), "builtins:ValueError", m);
        return;
    }
    LLVMTypeRef ct[5] = {L->i32, L->i32, L->f64, L->f64, L->f64};
    LLVMValueRef ca[5] = {LLVMConstInt(L->i32, (unsigned long long)kind, 0), LLVMConstInt(L->i32, gen, 0), p[0], p[1], p[2]};
    LLVMValueRef msg = cg_call(L, "ember_rt_rdist_check", L->ptr, ct, ca, 5);
    cg_mark_speculatable(L, msg);
    raise_message(L, msg);
}

/* Distribution kind with its parameters at args[first..] and size after them; g NULL for the
 * legacy state. */
static LLVMValueRef lower_dist(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types, LLVMValueRef g,
                               int kind, int first) {
    LLVMValueRef p[3];
    for (int i = 0; i < 3; i++) {
        int at = first + i;
        p[i] = i < dists[kind].nparams && given(ci, types, at) ? cg_cast(L, args[at], types[at], ty_float64)
                                                             : f64c(L, dists[kind].dflt[i]);
        if (dists[kind].ints >> i & 1 && given(ci, types, at) && !ty_is_int(types[at]) && types[at] != ty_bool)
            p[i] = int_param(L, p[i]);
    }
    int size_at = first + dists[kind].nparams;
    LLVMValueRef k = LLVMConstInt(L->i32, (unsigned long long)kind, 0);
    check_params(L, kind, g != NULL, p);
    bool one = types[size_at]->kind == TY_NONE && ci->ret->kind != TY_ARRAY;
    if (!g && inline_draw(kind) && one) return draw_inline(L, kind, p[0], p[1]);
    if (g && kind == RD_POISSON && one) return poisson(L, NULL, g, p[0]);   /* rng.poisson(lam): inline too */
    LLVMValueRef data, n;
    LLVMValueRef out = result(L, ci->ret, types[size_at], args[size_at], NULL, &data, &n);
    fill(L, g, k, p, data, n);
    return finish(L, ci->ret, out, data);
}

/* shuffle(x) in place along axis 0. always: draw for every row even when the rows are empty
 * (permutation of an array shuffles its row numbers; shuffle of an empty array draws nothing). */
static void shuffle(Lower *L, LLVMValueRef g, const Type *xt, LLVMValueRef x, bool always) {
    LLVMTypeRef dims = LLVMArrayType(L->i64, (unsigned)(2 * xt->ndim));
    LLVMValueRef d = cg_entry_alloca(L, dims, "dims");
    for (int k = 0; k < xt->ndim; k++) {
        LLVMBuildStore(L->b, cg_arr_shape(L, x, k), cg_gep8(L, d, i64c(L, 8 * k)));
        LLVMBuildStore(L->b, cg_arr_stride(L, xt, x, k), cg_gep8(L, d, i64c(L, 8 * (xt->ndim + k))));
    }
    LLVMTypeRef pt[7] = {L->ptr, L->ptr, L->i64, L->ptr, L->ptr, L->i64, L->i32};
    LLVMValueRef a[7] = {g ? g : LLVMConstNull(L->ptr), cg_arr_data(L, x), i64c(L, xt->ndim), d,
                         cg_gep8(L, d, i64c(L, 8 * xt->ndim)), i64c(L, ty_dtypes[xt->dtype].size),
                         LLVMConstInt(L->i32, always, 0)};
    cg_call(L, "ember_rt_rdist_shuffle", L->voidt, pt, a, 7);
}

static LLVMValueRef lower_shuffle(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types, LLVMValueRef g,
                                  int kind, int first) {
    const Type *xt = types[first];
    LLVMValueRef x = args[first];
    if (kind == RD_SHUFFLE) {
        if (xt->readonly) cg_raise_unless(L, LLVMConstInt(L->i1, 0, 0), "builtins:ValueError", "array is read-only");
        shuffle(L, g, xt, x, false);
        return LLVMGetUndef(cg_type(L, ty_none));
    }
    if (xt->kind != TY_ARRAY) {   /* permutation(n): range(n) shuffled */
        LLVMValueRef n = cg_cast(L, x, xt, ty_int64);
        n = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, n, i64c(L, 0), ""), i64c(L, 0), n, "");
        LLVMValueRef out = cg_alloc_array(L, ci->ret, &n);
        LLVMTypeRef pt[3] = {L->ptr, L->ptr, L->i64};
        LLVMValueRef a[3] = {g ? g : LLVMConstNull(L->ptr), cg_arr_data(L, out), n};
        cg_call(L, "ember_rt_rdist_permutation", L->voidt, pt, a, 3);
        return out;
    }
    LLVMValueRef out = cg_copy_array(L, xt, x, ci->ret);
    shuffle(L, g, ci->ret, out, true);
    return out;
}

/* A 1-d float64 array's data, length and stride. */
static void vector(Lower *L, const Type *t, LLVMValueRef v, LLVMValueRef *data, LLVMValueRef *n, LLVMValueRef *stride) {
    *data = cg_arr_data(L, v);
    *n = cg_arr_shape(L, v, 0);
    *stride = cg_arr_stride(L, t, v, 0);
}

/* choice(a, size=None, replace=True, p=None), its arguments at first.. (a Generator's g: then
 * axis, shuffle=True). */
static LLVMValueRef lower_choice(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types, LLVMValueRef g,
                                 int first) {
    const Type *at = types[first];
    LLVMValueRef av = args[first];
    bool from_int = at->kind != TY_ARRAY;
    LLVMValueRef pop = from_int ? cg_cast(L, av, at, ty_int64) : cg_arr_shape(L, av, 0);
    LLVMValueRef shape[64], n;
    size_dims(L, types[first + 1], args[first + 1], shape, &n);
    LLVMValueRef replace = given(ci, types, first + 2) ? LLVMBuildZExt(L->b, args[first + 2], L->i32, "")
                                                       : LLVMConstInt(L->i32, 1, 0);
    LLVMValueRef shuffle = g && given(ci, types, first + 5) ? LLVMBuildZExt(L->b, args[first + 5], L->i32, "")
                                                            : LLVMConstInt(L->i32, 1, 0);
    LLVMValueRef p = LLVMConstNull(L->ptr), np = i64c(L, 0), pstride = i64c(L, 0);
    if (given(ci, types, first + 3)) vector(L, types[first + 3], args[first + 3], &p, &np, &pstride);
    LLVMTypeRef ct[8] = {L->i32, L->i64, L->i32, L->i64, L->i32, L->ptr, L->i64, L->i64};
    LLVMValueRef ca[8] = {LLVMConstInt(L->i32, g != NULL, 0), pop, LLVMConstInt(L->i32, from_int, 0), n, replace,
                          p, np, pstride};
    raise_message(L, cg_call(L, "ember_rt_rdist_choice_check", L->ptr, ct, ca, 8));
    LLVMValueRef data;
    LLVMValueRef out = result(L, ci->ret, types[first + 1], args[first + 1], NULL, &data, &n);
    LLVMValueRef a = from_int ? LLVMConstNull(L->ptr) : cg_arr_data(L, av);
    LLVMValueRef astride = from_int ? i64c(L, 8) : cg_arr_stride(L, at, av, 0);
    LLVMValueRef isize = i64c(L, from_int ? 8 : ty_dtypes[at->dtype].size);
    LLVMTypeRef dt[11] = {L->ptr, L->i64, L->i64, L->i32, L->ptr, L->i64, L->i32, L->ptr, L->i64, L->i64, L->ptr};
    LLVMValueRef da[11] = {g ? g : LLVMConstNull(L->ptr), pop, n, replace, p, pstride, shuffle, a, astride, isize, data};
    cg_check_status(L, cg_call(L, "ember_rt_rdist_choice", L->i32, dt, da, 11));
    return finish(L, ci->ret, out, data);
}

/* dirichlet(alpha, size=None), multinomial(n, pvals, size=None), their arguments at first..:
 * size rows of len(vector). */
static LLVMValueRef lower_rows(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types, LLVMValueRef g,
                               int first, bool dir) {
    int v = first + (dir ? 0 : 1);
    LLVMValueRef data, k, stride, rows, out_data;
    vector(L, types[v], args[v], &data, &k, &stride);
    LLVMValueRef gen = LLVMConstInt(L->i32, g != NULL, 0);
    LLVMValueRef count = dir ? NULL : cg_cast(L, args[first], types[first], ty_int64);
    if (dir) {
        LLVMTypeRef ct[4] = {L->i32, L->ptr, L->i64, L->i64};
        LLVMValueRef ca[4] = {gen, data, k, stride};
        raise_message(L, cg_call(L, "ember_rt_rdist_dirichlet_check", L->ptr, ct, ca, 4));
    } else {
        LLVMTypeRef ct[5] = {L->i32, L->i64, L->ptr, L->i64, L->i64};
        LLVMValueRef ca[5] = {gen, count, data, k, stride};
        raise_message(L, cg_call(L, "ember_rt_rdist_multinomial_check", L->ptr, ct, ca, 5));
    }
    LLVMValueRef out = result(L, ci->ret, types[v + 1], args[v + 1], k, &out_data, &rows);
    LLVMValueRef gp = g ? g : LLVMConstNull(L->ptr);
    if (dir) {
        LLVMTypeRef pt[6] = {L->ptr, L->ptr, L->i64, L->i64, L->ptr, L->i64};
        LLVMValueRef a[6] = {gp, data, k, stride, out_data, rows};
        cg_check_status(L, cg_call(L, "ember_rt_rdist_dirichlet", L->i32, pt, a, 6));
    } else {
        LLVMTypeRef pt[7] = {L->ptr, L->i64, L->ptr, L->i64, L->i64, L->ptr, L->i64};
        LLVMValueRef a[7] = {gp, count, data, k, stride, out_data, rows};
        cg_call(L, "ember_rt_rdist_multinomial", L->voidt, pt, a, 7);
    }
    return out;
}

/* A module function of np.random (typeinfer/rdist.c ti_type_random_dist). */
LLVMValueRef cg_random_dist(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    int bid = ci->builtin;
    if (bid < BI_RND_STD_EXPONENTIAL + RD_COUNT) return lower_dist(L, ci, args, types, NULL, bid - BI_RND_STD_EXPONENTIAL, 0);
    switch (bid) {
    case BI_RND_CHOICE: return lower_choice(L, ci, args, types, NULL, 0);
    case BI_RND_SHUFFLE: return lower_shuffle(L, ci, args, types, NULL, RD_SHUFFLE, 0);
    case BI_RND_PERMUTATION: return lower_shuffle(L, ci, args, types, NULL, RD_PERMUTATION, 0);
    default: return lower_rows(L, ci, args, types, NULL, 0, bid == BI_RND_DIRICHLET);
    }
}

/* A Generator method of rdist.def, choice, shuffle, permutation, dirichlet or multinomial (ci->builtin RNG_DIST + its RD_*). */
LLVMValueRef cg_rng_dist(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    int kind = ci->builtin - RNG_DIST;
    if (kind < RD_COUNT) return lower_dist(L, ci, args, types, args[0], kind, 1);
    if (kind == RD_CHOICE) return lower_choice(L, ci, args, types, args[0], 1);
    if (kind == RD_DIRICHLET || kind == RD_MULTINOMIAL) return lower_rows(L, ci, args, types, args[0], 1, kind == RD_DIRICHLET);
    return lower_shuffle(L, ci, args, types, args[0], kind, 1);
}

/* ember._rdist.fill(name, g, out, a, b, c) (typeinfer/rdist.c ti_type_rdist_fill). */
LLVMValueRef cg_rdist_fill(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    int kind = ci->dtype;   /* typing's RD_* */
    const Type *ot = types[2];
    int nd = ot->ndim;
    LLVMValueRef shape = cg_entry_alloca(L, LLVMArrayType(L->i64, (unsigned)(nd ? nd : 1)), "bc.shape");
    LLVMValueRef strides = cg_entry_alloca(L, LLVMArrayType(L->i64, (unsigned)(3 * (nd ? nd : 1))), "bc.strides");
    LLVMValueRef data = cg_entry_alloca(L, LLVMArrayType(L->ptr, 3), "bc.data");
    LLVMValueRef codes = cg_entry_alloca(L, LLVMArrayType(L->i32, 3), "bc.codes");
    for (int d = 0; d < nd; d++) LLVMBuildStore(L->b, cg_arr_shape(L, args[2], d), cg_gep8(L, shape, i64c(L, 8 * d)));
    for (int k = 0; k < 3; k++) {
        const Type *t = types[3 + k];
        LLVMValueRef v = args[3 + k], p;
        int code;
        if (t->kind == TY_ARRAY) {
            p = cg_arr_data(L, v);
            code = ty_dtypes[t->dtype].kind << 8 | (int)ty_dtypes[t->dtype].size;
            for (int d = 0; d < nd; d++)
                LLVMBuildStore(L->b, cg_arr_stride(L, t, v, d), cg_gep8(L, strides, i64c(L, 8 * (k * nd + d))));
        } else {   /* a scalar: its value in a slot, read at every element */
            LLVMValueRef x = cg_cast(L, v, t, ty_float64);
            if (kind < RD_COUNT && dists[kind].ints >> k & 1 && !ty_is_int(t) && t != ty_bool) x = int_param(L, x);
            p = cg_entry_alloca(L, L->f64, "bc.scalar");
            LLVMBuildStore(L->b, x, p);
            code = 'f' << 8 | 8;
            for (int d = 0; d < nd; d++) LLVMBuildStore(L->b, i64c(L, 0), cg_gep8(L, strides, i64c(L, 8 * (k * nd + d))));
        }
        LLVMBuildStore(L->b, p, cg_gep8(L, data, i64c(L, 8 * k)));
        LLVMBuildStore(L->b, LLVMConstInt(L->i32, (unsigned long long)code, 0), cg_gep8(L, codes, i64c(L, 4 * k)));
    }
    LLVMValueRef msg = cg_entry_alloca(L, L->ptr, "bc.msg");
    LLVMValueRef g = types[1]->kind == TY_RNG ? args[1] : LLVMConstNull(L->ptr);
    LLVMTypeRef pt[9] = {L->ptr, L->i32, L->i64, L->ptr, L->ptr, L->ptr, L->ptr, L->ptr, L->ptr};
    LLVMValueRef a[9] = {g, LLVMConstInt(L->i32, (unsigned long long)kind, 0), i64c(L, nd), shape, data, strides, codes,
                         cg_arr_data(L, args[2]), msg};
    LLVMValueRef rc = cg_call(L, "ember_rt_rdist_fill_bcast", L->i32, pt, a, 9);
    LLVMBasicBlockRef bad = LLVMAppendBasicBlockInContext(L->c, L->func, "rdist.bad");
    LLVMBasicBlockRef ovf = LLVMAppendBasicBlockInContext(L->c, L->func, "rdist.overflow");
    LLVMBasicBlockRef val = LLVMAppendBasicBlockInContext(L->c, L->func, "rdist.value");
    LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(L->c, L->func, "rdist.ok");
    cg_br_expect(L, LLVMBuildICmp(L->b, LLVMIntNE, rc, LLVMConstInt(L->i32, 0, 0), ""), false, bad, ok);
    LLVMPositionBuilderAtEnd(L->b, bad);
    LLVMValueRef m = LLVMBuildLoad2(L->b, L->ptr, msg, "");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, rc, LLVMConstInt(L->i32, 2, 0), ""), ovf, val);
    LLVMPositionBuilderAtEnd(L->b, ovf);
    cg_emit_raise(L, cg_exc_class_of_name(L, "builtins:OverflowError"), m);
    LLVMPositionBuilderAtEnd(L->b, val);
    cg_emit_raise(L, cg_exc_class_of_name(L, "builtins:ValueError"), m);
    LLVMPositionBuilderAtEnd(L->b, ok);
    return LLVMGetUndef(cg_type(L, ty_none));
}
