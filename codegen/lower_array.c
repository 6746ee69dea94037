/* lower_array.c: arrays in generated code: their fields, references, indexing and views,
 * attributes, iteration, and array expressions lowered to one fused loop.
 *
 * Value: {ptr meminfo, ptr parent, ptr data, [nd x i64] shape, [nd x i64] strides} (types.h).
 * For a C array the last stride is known to be the item size (the first for F), so loops over
 * contiguous arrays address memory with constants and vectorise.
 *
 * References (DESIGN.md contract 6). Values that own a reference are the results of
 * allocations and of calls returning arrays ("fresh" values); each such instruction stores its
 * result in its own slot, dropping what the slot held from the instruction's previous run (a
 * loop). Every other array value borrows: views, loads of variables, arguments, tuple elements.
 * A variable owns a reference: a store takes one on the new value and moves the old value to the
 * store's own slot (not dropped at once: a borrowed value loaded from the variable earlier in
 * the block may still be in use). Returning takes a reference for the caller. Every exit, error
 * paths included, goes through one block that drops the slots and the variables, so nothing
 * leaks when compiled code raises.
 *
 * Array expressions. An elementwise instruction (operator, ufunc or np.where with an array
 * result) whose value has one use, by another elementwise instruction in the same block, is
 * "fused": it makes no array; its user evaluates it element by element inside its own loop. The
 * root allocates the result of the broadcast shape (F-contiguous where every array operand is
 * F, as NumPy's order 'K' and Numba make it: typeinfer/arrays.c, ti_ew_array; else C) and runs
 * one loop nest: a single flat loop when every operand is contiguous in the result's order with
 * its shape (the shapes checked at run time, unless each extent is the operand's own), a nest with
 * broadcasting strides (0 on a dimension of length 1) otherwise, with a twin of it whose inner
 * loop steps every operand by its item size where they all do (unit_inner), an operand stretched
 * along the last axis being read at index 0 there (Leaf.col where that is known from how it was
 * built; where only the run time knows, a select on Leaf.stretched_last in a second copy of the
 * twin, the first one running where no operand is stretched, unit_nests; among C operands of
 * the result's ndim that twin is the nest). Operators follow
 * NumPy there: no ZeroDivisionError, integer division by zero gives 0. A root assigned to a view
 * (out[1:-1] = u[2:] - u[:-2], assigned_into_view) makes no array either: the assignment runs
 * its loop into the view. Where the last two dimensions are one run of memory for every
 * operand and the target, the nest runs them as one (merge_last_dims). In a parallel=True
 * function the loops are outlined into a chunk function and run on the parallel runner
 * (run_expr_parallel).
 */
#include "lower.h"
#include <string.h>
#include <stdio.h>


/* ---- the value ---------------------------------------------------------------------- */
LLVMTypeRef cg_array_type(Lower *L, const Type *t) {
    LLVMTypeRef dims = LLVMArrayType2(L->i64, (unsigned long long)t->ndim);
    LLVMTypeRef f[5] = {L->ptr, L->ptr, L->ptr, dims, dims};
    return LLVMStructTypeInContext(L->c, f, 5, 0);
}

LLVMValueRef cg_arr_meminfo(Lower *L, LLVMValueRef a) { return LLVMBuildExtractValue(L->b, a, 0, "mi"); }
LLVMValueRef cg_arr_data(Lower *L, LLVMValueRef a) { return LLVMBuildExtractValue(L->b, a, 2, "data"); }

static LLVMValueRef a_dim(Lower *L, LLVMValueRef a, int field, int k) {
    LLVMValueRef arr = LLVMBuildExtractValue(L->b, a, (unsigned)field, "");
    return LLVMBuildExtractValue(L->b, arr, (unsigned)k, field == 3 ? "n" : "s");
}

LLVMValueRef cg_arr_shape(Lower *L, LLVMValueRef a, int k) { return a_dim(L, a, 3, k); }

/* The stride of dimension k in bytes. A C (F) array's is the item size times the lengths of the
 * dimensions after (before) k: computed, not read, so that LLVM sees the geometry. Then it
 * proves rows apart: u[i, j] = f(u[i - 1, j]) over j vectorises without a run-time check (with
 * one, LLVM 19 hoists it over every row, where it fails). NumPy's flag allows any stride along a
 * dimension of length 1 (and any where one is 0): no index but 0 (none) reads along it, so the
 * computed stride addresses the same elements. */
LLVMValueRef cg_arr_stride(Lower *L, const Type *t, LLVMValueRef a, int k) {
    if (t->layout != 'C' && t->layout != 'F') return a_dim(L, a, 4, k);
    LLVMValueRef s = i64c(L, (long long)ty_item_size(t));
    int lo = t->layout == 'C' ? k + 1 : 0, hi = t->layout == 'C' ? t->ndim : k;
    for (int d = lo; d < hi; d++) {
        s = LLVMBuildMul(L->b, s, a_dim(L, a, 3, d), "");
        LLVMSetNUW(s, 1);
        LLVMSetNSW(s, 1);
    }
    return s;
}

LLVMValueRef cg_make_array(Lower *L, const Type *t, LLVMValueRef mi, LLVMValueRef parent, LLVMValueRef data,
                               LLVMValueRef *shape, LLVMValueRef *strides) {
    LLVMValueRef v = LLVMGetUndef(cg_type(L, t));
    v = LLVMBuildInsertValue(L->b, v, mi, 0, "");
    v = LLVMBuildInsertValue(L->b, v, parent, 1, "");
    v = LLVMBuildInsertValue(L->b, v, data, 2, "");
    LLVMTypeRef dims = LLVMArrayType2(L->i64, (unsigned long long)t->ndim);
    LLVMValueRef sh = LLVMGetUndef(dims), st = LLVMGetUndef(dims);
    for (int k = 0; k < t->ndim; k++) {
        sh = LLVMBuildInsertValue(L->b, sh, shape[k], (unsigned)k, "");
        st = LLVMBuildInsertValue(L->b, st, strides[k], (unsigned)k, "");
    }
    v = LLVMBuildInsertValue(L->b, v, sh, 3, "");
    return LLVMBuildInsertValue(L->b, v, st, 4, "");
}

LLVMValueRef cg_array_len(Lower *L, LLVMValueRef arr) { return cg_arr_shape(L, arr, 0); }

LLVMValueRef cg_array_size(Lower *L, const Type *t, LLVMValueRef a) {
    LLVMValueRef n = i64c(L, 1);
    for (int k = 0; k < t->ndim; k++) n = LLVMBuildMul(L->b, n, cg_arr_shape(L, a, k), "");
    return n;
}

/* ---- references --------------------------------------------------------------------- */
/* if (mi) { ...body... } */
static LLVMBasicBlockRef if_nonnull(Lower *L, LLVMValueRef mi, LLVMBasicBlockRef *join) {
    LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(L->c, L->func, "ref");
    *join = LLVMAppendBasicBlockInContext(L->c, L->func, "refdone");
    LLVMBuildCondBr(L->b, LLVMBuildIsNotNull(L->b, mi, ""), body, *join);
    LLVMPositionBuilderAtEnd(L->b, body);
    return body;
}

static void incref_block(Lower *L, LLVMValueRef mi) {
    LLVMBasicBlockRef join;
    if_nonnull(L, mi, &join);
    LLVMBuildAtomicRMW(L->b, LLVMAtomicRMWBinOpAdd, mi, i64c(L, 1), LLVMAtomicOrderingMonotonic, 0);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
}

/* Drop a reference to block mi of a value of type t; the last one frees it: an array's or a
 * string's memory, a list, dict or set (their elements' references first, lower_list.c), a
 * caught exception (its strings first, runtime/error.c). */
static void decref_block(Lower *L, LLVMValueRef mi, const Type *t) {
    LLVMBasicBlockRef join;
    if_nonnull(L, mi, &join);
    LLVMValueRef old = LLVMBuildAtomicRMW(L->b, LLVMAtomicRMWBinOpSub, mi, i64c(L, 1),
                                          LLVMAtomicOrderingAcquireRelease, 0);
    LLVMBasicBlockRef dofree = LLVMAppendBasicBlockInContext(L->c, L->func, "free");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, old, i64c(L, 1), ""), dofree, join);
    LLVMPositionBuilderAtEnd(L->b, dofree);
    LLVMTypeRef pt = L->ptr;
    if (ty_is_heap(t)) cg_heap_free(L, mi, t);
    else cg_call(L, t->kind == TY_EXCVAL ? "ember_rt_exc_free" : "ember_rt_block_free", L->voidt, &pt, &mi, 1);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
}

/* Count each reference v of type t holds: arrays (their block), strings,
 * lists, dicts and sets (the pointer is the block), tuples and exception instances (their elements), caught
 * exceptions where they are held by pointer (the block; lower_exc.c). */
static void each_ref(Lower *L, LLVMValueRef v, const Type *t, bool inc) {
    if (t->kind == TY_ARRAY || t->kind == TY_RECARRAY || t->kind == TY_STR || ty_is_heap(t) ||
        (t->kind == TY_EXCVAL && L->exc_refs)) {
        LLVMValueRef mi = t->kind == TY_ARRAY || t->kind == TY_RECARRAY ? cg_arr_meminfo(L, v) : v;   /* else the value is the block */
        if (inc) incref_block(L, mi);
        else decref_block(L, mi, t);
    } else if (t->kind == TY_GENERATOR) {
        cg_gen_ref(L, v, t, inc);
    } else if (t->kind == TY_TUPLE || t->kind == TY_ZIP || t->kind == TY_EXC || t->kind == TY_OPTIONAL) {   /* (None's T is NULL) */
        for (int i = 0; i < t->n; i++)
            if (cg_has_refs(L, t->elems[i])) each_ref(L, LLVMBuildExtractValue(L->b, v, (unsigned)i, ""), t->elems[i], inc);
    }
}

/* Is value i only raised, each time by `raise E("constant")` (whose message stays constant data,
 * lower_exc.c), or is it such a constant only given to such raises? */
static bool only_raised_as_constant(TypeInfo *ti, int i) {
    Function *fn = ti->fn;
    Instr *x = fn->instrs[i];
    bool message = ti_const_str(ti, i) != NULL;
    if (!message && !(x->op == IR_CALL && x->nargs == 2 && ti->vtypes[i]->kind == TY_EXC && ti_const_str(ti, x->args[1])))
        return false;
    for (int k = 0; k < fn->ninstrs; k++) {
        Instr *u = fn->instrs[k];
        for (int a = 0; a < u->nargs; a++)
            if (u->args[a] == i && !(message ? a == 1 && only_raised_as_constant(ti, k) : u->op == IR_RAISE && u->nargs == 1))
                return false;
    }
    return true;
}

/* Whether a value of type t may hold strings: a tuple by its items; arrays, records and caught
 * exceptions never (a returned tuple of arrays counted every caught exception) */
static bool may_hold_strings(const Type *t) {
    if (t == ty_str) return true;
    if (t->kind == TY_TUPLE) {
        for (int k = 0; k < t->n; k++)
            if (may_hold_strings(t->elems[k])) return true;
        return false;
    }
    return ty_has_refs(t) && t->kind != TY_EXCVAL && t->kind != TY_ARRAY && t->kind != TY_RECARRAY;
}

/* Can a value of type t hold a caught exception (deeper than `depth` levels: say it can)? */
static bool holds_exceptions(const Type *t, int depth) {
    if (!t) return false;
    if (t->kind == TY_EXCVAL || depth > 8) return true;
    for (int k = 0; t->elems && k < t->n; k++)
        if (holds_exceptions(t->elems[k], depth + 1)) return true;
    return holds_exceptions(t->iter_of, depth + 1) || holds_exceptions(t->recv, depth + 1);
}

/* Does a call pass or return a caught exception? Its callee holds those as its own frame says. */
static bool passes_exceptions(const CallInfo *ci) {
    if (holds_exceptions(ci->ret, 0)) return true;
    for (int k = 0; k < ci->nparams; k++)
        if (holds_exceptions(ci->params[k], 0)) return true;
    return false;
}

/* A caught exception holds strings only where some code this frame runs can put one in its
 * args: code with string values, or a call into compiled code whose exceptions may hold them
 * (CallInfo.raises_refs: its own frame's answer; a cached callee's is not known). There it is counted, held
 * by pointer (lower_exc.c), as it is in a frame it is passed to. Elsewhere (the common numeric
 * loop with a try) exceptions are plain values, copied with no counting. */
bool cg_frame_may_raise_strings(TypeInfo *ti) {
    for (int i = 0; i < ti->fn->ninstrs; i++) {
        const Type *t = ti->vtypes[i];
        CallInfo *ci = ti->calls[i];
        if (t && t->kind == TY_EXCVAL && ti->fn->instrs[i]->op == IR_ARG) return true;
        if (t && (t == ty_str || t->kind == TY_EXC) && only_raised_as_constant(ti, i)) continue;
        if (t && may_hold_strings(t)) return true;
        if (ci && ci->key && (ci->key->kind != CALL_NATIVE || ci->key->raises_refs)) return true;   /* sort(key=f) */
        if (ci && ci->kind == CALL_NATIVE && !ci->raises_refs && !passes_exceptions(ci)) continue;
        if (ci && ci->kind != CALL_BUILTIN && ci->kind != CALL_EXC) return true;
    }
    return false;
}

bool cg_has_refs(Lower *L, const Type *t) { return t->kind == TY_EXCVAL ? L->exc_refs : ty_has_refs(t); }

void cg_incref(Lower *L, LLVMValueRef v, const Type *t) { each_ref(L, v, t, true); }

/* A new reference to a block holding v's parent ndarray (v has no block of its own): the block
 * this frame made last for the same ndarray where there is one (a slot keeps it, one per function
 * and array type), so that views of one argument stored one by one (`parts.append(a[i:j])`) share
 * one block rather than each allocating its own. */
static LLVMValueRef held_block(Lower *L, LLVMValueRef v, const Type *t) {
    LLVMTypeRef pt = L->ptr;
    LLVMValueRef parent = LLVMBuildExtractValue(L->b, v, 1, "");
    if (t->kind != TY_ARRAY || (L->held.func == L->func && L->held.t != t))
        return cg_call(L, "ember_rt_array_hold", L->ptr, &pt, &parent, 1);
    if (L->held.func != L->func) {
        L->held.func = L->func;
        L->held.t = t;
        L->held.slot = cg_new_slot(L, t);
    }
    LLVMValueRef cached = LLVMBuildLoad2(L->b, cg_type(L, t), L->held.slot, "held"), cmi = cg_arr_meminfo(L, cached);
    LLVMValueRef same = LLVMBuildAnd(L->b, LLVMBuildIsNotNull(L->b, cmi, ""),
                                     LLVMBuildICmp(L->b, LLVMIntEQ, LLVMBuildExtractValue(L->b, cached, 1, ""), parent, ""), "");
    LLVMBasicBlockRef from = LLVMGetInsertBlock(L->b);
    LLVMBasicBlockRef fresh = LLVMAppendBasicBlockInContext(L->c, L->func, "hold.new");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "held");
    LLVMBuildCondBr(L->b, same, join, fresh);
    LLVMPositionBuilderAtEnd(L->b, fresh);
    LLVMValueRef block = cg_call(L, "ember_rt_array_hold", L->ptr, &pt, &parent, 1);
    cg_decref(L, cached, t);   /* the slot's reference to the block of another ndarray */
    LLVMBuildStore(L->b, LLVMBuildInsertValue(L->b, v, block, 0, ""), L->held.slot);   /* the slot's reference */
    LLVMBasicBlockRef fresh_end = LLVMGetInsertBlock(L->b);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    LLVMValueRef mi = cg_phi2(L, cmi, from, block, fresh_end, "held.mi");
    LLVMBuildAtomicRMW(L->b, LLVMAtomicRMWBinOpAdd, mi, i64c(L, 1), LLVMAtomicOrderingMonotonic, 0);   /* the caller's */
    return mi;
}

/* cg_incref for a value stored where it may outlive the call (a list, dict or set item): an array
 * over a caller's NumPy memory (no block of ours, only its parent ndarray) gets a block that holds
 * the parent (ember_rt_array_hold), so the container keeps that memory alive after the call and
 * the caller drops the ndarray. Returns the value to store. */
LLVMValueRef cg_keep(Lower *L, LLVMValueRef v, const Type *t) {
    if (t->kind == TY_TUPLE) {
        for (int i = 0; i < t->n; i++)
            if (ty_has_refs(t->elems[i]))
                v = LLVMBuildInsertValue(L->b, v, cg_keep(L, LLVMBuildExtractValue(L->b, v, (unsigned)i, ""), t->elems[i]),
                                         (unsigned)i, "");
        return v;
    }
    if (t->kind != TY_ARRAY && t->kind != TY_RECARRAY) {
        cg_incref(L, v, t);
        return v;
    }
    LLVMValueRef mi = cg_arr_meminfo(L, v);
    LLVMBasicBlockRef hold = LLVMAppendBasicBlockInContext(L->c, L->func, "hold");
    LLVMBasicBlockRef count = LLVMAppendBasicBlockInContext(L->c, L->func, "count");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "kept");
    LLVMBuildCondBr(L->b, LLVMBuildIsNull(L->b, mi, ""), hold, count);
    LLVMPositionBuilderAtEnd(L->b, hold);
    LLVMValueRef held = held_block(L, v, t);
    hold = LLVMGetInsertBlock(L->b);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, count);
    LLVMBuildAtomicRMW(L->b, LLVMAtomicRMWBinOpAdd, mi, i64c(L, 1), LLVMAtomicOrderingMonotonic, 0);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    LLVMValueRef phi = LLVMBuildPhi(L->b, L->ptr, "mi");
    LLVMValueRef vals[2] = {held, mi};
    LLVMBasicBlockRef bbs[2] = {hold, count};
    LLVMAddIncoming(phi, vals, bbs, 2);
    return LLVMBuildInsertValue(L->b, v, phi, 0, "");
}
void cg_decref(Lower *L, LLVMValueRef v, const Type *t) { each_ref(L, v, t, false); }

/* Slots hold owned references: entry allocas starting with a value of type t, null at the entry,
 * dropped at the exit. */
static void add_slot(Lower *L, LLVMValueRef slot, const Type *t) {
    if (L->nslots == L->cap_slots) {
        int ncap = L->cap_slots ? 2 * L->cap_slots : 16;
        LLVMValueRef *s = ctx_alloc(L->ctx, sizeof(LLVMValueRef) * (size_t)ncap);
        const Type **ts = ctx_alloc(L->ctx, sizeof(Type *) * (size_t)ncap);
        if (L->nslots) {
            memcpy(s, L->slots, sizeof(LLVMValueRef) * (size_t)L->nslots);
            memcpy(ts, L->slot_types, sizeof(Type *) * (size_t)L->nslots);
        }
        L->slots = s;
        L->slot_types = ts;
        L->cap_slots = ncap;
    }
    L->slots[L->nslots] = slot;
    L->slot_types[L->nslots++] = t;
}

/* A new slot of type t, or (p not NULL) the entry alloca p starting with a t made one. */
static LLVMValueRef entry_slot(Lower *L, LLVMValueRef p, const Type *t) {
    LLVMBuilderRef b = LLVMCreateBuilderInContext(L->c);
    LLVMPositionBuilderBefore(b, LLVMGetBasicBlockTerminator(L->entry_bb));
    LLVMValueRef slot = p ? p : LLVMBuildAlloca(b, cg_type(L, t), "owned");
    LLVMBuildStore(b, LLVMConstNull(cg_type(L, t)), slot);
    LLVMDisposeBuilder(b);
    add_slot(L, slot, t);
    return slot;
}

LLVMValueRef cg_new_slot(Lower *L, const Type *t) { return entry_slot(L, NULL, t); }

void cg_add_slot(Lower *L, LLVMValueRef p, const Type *t) { entry_slot(L, p, t); }

/* Hand a fresh value (one owned reference) to a new slot, dropping the slot's previous value. */
LLVMValueRef cg_own(Lower *L, LLVMValueRef v, const Type *t) {
    LLVMValueRef slot = cg_new_slot(L, t);
    cg_decref(L, LLVMBuildLoad2(L->b, cg_type(L, t), slot, ""), t);
    LLVMBuildStore(L->b, v, slot);
    if (L->cur && L->fn && L->cur->id < L->fn->ninstrs) {
        if (!L->owner_slot) {
            L->owner_slot = ctx_alloc(L->ctx, sizeof(LLVMValueRef) * (size_t)L->fn->ninstrs);
            L->owner_val = ctx_alloc(L->ctx, sizeof(LLVMValueRef) * (size_t)L->fn->ninstrs);
            if (!L->owner_slot || !L->owner_val) return L->owner_slot = L->owner_val = NULL, v;
            memset(L->owner_slot, 0, sizeof(LLVMValueRef) * (size_t)L->fn->ninstrs);
        }
        L->owner_slot[L->cur->id] = slot;
        L->owner_val[L->cur->id] = v;
    }
    return v;
}

