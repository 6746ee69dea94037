/* lower_pyrandom.c: calls of Python's random module (typeinfer/pyrandom.c): one runtime call
 * each on the thread's random-module generator (runtime/random.c), but random() and uniform(),
 * drawn inline as np.random.random() is (cg_rng_double). getrandbits, randrange and randint raise
 * from the runtime (cg_rt_status_call); the others cannot fail.
 */
#include "lower.h"

static bool given(CallInfo *ci, const Type **types, int i) { return ci->argmap[i] >= 0 && types[i]->kind != TY_NONE; }

static LLVMValueRef as_f64(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types, int i, double dflt) {
    return given(ci, types, i) ? cg_cast(L, args[i], types[i], ty_float64) : LLVMConstReal(L->f64, dflt);
}

static LLVMValueRef as_i64(Lower *L, LLVMValueRef *args, const Type **types, int i) {
    return cg_cast(L, args[i], types[i], ty_int64);
}

LLVMValueRef cg_pyrandom_call(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    LLVMTypeRef dp[2] = {L->f64, L->f64}, ip[3] = {L->i64, L->i64, L->i64};
    switch (ci->builtin) {
    case BI_PYR_SEED:
        if (given(ci, types, 0)) {
            LLVMValueRef s = as_i64(L, args, types, 0);
            cg_call(L, "ember_rt_pyrandom_seed", L->voidt, &L->i64, &s, 1);
        } else {
            cg_call(L, "ember_rt_pyrandom_seed_entropy", L->voidt, NULL, NULL, 0);
        }
        return LLVMConstInt(L->i8, 0, 0);
    case BI_PYR_RANDOM: return cg_rng_double(L, cg_rng_state(L, "ember_rt_pyrandom_state"));
    case BI_PYR_GAUSS: case BI_PYR_NORMALVARIATE: {
        LLVMValueRef a[2] = {as_f64(L, ci, args, types, 0, 0.0), as_f64(L, ci, args, types, 1, 1.0)};
        return cg_call(L, "ember_rt_pyrandom_gauss", L->f64, dp, a, 2);
    }
    case BI_PYR_UNIFORM: {   /* a + (b - a) * random(), as CPython and Numba */
        LLVMValueRef a = as_f64(L, ci, args, types, 0, 0.0), b = as_f64(L, ci, args, types, 1, 0.0);
        LLVMValueRef r = cg_rng_double(L, cg_rng_state(L, "ember_rt_pyrandom_state"));
        return LLVMBuildFAdd(L->b, a, LLVMBuildFMul(L->b, LLVMBuildFSub(L->b, b, a, ""), r, ""), "");
    }
    case BI_PYR_GETRANDBITS: {
        LLVMValueRef k = as_i64(L, args, types, 0);
        return cg_rt_status_call(L, "ember_rt_pyrandom_getrandbits", L->i64, ip, &k, 1);
    }
    case BI_PYR_RANDRANGE: case BI_PYR_RANDINT: {
        LLVMValueRef a[3];
        if (ci->builtin == BI_PYR_RANDINT) {
            a[0] = as_i64(L, args, types, 0);
            a[1] = as_i64(L, args, types, 1);
            return cg_rt_status_call(L, "ember_rt_pyrandom_randint", L->i64, ip, a, 2);
        } else if (given(ci, types, 1)) {
            a[0] = as_i64(L, args, types, 0);
            a[1] = as_i64(L, args, types, 1);
        } else {   /* randrange(stop) */
            a[0] = LLVMConstInt(L->i64, 0, 0);
            a[1] = as_i64(L, args, types, 0);
        }
        a[2] = given(ci, types, 2) ? as_i64(L, args, types, 2) : LLVMConstInt(L->i64, 1, 0);
        return cg_rt_status_call(L, "ember_rt_pyrandom_randrange", L->i64, ip, a, 3);
    }
    }
    return NULL;
}
