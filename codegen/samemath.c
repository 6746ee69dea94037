/* samemath.c: after O3, every call of a maths function in a vectorised loop computed by one
 * vector variant, so a value's result does not depend on where its array lies or how long it is;
 * calls in scalar code computed by the C library's functions, as CPython and Numba compute them.
 *
 * Requires: an optimised module whose vector maths calls are glibc's (libmvec, `_ZGV<isa>N<lanes>
 * <v...>_<name>`, the x86-64 vector function ABI); jit.c runs this on the object's copy of the
 * module, after the bitcode is written.
 * Produces: the same module, where
 * - the SLP vectoriser's vector calls, which pack calls of scalar code, become the scalar function
 *   on each lane: all vector calls of a function without a loop the loop vectoriser made (no back
 *   edge with llvm.loop.isvectorized, cfg.c), and those outside loops in a function with one;
 * - in a function that still calls a maths function on vectors, a call in a loop calls only that
 *   function's widest variant, on every lane: a scalar call becomes the variant on a splat (lane 0
 *   kept), a narrower variant becomes the widest on its lanes repeated (its own kept).
 *
 * The loop vectoriser leaves three copies of a loop that calls exp: the vector loop (8 lanes with
 * AVX-512: _ZGVeN8v_exp), the vectorised epilogue (4 lanes: _ZGVdN4v_exp) and the scalar loop
 * (glibc's exp), which runs the last trips and the whole loop when the runtime check finds the
 * output within a few vectors after the input. The three disagree in the last bit for 0.01%-60%
 * of arguments, depending on the function (measured over 10^6 arguments: exp 43% scalar against
 * vector, log1p 12% between the 2- and 8-lane variants, sin 9%). So np.exp(x)[i] changed with
 * len(x), and a loop's results with the distance between two arrays: one process gave
 * 0.3132616875182229, the next, its arrays placed apart differently, 0.31326168751822286.
 *
 * With one variant per function, a lane's result is the variant's on that argument alone (its
 * lanes are independent: special arguments go to the scalar function lane by lane), wherever the
 * loop's copies split the work. The price is a wide call for the scalar loop's elements: 4.0 ns
 * against glibc's 3.2 ns for exp on a Zen 5, and only in the last trips of a vector loop.
 *
 * Scalar code keeps glibc's results. The SLP vectoriser packed a root finder's f(a) and f(b),
 * f = cos(x) - x, into _ZGVbN2v_cos; the function then called that variant for all its cos calls,
 * and Brent's method took a step 1 ulp away from CPython's, and one iteration more. "In a loop"
 * and not "in a vectorised loop": the loop unroller's remainder of the vectoriser's scalar loop
 * carries no llvm.loop.isvectorized, and its trips must call the variant too. So another scalar
 * loop of a function with a vectorised loop still calls the variant.
 * Run after the bitcode is written: a caller links that bitcode and inlines its scalar calls into
 * its own loops, which vectorise them only as scalars.
 */
#include "lower.h"

enum { MAX_VARIANTS = 32, MAX_NAME = 48, MAX_ARGS = 3, MAX_LANES = 64 };

/* A vector variant of a scalar maths function, from its mangled name. */
typedef struct {
    char scalar[MAX_NAME];   /* exp, expf, pow, ... */
    unsigned lanes;
    int nargs;
    LLVMValueRef fn;
} Variant;

/* Parses _ZGV<isa>N<lanes><v...>_<scalar>; unmasked variants with only vector arguments. */
static bool parse_variant(LLVMValueRef fn, Variant *out) {
    size_t len;
    const char *name = LLVMGetValueName2(fn, &len), *p = name + 5;
    if (len < 9 || strncmp(name, "_ZGV", 4) || *p++ != 'N') return false;
    unsigned lanes = 0;
    while (*p >= '0' && *p <= '9') lanes = lanes * 10 + (unsigned)(*p++ - '0');
    int nargs = 0;
    while (*p == 'v') p++, nargs++;
    if (!lanes || lanes > MAX_LANES || !nargs || nargs > MAX_ARGS || *p++ != '_' || strlen(p) >= MAX_NAME) return false;
    snprintf(out->scalar, sizeof out->scalar, "%s", p);
    out->lanes = lanes;
    out->nargs = nargs;
    out->fn = fn;
    return (int)LLVMCountParams(fn) == nargs;
}

/* The called function of instruction x, if x is a direct call. */
static LLVMValueRef callee_of(LLVMValueRef x) {
    if (LLVMGetInstructionOpcode(x) != LLVMCall) return NULL;
    LLVMValueRef f = LLVMGetCalledValue(x);
    return f && LLVMIsAFunction(f) ? f : NULL;
}

/* The libm name a scalar call computes: its callee's, or for an intrinsic llvm.exp.f64 "exp" and
 * llvm.exp.f32 "expf". Into buf; false when it is no such name. */
