/* lower_parallel.c: prange loops outlined onto the parallel runner (DESIGN.md contract 7).
 *
 * typeinfer/parallel.c has decided what every variable of a loop is. The loop's blocks are
 * lowered a second time, into `<symbol>.prange<k>(env, lo, hi, partial)`, with the same types:
 * its frame starts the shared variables from `env`, the reductions from their identity and the
 * prange iterator at iteration lo (of the range the caller had), runs the header and body blocks
 * as the serial loop would until hi, then stores the reductions into `partial`. The caller
 * replaces the loop by a call to ember_rt_parallel_for and folds the chunks' partials into the
 * reduction variables, in chunk order.
 *
 * env: {start, step, k0, shared values and reduced arrays in variable order}; partial: {reductions
 * in variable order}.
 *
 * A reduced array (acc += A[i]): each chunk starts acc as a new array of the caller's acc's shape
 * and dtype, filled with the identity, and hands it over in its partial, with a reference. The
 * caller folds the partials in chunk order into acc itself when every reduction is in place, else
 * into a copy of it (acc = acc + e leaves the array from before the loop as it was), and drops
 * them; when a chunk fails, the partials the others wrote are dropped (they start zeroed).
 *
 * Chunk functions. The same outlining serves array expressions (lower_array.c) and whole-array
 * reductions (lower_numpy.c) of parallel=True functions: cg_chunk_begin gives a lowering state
 * for a new `<symbol>.<what>(env, lo, hi, partial)` built while the caller is mid-function (its
 * own builder; no references, so an error returns -1 at once and the runner carries it to the
 * caller's thread); cg_run_chunks calls it over [0, n), on the runner when the work is large
 * enough to pay for the threads, with one direct call otherwise.
 */
#include "lower.h"
#include "parallel.h"
#include <math.h>

#define ENV_FIXED 3   /* start, step, k0 */

static bool carried(TypeInfo *ti, ParLoop *pl, int v, int kind) {
    return pl->var_kind[v] == kind && ti->vartypes[v] && ty_is_runtime(ti->vartypes[v]);
}

static bool reduced_array(TypeInfo *ti, ParLoop *pl, int v) {
    return carried(ti, pl, v, PAR_REDUCE) && ti->vartypes[v]->kind == TY_ARRAY;
}

/* Whether variable v goes to the chunks in env: shared, or a reduced array (its shape). */
static bool in_env(TypeInfo *ti, ParLoop *pl, int v) { return carried(ti, pl, v, PAR_SHARED) || reduced_array(ti, pl, v); }

/* The env (kind PAR_SHARED) or partial (PAR_REDUCE) struct. */
static LLVMTypeRef pack_type(Lower *L, TypeInfo *ti, ParLoop *pl, int kind) {
    int n = 0, cap = ti->fn->nvars + ENV_FIXED + 1;
    LLVMTypeRef *f = ctx_alloc(L->ctx, sizeof(LLVMTypeRef) * (size_t)cap);
    if (kind == PAR_SHARED)
        for (int i = 0; i < ENV_FIXED; i++) f[n++] = L->i64;
    for (int v = 0; v < ti->fn->nvars; v++)
        if (kind == PAR_SHARED ? in_env(ti, pl, v) : carried(ti, pl, v, kind)) f[n++] = cg_type(L, ti->vartypes[v]);
    if (!n) f[n++] = L->i8;
    return LLVMStructTypeInContext(L->c, f, (unsigned)n, 0);
}

/* The value a chunk's partial starts from. */
static LLVMValueRef identity(Lower *L, int op, const Type *t) {
    if (op == IRB_ADD || op == IRB_MUL) return cg_fold_identity(L, op, t);
    bool is_min = op == PAR_MIN;
    if (t == ty_float64) return f64c(L, is_min ? INFINITY : -INFINITY);
    if (t == ty_uint64) return i64c(L, is_min ? -1 : 0);
    return i64c(L, is_min ? INT64_MAX : INT64_MIN);
}

/* A new array of a's shape in the layout of t (F-contiguous for an F type, C-contiguous for
 * any other), a's dtype; its block is in a slot. */
static LLVMValueRef new_like(Lower *L, const Type *t, LLVMValueRef a) {
    LLVMValueRef shape[64];
    int nd = t->ndim;
    for (int k = 0; k < nd; k++) shape[k] = cg_arr_shape(L, a, k);
    return cg_alloc_array(L, ty_array(t->dtype, nd, t->layout == 'F' ? 'F' : 'C', false), shape);
}

