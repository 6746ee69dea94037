/* jit.c: the target machine, the optimisation pipeline and object emission.
 *
 * Each compile builds its module in a fresh LLVMContext, links in the bitcode of the compiled
 * functions it calls and makes their definitions internal (so O3 may inline them, and the object
 * is self-contained), and keeps that module, unoptimised, as its bitcode (seal). Code is made from
 * the bitcode when it is needed (with the compile, when Python calls the function; later for a
 * callee): LLVMRunPasses("default<O3>") with a target machine for the host CPU, and an ELF
 * object. The driver loads that object with runtime/loader.c, which resolves the runtime
 * (ember_rt_*) and C library functions by name: the same bytes go to the on-disk cache and into
 * AOT modules (contract 1). The target machine is this file's only state, made once under the
 * compile lock.
 */
#include "lower.h"
#include "loader.h"
#include "o3_pipeline.h"   /* EMBER_O3_PIPELINE, made by CMakeLists.txt */
#include <llvm-c/Analysis.h>
#include <llvm-c/BitReader.h>
#include <llvm-c/BitWriter.h>
#include <llvm-c/Error.h>
#include <llvm-c/Linker.h>
#include <llvm-c/Support.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <dlfcn.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

int cg_lower_module(Ctx *ctx, TypeInfo *ti, LLVMContextRef c, LLVMModuleRef m, const char *cpu,
                    const char *features, bool *runtime_fails);
int cg_lower_wrapper(Ctx *ctx, const CgWrap *w, LLVMContextRef c, LLVMModuleRef m, const char *cpu,
                     const char *features);

static LLVMTargetMachineRef tm;
static char *triple, *cpu, *features;
static char *o3;   /* the O3 pipeline run_passes runs (o3_pipeline), or NULL: default<O3> */

enum { MAX_EXTRA_OPTIONS = 16, MAX_SCALAR_FNS = 8, MAX_SCALAR_LOOPS = 16 };

/* A loop as lower.c names it in its llvm.loop node: its function and its head's offset. */
typedef struct {
    const char *fn;   /* len bytes */
    size_t len;
    int head;
} LoopName;

/* What to compile again differently (finish): functions without SLP vectorisation (mark_scalar),
 * loops without loop vectorisation (keep_loops_scalar), the whole module with switches lowered
 * before the loop vectoriser (switch_in_loop), or with its assumptions dropped there
 * (replicated_assumes). */
typedef struct {
    const char *names[MAX_SCALAR_FNS];
    int n;
    LoopName loops[MAX_SCALAR_LOOPS];
    int nloops;
    bool lower_switch, drop_assumes;
} Retry;

/* EMBER_LLVM_OPTIONS="-opt1 -opt2=v": extra LLVM command-line options after ember's own (a
 * later option wins), for comparing pipeline settings without a rebuild. Splits `s` in place on
 * blanks into at most `max` words; returns how many. */
static int split_options(char *s, const char **out, int max) {
    int n = 0;
    for (char *w = s ? strtok(s, " \t") : NULL; w && n < max; w = strtok(NULL, " \t")) out[n++] = w;
    return n;
}

/* text (an O3 pipeline) with passes `ins` (ending in a comma) just before the pass group that
 * `at` begins, malloc'd; NULL if it has none. */
static char *passes_before(const char *text, const char *at, const char *ins) {
    const char *g = text ? strstr(text, at) : NULL;
    if (!g) return NULL;
    size_t k = (size_t)(g - text);
    char *p = malloc(strlen(text) + strlen(ins) + 1);
    if (!p) return NULL;
    memcpy(p, text, k);
    strcpy(p + k, ins);
    strcat(p, g);
    return p;
}

/* LLVM 19's O3 pipeline with lower-switch just before the loop vectoriser, or NULL. That
 * vectoriser refuses a loop holding a switch, and simplifycfg turns `if c == 3 or c == 2:` into
 * one, so a game-of-life rule or a test of a category code kept its loop scalar and branchy
 * (10-18x Numba, whose newer LLVM vectorises switches). Lowered to branches again, the switch is
 * predicated like any if; simplifycfg makes switches again after the vectoriser, for the code it
 * leaves scalar. Only a module whose optimised code has a switch in a loop (switch_in_loop) is
 * optimised again with it: the pipeline as text is not quite default<O3> as LLVMRunPasses builds
 * it (row sums of 10 doubles 10% slower under it, even without lower-switch). */
static char *o3_pipeline(void) { return passes_before(EMBER_O3_PIPELINE, "loop-vectorize<", "lower-switch,"); }

int cg_jit_init(void) {
    if (tm) return 0;
    LLVMInitializeNativeTarget();
    LLVMInitializeNativeAsmPrinter();
    LLVMInitializeNativeAsmParser();
    triple = LLVMGetDefaultTargetTriple();
    /* Compiled loops leave early only to raise (or at a break). LLVM runtime-unrolls a loop with
     * one such side exit only when told the exit is rare; without this a checked conversion
     * like int(x) in a loop keeps it at one element per trip (histogram: 20 -> 35 ms without).
     * The vectoriser's options:
     * - ordered reductions: a float sum in a loop (s += f(x[i])) keeps Python's order, so LLVM
     *   vectorises the loop only with in-order (strict) reductions: the sum stays sequential,
     *   bit for bit, while the rest of the loop, maths calls included, runs on vectors;
     * - epilogue vectorisation from a main width of one vector of doubles (LLVM's default needs
     *   16, so the remainder of a loop over a few hundred columns, or of a short inner loop over
     *   a point's coordinates, ran one element at a time): 8 with AVX-512, 4 with AVX2 (callgrind
     *   over 17 loop kernels on a Zen 3: 0.85x the instructions, a distance over 8 coordinates
     *   15.0M -> 10.2M, Numba 9.6M).
     * - interleaving up to a scalar loop cost of 60 (LLVM's default is 20: a larger body runs one
     *   vector per trip): two or more vectors per trip in loops like a Game of Life step (9 loads
     *   and a select per cell: 1.17x -> 0.92x C) or a distance over 3 coordinates (0.81x ->
     *   0.66x C); over bench_loops_c.py's 49 kernels 0.98x the time, none more than 5% slower.
     *   A loop that calls a maths function keeps one vector per trip (cg_loop_end): around the
     *   call every vector register is spilled, and np.tanh(x) + np.log1p(x * x) ran 1.25x slower
     *   interleaved.
     * Loops over exp, sin, log, pow, ... vectorise with glibc's vector maths (at most 4 ulp, as
     * NumPy's SIMD loops) where it loads; the loader resolves those calls (runtime/loader.c).
     * On x86 the backend's domain reassignment (GPR logic moved to AVX-512 mask registers) is
     * off: it grows quadratically with a function's size (NPBench's vadv, 72 vector loops in one
     * function: 4.8 s of codegen's 8.6, the first call 27 -> 13 s), and turning it off changed no
     * instruction count of bench_loops_c.py's 37 kernels (--callgrind --ab).
     * The SLP vectoriser packs a tree only where it saves 2 or more of its cost units (LLVM's
     * threshold is 0): a tree saving one packs the loads of elements the loop stored just before
     * into one vector (acc[i] -= f; acc[i + 1] += f over i: each trip's 16-byte load overlaps the
     * last trip's 16-byte store, which x86 cannot forward) and stalls on every trip: a spring
     * chain over a strided array ran 10.9 ms against Numba's 0.67, 0.77 with the threshold.
     * bench_loops_c.py's kernels make the same code; of the 170 in bench_idioms_numba.py and
     * bench_loops_numba.py the 24 whose code changes run 0.91-1.04x the time.
     * The vectoriser's overlap test of an inner loop stays per trip of the loop around it (LLVM
     * widens it by default to cover every trip of the outer loop, so it is tested once): a row
     * updated from another row of the same array (d[i, j] = min(d[i, j], d[i, k] + d[k, j]),
     * Gauss-Jordan's a[i, j] -= f * a[k, j] over every i but k) overlaps the source row on the
     * outer loop's whole range, the widened test always failed, and the loop ran scalar on every
     * row: 300x300 min-plus sweeps 18.5 -> 1.9 ms (C 1.9), Gauss-Jordan 200x200 1.9 -> 0.67
     * (C 0.69). */
    o3 = o3_pipeline();
    cpu = LLVMGetHostCPUName();
    features = LLVMGetHostCPUFeatures();
    /* AMD's Zen: no gathers from the loop vectoriser (+prefer-no-gather; a conditional store may
     * still scatter). LLVM 19 counts an AVX-512 gather as about one load per lane, and on a
     * Zen 4 one takes ~12 cycles for 8 doubles: loops over strided data (a record array's field,
     * a column, an (n, 2) polygon's points) vectorised with gathers ran slower than their scalar
     * code. Without them those loops stay scalar or load by lanes: a particle update over a
     * record array 1.25 -> 0.29 ms (numba 0.44), point-in-polygon over an (n, 2) array 3.78 ->
     * 1.10 ms (numba 3.6), a conditional store into a record field 0.088 -> 0.069 ms; the
     * suites in docs/performance.md, "Session 34". Intel's CPUs keep LLVM's own tuning. */
    if (cpu && !strncmp(cpu, "znver", 5) && cg_feature_in(features, "+avx512f")) {
        size_t n = strlen(features);
        char *more = malloc(n + 32);
        if (more) {
            snprintf(more, n + 32, "%s,+prefer-no-gather", features);
            LLVMDisposeMessage(features);
            features = more;
        }
    }
    const char *epilogue_vf = cg_feature_in(features, "+avx512f") ? "-epilogue-vectorization-minimum-VF=8"
                              : cg_feature_in(features, "+avx")   ? "-epilogue-vectorization-minimum-VF=4"
                                                                  : "-epilogue-vectorization-minimum-VF=2";
    const char *argv[10 + MAX_EXTRA_OPTIONS] = {"ember", "-unroll-runtime-other-exit-predictable",
                                               "-force-ordered-reductions", epilogue_vf, "-small-loop-cost=60",
                                               "-slp-threshold=2", "-hoist-runtime-checks=false"};
    int argc = 7;
    if (!strncmp(triple, "x86_64", 6)) argv[argc++] = "-disable-x86-domain-reassignment";
    if (!strncmp(triple, "x86_64", 6) && dlopen(RT_LIBMVEC, RTLD_NOW | RTLD_LOCAL))
        argv[argc++] = "-vector-library=LIBMVEC-X86";
    char *extra = getenv("EMBER_LLVM_OPTIONS") ? strdup(getenv("EMBER_LLVM_OPTIONS")) : NULL;
    argc += split_options(extra, argv + argc, MAX_EXTRA_OPTIONS);
    LLVMParseCommandLineOptions(argc, argv, NULL);
    free(extra);   /* LLVM copies option values it keeps */
    LLVMTargetRef target;
    char *msg = NULL;
    if (LLVMGetTargetFromTriple(triple, &target, &msg)) {
        PyErr_Format(PyExc_RuntimeError, "ember: no LLVM target for %s: %s", triple, msg);
        LLVMDisposeMessage(msg);
        return -1;
    }
    tm = LLVMCreateTargetMachine(target, triple, cpu, features, LLVMCodeGenLevelAggressive,
                                 LLVMRelocPIC, LLVMCodeModelDefault);
    return 0;
}

