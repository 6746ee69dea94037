/* lower_gen.c: generator functions, lowered as LLVM coroutines (switched-resume lowering), and the
 * loops that consume them.
 *
 * A generator function's native function is its ramp: it makes the coroutine's frame (a runtime
 * block; LLVM elides it into the caller's frame where the generator does not outlive the caller),
 * stores the handle in `out`, and suspends before the body, as Python's generators start when
 * first resumed. Each YIELD stores its value in the promise and suspends. The body's end, a
 * return or a raise goes through the function's exit (which releases what the frame owns),
 * stores the status in the promise and suspends for the last time. Destroying a generator
 * suspended at a yield takes the exit too (`destroying` set), then frees the frame.
 *
 * The promise, {i64 refcnt, i32 status, T value}: a generator value is a counted reference like
 * a list's block (each_ref); the last reference dropped destroys the coroutine. A loop over it
 * resumes it once per trip: done with status 0 ends the loop, done with -1 fails with the error
 * record the body set, else the value is the next item. The one loop over a generator nothing
 * else holds owns it instead, with no count (cg_gen_one_loop), which lets LLVM's CoroElide put
 * the frame on the caller's stack. Called from Python, runtime/box.c's ember.Generator resumes
 * the frame.
 */
#include "lower.h"

enum { PROMISE_ALIGN = 8 };

static LLVMTypeRef token_type(Lower *L) { return LLVMTokenTypeInContext(L->c); }

static LLVMTypeRef promise_type(Lower *L, const Type *yields) {
    LLVMTypeRef f[3] = {L->i64, L->i32, cg_type(L, yields)};
    return LLVMStructTypeInContext(L->c, f, 3, 0);
}

/* The promise of the coroutine whose handle is h. */
static LLVMValueRef promise_of(Lower *L, LLVMValueRef h) {
    LLVMTypeRef pt[3] = {L->ptr, L->i32, L->i1};
    LLVMValueRef args[3] = {h, LLVMConstInt(L->i32, PROMISE_ALIGN, 0), LLVMConstInt(L->i1, 0, 0)};
    return cg_call(L, "llvm.coro.promise", L->ptr, pt, args, 3);
}

/* coro.suspend, then: 0 resumed (to `resumed`), 1 destroyed (to `destroyed`), else the ramp or
 * the resume function returns. */
static void suspend(Lower *L, bool final, LLVMBasicBlockRef resumed, LLVMBasicBlockRef destroyed) {
    LLVMTypeRef pt[2] = {token_type(L), L->i1};
    LLVMValueRef args[2] = {LLVMConstNull(token_type(L)), LLVMConstInt(L->i1, final, 0)};
    LLVMValueRef s = cg_call(L, "llvm.coro.suspend", L->i8, pt, args, 2);
    LLVMValueRef sw = LLVMBuildSwitch(L->b, s, L->gen.suspend, 2);
    LLVMAddCase(sw, LLVMConstInt(L->i8, 0, 0), resumed);
    LLVMAddCase(sw, LLVMConstInt(L->i8, 1, 0), destroyed);
}

static LLVMBasicBlockRef block(Lower *L, const char *name) { return LLVMAppendBasicBlockInContext(L->c, L->func, name); }

static void coro_destroy(Lower *L, LLVMValueRef h) {
    LLVMTypeRef pt = L->ptr;
    cg_call(L, "llvm.coro.destroy", L->voidt, &pt, &h, 1);
}

