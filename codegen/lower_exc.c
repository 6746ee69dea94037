/* lower_exc.c: exceptions in generated code (DESIGN.md contract 3: errors are values).
 *
 * A raise fills the thread's error record (runtime/error.c) and fails: cg_fail goes to the
 * handler of the block being lowered when a `try` covers it, and otherwise leaves the function
 * with -1 through one block that adds the function's traceback entry. A `try` is only control
 * flow over that: the frontend gives every block inside one its handler block, whose first
 * instruction takes the exception out of the record as a value (EXCFETCH, an RtExc), and
 * `except E` tests the value's class (EXCMATCH).
 *
 * Classes are written "module:qualname|base|...|builtins:BaseException" (cg_exc_class), one
 * private global per class list in a module, so a handler's test compares the pointer with the
 * module's class lists first (decided at compile time, folded where the class is known) and
 * asks the runtime only for the others (C runtime raises, other modules).
 *
 * A raise whose handler is in the same function does not touch the record: it writes the
 * exception into the frame's `pending` slot and branches to the handler, which takes it from
 * there. With the matchers inlined, raising and catching in one function is plain control flow
 * that the optimiser sees through: no call, so a loop that raises now and then keeps its hot
 * path's registers.
 *
 * A compiled callee does the same for its caller: callers call <sym>.x (lower.c), whose last
 * parameter is where its exception goes (cg_exc_target: the caller's pending slot inside a `try`,
 * else the slot the caller itself was handed, else the record). <sym>.x raises into that slot
 * when it is not the record (the test folds once inlined), moves a failure of the C runtime
 * there, and records a traceback entry only for the record: a caller's handler takes the
 * exception from its slot, and its frames would go as they go when a handler takes it from the
 * record. Inlined into a loop with a `try`, the raise, the class test and the handler are then
 * stores and loads of the caller's frame, which LLVM turns into values and selects.
 *
 * A caught exception is a value of 23 words (RtExc). Where its args may hold strings (L->exc_refs:
 * the frame has strings or calls compiled code), it is held by pointer instead: a counted block
 * holding the RtExc (runtime/error.c, ember_rt_exc_fetch_box), which the handler's variables
 * (the except clause's own stack copies included) pass around as one pointer and one count. The
 * block's last reference drops the strings. Elsewhere it stays a plain value, which the
 * optimiser takes apart.
 */
#include "lower.h"
#include <string.h>

/* runtime/rt.h's RtExcCore {cls, msg, desc, args[TY_EXC_WORDS]} and RtExc {e, cause, cause_kind}. */
static LLVMTypeRef core_type(Lower *L) {
    LLVMTypeRef f[4] = {L->ptr, L->ptr, L->ptr, LLVMArrayType2(L->i64, TY_EXC_WORDS)};
    return LLVMStructTypeInContext(L->c, f, 4, 0);
}

LLVMTypeRef cg_exc_type(Lower *L) {
    LLVMTypeRef f[3] = {core_type(L), core_type(L), L->i32};
    return LLVMStructTypeInContext(L->c, f, 3, 0);
}

/* A caught exception's RtExc, at v (held by pointer) or in a frame slot. */
LLVMValueRef cg_exc_at(Lower *L, LLVMValueRef v) {
    if (L->exc_refs) return LLVMBuildInBoundsGEP2(L->b, L->i8, v, (LLVMValueRef[]){i64c(L, TY_BLOCK_HEADER)}, 1, "exc");
    LLVMValueRef slot = cg_entry_alloca(L, cg_exc_type(L), "exc");
    LLVMBuildStore(L->b, v, slot);
    return slot;
}

/* The caught exception's RtExc as a value. */
static LLVMValueRef exc_value(Lower *L, LLVMValueRef v) {
    return L->exc_refs ? LLVMBuildLoad2(L->b, cg_exc_type(L), cg_exc_at(L, v), "") : v;
}

/* ---- class names -------------------------------------------------------------------------- */

/* "module:qualname", resolved back to the class by the runtime when the error is raised. */
const char *cg_exc_name(Lower *L, PyObject *cls) {
    PyObject *mod = PyObject_GetAttrString(cls, "__module__");
    PyObject *qn = PyObject_GetAttrString(cls, "__qualname__");
    const char *ms = mod && PyUnicode_Check(mod) ? PyUnicode_AsUTF8(mod) : "builtins";
    const char *qs = qn && PyUnicode_Check(qn) ? PyUnicode_AsUTF8(qn) : "Exception";
    const char *name = ctx_printf(L->ctx, "%s:%s", ms, qs);
    Py_XDECREF(mod);
    Py_XDECREF(qn);
    PyErr_Clear();
    return name;
}

/* The class with its bases, as every raise records it: a handler matches by name against the
 * list (runtime/error.c, rt_exc_is), with no Python call. */
const char *cg_exc_class(Lower *L, PyObject *cls) {
    PyObject *mro = PyObject_GetAttrString(cls, "__mro__");
    const char *list = cg_exc_name(L, cls);
    for (Py_ssize_t i = 1; mro && PyTuple_Check(mro) && i < PyTuple_GET_SIZE(mro); i++) {
        PyObject *base = PyTuple_GET_ITEM(mro, i);
        if (base != (PyObject *)&PyBaseObject_Type) list = ctx_printf(L->ctx, "%s|%s", list, cg_exc_name(L, base));
    }
    Py_XDECREF(mro);
    PyErr_Clear();
    return list;
}