/* A reference of its own to borrowed value v (an item of a container, a generator's yield),
 * handed to a slot as cg_own's; v itself for a type that holds none. */
LLVMValueRef cg_own_another(Lower *L, LLVMValueRef v, const Type *t) {
    if (!cg_has_refs(L, t)) return v;
    cg_incref(L, v, t);
    return cg_own(L, v, t);
}

/* Storing a fresh value whose only use is this store (t = np.empty(4)): the variable takes the
 * reference its producer's slot holds, and the slot is emptied, instead of one more reference
 * taken now and the slot's dropped when the producer runs again: two atomic operations fewer a
 * store (t = np.empty(4) in a loop: 31 -> 21 ns a trip). */
static bool move_into(Lower *L, Instr *in, LLVMValueRef v, const Type *t) {
    int src = in->args[0];
    if (!L->owner_slot || !L->owner_slot[src] || L->owner_val[src] != v || L->uses[src] != 1) return false;
    LLVMBuildStore(L->b, LLVMConstNull(cg_type(L, t)), L->owner_slot[src]);
    return true;
}

/* The reference a RETURN hands its caller: the one its value's producer holds when the return
 * is that value's only use (return np.array([...]): two atomic operations fewer a call), else
 * a new one. */
void cg_return_ref(Lower *L, Instr *in, LLVMValueRef v, const Type *t) {
    if (!move_into(L, in, v, t)) cg_incref(L, v, t);
}

void cg_store_var(Lower *L, Instr *in, LLVMValueRef v, const Type *t) {
    LLVMValueRef var = L->vars[in->imm];
    LLVMValueRef old = LLVMBuildLoad2(L->b, cg_type(L, t), var, "");
    LLVMBasicBlockRef join = NULL;
    if (ty_is_heap(t)) {   /* storing the value the variable holds (a list carried round a loop): nothing to do */
        LLVMBasicBlockRef change = LLVMAppendBasicBlockInContext(L->c, L->func, "newref");
        join = LLVMAppendBasicBlockInContext(L->c, L->func, "sameref");
        LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, old, v, ""), join, change);
        LLVMPositionBuilderAtEnd(L->b, change);
    }
    if (!move_into(L, in, v, t)) cg_incref(L, v, t);
    LLVMBuildStore(L->b, v, var);
    cg_own(L, old, t);   /* dropped when this store runs again, or at the exit */
    if (join) {
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, join);
    }
}

/* ---- planning: uses, fusion, whether the function handles references --------------- */
bool cg_is_elementwise(Lower *L, Instr *in) {
    const Type *t = L->ti->vtypes[in->id];
    if (!t || t->kind != TY_ARRAY) return false;
    if (in->op == IR_BINOP) return !in->imm2 && in->imm != IRB_MATMUL;
    if (in->op == IR_UNOP || in->op == IR_CMP) return true;
    if (in->op == IR_CALL) {
        CallInfo *ci = L->ti->calls[in->id];
        return ci && ci->kind == CALL_BUILTIN && ci->builtin < BI_COUNT && !ci->ufmethod &&
               (ti_is_ufunc(ci->builtin) || ci->builtin == BI_NP_WHERE || ci->builtin == BI_NP_CLIP);
    }
    return false;
}

/* A ufunc call writing its out= argument: an expression's root, never fused into its user. */
static bool writes_out(Lower *L, Instr *in) {
    CallInfo *ci = in->op == IR_CALL ? L->ti->calls[in->id] : NULL;
    return ci && ti_ufunc_param(ci, 0) >= 0;
}

/* The inputs of an elementwise call, not out= or where= (np.clip: its three; np.divmod and
 * np.frexp: the two or one before them). */
int cg_ew_inputs(const CallInfo *ci) {
    return ti_is_ufunc(ci->builtin) ? ti_ufunc_nin(ci->builtin)
         : ci->builtin == BI_NP_CLIP ? 3 : ci->builtin == BI_NP_DIVMOD ? 2 : ci->builtin == BI_NP_FREXP || ci->builtin == BI_NP_MODF ? 1
         : ci->nparams;
}

/* The operand value ids of an elementwise instruction (or an in-place operator). */
static int ew_operands(Lower *L, Instr *in, int *ops) {
    if (in->op == IR_CALL) {
        CallInfo *ci = L->ti->calls[in->id];
        int n = cg_ew_inputs(ci);
        for (int i = 0; i < n; i++) ops[i] = in->args[ci->argmap[i]];
        return n;
    }
    for (int i = 0; i < in->nargs; i++) ops[i] = in->args[i];
    return in->nargs;
}

/* Does x leave every array and variable as it was: a load, a constant, a view or element read,
 * a slice or tuple built, arithmetic (an array result is a new array), not an in-place
 * operator on an array, a store or a call? */
bool cg_is_quiet(Lower *L, Instr *x) {
    const Type *t = L->ti->vtypes[x->id];
    switch (x->op) {
    case IR_LOADVAR: case IR_CONST: case IR_GLOBAL: case IR_GETATTR: case IR_GETITEM: case IR_SLICE:
    case IR_TUPLE: case IR_UNWRAP: case IR_UNOP: case IR_CMP:
        return true;
    case IR_BINOP: return !x->imm2 || !t || t->kind != TY_ARRAY;
    default: return false;
    }
}

/* May x change what an array holds? Calls of compiled functions, C functions and objmode can
 * (np.sum((a - b) * bump(a)), bump writing a), as can stores into arrays and out= arguments;
 * arithmetic, views and the builtins that read cannot. */
static bool may_write_arrays(Lower *L, Instr *x) {
    const Type *t = L->ti->vtypes[x->id];
    switch (x->op) {
    case IR_SETITEM: case IR_DELITEM: case IR_OBJMODE: return true;
    case IR_BINOP: return x->imm2 && t && t->kind == TY_ARRAY;
    case IR_CALL: {
        CallInfo *ci = L->ti->calls[x->id];
        if (!ci) return true;
        if (ci->kind != CALL_BUILTIN) return ci->kind != CALL_EXC && ci->kind != CALL_NAMEDTUPLE && ci->kind != CALL_RNG;
        return writes_out(L, x) || ti_reduction_param(ci, "out") >= 0;   /* a ufunc's out=, a reduction's */
    }
    default: return false;
    }
}

/* Nothing between instruction i of block b and its user u (later in b) changes an array, so a
 * value fused into u reads its operands there as they are at i. */
static bool unchanged_until(Lower *L, int b, int i, Instr *u) {
    Block *bk = L->fn->blocks[b];
    for (int k = i + 1; k < bk->ninstrs && bk->instrs[k] != u; k++)
        if (may_write_arrays(L, bk->instrs[k])) return false;
    return true;
}

/* target[index] = value, where value (instruction i of block b) is an elementwise root used
 * only here: is it evaluated straight into the view target[index] (assign_expr) instead of
 * into a new array that is then copied? Needs a basic index (not a fancy one, whose lowering
 * gathers) and nothing between the value and the assignment but quiet instructions (the
 * target, its index): then the operands read the same elements at the assignment as they
 * would have where the value stands. */
static bool assigned_into_view(Lower *L, Instr *set, int b, int i) {
    Function *fn = L->fn;
    if (set->op != IR_SETITEM || set->nargs != 3 || set->args[2] != fn->blocks[b]->instrs[i]->id) return false;
    const Type *at = L->ti->vtypes[set->args[0]], *it = L->ti->vtypes[set->args[1]];
    if (!at || at->kind != TY_ARRAY || !it || cg_is_fancy(it)) return false;
    for (int k = i + 1; k < fn->blocks[b]->ninstrs; k++) {
        Instr *x = fn->blocks[b]->instrs[k];
        if (x == set) return true;
        if (!cg_is_quiet(L, x)) return false;
    }
    return false;
}

/* Does u only read operand `id` element by element: an elementwise operation on it (not one
 * writing an out= argument, not an in-place operator, whose target it would be), a reduction
 * of it, a method call reducing it (b.sum()), or a store of it into another variable? */
static bool reads_only(Lower *L, Instr *u, int id, const int *user) {
    if (u->op == IR_STOREVAR) return true;
    if (cg_is_elementwise(L, u)) return !writes_out(L, u);
    if (cg_reduce_fusable(L, u, id)) return true;
    if (u->op != IR_GETATTR || L->uses[u->id] != 1 || L->ti->vtypes[u->id]->kind != TY_METHOD) return false;
    return cg_reduce_fusable(L, L->fn->instrs[user[u->id]], u->id);
}

/* Named temporaries: `d = x - y` then `e = d * d` then `e.sum()`, as NumPy-style code names its
 * steps. A variable stored once and read once, later in the same block, with an array
 * expression stored and one user of the read there, holds nothing the expression does not: the
 * user then takes the expression itself (its operand is rewritten to the stored value, whose
 * one use it becomes), and neither the store nor the read is lowered, so the fusion below
 * treats the steps as one expression, with no temporary array between them (np.sum of
 * `b = x * 3.0; c = b + 1.0` 2.70 -> 0.25 ms over 2e6 doubles, as written in one line). A
 * variable a closure shares, deletes, or reads again anywhere (a later trip of a loop: its
 * other reads) keeps its value, as does one read after a generator's yield (its caller may change
 * the operands meanwhile). The IR is this compile's own (fe_build per compile). */
static void forward_temporaries(Lower *L, int *user, const int *blk, const int *pos) {
    Function *fn = L->fn;
    TypeInfo *ti = L->ti;
    int nv = fn->nvars;
    if (nv <= 0) return;
    int *stores = ctx_alloc(L->ctx, sizeof(int) * (size_t)nv), *loads = ctx_alloc(L->ctx, sizeof(int) * (size_t)nv);
    int *store_at = ctx_alloc(L->ctx, sizeof(int) * (size_t)nv), *load_at = ctx_alloc(L->ctx, sizeof(int) * (size_t)nv);
    if (!stores || !loads || !store_at || !load_at) return;
    for (int b = 0; b < fn->nblocks; b++)
        for (int i = 0; i < fn->blocks[b]->ninstrs; i++) {
            Instr *in = fn->blocks[b]->instrs[i];
            switch (in->op) {
            case IR_STOREVAR: stores[in->imm]++; store_at[in->imm] = in->id; break;
            case IR_LOADVAR: loads[in->imm]++; load_at[in->imm] = in->id; break;
            case IR_DELVAR: case IR_CELLREF: stores[in->imm] += 2; break;
            default: break;
            }
        }
    for (int v = 0; v < nv; v++) {
        if (stores[v] != 1 || loads[v] != 1 || !ti->vartypes[v] || ti->vartypes[v]->kind != TY_ARRAY) continue;
        Instr *st = fn->instrs[store_at[v]], *ld = fn->instrs[load_at[v]];
        int b = blk[st->id];
        if (blk[ld->id] != b || pos[ld->id] < pos[st->id] || L->uses[ld->id] != 1) continue;
        Instr *x = fn->instrs[st->args[0]], *u = fn->instrs[user[ld->id]];
        if (!cg_is_elementwise(L, x) || writes_out(L, x) || L->uses[x->id] != 1 || blk[x->id] != b || blk[u->id] != b)
            continue;
        if (ti->vtypes[x->id] != ti->vartypes[v] || ti->vtypes[ld->id] != ti->vartypes[v] || !reads_only(L, u, ld->id, user))
            continue;
        bool suspends = false;   /* a generator's caller may change the operands while it waits */
        for (int i = pos[x->id]; i < pos[u->id] && !suspends; i++) suspends = fn->blocks[b]->instrs[i]->op == IR_YIELD;
        if (suspends) continue;
        for (int k = 0; k < u->nargs; k++)
            if (u->args[k] == ld->id) u->args[k] = x->id;
        user[x->id] = u->id;
        L->uses[ld->id] = 0;
        L->fused[st->id] = L->fused[ld->id] = true;   /* not lowered */
    }
}

/* ---- broadcast operands computed once ---------------------------------------------------- *
 * Fused, `np.sin(v) + A` (v 1-d, A 2-d) or `np.exp(a[:, None]) + np.log(b[None, :])` computes
 * the maths of an operand at every element of the result, n * m times, where NumPy computes it
 * over the operand's own shape and broadcasts the result (probe H: 4-6x NumPy's time). An
 * operand that is constant along a dimension the whole expression varies over, and whose
 * expression calls maths functions or divides, is made as its own (smaller) array instead, which
 * the expression then reads broadcast. Dimensions are counted from the last (bit 0), as
 * broadcasting aligns them; an array varies over all of its own but those of length 1 by
 * construction (x[:, None]: a None in a subscript of slices, ints and None). */
static uint64_t varying_dims(Lower *L, int v, int depth);

static uint64_t leaf_dims(Lower *L, Instr *in) {
    const Type *t = L->ti->vtypes[in->id];
    if (!t || t->kind != TY_ARRAY) return 0;   /* a number */
    uint64_t all = t->ndim >= 64 ? ~0ULL : (1ULL << t->ndim) - 1;
    if (in->op != IR_GETITEM) return all;
    Instr *ix = L->fn->instrs[in->args[1]];
    const Type *it = L->ti->vtypes[ix->id], *bt = L->ti->vtypes[in->args[0]];
    if (!it || it->kind != TY_TUPLE || !bt || bt->kind != TY_ARRAY) return all;
    uint64_t ones = 0;   /* result dims of length 1, from the first */
    int r = 0, used = 0;
    for (int k = 0; k < it->n; k++) {
        const Type *e = it->elems[k];
        if (e->kind == TY_NONE) ones |= 1ULL << r++;
        else if (e->kind == TY_SLICE) r++, used++;
        else if (ty_is_int(e)) used++;
        else return all;
    }
    r += bt->ndim - used;   /* the dims the subscript leaves whole */
    if (r != t->ndim) return all;
    uint64_t v = 0;
    for (int d = 0; d < r; d++)
        if (!(ones >> d & 1)) v |= 1ULL << (r - 1 - d);
    return v;
}

static uint64_t varying_dims(Lower *L, int v, int depth) {
    Instr *in = L->fn->instrs[v];
    if (!L->fused[v] || depth > 32 || !cg_is_elementwise(L, in)) return leaf_dims(L, in);
    int ops[8], n = ew_operands(L, in, ops);
    uint64_t d = 0;
    for (int k = 0; k < n && k < 8; k++) d |= varying_dims(L, ops[k], depth + 1);
    return d;
}

static const Type *operand_type(Lower *L, int id);

/* Does elementwise instruction `in` call a maths function on each element (exp, log, sin, a float
 * power, ...), not an instruction (sqrt, fabs, floor, min and max, fma)? */
static bool maths_call(Lower *L, Instr *in) {
    static const char *instructions[] = {"llvm.sqrt.", "llvm.fabs.", "llvm.floor.", "llvm.ceil.", "llvm.trunc.",
                                         "llvm.rint.", "llvm.nearbyint.", "llvm.round", "llvm.copysign.",
                                         "llvm.minnum.", "llvm.maxnum.", "llvm.minimum.", "llvm.maximum.", "llvm.fma."};
    CallInfo *ci = in->op == IR_CALL ? L->ti->calls[in->id] : NULL;
    const char *f = ci && ci->kind == CALL_BUILTIN && ci->builtin < BI_COUNT ? ti_builtins[ci->builtin].lowering : NULL;
    bool call = f != NULL;
    for (size_t k = 0; call && k < sizeof instructions / sizeof instructions[0]; k++)
        call = strncmp(f, instructions[k], strlen(instructions[k])) != 0;
    return call || (in->op == IR_BINOP && in->imm == IRB_POW && !ty_is_int(operand_type(L, in->args[1])));
}

/* Does v's expression (v and what is fused into it) call maths functions, take square roots or
 * divide (a float power of a constant integral exponent multiplies)? */
static bool costly(Lower *L, int v, int depth) {
    Instr *in = L->fn->instrs[v];
    if (depth > 32 || !cg_is_elementwise(L, in)) return false;
    if (in->op == IR_BINOP && (in->imm == IRB_TRUEDIV || in->imm == IRB_FLOORDIV || in->imm == IRB_MOD))
        return true;
    Instr *e = in->op == IR_BINOP && in->imm == IRB_POW ? L->fn->instrs[in->args[1]] : NULL;
    if (e && !(e->op == IR_CONST && (e->c.kind == K_INT || (e->c.kind == K_FLOAT && e->c.re == (double)(long long)e->c.re))))
        return true;   /* (x ** 2, x ** 3.0: multiplications) */
    CallInfo *ci = in->op == IR_CALL ? L->ti->calls[in->id] : NULL;
    int bid = ci ? ci->builtin : -1;
    if (!e && maths_call(L, in)) return true;
    if (bid == BI_NP_SQRT || bid == BI_NP_POWER || bid == BI_NP_LOGADDEXP || bid == BI_NP_LOGADDEXP2 || bid == BI_NP_DIVIDE ||
        bid == BI_NP_TRUE_DIVIDE || bid == BI_NP_FLOOR_DIVIDE || bid == BI_NP_REMAINDER || bid == BI_NP_MOD || bid == BI_NP_FMOD ||
        bid == BI_NP_RECIPROCAL)
        return true;   /* (their lowerings are instructions or their own) */
    int ops[8], n = ew_operands(L, in, ops);
    for (int k = 0; k < n && k < 8; k++)
        if (L->fused[ops[k]] && costly(L, ops[k], depth + 1)) return true;
    return false;
}

/* Un-fuse the costly operands that are constant along a dimension their expression varies over. */
static void broadcast_once(Lower *L, const int *user) {
    Function *fn = L->fn;
    for (int v = 0; v < fn->ninstrs; v++) {
        if (!L->fused[v] || !cg_is_elementwise(L, fn->instrs[v])) continue;
        int root = v;   /* the outermost elementwise instruction v is fused into */
        for (int depth = 0; L->fused[root] && depth < 64 && cg_is_elementwise(L, fn->instrs[user[root]]); depth++)
            root = user[root];
        if (root == v) continue;   /* (the operand of a reduction, or assigned into a view, itself) */
        if ((varying_dims(L, root, 0) & ~varying_dims(L, v, 0)) && costly(L, v, 0)) L->fused[v] = false;
    }
}

void cg_plan_arrays(Lower *L) {
    Function *fn = L->fn;
    TypeInfo *ti = L->ti;
    L->nslots = 0;
    L->cap_slots = 0;
    L->refs = false;
    L->uses = ctx_alloc(L->ctx, sizeof(int) * (size_t)(fn->ninstrs + 1));
    L->fused = ctx_alloc(L->ctx, sizeof(bool) * (size_t)(fn->ninstrs + 1));
    int *user = ctx_alloc(L->ctx, sizeof(int) * (size_t)(fn->ninstrs + 1));
    int *blk = ctx_alloc(L->ctx, sizeof(int) * (size_t)(fn->ninstrs + 1));
    int *pos = ctx_alloc(L->ctx, sizeof(int) * (size_t)(fn->ninstrs + 1));
    if (!L->uses || !L->fused || !user || !blk || !pos) return;
    for (int v = 0; v < fn->nvars; v++)
        if (ti->vartypes[v] && cg_has_refs(L, ti->vartypes[v])) L->refs = true;
    if (ti->ret && cg_has_refs(L, ti->ret)) L->refs = true;   /* a generator function's too: its exit is its end */
    for (int b = 0; b < fn->nblocks; b++)
        for (int i = 0; i < fn->blocks[b]->ninstrs; i++) {
            Instr *in = fn->blocks[b]->instrs[i];
            blk[in->id] = b;
            pos[in->id] = i;
            const Type *t = ti->vtypes[in->id];
            if (t && (t->kind == TY_EXC || t == ty_str) && only_raised_as_constant(ti, in->id)) {
                if (in->op == IR_CALL) L->fused[in->id] = true;   /* raise E("constant"): the instance is never made */
            } else if (t && cg_has_refs(L, t)) {
                L->refs = true;
            }
            const CallInfo *ci = in->op == IR_CALL ? ti->calls[in->id] : NULL;
            for (int k = 0; ci && k < ci->nparams && !L->refs; k++)   /* np.sum(3): a 0-d array made of a number */
                if (ci->params[k] && cg_has_refs(L, ci->params[k])) L->refs = true;
            for (int k = 0; k < in->nargs; k++) {
                L->uses[in->args[k]]++;
                user[in->args[k]] = in->id;
            }
        }
    forward_temporaries(L, user, blk, pos);
    for (int b = 0; b < fn->nblocks; b++)
        for (int i = 0; i < fn->blocks[b]->ninstrs; i++) {
            Instr *in = fn->blocks[b]->instrs[i];
            if (!cg_is_elementwise(L, in) || writes_out(L, in) || L->uses[in->id] != 1) continue;
            Instr *u = fn->instrs[user[in->id]];
            if (blk[u->id] == b && !unchanged_until(L, b, i, u)) continue;   /* evaluated where it stands */
            bool ew_user = cg_is_elementwise(L, u) || (u->op == IR_BINOP && u->imm2 && ti->vtypes[u->id]->kind == TY_ARRAY);
            if (ew_user && blk[u->id] == b && u->op != IR_CALL) L->fused[in->id] = true;
            if (ew_user && blk[u->id] == b && u->op == IR_CALL) {
                int ops[8], n = ew_operands(L, u, ops);
                for (int k = 0; k < n; k++)
                    if (ops[k] == in->id) L->fused[in->id] = true;
            }
            if (assigned_into_view(L, u, b, i)) L->fused[in->id] = true;
            /* a reduction of it (np.sum(x * y, axis=1), (x * y).sum()) reads it element by element */
            Instr *m = u->op == IR_GETATTR && L->uses[u->id] == 1 ? fn->instrs[user[u->id]] : NULL;
            if (blk[u->id] == b && cg_reduce_fusable(L, u, in->id)) L->fused[in->id] = true;
            else if (m && blk[m->id] == b && ti->vtypes[u->id]->kind == TY_METHOD && cg_reduce_fusable(L, m, u->id))
                L->fused[in->id] = L->fused[u->id] = true;
        }
    broadcast_once(L, user);
    cg_plan_masked(L, blk);
}