/* Link a callee's optimised module into `m`, so the caller's declarations resolve to its
 * definitions; make_linked_internal then hides them. */
static int link_callee(Ctx *ctx, LLVMContextRef c, LLVMModuleRef m, PyObject *bitcode) {
    LLVMMemoryBufferRef buf = LLVMCreateMemoryBufferWithMemoryRange(
        PyBytes_AS_STRING(bitcode), (size_t)PyBytes_GET_SIZE(bitcode), "callee", 0);
    LLVMModuleRef src;
    if (LLVMParseBitcodeInContext2(c, buf, &src)) {
        LLVMDisposeMemoryBuffer(buf);
        return ctx_error(ctx, DIAG_INTERNAL, NULL, (Loc){0, -1, -1}, "cannot read a callee's bitcode");
    }
    LLVMDisposeMemoryBuffer(buf);
    /* Two callees may each bring the same cached callee (named by its cache key, so the same
     * code): link_once_odr keeps one. */
    for (LLVMValueRef f = LLVMGetFirstFunction(src); f; f = LLVMGetNextFunction(f))
        if (!LLVMIsDeclaration(f) && LLVMGetLinkage(f) == LLVMExternalLinkage) LLVMSetLinkage(f, LLVMLinkOnceODRLinkage);
    if (LLVMLinkModules2(m, src))
        return ctx_error(ctx, DIAG_INTERNAL, NULL, (Loc){0, -1, -1}, "cannot link a callee's bitcode");
    return 0;
}

static int link_callees(Ctx *ctx, LLVMContextRef c, LLVMModuleRef m, TypeInfo *ti, PyObject *seen) {
    for (int i = 0; i < ti->fn->ninstrs; i++) {
        CallInfo *ci = ti->calls[i];
        if (ci && ci->key) ci = ci->key;   /* sort(key=f): the call of f the sort makes */
        if (!ci || ci->kind != CALL_NATIVE || !ci->bitcode) continue;
        int has = PySet_Contains(seen, ci->bitcode);
        if (has < 0) return -1;
        if (has) continue;
        if (PySet_Add(seen, ci->bitcode) < 0 || link_callee(ctx, c, m, ci->bitcode)) return -1;
    }
    for (int k = 0; k < ti->ninners && ti->root == ti; k++)
        if (link_callees(ctx, c, m, ti->inners[k], seen)) return -1;
    for (int k = 0; k < ti->nfuncrefs && ti->root == ti; k++) {   /* functions used as FunctionType values */
        PyObject *bc = ti->funcrefs[k].bitcode;
        int has = bc ? PySet_Contains(seen, bc) : 1;
        if (has < 0) return -1;
        if (!has && (PySet_Add(seen, bc) < 0 || link_callee(ctx, c, m, bc))) return -1;
    }
    for (int k = 1; ti->cycle && ti->cycle->members[0] == ti && k < ti->cycle->n; k++)   /* its recursion cycle's */
        if (link_callees(ctx, c, m, ti->cycle->members[k], seen)) return -1;
    return 0;
}

/* Every function but this specialisation's own three (<sym>, <sym>.x, which compiled callers call,
 * and <sym>.entry) becomes internal:
 * the object defines private copies of its callees and needs no other compiled code. */
static void make_linked_internal(LLVMModuleRef m, const char *sym) {
    size_t n = strlen(sym);
    for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f)) {
        if (LLVMIsDeclaration(f)) continue;
        size_t len;
        const char *name = LLVMGetValueName2(f, &len);
        bool own = len >= n && !memcmp(name, sym, n) && (len == n || !strcmp(name + n, ".entry") || !strcmp(name + n, ".x"));
        if (!own) LLVMSetLinkage(f, LLVMInternalLinkage);
    }
}

/* Does this compile (the function, its inner functions) see an unaligned array anywhere? Such
 * arrays only come in as arguments or from calls, so every one has a value of its type. */
static bool touches_unaligned(TypeInfo *ti) {
    for (int i = 0; i < ti->nargs; i++)
        if (ty_has_unaligned(ti->argtypes[i])) return true;
    for (int i = 0; i < ti->fn->ninstrs; i++)
        if (ti->vtypes[i] && ty_has_unaligned(ti->vtypes[i])) return true;
    for (int k = 0; k < ti->ninners; k++)
        if (touches_unaligned(ti->inners[k])) return true;
    for (int k = 1; ti->cycle && ti->cycle->members[0] == ti && k < ti->cycle->n; k++)
        if (touches_unaligned(ti->cycle->members[k])) return true;
    return false;
}

/* Mark every load and store of `m` that does not address a stack slot `align 1`: the code of a
 * specialisation that takes or makes an unaligned view (types.h) then never tells LLVM that an
 * element is aligned, wherever in lowering the element access was emitted. Slots keep their
 * alignment (SROA and mem2reg do not depend on it). Specialisations over aligned arrays never get
 * here, so their code is unchanged; on x86-64 an unaligned vector load of data that happens to
 * be aligned costs the same as an aligned one. Runs before callees are linked in: a callee
 * compiled for aligned arrays only ever receives aligned ones. */
static void mark_unaligned(LLVMModuleRef m) {
    for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
        for (LLVMBasicBlockRef b = LLVMGetFirstBasicBlock(f); b; b = LLVMGetNextBasicBlock(b))
            for (LLVMValueRef in = LLVMGetFirstInstruction(b); in; in = LLVMGetNextInstruction(in)) {
                LLVMValueRef p;
                if (LLVMIsALoadInst(in)) p = LLVMGetOperand(in, 0);
                else if (LLVMIsAStoreInst(in)) p = LLVMGetOperand(in, 1);
                else continue;
                if (!LLVMIsAAllocaInst(p)) LLVMSetAlignment(in, 1);
            }
}