/* A new array of a's shape, dtype and layout kind (new_like), every element the identity of op. */
static LLVMValueRef identity_array(Lower *L, int op, const Type *t, LLVMValueRef a) {
    LLVMValueRef z = new_like(L, t, a);
    const Type *et = ty_scalar_of(t->dtype), *ct = ty_array(t->dtype, t->ndim, 'C', false);
    long long size = (long long)ty_item_size(t);
    LLVMValueRef v = op == IRB_MUL ? cg_fold_identity(L, op, et) : LLVMConstNull(cg_type(L, et));
    LoopCtx lc;   /* (either layout is one run of elements) */
    LLVMValueRef i = cg_loop_begin(L, &lc, cg_array_size(L, ct, z));
    cg_store_elem(L, t->dtype, cg_gep8(L, cg_arr_data(L, z), LLVMBuildMul(L->b, i, i64c(L, size), "")), v, et);
    cg_loop_end(L, &lc);
    return z;
}

typedef struct {
    const Type *t;   /* the target's type and the partial's (identity_array's layout for it) */
    LLVMValueRef target, part;
    int op;
} Fold;

static void fold_elem(Lower *L, LLVMValueRef *idx, void *env) {
    Fold *F = env;
    const Type *et = ty_scalar_of(F->t->dtype);
    LLVMValueRef p = cg_elem_ptr(L, F->t, F->target, idx);
    LLVMValueRef x = cg_load_elem(L, F->t->dtype, p), y = cg_load_elem(L, F->t->dtype, cg_elem_ptr(L, F->t, F->part, idx));
    cg_store_elem(L, F->t->dtype, p, cg_binop(L, F->op, x, y, et, NULL), et);
}

/* target op= part, elementwise (both of type t: part a chunk's partial, target's shape). */
static void fold_array(Lower *L, int op, const Type *t, LLVMValueRef target, LLVMValueRef part) {
    Fold F = {t, target, part, op};
    LLVMValueRef shape[64];
    for (int k = 0; k < t->ndim; k++) shape[k] = cg_arr_shape(L, target, k);
    cg_loop_nest(L, t->ndim, shape, fold_elem, &F);
}

/* Under `acc = acc + e` a chunk's array may have grown by broadcasting where the caller's acc did
 * not: a ValueError in the chunk, as NumPy's `acc += part` would raise. */
static void check_grown(Lower *L, const Type *t, LLVMValueRef mine, LLVMValueRef acc) {
    LLVMValueRef differ = LLVMConstInt(L->i1, 0, 0);
    for (int k = 0; k < t->ndim; k++)
        differ = LLVMBuildOr(L->b, differ, LLVMBuildICmp(L->b, LLVMIntNE, cg_arr_shape(L, mine, k), cg_arr_shape(L, acc, k), ""), "");
    cg_raise_if(L, differ, "builtins:ValueError",
                "non-broadcastable output operand: a prange loop's reduction changed its array's shape by broadcasting");
}

/* Whether every value stored to variable v is a float32 (facts.c): a float32 reduction. */
static bool f32_var(Lower *L, int v) {
    bool any = false;
    for (int i = 0; L->ti->f32 && i < L->fn->ninstrs; i++) {
        Instr *x = L->fn->instrs[i];
        if (!x || x->op != IR_STOREVAR || x->imm != v) continue;
        if (!L->ti->f32[x->args[0]]) return false;
        any = true;
    }
    return any;
}

static LLVMValueRef combine(Lower *L, int op, LLVMValueRef acc, LLVMValueRef part, const Type *t, bool f32) {
    if (op == IRB_ADD || op == IRB_MUL) {   /* a float32 sum's partials add in float32, as Numba's */
        LLVMValueRef r = cg_binop(L, op, acc, part, t, NULL);
        return f32 ? cg_f32_narrow(L, r) : r;
    }
    LLVMValueRef both[2] = {acc, part};   /* as s = min(s, e) */
    return cg_minmax(L, op == PAR_MAX, both, 2, t);
}