/* Whether a call's result is a reference to hand to a slot: compiled callees return one; NumPy
 * functions put what they allocate in slots themselves (cg_alloc_array). */
/* Does call `in` hand over a reference the frame must drop (a compiled callee's result)? The
 * lowering of builtins and Generator methods puts what it allocates in slots itself, and C
 * functions return no references. */
bool cg_is_fresh(Lower *L, Instr *in) {
    CallInfo *ci = L->ti->calls[in->id];
    return !ci || (ci->kind != CALL_BUILTIN && ci->kind != CALL_RNG && ci->kind != CALL_C);
}

/* ---- elements ---------------------------------------------------------------------- */
LLVMTypeRef cg_elem_llvm(Lower *L, int dt) {
    switch (dt) {
    case DT_BOOL: case DT_INT8: case DT_UINT8: return L->i8;
    case DT_INT16: case DT_UINT16: return LLVMInt16TypeInContext(L->c);
    case DT_INT32: case DT_UINT32: return L->i32;
    case DT_FLOAT32: return LLVMFloatTypeInContext(L->c);
    case DT_FLOAT64: return L->f64;
    case DT_COMPLEX64: {
        LLVMTypeRef f[2] = {LLVMFloatTypeInContext(L->c), LLVMFloatTypeInContext(L->c)};
        return LLVMStructTypeInContext(L->c, f, 2, 0);
    }
    case DT_COMPLEX128: return L->c128;
    default: return L->i64;
    }
}

/* An element of dtype dt as stored (x) as the canonical scalar of its kind. */
static LLVMValueRef elem_canonical(Lower *L, int dt, LLVMValueRef x) {
    switch (ty_dtypes[dt].kind) {
    case 'b': return LLVMBuildICmp(L->b, LLVMIntNE, x, LLVMConstInt(L->i8, 0, 0), "");
    case 'i': return ty_dtypes[dt].size == 8 ? x : LLVMBuildSExt(L->b, x, L->i64, "");
    case 'u': return ty_dtypes[dt].size == 8 ? x : LLVMBuildZExt(L->b, x, L->i64, "");
    case 'f': return dt == DT_FLOAT64 ? x : LLVMBuildFPExt(L->b, x, L->f64, "");
    default:
        if (dt == DT_COMPLEX128) return x;
        LLVMValueRef v = LLVMGetUndef(L->c128);
        v = LLVMBuildInsertValue(L->b, v, LLVMBuildFPExt(L->b, LLVMBuildExtractValue(L->b, x, 0, ""), L->f64, ""), 0, "");
        return LLVMBuildInsertValue(L->b, v, LLVMBuildFPExt(L->b, LLVMBuildExtractValue(L->b, x, 1, ""), L->f64, ""), 1, "");
    }
}

/* TBAA: array elements (cg_load_elem, cg_store_elem), the fields of a jitclass instance that are
 * not scalars (lower_jitclass.c: arrays, containers, other instances), a list's items and a list's
 * own fields (its length, capacity and items pointer: lower_list.c) never share memory, and say
 * so: a loop storing into an array an instance holds keeps the array's data pointer and strides
 * in registers, and a loop storing into a list's items keeps its length and items pointer (the
 * sieve `flags[j] = False` reloaded both on every store). Nothing else is tagged (an access
 * without a tag may alias any). */
void cg_tbaa(Lower *L, LLVMValueRef access, TbaaKind kind) {
    static const char *const names[] = {"array element", "instance field", "list item", "list field"};
    LLVMValueRef root_name = LLVMMDStringInContext(L->c, "ember tbaa", 10);
    LLVMValueRef root = LLVMMDNodeInContext(L->c, &root_name, 1);
    const char *name = names[kind];
    LLVMValueRef parts[3] = {LLVMMDStringInContext(L->c, name, (unsigned)strlen(name)), root, i64c(L, 0)};
    LLVMValueRef type = LLVMMDNodeInContext(L->c, parts, 3);
    LLVMValueRef tag[3] = {type, type, i64c(L, 0)};
    LLVMSetMetadata(access, LLVMGetMDKindIDInContext(L->c, "tbaa", 4), LLVMMDNodeInContext(L->c, tag, 3));
}

LLVMValueRef cg_load_elem(Lower *L, int dt, LLVMValueRef p) {
    LLVMValueRef x = LLVMBuildLoad2(L->b, cg_elem_llvm(L, dt), p, "");
    cg_tbaa(L, x, TBAA_ARRAY_ELEM);
    return elem_canonical(L, dt, x);
}

/* A scalar converted to dtype dt's canonical scalar as NumPy casts (floats truncate toward
 * zero into integers, complex drops its imaginary part). */
LLVMValueRef cg_to_elem_scalar(Lower *L, LLVMValueRef v, const Type *from, int dt) {
    const Type *to = ty_scalar_of(dt);
    if (from == to) return v;
    if (from == ty_complex128) {
        v = LLVMBuildExtractValue(L->b, v, 0, "");
        from = ty_float64;
        if (to == ty_float64) return v;
    }
    if (from == ty_float64 && ty_is_int(to)) {   /* NumPy's C casts to narrow ints go through 32 bits */
        int size = ty_dtypes[dt].size;
        bool narrow = size < 4 || (ty_dtypes[dt].kind == 'i' && size == 4);
        return cg_float_to_bits(L, v, narrow ? 32 : 64, dt == DT_UINT64);
    }
    if (from == ty_float64 && to == ty_bool) return LLVMBuildFCmp(L->b, LLVMRealUNE, v, LLVMConstReal(L->f64, 0), "");
    return cg_cast(L, v, from, to);
}

void cg_store_elem(Lower *L, int dt, LLVMValueRef p, LLVMValueRef v, const Type *from) {
    if (cg_is_narrow_float(dt) && (from == ty_int64 || from == ty_uint64))
        v = cg_f32_round(L, v, &from, dt);   /* an int rounds to float32 once (not through float64) */
    v = cg_to_elem_scalar(L, v, from, dt);
    LLVMTypeRef et = cg_elem_llvm(L, dt);
    switch (ty_dtypes[dt].kind) {
    case 'b': v = LLVMBuildZExt(L->b, v, L->i8, ""); break;
    case 'i': case 'u': if (ty_dtypes[dt].size < 8) v = LLVMBuildTrunc(L->b, v, et, ""); break;
    case 'f': if (dt == DT_FLOAT32) v = LLVMBuildFPTrunc(L->b, v, et, ""); break;
    default:
        if (dt == DT_COMPLEX64) {
            LLVMTypeRef f32 = LLVMFloatTypeInContext(L->c);
            LLVMValueRef c = LLVMGetUndef(et);
            c = LLVMBuildInsertValue(L->b, c, LLVMBuildFPTrunc(L->b, LLVMBuildExtractValue(L->b, v, 0, ""), f32, ""), 0, "");
            v = LLVMBuildInsertValue(L->b, c, LLVMBuildFPTrunc(L->b, LLVMBuildExtractValue(L->b, v, 1, ""), f32, ""), 1, "");
        }
    }
    cg_tbaa(L, LLVMBuildStore(L->b, v, p), TBAA_ARRAY_ELEM);
}

/* The address of element idx[0..ndim) of a. */
LLVMValueRef cg_elem_ptr(Lower *L, const Type *t, LLVMValueRef a, LLVMValueRef *idx) {
    LLVMValueRef off = i64c(L, 0);
    for (int k = 0; k < t->ndim; k++)
        off = LLVMBuildAdd(L->b, off, LLVMBuildMul(L->b, idx[k], cg_arr_stride(L, t, a, k), ""), "");
    return cg_gep8(L, cg_arr_data(L, a), off);
}

LLVMValueRef cg_gep8(Lower *L, LLVMValueRef p, LLVMValueRef off) {
    return LLVMBuildInBoundsGEP2(L->b, L->i8, p, &off, 1, "");
}

/* ---- allocation ---------------------------------------------------------------------- */
/* C-order (F-order, with `fortran`) strides of shape[] for elements of itemsize bytes into
 * strides[]; returns the size in bytes. */
static LLVMValueRef contiguous_strides(Lower *L, long long itemsize, int nd, LLVMValueRef *shape, LLVMValueRef *strides,
                                       bool fortran) {
    LLVMValueRef s = i64c(L, itemsize);
    for (int j = 0; j < nd; j++) {
        int k = fortran ? j : nd - 1 - j;
        strides[k] = s;
        s = LLVMBuildMul(L->b, s, shape[k], "");
    }
    return s;
}

LLVMValueRef cg_c_strides(Lower *L, int dt, int nd, LLVMValueRef *shape, LLVMValueRef *strides) {
    return contiguous_strides(L, ty_dtypes[dt].size, nd, shape, strides, false);
}

/* a * b for non-negative a, b; *ovf |= "the product does not fit an int64". */
LLVMValueRef cg_mul_size(Lower *L, LLVMValueRef a, LLVMValueRef b, LLVMValueRef *ovf) {
    LLVMTypeRef pt[2] = {L->i64, L->i64};
    LLVMTypeRef rt = LLVMStructTypeInContext(L->c, (LLVMTypeRef[]){L->i64, L->i1}, 2, 0);
    LLVMValueRef args[2] = {a, b};
    LLVMValueRef r = cg_call(L, "llvm.smul.with.overflow.i64", rt, pt, args, 2);
    *ovf = LLVMBuildOr(L->b, *ovf, LLVMBuildExtractValue(L->b, r, 1, ""), "");
    return LLVMBuildExtractValue(L->b, r, 0, "");
}

/* ValueError as NumPy raises it unless shape[] (checked non-negative) times dt's itemsize fits
 * an int64. As in NumPy, a zero dimension does not excuse the others: the product of the
 * non-zero dimensions must fit, so np.empty((0, 2**62, 4)) raises too. */
void cg_check_size(Lower *L, long long itemsize, int nd, LLVMValueRef *shape) {
    LLVMValueRef neg = LLVMConstInt(L->i1, 0, 0);
    for (int k = 0; k < nd; k++)
        neg = LLVMBuildOr(L->b, neg, LLVMBuildICmp(L->b, LLVMIntSLT, shape[k], i64c(L, 0), ""), "");
    cg_raise_if(L, neg, "builtins:ValueError", "negative dimensions are not allowed");
    LLVMValueRef ovf = LLVMConstInt(L->i1, 0, 0), s = i64c(L, itemsize);
    for (int k = 0; k < nd; k++) {
        LLVMValueRef zero = LLVMBuildICmp(L->b, LLVMIntEQ, shape[k], i64c(L, 0), "");
        s = cg_mul_size(L, s, LLVMBuildSelect(L->b, zero, i64c(L, 1), shape[k], ""), &ovf);
    }
    cg_raise_if(L, ovf, "builtins:ValueError",
                "array is too big; `arr.size * arr.dtype.itemsize` is larger than the maximum possible size.");
}

/* A new array of shape[] (checked non-negative and not too big), F-contiguous for an F type and
 * C-contiguous for any other, owning a fresh block, already in its slot (so an error while it is
 * being filled frees it). */
LLVMValueRef cg_alloc_array(Lower *L, const Type *t, LLVMValueRef *shape) {
    int nd = t->ndim;
    LLVMValueRef strides[64];
    long long itemsize = (long long)ty_item_size(t);
    cg_check_size(L, itemsize, nd, shape);
    LLVMTypeRef pt = L->i64;
    LLVMValueRef nbytes = contiguous_strides(L, itemsize, nd, shape, strides, t->layout == 'F');
    LLVMValueRef mi = cg_call(L, "ember_rt_block_alloc", L->ptr, &pt, &nbytes, 1);
    cg_raise_if(L, LLVMBuildIsNull(L->b, mi, ""), NULL, NULL);
    LLVMValueRef data = cg_gep8(L, mi, i64c(L, 24));   /* sizeof(RtBlock): the data follows it */
    return cg_own(L, cg_make_array(L, t, mi, LLVMConstNull(L->ptr), data, shape, strides), t);
}

/* A new array of type rt (a's shape, rt's dtype, cg_alloc_array's layout) holding a's elements.
 * An a of rt's dtype and contiguous layout is one memcpy, as NumPy's copy is: the element loop's
 * rows of 700 bytes copied a 700x700 uint8 image in 7.5 us, memcpy in 5.6. */
LLVMValueRef cg_copy_array(Lower *L, const Type *at, LLVMValueRef a, const Type *rt) {
    LLVMValueRef shape[64];
    for (int k = 0; k < at->ndim; k++) shape[k] = cg_arr_shape(L, a, k);
    LLVMValueRef out = cg_alloc_array(L, rt, shape);
    if (at->kind == TY_RECARRAY) {   /* records: their bytes */
        const Type *bytes = ty_array(DT_UINT8, at->ndim + 1, 'A', false);
        cg_assign_noalias(L, bytes, cg_record_bytes(L, rt, out), bytes, cg_record_bytes(L, at, a));
        return out;
    }
    char kind = ty_dtypes[at->dtype].kind;
    bool numbers = kind == 'b' || kind == 'i' || kind == 'u' || kind == 'f' || kind == 'c';
    if (at->kind == TY_ARRAY && rt->kind == TY_ARRAY && at->dtype == rt->dtype && numbers && at->ndim == rt->ndim &&
        (at->layout == 'C' || at->layout == 'F') && at->layout == rt->layout && !at->unaligned) {
        LLVMValueRef bytes = LLVMBuildMul(L->b, cg_array_size(L, at, a), i64c(L, ty_dtypes[at->dtype].size), "");
        LLVMBuildMemCpy(L->b, cg_arr_data(L, out), 64, cg_arr_data(L, a), 1, bytes);
        return out;
    }
    cg_assign_noalias(L, rt, out, at, a);   /* a fresh array overlaps nothing */
    return out;
}

/* Structured array a (of type at) as an array of uint8 with one more dimension, the records'
 * bytes (type ty_array(DT_UINT8, at->ndim + 1, 'A')): a's memory, meminfo and parent. */
LLVMValueRef cg_record_bytes(Lower *L, const Type *at, LLVMValueRef a) {
    LLVMValueRef shape[64], strides[64];
    for (int k = 0; k < at->ndim; k++) {
        shape[k] = cg_arr_shape(L, a, k);
        strides[k] = cg_arr_stride(L, at, a, k);
    }
    shape[at->ndim] = i64c(L, (long long)at->rec->itemsize);
    strides[at->ndim] = i64c(L, 1);
    return cg_make_array(L, ty_array(DT_UINT8, at->ndim + 1, 'A', false), cg_arr_meminfo(L, a),
                         LLVMBuildExtractValue(L->b, a, 1, ""), cg_arr_data(L, a), shape, strides);
}

/* ---- loops ------------------------------------------------------------------------- */
/* for (i = 0; i < n; i++): cg_loop_begin returns i with the builder in the body; cg_loop_end
 * closes the loop and leaves the builder after it. */
LLVMValueRef cg_loop_begin(Lower *L, LoopCtx *lc, LLVMValueRef n) {
    lc->slot = cg_entry_alloca(L, L->i64, "i");
    LLVMBuildStore(L->b, i64c(L, 0), lc->slot);
    lc->head = LLVMAppendBasicBlockInContext(L->c, L->func, "loop");
    LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(L->c, L->func, "body");
    lc->exit = LLVMAppendBasicBlockInContext(L->c, L->func, "done");
    LLVMBuildBr(L->b, lc->head);
    LLVMPositionBuilderAtEnd(L->b, lc->head);
    lc->i = LLVMBuildLoad2(L->b, L->i64, lc->slot, "i");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, lc->i, n, ""), body, lc->exit);
    LLVMPositionBuilderAtEnd(L->b, body);
    return lc->i;
}

/* Does a block from `head` to the function's end (the loop's, as cg_loop_begin lays them out)
 * call a library function (maths: exp, tanh, ...; not an intrinsic, not the runtime's)? */
static bool loop_calls_library(LLVMBasicBlockRef head) {
    for (LLVMBasicBlockRef bb = head; bb; bb = LLVMGetNextBasicBlock(bb))
        for (LLVMValueRef x = LLVMGetFirstInstruction(bb); x; x = LLVMGetNextInstruction(x)) {
            if (LLVMGetInstructionOpcode(x) != LLVMCall) continue;
            LLVMValueRef f = LLVMGetCalledValue(x);
            size_t len;
            const char *name = f && LLVMIsAFunction(f) ? LLVMGetValueName2(f, &len) : NULL;
            if (name && LLVMIsDeclaration(f) && strncmp(name, "llvm.", 5) && strncmp(name, "ember_rt_", 9)) return true;
        }
    return false;
}

LLVMValueRef cg_loop_end(Lower *L, LoopCtx *lc) {
    LLVMBuildStore(L->b, LLVMBuildNSWAdd(L->b, lc->i, i64c(L, 1), ""), lc->slot);
    LLVMValueRef back = LLVMBuildBr(L->b, lc->head);
    if (loop_calls_library(lc->head)) {   /* not interleaved: see jit.c, -small-loop-cost */
        LLVMMetadataRef one = LLVMValueAsMetadata(LLVMConstInt(L->i32, 1, 0));
        LLVMMetadataRef ic[2] = {LLVMMDStringInContext2(L->c, "llvm.loop.interleave.count", 26), one};
        LLVMMetadataRef prop = LLVMMDNodeInContext2(L->c, ic, 2);
        LLVMSetMetadata(back, LLVMGetMDKindIDInContext(L->c, "llvm.loop", 9), LLVMMetadataAsValue(L->c, cg_loop_md(L->c, &prop, 1)));
    }
    LLVMPositionBuilderAtEnd(L->b, lc->exit);
    return back;
}

/* for idx[0] in [0, shape[0]) ... for idx[nd-1] ...: body(idx) */
void cg_loop_nest(Lower *L, int nd, LLVMValueRef *shape, LoopBody body, void *env) {
    LLVMValueRef idx[64];
    LoopCtx lc[64];
    for (int k = 0; k < nd; k++) idx[k] = cg_loop_begin(L, &lc[k], shape[k]);
    body(L, idx, env);
    for (int k = nd - 1; k >= 0; k--) cg_loop_end(L, &lc[k]);
}

/* ---- indexing ---------------------------------------------------------------------- */
/* i < 0 for an index. i = a - b (no signed wrap) is negative when a < b: a test LLVM 19 folds
 * from what it knows of a and b (a range's bound: a[c - w] in a loop down to w, where c >= w; a
 * dominating `if c <= a`), where the sub's own sign it does not fold when the sub has other
 * uses (the index itself): a knapsack's inner loop 0.71 -> 0.39 ms. */
LLVMValueRef cg_is_negative(Lower *L, LLVMValueRef i) {
    if (LLVMIsABinaryOperator(i) && LLVMGetInstructionOpcode(i) == LLVMSub && LLVMGetNSW(i))
        return LLVMBuildICmp(L->b, LLVMIntSLT, LLVMGetOperand(i, 0), LLVMGetOperand(i, 1), "");
    return LLVMBuildICmp(L->b, LLVMIntSLT, i, i64c(L, 0), "");
}

/* Does handler block h only take the exception and raise it again (the cleanup Python 3.11
 * puts around a `try`'s own handlers)? What it covers then fails as it would outside any `try`. */
