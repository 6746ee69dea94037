/* lower_list.c: lists in generated code: literals, items and slices, methods, operators,
 * iteration and the builtins over iterables (len, sum, min, max, any, all, sorted, list,
 * reversed).
 *
 * Value: a pointer to the list's block (types.h); its fields {len, cap, items} sit at
 * TY_BLOCK_HEADER. Reading, writing and appending are inline (an append that finds the list
 * full calls ember_rt_list_grow, which doubles the buffer); allocating and freeing call
 * runtime/list.c.
 *
 * References follow lower_array.c's rules, for any element type that holds them (arrays,
 * lists, and later strings, through ty_has_refs and cg_incref/cg_decref): a list owns one
 * reference to each element. Storing an element takes a reference (incref), overwriting or
 * removing one drops the old (decref), a list made here is a fresh value (cg_own: its slot drops
 * it at the exit). An element read out of a list is borrowed, as a view of an array is; pop()
 * hands the list's reference to its slot. Dropping a list's last reference runs its type's drop
 * function (ember.drop.<type>, one per module): decref each element, then free.
 */
#include "lower.h"
#include <string.h>

/* ---- fields ------------------------------------------------------------------------ */
static LLVMValueRef field_ptr(Lower *L, LLVMValueRef l, int k) { return cg_gep8(L, l, i64c(L, TY_BLOCK_HEADER + 8 * k)); }
static LLVMValueRef load_field(Lower *L, LLVMValueRef l, int k, LLVMTypeRef t, const char *name) {
    LLVMValueRef x = LLVMBuildLoad2(L->b, t, field_ptr(L, l, k), name);
    cg_tbaa(L, x, TBAA_LIST_FIELD);
    return x;
}
LLVMValueRef cg_list_len(Lower *L, LLVMValueRef l) { return load_field(L, l, 0, L->i64, "len"); }
static void set_len(Lower *L, LLVMValueRef l, LLVMValueRef n) { cg_tbaa(L, LLVMBuildStore(L->b, n, field_ptr(L, l, 0)), TBAA_LIST_FIELD); }
static LLVMValueRef items(Lower *L, LLVMValueRef l) { return load_field(L, l, 2, L->ptr, "items"); }
static const Type *elem_of(const Type *lt) { return lt->elems[0]; }

/* An item's type in memory: a bool is a byte holding 0 or 1, read and written as i8 (an i1 in
 * memory is a byte too, but vectors of i1 are bits: the loop vectoriser loaded i1 items one by
 * one, so a loop over a list of bools ran 9x Numba's time). */
static LLVMTypeRef mem_type(Lower *L, const Type *e) { return e == ty_bool ? L->i8 : cg_type(L, e); }

static LLVMValueRef load_at(Lower *L, const Type *e, LLVMValueRef p) {
    LLVMValueRef v = LLVMBuildLoad2(L->b, mem_type(L, e), p, "");
    cg_tbaa(L, v, TBAA_LIST_ITEM);
    return e == ty_bool ? LLVMBuildTrunc(L->b, v, L->i1, "") : v;
}

static void store_at(Lower *L, const Type *e, LLVMValueRef v, LLVMValueRef p) {
    cg_tbaa(L, LLVMBuildStore(L->b, e == ty_bool ? LLVMBuildZExt(L->b, v, L->i8, "") : v, p), TBAA_LIST_ITEM);
}

static LLVMValueRef item_ptr(Lower *L, const Type *e, LLVMValueRef base, LLVMValueRef i) {
    return LLVMBuildInBoundsGEP2(L->b, mem_type(L, e), base, &i, 1, "");
}
static LLVMValueRef load_item(Lower *L, const Type *e, LLVMValueRef l, LLVMValueRef i) {
    return load_at(L, e, item_ptr(L, e, items(L, l), i));
}

LLVMValueRef cg_list_item_at(Lower *L, const Type *e, LLVMValueRef items, LLVMValueRef i) {
    return load_at(L, e, item_ptr(L, e, items, i));
}
static LLVMValueRef itemsize(Lower *L, const Type *e) {
    return i64c(L, (long long)LLVMABISizeOfType(LLVMGetModuleDataLayout(L->m), cg_type(L, e)));
}

/* A new empty list with room for cap elements (not yet owned by a slot). */
static LLVMValueRef new_list(Lower *L, const Type *e, LLVMValueRef cap) {
    LLVMTypeRef pt[2] = {L->i64, L->i64};
    LLVMValueRef a[2] = {itemsize(L, e), cap};
    LLVMValueRef l = cg_call(L, "ember_rt_list_new", L->ptr, pt, a, 2);
    cg_raise_if(L, LLVMBuildIsNull(L->b, l, ""), NULL, NULL);
    return l;
}

/* Make room for `need` elements. */
static void reserve(Lower *L, const Type *e, LLVMValueRef l, LLVMValueRef need) {
    LLVMValueRef cap = load_field(L, l, 1, L->i64, "cap");
    LLVMBasicBlockRef grow = LLVMAppendBasicBlockInContext(L->c, L->func, "grow");
    LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(L->c, L->func, "roomy");
    cg_br_expect(L, LLVMBuildICmp(L->b, LLVMIntSGT, need, cap, ""), false, grow, ok);
    LLVMPositionBuilderAtEnd(L->b, grow);
    LLVMTypeRef pt[3] = {L->ptr, L->i64, L->i64};
    LLVMValueRef a[3] = {l, itemsize(L, e), need};
    LLVMValueRef st = cg_call(L, "ember_rt_list_grow", L->i32, pt, a, 3);
    cg_check_status(L, st);
    LLVMBuildBr(L->b, ok);
    LLVMPositionBuilderAtEnd(L->b, ok);
}

static void memmove_items(Lower *L, const Type *e, LLVMValueRef base, LLVMValueRef dst, LLVMValueRef src, LLVMValueRef n) {
    LLVMTypeRef pt[4] = {L->ptr, L->ptr, L->i64, L->i1};
    LLVMValueRef a[4] = {item_ptr(L, e, base, dst), item_ptr(L, e, base, src), LLVMBuildMul(L->b, n, itemsize(L, e), ""),
                         LLVMConstInt(L->i1, 0, 0)};
    cg_call(L, "llvm.memmove.p0.p0.i64", L->voidt, pt, a, 4);
}

/* ---- helper functions -------------------------------------------------------------- */
/* Lowering switched into the body of helper function f (internal, made on first use), and back. */
typedef struct Outer { LLVMBuilderRef b; LLVMValueRef func; LLVMBasicBlockRef entry; } Outer;

static LLVMValueRef enter_helper(Lower *L, const char *name, LLVMTypeRef ft, Outer *o) {
    LLVMValueRef f = LLVMAddFunction(L->m, name, ft);
    LLVMSetLinkage(f, LLVMInternalLinkage);
    cg_set_fn_attrs(L, f);
    *o = (Outer){L->b, L->func, L->entry_bb};
    L->b = LLVMCreateBuilderInContext(L->c);
    L->func = f;
    L->entry_bb = LLVMAppendBasicBlockInContext(L->c, f, "entry");
    LLVMPositionBuilderAtEnd(L->b, L->entry_bb);
    return f;
}

static void leave_helper(Lower *L, const Outer *o) {
    LLVMDisposeBuilder(L->b);
    L->b = o->b;
    L->func = o->func;
    L->entry_bb = o->entry;
}

/* ---- the drop function ------------------------------------------------------------- */
/* Call the drop function of heap type t on p, made on first use: void ember.drop.<t>(p), which
 * runs body (dropping the elements' references) and then free_fn; where body hands back a block
 * of t to drop next, the function drops it too, in a loop, when its count reaches zero. */