/* cg_exc_class of a class named "module:qualname" (ember's own raises name their classes). */
const char *cg_exc_class_of_name(Lower *L, const char *name) {
    for (int i = 0; i < L->nexc_names; i++)
        if (!strcmp(L->exc_names[i].name, name)) return L->exc_names[i].cls;
    const char *colon = strchr(name, ':'), *cls = name;
    PyObject *obj = colon ? PyImport_ImportModule(ctx_printf(L->ctx, "%.*s", (int)(colon - name), name)) : NULL;
    for (const char *p = colon ? colon + 1 : ""; obj && *p;) {
        const char *dot = strchr(p, '.');
        int n = dot ? (int)(dot - p) : (int)strlen(p);
        PyObject *next = PyObject_GetAttrString(obj, ctx_printf(L->ctx, "%.*s", n, p));
        Py_DECREF(obj);
        obj = next;
        p += n + (dot != NULL);
    }
    if (obj && PyType_Check(obj)) cls = cg_exc_class(L, obj);
    Py_XDECREF(obj);
    PyErr_Clear();
    if (L->nexc_names < (int)(sizeof L->exc_names / sizeof L->exc_names[0]))
        L->exc_names[L->nexc_names++] = (typeof(L->exc_names[0])){name, cls};
    return cls;
}

#define CLASS_PREFIX "ember.exc."
#define MATCHER_PREFIX "ember.excmatch."

/* The module's one global holding class list `list`. */
static LLVMValueRef class_global(Lower *L, const char *list) {
    const char *name = ctx_printf(L->ctx, CLASS_PREFIX "%s", list);
    LLVMValueRef g = LLVMGetNamedGlobal(L->m, name);
    if (g) return g;
    LLVMValueRef str = LLVMConstStringInContext(L->c, list, (unsigned)strlen(list), 0);
    g = LLVMAddGlobal(L->m, LLVMTypeOf(str), name);
    LLVMSetInitializer(g, str);
    LLVMSetGlobalConstant(g, 1);
    LLVMSetLinkage(g, LLVMPrivateLinkage);
    return g;
}

/* Is `name` one of the '|'-separated names of list? */
static bool list_has(const char *list, size_t len, const char *name) {
    size_t n = strlen(name);
    for (size_t at = 0; at < len;) {
        const char *bar = memchr(list + at, '|', len - at);
        size_t end = bar ? (size_t)(bar - list) : len;
        if (end - at == n && !memcmp(list + at, name, n)) return true;
        at = end + 1;
    }
    return false;
}

/* ---- failing ------------------------------------------------------------------------------ */

/* The handler of the block being lowered, when it is a block of this function. */
static Block *local_handler(Lower *L) {
    Block *h = L->block ? L->block->handler : NULL;
    return h && L->bbs && L->bbs[h->id] ? h : NULL;
}

/* A function with handlers gets the frame slot a local raise writes and its "set" flag. */
void cg_exc_begin_function(Lower *L) {
    L->pending = L->pending_set = L->pending_line = NULL;
    L->reraising = false;
    bool any = false;
    for (int b = 0; b < L->fn->nblocks; b++) any |= L->fn->blocks[b]->handler != NULL;
    if (!any) return;
    L->pending = LLVMBuildAlloca(L->b, cg_exc_type(L), "pending");
    L->pending_set = LLVMBuildAlloca(L->b, L->i1, "pending.set");
    LLVMBuildStore(L->b, LLVMConstInt(L->i1, 0, 0), L->pending_set);
    L->pending_line = LLVMBuildAlloca(L->b, L->i32, "pending.line");
    LLVMBuildStore(L->b, LLVMConstInt(L->i32, (unsigned long long)L->fn->firstline, 0), L->pending_line);
}

static LLVMValueRef line_here(Lower *L) {
    return LLVMConstInt(L->i32, (unsigned long long)(L->loc.line > 0 ? L->loc.line : L->fn->firstline), 0);
}

/* An exception goes to this frame's handler from the line being lowered: where a re-raise (an
 * except clause that does not match, a bare raise) says it came from, as CPython's traceback does.
 * Not volatile: where no re-raise reads it (a handler that always matches), it goes. */
static void note_line(Lower *L) {
    if (L->pending_line && !L->reraising) LLVMBuildStore(L->b, line_here(L), L->pending_line);
}

/* The line slot's life: from a failing path's store to the traceback's read. Marked in the
 * function itself, so that LLVM's inliner does not mark it live over the whole inlined body (it
 * marks only allocas without markers): markers there are calls in every block of the callee,
 * and an `if` choosing between two calls of a small function with a division could then not
 * become a select, which kept its loop scalar (4x Numba's time). */
static void lifetime(Lower *L, const char *intrinsic) {
    LLVMTypeRef pt[2] = {L->i64, L->ptr};
    LLVMValueRef a[2] = {i64c(L, 4), L->fail_line};
    cg_call(L, intrinsic, L->voidt, pt, a, 2);
}