static bool reraises_only(const Block *h) {
    const Instr *fetched = NULL;
    for (int i = 0; i < h->ninstrs; i++) {
        const Instr *x = h->instrs[i];
        if (x->op == IR_EXCFETCH) fetched = x;
        else if (x->op == IR_RERAISE) return fetched && x->args[0] == fetched->id;
        else if (x->op != IR_LOADVAR && x->op != IR_STOREVAR && x->op != IR_CONST) return false;
    }
    return false;
}

/* Whether an index is checked against its dimension here (boundscheck, or a handler that may
 * catch the IndexError: not the cleanup around an except clause, so an `except` body indexes as
 * code outside any `try` does). */
bool cg_checks_index(Lower *L) {
    const Block *h = L->cur && L->cur->block ? L->cur->block->handler : NULL;
    return (h && !reraises_only(h)) || L->ti->root->fn->boundscheck;
}

/* i wrapped for a negative index; checked against n when `check` (fancy indices always are,
 * as in NumPy), inside a try, or when boundscheck is on. The common index, already in [0, n) (or non-negative when
 * unchecked), costs one predicted branch; wrapping and checking happen off that path. */
/* The element of 0-d array v, of type *t, which becomes its scalar type. */
LLVMValueRef cg_elem_of_0d(Lower *L, const Type **t, LLVMValueRef v) {
    LLVMValueRef x = cg_load_elem(L, (*t)->dtype, cg_arr_data(L, v));
    *t = ty_scalar_of((*t)->dtype);
    return x;
}

/* IndexError where `bad`, in NumPy's words with index i, the axis (L->index_axis) and size n
 * (ember_rt_raise_index; cg_raise_formatted_begin). */
static void raise_index_if(Lower *L, LLVMValueRef bad, LLVMValueRef i, LLVMValueRef n) {
    LLVMBasicBlockRef ok;
    if (!cg_raise_formatted_begin(L, bad, "builtins:IndexError", "index is out of bounds", &ok)) return;
    LLVMTypeRef pt[3] = {L->i64, L->i64, L->i64};
    LLVMValueRef args[3] = {i, i64c(L, L->index_axis - 1), n};
    cg_call(L, "ember_rt_raise_index", L->voidt, pt, args, 3);
    cg_raise_formatted_end(L, ok);
}

LLVMValueRef cg_wrap_index(Lower *L, LLVMValueRef i, LLVMValueRef n, bool check) {
    check = check || cg_checks_index(L);
    LLVMValueRef neg = cg_is_negative(L, i);
    if (LLVMIsAConstantInt(neg)) {
        LLVMValueRef i0 = i;
        if (LLVMConstIntGetZExtValue(neg)) i = LLVMBuildAdd(L->b, i, n, "");
        if (check) raise_index_if(L, LLVMBuildICmp(L->b, LLVMIntUGE, i, n, ""), i0, n);
        return i;
    }
    LLVMValueRef fast = check ? LLVMBuildICmp(L->b, LLVMIntULT, i, n, "") : LLVMBuildNot(L->b, neg, "");
    LLVMBasicBlockRef from = LLVMGetInsertBlock(L->b);
    LLVMBasicBlockRef slow = LLVMAppendBasicBlockInContext(L->c, L->func, "wrap");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "wrapped");
    cg_br_expect(L, fast, true, join, slow);
    LLVMPositionBuilderAtEnd(L->b, slow);
    LLVMValueRef iw = LLVMBuildSelect(L->b, neg, LLVMBuildAdd(L->b, i, n, ""), i, "");
    if (check) raise_index_if(L, LLVMBuildICmp(L->b, LLVMIntUGE, iw, n, ""), i, n);
    LLVMBasicBlockRef wrapped = LLVMGetInsertBlock(L->b);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    return cg_phi2(L, i, from, iw, wrapped, "idx");
}

/* i as it is where `known` (fixed through the loop, expected true) says it needs nothing, else as
 * cg_wrap_index wraps (and checks) it: known's test comes first, loop-invariant, so LLVM's
 * unswitching versions the loop on it and the copy where it holds tests nothing. */
static LLVMValueRef wrap_unless(Lower *L, LLVMValueRef i, LLVMValueRef n, LLVMValueRef known) {
    if (LLVMIsAConstantInt(known))   /* known: no test; else it tells nothing */
        return LLVMConstIntGetZExtValue(known) ? i : cg_wrap_index(L, i, n, false);
    LLVMBasicBlockRef from = LLVMGetInsertBlock(L->b);
    LLVMBasicBlockRef test = LLVMAppendBasicBlockInContext(L->c, L->func, "unknown");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "known");
    cg_br_expect(L, known, true, join, test);
    LLVMPositionBuilderAtEnd(L->b, test);
    LLVMValueRef w = cg_wrap_index(L, i, n, false);
    LLVMBasicBlockRef tested = LLVMGetInsertBlock(L->b);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    return cg_phi2(L, i, from, w, tested, "idx");
}

/* i wrapped for a negative index, where i >= floor is known (lower_floor.c): the test floor >= 0
 * first (wrap_unless), then i >= 0 as cg_wrap_index does. A check (boundscheck, a handler) needs
 * i < n as well: cg_wrap_index then. */
LLVMValueRef cg_wrap_index_floor(Lower *L, LLVMValueRef i, LLVMValueRef n, LLVMValueRef floor) {
    if (cg_checks_index(L)) return cg_wrap_index(L, i, n, false);
    return wrap_unless(L, i, n, LLVMBuildICmp(L->b, LLVMIntSGE, floor, i64c(L, 0), ""));
}

/* A checked index (boundscheck, or a handler that may catch the IndexError) with a floor and a
 * ceiling fixed through the loop (lower_floor.c: a range loop's value): when floor >= 0 and
 * ceiling < n, every i the loop gives lies in [0, n), and the loop's copy under that test has no
 * test and no side exit, and vectorises (a `try` around out[i] = f(x[i]) kept its loop scalar: 4x
 * numba, which checks nothing). */
static LLVMValueRef wrap_index_inside(Lower *L, LLVMValueRef i, LLVMValueRef n, LLVMValueRef floor, LLVMValueRef ceil) {
    return wrap_unless(L, i, n, LLVMBuildAnd(L->b, LLVMBuildICmp(L->b, LLVMIntSGE, floor, i64c(L, 0), ""),
                                             LLVMBuildICmp(L->b, LLVMIntSLT, ceil, n, ""), "inside"));
}

/* Python's slice.indices(n) for one dimension: start, step and the view's length. */
void cg_slice_dim(Lower *L, const Type *st, LLVMValueRef sl, LLVMValueRef n, LLVMValueRef *start,
                      LLVMValueRef *step, LLVMValueRef *len) {
    LLVMValueRef zero = i64c(L, 0), one = i64c(L, 1);
    *step = st->n & 4 ? LLVMBuildExtractValue(L->b, sl, 2, "step") : one;
    if (st->n & 4) cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntEQ, *step, zero, ""), "builtins:ValueError", "slice step cannot be zero");
    LLVMValueRef negstep = LLVMBuildICmp(L->b, LLVMIntSLT, *step, zero, "");
    LLVMValueRef lower = LLVMBuildSelect(L->b, negstep, i64c(L, -1), zero, "");
    LLVMValueRef upper = LLVMBuildSelect(L->b, negstep, LLVMBuildSub(L->b, n, one, ""), n, "");
    LLVMValueRef b[2];
    for (int part = 0; part < 2; part++) {
        if (!(st->n & (1 << part))) {
            b[part] = part == 0 ? LLVMBuildSelect(L->b, negstep, upper, lower, "")
                                : LLVMBuildSelect(L->b, negstep, lower, upper, "");
            continue;
        }
        LLVMValueRef x = LLVMBuildExtractValue(L->b, sl, (unsigned)part, "");
        LLVMValueRef isneg = LLVMBuildICmp(L->b, LLVMIntSLT, x, zero, "");
        LLVMValueRef xn = LLVMBuildAdd(L->b, x, n, "");
        LLVMValueRef lo = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, xn, lower, ""), lower, xn, "");
        LLVMValueRef hi = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSGT, x, upper, ""), upper, x, "");
        b[part] = LLVMBuildSelect(L->b, isneg, lo, hi, "");
    }
    *start = b[0];
    /* len = step > 0 ? (stop - start + step - 1) / step : (start - stop - step - 1) / -step, at least 0 */
    LLVMValueRef pos_len = LLVMBuildSDiv(L->b, LLVMBuildSub(L->b, LLVMBuildAdd(L->b, LLVMBuildSub(L->b, b[1], b[0], ""), *step, ""), one, ""), *step, "");
    LLVMValueRef negs = LLVMBuildSub(L->b, zero, *step, "");
    LLVMValueRef neg_len = LLVMBuildSDiv(L->b, LLVMBuildSub(L->b, LLVMBuildAdd(L->b, LLVMBuildSub(L->b, b[0], b[1], ""), negs, ""), one, ""), negs, "");
    LLVMValueRef l = LLVMBuildSelect(L->b, negstep, neg_len, pos_len, "");
    *len = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, l, zero, ""), zero, l, "");
}

LLVMValueRef cg_slice(Lower *L, Instr *in) {
    LLVMTypeRef f[3] = {L->i64, L->i64, L->i64};
    LLVMValueRef v = LLVMGetUndef(LLVMStructTypeInContext(L->c, f, 3, 0));
    for (int i = 0; i < 3; i++) {
        const Type *t = L->ti->vtypes[in->args[i]];
        bool index = ty_is_int(t) || t == ty_bool;   /* else a number only np.mgrid[] reads (cg_grid) */
        LLVMValueRef x = !index ? i64c(L, 0) : cg_cast(L, L->vals[in->args[i]], t, ty_int64);
        v = LLVMBuildInsertValue(L->b, v, x, (unsigned)i, "");
    }
    return v;
}

/* Indices wrapped in the block being lowered, so that a[i] += x and img[y0, x0] beside
 * img[y1, x0] wrap each index once: the wrap of an index that may be negative is a branch, and
 * LLVM merges no two of them (histogram2d_manual tested both indices' signs twice, 0.38 ms
 * against numba's 0.30; bilinear_resize x0's twice). An array and an index are known by the
 * variable they were read from (a store to it forgets them: cg_forget_wraps) or else by their
 * value id; the rest of the address is plain arithmetic LLVM merges itself. */
static int wrap_key(Lower *L, int id) {   /* a variable's number, or -2 - a value id; -1: none */
    Instr *x = id >= 0 ? L->fn->instrs[id] : NULL;
    return !x ? -1 : x->op == IR_LOADVAR ? x->imm : -2 - id;
}

static LLVMValueRef wrapped_here(Lower *L, int akey, int d, int ikey) {
    if (L->wraps.block != L->block || akey == -1 || ikey == -1) return NULL;
    for (int k = 0; k < L->wraps.n; k++)
        if (L->wraps.at[k].akey == akey && L->wraps.at[k].d == d && L->wraps.at[k].ikey == ikey) return L->wraps.at[k].w;
    return NULL;
}

/* Across blocks: `if isnan(agg[y, x]): agg[y, x] = v else: agg[y, x] += v` wraps y and x in the
 * test's block, and its sides read those back. Then the sides' addresses are one value and LLVM
 * makes the two stores one store of a select, as it does without wraps (a NaN-sum raster of 1M
 * points, bench raster_nan_sum: 16.0 -> 10.1 ms, numba 9.5). A wrap serves a block its own block dominates, of keys that
 * mean one value there: value ids, and variables with one store (that store reaches both reads,
 * none between them). Each is kept in a slot of its own, so that a block lowered again
 * (lower_collapse.c) reads what its path stored; none where a path may skip the wrap's end (an
 * exception's handler), across a generator's suspension, or while merged loops are lowered; and
 * none is made on a side of a branch lowered here (branch_as_store: xwraps.off). */
static bool keeps_xwraps(Lower *L) {
    Function *fn = L->fn;
    if (L->collapsing || L->xwraps.none || !L->block) return false;
    if (L->xwraps.once) return true;
    L->xwraps.none = fn->generator;
    for (int b = 0; b < fn->nblocks; b++) L->xwraps.none |= fn->blocks[b]->handler != NULL;
    if (L->xwraps.none) return false;
    L->xwraps.once = ctx_alloc(L->ctx, (size_t)fn->nvars + 1);
    if (!L->xwraps.once || !cg_idoms(L)) return !(L->xwraps.none = true);
    int *stores = ctx_alloc(L->ctx, sizeof(int) * (size_t)(fn->nvars + 1));
    if (!stores) return !(L->xwraps.none = true);
    for (int i = 0; i < fn->ninstrs; i++) {
        Instr *x = fn->instrs[i];
        if (x && (x->op == IR_STOREVAR || x->op == IR_DELVAR)) stores[x->imm]++;
        if (x && x->op == IR_CELLREF) stores[x->imm] += 2;   /* an inner function may store to it */
    }
    for (int v = 0; v < fn->nvars; v++) L->xwraps.once[v] = stores[v] == 1;
    return true;
}

static bool one_value(Lower *L, int key) { return key <= -2 || (key >= 0 && L->xwraps.once[key]); }

static LLVMValueRef wrapped_before(Lower *L, int akey, int d, int ikey) {
    LLVMValueRef w = wrapped_here(L, akey, d, ikey);
    if (w || akey == -1 || ikey == -1 || !L->xwraps.n || !keeps_xwraps(L) || !one_value(L, akey) || !one_value(L, ikey))
        return w;
    for (int k = 0; k < L->xwraps.n; k++)
        if (L->xwraps.at[k].akey == akey && L->xwraps.at[k].d == d && L->xwraps.at[k].ikey == ikey &&
            ir_dominates(L->idom, L->xwraps.at[k].block, L->block))   /* (its own block: after a call) */
            return LLVMBuildLoad2(L->b, L->i64, L->xwraps.at[k].slot, "wrapped");
    return NULL;
}

/* A store to variable var (-1: any, as a call of compiled code may store to any) ends what was
 * remembered of the arrays and indices read from it (values known by their id stay as they are). */
void cg_forget_wraps(Lower *L, int var) {
    for (int k = 0; k < L->wraps.n; k++) {
        int a = L->wraps.at[k].akey, i = L->wraps.at[k].ikey;
        if (var < 0 ? a >= 0 || i >= 0 : a == var || i == var) L->wraps.at[k].akey = -1;
    }
}

/* Block b's work was lowered into its predecessor (branch_on_both, branch_as_update,
 * branch_as_store), which now jumps past b's own lowering: what b remembered for other blocks
 * is dropped, and it remembers nothing more (a block b dominates would read a slot b's own
 * lowering stores, off the path that runs). */
void cg_xwraps_absorbed(Lower *L, Block *b) {
    if (!L->xwraps.absorbed && !(L->xwraps.absorbed = ctx_alloc(L->ctx, (size_t)L->fn->nblocks + 1))) {
        L->xwraps.none = true;   /* (keep none at all) */
        return;
    }
    L->xwraps.absorbed[b->id] = true;
    for (int k = 0; k < L->xwraps.n; k++)
        if (L->xwraps.at[k].block == b) L->xwraps.at[k].akey = -1;   /* (no read asks for -1) */
}

static void remember_wrap(Lower *L, int akey, int d, int ikey, LLVMValueRef w) {
    if (akey == -1 || ikey == -1) return;
    if (!LLVMIsAConstant(w) && !L->xwraps.off && L->xwraps.n < CG_XWRAPS && keeps_xwraps(L) && one_value(L, akey) &&
        one_value(L, ikey) && !(L->xwraps.absorbed && L->xwraps.absorbed[L->block->id])) {
        bool kept = false;   /* (once per block and keys) */
        for (int k = 0; k < L->xwraps.n && !kept; k++)
            kept = L->xwraps.at[k].block == L->block && L->xwraps.at[k].akey == akey && L->xwraps.at[k].d == d &&
                   L->xwraps.at[k].ikey == ikey;
        if (!kept) {
            LLVMValueRef slot = cg_entry_alloca(L, L->i64, "wrap");
            LLVMBuildStore(L->b, w, slot);
            L->xwraps.at[L->xwraps.n].block = L->block;
            L->xwraps.at[L->xwraps.n].slot = slot;
            L->xwraps.at[L->xwraps.n].akey = akey;
            L->xwraps.at[L->xwraps.n].ikey = ikey;
            L->xwraps.at[L->xwraps.n++].d = d;
        }
    }
    if (L->wraps.block != L->block) {
        L->wraps.block = L->block;
        L->wraps.n = 0;
    }
    int k = L->wraps.n < CG_WRAPS ? L->wraps.n++ : (int)(L->wraps.next++ % CG_WRAPS);
    L->wraps.at[k].akey = akey;
    L->wraps.at[k].ikey = ikey;
    L->wraps.at[k].d = d;
    L->wraps.at[k].w = w;
}

/* a[idx] by basic indexing: the element's address (*elem) when every dimension is indexed by
 * an integer, else the view. iid is idx's value id (-1: none, as for fancy indexing's parts). */
LLVMValueRef cg_index_basic(Lower *L, const Type *at, LLVMValueRef a, const Type *it, LLVMValueRef iv,
                            int iid, const Type *rt, LLVMValueRef *elem) {
    Instr *tup = iid >= 0 && it->kind == TY_TUPLE ? L->fn->instrs[iid] : NULL;
    Instr *x = L->cur;   /* a[idx] of a GETITEM or SETITEM: a is its first operand */
    int akey = iid >= 0 && x && (x->op == IR_GETITEM || x->op == IR_SETITEM) ? wrap_key(L, x->args[0]) : -1;
    if (tup && tup->op != IR_TUPLE) tup = NULL;
    int nparts = it->kind == TY_TUPLE ? it->n : 1;
    LLVMValueRef data = cg_arr_data(L, a), shape[64], strides[64];
    int d = 0, nd = 0, flat = cg_collapse_part(L, tup);
    for (int p = 0; p < nparts || d < at->ndim; p++) {
        if (p == flat) {   /* (j, k) of two loops run as one: t along the merged axis (lower_collapse.c) */
            LLVMValueRef s = cg_arr_stride(L, at, a, d + 1);
            data = cg_gep8(L, data, LLVMBuildMul(L->b, cg_collapse_index(L), s, ""));
            d += 2;
            p++;
            continue;
        }
        const Type *pt = p < nparts ? (it->kind == TY_TUPLE ? it->elems[p] : it) : ty_slice(0);
        LLVMValueRef pv = p < nparts ? (it->kind == TY_TUPLE ? LLVMBuildExtractValue(L->b, iv, (unsigned)p, "") : iv) : NULL;
        if (pt->kind == TY_NONE) {
            shape[nd] = i64c(L, 1);
            strides[nd++] = i64c(L, 0);
            continue;
        }
        LLVMValueRef n = cg_arr_shape(L, a, d), s = cg_arr_stride(L, at, a, d);
        if (ty_is_int(pt) || pt == ty_bool) {
            int pid = it->kind != TY_TUPLE ? iid : tup && p < tup->nargs ? tup->args[p] : -1;
            LLVMValueRef f = pt == ty_int64 ? cg_floor_of(L, pid) : NULL;
            LLVMValueRef i = wrapped_before(L, akey, d, wrap_key(L, pid));
            L->index_axis = d + 1;
            if (!i) {
                i = cg_cast(L, pv, pt, ty_int64);
                if (f && !LLVMIsAConstantInt(f) && pid >= 0 && cg_fixed_through_loop(L, x, pid) && !cg_checks_index(L))
                    /* the same index on every trip of the loop around: a select LLVM moves out of
                     * the loop, where a floor's test waits for unswitching (which a function of
                     * several loop nests may run out of: a[t + i, s] over s ran scalar) */
                    i = LLVMBuildSelect(L->b, cg_is_negative(L, i), LLVMBuildAdd(L->b, i, n, ""), i, "idx");
                else if (f && pid >= 0 && L->ceils && L->ceils[pid] && cg_checks_index(L))
                    i = wrap_index_inside(L, i, n, f, L->ceils[pid]);
                else
                    i = f ? cg_wrap_index_floor(L, i, n, f) : cg_wrap_index(L, i, n, false);
                remember_wrap(L, akey, d, wrap_key(L, pid), i);
            }
            L->index_axis = 0;
            data = cg_gep8(L, data, LLVMBuildMul(L->b, i, s, ""));
        } else {
            LLVMValueRef start, step, len;
            if (pt->n == 0) {
                start = i64c(L, 0);
                step = i64c(L, 1);
                len = n;
            } else {
                cg_slice_dim(L, pt, pv ? pv : LLVMGetUndef(cg_type(L, pt)), n, &start, &step, &len);
            }
            data = cg_gep8(L, data, LLVMBuildMul(L->b, start, s, ""));
            shape[nd] = len;
            strides[nd++] = LLVMBuildMul(L->b, s, step, "");
        }
        d++;
    }
    if (rt->kind != TY_ARRAY && rt->kind != TY_RECARRAY) {
        *elem = data;
        return NULL;
    }
    return cg_make_array(L, rt, cg_arr_meminfo(L, a), LLVMBuildExtractValue(L->b, a, 1, ""), data, shape, strides);
}