void cg_call_drop(Lower *L, LLVMValueRef p, const Type *t, DropBody body, const char *free_fn) {
    LLVMTypeRef pt = L->ptr;
    const char *name = ctx_printf(L->ctx, "ember.drop.%s", t->name);
    LLVMValueRef f = LLVMGetNamedFunction(L->m, name);
    if (!f) {
        Outer o;
        f = enter_helper(L, name, LLVMFunctionType(L->voidt, &pt, 1, 0), &o);
        LLVMBasicBlockRef loop = LLVMAppendBasicBlockInContext(L->c, f, "drop");
        LLVMBuildBr(L->b, loop);
        LLVMPositionBuilderAtEnd(L->b, loop);
        LLVMValueRef x = LLVMBuildPhi(L->b, L->ptr, "block");
        LLVMValueRef param = LLVMGetParam(f, 0);
        LLVMAddIncoming(x, &param, &L->entry_bb, 1);
        LLVMValueRef next = body(L, t, x);
        cg_call(L, free_fn, L->voidt, &pt, &x, 1);
        if (next) {   /* the next block, if this was its last reference */
            LLVMBasicBlockRef count = LLVMAppendBasicBlockInContext(L->c, f, "next");
            LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, f, "done");
            LLVMBuildCondBr(L->b, LLVMBuildIsNull(L->b, next, ""), done, count);
            LLVMPositionBuilderAtEnd(L->b, count);
            LLVMValueRef old = LLVMBuildAtomicRMW(L->b, LLVMAtomicRMWBinOpSub, next, i64c(L, 1),
                                                  LLVMAtomicOrderingAcquireRelease, 0);
            LLVMBasicBlockRef here = LLVMGetInsertBlock(L->b);
            LLVMAddIncoming(x, &next, &here, 1);
            LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, old, i64c(L, 1), ""), loop, done);
            LLVMPositionBuilderAtEnd(L->b, done);
        }
        LLVMBuildRetVoid(L->b);
        leave_helper(L, &o);
    }
    LLVMBuildCall2(L->b, LLVMGlobalGetValueType(f), f, &p, 1, "");
}

/* Elements that point to blocks (strings, containers) are prefetched for writing DROP_AHEAD
 * ahead: a list dropped in another order than its elements were made (a sorted list of words)
 * finds each element's count at a scattered address, and the atomic decrement, a full barrier,
 * waits for that cache miss before the next element's can start; prefetched, the misses overlap. */
#define DROP_AHEAD 8

static LLVMValueRef drop_items(Lower *L, const Type *t, LLVMValueRef l) {
    LoopCtx lc;
    const Type *e = elem_of(t);
    LLVMValueRef n = cg_list_len(L, l), i = cg_loop_begin(L, &lc, n);
    if ((e == ty_str || ty_is_heap(e))) {
        LLVMValueRef ahead = LLVMBuildNSWAdd(L->b, i, i64c(L, DROP_AHEAD), "");
        LLVMValueRef j = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, ahead, n, ""), ahead, i, "");
        LLVMTypeRef pt[4] = {L->ptr, L->i32, L->i32, L->i32};
        LLVMValueRef args[4] = {load_item(L, e, l, j), LLVMConstInt(L->i32, 1, 0), LLVMConstInt(L->i32, 3, 0),
                                LLVMConstInt(L->i32, 1, 0)};   /* write, keep in all caches, data */
        cg_call(L, "llvm.prefetch.p0", L->voidt, pt, args, 4);
    }
    cg_decref(L, load_item(L, e, l, i), e);
    cg_loop_end(L, &lc);
    return NULL;
}

void cg_heap_free(Lower *L, LLVMValueRef p, const Type *t) {
    if (t->kind == TY_CLASS) {
        cg_class_free(L, p, t);
        return;
    }
    if (t->kind == TY_DICT || t->kind == TY_SET) {
        cg_dict_free(L, p, t);
        return;
    }
    LLVMTypeRef pt = L->ptr;
    if (ty_has_refs(elem_of(t))) cg_call_drop(L, p, t, drop_items, "ember_rt_list_free");
    else cg_call(L, "ember_rt_list_free", L->voidt, &pt, &p, 1);
}

/* ---- making lists ------------------------------------------------------------------ */
/* An item v for the list type lt, wrapped or rounded to its sized item type (ListType[uint8]). */
static LLVMValueRef narrow_item(Lower *L, const Type *lt, LLVMValueRef v) {
    return lt->narrow[0] ? cg_wrap_dtype(L, v, lt->narrow[0]->dtype) : v;
}

/* v (of type vt_) as an item of list type lt: converted, then narrowed */
static LLVMValueRef as_item(Lower *L, const Type *lt, LLVMValueRef v, const Type *vt_) {
    return narrow_item(L, lt, cg_cast(L, v, vt_, elem_of(lt)));
}

static void store_new(Lower *L, const Type *e, LLVMValueRef p, LLVMValueRef v) {
    if (ty_has_refs(e)) v = cg_keep(L, v, e);
    store_at(L, e, v, p);
}

/* A new list (of type lt) of n values of types ts, each taking a reference: a list literal, the
 * sections of np.split. */
LLVMValueRef cg_list_of(Lower *L, const Type *lt, LLVMValueRef *vals, const Type *const *ts, int n) {
    const Type *e = elem_of(lt);
    LLVMValueRef l = new_list(L, e, i64c(L, n));
    LLVMValueRef base = n ? items(L, l) : NULL;
    for (int i = 0; i < n; i++) store_new(L, e, item_ptr(L, e, base, i64c(L, i)), as_item(L, lt, vals[i], ts[i]));
    set_len(L, l, i64c(L, n));
    return cg_own(L, l, lt);
}

LLVMValueRef cg_list_literal(Lower *L, Instr *in) {
    LLVMValueRef *vals = ctx_alloc(L->ctx, sizeof(LLVMValueRef) * (size_t)(in->nargs + 1));
    const Type **ts = ctx_alloc(L->ctx, sizeof(Type *) * (size_t)(in->nargs + 1));
    if (!vals || !ts) return NULL;
    for (int i = 0; i < in->nargs; i++) {
        vals[i] = L->vals[in->args[i]];
        ts[i] = L->ti->vtypes[in->args[i]];
    }
    return cg_list_of(L, L->ti->vtypes[in->id], vals, ts, in->nargs);
}

void cg_list_append(Lower *L, const Type *lt, LLVMValueRef l, LLVMValueRef v, const Type *vt_) {
    const Type *e = elem_of(lt);
    v = as_item(L, lt, v, vt_);
    LLVMValueRef n = cg_list_len(L, l), n1 = LLVMBuildNSWAdd(L->b, n, i64c(L, 1), "");
    reserve(L, e, l, n1);
    store_new(L, e, item_ptr(L, e, items(L, l), n), v);
    set_len(L, l, n1);
}

/* l.extend(list m), safe when m is l: the count is read first and m's items are re-read after
 * l grows. */
static void extend_list(Lower *L, const Type *e, LLVMValueRef l, LLVMValueRef m) {
    LLVMValueRef n = cg_list_len(L, m), len = cg_list_len(L, l), total = LLVMBuildNSWAdd(L->b, len, n, "");
    reserve(L, e, l, total);
    LLVMValueRef base = items(L, l), src = items(L, m);
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, n);
    store_new(L, e, item_ptr(L, e, base, LLVMBuildNSWAdd(L->b, len, i, "")),
              load_at(L, e, item_ptr(L, e, src, i)));
    cg_loop_end(L, &lc);
    set_len(L, l, total);
}

/* l.extend(any iterable) */
static void append_each(Lower *L, LLVMValueRef v, const Type *vt_, void *env) {
    struct { const Type *lt; LLVMValueRef l; } *e = env;
    cg_list_append(L, e->lt, e->l, v, vt_);
}

static void extend_iter(Lower *L, const Type *lt, LLVMValueRef l, const Type *it, LLVMValueRef x) {
    if (it->kind == TY_LIST && (!lt->narrow[0] || it->narrow[0] == lt->narrow[0])) {   /* (else each item wraps) */
        extend_list(L, elem_of(lt), l, x);
        return;
    }
    struct { const Type *lt; LLVMValueRef l; } env = {lt, l};
    cg_for_each(L, it, x, append_each, &env);
}

static LLVMValueRef copy_list(Lower *L, const Type *lt, LLVMValueRef l) {
    LLVMValueRef r = new_list(L, elem_of(lt), cg_list_len(L, l));
    extend_list(L, elem_of(lt), r, l);
    return r;
}

/* ---- indexing ---------------------------------------------------------------------- */
/* i wrapped (a negative index counts from the end) and checked: IndexError(msg) outside [0, n). */
static LLVMValueRef wrap_checked(Lower *L, LLVMValueRef i, LLVMValueRef n, const char *msg) {
    LLVMValueRef neg = cg_is_negative(L, i);
    i = LLVMBuildSelect(L->b, neg, LLVMBuildAdd(L->b, i, n, ""), i, "");
    cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntUGE, i, n, ""), "builtins:IndexError", msg);
    return i;
}

