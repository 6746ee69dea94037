/* lower.h: state shared by lower.c and lower_ops.c (private to codegen/). */
#ifndef EMBER_LOWER_H
#define EMBER_LOWER_H

#include "cg.h"
#include <llvm-c/Core.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>

#define CG_WRAPS 16         /* Lower.wraps' entries */
#define CG_XWRAPS 32        /* Lower.xwraps' entries */
#define CG_DEFER_SITES 64   /* int() conversions of a function whose tests may wait (lower_defer.c) */

typedef struct Lower {
    Ctx *ctx;
    TypeInfo *ti;
    Function *fn;
    LLVMContextRef c;
    LLVMModuleRef m;
    LLVMBuilderRef b;
    LLVMValueRef func;        /* the native function being lowered */
    LLVMValueRef out;         /* its result pointer (in <sym>.rec: the result's slot) */
    LLVMValueRef err;         /* in <sym>.rec: its frame record, whose flag a failure sets (lower_rec.c), else NULL */
    bool *borrowed;           /* per variable: holds a parameter without owning a reference (<sym>.rec), or NULL */
    bool borrow_iterable;     /* the GETITER being lowered iterates a list its variable keeps alive (lower.c) */
    LLVMValueRef *vals;       /* per value id */
    LLVMValueRef *vars;       /* per variable: its stack slot */
    LLVMValueRef *floors;     /* per value id: a lower bound fixed through loops, or NULL (lower_floor.c) */
    LLVMValueRef *floor_vars; /* per variable: its floor's shadow slot, or NULL */
    bool *fixed_vars;         /* per variable: fixed through the call, a parameter nothing assigns
                                 again or a variable assigned once outside every loop (lower_floor.c) */
    LLVMValueRef *ceils;      /* per value id: an upper bound (a range value's last), or NULL */
    LLVMValueRef *ceil_vars;  /* per variable only ever set to range values: its ceiling's slot */
    LLVMValueRef *assigned;   /* per variable: an i1 slot, "has been assigned", where a read may
                               * find it unassigned (ti->maybe_unbound); NULL in prange bodies */
    LLVMBasicBlockRef *bbs;   /* per block */
    LLVMMetadataRef *loop_ids; /* per block heading a loop: its llvm.loop node, or NULL (loop_id) */
    LLVMBasicBlockRef *latches; /* per block heading a loop: the one block its back edges go through (latch_of) */
    LLVMBasicBlockRef entry_bb;
    LLVMTypeRef i1, i8, i32, i64, f64, ptr, c128, voidt;
    Loc loc;                  /* of the instruction being lowered */
    /* References (see lower_array.c): with `refs`, every exit goes through exit_bb, which drops
     * what the slots and variables hold; `status` carries the return code there. */
    bool refs;
    bool exc_refs;            /* caught exceptions may hold strings here: count them (cg_has_refs) */
    bool runtime_fails;       /* a failure of the C runtime (whose record may hold strings) reaches
                               * cg_fail somewhere in the module: its callers count what they catch */
    LLVMBasicBlockRef exit_bb;
    LLVMValueRef status;
    struct {                  /* a generator function's coroutine (lower_gen.c) */
        LLVMValueRef promise, id, hdl, destroying;
        LLVMBasicBlockRef suspend, cleanup, destroy;
    } gen;
    bool gen_owned;           /* the next loop over a generator owns it (a builtin consuming it whole) */
    LLVMValueRef *slots;      /* allocas holding owned references */
    struct {                  /* cg_keep's last block made to hold a caller's ndarray, in func's slot of type t */
        LLVMValueRef func, slot;
        const Type *t;
    } held;
    LLVMValueRef *owner_slot, *owner_val;   /* per value id: the slot cg_own last put its value in, and that value */
    const Type **slot_types;
    int nslots, cap_slots;
    int *uses;                /* per value id: how many instructions use it */
    bool *fused;              /* per value id: an array expression lowered inside its user's loop */
    bool numpy_sem;           /* operators follow NumPy (no ZeroDivisionError) inside array loops */
    bool pow_plain;           /* x ** n of an int n in scalar code: Numba's plain products (lower_ops.c) */
    bool pow_f32;             /* ... of a float32 x: each product rounded to float32, as Numba's */
    bool f32_elems;           /* lowering an element of a float32 array expression (lower_array.c eval_op) */
    const char *cpu, *features;   /* the target, for every function's attributes */
    Instr *cur;               /* the instruction being lowered */
    Block *block;             /* the block being lowered (its handler catches what fails in it) */
    bool traceback;           /* failing here leaves a traceback entry (not in outlined chunks) */
    bool in_prange;           /* lowering a prange body's outlined function: its array work runs on its thread */
    LLVMBasicBlockRef fail_bb;   /* records the traceback entry, then returns -1 (made on first use) */
    LLVMValueRef fail_line;      /* the failing line, stored where it fails (volatile: stays off the hot path) */
    LLVMValueRef pending, pending_set;   /* an exception raised for a handler of this frame, and its flag */
    LLVMValueRef pending_line;   /* the line where this frame's handler last took an exception from */
    bool reraising;           /* lowering a re-raise: its traceback line is pending_line's */
    LLVMValueRef exc_param;   /* <sym>.x's last parameter: where its exceptions go (a caller's slot, or
                               * the record: lower_exc.c); NULL in other functions (the record) */
    LLVMBasicBlockRef fail_target_bb;   /* fail_bb for an exception already in exc_param's slot */
    struct { const char *name, *cls; } exc_names[16];   /* cg_exc_class of names already resolved */
    int nexc_names;
    /* A checked int() whose test waits for the branch that follows (cg_float_to_int): */
    struct {
        Instr *branch;        /* the BRANCH that tests it, or NULL */
        int side, var;        /* the target -2**63 goes to; the variable holding the int */
        LLVMValueRef x, r;    /* the float and its conversion (-2**63 when x did not fit) */
        Loc loc;              /* the conversion's */
    } pending_int;
    /* Indices wrapped in the block being lowered (lower_array.c, wrapped_before): per entry the
     * array's and the index's keys (wrap_key), the dimension and the wrapped index. */
    struct CgWraps {
        Block *block;
        int n;
        unsigned next;
        struct { LLVMValueRef w; int akey, ikey, d; } at[CG_WRAPS];
    } wraps;
    int *idom;   /* per block: its immediate dominator (ir_idoms), once asked: cg_idoms */
    int index_axis;   /* 1 + the axis an index being wrapped indexes (IndexError's message), 0: none */
    /* Indices wrapped in one block that the blocks it dominates read back (lower_array.c,
     * wrapped_before), each through a slot of its own: keys as above, of values or of variables
     * stored once. off: lowering a side of a branch here (branch_as_store), where none is kept. */
    struct {
        int n, off;
        signed char *once;      /* per variable: 1 stored once, else 0; NULL: not asked yet */
        bool none;              /* the function keeps none (a generator, a handler) */
        bool *absorbed;         /* per block: lowered into its predecessor (its own lowering not on the path) */
        struct { Block *block; LLVMValueRef slot; int akey, ikey, d; } at[CG_XWRAPS];
    } xwraps;
    /* int() tests that wait for the end of their loop (lower_defer.c); region NULL: none. */
    struct {
        int *region;          /* per block: the head block of the loop whose conversions wait, or -1 */
        bool *has_sites, *ticks;   /* per head: it has conversions; per FORITER block: it counts trips */
        int *last;            /* per head: the offset of the loop's last block */
        bool *site;           /* per value id: a conversion that waits */
        bool *local;          /* per variable: holds arrays only this function reaches */
        int *owner;           /* per value id: the local variable whose array it is (or views), or -1 */
        LLVMValueRef key, tick;    /* the first failure's key (~0: none) and the trip count */
        LLVMBasicBlockRef bb, tb;  /* raises the waiting failure; the traceback path after it */
        int nsites, lines[CG_DEFER_SITES];
        const char *msgs[CG_DEFER_SITES];   /* per site: a division's ZeroDivisionError message, or NULL */
    } defer;
    /* Element k of a group of `lanes` consecutive elements being computed one by one
     * (lower_pairwise.c's groups; 0 lanes: no group): an expression's operands read the group
     * as one vector load at k == 0 (lower_array.c, group_elem). serial tells groups apart. */
    struct {
        int lanes, k;
        unsigned serial;
    } egroup;
    /* Pairs of loops run as one loop over the last two axes (lower_collapse.c): the plans, and
     * the one whose merged copy is being lowered (NULL: none). */
    struct CgCollapse *collapse, *collapsing;
    int ncollapse;
} Lower;