LLVMValueRef cg_array_getitem(Lower *L, Instr *in) {
    const Type *at = L->ti->vtypes[in->args[0]], *it = L->ti->vtypes[in->args[1]], *rt = L->ti->vtypes[in->id];
    if (cg_is_fancy(it)) return cg_fancy_getitem(L, in);
    LLVMValueRef elem = NULL;
    LLVMValueRef v = cg_index_basic(L, at, L->vals[in->args[0]], it, L->vals[in->args[1]], in->args[1], rt, &elem);
    if (elem) return cg_load_elem(L, at->dtype, elem);
    return v;
}

LLVMValueRef cg_array_iter_value(Lower *L, const Type *at, LLVMValueRef arr, LLVMValueRef k) {
    LLVMValueRef p = cg_gep8(L, cg_arr_data(L, arr), LLVMBuildMul(L->b, k, cg_arr_stride(L, at, arr, 0), ""));
    if (at->ndim == 1 && at->kind == TY_RECARRAY && ty_is_chars(at->rec))   /* a string array's: a new str */
        return cg_str_from_ucs4(L, p, ty_record_nchars(at->rec, 0));
    if (at->ndim == 1) return at->kind == TY_RECARRAY ? p : cg_load_elem(L, at->dtype, p);   /* a record: its address */
    const Type *rt = at->kind == TY_RECARRAY ? ti_iter_value_type(at) : ty_array(at->dtype, at->ndim - 1, 'A', false);
    LLVMValueRef shape[64], strides[64];
    for (int d = 1; d < at->ndim; d++) {
        shape[d - 1] = cg_arr_shape(L, arr, d);
        strides[d - 1] = cg_arr_stride(L, at, arr, d);
    }
    return cg_make_array(L, rt, cg_arr_meminfo(L, arr), LLVMBuildExtractValue(L->b, arr, 1, ""), p, shape, strides);
}

void cg_array_iter_init(Lower *L, const Type *at, LLVMValueRef a, LLVMValueRef state, LLVMTypeRef st) {
    cg_incref(L, a, at);   /* the loop keeps the array alive even if its variable changes */
    cg_own(L, a, at);
    LLVMBuildStore(L->b, a, LLVMBuildStructGEP2(L->b, st, state, 0, ""));
    LLVMBuildStore(L->b, i64c(L, 0), LLVMBuildStructGEP2(L->b, st, state, 1, ""));
    LLVMBuildStore(L->b, cg_arr_shape(L, a, 0), LLVMBuildStructGEP2(L->b, st, state, 2, ""));
}

/* ---- attributes -------------------------------------------------------------------- */
LLVMValueRef cg_array_getattr(Lower *L, Instr *in) {
    const Type *at = L->ti->vtypes[in->args[0]], *t = L->ti->vtypes[in->id];
    LLVMValueRef a = L->vals[in->args[0]];
    const char *attr = in->str;
    int nd = at->ndim;
    if (t->kind == TY_DTYPE) return LLVMConstInt(L->i8, 0, 0);   /* (a method's value is its receiver: lower.c) */
    if (!strcmp(attr, "shape") || !strcmp(attr, "strides")) {
        LLVMValueRef v = LLVMGetUndef(cg_type(L, t));
        for (int k = 0; k < nd; k++)
            v = LLVMBuildInsertValue(L->b, v, attr[1] == 'h' ? cg_arr_shape(L, a, k) : a_dim(L, a, 4, k), (unsigned)k, "");
        return v;
    }
    if (!strcmp(attr, "ndim")) return i64c(L, nd);
    if (!strcmp(attr, "flat")) {
        if (nd == 1) return a;
        LLVMValueRef n = cg_array_size(L, at, a), s = i64c(L, ty_dtypes[at->dtype].size);
        return cg_make_array(L, t, cg_arr_meminfo(L, a), LLVMBuildExtractValue(L->b, a, 1, ""), cg_arr_data(L, a), &n, &s);
    }
    if (!strcmp(attr, "itemsize")) return i64c(L, ty_dtypes[at->dtype].size);
    if (!strcmp(attr, "size") || !strcmp(attr, "nbytes")) {
        LLVMValueRef n = cg_array_size(L, at, a);
        return attr[0] == 's' ? n : LLVMBuildMul(L->b, n, i64c(L, ty_dtypes[at->dtype].size), "");
    }
    LLVMValueRef shape[64], strides[64];
    if (!strcmp(attr, "T")) {
        for (int k = 0; k < nd; k++) {
            shape[k] = cg_arr_shape(L, a, nd - 1 - k);
            strides[k] = cg_arr_stride(L, at, a, nd - 1 - k);
        }
        return cg_make_array(L, t, cg_arr_meminfo(L, a), LLVMBuildExtractValue(L->b, a, 1, ""), cg_arr_data(L, a), shape, strides);
    }
    return cg_real_imag(L, at, a, attr[0] == 'i', t);
}

/* a.flags.<flag>: NumPy's contiguity rules (dimensions of length 1 do not matter; an empty
 * array is contiguous both ways). */
LLVMValueRef cg_array_flag(Lower *L, const Type *at, LLVMValueRef a, const char *flag) {
    if (!strcmp(flag, "writeable")) return LLVMConstInt(L->i1, !at->readonly, 0);
    if (!strcmp(flag, "aligned")) {
        LLVMValueRef addr = LLVMBuildPtrToInt(L->b, cg_arr_data(L, a), L->i64, "");
        return LLVMBuildICmp(L->b, LLVMIntEQ, LLVMBuildURem(L->b, addr, i64c(L, ty_dtypes[at->dtype].size), ""), i64c(L, 0), "");
    }
    bool fortran = flag[0] == 'f';
    if ((at->layout == 'C' && !fortran) || (at->layout == 'F' && fortran) || at->ndim <= 1) {
        if (at->ndim != 1 || at->layout == 'C') return LLVMConstInt(L->i1, 1, 0);
    }
    LLVMValueRef ok = LLVMConstInt(L->i1, 1, 0), empty = LLVMConstInt(L->i1, 0, 0), want = i64c(L, ty_dtypes[at->dtype].size);
    for (int j = 0; j < at->ndim; j++) {
        int k = fortran ? j : at->ndim - 1 - j;
        LLVMValueRef n = cg_arr_shape(L, a, k), s = cg_arr_stride(L, at, a, k);
        LLVMValueRef one = LLVMBuildICmp(L->b, LLVMIntEQ, n, i64c(L, 1), "");
        empty = LLVMBuildOr(L->b, empty, LLVMBuildICmp(L->b, LLVMIntEQ, n, i64c(L, 0), ""), "");
        ok = LLVMBuildAnd(L->b, ok, LLVMBuildOr(L->b, one, LLVMBuildICmp(L->b, LLVMIntEQ, s, want, ""), ""), "");
        want = LLVMBuildSelect(L->b, one, want, LLVMBuildMul(L->b, want, n, ""), "");
    }
    return LLVMBuildOr(L->b, ok, empty, "");
}

/* A new array of type t and shape[] (cg_alloc_array's layout), every byte zero. */
LLVMValueRef cg_alloc_zeroed(Lower *L, const Type *t, LLVMValueRef *shape) {
    LLVMValueRef z = cg_alloc_array(L, t, shape);
    LLVMValueRef total = i64c(L, (long long)ty_item_size(t));
    for (int k = 0; k < t->ndim; k++) total = LLVMBuildMul(L->b, total, shape[k], "");
    LLVMTypeRef pt[4] = {L->ptr, L->i8, L->i64, L->i1};
    LLVMValueRef args[4] = {cg_arr_data(L, z), LLVMConstInt(L->i8, 0, 0), total, LLVMConstInt(L->i1, 0, 0)};
    cg_call(L, "llvm.memset.p0.i64", L->voidt, pt, args, 4);
    return z;
}

/* A view of type t of a's elements from `offset` bytes into each (a complex's imaginary part, a
 * record's field): a's shape and strides. */
LLVMValueRef cg_view_at(Lower *L, const Type *at, LLVMValueRef a, long long offset, const Type *t) {
    LLVMValueRef shape[64], strides[64];
    for (int k = 0; k < at->ndim; k++) {
        shape[k] = cg_arr_shape(L, a, k);
        strides[k] = cg_arr_stride(L, at, a, k);
    }
    LLVMValueRef data = offset ? cg_gep8(L, cg_arr_data(L, a), i64c(L, offset)) : cg_arr_data(L, a);
    return cg_make_array(L, t, cg_arr_meminfo(L, a), LLVMBuildExtractValue(L->b, a, 1, ""), data, shape, strides);
}

/* a.real / a.imag (type t): a view into complex elements; of a real array, a itself or zeros. */
LLVMValueRef cg_real_imag(Lower *L, const Type *at, LLVMValueRef a, bool imag, const Type *t) {
    if (ty_dtypes[at->dtype].kind != 'c') {
        if (!imag) return a;
        LLVMValueRef shape[64];
        for (int k = 0; k < at->ndim; k++) shape[k] = cg_arr_shape(L, a, k);
        return cg_alloc_zeroed(L, t, shape);
    }
    return cg_view_at(L, at, a, imag ? ty_dtypes[at->dtype].size / 2 : 0, t);
}

/* ---- array expressions ---------------------------------------------------------------- */
#define MAX_LEAVES 32
#define SAME_TARGET (-2)

typedef struct Leaf {
    int id;                    /* the value; -1 for an extra operand given by value */
    const Type *t;
    LLVMValueRef v;            /* array value, or the scalar */
    LLVMValueRef data, estr[64];
    LLVMValueRef stretched_last;   /* i1: its last dimension is 1 and stretched over the loop's (run time) */
    bool col;                  /* its last dimension is 1 by construction (x[:, None], a keepdims
                                * reduction): constant along the innermost loop */
    int same;                  /* run_expr_parallel: an earlier leaf reading the same array, SAME_TARGET
                                * for the target itself (a += b[:, None]), or -1 */
} Leaf;

typedef struct Expr {
    int nleaves;
    Leaf leaves[MAX_LEAVES];
    int nd;                    /* the loop's dimensions */
    LLVMValueRef shape[64];
    bool flat;                 /* the current loop is the flat one: flat_i indexes every operand */
    bool unstretched;          /* with unit: no operand is stretched along the last dimension at
                                * run time (unit_nests), so none reads it through a select */
    int stretched_one;         /* with unit: 1 + the one operand that may be stretched and is, or 0 */
    bool unit;                 /* the current nest reads and writes the innermost dimension at
                                * the item size (checked at run time): constant, so it vectorises */
    LLVMValueRef flat_i, *idx;
    int root;                  /* value id of the expression (or -1: store a leaf as is) */
    const Type *out_t;         /* the array written */
    LLVMValueRef out;
    int scalar_dt;             /* for a root -1: the element operand is leaves[0] */
    int where;                 /* value id of a ufunc's where= mask, or -1 */
    bool as;                   /* the root computes ufunc as_bid in as_dt (one output of np.divmod ...) */
    int as_bid, as_dt;
    LLVMValueRef flat_ok;      /* cg_expr_open: an i1, every leaf C-contiguous of the loop's shape */
    LLVMValueRef gvec[MAX_LEAVES];   /* per leaf: its elements of the group L->egroup (group_elem) */
    unsigned gserial[MAX_LEAVES];    /* which group gvec holds (L->egroup.serial) */
    int nsubst;
    CgSubst subst[MAX_LEAVES]; /* values read as other arrays (a[m] read as a, lower_masked.c) */
} Expr;

static LLVMValueRef unaliased(Lower *L, const Type *tt, LLVMValueRef target, const Type **vtp, LLVMValueRef v, bool same_ok);

static int add_leaf(Lower *L, Expr *E, int id, const Type *t, LLVMValueRef v) {
    for (int i = 0; i < E->nleaves; i++)
        if (id >= 0 && E->leaves[i].id == id) return 0;
    if (E->nleaves == MAX_LEAVES) return ctx_error(L->ctx, DIAG_UNSUPPORTED, L->fn, L->loc, "array expression has too many operands");
    Leaf *lf = &E->leaves[E->nleaves++];
    lf->id = id;
    lf->t = t;
    lf->v = v;
    lf->col = false;
    lf->stretched_last = NULL;
    return 0;
}

/* An operand's type; a bound method (a.clip(...)) stands for its receiver. */
static const Type *operand_type(Lower *L, int id) {
    const Type *t = L->ti->vtypes[id];
    return t->kind == TY_METHOD ? t->recv : t;
}

static const Type *promotion_type(Lower *L, int id) {   /* a NumPy scalar strong (typeinfer/npscalar.c) */
    const Type *t = operand_type(L, id);
    return ty_is_number(t) ? ti_promotion_type(L->ti, id) : t;
}

/* NumPy 2 (NEP 50) converts a Python int meeting an integer array to the array's dtype and
 * raises OverflowError when it does not fit (uint8 array + 300, uint8 array - (-1)), before any
 * element is computed, also for an empty array. An int scalar here is such a weak int. */
static void weak_int_fits(Lower *L, LLVMValueRef v, int dt) {
    const DTypeInfo *d = &ty_dtypes[dt];
    if ((d->kind != 'i' && d->kind != 'u') || dt == DT_INT64) return;
    int bits = 8 * d->size;
    long long lo = d->kind == 'u' ? 0 : -(1LL << (bits - 1));
    long long hi = d->kind == 'u' ? (bits == 64 ? INT64_MAX : (1LL << bits) - 1) : (1LL << (bits - 1)) - 1;
    LLVMValueRef out = LLVMBuildOr(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, v, i64c(L, lo), ""),
                                   LLVMBuildICmp(L->b, LLVMIntSGT, v, i64c(L, hi), ""), "");
    char msg[64];
    snprintf(msg, sizeof msg, "Python integer out of bounds for %s", d->name);
    cg_raise_if(L, out, "builtins:OverflowError", msg);
}

/* The dtype value `id` computes in: its type's, but for a ufunc writing out= of another dtype
 * the ufunc's own (np.add(i8, i8, out=f64) adds int8 values, then converts). */
static int expr_dtype(Lower *L, Expr *E, int id) {
    Instr *in = L->fn->instrs[id];
    if (E->as && id == E->root) return E->as_dt;
    if (writes_out(L, in)) return L->ti->calls[id]->dtype;
    return operand_type(L, id)->dtype;
}

/* Gathers the leaves of the expression rooted at `id`, testing its weak ints on the way. */
static int collect(Lower *L, Expr *E, int id) {
    Instr *in = L->fn->instrs[id];
    for (int i = 0; i < E->nsubst; i++)
        if (E->subst[i].id == id) return add_leaf(L, E, id, E->subst[i].t, E->subst[i].v);
    if (!L->fused[id] && id != E->root) return add_leaf(L, E, id, operand_type(L, id), L->vals[id]);
    int ops[8], n = ew_operands(L, in, ops);
    CallInfo *ci = in->op == IR_CALL ? L->ti->calls[in->id] : NULL;
    bool weak_ints = in->op == IR_BINOP || (ci && ti_is_ufunc(ci->builtin));   /* not np.where or np.clip */
    for (int k = 0; k < n; k++) {
        if (weak_ints && operand_type(L, ops[k]) == ty_int64)
            weak_int_fits(L, L->vals[ops[k]], expr_dtype(L, E, id));
        if (collect(L, E, ops[k])) return -1;
    }
    return 0;
}

static Leaf *leaf_of(Expr *E, int id) {
    for (int i = 0; i < E->nleaves; i++)
        if (E->leaves[i].id == id) return &E->leaves[i];
    return NULL;
}

static LLVMValueRef leaf_ptr(Lower *L, Expr *E, Leaf *lf) {
    if (E->flat) {
        LLVMValueRef off = LLVMBuildMul(L->b, E->flat_i, i64c(L, ty_dtypes[lf->t->dtype].size), "");
        return cg_gep8(L, lf->data, off);
    }
    LLVMValueRef off = i64c(L, 0);
    int shift = E->nd - lf->t->ndim;
    for (int k = 0; k < lf->t->ndim; k++) {
        LLVMValueRef st = E->unit && k == lf->t->ndim - 1 ? i64c(L, lf->col ? 0 : ty_dtypes[lf->t->dtype].size) : lf->estr[k];
        LLVMValueRef step = LLVMBuildMul(L->b, E->idx[k + shift], st, "");
        if (E->unit && !E->unstretched && k == lf->t->ndim - 1 && !lf->col && lf->stretched_last)   /* a column at run time: index 0 */
            step = E->stretched_one == lf - E->leaves + 1 ? i64c(L, 0) : LLVMBuildSelect(L->b, lf->stretched_last, i64c(L, 0), step, "");
        off = LLVMBuildAdd(L->b, off, step, "");
    }
    return cg_gep8(L, lf->data, off);
}

static LLVMValueRef eval_op(Lower *L, Expr *E, Instr *in, LLVMValueRef *x, const Type **xt, int dt);

/* Leaf lf's element k of the group L->egroup (lower_pairwise.c sums a lane in groups of 8 floats
 * or 4 complex, element by element), or NULL to load it alone. Where the lane runs along lf's
 * memory at its item size (the flat index, or the last axis with constant steps, lf not
 * stretched along it), element 0 loads the whole group as one vector and each element is a lane
 * of it. Loaded one by one, the SLP vectoriser rebuilt the groups: a complex product z * w needs
 * w's real and imaginary parts each twice ([wr0, wr0, wr1, wr1, ...]), and it gathered them
 * (vgatherqpd, 4 per group) where a shuffle of one load does. An operand's loads come before its
 * node's code, so element 0's load dominates the group's other elements. */
static LLVMValueRef group_elem(Lower *L, Expr *E, Leaf *lf) {
    int lanes = L->egroup.lanes, k = L->egroup.k, i = (int)(lf - E->leaves), dt = lf->t->dtype;
    if (lanes < 2 || lf->t->ndim == 0 || lf->col || !(E->flat || (E->unit && (!lf->stretched_last || E->unstretched))))
        return NULL;
    LLVMTypeRef et = cg_elem_llvm(L, dt);
    bool cplx = LLVMGetTypeKind(et) == LLVMStructTypeKind;
    LLVMTypeRef part = cplx ? LLVMStructGetTypeAtIndex(et, 0) : et;
    unsigned parts = cplx ? 2 : 1;
    if (!k) {
        E->gvec[i] = LLVMBuildLoad2(L->b, LLVMVectorType(part, (unsigned)lanes * parts), leaf_ptr(L, E, lf), "group");
        LLVMSetAlignment(E->gvec[i], (unsigned)ty_dtypes[dt].size / parts);
        E->gserial[i] = L->egroup.serial;
    } else if (!E->gvec[i] || E->gserial[i] != L->egroup.serial) {
        return NULL;
    }
    LLVMValueRef x = LLVMGetUndef(et);
    if (!cplx) x = LLVMBuildExtractElement(L->b, E->gvec[i], i64c(L, k), "");
    for (unsigned j = 0; cplx && j < 2; j++)
        x = LLVMBuildInsertValue(L->b, x, LLVMBuildExtractElement(L->b, E->gvec[i], i64c(L, (long long)(2 * k + (int)j)), ""), j, "");
    return elem_canonical(L, dt, x);
}

/* A node's int64 value x wrapped to its narrow integer dtype dt, as NumPy's int8 * int8 gives
 * int8: a value read again (a sum of the expression, a division, a comparison) must not see the
 * bits its array would not hold. Stored at once, the truncation folds into the store. */
static LLVMValueRef wrap_narrow_int(Lower *L, LLVMValueRef x, int dt) {
    const DTypeInfo *d = &ty_dtypes[dt];
    if ((d->kind != 'i' && d->kind != 'u') || d->size == 8 || LLVMTypeOf(x) != L->i64) return x;
    LLVMValueRef t = LLVMBuildTrunc(L->b, x, LLVMIntTypeInContext(L->c, 8 * (unsigned)d->size), "");
    return d->kind == 'i' ? LLVMBuildSExt(L->b, t, L->i64, "") : LLVMBuildZExt(L->b, t, L->i64, "");
}

LLVMValueRef cg_wrap_dtype(Lower *L, LLVMValueRef x, int dt) {
    if (dt == DT_FLOAT32 && LLVMTypeOf(x) == L->f64) return cg_f32_narrow(L, x);
    if (dt == DT_COMPLEX64 && LLVMTypeOf(x) == L->c128) return cg_c64_narrow(L, x);
    return wrap_narrow_int(L, x, dt);
}