void cg_gen_begin(Lower *L, LLVMBasicBlockRef body) {
    const Type *yields = L->ti->ret->elems[0];
    LLVMTypeRef prt = promise_type(L, yields);
    L->gen.promise = cg_entry_alloca(L, prt, "promise");
    L->gen.destroying = cg_entry_alloca(L, L->i1, "destroying");
    LLVMBuildStore(L->b, LLVMConstInt(L->i1, 0, 0), L->gen.destroying);
    unsigned kind = LLVMGetEnumAttributeKindForName("presplitcoroutine", 17);
    LLVMAddAttributeAtIndex(L->func, LLVMAttributeFunctionIndex, LLVMCreateEnumAttribute(L->c, kind, 0));

    LLVMBasicBlockRef setup = block(L, "coro.setup"), dyn = block(L, "coro.alloc"), nomem = block(L, "coro.nomem"),
                      got = block(L, "coro.got"), begin = block(L, "coro.begin");
    L->gen.suspend = block(L, "coro.suspend");
    L->gen.cleanup = block(L, "coro.cleanup");
    L->gen.destroy = block(L, "coro.destroy");
    LLVMBuildBr(L->b, setup);   /* the entry block keeps only the frame's allocas */

    LLVMPositionBuilderAtEnd(L->b, setup);
    LLVMTypeRef idt[4] = {L->i32, L->ptr, L->ptr, L->ptr};
    LLVMValueRef ida[4] = {LLVMConstInt(L->i32, PROMISE_ALIGN, 0), L->gen.promise, LLVMConstNull(L->ptr), LLVMConstNull(L->ptr)};
    L->gen.id = cg_call(L, "llvm.coro.id", token_type(L), idt, ida, 4);
    LLVMTypeRef tt = token_type(L);
    LLVMValueRef need = cg_call(L, "llvm.coro.alloc", L->i1, &tt, &L->gen.id, 1);
    LLVMBuildCondBr(L->b, need, dyn, begin);

    LLVMPositionBuilderAtEnd(L->b, dyn);   /* a runtime block: counted with the others, aligned to 64 */
    LLVMValueRef size = cg_call(L, "llvm.coro.size.i64", L->i64, NULL, NULL, 0);
    LLVMTypeRef i64t = L->i64;
    LLVMValueRef blk = cg_call(L, "ember_rt_block_alloc", L->ptr, &i64t, &size, 1);
    LLVMBuildCondBr(L->b, LLVMBuildIsNull(L->b, blk, ""), nomem, got);
    LLVMPositionBuilderAtEnd(L->b, nomem);   /* the error record says MemoryError */
    LLVMBuildRet(L->b, LLVMConstInt(L->i32, (unsigned long long)-1, 1));
    LLVMPositionBuilderAtEnd(L->b, got);
    LLVMValueRef data = cg_gep8(L, blk, i64c(L, TY_BLOCK_HEADER));
    LLVMBuildBr(L->b, begin);

    LLVMPositionBuilderAtEnd(L->b, begin);
    LLVMValueRef mem = LLVMBuildPhi(L->b, L->ptr, "");
    LLVMValueRef inc[2] = {LLVMConstNull(L->ptr), data};
    LLVMBasicBlockRef from[2] = {setup, got};
    LLVMAddIncoming(mem, inc, from, 2);
    LLVMTypeRef bt[2] = {token_type(L), L->ptr};
    LLVMValueRef ba[2] = {L->gen.id, mem};
    L->gen.hdl = cg_call(L, "llvm.coro.begin", L->ptr, bt, ba, 2);
    LLVMBuildStore(L->b, i64c(L, 1), LLVMBuildStructGEP2(L->b, prt, L->gen.promise, 0, ""));
    LLVMBuildStore(L->b, LLVMConstInt(L->i32, 0, 0), LLVMBuildStructGEP2(L->b, prt, L->gen.promise, 1, ""));
    if (cg_has_refs(L, yields))   /* no value yet: nothing to drop at the first yield or the exit */
        LLVMBuildStore(L->b, LLVMConstNull(cg_type(L, yields)), LLVMBuildStructGEP2(L->b, prt, L->gen.promise, 2, ""));
    LLVMBuildStore(L->b, L->gen.hdl, L->out);   /* what calling the function gives */
    for (int i = 0; i < L->ti->nargs; i++) {   /* the arguments live as long as the generator */
        const Type *t = L->ti->argtypes[i];
        if (!cg_has_refs(L, t)) continue;
        LLVMValueRef a = LLVMGetParam(L->func, (unsigned)i + 1);
        cg_incref(L, a, t);
        cg_own(L, a, t);
    }
    suspend(L, false, body, L->gen.cleanup);   /* started: the first resume runs the body */

    LLVMPositionBuilderAtEnd(L->b, L->gen.destroy);   /* destroyed at a yield: release through the exit */
    LLVMBuildStore(L->b, LLVMConstInt(L->i1, 1, 0), L->gen.destroying);
    LLVMBuildStore(L->b, LLVMConstInt(L->i32, 0, 0), L->status);
    LLVMBuildBr(L->b, L->exit_bb);

    LLVMPositionBuilderAtEnd(L->b, L->gen.cleanup);
    LLVMTypeRef ft[2] = {token_type(L), L->ptr};
    LLVMValueRef fa[2] = {L->gen.id, L->gen.hdl};
    LLVMValueRef fmem = cg_call(L, "llvm.coro.free", L->ptr, ft, fa, 2);
    LLVMBasicBlockRef dofree = block(L, "coro.free"), freed = block(L, "coro.freed");
    LLVMBuildCondBr(L->b, LLVMBuildIsNull(L->b, fmem, ""), freed, dofree);
    LLVMPositionBuilderAtEnd(L->b, dofree);
    LLVMTypeRef pt = L->ptr;
    LLVMValueRef b = cg_gep8(L, fmem, i64c(L, -TY_BLOCK_HEADER));
    cg_call(L, "ember_rt_block_free", L->voidt, &pt, &b, 1);
    LLVMBuildBr(L->b, freed);
    LLVMPositionBuilderAtEnd(L->b, freed);
    LLVMBuildBr(L->b, L->gen.suspend);

    LLVMPositionBuilderAtEnd(L->b, L->gen.suspend);
    LLVMTypeRef et[3] = {L->ptr, L->i1, token_type(L)};
    LLVMValueRef ea[3] = {L->gen.hdl, LLVMConstInt(L->i1, 0, 0), LLVMConstNull(token_type(L))};
    cg_call(L, "llvm.coro.end", L->i1, et, ea, 3);
    LLVMBuildRet(L->b, LLVMConstInt(L->i32, 0, 0));

    LLVMPositionBuilderAtEnd(L->b, begin);   /* (the builder is re-positioned by the caller) */
}

