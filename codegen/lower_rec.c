/* lower_rec.c: recursive functions, and the calling convention of their self-calls.
 *
 * Deep recursion must raise RecursionError, not overflow the stack (contract 3), and a raise deep
 * in the recursion must reach Python as itself. A function that calls itself becomes three
 * functions over one body:
 *
 *   <sym>(ptr out, args...) -> i32 status            the native ABI, unchanged (contract 2): a
 *                                                    trampoline that fills a frame record and
 *                                                    calls <sym>.rec
 *   <sym>.rec(args..., ptr frame) -> T               the body; its self-calls go here, or to
 *   <sym>.rec.i(args..., ptr frame) -> T             copies of the body (i = 1 .. k-1) one level
 *                                                    down each, without the stack guard
 *
 * The frame record {i1 flag, i64 limit} is the trampoline's. <sym>.rec returns its value
 * directly, and a failure sets the flag (the error record holds the exception, as always) and
 * returns a zero value. Before each call down the recursion it compares the stack pointer with
 * `limit`, the lowest address its thread's stack allows (runtime/error.c, ember_rt_stack_limit,
 * keeps a margin for the runtime helpers below it): a load and a compare, and nothing to undo
 * after the call, unlike a depth counter; a base case that makes no call tests nothing
 * (cg_rec_unguard). One pointer carries both, so a self-call passes one register more than C's.
 * A call down to <sym>.rec goes through <sym>.rec.peek, the body's base-case tests inlined at
 * the call (below).
 *
 * The tested self-calls of <sym>.rec call <sym>.rec.1, whose calls go to <sym>.rec.2, ..., and the
 * last copy's back to <sym>.rec: every path down passes a guard every k levels. The copies are
 * always-inline, so one real call runs k levels of the call tree, as gcc's recursive inlining
 * does (LLVM's inliner never inlines a function into itself, and inlines a cycle of copies only
 * as far as its cost model goes). k (rec_copies) is the most that keeps the inlined body within
 * a budget of IR instructions; a body with prange loops, or whose self-calls all leave their test
 * to the caller (and that calls no other function of a cycle), gets no copy. An untested
 * self-call stays in its copy, to become that copy's loop (below, cg_rec_tail_loops); an
 * untested call of another function of the cycle goes down a copy like a tested one (it cannot
 * become a loop). A copy with large stack objects keeps its guard. The functions of
 * a recursion cycle get copies the same way, copy i of one calling copy i + 1 of the next.
 *
 * The caller tests the flag after a self-call only where it matters: when the result, with the
 * callee's error pending, could reach a side effect, a raise (which would overwrite the record),
 * a loop, another call or a handler. When the result only flows through arithmetic that cannot
 * fail into a return (`return fib(n - 1) + fib(n - 2)`: the second call), the test is left out:
 * the zero value is returned, the flag stays set, and the caller's caller tests it. Such a call is
 * then a tail call with an accumulator, which LLVM's tail-recursion elimination turns into a
 * loop (as gcc does), and a chain of them (`return 1 + depth(n - 1)`, a binary search) runs
 * without using the stack at all. A frame that leaves out its test adds no traceback entry.
 *
 * A test that finds the flag set clears it (the error is now this frame's, which may catch it)
 * and fails as any failing operation does; leaving <sym>.rec (or a copy) sets it again.
 */
#include "lower.h"
#include "rt.h"   /* EMBER_RT_STACK_MARGIN_MIN */
#include <llvm-c/Analysis.h>
#include <llvm-c/Transforms/PassBuilder.h>
#include <stdlib.h>
#include <string.h>

#define REC_COPY_BUDGET 300        /* IR instructions of the copies one real call runs, inlined */
#define REC_MAX_COPIES 8           /* levels of the call tree one real call covers, at most */
#define REC_MAX_LOOP_COPIES 6      /* ... when the copies hold loops, each nested in the one above */
#define REC_UNGUARDED_FRAME 4096   /* bytes of allocas an unguarded level may have */
/* Below the limit a guard passed at, a real call runs at most REC_MAX_COPIES - 1 unguarded levels
 * (inlined into its frame or not) and the frame of the next copy 0, whose guard comes before its
 * own calls: their allocas, and the spill slots and saved registers of at most REC_COPY_BUDGET
 * IR instructions (a few LLVM values each, 32 bytes at the widest). That must fit well inside
 * the least margin the runtime keeps below the limit for its helpers. */
_Static_assert(REC_MAX_COPIES * REC_UNGUARDED_FRAME + REC_COPY_BUDGET * 4 * 32 <= EMBER_RT_STACK_MARGIN_MIN / 2,
               "unguarded recursion levels must fit in the stack margin");
#define REC_MAX_PARAMS 64          /* parameters of <sym>.rec, its aggregates passed by field */
#define PEEK_MAX_INSTRS 40         /* instructions of the blocks <sym>.rec.peek runs, at most */
#define GUARD_NAME "recursion.guard"              /* before a call down the recursion */
#define ENTRY_GUARD_NAME "recursion.entry"        /* at the entry: kept for a large frame only */

bool cg_recurses(TypeInfo *ti) {
    if (ti->cycle) return true;   /* its cycle's functions call it (typeinfer/cycle.c) */
    for (int i = 0; i < ti->fn->ninstrs; i++)
        if (ti->calls[i] && ti->calls[i]->kind == CALL_SELF) return true;
    return false;
}

LLVMValueRef cg_recursive_twin(Lower *L, TypeInfo *ti) {
    return LLVMGetNamedFunction(L->m, ctx_printf(L->ctx, "%s.rec", ti->symbol));
}

/* Copy i of ti's body: <sym>.rec (i = 0, the guarded one), <sym>.rec.1, ... or NULL. */
LLVMValueRef cg_rec_copy(Lower *L, TypeInfo *ti, int i) {
    return LLVMGetNamedFunction(L->m, i ? ctx_printf(L->ctx, "%s.rec.%d", ti->symbol, i) : ctx_printf(L->ctx, "%s.rec", ti->symbol));
}

/* How many copies of ti's body cg_rec_declare made (1: only <sym>.rec). */
int cg_rec_copies(Lower *L, TypeInfo *ti) {
    int k = 1;
    while (k < REC_MAX_COPIES && cg_rec_copy(L, ti, k)) k++;
    return k;
}

/* Which copy of ti's body is L->func (-1: none, a prange body or another function). */
static int copy_index(Lower *L, TypeInfo *ti) {
    for (int i = 0, k = cg_rec_copies(L, ti); i < k; i++)
        if (L->func == cg_rec_copy(L, ti, i)) return i;
    return -1;
}

/* The frame record a trampoline passes down: the failure flag, then the stack limit. */
static LLVMTypeRef frame_type(Lower *L) {
    LLVMTypeRef f[2] = {L->i1, L->i64};
    return LLVMStructTypeInContext(L->c, f, 2, 0);
}