/* The elements of l that slice sl picks, as a new list. */
static LLVMValueRef slice_list(Lower *L, const Type *lt, LLVMValueRef l, const Type *st, LLVMValueRef sl) {
    const Type *e = elem_of(lt);
    LLVMValueRef start, step, n;
    cg_slice_dim(L, st, sl, cg_list_len(L, l), &start, &step, &n);
    LLVMValueRef r = new_list(L, e, n);
    LLVMValueRef src = items(L, l), dst = items(L, r);
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, n);
    LLVMValueRef j = LLVMBuildAdd(L->b, start, LLVMBuildMul(L->b, i, step, ""), "");
    store_new(L, e, item_ptr(L, e, dst, i), load_at(L, e, item_ptr(L, e, src, j)));
    cg_loop_end(L, &lc);
    set_len(L, r, n);
    return cg_own(L, r, lt);
}

LLVMValueRef cg_list_getitem(Lower *L, Instr *in) {
    const Type *lt = L->ti->vtypes[in->args[0]], *it = L->ti->vtypes[in->args[1]];
    LLVMValueRef l = L->vals[in->args[0]];
    if (it->kind == TY_SLICE) return slice_list(L, lt, l, it, L->vals[in->args[1]]);
    LLVMValueRef i = wrap_checked(L, cg_cast(L, L->vals[in->args[1]], it, ty_int64), cg_list_len(L, l), "list index out of range");
    return load_item(L, elem_of(lt), l, i);
}

/* Item i of `a, b, ... = l` (n names): ValueError as Python's when l does not hold n items. */
LLVMValueRef cg_list_unpack(Lower *L, const Type *lt, LLVMValueRef l, int i, int n) {
    LLVMValueRef len = cg_list_len(L, l);
    cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntSGT, len, i64c(L, n), ""), "builtins:ValueError", "too many values to unpack");
    cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntSLT, len, i64c(L, n), ""), "builtins:ValueError", "not enough values to unpack");
    return load_item(L, elem_of(lt), l, i64c(L, i));
}

/* Remove elements [lo, hi) (their references dropped), moving the tail down. */
static void remove_range(Lower *L, const Type *e, LLVMValueRef l, LLVMValueRef lo, LLVMValueRef hi) {
    LLVMValueRef n = cg_list_len(L, l), base = items(L, l);
    if (ty_has_refs(e)) {
        LoopCtx lc;
        LLVMValueRef i = cg_loop_begin(L, &lc, LLVMBuildSub(L->b, hi, lo, ""));
        cg_decref(L, load_at(L, e, item_ptr(L, e, base, LLVMBuildAdd(L->b, lo, i, ""))), e);
        cg_loop_end(L, &lc);
    }
    memmove_items(L, e, base, lo, hi, LLVMBuildSub(L->b, n, hi, ""));
    set_len(L, l, LLVMBuildSub(L->b, n, LLVMBuildSub(L->b, hi, lo, ""), ""));
}

/* A slice of l: its first index, step and length, and whether its step may be other than 1
 * (an extended slice: assigned and deleted item by item, below). */
static bool slice_of(Lower *L, const Type *st, LLVMValueRef sl, LLVMValueRef l, LLVMValueRef *lo, LLVMValueRef *step,
                     LLVMValueRef *len) {
    cg_slice_dim(L, st, sl, cg_list_len(L, l), lo, step, len);
    return st->n & 4;
}

/* if (step != 1) { extended } else { ...the caller goes on }: the branch to the join is returned. */
static LLVMBasicBlockRef if_extended(Lower *L, LLVMValueRef step, LLVMBasicBlockRef *join) {
    LLVMBasicBlockRef ext = LLVMAppendBasicBlockInContext(L->c, L->func, "slice.extended");
    LLVMBasicBlockRef plain = LLVMAppendBasicBlockInContext(L->c, L->func, "slice.plain");
    *join = LLVMAppendBasicBlockInContext(L->c, L->func, "slice.done");
    LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntNE, step, i64c(L, 1), ""), ext, plain);
    LLVMPositionBuilderAtEnd(L->b, ext);
    return plain;
}

/* l[lo::step] = m, len items: m must hold as many (ValueError as Python's), each replacing one. */
static void assign_extended(Lower *L, const Type *e, LLVMValueRef l, LLVMValueRef lo, LLVMValueRef step, LLVMValueRef len,
                            LLVMValueRef m) {
    cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntNE, cg_list_len(L, m), len, ""), "builtins:ValueError",
                "attempt to assign a sequence to an extended slice of another size");
    LLVMValueRef base = items(L, l), src = items(L, m);
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, len);
    LLVMValueRef p = item_ptr(L, e, base, LLVMBuildAdd(L->b, lo, LLVMBuildMul(L->b, i, step, ""), ""));
    LLVMValueRef old = load_at(L, e, p);
    store_new(L, e, p, load_at(L, e, item_ptr(L, e, src, i)));
    if (ty_has_refs(e)) cg_decref(L, old, e);
    cg_loop_end(L, &lc);
}

/* del l[lo::step], len items: the others move down in order (a negative step walks the same
 * items from the other end). */
static void delete_extended(Lower *L, const Type *e, LLVMValueRef l, LLVMValueRef lo, LLVMValueRef step, LLVMValueRef len) {
    LLVMValueRef neg = LLVMBuildICmp(L->b, LLVMIntSLT, step, i64c(L, 0), "");
    LLVMValueRef last = LLVMBuildAdd(L->b, lo, LLVMBuildMul(L->b, LLVMBuildSub(L->b, len, i64c(L, 1), ""), step, ""), "");
    lo = LLVMBuildSelect(L->b, LLVMBuildAnd(L->b, neg, LLVMBuildICmp(L->b, LLVMIntSGT, len, i64c(L, 0), ""), ""), last, lo, "");
    step = LLVMBuildSelect(L->b, neg, LLVMBuildNeg(L->b, step, ""), step, "");
    LLVMValueRef n = cg_list_len(L, l), base = items(L, l), w = cg_entry_alloca(L, L->i64, "kept");
    LLVMBuildStore(L->b, lo, w);
    LoopCtx lc;
    LLVMValueRef d = cg_loop_begin(L, &lc, LLVMBuildSub(L->b, n, lo, ""));   /* item lo + d */
    LLVMValueRef r = LLVMBuildAdd(L->b, lo, d, "");
    LLVMValueRef gone = LLVMBuildAnd(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, LLVMBuildSRem(L->b, d, step, ""), i64c(L, 0), ""),
                                     LLVMBuildICmp(L->b, LLVMIntSLT, LLVMBuildSDiv(L->b, d, step, ""), len, ""), "");
    LLVMBasicBlockRef drop = LLVMAppendBasicBlockInContext(L->c, L->func, "del.drop");
    LLVMBasicBlockRef keep = LLVMAppendBasicBlockInContext(L->c, L->func, "del.keep");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(L->c, L->func, "del.next");
    LLVMBuildCondBr(L->b, gone, drop, keep);
    LLVMPositionBuilderAtEnd(L->b, drop);
    if (ty_has_refs(e)) cg_decref(L, load_at(L, e, item_ptr(L, e, base, r)), e);
    LLVMBuildBr(L->b, next);
    LLVMPositionBuilderAtEnd(L->b, keep);
    LLVMValueRef at = LLVMBuildLoad2(L->b, L->i64, w, "");
    store_at(L, e, load_at(L, e, item_ptr(L, e, base, r)), item_ptr(L, e, base, at));
    LLVMBuildStore(L->b, LLVMBuildAdd(L->b, at, i64c(L, 1), ""), w);
    LLVMBuildBr(L->b, next);
    LLVMPositionBuilderAtEnd(L->b, next);
    cg_loop_end(L, &lc);
    set_len(L, l, LLVMBuildSub(L->b, n, len, ""));
}