/* The promise holds a reference to the value it holds (an array, a string, a list): the yield
 * takes one and drops the one to the value before; the exit drops the last. A consumer's loop
 * variable takes its own, as it does from a list. */
void cg_gen_yield(Lower *L, Instr *in) {
    const Type *yields = L->ti->ret->elems[0];
    LLVMValueRef v = ty_is_runtime(yields) ? cg_cast(L, L->vals[in->args[0]], L->ti->vtypes[in->args[0]], yields) : NULL;
    LLVMValueRef at = LLVMBuildStructGEP2(L->b, promise_type(L, yields), L->gen.promise, 2, "");
    if (v && cg_has_refs(L, yields)) {
        LLVMValueRef old = LLVMBuildLoad2(L->b, cg_type(L, yields), at, "");
        cg_incref(L, v, yields);
        LLVMBuildStore(L->b, v, at);
        cg_decref(L, old, yields);
    } else if (v) {
        LLVMBuildStore(L->b, v, at);
    }
    LLVMBasicBlockRef next = block(L, "resumed");
    suspend(L, false, next, L->gen.destroy);
    LLVMPositionBuilderAtEnd(L->b, next);
}

void cg_gen_end(Lower *L) {
    const Type *yields = L->ti->ret->elems[0];
    LLVMTypeRef prt = promise_type(L, yields);
    if (cg_has_refs(L, yields)) {   /* the last value yielded */
        LLVMValueRef at = LLVMBuildStructGEP2(L->b, prt, L->gen.promise, 2, "");
        cg_decref(L, LLVMBuildLoad2(L->b, cg_type(L, yields), at, ""), yields);
        LLVMBuildStore(L->b, LLVMConstNull(cg_type(L, yields)), at);
    }
    LLVMBasicBlockRef final = block(L, "coro.final"), never = block(L, "coro.never");
    LLVMBuildCondBr(L->b, LLVMBuildLoad2(L->b, L->i1, L->gen.destroying, ""), L->gen.cleanup, final);
    LLVMPositionBuilderAtEnd(L->b, final);
    LLVMBuildStore(L->b, LLVMBuildLoad2(L->b, L->i32, L->status, ""), LLVMBuildStructGEP2(L->b, prt, L->gen.promise, 1, ""));
    suspend(L, true, never, L->gen.cleanup);
    LLVMPositionBuilderAtEnd(L->b, never);   /* resumed after its end: a loop never does that */
    LLVMBuildUnreachable(L->b);
}