/* A fresh frame record (its slot in the entry), set here: the flag clear, the thread's stack limit. */
static LLVMValueRef new_frame(Lower *L) {
    LLVMValueRef frame = cg_entry_alloca(L, frame_type(L), "rec.frame");
    LLVMBuildStore(L->b, LLVMConstInt(L->i1, 0, 0), frame);
    /* The limit is the thread's, the same at every call: pure, so a loop of calls of a recursive
     * function (a search per key) reads it once, before the loop. */
    LLVMValueRef limit = cg_call(L, "ember_rt_stack_limit", L->i64, NULL, NULL, 0);
    cg_mark_pure(L, limit);
    LLVMBuildStore(L->b, limit, LLVMBuildStructGEP2(L->b, frame_type(L), frame, 1, ""));
    return frame;
}

static void count_recursive_calls(Lower *L, TypeInfo *ti, int *calls, int *tested, int *loops);

/* How many copies of the body the functions of ti's recursion (ti alone, or its cycle) are
 * lowered as: copy 0 is <sym>.rec, with the guard; the tested calls of copy 0 go to copy 1, and
 * every call of copy i > 0 to copy i + 1, the last's back to copy 0. Copies 1.. are inlined, so
 * one real call runs k levels of the call tree: t tested calls in copy 0 and c calls in the
 * others make n (1 + t (1 + c + ... + c^(k-2))) instructions of a body of n. The largest k of at
 * most REC_MAX_COPIES that keeps that within REC_COPY_BUDGET (the code size and compile time
 * gcc's recursive inlining also bounds). A cycle shares one k, from its largest member's n, t
 * and c, and makes a chain per member: m members count m times. t counts the calls of copy 0
 * that go down a copy (the tested ones and all of the cycle's other functions), c those of the
 * other copies (all but the untested self-calls that stay as loops, loopable). 1 (no copy) with
 * a prange loop (its outlined body is made once) or when no call goes down (the self-calls all
 * stay in <sym>.rec, as loops).
 *
 * *peek: the members get <sym>.rec.peek (below) when a call goes down and the copies hold no
 * loop: fib's test its base case where their loops end, and peek added to the nest only its
 * size (8% slower). Its instructions are not counted in the budget: counted (twice, as LLVM
 * copies a test's blocks into the paths that reach them), they took a copy from hofstadter,
 * minimax and tree_sum, which then ran 1.2-1.8x longer. */
static int rec_copies(Lower *L, TypeInfo *ti, bool *peek) {
    int n = 0, t = 0, c = 0, loops = 0, members = ti->cycle ? ti->cycle->n : 1;
    *peek = false;
    for (int j = 0; j < members; j++) {
        TypeInfo *m = ti->cycle ? ti->cycle->members[j] : ti;
        int calls = 0, tested = 0;
        if (m->nparloops) return 1;
        count_recursive_calls(L, m, &calls, &tested, &loops);
        n = m->fn->ninstrs > n ? m->fn->ninstrs : n;
        c = calls > c ? calls : c;
        t = tested > t ? tested : t;
    }
    long long total = (long long)n * members, level = (long long)n * t * members;   /* a chain per member */
    int k = 1;
    for (; k < (loops ? REC_MAX_LOOP_COPIES : REC_MAX_COPIES) && t > 0 && total + level <= REC_COPY_BUDGET; k++) {
        total += level;
        level *= c;
    }
    *peek = t > 0 && !loops;
    return k;
}

/* ---- parameters passed field by field ---------------------------------------------------------
 * An aggregate parameter (an array's struct, a tuple) is passed to <sym>.rec as its scalar
 * fields, so that LLVM's dead-argument elimination drops the fields the body never reads but
 * only passes down (an array's meminfo, parent and strides where it indexes a contiguous array):
 * fewer registers per call, none on the stack. Unless that makes more than REC_MAX_PARAMS. */

static bool aggregate(LLVMTypeRef t) {
    LLVMTypeKind k = LLVMGetTypeKind(t);
    return k == LLVMStructTypeKind || k == LLVMArrayTypeKind;
}

static unsigned nfields(LLVMTypeRef t) {
    return LLVMGetTypeKind(t) == LLVMStructTypeKind ? LLVMCountStructElementTypes(t) : (unsigned)LLVMGetArrayLength2(t);
}

static LLVMTypeRef field_type(LLVMTypeRef t, unsigned i) {
    return LLVMGetTypeKind(t) == LLVMStructTypeKind ? LLVMStructGetTypeAtIndex(t, i) : LLVMGetElementType(t);
}

/* The scalar parameter types of a value of type t, after the n of pt; the new count, or more
 * than REC_MAX_PARAMS (then nothing more is written). */
static int field_types(LLVMTypeRef t, LLVMTypeRef *pt, int n) {
    if (!aggregate(t)) {
        if (n < REC_MAX_PARAMS) pt[n] = t;
        return n + 1;
    }
    for (unsigned i = 0; i < nfields(t) && n <= REC_MAX_PARAMS; i++) n = field_types(field_type(t, i), pt, n);
    return n;
}

/* Are ti's parameters passed field by field (no more than REC_MAX_PARAMS fields)? */
static bool flat_params(Lower *L, TypeInfo *ti) {
    LLVMTypeRef pt[REC_MAX_PARAMS + 1];
    int n = 0;
    for (int i = 0; i < ti->nargs && n <= REC_MAX_PARAMS; i++) n = field_types(cg_type(L, ti->argtypes[i]), pt, n);
    return n <= REC_MAX_PARAMS;
}

/* <sym>.rec's parameter types before the frame record; their count. */
static int rec_params(Lower *L, TypeInfo *ti, LLVMTypeRef *pt) {
    int n = 0;
    bool flat = flat_params(L, ti);
    for (int i = 0; i < ti->nargs; i++) n = flat ? field_types(cg_type(L, ti->argtypes[i]), pt, n) : (pt[n] = cg_type(L, ti->argtypes[i]), n + 1);
    return n;
}

/* The scalar fields of v after the n of out; the new count. */
static int split(Lower *L, LLVMValueRef v, LLVMValueRef *out, int n) {
    LLVMTypeRef t = LLVMTypeOf(v);
    if (!aggregate(t)) {
        out[n] = v;
        return n + 1;
    }
    for (unsigned i = 0; i < nfields(t); i++) n = split(L, LLVMBuildExtractValue(L->b, v, i, ""), out, n);
    return n;
}

/* A value of type t made of <sym>.rec's parameters from *next on. */
static LLVMValueRef join(Lower *L, LLVMTypeRef t, unsigned *next) {
    if (!aggregate(t)) return LLVMGetParam(L->func, (*next)++);
    LLVMValueRef v = LLVMGetPoison(t);
    for (unsigned i = 0; i < nfields(t); i++) v = LLVMBuildInsertValue(L->b, v, join(L, field_type(t, i), next), i, "");
    return v;
}