static inline LLVMValueRef i64c(Lower *L, long long v) { return LLVMConstInt(L->i64, (unsigned long long)v, 1); }
static inline LLVMValueRef f64c(Lower *L, double v) { return LLVMConstReal(L->f64, v); }

/* lower.c */
void cg_lower_init(Lower *L, Ctx *ctx, LLVMContextRef c, LLVMModuleRef m, const char *cpu, const char *features);
LLVMTypeRef cg_native_fn_type(Lower *L, const Type *const *params, int n);   /* i32 (ptr out, params...) */
void cg_set_fn_attrs(Lower *L, LLVMValueRef f);
#define CG_LOOP_MARK "ember.loop"   /* names a loop in its llvm.loop node (lower.c, loop_id) */
LLVMMetadataRef cg_loop_node(LLVMContextRef c, const char *fn, size_t len, int head, bool scalar);
LLVMMetadataRef cg_loop_md(LLVMContextRef c, LLVMMetadataRef *props, unsigned n);   /* a llvm.loop node of n properties */
bool cg_defer_int_check(Lower *L);   /* L->cur's int() may leave its test to the branch after it */
bool cg_mod_divides(Lower *L, Block *b, int v);   /* a % of dividend v in b divides, not runs (lower_defer.c) */
int cg_loop_last(Function *fn, Block *head);   /* the offset of the last block jumping back to head, or -1 */
bool cg_in_loop(const Function *fn, const Block *b);   /* lower_floor.c: b lies between a jump back and its target */
Instr *cg_range_of_item(Lower *L, Instr *iv, Block **head);   /* the range() call whose items ITERVALUE iv takes, or NULL */
bool cg_const_range(Lower *L, Instr *r, long long a[3], long long *n);   /* range() of constants: start, stop, step; trips */
Instr *cg_foriter_of(const Block *b);          /* b's FORITER, or NULL */
int cg_loop_target(const Block *h);            /* the variable the for loop headed by h stores its items to, or -1 */
bool cg_stack_move(const Function *fn, const Instr *x);   /* a LOADVAR/STOREVAR of a `$` stack variable */
bool cg_stored_in(const Function *fn, int lo, int hi, int v, const Instr *but);   /* v stored or deleted in [lo, hi] */
/* Whether array expressions and reductions here may run on threads: parallel=True, outside a
 * prange body (a chunk of one runs its work on its own thread: nested ones ran one chunk each,
 * outlined, through an env per row). */
static inline bool cg_threads(const Lower *L) { return L->fn->parallel && !L->in_prange; }
LLVMMetadataRef cg_new_loop_node(Lower *L, Block *head);   /* a fresh llvm.loop node for the loop at head, or NULL */
int *cg_idoms(Lower *L);   /* per block id: its immediate dominator (ir_idoms), computed once; NULL: no memory */
int cg_lower_instr(Lower *L, Instr *in);
bool cg_parloop_of_block(TypeInfo *ti, Block *b);   /* b is a prange loop's header or body */
/* lower_collapse.c */
int cg_collapse_plan(Lower *L, const bool *within);
bool cg_collapse_inner(Lower *L, Block *h);   /* h heads the inner loop of such a pair */
void cg_collapse_begin(Lower *L);   /* after cg_defer_plan: the plans kept, their blocks */
int cg_collapse_lower(Lower *L);
LLVMBasicBlockRef cg_collapse_edge(Lower *L, Block *to);
bool cg_collapse_foriter(Lower *L, Instr *in);
int cg_collapse_part(Lower *L, Instr *tup);   /* the merged pair's place in an index tuple, or -1 */
LLVMValueRef cg_collapse_index(Lower *L);     /* the merged index */
/* lower_defer.c */
int cg_defer_plan(Lower *L);
LLVMValueRef cg_defer_int(Lower *L, LLVMValueRef x);   /* NULL: int(x) tests where it is */
bool cg_defer_zero(Lower *L, LLVMValueRef b, const char *msg);   /* false: a float division tests b where it is */
void cg_defer_tick(Lower *L);
bool cg_defer_head(Lower *L, Block *head);   /* a loop whose int() tests wait: interleave it once */
LLVMBasicBlockRef cg_defer_edge(Lower *L, Block *to);
LLVMBasicBlockRef cg_defer_fail_block(Lower *L, LLVMBasicBlockRef tb, LLVMBasicBlockRef raised,
                                      LLVMBasicBlockRef waiting);
void cg_defer_finish(Lower *L);
void cg_fail_line_store(Lower *L, LLVMValueRef line);   /* lower_exc.c: a failing path's line for the traceback */
void cg_fail_block(Lower *L);   /* lower_exc.c: makes L->fail_bb */
bool *cg_borrowed_loop_items(Lower *L, bool *borrowed);   /* lower_rec.c: `for w in l` over a lent list */
bool *cg_borrowed_parameters(Lower *L);   /* lower_rec.c: per variable, a parameter not owned, or NULL */
bool *cg_borrowed_stack_values(Lower *L, bool *borrowed);   /* lower_rec.c: stack copies of one owned value */
int cg_begin_function(Lower *L, TypeInfo *ti, LLVMValueRef func);
void cg_end_function(Lower *L);
int cg_lower_block(Lower *L, Block *b, bool but_terminator);
LLVMTypeRef cg_iter_state_type(Lower *L, const Type *iterable);   /* what an iterator points at */
LLVMValueRef cg_field(Lower *L, LLVMTypeRef st, LLVMValueRef p, unsigned i);   /* &p->field i */

/* lower_parallel.c */
#define CG_PAR_MIN_ELEMS (1 << 14)   /* array expressions and reductions smaller than this stay in one thread */
LLVMValueRef cg_parallel_body(Lower *L, TypeInfo *ti, ParLoop *pl, int k);
void cg_parallel_call(Lower *L, ParLoop *pl, LLVMValueRef body);
void cg_chunk_begin(Lower *outer, Lower *L, const char *what);   /* L: a new chunk function, builder in its entry */
LLVMValueRef cg_chunk_end(Lower *L);                              /* returns 0 from where L's builder is */
LLVMValueRef cg_run_chunks(Lower *L, LLVMValueRef body, LLVMValueRef env, LLVMValueRef n, LLVMValueRef parallel,
                           LLVMTypeRef partt, LLVMValueRef partials);