/* ---- chunk functions -------------------------------------------------------------------- */
/* A new internal `i32 <symbol>.<what>(ptr env, i64 lo, i64 hi, ptr partial)` of ti. */
static LLVMValueRef chunk_fn(Lower *L, TypeInfo *ti, const char *what) {
    LLVMTypeRef pt[4] = {L->ptr, L->i64, L->i64, L->ptr};
    LLVMValueRef f = LLVMAddFunction(L->m, ctx_printf(L->ctx, "%s.%s", ti->symbol, what), LLVMFunctionType(L->i32, pt, 4, 0));
    LLVMSetLinkage(f, LLVMInternalLinkage);   /* a second `what` of the same symbol gets a numbered name */
    cg_set_fn_attrs(L, f);
    return f;
}

/* The prange's step when the code gives it (prange(n), prange(a, b): 1; prange(a, b, 4)), else
 * NULL (read from the env). A chunk with its step known loads a[i] as a contiguous run; with the
 * step read from memory, i = start + k * step was no stride LLVM knew, and the loop vectorised
 * with gathers: a counting prange over 3e6 doubles 9.7 ms, numba 0.6 (one thread each). */
static LLVMValueRef const_step(Lower *L, ParLoop *pl) {
    Instr *call = pl->call;
    int64_t k;
    if (call->nkw) return NULL;
    if (call->nargs - 1 < 3) return i64c(L, 1);
    return ti_const_int(L->ti, call->args[3], &k) && k != 0 ? i64c(L, k) : NULL;
}

/* A lowering state on outer's module, builder, types and target, with no function yet. */
static Lower sibling(Lower *outer) {
    return (Lower){.ctx = outer->ctx, .c = outer->c, .m = outer->m, .b = outer->b, .i1 = outer->i1, .i8 = outer->i8,
                   .i32 = outer->i32, .i64 = outer->i64, .f64 = outer->f64, .ptr = outer->ptr, .c128 = outer->c128,
                   .voidt = outer->voidt, .cpu = outer->cpu, .features = outer->features};
}

/* The chunk reads outer's typing and array plan (fused operands); it has no per-value tables,
 * variables or blocks of its own: what it lowers comes in through env. */
void cg_chunk_begin(Lower *outer, Lower *L, const char *what) {
    *L = sibling(outer);
    L->ti = outer->ti;
    L->fn = outer->fn;
    L->loc = outer->loc;
    L->uses = outer->uses;
    L->fused = outer->fused;
    L->b = LLVMCreateBuilderInContext(L->c);   /* outer's builder stays where it is */
    L->func = chunk_fn(L, L->ti, what);
    L->entry_bb = LLVMAppendBasicBlockInContext(L->c, L->func, "entry");
    LLVMPositionBuilderAtEnd(L->b, L->entry_bb);
}

LLVMValueRef cg_chunk_end(Lower *L) {
    LLVMBuildRet(L->b, LLVMConstInt(L->i32, 0, 0));
    LLVMDisposeBuilder(L->b);
    return L->func;
}

/* Room for the partials of every chunk, and chunk c's. */
LLVMValueRef cg_partials_alloca(Lower *L, LLVMTypeRef partt) {
    return cg_entry_alloca(L, LLVMArrayType2(partt, EMBER_MAX_CHUNKS), "partials");
}

LLVMValueRef cg_partial_ptr(Lower *L, LLVMTypeRef partt, LLVMValueRef partials, LLVMValueRef c) {
    LLVMValueRef idx[2] = {i64c(L, 0), c};
    return LLVMBuildInBoundsGEP2(L->b, LLVMArrayType2(partt, EMBER_MAX_CHUNKS), partials, idx, 2, "");
}

/* Runs body over [0, n): on the runner when `parallel` (an i1) is true or NULL, else with one
 * direct call in this thread. Returns how many partials were written (chunk order); a failed
 * chunk fails the caller. */