/* Parameter i of ti, read in <sym>.rec (or a copy). */
LLVMValueRef cg_rec_param(Lower *L, int i) {
    if (!flat_params(L, L->ti)) return LLVMGetParam(L->func, (unsigned)i);
    LLVMTypeRef pt[REC_MAX_PARAMS + 1];
    unsigned next = 0;
    for (int k = 0; k < i; k++) next += (unsigned)field_types(cg_type(L, L->ti->argtypes[k]), pt, 0);
    return join(L, cg_type(L, L->ti->argtypes[i]), &next);
}

/* A call of <sym>.rec or a copy with ti's n arguments and the frame record. */
static LLVMValueRef call_rec(Lower *L, TypeInfo *ti, LLVMValueRef f, LLVMValueRef *args, int n, LLVMValueRef frame) {
    LLVMValueRef all[REC_MAX_PARAMS + 260];
    int k = 0;
    bool flat = flat_params(L, ti);
    for (int i = 0; i < n; i++) k = flat ? split(L, args[i], all, k) : (all[k] = args[i], k + 1);
    all[k++] = frame;
    return LLVMBuildCall2(L->b, LLVMGlobalGetValueType(f), f, all, (unsigned)k, "");
}

static LLVMValueRef declare_rec(Lower *L, TypeInfo *ti, const char *name) {
    LLVMTypeRef pt[REC_MAX_PARAMS + 260];
    int n = rec_params(L, ti, pt);
    pt[n++] = L->ptr;
    LLVMValueRef rec = LLVMAddFunction(L->m, name, LLVMFunctionType(cg_type(L, ti->ret), pt, (unsigned)n, 0));
    LLVMSetLinkage(rec, LLVMInternalLinkage);
    cg_set_fn_attrs(L, rec);
    /* the frame record: only ever the trampoline's own, passed down */
    const char *attrs[] = {"noalias", "nocapture", "nonnull"};
    for (int k = 0; k < 3; k++)
        LLVMAddAttributeAtIndex(rec, (unsigned)n, LLVMCreateEnumAttribute(L->c, LLVMGetEnumAttributeKindForName(attrs[k], strlen(attrs[k])), 0));
    return rec;
}

/* <sym>.rec (and its copies): <sym>'s parameters after `out`, the frame record; returns the value. */
void cg_rec_declare(Lower *L, TypeInfo *ti) {
    declare_rec(L, ti, ctx_printf(L->ctx, "%s.rec", ti->symbol));
    bool peek;
    for (int i = 1, k = rec_copies(L, ti, &peek); i < k; i++) declare_rec(L, ti, ctx_printf(L->ctx, "%s.rec.%d", ti->symbol, i));
    if (peek && cg_rec_prefix(L, ti)) declare_rec(L, ti, ctx_printf(L->ctx, "%s.rec.peek", ti->symbol));
}

/* RecursionError when the stack pointer lies below the limit. The stack pointer is read as a
 * register where the target names it (llvm.frameaddress would make every frame set up a frame
 * pointer). */
static void recursion_guard(Lower *L, const char *name) {
    const char *triple = LLVMGetTarget(L->m), *reg = !strncmp(triple, "x86_64", 6) ? "rsp"
                                                    : !strncmp(triple, "aarch64", 7) ? "sp" : NULL;
    LLVMValueRef sp;
    if (reg) {
        LLVMMetadataRef name = LLVMMDStringInContext2(L->c, reg, strlen(reg));
        LLVMValueRef md = LLVMMetadataAsValue(L->c, LLVMMDNodeInContext2(L->c, &name, 1));
        LLVMTypeRef mt = LLVMMetadataTypeInContext(L->c);
        sp = cg_call(L, "llvm.read_register.i64", L->i64, &mt, &md, 1);
    } else {
        LLVMValueRef zero = LLVMConstInt(L->i32, 0, 0);
        sp = LLVMBuildPtrToInt(L->b, cg_call(L, "llvm.frameaddress.p0", L->ptr, &L->i32, &zero, 1), L->i64, "");
    }
    LLVMValueRef limit = LLVMBuildLoad2(L->b, L->i64, LLVMBuildStructGEP2(L->b, frame_type(L), L->err, 1, ""), "limit");
    cg_raise_if(L, LLVMBuildICmp(L->b, LLVMIntULT, sp, limit, name), "builtins:RecursionError",
                "maximum recursion depth exceeded");
}

/* Is x an icmp named `name`, or `name` with the number LLVM appends to a repeated name? */
static bool named(LLVMValueRef x, const char *name) {
    size_t len, n = strlen(name);
    const char *s = LLVMIsAICmpInst(x) ? LLVMGetValueName2(x, &len) : "";
    if (strncmp(s, name, n)) return false;
    for (s += n; *s >= '0' && *s <= '9'; s++) {}
    return !*s;
}

static void drop_guard(Lower *L, LLVMValueRef guard) {
    LLVMReplaceAllUsesWith(guard, LLVMConstInt(L->i1, 0, 0));
    LLVMInstructionEraseFromParent(guard);
}

/* The guards of a copy once it is lowered. Each call down the recursion is guarded where it is
 * made (cg_call_self), not at the entry: a level that returns without going deeper (a base case)
 * tests nothing, and needs no frame of saved registers on that path (shrink-wrapping). The
 * stack pointer is the same anywhere after the prologue, so the test before the call is the
 * entry's. Copy 0 keeps its call guards; its entry guard is left out unless its frame is large
 * (then the frame itself could cross the limit before a call's test).
 *
 * Copies i > 0 lose every guard, so that k copies test the stack once per k levels, and are
 * marked always-inline, so that a real call runs k levels whatever the inliner's cost model says
 * of the chain (cg_rec_copies' budget bounds it): the copies 1..k-1 (inlined: one larger frame
 * of <sym>.rec) and the next copy 0's frame are the most that can lie below the limit
 * unchecked, and the limit keeps a margin of EMBER_RT_STACK_MARGIN_MIN or more (the
 * _Static_assert above). Their fixed stack objects must then be small: a copy with more than
 * REC_UNGUARDED_FRAME bytes of allocas keeps its guards, and is left to the inliner's
 * judgement. */
