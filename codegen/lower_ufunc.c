/* lower_ufunc.c: C-ABI functions around a compiled kernel (cg.h, CgWrap): NumPy inner loops for
 * @vectorize and @guvectorize, and @cfunc's C function.
 *
 * Every wrapper calls the kernel's native function (<kernel>(ptr out, params...), returning a
 * status); jit.c links the kernel's bitcode in and makes it internal, so O3 inlines the kernel
 * into the loop and vectorises the loop where it can. A loop is two functions:
 *
 *   void <sym>(char **args, npy_intp const *dims, npy_intp const *steps, void *data)
 *       runs <sym>.body over [0, dims[0]) directly, or through ember_rt_parallel_for (split
 *       across the runtime's threads) when w->parallel and the call is long enough (a ufunc's
 *       CG_PAR_MIN_ELEMS elements, as array expressions; two for a gufunc); a failing body sets the Python
 *       exception from the error record (ember_rt_raise_in_python takes the GIL: NumPy may have
 *       released it) and the loop returns, so NumPy raises it from the ufunc call.
 *   i32 <sym>.body(ptr env, i64 lo, i64 hi, ptr partial)      env: the loop's own arguments
 *       a ufunc's body has two copies of its loop: one for contiguous operands (constant
 *       strides, which LLVM vectorises) and one for any strides.
 *
 * Operands are loaded as their dtype's canonical scalar (float32 computes in float64, as
 * everywhere in ember) and stored with NumPy's cast. No address of this process is embedded:
 * the kernel is linked in, the runtime is called by name (contract 1).
 */
#include "lower.h"
#include <stdint.h>
#include <string.h>

/* The loop's three pointers, as the body reads them from env. */
typedef struct LoopArgs {
    LLVMValueRef args, dims, steps;
} LoopArgs;

static LLVMValueRef load_at(Lower *L, LLVMTypeRef t, LLVMValueRef base, int k) {
    LLVMValueRef idx = LLVMConstInt(L->i64, (unsigned long long)k, 0);
    return LLVMBuildLoad2(L->b, t, LLVMBuildInBoundsGEP2(L->b, t, base, &idx, 1, ""), "");
}

/* The kernel's <sym>.x (lower.c): its body, which LLVM inlines into the loop. */
static LLVMValueRef declare_kernel(Lower *L, const CgWrap *w) {
    return cg_native_x(L, w->kernel, cg_native_fn_type(L, w->params, w->nparams));
}

/* A new function `name` of type fty, with the builder at its entry block. */
static LLVMValueRef begin(Lower *L, const char *name, LLVMTypeRef fty, bool internal) {
    LLVMValueRef f = LLVMAddFunction(L->m, name, fty);
    if (internal) LLVMSetLinkage(f, LLVMInternalLinkage);
    cg_set_fn_attrs(L, f);
    L->func = f;
    L->entry_bb = LLVMAppendBasicBlockInContext(L->c, f, "entry");
    LLVMPositionBuilderAtEnd(L->b, L->entry_bb);
    return f;
}

/* Call the kernel on vals; returns its status and leaves the result in *ret_slot. */
static LLVMValueRef call_kernel(Lower *L, const CgWrap *w, LLVMValueRef kernel, LLVMValueRef ret_slot,
                                LLVMValueRef *vals) {
    LLVMValueRef all[CG_WRAP_MAX_OPERANDS + 2];
    all[0] = ret_slot;
    memcpy(all + 1, vals, sizeof(LLVMValueRef) * (size_t)w->nparams);
    all[w->nparams + 1] = cg_exc_record(L);   /* its exceptions: the record, as the caller reads them */
    return LLVMBuildCall2(L->b, LLVMGlobalGetValueType(kernel), kernel, all, (unsigned)w->nparams + 2, "status");
}

/* for (i = lo; i < hi; i++) with the builder left in the body; *i_out is i. Returns the latch's
 * i + 1 builder hook: the caller calls loop_end. */