/* A failing path's line, stored into the slot the traceback reads. */
void cg_fail_line_store(Lower *L, LLVMValueRef line) {
    lifetime(L, "llvm.lifetime.start.p0");
    LLVMSetVolatile(LLVMBuildStore(L->b, line, L->fail_line), 1);
}

/* The thread's record (its RtExc): one pointer per thread, from a call LLVM may merge, hoist or
 * drop. */
LLVMValueRef cg_exc_record(Lower *L) {
    LLVMValueRef r = cg_call(L, "ember_rt_record", L->ptr, NULL, NULL, 0);
    cg_mark_speculatable(L, r);
    return r;
}

/* Where an exception raised at this point goes: the frame's pending slot when the handler is in
 * this function, else the slot this function was handed (<sym>.x's last parameter: its caller's
 * pending slot inside a `try`, or the record), else the record. */
LLVMValueRef cg_exc_target(Lower *L) {
    if (local_handler(L) && L->pending) return L->pending;
    return L->exc_param ? L->exc_param : cg_exc_record(L);
}

/* Is the slot this function was handed the record (a run-time test, folded once inlined)? */
static LLVMValueRef param_is_record(Lower *L) {
    return LLVMBuildICmp(L->b, LLVMIntEQ, L->exc_param, cg_exc_record(L), "to.record");
}

/* Where a waiting int() failure (lower_defer.c) replaces an exception this frame raised into the
 * slot <sym>.x was handed: the slot's strings go first (a raise into the record drops the
 * record's own). NULL where no failure waits. */
static LLVMBasicBlockRef drop_held(Lower *L) {
    if (!L->defer.region) return NULL;
    LLVMBasicBlockRef here = LLVMGetInsertBlock(L->b);
    LLVMBasicBlockRef drop = LLVMAppendBasicBlockInContext(L->c, L->func, "held");
    LLVMBasicBlockRef release = LLVMAppendBasicBlockInContext(L->c, L->func, "held.drop");
    LLVMPositionBuilderAtEnd(L->b, drop);
    LLVMBuildCondBr(L->b, param_is_record(L), L->defer.bb, release);
    LLVMPositionBuilderAtEnd(L->b, release);
    cg_call(L, "ember_rt_exc_release", L->voidt, &L->ptr, &L->exc_param, 1);
    LLVMBuildBr(L->b, L->defer.bb);
    LLVMPositionBuilderAtEnd(L->b, here);
    return drop;
}

/* L->fail_bb: records the traceback entry at the line in L->fail_line, then returns -1 (by way
 * of a waiting int() failure's test where there may be one: lower_defer.c). In <sym>.x, an
 * exception the record holds moves into the slot handed over first, and the traceback entry is
 * the record's only: a caller's `try` takes the exception from its slot, and its frames go, as
 * they go from the record when a handler takes it (L->fail_target_bb: the exception is in the
 * slot already). */
void cg_fail_block(Lower *L) {
    LLVMBasicBlockRef here = LLVMGetInsertBlock(L->b);
    L->fail_line = cg_entry_alloca(L, L->i32, "line");
    LLVMBasicBlockRef tb = LLVMAppendBasicBlockInContext(L->c, L->func, "traceback");
    LLVMPositionBuilderAtEnd(L->b, tb);
    LLVMBasicBlockRef ret = NULL;
    if (L->exc_param) {   /* (the line was stored only then: fail_out) */
        LLVMBasicBlockRef entry = LLVMAppendBasicBlockInContext(L->c, L->func, "traceback.entry");
        ret = LLVMAppendBasicBlockInContext(L->c, L->func, "traceback.done");
        LLVMBuildCondBr(L->b, param_is_record(L), entry, ret);
        LLVMPositionBuilderAtEnd(L->b, entry);
    }
    LLVMValueRef line = LLVMBuildLoad2(L->b, L->i32, L->fail_line, "line");
    LLVMSetVolatile(line, 1);
    lifetime(L, "llvm.lifetime.end.p0");
    LLVMTypeRef pt[3] = {L->ptr, L->ptr, L->i32};
    LLVMValueRef args[3] = {cg_cstring(L, L->fn->name), cg_cstring(L, L->fn->filename), line};
    cg_call(L, "ember_rt_traceback", L->voidt, pt, args, 3);
    if (ret) {
        LLVMBuildBr(L->b, ret);
        LLVMPositionBuilderAtEnd(L->b, ret);
    }
    cg_ret(L, LLVMConstInt(L->i32, (unsigned long long)-1, 1));
    LLVMBasicBlockRef from_record = tb;
    if (L->exc_param) {
        from_record = LLVMAppendBasicBlockInContext(L->c, L->func, "take");
        LLVMBasicBlockRef move = LLVMAppendBasicBlockInContext(L->c, L->func, "take.move");
        LLVMPositionBuilderAtEnd(L->b, from_record);
        LLVMBuildCondBr(L->b, param_is_record(L), tb, move);
        LLVMPositionBuilderAtEnd(L->b, move);
        cg_call(L, "ember_rt_exc_fetch", L->voidt, &L->ptr, &L->exc_param, 1);
        LLVMBuildBr(L->b, tb);
    }
    LLVMPositionBuilderAtEnd(L->b, here);
    L->fail_bb = cg_defer_fail_block(L, from_record, from_record, NULL);
    L->fail_target_bb = L->exc_param ? cg_defer_fail_block(L, tb, from_record, drop_held(L)) : L->fail_bb;
}