/* ---- consumers ------------------------------------------------------------------------ */
/* {handle, the value, whether the loop owns it}: a loop owns the generator it alone holds
 * (cg_gen_one_loop); the state is then its slot, and the loop destroys it when it ends. */
LLVMTypeRef cg_gen_state_type(Lower *L, const Type *g) {
    LLVMTypeRef f[3] = {L->ptr, cg_type(L, g->elems[0]), L->i1};
    return LLVMStructTypeInContext(L->c, f, 3, 0);
}

void cg_gen_iter_init(Lower *L, const Type *g, LLVMValueRef h, LLVMValueRef state, bool owns) {
    LLVMTypeRef st = cg_gen_state_type(L, g);
    LLVMValueRef hp = LLVMBuildStructGEP2(L->b, st, state, 0, "");
    if (owns) {   /* the state is the generator's slot: destroyed at the exit if the loop is left */
        const Type *owned = ty_generator_owned(g->elems[0]);
        cg_add_slot(L, state, owned);
        cg_decref(L, LLVMBuildLoad2(L->b, L->ptr, hp, ""), owned);   /* the one a break left here last time */
    } else {
        cg_incref(L, h, g);   /* the loop keeps it alive even if its variable changes */
        cg_own(L, h, g);
    }
    LLVMBuildStore(L->b, h, hp);
    LLVMBuildStore(L->b, LLVMConstInt(L->i1, owns, 0), LLVMBuildStructGEP2(L->b, st, state, 2, ""));
}

/* Resume generator h unless it has ended (a second loop over one generator, as Python's, gets
 * nothing): whether it has ended now, and (*failed) whether it ended by raising, which the caller
 * fails with (the error record is set). The status is cleared as it is read: an error is raised
 * once. */
static LLVMValueRef advance(Lower *L, const Type *g, LLVMValueRef h, LLVMValueRef *failed) {
    LLVMTypeRef pt = L->ptr;
    LLVMBasicBlockRef go = block(L, "resume"), join = block(L, "resumed");
    LLVMBasicBlockRef here = LLVMGetInsertBlock(L->b);
    LLVMBuildCondBr(L->b, cg_call(L, "llvm.coro.done", L->i1, &pt, &h, 1), join, go);
    LLVMPositionBuilderAtEnd(L->b, go);
    cg_call(L, "llvm.coro.resume", L->voidt, &pt, &h, 1);
    LLVMValueRef now = cg_call(L, "llvm.coro.done", L->i1, &pt, &h, 1);
    LLVMValueRef stp = LLVMBuildStructGEP2(L->b, promise_type(L, g->elems[0]), promise_of(L, h), 1, "");
    LLVMValueRef bad = LLVMBuildAnd(L->b, now, LLVMBuildICmp(L->b, LLVMIntNE, LLVMBuildLoad2(L->b, L->i32, stp, ""),
                                                             LLVMConstInt(L->i32, 0, 0), ""), "");
    LLVMBuildStore(L->b, LLVMConstInt(L->i32, 0, 0), stp);
    LLVMBasicBlockRef from_go = LLVMGetInsertBlock(L->b);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    LLVMValueRef done = LLVMBuildPhi(L->b, L->i1, "done"), fail = LLVMBuildPhi(L->b, L->i1, "genfailed");
    LLVMValueRef dv[2] = {LLVMConstInt(L->i1, 1, 0), now}, fv[2] = {LLVMConstInt(L->i1, 0, 0), bad};
    LLVMBasicBlockRef from[2] = {here, from_go};
    LLVMAddIncoming(done, dv, from, 2);
    LLVMAddIncoming(fail, fv, from, 2);
    *failed = fail;
    return done;
}