void cg_list_setitem(Lower *L, Instr *in) {
    const Type *lt = L->ti->vtypes[in->args[0]], *it = L->ti->vtypes[in->args[1]], *vt_ = L->ti->vtypes[in->args[2]];
    const Type *e = elem_of(lt);
    LLVMValueRef l = L->vals[in->args[0]], v = L->vals[in->args[2]];
    if (it->kind == TY_SLICE) {   /* l[lo:hi] = m: a copy of m replaces them */
        LLVMValueRef lo, step, len, hi;
        bool extended = slice_of(L, it, L->vals[in->args[1]], l, &lo, &step, &len);
        hi = LLVMBuildAdd(L->b, lo, len, "");
        LLVMValueRef m = cg_own(L, copy_list(L, vt_, v), vt_);
        if (lt->narrow[0] && vt_->narrow[0] != lt->narrow[0]) {   /* ListType[uint8][a:b] = [300]: the copy's items wrap */
            LoopCtx nc;
            LLVMValueRef j = cg_loop_begin(L, &nc, cg_list_len(L, m)), q = item_ptr(L, e, items(L, m), j);
            store_at(L, e, narrow_item(L, lt, load_at(L, e, q)), q);
            cg_loop_end(L, &nc);
        }
        LLVMBasicBlockRef join = NULL;
        if (extended) {
            LLVMBasicBlockRef plain = if_extended(L, step, &join);
            assign_extended(L, e, l, lo, step, len, m);
            LLVMBuildBr(L->b, join);
            LLVMPositionBuilderAtEnd(L->b, plain);
        }
        remove_range(L, e, l, lo, hi);
        LLVMValueRef k = cg_list_len(L, m), n = cg_list_len(L, l), total = LLVMBuildNSWAdd(L->b, n, k, "");
        reserve(L, e, l, total);
        LLVMValueRef base = items(L, l);
        memmove_items(L, e, base, LLVMBuildAdd(L->b, lo, k, ""), lo, LLVMBuildSub(L->b, n, lo, ""));
        LLVMValueRef src = items(L, m);
        LoopCtx lc;
        LLVMValueRef i = cg_loop_begin(L, &lc, k);
        store_new(L, e, item_ptr(L, e, base, LLVMBuildAdd(L->b, lo, i, "")),
                  load_at(L, e, item_ptr(L, e, src, i)));
        cg_loop_end(L, &lc);
        set_len(L, l, total);
        if (join) {
            LLVMBuildBr(L->b, join);
            LLVMPositionBuilderAtEnd(L->b, join);
        }
        return;
    }
    LLVMValueRef i = wrap_checked(L, cg_cast(L, L->vals[in->args[1]], it, ty_int64), cg_list_len(L, l),
                                  "list assignment index out of range");
    LLVMValueRef p = item_ptr(L, e, items(L, l), i);
    v = as_item(L, lt, v, vt_);
    if (ty_has_refs(e)) {
        v = cg_keep(L, v, e);
        cg_decref(L, load_at(L, e, p), e);
    }
    store_at(L, e, v, p);
}

void cg_list_delitem(Lower *L, Instr *in) {
    const Type *lt = L->ti->vtypes[in->args[0]], *it = L->ti->vtypes[in->args[1]];
    LLVMValueRef l = L->vals[in->args[0]], lo, hi;
    if (it->kind == TY_SLICE) {
        LLVMValueRef step, len;
        if (slice_of(L, it, L->vals[in->args[1]], l, &lo, &step, &len)) {
            LLVMBasicBlockRef join, plain = if_extended(L, step, &join);
            delete_extended(L, elem_of(lt), l, lo, step, len);
            LLVMBuildBr(L->b, join);
            LLVMPositionBuilderAtEnd(L->b, plain);
            remove_range(L, elem_of(lt), l, lo, LLVMBuildAdd(L->b, lo, len, ""));
            LLVMBuildBr(L->b, join);
            LLVMPositionBuilderAtEnd(L->b, join);
            return;
        }
        hi = LLVMBuildAdd(L->b, lo, len, "");
    } else {
        lo = wrap_checked(L, cg_cast(L, L->vals[in->args[1]], it, ty_int64), cg_list_len(L, l),
                          "list assignment index out of range");
        hi = LLVMBuildAdd(L->b, lo, i64c(L, 1), "");
    }
    remove_range(L, elem_of(lt), l, lo, hi);
}

/* ---- comparisons and searching ----------------------------------------------------- */
/* a op b for two lists: the first position whose elements differ decides, else the lengths. */
LLVMValueRef cg_list_cmp(Lower *L, int op, LLVMValueRef a, const Type *ta, LLVMValueRef b, const Type *tb) {
    if (ta->kind != TY_LIST || tb->kind != TY_LIST) return LLVMConstInt(L->i1, op == IRC_NE, 0);
    const Type *ea = elem_of(ta), *eb = elem_of(tb);
    LLVMValueRef na = cg_list_len(L, a), nb = cg_list_len(L, b);
    LLVMValueRef n = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, na, nb, ""), na, nb, "");
    LLVMValueRef result = cg_entry_alloca(L, L->i1, "cmp");
    LLVMBuildStore(L->b, cg_cmp_values(L, op, na, ty_int64, nb, ty_int64), result);
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, L->func, "cmpdone");
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, n);
    LLVMValueRef x = load_item(L, ea, a, i), y = load_item(L, eb, b, i);
    LLVMValueRef same = cg_cmp_any(L, IRC_EQ, x, ea, y, eb);
    LLVMBasicBlockRef differ = LLVMAppendBasicBlockInContext(L->c, L->func, "differ");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(L->c, L->func, "same");
    LLVMBuildCondBr(L->b, same, next, differ);
    LLVMPositionBuilderAtEnd(L->b, differ);
    LLVMValueRef decided = op == IRC_EQ ? LLVMConstInt(L->i1, 0, 0) : op == IRC_NE ? LLVMConstInt(L->i1, 1, 0)
                                                                               : cg_cmp_any(L, op, x, ea, y, eb);
    LLVMBuildStore(L->b, decided, result);
    LLVMBuildBr(L->b, done);
    LLVMPositionBuilderAtEnd(L->b, next);
    cg_loop_end(L, &lc);
    LLVMBuildBr(L->b, done);
    LLVMPositionBuilderAtEnd(L->b, done);
    return LLVMBuildLoad2(L->b, L->i1, result, "");
}

/* The first index in [lo, hi) of l whose element equals x, or -1. */
static LLVMValueRef find(Lower *L, const Type *lt, LLVMValueRef l, LLVMValueRef x, const Type *xt, LLVMValueRef lo,
                         LLVMValueRef hi) {
    const Type *e = elem_of(lt);
    LLVMValueRef found = cg_entry_alloca(L, L->i64, "found");
    LLVMBuildStore(L->b, i64c(L, -1), found);
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, L->func, "founddone");
    LoopCtx lc;
    LLVMValueRef k = cg_loop_begin(L, &lc, LLVMBuildSub(L->b, hi, lo, ""));
    LLVMValueRef i = LLVMBuildAdd(L->b, lo, k, "");
    LLVMBasicBlockRef hit = LLVMAppendBasicBlockInContext(L->c, L->func, "hit");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(L->c, L->func, "miss");
    LLVMBuildCondBr(L->b, cg_cmp_any(L, IRC_EQ, load_item(L, e, l, i), e, x, xt), hit, next);
    LLVMPositionBuilderAtEnd(L->b, hit);
    LLVMBuildStore(L->b, i, found);
    LLVMBuildBr(L->b, done);
    LLVMPositionBuilderAtEnd(L->b, next);
    cg_loop_end(L, &lc);
    LLVMBuildBr(L->b, done);
    LLVMPositionBuilderAtEnd(L->b, done);
    return LLVMBuildLoad2(L->b, L->i64, found, "");
}

/* x in a, a an array of any layout: an element equal to x, looked for in C order until found
 * (Numba's: any(a == x)). */