typedef struct Loop {
    LLVMBasicBlockRef head, body, exit;
    LLVMValueRef i;
} Loop;

static void loop_begin(Lower *L, Loop *lp, LLVMValueRef lo, LLVMValueRef hi) {
    LLVMBasicBlockRef pre = LLVMGetInsertBlock(L->b);
    lp->head = LLVMAppendBasicBlockInContext(L->c, L->func, "loop");
    lp->body = LLVMAppendBasicBlockInContext(L->c, L->func, "body");
    lp->exit = LLVMAppendBasicBlockInContext(L->c, L->func, "done");
    LLVMBuildBr(L->b, lp->head);
    LLVMPositionBuilderAtEnd(L->b, lp->head);
    lp->i = LLVMBuildPhi(L->b, L->i64, "i");
    LLVMAddIncoming(lp->i, &lo, &pre, 1);
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, lp->i, hi, ""), lp->body, lp->exit);
    LLVMPositionBuilderAtEnd(L->b, lp->body);
}

static void loop_end(Lower *L, Loop *lp) {
    LLVMValueRef next = LLVMBuildNSWAdd(L->b, lp->i, LLVMConstInt(L->i64, 1, 0), "");
    LLVMBasicBlockRef latch = LLVMGetInsertBlock(L->b);
    LLVMAddIncoming(lp->i, &next, &latch, 1);
    LLVMBuildBr(L->b, lp->head);
    LLVMPositionBuilderAtEnd(L->b, lp->exit);
}

/* Return the kernel's status from the body unless it is 0. */
static void propagate(Lower *L, LLVMValueRef status) {
    LLVMBasicBlockRef fail = LLVMAppendBasicBlockInContext(L->c, L->func, "fail");
    LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(L->c, L->func, "ok");
    cg_br_expect(L, LLVMBuildICmp(L->b, LLVMIntEQ, status, LLVMConstInt(L->i32, 0, 0), ""), true, ok, fail);
    LLVMPositionBuilderAtEnd(L->b, fail);
    LLVMBuildRet(L->b, status);
    LLVMPositionBuilderAtEnd(L->b, ok);
}

/* ---- @vectorize: one element per operand per trip --------------------------------- */
/* Input k's element at trip i: with `once` (a broadcast loop's), where once[k] holds (its step is
 * 0: a scalar NumPy passes once) the value read before the loop, else the element at stride. */
static LLVMValueRef input_at(Lower *L, const CgWrap *w, int k, LLVMValueRef base, LLVMValueRef stride, LLVMValueRef i,
                             LLVMValueRef once, LLVMValueRef first) {
    if (!once) return cg_load_elem(L, w->dtypes[k], cg_gep8(L, base, LLVMBuildMul(L->b, i, stride, "")));
    LLVMBasicBlockRef from = LLVMGetInsertBlock(L->b);
    LLVMBasicBlockRef read = LLVMAppendBasicBlockInContext(L->c, L->func, "read");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "operand");
    LLVMBuildCondBr(L->b, once, join, read);   /* (loop-invariant: LLVM unswitches the loop on it) */
    LLVMPositionBuilderAtEnd(L->b, read);
    LLVMValueRef x = cg_load_elem(L, w->dtypes[k], cg_gep8(L, base, LLVMBuildMul(L->b, i, stride, "")));
    LLVMBasicBlockRef read_end = LLVMGetInsertBlock(L->b);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    return cg_phi2(L, first, from, x, read_end, "");
}