/* The error record is set by the C runtime: to the block's handler, or out of the function. */
void cg_fail(Lower *L) {
    L->runtime_fails = true;   /* its message may be a string (rt_raise_str) */
    cg_fail_raised(L);
}

static void fail_out(Lower *L, bool in_target) {
    if (!L->traceback) {   /* (no slot handed over: the record) */
        cg_ret(L, LLVMConstInt(L->i32, (unsigned long long)-1, 1));
        return;
    }
    /* The line goes through a volatile slot, not a phi: a phi's constants would be set up on
     * the hot path before each branch that may fail. */
    if (!L->fail_bb) cg_fail_block(L);
    LLVMBasicBlockRef to = in_target ? L->fail_target_bb : L->fail_bb;
    if (L->exc_param) {   /* a line for the record's traceback only: none where a caller's try takes it */
        LLVMBasicBlockRef line = LLVMAppendBasicBlockInContext(L->c, L->func, "line");
        LLVMBuildCondBr(L->b, param_is_record(L), line, to);
        LLVMPositionBuilderAtEnd(L->b, line);
    }
    bool noted = L->reraising && L->pending_line;   /* the line the exception came to this frame's handler from */
    cg_fail_line_store(L, noted ? LLVMBuildLoad2(L->b, L->i32, L->pending_line, "") : line_here(L));
    LLVMBuildBr(L->b, to);
}

/* The error record is set by generated code, with no string this frame's types
 * (cg_frame_may_raise_strings) do not show: to the block's handler, or out of the function.
 * Outlined chunks and prange bodies return at once (their caller's frame is the one the
 * traceback names). */
void cg_fail_raised(Lower *L) {
    Block *h = local_handler(L);
    if (h) {
        note_line(L);
        LLVMBuildBr(L->b, L->bbs[h->id]);
        return;
    }
    fail_out(L, false);
}

/* The exception is where cg_exc_target said (a compiled callee put it there, or a raise): to the
 * block's handler, whose pending slot it is, or out of the function. */
void cg_fail_target(Lower *L) {
    Block *h = local_handler(L);
    if (h && L->pending) {
        note_line(L);
        LLVMBuildStore(L->b, LLVMConstInt(L->i1, 1, 0), L->pending_set);
        LLVMBuildBr(L->b, L->bbs[h->id]);
        return;
    }
    fail_out(L, true);
}

/* A raise's exception goes to the record (ember_rt_raise and co, run by `to_record`), or is
 * stored into the slot this function was handed when that is not the record: the test folds
 * where the function is inlined into a caller's `try`, leaving stores LLVM forwards to the
 * handler. Returns the slot to store into, the builder there, and *join where both go on. */
static LLVMValueRef param_or_record(Lower *L, LLVMBasicBlockRef *rec, LLVMBasicBlockRef *join) {
    LLVMBasicBlockRef slot = LLVMAppendBasicBlockInContext(L->c, L->func, "raise.slot");
    *rec = LLVMAppendBasicBlockInContext(L->c, L->func, "raise.record");
    *join = LLVMAppendBasicBlockInContext(L->c, L->func, "raised");
    LLVMBuildCondBr(L->b, param_is_record(L), *rec, slot);
    LLVMPositionBuilderAtEnd(L->b, slot);
    return L->exc_param;
}

/* The exception in slot e (an RtExc) is raised: into the frame's pending slot when the handler
 * is in this function, else into the slot handed over or the record. */
static void raise_slot(Lower *L, LLVMValueRef e) {
    Block *h = local_handler(L);
    if (h && L->pending) {
        if (e != L->pending) LLVMBuildStore(L->b, LLVMBuildLoad2(L->b, cg_exc_type(L), e, ""), L->pending);
        note_line(L);
        LLVMBuildStore(L->b, LLVMConstInt(L->i1, 1, 0), L->pending_set);
        LLVMBuildBr(L->b, L->bbs[h->id]);
        return;
    }
    if (L->exc_param && L->traceback) {
        LLVMBasicBlockRef rec, join;
        LLVMValueRef to = param_or_record(L, &rec, &join);
        LLVMBuildStore(L->b, LLVMBuildLoad2(L->b, cg_exc_type(L), e, ""), to);
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, rec);
        cg_call(L, "ember_rt_raise_value", L->voidt, &L->ptr, &e, 1);
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, join);
        fail_out(L, true);
        return;
    }
    cg_call(L, "ember_rt_raise_value", L->voidt, &L->ptr, &e, 1);
    cg_fail_raised(L);
}

/* Where a raise builds its exception: the pending slot when it stays in this function. */
static LLVMValueRef raise_target(Lower *L) {
    return local_handler(L) && L->pending ? L->pending : cg_entry_alloca(L, cg_exc_type(L), "raise");
}

/* cls(msg) into RtExc slot e, which holds nothing else. */
static void store_raise(Lower *L, LLVMValueRef e, const char *cls, LLVMValueRef msg) {
    LLVMTypeRef et = cg_exc_type(L), ct = core_type(L);
    LLVMBuildStore(L->b, LLVMConstNull(et), e);
    LLVMBuildStore(L->b, class_global(L, cls), cg_field(L, ct, cg_field(L, et, e, 0), 0));
    if (msg) LLVMBuildStore(L->b, msg, cg_field(L, ct, cg_field(L, et, e, 0), 1));
}