static LLVMValueRef array_contains(Lower *L, const Type *at, LLVMValueRef a, LLVMValueRef x, const Type *xt) {
    LLVMValueRef n = cg_array_size(L, at, a);
    LLVMBasicBlockRef from = LLVMGetInsertBlock(L->b);
    LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(L->c, L->func, "in.head");
    LLVMBasicBlockRef body = LLVMAppendBasicBlockInContext(L->c, L->func, "in.body");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, L->func, "in.done");
    LLVMBuildBr(L->b, head);
    LLVMPositionBuilderAtEnd(L->b, head);
    LLVMValueRef k = LLVMBuildPhi(L->b, L->i64, "k");
    LLVMValueRef more = LLVMBuildICmp(L->b, LLVMIntSLT, k, n, "");
    LLVMBuildCondBr(L->b, more, body, done);
    LLVMPositionBuilderAtEnd(L->b, body);
    LLVMValueRef e = cg_load_elem(L, at->dtype, cg_flat_elem(L, at, a, k));
    LLVMValueRef eq = cg_cmp_any(L, IRC_EQ, e, ty_scalar_of(at->dtype), x, xt);
    LLVMValueRef next = LLVMBuildAdd(L->b, k, i64c(L, 1), "");
    LLVMBasicBlockRef body_end = LLVMGetInsertBlock(L->b);
    LLVMBuildCondBr(L->b, eq, done, head);
    LLVMValueRef ks[2] = {i64c(L, 0), next};
    LLVMBasicBlockRef kb[2] = {from, body_end};
    LLVMAddIncoming(k, ks, kb, 2);
    LLVMPositionBuilderAtEnd(L->b, done);
    return cg_phi2(L, LLVMConstInt(L->i1, 0, 0), head, LLVMConstInt(L->i1, 1, 0), body_end, "found");
}

LLVMValueRef cg_contains(Lower *L, Instr *in) {
    const Type *ct = L->ti->vtypes[in->args[0]], *xt = L->ti->vtypes[in->args[1]];
    LLVMValueRef c = L->vals[in->args[0]], x = L->vals[in->args[1]], r;
    if (ct == ty_str) return cg_str_contains(L, in);
    if (ct->kind == TY_DICT || ct->kind == TY_SET) {
        r = cg_dict_contains(L, ct, c, x, xt);
    } else if (ct->kind == TY_LIST) {
        r = LLVMBuildICmp(L->b, LLVMIntSGE, find(L, ct, c, x, xt, i64c(L, 0), cg_list_len(L, c)), i64c(L, 0), "");
    } else if (ct->kind == TY_RANGE) {
        r = cg_range_contains(L, c, x, xt);
    } else if (ct->kind == TY_ARRAY) {
        r = array_contains(L, ct, c, x, xt);
    } else {
        r = LLVMConstInt(L->i1, 0, 0);
        for (int i = 0; i < ct->n; i++)
            r = LLVMBuildOr(L->b, r, cg_cmp_any(L, IRC_EQ, LLVMBuildExtractValue(L->b, c, (unsigned)i, ""), ct->elems[i], x, xt), "");
    }
    return in->imm ? LLVMBuildNot(L->b, r, "") : r;
}

/* ---- operators --------------------------------------------------------------------- */
/* l * n as a new list (n <= 0: empty) */
static LLVMValueRef repeat(Lower *L, const Type *lt, LLVMValueRef l, LLVMValueRef n) {
    n = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, n, i64c(L, 0), ""), i64c(L, 0), n, "");
    LLVMValueRef ovf = LLVMConstInt(L->i1, 0, 0);
    LLVMValueRef total = cg_mul_size(L, cg_list_len(L, l), n, &ovf);
    cg_raise_if(L, ovf, "builtins:MemoryError", "the repeated list is too long");
    LLVMValueRef r = new_list(L, elem_of(lt), total);
    LoopCtx lc;
    cg_loop_begin(L, &lc, n);
    extend_list(L, elem_of(lt), r, l);
    cg_loop_end(L, &lc);
    return r;
}

LLVMValueRef cg_list_binop(Lower *L, Instr *in) {
    const Type *t = L->ti->vtypes[in->id], *at = L->ti->vtypes[in->args[0]], *bt = L->ti->vtypes[in->args[1]];
    LLVMValueRef a = L->vals[in->args[0]], b = L->vals[in->args[1]];
    if (in->imm == IRB_ADD && in->imm2) {   /* l += iterable: in place */
        extend_iter(L, at, a, bt, b);
        return a;
    }
    if (in->imm == IRB_ADD) {
        LLVMValueRef r = new_list(L, elem_of(t), LLVMBuildAdd(L->b, cg_list_len(L, a), cg_list_len(L, b), ""));
        extend_list(L, elem_of(t), r, a);
        extend_list(L, elem_of(t), r, b);
        return cg_own(L, r, t);
    }
    bool left = at->kind == TY_LIST;
    LLVMValueRef l = left ? a : b, n = cg_cast(L, left ? b : a, left ? bt : at, ty_int64);
    LLVMValueRef r = cg_own(L, repeat(L, t, l, n), t);
    if (!in->imm2) return r;
    /* l *= n: l's elements become r's (the references swap places with r's, which r's slot drops) */
    for (int k = 0; k < 3; k++) {
        LLVMValueRef x = LLVMBuildLoad2(L->b, L->i64, field_ptr(L, l, k), ""), y = LLVMBuildLoad2(L->b, L->i64, field_ptr(L, r, k), "");
        LLVMBuildStore(L->b, y, field_ptr(L, l, k));
        LLVMBuildStore(L->b, x, field_ptr(L, r, k));
    }
    return l;
}

/* ---- iteration --------------------------------------------------------------------- */
void cg_list_iter_init(Lower *L, const Type *lt, LLVMValueRef l, LLVMValueRef state, LLVMTypeRef st) {
    if (!L->borrow_iterable) {   /* the loop keeps the list alive even if its variable changes */
        cg_incref(L, l, lt);
        cg_own(L, l, lt);
    }
    LLVMBuildStore(L->b, l, LLVMBuildStructGEP2(L->b, st, state, 0, ""));
    LLVMBuildStore(L->b, i64c(L, 0), LLVMBuildStructGEP2(L->b, st, state, 1, ""));
    LLVMBuildStore(L->b, cg_list_len(L, l), LLVMBuildStructGEP2(L->b, st, state, 3, ""));
}

/* ---- methods and builtins ---------------------------------------------------------- */
static void reverse_in_place(Lower *L, const Type *e, LLVMValueRef l) {
    LLVMValueRef n = cg_list_len(L, l), base = items(L, l);
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, LLVMBuildSDiv(L->b, n, i64c(L, 2), ""));
    LLVMValueRef j = LLVMBuildSub(L->b, LLVMBuildSub(L->b, n, i64c(L, 1), ""), i, "");
    LLVMValueRef p = item_ptr(L, e, base, i), q = item_ptr(L, e, base, j);
    LLVMValueRef x = load_at(L, e, p), y = load_at(L, e, q);
    store_at(L, e, y, p);
    store_at(L, e, x, q);
    cg_loop_end(L, &lc);
}

/* The comparison ember_rt_list_sort orders elements of type e by: i1 ember.<less|greater>.<e>(ptr a,
 * ptr b), a < b (or a > b: reverse=True, still stable), made on first use; the runtime's own for
 * strings. */
static LLVMValueRef compare_fn(Lower *L, const Type *e, bool greater) {
    if (e == ty_str) {
        const char *fn = greater ? "ember_rt_str_greater" : "ember_rt_str_less";
        LLVMValueRef f = LLVMGetNamedFunction(L->m, fn);
        LLVMTypeRef pt[2] = {L->ptr, L->ptr};
        return f ? f : LLVMAddFunction(L->m, fn, LLVMFunctionType(L->i32, pt, 2, 0));
    }
    const char *name = ctx_printf(L->ctx, "ember.%s.%s", greater ? "greater" : "less", e->name);
    LLVMValueRef f = LLVMGetNamedFunction(L->m, name);
    if (f) return f;
    LLVMTypeRef pt[2] = {L->ptr, L->ptr};
    Outer o;
    f = enter_helper(L, name, LLVMFunctionType(L->i32, pt, 2, 0), &o);   /* (i32: C reads the whole register) */
    LLVMValueRef a = load_at(L, e, LLVMGetParam(f, 0)), b = load_at(L, e, LLVMGetParam(f, 1));
    LLVMBuildRet(L->b, LLVMBuildZExt(L->b, cg_cmp_any(L, greater ? IRC_GT : IRC_LT, a, e, b, e), L->i32, ""));
    leave_helper(L, &o);
    return f;
}