static LLVMValueRef yielded(Lower *L, const Type *g, LLVMValueRef h) {
    LLVMTypeRef yt = cg_type(L, g->elems[0]);
    return LLVMBuildLoad2(L->b, yt, LLVMBuildStructGEP2(L->b, promise_type(L, g->elems[0]), promise_of(L, h), 2, ""), "");
}

/* If `when` and the loop owns its generator: destroy it through the handle its state holds (the
 * call's own value once SROA has run: CoroElide looks for a destroy of that value on the paths
 * out of the function), and empty its slot. */
static void end_owned(Lower *L, const Type *g, LLVMValueRef state, LLVMValueRef when) {
    LLVMTypeRef st = cg_gen_state_type(L, g);
    LLVMValueRef hp = LLVMBuildStructGEP2(L->b, st, state, 0, "");
    LLVMValueRef owns = LLVMBuildLoad2(L->b, L->i1, LLVMBuildStructGEP2(L->b, st, state, 2, ""), "");
    LLVMBasicBlockRef end = block(L, "genend"), on = block(L, "genon");
    LLVMBuildCondBr(L->b, LLVMBuildAnd(L->b, when, owns, ""), end, on);
    LLVMPositionBuilderAtEnd(L->b, end);
    coro_destroy(L, LLVMBuildLoad2(L->b, L->ptr, hp, "gen"));
    LLVMBuildStore(L->b, LLVMConstNull(L->ptr), hp);
    LLVMBuildBr(L->b, on);
    LLVMPositionBuilderAtEnd(L->b, on);
}

/* A loop that owns its generator destroys it as it ends; a break or an error leaves it to the slot. */
LLVMValueRef cg_gen_iter_more(Lower *L, const Type *g, LLVMValueRef state) {
    LLVMValueRef h = LLVMBuildLoad2(L->b, L->ptr, LLVMBuildStructGEP2(L->b, cg_gen_state_type(L, g), state, 0, ""), "gen");
    LLVMValueRef failed, done = advance(L, g, h, &failed);
    end_owned(L, g, state, done);
    cg_raise_if(L, failed, NULL, NULL);   /* after the destroy: it stays inside the loop, on the handle itself */
    return LLVMBuildNot(L->b, done, "more");
}

/* What next() gives: a reference of its own (the generator's is dropped when it resumes). */
LLVMValueRef cg_gen_next(Lower *L, const Type *g, LLVMValueRef h, LLVMValueRef dflt, const Type *t) {
    LLVMValueRef failed, done = advance(L, g, h, &failed);
    cg_raise_if(L, failed, NULL, NULL);
    if (!dflt) {
        cg_raise_if(L, done, "builtins:StopIteration", NULL);
        return cg_own_another(L, cg_cast(L, yielded(L, g, h), g->elems[0], t), t);
    }
    LLVMBasicBlockRef got = block(L, "nextvalue"), join = block(L, "next");
    LLVMBasicBlockRef here = LLVMGetInsertBlock(L->b);
    LLVMBuildCondBr(L->b, done, join, got);
    LLVMPositionBuilderAtEnd(L->b, got);
    LLVMValueRef v = cg_cast(L, yielded(L, g, h), g->elems[0], t);
    LLVMBasicBlockRef from_got = LLVMGetInsertBlock(L->b);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    LLVMValueRef r = LLVMBuildPhi(L->b, cg_type(L, t), "");
    LLVMValueRef vals[2] = {dflt, v};
    LLVMBasicBlockRef from[2] = {here, from_got};
    LLVMAddIncoming(r, vals, from, 2);
    return cg_own_another(L, r, t);
}