static bool scalar_name(LLVMValueRef f, char *buf, size_t cap) {
    size_t len;
    const char *name = LLVMGetValueName2(f, &len);
    if (strncmp(name, "llvm.", 5)) return snprintf(buf, cap, "%s", name) < (int)cap;
    if (len < 10 || name[len - 4] != '.' || name[len - 3] != 'f') return false;
    bool single = !strcmp(name + len - 3, "f32");
    if (!single && strcmp(name + len - 3, "f64")) return false;
    return snprintf(buf, cap, "%.*s%s", (int)(len - 9), name + 5, single ? "f" : "") < (int)cap;
}

/* The widest variant of `scalar` among the n found, or NULL. */
static const Variant *widest(const Variant *v, int n, const char *scalar) {
    const Variant *best = NULL;
    for (int k = 0; k < n; k++)
        if (!strcmp(v[k].scalar, scalar) && (!best || v[k].lanes > best->lanes)) best = &v[k];
    return best;
}

/* A constant i32 vector of `lanes` indices: k % mod, or all 0 when mod is 1. */
static LLVMValueRef lane_mask(LLVMContextRef c, unsigned lanes, unsigned mod) {
    LLVMValueRef idx[MAX_LANES];
    for (unsigned k = 0; k < lanes; k++) idx[k] = LLVMConstInt(LLVMInt32TypeInContext(c), k % mod, 0);
    return LLVMConstVector(idx, lanes);
}

/* Replace call x (a scalar call, narrow = 1 lane, or a variant of `narrow` lanes) by w on x's
 * arguments spread over w's lanes, keeping the first `narrow` lanes of its result. */
static void call_widest(LLVMBuilderRef b, LLVMValueRef x, const Variant *w, unsigned narrow, bool scalar) {
    LLVMContextRef c = LLVMGetTypeContext(LLVMTypeOf(x));
    LLVMTypeRef ft = LLVMGlobalGetValueType(w->fn), i32 = LLVMInt32TypeInContext(c);
    LLVMValueRef args[MAX_ARGS], spread = lane_mask(c, w->lanes, narrow);
    LLVMPositionBuilderBefore(b, x);
    for (int k = 0; k < w->nargs; k++) {
        LLVMValueRef a = LLVMGetOperand(x, (unsigned)k);
        if (scalar) {
            LLVMTypeRef one = LLVMVectorType(LLVMTypeOf(a), 1);
            a = LLVMBuildInsertElement(b, LLVMGetPoison(one), a, LLVMConstInt(i32, 0, 0), "");
        }
        args[k] = LLVMBuildShuffleVector(b, a, LLVMGetPoison(LLVMTypeOf(a)), spread, "");
    }
    LLVMValueRef r = LLVMBuildCall2(b, ft, w->fn, args, (unsigned)w->nargs, "");
    LLVMSetInstructionCallConv(r, LLVMGetFunctionCallConv(w->fn));
    if (LLVMCanValueUseFastMathFlags(x)) LLVMSetFastMathFlags(r, LLVMGetFastMathFlags(x));
    LLVMValueRef keep = scalar ? LLVMBuildExtractElement(b, r, LLVMConstInt(i32, 0, 0), "")
                               : LLVMBuildShuffleVector(b, r, LLVMGetPoison(LLVMTypeOf(r)), lane_mask(c, narrow, w->lanes), "");
    LLVMReplaceAllUsesWith(x, keep);
    LLVMInstructionEraseFromParent(x);
}

/* Replace vector call x of variant v by v's scalar function on each lane. */
static void call_lanes(LLVMBuilderRef b, LLVMValueRef x, const Variant *v, LLVMValueRef scalar) {
    LLVMContextRef c = LLVMGetTypeContext(LLVMTypeOf(x));
    LLVMTypeRef ft = LLVMGlobalGetValueType(scalar), i32 = LLVMInt32TypeInContext(c);
    LLVMPositionBuilderBefore(b, x);
    LLVMValueRef out = LLVMGetPoison(LLVMTypeOf(x));
    for (unsigned lane = 0; lane < v->lanes; lane++) {
        LLVMValueRef args[MAX_ARGS], at = LLVMConstInt(i32, lane, 0);
        for (int k = 0; k < v->nargs; k++) args[k] = LLVMBuildExtractElement(b, LLVMGetOperand(x, (unsigned)k), at, "");
        LLVMValueRef r = LLVMBuildCall2(b, ft, scalar, args, (unsigned)v->nargs, "");
        if (LLVMCanValueUseFastMathFlags(x)) LLVMSetFastMathFlags(r, LLVMGetFastMathFlags(x));
        out = LLVMBuildInsertElement(b, out, r, at, "");
    }
    LLVMReplaceAllUsesWith(x, out);
    LLVMInstructionEraseFromParent(x);
}