static void ufunc_loop(Lower *L, const CgWrap *w, LLVMValueRef kernel, LLVMValueRef slot, LLVMValueRef *base,
                       LLVMValueRef *stride, LLVMValueRef *once, LLVMValueRef lo, LLVMValueRef hi) {
    int nin = w->nparams;
    LLVMValueRef first[CG_WRAP_MAX_OPERANDS];
    for (int k = 0; once && k < nin; k++) first[k] = cg_load_elem(L, w->dtypes[k], base[k]);   /* (each has one at least) */
    Loop lp;
    loop_begin(L, &lp, lo, hi);
    LLVMValueRef vals[CG_WRAP_MAX_OPERANDS];
    for (int k = 0; k < nin; k++) {
        LLVMValueRef x = input_at(L, w, k, base[k], stride[k], lp.i, once ? once[k] : NULL, once ? first[k] : NULL);
        vals[k] = cg_cast(L, x, ty_scalar_of(w->dtypes[k]), w->params[k]);
    }
    propagate(L, call_kernel(L, w, kernel, slot, vals));
    LLVMValueRef r = LLVMBuildLoad2(L->b, cg_type(L, w->ret), slot, "");
    cg_store_elem(L, w->dtypes[nin], cg_gep8(L, base[nin], LLVMBuildMul(L->b, lp.i, stride[nin], "")), r, w->ret);
    loop_end(L, &lp);
}

static void ufunc_body(Lower *L, const CgWrap *w, LLVMValueRef kernel, LoopArgs *a, LLVMValueRef lo, LLVMValueRef hi) {
    int nops = w->nparams + 1;
    LLVMValueRef base[CG_WRAP_MAX_OPERANDS + 1], stride[CG_WRAP_MAX_OPERANDS + 1], fixed[CG_WRAP_MAX_OPERANDS + 1];
    LLVMValueRef contig = LLVMConstInt(L->i1, 1, 0);
    for (int k = 0; k < nops; k++) {
        base[k] = load_at(L, L->ptr, a->args, k);
        stride[k] = load_at(L, L->i64, a->steps, k);
        fixed[k] = i64c(L, ty_dtypes[w->dtypes[k]].size);
        contig = LLVMBuildAnd(L->b, contig, LLVMBuildICmp(L->b, LLVMIntEQ, stride[k], fixed[k], ""), "");
    }
    /* a scalar beside arrays (a threshold): NumPy passes it with step 0; with the others contiguous,
     * the broadcast loop reads it once and the rest as the contiguous loop does */
    LLVMValueRef bcast = LLVMBuildICmp(L->b, LLVMIntEQ, stride[nops - 1], fixed[nops - 1], ""), once[CG_WRAP_MAX_OPERANDS];
    for (int k = 0; k + 1 < nops; k++) {
        once[k] = LLVMBuildICmp(L->b, LLVMIntEQ, stride[k], i64c(L, 0), "");
        bcast = LLVMBuildAnd(L->b, bcast, LLVMBuildOr(L->b, once[k], LLVMBuildICmp(L->b, LLVMIntEQ, stride[k], fixed[k], ""), ""), "");
    }
    LLVMValueRef slot = cg_entry_alloca(L, cg_type(L, w->ret), "ret");
    LLVMBasicBlockRef dense = LLVMAppendBasicBlockInContext(L->c, L->func, "contiguous");
    LLVMBasicBlockRef other = LLVMAppendBasicBlockInContext(L->c, L->func, "other");
    LLVMBasicBlockRef broadcast = LLVMAppendBasicBlockInContext(L->c, L->func, "broadcast");
    LLVMBasicBlockRef strided = LLVMAppendBasicBlockInContext(L->c, L->func, "strided");
    LLVMBuildCondBr(L->b, contig, dense, other);
    LLVMPositionBuilderAtEnd(L->b, dense);
    ufunc_loop(L, w, kernel, slot, base, fixed, NULL, lo, hi);
    LLVMBuildRet(L->b, LLVMConstInt(L->i32, 0, 0));
    LLVMPositionBuilderAtEnd(L->b, other);
    LLVMBuildCondBr(L->b, bcast, broadcast, strided);
    LLVMPositionBuilderAtEnd(L->b, broadcast);
    LLVMBasicBlockRef some = LLVMAppendBasicBlockInContext(L->c, L->func, "some");
    LLVMBasicBlockRef none = LLVMAppendBasicBlockInContext(L->c, L->func, "none");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, lo, hi, ""), some, none);   /* (the values read once: only then) */
    LLVMPositionBuilderAtEnd(L->b, none);
    LLVMBuildRet(L->b, LLVMConstInt(L->i32, 0, 0));
    LLVMPositionBuilderAtEnd(L->b, some);
    ufunc_loop(L, w, kernel, slot, base, fixed, once, lo, hi);
    LLVMBuildRet(L->b, LLVMConstInt(L->i32, 0, 0));
    LLVMPositionBuilderAtEnd(L->b, strided);
    ufunc_loop(L, w, kernel, slot, base, stride, NULL, lo, hi);
}