LLVMValueRef cg_partials_alloca(Lower *L, LLVMTypeRef partt);    /* room for every chunk's partial */
LLVMValueRef cg_partial_ptr(Lower *L, LLVMTypeRef partt, LLVMValueRef partials, LLVMValueRef c);
LLVMTypeRef cg_type(Lower *L, const Type *t);
LLVMValueRef cg_intrinsic1(Lower *L, const char *name, LLVMValueRef x);   /* an intrinsic of x's type */
LLVMValueRef cg_call_f64_2(Lower *L, const char *name, LLVMValueRef x, LLVMValueRef y);   /* double f(double, double) */
void cg_raise_unless(Lower *L, LLVMValueRef ok, const char *exc, const char *msg);
LLVMValueRef cg_cast(Lower *L, LLVMValueRef v, const Type *from, const Type *to);
LLVMValueRef cg_float_to_bits(Lower *L, LLVMValueRef x, int bits, bool to_unsigned);   /* NumPy's cast, never poison */
LLVMValueRef cg_truth(Lower *L, LLVMValueRef v, const Type *t);
LLVMValueRef cg_entry_alloca(Lower *L, LLVMTypeRef t, const char *name);
LLVMValueRef cg_const_of(Lower *L, PyObject *obj, const Type *t);
LLVMValueRef cg_const_global(Lower *L, LLVMValueRef init, const char *name);   /* private, constant */
LLVMValueRef cg_cstring(Lower *L, const char *s);
LLVMValueRef cg_declare(Lower *L, const char *name, LLVMTypeRef ret, LLVMTypeRef *params, int n);
LLVMValueRef cg_call(Lower *L, const char *name, LLVMTypeRef ret, LLVMTypeRef *ptypes,
                     LLVMValueRef *args, int n);
void cg_raise_if(Lower *L, LLVMValueRef cond, const char *exc, const char *msg);
/* where cond: a runtime function's formatted message (true: on the cold path, call it, then
 * _end), or the constant one where this frame's handler takes no strings (false) */
bool cg_raise_formatted_begin(Lower *L, LLVMValueRef cond, const char *exc, const char *msg, LLVMBasicBlockRef *ok);
void cg_raise_formatted_end(Lower *L, LLVMBasicBlockRef ok);
/* br cond, t, f with cond expected to be `likely` (llvm.expect: the other side is laid out cold) */
LLVMValueRef cg_br_expect(Lower *L, LLVMValueRef cond, bool likely, LLVMBasicBlockRef t, LLVMBasicBlockRef f);
/* a phi at the builder's position joining a (from block ba) and b (from bb) */
LLVMValueRef cg_phi2(Lower *L, LLVMValueRef a, LLVMBasicBlockRef ba, LLVMValueRef b, LLVMBasicBlockRef bb,
                     const char *name);
void cg_check_status(Lower *L, LLVMValueRef status);
/* lower_floor.c: lower bounds of int indices that let LLVM version a[i]'s wrap test out of loops */
int cg_floor_begin(Lower *L);                               /* shadow slots, in the entry block */
void cg_floor_value(Lower *L, Instr *in);                   /* L->floors[in->id], once in is lowered */
void cg_floor_store(Lower *L, int var, int value, LLVMValueRef x);   /* var = x (value id, or -1) */
LLVMValueRef cg_floor_of(Lower *L, int v);                  /* v's floor, or NULL */
bool cg_checks_index(Lower *L);   /* lower_array.c: boundscheck or a handler around */
bool cg_fixed_through_loop(Lower *L, Instr *in, int v);   /* v is the same on every trip of the innermost loop around in */

/* lower_narrow.c: int64 operations in 16 or 32 bits where ti->range proves it exact; NULL: not */
LLVMValueRef cg_narrow_binop(Lower *L, Instr *in, int op, LLVMValueRef a, LLVMValueRef b);
LLVMValueRef cg_narrow_unop(Lower *L, Instr *in, LLVMValueRef a);
LLVMValueRef cg_narrow_call(Lower *L, Instr *in, const CallInfo *ci, LLVMValueRef *args, int n);   /* min, max, abs */
/* lower_f32.c: a feature of L's target ("+avx512f"), a whole item of its list */
void cg_mark_pure(Lower *L, LLVMValueRef call);
void cg_mark_reads(Lower *L, LLVMValueRef call);   /* it only reads memory (memory(read)), returns, raises nothing */
void cg_mark_speculatable(Lower *L, LLVMValueRef call);   /* pure, and its callee safe to run anywhere */
bool cg_feature_in(const char *features, const char *feat);
bool cg_has_feature(Lower *L, const char *feat);
LLVMValueRef cg_fmod(Lower *L, LLVMValueRef a, LLVMValueRef b);   /* C's fmod of doubles, exactly (lower_ops.c) */
/* widen.c: after O3, ext(x op c) as ext(x) op ext(c) where ext(x) is computed anyway */
void cg_share_widenings(LLVMModuleRef m);
void cg_unfold_select_operands(LLVMModuleRef m);   /* selectop.c: x - (c ? y : 0.0) -> c ? x - y : x, after O3 */
void cg_split_full_scatters(LLVMModuleRef m);   /* scatter.c: a scatter of every lane as lane stores, after O3 */
void cg_keep_join_stores(LLVMModuleRef m);   /* joinstore.c: a store two arms of a loop share stays one store, after O3 */
void cg_prune_counts(LLVMModuleRef m);   /* refprune.c: a count up and at once down again, after O3 */
/* jit.c: rewrite(b, in) over every instruction of m (the passes after O3) */
void cg_rewrite_each(LLVMModuleRef m, bool (*rewrite)(LLVMBuilderRef, LLVMValueRef));
bool cg_calls_intrinsic(LLVMValueRef in, const char *prefix);   /* jit.c: a call of an intrinsic named prefix... */
/* samemath.c: after O3, on the object's module: one vector variant per maths function in a function */
void cg_same_vector_maths(LLVMModuleRef m);

/* lower_extreme.c: min/max/argmin/argmax of a contiguous run on explicit vectors */
enum { CG_EXT_NUMPY_ZERO = 1, CG_EXT_SKIP_NAN = 2 };
long long cg_extreme_min_run(Lower *L, int dt, bool index);   /* the shortest run along an axis the vectors take (argmax, max of doubles) */
bool cg_extreme_vectorizes(int dt);
LLVMValueRef cg_extreme_contig(Lower *L, LLVMValueRef base, LLVMValueRef n, int dt, bool is_max, LLVMValueRef *index,
                               int flags);
LLVMValueRef cg_extreme_zero_as_numpy(Lower *L, LLVMValueRef base, LLVMValueRef n, int dt, LLVMValueRef v);
bool cg_argaxis_suits(const Type *at, int axis);   /* argmin/argmax along a slow axis: row by row */
void cg_argaxis_rows(Lower *L, const Type *at, LLVMValueRef a, int axis, bool is_max, int flags, LLVMValueRef r,
                     LLVMBasicBlockRef other);
/* lower_rng.c */
LLVMValueRef cg_call_rng(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types);
LLVMValueRef cg_scale_ok(Lower *L, LLVMValueRef x);   /* NumPy's scale check: not negative, -0.0 included */
/* lower_rdist.c: the rest of np.random (typeinfer/rdist.c), as module functions and Generator methods */
LLVMValueRef cg_pyrandom_call(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types);   /* lower_pyrandom.c */
/* lower_nplib.c: a thread's MT19937 state (from the runtime function `getter`, marked as reading
 * nothing) and a 53-bit double drawn from it inline */
LLVMValueRef cg_rng_state(Lower *L, const char *getter);
LLVMValueRef cg_bitgen_double(Lower *L, LLVMValueRef g);   /* lower_rng.c: a Generator's uniform double */
LLVMValueRef cg_rng_double(Lower *L, LLVMValueRef st);
bool cg_is_random_dist(int bid);
LLVMValueRef cg_random_dist(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types);
LLVMValueRef cg_rng_dist(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types);
LLVMValueRef cg_rdist_fill(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types);   /* ember._rdist.fill */

