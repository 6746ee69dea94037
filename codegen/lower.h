/* lower.h: state shared by lower.c and lower_ops.c (private to codegen/). */
#ifndef EMBER_LOWER_H
#define EMBER_LOWER_H

#include "cg.h"
#include <llvm-c/Core.h>
#include <llvm-c/Target.h>
#include <llvm-c/TargetMachine.h>

typedef struct Lower {
    Ctx *ctx;
    TypeInfo *ti;
    Function *fn;
    LLVMContextRef c;
    LLVMModuleRef m;
    LLVMBuilderRef b;
    LLVMValueRef func;        /* the native function being lowered */
    LLVMValueRef stack_limit; /* a recursive function's lowest safe frame address, or NULL */
    LLVMValueRef out;         /* its result pointer */
    LLVMValueRef *vals;       /* per value id */
    LLVMValueRef *vars;       /* per variable: its stack slot */
    LLVMValueRef *assigned;   /* per variable: an i1 slot, "has been assigned", where a read may
                               * find it unassigned (ti->maybe_unbound); NULL in prange bodies */
    LLVMBasicBlockRef *bbs;   /* per block */
    LLVMBasicBlockRef entry_bb;
    LLVMTypeRef i1, i8, i32, i64, f64, ptr, c128, voidt;
    Loc loc;                  /* of the instruction being lowered */
    /* References (see lower_array.c): with `refs`, every exit goes through exit_bb, which drops
     * what the slots and variables hold; `status` carries the return code there. */
    bool refs;
    LLVMBasicBlockRef exit_bb;
    LLVMValueRef status;
    LLVMValueRef *slots;      /* allocas holding owned references */
    const Type **slot_types;
    int nslots, cap_slots;
    int *uses;                /* per value id: how many instructions use it */
    bool *fused;              /* per value id: an array expression lowered inside its user's loop */
    bool numpy_sem;           /* operators follow NumPy (no ZeroDivisionError) inside array loops */
    const char *cpu, *features;   /* the target, for every function's attributes */
    Instr *cur;               /* the instruction being lowered */
    /* A checked int() whose test waits for the branch that follows (cg_float_to_int): */
    struct {
        Instr *branch;        /* the BRANCH that tests it, or NULL */
        int side, var;        /* the target -2**63 goes to; the variable holding the int */
        LLVMValueRef x, r;    /* the float and its conversion (-2**63 when x did not fit) */
    } pending_int;
} Lower;

static inline LLVMValueRef i64c(Lower *L, long long v) { return LLVMConstInt(L->i64, (unsigned long long)v, 1); }
static inline LLVMValueRef f64c(Lower *L, double v) { return LLVMConstReal(L->f64, v); }

/* lower.c */
void cg_set_fn_attrs(Lower *L, LLVMValueRef f);
bool cg_defer_int_check(Lower *L);   /* L->cur's int() may leave its test to the branch after it */
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
LLVMValueRef cg_cstring(Lower *L, const char *s);
LLVMValueRef cg_declare(Lower *L, const char *name, LLVMTypeRef ret, LLVMTypeRef *params, int n);
LLVMValueRef cg_call(Lower *L, const char *name, LLVMTypeRef ret, LLVMTypeRef *ptypes,
                     LLVMValueRef *args, int n);
void cg_raise_if(Lower *L, LLVMValueRef cond, const char *exc, const char *msg);
/* br cond, t, f with cond expected to be `likely` (llvm.expect: the other side is laid out cold) */
void cg_br_expect(Lower *L, LLVMValueRef cond, bool likely, LLVMBasicBlockRef t, LLVMBasicBlockRef f);
/* a phi at the builder's position joining a (from block ba) and b (from bb) */
LLVMValueRef cg_phi2(Lower *L, LLVMValueRef a, LLVMBasicBlockRef ba, LLVMValueRef b, LLVMBasicBlockRef bb,
                     const char *name);
void cg_check_status(Lower *L, LLVMValueRef status);
const char *cg_exc_name(Lower *L, PyObject *cls);

void cg_ret(Lower *L, LLVMValueRef status);

/* lower_array.c */
typedef struct LoopCtx {
    LLVMValueRef slot, i;
    LLVMBasicBlockRef head, exit;
} LoopCtx;
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
void cg_check_size(Lower *L, int dt, int nd, LLVMValueRef *shape);   /* ValueError unless shape is valid */
LLVMValueRef cg_loop_begin(Lower *L, LoopCtx *lc, LLVMValueRef n);
void cg_loop_end(Lower *L, LoopCtx *lc);
void cg_loop_nest(Lower *L, int nd, LLVMValueRef *shape, LoopBody body, void *env);
LLVMTypeRef cg_elem_llvm(Lower *L, int dt);
LLVMValueRef cg_load_elem(Lower *L, int dt, LLVMValueRef p);
void cg_store_elem(Lower *L, int dt, LLVMValueRef p, LLVMValueRef v, const Type *from);
LLVMValueRef cg_to_elem_scalar(Lower *L, LLVMValueRef v, const Type *from, int dt);
void cg_assign_array(Lower *L, const Type *tt, LLVMValueRef target, const Type *vt_, LLVMValueRef v);
void cg_assign_noalias(Lower *L, const Type *tt, LLVMValueRef target, const Type *vt_, LLVMValueRef v);
LLVMValueRef cg_unaliased(Lower *L, const Type *tt, LLVMValueRef target, const Type **vtp, LLVMValueRef v);
LLVMValueRef cg_index_basic(Lower *L, const Type *at, LLVMValueRef a, const Type *it, LLVMValueRef iv,
                            const Type *rt, LLVMValueRef *elem);