/* The C library's scalar function of variant v (declared in v's module when it is not yet), or
 * NULL when the module holds another function of that name. */
static LLVMValueRef scalar_of(const Variant *v) {
    LLVMModuleRef m = LLVMGetGlobalParent(v->fn);
    LLVMTypeRef vt = LLVMGlobalGetValueType(v->fn), el = LLVMGetElementType(LLVMGetReturnType(vt));
    LLVMTypeRef params[MAX_ARGS];
    for (int k = 0; k < v->nargs; k++) params[k] = el;
    LLVMTypeRef ft = LLVMFunctionType(el, params, (unsigned)v->nargs, 0);
    LLVMValueRef f = LLVMGetNamedFunction(m, v->scalar);
    if (!f) return LLVMAddFunction(m, v->scalar, ft);
    return LLVMGlobalGetValueType(f) == ft ? f : NULL;
}

/* Asked once per block: is the block of instruction x in a loop (can it reach itself)? */
typedef struct {
    Cfg g;
    LLVMBasicBlockRef last;
    bool in;
} Where;

static bool in_loop(Where *w, LLVMValueRef x) {
    LLVMBasicBlockRef bb = LLVMGetInstructionParent(x);
    if (bb != w->last) w->last = bb, w->in = cfg_reaches(&w->g, bb, bb, NULL);
    return w->in;
}

static bool has_variant_call(LLVMValueRef fn) {
    Variant v;
    for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb))
        for (LLVMValueRef x = LLVMGetFirstInstruction(bb); x; x = LLVMGetNextInstruction(x)) {
            LLVMValueRef f = callee_of(x);
            if (f && parse_variant(f, &v)) return true;
        }
    return false;
}

static void same_math_in(LLVMValueRef fn, LLVMBuilderRef b, unsigned loop_kind) {
    if (!has_variant_call(fn)) return;
    Where w = {0};
    if (cfg_open(&w.g, fn)) return;
    /* the SLP vectoriser's calls, packing calls of scalar code: all of them in a function without
     * a vectorised loop, those outside loops in one with */
    bool lv = cfg_has_vectorised_loop(fn, loop_kind);
    Variant found[MAX_VARIANTS], v;
    LLVMValueRef scalar;
    for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb))
        for (LLVMValueRef x = LLVMGetFirstInstruction(bb), next; x; x = next) {
            next = LLVMGetNextInstruction(x);
            LLVMValueRef f = callee_of(x);
            if (f && parse_variant(f, &v) && (!lv || !in_loop(&w, x)) && (scalar = scalar_of(&v))) call_lanes(b, x, &v, scalar);
        }
    int n = 0;
    for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb; bb = LLVMGetNextBasicBlock(bb))
        for (LLVMValueRef x = LLVMGetFirstInstruction(bb); x; x = LLVMGetNextInstruction(x)) {
            LLVMValueRef f = callee_of(x);
            bool known = false;
            for (int k = 0; f && k < n && !known; k++) known = found[k].fn == f;
            if (f && !known && n < MAX_VARIANTS && parse_variant(f, &found[n])) n++;
        }
    char name[MAX_NAME];
    for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(fn); bb && n; bb = LLVMGetNextBasicBlock(bb))
        for (LLVMValueRef x = LLVMGetFirstInstruction(bb), next; x; x = next) {
            next = LLVMGetNextInstruction(x);
            LLVMValueRef f = callee_of(x);
            const Variant *wide;
            if (!f) continue;
            if (parse_variant(f, &v)) {
                if ((wide = widest(found, n, v.scalar)) && wide->lanes > v.lanes && wide->lanes % v.lanes == 0 && wide->nargs == v.nargs)
                    call_widest(b, x, wide, v.lanes, false);
            } else if (LLVMGetTypeKind(LLVMTypeOf(x)) != LLVMVectorTypeKind && scalar_name(f, name, sizeof name) &&
                       (wide = widest(found, n, name)) && (int)LLVMCountParams(f) == wide->nargs &&
                       LLVMTypeOf(x) == LLVMGetElementType(LLVMGetReturnType(LLVMGlobalGetValueType(wide->fn))) &&
                       in_loop(&w, x)) {
                call_widest(b, x, wide, 1, true);
            }
        }
    cfg_close(&w.g);
}

void cg_same_vector_maths(LLVMModuleRef m) {
    LLVMBuilderRef b = LLVMCreateBuilderInContext(LLVMGetModuleContext(m));
    unsigned loop_kind = LLVMGetMDKindIDInContext(LLVMGetModuleContext(m), "llvm.loop", 9);
    for (LLVMValueRef fn = LLVMGetFirstFunction(m); fn; fn = LLVMGetNextFunction(fn))
        if (LLVMGetFirstBasicBlock(fn)) same_math_in(fn, b, loop_kind);
    LLVMDisposeBuilder(b);
}