/* lower_ffi.c */
LLVMValueRef cg_call_c(Lower *L, CallInfo *ci, LLVMValueRef *args, const Type **types);
/* lower_rec.c: recursive functions, <sym>.rec and its value-returning convention */
bool cg_recurses(TypeInfo *ti);                         /* does ti call itself? */
LLVMValueRef cg_recursive_twin(Lower *L, TypeInfo *ti);   /* <sym>.rec, or NULL */
void cg_rec_declare(Lower *L, TypeInfo *ti);
LLVMValueRef cg_rec_copy(Lower *L, TypeInfo *ti, int i);   /* copy i of its body (0: <sym>.rec), or NULL */
int cg_rec_copies(Lower *L, TypeInfo *ti);              /* how many copies (1: <sym>.rec alone) */
void cg_rec_begin(Lower *L, LLVMValueRef rec);          /* in its entry: slots, parameters, guard */
LLVMValueRef cg_rec_param(Lower *L, int i);             /* parameter i in <sym>.rec (passed by field) */
enum { PEEK_RUN = 1, PEEK_HAND_OVER = 2 };   /* per block of <sym>.rec.peek (cg_rec_prefix) */
LLVMValueRef cg_rec_peek(Lower *L, TypeInfo *ti);             /* <sym>.rec.peek, or NULL */
const signed char *cg_rec_prefix(Lower *L, TypeInfo *ti);     /* per block: what <sym>.rec.peek does there */
void cg_rec_hand_over(Lower *L, TypeInfo *ti);                /* in <sym>.rec.peek: return <sym>.rec(its parameters) */
void cg_rec_unguard(Lower *L, LLVMValueRef copy, bool first); /* a lowered copy's guards: only its calls' (copy 0), none (others, inlined), if its frame is small */
void cg_rec_ret(Lower *L, LLVMValueRef status);         /* cg_ret in <sym>.rec */
void cg_rec_ret_value(Lower *L);                        /* ret of the result slot */
void cg_rec_trampoline(Lower *L, TypeInfo *ti, LLVMValueRef rec);   /* <sym> calling <sym>.rec */
int cg_rec_tail_loops(LLVMModuleRef m, LLVMTargetMachineRef tm, char **error);   /* before O3: copies' self-calls made loops or sent to copy 0 */
LLVMValueRef cg_call_self(Lower *L, CallInfo *ci, LLVMValueRef *args);
/* lower_funcs.c: FunctionType values (function pointers) and calls through them */
LLVMValueRef cg_function_value(Lower *L, LLVMValueRef v, const Type *from, const Type *to);
LLVMValueRef cg_call_indirect(Lower *L, LLVMValueRef fnptr, const Type *fptr, CallInfo *ci, LLVMValueRef *args);

/* lower_objmode.c */
LLVMValueRef cg_objmode(Lower *L, Instr *in);   /* a `with objmode(...)` block: the tuple of its outputs */

/* lower_exc.c */
LLVMTypeRef cg_exc_type(Lower *L);                  /* a caught exception: runtime/rt.h's RtExc */
LLVMValueRef cg_exc_at(Lower *L, LLVMValueRef v);     /* where caught exception v's RtExc is (a pointer) */
const char *cg_exc_name(Lower *L, PyObject *cls);    /* "module:qualname" */
const char *cg_exc_class(Lower *L, PyObject *cls);   /* "module:qualname|base|...", what raises record */
void cg_rt_raise(Lower *L, const char *cls, LLVMValueRef msg);   /* lower_exc.c: sets the error record, no jump */
const char *cg_exc_class_of_name(Lower *L, const char *name);   /* the same, from "module:qualname" */
void cg_exc_begin_function(Lower *L);   /* the frame's pending-exception slot, if it has handlers */
void cg_fail(Lower *L);   /* an exception is raised: to the block's handler, or return -1 */
void cg_fail_raised(Lower *L);   /* the same, raised by generated code (no string its types do not show) */
void cg_fail_target(Lower *L);   /* the same, the exception already where cg_exc_target said */
LLVMValueRef cg_exc_target(Lower *L);   /* where an exception raised here goes: pending, exc_param or the record */
LLVMValueRef cg_exc_record(Lower *L);   /* the thread's record (ember_rt_record(), a pure call) */
LLVMValueRef cg_native_x(Lower *L, const char *symbol, LLVMTypeRef fty);   /* <symbol>.x, fty <symbol>'s type */
void cg_emit_raise(Lower *L, const char *cls, LLVMValueRef msg);   /* raise cls(msg); msg may be NULL */
void cg_raise_value(Lower *L, const char *cls, LLVMValueRef x, const Type *t);   /* raise cls(x), cls "module:qualname" */
void cg_lower_raise(Lower *L, Instr *in);
void cg_lower_reraise(Lower *L, LLVMValueRef exc);
LLVMValueRef cg_lower_excfetch(Lower *L);
LLVMValueRef cg_exc_args(Lower *L, LLVMValueRef e, const Type *t);   /* e.args */
LLVMValueRef cg_lower_excmatch(Lower *L, LLVMValueRef exc, const Type *classes);
void cg_finish_exc_matchers(LLVMModuleRef m);   /* once the module is lowered and its callees linked */
/* value x of type t into words (wordst: [N x i64]) from word *k on, as ty_value_layout lays it out */
void cg_pack_value(Lower *L, LLVMValueRef words, LLVMTypeRef wordst, LLVMValueRef x, const Type *t, int *k);
LLVMValueRef cg_pack_values(Lower *L, LLVMValueRef *vals, const Type *const *types, int n, char *desc, size_t len);

void cg_ret(Lower *L, LLVMValueRef status);

/* lower_array.c */
typedef struct LoopCtx {
    LLVMValueRef slot, i;
    LLVMBasicBlockRef head, exit;
} LoopCtx;
void cg_loop_end_rolled(Lower *L, LoopCtx *lc);   /* cg_loop_end, the loop never unrolled */
typedef void (*LoopBody)(Lower *L, LLVMValueRef *idx, void *env);
LLVMValueRef cg_arr_meminfo(Lower *L, LLVMValueRef a);
LLVMValueRef cg_arr_data(Lower *L, LLVMValueRef a);
LLVMValueRef cg_arr_shape(Lower *L, LLVMValueRef a, int k);
LLVMValueRef cg_arr_stride(Lower *L, const Type *t, LLVMValueRef a, int k);   /* a constant where the layout says */
LLVMValueRef cg_make_array(Lower *L, const Type *t, LLVMValueRef mi, LLVMValueRef parent, LLVMValueRef data,
                           LLVMValueRef *shape, LLVMValueRef *strides);