void cg_rec_unguard(Lower *L, LLVMValueRef copy, bool first) {
    LLVMTargetDataRef td = LLVMGetModuleDataLayout(L->m);
    unsigned long long frame = 0;
    LLVMBasicBlockRef entry = LLVMGetEntryBasicBlock(copy);
    for (LLVMValueRef x = LLVMGetFirstInstruction(entry); x; x = LLVMGetNextInstruction(x))
        if (LLVMIsAAllocaInst(x)) {
            LLVMValueRef count = LLVMGetOperand(x, 0);
            frame += LLVMIsAConstantInt(count) ? LLVMABISizeOfType(td, LLVMGetAllocatedType(x)) * LLVMConstIntGetZExtValue(count)
                                               : REC_UNGUARDED_FRAME + 1;
        }
    bool small = frame <= REC_UNGUARDED_FRAME;
    int n = 0;   /* the guards that stay */
    for (LLVMBasicBlockRef b = entry; b; b = LLVMGetNextBasicBlock(b))
        for (LLVMValueRef x = LLVMGetFirstInstruction(b), next; x; x = next) {
            next = LLVMGetNextInstruction(x);
            bool at_entry = named(x, ENTRY_GUARD_NAME);
            if (!at_entry && !named(x, GUARD_NAME)) continue;
            if (small && (at_entry || !first)) drop_guard(L, x);
            else n++;
        }
    /* A guard another one dominates tests the same stack pointer again: one a path suffices. */
    LLVMValueRef *guards = n > 1 ? ctx_alloc(L->ctx, sizeof *guards * (size_t)n) : NULL;
    Cfg g;
    if (guards && !cfg_open(&g, copy)) {
        n = 0;
        for (LLVMBasicBlockRef b = entry; b; b = LLVMGetNextBasicBlock(b))
            for (LLVMValueRef x = LLVMGetFirstInstruction(b); x; x = LLVMGetNextInstruction(x))
                if (named(x, ENTRY_GUARD_NAME) || named(x, GUARD_NAME)) guards[n++] = x;
        for (int a = 0; a < n; a++) {
            LLVMBasicBlockRef ba = LLVMGetInstructionParent(guards[a]);
            for (int d = 0; d < n; d++)
                if (d != a && guards[d] && cfg_dominates(&g, copy, LLVMGetInstructionParent(guards[d]), ba)) {
                    drop_guard(L, guards[a]);
                    guards[a] = NULL;
                    break;
                }
        }
        cfg_close(&g);
    }
    if (!first && small)
        LLVMAddAttributeAtIndex(copy, LLVMAttributeFunctionIndex,
                                LLVMCreateEnumAttribute(L->c, LLVMGetEnumAttributeKindForName("alwaysinline", 12), 0));
}

/* Does a value of type t hold a list, dict or set (which a callee could empty)? */
static bool holds_container(const Type *t) {
    if (!t) return false;
    if (t->kind == TY_LIST || t->kind == TY_DICT || t->kind == TY_SET) return true;
    if (t->kind == TY_TUPLE || t->kind == TY_OPTIONAL)
        for (int i = 0; i < t->n; i++)
            if (holds_container(t->elems[i])) return true;
    return false;
}

/* The variables that hold a parameter the frame need not own a reference to: those only ever
 * assigned their parameter. The caller's reference outlives the call, and nothing the frame
 * does can drop it, since no parameter holds a container the caller's reference could live in.
 * Without the reference there is nothing to drop after a self-call, so recursion over an array
 * (a binary search, a quicksort) keeps its tail calls; and a helper called in a loop takes and
 * drops no reference to each array it is given (two atomic operations each: rk4_lorenz_alloc
 * calls _lorenz(s, p) four times a step). NULL when no variable is. */
/* Whether instruction x gives variable x->imm a value other than a parameter (a store of
 * anything else, or del): a parameter itself, or the value of a variable that holds one
 * (borrowed so far; NULL: a parameter only), as the stack copies Python makes around a
 * conditional expression do
 * (`a[i, j] += f(a[i - 1, j] if i else 0.0)` keeps `a` on the stack across the branches). */
static bool reassigns(Function *fn, const Instr *x, const bool *borrowed) {
    if (x->op != IR_STOREVAR && x->op != IR_DELVAR) return false;
    const Instr *v = x->op == IR_STOREVAR ? fn->instrs[x->args[0]] : NULL;
    return !v || !(v->op == IR_ARG || (borrowed && v->op == IR_LOADVAR && borrowed[v->imm]));
}

bool *cg_borrowed_parameters(Lower *L) {
    TypeInfo *ti = L->ti;
    Function *fn = ti->fn;
    for (int i = 0; i < ti->nargs; i++)
        if (holds_container(ti->argtypes[i])) return NULL;
    bool *borrowed = ctx_alloc(L->ctx, sizeof(bool) * (size_t)(fn->nvars + 1));
    if (!borrowed) return NULL;
    for (int v = 0; v < fn->nvars; v++) borrowed[v] = ti->vartypes[v] && cg_has_refs(L, ti->vartypes[v]);
    for (bool changed = true; changed;) {   /* until no copy of a variable that lost it keeps it */
        changed = false;
        for (int i = 0; i < fn->ninstrs; i++) {
            Instr *x = fn->instrs[i];
            if (x && (x->op == IR_STOREVAR || x->op == IR_DELVAR) && borrowed[x->imm] && reassigns(fn, x, borrowed)) {
                borrowed[x->imm] = false;
                changed = true;
            }
        }
    }
    return borrowed;
}

/* Whether nothing in fn can drop an item of a list, or a list a caller lends: no item stored
 * or deleted but an array's or a record's, no in-place operator on a list, no call but to
 * builtins that only read, add or reorder (append, sort, len, dict.get, ...), no inner
 * function, objmode block or yield. */
static bool drops_no_items(Lower *L) {
    Function *fn = L->fn;
    for (int i = 0; i < fn->ninstrs; i++) {
        Instr *x = fn->instrs[i];
        if (!x) continue;
        const Type *a0 = x->nargs > 0 && x->args[0] >= 0 ? L->ti->vtypes[x->args[0]] : NULL;
        switch (x->op) {
        case IR_SETITEM: case IR_DELITEM:
            if (!a0 || (a0->kind != TY_ARRAY && a0->kind != TY_RECORD && a0->kind != TY_RECARRAY)) return false;
            break;
        case IR_BINOP:
            if (x->imm2 && a0 && a0->kind == TY_LIST) return false;   /* l *= 0 */
            break;
        case IR_MAKEFUNC: case IR_OBJMODE: case IR_YIELD: case IR_CELLREF:
            return false;
        case IR_CALL: {
            const CallInfo *ci = L->ti->calls[x->id];
            if (!ci || ci->kind != CALL_BUILTIN) return false;
            int b = ci->builtin;
            if (b >= LIST_OPS && !(b == LM_APPEND || b == LM_EXTEND || b == LM_INSERT || b == LM_INDEX || b == LM_COUNT ||
                                   b == LM_COPY || b == LM_REVERSE || b == LM_SORT || (b >= LB_LEN && b <= LB_DICT) ||
                                   b == DM_GET || b == DM_ITEMS || b == DM_KEYS || b == DM_VALUES || b == DM_COPY ||
                                   b == LB_SET || b == LB_NP_ARRAY || b == LB_SAME))
                return false;
            break;
        }
        default:
            break;
        }
    }
    return true;
}

/* The variable whose list the iterator value v iterates: GETITER of a LOADVAR, passed through
 * the stack's $ variables between the loop's blocks (seen: those on the way, whose cycles say
 * nothing); -1 when they disagree or it is no list, -2 for a cycle alone. */