/* The element of value `id` at the loop's current position, as the canonical scalar of its
 * element type. */
static LLVMValueRef eval(Lower *L, Expr *E, int id) {
    const Type *t = operand_type(L, id);
    Leaf *lf = leaf_of(E, id);
    if (lf) {
        if (t->kind != TY_ARRAY) return lf->v;
        LLVMValueRef g = group_elem(L, E, lf);
        return g ? g : cg_load_elem(L, t->dtype, leaf_ptr(L, E, lf));
    }
    Instr *in = L->fn->instrs[id];
    int ops[8], n = ew_operands(L, in, ops);
    LLVMValueRef x[8];
    const Type *xt[8];
    for (int k = 0; k < n; k++) {
        x[k] = eval(L, E, ops[k]);
        const Type *ot = operand_type(L, ops[k]);
        xt[k] = ot->kind == TY_ARRAY ? ty_scalar_of(ot->dtype) : ot;
    }
    int dt = expr_dtype(L, E, id);
    const Type *ct = ty_scalar_of(dt);
    /* float32 and complex64 compute at their own width (lower_f32.c): the operands round to the
     * dtype the node computes in (a comparison's: its operands' common dtype; np.where's
     * condition and np.ldexp's exponent stay), and so does the result */
    CallInfo *ci = in->op == IR_CALL ? L->ti->calls[id] : NULL;
    bool compare = in->op == IR_CMP || (ci && ti_is_ufunc(ci->builtin) && ti_ufunc_compare(ci->builtin) >= 0);
    int odt = compare ? ti_result_dtype(promotion_type(L, ops[0]), promotion_type(L, ops[1])) : dt;
    if (odt >= 0 && cg_is_narrow_float(odt))
        for (int k = ci && ci->builtin == BI_NP_WHERE; k < n - (ci && ci->builtin == BI_NP_LDEXP); k++)
            x[k] = cg_f32_round(L, x[k], &xt[k], odt);
    return wrap_narrow_int(L, cg_f32_round(L, eval_op(L, E, in, x, xt, dt), &ct, dt), dt);
}

/* a // d or a % d of int64 elements by a constant d >= 3 that is not a power of two, floored as
 * Python and NumPy floor, in operations the vectoriser widens: with s = a >> 63, t = a ^ s is
 * a, or -a - 1 for a negative a (never negative), and floor(a / d) = floor(t / d) ^ s.
 * floor(t / d) for t < 2**63 is the high half of t * m shifted right by l - 1, l = ceil(log2 d),
 * m = ceil(2**(63 + l) / d) (m d - 2**(63 + l) < d <= 2**l bounds the error below 1 / d), and
 * that high half is made of four 32 x 32-bit products (vpmuludq): AVX-512 has no 64-bit high
 * multiply, so LLVM kept `a // 7` scalar, 2.0x NumPy's time. NULL: not such a division. */
static LLVMValueRef div_by_const(Lower *L, int op, LLVMValueRef a, LLVMValueRef b) {
    if ((op != IRB_FLOORDIV && op != IRB_MOD) || !LLVMIsAConstantInt(b) || LLVMTypeOf(a) != L->i64) return NULL;
    long long d = LLVMConstIntGetSExtValue(b);
    if (d < 3 || (d & (d - 1)) == 0) return NULL;
    int l = 0;
    while (l < 63 && (1ULL << l) < (unsigned long long)d) l++;
    unsigned __int128 m = (((unsigned __int128)1 << (63 + l)) + (unsigned __int128)d - 1) / (unsigned __int128)d;
    uint64_t m64 = (uint64_t)m;
    LLVMValueRef lo32 = i64c(L, 0xffffffffLL), c32 = i64c(L, 32);
    LLVMValueRef sign = LLVMBuildAShr(L->b, a, i64c(L, 63), ""), t = LLVMBuildXor(L->b, a, sign, "");
    LLVMValueRef al = LLVMBuildAnd(L->b, t, lo32, ""), ah = LLVMBuildLShr(L->b, t, c32, "");
    LLVMValueRef ml = i64c(L, (long long)(m64 & 0xffffffffu)), mh = i64c(L, (long long)(m64 >> 32));
    LLVMValueRef ll = LLVMBuildMul(L->b, al, ml, ""), lh = LLVMBuildMul(L->b, al, mh, "");
    LLVMValueRef hl = LLVMBuildMul(L->b, ah, ml, ""), hh = LLVMBuildMul(L->b, ah, mh, "");
    LLVMValueRef mid = LLVMBuildAdd(L->b, LLVMBuildAdd(L->b, LLVMBuildLShr(L->b, ll, c32, ""), LLVMBuildAnd(L->b, lh, lo32, ""), ""),
                                    LLVMBuildAnd(L->b, hl, lo32, ""), "");
    LLVMValueRef hi = LLVMBuildAdd(L->b, LLVMBuildAdd(L->b, hh, LLVMBuildLShr(L->b, lh, c32, ""), ""),
                                   LLVMBuildAdd(L->b, LLVMBuildLShr(L->b, hl, c32, ""), LLVMBuildLShr(L->b, mid, c32, ""), ""), "");
    LLVMValueRef q = LLVMBuildXor(L->b, LLVMBuildLShr(L->b, hi, i64c(L, l - 1), ""), sign, "");
    return op == IRB_FLOORDIV ? q : LLVMBuildSub(L->b, a, LLVMBuildMul(L->b, q, b, ""), "");
}

/* Node `in` of dtype dt on its operands' elements x (of types xt). */
static LLVMValueRef eval_op(Lower *L, Expr *E, Instr *in, LLVMValueRef *x, const Type **xt, int dt) {
    int id = in->id;
    const Type *ct = ty_scalar_of(dt);
    switch (in->op) {
    case IR_BINOP: {
        bool shift = in->imm == IRB_LSHIFT || in->imm == IRB_RSHIFT;
        const Type *opt = shift && ct != ty_uint64 ? ty_int64 : ct;
        if (ct == ty_bool && (in->imm == IRB_ADD || in->imm == IRB_MUL)) {   /* bool + bool is or */
            return in->imm == IRB_ADD ? LLVMBuildOr(L->b, x[0], x[1], "") : LLVMBuildAnd(L->b, x[0], x[1], "");
        }
        LLVMValueRef a = cg_cast(L, x[0], xt[0], opt), b = cg_cast(L, x[1], xt[1], shift ? ty_int64 : opt);
        if (in->imm == IRB_POW && dt == DT_FLOAT32 && !ty_is_int(L->ti->vtypes[in->args[1]]))
            return cg_f32_call(L, "llvm.pow.f64", (LLVMValueRef[2]){a, b}, 2);
        if (in->imm == IRB_MUL && dt == DT_COMPLEX64) return cg_c64_mul(L, a, b);
        if (in->imm == IRB_TRUEDIV && dt == DT_COMPLEX64) return cg_complex_div(L, a, b, dt);
        if (in->imm == IRB_POW && dt == DT_COMPLEX64) {   /* NumPy's z ** 2 and z ** -1 are np.square and np.reciprocal */
            if (cg_is_const_complex(b, 2)) return cg_c64_mul(L, a, a);
            if (cg_is_const_complex(b, -1)) return cg_complex_reciprocal(L, a, dt);
            LLVMValueRef r = cg_c64_power(L, a, b);
            if (r) return r;
        }
        LLVMValueRef r = opt == ty_int64 ? div_by_const(L, in->imm, a, b) : NULL;
        if (r) return r;
        L->numpy_sem = true;
        L->f32_elems = dt == DT_FLOAT32;   /* (a32 ** 3: products in float32) */
        r = cg_binop(L, in->imm, a, b, opt, in);
        L->numpy_sem = L->f32_elems = false;
        return cg_cast(L, r, opt, ct);
    }
    case IR_UNOP:
        if (in->imm == IRU_INVERT && ct == ty_bool) return LLVMBuildNot(L->b, x[0], "");
        return cg_unop(L, in->imm, cg_cast(L, x[0], xt[0], ct), ct, ct);
    case IR_CMP: {
        return cg_cmp_values(L, in->imm, x[0], xt[0], x[1], xt[1]);
    }
    case IR_CALL: {
        CallInfo *ci = L->ti->calls[id];
        if (ci->builtin == BI_NP_WHERE) {
            LLVMValueRef c = cg_truth(L, x[0], xt[0]);
            return LLVMBuildSelect(L->b, c, cg_cast(L, x[1], xt[1], ct), cg_cast(L, x[2], xt[2], ct), "");
        }
        if (ci->builtin == BI_NP_CLIP) return cg_clip_scalar(L, x, xt, dt);
        L->numpy_sem = true;
        LLVMValueRef r = cg_ufunc_scalar(L, E->as && id == E->root ? E->as_bid : ci->builtin, x, xt, dt);
        L->numpy_sem = false;
        return r;
    }
    default:
        return LLVMGetPoison(cg_type(L, ct));
    }
}

static void store_out(Lower *L, Expr *E, LLVMValueRef p) {
    LLVMValueRef v;
    const Type *vt_;
    if (E->root >= 0) {
        v = eval(L, E, E->root);
        int dt = expr_dtype(L, E, E->root);
        vt_ = ty_scalar_of(dt);
        if (dt != E->out_t->dtype && ty_dtypes[dt].size < ty_dtypes[ty_dtype_of_scalar(vt_)].size) {   /* wraps as dt first */
            LLVMValueRef slot = cg_entry_alloca(L, L->c128, "narrow");
            cg_store_elem(L, dt, slot, v, vt_);
            v = cg_load_elem(L, dt, slot);
        }
        if (E->where >= 0) {   /* where= False keeps out's element */
            const Type *wt = operand_type(L, E->where);
            LLVMValueRef keep = LLVMBuildNot(L->b, cg_truth(L, eval(L, E, E->where), wt->kind == TY_ARRAY ? ty_bool : wt), "");
            const Type *ot = ty_scalar_of(E->out_t->dtype);
            v = LLVMBuildSelect(L->b, keep, cg_load_elem(L, E->out_t->dtype, p), cg_cast(L, v, vt_, ot), "");
            vt_ = ot;
        }
    } else {   /* an assignment: one operand */
        Leaf *lf = &E->leaves[0];
        if (lf->t->kind == TY_ARRAY) {
            v = cg_load_elem(L, lf->t->dtype, leaf_ptr(L, E, lf));
            vt_ = ty_scalar_of(lf->t->dtype);
        } else {
            v = lf->v;
            vt_ = lf->t;
        }
    }
    cg_store_elem(L, E->out_t->dtype, p, v, vt_);
}

static void flat_body(Lower *L, LLVMValueRef *idx, void *env) {
    Expr *E = env;
    E->flat = true;
    E->flat_i = idx[0];
    LLVMValueRef p = cg_gep8(L, cg_arr_data(L, E->out), LLVMBuildMul(L->b, idx[0], i64c(L, ty_dtypes[E->out_t->dtype].size), ""));
    store_out(L, E, p);
}

static void nest_body(Lower *L, LLVMValueRef *idx, void *env) {
    Expr *E = env;
    E->flat = false;
    E->idx = idx;
    if (!E->unit) {
        store_out(L, E, cg_elem_ptr(L, E->out_t, E->out, idx));
        return;
    }
    const Type *t = E->out_t;
    LLVMValueRef off = LLVMBuildMul(L->b, idx[t->ndim - 1], i64c(L, ty_dtypes[t->dtype].size), "");
    for (int k = 0; k < t->ndim - 1; k++)
        off = LLVMBuildAdd(L->b, off, LLVMBuildMul(L->b, idx[k], cg_arr_stride(L, t, E->out, k), ""), "");
    store_out(L, E, cg_gep8(L, cg_arr_data(L, E->out), off));
}

/* Whether every array operand and the target step the innermost dimension by their item size
 * (an i1; NULL where it cannot help): views such as u[1:-1, :-2] are 'A' to typing, their
 * strides known only at run time, and the strides of a broadcast operand are chosen at run
 * time (0 along a stretched dimension) even where typing says C; a loop over byte strides it
 * cannot see does not vectorise. A column (Leaf.col: x[:, None], a keepdims result) is read at
 * index 0 of its last dimension instead, a value the inner loop hoists:
 * aa[:, None] + bb[None, :] - 2.0 * d is a broadcast load, two vector loads and the arithmetic. */
static LLVMValueRef unit_inner(Lower *L, Expr *E) {
    const Type *ot = E->out_t;
    if (E->nd < 1 || ot->ndim != E->nd) return NULL;
    LLVMValueRef esz = i64c(L, ty_dtypes[ot->dtype].size);
    LLVMValueRef ok = LLVMBuildICmp(L->b, LLVMIntEQ, cg_arr_stride(L, ot, E->out, ot->ndim - 1), esz, "");
    return LLVMBuildAnd(L->b, ok, cg_expr_last_unit(L, E), "");
}

/* Whether element k of a shape, an [nd x i64] value, is the constant 1 where it was built
 * (an insertvalue chain or a constant). */
static bool shape_elem_one(LLVMValueRef sh, unsigned k) {
    for (int depth = 0; sh && depth < 64; depth++) {
        if (LLVMIsAConstant(sh)) {
            LLVMValueRef e = LLVMIsAConstantAggregateZero(sh) || LLVMIsAUndefValue(sh) ? NULL : LLVMGetAggregateElement(sh, k);
            return e && LLVMIsAConstantInt(e) && LLVMConstIntGetZExtValue(e) == 1;
        }
        if (!LLVMIsAInsertValueInst(sh) || LLVMGetNumIndices(sh) != 1) return false;
        if (LLVMGetIndices(sh)[0] == k) {
            LLVMValueRef e = LLVMGetOperand(sh, 1);
            return LLVMIsAConstantInt(e) && LLVMConstIntGetZExtValue(e) == 1;
        }
        sh = LLVMGetOperand(sh, 0);
    }
    return false;
}

/* Whether dimension k of array value v is 1 by construction, seen through the insertvalues
 * that built it (cg_make_array: a newaxis view, a keepdims result). */
static bool dim_is_one(LLVMValueRef v, unsigned k) {
    for (int depth = 0; v && depth < 64; depth++) {
        if (LLVMIsAConstant(v) || !LLVMIsAInsertValueInst(v)) return false;
        unsigned n = LLVMGetNumIndices(v);
        const unsigned *ix = LLVMGetIndices(v);
        if (ix[0] == 3 && n == 1) return shape_elem_one(LLVMGetOperand(v, 1), k);
        if (ix[0] == 3 && n == 2 && ix[1] == k) {
            LLVMValueRef e = LLVMGetOperand(v, 1);
            return LLVMIsAConstantInt(e) && LLVMConstIntGetZExtValue(e) == 1;
        }
        v = LLVMGetOperand(v, 0);
    }
    return false;
}

static int position(Instr *in);

/* The array value leaf `lf` holds as it was built: a variable read in the block that stored it
 * is the value of the last store before the read (nothing else writes a local that no closure
 * captures); else lf->v. */
static LLVMValueRef built_value(Lower *L, Leaf *lf) {
    Instr *in = lf->id >= 0 ? L->fn->instrs[lf->id] : NULL;
    if (!in || in->op != IR_LOADVAR) return lf->v;
    for (int i = 0; i < L->fn->ninstrs; i++) {
        Instr *x = L->fn->instrs[i];
        if (x && x->op == IR_CELLREF && x->imm == in->imm) return lf->v;
    }
    for (int k = position(in) - 1; k >= 0; k--) {
        Instr *x = in->block->instrs[k];
        if ((x->op == IR_STOREVAR || x->op == IR_DELVAR) && x->imm == in->imm)
            return x->op == IR_STOREVAR && L->vals[x->args[0]] ? L->vals[x->args[0]] : lf->v;
    }
    return lf->v;
}

/* E's loop nest: over the whole shape, or (lo non-NULL) over rows [lo, lo + count) of the
 * outermost dimension, each row running the inner dimensions whole (a parallel chunk). */
typedef struct RowEnv {
    Expr *E;
    LLVMValueRef i0;   /* the outermost index */
} RowEnv;

static void row_body(Lower *L, LLVMValueRef *idx, void *env) {
    RowEnv *R = env;
    LLVMValueRef full[64];
    full[0] = R->i0;
    for (int k = 1; k < R->E->nd; k++) full[k] = idx[k - 1];
    nest_body(L, full, R->E);
}

static void nest_loops(Lower *L, Expr *E, LLVMValueRef lo, LLVMValueRef count) {
    if (!lo) {
        cg_loop_nest(L, E->nd, E->shape, nest_body, E);
        return;
    }
    LoopCtx lc;
    RowEnv R = {.E = E};
    R.i0 = LLVMBuildNSWAdd(L->b, lo, cg_loop_begin(L, &lc, count), "");
    cg_loop_nest(L, E->nd - 1, E->shape + 1, row_body, &R);
    cg_loop_end(L, &lc);
}

/* The unit-stride nest. An operand whose last dimension may be stretched at run time (its
 * stretched_last not a constant) reads it at select(stretched, 0, j * itemsize), which LLVM
 * unswitches for one such operand but not reliably for more (x[i, :] * w + b: three selects, the
 * vector loop gathering element by element, 2.7x slower than one without; with two, 15-20%
 * slower in rows of 64). So where there are any, the nest comes twice: without the selects
 * where none is stretched (the usual case), with them where one is (a column passed in: x / s
 * with s of shape (n, 1)); where only one operand may be, it is the stretched one there, read
 * at index 0 without a select. body emits the loops (with E->unit set) and may be called twice:
 * the unit-stride nest of an assignment, a fused reduction's loops (lower_reduce.c). */
void cg_expr_unit_twins(Lower *L, CgExpr *E, void (*body)(Lower *, void *), void *env) {
    LLVMValueRef none = NULL;
    int n = 0, one = 0;
    for (int i = 0; i < E->nleaves; i++) {
        Leaf *lf = &E->leaves[i];
        if (lf->t->kind != TY_ARRAY || lf->t->ndim == 0 || lf->col || !lf->stretched_last || LLVMIsAConstantInt(lf->stretched_last))
            continue;
        LLVMValueRef no = LLVMBuildNot(L->b, lf->stretched_last, "");
        none = none ? LLVMBuildAnd(L->b, none, no, "") : no;
        n++;
        one = i + 1;
    }
    E->unit = true;
    if (none) {
        LLVMBasicBlockRef fb = LLVMAppendBasicBlockInContext(L->c, L->func, "unit.whole");
        LLVMBasicBlockRef sb = LLVMAppendBasicBlockInContext(L->c, L->func, "unit.stretched");
        LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "unit.done");
        LLVMBuildCondBr(L->b, none, fb, sb);
        LLVMPositionBuilderAtEnd(L->b, fb);
        E->unstretched = true;
        body(L, env);
        E->unstretched = false;
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, sb);
        E->stretched_one = n == 1 ? one : 0;   /* then it is stretched here: read at index 0 */
        body(L, env);
        E->stretched_one = 0;
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, join);
    } else {
        body(L, env);
    }
    E->unit = false;
}

typedef struct NestArgs { Expr *E; LLVMValueRef lo, count; } NestArgs;

static void nest_loops_of(Lower *L, void *env) {
    NestArgs *a = env;
    nest_loops(L, a->E, a->lo, a->count);
}

static void unit_nests(Lower *L, Expr *E, LLVMValueRef lo, LLVMValueRef count) {
    NestArgs a = {E, lo, count};
    cg_expr_unit_twins(L, E, nest_loops_of, &a);
}

/* The nest (nest_loops) with the inner strides unit_inner's test allows: unit an i1 (a twin
 * with constant inner strides where it holds, the strided nest where not), the constant true
 * (the unit-stride nest alone: C operands of the loop's ndim) or NULL (the strided nest). The
 * serial loops and the chunks of parallel=True share it. */
static void run_nest(Lower *L, Expr *E, LLVMValueRef unit, LLVMValueRef lo, LLVMValueRef count) {
    E->unit = false;
    if (!unit) {
        nest_loops(L, E, lo, count);
        return;
    }
    if (LLVMIsAConstantInt(unit) && LLVMConstIntGetZExtValue(unit)) {
        unit_nests(L, E, lo, count);
        return;
    }
    LLVMBasicBlockRef ub = LLVMAppendBasicBlockInContext(L->c, L->func, "unit");
    LLVMBasicBlockRef sb = LLVMAppendBasicBlockInContext(L->c, L->func, "strides");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "nestdone");
    LLVMBuildCondBr(L->b, unit, ub, sb);
    LLVMPositionBuilderAtEnd(L->b, ub);
    unit_nests(L, E, lo, count);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, sb);
    nest_loops(L, E, lo, count);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
}