LLVMValueRef cg_gep8(Lower *L, LLVMValueRef p, LLVMValueRef off);
LLVMValueRef cg_elem_ptr(Lower *L, const Type *t, LLVMValueRef a, LLVMValueRef *idx);
LLVMValueRef cg_c_strides(Lower *L, int dt, int nd, LLVMValueRef *shape, LLVMValueRef *strides);
LLVMValueRef cg_alloc_array(Lower *L, const Type *t, LLVMValueRef *shape);
LLVMValueRef cg_mul_size(Lower *L, LLVMValueRef a, LLVMValueRef b, LLVMValueRef *ovf);   /* *ovf |= a*b overflows */
void cg_check_size(Lower *L, long long itemsize, int nd, LLVMValueRef *shape);   /* ValueError unless shape is valid */
LLVMValueRef cg_loop_begin(Lower *L, LoopCtx *lc, LLVMValueRef n);
LLVMValueRef cg_loop_end(Lower *L, LoopCtx *lc);   /* the back edge's branch */
void cg_loop_nest(Lower *L, int nd, LLVMValueRef *shape, LoopBody body, void *env);
LLVMTypeRef cg_elem_llvm(Lower *L, int dt);
LLVMValueRef cg_load_elem(Lower *L, int dt, LLVMValueRef p);
typedef enum { TBAA_ARRAY_ELEM, TBAA_INSTANCE_FIELD, TBAA_LIST_ITEM, TBAA_LIST_FIELD } TbaaKind;
void cg_tbaa(Lower *L, LLVMValueRef access, TbaaKind kind);   /* a load or store of memory of that kind only */
void cg_store_elem(Lower *L, int dt, LLVMValueRef p, LLVMValueRef v, const Type *from);
LLVMValueRef cg_to_elem_scalar(Lower *L, LLVMValueRef v, const Type *from, int dt);
void cg_assign_array(Lower *L, const Type *tt, LLVMValueRef target, const Type *vt_, LLVMValueRef v);
void cg_assign_noalias(Lower *L, const Type *tt, LLVMValueRef target, const Type *vt_, LLVMValueRef v);
LLVMValueRef cg_same_view(Lower *L, const Type *at, LLVMValueRef a, const Type *bt, LLVMValueRef b);   /* same data, shape, strides */
LLVMValueRef cg_unaliased(Lower *L, const Type *tt, LLVMValueRef target, const Type **vtp, LLVMValueRef v);
LLVMValueRef cg_unaliased_same_ok(Lower *L, const Type *tt, LLVMValueRef target, const Type **vtp, LLVMValueRef v);
LLVMValueRef cg_index_basic(Lower *L, const Type *at, LLVMValueRef a, const Type *it, LLVMValueRef iv,
                            int iid, const Type *rt, LLVMValueRef *elem);   /* iid: iv's value id, or -1 */
LLVMValueRef cg_wrap_index(Lower *L, LLVMValueRef i, LLVMValueRef n, bool check);
/* x (a canonical int64 or float64) as a value of narrow dtype dt would hold it: wrapped to its
 * bits (sign- or zero-extended back), or rounded to float32 (lower_array.c) */
LLVMValueRef cg_wrap_dtype(Lower *L, LLVMValueRef x, int dt);
int cg_ew_inputs(const CallInfo *ci);   /* the inputs of an elementwise call (lower_array.c) */
LLVMValueRef cg_wrap_index_floor(Lower *L, LLVMValueRef i, LLVMValueRef n, LLVMValueRef floor);   /* i >= floor known */
LLVMValueRef cg_ufunc_call_scalar(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types);
int cg_stored_once(Lower *L, int var, Instr **store);   /* var's store count (2: also changed unseen), *store the one */
LLVMValueRef cg_own(Lower *L, LLVMValueRef v, const Type *t);
LLVMValueRef cg_own_another(Lower *L, LLVMValueRef v, const Type *t);   /* a borrowed v's own reference, in a slot */
LLVMValueRef cg_hash(Lower *L, const Type *t, LLVMValueRef x);   /* hash() of a number, str or tuple of them, CPython's */
LLVMValueRef cg_list_of(Lower *L, const Type *lt, LLVMValueRef *vals, const Type *const *ts, int n);   /* a new list of n values */
bool cg_frame_may_raise_strings(TypeInfo *ti);   /* L->exc_refs: caught exceptions counted, held by pointer */
bool cg_has_refs(Lower *L, const Type *t);   /* ty_has_refs, but caught exceptions only where L->exc_refs */
void cg_incref(Lower *L, LLVMValueRef v, const Type *t);
LLVMValueRef cg_keep(Lower *L, LLVMValueRef v, const Type *t);
LLVMValueRef cg_call_compiled(Lower *L, CallInfo *ci, LLVMValueRef *args);   /* CALL_SELF, _NATIVE, _INNER */   /* cg_incref for a container's item */
void cg_decref(Lower *L, LLVMValueRef v, const Type *t);
LLVMValueRef cg_new_slot(Lower *L, const Type *t);
void cg_add_slot(Lower *L, LLVMValueRef p, const Type *t);   /* an entry alloca starting with a t: a slot too */
void cg_return_ref(Lower *L, Instr *ret, LLVMValueRef v, const Type *t);   /* lower_array.c */
void cg_forget_wraps(Lower *L, int var);
void cg_xwraps_absorbed(Lower *L, Block *b);   /* lower_array.c: b's work went into its predecessor */   /* lower_array.c: a store to var (-1: any) */
void cg_store_var(Lower *L, Instr *in, LLVMValueRef v, const Type *t);
void cg_plan_arrays(Lower *L);
bool cg_is_fresh(Lower *L, Instr *in);
LLVMValueRef cg_array_getitem(Lower *L, Instr *in);
void cg_array_setitem(Lower *L, Instr *in);
LLVMValueRef cg_array_getattr(Lower *L, Instr *in);
/* lower_jitclass.c: jitclass instances */
LLVMValueRef cg_class_getattr(Lower *L, Instr *in);   /* obj.x of a field */
void cg_class_setattr(Lower *L, Instr *in);           /* obj.x = v of a field */
LLVMValueRef cg_new_instance(Lower *L, const Type *t);
void cg_class_free(Lower *L, LLVMValueRef obj, const Type *t);   /* the last reference went */
void cg_class_not_none(Lower *L, LLVMValueRef obj, const Type *t, const char *attr);   /* AttributeError if obj is None */
/* lower_fields.c: structured arrays and records */
LLVMValueRef cg_fields_getitem(Lower *L, Instr *in);
bool cg_chars_compared(Lower *L, Instr *x);       /* a string array's element read only to be compared */
LLVMValueRef cg_chars_cmp(Lower *L, Instr *in);   /* such a comparison, the element read in place */
LLVMValueRef cg_str_order(Lower *L, int op, LLVMValueRef c);   /* lower_str.c: op of a three-way i32 result */
void cg_fields_setitem(Lower *L, Instr *in);
LLVMValueRef cg_fields_getattr(Lower *L, Instr *in);
/* lower_gen.c: generator functions as LLVM coroutines, and their consumers */
void cg_gen_begin(Lower *L, LLVMBasicBlockRef body);   /* the ramp: frame, promise, first suspend, then body */
void cg_gen_yield(Lower *L, Instr *in);
void cg_gen_end(Lower *L);                             /* after the exit's releases: final suspend, cleanup */
LLVMTypeRef cg_gen_state_type(Lower *L, const Type *g);   /* a loop's state over generator g: {handle, value, owns} */
/* a loop's state over h; owns: the loop alone holds it (cg_gen_one_loop), else it counts a reference */
void cg_gen_iter_init(Lower *L, const Type *g, LLVMValueRef h, LLVMValueRef state, bool owns);
LLVMValueRef cg_gen_iter_more(Lower *L, const Type *g, LLVMValueRef state);   /* resumes it: i1, a value came */
void cg_gen_iter_step(Lower *L, const Type *g, LLVMValueRef state);
void cg_gen_ref(Lower *L, LLVMValueRef h, const Type *g, bool inc);   /* count a reference, destroy at 0 */
bool cg_gen_one_loop(Lower *L, Instr *call);   /* a generator call whose one use is a loop over it */
void cg_gen_iter_leave(Lower *L, const Type *g, LLVMValueRef state);   /* a loop left before the end: its own destroyed */
/* next(h[, dflt]) of generator g, as type t: StopIteration (or dflt) once it has ended */
LLVMValueRef cg_gen_next(Lower *L, const Type *g, LLVMValueRef h, LLVMValueRef dflt, const Type *t);
LLVMValueRef cg_array_flag(Lower *L, const Type *at, LLVMValueRef a, const char *flag);
LLVMValueRef cg_real_imag(Lower *L, const Type *at, LLVMValueRef a, bool imag, const Type *t);
LLVMValueRef cg_alloc_zeroed(Lower *L, const Type *t, LLVMValueRef *shape);   /* cg_alloc_array, every byte 0 */
LLVMValueRef cg_record_bytes(Lower *L, const Type *at, LLVMValueRef a);   /* a structured array's bytes, uint8 with one more dimension */
LLVMValueRef cg_view_at(Lower *L, const Type *at, LLVMValueRef a, long long offset, const Type *t);   /* a's elements from offset bytes in */
LLVMValueRef cg_array_expr(Lower *L, Instr *in);
typedef struct Expr CgExpr;   /* an array expression read element by element (fused into its user) */
bool cg_expr_buffers_sums(Lower *L, CgExpr *E);   /* whether its sums compute elements into a buffer first */
typedef struct CgSubst { int id; const Type *t; LLVMValueRef v; } CgSubst;   /* value id read as array v of type t */
CgExpr *cg_expr_open(Lower *L, int id, int nd, LLVMValueRef *shape, const CgSubst *subst, int nsubst);
LLVMValueRef cg_expr_dim(CgExpr *E, int k);                  /* the loop's shape */
LLVMTypeRef cg_expr_env_type(Lower *L, CgExpr *E);            /* E's operands carried into a chunk: */
void cg_expr_env_store(Lower *L, CgExpr *E, LLVMTypeRef envt, LLVMValueRef env);   /* by the caller */
CgExpr *cg_expr_env_load(Lower *C, CgExpr *E, LLVMTypeRef envt, LLVMValueRef env); /* in the chunk */
LLVMValueRef cg_expr_flat_ok(CgExpr *E);                      /* i1: one flat index reads every operand */
LLVMValueRef cg_expr_last_unit(Lower *L, CgExpr *E);          /* i1: every operand's last stride is its item size */
void cg_expr_unit_twins(Lower *L, CgExpr *E, void (*body)(Lower *, void *), void *env);   /* body reading the last
                                                              * dimension with constant steps, once or twice */