static int iterated_list_var(Lower *L, int v, bool *seen, bool enumerated) {
    Function *fn = L->fn;
    Instr *x = fn->instrs[v];
    if (!x) return -1;
    if (x->op == IR_GETITER) {   /* iter(l), or iter(enumerate(l)) where enumerated */
        Instr *src = fn->instrs[x->args[0]];
        if (enumerated) {
            const CallInfo *ci = src->op == IR_CALL ? L->ti->calls[src->id] : NULL;
            if (!ci || ci->kind != CALL_BUILTIN || ci->builtin != BI_ENUMERATE || src->nargs != 2 || src->nkw) return -1;
            src = fn->instrs[src->args[1]];
        }
        const Type *lt = L->ti->vtypes[src->id];
        return src->op == IR_LOADVAR && lt && lt->kind == TY_LIST ? src->imm : -1;
    }
    if (x->op != IR_LOADVAR || fn->varnames[x->imm][0] != '$') return -1;
    if (seen[x->imm]) return -2;
    seen[x->imm] = true;
    int found = -2;
    for (int i = 0; i < fn->ninstrs && found != -1; i++) {
        Instr *y = fn->instrs[i];
        if (!y || y->imm != x->imm || (y->op != IR_STOREVAR && y->op != IR_DELVAR)) continue;
        int s = y->op == IR_DELVAR ? -1 : iterated_list_var(L, y->args[0], seen, enumerated);
        if (s == -2) continue;
        found = s < 0 || (found >= 0 && s != found) ? -1 : s;
    }
    seen[x->imm] = false;
    return found;
}

/* The loop variables that need not own the items they hold: `for w in l` (or `for i, w in
 * enumerate(l)`), l a parameter never assigned, in a function that drops no list item
 * (drops_no_items). The list holds every item
 * for the whole call (the caller's reference holds the list), so w can borrow it: a loop over
 * a list of strings took an atomic increment and decrement per item (1.9x numba's time). Marks
 * them in borrowed (made when NULL); returns it. */
bool *cg_borrowed_loop_items(Lower *L, bool *borrowed) {
    Function *fn = L->fn;
    if (fn->generator || !drops_no_items(L)) return borrowed;
    for (int v = 0; v < fn->nvars; v++) {
        const Type *t = L->ti->vartypes[v];
        if (!t || !cg_has_refs(L, t) || (borrowed && borrowed[v])) continue;
        int stores = 0;
        bool ok = true;
        for (int i = 0; ok && i < fn->ninstrs; i++) {
            Instr *x = fn->instrs[i];
            if (!x || x->imm != v || (x->op != IR_STOREVAR && x->op != IR_DELVAR)) continue;
            Instr *val = x->op == IR_STOREVAR ? fn->instrs[x->args[0]] : NULL;
            bool enumerated = val && val->op == IR_UNPACK && val->imm == 1;   /* for i, w in enumerate(l) */
            if (enumerated) val = fn->instrs[val->args[0]];
            bool seen[fn->nvars + 1];
            memset(seen, 0, sizeof seen);
            int lv = val && val->op == IR_ITERVALUE ? iterated_list_var(L, val->args[0], seen, enumerated) : -1;
            ok = lv >= 0 && lv < fn->nparams;
            for (int k = 0; ok && k < fn->ninstrs; k++)   /* the list's variable: only its parameter */
                ok = !(fn->instrs[k] && fn->instrs[k]->imm == lv && reassigns(fn, fn->instrs[k], NULL));
            stores++;
        }
        if (!ok || !stores) continue;
        if (!borrowed) {
            if (!(borrowed = ctx_alloc(L->ctx, sizeof(bool) * (size_t)(fn->nvars + 1)))) return NULL;
            memset(borrowed, 0, sizeof(bool) * (size_t)(fn->nvars + 1));
        }
        borrowed[v] = true;
    }
    return borrowed;
}

/* Does instruction x make a new container or value whose one reference its own slot holds until
 * x runs again (cg_own): a list, dict or set display, or a compiled function's result? */
static bool owns_its_value(Lower *L, const Instr *x) {
    const Type *t = L->ti->vtypes[x->id];
    switch (x->op) {
    case IR_TUPLE: return t && t->kind == TY_LIST;
    case IR_DICT: case IR_SET: return true;
    case IR_CALL: return L->ti->calls[x->id] && cg_is_fresh(L, (Instr *)x) && t && t->kind != TY_GENERATOR;
    default: return false;
    }
}

/* The stack variables ($b<block>.<slot>, frontend/decode.c) that only ever carry one value that
 * its producer's slot owns, copied from block to block: a comprehension's list, dict or set
 * goes round its loop in four of them, and each store into one that owned a reference cost a
 * load, a compare and a branch a trip (`[v * 2.0 for v in x if v > 0.1]` took 1.4x the time of
 * the same loop with append). Such a variable needs no reference: the value stays on the
 * operand stack from its producer until its last use, and the producer cannot run again
 * meanwhile (it runs at one stack depth, where the value is), so its slot holds it until then.
 * A variable's source is found through the loads of other stack variables it is given (a
 * lattice: none yet, one producer, several or another kind). Marks them in borrowed (made when
 * NULL); returns it. */
bool *cg_borrowed_stack_values(Lower *L, bool *borrowed) {
    Function *fn = L->fn;
    if (fn->generator) return borrowed;
    int *src = ctx_alloc(L->ctx, sizeof(int) * (size_t)(fn->nvars + 1));
    if (!src) return borrowed;
    bool any = false;
    for (int v = 0; v < fn->nvars; v++) {
        const Type *t = L->ti->vartypes[v];
        src[v] = fn->varnames[v][0] == '$' && t && cg_has_refs(L, t) && !(borrowed && borrowed[v]) ? -2 : -1;
        any |= src[v] == -2;
    }
    for (bool changed = any; changed;) {
        changed = false;
        for (int i = 0; i < fn->ninstrs; i++) {
            Instr *x = fn->instrs[i];
            if (!x || (x->op != IR_STOREVAR && x->op != IR_DELVAR) || src[x->imm] == -1) continue;
            Instr *val = x->op == IR_STOREVAR ? fn->instrs[x->args[0]] : NULL;
            int s = !val ? -1
                  : val->op == IR_LOADVAR && fn->varnames[val->imm][0] == '$' ? src[val->imm]
                  : owns_its_value(L, val) ? val->id : -1;
            if (s == -2) continue;
            int now = src[x->imm] == -2 || src[x->imm] == s ? s : -1;
            if (now != src[x->imm]) {
                src[x->imm] = now;
                changed = true;
            }
        }
    }
    for (int v = 0; v < fn->nvars; v++) {
        if (src[v] < 0) continue;
        if (!borrowed) {
            if (!(borrowed = ctx_alloc(L->ctx, sizeof(bool) * (size_t)(fn->nvars + 1)))) return NULL;
            memset(borrowed, 0, sizeof(bool) * (size_t)(fn->nvars + 1));
        }
        borrowed[v] = true;
    }
    return borrowed;
}