LLVMValueRef cg_wrap_index(Lower *L, LLVMValueRef i, LLVMValueRef n, bool check);
LLVMValueRef cg_ufunc_call_scalar(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types);
LLVMValueRef cg_own(Lower *L, LLVMValueRef v, const Type *t);
void cg_incref(Lower *L, LLVMValueRef v, const Type *t);
void cg_decref(Lower *L, LLVMValueRef v, const Type *t);
LLVMValueRef cg_new_slot(Lower *L, const Type *t);
void cg_store_var(Lower *L, Instr *in, LLVMValueRef v, const Type *t);
void cg_plan_arrays(Lower *L);
bool cg_is_fresh(Lower *L, Instr *in);
LLVMValueRef cg_array_getitem(Lower *L, Instr *in);
void cg_array_setitem(Lower *L, Instr *in);
LLVMValueRef cg_array_getattr(Lower *L, Instr *in);
LLVMValueRef cg_array_flag(Lower *L, const Type *at, LLVMValueRef a, const char *flag);
LLVMValueRef cg_real_imag(Lower *L, const Type *at, LLVMValueRef a, bool imag, const Type *t);
LLVMValueRef cg_array_expr(Lower *L, Instr *in);
LLVMValueRef cg_array_expr_as(Lower *L, Instr *in, int bid, int dt, const Type *t);   /* one output of np.divmod ... */
LLVMValueRef cg_slice(Lower *L, Instr *in);
LLVMValueRef cg_numpy_call(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types);
LLVMTypeRef cg_array_type(Lower *L, const Type *t);
void cg_array_iter_init(Lower *L, const Type *at, LLVMValueRef a, LLVMValueRef state, LLVMTypeRef st);
LLVMValueRef cg_array_iter_count(Lower *L, LLVMValueRef arr);
LLVMValueRef cg_array_iter_value(Lower *L, const Type *at, LLVMValueRef arr, LLVMValueRef k);
LLVMValueRef cg_array_len(Lower *L, LLVMValueRef arr);
LLVMValueRef cg_array_size(Lower *L, const Type *t, LLVMValueRef a);   /* the number of elements */
LLVMValueRef cg_copy_array(Lower *L, const Type *at, LLVMValueRef a, const Type *rt);   /* a new C array rt */

/* lower_fancy.c */
bool cg_is_fancy(const Type *it);
LLVMValueRef cg_fancy_getitem(Lower *L, Instr *in);
void cg_fancy_setitem(Lower *L, Instr *in);

/* lower_nplib.c */
LLVMValueRef cg_nplib_call(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types);
LLVMValueRef cg_product(Lower *L, const Type *at, LLVMValueRef a, const Type *bt, LLVMValueRef b, const Type *rt);
LLVMValueRef cg_clip_scalar(Lower *L, LLVMValueRef *x, const Type **xt, int dt);

/* lower_reduce.c */
LLVMValueRef cg_fold_identity(Lower *L, int op, const Type *t);   /* 0 for IRB_ADD, 1 for IRB_MUL */
LLVMValueRef cg_reduction(Lower *L, CallInfo *ci, Instr *in, LLVMValueRef *args, const Type **types);
LLVMValueRef cg_average(Lower *L, CallInfo *ci, Instr *in, LLVMValueRef *args, const Type **types);

/* lower_numpy.c */
LLVMValueRef cg_ufunc_scalar(Lower *L, int bid, LLVMValueRef *x, const Type **xt, int dt);
void cg_store_sequence(Lower *L, const Type *rt, LLVMValueRef data, const Type *t, LLVMValueRef v, long long *pos);

/* lower_ops.c */
LLVMValueRef cg_binop(Lower *L, int op, LLVMValueRef a, LLVMValueRef b, const Type *t, Instr *in);
LLVMValueRef cg_unop(Lower *L, int op, LLVMValueRef a, const Type *at, const Type *t);
LLVMValueRef cg_cmp(Lower *L, int op, LLVMValueRef a, LLVMValueRef b, const Type *t);
LLVMValueRef cg_minmax(Lower *L, bool is_max, LLVMValueRef *vals, int n, const Type *t);
LLVMValueRef cg_cmp_values(Lower *L, int op, LLVMValueRef a, const Type *ta, LLVMValueRef b, const Type *tb);
LLVMValueRef cg_builtin(Lower *L, Instr *in, CallInfo *ci, LLVMValueRef *args, const Type **types);
LLVMValueRef cg_float_to_int(Lower *L, LLVMValueRef x);
LLVMValueRef cg_int_checked_after(Lower *L, LLVMValueRef x, LLVMValueRef r);   /* r: x86's cvttsd2si of x */
LLVMValueRef cg_range_count(Lower *L, LLVMValueRef range);

#endif