LLVMValueRef cg_expr_at(Lower *L, CgExpr *E, LLVMValueRef *idx, bool flat);
LLVMValueRef cg_expr_materialize(Lower *L, CgExpr *E);       /* into a new array */
bool cg_is_elementwise(Lower *L, Instr *in);
bool cg_is_quiet(Lower *L, Instr *x);   /* changes no array or variable (a load, a view, arithmetic) */
LLVMValueRef cg_array_expr_as(Lower *L, Instr *in, int bid, int dt, const Type *t);   /* one output of np.divmod ... */
LLVMValueRef cg_slice(Lower *L, Instr *in);
void cg_slice_dim(Lower *L, const Type *st, LLVMValueRef sl, LLVMValueRef n, LLVMValueRef *start, LLVMValueRef *step,
                  LLVMValueRef *len);   /* Python's slice.indices(n): start, step and the length */
LLVMValueRef cg_numpy_call(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types);
LLVMTypeRef cg_array_type(Lower *L, const Type *t);
void cg_array_iter_init(Lower *L, const Type *at, LLVMValueRef a, LLVMValueRef state, LLVMTypeRef st);
LLVMValueRef cg_array_iter_count(Lower *L, LLVMValueRef arr);
LLVMValueRef cg_array_iter_value(Lower *L, const Type *at, LLVMValueRef arr, LLVMValueRef k);
LLVMValueRef cg_array_len(Lower *L, LLVMValueRef arr);
LLVMValueRef cg_array_size(Lower *L, const Type *t, LLVMValueRef a);   /* the number of elements */
LLVMValueRef cg_copy_array(Lower *L, const Type *at, LLVMValueRef a, const Type *rt);   /* a new C array rt */

/* lower_const.c */
LLVMValueRef cg_const_array(Lower *L, PyObject *frozen, const Type *t);   /* a global array: (bytes, shape) */
/* lower_list.c */
void cg_heap_free(Lower *L, LLVMValueRef p, const Type *t);   /* the last reference of a heap value went */
/* A drop function's body for the block p: drops what it holds; returns the one block of the same
 * type it held to drop next in a loop (a linked list's next node, so that a long chain does not
 * recurse as deep as it is long), or NULL. */
typedef LLVMValueRef (*DropBody)(Lower *L, const Type *t, LLVMValueRef p);
void cg_call_drop(Lower *L, LLVMValueRef p, const Type *t, DropBody body, const char *free_fn);
LLVMValueRef cg_list_literal(Lower *L, Instr *in);
void cg_list_append(Lower *L, const Type *lt, LLVMValueRef l, LLVMValueRef v, const Type *vt_);
LLVMValueRef cg_list_len(Lower *L, LLVMValueRef l);
LLVMValueRef cg_str_from_ucs4(Lower *L, LLVMValueRef p, long long n);   /* lower_str.c: a record's 'U<n>' field */
void cg_str_to_ucs4(Lower *L, LLVMValueRef s, LLVMValueRef p, long long n);
LLVMValueRef cg_list_of_iterable(Lower *L, const Type *it, LLVMValueRef x);   /* a new list of its items (owned) */
LLVMValueRef cg_flat_elem(Lower *L, const Type *at, LLVMValueRef a, LLVMValueRef k);   /* &a.flat[k], any strides */
LLVMValueRef cg_flat_at(Lower *L, const Type *at, LLVMValueRef a, LLVMValueRef k);   /* a.flat[k] of 0 <= k, unchecked */
LLVMValueRef cg_elem_of_0d(Lower *L, const Type **t, LLVMValueRef v);   /* lower_array.c: a 0-d array's element; *t its scalar type */
LLVMValueRef cg_list_as_array(Lower *L, const Type *lt, LLVMValueRef l);   /* np.array(l) of a list of numbers (owned) */
LLVMValueRef cg_list_getitem(Lower *L, Instr *in);
LLVMValueRef cg_is_negative(Lower *L, LLVMValueRef i);   /* lower_array.c: an index's i < 0 */
LLVMValueRef cg_list_item_at(Lower *L, const Type *e, LLVMValueRef items, LLVMValueRef i);   /* items[i] of a list of e */
LLVMValueRef cg_list_unpack(Lower *L, const Type *lt, LLVMValueRef l, int i, int n);   /* a, b = l */
void cg_list_setitem(Lower *L, Instr *in);
void cg_list_delitem(Lower *L, Instr *in);
LLVMValueRef cg_list_binop(Lower *L, Instr *in);
LLVMValueRef cg_list_cmp(Lower *L, int op, LLVMValueRef a, const Type *ta, LLVMValueRef b, const Type *tb);
LLVMValueRef cg_contains(Lower *L, Instr *in);
LLVMValueRef cg_list_call(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types);
void cg_list_iter_init(Lower *L, const Type *lt, LLVMValueRef l, LLVMValueRef state, LLVMTypeRef st);
/* lower_dict.c */
LLVMValueRef cg_dict_len(Lower *L, LLVMValueRef d);
LLVMValueRef cg_dict_literal(Lower *L, Instr *in);
void cg_dict_setitem(Lower *L, Instr *in);
LLVMValueRef cg_dict_getitem(Lower *L, Instr *in);
void cg_dict_delitem(Lower *L, Instr *in);
LLVMValueRef cg_dict_contains(Lower *L, const Type *dt, LLVMValueRef d, LLVMValueRef k, const Type *kt);
void cg_dict_iter_init(Lower *L, const Type *dt, LLVMValueRef d, LLVMValueRef state, LLVMTypeRef st);
LLVMValueRef cg_dict_iter_more(Lower *L, const Type *dt, LLVMValueRef state, LLVMTypeRef st);
void cg_dict_iter_step(Lower *L, const Type *dt, LLVMValueRef state, LLVMTypeRef st);
void cg_dict_free(Lower *L, LLVMValueRef p, const Type *dt);
LLVMValueRef cg_dict_call(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types);
LLVMValueRef cg_set_literal(Lower *L, Instr *in);
void cg_set_add(Lower *L, Instr *in);
LLVMValueRef cg_set_binop(Lower *L, Instr *in);
LLVMValueRef cg_set_call(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types);
LLVMValueRef cg_set_cmp(Lower *L, int op, LLVMValueRef a, const Type *ta, LLVMValueRef b, const Type *tb);   /* sets, dicts */
/* lower.c's iterators, for code that loops over any iterable */
LLVMValueRef cg_iter_begin(Lower *L, const Type *it, LLVMValueRef v);   /* the state */
LLVMValueRef cg_iter_next(Lower *L, const Type *it, LLVMValueRef state, LLVMBasicBlockRef done);   /* the next value, or to done */
LLVMValueRef cg_iter_next_value(Lower *L, const Type *itt, LLVMValueRef state, LLVMValueRef dflt, const Type *t);   /* next(it[, d]) of an iter() */
typedef void (*EachBody)(Lower *L, LLVMValueRef v, const Type *vt_, void *env);
void cg_for_each(Lower *L, const Type *it, LLVMValueRef x, EachBody body, void *env);   /* body(v) for each value of x */
LLVMValueRef cg_cmp_any(Lower *L, int op, LLVMValueRef a, const Type *ta, LLVMValueRef b, const Type *tb);
/* lower_str.c */
LLVMValueRef cg_str_literal(Lower *L, const char *utf8);   /* a constant (immortal) string block */
LLVMValueRef cg_str_len(Lower *L, LLVMValueRef s);          /* also a list of strings' length */
LLVMValueRef cg_to_str(Lower *L, LLVMValueRef v, const Type *t, bool repr);
LLVMValueRef cg_str_binop(Lower *L, Instr *in);
LLVMValueRef cg_str_cmp(Lower *L, int op, LLVMValueRef a, LLVMValueRef b);
LLVMValueRef cg_str_contains(Lower *L, Instr *in);
LLVMValueRef cg_str_getitem(Lower *L, Instr *in);
LLVMValueRef cg_str_format(Lower *L, Instr *in);
LLVMValueRef cg_str_build(Lower *L, Instr *in);
LLVMTypeRef cg_str_iter_type(Lower *L);
void cg_str_iter_init(Lower *L, const Type *t, LLVMValueRef s, LLVMValueRef state);
void cg_str_iter_step(Lower *L, const Type *t, LLVMValueRef state, LLVMValueRef k);
bool cg_is_str_call(CallInfo *ci, const Type **types);
LLVMValueRef cg_str_call(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types);