static void sort_in_place(Lower *L, const Type *e, LLVMValueRef l, LLVMValueRef reverse) {
    if (!ty_is_number(e)) {   /* strings, tuples: a stable merge sort by the generated comparison */
        LLVMTypeRef pt[3] = {L->ptr, L->i64, L->ptr};
        LLVMValueRef a[3] = {l, itemsize(L, e), LLVMBuildSelect(L->b, reverse, compare_fn(L, e, true), compare_fn(L, e, false), "")};
        cg_check_status(L, cg_call(L, "ember_rt_list_sort", L->i32, pt, a, 3));
        return;
    }
    if (e == ty_float64) {   /* NumPy's sort, but -0.0 and 0.0 in their order, and reverse=True stable too */
        LLVMTypeRef pt[3] = {L->ptr, L->i64, L->i32};
        LLVMValueRef a[3] = {items(L, l), cg_list_len(L, l), LLVMBuildZExt(L->b, reverse, L->i32, "")};
        cg_check_status(L, cg_call(L, "ember_rt_list_sort_f8", L->i32, pt, a, 3));
        return;
    }
    const char *fn = e == ty_float64 ? "ember_rt_sort_f8" : e == ty_bool ? "ember_rt_sort_b1"
                   : e == ty_uint64 ? "ember_rt_sort_u8" : "ember_rt_sort_i8";
    LLVMTypeRef pt[2] = {L->ptr, L->i64};
    LLVMValueRef a[2] = {items(L, l), cg_list_len(L, l)};
    cg_call(L, fn, L->voidt, pt, a, 2);
    LLVMBasicBlockRef rev = LLVMAppendBasicBlockInContext(L->c, L->func, "rev");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, L->func, "sorted");
    LLVMBuildCondBr(L->b, reverse, rev, done);
    LLVMPositionBuilderAtEnd(L->b, rev);
    reverse_in_place(L, e, l);
    LLVMBuildBr(L->b, done);
    LLVMPositionBuilderAtEnd(L->b, done);
}

/* sort(key=f), sorted(key=f): the pairs (f(item), i), or (f(item), -i) for reverse, sorted as
 * tuples, give the order. Positions differ, so items of equal keys keep their order both ways, as
 * Python's stable sort keeps it; then the items move into that order (their references with them). */
static void sort_by_key(Lower *L, const Type *e, LLVMValueRef l, CallInfo *kc, LLVMValueRef reverse) {
    const Type *pe[2] = {kc->ret, ty_int64};
    const Type *pt = ty_tuple(2, pe);
    LLVMValueRef n = cg_list_len(L, l);
    LLVMValueRef pairs = cg_own(L, new_list(L, pt, n), ty_list(pt));
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, n);
    LLVMValueRef args[258];
    args[0] = cg_cast(L, load_item(L, e, l, i), e, kc->params[0]);
    LLVMValueRef key = cg_call_compiled(L, kc, args);   /* a new reference, which the pair takes */
    LLVMValueRef pos = LLVMBuildSelect(L->b, reverse, LLVMBuildNeg(L->b, i, ""), i, "");
    LLVMValueRef pair = LLVMBuildInsertValue(L->b, LLVMGetUndef(cg_type(L, pt)), key, 0, "");
    LLVMBuildStore(L->b, LLVMBuildInsertValue(L->b, pair, pos, 1, ""), item_ptr(L, pt, items(L, pairs), i));
    set_len(L, pairs, LLVMBuildNSWAdd(L->b, i, i64c(L, 1), ""));   /* a raising key frees the pairs so far */
    cg_loop_end(L, &lc);
    cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntNE, cg_list_len(L, l), n, ""), "builtins:ValueError", "list modified during sort");
    sort_in_place(L, pt, pairs, reverse);
    LLVMValueRef moved = new_list(L, e, n);
    i = cg_loop_begin(L, &lc, n);
    LLVMValueRef from = LLVMBuildExtractValue(L->b, load_item(L, pt, pairs, i), 1, "");
    from = LLVMBuildSelect(L->b, reverse, LLVMBuildNeg(L->b, from, ""), from, "");
    store_at(L, e, load_item(L, e, l, from), item_ptr(L, e, items(L, moved), i));
    cg_loop_end(L, &lc);
    LLVMValueRef cp[4] = {items(L, l), items(L, moved), LLVMBuildMul(L->b, n, itemsize(L, e), ""), LLVMConstInt(L->i1, 0, 0)};
    LLVMTypeRef cpt[4] = {L->ptr, L->ptr, L->i64, L->i1};
    cg_call(L, "llvm.memcpy.p0.p0.i64", L->voidt, cpt, cp, 4);
    LLVMTypeRef lpt = L->ptr;
    cg_call(L, "ember_rt_list_free", L->voidt, &lpt, &moved, 1);   /* its length is 0: the items stay in l */
}

/* list.sort() and sorted(): by the items, or by key(item) where a key function is given */
static void sort_list(Lower *L, const Type *e, LLVMValueRef l, CallInfo *key, LLVMValueRef reverse) {
    if (key) sort_by_key(L, e, l, key, reverse);
    else sort_in_place(L, e, l, reverse);
}

/* A fold over any iterable: acc = step(acc, value) for each value. */
typedef LLVMValueRef (*FoldStep)(Lower *L, LLVMValueRef acc, LLVMValueRef v, const Type *vt_, const Type *rt);
static LLVMValueRef step_any(Lower *L, LLVMValueRef acc, LLVMValueRef v, const Type *vt_, const Type *rt);
static LLVMValueRef step_all(Lower *L, LLVMValueRef acc, LLVMValueRef v, const Type *vt_, const Type *rt);

static LLVMValueRef fold(Lower *L, const Type *it, LLVMValueRef x, LLVMValueRef init, const Type *rt, FoldStep step,
                         LLVMValueRef *count) {
    LLVMValueRef acc = cg_entry_alloca(L, cg_type(L, rt), "acc"), cnt = cg_entry_alloca(L, L->i64, "count");
    LLVMBuildStore(L->b, init, acc);
    LLVMBuildStore(L->b, i64c(L, 0), cnt);
    LLVMValueRef state = cg_iter_begin(L, it, x);
    LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(L->c, L->func, "fold");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, L->func, "folded");
    LLVMBuildBr(L->b, head);
    LLVMPositionBuilderAtEnd(L->b, head);
    LLVMValueRef v = cg_iter_next(L, it, state, done);
    LLVMValueRef c = LLVMBuildLoad2(L->b, L->i64, cnt, "");
    LLVMValueRef a = LLVMBuildLoad2(L->b, cg_type(L, rt), acc, "");
    const Type *vt_ = ti_iter_value_type(it);
    /* min/max start from the first value */
    LLVMValueRef first = LLVMBuildICmp(L->b, LLVMIntEQ, c, i64c(L, 0), "");
    if (count && !ty_is_number(rt)) {   /* strings: no comparison with the empty start */
        LLVMBasicBlockRef cmp = LLVMAppendBasicBlockInContext(L->c, L->func, "foldstep");
        LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "foldnext");
        LLVMBuildStore(L->b, cg_cast(L, v, vt_, rt), acc);
        LLVMBuildCondBr(L->b, first, join, cmp);
        LLVMPositionBuilderAtEnd(L->b, cmp);
        LLVMBuildStore(L->b, step(L, a, v, vt_, rt), acc);
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, join);
    } else {
        LLVMValueRef next = step(L, a, v, vt_, rt);
        if (count) next = LLVMBuildSelect(L->b, first, cg_cast(L, v, vt_, rt), next, "");
        LLVMBuildStore(L->b, next, acc);
        if (step == step_any || step == step_all) {   /* any and all stop at the first item that decides */
            LLVMBasicBlockRef on = LLVMAppendBasicBlockInContext(L->c, L->func, "foldon");
            LLVMBasicBlockRef stop = LLVMAppendBasicBlockInContext(L->c, L->func, "foldstop");
            LLVMBuildCondBr(L->b, step == step_any ? next : LLVMBuildNot(L->b, next, ""), stop, on);
            LLVMPositionBuilderAtEnd(L->b, stop);
            if (it->kind == TY_GENERATOR) cg_gen_iter_leave(L, it, state);
            LLVMBuildBr(L->b, done);
            LLVMPositionBuilderAtEnd(L->b, on);
        }
    }
    LLVMBuildStore(L->b, LLVMBuildAdd(L->b, c, i64c(L, 1), ""), cnt);
    LLVMBuildBr(L->b, head);
    LLVMPositionBuilderAtEnd(L->b, done);
    if (count) *count = LLVMBuildLoad2(L->b, L->i64, cnt, "");
    return LLVMBuildLoad2(L->b, cg_type(L, rt), acc, "");
}