/* The unit argument of run_nest for E: with flat_ok (every operand C of the loop's ndim), each
 * steps its last dimension by its item size or is stretched along it (read at index 0:
 * stretched_last), so the unit-stride nest is the nest (not for a 0-d expression, nor one stored
 * into another shape); else unit_inner's run-time test. */
static LLVMValueRef nest_unit(Lower *L, Expr *E, bool flat_ok) {
    if (flat_ok) return E->nd > 0 && E->out_t->ndim == E->nd ? LLVMConstInt(L->i1, 1, 0) : NULL;
    return unit_inner(L, E);
}

/* ---- array expressions on threads (parallel=True) ---------------------------------------- *
 * run_expr's loops outlined into `<symbol>.arrayexpr(env, lo, hi, partial)`: over the flat index
 * when every operand is contiguous in the result's order (C, or F for an F result) with its shape,
 * else over the outermost
 * dimension, each chunk running the inner dimensions whole with the serial path's nest
 * (run_nest: the unit-stride nest, or its twin beside the strided one, as run_expr chooses),
 * so a chunk reads a broadcast column or a keepdims result as the serial loop does. The caller
 * checks the broadcast, then runs the chunks (on the runner from CG_PAR_MIN_ELEMS elements,
 * else with one call). Chunks write disjoint elements: an operand overlapping the target was
 * copied already.
 *
 * env: {i1 flat, i1 unit (run_nest's test, when it is one), the target array, shape[nd], then
 * per leaf: data, its read strides and its i1 stretched_last for an array, the value for a
 * scalar}. */
static int position(Instr *in) {
    for (int k = 0; k < in->block->ninstrs; k++)
        if (in->block->instrs[k] == in) return k;
    return -1;
}

/* An earlier leaf holding the same array as leaf j (loads of one variable in one block with no
 * store to it between), SAME_TARGET where leaf j is the target array itself (an in-place
 * operator), or -1. In a chunk the optimiser cannot see through env that two pointers are equal:
 * it would read the memory once per leaf (a gather each, when strided), and a target it cannot
 * prove apart from an operand fails the vectoriser's overlap test at run time (scalar loop). */
static int same_leaf(Lower *L, Expr *E, int j) {
    Leaf *b = &E->leaves[j];
    if (b->t->kind == TY_ARRAY && b->v == E->out && b->t == E->out_t) return SAME_TARGET;
    if (b->id < 0 || b->t->kind != TY_ARRAY) return -1;
    Instr *ib = L->fn->instrs[b->id];
    for (int i = 0; i < j; i++) {
        Leaf *a = &E->leaves[i];
        if (a->id < 0 || a->t != b->t) continue;
        if (a->v == b->v) return i;
        Instr *ia = L->fn->instrs[a->id];
        if (ia->op != IR_LOADVAR || ib->op != IR_LOADVAR || ia->imm != ib->imm || ia->block != ib->block) continue;
        int from = position(ia), to = position(ib), stored = 0;
        if (from > to) { int t = from; from = to; to = t; }
        for (int k = from + 1; k < to; k++) {
            Instr *x = ia->block->instrs[k];
            stored |= x->op == IR_STOREVAR && x->imm == ia->imm;
        }
        if (!stored) return i;
    }
    return -1;
}

static LLVMTypeRef expr_env_type(Lower *L, Expr *E) {
    LLVMTypeRef *f = ctx_alloc(L->ctx, sizeof(LLVMTypeRef) * (size_t)(3 + E->nd + E->nleaves * 66));
    int n = 0;
    f[n++] = L->i1;
    f[n++] = L->i1;
    f[n++] = E->out_t ? cg_type(L, E->out_t) : L->i8;   /* none: an expression read by its user */
    for (int k = 0; k < E->nd; k++) f[n++] = L->i64;
    for (int i = 0; i < E->nleaves; i++) {
        Leaf *lf = &E->leaves[i];
        if (lf->same != -1) continue;
        if (lf->t->kind == TY_ARRAY) {
            f[n++] = L->ptr;
            for (int k = 0; k < lf->t->ndim; k++) f[n++] = L->i64;
            f[n++] = L->i1;
        } else {
            f[n++] = lf->v ? LLVMTypeOf(lf->v) : L->i8;
        }
    }
    return LLVMStructTypeInContext(L->c, f, (unsigned)n, 0);
}

/* Field *n of env: stored from *val, or (load) loaded into *val. A constant stays one in the
 * chunk (it is no function's value): `X[i] ** 2` summed in a
 * parallel function's chunks had its exponent loaded from env, and each element of the unrolled
 * pairwise sum became a power by a run-time exponent, a switch of 13 cases: 60k instructions and
 * a 10 s compile for a row norm, against 3.3k serial. */
static void env_field(Lower *L, LLVMTypeRef envt, LLVMValueRef env, unsigned *n, LLVMValueRef *val, LLVMTypeRef t,
                      bool load) {
    LLVMValueRef p = cg_field(L, envt, env, (*n)++);
    if (load && !(*val && LLVMIsAConstant(*val))) *val = LLVMBuildLoad2(L->b, t, p, "");
    else if (!load && *val) LLVMBuildStore(L->b, *val, p);
}

/* Stores E's operands into env, or (load) loads them from it into E (in a chunk). */
static void expr_env(Lower *L, Expr *E, LLVMTypeRef envt, LLVMValueRef env, bool load) {
    unsigned n = 2;   /* after the flat and unit flags */
    if (E->out_t) env_field(L, envt, env, &n, &E->out, cg_type(L, E->out_t), load);
    else n++;
    for (int k = 0; k < E->nd; k++) env_field(L, envt, env, &n, &E->shape[k], L->i64, load);
    for (int i = 0; i < E->nleaves; i++) {
        Leaf *lf = &E->leaves[i];
        if (lf->same == SAME_TARGET) {   /* read through the target's fields: it has the loop's shape */
            if (load) {
                lf->data = cg_arr_data(L, E->out);
                for (int k = 0; k < lf->t->ndim; k++) lf->estr[k] = cg_arr_stride(L, E->out_t, E->out, k);
                lf->stretched_last = LLVMConstInt(L->i1, 0, 0);
            }
            continue;
        }
        if (lf->same >= 0) {   /* read through the first one's fields */
            if (load) memcpy(lf->estr, E->leaves[lf->same].estr, sizeof lf->estr);
            if (load) lf->data = E->leaves[lf->same].data;
            if (load) lf->stretched_last = E->leaves[lf->same].stretched_last;
            continue;
        }
        if (lf->t->kind == TY_ARRAY) {
            env_field(L, envt, env, &n, &lf->data, L->ptr, load);
            for (int k = 0; k < lf->t->ndim; k++) env_field(L, envt, env, &n, &lf->estr[k], L->i64, load);
            if (!load && !lf->stretched_last) lf->stretched_last = LLVMConstInt(L->i1, 0, 0);   /* a 0-d operand */
            env_field(L, envt, env, &n, &lf->stretched_last, L->i1, load);
        } else {
            env_field(L, envt, env, &n, &lf->v, lf->v ? LLVMTypeOf(lf->v) : L->i8, load);
        }
    }
}

/* flat: whether the flat loop may run (an i1), or NULL where the layouts rule it out; unit:
 * run_nest's argument for the rows. */
static void run_expr_parallel(Lower *L, Expr *E, LLVMValueRef flat, LLVMValueRef unit) {
    for (int i = 0; i < E->nleaves; i++) E->leaves[i].same = same_leaf(L, E, i);
    LLVMTypeRef envt = expr_env_type(L, E);
    LLVMValueRef env = cg_entry_alloca(L, envt, "exprenv");
    LLVMBuildStore(L->b, flat ? flat : LLVMConstInt(L->i1, 0, 0), cg_field(L, envt, env, 0));
    bool unit_test = unit && !LLVMIsAConstant(unit);   /* a run-time test: it travels in env */
    if (unit_test) LLVMBuildStore(L->b, unit, cg_field(L, envt, env, 1));
    expr_env(L, E, envt, env, false);
    LLVMValueRef total = i64c(L, 1);
    for (int k = 0; k < E->nd; k++) total = LLVMBuildMul(L->b, total, E->shape[k], "");

    Lower C_, *C = &C_;
    cg_chunk_begin(L, C, "arrayexpr");
    Expr *I = ctx_alloc(L->ctx, sizeof *I);
    *I = *E;
    LLVMValueRef cenv = LLVMGetParam(C->func, 0), lo = LLVMGetParam(C->func, 1), hi = LLVMGetParam(C->func, 2);
    LLVMValueRef count = LLVMBuildSub(C->b, hi, lo, "");
    expr_env(C, I, envt, cenv, true);
    LLVMValueRef cunit = unit_test ? LLVMBuildLoad2(C->b, C->i1, cg_field(C, envt, cenv, 1), "unit") : unit;
    LLVMBasicBlockRef nb = LLVMAppendBasicBlockInContext(C->c, C->func, "strided");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(C->c, C->func, "exprdone");
    LoopCtx lc;
    if (flat) {   /* [lo, hi) of the flat index */
        LLVMBasicBlockRef fb = LLVMAppendBasicBlockInContext(C->c, C->func, "flat");
        LLVMBuildCondBr(C->b, LLVMBuildLoad2(C->b, C->i1, cg_field(C, envt, cenv, 0), "flat"), fb, nb);
        LLVMPositionBuilderAtEnd(C->b, fb);
        LLVMValueRef i = LLVMBuildNSWAdd(C->b, lo, cg_loop_begin(C, &lc, count), "");
        flat_body(C, &i, I);
        cg_loop_end(C, &lc);
        LLVMBuildBr(C->b, join);
    } else {
        LLVMBuildBr(C->b, nb);
    }
    LLVMPositionBuilderAtEnd(C->b, nb);   /* rows [lo, hi) of the outermost dimension */
    run_nest(C, I, cunit, lo, count);
    LLVMBuildBr(C->b, join);
    LLVMPositionBuilderAtEnd(C->b, join);
    LLVMValueRef body = cg_chunk_end(C);

    LLVMValueRef n = flat ? LLVMBuildSelect(L->b, flat, total, E->shape[0], "") : E->shape[0];
    LLVMValueRef big = LLVMBuildICmp(L->b, LLVMIntSGE, total, i64c(L, CG_PAR_MIN_ELEMS), "");
    cg_run_chunks(L, body, env, n, big, NULL, NULL);
}

/* Whether extents a and b are the same value: one value, or the same element read twice out of
 * the same array (cg_arr_shape builds a new extractvalue each time it is asked). */
static bool same_extent(LLVMValueRef a, LLVMValueRef b) {
    for (int depth = 0; depth < 4; depth++) {
        if (a == b) return true;
        if (!LLVMIsAExtractValueInst(a) || !LLVMIsAExtractValueInst(b) || LLVMGetNumIndices(a) != 1 ||
            LLVMGetNumIndices(b) != 1 || LLVMGetIndices(a)[0] != LLVMGetIndices(b)[0])
            return false;
        a = LLVMGetOperand(a, 0);
        b = LLVMGetOperand(b, 0);
    }
    return false;
}

/* Sets each array leaf's data and the strides it is read with, broadcast to E->shape (0 along a
 * dimension of length 1 it is stretched over; ValueError where it does not broadcast). Returns
 * whether every leaf has E's shape (an i1); *flat_ok becomes false where the types rule out
 * reading every leaf by one flat index (every leaf contiguous in `order`, 'C' or 'F'). */
static LLVMValueRef bind_leaves(Lower *L, Expr *E, char order, bool *flat_ok) {
    LLVMValueRef same = LLVMConstInt(L->i1, 1, 0);
    for (int i = 0; i < E->nleaves; i++) {
        Leaf *lf = &E->leaves[i];
        if (lf->t->kind != TY_ARRAY) continue;
        lf->data = cg_arr_data(L, lf->v);
        lf->col = lf->t->ndim > 0 && dim_is_one(built_value(L, lf), (unsigned)(lf->t->ndim - 1));
        int shift = E->nd - lf->t->ndim;
        if (lf->t->layout != order || lf->t->ndim != E->nd) *flat_ok = false;
        for (int k = 0; k < lf->t->ndim; k++) {
            LLVMValueRef n = cg_arr_shape(L, lf->v, k), want = E->shape[k + shift];
            if (same_extent(n, want)) {   /* the extent the loop's shape was taken from: not stretched,
                                           * by construction (so the loops come once: no twin for a
                                           * stretched operand, no strided twin of the flat loop) */
                lf->estr[k] = cg_arr_stride(L, lf->t, lf->v, k);
                if (k == lf->t->ndim - 1) lf->stretched_last = LLVMConstInt(L->i1, 0, 0);
                continue;
            }
            LLVMValueRef one = LLVMBuildICmp(L->b, LLVMIntEQ, n, i64c(L, 1), "");
            LLVMValueRef eq = LLVMBuildICmp(L->b, LLVMIntEQ, n, want, "");
            cg_raise_if(L, LLVMBuildNot(L->b, LLVMBuildOr(L->b, one, eq, ""), ""), "builtins:ValueError",
                        "operands could not be broadcast together");
            same = LLVMBuildAnd(L->b, same, eq, "");
            LLVMValueRef stretched = LLVMBuildAnd(L->b, one, LLVMBuildNot(L->b, eq, ""), "");
            lf->estr[k] = LLVMBuildSelect(L->b, stretched, i64c(L, 0), cg_arr_stride(L, lf->t, lf->v, k), "");
            if (k == lf->t->ndim - 1) lf->stretched_last = stretched;
        }
    }
    return same;
}

/* Where the last two dimensions of the loop are one run of memory for the target and every
 * operand (the outer one's stride is the inner one's times its length, as in u[1:-1, 1:-1, :]
 * of a C array), loops over them as one: E->shape becomes (..., 1, n1 * n2) at run time, with
 * the inner strides unchanged, so a short last axis (points in 3-d, RGB pixels) makes one long
 * inner loop instead of many loops of a few trips. As NumPy's iterator coalesces dimensions. A
 * column leaf (Leaf.col, read at index 0 of the last dimension by the unit nest) takes part
 * only where it is constant along both. */
static void merge_last_dims(Lower *L, Expr *E) {
    int nd = E->nd;
    const Type *ot = E->out_t;
    if (nd < 2 || ot->ndim != nd) return;
    LLVMValueRef n1 = E->shape[nd - 1], n2 = E->shape[nd - 2];
    LLVMValueRef ok = LLVMBuildICmp(L->b, LLVMIntEQ, cg_arr_stride(L, ot, E->out, nd - 2),
                                    LLVMBuildMul(L->b, cg_arr_stride(L, ot, E->out, nd - 1), n1, ""), "");
    for (int i = 0; i < E->nleaves; i++) {
        Leaf *lf = &E->leaves[i];
        int d = lf->t->kind == TY_ARRAY ? lf->t->ndim : 0;
        if (d == 0) continue;
        LLVMValueRef outer = d >= 2 ? lf->estr[d - 2] : i64c(L, 0), inner = lf->estr[d - 1];
        LLVMValueRef run = LLVMBuildICmp(L->b, LLVMIntEQ, outer, LLVMBuildMul(L->b, inner, n1, ""), "");
        if (lf->col) run = LLVMBuildAnd(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, outer, i64c(L, 0), ""), lf->stretched_last, "");
        ok = LLVMBuildAnd(L->b, ok, run, "");
    }
    E->shape[nd - 2] = LLVMBuildSelect(L->b, ok, i64c(L, 1), n2, "");
    E->shape[nd - 1] = LLVMBuildSelect(L->b, ok, LLVMBuildMul(L->b, n1, n2, ""), n1, "");
}

/* Broadcast every array operand to E->shape (set the strides it is read with) and run the
 * loops writing E->out. */
static void run_expr(Lower *L, Expr *E) {
    char order = E->out_t->layout;   /* the flat loop runs every operand in this memory order */
    bool flat_ok = order == 'C' || (order == 'F' && E->out_t->ndim == E->nd);
    LLVMValueRef same = bind_leaves(L, E, order, &flat_ok);
    LLVMValueRef unit = nest_unit(L, E, flat_ok && order == 'C');
    if (cg_threads(L) && E->nd > 0) {
        run_expr_parallel(L, E, flat_ok ? same : NULL, unit);
        return;
    }
    if (!flat_ok) {
        merge_last_dims(L, E);
        run_nest(L, E, unit, NULL, NULL);
        return;
    }
    LLVMValueRef total = i64c(L, 1);
    for (int k = 0; k < E->nd; k++) total = LLVMBuildMul(L->b, total, E->shape[k], "");
    if (LLVMIsAConstantInt(same) && LLVMConstIntGetZExtValue(same)) {   /* every operand has the loop's shape */
        cg_loop_nest(L, 1, &total, flat_body, E);
        return;
    }
    LLVMBasicBlockRef fb = LLVMAppendBasicBlockInContext(L->c, L->func, "flat");
    LLVMBasicBlockRef nb = LLVMAppendBasicBlockInContext(L->c, L->func, "strided");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "exprdone");
    LLVMBuildCondBr(L->b, same, fb, nb);
    LLVMPositionBuilderAtEnd(L->b, fb);
    cg_loop_nest(L, 1, &total, flat_body, E);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, nb);
    run_nest(L, E, unit, NULL, NULL);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
}

/* The broadcast shape of the array operands into E->shape[0..nd). */
static void broadcast_shape(Lower *L, Expr *E) {
    for (int k = 0; k < E->nd; k++) E->shape[k] = i64c(L, 1);
    for (int i = 0; i < E->nleaves; i++) {
        Leaf *lf = &E->leaves[i];
        if (lf->t->kind != TY_ARRAY) continue;
        int shift = E->nd - lf->t->ndim;
        for (int k = 0; k < lf->t->ndim; k++) {
            LLVMValueRef n = cg_arr_shape(L, lf->v, k), cur = E->shape[k + shift];
            if (LLVMIsAConstantInt(cur) && LLVMConstIntGetZExtValue(cur) == 1) E->shape[k + shift] = n;   /* the first */
            else if (!same_extent(n, cur))
                E->shape[k + shift] = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, n, i64c(L, 1), ""), cur, n, "");
        }
    }
}

/* Runs E into an existing array, E->out (out=, or the view an expression is assigned to), whose
 * shape the operands broadcast to. An operand overlapping it otherwise than element for element
 * (np.add(a, b, out=a[1:]), a[1:] = a[:-1] + 1) is read from a copy, as NumPy does; the target
 * itself (np.multiply(z, z, z), a[:] = a * 2) is read as written. */
static void run_into(Lower *L, Expr *E) {
    for (int i = 0; i < E->nleaves; i++) {
        Leaf *lf = &E->leaves[i];
        if (lf->t->kind == TY_ARRAY) lf->v = unaliased(L, E->out_t, E->out, &lf->t, lf->v, true);
    }
    for (int k = 0; k < E->nd; k++) E->shape[k] = cg_arr_shape(L, E->out, k);
    run_expr(L, E);
}

/* An elementwise instruction with an array result: a new array, or (a op= b) the left operand. */
LLVMValueRef cg_array_expr(Lower *L, Instr *in) {
    const Type *t = L->ti->vtypes[in->id];
    Expr *E = ctx_alloc(L->ctx, sizeof *E);
    E->root = in->id;
    E->where = -1;
    if (collect(L, E, in->id)) return NULL;
    E->nd = t->ndim;
    if (writes_out(L, in)) {   /* np.add(a, b, out=o, where=m): into o, which the inputs broadcast to */
        CallInfo *ci = L->ti->calls[in->id];
        int po = ti_ufunc_param(ci, 0), pw = ti_ufunc_param(ci, 1);
        E->out_t = ci->params[po];
        E->out = L->vals[in->args[ci->argmap[po]]];
        if (pw >= 0) {
            E->where = in->args[ci->argmap[pw]];
            if (add_leaf(L, E, E->where, operand_type(L, E->where), L->vals[E->where])) return NULL;
        }
        run_into(L, E);
        return E->out;
    }
    if (in->op == IR_BINOP && in->imm2) {   /* in place: the target is the left operand */
        E->out_t = L->ti->vtypes[in->args[0]];
        E->out = L->vals[in->args[0]];
        /* an operand overlapping the target (a += a[::-1]) is read from a copy, as NumPy does;
         * the target itself is read element by element as it is written, which is safe */
        for (int i = 0; i < E->nleaves; i++) {
            Leaf *lf = &E->leaves[i];
            if (lf->t->kind == TY_ARRAY && lf->id != in->args[0])
                lf->v = cg_unaliased(L, E->out_t, E->out, &lf->t, lf->v);
        }
        for (int k = 0; k < E->nd; k++) E->shape[k] = cg_arr_shape(L, E->out, k);
        run_expr(L, E);
        return E->out;
    }
    broadcast_shape(L, E);
    E->out_t = t;
    E->out = cg_alloc_array(L, t, E->shape);
    run_expr(L, E);
    return E->out;
}