/* EMBER_DUMP=time: seconds since an arbitrary start, and a module's instruction count. */
static double now_s(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static long instructions(LLVMModuleRef m) {
    long n = 0;
    for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
        for (LLVMBasicBlockRef b = LLVMGetFirstBasicBlock(f); b; b = LLVMGetNextBasicBlock(b))
            for (LLVMValueRef i = LLVMGetFirstInstruction(b); i; i = LLVMGetNextInstruction(i)) n++;
    return n;
}

static void dump_module(const char *title, LLVMModuleRef m) {
    char *s = LLVMPrintModuleToString(m);
    PySys_FormatStderr("--- %s ---\n", title);
    fputs(s, stderr);   /* the module may be long; PySys_Write* truncates */
    LLVMDisposeMessage(s);
}

/* Does v come back into itself along its uses (through vector phis only when `vector_phis`)?
 * At most 1024 values walked; past that, the answer is `vector_phis` (each caller's answer that
 * changes nothing). */
static bool comes_back(LLVMValueRef v0, bool vector_phis) {
    enum { MAX = 1024 };
    LLVMValueRef seen[MAX], stack[MAX];
    int nseen = 0, top = 0;
    stack[top++] = v0;
    while (top) {
        LLVMValueRef v = stack[--top];
        for (LLVMUseRef u = LLVMGetFirstUse(v); u; u = LLVMGetNextUse(u)) {
            LLVMValueRef w = LLVMGetUser(u);
            if (w == v0) return true;
            if (!LLVMIsAInstruction(w) || LLVMIsAStoreInst(w)) continue;
            if (!vector_phis && LLVMIsAPHINode(w) && LLVMGetTypeKind(LLVMTypeOf(w)) == LLVMVectorTypeKind) continue;
            bool dup = false;
            for (int i = 0; i < nseen && !dup; i++) dup = seen[i] == w;
            if (dup) continue;
            if (nseen == MAX || top == MAX) return vector_phis;
            seen[nseen++] = w;
            stack[top++] = w;
        }
    }
    return false;
}

/* Is `red` (an integer llvm.vector.reduce.*) on a loop-carried dependency cycle of its own,
 * i.e. does its result, through a loop's scalar phi and no vector phi, come back into its
 * own operand? Then the reduction made by the SLP vectoriser sits on a loop-carried chain and
 * adds its latency (broadcast, lane test, shuffles, extract: 15-20 cycles) to every trip, which
 * LLVM 19's cost model does not count. A reduction made by the loop vectoriser does not
 * qualify: its way back to its operand passes a vector phi. Walks at most 1024 values. */
static bool on_scalar_cycle(LLVMValueRef red) { return comes_back(red, false); }

/* Is `in` a call of an LLVM intrinsic whose name starts with `prefix`? */
bool cg_calls_intrinsic(LLVMValueRef in, const char *prefix) {
    LLVMValueRef callee = LLVMIsACallInst(in) ? LLVMGetCalledValue(in) : NULL;
    size_t len;
    const char *name = callee ? LLVMGetValueName2(callee, &len) : "";
    return !strncmp(name, prefix, strlen(prefix));
}

/* rewrite(b, in) for every instruction of m, in order; a rewrite may erase in and what comes
 * before it (the passes after O3: widen.c, selectop.c, scatter.c). */
void cg_rewrite_each(LLVMModuleRef m, bool (*rewrite)(LLVMBuilderRef, LLVMValueRef)) {
    LLVMBuilderRef b = LLVMCreateBuilderInContext(LLVMGetModuleContext(m));
    for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
        for (LLVMBasicBlockRef bb = LLVMGetFirstBasicBlock(f); bb; bb = LLVMGetNextBasicBlock(bb))
            for (LLVMValueRef in = LLVMGetFirstInstruction(bb), next; in; in = next) {
                next = LLVMGetNextInstruction(in);
                rewrite(b, in);
            }
    LLVMDisposeBuilder(b);
}

static bool has_latency_bound_reduction(LLVMValueRef f) {
    for (LLVMBasicBlockRef b = LLVMGetFirstBasicBlock(f); b; b = LLVMGetNextBasicBlock(b))
        for (LLVMValueRef in = LLVMGetFirstInstruction(b); in; in = LLVMGetNextInstruction(in)) {
            if (LLVMGetTypeKind(LLVMTypeOf(in)) == LLVMIntegerTypeKind && cg_calls_intrinsic(in, "llvm.vector.reduce.") &&
                on_scalar_cycle(in))
                return true;
        }
    return false;
}

static bool const_lane(LLVMValueRef idx, unsigned long long *lane) {
    if (!LLVMIsAConstantInt(idx)) return false;
    *lane = LLVMConstIntGetZExtValue(idx);
    return true;
}

/* Does `user`, reached from its operand `from`, move a lane of `from` to another lane (or out of
 * lane 0)? A shuffle taking element j of `from` into element i != j (a swap, a broadcast, the
 * upper half), an extract of any lane but 0, an insert of a scalar into any lane but 0, a
 * vector reduction. A blend (element i from lane i of either operand) moves nothing: it is
 * the select that ends an SLP-made fsub/fadd pair. On x86 each move is a shuffle instruction
 * on the path, 1-3 cycles of latency that the scalar code does not have. */
static bool moves_lanes(LLVMValueRef user, LLVMValueRef from) {
    if (LLVMIsAShuffleVectorInst(user)) {
        unsigned n = LLVMGetVectorSize(LLVMTypeOf(LLVMGetOperand(user, 0)));
        int undef = LLVMGetUndefMaskElem();
        for (unsigned i = 0, k = LLVMGetNumMaskElements(user); i < k; i++) {
            int e = LLVMGetMaskValue(user, i);
            if (e == undef) continue;
            unsigned src = (unsigned)e / n, lane = (unsigned)e % n;
            if (LLVMGetOperand(user, src) == from && lane != i) return true;
        }
        return false;
    }
    unsigned long long lane;
    if (LLVMIsAExtractElementInst(user))
        return LLVMGetOperand(user, 0) == from && (!const_lane(LLVMGetOperand(user, 1), &lane) || lane != 0);
    if (LLVMIsAInsertElementInst(user))
        return LLVMGetOperand(user, 1) == from && (!const_lane(LLVMGetOperand(user, 2), &lane) || lane != 0);
    return cg_calls_intrinsic(user, "llvm.vector.reduce.");
}

/* Does the vector phi `phi` come back to itself through a lane move (moves_lanes)? A
 * depth-first walk over (value, moved yet) pairs along uses, at most 1024 of each. Example
 * (a rotation x, y = c*x - s*y, s*x + c*y, which SLP packs as <x, y>): phi -> fmul by s ->
 * shuffle <1, 0> (the move) -> fsub and fadd -> blend <0, 3> -> phi. */
static bool crosses_lanes_on_cycle(LLVMValueRef phi) {
    enum { MAX = 1024 };
    LLVMValueRef seen[2][MAX], stack[MAX];
    bool moved_stack[MAX];
    int nseen[2] = {0, 0}, top = 0;
    stack[top] = phi, moved_stack[top++] = false;
    while (top) {
        LLVMValueRef v = stack[--top];
        bool moved = moved_stack[top];
        for (LLVMUseRef u = LLVMGetFirstUse(v); u; u = LLVMGetNextUse(u)) {
            LLVMValueRef w = LLVMGetUser(u);
            if (!LLVMIsAInstruction(w) || LLVMIsAStoreInst(w)) continue;
            bool m = moved || moves_lanes(w, v);
            if (w == phi) {
                if (m) return true;
                continue;
            }
            bool dup = false;
            for (int i = 0; i < nseen[m] && !dup; i++) dup = seen[m][i] == w;
            if (dup) continue;
            if (nseen[m] == MAX || top == MAX) return false;
            seen[m][nseen[m]++] = w;
            stack[top] = w, moved_stack[top++] = m;
        }
    }
    return false;
}

/* Has f a recurrence the SLP vectoriser packed into a vector phi whose loop-carried cycle moves
 * lanes (crosses_lanes_on_cycle)? The loop is latency-bound, and the moves lengthen its chain:
 * LLVM 19's SLP cost model counts throughput, not the loop-carried latency. Vector phis of loops
 * the loop vectoriser made do not count (a first-order recurrence there is a lane-moving splice
 * by design). */
static bool has_lane_crossing_recurrence(LLVMValueRef f, unsigned loop_kind) {
    for (LLVMBasicBlockRef b = LLVMGetFirstBasicBlock(f); b; b = LLVMGetNextBasicBlock(b))
        for (LLVMValueRef in = LLVMGetFirstInstruction(b); in && LLVMIsAPHINode(in); in = LLVMGetNextInstruction(in)) {
            if (LLVMGetTypeKind(LLVMTypeOf(in)) != LLVMVectorTypeKind) continue;
            bool lv = false;
            for (unsigned i = 0, n = LLVMCountIncoming(in); i < n && !lv; i++)
                lv = cfg_ends_vectorised_loop(LLVMGetIncomingBlock(in, i), loop_kind);
            if (!lv && crosses_lanes_on_cycle(in)) return true;
        }
    return false;
}

/* Has f a vector phi the SLP vectoriser made where two branches join (not a loop-carried value),
 * whose lanes the code after the join extracts again? Each branch builds the vector (inserts, a
 * broadcast), and the join's users take it apart (extracts, shuffles): moves on the path that
 * the cost model counts as cheaper than the scalar operations it packs. Example: the two roots
 * of a quadratic, (re, im) packed in each branch of `if d >= 0`, then read one by one: 10%
 * slower than the scalar code (quad_roots_helpers 2.21 -> 1.99 ms without SLP). */
static bool has_extracted_join_phi(LLVMValueRef f) {
    for (LLVMBasicBlockRef b = LLVMGetFirstBasicBlock(f); b; b = LLVMGetNextBasicBlock(b))
        for (LLVMValueRef in = LLVMGetFirstInstruction(b); in && LLVMIsAPHINode(in); in = LLVMGetNextInstruction(in)) {
            if (LLVMGetTypeKind(LLVMTypeOf(in)) != LLVMVectorTypeKind) continue;
            bool extracted = false;
            for (LLVMUseRef u = LLVMGetFirstUse(in); u && !extracted; u = LLVMGetNextUse(u))
                extracted = LLVMIsAExtractElementInst(LLVMGetUser(u)) != NULL;
            if (extracted && !comes_back(in, true)) return true;
        }
    return false;
}

/* The functions of optimised `m` where the SLP vectoriser made the code slower (a longer
 * loop-carried chain, moves between lanes) and that have no loop the loop vectoriser made, into
 * names (ctx strings, at most MAX_SCALAR_FNS); returns how many. Three shapes:
 * - an integer reduction on a loop-carried chain (on_scalar_cycle). Example: a bitwise CRC,
 *   whose eight unrolled shift/XOR steps per byte SLP turns into a lane test of four bits and an
 *   XOR reduction: 1.5x slower than the scalar code;
 * - a recurrence packed into a vector phi whose cycle moves lanes (has_lane_crossing_recurrence).
 *   Example: a rotation of a point, a 2x2 state-space filter, an RK4 step on a pair: 1.1-1.25x
 *   slower than the scalar code;
 * - a vector phi where two branches join whose lanes are extracted again (has_extracted_join_phi).
 * compile_once then lowers the module again with those functions `noimplicitfloat`, which keeps
 * the SLP vectoriser out of them. A function with a vectorised loop keeps its code, as the
 * attribute would stop the loop vectoriser too: the recurrence costs at most ~1.25x, a
 * de-vectorised loop up to the vector width. (Turning SLP off for the whole module instead is not
 * possible through the C API: LLVM 19.1's LLVMRunPasses runs the SLP vectoriser at O2 and O3
 * whatever LLVMPassBuilderOptionsSetSLPVectorization says; docs/performance.md, slprec.) */
static int latency_bound_functions(Ctx *ctx, LLVMModuleRef m, const char **names) {
    unsigned loop_kind = LLVMGetMDKindIDInContext(LLVMGetModuleContext(m), "llvm.loop", 9);
    int n = 0;
    for (LLVMValueRef f = LLVMGetFirstFunction(m); f && n < MAX_SCALAR_FNS; f = LLVMGetNextFunction(f))
        if (!LLVMIsDeclaration(f) && !cfg_has_vectorised_loop(f, loop_kind) &&
            (has_extracted_join_phi(f) || has_latency_bound_reduction(f) || has_lane_crossing_recurrence(f, loop_kind))) {
            size_t len;
            names[n++] = ctx_strdup(ctx, LLVMGetValueName2(f, &len));
        }
    return n;
}

/* Keep the SLP vectoriser out of the named functions of `m` (latency_bound_functions). Only the
 * module optimised again carries the attribute, never the bitcode callers link (seal writes it
 * before): inlining gives a caller the attribute of every callee it inlines (LLVM merges
 * noimplicitfloat by OR), which would stop the loop vectoriser in the caller (a vectorised map
 * loop beside a call of such a helper: 0.28 -> 0.38 ms). */
static void mark_scalar(LLVMContextRef c, LLVMModuleRef m, const char *const *names, int n) {
    unsigned kind = LLVMGetEnumAttributeKindForName("noimplicitfloat", 15);
    for (int i = 0; i < n; i++) {
        LLVMValueRef f = LLVMGetNamedFunction(m, names[i]);
        if (f) LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(c, kind, 0));
    }
}