/* raise cls(msg) (cls a class list; msg NULL: no args). */
void cg_emit_raise(Lower *L, const char *cls, LLVMValueRef msg) {
    if (local_handler(L) && L->pending) {
        store_raise(L, L->pending, cls, msg);
        raise_slot(L, L->pending);
        return;
    }
    if (L->exc_param && L->traceback) {
        LLVMBasicBlockRef rec, join;
        store_raise(L, param_or_record(L, &rec, &join), cls, msg);
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, rec);
        cg_rt_raise(L, cls, msg);
        LLVMBuildBr(L->b, join);
        LLVMPositionBuilderAtEnd(L->b, join);
        fail_out(L, true);
        return;
    }
    cg_rt_raise(L, cls, msg);
    cg_fail_raised(L);
}

void cg_rt_raise(Lower *L, const char *cls, LLVMValueRef msg) {
    LLVMTypeRef pt[2] = {L->ptr, L->ptr};
    LLVMValueRef args[2] = {class_global(L, cls), msg ? msg : LLVMConstNull(L->ptr)};
    cg_call(L, "ember_rt_raise", L->voidt, pt, args, 2);
}

/* ---- raise ---------------------------------------------------------------------------------- */

/* Append value x of type t to the words at `words` (an array of i64), in ty_value_layout's
 * order; an array is stored in a frame slot and its address packed. */
void cg_pack_value(Lower *L, LLVMValueRef words, LLVMTypeRef wordst, LLVMValueRef x, const Type *t, int *k) {
    LLVMValueRef w[2] = {NULL, NULL};
    switch (t->kind) {
    case TY_INT64: case TY_UINT64: w[0] = x; break;
    case TY_BOOL: w[0] = LLVMBuildZExt(L->b, x, L->i64, ""); break;
    case TY_FLOAT64: w[0] = LLVMBuildBitCast(L->b, x, L->i64, ""); break;
    case TY_STR: case TY_LIST: case TY_DICT: case TY_SET: w[0] = LLVMBuildPtrToInt(L->b, x, L->i64, ""); break;
    case TY_COMPLEX128:
        w[0] = LLVMBuildBitCast(L->b, LLVMBuildExtractValue(L->b, x, 0, ""), L->i64, "");
        w[1] = LLVMBuildBitCast(L->b, LLVMBuildExtractValue(L->b, x, 1, ""), L->i64, "");
        break;
    case TY_ARRAY: {
        LLVMValueRef slot = cg_entry_alloca(L, cg_type(L, t), "shown");
        LLVMBuildStore(L->b, x, slot);
        w[0] = LLVMBuildPtrToInt(L->b, slot, L->i64, "");
        break;
    }
    case TY_TUPLE:
        for (int i = 0; i < t->n; i++) cg_pack_value(L, words, wordst, LLVMBuildExtractValue(L->b, x, (unsigned)i, ""), t->elems[i], k);
        return;
    default: return;   /* None: no word */
    }
    for (int i = 0; i < 2 && w[i]; i++) {
        LLVMValueRef idx[2] = {i64c(L, 0), i64c(L, (*k)++)};
        LLVMBuildStore(L->b, w[i], LLVMBuildInBoundsGEP2(L->b, wordst, words, idx, 2, ""));
    }
}

/* n values packed into a frame array of words, their layout letters written to desc (len
 * bytes): what the runtime reads them back with (print, str() and repr() of containers). */
LLVMValueRef cg_pack_values(Lower *L, LLVMValueRef *vals, const Type *const *types, int n, char *desc, size_t len) {
    int nwords = 0, k = 0;
    desc[0] = 0;
    for (int i = 0; i < n; i++) nwords += ty_value_layout(types[i], desc, len, true);
    LLVMTypeRef wt = LLVMArrayType2(L->i64, (unsigned long long)(nwords > 0 ? nwords : 1));
    LLVMValueRef words = cg_entry_alloca(L, wt, "packed");
    for (int i = 0; i < n; i++) cg_pack_value(L, words, wt, vals[i], types[i], &k);
    return words;
}

/* Fill the RtExcCore at p with what raising `v` (of type t) records; the core owns a reference
 * to each string in its args (runtime/error.c drops them when the exception reaches Python). */
static void store_core(Lower *L, LLVMValueRef p, LLVMValueRef v, const Type *t) {
    LLVMTypeRef ct = core_type(L);
    if (t->kind == TY_EXCVAL) {
        LLVMBuildStore(L->b, LLVMBuildExtractValue(L->b, exc_value(L, v), 0, ""), p);
        LLVMTypeRef pt = L->ptr;
        if (L->exc_refs) cg_call(L, "ember_rt_exc_core_retain", L->voidt, &pt, &p, 1);
        return;
    }
    LLVMBuildStore(L->b, LLVMConstNull(ct), p);
    LLVMBuildStore(L->b, class_global(L, cg_exc_class(L, t->obj)), cg_field(L, ct, p, 0));
    if (t->kind != TY_EXC || t->n == 0) return;
    char desc[128] = "$";   /* '$': the args hold strings (references; runtime/error.c) */
    for (int i = 0; i < t->n; i++) ty_value_layout(t->elems[i], desc, sizeof desc, false);
    LLVMBuildStore(L->b, cg_cstring(L, strchr(desc, 's') ? desc : desc + 1), cg_field(L, ct, p, 2));
    int k = 0;
    for (int i = 0; i < t->n; i++)
        cg_pack_value(L, cg_field(L, ct, p, 3), LLVMArrayType2(L->i64, TY_EXC_WORDS), LLVMBuildExtractValue(L->b, v, (unsigned)i, ""),
                      t->elems[i], &k);
    cg_incref(L, v, t);
}