/* target[...] = the fused expression `id` (assigned_into_view), target a view of type tt: the
 * expression written straight into it (run_into), its operands broadcast to the target's shape
 * (NumPy's ValueError where one does not) and converted on store as an assignment converts;
 * every element is computed from the old values, as from NumPy's temporary. */
static void assign_expr(Lower *L, int id, const Type *tt, LLVMValueRef target) {
    Expr *E = ctx_alloc(L->ctx, sizeof *E);
    E->root = id;
    E->where = -1;
    if (collect(L, E, id)) return;
    E->nd = tt->ndim;
    E->out_t = tt;
    E->out = target;
    run_into(L, E);
}

/* One output of a ufunc with two (np.divmod, np.frexp) on arrays: the call's operands through
 * ufunc bid computing in dtype dt, into a new array of type t. */
LLVMValueRef cg_array_expr_as(Lower *L, Instr *in, int bid, int dt, const Type *t) {
    Expr *E = ctx_alloc(L->ctx, sizeof *E);
    E->root = in->id;
    E->where = -1;
    E->as = true;
    E->as_bid = bid;
    E->as_dt = dt;
    if (collect(L, E, in->id)) return NULL;
    E->nd = t->ndim;
    broadcast_shape(L, E);
    E->out_t = t;
    E->out = cg_alloc_array(L, t, E->shape);
    run_expr(L, E);
    return E->out;
}

/* ---- array expressions read element by element ------------------------------------------ *
 * A reduction fed by an array expression (lower_reduce.c) or a masked assignment
 * (lower_masked.c) reads the expression's elements where it needs them instead of from a
 * temporary array: cg_expr_open gathers the operands of the fused value `id` and binds them to
 * the loop shape, cg_expr_at evaluates the element at a position. subst (n pairs) names values
 * read as other arrays: a[m] read as a, at the mask's positions. */
CgExpr *cg_expr_open(Lower *L, int id, int nd, LLVMValueRef *shape, const CgSubst *subst, int nsubst) {
    Expr *E = ctx_alloc(L->ctx, sizeof *E);
    E->root = id;
    E->where = -1;
    E->nsubst = nsubst;
    if (nsubst > MAX_LEAVES) {
        ctx_error(L->ctx, DIAG_UNSUPPORTED, L->fn, L->loc, "array expression has too many operands");
        return NULL;
    }
    if (nsubst) memcpy(E->subst, subst, sizeof *subst * (size_t)nsubst);
    if (collect(L, E, id)) return NULL;
    E->nd = nd;
    if (shape) memcpy(E->shape, shape, sizeof(LLVMValueRef) * (size_t)nd);
    else broadcast_shape(L, E);
    bool flat_ok = true;
    E->flat_ok = bind_leaves(L, E, 'C', &flat_ok);
    if (!flat_ok || L->ti->vtypes[id]->ndim != nd) E->flat_ok = LLVMConstInt(L->i1, 0, 0);
    return E;
}

LLVMValueRef cg_expr_dim(CgExpr *E, int k) { return E->shape[k]; }

/* An opened expression read in a chunk (a parallel reduction of it): the caller stores E's
 * operands and shape into an env of cg_expr_env_type with cg_expr_env_store; the chunk gets its
 * own CgExpr reading them with cg_expr_env_load (run_expr_parallel's env, without a target). */
LLVMTypeRef cg_expr_env_type(Lower *L, CgExpr *E) {
    for (int i = 0; i < E->nleaves; i++) E->leaves[i].same = same_leaf(L, E, i);
    return expr_env_type(L, E);
}

void cg_expr_env_store(Lower *L, CgExpr *E, LLVMTypeRef envt, LLVMValueRef env) { expr_env(L, E, envt, env, false); }

CgExpr *cg_expr_env_load(Lower *C, CgExpr *E, LLVMTypeRef envt, LLVMValueRef env) {
    Expr *I = ctx_alloc(C->ctx, sizeof *I);
    *I = *E;
    I->unit = false;
    expr_env(C, I, envt, env, true);
    return I;
}

/* i1: every operand is C-contiguous of the loop's shape, so one flat index reads them all. */
LLVMValueRef cg_expr_flat_ok(CgExpr *E) { return E->flat_ok; }

/* i1: every array operand's last stride is its item size (where it holds, cg_expr_unit_twins
 * reads with the item size as the inner step, as run_nest's unit twin does). */
LLVMValueRef cg_expr_last_unit(Lower *L, CgExpr *E) {
    LLVMValueRef ok = LLVMConstInt(L->i1, 1, 0);
    for (int i = 0; i < E->nleaves; i++) {
        Leaf *lf = &E->leaves[i];
        if (lf->t->kind != TY_ARRAY || lf->t->ndim == 0 || lf->col) continue;   /* a column is read at index 0 */
        LLVMValueRef esz = i64c(L, ty_dtypes[lf->t->dtype].size);
        LLVMValueRef unit = LLVMBuildICmp(L->b, LLVMIntEQ, lf->estr[lf->t->ndim - 1], esz, "");
        if (lf->stretched_last) unit = LLVMBuildOr(L->b, unit, lf->stretched_last, "");
        ok = LLVMBuildAnd(L->b, ok, unit, "");
    }
    return ok;
}

/* The element at position idx of the loop shape (flat: idx[0] is the flat index), as the
 * canonical scalar of the expression's dtype. */
LLVMValueRef cg_expr_at(Lower *L, CgExpr *E, LLVMValueRef *idx, bool flat) {
    E->flat = flat;
    E->flat_i = idx[0];
    E->idx = idx;
    return eval(L, E, E->root);
}

/* Does node id of E call a maths function on each element (exp, log, sin, a float power, ...),
 * not an instruction (sqrt, fabs, floor, min and max, fma)? */
static bool calls_maths(Lower *L, Expr *E, int id) {
    if (id < 0 || leaf_of(E, id)) return false;
    Instr *in = L->fn->instrs[id];
    if (maths_call(L, in)) return true;
    int ops[8], n = ew_operands(L, in, ops);
    for (int k = 0; k < n; k++)
        if (calls_maths(L, E, ops[k])) return true;
    return false;
}

/* Whether a sum of E's elements (lower_pairwise.c) computes them into a buffer by a loop of their
 * own before adding them: where the current nest reads an operand with steps known only at run
 * time (z.real * z.imag: the sum's groups gathered element by element, 0.79 ms for 10^6 against
 * 0.23 buffered), where complex operands give a real element (np.abs(z): SLP left the square
 * roots scalar, 1.03 ms against 0.38), or where a maths function is called on each element (the
 * loop calls libmvec's vector exp, the sum's groups called exp eight times: np.exp(x).sum() 3.7
 * ms for 10^6, NumPy's 0.96). Elsewhere the groups build well from their elements, and a
 * buffer's stores cost more than they save (np.sum(x * x) 0.089 -> 0.125 ms). */
bool cg_expr_buffers_sums(Lower *L, CgExpr *E) {
    if (!E->unit && !E->flat) return true;
    if (E->root < 0 || ty_dtypes[operand_type(L, E->root)->dtype].kind == 'c') return false;
    if (calls_maths(L, E, E->root)) return true;
    for (int i = 0; i < E->nleaves; i++)
        if (E->leaves[i].t->kind == TY_ARRAY && ty_dtypes[E->leaves[i].t->dtype].kind == 'c') return true;
    return false;
}

/* The whole expression into a new array of its type (what its own lowering would make). */
LLVMValueRef cg_expr_materialize(Lower *L, CgExpr *E) {
    const Type *t = L->ti->vtypes[E->root];
    E->out_t = t;
    E->out = cg_alloc_array(L, t, E->shape);
    run_expr(L, E);
    return E->out;
}

/* Evaluate an elementwise call on scalars only (np.sqrt(2.0)). */
LLVMValueRef cg_ufunc_call_scalar(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *xt[8];
    for (int i = 0; i < ci->nparams; i++) xt[i] = types[i];
    if (ci->builtin == BI_NP_WHERE)
        return LLVMBuildSelect(L->b, cg_truth(L, args[0], xt[0]), cg_cast(L, args[1], xt[1], ci->ret),
                               cg_cast(L, args[2], xt[2], ci->ret), "");
    if (ci->builtin == BI_NP_CLIP) return cg_clip_scalar(L, args, xt, ty_dtype_of_scalar(ci->ret));
    L->numpy_sem = true;
    LLVMValueRef r = cg_ufunc_scalar(L, ci->builtin, args, xt, cg_f32_scalar(L, in) ? DT_FLOAT32 : ty_dtype_of_scalar(ci->ret));
    L->numpy_sem = false;
    return r;
}

/* The lowest and one-past-highest byte an array's elements occupy. */
static void extent(Lower *L, const Type *t, LLVMValueRef a, LLVMValueRef *lo, LLVMValueRef *hi) {
    LLVMValueRef l = i64c(L, 0), h = i64c(L, ty_dtypes[t->dtype].size), empty = LLVMConstInt(L->i1, 0, 0);
    for (int k = 0; k < t->ndim; k++) {
        LLVMValueRef n = cg_arr_shape(L, a, k);
        empty = LLVMBuildOr(L->b, empty, LLVMBuildICmp(L->b, LLVMIntEQ, n, i64c(L, 0), ""), "");
        LLVMValueRef span = LLVMBuildMul(L->b, LLVMBuildSub(L->b, n, i64c(L, 1), ""), cg_arr_stride(L, t, a, k), "");
        LLVMValueRef neg = LLVMBuildICmp(L->b, LLVMIntSLT, span, i64c(L, 0), "");
        l = LLVMBuildAdd(L->b, l, LLVMBuildSelect(L->b, neg, span, i64c(L, 0), ""), "");
        h = LLVMBuildAdd(L->b, h, LLVMBuildSelect(L->b, neg, i64c(L, 0), span, ""), "");
    }
    LLVMValueRef base = LLVMBuildPtrToInt(L->b, cg_arr_data(L, a), L->i64, "");
    *lo = LLVMBuildAdd(L->b, base, l, "");
    *hi = LLVMBuildSelect(L->b, empty, *lo, LLVMBuildAdd(L->b, base, h, ""), "");
}

static void assign_array(Lower *L, const Type *tt, LLVMValueRef target, const Type *vt_, LLVMValueRef v);

/* target[...] = value with broadcasting, target an array (view) of type tt. When the value's
 * memory overlaps the target's (a[:] = a[::-1]) it is copied first, as NumPy does. */
void cg_assign_array(Lower *L, const Type *tt, LLVMValueRef target, const Type *vt_, LLVMValueRef v) {
    if (vt_->kind == TY_ARRAY) v = cg_unaliased(L, tt, target, &vt_, v);
    assign_array(L, tt, target, vt_, v);
}

/* The value to read when writing into target: v itself, or a copy when their memory overlaps
 * (NumPy reads the whole value before writing). *vt_ becomes the type of what is returned. */
LLVMValueRef cg_unaliased(Lower *L, const Type *tt, LLVMValueRef target, const Type **vtp, LLVMValueRef v) {
    return unaliased(L, tt, target, vtp, v, false);
}

/* v, or a copy where it overlaps target otherwise than element for element (same_ok below). */
LLVMValueRef cg_unaliased_same_ok(Lower *L, const Type *tt, LLVMValueRef target, const Type **vtp, LLVMValueRef v) {
    return unaliased(L, tt, target, vtp, v, true);
}

/* Whether arrays a and b (of one ndim) are the same view: the same data, shape and strides. */
LLVMValueRef cg_same_view(Lower *L, const Type *at, LLVMValueRef a, const Type *bt, LLVMValueRef b) {
    LLVMValueRef same = LLVMBuildICmp(L->b, LLVMIntEQ, cg_arr_data(L, a), cg_arr_data(L, b), "");
    for (int k = 0; k < at->ndim; k++) {
        same = LLVMBuildAnd(L->b, same, LLVMBuildICmp(L->b, LLVMIntEQ, cg_arr_shape(L, a, k), cg_arr_shape(L, b, k), ""), "");
        same = LLVMBuildAnd(L->b, same, LLVMBuildICmp(L->b, LLVMIntEQ, cg_arr_stride(L, at, a, k), cg_arr_stride(L, bt, b, k), ""), "");
    }
    return same;
}

/* same_ok: no copy either where v is the target itself (same data, shape and strides), each
 * element read before it is written. */
static LLVMValueRef unaliased(Lower *L, const Type *tt, LLVMValueRef target, const Type **vtp, LLVMValueRef v, bool same_ok) {
    const Type *vt_ = *vtp;
    LLVMValueRef tl, th, vl, vh;
    extent(L, tt, target, &tl, &th);
    extent(L, vt_, v, &vl, &vh);
    LLVMValueRef overlap = LLVMBuildAnd(L->b, LLVMBuildICmp(L->b, LLVMIntULT, tl, vh, ""),
                                        LLVMBuildICmp(L->b, LLVMIntULT, vl, th, ""), "");
    if (same_ok && vt_->ndim == tt->ndim && vt_->dtype == tt->dtype)
        overlap = LLVMBuildAnd(L->b, overlap, LLVMBuildNot(L->b, cg_same_view(L, vt_, v, tt, target), ""), "");
    const Type *ct = ty_array(vt_->dtype, vt_->ndim, 'A', false);
    LLVMValueRef slot = cg_entry_alloca(L, cg_type(L, ct), "src");
    LLVMBuildStore(L->b, v, slot);
    LLVMBasicBlockRef copy = LLVMAppendBasicBlockInContext(L->c, L->func, "overlap");
    LLVMBasicBlockRef go = LLVMAppendBasicBlockInContext(L->c, L->func, "assign");
    LLVMBuildCondBr(L->b, overlap, copy, go);
    LLVMPositionBuilderAtEnd(L->b, copy);
    LLVMBuildStore(L->b, cg_copy_array(L, vt_, v, ty_array(vt_->dtype, vt_->ndim, 'C', false)), slot);
    LLVMBuildBr(L->b, go);
    LLVMPositionBuilderAtEnd(L->b, go);
    *vtp = ct;
    return LLVMBuildLoad2(L->b, cg_type(L, ct), slot, "");
}

/* target[...] = value without the overlap check: the value is known not to alias. */
void cg_assign_noalias(Lower *L, const Type *tt, LLVMValueRef target, const Type *vt_, LLVMValueRef v) {
    assign_array(L, tt, target, vt_, v);
}

static void assign_array(Lower *L, const Type *tt, LLVMValueRef target, const Type *vt_, LLVMValueRef v) {
    if (vt_->kind == TY_ARRAY && vt_->ndim > tt->ndim) {   /* leading dimensions of length 1 dropped, as NumPy does */
        int extra = vt_->ndim - tt->ndim;
        LLVMValueRef ones = LLVMConstInt(L->i1, 1, 0), shape[64], strides[64];
        for (int k = 0; k < extra; k++)
            ones = LLVMBuildAnd(L->b, ones, LLVMBuildICmp(L->b, LLVMIntEQ, cg_arr_shape(L, v, k), i64c(L, 1), ""), "");
        cg_raise_unless(L, ones, "builtins:ValueError", "could not broadcast the value into the target");
        for (int k = extra; k < vt_->ndim; k++) {
            shape[k - extra] = cg_arr_shape(L, v, k);
            strides[k - extra] = cg_arr_stride(L, vt_, v, k);
        }
        const Type *dropped = ty_array(vt_->dtype, tt->ndim, 'A', false);
        v = cg_make_array(L, dropped, cg_arr_meminfo(L, v), LLVMBuildExtractValue(L->b, v, 1, ""), cg_arr_data(L, v), shape, strides);
        vt_ = dropped;
    }
    Expr *E = ctx_alloc(L->ctx, sizeof *E);
    E->root = -1;
    E->where = -1;
    add_leaf(L, E, -1, vt_, v);
    E->nd = tt->ndim;
    E->out_t = tt;
    E->out = target;
    for (int k = 0; k < E->nd; k++) E->shape[k] = cg_arr_shape(L, target, k);
    run_expr(L, E);
}

/* The element of array a (type at, any strides) at position k of its C order, as a.flat[k]
 * gives it: a negative k counts from the end, checked as a[i] is (cg_wrap_index). */
LLVMValueRef cg_flat_elem(Lower *L, const Type *at, LLVMValueRef a, LLVMValueRef k) {
    return cg_flat_at(L, at, a, cg_wrap_index(L, k, cg_array_size(L, at, a), false));
}

/* The address of element k (0 <= k, unchecked) of a in C order, whatever its strides. */
LLVMValueRef cg_flat_at(Lower *L, const Type *at, LLVMValueRef a, LLVMValueRef k) {
    LLVMValueRef off = i64c(L, 0);
    for (int d = at->ndim - 1; d >= 0; d--) {   /* the index along d: k's digit in the shape's mixed radix */
        LLVMValueRef len = cg_arr_shape(L, a, d), q = d ? LLVMBuildUDiv(L->b, k, len, "") : k;
        LLVMValueRef i = d ? LLVMBuildSub(L->b, k, LLVMBuildMul(L->b, q, len, ""), "") : k;
        off = LLVMBuildAdd(L->b, off, LLVMBuildMul(L->b, i, cg_arr_stride(L, at, a, d), ""), "");
        k = q;
    }
    return cg_gep8(L, cg_arr_data(L, a), off);
}

void cg_array_setitem(Lower *L, Instr *in) {
    if (cg_masked_setitem(L, in)) return;
    const Type *at = L->ti->vtypes[in->args[0]], *it = L->ti->vtypes[in->args[1]];
    const Type *vt_ = L->ti->vtypes[in->args[2]];
    if (cg_is_fancy(it)) {
        cg_fancy_setitem(L, in);
        return;
    }
    /* a[i] += x: the in-place operator wrote through the view a[i] (a basic index), and the
     * store of that view into itself that follows changes nothing: no copy, no loop */
    Instr *op = L->fn->instrs[in->args[2]], *read = op->op == IR_BINOP ? L->fn->instrs[op->args[0]] : NULL;
    if (read && op->imm2 && vt_->kind == TY_ARRAY && read->op == IR_GETITEM && read->args[0] == in->args[0] &&
        read->args[1] == in->args[1])
        return;
    const Type *rt = ti_array_index_type(L->ti, in, at, it);
    LLVMValueRef elem = NULL;
    LLVMValueRef view = cg_index_basic(L, at, L->vals[in->args[0]], it, L->vals[in->args[1]], in->args[1], rt, &elem);
    int vid = in->args[2];
    if (L->fused && L->fused[vid]) {   /* planned into the view (assigned_into_view) */
        if (!elem && vt_->ndim <= rt->ndim) {
            assign_expr(L, vid, rt, view);
            return;
        }
        L->vals[vid] = cg_array_expr(L, L->fn->instrs[vid]);   /* an element target, a value of more dimensions */
    }
    if (elem && vt_->kind == TY_ARRAY) {   /* R[0, 0] = np.asarray(x): a 0-d array's element */
        LLVMValueRef x = cg_elem_of_0d(L, &vt_, L->vals[in->args[2]]);
        cg_store_elem(L, at->dtype, elem, x, vt_);
        return;
    }
    if (elem) {
        cg_store_elem(L, at->dtype, elem, L->vals[in->args[2]], vt_);
        return;
    }
    LLVMValueRef v = L->vals[in->args[2]];
    if (vt_->kind == TY_TUPLE) {   /* a[i] = (x, y): the tuple as an array on the stack, then assigned */
        LLVMValueRef shape[64], strides[64];
        int nd = 0;
        long long n = 1, pos = 0;
        for (const Type *t = vt_; t->kind == TY_TUPLE; t = t->elems[0]) {
            shape[nd++] = i64c(L, t->n);
            n *= t->n;
        }
        const Type *tt = ty_array(at->dtype, nd, 'C', false);
        LLVMValueRef data = cg_entry_alloca(L, LLVMArrayType2(cg_elem_llvm(L, at->dtype), (unsigned long long)n), "tuple");
        cg_store_sequence(L, tt, data, vt_, v, &pos);
        cg_c_strides(L, at->dtype, nd, shape, strides);
        v = cg_make_array(L, tt, LLVMConstNull(L->ptr), LLVMConstNull(L->ptr), data, shape, strides);
        cg_assign_noalias(L, rt, view, tt, v);
        return;
    }
    if (vt_->kind == TY_LIST) {   /* a[1] = [i, j, 1]: as np.array of the list */
        v = cg_list_as_array(L, vt_, v);
        vt_ = ty_array(ty_dtype_of_scalar(vt_->elems[0]), 1, 'C', false);
    }
    cg_assign_array(L, rt, view, vt_, v);
}