/* ---- in-order float sums over gathered loads ---------------------------------------- *
 * A float sum kept in Python's order (s += a[i, k] * b[k, j], over k) vectorises with an in-order
 * reduction (-force-ordered-reductions): the adds stay one dependent chain, one element after
 * another, so the vector loop runs no faster than the chain, as the scalar loop does, and gains
 * only where the work beside the chain is dear (exp, a division, a square root), which vector
 * instructions then do eight at a time. LLVM 19's cost model counts throughput, not the chain,
 * and vectorises such a loop also when all it has to gain is cheap arithmetic on loads that are
 * not contiguous: a gather, or scalar loads put into a vector one by one. Those cost more than
 * the scalar loop's loads (on a Zen 5: a column dot product 1.7x slower, a naive matrix product
 * 1.65x, a sum over a[idx[i]] 1.45x). The same for a loop that is mostly such loads beside a
 * little cheap arithmetic (ordered_sum_over_gather's mostly_inserts). After O3, such vector loops
 * are found here, by the name lower.c gave their loop, and the function is compiled again with
 * those loops kept scalar. */

/* Is `in` work a vector loop does markedly faster than a scalar one: a division, a remainder,
 * or a call (maths, a square root) that is not one of the cheap intrinsics? */
static bool dear(LLVMValueRef in) {
    static const char *const cheap[] = {"llvm.vector.reduce.", "llvm.masked.", "llvm.fabs.", "llvm.fmuladd.",
                                        "llvm.fma.", "llvm.minnum.", "llvm.maxnum.", "llvm.minimum.", "llvm.maximum.",
                                        "llvm.copysign.", "llvm.smin.", "llvm.smax.", "llvm.umin.", "llvm.umax.",
                                        "llvm.abs.", "llvm.lifetime.", "llvm.assume", "llvm.expect."};
    switch (LLVMGetInstructionOpcode(in)) {
    case LLVMFDiv:
    case LLVMFRem:
    case LLVMSDiv:
    case LLVMUDiv:
    case LLVMSRem:
    case LLVMURem: return true;
    case LLVMCall:
        for (size_t i = 0; i < sizeof cheap / sizeof *cheap; i++)
            if (cg_calls_intrinsic(in, cheap[i])) return false;
        return true;
    default: return false;
    }
}

/* The loop blocks from..to (in layout order, as the vectoriser lays out a vector body): loads
 * that are not contiguous and no dear work, beside an in-order float reduction or beside stores
 * under a mask into several arrays (conditional updates: numbagg's nancorrmatrix, `if not
 * isnan(obs[j]): sums[i, j] += ...` for six arrays, over j up to a few variables)? Those stores
 * need a check of every pair of arrays before the vector loop may run, which a short loop pays on
 * each entry and seldom gains from: 19.1 ms against 7.6 kept scalar (numba 8.8). (A scatter
 * into one strided field under a mask gains: a record array's `if p['tag'] == 0: p['x'] = 0.0`
 * 0.26 ms vectorised, 0.40 scalar.) */