/* min(key=f) and max(key=f): the first item whose key is least (greatest); the keys are real
 * numbers or tuples of them (held by value), computed once per item as Python does. */
static LLVMValueRef fold_keyed(Lower *L, const Type *it, LLVMValueRef x, const Type *rt, CallInfo *kc, bool least,
                               LLVMValueRef *count) {
    const Type *vt_ = ti_iter_value_type(it), *kt = kc->ret;
    LLVMValueRef best = cg_entry_alloca(L, cg_type(L, rt), "best"), bestkey = cg_entry_alloca(L, cg_type(L, kt), "bestkey");
    LLVMValueRef cnt = cg_entry_alloca(L, L->i64, "count");
    LLVMBuildStore(L->b, LLVMConstNull(cg_type(L, rt)), best);
    LLVMBuildStore(L->b, LLVMConstNull(cg_type(L, kt)), bestkey);
    LLVMBuildStore(L->b, i64c(L, 0), cnt);
    LLVMValueRef state = cg_iter_begin(L, it, x);
    LLVMBasicBlockRef head = LLVMAppendBasicBlockInContext(L->c, L->func, "keyfold");
    LLVMBasicBlockRef take = LLVMAppendBasicBlockInContext(L->c, L->func, "keytake");
    LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(L->c, L->func, "keynext");
    LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, L->func, "keyfolded");
    LLVMBuildBr(L->b, head);
    LLVMPositionBuilderAtEnd(L->b, head);
    LLVMValueRef v = cg_iter_next(L, it, state, done);
    LLVMValueRef arg = cg_cast(L, v, vt_, kc->params[0]);
    LLVMValueRef k = cg_call_compiled(L, kc, &arg);
    LLVMValueRef c = LLVMBuildLoad2(L->b, L->i64, cnt, "");
    LLVMValueRef better = cg_cmp_any(L, least ? IRC_LT : IRC_GT, k, kt, LLVMBuildLoad2(L->b, cg_type(L, kt), bestkey, ""), kt);
    LLVMBuildStore(L->b, LLVMBuildAdd(L->b, c, i64c(L, 1), ""), cnt);
    LLVMBuildCondBr(L->b, LLVMBuildOr(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, c, i64c(L, 0), ""), better, ""), take, next);
    LLVMPositionBuilderAtEnd(L->b, take);
    LLVMBuildStore(L->b, cg_cast(L, v, vt_, rt), best);
    LLVMBuildStore(L->b, k, bestkey);
    LLVMBuildBr(L->b, next);
    LLVMPositionBuilderAtEnd(L->b, next);
    LLVMBuildBr(L->b, head);
    LLVMPositionBuilderAtEnd(L->b, done);
    *count = LLVMBuildLoad2(L->b, L->i64, cnt, "");
    return LLVMBuildLoad2(L->b, cg_type(L, rt), best, "");
}

static LLVMValueRef step_sum(Lower *L, LLVMValueRef acc, LLVMValueRef v, const Type *vt_, const Type *rt) {
    return cg_binop(L, IRB_ADD, acc, cg_cast(L, v, vt_, rt), rt, L->cur);
}
static LLVMValueRef step_min(Lower *L, LLVMValueRef acc, LLVMValueRef v, const Type *vt_, const Type *rt) {
    LLVMValueRef x = cg_cast(L, v, vt_, rt);   /* Python's min keeps the first of equals and skips NaN ties */
    return LLVMBuildSelect(L->b, cg_cmp_any(L, IRC_LT, x, rt, acc, rt), x, acc, "");
}
static LLVMValueRef step_max(Lower *L, LLVMValueRef acc, LLVMValueRef v, const Type *vt_, const Type *rt) {
    LLVMValueRef x = cg_cast(L, v, vt_, rt);
    return LLVMBuildSelect(L->b, cg_cmp_any(L, IRC_GT, x, rt, acc, rt), x, acc, "");
}
static LLVMValueRef step_any(Lower *L, LLVMValueRef acc, LLVMValueRef v, const Type *vt_, const Type *rt) {
    return LLVMBuildOr(L->b, acc, cg_truth(L, v, vt_), "");
}
static LLVMValueRef step_all(Lower *L, LLVMValueRef acc, LLVMValueRef v, const Type *vt_, const Type *rt) {
    return LLVMBuildAnd(L->b, acc, cg_truth(L, v, vt_), "");
}

/* list(iterable) as a new list (not yet owned) */
static LLVMValueRef list_of(Lower *L, const Type *lt, const Type *it, LLVMValueRef x) {
    LLVMValueRef r = new_list(L, elem_of(lt), it->kind == TY_LIST ? cg_list_len(L, x) : i64c(L, 0));
    extend_iter(L, lt, r, it, x);
    return r;
}

LLVMValueRef cg_list_of_iterable(Lower *L, const Type *it, LLVMValueRef x) {
    const Type *lt = ty_list(ti_iter_value_type(it));
    return cg_own(L, list_of(L, lt, it, x), lt);
}

/* np.array(l): a new C array of l's numbers, or of its rows (ValueError unless all rows have one length) */
static LLVMValueRef np_array_of(Lower *L, const Type *at, const Type *lt, LLVMValueRef l) {
    const Type *e = elem_of(lt);
    LLVMValueRef shape[2] = {cg_list_len(L, l), i64c(L, 0)};
    bool rows = e->kind == TY_LIST;
    if (rows) {   /* the first row's length, every row checked */
        LLVMValueRef n0 = cg_entry_alloca(L, L->i64, "ncols");
        LLVMBuildStore(L->b, i64c(L, 0), n0);
        LoopCtx lc;
        LLVMValueRef i = cg_loop_begin(L, &lc, shape[0]);
        LLVMValueRef n = cg_list_len(L, load_item(L, e, l, i));
        LLVMValueRef first = LLVMBuildICmp(L->b, LLVMIntEQ, i, i64c(L, 0), "");
        LLVMValueRef want = LLVMBuildSelect(L->b, first, n, LLVMBuildLoad2(L->b, L->i64, n0, ""), "");
        cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntNE, n, want, ""), "builtins:ValueError",
                    "setting an array element with a sequence: the rows have different lengths");
        LLVMBuildStore(L->b, want, n0);
        cg_loop_end(L, &lc);
        shape[1] = LLVMBuildLoad2(L->b, L->i64, n0, "");
    }
    if (e->kind == TY_TUPLE) {   /* rows of a tuple's numbers, each converted to the array's dtype */
        shape[1] = i64c(L, e->n);
        LLVMValueRef a = cg_alloc_array(L, at, shape);
        LLVMValueRef data = cg_arr_data(L, a);
        LoopCtx lc;
        LLVMValueRef i = cg_loop_begin(L, &lc, shape[0]);
        LLVMValueRef item = load_item(L, e, l, i);
        for (int k = 0; k < e->n; k++) {
            LLVMValueRef at_k = LLVMBuildAdd(L->b, LLVMBuildMul(L->b, i, shape[1], ""), i64c(L, k), "");
            cg_store_elem(L, at->dtype, cg_gep8(L, data, LLVMBuildMul(L->b, at_k, i64c(L, ty_dtypes[at->dtype].size), "")),
                          LLVMBuildExtractValue(L->b, item, (unsigned)k, ""), e->elems[k]);
        }
        cg_loop_end(L, &lc);
        return a;
    }
    LLVMValueRef a = cg_alloc_array(L, at, shape);
    LLVMValueRef data = cg_arr_data(L, a);
    const Type *s = rows ? elem_of(e) : e;
    LLVMValueRef width = rows ? shape[1] : i64c(L, 1);
    LoopCtx lc;
    LLVMValueRef i = cg_loop_begin(L, &lc, shape[0]);
    LLVMValueRef row = rows ? load_item(L, e, l, i) : NULL;
    LoopCtx inner;
    LLVMValueRef j = cg_loop_begin(L, &inner, width);
    LLVMValueRef x = rows ? load_item(L, s, row, j) : load_item(L, s, l, i);
    LLVMValueRef k = LLVMBuildAdd(L->b, LLVMBuildMul(L->b, i, width, ""), j, "");
    cg_store_elem(L, at->dtype, cg_gep8(L, data, LLVMBuildMul(L->b, k, i64c(L, ty_dtypes[at->dtype].size), "")), x, s);
    cg_loop_end(L, &inner);
    cg_loop_end(L, &lc);
    return a;
}