void cg_gen_iter_step(Lower *L, const Type *g, LLVMValueRef state) {
    LLVMTypeRef st = cg_gen_state_type(L, g);
    LLVMValueRef h = LLVMBuildLoad2(L->b, L->ptr, LLVMBuildStructGEP2(L->b, st, state, 0, ""), "gen");
    LLVMBuildStore(L->b, yielded(L, g, h), LLVMBuildStructGEP2(L->b, st, state, 1, ""));
}

/* `for x in gen(...)`, `sum(gen(...))` (and any, all, min, max, list, sorted without key=): the
 * generator's only holder is one loop, whose state owns it and destroys it without a count: with
 * no count to test, LLVM's CoroElide puts the frame on the caller's stack where every way out of
 * the function destroys it. */
bool cg_gen_one_loop(Lower *L, Instr *call) {
    if (call->op != IR_CALL || !L->uses || L->uses[call->id] != 1) return false;
    for (int i = call->id + 1; i < L->fn->ninstrs; i++) {
        Instr *x = L->fn->instrs[i];
        for (int k = 0; x && k < x->nargs; k++) {
            if (x->args[k] != call->id) continue;
            if (x->op == IR_GETITER) return true;
            CallInfo *ci = x->op == IR_CALL ? L->ti->calls[x->id] : NULL;   /* sum(g), any(g), list(g), ... */
            return ci && ci->kind == CALL_BUILTIN && ci->nparams >= 1 && ci->argmap[0] == k &&
                   (ci->builtin == LB_SUM || ci->builtin == LB_MIN || ci->builtin == LB_MAX || ci->builtin == LB_ANY ||
                    ci->builtin == LB_ALL || ci->builtin == LB_LIST || ci->builtin == LB_SORTED) && !ci->key;
        }
    }
    return false;
}

/* A loop left before the generator's end (any/all decided): the loop's own generator destroyed. */
void cg_gen_iter_leave(Lower *L, const Type *g, LLVMValueRef state) {
    end_owned(L, g, state, LLVMConstInt(L->i1, 1, 0));
}

/* A reference counted (inc) or dropped; the last one dropped destroys the coroutine. The count is
 * not atomic: a generator is resumed by one thread at a time. A loop's own generator (its slot's
 * type, `typed`) is destroyed when its slot is dropped, if the loop has not destroyed it. */
void cg_gen_ref(Lower *L, LLVMValueRef h, const Type *g, bool inc) {
    if (g->typed) {   /* the one loop's: destroyed without counting */
        if (inc) return;
        LLVMBasicBlockRef body = block(L, "genend"), join = block(L, "genended");
        LLVMBuildCondBr(L->b, LLVMBuildIsNotNull(L->b, h, ""), body, join);
        LLVMPositionBuilderAtEnd(L->b, body);
        coro_destroy(L, h);
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, join);
        return;
    }
    LLVMBasicBlockRef body = block(L, "genref"), join = block(L, "genrefdone");
    LLVMBuildCondBr(L->b, LLVMBuildIsNotNull(L->b, h, ""), body, join);
    LLVMPositionBuilderAtEnd(L->b, body);
    LLVMValueRef cnt = LLVMBuildStructGEP2(L->b, promise_type(L, g->elems[0]), promise_of(L, h), 0, "");
    LLVMValueRef n = LLVMBuildAdd(L->b, LLVMBuildLoad2(L->b, L->i64, cnt, ""), i64c(L, inc ? 1 : -1), "");
    LLVMBuildStore(L->b, n, cnt);
    if (!inc) {   /* the last reference: destroy it (it releases what its frame owns, then frees it) */
        LLVMBasicBlockRef last = block(L, "gendestroy");
        LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, n, i64c(L, 0), ""), last, join);
        LLVMPositionBuilderAtEnd(L->b, last);
        coro_destroy(L, h);
    }
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
}