static bool ordered_sum_over_gather(LLVMBasicBlockRef from, LLVMBasicBlockRef to) {
    bool ordered = false, gathered = false;
    int masked = 0, inserted = 0, ops = 0;   /* scalar loads put into vectors; vector arithmetic */
    bool scattered = false;
    unsigned lanes = 1;
    for (LLVMBasicBlockRef b = from;; b = LLVMGetNextBasicBlock(b)) {
        for (LLVMValueRef in = LLVMGetFirstInstruction(b); in; in = LLVMGetNextInstruction(in)) {
            if (dear(in)) return false;
            if ((cg_calls_intrinsic(in, "llvm.vector.reduce.fadd.") || cg_calls_intrinsic(in, "llvm.vector.reduce.fmul.")) &&
                !(LLVMGetFastMathFlags(in) & LLVMFastMathAllowReassoc))
                ordered = true;
            if (cg_calls_intrinsic(in, "llvm.masked.gather.")) gathered = true;
            if (LLVMIsAInsertElementInst(in) && LLVMIsALoadInst(LLVMGetOperand(in, 1))) {
                gathered = true;
                inserted++;
                unsigned n = LLVMGetVectorSize(LLVMTypeOf(in));
                if (n > lanes) lanes = n;
            }
            if (LLVMGetTypeKind(LLVMTypeOf(in)) == LLVMVectorTypeKind &&   /* (a division is dear: returned above) */
                (LLVMIsABinaryOperator(in) || LLVMIsAUnaryOperator(in) || LLVMIsASelectInst(in) || LLVMIsACmpInst(in) ||
                 cg_calls_intrinsic(in, "llvm.fmuladd.") || cg_calls_intrinsic(in, "llvm.fma.")))
                ops++;
            masked += cg_calls_intrinsic(in, "llvm.masked.store.");
            scattered |= cg_calls_intrinsic(in, "llvm.masked.scatter.");
        }
        if (b == to) break;
    }
    /* Or a loop whose elements are mostly scalar loads put into vectors one by one, with little
     * cheap arithmetic beside them: (N, 3) rows read as `0.299 * v[i, 0] + 0.587 * v[i, 1] + ...`
     * (a row stride known only at run time) ran 1.34x numba's scalar loop. An insert costs about
     * what three scalar operations do, and a vector operation saves lanes - 1 of them. Not where
     * the loop stores under a mask: there the vector loop replaces a branch per element (a record
     * array's `if p['tag'] == 0: p['x'] = 0.0`, 0.27 ms vectorised, 0.45 scalar). */
    bool mostly_inserts = inserted && !masked && !scattered && 3 * inserted >= ops * (int)(lanes - 1);
    return ((ordered || masked >= 2) && gathered) || mostly_inserts;
}

/* The name lower.c gave the loop of llvm.loop node md (!{"ember.loop", !"<function>", i32
 * <head>}), or false. */
static bool loop_name(LLVMValueRef md, LoopName *out) {
    enum { MAX_OPS = 32 };
    LLVMValueRef ops[MAX_OPS], sub[3];
    unsigned n = LLVMGetMDNodeNumOperands(md);
    if (n > MAX_OPS) return false;
    LLVMGetMDNodeOperands(md, ops);
    for (unsigned i = 1; i < n; i++) {
        if (!ops[i] || !LLVMIsAMDNode(ops[i]) || LLVMGetMDNodeNumOperands(ops[i]) != 3) continue;
        LLVMGetMDNodeOperands(ops[i], sub);
        unsigned len, flen;
        const char *s = sub[0] && LLVMIsAMDString(sub[0]) ? LLVMGetMDString(sub[0], &len) : NULL;
        if (!s || len != strlen(CG_LOOP_MARK) || memcmp(s, CG_LOOP_MARK, len)) continue;
        const char *f = sub[1] && LLVMIsAMDString(sub[1]) ? LLVMGetMDString(sub[1], &flen) : NULL;
        if (!f || !sub[2] || !LLVMIsAConstantInt(sub[2])) return false;
        *out = (LoopName){f, flen, (int)LLVMConstIntGetZExtValue(sub[2])};
        return true;
    }
    return false;
}

static bool same_loop(LoopName a, LoopName b) {
    return a.head == b.head && a.len == b.len && !memcmp(a.fn, b.fn, a.len);
}

/* The loops of optimised `m` that the loop vectoriser made an in-order sum over gathered loads
 * (ordered_sum_over_gather), into r->loops (a callee's too: its code is optimised in its caller's
 * module); returns how many. */
static int ordered_gather_loops(Ctx *ctx, LLVMModuleRef m, Retry *r) {
    unsigned loop_kind = LLVMGetMDKindIDInContext(LLVMGetModuleContext(m), "llvm.loop", 9);
    for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
        for (LLVMBasicBlockRef b = LLVMGetFirstBasicBlock(f); b && r->nloops < MAX_SCALAR_LOOPS; b = LLVMGetNextBasicBlock(b)) {
            LoopName name;
            LLVMValueRef term = LLVMGetBasicBlockTerminator(b);
            if (!cfg_ends_vectorised_loop(b, loop_kind) || !loop_name(LLVMGetMetadata(term, loop_kind), &name)) continue;
            LLVMBasicBlockRef head = NULL;   /* the successor of b at or before it: the loop's head */
            for (unsigned k = 0, ns = LLVMGetNumSuccessors(term); k < ns && !head; k++)
                for (LLVMBasicBlockRef x = LLVMGetFirstBasicBlock(f); x; x = LLVMGetNextBasicBlock(x)) {
                    if (x == LLVMGetSuccessor(term, k)) head = x;
                    if (x == b) break;
                }
            if (!head || !ordered_sum_over_gather(head, b)) continue;
            bool dup = false;
            for (int i = 0; i < r->nloops && !dup; i++) dup = same_loop(r->loops[i], name);
            if (dup) continue;
            char *copy = ctx_printf(ctx, "%.*s", (int)name.len, name.fn);
            if (!copy) return r->nloops;
            r->loops[r->nloops++] = (LoopName){copy, name.len, name.head};
        }
    return r->nloops;
}

/* Keep the loops r names out of the loop vectoriser: their llvm.loop nodes, in `m` as lowered
 * again, get llvm.loop.vectorize.width 1 (ordered_gather_loops). */
static void keep_loops_scalar(LLVMContextRef c, LLVMModuleRef m, const Retry *r) {
    unsigned loop_kind = LLVMGetMDKindIDInContext(c, "llvm.loop", 9);
    LLVMMetadataRef made[MAX_SCALAR_LOOPS] = {0};   /* one node per loop, on each of its back edges */
    for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
        for (LLVMBasicBlockRef b = LLVMGetFirstBasicBlock(f); b; b = LLVMGetNextBasicBlock(b)) {
            LLVMValueRef term = LLVMGetBasicBlockTerminator(b), md = term ? LLVMGetMetadata(term, loop_kind) : NULL;
            LoopName name;
            if (!md || !loop_name(md, &name)) continue;
            for (int i = 0; i < r->nloops; i++)
                if (same_loop(r->loops[i], name)) {
                    if (!made[i]) made[i] = cg_loop_node(c, name.fn, name.len, name.head, true);
                    LLVMSetMetadata(term, loop_kind, LLVMMetadataAsValue(c, made[i]));
                    break;
                }
        }
}

/* The lowered module `m` marked as `again` (the retry of its first compile) says: functions
 * without SLP vectorisation, loops without loop vectorisation. */
static void mark_retry(LLVMContextRef c, LLVMModuleRef m, const Retry *again) {
    mark_scalar(c, m, again->names, again->n);
    keep_loops_scalar(c, m, again);
}

/* Is a switch in a loop of optimised `m`: can the block it ends reach itself? */
static bool switch_in_loop(LLVMModuleRef m) {
    bool found = false;
    for (LLVMValueRef f = LLVMGetFirstFunction(m); f && !found; f = LLVMGetNextFunction(f)) {
        unsigned nsw = 0;
        for (LLVMBasicBlockRef b = LLVMGetFirstBasicBlock(f); b; b = LLVMGetNextBasicBlock(b)) {
            LLVMValueRef t = LLVMGetBasicBlockTerminator(b);
            nsw += t && LLVMGetInstructionOpcode(t) == LLVMSwitch;
        }
        Cfg g;
        if (!nsw || cfg_open(&g, f)) continue;
        for (LLVMBasicBlockRef b = LLVMGetFirstBasicBlock(f); b && !found; b = LLVMGetNextBasicBlock(b)) {
            LLVMValueRef t = LLVMGetBasicBlockTerminator(b);
            if (t && LLVMGetInstructionOpcode(t) == LLVMSwitch) found = cfg_reaches(&g, b, b, NULL);
        }
        cfg_close(&g);
    }
    return found;
}

/* ---- assumptions the vectoriser copies per lane ------------------------------------------ *
 * Each range loop's value carries an llvm.assume that it lies on its start's side (lower.c,
 * iter_step): instcombine and the wrap tests of a[i - 1] need it (without it a Game of Life step
 * ran 17x slower). The loop vectoriser keeps it, one copy per lane, fed by a vector of the
 * induction variable that stays alive in the vector loop: on a uint8 median of three, four
 * <8 x i64> adds a trip and 32 byte lanes where 64 fit. A module whose optimised code has such a
 * copy (an assume of an extractelement) is optimised again in two runs of the O3 pipeline's
 * text, split just before the loop vectoriser, with every assume dropped between them: the early
 * passes have used them by then. */