/* ---- @guvectorize: core dimensions become array arguments -------------------------- */
static void gufunc_body(Lower *L, const CgWrap *w, LLVMValueRef kernel, LoopArgs *a, LLVMValueRef lo, LLVMValueRef hi) {
    int nops = w->nparams;
    LLVMValueRef base[CG_WRAP_MAX_OPERANDS], step[CG_WRAP_MAX_OPERANDS];
    LLVMValueRef shape[CG_WRAP_MAX_OPERANDS][CG_WRAP_MAX_CORE], cstride[CG_WRAP_MAX_OPERANDS][CG_WRAP_MAX_CORE];
    int at = nops;   /* steps[nops..]: each operand's core strides, in operand order */
    for (int k = 0; k < nops; k++) {
        base[k] = load_at(L, L->ptr, a->args, k);
        step[k] = load_at(L, L->i64, a->steps, k);
        for (int d = 0; d < w->core_ndim[k]; d++) {
            shape[k][d] = load_at(L, L->i64, a->dims, 1 + w->core_dim[k][d]);
            cstride[k][d] = load_at(L, L->i64, a->steps, at++);
        }
    }
    LLVMValueRef slot = cg_entry_alloca(L, cg_type(L, w->ret), "ret");
    LLVMValueRef null = LLVMConstNull(L->ptr);
    Loop lp;
    loop_begin(L, &lp, lo, hi);
    LLVMValueRef vals[CG_WRAP_MAX_OPERANDS];
    for (int k = 0; k < nops; k++) {
        const Type *t = w->params[k];
        LLVMValueRef p = cg_gep8(L, base[k], LLVMBuildMul(L->b, lp.i, step[k], ""));
        if (t->kind != TY_ARRAY) {
            vals[k] = cg_cast(L, cg_load_elem(L, w->dtypes[k], p), ty_scalar_of(w->dtypes[k]), t);
        } else if (w->core_ndim[k] == 0) {   /* "()" given to an array parameter: one element */
            LLVMValueRef one = i64c(L, 1), size = i64c(L, ty_dtypes[t->dtype].size);
            vals[k] = cg_make_array(L, t, null, null, p, &one, &size);
        } else {
            vals[k] = cg_make_array(L, t, null, null, p, shape[k], cstride[k]);
        }
    }
    propagate(L, call_kernel(L, w, kernel, slot, vals));
    loop_end(L, &lp);
}