/* In <sym>.rec's entry block: the result slot (zero until a return stores it, so a failing
 * frame returns zero), the frame record, the borrowed parameters, the guard. */
void cg_rec_begin(Lower *L, LLVMValueRef rec) {
    L->borrowed = cg_borrowed_parameters(L);
    L->err = LLVMGetParam(rec, LLVMCountParams(rec) - 1);
    LLVMTypeRef rt = LLVMGetReturnType(LLVMGlobalGetValueType(rec));
    L->out = cg_entry_alloca(L, rt, "result");
    LLVMBuildStore(L->b, LLVMConstNull(rt), L->out);
    /* A body whose calls down the recursion are all untested self-calls, as tail calls are (a
     * binary search, a bisection), keeps its guard at the entry: the header of the loop LLVM
     * makes of them, where a loop without a call reads the same stack pointer in every trip,
     * and LLVM takes that test out of it. The guards in front of each call, which it
     * dominates, go (cg_rec_unguard). */
    int calls = 0, tested = 0, loops = 0;
    count_recursive_calls(L, L->ti, &calls, &tested, &loops);
    recursion_guard(L, tested ? ENTRY_GUARD_NAME : GUARD_NAME);
}

/* Leave <sym>.rec: flag a failure, return the result slot (or go through the exit block). */
void cg_rec_ret(Lower *L, LLVMValueRef status) {
    if (!LLVMIsAConstantInt(status) || LLVMConstIntGetZExtValue(status) != 0)
        LLVMBuildStore(L->b, LLVMBuildICmp(L->b, LLVMIntNE, status, LLVMConstInt(L->i32, 0, 0), ""), L->err);
    if (L->refs) LLVMBuildBr(L->b, L->exit_bb);
    else cg_rec_ret_value(L);
}

void cg_rec_ret_value(Lower *L) {
    LLVMBuildRet(L->b, LLVMBuildLoad2(L->b, LLVMGetReturnType(LLVMGlobalGetValueType(L->func)), L->out, ""));
}

/* <sym>(out, args...): a frame record, <sym>.rec; the result stored and a status returned. */
void cg_rec_trampoline(Lower *L, TypeInfo *ti, LLVMValueRef rec) {
    LLVMValueRef f = LLVMGetNamedFunction(L->m, ti->symbol);
    L->func = f;
    L->entry_bb = LLVMAppendBasicBlockInContext(L->c, f, "entry");
    LLVMPositionBuilderAtEnd(L->b, L->entry_bb);
    LLVMValueRef err = new_frame(L);
    LLVMValueRef args[260];
    int n = (int)LLVMCountParams(f) - 1;
    for (int i = 0; i < n; i++) args[i] = LLVMGetParam(f, (unsigned)i + 1);
    LLVMValueRef v = call_rec(L, ti, rec, args, n, err);
    LLVMValueRef failed = LLVMBuildLoad2(L->b, L->i1, err, "");
    LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(L->c, f, "ok"), fail = LLVMAppendBasicBlockInContext(L->c, f, "fail");
    cg_br_expect(L, failed, false, fail, ok);
    LLVMPositionBuilderAtEnd(L->b, fail);
    LLVMBuildRet(L->b, LLVMConstInt(L->i32, (unsigned long long)-1, 1));
    LLVMPositionBuilderAtEnd(L->b, ok);
    LLVMBuildStore(L->b, v, LLVMGetParam(f, 0));
    LLVMBuildRet(L->b, LLVMConstInt(L->i32, 0, 0));
}

/* ---- where a pending error may go untested ------------------------------------------------ */

static bool plain_scalar(const Type *t) {
    return t && (t->kind == TY_BOOL || t->kind == TY_INT64 || t->kind == TY_UINT64 || t->kind == TY_FLOAT64);
}

/* A value that holds no reference and needs no memory: a number, or a tuple of them. */
static bool plain_value(const Type *t) {
    if (!t) return false;
    if (t->kind == TY_TUPLE) {
        for (int i = 0; i < t->n; i++)
            if (!plain_value(t->elems[i])) return false;
        return true;
    }
    return plain_scalar(t) || t->kind == TY_COMPLEX128 || t->kind == TY_NONE;
}

/* Can x run on a value left by a failed call (a zero) without failing, writing anything but a
 * local variable, or looping? Numbers only: arithmetic that cannot raise (no division, power or
 * shift), comparisons, tuples of numbers. */
static bool harmless(Lower *L, Instr *x) {
    TypeInfo *ti = L->ti;
    const Type *t = ti->vtypes[x->id];
    switch (x->op) {
    case IR_CONST: case IR_ARG: case IR_COPY: return plain_value(t);
    case IR_LOADVAR: return plain_value(t) && !(ti->maybe_unbound && ti->maybe_unbound[x->id]);
    case IR_STOREVAR: return plain_value(ti->vartypes[x->imm]);
    case IR_TUPLE: return t && t->kind == TY_TUPLE && plain_value(t);
    case IR_UNPACK: return plain_value(t) && ti->vtypes[x->args[0]]->kind == TY_TUPLE;
    case IR_TRUTH: return plain_scalar(ti->vtypes[x->args[0]]);
    case IR_CMP: case IR_UNOP:
        for (int k = 0; k < x->nargs; k++)
            if (!plain_scalar(ti->vtypes[x->args[k]])) return false;
        return plain_scalar(t);
    case IR_BINOP:
        if (x->imm != IRB_ADD && x->imm != IRB_SUB && x->imm != IRB_MUL && x->imm != IRB_AND &&
            x->imm != IRB_OR && x->imm != IRB_XOR)
            return false;
        return plain_scalar(t) && plain_scalar(ti->vtypes[x->args[0]]) && plain_scalar(ti->vtypes[x->args[1]]);
    default: return false;
    }
}

/* Do all paths from instruction k of block b reach a return through harmless instructions? A
 * few blocks at most (`budget`): the join of a conditional expression, an if/else. */
static bool returns_harmlessly(Lower *L, Block *b, int k, int *budget) {
    if (--*budget < 0) return false;
    for (int i = k; i < b->ninstrs; i++) {
        Instr *x = b->instrs[i];
        switch (x->op) {
        case IR_RETURN: return plain_value(L->ti->vtypes[x->args[0]]);
        case IR_JUMP: return returns_harmlessly(L, x->target[0], 0, budget);
        case IR_BRANCH:
            return returns_harmlessly(L, x->target[0], 0, budget) && returns_harmlessly(L, x->target[1], 0, budget);
        default:
            if (!harmless(L, x)) return false;
        }
    }
    return false;
}

/* Can LLVM's tail-recursion elimination turn an untested self-call returning t into a loop? Its
 * accumulators are associative and commutative: + * & | ^ of integers, not of floats (without
 * fastmath), and a call whose result is returned as it is, or a constant returned after it. So a
 * result of an integer, a bool or None: the untested self-calls of copies i > 0 returning one stay
 * in their copy (cg_call_self), to become its loop; cg_rec_tail_loops sends those that remain
 * calls to copy 0. */