static bool replicated_assumes(LLVMModuleRef m) {
    for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
        for (LLVMBasicBlockRef b = LLVMGetFirstBasicBlock(f); b; b = LLVMGetNextBasicBlock(b))
            for (LLVMValueRef in = LLVMGetFirstInstruction(b); in; in = LLVMGetNextInstruction(in))
                if (cg_calls_intrinsic(in, "llvm.assume") && LLVMIsAExtractElementInst(LLVMGetOperand(in, 0))) return true;
    return false;
}

/* Every call of an intrinsic whose name starts with prefix removed from m (hints only). */
static void drop_intrinsics(LLVMModuleRef m, const char *prefix) {
    for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
        for (LLVMBasicBlockRef b = LLVMGetFirstBasicBlock(f); b; b = LLVMGetNextBasicBlock(b))
            for (LLVMValueRef in = LLVMGetFirstInstruction(b), next; in; in = next) {
                next = LLVMGetNextInstruction(in);
                if (cg_calls_intrinsic(in, prefix)) LLVMInstructionEraseFromParent(in);
            }
}

/* text (an O3 pipeline) as the passes before the loop vectoriser and those from it on, or false:
 * "...,function<eager-inv>(a,b,loop-vectorize<..>,c),d" as "...,function<eager-inv>(a,b)" and
 * "function<eager-inv>(loop-vectorize<..>,c),d". */
static bool split_at_vectoriser(const char *text, char **before, char **after) {
    const char *lv = strstr(text, ",loop-vectorize<"), *open = lv;
    for (int depth = 0; open && open > text; open--) {   /* the group holding it */
        if (*open == ')') depth++;
        else if (*open == '(' && depth-- == 0) break;
    }
    if (!lv || !open || open == text) return false;
    const char *name = open;
    while (name > text && name[-1] != ',') name--;
    size_t k = (size_t)(lv - text), nlen = (size_t)(open + 1 - name);
    *before = malloc(k + 2);
    *after = malloc(nlen + strlen(lv + 1) + 1);
    if (!*before || !*after) return free(*before), free(*after), false;
    memcpy(*before, text, k);
    strcpy(*before + k, ")");
    memcpy(*after, name, nlen);
    strcpy(*after + nlen, lv + 1);
    return true;
}

/* text (an O3 pipeline) with IRCE just before the loop passes that simplify induction variables
 * and unroll/peel (malloc'd), or NULL. A periodic index `x[(j + 1) % n]` over j in range(n) is
 * lowered as a branch that is taken where j + 1 lies outside [0, n) (lower_ops.c, split_mod):
 * IRCE splits such a loop at that bound into one whose index needs no test, which vectorises
 * with plain loads (Numba's LLVM 20 peels the last trip for the same effect), and the trips
 * around it. It runs there, on the rotated loop, because the later passes need its result and
 * spoil its input: indvars makes the main loop's trip count computable for the vectoriser, and
 * the peeling of a first trip (for `(j - 1) % n` in the same loop) leaves a loop IRCE cannot
 * prove well formed (`x[(j + 1) % n] - x[(j - 1) % n]` stayed scalar with it just before the
 * vectoriser). Only a module whose code asks for it (named metadata ember.irce) is optimised
 * with it. */
static char *with_irce(const char *text) { return passes_before(text, "loop(loop-idiom", "irce,"); }

/* 0, or -1 with a diagnostic where a pass pipeline failed (err, consumed). */
static int passes_failed(Ctx *ctx, LLVMErrorRef err) {
    if (!err) return 0;
    char *msg = LLVMGetErrorMessage(err);
    ctx_error(ctx, DIAG_INTERNAL, NULL, (Loc){0, -1, -1}, "LLVM optimisation failed: %s", msg);
    LLVMDisposeErrorMessage(msg);
    return -1;
}

static int run_passes(Ctx *ctx, LLVMModuleRef m, bool lower_switch, bool no_assumes) {
    const char *opt = getenv("EMBER_OPT");
    char pipeline[32];
    int level = opt && *opt >= '0' && *opt <= '3' ? *opt - '0' : 3;
    snprintf(pipeline, sizeof pipeline, "default<O%d>", level);
    LLVMPassBuilderOptionsRef o = LLVMCreatePassBuilderOptions();
    LLVMPassBuilderOptionsSetLoopVectorization(o, level >= 2);
    LLVMPassBuilderOptionsSetSLPVectorization(o, level >= 2);
    LLVMPassBuilderOptionsSetLoopUnrolling(o, level >= 2);
    char *before = NULL, *after = NULL;
    char *irce = level == 3 && o3 && LLVMGetNamedMetadata(m, "ember.irce", 10) ? with_irce(lower_switch ? o3 : EMBER_O3_PIPELINE) : NULL;
    const char *text = irce ? irce : lower_switch ? o3 : EMBER_O3_PIPELINE;
    LLVMErrorRef err;
    if (level == 3 && no_assumes && o3 && split_at_vectoriser(text, &before, &after)) {
        if (!(err = LLVMRunPasses(m, before, tm, o))) {
            drop_intrinsics(m, "llvm.assume");
            err = LLVMRunPasses(m, after, tm, o);
        }
    } else {
        err = LLVMRunPasses(m, level == 3 && o3 && (irce || lower_switch) ? text : pipeline, tm, o);
    }
    free(irce);
    free(before);
    free(after);
    LLVMDisposePassBuilderOptions(o);
    return passes_failed(ctx, err);
}

static PyObject *emit_bytes(LLVMModuleRef m, LLVMCodeGenFileType kind) {
    char *msg = NULL;
    LLVMMemoryBufferRef buf;
    if (LLVMTargetMachineEmitToMemoryBuffer(tm, m, kind, &msg, &buf)) {
        PyErr_Format(PyExc_RuntimeError, "ember: LLVM code generation failed: %s", msg);
        LLVMDisposeMessage(msg);
        return NULL;
    }
    PyObject *r = PyBytes_FromStringAndSize(LLVMGetBufferStart(buf), (Py_ssize_t)LLVMGetBufferSize(buf));
    LLVMDisposeMemoryBuffer(buf);
    return r;
}

/* A module and the context it lives in: each compile, object and inspection has its own. */
typedef struct {
    LLVMContextRef c;
    LLVMModuleRef m;
} Mod;

static void drop_module(Mod *x) {
    if (x->m) LLVMDisposeModule(x->m);
    if (x->c) LLVMContextDispose(x->c);
    *x = (Mod){0};
}

static int read_module(Ctx *ctx, PyObject *bitcode, Mod *x) {
    LLVMMemoryBufferRef buf = LLVMCreateMemoryBufferWithMemoryRange(
        PyBytes_AS_STRING(bitcode), (size_t)PyBytes_GET_SIZE(bitcode), "bitcode", 0);
    x->c = LLVMContextCreate();
    bool bad = LLVMParseBitcodeInContext2(x->c, buf, &x->m);
    LLVMDisposeMemoryBuffer(buf);
    if (!bad) return 0;
    x->m = NULL;
    drop_module(x);
    return ctx_error(ctx, DIAG_INTERNAL, NULL, (Loc){0, -1, -1}, "cannot read a compiled function's bitcode");
}

/* The module as lowered, its callees linked: make every function but its own internal, verify
 * it and write it as out->bitcode. That unoptimised bitcode is what callers link and what every
 * object and inspection is optimised from (optimise), each from the module read afresh, so an
 * object made with the compile, one made later and inspect_asm's agree. A callee's code is thus
 * optimised in the module it is inlined into, where the vectorisers see the caller's loop around
 * it: optimised alone, a helper with two calls of one maths function had them packed by SLP into
 * a 2-wide vector call the caller's loop vectoriser cannot widen (a loop over such a helper ran
 * scalar: gauss_pair_helper 1.04 -> 0.37 ms). And a compile that makes bitcode only (a callee)
 * runs no O3. */
static int seal(Ctx *ctx, LLVMModuleRef m, const char *symbol, Function *fn, CgResult *out) {
    make_linked_internal(m, symbol);
    if (ctx->dump & DUMP_LLVM) dump_module("LLVM IR (before optimisation)", m);
    char *msg = NULL;
    if (LLVMVerifyModule(m, LLVMReturnStatusAction, &msg)) {
        ctx_error(ctx, DIAG_INTERNAL, fn, (Loc){fn ? fn->firstline : 0, -1, -1},
                  "ember produced invalid LLVM IR (a compiler bug): %.600s", msg);
        LLVMDisposeMessage(msg);
        return -1;
    }
    LLVMDisposeMessage(msg);
    LLVMMemoryBufferRef bc = LLVMWriteBitcodeToMemoryBuffer(m);
    out->bitcode = PyBytes_FromStringAndSize(LLVMGetBufferStart(bc), (Py_ssize_t)LLVMGetBufferSize(bc));
    LLVMDisposeMemoryBuffer(bc);
    return out->bitcode ? 0 : -1;
}