/* The text of `raise E("constant")`: the message stays constant data (no reference to count). */
static const char *constant_message(Lower *L, int value) {
    Instr *c = L->fn->instrs[value];
    return c->op == IR_CALL && c->nargs == 2 ? ti_const_str(L->ti, c->args[1]) : NULL;
}

/* raise cls(x): x of type t as the exception's one argument (KeyError(key)). */
void cg_raise_value(Lower *L, const char *cls, LLVMValueRef x, const Type *t) {
    LLVMTypeRef et = cg_exc_type(L), ct = core_type(L);
    LLVMValueRef e = raise_target(L);
    LLVMBuildStore(L->b, LLVMConstNull(et), e);
    LLVMValueRef p = cg_field(L, et, e, 0);
    LLVMBuildStore(L->b, class_global(L, cg_exc_class_of_name(L, cls)), cg_field(L, ct, p, 0));
    char desc[128] = "$";   /* '$': the args hold strings, references the record owns (runtime/error.c) */
    int words = ty_value_layout(t, desc, sizeof desc, false);
    if (words >= 0 && words <= TY_EXC_WORDS) {
        bool strs = strchr(desc, 's') != NULL;
        if (strs) cg_incref(L, x, t);
        LLVMBuildStore(L->b, cg_cstring(L, strs ? desc : desc + 1), cg_field(L, ct, p, 2));
        int k = 0;
        cg_pack_value(L, cg_field(L, ct, p, 3), LLVMArrayType2(L->i64, TY_EXC_WORDS), x, t, &k);
    }
    raise_slot(L, e);
}

/* raise a0 [from a1]: a class, an instance (its args), or a caught exception. */
void cg_lower_raise(Lower *L, Instr *in) {
    const Type *t = L->ti->vtypes[in->args[0]];
    LLVMValueRef v = L->vals[in->args[0]];
    const char *msg = t->kind == TY_EXC && t->n == 1 && t->elems[0] == ty_str ? constant_message(L, in->args[0]) : NULL;
    bool plain = t->kind == TY_EXCCLASS || (t->kind == TY_EXC && (t->n == 0 || msg));
    if (plain && in->nargs == 1) {   /* raise E, raise E("message") */
        cg_emit_raise(L, cg_exc_class(L, t->obj), msg ? cg_cstring(L, msg) : NULL);
        return;
    }
    LLVMTypeRef et = cg_exc_type(L);
    LLVMValueRef e = raise_target(L);
    if (t->kind == TY_EXCVAL) {   /* raise e: its cause too, unless one is given; the raise owns its own references */
        LLVMBuildStore(L->b, exc_value(L, v), e);
        LLVMTypeRef pt = L->ptr;
        if (L->exc_refs) cg_call(L, "ember_rt_exc_core_retain", L->voidt, &pt, &e, 1);
        if (in->nargs == 1 && L->exc_refs) {
            LLVMValueRef cause = cg_field(L, et, e, 1);
            LLVMBasicBlockRef has = LLVMAppendBasicBlockInContext(L->c, L->func, "cause");
            LLVMBasicBlockRef done = LLVMAppendBasicBlockInContext(L->c, L->func, "");
            LLVMValueRef kind = LLVMBuildLoad2(L->b, L->i32, cg_field(L, et, e, 2), "");
            LLVMBuildCondBr(L->b, LLVMBuildICmp(L->b, LLVMIntEQ, kind, LLVMConstInt(L->i32, 2, 0), ""), has, done);
            LLVMPositionBuilderAtEnd(L->b, has);
            cg_call(L, "ember_rt_exc_core_retain", L->voidt, &pt, &cause, 1);
            LLVMBuildBr(L->b, done);
            LLVMPositionBuilderAtEnd(L->b, done);
        }
    } else {
        LLVMBuildStore(L->b, LLVMConstNull(et), e);
        store_core(L, cg_field(L, et, e, 0), v, t);
    }
    if (in->nargs == 2) {   /* raise ... from cause (None: no cause, and no context shown) */
        const Type *ct = L->ti->vtypes[in->args[1]];
        if (ct->kind == TY_NONE) LLVMBuildStore(L->b, LLVMConstNull(core_type(L)), cg_field(L, et, e, 1));
        else store_core(L, cg_field(L, et, e, 1), L->vals[in->args[1]], ct);
        LLVMBuildStore(L->b, LLVMConstInt(L->i32, ct->kind == TY_NONE ? 1 : 2, 0), cg_field(L, et, e, 2));
    }
    raise_slot(L, e);
}

/* raise (bare) or the end of a handler that did not match: through the record, which turns an
 * empty value into RuntimeError. */