LLVMValueRef cg_list_as_array(Lower *L, const Type *lt, LLVMValueRef l) {
    const Type *at = ty_array(ty_dtype_of_scalar(elem_of(lt)), 1, 'C', false);
    return np_array_of(L, at, lt, l);   /* (cg_alloc_array's: owned by the frame) */
}

LLVMValueRef cg_list_call(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types) {
    const Type *rt = ci->ret;
    int op = ci->builtin;
    if (op == LB_SAME) return L->vals[in->args[ci->argmap[0]]];   /* np.asarray(array): itself, borrowed */
    if (op == LB_NP_ARRAY) return np_array_of(L, rt, types[0], L->vals[in->args[ci->argmap[0]]]);
    if (op >= LB_SET) return cg_set_call(L, in, ci, args, types);
    if (op >= LB_DICT) return cg_dict_call(L, in, ci, args, types);
    if (op >= LB_LEN) {   /* builtins: args[0] is the iterable */
        const Type *it = ci->nparams ? types[0] : NULL;
        LLVMValueRef x = ci->nparams ? L->vals[in->args[ci->argmap[0]]] : NULL, count;
        /* sum(g) of a generator nothing else holds: its loop owns it (lower_gen.c) */
        L->gen_owned = it && it->kind == TY_GENERATOR && cg_gen_one_loop(L, L->fn->instrs[in->args[ci->argmap[0]]]);
        switch (op) {
        case LB_LEN: return it->kind == TY_LIST ? cg_list_len(L, x) : cg_dict_len(L, x);
        case LB_SUM: {
            LLVMValueRef init = ci->nparams == 2 ? args[1] : LLVMConstNull(cg_type(L, rt));
            return fold(L, it, x, init, rt, step_sum, NULL);
        }
        case LB_MIN: case LB_MAX: {
            LLVMValueRef r = ci->key ? fold_keyed(L, it, x, rt, ci->key, op == LB_MIN, &count)
                                     : fold(L, it, x, LLVMConstNull(cg_type(L, rt)), rt, op == LB_MIN ? step_min : step_max, &count);
            LLVMValueRef empty = LLVMBuildICmp(L->b, LLVMIntEQ, count, i64c(L, 0), "");
            if (ci->nparams == 2) return LLVMBuildSelect(L->b, empty, args[1], r, "");   /* default= */
            cg_raise_if(L, empty, "builtins:ValueError", op == LB_MIN ? "min() arg is an empty sequence" : "max() arg is an empty sequence");
            return r;
        }
        case LB_ANY: return fold(L, it, x, LLVMConstInt(L->i1, 0, 0), ty_bool, step_any, NULL);
        case LB_ALL: return fold(L, it, x, LLVMConstInt(L->i1, 1, 0), ty_bool, step_all, NULL);
        case LB_LIST:
            if (!x) return cg_own(L, new_list(L, elem_of(rt), i64c(L, 0)), rt);
            return cg_own(L, list_of(L, rt, it, x), rt);
        case LB_REVERSED: {
            LLVMValueRef r = cg_own(L, list_of(L, rt, it, x), rt);
            reverse_in_place(L, elem_of(rt), r);
            return r;
        }
        case LB_SORTED: {
            LLVMValueRef r = cg_own(L, list_of(L, rt, it, x), rt);
            sort_list(L, elem_of(rt), r, ci->key, args[1]);
            return r;
        }
        }
        return NULL;
    }
    const Type *lt = L->ti->vtypes[in->args[0]]->recv, *e = elem_of(lt);
    LLVMValueRef l = L->vals[in->args[0]];
    switch (op) {
    case LM_APPEND:
        cg_list_append(L, lt, l, args[0], ci->params[0]);
        break;
    case LM_EXTEND:
        extend_iter(L, lt, l, types[0], L->vals[in->args[ci->argmap[0]]]);
        break;
    case LM_INSERT: {   /* the index clamps to [0, len] */
        LLVMValueRef n = cg_list_len(L, l), i = args[0];
        i = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, i, i64c(L, 0), ""), LLVMBuildAdd(L->b, i, n, ""), i, "");
        i = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, i, i64c(L, 0), ""), i64c(L, 0), i, "");
        i = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSGT, i, n, ""), n, i, "");
        LLVMValueRef n1 = LLVMBuildAdd(L->b, n, i64c(L, 1), "");
        reserve(L, e, l, n1);
        LLVMValueRef base = items(L, l);
        memmove_items(L, e, base, LLVMBuildAdd(L->b, i, i64c(L, 1), ""), i, LLVMBuildSub(L->b, n, i, ""));
        store_new(L, e, item_ptr(L, e, base, i), narrow_item(L, lt, args[1]));
        set_len(L, l, n1);
        break;
    }
    case LM_POP: {
        LLVMValueRef n = cg_list_len(L, l);
        cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntEQ, n, i64c(L, 0), ""), "builtins:IndexError", "pop from empty list");
        LLVMValueRef i = ci->nparams ? wrap_checked(L, args[0], n, "pop index out of range") : LLVMBuildSub(L->b, n, i64c(L, 1), "");
        LLVMValueRef base = items(L, l), v = load_at(L, e, item_ptr(L, e, base, i));
        LLVMValueRef i1 = LLVMBuildAdd(L->b, i, i64c(L, 1), "");
        memmove_items(L, e, base, i, i1, LLVMBuildSub(L->b, n, i1, ""));
        set_len(L, l, LLVMBuildSub(L->b, n, i64c(L, 1), ""));
        return ty_has_refs(e) ? cg_own(L, v, e) : v;   /* the list's reference goes to the slot */
    }
    case LM_REMOVE: case LM_INDEX: {
        LLVMValueRef n = cg_list_len(L, l), lo = i64c(L, 0), hi = n;
        for (int k = 1; k < ci->nparams; k++) {   /* index(x, start, stop): clamped as slice bounds */
            LLVMValueRef b = args[k];
            b = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, b, i64c(L, 0), ""), LLVMBuildAdd(L->b, b, n, ""), b, "");
            b = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, b, i64c(L, 0), ""), i64c(L, 0), b, "");
            b = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSGT, b, n, ""), n, b, "");
            if (k == 1) lo = b;
            else hi = b;
        }
        hi = LLVMBuildSelect(L->b, LLVMBuildICmp(L->b, LLVMIntSLT, hi, lo, ""), lo, hi, "");
        LLVMValueRef i = find(L, lt, l, L->vals[in->args[ci->argmap[0]]], types[0], lo, hi);
        cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntSLT, i, i64c(L, 0), ""), "builtins:ValueError",
                    op == LM_REMOVE ? "list.remove(x): x not in list" : "value is not in list");
        if (op == LM_INDEX) return i;
        remove_range(L, e, l, i, LLVMBuildAdd(L->b, i, i64c(L, 1), ""));
        break;
    }
    case LM_COUNT: {
        LLVMValueRef cnt = cg_entry_alloca(L, L->i64, "count");
        LLVMBuildStore(L->b, i64c(L, 0), cnt);
        LoopCtx lc;
        LLVMValueRef i = cg_loop_begin(L, &lc, cg_list_len(L, l));
        LLVMValueRef eq = cg_cmp_any(L, IRC_EQ, load_item(L, e, l, i), e, L->vals[in->args[ci->argmap[0]]], types[0]);
        LLVMBuildStore(L->b, LLVMBuildAdd(L->b, LLVMBuildLoad2(L->b, L->i64, cnt, ""), LLVMBuildZExt(L->b, eq, L->i64, ""), ""), cnt);
        cg_loop_end(L, &lc);
        return LLVMBuildLoad2(L->b, L->i64, cnt, "");
    }
    case LM_CLEAR:
        remove_range(L, e, l, i64c(L, 0), cg_list_len(L, l));
        break;
    case LM_COPY:
        return cg_own(L, copy_list(L, lt, l), lt);
    case LM_REVERSE:
        reverse_in_place(L, e, l);
        break;
    case LM_SORT:
        sort_list(L, e, l, ci->key, args[0]);
        break;
    default:
        return NULL;
    }
    return LLVMConstInt(L->i8, 0, 0);   /* None */
}