/* The loop and its body. */
static void lower_loop(Lower *L, const CgWrap *w) {
    LLVMValueRef kernel = declare_kernel(L, w);
    LLVMTypeRef p3[3] = {L->ptr, L->ptr, L->ptr};
    LLVMTypeRef envt = LLVMStructTypeInContext(L->c, p3, 3, 0);
    LLVMTypeRef bp[4] = {L->ptr, L->i64, L->i64, L->ptr};
    LLVMTypeRef body_ty = LLVMFunctionType(L->i32, bp, 4, 0);
    LLVMValueRef body = begin(L, ctx_printf(L->ctx, "%s.body", w->symbol), body_ty, true);
    LLVMValueRef env = LLVMGetParam(body, 0);
    LoopArgs a = {load_at(L, L->ptr, env, 0), load_at(L, L->ptr, env, 1), load_at(L, L->ptr, env, 2)};
    if (w->kind == CG_WRAP_UFUNC) ufunc_body(L, w, kernel, &a, LLVMGetParam(body, 1), LLVMGetParam(body, 2));
    else gufunc_body(L, w, kernel, &a, LLVMGetParam(body, 1), LLVMGetParam(body, 2));
    LLVMBuildRet(L->b, LLVMConstInt(L->i32, 0, 0));

    LLVMTypeRef lp[4] = {L->ptr, L->ptr, L->ptr, L->ptr};
    LLVMValueRef loop = begin(L, w->symbol, LLVMFunctionType(L->voidt, lp, 4, 0), false);
    LLVMValueRef envp = LLVMBuildAlloca(L->b, envt, "env");
    for (unsigned k = 0; k < 3; k++) LLVMBuildStore(L->b, LLVMGetParam(loop, k), cg_field(L, envt, envp, k));
    LLVMValueRef n = load_at(L, L->i64, LLVMGetParam(loop, 1), 0);
    LLVMBasicBlockRef fail = LLVMAppendBasicBlockInContext(L->c, loop, "fail");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, loop, "done");
    LLVMBasicBlockRef serial = LLVMAppendBasicBlockInContext(L->c, loop, "serial");
    if (w->parallel) {   /* threads for calls long enough to pay for them (a gufunc's elements are big) */
        LLVMBasicBlockRef threads = LLVMAppendBasicBlockInContext(L->c, loop, "threads");
        LLVMValueRef enough = i64c(L, w->kind == CG_WRAP_UFUNC ? CG_PAR_MIN_ELEMS : 2);
        LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSGE, n, enough, ""), threads, serial);
        LLVMPositionBuilderAtEnd(L->b, threads);
        LLVMTypeRef pt[5] = {L->ptr, L->ptr, L->i64, L->i64, L->ptr};
        LLVMValueRef args[5] = {body, envp, n, i64c(L, 0), LLVMConstNull(L->ptr)};
        LLVMValueRef chunks = cg_call(L, "ember_rt_parallel_for", L->i64, pt, args, 5);
        cg_br_expect(L, LLVMBuildICmp(L->b, LLVMIntSLT, chunks, i64c(L, 0), ""), false, fail, done);
    } else {
        LLVMBuildBr(L->b, serial);
    }
    LLVMPositionBuilderAtEnd(L->b, serial);
    LLVMValueRef args[4] = {envp, i64c(L, 0), n, LLVMConstNull(L->ptr)};
    LLVMValueRef st = LLVMBuildCall2(L->b, body_ty, body, args, 4, "");
    cg_br_expect(L, LLVMBuildICmp(L->b, LLVMIntNE, st, LLVMConstInt(L->i32, 0, 0), ""), false, fail, done);
    LLVMPositionBuilderAtEnd(L->b, fail);
    cg_call(L, "ember_rt_raise_in_python", L->voidt, NULL, NULL, 0);
    LLVMBuildBr(L->b, done);
    LLVMPositionBuilderAtEnd(L->b, done);
    LLVMBuildRetVoid(L->b);
}

/* ---- @cfunc: C scalars in and out -------------------------------------------------- */
static LLVMTypeRef c_type(Lower *L, int dt) { return dt < 0 ? L->voidt : cg_elem_llvm(L, dt); }