/* ---- a last LICM where jitclass instances are used ----------------------------------------- *
 * A loop calling an instance's methods reads the instance's fields (an array's data pointer and
 * strides) after stores into the arrays; TBAA says the stores do not change them (cg_tbaa), but
 * O3's LICM runs before the methods are inlined into the loop, so the reads stayed in every trip
 * (jitclass_welford_groups: six loads per trip). Where the module makes instances (whose blocks
 * are known readable: cg_new_instance), one more LICM after O3 hoists them. */
static bool makes_instances(LLVMModuleRef m) {
    LLVMValueRef f = LLVMGetNamedFunction(m, "ember_rt_instance_alloc");   /* (codegen/lower_jitclass.c) */
    return f && LLVMGetFirstUse(f);
}

static int run_licm(Ctx *ctx, LLVMModuleRef m) {
    /* the lifetime markers of an inlined callee's traceback slot (its `line`, written only where it
     * fails), inside the loop, count as writes MemorySSA cannot see past: dropped first (they only
     * let stack slots share memory) */
    drop_intrinsics(m, "llvm.lifetime.");
    LLVMPassBuilderOptionsRef o = LLVMCreatePassBuilderOptions();
    LLVMErrorRef err = LLVMRunPasses(m, "function(loop-mssa(licm))", tm, o);
    LLVMDisposePassBuilderOptions(o);
    return passes_failed(ctx, err);
}

/* ---- generators resumed in a loop --------------------------------------------------------- *
 * A generator consumed where it is made (for v in gen(a)) has its frame on the stack once O3's
 * coroutine passes are done (CoroElide), and its resume function called directly on every trip:
 * a call, the frame's fields stored and loaded again, the suspension point switched on (3.3 ns an
 * item against Numba's 0.8). The inliner ran before CoroElide made the calls direct. Where such
 * calls are left, the resume (and cleanup) functions are marked always-inline and O3 runs once
 * more: 0.33 -> 0.14 ms over 1e5 items (the frame stays in memory: its free path, dead for a
 * frame on the stack, still takes its address). */
static bool resumes_in_place(LLVMModuleRef m) {
    unsigned kind = LLVMGetEnumAttributeKindForName("alwaysinline", 12);
    bool any = false;
    for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f)) {
        size_t len;
        const char *name = LLVMGetValueName2(f, &len);
        bool part = (len > 7 && !strcmp(name + len - 7, ".resume")) || (len > 8 && !strcmp(name + len - 8, ".cleanup")) ||
                    (len > 8 && !strcmp(name + len - 8, ".destroy"));
        if (LLVMIsDeclaration(f) || !part || !LLVMGetFirstUse(f)) continue;
        bool direct = false;
        for (LLVMUseRef u = LLVMGetFirstUse(f); u && !direct; u = LLVMGetNextUse(u)) {
            LLVMValueRef call = LLVMGetUser(u);
            direct = LLVMIsACallInst(call) && LLVMGetCalledValue(call) == f;
        }
        if (!direct) continue;
        LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(LLVMGetModuleContext(m), kind, 0));
        any = true;
    }
    return any;
}

/* x optimised: the sealed module of `bitcode`, read into x, through O3.
 * When the optimised code shows a case Retry names (functions to keep from the SLP vectoriser:
 * latency_bound_functions; loops to keep from the loop vectoriser: ordered_gather_loops; a switch
 * in a loop: switch_in_loop; assumptions the vectoriser replicated: replicated_assumes), the
 * module is read again, marked as the retry says (mark_retry) and optimised once more: only such
 * modules pay for a second O3. `symbol` names the module in EMBER_DUMP=time's lines. */
static int optimise(Ctx *ctx, PyObject *bitcode, const char *symbol, Mod *x) {
    if (read_module(ctx, bitcode, x)) return -1;
    bool timed = ctx->dump & DUMP_TIME;
    double t0 = timed ? now_s() : 0;
    long before = timed ? instructions(x->m) : 0;
    if (run_passes(ctx, x->m, false, false)) return -1;
    Retry r = {0};
    r.n = latency_bound_functions(ctx, x->m, r.names);
    r.lower_switch = o3 && switch_in_loop(x->m);
    r.drop_assumes = o3 && replicated_assumes(x->m);
    ordered_gather_loops(ctx, x->m, &r);
    bool again = r.n || r.nloops || r.lower_switch || r.drop_assumes;
    if (timed)
        PySys_FormatStderr("ember time %s: %ld -> %ld instructions, O3 %d ms", symbol, before, instructions(x->m),
                           (int)(1e3 * (now_s() - t0)));
    if (again) {
        if (timed)
            PySys_FormatStderr(", compiled again (%d functions without SLP, %d loops scalar%s%s)", r.n, r.nloops,
                               r.lower_switch ? ", switches lowered" : "", r.drop_assumes ? ", assumptions dropped" : "");
        drop_module(x);
        double t1 = timed ? now_s() : 0;
        if (read_module(ctx, bitcode, x)) return -1;
        mark_retry(x->c, x->m, &r);
        if (run_passes(ctx, x->m, r.lower_switch, r.drop_assumes)) return -1;
        if (timed) PySys_FormatStderr(": O3 %d ms", (int)(1e3 * (now_s() - t1)));
    }
    if (timed) PySys_FormatStderr("\n");
    if (resumes_in_place(x->m)) {
        double t2 = timed ? now_s() : 0;
        if (run_passes(ctx, x->m, false, false)) return -1;
        if (timed) PySys_FormatStderr("ember time %s: generators inlined, O3 %d ms\n", symbol, (int)(1e3 * (now_s() - t2)));
    }
    if (makes_instances(x->m) && run_licm(ctx, x->m)) return -1;
    cg_share_widenings(x->m);
    cg_unfold_select_operands(x->m);
    cg_split_full_scatters(x->m);
    cg_prune_counts(x->m);
    cg_keep_join_stores(x->m);
    if (ctx->dump & DUMP_OPT) dump_module("LLVM IR (optimised)", x->m);
    return 0;
}

/* ---- vector spills around calls ------------------------------------------------------------ *
 * A vector loop calling a maths function (libmvec's _ZGVeN8v_exp) spills its live zmm registers
 * around each call: the x86-64 ABI saves none of them. The stack is 16-byte aligned, and LLVM
 * realigns a frame only where it reserved the frame pointer before register allocation, so those
 * 64-byte spills went to slots at rsp + 16k (vmovupd), split across two cache lines three times in
 * four, whose reload then cannot take the value from the store queue: a loop of exp over 200000
 * pairs ran 0.40 or 0.60 ms from one process to the next, as ASLR placed the main thread's stack
 * (threads, whose stacks are page aligned, always 0.40). A function that calls with a vector
 * argument or result wider than 16 bytes gets "stackrealign": its frame is aligned to its
 * widest slot, one `and` in its prologue. */
static bool calls_with_wide_vectors(LLVMValueRef f) {
    for (LLVMBasicBlockRef b = LLVMGetFirstBasicBlock(f); b; b = LLVMGetNextBasicBlock(b))
        for (LLVMValueRef in = LLVMGetFirstInstruction(b); in; in = LLVMGetNextInstruction(in)) {
            if (LLVMGetInstructionOpcode(in) != LLVMCall || LLVMIsAIntrinsicInst(in) || LLVMIsAInlineAsm(LLVMGetCalledValue(in)))
                continue;
            LLVMTypeRef t = LLVMTypeOf(in);
            if (LLVMGetTypeKind(t) == LLVMVectorTypeKind && LLVMSizeOfTypeInBits(LLVMGetModuleDataLayout(LLVMGetGlobalParent(f)), t) > 128)
                return true;
        }
    return false;
}

static void realign_vector_callers(LLVMModuleRef m) {
    LLVMContextRef c = LLVMGetModuleContext(m);
    for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
        if (!LLVMIsDeclaration(f) && calls_with_wide_vectors(f))
            LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex, LLVMCreateStringAttribute(c, "stackrealign", 12, "", 0));
}

/* The changes an optimised module gets for its object code only (callers link the bitcode), as
 * made and as inspected. */
static void for_emission(LLVMModuleRef m) {
    cg_same_vector_maths(m);   /* samemath.c */
    realign_vector_callers(m);
}