void cg_lower_reraise(Lower *L, LLVMValueRef v) {
    L->reraising = true;
    if (L->exc_refs) {
        cg_call(L, "ember_rt_exc_raise_box", L->voidt, &L->ptr, &v, 1);
    } else {
        LLVMValueRef e = cg_entry_alloca(L, cg_exc_type(L), "reraise");
        cg_incref(L, v, ty_excval);   /* the record's own references: the handler's value is still dropped */
        LLVMBuildStore(L->b, v, e);
        cg_call(L, "ember_rt_raise_value", L->voidt, &L->ptr, &e, 1);
    }
    cg_fail_raised(L);
    L->reraising = false;
}

/* The value of type t at words[*k..], as cg_pack_value packed it. */
static LLVMValueRef unpack_value(Lower *L, LLVMValueRef words, LLVMTypeRef wordst, const Type *t, int *k) {
    LLVMValueRef w[2] = {NULL, NULL};
    int n = t->kind == TY_COMPLEX128 ? 2 : t->kind == TY_TUPLE || t->kind == TY_NONE ? 0 : 1;
    for (int i = 0; i < n; i++) {
        LLVMValueRef idx[2] = {i64c(L, 0), i64c(L, (*k)++)};
        w[i] = LLVMBuildLoad2(L->b, L->i64, LLVMBuildInBoundsGEP2(L->b, wordst, words, idx, 2, ""), "");
    }
    switch (t->kind) {
    case TY_INT64: case TY_UINT64: return w[0];
    case TY_BOOL: return LLVMBuildTrunc(L->b, w[0], L->i1, "");
    case TY_FLOAT64: return LLVMBuildBitCast(L->b, w[0], L->f64, "");
    case TY_STR: return LLVMBuildIntToPtr(L->b, w[0], L->ptr, "");
    case TY_COMPLEX128: {
        LLVMValueRef c = LLVMGetUndef(L->c128);
        c = LLVMBuildInsertValue(L->b, c, LLVMBuildBitCast(L->b, w[0], L->f64, ""), 0, "");
        return LLVMBuildInsertValue(L->b, c, LLVMBuildBitCast(L->b, w[1], L->f64, ""), 1, "");
    }
    case TY_TUPLE: {
        LLVMValueRef v = LLVMGetUndef(cg_type(L, t));
        for (int i = 0; i < t->n; i++) v = LLVMBuildInsertValue(L->b, v, unpack_value(L, words, wordst, t->elems[i], k), (unsigned)i, "");
        return v;
    }
    default: return LLVMGetUndef(cg_type(L, t));   /* None */
    }
}

/* e.args: the caught value's words read as the tuple type typing chose (typeinfer/calls.c,
 * ti_exc_args_type), checked against the layout the raise recorded; the strings in it are new
 * references the frame owns. */
LLVMValueRef cg_exc_args(Lower *L, LLVMValueRef e, const Type *t) {
    LLVMTypeRef wordst = LLVMArrayType2(L->i64, TY_EXC_WORDS);
    LLVMValueRef slot = cg_exc_at(L, e), words = cg_entry_alloca(L, wordst, "args");
    char layout[128] = "";
    for (int i = 0; i < t->n; i++) ty_value_layout(t->elems[i], layout, sizeof layout, false);
    LLVMTypeRef pt[3] = {L->ptr, L->ptr, L->ptr};
    LLVMValueRef a[3] = {slot, cg_cstring(L, layout), words};
    cg_check_status(L, cg_call(L, "ember_rt_exc_args", L->i32, pt, a, 3));
    int k = 0;
    LLVMValueRef v = unpack_value(L, words, wordst, t, &k);
    return cg_has_refs(L, t) ? cg_own(L, v, t) : v;
}

/* ---- catch ---------------------------------------------------------------------------------- */

/* A handler's entry: the exception a local raise left in the frame, or the record's (held by
 * pointer where exceptions are counted). */
LLVMValueRef cg_lower_excfetch(Lower *L) {
    LLVMTypeRef et = cg_exc_type(L);
    LLVMValueRef caught = L->exc_refs ? NULL : cg_entry_alloca(L, et, "caught");
    if (!L->pending) {
        if (L->exc_refs) return cg_call(L, "ember_rt_exc_fetch_box", L->ptr, NULL, NULL, 0);
        cg_call(L, "ember_rt_exc_fetch", L->voidt, &L->ptr, &caught, 1);
        return LLVMBuildLoad2(L->b, et, caught, "");
    }
    LLVMBasicBlockRef local = LLVMAppendBasicBlockInContext(L->c, L->func, "caught.here");
    LLVMBasicBlockRef rec = LLVMAppendBasicBlockInContext(L->c, L->func, "caught.record");
    LLVMBasicBlockRef join = LLVMAppendBasicBlockInContext(L->c, L->func, "caught");
    LLVMBuildCondBr(L->b, LLVMBuildLoad2(L->b, L->i1, L->pending_set, ""), local, rec);
    LLVMPositionBuilderAtEnd(L->b, local);
    LLVMValueRef a = L->exc_refs ? cg_call(L, "ember_rt_exc_box", L->ptr, &L->ptr, &L->pending, 1)
                                 : LLVMBuildLoad2(L->b, et, L->pending, "");
    LLVMBuildStore(L->b, LLVMConstInt(L->i1, 0, 0), L->pending_set);
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, rec);
    LLVMValueRef b = L->exc_refs ? cg_call(L, "ember_rt_exc_fetch_box", L->ptr, NULL, NULL, 0) : NULL;
    if (!b) {
        cg_call(L, "ember_rt_exc_fetch", L->voidt, &L->ptr, &caught, 1);
        b = LLVMBuildLoad2(L->b, et, caught, "");
    }
    LLVMBuildBr(L->b, join);
    LLVMPositionBuilderAtEnd(L->b, join);
    return cg_phi2(L, a, local, b, rec, "exc");
}