static bool loopable(const Type *t) {
    return t && (t->kind == TY_BOOL || t->kind == TY_INT64 || t->kind == TY_UINT64 || t->kind == TY_NONE);
}

/* Must the self-call being lowered (L->cur) test the flag right after it? */
static bool must_test_in(Lower *L, Block *b, Instr *cur) {
    if (!b || !cur || b->handler || !plain_value(L->ti->ret)) return true;
    for (int i = 0; i < b->ninstrs; i++)
        if (b->instrs[i] == cur) {
            int budget = 8;
            return !returns_harmlessly(L, b, i + 1, &budget);
        }
    return true;
}

static bool must_test(Lower *L) {
    return !L->err || must_test_in(L, L->block, L->cur);
}

/* ti's calls of itself or of its cycle's functions that go down a copy from copies i > 0 (all but
 * the untested self-calls that stay in their copy as loops), and how many test the flag (those
 * that go down a copy from <sym>.rec). */
static void count_recursive_calls(Lower *L, TypeInfo *ti, int *calls, int *tested, int *loops) {
    TypeInfo *outer = L->ti;
    L->ti = ti;
    for (int i = 0; i < ti->fn->nblocks; i++) {
        Block *b = ti->fn->blocks[i];
        for (int k = 0; k < b->ninstrs; k++) {
            CallInfo *ci = ti->calls[b->instrs[k]->id];
            if (!ci || (ci->kind != CALL_SELF && ci->kind != CALL_CYCLE)) continue;
            bool test = must_test_in(L, b, b->instrs[k]);
            *calls += test || ci->kind == CALL_CYCLE || !loopable(ti->ret);
            *loops += !test && ci->kind == CALL_SELF && loopable(ti->ret);
            *tested += test || ci->kind == CALL_CYCLE;
        }
    }
    L->ti = outer;
}

/* A self-call, or a call of another function of the recursion cycle (CALL_CYCLE): into the
 * callee's next copy (rec_copies: copy i calls copy i + 1, the last calls copy 0; a self-call
 * whose test is left out stays in its copy, where it may become a loop: in copy 0 always, in the
 * others when its result is loopable) with this frame's
 * record (outside them, in a prange body, a fresh one and copy 0), then the flag's test unless
 * it may be left to the caller. One record for the whole cycle. */
LLVMValueRef cg_call_self(Lower *L, CallInfo *ci, LLVMValueRef *args) {
    TypeInfo *callee = ci->kind == CALL_CYCLE ? ci->inner : L->ti;
    LLVMValueRef err = L->err;
    bool test = must_test(L);
    int here = copy_index(L, L->ti), k = cg_rec_copies(L, callee);
    bool stays = here < 0 || (here == 0 && !test && ci->kind == CALL_SELF) ||
                 (!test && ci->kind == CALL_SELF && loopable(callee->ret));   /* its copy's loop, if it can be */
    int to = here < 0 ? 0 : stays ? here : (here + 1) % k;
    LLVMValueRef f = cg_rec_copy(L, callee, to), peek = cg_rec_peek(L, callee);
    if (!stays && to == 0 && peek) f = peek;   /* down to <sym>.rec: its base cases inlined here */
    if (!err) err = new_frame(L);
    else recursion_guard(L, GUARD_NAME);
    LLVMValueRef v = call_rec(L, callee, f, args, ci->nparams, err);
    if (!test) return v;
    LLVMBasicBlockRef fail = LLVMAppendBasicBlockInContext(L->c, L->func, "propagate");
    LLVMBasicBlockRef ok = LLVMAppendBasicBlockInContext(L->c, L->func, "ok");
    cg_br_expect(L, LLVMBuildLoad2(L->b, L->i1, err, "failed"), false, fail, ok);
    LLVMPositionBuilderAtEnd(L->b, fail);
    LLVMBuildStore(L->b, LLVMConstInt(L->i1, 0, 0), err);
    cg_fail(L);
    LLVMPositionBuilderAtEnd(L->b, ok);
    return v;
}

/* ---- the base cases where the call is made -------------------------------------------------
 * Half the calls of a recursion of two calls a level (fib, a tree walk) find a base case at once:
 * they test `n < 2` or `left[node] < 0` and return. gcc inlines that test into the call site
 * (partial inlining) and calls only when the test fails. <sym>.rec.peek is that test: the blocks
 * of the body from its entry that only compute (arithmetic, comparisons, reads of arrays and
 * variables, len/abs/min/max), lowered as they are, up to the first block that does anything
 * else (a call down the recursion, a store, a loop, a raise): there it hands over, calling
 * <sym>.rec with its own parameters, which starts again from the entry. What peek computed is
 * computed again, and nothing it did needs undoing. peek is always-inline and calls down to
 * copy 0 go through it, so a base case costs its test at the call site, not a call. */

/* Could x run in peek and again in <sym>.rec without anything of it outliving peek? (It may
 * fail: peek then fails as <sym>.rec would, and <sym>.rec is not called.) */
static bool peek_safe(Lower *L, Instr *x) {
    TypeInfo *ti = L->ti;
    const Type *t = ti->vtypes[x->id];
    switch (x->op) {
    case IR_JUMP: case IR_BRANCH: case IR_ARG: return true;
    case IR_RETURN: return plain_value(ti->vtypes[x->args[0]]);
    case IR_LOADVAR:
        return !(ti->maybe_unbound && ti->maybe_unbound[x->id]) && (plain_value(t) || (L->borrowed && L->borrowed[x->imm]));
    case IR_STOREVAR: return plain_value(ti->vartypes[x->imm]) || (L->borrowed && L->borrowed[x->imm]);
    case IR_GLOBAL: return t && (t->kind == TY_FUNCTION || plain_value(t));
    case IR_GETITEM: {
        const Type *base = ti->vtypes[x->args[0]], *index = ti->vtypes[x->args[1]];
        return base && (base->kind == TY_ARRAY || base->kind == TY_TUPLE) && plain_value(index) && plain_scalar(t);
    }
    case IR_GETATTR: {
        const Type *base = ti->vtypes[x->args[0]];
        return base && base->kind == TY_ARRAY && plain_value(t);
    }
    case IR_BINOP: case IR_UNOP: case IR_CMP:
        for (int k = 0; k < x->nargs; k++)
            if (!plain_scalar(ti->vtypes[x->args[k]])) return false;
        return plain_scalar(t);
    case IR_CALL: {
        CallInfo *ci = ti->calls[x->id];
        if (!ci || ci->kind != CALL_BUILTIN || !plain_scalar(t)) return false;
        if (ci->builtin != BI_LEN && ci->builtin != BI_ABS && ci->builtin != BI_MIN && ci->builtin != BI_MAX &&
            ci->builtin != BI_INT && ci->builtin != BI_FLOAT && ci->builtin != BI_BOOL)
            return false;
        for (int k = 1; k < x->nargs; k++) {
            const Type *a = ti->vtypes[x->args[k]];
            if (!plain_value(a) && !(a && a->kind == TY_ARRAY)) return false;
        }
        return true;
    }
    default: return harmless(L, x);
    }
}