static LLVMValueRef run_chunks(Lower *L, LLVMValueRef body, LLVMValueRef env, LLVMValueRef n, LLVMValueRef parallel,
                               LLVMTypeRef partt, LLVMValueRef partials, void (*cleanup)(Lower *, void *), void *cenv) {
    LLVMTypeRef pt[5] = {L->ptr, L->ptr, L->i64, L->i64, L->ptr};
    LLVMValueRef size = partt ? LLVMSizeOf(partt) : i64c(L, 0);
    LLVMValueRef args[5] = {body, env, n, size, partials ? partials : LLVMConstNull(L->ptr)};
    LLVMValueRef nc;
    if (!parallel) {
        nc = cg_call(L, "ember_rt_parallel_for", L->i64, pt, args, 5);
    } else {
        LLVMBasicBlockRef par = LLVMAppendBasicBlockInContext(L->c, L->func, "chunks");
        LLVMBasicBlockRef one = LLVMAppendBasicBlockInContext(L->c, L->func, "onechunk");
        LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "chunked");
        LLVMBuildCondBr(L->b, parallel, par, one);
        LLVMPositionBuilderAtEnd(L->b, par);
        LLVMValueRef many = cg_call(L, "ember_rt_parallel_for", L->i64, pt, args, 5);
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, one);
        LLVMValueRef cargs[4] = {env, i64c(L, 0), n, args[4]};
        LLVMValueRef st = LLVMBuildCall2(L->b, LLVMGlobalGetValueType(body), body, cargs, 4, "");
        LLVMValueRef single = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntNE, st, LLVMConstInt(L->i32, 0, 0), ""),
                                              i64c(L, -1), i64c(L, 1), "");
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, join);
        nc = cg_phi2(L, many, par, single, one, "nc");
    }
    LLVMBasicBlockRef fail = LLVMAppendBasicBlockInContext(L->c, L->func, "parfail");
    LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(L->c, L->func, "parok");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, nc, i64c(L, 0), ""), fail, ok);
    LLVMPositionBuilderAtEnd(L->b, fail);   /* the runner (or the chunk) has set this thread's error record */
    if (cleanup) cleanup(L, cenv);
    cg_fail(L);
    LLVMPositionBuilderAtEnd(L->b, ok);
    return nc;
}

LLVMValueRef cg_run_chunks(Lower *L, LLVMValueRef body, LLVMValueRef env, LLVMValueRef n, LLVMValueRef parallel,
                           LLVMTypeRef partt, LLVMValueRef partials) {
    return run_chunks(L, body, env, n, parallel, partt, partials, NULL, NULL);
}