/* Is caught exception v an instance of `what`, a class or a tuple of classes? Each class asks
 * its module-wide matcher (see cg_finish_exc_matchers). */
LLVMValueRef cg_lower_excmatch(Lower *L, LLVMValueRef v, const Type *what) {
    LLVMValueRef cls = L->exc_refs ? LLVMBuildLoad2(L->b, L->ptr, cg_exc_at(L, v), "cls")
                                   : LLVMBuildExtractValue(L->b, LLVMBuildExtractValue(L->b, v, 0, ""), 0, "cls");
    int n = what->kind == TY_TUPLE ? what->n : 1;
    LLVMValueRef any = LLVMConstInt(L->i1, 0, 0);
    for (int i = 0; i < n; i++) {
        const Type *c = what->kind == TY_TUPLE ? what->elems[i] : what;
        const char *name = ctx_printf(L->ctx, MATCHER_PREFIX "%s", cg_exc_name(L, c->obj));
        LLVMValueRef f = LLVMGetNamedFunction(L->m, name);
        if (!f) {
            f = LLVMAddFunction(L->m, name, LLVMFunctionType(L->i1, &L->ptr, 1, 0));
            LLVMSetLinkage(f, LLVMInternalLinkage);
            LLVMAddAttributeAtIndex(f, LLVMAttributeFunctionIndex,
                                    LLVMCreateEnumAttribute(L->c, LLVMGetEnumAttributeKindForName("alwaysinline", 12), 0));
        }
        any = LLVMBuildOr(L->b, any, LLVMBuildCall2(L->b, LLVMGlobalGetValueType(f), f, &cls, 1, ""), "");
    }
    return any;
}

/* The bodies of the matchers, once every class list of the module is known (after the callees'
 * bitcode is linked: a class a callee raises is one of its lists, so a handler here matches it
 * by pointer): compare the class pointer with each list (the answer known now), and ask the
 * runtime only for a class from elsewhere (C runtime raises, code not linked here). */
void cg_finish_exc_matchers(LLVMModuleRef m) {
    LLVMContextRef c = LLVMGetModuleContext(m);
    LLVMBuilderRef b = LLVMCreateBuilderInContext(c);
    LLVMTypeRef i1 = LLVMInt1TypeInContext(c), i32 = LLVMInt32TypeInContext(c), ptr = LLVMPointerTypeInContext(c, 0);
    LLVMTypeRef match_t = LLVMFunctionType(i32, (LLVMTypeRef[]){ptr, ptr}, 2, 0);
    size_t np = strlen(MATCHER_PREFIX), cp = strlen(CLASS_PREFIX);
    for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f)) {
        size_t len;
        const char *fname = LLVMGetValueName2(f, &len);
        if (strncmp(fname, MATCHER_PREFIX, np) || LLVMCountBasicBlocks(f)) continue;
        const char *name = fname + np;
        LLVMValueRef cls = LLVMGetParam(f, 0);
        LLVMPositionBuilderAtEnd(b, LLVMAppendBasicBlockInContext(c, f, "entry"));
        for (LLVMValueRef g = LLVMGetFirstGlobal(m); g; g = LLVMGetNextGlobal(g)) {
            const char *gname = LLVMGetValueName2(g, &len);
            if (strncmp(gname, CLASS_PREFIX, cp)) continue;
            size_t slen;
            const char *list = LLVMGetAsString(LLVMGetInitializer(g), &slen);
            LLVMBasicBlockRef yes = LLVMAppendBasicBlockInContext(c, f, "known");
            LLVMBasicBlockRef next = LLVMAppendBasicBlockInContext(c, f, "");
            LLVMBuildCondBr(b, LLVMBuildICmp(b, LLVMIntEQ, cls, g, ""), yes, next);
            LLVMPositionBuilderAtEnd(b, yes);
            LLVMBuildRet(b, LLVMConstInt(i1, list_has(list, slen, name), 0));
            LLVMPositionBuilderAtEnd(b, next);
        }
        LLVMValueRef rt = LLVMGetNamedFunction(m, "ember_rt_exc_match");
        if (!rt) rt = LLVMAddFunction(m, "ember_rt_exc_match", match_t);
        LLVMValueRef text = LLVMBuildGlobalStringPtr(b, name, "ember.str");
        LLVMValueRef r = LLVMBuildCall2(b, match_t, rt, (LLVMValueRef[]){cls, text}, 2, "");
        LLVMBuildRet(b, LLVMBuildICmp(b, LLVMIntNE, r, LLVMConstInt(i32, 0, 0), ""));
    }
    LLVMDisposeBuilder(b);
}