typedef struct {
    signed char *what;   /* per block: PEEK_RUN, PEEK_HAND_OVER or 0 */
    bool *open;          /* per block: on the walk's path (a loop, when reached again) */
    int instrs, returns, hand_overs;
} Prefix;

static bool walk_prefix(Lower *L, Block *b, Prefix *p) {
    if (p->open[b->id]) return false;   /* a loop of blocks peek would run */
    if (p->what[b->id]) return true;
    bool run = !b->handler;
    for (int i = 0; i < b->ninstrs && run; i++) {
        CallInfo *ci = L->ti->calls[b->instrs[i]->id];
        run = !(ci && (ci->kind == CALL_SELF || ci->kind == CALL_CYCLE)) && peek_safe(L, b->instrs[i]);
    }
    if (!run || p->instrs + b->ninstrs > PEEK_MAX_INSTRS) {   /* (too long a test: before it) */
        p->what[b->id] = PEEK_HAND_OVER;
        p->hand_overs++;
        return true;
    }
    p->what[b->id] = PEEK_RUN;
    p->instrs += b->ninstrs;
    Instr *end = b->instrs[b->ninstrs - 1];
    p->returns += end->op == IR_RETURN;
    p->open[b->id] = true;
    for (int k = 0; k < 2 && (end->op == IR_JUMP || end->op == IR_BRANCH); k++)
        if ((k == 0 || end->op == IR_BRANCH) && !walk_prefix(L, end->target[k], p)) return false;
    p->open[b->id] = false;
    return true;
}

/* What <sym>.rec.peek does in each block of ti's body, or NULL when it would be no use: no
 * return before the first hand-over, or an entry that hands over at once. */
const signed char *cg_rec_prefix(Lower *L, TypeInfo *ti) {
    TypeInfo *outer = L->ti;
    bool *outer_borrowed = L->borrowed;
    L->ti = ti;
    L->borrowed = cg_borrowed_parameters(L);
    Prefix p = {ctx_alloc(L->ctx, (size_t)ti->fn->nblocks + 1), ctx_alloc(L->ctx, (size_t)ti->fn->nblocks + 1), 0, 0, 0};
    bool ok = p.what && p.open && ti->fn->nblocks > 0;
    if (ok) {
        memset(p.what, 0, (size_t)ti->fn->nblocks);
        memset(p.open, 0, (size_t)ti->fn->nblocks);
        ok = walk_prefix(L, ti->fn->blocks[0], &p) && p.what[0] == PEEK_RUN && p.returns && p.hand_overs;
    }
    L->ti = outer;
    L->borrowed = outer_borrowed;
    return ok ? p.what : NULL;
}

LLVMValueRef cg_rec_peek(Lower *L, TypeInfo *ti) {
    return LLVMGetNamedFunction(L->m, ctx_printf(L->ctx, "%s.rec.peek", ti->symbol));
}

/* In <sym>.rec.peek, where it stops: <sym>.rec called with peek's own parameters. */
void cg_rec_hand_over(Lower *L, TypeInfo *ti) {
    LLVMValueRef rec = cg_rec_copy(L, ti, 0), args[REC_MAX_PARAMS + 260];
    unsigned n = LLVMCountParams(L->func);
    for (unsigned i = 0; i < n; i++) args[i] = LLVMGetParam(L->func, i);
    LLVMBuildRet(L->b, LLVMBuildCall2(L->b, LLVMGlobalGetValueType(rec), rec, args, n, ""));
}

/* ---- the loops of copies i > 0 ------------------------------------------------------------
 * An untested self-call of copy i > 0 calls copy i itself (cg_call_self), so that tail-recursion
 * elimination makes it copy i's own loop before the copy is inlined into copy i - 1: every level
 * one real call runs keeps its loop, as in gcc's recursively inlined fib and ackermann. O3's
 * inliner works on the cycle of copies before its function passes would eliminate the calls, so
 * the elimination runs first (cg_rec_tail_loops, from the JIT before O3); a self-call it cannot
 * eliminate (an accumulator that is not + * & | ^ of integers) must not stay a call of the
 * unguarded copy, which could then recurse without a stack test: it goes to copy 0, guarded. */

/* The length of "<sym>.rec" in f's name when f is a copy i > 0, <sym>.rec.<i>; else 0. */
static size_t copy_prefix(LLVMValueRef f) {
    size_t len, d;
    const char *name = LLVMGetValueName2(f, &len);
    for (d = len; d > 0 && name[d - 1] >= '0' && name[d - 1] <= '9'; d--) {}
    if (d == len || d < 5 || memcmp(name + d - 5, ".rec.", 5)) return 0;
    return d - 1;
}

/* f's first call of itself, or NULL. */
static LLVMValueRef self_call(LLVMValueRef f) {
    for (LLVMBasicBlockRef b = LLVMGetFirstBasicBlock(f); b; b = LLVMGetNextBasicBlock(b))
        for (LLVMValueRef x = LLVMGetFirstInstruction(b); x; x = LLVMGetNextInstruction(x))
            if (LLVMIsACallInst(x) && LLVMGetCalledValue(x) == f) return x;
    return NULL;
}

static bool copies_call_themselves(LLVMModuleRef m) {
    for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f))
        if (copy_prefix(f) && self_call(f)) return true;
    return false;
}

/* Before O3 on m: the self-calls of copies i > 0 made loops, and those left sent to copy 0. */
int cg_rec_tail_loops(LLVMModuleRef m, LLVMTargetMachineRef tm, char **error) {
    char *msg = NULL;
    bool invalid = LLVMVerifyModule(m, LLVMReturnStatusAction, &msg);   /* left for the JIT to report */
    LLVMDisposeMessage(msg);
    if (invalid || !copies_call_themselves(m)) return 0;
    LLVMPassBuilderOptionsRef o = LLVMCreatePassBuilderOptions();
    LLVMErrorRef err = LLVMRunPasses(m, "function(sroa,simplifycfg,tailcallelim)", tm, o);
    LLVMDisposePassBuilderOptions(o);
    if (err) {
        *error = LLVMGetErrorMessage(err);
        return -1;
    }
    for (LLVMValueRef f = LLVMGetFirstFunction(m); f; f = LLVMGetNextFunction(f)) {
        size_t n = copy_prefix(f), len;
        if (!n) continue;
        char *name = malloc(n + 1);
        if (!name) {
            *error = NULL;
            return -1;
        }
        memcpy(name, LLVMGetValueName2(f, &len), n);
        name[n] = 0;
        LLVMValueRef copy0 = LLVMGetNamedFunction(m, name);
        free(name);
        for (LLVMValueRef call; copy0 && (call = self_call(f));)
            LLVMSetOperand(call, (unsigned)LLVMGetNumOperands(call) - 1, copy0);
    }
    return 0;
}