/* ---- prange loops ------------------------------------------------------------------------ */
LLVMValueRef cg_parallel_body(Lower *outer, TypeInfo *ti, ParLoop *pl, int k) {
    Lower L_ = sibling(outer), *L = &L_;
    Function *fn = ti->fn;
    LLVMValueRef f = chunk_fn(L, ti, ctx_printf(L->ctx, "prange%d", k));
    if (cg_begin_function(L, ti, f)) return NULL;
    L->in_prange = true;
    for (int b = 0; b < fn->nblocks; b++)
        if (pl->in_loop[b]) L->bbs[b] = LLVMAppendBasicBlockInContext(L->c, f, "");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, f, "done");
    L->bbs[pl->foriter->target[1]->id] = done;
    if (cg_collapse_plan(L, pl->in_loop)) return NULL;
    cg_collapse_begin(L);

    LLVMPositionBuilderAtEnd(L->b, L->entry_bb);
    LLVMTypeRef envt = pack_type(L, ti, pl, PAR_SHARED), partt = pack_type(L, ti, pl, PAR_REDUCE);
    LLVMValueRef env = LLVMGetParam(f, 0), lo = LLVMGetParam(f, 1), hi = LLVMGetParam(f, 2);
    int ne = ENV_FIXED;
    int *env_at = ctx_alloc(L->ctx, sizeof(int) * (size_t)(fn->nvars + 1));   /* per reduced array: its env field */
    if (!env_at) return NULL;
    for (int v = 0; v < fn->nvars; v++) {
        const Type *t = ti->vartypes[v];
        if (reduced_array(ti, pl, v)) env_at[v] = ne;
        if (carried(ti, pl, v, PAR_SHARED)) {
            LLVMValueRef x = LLVMBuildLoad2(L->b, cg_type(L, t), cg_field(L, envt, env, ne++), fn->varnames[v]);
            if (cg_has_refs(L, t)) cg_incref(L, x, t);   /* the frame's exit drops it again */
            LLVMBuildStore(L->b, x, L->vars[v]);
            cg_floor_store(L, v, -1, x);
        } else if (reduced_array(ti, pl, v)) {
            LLVMValueRef x = LLVMBuildLoad2(L->b, cg_type(L, t), cg_field(L, envt, env, ne++), fn->varnames[v]);
            LLVMValueRef z = identity_array(L, pl->red_op[v], t, x);   /* its slot holds one reference */
            cg_incref(L, z, t);                                         /* the variable's, dropped at the exit */
            LLVMBuildStore(L->b, z, L->vars[v]);
        } else if (carried(ti, pl, v, PAR_REDUCE)) {
            LLVMBuildStore(L->b, identity(L, pl->red_op[v], t), L->vars[v]);
        }
    }
    /* the prange iterator, at iteration k0 + lo of the caller's range, stopping at k0 + hi */
    LLVMTypeRef st = cg_iter_state_type(L, ty_range);
    LLVMValueRef state = LLVMBuildAlloca(L->b, st, "prange");
    LLVMValueRef k0 = LLVMBuildLoad2(L->b, L->i64, cg_field(L, envt, env, 2), "k0");
    LLVMBuildStore(L->b, LLVMBuildLoad2(L->b, L->i64, cg_field(L, envt, env, 0), "start"), cg_field(L, st, state, 0));
    LLVMValueRef step0 = const_step(L, pl);
    LLVMBuildStore(L->b, step0 ? step0 : LLVMBuildLoad2(L->b, L->i64, cg_field(L, envt, env, 1), "step"), cg_field(L, st, state, 1));
    LLVMBuildStore(L->b, LLVMBuildAdd(L->b, k0, hi, ""), cg_field(L, st, state, 2));
    LLVMBuildStore(L->b, LLVMBuildAdd(L->b, k0, lo, ""), cg_field(L, st, state, 3));
    /* the chunk's own stop, start + count * step: its values lie before it */
    LLVMValueRef start = LLVMBuildLoad2(L->b, L->i64, cg_field(L, st, state, 0), ""), step = LLVMBuildLoad2(L->b, L->i64, cg_field(L, st, state, 1), "");
    LLVMBuildStore(L->b, LLVMBuildAdd(L->b, start, LLVMBuildMul(L->b, LLVMBuildAdd(L->b, k0, hi, ""), step, ""), ""),
                   cg_field(L, st, state, 5));
    LLVMBuildStore(L->b, state, L->vars[pl->iter_var]);
    LLVMBuildBr(L->b, L->bbs[pl->header->id]);

    for (int b = 0; b < fn->nblocks; b++)
        if (pl->in_loop[b] && cg_lower_block(L, fn->blocks[b], false)) return NULL;
    if (cg_collapse_lower(L)) return NULL;

    LLVMPositionBuilderAtEnd(L->b, done);
    LLVMValueRef partial = LLVMGetParam(f, 3);
    int np = 0;
    for (int v = 0; v < fn->nvars; v++)
        if (carried(ti, pl, v, PAR_REDUCE)) {
            const Type *t = ti->vartypes[v];
            LLVMValueRef x = LLVMBuildLoad2(L->b, cg_type(L, t), L->vars[v], "");
            if (reduced_array(ti, pl, v)) {
                if (pl->red_rebinds[v])
                    check_grown(L, t, x, LLVMBuildLoad2(L->b, cg_type(L, t), cg_field(L, envt, env, env_at[v]), ""));
                cg_incref(L, x, t);   /* the partial's, dropped by the caller */
            }
            LLVMBuildStore(L->b, x, cg_field(L, partt, partial, np++));
        }
    cg_ret(L, LLVMConstInt(L->i32, 0, 0));
    cg_end_function(L);
    return f;
}

typedef struct {
    TypeInfo *ti;
    ParLoop *pl;
    LLVMTypeRef partt;
    LLVMValueRef partials;
} Partials;

/* Drop the reduced arrays of every chunk's partial (null where a chunk wrote none). */
static void drop_partial_arrays(Lower *L, void *env) {
    Partials *P = env;
    LoopCtx lc;
    LLVMValueRef c = cg_loop_begin(L, &lc, i64c(L, EMBER_MAX_CHUNKS));
    LLVMValueRef slot = cg_partial_ptr(L, P->partt, P->partials, c);
    for (int v = 0, np = 0; v < P->ti->fn->nvars; v++) {
        if (!carried(P->ti, P->pl, v, PAR_REDUCE)) continue;
        const Type *t = P->ti->vartypes[v];
        if (reduced_array(P->ti, P->pl, v)) cg_decref(L, LLVMBuildLoad2(L->b, cg_type(L, t), cg_field(L, P->partt, slot, np), ""), t);
        np++;
    }
    cg_loop_end(L, &lc);
}