/* m's object code, from its optimised module: entry_only, the object needs only <symbol>.entry
 * (the Dispatcher and AOT modules call nothing else; callers link the bitcode), so <symbol>, once
 * inlined into it, is not emitted again: half the code generation of a function whose body the
 * entry inlines. asm: the assembly to stderr too (EMBER_DUMP=asm). */
static PyObject *object_code(LLVMModuleRef m, const char *symbol, bool entry_only, bool asm_) {
    for_emission(m);
    LLVMValueRef own = entry_only ? LLVMGetNamedFunction(m, symbol) : NULL;
    if (own && !LLVMGetFirstUse(own)) LLVMDeleteFunction(own);
    if (asm_) {
        PyObject *as = emit_bytes(m, LLVMAssemblyFile);
        if (!as) return NULL;
        PySys_FormatStderr("--- assembly ---\n");
        fputs(PyBytes_AS_STRING(as), stderr);
        Py_DECREF(as);
    }
    return emit_bytes(m, LLVMObjectFile);
}

/* The object code of the sealed module `bitcode` into *object (x: empty, then the module it
 * was made from). entry_only: a specialisation's (object_code). */
static int make_object(Ctx *ctx, PyObject *bitcode, const char *symbol, bool entry_only, Mod *x, PyObject **object) {
    if (optimise(ctx, bitcode, symbol, x)) return -1;
    double t0 = ctx->dump & DUMP_TIME ? now_s() : 0;
    if (!(*object = object_code(x->m, symbol, entry_only, ctx->dump & DUMP_ASM))) return -1;
    if (ctx->dump & DUMP_TIME)
        PySys_FormatStderr("ember time %s: object %d ms\n", symbol, (int)(1e3 * (now_s() - t0)));
    return 0;
}

/* A specialisation's object code, made from its bitcode when it is first needed (a call from
 * Python, an AOT build): a compile whose function only compiled code calls, which links the
 * bitcode, makes none. */
PyObject *cg_object(Ctx *ctx, PyObject *bitcode, const char *symbol) {
    Mod x = {0};
    PyObject *object = NULL;
    make_object(ctx, bitcode, symbol, true, &x, &object);
    drop_module(&x);
    return object;
}

static LLVMModuleRef new_module(LLVMContextRef c, const char *name) {
    LLVMModuleRef m = LLVMModuleCreateWithNameInContext(name, c);
    LLVMSetTarget(m, triple);
    LLVMTargetDataRef dl = LLVMCreateTargetDataLayout(tm);
    LLVMSetModuleDataLayout(m, dl);
    LLVMDisposeTargetData(dl);
    return m;
}

/* fastmath=True: every float operation of the function's own code (callees are linked after)
 * may be reassociated and contracted, use reciprocals and ignore the sign of zero, so float
 * reductions vectorise out of order, as Numba's fastmath. Not LLVM's no-NaN and no-inf flags:
 * with them a NaN would be poison, and the checks that keep NaN from undefined behaviour (a
 * float-to-int conversion) could be folded away. Is f the code of such a function: ti's own, or
 * of one in its recursion cycle (whose symbols <sym>.cycleK extend ti's: the longest symbol f's
 * name starts with decides)? */
static bool fastmath_fn(TypeInfo *ti, LLVMValueRef f) {
    if (!ti->cycle) return ti->fn->fastmath;
    size_t len, best = 0;
    const char *name = LLVMGetValueName2(f, &len);
    bool fast = ti->fn->fastmath;
    for (int k = 0; k < ti->cycle->n; k++) {
        TypeInfo *m = ti->cycle->members[k];
        size_t n = strlen(m->symbol);
        if (n > best && n <= len && !memcmp(name, m->symbol, n)) best = n, fast = m->fn->fastmath;
    }
    return fast;
}

static void mark_fastmath(LLVMModuleRef m, TypeInfo *ti) {
    LLVMFastMathFlags flags = LLVMFastMathAllowReassoc | LLVMFastMathNoSignedZeros | LLVMFastMathAllowReciprocal |
                              LLVMFastMathAllowContract;
    for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
        for (LLVMBasicBlockRef b = fastmath_fn(ti, f) ? LLVMGetFirstBasicBlock(f) : NULL; b; b = LLVMGetNextBasicBlock(b))
            for (LLVMValueRef i = LLVMGetFirstInstruction(b); i; i = LLVMGetNextInstruction(i))
                if (LLVMCanValueUseFastMathFlags(i)) LLVMSetFastMathFlags(i, LLVMGetFastMathFlags(i) | flags);
}

/* Lower ti (with its inner functions and recursion cycle) and link its callees: its bitcode, and
 * its object when out->want_object asks (or EMBER_DUMP wants the optimised code); else cg_object
 * makes that later, if anything calls it from Python. */
int cg_compile(Ctx *ctx, TypeInfo *ti, CgResult *out) {
    int rc = -1;
    Mod x = {LLVMContextCreate()};
    x.m = new_module(x.c, ti->symbol);
    PyObject *seen = PySet_New(NULL);
    bool runtime_fails = true;
    if (!seen || cg_lower_module(ctx, ti, x.c, x.m, cpu, features, &runtime_fails)) goto done;
    /* (inner functions and a cycle's members: calls that say yes) */
    out->raises_refs = runtime_fails || cg_frame_may_raise_strings(ti);
    if (touches_unaligned(ti)) mark_unaligned(x.m);
    mark_fastmath(x.m, ti);
    cg_f32_narrow_slots(x.m);
    char *msg = NULL;
    if (cg_rec_tail_loops(x.m, tm, &msg)) {
        ctx_error(ctx, DIAG_INTERNAL, ti->fn, (Loc){ti->fn->firstline, -1, -1}, "LLVM tail-call elimination failed: %s",
                  msg ? msg : "out of memory");
        if (msg) LLVMDisposeErrorMessage(msg);
        goto done;
    }
    if (link_callees(ctx, x.c, x.m, ti, seen)) goto done;
    cg_finish_exc_matchers(x.m);
    if (seal(ctx, x.m, ti->symbol, ti->fn, out)) goto done;
    if (ctx->dump & DUMP_TIME && !out->want_object)
        PySys_FormatStderr("ember time %s: %ld instructions, bitcode only\n", ti->symbol, instructions(x.m));
    drop_module(&x);
    bool now = out->want_object || ctx->dump & (DUMP_ASM | DUMP_OPT);
    rc = now ? make_object(ctx, out->bitcode, ti->symbol, true, &x, &out->object) : 0;
done:
    if (rc) {
        Py_CLEAR(out->bitcode);
        Py_CLEAR(out->object);
    }
    Py_XDECREF(seen);
    drop_module(&x);
    return rc;
}

/* A C-ABI wrapper around a compiled kernel (lower_ufunc.c), with the kernel linked in. */
int cg_wrap(Ctx *ctx, const CgWrap *w, CgResult *out) {
    Mod x = {LLVMContextCreate()};
    x.m = new_module(x.c, w->symbol);
    int rc = cg_lower_wrapper(ctx, w, x.c, x.m, cpu, features);
    if (rc == 0) rc = link_callee(ctx, x.c, x.m, w->bitcode);
    if (rc == 0) rc = seal(ctx, x.m, w->symbol, NULL, out);
    drop_module(&x);
    if (rc == 0) rc = make_object(ctx, out->bitcode, w->symbol, false, &x, &out->object);
    if (rc) {
        Py_CLEAR(out->bitcode);
        Py_CLEAR(out->object);
    }
    drop_module(&x);
    return rc;
}

/* A sealed module's optimised code as text, or its assembly, as its object is made. */
static PyObject *inspect(Ctx *ctx, PyObject *bitcode, bool asm_) {
    Mod x = {0};
    PyObject *r = NULL;
    if (optimise(ctx, bitcode, "inspection", &x) == 0) {
        for_emission(x.m);
        if (asm_) {
            PyObject *b = emit_bytes(x.m, LLVMAssemblyFile);
            r = b ? PyUnicode_FromStringAndSize(PyBytes_AS_STRING(b), PyBytes_GET_SIZE(b)) : NULL;
            Py_XDECREF(b);
        } else {
            char *s = LLVMPrintModuleToString(x.m);
            r = PyUnicode_FromString(s);
            LLVMDisposeMessage(s);
        }
    }
    drop_module(&x);
    return r;
}

PyObject *cg_inspect_llvm(Ctx *ctx, PyObject *bitcode) { return inspect(ctx, bitcode, false); }
PyObject *cg_inspect_asm(Ctx *ctx, PyObject *bitcode) { return inspect(ctx, bitcode, true); }