static void lower_cfunc(Lower *L, const CgWrap *w) {
    LLVMValueRef kernel = declare_kernel(L, w);
    int rdt = w->dtypes[w->nparams];
    LLVMTypeRef pt[CG_WRAP_MAX_OPERANDS];
    for (int k = 0; k < w->nparams; k++) pt[k] = w->params[k]->kind == TY_ARRAY ? L->ptr : c_type(L, w->dtypes[k]);
    LLVMValueRef f = begin(L, w->symbol, LLVMFunctionType(c_type(L, rdt), pt, (unsigned)w->nparams, 0), false);
    LLVMValueRef vals[CG_WRAP_MAX_OPERANDS];
    for (int k = 0; k < w->nparams; k++) {
        const Type *t = w->params[k];
        if (t->kind == TY_ARRAY) {   /* a CPointer: a 1-d array as long as memory (ember.carray views it) */
            int64_t size = ty_dtypes[t->dtype].size;
            LLVMValueRef n = i64c(L, INT64_MAX / size), stride = i64c(L, size), null = LLVMConstNull(L->ptr);
            vals[k] = cg_make_array(L, t, null, null, LLVMGetParam(f, (unsigned)k), &n, &stride);
            continue;
        }
        /* through memory: cg_load_elem converts as an array load would */
        LLVMValueRef tmp = cg_entry_alloca(L, pt[k], "arg");
        LLVMBuildStore(L->b, LLVMGetParam(f, (unsigned)k), tmp);
        vals[k] = cg_cast(L, cg_load_elem(L, w->dtypes[k], tmp), ty_scalar_of(w->dtypes[k]), w->params[k]);
    }
    LLVMValueRef slot = cg_entry_alloca(L, cg_type(L, w->ret), "ret");
    LLVMValueRef st = call_kernel(L, w, kernel, slot, vals);
    LLVMBasicBlockRef fail = LLVMAppendBasicBlockInContext(L->c, f, "fail");
    LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(L->c, f, "ok");
    cg_br_expect(L, LLVMBuildICmp(L->b, LLVMIntEQ, st, LLVMConstInt(L->i32, 0, 0), ""), true, ok, fail);
    LLVMPositionBuilderAtEnd(L->b, fail);
    LLVMTypeRef sp = L->ptr;
    LLVMValueRef name = cg_cstring(L, w->symbol);
    cg_call(L, "ember_rt_cfunc_failed", L->voidt, &sp, &name, 1);
    if (rdt < 0) LLVMBuildRetVoid(L->b);
    else LLVMBuildRet(L->b, LLVMConstNull(c_type(L, rdt)));
    LLVMPositionBuilderAtEnd(L->b, ok);
    if (rdt < 0) {
        LLVMBuildRetVoid(L->b);
        return;
    }
    LLVMValueRef out = cg_entry_alloca(L, c_type(L, rdt), "out");
    cg_store_elem(L, rdt, out, LLVMBuildLoad2(L->b, cg_type(L, w->ret), slot, ""), w->ret);
    LLVMBuildRet(L->b, LLVMBuildLoad2(L->b, c_type(L, rdt), out, ""));
}

/* The kernel's native function again, forwarding every parameter (LLVM inlines the kernel). */
static void lower_native(Lower *L, const CgWrap *w) {
    LLVMValueRef kernel = declare_kernel(L, w);
    LLVMValueRef f = LLVMAddFunction(L->m, w->symbol, cg_native_fn_type(L, w->params, w->nparams));
    L->func = f;
    LLVMPositionBuilderAtEnd(L->b, LLVMAppendBasicBlockInContext(L->c, f, "entry"));
    LLVMValueRef vals[CG_WRAP_MAX_OPERANDS];
    for (int k = 0; k < w->nparams; k++) vals[k] = LLVMGetParam(f, (unsigned)k + 1);
    LLVMBuildRet(L->b, call_kernel(L, w, kernel, LLVMGetParam(f, 0), vals));
}

int cg_lower_wrapper(Ctx *ctx, const CgWrap *w, LLVMContextRef c, LLVMModuleRef m, const char *cpu,
                     const char *features);

int cg_lower_wrapper(Ctx *ctx, const CgWrap *w, LLVMContextRef c, LLVMModuleRef m, const char *cpu,
                     const char *features) {
    Lower L_, *L = &L_;
    cg_lower_init(L, ctx, c, m, cpu, features);
    if (w->kind == CG_WRAP_CFUNC) lower_cfunc(L, w);
    else if (w->kind == CG_WRAP_NATIVE) lower_native(L, w);
    else lower_loop(L, w);
    LLVMDisposeBuilder(L->b);
    return 0;
}