/* lower_fancy.c */
bool cg_is_fancy(const Type *it);
LLVMValueRef cg_fancy_getitem(Lower *L, Instr *in);
LLVMValueRef cg_fancy_get(Lower *L, const Type *at, LLVMValueRef a, const Type *it, LLVMValueRef iv, const Type *rt);
void cg_fancy_setitem(Lower *L, Instr *in);

/* lower_nplib.c */
LLVMValueRef cg_nplib_call(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types);
/* a @ b; as_dot: np.dot's choices of BLAS routine where they differ from matmul's (ember_rt_dot_gemm_f8) */
LLVMValueRef cg_product(Lower *L, const Type *at, LLVMValueRef a, const Type *bt, LLVMValueRef b, const Type *rt, bool as_dot);
/* a @ b of 1-d/2-d operands into out (NULL: a new array of type rt). */
LLVMValueRef cg_product_into(Lower *L, const Type *at, LLVMValueRef a, const Type *bt, LLVMValueRef b, const Type *rt,
                             LLVMValueRef out);
int cg_blas_kind(int dt);   /* runtime/lapack.h's LA_* for a float or complex dtype, else -1 */
LLVMValueRef cg_as_dtype(Lower *L, const Type **t, LLVMValueRef v, int dt);   /* aligned, of dtype dt (a copy if not) */
LLVMValueRef cg_clip_scalar(Lower *L, LLVMValueRef *x, const Type **xt, int dt);
void cg_rt_check(Lower *L, const char *name, LLVMTypeRef *pt, LLVMValueRef *args, int n);   /* call; propagate a failure */
/* lower_ops.c: name(&result, args...) returning a status: the result, or to the error exit */
LLVMValueRef cg_rt_status_call(Lower *L, const char *name, LLVMTypeRef rett, LLVMTypeRef *pt, LLVMValueRef *args, int n);
/* Any array's elements as one lane (data, n, byte stride) in C order, dtype dt (-1: a's): a itself
 * when it is 1-d of that dtype, else a fresh C copy. */
LLVMValueRef cg_sum_squares(Lower *L, LLVMValueRef data, LLVMValueRef n, LLVMValueRef stride, int dt);   /* as doubles */
void cg_flat_lane(Lower *L, const Type *at, LLVMValueRef a, int dt, LLVMValueRef *data, LLVMValueRef *n, LLVMValueRef *stride);
void cg_flat_lane_read(Lower *L, const Type *at, LLVMValueRef a, LLVMValueRef *data, LLVMValueRef *n, LLVMValueRef *stride);
LLVMValueRef cg_through_dtype(Lower *L, LLVMValueRef v, const Type *vt, int dt);   /* v as a value of dtype dt (an int8 wraps) */

/* lower_linalg.c */
LLVMValueRef cg_matmul_stack(Lower *L, const Type *at, LLVMValueRef a, const Type *bt, LLVMValueRef b, const Type *rt);
LLVMValueRef cg_dot_nd(Lower *L, const Type *at, LLVMValueRef a, const Type *bt, LLVMValueRef b, const Type *rt);
LLVMValueRef cg_linalg_call(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types);
LLVMValueRef cg_svdvals(Lower *L, const Type *at, LLVMValueRef a, const Type **st);   /* np.linalg.svd(a, compute_uv=False) */

/* lower_npstats.c */
LLVMValueRef cg_npstats_call(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types);

/* lower_grid.c: np.mgrid[...], np.ogrid[...] */
LLVMValueRef cg_grid(Lower *L, Instr *in);

/* lower_npshape.c */
LLVMValueRef cg_npshape_call(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types);
LLVMValueRef cg_concat(Lower *L, int n, const Type *const *ts, LLVMValueRef *vs, int axis, const Type *rt);

/* lower_pairwise.c */
typedef LLVMValueRef (*CgElemAt)(Lower *L, LLVMValueRef i, void *env);   /* element i of a lane */
/* the sum of elements [0, n) (float or double t) in NumPy's pairwise order */
LLVMValueRef cg_pairwise_sum(Lower *L, LLVMTypeRef t, LLVMValueRef n, CgElemAt elem, void *env);
LLVMValueRef cg_pairwise_sum_complex(Lower *L, LLVMTypeRef t, LLVMValueRef n, CgElemAt elem, void *env);   /* elements <2 x t> {re, im} */
/* the same with the elements under each leaf (or group of leaves) computed into a buffer first */
LLVMValueRef cg_pairwise_sum_buffered(Lower *L, LLVMTypeRef t, bool cplx, LLVMValueRef n, CgElemAt elem, void *env);