void cg_parallel_call(Lower *L, ParLoop *pl, LLVMValueRef body) {
    TypeInfo *ti = L->ti;
    Function *fn = ti->fn;
    LLVMTypeRef st = cg_iter_state_type(L, ty_range);
    LLVMValueRef state = L->vals[pl->foriter->args[0]];
    LLVMValueRef count = LLVMBuildLoad2(L->b, L->i64, cg_field(L, st, state, 2), "count");
    LLVMValueRef k0 = LLVMBuildLoad2(L->b, L->i64, cg_field(L, st, state, 3), "k0");

    LLVMTypeRef envt = pack_type(L, ti, pl, PAR_SHARED), partt = pack_type(L, ti, pl, PAR_REDUCE);
    LLVMValueRef env = cg_entry_alloca(L, envt, "env");
    LLVMValueRef partials = cg_partials_alloca(L, partt);
    LLVMBuildStore(L->b, LLVMBuildLoad2(L->b, L->i64, cg_field(L, st, state, 0), ""), cg_field(L, envt, env, 0));
    LLVMBuildStore(L->b, LLVMBuildLoad2(L->b, L->i64, cg_field(L, st, state, 1), ""), cg_field(L, envt, env, 1));
    LLVMBuildStore(L->b, k0, cg_field(L, envt, env, 2));
    int ne = ENV_FIXED;
    bool arrays = false;
    for (int v = 0; v < fn->nvars; v++) {
        if (in_env(ti, pl, v))
            LLVMBuildStore(L->b, LLVMBuildLoad2(L->b, cg_type(L, ti->vartypes[v]), L->vars[v], ""), cg_field(L, envt, env, ne++));
        arrays |= reduced_array(ti, pl, v);
    }
    if (arrays)   /* a chunk that fails writes no partial: its null arrays are dropped as nothing */
        LLVMBuildMemSet(L->b, partials, LLVMConstInt(L->i8, 0, 0),
                        LLVMBuildMul(L->b, LLVMSizeOf(partt), i64c(L, EMBER_MAX_CHUNKS), ""), 8);
    Partials P = {ti, pl, partt, partials};
    LLVMValueRef nc = run_chunks(L, body, env, LLVMBuildSub(L->b, count, k0, "n"), NULL, partt, partials,
                                 arrays ? drop_partial_arrays : NULL, &P);

    int np = 0;
    for (int v = 0; v < fn->nvars; v++) {
        if (!carried(ti, pl, v, PAR_REDUCE)) continue;
        const Type *t = ti->vartypes[v];
        LoopCtx lc;
        if (reduced_array(ti, pl, v)) {   /* into acc in place, or into a copy of it for acc = acc + e */
            LLVMValueRef acc = LLVMBuildLoad2(L->b, cg_type(L, t), L->vars[v], fn->varnames[v]);
            LLVMValueRef target = acc;
            if (pl->red_rebinds[v]) {   /* a copy of acc in t's layout */
                target = new_like(L, t, acc);
                cg_assign_noalias(L, t, target, t, acc);
            }
            LLVMValueRef c = cg_loop_begin(L, &lc, nc);
            LLVMValueRef part = LLVMBuildLoad2(L->b, cg_type(L, t), cg_field(L, partt, cg_partial_ptr(L, partt, partials, c), np), "");
            fold_array(L, pl->red_op[v], t, target, part);
            cg_decref(L, part, t);
            cg_loop_end(L, &lc);
            if (pl->red_rebinds[v]) {   /* the variable takes the copy (its slot keeps one reference) */
                cg_incref(L, target, t);
                LLVMBuildStore(L->b, target, L->vars[v]);
                cg_own(L, acc, t);
            }
            np++;
            continue;
        }
        LLVMValueRef c = cg_loop_begin(L, &lc, nc);
        LLVMValueRef slot = cg_partial_ptr(L, partt, partials, c);
        LLVMValueRef part = LLVMBuildLoad2(L->b, cg_type(L, t), cg_field(L, partt, slot, np), "");
        LLVMValueRef acc = LLVMBuildLoad2(L->b, cg_type(L, t), L->vars[v], fn->varnames[v]);
        LLVMBuildStore(L->b, combine(L, pl->red_op[v], acc, part, t, f32_var(L, v)), L->vars[v]);
        cg_loop_end(L, &lc);
        np++;
    }
    LLVMBuildStore(L->b, count, cg_field(L, st, state, 3));   /* the iterator is exhausted */
    LLVMBuildBr(L->b, L->bbs[pl->foriter->target[1]->id]);
}