/* lower_smallmm.c: a @ b of small 2-d float/complex operands inline; returns the join block and
 * leaves the builder where the caller emits the BLAS path for the others (then branches to it) */
LLVMBasicBlockRef cg_small_matmul(Lower *L, int dt, const Type *at, LLVMValueRef a, const Type *bt, LLVMValueRef b,
                                  const Type *rt, LLVMValueRef out, LLVMValueRef m, LLVMValueRef k, LLVMValueRef n);

/* lower_reduce.c */
LLVMValueRef cg_fold_identity(Lower *L, int op, const Type *t);   /* 0 for IRB_ADD, 1 for IRB_MUL */
LLVMValueRef cg_reduction(Lower *L, CallInfo *ci, Instr *in, LLVMValueRef *args, const Type **types);
LLVMValueRef cg_average(Lower *L, CallInfo *ci, Instr *in, LLVMValueRef *args, const Type **types);
bool cg_reduce_fusable(Lower *L, Instr *call, int operand);   /* may read its array operand's expression unmade */
int cg_reduce_source(Lower *L, CallInfo *ci, Instr *in);   /* the fused expression a reduction reads, or -1 */
LLVMValueRef cg_fused_sum_squares(Lower *L, int src);     /* of every element of it, pairwise */
LLVMValueRef cg_sum_dims(Lower *L, const Type *at, LLVMValueRef a, const bool *reduced, int rdt, const Type **rtp);   /* np.sum over those dims */
/* a reduction along a slow axis, row by row: step(pointer to an element of a, the index of its
 * result without the axis) for each element of a in C order */
typedef void (*CgRowStep)(Lower *L, LLVMValueRef p, LLVMValueRef *oidx, void *env);
bool cg_rows_suit(const Type *at, int axis);   /* a C or any-layout array, an axis not its last */
void cg_rows_walk(Lower *L, const Type *at, LLVMValueRef a, int axis, CgRowStep step, void *env);

/* lower_masked.c */
void cg_plan_masked(Lower *L, const int *blk);   /* a[m] = f(a[m], b[m], ...): one fused loop */
bool cg_masked_setitem(Lower *L, Instr *in);                       /* lowers it if planned so */

/* lower_f32.c */
bool cg_is_narrow_float(int dt);   /* float32 or complex64: computed at their own width */
LLVMValueRef cg_f32_round(Lower *L, LLVMValueRef v, const Type **t, int dt);   /* v through dt's width */
LLVMValueRef cg_f32_call(Lower *L, const char *name64, LLVMValueRef *x, int n);   /* expf for "llvm.exp.f64" */
LLVMValueRef cg_math_call(Lower *L, const char *name, LLVMValueRef *x, int n);    /* tanh(x), vectorisable */
LLVMValueRef cg_c64_mul(Lower *L, LLVMValueRef z, LLVMValueRef w);   /* complex64 z * w, as NumPy's loop */
LLVMValueRef cg_c64_mul_scalar(Lower *L, LLVMValueRef z, LLVMValueRef w);   /* as NumPy's scalar loop (reduce, accumulate) */
LLVMValueRef cg_c64_abs(Lower *L, LLVMValueRef z);   /* np.abs of a complex64, as NumPy's vector loop */
LLVMValueRef cg_c64_exp(Lower *L, LLVMValueRef z);   /* np.exp of a complex64, as glibc's cexpf, inline */
bool cg_is_const_complex(LLVMValueRef b, double n);   /* b is the constant n + 0j */
bool cg_f32_scalar(Lower *L, const Instr *in);   /* typing made its value a float32 scalar (typeinfer/facts.c) */
LLVMValueRef cg_f32_narrow(Lower *L, LLVMValueRef v);   /* a float64 rounded to float32, widened back */
bool cg_c64_scalar(Lower *L, const Instr *in);   /* typing made its value a complex64 scalar (facts.c) */
LLVMValueRef cg_c64_narrow(Lower *L, LLVMValueRef v);   /* a complex128's parts rounded to float32, widened back */
void cg_f32_narrow_slots(LLVMModuleRef m);   /* double slots holding only float values made float slots */

/* cfg.c: walks over an LLVM function's blocks (the LLVM-C API has no dominator tree) */
typedef struct {
    LLVMBasicBlockRef b;
    unsigned i;
} CfgBlock;
typedef struct {
    CfgBlock *at;                 /* the blocks, sorted by address, with their order in f */
    LLVMBasicBlockRef *stack;
    bool *seen;
    unsigned n;
} Cfg;
int cfg_open(Cfg *g, LLVMValueRef f);   /* -1: out of memory (g holds nothing) */
void cfg_close(Cfg *g);
bool cfg_reaches(Cfg *g, LLVMBasicBlockRef from, LLVMBasicBlockRef to, LLVMBasicBlockRef avoid);
bool cfg_dominates(Cfg *g, LLVMValueRef f, LLVMBasicBlockRef d, LLVMBasicBlockRef b);
bool cfg_ends_vectorised_loop(LLVMBasicBlockRef b, unsigned loop_kind);   /* b's back edge carries llvm.loop.isvectorized */
bool cfg_has_vectorised_loop(LLVMValueRef f, unsigned loop_kind);   /* a block of f does */

/* lower_numpy.c */
LLVMValueRef cg_arange(Lower *L, const Type *rt, const Type *vt, LLVMValueRef start, LLVMValueRef stop, LLVMValueRef step);
LLVMValueRef cg_ufunc_scalar(Lower *L, int bid, LLVMValueRef *x, const Type **xt, int dt);
void cg_store_sequence(Lower *L, const Type *rt, LLVMValueRef data, const Type *t, LLVMValueRef v, long long *pos);

/* lower_ops.c */
LLVMValueRef cg_binop(Lower *L, int op, LLVMValueRef a, LLVMValueRef b, const Type *t, Instr *in);
LLVMValueRef cg_unop(Lower *L, int op, LLVMValueRef a, const Type *at, const Type *t);
LLVMValueRef cg_cmp(Lower *L, int op, LLVMValueRef a, LLVMValueRef b, const Type *t);
LLVMValueRef cg_minmax(Lower *L, bool is_max, LLVMValueRef *vals, int n, const Type *t);
LLVMValueRef cg_complex_abs(Lower *L, LLVMValueRef re, LLVMValueRef im);   /* np.abs of a complex, vectorisable */
LLVMValueRef cg_complex_div(Lower *L, LLVMValueRef a, LLVMValueRef b, int dt);   /* NumPy's complex a / b in dt's width */
LLVMValueRef cg_complex_reciprocal(Lower *L, LLVMValueRef z, int dt);   /* NumPy's np.reciprocal in dt's width */
LLVMValueRef cg_c64_power(Lower *L, LLVMValueRef a, LLVMValueRef b);   /* complex64 a ** n, n a small constant int; else NULL */
LLVMValueRef cg_cmp_values(Lower *L, int op, LLVMValueRef a, const Type *ta, LLVMValueRef b, const Type *tb);
LLVMValueRef cg_builtin(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types);
LLVMValueRef cg_float_to_int(Lower *L, LLVMValueRef x);
LLVMValueRef cg_int_checked_after(Lower *L, LLVMValueRef x, LLVMValueRef r);   /* r: x86's cvttsd2si of x */
LLVMValueRef cg_range_count(Lower *L, LLVMValueRef range);
LLVMValueRef cg_range_contains(Lower *L, LLVMValueRef range, LLVMValueRef x, const Type *xt);   /* x in range(...) */
LLVMValueRef cg_gcd(Lower *L, LLVMValueRef a, LLVMValueRef b, bool uns);   /* math.gcd, np.gcd: inline */

#endif
